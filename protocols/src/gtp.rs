//! GTP-U version 1 ([3GPP TS 29.281] §5.1), the mobile-network tunnel on UDP
//! port 2152: an 8-byte header, 4 optional bytes when any of the E, S or PN
//! flags is set, then a chain of extension headers. A G-PDU (message type
//! 255) carries an IP packet, which the dissector dissects as an inner
//! occurrence.
//!
//! Panic contract: `parse`/`view` check the length once; after that single
//! length check no accessor can panic. [`full_header_len`] walks the
//! extension headers with checked offsets.
//!
//! [3GPP TS 29.281]: https://www.3gpp.org/ftp/Specs/archive/29_series/29.281/

use std::fmt;

use pcap_core::{Error, Field, Header, HeaderView};

/// The GTP-U UDP port.
pub const PORT: u16 = 2152;
/// Message type of a G-PDU (user data).
pub const G_PDU: u8 = 255;

/// The GTP-U header up to the optional fields.
#[derive(Header, Debug, Clone)]
#[header(name = "gtp", endian = "big")]
pub struct GtpU<'a> {
    /// Version (1).
    #[field(bits = 3, name = "flags.version")]
    pub version: Field<'a, u8>,
    /// Protocol Type (1 for GTP, 0 for GTP').
    #[field(bits = 1, name = "flags.payload")]
    pub protocol_type: Field<'a, bool>,
    /// Reserved.
    #[field(bits = 1, name = "flags.reserved")]
    pub reserved: Field<'a, bool>,
    /// Extension Header flag.
    #[field(bits = 1, name = "flags.e")]
    pub ext_flag: Field<'a, bool>,
    /// Sequence Number flag.
    #[field(bits = 1, name = "flags.s")]
    pub seq_flag: Field<'a, bool>,
    /// N-PDU Number flag.
    #[field(bits = 1, name = "flags.pn")]
    pub npdu_flag: Field<'a, bool>,
    /// Message Type.
    #[field(default, name = "message", display = "hex")]
    pub msg_type: Field<'a, u8>,
    /// Length of everything after the first 8 bytes.
    #[field(name = "length")]
    pub length: Field<'a, u16>,
    /// Tunnel Endpoint Identifier.
    #[field(default, name = "teid", display = "hex")]
    pub teid: Field<'a, u32>,
    /// Sequence Number (present when any of E, S, PN is set).
    #[field(when = ext_flag || seq_flag || npdu_flag, name = "seq_number", display = "hex")]
    pub seq_num: Field<'a, u16>,
    /// N-PDU Number (same condition).
    #[field(when = ext_flag || seq_flag || npdu_flag, name = "npdu_number", display = "hex")]
    pub npdu_num: Field<'a, u8>,
    /// Type of the first extension header (same condition; 0 = none).
    #[field(when = ext_flag || seq_flag || npdu_flag, name = "ext_hdr.next", display = "hex")]
    pub next_ext_type: Field<'a, u8>,
}

/// The length of the header with its extension headers: where the T-PDU
/// starts.
pub fn full_header_len(bytes: &[u8]) -> Result<usize, Error> {
    let v = GtpU::view(bytes)?;
    let mut len = v.header_len();
    let mut next = v.next_ext_type().unwrap_or(0);
    // Each extension header is at least 4 bytes, so this ends within
    // bytes.len() / 4 steps.
    while next != 0 {
        let units = bytes
            .get(len)
            .copied()
            .ok_or_else(|| short(len + 1, bytes.len()))?;
        if units == 0 {
            return Err(Error::malformed(
                "GTP-U",
                "extension",
                len,
                "zero-length extension header",
            ));
        }
        let ext_len = usize::from(units) * 4;
        let end = len + ext_len;
        next = bytes
            .get(end - 1)
            .copied()
            .ok_or_else(|| short(end, bytes.len()))?;
        len = end;
    }
    Ok(len)
}

fn short(needed: usize, available: usize) -> Error {
    Error::Truncated {
        layer: "GTP-U",
        field: "extension",
        offset: available,
        needed,
        available,
        limit: pcap_core::Limit::Buffer,
    }
}

impl fmt::Display for GtpUView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "GTP-U type={} teid=0x{:08x}",
            self.msg_type(),
            self.teid()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ipv6-gtp6.pcap frame 1: a G-PDU with no optional fields, TEID
    /// 0x022be642, carrying IPv6.
    const GPDU: [u8; 9] = [0x30, 0xff, 0x01, 0x7c, 0x02, 0x2b, 0xe6, 0x42, 0x60];

    #[test]
    fn test_parse_gpdu() {
        let (h, rest) = GtpU::parse(&GPDU, GtpU::ALL).unwrap();
        assert_eq!(h.version.value(), Some(&1));
        assert_eq!(h.protocol_type.value(), Some(&true));
        assert_eq!(h.seq_flag.value(), Some(&false));
        assert_eq!(h.msg_type.value(), Some(&G_PDU));
        assert_eq!(h.length.value(), Some(&0x17c));
        assert_eq!(h.teid.value(), Some(&0x022be642));
        assert!(h.seq_num.is_skipped());
        assert_eq!(rest, &[0x60]);
        assert_eq!(full_header_len(&GPDU).unwrap(), 8);
        for len in 0..8 {
            assert!(GtpU::parse(&GPDU[..len], GtpU::ALL).is_err());
            assert!(full_header_len(&GPDU[..len]).is_err());
        }
        // With the S flag: 4 more bytes.
        let s = [0x32, 0xff, 0, 4, 0, 0, 0, 1, 0x12, 0x34, 0, 0, 0x45];
        let (h, rest) = GtpU::parse(&s, GtpU::ALL).unwrap();
        assert_eq!(h.seq_num.value(), Some(&0x1234));
        assert_eq!(rest, &[0x45]);
        assert_eq!(full_header_len(&s).unwrap(), 12);
    }

    #[test]
    fn test_extension_chain() {
        // E flag, next extension 0x85 (PDU session container), 4 bytes long.
        let b = [
            0x34, 0xff, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0x10, 0x01, 0x00, 0x45,
        ];
        assert_eq!(full_header_len(&b).unwrap(), 16);
        assert!(full_header_len(&b[..15]).is_err());
        let mut bad = b;
        bad[12] = 0;
        assert!(full_header_len(&bad).is_err());
    }
}
