//! Unit tests of the DNS and HTTP columns on packets built in code. Every
//! expected line is what tshark 4.0.17 printed for the same packet (with
//! `-T fields -E occurrence=a -E aggregator=,`).

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{CaptureReader, Precision, Timestamp};

use super::tests::{eth, ipv4, tcp, udp};
use super::*;

/// Runs `fields` on a pcap of `(frame, captured bytes)` records: a frame
/// is cut to its captured length, as by a snap length.
fn fields_cut(frames: &[(Vec<u8>, usize)], names: &[&str]) -> Vec<String> {
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    for (i, (f, caplen)) in frames.iter().enumerate() {
        let ts = Timestamp::new(1_700_000_000, i as u32 * 1000);
        file.record(ts, f.len() as u32, &f[..(*caplen).min(f.len())]);
    }
    let reader = CaptureReader::from_bytes(file.build(), "test.pcap").expect("reader");
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let fields = parse_fields(&names).expect("fields");
    let mut out = Vec::new();
    write_fields(reader, &fields, None, &Registry::new(), &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf8");
    text.lines().skip(1).map(str::to_string).collect()
}

fn fields_whole(frames: &[Vec<u8>], names: &[&str]) -> Vec<String> {
    let cut: Vec<(Vec<u8>, usize)> = frames.iter().map(|f| (f.clone(), f.len())).collect();
    fields_cut(&cut, names)
}

/// A name in wire form, from dotted text (`""` is the root).
fn name(dotted: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in dotted.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// A pointer to the first question's name.
const QNAME: &[u8] = &[0xc0, 12];

fn rr(owner: &[u8], rtype: u16, class: u16, ttl: u32, rdata: &[u8]) -> Vec<u8> {
    let mut r = owner.to_vec();
    r.extend_from_slice(&rtype.to_be_bytes());
    r.extend_from_slice(&class.to_be_bytes());
    r.extend_from_slice(&ttl.to_be_bytes());
    r.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    r.extend_from_slice(rdata);
    r
}

/// A message asking `a.com` A IN, with `answers` and `additional` records.
fn dns(flags: u16, answers: &[Vec<u8>], additional: &[Vec<u8>]) -> Vec<u8> {
    let mut m = vec![0, 1];
    m.extend_from_slice(&flags.to_be_bytes());
    for count in [1, answers.len(), 0, additional.len()] {
        m.extend_from_slice(&(count as u16).to_be_bytes());
    }
    m.extend_from_slice(&name("a.com"));
    m.extend_from_slice(&[0, 1, 0, 1]);
    for r in answers.iter().chain(additional) {
        m.extend_from_slice(r);
    }
    m
}

fn over_udp(msg: &[u8]) -> Vec<u8> {
    eth(
        0x0800,
        &ipv4(17, [10, 0, 0, 2], [10, 0, 0, 1], &udp(53, 4000, msg)),
    )
}

const DNS_COLUMNS: &[&str] = &[
    "dns.flags.rcode",
    "dns.qry.name",
    "dns.resp.name",
    "dns.resp.ttl",
    "dns.cname",
    "dns.aaaa",
    "dns.a",
];

const V6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V4_MAPPED: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4];

#[test]
fn dns_records_in_wire_order() {
    let chain = dns(
        0x8180,
        &[
            rr(QNAME, 5, 1, 300, b"\x01b\xc0\x0c"),
            rr(b"\x01b\xc0\x0c", 28, 1, u32::MAX, &V6),
            rr(&name("x.com"), 28, 1, 5, &V4_MAPPED),
        ],
        &[],
    );
    // OPT: the root's name, no TTL (it holds EDNS flags).
    let opt = dns(
        0x8180,
        &[rr(QNAME, 1, 1, 1, &[1, 2, 3, 4])],
        &[rr(&name(""), 41, 4096, 0x8000, &[])],
    );
    let query = dns(0x0100, &[], &[]);
    let nxdomain = dns(0x8183, &[], &[]);
    // SRV: the owner name is split into dns.srv.* instead.
    let srv = dns(
        0x8180,
        &[rr(
            &name("_s._p.a.b"),
            33,
            1,
            9,
            b"\0\x01\0\x02\0\x16\x01t\0",
        )],
        &[],
    );
    let frames: Vec<Vec<u8>> = [chain, opt, query, nxdomain, srv]
        .iter()
        .map(|m| over_udp(m))
        .collect();
    assert_eq!(
        fields_whole(&frames, DNS_COLUMNS),
        [
            "0\ta.com\ta.com,b.a.com,x.com\t300,4294967295,5\tb.a.com\t2001:db8::1,::ffff:1.2.3.4\t",
            "0\ta.com\ta.com,<Root>\t1\t\t\t1.2.3.4",
            "\ta.com\t\t\t\t\t",
            "3\ta.com\t\t\t\t\t",
            "0\ta.com\t\t9\t\t\t",
        ]
    );
}

#[test]
fn dns_cut_records_are_not_shown() {
    let two = dns(
        0x8180,
        &[
            rr(QNAME, 5, 1, 7, b"\x03a\x01b\x00"),
            rr(QNAME, 1, 1, 9, &[1, 2, 3, 4]),
        ],
        &[],
    );
    let aaaa = dns(0x8180, &[rr(QNAME, 28, 1, 7, &V6)], &[]);
    // RDATA shorter than an address: the record without its address;
    // longer: the first 16 bytes.
    let short = dns(0x8180, &[rr(QNAME, 28, 1, 7, &V6[..8])], &[]);
    let mut long_rdata = V6.to_vec();
    long_rdata.extend_from_slice(b"xx");
    let long = dns(0x8180, &[rr(QNAME, 28, 1, 7, &long_rdata)], &[]);
    // A CNAME whose target points out of the message: the record stays.
    let bad_target = dns(0x8180, &[rr(QNAME, 5, 1, 1, &[0xc0, 0x2a])], &[]);
    let frames: Vec<(Vec<u8>, usize)> = [
        (&two[..two.len() - 3], 0),
        (&aaaa[..aaaa.len() - 5], 0),
        (&short[..], 0),
        (&long[..], 0),
        (&bad_target[..], 0),
    ]
    .iter()
    .map(|(m, _)| {
        let f = over_udp(m);
        let n = f.len();
        (f, n)
    })
    .collect();
    assert_eq!(
        fields_cut(&frames, DNS_COLUMNS),
        [
            "0\ta.com\ta.com\t7\ta\\001b\t\t",
            "0\ta.com\t\t\t\t\t",
            "0\ta.com\ta.com\t7\t\t\t",
            "0\ta.com\ta.com\t7\t\t2001:db8::1\t",
            "0\ta.com\ta.com\t1\t\t\t",
        ]
    );
}

#[test]
fn dns_names_are_format_text() {
    let odd = [1u8, 9, 0x7f, 0x80, 0xff, b'.', b'\\', b' '];
    let mut target = vec![odd.len() as u8];
    target.extend_from_slice(&odd);
    target.push(0);
    let mut utf8 = "café".as_bytes().to_vec();
    utf8.extend_from_slice(b"\x00z");
    utf8.extend_from_slice("日".as_bytes());
    utf8.extend_from_slice(b"\xe6\x97");
    let mut target2 = vec![utf8.len() as u8];
    target2.extend_from_slice(&utf8);
    target2.push(0);
    let frames = [
        over_udp(&dns(0x8180, &[rr(QNAME, 5, 1, 1, &target)], &[])),
        over_udp(&dns(0x8180, &[rr(QNAME, 5, 1, 1, &target2)], &[])),
    ];
    assert_eq!(
        fields_whole(&frames, &["dns.cname"]),
        ["\\001\\t\\177\u{fffd}\u{fffd}.\\ ", "café\\000z日\u{fffd}"]
    );
}

#[test]
fn dns_question_cut_inside_its_class_is_not_shown() {
    // From wlanmon.pcap cut at 96 bytes: name and type captured, one byte
    // of the class.
    let query = over_udp(&dns(0x0100, &[], &[]));
    let frames = [
        (query.clone(), query.len() - 1),
        (query.clone(), query.len()),
    ];
    assert_eq!(
        fields_cut(&frames, &["dns.qry.name", "dns.qry.type"]),
        ["\t", "a.com\t1"]
    );
}

fn http(to_server: bool, port: u16, payload: &[u8]) -> Vec<u8> {
    let seg = if to_server {
        tcp(port, 80, 0x18, payload)
    } else {
        tcp(80, port, 0x18, payload)
    };
    eth(0x0800, &ipv4(6, [10, 0, 0, 1], [10, 0, 0, 2], &seg))
}

const HTTP_COLUMNS: &[&str] = &[
    "http.request.method",
    "http.request.uri",
    "http.host",
    "http.user_agent",
    "http.server",
    "http.content_type",
    "http.response.code",
];

#[test]
fn http_header_columns() {
    let frames = [
        http(
            true,
            40000,
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nUser-Agent: x1 \r\nUser-Agent:  x2\r\nContent-Type: text/a\r\nServer: s1\r\n\r\n",
        ),
        http(
            false,
            40001,
            b"HTTP/1.1 200 OK\r\nHost: a\r\nServer: s1\r\nServer: s2\r\nUser-Agent: u\r\nContent-Type: c1\r\nContent-Type: c2\r\n\r\n",
        ),
        http(
            true,
            40002,
            b"POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b",
        ),
        // ASCII strings: bytes above 0x7f are U+FFFD, a tab is escaped.
        http(
            true,
            40003,
            b"GET /\x80\x01\\ HTTP/1.1\r\nHost: h\x80\\\r\nUser-Agent:\tq\t\r\n\r\n",
        ),
    ];
    assert_eq!(
        fields_whole(&frames, HTTP_COLUMNS),
        [
            "GET\t/\ta,b\tx1 ,x2\ts1\ttext/a\t",
            "\t\ta\tu\ts1,s2\tc1,c2\t200",
            "POST\t/\t\t\t\tapplication/x-www-form-urlencoded\t",
            "GET\t/\u{fffd}\u{1}\\\th\u{fffd}\\\tq\\t\t\t\t",
        ]
    );
}

#[test]
fn http_cut_by_the_snap_length() {
    // Captured up to inside the Host value; up to a CR of the request line.
    let host = http(
        true,
        40000,
        b"GET /x HTTP/1.1\r\nUser-Agent: curl\r\nHost: example.com\r\n\r\n",
    );
    let cut_host = host.len() - 9;
    let line = http(true, 40001, b"GET /bad.html\r\nHost: h\r\n\r\n");
    let cut_line = line.len() - 12;
    assert_eq!(
        fields_cut(
            &[(host, cut_host), (line, cut_line)],
            &["http.request.uri", "http.host", "http.user_agent"]
        ),
        ["/x\texampl\tcurl", "/bad.html\t\t"]
    );
}

#[test]
fn tcp_cut_before_its_window_shows_only_the_ports() {
    let seg = http(true, 40000, b"GET / HTTP/1.1\r\n\r\n");
    // Ethernet 14 + IPv4 20, then 12..=16 bytes of the TCP header.
    let frames: Vec<(Vec<u8>, usize)> = (12..=16).map(|n| (seg.clone(), 34 + n)).collect();
    let out = fields_cut(
        &frames,
        &[
            "tcp.srcport",
            "tcp.seq_raw",
            "tcp.ack_raw",
            "tcp.hdr_len",
            "tcp.flags",
            "tcp.len",
        ],
    );
    assert_eq!(
        out,
        [
            "40000\t\t\t\t\t",
            "40000\t\t\t\t\t",
            "40000\t\t\t\t\t",
            "40000\t\t\t\t\t",
            "40000\t1000\t2000\t20\t0x0018\t18",
        ]
    );
}
