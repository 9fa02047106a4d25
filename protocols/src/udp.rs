//! UDP ([RFC 768]).
//!
//! Panic contract: `parse`/`view` check the length once (8 bytes); after
//! that single length check no accessor can panic.
//!
//! [RFC 768]: https://www.rfc-editor.org/rfc/rfc768

use std::fmt;

use pcap_core::{Field, Header, HeaderView};

/// The UDP header (8 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "udp", endian = "big")]
pub struct Udp<'a> {
    /// Source port.
    #[field(default, name = "srcport")]
    pub src_port: Field<'a, u16>,
    /// Destination port.
    #[field(default, name = "dstport")]
    pub dst_port: Field<'a, u16>,
    /// Length of header and data in bytes.
    #[field(name = "length")]
    pub length: Field<'a, u16>,
    /// Checksum (0: none).
    #[field(name = "checksum", display = "hex")]
    pub checksum: Field<'a, u16>,
}

/// Length of the UDP header.
pub const HEADER_LEN: usize = 8;

impl<'a> UdpView<'a> {
    /// The datagram's data as far as Length says and the capture holds (a
    /// Length below 8 is taken as "the rest of the capture").
    pub fn payload_within_len(&self) -> &'a [u8] {
        let payload = self.payload();
        match usize::from(self.length()).checked_sub(HEADER_LEN) {
            Some(n) => payload.get(..n).unwrap_or(payload),
            None => payload,
        }
    }
}

impl fmt::Display for UdpView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UDP {} > {} len={}",
            self.src_port(),
            self.dst_port(),
            self.length()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dns_icmp.pcap frame 1: UDP header of a DNS query 51677 → 53, length 46.
    const QUERY: [u8; 10] = [0xc9, 0xdd, 0x00, 0x35, 0x00, 0x2e, 0xf2, 0x68, 0x52, 0x8e];

    #[test]
    fn test_parse_udp() {
        let (udp, rest) = Udp::parse(&QUERY, Udp::ALL).unwrap();
        assert_eq!(udp.src_port.value(), Some(&51677));
        assert_eq!(udp.dst_port.value(), Some(&53));
        assert_eq!(udp.length.value(), Some(&46));
        assert_eq!(rest, &[0x52, 0x8e]);
        let v = Udp::view(&QUERY).unwrap();
        assert_eq!(v.payload_within_len(), &[0x52, 0x8e]);
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.to_string(), "UDP 51677 > 53 len=46");
        for len in 0..HEADER_LEN {
            assert!(
                Udp::parse(&QUERY[..len], Udp::ALL)
                    .unwrap_err()
                    .is_truncated()
            );
        }
    }
}
