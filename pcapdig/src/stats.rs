//! `pcapdig stats`: what the sessions a search matches are made of — top
//! talkers and the most frequent server names, DNS query names and HTTP
//! hosts ([`SessionStore::stats`]), as a report or one JSON object.

use std::io::Write;
use std::path::PathBuf;

use crate::Console;
use crate::sessions::{expression, note_writer, parse_time};
use crate::store::stats::{DEFAULT_KEYS, Stats, StatsOptions, TalkerOrder};
use crate::store::{SearchOptions, SessionStore};

/// Arguments of `pcapdig stats`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The index database.
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// A search expression, as for `sessions` (several words are joined
    /// with spaces); all sessions when absent.
    pub expr: Vec<String>,
    /// Only sessions with an address in this file (as for `sessions`).
    #[arg(long)]
    pub filter_file: Option<PathBuf>,
    /// Only sessions whose last packet is at or after this time (the
    /// forms of `sessions --since`: `1700000000`, `2023-11-14T10:00:00+02:00`,
    /// `-1h`).
    #[arg(long, allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only sessions whose first packet is at or before this time.
    #[arg(long, allow_hyphen_values = true)]
    pub until: Option<String>,
    /// How many talkers and values of each key to list.
    #[arg(long, default_value_t = 10)]
    pub top: u64,
    /// Rank talkers by bytes, packets or sessions.
    #[arg(long, default_value = "bytes", value_parser = parse_by)]
    pub by: TalkerOrder,
    /// A metadata key whose top values to list (repeatable; default
    /// tls.sni, dns.qry.name and http.host). Any search name of
    /// `sessions` (`http.user_agent`, `tls.ja4`, ...).
    #[arg(long = "key", value_name = "KEY")]
    pub keys: Vec<String>,
    /// One JSON object instead of a report.
    #[arg(long)]
    pub json: bool,
}

fn parse_by(name: &str) -> Result<TalkerOrder, String> {
    TalkerOrder::from_name(name)
        .ok_or_else(|| format!("no ranking {name:?} (one of: bytes, packets, sessions)"))
}

/// Writes `stats` as the text report.
fn report(out: &mut dyn Write, stats: &Stats) -> std::io::Result<()> {
    writeln!(
        out,
        "{} sessions, {} packets, {} bytes",
        stats.sessions, stats.packets, stats.bytes
    )?;
    writeln!(out)?;
    writeln!(out, "top talkers by {}", stats.talkers_by)?;
    writeln!(
        out,
        "{:>12}  {:>12}  {:>10}  address",
        "bytes", "packets", "sessions"
    )?;
    for t in &stats.talkers {
        writeln!(
            out,
            "{:>12}  {:>12}  {:>10}  {}",
            t.bytes, t.packets, t.sessions, t.address
        )?;
    }
    for k in &stats.meta {
        writeln!(out)?;
        writeln!(out, "top {} ({} sessions have one)", k.key, k.sessions)?;
        writeln!(out, "{:>10}  value", "sessions")?;
        for v in &k.values {
            writeln!(out, "{:>10}  {}", v.sessions, v.value)?;
        }
    }
    Ok(())
}

/// Runs the subcommand, printing on `console`.
pub fn run_to(args: Args, console: &mut Console<'_>) -> crate::CliResult {
    let store = SessionStore::open_read_only(&args.db)?;
    note_writer(&store, &args.db, console)?;
    let expr = expression(&args.expr, args.filter_file.as_deref())?;
    let search = SearchOptions {
        since_ns: args.since.as_deref().map(parse_time).transpose()?,
        until_ns: args.until.as_deref().map(parse_time).transpose()?,
        ..SearchOptions::default()
    };
    let keys = if args.keys.is_empty() {
        DEFAULT_KEYS.iter().map(|k| k.to_string()).collect()
    } else {
        // Aliases (`tls.ja4`, tshark's names) name their key.
        args.keys
            .iter()
            .map(|k| {
                pcap_core::filter::meta::meta_key(k)
                    .map_or_else(|| k.clone(), |name| name.to_string())
            })
            .collect()
    };
    let opts = StatsOptions {
        top: args.top,
        by: args.by,
        keys,
    };
    let stats = store.stats(&expr, &search, &opts)?;
    let mut out = std::io::BufWriter::new(&mut *console.out);
    if args.json {
        serde_json::to_writer(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        report(&mut out, &stats)?;
    }
    out.flush()?;
    Ok(())
}
