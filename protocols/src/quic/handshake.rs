//! The `tls.*` columns of a TLS handshake message carried in CRYPTO
//! frames: as for TLS over TCP, but with no record layer (the record
//! columns stay empty) and JA4's transport letter `q`.

use crate::tls::handshake::handshake_type;
use crate::tls::session::hello_columns;
use crate::tls::{Columns, Transport};

/// Adds the columns tshark shows for one whole handshake message `msg`
/// (its 4-byte header included) to `out`.
pub fn message_columns(msg: &[u8], out: &mut Columns) {
    let Some(&t) = msg.first() else { return };
    if !handshake_type::is_known(t) {
        return;
    }
    let body = msg.get(4..).unwrap_or(&[]);
    hello_columns(t, body, Transport::Quic, out);
}
