//! `pcapdig sessions`: search the session store with a tcpdump-style
//! expression ([`SessionStore::search_each`]) and print the sessions as a
//! table or JSON lines.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use pcap_core::filter::{Expr, Filter};

use crate::Console;
use crate::store::{SearchOptions, SessionRow, SessionStore, SortKey, schema as db};

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
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV with a header line instead of a table: the table's columns
    /// (src and dst without their ports, `last` added) then one column
    /// per metadata key (`tls.sni`, `dns.qry.name`, ...), a session's
    /// values of a key joined with `,`.
    #[arg(long)]
    pub csv: bool,
    /// In the table and CSV, times as epoch seconds
    /// (`1300475168.652003000`) instead of ISO 8601 UTC
    /// (`2011-03-18T19:06:08.652003Z`).
    #[arg(long)]
    pub epoch: bool,
    /// Print only how many sessions match.
    #[arg(long, conflicts_with_all = ["json", "csv"])]
    pub count: bool,
    /// Order sessions by FIELD: first (the default; also first_ts), last,
    /// duration, id, packets, bytes, proto, src, dst, sport or dport;
    /// ties in id order. Smallest first unless --desc.
    #[arg(long, value_name = "FIELD", value_parser = parse_sort)]
    pub sort: Option<SortKey>,
    /// Largest (or latest) first: `--sort bytes --desc --limit 10` lists
    /// the ten biggest sessions.
    #[arg(long)]
    pub desc: bool,
    /// Only sessions whose last packet is at or after this time: epoch
    /// seconds (`1700000000.5`), ISO 8601 (`2023-11-14`,
    /// `2023-11-14T22:13:20Z`, `2023-11-14T10:00:00+02:00`; UTC when no
    /// offset is given) or a time relative to now (`-1h`, `-30m`, `-2d`,
    /// `-1d12h`; units w, d, h, m, s). Impossible dates are refused.
    #[arg(long, allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only sessions whose first packet is at or before this time (same
    /// forms as --since).
    #[arg(long, allow_hyphen_values = true)]
    pub until: Option<String>,
    /// At most this many sessions.
    #[arg(long)]
    pub limit: Option<u64>,
}

fn parse_sort(name: &str) -> Result<SortKey, String> {
    SortKey::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = SortKey::NAMES.iter().map(|(n, _)| *n).collect();
        format!(
            "no field {name:?} to sort by (one of: {})",
            names.join(", ")
        )
    })
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
/// an ISO 8601 date or date-time (`2023-11-14`, `2023-11-14T22:13:20Z`,
/// `2023-11-14 22:13:20.25`, `2023-11-14T23:13:20+01:00`; UTC when no
/// offset is given), or a time before now (`-1h`, `-30m`, `-2d`,
/// `-1d12h`; see [`parse_time_at`]). Impossible dates (`2014-02-30`) are
/// refused. Returns nanoseconds since the epoch.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let now = i64::try_from(jiff::Timestamp::now().as_nanosecond()).unwrap_or(i64::MAX);
    parse_time_at(text, now)
}

/// [`parse_time`] with "now" given (nanoseconds since the epoch): a
/// relative time is `-` (or `+`) then one or more NUMBER UNIT pairs, the
/// units `w` (7 days), `d` (24 hours: times are UTC), `h`, `m` and `s`.
pub fn parse_time_at(text: &str, now_ns: i64) -> Result<i64, String> {
    let t = text.trim();
    if let Some(ns) = parse_epoch(t) {
        return Ok(ns);
    }
    if let Some(r) = parse_relative(t) {
        return r
            .and_then(|d| now_ns.checked_add(d))
            .ok_or_else(|| format!("bad time {text:?}: too far from now"));
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
            "bad time {text:?}: {e} (give epoch seconds such as 1700000000.5, an ISO 8601 \
             date or date-time such as 2023-11-14, 2023-11-14T22:13:20Z or \
             2023-11-14T23:13:20+01:00 (UTC when no offset is given), or a time relative \
             to now such as -1h, -30m or -2d)"
        )),
    }
}

/// A relative time (`-1h30m`): `None` if `t` is not of that form,
/// `Some(None)` if it is but overflows, else the signed nanoseconds.
fn parse_relative(t: &str) -> Option<Option<i64>> {
    let (sign, mut rest) = match t.as_bytes().first()? {
        b'-' => (-1i64, &t[1..]),
        b'+' => (1, &t[1..]),
        _ => return None,
    };
    if rest.is_empty() {
        return None;
    }
    let mut total: Option<i64> = Some(0);
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let unit_ns: i64 = match rest.as_bytes().get(digits)? {
            b'w' => 7 * 86_400_000_000_000,
            b'd' => 86_400_000_000_000,
            b'h' => 3_600_000_000_000,
            b'm' => 60_000_000_000,
            b's' => 1_000_000_000,
            _ => return None,
        };
        let n: Option<i64> = rest[..digits].parse().ok();
        total = total
            .zip(n)
            .and_then(|(t, n)| n.checked_mul(unit_ns).and_then(|d| t.checked_add(d)));
        rest = &rest[digits + 1..];
    }
    Some(total.map(|d| d * sign))
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

/// The expression of EXPR words and a `--filter-file` (combined with
/// `and`); all sessions when neither is given.
pub(crate) fn expression(
    words: &[String],
    filter_file: Option<&std::path::Path>,
) -> Result<Expr, String> {
    let text = words.join(" ");
    let mut filter = None;
    if !text.trim().is_empty() {
        filter = Some(Filter::parse(&text).map_err(|e| format!("expression: {e}"))?);
    }
    if let Some(path) = filter_file {
        let list = Filter::from_file(path).map_err(|e| format!("--filter-file: {e}"))?;
        filter = Some(match filter {
            Some(f) => f.and(list),
            None => list,
        });
    }
    // An empty `and` is true: every session.
    Ok(filter.map_or(Expr::And(Vec::new()), |f| f.expr().clone()))
}

/// A note on `console` when an index run is writing the database (its
/// sessions are not seen until it completes).
pub(crate) fn note_writer(
    store: &SessionStore,
    db: &std::path::Path,
    console: &mut Console<'_>,
) -> std::io::Result<()> {
    if store.writer_active() {
        writeln!(
            console.err,
            "pcapdig: an index run is writing {} now; its sessions are listed once it completes",
            db.display()
        )?;
    }
    Ok(())
}

/// A duration in nanoseconds as seconds with 9 decimals.
fn seconds(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    format!("{sign}{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

/// A CSV writer's error as the I/O error it is (so that a closed pipe is
/// recognised as one: `csv::Error` names no source).
fn csv_error(e: csv::Error) -> crate::store::StoreError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Box::new(io),
        other => format!("CSV output: {other:?}").into(),
    }
}

/// The CSV header: the table's columns, then one per metadata key.
fn csv_header() -> Vec<&'static str> {
    let mut h = vec![
        "id",
        "proto",
        "src",
        "sport",
        "dst",
        "dport",
        "first",
        "last",
        "duration",
        "packets",
        "bytes",
        "community_id",
        "info",
    ];
    h.extend(pcap_core::filter::meta::META_KEYS);
    h
}

/// Runs the subcommand, printing on `console`.
pub fn run_to(args: Args, console: &mut Console<'_>) -> crate::CliResult {
    let store = SessionStore::open_read_only(&args.db)?;
    note_writer(&store, &args.db, console)?;
    let expr = expression(&args.expr, args.filter_file.as_deref())?;
    let opts = SearchOptions {
        since_ns: args.since.as_deref().map(parse_time).transpose()?,
        until_ns: args.until.as_deref().map(parse_time).transpose()?,
        limit: args.limit,
        sort: args.sort.unwrap_or_default(),
        descending: args.desc,
    };
    let mut out = std::io::BufWriter::new(&mut *console.out);
    if args.count {
        let n = store.count(&expr, &opts)?;
        writeln!(out, "{n}")?;
        out.flush()?;
        return Ok(());
    }
    let time = |ns: i64| {
        if args.epoch {
            db::ns_to_string(ns)
        } else {
            iso8601(ns)
        }
    };
    if args.csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(csv_header()).map_err(csv_error)?;
        store.search_each(&expr, &opts, &mut |s| {
            let (first, last) = (s.first_ns, s.last_ns);
            let row = Row::from(s);
            let mut rec = vec![
                row.id.to_string(),
                row.proto_name.clone(),
                row.src.clone(),
                row.sport.to_string(),
                row.dst.clone(),
                row.dport.to_string(),
                time(first),
                time(last),
                seconds(last.saturating_sub(first)),
                row.packets.to_string(),
                row.bytes.to_string(),
                row.community_id.clone(),
                row.info(),
            ];
            for key in pcap_core::filter::meta::META_KEYS {
                rec.push(row.meta.get(key).map(|v| v.join(",")).unwrap_or_default());
            }
            w.write_record(&rec).map_err(csv_error)?;
            Ok(())
        })?;
        w.flush()?;
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
                time(first),
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
    fn relative_times_count_back_from_now() {
        let now = 1_700_000_000_000_000_000;
        let h = 3_600_000_000_000;
        assert_eq!(parse_time_at("-1h", now), Ok(now - h));
        assert_eq!(parse_time_at("-30m", now), Ok(now - h / 2));
        assert_eq!(parse_time_at("-2d", now), Ok(now - 48 * h));
        assert_eq!(parse_time_at("-1w", now), Ok(now - 168 * h));
        assert_eq!(parse_time_at("-1d12h", now), Ok(now - 36 * h));
        assert_eq!(parse_time_at("-90s", now), Ok(now - 90_000_000_000));
        assert_eq!(parse_time_at("+1h", now), Ok(now + h));
        // Offsets are kept (10:00 at +02:00 is 08:00 UTC).
        assert_eq!(
            parse_time_at("2023-11-14T10:00:00+02:00", now),
            parse_time_at("2023-11-14T08:00:00Z", now)
        );
        // Negative epoch seconds stay epoch seconds.
        assert_eq!(parse_time_at("-5", now), Ok(-5_000_000_000));
        for bad in ["-", "-h", "-1x", "-1h-", "-1.5h", "--1h", "-99999999999w"] {
            let e = parse_time_at(bad, now);
            assert!(e.is_err(), "{bad}: {e:?}");
        }
        assert_eq!(seconds(1_500_000_000), "1.500000000");
        assert_eq!(seconds(-1), "-0.000000001");
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
