//! Sessions built in code, packet by packet (raw IPv4, link type RAW),
//! read by the [`Extractor`] through the [`Dissector`].

use proptest::prelude::*;

use super::*;
use crate::tls::hello::HELLO_RETRY_REQUEST_RANDOM;
use crate::tls::hello::tests::{alpn, client_hello_body, list16, sni};
use crate::tls::{Handshake, Hello};
use crate::{Config, Dissector, LinkType};

/// A raw IPv4 packet from 10.0.0.`from` to 10.0.0.`to` carrying `l4`
/// (`proto`), its IP total length saying `l4_wire_len` bytes follow.
fn ipv4(from: u8, to: u8, proto: u8, l4: &[u8], l4_wire_len: usize) -> Vec<u8> {
    let total = (20 + l4_wire_len) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 64, proto, 0, 0, 10, 0, 0, from, 10, 0, 0, to]);
    p.extend_from_slice(l4);
    p
}

/// One TCP connection between a client (10.0.0.1) and a server
/// (10.0.0.2), with its sequence numbers.
struct Conn {
    dissector: Dissector,
    ports: (u16, u16),
    seq: [u32; 2],
    ex: Extractor,
}

impl Conn {
    fn new(client_port: u16, server_port: u16) -> Conn {
        Conn::with_limits(client_port, server_port, &Limits::default())
    }

    fn with_limits(client_port: u16, server_port: u16, limits: &Limits) -> Conn {
        let mut c = Conn {
            dissector: Dissector::new(Config::all()),
            ports: (client_port, server_port),
            seq: [1000, 5000],
            ex: Extractor::new(limits),
        };
        c.raw(true, 999, 0x02, b"", None);
        c.raw(false, 4999, 0x12, b"", None);
        c
    }

    /// A segment at `seq` with `flags`; `wire` is the payload length on
    /// the wire when the capture cut it.
    fn raw(&mut self, from_client: bool, seq: u32, flags: u8, payload: &[u8], wire: Option<usize>) {
        let (sport, dport) = if from_client {
            self.ports
        } else {
            (self.ports.1, self.ports.0)
        };
        let mut tcp = sport.to_be_bytes().to_vec();
        tcp.extend_from_slice(&dport.to_be_bytes());
        tcp.extend_from_slice(&seq.to_be_bytes());
        tcp.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(payload);
        let wire = 20 + wire.unwrap_or(payload.len());
        let (a, b) = if from_client { (1, 2) } else { (2, 1) };
        let pkt = ipv4(a, b, 6, &tcp, wire);
        let d = self.dissector.dissect(LinkType::RAW, &pkt);
        self.ex.packet(&d, from_client);
    }

    /// The next segment of one side.
    fn send(&mut self, from_client: bool, payload: &[u8]) {
        let i = usize::from(!from_client);
        let seq = self.seq[i];
        self.raw(from_client, seq, 0x18, payload, None);
        self.seq[i] = seq.wrapping_add(payload.len() as u32);
    }

    /// `payload` cut by the capture after `kept` bytes.
    fn send_cut(&mut self, from_client: bool, payload: &[u8], kept: usize) {
        let i = usize::from(!from_client);
        let seq = self.seq[i];
        self.raw(
            from_client,
            seq,
            0x18,
            &payload[..kept],
            Some(payload.len()),
        );
        self.seq[i] = seq.wrapping_add(payload.len() as u32);
    }

    fn get(&self, key: Key) -> Vec<String> {
        self.ex.meta().get(key).to_vec()
    }
}

/// A handshake message.
fn msg(t: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len();
    let mut m = vec![t, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    m.extend_from_slice(body);
    m
}

/// A record.
fn record(ct: u8, fragment: &[u8]) -> Vec<u8> {
    let mut r = vec![ct, 3, 3];
    r.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
    r.extend_from_slice(fragment);
    r
}

/// A ClientHello body offering `ciphers`, for `host`, padded by `pad`
/// bytes (a post-quantum key share makes hellos this big).
fn client_hello(host: &str, ciphers: &[u16], pad: usize) -> Vec<u8> {
    client_hello_body(
        0x0303,
        ciphers,
        &[
            (0, sni(host)),
            (10, list16(&[0x001d, 0x0017], 2)),
            (13, list16(&[0x0403], 2)),
            (16, alpn(&[b"h2", b"http/1.1"])),
            (43, list16(&[0x0304, 0x0303], 1)),
            (21, vec![0; pad]),
        ],
    )
}

/// A ServerHello body (a HelloRetryRequest with `hrr`).
fn server_hello(cipher: u16, hrr: bool) -> Vec<u8> {
    let mut b = 0x0303u16.to_be_bytes().to_vec();
    b.extend_from_slice(&if hrr {
        HELLO_RETRY_REQUEST_RANDOM
    } else {
        [9; 32]
    });
    b.push(0);
    b.extend_from_slice(&cipher.to_be_bytes());
    b.push(0);
    let ext = [0u8, 43, 0, 2, 3, 4];
    b.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    b.extend_from_slice(&ext);
    b
}

/// The fingerprints of a hello message, computed directly.
fn fingerprints(m: &[u8]) -> (String, String, String) {
    let (h, _) = Handshake::parse(m).expect("a whole message");
    let hello = Hello::parse(&h).expect("a hello");
    (hello.ja3(), hello.ja3s(), hello.ja4())
}

#[test]
fn test_keys_and_names_agree() {
    for (i, k) in Key::ALL.iter().enumerate() {
        assert_eq!(*k as usize, i);
        assert_eq!(Key::from_name(k.name()), Some(*k));
    }
    assert_eq!(
        Key::from_name("tls.handshake.extensions_server_name"),
        Some(Key::TlsSni)
    );
    assert_eq!(Key::from_name("tls.ja4"), Some(Key::Ja4));
    assert_eq!(Key::from_name("nope"), None);
}

#[test]
fn test_client_hello_over_three_segments() {
    let ch = msg(1, &client_hello("pq.example", &[0x1301, 0x1302], 1800));
    let rec = record(22, &ch);
    let (ja3, _, ja4) = fingerprints(&ch);
    let mut c = Conn::new(40000, 443);
    c.send(true, &rec[..3]);
    c.send(true, &rec[3..900]);
    assert!(c.ex.meta().is_empty(), "nothing before the hello is whole");
    assert!(c.ex.buffered() >= 900);
    c.send(true, &rec[900..]);
    assert_eq!(c.get(Key::TlsSni), ["pq.example"]);
    assert_eq!(c.get(Key::TlsAlpn), ["h2", "http/1.1"]);
    assert_eq!(c.get(Key::Ja3), [ja3]);
    assert_eq!(c.get(Key::Ja4), [ja4]);
    assert_eq!(
        c.ex.buffered(),
        0,
        "the buffer is let go once the hello is read"
    );
}

#[test]
fn test_retransmitted_segment_is_read_once() {
    let ch = msg(1, &client_hello("a.example", &[0x1301], 600));
    let rec = record(22, &ch);
    let mut c = Conn::new(40000, 443);
    let seq = c.seq[0];
    c.send(true, &rec[..300]);
    // The same bytes again, then a retransmission that overlaps and adds.
    c.raw(true, seq, 0x18, &rec[..300], None);
    c.raw(true, seq + 200, 0x18, &rec[200..400], None);
    c.seq[0] = seq + 400;
    c.send(true, &rec[400..]);
    assert_eq!(c.get(Key::TlsSni), ["a.example"]);
    assert_eq!(c.get(Key::Ja3).len(), 1);
}

#[test]
fn test_out_of_order_segment_dropped_as_tshark_or_held_when_asked() {
    let ch = msg(1, &client_hello("o.example", &[0x1301], 600));
    let rec = record(22, &ch);
    for (held, expect) in [(0, 0), (4, 1)] {
        let limits = Limits {
            max_pending_segments: held,
            ..Limits::default()
        };
        let mut c = Conn::with_limits(40000, 443, &limits);
        let seq = c.seq[0];
        c.raw(true, seq + 300, 0x18, &rec[300..], None);
        c.raw(true, seq, 0x18, &rec[..300], None);
        assert_eq!(c.get(Key::TlsSni).len(), expect, "held {held}");
    }
}

#[test]
fn test_hello_retry_request_gives_both_hellos() {
    let ch1 = msg(1, &client_hello("hrr.example", &[0x1301, 0x1302], 10));
    let ch2 = msg(1, &client_hello("hrr.example", &[0x1301], 10));
    let hrr = msg(2, &server_hello(0x1301, true));
    let sh = msg(2, &server_hello(0x1302, false));
    let (ja3_1, _, ja4_1) = fingerprints(&ch1);
    let (ja3_2, _, ja4_2) = fingerprints(&ch2);
    let (_, ja3s_1, _) = fingerprints(&hrr);
    let (_, ja3s_2, _) = fingerprints(&sh);
    assert_ne!(ja3_1, ja3_2);
    assert_ne!(ja4_1, ja4_2);
    let mut c = Conn::new(40000, 443);
    c.send(true, &record(22, &ch1));
    let mut flight = record(22, &hrr);
    flight.extend_from_slice(&record(20, &[1]));
    c.send(false, &flight);
    // The client's dummy ChangeCipherSpec, then its second hello.
    let mut again = record(20, &[1]);
    again.extend_from_slice(&record(22, &ch2));
    c.send(true, &again);
    let mut flight = record(22, &sh);
    flight.extend_from_slice(&record(23, &[0xaa; 40]));
    c.send(false, &flight);
    c.send(true, &record(23, &[0xbb; 40]));
    assert_eq!(c.get(Key::Ja3), [ja3_1, ja3_2]);
    assert_eq!(c.get(Key::Ja3s), [ja3s_1, ja3s_2]);
    assert_eq!(
        c.get(Key::Ja4),
        [ja4_1],
        "JA4 of the first ClientHello only"
    );
    assert!(c.ex.tls_done());
}

#[test]
fn test_tls_port_carrying_no_records_is_given_up() {
    let ch = msg(1, &client_hello("late.example", &[0x1301], 0));
    let mut c = Conn::new(40000, 443);
    for _ in 0..4 {
        c.send(true, b"\x00\x01 not a record at all");
    }
    c.send(true, &record(22, &ch));
    assert!(c.get(Key::TlsSni).is_empty());
    // One miss only is forgiven.
    let mut c = Conn::new(40000, 443);
    c.send(true, b"\x00\x01 not a record at all");
    c.send(true, &record(22, &ch));
    assert_eq!(c.get(Key::TlsSni), ["late.example"]);
}

#[test]
fn test_starttls_after_plain_text() {
    let ch = msg(1, &client_hello("mail.example", &[0x1301], 0));
    let mut c = Conn::new(40000, 25);
    c.send(false, b"220 mail.example ESMTP\r\n");
    c.send(true, b"STARTTLS\r\n");
    c.send(false, b"220 Go ahead\r\n");
    c.send(true, &record(22, &ch));
    assert_eq!(c.get(Key::TlsSni), ["mail.example"]);
}

const GET: &[u8] = b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n";

#[test]
fn test_http_head_split_over_segments() {
    let mut c = Conn::new(40000, 8000);
    c.send(true, &GET[..10]);
    c.send(true, &GET[10..45]);
    assert!(c.ex.meta().is_empty());
    c.send(true, &GET[45..]);
    assert_eq!(c.get(Key::HttpMethod), ["GET"]);
    assert_eq!(c.get(Key::HttpUri), ["/index.html"]);
    assert_eq!(c.get(Key::HttpHost), ["www.example.com"]);
    assert_eq!(c.get(Key::HttpUserAgent), ["curl/8.0"]);
}

#[test]
fn test_http_found_after_socks4_and_socks5_handshakes() {
    // SOCKS4: CONNECT 93.184.216.34:80, user "u"; granted.
    let mut c = Conn::new(40000, 1080);
    c.send(true, b"\x04\x01\x00\x50\x5d\xb8\xd8\x22u\x00");
    c.send(false, b"\x00\x5a\x00\x00\x00\x00\x00\x00");
    c.send(true, GET);
    c.send(false, b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(c.get(Key::HttpHost), ["www.example.com"]);
    assert_eq!(c.get(Key::HttpResponseCode), ["302"]);
    // SOCKS5: no authentication, CONNECT by name.
    let mut c = Conn::new(40001, 1080);
    c.send(true, b"\x05\x01\x00");
    c.send(false, b"\x05\x00");
    c.send(true, b"\x05\x01\x00\x03\x0fwww.example.com\x00\x50");
    c.send(false, b"\x05\x00\x00\x01\x0a\x00\x00\x02\x04\x38");
    c.send(true, GET);
    assert_eq!(c.get(Key::HttpUri), ["/index.html"]);
}

#[test]
fn test_http_bodies_skipped_and_pipelined_heads_found() {
    let mut c = Conn::new(40000, 80);
    let mut two = b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nGET /xGET /b HTTP/1.1\r\nHost: h\r\n\r\n".to_vec();
    two.extend_from_slice(b"HEAD /c HTTP/1.1\r\nHost: h\r\n\r\n");
    c.send(true, &two);
    assert_eq!(
        c.get(Key::HttpUri),
        ["/a", "/b", "/c"],
        "a body that looks like a head is skipped"
    );
    assert_eq!(c.get(Key::HttpMethod), ["POST", "GET", "HEAD"]);
    // The answers: a body over two segments, then a 304, then the answer
    // to HEAD (a Content-Length but no body), then one more.
    c.send(false, b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nabcd");
    assert!(
        c.get(Key::HttpResponseCode).is_empty(),
        "the body is not whole yet"
    );
    c.send(false, b"efghHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 99\r\n\r\n");
    c.send(false, b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(c.get(Key::HttpResponseCode), ["200", "304", "404", "500"]);
}

#[test]
fn test_http_response_whose_body_never_completes_gives_no_code() {
    let mut c = Conn::new(40000, 80);
    c.send(true, GET);
    c.send(
        false,
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little",
    );
    let meta = std::mem::replace(&mut c.ex, Extractor::new(&Limits::default())).finish();
    assert_eq!(meta.get(Key::HttpMethod), ["GET"]);
    assert!(meta.get(Key::HttpResponseCode).is_empty());
}

#[test]
fn test_http_cut_by_snap_length_read_as_it_is() {
    let mut c = Conn::new(40000, 80);
    c.send_cut(true, GET, 30);
    assert_eq!(c.get(Key::HttpMethod), ["GET"]);
    assert_eq!(c.get(Key::HttpUri), ["/index.html"]);
    assert!(c.get(Key::HttpHost).is_empty());
    // The next request starts right after the bytes the capture lacks.
    c.send(true, b"GET /next HTTP/1.1\r\n\r\n");
    assert_eq!(c.get(Key::HttpUri), ["/index.html", "/next"]);
}

#[test]
fn test_http_after_socks5_handshake_on_any_port() {
    let mut c = Conn::new(40000, 1080);
    c.send(true, &[5, 1, 0]);
    c.send(false, &[5, 0]);
    c.send(true, &[5, 1, 0, 1, 93, 184, 216, 34, 0, 80]);
    c.send(false, &[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    c.send(true, GET);
    c.send(
        false,
        b"HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(c.get(Key::HttpHost), ["www.example.com"]);
    assert_eq!(c.get(Key::HttpResponseCode), ["302"]);
}

#[test]
fn test_no_http_on_ssh_port() {
    let mut c = Conn::new(40000, 22);
    c.send(true, GET);
    assert!(c.ex.meta().is_empty());
}

/// A DNS message: one question, then A/AAAA answers.
fn dns_message(name: &str, a: &[[u8; 4]], aaaa: &[[u8; 16]]) -> Vec<u8> {
    let answers = (a.len() + aaaa.len()) as u16;
    let mut m = vec![0x12, 0x34, 0x81, 0x80, 0, 1];
    m.extend_from_slice(&answers.to_be_bytes());
    m.extend_from_slice(&[0, 0, 0, 0]);
    for label in name.split('.') {
        m.push(label.len() as u8);
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    for addr in a {
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        m.extend_from_slice(addr);
    }
    for addr in aaaa {
        m.extend_from_slice(&[0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16]);
        m.extend_from_slice(addr);
    }
    m
}

#[test]
fn test_dns_over_udp_names_and_addresses() {
    let mut v6 = [0u8; 16];
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[2] = 0x0d;
    v6[3] = 0xb8;
    v6[15] = 1;
    let msg = dns_message("WWW.Example.com", &[[192, 0, 2, 1], [192, 0, 2, 2]], &[v6]);
    let mut udp = 5353u16.to_be_bytes().to_vec();
    udp.extend_from_slice(&53u16.to_be_bytes());
    udp.extend_from_slice(&((8 + msg.len()) as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(&msg);
    let pkt = ipv4(2, 1, 17, &udp, udp.len());
    // Parsed by the dissector, or (at transport depth) by the extractor.
    let mut metas = Vec::new();
    for config in [Config::all(), Config::minimal()] {
        let d = Dissector::new(config).dissect(LinkType::RAW, &pkt);
        let mut ex = Extractor::new(&Limits::default());
        ex.packet(&d, false);
        ex.packet(&d, false);
        metas.push(ex.finish());
    }
    assert_eq!(metas[0], metas[1]);
    let meta = &metas[0];
    assert_eq!(
        meta.get(Key::DnsQueryName),
        ["WWW.Example.com"],
        "as tshark prints it"
    );
    assert_eq!(meta.get(Key::DnsA), ["192.0.2.1", "192.0.2.2"]);
    assert_eq!(meta.get(Key::DnsAaaa), ["2001:db8::1"]);
    let keys: Vec<&str> = meta.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["dns.qry.name", "dns.a", "dns.aaaa"]);
}

#[test]
fn test_dns_over_tcp_messages_split_and_joined() {
    let m1 = dns_message("one.example", &[[10, 1, 1, 1]], &[]);
    let m2 = dns_message("two.example", &[], &[]);
    let mut stream = Vec::new();
    for m in [&m1, &m2] {
        stream.extend_from_slice(&(m.len() as u16).to_be_bytes());
        stream.extend_from_slice(m);
    }
    let mut c = Conn::new(40000, 53);
    c.send(false, &stream[..1]);
    c.send(false, &stream[1..20]);
    c.send(false, &stream[20..]);
    assert_eq!(c.get(Key::DnsQueryName), ["one.example", "two.example"]);
    assert_eq!(c.get(Key::DnsA), ["10.1.1.1"]);
}

#[test]
fn test_value_caps_respected() {
    let limits = Limits {
        per_value_bytes: 8,
        max_values_per_key: 2,
        per_session_bytes: 12,
        ..Limits::default()
    };
    let mut m = SessionMeta::new();
    m.add(Key::HttpUri, "/ééééé", &limits);
    assert_eq!(m.get(Key::HttpUri), ["/ééé"], "cut at a character boundary");
    m.add(Key::HttpUri, "/b", &limits);
    m.add(Key::HttpUri, "/c", &limits);
    assert_eq!(m.get(Key::HttpUri), ["/ééé", "/b"]);
    m.add(Key::HttpHost, "0123456789", &limits);
    assert!(m.get(Key::HttpHost).is_empty(), "over the session's budget");
    assert!(m.truncated());
    assert!(m.bytes() <= 12);
    m.add(Key::HttpUri, "/b", &limits);
    assert_eq!(m.get(Key::HttpUri).len(), 2, "values are distinct");
}

#[test]
fn test_buffers_bounded() {
    let limits = Limits {
        per_direction_buffer: 1000,
        ..Limits::default()
    };
    // A head that never ends, and a TLS record longer than the buffer.
    let mut c = Conn::with_limits(40000, 8080, &limits);
    c.send(true, b"GET / HTTP/1.1\r\n");
    for _ in 0..50 {
        c.send(
            true,
            b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        );
        assert!(c.ex.buffered() <= 2 * limits.per_direction_buffer);
    }
    let big = msg(1, &client_hello("big.example", &[0x1301], 5000));
    let mut c = Conn::with_limits(40000, 443, &limits);
    for part in record(22, &big).chunks(700) {
        c.send(true, part);
        assert!(c.ex.buffered() <= 2 * limits.per_direction_buffer);
    }
    assert!(c.ex.meta().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes on any port, in any order, never panic and stay within
    /// the limits.
    #[test]
    fn prop_garbage_never_panics(
        port in prop::sample::select(vec![22u16, 25, 53, 80, 443, 1080, 5353, 8080]),
        segments in prop::collection::vec(
            (any::<bool>(), 0u32..3000, prop::collection::vec(any::<u8>(), 0..700)),
            1..12,
        ),
    ) {
        let limits = Limits { per_direction_buffer: 2048, ..Limits::default() };
        let mut c = Conn::with_limits(40000, port, &limits);
        for (from_client, off, mut bytes) in segments {
            // Give some segments a plausible start.
            if off % 3 == 0 && bytes.len() > 5 {
                bytes[..5].copy_from_slice(&[22, 3, 1, (off >> 8) as u8, off as u8]);
            } else if off % 3 == 1 {
                bytes.splice(0..0, b"GET / HTTP/1.1\r\nContent-Length: 7\r\n".iter().copied());
            }
            let seq = c.seq[usize::from(!from_client)].wrapping_add(off % 2 * off);
            c.raw(from_client, seq, 0x18, &bytes, None);
            c.send(from_client, &bytes);
            prop_assert!(c.ex.buffered() <= 4 * limits.per_direction_buffer + 2 * 65540);
            prop_assert!(c.ex.meta().bytes() <= limits.per_session_bytes);
        }
    }
}

proptest! {
    /// The extractor's own name writer prints every name, however odd,
    /// exactly as the DNS layer's `NameDisplay` (tshark's text).
    #[test]
    fn prop_write_name_is_name_display(msg in prop::collection::vec(any::<u8>(), 0..80), at in 0usize..80) {
        let Some(bytes) = msg.get(at.min(msg.len())..) else { return Ok(()) };
        if let Ok((name, _)) = crate::dns::dns_name(bytes) {
            let mut out = String::from("kept:");
            super::dns::write_name(&mut out, &name, &msg);
            prop_assert_eq!(out, format!("kept:{}", name.display(&msg)));
        }
    }
}

#[test]
fn test_write_name_escapes_and_root() {
    let msg = b"\x03a.b\x02\x00\xff\x00";
    let (name, _) = crate::dns::dns_name(msg).unwrap();
    let mut out = String::new();
    super::dns::write_name(&mut out, &name, msg);
    assert_eq!(out, "a\\046b.\\000\\255");
    let (root, _) = crate::dns::dns_name(b"\x00").unwrap();
    out.clear();
    super::dns::write_name(&mut out, &root, b"\x00");
    assert_eq!(out, "<Root>");
}

#[test]
fn test_segment_and_datagram_entry_points() {
    // What a caller that reassembled IP fragments hands on.
    let mut ex = Extractor::new(&Limits::default());
    let syn = TcpSegment {
        sport: 40000,
        dport: 8080,
        seq: 99,
        flags: 0x02,
        payload: &[],
        wire_len: 0,
    };
    ex.tcp_segment(&syn, true);
    let get = TcpSegment {
        seq: 100,
        flags: 0x18,
        payload: GET,
        wire_len: GET.len(),
        ..syn
    };
    ex.tcp_segment(&get, true);
    ex.dns_message(&dns_message("frag.example", &[[192, 0, 2, 9]], &[]));
    let meta = ex.finish();
    assert_eq!(meta.get(Key::HttpHost), ["www.example.com"]);
    assert_eq!(meta.get(Key::DnsQueryName), ["frag.example"]);
    assert_eq!(meta.get_by_name("dns.a"), ["192.0.2.9"]);
}
