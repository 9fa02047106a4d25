//! [`PacketSummary`]: the few facts about a packet's layers 2–4 that
//! filters, Community ID and session tracking work on.
//!
//! The dissector fills one in per packet (parsing only what the consumers'
//! [`Needs`](crate::filter::Needs) ask for); everything downstream of it —
//! [`Filter`](crate::filter::Filter), [`FlowKey`](super::FlowKey),
//! [`FlowTable`](super::FlowTable) — reads only this struct, so none of them
//! depends on the protocol parsers. It is `Copy`, fixed-size and never
//! allocates.

use std::net::IpAddr;

use crate::vocab::{IpProto, TcpFlags};

/// How many VLAN tags a [`PacketSummary`] stores (outermost first).
pub const MAX_VLANS: usize = 4;

/// The source and destination addresses of a packet's IP layer.
///
/// Both are of the same family in anything a dissector produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpPair {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
}

/// A plain summary of one packet's layers 2–4.
///
/// `PacketSummary::default()` (or [`new`](Self::new)) describes a non-IP
/// frame: no VLAN tag, `ip: None`, everything else zero. Fields a dissector
/// was not asked to fill (see [`Needs`](crate::filter::Needs)) keep their
/// default values.
///
/// "IP" here is the innermost IP layer the dissector decided to describe
/// (for plain traffic, the only one); VLAN tags are looked through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PacketSummary {
    /// VLAN IDs (the 12-bit VID) of the 802.1Q / 802.1ad tags, outermost
    /// first; only the first `min(vlan_count, MAX_VLANS)` entries are
    /// meaningful.
    pub vlan_ids: [u16; MAX_VLANS],
    /// Number of VLAN tags in the frame. May exceed [`MAX_VLANS`], in which
    /// case only the outermost `MAX_VLANS` IDs are stored.
    pub vlan_count: u8,
    /// Whether the outermost tag was an 802.1ad S-tag (TPID 0x88a8). The
    /// S-tag's ID is `vlan_ids[0]`.
    pub s_tag: bool,
    /// The IP addresses, or `None` for a non-IP frame (ARP, LLDP, ...).
    pub ip: Option<IpPair>,
    /// The upper-layer IP protocol number (an [`IpProto`]; kept as the
    /// integer the index stores): IPv4's Protocol, or for IPv6 the
    /// Next Header after the extension headers (hop-by-hop, routing,
    /// fragment, destination options) were skipped. Meaningless when `ip` is
    /// `None`.
    pub protocol: u8,
    /// Whether the transport header was present and read: ports for
    /// TCP/UDP/SCTP, type and code for ICMP/ICMPv6. False for non-first
    /// fragments, packets cut before the transport header, and protocols
    /// this summary has no fields for.
    pub has_l4: bool,
    /// TCP/UDP/SCTP source port; 0 when there is none (see `has_l4`).
    pub sport: u16,
    /// TCP/UDP/SCTP destination port; 0 when there is none.
    pub dport: u16,
    /// ICMP or ICMPv6 type (when `protocol` is 1 or 58 and `has_l4`).
    pub icmp_type: u8,
    /// ICMP or ICMPv6 code (when `protocol` is 1 or 58 and `has_l4`).
    pub icmp_code: u8,
    /// The TCP flags (FIN ... CWR and AE); empty for non-TCP packets.
    pub tcp_flags: TcpFlags,
    /// TCP sequence number (raw, not relative).
    pub tcp_seq: u32,
    /// TCP acknowledgment number (raw).
    pub tcp_ack: u32,
    /// Length of the transport payload in bytes (TCP segment data, UDP
    /// datagram data), as far as the IP length says, whether or not it was
    /// all captured.
    pub payload_len: u32,
    /// Whether the IP packet is a fragment (IPv4 MF set or offset non-zero,
    /// or an IPv6 Fragment header). Only the first fragment has ports.
    pub is_fragment: bool,
    /// The frame's original length on the wire (the record's `orig_len`).
    pub wire_len: u32,
    /// The [`EtherType`](crate::EtherType) the link layer gave for its payload, after any VLAN
    /// tags (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, 0x8035 RARP, ...); 0
    /// when the link layer has none (raw IP, BSD loopback).
    pub ethertype: u16,
    /// Byte offset in the frame of the IP header `ip` describes
    /// (meaningful when `ip` is `Some`); saturates at `u16::MAX`.
    pub l3_offset: u16,
    /// Byte offset in the frame of the transport header (meaningful when
    /// `has_l4`); saturates at `u16::MAX`.
    pub l4_offset: u16,
    /// IPv4 Identification, or the Identification of an IPv6 Fragment
    /// header (0 for an IPv6 packet without one).
    pub ip_id: u32,
    /// Fragment Offset in 8-octet units (IPv4, or the IPv6 Fragment header).
    pub frag_offset: u16,
    /// The More Fragments flag (IPv4, or the IPv6 Fragment header).
    pub more_fragments: bool,
}

impl PacketSummary {
    /// A summary of a non-IP frame; the same as `default()`.
    pub const fn new() -> Self {
        PacketSummary {
            vlan_ids: [0; MAX_VLANS],
            vlan_count: 0,
            s_tag: false,
            ip: None,
            protocol: 0,
            has_l4: false,
            sport: 0,
            dport: 0,
            icmp_type: 0,
            icmp_code: 0,
            tcp_flags: TcpFlags::empty(),
            tcp_seq: 0,
            tcp_ack: 0,
            payload_len: 0,
            is_fragment: false,
            wire_len: 0,
            ethertype: 0,
            l3_offset: 0,
            l4_offset: 0,
            ip_id: 0,
            frag_offset: 0,
            more_fragments: false,
        }
    }

    /// An IP packet of `protocol` with no transport details yet.
    pub fn ip(src: IpAddr, dst: IpAddr, protocol: u8) -> Self {
        PacketSummary {
            ip: Some(IpPair { src, dst }),
            protocol,
            ..Self::new()
        }
    }

    /// A TCP segment with the given ports and flags (seq, ack and payload
    /// length 0; set them on the result).
    pub fn tcp(src: IpAddr, sport: u16, dst: IpAddr, dport: u16, flags: TcpFlags) -> Self {
        PacketSummary {
            has_l4: true,
            sport,
            dport,
            tcp_flags: flags,
            ..Self::ip(src, dst, IpProto::TCP.0)
        }
    }

    /// A UDP datagram with the given ports.
    pub fn udp(src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> Self {
        PacketSummary {
            has_l4: true,
            sport,
            dport,
            ..Self::ip(src, dst, IpProto::UDP.0)
        }
    }

    /// An ICMP (IPv4 source) or ICMPv6 (IPv6 source) message.
    pub fn icmp(src: IpAddr, dst: IpAddr, icmp_type: u8, icmp_code: u8) -> Self {
        let protocol = if src.is_ipv6() {
            IpProto::ICMPV6.0
        } else {
            IpProto::ICMP.0
        };
        PacketSummary {
            has_l4: true,
            icmp_type,
            icmp_code,
            ..Self::ip(src, dst, protocol)
        }
    }

    /// The stored VLAN IDs, outermost first.
    pub fn vlans(&self) -> &[u16] {
        &self.vlan_ids[..usize::from(self.vlan_count).min(MAX_VLANS)]
    }

    /// Appends a VLAN tag (inner to the ones already pushed). Tags beyond
    /// [`MAX_VLANS`] are counted but not stored.
    pub fn push_vlan(&mut self, id: u16) {
        if let Some(slot) = self.vlan_ids.get_mut(usize::from(self.vlan_count)) {
            *slot = id & 0x0fff;
        }
        self.vlan_count = self.vlan_count.saturating_add(1);
    }

    /// 4 or 6 for an IP packet, 0 for a non-IP frame.
    pub fn ip_version(&self) -> u8 {
        match self.ip {
            Some(IpPair {
                src: IpAddr::V4(_), ..
            }) => 4,
            Some(IpPair {
                src: IpAddr::V6(_), ..
            }) => 6,
            None => 0,
        }
    }

    /// Whether the packet carries TCP/UDP/SCTP ports (`sport`/`dport` are
    /// meaningful).
    pub fn has_ports(&self) -> bool {
        self.ip.is_some() && self.has_l4 && IpProto(self.protocol).has_ports()
    }

    /// Whether this is an IP fragment other than the first (fragment offset
    /// non-zero): it has no transport header of its own.
    pub fn is_non_first_fragment(&self) -> bool {
        self.ip.is_some() && self.frag_offset != 0
    }

    /// Whether the packet carries an ICMP/ICMPv6 type and code.
    pub fn has_icmp(&self) -> bool {
        self.ip.is_some() && self.has_l4 && IpProto(self.protocol).is_icmp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_non_ip() {
        let s = PacketSummary::default();
        assert_eq!(s, PacketSummary::new());
        assert_eq!(s.ip_version(), 0);
        assert!(!s.has_ports());
        assert!(s.vlans().is_empty());
    }

    #[test]
    fn vlans_beyond_capacity_are_counted_not_stored() {
        let mut s = PacketSummary::new();
        for id in [10, 20, 30, 40, 50] {
            s.push_vlan(id);
        }
        assert_eq!(s.vlan_count, 5);
        assert_eq!(s.vlans(), &[10, 20, 30, 40]);
    }

    #[test]
    fn constructors_set_protocol_and_ports() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t = PacketSummary::tcp(a, 1234, b, 80, TcpFlags::SYN);
        assert!(t.has_ports());
        assert_eq!(t.ip_version(), 4);
        let i = PacketSummary::icmp("::1".parse().unwrap(), "::2".parse().unwrap(), 128, 0);
        assert_eq!(i.protocol, IpProto::ICMPV6.0);
        assert!(i.has_icmp() && !i.has_ports());
        let mut frag = t;
        frag.has_l4 = false;
        assert!(!frag.has_ports());
    }
}
