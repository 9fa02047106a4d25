//! The 802.11 layers (`protocols::wlan`: radiotap, 802.11, LLC/SNAP)
//! against both corpora (`../shared/corpus` and its `app/` part, or
//! `$PCAP_CORPUS`): for every frame of every capture, the `wlan.*`,
//! `llc.type` and `radiotap.*` columns of [`wlan::columns`] are compared,
//! cell by cell, with `app/expected/NAME.app.noreasm.tsv` (tshark 4.0;
//! a capture without that file has every cell empty). Non-802.11 captures
//! must give empty cells too.

use pcap_core::capture::CaptureReader;
use pcap_tests::corpus;
use protocols::wlan::columns;
use protocols::{Config, Dissector};

/// (capture, column, reason): cells knowingly printed differently from
/// tshark. Empty: every cell of both corpora is identical.
const KNOWN: &[(&str, &str, &str)] = &[];

#[test]
fn wlan_columns_match_tshark() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        return;
    };
    // The dissector `pcapdig fields` builds for these columns reads no
    // further than the link layers; `all` must give the same cells.
    let dissector = Dissector::new(Config::all());
    let (mut cells, mut same, mut valued, mut valued_same, mut known) = (0, 0, 0, 0, 0);
    let mut mismatches: Vec<String> = Vec::new();
    let mut captures = 0;
    let mut wlan_captures = Vec::new();
    for (path, name, frames) in corpus::all_captures(&dir, &app) {
        let Some(mut reader) = CaptureReader::open(&path).ok() else {
            continue;
        };
        captures += 1;
        let expected = corpus::app_noreasm(&app, &name).unwrap_or_default();
        let rows = expected.keyed_by("frame.number");
        let mut n = 0;
        let mut any = false;
        loop {
            let rec = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(_) => continue,
            };
            n += 1;
            let frame = frames.get(&rec.offset).copied().unwrap_or(n);
            let d = dissector.dissect_record(&rec);
            let row = rows.get(&frame);
            for (i, col) in columns::NAMES.iter().enumerate() {
                let theirs = row.and_then(|r| r.get(col)).unwrap_or("");
                let mut mine = String::new();
                columns::write_cell(&d, i, &mut mine).expect("write to a String");
                cells += 1;
                if !theirs.is_empty() || !mine.is_empty() {
                    valued += 1;
                    any = true;
                }
                if mine == theirs {
                    same += 1;
                    if !theirs.is_empty() {
                        valued_same += 1;
                    }
                } else if KNOWN.iter().any(|(c, k, _)| *c == name && k == col) {
                    known += 1;
                } else {
                    mismatches.push(format!(
                        "{name} frame {frame} {col}: ours {mine:?} tshark {theirs:?}"
                    ));
                }
            }
        }
        if any {
            wlan_captures.push(name);
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    eprintln!(
        "wlan columns: {captures} captures, {same}/{cells} cells identical ({:.3}%); \
         cells where either side has a value: {valued_same}/{valued} identical ({:.3}%); \
         {known} cells in the known list; {} unexplained; 802.11 captures: {}",
        pct(same, cells),
        pct(valued_same, valued),
        mismatches.len(),
        wlan_captures.join(" ")
    );
    for m in mismatches.iter().take(60) {
        eprintln!("    {m}");
    }
    assert!(captures > 90, "only {captures} captures read");
    for name in [
        "80211http.pcap",
        "arp-who-has-radiotap.pcap",
        "radiotap.pcap",
        "wlanmon.pcap",
    ] {
        assert!(
            wlan_captures.iter().any(|c| c == name),
            "{name}: no 802.11 cell"
        );
    }
    assert!(
        mismatches.is_empty(),
        "802.11 cells differ from tshark (see above)"
    );
}
