//! QUIC v1 ([RFC 9000], [RFC 9001]) as far as the TLS handshake in its
//! Initial packets: the keys anyone can derive from the client's first
//! Destination Connection ID, header protection removed, the payload
//! decrypted (AES-128-GCM), CRYPTO frames joined by offset (within a
//! packet, across packets and datagrams, coalesced packets included), and
//! the ClientHello and ServerHello read as TLS over TCP is: the same
//! `tls.*` columns (record columns empty: QUIC has no TLS records), JA3,
//! JA3S, and JA4 with its `q` transport letter.
//!
//! | module | what |
//! | --- | --- |
//! | [`varint`] | variable-length integers, a checked [`Reader`](varint::Reader) |
//! | [`keys`] | Initial secrets, keys, IVs and header protection keys ([`InitialKeys`]) |
//! | [`header`] | the long header ([`LongHeader`]), [`looks_like_quic_v1`] |
//! | [`packet`] | header protection removal and payload decryption ([`packet::open`]) |
//! | [`frames`] | the frames an Initial packet may carry ([`Frames`]) |
//! | [`crypto`] | a CRYPTO stream joined by offset, capped ([`CryptoStream`]) |
//! | `handshake` | the `tls.*` columns of one handshake message |
//! | [`connection`] | [`Connection`]: one connection's keys and streams |
//! | [`flows`] | [`Flows`]: the connections of a capture by UDP flow |
//! | [`seal`] | protecting an Initial packet (for tests and examples) |
//!
//! Handshake and 1-RTT packets are not decrypted (their keys come from
//! the TLS handshake); other versions than v1 are not read.
//!
//! Panic contract: every length read from the wire is checked before use;
//! the only buffers are the per-connection CRYPTO streams (at most
//! [`MAX_CRYPTO_LEN`] each) and the caller's decryption scratch buffer
//! (one datagram).
//!
//! ```
//! use protocols::quic::{self, Connection};
//! use protocols::tls::Columns;
//!
//! // A client's Initial packet carrying a (tiny) ClientHello.
//! let mut hello = vec![1, 0, 0, 41, 3, 3];
//! hello.extend_from_slice(&[0; 32]);
//! hello.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
//! let dcid = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];
//! let packet = quic::seal::client_initial(&dcid, &[], 0, &quic::seal::crypto_frame(0, &hello), 1200);
//! assert!(quic::looks_like_quic_v1(&packet));
//!
//! let mut conn = Connection::new();
//! let mut cols = Columns::default();
//! conn.datagram(&packet, true, &mut Vec::new(), &mut cols);
//! assert_eq!(cols.handshake_type, [1]);
//! assert_eq!(cols.cipher_suite, [0x1301]);
//! assert!(cols.ja4[0].starts_with("q12i010000_"));
//! ```
//!
//! [RFC 9000]: https://www.rfc-editor.org/rfc/rfc9000
//! [RFC 9001]: https://www.rfc-editor.org/rfc/rfc9001

pub mod connection;
pub mod crypto;
pub mod flows;
pub mod frames;
mod handshake;
pub mod header;
pub mod keys;
mod layer;
pub mod packet;
pub mod seal;
pub mod varint;

pub use connection::Connection;
pub use crypto::{CryptoStream, MAX_CRYPTO_LEN};
pub use flows::Flows;
pub use frames::{Frame, Frames};
pub use handshake::message_columns;
pub use header::{LongHeader, looks_like_quic_v1};
pub use keys::{Endpoint, InitialKeys, Keys, Secrets, VERSION_1};
pub use layer::QUIC_UDP_PORT;
pub(crate) use layer::register;

#[cfg(test)]
mod tests;
