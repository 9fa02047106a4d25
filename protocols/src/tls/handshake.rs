//! Handshake messages ([RFC 8446 §4]): a 4-byte header (type, 24-bit
//! length) and the body, several of which may share one record.
//!
//! Panic contract: [`HandshakeHeader::parse`]/`view` check the length once
//! (4 bytes); [`Handshakes`] slices only within the bytes it was given.
//!
//! [RFC 8446 §4]: https://www.rfc-editor.org/rfc/rfc8446#section-4

use pcap_core::{Field, Header, HeaderView};

/// Handshake message types (IANA "TLS HandshakeType").
pub mod handshake_type {
    /// hello_request.
    pub const HELLO_REQUEST: u8 = 0;
    /// client_hello.
    pub const CLIENT_HELLO: u8 = 1;
    /// server_hello (also a TLS 1.3 HelloRetryRequest).
    pub const SERVER_HELLO: u8 = 2;
    /// new_session_ticket.
    pub const NEW_SESSION_TICKET: u8 = 4;
    /// certificate.
    pub const CERTIFICATE: u8 = 11;
    /// client_key_exchange.
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
    /// finished.
    pub const FINISHED: u8 = 20;

    /// Whether tshark 4.0 knows `t` as a handshake type (its
    /// `ssl_31_handshake_type` table): a record whose first byte is
    /// anything else is taken for encrypted.
    pub fn is_known(t: u8) -> bool {
        matches!(t, 0..=6 | 8 | 11..=16 | 20..=25 | 67 | 254)
    }
}

/// The handshake message header (4 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "tls.handshake", endian = "big")]
pub struct HandshakeHeader<'a> {
    /// Message type: see [`handshake_type`].
    #[field(default, name = "type")]
    pub msg_type: Field<'a, u8>,
    /// Length of the body (24 bits).
    #[field(default, bytes = 3, name = "length")]
    pub length: Field<'a, u32>,
}

/// Length of the handshake header.
pub const HEADER_LEN: usize = 4;

/// One whole handshake message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake<'a> {
    /// Message type: see [`handshake_type`].
    pub msg_type: u8,
    /// The body (`length` bytes).
    pub body: &'a [u8],
}

impl<'a> Handshake<'a> {
    /// The message at the start of `bytes` if its header and whole body are
    /// there, with the bytes after it.
    pub fn parse(bytes: &'a [u8]) -> Option<(Handshake<'a>, &'a [u8])> {
        let view = HandshakeHeader::view(bytes).ok()?;
        let after = view.payload();
        let len = usize::try_from(view.length()).ok()?;
        let body = after.get(..len)?;
        let rest = after.get(len..).unwrap_or(&[]);
        Some((
            Handshake {
                msg_type: view.msg_type(),
                body,
            },
            rest,
        ))
    }
}

/// The whole handshake messages of a record fragment (or of joined
/// fragments), in order; stops at the first message cut short, whose bytes
/// are then in [`Handshakes::rest`].
#[derive(Debug, Clone)]
pub struct Handshakes<'a> {
    rest: &'a [u8],
}

impl<'a> Handshakes<'a> {
    /// Walks `fragment` from its first byte.
    pub fn new(fragment: &'a [u8]) -> Self {
        Handshakes { rest: fragment }
    }

    /// The bytes not yet yielded.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Handshakes<'a> {
    type Item = Handshake<'a>;

    fn next(&mut self) -> Option<Handshake<'a>> {
        let (msg, rest) = Handshake::parse(self.rest)?;
        self.rest = rest;
        Some(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_24_bit_length_and_iteration() {
        // ServerHelloDone (empty body), then a Finished cut short.
        let bytes = [14, 0, 0, 0, 20, 0, 0, 12, 1, 2];
        let (h, _) = HandshakeHeader::parse(&bytes[4..], HandshakeHeader::ALL).unwrap();
        assert_eq!(h.length.value(), Some(&12));
        assert_eq!(
            HandshakeHeader::LENGTH.full_name(HandshakeHeader::NAME),
            "tls.handshake.length"
        );
        let mut it = Handshakes::new(&bytes);
        assert_eq!(
            it.next(),
            Some(Handshake {
                msg_type: 14,
                body: &[]
            })
        );
        assert_eq!(it.next(), None);
        assert_eq!(it.rest(), &bytes[4..]);
        let big = [1, 0x01, 0x00, 0x00];
        let v = HandshakeHeader::view(&big).unwrap();
        assert_eq!(v.length(), 0x010000);
        for len in 0..bytes.len() {
            let _ = Handshakes::new(&bytes[..len]).count();
        }
    }
}
