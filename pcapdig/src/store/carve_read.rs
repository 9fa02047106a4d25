//! Reading the records `carve` wants back from a capture file, each at
//! its indexed offset. All of carve's reading of capture records is in
//! [`read_records`]: how a file is opened and a record found, for classic
//! pcap, pcapng with its saved context, and pcapng walked block by block.

use std::collections::BTreeMap;
use std::path::Path;

use pcap_core::capture::{CaptureReader, Format, LinkType, PcapEncoding, Record};

use super::StoreError as Error;
use super::carve::Wanted;
use super::rows::{FileFormat, FileRow};

/// A record read back, owned.
pub(super) struct Packet {
    pub(super) ts_secs: i64,
    pub(super) ts_nanos: u32,
    pub(super) origlen: u32,
    pub(super) linktype: LinkType,
    pub(super) data: Vec<u8>,
    pub(super) raw: Vec<u8>,
    /// Classic pcap encoding of `raw`, if it is a classic record.
    pub(super) encoding: Option<PcapEncoding>,
}

/// Reads the wanted records of one file, in offset order, handing each to
/// `each`. All reading of capture records by `carve` is here: how a file
/// is opened and a record found at its offset.
pub(super) fn read_records(
    info: &FileRow,
    path: &Path,
    offsets: &BTreeMap<u64, Wanted>,
    each: &mut dyn FnMut(u64, Packet) -> Result<(), Error>,
) -> Result<(), Error> {
    // A compressed capture (gzip, zstd) cannot be read at an offset: one
    // streamed pass from its start visits the wanted records in offset
    // order (offsets are in the uncompressed stream, as indexed).
    let mut reader = CaptureReader::open(path)?;
    if reader.compression().is_some() {
        let encoding = match reader.format() {
            Format::Pcap(h) if !h.modified => Some(h.encoding),
            _ => None,
        };
        /// Why the pass stopped: `each` refused a record, or reading failed.
        enum Stop {
            Each(Error),
            Read(pcap_core::Error),
        }
        impl From<pcap_core::Error> for Stop {
            fn from(e: pcap_core::Error) -> Stop {
                Stop::Read(e)
            }
        }
        let visited = reader.visit_records_at(offsets.keys().copied(), |rec| {
            each(rec.offset, owned(&rec, encoding)).map_err(Stop::Each)
        });
        return match visited {
            Ok(()) => Ok(()),
            Err(Stop::Each(e)) => Err(e),
            Err(Stop::Read(e)) => {
                Err(format!("{e}; {} does not match the index", path.display()).into())
            }
        };
    }
    drop(reader);
    if info.format == FileFormat::Pcap {
        let reader = CaptureReader::open(path)?;
        let Format::Pcap(header) = reader.format() else {
            return Err(format!("{}: not a classic pcap file any more", path.display()).into());
        };
        let encoding = (!header.modified).then_some(header.encoding);
        for &offset in offsets.keys() {
            let rec = reader
                .record_at(offset)
                .map_err(|e| format!("{e}; {} does not match the index", path.display()))?;
            each(offset, owned(&rec, encoding))?;
        }
    } else if let Some(context) = info.context.as_deref() {
        // pcapng, with its section headers and interface descriptions
        // located at indexing time: each record read at its offset.
        let reader = CaptureReader::open(path)?;
        for &offset in offsets.keys() {
            let rec = reader
                .record_at_with(offset, context)
                .map_err(|e| format!("{e}; {} does not match the index", path.display()))?;
            each(offset, owned(&rec, None))?;
        }
    } else {
        // pcapng without a saved context (more than 65,536 section
        // headers and interface descriptions): walked block by block.
        let mut reader = CaptureReader::open(path)?;
        let mut found = 0usize;
        let mut last_error = None;
        loop {
            let rec = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    // Damaged records are skipped; a framing error ends
                    // the walk (the next call returns `Ok(None)`).
                    last_error = Some(e);
                    continue;
                }
            };
            if offsets.contains_key(&rec.offset) {
                let pkt = owned(&rec, None);
                each(rec.offset, pkt)?;
                found += 1;
                if found == offsets.len() {
                    break;
                }
            }
        }
        if found != offsets.len() {
            return Err(format!(
                "{}: {} of the indexed records were not found; the file does not match the index{}",
                path.display(),
                offsets.len() - found,
                last_error.map(|e| format!(" ({e})")).unwrap_or_default()
            )
            .into());
        }
    }
    Ok(())
}

fn owned(rec: &Record<'_>, encoding: Option<PcapEncoding>) -> Packet {
    Packet {
        ts_secs: rec.ts.secs,
        ts_nanos: rec.ts.nanos,
        origlen: rec.origlen,
        linktype: rec.linktype,
        data: rec.data.to_vec(),
        raw: rec.raw.to_vec(),
        encoding,
    }
}
