//! QUIC as a layer of the dissector: on UDP port 443, and found by its
//! long header (v1) on other UDP ports. The dissector records the
//! invariant part of the first packet's long header (`quic` in
//! `frame.protocols`, its fields in `show`); the `tls.*` columns of the
//! decrypted Initial packets, which need the connection's state, come
//! from [`Flows`](super::Flows).

use std::sync::Arc;

use pcap_core::{Error, FieldSpec, FieldValue};

use super::header::{LongHeaderStart, looks_like_quic_v1};
use super::keys::MAX_CID_LEN;
use crate::dissect::{Dispatch, Next, Registry, UserLayer, UserStep};

/// The UDP port registered for QUIC (HTTP/3).
pub const QUIC_UDP_PORT: u16 = 443;

/// The QUIC layer; `heuristic` selects the strict test used off port 443.
struct Quic {
    heuristic: bool,
}

impl UserLayer for Quic {
    fn name(&self) -> &'static str {
        "quic"
    }

    fn accepts(&self, bytes: &[u8]) -> bool {
        if self.heuristic {
            looks_like_quic_v1(bytes)
        } else {
            // On its port: a long header of any version whose connection
            // IDs are not longer than the invariants allow (RFC 8999); a
            // short header cannot be told from other bytes without the
            // connection's state.
            looks_like_long_header(bytes)
        }
    }

    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        let header_len = LongHeaderStart::header_len(bytes).unwrap_or(bytes.len());
        Ok(UserStep {
            header_len,
            next: Next::Done,
        })
    }

    fn fields(&self) -> &'static [FieldSpec] {
        LongHeaderStart::FIELDS
    }

    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        LongHeaderStart::visit_bytes(bytes, pcap_core::Endian::Big, visit)
    }
}

/// Whether `bytes` start with a long header of any QUIC version: form bit
/// set, connection IDs of at most 20 bytes, both there.
fn looks_like_long_header(bytes: &[u8]) -> bool {
    let Some(&dcil) = bytes.get(5) else {
        return false;
    };
    let scil_at = 6 + usize::from(dcil);
    bytes[0] & 0x80 != 0
        && usize::from(dcil) <= MAX_CID_LEN
        && bytes.get(scil_at).is_some_and(|&scil| {
            usize::from(scil) <= MAX_CID_LEN && bytes.len() > scil_at + usize::from(scil)
        })
}

/// Registers QUIC: on UDP port 443, and by its long header on the others.
pub(crate) fn register(registry: &mut Registry) {
    registry.register_builtin(
        Dispatch::UdpPort(QUIC_UDP_PORT),
        Arc::new(Quic { heuristic: false }),
    );
    registry.register_builtin(Dispatch::UdpHeuristic, Arc::new(Quic { heuristic: true }));
}
