//! Compiling an [`Expr`] into the predicate evaluated per packet, and
//! [`Needs`], the packet parts it reads.
//!
//! Compilation flattens nested `and`/`or` lists and merges, inside each
//! `or`, all address tests with the same direction into one [`IpSet`] and
//! all port tests with the same direction into one sorted range list: a
//! filter of ten thousand `host`/`net` alternatives (or a `--filter-file`)
//! costs one binary search per address, not ten thousand comparisons.

use std::net::IpAddr;

use super::ast::{Dir, Expr, Primitive};
use super::ipset::{IpNet, IpSet};
use crate::flow::PacketSummary;

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
    /// Evaluates the predicate on one packet.
    pub(crate) fn eval(&self, p: &PacketSummary) -> bool {
        match self {
            Node::Const(b) => *b,
            Node::Not(n) => !n.eval(p),
            Node::And(items) => items.iter().all(|n| n.eval(p)),
            Node::Or(items) => items.iter().any(|n| n.eval(p)),
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
        }
    }
}

fn merge_ports(mut ranges: Vec<(u16, u16)>) -> Box<[(u16, u16)]> {
    ranges.sort_unstable();
    let mut out: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out.into_boxed_slice()
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

fn compile_or(items: &[Expr]) -> Node {
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
            out.push(Node::Ports(DIRS[i], merge_ports(group)));
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
