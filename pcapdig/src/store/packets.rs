//! Where a session's packets are: the file and record offset of each, in
//! the order `carve` writes them.

use pcap_core::flow::Locations;

use super::{SessionStore, StoreError};

impl SessionStore {
    /// The packets of session `id` as (file id, record offset) pairs in
    /// capture order: file order (the order files were indexed), then
    /// offset, each once — the order [`carve`](Self::carve) writes them
    /// in. `None` if the store has no such session.
    pub fn packet_locations(&self, id: i64) -> Result<Option<Vec<(i64, u64)>>, StoreError> {
        let blob = match self.conn.query_row(
            "SELECT locations FROM session_locations WHERE session_id = ?1",
            [id],
            |r| r.get::<_, Vec<u8>>(0),
        ) {
            Ok(b) => b,
            Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", self.path.display()).into()),
        };
        let locations = Locations::from_bytes(blob)
            .map_err(|e| format!("session {id}: damaged location list in the index: {e}"))?;
        let mut all: Vec<(i64, u64)> = locations
            .iter()
            .map(|l| (i64::from(l.file_index), l.offset))
            .collect();
        all.sort_unstable();
        all.dedup();
        Ok(Some(all))
    }
}
