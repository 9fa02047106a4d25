//! `pcapdig index`: parses its arguments, collects the capture files
//! (`crate::inputs`) and indexes them with
//! [`SessionStore::index_with`](crate::store::SessionStore::index_with),
//! printing its notices, a progress bar on a terminal, and a summary.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use pcap_core::filter::Filter;

use crate::Console;
use crate::inputs;
use crate::store::{IndexEvents, IndexOptions, Notice, SessionStore};

pub use crate::store::index::minimal_dissector;

/// Arguments of `pcapdig index`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture files (pcap or pcapng), in capture order: files given
    /// together are one consecutive capture. With --recursive, directories
    /// too.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The index database (created if missing).
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// Index only packets matching this expression (pcap-filter(7) syntax:
    /// `and`/`or` of equal precedence, left to right). Unlike tcpdump,
    /// filters look through VLAN tags: `host 10.0.0.1` also matches tagged
    /// frames, without `vlan and`.
    #[arg(long)]
    pub filter: Option<String>,
    /// Index only packets with an address in this file (one address or CIDR
    /// per line); combined with --filter by `and`.
    #[arg(long)]
    pub filter_file: Option<PathBuf>,
    /// Index the capture files (by magic number) in the directories given,
    /// walked sorted by name; each file is a capture of its own unless
    /// --parts.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Everything given, directories' files included, is one consecutive
    /// capture cut into parts.
    #[arg(long)]
    pub parts: bool,
    /// Index again files already indexed that changed or were indexed with
    /// another filter: their old sessions are replaced.
    #[arg(long)]
    pub reindex: bool,
    /// If another `pcapdig index` is writing the database, wait at most
    /// this long for it (default: fail at once).
    #[arg(long, value_name = "SECONDS")]
    pub wait: Option<f64>,
    /// Do not extract session metadata (TLS server names, JA3/JA3S/JA4,
    /// ALPN, DNS queries and answers, HTTP hosts, URIs, User-Agents and
    /// status codes), which is on by default and searchable with
    /// `sessions 'tls.sni == "example.com"'`.
    #[arg(long)]
    pub no_meta: bool,
}

/// Prints an index run's notices on the console's error stream, around a
/// progress bar when standard error is a terminal.
struct Printer<'c, 'w> {
    err: &'c mut (dyn Write + 'w),
    bar: indicatif::ProgressBar,
}

impl IndexEvents for Printer<'_, '_> {
    fn notice(&mut self, notice: &Notice) {
        let err = &mut *self.err;
        self.bar
            .suspend(|| writeln!(err, "pcapdig: {notice}").unwrap_or(()));
    }

    fn start(&mut self, total_bytes: u64) {
        self.bar.set_length(total_bytes);
    }

    fn progress(&mut self, done_bytes: u64) {
        self.bar.set_position(done_bytes);
    }

    fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A progress bar on a terminal, else none.
fn progress_bar(console: &Console<'_>) -> indicatif::ProgressBar {
    if !console.is_stdio || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// The `--filter` and `--filter-file` of `args`, combined.
fn filter(args: &Args) -> Result<Option<Filter>, String> {
    let mut filter = match &args.filter {
        Some(text) => Some(Filter::parse(text).map_err(|e| format!("--filter: {e}"))?),
        None => None,
    };
    if let Some(path) = &args.filter_file {
        let f = Filter::from_file(path).map_err(|e| format!("--filter-file: {e}"))?;
        filter = Some(match filter {
            Some(g) => g.and(f),
            None => f,
        });
    }
    Ok(filter)
}

/// Runs the subcommand, printing on `console`.
pub fn run_to(args: Args, console: &mut Console<'_>) -> crate::CliResult {
    let started = Instant::now();
    let filter = filter(&args)?;
    let wait = match args.wait {
        None => None,
        Some(w) => Some(
            Duration::try_from_secs_f64(w)
                .map_err(|_| format!("--wait {w}: expected a number of seconds"))?,
        ),
    };
    // Before the database is even opened: a pipe must not block us.
    let inputs = inputs::collect(&args.files, args.recursive, args.parts)?;
    if inputs.skipped_other > 0 {
        writeln!(
            console.err,
            "pcapdig: {} file(s) in the directories given are not captures (no pcap/pcapng magic number), skipped",
            inputs.skipped_other
        )?;
    }
    let mut store = SessionStore::open(&args.db)?;
    let opts = IndexOptions {
        filter,
        reindex: args.reindex,
        wait,
        meta: !args.no_meta,
        pipeline: true,
    };
    let bar = progress_bar(console);
    let mut printer = Printer {
        err: &mut *console.err,
        bar,
    };
    let report = store.index_with(&inputs.groups, &opts, &mut printer)?;
    let err = &mut *console.err;
    if report.files_indexed == 0 && report.files_unreadable == 0 {
        writeln!(
            err,
            "pcapdig: nothing to index ({} file(s) already indexed)",
            report.files_skipped
        )?;
        return Ok(());
    }
    let elapsed = started.elapsed().as_secs_f64();
    writeln!(
        err,
        "pcapdig: indexed {} file(s) ({} skipped) into {}: {} packets ({} indexed, {} filtered out, {} non-IP, {} of unsupported link types), {} sessions, {} damaged records, {:.2}s, {:.0} packets/s",
        report.files_indexed,
        report.files_skipped,
        args.db.display(),
        report.packets,
        report.indexed,
        report.filtered,
        report.non_ip,
        report.unsupported.values().sum::<u64>(),
        report.sessions,
        report.damaged,
        elapsed,
        report.packets as f64 / elapsed.max(1e-9),
    )?;
    for (lt, n) in &report.unsupported {
        let name = lt.name().unwrap_or("unknown");
        let lt = lt.0;
        if report.sessions == 0 {
            writeln!(
                err,
                "pcapdig: warning: 0 sessions: link type {lt} ({name}) is not supported ({n} record(s))"
            )?;
        } else {
            writeln!(
                err,
                "pcapdig: warning: {n} record(s) of link type {lt} ({name}) are in no session: that link type is not supported"
            )?;
        }
    }
    if report.files_unreadable > 0 {
        return Err(format!(
            "{} file(s) could not be read as captures (see above)",
            report.files_unreadable
        )
        .into());
    }
    Ok(())
}
