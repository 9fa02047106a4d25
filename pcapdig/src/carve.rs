//! `pcapdig carve`: write indexed sessions back out as classic pcap,
//! reading only their records.
//!
//! * Packets of all given sessions are merged in capture order: file order
//!   (the order files were indexed), then offset; a packet in two given
//!   sessions is written once.
//! * Classic pcap sources: each record is read at its stored offset (the
//!   file header, then just that record, from the memory map, with
//!   `CaptureReader::record_at`) and copied byte for byte (`Record::raw`). The output has the link
//!   type, snaplen, byte order and timestamp precision of the first file;
//!   a record from a file of another encoding is re-encoded (same
//!   timestamp, lengths and bytes).
//! * pcapng sources: written as classic pcap records (in the byte order
//!   of the file's first section), with the link type of the first packet
//!   written and the file's precision (nanoseconds if any timestamp in the
//!   file had sub-microsecond digits, else microseconds): same timestamp,
//!   lengths and packet bytes, not the pcapng block. A pcapng block's
//!   interface is known only from the blocks before it, so the index keeps
//!   where each file's section headers and interface descriptions are
//!   (`files.context`); carve reads those few blocks again, then each
//!   record at its offset (`CaptureReader::record_at_with`). A file with
//!   more than 65,536 of them has no saved context and is walked block by
//!   block through the memory map instead, without dissecting anything.
//! * Checks: before reading a file, its size and content hash must match
//!   the index (else carve refuses, naming the file); each record at a
//!   stored offset must parse, have the file's link type, and a timestamp
//!   inside the session's first..last time. A file that moved can be found
//!   by name in `--search-path` directories.
//! * `--payload DIR`: instead of (or besides, with `-o`) the pcap, writes
//!   `DIR/ID.client` and `DIR/ID.server`, the reassembled TCP byte streams
//!   of each TCP session, and reports gaps on stderr.
//!
//! The work is [`SessionStore::carve_with`]; this module parses the
//! arguments and prints.

use std::path::{Path, PathBuf};

use crate::Console;
use crate::export::read::SessionKey;
use crate::store::{CarveOptions, CarveOutput, SessionStore};

pub use crate::store::OutFormat;

/// Arguments of `pcapdig carve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The index database (opened read-only).
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// Session ids (from `pcapdig sessions`), or Community IDs (`1:...=`:
    /// every session of that flow).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Carve from this Parquet export (`pcapdig export --parquet DIR`)
    /// instead of the database, with the same checks.
    #[arg(long, value_name = "DIR", conflicts_with = "db")]
    pub parquet: Option<PathBuf>,
    /// Output capture file; `-` writes to standard output. Written to a
    /// temporary file beside it and renamed into place only when complete;
    /// refused if it is one of the captures read or the database.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Output format: `pcap` (classic, one link type) or `pcapng` (needed
    /// when sessions span link types). Default: `pcapng` if the output name
    /// ends in `.pcapng`, else `pcap`.
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    /// Directories where to look for moved capture files, by file name.
    #[arg(long = "search-path")]
    pub search_path: Vec<PathBuf>,
    /// Write the reassembled TCP streams of each session into this
    /// directory (ID.client, ID.server); IP fragments are reassembled
    /// first.
    #[arg(long)]
    pub payload: Option<PathBuf>,
}

/// Runs the subcommand, printing on `console` (`-o -` writes the
/// capture to its output stream).
pub fn run_to(args: Args, console: &mut Console<'_>) -> crate::CliResult {
    if args.output.is_none() && args.payload.is_none() {
        return Err("give -o OUT.pcap (or -o - for standard output) and/or --payload DIR".into());
    }
    let keys: Vec<SessionKey> = args.ids.iter().map(|t| SessionKey::parse(t)).collect();
    let output = match &args.output {
        None => None,
        // The process's standard output is checked (not a terminal, not
        // redirected into an input); another stream is the caller's.
        Some(p) if p == Path::new("-") && console.is_stdio => Some(CarveOutput::Stdout),
        Some(p) if p == Path::new("-") => Some(CarveOutput::Writer(&mut *console.out)),
        Some(p) => Some(CarveOutput::File(p.clone())),
    };
    let opts = CarveOptions {
        format: args.format,
        search_path: args.search_path,
        payload: args.payload,
    };
    let err = &mut *console.err;
    let mut failed_write = None;
    let mut notice = |n: &crate::store::CarveNotice| {
        if let Err(e) = writeln!(err, "pcapdig: {n}") {
            failed_write.get_or_insert(e);
        }
    };
    let result = match &args.parquet {
        Some(dir) => crate::export::read::carve(dir, &keys, output, &opts, &mut notice),
        None => {
            let store = SessionStore::open_read_only(&args.db)?;
            let mut ids = Vec::new();
            for key in &keys {
                match key {
                    SessionKey::Id(id) => ids.push(*id),
                    SessionKey::Community(c) => {
                        let of = store.ids_of_community(c)?;
                        if of.is_empty() {
                            return Err(format!(
                                "no session with Community ID {c} in {}",
                                args.db.display()
                            )
                            .into());
                        }
                        ids.extend(
                            of.into_iter()
                                .filter(|i| !ids.contains(i))
                                .collect::<Vec<_>>(),
                        );
                    }
                }
            }
            store.carve_with(&ids, output, &opts, &mut notice)
        }
    };
    let report = result?;
    if let Some(e) = failed_write {
        return Err(e.into());
    }
    writeln!(
        err,
        "pcapdig: carved {} session(s), {} packets",
        report.sessions, report.packets
    )?;
    Ok(())
}
