//! `index` with its walk on a second thread (the pipeline, the default on
//! a machine with more than one CPU) writes the same database as the
//! single-threaded run: same files and ids, same sessions and ids, same
//! rows everywhere (`store/pipeline.rs`).

use std::path::{Path, PathBuf};

use pcap_core::Endian;
use pcap_core::capture::synth::{PcapBuilder, TrafficSpec, traffic, traffic_pcap};
use pcap_core::capture::{PcapEncoding, Precision};
use pcapdig::store::{IndexOptions, SessionStore};
use rusqlite::types::Value;

const ENCODING: PcapEncoding = PcapEncoding {
    endian: Endian::Little,
    precision: Precision::Micro,
};

/// Writes `bytes` to `dir/name`; its canonical path.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.canonicalize().expect("canonical")
}

/// The inputs: a group of one large capture (over 1 MiB: its records are
/// hashed on a thread of their own too) with thousands of sessions, a file
/// that is no capture (skipped: an id left unused), and a group of two
/// consecutive parts of one capture, cut in the middle of its flows.
fn inputs(dir: &Path) -> Vec<Vec<PathBuf>> {
    let big = TrafficSpec {
        seed: 7,
        packets: 12_000,
        flows: 2_500,
        ..TrafficSpec::default()
    };
    let big = write(dir, "big.pcap", &traffic_pcap(big, ENCODING));
    assert!(std::fs::metadata(&big).expect("size").len() > 1 << 20);
    let junk = write(dir, "junk.pcap", b"not a capture at all, but long enough");
    let spec = TrafficSpec {
        seed: 9,
        packets: 6_000,
        flows: 700,
        ..TrafficSpec::default()
    };
    let mut parts = [
        PcapBuilder::new(Endian::Little, Precision::Micro),
        PcapBuilder::new(Endian::Little, Precision::Micro),
    ];
    for (i, p) in traffic(spec).enumerate() {
        parts[usize::from(i >= 3_000)].record(p.ts, p.origlen, &p.data);
    }
    let one = write(dir, "part-1.pcap", &parts[0].build());
    let two = write(dir, "part-2.pcap", &parts[1].build());
    vec![vec![big, junk], vec![one, two]]
}

/// Every row of every table of the database at `db`, table by table in
/// name order, rows in key order; the run times, which differ between two
/// runs, left out.
fn dump(db: &Path) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    tables.retain(|t| t != "runs");
    tables
        .into_iter()
        .map(|table| {
            let stmt = conn
                .prepare(&format!("SELECT * FROM {table}"))
                .expect("prepare");
            let n = stmt.column_count();
            let order: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT * FROM {table} ORDER BY {}",
                    order.join(", ")
                ))
                .expect("prepare");
            let rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
                .expect("query")
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .expect("rows");
            (table, rows)
        })
        .collect()
}

fn index(db: &Path, inputs: &[Vec<PathBuf>], pipeline: bool) -> pcapdig::store::IndexReport {
    let mut store = SessionStore::open(db).expect("open");
    let opts = IndexOptions {
        pipeline,
        ..IndexOptions::default()
    };
    store.index(inputs, &opts).expect("index")
}

#[test]
fn pipelined_index_equals_single_threaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = inputs(dir.path());
    let single = dir.path().join("single.db");
    let piped = dir.path().join("piped.db");
    let a = index(&single, &inputs, false);
    assert_eq!((a.files_indexed, a.files_unreadable), (3, 1), "{a:?}");
    assert!(a.sessions > 3_000, "{a:?}");
    assert_eq!(a.packets, 18_000);
    let expected = dump(&single);
    // Several times: a difference that depends on timing would show in
    // some run.
    for _ in 0..3 {
        let _ = std::fs::remove_file(&piped);
        let b = index(&piped, &inputs, true);
        assert_eq!(a, b);
        let got = dump(&piped);
        assert_eq!(got.len(), expected.len());
        for ((table, want), (name, rows)) in expected.iter().zip(&got) {
            assert_eq!(table, name);
            assert_eq!(want.len(), rows.len(), "rows of {table}");
            assert!(want == rows, "{table} differs");
        }
    }
    // The ids are the plan's: the unreadable file's id is left unused.
    let conn = rusqlite::Connection::open(&piped).expect("open");
    let ids: Vec<(i64, String)> = conn
        .prepare("SELECT id, CAST(name AS TEXT) FROM files ORDER BY id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let names: Vec<(i64, &str)> = ids.iter().map(|(i, n)| (*i, n.as_str())).collect();
    assert_eq!(
        names,
        [(1, "big.pcap"), (3, "part-1.pcap"), (4, "part-2.pcap")]
    );
    // Sessions crossing the two parts name both files.
    let crossing: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sessions WHERE files = '3,4'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(crossing > 0);
}
