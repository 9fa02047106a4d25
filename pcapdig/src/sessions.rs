//! `pcapdig sessions`: search the session store with a tcpdump-style
//! expression ([`SessionStore::search_each`]) and print the sessions as a
//! table or JSON lines.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use pcap_core::filter::{Expr, Filter};

use crate::Console;
use crate::store::{SearchOptions, SessionRow, SessionStore, schema as db};

/// Arguments of `pcapdig sessions`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The index database.
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// A tcpdump-style expression (several words are joined with spaces);
    /// all sessions when absent.
    pub expr: Vec<String>,
    /// Only sessions with an address in this file (one address or CIDR a
    /// line, `#` comments): an indicator list. Combined with EXPR by `and`.
    #[arg(long)]
    pub filter_file: Option<PathBuf>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
    /// In the table, times as epoch seconds (`1300475168.652003000`)
    /// instead of ISO 8601 UTC (`2011-03-18T19:06:08.652003Z`).
    #[arg(long)]
    pub epoch: bool,
    /// Print only how many sessions match.
    #[arg(long, conflicts_with = "json")]
    pub count: bool,
    /// Only sessions whose last packet is at or after this time: epoch
    /// seconds (`1700000000.5`) or ISO 8601 (`2023-11-14`,
    /// `2023-11-14T22:13:20Z`, `2023-11-14T23:13:20+01:00`; UTC when no
    /// offset is given). Impossible dates are refused.
    #[arg(long)]
    pub since: Option<String>,
    /// Only sessions whose first packet is at or before this time (same
    /// forms as --since).
    #[arg(long)]
    pub until: Option<String>,
    /// At most this many sessions.
    #[arg(long)]
    pub limit: Option<u64>,
}

/// One row of the sessions table, as listed (`--json` prints it).
#[derive(Debug, serde::Serialize)]
pub struct Row {
    /// Session id (for `pcapdig carve`).
    pub id: i64,
    /// Community ID v1.
    pub community_id: String,
    /// IP protocol number.
    pub proto: u8,
    /// `tcp`, `udp`, `icmp`, `icmp6`, `sctp` or the number.
    pub proto_name: String,
    /// Initiator address.
    pub src: String,
    /// Initiator port (0 if none).
    pub sport: u16,
    /// Responder address.
    pub dst: String,
    /// Responder port (0 if none).
    pub dport: u16,
    /// Outermost VLAN ID of the first packet, if tagged.
    pub vlan: Option<u16>,
    /// Every VLAN ID any of its packets carried (any depth), ascending.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vlans: Vec<u16>,
    /// First packet time, epoch seconds with 9 decimals.
    pub first_ts: String,
    /// Last packet time, epoch seconds with 9 decimals.
    pub last_ts: String,
    /// Packets both ways.
    pub packets: i64,
    /// Bytes (on the wire) both ways.
    pub bytes: i64,
    /// Packets from the initiator.
    pub packets_to_server: i64,
    /// Bytes from the initiator.
    pub bytes_to_server: i64,
    /// Packets from the responder.
    pub packets_to_client: i64,
    /// Bytes from the responder.
    pub bytes_to_client: i64,
    /// TCP flags seen (OR of every segment's flags byte).
    pub tcp_flags: u8,
    /// Why the session ended.
    pub end: Option<String>,
    /// Paths of the files holding its packets, in order.
    pub files: Vec<String>,
    /// Metadata by search name (`tls.sni`, `dns.qry.name`, `http.host`,
    /// ...): each key's distinct values; absent when the session has none.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub meta: std::collections::BTreeMap<String, Vec<String>>,
}

impl Row {
    /// The main metadata in a few words, for the listing's `info`
    /// column: the TLS server name, else the HTTP host and first URI,
    /// else the DNS query.
    pub fn info(&self) -> String {
        let first = |k: &str| self.meta.get(k).and_then(|v| v.first()).map(String::as_str);
        if let Some(sni) = first("tls.sni") {
            return format!("tls {sni}");
        }
        if let Some(host) = first("http.host") {
            return format!("http {host}{}", first("http.request.uri").unwrap_or(""));
        }
        if let Some(q) = first("dns.qry.name") {
            return format!("dns {q}");
        }
        String::new()
    }
}

/// A time in ISO 8601, UTC: `2011-03-18T19:06:08.652003Z`, with as many
/// fraction digits as the time has (none, 3, 6 or 9).
pub fn iso8601(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000);
    let Ok(ts) = jiff::Timestamp::from_second(secs) else {
        return db::ns_to_string(ns);
    };
    let mut text = ts.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    match nanos {
        0 => {}
        n if n % 1_000_000 == 0 => text.push_str(&format!(".{:03}", n / 1_000_000)),
        n if n % 1_000 == 0 => text.push_str(&format!(".{:06}", n / 1_000)),
        n => text.push_str(&format!(".{n:09}")),
    }
    text.push('Z');
    text
}

/// Parses `--since`/`--until`: epoch seconds with an optional fraction,
/// or an ISO 8601 date or date-time (`2023-11-14`, `2023-11-14T22:13:20Z`,
/// `2023-11-14 22:13:20.25`, `2023-11-14T23:13:20+01:00`; UTC when no
/// offset is given). Impossible dates (`2014-02-30`) are refused. Returns
/// nanoseconds since the epoch.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Some(ns) = parse_epoch(t) {
        return Ok(ns);
    }
    let to_ns = |ts: jiff::Timestamp| {
        i64::try_from(ts.as_nanosecond()).map_err(|_| {
            format!("bad time {text:?}: outside the years 1677 to 2262 that the index stores")
        })
    };
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return to_ns(ts);
    }
    let civil = t.parse::<jiff::civil::DateTime>().or_else(|_| {
        t.parse::<jiff::civil::Date>()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    });
    match civil.and_then(|dt| jiff::tz::TimeZone::UTC.to_timestamp(dt)) {
        Ok(ts) => to_ns(ts),
        Err(e) => Err(format!(
            "bad time {text:?}: {e} (give epoch seconds such as 1700000000.5, or an ISO 8601 \
             date or date-time such as 2023-11-14, 2023-11-14T22:13:20Z or \
             2023-11-14T23:13:20+01:00; UTC when no offset is given)"
        )),
    }
}

fn parse_epoch(t: &str) -> Option<i64> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let secs: i64 = int.parse().ok()?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    secs.checked_mul(1_000_000_000)?
        .checked_add(if secs < 0 { -nanos } else { nanos })
}

pub use crate::store::rows::proto_name;

impl From<SessionRow> for Row {
    fn from(s: SessionRow) -> Row {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Row {
            id: s.id,
            community_id: s.community_id,
            proto: s.proto,
            proto_name: proto_name(s.proto),
            src: s.src.to_string(),
            sport: s.sport,
            dst: s.dst.to_string(),
            dport: s.dport,
            vlan: s.vlan,
            vlans: s.vlans,
            first_ts: db::ns_to_string(s.first_ns),
            last_ts: db::ns_to_string(s.last_ns),
            packets: count(s.packets),
            bytes: count(s.bytes),
            packets_to_server: count(s.packets_to_server),
            bytes_to_server: count(s.bytes_to_server),
            packets_to_client: count(s.packets_to_client),
            bytes_to_client: count(s.bytes_to_client),
            tcp_flags: s.tcp_flags,
            end: s
                .end
                .map(|e| crate::store::rows::end_reason_text(e).to_string()),
            files: s
                .files
                .into_iter()
                .map(|f| match f.path {
                    Some(p) => p.to_string_lossy().into_owned(),
                    None => format!("#{}", f.id),
                })
                .collect(),
            meta: s.meta,
        }
    }
}

/// An address from its 16-byte column form.
pub fn blob_to_ip(blob: &[u8], ip_version: i64) -> String {
    let Ok(b) = <[u8; 16]>::try_from(blob) else {
        return "?".into();
    };
    let v6 = Ipv6Addr::from(b);
    if ip_version == 4 {
        if let Some(v4) = v6.to_ipv4_mapped() {
            return IpAddr::V4(v4).to_string();
        }
        return Ipv4Addr::UNSPECIFIED.to_string();
    }
    v6.to_string()
}

/// The expression of `args` (EXPR and `--filter-file`, combined with
/// `and`); all sessions when neither is given.
fn expression(args: &Args) -> Result<Expr, String> {
    let text = args.expr.join(" ");
    let mut filter = None;
    if !text.trim().is_empty() {
        filter = Some(Filter::parse(&text).map_err(|e| format!("expression: {e}"))?);
    }
    if let Some(path) = &args.filter_file {
        let list = Filter::from_file(path).map_err(|e| format!("--filter-file: {e}"))?;
        filter = Some(match filter {
            Some(f) => f.and(list),
            None => list,
        });
    }
    // An empty `and` is true: every session.
    Ok(filter.map_or(Expr::And(Vec::new()), |f| f.expr().clone()))
}

/// Runs the subcommand, printing on `console`.
pub fn run_to(args: Args, console: &mut Console<'_>) -> crate::CliResult {
    let store = SessionStore::open_read_only(&args.db)?;
    if store.writer_active() {
        writeln!(
            console.err,
            "pcapdig: an index run is writing {} now; its sessions are listed once it completes",
            args.db.display()
        )?;
    }
    let expr = expression(&args)?;
    let opts = SearchOptions {
        since_ns: args.since.as_deref().map(parse_time).transpose()?,
        until_ns: args.until.as_deref().map(parse_time).transpose()?,
        limit: args.limit,
    };
    let mut out = std::io::BufWriter::new(&mut *console.out);
    if args.count {
        let mut n = 0u64;
        store.search_each(&expr, &opts, &mut |_| {
            n += 1;
            Ok(())
        })?;
        writeln!(out, "{n}")?;
        out.flush()?;
        return Ok(());
    }
    let time_width = if args.epoch { 20 } else { 27 };
    if !args.json {
        // Columns fit IPv4 endpoints (`255.255.255.255:65535`); longer IPv6
        // ones push the rest of their row right rather than widen every row.
        writeln!(
            out,
            "{:>6}  {:<5} {:>21}  {:>21}  {:<time_width$}  {:>10}  {:>8}  {:>10}  {:<30}  info",
            "id",
            "proto",
            "src:sport",
            "dst:dport",
            "first",
            "duration",
            "packets",
            "bytes",
            "community_id"
        )?;
    }
    store.search_each(&expr, &opts, &mut |s| {
        let (first, last) = (s.first_ns, s.last_ns);
        let row = Row::from(s);
        if args.json {
            serde_json::to_writer(&mut out, &row)?;
            writeln!(out)?;
        } else {
            let ep = |a: &str, p: u16| {
                if a.contains(':') {
                    format!("[{a}]:{p}")
                } else {
                    format!("{a}:{p}")
                }
            };
            let line = format!(
                "{:>6}  {:<5} {:>21}  {:>21}  {:<time_width$}  {:>10}  {:>8}  {:>10}  {:<30}  {}",
                row.id,
                row.proto_name,
                ep(&row.src, row.sport),
                ep(&row.dst, row.dport),
                if args.epoch {
                    row.first_ts.clone()
                } else {
                    iso8601(first)
                },
                format!("{:.3}s", (last.saturating_sub(first)) as f64 / 1e9),
                row.packets,
                row.bytes,
                row.community_id,
                row.info()
            );
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_iso8601_utc() {
        assert_eq!(
            iso8601(1_300_475_168_652_003_000),
            "2011-03-18T19:06:08.652003Z"
        );
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso8601(1_500_000_000_123_000_000),
            "2017-07-14T02:40:00.123Z"
        );
        assert_eq!(
            iso8601(1_500_000_000_000_000_001),
            "2017-07-14T02:40:00.000000001Z"
        );
        // Before the epoch: the fraction counts forward from the second.
        assert_eq!(iso8601(-500_000_000), "1969-12-31T23:59:59.500Z");
    }

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("1700000000"), Ok(1_700_000_000_000_000_000));
        assert_eq!(parse_time("1700000000.5"), Ok(1_700_000_000_500_000_000));
        assert_eq!(
            parse_time("2023-11-14T22:13:20Z"),
            Ok(1_700_000_000_000_000_000)
        );
        assert_eq!(
            parse_time("2023-11-14 22:13:20.25"),
            Ok(1_700_000_000_250_000_000)
        );
        assert_eq!(parse_time("1970-01-02"), Ok(86_400_000_000_000));
        assert_eq!(
            parse_time("2023-11-14T23:13:20+01:00"),
            Ok(1_700_000_000_000_000_000)
        );
        let e = parse_time("2014-02-30").unwrap_err();
        assert!(e.contains("2014-02-30") && e.contains("ISO 8601"), "{e}");
        for bad in [
            "",
            "x",
            "2014-02-30",
            "2023-02-29",
            "2023-04-31T00:00:00",
            "2023-13-01",
            "1.1234567891",
            "2023-11-14T25:00:00",
            "99999999999999999999",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn addresses_from_blobs() {
        let v4 = crate::store::rows::ip_to_blob("192.0.2.1".parse().unwrap());
        assert_eq!(blob_to_ip(&v4, 4), "192.0.2.1");
        let v6 = crate::store::rows::ip_to_blob("2001:db8::1".parse().unwrap());
        assert_eq!(blob_to_ip(&v6, 6), "2001:db8::1");
        assert_eq!(blob_to_ip(&[1, 2], 4), "?");
        assert_eq!(proto_name(6), "tcp");
        assert_eq!(proto_name(47), "47");
    }
}
