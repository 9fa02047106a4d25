//! The built-in layers' dispatch facts, stated once: which EtherTypes, IP
//! protocols and UDP/TCP ports lead to which layer the walk decodes
//! itself. [`Registry`](super::Registry) holds them next to the registered
//! layers (a registered layer on the same key is tried first), and the
//! walk asks it; [`Registry::hook`](super::Registry::hook) hooks a
//! built-in layer on one more key (HTTP on port 8000, say).
//!
//! The lookups are one load each for the keys without a built-in layer
//! (a table indexed by IP protocol, one bit per port), so the walk costs
//! what its hand-written `match` cost.

use std::sync::Arc;

use pcap_core::{EtherType, IpProto};

use super::registry::Dispatch;

/// A layer the dissector's walk decodes itself (its parse and its flags
/// in [`Config`](super::Config)), as a dispatch table names it. Where two
/// could follow (a segment from DNS's port to HTTP's), the walk tries
/// them in a fixed order: GTP-U, then DNS, then HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Builtin {
    /// An 802.1Q C-tag or 802.1ad S-tag (the TPID says which).
    Vlan,
    /// IPv4 (also IPv4 in IPv4 and in IPv6).
    Ipv4,
    /// IPv6 (also IPv6 in IPv4 and in IPv6).
    Ipv6,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
    /// SCTP.
    Sctp,
    /// GTP-U (on UDP).
    Gtp,
    /// DNS (over UDP, or TCP after the length prefix).
    Dns,
    /// HTTP/1.x heads (on TCP, when the payload starts like HTTP).
    Http,
}

/// UDP ports DNS is looked for on: DNS, mDNS (RFC 6762), LLMNR (RFC 4795).
pub const DNS_UDP_PORTS: [u16; 3] = [53, 5353, 5355];

/// The built-in dispatch facts: every key a built-in layer is reached by.
pub fn builtin_keys() -> impl Iterator<Item = (Dispatch, Builtin)> {
    // The most common first: the walk searches them in this order.
    let ethertypes = [
        (EtherType::IPV4, Builtin::Ipv4),
        (EtherType::IPV6, Builtin::Ipv6),
        (EtherType::VLAN, Builtin::Vlan),
        (EtherType::QINQ, Builtin::Vlan),
        (EtherType::QINQ_OLD, Builtin::Vlan),
    ]
    .map(|(t, b)| (Dispatch::EtherType(t), b));
    let ip_protos = [
        (IpProto::TCP, Builtin::Tcp),
        (IpProto::UDP, Builtin::Udp),
        (IpProto::ICMP, Builtin::Icmp),
        (IpProto::ICMPV6, Builtin::Icmpv6),
        (IpProto::SCTP, Builtin::Sctp),
        (IpProto::IPV4, Builtin::Ipv4),
        (IpProto::IPV6, Builtin::Ipv6),
    ]
    .map(|(p, b)| (Dispatch::IpProto(p), b));
    let udp = std::iter::once((Dispatch::UdpPort(crate::gtp::PORT), Builtin::Gtp)).chain(
        DNS_UDP_PORTS
            .iter()
            .map(|&p| (Dispatch::UdpPort(p), Builtin::Dns)),
    );
    let tcp = std::iter::once((Dispatch::TcpPort(53), Builtin::Dns)).chain(
        crate::http::TSHARK_TCP_PORTS
            .iter()
            .map(|&p| (Dispatch::TcpPort(p), Builtin::Http)),
    );
    ethertypes
        .into_iter()
        .chain(ip_protos)
        .chain(udp)
        .chain(tcp)
}

/// Built-in layers on the ports of one transport: one bit per port, and
/// the (few) hooked ports with their layer.
#[derive(Clone)]
pub(super) struct PortTable {
    bits: Arc<[u64; 1024]>,
    layers: Vec<(u16, Builtin)>,
}

impl Default for PortTable {
    fn default() -> Self {
        PortTable {
            bits: Arc::new([0; 1024]),
            layers: Vec::new(),
        }
    }
}

impl PortTable {
    fn insert(&mut self, port: u16, layer: Builtin) {
        Arc::make_mut(&mut self.bits)[usize::from(port >> 6)] |= 1 << (port & 63);
        self.layers.retain(|&(p, _)| p != port);
        self.layers.push((port, layer));
    }

    #[inline(always)]
    fn get(&self, port: u16) -> Option<Builtin> {
        if self.bits[usize::from(port >> 6)] & (1 << (port & 63)) == 0 {
            return None;
        }
        self.find(port)
    }

    #[inline(never)]
    fn find(&self, port: u16) -> Option<Builtin> {
        self.layers
            .iter()
            .find(|&&(p, _)| p == port)
            .map(|&(_, l)| l)
    }

    /// Whether `layer` is on either port.
    #[inline(always)]
    pub(super) fn has(&self, sport: u16, dport: u16, layer: Builtin) -> bool {
        self.get(dport) == Some(layer) || self.get(sport) == Some(layer)
    }
}

/// The built-in layers by key: what the walk asks at every EtherType, IP
/// protocol and port.
#[derive(Clone)]
pub(super) struct BuiltinTable {
    /// By IP protocol number.
    ip_protos: [Option<Builtin>; 256],
    /// By EtherType (a handful: searched in order).
    ethertypes: Vec<(EtherType, Builtin)>,
    pub(super) udp: PortTable,
    pub(super) tcp: PortTable,
}

impl Default for BuiltinTable {
    /// The built-in facts of [`builtin_keys`].
    fn default() -> Self {
        let mut table = BuiltinTable {
            ip_protos: [None; 256],
            ethertypes: Vec::new(),
            udp: PortTable::default(),
            tcp: PortTable::default(),
        };
        for (key, layer) in builtin_keys() {
            table.insert(key, layer);
        }
        table
    }
}

impl BuiltinTable {
    /// Hooks `layer` on `key` (replacing what the key had); keys of kinds
    /// the walk does not ask for built-in layers (link types, heuristics,
    /// names) are ignored.
    pub(super) fn insert(&mut self, key: Dispatch, layer: Builtin) {
        match key {
            Dispatch::EtherType(t) => {
                self.ethertypes.retain(|&(k, _)| k != t);
                self.ethertypes.push((t, layer));
            }
            Dispatch::IpProto(p) => self.ip_protos[usize::from(p.0)] = Some(layer),
            Dispatch::UdpPort(p) => self.udp.insert(p, layer),
            Dispatch::TcpPort(p) => self.tcp.insert(p, layer),
            Dispatch::LinkType(_)
            | Dispatch::TcpHeuristic
            | Dispatch::UdpHeuristic
            | Dispatch::Named => {}
        }
    }

    /// Every (key, layer) of the table.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Dispatch, Builtin)> + '_ {
        let ethertypes = self
            .ethertypes
            .iter()
            .map(|&(t, l)| (Dispatch::EtherType(t), l));
        let protos = (0..=255u8).filter_map(|p| {
            self.ip_protos[usize::from(p)].map(|l| (Dispatch::IpProto(IpProto(p)), l))
        });
        let udp = self
            .udp
            .layers
            .iter()
            .map(|&(p, l)| (Dispatch::UdpPort(p), l));
        let tcp = self
            .tcp
            .layers
            .iter()
            .map(|&(p, l)| (Dispatch::TcpPort(p), l));
        ethertypes.chain(protos).chain(udp).chain(tcp)
    }

    /// The built-in layer of EtherType `t`.
    #[inline(always)]
    pub(super) fn ethertype(&self, t: EtherType) -> Option<Builtin> {
        self.ethertypes
            .iter()
            .find(|&&(k, _)| k == t)
            .map(|&(_, l)| l)
    }

    /// The built-in layer of IP protocol `p`.
    #[inline(always)]
    pub(super) fn ip_proto(&self, p: IpProto) -> Option<Builtin> {
        self.ip_protos[usize::from(p.0)]
    }
}
