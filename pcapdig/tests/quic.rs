//! QUIC end to end, on a capture built in code: a client's ClientHello
//! split over two Initial datagrams (the second sent first) and the
//! server's Initial with its ServerHello. `fields` prints the `tls.*`
//! columns on the datagram that completes each hello (as tshark 4.0 does),
//! and `index` stores the session's server name, ALPN, JA3, JA3S and JA4,
//! which `sessions` searches find.

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{CaptureReader, LinkType, Precision, Timestamp};
use pcap_core::filter::Filter;
use pcapdig::fields::{parse_columns, write_fields};
use pcapdig::store::{IndexOptions, SearchOptions, SessionStore};
use protocols::Registry;
use protocols::quic::seal;

const CLIENT: [u8; 4] = [192, 168, 1, 10];
const SERVER: [u8; 4] = [142, 250, 1, 1];
const DCID: [u8; 8] = [0x2f, 0xad, 0xc2, 0x0d, 0xed, 0x38, 0x3f, 0x8c];
const SCID: [u8; 4] = [1, 2, 3, 4];

/// A raw IPv4/UDP packet.
fn udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]) -> Vec<u8> {
    let total = u16::try_from(28 + payload.len()).expect("small");
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, 17, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&(total - 20).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    p
}

/// A ClientHello for `www.example.org` offering `h3`, TLS 1.3, two cipher
/// suites, and 1,500 bytes of padding extension (so it needs two Initial
/// packets, as post-quantum key shares do).
fn client_hello() -> Vec<u8> {
    let name = b"www.example.org";
    let mut ext = vec![0, 0, 0, name.len() as u8 + 5, 0, name.len() as u8 + 3, 0, 0];
    ext.push(name.len() as u8);
    ext.extend_from_slice(name);
    ext.extend_from_slice(&[0, 16, 0, 5, 0, 3, 2, b'h', b'3']);
    ext.extend_from_slice(&[0, 43, 0, 3, 2, 3, 4]);
    ext.extend_from_slice(&[0, 21, 0x05, 0xdc]);
    ext.resize(ext.len() + 1500, 0);
    let mut body = vec![3, 3];
    body.extend_from_slice(&[7; 32]);
    body.extend_from_slice(&[0, 0, 4, 0x13, 0x01, 0x13, 0x02, 1, 0]);
    body.extend_from_slice(&u16::try_from(ext.len()).expect("small").to_be_bytes());
    body.extend_from_slice(&ext);
    let mut msg = vec![1];
    msg.extend_from_slice(&u32::try_from(body.len()).expect("small").to_be_bytes()[1..]);
    msg.extend_from_slice(&body);
    msg
}

/// A ServerHello choosing TLS_AES_128_GCM_SHA256 and TLS 1.3.
fn server_hello() -> Vec<u8> {
    let mut sh = vec![2, 0, 0, 46, 3, 3];
    sh.extend_from_slice(&[0x22; 32]);
    sh.extend_from_slice(&[0, 0x13, 0x01, 0, 0, 6, 0, 43, 0, 2, 3, 4]);
    sh
}

/// The capture: the hello's second half, its first half, the server's
/// Initial, then a short-header packet of each side.
fn capture(dir: &std::path::Path) -> std::path::PathBuf {
    let hello = client_hello();
    let first = seal::client_initial(&DCID, &SCID, 0, &seal::crypto_frame(0, &hello[..900]), 1200);
    let second = seal::client_initial(
        &DCID,
        &SCID,
        1,
        &seal::crypto_frame(900, &hello[900..]),
        1200,
    );
    let server = seal::server_initial(
        &DCID,
        &SCID,
        &[9; 8],
        0,
        &seal::crypto_frame(0, &server_hello()),
    );
    let packets = [
        udp(CLIENT, 55000, SERVER, 443, &second),
        udp(CLIENT, 55000, SERVER, 443, &first),
        udp(SERVER, 443, CLIENT, 55000, &server),
        udp(CLIENT, 55000, SERVER, 443, &[0x41; 60]),
        udp(SERVER, 443, CLIENT, 55000, &[0x5c; 60]),
    ];
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    file.linktype(LinkType::RAW);
    for (i, p) in packets.iter().enumerate() {
        let len = u32::try_from(p.len()).expect("small");
        file.record(Timestamp::new(1_700_000_000 + i as i64, 0), len, p);
    }
    let path = dir.join("quic.pcap");
    std::fs::write(&path, file.build()).expect("write");
    path
}

#[test]
fn fields_show_the_hellos_where_they_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = capture(dir.path());
    let names: Vec<String> = [
        "frame.protocols",
        "tls.handshake.type",
        "tls.handshake.extensions_server_name",
        "tls.handshake.ciphersuite",
        "tls.handshake.extensions_alpn_str",
        "tls.handshake.ja3",
        "tls.handshake.ja3s",
        "tls.handshake.ja4",
        "tls.record.version",
    ]
    .map(String::from)
    .to_vec();
    let registry = Registry::new();
    let columns = parse_columns(&names, &registry).expect("columns");
    let mut out = Vec::new();
    let reader = CaptureReader::open(&path).expect("open");
    write_fields(reader, &columns, None, &registry, &mut out).expect("fields");
    let text = String::from_utf8(out).expect("utf-8");
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 5);
    // The second half alone shows nothing.
    assert_eq!(rows[0][1..], ["", "", "", "", "", "", "", ""]);
    let ch = &rows[1];
    assert_eq!(ch[0], "raw:ip:udp:quic");
    assert_eq!(ch[1..5], ["1", "www.example.org", "0x1301,0x1302", "h3"]);
    assert_eq!(ch[5].len(), 32);
    assert_eq!(ch[6], "");
    assert!(ch[7].starts_with("q13d0204h3_"), "{}", ch[7]);
    assert_eq!(ch[8], "", "no TLS records in QUIC");
    let sh = &rows[2];
    assert_eq!(sh[1..5], ["2", "", "0x1301", ""]);
    assert_eq!((sh[5], sh[6].len()), ("", 32));
    assert_eq!(rows[3][1..], rows[0][1..]);
    assert_eq!(rows[4][1..], rows[0][1..]);
}

#[test]
fn index_stores_and_searches_the_quic_hellos() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = capture(dir.path());
    let mut store = SessionStore::open(&dir.path().join("s.db")).expect("open");
    store
        .index(&[vec![path]], &IndexOptions::default())
        .expect("index");
    let search = |expr: &str| {
        let filter = Filter::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        store
            .search(filter.expr(), &SearchOptions::default())
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    };
    let found = search(r#"udp and tls.sni == "www.example.org""#);
    assert_eq!(found.len(), 1);
    let meta = &found[0].meta;
    let get = |k: &str| meta.get(k).cloned().unwrap_or_default();
    assert_eq!(get("tls.alpn"), ["h3"]);
    assert_eq!(get("tls.handshake.ja3").len(), 1);
    assert_eq!(get("tls.handshake.ja3s").len(), 1);
    let ja4 = get("tls.handshake.ja4");
    assert!(ja4[0].starts_with("q13d0204h3_"), "{ja4:?}");
    assert_eq!(search(&format!(r#"tls.ja4 == "{}""#, ja4[0])).len(), 1);
    assert!(search(r#"tls.sni == "other.example""#).is_empty());
}
