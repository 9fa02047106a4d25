//! IEEE 802.11 captures: radiotap (link type 127), the 802.11 MAC header
//! (link type 105, or after radiotap), and LLC/SNAP, which takes data
//! frames on to their EtherType (IP, ARP...). Registered layers of the
//! open layer model (registered by `Registry::new`), named as tshark's `frame.protocols`
//! names them: `radiotap:wlan_radio:wlan:llc:ip:...`.
//!
//! Management and control frames, null-data frames, A-MSDUs and protected
//! (encrypted) frames end the walk at the MAC header.
//!
//! The per-frame columns tshark prints for these layers (address roles,
//! radiotap fields) are in [`columns`].

pub mod columns;
pub mod frame;
pub mod llc;
pub mod radiotap;

use std::sync::Arc;

use pcap_core::{Endian, Error, FieldSpec, FieldValue};

use crate::LinkType;
use crate::dissect::{Dispatch, Next, Registry, UserLayer, UserStep};

pub use frame::{MacHeader, Wlan};
pub use llc::Llc;
pub use radiotap::{RadiotapField, RadiotapHeader};

/// Radiotap: its header, then the 802.11 frame.
struct RadiotapLayer;

impl UserLayer for RadiotapLayer {
    fn name(&self) -> &'static str {
        "radiotap"
    }

    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        Ok(UserStep {
            header_len: radiotap::header_len(bytes)?,
            next: Next::Layer("wlan_radio"),
        })
    }

    fn fields(&self) -> &'static [FieldSpec] {
        RadiotapHeader::FIELDS
    }

    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        RadiotapHeader::visit_bytes(bytes, Endian::Little, visit)
    }
}

/// tshark's `wlan_radio`: the radio information of the frame, read from
/// the radiotap header before it. It has no bytes of its own; it is there
/// so that `frame.protocols` names the layers as tshark does.
struct WlanRadio;

impl UserLayer for WlanRadio {
    fn name(&self) -> &'static str {
        "wlan_radio"
    }

    fn dissect(&self, _bytes: &[u8]) -> Result<UserStep, Error> {
        Ok(UserStep {
            header_len: 0,
            next: Next::Layer("wlan"),
        })
    }
}

/// The 802.11 MAC header.
struct WlanLayer;

impl UserLayer for WlanLayer {
    fn name(&self) -> &'static str {
        "wlan"
    }

    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        let h = MacHeader::read(bytes)?;
        let next = if h.carries_data() && !h.is_protected() && !h.is_amsdu(bytes) {
            Next::Layer("llc")
        } else {
            Next::Done
        };
        Ok(UserStep {
            header_len: h.len,
            next,
        })
    }

    fn fields(&self) -> &'static [FieldSpec] {
        Wlan::FIELDS
    }

    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        Wlan::visit_bytes(bytes, Endian::Big, visit)
    }
}

/// LLC (with SNAP): on to the EtherType.
struct LlcLayer;

impl UserLayer for LlcLayer {
    fn name(&self) -> &'static str {
        "llc"
    }

    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        let (header_len, ethertype) = llc::step(bytes)?;
        Ok(UserStep {
            header_len,
            next: ethertype.map_or(Next::Done, Next::EtherType),
        })
    }

    fn fields(&self) -> &'static [FieldSpec] {
        Llc::FIELDS
    }

    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        // A plain LLC header has no SNAP fields: do not read its payload
        // as one.
        let bytes = if llc::is_snap(bytes) {
            bytes
        } else {
            bytes.get(..llc::LLC_LEN).unwrap_or(bytes)
        };
        Llc::visit_bytes(bytes, Endian::Big, visit)
    }
}

/// Registers radiotap (link type 127), 802.11 (link type 105, and by name
/// after radiotap), `wlan_radio` and LLC (by name, after 802.11).
pub(crate) fn register(registry: &mut Registry) {
    registry.register_builtin(
        Dispatch::LinkType(LinkType::IEEE802_11_RADIOTAP),
        Arc::new(RadiotapLayer),
    );
    registry.register_builtin(
        Dispatch::LinkType(LinkType::IEEE802_11),
        Arc::new(WlanLayer),
    );
    registry.register_builtin(Dispatch::Named, Arc::new(WlanRadio));
    registry.register_builtin(Dispatch::Named, Arc::new(LlcLayer));
}

#[cfg(test)]
mod tests;
