//! Session-level tests: segments built in code, read as tshark would.

use super::hello::tests::{alpn, chrome_like, client_hello_body, list16, sni};
use super::sslv2::tests::v2_hello;
use super::*;

/// Wraps a handshake body in a handshake header.
fn msg(t: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len();
    let mut m = vec![t, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    m.extend_from_slice(body);
    m
}

/// Wraps a fragment in a record header.
fn record(ct: u8, version: u16, fragment: &[u8]) -> Vec<u8> {
    let mut r = vec![ct];
    r.extend_from_slice(&version.to_be_bytes());
    r.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
    r.extend_from_slice(fragment);
    r
}

/// A ServerHello body choosing `cipher`, with the given extensions.
fn server_hello_body(cipher: u16, extensions: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut b = 0x0303u16.to_be_bytes().to_vec();
    b.extend_from_slice(&[5; 32]);
    b.push(0);
    b.extend_from_slice(&cipher.to_be_bytes());
    b.push(0);
    let mut block = Vec::new();
    for (t, d) in extensions {
        block.extend_from_slice(&t.to_be_bytes());
        block.extend_from_slice(&(d.len() as u16).to_be_bytes());
        block.extend_from_slice(d);
    }
    b.extend_from_slice(&(block.len() as u16).to_be_bytes());
    b.extend_from_slice(&block);
    b
}

/// 40 bytes that look like an encrypted Finished (unknown type 0x9c).
fn encrypted() -> Vec<u8> {
    (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x9c).collect()
}

#[test]
fn test_client_hello_columns_with_grease() {
    let payload = record(22, 0x0301, &msg(1, &chrome_like()));
    let cols = segment_columns(&payload);
    let cells = cols.cells();
    assert_eq!(cells[0], "22");
    assert_eq!(cells[1], "0x0301");
    assert_eq!(cells[2], "1");
    assert_eq!(cells[3], "0x0303");
    assert_eq!(cells[4], "example.com");
    assert_eq!(cells[5], "0x2a2a,0x1301,0x1302,0xc02b");
    assert_eq!(cells[6], "h2,http/1.1");
    assert_eq!(cells[7], "0x7a7a,0x0304,0x0303");
    assert_eq!(
        cells[8],
        md5_hex("771,4865-4866-49195,0-10-11-13-16-43,29-23,0")
    );
    assert_eq!(cells[9], "");
    assert!(cells[10].starts_with("t13d0306h2_"));
}

#[test]
fn test_tls12_handshake_then_encrypted_after_ccs() {
    let mut s = Session::new();
    let ch = record(
        22,
        0x0301,
        &msg(1, &client_hello_body(0x0303, &[0xc02f], &[])),
    );
    s.segment(&ch, Side::Initiator);
    let sh = server_hello_body(0xc02f, &[(0xff01, vec![0])]);
    let mut flight = record(22, 0x0303, &msg(2, &sh));
    flight.extend(record(22, 0x0303, &msg(14, &[])));
    let cols = s.segment(&flight, Side::Responder);
    assert_eq!(cols.cells()[2], "2,14");
    assert_eq!(cols.cells()[9], md5_hex("771,49199,65281"));
    assert_eq!(s.version(), Some(0x0303));
    // ClientKeyExchange, ChangeCipherSpec, encrypted Finished: tshark
    // shows only the first handshake type.
    let mut fin = record(22, 0x0303, &msg(16, &[0; 33]));
    fin.extend(record(20, 0x0303, &[1]));
    fin.extend(record(22, 0x0303, &encrypted()));
    let cols = s.segment(&fin, Side::Initiator);
    assert_eq!(cols.cells()[0], "22,20,22");
    assert_eq!(cols.cells()[2], "16");
    // A later handshake record of the same side is encrypted even if its
    // first byte is a known type (here 4 with a small length).
    let mut later = vec![4, 0, 0, 20];
    later.extend_from_slice(&[0x55; 36]);
    let cols = s.segment(&record(22, 0x0303, &later), Side::Initiator);
    assert_eq!(cols.cells()[2], "");
    // ... but the server, which sent no CCS yet, is read in clear.
    let cols = s.segment(&record(22, 0x0303, &later), Side::Responder);
    assert_eq!(cols.cells()[2], "4");
}

#[test]
fn test_tls13_records_become_opaque() {
    let mut s = Session::new();
    let sh = server_hello_body(0x1301, &[(43, vec![3, 4])]);
    let mut flight = record(22, 0x0303, &msg(2, &sh));
    flight.extend(record(20, 0x0303, &[1]));
    flight.extend(record(23, 0x0303, &[0xaa; 30]));
    let cols = s.segment(&flight, Side::Responder);
    // The application-data record after the ServerHello is opaque: no
    // content type, but its version.
    assert_eq!(cols.cells()[0], "22,20");
    assert_eq!(cols.cells()[1], "0x0303,0x0303,0x0303");
    assert_eq!(cols.cells()[7], "0x0304");
    assert_eq!(s.version(), Some(0x0304));
    // The client's dummy CCS then a second ClientHello (after a
    // HelloRetryRequest) is still read.
    let mut again = record(20, 0x0303, &[1]);
    again.extend(record(22, 0x0303, &msg(1, &chrome_like())));
    let cols = s.segment(&again, Side::Initiator);
    assert_eq!(cols.cells()[2], "1");
    let cols = s.segment(
        &record(22, 0x0303, &msg(1, &chrome_like())),
        Side::Initiator,
    );
    assert_eq!(cols.cells()[2], "1");
}

#[test]
fn test_sslv2_session() {
    let mut s = Session::new();
    let cols = s.segment(&v2_hello(0x0002), Side::Initiator);
    assert_eq!(cols.cells()[..4], ["", "0x0002", "1", "0x0002"]);
    assert_eq!(s.version(), None);
    // SERVER-HELLO: hit, cert type, version 0x0002, lengths.
    let mut body = vec![4, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0];
    body.extend_from_slice(&[0; 4]);
    let mut rec = vec![0x80, body.len() as u8];
    rec.extend_from_slice(&body);
    let cols = s.segment(&rec, Side::Responder);
    assert_eq!(cols.cells()[..4], ["", "0x0002", "4", "0x0002"]);
    assert_eq!(s.version(), Some(0x0002));
    // Encrypted SSL 2.0 data: only the record version.
    let mut data = vec![0x80, 20];
    data.extend_from_slice(&[0x33; 20]);
    let cols = s.segment(&data, Side::Responder);
    assert_eq!(cols.cells()[..4], ["", "0x0002", "", ""]);
}

#[test]
fn test_sslv2_style_hello_from_a_tls_client() {
    let rec = v2_hello(0x0301);
    assert!(looks_like_tls(&rec));
    let cols = segment_columns(&rec);
    assert_eq!(cols.cells()[..4], ["", "0x0002", "1", "0x0301"]);
    assert_eq!(
        cols.cells()[8],
        "",
        "tshark computes no JA3 for an SSLv2 hello"
    );
}

#[test]
fn test_handshake_split_over_records() {
    let m = msg(1, &chrome_like());
    let (a, b) = m.split_at(50);
    let mut s = Session::new();
    let cols = s.segment(&record(22, 0x0301, a), Side::Initiator);
    assert_eq!(cols.cells()[..3], ["22", "0x0301", ""]);
    let cols = s.segment(&record(22, 0x0301, b), Side::Initiator);
    assert_eq!(cols.cells()[2], "1");
    assert_eq!(cols.cells()[4], "example.com");
    let mut stream = record(22, 0x0301, a);
    stream.extend(record(22, 0x0301, b));
    assert_eq!(first_handshake_message(&stream[..stream.len() - 1]), None);
    assert_eq!(first_handshake_message(&stream), Some(m));
}

#[test]
fn test_plain_text_and_cut_records_show_nothing() {
    assert!(segment_columns(b"EHLO example.com\r\n").is_empty());
    assert!(!looks_like_tls(b"GET / HTTP/1.1\r\n"));
    let payload = record(22, 0x0301, &msg(1, &chrome_like()));
    assert!(looks_like_tls(&payload));
    for len in 0..payload.len() {
        assert!(segment_columns(&payload[..len]).is_empty(), "len {len}");
        let _ = looks_like_tls(&payload[..len]);
        let _ = first_handshake_message(&payload[..len]);
    }
}

#[test]
fn test_truncated_and_mangled_input_never_panics() {
    let mut s = Session::new();
    let sh = server_hello_body(0x1301, &[(43, vec![3, 4]), (16, alpn(&[b"h2"]))]);
    let mut all = record(22, 0x0301, &msg(1, &chrome_like()));
    all.extend(record(22, 0x0303, &msg(2, &sh)));
    all.extend(v2_hello(0x0301));
    all.extend(record(
        22,
        0x0303,
        &msg(
            1,
            &client_hello_body(0x0303, &[1], &[(0, sni("x")), (10, list16(&[1], 2))]),
        ),
    ));
    for len in 0..all.len() {
        let cut = &all[..len];
        let _ = segment_columns(cut);
        let _ = s.segment(cut, Side::Initiator);
        let _ = s.segment(cut, Side::Responder);
        for start in [1, 3, 5, 9] {
            let _ = segment_columns(cut.get(start..).unwrap_or(&[]));
        }
    }
    // Every byte flipped in turn.
    for i in 0..all.len() {
        let mut m = all.clone();
        m[i] ^= 0xff;
        let _ = segment_columns(&m);
        let _ = Session::new().segment(&m, Side::Responder);
    }
}

#[test]
fn test_looks_like_tls_is_tsharks_heuristic() {
    let ok = record(22, 0x0301, &[1, 0, 0, 0]);
    assert!(looks_like_tls(&ok));
    assert!(looks_like_tls(&record(23, 0x0303, &[0; 8])));
    // Alerts, TLS 1.3 on the record layer, empty records, unknown types.
    assert!(!looks_like_tls(&record(21, 0x0303, &[2, 40])));
    assert!(!looks_like_tls(&record(22, 0x0304, &[1])));
    assert!(!looks_like_tls(&record(22, 0x0301, &[])));
    assert!(!looks_like_tls(&record(25, 0x0303, &[1])));
    assert!(!looks_like_tls(&ok[..4]));
}

#[test]
fn test_unknown_record_type_ends_a_tls12_segment() {
    let mut s = Session::new();
    let sh = server_hello_body(0x002f, &[]);
    s.segment(&record(22, 0x0303, &msg(2, &sh)), Side::Responder);
    assert_eq!(s.version(), Some(0x0303));
    // A record of unknown type 0x30 hides the alert after it.
    let mut seg = record(0x30, 0x0303, &[0; 3]);
    seg.extend(record(21, 0x0303, &[2, 40]));
    assert!(s.segment(&seg, Side::Responder).is_empty());
    // Before the version is known, a segment that starts with no record
    // header shows nothing either.
    assert!(Session::new().segment(&seg, Side::Responder).is_empty());
    // Two alerts in one segment: both, comma-joined.
    let mut two = record(21, 0x0303, &[1, 0]);
    two.extend(record(21, 0x0303, &[1, 0]));
    assert_eq!(s.segment(&two, Side::Initiator).cells()[0], "21,21");
}
