//! `pcapdig export --parquet`: the round trip. Captures built in code
//! (HTTP and DNS metadata, nanosecond times, sessions on two days, a
//! second file of synthetic traffic) are indexed, exported, and the
//! Parquet read back: every session equals its `sessions --json` line key
//! by key, times included; the locations are every packet; `carve
//! --parquet` writes the very bytes `carve --db` writes, by id and by
//! Community ID, and refuses a changed capture as a carve from the
//! database does; the directory is written whole or not at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow::array::{
    Array, Int32Array, Int64Array, ListArray, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use pcap_core::Endian;
use pcap_core::capture::synth::{PcapBuilder, TrafficSpec, traffic_pcap};
use pcap_core::capture::{LinkType, PcapEncoding, Precision, Timestamp};
use serde_json::Value;

/// Runs a whole command line in-process: (status, stdout, stderr).
fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let ctx = pcapdig::Context::default();
    let status = pcapdig::run_args(args.iter().copied(), &ctx, &mut out, &mut err);
    (status, out, String::from_utf8_lossy(&err).into_owned())
}

fn ok(args: &[&str]) -> Vec<u8> {
    let (status, out, err) = run(args);
    assert_eq!(status, 0, "{args:?}: {err}");
    out
}

/// A raw IPv4 packet: TCP (`tcp` Some: seq and flags) or UDP.
fn ipv4(
    src: [u8; 4],
    sport: u16,
    dst: [u8; 4],
    dport: u16,
    tcp: Option<(u32, u8)>,
    payload: &[u8],
) -> Vec<u8> {
    let l4_len = if tcp.is_some() { 20 } else { 8 };
    let total = u16::try_from(20 + l4_len + payload.len()).expect("small");
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, if tcp.is_some() { 6 } else { 17 }, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    match tcp {
        Some((seq, flags)) => {
            p.extend_from_slice(&seq.to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, 1, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        }
        None => {
            p.extend_from_slice(
                &u16::try_from(8 + payload.len())
                    .expect("small")
                    .to_be_bytes(),
            );
            p.extend_from_slice(&[0, 0]);
        }
    }
    p.extend_from_slice(payload);
    p
}

fn dns_query(name: &str) -> Vec<u8> {
    let mut m = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        m.push(u8::try_from(label.len()).expect("short label"));
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    m
}

/// Two captures indexed into `DIR/s.db`: an HTTP exchange on 2023-11-14
/// (nanosecond times) and a DNS query the next day, then 600 packets of
/// synthetic traffic starting 2020-09-13.
fn indexed() -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    const C: [u8; 4] = [10, 0, 0, 1];
    const S: [u8; 4] = [10, 0, 0, 2];
    let request = b"GET /x HTTP/1.1\r\nHost: example.org\r\nUser-Agent: t/1\r\n\r\n";
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let packets = [
        (1_700_000_000, ipv4(C, 40000, S, 80, Some((100, 0x02)), b"")),
        (1_700_000_000, ipv4(S, 80, C, 40000, Some((500, 0x12)), b"")),
        (
            1_700_000_001,
            ipv4(C, 40000, S, 80, Some((101, 0x18)), request),
        ),
        (
            1_700_000_002,
            ipv4(S, 80, C, 40000, Some((501, 0x18)), response),
        ),
        (
            1_700_086_400,
            ipv4(C, 5353, [10, 0, 0, 53], 53, None, &dns_query("a.example")),
        ),
    ];
    let mut file = PcapBuilder::new(Endian::Little, Precision::Nano);
    file.linktype(LinkType::RAW);
    for (i, (secs, p)) in packets.iter().enumerate() {
        let len = u32::try_from(p.len()).expect("small");
        file.record(Timestamp::new(*secs, 123_456_789 + i as u32), len, p);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let meta = dir.path().join("meta.pcap");
    std::fs::write(&meta, file.build()).expect("write");
    let synth = dir.path().join("synth.pcap");
    let spec = TrafficSpec {
        packets: 600,
        flows: 12,
        start: Timestamp::new(1_600_000_000, 0),
        ..TrafficSpec::default()
    };
    let enc = PcapEncoding {
        endian: Endian::Big,
        precision: Precision::Micro,
    };
    std::fs::write(&synth, traffic_pcap(spec, enc)).expect("write");
    let db = dir.path().join("s.db");
    let db_s = db.to_str().expect("utf-8");
    ok(&["index", meta.to_str().expect("utf-8"), "--db", db_s]);
    ok(&["index", synth.to_str().expect("utf-8"), "--db", db_s]);
    (dir, db, vec![meta, synth])
}

/// Every row of every Parquet file under `dir`, with the file's path.
fn read_all(dir: &Path) -> Vec<(PathBuf, RecordBatch)> {
    let files = pcapdig::export::read::parquet_files(dir).expect("list");
    let mut out = Vec::new();
    for f in files {
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&f).expect("open"))
                .expect("parquet")
                .build()
                .expect("reader");
        for b in reader {
            out.push((f.clone(), b.expect("batch")));
        }
    }
    out
}

/// A cell as the JSON `sessions --json` would print it (null for null;
/// timestamps as microseconds).
fn cell(col: &dyn Array, i: usize) -> Value {
    if col.is_null(i) {
        return Value::Null;
    }
    let any = col.as_any();
    if let Some(a) = any.downcast_ref::<Int64Array>() {
        return a.value(i).into();
    }
    if let Some(a) = any.downcast_ref::<Int32Array>() {
        return a.value(i).into();
    }
    if let Some(a) = any.downcast_ref::<StringArray>() {
        return a.value(i).into();
    }
    if let Some(a) = any.downcast_ref::<TimestampMicrosecondArray>() {
        return a.value(i).into();
    }
    if let Some(a) = any.downcast_ref::<ListArray>() {
        let items = a.value(i);
        return Value::Array((0..items.len()).map(|j| cell(items.as_ref(), j)).collect());
    }
    panic!("unexpected column type {:?}", col.data_type());
}

/// The sessions of an export as JSON objects by id, with their day.
fn exported_sessions(dir: &Path) -> BTreeMap<i64, (String, serde_json::Map<String, Value>)> {
    let mut out = BTreeMap::new();
    for (path, batch) in read_all(&dir.join("sessions")) {
        let day = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("day="))
            .expect("a day= partition")
            .to_string();
        let schema = batch.schema();
        for i in 0..batch.num_rows() {
            let mut obj = serde_json::Map::new();
            for (f, col) in schema.fields().iter().zip(batch.columns()) {
                obj.insert(f.name().clone(), cell(col.as_ref(), i));
            }
            let id = obj["id"].as_i64().expect("id");
            assert!(
                out.insert(id, (day.clone(), obj)).is_none(),
                "session {id} twice"
            );
        }
    }
    out
}

fn ns_of(epoch_text: &str) -> i64 {
    let (s, f) = epoch_text.split_once('.').expect("fraction");
    s.parse::<i64>().expect("secs") * 1_000_000_000 + f.parse::<i64>().expect("nanos")
}

#[test]
fn sessions_round_trip_equal_sessions_json() {
    let (dir, db, _) = indexed();
    let db_s = db.to_str().expect("utf-8");
    let exp = dir.path().join("exp");
    let exp_s = exp.to_str().expect("utf-8");
    let (status, _, err) = run(&["export", "--parquet", exp_s, "--db", db_s]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("exported"), "{err}");

    let json = ok(&["sessions", "--db", db_s, "--json"]);
    let lines: Vec<serde_json::Map<String, Value>> = String::from_utf8(json)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let parquet = exported_sessions(&exp);
    assert_eq!(parquet.len(), lines.len());
    assert!(lines.len() >= 14, "{}", lines.len());
    let mut with_meta = 0;
    for line in &lines {
        let id = line["id"].as_i64().expect("id");
        let (day, row) = &parquet[&id];
        for (key, want) in line {
            match key.as_str() {
                "first_ts" | "last_ts" => {
                    let ns = ns_of(want.as_str().expect("text"));
                    assert_eq!(row[&format!("{key}_ns")], Value::from(ns), "{key} of {id}");
                    assert_eq!(row[key], Value::from(ns.div_euclid(1000)), "{key} of {id}");
                }
                "meta" => {
                    let meta = want.as_object().expect("object");
                    assert!(!meta.is_empty());
                    with_meta += 1;
                    for k in protocols::meta::KEYS {
                        let col = &row[&k.replace('.', "_")];
                        match meta.get(k) {
                            Some(v) => assert_eq!(col, v, "{k} of {id}"),
                            None => assert_eq!(col, &Value::Null, "{k} of {id}"),
                        }
                    }
                }
                _ => assert_eq!(&row[key], want, "{key} of session {id}"),
            }
        }
        if !line.contains_key("vlans") {
            assert_eq!(row["vlans"], Value::Null);
        }
        if !line.contains_key("meta") {
            for k in protocols::meta::KEYS {
                assert_eq!(row[&k.replace('.', "_")], Value::Null, "{k} of {id}");
            }
        }
        let first = ns_of(line["first_ts"].as_str().expect("text"));
        assert_eq!(day, &pcapdig::export::day_of(first));
    }
    assert!(
        with_meta >= 2,
        "the HTTP and the DNS session at least: {with_meta}"
    );
    let days: std::collections::BTreeSet<&str> =
        parquet.values().map(|(d, _)| d.as_str()).collect();
    assert!(
        days.contains("2023-11-14") && days.contains("2023-11-15") && days.contains("2020-09-13"),
        "{days:?}"
    );
    let http = parquet
        .values()
        .find(|(_, r)| r["dst"] == "10.0.0.2")
        .map(|(_, r)| r)
        .expect("the HTTP session");
    assert_eq!(http["http_host"], serde_json::json!(["example.org"]));
    assert_eq!(
        http["first_ts_ns"],
        Value::from(1_700_000_000_123_456_789i64)
    );

    // Locations: every indexed packet once, in each session's order.
    let mut per_session: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (_, batch) in read_all(&exp.join("locations")) {
        let sid = batch.column_by_name("session_id").expect("col");
        let seq = batch.column_by_name("seq").expect("col");
        for i in 0..batch.num_rows() {
            per_session
                .entry(cell(sid.as_ref(), i).as_i64().expect("id"))
                .or_default()
                .push(cell(seq.as_ref(), i).as_i64().expect("seq"));
        }
    }
    for line in &lines {
        let id = line["id"].as_i64().expect("id");
        let n = line["packets"].as_i64().expect("packets");
        assert_eq!(per_session[&id], (0..n).collect::<Vec<_>>(), "session {id}");
    }
    let files = read_all(&exp.join("files"));
    assert_eq!(files.iter().map(|(_, b)| b.num_rows()).sum::<usize>(), 2);
}

#[test]
fn carve_from_the_export_equals_carve_from_the_database() {
    let (dir, db, caps) = indexed();
    let db_s = db.to_str().expect("utf-8");
    let exp = dir.path().join("exp");
    let exp_s = exp.to_str().expect("utf-8");
    ok(&["export", "--parquet", exp_s, "--db", db_s]);
    let json = String::from_utf8(ok(&["sessions", "--db", db_s, "--json"])).expect("utf-8");
    let rows: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let ids: Vec<String> = rows.iter().map(|r| r["id"].to_string()).collect();
    let mut args = vec!["carve", "-o", "-", "--format", "pcapng", "--db", db_s];
    args.extend(ids.iter().map(String::as_str));
    let from_db = ok(&args);
    let mut args = vec!["carve", "-o", "-", "--format", "pcapng", "--parquet", exp_s];
    args.extend(ids.iter().map(String::as_str));
    let from_export = ok(&args);
    assert!(from_db.len() > 600 * 32);
    assert_eq!(from_db, from_export);

    // By Community ID: every session of the flow, from either source.
    let cid = rows[0]["community_id"].as_str().expect("cid");
    let a = ok(&["carve", "-o", "-", "--db", db_s, cid]);
    let b = ok(&["carve", "-o", "-", "--parquet", exp_s, cid]);
    assert_eq!(a, b);
    assert!(a.len() > 24);

    // Unknown sessions are refused by name.
    let (status, _, err) = run(&["carve", "-o", "-", "--parquet", exp_s, "999999"]);
    assert_eq!(status, 1);
    assert!(err.contains("no session 999999"), "{err}");
    let (status, _, err) = run(&["carve", "-o", "-", "--parquet", exp_s, "1:nope="]);
    assert_eq!(status, 1);
    assert!(err.contains("1:nope="), "{err}");
    // Nothing is written over the export's own files.
    let part = read_all(&exp.join("files"))[0].0.clone();
    let before = std::fs::read(&part).expect("read");
    let (status, _, err) = run(&[
        "carve",
        "--parquet",
        exp_s,
        &ids[0],
        "-o",
        part.to_str().expect("utf-8"),
    ]);
    assert_eq!(status, 1);
    assert!(err.contains("which this command reads"), "{err}");
    assert_eq!(std::fs::read(&part).expect("read"), before);

    // A changed capture is refused, from the export as from the database.
    let mut bytes = std::fs::read(&caps[1]).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&caps[1], &bytes).expect("write");
    let synth_id = rows
        .iter()
        .find(|r| {
            r["files"][0]
                .as_str()
                .is_some_and(|f| f.ends_with("synth.pcap"))
        })
        .map(|r| r["id"].to_string())
        .expect("a synthetic session");
    for source in [["--db", db_s], ["--parquet", exp_s]] {
        let (status, _, err) = run(&["carve", "-o", "-", source[0], source[1], &synth_id]);
        assert_eq!(status, 1, "{source:?}");
        assert!(
            err.contains("synth.pcap") && err.contains("changed"),
            "{source:?}: {err}"
        );
    }
}

#[test]
fn the_directory_is_written_whole_and_not_over_anything() {
    let (dir, db, _) = indexed();
    let db_s = db.to_str().expect("utf-8");
    let exp = dir.path().join("exp");
    let exp_s = exp.to_str().expect("utf-8");
    // An expression exports only the sessions it matches.
    ok(&["export", "--parquet", exp_s, "--db", db_s, "host 10.0.0.53"]);
    let only = exported_sessions(&exp);
    assert_eq!(only.len(), 1);
    assert!(only.values().all(|(_, r)| r["dst"] == "10.0.0.53"));
    // A non-empty directory is refused, and left as it was.
    let (status, _, err) = run(&["export", "--parquet", exp_s, "--db", db_s]);
    assert_eq!(status, 1);
    assert!(err.contains("--overwrite"), "{err}");
    assert_eq!(exported_sessions(&exp).len(), 1);
    // --overwrite replaces it whole.
    ok(&["export", "--parquet", exp_s, "--db", db_s, "--overwrite"]);
    assert!(exported_sessions(&exp).len() > 1);
    // A bad expression writes nothing at all.
    let other = dir.path().join("other");
    let (status, _, _) = run(&[
        "export",
        "--parquet",
        other.to_str().expect("utf-8"),
        "--db",
        db_s,
        "tcp[13] = 2",
    ]);
    assert_eq!(status, 1);
    assert!(!other.exists());
    // Never over the directory that holds the database.
    let (status, _, err) = run(&[
        "export",
        "--parquet",
        dir.path().to_str().expect("utf-8"),
        "--db",
        db_s,
        "--overwrite",
    ]);
    assert_eq!(status, 1);
    assert!(err.contains("which this export reads"), "{err}");
    assert!(db.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
