//! Searching the store: a filter expression (translated by [`super::sql`])
//! and time bounds to [`SessionRow`]s, in order of first packet or of a
//! chosen [`SortKey`]; or only their number ([`SessionStore::count`]).

use std::collections::HashMap;
use std::path::PathBuf;

use pcap_core::filter::meta::{self, FieldOp};
use pcap_core::filter::{Expr, Primitive};
use rusqlite::Connection;

use super::rows::{FileRef, SessionRow, end_reason_from_text, ip_from_blob};
use super::sql::{SqlValue, to_sql, to_sql_correlated};

/// How many sessions, first in the search's order, a search with a small
/// limit tries first (see `SessionStore::first_of_window`).
const WINDOW: u64 = 5_000;

/// The largest limit that tries them.
const WINDOW_LIMIT: u64 = 1_000;
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
    /// The order sessions come in (ties in id order).
    pub sort: SortKey,
    /// Largest (latest) first instead of smallest first.
    pub descending: bool,
}

/// What sessions are ordered by ([`SearchOptions::sort`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Time of the first packet (the default).
    #[default]
    FirstTs,
    /// Time of the last packet.
    LastTs,
    /// Last minus first packet time.
    Duration,
    /// Session id (index order).
    Id,
    /// Packets both ways.
    Packets,
    /// Bytes both ways.
    Bytes,
    /// IP protocol number.
    Proto,
    /// Initiator address (IPv4 before IPv6, then numerically).
    Src,
    /// Responder address.
    Dst,
    /// Initiator port.
    Sport,
    /// Responder port.
    Dport,
}

impl SortKey {
    /// Every key with its name (`sessions --sort NAME`).
    pub const NAMES: [(&'static str, SortKey); 11] = [
        ("first", SortKey::FirstTs),
        ("last", SortKey::LastTs),
        ("duration", SortKey::Duration),
        ("id", SortKey::Id),
        ("packets", SortKey::Packets),
        ("bytes", SortKey::Bytes),
        ("proto", SortKey::Proto),
        ("src", SortKey::Src),
        ("dst", SortKey::Dst),
        ("sport", SortKey::Sport),
        ("dport", SortKey::Dport),
    ];

    /// The key named `name` (one of [`NAMES`](Self::NAMES); `first_ts`
    /// and `last_ts` are accepted too).
    pub fn from_name(name: &str) -> Option<SortKey> {
        let name = match name {
            "first_ts" => "first",
            "last_ts" => "last",
            n => n,
        };
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
    }

    /// The SQL expression over `sessions s` ordered by.
    fn sql(self) -> &'static str {
        match self {
            SortKey::FirstTs => "s.first_ts",
            SortKey::LastTs => "s.last_ts",
            SortKey::Duration => "s.last_ts - s.first_ts",
            SortKey::Id => "s.id",
            SortKey::Packets => "s.packets",
            SortKey::Bytes => "s.bytes",
            SortKey::Proto => "s.proto",
            // The mapped IPv4 form sorts above every other IPv6 address:
            // the version first keeps IPv4 together and first.
            SortKey::Src => "s.ip_version, s.src_ip",
            SortKey::Dst => "s.ip_version, s.dst_ip",
            SortKey::Sport => "s.sport",
            SortKey::Dport => "s.dport",
        }
    }

    /// The `ORDER BY` terms for this key: its columns, then the id (ties
    /// in a stable order), all in the one direction.
    fn order_by(self, descending: bool) -> String {
        let dir = if descending { " DESC" } else { "" };
        let mut cols: Vec<&str> = self.sql().split(", ").collect();
        if self != SortKey::Id {
            cols.push("s.id");
        }
        cols.iter()
            .map(|c| format!("{c}{dir}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The columns every listed session is read with (see [`read_row`]).
const SELECT: &str = "SELECT s.id, s.community_id, s.proto, s.ip_version, s.src_ip, s.dst_ip, s.sport, s.dport, s.vlan,
        s.first_ts, s.last_ts, s.packets, s.bytes, s.packets_to_server, s.bytes_to_server,
        s.packets_to_client, s.bytes_to_client, s.tcp_flags, s.end_reason, s.files
 FROM sessions s WHERE 1";

/// What rows are completed with: file paths by id, read once, and the
/// sessions' VLAN IDs.
struct Lookups {
    paths: HashMap<i64, PathBuf>,
    vlans: Vlans,
}

/// Where a listed session's VLAN IDs come from.
enum Vlans {
    /// Looked up per session (the `session_vlans_session` index): a
    /// search costs what its own sessions cost.
    PerSession,
    /// Without that index (databases written before it), a lookup per
    /// session would scan the table: it is read whole, once.
    All(HashMap<i64, Vec<u16>>),
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
        let indexed: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master \
             WHERE type = 'index' AND name = 'session_vlans_session')",
            [],
            |r| r.get(0),
        )?;
        if indexed {
            return Ok(Lookups {
                paths,
                vlans: Vlans::PerSession,
            });
        }
        let mut vlans: HashMap<i64, Vec<u16>> = HashMap::new();
        let mut st = conn.prepare("SELECT session_id, vlan FROM session_vlans ORDER BY vlan")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u16>(1)?)))?;
        for row in rows {
            let (id, vlan) = row?;
            vlans.entry(id).or_default().push(vlan);
        }
        Ok(Lookups {
            paths,
            vlans: Vlans::All(vlans),
        })
    }

    /// The VLAN IDs of session `id`, ascending.
    fn vlans(&mut self, conn: &Connection, id: i64) -> rusqlite::Result<Vec<u16>> {
        match &mut self.vlans {
            Vlans::All(map) => Ok(map.remove(&id).unwrap_or_default()),
            Vlans::PerSession => {
                let mut st = conn.prepare_cached(
                    "SELECT vlan FROM session_vlans WHERE session_id = ?1 ORDER BY vlan",
                )?;
                let rows = st.query_map([id], |r| r.get::<_, u16>(0))?;
                rows.collect()
            }
        }
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
        vlans: look.vlans(conn, id)?,
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

/// `head` (a query over `sessions s` ending in a `WHERE` condition) and
/// the conditions of `expr` and the time bounds of `opts`, with the
/// values of its placeholders.
pub(crate) fn where_clause(
    head: &str,
    expr: &Expr,
    opts: &SearchOptions,
) -> Result<(String, Vec<SqlValue>), StoreError> {
    where_clause_of(head, to_sql(expr), opts)
}

fn where_clause_of(
    head: &str,
    translated: Result<(String, Vec<SqlValue>), super::sql::SqlError>,
    opts: &SearchOptions,
) -> Result<(String, Vec<SqlValue>), StoreError> {
    let (cond, mut values) = translated.map_err(|e| format!("expression: {e}"))?;
    let mut sql = String::from(head);
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
    Ok((sql, values))
}

impl SessionStore {
    /// The sessions matching `expr` (an empty `and`, `Expr::And(vec![])`,
    /// matches all) and `opts`, in the order of `opts.sort` (first packet
    /// by default; ties in id order); an
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
        let mut look = Lookups::read(&self.conn)?;
        if let Some(rows) = self.first_of_window(expr, opts, &mut look)? {
            for row in rows {
                each(row)?;
            }
            return Ok(());
        }
        let (mut sql, mut values) = where_clause(SELECT, expr, opts)?;
        sql.push_str(" ORDER BY ");
        sql.push_str(&opts.sort.order_by(opts.descending));
        if let Some(n) = opts.limit {
            sql.push_str(" LIMIT ?");
            values.push(SqlValue::Int(i64::try_from(n).unwrap_or(i64::MAX)));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        while let Some(r) = rows.next()? {
            each(read_row(&self.conn, r, &mut look)?)?;
        }
        Ok(())
    }

    /// A search with a small limit in an indexed order (first packet
    /// time, id), answered from the first [`WINDOW`] sessions in that
    /// order if they hold enough matches; `None` when they do not (or the
    /// search is not of that kind).
    ///
    /// Why: a common value (`http.request.method == "GET"`, a browser's
    /// JA3) is in a large share of sessions, and `s.id IN (...)` would
    /// gather and sort all of them to list twenty; the first few thousand
    /// sessions in order, each tested with a lookup of its own metadata,
    /// hold those twenty. A rare value is not found there, and the search
    /// runs as usual, from its index, after this cheap try.
    fn first_of_window(
        &self,
        expr: &Expr,
        opts: &SearchOptions,
        look: &mut Lookups,
    ) -> Result<Option<Vec<SessionRow>>, StoreError> {
        let Some(limit) = opts.limit else {
            return Ok(None);
        };
        if limit == 0
            || limit > WINDOW_LIMIT
            || !matches!(opts.sort, SortKey::FirstTs | SortKey::Id)
        {
            return Ok(None);
        }
        let order = opts.sort.order_by(opts.descending);
        let head = SELECT.replace(
            "FROM sessions s WHERE 1",
            &format!("FROM (SELECT * FROM sessions s ORDER BY {order} LIMIT {WINDOW}) s WHERE 1"),
        );
        let (mut sql, mut values) = where_clause_of(&head, to_sql_correlated(expr), opts)?;
        sql.push_str(" ORDER BY ");
        sql.push_str(&order);
        sql.push_str(" LIMIT ?");
        values.push(SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut ids = Vec::new();
        while let Some(r) = rows.next()? {
            ids.push(r.get::<_, i64>(0)?);
        }
        drop(rows);
        // Fewer than asked: later sessions may match too (or none do);
        // only the whole search can tell.
        if (ids.len() as u64) < limit {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(ids.len());
        let mut one = self
            .conn
            .prepare_cached(&format!("{SELECT} AND s.id = ?1"))?;
        for id in ids {
            let mut rows = one.query([id])?;
            if let Some(r) = rows.next()? {
                out.push(read_row(&self.conn, r, look)?);
            }
        }
        Ok(Some(out))
    }

    /// How many sessions match `expr` and `opts` (at most `opts.limit`),
    /// counted in SQLite without reading them: a search answered by an
    /// index costs what the index lookup costs.
    pub fn count(&self, expr: &Expr, opts: &SearchOptions) -> Result<u64, StoreError> {
        // `KEY == "v"` alone: its rows of `session_meta` are the answer,
        // counted in the index without visiting the sessions (each row is
        // a distinct session unless values that differ fold alike).
        if let (Expr::Prim(Primitive::Field(test)), None, None) =
            (expr, opts.since_ns, opts.until_ns)
            && let FieldOp::Eq(v) = &test.op
        {
            let (what, v) = if meta::is_case_insensitive(test.key) {
                ("DISTINCT session_id", v.to_ascii_lowercase())
            } else {
                ("*", v.clone())
            };
            let n: i64 = self.conn.query_row(
                &format!("SELECT count({what}) FROM session_meta WHERE key = ?1 AND folded = ?2"),
                rusqlite::params![test.key, v],
                |r| r.get(0),
            )?;
            let n = u64::try_from(n).unwrap_or(0);
            return Ok(opts.limit.map_or(n, |l| n.min(l)));
        }
        let (sql, values) = where_clause("SELECT count(*) FROM sessions s WHERE 1", expr, opts)?;
        let n: i64 = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(values), |r| r.get(0))?;
        let n = u64::try_from(n).unwrap_or(0);
        Ok(opts.limit.map_or(n, |l| n.min(l)))
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
