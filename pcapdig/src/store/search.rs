//! Searching the store: a filter expression (translated by [`super::sql`])
//! and time bounds to [`SessionRow`]s, in order of first packet.

use std::collections::HashMap;
use std::path::PathBuf;

use pcap_core::filter::Expr;
use rusqlite::Connection;

use super::rows::{FileRef, SessionRow, end_reason_from_text, ip_from_blob};
use super::sql::{SqlValue, to_sql};
use super::{SessionStore, StoreError, schema};

/// What a search asks besides its expression.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// Only sessions whose last packet is at or after this time
    /// (nanoseconds since the epoch).
    pub since_ns: Option<i64>,
    /// Only sessions whose first packet is at or before this time.
    pub until_ns: Option<i64>,
    /// At most this many sessions.
    pub limit: Option<u64>,
}

/// The columns every listed session is read with (see [`read_row`]).
const SELECT: &str = "SELECT s.id, s.community_id, s.proto, s.ip_version, s.src_ip, s.dst_ip, s.sport, s.dport, s.vlan,
        s.first_ts, s.last_ts, s.packets, s.bytes, s.packets_to_server, s.bytes_to_server,
        s.packets_to_client, s.bytes_to_client, s.tcp_flags, s.end_reason, s.files
 FROM sessions s WHERE 1";

/// What rows are completed with: file paths by id and every session's
/// VLAN IDs, each read once.
struct Lookups {
    paths: HashMap<i64, PathBuf>,
    vlans: HashMap<i64, Vec<u16>>,
}

impl Lookups {
    fn read(conn: &Connection) -> rusqlite::Result<Lookups> {
        let mut paths = HashMap::new();
        let mut st = conn.prepare("SELECT id, path FROM files")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                schema::blob_to_path(&r.get::<_, Vec<u8>>(1)?),
            ))
        })?;
        for row in rows {
            let (id, p) = row?;
            paths.insert(id, p);
        }
        // The table is keyed by VLAN for searching, so one lookup per
        // listed session would scan it: read whole, once.
        let mut vlans: HashMap<i64, Vec<u16>> = HashMap::new();
        let mut st = conn.prepare("SELECT session_id, vlan FROM session_vlans ORDER BY vlan")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u16>(1)?)))?;
        for row in rows {
            let (id, vlan) = row?;
            vlans.entry(id).or_default().push(vlan);
        }
        Ok(Lookups { paths, vlans })
    }
}

/// Decodes a row of [`SELECT`].
fn read_row(
    conn: &Connection,
    r: &rusqlite::Row<'_>,
    look: &mut Lookups,
) -> Result<SessionRow, StoreError> {
    let id: i64 = r.get(0)?;
    let ip_version: i64 = r.get(3)?;
    let addr = |col: usize| -> Result<std::net::IpAddr, StoreError> {
        let blob: Vec<u8> = r.get(col)?;
        ip_from_blob(&blob, ip_version)
            .ok_or_else(|| format!("session {id}: damaged address in the index").into())
    };
    let count = |col: usize| -> rusqlite::Result<u64> {
        Ok(u64::try_from(r.get::<_, i64>(col)?).unwrap_or(0))
    };
    let end: Option<String> = r.get(18)?;
    let files_text: String = r.get(19)?;
    Ok(SessionRow {
        id,
        community_id: r.get(1)?,
        proto: r.get(2)?,
        src: addr(4)?,
        sport: r.get(6)?,
        dst: addr(5)?,
        dport: r.get(7)?,
        vlan: r.get(8)?,
        vlans: look.vlans.remove(&id).unwrap_or_default(),
        first_ns: r.get(9)?,
        last_ns: r.get(10)?,
        packets: count(11)?,
        bytes: count(12)?,
        packets_to_server: count(13)?,
        bytes_to_server: count(14)?,
        packets_to_client: count(15)?,
        bytes_to_client: count(16)?,
        tcp_flags: r.get(17)?,
        end: end.as_deref().and_then(end_reason_from_text),
        files: files_text
            .split(',')
            .filter_map(|f| f.parse::<i64>().ok())
            .map(|id| FileRef {
                id,
                path: look.paths.get(&id).cloned(),
            })
            .collect(),
        meta: super::meta::read(conn, id)?,
    })
}

impl SessionStore {
    /// The sessions matching `expr` (an empty `and`, `Expr::And(vec![])`,
    /// matches all) and `opts`, in order of first packet (then id); an
    /// expression about single packets (`tcp[13] & 2 != 0`) is an error
    /// naming it. Of an index run still in progress, nothing is seen.
    pub fn search(&self, expr: &Expr, opts: &SearchOptions) -> Result<Vec<SessionRow>, StoreError> {
        let mut rows = Vec::new();
        self.search_each(expr, opts, &mut |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// [`search`](Self::search), handing each row to `each` as it is read
    /// (a listing of millions of sessions need not be held at once); an
    /// error from `each` ends the search.
    pub fn search_each(
        &self,
        expr: &Expr,
        opts: &SearchOptions,
        each: &mut dyn FnMut(SessionRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let (cond, mut values) = to_sql(expr).map_err(|e| format!("expression: {e}"))?;
        let mut sql = String::from(SELECT);
        sql.push_str(" AND (");
        sql.push_str(&cond);
        sql.push(')');
        if let Some(t) = opts.since_ns {
            sql.push_str(" AND s.last_ts >= ?");
            values.push(SqlValue::Int(t));
        }
        if let Some(t) = opts.until_ns {
            sql.push_str(" AND s.first_ts <= ?");
            values.push(SqlValue::Int(t));
        }
        sql.push_str(" ORDER BY s.first_ts, s.id");
        if let Some(n) = opts.limit {
            sql.push_str(" LIMIT ?");
            values.push(SqlValue::Int(i64::try_from(n).unwrap_or(i64::MAX)));
        }
        let mut look = Lookups::read(&self.conn)?;
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        while let Some(r) = rows.next()? {
            each(read_row(&self.conn, r, &mut look)?)?;
        }
        Ok(())
    }

    /// The session `id`, if the store has it.
    pub fn session(&self, id: i64) -> Result<Option<SessionRow>, StoreError> {
        let mut look = Lookups::read(&self.conn)?;
        let sql = format!("{SELECT} AND s.id = ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(r) => Ok(Some(read_row(&self.conn, r, &mut look)?)),
            None => Ok(None),
        }
    }
}
