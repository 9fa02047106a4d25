//! `pcapdig` on gzip and zstd captures: `fields` and `show` print what
//! they print for the plain file, `index` records the same sessions at
//! the same (uncompressed) offsets, and `carve` from the compressed file
//! writes the very bytes it writes from the plain one.

use std::io::Write;
use std::path::{Path, PathBuf};

use pcap_core::Endian;
use pcap_core::capture::synth::{self, PcapngBuilder, TrafficSpec};
use pcap_core::capture::{LinkType, PcapEncoding};

/// What a command line printed, and its exit status.
struct Output {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    code: i32,
}

/// Runs `pcapdig args` in-process, with the binary's built-in layers.
fn pcapdig(args: &[&str]) -> Output {
    let ctx = pcapdig::Context {
        registry: pcapdig::Registry::new(),
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = pcapdig::run_args(args, &ctx, &mut stdout, &mut stderr);
    Output {
        stdout,
        stderr,
        code,
    }
}

/// Runs `pcapdig args`, which must succeed; its stdout, and its stderr.
fn ok(args: &[&str]) -> (Vec<u8>, String) {
    let out = pcapdig(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.code, 0, "pcapdig {args:?} failed: {stderr}");
    (out.stdout, stderr)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Two zstd frames: the reader must go on past the first.
fn zstd_two_frames(data: &[u8]) -> Vec<u8> {
    let half = data.len() / 2;
    let mut out = zstd::encode_all(&data[..half], 3).unwrap();
    out.extend(zstd::encode_all(&data[half..], 3).unwrap());
    out
}

/// A classic pcap of generated TCP and UDP flows.
fn pcap_capture() -> Vec<u8> {
    let spec = TrafficSpec {
        packets: 1500,
        flows: 25,
        ..TrafficSpec::default()
    };
    synth::traffic_pcap(spec, PcapEncoding::default())
}

/// The same kind of traffic as pcapng: two sections, several interfaces.
fn pcapng_capture() -> Vec<u8> {
    let spec = TrafficSpec {
        packets: 1200,
        flows: 20,
        seed: 7,
        ..TrafficSpec::default()
    };
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 0)
        .interface(LinkType::ETHERNET, 0);
    for (i, p) in synth::traffic(spec).enumerate() {
        if i == 700 {
            b.section(Endian::Big).interface(LinkType::ETHERNET, 0);
        }
        let iface = if i < 700 { (i % 2) as u32 } else { 0 };
        b.epb(iface, p.ts, p.origlen, &p.data);
    }
    b.build()
}

/// The plain capture and its gzip and zstd copies, in `dir`, named so
/// that nothing but their content tells them apart.
fn write_three(dir: &Path, stem: &str, plain: &[u8]) -> [PathBuf; 3] {
    let paths = [
        dir.join(format!("{stem}-plain.cap")),
        dir.join(format!("{stem}-gz.cap")),
        dir.join(format!("{stem}-zst.cap")),
    ];
    std::fs::write(&paths[0], plain).unwrap();
    std::fs::write(&paths[1], gzip(plain)).unwrap();
    std::fs::write(&paths[2], zstd_two_frames(plain)).unwrap();
    paths
}

/// Every session's packet locations (file, offset, digest), as the index
/// stores them, by session id.
fn locations(db: &Path) -> Vec<(i64, Vec<u8>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT session_id, locations FROM session_locations ORDER BY session_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn session_ids(db: &Path) -> Vec<i64> {
    let (out, _) = ok(&["sessions", "--db", s(db), "--json"]);
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_i64().unwrap()
        })
        .collect()
}

fn check_capture(dir: &Path, stem: &str, plain: &[u8], format: &str) {
    let files = write_three(dir, stem, plain);
    let dbs: Vec<PathBuf> = ["plain", "gz", "zst"]
        .iter()
        .map(|k| dir.join(format!("{stem}-{k}.db")))
        .collect();
    for (file, db) in files.iter().zip(&dbs) {
        ok(&["index", "--db", s(db), s(file)]);
    }
    // The same sessions, at the same offsets with the same digests.
    let plain_locations = locations(&dbs[0]);
    assert!(plain_locations.len() >= 20, "{stem}");
    for db in &dbs[1..] {
        assert_eq!(locations(db), plain_locations, "{stem}: {}", db.display());
    }
    let ids = session_ids(&dbs[0]);
    let chosen = [ids[0], ids[ids.len() / 2], ids[ids.len() - 1]];
    // One session, then several in one carve (one pass over the file).
    let mut runs: Vec<Vec<String>> = chosen.iter().map(|id| vec![id.to_string()]).collect();
    runs.push(chosen.iter().map(i64::to_string).collect());
    for (r, run) in runs.iter().enumerate() {
        let mut carved = Vec::new();
        for (k, db) in dbs.iter().enumerate() {
            let out = dir.join(format!("{stem}-{r}-{k}.{format}"));
            let mut args = vec!["carve", "--db", s(db), "-o", s(&out)];
            args.extend(run.iter().map(String::as_str));
            ok(&args);
            carved.push(std::fs::read(&out).unwrap());
        }
        assert!(carved[0].len() > 24, "{stem}: {run:?}: nothing carved");
        assert_eq!(carved[1], carved[0], "{stem}: {run:?}: gzip carve differs");
        assert_eq!(carved[2], carved[0], "{stem}: {run:?}: zstd carve differs");
    }
    // `fields` and `show` print the same from every copy.
    let fields = |f: &Path| {
        ok(&[
            "fields",
            s(f),
            "-e",
            "frame.number",
            "-e",
            "ip.src",
            "-e",
            "tcp.srcport",
            "-e",
            "frame.len",
        ])
        .0
    };
    let show = |f: &Path| ok(&["show", s(f), "-c", "50"]).0;
    let (plain_fields, plain_show) = (fields(&files[0]), show(&files[0]));
    assert!(plain_fields.len() > 1000 && plain_show.len() > 1000);
    for f in &files[1..] {
        assert_eq!(fields(f), plain_fields, "{}", f.display());
        assert_eq!(show(f), plain_show, "{}", f.display());
    }
}

#[test]
fn compressed_pcap_indexes_and_carves_like_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    check_capture(dir.path(), "classic", &pcap_capture(), "pcap");
}

#[test]
fn compressed_pcapng_indexes_and_carves_like_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    check_capture(dir.path(), "ng", &pcapng_capture(), "pcap");
}

#[test]
fn recursive_index_takes_compressed_captures_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("cases");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("a.pcap.gz"), gzip(&pcap_capture())).unwrap();
    std::fs::write(tree.join("b"), zstd_two_frames(&pcapng_capture())).unwrap();
    // Compressed, but not captures: skipped.
    std::fs::write(tree.join("notes.txt.gz"), gzip(b"not a capture")).unwrap();
    let db = dir.path().join("r.db");
    let (_, stderr) = ok(&["index", "--recursive", "--db", s(&db), s(&tree)]);
    assert!(
        stderr.contains("1 file(s) in the directories given are not captures"),
        "{stderr}"
    );
    assert!(stderr.contains("indexed 2 file(s)"), "{stderr}");
    // Indexing again changes nothing (the compressed files' content hash
    // is checked again).
    let (_, stderr) = ok(&["index", "--recursive", "--db", s(&db), s(&tree)]);
    assert!(stderr.contains("nothing to index"), "{stderr}");
}

#[test]
fn a_damaged_compressed_capture_is_reported_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let packed = gzip(&pcap_capture());
    let cut = dir.path().join("cut.pcap.gz");
    std::fs::write(&cut, &packed[..packed.len() / 2]).unwrap();
    let out = pcapdig(&["fields", s(&cut), "-e", "frame.number"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.code, 1, "{stderr}");
    assert!(
        stderr.contains("cut.pcap.gz")
            && stderr.contains("gzip data cut short at uncompressed byte"),
        "{stderr}"
    );
    // The packets before the damage were printed.
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 100);
}
