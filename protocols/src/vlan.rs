//! IEEE 802.1Q VLAN tags (C-tag, TPID 0x8100) and 802.1ad service tags
//! (S-tag, TPID 0x88a8; 0x9100 pre-standard), stacked to any depth.
//!
//! The tag protocol identifier is the EtherType of the header before; a
//! [`VlanTag`] is the 4 bytes after it: TCI and the inner EtherType.
//! Panic contract: after the single length check (4 bytes) in `parse`/`view`,
//! no accessor can panic.
//!
//! Reference: [IEEE 802.1Q-2018 §9.6](https://standards.ieee.org/ieee/802.1Q/6844/).

use std::fmt;

use pcap_core::{Field, Header};

/// One VLAN tag after its TPID: Tag Control Information and inner EtherType.
#[derive(Header, Debug, Clone)]
#[header(name = "vlan", endian = "big")]
pub struct VlanTag<'a> {
    /// Priority Code Point (802.1p class of service).
    #[field(bits = 3, name = "priority")]
    pub pcp: Field<'a, u8>,
    /// Drop Eligible Indicator (formerly CFI).
    #[field(bits = 1, name = "dei")]
    pub dei: Field<'a, bool>,
    /// VLAN identifier (VID).
    #[field(bits = 12, default, name = "id")]
    pub vid: Field<'a, u16>,
    /// EtherType of what follows the tag (another TPID for stacked tags).
    #[field(default, name = "etype", display = "hex")]
    pub ethertype: Field<'a, u16>,
}

/// Length of a tag after its TPID.
pub const TAG_LEN: usize = 4;

impl fmt::Display for VlanTagView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VLAN id={} pcp={} dei={} type=0x{:04x}",
            self.vid(),
            self.pcp(),
            u8::from(self.dei()),
            self.ethertype()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dot1ad.pcap frame 1: S-tag (after TPID 0x88a8) with VID 1525, then
    /// TPID 0x8100.
    const S_TAG: [u8; 4] = [0x05, 0xf5, 0x81, 0x00];

    #[test]
    fn test_parse_s_tag() {
        let (tag, rest) = VlanTag::parse(&S_TAG, VlanTag::ALL).unwrap();
        assert_eq!(tag.vid.value(), Some(&1525));
        assert_eq!(tag.pcp.value(), Some(&0));
        assert_eq!(tag.dei.value(), Some(&false));
        assert_eq!(tag.ethertype.value(), Some(&0x8100));
        assert!(rest.is_empty());
        let v = VlanTag::view(&S_TAG).unwrap();
        assert_eq!(v.to_string(), "VLAN id=1525 pcp=0 dei=0 type=0x8100");
    }

    #[test]
    fn test_pcp_dei_bits() {
        let (tag, _) = VlanTag::parse(&[0xb0, 0x0a, 0x08, 0x00], VlanTag::ALL).unwrap();
        assert_eq!(
            (tag.pcp.value(), tag.dei.value(), tag.vid.value()),
            (Some(&5), Some(&true), Some(&10))
        );
    }

    #[test]
    fn test_truncated() {
        for len in 0..TAG_LEN {
            assert!(VlanTag::parse(&S_TAG[..len], VlanTag::ALL).is_err());
        }
    }
}
