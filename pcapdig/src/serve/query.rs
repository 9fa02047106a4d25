//! A search as a request gives it (`q`, `since`, `until`, `limit`,
//! `offset`, `sort`), checked and run: the page and `/api/sessions` share
//! it, so they list the same sessions.
//!
//! Sorting is done here while the store lists in order of first packet
//! only: the first packet's time ascending streams (only the asked page
//! is kept); any other order keeps the best `offset + limit` rows while
//! the matches stream past (capped by [`Limits::max_sorted_window`]).
//! When the store gains a sort option, [`search_page`] is the one place
//! to hand it over.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use pcap_core::filter::{Expr, Filter};

use super::Limits;
use super::error::ApiError;
use crate::store::{SearchOptions, SessionRow, SessionStore};

/// The query string of a search (all optional).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct SearchParams {
    /// The expression, as `sessions` takes it.
    pub(crate) q: Option<String>,
    /// As `sessions --since`.
    pub(crate) since: Option<String>,
    /// As `sessions --until`.
    pub(crate) until: Option<String>,
    /// At most this many sessions (default: the server's cap for the
    /// API, 100 for the page).
    pub(crate) limit: Option<u64>,
    /// Skip this many first.
    pub(crate) offset: Option<u64>,
    /// A [`Sort`] field, `-` before it for descending.
    pub(crate) sort: Option<String>,
}

/// A field sessions can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The first packet's time (the store's own order).
    First,
    /// The last packet's time.
    Last,
    /// Last minus first.
    Duration,
    /// The session id.
    Id,
    /// IP protocol number.
    Proto,
    /// Initiator address.
    Src,
    /// Initiator port.
    Sport,
    /// Responder address.
    Dst,
    /// Responder port.
    Dport,
    /// Packets both ways.
    Packets,
    /// Bytes both ways.
    Bytes,
    /// Packets from the initiator.
    PacketsToServer,
    /// Bytes from the initiator.
    BytesToServer,
    /// Packets from the responder.
    PacketsToClient,
    /// Bytes from the responder.
    BytesToClient,
    /// The end reason.
    End,
    /// The Community ID.
    CommunityId,
}

/// The names `sort=` takes, and their fields (`first_ts`/`last_ts` as
/// `sessions --json` names them are accepted too).
const FIELDS: &[(&str, Field)] = &[
    ("first", Field::First),
    ("first_ts", Field::First),
    ("last", Field::Last),
    ("last_ts", Field::Last),
    ("duration", Field::Duration),
    ("id", Field::Id),
    ("proto", Field::Proto),
    ("src", Field::Src),
    ("sport", Field::Sport),
    ("dst", Field::Dst),
    ("dport", Field::Dport),
    ("packets", Field::Packets),
    ("bytes", Field::Bytes),
    ("packets_to_server", Field::PacketsToServer),
    ("bytes_to_server", Field::BytesToServer),
    ("packets_to_client", Field::PacketsToClient),
    ("bytes_to_client", Field::BytesToClient),
    ("end", Field::End),
    ("community_id", Field::CommunityId),
];

/// An order of sessions: a field, ascending or not; ties in order of
/// first packet, then id (the store's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The field.
    pub field: Field,
    /// Largest first.
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            field: Field::First,
            descending: false,
        }
    }
}

impl Sort {
    /// Parses `FIELD` or `-FIELD`.
    pub fn parse(text: &str) -> Result<Sort, String> {
        let t = text.trim();
        let (descending, name) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let field = FIELDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, f)| f)
            .ok_or_else(|| {
                let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
                format!(
                    "bad sort {text:?}: give one of {} (a leading - for descending)",
                    names.join(", ")
                )
            })?;
        Ok(Sort { field, descending })
    }

    /// The canonical name (`-bytes`).
    pub fn name(self) -> String {
        let name = FIELDS
            .iter()
            .find(|(_, f)| *f == self.field)
            .map_or("first", |(n, _)| n);
        if self.descending {
            format!("-{name}")
        } else {
            name.to_string()
        }
    }

    /// Whether this is the store's own order (nothing to sort).
    fn is_store_order(self) -> bool {
        self == Sort::default()
    }
}

/// A sort key: one of these per session, compared within one field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Num(i128),
    Text(String),
    Addr([u8; 16], u8),
}

fn key(field: Field, s: &SessionRow) -> Key {
    let addr = |a: std::net::IpAddr| {
        // IPv4 before IPv6, each in numeric order.
        let v = if a.is_ipv4() { 4 } else { 6 };
        Key::Addr(crate::store::rows::ip_to_blob(a), v)
    };
    match field {
        Field::First => Key::Num(s.first_ns.into()),
        Field::Last => Key::Num(s.last_ns.into()),
        Field::Duration => Key::Num(i128::from(s.last_ns) - i128::from(s.first_ns)),
        Field::Id => Key::Num(s.id.into()),
        Field::Proto => Key::Num(s.proto.into()),
        Field::Src => addr(s.src),
        Field::Sport => Key::Num(s.sport.into()),
        Field::Dst => addr(s.dst),
        Field::Dport => Key::Num(s.dport.into()),
        Field::Packets => Key::Num(s.packets.into()),
        Field::Bytes => Key::Num(s.bytes.into()),
        Field::PacketsToServer => Key::Num(s.packets_to_server.into()),
        Field::BytesToServer => Key::Num(s.bytes_to_server.into()),
        Field::PacketsToClient => Key::Num(s.packets_to_client.into()),
        Field::BytesToClient => Key::Num(s.bytes_to_client.into()),
        Field::End => Key::Text(
            s.end
                .map(crate::store::rows::end_reason_text)
                .unwrap_or("")
                .to_string(),
        ),
        Field::CommunityId => Key::Text(s.community_id.clone()),
    }
}

/// A row waiting in the heap, ordered by where it goes in the listing.
struct Ranked {
    key: Key,
    descending: bool,
    first_ns: i64,
    id: i64,
    row: SessionRow,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_key = self.key.cmp(&other.key);
        let by_key = if self.descending {
            by_key.reverse()
        } else {
            by_key
        };
        by_key
            .then(self.first_ns.cmp(&other.first_ns))
            .then(self.id.cmp(&other.id))
    }
}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}

/// A search checked and ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub(crate) expr: Expr,
    pub(crate) opts: SearchOptions,
    pub(crate) sort: Sort,
    pub(crate) offset: u64,
    pub(crate) limit: u64,
}

/// The expression of `q` (all sessions when absent or blank), checked as
/// `sessions` checks it: the parser's message with its caret, then the
/// store's refusal of what it cannot search (`tcp[13]`), both 400.
pub(crate) fn expression(q: Option<&str>, limits: &Limits) -> Result<Expr, ApiError> {
    let text = q.unwrap_or("");
    if text.len() > limits.max_expr {
        return Err(ApiError::bad_request(format!(
            "expression: longer than {} bytes",
            limits.max_expr
        )));
    }
    if text.trim().is_empty() {
        // An empty `and` is true: every session.
        return Ok(Expr::And(Vec::new()));
    }
    let filter = Filter::parse(text).map_err(ApiError::expression)?;
    let expr = filter.expr().clone();
    crate::store::sql::to_sql(&expr)
        .map_err(|e| ApiError::bad_request(format!("expression: {e}")))?;
    Ok(expr)
}

/// The time bounds of a request, parsed as `sessions --since/--until`.
pub(crate) fn time_bounds(
    since: Option<&str>,
    until: Option<&str>,
) -> Result<SearchOptions, ApiError> {
    let parse = |t: Option<&str>| {
        t.filter(|t| !t.trim().is_empty())
            .map(crate::sessions::parse_time)
            .transpose()
            .map_err(ApiError::bad_request)
    };
    Ok(SearchOptions {
        since_ns: parse(since)?,
        until_ns: parse(until)?,
        ..SearchOptions::default()
    })
}

impl SearchParams {
    /// Checks every parameter against `limits`; `default_limit` is the
    /// page size when `limit` is not given.
    pub(crate) fn check(&self, limits: &Limits, default_limit: u64) -> Result<Search, ApiError> {
        let expr = expression(self.q.as_deref(), limits)?;
        let opts = time_bounds(self.since.as_deref(), self.until.as_deref())?;
        let sort = match self.sort.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => Sort::parse(s).map_err(ApiError::bad_request)?,
            None => Sort::default(),
        };
        let limit = self.limit.unwrap_or(default_limit.min(limits.max_limit));
        if limit > limits.max_limit {
            return Err(ApiError::bad_request(format!(
                "limit {limit} is above {}: page through with offset",
                limits.max_limit
            )));
        }
        let offset = self.offset.unwrap_or(0);
        if !sort.is_store_order() && offset.saturating_add(limit) > limits.max_sorted_window {
            return Err(ApiError::bad_request(format!(
                "offset + limit is above {} when sorting by {}: narrow the search, or sort by first",
                limits.max_sorted_window,
                sort.name()
            )));
        }
        Ok(Search {
            expr,
            opts,
            sort,
            offset,
            limit,
        })
    }
}

/// Runs `search`: how many sessions match in all, and the page asked.
pub(crate) fn search_page(
    store: &SessionStore,
    search: &Search,
) -> Result<(u64, Vec<SessionRow>), crate::store::StoreError> {
    let (offset, limit) = (search.offset, search.limit);
    let mut total = 0u64;
    if search.sort.is_store_order() {
        let mut page = Vec::new();
        store.search_each(&search.expr, &search.opts, &mut |row| {
            if total >= offset && total - offset < limit {
                page.push(row);
            }
            total += 1;
            Ok(())
        })?;
        return Ok((total, page));
    }
    // The best `offset + limit` rows so far; the heap's top is the worst
    // of them, dropped when a better one comes.
    let keep = usize::try_from(offset.saturating_add(limit)).unwrap_or(usize::MAX);
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::new();
    let sort = search.sort;
    store.search_each(&search.expr, &search.opts, &mut |row| {
        total += 1;
        if keep == 0 {
            return Ok(());
        }
        let ranked = Ranked {
            key: key(sort.field, &row),
            descending: sort.descending,
            first_ns: row.first_ns,
            id: row.id,
            row,
        };
        if heap.len() < keep {
            heap.push(ranked);
        } else if heap.peek().is_some_and(|worst| ranked < *worst) {
            heap.pop();
            heap.push(ranked);
        }
        Ok(())
    })?;
    let sorted = heap.into_sorted_vec();
    let page = sorted
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .map(|r| r.row)
        .collect();
    Ok((total, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_and_name_themselves() {
        assert_eq!(Sort::parse("bytes").unwrap().name(), "bytes");
        let s = Sort::parse("-first_ts").unwrap();
        assert!(s.descending && s.field == Field::First);
        assert_eq!(s.name(), "-first");
        assert_eq!(Sort::parse("PACKETS").unwrap().field, Field::Packets);
        let e = Sort::parse("colour").unwrap_err();
        assert!(e.contains("colour") && e.contains("bytes"), "{e}");
        assert!(Sort::default().is_store_order());
    }

    #[test]
    fn parameters_are_capped() {
        let limits = Limits::default();
        let p = SearchParams {
            limit: Some(limits.max_limit + 1),
            ..SearchParams::default()
        };
        assert_eq!(p.check(&limits, 100).unwrap_err().status, 400);
        let p = SearchParams {
            sort: Some("bytes".into()),
            offset: Some(limits.max_sorted_window),
            ..SearchParams::default()
        };
        assert_eq!(p.check(&limits, 100).unwrap_err().status, 400);
        // The store's order streams: any offset.
        let p = SearchParams {
            offset: Some(u64::MAX),
            ..SearchParams::default()
        };
        assert!(p.check(&limits, 100).is_ok());
        let long = "host 10.0.0.1 or ".repeat(limits.max_expr / 16);
        let e = expression(Some(&long), &limits).unwrap_err();
        assert_eq!(e.status, 400);
    }

    #[test]
    fn expressions_fail_as_on_the_command_line() {
        let limits = Limits::default();
        let e = expression(Some("tcp port foo"), &limits).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.message.starts_with("expression: "), "{}", e.message);
        assert!(e.message.ends_with("\n           ^^^"), "{}", e.message);
        assert_eq!(e.parse.as_ref().map(|p| p.position()), Some(9));
        let e = expression(Some("tcp[13] & 2 != 0"), &limits).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(expression(Some("  "), &limits).is_ok());
        assert!(time_bounds(Some("2014-02-30"), None).is_err());
        assert!(time_bounds(Some(""), Some("2023-11-14")).is_ok());
    }
}
