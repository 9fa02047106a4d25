//! `pcapdig fields` against tshark 4.0's `*.fields.noreasm.tsv` for every
//! capture of the shared corpus, cell by cell.
//!
//! The corpus is found by `pcap_tests::corpus::find` (`$PCAP_CORPUS` or
//! `../shared/corpus` next to the workspace); without it the tests print a
//! message and pass.
//!
//! The command line runs in-process (`pcapdig::run_args`, the binary's
//! own code path and built-in layers), not as one process per capture;
//! standard input and the unknown-field message go through the binary.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use pcap_tests::corpus::{self, Table};
use pcapdig::{Context, Registry};

/// Fields we claim to match; `frame.protocols` is best effort (tshark names
/// every application protocol it knows) and is reported, not asserted.
const ASSERTED: &[&str] = &[
    "frame.number",
    "frame.time_epoch",
    "frame.len",
    "frame.cap_len",
    "eth.src",
    "eth.dst",
    "eth.type",
    "vlan.id",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ip.hdr_len",
    "ip.ttl",
    "ip.flags.mf",
    "ip.frag_offset",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.nxt",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.flags",
    "tcp.hdr_len",
    "tcp.len",
    "udp.srcport",
    "udp.dstport",
    "udp.length",
    "dns.id",
    "dns.flags.response",
    "dns.qry.name",
    "dns.qry.type",
    "dns.a",
    "dns.count.answers",
    "http.request.method",
    "http.request.uri",
    "http.host",
    "http.response.code",
    "communityid",
    "ieee8021ad.id",
];

/// Measured: 99.980% of the non-empty cells (60948 of 60960: the 12 HTTP
/// cells of [`KNOWN`]); asserted with a small margin.
const THRESHOLD: f64 = 0.9997;

/// The only (capture, column prefix) pairs of asserted columns allowed to
/// differ: every other asserted column matches tshark on every cell.
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

/// `frame.protocols` is best effort: measured 80.83% (tshark names every
/// application protocol it knows; we name the layers we dissect).
const PROTOCOLS_FLOOR: f64 = 0.80;

/// Captures not compared cell by cell, and why.
const NOT_COMPARED: &[(&str, &str)] = &[(
    "suricata_bug-6875-01_fuzz.pcap",
    "tshark re-reads the corrupt file in another pcap variant (corpus README)",
)];

/// `pcapdig fields FILE -e F...` in-process with the binary's layers:
/// (standard output, standard error, success).
fn run(file: &Path, fields: &[&str]) -> (String, String, bool) {
    let mut args: Vec<OsString> = vec!["fields".into(), file.into()];
    for f in fields {
        args.push("-e".into());
        args.push((*f).into());
    }
    let ctx = Context {
        registry: Registry::new(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = pcapdig::run_args(args, &ctx, &mut out, &mut err);
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        status == 0,
    )
}

#[derive(Default)]
struct Tally {
    cells: u64,
    bad: u64,
    examples: Vec<String>,
}

#[test]
fn fields_match_tshark_over_the_corpus() {
    let Some(dir) = corpus::find() else { return };
    let names = corpus::captures(&dir);
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unexpected: Vec<String> = Vec::new();
    let mut files = 0;
    for name in &names {
        let pcap = dir.join("pcap").join(name);
        let expected_path = dir
            .join("expected")
            .join(format!("{name}.fields.noreasm.tsv"));
        let Ok(expected) = Table::read(&expected_path) else {
            continue;
        };
        if expected.header().is_empty() {
            // tshark refused the file: we either refuse it too (non-zero
            // exit, a message naming the file) or read it (policy: we
            // accept e.g. reserved link-type bits), but never crash.
            let (out, err, ok) = run(&pcap, &["frame.number"]);
            assert!(
                ok || err.contains(name.as_str()),
                "{name}: error must name the file: {err}"
            );
            assert!(ok || out.lines().count() <= 1, "{name}: {out}");
            continue;
        }
        if let Some((_, why)) = NOT_COMPARED.iter().find(|(n, _)| n == name) {
            let (out, err, _) = run(&pcap, &["frame.number", "ip.src"]);
            assert!(out.lines().count() > 1, "{name}: frames are still listed");
            if name.starts_with("80211") {
                assert!(err.contains("not supported"), "{name}: {err}");
            }
            eprintln!("{name}: not compared: {why}");
            continue;
        }
        let columns: Vec<&str> = expected.header().iter().map(String::as_str).collect();
        let asked: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| ASSERTED.contains(c) || *c == "frame.protocols")
            .collect();
        let (out, err, ok) = run(&pcap, &asked);
        let tsv = dir
            .join("expected")
            .join(format!("{name}.tshark-stderr.txt"));
        if !ok {
            assert!(tsv.exists(), "{name}: unexpected failure: {err}");
            assert!(
                err.contains(name.as_str()),
                "{name}: error must name the file: {err}"
            );
        }
        files += 1;
        let mut got = out.lines();
        assert_eq!(got.next().unwrap_or(""), asked.join("\t"), "{name}: header");
        let by_number = expected.keyed_by("frame.number");
        // For pcapng, tshark numbers Custom Blocks as frames: our frame k
        // is the k-th packet's tshark frame of `offsets.tsv`.
        let renumber: Option<Vec<u64>> = if name.ends_with(".pcapng") || name == "pfcp.pcap" {
            Table::read(dir.join("expected").join(format!("{name}.offsets.tsv")))
                .ok()
                .map(|offsets| corpus::tshark_frames(&offsets).into_values().collect())
        } else {
            None
        };
        let got: Vec<&str> = got.collect();
        let exp_rows = expected.len();
        if renumber.is_none() {
            assert_eq!(got.len(), exp_rows, "{name}: number of frames");
        }
        for (k, row) in got.iter().enumerate() {
            let ours: Vec<&str> = row.split('\t').collect();
            let number = (k + 1) as u64;
            let tshark_number = renumber
                .as_ref()
                .and_then(|m| m.get(k).copied())
                .unwrap_or(number);
            let Some(exp) = by_number.get(&tshark_number) else {
                continue;
            };
            let exp = exp.cells();
            for (c, col) in columns.iter().enumerate() {
                let Some(i) = asked.iter().position(|a| a == col) else {
                    continue;
                };
                let want = exp.get(c).map(String::as_str).unwrap_or("");
                let want = if *col == "frame.number" && renumber.is_some() {
                    ""
                } else {
                    want
                };
                let have = ours.get(i).copied().unwrap_or("");
                if want.is_empty() && (have.is_empty() || *col == "frame.number") {
                    continue;
                }
                let t = tally.entry(col.to_string()).or_default();
                t.cells += 1;
                if want != have {
                    if ASSERTED.contains(col)
                        && !KNOWN
                            .iter()
                            .any(|(f, c, _)| f == name && col.starts_with(c))
                    {
                        unexpected.push(format!(
                            "{name} frame {number} {col}: tshark `{want}`, ours `{have}`"
                        ));
                    }
                    t.bad += 1;
                    if t.examples.len() < 3 {
                        t.examples.push(format!(
                            "{name} frame {number}: tshark `{want}`, ours `{have}`"
                        ));
                    }
                }
            }
        }
    }
    let (mut cells, mut bad) = (0, 0);
    for (col, t) in &tally {
        eprintln!(
            "{col:22} {:6}/{:6} {:8.3}%  ({} mismatches)",
            t.cells - t.bad,
            t.cells,
            100.0 * (t.cells - t.bad) as f64 / t.cells as f64,
            t.bad
        );
        for e in &t.examples {
            eprintln!("    {e}");
        }
        if ASSERTED.contains(&col.as_str()) {
            cells += t.cells;
            bad += t.bad;
        }
    }
    let rate = (cells - bad) as f64 / cells as f64;
    eprintln!(
        "{files} captures; asserted columns: {}/{cells} cells match ({:.3}%)",
        cells - bad,
        100.0 * rate
    );
    assert!(files > 50, "only {files} captures compared");
    assert!(rate >= THRESHOLD, "match rate {rate} below {THRESHOLD}");
    assert!(
        unexpected.is_empty(),
        "asserted columns differ outside KNOWN: {unexpected:#?}"
    );
    if let Some(t) = tally.get("frame.protocols") {
        let protocols = (t.cells - t.bad) as f64 / t.cells as f64;
        assert!(
            protocols >= PROTOCOLS_FLOOR,
            "frame.protocols {protocols} below {PROTOCOLS_FLOOR}"
        );
    }
}

#[test]
fn damaged_file_prints_good_records_then_fails() {
    let Some(dir) = corpus::find() else { return };
    let pcap = dir.join("pcap/tls_DER-incomplete-header.pcap");
    if !pcap.exists() {
        return;
    }
    let (out, err, ok) = run(&pcap, &["frame.number"]);
    assert!(!ok);
    assert_eq!(out, "frame.number\n1\n2\n3\n4\n5\n6\n");
    assert!(err.contains("tls_DER-incomplete-header.pcap"), "{err}");
    assert!(err.contains("byte "), "offset in {err}");
}

#[test]
fn unknown_field_lists_the_supported_ones() {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(["fields", "-", "-e", "ip.bogus"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ip.bogus") && err.contains("tcp.srcport"),
        "{err}"
    );
}

/// Asking one field alone configures the dissector with that field's flags
/// and depth only (`fields::config`), but must print exactly that column of
/// the all-fields output (tunnels and ICMP quotes included).
#[test]
fn each_field_alone_prints_the_same_column() {
    let Some(dir) = corpus::find() else { return };
    let all: Vec<&str> = ASSERTED
        .iter()
        .copied()
        .chain(["frame.protocols"])
        .collect();
    for name in [
        "ipv6-gtp6.pcap",
        "icmp-destunreach-udp.pcap",
        "vlan-qinqinq.pcap",
        "dot1ad.pcap",
        "ipv6_ext_headers.pcap",
        "dns_icmp.pcap",
        "http.pcap",
        "fragmented-4.pcap",
    ] {
        let pcap = dir.join("pcap").join(name);
        if !pcap.exists() {
            continue;
        }
        let (full, _, _) = run(&pcap, &all);
        for (i, field) in all.iter().enumerate() {
            let (one, _, _) = run(&pcap, &[field]);
            let column: Vec<&str> = full
                .lines()
                .map(|l| l.split('\t').nth(i).unwrap_or(""))
                .collect();
            assert_eq!(one.lines().collect::<Vec<_>>(), column, "{name} {field}");
        }
    }
}

#[test]
fn stdin_gives_the_same_output_as_the_file() {
    let Some(dir) = corpus::find() else { return };
    let pcap = dir.join("pcap/http.pcap");
    let Ok(bytes) = std::fs::read(&pcap) else {
        return;
    };
    let fields = [
        "frame.number",
        "frame.time_epoch",
        "ip.src",
        "tcp.dstport",
        "http.host",
    ];
    let (from_file, _, ok) = run(&pcap, &fields);
    assert!(ok);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pcapdig"));
    cmd.args(["fields", "-"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), from_file);
}
