//! `pcapdig index`: sessions of one or more consecutive capture files into
//! SQLite (schema in [`crate::db`]; inputs in [`crate::inputs`]).
//!
//! # One run, one transaction
//!
//! A run is one SQLite write transaction (`BEGIN IMMEDIATE`, see
//! [`db::begin_write`]): while it goes, no other `pcapdig index` can write
//! the same database (a second one fails at once, or waits with
//! `--wait SECONDS`), readers (`sessions`, `carve`) see the database as it
//! was before the run, and the run's files and sessions appear together
//! when it commits. A run that fails or is killed leaves nothing: there is
//! nothing to clean up, and the next run simply indexes those files.
//!
//! # Idempotency policy
//!
//! A file is identified by its canonical path; what it holds, by its size
//! and `content_hash` (of every byte, computed while it is indexed: see
//! [`crate::content_hash`]).
//!
//! * A file already indexed under the same path, of the same size, is
//!   hashed again in full: same hash and same filter, it is skipped ("already
//!   indexed"): indexing the same files again changes nothing.
//! * Same path but another size or hash: refused (the file changed since
//!   it was indexed). Same content but indexed with another `--filter`:
//!   refused too, saying which filter it was indexed with.
//! * `--reindex` indexes such files again: the old `files` row and every
//!   session with a packet in it are deleted first (in the same
//!   transaction). A session that also had packets in another file (the
//!   file was a part of a multi-file capture) is deleted whole: its
//!   packets in the other parts are then in no session; a warning names
//!   those parts, to be given again together (with `--reindex`) to restore
//!   them.
//! * The remaining files of a group are one consecutive capture (one flow
//!   table across them). When some files of a set were indexed before
//!   and others are new, sessions crossing from an old file into a new one
//!   are split at that boundary.
//! * Into an empty `sessions` table, the secondary indexes of `sessions`
//!   are dropped during the run and built at its end (much faster than
//!   inserting into them row by row), all inside the run's transaction.
//! * A file that cannot be read as a capture at all is reported and
//!   skipped (not recorded; the exit status is then 1); a damaged record is
//!   reported (file, offset, what) and reading goes on unless the framing
//!   is lost, in which case the rest of that file is skipped.
//! * Records of a link type the dissector does not decode (802.11, PPP...)
//!   are counted apart and warned about; consecutive parts whose first
//!   record is older than the previous part's last get a warning (given in
//!   the wrong order?).
//!
//! # Dissection
//!
//! Layers 2–4 are read by the `protocols` dissector with
//! `Config::for_needs(Needs::FLOW)`: no header is parsed into the
//! dissection, the packet summary (addresses, ports, protocol, VLAN IDs,
//! TCP flags and sequence numbers) is filled from the layers' lazy views,
//! and the walk stops after the transport header. The filter
//! (`--filter`, `--filter-file`) is applied to each packet's summary and
//! frame before it reaches the flow table: sessions then hold only
//! matching packets. Each packet's location carries the
//! [`db::record_hash`] of its record (16 bits stored per record, all 64
//! folded per session), which `carve` checks; the records
//! of a file of 1 MiB or more are hashed by a second thread walking the
//! file ahead of the indexing walk ([`crate::hash_ahead`]).
//!
//! A compressed capture (gzip, zstd) is walked once as a stream instead
//! ([`stream`]): same records at the same (uncompressed) offsets.

mod stream;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pcap_core::capture::{CaptureReader, Format, LinkType, Record};
use pcap_core::filter::{Filter, Needs, ip_to_blob};
use pcap_core::flow::{self, EndReason, FlowTable, Location, Pending, Session};
use protocols::{Config, Dissection, Dissector};
use rusqlite::{Connection, params};

use crate::content_hash::file_content_hash;
use crate::db;
use crate::hash_ahead;
use crate::inputs;

/// Arguments of `pcapdig index`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture files (pcap or pcapng), in capture order: files given
    /// together are one consecutive capture. With --recursive, directories
    /// too.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The index database (created if missing).
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// Index only packets matching this expression (pcap-filter(7) syntax:
    /// `and`/`or` of equal precedence, left to right). Unlike tcpdump,
    /// filters look through VLAN tags: `host 10.0.0.1` also matches tagged
    /// frames, without `vlan and`.
    #[arg(long)]
    pub filter: Option<String>,
    /// Index only packets with an address in this file (one address or CIDR
    /// per line); combined with --filter by `and`.
    #[arg(long)]
    pub filter_file: Option<PathBuf>,
    /// Index the capture files (by magic number) in the directories given,
    /// walked sorted by name; each file is a capture of its own unless
    /// --parts.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Everything given, directories' files included, is one consecutive
    /// capture cut into parts.
    #[arg(long)]
    pub parts: bool,
    /// Index again files already indexed that changed or were indexed with
    /// another filter: their old sessions are replaced.
    #[arg(long)]
    pub reindex: bool,
    /// If another `pcapdig index` is writing the database, wait at most
    /// this long for it (default: fail at once).
    #[arg(long, value_name = "SECONDS")]
    pub wait: Option<f64>,
}

/// How many finished sessions are buffered before they are written.
const FLUSH_EVERY: usize = 512;

/// How many packets go to the flow table at a time (see
/// `FlowTable::push_batch`: it requests their sessions' memory ahead).
const BATCH: usize = 64;

/// A file to index.
struct Todo {
    path: PathBuf,
    fp: db::Fingerprint,
}

/// Runs the subcommand.
pub fn run(args: Args) -> crate::CliResult {
    let started = Instant::now();
    let mut filter = match &args.filter {
        Some(text) => Some(Filter::parse_for_packets(text).map_err(|e| format!("--filter: {e}"))?),
        None => None,
    };
    if let Some(path) = &args.filter_file {
        let f = Filter::from_file(path).map_err(|e| format!("--filter-file: {e}"))?;
        filter = Some(match filter {
            Some(g) => g.and(f),
            None => f,
        });
    }
    let filter_desc = filter.as_ref().map(|f| db::filter_text(&f.to_string()));
    let wait = match args.wait {
        None => None,
        Some(w) => Some(
            Duration::try_from_secs_f64(w)
                .map_err(|_| format!("--wait {w}: expected a number of seconds"))?,
        ),
    };
    // Before the database is even opened: a pipe must not block us.
    let inputs = inputs::collect(&args.files, args.recursive, args.parts)?;
    if inputs.skipped_other > 0 {
        eprintln!(
            "pcapdig: {} file(s) in the directories given are not captures (no pcap/pcapng magic number), skipped",
            inputs.skipped_other
        );
    }

    let conn = db::open(&args.db, true)?;
    let tx = db::begin_write(&conn, &args.db, wait)?;
    let at = |e: rusqlite::Error| -> Box<dyn std::error::Error + Send + Sync> {
        format!("{}: {e}", args.db.display()).into()
    };

    // Decide which files to index (under the write lock: nobody else is
    // deciding the same at the same time).
    let mut groups: Vec<Vec<Todo>> = Vec::new();
    let mut replace: Vec<i64> = Vec::new();
    let mut skipped = 0usize;
    let mut seen = std::collections::HashSet::new();
    for group in &inputs.groups {
        let mut todo = Vec::new();
        for path in group {
            if !seen.insert(path.clone()) {
                eprintln!("pcapdig: {} given twice, indexed once", path.display());
                continue;
            }
            let fp = db::fingerprint(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let known = known_rows(&tx, path).map_err(at)?;
            if known.is_empty() {
                todo.push(Todo {
                    path: path.clone(),
                    fp,
                });
                continue;
            }
            if args.reindex {
                replace.extend(known.iter().map(|k| k.id));
                todo.push(Todo {
                    path: path.clone(),
                    fp,
                });
                continue;
            }
            check_known(path, &fp, &known, filter_desc.as_deref(), &args.db)?;
            eprintln!(
                "pcapdig: {} is already indexed (same path and content), skipped",
                path.display()
            );
            skipped += 1;
        }
        if !todo.is_empty() {
            groups.push(todo);
        }
    }
    if groups.is_empty() {
        eprintln!("pcapdig: nothing to index ({skipped} file(s) already indexed)");
        return Ok(());
    }
    if !replace.is_empty() {
        remove_files(&tx, &replace).map_err(at)?;
    }

    let total_bytes: u64 = groups.iter().flatten().map(|t| t.fp.size).sum();
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
    // (sorted) instead of row by row.
    let empty: bool = tx
        .query_row("SELECT NOT EXISTS (SELECT 1 FROM sessions)", [], |r| {
            r.get(0)
        })
        .map_err(at)?;
    if empty {
        db::drop_session_indexes(&tx).map_err(at)?;
    }
    let run_id: i64 = {
        tx.execute("INSERT INTO runs (started_ns) VALUES (?1)", [now_ns()])
            .map_err(at)?;
        tx.last_insert_rowid()
    };

    let mut totals = Totals::default();
    let mut done_bytes = 0u64;
    let mut unreadable = 0usize;
    let mut indexed_files = 0usize;
    let mut seq = 0usize;
    let ctx = RunCtx {
        tx: &tx,
        run_id,
        filter: filter.as_ref(),
        filter_desc: filter_desc.as_deref(),
        bar: &bar,
    };
    for group in &groups {
        let mut table = FlowTable::new();
        // The previous part's name and last record time.
        let mut previous: Option<(&Path, i64)> = None;
        for todo in group {
            let reader = match CaptureReader::open(&todo.path) {
                Ok(r) => r,
                Err(e) => {
                    bar.suspend(|| eprintln!("pcapdig: {e}; file skipped"));
                    unreadable += 1;
                    done_bytes += todo.fp.size;
                    continue;
                }
            };
            let times = index_file(&ctx, seq, todo, reader, &mut table, &mut totals, done_bytes)?;
            seq += 1;
            indexed_files += 1;
            if let (Some((prev, prev_last)), Some((first, _))) = (previous, times)
                && first < prev_last
            {
                bar.suspend(|| {
                    eprintln!(
                        "pcapdig: warning: {} starts at {}, before the end of the previous part {} ({}): \
                         parts given in the wrong order? (sessions across them may have client and server swapped)",
                        todo.path.display(),
                        db::ns_to_string(first),
                        prev.display(),
                        db::ns_to_string(prev_last)
                    )
                });
            }
            if let Some((_, last)) = times {
                previous = Some((&todo.path, last));
            }
            done_bytes += todo.fp.size;
            bar.set_position(done_bytes);
        }
        // Sessions still live at the end of the group's last file.
        table.finish_all();
        let rest: Vec<Session> = table.drain_finished().collect();
        write_sessions(&tx, run_id, &rest, &mut totals).map_err(at)?;
        let stats = table.stats();
        totals.non_ip += stats.non_ip_packets;
        totals.indexed += stats.packets - stats.non_ip_packets;
    }
    db::create_session_indexes(&tx).map_err(at)?;
    tx.execute(
        "UPDATE runs SET finished_ns = ?2 WHERE id = ?1",
        params![run_id, now_ns()],
    )
    .map_err(at)?;
    tx.commit().map_err(at)?;
    db::checkpoint(&conn);
    bar.finish_and_clear();

    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "pcapdig: indexed {} file(s) ({} skipped) into {}: {} packets ({} indexed, {} filtered out, {} non-IP, {} of unsupported link types), {} sessions, {} damaged records, {:.2}s, {:.0} packets/s",
        indexed_files,
        skipped,
        args.db.display(),
        totals.packets,
        totals.indexed,
        totals.filtered,
        totals.non_ip,
        totals.unsupported.values().sum::<u64>(),
        totals.sessions,
        totals.damaged,
        elapsed,
        totals.packets as f64 / elapsed.max(1e-9),
    );
    for (lt, n) in &totals.unsupported {
        let name = LinkType(*lt).name().unwrap_or("unknown");
        if totals.sessions == 0 {
            eprintln!(
                "pcapdig: warning: 0 sessions: link type {lt} ({name}) is not supported ({n} record(s))"
            );
        } else {
            eprintln!(
                "pcapdig: warning: {n} record(s) of link type {lt} ({name}) are in no session: that link type is not supported"
            );
        }
    }
    if unreadable > 0 {
        return Err(
            format!("{unreadable} file(s) could not be read as captures (see above)").into(),
        );
    }
    Ok(())
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A `files` row already recorded for a path.
struct Known {
    id: i64,
    size: i64,
    content_hash: String,
    filter: Option<String>,
}

fn known_rows(conn: &Connection, path: &Path) -> rusqlite::Result<Vec<Known>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, size, content_hash, filter FROM files WHERE path = ?1")?;
    stmt.query_map([db::path_to_blob(path)], |r| {
        Ok(Known {
            id: r.get(0)?,
            size: r.get(1)?,
            content_hash: r.get(2)?,
            filter: r.get(3)?,
        })
    })?
    .collect()
}

/// Checks that the file at `path`, indexed before (`known`), is unchanged
/// and given with the same filter; the error says what differs.
fn check_known(
    path: &Path,
    fp: &db::Fingerprint,
    known: &[Known],
    filter: Option<&str>,
    db_path: &Path,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let changed = |what: String| -> Box<dyn std::error::Error + Send + Sync> {
        format!(
            "{} has changed since it was indexed into {} ({what}); give --reindex to index it \
             again (its sessions are replaced), or index it into another --db",
            path.display(),
            db_path.display()
        )
        .into()
    };
    let same_size: Vec<&Known> = known.iter().filter(|k| k.size as u64 == fp.size).collect();
    let Some(first) = known.first() else {
        return Ok(());
    };
    if same_size.is_empty() {
        return Err(changed(format!(
            "size {} bytes, now {}",
            first.size, fp.size
        )));
    }
    let hash = file_content_hash(path)?;
    let Some(k) = same_size.iter().find(|k| k.content_hash == hash) else {
        return Err(changed("same size, but its content differs".into()));
    };
    if k.filter.as_deref() != filter {
        let show = |f: Option<&str>| match f {
            Some(f) => format!("--filter '{f}'"),
            None => "no filter".to_string(),
        };
        return Err(format!(
            "{} was indexed into {} with {} and is now given with {}; give --reindex to index it \
             again with the new filter (its sessions are replaced), or use another --db",
            path.display(),
            db_path.display(),
            show(k.filter.as_deref()),
            show(filter)
        )
        .into());
    }
    Ok(())
}

/// Deletes the `files` rows `ids` and every session with a packet in one
/// of them; warns about sessions that also had packets in other files.
fn remove_files(tx: &Connection, ids: &[i64]) -> rusqlite::Result<()> {
    let mut doomed: Vec<i64> = Vec::new();
    let mut others: std::collections::BTreeSet<i64> = std::collections::BTreeSet::new();
    {
        let mut stmt = tx
            .prepare("SELECT id, files FROM sessions WHERE first_file <= ?1 AND last_file >= ?1")?;
        for &fid in ids {
            let rows =
                stmt.query_map([fid], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (sid, files) = row?;
                let list: Vec<i64> = files.split(',').filter_map(|f| f.parse().ok()).collect();
                if list.contains(&fid) {
                    doomed.push(sid);
                    others.extend(list.into_iter().filter(|f| !ids.contains(f)));
                }
            }
        }
    }
    doomed.sort_unstable();
    doomed.dedup();
    {
        let mut del_loc = tx.prepare("DELETE FROM session_locations WHERE session_id = ?1")?;
        let mut del_vlan = tx.prepare("DELETE FROM session_vlans WHERE session_id = ?1")?;
        let mut del = tx.prepare("DELETE FROM sessions WHERE id = ?1")?;
        for &sid in &doomed {
            del_loc.execute([sid])?;
            del_vlan.execute([sid])?;
            del.execute([sid])?;
        }
    }
    for &fid in ids {
        tx.execute("DELETE FROM files WHERE id = ?1", [fid])?;
    }
    if !others.is_empty() {
        let mut names = Vec::new();
        let mut stmt = tx.prepare("SELECT path FROM files WHERE id = ?1")?;
        for fid in others {
            let p: Vec<u8> = stmt.query_row([fid], |r| r.get(0))?;
            names.push(db::blob_to_path(&p).display().to_string());
        }
        eprintln!(
            "pcapdig: warning: sessions replaced also had packets in {}; their packets there are \
             in no session now: give those files again together with --reindex to restore them",
            names.join(", ")
        );
    }
    Ok(())
}

/// What every file of a run shares.
struct RunCtx<'a> {
    tx: &'a Connection,
    run_id: i64,
    filter: Option<&'a Filter>,
    filter_desc: Option<&'a str>,
    bar: &'a indicatif::ProgressBar,
}

#[derive(Default)]
struct Totals {
    /// Records read.
    packets: u64,
    /// IP packets that went into sessions.
    indexed: u64,
    /// Dropped by the filter.
    filtered: u64,
    /// Neither IPv4 nor IPv6.
    non_ip: u64,
    /// Records of link types the dissector does not decode, by link type.
    unsupported: BTreeMap<u16, u64>,
    damaged: u64,
    sessions: u64,
}

/// Whether the dissector decodes link type `lt`.
fn linktype_supported(lt: u16) -> bool {
    protocols::dissect::DECODED_LINK_TYPES.contains(&LinkType(lt))
}

/// Indexes one file into `ctx.tx`; returns the time of its first record
/// and the latest time of its records (`None` if it has none).
fn index_file(
    ctx: &RunCtx<'_>,
    seq: usize,
    todo: &Todo,
    reader: CaptureReader,
    table: &mut FlowTable,
    totals: &mut Totals,
    base: u64,
) -> Result<Option<(i64, i64)>, Box<dyn std::error::Error + Send + Sync>> {
    let path = todo.path.as_path();
    let tx = ctx.tx;
    let at = |e: rusqlite::Error| -> Box<dyn std::error::Error + Send + Sync> {
        format!("{}: {e}", path.display()).into()
    };
    // `index` takes regular files, which are memory-mapped (compressed
    // ones are streamed); one that cannot be is read into memory.
    let reader = if reader.bytes().is_some() || reader.compression().is_some() {
        reader
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        CaptureReader::from_bytes(bytes, &path.to_string_lossy())?
    };
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
            format,
            precision,
            endian
        ],
    )
    .map_err(at)?;
    let file_id =
        u32::try_from(tx.last_insert_rowid()).map_err(|_| "too many files in the index")?;

    let mut walk = FileWalk {
        tx,
        run_id: ctx.run_id,
        file_id,
        pcapng: format == "pcapng",
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
    let bar = ctx.bar;
    let framing_lost = || {
        bar.suspend(|| {
            eprintln!(
                "pcapdig: {}: framing lost, rest of the file skipped",
                path.display()
            )
        })
    };
    let (size, content_hash, context) = if reader.compression().is_some() {
        stream::walk(reader, &mut walk, path, bar, todo.fp.size)?
    } else {
        let (Some(bytes), Some(mut records), Some(ahead)) =
            (reader.bytes(), reader.records(), reader.records())
        else {
            return Err(format!("{}: cannot read the file into memory", path.display()).into());
        };
        let size = bytes.len() as u64;
        // Each record's hash (its digest, and from them the file's hash: see
        // `crate::content_hash`) comes from a second thread walking the same
        // records ahead of this walk (`crate::hash_ahead`), or inline for a
        // small file.
        let (walked, content_hash) = hash_ahead::with_hashes(
            bytes,
            ahead,
            hash_ahead::Mode::for_file(bytes.len()),
            |hashes| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
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
        ("pcapng", _) => Some(if pcapng_fine { "nano" } else { "micro" }.to_string()),
        (_, p) => p,
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
            precision,
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
    /// Counts and reports a damaged record.
    fn damaged(&mut self, bar: &indicatif::ProgressBar, e: &pcap_core::Error) {
        self.totals.damaged += 1;
        bar.suspend(|| eprintln!("pcapdig: damaged record: {e}"));
    }

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
        if !linktype_supported(rec.linktype.0) {
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
        let ts = flow::Timestamp::new(rec.ts.secs, rec.ts.nanos);
        let loc = Location::with_digest(self.file_id, rec.offset, hash);
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
