//! SCTP ([RFC 9260] §3.1): the common header, for its ports (flows and
//! Community ID hash SCTP by port). Chunks are not decoded.
//!
//! Panic contract: `parse`/`view` check the length once (12 bytes); after
//! that single length check no accessor can panic.
//!
//! [RFC 9260]: https://www.rfc-editor.org/rfc/rfc9260#section-3.1

use std::fmt;

use pcap_core::{Field, Header};

/// The SCTP common header (12 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "sctp", endian = "big")]
pub struct Sctp<'a> {
    /// Source port.
    #[field(default, name = "srcport")]
    pub src_port: Field<'a, u16>,
    /// Destination port.
    #[field(default, name = "dstport")]
    pub dst_port: Field<'a, u16>,
    /// Verification tag.
    #[field(name = "verification_tag", display = "hex")]
    pub verification_tag: Field<'a, u32>,
    /// CRC32c checksum.
    #[field(name = "checksum", display = "hex")]
    pub checksum: Field<'a, u32>,
}

/// Length of the common header.
pub const HEADER_LEN: usize = 12;

impl fmt::Display for SctpView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SCTP {} > {}", self.src_port(), self.dst_port())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// combined.pcap frame 48: SCTP INIT 7 → 7, verification tag 0.
    #[test]
    fn test_parse_common_header() {
        let b = [
            0x00, 0x07, 0x00, 0x07, 0, 0, 0, 0, 0x37, 0x61, 0xa7, 0x46, 0x01,
        ];
        let (h, rest) = Sctp::parse(&b, Sctp::ALL).unwrap();
        assert_eq!(
            (h.src_port.value(), h.dst_port.value()),
            (Some(&7), Some(&7))
        );
        assert_eq!(h.verification_tag.value(), Some(&0));
        assert_eq!(h.checksum.value(), Some(&0x3761a746));
        assert_eq!(rest, &[1]);
        assert_eq!(Sctp::view(&b).unwrap().to_string(), "SCTP 7 > 7");
        for len in 0..HEADER_LEN {
            assert!(Sctp::parse(&b[..len], Sctp::ALL).is_err());
        }
    }
}
