//! One dissected packet as `pcapdig fields` reads it: the
//! [`Dissection`] and the few tshark behaviours that are about printing
//! rather than dissecting: the fields of an IPv4 header cut short and the
//! `frame.protocols` list.

use pcap_core::EtherType;
use protocols::dissect::LinkType;
use protocols::http;
use protocols::{Dissection, LayerKind};

use super::text::Line;

/// A dissected packet and what the fields read besides it.
#[derive(Debug)]
pub struct Packet<'d, 'a> {
    /// The dissection.
    pub d: &'d Dissection<'a>,
    /// An IPv4 header the dissector stopped at (cut short by the capture,
    /// or with a header length below 20): its captured bytes, up to its
    /// header length (only the first byte when that length is impossible).
    /// tshark still shows the fields that fit.
    pub cut_ipv4: Option<&'a [u8]>,
}

impl<'d, 'a> Packet<'d, 'a> {
    /// Reads `d`.
    pub fn new(d: &'d Dissection<'a>) -> Self {
        Packet {
            d,
            cut_ipv4: cut_ipv4(d),
        }
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn cut_ipv4<'a>(d: &Dissection<'a>) -> Option<&'a [u8]> {
    let e = d.error.as_ref().filter(|e| e.layer == LayerKind::Ipv4)?;
    let b = d.data.get(e.offset..)?;
    let &b0 = b.first()?;
    // A raw-IP record whose version is neither 4 nor 6 is not IPv4.
    if b0 >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(b0 & 0x0f) * 4;
    let keep = if ihl < 20 { 1 } else { ihl.min(b.len()) };
    b.get(..keep)
}

/// What tshark's `frame.protocols` lists after `http` for this segment:
/// `data` for a segment that does not start an HTTP message, the body's
/// media dissector when the head is followed by a body, nothing otherwise.
/// The head is read by `protocols::http`, as the dissector reads it.
fn http_body_proto(payload: &[u8]) -> Option<&'static str> {
    if http::start_line(payload).is_err() {
        return Some("data");
    }
    let msg = http::HttpMessage::parse(payload).ok()?;
    if !msg.headers.complete || msg.head_len() >= payload.len() {
        return None;
    }
    Some(match msg.headers.get("content-type") {
        Some(t) if t.len() >= 5 && t[..5].eq_ignore_ascii_case(b"text/") => "data-text-lines",
        Some(t) if t.starts_with(b"image/png") => "png",
        Some(t) if t.starts_with(b"application/x-www-form-urlencoded") => "urlencoded-form",
        _ => "media",
    })
}

/// Writes tshark's `frame.protocols` for the packet: the layers walked,
/// with tshark's `ethertype`, `llc`, `raw`, `arp` and `data` pseudo-layers
/// where it would name them (best effort: tshark names every application
/// protocol it knows).
pub fn write_protocols(out: &mut Line, p: &Packet<'_, '_>) {
    let d = p.d;
    let mut first = true;
    let mut push = |out: &mut Line, name: &str| {
        if !first {
            out.push(':');
        }
        first = false;
        out.push_str(name);
    };
    if d.link_type == LinkType::RAW {
        push(out, "raw");
    }
    let n = d.layers.len();
    for (i, l) in d.layers.iter().enumerate() {
        let bytes = d.data.get(l.offset..).unwrap_or(&[]);
        let last = i + 1 == n;
        match l.kind {
            LayerKind::Ethernet
            | LayerKind::Vlan
            | LayerKind::QinQ
            | LayerKind::Sll
            | LayerKind::Sll2 => {
                push(out, l.kind.name());
                let at = match l.kind {
                    LayerKind::Ethernet => 12,
                    LayerKind::Sll => 14,
                    LayerKind::Sll2 => 0,
                    _ => 2,
                };
                let t = be16(bytes, at);
                match t {
                    Some(t) if EtherType(t).is_length() => push(out, "llc"),
                    Some(t) => {
                        push(out, "ethertype");
                        if last && t == 0x0806 {
                            push(out, "arp");
                        }
                    }
                    None => {}
                }
            }
            LayerKind::Dns => {
                // mDNS and LLMNR are DNS on other UDP ports.
                let ports = i
                    .checked_sub(1)
                    .and_then(|j| d.layers.get(j))
                    .filter(|u| u.kind == LayerKind::Udp)
                    .and_then(|u| {
                        let b = d.data.get(u.offset..)?;
                        Some([be16(b, 0)?, be16(b, 2)?])
                    });
                let name = match ports {
                    Some(p) if p.contains(&5353) => "mdns",
                    Some(p) if p.contains(&5355) => "llmnr",
                    _ => "dns",
                };
                push(out, name);
            }
            LayerKind::Http => {
                push(out, "http");
                // The walk leaves the segment's data as the payload.
                if let Some(body) = http_body_proto(d.payload) {
                    push(out, body);
                }
            }
            LayerKind::User(_) | LayerKind::Link(_) => push(out, l.kind.name()),
            kind => {
                push(out, kind.name());
                if last {
                    after_last(out, &mut push, d, l.kind, l.quoted, bytes);
                }
            }
        }
    }
    // tshark names a layer cut short; the dissector stopped there.
    if let Some(e) = &d.error {
        let named = match e.layer {
            LayerKind::Ipv4 => p.cut_ipv4.is_some(),
            LayerKind::Link(_) => false,
            layer => d.layers.last().is_none_or(|l| l.kind != layer),
        };
        if named {
            push(out, e.layer.name());
        }
    }
}

/// Writes the pseudo-layers tshark names after the last layer walked.
fn after_last(
    out: &mut Line,
    push: &mut impl FnMut(&mut Line, &str),
    d: &Dissection<'_>,
    kind: LayerKind,
    quoted: bool,
    bytes: &[u8],
) {
    let data = !d.payload.is_empty();
    let name = match kind {
        LayerKind::Ipv4 => {
            let (Some(frag), Some(&proto)) = (be16(bytes, 6), bytes.get(9)) else {
                return;
            };
            if frag & 0x1fff != 0 {
                Some("data")
            } else {
                match proto {
                    2 => Some("igmp"),
                    6 | 17 | 1 | 132 | 4 | 41 | 59 => None,
                    _ => data.then_some("data"),
                }
            }
        }
        // A non-first fragment: what follows is not a header.
        LayerKind::Ipv6Ext(44) => be16(bytes, 2).filter(|v| v >> 3 != 0).map(|_| "data"),
        LayerKind::Tcp if quoted || d.error.is_some() || !data => None,
        LayerKind::Tcp => {
            let (Some(sport), Some(dport)) = (be16(bytes, 0), be16(bytes, 2)) else {
                return;
            };
            if http::is_tshark_tcp_port(sport) || http::is_tshark_tcp_port(dport) {
                push(out, "http");
                http_body_proto(d.payload)
            } else {
                Some("data")
            }
        }
        LayerKind::Udp => data.then_some("data"),
        LayerKind::Icmp => (d.payload.len() > 4).then_some("data"),
        LayerKind::Icmpv6 => {
            let ty = bytes.first().copied().unwrap_or(0);
            (matches!(ty, 128 | 129) && d.payload.len() > 4).then_some("data")
        }
        _ => None,
    };
    if let Some(name) = name {
        push(out, name);
    }
}

#[cfg(test)]
mod tests {
    use protocols::{Config, Dissector};

    use super::*;

    /// `frame.protocols` of a raw-IPv4 TCP segment to `dport` carrying `payload`.
    fn protocols_of(dport: u16, payload: &[u8]) -> String {
        let f = pcap_core::capture::synth::raw_ipv4_tcp(dport, payload);
        let d = Dissector::new(Config::all()).dissect(LinkType::RAW, &f);
        let mut out = Line::default();
        write_protocols(&mut out, &Packet::new(&d));
        out.to_text()
    }

    /// What tshark 4.0.17 printed for the same segments (Ethernet-framed).
    #[test]
    fn test_http_ports_and_methods_are_tshark_s() {
        let get = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(protocols_of(80, get), "raw:ip:tcp:http");
        // DAAP's port, which tshark gives to HTTP.
        assert_eq!(protocols_of(3689, get), "raw:ip:tcp:http");
        assert_eq!(
            protocols_of(3689, b"more body bytes"),
            "raw:ip:tcp:http:data"
        );
        assert_eq!(protocols_of(5000, get), "raw:ip:tcp:data");
        // A method tshark knows: a message start, so no `data` after `http`.
        let mpost = b"M-POST /x HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(protocols_of(80, mpost), "raw:ip:tcp:http");
        // A head with bare LF line ends still hands its body on.
        let lf = b"HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 5\n\nhello";
        assert_eq!(protocols_of(80, lf), "raw:ip:tcp:http:data-text-lines");
        let crlf = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        assert_eq!(protocols_of(80, crlf), "raw:ip:tcp:http:png");
    }
}
