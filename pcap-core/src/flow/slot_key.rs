//! [`SlotKey`]: the flow table's compact internal key, and [`KeySeed`],
//! its seeded hash.

use std::hash::BuildHasher;
use std::net::IpAddr;

use super::community_id::{FlowKey, Side, icmp_port_equivalents};
use super::summary::{IpPair, PacketSummary};
use crate::vocab::IpProto;

/// The table's internal form of a [`FlowKey`]: five plain words, so that
/// hashing is a few multiplies and comparing is five integer compares
/// (the public key's two `IpAddr` enums hash byte by byte and compare per
/// variant).
///
/// Words 0–1 are address A (low, high 64 bits of its big-endian value; an
/// IPv4 address is its 32-bit value), words 2–3 address B, and word 4 packs
/// the protocol (bits 0–7), `has_ports` (bit 8), whether A / B are IPv6
/// (bits 9 / 10, so `::ffff:a.b.c.d` and `a.b.c.d` stay apart), port A
/// (bits 16–31) and port B (bits 32–47).
#[derive(Clone, Copy, Debug)]
pub(super) struct SlotKey(pub(super) [u64; 5]);

impl PartialEq for SlotKey {
    #[inline]
    fn eq(&self, other: &SlotKey) -> bool {
        // Word by word without branches: the derived array comparison
        // becomes a `memcmp` call.
        let (a, b) = (&self.0, &other.0);
        ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4])) == 0
    }
}

impl Eq for SlotKey {}

/// An address as Community ID orders them: (is IPv6, big-endian value).
/// Comparing these tuples is [`FlowKey::new`]'s order (IPv4 before IPv6,
/// then network-order bytes).
#[inline]
pub(super) fn addr_rank(addr: IpAddr) -> (bool, u128) {
    match addr {
        IpAddr::V4(a) => (false, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, u128::from(a)),
    }
}

impl SlotKey {
    #[inline]
    pub(super) fn pack(
        a: (bool, u128),
        b: (bool, u128),
        proto: u8,
        has_ports: bool,
        port_a: u16,
        port_b: u16,
    ) -> SlotKey {
        let meta = u64::from(proto)
            | u64::from(has_ports) << 8
            | u64::from(a.0) << 9
            | u64::from(b.0) << 10
            | u64::from(port_a) << 16
            | u64::from(port_b) << 32;
        SlotKey([
            a.1 as u64,
            (a.1 >> 64) as u64,
            b.1 as u64,
            (b.1 >> 64) as u64,
            meta,
        ])
    }

    /// The internal form of a public key (used when a session leaves).
    pub(super) fn from_flow_key(k: &FlowKey) -> SlotKey {
        SlotKey::pack(
            addr_rank(k.addr_a),
            addr_rank(k.addr_b),
            k.proto,
            k.has_ports,
            k.port_a,
            k.port_b,
        )
    }

    /// The key of an IP packet and which side its source is on: exactly
    /// `FlowKey::from_summary` (ICMP port mapping, endpoint order), done on
    /// integers and without building the public key, which only a new
    /// session needs.
    #[inline]
    pub(super) fn of_packet(pkt: &PacketSummary, ip: IpPair) -> (SlotKey, Side) {
        let proto = pkt.protocol;
        let (has_ports, sport, dport, one_way) = match IpProto(proto) {
            IpProto::TCP | IpProto::UDP | IpProto::SCTP if pkt.has_l4 => {
                (true, pkt.sport, pkt.dport, false)
            }
            IpProto::ICMP | IpProto::ICMPV6 if pkt.has_l4 => {
                let (t, c, one_way) = icmp_port_equivalents(proto, pkt.icmp_type, pkt.icmp_code);
                (true, t, c, one_way)
            }
            _ => (false, 0, 0, false),
        };
        if let (IpAddr::V4(s), IpAddr::V4(d)) = (ip.src, ip.dst) {
            // The common case: order (address, port) as one integer.
            let (s, d) = (u32::from(s), u32::from(d));
            let src = u64::from(s) << 16 | u64::from(sport);
            let dst = u64::from(d) << 16 | u64::from(dport);
            let (a, b, side) = if one_way || src <= dst {
                (src, dst, Side::A)
            } else {
                (dst, src, Side::B)
            };
            let meta = u64::from(proto)
                | u64::from(has_ports) << 8
                | (a & 0xffff) << 16
                | (b & 0xffff) << 32;
            return (SlotKey([a >> 16, 0, b >> 16, 0, meta]), side);
        }
        let (src, dst) = (addr_rank(ip.src), addr_rank(ip.dst));
        // Smaller address first, equal addresses by port; one-way ICMP
        // keeps its direction.
        if one_way || (src, sport) <= (dst, dport) {
            (
                SlotKey::pack(src, dst, proto, has_ports, sport, dport),
                Side::A,
            )
        } else {
            (
                SlotKey::pack(dst, src, proto, has_ports, dport, sport),
                Side::B,
            )
        }
    }
}

/// The secret keys of a table's [`SlotKey`] hash, drawn from the standard
/// library's random source per table so that an attacker cannot
/// precompute colliding tuples (not a cryptographic guarantee, as with any
/// fast keyed hash).
#[derive(Clone, Copy, Debug)]
pub(super) struct KeySeed {
    k: [u64; 4],
}

/// The high and low halves of the 128-bit product, XORed.
#[inline]
pub(super) fn folded_multiply(x: u64, y: u64) -> u64 {
    let p = u128::from(x) * u128::from(y);
    (p as u64) ^ ((p >> 64) as u64)
}

impl KeySeed {
    pub(super) fn random() -> KeySeed {
        let rs = std::collections::hash_map::RandomState::new();
        KeySeed {
            k: [0x5eed_u64, 1, 2, 3].map(|i| rs.hash_one(i)),
        }
    }

    /// A 32-bit hash of `key`. Each address is one folded 64×64→128
    /// multiply of its halves XORed with secret keys (as foldhash and
    /// aHash's fallback do; the two run in parallel), and a last folded
    /// multiply mixes them with the ports/protocol word, so every output
    /// bit depends on every input bit. The rotation makes the order of the
    /// two addresses matter.
    #[inline]
    pub(super) fn hash(&self, key: &SlotKey) -> u32 {
        let [a0, a1, b0, b1, meta] = key.0;
        let k = &self.k;
        let a = folded_multiply(a0 ^ k[0], a1 ^ k[1]);
        let b = folded_multiply(b0 ^ k[0], b1 ^ k[1]);
        let h = folded_multiply(a.rotate_left(23) ^ b ^ k[2], meta ^ k[3]);
        (h >> 32) as u32
    }
}
