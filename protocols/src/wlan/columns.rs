//! tshark's per-frame 802.11 columns, read from a [`Dissection`]'s
//! layer records: the address roles of the MAC header (which
//! address is the BSSID, the source, the transmitter... depends on the
//! frame's type and its To/From DS bits), the SNAP EtherType and the
//! radiotap fields. None of them is a single schema field.

use std::fmt::{self, Write};

use crate::dissect::{Dissection, LayerKind};

use super::frame::{MacHeader, frame_type};
use super::{llc, radiotap};

/// The columns, by their tshark names.
pub const NAMES: [&str; 9] = [
    "wlan.fc.type_subtype",
    "wlan.bssid",
    "wlan.sa",
    "wlan.da",
    "wlan.ta",
    "wlan.ra",
    "llc.type",
    "radiotap.channel.freq",
    "radiotap.dbm_antsignal",
];

/// The index in [`NAMES`] of a column name.
pub fn index(name: &str) -> Option<usize> {
    NAMES.iter().position(|n| *n == name)
}

/// Address roles, in the order of the address columns of [`NAMES`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Bssid,
    Sa,
    Da,
    Ta,
    Ra,
}

/// The address (0-based) that plays `role` in this header, as tshark
/// 4.0 assigns them.
fn address_for(h: &MacHeader, role: Role) -> Option<usize> {
    let ds = h.flags & 3;
    match h.frame_type {
        frame_type::DATA => match (role, ds) {
            (Role::Ra, _) => Some(0),
            (Role::Ta, _) => Some(1),
            // No DS bit: within one BSS.
            (Role::Da, 0) | (Role::Bssid, 1) | (Role::Da, 2) => Some(0),
            (Role::Sa, 0) | (Role::Sa, 1) | (Role::Bssid, 2) => Some(1),
            (Role::Bssid, 0) | (Role::Da, 1) | (Role::Sa, 2) => Some(2),
            // Four addresses (WDS, mesh): no BSSID.
            (Role::Da, _) => Some(2),
            (Role::Sa, _) => Some(3),
            (Role::Bssid, _) => None,
        },
        frame_type::MANAGEMENT => Some(match role {
            Role::Da | Role::Ra => 0,
            Role::Sa | Role::Ta => 1,
            Role::Bssid => 2,
        }),
        frame_type::CONTROL => match role {
            Role::Ra => Some(0),
            Role::Ta => Some(1),
            _ => None,
        },
        _ => None,
    }
}

/// Writes the cell of column `index` (of [`NAMES`]) for the dissected
/// frame `d`: empty when the frame has no such value; values that occur
/// several times (one antenna signal per radiotap namespace) joined by
/// commas, as tshark's `-E occurrence=a -E aggregator=,` prints them.
pub fn write_cell(d: &Dissection<'_>, index: usize, out: &mut dyn Write) -> fmt::Result {
    // The layer records, not `d.user`: those keep only the first
    // registered layers of a frame, and radiotap frames have four.
    let hit = |name: &'static str| {
        d.layers
            .iter()
            .find(|r| r.kind == LayerKind::User(name) && !r.quoted)
            .and_then(|r| d.data.get(r.offset..r.offset.checked_add(r.len)?))
    };
    match index {
        0..=5 => {
            let Some(h) = hit("wlan").and_then(|w| MacHeader::read(w).ok()) else {
                return Ok(());
            };
            let role = match index {
                0 => return write!(out, "0x{:04x}", h.type_subtype()),
                1 => Role::Bssid,
                2 => Role::Sa,
                3 => Role::Da,
                4 => Role::Ta,
                _ => Role::Ra,
            };
            match address_for(&h, role).and_then(|i| h.addrs[i]) {
                Some(mac) => write!(out, "{mac}"),
                None => Ok(()),
            }
        }
        6 => match hit("llc").and_then(|l| llc::step(l).ok()) {
            Some((_, Some(ethertype))) => write!(out, "0x{ethertype:04x}"),
            _ => Ok(()),
        },
        7 | 8 => {
            let Some(r) = hit("radiotap") else {
                return Ok(());
            };
            let want = if index == 7 {
                radiotap::bit::CHANNEL
            } else {
                radiotap::bit::DBM_ANTSIGNAL
            };
            let mut first = true;
            for f in radiotap::Fields::new(r).filter(|f| f.bit == want) {
                if !first {
                    out.write_char(',')?;
                }
                first = false;
                if index == 7 {
                    write!(out, "{}", u16::from_le_bytes([f.bytes[0], f.bytes[1]]))?;
                } else {
                    write!(out, "{}", f.bytes[0] as i8)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
