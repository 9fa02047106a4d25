//! TLS (and SSL 2.0) handshakes: records, handshake messages, ClientHello
//! and ServerHello with their extensions, the JA3/JA3S/JA4 fingerprints,
//! and the `tls.*` columns tshark 4.0 shows per TCP segment.
//!
//! Layout, one role per file:
//!
//! | module | what |
//! | --- | --- |
//! | [`record`] | the 5-byte record header ([`RecordHeader`]), [`Records`] of one segment |
//! | [`handshake`] | the 4-byte handshake header ([`HandshakeHeader`]), [`Handshakes`] of a fragment |
//! | [`hello`] | ClientHello/ServerHello fixed parts and [`Hello`] with its extensions |
//! | [`sslv2`] | SSL 2.0 records and the SSLv2-style ClientHello |
//! | [`grease`] | GREASE values (RFC 8701) |
//! | `ja3`, `ja4` | [`Hello::ja3`], [`Hello::ja3s`], [`Hello::ja4`] |
//! | [`session`] | [`Session`]: tshark's per-connection state, giving [`Columns`] per segment |
//! | [`columns`] | [`Columns`] and their tshark text |
//!
//! This layer is not yet called by the [`Dissector`](crate::Dissector):
//! a caller hands it TCP payloads.
//!
//! ```
//! use protocols::tls::{self, Hello, Records, Session, Side, handshake::Handshakes};
//!
//! // A ClientHello record: TLS 1.2, one cipher suite, no extensions.
//! let mut body = vec![3, 3];
//! body.extend_from_slice(&[0; 32]);
//! body.extend_from_slice(&[0, 0, 2, 0x00, 0x2f, 1, 0]);
//! let mut msg = vec![1, 0, 0, body.len() as u8];
//! msg.extend_from_slice(&body);
//! let mut payload = vec![22, 3, 1, 0, msg.len() as u8];
//! payload.extend_from_slice(&msg);
//!
//! assert!(tls::looks_like_tls(&payload));
//! let record = Records::new(&payload).next().unwrap();
//! let hello = Hello::parse(&Handshakes::new(record.fragment).next().unwrap()).unwrap();
//! assert_eq!(hello.ja3_string(), "771,47,,,");
//! assert!(hello.ja4().starts_with("t12i010000_"));
//!
//! let cols = Session::new().segment(&payload, Side::Initiator);
//! assert_eq!(cols.cells()[..4], ["22", "0x0301", "1", "0x0303"]);
//! ```

pub mod columns;
pub mod conversations;
pub mod grease;
pub mod handshake;
pub mod hello;
mod ja3;
mod ja4;
mod layer;
pub mod record;
pub mod session;
pub mod sslv2;

pub use columns::Columns;
pub use conversations::{Conversations, TLS_TCP_PORTS};
pub use grease::is_grease;
pub use handshake::{Handshake, HandshakeHeader, Handshakes};
pub use hello::{Extension, Hello, HelloKind};
pub use ja3::md5_hex;
pub use ja4::Transport;
pub(crate) use layer::register;
pub use record::{Record, RecordHeader, Records};
pub use session::{Session, Side};

use record::content_type;

/// tshark's heuristic for a TCP payload that starts a TLS conversation on
/// a port no other protocol claims (and after a STARTTLS): a handshake or
/// application-data record header of SSL 3.0 to TLS 1.2 (TLS 1.3 keeps
/// `0x0301`/`0x0303` there) with a plausible length, or an SSLv2-style
/// ClientHello.
pub fn looks_like_tls(payload: &[u8]) -> bool {
    looks_like_tls_record(payload) || sslv2::is_sslv2_client_hello_start(payload)
}

fn looks_like_tls_record(payload: &[u8]) -> bool {
    let Some(header) = payload.get(..record::HEADER_LEN) else {
        return false;
    };
    let ct = header[0];
    let version = u16::from_be_bytes([header[1], header[2]]);
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    matches!(ct, content_type::HANDSHAKE | content_type::APPLICATION_DATA)
        && matches!(version, 0x0300..=0x0303 | 0x0101)
        && len > 0
        && len < record::MAX_FRAGMENT_LEN
}

/// The `tls.*` columns of one segment read on its own (a fresh
/// [`Session`]): right for a conversation's first segments; later ones
/// need the session's state (see [`Session::segment`]).
pub fn segment_columns(payload: &[u8]) -> Columns {
    Session::new().segment(payload, Side::Initiator)
}

/// The first handshake message of a byte stream of TLS records (one
/// direction of a connection, in order, e.g. joined TCP segments), joined
/// across handshake records, header included. `None` until the stream
/// holds all of it, or if the stream does not start with handshake
/// records; the message is capped at 64 KiB as tshark's own heuristics
/// assume.
pub fn first_handshake_message(stream: &[u8]) -> Option<Vec<u8>> {
    let mut msg: Vec<u8> = Vec::new();
    for record in Records::new(stream) {
        if record.content_type != content_type::HANDSHAKE {
            return None;
        }
        msg.extend_from_slice(record.fragment);
        if msg.len() >= handshake::HEADER_LEN {
            let body =
                (usize::from(msg[1]) << 16) | (usize::from(msg[2]) << 8) | usize::from(msg[3]);
            let total = body + handshake::HEADER_LEN;
            if total > session::MAX_HANDSHAKE_LEN {
                return None;
            }
            if msg.len() >= total {
                msg.truncate(total);
                return Some(msg);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
