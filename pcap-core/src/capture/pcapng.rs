//! The pcapng reader: sections (SHB, either byte order), interfaces (IDB
//! with `if_tsresol` and `if_tsoffset`), packets (EPB, SPB and the obsolete
//! PB); every other block (ISB, NRB, custom, unknown) is skipped by its
//! length.
//!
//! Each section's byte order is decided once, at its SHB, and the block
//! decoder is monomorphized over it.
//!
//! Framing rules (fatal: the walk stops after reporting them):
//!
//! * a block's total length must be at least 12, a multiple of 4, at most
//!   [`MAX_BLOCK_LEN`], inside the file, and equal to the trailing copy;
//! * an SHB must have a known byte-order magic and version 1.0 (1.2, written
//!   by some old tools, is accepted too); tshark refuses others;
//! * the options of an SHB or IDB must not run past their block (tshark
//!   refuses `shb-option-too-long.pcapng` the same way), and an IDB's
//!   `if_tsresol` must be representable: the section's metadata cannot be
//!   trusted otherwise.
//!
//! Record-level problems (an EPB whose captured length does not fit its
//! block, an unknown interface id, a packet block too short for its fixed
//! fields) leave the framing intact: that block is reported as an error and
//! the next call goes on with the next block.

use std::borrow::Cow;
use std::ops::Range;

use crate::endian::{BigEndian, ByteOrder, Endian, LittleEndian};
use crate::error::{Error, Limit};

use super::headers::{
    BLOCK_HEADER_LEN, BLOCK_TRAILER_LEN, BT_EPB, BT_IDB, BT_PB, BT_SPB, EPB_FIXED_LEN,
    IDB_FIXED_LEN, IF_TSOFFSET, IF_TSRESOL, MIN_BLOCK_LEN, OPT_ENDOFOPT, OPTION_HEADER_LEN,
    PB_FIXED_LEN, PCAPNG_SHB_BYTES, SHB_FIXED_LEN, SPB_FIXED_LEN, decode_block_header,
    decode_block_trailer, decode_epb, decode_i64_option, decode_idb, decode_option_header,
    decode_pb, decode_shb, decode_shb_byte_order, decode_spb,
};
use super::linktype::LinkType;
use super::source::Input;
use super::timestamp::{Timestamp, TsResolution};
use super::{Fail, Interface, MAX_BLOCK_LEN, Record, RecordKind, Section};

const LAYER: &str = "pcapng";

/// More interfaces than any real capture has; a bound on what a stream of
/// tiny IDBs can make the reader keep.
const MAX_INTERFACES: usize = 1 << 16;

/// How many section headers and interface descriptions a reader lists in
/// its [context](PcapngState::context); past that, a file offers no random
/// access (more than any real capture has).
const MAX_CONTEXT: usize = 1 << 16;

/// The current section.
#[derive(Clone)]
pub(crate) struct PcapngState {
    pub(crate) section: Section,
    pub(crate) interfaces: Vec<Interface>,
    /// The offsets of every SHB and IDB read so far, in file order: what
    /// [`absorb_context`] replays to rebuild the state in effect at any
    /// later block. `None` past [`MAX_CONTEXT`] of them.
    pub(crate) context: Option<Vec<u64>>,
}

impl PcapngState {
    /// Before the first section header.
    pub(crate) fn empty() -> PcapngState {
        PcapngState {
            section: Section {
                endian: Endian::Little,
                version_major: 1,
                version_minor: 0,
                offset: 0,
            },
            interfaces: Vec::new(),
            context: Some(Vec::new()),
        }
    }

    /// Notes a context block (SHB or IDB) at `offset`.
    fn note_context(&mut self, offset: u64) {
        if let Some(context) = &mut self.context {
            if context.len() < MAX_CONTEXT {
                context.push(offset);
            } else {
                self.context = None;
            }
        }
    }
}

/// Reads the first SHB (the source is at offset 0 and starts with the SHB
/// block type).
pub(crate) fn open<I: Input>(src: &mut I) -> Result<PcapngState, Fail> {
    let mut st = PcapngState::empty();
    let avail = src.fill(MIN_BLOCK_LEN).map_err(Fail::io)?;
    if avail < MIN_BLOCK_LEN {
        return Err(truncated(0, "block header", 0, MIN_BLOCK_LEN, avail));
    }
    read_shb(src, &mut st, 0)?;
    Ok(st)
}

/// What to do with the block at the current position, decided from the
/// visible bytes alone (so no borrow of the source outlives the decision).
enum Plan {
    /// Not a packet (IDB already absorbed, or a skipped block): consume it.
    Skip(usize),
    /// A packet; consume the block and hand out the record.
    Packet(PacketPlan),
    /// A damaged packet block whose framing is intact: consume it, report.
    Bad(usize, Fail),
}

struct PacketPlan {
    total: usize,
    data: Range<usize>,
    ts: Timestamp,
    caplen: u32,
    origlen: u32,
    interface: u32,
    linktype: LinkType,
    kind: RecordKind,
}

/// The next packet record, `None` at a clean end of file.
pub(crate) fn next<'s, I: Input>(
    src: &'s mut I,
    st: &mut PcapngState,
) -> Result<Option<Record<'s>>, Fail> {
    loop {
        let offset = src.position();
        let avail = src.fill(MIN_BLOCK_LEN).map_err(Fail::io)?;
        if avail == 0 {
            return Ok(None);
        }
        if avail < MIN_BLOCK_LEN {
            return Err(truncated(offset, "block header", 0, MIN_BLOCK_LEN, avail));
        }
        if src.window().starts_with(&PCAPNG_SHB_BYTES) {
            read_shb(src, st, offset)?;
            continue;
        }
        // One branch per block; the block decoder is specialised per order.
        let plan = match st.section.endian {
            Endian::Little => plan_block::<LittleEndian, I>(src, st, offset)?,
            Endian::Big => plan_block::<BigEndian, I>(src, st, offset)?,
        };
        match plan {
            Plan::Skip(total) => {
                src.advance(total);
            }
            Plan::Bad(total, fail) => {
                src.advance(total);
                return Err(fail);
            }
            Plan::Packet(p) => {
                // Every block has its total length at byte 4.
                let big = st.section.endian == Endian::Big;
                let raw = src.advance_record(p.total, |next| {
                    let b = *next.get(4..8)?.first_chunk::<4>()?;
                    let len = if big {
                        u32::from_be_bytes(b)
                    } else {
                        u32::from_le_bytes(b)
                    };
                    usize::try_from(len).ok()
                });
                return Ok(Some(Record {
                    offset,
                    ts: p.ts,
                    caplen: p.caplen,
                    origlen: p.origlen,
                    interface: p.interface,
                    linktype: p.linktype,
                    data: raw.get(p.data).unwrap_or_default(),
                    raw,
                    kind: p.kind,
                }));
            }
        }
    }
}

/// Checks a block's total length, makes the whole block visible and checks
/// its trailer. Returns the length. Every failure here loses the framing.
fn frame_block<E: ByteOrder, I: Input>(
    src: &mut I,
    offset: u64,
    min_len: usize,
    name: &'static str,
) -> Result<usize, Fail> {
    let Some(head) = src.window().first_chunk::<BLOCK_HEADER_LEN>() else {
        return Err(truncated(
            offset,
            "block header",
            0,
            MIN_BLOCK_LEN,
            src.window().len(),
        ));
    };
    let total = decode_block_header::<E>(head).total_len as usize;
    let bad_len = |detail: String| {
        Fail::fatal(
            offset,
            Error::InvalidLength {
                layer: LAYER,
                field: "block total length",
                offset: 4,
                detail: Cow::Owned(detail),
            },
        )
    };
    if total < MIN_BLOCK_LEN || total & 3 != 0 {
        return Err(bad_len(format!(
            "{name} block length {total}: must be a multiple of 4 and at least {MIN_BLOCK_LEN}"
        )));
    }
    if total < min_len {
        return Err(bad_len(format!(
            "{name} block length {total}: its fixed fields need at least {min_len}"
        )));
    }
    if total > MAX_BLOCK_LEN {
        return Err(bad_len(format!(
            "{name} block length {total} exceeds the limit of {MAX_BLOCK_LEN} bytes"
        )));
    }
    let avail = src.fill(total).map_err(Fail::io)?;
    if avail < total {
        return Err(truncated(offset, name, 0, total, avail));
    }
    let trailer = src
        .window()
        .get(total - BLOCK_TRAILER_LEN..total)
        .and_then(|t| t.first_chunk::<BLOCK_TRAILER_LEN>())
        .map(decode_block_trailer::<E>);
    if trailer != Some(total as u32) {
        return Err(Fail::fatal(
            offset,
            Error::InvalidLength {
                layer: LAYER,
                field: "trailing block total length",
                offset: total - BLOCK_TRAILER_LEN,
                detail: Cow::Owned(format!(
                    "{name} block: trailing length {} differs from leading length {total}",
                    trailer.unwrap_or_default()
                )),
            },
        ));
    }
    Ok(total)
}

/// Reads an SHB (at least 12 bytes are visible), starting a new section.
fn read_shb<I: Input>(src: &mut I, st: &mut PcapngState, offset: u64) -> Result<(), Fail> {
    let bom = src
        .window()
        .get(BLOCK_HEADER_LEN..MIN_BLOCK_LEN)
        .and_then(|b| b.first_chunk::<4>())
        .copied()
        .unwrap_or_default();
    let Some(endian) = decode_shb_byte_order(bom) else {
        return Err(Fail::fatal(
            offset,
            Error::Malformed {
                layer: LAYER,
                field: "byte-order magic",
                offset: 8,
                detail: Cow::Owned(format!(
                    "SHB byte-order magic {:02x?} is neither 1a2b3c4d nor 4d3c2b1a",
                    bom
                )),
            },
        ));
    };
    match endian {
        Endian::Little => read_shb_in::<LittleEndian, I>(src, st, offset),
        Endian::Big => read_shb_in::<BigEndian, I>(src, st, offset),
    }
}

fn read_shb_in<E: ByteOrder, I: Input>(
    src: &mut I,
    st: &mut PcapngState,
    offset: u64,
) -> Result<(), Fail> {
    let min = MIN_BLOCK_LEN + SHB_FIXED_LEN;
    let total = frame_block::<E, I>(src, offset, min, "SHB")?;
    let block = src.window().get(..total).unwrap_or_default();
    let Some(fixed) = block
        .get(BLOCK_HEADER_LEN..)
        .and_then(|b| b.first_chunk::<SHB_FIXED_LEN>())
    else {
        return Err(truncated(offset, "SHB", 0, min, block.len()));
    };
    let shb = decode_shb::<E>(fixed);
    if shb.major != 1 || !(shb.minor == 0 || shb.minor == 2) {
        return Err(Fail::fatal(
            offset,
            Error::Unsupported {
                layer: LAYER,
                detail: Cow::Owned(format!(
                    "section header version {}.{} (only 1.0 is supported)",
                    shb.major, shb.minor
                )),
            },
        ));
    }
    let opts_at = BLOCK_HEADER_LEN + SHB_FIXED_LEN;
    walk_options::<E>(block, opts_at, total, |_, _, _| Ok(()))
        .map_err(|e| Fail::fatal(offset, e))?;
    st.section = Section {
        endian: E::ENDIAN,
        version_major: shb.major,
        version_minor: shb.minor,
        offset,
    };
    st.interfaces.clear();
    st.note_context(offset);
    src.advance(total);
    Ok(())
}

/// Reads the SHB or IDB at the current position (at `offset`) into `st`:
/// one block of a reader's context, replayed to rebuild the section and
/// interfaces in effect at a later block. Any other block is an error.
pub(crate) fn absorb_context<I: Input>(
    src: &mut I,
    st: &mut PcapngState,
    offset: u64,
) -> Result<(), Fail> {
    let avail = src.fill(MIN_BLOCK_LEN).map_err(Fail::io)?;
    if avail < MIN_BLOCK_LEN {
        return Err(truncated(offset, "block header", 0, MIN_BLOCK_LEN, avail));
    }
    if src.window().starts_with(&PCAPNG_SHB_BYTES) {
        return read_shb(src, st, offset);
    }
    let interfaces = st.interfaces.len();
    let plan = match st.section.endian {
        Endian::Little => plan_block::<LittleEndian, I>(src, st, offset)?,
        Endian::Big => plan_block::<BigEndian, I>(src, st, offset)?,
    };
    match plan {
        Plan::Skip(_) if st.interfaces.len() > interfaces => Ok(()),
        _ => Err(Fail::fatal(
            offset,
            Error::Malformed {
                layer: LAYER,
                field: "block type",
                offset: 0,
                detail: Cow::Borrowed(
                    "a context offset does not hold a section header or an interface description",
                ),
            },
        )),
    }
}

/// Walks the options of `block[start..total - 4]`, calling `visit(code,
/// value, offset of the value in the block)` for each until
/// `opt_endofopt`. Options that run past the block are an error.
fn walk_options<E: ByteOrder>(
    block: &[u8],
    start: usize,
    total: usize,
    mut visit: impl FnMut(u16, &[u8], usize) -> Result<(), Error>,
) -> Result<(), Error> {
    let end = total.saturating_sub(BLOCK_TRAILER_LEN);
    let opts = block.get(start..end).unwrap_or_default();
    let mut at = 0;
    while at < opts.len() {
        let Some(head) = opts
            .get(at..)
            .and_then(|o| o.first_chunk::<OPTION_HEADER_LEN>())
        else {
            return Err(Error::Truncated {
                layer: LAYER,
                field: "option header",
                offset: start + at,
                needed: start + at + OPTION_HEADER_LEN,
                available: end,
                limit: Limit::LengthField,
            });
        };
        let opt = decode_option_header::<E>(head);
        if opt.code == OPT_ENDOFOPT {
            return Ok(());
        }
        let value_at = at + OPTION_HEADER_LEN;
        let len = usize::from(opt.len);
        let Some(value) = opts.get(value_at..value_at + len) else {
            return Err(Error::Malformed {
                layer: LAYER,
                field: "options",
                offset: start + at,
                detail: Cow::Owned(format!(
                    "option {} of length {len} runs past the end of the block ({} bytes left)",
                    opt.code,
                    opts.len() - value_at
                )),
            });
        };
        visit(opt.code, value, start + value_at)?;
        at = value_at + len.next_multiple_of(4);
    }
    Ok(())
}

/// Decides what to do with a non-SHB block (at least 12 bytes visible).
#[inline(always)]
fn plan_block<E: ByteOrder, I: Input>(
    src: &mut I,
    st: &mut PcapngState,
    offset: u64,
) -> Result<Plan, Fail> {
    let Some(head) = src.window().first_chunk::<BLOCK_HEADER_LEN>() else {
        return Err(truncated(
            offset,
            "block header",
            0,
            MIN_BLOCK_LEN,
            src.window().len(),
        ));
    };
    let block_type = decode_block_header::<E>(head).block_type;
    let (name, min) = match block_type {
        BT_IDB => ("IDB", MIN_BLOCK_LEN + IDB_FIXED_LEN),
        BT_EPB => ("EPB", MIN_BLOCK_LEN),
        BT_PB => ("PB", MIN_BLOCK_LEN),
        BT_SPB => ("SPB", MIN_BLOCK_LEN),
        _ => ("block", MIN_BLOCK_LEN),
    };
    let total = frame_block::<E, I>(src, offset, min, name)?;
    let block = src.window().get(..total).unwrap_or_default();
    // The bytes between block header and trailer (total >= 12 here). The
    // fixed fields of packet blocks are taken from this, never from the
    // trailer: a 28-byte "EPB" has no room for them.
    let body = block
        .get(BLOCK_HEADER_LEN..total - BLOCK_TRAILER_LEN)
        .unwrap_or_default();
    let kind_endian = E::ENDIAN;
    match block_type {
        BT_IDB => {
            let iface = read_idb::<E>(block, total).map_err(|e| Fail::fatal(offset, e))?;
            if st.interfaces.len() >= MAX_INTERFACES {
                return Err(Fail::fatal(
                    offset,
                    Error::Unsupported {
                        layer: LAYER,
                        detail: Cow::Owned(format!(
                            "more than {MAX_INTERFACES} interfaces in one section"
                        )),
                    },
                ));
            }
            st.interfaces.push(iface);
            st.note_context(offset);
            Ok(Plan::Skip(total))
        }
        BT_EPB | BT_PB => {
            let Some(fixed) = body.first_chunk::<EPB_FIXED_LEN>() else {
                return Ok(Plan::Bad(
                    total,
                    record_error(
                        offset,
                        "block total length",
                        4,
                        format!(
                            "{name} block length {total} is shorter than its fixed fields ({})",
                            MIN_BLOCK_LEN + EPB_FIXED_LEN
                        ),
                    ),
                ));
            };
            let (f, kind) = if block_type == BT_EPB {
                (decode_epb::<E>(fixed), RecordKind::Epb(kind_endian))
            } else {
                const { assert!(PB_FIXED_LEN == EPB_FIXED_LEN) };
                (decode_pb::<E>(fixed), RecordKind::Pb(kind_endian))
            };
            let data_at = BLOCK_HEADER_LEN + EPB_FIXED_LEN;
            let room = body.len() - EPB_FIXED_LEN;
            if f.caplen as usize > room {
                return Ok(Plan::Bad(
                    total,
                    record_error(
                        offset,
                        "captured length",
                        20,
                        format!(
                            "{name} captured length {} does not fit in the block's {room} data bytes",
                            f.caplen
                        ),
                    ),
                ));
            }
            let Some(iface) = st.interfaces.get(f.interface as usize) else {
                return Ok(Plan::Bad(
                    total,
                    unknown_interface(offset, name, f.interface, st),
                ));
            };
            let ts = iface
                .ts_resolution
                .to_timestamp(f.ts_units)
                .add_secs(iface.ts_offset);
            Ok(Plan::Packet(PacketPlan {
                total,
                data: data_at..data_at + f.caplen as usize,
                ts,
                caplen: f.caplen,
                origlen: f.origlen,
                interface: f.interface,
                linktype: iface.linktype,
                kind,
            }))
        }
        BT_SPB => {
            let Some(fixed) = body.first_chunk::<SPB_FIXED_LEN>() else {
                return Ok(Plan::Bad(
                    total,
                    record_error(
                        offset,
                        "block total length",
                        4,
                        format!("SPB block length {total} is shorter than 16"),
                    ),
                ));
            };
            let origlen = decode_spb::<E>(fixed);
            let Some(iface) = st.interfaces.first() else {
                return Ok(Plan::Bad(total, unknown_interface(offset, "SPB", 0, st)));
            };
            let data_at = BLOCK_HEADER_LEN + SPB_FIXED_LEN;
            // At most MAX_BLOCK_LEN, so it fits in a u32.
            let room = (body.len() - SPB_FIXED_LEN) as u32;
            // The block holds the packet padded to 4 bytes, so the captured
            // length is implied: the original length, cut by the snaplen
            // (0 = none) and by the room in the block.
            let snaplen = if iface.snaplen == 0 {
                u32::MAX
            } else {
                iface.snaplen
            };
            let caplen = origlen.min(snaplen).min(room);
            Ok(Plan::Packet(PacketPlan {
                total,
                data: data_at..data_at + caplen as usize,
                ts: Timestamp::ZERO,
                caplen,
                origlen,
                interface: 0,
                linktype: iface.linktype,
                kind: RecordKind::Spb(kind_endian),
            }))
        }
        _ => Ok(Plan::Skip(total)),
    }
}

/// Decodes an IDB (already framed) with its timestamp options.
fn read_idb<E: ByteOrder>(block: &[u8], total: usize) -> Result<Interface, Error> {
    let Some(fixed) = block
        .get(BLOCK_HEADER_LEN..)
        .and_then(|b| b.first_chunk::<IDB_FIXED_LEN>())
    else {
        return Err(Error::Truncated {
            layer: LAYER,
            field: "IDB",
            offset: 0,
            needed: MIN_BLOCK_LEN + IDB_FIXED_LEN,
            available: block.len(),
            limit: Limit::LengthField,
        });
    };
    let idb = decode_idb::<E>(fixed);
    let mut iface = Interface {
        linktype: LinkType(idb.linktype),
        snaplen: idb.snaplen,
        ts_resolution: TsResolution::MICROS,
        ts_offset: 0,
    };
    let opts_at = BLOCK_HEADER_LEN + IDB_FIXED_LEN;
    walk_options::<E>(block, opts_at, total, |code, value, at| {
        match code {
            IF_TSRESOL => {
                let res = match value {
                    [raw] => TsResolution::from_option(*raw),
                    _ => None,
                };
                iface.ts_resolution = res.ok_or_else(|| Error::Malformed {
                    layer: LAYER,
                    field: "if_tsresol",
                    offset: at,
                    detail: Cow::Owned(format!(
                        "timestamp resolution {value:02x?} is not one byte for a unit of 10^-19 s or 2^-63 s or coarser"
                    )),
                })?;
            }
            IF_TSOFFSET => {
                let Some(v) = value.first_chunk::<8>().filter(|_| value.len() == 8) else {
                    return Err(Error::Malformed {
                        layer: LAYER,
                        field: "if_tsoffset",
                        offset: at,
                        detail: Cow::Owned(format!(
                            "timestamp offset has {} bytes, not 8",
                            value.len()
                        )),
                    });
                };
                iface.ts_offset = decode_i64_option::<E>(v);
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(iface)
}

#[cold]
fn truncated(offset: u64, field: &'static str, at: usize, needed: usize, available: usize) -> Fail {
    Fail::fatal(
        offset,
        Error::Truncated {
            layer: LAYER,
            field,
            offset: at,
            needed,
            available,
            limit: Limit::Buffer,
        },
    )
}

#[cold]
fn record_error(offset: u64, field: &'static str, at: usize, detail: String) -> Fail {
    Fail::record(
        offset,
        Error::InvalidLength {
            layer: LAYER,
            field,
            offset: at,
            detail: Cow::Owned(detail),
        },
    )
}

#[cold]
fn unknown_interface(offset: u64, name: &str, id: u32, st: &PcapngState) -> Fail {
    Fail::record(
        offset,
        Error::Malformed {
            layer: LAYER,
            field: "interface id",
            offset: 8,
            detail: Cow::Owned(format!(
                "{name} refers to interface {id}, but the section (at byte {}) has {} interfaces",
                st.section.offset,
                st.interfaces.len()
            )),
        },
    )
}
