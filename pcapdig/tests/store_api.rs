//! The session store as a library: index, search (typed rows), one
//! session, carve into any writer, and the typed file rows, all
//! in-process without the command line.

use std::net::IpAddr;

use pcap_core::Endian;
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};
use pcap_core::capture::{CaptureReader, LinkType, PcapEncoding, Precision};
use pcap_core::filter::{Expr, Filter};
use pcapdig::store::{
    CarveOptions, CarveOutput, FileFormat, IndexOptions, Notice, SearchOptions, SessionStore,
};

/// A big-endian, nanosecond capture of `packets` packets over 20 flows,
/// indexed into a new store; the directory, the capture's path and the
/// store.
fn indexed(packets: u64) -> (tempfile::TempDir, std::path::PathBuf, SessionStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("t.pcap");
    let spec = TrafficSpec {
        packets,
        flows: 20,
        ..TrafficSpec::default()
    };
    let encoding = PcapEncoding {
        endian: Endian::Big,
        precision: Precision::Nano,
    };
    std::fs::write(&cap, traffic_pcap(spec, encoding)).expect("write");
    let cap = cap.canonicalize().expect("canonical");
    let mut store = SessionStore::open(&dir.path().join("s.db")).expect("open");
    let report = store
        .index(&[vec![cap.clone()]], &IndexOptions::default())
        .expect("index");
    assert_eq!(report.files_indexed, 1);
    assert_eq!(report.packets, packets);
    assert_eq!(report.indexed, packets, "all synthetic packets are IP");
    assert!(report.sessions >= 20, "{report:?}");
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    (dir, cap, store)
}

fn all() -> Expr {
    Expr::And(Vec::new())
}

#[test]
fn index_search_and_one_session_give_typed_rows() {
    let (_dir, cap, mut store) = indexed(2_000);
    let rows = store
        .search(&all(), &SearchOptions::default())
        .expect("search");
    assert_eq!(rows.len() as u64, store_sessions(&store));
    assert_eq!(rows.iter().map(|r| r.packets).sum::<u64>(), 2_000);
    for r in &rows {
        assert!(r.first_ns <= r.last_ns);
        assert_eq!(r.packets, r.packets_to_server + r.packets_to_client);
        assert!(
            matches!(r.src, IpAddr::V4(a) if a.octets()[0] == 10),
            "{r:?}"
        );
        assert_eq!(r.files.len(), 1);
        assert_eq!(r.files[0].path.as_deref(), Some(cap.as_path()));
    }
    // Ordered by first packet.
    assert!(rows.windows(2).all(|w| w[0].first_ns <= w[1].first_ns));

    let tcp = Filter::parse("tcp").expect("filter");
    let tcp_rows = store
        .search(tcp.expr(), &SearchOptions::default())
        .expect("search");
    assert!(!tcp_rows.is_empty());
    assert!(tcp_rows.iter().all(|r| r.proto == 6));
    assert_eq!(tcp_rows.len(), rows.iter().filter(|r| r.proto == 6).count());
    let limited = store
        .search(
            &all(),
            &SearchOptions {
                limit: Some(3),
                since_ns: Some(rows[1].last_ns),
                ..SearchOptions::default()
            },
        )
        .expect("search");
    assert_eq!(limited.len(), 3);
    assert!(limited.iter().all(|r| r.last_ns >= rows[1].last_ns));

    let one = store.session(rows[0].id).expect("session");
    assert_eq!(one.as_ref(), Some(&rows[0]));
    assert_eq!(store.session(1 << 40).expect("session"), None);

    let e = store
        .search(
            Filter::parse("tcp[13] & 2 != 0").expect("filter").expr(),
            &SearchOptions::default(),
        )
        .expect_err("packet bytes are not in the index")
        .to_string();
    assert!(e.contains("cannot be searched in the session index"), "{e}");

    // Indexing the same file again changes nothing, and says so.
    let again = store
        .index(&[vec![cap.clone()]], &IndexOptions::default())
        .expect("index");
    assert_eq!((again.files_indexed, again.files_skipped), (0, 1));
    assert_eq!(again.notices, vec![Notice::AlreadyIndexed(cap)]);
}

fn store_sessions(store: &SessionStore) -> u64 {
    store
        .search(&all(), &SearchOptions::default())
        .expect("search")
        .len() as u64
}

#[test]
fn files_are_typed_rows() {
    let (_dir, cap, store) = indexed(300);
    let rows = store
        .search(&all(), &SearchOptions::default())
        .expect("search");
    let f = store
        .file(rows[0].files[0].id)
        .expect("file")
        .expect("known");
    assert_eq!(f.path, cap);
    assert_eq!(f.format, FileFormat::Pcap);
    assert_eq!(f.endian, Endian::Big);
    assert_eq!(f.precision, Precision::Nano);
    assert_eq!(f.linktype, Some(LinkType(1)));
    assert_eq!(f.size, std::fs::metadata(&cap).expect("stat").len());
    assert!(f.context.is_none());
    assert!(store.file(999).expect("file").is_none());
}

#[test]
fn carve_writes_a_session_into_any_writer() {
    let (dir, _cap, store) = indexed(2_000);
    let rows = store
        .search(&all(), &SearchOptions::default())
        .expect("search");
    let big = rows.iter().max_by_key(|r| r.packets).expect("a session");
    let mut bytes = Vec::new();
    let report = store
        .carve(
            &[big.id],
            Some(CarveOutput::Writer(&mut bytes)),
            &CarveOptions::default(),
        )
        .expect("carve");
    assert_eq!(report.sessions, 1);
    assert_eq!(report.packets, big.packets);
    let mut reader = CaptureReader::from_bytes(bytes, "carved").expect("a capture");
    let mut n = 0u64;
    while let Some(rec) = reader.next_record().expect("record") {
        let ns = i64::from(rec.ts.nanos) + rec.ts.secs * 1_000_000_000;
        assert!(ns >= big.first_ns && ns <= big.last_ns);
        n += 1;
    }
    assert_eq!(n, big.packets);

    // Nothing asked for is an error; an unknown session names the store.
    let e = store
        .carve(&[big.id], None, &CarveOptions::default())
        .expect_err("no output")
        .to_string();
    assert!(e.contains("--payload"), "{e}");
    let e = store
        .carve(
            &[1 << 40],
            Some(CarveOutput::Writer(&mut Vec::new())),
            &CarveOptions::default(),
        )
        .expect_err("no such session")
        .to_string();
    assert!(e.starts_with("no session 1099511627776 in"), "{e}");

    // A read-only store does not index.
    let ro = SessionStore::open_read_only(store.path()).expect("open");
    let e = SessionStore::index(
        &mut { ro },
        &[vec![dir.path().join("t.pcap")]],
        &IndexOptions::default(),
    )
    .expect_err("read-only")
    .to_string();
    assert!(e.contains("read-only"), "{e}");
}

/// The timestamps of the records of a capture in memory.
fn times(bytes: Vec<u8>) -> Vec<(i64, u32)> {
    let mut reader = CaptureReader::from_bytes(bytes, "carved").expect("a capture");
    let mut out = Vec::new();
    while let Some(rec) = reader.next_record().expect("record") {
        out.push((rec.ts.secs, rec.ts.nanos));
    }
    out
}

#[test]
fn a_nanosecond_pcap_carved_to_pcapng_keeps_its_nanoseconds() {
    use pcap_core::capture::Timestamp;
    use pcap_core::capture::synth::PcapBuilder;
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("ns.pcap");
    let mut b = PcapBuilder::new(Endian::Little, Precision::Nano);
    let frame = pcap_core::capture::synth::raw_ipv4_tcp(80, b"x");
    b.linktype(LinkType(101));
    b.record(Timestamp::new(1_700_000_000, 123_456_789), 41, &frame);
    b.record(Timestamp::new(1_700_000_001, 987_654_321), 41, &frame);
    std::fs::write(&cap, b.build()).expect("write");
    let mut store = SessionStore::open(&dir.path().join("s.db")).expect("open");
    store
        .index(&[vec![cap]], &IndexOptions::default())
        .expect("index");
    let rows = store
        .search(&all(), &SearchOptions::default())
        .expect("search");
    assert_eq!(rows.len(), 1);
    let f = store
        .file(rows[0].files[0].id)
        .expect("file")
        .expect("known");
    assert_eq!(f.precision, Precision::Nano);
    let mut bytes = Vec::new();
    let opts = CarveOptions {
        format: Some(pcapdig::store::OutFormat::Pcapng),
        ..CarveOptions::default()
    };
    store
        .carve(&[rows[0].id], Some(CarveOutput::Writer(&mut bytes)), &opts)
        .expect("carve");
    assert_eq!(
        times(bytes),
        [(1_700_000_000, 123_456_789), (1_700_000_001, 987_654_321)]
    );
}
