//! `pcapdig index`: sessions of one or more consecutive capture files into
//! SQLite (schema in [`crate::db`]).
//!
//! # Idempotency policy
//!
//! A file is identified by its canonical path and fingerprint (size and a
//! hash of its first and last 64 KiB, see [`crate::db::fingerprint`]).
//!
//! * A file already indexed with the same path and fingerprint is skipped
//!   (a message says so): indexing the same files again changes nothing.
//! * A file already indexed under the same path whose fingerprint differs
//!   (it changed) is refused with an error: use another `--db`, or delete
//!   the database.
//! * The remaining files of one invocation are one consecutive capture (one
//!   flow table across them). When some files of a set were indexed before
//!   and others are new, sessions crossing from an old file into a new one
//!   are split at that boundary.
//! * Each file is written in one transaction, but a run is only marked
//!   complete at the end; a run left incomplete (interrupted) is removed
//!   and its files indexed again by the next `pcapdig index`. Meanwhile the
//!   database stays usable (WAL) with the sessions finished so far.
//! * Into an empty `sessions` table, the secondary indexes of `sessions`
//!   are dropped during the run and built at its end (much faster than
//!   inserting into them row by row); a run interrupted meanwhile leaves
//!   them missing until the next `pcapdig index` creates them.
//! * A file that cannot be read as a capture at all is reported and
//!   skipped (not recorded; the exit status is then 1); a damaged record is
//!   reported (file, offset, what) and reading goes on unless the framing
//!   is lost, in which case the rest of that file is skipped.
//!
//! # Dissection
//!
//! Layers 2–4 are read by the `protocols` dissector with
//! `Config::for_needs(Needs::FLOW)`: no header is parsed into the
//! dissection, the packet summary (addresses, ports, protocol, VLAN IDs,
//! TCP flags and sequence numbers) is filled from the layers' lazy views,
//! and the walk stops after the transport header. The filter
//! (`--filter`, `--filter-file`) is applied to each packet's summary before
//! it reaches the flow table: sessions then hold only matching packets.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use pcap_core::capture::{CaptureReader, Format, Record};
use pcap_core::filter::{Filter, Needs, ip_to_blob};
use pcap_core::flow::{self, EndReason, FlowTable, Location, PacketSummary, Pending, Session};
use protocols::{Config, Dissection, Dissector};
use rusqlite::{Transaction, params};

use crate::db;

/// Arguments of `pcapdig index`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture files (pcap or pcapng), in capture order: they are taken as
    /// one consecutive capture.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The index database (created if missing).
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// Index only packets matching this tcpdump-style expression.
    #[arg(long)]
    pub filter: Option<String>,
    /// Index only packets with an address in this file (one address or CIDR
    /// per line); combined with --filter by `and`.
    #[arg(long)]
    pub filter_file: Option<PathBuf>,
}

/// How many finished sessions are buffered before they are written.
const FLUSH_EVERY: usize = 512;

/// How many packets go to the flow table at a time (see
/// `FlowTable::push_batch`: it requests their sessions' memory ahead).
const BATCH: usize = 64;

/// Runs the subcommand.
pub fn run(args: Args) -> crate::CliResult {
    let started = Instant::now();
    let mut filter = match &args.filter {
        Some(text) => Some(Filter::parse(text).map_err(|e| format!("--filter: {e}"))?),
        None => None,
    };
    if let Some(path) = &args.filter_file {
        let f = Filter::from_file(path).map_err(|e| format!("--filter-file: {e}"))?;
        filter = Some(match filter {
            Some(g) => g.and(f),
            None => f,
        });
    }

    let mut conn = db::open(&args.db, true)?;
    // Remove what an interrupted run left behind.
    {
        let tx = conn.transaction()?;
        let n: i64 = tx.query_row("SELECT COUNT(*) FROM runs WHERE complete = 0", [], |r| {
            r.get(0)
        })?;
        if n > 0 {
            eprintln!(
                "pcapdig: removing {n} incomplete earlier run(s); their files are indexed again"
            );
            tx.execute(
                "DELETE FROM session_locations WHERE session_id IN
                    (SELECT id FROM sessions WHERE run_id IN (SELECT id FROM runs WHERE complete = 0))",
                [],
            )?;
            tx.execute(
                "DELETE FROM sessions WHERE run_id IN (SELECT id FROM runs WHERE complete = 0)",
                [],
            )?;
            tx.execute(
                "DELETE FROM files WHERE run_id IN (SELECT id FROM runs WHERE complete = 0)",
                [],
            )?;
            tx.execute("DELETE FROM runs WHERE complete = 0", [])?;
        }
        tx.commit()?;
    }

    // Decide which files to index.
    let mut todo = Vec::new();
    let mut skipped = 0usize;
    for file in &args.files {
        let path = std::fs::canonicalize(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let fp = db::fingerprint(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let path_text = path.to_string_lossy().into_owned();
        let mut stmt =
            conn.prepare_cached("SELECT size, content_hash FROM files WHERE path = ?1")?;
        let known: Vec<(i64, String)> = stmt
            .query_map([&path_text], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if known
            .iter()
            .any(|(s, h)| *s as u64 == fp.size && *h == fp.content_hash)
        {
            eprintln!(
                "pcapdig: {} is already indexed (same path and fingerprint), skipped",
                path.display()
            );
            skipped += 1;
            continue;
        }
        if !known.is_empty() {
            return Err(format!(
                "{} was indexed before but has changed since (size or content); \
                 index it into another --db or delete {}",
                path.display(),
                args.db.display()
            )
            .into());
        }
        if todo
            .iter()
            .any(|(p, _): &(PathBuf, db::Fingerprint)| *p == path)
        {
            eprintln!("pcapdig: {} given twice, indexed once", path.display());
            continue;
        }
        todo.push((path, fp));
    }
    if todo.is_empty() {
        eprintln!("pcapdig: nothing to index ({skipped} file(s) already indexed)");
        return Ok(());
    }

    let total_bytes: u64 = todo.iter().map(|(_, fp)| fp.size).sum();
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total_bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };

    // Filling an empty table, the secondary indexes are built at the end
    // (sorted) instead of row by row; otherwise (or after a run that was
    // interrupted meanwhile) they are made sure to be there.
    {
        let tx = conn.transaction()?;
        let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM sessions)", [], |r| {
            r.get(0)
        })?;
        if empty {
            db::drop_session_indexes(&tx)?;
        } else {
            db::create_session_indexes(&tx)?;
        }
        tx.commit()?;
    }

    let run_id: i64 = {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        conn.execute(
            "INSERT INTO runs (started_ns, complete) VALUES (?1, 0)",
            [now],
        )?;
        conn.last_insert_rowid()
    };

    let mut table = FlowTable::new();
    let mut totals = Totals::default();
    let mut done_bytes = 0u64;
    let mut file_ids = Vec::new();
    let mut unreadable = 0usize;
    for (seq, (path, fp)) in todo.iter().enumerate() {
        let reader = match CaptureReader::open(path) {
            Ok(r) => r,
            Err(e) => {
                bar.suspend(|| eprintln!("pcapdig: {e}; file skipped"));
                unreadable += 1;
                done_bytes += fp.size;
                continue;
            }
        };
        let tx = conn.transaction()?;
        let file_id = index_file(
            &tx,
            run_id,
            seq,
            path,
            reader,
            fp,
            filter.as_ref(),
            &mut table,
            &mut totals,
            &bar,
            done_bytes,
        )?;
        file_ids.push(file_id);
        tx.commit()?;
        done_bytes += fp.size;
        bar.set_position(done_bytes);
    }
    // Sessions still live at the end of the last file.
    let tx = conn.transaction()?;
    table.finish_all();
    let rest: Vec<Session> = table.drain_finished().collect();
    write_sessions(&tx, run_id, &rest, &mut totals)?;
    db::create_session_indexes(&tx)?;
    tx.execute("UPDATE runs SET complete = 1 WHERE id = ?1", [run_id])?;
    tx.commit()?;
    bar.finish_and_clear();

    let stats = table.stats();
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "pcapdig: indexed {} file(s) ({} skipped) into {}: {} packets ({} indexed, {} filtered out, {} non-IP), {} sessions, {} damaged records, {:.2}s, {:.0} packets/s",
        todo.len() - unreadable,
        skipped,
        args.db.display(),
        totals.packets,
        stats.packets,
        totals.filtered,
        stats.non_ip_packets,
        totals.sessions,
        totals.damaged,
        elapsed,
        totals.packets as f64 / elapsed.max(1e-9),
    );
    if unreadable > 0 {
        return Err(
            format!("{unreadable} file(s) could not be read as captures (see above)").into(),
        );
    }
    Ok(())
}

#[derive(Default)]
struct Totals {
    packets: u64,
    filtered: u64,
    damaged: u64,
    sessions: u64,
}

#[allow(clippy::too_many_arguments)]
fn index_file(
    tx: &Transaction<'_>,
    run_id: i64,
    seq: usize,
    path: &std::path::Path,
    mut reader: CaptureReader,
    fp: &db::Fingerprint,
    filter: Option<&Filter>,
    table: &mut FlowTable,
    totals: &mut Totals,
    bar: &indicatif::ProgressBar,
    base: u64,
) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
    let (format, precision, endian) = match reader.format() {
        Format::Pcap(h) => (
            "pcap",
            Some(h.encoding.precision.to_string()),
            Some(format!("{:?}", h.encoding.endian).to_lowercase()),
        ),
        Format::Pcapng(s) => (
            "pcapng",
            None,
            Some(format!("{:?}", s.endian).to_lowercase()),
        ),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO files (run_id, seq, path, name, size, mtime_ns, content_hash, format, precision, endian)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            run_id,
            seq as i64,
            path.to_string_lossy(),
            name,
            fp.size as i64,
            fp.mtime_ns,
            fp.content_hash,
            format,
            precision,
            endian
        ],
    )?;
    let file_id =
        u32::try_from(tx.last_insert_rowid()).map_err(|_| "too many files in the index")?;

    let mut walk = FileWalk {
        tx,
        run_id,
        file_id,
        pcapng: format == "pcapng",
        filter,
        table,
        totals,
        dissector: minimal_dissector(),
        packets: 0,
        first_ts: None,
        last_ts: None,
        linktype: None,
        pcapng_fine: false,
        pending: Vec::with_capacity(BATCH),
    };
    let framing_lost = || {
        bar.suspend(|| {
            eprintln!(
                "pcapdig: {}: framing lost, rest of the file skipped",
                path.display()
            )
        })
    };
    // pcapng: where its section headers and interface descriptions are,
    // for carving its records later by offset.
    let context: Option<Vec<u64>>;
    if let Some(mut records) = reader.records() {
        // A file in memory: its records outlive the loop, so one
        // `Dissection` is built once and refilled per packet.
        let mut d = Dissection::new(0, &[]);
        loop {
            match records.next_record() {
                Ok(Some(rec)) => {
                    d.reset(rec.linktype.0, rec.data);
                    walk.record(&rec, &mut d)?;
                }
                Ok(None) => break,
                Err(e) => {
                    walk.damaged(bar, &e);
                    if records.is_done() {
                        framing_lost();
                        break;
                    }
                    continue;
                }
            }
            if walk.packets.is_multiple_of(4096) {
                bar.set_position(base + records.position());
            }
        }
        context = records.pcapng_context().map(<[u64]>::to_vec);
    } else {
        loop {
            match reader.next_record() {
                Ok(Some(rec)) => {
                    // Built in place and dissected into: returning a
                    // `Dissection` by value copies the whole (large) struct.
                    let mut d = Dissection::new(rec.linktype.0, rec.data);
                    walk.record(&rec, &mut d)?;
                }
                Ok(None) => break,
                Err(e) => {
                    walk.damaged(bar, &e);
                    if reader.is_done() {
                        framing_lost();
                        break;
                    }
                    continue;
                }
            }
            if walk.packets.is_multiple_of(4096) {
                bar.set_position(base + reader.position());
            }
        }
        context = reader.pcapng_context().map(<[u64]>::to_vec);
    }
    walk.flush_pending()?;
    let FileWalk {
        packets,
        first_ts,
        last_ts,
        linktype,
        pcapng_fine,
        ..
    } = walk;
    totals.packets += packets;
    let done: Vec<Session> = table.drain_finished().collect();
    write_sessions(tx, run_id, &done, totals)?;
    let precision = match (format, precision) {
        ("pcapng", _) => Some(if pcapng_fine { "nano" } else { "micro" }.to_string()),
        (_, p) => p,
    };
    let context = context.map(|offsets| db::encode_offsets(&offsets));
    tx.execute(
        "UPDATE files SET linktype = ?2, first_ts = ?3, last_ts = ?4, packets = ?5, precision = ?6,
            context = ?7 WHERE id = ?1",
        params![
            file_id,
            linktype,
            first_ts,
            last_ts,
            packets as i64,
            precision,
            context
        ],
    )?;
    Ok(file_id)
}

/// The state of indexing one file, shared by its two record loops.
struct FileWalk<'w, 't> {
    tx: &'w Transaction<'t>,
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
    last_ts: Option<i64>,
    linktype: Option<u16>,
    /// A pcapng timestamp finer than microseconds was seen.
    pcapng_fine: bool,
    /// Packets for the flow table, handed over [`BATCH`] at a time once
    /// it has many sessions (`FlowTable::prefers_batches`).
    pending: Vec<Pending>,
}

impl FileWalk<'_, '_> {
    /// Counts and reports a damaged record.
    fn damaged(&mut self, bar: &indicatif::ProgressBar, e: &pcap_core::Error) {
        self.totals.damaged += 1;
        bar.suspend(|| eprintln!("pcapdig: damaged record: {e}"));
    }

    /// Dissects `rec` into `d` (empty, of `rec`'s bytes) and hands the
    /// packet to the flow table unless the filter drops it; writes the
    /// sessions that finish.
    #[inline]
    fn record<'a>(&mut self, rec: &Record<'a>, d: &mut Dissection<'a>) -> rusqlite::Result<()> {
        self.packets += 1;
        let ts_ns = db::ts_to_ns(rec.ts.secs, rec.ts.nanos);
        self.first_ts = Some(self.first_ts.map_or(ts_ns, |t| t.min(ts_ns)));
        self.last_ts = Some(self.last_ts.map_or(ts_ns, |t| t.max(ts_ns)));
        self.linktype.get_or_insert(rec.linktype.0);
        if self.pcapng && !rec.ts.nanos.is_multiple_of(1000) {
            self.pcapng_fine = true;
        }
        d.summary.wire_len = rec.origlen;
        self.dissector.dissect_into(d);
        let summary = &d.summary;
        if let Some(f) = self.filter
            && !f.matches(summary)
        {
            self.totals.filtered += 1;
            return Ok(());
        }
        let ts = flow::Timestamp::new(rec.ts.secs, rec.ts.nanos);
        let loc = Location::new(self.file_id, rec.offset);
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

fn write_sessions(
    tx: &Transaction<'_>,
    run_id: i64,
    sessions: &[Session],
    totals: &mut Totals,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO sessions (run_id, community_id, proto, ip_version, src_ip, dst_ip, sport, dport, vlan,
            first_ts, last_ts, packets, bytes, packets_to_server, bytes_to_server, payload_to_server,
            packets_to_client, bytes_to_client, payload_to_client, tcp_flags, end_reason,
            first_file, last_file, files)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24)",
    )?;
    let mut locations =
        tx.prepare_cached("INSERT INTO session_locations (session_id, locations) VALUES (?1, ?2)")?;
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
        let end = s.end.map(|e| match e {
            EndReason::Idle => "idle",
            EndReason::TcpClosed => "tcp-closed",
            EndReason::PortReuse => "port-reuse",
            EndReason::Flushed => "end-of-capture",
        });
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
            s.tcp_flags,
            end,
            files.first().copied().unwrap_or(0),
            files.last().copied().unwrap_or(0),
            files_text,
        ])?;
        locations.execute(params![tx.last_insert_rowid(), s.locations.as_bytes()])?;
        totals.sessions += 1;
    }
    Ok(())
}

/// Reads layers 2–4 of a packet captured with `linktype` with the
/// `protocols` dissector: its summary (without `wire_len`) and its
/// transport payload (TCP/UDP data as far as captured).
pub fn summarize<'a>(
    dissector: &Dissector,
    linktype: u16,
    data: &'a [u8],
) -> (PacketSummary, &'a [u8]) {
    let d = dissector.dissect(linktype, data);
    (d.summary, d.payload)
}

/// A dissector reading just what flows and filters need: no header is
/// parsed into a [`Dissection`]'s layers, the summary is filled from the
/// layers' views, and the walk stops after the transport header.
pub fn minimal_dissector() -> Dissector {
    Dissector::new(Config::for_needs(Needs::FLOW))
}
