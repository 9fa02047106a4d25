//! Translating a filter [`Expr`] into an SQL `WHERE` condition over a
//! sessions table, for session search.
//!
//! Column convention (the session index must store sessions this way):
//!
//! | column | type | content |
//! | --- | --- | --- |
//! | `proto` | INTEGER | IP protocol number |
//! | `ip_version` | INTEGER | 4 or 6 |
//! | `src_ip` | BLOB | the initiator's address, 16 bytes: IPv6 as is, IPv4 mapped into `::ffff:0:0/96` (see [`ip_to_blob`]) |
//! | `dst_ip` | BLOB | the responder's address, same encoding |
//! | `sport` | INTEGER | the initiator's port (0 if none) |
//! | `dport` | INTEGER | the responder's port (0 if none) |
//! | `vlan` | INTEGER, nullable | the outermost VLAN ID of the session's first packet, NULL if untagged |
//!
//! Sessions are bidirectional: `host X` matches a session where X is
//! either end; `src host X` one that X initiated (for TCP, the SYN
//! sender), `dst host X` one that X answered. Ports likewise. Address
//! blobs compare byte-wise (SQLite `memcmp` order), so a network is a
//! `BETWEEN` on the 16-byte form; networks also test `ip_version` so that
//! an IPv6 prefix such as `::/0` never matches mapped IPv4 sessions. `vlan
//! ID` compares the stored (outermost) tag, whereas the packet filter
//! accepts any of a frame's tags.
//!
//! The SQL uses only `?` placeholders; values come back separately as
//! [`SqlValue`]s, in order. No SQL library is involved.

use std::fmt::Write as _;
use std::net::IpAddr;

use super::ast::{Dir, Expr, Primitive};
use super::ipset::IpNet;

/// A value bound to a `?` placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlValue {
    /// An INTEGER.
    Int(i64),
    /// A 16-byte BLOB (an address, see [`ip_to_blob`]).
    Blob([u8; 16]),
}

/// An address in the `src_ip`/`dst_ip` column form: IPv6 as is, IPv4 as
/// the IPv4-mapped IPv6 address `::ffff:a.b.c.d`.
pub fn ip_to_blob(addr: IpAddr) -> [u8; 16] {
    match addr {
        IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
        IpAddr::V6(a) => a.octets(),
    }
}

struct Sql {
    text: String,
    values: Vec<SqlValue>,
}

impl Sql {
    fn by_dir(&mut self, dir: Dir, test: impl Fn(&mut Sql, &str)) {
        let (cols, join): (&[&str], &str) = match dir {
            Dir::Either => (&["src", "dst"], " OR "),
            Dir::Src => (&["src"], ""),
            Dir::Dst => (&["dst"], ""),
            Dir::Both => (&["src", "dst"], " AND "),
        };
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
        let _ = write!(self.text, "(ip_version = {version} AND ");
        self.by_dir(dir, |s, side| {
            if net.is_host() {
                let _ = write!(s.text, "{side}_ip = ?");
                s.values.push(SqlValue::Blob(ip_to_blob(net.addr())));
            } else {
                let _ = write!(s.text, "{side}_ip BETWEEN ? AND ?");
                s.values.push(SqlValue::Blob(ip_to_blob(net.addr())));
                s.values.push(SqlValue::Blob(ip_to_blob(net.last())));
            }
        });
        self.text.push(')');
    }

    fn prim(&mut self, p: &Primitive) {
        match p {
            Primitive::Host { dir, addr } => self.by_dir(*dir, |s, side| {
                let _ = write!(s.text, "{side}_ip = ?");
                s.values.push(SqlValue::Blob(ip_to_blob(*addr)));
            }),
            Primitive::Net { dir, net } => self.net(*dir, net),
            Primitive::Port { dir, first, last } => {
                self.text.push_str("(proto IN (6, 17, 132) AND ");
                self.by_dir(*dir, |s, side| {
                    let col = if side == "src" { "sport" } else { "dport" };
                    if first == last {
                        let _ = write!(s.text, "{col} = ?");
                        s.values.push(SqlValue::Int(i64::from(*first)));
                    } else {
                        let _ = write!(s.text, "{col} BETWEEN ? AND ?");
                        s.values.push(SqlValue::Int(i64::from(*first)));
                        s.values.push(SqlValue::Int(i64::from(*last)));
                    }
                });
                self.text.push(')');
            }
            Primitive::Proto(n) => {
                self.text.push_str("proto = ?");
                self.values.push(SqlValue::Int(i64::from(*n)));
            }
            Primitive::Ip => self.text.push_str("ip_version = 4"),
            Primitive::Ip6 => self.text.push_str("ip_version = 6"),
            Primitive::Vlan(None) => self.text.push_str("vlan IS NOT NULL"),
            Primitive::Vlan(Some(id)) => {
                self.text.push_str("vlan = ?");
                self.values.push(SqlValue::Int(i64::from(*id)));
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Prim(p) => self.prim(p),
            Expr::Not(inner) => {
                self.text.push_str("NOT (");
                self.expr(inner);
                self.text.push(')');
            }
            Expr::And(items) | Expr::Or(items) => {
                let (join, empty) = if matches!(e, Expr::And(_)) {
                    (" AND ", "1")
                } else {
                    (" OR ", "0")
                };
                if items.is_empty() {
                    self.text.push_str(empty);
                    return;
                }
                self.text.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(join);
                    }
                    self.expr(item);
                }
                self.text.push(')');
            }
        }
    }
}

impl Expr {
    /// This expression as an SQL condition over the sessions table
    /// described in the [module docs](self), with `?` placeholders and
    /// their values in order.
    ///
    /// ```
    /// use pcap_core::filter::{Filter, SqlValue};
    /// let f: Filter = "src host 10.0.0.1 and tcp".parse().unwrap();
    /// let (sql, values) = f.expr().to_sql();
    /// assert_eq!(sql, "(src_ip = ? AND proto = ?)");
    /// assert_eq!(values[1], SqlValue::Int(6));
    /// ```
    pub fn to_sql(&self) -> (String, Vec<SqlValue>) {
        let mut sql = Sql {
            text: String::new(),
            values: Vec::new(),
        };
        sql.expr(self);
        (sql.text, sql.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse::parse;

    fn sql(s: &str) -> (String, Vec<SqlValue>) {
        parse(s).unwrap().to_sql()
    }

    #[test]
    fn host_is_either_end_and_src_is_the_initiator() {
        let (text, values) = sql("host 10.0.0.1");
        assert_eq!(text, "(src_ip = ? OR dst_ip = ?)");
        let mapped = ip_to_blob("10.0.0.1".parse().unwrap());
        assert_eq!(&mapped[..12], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
        assert_eq!(values, vec![SqlValue::Blob(mapped), SqlValue::Blob(mapped)]);
        assert_eq!(sql("src host ::1").0, "src_ip = ?");
        assert_eq!(sql("src and dst host ::1").0, "(src_ip = ? AND dst_ip = ?)");
    }

    #[test]
    fn nets_ports_and_boolean_structure() {
        let (text, values) = sql("dst net 192.168.0.0/16 and not (port 53 or portrange 1-1023)");
        assert_eq!(
            text,
            "((ip_version = 4 AND dst_ip BETWEEN ? AND ?) AND NOT (((proto IN (6, 17, 132) AND (sport = ? OR dport = ?)) OR (proto IN (6, 17, 132) AND (sport BETWEEN ? AND ? OR dport BETWEEN ? AND ?)))))"
        );
        assert_eq!(values.len(), 8);
        assert_eq!(
            values[1],
            SqlValue::Blob(ip_to_blob("192.168.255.255".parse().unwrap()))
        );
        assert_eq!(values[4], SqlValue::Int(1));
        let (text, values) = sql("vlan 10 or vlan or ip6 or udp");
        assert_eq!(
            text,
            "(vlan = ? OR vlan IS NOT NULL OR ip_version = 6 OR proto = ?)"
        );
        assert_eq!(values, vec![SqlValue::Int(10), SqlValue::Int(17)]);
    }
}
