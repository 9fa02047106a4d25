//! The numbers protocols are named by, each written once: [`LinkType`]
//! (what a capture's records start with), [`EtherType`] (what follows a
//! link-layer header), [`IpProto`] (what follows an IP header, IPv6
//! extension headers included) and [`TcpFlags`] (the TCP control bits).
//!
//! Each is a `#[repr(transparent)]` newtype over the wire integer with
//! named constants: any value is valid (captures hold numbers no registry
//! names), the constants can be matched on (`match IpProto(p) {
//! IpProto::TCP => .. }` compiles to the same code as matching the
//! integer), and structs that keep the plain integer for size or for SQL
//! (e.g. [`PacketSummary::protocol`](crate::flow::PacketSummary::protocol))
//! take their constants from here (`IpProto::TCP.0`). [`TcpFlags`] is a
//! bitflags set over the 16-bit word's flag bits.

use std::fmt;

pub use crate::capture::LinkType;

/// An EtherType (IEEE 802 "EtherType" registry), or an 802.3 length when
/// at most 1500 (see [`is_length`](Self::is_length)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct EtherType(pub u16);

impl EtherType {
    /// IPv4 (RFC 894).
    pub const IPV4: EtherType = EtherType(0x0800);
    /// ARP (RFC 826).
    pub const ARP: EtherType = EtherType(0x0806);
    /// Reverse ARP (RFC 903).
    pub const RARP: EtherType = EtherType(0x8035);
    /// 802.1Q customer VLAN tag (C-tag).
    pub const VLAN: EtherType = EtherType(0x8100);
    /// IPv6 (RFC 8200).
    pub const IPV6: EtherType = EtherType(0x86dd);
    /// 802.1ad service VLAN tag (S-tag, QinQ).
    pub const QINQ: EtherType = EtherType(0x88a8);
    /// Pre-standard QinQ tag used by some vendors (tshark dissects it as
    /// `vlan`).
    pub const QINQ_OLD: EtherType = EtherType(0x9100);

    /// Whether the field holds an IEEE 802.3 length (≤ 1500) rather than
    /// a type: the payload is then LLC, which tshark reports without an
    /// `eth.type`.
    pub const fn is_length(self) -> bool {
        self.0 <= 1500
    }

    /// Whether this is one of the VLAN tag protocol identifiers (0x8100,
    /// 0x88a8, 0x9100).
    pub const fn is_vlan(self) -> bool {
        matches!(self, Self::VLAN | Self::QINQ | Self::QINQ_OLD)
    }

    /// The usual name of the types named here (`IPv4`, `802.1Q`...);
    /// `None` for others.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::IPV4 => "IPv4",
            Self::ARP => "ARP",
            Self::RARP => "RARP",
            Self::VLAN => "802.1Q",
            Self::IPV6 => "IPv6",
            Self::QINQ => "802.1ad",
            Self::QINQ_OLD => "QinQ",
            _ => return None,
        })
    }
}

/// `IPv4 (0x0800)` for named types, `0x88cc` for others.
impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({:#06x})", self.0),
            None => write!(f, "{:#06x}", self.0),
        }
    }
}

impl From<u16> for EtherType {
    fn from(value: u16) -> Self {
        EtherType(value)
    }
}

impl From<EtherType> for u16 {
    fn from(value: EtherType) -> Self {
        value.0
    }
}

/// An IP protocol number (IANA "Assigned Internet Protocol Numbers"):
/// IPv4's Protocol, IPv6's Next Header (extension headers share the
/// numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct IpProto(pub u8);

impl IpProto {
    /// IPv6 Hop-by-Hop Options (RFC 8200).
    pub const HOPOPT: IpProto = IpProto(0);
    /// ICMP for IPv4 (RFC 792).
    pub const ICMP: IpProto = IpProto(1);
    /// IGMP (RFC 3376).
    pub const IGMP: IpProto = IpProto(2);
    /// IPv4 encapsulated in IP (RFC 2003).
    pub const IPV4: IpProto = IpProto(4);
    /// TCP (RFC 9293).
    pub const TCP: IpProto = IpProto(6);
    /// UDP (RFC 768).
    pub const UDP: IpProto = IpProto(17);
    /// IPv6 encapsulated in IP (RFC 2473).
    pub const IPV6: IpProto = IpProto(41);
    /// IPv6 Routing header (RFC 8200).
    pub const IPV6_ROUTE: IpProto = IpProto(43);
    /// IPv6 Fragment header (RFC 8200).
    pub const IPV6_FRAG: IpProto = IpProto(44);
    /// GRE (RFC 2784).
    pub const GRE: IpProto = IpProto(47);
    /// Encapsulating Security Payload (RFC 4303).
    pub const ESP: IpProto = IpProto(50);
    /// Authentication Header (RFC 4302).
    pub const AH: IpProto = IpProto(51);
    /// ICMPv6 (RFC 4443).
    pub const ICMPV6: IpProto = IpProto(58);
    /// IPv6 No Next Header (RFC 8200).
    pub const IPV6_NONXT: IpProto = IpProto(59);
    /// IPv6 Destination Options (RFC 8200).
    pub const IPV6_OPTS: IpProto = IpProto(60);
    /// SCTP (RFC 9260).
    pub const SCTP: IpProto = IpProto(132);

    /// Whether this is an IPv6 extension header with the common layout
    /// (Next Header first, a length after): hop-by-hop, routing,
    /// fragment, AH, destination options. ESP is opaque and ends a walk.
    pub const fn is_ipv6_extension(self) -> bool {
        matches!(
            self,
            Self::HOPOPT | Self::IPV6_ROUTE | Self::IPV6_FRAG | Self::AH | Self::IPV6_OPTS
        )
    }

    /// Whether the transport header starts with a source and a destination
    /// port (TCP, UDP, SCTP).
    pub const fn has_ports(self) -> bool {
        matches!(self, Self::TCP | Self::UDP | Self::SCTP)
    }

    /// Whether this is ICMP or ICMPv6.
    pub const fn is_icmp(self) -> bool {
        matches!(self, Self::ICMP | Self::ICMPV6)
    }

    /// The pcap-filter(7) keyword for the protocols a filter can name
    /// (`tcp`, `udp`, `icmp`, `icmp6`, `sctp`); `None` for others.
    pub const fn keyword(self) -> Option<&'static str> {
        Some(match self {
            Self::TCP => "tcp",
            Self::UDP => "udp",
            Self::ICMP => "icmp",
            Self::ICMPV6 => "icmp6",
            Self::SCTP => "sctp",
            _ => return None,
        })
    }

    /// The protocol a pcap-filter(7) keyword names (the inverse of
    /// [`keyword`](Self::keyword)).
    pub fn from_keyword(word: &str) -> Option<IpProto> {
        Some(match word {
            "tcp" => Self::TCP,
            "udp" => Self::UDP,
            "icmp" => Self::ICMP,
            "icmp6" => Self::ICMPV6,
            "sctp" => Self::SCTP,
            _ => return None,
        })
    }
}

/// The [`keyword`](IpProto::keyword) (`tcp`), else the number (`47`).
impl fmt::Display for IpProto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.keyword() {
            Some(k) => f.write_str(k),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<u8> for IpProto {
    fn from(value: u8) -> Self {
        IpProto(value)
    }
}

impl From<IpProto> for u8 {
    fn from(value: IpProto) -> Self {
        value.0
    }
}

bitflags::bitflags! {
    /// The TCP control bits: the 12-bit flags field of the header without
    /// its 3 reserved bits (RFC 9293 §3.1, RFC 3168, RFC 3540). The low
    /// byte (CWR..FIN) is the header's 14th byte, what pcap-filter's
    /// `tcp[tcpflags]` reads and what the index stores per session
    /// ([`byte`](Self::byte)).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    #[repr(transparent)]
    pub struct TcpFlags: u16 {
        /// No more data from sender.
        const FIN = 0x001;
        /// Synchronize sequence numbers.
        const SYN = 0x002;
        /// Reset the connection.
        const RST = 0x004;
        /// Push function.
        const PSH = 0x008;
        /// Acknowledgment field is significant.
        const ACK = 0x010;
        /// Urgent pointer field is significant.
        const URG = 0x020;
        /// ECN-Echo (RFC 3168).
        const ECE = 0x040;
        /// Congestion Window Reduced (RFC 3168).
        const CWR = 0x080;
        /// Accurate ECN, formerly NS (RFC 3540, historic).
        const AE = 0x100;
    }
}

impl TcpFlags {
    /// The flags of the header's flags byte (CWR..FIN).
    pub const fn from_byte(byte: u8) -> TcpFlags {
        TcpFlags::from_bits_retain(byte as u16)
    }

    /// The flags of the header's 16-bit word at offset 12 (data offset,
    /// reserved bits, flags): its low 9 bits.
    pub const fn from_word(word: u16) -> TcpFlags {
        TcpFlags::from_bits_truncate(word)
    }

    /// The low byte (CWR..FIN), without AE.
    pub const fn byte(self) -> u8 {
        (self.bits() & 0xff) as u8
    }

    /// Whether the SYN bit is set and the ACK bit is not: a connection's
    /// opening segment.
    pub const fn is_syn_only(self) -> bool {
        self.bits() & (Self::SYN.bits() | Self::ACK.bits()) == Self::SYN.bits()
    }

    /// Whether both SYN and ACK are set: the answer to a SYN.
    pub const fn is_syn_ack(self) -> bool {
        self.contains(Self::SYN.union(Self::ACK))
    }
}

/// The set flags' names in the header's order, joined by ` | ` (`SYN |
/// ACK`: bitflags' text format, which `bitflags::parser::from_str` reads
/// back), or `none`.
impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        bitflags::parser::to_writer(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethertype_classes_and_display() {
        assert!(EtherType(1500).is_length());
        assert!(!EtherType(1536).is_length());
        assert!(EtherType::QINQ_OLD.is_vlan() && EtherType::VLAN.is_vlan());
        assert!(!EtherType::IPV4.is_vlan());
        assert_eq!(EtherType::IPV6.to_string(), "IPv6 (0x86dd)");
        assert_eq!(EtherType(0x88cc).to_string(), "0x88cc");
        assert_eq!(EtherType(0x0042).to_string(), "0x0042");
    }

    #[test]
    fn ip_proto_classes_keywords_and_display() {
        for p in [
            IpProto::HOPOPT,
            IpProto::IPV6_ROUTE,
            IpProto::IPV6_FRAG,
            IpProto::AH,
        ] {
            assert!(p.is_ipv6_extension(), "{p:?}");
        }
        assert!(!IpProto::ESP.is_ipv6_extension());
        assert!(!IpProto::TCP.is_ipv6_extension());
        assert!(IpProto::SCTP.has_ports() && !IpProto::ICMP.has_ports());
        assert!(IpProto::ICMPV6.is_icmp() && !IpProto::UDP.is_icmp());
        for p in 0..=u8::MAX {
            let p = IpProto(p);
            if let Some(k) = p.keyword() {
                assert_eq!(IpProto::from_keyword(k), Some(p));
            }
        }
        assert_eq!(IpProto::ICMPV6.to_string(), "icmp6");
        assert_eq!(IpProto::GRE.to_string(), "47");
    }

    #[test]
    fn tcp_flags_bytes_words_and_display() {
        let sa = TcpFlags::SYN | TcpFlags::ACK;
        assert_eq!(sa.byte(), 0x12);
        assert_eq!(TcpFlags::from_byte(0x12), sa);
        // The data offset nibble and the reserved bits are not flags.
        assert_eq!(TcpFlags::from_word(0x5112), sa | TcpFlags::AE);
        assert_eq!((sa | TcpFlags::AE).byte(), 0x12);
        assert!(TcpFlags::SYN.is_syn_only() && !sa.is_syn_only());
        assert!(sa.is_syn_ack() && !TcpFlags::ACK.is_syn_ack());
        assert_eq!(sa.to_string(), "SYN | ACK");
        assert_eq!(TcpFlags::empty().to_string(), "none");
    }
}
