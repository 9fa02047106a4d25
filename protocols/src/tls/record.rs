//! The TLS record layer ([RFC 8446 §5.1], [RFC 5246 §6.2]): a 5-byte header
//! (content type, version, length) and its fragment, and [`Records`], the
//! records that lie whole in one TCP segment's payload.
//!
//! Panic contract: [`RecordHeader::parse`]/`view` check the length once
//! (5 bytes); [`Records`] slices only within the bytes it was given.
//!
//! [RFC 8446 §5.1]: https://www.rfc-editor.org/rfc/rfc8446#section-5.1
//! [RFC 5246 §6.2]: https://www.rfc-editor.org/rfc/rfc5246#section-6.2

use pcap_core::{Field, Header, HeaderView};

/// Record content types (IANA "TLS ContentType").
pub mod content_type {
    /// change_cipher_spec.
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    /// alert.
    pub const ALERT: u8 = 21;
    /// handshake.
    pub const HANDSHAKE: u8 = 22;
    /// application_data (also every encrypted TLS 1.3 record).
    pub const APPLICATION_DATA: u8 = 23;
    /// heartbeat (RFC 6520).
    pub const HEARTBEAT: u8 = 24;

    /// Whether tshark takes `ct` for a record content type (20..=24).
    pub fn is_valid(ct: u8) -> bool {
        (CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&ct)
    }
}

/// The record header (5 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "tls.record", endian = "big")]
pub struct RecordHeader<'a> {
    /// Content type: see [`content_type`].
    #[field(default, name = "content_type")]
    pub content_type: Field<'a, u8>,
    /// Record-layer protocol version (`0x0301` in most ClientHellos).
    #[field(default, name = "version")]
    pub version: Field<'a, u16>,
    /// Length of the fragment that follows.
    #[field(default, name = "length")]
    pub length: Field<'a, u16>,
}

/// Length of the record header.
pub const HEADER_LEN: usize = 5;

/// Largest fragment TLS allows (2^14 plus the 2048 bytes of expansion
/// a ciphertext may add): a longer length is not a record.
pub const MAX_FRAGMENT_LEN: usize = (1 << 14) + 2048;

/// One whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Content type: see [`content_type`].
    pub content_type: u8,
    /// Record-layer version.
    pub version: u16,
    /// The fragment (`length` bytes).
    pub fragment: &'a [u8],
}

impl<'a> Record<'a> {
    /// The record at the start of `bytes` if its header and whole fragment
    /// are there, with the bytes after it.
    pub fn parse(bytes: &'a [u8]) -> Option<(Record<'a>, &'a [u8])> {
        let view = RecordHeader::view(bytes).ok()?;
        let after = view.payload();
        let len = usize::from(view.length());
        let fragment = after.get(..len)?;
        let rest = after.get(len..).unwrap_or(&[]);
        Some((
            Record {
                content_type: view.content_type(),
                version: view.version(),
                fragment,
            },
            rest,
        ))
    }
}

/// The whole records at the start of one TCP segment's payload, in order.
///
/// Stops (for good) at the first record whose header or fragment the
/// payload does not hold, as tshark does with TCP reassembly off; what is
/// left is in [`Records::rest`]. Content types are not checked: see
/// [`looks_like_tls`](super::looks_like_tls).
#[derive(Debug, Clone)]
pub struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Records<'a> {
    /// Walks `payload` from its first byte.
    pub fn new(payload: &'a [u8]) -> Self {
        Records { rest: payload }
    }

    /// The bytes not yet yielded (after iteration: the part no whole record
    /// covers).
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let (record, rest) = Record::parse(self.rest)?;
        self.rest = rest;
        Some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ChangeCipherSpec record and the start of a handshake record.
    const TWO: [u8; 11] = [20, 3, 3, 0, 1, 1, 22, 3, 3, 0, 40];

    #[test]
    fn test_parse_header() {
        let (h, rest) = RecordHeader::parse(&TWO, RecordHeader::ALL).unwrap();
        assert_eq!(h.content_type.value(), Some(&20));
        assert_eq!(h.version.value(), Some(&0x0303));
        assert_eq!(h.length.value(), Some(&1));
        assert_eq!(rest.len(), 6);
        assert_eq!(RecordHeader::NAME, "tls.record");
        assert_eq!(
            RecordHeader::CONTENT_TYPE.full_name(RecordHeader::NAME),
            "tls.record.content_type"
        );
        for len in 0..HEADER_LEN {
            assert!(
                RecordHeader::parse(&TWO[..len], RecordHeader::ALL)
                    .unwrap_err()
                    .is_truncated()
            );
        }
    }

    #[test]
    fn test_records_stop_at_a_cut_record() {
        let mut it = Records::new(&TWO);
        assert_eq!(
            it.next(),
            Some(Record {
                content_type: 20,
                version: 0x0303,
                fragment: &[1]
            })
        );
        assert_eq!(it.next(), None);
        assert_eq!(it.rest(), &TWO[6..]);
        for len in 0..TWO.len() {
            let n = Records::new(&TWO[..len]).count();
            assert_eq!(n, usize::from(len >= 6));
        }
    }
}
