//! Session search at indicator-list scale: the store's `to_sql` on 10,000 OR-ed
//! `host`/`net` terms (and the same list from an address file) against an
//! in-memory SQLite table shaped like the index's `sessions` (100,000
//! rows), checked session by session against the packet filter's verdict.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use pcap_core::filter::Filter;
use pcap_core::flow::PacketSummary;
use pcapdig::store::rows::ip_to_blob;
use pcapdig::store::sql::{SqlValue, to_sql};
use rusqlite::Connection;
use rusqlite::types::Value;

/// The columns and indexes of `sessions` that searches read (as in
/// pcapdig's `db.rs`), and `session_vlans`.
const SCHEMA: &str = "
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    proto INTEGER NOT NULL,
    ip_version INTEGER NOT NULL,
    src_ip BLOB NOT NULL,
    dst_ip BLOB NOT NULL,
    sport INTEGER NOT NULL,
    dport INTEGER NOT NULL,
    first_ts INTEGER NOT NULL
);
CREATE TABLE session_vlans (
    session_id INTEGER NOT NULL,
    vlan INTEGER NOT NULL,
    PRIMARY KEY (vlan, session_id)
) WITHOUT ROWID;
CREATE INDEX sessions_src_ip ON sessions(src_ip);
CREATE INDEX sessions_dst_ip ON sessions(dst_ip);
CREATE INDEX sessions_sport ON sessions(sport, proto);
CREATE INDEX sessions_dport ON sessions(dport, proto);
";

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Addresses from a pool small enough that the indicator list hits some.
fn addr(r: &mut Rng) -> IpAddr {
    if r.below(10) == 0 {
        IpAddr::V6(Ipv6Addr::new(
            0x2001,
            0xdb8,
            r.below(64) as u16,
            0,
            0,
            0,
            0,
            r.below(256) as u16,
        ))
    } else {
        IpAddr::V4(Ipv4Addr::new(
            10,
            r.below(40) as u8,
            r.below(256) as u8,
            r.below(256) as u8,
        ))
    }
}

struct Session {
    summary: PacketSummary,
}

fn sessions(n: usize) -> Vec<Session> {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|_| {
            let src = addr(&mut r);
            let dst = if src.is_ipv4() {
                IpAddr::V4(Ipv4Addr::new(
                    192,
                    168,
                    r.below(4) as u8,
                    r.below(256) as u8,
                ))
            } else {
                IpAddr::V6(Ipv6Addr::new(
                    0x2001,
                    0xdb8,
                    0xffff,
                    0,
                    0,
                    0,
                    0,
                    r.below(256) as u16,
                ))
            };
            // A few sessions to self (for `src and dst host`).
            let dst = if r.below(50) == 0 { src } else { dst };
            let sport = 1024 + r.below(60000) as u16;
            let dport = [53u16, 80, 443, 22, 8080][r.below(5) as usize];
            let mut summary = if r.below(3) == 0 {
                PacketSummary::udp(src, sport, dst, dport)
            } else {
                PacketSummary::tcp(src, sport, dst, dport, pcap_core::TcpFlags::empty())
            };
            // Up to three tags per session (several stacks seen).
            for _ in 0..r.below(4) {
                summary.push_vlan(r.below(24) as u16);
            }
            Session { summary }
        })
        .collect()
}

fn load(conn: &Connection, sessions: &[Session]) {
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO sessions (id, proto, ip_version, src_ip, dst_ip, sport, dport, first_ts)
                 VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            )
            .unwrap();
        let mut vl = tx
            .prepare("INSERT OR IGNORE INTO session_vlans (session_id, vlan) VALUES (?, ?)")
            .unwrap();
        for (i, s) in sessions.iter().enumerate() {
            let p = &s.summary;
            let ip = p.ip.unwrap();
            ins.execute(rusqlite::params![
                i as i64,
                p.protocol,
                p.ip_version(),
                ip_to_blob(ip.src).to_vec(),
                ip_to_blob(ip.dst).to_vec(),
                p.sport,
                p.dport
            ])
            .unwrap();
            for v in p.vlans() {
                vl.execute(rusqlite::params![i as i64, v]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

/// Runs `filter` through SQL; returns the matching ids and the time taken.
fn search(conn: &Connection, filter: &Filter) -> (Vec<i64>, f64) {
    let (cond, values) = to_sql(filter.expr()).expect("searchable");
    let sql = format!("SELECT s.id FROM sessions s WHERE {cond} ORDER BY s.id");
    let values: Vec<Value> = values
        .into_iter()
        .map(|v| match v {
            SqlValue::Int(i) => Value::Integer(i),
            SqlValue::Blob(b) => Value::Blob(b.to_vec()),
            SqlValue::Text(t) => Value::Text(t),
        })
        .collect();
    let t = Instant::now();
    let mut stmt = conn.prepare(&sql).expect("SQLite accepts the condition");
    let ids: Vec<i64> = stmt
        .query_map(rusqlite::params_from_iter(values), |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (ids, t.elapsed().as_secs_f64())
}

fn expected(sessions: &[Session], filter: &Filter) -> Vec<i64> {
    sessions
        .iter()
        .enumerate()
        .filter(|(_, s)| filter.matches(&s.summary))
        .map(|(i, _)| i as i64)
        .collect()
}

/// 10,000 indicators: 9,000 hosts and 1,000 networks, IPv4 and IPv6.
fn indicators() -> Vec<String> {
    let mut r = Rng(42);
    let mut out = Vec::new();
    for i in 0..10_000 {
        if i % 10 == 9 {
            if i % 20 == 9 {
                out.push(format!("10.{}.{}.0/24", r.below(40), r.below(256)));
            } else {
                out.push(format!("2001:db8:{:x}::/48", r.below(64)));
            }
        } else {
            out.push(addr(&mut r).to_string());
        }
    }
    out
}

#[test]
fn ten_thousand_or_ed_terms_on_100k_sessions() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    let data = sessions(100_000);
    load(&conn, &data);

    let list = indicators();
    let mut expr = String::new();
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            expr.push_str(" or ");
        }
        let kind = if item.contains('/') { "net" } else { "host" };
        let _ = write!(expr, "{kind} {item}");
    }
    let t = Instant::now();
    let filter: Filter = expr.parse().expect("10,000 terms parse");
    let parse_time = t.elapsed().as_secs_f64();
    let want = expected(&data, &filter);
    assert!(
        want.len() > 1000 && want.len() < 90_000,
        "{} matches",
        want.len()
    );
    let (got, secs) = search(&conn, &filter);
    assert_eq!(got, want);
    println!(
        "10,000 OR-ed host/net terms on 100,000 sessions: {} matches, parse {:.3} s, SQL {:.3} s",
        got.len(),
        parse_time,
        secs
    );

    // The same list as an address file.
    let file = Filter::from_address_list(&list.join("\n"), "list.txt").unwrap();
    let (got, secs) = search(&conn, &file);
    assert_eq!(got, want);
    println!("--filter-file of 10,000 entries: SQL {secs:.3} s");

    // Combined with other terms, directions and VLANs.
    let src_only = expr
        .replace("host ", "src host ")
        .replace("net ", "dst net ");
    for extra in [
        format!("({src_only}) and tcp and not port 22"),
        format!("vlan 7 and ({expr})"),
        format!("not ({expr}) or vlan"),
        format!("({expr}) and (port 53 or portrange 8000-8080)"),
    ] {
        let f: Filter = extra.parse().unwrap();
        let want = expected(&data, &f);
        let (got, secs) = search(&conn, &f);
        assert_eq!(got, want, "{}", &extra[..80.min(extra.len())]);
        println!(
            "{} ...: {} matches, SQL {secs:.3} s",
            &extra[..40],
            got.len()
        );
    }
}

#[test]
fn long_lists_sqlite_accepts() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    let data = sessions(5_000);
    load(&conn, &data);
    // 20,000 port terms, 3,000 `src and dst` host pairs, and 12,000
    // `udp port N` terms.
    let ports = (1000..21_000)
        .map(|p| format!("port {p}"))
        .collect::<Vec<_>>()
        .join(" or ");
    // `udp port N`: merged per protocol.
    let udp_ports = (1000..13_000)
        .map(|p| format!("udp port {}", p * 2))
        .collect::<Vec<_>>()
        .join(" or ");
    let mut r = Rng(7);
    let pairs = (0..3000)
        .map(|i| {
            // Half of them the sources of sessions to self.
            let a = match &data[i % 700].summary.ip {
                Some(ip) if i % 2 == 0 => ip.src,
                _ => addr(&mut r),
            };
            format!("src and dst host {a}")
        })
        .collect::<Vec<_>>()
        .join(" or ");
    for expr in [ports.clone(), format!("not ({ports})"), pairs, udp_ports] {
        let f: Filter = expr.parse().unwrap();
        let want = expected(&data, &f);
        let (got, secs) = search(&conn, &f);
        assert_eq!(got, want, "{}", &expr[..40]);
        println!(
            "{} ...: {} matches, SQL {secs:.3} s",
            &expr[..40],
            got.len()
        );
    }
}

#[test]
fn vlan_matches_any_tag_a_session_carried() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    let data = sessions(5_000);
    load(&conn, &data);
    for expr in [
        "vlan 20",
        "vlan",
        "not vlan",
        "vlan 20 and vlan 7",
        "vlan 3 or udp",
    ] {
        let f: Filter = expr.parse().unwrap();
        let want = expected(&data, &f);
        assert!(!want.is_empty(), "{expr}");
        assert_eq!(search(&conn, &f).0, want, "{expr}");
    }
}
