//! What an export of the store reads besides the search rows: every
//! indexed file with all its columns, each session's packet locations and
//! digest, and the sessions of a Community ID. The SQL stays here, in the
//! store; `pcapdig export` and `carve --parquet` only see typed values.

use pcap_core::flow::Locations;

use super::rows::{FILE_COLUMNS, FileRow};
use super::{SessionStore, StoreError};

/// One indexed capture file with every column the store keeps of it.
#[derive(Debug, Clone)]
pub struct FileExport {
    /// What carve needs of it (id, path, size, hashes, format, ...).
    pub row: FileRow,
    /// Its position in the run that indexed it (0 for the first file of
    /// a consecutive capture).
    pub seq: i64,
    /// The run that indexed it.
    pub run_id: i64,
    /// Its modification time when indexed, nanoseconds since the epoch.
    pub mtime_ns: Option<i64>,
    /// The hash of all its bytes (`files.content_hash`).
    pub content_hash: String,
    /// The `--filter` it was indexed with, if any.
    pub filter: Option<String>,
    /// Its first record's time, nanoseconds since the epoch.
    pub first_ns: Option<i64>,
    /// Its last record's time, nanoseconds since the epoch.
    pub last_ns: Option<i64>,
    /// Its records.
    pub packets: i64,
}

/// A session's packet locations and the fold of its records' digests.
#[derive(Debug, Clone)]
pub struct SessionPackets {
    /// Where its packets are (`file_index` is the file's id).
    pub locations: Locations,
    /// Its records' 64-bit digests folded in location order.
    pub digest: u64,
}

impl SessionStore {
    /// Every indexed file, in id order.
    pub fn files_all(&self) -> Result<Vec<FileExport>, StoreError> {
        let sql = format!(
            "SELECT {FILE_COLUMNS}, seq, run_id, mtime_ns, content_hash, filter, first_ts, \
             last_ts, packets FROM files ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(FileExport {
                row: FileRow::from_sql(r)?,
                seq: r.get(10)?,
                run_id: r.get(11)?,
                mtime_ns: r.get(12)?,
                content_hash: r.get(13)?,
                filter: r.get(14)?,
                first_ns: r.get(15)?,
                last_ns: r.get(16)?,
                packets: r.get(17)?,
            })
        })?;
        let files = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| format!("{}: files: {e}", self.path.display()))?;
        Ok(files)
    }

    /// The packet locations and digest of session `id`.
    pub fn session_packets(&self, id: i64) -> Result<SessionPackets, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.locations, s.digest FROM sessions s \
             JOIN session_locations l ON l.session_id = s.id WHERE s.id = ?1",
        )?;
        let (blob, digest) =
            match stmt.query_row([id], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?))) {
                Ok(r) => r,
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    return Err(format!("no session {id} in {}", self.path.display()).into());
                }
                Err(e) => return Err(format!("{}: {e}", self.path.display()).into()),
            };
        let locations = Locations::from_bytes(blob)
            .map_err(|e| format!("session {id}: damaged location list in the index: {e}"))?;
        Ok(SessionPackets {
            locations,
            digest: digest as u64,
        })
    }

    /// The ids of the sessions whose Community ID is `community_id`, in
    /// id order (a flow cut by idle time or port reuse is several
    /// sessions).
    pub fn ids_of_community(&self, community_id: &str) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM sessions WHERE community_id = ?1 ORDER BY id")?;
        let ids = stmt
            .query_map([community_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }
}
