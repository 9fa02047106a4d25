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

pub mod column;
pub mod config;
pub mod dns;
pub mod format;
pub mod http;
pub mod packet;
pub mod text;
pub mod wlan;

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use pcap_core::capture::{CaptureReader, LinkType, Record};
use pcap_core::filter::Filter;

pub use column::{Column, LayerField, parse_columns};
pub use format::{FIELD_NAMES, Field};
use protocols::{DissectError, Dissection, Dissector, LayerKind, Registry};

use text::Line;

/// Arguments of `pcapdig fields`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture file (pcap or pcapng), or `-` for standard input.
    pub file: PathBuf,
    /// A field to print (tshark name); repeat for several columns.
    #[arg(short = 'e', long = "field", required = true)]
    pub fields: Vec<String>,
    /// Only packets matching this tcpdump-style expression (pcap-filter(7)
    /// syntax: `and`/`or` have equal precedence, left to right). Unlike
    /// tcpdump, filters look through VLAN tags: `host 10.0.0.1` also
    /// matches tagged frames, without `vlan and`.
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
pub fn run(args: Args, ctx: &crate::Context, console: &mut crate::Console<'_>) -> crate::CliResult {
    let fields = parse_columns(&args.fields, &ctx.registry)?;
    let filter = match &args.filter {
        Some(expr) => Some(Filter::parse_for_packets(expr)?),
        None => None,
    };
    let reader = open_capture(&args.file)?;
    let filter = filter.as_ref();
    if console.is_stdio {
        // The process's own stdout, locked once for the whole run.
        let stdout = std::io::stdout();
        let out = BufWriter::with_capacity(1 << 16, stdout.lock());
        write_fields_to(
            reader,
            &fields,
            filter,
            &ctx.registry,
            out,
            &mut *console.err,
        )
    } else {
        let out = &mut *console.out;
        write_fields_to(
            reader,
            &fields,
            filter,
            &ctx.registry,
            out,
            &mut *console.err,
        )
    }
}

/// Parses field names with the built-in layers only (see
/// [`parse_columns`]).
pub fn parse_fields(names: &[String]) -> Result<Vec<Column>, String> {
    parse_columns(names, &Registry::new())
}

/// How many bytes of output lines are gathered before they are written.
const OUTPUT_CHUNK: usize = 1 << 16;

/// Writes the header line and one line per (matching) record of `reader`.
///
/// Records before a damaged part of the file are all written; the first
/// framing error is returned after them (record errors are reported on
/// stderr, and the walk goes on; [`write_fields_to`] says where).
pub fn write_fields<W: Write>(
    reader: CaptureReader,
    fields: &[Column],
    filter: Option<&Filter>,
    registry: &Registry,
    out: W,
) -> crate::CliResult {
    write_fields_to(reader, fields, filter, registry, out, std::io::stderr())
}

/// [`write_fields`], with the messages (record errors, an unsupported
/// link type) written to `err` rather than standard error.
pub fn write_fields_to<W: Write, E: Write>(
    mut reader: CaptureReader,
    fields: &[Column],
    filter: Option<&Filter>,
    registry: &Registry,
    out: W,
    err: E,
) -> crate::CliResult {
    let tls = fields
        .iter()
        .any(|c| matches!(c, Column::Tls(_)))
        .then(protocols::tls::Conversations::new);
    let mut w = FieldWriter {
        tls,
        dissector: config::config_for_columns(fields, filter.map(Filter::needs), registry)
            .map(|c| Dissector::with_registry(c, registry.clone())),
        fields,
        filter,
        out,
        err,
        line: Line::with_capacity(OUTPUT_CHUNK + 4096),
        number: 0,
        errors: 0,
        first_error: None,
        warned_linktype: false,
        name: reader.name().display().to_string(),
    };
    w.header()?;
    if let Some(mut records) = reader.records() {
        // A file in memory: its records outlive the loop, so one
        // `Dissection` (several KB) is built once and refilled per packet.
        let mut d = Dissection::new(LinkType::NULL, &[]);
        loop {
            match records.next_record() {
                Ok(Some(rec)) => {
                    d.reset(rec.linktype, rec.data);
                    w.record(&rec, &mut d)?;
                }
                Ok(None) => break,
                Err(e) => {
                    if w.error(e, records.is_done()) {
                        break;
                    }
                }
            }
        }
    } else {
        // A stream: each record lives until the next read, and so does
        // its dissection, built in place (not returned by value).
        loop {
            match reader.next_record() {
                Ok(Some(rec)) => {
                    let mut d = Dissection::new(rec.linktype, rec.data);
                    w.record(&rec, &mut d)?;
                }
                Ok(None) => break,
                Err(e) => {
                    if w.error(e, reader.is_done()) {
                        break;
                    }
                }
            }
        }
    }
    w.finish()
}

/// The state of one `write_fields` run, shared by its two record loops.
struct FieldWriter<'f, W, E> {
    /// The TCP conversations, when a `tls.*` column is asked.
    tls: Option<protocols::tls::Conversations>,
    dissector: Option<Dissector>,
    fields: &'f [Column],
    filter: Option<&'f Filter>,
    out: W,
    /// Where messages go.
    err: E,
    /// Output lines not yet handed to `out` (written once
    /// [`OUTPUT_CHUNK`] bytes are there: one copy per byte, not two).
    line: Line,
    /// `frame.number` of the last record.
    number: u64,
    errors: u64,
    first_error: Option<pcap_core::Error>,
    warned_linktype: bool,
    /// The capture's name, for messages.
    name: String,
}

impl<W: Write, E: Write> FieldWriter<'_, W, E> {
    /// Writes the header line: the field names.
    fn header(&mut self) -> std::io::Result<()> {
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                self.line.push('\t');
            }
            self.line.push_str(f.name());
        }
        self.line.push('\n');
        Ok(())
    }

    /// Counts a read error; returns whether the walk must stop (`done`:
    /// the framing is lost). Record errors are reported on `err`.
    fn error(&mut self, e: pcap_core::Error, done: bool) -> bool {
        self.errors += 1;
        if !done {
            // A message that cannot be written is not worth failing for.
            let _ = writeln!(self.err, "pcapdig: {e}");
        }
        self.first_error.get_or_insert(e);
        done
    }

    /// Dissects `rec` into `d` (empty, of `rec`'s bytes) and writes its
    /// line if it passes the filter.
    #[inline]
    fn record<'a>(&mut self, rec: &Record<'a>, d: &mut Dissection<'a>) -> std::io::Result<()> {
        self.number += 1;
        d.summary.wire_len = rec.origlen;
        if let Some(dissector) = &self.dissector {
            dissector.dissect_into(d);
        }
        let dissected = self.dissector.is_some();
        if let Some(DissectError {
            layer: LayerKind::Link(lt),
            ..
        }) = &d.error
            && !self.warned_linktype
        {
            self.warned_linktype = true;
            let _ = writeln!(
                self.err,
                "pcapdig: {}: link type {} is not supported: only frame.* fields are printed for its records",
                lt.0, self.name
            );
        }
        // Every packet feeds its conversation, shown or not: the state
        // of a TLS session depends on what came before.
        let tls = self.tls.as_mut().map(|c| c.packet(d).cells());
        if let Some(f) = self.filter
            && !f.matches_packet(&d.summary, rec.data)
        {
            return Ok(());
        }
        let pkt = dissected.then(|| packet::Packet::new(d));
        let frame = format::Frame {
            number: self.number,
            ts: rec.timestamp(),
            len: rec.origlen,
            caplen: rec.caplen,
        };
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                self.line.push('\t');
            }
            match f {
                Column::Builtin(f) => format::write_field(&mut self.line, *f, &frame, pkt.as_ref()),
                Column::Layer(l) => {
                    if let (Some(dissector), Some(p)) = (&self.dissector, &pkt) {
                        column::write_layer_field(&mut self.line, l, dissector, p.d);
                    }
                }
                Column::Wlan(i) => {
                    if let Some(p) = &pkt {
                        wlan::write(&mut self.line, *i, p.d);
                    }
                }
                Column::Tls(i) => {
                    if let Some(cells) = &tls {
                        self.line.push_str(&cells[*i]);
                    }
                }
            }
        }
        self.line.push('\n');
        if self.line.len() >= OUTPUT_CHUNK {
            self.out.write_all(self.line.as_bytes())?;
            self.line.clear();
        }
        Ok(())
    }

    /// Writes what is left and flushes the output; returns the first error
    /// met, if any.
    fn finish(mut self) -> crate::CliResult {
        self.out.write_all(self.line.as_bytes())?;
        self.out.flush()?;
        match self.first_error {
            Some(e) if self.errors > 1 => {
                Err(format!("{e} (and {} more errors)", self.errors - 1).into())
            }
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_app;
