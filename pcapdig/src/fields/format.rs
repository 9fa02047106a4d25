//! Field names and their tshark 4.0 text, written into a reused buffer.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use pcap_core::capture::Timestamp;
use pcap_core::flow::community_id;

use super::walk::{Depth, Hit, Packet};

macro_rules! fields {
    ($($var:ident = $name:literal, $depth:ident;)*) => {
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

            /// How deep the walk must go for this field.
            pub fn depth(self) -> Depth {
                match self {
                    $(Field::$var => Depth::$depth,)*
                }
            }
        }
    };
}

fields! {
    FrameNumber = "frame.number", Frame;
    FrameTimeEpoch = "frame.time_epoch", Frame;
    FrameLen = "frame.len", Frame;
    FrameCapLen = "frame.cap_len", Frame;
    EthSrc = "eth.src", Link;
    EthDst = "eth.dst", Link;
    EthType = "eth.type", Link;
    VlanId = "vlan.id", Link;
    IpSrc = "ip.src", Transport;
    IpDst = "ip.dst", Transport;
    IpProto = "ip.proto", Transport;
    IpHdrLen = "ip.hdr_len", Transport;
    IpTtl = "ip.ttl", Transport;
    IpFlagsMf = "ip.flags.mf", Transport;
    IpFragOffset = "ip.frag_offset", Transport;
    Ipv6Src = "ipv6.src", Transport;
    Ipv6Dst = "ipv6.dst", Transport;
    Ipv6Nxt = "ipv6.nxt", Transport;
    TcpSrcPort = "tcp.srcport", Transport;
    TcpDstPort = "tcp.dstport", Transport;
    TcpSeqRaw = "tcp.seq_raw", Transport;
    TcpAckRaw = "tcp.ack_raw", Transport;
    TcpFlags = "tcp.flags", Transport;
    TcpHdrLen = "tcp.hdr_len", Transport;
    TcpLen = "tcp.len", Transport;
    UdpSrcPort = "udp.srcport", Transport;
    UdpDstPort = "udp.dstport", Transport;
    UdpLength = "udp.length", Transport;
    DnsId = "dns.id", Application;
    DnsFlagsResponse = "dns.flags.response", Application;
    DnsQryName = "dns.qry.name", Application;
    DnsQryType = "dns.qry.type", Application;
    DnsA = "dns.a", Application;
    DnsCountAnswers = "dns.count.answers", Application;
    HttpRequestMethod = "http.request.method", Application;
    HttpRequestUri = "http.request.uri", Application;
    HttpHost = "http.host", Application;
    HttpResponseCode = "http.response.code", Application;
    CommunityId = "communityid", Application;
    Ieee8021adId = "ieee8021ad.id", Link;
    FrameProtocols = "frame.protocols", Application;
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

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Writes each occurrence's value (`f` returns false when absent), commas
/// between.
fn each<'a, T: 'a>(
    out: &mut String,
    items: impl IntoIterator<Item = &'a T>,
    mut f: impl FnMut(&mut String, &'a T) -> bool,
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

fn mac(out: &mut String, b: &[u8]) {
    for (i, v) in b.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{v:02x}");
    }
}

fn v4(out: &mut String, b: &[u8], at: usize) -> bool {
    match b.get(at..at + 4) {
        Some(s) => {
            let _ = write!(out, "{}", Ipv4Addr::new(s[0], s[1], s[2], s[3]));
            true
        }
        None => false,
    }
}

fn v6(out: &mut String, b: &[u8], at: usize) -> bool {
    match b.get(at..at + 16) {
        Some(s) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(s);
            let _ = write!(out, "{}", Ipv6Addr::from(a));
            true
        }
        None => false,
    }
}

fn num(out: &mut String, v: Option<impl std::fmt::Display>) -> bool {
    match v {
        Some(v) => {
            let _ = write!(out, "{v}");
            true
        }
        None => false,
    }
}

/// Writes the value(s) of `field` for one packet (nothing when absent).
pub fn write_field(out: &mut String, field: Field, frame: &Frame, p: &Packet<'_>) {
    let byte = |h: &Hit<'_>, at: usize| h.raw.get(at).copied();
    match field {
        Field::FrameNumber => {
            let _ = write!(out, "{}", frame.number);
        }
        Field::FrameTimeEpoch => {
            if let Some(ts) = frame.ts {
                let _ = write!(out, "{ts}");
            }
        }
        Field::FrameLen => {
            let _ = write!(out, "{}", frame.len);
        }
        Field::FrameCapLen => {
            let _ = write!(out, "{}", frame.caplen);
        }
        Field::EthSrc => {
            if let Some(e) = p.eth {
                mac(out, &e[6..12]);
            }
        }
        Field::EthDst => {
            if let Some(e) = p.eth {
                mac(out, &e[0..6]);
            }
        }
        Field::EthType => {
            if let Some(t) = p.eth.and_then(|e| be16(e, 12)).filter(|t| *t > 1500) {
                let _ = write!(out, "0x{t:04x}");
            }
        }
        Field::VlanId => each(out, p.tags.as_slice(), |o, t| {
            t.tpid != 0x88a8 && num(o, Some(t.tci & 0x0fff))
        }),
        Field::Ieee8021adId => each(out, p.tags.as_slice(), |o, t| {
            t.tpid == 0x88a8 && num(o, Some(t.tci & 0x0fff))
        }),
        Field::IpSrc => each(out, p.ipv4.as_slice(), |o, h| v4(o, h.raw, 12)),
        Field::IpDst => each(out, p.ipv4.as_slice(), |o, h| match h.final_dst {
            Some(d) => v4(o, &d, 0),
            None => v4(o, h.raw, 16),
        }),
        Field::IpProto => each(out, p.ipv4.as_slice(), |o, h| num(o, byte(h, 9))),
        Field::IpHdrLen => each(out, p.ipv4.as_slice(), |o, h| {
            num(o, byte(h, 0).map(|b| (b & 0x0f) * 4))
        }),
        Field::IpTtl => each(out, p.ipv4.as_slice(), |o, h| num(o, byte(h, 8))),
        Field::IpFlagsMf => each(out, p.ipv4.as_slice(), |o, h| {
            num(o, byte(h, 6).map(|b| (b >> 5) & 1))
        }),
        Field::IpFragOffset => each(out, p.ipv4.as_slice(), |o, h| {
            num(o, be16(h.raw, 6).map(|v| v & 0x1fff))
        }),
        Field::Ipv6Src => each(out, p.ipv6.as_slice(), |o, h| v6(o, h.raw, 8)),
        Field::Ipv6Dst => each(out, p.ipv6.as_slice(), |o, h| v6(o, h.raw, 24)),
        Field::Ipv6Nxt => each(out, p.ipv6.as_slice(), |o, h| num(o, byte(h, 6))),
        Field::TcpSrcPort => each(out, p.tcp.as_slice(), |o, h| num(o, be16(h.raw, 0))),
        Field::TcpDstPort => each(out, p.tcp.as_slice(), |o, h| num(o, be16(h.raw, 2))),
        Field::TcpSeqRaw => each(out, p.tcp.as_slice(), |o, h| num(o, be32(h.raw, 4))),
        Field::TcpAckRaw => each(out, p.tcp.as_slice(), |o, h| num(o, be32(h.raw, 8))),
        Field::TcpFlags => each(out, p.tcp.as_slice(), |o, h| match be16(h.raw, 12) {
            Some(v) => {
                let _ = write!(o, "0x{:04x}", v & 0x0fff);
                true
            }
            None => false,
        }),
        Field::TcpHdrLen => each(out, p.tcp.as_slice(), |o, h| {
            num(o, byte(h, 12).map(|b| u16::from(b >> 4) * 4))
        }),
        Field::TcpLen => each(out, p.tcp.as_slice(), |o, h| num(o, h.len)),
        Field::UdpSrcPort => each(out, p.udp.as_slice(), |o, h| num(o, be16(h.raw, 0))),
        Field::UdpDstPort => each(out, p.udp.as_slice(), |o, h| num(o, be16(h.raw, 2))),
        Field::UdpLength => each(out, p.udp.as_slice(), |o, h| num(o, be16(h.raw, 4))),
        Field::DnsId => each(out, p.dns.as_slice(), |o, m| match be16(m, 0) {
            Some(v) => {
                let _ = write!(o, "0x{v:04x}");
                true
            }
            None => false,
        }),
        Field::DnsFlagsResponse => each(out, p.dns.as_slice(), |o, m| {
            num(o, m.get(2).map(|b| b >> 7))
        }),
        Field::DnsCountAnswers => each(out, p.dns.as_slice(), |o, m| num(o, be16(m, 6))),
        Field::DnsQryName => each(out, p.dns.as_slice(), |o, m| dns_questions(o, m, true)),
        Field::DnsQryType => each(out, p.dns.as_slice(), |o, m| dns_questions(o, m, false)),
        Field::DnsA => each(out, p.dns.as_slice(), |o, m| dns_a(o, m)),
        Field::HttpRequestMethod => {
            if let Some(Http::Request { method, .. }) = p.http.and_then(http_start) {
                push_bytes(out, method);
            }
        }
        Field::HttpRequestUri => {
            if let Some(Http::Request { uri, .. }) = p.http.and_then(http_start)
                && !uri.is_empty()
            {
                push_bytes(out, uri);
            }
        }
        Field::HttpResponseCode => {
            if let Some(Http::Response { code }) = p.http.and_then(http_start) {
                push_bytes(out, code);
            }
        }
        Field::HttpHost => {
            if let Some(head) = p.http
                && let Some(Http::Request { .. }) = http_start(head)
                && let Some(h) = http_host(head)
            {
                push_bytes(out, h);
            }
        }
        Field::CommunityId => {
            if let Some(id) = community_id(&p.summary) {
                out.push_str(id.as_str());
            }
        }
        Field::FrameProtocols => {
            for (i, name) in p.protos.as_slice().iter().enumerate() {
                if i > 0 {
                    out.push(':');
                }
                out.push_str(name);
            }
        }
    }
}

fn push_bytes(out: &mut String, b: &[u8]) {
    for &c in b {
        if (0x20..0x7f).contains(&c) {
            out.push(char::from(c));
        } else {
            let _ = write!(out, "\\x{c:02x}");
        }
    }
}

/// The start line of an HTTP/1.x message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Http<'a> {
    /// `METHOD URI HTTP/x.y`.
    Request {
        /// The method.
        method: &'a [u8],
        /// The request target.
        uri: &'a [u8],
    },
    /// `HTTP/x.y CODE ...`.
    Response {
        /// The three-digit status code.
        code: &'a [u8],
    },
}

fn first_line(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == b'\n').unwrap_or(b.len());
    let line = &b[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Parses the start line of an HTTP/1.x head.
pub fn http_start(b: &[u8]) -> Option<Http<'_>> {
    let line = first_line(b);
    if let Some(rest) = line.strip_prefix(b"HTTP/") {
        let sp = rest.iter().position(|&c| c == b' ')?;
        let code = rest.get(sp + 1..sp + 4)?;
        if code.iter().all(u8::is_ascii_digit) && rest.get(sp + 4).is_none_or(|&c| c == b' ') {
            return Some(Http::Response { code });
        }
        return None;
    }
    let sp1 = line.iter().position(|&c| c == b' ').unwrap_or(line.len());
    let method = &line[..sp1];
    if !HTTP_METHODS.iter().any(|m| m.as_bytes() == method) {
        return None;
    }
    let rest = line.get(sp1 + 1..).unwrap_or(&[]);
    let uri = &rest[..rest.iter().position(|&c| c == b' ').unwrap_or(rest.len())];
    Some(Http::Request { method, uri })
}

/// Request methods tshark 4.0 recognises in a request line.
pub const HTTP_METHODS: &[&str] = &[
    "GET",
    "POST",
    "HEAD",
    "PUT",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "SEARCH",
    "NOTIFY",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "M-SEARCH",
    "CCM_POST",
    "CCM_GET",
    "RPC_IN_DATA",
    "RPC_OUT_DATA",
    "MKACTIVITY",
    "CHECKOUT",
    "CHECKIN",
    "MERGE",
    "REPORT",
    "UPDATE",
    "LABEL",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
    "MKWORKSPACE",
    "UNCHECKOUT",
    "ACL",
    "ORDERPATCH",
    "BIND",
    "UNBIND",
    "REBIND",
    "MKREDIRECTREF",
    "UPDATEREDIRECTREF",
    "POLL",
    "BCOPY",
    "BDELETE",
    "BMOVE",
    "BPROPFIND",
    "BPROPPATCH",
    "X-MS-ENUMATTS",
    "SSDP",
    "PURGE",
    "LINK",
    "UNLINK",
];

/// The value of the `Host` header of an HTTP head.
pub fn http_host(b: &[u8]) -> Option<&[u8]> {
    let mut rest = b;
    let mut first = true;
    while !rest.is_empty() {
        let end = rest.iter().position(|&c| c == b'\n');
        let line = &rest[..end.unwrap_or(rest.len())];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        rest = match end {
            Some(e) => &rest[e + 1..],
            None => &[],
        };
        if first {
            first = false;
            continue;
        }
        if line.is_empty() {
            break;
        }
        if line.len() >= 5 && line[..5].eq_ignore_ascii_case(b"host:") {
            return Some(line[5..].trim_ascii());
        }
    }
    None
}

/// Reads a DNS name at `at` into `out` (when given); returns the offset
/// after it in the message, or `None` if malformed.
fn dns_name(msg: &[u8], mut at: usize, mut out: Option<&mut String>) -> Option<usize> {
    let mut end = None;
    let mut jumps = 0;
    let mut written = 0usize;
    loop {
        let len = *msg.get(at)?;
        match len & 0xc0 {
            0xc0 => {
                let ptr = usize::from(be16(msg, at)? & 0x3fff);
                end.get_or_insert(at + 2);
                jumps += 1;
                if jumps > 64 || ptr >= msg.len() {
                    return None;
                }
                at = ptr;
            }
            0 => {
                if len == 0 {
                    if written == 0
                        && let Some(o) = out.as_deref_mut()
                    {
                        o.push_str("<Root>");
                    }
                    return Some(end.unwrap_or(at + 1));
                }
                let label = msg.get(at + 1..at + 1 + usize::from(len))?;
                written += label.len() + 1;
                if written > 255 {
                    return None;
                }
                if let Some(o) = out.as_deref_mut() {
                    if written > label.len() + 1 {
                        o.push('.');
                    }
                    push_bytes(o, label);
                }
                at += 1 + usize::from(len);
            }
            _ => return None,
        }
    }
}

/// Writes every question's name (`names`) or type; false if none.
fn dns_questions(out: &mut String, msg: &[u8], names: bool) -> bool {
    let Some(qd) = be16(msg, 4) else { return false };
    let mut at = 12;
    let mut any = false;
    for _ in 0..qd {
        let mark = out.len();
        if any {
            out.push(',');
        }
        let after = if names {
            dns_name(msg, at, Some(out))
        } else {
            dns_name(msg, at, None)
        };
        let Some(after) = after else {
            out.truncate(mark);
            return any;
        };
        let Some(ty) = be16(msg, after) else {
            if !names {
                out.truncate(mark);
            }
            return any || names;
        };
        if !names {
            let _ = write!(out, "{ty}");
        }
        any = true;
        at = after + 4;
    }
    any
}

/// Writes every A record's address (all sections); false if none.
fn dns_a(out: &mut String, msg: &[u8]) -> bool {
    let (Some(qd), Some(an), Some(ns), Some(ar)) =
        (be16(msg, 4), be16(msg, 6), be16(msg, 8), be16(msg, 10))
    else {
        return false;
    };
    let mut at = 12;
    for _ in 0..qd {
        match dns_name(msg, at, None) {
            Some(a) => at = a + 4,
            None => return false,
        }
    }
    let mut any = false;
    let total = u32::from(an) + u32::from(ns) + u32::from(ar);
    for _ in 0..total {
        let Some(a) = dns_name(msg, at, None) else {
            break;
        };
        let (Some(ty), Some(rdlen)) = (be16(msg, a), be16(msg, a + 8)) else {
            break;
        };
        let rdata = a + 10;
        let rdlen = usize::from(rdlen);
        if ty == 1 && rdlen == 4 {
            let mark = out.len();
            if any {
                out.push(',');
            }
            if !v4(out, msg, rdata) {
                out.truncate(mark);
                break;
            }
            any = true;
        }
        if rdata + rdlen > msg.len() {
            break;
        }
        at = rdata + rdlen;
    }
    any
}
