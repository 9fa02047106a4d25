//! Linux "cooked" capture pseudo-headers: [SLL] (link type 113, 16 bytes)
//! and [SLL2] (link type 276, 20 bytes).
//!
//! Panic contract: after the single length check in `parse`/`view`, no
//! accessor can panic.
//!
//! [SLL]: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
//! [SLL2]: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html

use std::fmt;

use pcap_core::{Field, Header};

/// Packet types (`sll_pkttype`).
pub mod packet_type {
    /// Sent to us.
    pub const HOST: u16 = 0;
    /// Broadcast by somebody else.
    pub const BROADCAST: u16 = 1;
    /// Multicast by somebody else.
    pub const MULTICAST: u16 = 2;
    /// Sent to somebody else by somebody else.
    pub const OTHERHOST: u16 = 3;
    /// Sent by us.
    pub const OUTGOING: u16 = 4;
}

/// `LINKTYPE_LINUX_SLL` header.
#[derive(Header, Debug, Clone)]
#[header(name = "sll", endian = "big")]
pub struct LinuxSll<'a> {
    /// Packet type (see [`packet_type`]).
    #[field(name = "pkttype")]
    pub packet_type: Field<'a, u16>,
    /// ARPHRD_ link-layer address type.
    #[field(name = "hatype")]
    pub arphrd_type: Field<'a, u16>,
    /// Number of meaningful bytes in `addr`.
    #[field(name = "halen")]
    pub addr_len: Field<'a, u16>,
    /// Link-layer source address (first `addr_len` bytes, zero-padded).
    pub addr: Field<'a, [u8; 8]>,
    /// Protocol type: an EtherType for Ethernet-like devices.
    #[field(default, name = "etype", display = "hex")]
    pub protocol: Field<'a, u16>,
}

/// `LINKTYPE_LINUX_SLL2` header.
#[derive(Header, Debug, Clone)]
#[header(name = "sll", endian = "big")]
pub struct LinuxSll2<'a> {
    /// Protocol type: an EtherType for Ethernet-like devices.
    #[field(default, name = "etype", display = "hex")]
    pub protocol: Field<'a, u16>,
    /// Reserved (must be zero).
    pub reserved: Field<'a, u16>,
    /// Interface index.
    #[field(name = "ifindex")]
    pub if_index: Field<'a, u32>,
    /// ARPHRD_ link-layer address type.
    #[field(name = "hatype")]
    pub arphrd_type: Field<'a, u16>,
    /// Packet type (see [`packet_type`]).
    #[field(name = "pkttype")]
    pub packet_type: Field<'a, u8>,
    /// Number of meaningful bytes in `addr`.
    #[field(name = "halen")]
    pub addr_len: Field<'a, u8>,
    /// Link-layer source address (first `addr_len` bytes, zero-padded).
    pub addr: Field<'a, [u8; 8]>,
}

impl fmt::Display for LinuxSllView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Linux cooked v1 type={} protocol=0x{:04x}",
            self.packet_type(),
            self.protocol()
        )
    }
}

impl fmt::Display for LinuxSll2View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Linux cooked v2 if={} type={} protocol=0x{:04x}",
            self.if_index(),
            self.packet_type(),
            self.protocol()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tcp-handshake-nano.pcap frame 1 (SLL, outgoing, loopback device).
    const SLL: [u8; 17] = [
        0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
        0x00, 0x45,
    ];

    #[test]
    fn test_parse_sll() {
        let (h, rest) = LinuxSll::parse(&SLL, LinuxSll::ALL).unwrap();
        assert_eq!(h.packet_type.value(), Some(&packet_type::OUTGOING));
        assert_eq!(h.arphrd_type.value(), Some(&0x0200));
        assert_eq!(h.addr_len.value(), Some(&0));
        assert_eq!(h.protocol.value(), Some(&0x0800));
        assert_eq!(rest, &[0x45]);
        assert_eq!(LinuxSll::FIXED_LEN, 16);
        for len in 0..16 {
            assert!(LinuxSll::parse(&SLL[..len], LinuxSll::ALL).is_err());
        }
    }

    #[test]
    fn test_parse_sll2() {
        // linux_dlt_sll2.pcap frame 1.
        let b = [
            0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x45,
        ];
        let (h, rest) = LinuxSll2::parse(&b, LinuxSll2::ALL).unwrap();
        assert_eq!(h.protocol.value(), Some(&0x0800));
        assert_eq!(h.if_index.value(), Some(&1));
        assert_eq!(h.arphrd_type.value(), Some(&0x0304));
        assert_eq!(h.packet_type.value(), Some(&0));
        assert_eq!(h.addr_len.value(), Some(&6));
        assert_eq!(rest, &[0x45]);
        assert_eq!(LinuxSll2::FIXED_LEN, 20);
        for len in 0..20 {
            assert!(LinuxSll2::parse(&b[..len], LinuxSll2::ALL).is_err());
        }
    }
}
