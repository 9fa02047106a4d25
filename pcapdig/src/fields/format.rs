//! Field names and their tshark 4.0 text, written into a reused buffer.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use pcap_core::EtherType;
use pcap_core::capture::Timestamp;
use protocols::eth::{Ethernet, EthernetView};
use protocols::ipv4::{Ipv4, source_route_final_dst};
use protocols::{Dissection, LayerKind, Stack};

use super::packet::Packet;
use super::text::{Line, Text, push_ascii_field};
use super::{dns, http};

macro_rules! fields {
    ($($var:ident = $name:literal;)*) => {
        /// A field `pcapdig fields` can print.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Field {
            $(
                #[doc = concat!("`", $name, "`")]
                $var,
            )*
        }

        /// Every supported field name, in the order of the spec.
        pub const FIELD_NAMES: &[&str] = &[$($name),*];

        impl Field {
            /// The field for a tshark name.
            pub fn from_name(name: &str) -> Option<Field> {
                match name {
                    $($name => Some(Field::$var),)*
                    _ => None,
                }
            }

            /// The tshark name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Field::$var => $name,)*
                }
            }
        }
    };
}

fields! {
    FrameNumber = "frame.number";
    FrameTimeEpoch = "frame.time_epoch";
    FrameLen = "frame.len";
    FrameCapLen = "frame.cap_len";
    EthSrc = "eth.src";
    EthDst = "eth.dst";
    EthType = "eth.type";
    VlanId = "vlan.id";
    IpSrc = "ip.src";
    IpDst = "ip.dst";
    IpProto = "ip.proto";
    IpHdrLen = "ip.hdr_len";
    IpTtl = "ip.ttl";
    IpFlagsMf = "ip.flags.mf";
    IpFragOffset = "ip.frag_offset";
    Ipv6Src = "ipv6.src";
    Ipv6Dst = "ipv6.dst";
    Ipv6Nxt = "ipv6.nxt";
    TcpSrcPort = "tcp.srcport";
    TcpDstPort = "tcp.dstport";
    TcpSeqRaw = "tcp.seq_raw";
    TcpAckRaw = "tcp.ack_raw";
    TcpFlags = "tcp.flags";
    TcpHdrLen = "tcp.hdr_len";
    TcpLen = "tcp.len";
    UdpSrcPort = "udp.srcport";
    UdpDstPort = "udp.dstport";
    UdpLength = "udp.length";
    DnsId = "dns.id";
    DnsFlagsResponse = "dns.flags.response";
    DnsQryName = "dns.qry.name";
    DnsQryType = "dns.qry.type";
    DnsA = "dns.a";
    DnsCountAnswers = "dns.count.answers";
    HttpRequestMethod = "http.request.method";
    HttpRequestUri = "http.request.uri";
    HttpHost = "http.host";
    HttpResponseCode = "http.response.code";
    CommunityId = "communityid";
    Ieee8021adId = "ieee8021ad.id";
    FrameProtocols = "frame.protocols";
    HttpUserAgent = "http.user_agent";
    HttpServer = "http.server";
    HttpContentType = "http.content_type";
    DnsFlagsRcode = "dns.flags.rcode";
    DnsRespName = "dns.resp.name";
    DnsRespTtl = "dns.resp.ttl";
    DnsCname = "dns.cname";
    DnsAaaa = "dns.aaaa";
}

/// Record-level values (`frame.*`).
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// 1-based record number.
    pub number: u64,
    /// Capture time (`None` for a pcapng Simple Packet Block).
    pub ts: Option<Timestamp>,
    /// Original length.
    pub len: u32,
    /// Captured length.
    pub caplen: u32,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Writes each occurrence's value (`f` returns false when absent), commas
/// between.
fn each<'a, T: 'a>(
    out: &mut Line,
    items: impl IntoIterator<Item = &'a T>,
    mut f: impl FnMut(&mut Line, &'a T) -> bool,
) {
    let mut first = true;
    for item in items {
        let mark = out.len();
        if !first {
            out.push(',');
        }
        if f(out, item) {
            first = false;
        } else {
            out.truncate(mark);
        }
    }
}

fn v4(out: &mut Line, b: &[u8], at: usize) -> bool {
    match b.get(at..at + 4) {
        Some(s) => {
            Ipv4Addr::new(s[0], s[1], s[2], s[3]).push_to(out);
            true
        }
        None => false,
    }
}

fn num(out: &mut Line, v: Option<impl Text>) -> bool {
    match v {
        Some(v) => {
            v.push_to(out);
            true
        }
        None => false,
    }
}

/// One occurrence of IPv4: a parsed header, or the bytes of one the
/// dissector found cut short (tshark shows the fields that fit).
#[derive(Clone, Copy)]
enum V4<'h, 'a> {
    Parsed(&'h Ipv4<'a>),
    Cut(&'a [u8]),
}

/// Writes one value per IPv4 occurrence: `parsed` reads a parsed header,
/// `cut` the bytes of a cut one.
fn ipv4_each(
    out: &mut Line,
    p: &Packet<'_, '_>,
    mut parsed: impl FnMut(&mut Line, &Ipv4<'_>) -> bool,
    mut cut: impl FnMut(&mut Line, &[u8]) -> bool,
) {
    let hits = p.d.ipv4.iter().map(|h| V4::Parsed(&h.header));
    let items = hits.chain(p.cut_ipv4.map(V4::Cut));
    let mut first = true;
    for item in items {
        let mark = out.len();
        if !first {
            out.push(',');
        }
        let ok = match item {
            V4::Parsed(h) => parsed(out, h),
            V4::Cut(b) => cut(out, b),
        };
        if ok {
            first = false;
        } else {
            out.truncate(mark);
        }
    }
}

/// The Ethernet headers the walk went through (at most four, as the
/// dissector's other stacks: more is an endless tunnel).
fn ethernet_views<'a>(d: &Dissection<'a>) -> Stack<EthernetView<'a>, 4> {
    let mut views = Stack::new();
    for r in d.layers.iter().filter(|r| r.kind == LayerKind::Ethernet) {
        if let Some(v) = d.data.get(r.offset..).and_then(|b| Ethernet::view(b).ok()) {
            views.push(v);
        }
    }
    views
}

/// Writes the value(s) of `field` for one packet (nothing when absent;
/// `p` is `None` when nothing was dissected).
pub fn write_field(out: &mut Line, field: Field, frame: &Frame, p: Option<&Packet<'_, '_>>) {
    match field {
        Field::FrameNumber => {
            frame.number.push_to(out);
            return;
        }
        Field::FrameTimeEpoch => {
            if let Some(ts) = frame.ts {
                let _ = write!(out, "{ts}");
            }
            return;
        }
        Field::FrameLen => {
            frame.len.push_to(out);
            return;
        }
        Field::FrameCapLen => {
            frame.caplen.push_to(out);
            return;
        }
        _ => {}
    }
    let Some(p) = p else { return };
    let d: &Dissection<'_> = p.d;
    match field {
        Field::FrameNumber | Field::FrameTimeEpoch | Field::FrameLen | Field::FrameCapLen => {}
        // Every Ethernet header, outermost first: a registered layer may
        // carry Ethernet again (a tunnel), and tshark lists each.
        Field::EthSrc => each(out, &ethernet_views(d), |o, e| num(o, Some(e.src()))),
        Field::EthDst => each(out, &ethernet_views(d), |o, e| num(o, Some(e.dst()))),
        // An 802.3 length is not an EtherType: tshark prints none.
        Field::EthType => each(out, &ethernet_views(d), |o, e| {
            let t = e.ethertype();
            !EtherType(t).is_length() && write!(o, "0x{t:04x}").is_ok()
        }),
        Field::VlanId => each(out, &d.vlans, |o, v| {
            !v.is_s_tag() && num(o, v.tag.vid.value())
        }),
        Field::Ieee8021adId => each(out, &d.vlans, |o, v| {
            v.is_s_tag() && num(o, v.tag.vid.value())
        }),
        Field::IpSrc => ipv4_each(
            out,
            p,
            |o, h| num(o, h.src_addr.value()),
            |o, b| v4(o, b, 12),
        ),
        // tshark's ip.dst is a source route's final destination.
        Field::IpDst => ipv4_each(
            out,
            p,
            |o, h| {
                let opts = h.options.value().copied().unwrap_or_default();
                let dst = h.dst_addr.value().copied();
                num(o, source_route_final_dst(opts).or(dst))
            },
            |o, b| v4(o, b, 16),
        ),
        Field::IpProto => ipv4_each(
            out,
            p,
            |o, h| num(o, h.protocol.value()),
            |o, b| num(o, b.get(9)),
        ),
        Field::IpHdrLen => ipv4_each(
            out,
            p,
            |o, h| num(o, h.ihl.value().map(|v| u16::from(*v) * 4)),
            |o, b| num(o, b.first().map(|v| (v & 0x0f) * 4)),
        ),
        Field::IpTtl => ipv4_each(
            out,
            p,
            |o, h| num(o, h.ttl.value()),
            |o, b| num(o, b.get(8)),
        ),
        Field::IpFlagsMf => ipv4_each(
            out,
            p,
            |o, h| num(o, h.more_frags.value().map(|v| u8::from(*v))),
            |o, b| num(o, b.get(6).map(|v| (v >> 5) & 1)),
        ),
        Field::IpFragOffset => ipv4_each(
            out,
            p,
            |o, h| num(o, h.frag_offset.value()),
            |o, b| num(o, be16(b, 6).map(|v| v & 0x1fff)),
        ),
        Field::Ipv6Src => each(out, &d.ipv6, |o, h| num(o, h.header.fixed.src_addr.value())),
        Field::Ipv6Dst => each(out, &d.ipv6, |o, h| num(o, h.header.fixed.dst_addr.value())),
        Field::Ipv6Nxt => each(out, &d.ipv6, |o, h| {
            num(o, h.header.fixed.next_header.value())
        }),
        Field::TcpSrcPort => each(out, &d.tcp, |o, h| num(o, h.header.src_port.value())),
        Field::TcpDstPort => each(out, &d.tcp, |o, h| num(o, h.header.dst_port.value())),
        // Past the ports, tshark shows a TCP header cut by the snap length
        // only once its first 16 bytes (up to the window) are captured: it
        // reads them before adding any (a quote in an ICMP error is not
        // cut: it shows what it holds).
        Field::TcpSeqRaw => each(out, &d.tcp, |o, h| {
            tcp_read(d, h) && num(o, h.header.seq_num.value())
        }),
        Field::TcpAckRaw => each(out, &d.tcp, |o, h| {
            tcp_read(d, h) && num(o, h.header.ack_num.value())
        }),
        Field::TcpFlags => each(out, &d.tcp, |o, h| match h.header.flags.value() {
            Some(v) if tcp_read(d, h) => {
                let _ = write!(o, "0x{v:04x}");
                true
            }
            _ => false,
        }),
        Field::TcpHdrLen => each(out, &d.tcp, |o, h| {
            tcp_read(d, h) && num(o, h.header.data_offset.value().map(|v| u16::from(*v) * 4))
        }),
        Field::TcpLen => each(out, &d.tcp, |o, h| tcp_read(d, h) && num(o, h.payload_len)),
        Field::UdpSrcPort => each(out, &d.udp, |o, h| num(o, h.header.src_port.value())),
        Field::UdpDstPort => each(out, &d.udp, |o, h| num(o, h.header.dst_port.value())),
        Field::UdpLength => each(out, &d.udp, |o, h| num(o, h.header.length.value())),
        Field::DnsId => each(out, &d.dns, |o, h| match h.header.header.id.value() {
            Some(v) => {
                let _ = write!(o, "0x{v:04x}");
                true
            }
            None => false,
        }),
        Field::DnsFlagsResponse => each(out, &d.dns, |o, h| {
            num(o, h.header.header.response.value().map(|v| u8::from(*v)))
        }),
        Field::DnsCountAnswers => each(out, &d.dns, |o, h| num(o, h.header.header.ancount.value())),
        Field::DnsQryName => each(out, &d.dns, |o, h| dns::questions(o, h.header.msg, true)),
        Field::DnsQryType => each(out, &d.dns, |o, h| dns::questions(o, h.header.msg, false)),
        Field::DnsA => each(out, &d.dns, |o, h| dns::a(o, h.header.msg)),
        Field::DnsFlagsRcode => each(out, &d.dns, |o, h| dns::rcode(o, h.header.msg)),
        Field::DnsRespName => each(out, &d.dns, |o, h| dns::resp_names(o, h.header.msg)),
        Field::DnsRespTtl => each(out, &d.dns, |o, h| dns::resp_ttls(o, h.header.msg)),
        Field::DnsCname => each(out, &d.dns, |o, h| dns::cnames(o, h.header.msg)),
        Field::DnsAaaa => each(out, &d.dns, |o, h| dns::aaaa(o, h.header.msg)),
        Field::HttpRequestMethod => {
            if let Some(m) = d.http.as_ref().and_then(|h| h.header.method()) {
                push_ascii_field(out, m);
            }
        }
        Field::HttpRequestUri => {
            if let Some(uri) = d.http.as_ref().and_then(|h| h.header.uri()) {
                push_ascii_field(out, uri);
            }
        }
        Field::HttpResponseCode => {
            num(out, d.http.as_ref().and_then(|h| h.header.status_code()));
        }
        // The dissector leaves the segment, from the head on, as the payload.
        Field::HttpHost => http_header(out, d, "host"),
        Field::HttpUserAgent => http_header(out, d, "user-agent"),
        Field::HttpServer => http_header(out, d, "server"),
        Field::HttpContentType => http_header(out, d, "content-type"),
        Field::CommunityId => {
            // tshark's rule for IPv6 without a transport header included.
            if let Some(id) = d.community_id() {
                out.push_str(id.as_str());
            }
        }
        Field::FrameProtocols => super::packet::write_protocols(out, p),
    }
}

/// Whether tshark shows more than the ports of this TCP header (see
/// `Field::TcpSeqRaw`).
fn tcp_read(d: &Dissection<'_>, h: &protocols::dissect::Hit<protocols::tcp::Tcp<'_>>) -> bool {
    h.quoted || d.data.len().saturating_sub(h.offset) >= 16
}

/// Writes the values of the header `name` of the packet's HTTP head.
fn http_header(out: &mut Line, d: &Dissection<'_>, name: &str) {
    if d.http.is_some() {
        http::write_header(out, d.payload, name);
    }
}
