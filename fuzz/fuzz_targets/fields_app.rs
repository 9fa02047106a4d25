//! The DNS and HTTP columns of `pcapdig fields` on arbitrary bytes: each
//! reader of `fields::dns` on the bytes as a DNS message, the header reader
//! of `fields::http` on them as an HTTP segment, and the whole `fields` run
//! on them as the payload of a raw-IPv4 UDP datagram to port 53 and a TCP
//! segment to port 80, cut at a snap length the input chooses. None may
//! panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{CaptureReader, LinkType, Precision, Timestamp};
use pcapdig::fields::text::Line;
use pcapdig::fields::{dns, http, parse_fields, write_fields};
use protocols::Registry;

const COLUMNS: &[&str] = &[
    "dns.flags.rcode",
    "dns.qry.name",
    "dns.qry.type",
    "dns.resp.name",
    "dns.resp.ttl",
    "dns.cname",
    "dns.a",
    "dns.aaaa",
    "http.request.method",
    "http.request.uri",
    "http.host",
    "http.user_agent",
    "http.server",
    "http.content_type",
    "http.response.code",
    "frame.protocols",
];

/// A raw IPv4 packet: `proto` to `port`, carrying `payload`.
fn ipv4(proto: u8, port: u16, payload: &[u8]) -> Vec<u8> {
    let l4_len = if proto == 17 { 8 } else { 20 };
    let total = (20 + l4_len + payload.len()).min(0xffff) as u16;
    let mut p = vec![0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    p[2..4].copy_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&40000u16.to_be_bytes());
    p.extend_from_slice(&port.to_be_bytes());
    if proto == 17 {
        p.extend_from_slice(&(total - 20).to_be_bytes());
        p.extend_from_slice(&[0, 0]);
    } else {
        p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    }
    p.extend_from_slice(payload);
    p
}

fuzz_target!(|data: &[u8]| {
    let mut out = Line::default();
    for names in [true, false] {
        dns::questions(&mut out, data, names);
    }
    dns::rcode(&mut out, data);
    dns::resp_names(&mut out, data);
    dns::resp_ttls(&mut out, data);
    dns::cnames(&mut out, data);
    dns::a(&mut out, data);
    dns::aaaa(&mut out, data);
    for header in ["host", "user-agent", "server", "content-type"] {
        http::write_header(&mut out, data, header);
    }
    assert!(std::str::from_utf8(out.as_bytes()).is_ok());

    let Some((&cut, payload)) = data.split_first() else {
        return;
    };
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    file.linktype(LinkType::RAW);
    for frame in [ipv4(17, 53, payload), ipv4(6, 80, payload)] {
        let caplen = frame.len().saturating_sub(usize::from(cut));
        file.record(Timestamp::new(0, 0), frame.len() as u32, &frame[..caplen]);
    }
    let Ok(reader) = CaptureReader::from_bytes(file.build(), "fuzz.pcap") else {
        return;
    };
    let names: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    let columns = parse_fields(&names).expect("known columns");
    let mut text = Vec::new();
    let _ = write_fields(reader, &columns, None, &Registry::new(), &mut text);
    assert!(std::str::from_utf8(&text).is_ok());
});
