//! The QUIC long header ([RFC 9000 §17.2]): the version-independent part
//! (form bit, version, connection IDs; [RFC 8999]) declared with the
//! derive, and [`LongHeader`], one whole long-header packet of a datagram
//! (several may be coalesced in one, RFC 9000 §12.2).
//!
//! Panic contract: [`LongHeader::parse`] reads through a checked
//! [`Reader`]; every length (connection IDs, token, `Length`) is checked
//! against the datagram before anything is sliced.
//!
//! [RFC 9000 §17.2]: https://www.rfc-editor.org/rfc/rfc9000#section-17.2
//! [RFC 8999]: https://www.rfc-editor.org/rfc/rfc8999

use pcap_core::{Field, Header};

use super::keys::{MAX_CID_LEN, VERSION_1};
use super::varint::Reader;

/// Long packet types of QUIC v1 (the two type bits of the first byte).
pub mod packet_type {
    /// Initial: the client's first flight and the server's reply,
    /// protected with keys anyone can derive.
    pub const INITIAL: u8 = 0;
    /// 0-RTT.
    pub const ZERO_RTT: u8 = 1;
    /// Handshake.
    pub const HANDSHAKE: u8 = 2;
    /// Retry: a new connection ID for the client to use.
    pub const RETRY: u8 = 3;
}

/// The invariant start of a long header, as `show` prints it. The four
/// low bits of the first byte are protected (reserved bits and packet
/// number length) and not shown.
#[derive(Header, Debug, Clone)]
#[header(name = "quic", endian = "big")]
pub struct LongHeaderStart<'a> {
    /// 1 for a long header.
    #[field(bits = 1, name = "header_form")]
    pub header_form: Field<'a, u8>,
    /// 1 unless greased (RFC 9287).
    #[field(bits = 1, name = "fixed_bit")]
    pub fixed_bit: Field<'a, u8>,
    /// See [`packet_type`].
    #[field(bits = 2, default, name = "long.packet_type")]
    pub packet_type: Field<'a, u8>,
    /// Header-protected: the reserved bits and the packet number length.
    #[field(bits = 4, name = "long.protected_bits")]
    pub protected_bits: Field<'a, u8>,
    /// The QUIC version (1 for v1; 0 for Version Negotiation).
    #[field(default, name = "version", display = "hex")]
    pub version: Field<'a, u32>,
    /// Length of the Destination Connection ID.
    #[field(name = "dcil")]
    pub dcid_len: Field<'a, u8>,
    /// The Destination Connection ID.
    #[field(len = dcid_len, default, name = "dcid")]
    pub dcid: Field<'a, &'a [u8]>,
    /// Length of the Source Connection ID.
    #[field(name = "scil")]
    pub scid_len: Field<'a, u8>,
    /// The Source Connection ID.
    #[field(len = scid_len, default, name = "scid")]
    pub scid: Field<'a, &'a [u8]>,
}

/// One long-header packet of a datagram (its header protection still on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongHeader<'a> {
    /// The first byte as sent (its low four bits protected).
    pub first: u8,
    /// The version.
    pub version: u32,
    /// Destination Connection ID.
    pub dcid: &'a [u8],
    /// Source Connection ID.
    pub scid: &'a [u8],
    /// The token of an Initial packet (empty for other types).
    pub token: &'a [u8],
    /// Offset of the (protected) packet number in the packet; for a Retry,
    /// where its token starts.
    pub pn_offset: usize,
    /// Length of the whole packet: the datagram's next packet starts here.
    pub len: usize,
}

impl<'a> LongHeader<'a> {
    /// The v1 packet type (see [`packet_type`]).
    pub fn packet_type(&self) -> u8 {
        (self.first >> 4) & 3
    }

    /// Reads the long-header packet at the start of `datagram`: `None`
    /// for a short header, a Version Negotiation packet, another version
    /// than v1, or any length that runs past the datagram.
    pub fn parse(datagram: &'a [u8]) -> Option<LongHeader<'a>> {
        let mut r = Reader::new(datagram);
        let first = r.u8()?;
        if first & 0x80 == 0 {
            return None;
        }
        let version = r.u32()?;
        if version != VERSION_1 {
            return None;
        }
        let dcid_len = r.u8()?;
        if usize::from(dcid_len) > MAX_CID_LEN {
            return None;
        }
        let dcid = r.take(usize::from(dcid_len))?;
        let scid_len = r.u8()?;
        if usize::from(scid_len) > MAX_CID_LEN {
            return None;
        }
        let scid = r.take(usize::from(scid_len))?;
        let mut header = LongHeader {
            first,
            version,
            dcid,
            scid,
            token: &[],
            pn_offset: 0,
            len: 0,
        };
        match header.packet_type() {
            packet_type::RETRY => {
                // The rest of the datagram: the token and its 16-byte tag.
                header.pn_offset = r.pos();
                header.len = datagram.len();
                return (datagram.len() >= r.pos() + 16).then_some(header);
            }
            packet_type::INITIAL => {
                let token_len = r.varint()?;
                header.token = r.take_u64(token_len)?;
            }
            _ => {}
        }
        let length = usize::try_from(r.varint()?).ok()?;
        header.pn_offset = r.pos();
        header.len = header.pn_offset.checked_add(length)?;
        (header.len <= datagram.len()).then_some(header)
    }
}

/// Whether `payload` (a UDP datagram's) starts with a QUIC v1 long-header
/// packet: tshark's heuristic for QUIC on any UDP port (a long header of
/// a known version with connection IDs of at most 20 bytes), restricted
/// to v1, the version read here.
pub fn looks_like_quic_v1(payload: &[u8]) -> bool {
    payload.len() >= 13 && payload[0] & 0x80 != 0 && LongHeader::parse(payload).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Initial of RFC 9001 Appendix A.2 (header only, with its length).
    const A2_HEADER: [u8; 22] = [
        0xc0, 0, 0, 0, 1, 8, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08, 0, 0, 0x44, 0x9e,
        0x7b, 0x9a, 0xec, 0x34,
    ];

    #[test]
    fn test_initial_header_and_lengths() {
        let mut dgram = A2_HEADER.to_vec();
        dgram.resize(18 + 0x49e, 0);
        let h = LongHeader::parse(&dgram).unwrap();
        assert_eq!(h.packet_type(), packet_type::INITIAL);
        assert_eq!(h.dcid, &A2_HEADER[6..14]);
        assert!(h.scid.is_empty() && h.token.is_empty());
        assert_eq!((h.pn_offset, h.len), (18, 18 + 0x49e));
        assert!(looks_like_quic_v1(&dgram));
        // One byte short: the packet runs past the datagram.
        assert_eq!(LongHeader::parse(&dgram[..dgram.len() - 1]), None);
        for cut in 0..30 {
            assert_eq!(LongHeader::parse(&dgram[..cut]), None);
        }
        let mut v2 = dgram.clone();
        v2[1..5].copy_from_slice(&0x6b33_43cfu32.to_be_bytes());
        assert!(!looks_like_quic_v1(&v2));
        let mut short = dgram;
        short[0] = 0x40;
        assert!(!looks_like_quic_v1(&short));
    }

    #[test]
    fn test_derived_start_fields() {
        let (h, _) = LongHeaderStart::parse(&A2_HEADER, LongHeaderStart::ALL).unwrap();
        assert_eq!(h.version.value(), Some(&1));
        assert_eq!(h.packet_type.value(), Some(&0));
        assert_eq!(h.dcid.value().map(|d| d.len()), Some(8));
        assert_eq!(
            LongHeaderStart::DCID.full_name(LongHeaderStart::NAME),
            "quic.dcid"
        );
    }
}
