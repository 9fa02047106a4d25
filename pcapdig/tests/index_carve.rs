//! `pcapdig index` → `sessions` → `carve` on synthetic multi-file captures.

mod common;
use common::pcapdig;

use std::path::{Path, PathBuf};

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{CaptureReader, Precision, Timestamp};

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const FIN: u8 = 0x01;
const PSH: u8 = 0x08;

fn ok(args: &[&str]) -> String {
    let out = pcapdig(args);
    assert!(
        out.status.success(),
        "pcapdig {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn csum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in data.chunks(2) {
        sum += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An Ethernet/IPv4 frame carrying `l4` of protocol `proto`.
fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, l4: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    let total = (20 + l4.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let c = csum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(l4);
    f
}

/// One TCP segment: its ends, sequence and acknowledgement numbers,
/// flags and payload.
struct Seg<'p> {
    from: ([u8; 4], u16),
    to: ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &'p [u8],
}

/// The Ethernet/IPv4/TCP frame of `s`.
fn tcp(s: Seg<'_>) -> Vec<u8> {
    let Seg {
        from: (src, sport),
        to: (dst, dport),
        seq,
        ack,
        flags,
        payload,
    } = s;
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    t.extend_from_slice(payload);
    ipv4(src, dst, 6, &t)
}

fn udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend_from_slice(&sport.to_be_bytes());
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    ipv4(src, dst, 17, &u)
}

const C: [u8; 4] = [10, 0, 0, 1];
const S: [u8; 4] = [192, 0, 2, 80];

/// Which packets (file, index in file) belong to which logical session.
struct Fixture {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    /// (file index, record offset) of each packet of each expected session.
    tcp1: Vec<(usize, u64)>,
    tcp2: Vec<(usize, u64)>,
    udp: Vec<(usize, u64)>,
}

/// Two files: a TCP session across both (with out-of-order and
/// retransmitted segments), a UDP flow in the first, and after the TCP
/// close, port reuse of the same 4-tuple in the second file.
fn fixture(endian: Endian, precision: Precision) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = PcapBuilder::new(endian, precision);
    let mut b = PcapBuilder::new(endian, precision);
    let t = |s: i64, us: u32| {
        Timestamp::new(
            1_700_000_000 + s,
            us * 1000 + if precision == Precision::Nano { 7 } else { 0 },
        )
    };
    let mut tcp1 = Vec::new();
    let mut tcp2 = Vec::new();
    let mut udpf = Vec::new();
    let push = |builder: &mut PcapBuilder,
                which: usize,
                list: &mut Vec<(usize, u64)>,
                ts: Timestamp,
                frame: Vec<u8>| {
        builder.record(ts, frame.len() as u32, &frame);
        list.push((which, *builder.offsets().last().expect("offset")));
    };
    // File A.
    push(
        &mut a,
        0,
        &mut tcp1,
        t(0, 0),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1000,
            ack: 0,
            flags: SYN,
            payload: b"",
        }),
    );
    push(
        &mut a,
        0,
        &mut udpf,
        t(0, 10),
        udp(C, 5353, S, 53, b"query"),
    );
    push(
        &mut a,
        0,
        &mut tcp1,
        t(0, 100),
        tcp(Seg {
            from: (S, 80),
            to: (C, 40000),
            seq: 5000,
            ack: 1001,
            flags: SYN | ACK,
            payload: b"",
        }),
    );
    push(
        &mut a,
        0,
        &mut tcp1,
        t(0, 200),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1001,
            ack: 5001,
            flags: ACK,
            payload: b"",
        }),
    );
    push(
        &mut a,
        0,
        &mut udpf,
        t(0, 250),
        udp(S, 53, C, 5353, b"answer"),
    );
    push(
        &mut a,
        0,
        &mut tcp1,
        t(0, 300),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1001,
            ack: 5001,
            flags: ACK | PSH,
            payload: b"GET / ",
        }),
    );
    // File B: out of order, then the missing segment, then a retransmission.
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 0),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1013,
            ack: 5001,
            flags: ACK | PSH,
            payload: b"\r\n\r\n",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 10),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1007,
            ack: 5001,
            flags: ACK | PSH,
            payload: b"HTTP/1",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 20),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1007,
            ack: 5001,
            flags: ACK | PSH,
            payload: b"HTTP/1",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 30),
        tcp(Seg {
            from: (S, 80),
            to: (C, 40000),
            seq: 5001,
            ack: 1017,
            flags: ACK | PSH,
            payload: b"200 OK",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 40),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1017,
            ack: 5007,
            flags: FIN | ACK,
            payload: b"",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 50),
        tcp(Seg {
            from: (S, 80),
            to: (C, 40000),
            seq: 5007,
            ack: 1018,
            flags: FIN | ACK,
            payload: b"",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp1,
        t(1, 60),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 1018,
            ack: 5008,
            flags: ACK,
            payload: b"",
        }),
    );
    // Port reuse, 30 s later.
    push(
        &mut b,
        1,
        &mut tcp2,
        t(30, 0),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 9000,
            ack: 0,
            flags: SYN,
            payload: b"",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp2,
        t(30, 100),
        tcp(Seg {
            from: (S, 80),
            to: (C, 40000),
            seq: 7000,
            ack: 9001,
            flags: SYN | ACK,
            payload: b"",
        }),
    );
    push(
        &mut b,
        1,
        &mut tcp2,
        t(30, 200),
        tcp(Seg {
            from: (C, 40000),
            to: (S, 80),
            seq: 9001,
            ack: 7001,
            flags: ACK | PSH,
            payload: b"again",
        }),
    );
    let mut files = Vec::new();
    for (name, builder) in [("cap-00.pcap", &a), ("cap-01.pcap", &b)] {
        let p = dir.path().join(name);
        std::fs::write(&p, builder.build()).expect("write capture");
        files.push(p);
    }
    Fixture {
        dir,
        files,
        tcp1,
        tcp2,
        udp: udpf,
    }
}

fn raw_records(path: &Path) -> Vec<(u64, Vec<u8>)> {
    let mut r = CaptureReader::open(path).expect("open");
    let mut out = Vec::new();
    while let Some(rec) = r.next_record().expect("record") {
        out.push((rec.offset, rec.raw.to_vec()));
    }
    out
}

fn sessions_json(db: &str, expr: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["sessions", "--db", db, "--json"];
    args.extend_from_slice(expr);
    ok(&args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn check_carve(fx: &Fixture, db: &str, id: i64, want: &[(usize, u64)]) {
    let out = fx.dir.path().join(format!("s{id}.pcap"));
    ok(&[
        "carve",
        "--db",
        db,
        &id.to_string(),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    let originals: Vec<Vec<(u64, Vec<u8>)>> = fx.files.iter().map(|f| raw_records(f)).collect();
    let expected: Vec<Vec<u8>> = want
        .iter()
        .map(|&(f, off)| {
            originals[f]
                .iter()
                .find(|(o, _)| *o == off)
                .expect("record")
                .1
                .clone()
        })
        .collect();
    let carved: Vec<Vec<u8>> = raw_records(&out).into_iter().map(|(_, r)| r).collect();
    assert_eq!(carved, expected, "session {id}: carved records differ");
    // Same file header as the source (byte order, precision, link type).
    let src = std::fs::read(&fx.files[0]).expect("read");
    let got = std::fs::read(&out).expect("read");
    assert_eq!(src[..24], got[..24]);
}

#[test]
fn index_sessions_carve_round_trip() {
    for (endian, precision) in [
        (Endian::Little, Precision::Micro),
        (Endian::Big, Precision::Nano),
    ] {
        let fx = fixture(endian, precision);
        let db = fx.dir.path().join("idx.db");
        let db = db.to_str().expect("utf-8");
        let files: Vec<&str> = fx
            .files
            .iter()
            .map(|f| f.to_str().expect("utf-8"))
            .collect();
        let mut args = vec!["index", "--db", db];
        args.extend(&files);
        ok(&args);

        let all = sessions_json(db, &[]);
        assert_eq!(all.len(), 3, "{all:?}");
        let tcp = sessions_json(db, &["tcp and port 80"]);
        assert_eq!(tcp.len(), 2);
        for s in &tcp {
            assert_eq!(s["src"], "10.0.0.1");
            assert_eq!(s["dst"], "192.0.2.80");
            assert_eq!(s["sport"], 40000);
            assert_eq!(s["dport"], 80);
            assert!(s["community_id"].as_str().expect("cid").starts_with("1:"));
        }
        let first = &tcp[0];
        assert_eq!(first["packets"], fx.tcp1.len() as u64);
        assert_eq!(first["packets_to_server"], 8);
        assert_eq!(first["packets_to_client"], 3);
        assert_eq!(
            first["files"].as_array().expect("files").len(),
            2,
            "spans both files"
        );
        assert_eq!(tcp[1]["packets"], fx.tcp2.len() as u64);
        let udp = sessions_json(db, &["udp", "and", "src", "host", "10.0.0.1"]);
        assert_eq!(udp.len(), 1);
        assert_eq!(udp[0]["packets"], 2);
        assert!(sessions_json(db, &["src host 192.0.2.80"]).is_empty());
        // Time window: only the reused-port session starts 30 s later.
        let late = sessions_json(db, &["--since", "1700000020"]);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0]["id"], tcp[1]["id"]);

        let id = |v: &serde_json::Value| v["id"].as_i64().expect("id");
        check_carve(&fx, db, id(&tcp[0]), &fx.tcp1);
        check_carve(&fx, db, id(&tcp[1]), &fx.tcp2);
        check_carve(&fx, db, id(&udp[0]), &fx.udp);
        // Several sessions: merged in capture order.
        let mut merged: Vec<(usize, u64)> = fx.tcp1.iter().chain(&fx.udp).copied().collect();
        merged.sort();
        let out = fx.dir.path().join("two.pcap");
        ok(&[
            "carve",
            "--db",
            db,
            &id(&udp[0]).to_string(),
            &id(&tcp[0]).to_string(),
            "-o",
            out.to_str().expect("utf-8"),
        ]);
        assert_eq!(raw_records(&out).len(), merged.len());

        // Payload: reassembled despite reordering and retransmission.
        let pl = fx.dir.path().join("payload");
        ok(&[
            "carve",
            "--db",
            db,
            &id(&tcp[0]).to_string(),
            "--payload",
            pl.to_str().expect("utf-8"),
        ]);
        let client =
            std::fs::read(pl.join(format!("{}.client", id(&tcp[0])))).expect("client stream");
        assert_eq!(client, b"GET / HTTP/1\r\n\r\n");
        let server =
            std::fs::read(pl.join(format!("{}.server", id(&tcp[0])))).expect("server stream");
        assert_eq!(server, b"200 OK");

        // Re-indexing changes nothing.
        let before = ok(&["sessions", "--db", db, "--json"]);
        let again = pcapdig(&args);
        assert!(again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("already indexed"));
        assert_eq!(ok(&["sessions", "--db", db, "--json"]), before);
    }
}

#[test]
fn carve_refuses_changed_file_and_finds_moved_one() {
    let fx = fixture(Endian::Little, Precision::Micro);
    let db = fx.dir.path().join("idx.db");
    let db = db.to_str().expect("utf-8");
    let f0 = fx.files[0].to_str().expect("utf-8");
    let f1 = fx.files[1].to_str().expect("utf-8");
    ok(&["index", "--db", db, f0, f1]);
    let tcp = sessions_json(db, &["tcp"]);
    let id = tcp[0]["id"].as_i64().expect("id").to_string();
    let out = fx.dir.path().join("o.pcap");
    let out = out.to_str().expect("utf-8");

    // Moved: refused, then found with --search-path.
    let moved = fx.dir.path().join("moved");
    std::fs::create_dir(&moved).expect("mkdir");
    std::fs::rename(&fx.files[1], moved.join("cap-01.pcap")).expect("move");
    let r = pcapdig(&["carve", "--db", db, &id, "-o", out]);
    assert!(!r.status.success());
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("missing"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    ok(&[
        "carve",
        "--db",
        db,
        &id,
        "-o",
        out,
        "--search-path",
        moved.to_str().expect("utf-8"),
    ]);
    assert_eq!(raw_records(Path::new(out)).len(), fx.tcp1.len());
    std::fs::rename(moved.join("cap-01.pcap"), &fx.files[1]).expect("move back");

    // Changed: one byte of a packet flipped.
    let mut bytes = std::fs::read(&fx.files[1]).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&fx.files[1], &bytes).expect("write");
    let r = pcapdig(&["carve", "--db", db, &id, "-o", out]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("changed"), "{err}");
    // And indexing the changed file again is refused, not duplicated.
    let r = pcapdig(&["index", "--db", db, f0, f1]);
    assert!(!r.status.success());
}

#[test]
fn index_filter_and_damaged_file() {
    let fx = fixture(Endian::Little, Precision::Micro);
    let db = fx.dir.path().join("f.db");
    let db = db.to_str().expect("utf-8");
    // A file cut in the middle of its last record.
    let mut bytes = std::fs::read(&fx.files[1]).expect("read");
    bytes.truncate(bytes.len() - 3);
    let cut = fx.dir.path().join("cut.pcap");
    std::fs::write(&cut, &bytes).expect("write");
    let r = pcapdig(&[
        "index",
        "--db",
        db,
        "--filter",
        "udp",
        fx.files[0].to_str().expect("utf-8"),
        cut.to_str().expect("utf-8"),
    ]);
    assert!(r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("damaged record"));
    let all = sessions_json(db, &[]);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["proto"], 17);
    assert!(
        !pcapdig(&["sessions", "--db", db, "tcp and and"])
            .status
            .success()
    );
}

// An interrupted run (schema 2 kept one and cleaned it up later) now
// leaves nothing behind: see `killed_runs_leave_nothing` in
// tests/index_safety.rs.

/// A pcapng capture in two sections of opposite byte orders, with an
/// interface described after packets: each session is carved by reading
/// its records at their offsets (the index keeps where the section headers
/// and interface descriptions are), as classic pcap records with the same
/// times, lengths and bytes.
#[test]
fn pcapng_sessions_carve_by_offset() {
    use pcap_core::capture::LinkType;
    use pcap_core::capture::synth::PcapngBuilder;

    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    // Full Ethernet frames, from this file's helpers.
    let seg = |sport, dport, flags, payload: &[u8]| {
        let (src, dst) = if sport == 40000 { (a, b) } else { (b, a) };
        tcp(Seg {
            from: (src, sport),
            to: (dst, dport),
            seq: 1,
            ack: 0,
            flags,
            payload,
        })
    };
    let udp_frame = |payload: &[u8]| udp(a, 5353, b, 5353, payload);
    let ts = |s| Timestamp::new(1_700_000_000 + s, 0);
    let frames = [
        seg(40000, 80, SYN, b""),
        udp_frame(b"query"),
        seg(80, 40000, SYN | ACK, b""),
        seg(40000, 80, ACK | PSH, b"GET / HTTP/1.1\r\n\r\n"),
        udp_frame(b"again"),
        seg(80, 40000, ACK | PSH, b"HTTP/1.1 200 OK\r\n\r\n"),
    ];
    let mut pb = PcapngBuilder::new(Endian::Little);
    pb.interface(LinkType::ETHERNET, 0)
        .epb(0, ts(0), frames[0].len() as u32, &frames[0])
        .interface(LinkType::ETHERNET, 0)
        .epb(1, ts(1), frames[1].len() as u32, &frames[1])
        .epb(0, ts(2), frames[2].len() as u32, &frames[2]);
    pb.section(Endian::Big)
        .interface(LinkType::ETHERNET, 0)
        .epb(0, ts(3), frames[3].len() as u32, &frames[3])
        .interface(LinkType::ETHERNET, 0)
        .epb(1, ts(4), frames[4].len() as u32, &frames[4])
        .epb(0, ts(5), frames[5].len() as u32, &frames[5]);
    let src = dir.path().join("two-sections.pcapng");
    std::fs::write(&src, pb.build()).expect("write");
    let db_path = dir.path().join("ng.db");
    let db = db_path.to_str().expect("utf-8");
    ok(&["index", "--db", db, src.to_str().expect("utf-8")]);

    // The context was saved: 2 section headers and 4 interface descriptions.
    let conn = rusqlite::Connection::open(&db_path).expect("open db");
    let context: Vec<u8> = conn
        .query_row("SELECT context FROM files", [], |r| r.get(0))
        .expect("context");
    assert_eq!(context.len(), 6 * 8);

    for (expr, want) in [("tcp", [0usize, 2, 3, 5].as_slice()), ("udp", &[1, 4])] {
        let found = sessions_json(db, &[expr]);
        assert_eq!(found.len(), 1, "{expr}");
        let id = found[0]["id"].as_i64().expect("id");
        let out = dir.path().join(format!("{expr}.pcap"));
        let run = pcapdig(&[
            "carve",
            "--db",
            db,
            &id.to_string(),
            "-o",
            out.to_str().expect("utf-8"),
        ]);
        assert!(run.status.success());
        // Read by offset, not by walking the file.
        assert!(!String::from_utf8_lossy(&run.stderr).contains("walking"));
        let mut carved = CaptureReader::open(&out).expect("open carved");
        for &i in want {
            let rec = carved.next_record().expect("read").expect("a record");
            assert_eq!(rec.data, &frames[i][..], "{expr}: frame {i}");
            assert_eq!(rec.ts, ts(i as i64), "{expr}: frame {i}");
            assert_eq!(rec.origlen as usize, frames[i].len());
        }
        assert!(
            carved.next_record().expect("read").is_none(),
            "{expr}: extra records"
        );
    }
}

/// With thousands of live flows the index hands packets to the flow table
/// in batches: every packet still lands in exactly the session the flow
/// table gives it one packet at a time, and the last batch of the file is
/// not lost.
#[test]
fn many_flows_index_like_the_flow_table_one_by_one() {
    use pcap_core::capture::PcapEncoding;
    use pcap_core::capture::synth::{TrafficSpec, write_traffic_pcap};
    use pcap_core::filter::Needs;
    use pcap_core::flow::{FlowTable, Location};
    use protocols::{Config, Dissector};

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("many.pcap");
    let spec = TrafficSpec {
        packets: 30_007,
        flows: 5000,
        ..TrafficSpec::default()
    };
    let mut bytes = Vec::new();
    write_traffic_pcap(&mut bytes, spec, PcapEncoding::NATIVE_MICRO).expect("generate");
    std::fs::write(&path, &bytes).expect("write");

    // The flow table fed one packet at a time, as the reference.
    let reader = CaptureReader::open(&path).expect("open");
    let dissector = Dissector::new(Config::for_needs(Needs::FLOW));
    let mut table = FlowTable::new();
    let mut records = reader.records().expect("in memory");
    let mut most_live = 0;
    while let Some(rec) = records.next_record().expect("record") {
        let mut summary = dissector.dissect_record(&rec).summary;
        summary.wire_len = rec.origlen;
        let ts = rec.ts;
        table.push(&summary, ts, Location::new(1, rec.offset));
        most_live = most_live.max(table.live_len());
    }
    // Enough live sessions for the index to batch.
    assert!(most_live > 4000, "{most_live} live sessions at most");
    table.finish_all();
    let mut want: Vec<(u64, u64)> = table
        .drain_finished()
        .map(|s| (s.packets(), s.bytes()))
        .collect();

    let db_path = dir.path().join("many.db");
    let db = db_path.to_str().expect("utf-8");
    ok(&["index", "--db", db, path.to_str().expect("utf-8")]);
    let mut got: Vec<(u64, u64)> = sessions_json(db, &[])
        .iter()
        .map(|s| {
            (
                s["packets"].as_u64().expect("packets"),
                s["bytes"].as_u64().expect("bytes"),
            )
        })
        .collect();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    assert_eq!(got.iter().map(|s| s.0).sum::<u64>(), 30_007);
}
