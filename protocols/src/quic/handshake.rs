//! The `tls.*` columns of a TLS handshake message carried in CRYPTO
//! frames: as for TLS over TCP, but with no record layer (the record
//! columns stay empty) and JA4's transport letter `q`.

use crate::tls::Columns;
use crate::tls::handshake::handshake_type;
use crate::tls::{Hello, Transport};

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Adds the columns tshark shows for one whole handshake message `msg`
/// (its 4-byte header included) to `out`.
pub fn message_columns(msg: &[u8], out: &mut Columns) {
    let Some(&t) = msg.first() else { return };
    if !handshake_type::is_known(t) {
        return;
    }
    out.handshake_type.push(t);
    if t != handshake_type::CLIENT_HELLO && t != handshake_type::SERVER_HELLO {
        return;
    }
    let body = msg.get(4..).unwrap_or(&[]);
    if let Some(v) = be16(body, 0) {
        out.handshake_version.push(v);
    }
    let parsed = if t == handshake_type::CLIENT_HELLO {
        Hello::parse_client(body)
    } else {
        Hello::parse_server(body)
    };
    let Ok(hello) = parsed else { return };
    out.cipher_suite.extend_from_slice(&hello.cipher_suites);
    out.server_name
        .extend(hello.server_names.iter().map(|n| n.to_vec()));
    out.alpn.extend(hello.alpn.iter().map(|n| n.to_vec()));
    out.supported_version
        .extend_from_slice(&hello.supported_versions);
    if hello.malformed {
        return;
    }
    if t == handshake_type::CLIENT_HELLO {
        out.ja3.push(hello.ja3());
        out.ja4.push(hello.ja4_for(Transport::Quic));
    } else {
        out.ja3s.push(hello.ja3s());
    }
}
