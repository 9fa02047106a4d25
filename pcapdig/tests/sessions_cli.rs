//! `pcapdig sessions`: indicator lists from a file, time bounds that must
//! be real dates, and `vlan N` over every tag a session's packets carried
//! (the last one reads `vlan-pcp-dei.pcapng` from the shared corpus and
//! skips with a message when it is absent).

mod common;
use common::pcapdig;

use std::process::Output;

use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};
use pcap_tests::corpus;

fn ids(out: &Output) -> Vec<i64> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["id"].as_i64().expect("id")
        })
        .collect()
}

#[test]
fn filter_file_and_dates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("t.pcap");
    let spec = TrafficSpec {
        packets: 3_000,
        flows: 60,
        ..TrafficSpec::default()
    };
    std::fs::write(&cap, traffic_pcap(spec, PcapEncoding::NATIVE_MICRO)).expect("write");
    let db = dir.path().join("s.db");
    let db = db.to_str().expect("utf-8");
    assert!(
        pcapdig(&["index", "--db", db, cap.to_str().unwrap()])
            .status
            .success()
    );

    // Two hosts of the capture, as an indicator list with a comment and a
    // network that matches nothing: the same as the expression.
    let all = pcapdig(&["sessions", "--db", db, "--json"]);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&all.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let a = rows[0]["src"].as_str().expect("src").to_string();
    let b = rows[rows.len() - 1]["dst"]
        .as_str()
        .expect("dst")
        .to_string();
    let list = dir.path().join("iocs.txt");
    std::fs::write(&list, format!("# indicators\n{a}\n{b}\n203.0.113.128/25\n")).expect("write");
    let by_file = ids(&pcapdig(&[
        "sessions",
        "--db",
        db,
        "--json",
        "--filter-file",
        list.to_str().unwrap(),
    ]));
    let by_expr = ids(&pcapdig(&[
        "sessions",
        "--db",
        db,
        "--json",
        &format!("host {a} or host {b} or net 203.0.113.128/25"),
    ]));
    assert!(!by_file.is_empty());
    assert_eq!(by_file, by_expr);
    // Combined with an expression by `and`.
    let tcp_only = ids(&pcapdig(&[
        "sessions",
        "--db",
        db,
        "--json",
        "--filter-file",
        list.to_str().unwrap(),
        "tcp",
    ]));
    assert!(tcp_only.iter().all(|id| by_file.contains(id)));

    for bad in ["2014-02-30", "2023-04-31T10:00:00", "2023-13-01"] {
        let out = pcapdig(&["sessions", "--db", db, "--since", bad]);
        assert!(!out.status.success(), "{bad} accepted");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(bad), "{e}");
        assert_eq!(e.lines().count(), 1, "said once: {e}");
    }
    let since = ids(&pcapdig(&[
        "sessions",
        "--db",
        db,
        "--json",
        "--since",
        "2023-11-14T22:13:20Z",
    ]));
    assert_eq!(since.len(), rows.len(), "the capture starts at that second");
    let none = ids(&pcapdig(&[
        "sessions",
        "--db",
        db,
        "--json",
        "--since",
        "2023-11-15T00:00:00+01:00",
    ]));
    assert!(none.is_empty());
}

#[test]
fn vlan_matches_any_packets_tag() {
    let Some(dir) = corpus::find() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let cap = dir.join("pcap").join("vlan-pcp-dei.pcapng");
    let db = tmp.path().join("v.db");
    let db = db.to_str().expect("utf-8");
    assert!(
        pcapdig(&["index", "--db", db, cap.to_str().unwrap()])
            .status
            .success()
    );
    // 6 of the file's 9 packets carry VLAN 20, not always as the first
    // packet of their session.
    let found = pcapdig(&["sessions", "--db", db, "--json", "vlan 20"]);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&found.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert!(
        !rows.is_empty(),
        "{}",
        String::from_utf8_lossy(&found.stderr)
    );
    for r in &rows {
        let vlans = r["vlans"].as_array().expect("vlans listed");
        assert!(vlans.iter().any(|v| v == 20), "{r}");
    }
    let packets: i64 = rows.iter().map(|r| r["packets"].as_i64().unwrap()).sum();
    assert!(packets >= 6, "{packets} packets in the vlan-20 sessions");
}
