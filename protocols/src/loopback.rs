//! BSD loopback / NULL encapsulation ([LINKTYPE_NULL], link type 0): a
//! 4-byte address family in the byte order of the machine that captured.
//!
//! The byte order is not recorded anywhere, so [`LoopbackView::family`]
//! guesses it the way libpcap does: a value whose low 16 bits are zero is
//! byte-swapped. IPv6's family differs by OS: 24 (NetBSD, OpenBSD), 28
//! (FreeBSD), 30 (macOS).
//! Panic contract: after the single length check (4 bytes), no accessor can
//! panic.
//!
//! [LINKTYPE_NULL]: https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html

use std::fmt;

use pcap_core::{Field, Header};

/// Address families seen in loopback headers.
pub mod family {
    /// IPv4 everywhere.
    pub const INET: u32 = 2;
    /// IPv6 on NetBSD and OpenBSD.
    pub const INET6_BSD: u32 = 24;
    /// IPv6 on FreeBSD.
    pub const INET6_FREEBSD: u32 = 28;
    /// IPv6 on macOS.
    pub const INET6_DARWIN: u32 = 30;

    /// Whether `f` is one of the IPv6 families.
    pub const fn is_inet6(f: u32) -> bool {
        matches!(f, INET6_BSD | INET6_FREEBSD | INET6_DARWIN)
    }
}

/// The loopback header: one 32-bit address family, host byte order.
#[derive(Header, Debug, Clone)]
#[header(name = "null", endian = "runtime")]
pub struct Loopback<'a> {
    /// Address family (`AF_INET` = 2, `AF_INET6` = 24, 28 or 30), in the
    /// capturing host's byte order.
    #[field(default, name = "family")]
    pub family: Field<'a, u32>,
}

/// Normalizes a family read in either byte order: families are small
/// numbers, so a value with empty low 16 bits was read in the wrong order.
pub const fn normalize_family(raw: u32) -> u32 {
    if raw & 0xffff == 0 {
        raw.swap_bytes()
    } else {
        raw
    }
}

impl LoopbackView<'_> {
    /// The address family in whichever byte order makes it a small number.
    pub fn family_any_order(&self) -> u32 {
        normalize_family(self.family())
    }
}

impl fmt::Display for LoopbackView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Loopback family={}", self.family_any_order())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_family_either_order() {
        // test_loopback.pcap frame 1: AF_INET6 (macOS, 30) written little-endian.
        let le = [0x1e, 0, 0, 0, 0x60];
        let v = Loopback::view(&le).unwrap();
        assert_eq!(v.family_any_order(), family::INET6_DARWIN);
        // AF_INET from a big-endian host.
        let be = [0, 0, 0, 2];
        assert_eq!(
            Loopback::view(&be).unwrap().family_any_order(),
            family::INET
        );
        assert!(family::is_inet6(30));
        assert!(Loopback::view(&be[..3]).is_err());
        let (h, rest) =
            Loopback::parse_endian(&le, Loopback::ALL, pcap_core::Endian::Little).unwrap();
        assert_eq!(h.family.value(), Some(&30));
        assert_eq!(rest, &[0x60]);
    }
}
