//! `pcapdig fields` (in-process) against tshark 4.0's application-layer
//! columns, `app/expected/NAME.app.noreasm.tsv`, for every capture of both
//! corpora (`../shared/corpus/pcap` and `../shared/corpus/app/pcap`).
//!
//! The corpus is found by `pcap_tests::corpus::find` (`$PCAP_CORPUS` or
//! `../shared/corpus` next to the workspace); without it the test prints a
//! message and passes.

use std::collections::BTreeMap;
use std::path::Path;

use pcap_core::capture::CaptureReader;
use pcap_tests::corpus::{self, Table};
use pcapdig::fields::{parse_columns, write_fields};
use protocols::Registry;

/// Columns asserted cell by cell: every cell identical, except for the
/// (capture, column prefix) pairs of [`KNOWN`].
const ASSERTED_PREFIXES: &[&str] = &[
    "tls.",
    "http.",
    "dns.",
    "icmp.",
    "icmpv6.",
    "wlan.",
    "llc.",
    "radiotap.",
];

/// The cells of asserted columns allowed to differ, and why.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "http-post-upload.pcap",
        "http.",
        "tshark's TCP analysis does not hand retransmitted segments to HTTP (stateful)",
    ),
    (
        "80211http.pcap",
        "http.",
        "frame 14 repeats frame 13's segment (same IP id and sequence): a \
         retransmission tshark does not hand to HTTP (stateful)",
    ),
];

/// Measured over both corpora with the QUIC Initial packets decrypted:
/// 100,459 of 100,470 cells identical (every cell of every frame but
/// `frame.number`; the other 11 are [`KNOWN`]).
const THRESHOLD: f64 = 0.999;

/// tshark's frame number of each record, by record order (pcapng Custom
/// Blocks are frames to tshark, not to us).
fn frame_numbers(dir: &Path, name: &str, records: usize) -> Vec<u64> {
    let map = Table::read(dir.join("expected").join(format!("{name}.offsets.tsv")))
        .map(|t| corpus::tshark_frames(&t))
        .unwrap_or_default();
    let mut numbers: Vec<u64> = map.into_values().collect();
    if numbers.len() != records {
        numbers = (1..=records as u64).collect();
    }
    numbers
}

#[test]
fn application_columns_match_tshark() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        eprintln!("no app/ part in the corpus: application columns not compared");
        return;
    };
    let mut captures = Vec::new();
    for name in corpus::captures(&app) {
        captures.push((app.join("pcap").join(&name), app.clone(), name));
    }
    for name in corpus::captures(&dir) {
        captures.push((dir.join("pcap").join(&name), dir.clone(), name));
    }
    // Per column: (cells compared where either side has a value, identical).
    let mut tally: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut compared = 0;
    // Every cell of every frame compared: (cells, identical).
    let mut all = (0u64, 0u64);
    for (path, corpus_dir, name) in &captures {
        let Some(expected) = corpus::app_noreasm(&app, name) else {
            continue;
        };
        // Compressed captures (the .pcap.gz) are read as streams.
        let Ok(reader) = CaptureReader::open(path) else {
            eprintln!("{name}: refused");
            continue;
        };
        let names: Vec<String> = expected
            .header()
            .iter()
            .filter(|c| *c != "frame.number")
            .filter(|c| parse_columns(&[c.to_string()], &Registry::new()).is_ok())
            .cloned()
            .collect();
        let columns = parse_columns(&names, &Registry::new()).expect("columns");
        let mut out = Vec::new();
        let _ = write_fields(reader, &columns, None, &Registry::new(), &mut out);
        let text = String::from_utf8(out).expect("utf-8");
        let rows: Vec<&str> = text.lines().skip(1).collect();
        let numbers = frame_numbers(corpus_dir, name, rows.len());
        let by_number = expected.keyed_by("frame.number");
        compared += 1;
        for (k, row) in rows.iter().enumerate() {
            let ours: Vec<&str> = row.split('\t').collect();
            let exp = by_number.get(&numbers[k]);
            for (i, col) in names.iter().enumerate() {
                let want = exp.and_then(|r| r.get(col)).unwrap_or("");
                let have = ours.get(i).copied().unwrap_or("");
                all.0 += 1;
                all.1 += u64::from(want == have);
                if want.is_empty() && have.is_empty() {
                    continue;
                }
                let t = tally.entry(col.clone()).or_default();
                t.0 += 1;
                if want == have {
                    t.1 += 1;
                    continue;
                }
                let asserted = ASSERTED_PREFIXES.iter().any(|p| col.starts_with(p));
                let known = KNOWN
                    .iter()
                    .any(|(n, prefix, _)| n == name && col.starts_with(prefix));
                if asserted && !known {
                    unexpected.push(format!(
                        "{name} frame {} {col}: ours {have:?} tshark {want:?}",
                        numbers[k]
                    ));
                }
            }
        }
    }
    for (col, (cells, same)) in &tally {
        eprintln!(
            "{col}: {same}/{cells} non-empty cells identical ({:.2}%)",
            100.0 * *same as f64 / (*cells).max(1) as f64
        );
    }
    let rate = all.1 as f64 / all.0.max(1) as f64;
    eprintln!(
        "all cells: {}/{} identical ({:.3}%)",
        all.1,
        all.0,
        100.0 * rate
    );
    for (name, prefix, why) in KNOWN {
        eprintln!("known: {name} {prefix}*: {why}");
    }
    for u in unexpected.iter().take(40) {
        eprintln!("    {u}");
    }
    assert!(compared > 50, "only {compared} captures compared");
    assert!(unexpected.is_empty(), "{} cells differ", unexpected.len());
    assert!(rate >= THRESHOLD, "{rate} of the cells identical");
}
