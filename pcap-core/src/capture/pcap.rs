//! The classic pcap reader: the file header (all four magic variants and
//! the "modified" format) and the record loop.
//!
//! Framing rules (what ends the walk with an error, and why):
//!
//! * The major version must be 2: version 1 files predate the current
//!   record layout, and tshark refuses them too.
//! * A record's `caplen` must not exceed [`caplen_limit`] of the snaplen:
//!   a larger value means the header is garbage, so the position of every
//!   later record is unknown. This is also the check that keeps a length
//!   field from sizing an allocation.
//! * A file that ends inside a record header or its data is cut: the
//!   complete records before it were all delivered.
//!
//! The link type's high 16 bits (FCS length and reserved bits) are ignored:
//! they do not change where records are, and tshark's refusal of files with
//! reserved bits set (`linktype-reserved-field-not-zero.pcap`) would throw
//! away readable packets.

use std::borrow::Cow;

use crate::endian::{BigEndian, ByteOrder, Endian, LittleEndian};
use crate::error::{Error, Limit};

use super::headers::{
    PCAP_FILE_HEADER_LEN, PCAP_RECORD_HEADER_LEN, PcapHeader, decode_pcap_header,
    decode_pcap_record,
};
use super::linktype::LinkType;
use super::source::Input;
use super::timestamp::{Precision, Timestamp, TsResolution};
use super::{Fail, Interface, Record, RecordKind, caplen_limit};

const LAYER: &str = "pcap";

/// What the record loop needs, decided once from the file header.
#[derive(Clone)]
pub(crate) struct PcapState {
    pub(crate) header: PcapHeader,
    /// The file's one "interface", so that pcap and pcapng look alike.
    pub(crate) interfaces: [Interface; 1],
    record_header_len: usize,
    max_caplen: u32,
    linktype: LinkType,
    precision: Precision,
    kind: RecordKind,
}

/// Reads and checks the 24-byte file header (the source is at offset 0 and
/// its first four bytes are a pcap magic number).
pub(crate) fn open<I: Input>(src: &mut I) -> Result<PcapState, Fail> {
    let avail = src.fill(PCAP_FILE_HEADER_LEN).map_err(Fail::io)?;
    let header = src
        .window()
        .first_chunk::<PCAP_FILE_HEADER_LEN>()
        .and_then(decode_pcap_header)
        .ok_or_else(|| {
            Fail::fatal(
                0,
                Error::Truncated {
                    layer: LAYER,
                    field: "file header",
                    offset: 0,
                    needed: PCAP_FILE_HEADER_LEN,
                    available: avail,
                    limit: Limit::Buffer,
                },
            )
        })?;
    if header.version_major != 2 {
        return Err(Fail::fatal(
            0,
            Error::Unsupported {
                layer: LAYER,
                detail: Cow::Owned(format!(
                    "file format version {}.{} (only version 2.x is supported)",
                    header.version_major, header.version_minor
                )),
            },
        ));
    }
    src.advance(PCAP_FILE_HEADER_LEN);
    let endian = header.encoding.endian;
    let precision = header.encoding.precision;
    let linktype = header.linktype();
    Ok(PcapState {
        header,
        interfaces: [Interface {
            linktype,
            snaplen: header.snaplen,
            ts_resolution: match precision {
                Precision::Micro => TsResolution::MICROS,
                Precision::Nano => TsResolution::NANOS,
            },
            ts_offset: 0,
        }],
        record_header_len: header.record_header_len(),
        max_caplen: caplen_limit(header.snaplen),
        linktype,
        precision,
        kind: if header.modified {
            RecordKind::PcapModified(endian)
        } else {
            RecordKind::Pcap(header.encoding)
        },
    })
}

/// The next record, `None` at a clean end of file.
#[inline]
pub(crate) fn next<'s, I: Input>(
    src: &'s mut I,
    st: &PcapState,
) -> Result<Option<Record<'s>>, Fail> {
    // One branch per record; inside, every field load is specialised.
    match st.header.encoding.endian {
        Endian::Little => next_in::<LittleEndian, I>(src, st),
        Endian::Big => next_in::<BigEndian, I>(src, st),
    }
}

#[inline(always)]
fn next_in<'s, E: ByteOrder, I: Input>(
    src: &'s mut I,
    st: &PcapState,
) -> Result<Option<Record<'s>>, Fail> {
    let offset = src.position();
    let hlen = st.record_header_len;
    let mut avail = src.fill(hlen).map_err(Fail::io)?;
    if avail == 0 {
        return Ok(None);
    }
    let Some(fixed) = src.window().first_chunk::<PCAP_RECORD_HEADER_LEN>() else {
        return Err(cut(offset, "record header", 0, hlen, avail));
    };
    if avail < hlen {
        // Only the modified format gets here: 16..24 bytes of its header.
        return Err(cut(offset, "record header", 0, hlen, avail));
    }
    let h = decode_pcap_record::<E>(fixed);
    if h.caplen > st.max_caplen {
        return Err(Fail::fatal(
            offset,
            Error::InvalidLength {
                layer: LAYER,
                field: "caplen",
                offset: 8,
                detail: Cow::Owned(format!(
                    "captured length {} exceeds the limit of {} (snaplen {}; the limit is \
                     max(snaplen, 262144), at most 16 MiB): the record header is corrupt and \
                     the framing is lost",
                    h.caplen, st.max_caplen, st.header.snaplen
                )),
            },
        ));
    }
    // Cannot overflow: caplen <= 16 MiB.
    let total = hlen + h.caplen as usize;
    if avail < total {
        avail = src.fill(total).map_err(Fail::io)?;
        if avail < total {
            return Err(cut(offset, "packet data", hlen, total, avail));
        }
    }
    let raw = src.advance_record(total, |next| {
        let caplen = decode_pcap_record::<E>(next.first_chunk()?).caplen;
        hlen.checked_add(caplen as usize)
    });
    Ok(Some(Record {
        offset,
        ts: Timestamp::from_pcap(h.ts_sec, h.ts_frac, st.precision),
        caplen: h.caplen,
        origlen: h.origlen,
        interface: 0,
        linktype: st.linktype,
        data: raw.get(hlen..).unwrap_or_default(),
        raw,
        kind: st.kind,
    }))
}

/// The file ends inside a record: framing is lost (there is nothing after).
#[cold]
fn cut(offset: u64, field: &'static str, at: usize, needed: usize, available: usize) -> Fail {
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
