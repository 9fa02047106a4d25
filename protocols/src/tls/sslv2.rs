//! SSL 2.0 records ([draft-hickman-netscape-ssl-00]) and the SSLv2-style
//! ClientHello that old TLS clients send to stay compatible with SSL 2.0
//! servers ([RFC 5246 Appendix E.2]).
//!
//! An SSL 2.0 record has a 2-byte header (high bit set) or a 3-byte one
//! (with a padding length), then the message; the message type is its
//! first byte. Only the hellos and ClientMasterKey travel in the clear.
//!
//! Panic contract: every read is a checked `get`; [`Sslv2ClientHello`]'s
//! derived `parse` checks each length field once.
//!
//! [draft-hickman-netscape-ssl-00]: https://datatracker.ietf.org/doc/html/draft-hickman-netscape-ssl-00
//! [RFC 5246 Appendix E.2]: https://www.rfc-editor.org/rfc/rfc5246#appendix-E.2

use pcap_core::{Field, Header};

/// SSL 2.0 message types.
pub mod msg_type {
    /// ERROR.
    pub const ERROR: u8 = 0;
    /// CLIENT-HELLO.
    pub const CLIENT_HELLO: u8 = 1;
    /// CLIENT-MASTER-KEY.
    pub const CLIENT_MASTER_KEY: u8 = 2;
    /// SERVER-HELLO.
    pub const SERVER_HELLO: u8 = 4;
    /// CLIENT-CERTIFICATE, the highest type.
    pub const CLIENT_CERTIFICATE: u8 = 8;
}

/// The version tshark shows as `tls.record.version` of every SSL 2.0
/// record (the record itself has no version field).
pub const RECORD_VERSION: u16 = 0x0002;

/// The body of an SSL 2.0 CLIENT-HELLO (after the message type byte).
#[derive(Header, Debug, Clone)]
#[header(name = "tls.handshake", endian = "big")]
pub struct Sslv2ClientHello<'a> {
    /// Highest version the client speaks (`0x0002`, or `0x0301` from a
    /// TLS client in SSLv2-compatible form).
    #[field(default, name = "version")]
    pub version: Field<'a, u16>,
    /// Length in bytes of the cipher specs (3 bytes each).
    #[field(default, name = "cipher_spec_len")]
    pub cipher_spec_len: Field<'a, u16>,
    /// Length of the session ID.
    #[field(name = "session_id_length")]
    pub session_id_len: Field<'a, u16>,
    /// Length of the challenge.
    #[field(name = "challenge_len")]
    pub challenge_len: Field<'a, u16>,
    /// The cipher specs.
    #[field(len = cipher_spec_len, default, name = "cipher_specs")]
    pub cipher_specs: Field<'a, &'a [u8]>,
    /// The session ID.
    #[field(len = session_id_len, name = "session_id")]
    pub session_id: Field<'a, &'a [u8]>,
    /// The challenge (the client random).
    #[field(len = challenge_len, name = "challenge")]
    pub challenge: Field<'a, &'a [u8]>,
}

/// One whole SSL 2.0 record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sslv2Record<'a> {
    /// Header length: 2, or 3 with a padding length.
    pub header_len: usize,
    /// The record data (message type first).
    pub data: &'a [u8],
}

impl<'a> Sslv2Record<'a> {
    /// The record at the start of `bytes` if its header and data are
    /// there, with the bytes after it.
    pub fn parse(bytes: &'a [u8]) -> Option<(Sslv2Record<'a>, &'a [u8])> {
        let (header_len, len) = Self::header(bytes)?;
        let data = bytes.get(header_len..header_len + len)?;
        let rest = bytes.get(header_len + len..).unwrap_or(&[]);
        Some((Sslv2Record { header_len, data }, rest))
    }

    /// (header length, data length) of the record header at the start of
    /// `bytes`, if the header is there.
    pub fn header(bytes: &[u8]) -> Option<(usize, usize)> {
        let b0 = *bytes.first()?;
        let b1 = usize::from(*bytes.get(1)?);
        if b0 & 0x80 != 0 {
            Some((2, (usize::from(b0 & 0x7f) << 8) | b1))
        } else {
            bytes.get(2)?;
            Some((3, (usize::from(b0 & 0x3f) << 8) | b1))
        }
    }

    /// The message type (first data byte).
    pub fn msg_type(&self) -> Option<u8> {
        self.data.first().copied()
    }
}

/// Whether `version` is one tshark 4.0 names (its `ssl_versions` table):
/// SSL 2.0 to TLS 1.3, the TLS 1.3 drafts, DTLS and TLCP.
pub fn is_known_version(version: u16) -> bool {
    matches!(
        version,
        0x0002 | 0x0300..=0x0304 | 0x7f0e..=0x7f1c | 0xfb17 | 0xfb1a | 0x0100 | 0x0101 | 0xfefc..=0xfeff
    )
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// tshark's test that the bytes at `at` of `bytes` (a record's data,
/// possibly followed by more of the segment) start a clear-text SSL 2.0
/// handshake message of a record of `record_len` bytes; `None` when the
/// test would read past `bytes` (tshark then gives up on the segment).
pub fn looks_like_valid_handshake(bytes: &[u8], at: usize, record_len: usize) -> Option<bool> {
    let t = *bytes.get(at)?;
    Some(match t {
        msg_type::CLIENT_HELLO => is_known_version(be16(bytes, at + 1)?),
        msg_type::SERVER_HELLO => is_known_version(be16(bytes, at + 3)?),
        msg_type::CLIENT_MASTER_KEY => {
            let sum = usize::from(be16(bytes, at + 4)?)
                + usize::from(be16(bytes, at + 6)?)
                + usize::from(be16(bytes, at + 8)?);
            sum <= record_len
        }
        _ => false,
    })
}

/// Whether `bytes` starts like a clear SSL 2.0 handshake record: high bit
/// of the first byte set and a clear-text message type in the third.
pub fn looks_like_sslv2(bytes: &[u8]) -> bool {
    matches!((bytes.first(), bytes.get(2)), (Some(&b0), Some(&t)) if b0 >= 0x80 && matches!(t, 0 | 1 | 2 | 4))
}

/// Whether `bytes` starts with an SSLv2-style ClientHello header
/// (`0x80 len 0x01`).
pub fn is_v2_client_hello(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x80) && bytes.get(2) == Some(&msg_type::CLIENT_HELLO)
}

/// tshark's strict heuristic for an SSLv2-style ClientHello starting a
/// TCP payload: a 2-byte header below 256, type 1, cipher specs a
/// non-zero multiple of 3, a session ID of 0 or 16 bytes and a 32-byte
/// challenge.
pub fn is_sslv2_client_hello_start(bytes: &[u8]) -> bool {
    if bytes.len() < 46 || !is_v2_client_hello(bytes) {
        return false;
    }
    let (Some(specs), Some(sid), Some(challenge)) =
        (be16(bytes, 5), be16(bytes, 7), be16(bytes, 9))
    else {
        return false;
    };
    specs != 0 && specs % 3 == 0 && (sid == 0 || sid == 16) && challenge == 32
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An SSLv2-style ClientHello from a TLS 1.0 client: two cipher specs,
    /// no session ID, a 32-byte challenge.
    pub(crate) fn v2_hello(version: u16) -> Vec<u8> {
        let mut body = vec![msg_type::CLIENT_HELLO];
        body.extend_from_slice(&version.to_be_bytes());
        body.extend_from_slice(&[0, 6, 0, 0, 0, 32]);
        body.extend_from_slice(&[0x00, 0x00, 0x2f, 0x01, 0x00, 0x80]);
        body.extend_from_slice(&[9; 32]);
        let mut rec = vec![0x80, body.len() as u8];
        rec.extend_from_slice(&body);
        rec
    }

    #[test]
    fn test_v2_client_hello() {
        let rec = v2_hello(0x0301);
        assert!(is_sslv2_client_hello_start(&rec));
        assert!(looks_like_sslv2(&rec));
        let (r, rest) = Sslv2Record::parse(&rec).unwrap();
        assert!(rest.is_empty());
        assert_eq!((r.header_len, r.msg_type()), (2, Some(1)));
        let (h, _) = Sslv2ClientHello::parse(&r.data[1..], Sslv2ClientHello::ALL).unwrap();
        assert_eq!(h.version.value(), Some(&0x0301));
        assert_eq!(h.cipher_specs.value().unwrap().len(), 6);
        assert_eq!(h.challenge.value().unwrap().len(), 32);
        assert_eq!(
            looks_like_valid_handshake(r.data, 0, r.data.len()),
            Some(true)
        );
        for len in 0..rec.len() {
            let cut = &rec[..len];
            assert!(!is_sslv2_client_hello_start(cut) || len >= 46);
            assert!(Sslv2Record::parse(cut).is_none());
            let _ = Sslv2ClientHello::parse(cut.get(3..).unwrap_or(&[]), Sslv2ClientHello::ALL);
            let _ = looks_like_valid_handshake(cut, 2, len);
        }
    }

    #[test]
    fn test_three_byte_header() {
        let rec = [0x00, 0x02, 0x05, 0xaa, 0xbb, 0xff];
        let (r, rest) = Sslv2Record::parse(&rec).unwrap();
        assert_eq!(
            (r.header_len, r.data, rest),
            (3, &[0xaa, 0xbb][..], &[0xff][..])
        );
    }
}
