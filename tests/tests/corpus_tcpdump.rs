//! The packet filter against tcpdump: for each (capture, expression) row of
//! `tests/data/tcpdump_counts.tsv` (written by `scripts/tcpdump_counts.sh`
//! from `tcpdump -n -r CAPTURE --count EXPRESSION`), the number of packets
//! `Filter::matches_packet` accepts must be tcpdump's. Packets are
//! dissected as `pcapdig fields`/`show` do: the `protocols` dissector with
//! `Config::for_needs(filter.needs())`.
//!
//! When `tcpdump` is installed, each row is also re-run live, so the file
//! cannot go stale. Skips (with a message) when the corpus is absent.

use std::path::Path;
use std::process::Command;

use pcap_core::capture::CaptureReader;
use pcap_core::filter::Filter;
use pcap_tests::corpus;
use protocols::{Config, Dissection, Dissector};

const TABLE: &str = include_str!("../data/tcpdump_counts.tsv");

struct Row<'a> {
    capture: &'a str,
    expr: &'a str,
    count: u64,
}

fn rows() -> Vec<Row<'static>> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1) // header
        .map(|l| {
            let mut f = l.split('\t');
            let (Some(capture), Some(expr), Some(count), None) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                panic!("bad row: {l:?}");
            };
            Row {
                capture,
                expr,
                count: count.parse().expect("a count"),
            }
        })
        .collect()
}

/// The packets of `path` that `filter` accepts.
fn count(path: &Path, filter: &Filter) -> u64 {
    let dissector = Dissector::new(Config::for_needs(filter.needs()));
    let mut reader = CaptureReader::open(path).expect("capture opens");
    let mut n = 0;
    loop {
        match reader.next_record() {
            Ok(Some(rec)) => {
                let mut d = Dissection::new(rec.linktype, rec.data);
                d.summary.wire_len = rec.origlen;
                dissector.dissect_into(&mut d);
                if filter.matches_packet(&d.summary, rec.data) {
                    n += 1;
                }
            }
            Ok(None) => break,
            Err(_) => {
                if reader.is_done() {
                    break;
                }
            }
        }
    }
    n
}

#[test]
fn table_covers_the_primitives() {
    let rows = rows();
    assert!(rows.len() >= 40, "{} rows", rows.len());
    let all: String = rows.iter().map(|r| format!("{} ", r.expr)).collect();
    for needle in [
        "ether src",
        "ether dst",
        "ether host",
        "ether proto",
        "ether[",
        "greater",
        "less",
        "arp",
        "rarp",
        "ip proto \\",
        "ip6 proto",
        "tcp[",
        "udp[",
        "icmp[",
        "icmp6[",
        "ip[",
        "ip6[",
        "tcpflags",
        "tcp-syn",
        "tcp-ack",
        "tcp-fin",
        "tcp-rst",
        "tcp-push",
        "tcp-ece",
        "tcp-cwr",
        "icmptype",
        "icmpcode",
        "icmp-echo",
        "icmp-echoreply",
        "icmp-unreach",
        "port http",
        "port domain",
        "len",
        " % ",
        " ^ ",
        " | ",
        " & ",
        " << ",
        " >> ",
        " - ",
        " * ",
        " / ",
        "-len",
        " != ",
        " == ",
        " >= ",
        " <= ",
        " > ",
        " < ",
        " = ",
        " or host ",
    ] {
        assert!(all.contains(needle), "no row uses `{needle}`");
    }
}

#[test]
fn filter_counts_match_tcpdump() {
    let Some(dir) = corpus::find() else { return };
    let mut failures = Vec::new();
    for row in rows() {
        let filter: Filter = row
            .expr
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", row.expr));
        let got = count(&dir.join("pcap").join(row.capture), &filter);
        if got != row.count {
            failures.push(format!(
                "{}: `{}`: pcapdig {got}, tcpdump {}",
                row.capture, row.expr, row.count
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn table_is_what_tcpdump_says_today() {
    let Some(dir) = corpus::find() else { return };
    let installed = Command::new("tcpdump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipping: tcpdump not on PATH (the table is checked against the file only)");
        return;
    }
    let mut stale = Vec::new();
    for row in rows() {
        let out = Command::new("tcpdump")
            .args(["-n", "-r"])
            .arg(dir.join("pcap").join(row.capture))
            .arg("--count")
            .arg(row.expr)
            .output()
            .expect("tcpdump runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let live: Option<u64> = text
            .lines()
            .find(|l| l.ends_with("packets") || l.ends_with("packet"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok());
        if live != Some(row.count) {
            stale.push(format!(
                "{}: `{}`: file {}, tcpdump now {live:?} ({})",
                row.capture,
                row.expr,
                row.count,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "tests/data/tcpdump_counts.tsv is stale; run scripts/tcpdump_counts.sh:\n{}",
        stale.join("\n")
    );
}
