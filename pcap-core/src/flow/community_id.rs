//! Community ID v1 flow hashing, and [`FlowKey`], the canonical
//! (direction-free) 5-tuple it hashes — also the key of the
//! [`FlowTable`](super::FlowTable).
//!
//! The algorithm, per <https://github.com/corelight/community-id-spec>:
//!
//! 1. ICMP/ICMPv6 have no ports: the type becomes the source "port"; for
//!    the request/reply pairs below the destination "port" is the type of
//!    the counterpart message, otherwise (a *one-way* message such as
//!    destination unreachable) it is the code.
//! 2. The endpoints are ordered so that the smaller (address, port) comes
//!    first (addresses compared as network-order bytes, then ports) —
//!    except for one-way ICMP messages, which keep their direction.
//! 3. SHA-1 over: the seed (2 bytes, big-endian), address A (4 or 16
//!    bytes), address B, the protocol (1 byte), a zero byte, then — only
//!    for TCP, UDP, SCTP, ICMP and ICMPv6 with a transport header — port A
//!    and port B (2 bytes each, big-endian). Other protocols, and packets
//!    without a transport header (non-first fragments), hash without ports.
//! 4. `"1:"` followed by the base64 of the 20-byte digest.
//!
//! Two-way ICMP pairs: echo (8/0), timestamp (13/14), information (15/16),
//! address mask (17/18), and router solicitation 10 → advertisement 9 (only
//! that direction is listed by the reference implementation, so an
//! unsolicited advertisement is one-way). ICMPv6: echo (128/129), MLD query
//! and report (130/131), router solicitation/advertisement (133/134),
//! neighbor solicitation/advertisement (135/136), node information query
//! and response (139/140), home agent address discovery (144/145).
//!
//! Nothing here allocates except `CommunityId::to_string` and
//! [`CommunityId::hex`]; [`CommunityId`] itself is a small `Copy` value
//! holding the text.

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use sha1::{Digest as _, Sha1};

use super::summary::PacketSummary;
use crate::vocab::IpProto;

/// The canonical, direction-free flow tuple that Community ID hashes.
///
/// Built with [`FlowKey::from_summary`] or [`FlowKey::new`], which apply the
/// ICMP port mapping and the endpoint ordering; two packets of the same
/// flow, in either direction, give equal keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    /// The first endpoint's address as hashed (the smaller one, except for
    /// one-way ICMP where it is the source).
    pub addr_a: IpAddr,
    /// The second endpoint's address.
    pub addr_b: IpAddr,
    /// The IP protocol number.
    pub proto: u8,
    /// Whether ports (or ICMP type/code equivalents) are part of the key.
    pub has_ports: bool,
    /// The first endpoint's port (ICMP: see the module docs); 0 without ports.
    pub port_a: u16,
    /// The second endpoint's port; 0 without ports.
    pub port_b: u16,
}

/// Where a packet's source sits in its [`FlowKey`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The packet's source is endpoint A.
    A,
    /// The packet's source is endpoint B (the endpoints were swapped).
    B,
}

/// Whether `proto` carries ports (or ICMP type/code) in Community ID v1.
pub fn proto_has_ports(proto: u8) -> bool {
    let proto = IpProto(proto);
    proto.has_ports() || proto.is_icmp()
}

/// Maps an ICMP (`proto` 1) or ICMPv6 (`proto` 58) type and code to the
/// Community ID port pair, and whether the message is one-way.
///
/// Returns `(type, counterpart type, false)` for request/reply pairs and
/// `(type, code, true)` otherwise.
pub fn icmp_port_equivalents(proto: u8, icmp_type: u8, code: u8) -> (u16, u16, bool) {
    let counterpart = if proto == IpProto::ICMPV6.0 {
        match icmp_type {
            128 => Some(129),
            129 => Some(128),
            130 => Some(131),
            131 => Some(130),
            133 => Some(134),
            134 => Some(133),
            135 => Some(136),
            136 => Some(135),
            139 => Some(140),
            140 => Some(139),
            144 => Some(145),
            145 => Some(144),
            _ => None,
        }
    } else {
        match icmp_type {
            8 => Some(0),
            0 => Some(8),
            13 => Some(14),
            14 => Some(13),
            15 => Some(16),
            16 => Some(15),
            10 => Some(9),
            17 => Some(18),
            18 => Some(17),
            _ => None,
        }
    };
    match counterpart {
        Some(other) => (u16::from(icmp_type), other, false),
        None => (u16::from(icmp_type), u16::from(code), true),
    }
}

/// Orders addresses as Community ID does: by family (IPv4 first, which
/// never decides between real endpoints) then network-order bytes.
fn addr_lt(a: &IpAddr, b: &IpAddr) -> bool {
    match (a, b) {
        (IpAddr::V4(x), IpAddr::V4(y)) => x.octets() < y.octets(),
        (IpAddr::V6(x), IpAddr::V6(y)) => x.octets() < y.octets(),
        (IpAddr::V4(_), IpAddr::V6(_)) => true,
        (IpAddr::V6(_), IpAddr::V4(_)) => false,
    }
}

impl FlowKey {
    /// The key of a directional tuple. `ports` is `Some((sport, dport))`
    /// for TCP/UDP/SCTP, `Some((type, code))` for ICMP/ICMPv6, and `None`
    /// when the transport header is absent (ignored for protocols without
    /// ports). Returns the key and which side the tuple's source is on.
    pub fn new(src: IpAddr, dst: IpAddr, proto: u8, ports: Option<(u16, u16)>) -> (FlowKey, Side) {
        let ports = ports.filter(|_| proto_has_ports(proto));
        let (sport, dport, one_way) = match ports {
            None => (0, 0, false),
            Some((t, c)) if IpProto(proto).is_icmp() => {
                // Type and code are single bytes on the wire; the tuple
                // form carries them in u16s.
                icmp_port_equivalents(proto, t as u8, c as u8)
            }
            Some((s, d)) => (s, d, false),
        };
        let in_order = one_way || addr_lt(&src, &dst) || (src == dst && sport <= dport);
        let has_ports = ports.is_some();
        if in_order {
            let key = FlowKey {
                addr_a: src,
                addr_b: dst,
                proto,
                has_ports,
                port_a: sport,
                port_b: dport,
            };
            (key, Side::A)
        } else {
            let key = FlowKey {
                addr_a: dst,
                addr_b: src,
                proto,
                has_ports,
                port_a: dport,
                port_b: sport,
            };
            (key, Side::B)
        }
    }

    /// The key of a packet, or `None` for a non-IP frame.
    pub fn from_summary(pkt: &PacketSummary) -> Option<(FlowKey, Side)> {
        let ip = pkt.ip?;
        let ports = if !pkt.has_l4 {
            None
        } else if IpProto(pkt.protocol).is_icmp() {
            Some((u16::from(pkt.icmp_type), u16::from(pkt.icmp_code)))
        } else {
            Some((pkt.sport, pkt.dport))
        };
        Some(FlowKey::new(ip.src, ip.dst, pkt.protocol, ports))
    }

    /// The Community ID v1 of this flow with the given seed (0 is the
    /// standard default).
    pub fn community_id(&self, seed: u16) -> CommunityId {
        CommunityId::from_digest(self.digest(seed))
    }

    /// The SHA-1 digest Community ID encodes.
    pub fn digest(&self, seed: u16) -> [u8; 20] {
        // seed 2 + addresses 2*16 + proto 1 + pad 1 + ports 4 = 40 at most.
        let mut buf = [0u8; 40];
        let mut len = 0;
        let mut put = |bytes: &[u8]| {
            buf[len..len + bytes.len()].copy_from_slice(bytes);
            len += bytes.len();
        };
        put(&seed.to_be_bytes());
        for addr in [self.addr_a, self.addr_b] {
            match addr {
                IpAddr::V4(a) => put(&a.octets()),
                IpAddr::V6(a) => put(&a.octets()),
            }
        }
        put(&[self.proto, 0]);
        if self.has_ports {
            put(&self.port_a.to_be_bytes());
            put(&self.port_b.to_be_bytes());
        }
        Sha1::digest(&buf[..len]).into()
    }
}

/// The Community ID of a packet with the default seed 0, or `None` for a
/// non-IP frame.
pub fn community_id(pkt: &PacketSummary) -> Option<CommunityId> {
    FlowKey::from_summary(pkt).map(|(key, _)| key.community_id(0))
}

/// Length of a v1 Community ID string: `"1:"` + 28 base64 characters.
pub const COMMUNITY_ID_LEN: usize = 30;

/// A Community ID v1 value: the digest and its text, on the stack.
///
/// `as_str()` gives `1:...=` without allocating; `Display` prints the same.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommunityId {
    text: [u8; COMMUNITY_ID_LEN],
    digest: [u8; 20],
}

impl CommunityId {
    /// Wraps a SHA-1 digest, rendering `"1:" + base64(digest)`.
    pub fn from_digest(digest: [u8; 20]) -> CommunityId {
        let mut text = [0u8; COMMUNITY_ID_LEN];
        text[0] = b'1';
        text[1] = b':';
        let written = base64::engine::general_purpose::STANDARD
            .encode_slice(digest, &mut text[2..])
            .expect("28 bytes hold the base64 of 20");
        debug_assert_eq!(written, COMMUNITY_ID_LEN - 2);
        CommunityId { text, digest }
    }

    /// The ID as text, `1:` followed by base64.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written into `text`.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The 20-byte SHA-1 digest.
    pub fn digest(&self) -> [u8; 20] {
        self.digest
    }

    /// The un-encoded form some tools print (`community-id --no-base64`):
    /// `1:` followed by the digest in lower-case hex.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(42);
        s.push_str("1:");
        for b in self.digest {
            s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
        }
        s
    }
}

impl fmt::Display for CommunityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CommunityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommunityId({})", self.as_str())
    }
}

impl AsRef<str> for CommunityId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::TcpFlags;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cid(src: &str, dst: &str, proto: u8, ports: Option<(u16, u16)>, seed: u16) -> String {
        FlowKey::new(ip(src), ip(dst), proto, ports)
            .0
            .community_id(seed)
            .to_string()
    }

    // Expected values computed independently with Python's hashlib/base64
    // over the byte layout of the spec (seed, addrs, proto, 0, ports).
    #[test]
    fn spec_example_tcp_both_directions() {
        let want = "1:F/BCgQTUT/FXrTnSBgdsKwJ26iE=";
        assert_eq!(cid("10.0.0.1", "127.0.0.1", 6, Some((1234, 80)), 0), want);
        assert_eq!(cid("127.0.0.1", "10.0.0.1", 6, Some((80, 1234)), 0), want);
        let key = FlowKey::new(ip("10.0.0.1"), ip("127.0.0.1"), 6, Some((1234, 80))).0;
        assert_eq!(
            key.community_id(0).hex(),
            "1:17f0428104d44ff157ad39d206076c2b0276ea21"
        );
    }

    #[test]
    fn seed_changes_the_hash() {
        assert_eq!(
            cid("10.0.0.1", "127.0.0.1", 6, Some((1234, 80)), 1),
            "1:KXW93/jAcpeBncylgsTkLvvHFIU="
        );
        assert_eq!(
            cid("fe80::1", "ff02::1", 132, Some((1, 2)), 65535),
            "1:+ZqGXdfkSkFsFytPqN8SFTh/8BQ="
        );
    }

    #[test]
    fn equal_addresses_order_by_port() {
        let want = "1:IvItTUOawU/W0PanSSkqBbmNiPA=";
        assert_eq!(cid("1.2.3.4", "1.2.3.4", 17, Some((53, 5353)), 0), want);
        assert_eq!(cid("1.2.3.4", "1.2.3.4", 17, Some((5353, 53)), 0), want);
    }

    #[test]
    fn ipv6_udp() {
        let want = "1:sEzqFsMvqwEs2PgSeOAwGpzkZJo=";
        assert_eq!(
            cid("2001:db8::1", "2001:db8::2", 17, Some((5353, 53)), 0),
            want
        );
        assert_eq!(
            cid("2001:db8::2", "2001:db8::1", 17, Some((53, 5353)), 0),
            want
        );
    }

    #[test]
    fn protocol_without_ports_hashes_addresses_only() {
        let want = "1:bOytK/sGNzEv+22bss3rOLLvqFA=";
        // GRE: any ports given are ignored.
        assert_eq!(cid("192.168.1.2", "192.168.1.1", 47, Some((1, 2)), 0), want);
        assert_eq!(cid("192.168.1.1", "192.168.1.2", 47, None, 0), want);
    }

    #[test]
    fn icmp_echo_pairs_and_one_way_messages() {
        // Echo request 10.0.0.1 -> 10.0.0.2 hashes (8, 0); the reply
        // (type 0) from the other side maps to the same tuple.
        let want = "1:YcMyyWJfhc95EW1GfXt6jlZ3DiQ=";
        assert_eq!(cid("10.0.0.1", "10.0.0.2", 1, Some((8, 0)), 0), want);
        assert_eq!(cid("10.0.0.2", "10.0.0.1", 1, Some((0, 0)), 0), want);
        // Port unreachable (3/3) is one-way: no reordering even though the
        // source address is the larger one.
        assert_eq!(
            cid("10.0.0.9", "10.0.0.1", 1, Some((3, 3)), 0),
            "1:9mDWAIBS64NSNqk/GzztebxIxzo="
        );
        // ICMPv6 router advertisement (134) pairs with solicitation (133).
        assert_eq!(
            cid("fe80::1", "ff02::1", 58, Some((134, 0)), 0),
            "1:Ilg4oMT5cEP8nHg384C0O3MLdD0="
        );
        assert_eq!(icmp_port_equivalents(1, 9, 0), (9, 0, true));
        assert_eq!(icmp_port_equivalents(58, 135, 0), (135, 136, false));
    }

    #[test]
    fn summary_keys_agree_in_both_directions() {
        let a = ip("192.168.0.10");
        let b = ip("8.8.8.8");
        let out = PacketSummary::tcp(a, 40000, b, 443, TcpFlags::SYN);
        let back = PacketSummary::tcp(b, 443, a, 40000, TcpFlags::SYN | TcpFlags::ACK);
        let (k1, s1) = FlowKey::from_summary(&out).unwrap();
        let (k2, s2) = FlowKey::from_summary(&back).unwrap();
        assert_eq!(k1, k2);
        assert_ne!(s1, s2);
        assert_eq!(community_id(&out), community_id(&back));
        assert!(community_id(&PacketSummary::new()).is_none());
        // A non-first fragment has no ports: hashed like a portless protocol.
        let mut frag = out;
        frag.has_l4 = false;
        let (kf, _) = FlowKey::from_summary(&frag).unwrap();
        assert!(!kf.has_ports);
        assert_ne!(community_id(&frag), community_id(&out));
    }

    #[test]
    fn id_is_thirty_ascii_bytes() {
        let id = FlowKey::new(ip("10.0.0.1"), ip("10.0.0.2"), 6, Some((1, 2)))
            .0
            .community_id(0);
        assert_eq!(id.as_str().len(), COMMUNITY_ID_LEN);
        assert!(id.as_str().starts_with("1:"));
        assert_eq!(format!("{id}"), id.as_str());
    }
}
