//! The two halves of an index run and what passes between them.
//!
//! The *walk* (`super::walk`: records read, dissected, handed to the flow
//! table, metadata extracted) produces [`Msg`]s in order: a file starts,
//! sessions finish, a file ends, notices, progress. The *writer*
//! ([`Writer`], owning the run's SQLite transaction) applies them in that
//! order. With more than one CPU the walk runs on a thread of its own and
//! hands its messages over a bounded channel ([`QUEUE`] messages, each at
//! most [`super::walk`]'s batch of finished sessions), so reading and
//! dissecting one part of a capture overlaps with writing the sessions of
//! an earlier part and SQLite's index building; on one CPU (or with
//! [`IndexOptions::pipeline`](super::IndexOptions::pipeline) off) the
//! writer takes each message as it is made.
//!
//! Nothing the database receives depends on thread timing: the walk
//! decides everything (which sessions, in which order, which file ids:
//! each file's id and position are fixed by the run's plan before the
//! walk starts), and the writer applies it in the order made, so session
//! ids (SQLite rowids, given in insertion order) and every row are the
//! same either way (`tests/index_pipeline.rs` compares the two databases).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use pcap_core::flow::Session;
use protocols::meta::SessionMeta;
use rusqlite::{Connection, params};

use super::StoreError;
use super::index::Reporter;
use super::notice::Notice;
use super::rows::{FileFormat, end_reason_text, endian_text, ip_to_blob, precision_text};
use super::schema as db;

/// Messages the channel holds at most: the walk runs at most this far
/// ahead of the writer (memory stays bounded by it, not by the capture).
pub(super) const QUEUE: usize = 8;

/// A finished session and its metadata, to be written.
pub(super) struct Finished {
    pub(super) session: Session,
    pub(super) meta: Option<SessionMeta>,
}

/// The `files` row of a file the walk starts (its id fixed by the plan).
pub(super) struct FileStart {
    pub(super) id: u32,
    pub(super) seq: usize,
    pub(super) path: PathBuf,
    pub(super) fp: db::Fingerprint,
    pub(super) format: FileFormat,
    pub(super) precision: Option<pcap_core::capture::Precision>,
    pub(super) endian: pcap_core::Endian,
}

/// What a file's walk found, completing its `files` row.
pub(super) struct FileEnd {
    pub(super) id: u32,
    pub(super) linktype: Option<u16>,
    pub(super) first_ts: Option<i64>,
    pub(super) last_ts: Option<i64>,
    pub(super) packets: u64,
    pub(super) precision: pcap_core::capture::Precision,
    /// pcapng: the encoded offsets of its section headers and interfaces.
    pub(super) context: Option<Vec<u8>>,
    pub(super) content_hash: String,
    pub(super) size: u64,
}

/// One step for the writer, in the order the walk made them.
pub(super) enum Msg {
    /// Insert a file's row (before any session with packets in it).
    FileStart(Box<FileStart>),
    /// Write these sessions, in order.
    Sessions(Vec<Finished>),
    /// Complete a file's row.
    FileEnd(Box<FileEnd>),
    /// Tell the user.
    Notice(Notice),
    /// Bytes of the run's files read so far.
    Progress(u64),
}

/// Where the walk sends its messages.
pub(super) trait Sink {
    /// Takes `msg`; an error stops the walk (the writer failed).
    fn send(&mut self, msg: Msg) -> Result<(), StoreError>;
}

/// The database side of a run: applies [`Msg`]s to the run's transaction.
pub(super) struct Writer<'a, 'e> {
    pub(super) tx: &'a Connection,
    pub(super) run_id: i64,
    pub(super) filter_desc: Option<&'a str>,
    /// The database (for error messages).
    pub(super) db_path: &'a Path,
    pub(super) report: &'a mut Reporter<'e>,
    /// Sessions written so far.
    pub(super) sessions: u64,
}

impl Sink for Writer<'_, '_> {
    fn send(&mut self, msg: Msg) -> Result<(), StoreError> {
        let db_path = self.db_path;
        let at =
            |e: rusqlite::Error| -> StoreError { format!("{}: {e}", db_path.display()).into() };
        match msg {
            Msg::FileStart(f) => self.file_start(&f).map_err(at),
            Msg::Sessions(done) => {
                write_sessions(self.tx, self.run_id, &done).map_err(at)?;
                self.sessions += done.len() as u64;
                Ok(())
            }
            Msg::FileEnd(f) => self.file_end(&f).map_err(at),
            Msg::Notice(n) => {
                self.report.notice(n);
                Ok(())
            }
            Msg::Progress(bytes) => {
                self.report.events.progress(bytes);
                Ok(())
            }
        }
    }
}

impl Writer<'_, '_> {
    fn file_start(&self, f: &FileStart) -> rusqlite::Result<()> {
        let name = f
            .path
            .file_name()
            .map(|n| db::path_to_blob(Path::new(n)))
            .unwrap_or_default();
        // The hash is filled in once the walk is done.
        self.tx.execute(
            "INSERT INTO files (id, run_id, seq, path, name, size, mtime_ns, quick_hash, content_hash,
                filter, format, precision, endian)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', ?9, ?10, ?11, ?12)",
            params![
                f.id,
                self.run_id,
                f.seq as i64,
                db::path_to_blob(&f.path),
                name,
                f.fp.size as i64,
                f.fp.mtime_ns,
                f.fp.quick_hash,
                self.filter_desc,
                f.format.as_str(),
                f.precision.map(precision_text),
                endian_text(f.endian)
            ],
        )?;
        Ok(())
    }

    fn file_end(&self, f: &FileEnd) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE files SET linktype = ?2, first_ts = ?3, last_ts = ?4, packets = ?5, precision = ?6,
                context = ?7, content_hash = ?8, size = ?9 WHERE id = ?1",
            params![
                f.id,
                f.linktype,
                f.first_ts,
                f.last_ts,
                f.packets as i64,
                precision_text(f.precision),
                f.context,
                f.content_hash,
                f.size as i64
            ],
        )?;
        Ok(())
    }
}

/// Sends the walk's messages to the writer's thread.
struct Channel(SyncSender<Msg>);

impl Sink for Channel {
    fn send(&mut self, msg: Msg) -> Result<(), StoreError> {
        self.0
            .send(msg)
            .map_err(|_| "the database writer stopped".into())
    }
}

/// Whether to run the walk on a thread of its own: asked for, and more
/// than one CPU to run it on.
pub(super) fn use_threads(asked: bool) -> bool {
    asked && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// Runs `walk` with `writer` as its sink: on a second thread feeding the
/// writer through a bounded channel if `threaded`, else directly. The
/// writer's error, if any, wins over the walk's (which is then only "the
/// writer stopped").
pub(super) fn run<T: Send>(
    writer: &mut Writer<'_, '_>,
    threaded: bool,
    walk: impl FnOnce(&mut dyn Sink) -> Result<T, StoreError> + Send,
) -> Result<T, StoreError> {
    if !threaded {
        return walk(writer);
    }
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel(QUEUE);
        let walker = s.spawn(move || walk(&mut Channel(tx)));
        let failed = drain(writer, rx);
        // A panic there is a bug: it goes on as a panic here.
        let walked = walker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match failed {
            Err(e) => Err(e),
            Ok(()) => walked,
        }
    })
}

/// Applies the messages of `rx` until the walk is done or one fails;
/// dropping `rx` then stops the walk at its next message.
fn drain(writer: &mut Writer<'_, '_>, rx: Receiver<Msg>) -> Result<(), StoreError> {
    while let Ok(msg) = rx.recv() {
        writer.send(msg)?;
    }
    Ok(())
}

/// Writes `sessions` (with their locations, VLANs and metadata), in order.
fn write_sessions(tx: &Connection, run_id: i64, sessions: &[Finished]) -> rusqlite::Result<()> {
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
    let mut files: Vec<u32> = Vec::new();
    let mut files_text = String::new();
    for Finished { session: s, meta } in sessions {
        files.clear();
        if let Some(file) = s.locations.single_file() {
            files.push(file);
        } else {
            for loc in s.locations.iter() {
                if files.last() != Some(&loc.file_index) && !files.contains(&loc.file_index) {
                    files.push(loc.file_index);
                }
            }
        }
        files_text.clear();
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
        if let Some(values) = meta {
            super::meta::write(tx, id, values)?;
        }
    }
    Ok(())
}
