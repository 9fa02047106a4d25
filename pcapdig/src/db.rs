//! The SQLite session index: its schema, opening and migrations.
//!
//! # Schema (version [`SCHEMA_VERSION`], kept in `PRAGMA user_version`)
//!
//! * `runs(id, started_ns, complete)`: one row per `pcapdig index`
//!   invocation that indexed at least one new file. `complete` becomes 1 in
//!   the run's last transaction; the rows of a run left incomplete (the
//!   process was killed) are deleted by the next `pcapdig index`, which then
//!   indexes those files again.
//! * `files(id, run_id, seq, path, name, size, mtime_ns, content_hash,
//!   format, linktype, precision, endian, first_ts, last_ts, packets)`:
//!   one row per indexed capture file. `path` is canonical; `name` its file
//!   name (for `--search-path`). The *fingerprint* is `size` plus
//!   `content_hash`, an FNV-1a 64 hash of the first and last 64 KiB
//!   (cheap; `mtime_ns` is recorded but not part of it, so a copied file
//!   still matches). `seq` is the file's position within its run.
//!   `context`, for pcapng, lists the byte offsets of its section headers
//!   and interface descriptions (8-byte little-endian each; see
//!   [`encode_offsets`]): with them, `pcapdig carve` reads a pcapng record
//!   directly at its offset (`CaptureReader::record_at_with`); NULL for
//!   classic pcap, which needs none.
//! * `sessions(id, run_id, community_id, proto, ip_version, src_ip,
//!   dst_ip, sport, dport, vlan, first_ts, last_ts, packets, bytes,
//!   packets_to_server, bytes_to_server, payload_to_server,
//!   packets_to_client, bytes_to_client, payload_to_client, tcp_flags,
//!   end_reason, first_file, last_file, files)`: columns follow the
//!   convention of `pcap_core::filter::sql` (`src_*` is the initiator,
//!   addresses are 16-byte blobs with IPv4 mapped into `::ffff:0:0/96`).
//!   Times are nanoseconds since the epoch (INTEGER). `files` is the
//!   comma-separated list of `files.id` the session's packets are in.
//! * `session_locations(session_id, locations)`: each session's packets,
//!   the delta-varint [`Locations`](pcap_core::flow::Locations) bytes whose
//!   `file_index` is a `files.id`. In a table of their own (schema version
//!   2) so that `sessions` rows stay small: searches and the building of
//!   its indexes read them without dragging kilobytes of locations along
//!   (indexing 106k sessions: 1.51 s with them inline, 1.33 s apart).
//!
//! Indexes: sessions on `src_ip`, `dst_ip`, `sport`, `dport`, `first_ts`,
//! `community_id`; files on `(path)` and `(name)`. None on `proto`: with
//! three common values it selects most of the table (a scan is faster),
//! and building it took 0.03 s per 100k sessions.

use std::path::Path;

use rusqlite::Connection;

/// The schema version stored in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_ns INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER,
    content_hash TEXT NOT NULL,
    format TEXT NOT NULL,
    linktype INTEGER,
    precision TEXT,
    endian TEXT,
    first_ts INTEGER,
    last_ts INTEGER,
    packets INTEGER NOT NULL DEFAULT 0,
    context BLOB
);
CREATE INDEX IF NOT EXISTS files_path ON files(path);
CREATE INDEX IF NOT EXISTS files_name ON files(name);
CREATE TABLE IF NOT EXISTS sessions (
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
    files TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS session_locations (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    locations BLOB NOT NULL
);
";

/// The secondary indexes on `sessions`, created with the schema. `pcapdig
/// index` drops them while it fills an empty table and creates them again
/// (sorted, which is much faster than random-order b-tree inserts) at the
/// end of the run; see [`drop_session_indexes`].
pub const SESSION_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS sessions_src_ip ON sessions(src_ip);
CREATE INDEX IF NOT EXISTS sessions_dst_ip ON sessions(dst_ip);
CREATE INDEX IF NOT EXISTS sessions_sport ON sessions(sport);
CREATE INDEX IF NOT EXISTS sessions_dport ON sessions(dport);
CREATE INDEX IF NOT EXISTS sessions_first_ts ON sessions(first_ts);
CREATE INDEX IF NOT EXISTS sessions_community_id ON sessions(community_id);
";

/// Opens (creating if needed) the index database at `path`, in WAL mode,
/// with the current schema. Refuses a database of another schema version.
pub fn open(
    path: &Path,
    create: bool,
) -> Result<Connection, Box<dyn std::error::Error + Send + Sync>> {
    if !create && !path.exists() {
        return Err(format!(
            "no index database at {} (run `pcapdig index` first, or give --db)",
            path.display()
        )
        .into());
    }
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A session's locations cannot outlive it (nor be written without it).
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 64 MiB of page cache: index b-trees on addresses and Community IDs
    // are written in random order.
    conn.pragma_update(None, "cache_size", -65_536)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    match version {
        0 => {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(SCHEMA)?;
            tx.execute_batch(SESSION_INDEXES)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        }
        SCHEMA_VERSION => {}
        other => {
            return Err(format!(
                "{} has index schema version {other}; this pcapdig reads version {SCHEMA_VERSION} \
                 (index the captures again into a new database, e.g. --db new.db)",
                path.display()
            )
            .into());
        }
    }
    Ok(conn)
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
         DROP INDEX IF EXISTS sessions_community_id;",
    )
}

/// Creates the secondary indexes of `sessions` that are missing.
pub fn create_session_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SESSION_INDEXES)
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
/// so that a change to its time, lengths or any data byte is seen: the low
/// 32 bits of XXH3-64. Kept per packet in `session_locations.digests`, in
/// the order of the session's locations, 4 bytes little-endian each.
pub fn record_digest(raw: &[u8]) -> u32 {
    xxhash_rust::xxh3::xxh3_64(raw) as u32
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

/// A file's identity for idempotency and change detection: its size and a
/// hash of its first and last 64 KiB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// File size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (informational).
    pub mtime_ns: Option<i64>,
    /// Hex FNV-1a 64 of the first and last 64 KiB.
    pub content_hash: String,
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
        content_hash: format!("{hash:016x}"),
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
        assert_ne!(record_digest(b"abc"), record_digest(b"abd"));
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
        assert_ne!(fingerprint(&p).unwrap().content_hash, a.content_hash);
        bytes[last] = 7;
        bytes[0] = 9;
        std::fs::write(&p, &bytes).unwrap();
        assert_ne!(fingerprint(&p).unwrap().content_hash, a.content_hash);
    }

    #[test]
    fn session_indexes_can_be_dropped_and_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("x.db"), true).unwrap();
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
        assert!(open(&p, false).is_err());
        drop(open(&p, true).unwrap());
        let conn = open(&p, true).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        drop(conn);
        let e = open(&p, true).expect_err("an older schema").to_string();
        assert!(
            e.contains("schema version 1") && e.contains("reads version 2") && e.contains("--db"),
            "{e}"
        );
    }
}
