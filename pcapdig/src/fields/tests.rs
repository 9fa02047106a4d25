//! Unit tests of the formatting, on packets built in code.

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{CaptureReader, Precision, Timestamp};

use super::*;

pub(super) fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![
        0xfe, 0xff, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    ];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

pub(super) fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0x00, 64, proto, 0, 0];
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(payload);
    h
}

pub(super) fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(payload);
    h
}

pub(super) fn tcp(sport: u16, dport: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&1000u32.to_be_bytes());
    h.extend_from_slice(&2000u32.to_be_bytes());
    h.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    h.extend_from_slice(payload);
    h
}

/// A DNS response for example.com with two A records (the name of the
/// answers is a compression pointer to the question).
fn dns_response() -> Vec<u8> {
    let mut m = vec![0xbe, 0xef, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0];
    m.extend_from_slice(b"\x07example\x03com\x00\x00\x01\x00\x01");
    for last in [1u8, 2] {
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, last]);
    }
    m
}

/// Runs `fields` on one-record-per-frame pcap built from `frames`.
fn fields_of(frames: &[Vec<u8>], names: &[&str]) -> String {
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    for (i, f) in frames.iter().enumerate() {
        file.record(
            Timestamp::new(1_084_443_427, 311_224_000 + i as u32 * 1000),
            f.len() as u32,
            f,
        );
    }
    let reader = CaptureReader::from_bytes(file.build(), "test.pcap").expect("reader");
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let fields = parse_fields(&names).expect("fields");
    let mut out = Vec::new();
    write_fields(reader, &fields, None, &Registry::new(), &mut out).expect("write");
    String::from_utf8(out).expect("utf8")
}

#[test]
fn frame_and_link_fields() {
    let f = eth(
        0x0800,
        &ipv4(6, [10, 0, 0, 1], [10, 0, 0, 2], &tcp(1234, 80, 0x12, &[])),
    );
    let out = fields_of(
        &[f],
        &[
            "frame.number",
            "frame.time_epoch",
            "frame.len",
            "frame.cap_len",
            "eth.src",
            "eth.dst",
            "eth.type",
        ],
    );
    assert_eq!(
        out,
        "frame.number\tframe.time_epoch\tframe.len\tframe.cap_len\teth.src\teth.dst\teth.type\n\
         1\t1084443427.311224000\t54\t54\t00:00:01:00:00:00\tfe:ff:20:00:01:00\t0x0800\n"
    );
}

#[test]
fn ip_and_tcp_fields() {
    let f = eth(
        0x0800,
        &ipv4(
            6,
            [10, 0, 0, 1],
            [10, 0, 0, 2],
            &tcp(1234, 80, 0x12, b"xyz"),
        ),
    );
    let out = fields_of(
        &[f],
        &[
            "ip.src",
            "ip.dst",
            "ip.proto",
            "ip.hdr_len",
            "ip.ttl",
            "ip.flags.mf",
            "ip.frag_offset",
            "tcp.srcport",
            "tcp.dstport",
            "tcp.seq_raw",
            "tcp.ack_raw",
            "tcp.flags",
            "tcp.hdr_len",
            "tcp.len",
            "udp.srcport",
            "communityid",
        ],
    );
    let row = out.lines().nth(1).expect("row");
    let cells: Vec<&str> = row.split('\t').collect();
    assert_eq!(
        &cells[..15],
        [
            "10.0.0.1", "10.0.0.2", "6", "20", "64", "0", "0", "1234", "80", "1000", "2000",
            "0x0012", "20", "3", ""
        ]
    );
    assert!(
        cells[15].starts_with("1:") && cells[15].ends_with('='),
        "{row}"
    );
}

#[test]
fn vlan_stack_and_s_tag() {
    // 802.1ad S-tag 100, then C-tags 20 and 10, then ARP.
    let mut p = vec![
        0x00, 100, 0x81, 0x00, 0x00, 20, 0x81, 0x00, 0x00, 10, 0x08, 0x06,
    ];
    p.extend_from_slice(&[0; 28]);
    let out = fields_of(
        &[eth(0x88a8, &p)],
        &[
            "eth.type",
            "vlan.id",
            "ieee8021ad.id",
            "ip.src",
            "communityid",
        ],
    );
    assert_eq!(out.lines().nth(1), Some("0x88a8\t20,10\t100\t\t"));
}

#[test]
fn icmp_error_quotes_give_several_occurrences() {
    let quoted = ipv4(
        17,
        [10, 0, 0, 2],
        [10, 0, 0, 1],
        &udp(53, 4000, &dns_response()),
    );
    let mut icmp = vec![3, 3, 0, 0, 0, 0, 0, 0];
    icmp.extend_from_slice(&quoted);
    let f = eth(0x0800, &ipv4(1, [10, 0, 0, 1], [10, 0, 0, 2], &icmp));
    let out = fields_of(
        &[f],
        &[
            "ip.src",
            "ip.proto",
            "udp.srcport",
            "dns.id",
            "dns.qry.name",
        ],
    );
    assert_eq!(
        out.lines().nth(1),
        Some("10.0.0.1,10.0.0.2\t1,17\t53\t0xbeef\texample.com")
    );
}

#[test]
fn dns_fields() {
    let f = eth(
        0x0800,
        &ipv4(
            17,
            [10, 0, 0, 2],
            [10, 0, 0, 1],
            &udp(53, 4000, &dns_response()),
        ),
    );
    let out = fields_of(
        &[f],
        &[
            "dns.id",
            "dns.flags.response",
            "dns.qry.name",
            "dns.qry.type",
            "dns.a",
            "dns.count.answers",
            "udp.length",
        ],
    );
    assert_eq!(
        out.lines().nth(1),
        Some("0xbeef\t1\texample.com\t1\t93.184.216.1,93.184.216.2\t2\t69")
    );
}

#[test]
fn dns_compression_loop_is_not_a_name() {
    let mut m = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let f = eth(
        0x0800,
        &ipv4(17, [10, 0, 0, 2], [10, 0, 0, 1], &udp(4000, 53, &m)),
    );
    let out = fields_of(&[f], &["dns.id", "dns.qry.name", "dns.qry.type"]);
    assert_eq!(out.lines().nth(1), Some("0x0001\t\t"));
}

#[test]
fn http_request_and_response() {
    let req = b"GET /index.html HTTP/1.1\r\nUser-Agent: x\r\nHost: example.com\r\n\r\n";
    let resp = b"HTTP/1.1 404 Not Found\r\n\r\n";
    let a = eth(
        0x0800,
        &ipv4(6, [10, 0, 0, 1], [10, 0, 0, 2], &tcp(1234, 80, 0x18, req)),
    );
    let b = eth(
        0x0800,
        &ipv4(6, [10, 0, 0, 2], [10, 0, 0, 1], &tcp(80, 1234, 0x18, resp)),
    );
    let out = fields_of(
        &[a, b],
        &[
            "http.request.method",
            "http.request.uri",
            "http.host",
            "http.response.code",
        ],
    );
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows, ["GET\t/index.html\texample.com\t", "\t\t\t404"]);
}

#[test]
fn truncated_ip_keeps_what_was_captured() {
    // 6 bytes of an IPv4 header: tshark shows ip.hdr_len only.
    let f = eth(0x0800, &[0x45, 0, 0, 40, 0, 0]);
    let out = fields_of(
        &[f],
        &[
            "eth.type",
            "ip.hdr_len",
            "ip.ttl",
            "ip.src",
            "frame.protocols",
        ],
    );
    assert_eq!(out.lines().nth(1), Some("0x0800\t20\t\t\teth:ethertype:ip"));
}

#[test]
fn frame_only_fields_walk_nothing() {
    use pcap_core::filter::Needs;
    use protocols::Depth;
    use protocols::eth::Ethernet;
    use protocols::ipv4::Ipv4;
    assert!(config::config_for(&[Field::FrameNumber, Field::FrameLen], None).is_none());
    let c = config::config_for(&[Field::FrameNumber], Some(Needs::PORTS)).expect("filter");
    assert_eq!(c.stop_after, Depth::Transport);
    let c = config::config_for(&[Field::EthSrc, Field::VlanId], None).expect("link");
    assert_eq!(c.stop_after, Depth::Link);
    assert_eq!(c.eth, Ethernet::UNPACK_SRC);
    assert_eq!(c.ipv4, Ipv4::NONE);
    let c = config::config_for(&[Field::IpTtl], None).expect("ip");
    assert_eq!(c.ipv4, Ipv4::UNPACK_TTL);
    assert!(c.icmp_quotes && !c.http);
    let c = config::config_for(&[Field::DnsA], None).expect("dns");
    assert_eq!(c.stop_after, Depth::Application);
    // With no walk, a frame of garbage is still listed.
    let out = fields_of(&[vec![0xff; 3]], &["frame.number", "frame.cap_len"]);
    assert_eq!(out, "frame.number\tframe.cap_len\n1\t3\n");
}

#[test]
fn unknown_field_is_a_clear_error() {
    let err = parse_fields(&["tcp.bogus".to_string()]).unwrap_err();
    assert!(
        err.contains("tcp.bogus") && err.contains("frame.number") && err.contains("communityid")
    );
}

#[test]
fn every_spec_name_is_supported() {
    for n in FIELD_NAMES {
        let f = Field::from_name(n).expect("known");
        assert_eq!(f.name(), *n);
    }
    assert_eq!(FIELD_NAMES.len(), 49);
}

#[test]
fn arbitrary_bytes_do_not_panic() {
    let mut seed = 0x1234_5678_u64;
    let mut frames = Vec::new();
    for len in 0..300usize {
        let mut f = eth(if len % 2 == 0 { 0x0800 } else { 0x86dd }, &[]);
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            f.push((seed >> 33) as u8);
        }
        if len > 20 {
            f[14] = if len % 2 == 0 { 0x45 } else { 0x60 };
        }
        frames.push(f);
    }
    let all: Vec<&str> = FIELD_NAMES.to_vec();
    let out = fields_of(&frames, &all);
    assert_eq!(out.lines().count(), 301);
    let fields: Vec<Field> = FIELD_NAMES
        .iter()
        .filter_map(|n| Field::from_name(n))
        .collect();
    let dissector = protocols::Dissector::new(config::config_for(&fields, None).expect("config"));
    let frame = format::Frame {
        number: 1,
        ts: None,
        len: 0,
        caplen: 0,
    };
    let mut line = text::Line::with_capacity(0);
    for lt in [0u16, 101, 108, 113, 228, 229, 276] {
        for f in &frames {
            let d = dissector.dissect(protocols::LinkType(lt), f);
            let p = packet::Packet::new(&d);
            for field in &fields {
                format::write_field(&mut line, *field, &frame, Some(&p));
            }
        }
    }
    // Whatever the bytes, the text written is UTF-8.
    assert!(std::str::from_utf8(line.as_bytes()).is_ok());
}

/// Runs `fields` with a `--filter` on one-record-per-frame pcap.
fn filtered(frames: &[Vec<u8>], filter: &str) -> String {
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    for f in frames {
        file.record(Timestamp::new(1_084_443_427, 0), f.len() as u32, f);
    }
    let reader = CaptureReader::from_bytes(file.build(), "test.pcap").expect("reader");
    let fields = parse_fields(&["frame.number".to_owned()]).expect("fields");
    let filter = Filter::parse(filter).expect("filter");
    let mut out = Vec::new();
    write_fields(reader, &fields, Some(&filter), &Registry::new(), &mut out).expect("write");
    String::from_utf8(out)
        .expect("utf8")
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn filters_read_the_frame_bytes() {
    let a = [10, 0, 0, 1];
    let b = [10, 0, 0, 2];
    let frames = vec![
        eth(0x0800, &ipv4(6, a, b, &tcp(40000, 80, 0x02, b""))), // SYN
        eth(0x0800, &ipv4(6, b, a, &tcp(80, 40000, 0x12, b""))), // SYN-ACK
        eth(0x0800, &ipv4(6, a, b, &tcp(40000, 80, 0x10, b"hi"))), // ACK
        eth(0x0800, &ipv4(17, a, b, &udp(5353, 53, b"x"))),
        eth(0x0806, &[0; 28]), // ARP
    ];
    assert_eq!(filtered(&frames, "tcp[13] & 2 != 0"), "1,2");
    assert_eq!(
        filtered(&frames, "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn"),
        "1"
    );
    assert_eq!(filtered(&frames, "arp"), "5");
    assert_eq!(filtered(&frames, "ip[9] = 17 or arp"), "4,5");
    assert_eq!(filtered(&frames, "greater 55 and tcp"), "3");
    assert_eq!(
        filtered(&frames, "ether src 00:00:01:00:00:00 and port domain"),
        "4"
    );
    assert_eq!(
        filtered(&frames, "host 10.0.0.2 or host 10.0.0.9 and udp"),
        "4"
    );
}
