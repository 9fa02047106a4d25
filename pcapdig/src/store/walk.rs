//! Indexing: the walk of a run's files, group by group: each file's
//! records walked (and hashed, by a second thread for a large file),
//! dissected for what flows and filters need, handed to the flow table
//! (one per group: a consecutive capture), session metadata extracted; the
//! files and the sessions that finish go to a [`Sink`] (the database
//! writer, directly or through a channel: `super::pipeline`).

use std::collections::BTreeMap;
use std::path::Path;

use pcap_core::capture::{CaptureReader, Format, LinkType, Precision, Record};
use pcap_core::filter::{Filter, Needs};
use pcap_core::flow::{FlowTable, Location, Pending};
use protocols::{Config, Dissection, Dissector};

use super::StoreError;
use super::hash_ahead;
use super::index::Todo;
use super::meta::LiveMeta;
use super::notice::Notice;
use super::pipeline::{FileEnd, FileStart, Finished, Msg, Sink};
use super::rows::FileFormat;
use super::schema as db;

/// How many finished sessions go to the writer at a time.
const FLUSH_EVERY: usize = 512;

/// How many packets go to the flow table at a time (see
/// `FlowTable::push_batch`: it requests their sessions' memory ahead).
const BATCH: usize = 64;

/// How many packets between two progress messages.
const PROGRESS_EVERY: u64 = 16384;

/// A file of a run's plan: its `files` id and position are fixed before
/// the walk (from the plan, not from what was read before it), so that
/// they do not depend on which thread gets where first.
pub(super) struct Planned<'a> {
    pub(super) todo: &'a Todo,
    /// Its `files.id`.
    pub(super) id: u32,
    /// Its position within the run.
    pub(super) seq: usize,
    /// The bytes of the run's files before it (for progress).
    pub(super) base: u64,
}

/// What the walk of a group counted.
#[derive(Debug, Default)]
pub(super) struct Counts {
    /// Records read.
    pub(super) packets: u64,
    /// IP packets that went into sessions.
    pub(super) indexed: u64,
    /// Dropped by the filter.
    pub(super) filtered: u64,
    /// Neither IPv4 nor IPv6.
    pub(super) non_ip: u64,
    /// Records of link types the dissector does not decode, by link type.
    pub(super) unsupported: BTreeMap<u16, u64>,
    pub(super) damaged: u64,
    /// Files indexed.
    pub(super) files: usize,
    /// Files that could not be read as captures.
    pub(super) unreadable: usize,
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub(super) fn add(&mut self, other: Counts) {
        self.packets += other.packets;
        self.indexed += other.indexed;
        self.filtered += other.filtered;
        self.non_ip += other.non_ip;
        for (lt, n) in other.unsupported {
            *self.unsupported.entry(lt).or_default() += n;
        }
        self.damaged += other.damaged;
        self.files += other.files;
        self.unreadable += other.unreadable;
    }
}

/// Walks one group of files, one consecutive capture in order, through one
/// flow table, sending its files and sessions to `sink`.
pub(super) fn walk_group(
    files: &[Planned<'_>],
    filter: Option<&Filter>,
    meta: bool,
    sink: &mut dyn Sink,
) -> Result<Counts, StoreError> {
    let mut walk = GroupWalk {
        sink,
        filter,
        meta: meta.then(LiveMeta::new),
        table: FlowTable::new(),
        counts: Counts::default(),
        dissector: minimal_dissector(),
        pending: Vec::with_capacity(BATCH),
    };
    // The previous part's name and last record time.
    let mut previous: Option<(&Path, i64)> = None;
    for file in files {
        let path = file.todo.path.as_path();
        let done_bytes = file.base + file.todo.fp.size;
        let reader = match CaptureReader::open(path) {
            Ok(r) => r,
            Err(e) => {
                walk.sink
                    .send(Msg::Notice(Notice::Unreadable(e.to_string())))?;
                walk.counts.unreadable += 1;
                continue;
            }
        };
        let times = walk.file(file, reader)?;
        walk.counts.files += 1;
        if let (Some((prev, prev_last)), Some((first, _))) = (previous, times)
            && first < prev_last
        {
            walk.sink.send(Msg::Notice(Notice::OutOfOrder {
                path: path.to_path_buf(),
                first_ns: first,
                previous: prev.to_path_buf(),
                previous_last_ns: prev_last,
            }))?;
        }
        if let Some((_, last)) = times {
            previous = Some((path, last));
        }
        walk.sink.send(Msg::Progress(done_bytes))?;
    }
    // Sessions still live at the end of the group's last file.
    walk.table.finish_all();
    walk.send_finished()?;
    let stats = walk.table.stats();
    walk.counts.non_ip += stats.non_ip_packets;
    walk.counts.indexed += stats.packets - stats.non_ip_packets;
    Ok(walk.counts)
}

/// The walk of a group.
struct GroupWalk<'s, 'f> {
    sink: &'s mut dyn Sink,
    filter: Option<&'f Filter>,
    /// The metadata extractors of live sessions (`None`: not extracted).
    meta: Option<LiveMeta>,
    table: FlowTable,
    counts: Counts,
    dissector: Dissector,
    /// Packets for the flow table, handed over [`BATCH`] at a time once
    /// it has many sessions (`FlowTable::prefers_batches`).
    pending: Vec<Pending>,
}

/// The packets of a pending batch that carry metadata: the extractor needs
/// their session's id, known once the batch is in the flow table, and
/// their dissection, kept until then (a box swapped with the walk's, not
/// copied: a `Dissection` is several KiB). Only for a file in memory, whose
/// records outlive the loop that reads them.
struct MetaBatch<'a> {
    /// `(position in the batch, its dissection)`, in order.
    packets: Vec<(usize, Box<Dissection<'a>>)>,
    /// Dissections to swap in, reused.
    spare: Vec<Box<Dissection<'a>>>,
}

impl MetaBatch<'_> {
    fn new() -> Self {
        MetaBatch {
            packets: Vec::with_capacity(BATCH),
            spare: Vec::with_capacity(BATCH),
        }
    }
}

/// What the walk of one file has seen so far.
struct FileState {
    file_id: u32,
    /// Whether the file is pcapng (its precision is found from the records).
    pcapng: bool,
    packets: u64,
    first_ts: Option<i64>,
    /// The time of the file's first record (for the order of parts).
    first_record_ts: Option<i64>,
    last_ts: Option<i64>,
    linktype: Option<u16>,
    /// A pcapng timestamp finer than microseconds was seen.
    pcapng_fine: bool,
}

impl GroupWalk<'_, '_> {
    /// Walks one file; returns the time of its first record and the latest
    /// time of its records (`None` if it has none).
    fn file(
        &mut self,
        file: &Planned<'_>,
        reader: CaptureReader,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let path = file.todo.path.as_path();
        // `index` takes regular files, which are memory-mapped; one that
        // cannot be is read into memory.
        let reader = if reader.bytes().is_some() || reader.compression().is_some() {
            reader
        } else {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            CaptureReader::from_bytes(bytes, &path.to_string_lossy())?
        };
        // pcapng's precision is known once its records are read.
        let (format, precision, endian) = match reader.format() {
            Format::Pcap(h) => (
                FileFormat::Pcap,
                Some(h.encoding.precision),
                h.encoding.endian,
            ),
            Format::Pcapng(s) => (FileFormat::Pcapng, None, s.endian),
        };
        self.sink.send(Msg::FileStart(Box::new(FileStart {
            id: file.id,
            seq: file.seq,
            path: path.to_path_buf(),
            fp: file.todo.fp.clone(),
            format,
            precision,
            endian,
        })))?;
        let mut st = FileState {
            file_id: file.id,
            pcapng: format == FileFormat::Pcapng,
            packets: 0,
            first_ts: None,
            first_record_ts: None,
            last_ts: None,
            linktype: None,
            pcapng_fine: false,
        };
        // A compressed capture (gzip, zstd) is one streamed pass: each
        // record lives until the next is read, is hashed inline and
        // dissected on its own; offsets are in the uncompressed stream, as
        // carve reads them back. Its content hash is that of its stored
        // (compressed) bytes.
        let (size, content_hash, context) = if reader.compression().is_some() {
            let mut reader = reader;
            loop {
                match reader.next_record() {
                    Ok(Some(rec)) => {
                        let hash = db::record_hash(rec.raw);
                        let mut d = Box::new(Dissection::new(rec.linktype, rec.data));
                        self.record(&mut st, None, &rec, &mut d, hash)?;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        self.counts.damaged += 1;
                        self.sink
                            .send(Msg::Notice(Notice::Damaged(e.to_string())))?;
                        if reader.is_done() {
                            self.sink
                                .send(Msg::Notice(Notice::FramingLost(path.to_path_buf())))?;
                            break;
                        }
                    }
                }
            }
            let context = reader.pcapng_context().map(<[u64]>::to_vec);
            let hash = super::content_hash::stored_bytes_hash(path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            (file.todo.fp.size, hash, context)
        } else {
            let (Some(bytes), Some(records), Some(ahead)) =
                (reader.bytes(), reader.records(), reader.records())
            else {
                return Err(format!("{}: cannot read the file into memory", path.display()).into());
            };
            // This walk is the last to read each page (the hashing walk
            // runs ahead): the pages behind it leave the process's memory.
            let mut records = records.release_behind();
            let size = bytes.len() as u64;
            // Each record's hash (its digest, and from them the file's hash:
            // see `super::content_hash`) comes from a second thread walking
            // the same records ahead of this walk (`super::hash_ahead`), or
            // inline for a small file.
            let (walked, content_hash) = hash_ahead::with_hashes(
                bytes,
                ahead,
                hash_ahead::Mode::for_file(bytes.len()),
                |hashes| -> Result<(), StoreError> {
                    // A file in memory: its records outlive the loop, so one
                    // `Dissection` is built once and refilled per packet.
                    let mut d = Box::new(Dissection::new(LinkType::NULL, &[]));
                    let mut batch = MetaBatch::new();
                    loop {
                        match records.next_record() {
                            Ok(Some(rec)) => {
                                let hash = hashes
                                    .hash(&rec)
                                    .map_err(|e| format!("{}: {e}", path.display()))?;
                                d.reset(rec.linktype, rec.data);
                                self.record(&mut st, Some(&mut batch), &rec, &mut d, hash)?;
                            }
                            Ok(None) => break,
                            Err(e) => {
                                self.counts.damaged += 1;
                                self.sink
                                    .send(Msg::Notice(Notice::Damaged(e.to_string())))?;
                                if records.is_done() {
                                    self.sink.send(Msg::Notice(Notice::FramingLost(
                                        path.to_path_buf(),
                                    )))?;
                                    break;
                                }
                                continue;
                            }
                        }
                        if st.packets.is_multiple_of(PROGRESS_EVERY) {
                            self.sink
                                .send(Msg::Progress(file.base + records.position()))?;
                        }
                    }
                    self.flush_pending(Some(&mut batch))
                },
            );
            walked?;
            let content_hash = content_hash.map_err(|e| format!("{}: {e}", path.display()))?;
            let context = records.pcapng_context().map(<[u64]>::to_vec);
            (size, content_hash, context)
        };
        self.flush_pending(None)?;
        self.counts.packets += st.packets;
        self.send_finished()?;
        let precision = match (format, precision) {
            (FileFormat::Pcapng, _) if st.pcapng_fine => Precision::Nano,
            (FileFormat::Pcapng, _) => Precision::Micro,
            (FileFormat::Pcap, p) => p.unwrap_or_default(),
        };
        self.sink.send(Msg::FileEnd(Box::new(FileEnd {
            id: file.id,
            linktype: st.linktype,
            first_ts: st.first_ts,
            last_ts: st.last_ts,
            packets: st.packets,
            precision,
            context: context.map(|offsets| db::encode_offsets(&offsets)),
            content_hash,
            size,
        })))?;
        Ok(st.first_record_ts.zip(st.last_ts))
    }

    /// Dissects `rec` into `d` (empty, of `rec`'s bytes) and hands the
    /// packet to the flow table unless the filter drops it; sends the
    /// sessions that finish. `hash` is [`db::record_hash`] of the record.
    #[inline]
    fn record<'a>(
        &mut self,
        st: &mut FileState,
        batch: Option<&mut MetaBatch<'a>>,
        rec: &Record<'a>,
        d: &mut Box<Dissection<'a>>,
        hash: u64,
    ) -> Result<(), StoreError> {
        st.packets += 1;
        let ts_ns = db::ts_to_ns(rec.ts.secs, rec.ts.nanos);
        st.first_record_ts.get_or_insert(ts_ns);
        st.first_ts = Some(st.first_ts.map_or(ts_ns, |t| t.min(ts_ns)));
        st.last_ts = Some(st.last_ts.map_or(ts_ns, |t| t.max(ts_ns)));
        st.linktype.get_or_insert(rec.linktype.0);
        if st.pcapng && !rec.ts.nanos.is_multiple_of(1000) {
            st.pcapng_fine = true;
        }
        if !self.dissector.decodes(rec.linktype) {
            *self.counts.unsupported.entry(rec.linktype.0).or_default() += 1;
            return Ok(());
        }
        d.summary.wire_len = rec.origlen;
        self.dissector.dissect_into(d);
        let summary = &d.summary;
        if let Some(f) = self.filter
            && !f.matches_packet(summary, rec.data)
        {
            self.counts.filtered += 1;
            return Ok(());
        }
        let ts = rec.ts;
        let loc = Location::with_digest(st.file_id, rec.offset, hash);
        let held = batch.is_some() && (!self.pending.is_empty() || self.table.prefers_batches());
        if self.meta.as_mut().is_some_and(|m| m.wants(d, held)) {
            if let Some(batch) = batch
                && held
            {
                self.pending.push(Pending {
                    summary: *summary,
                    ts: rec.ts,
                    loc,
                });
                // `d` is kept for the extractor; the walk goes on with a
                // spare one (reset before its next use).
                let mut kept = batch
                    .spare
                    .pop()
                    .unwrap_or_else(|| Box::new(Dissection::new(LinkType::NULL, &[])));
                std::mem::swap(d, &mut kept);
                batch.packets.push((self.pending.len() - 1, kept));
                if self.pending.len() >= BATCH {
                    self.flush_pending(Some(batch))?;
                }
                return Ok(());
            }
            // The packet's session, in order: what is pending goes first.
            self.flush_pending(None)?;
            let id = self.table.push(summary, ts, loc);
            if let Some(meta) = self.meta.as_mut() {
                meta.packet(id, d);
            }
            return self.write_finished();
        }
        if self.pending.is_empty() && !self.table.prefers_batches() {
            // Few sessions: read in place, not copied out. The summary was
            // just written field by field, and copying it whole reads it
            // back in wider words, which the CPU cannot forward from those
            // stores (half of this function's time, measured with perf).
            self.table.push(summary, ts, loc);
            return self.write_finished();
        }
        self.pending.push(Pending {
            summary: *summary,
            ts,
            loc,
        });
        if self.pending.len() >= BATCH {
            self.flush_pending(batch)?;
        }
        Ok(())
    }

    /// Sends the finished sessions if there are enough of them.
    #[inline]
    fn write_finished(&mut self) -> Result<(), StoreError> {
        if self.table.finished_len() >= FLUSH_EVERY {
            self.send_finished()?;
        }
        Ok(())
    }

    /// Sends the finished sessions (if any), with their metadata; their
    /// memory (locations, extractors) leaves the walk with them.
    fn send_finished(&mut self) -> Result<(), StoreError> {
        if self.table.finished_len() == 0 {
            return Ok(());
        }
        let meta = &mut self.meta;
        let done: Vec<Finished> = self
            .table
            .drain_finished()
            .map(|session| Finished {
                meta: meta.as_mut().and_then(|m| m.finish(session.id)),
                session,
            })
            .collect();
        self.sink.send(Msg::Sessions(done))
    }

    /// Hands the pending packets to the flow table (and those that carry
    /// metadata, in `batch`, to their session's extractor), and sends the
    /// sessions that finished if there are enough of them.
    fn flush_pending(&mut self, batch: Option<&mut MetaBatch<'_>>) -> Result<(), StoreError> {
        match batch {
            Some(batch) if !batch.packets.is_empty() => {
                let meta = &mut self.meta;
                let MetaBatch { packets, spare } = batch;
                let mut next = packets.drain(..).peekable();
                self.table.push_batch_with(&self.pending, |i, id| {
                    let Some((_, d)) = next.next_if(|(at, _)| *at == i) else {
                        return;
                    };
                    if let Some(meta) = meta.as_mut() {
                        meta.packet(id, &d);
                    }
                    spare.push(d);
                });
            }
            _ if !self.pending.is_empty() => self.table.push_batch(&self.pending),
            _ => {}
        }
        if let Some(meta) = self.meta.as_mut() {
            meta.batch_read();
        }
        self.pending.clear();
        self.write_finished()
    }
}

/// A dissector reading just what flows and filters need: no header is
/// parsed into a [`Dissection`]'s layers, the summary is filled from the
/// layers' views, and the walk stops after the transport header.
pub fn minimal_dissector() -> Dissector {
    Dissector::new(Config::for_needs(Needs::FLOW))
}
