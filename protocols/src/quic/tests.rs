//! QUIC Initial packets end to end: the RFC 9001 Appendix A.3 server
//! Initial opened, and connections built in code (with [`seal`]) read as
//! tshark 4.0 reads them (checked against tshark on the same packets:
//! a split ClientHello shows on the datagram that completes it, a
//! retransmission shows nothing, coalesced packets are all read).

use super::seal::{self, crypto_frame};
use super::*;
use crate::tls::Columns;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const RFC_DCID: [u8; 8] = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];

/// RFC 9001 Appendix A.3: the server's Initial packet (ACK and a
/// ServerHello), protected with the server keys of DCID 0x8394c8f03e515708.
#[test]
fn test_rfc9001_a3_server_initial() {
    let packet = hex(
        "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a
         5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3
         dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84
         022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4
         2158407dd074ee",
    );
    let payload = hex(
        "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf7
         3988cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c
         940d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b
         00020304",
    );
    let header = LongHeader::parse(&packet).unwrap();
    assert_eq!(header.scid, hex("f067a5502a4262b5"));
    let keys = Keys::initial(&RFC_DCID, Endpoint::Server);
    let mut scratch = Vec::new();
    let opened = packet::open(&packet, &header, &keys, None, &mut scratch).unwrap();
    assert_eq!(opened.packet_number, 1);
    assert_eq!(&scratch[opened.payload.0..opened.payload.1], &payload[..]);
    // The unprotected header (RFC 9001 A.3).
    assert_eq!(
        &scratch[..opened.payload.0],
        &hex("c1000000010008f067a5502a4262b50040750001")[..]
    );
    // The client keys do not open it.
    let client = Keys::initial(&RFC_DCID, Endpoint::Client);
    assert_eq!(
        packet::open(&packet, &header, &client, None, &mut scratch),
        Err(packet::OpenError::Authentication)
    );
    // A connection that saw the client's first Initial reads the
    // ServerHello: the server's DCID is not the one the keys come from.
    let mut conn = Connection::new();
    let mut cols = Columns::default();
    let hello = client_hello("example.com", b"h3", 0);
    let first = seal::client_initial(&RFC_DCID, &[], 0, &crypto_frame(0, &hello), 1200);
    conn.datagram(&first, true, &mut scratch, &mut cols);
    assert_eq!(cols.handshake_type, [1]);
    let mut cols = Columns::default();
    conn.datagram(&packet, false, &mut scratch, &mut cols);
    assert_eq!(cols.handshake_type, [2]);
    assert_eq!(cols.handshake_version, [0x0303]);
    assert_eq!(cols.cipher_suite, [0x1301]);
    assert_eq!(cols.supported_version, [0x0304]);
    assert_eq!(cols.ja3s, [crate::tls::md5_hex("771,4865,51-43")]);
    assert!(cols.content_type.is_empty() && cols.record_version.is_empty());
    assert!(conn.hellos_read());
}

/// A ClientHello (handshake header included) offering TLS 1.3 with SNI
/// `sni`, ALPN `alpn` and a padding extension of `pad` bytes.
fn client_hello(sni: &str, alpn: &[u8], pad: usize) -> Vec<u8> {
    let mut ext = Vec::new();
    let name = sni.as_bytes();
    ext.extend_from_slice(&[0, 0]);
    ext.extend_from_slice(&((name.len() + 5) as u16).to_be_bytes());
    ext.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
    ext.push(0);
    ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
    ext.extend_from_slice(name);
    ext.extend_from_slice(&[0, 16]);
    ext.extend_from_slice(&((alpn.len() + 3) as u16).to_be_bytes());
    ext.extend_from_slice(&((alpn.len() + 1) as u16).to_be_bytes());
    ext.push(alpn.len() as u8);
    ext.extend_from_slice(alpn);
    ext.extend_from_slice(&[0, 43, 0, 3, 2, 3, 4]);
    if pad > 0 {
        ext.extend_from_slice(&[0, 21]);
        ext.extend_from_slice(&(pad as u16).to_be_bytes());
        ext.resize(ext.len() + pad, 0);
    }
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x11; 32]);
    body.extend_from_slice(&[0, 0, 4, 0x13, 0x01, 0x13, 0x02, 1, 0]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut msg = vec![1];
    msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    msg.extend_from_slice(&body);
    msg
}

const DCID: [u8; 8] = [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
const SCID: [u8; 4] = [0xaa, 0xbb, 0xcc, 0xdd];

/// Feeds `datagrams` (payload, from the client) to one connection; the
/// columns of each.
fn read(datagrams: &[(Vec<u8>, bool)]) -> (Vec<Columns>, Connection) {
    let mut conn = Connection::new();
    let mut scratch = Vec::new();
    let cols = datagrams
        .iter()
        .map(|(d, from_client)| {
            let mut c = Columns::default();
            conn.datagram(d, *from_client, &mut scratch, &mut c);
            c
        })
        .collect();
    (cols, conn)
}

#[test]
fn test_client_hello_columns_and_fingerprints() {
    let hello = client_hello("www.example.com", b"h3", 0);
    let d = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello), 1200);
    assert_eq!(d.len(), 1200);
    let (cols, conn) = read(&[(d, true)]);
    let c = &cols[0];
    assert_eq!(
        c.cells()[2..9],
        [
            "1",
            "0x0303",
            "www.example.com",
            "0x1301,0x1302",
            "h3",
            "0x0304",
            &crate::tls::md5_hex("771,4865-4866,0-16-43,,"),
        ]
    );
    assert!(c.ja4[0].starts_with("q13d0203h3_"), "{}", c.ja4[0]);
    assert!(!conn.hellos_read());
    assert_eq!(conn.buffered(), 0);
}

#[test]
fn test_hello_split_over_datagrams_shows_where_it_completes() {
    let hello = client_hello("split.example", b"h3", 1500);
    let a = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello[..1000]), 1200);
    let b = seal::client_initial(&DCID, &SCID, 1, &crypto_frame(1000, &hello[1000..]), 1200);
    let (cols, _) = read(&[(a.clone(), true), (b.clone(), true)]);
    assert!(cols[0].is_empty());
    assert_eq!(cols[1].server_name, [b"split.example".to_vec()]);
    // The second half first: shown with the first half.
    let (cols, _) = read(&[(b.clone(), true), (a.clone(), true)]);
    assert!(cols[0].is_empty());
    assert_eq!(cols[1].handshake_type, [1]);
    // Both packets coalesced in one datagram.
    let mut both = a.clone();
    both.extend_from_slice(&b);
    let (cols, _) = read(&[(both, true)]);
    assert_eq!(cols[0].handshake_type, [1]);
    // A retransmission (a new packet number, the same CRYPTO bytes)
    // shows nothing.
    let again = seal::client_initial(&DCID, &SCID, 2, &crypto_frame(0, &hello), 1200);
    let (cols, _) = read(&[(a, true), (b, true), (again, true)]);
    assert!(cols[2].is_empty());
}

#[test]
fn test_shuffled_frames_in_one_packet() {
    let hello = client_hello("shuffle.example", b"h3", 0);
    let mut payload = vec![0, 0, 1];
    payload.extend(crypto_frame(30, &hello[30..]));
    payload.extend(crypto_frame(5, &hello[5..31]));
    payload.extend([1, 0]);
    payload.extend(crypto_frame(0, &hello[..5]));
    let d = seal::client_initial(&DCID, &SCID, 0, &payload, 1200);
    let (cols, _) = read(&[(d, true)]);
    assert_eq!(cols[0].server_name, [b"shuffle.example".to_vec()]);
}

#[test]
fn test_server_hello_and_coalesced_handshake_packet() {
    let hello = client_hello("a.example", b"h3", 0);
    let c = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello), 1200);
    let mut sh = vec![2, 0, 0, 46, 3, 3];
    sh.extend_from_slice(&[0x22; 32]);
    sh.extend_from_slice(&[0, 0x13, 0x01, 0, 0, 6, 0, 43, 0, 2, 3, 4]);
    let server_scid = [9u8; 8];
    let mut s = seal::server_initial(&DCID, &SCID, &server_scid, 0, &crypto_frame(0, &sh));
    // A Handshake packet (not decrypted) coalesced after it.
    let hs = seal::seal(
        &Keys::initial(&[1], Endpoint::Server),
        &seal::Packet {
            packet_type: header::packet_type::HANDSHAKE,
            dcid: &SCID,
            scid: &server_scid,
            packet_number: 0,
            payload: &[1; 40],
            pad_to: 0,
        },
    );
    s.extend_from_slice(&hs);
    let (cols, conn) = read(&[(c, true), (s, false)]);
    assert_eq!(cols[1].handshake_type, [2]);
    assert_eq!(cols[1].ja3s.len(), 1);
    assert!(conn.hellos_read());
    assert_eq!(conn.buffered(), 0);
}

#[test]
fn test_retry_and_a_new_connection_change_the_keys() {
    let hello = client_hello("retry.example", b"h3", 0);
    let first = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello[..10]), 1200);
    // A Retry from the server: the client's next Initial uses the Retry's
    // SCID as DCID, and keys from it.
    let new_dcid = [0x5a; 12];
    let mut retry = vec![0xf0, 0, 0, 0, 1, 4];
    retry.extend_from_slice(&SCID);
    retry.push(12);
    retry.extend_from_slice(&new_dcid);
    retry.extend_from_slice(&[0x77; 40]);
    let second = seal::client_initial(&new_dcid, &SCID, 1, &crypto_frame(0, &hello), 1200);
    let (cols, _) = read(&[
        (first, true),
        (retry.clone(), false),
        (second.clone(), true),
    ]);
    assert_eq!(cols[2].handshake_type, [1]);
    // A whole hello before the Retry: the one after it is a
    // retransmission of the same CRYPTO bytes (tshark shows nothing).
    let whole = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello), 1200);
    let mut retry_again = retry.clone();
    retry_again[0] = 0xf5;
    let (cols, _) = read(&[(whole, true), (retry_again, false), (second.clone(), true)]);
    assert_eq!(cols[0].handshake_type, [1]);
    assert!(cols[2].is_empty());
    // Without the Retry captured: the packet's own DCID is tried (and
    // two connections one after the other on the same ports, too).
    let other = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello), 1200);
    let (cols, _) = read(&[(other, true), (second, true)]);
    assert_eq!(cols[0].handshake_type, [1]);
    assert_eq!(cols[1].handshake_type, [1]);
}

#[test]
fn test_damaged_and_cut_datagrams_never_panic() {
    let hello = client_hello("cut.example", b"h3", 0);
    let d = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello), 1200);
    for cut in 0..d.len() {
        let (cols, _) = read(&[(d[..cut].to_vec(), true)]);
        assert!(cols[0].is_empty(), "cut at {cut}");
    }
    for i in (0..d.len()).step_by(7) {
        let mut bad = d.clone();
        bad[i] ^= 0x5a;
        let _ = read(&[(bad, true)]);
    }
    // The first datagram seen from the non-initiator is read as the
    // client's when the client keys open it.
    let (cols, _) = read(&[(d, false)]);
    assert_eq!(cols[0].handshake_type, [1]);
}

#[test]
fn test_capture_starting_with_the_servers_initial() {
    // The server's Initial (keys of a client DCID never seen) first: it
    // cannot be read, and the client's Initial after it still is.
    let sh = [2, 0, 0, 38, 3, 3];
    let server = seal::server_initial(&[0x42; 8], &SCID, &[9; 8], 0, &crypto_frame(0, &sh));
    let hello = client_hello("late.example", b"h3", 0);
    let client = seal::client_initial(&DCID, &SCID, 0, &crypto_frame(0, &hello), 1200);
    let (cols, conn) = read(&[(server, true), (client, false)]);
    assert!(cols[0].is_empty());
    assert_eq!(cols[1].server_name, [b"late.example".to_vec()]);
    assert!(!conn.hellos_read());
}
