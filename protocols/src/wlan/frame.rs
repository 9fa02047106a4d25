//! The IEEE 802.11 MAC header ([IEEE 802.11-2020 §9.2]): frame control,
//! duration and one to four addresses, a sequence control, QoS and HT
//! control fields, depending on the frame's type, subtype and flags.
//!
//! Panic contract: [`Wlan::view`] checks the 10 common bytes;
//! [`MacHeader::read`] checks every other field against the bytes given.
//!
//! [IEEE 802.11-2020 §9.2]: https://standards.ieee.org/ieee/802.11/7028/

use pcap_core::{Error, Field, Header, MacAddr};

/// The part every 802.11 frame has: frame control, duration, the first
/// address (10 bytes; ACK and CTS frames have nothing more).
#[derive(Header, Debug, Clone)]
// Big-endian so the 16 frame-control bits read as they lie on the wire
// (subtype first); the duration is little-endian.
#[header(name = "wlan", endian = "big")]
pub struct Wlan<'a> {
    /// Subtype.
    #[field(bits = 4, name = "fc.subtype")]
    pub subtype: Field<'a, u8>,
    /// Type: 0 management, 1 control, 2 data, 3 extension.
    #[field(bits = 2, name = "fc.type")]
    pub frame_type: Field<'a, u8>,
    /// Protocol version (0).
    #[field(bits = 2, name = "fc.version")]
    pub version: Field<'a, u8>,
    /// +HTC/Order.
    #[field(bits = 1, name = "fc.order")]
    pub order: Field<'a, bool>,
    /// Protected frame: the body is encrypted.
    #[field(bits = 1, name = "fc.protected")]
    pub protected: Field<'a, bool>,
    /// More data.
    #[field(bits = 1, name = "fc.moredata")]
    pub more_data: Field<'a, bool>,
    /// Power management.
    #[field(bits = 1, name = "fc.pwrmgt")]
    pub pwr_mgt: Field<'a, bool>,
    /// Retry.
    #[field(bits = 1, name = "fc.retry")]
    pub retry: Field<'a, bool>,
    /// More fragments.
    #[field(bits = 1, name = "fc.frag")]
    pub more_frag: Field<'a, bool>,
    /// From DS.
    #[field(bits = 1, name = "fc.fromds")]
    pub from_ds: Field<'a, bool>,
    /// To DS.
    #[field(bits = 1, name = "fc.tods")]
    pub to_ds: Field<'a, bool>,
    /// Duration/ID.
    #[field(name = "duration", endian = "little")]
    pub duration: Field<'a, u16>,
    /// Address 1 (the receiver).
    #[field(name = "addr1")]
    pub addr1: Field<'a, MacAddr>,
}

/// Frame types (the `fc.type` field).
pub mod frame_type {
    /// Management.
    pub const MANAGEMENT: u8 = 0;
    /// Control.
    pub const CONTROL: u8 = 1;
    /// Data.
    pub const DATA: u8 = 2;
    /// Extension.
    pub const EXTENSION: u8 = 3;
}

/// Frame-control flag bits (the second byte).
pub mod fc_flags {
    /// To DS.
    pub const TO_DS: u8 = 0x01;
    /// From DS.
    pub const FROM_DS: u8 = 0x02;
    /// Protected frame.
    pub const PROTECTED: u8 = 0x40;
    /// +HTC/Order.
    pub const ORDER: u8 = 0x80;
}

/// Control subtypes with only one address (RA).
const CTRL_CTS: u8 = 12;
const CTRL_ACK: u8 = 13;

/// What a MAC header says, read once: its type, flags, addresses and
/// length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacHeader {
    /// Frame type (see [`frame_type`]).
    pub frame_type: u8,
    /// Subtype.
    pub subtype: u8,
    /// The frame-control flags byte (see [`fc_flags`]).
    pub flags: u8,
    /// The addresses present, in order (`None` past the last).
    pub addrs: [Option<MacAddr>; 4],
    /// The header's length (QoS and HT control included).
    pub len: usize,
}

impl MacHeader {
    /// Reads the MAC header at the start of `bytes`; an error if it is
    /// cut short.
    pub fn read(bytes: &[u8]) -> Result<MacHeader, Error> {
        let fc = bytes.get(..2).ok_or_else(|| cut(2, bytes.len()))?;
        let frame_type = (fc[0] >> 2) & 3;
        let subtype = fc[0] >> 4;
        let flags = fc[1];
        let (len, naddr) = match frame_type {
            frame_type::MANAGEMENT => (24 + htc(flags), 3),
            frame_type::CONTROL => match subtype {
                CTRL_CTS | CTRL_ACK => (10, 1),
                // Control wrapper: RA, the carried frame control, HT control.
                7 => (16, 1),
                // Control frame extension: RA (and more we do not read).
                6 => (10, 1),
                _ => (16, 2),
            },
            frame_type::DATA => {
                let four = flags & (fc_flags::TO_DS | fc_flags::FROM_DS)
                    == fc_flags::TO_DS | fc_flags::FROM_DS;
                let qos = subtype & 0x8 != 0;
                let mut len = 24;
                if four {
                    len += 6;
                }
                if qos {
                    len += 2 + htc(flags);
                }
                (len, if four { 4 } else { 3 })
            }
            // Extension frames (DMG beacons...): the common part only.
            _ => (10, 1),
        };
        if bytes.len() < len {
            return Err(cut(len, bytes.len()));
        }
        let mut addrs = [None; 4];
        // Addresses 1-3 at 4, 10, 16; address 4 (data, 4 addresses) at 24.
        for (i, slot) in addrs.iter_mut().enumerate().take(naddr) {
            let at = if i < 3 { 4 + 6 * i } else { 24 };
            *slot = mac(bytes, at);
        }
        Ok(MacHeader {
            frame_type,
            subtype,
            flags,
            addrs,
            len,
        })
    }

    /// tshark's `wlan.fc.type_subtype`: type × 16 + subtype (`0x0028`
    /// for QoS data).
    pub fn type_subtype(&self) -> u16 {
        u16::from(self.frame_type) << 4 | u16::from(self.subtype)
    }

    /// Whether the body is encrypted.
    pub fn is_protected(&self) -> bool {
        self.flags & fc_flags::PROTECTED != 0
    }

    /// Whether this is a data frame with a body (not Null or a CF-only
    /// subtype), whose body an LLC header starts when not protected.
    pub fn carries_data(&self) -> bool {
        self.frame_type == frame_type::DATA && self.subtype & 0x4 == 0
    }

    /// Whether a QoS data frame's body is an A-MSDU (QoS control bit 7).
    pub fn is_amsdu(&self, bytes: &[u8]) -> bool {
        if self.frame_type != frame_type::DATA || self.subtype & 0x8 == 0 {
            return false;
        }
        let four = self.addrs[3].is_some();
        let qos_at = if four { 30 } else { 24 };
        bytes.get(qos_at).is_some_and(|b| b & 0x80 != 0)
    }
}

/// The HT control field's length: QoS data and management frames carry it
/// when the Order bit is set.
fn htc(flags: u8) -> usize {
    if flags & fc_flags::ORDER != 0 { 4 } else { 0 }
}

fn mac(bytes: &[u8], at: usize) -> Option<MacAddr> {
    let b: [u8; 6] = bytes.get(at..at + 6)?.try_into().ok()?;
    Some(MacAddr(b))
}

fn cut(needed: usize, available: usize) -> Error {
    Error::Truncated {
        layer: "wlan",
        field: "(header)",
        offset: 0,
        needed,
        available,
        limit: pcap_core::Limit::Buffer,
    }
}
