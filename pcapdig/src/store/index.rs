//! Indexing: sessions of one or more consecutive capture files into the
//! store (schema in [`super::schema`]; `pcapdig index` collects its inputs
//! with `crate::inputs`).
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
//! `super::content_hash`).
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
//! file ahead of the indexing walk (`super::hash_ahead`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_core::capture::LinkType;
use pcap_core::filter::Filter;
use rusqlite::{Connection, params};

use super::content_hash::file_content_hash;
use super::notice::Notice;
use super::pipeline::{self, Writer};
use super::schema as db;
use super::walk::{Counts, Planned, walk_group};
use super::{SessionStore, StoreError};

pub use super::walk::minimal_dissector;

/// How files are indexed ([`Default`]: every packet, metadata on).
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Index only packets matching this filter (recorded with each file:
    /// a file indexed with another filter is refused unless `reindex`).
    pub filter: Option<Filter>,
    /// Index again files already indexed that changed or were indexed
    /// with another filter: their old sessions are replaced.
    pub reindex: bool,
    /// If another run is writing the database, wait at most this long for
    /// it (`None` or zero: fail at once).
    pub wait: Option<Duration>,
    /// Extract each session's metadata (TLS server names and
    /// fingerprints, DNS queries, HTTP heads: `protocols::meta`) into
    /// `session_meta`.
    pub meta: bool,
    /// Read and dissect on one thread while the database is written on
    /// another (when more than one CPU is available): the database is the
    /// same either way, byte for byte in its rows (`super::pipeline`).
    pub pipeline: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            filter: None,
            reindex: false,
            wait: None,
            meta: true,
            pipeline: true,
        }
    }
}

/// What an index run tells its caller as it goes: notices, and progress
/// in bytes of the files to read (for a progress bar). Every method has
/// a default that does nothing.
pub trait IndexEvents {
    /// Something to tell the user (also kept in [`IndexReport::notices`]).
    fn notice(&mut self, _notice: &Notice) {}
    /// The run is about to read `_total_bytes` of files.
    fn start(&mut self, _total_bytes: u64) {}
    /// `_done_bytes` of them are read.
    fn progress(&mut self, _done_bytes: u64) {}
    /// The run is committed (or failed); the progress display can go.
    fn finish(&mut self) {}
}

/// Events nobody listens to.
struct Quiet;

impl IndexEvents for Quiet {}

/// What an index run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexReport {
    /// Files indexed.
    pub files_indexed: usize,
    /// Files skipped as already indexed.
    pub files_skipped: usize,
    /// Files that could not be read as captures (not recorded).
    pub files_unreadable: usize,
    /// Records read.
    pub packets: u64,
    /// IP packets that went into sessions.
    pub indexed: u64,
    /// Packets the filter dropped.
    pub filtered: u64,
    /// Packets neither IPv4 nor IPv6.
    pub non_ip: u64,
    /// Records of link types the dissector does not decode, by link type.
    pub unsupported: BTreeMap<LinkType, u64>,
    /// Damaged records.
    pub damaged: u64,
    /// Sessions written.
    pub sessions: u64,
    /// Everything said along the way, in order.
    pub notices: Vec<Notice>,
}

/// Hands notices to the caller's events and keeps them for the report.
pub(super) struct Reporter<'e> {
    pub(super) events: &'e mut dyn IndexEvents,
    notices: Vec<Notice>,
}

impl Reporter<'_> {
    pub(super) fn notice(&mut self, n: Notice) {
        self.events.notice(&n);
        self.notices.push(n);
    }
}

/// A file to index.
pub(super) struct Todo {
    pub(super) path: PathBuf,
    pub(super) fp: db::Fingerprint,
}

impl SessionStore {
    /// Indexes `groups` of capture files, each group one consecutive
    /// capture cut into parts, in order (one flow table across them), in
    /// one transaction: its sessions appear all at once when it completes,
    /// and a failed run leaves nothing behind. Files already indexed with
    /// the same path, content and filter are skipped; changed ones are
    /// refused unless [`IndexOptions::reindex`]. A file that cannot be
    /// read as a capture is skipped and counted
    /// ([`IndexReport::files_unreadable`]). Needs a store opened with
    /// [`open`](Self::open).
    pub fn index(
        &mut self,
        groups: &[Vec<PathBuf>],
        opts: &IndexOptions,
    ) -> Result<IndexReport, StoreError> {
        self.index_with(groups, opts, &mut Quiet)
    }

    /// [`index`](Self::index), telling `events` what happens as it goes.
    pub fn index_with(
        &mut self,
        groups: &[Vec<PathBuf>],
        opts: &IndexOptions,
        events: &mut dyn IndexEvents,
    ) -> Result<IndexReport, StoreError> {
        if !self.writable {
            return Err(format!("{}: opened read-only, cannot index", self.path.display()).into());
        }
        let mut report = Reporter {
            events,
            notices: Vec::new(),
        };
        let result = self.run(groups, opts, &mut report);
        report.events.finish();
        let mut out = result?;
        out.notices = report.notices;
        Ok(out)
    }

    /// The run of [`index_with`](Self::index_with).
    fn run(
        &mut self,
        inputs: &[Vec<PathBuf>],
        opts: &IndexOptions,
        report: &mut Reporter<'_>,
    ) -> Result<IndexReport, StoreError> {
        let filter = opts.filter.as_ref();
        let filter_desc = filter.map(|f| db::filter_text(&f.to_string()));
        let db_path = self.path.as_path();
        let tx = db::begin_write(&self.conn, db_path, opts.wait, &mut |wait| {
            report.notice(Notice::Waiting {
                wait,
                db: db_path.to_path_buf(),
            })
        })?;
        let at =
            |e: rusqlite::Error| -> StoreError { format!("{}: {e}", db_path.display()).into() };
        let mut out = IndexReport::default();

        // Decided under the write lock: nobody else is deciding the same
        // at the same time.
        let Plan { groups, replace } = plan(
            &tx,
            inputs,
            opts.reindex,
            filter_desc.as_deref(),
            db_path,
            report,
            &mut out,
        )?;
        if groups.is_empty() {
            return Ok(out);
        }
        if !replace.is_empty() {
            let others = remove_files(&tx, &replace).map_err(at)?;
            if !others.is_empty() {
                report.notice(Notice::ReplacedElsewhere(others));
            }
        }

        let total_bytes: u64 = groups.iter().flatten().map(|t| t.fp.size).sum();
        report.events.start(total_bytes);

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

        // Each file's id and position are fixed here, before any walk:
        // they do not depend on the order threads get to them.
        let first_id: i64 = tx
            .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM files", [], |r| {
                r.get(0)
            })
            .map_err(at)?;
        let mut planned: Vec<Vec<Planned<'_>>> = Vec::with_capacity(groups.len());
        let (mut seq, mut base) = (0usize, 0u64);
        for group in &groups {
            let mut files = Vec::with_capacity(group.len());
            for todo in group {
                let id = u32::try_from(first_id + seq as i64)
                    .map_err(|_| "too many files in the index")?;
                files.push(Planned {
                    todo,
                    id,
                    seq,
                    base,
                });
                seq += 1;
                base += todo.fp.size;
            }
            planned.push(files);
        }
        let mut writer = Writer {
            tx: &tx,
            run_id,
            filter_desc: filter_desc.as_deref(),
            db_path,
            report,
            sessions: 0,
        };
        let threaded = pipeline::use_threads(opts.pipeline);
        let mut counts = Counts::default();
        for files in &planned {
            let walked = pipeline::run(&mut writer, threaded, |sink| {
                walk_group(files, filter, opts.meta, sink)
            })?;
            counts.add(walked);
        }
        let sessions = writer.sessions;
        out.files_indexed = counts.files;
        out.files_unreadable = counts.unreadable;
        db::create_session_indexes(&tx).map_err(at)?;
        tx.execute(
            "UPDATE runs SET finished_ns = ?2 WHERE id = ?1",
            params![run_id, now_ns()],
        )
        .map_err(at)?;
        tx.commit().map_err(at)?;
        db::checkpoint(&self.conn);

        out.packets = counts.packets;
        out.indexed = counts.indexed;
        out.filtered = counts.filtered;
        out.non_ip = counts.non_ip;
        out.unsupported = counts
            .unsupported
            .iter()
            .map(|(&lt, &n)| (LinkType(lt), n))
            .collect();
        out.damaged = counts.damaged;
        out.sessions = sessions;
        Ok(out)
    }
}

/// The files of a run still to index, by group, and the `files` rows they
/// replace (with `reindex`).
struct Plan {
    groups: Vec<Vec<Todo>>,
    replace: Vec<i64>,
}

/// Decides which of `inputs` to index: a file given twice is indexed
/// once; one already indexed unchanged with the same filter is skipped
/// (counted in `out`); one changed or indexed with another filter is
/// refused, unless `reindex`.
fn plan(
    tx: &Connection,
    inputs: &[Vec<PathBuf>],
    reindex: bool,
    filter_desc: Option<&str>,
    db_path: &Path,
    report: &mut Reporter<'_>,
    out: &mut IndexReport,
) -> Result<Plan, StoreError> {
    let at = |e: rusqlite::Error| -> StoreError { format!("{}: {e}", db_path.display()).into() };
    let mut groups: Vec<Vec<Todo>> = Vec::new();
    let mut replace: Vec<i64> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for group in inputs {
        let mut todo = Vec::new();
        for path in group {
            if !seen.insert(path.clone()) {
                report.notice(Notice::GivenTwice(path.clone()));
                continue;
            }
            let fp = db::fingerprint(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let known = known_rows(tx, path).map_err(at)?;
            if !known.is_empty() && !reindex {
                check_known(path, &fp, &known, filter_desc, db_path)?;
                report.notice(Notice::AlreadyIndexed(path.clone()));
                out.files_skipped += 1;
                continue;
            }
            replace.extend(known.iter().map(|k| k.id));
            todo.push(Todo {
                path: path.clone(),
                fp,
            });
        }
        if !todo.is_empty() {
            groups.push(todo);
        }
    }
    Ok(Plan { groups, replace })
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
) -> Result<(), StoreError> {
    let changed = |what: String| -> StoreError {
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
/// of them; returns the paths of the other files such sessions also had
/// packets in (their packets there are in no session now).
fn remove_files(tx: &Connection, ids: &[i64]) -> rusqlite::Result<Vec<PathBuf>> {
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
        // Left behind, a session's metadata would pass to the next
        // session given its id.
        let mut del_meta = tx.prepare("DELETE FROM session_meta WHERE session_id = ?1")?;
        let mut del = tx.prepare("DELETE FROM sessions WHERE id = ?1")?;
        for &sid in &doomed {
            del_loc.execute([sid])?;
            del_vlan.execute([sid])?;
            del_meta.execute([sid])?;
            del.execute([sid])?;
        }
    }
    for &fid in ids {
        tx.execute("DELETE FROM files WHERE id = ?1", [fid])?;
    }
    let mut names = Vec::new();
    let mut stmt = tx.prepare("SELECT path FROM files WHERE id = ?1")?;
    for fid in others {
        let p: Vec<u8> = stmt.query_row([fid], |r| r.get(0))?;
        names.push(db::blob_to_path(&p));
    }
    Ok(names)
}
