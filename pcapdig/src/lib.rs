//! `pcapdig`: dig into packet captures. The whole command line is this
//! library: [`main_with`] runs it with the layers of a [`Registry`], so a
//! program that declares its own layers (see the `pcapdig_*` examples)
//! gets `fields`, `show` and the index for them with one call.
//!
//! * `fields`   — tshark-compatible per-packet field output
//! * `show`     — packets printed layer by layer
//! * `index`    — sessions (flows) and their packets' file offsets into SQLite
//! * `sessions` — search indexed sessions with a tcpdump-style expression
//! * `carve`    — write one session back out, reading only its records
//! * `stats`    — top talkers, server names and query names of matching sessions
//! * `export`   — the index as Parquet for DuckDB, Spark, ClickHouse
//!
//! Index, search and carve are also a library of their own: the session
//! store ([`store::SessionStore`]), which those three subcommands call.
//! [`run_to`] runs a subcommand with its output captured (tests, other
//! programs), [`run_args`] a whole command line in-process.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod carve;
pub mod export;
pub mod fields;
pub mod index;
mod inputs;
pub mod output;
pub mod serve;
pub mod sessions;
pub mod show;
pub mod stats;
pub mod store;

/// The TCP payload follow (moved into the store).
pub use store::follow;
/// The index database's schema (moved into the store).
pub use store::schema as db;

pub use protocols::Registry;

/// Dig into packet captures: parse only what you ask for, index sessions,
/// carve them back out by offset.
#[derive(Parser, Debug)]
#[command(name = "pcapdig", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// A `pcapdig` subcommand with its arguments.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print chosen fields of every packet, tab-separated, as tshark -T fields does.
    ///
    /// Output matches `tshark -n -r FILE -T fields -E header=y -E separator=/t
    /// -E occurrence=a -E aggregator=, -E quote=n -e ...` with TCP and IP
    /// reassembly off: one line per packet, a header line first, several
    /// occurrences of a field comma-joined outermost first. Only the layers
    /// the asked fields need are parsed.
    ///
    /// Example: pcapdig fields capture.pcap -e frame.number -e ip.src -e tcp.dstport
    Fields(fields::Args),
    /// Print packets human-readably, layer by layer.
    ///
    /// One `PACKET( number=.., offset=.., ts=.., caplen=.., len=.. )` line per
    /// packet, then one indented `Layer( field=value, ... )` line per layer
    /// (`quoted` marks headers inside an ICMP error). `--layers` keeps only
    /// the named layers (tshark names: eth,vlan,ip,ipv6,tcp,udp,icmp,dns,http...).
    ///
    /// Example: pcapdig show capture.pcap -c 10 --layers ip,tcp --filter 'port 80'
    Show(show::Args),
    /// Index sessions of one or more consecutive capture files into SQLite.
    ///
    /// Files given together are one capture cut into pieces: a session that
    /// starts in one file and ends in the next is one session (parts whose
    /// time goes backwards get a warning). Only regular files are read: a
    /// pipe, `-` or a device is refused at once; a directory needs
    /// --recursive (each capture in it is its own unless --parts).
    ///
    /// Re-indexing changes nothing: a file already indexed with the same
    /// path and content (a hash of every byte) is skipped; one that changed
    /// since, or was indexed with another --filter, is refused (--reindex
    /// redoes it). Each packet's digest is recorded so that carve can
    /// verify every byte it reads back.
    ///
    /// A run is one transaction: its sessions appear all at once when it
    /// completes, and an interrupted run leaves nothing behind. One run
    /// writes a database at a time: a second fails at once unless --wait
    /// SECONDS; readers (sessions, carve) are never blocked.
    ///
    /// Examples:
    ///
    ///   pcapdig index day1-00.pcap day1-01.pcap --db day1.db
    ///
    ///   pcapdig index --recursive /cases/42/ --db case42.db
    ///
    ///   pcapdig index big.pcap --filter 'not port 443' --db s.db --wait 600
    Index(index::Args),
    /// List indexed sessions matching a tcpdump-style expression.
    ///
    /// The expression uses pcap-filter(7) syntax (`and`/`or` of equal
    /// precedence, left to right; `host`, `net`, `port`, `portrange`,
    /// protocols, `vlan`, ...); primitives that need packet bytes (`tcp[13]`,
    /// `ether host`, `greater`) cannot be searched in the index and are
    /// refused by name. `vlan N` matches a session if any of its packets
    /// carried tag N. `--filter-file LIST` takes an indicator list (one
    /// address or CIDR a line). `src`/`sport` are the initiator (for TCP,
    /// the SYN sender). The database is opened read-only; sessions of an
    /// index run still in progress are not listed (a note says so).
    ///
    /// `--json` prints one object per line (id, community_id, proto, src,
    /// sport, dst, dport, vlans, first_ts, last_ts, packets, bytes,
    /// per-direction counts, files, meta); `--csv` the table's columns and
    /// one per metadata key; `--count` only the number. `--sort FIELD`
    /// (`--desc` for largest first) orders them; `--since`/`--until` also
    /// take offsets (`+02:00`) and times before now (`-1h`, `-2d`).
    ///
    /// Examples:
    ///
    ///   pcapdig sessions --db day1.db 'tcp and port 80 and net 10.0.0.0/8'
    ///
    ///   pcapdig sessions --db day1.db --filter-file iocs.txt --since 2023-11-14 --json
    ///
    ///   pcapdig sessions --db day1.db 'tls.sni matches "^login\\."' --since -1h --sort bytes --desc --csv
    Sessions(sessions::Args),
    /// Write sessions' packets back out, reading only their records.
    ///
    /// Packets are merged in capture order. Classic pcap output copies
    /// records byte for byte (pcapng sources become classic records);
    /// `-o NAME.pcapng` or `--format pcapng` writes pcapng, which can also
    /// hold sessions that span link types. `-o -` writes to standard
    /// output.
    ///
    /// Nothing is ever written over evidence: an output that is one of the
    /// captures read, the database or its -wal/-shm (also through a symlink
    /// or hard link) is refused; outputs go to a temporary file beside the
    /// target, renamed into place only when complete, so a failed carve
    /// leaves an earlier output as it was. Every record read is checked
    /// against the digest the index recorded for it (its time, lengths and
    /// bytes): a changed file is refused, naming the file and offset.
    /// --search-path finds moved files by name. --payload DIR writes the
    /// reassembled TCP streams (ID.client, ID.server), IP fragments put
    /// back together first.
    ///
    /// Examples:
    ///
    ///   pcapdig carve --db day1.db 42 -o session42.pcap
    ///
    ///   pcapdig carve --db day1.db 42 43 -o both.pcapng
    ///
    ///   pcapdig carve --db day1.db 42 -o - | tcpdump -r - -nn
    Carve(carve::Args),
    /// Summarise matching sessions: top talkers, server names, query names, HTTP hosts.
    ///
    /// Takes the expression, --filter-file, --since and --until of
    /// `sessions`. Talkers are addresses (either end of a session) ranked
    /// by --by bytes|packets|sessions; --key KEY (repeatable) chooses the
    /// metadata keys whose most frequent values are counted (default
    /// tls.sni, dns.qry.name, http.host). --json prints one object.
    ///
    /// Example: pcapdig stats --db day1.db --since -1h --top 5 'not net 10.0.0.0/8'
    Stats(stats::Args),
    /// Serve the analysts' page and its JSON API over an index database.
    ///
    /// The page (`/`, `/?q=EXPR` for a search as a link) lists sessions as
    /// `sessions` finds them, shows a session's packets and payload and
    /// downloads pcaps; the API is under `/api/` (see the README). The
    /// database is opened read-only; index runs that complete while it
    /// serves appear. Listens on loopback unless --listen says otherwise;
    /// prints its URL.
    ///
    /// Example: pcapdig serve --db day1.db --listen 127.0.0.1:8080
    Serve(serve::Args),
    /// Write indexed sessions, their packet locations and the files table
    /// as zstd Parquet, partitioned by day, for DuckDB, Spark, ClickHouse.
    ///
    /// DIR/sessions/day=YYYY-MM-DD/*.parquet has the `sessions --json`
    /// columns (metadata keys with `_` for `.`: tls_sni), times as
    /// TIMESTAMP(MICROS) UTC plus *_ns nanoseconds; DIR/locations/ each
    /// session's packets; DIR/files/ the capture files. Written to a
    /// temporary directory and renamed into place when complete; a
    /// non-empty DIR is refused unless --overwrite. `carve --parquet DIR`
    /// carves from it.
    ///
    /// Example: pcapdig export --parquet /exports/day1 --db day1.db 'tcp'
    Export(export::Args),
}

/// What every subcommand runs with: the layers it knows beyond the
/// built-ins.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The registered layers: dissected, printed by `fields` and `show`.
    pub registry: Registry,
}

/// Runs `pcapdig` with the process's arguments and the layers of
/// `registry`; the exit code to return from `main`. Errors are printed
/// once, on standard error; a closed output pipe is not an error.
pub fn main_with(registry: Registry) -> ExitCode {
    let cli = Cli::parse();
    let ctx = Context { registry };
    exit_code(run(cli.command, &ctx))
}

/// Runs one subcommand on the process's standard streams.
pub fn run(command: Command, ctx: &Context) -> CliResult {
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let mut console = Console {
        out: &mut out,
        err: &mut err,
        is_stdio: true,
    };
    run_to(command, ctx, &mut console)
}

/// Where a subcommand prints: its output (tables, JSON lines, `carve -o
/// -`) and its messages (notices, warnings, summaries).
pub struct Console<'w> {
    /// The output stream.
    pub out: &'w mut (dyn Write + 'w),
    /// The message stream.
    pub err: &'w mut (dyn Write + 'w),
    /// Whether these are the process's standard output and error: only
    /// then is a terminal looked for (a progress bar; capture bytes are
    /// not written to a terminal) and `carve -o -` checked against the
    /// file standard output is redirected into; `fields` then writes
    /// standard output directly, locked once.
    pub is_stdio: bool,
}

/// Runs one subcommand, printing on `console` (every subcommand prints
/// there; `fields` on the process's standard output writes through its
/// own lock, for speed).
pub fn run_to(command: Command, ctx: &Context, console: &mut Console<'_>) -> CliResult {
    match command {
        Command::Fields(args) => fields::run(args, ctx, console),
        Command::Show(args) => show::run(args, ctx, console),
        Command::Index(args) => index::run_to(args, console),
        Command::Sessions(args) => sessions::run_to(args, console),
        Command::Carve(args) => carve::run_to(args, console),
        Command::Stats(args) => stats::run_to(args, console),
        Command::Serve(args) => serve::run_to(args, ctx, console),
        Command::Export(args) => export::run_to(args, console),
    }
}

/// Runs a whole command line in-process, as `main_with` would (`args`
/// without the program name), printing on `out` and `err` (which are not
/// the process's standard streams); returns the exit status: 0, 1 for a
/// failed subcommand, 2 for a usage error (as clap). `--help` and
/// `--version` print on `out`.
pub fn run_args<I, T>(args: I, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let argv = std::iter::once(std::ffi::OsString::from("pcapdig"))
        .chain(args.into_iter().map(Into::into));
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let stream: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = stream.write_all(text.as_bytes());
            return e.exit_code();
        }
    };
    let mut console = Console {
        out,
        err,
        is_stdio: false,
    };
    match run_to(cli.command, ctx, &mut console) {
        Ok(()) => 0,
        Err(e) if is_broken_pipe(e.as_ref()) => 0,
        Err(e) => {
            let _ = writeln!(console.err, "pcapdig: {}", error_text(e.as_ref()));
            1
        }
    }
}

/// The exit code for a subcommand's result, printing its error.
pub fn exit_code(result: CliResult) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed output pipe (`pcapdig ... | head -1`) is the reader
        // saying it has seen enough: not an error.
        Err(e) if is_broken_pipe(e.as_ref()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pcapdig: {}", error_text(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// Whether the error (or one of its causes) is a write to a closed pipe.
fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        if let Some(json) = err.downcast_ref::<serde_json::Error>()
            && json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        next = err.source();
    }
    false
}

/// The error and each cause whose text it does not already include, so
/// that nothing is said twice.
pub(crate) fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// The error type of every subcommand.
pub type CliResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The default index database path.
pub fn default_db() -> PathBuf {
    PathBuf::from("pcapdig.db")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "reading x.pcap: {}", self.0)
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_are_said_once() {
        let e = Outer(std::io::Error::other("disk on fire"));
        assert_eq!(error_text(&e), "reading x.pcap: disk on fire");
        assert!(!is_broken_pipe(&e));
        let pipe = Outer(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&pipe));
    }
}
