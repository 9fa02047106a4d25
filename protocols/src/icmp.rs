//! ICMP for IPv4 ([RFC 792]) and ICMPv6 ([RFC 4443]): type, code, checksum
//! and the 4-byte rest of header. Error messages quote the offending IP
//! header and the first bytes of its payload after those 8 bytes; the
//! dissector dissects the quote as further IP/transport occurrences.
//!
//! Panic contract: `parse`/`view` check the length once (8 bytes); after
//! that single length check no accessor can panic.
//!
//! [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
//! [RFC 4443]: https://www.rfc-editor.org/rfc/rfc4443#section-2.1

use std::fmt;

use pcap_core::{Field, Header};

/// ICMP (IPv4) message types.
pub mod icmp_type {
    /// Echo Reply.
    pub const ECHO_REPLY: u8 = 0;
    /// Destination Unreachable.
    pub const DEST_UNREACHABLE: u8 = 3;
    /// Source Quench (deprecated).
    pub const SOURCE_QUENCH: u8 = 4;
    /// Redirect.
    pub const REDIRECT: u8 = 5;
    /// Echo Request.
    pub const ECHO_REQUEST: u8 = 8;
    /// Time Exceeded.
    pub const TIME_EXCEEDED: u8 = 11;
    /// Parameter Problem.
    pub const PARAMETER_PROBLEM: u8 = 12;

    /// Whether messages of this type quote an IP header.
    pub const fn is_error(t: u8) -> bool {
        matches!(
            t,
            DEST_UNREACHABLE | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAMETER_PROBLEM
        )
    }
}

/// ICMPv6 message types.
pub mod icmpv6_type {
    /// Destination Unreachable.
    pub const DEST_UNREACHABLE: u8 = 1;
    /// Packet Too Big.
    pub const PACKET_TOO_BIG: u8 = 2;
    /// Time Exceeded.
    pub const TIME_EXCEEDED: u8 = 3;
    /// Parameter Problem.
    pub const PARAMETER_PROBLEM: u8 = 4;
    /// Echo Request.
    pub const ECHO_REQUEST: u8 = 128;
    /// Echo Reply.
    pub const ECHO_REPLY: u8 = 129;
    /// Neighbor Solicitation (RFC 4861).
    pub const NEIGHBOR_SOLICITATION: u8 = 135;
    /// Neighbor Advertisement (RFC 4861).
    pub const NEIGHBOR_ADVERTISEMENT: u8 = 136;

    /// Whether messages of this type quote an IPv6 header (types 1–4).
    pub const fn is_error(t: u8) -> bool {
        matches!(t, 1..=4)
    }
}

/// The ICMP header (8 bytes; the same layout serves ICMPv6).
#[derive(Header, Debug, Clone)]
#[header(name = "icmp", endian = "big")]
pub struct Icmp<'a> {
    /// Message type.
    #[field(default, name = "type")]
    pub msg_type: Field<'a, u8>,
    /// Code.
    #[field(default, name = "code")]
    pub code: Field<'a, u8>,
    /// Checksum.
    #[field(name = "checksum", display = "hex")]
    pub checksum: Field<'a, u16>,
    /// Rest of header: identifier and sequence number for echo messages,
    /// the MTU of Packet Too Big, a pointer, a gateway address, or unused.
    pub rest_of_header: Field<'a, u32>,
}

/// The ICMPv6 header: the same 8-byte layout as [`Icmp`].
pub type Icmpv6<'a> = Icmp<'a>;

/// Length of the ICMP header.
pub const HEADER_LEN: usize = 8;

impl IcmpView<'_> {
    /// Echo identifier (high half of the rest of header).
    pub fn echo_ident(&self) -> u16 {
        (self.rest_of_header() >> 16) as u16
    }

    /// Echo sequence number (low half of the rest of header).
    pub fn echo_seq(&self) -> u16 {
        (self.rest_of_header() & 0xffff) as u16
    }
}

impl fmt::Display for IcmpView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ICMP type={} code={}", self.msg_type(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_core::HeaderView;

    /// icmp-destunreach-udp.pcap frame 1: port unreachable (3/3), then the
    /// quoted IPv4 header.
    const UNREACH: [u8; 10] = [0x03, 0x03, 0x03, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00];

    #[test]
    fn test_parse_dest_unreachable() {
        let (icmp, rest) = Icmp::parse(&UNREACH, Icmp::ALL).unwrap();
        assert_eq!(icmp.msg_type.value(), Some(&icmp_type::DEST_UNREACHABLE));
        assert_eq!(icmp.code.value(), Some(&3));
        assert_eq!(icmp.rest_of_header.value(), Some(&0));
        assert_eq!(rest, &[0x45, 0x00]);
        assert!(icmp_type::is_error(3) && !icmp_type::is_error(8));
        let v = Icmp::view(&UNREACH).unwrap();
        assert_eq!(v.to_string(), "ICMP type=3 code=3");
        assert_eq!(v.payload(), &[0x45, 0]);
        for len in 0..HEADER_LEN {
            assert!(Icmp::parse(&UNREACH[..len], Icmp::ALL).is_err());
        }
    }

    #[test]
    fn test_echo_fields() {
        let v = Icmp::view(&[8, 0, 0, 0, 0x12, 0x34, 0x00, 0x07]).unwrap();
        assert_eq!((v.echo_ident(), v.echo_seq()), (0x1234, 7));
    }
}
