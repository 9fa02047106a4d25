//! `pcapdig fields`: tshark-compatible per-packet field output.
//!
//! Prints what `tshark -n -r FILE -o tcp.desegment_tcp_streams:FALSE -o
//! ip.defragment:FALSE -o ipv6.defragment:FALSE --enable-protocol
//! communityid -T fields -E header=y -E separator=/t -E occurrence=a -E
//! aggregator=, -E quote=n -e ...` prints, for the fields in [`FIELD_NAMES`].
//!
//! Packets are read by the `protocols` [`Dissector`], configured by
//! [`config::config_for`] with just the per-layer flags and the depth the
//! asked fields (and the filter) need; with only `frame.*` fields nothing
//! is dissected. [`format`](mod@format) prints tshark's text from the [`Dissection`],
//! and [`packet`] holds the few tshark behaviours that are about printing
//! rather than dissecting. Nothing is allocated per packet: one output
//! buffer is reused.

pub mod config;
pub mod format;
pub mod packet;
pub mod text;

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use pcap_core::capture::CaptureReader;
use pcap_core::filter::Filter;

pub use format::{FIELD_NAMES, Field};
use protocols::{DissectError, Dissection, Dissector, LayerKind};

/// Arguments of `pcapdig fields`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture file (pcap or pcapng), or `-` for standard input.
    pub file: PathBuf,
    /// A field to print (tshark name); repeat for several columns.
    #[arg(short = 'e', long = "field", required = true)]
    pub fields: Vec<String>,
    /// Only packets matching this tcpdump-style expression.
    #[arg(long)]
    pub filter: Option<String>,
}

/// Opens `path` (`-` = standard input).
pub fn open_capture(path: &Path) -> Result<CaptureReader, pcap_core::Error> {
    if path.as_os_str() == "-" {
        let stdin: Box<dyn Read + Send> = Box::new(std::io::stdin());
        CaptureReader::from_reader(stdin, "<stdin>")
    } else {
        CaptureReader::open(path)
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> crate::CliResult {
    let fields = parse_fields(&args.fields)?;
    let filter = match &args.filter {
        Some(expr) => Some(Filter::parse(expr)?),
        None => None,
    };
    let reader = open_capture(&args.file)?;
    let stdout = std::io::stdout();
    let out = BufWriter::with_capacity(1 << 16, stdout.lock());
    write_fields(reader, &fields, filter.as_ref(), out)
}

/// Parses field names; an unknown name is an error listing the known ones.
pub fn parse_fields(names: &[String]) -> Result<Vec<Field>, String> {
    names
        .iter()
        .map(|n| {
            Field::from_name(n).ok_or_else(|| {
                format!(
                    "unknown field `{n}`; supported fields: {}",
                    FIELD_NAMES.join(" ")
                )
            })
        })
        .collect()
}

/// Writes the header line and one line per (matching) record of `reader`.
///
/// Records before a damaged part of the file are all written; the first
/// framing error is returned after them (record errors are reported on
/// stderr, and the walk goes on).
pub fn write_fields<W: Write>(
    mut reader: CaptureReader,
    fields: &[Field],
    filter: Option<&Filter>,
    mut out: W,
) -> crate::CliResult {
    let dissector = config::config_for(fields, filter.map(Filter::needs)).map(Dissector::new);
    let mut line = String::with_capacity(4096);
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            line.push('\t');
        }
        line.push_str(f.name());
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    let mut number: u64 = 0;
    let mut errors = 0u64;
    let mut first_error: Option<pcap_core::Error> = None;
    let mut warned_linktype = false;
    let name = reader.name().display().to_string();
    loop {
        let rec = match reader.next_record() {
            Ok(Some(rec)) => rec,
            Ok(None) => break,
            Err(e) => {
                errors += 1;
                if reader.is_done() {
                    first_error.get_or_insert(e);
                    break;
                }
                eprintln!("pcapdig: {e}");
                first_error.get_or_insert(e);
                continue;
            }
        };
        number += 1;
        // Built in place and filled through `dissect_into`: a Dissection
        // is large, and moving one per packet (as returning it from
        // `dissect_record` does) costs more than the walk.
        let mut d = Dissection::new(rec.linktype.0, rec.data);
        d.summary.wire_len = rec.origlen;
        if let Some(dissector) = &dissector {
            dissector.dissect_into(&mut d);
        }
        let dissected = dissector.is_some();
        if let Some(DissectError {
            layer: LayerKind::Link(lt),
            ..
        }) = &d.error
            && !warned_linktype
        {
            warned_linktype = true;
            eprintln!(
                "pcapdig: {name}: link type {lt} is not supported: only frame.* fields are printed for its records"
            );
        }
        if let Some(f) = filter
            && !f.matches(&d.summary)
        {
            continue;
        }
        line.clear();
        let pkt = dissected.then(|| packet::Packet::new(&d));
        let frame = format::Frame {
            number,
            ts: rec.timestamp(),
            len: rec.origlen,
            caplen: rec.caplen,
        };
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            format::write_field(&mut line, *f, &frame, pkt.as_ref());
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    match first_error {
        Some(e) if errors > 1 => Err(format!("{e} (and {} more errors)", errors - 1).into()),
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
