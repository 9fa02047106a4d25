//! The walk itself: one method per layer, each parsing its header with the
//! layer's flags (or only viewing it when they are `NONE`), filling the
//! summary, and saying what comes next.

use std::net::IpAddr;

use pcap_core::flow::{IpPair, PacketSummary};
use pcap_core::{Error, EtherType, Header, HeaderView, IpProto, TcpFlags};

use super::registry::Dispatch as Key;
use super::{
    Builtin, Depth, DissectError, Dissection, Dissector, Hit, Ipv6Layer, LayerKind, LayerRecord,
    LinkType, Next, UserHit, UserLayer, Vlan,
};
use crate::dns::{DnsHeader, DnsMessage};
use crate::eth::Ethernet;
use crate::gtp::GtpU;
use crate::http::HttpMessage;
use crate::icmp::{Icmp, icmp_type, icmpv6_type};
use crate::ipv4::Ipv4;
use crate::ipv6::{ExtWalk, Ipv6};
use crate::loopback::{Loopback, family, normalize_family};
use crate::sctp::Sctp;
use crate::sll::{LinuxSll, LinuxSll2};
use crate::stack::Stack;
use crate::tcp::{Tcp, TcpFields};
use crate::udp::Udp;
use crate::vlan::VlanTag;
use crate::{gtp, http, icmp, ipv6, sctp, udp};

/// The walk's state between layers.
struct Walk<'a> {
    /// Bytes from the current layer on.
    bytes: &'a [u8],
    /// Offset of `bytes` in the packet.
    offset: usize,
    /// Inside an ICMP error quote.
    quoted: bool,
    /// The IP payload length the innermost IP header declares (after
    /// extension headers), for `tcp.len`.
    ip_payload_len: Option<usize>,
    /// Inside a non-first fragment: no transport header.
    non_first_fragment: bool,
    /// Inside a fragment: the transport payload length is unknown.
    fragment: bool,
}

/// The most layers one packet may have before the walk gives up (a guard
/// against user layers that do not advance, and against endless tunnels).
const MAX_STEPS: usize = 64;

impl Dissector {
    /// Runs the walk over `d.data` into `d`.
    pub(super) fn run<'a>(&self, d: &mut Dissection<'a>) {
        let mut w = Walk {
            bytes: d.data,
            offset: 0,
            quoted: false,
            ip_payload_len: None,
            non_first_fragment: false,
            fragment: false,
        };
        let first = match self.link(d, &mut w) {
            Ok(next) => next,
            Err(e) => {
                d.error = Some(e);
                return;
            }
        };
        if let Err(e) = self.walk_from(d, &mut w, first) {
            d.error = Some(e);
        }
        d.payload = w.bytes;
    }

    /// The link-layer header; what follows it.
    fn link<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let cfg = &self.config;
        match d.link_type {
            LinkType::ETHERNET => Ok(Next::Ethernet),
            LinkType::RAW => Ok(Next::Ip),
            LinkType::IPV4 => Ok(Next::Ipv4),
            LinkType::IPV6 => Ok(Next::Ipv6),
            LinkType::LINUX_SLL => {
                let v = LinuxSll::view(w.bytes).map_err(|e| err(LayerKind::Sll, 0, e))?;
                if cfg.sll != LinuxSll::NONE {
                    d.sll = parse::<LinuxSll>(w.bytes, cfg.sll, LayerKind::Sll, 0)?;
                }
                advance(d, w, LayerKind::Sll, v.header_len());
                Ok(Next::EtherType(v.protocol()))
            }
            LinkType::LINUX_SLL2 => {
                let v = LinuxSll2::view(w.bytes).map_err(|e| err(LayerKind::Sll2, 0, e))?;
                if cfg.sll2 != LinuxSll2::NONE {
                    d.sll2 = parse::<LinuxSll2>(w.bytes, cfg.sll2, LayerKind::Sll2, 0)?;
                }
                advance(d, w, LayerKind::Sll2, v.header_len());
                Ok(Next::EtherType(v.protocol()))
            }
            LinkType::NULL | LinkType::LOOP => {
                let v = Loopback::view(w.bytes).map_err(|e| err(LayerKind::Loopback, 0, e))?;
                let fam = if d.link_type == LinkType::LOOP {
                    v.family()
                } else {
                    normalize_family(v.family())
                };
                if cfg.loopback != Loopback::NONE {
                    // Parse in the byte order that gives a small family.
                    let endian = if fam == v.family() {
                        pcap_core::Endian::Big
                    } else {
                        pcap_core::Endian::Little
                    };
                    d.loopback = parse_endian::<Loopback>(
                        w.bytes,
                        cfg.loopback,
                        endian,
                        LayerKind::Loopback,
                        0,
                    )?;
                }
                advance(d, w, LayerKind::Loopback, v.header_len());
                Ok(match fam {
                    family::INET => Next::Ipv4,
                    f if family::is_inet6(f) => Next::Ipv6,
                    _ => Next::Done,
                })
            }
            other => {
                // A link type a registered layer (802.11, the user's) reads.
                if let Some(layer) = self.lookup(Key::LinkType(other), w.bytes) {
                    return self.user_layer(d, w, layer.as_ref());
                }
                let e = Error::Unsupported {
                    layer: "link",
                    // Static text: no allocation per packet of an
                    // unsupported capture; the number is in the LayerKind.
                    detail: "link type not decoded by the dissector".into(),
                };
                Err(err(LayerKind::Link(other), 0, e))
            }
        }
    }

    fn walk_from<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        mut next: Next,
    ) -> Result<(), DissectError> {
        let cfg = &self.config;
        for _ in 0..MAX_STEPS {
            next = match next {
                Next::Done => return Ok(()),
                Next::Ethernet => self.ethernet(d, w)?,
                Next::Layer(name) => match self.registry.layer_arc(name) {
                    Some(layer) if layer.accepts(w.bytes) => {
                        self.user_layer(d, w, layer.as_ref())?
                    }
                    _ => Next::Done,
                },
                Next::EtherType(t) => {
                    if !w.quoted {
                        d.summary.ethertype = t;
                    }
                    if let Some(layer) = self.lookup(Key::EtherType(EtherType(t)), w.bytes) {
                        self.user_layer(d, w, layer.as_ref())?
                    } else {
                        match self.registry.builtins().ethertype(EtherType(t)) {
                            Some(Builtin::Vlan) => self.vlan(d, w, t)?,
                            Some(Builtin::Ipv4) => Next::Ipv4,
                            Some(Builtin::Ipv6) => Next::Ipv6,
                            _ => Next::Done,
                        }
                    }
                }
                Next::Ip => match w.bytes.first().map(|b| b >> 4) {
                    Some(4) => Next::Ipv4,
                    Some(6) => Next::Ipv6,
                    Some(_) => {
                        let e = Error::malformed("IP", "version", 0, "version is neither 4 nor 6");
                        return Err(err(LayerKind::Ipv4, w.offset, e));
                    }
                    None => {
                        let e = short("IP", "version", 1, 0);
                        return Err(err(LayerKind::Ipv4, w.offset, e));
                    }
                },
                Next::Ipv4 | Next::Ipv6 if cfg.stop_after < Depth::Network => return Ok(()),
                Next::Ipv4 => self.ipv4(d, w)?,
                Next::Ipv6 => self.ipv6(d, w)?,
                Next::IpProto(_) if cfg.stop_after < Depth::Transport => return Ok(()),
                Next::IpProto(_) if w.non_first_fragment => return Ok(()),
                Next::IpProto(p) => {
                    if let Some(layer) = self.lookup(Key::IpProto(IpProto(p)), w.bytes) {
                        self.user_layer(d, w, layer.as_ref())?
                    } else {
                        // A tunnel (IP in IP) only at the application depth.
                        let tunnel = !w.quoted && cfg.stop_after >= Depth::Application;
                        match self.registry.builtins().ip_proto(IpProto(p)) {
                            Some(Builtin::Tcp) => self.tcp(d, w)?,
                            Some(Builtin::Udp) => self.udp(d, w)?,
                            Some(Builtin::Icmp) => self.icmp(d, w, false)?,
                            Some(Builtin::Icmpv6) => self.icmp(d, w, true)?,
                            Some(Builtin::Sctp) => self.sctp(d, w)?,
                            Some(Builtin::Ipv4) if tunnel => Next::Ipv4,
                            Some(Builtin::Ipv6) if tunnel => Next::Ipv6,
                            _ => Next::Done,
                        }
                    }
                }
            };
        }
        Ok(())
    }

    fn ethernet<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let v = Ethernet::view(w.bytes).map_err(|e| err(LayerKind::Ethernet, w.offset, e))?;
        if self.config.eth != Ethernet::NONE && d.eth.is_none() {
            d.eth = parse::<Ethernet>(w.bytes, self.config.eth, LayerKind::Ethernet, w.offset)?;
        }
        advance(d, w, LayerKind::Ethernet, v.header_len());
        Ok(Next::EtherType(v.ethertype()))
    }

    fn vlan<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        tpid: u16,
    ) -> Result<Next, DissectError> {
        let kind = if EtherType(tpid) == EtherType::QINQ {
            LayerKind::QinQ
        } else {
            LayerKind::Vlan
        };
        let v = VlanTag::view(w.bytes).map_err(|e| err(kind, w.offset, e))?;
        if self.config.vlan != VlanTag::NONE
            && let Some(tag) = parse::<VlanTag>(w.bytes, self.config.vlan, kind, w.offset)?
        {
            d.vlans.push(Vlan { tpid, tag });
        }
        if !w.quoted {
            if d.summary.vlan_count == 0 && kind == LayerKind::QinQ {
                d.summary.s_tag = true;
            }
            d.summary.push_vlan(v.vid());
        }
        advance(d, w, kind, v.header_len());
        Ok(Next::EtherType(v.ethertype()))
    }

    fn ipv4<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Ipv4::view(w.bytes).map_err(|e| err(LayerKind::Ipv4, start, e))?;
        let hlen = v.header_len();
        let payload = v.payload_within_total_len();
        // Total Length 0 (segmentation offload): the captured length.
        let declared = usize::from(v.total_len())
            .checked_sub(hlen)
            .filter(|_| v.total_len() != 0);
        if self.config.ipv4 != Ipv4::NONE {
            let at = At::new(LayerKind::Ipv4, start, w.quoted);
            let payload_len = if w.quoted { None } else { declared };
            push_hit(&mut d.ipv4, w.bytes, self.config.ipv4, at, payload_len)?;
        }
        let fragment = v.is_fragment();
        w.non_first_fragment = v.frag_offset() != 0;
        w.fragment = fragment;
        w.ip_payload_len = declared.or(Some(payload.len()));
        if !w.quoted {
            d.summary = PacketSummary {
                ip: Some(IpPair {
                    src: IpAddr::V4(v.src_addr()),
                    // A source-routed packet's flow ends at the route's end.
                    dst: IpAddr::V4(if v.ihl() > 5 {
                        v.final_dst()
                    } else {
                        v.dst_addr()
                    }),
                }),
                protocol: v.protocol(),
                is_fragment: fragment,
                l3_offset: offset16(start),
                ip_id: u32::from(v.ident()),
                frag_offset: v.frag_offset(),
                more_fragments: v.more_frags(),
                ..reset_l3(&d.summary)
            };
        }
        record(d, LayerKind::Ipv4, start, hlen, w.quoted);
        w.bytes = payload;
        w.offset = start + hlen;
        Ok(Next::IpProto(v.protocol()))
    }

    fn ipv6<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Ipv6::view(w.bytes).map_err(|e| err(LayerKind::Ipv6, start, e))?;
        let fixed = if self.config.ipv6 != Ipv6::NONE {
            parse::<Ipv6>(w.bytes, self.config.ipv6, LayerKind::Ipv6, start)?
        } else {
            None
        };
        let payload = v.payload_within_len();
        record(d, LayerKind::Ipv6, start, ipv6::HEADER_LEN, w.quoted);
        if !w.quoted {
            d.summary = PacketSummary {
                ip: Some(IpPair {
                    src: IpAddr::V6(v.src_addr()),
                    dst: IpAddr::V6(v.dst_addr()),
                }),
                protocol: v.next_header(),
                l3_offset: offset16(start),
                ..reset_l3(&d.summary)
            };
        }
        let ext_start = start + ipv6::HEADER_LEN;
        let (walk, failure) = ExtWalk::walk(v.next_header(), payload);
        let recorded = walk.recorded();
        for (i, &(nh, off)) in recorded.iter().enumerate() {
            // Each header ends where the next begins (or the walk ends).
            let end = recorded
                .get(i + 1)
                .map_or(walk.len, |&(_, next)| usize::from(next));
            let off = usize::from(off);
            record(
                d,
                LayerKind::Ipv6Ext(nh),
                ext_start + off,
                end.saturating_sub(off),
                w.quoted,
            );
        }
        if !w.quoted {
            d.summary.protocol = walk.protocol;
            d.summary.is_fragment = walk.fragment.is_some();
            if let Some(f) = walk.fragment {
                d.summary.ip_id = f.ident;
                d.summary.frag_offset = f.offset;
                d.summary.more_fragments = f.more;
            }
        }
        if let Some(e) = failure {
            if let Some(fixed) = fixed {
                d.ipv6.push(Hit {
                    header: Ipv6Layer { fixed, ext: walk },
                    offset: start,
                    quoted: w.quoted,
                    payload_len: None,
                });
            }
            // The error offset counts from the first extension header.
            return Err(err(LayerKind::Ipv6Ext(walk.protocol), ext_start, e));
        }
        let declared = match v.payload_len() {
            0 => payload.len(),
            n => usize::from(n),
        };
        let upper_len = declared.saturating_sub(walk.len);
        if let Some(fixed) = fixed {
            d.ipv6.push(Hit {
                header: Ipv6Layer { fixed, ext: walk },
                offset: start,
                quoted: w.quoted,
                payload_len: (!w.quoted).then_some(upper_len),
            });
        }
        w.ip_payload_len = Some(upper_len);
        w.non_first_fragment = matches!(walk.fragment, Some(f) if f.offset != 0);
        w.fragment = walk.fragment.is_some_and(|f| f.more || f.offset != 0);
        w.bytes = payload.get(walk.len..).unwrap_or(&[]);
        w.offset = ext_start + walk.len;
        Ok(Next::IpProto(walk.protocol))
    }

    fn tcp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = match Tcp::view(w.bytes) {
            Ok(v) => v,
            Err(e) => {
                // ICMP errors quote as little as 8 bytes of the segment, and
                // captures cut headers: keep the fixed fields that are there
                // (as tshark does), then report the cut unless quoted.
                if self.config.tcp != Tcp::NONE
                    && let Some(header) = partial_tcp(w.bytes, self.config.tcp)
                {
                    let hlen = w.bytes.get(12).map(|b| usize::from(b >> 4) * 4);
                    let payload_len = match (w.quoted || w.fragment, hlen, w.ip_payload_len) {
                        (false, Some(h), Some(n)) => Some(n.saturating_sub(h)),
                        _ => None,
                    };
                    d.tcp.push(Hit {
                        header,
                        offset: start,
                        quoted: w.quoted,
                        payload_len,
                    });
                }
                if !w.quoted {
                    self.partial_tcp_summary(d, w);
                } else if w.bytes.len() >= 4 {
                    record(d, LayerKind::Tcp, start, w.bytes.len(), true);
                    w.bytes = &[];
                    return Ok(Next::Done);
                }
                return Err(err(LayerKind::Tcp, start, e));
            }
        };
        let hlen = v.header_len();
        // tshark gives no tcp.len for a segment in a fragment.
        let payload_len = w
            .ip_payload_len
            .filter(|_| !w.fragment)
            .map(|n| n.saturating_sub(hlen));
        if self.config.tcp != Tcp::NONE {
            let at = At::new(LayerKind::Tcp, start, w.quoted);
            let len = if w.quoted { None } else { payload_len };
            push_hit(&mut d.tcp, w.bytes, self.config.tcp, at, len)?;
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.l4_offset = offset16(start);
            s.sport = v.src_port();
            s.dport = v.dst_port();
            s.tcp_flags = v.tcp_flags();
            s.tcp_seq = v.seq_num();
            s.tcp_ack = v.ack_num();
            s.payload_len = payload_len
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                .unwrap_or(0);
        }
        advance(d, w, LayerKind::Tcp, hlen);
        if w.quoted || self.config.stop_after < Depth::Application || w.bytes.is_empty() {
            return Ok(Next::Done);
        }
        let (sport, dport) = (v.src_port(), v.dst_port());
        for port in [dport, sport] {
            if let Some(layer) = self.lookup(Key::TcpPort(port), w.bytes) {
                return self.user_layer(d, w, layer.as_ref());
            }
        }
        let ports = &self.registry.builtins().tcp;
        if self.config.dns != DnsHeader::NONE && ports.has(sport, dport, Builtin::Dns) {
            // DNS over TCP: a 2-byte length prefix (RFC 1035 §4.2.2).
            let body = w.bytes.get(2..).unwrap_or(&[]);
            let len = w
                .bytes
                .get(..2)
                .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
            if let Some(len) = len {
                let msg = body.get(..len).unwrap_or(body);
                self.dns(d, msg, w.offset + 2, w.quoted)?;
            }
            return Ok(Next::Done);
        }
        if self.config.http
            && ports.has(sport, dport, Builtin::Http)
            && http::looks_like_http(w.bytes)
        {
            let msg = HttpMessage::parse(w.bytes).map_err(|e| err(LayerKind::Http, w.offset, e))?;
            record(d, LayerKind::Http, w.offset, msg.head_len(), w.quoted);
            d.http = Some(Hit {
                header: msg,
                offset: w.offset,
                quoted: w.quoted,
                payload_len: None,
            });
            return Ok(Next::Done);
        }
        if let Some(layer) = self.registry.heuristic(Key::TcpHeuristic, w.bytes) {
            return self.user_layer(d, w, layer.as_ref());
        }
        Ok(Next::Done)
    }

    /// Fills the summary from a TCP header cut short (ports, flags,
    /// sequence numbers, as far as they fit), so flows still see it.
    fn partial_tcp_summary(&self, d: &mut Dissection<'_>, w: &Walk<'_>) {
        let b = w.bytes;
        let be16 = |o: usize| b.get(o..o + 2).map(|x| u16::from_be_bytes([x[0], x[1]]));
        let be32 = |o: usize| {
            b.get(o..o + 4)
                .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
        };
        let (Some(sport), Some(dport)) = (be16(0), be16(2)) else {
            return;
        };
        let s = &mut d.summary;
        s.has_l4 = true;
        s.l4_offset = offset16(w.offset);
        s.sport = sport;
        s.dport = dport;
        s.tcp_seq = be32(4).unwrap_or(0);
        s.tcp_ack = be32(8).unwrap_or(0);
        s.tcp_flags = be16(12).map(TcpFlags::from_word).unwrap_or_default();
    }

    fn udp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Udp::view(w.bytes).map_err(|e| err(LayerKind::Udp, start, e))?;
        if self.config.udp != Udp::NONE {
            let at = At::new(LayerKind::Udp, start, w.quoted);
            let payload_len = if w.quoted {
                None
            } else {
                usize::from(v.length()).checked_sub(udp::HEADER_LEN)
            };
            push_hit(&mut d.udp, w.bytes, self.config.udp, at, payload_len)?;
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.l4_offset = offset16(start);
            s.sport = v.src_port();
            s.dport = v.dst_port();
            s.payload_len = u32::from(v.length().saturating_sub(8));
        }
        record(d, LayerKind::Udp, start, udp::HEADER_LEN, w.quoted);
        w.bytes = v.payload_within_len();
        w.offset = start + udp::HEADER_LEN;
        if self.config.stop_after < Depth::Application || w.bytes.is_empty() {
            return Ok(Next::Done);
        }
        let (sport, dport) = (v.src_port(), v.dst_port());
        for port in [dport, sport] {
            if let Some(layer) = self.lookup(Key::UdpPort(port), w.bytes) {
                return self.user_layer(d, w, layer.as_ref());
            }
        }
        let ports = &self.registry.builtins().udp;
        if !w.quoted && ports.has(sport, dport, Builtin::Gtp) {
            return self.gtp(d, w);
        }
        if self.config.dns != DnsHeader::NONE && ports.has(sport, dport, Builtin::Dns) {
            self.dns(d, w.bytes, w.offset, w.quoted)?;
            return Ok(Next::Done);
        }
        if let Some(layer) = self.registry.heuristic(Key::UdpHeuristic, w.bytes) {
            return self.user_layer(d, w, layer.as_ref());
        }
        Ok(Next::Done)
    }

    fn icmp<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        v6: bool,
    ) -> Result<Next, DissectError> {
        let start = w.offset;
        let kind = if v6 {
            LayerKind::Icmpv6
        } else {
            LayerKind::Icmp
        };
        let v = Icmp::view(w.bytes).map_err(|e| err(kind, start, e))?;
        let flags = if v6 {
            self.config.icmpv6
        } else {
            self.config.icmp
        };
        if flags != Icmp::NONE {
            let stack = if v6 { &mut d.icmpv6 } else { &mut d.icmp };
            push_hit(stack, w.bytes, flags, At::new(kind, start, w.quoted), None)?;
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.l4_offset = offset16(start);
            s.icmp_type = v.msg_type();
            s.icmp_code = v.code();
        }
        advance(d, w, kind, icmp::HEADER_LEN);
        let is_error = if v6 {
            icmpv6_type::is_error(v.msg_type())
        } else {
            icmp_type::is_error(v.msg_type())
        };
        if is_error && !w.quoted && self.config.icmp_quotes && !w.bytes.is_empty() {
            // The quote is dissected as further occurrences; an error inside
            // it is tolerated (quotes are cut by design) but reported.
            w.quoted = true;
            w.ip_payload_len = None;
            w.non_first_fragment = false;
            w.fragment = false;
            return Ok(if v6 { Next::Ipv6 } else { Next::Ipv4 });
        }
        Ok(Next::Done)
    }

    fn sctp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Sctp::view(w.bytes).map_err(|e| err(LayerKind::Sctp, start, e))?;
        if self.config.sctp != Sctp::NONE {
            let at = At::new(LayerKind::Sctp, start, w.quoted);
            push_hit(&mut d.sctp, w.bytes, self.config.sctp, at, None)?;
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.l4_offset = offset16(start);
            s.sport = v.src_port();
            s.dport = v.dst_port();
        }
        advance(d, w, LayerKind::Sctp, sctp::HEADER_LEN);
        Ok(Next::Done)
    }

    fn gtp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = GtpU::view(w.bytes).map_err(|e| err(LayerKind::Gtp, start, e))?;
        if self.config.gtp != GtpU::NONE {
            let at = At::new(LayerKind::Gtp, start, w.quoted);
            push_hit(&mut d.gtp, w.bytes, self.config.gtp, at, None)?;
        }
        let hlen = gtp::full_header_len(w.bytes).map_err(|e| err(LayerKind::Gtp, start, e))?;
        advance(d, w, LayerKind::Gtp, hlen);
        Ok(if v.msg_type() == gtp::G_PDU {
            Next::Ip
        } else {
            Next::Done
        })
    }

    fn dns<'a>(
        &self,
        d: &mut Dissection<'a>,
        msg: &'a [u8],
        offset: usize,
        quoted: bool,
    ) -> Result<(), DissectError> {
        let m = DnsMessage::parse_header_only(msg, self.config.dns)
            .map_err(|e| err(LayerKind::Dns, offset, e))?;
        record(d, LayerKind::Dns, offset, msg.len(), quoted);
        // A malformed or cut message is kept (its header and the items
        // before the damage, as tshark shows them) and the damage reported;
        // a quoted message is cut by design and not checked.
        let checked = if quoted { Ok(()) } else { m.validate() };
        d.dns.push(Hit {
            header: m,
            offset,
            quoted,
            payload_len: None,
        });
        checked.map_err(|e| err(LayerKind::Dns, offset, e))
    }

    fn user_layer<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        layer: &dyn UserLayer,
    ) -> Result<Next, DissectError> {
        let kind = LayerKind::User(layer.name());
        let step = layer.dissect(w.bytes).map_err(|e| err(kind, w.offset, e))?;
        let Some((header, payload)) = w.bytes.split_at_checked(step.header_len) else {
            let e = short(layer.name(), "(header)", step.header_len, w.bytes.len());
            return Err(err(kind, w.offset, e));
        };
        d.user.push(UserHit {
            name: layer.name(),
            offset: w.offset,
            header,
            payload,
        });
        advance(d, w, kind, step.header_len);
        // A user layer that does not advance can only go on to a
        // different kind of layer; MAX_STEPS bounds the rest.
        Ok(step.next)
    }
}

/// The summary with everything from layer 3 down cleared (for a new IP
/// layer: an inner tunnelled packet replaces the outer one).
/// A frame offset for the summary, saturating at `u16::MAX`.
fn offset16(offset: usize) -> u16 {
    u16::try_from(offset).unwrap_or(u16::MAX)
}

fn reset_l3(s: &PacketSummary) -> PacketSummary {
    PacketSummary {
        vlan_ids: s.vlan_ids,
        vlan_count: s.vlan_count,
        s_tag: s.s_tag,
        wire_len: s.wire_len,
        ethertype: s.ethertype,
        ..PacketSummary::new()
    }
}

/// A TCP header cut before its end (by an ICMP quote or the capture): the
/// fields that fit, as flagged (the derive's lax prefix parse), or `None`
/// if not even the ports are there.
fn partial_tcp<'a>(bytes: &'a [u8], flags: TcpFields) -> Option<Tcp<'a>> {
    bytes.get(..4)?;
    Some(Tcp::parse_prefix(bytes, flags, pcap_core::Endian::Big))
}

/// A buffer too short for `needed` bytes.
fn short(layer: &'static str, field: &'static str, needed: usize, available: usize) -> Error {
    Error::Truncated {
        layer,
        field,
        offset: 0,
        needed,
        available,
        limit: pcap_core::Limit::Buffer,
    }
}

fn err(layer: LayerKind, offset: usize, error: Error) -> DissectError {
    DissectError {
        layer,
        offset,
        error,
    }
}

/// Parses a layer's header with its flags, the layer located on error.
///
/// Out of line on purpose: inlined, the derived `parse`'s per-field flag
/// tests were hoisted to the walk's entry and ran for every packet, even
/// for layers whose flags are `NONE` (137 instructions per packet of a
/// summary-only walk, measured with callgrind).
#[inline(never)]
fn parse<'a, H: Header<'a>>(
    bytes: &'a [u8],
    flags: H::Flags,
    layer: LayerKind,
    offset: usize,
) -> Result<Option<H>, DissectError> {
    match H::parse(bytes, flags) {
        Ok((h, _)) => Ok(Some(h)),
        Err(e) => Err(err(layer, offset, e)),
    }
}

/// Where a layer is: its kind, its offset in the packet, and whether it
/// is inside an ICMP error's quote.
#[derive(Clone, Copy)]
struct At {
    layer: LayerKind,
    offset: usize,
    quoted: bool,
}

impl At {
    fn new(layer: LayerKind, offset: usize, quoted: bool) -> Self {
        At {
            layer,
            offset,
            quoted,
        }
    }
}

/// Parses a layer's header and pushes it, as a [`Hit`] with `payload_len`,
/// onto its stack; out of line, like [`parse`]. Building the `Hit` next to
/// the parse moves the (large: 24 bytes per field) header once, into its
/// slot, where returning it through `parse` and wrapping it moved it three
/// times.
#[inline(never)]
fn push_hit<'a, H: Header<'a>, const N: usize>(
    stack: &mut Stack<Hit<H>, N>,
    bytes: &'a [u8],
    flags: H::Flags,
    at: At,
    payload_len: Option<usize>,
) -> Result<(), DissectError> {
    match H::parse(bytes, flags) {
        Ok((header, _)) => {
            stack.push(Hit {
                header,
                offset: at.offset,
                quoted: at.quoted,
                payload_len,
            });
            Ok(())
        }
        Err(e) => Err(err(at.layer, at.offset, e)),
    }
}

/// [`parse`] in the given byte order.
#[inline(never)]
fn parse_endian<'a, H: Header<'a>>(
    bytes: &'a [u8],
    flags: H::Flags,
    endian: pcap_core::Endian,
    layer: LayerKind,
    offset: usize,
) -> Result<Option<H>, DissectError> {
    match H::parse_endian(bytes, flags, endian) {
        Ok((h, _)) => Ok(Some(h)),
        Err(e) => Err(err(layer, offset, e)),
    }
}

fn record(d: &mut Dissection<'_>, kind: LayerKind, offset: usize, len: usize, quoted: bool) {
    d.layers.push(LayerRecord {
        kind,
        offset,
        len,
        quoted,
    });
}

/// Records the layer and moves past its `len` header bytes (checked by the
/// layer's view before this is called).
fn advance<'a>(d: &mut Dissection<'a>, w: &mut Walk<'a>, kind: LayerKind, len: usize) {
    record(d, kind, w.offset, len, w.quoted);
    w.bytes = w.bytes.get(len..).unwrap_or(&[]);
    w.offset += len;
}
