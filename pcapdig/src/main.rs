//! `pcapdig`: dig into packet captures.
//!
//! * `fields`   — tshark-compatible per-packet field output
//! * `show`     — packets printed layer by layer
//! * `index`    — sessions (flows) and their packets' file offsets into SQLite
//! * `sessions` — search indexed sessions with a tcpdump-style expression
//! * `carve`    — write one session back out, reading only its records

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod carve;
mod content_hash;
mod db;
mod fields;
mod index;
mod inputs;
mod sessions;
mod show;

/// Dig into packet captures: parse only what you ask for, index sessions,
/// carve them back out by offset.
#[derive(Parser, Debug)]
#[command(name = "pcapdig", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
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
    /// starts in one file and ends in the next is one session. Re-indexing
    /// the same files changes nothing: a file already indexed with the same
    /// path and fingerprint (size and a hash of its first and last 64 KiB)
    /// is skipped; one that changed since is refused. An interrupted run is
    /// cleaned up and redone by the next one.
    ///
    /// Example: pcapdig index day1-00.pcap day1-01.pcap --db day1.db
    Index(index::Args),
    /// List indexed sessions matching a tcpdump-style expression.
    ///
    /// `src`/`sport` are the initiator (for TCP, the SYN sender). `--json`
    /// prints one object per line (id, community_id, proto, src, sport, dst,
    /// dport, first_ts, last_ts, packets, bytes, per-direction counts, files).
    ///
    /// Example: pcapdig sessions --db day1.db 'tcp and port 80 and net 10.0.0.0/8'
    Sessions(sessions::Args),
    /// Write sessions' packets back out as pcap, reading only their records.
    ///
    /// Packets are merged in capture order and copied byte for byte (pcapng
    /// sources become classic pcap records). Refuses if a file changed since
    /// it was indexed; --search-path finds moved files by name. --payload
    /// DIR writes the reassembled TCP streams (ID.client, ID.server).
    ///
    /// Example: pcapdig carve --db day1.db 42 -o session42.pcap
    Carve(carve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fields(args) => fields::run(args),
        Command::Show(args) => show::run(args),
        Command::Index(args) => index::run(args),
        Command::Sessions(args) => sessions::run(args),
        Command::Carve(args) => carve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`| head`) is not an error worth a message.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("pcapdig: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::FAILURE
        }
    }
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
}
