//! The wire layout of capture files: every raw field of the classic pcap
//! file and record headers and of the pcapng blocks this crate reads or
//! writes is decoded (or encoded) here and nowhere else.
//!
//! Every header is declared with our own `#[derive(Header)]` in
//! [`schema`](super::schema) and decoded here through it: the hot ones
//! (classic record, pcapng block header, packet blocks, options) compiled
//! for the file's byte order (`parse_as::<E>`), the classic file header in
//! the order its magic gives (`parse_endian`). Only the magic number itself
//! (which decides the order), the block trailer and option values (single
//! integers) are read directly.
//!
//! Decoders take fixed-size arrays (`&[u8; N]`), so they cannot index out of
//! bounds: the caller proves the length once, with `first_chunk`, when it
//! checks that the bytes are there. Decoders that depend on byte order are
//! generic over a [`ByteOrder`] marker, so the reader picks the order once
//! per file or section and each load compiles to one (possibly swapped)
//! load, with no branch per field.
//!
//! References: pcap-savefile(5) and draft-ietf-opsawg-pcap (classic pcap),
//! draft-ietf-opsawg-pcapng (pcapng).

use crate::endian::{ByteOrder, Endian};

use super::linktype::LinkType;
use super::schema;
use super::timestamp::Precision;

// ---------------------------------------------------------------------------
// Byte-order helpers

#[inline(always)]
fn u32_of<E: ByteOrder>(b: [u8; 4]) -> u32 {
    if E::IS_BIG {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    }
}

#[inline(always)]
fn u64_of<E: ByteOrder>(b: [u8; 8]) -> u64 {
    if E::IS_BIG {
        u64::from_be_bytes(b)
    } else {
        u64::from_le_bytes(b)
    }
}

/// `N` bytes at constant offset `at` of a fixed-size header. Every call site
/// uses constant offsets inside the array, so after inlining the bounds
/// check is gone (and it could only fail on a typo, caught by the tests).
#[inline(always)]
fn take<const N: usize, const L: usize>(b: &[u8; L], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&b[at..at + N]);
    out
}

fn put_u16(out: &mut Vec<u8>, endian: Endian, v: u16) {
    out.extend_from_slice(&match endian {
        Endian::Big => v.to_be_bytes(),
        Endian::Little => v.to_le_bytes(),
    });
}

fn put_u32(out: &mut Vec<u8>, endian: Endian, v: u32) {
    out.extend_from_slice(&match endian {
        Endian::Big => v.to_be_bytes(),
        Endian::Little => v.to_le_bytes(),
    });
}

fn put_u64(out: &mut Vec<u8>, endian: Endian, v: u64) {
    out.extend_from_slice(&match endian {
        Endian::Big => v.to_be_bytes(),
        Endian::Little => v.to_le_bytes(),
    });
}

// ---------------------------------------------------------------------------
// Classic pcap

/// Length of the classic pcap file header.
pub const PCAP_FILE_HEADER_LEN: usize = 24;
/// Length of a classic pcap record header.
pub const PCAP_RECORD_HEADER_LEN: usize = 16;
/// Length of a record header in the "modified" (Kuznetzov) format: the
/// classic 16 bytes, then `ifindex` (u32), `protocol` (u16), `pkt_type` (u8)
/// and one byte of padding. Those extra fields are not decoded.
pub const MODIFIED_RECORD_HEADER_LEN: usize = 24;

/// Magic of a microsecond pcap file, as read in the writer's byte order.
pub const PCAP_MAGIC_MICRO: u32 = 0xa1b2_c3d4;
/// Magic of a nanosecond pcap file.
pub const PCAP_MAGIC_NANO: u32 = 0xa1b2_3c4d;
/// Magic of the "modified" pcap format (Alexey Kuznetzov's patches).
pub const PCAP_MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
/// First four bytes of a pcapng file: the Section Header Block type, the
/// same in both byte orders.
pub const PCAPNG_SHB_BYTES: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// What the first four bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Magic {
    /// Classic pcap, in `endian` order, with `precision` timestamps.
    Pcap {
        endian: Endian,
        precision: Precision,
        modified: bool,
    },
    /// pcapng (byte order comes from the SHB's byte-order magic).
    Pcapng,
}

/// Identifies a capture by its first four bytes.
pub(crate) fn sniff_magic(first: [u8; 4]) -> Option<Magic> {
    if first == PCAPNG_SHB_BYTES {
        return Some(Magic::Pcapng);
    }
    // Reading the magic little-endian gives the constant itself for a
    // little-endian file and its byte swap for a big-endian one.
    let le = u32::from_le_bytes(first);
    let (endian, magic) = if le >> 16 == 0xa1b2 {
        (Endian::Little, le)
    } else {
        (Endian::Big, le.swap_bytes())
    };
    let (precision, modified) = match magic {
        PCAP_MAGIC_MICRO => (Precision::Micro, false),
        PCAP_MAGIC_NANO => (Precision::Nano, false),
        PCAP_MAGIC_MODIFIED => (Precision::Micro, true),
        _ => return None,
    };
    Some(Magic::Pcap {
        endian,
        precision,
        modified,
    })
}

/// How a classic pcap file stores its records: byte order and timestamp
/// precision. Two files with equal encodings can exchange record bytes
/// unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PcapEncoding {
    /// Byte order of every header field.
    pub endian: Endian,
    /// Unit of the timestamp fraction.
    pub precision: Precision,
}

impl PcapEncoding {
    /// The encoding of this machine's libpcap: native byte order, microseconds.
    pub const NATIVE_MICRO: PcapEncoding = PcapEncoding {
        endian: Endian::NATIVE,
        precision: Precision::Micro,
    };

    /// The magic number that announces this encoding.
    pub const fn magic(self) -> u32 {
        match self.precision {
            Precision::Micro => PCAP_MAGIC_MICRO,
            Precision::Nano => PCAP_MAGIC_NANO,
        }
    }
}

/// The classic pcap file header, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PcapHeader {
    /// Byte order and timestamp precision, from the magic number.
    pub encoding: PcapEncoding,
    /// Whether this is the "modified" format with 24-byte record headers.
    pub modified: bool,
    /// Major version (2 for every file this crate accepts).
    pub version_major: u16,
    /// Minor version (normally 4).
    pub version_minor: u16,
    /// `thiszone`: always 0 in practice, and ignored (as by libpcap).
    pub thiszone: i32,
    /// `sigfigs`: always 0 in practice, ignored.
    pub sigfigs: u32,
    /// Maximum captured length per packet the writer promised (not always kept).
    pub snaplen: u32,
    /// The whole link-type field: the link type in the low 16 bits, and the
    /// FCS-length and reserved bits above them, which this crate ignores.
    pub linktype_field: u32,
}

impl PcapHeader {
    /// The link type of every record (the low 16 bits of the field).
    pub const fn linktype(&self) -> LinkType {
        LinkType(self.linktype_field as u16)
    }

    /// The record header length: 16, or 24 for the modified format.
    pub const fn record_header_len(&self) -> usize {
        if self.modified {
            MODIFIED_RECORD_HEADER_LEN
        } else {
            PCAP_RECORD_HEADER_LEN
        }
    }
}

/// Decodes a pcap file header; `None` if the magic number is not a pcap one.
pub(crate) fn decode_pcap_header(b: &[u8; PCAP_FILE_HEADER_LEN]) -> Option<PcapHeader> {
    let Some(Magic::Pcap {
        endian,
        precision,
        modified,
    }) = sniff_magic(take(b, 0))
    else {
        return None;
    };
    // The byte order is the magic's: read the rest through the schema in
    // it. 24 bytes always hold the fixed fields, so `?` never returns.
    use schema::PcapFileHeader as H;
    let (h, _) = H::parse_endian(b, H::ALL, endian).ok()?;
    Some(PcapHeader {
        encoding: PcapEncoding { endian, precision },
        modified,
        version_major: value(h.version_major),
        version_minor: value(h.version_minor),
        thiszone: value(h.thiszone),
        sigfigs: value(h.sigfigs),
        snaplen: value(h.snaplen),
        linktype_field: value(h.linktype),
    })
}

/// Encodes a pcap file header (never the modified format: its magic is
/// written only by [`super::synth`]).
pub(crate) fn encode_pcap_header(h: &PcapHeader) -> [u8; PCAP_FILE_HEADER_LEN] {
    let e = h.encoding.endian;
    let magic = if h.modified {
        PCAP_MAGIC_MODIFIED
    } else {
        h.encoding.magic()
    };
    let mut v = Vec::with_capacity(PCAP_FILE_HEADER_LEN);
    put_u32(&mut v, e, magic);
    put_u16(&mut v, e, h.version_major);
    put_u16(&mut v, e, h.version_minor);
    put_u32(&mut v, e, h.thiszone as u32);
    put_u32(&mut v, e, h.sigfigs);
    put_u32(&mut v, e, h.snaplen);
    put_u32(&mut v, e, h.linktype_field);
    let mut out = [0u8; PCAP_FILE_HEADER_LEN];
    out.copy_from_slice(&v);
    out
}

/// A classic pcap record header (the first 16 bytes in the modified format too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PcapRecordHeader {
    pub ts_sec: u32,
    /// Microseconds or nanoseconds, by the file's precision.
    pub ts_frac: u32,
    /// `incl_len`: bytes of packet data stored after the header.
    pub caplen: u32,
    /// `orig_len`: the packet's length on the wire.
    pub origlen: u32,
}

/// Decodes a record header with the derive-declared
/// [`schema::PcapRecordHeader`], compiled for the file's byte order.
#[inline(always)]
pub(crate) fn decode_pcap_record<E: ByteOrder>(
    b: &[u8; PCAP_RECORD_HEADER_LEN],
) -> PcapRecordHeader {
    use schema::PcapRecordHeader as H;
    // A 16-byte array always holds the four fields: the error arm is dead
    // (and folded away); it returns zeros rather than panicking.
    let Ok((h, _)) = H::parse_as::<E>(b, H::ALL) else {
        return PcapRecordHeader {
            ts_sec: 0,
            ts_frac: 0,
            caplen: 0,
            origlen: 0,
        };
    };
    PcapRecordHeader {
        ts_sec: value(h.ts_sec),
        ts_frac: value(h.ts_usec),
        caplen: value(h.incl_len),
        origlen: value(h.orig_len),
    }
}

/// An unpacked field's value (fields parsed with `ALL` always have one).
#[inline(always)]
fn value<T: Default>(field: crate::Field<'_, T>) -> T {
    field.into_value().unwrap_or_default()
}

/// Encodes a classic record header.
pub(crate) fn encode_pcap_record(
    endian: Endian,
    h: PcapRecordHeader,
) -> [u8; PCAP_RECORD_HEADER_LEN] {
    let mut v = Vec::with_capacity(PCAP_RECORD_HEADER_LEN);
    put_u32(&mut v, endian, h.ts_sec);
    put_u32(&mut v, endian, h.ts_frac);
    put_u32(&mut v, endian, h.caplen);
    put_u32(&mut v, endian, h.origlen);
    let mut out = [0u8; PCAP_RECORD_HEADER_LEN];
    out.copy_from_slice(&v);
    out
}

/// Reads the caplen field of a classic record header in a runtime byte
/// order (for checking raw records handed to the writer; not a hot path).
pub(crate) fn pcap_record_caplen(endian: Endian, b: &[u8; PCAP_RECORD_HEADER_LEN]) -> u32 {
    // A 16-byte array always holds the header: the error arm is dead.
    schema::PcapRecordHeader::view_endian(b, endian).map_or(0, |v| v.incl_len())
}

// ---------------------------------------------------------------------------
// pcapng

/// Section Header Block.
pub(crate) const BT_SHB: u32 = 0x0a0d_0d0a;
/// Interface Description Block.
pub(crate) const BT_IDB: u32 = 1;
/// Packet Block (obsolete).
pub(crate) const BT_PB: u32 = 2;
/// Simple Packet Block.
pub(crate) const BT_SPB: u32 = 3;
/// Enhanced Packet Block.
pub(crate) const BT_EPB: u32 = 6;
/// The byte-order magic of an SHB, as read in the section's own order.
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

/// Block type and total length, then 4 more bytes: enough for an SHB's
/// byte-order magic, and the minimum length of any block (with the trailer).
pub(crate) const BLOCK_HEADER_LEN: usize = 8;
/// Every block ends with its total length again.
pub(crate) const BLOCK_TRAILER_LEN: usize = 4;
/// The smallest valid block: header and trailer, no body.
pub(crate) const MIN_BLOCK_LEN: usize = BLOCK_HEADER_LEN + BLOCK_TRAILER_LEN;

/// Fixed body lengths (after the 8-byte block header).
pub(crate) const SHB_FIXED_LEN: usize = 16;
pub(crate) const IDB_FIXED_LEN: usize = 8;
pub(crate) const EPB_FIXED_LEN: usize = 20;
pub(crate) const PB_FIXED_LEN: usize = 20;
pub(crate) const SPB_FIXED_LEN: usize = 4;

/// Option codes this crate reads.
pub(crate) const OPT_ENDOFOPT: u16 = 0;
pub(crate) const IF_TSRESOL: u16 = 9;
pub(crate) const IF_TSOFFSET: u16 = 14;
/// Option header: code and value length (the value is padded to 4 bytes).
pub(crate) const OPTION_HEADER_LEN: usize = 4;

/// The byte order of an SHB from its byte-order magic (bytes 8..12 of the
/// block); `None` if it is neither order.
pub(crate) fn decode_shb_byte_order(bom: [u8; 4]) -> Option<Endian> {
    match u32::from_le_bytes(bom) {
        BYTE_ORDER_MAGIC => Some(Endian::Little),
        m if m.swap_bytes() == BYTE_ORDER_MAGIC => Some(Endian::Big),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockHeader {
    pub block_type: u32,
    /// Total length of the block, header and trailer included.
    pub total_len: u32,
}

/// Decodes a block header with the derive-declared [`schema::PcapngBlockHeader`].
#[inline(always)]
pub(crate) fn decode_block_header<E: ByteOrder>(b: &[u8; BLOCK_HEADER_LEN]) -> BlockHeader {
    use schema::PcapngBlockHeader as H;
    let Ok((h, _)) = H::parse_as::<E>(b, H::ALL) else {
        return BlockHeader {
            block_type: 0,
            total_len: 0,
        };
    };
    BlockHeader {
        block_type: value(h.block_type),
        total_len: value(h.block_total_len),
    }
}

/// The trailing copy of the total length.
#[inline(always)]
pub(crate) fn decode_block_trailer<E: ByteOrder>(b: &[u8; BLOCK_TRAILER_LEN]) -> u32 {
    u32_of::<E>(*b)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShbFields {
    pub major: u16,
    pub minor: u16,
    /// Section length, or -1 when unknown. Not used: blocks are walked one by one.
    #[allow(dead_code)]
    pub section_len: i64,
}

/// The SHB body after the block header: byte-order magic, version, section
/// length, with [`schema::SectionHeaderBlock`].
pub(crate) fn decode_shb<E: ByteOrder>(b: &[u8; SHB_FIXED_LEN]) -> ShbFields {
    use schema::SectionHeaderBlock as H;
    // The array always holds the fields: the error arm is dead (and gives
    // version 0.0, which the reader refuses, rather than a panic).
    let Ok((h, _)) = H::parse_as::<E>(b, H::DEFAULT | H::UNPACK_SECTION_LEN) else {
        return ShbFields {
            major: 0,
            minor: 0,
            section_len: -1,
        };
    };
    ShbFields {
        major: value(h.major_version),
        minor: value(h.minor_version),
        section_len: value(h.section_len),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdbFields {
    pub linktype: u16,
    pub snaplen: u32,
}

/// The IDB body: link type, 2 reserved bytes (ignored), snaplen, with
/// [`schema::InterfaceDescriptionBlock`].
pub(crate) fn decode_idb<E: ByteOrder>(b: &[u8; IDB_FIXED_LEN]) -> IdbFields {
    use schema::InterfaceDescriptionBlock as H;
    let Ok((h, _)) = H::parse_as::<E>(b, H::DEFAULT) else {
        return IdbFields {
            linktype: 0,
            snaplen: 0,
        };
    };
    IdbFields {
        linktype: value(h.linktype),
        snaplen: value(h.snaplen),
    }
}

/// The fixed part of a packet-carrying block, EPB or obsolete PB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PacketFields {
    pub interface: u32,
    /// Timestamp in the interface's units: high word << 32 | low word.
    pub ts_units: u64,
    pub caplen: u32,
    pub origlen: u32,
}

/// EPB body: interface id (u32), timestamp high, low, caplen, origlen,
/// decoded with the derive-declared [`schema::EnhancedPacketBlock`].
#[inline(always)]
pub(crate) fn decode_epb<E: ByteOrder>(b: &[u8; EPB_FIXED_LEN]) -> PacketFields {
    use schema::EnhancedPacketBlock as H;
    let Ok((h, _)) = H::parse_as::<E>(b, H::ALL) else {
        return PacketFields {
            interface: 0,
            ts_units: 0,
            caplen: 0,
            origlen: 0,
        };
    };
    PacketFields {
        interface: value(h.interface_id),
        ts_units: u64::from(value(h.ts_high)) << 32 | u64::from(value(h.ts_low)),
        caplen: value(h.captured_len),
        origlen: value(h.original_len),
    }
}

/// Obsolete Packet Block body: interface id (u16), drops count (u16,
/// ignored), then as in an EPB; with [`schema::PacketBlock`].
#[inline(always)]
pub(crate) fn decode_pb<E: ByteOrder>(b: &[u8; PB_FIXED_LEN]) -> PacketFields {
    use schema::PacketBlock as H;
    let Ok((h, _)) = H::parse_as::<E>(b, H::DEFAULT) else {
        return PacketFields {
            interface: 0,
            ts_units: 0,
            caplen: 0,
            origlen: 0,
        };
    };
    PacketFields {
        interface: u32::from(value(h.interface_id)),
        ts_units: u64::from(value(h.ts_high)) << 32 | u64::from(value(h.ts_low)),
        caplen: value(h.captured_len),
        origlen: value(h.original_len),
    }
}

/// Simple Packet Block body: the original length only
/// ([`schema::SimplePacketBlock`]).
#[inline(always)]
pub(crate) fn decode_spb<E: ByteOrder>(b: &[u8; SPB_FIXED_LEN]) -> u32 {
    use schema::SimplePacketBlock as H;
    H::parse_as::<E>(b, H::DEFAULT).map_or(0, |(h, _)| value(h.original_len))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OptionHeader {
    pub code: u16,
    /// Value length before padding.
    pub len: u16,
}

/// An option's code and length, with [`schema::PcapngOption`].
pub(crate) fn decode_option_header<E: ByteOrder>(b: &[u8; OPTION_HEADER_LEN]) -> OptionHeader {
    use schema::PcapngOption as H;
    let Ok((h, _)) = H::parse_as::<E>(b, H::DEFAULT) else {
        // Dead (4 bytes hold both fields); reads as the end of options.
        return OptionHeader { code: 0, len: 0 };
    };
    OptionHeader {
        code: value(h.code),
        len: value(h.len),
    }
}

/// The value of an 8-byte option such as `if_tsoffset` (signed seconds).
pub(crate) fn decode_i64_option<E: ByteOrder>(b: &[u8; 8]) -> i64 {
    u64_of::<E>(*b) as i64
}

/// pcapng encoders, used by [`super::synth`] to build test files and by
/// the [`PcapngWriter`](super::PcapngWriter).
pub(crate) mod encode {
    use super::*;

    /// Appends a whole block: header, body padded to 4 bytes, trailer.
    pub(crate) fn block(out: &mut Vec<u8>, endian: Endian, block_type: u32, body: &[u8]) {
        let padded = body.len().next_multiple_of(4);
        let total = (MIN_BLOCK_LEN + padded) as u32;
        put_u32(out, endian, block_type);
        put_u32(out, endian, total);
        out.extend_from_slice(body);
        out.resize(out.len() + padded - body.len(), 0);
        put_u32(out, endian, total);
    }

    /// Appends one option (padded) to an options area.
    pub(crate) fn option(out: &mut Vec<u8>, endian: Endian, code: u16, value: &[u8]) {
        put_u16(out, endian, code);
        put_u16(out, endian, value.len() as u16);
        out.extend_from_slice(value);
        out.resize(out.len() + value.len().next_multiple_of(4) - value.len(), 0);
    }

    /// Ends an options area with `opt_endofopt`.
    pub(crate) fn end_of_options(out: &mut Vec<u8>, endian: Endian) {
        put_u32(out, endian, 0);
    }

    pub(crate) fn shb_body(endian: Endian, major: u16, minor: u16) -> Vec<u8> {
        let mut v = Vec::new();
        put_u32(&mut v, endian, BYTE_ORDER_MAGIC);
        put_u16(&mut v, endian, major);
        put_u16(&mut v, endian, minor);
        put_u64(&mut v, endian, u64::MAX); // section length unknown (-1)
        v
    }

    pub(crate) fn idb_body(endian: Endian, linktype: u16, snaplen: u32) -> Vec<u8> {
        let mut v = Vec::new();
        put_u16(&mut v, endian, linktype);
        put_u16(&mut v, endian, 0);
        put_u32(&mut v, endian, snaplen);
        v
    }

    pub(crate) fn epb_fixed(endian: Endian, f: PacketFields) -> Vec<u8> {
        let mut v = Vec::new();
        put_u32(&mut v, endian, f.interface);
        put_u32(&mut v, endian, (f.ts_units >> 32) as u32);
        put_u32(&mut v, endian, f.ts_units as u32);
        put_u32(&mut v, endian, f.caplen);
        put_u32(&mut v, endian, f.origlen);
        v
    }

    pub(crate) fn pb_fixed(endian: Endian, f: PacketFields) -> Vec<u8> {
        let mut v = Vec::new();
        put_u16(&mut v, endian, f.interface as u16);
        put_u16(&mut v, endian, 0);
        put_u32(&mut v, endian, (f.ts_units >> 32) as u32);
        put_u32(&mut v, endian, f.ts_units as u32);
        put_u32(&mut v, endian, f.caplen);
        put_u32(&mut v, endian, f.origlen);
        v
    }

    pub(crate) fn u32_value(endian: Endian, v: u32) -> Vec<u8> {
        let mut out = Vec::new();
        put_u32(&mut out, endian, v);
        out
    }

    pub(crate) fn u64_value(endian: Endian, v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_u64(&mut out, endian, v);
        out
    }

    /// The modified format's extra record fields: ifindex, protocol,
    /// pkt_type, padding.
    pub(crate) fn modified_extra(
        endian: Endian,
        ifindex: u32,
        protocol: u16,
        pkt_type: u8,
    ) -> Vec<u8> {
        let mut v = Vec::new();
        put_u32(&mut v, endian, ifindex);
        put_u16(&mut v, endian, protocol);
        v.push(pkt_type);
        v.push(0);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endian::{BigEndian, LittleEndian};

    #[test]
    fn sniff_all_magics() {
        let cases: [([u8; 4], Option<Magic>); 8] = [
            (
                [0xd4, 0xc3, 0xb2, 0xa1],
                Some(Magic::Pcap {
                    endian: Endian::Little,
                    precision: Precision::Micro,
                    modified: false,
                }),
            ),
            (
                [0xa1, 0xb2, 0xc3, 0xd4],
                Some(Magic::Pcap {
                    endian: Endian::Big,
                    precision: Precision::Micro,
                    modified: false,
                }),
            ),
            (
                [0x4d, 0x3c, 0xb2, 0xa1],
                Some(Magic::Pcap {
                    endian: Endian::Little,
                    precision: Precision::Nano,
                    modified: false,
                }),
            ),
            (
                [0xa1, 0xb2, 0x3c, 0x4d],
                Some(Magic::Pcap {
                    endian: Endian::Big,
                    precision: Precision::Nano,
                    modified: false,
                }),
            ),
            (
                [0x34, 0xcd, 0xb2, 0xa1],
                Some(Magic::Pcap {
                    endian: Endian::Little,
                    precision: Precision::Micro,
                    modified: true,
                }),
            ),
            (
                [0xa1, 0xb2, 0xcd, 0x34],
                Some(Magic::Pcap {
                    endian: Endian::Big,
                    precision: Precision::Micro,
                    modified: true,
                }),
            ),
            ([0x0a, 0x0d, 0x0d, 0x0a], Some(Magic::Pcapng)),
            ([0x1f, 0x8b, 0x08, 0x00], None),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff_magic(bytes), want, "{bytes:02x?}");
        }
    }

    #[test]
    fn record_header_both_orders() {
        let le = [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0];
        let be = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
        let want = PcapRecordHeader {
            ts_sec: 1,
            ts_frac: 2,
            caplen: 3,
            origlen: 4,
        };
        assert_eq!(decode_pcap_record::<LittleEndian>(&le), want);
        assert_eq!(decode_pcap_record::<BigEndian>(&be), want);
        assert_eq!(encode_pcap_record(Endian::Little, want), le);
        assert_eq!(encode_pcap_record(Endian::Big, want), be);
    }

    #[test]
    fn pcap_header_round_trip() {
        let h = PcapHeader {
            encoding: PcapEncoding {
                endian: Endian::Big,
                precision: Precision::Nano,
            },
            modified: false,
            version_major: 2,
            version_minor: 4,
            thiszone: -3600,
            sigfigs: 0,
            snaplen: 65535,
            linktype_field: 0x0030_0001,
        };
        let bytes = encode_pcap_header(&h);
        assert_eq!(&bytes[..4], &[0xa1, 0xb2, 0x3c, 0x4d]);
        assert_eq!(decode_pcap_header(&bytes), Some(h));
        assert_eq!(h.linktype(), LinkType::ETHERNET);
    }

    #[test]
    fn shb_byte_order() {
        assert_eq!(
            decode_shb_byte_order([0x4d, 0x3c, 0x2b, 0x1a]),
            Some(Endian::Little)
        );
        assert_eq!(
            decode_shb_byte_order([0x1a, 0x2b, 0x3c, 0x4d]),
            Some(Endian::Big)
        );
        assert_eq!(decode_shb_byte_order([0, 0, 0, 0]), None);
    }

    #[test]
    fn epb_and_pb_fields() {
        let f = PacketFields {
            interface: 3,
            ts_units: 0x0102_0304_0506_0708,
            caplen: 60,
            origlen: 1514,
        };
        for endian in [Endian::Little, Endian::Big] {
            let epb: [u8; 20] = encode::epb_fixed(endian, f).try_into().unwrap();
            let pb: [u8; 20] = encode::pb_fixed(endian, f).try_into().unwrap();
            let (e, p) = match endian {
                Endian::Little => (
                    decode_epb::<LittleEndian>(&epb),
                    decode_pb::<LittleEndian>(&pb),
                ),
                Endian::Big => (decode_epb::<BigEndian>(&epb), decode_pb::<BigEndian>(&pb)),
            };
            assert_eq!(e, f);
            assert_eq!(p, f);
        }
    }

    #[test]
    fn pcap_header_fields_are_the_schemas_in_the_magics_order() {
        // Every field a distinct value, so a swapped offset or order shows.
        for (magic, endian) in [
            ([0xd4, 0xc3, 0xb2, 0xa1], Endian::Little),
            ([0xa1, 0xb2, 0x3c, 0x4d], Endian::Big),
        ] {
            let mut b = [0u8; PCAP_FILE_HEADER_LEN];
            b[..4].copy_from_slice(&magic);
            for (i, x) in b[4..].iter_mut().enumerate() {
                *x = 0x10 + i as u8;
            }
            let h = decode_pcap_header(&b).unwrap();
            let v = schema::PcapFileHeader::view_endian(&b, endian).unwrap();
            assert_eq!(h.encoding.endian, endian);
            assert_eq!(
                (h.version_major, h.version_minor, h.thiszone, h.sigfigs),
                (
                    v.version_major(),
                    v.version_minor(),
                    v.thiszone(),
                    v.sigfigs()
                )
            );
            assert_eq!((h.snaplen, h.linktype_field), (v.snaplen(), v.linktype()));
            let read = |at: usize, n: usize| endian.read_uint(&b[at..at + n]);
            assert_eq!(u128::from(h.version_minor), read(6, 2));
            assert_eq!(u128::from(h.thiszone as u32), read(8, 4));
            assert_eq!(u128::from(h.linktype_field), read(20, 4));
            assert_eq!(encode_pcap_header(&h), b);
            let rec: [u8; 16] = std::array::from_fn(|i| i as u8 + 1);
            assert_eq!(
                u128::from(pcap_record_caplen(endian, &rec)),
                endian.read_uint(&rec[8..12])
            );
        }
    }

    #[test]
    fn shb_idb_spb_and_options_both_orders() {
        for endian in [Endian::Little, Endian::Big] {
            let shb: [u8; SHB_FIXED_LEN] = encode::shb_body(endian, 1, 2).try_into().unwrap();
            let idb: [u8; IDB_FIXED_LEN] =
                encode::idb_body(endian, 276, 262_144).try_into().unwrap();
            let mut opt = Vec::new();
            encode::option(&mut opt, endian, IF_TSRESOL, &[9]);
            let opt: [u8; OPTION_HEADER_LEN] = opt[..4].try_into().unwrap();
            let spb: [u8; SPB_FIXED_LEN] = encode::u32_value(endian, 1514).try_into().unwrap();
            let (s, i, o, p) = match endian {
                Endian::Little => (
                    decode_shb::<LittleEndian>(&shb),
                    decode_idb::<LittleEndian>(&idb),
                    decode_option_header::<LittleEndian>(&opt),
                    decode_spb::<LittleEndian>(&spb),
                ),
                Endian::Big => (
                    decode_shb::<BigEndian>(&shb),
                    decode_idb::<BigEndian>(&idb),
                    decode_option_header::<BigEndian>(&opt),
                    decode_spb::<BigEndian>(&spb),
                ),
            };
            assert_eq!((s.major, s.minor, s.section_len), (1, 2, -1));
            assert_eq!((i.linktype, i.snaplen), (276, 262_144));
            assert_eq!((o.code, o.len), (IF_TSRESOL, 1));
            assert_eq!(p, 1514);
            assert_eq!(
                decode_shb_byte_order(shb[..4].try_into().unwrap()),
                Some(endian)
            );
        }
    }
}
