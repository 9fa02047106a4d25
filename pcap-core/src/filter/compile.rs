//! Compiling an [`Expr`] into the predicate evaluated per packet, and
//! [`Needs`], the packet parts it reads.
//!
//! Compilation flattens nested `and`/`or` lists and merges, inside each
//! `or`, all address tests with the same direction into one [`IpSet`] and
//! all port tests with the same direction into one sorted range list: a
//! filter of ten thousand `host`/`net` alternatives (or a `--filter-file`)
//! costs one binary search per address, not ten thousand comparisons.

use std::net::IpAddr;

use super::ast::{Arith, Dir, Expr, Layer, Primitive, RelOp};
use super::ipset::{IpNet, IpSet};
use crate::flow::PacketSummary;
use crate::vocab::{EtherType, IpProto};

bitflags::bitflags! {
    /// The parts of a [`PacketSummary`] a consumer reads, so a dissector can
    /// parse only those.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Needs: u16 {
        /// `vlan_ids`, `vlan_count`, `s_tag`.
        const VLAN = 1 << 0;
        /// Whether there is an IP layer and its version (`ip` being `Some`).
        const IP_VERSION = 1 << 1;
        /// The IP source and destination addresses.
        const IP_ADDRS = 1 << 2;
        /// `protocol`: the upper-layer protocol after IPv6 extension headers.
        const IP_PROTO = 1 << 3;
        /// `sport`, `dport` and `has_l4` for TCP/UDP/SCTP.
        const PORTS = 1 << 4;
        /// `icmp_type`, `icmp_code` and `has_l4` for ICMP/ICMPv6.
        const ICMP = 1 << 5;
        /// `tcp_flags`, `tcp_seq`, `tcp_ack`, `payload_len`.
        const TCP = 1 << 6;
        /// `is_fragment`.
        const FRAGMENT = 1 << 7;
        /// `wire_len`.
        const LENGTH = 1 << 8;
        /// `ethertype` (and the VLAN tags it comes after): filled by the
        /// walk over the link layer, at any depth.
        const LINK = 1 << 9;
        /// The frame's bytes: the filter reads them (byte access such as
        /// `tcp[13]`, `ether host`), so it must be evaluated with
        /// [`Filter::matches_packet`](super::Filter::matches_packet) and the
        /// frame, and the offsets (`l3_offset`, `l4_offset`) of the layers
        /// it names must be filled.
        const FRAME = 1 << 10;
        /// Session metadata (`tls.sni == "x"`): only a session index can
        /// answer, so a packet filter refuses it
        /// ([`Filter::parse_for_packets`](super::Filter::parse_for_packets)).
        const META = 1 << 11;
        /// Everything the flow table and Community ID read.
        const FLOW = Self::VLAN.bits() | Self::IP_VERSION.bits() | Self::IP_ADDRS.bits()
            | Self::IP_PROTO.bits() | Self::PORTS.bits() | Self::ICMP.bits()
            | Self::TCP.bits() | Self::FRAGMENT.bits() | Self::LENGTH.bits();
    }
}

impl Primitive {
    /// What this test reads.
    pub fn needs(&self) -> Needs {
        match self {
            Primitive::Host { .. } | Primitive::Net { .. } => Needs::IP_VERSION | Needs::IP_ADDRS,
            Primitive::Port { .. } => Needs::IP_VERSION | Needs::IP_PROTO | Needs::PORTS,
            Primitive::Proto(_) => Needs::IP_VERSION | Needs::IP_PROTO,
            Primitive::Ip | Primitive::Ip6 => Needs::IP_VERSION,
            Primitive::Vlan(_) => Needs::VLAN,
            Primitive::EtherHost { .. } => Needs::VLAN | Needs::LINK | Needs::FRAME,
            Primitive::EtherProto(_) => Needs::LINK | Needs::IP_VERSION,
            Primitive::Compare { lhs, rhs, .. } => lhs.needs() | rhs.needs(),
            Primitive::Field(_) => Needs::META,
        }
    }
}

impl Arith {
    /// What evaluating this arithmetic expression reads.
    pub fn needs(&self) -> Needs {
        match self {
            Arith::Num(_) => Needs::empty(),
            Arith::Len => Needs::LENGTH,
            Arith::Load { layer, offset, .. } => {
                let layer = match layer {
                    Layer::Ether => Needs::FRAME,
                    Layer::Ip | Layer::Ip6 => Needs::FRAME | Needs::IP_VERSION,
                    // The transport header's offset is known once the walk
                    // reached it: the ports' depth.
                    Layer::Tcp | Layer::Udp => {
                        Needs::FRAME
                            | Needs::IP_VERSION
                            | Needs::IP_PROTO
                            | Needs::PORTS
                            | Needs::FRAGMENT
                    }
                    Layer::Icmp | Layer::Icmp6 => {
                        Needs::FRAME
                            | Needs::IP_VERSION
                            | Needs::IP_PROTO
                            | Needs::ICMP
                            | Needs::FRAGMENT
                    }
                };
                layer | offset.needs()
            }
            Arith::Neg(a) => a.needs(),
            Arith::Bin(_, a, b) => a.needs() | b.needs(),
        }
    }
}

impl Expr {
    /// What evaluating this expression reads.
    pub fn needs(&self) -> Needs {
        match self {
            Expr::Prim(p) => p.needs(),
            Expr::Not(e) => e.needs(),
            Expr::And(items) | Expr::Or(items) => {
                items.iter().fold(Needs::empty(), |n, e| n | e.needs())
            }
        }
    }
}

/// How addresses are matched.
#[derive(Clone, Debug)]
pub(crate) enum AddrMatch {
    Host(IpAddr),
    Net(IpNet),
    Set(IpSet),
}

impl AddrMatch {
    #[inline]
    fn contains(&self, a: &IpAddr) -> bool {
        match self {
            AddrMatch::Host(h) => h == a,
            AddrMatch::Net(n) => n.contains(a),
            AddrMatch::Set(s) => s.contains(a),
        }
    }
}

/// The compiled predicate.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Const(bool),
    Not(Box<Node>),
    And(Box<[Node]>),
    Or(Box<[Node]>),
    Addr(Dir, AddrMatch),
    /// Sorted, merged inclusive port ranges.
    Ports(Dir, Box<[(u16, u16)]>),
    Proto(u8),
    IpVersion(u8),
    Vlan(Option<u16>),
    EtherHost(Dir, [u8; 6]),
    EtherProto(u16),
    Compare(Box<(RelOp, Arith, Arith)>),
}

/// Evaluation that a failed byte access aborts: as in tcpdump's BPF, a
/// load past the captured bytes (or a division by zero) rejects the
/// packet outright, whatever the rest of the expression (`not tcp[100] =
/// 1` rejects a short segment).
type Verdict = Option<bool>;

/// The EtherTypes of 802.1Q / 802.1ad tags (and the old QinQ 0x9100).
fn is_vlan_tpid(t: u16) -> bool {
    EtherType(t).is_vlan()
}

fn be16(frame: &[u8], at: usize) -> Option<u16> {
    frame
        .get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
}

/// Whether the frame has an Ethernet header. The summary does not carry
/// the link type, so this checks that the frame's EtherType field at
/// offset 12 is the one the walk recorded (or a VLAN tag's, for tagged
/// frames): raw IP and loopback frames have no EtherType (0), and a Linux
/// cooked header carries its protocol at offset 14 or 0.
fn is_ethernet(p: &PacketSummary, frame: &[u8]) -> bool {
    if p.ethertype == 0 || frame.len() < 14 {
        return false;
    }
    match be16(frame, 12) {
        Some(t) if p.vlan_count == 0 => t == p.ethertype,
        Some(t) => is_vlan_tpid(t),
        None => false,
    }
}

/// The byte offset in the frame a byte access on `layer` counts from, or
/// `None` when the packet has no such header (the primitive is false).
fn layer_offset(layer: Layer, p: &PacketSummary) -> Option<usize> {
    let transport = |proto: u8| {
        (p.ip.is_some() && p.protocol == proto && p.has_l4 && !p.is_non_first_fragment())
            .then_some(usize::from(p.l4_offset))
    };
    match layer {
        Layer::Ether => Some(0),
        Layer::Ip => (p.ip_version() == 4).then_some(usize::from(p.l3_offset)),
        Layer::Ip6 => (p.ip_version() == 6).then_some(usize::from(p.l3_offset)),
        Layer::Tcp => transport(IpProto::TCP.0),
        Layer::Udp => transport(IpProto::UDP.0),
        Layer::Icmp => transport(IpProto::ICMP.0).filter(|_| p.ip_version() == 4),
        Layer::Icmp6 => transport(IpProto::ICMPV6.0).filter(|_| p.ip_version() == 6),
    }
}

/// The value of an arithmetic expression: `Err(())` rejects the packet
/// (out-of-bounds load, division by zero), `Ok(None)` makes the
/// comparison false (no such header), `Ok(Some(v))` is the value.
fn arith(a: &Arith, p: &PacketSummary, frame: &[u8]) -> Result<Option<u32>, ()> {
    Ok(Some(match a {
        Arith::Num(n) => *n,
        Arith::Len => p.wire_len,
        Arith::Load {
            layer,
            offset,
            size,
        } => {
            let Some(base) = layer_offset(*layer, p) else {
                return Ok(None);
            };
            let Some(off) = arith(offset, p, frame)? else {
                return Ok(None);
            };
            let at = base.checked_add(off as usize).ok_or(())?;
            let bytes = frame.get(at..at + usize::from(*size)).ok_or(())?;
            bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b))
        }
        Arith::Neg(x) => match arith(x, p, frame)? {
            Some(v) => v.wrapping_neg(),
            None => return Ok(None),
        },
        Arith::Bin(op, x, y) => {
            let (Some(x), Some(y)) = (arith(x, p, frame)?, arith(y, p, frame)?) else {
                return Ok(None);
            };
            op.apply(x, y).ok_or(())?
        }
    }))
}

#[inline]
fn by_dir(dir: Dir, src: impl Fn() -> bool, dst: impl Fn() -> bool) -> bool {
    match dir {
        Dir::Either => src() || dst(),
        Dir::Src => src(),
        Dir::Dst => dst(),
        Dir::Both => src() && dst(),
    }
}

fn port_in(ranges: &[(u16, u16)], port: u16) -> bool {
    if ranges.len() <= 4 {
        return ranges.iter().any(|&(lo, hi)| lo <= port && port <= hi);
    }
    let i = ranges.partition_point(|r| r.0 <= port);
    i > 0 && ranges[i - 1].1 >= port
}

impl Node {
    /// Evaluates a predicate that cannot abort (see [`can_abort`]) on one
    /// packet and its frame: plain boolean logic, the hot path.
    #[inline]
    pub(crate) fn eval(&self, p: &PacketSummary, frame: &[u8]) -> bool {
        match self {
            Node::Const(b) => *b,
            Node::Not(n) => !n.eval(p, frame),
            Node::And(items) => items.iter().all(|n| n.eval(p, frame)),
            Node::Or(items) => items.iter().any(|n| n.eval(p, frame)),
            Node::Addr(dir, m) => match &p.ip {
                Some(ip) => by_dir(*dir, || m.contains(&ip.src), || m.contains(&ip.dst)),
                None => false,
            },
            Node::Ports(dir, ranges) => {
                p.has_ports()
                    && by_dir(
                        *dir,
                        || port_in(ranges, p.sport),
                        || port_in(ranges, p.dport),
                    )
            }
            Node::Proto(n) => p.ip.is_some() && p.protocol == *n,
            Node::IpVersion(v) => p.ip_version() == *v,
            Node::Vlan(None) => p.vlan_count > 0,
            Node::Vlan(Some(id)) => p.vlans().contains(id),
            Node::EtherHost(..) | Node::EtherProto(_) | Node::Compare(_) => {
                self.leaf(p, frame).unwrap_or(false)
            }
        }
    }

    /// Evaluates any predicate: `None` when a byte access or a division
    /// rejects the packet (BPF's semantics: the whole filter fails).
    pub(crate) fn verdict(&self, p: &PacketSummary, frame: &[u8]) -> Verdict {
        match self {
            Node::Not(n) => Some(!n.verdict(p, frame)?),
            Node::And(items) => {
                for n in items {
                    if !n.verdict(p, frame)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            Node::Or(items) => {
                for n in items {
                    if n.verdict(p, frame)? {
                        return Some(true);
                    }
                }
                Some(false)
            }
            Node::EtherHost(..) | Node::EtherProto(_) | Node::Compare(_) => self.leaf(p, frame),
            _ => Some(self.eval(p, frame)),
        }
    }

    /// The primitives that read the frame or the EtherType.
    fn leaf(&self, p: &PacketSummary, frame: &[u8]) -> Verdict {
        Some(match self {
            Node::EtherHost(dir, mac) => {
                is_ethernet(p, frame)
                    && by_dir(
                        *dir,
                        || frame.get(6..12) == Some(&mac[..]),
                        || frame.get(..6) == Some(&mac[..]),
                    )
            }
            Node::EtherProto(t) => {
                if p.ethertype != 0 {
                    p.ethertype == *t
                } else {
                    // No link-layer EtherType (raw IP, loopback): the IP
                    // version stands for it.
                    match EtherType(*t) {
                        EtherType::IPV4 => p.ip_version() == 4,
                        EtherType::IPV6 => p.ip_version() == 6,
                        _ => false,
                    }
                }
            }
            Node::Compare(c) => {
                let (op, lhs, rhs) = &**c;
                let l = arith(lhs, p, frame).ok()?;
                let r = arith(rhs, p, frame).ok()?;
                match (l, r) {
                    (Some(l), Some(r)) => op.holds(l, r),
                    _ => false,
                }
            }
            _ => unreachable!("not a frame primitive"),
        })
    }
}

/// Sorted, merged inclusive port ranges (adjacent ones joined): how the
/// packet predicate tests many ports, and how a session search (the
/// store's SQL translation) writes them.
pub fn merge_ports(mut ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    ranges.sort_unstable();
    let mut out: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Compiles an expression into a predicate.
pub(crate) fn compile(e: &Expr) -> Node {
    match e {
        Expr::Prim(p) => compile_prim(p),
        Expr::Not(inner) => match compile(inner) {
            Node::Const(b) => Node::Const(!b),
            Node::Not(n) => *n,
            n => Node::Not(Box::new(n)),
        },
        Expr::And(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match compile(item) {
                    Node::Const(true) => {}
                    Node::Const(false) => return Node::Const(false),
                    Node::And(inner) => out.extend(inner.into_vec()),
                    n => out.push(n),
                }
            }
            match out.len() {
                0 => Node::Const(true),
                1 => out.pop().expect("one node"),
                _ => Node::And(out.into_boxed_slice()),
            }
        }
        Expr::Or(items) => compile_or(items),
    }
}

fn compile_prim(p: &Primitive) -> Node {
    match p {
        Primitive::Host { dir, addr } => Node::Addr(*dir, AddrMatch::Host(*addr)),
        Primitive::Net { dir, net } => Node::Addr(*dir, AddrMatch::Net(*net)),
        Primitive::Port { dir, first, last } => {
            Node::Ports(*dir, vec![(*first, *last)].into_boxed_slice())
        }
        Primitive::Proto(n) => Node::Proto(*n),
        Primitive::Ip => Node::IpVersion(4),
        Primitive::Ip6 => Node::IpVersion(6),
        Primitive::Vlan(id) => Node::Vlan(*id),
        Primitive::EtherHost { dir, mac } => Node::EtherHost(*dir, mac.octets()),
        Primitive::EtherProto(t) => Node::EtherProto(*t),
        Primitive::Compare { op, lhs, rhs } => {
            Node::Compare(Box::new((*op, lhs.clone(), rhs.clone())))
        }
        // A packet carries no session metadata (packet filters refuse
        // these tests before they get here).
        Primitive::Field(_) => Node::Const(false),
    }
}

const DIRS: [Dir; 4] = [Dir::Either, Dir::Src, Dir::Dst, Dir::Both];

fn dir_index(d: Dir) -> usize {
    match d {
        Dir::Either => 0,
        Dir::Src => 1,
        Dir::Dst => 2,
        Dir::Both => 3,
    }
}

/// Whether evaluating `e` may reject the packet outright (a byte access
/// or a division): such alternatives must keep their order.
pub(crate) fn can_abort(e: &Expr) -> bool {
    fn arith(a: &Arith) -> bool {
        match a {
            Arith::Num(_) | Arith::Len => false,
            Arith::Load { .. } => true,
            Arith::Neg(x) => arith(x),
            Arith::Bin(op, x, y) => {
                matches!(op, super::ast::ArithOp::Div | super::ast::ArithOp::Mod)
                    || arith(x)
                    || arith(y)
            }
        }
    }
    match e {
        Expr::Prim(Primitive::Compare { lhs, rhs, .. }) => arith(lhs) || arith(rhs),
        Expr::Prim(_) => false,
        Expr::Not(x) => can_abort(x),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().any(can_abort),
    }
}

fn compile_or(items: &[Expr]) -> Node {
    if items.iter().any(can_abort) {
        // Merging would move address tests before a byte access that can
        // reject the packet: evaluate in the written order instead.
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match compile(item) {
                Node::Or(inner) => out.extend(inner.into_vec()),
                n => out.push(n),
            }
        }
        return match out.len() {
            1 => out.pop().expect("one node"),
            _ => Node::Or(out.into_boxed_slice()),
        };
    }
    // Alternatives on addresses / ports, grouped by direction. `Both`
    // cannot be merged (src in A and dst in B differs from both in A∪B),
    // so it stays separate.
    let mut nets: [Vec<IpNet>; 4] = Default::default();
    let mut ports: [Vec<(u16, u16)>; 4] = Default::default();
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for item in items {
        match item {
            Expr::Prim(Primitive::Host { dir, addr }) if *dir != Dir::Both => {
                nets[dir_index(*dir)].push(IpNet::host(*addr));
            }
            Expr::Prim(Primitive::Net { dir, net }) if *dir != Dir::Both => {
                nets[dir_index(*dir)].push(*net);
            }
            Expr::Prim(Primitive::Port { dir, first, last }) if *dir != Dir::Both => {
                ports[dir_index(*dir)].push((*first, *last));
            }
            other => pending.push(other),
        }
    }
    for (i, group) in nets.into_iter().enumerate() {
        match group.len() {
            0 => {}
            1 => {
                let net = group[0];
                let m = if net.is_host() {
                    AddrMatch::Host(net.addr())
                } else {
                    AddrMatch::Net(net)
                };
                out.push(Node::Addr(DIRS[i], m));
            }
            _ => out.push(Node::Addr(DIRS[i], AddrMatch::Set(IpSet::from_nets(group)))),
        }
    }
    for (i, group) in ports.into_iter().enumerate() {
        if !group.is_empty() {
            out.push(Node::Ports(DIRS[i], merge_ports(group).into_boxed_slice()));
        }
    }
    for item in pending {
        match compile(item) {
            Node::Const(false) => {}
            Node::Const(true) => return Node::Const(true),
            Node::Or(inner) => out.extend(inner.into_vec()),
            n => out.push(n),
        }
    }
    match out.len() {
        0 => Node::Const(false),
        1 => out.pop().expect("one node"),
        _ => Node::Or(out.into_boxed_slice()),
    }
}

/// The value of an arithmetic expression without a packet (constants and
/// operators only; for tests of the parser's precedence).
#[cfg(test)]
pub(crate) fn eval_const(a: &Arith) -> Option<u32> {
    arith(a, &PacketSummary::new(), &[]).ok().flatten()
}
