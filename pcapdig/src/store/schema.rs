//! The SQLite session index: its schema, opening and migrations.
//!
//! # Schema (version [`SCHEMA_VERSION`], kept in `PRAGMA user_version`)
//!
//! * `runs(id, started_ns, finished_ns)`: one row per `pcapdig index`
//!   invocation that indexed at least one file.
//! * `files(id, run_id, seq, path, name, size, mtime_ns, quick_hash,
//!   content_hash, filter, format, linktype, precision, endian, first_ts,
//!   last_ts, packets, context)`: one row per indexed capture file.
//!   `path` (canonical) and `name` (its last component, for
//!   `--search-path`) are BLOBs holding the OS's bytes ([`path_to_blob`],
//!   [`blob_to_path`]) so that a name that is not UTF-8 survives.
//!   `quick_hash` is the cheap [`Fingerprint`] (FNV-1a 64 of the first and
//!   last 64 KiB, hex) for picking a moved file's candidate by name;
//!   `content_hash` covers every byte of the file, computed while it is
//!   indexed from the records' own hashes (`super::content_hash`). `filter` is the `--filter` /
//!   `--filter-file` the file was indexed with ([`filter_text`]), NULL for
//!   none. `seq` is the file's position within its run. `context`, for
//!   pcapng, lists the byte offsets of its section headers and interface
//!   descriptions (8-byte little-endian each; see [`encode_offsets`]):
//!   with them, `pcapdig carve` reads a pcapng record directly at its
//!   offset (`CaptureReader::record_at_with`); NULL for classic pcap.
//! * `sessions(id, run_id, community_id, proto, ip_version, src_ip,
//!   dst_ip, sport, dport, vlan, first_ts, last_ts, packets, bytes,
//!   packets_to_server, bytes_to_server, payload_to_server,
//!   packets_to_client, bytes_to_client, payload_to_client, tcp_flags,
//!   end_reason, first_file, last_file, files)`: columns follow the
//!   convention of [`super::sql`] (`src_*` is the initiator,
//!   addresses are 16-byte blobs with IPv4 mapped into `::ffff:0:0/96`).
//!   Times are nanoseconds since the epoch (INTEGER). `vlan` is the
//!   outermost tag of the session's first packet (for display); every tag
//!   is in `session_vlans`. `files` is the comma-separated list of
//!   `files.id` the session's packets are in. `digest` is the session's
//!   records' whole [`record_hash`]es folded in the order of its locations
//!   (`Session::digest`, stored as the INTEGER with the same 64 bits): the
//!   per-record 16 bits name the offset of a changed record, the fold
//!   catches a change they miss.
//! * `session_locations(session_id, locations)`: each session's packets,
//!   the delta-varint [`Locations`](pcap_core::flow::Locations) bytes whose
//!   `file_index` is a `files.id`, with the low 16 bits of each record's
//!   [`record_hash`]. In a table of their own so that `sessions` rows
//!   stay small: searches and the building of its indexes read them
//!   without dragging kilobytes of locations along (indexing 106k
//!   sessions: 1.51 s with them inline, 1.33 s apart).
//! * `session_vlans(session_id, vlan)`, `WITHOUT ROWID`, keyed `(vlan,
//!   session_id)`: one row per distinct VLAN ID any packet of the session
//!   carried, at any depth of its tag stack (`vlan N` searches it). An
//!   index on `session_id` (`session_vlans_session`) lets a listing read
//!   only its sessions' tags; databases written before it was added lack
//!   it (nothing else changed, so the version stayed 4), and are listed
//!   by reading the whole table once instead.
//! * `session_meta(key, folded, value, session_id)`, `WITHOUT ROWID`,
//!   keyed in that order (so `key = ? AND folded = ?` is an index lookup),
//!   with an index on `session_id`: one row per distinct value of each
//!   metadata key the session showed (`tls.sni`, `dns.qry.name`, ... see
//!   `protocols::meta::KEYS`), as seen; `folded` is the value searches
//!   compare: in lower case for DNS names (compared without regard to
//!   case), the value itself otherwise. Added in version 4.
//!
//! Indexes: sessions on `src_ip`, `dst_ip`, `(sport, proto)`, `(dport,
//! proto)`, `first_ts`, `community_id`; files on `(path)` and `(name)`.
//! None on `proto` alone: with three common values it selects most of the
//! table (a scan is faster), and building it took 0.03 s per 100k
//! sessions. The ports' indexes carry the protocol so that a port search
//! (`dst port 443` is `proto IN (6, 17, 132) AND dport = 443`) is answered
//! in the index alone: counting 333,333 of 1,000,000 sessions took 14 ms
//! of CPU instead of 120 ms, for 0.11 s more CPU per index per 1,000,000
//! sessions when they are built. Databases written before have `(sport)`
//! and `(dport)` under the same names, which answer the same searches.
//!
//! # Writers and readers
//!
//! The database is in WAL mode. A writer ([`open`] with `create`, then
//! [`begin_write`]) does its whole run in **one** write transaction begun
//! with `BEGIN IMMEDIATE`: SQLite's write lock keeps every other writer
//! out for the run's duration, readers go on reading the last committed
//! state, the run becomes visible all at once when it commits, and a run
//! that is killed leaves nothing behind (SQLite ignores the uncommitted
//! frames of the write-ahead log). So no run ever cleans up after another,
//! and the lock that says "a writer is still there" is SQLite's own.
//! Readers ([`open_read_only`]) open the file read-only and never create,
//! convert or write it.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

/// The error type of this module (messages name the database path).
pub type DbError = Box<dyn std::error::Error + Send + Sync>;

/// The schema version stored in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 4;

/// The tables a database of [`SCHEMA_VERSION`] has.
const TABLES: [&str; 6] = [
    "runs",
    "files",
    "sessions",
    "session_locations",
    "session_vlans",
    "session_meta",
];

const SCHEMA: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_ns INTEGER NOT NULL,
    finished_ns INTEGER
);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    path BLOB NOT NULL,
    name BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER,
    quick_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    filter TEXT,
    format TEXT NOT NULL,
    linktype INTEGER,
    precision TEXT,
    endian TEXT,
    first_ts INTEGER,
    last_ts INTEGER,
    packets INTEGER NOT NULL DEFAULT 0,
    context BLOB
);
CREATE INDEX files_path ON files(path);
CREATE INDEX files_name ON files(name);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    community_id TEXT NOT NULL,
    proto INTEGER NOT NULL,
    ip_version INTEGER NOT NULL,
    src_ip BLOB NOT NULL,
    dst_ip BLOB NOT NULL,
    sport INTEGER NOT NULL,
    dport INTEGER NOT NULL,
    vlan INTEGER,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    packets INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    packets_to_server INTEGER NOT NULL,
    bytes_to_server INTEGER NOT NULL,
    payload_to_server INTEGER NOT NULL,
    packets_to_client INTEGER NOT NULL,
    bytes_to_client INTEGER NOT NULL,
    payload_to_client INTEGER NOT NULL,
    tcp_flags INTEGER NOT NULL,
    end_reason TEXT,
    first_file INTEGER NOT NULL,
    last_file INTEGER NOT NULL,
    files TEXT NOT NULL,
    digest INTEGER NOT NULL
);
CREATE TABLE session_locations (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    locations BLOB NOT NULL
);
CREATE TABLE session_vlans (
    session_id INTEGER NOT NULL,
    vlan INTEGER NOT NULL,
    PRIMARY KEY (vlan, session_id)
) WITHOUT ROWID;
CREATE TABLE session_meta (
    key TEXT NOT NULL,
    folded TEXT NOT NULL,
    value TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    PRIMARY KEY (key, folded, value, session_id)
) WITHOUT ROWID;
CREATE INDEX session_vlans_session ON session_vlans(session_id);
";

/// The secondary indexes on `sessions` (and `session_meta`'s on
/// `session_id`), created with the schema. `pcapdig
/// index` drops them while it fills an empty table and creates them again
/// (sorted, which is much faster than random-order b-tree inserts) at the
/// end of the run, in the same transaction; see [`drop_session_indexes`].
pub const SESSION_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS sessions_src_ip ON sessions(src_ip);
CREATE INDEX IF NOT EXISTS sessions_dst_ip ON sessions(dst_ip);
CREATE INDEX IF NOT EXISTS sessions_sport ON sessions(sport, proto);
CREATE INDEX IF NOT EXISTS sessions_dport ON sessions(dport, proto);
CREATE INDEX IF NOT EXISTS sessions_first_ts ON sessions(first_ts);
CREATE INDEX IF NOT EXISTS sessions_community_id ON sessions(community_id);
CREATE INDEX IF NOT EXISTS session_meta_session ON session_meta(session_id);
";

/// What a database file turned out to be.
enum Kind {
    /// No tables and `user_version` 0: a new (or empty) SQLite database.
    Empty,
    /// A pcapdig index of the current schema.
    Current,
    /// A pcapdig index of another schema version.
    OtherVersion(i64),
    /// Anything else.
    Foreign,
}

/// Reads what the database behind `conn` is, without writing anything.
fn kind(conn: &Connection) -> rusqlite::Result<Kind> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let has = |t: &str| tables.iter().any(|n| n == t);
    Ok(if version == 0 && tables.is_empty() {
        Kind::Empty
    } else if version == SCHEMA_VERSION && TABLES.iter().all(|t| has(t)) {
        Kind::Current
    } else if (1..SCHEMA_VERSION).contains(&version) && has("files") && has("sessions") {
        Kind::OtherVersion(version)
    } else {
        Kind::Foreign
    })
}

fn not_an_index(path: &Path) -> DbError {
    format!("not a pcapdig index: {}", path.display()).into()
}

fn other_version(path: &Path, version: i64) -> DbError {
    format!(
        "{} has index schema version {version}; this pcapdig reads version {SCHEMA_VERSION} \
         (index the captures again into a new database, e.g. --db new.db)",
        path.display()
    )
    .into()
}

/// Whether the database is in WAL mode (`pcapdig index` sets it before
/// its first run creates the schema). Only reads.
fn is_wal(conn: &Connection) -> bool {
    conn.pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
        .is_ok_and(|m| m.eq_ignore_ascii_case("wal"))
}

/// Whether `e` is SQLite saying the file is not a database at all.
fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::NotADatabase)
}

/// Whether `e` is SQLite's "database is locked" (another connection holds
/// the lock we asked for).
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == ErrorCode::DatabaseBusy || f.code == ErrorCode::DatabaseLocked)
}

/// Checks what `conn` (opened on `path`) is: `Ok(true)` for a new, empty
/// database (allowed only if `allow_empty`), `Ok(false)` for a current
/// index, otherwise the error to show.
fn check(conn: &Connection, path: &Path, allow_empty: bool) -> Result<bool, DbError> {
    match kind(conn) {
        Ok(Kind::Current) => Ok(false),
        Ok(Kind::Empty) if allow_empty => Ok(true),
        Ok(Kind::Empty) if is_wal(conn) => Err(format!(
            "nothing is indexed in {} yet: its first `pcapdig index` run is in progress or was \
             interrupted",
            path.display()
        )
        .into()),
        Ok(Kind::Empty | Kind::Foreign) => Err(not_an_index(path)),
        Ok(Kind::OtherVersion(v)) => Err(other_version(path, v)),
        Err(e) if is_not_a_database(&e) => Err(not_an_index(path)),
        Err(e) => Err(format!("{}: {e}", path.display()).into()),
    }
}

/// Opens the index database at `path`.
///
/// With `create` (writers: `pcapdig index`), the database is created if
/// missing and put in WAL mode; the schema is created by [`begin_write`]
/// once the write lock is held. A file that is not a pcapdig index (another
/// program's SQLite database, or not SQLite at all) is refused before
/// anything is written to it; an empty file is taken as a new database.
///
/// Without `create` this is [`open_read_only`].
pub fn open(path: &Path, create: bool) -> Result<Connection, DbError> {
    if !create {
        return open_read_only(path);
    }
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(not_an_index(path)),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", path.display()).into()),
    }
    // No SQLITE_OPEN_URI: a file named `file:x` is a file name.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let at = |e: rusqlite::Error| -> DbError { format!("{}: {e}", path.display()).into() };
    // Switching a new file to WAL needs a moment of exclusive lock; a
    // connection that read the file before another writer switched it
    // would try to switch it again and find it busy for that writer's
    // whole run: such a connection is dropped and the file opened again
    // (it then reads that the file is in WAL mode already).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let conn = loop {
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, &e))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(at)?;
        // Looked at before anything is written: another program's
        // database must not get our journal mode or tables.
        check(&conn, path, true)?;
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => break conn,
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                drop(conn);
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => {
                return Err(
                    format!("{}: cannot switch it to WAL mode: {e}", path.display()).into(),
                );
            }
        }
    };
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(at)?;
    // A session's locations cannot outlive it (nor be written without it).
    conn.pragma_update(None, "foreign_keys", "ON").map_err(at)?;
    // 64 MiB of page cache: index b-trees on addresses and Community IDs
    // are written in random order, and a run's pages stay in the cache
    // (not spilled to the log) as long as they fit.
    conn.pragma_update(None, "cache_size", -65_536)
        .map_err(at)?;
    Ok(conn)
}

/// An open error naming the path (SQLite's "unable to open database file"
/// does not).
fn open_error(path: &Path, e: &rusqlite::Error) -> DbError {
    format!("cannot open the index database {}: {e}", path.display()).into()
}

/// Begins the one write transaction of an `index` run (`BEGIN
/// IMMEDIATE`: it takes SQLite's write lock at once), and creates the
/// schema in it if the database is new.
///
/// If another writer holds the lock: with `wait` `None` (or zero), fails at
/// once with an error saying so; otherwise calls `waiting` (to say that it
/// waits) and waits at most `wait` for the lock.
pub fn begin_write<'c>(
    conn: &'c Connection,
    path: &Path,
    wait: Option<Duration>,
    waiting: &mut dyn FnMut(Duration),
) -> Result<WriteTx<'c>, DbError> {
    let at = |e: rusqlite::Error| -> DbError { format!("{}: {e}", path.display()).into() };
    let wait = wait.filter(|w| !w.is_zero());
    // A moment's grace: readers asking whether a run is in progress
    // ([`writer_active`]) and checkpoints hold the lock for microseconds;
    // a run holds it for its whole duration.
    conn.busy_timeout(Duration::from_millis(250)).map_err(at)?;
    let mut locked = false;
    match conn.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => locked = true,
        Err(e) if is_busy(&e) => {}
        Err(e) => return Err(at(e)),
    }
    if !locked {
        let Some(wait) = wait else {
            return Err(format!(
                "another `pcapdig index` is writing {}; try again later or give --wait SECONDS",
                path.display()
            )
            .into());
        };
        waiting(wait);
        conn.busy_timeout(wait).map_err(at)?;
        match conn.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => {}
            Err(e) if is_busy(&e) => {
                return Err(format!(
                    "another `pcapdig index` is still writing {} after {} s; try again later",
                    path.display(),
                    wait.as_secs_f64()
                )
                .into());
            }
            Err(e) => return Err(at(e)),
        }
    }
    // The lock is ours; what waits now (a checkpoint meeting a reader) is
    // brief.
    let tx = WriteTx { conn };
    tx.conn.busy_timeout(Duration::from_secs(10)).map_err(at)?;
    if check(tx.conn, path, true)? {
        tx.conn.execute_batch(SCHEMA).map_err(at)?;
        tx.conn.execute_batch(SESSION_INDEXES).map_err(at)?;
        tx.conn
            .pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(at)?;
    }
    Ok(tx)
}

/// The write transaction of an `index` run (see [`begin_write`]): derefs
/// to its connection; [`WriteTx::commit`] makes the run visible, dropping
/// it uncommitted rolls everything back.
pub struct WriteTx<'c> {
    conn: &'c Connection,
}

impl WriteTx<'_> {
    /// Commits the run.
    pub fn commit(self) -> rusqlite::Result<()> {
        let conn = self.conn;
        std::mem::forget(self);
        conn.execute_batch("COMMIT")
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        // Best effort: a rollback that fails leaves the transaction to
        // SQLite, which rolls it back when the connection closes.
        let _ = self.conn.execute_batch("ROLLBACK");
    }
}

/// Whether a `pcapdig index` run is writing the index at `path` now (it
/// holds SQLite's write lock): for readers to say that sessions of a run
/// in progress are not shown yet. Tries the lock without waiting and lets
/// go at once (nothing is written); `false` if that cannot be tried (a
/// read-only directory, where no writer can be either).
pub fn writer_active(path: &Path) -> bool {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return false;
    };
    if conn.busy_timeout(Duration::ZERO).is_err() {
        return false;
    }
    match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;") {
        Ok(()) => false,
        Err(e) => is_busy(&e),
    }
}

/// After a run: copies the write-ahead log into the database and truncates
/// it, so that the log of a large run does not stay on disk. Best effort:
/// a reader still reading an older state makes it stop short, harmlessly.
pub fn checkpoint(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

/// Opens the index database at `path` for reading only: nothing is
/// created, converted or written (the file is opened with
/// `SQLITE_OPEN_READ_ONLY`; in WAL mode SQLite may keep its own `-shm` and
/// `-wal` beside it). Refuses, with "not a pcapdig index: PATH", anything
/// but a pcapdig index of [`SCHEMA_VERSION`] (an empty file, a text file,
/// another program's SQLite database); a missing file is "no index
/// database at PATH". A database in a read-only directory (where SQLite
/// cannot create the `-shm` file WAL mode needs) is opened as immutable.
pub fn open_read_only(path: &Path) -> Result<Connection, DbError> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() || m.len() == 0 => return Err(not_an_index(path)),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "no index database at {} (run `pcapdig index` first, or give --db)",
                path.display()
            )
            .into());
        }
        Err(e) => return Err(format!("{}: {e}", path.display()).into()),
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let first = Connection::open_with_flags(path, flags).and_then(|conn| {
        conn.busy_timeout(Duration::from_secs(10))?;
        // Reading the header and schema is what opens the log.
        kind(&conn).map(|_| conn)
    });
    let conn = match first {
        Ok(conn) => conn,
        Err(e) if is_not_a_database(&e) => return Err(not_an_index(path)),
        Err(e) if is_cant_open(&e) => open_immutable(path)?,
        Err(e) => return Err(format!("{}: {e}", path.display()).into()),
    };
    check(&conn, path, false)?;
    Ok(conn)
}

fn is_cant_open(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == ErrorCode::CannotOpen || f.code == ErrorCode::ReadOnly)
}

/// Opens `path` as an immutable database (`file:...?immutable=1`): no
/// locks, no `-shm`. Only used where SQLite cannot create the `-shm` file
/// (a read-only directory), where no writer can be at work either. A
/// non-empty `-wal` beside it (left by a writer before the directory
/// became read-only) would be ignored, so it is refused instead.
fn open_immutable(path: &Path) -> Result<Connection, DbError> {
    use std::os::unix::ffi::OsStrExt;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(format!(
            "cannot read {}: its write-ahead log {} holds changes, and SQLite cannot \
             open it in a read-only directory (copy both files to a writable one)",
            path.display(),
            Path::new(&wal).display()
        )
        .into());
    }
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&uri, flags).map_err(|e| open_error(path, &e))?;
    match kind(&conn) {
        Ok(_) => Ok(conn),
        Err(e) if is_not_a_database(&e) => Err(not_an_index(path)),
        Err(e) => Err(format!("{}: {e}", path.display()).into()),
    }
}

/// Drops the secondary indexes of `sessions` (for a bulk load into an
/// empty table); [`create_session_indexes`] puts them back.
pub fn drop_session_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DROP INDEX IF EXISTS sessions_src_ip;
         DROP INDEX IF EXISTS sessions_dst_ip;
         DROP INDEX IF EXISTS sessions_sport;
         DROP INDEX IF EXISTS sessions_dport;
         DROP INDEX IF EXISTS sessions_first_ts;
         DROP INDEX IF EXISTS sessions_community_id;
         DROP INDEX IF EXISTS session_meta_session;",
    )
}

/// Creates the secondary indexes of `sessions` that are missing.
pub fn create_session_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SESSION_INDEXES)
}

/// How a filter is recorded in `files.filter`: its canonical text
/// (`Filter`'s `Display`), or, past 1,000 characters (an indicator list),
/// its length and XXH3-128, so that equal filters compare equal without
/// storing the list in every file row.
pub fn filter_text(canonical: &str) -> String {
    if canonical.len() <= 1000 {
        canonical.to_string()
    } else {
        format!(
            "<{} characters, xxh3-128 {:032x}>",
            canonical.len(),
            xxhash_rust::xxh3::xxh3_128(canonical.as_bytes())
        )
    }
}

/// Offsets as a `files.context` blob: 8 bytes each, little-endian.
pub fn encode_offsets(offsets: &[u64]) -> Vec<u8> {
    offsets.iter().flat_map(|o| o.to_le_bytes()).collect()
}

/// The offsets of a `files.context` blob; `None` if its length is not a
/// multiple of 8 (a damaged index).
pub fn decode_offsets(blob: &[u8]) -> Option<Vec<u64>> {
    if !blob.len().is_multiple_of(8) {
        return None;
    }
    Some(
        blob.chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect(),
    )
}

/// Nanoseconds since the epoch as an SQLite INTEGER (saturating at the
/// `i64` range, years 1677 to 2262).
pub fn ts_to_ns(secs: i64, nanos: u32) -> i64 {
    let n = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    n.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `1700000000.123456789` from nanoseconds since the epoch.
pub fn ns_to_string(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000);
    format!("{secs}.{nanos:09}")
}

/// The digest of one record as stored in the file (`Record::raw`: for
/// classic pcap its 16-byte header and data, for pcapng the whole block),
/// so that a change to its time, lengths or any data byte is seen:
/// XXH3-64. Each location in `session_locations.locations` keeps its low
/// 16 bits (`Location::short_digest`), `sessions.digest` folds all 64 bits
/// of the session's records in order (`pcap_core::flow::fold_digest`), and
/// `super::content_hash` builds the file's hash from them.
#[inline]
pub fn record_hash(raw: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(raw)
}

/// A path as stored in the index: its bytes as the OS gives them, so
/// that a name that is not UTF-8 survives the round trip.
pub fn path_to_blob(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

/// A path from its stored bytes (see [`path_to_blob`]).
pub fn blob_to_path(blob: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(blob))
}

/// FNV-1a 64 over `bytes`, continuing from `hash`.
pub fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The FNV-1a 64 offset basis.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// A file's cheap identity: its size and a hash of its first and last
/// 64 KiB (`files.size`, `files.quick_hash`): enough to pick the candidate
/// for a moved file by name; the proof that its content is unchanged is
/// `files.content_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// File size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (informational).
    pub mtime_ns: Option<i64>,
    /// Hex FNV-1a 64 of the first and last 64 KiB (`files.quick_hash`).
    pub quick_hash: String,
}

/// Computes the [`Fingerprint`] of the file at `path`, reading at most
/// 128 KiB.
pub fn fingerprint(path: &Path) -> std::io::Result<Fingerprint> {
    use std::io::{Read, Seek, SeekFrom};
    const SPAN: u64 = 64 << 10;
    let mut f = std::fs::File::open(path)?;
    let meta = f.metadata()?;
    let size = meta.len();
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    let mut buf = Vec::with_capacity(SPAN as usize);
    (&mut f).take(SPAN).read_to_end(&mut buf)?;
    let mut hash = fnv1a(FNV_START, &buf);
    if size > SPAN {
        let start = size.saturating_sub(SPAN).max(SPAN);
        f.seek(SeekFrom::Start(start))?;
        buf.clear();
        (&mut f).take(SPAN).read_to_end(&mut buf)?;
        hash = fnv1a(hash, &buf);
    }
    Ok(Fingerprint {
        size,
        mtime_ns,
        quick_hash: format!("{hash:016x}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_offsets_round_trip() {
        let offsets = [0, 28, 1 << 40, u64::MAX];
        let blob = encode_offsets(&offsets);
        assert_eq!(blob.len(), 32);
        assert_eq!(decode_offsets(&blob).as_deref(), Some(&offsets[..]));
        assert_eq!(decode_offsets(&[]), Some(vec![]));
        assert_eq!(decode_offsets(&blob[..7]), None);
    }

    #[test]
    fn paths_round_trip_as_bytes() {
        let p = blob_to_path(b"/tmp/ab\xffcd.pcap");
        assert_eq!(path_to_blob(&p), b"/tmp/ab\xffcd.pcap");
        assert_ne!(record_hash(b"abc"), record_hash(b"abd"));
    }

    #[test]
    fn nanosecond_times() {
        assert_eq!(ts_to_ns(1, 5), 1_000_000_005);
        assert_eq!(
            ns_to_string(1_700_000_000_123_456_789),
            "1700000000.123456789"
        );
        assert_eq!(ns_to_string(-1), "-1.999999999");
        assert_eq!(ts_to_ns(i64::MAX, 0), i64::MAX);
    }

    #[test]
    fn fingerprints_see_head_and_tail() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let mut bytes = vec![7u8; 300 << 10];
        std::fs::write(&p, &bytes).unwrap();
        let a = fingerprint(&p).unwrap();
        assert_eq!(a.size, 300 << 10);
        let last = bytes.len() - 1;
        bytes[last] = 8;
        std::fs::write(&p, &bytes).unwrap();
        assert_ne!(fingerprint(&p).unwrap().quick_hash, a.quick_hash);
        bytes[last] = 7;
        bytes[0] = 9;
        std::fs::write(&p, &bytes).unwrap();
        assert_ne!(fingerprint(&p).unwrap().quick_hash, a.quick_hash);
    }

    /// A new index database at `p` with its schema.
    fn new_index(p: &Path) -> Connection {
        let conn = open(p, true).unwrap();
        begin_write(&conn, p, None, &mut |_| {})
            .unwrap()
            .commit()
            .unwrap();
        conn
    }

    #[test]
    fn session_indexes_can_be_dropped_and_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let conn = new_index(&dir.path().join("x.db"));
        let count = |c: &Connection| -> i64 {
            c.query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'sessions_%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(count(&conn), 6);
        drop_session_indexes(&conn).unwrap();
        assert_eq!(count(&conn), 0);
        create_session_indexes(&conn).unwrap();
        create_session_indexes(&conn).unwrap();
        assert_eq!(count(&conn), 6);
    }

    #[test]
    fn schema_is_created_once_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db");
        let e = open(&p, false).expect_err("missing").to_string();
        assert!(
            e.contains("no index database at") && e.contains("x.db"),
            "{e}"
        );
        assert!(!p.exists(), "a reader created the file");
        drop(new_index(&p));
        drop(new_index(&p));
        drop(open_read_only(&p).unwrap());
        let conn = open(&p, true).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        drop(conn);
        for e in [
            open(&p, true).expect_err("an older schema").to_string(),
            open_read_only(&p).expect_err("an older schema").to_string(),
        ] {
            assert!(
                e.contains("schema version 2")
                    && e.contains("reads version 4")
                    && e.contains("--db"),
                "{e}"
            );
        }
    }

    #[test]
    fn second_writer_fails_at_once_or_waits() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db");
        let a = open(&p, true).unwrap();
        let tx = begin_write(&a, &p, None, &mut |_| {}).unwrap();
        let e = open_read_only(&p).expect_err("no schema yet").to_string();
        assert!(
            e.contains("first `pcapdig index` run is in progress"),
            "{e}"
        );
        tx.commit().unwrap();
        let tx = begin_write(&a, &p, None, &mut |_| {}).unwrap();
        tx.execute("INSERT INTO runs (started_ns) VALUES (1)", [])
            .unwrap();
        let b = open(&p, true).unwrap();
        let e = begin_write(&b, &p, None, &mut |_| {})
            .err()
            .expect("locked")
            .to_string();
        assert!(
            e.contains("another `pcapdig index` is writing") && e.contains("--wait"),
            "{e}"
        );
        let e = begin_write(&b, &p, Some(Duration::from_millis(50)), &mut |_| {})
            .err()
            .expect("still locked")
            .to_string();
        assert!(e.contains("still writing"), "{e}");
        // A reader sees the last committed state, not the run in progress.
        let r = open_read_only(&p).unwrap();
        let runs = |c: &Connection| -> i64 {
            c.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(runs(&r), 0);
        assert!(writer_active(&p));
        tx.commit().unwrap();
        assert!(!writer_active(&p));
        assert_eq!(runs(&r), 1);
        // The lock is free again; an uncommitted run vanishes.
        let tx = begin_write(&b, &p, None, &mut |_| {}).unwrap();
        tx.execute("INSERT INTO runs (started_ns) VALUES (2)", [])
            .unwrap();
        drop(tx);
        assert_eq!(runs(&r), 1);
    }

    #[test]
    fn read_only_open_refuses_other_files_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, b"hello, this is not a database at all\n".repeat(200)).unwrap();
        let foreign = dir.path().join("other.db");
        {
            let c = Connection::open(&foreign).unwrap();
            c.execute_batch("CREATE TABLE sessions (x); INSERT INTO sessions VALUES (1);")
                .unwrap();
        }
        let before = std::fs::read(&foreign).unwrap();
        for p in [&empty, &text, &foreign] {
            let e = open_read_only(p).expect_err("not an index").to_string();
            assert_eq!(e, format!("not a pcapdig index: {}", p.display()));
            // Writers refuse another program's file too, before writing.
            if p != &empty {
                let e = open(p, true).expect_err("not an index").to_string();
                assert_eq!(e, format!("not a pcapdig index: {}", p.display()));
            }
        }
        assert_eq!(std::fs::read(&foreign).unwrap(), before);
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["empty.db", "notes.txt", "other.db"]);
    }

    #[test]
    fn immutable_fallback_reads_odd_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a b%?#&=x.db");
        drop(new_index(&p));
        let conn = open_immutable(&p).unwrap();
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
