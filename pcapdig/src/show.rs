//! `pcapdig show`: packets printed layer by layer, every field of every
//! layer's schema, built-in and registered layers alike, named and printed
//! as `pcapdig fields` names and prints them (`ip( ttl=64, ...)` is
//! `-e ip.ttl`).
//!
//! ```text
//! PACKET( number=1, offset=24, ts=1084443427.311224000, caplen=62, len=62 )
//!   eth( dst=fe:ff:20:00:01:00, src=00:00:01:00:00:00, type=0x0800 )
//!   ip( version=4, hdr_len=20, dsfield.dscp=0, ..., ttl=128, proto=6, ... )
//!   tcp( srcport=3372, dstport=80, seq_raw=951057939, ... )
//! ```

use std::fmt::{Display, Write as _};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pcap_core::capture::Record;
use pcap_core::filter::Filter;
use pcap_core::{FieldSpec, FieldValue};
use protocols::dns::{DnsHeader, DnsMessage};
use protocols::http::HttpMessage;
use protocols::{Config, Dissection, Dissector, LayerKind};

/// Arguments of `pcapdig show`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture file (pcap or pcapng), or `-` for standard input.
    pub file: PathBuf,
    /// Print at most this many packets (after filtering).
    #[arg(short = 'c', long = "count")]
    pub count: Option<u64>,
    /// Only these layers, comma-separated tshark-style names
    /// (eth,vlan,ip,ipv6,tcp,udp,icmp,icmpv6,gtp,dns,http,sll,null).
    #[arg(long, value_delimiter = ',')]
    pub layers: Option<Vec<String>>,
    /// Only packets matching this tcpdump-style expression (pcap-filter(7)
    /// syntax: `and`/`or` have equal precedence, left to right). Unlike
    /// tcpdump, filters look through VLAN tags: `host 10.0.0.1` also
    /// matches tagged frames, without `vlan and`.
    #[arg(long)]
    pub filter: Option<String>,
}

/// Runs the subcommand.
pub fn run(args: Args, ctx: &crate::Context, console: &mut crate::Console<'_>) -> crate::CliResult {
    let filter = args
        .filter
        .as_deref()
        .map(Filter::parse_for_packets)
        .transpose()?;
    let mut reader = crate::fields::open_capture(&args.file)?;
    let mut out = BufWriter::new(&mut *console.out);
    let opts = Options {
        count: args.count,
        layers: args.layers,
    };
    let mut first_error = None;
    let mut number = 0u64;
    let mut shown = 0u64;
    let dissector = Dissector::with_registry(Config::all(), ctx.registry.clone());
    let mut text = String::new();
    loop {
        if opts.count.is_some_and(|c| shown >= c) {
            break;
        }
        match reader.next_record() {
            Ok(Some(rec)) => {
                number += 1;
                let d = dissector.dissect_record(&rec);
                if filter
                    .as_ref()
                    .is_some_and(|f| !f.matches_packet(&d.summary, rec.data))
                {
                    continue;
                }
                shown += 1;
                text.clear();
                render(&mut text, number, &rec, &d, &dissector, &opts);
                out.write_all(text.as_bytes())?;
            }
            Ok(None) => break,
            Err(e) => {
                let done = reader.is_done();
                if !done {
                    // A message that cannot be written is not worth failing for.
                    let _ = writeln!(console.err, "pcapdig: {e}");
                }
                first_error.get_or_insert(e);
                if done {
                    break;
                }
            }
        }
    }
    out.flush()?;
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// What to print.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// At most this many packets.
    pub count: Option<u64>,
    /// Only these layers (`frame.protocols` names); all when `None`.
    pub layers: Option<Vec<String>>,
}

/// One `key=value` list inside `name( ... )`.
struct Line<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Line<'o> {
    fn new(out: &'o mut String, name: &str) -> Self {
        let _ = write!(out, "  {name}(");
        Line { out, first: true }
    }

    fn sep(&mut self) {
        self.out.push_str(if self.first { " " } else { ", " });
        self.first = false;
    }

    fn kv(&mut self, key: &str, v: impl Display) -> &mut Self {
        self.sep();
        let _ = write!(self.out, "{key}={v}");
        self
    }

    /// A schema field, printed as `pcapdig fields` prints it.
    fn field(&mut self, spec: &FieldSpec, value: FieldValue<'_>) {
        // Options and other variable parts: their length, not their bytes.
        if let FieldValue::Bytes(b) = value
            && spec.bit_width.is_none()
        {
            if !b.is_empty() {
                self.kv(spec.display_name, format_args!("<{} bytes>", b.len()));
            }
            return;
        }
        self.sep();
        let _ = write!(self.out, "{}=", spec.display_name);
        let _ = value.write_tshark(spec, self.out);
    }

    /// Free text (a DNS or HTTP summary).
    fn text(&mut self, text: &str) {
        self.sep();
        self.out.push_str(text);
    }

    fn end(self) {
        self.out.push_str(if self.first { ")\n" } else { " )\n" });
    }
}

/// Renders one packet: the `PACKET(...)` line, then one line per layer the
/// walk went through, outermost first, named as tshark names it, with every
/// field of the layer's schema (built-in or registered alike, read through
/// `dissector`, which made `d`). Headers inside an ICMP error's quote are
/// marked `quoted`; a header cut short shows the fields that fit.
pub fn render(
    out: &mut String,
    number: u64,
    rec: &Record<'_>,
    d: &Dissection<'_>,
    dissector: &Dissector,
    opts: &Options,
) {
    let _ = write!(out, "PACKET( number={number}, offset={}", rec.offset);
    if let Some(ts) = rec.timestamp() {
        let _ = write!(out, ", ts={ts}");
    }
    let _ = writeln!(out, ", caplen={}, len={} )", rec.caplen, rec.origlen);
    let want = |name: &str| {
        opts.layers
            .as_ref()
            .is_none_or(|l| l.iter().any(|x| x.eq_ignore_ascii_case(name)))
    };
    let mut tcp = d.tcp.iter();
    for r in d.layers.iter() {
        let name = r.kind.name();
        // TCP hits are in walk order: the n-th TCP layer is the n-th hit.
        let tcp_hit = if r.kind == LayerKind::Tcp {
            tcp.next()
        } else {
            None
        };
        if !want(name) && !matches!(r.kind, LayerKind::Link(_)) {
            continue;
        }
        let bytes = d.data.get(r.offset..).unwrap_or(&[]);
        let mut l = match r.kind {
            LayerKind::Link(lt) => {
                let mut l = Line::new(out, "Unsupported");
                l.kv("linktype", lt);
                l.end();
                continue;
            }
            _ => Line::new(out, name),
        };
        if r.quoted {
            l.text("quoted");
        }
        match r.kind {
            LayerKind::Dns => {
                let msg = bytes.get(..r.len).unwrap_or(bytes);
                match DnsMessage::parse_header_only(msg, DnsHeader::NONE) {
                    Ok(m) => {
                        let text = m.to_string();
                        l.text(text.strip_prefix("DNS ").unwrap_or(&text));
                    }
                    Err(_) => {
                        dissector.visit_layer(r.kind, bytes, &mut |spec, v| l.field(spec, v));
                    }
                }
            }
            LayerKind::Http => {
                if let Ok(m) = HttpMessage::parse(bytes) {
                    let text = m.to_string();
                    l.text(text.strip_prefix("HTTP ").unwrap_or(&text));
                    if let Some(host) = m.host() {
                        l.kv("host", String::from_utf8_lossy(host));
                    }
                }
            }
            LayerKind::Ipv6Ext(nh) => {
                l.kv("header", nh).kv("len", r.len);
            }
            kind => {
                dissector.visit_layer(kind, bytes, &mut |spec, v| l.field(spec, v));
                if let Some(len) = tcp_hit.and_then(|h| h.payload_len) {
                    l.kv("payload_len", len);
                }
            }
        }
        l.end();
    }
    if !d.payload.is_empty() && want("data") {
        let mut l = Line::new(out, "data");
        l.kv("len", d.payload.len());
        l.end();
    }
    if let Some(e) = &d.error {
        let mut l = Line::new(out, "Malformed");
        l.kv("layer", e.layer)
            .kv("offset", e.offset)
            .kv("error", &e.error);
        l.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_core::Endian;
    use pcap_core::capture::synth::{PcapBuilder, TrafficSpec, traffic};
    use pcap_core::capture::{CaptureReader, Precision, Timestamp};

    fn show_all(bytes: Vec<u8>, opts: &Options) -> String {
        let mut reader = CaptureReader::from_bytes(bytes, "t.pcap").expect("reader");
        let dissector = Dissector::new(Config::all());
        let mut out = String::new();
        let mut n = 0;
        while let Ok(Some(rec)) = reader.next_record() {
            n += 1;
            let d = dissector.dissect_record(&rec);
            render(&mut out, n, &rec, &d, &dissector, opts);
        }
        out
    }

    #[test]
    fn shows_layers_of_synthetic_traffic() {
        let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
        for p in traffic(TrafficSpec {
            packets: 3,
            ..TrafficSpec::default()
        }) {
            file.record(p.ts, p.origlen, &p.data);
        }
        let text = show_all(file.build(), &Options::default());
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("PACKET( number=1, offset=24, ts=1700000000.")
                && first.ends_with(" )"),
            "{text}"
        );
        assert!(text.contains("\n  eth( dst=02:"), "{text}");
        assert!(text.contains("type=0x0800 )"), "{text}");
        assert!(text.contains("\n  ip( version=4, hdr_len=20, "), "{text}");
        assert!(
            text.contains("\n  tcp( srcport=") || text.contains("\n  udp( srcport="),
            "{text}"
        );
        assert_eq!(text.matches("PACKET(").count(), 3);
    }

    #[test]
    fn layer_selection_and_truncation() {
        let mut frame = vec![0xff; 12];
        frame.extend_from_slice(&[0x08, 0x00, 0x45, 0x00]);
        let mut file = PcapBuilder::new(Endian::Little, Precision::Nano);
        file.record(Timestamp::new(1, 5), 60, &frame);
        let bytes = file.build();
        let all = show_all(bytes.clone(), &Options::default());
        assert!(
            all.contains("PACKET( number=1, offset=24, ts=1.000000005, caplen=16, len=60 )"),
            "{all}"
        );
        assert!(all.contains("Malformed( layer=ip"), "{all}");
        let only_ip = show_all(
            bytes,
            &Options {
                layers: Some(vec!["ip".into()]),
                ..Options::default()
            },
        );
        assert!(!only_ip.contains("eth("), "{only_ip}");
    }
}
