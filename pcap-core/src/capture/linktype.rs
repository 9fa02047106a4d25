//! [`LinkType`]: what the first bytes of each packet are, as numbered by the
//! tcpdump.org LINKTYPE_ registry (the value stored in pcap and pcapng files).
//!
//! Any 16-bit value is a valid `LinkType`: reading a capture never fails on
//! an unknown link type. The dissector decides what it can decode; unknown
//! types display as their number.

use std::fmt;

/// A link-layer header type (`LINKTYPE_*` value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LinkType(pub u16);

impl LinkType {
    /// BSD loopback: a 4-byte address family in the writer's byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II / 802.3.
    pub const ETHERNET: LinkType = LinkType(1);
    /// PPP.
    pub const PPP: LinkType = LinkType(9);
    /// Raw IP: IPv4 or IPv6, told apart by the version nibble.
    pub const RAW: LinkType = LinkType(101);
    /// 802.11 without radio header.
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux "cooked" capture, version 1 (16-byte pseudo header).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// 802.11 with a radiotap header.
    pub const IEEE802_11_RADIOTAP: LinkType = LinkType(127);
    /// Raw IPv4 only.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6 only.
    pub const IPV6: LinkType = LinkType(229);
    /// Ethernet with preamble and mPacket headers (802.3br).
    pub const ETHERNET_MPACKET: LinkType = LinkType(274);
    /// Linux "cooked" capture, version 2 (20-byte pseudo header).
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The registry name without its `LINKTYPE_` prefix, for the types
    /// this crate names; `None` for others.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NULL",
            1 => "ETHERNET",
            9 => "PPP",
            101 => "RAW",
            105 => "IEEE802_11",
            108 => "LOOP",
            113 => "LINUX_SLL",
            127 => "IEEE802_11_RADIOTAP",
            228 => "IPV4",
            229 => "IPV6",
            274 => "ETHERNET_MPACKET",
            276 => "LINUX_SLL2",
            _ => return None,
        })
    }
}

/// `ETHERNET (1)` for named types, the bare number (`147`) for others.
impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<u16> for LinkType {
    fn from(value: u16) -> Self {
        LinkType(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_known_and_numbers_unknown() {
        assert_eq!(LinkType::ETHERNET.to_string(), "ETHERNET (1)");
        assert_eq!(LinkType::LINUX_SLL2.to_string(), "LINUX_SLL2 (276)");
        assert_eq!(LinkType(147).to_string(), "147");
        assert_eq!(LinkType::NULL.name(), Some("NULL"));
    }
}
