//! A small, allocation-free packet walker with tshark's layering rules:
//! which occurrences of a layer a frame has (VLAN stacks, IP-in-IP, GTP-U,
//! headers quoted by ICMP errors), how far a truncated layer still shows
//! its fields, and the `frame.protocols` list.
//!
//! Layers are kept as slices of the packet (cut to what was captured);
//! field values are decoded from them when printed, so a field whose bytes
//! are missing is simply absent, as in tshark.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use pcap_core::flow::{IpPair, PacketSummary};

/// How deep a walk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// No layer at all (only `frame.*` fields asked).
    Frame,
    /// Link layer and VLAN tags.
    Link,
    /// IP layers.
    Network,
    /// TCP, UDP, ICMP and what ICMP errors quote.
    Transport,
    /// DNS, HTTP, GTP-U tunnels.
    Application,
}

/// A fixed-capacity list that never allocates; pushes beyond `N` are ignored.
#[derive(Debug, Clone, Copy)]
pub struct Occ<T: Copy + Default, const N: usize> {
    items: [T; N],
    len: usize,
}

impl<T: Copy + Default, const N: usize> Default for Occ<T, N> {
    fn default() -> Self {
        Occ {
            items: [T::default(); N],
            len: 0,
        }
    }
}

impl<T: Copy + Default, const N: usize> Occ<T, N> {
    /// Appends, unless full.
    pub fn push(&mut self, item: T) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        }
    }

    /// The stored items, outermost first.
    pub fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }
}

/// Most occurrences of one layer kept per packet.
pub const MAX_OCC: usize = 8;
/// Most layer names kept for `frame.protocols`.
pub const MAX_PROTOS: usize = 160;

/// A VLAN tag: its TPID and TCI.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tag {
    /// 0x8100, 0x88a8 or 0x9100.
    pub tpid: u16,
    /// Priority, DEI and VLAN ID.
    pub tci: u16,
}

/// An IP or transport header as captured, and its payload length as the
/// IP layer declares it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hit<'a> {
    /// The header bytes (cut short when the capture is).
    pub raw: &'a [u8],
    /// For TCP: the payload length from the IP lengths (`tcp.len`).
    pub len: Option<u32>,
    /// IPv4 only: the final destination named by a source-route option
    /// (tshark reports it as `ip.dst`).
    pub final_dst: Option<[u8; 4]>,
}

/// Everything found in one packet.
#[derive(Debug, Clone, Default)]
pub struct Packet<'a> {
    /// Ethernet header (14 bytes), if the frame is Ethernet and long enough.
    pub eth: Option<&'a [u8]>,
    /// Whether the link layer was Ethernet (even a cut one).
    pub is_eth: bool,
    /// VLAN tags, outermost first.
    pub tags: Occ<Tag, MAX_OCC>,
    /// IPv4 headers, outermost first.
    pub ipv4: Occ<Hit<'a>, MAX_OCC>,
    /// IPv6 fixed headers.
    pub ipv6: Occ<Hit<'a>, MAX_OCC>,
    /// TCP headers.
    pub tcp: Occ<Hit<'a>, MAX_OCC>,
    /// UDP headers.
    pub udp: Occ<Hit<'a>, MAX_OCC>,
    /// ICMP / ICMPv6 headers (first 4+ bytes).
    pub icmp: Occ<Hit<'a>, MAX_OCC>,
    /// DNS messages (TCP length prefix removed).
    pub dns: Occ<&'a [u8], MAX_OCC>,
    /// An HTTP/1.x head (the TCP payload).
    pub http: Option<&'a [u8]>,
    /// Layer names as in tshark's `frame.protocols`.
    pub protos: Occ<&'static str, MAX_PROTOS>,
    /// Layers 2–4 of the innermost non-quoted flow.
    pub summary: PacketSummary,
}

/// TCP ports tshark 4.0 gives to HTTP by default.
pub const HTTP_PORTS: [u16; 10] = [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn take(b: &[u8], n: usize) -> &[u8] {
    &b[..n.min(b.len())]
}

fn skip(b: &[u8], n: usize) -> &[u8] {
    b.get(n..).unwrap_or(&[])
}

/// What tshark's `frame.protocols` lists after `http` for this segment:
/// `data` for a segment that does not start an HTTP message, the body's
/// media dissector when the head is followed by a body, nothing otherwise.
fn http_body_proto(payload: &[u8]) -> Option<&'static str> {
    if super::format::http_start(payload).is_none() {
        return Some("data");
    }
    let end = payload.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if end >= payload.len() {
        return None;
    }
    let head = &payload[..end];
    let ctype = head
        .split(|&c| c == b'\n')
        .find(|l| l.len() > 13 && l[..13].eq_ignore_ascii_case(b"content-type:"))
        .map(|l| l[13..].trim_ascii());
    Some(match ctype {
        Some(t) if t.len() >= 5 && t[..5].eq_ignore_ascii_case(b"text/") => "data-text-lines",
        Some(t) if t.starts_with(b"image/png") => "png",
        Some(t) if t.starts_with(b"application/x-www-form-urlencoded") => "urlencoded-form",
        _ => "media",
    })
}

/// The last address of a loose or strict source route option, if any.
fn source_route_dst(mut opts: &[u8]) -> Option<[u8; 4]> {
    while let Some(&kind) = opts.first() {
        match kind {
            0 => return None,
            1 => opts = &opts[1..],
            _ => {
                let len = usize::from(*opts.get(1)?);
                if len < 2 || len > opts.len() {
                    return None;
                }
                if (kind == 131 || kind == 137) && len >= 7 {
                    let a = &opts[len - 4..len];
                    return Some([a[0], a[1], a[2], a[3]]);
                }
                opts = &opts[len..];
            }
        }
    }
    None
}

/// Walks `data` of link type `linktype` down to `depth`.
pub fn walk<'a>(linktype: u16, data: &'a [u8], depth: Depth) -> Packet<'a> {
    let mut w = Walker {
        p: Packet::default(),
        depth,
        nest: 0,
    };
    if depth > Depth::Frame {
        w.link(linktype, data);
    }
    w.p
}

/// Whether the walker decodes this link type.
pub fn linktype_supported(linktype: u16) -> bool {
    matches!(linktype, 0 | 1 | 101 | 108 | 113 | 228 | 229 | 276)
}

struct Walker<'a> {
    p: Packet<'a>,
    depth: Depth,
    nest: u32,
}

impl<'a> Walker<'a> {
    fn proto(&mut self, name: &'static str) {
        self.p.protos.push(name);
    }

    fn link(&mut self, linktype: u16, data: &'a [u8]) {
        match linktype {
            1 => {
                self.p.is_eth = true;
                self.proto("eth");
                if data.len() < 14 {
                    return;
                }
                self.p.eth = Some(&data[..14]);
                let et = be16(data, 12).unwrap_or(0);
                if et <= 1500 {
                    self.proto("llc");
                    return;
                }
                self.proto("ethertype");
                self.ethertype(et, &data[14..]);
            }
            0 | 108 => {
                self.proto("null");
                if data.len() < 4 {
                    return;
                }
                let le = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
                let be = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let fam = if le < 256 { le } else { be };
                match fam {
                    2 => self.ipv4(&data[4..], false),
                    24 | 28 | 30 => self.ipv6(&data[4..], false),
                    _ => {}
                }
            }
            101 => {
                self.proto("raw");
                self.ip_any(data, false);
            }
            228 => self.ipv4(data, false),
            229 => self.ipv6(data, false),
            113 => {
                self.proto("sll");
                if let Some(et) = be16(data, 14) {
                    self.proto("ethertype");
                    self.ethertype(et, skip(data, 16));
                }
            }
            276 => {
                self.proto("sll");
                if data.len() >= 20
                    && let Some(et) = be16(data, 0)
                {
                    self.proto("ethertype");
                    self.ethertype(et, skip(data, 20));
                }
            }
            _ => {}
        }
    }

    fn ethertype(&mut self, et: u16, b: &'a [u8]) {
        match et {
            0x8100 | 0x88a8 | 0x9100 => {
                self.proto(if et == 0x88a8 { "ieee8021ad" } else { "vlan" });
                let (Some(tci), Some(inner)) = (be16(b, 0), be16(b, 2)) else {
                    return;
                };
                self.p.tags.push(Tag { tpid: et, tci });
                self.p.summary.push_vlan(tci & 0x0fff);
                if self.p.tags.len == 1 && et != 0x8100 {
                    self.p.summary.s_tag = true;
                }
                if inner <= 1500 {
                    self.proto("llc");
                    return;
                }
                self.proto("ethertype");
                if self.nest < 16 {
                    self.nest += 1;
                    self.ethertype(inner, skip(b, 4));
                }
            }
            0x0800 if self.depth >= Depth::Network => self.ipv4(b, false),
            0x86dd if self.depth >= Depth::Network => self.ipv6(b, false),
            0x0806 => self.proto("arp"),
            _ => {}
        }
    }

    fn ip_any(&mut self, b: &'a [u8], quoted: bool) {
        if self.depth < Depth::Network {
            return;
        }
        match b.first().map(|v| v >> 4) {
            Some(4) => self.ipv4(b, quoted),
            Some(6) => self.ipv6(b, quoted),
            _ => {}
        }
    }

    fn ipv4(&mut self, b: &'a [u8], quoted: bool) {
        if self.depth < Depth::Network || self.nest > 16 {
            return;
        }
        self.nest += 1;
        self.proto("ip");
        let Some(&b0) = b.first() else { return };
        let ihl = usize::from(b0 & 0x0f) * 4;
        if ihl < 20 {
            self.p.ipv4.push(Hit {
                raw: take(b, 1),
                len: None,
                final_dst: None,
            });
            return;
        }
        let raw = take(b, ihl);
        if raw.len() < ihl {
            self.p.ipv4.push(Hit {
                raw,
                len: None,
                final_dst: None,
            });
            return;
        }
        let final_dst = source_route_dst(&b[20..ihl]);
        self.p.ipv4.push(Hit {
            raw,
            len: None,
            final_dst,
        });
        let total = usize::from(be16(b, 2).unwrap_or(0));
        let total = if total == 0 { b.len() } else { total };
        if total < ihl {
            return;
        }
        let proto = b[9];
        let src = Ipv4Addr::new(b[12], b[13], b[14], b[15]);
        let dst = match final_dst {
            Some(d) => Ipv4Addr::from(d),
            None => Ipv4Addr::new(b[16], b[17], b[18], b[19]),
        };
        let frag = be16(b, 6).unwrap_or(0);
        let offset = frag & 0x1fff;
        let mf = frag & 0x2000 != 0;
        if !quoted {
            self.set_ip(IpAddr::V4(src), IpAddr::V4(dst), proto);
            self.p.summary.is_fragment = mf || offset != 0;
        }
        if offset != 0 {
            self.proto("data");
            return;
        }
        let payload = &b[ihl..total.min(b.len())];
        // tshark gives no tcp.len for a first fragment.
        let plen = (!mf).then_some((total - ihl) as u32);
        self.l4(proto, payload, plen, quoted, false);
    }

    fn set_ip(&mut self, src: IpAddr, dst: IpAddr, proto: u8) {
        let s = &mut self.p.summary;
        s.ip = Some(IpPair { src, dst });
        s.protocol = proto;
        s.has_l4 = false;
        s.sport = 0;
        s.dport = 0;
        s.icmp_type = 0;
        s.icmp_code = 0;
        s.tcp_flags = 0;
        s.payload_len = 0;
        s.is_fragment = false;
    }

    fn ipv6(&mut self, b: &'a [u8], quoted: bool) {
        if self.depth < Depth::Network || self.nest > 16 {
            return;
        }
        self.nest += 1;
        self.proto("ipv6");
        let raw = take(b, 40);
        self.p.ipv6.push(Hit {
            raw,
            len: None,
            final_dst: None,
        });
        if raw.len() < 40 {
            return;
        }
        let plen = usize::from(be16(b, 4).unwrap_or(0));
        let end = if plen == 0 {
            b.len()
        } else {
            (40 + plen).min(b.len())
        };
        let mut nxt = b[6];
        let mut off = 40;
        let mut ext_len = 0usize;
        let mut src = [0u8; 16];
        src.copy_from_slice(&b[8..24]);
        let mut dst = [0u8; 16];
        dst.copy_from_slice(&b[24..40]);
        let mut fragment = false;
        let mut later_fragment = false;
        for _ in 0..128 {
            let name = match nxt {
                0 => "ipv6.hopopts",
                43 => "ipv6.routing",
                60 => "ipv6.dstopts",
                44 => "ipv6.fraghdr",
                _ => break,
            };
            self.proto(name);
            let (Some(&n), Some(&l)) = (b.get(off), b.get(off + 1)) else {
                return;
            };
            let len = if nxt == 44 {
                8
            } else {
                (usize::from(l) + 1) * 8
            };
            if off + len > b.len() {
                return;
            }
            if nxt == 44 {
                fragment = true;
                let fo = be16(b, off + 2).unwrap_or(0);
                later_fragment = fo >> 3 != 0;
            }
            nxt = n;
            off += len;
            ext_len += len;
        }
        if !quoted {
            self.set_ip(
                IpAddr::V6(Ipv6Addr::from(src)),
                IpAddr::V6(Ipv6Addr::from(dst)),
                nxt,
            );
            self.p.summary.is_fragment = fragment;
            if later_fragment {
                // tshark gives no Community ID to later IPv6 fragments.
                self.p.summary.ip = None;
            }
        }
        if later_fragment {
            self.proto("data");
            return;
        }
        let payload = b.get(off..end.max(off)).unwrap_or(&[]);
        let plen = if plen == 0 {
            (b.len() - 40) as u32
        } else {
            plen as u32
        };
        let plen = plen.checked_sub(ext_len as u32);
        self.l4(nxt, payload, plen, quoted, true);
    }

    fn l4(&mut self, proto: u8, b: &'a [u8], plen: Option<u32>, quoted: bool, v6: bool) {
        if self.depth < Depth::Transport {
            return;
        }
        match proto {
            6 => self.tcp(b, plen, quoted),
            17 => self.udp(b, quoted),
            1 if !v6 => self.icmp(b, quoted, false),
            58 => self.icmp(b, quoted, true),
            4 => self.ipv4(b, quoted),
            41 => self.ipv6(b, quoted),
            59 => {}
            132 => {
                self.proto("sctp");
                if let (false, Some(sport), Some(dport)) = (quoted, be16(b, 0), be16(b, 2)) {
                    let s = &mut self.p.summary;
                    s.has_l4 = true;
                    s.sport = sport;
                    s.dport = dport;
                }
            }
            2 => self.proto("igmp"),
            _ => {
                if !b.is_empty() {
                    self.proto("data");
                }
            }
        }
    }

    fn tcp(&mut self, b: &'a [u8], plen: Option<u32>, quoted: bool) {
        self.proto("tcp");
        let hl = b.get(12).map_or(20, |v| usize::from(v >> 4) * 4);
        let raw = take(b, hl.max(20));
        let len = if quoted {
            None
        } else {
            plen.and_then(|p| p.checked_sub(hl as u32))
        };
        self.p.tcp.push(Hit {
            raw,
            len,
            final_dst: None,
        });
        if !quoted && raw.len() >= 14 {
            let s = &mut self.p.summary;
            s.has_l4 = true;
            s.sport = be16(b, 0).unwrap_or(0);
            s.dport = be16(b, 2).unwrap_or(0);
            s.tcp_seq = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            s.tcp_ack = u32::from_be_bytes([b[8], b[9], b[10], b[11]]);
            s.tcp_flags = b[13];
            s.payload_len = len.unwrap_or(0);
        }
        if quoted || hl < 20 || b.len() < hl || self.depth < Depth::Application {
            return;
        }
        let end = len.map_or(b.len(), |l| (hl + l as usize).min(b.len()));
        let payload = &b[hl..end];
        if payload.is_empty() {
            return;
        }
        let sport = be16(b, 0).unwrap_or(0);
        let dport = be16(b, 2).unwrap_or(0);
        if HTTP_PORTS.contains(&sport) || HTTP_PORTS.contains(&dport) {
            self.proto("http");
            self.p.http = Some(payload);
            if let Some(body) = http_body_proto(payload) {
                self.proto(body);
            }
        } else if sport == 53 || dport == 53 {
            self.proto("dns");
            if payload.len() >= 2 {
                self.p.dns.push(&payload[2..]);
            }
        } else {
            self.proto("data");
        }
    }

    fn udp(&mut self, b: &'a [u8], quoted: bool) {
        self.proto("udp");
        let raw = take(b, 8);
        self.p.udp.push(Hit {
            raw,
            len: None,
            final_dst: None,
        });
        if raw.len() < 8 {
            return;
        }
        let sport = be16(b, 0).unwrap_or(0);
        let dport = be16(b, 2).unwrap_or(0);
        let ulen = usize::from(be16(b, 4).unwrap_or(0));
        if !quoted {
            let s = &mut self.p.summary;
            s.has_l4 = true;
            s.sport = sport;
            s.dport = dport;
            s.payload_len = ulen.saturating_sub(8) as u32;
        }
        let end = if ulen >= 8 {
            ulen.min(b.len())
        } else {
            b.len()
        };
        let payload = &b[8..end];
        // A GTP-U tunnel is walked at transport depth: its inner IP, TCP
        // and UDP headers are further occurrences of those fields.
        if (sport == 2152 || dport == 2152) && !quoted {
            self.gtp(payload);
            return;
        }
        if self.depth < Depth::Application {
            return;
        }
        let dns = |p: u16| match p {
            53 => Some("dns"),
            5353 => Some("mdns"),
            5355 => Some("llmnr"),
            _ => None,
        };
        if let Some(name) = dns(sport).or(dns(dport)) {
            self.proto(name);
            self.p.dns.push(payload);
        } else if !payload.is_empty() {
            self.proto("data");
        }
    }

    fn gtp(&mut self, b: &'a [u8]) {
        let (Some(&f), Some(&t)) = (b.first(), b.get(1)) else {
            return;
        };
        if f >> 5 != 1 || f & 0x10 == 0 {
            return;
        }
        self.proto("gtp");
        if t != 0xff {
            return;
        }
        let mut off = 8;
        if f & 0x07 != 0 {
            off = 12;
            if f & 0x04 != 0 {
                let mut next = b.get(11).copied().unwrap_or(0);
                while next != 0 {
                    let Some(&l) = b.get(off) else { return };
                    let len = usize::from(l) * 4;
                    if len == 0 {
                        return;
                    }
                    off += len;
                    let Some(&n) = b.get(off - 1) else { return };
                    next = n;
                }
            }
        }
        self.ip_any(skip(b, off), false);
    }

    fn icmp(&mut self, b: &'a [u8], quoted: bool, v6: bool) {
        self.proto(if v6 { "icmpv6" } else { "icmp" });
        self.p.icmp.push(Hit {
            raw: take(b, 8),
            len: None,
            final_dst: None,
        });
        let (Some(&ty), Some(&code)) = (b.first(), b.get(1)) else {
            return;
        };
        if !quoted {
            let s = &mut self.p.summary;
            s.has_l4 = true;
            s.icmp_type = ty;
            s.icmp_code = code;
        }
        let error = if v6 {
            matches!(ty, 1..=4)
        } else {
            matches!(ty, 3 | 4 | 5 | 11 | 12)
        };
        if error && !quoted && b.len() > 8 {
            if v6 {
                self.ipv6(&b[8..], true);
            } else {
                self.ipv4(&b[8..], true);
            }
        } else if b.len() > 8 && (!v6 || matches!(ty, 128 | 129)) {
            self.proto("data");
        }
    }
}
