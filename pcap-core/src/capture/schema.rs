//! The capture-file headers declared with our own derive: the classic pcap
//! file and record headers (pcap-savefile(5), draft-ietf-opsawg-pcap) and
//! the pcapng block header, the fixed parts of the Section Header,
//! Interface Description and packet blocks, and the option header
//! (draft-ietf-opsawg-pcapng). All are `endian = "runtime"`: the byte order
//! comes from the magic number (or the section's byte-order magic) and is
//! fixed once per file or section; use `parse_as::<E>` in a loop.
//!
//! ```
//! use pcap_core::capture::schema::PcapRecordHeader;
//! use pcap_core::Endian;
//!
//! let record = [0x33, 0x82, 0xea, 0x51, 0x10, 0x27, 0, 0, 66, 0, 0, 0, 66, 0, 0, 0];
//! let (h, _) = PcapRecordHeader::parse_endian(&record, PcapRecordHeader::DEFAULT, Endian::Little)?;
//! assert_eq!(h.ts_sec.value(), Some(&1374323251));
//! assert_eq!(h.incl_len.value(), Some(&66));
//! assert!(h.ts_usec.is_skipped());
//! # Ok::<(), pcap_core::Error>(())
//! ```

use crate::Field;

/// The 24-byte classic pcap file header.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct PcapFileHeader<'a> {
    /// 0xa1b2c3d4 (microseconds) or 0xa1b23c4d (nanoseconds), in the file's byte order.
    #[field(default)]
    pub magic: Field<'a, u32>,
    /// Major version: 2.
    #[field(default)]
    pub version_major: Field<'a, u16>,
    /// Minor version: 4.
    pub version_minor: Field<'a, u16>,
    /// GMT offset (always 0 in practice).
    pub thiszone: Field<'a, i32>,
    /// Timestamp accuracy (always 0).
    pub sigfigs: Field<'a, u32>,
    /// Largest number of bytes kept per packet.
    #[field(default)]
    pub snaplen: Field<'a, u32>,
    /// Link type (low 16 bits), FCS length and flags (high bits).
    #[field(default)]
    pub linktype: Field<'a, u32>,
}

/// The 16-byte classic pcap record header.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct PcapRecordHeader<'a> {
    /// Seconds since the epoch.
    #[field(default)]
    pub ts_sec: Field<'a, u32>,
    /// Microseconds or nanoseconds (per the magic) within the second.
    pub ts_usec: Field<'a, u32>,
    /// Bytes of packet data stored in the file.
    #[field(default)]
    pub incl_len: Field<'a, u32>,
    /// Length of the packet on the wire.
    pub orig_len: Field<'a, u32>,
}

/// The 8-byte header every pcapng block starts with.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct PcapngBlockHeader<'a> {
    /// Block type (0x0a0d0d0a section header, 1 interface, 6 enhanced packet...).
    #[field(default)]
    pub block_type: Field<'a, u32>,
    /// Total block length, header and trailer included.
    #[field(default)]
    pub block_total_len: Field<'a, u32>,
}

/// The fixed part of a pcapng Enhanced Packet Block body (after the block header).
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct EnhancedPacketBlock<'a> {
    /// Index of the interface (IDB) in the section.
    #[field(default)]
    pub interface_id: Field<'a, u32>,
    /// High 32 bits of the timestamp, in the interface's `if_tsresol` units.
    #[field(default)]
    pub ts_high: Field<'a, u32>,
    /// Low 32 bits of the timestamp.
    #[field(default)]
    pub ts_low: Field<'a, u32>,
    /// Bytes of packet data in the block.
    #[field(default)]
    pub captured_len: Field<'a, u32>,
    /// Length of the packet on the wire.
    pub original_len: Field<'a, u32>,
}

/// The fixed part of a pcapng Section Header Block body (after the block
/// header); options follow.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct SectionHeaderBlock<'a> {
    /// 0x1a2b3c4d in the section's byte order (it decides that order).
    pub byte_order_magic: Field<'a, u32>,
    /// Major version: 1.
    #[field(default)]
    pub major_version: Field<'a, u16>,
    /// Minor version: 0 (or 2, written by some old tools).
    #[field(default)]
    pub minor_version: Field<'a, u16>,
    /// Length of the section after this block, or -1 when unknown.
    pub section_len: Field<'a, i64>,
}

/// The fixed part of a pcapng Interface Description Block body; options
/// follow.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct InterfaceDescriptionBlock<'a> {
    /// The interface's link type.
    #[field(default)]
    pub linktype: Field<'a, u16>,
    /// Reserved (0).
    pub reserved: Field<'a, u16>,
    /// Largest number of bytes kept per packet (0: no limit).
    #[field(default)]
    pub snaplen: Field<'a, u32>,
}

/// The fixed part of an obsolete pcapng Packet Block body.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct PacketBlock<'a> {
    /// Index of the interface (IDB) in the section.
    #[field(default)]
    pub interface_id: Field<'a, u16>,
    /// Packets dropped since the previous one (ignored).
    pub drops_count: Field<'a, u16>,
    /// High 32 bits of the timestamp, in the interface's `if_tsresol` units.
    #[field(default)]
    pub ts_high: Field<'a, u32>,
    /// Low 32 bits of the timestamp.
    #[field(default)]
    pub ts_low: Field<'a, u32>,
    /// Bytes of packet data in the block.
    #[field(default)]
    pub captured_len: Field<'a, u32>,
    /// Length of the packet on the wire.
    #[field(default)]
    pub original_len: Field<'a, u32>,
}

/// The fixed part of a pcapng Simple Packet Block body.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct SimplePacketBlock<'a> {
    /// Length of the packet on the wire (the data is the rest of the block).
    #[field(default)]
    pub original_len: Field<'a, u32>,
}

/// The header of one pcapng option; the value follows, padded to 4 bytes.
#[derive(crate::Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct PcapngOption<'a> {
    /// Option code (0: end of options).
    #[field(default)]
    pub code: Field<'a, u16>,
    /// Length of the value before padding.
    #[field(default)]
    pub len: Field<'a, u16>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BigEndian, Endian, LittleEndian};

    #[test]
    fn file_header_both_orders() {
        let le = [
            0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0,
            0,
        ];
        let (h, rest) = PcapFileHeader::parse_as::<LittleEndian>(&le, PcapFileHeader::ALL).unwrap();
        assert_eq!(h.magic.value(), Some(&0xa1b2c3d4));
        assert_eq!(
            (h.version_major.value(), h.version_minor.value()),
            (Some(&2), Some(&4))
        );
        assert_eq!(h.snaplen.value(), Some(&65535));
        assert_eq!(h.linktype.value(), Some(&1));
        assert!(rest.is_empty());
        let be = [
            0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0,
            101,
        ];
        let (h, _) = PcapFileHeader::parse_as::<BigEndian>(&be, PcapFileHeader::DEFAULT).unwrap();
        assert_eq!(h.magic.value(), Some(&0xa1b23c4d));
        assert_eq!(h.linktype.value(), Some(&101));
        assert!(h.version_minor.is_skipped());
        assert_eq!(PcapFileHeader::FIXED_LEN, 24);
    }

    #[test]
    fn record_and_block_headers() {
        let rec = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 62, 0, 0, 0, 64];
        let v = PcapRecordHeader::view_endian(&rec, Endian::Big).unwrap();
        assert_eq!(
            (v.ts_sec(), v.ts_usec(), v.incl_len(), v.orig_len()),
            (1, 2, 62, 64)
        );
        assert_eq!(PcapRecordHeader::INCL_LEN.byte_offset(), Some(8));
        let blk = [6, 0, 0, 0, 32, 0, 0, 0];
        let (b, _) =
            PcapngBlockHeader::parse_endian(&blk, PcapngBlockHeader::DEFAULT, Endian::Little)
                .unwrap();
        assert_eq!(
            (b.block_type.value(), b.block_total_len.value()),
            (Some(&6), Some(&32))
        );
        assert_eq!(EnhancedPacketBlock::FIXED_LEN, 20);
        assert!(PcapRecordHeader::parse(&rec[..15], PcapRecordHeader::ALL).is_err());
    }
}
