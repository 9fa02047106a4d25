//! Indexing one file: its records walked (and hashed, by a second thread
//! for a large file), dissected for what flows and filters need, handed to
//! the flow table, and the sessions that finish written.

use std::fmt::Write as _;
use std::path::Path;

use pcap_core::capture::{CaptureReader, Format, LinkType, Precision, Record};
use pcap_core::filter::{Filter, Needs};
use pcap_core::flow::{FlowTable, Location, Pending, Session};
use protocols::{Config, Dissection, Dissector};
use rusqlite::{Connection, params};

use super::StoreError;
use super::hash_ahead;
use super::index::{Reporter, RunCtx, Todo, Totals};
use super::notice::Notice;
use super::rows::{FileFormat, end_reason_text, endian_text, ip_to_blob, precision_text};
use super::schema as db;

/// How many finished sessions are buffered before they are written.
const FLUSH_EVERY: usize = 512;

/// How many packets go to the flow table at a time (see
/// `FlowTable::push_batch`: it requests their sessions' memory ahead).
const BATCH: usize = 64;

/// One file of a group, opened, with its place in the run.
pub(super) struct FileTodo<'a> {
    /// Its position within the run.
    pub(super) seq: usize,
    pub(super) todo: &'a Todo,
    pub(super) reader: CaptureReader,
    /// The bytes of the run's files before it (for progress).
    pub(super) base: u64,
}

/// Indexes one file into `ctx.tx`; returns the time of its first record
/// and the latest time of its records (`None` if it has none).
pub(super) fn index_file(
    ctx: &RunCtx<'_>,
    file: FileTodo<'_>,
    table: &mut FlowTable,
    totals: &mut Totals,
    report: &mut Reporter<'_>,
) -> Result<Option<(i64, i64)>, StoreError> {
    let FileTodo {
        seq,
        todo,
        reader,
        base,
    } = file;
    let path = todo.path.as_path();
    let tx = ctx.tx;
    let at = |e: rusqlite::Error| -> StoreError { format!("{}: {e}", path.display()).into() };
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
    let name = path
        .file_name()
        .map(|n| db::path_to_blob(Path::new(n)))
        .unwrap_or_default();
    // The hash is filled in once the walk is done.
    tx.execute(
        "INSERT INTO files (run_id, seq, path, name, size, mtime_ns, quick_hash, content_hash, filter,
            format, precision, endian)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8, ?9, ?10, ?11)",
        params![
            ctx.run_id,
            seq as i64,
            db::path_to_blob(path),
            name,
            todo.fp.size as i64,
            todo.fp.mtime_ns,
            todo.fp.quick_hash,
            ctx.filter_desc,
            format.as_str(),
            precision.map(precision_text),
            endian_text(endian)
        ],
    )
    .map_err(at)?;
    let file_id =
        u32::try_from(tx.last_insert_rowid()).map_err(|_| "too many files in the index")?;

    let mut walk = FileWalk {
        tx,
        run_id: ctx.run_id,
        file_id,
        pcapng: format == FileFormat::Pcapng,
        filter: ctx.filter,
        table,
        totals,
        dissector: minimal_dissector(),
        packets: 0,
        first_ts: None,
        first_record_ts: None,
        last_ts: None,
        linktype: None,
        pcapng_fine: false,
        pending: Vec::with_capacity(BATCH),
    };
    // A compressed capture (gzip, zstd) is one streamed pass: each record
    // lives until the next is read, is hashed inline and dissected on its
    // own; offsets are in the uncompressed stream, as carve reads them
    // back. Its content hash is that of its stored (compressed) bytes.
    let (size, content_hash, context) = if reader.compression().is_some() {
        let mut reader = reader;
        loop {
            match reader.next_record() {
                Ok(Some(rec)) => {
                    let hash = db::record_hash(rec.raw);
                    let mut d = Dissection::new(rec.linktype, rec.data);
                    walk.record(&rec, &mut d, hash).map_err(at)?;
                }
                Ok(None) => break,
                Err(e) => {
                    walk.totals.damaged += 1;
                    report.notice(Notice::Damaged(e.to_string()));
                    if reader.is_done() {
                        report.notice(Notice::FramingLost(path.to_path_buf()));
                        break;
                    }
                }
            }
        }
        let context = reader.pcapng_context().map(<[u64]>::to_vec);
        let hash = super::content_hash::stored_bytes_hash(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        (todo.fp.size, hash, context)
    } else {
        let (Some(bytes), Some(mut records), Some(ahead)) =
            (reader.bytes(), reader.records(), reader.records())
        else {
            return Err(format!("{}: cannot read the file into memory", path.display()).into());
        };
        let size = bytes.len() as u64;
        // Each record's hash (its digest, and from them the file's hash: see
        // `super::content_hash`) comes from a second thread walking the same
        // records ahead of this walk (`super::hash_ahead`), or inline for a
        // small file.
        let (walked, content_hash) = hash_ahead::with_hashes(
            bytes,
            ahead,
            hash_ahead::Mode::for_file(bytes.len()),
            |hashes| -> Result<(), StoreError> {
                // A file in memory: its records outlive the loop, so one
                // `Dissection` is built once and refilled per packet.
                let mut d = Dissection::new(LinkType::NULL, &[]);
                loop {
                    match records.next_record() {
                        Ok(Some(rec)) => {
                            let hash = hashes
                                .hash(&rec)
                                .map_err(|e| format!("{}: {e}", path.display()))?;
                            d.reset(rec.linktype, rec.data);
                            walk.record(&rec, &mut d, hash).map_err(at)?;
                        }
                        Ok(None) => break,
                        Err(e) => {
                            walk.totals.damaged += 1;
                            report.notice(Notice::Damaged(e.to_string()));
                            if records.is_done() {
                                report.notice(Notice::FramingLost(path.to_path_buf()));
                                break;
                            }
                            continue;
                        }
                    }
                    if walk.packets.is_multiple_of(4096) {
                        report.events.progress(base + records.position());
                    }
                }
                Ok(())
            },
        );
        walked?;
        let content_hash = content_hash.map_err(|e| format!("{}: {e}", path.display()))?;
        let context = records.pcapng_context().map(<[u64]>::to_vec);
        (size, content_hash, context)
    };
    walk.flush_pending().map_err(at)?;
    let FileWalk {
        packets,
        first_ts,
        first_record_ts,
        last_ts,
        linktype,
        pcapng_fine,
        ..
    } = walk;
    totals.packets += packets;
    let done: Vec<Session> = table.drain_finished().collect();
    write_sessions(tx, ctx.run_id, &done, totals).map_err(at)?;
    let precision = match (format, precision) {
        (FileFormat::Pcapng, _) if pcapng_fine => Precision::Nano,
        (FileFormat::Pcapng, _) => Precision::Micro,
        (FileFormat::Pcap, p) => p.unwrap_or_default(),
    };
    let context = context.map(|offsets| db::encode_offsets(&offsets));
    tx.execute(
        "UPDATE files SET linktype = ?2, first_ts = ?3, last_ts = ?4, packets = ?5, precision = ?6,
            context = ?7, content_hash = ?8, size = ?9 WHERE id = ?1",
        params![
            file_id,
            linktype,
            first_ts,
            last_ts,
            packets as i64,
            precision_text(precision),
            context,
            content_hash,
            size as i64
        ],
    )
    .map_err(at)?;
    Ok(first_record_ts.zip(last_ts))
}

/// The state of indexing one file, shared by its two record loops.
struct FileWalk<'w> {
    tx: &'w Connection,
    run_id: i64,
    file_id: u32,
    /// Whether the file is pcapng (its precision is found from the records).
    pcapng: bool,
    filter: Option<&'w Filter>,
    table: &'w mut FlowTable,
    totals: &'w mut Totals,
    dissector: Dissector,
    packets: u64,
    first_ts: Option<i64>,
    /// The time of the file's first record (for the order of parts).
    first_record_ts: Option<i64>,
    last_ts: Option<i64>,
    linktype: Option<u16>,
    /// A pcapng timestamp finer than microseconds was seen.
    pcapng_fine: bool,
    /// Packets for the flow table, handed over [`BATCH`] at a time once
    /// it has many sessions (`FlowTable::prefers_batches`).
    pending: Vec<Pending>,
}

impl FileWalk<'_> {
    /// Dissects `rec` into `d` (empty, of `rec`'s bytes) and hands the
    /// packet to the flow table unless the filter drops it; writes the
    /// sessions that finish.
    #[inline]
    /// `hash` is [`db::record_hash`] of the record.
    fn record<'a>(
        &mut self,
        rec: &Record<'a>,
        d: &mut Dissection<'a>,
        hash: u64,
    ) -> rusqlite::Result<()> {
        self.packets += 1;
        let ts_ns = db::ts_to_ns(rec.ts.secs, rec.ts.nanos);
        self.first_record_ts.get_or_insert(ts_ns);
        self.first_ts = Some(self.first_ts.map_or(ts_ns, |t| t.min(ts_ns)));
        self.last_ts = Some(self.last_ts.map_or(ts_ns, |t| t.max(ts_ns)));
        self.linktype.get_or_insert(rec.linktype.0);
        if self.pcapng && !rec.ts.nanos.is_multiple_of(1000) {
            self.pcapng_fine = true;
        }
        if !self.dissector.decodes(rec.linktype) {
            *self.totals.unsupported.entry(rec.linktype.0).or_default() += 1;
            return Ok(());
        }
        d.summary.wire_len = rec.origlen;
        self.dissector.dissect_into(d);
        let summary = &d.summary;
        if let Some(f) = self.filter
            && !f.matches_packet(summary, rec.data)
        {
            self.totals.filtered += 1;
            return Ok(());
        }
        let ts = rec.ts;
        let loc = Location::with_digest(self.file_id, rec.offset, hash);
        if self.totals.meta.as_ref().is_some_and(|m| m.wants(d)) {
            // The packet's session, in order: what is pending goes first.
            self.flush_pending()?;
            let id = self.table.push(summary, ts, loc);
            if let Some(meta) = self.totals.meta.as_mut() {
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
            self.flush_pending()?;
        }
        Ok(())
    }

    /// Writes the finished sessions if there are enough of them.
    fn write_finished(&mut self) -> rusqlite::Result<()> {
        if self.table.finished_len() >= FLUSH_EVERY {
            let done: Vec<Session> = self.table.drain_finished().collect();
            write_sessions(self.tx, self.run_id, &done, self.totals)?;
        }
        Ok(())
    }

    /// Hands the pending packets to the flow table, and writes the
    /// sessions that finished if there are enough of them.
    fn flush_pending(&mut self) -> rusqlite::Result<()> {
        self.table.push_batch(&self.pending);
        self.pending.clear();
        self.write_finished()
    }
}

pub(super) fn write_sessions(
    tx: &Connection,
    run_id: i64,
    sessions: &[Session],
    totals: &mut Totals,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO sessions (run_id, community_id, proto, ip_version, src_ip, dst_ip, sport, dport, vlan,
            first_ts, last_ts, packets, bytes, packets_to_server, bytes_to_server, payload_to_server,
            packets_to_client, bytes_to_client, payload_to_client, tcp_flags, end_reason,
            first_file, last_file, files, digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25)",
    )?;
    let mut locations =
        tx.prepare_cached("INSERT INTO session_locations (session_id, locations) VALUES (?1, ?2)")?;
    let mut vlans = tx
        .prepare_cached("INSERT OR IGNORE INTO session_vlans (session_id, vlan) VALUES (?1, ?2)")?;
    let mut ids: Vec<u16> = Vec::new();
    for s in sessions {
        let mut files: Vec<u32> = Vec::new();
        if let Some(file) = s.locations.single_file() {
            files.push(file);
        } else {
            for loc in s.locations.iter() {
                if files.last() != Some(&loc.file_index) && !files.contains(&loc.file_index) {
                    files.push(loc.file_index);
                }
            }
        }
        let mut files_text = String::new();
        for (i, file) in files.iter().enumerate() {
            if i > 0 {
                files_text.push(',');
            }
            let _ = write!(files_text, "{file}");
        }
        let ip_version = if s.client.addr.is_ipv4() { 4 } else { 6 };
        let end = s.end.map(end_reason_text);
        stmt.execute(params![
            run_id,
            s.community_id.as_str(),
            s.protocol,
            ip_version,
            &ip_to_blob(s.client.addr)[..],
            &ip_to_blob(s.server.addr)[..],
            s.client.port,
            s.server.port,
            s.vlan,
            db::ts_to_ns(s.first_ts.secs, s.first_ts.nanos),
            db::ts_to_ns(s.last_ts.secs, s.last_ts.nanos),
            s.packets() as i64,
            s.bytes() as i64,
            s.to_server.packets as i64,
            s.to_server.bytes as i64,
            s.to_server.payload_bytes as i64,
            s.to_client.packets as i64,
            s.to_client.bytes as i64,
            s.to_client.payload_bytes as i64,
            s.tcp_flags.byte(),
            end,
            files.first().copied().unwrap_or(0),
            files.last().copied().unwrap_or(0),
            files_text,
            // The same 64 bits, as SQLite's signed INTEGER.
            s.digest as i64,
        ])?;
        let id = tx.last_insert_rowid();
        locations.execute(params![id, s.locations.as_bytes()])?;
        // Every VLAN ID any packet carried, at any depth, once.
        ids.clear();
        ids.extend(s.vlan_stacks().flatten().copied());
        ids.extend(s.vlan);
        ids.sort_unstable();
        ids.dedup();
        for &v in &ids {
            vlans.execute(params![id, v])?;
        }
        if let Some(meta) = totals.meta.as_mut()
            && let Some(values) = meta.finish(s.id)
        {
            super::meta::write(tx, id, &values)?;
        }
        totals.sessions += 1;
    }
    Ok(())
}

/// A dissector reading just what flows and filters need: no header is
/// parsed into a [`Dissection`]'s layers, the summary is filled from the
/// layers' views, and the walk stops after the transport header.
pub fn minimal_dissector() -> Dissector {
    Dissector::new(Config::for_needs(Needs::FLOW))
}
