//! `pcapdig carve` never damages evidence: outputs that are inputs are
//! refused, a failed carve leaves the previous output as it was, every
//! carved record is checked against the digest the index recorded, and
//! `-o -` and pcapng outputs work.

mod common;
use common::pcapdig;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use pcap_core::capture::synth::{TrafficSpec, traffic};
use pcap_core::capture::{
    CaptureReader, Format, LinkType, PcapEncoding, PcapWriter, Timestamp, WriterConfig,
};

fn ok(args: &[&str]) -> Output {
    let out = pcapdig(args);
    assert!(
        out.status.success(),
        "pcapdig {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fails(args: &[&str]) -> String {
    let out = pcapdig(args);
    assert!(
        !out.status.success(),
        "pcapdig {args:?} should have failed; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A directory with `cap-00.pcap` and `cap-01.pcap` (one capture cut in
/// two; the second part's link type can be raw IP) indexed into `s.db`.
struct Fixture {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    db: PathBuf,
}

impl Fixture {
    fn new(second_raw_ip: bool) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let packets: Vec<_> = traffic(TrafficSpec {
            packets: 2_000,
            flows: 4,
            ..TrafficSpec::default()
        })
        .collect();
        let (a, b) = packets.split_at(1_000);
        let mut files = Vec::new();
        for (i, part) in [a, b].into_iter().enumerate() {
            let raw = second_raw_ip && i == 1;
            let config = WriterConfig {
                encoding: PcapEncoding::NATIVE_MICRO,
                linktype: if raw {
                    LinkType(101)
                } else {
                    LinkType::ETHERNET
                },
                snaplen: 65_535,
            };
            let mut w = PcapWriter::new(Vec::new(), config).expect("writer");
            for p in part {
                let data = if raw { &p.data[14..] } else { &p.data[..] };
                let origlen = p.origlen - if raw { 14 } else { 0 };
                w.write_record(p.ts, origlen, data).expect("record");
            }
            let path = dir.path().join(format!("cap-0{i}.pcap"));
            std::fs::write(&path, w.into_inner().expect("bytes")).expect("write");
            files.push(path);
        }
        let db = dir.path().join("s.db");
        let fx = Fixture { dir, files, db };
        ok(&["index", "--db", fx.db(), fx.file(0), fx.file(1)]);
        fx
    }

    fn db(&self) -> &str {
        self.db.to_str().expect("utf-8")
    }

    fn file(&self, i: usize) -> &str {
        self.files[i].to_str().expect("utf-8")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The id of the TCP session with the most packets, and whether it
    /// has packets in both files.
    fn busiest_tcp(&self) -> (String, bool) {
        let out = ok(&["sessions", "--db", self.db(), "--json", "tcp"]);
        let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let best = rows
            .iter()
            .max_by_key(|r| r["packets"].as_i64())
            .expect("a TCP session");
        let both = best["files"].as_array().is_some_and(|f| f.len() == 2);
        (best["id"].to_string(), both)
    }
}

/// The records of a capture as (ts, origlen, data).
fn records(bytes: Vec<u8>) -> Vec<(Timestamp, u32, Vec<u8>)> {
    let mut r = CaptureReader::from_bytes(bytes, "carved").expect("a capture");
    let mut out = Vec::new();
    while let Some(rec) = r.next_record().expect("a record") {
        out.push((rec.ts, rec.origlen, rec.data.to_vec()));
    }
    out
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".pcapdig-"))
        .collect()
}

#[test]
fn an_output_that_is_an_input_is_refused_and_left_intact() {
    let fx = Fixture::new(false);
    let (id, _) = fx.busiest_tcp();
    let capture = std::fs::read(&fx.files[0]).expect("read");
    let db_before = std::fs::read(&fx.db).expect("read db");

    let sym = fx.path("link.pcap");
    std::os::unix::fs::symlink(&fx.files[0], &sym).expect("symlink");
    let hard = fx.path("hard.pcap");
    std::fs::hard_link(&fx.files[1], &hard).expect("hard link");
    for target in [fx.file(0), sym.to_str().unwrap(), hard.to_str().unwrap()] {
        let e = fails(&["carve", "--db", fx.db(), &id, "-o", target]);
        assert!(e.contains("refusing to write"), "{e}");
    }
    let e = fails(&["carve", "--db", fx.db(), &id, "-o", fx.db()]);
    assert!(e.contains("refusing to write") && e.contains("s.db"), "{e}");
    // The payload files are outputs too.
    let pdir = fx.path("payload");
    std::fs::create_dir(&pdir).expect("mkdir");
    std::os::unix::fs::symlink(&fx.files[0], pdir.join(format!("{id}.client"))).expect("link");
    let e = fails(&[
        "carve",
        "--db",
        fx.db(),
        &id,
        "--payload",
        pdir.to_str().unwrap(),
    ]);
    assert!(e.contains("refusing to write"), "{e}");

    assert_eq!(std::fs::read(&fx.files[0]).expect("read"), capture);
    assert_eq!(std::fs::read(&fx.db).expect("read db"), db_before);
    assert!(leftovers(fx.dir.path()).is_empty());
}

#[test]
fn a_failed_carve_leaves_the_previous_output() {
    let fx = Fixture::new(false);
    let (id, both) = fx.busiest_tcp();
    assert!(both, "the fixture's busiest session spans both files");
    let keep = fx.path("keep.pcap");
    std::fs::write(&keep, b"an earlier carve").expect("write");

    // One data byte of a record in the middle of the second file changes:
    // the file's size and its first and last 64 KiB stay the same.
    let mut bytes = std::fs::read(&fx.files[1]).expect("read");
    let mid = {
        let mut r = CaptureReader::from_bytes(bytes.clone(), "part").expect("pcap");
        let mut at = 0;
        while let Some(rec) = r.next_record().expect("record") {
            if rec.offset as usize >= bytes.len() / 2 {
                at = rec.data_offset() as usize + rec.data.len() / 2;
                break;
            }
        }
        at
    };
    bytes[mid] ^= 0x55;
    std::fs::write(&fx.files[1], &bytes).expect("write");

    let mut failed = 0;
    let out = ok(&["sessions", "--db", fx.db(), "--json"]);
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let row: serde_json::Value = serde_json::from_str(line).expect("json");
        let sid = row["id"].to_string();
        let r = pcapdig(&["carve", "--db", fx.db(), &sid, "-o", keep.to_str().unwrap()]);
        if !r.status.success() {
            failed += 1;
            let e = String::from_utf8_lossy(&r.stderr);
            assert!(e.contains("cap-01.pcap") && e.contains("offset"), "{e}");
            assert!(e.contains("not the one indexed"), "{e}");
        } else {
            std::fs::write(&keep, b"an earlier carve").expect("write");
        }
    }
    assert_eq!(
        failed, 1,
        "exactly the session holding the changed record is refused"
    );
    assert_eq!(std::fs::read(&keep).expect("read"), b"an earlier carve");
    assert!(leftovers(fx.dir.path()).is_empty());
    let _ = id;
}

#[test]
fn standard_output_and_pcapng() {
    let fx = Fixture::new(false);
    let (id, _) = fx.busiest_tcp();
    let file = fx.path("one.pcap");
    ok(&["carve", "--db", fx.db(), &id, "-o", file.to_str().unwrap()]);
    let classic = std::fs::read(&file).expect("read");

    let piped = ok(&["carve", "--db", fx.db(), &id, "-o", "-"]);
    assert_eq!(piped.stdout, classic, "-o - writes the same bytes");
    assert!(!Path::new("-").exists());

    let ng = fx.path("one.pcapng");
    ok(&["carve", "--db", fx.db(), &id, "-o", ng.to_str().unwrap()]);
    let ng_bytes = std::fs::read(&ng).expect("read");
    let r = CaptureReader::from_bytes(ng_bytes.clone(), "ng").expect("pcapng");
    assert!(matches!(r.format(), Format::Pcapng(_)));
    assert_eq!(records(ng_bytes), records(classic.clone()));

    let forced = ok(&[
        "carve",
        "--db",
        fx.db(),
        &id,
        "--format",
        "pcapng",
        "-o",
        "-",
    ]);
    assert_eq!(records(forced.stdout), records(classic));
}

#[test]
fn a_session_across_link_types_needs_pcapng() {
    let fx = Fixture::new(true);
    let (id, both) = fx.busiest_tcp();
    assert!(both, "the session spans the Ethernet and the raw-IP part");
    let keep = fx.path("keep.pcap");
    std::fs::write(&keep, b"old").expect("write");
    let e = fails(&["carve", "--db", fx.db(), &id, "-o", keep.to_str().unwrap()]);
    assert!(e.contains("link type") && e.contains("pcapng"), "{e}");
    assert_eq!(std::fs::read(&keep).expect("read"), b"old");

    let ng = fx.path("both.pcapng");
    ok(&["carve", "--db", fx.db(), &id, "-o", ng.to_str().unwrap()]);
    let mut r = CaptureReader::open(&ng).expect("open");
    let mut linktypes = Vec::new();
    while let Some(rec) = r.next_record().expect("record") {
        if linktypes.last() != Some(&rec.linktype) {
            linktypes.push(rec.linktype);
        }
    }
    assert_eq!(linktypes, [LinkType::ETHERNET, LinkType(101)]);
    assert_eq!(r.interfaces().len(), 2);
    let same = std::fs::metadata(&ng).expect("meta").ino();
    assert_ne!(same, std::fs::metadata(&fx.files[0]).expect("meta").ino());
}

/// A record changed so that the 16 bits of its digest kept per record stay
/// the same is still caught, by the session's 64-bit digest.
#[test]
fn a_change_the_short_digest_misses_is_caught_by_the_session() {
    let fx = Fixture::new(false);
    let bytes = std::fs::read(&fx.files[1]).expect("read");
    // A record with a payload in the middle of the second file (away from
    // the first and last 64 KiB that locating a file compares).
    let mut r = CaptureReader::from_bytes(bytes.clone(), "part").expect("pcap");
    let mut target = None;
    while let Some(rec) = r.next_record().expect("record") {
        if rec.data.len() > 100 && rec.offset as usize >= bytes.len() / 2 {
            let at = (
                rec.offset as usize,
                rec.raw.len(),
                rec.data_offset() as usize,
            );
            target = Some(at);
            break;
        }
    }
    let (start, len, data_at) = target.expect("a record with payload");
    let hash = |raw: &[u8]| xxhash_rust::xxh3::xxh3_64(raw);
    let original = hash(&bytes[start..start + len]);
    // Change three payload bytes until the low 16 bits of the record's
    // digest come out the same.
    let mut changed = bytes.clone();
    let at = data_at + 60;
    let found = (1u32..1 << 24).find(|&n| {
        changed[at..at + 3].copy_from_slice(&n.to_le_bytes()[..3]);
        let h = hash(&changed[start..start + len]);
        h as u16 == original as u16 && h != original
    });
    assert!(found.is_some(), "no 16-bit collision found");
    std::fs::write(&fx.files[1], &changed).expect("write");

    // Whichever session holds that record is refused as a whole.
    let all = ok(&["sessions", "--db", fx.db(), "--json"]);
    let mut refused = Vec::new();
    for line in String::from_utf8_lossy(&all.stdout).lines() {
        let row: serde_json::Value = serde_json::from_str(line).expect("json");
        let sid = row["id"].to_string();
        let r = pcapdig(&["carve", "--db", fx.db(), &sid, "-o", "-"]);
        if !r.status.success() {
            let e = String::from_utf8_lossy(&r.stderr).into_owned();
            assert!(
                e.contains("64-bit digest") && e.contains("cap-01.pcap"),
                "{e}"
            );
            refused.push(sid);
        }
    }
    assert_eq!(refused.len(), 1, "one session holds the changed record");
}
