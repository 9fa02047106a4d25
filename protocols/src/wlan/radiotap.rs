//! Radiotap ([radiotap.org]): the radio information a capturing driver
//! puts before each 802.11 frame (link type 127). A little-endian header
//! (version, pad, length, the first `present` word) and, after the present
//! words, one field per present bit, each aligned to its natural size
//! from the header's start.
//!
//! Panic contract: [`RadiotapHeader::view`] checks 8 bytes; [`Fields`]
//! reads only inside the bytes it is given and stops at the first field
//! it cannot size or that does not fit.
//!
//! [radiotap.org]: https://www.radiotap.org/

use pcap_core::{Field, Header};

/// The fixed radiotap header (8 bytes; `length` covers all its fields).
#[derive(Header, Debug, Clone)]
#[header(name = "radiotap", endian = "little")]
pub struct RadiotapHeader<'a> {
    /// Always 0.
    #[field(name = "version")]
    pub version: Field<'a, u8>,
    /// Padding.
    #[field(name = "pad")]
    pub pad: Field<'a, u8>,
    /// Length of the whole radiotap header, fields included.
    #[field(default, name = "length")]
    pub length: Field<'a, u16>,
    /// The first present-flags word.
    #[field(name = "present.word", display = "hex")]
    pub present: Field<'a, u32>,
}

/// Length of the fixed part.
pub const FIXED_LEN: usize = 8;

/// Bits of the `flags` field (present bit 1).
pub mod flags {
    /// The frame ends with its 4-byte FCS.
    pub const FCS_AT_END: u8 = 0x10;
}

/// Present bits.
pub mod bit {
    /// Flags (u8).
    pub const FLAGS: u32 = 1;
    /// Channel frequency (u16 MHz) and flags (u16).
    pub const CHANNEL: u32 = 3;
    /// Antenna signal in dBm (i8).
    pub const DBM_ANTSIGNAL: u32 = 5;
    /// TLVs follow: the rest of the header.
    pub const TLV: u32 = 28;
    /// The next present word is in the radiotap namespace.
    pub const RADIOTAP_NS: u32 = 29;
    /// The next present word is in a vendor namespace.
    pub const VENDOR_NS: u32 = 30;
    /// Another present word follows.
    pub const EXT: u32 = 31;
}

/// (alignment, size) of the radiotap-namespace field of each present bit
/// 0..=27; `None` where the size is not defined.
const LAYOUT: [Option<(usize, usize)>; 28] = [
    Some((8, 8)),  // 0 TSFT
    Some((1, 1)),  // 1 flags
    Some((1, 1)),  // 2 rate
    Some((2, 4)),  // 3 channel
    Some((1, 2)),  // 4 FHSS
    Some((1, 1)),  // 5 dBm antenna signal
    Some((1, 1)),  // 6 dBm antenna noise
    Some((2, 2)),  // 7 lock quality
    Some((2, 2)),  // 8 TX attenuation
    Some((2, 2)),  // 9 dB TX attenuation
    Some((1, 1)),  // 10 dBm TX power
    Some((1, 1)),  // 11 antenna
    Some((1, 1)),  // 12 dB antenna signal
    Some((1, 1)),  // 13 dB antenna noise
    Some((2, 2)),  // 14 RX flags
    Some((2, 2)),  // 15 TX flags
    Some((1, 1)),  // 16 RTS retries
    Some((1, 1)),  // 17 data retries
    Some((4, 8)),  // 18 XChannel
    Some((1, 3)),  // 19 MCS
    Some((4, 8)),  // 20 A-MPDU status
    Some((2, 12)), // 21 VHT
    Some((8, 12)), // 22 timestamp
    Some((2, 12)), // 23 HE
    Some((2, 12)), // 24 HE-MU
    Some((2, 6)),  // 25 HE-MU other user
    Some((1, 1)),  // 26 0-length PSDU
    Some((2, 4)),  // 27 L-SIG
];

/// One radiotap-namespace field: its present bit and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RadiotapField<'a> {
    /// The present bit (0..=27).
    pub bit: u32,
    /// The field's bytes.
    pub bytes: &'a [u8],
}

/// The radiotap-namespace fields of a radiotap header, in order (every
/// namespace that is radiotap's: the same bit may come several times, one
/// per antenna). Vendor namespaces are skipped by their `skip_length`.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    header: &'a [u8],
    /// Offset of the next present word.
    word_at: usize,
    /// The present word being walked, and whether more follow.
    word: u32,
    /// Next bit of `word` to look at.
    bit: u32,
    /// Offset of the next field's data.
    data_at: usize,
    /// In a vendor namespace (its bits are not radiotap's).
    vendor: bool,
    done: bool,
}

impl<'a> Fields<'a> {
    /// The fields of `header` (the radiotap header's bytes, `length` of
    /// them or fewer).
    pub fn new(header: &'a [u8]) -> Self {
        let mut f = Fields {
            header,
            word_at: 4,
            word: 0,
            bit: 32,
            data_at: 0,
            vendor: false,
            done: false,
        };
        // Skip the present words to find where the data begins.
        let mut at = 4;
        loop {
            let Some(w) = read_u32(header, at) else {
                f.done = true;
                return f;
            };
            at += 4;
            if w & (1 << bit::EXT) == 0 {
                break;
            }
        }
        f.data_at = at;
        f.next_word();
        f
    }

    /// Loads the present word at `word_at`.
    fn next_word(&mut self) -> bool {
        match read_u32(self.header, self.word_at) {
            Some(w) => {
                self.word = w;
                self.word_at += 4;
                self.bit = 0;
                true
            }
            None => {
                self.done = true;
                false
            }
        }
    }

    /// Aligns `data_at` to `align` bytes from the header's start.
    fn align(&mut self, align: usize) {
        let rem = self.data_at % align;
        if rem != 0 {
            self.data_at += align - rem;
        }
    }

    /// Takes `len` bytes at `data_at`.
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.data_at.checked_add(len)?;
        let bytes = self.header.get(self.data_at..end)?;
        self.data_at = end;
        Some(bytes)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = RadiotapField<'a>;

    fn next(&mut self) -> Option<RadiotapField<'a>> {
        while !self.done {
            if self.bit >= 32 {
                // This word is done; without EXT it was the last.
                if self.word & (1 << bit::EXT) == 0 || !self.next_word() {
                    self.done = true;
                }
                continue;
            }
            let b = self.bit;
            self.bit += 1;
            if self.word & (1 << b) == 0 {
                continue;
            }
            match b {
                bit::RADIOTAP_NS => {
                    self.vendor = false;
                    // The next word starts a new namespace.
                    self.bit = 32;
                }
                bit::VENDOR_NS => {
                    // OUI (3), sub-namespace (1), skip length (u16), then
                    // that many bytes of vendor data.
                    self.align(2);
                    let Some(h) = self.take(6) else {
                        self.done = true;
                        continue;
                    };
                    let skip = usize::from(u16::from_le_bytes([h[4], h[5]]));
                    if self.take(skip).is_none() {
                        self.done = true;
                    }
                    self.vendor = true;
                    self.bit = 32;
                }
                bit::EXT => {}
                _ if self.vendor => {}
                _ => {
                    // A TLV list or an undefined bit: nothing further can
                    // be sized.
                    let Some(&Some((align, size))) = LAYOUT.get(b as usize) else {
                        self.done = true;
                        continue;
                    };
                    self.align(align);
                    match self.take(size) {
                        Some(bytes) => return Some(RadiotapField { bit: b, bytes }),
                        None => self.done = true,
                    }
                }
            }
        }
        None
    }
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The radiotap header's length when `bytes` start with a plausible one
/// (version 0, a length covering the fixed part, within `bytes`).
pub fn header_len(bytes: &[u8]) -> Result<usize, pcap_core::Error> {
    let v = RadiotapHeader::view(bytes)?;
    let len = usize::from(v.length());
    if v.version() != 0 {
        return Err(pcap_core::Error::malformed(
            "radiotap",
            "version",
            0,
            "radiotap version is not 0",
        ));
    }
    if len < FIXED_LEN {
        return Err(pcap_core::Error::malformed(
            "radiotap",
            "length",
            2,
            "radiotap length shorter than its fixed header",
        ));
    }
    Ok(len)
}

/// Whether the radiotap header says the frame ends with an FCS.
pub fn has_fcs(header: &[u8]) -> bool {
    Fields::new(header)
        .find(|f| f.bit == bit::FLAGS)
        .is_some_and(|f| f.bytes[0] & flags::FCS_AT_END != 0)
}
