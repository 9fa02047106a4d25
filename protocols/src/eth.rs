//! Ethernet II frames ([IEEE 802.3] / [RFC 894]): destination, source and
//! EtherType (its values are [`EtherType`](pcap_core::EtherType)'s constants).
//!
//! Panic contract: [`Ethernet::parse`] and [`Ethernet::view`] check the
//! length once (14 bytes); after that single length check, no accessor can
//! panic.
//!
//! [IEEE 802.3]: https://standards.ieee.org/ieee/802.3/10422/
//! [RFC 894]: https://www.rfc-editor.org/rfc/rfc894

use std::fmt;

use pcap_core::{Field, Header, MacAddr};

/// An Ethernet II header (14 bytes; no FCS).
#[derive(Header, Debug, Clone)]
#[header(name = "eth", endian = "big", partial = false)]
pub struct Ethernet<'a> {
    /// Destination MAC address.
    #[field(name = "dst")]
    pub dst: Field<'a, MacAddr>,
    /// Source MAC address.
    #[field(name = "src")]
    pub src: Field<'a, MacAddr>,
    /// EtherType of the payload (or an 802.3 length when ≤ 1500).
    #[field(default, name = "type", display = "hex")]
    pub ethertype: Field<'a, u16>,
}

/// Length of an Ethernet II header.
pub const HEADER_LEN: usize = 14;

impl fmt::Display for EthernetView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Ethernet src={} dst={} type=0x{:04x}",
            self.src(),
            self.dst(),
            self.ethertype()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// http.pcap frame 1: Ethernet header of a TCP SYN.
    const FRAME: [u8; 16] = [
        0xfe, 0xff, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45,
        0x00,
    ];

    #[test]
    fn test_parse_ethernet() {
        let (eth, rest) = Ethernet::parse(&FRAME, Ethernet::ALL).unwrap();
        assert_eq!(eth.dst.value().unwrap().to_string(), "fe:ff:20:00:01:00");
        assert_eq!(eth.src.value().unwrap().to_string(), "00:00:01:00:00:00");
        assert_eq!(eth.ethertype.value(), Some(&pcap_core::EtherType::IPV4.0));
        assert_eq!(rest, &[0x45, 0x00]);
        let v = Ethernet::view(&FRAME).unwrap();
        assert_eq!(
            v.to_string(),
            "Ethernet src=00:00:01:00:00:00 dst=fe:ff:20:00:01:00 type=0x0800"
        );
        assert_eq!(Ethernet::FIXED_LEN, HEADER_LEN);
    }

    #[test]
    fn test_truncated_at_every_length() {
        for len in 0..HEADER_LEN {
            let err = Ethernet::parse(&FRAME[..len], Ethernet::ALL).unwrap_err();
            assert!(err.is_truncated(), "{len}: {err}");
            assert!(Ethernet::view(&FRAME[..len]).is_err());
        }
    }
}
