//! TLS as a layer of the dissector: on tshark's TLS ports, and found by its
//! content on other TCP ports. The dissector records the first record's
//! header (`tls` in `frame.protocols`, and its fields in `show`); the
//! `tls.*` columns, which depend on what came before in the conversation,
//! come from [`Conversations`](super::Conversations).

use std::sync::Arc;

use pcap_core::{Error, FieldSpec, FieldValue};

use super::record::{self, RecordHeader};
use super::{TLS_TCP_PORTS, looks_like_tls, sslv2};
use crate::dissect::{Dispatch, Next, Registry, UserLayer, UserStep};

/// The TLS layer; `heuristic` selects the strict test used off the TLS
/// ports.
struct Tls {
    heuristic: bool,
}

/// Whether `payload` starts with a TLS record header of any content type
/// (ChangeCipherSpec, Alert, Handshake, Application Data, Heartbeat) and a
/// version TLS uses, or an SSLv2-style hello: what a TLS port carries when
/// a segment starts a record (a segment in the middle of one does not).
fn starts_a_record(payload: &[u8]) -> bool {
    let Some(h) = payload.get(..record::HEADER_LEN) else {
        return false;
    };
    (20..=24).contains(&h[0]) && h[1] == 3 && h[2] <= 4
        || sslv2::is_sslv2_client_hello_start(payload)
}

impl UserLayer for Tls {
    fn name(&self) -> &'static str {
        "tls"
    }

    fn accepts(&self, bytes: &[u8]) -> bool {
        if self.heuristic {
            looks_like_tls(bytes)
        } else {
            starts_a_record(bytes)
        }
    }

    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        // An SSLv2-style hello has no TLS record header: the layer is its
        // whole segment.
        if bytes.first().is_some_and(|b| b & 0x80 != 0) {
            return Ok(UserStep {
                header_len: bytes.len(),
                next: Next::Done,
            });
        }
        Ok(UserStep {
            header_len: RecordHeader::header_len(bytes)?,
            next: Next::Done,
        })
    }

    fn fields(&self) -> &'static [FieldSpec] {
        RecordHeader::FIELDS
    }

    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        RecordHeader::visit_bytes(bytes, pcap_core::Endian::Big, visit)
    }
}

/// Registers TLS: on every TLS port, and by content on the others.
pub(crate) fn register(registry: &mut Registry) {
    let on_port: Arc<dyn UserLayer> = Arc::new(Tls { heuristic: false });
    for port in TLS_TCP_PORTS {
        registry.register_builtin(Dispatch::TcpPort(port), Arc::clone(&on_port));
    }
    registry.register_builtin(Dispatch::TcpHeuristic, Arc::new(Tls { heuristic: true }));
}
