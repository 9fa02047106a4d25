//! `pcapdig show`: packets printed layer by layer, with the `protocols`
//! crate's dissector (every field of every layer unpacked).
//!
//! ```text
//! PACKET( number=1, offset=24, ts=1084443427.311224000, caplen=62, len=62 )
//!   Ethernet( src=00:00:01:00:00:00, dst=fe:ff:20:00:01:00, type=0x0800 )
//!   IPv4( version=4, ihl=5, dscp=0, ecn=0, total_len=48, ... )
//!   TCP( src_port=3372, dst_port=80, seq=951057939, ... )
//! ```

use std::fmt::{self, Display, Write as _};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pcap_core::Field;
use pcap_core::capture::Record;
use pcap_core::filter::Filter;
use protocols::{Config, Dissection, Dissector};

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
pub fn run(args: Args, ctx: &crate::Context) -> crate::CliResult {
    let filter = args.filter.as_deref().map(Filter::parse).transpose()?;
    let mut reader = crate::fields::open_capture(&args.file)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
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
                render(&mut text, number, &rec, &d, &opts);
                out.write_all(text.as_bytes())?;
            }
            Ok(None) => break,
            Err(e) => {
                let done = reader.is_done();
                if !done {
                    eprintln!("pcapdig: {e}");
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

/// One `key=value` list inside `Name( ... )`.
struct Line<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Line<'o> {
    fn new(out: &'o mut String, name: &str) -> Self {
        let _ = write!(out, "  {name}(");
        Line { out, first: true }
    }

    /// Marks a header quoted by an ICMP error.
    fn quoted(&mut self, quoted: bool) {
        if quoted {
            self.sep();
            self.out.push_str("quoted");
        }
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

    fn f<T: Display>(&mut self, key: &str, field: &Field<'_, T>) -> &mut Self {
        if let Some(v) = field.value() {
            self.kv(key, v);
        }
        self
    }

    fn hex<T: fmt::LowerHex>(
        &mut self,
        key: &str,
        field: &Field<'_, T>,
        width: usize,
    ) -> &mut Self {
        if let Some(v) = field.value() {
            self.sep();
            let _ = write!(self.out, "{key}=0x{v:0width$x}");
        }
        self
    }

    fn bytes(&mut self, key: &str, field: &Field<'_, &[u8]>) -> &mut Self {
        if let Some(v) = field.value().filter(|v| !v.is_empty()) {
            self.kv(key, format_args!("<{} bytes>", v.len()));
        }
        self
    }

    fn end(self) {
        self.out.push_str(if self.first { ")\n" } else { " )\n" });
    }
}

/// Renders one packet: the `PACKET(...)` line, then one line per layer.
pub fn render(out: &mut String, number: u64, rec: &Record<'_>, d: &Dissection<'_>, opts: &Options) {
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
    if let Some(e) = d.eth.as_ref().filter(|_| want("eth")) {
        let mut l = Line::new(out, "Ethernet");
        l.f("src", &e.src)
            .f("dst", &e.dst)
            .hex("type", &e.ethertype, 4);
        l.end();
    }
    if let Some(s) = d.sll.as_ref().filter(|_| want("sll")) {
        let mut l = Line::new(out, "LinuxSLL");
        l.f("packet_type", &s.packet_type)
            .f("arphrd_type", &s.arphrd_type)
            .hex("protocol", &s.protocol, 4);
        l.end();
    }
    if let Some(s) = d.sll2.as_ref().filter(|_| want("sll")) {
        let mut l = Line::new(out, "LinuxSLL2");
        l.hex("protocol", &s.protocol, 4)
            .f("if_index", &s.if_index)
            .f("arphrd_type", &s.arphrd_type)
            .f("packet_type", &s.packet_type);
        l.end();
    }
    if let Some(s) = d.loopback.as_ref().filter(|_| want("null")) {
        let mut l = Line::new(out, "Loopback");
        l.f("family", &s.family);
        l.end();
    }
    for v in d.vlans.iter() {
        let name = if v.is_s_tag() { "ieee8021ad" } else { "vlan" };
        if !want(name) {
            continue;
        }
        let mut l = Line::new(out, if v.is_s_tag() { "QinQ" } else { "VLAN" });
        l.hex("tpid", &Field::Value(v.tpid), 4)
            .f("pcp", &v.tag.pcp)
            .f("dei", &v.tag.dei)
            .f("vid", &v.tag.vid)
            .hex("type", &v.tag.ethertype, 4);
        l.end();
    }
    // Network and transport layers in walk order (tunnels, ICMP quotes).
    let (mut i4, mut i6, mut t, mut u, mut c4, mut c6, mut g, mut dn) = (0, 0, 0, 0, 0, 0, 0, 0);
    for layer in d.layers.iter() {
        use protocols::LayerKind as K;
        let quoted = layer.quoted;
        match layer.kind {
            K::Ipv4 => {
                let hit = d.ipv4.get(i4);
                i4 += 1;
                let Some(h) = hit.filter(|_| want("ip")) else {
                    continue;
                };
                let ip = &h.header;
                let mut l = Line::new(out, "IPv4");
                l.quoted(quoted);
                l.f("version", &ip.version)
                    .f("ihl", &ip.ihl)
                    .f("dscp", &ip.dscp)
                    .f("ecn", &ip.ecn)
                    .f("total_len", &ip.total_len)
                    .hex("ident", &ip.ident, 4)
                    .f("df", &ip.dont_frag)
                    .f("mf", &ip.more_frags)
                    .f("frag_offset", &ip.frag_offset)
                    .f("ttl", &ip.ttl)
                    .f("protocol", &ip.protocol)
                    .hex("checksum", &ip.checksum, 4)
                    .f("src", &ip.src_addr)
                    .f("dst", &ip.dst_addr)
                    .bytes("options", &ip.options);
                l.end();
            }
            K::Ipv6 => {
                let hit = d.ipv6.get(i6);
                i6 += 1;
                let Some(h) = hit.filter(|_| want("ipv6")) else {
                    continue;
                };
                let ip = &h.header.fixed;
                let mut l = Line::new(out, "IPv6");
                l.quoted(quoted);
                l.f("version", &ip.version)
                    .f("traffic_class", &ip.traffic_class)
                    .hex("flow_label", &ip.flow_label, 5)
                    .f("payload_len", &ip.payload_len)
                    .f("next_header", &ip.next_header)
                    .f("hop_limit", &ip.hop_limit)
                    .f("src", &ip.src_addr)
                    .f("dst", &ip.dst_addr);
                l.end();
            }
            K::Ipv6Ext(nh) if want("ipv6") => {
                let mut l = Line::new(out, "IPv6Ext");
                l.kv("kind", layer.kind.name())
                    .kv("header", nh)
                    .kv("len", layer.len);
                l.end();
            }
            K::Tcp => {
                let hit = d.tcp.get(t);
                t += 1;
                let Some(h) = hit.filter(|_| want("tcp")) else {
                    continue;
                };
                let tcp = &h.header;
                let mut l = Line::new(out, "TCP");
                l.quoted(quoted);
                l.f("src_port", &tcp.src_port)
                    .f("dst_port", &tcp.dst_port)
                    .f("seq", &tcp.seq_num)
                    .f("ack", &tcp.ack_num)
                    .f("data_offset", &tcp.data_offset)
                    .hex("flags", &tcp.flags, 3)
                    .f("window", &tcp.window)
                    .hex("checksum", &tcp.checksum, 4)
                    .f("urgent_ptr", &tcp.urgent_ptr)
                    .bytes("options", &tcp.options);
                if let Some(len) = h.payload_len {
                    l.kv("payload_len", len);
                }
                l.end();
            }
            K::Udp => {
                let hit = d.udp.get(u);
                u += 1;
                let Some(h) = hit.filter(|_| want("udp")) else {
                    continue;
                };
                let udp = &h.header;
                let mut l = Line::new(out, "UDP");
                l.quoted(quoted);
                l.f("src_port", &udp.src_port)
                    .f("dst_port", &udp.dst_port)
                    .f("length", &udp.length)
                    .hex("checksum", &udp.checksum, 4);
                l.end();
            }
            K::Icmp | K::Icmpv6 => {
                let v6 = layer.kind == K::Icmpv6;
                let hit = if v6 { d.icmpv6.get(c6) } else { d.icmp.get(c4) };
                if v6 {
                    c6 += 1;
                } else {
                    c4 += 1;
                }
                let Some(h) = hit.filter(|_| want(layer.kind.name())) else {
                    continue;
                };
                let ic = &h.header;
                let mut l = Line::new(out, if v6 { "ICMPv6" } else { "ICMP" });
                l.quoted(quoted);
                l.f("type", &ic.msg_type)
                    .f("code", &ic.code)
                    .hex("checksum", &ic.checksum, 4)
                    .hex("rest", &ic.rest_of_header, 8);
                l.end();
            }
            K::Gtp => {
                let hit = d.gtp.get(g);
                g += 1;
                let Some(h) = hit.filter(|_| want("gtp")) else {
                    continue;
                };
                let gt = &h.header;
                let mut l = Line::new(out, "GTP-U");
                l.f("version", &gt.version)
                    .f("msg_type", &gt.msg_type)
                    .f("length", &gt.length)
                    .hex("teid", &gt.teid, 8);
                l.end();
            }
            K::Dns => {
                let hit = d.dns.get(dn);
                dn += 1;
                let Some(h) = hit.filter(|_| want("dns")) else {
                    continue;
                };
                let text = h.header.to_string();
                let mut l = Line::new(out, "DNS");
                l.sep();
                l.out.push_str(text.strip_prefix("DNS ").unwrap_or(&text));
                l.end();
            }
            K::Http => {
                let Some(h) = d.http.as_ref().filter(|_| want("http")) else {
                    continue;
                };
                let text = h.header.to_string();
                let mut l = Line::new(out, "HTTP");
                l.sep();
                l.out.push_str(text.strip_prefix("HTTP ").unwrap_or(&text));
                if let Some(host) = h.header.host() {
                    l.kv("host", String::from_utf8_lossy(host));
                }
                l.end();
            }
            K::User(name) if want(name) => {
                let mut l = Line::new(out, name);
                l.kv("offset", layer.offset).kv("len", layer.len);
                l.end();
            }
            K::Link(lt) => {
                let mut l = Line::new(out, "Unsupported");
                l.kv("linktype", lt);
                l.end();
            }
            _ => {}
        }
    }
    if !d.payload.is_empty() && want("data") {
        let mut l = Line::new(out, "Data");
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
            render(&mut out, n, &rec, &d, opts);
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
        assert!(text.contains("\n  Ethernet( src="), "{text}");
        assert!(text.contains("type=0x0800 )"), "{text}");
        assert!(text.contains("\n  IPv4( version=4, ihl=5, "), "{text}");
        assert!(
            text.contains("\n  TCP( src_port=") || text.contains("\n  UDP( src_port="),
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
        assert!(!only_ip.contains("Ethernet("), "{only_ip}");
    }
}
