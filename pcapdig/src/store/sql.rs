//! Translating a filter expression ([`pcap_core::filter::Expr`], the tree
//! the filter crate parses) into an SQL `WHERE` condition over the store's
//! `sessions` table: the store owns its columns, so their names are known
//! here and nowhere in the filter crate.
//!
//! Columns read (the sessions table is aliased `s` in the query; see
//! [`super::schema`]):
//!
//! | column | type | content |
//! | --- | --- | --- |
//! | `s.id` | INTEGER | the session's id |
//! | `s.proto` | INTEGER | IP protocol number |
//! | `s.ip_version` | INTEGER | 4 or 6 |
//! | `s.src_ip` | BLOB | the initiator's address, 16 bytes: IPv6 as is, IPv4 mapped into `::ffff:0:0/96` (see [`ip_to_blob`]) |
//! | `s.dst_ip` | BLOB | the responder's address, same encoding |
//! | `s.sport` | INTEGER | the initiator's port (0 if none) |
//! | `s.dport` | INTEGER | the responder's port (0 if none) |
//!
//! and the table `session_vlans(session_id, vlan)` with one row per distinct
//! VLAN ID any packet of a session carried (any depth): `vlan N` matches a
//! session if any of its packets carried tag N, as the packet filter
//! accepts any of a frame's tags.
//!
//! Sessions are bidirectional: `host X` matches a session where X is
//! either end; `src host X` one that X initiated (for TCP, the SYN
//! sender), `dst host X` one that X answered. Ports likewise. Address
//! blobs compare byte-wise (SQLite `memcmp` order), so a network is a
//! `BETWEEN` on the 16-byte form; networks also test `ip_version` so that
//! an IPv6 prefix such as `::/0` never matches mapped IPv4 sessions.
//!
//! Primitives that describe single packets rather than sessions (byte
//! access such as `tcp[13]`, `ether host`, `ether proto`, `arp`,
//! `greater`, `less`, `len`) are an error ([`SqlError`]) naming the
//! primitive.
//!
//! # Large expressions
//!
//! An indicator list of ten thousand `host`/`net` alternatives must stay
//! within SQLite's limits (expression depth 1000, 32766 bound variables)
//! and be fast:
//!
//! * inside an `or`, hosts with the same direction become one `IN` list of
//!   inline blob literals (`s.src_ip IN (X'…', …)`), which SQLite answers
//!   with the `src_ip`/`dst_ip` indexes or one ephemeral-table probe per
//!   row;
//! * networks with the same direction and family become their merged
//!   ranges; many of them are searched with a join of a `VALUES` table of
//!   ranges against the sessions' address index;
//! * any other long `and`/`or` list is written as a balanced tree of
//!   parentheses (depth log₂ n, not n).
//!
//! Single primitives use `?` placeholders, their values returned in order
//! as [`SqlValue`]s; the merged lists are inline literals of the parsed
//! (typed) addresses and numbers, never text from the expression.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use pcap_core::filter::meta::{self, FieldOp, FieldTest};
use pcap_core::filter::{Dir, Expr, IpNet, IpSet, Primitive, merge_ports};

pub use super::rows::ip_to_blob;

/// A value bound to a `?` placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlValue {
    /// An INTEGER.
    Int(i64),
    /// A 16-byte BLOB (an address, see [`ip_to_blob`]).
    Blob([u8; 16]),
    /// A TEXT (a metadata key or value).
    Text(String),
}

/// An expression the session index cannot answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlError {
    /// A primitive about single packets (its text is given).
    Unsupported(String),
}

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlError::Unsupported(p) => write!(
                f,
                "`{p}` cannot be searched in the session index (it tests single packets, not sessions)"
            ),
        }
    }
}

impl std::error::Error for SqlError {}

/// Lists longer than this are written as balanced trees.
const FLAT_LIST: usize = 8;

/// More network ranges than this (per direction and family) are searched
/// with a join rather than a chain of `BETWEEN`s.
const RANGE_JOIN: usize = 16;

/// The column prefixes a direction tests, and how their tests combine.
fn sides(dir: Dir) -> (&'static [&'static str], &'static str) {
    match dir {
        Dir::Either => (&["src", "dst"], " OR "),
        Dir::Src => (&["src"], ""),
        Dir::Dst => (&["dst"], ""),
        Dir::Both => (&["src", "dst"], " AND "),
    }
}

fn blob_literal(out: &mut String, b: &[u8; 16]) {
    out.push_str("X'");
    for byte in b {
        let _ = write!(out, "{byte:02x}");
    }
    out.push('\'');
}

/// One merged term of an `or`, written when its place comes.
type Group = Box<dyn Fn(&mut Sql)>;

struct Sql {
    text: String,
    values: Vec<SqlValue>,
    /// Write values as literals instead of `?` placeholders (when there
    /// would be more than SQLite's variable limit).
    inline: bool,
    /// Metadata tests as correlated `EXISTS` lookups of the row's
    /// session (see [`to_sql_correlated`]) instead of `s.id IN (...)`.
    correlated: bool,
}

/// SQLite's default maximum number of bound variables (since 3.32).
const MAX_VARIABLES: usize = 32_766;

impl Sql {
    /// A value: a `?` placeholder (its value kept), or a literal.
    fn value(&mut self, v: SqlValue) {
        if self.inline {
            match v {
                SqlValue::Int(i) => {
                    let _ = write!(self.text, "{i}");
                }
                SqlValue::Blob(b) => blob_literal(&mut self.text, &b),
                SqlValue::Text(t) => {
                    self.text.push('\'');
                    self.text.push_str(&t.replace('\'', "''"));
                    self.text.push('\'');
                }
            }
        } else {
            self.text.push('?');
            self.values.push(v);
        }
    }

    fn by_dir(&mut self, dir: Dir, test: impl Fn(&mut Sql, &str)) {
        let (cols, join) = sides(dir);
        if cols.len() > 1 {
            self.text.push('(');
        }
        for (i, col) in cols.iter().enumerate() {
            if i > 0 {
                self.text.push_str(join);
            }
            test(self, col);
        }
        if cols.len() > 1 {
            self.text.push(')');
        }
    }

    fn net(&mut self, dir: Dir, net: &IpNet) {
        let version = if net.addr().is_ipv4() { 4 } else { 6 };
        let _ = write!(self.text, "(s.ip_version = {version} AND ");
        self.by_dir(dir, |s, side| {
            if net.is_host() {
                let _ = write!(s.text, "s.{side}_ip = ");
                s.value(SqlValue::Blob(ip_to_blob(net.addr())));
            } else {
                let _ = write!(s.text, "s.{side}_ip BETWEEN ");
                s.value(SqlValue::Blob(ip_to_blob(net.addr())));
                s.text.push_str(" AND ");
                s.value(SqlValue::Blob(ip_to_blob(net.last())));
            }
        });
        self.text.push(')');
    }

    fn prim(&mut self, p: &Primitive) -> Result<(), SqlError> {
        match p {
            Primitive::Host { dir, addr } => self.by_dir(*dir, |s, side| {
                let _ = write!(s.text, "s.{side}_ip = ");
                s.value(SqlValue::Blob(ip_to_blob(*addr)));
            }),
            Primitive::Net { dir, net } => self.net(*dir, net),
            Primitive::Port { dir, first, last } => {
                self.text.push_str("(s.proto IN (6, 17, 132) AND ");
                self.by_dir(*dir, |s, side| {
                    let col = if side == "src" { "sport" } else { "dport" };
                    if first == last {
                        let _ = write!(s.text, "s.{col} = ");
                        s.value(SqlValue::Int(i64::from(*first)));
                    } else {
                        let _ = write!(s.text, "s.{col} BETWEEN ");
                        s.value(SqlValue::Int(i64::from(*first)));
                        s.text.push_str(" AND ");
                        s.value(SqlValue::Int(i64::from(*last)));
                    }
                });
                self.text.push(')');
            }
            Primitive::Proto(n) => {
                self.text.push_str("s.proto = ");
                self.value(SqlValue::Int(i64::from(*n)));
            }
            Primitive::Ip => self.text.push_str("s.ip_version = 4"),
            Primitive::Ip6 => self.text.push_str("s.ip_version = 6"),
            Primitive::Vlan(None) => {
                self.text
                    .push_str("s.id IN (SELECT session_id FROM session_vlans)");
            }
            Primitive::Vlan(Some(id)) => {
                self.text
                    .push_str("s.id IN (SELECT session_id FROM session_vlans WHERE vlan = ");
                self.value(SqlValue::Int(i64::from(*id)));
                self.text.push(')');
            }
            Primitive::EtherHost { .. } | Primitive::EtherProto(_) | Primitive::Compare { .. } => {
                return Err(SqlError::Unsupported(p.to_string()));
            }
            Primitive::Field(test) => self.field(test),
        }
        Ok(())
    }

    /// A test on session metadata: the sessions with a `session_meta` row
    /// of the key that passes. Equality and `in` are lookups in the
    /// table's `(key, folded)` order; `folded` is a DNS name in lower
    /// case, so the values asked for are lowered too.
    fn field(&mut self, test: &FieldTest) {
        let fold = |v: &str| {
            if meta::is_case_insensitive(test.key) {
                v.to_ascii_lowercase()
            } else {
                v.to_owned()
            }
        };
        let key = SqlValue::Text(test.key.to_owned());
        let (open, not_open) = if self.correlated {
            (
                "EXISTS (SELECT 1 FROM session_meta WHERE session_id = s.id AND key = ",
                "NOT EXISTS (SELECT 1 FROM session_meta WHERE session_id = s.id AND key = ",
            )
        } else {
            (
                "s.id IN (SELECT session_id FROM session_meta WHERE key = ",
                "s.id NOT IN (SELECT session_id FROM session_meta WHERE key = ",
            )
        };
        match &test.op {
            FieldOp::Exists => {
                self.text.push_str(open);
                self.value(key);
                self.text.push(')');
            }
            FieldOp::Eq(v) => {
                self.text.push_str(open);
                self.value(key);
                self.text.push_str(" AND folded = ");
                self.value(SqlValue::Text(fold(v)));
                self.text.push(')');
            }
            FieldOp::Ne(v) => {
                // Wireshark's `!=`: has values, none of them this one.
                self.text.push('(');
                self.text.push_str(open);
                self.value(key.clone());
                self.text.push_str(") AND ");
                self.text.push_str(not_open);
                self.value(key);
                self.text.push_str(" AND folded = ");
                self.value(SqlValue::Text(fold(v)));
                self.text.push_str("))");
            }
            FieldOp::Contains(v) => {
                self.text.push_str(open);
                self.value(key);
                self.text.push_str(" AND instr(folded, ");
                self.value(SqlValue::Text(fold(v)));
                self.text.push_str(") > 0)");
            }
            FieldOp::Matches(re) => {
                // `regexp(pattern, value)`, registered on every store
                // connection; DNS names match without regard to case.
                let pattern = if meta::is_case_insensitive(test.key) {
                    format!("(?i){re}")
                } else {
                    re.clone()
                };
                self.text.push_str(open);
                self.value(key);
                // A pattern anchored on literal text (`^www\.`) is first
                // a range of the `(key, folded)` order: an index lookup,
                // not a regex over every value of the key.
                let prefix = anchored_prefix(re, meta::is_case_insensitive(test.key));
                if let Some(last) = prefix.bytes().last() {
                    let mut upper = prefix[..prefix.len() - 1].to_owned();
                    // ASCII below DEL (see `anchored_prefix`): one more is
                    // still one byte of ASCII.
                    upper.push(char::from(last + 1));
                    self.text.push_str(" AND folded >= ");
                    self.value(SqlValue::Text(prefix));
                    self.text.push_str(" AND folded < ");
                    self.value(SqlValue::Text(upper));
                }
                self.text.push_str(" AND regexp(");
                self.value(SqlValue::Text(pattern));
                self.text.push_str(", value))");
            }
            FieldOp::In(values) => {
                self.text.push_str(open);
                self.value(key);
                self.text.push_str(" AND folded IN (");
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    self.value(SqlValue::Text(fold(v)));
                }
                self.text.push_str("))");
            }
            FieldOp::Cmp(op, n) => {
                self.text.push_str(open);
                self.value(key);
                let _ = write!(self.text, " AND CAST(value AS INTEGER) {} ", op.symbol());
                self.value(SqlValue::Int(i64::try_from(*n).unwrap_or(i64::MAX)));
                self.text.push(')');
            }
        }
    }

    /// `items` joined with `join`, as a balanced tree when long.
    fn list<T>(
        &mut self,
        items: &[T],
        join: &str,
        each: &mut impl FnMut(&mut Sql, &T) -> Result<(), SqlError>,
    ) -> Result<(), SqlError> {
        self.text.push('(');
        if items.len() <= FLAT_LIST {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.text.push_str(join);
                }
                each(self, item)?;
            }
        } else {
            let (a, b) = items.split_at(items.len() / 2);
            self.list(a, join, each)?;
            self.text.push_str(join);
            self.list(b, join, each)?;
        }
        self.text.push(')');
        Ok(())
    }

    /// Hosts (same direction): `s.src_ip IN (...)`.
    fn host_set(&mut self, dir: Dir, hosts: &[IpAddr]) {
        let mut list = String::with_capacity(hosts.len() * 36);
        for (i, h) in hosts.iter().enumerate() {
            if i > 0 {
                list.push_str(", ");
            }
            blob_literal(&mut list, &ip_to_blob(*h));
        }
        self.by_dir(dir, |s, side| {
            let _ = write!(s.text, "s.{side}_ip IN ({list})");
        });
    }

    /// Networks (same direction and family), merged into ranges.
    fn range_set(&mut self, dir: Dir, version: u8, ranges: &[([u8; 16], [u8; 16])]) {
        if ranges.len() <= RANGE_JOIN {
            let _ = write!(self.text, "(s.ip_version = {version} AND ");
            self.by_dir(dir, |s, side| {
                s.text.push('(');
                for (i, (lo, hi)) in ranges.iter().enumerate() {
                    if i > 0 {
                        s.text.push_str(" OR ");
                    }
                    let _ = write!(s.text, "s.{side}_ip BETWEEN ");
                    blob_literal(&mut s.text, lo);
                    s.text.push_str(" AND ");
                    blob_literal(&mut s.text, hi);
                }
                s.text.push(')');
            });
            self.text.push(')');
            return;
        }
        // One index range scan per network, driven by the ranges: the
        // cost grows with the ranges and the matches, not the table.
        let mut values = String::with_capacity(ranges.len() * 76);
        for (i, (lo, hi)) in ranges.iter().enumerate() {
            values.push_str(if i > 0 { ", (" } else { "(" });
            blob_literal(&mut values, lo);
            values.push_str(", ");
            blob_literal(&mut values, hi);
            values.push(')');
        }
        // CROSS JOIN makes the ranges the outer loop (SQLite never
        // reorders it); the family test stays outside the subquery, where
        // it cannot lure the planner away from the address index (inside,
        // it chose an automatic index on `ip_version`: 7 s instead of
        // 0.01 s on 100,000 sessions).
        let _ = write!(self.text, "(s.ip_version = {version} AND ");
        self.by_dir(dir, |s, side| {
            let _ = write!(
                s.text,
                "s.id IN (SELECT n.id FROM (VALUES {values}) AS r \
                 CROSS JOIN sessions AS n ON n.{side}_ip BETWEEN r.column1 AND r.column2)"
            );
        });
        self.text.push(')');
    }

    /// An `or` list: address and port alternatives merged per direction,
    /// the rest as a (balanced) list.
    /// Ports (same direction), merged into ranges: single ports as an
    /// `IN` list, ranges as `BETWEEN`s (or a join when many).
    fn port_set(&mut self, dir: Dir, proto: Option<u8>, ranges: &[(u16, u16)]) {
        let singles: Vec<String> = ranges
            .iter()
            .filter(|r| r.0 == r.1)
            .map(|r| r.0.to_string())
            .collect();
        let spans: Vec<(u16, u16)> = ranges.iter().copied().filter(|r| r.0 != r.1).collect();
        let singles = singles.join(", ");
        match proto {
            Some(p) => {
                let _ = write!(self.text, "(s.proto = {p} AND ");
            }
            None => self.text.push_str("(s.proto IN (6, 17, 132) AND "),
        }
        self.by_dir(dir, |s, side| {
            let col = if side == "src" { "sport" } else { "dport" };
            let mut terms = Vec::new();
            if !singles.is_empty() {
                terms.push(format!("s.{col} IN ({singles})"));
            }
            if spans.len() > RANGE_JOIN {
                let values: Vec<String> =
                    spans.iter().map(|(a, b)| format!("({a}, {b})")).collect();
                terms.push(format!(
                    "s.id IN (SELECT n.id FROM (VALUES {}) AS r \
                     CROSS JOIN sessions AS n ON n.{col} BETWEEN r.column1 AND r.column2)",
                    values.join(", ")
                ));
            } else {
                terms.extend(
                    spans
                        .iter()
                        .map(|(a, b)| format!("s.{col} BETWEEN {a} AND {b}")),
                );
            }
            s.text.push('(');
            s.text.push_str(&terms.join(" OR "));
            s.text.push(')');
        });
        self.text.push(')');
    }

    /// An `or` list: address and port alternatives merged per direction,
    /// the rest as a (balanced) list.
    fn or(&mut self, items: &[Expr]) -> Result<(), SqlError> {
        let mut hosts: [Vec<IpAddr>; 4] = Default::default();
        let mut nets: [Vec<IpNet>; 3] = Default::default();
        let mut ports: [Vec<(u16, u16)>; 3] = Default::default();
        // `tcp port N` (`tcp and port N`) alternatives, by protocol.
        let mut proto_ports: std::collections::BTreeMap<(u8, usize), Vec<(u16, u16)>> =
            Default::default();
        let mut rest: Vec<&Expr> = Vec::new();
        let slot = |d: Dir| match d {
            Dir::Either => Some(0),
            Dir::Src => Some(1),
            Dir::Dst => Some(2),
            Dir::Both => None,
        };
        for item in items {
            match item {
                Expr::Prim(Primitive::Host { dir, addr }) => {
                    hosts[slot(*dir).unwrap_or(3)].push(*addr);
                }
                Expr::Prim(Primitive::Net { dir, net }) if slot(*dir).is_some() => {
                    nets[slot(*dir).expect("checked")].push(*net);
                }
                Expr::Prim(Primitive::Port { dir, first, last }) if slot(*dir).is_some() => {
                    ports[slot(*dir).expect("checked")].push((*first, *last));
                }
                Expr::And(pair) if pair.len() == 2 => match (&pair[0], &pair[1]) {
                    (
                        Expr::Prim(Primitive::Proto(p)),
                        Expr::Prim(Primitive::Port { dir, first, last }),
                    ) if slot(*dir).is_some() && matches!(p, 6 | 17 | 132) => {
                        let key = (*p, slot(*dir).expect("checked"));
                        proto_ports.entry(key).or_default().push((*first, *last));
                    }
                    _ => rest.push(item),
                },
                other => rest.push(other),
            }
        }
        let dirs = [Dir::Either, Dir::Src, Dir::Dst, Dir::Both];
        // Each group is one SQL term; few enough that nothing nests deeply.
        let mut groups: Vec<Group> = Vec::new();
        for (i, mut group) in hosts.into_iter().enumerate() {
            group.sort_unstable();
            group.dedup();
            let dir = dirs[i];
            match group.len() {
                0 => {}
                1 => {
                    let addr = group[0];
                    groups.push(Box::new(move |s: &mut Sql| {
                        let _ = s.prim(&Primitive::Host { dir, addr });
                    }));
                }
                // `src and dst host A or src and dst host B`: both ends
                // are the same address, one of the list.
                _ if dir == Dir::Both => groups.push(Box::new(move |s: &mut Sql| {
                    s.text.push_str("(s.src_ip = s.dst_ip AND ");
                    s.host_set(Dir::Src, &group);
                    s.text.push(')');
                })),
                _ => groups.push(Box::new(move |s: &mut Sql| s.host_set(dir, &group))),
            }
        }
        for (i, group) in ports.into_iter().enumerate() {
            let dir = dirs[i];
            match group.len() {
                0 => {}
                1 => {
                    let (first, last) = group[0];
                    groups.push(Box::new(move |s: &mut Sql| {
                        let _ = s.prim(&Primitive::Port { dir, first, last });
                    }));
                }
                _ => {
                    let merged = merge_ports(group);
                    groups.push(Box::new(move |s: &mut Sql| s.port_set(dir, None, &merged)));
                }
            }
        }
        for ((proto, i), group) in proto_ports {
            let dir = dirs[i];
            let merged = merge_ports(group);
            groups.push(Box::new(move |s: &mut Sql| {
                s.port_set(dir, Some(proto), &merged)
            }));
        }
        for (i, group) in nets.into_iter().enumerate() {
            let dir = dirs[i];
            if group.len() == 1 {
                let net = group[0];
                groups.push(Box::new(move |s: &mut Sql| s.net(dir, &net)));
                continue;
            }
            if group.is_empty() {
                continue;
            }
            let set = IpSet::from_nets(group);
            let v4: Vec<([u8; 16], [u8; 16])> = set
                .v4_ranges()
                .iter()
                .map(|&(a, b)| {
                    (
                        ip_to_blob(IpAddr::V4(Ipv4Addr::from(a))),
                        ip_to_blob(IpAddr::V4(Ipv4Addr::from(b))),
                    )
                })
                .collect();
            let v6: Vec<([u8; 16], [u8; 16])> = set
                .v6_ranges()
                .iter()
                .map(|&(a, b)| (Ipv6Addr::from(a).octets(), Ipv6Addr::from(b).octets()))
                .collect();
            if !v4.is_empty() {
                groups.push(Box::new(move |s: &mut Sql| s.range_set(dir, 4, &v4)));
            }
            if !v6.is_empty() {
                groups.push(Box::new(move |s: &mut Sql| s.range_set(dir, 6, &v6)));
            }
        }
        let total = groups.len() + rest.len();
        if total == 1 && groups.len() == 1 {
            groups[0](self);
            return Ok(());
        }
        enum Term<'e> {
            Group(usize),
            Expr(&'e Expr),
        }
        let terms: Vec<Term<'_>> = (0..groups.len())
            .map(Term::Group)
            .chain(rest.into_iter().map(Term::Expr))
            .collect();
        self.list(&terms, " OR ", &mut |s, t| match t {
            Term::Group(i) => {
                groups[*i](s);
                Ok(())
            }
            Term::Expr(e) => s.expr(e),
        })
    }

    fn expr(&mut self, e: &Expr) -> Result<(), SqlError> {
        match e {
            Expr::Prim(p) => self.prim(p),
            Expr::Not(inner) => {
                self.text.push_str("NOT (");
                self.expr(inner)?;
                self.text.push(')');
                Ok(())
            }
            Expr::And(items) if items.is_empty() => {
                self.text.push('1');
                Ok(())
            }
            Expr::Or(items) if items.is_empty() => {
                self.text.push('0');
                Ok(())
            }
            Expr::And(items) => self.list(items, " AND ", &mut |s, e| s.expr(e)),
            Expr::Or(items) => self.or(items),
        }
    }
}

/// The literal text that every value matching `re` starts with (as
/// `folded` holds it), when `re` is anchored at the start (`^www\.` →
/// `www.`); empty when it is not or nothing literal follows the `^`.
///
/// Conservative: it stops at the first character that is not plainly
/// literal (a class, group, `.`, escape other than an escaped
/// metacharacter) and drops a character a quantifier follows; a `|`
/// anywhere (the anchor may belong to one alternative only) gives none.
/// For a key compared without regard to case (`case_insensitive`, the
/// pattern then runs with `(?i)` and `folded` is in ASCII lower case) the
/// prefix is lowered, and it stops at `k` and `s`, which `(?i)` also
/// matches as the non-ASCII `K` (Kelvin) and `ſ`, left as they are in
/// `folded`.
pub fn anchored_prefix(re: &str, case_insensitive: bool) -> String {
    let mut out = String::new();
    let Some(rest) = re.strip_prefix('^') else {
        return out;
    };
    if rest.contains('|') {
        return out;
    }
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        let lit = match c {
            '\\' => match chars.next() {
                Some(e) if ".+*?()|[]{}^$\\/-#&~".contains(e) => e,
                _ => break,
            },
            c if c.is_ascii_alphanumeric() || " _-/:@=,;%!\"'<>~`".contains(c) => c,
            _ => break,
        };
        if matches!(chars.peek(), Some('?' | '*' | '+' | '{')) {
            break;
        }
        let lit = if case_insensitive {
            if matches!(lit.to_ascii_lowercase(), 'k' | 's') {
                break;
            }
            lit.to_ascii_lowercase()
        } else {
            lit
        };
        out.push(lit);
    }
    out
}

/// `expr` as an SQL condition over the sessions table described in the
/// [module docs](self), with `?` placeholders and their values in order;
/// an error names a primitive the session index cannot answer
/// (`tcp[13] & 2 != 0`, `ether host ...`).
///
/// ```
/// use pcap_core::filter::Filter;
/// use pcapdig::store::sql::{SqlValue, to_sql};
/// let f: Filter = "src host 10.0.0.1 and tcp".parse().unwrap();
/// let (sql, values) = to_sql(f.expr()).unwrap();
/// assert_eq!(sql, "(s.src_ip = ? AND s.proto = ?)");
/// assert_eq!(values[1], SqlValue::Int(6));
/// let err = to_sql("tcp[13] & 2 != 0".parse::<Filter>().unwrap().expr()).unwrap_err();
/// assert!(err.to_string().starts_with("`tcp[13] & 2 != 0` cannot be searched"));
/// ```
pub fn to_sql(expr: &Expr) -> Result<(String, Vec<SqlValue>), SqlError> {
    translate(expr, false)
}

/// [`to_sql`] with each metadata test a correlated lookup of the row's
/// own session (`EXISTS (SELECT 1 FROM session_meta WHERE session_id =
/// s.id AND key = ? ...)`, the `session_id` index): the form for testing
/// a few rows already chosen (the first sessions in an indexed order),
/// where `s.id IN (...)` would first gather every session with the value.
pub fn to_sql_correlated(expr: &Expr) -> Result<(String, Vec<SqlValue>), SqlError> {
    translate(expr, true)
}

fn translate(expr: &Expr, correlated: bool) -> Result<(String, Vec<SqlValue>), SqlError> {
    let mut sql = Sql {
        text: String::new(),
        values: Vec::new(),
        inline: false,
        correlated,
    };
    sql.expr(expr)?;
    if sql.values.len() > MAX_VARIABLES {
        // Too many placeholders for SQLite: the same, with literals.
        sql = Sql {
            text: String::new(),
            values: Vec::new(),
            inline: true,
            correlated,
        };
        sql.expr(expr)?;
    }
    Ok((sql.text, sql.values))
}

impl rusqlite::ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            SqlValue::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            SqlValue::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(&b[..])),
            SqlValue::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_core::filter::Filter;

    /// The parsed expression of `s`.
    fn parse(s: &str) -> Parsed {
        Parsed(Filter::parse(s).unwrap())
    }

    struct Parsed(Filter);

    impl Parsed {
        fn to_sql(&self) -> Result<(String, Vec<SqlValue>), SqlError> {
            to_sql(self.0.expr())
        }
    }

    fn sql(s: &str) -> (String, Vec<SqlValue>) {
        parse(s).to_sql().unwrap()
    }

    #[test]
    fn anchored_literal_prefixes() {
        for (re, ci, prefix) in [
            (r"^www\.", false, "www."),
            (r"^WWW\.Ex", true, "www.ex"),
            (r"^www[0-9]+\.", false, "www"),
            (r"^abc?d", false, "ab"),
            (r"^ab*", false, "a"),
            (r"^a{2}", false, ""),
            (r"^a.b", false, "a"),
            (r"^\d+", false, ""),
            (r"^/api/v1\?x=", false, "/api/v1?x="),
            (r"^www|mail", false, ""),
            (r"www\.", false, ""),
            (r"^(?i)www", false, ""),
            (r"^mask", true, "ma"),
            (r"^Kb", true, ""),
            (r"^é", false, ""),
            (r"^\<", false, ""),
        ] {
            assert_eq!(anchored_prefix(re, ci), prefix, "{re}");
        }
        let (text, values) = sql(r#"dns.qry.name matches "^WWW\\.host1""#);
        assert!(
            text.contains("folded >= ? AND folded < ? AND regexp(?, value)"),
            "{text}"
        );
        // Up to the `s` that `(?i)` also matches as `ſ`.
        assert_eq!(values[1], SqlValue::Text("www.ho".into()));
        assert_eq!(values[2], SqlValue::Text("www.hp".into()));
        let (_, values) = sql(r#"http.host matches "^www\\.host1""#);
        assert_eq!(values[1], SqlValue::Text("www.host1".into()));
        assert_eq!(values[2], SqlValue::Text("www.host2".into()));
        let (text, _) = sql(r#"http.host matches "host""#);
        assert!(!text.contains("folded >="), "{text}");
    }

    #[test]
    fn host_is_either_end_and_src_is_the_initiator() {
        let (text, values) = sql("host 10.0.0.1");
        assert_eq!(text, "(s.src_ip = ? OR s.dst_ip = ?)");
        let mapped = ip_to_blob("10.0.0.1".parse().unwrap());
        assert_eq!(&mapped[..12], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
        assert_eq!(values, vec![SqlValue::Blob(mapped), SqlValue::Blob(mapped)]);
        assert_eq!(sql("src host ::1").0, "s.src_ip = ?");
        assert_eq!(
            sql("src and dst host ::1").0,
            "(s.src_ip = ? AND s.dst_ip = ?)"
        );
    }

    #[test]
    fn nets_ports_and_boolean_structure() {
        let (text, values) = sql("dst net 192.168.0.0/16 and not (port 53 or portrange 1-1023)");
        assert_eq!(
            text,
            "((s.ip_version = 4 AND s.dst_ip BETWEEN ? AND ?) AND NOT ((s.proto IN (6, 17, 132) AND ((s.sport BETWEEN 1 AND 1023) OR (s.dport BETWEEN 1 AND 1023)))))"
        );
        assert_eq!(values.len(), 2);
        assert_eq!(
            values[1],
            SqlValue::Blob(ip_to_blob("192.168.255.255".parse().unwrap()))
        );
        let (text, values) = sql("vlan 10 or vlan or ip6 or udp");
        assert_eq!(
            text,
            "(s.id IN (SELECT session_id FROM session_vlans WHERE vlan = ?) OR s.id IN (SELECT session_id FROM session_vlans) OR s.ip_version = 6 OR s.proto = ?)"
        );
        assert_eq!(values, vec![SqlValue::Int(10), SqlValue::Int(17)]);
    }

    #[test]
    fn packet_primitives_are_named_errors() {
        for (expr, named) in [
            ("tcp[13] & 2 != 0", "`tcp[13] & 2 != 0`"),
            (
                "host 10.0.0.1 and ether host 00:11:22:33:44:55",
                "`ether host 00:11:22:33:44:55`",
            ),
            ("greater 100", "`len >= 100`"),
            ("less 64 or udp", "`len <= 64`"),
            ("not arp", "`arp`"),
            ("ether proto 0x88cc", "`ether proto 35020`"),
        ] {
            let err = parse(expr).to_sql().unwrap_err();
            assert!(err.to_string().starts_with(named), "{expr}: {err}");
            assert!(
                err.to_string()
                    .contains("cannot be searched in the session index")
            );
        }
    }

    #[test]
    fn many_hosts_become_in_lists_and_many_nets_a_range_join() {
        let mut text = String::from("host 10.0.0.1");
        for i in 2..2000u32 {
            let _ = write!(text, " or host 10.0.{}.{}", i / 256, i % 256);
        }
        for i in 0..100u32 {
            // Spaced out, so that they do not merge into fewer ranges.
            let _ = write!(text, " or net 172.{}.0.0/16", 16 + 2 * i);
            let _ = write!(text, " or src net 2001:db8:{:x}::/48", 2 * i);
        }
        let (sql, values) = parse(&text).to_sql().unwrap();
        assert!(values.is_empty(), "merged lists are inline literals");
        assert_eq!(sql.matches(" IN (X'").count(), 2, "one IN list per side");
        assert!(sql.contains("CROSS JOIN sessions AS n ON n.src_ip BETWEEN"));
        // Nesting stays shallow: no parenthesis depth beyond a few levels.
        let max = paren_depth(&sql);
        assert!(max < 10, "depth {max}");
    }

    /// The deepest parenthesis nesting of an SQL text.
    fn paren_depth(sql: &str) -> i32 {
        let (mut depth, mut max) = (0i32, 0);
        for c in sql.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            max = max.max(depth);
        }
        max
    }

    #[test]
    fn long_lists_of_other_terms_are_balanced() {
        let text = (0..3000)
            .map(|i| format!("(tcp and port {i} and vlan {})", i % 4000))
            .collect::<Vec<_>>()
            .join(" or ");
        let (sql, values) = parse(&text).to_sql().unwrap();
        assert_eq!(values.len(), 12000);
        // Beyond SQLite's variable limit, values are inline literals.
        let many = (0..12_000)
            .map(|i| format!("(udp and port {i} and vlan {})", i % 4000))
            .collect::<Vec<_>>()
            .join(" or ");
        let (big, none) = parse(&many).to_sql().unwrap();
        assert!(none.is_empty(), "{} values", none.len());
        assert!(big.contains("(s.sport = 11999 OR s.dport = 11999)"));
        // `tcp port N` alternatives merge per protocol.
        let tcp_ports = (0..3000)
            .map(|i| format!("tcp port {i}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let (merged, none) = parse(&tcp_ports).to_sql().unwrap();
        assert!(none.is_empty());
        assert_eq!(
            merged,
            "(s.proto = 6 AND ((s.sport BETWEEN 0 AND 2999) OR (s.dport BETWEEN 0 AND 2999)))"
        );
        // Plain ports merge into ranges and IN lists.
        let ports = (0..5000)
            .map(|i| format!("port {}", i * 3))
            .chain(["portrange 20000-30000".to_owned(), "port 30001".to_owned()])
            .collect::<Vec<_>>()
            .join(" or ");
        let (merged, none) = parse(&ports).to_sql().unwrap();
        assert!(none.is_empty());
        assert!(
            merged.contains("s.sport IN (0, 3, 6,"),
            "{}",
            &merged[..100]
        );
        assert!(merged.contains("s.dport BETWEEN 20000 AND 30001"));
        let max = paren_depth(&sql);
        assert!(max < 20, "depth {max}");
    }
}
