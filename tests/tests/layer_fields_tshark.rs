//! The derive's visitor prints the built-in layers as tshark does: for the
//! first frames of a few corpus captures, each layer header's fields, found
//! with `Header::visit_bytes` and printed with `FieldValue::write_tshark`,
//! equal tshark 4.0's `-T fields` output for the first occurrence of that
//! field (`tests/fixtures/layer_fields/*.tsv`, made by
//! `scripts/tshark_layer_fields.sh`).
//!
//! The layers are located by a small walker over simple packets (Ethernet,
//! 802.1Q, Linux cooked, BSD loopback, IPv4, IPv6 without extension headers,
//! TCP, UDP, ICMP, DNS and GTP-U over UDP); the walker reads next-protocol
//! values through the visitor too, and lengths through `Header::header_len`.
//! Only layers the walker finds are compared: this tests the derive's
//! output per field, not the dissector.

use std::collections::BTreeSet;
use std::path::Path;

use pcap_core::capture::{CaptureReader, LinkType};
use pcap_core::{Endian, FieldSpec, FieldValue, Header};
use pcap_tests::corpus::{self, Table};
use protocols::{dns, eth, gtp, icmp, ipv4, ipv6, loopback, sctp, sll, tcp, udp, vlan};

/// `Header::visit_bytes` of one header type.
type VisitBytes = fn(&[u8], Endian, &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>)) -> bool;

/// One built-in layer header, through its `Header` impl.
struct Kind {
    name: &'static str,
    fields: &'static [FieldSpec],
    visit: VisitBytes,
    header_len: fn(&[u8], Endian) -> Result<usize, pcap_core::Error>,
}

fn kind<H: Header<'static>>() -> Kind {
    Kind {
        name: H::NAME,
        fields: H::FIELDS,
        visit: H::visit_bytes,
        header_len: H::header_len_endian,
    }
}

fn kinds() -> Vec<Kind> {
    vec![
        kind::<eth::Ethernet>(),
        kind::<vlan::VlanTag>(),
        kind::<ipv4::Ipv4>(),
        kind::<ipv6::Ipv6>(),
        kind::<tcp::Tcp>(),
        kind::<udp::Udp>(),
        kind::<icmp::Icmp>(),
        kind::<dns::DnsHeader>(),
        kind::<sll::LinuxSll>(),
        kind::<sll::LinuxSll2>(),
        kind::<loopback::Loopback>(),
        kind::<gtp::GtpU>(),
        kind::<sctp::Sctp>(),
    ]
}

/// Fields of these layers that tshark has no field for, by full name.
const NOT_IN_TSHARK: &[&str] = &[
    // tshark dissects IPv4 options into `ip.opt.*`, with no field for the block.
    "ip.options",
    "icmp.rest_of_header",
    // tshark names the address by its type (`sll.src.eth`, ...).
    "sll.addr",
    "sll.reserved",
];

/// Columns compared nowhere, with why.
const KNOWN: &[(&str, &str)] = &[(
    "ipv6.tclass",
    "tshark declares the 8-bit traffic class FT_UINT32 and prints 8 hex digits (0x00000000); \
     `display = \"hex\"` pads to the field's 8 bits (0x00)",
)];

/// Single cells where tshark reports something other than the header's
/// bytes: (capture, frame, column, why).
const KNOWN_CELLS: &[(&str, u64, &str, &str)] = &[(
    "ip-bogus-header-len.pcap",
    1,
    "ip.len",
    "the total length field is 0 and tshark reports the captured length instead (its TSO guess)",
)];

/// Frames whose bytes tshark reads differently: (capture, frame, why).
const KNOWN_FRAMES: &[(&str, u64, &str)] = &[(
    "suricata_bug-6875-01_fuzz.pcap",
    1,
    "a fuzzed file: tshark's frame 1 starts 8 bytes after the record's data as we read it",
)];

/// DNS flags tshark leaves out of a query (it shows them in responses only).
const DNS_RESPONSE_ONLY: &[&str] = &[
    "dns.flags.authoritative",
    "dns.flags.recavail",
    "dns.flags.authenticated",
    "dns.flags.rcode",
];

/// One layer as the visitor saw it.
struct Layer {
    name: &'static str,
    /// (full name, tshark text, value).
    fields: Vec<(String, String, Option<u64>)>,
    len: Option<usize>,
    /// The whole header was there (else the lax prefix parse reported it).
    whole: bool,
}

impl Layer {
    fn read(k: &Kind, bytes: &[u8], endian: Endian) -> Layer {
        let mut fields = Vec::new();
        let whole = (k.visit)(bytes, endian, &mut |spec, v| {
            let n = match v {
                FieldValue::Unsigned(n) => Some(n),
                _ => None,
            };
            fields.push((spec.full_name(k.name), v.to_tshark_string(spec), n));
        });
        Layer {
            name: k.name,
            fields,
            len: (k.header_len)(bytes, endian).ok(),
            whole,
        }
    }

    fn num(&self, short: &str) -> Option<u64> {
        let full = format!("{}.{short}", self.name);
        self.fields
            .iter()
            .find(|(n, _, _)| *n == full)
            .and_then(|f| f.2)
    }
}

/// The outermost layers of one packet, in order.
fn walk(kinds: &[Kind], linktype: LinkType, data: &[u8]) -> Vec<Layer> {
    let by = |name: &str, n: usize| {
        kinds
            .iter()
            .filter(|k| k.name == name)
            .nth(n)
            .expect("a known layer")
    };
    let mut layers: Vec<Layer> = Vec::new();
    let push = |layers: &mut Vec<Layer>, k: &Kind, off: usize, endian: Endian| {
        let l = Layer::read(k, data.get(off..).unwrap_or(&[]), endian);
        let len = l.len;
        if !layers.iter().any(|x| x.name == l.name) {
            layers.push(l);
        }
        len
    };
    // (ethertype or address family, offset of the next layer)
    let (mut etype, mut off) = match linktype {
        LinkType::ETHERNET => {
            let k = by("eth", 0);
            let Some(len) = push(&mut layers, k, 0, Endian::Big) else {
                return layers;
            };
            (layers[0].num("type"), len)
        }
        LinkType(113) | LinkType(276) => {
            let k = by("sll", usize::from(linktype == LinkType(276)));
            let Some(len) = push(&mut layers, k, 0, Endian::Big) else {
                return layers;
            };
            (layers[0].num("etype"), len)
        }
        LinkType::NULL => {
            // The family is in the capturing host's order: a zero first byte means big-endian.
            let endian = if data.first() == Some(&0) {
                Endian::Big
            } else {
                Endian::Little
            };
            let Some(len) = push(&mut layers, by("null", 0), 0, endian) else {
                return layers;
            };
            let etype = match layers[0].num("family") {
                Some(2) => Some(0x0800),
                Some(24 | 28 | 30) => Some(0x86dd),
                _ => None,
            };
            (etype, len)
        }
        _ => return layers,
    };
    // 802.1Q tags (tshark's `vlan`) and 802.1ad S-tags (`ieee8021ad`, skipped over).
    while let Some(0x8100 | 0x88a8) = etype {
        let tag = Layer::read(by("vlan", 0), data.get(off..).unwrap_or(&[]), Endian::Big);
        let next = tag.num("etype");
        if etype == Some(0x8100) && !layers.iter().any(|l| l.name == "vlan") {
            layers.push(tag);
        }
        etype = next;
        off += 4;
    }
    let proto = match etype {
        Some(0x0800) => {
            let Some(len) = push(&mut layers, by("ip", 0), off, Endian::Big) else {
                return layers;
            };
            let ip = layers.last().expect("just pushed");
            if ip.num("frag_offset") != Some(0) {
                return layers;
            }
            let proto = ip.num("proto");
            off += len;
            proto.map(|p| (p, true))
        }
        Some(0x86dd) => {
            let Some(len) = push(&mut layers, by("ipv6", 0), off, Endian::Big) else {
                return layers;
            };
            off += len;
            layers.last().and_then(|l| l.num("nxt")).map(|p| (p, false))
        }
        _ => None,
    };
    match proto {
        Some((6, _)) => {
            push(&mut layers, by("tcp", 0), off, Endian::Big);
        }
        Some((17, _)) => {
            if push(&mut layers, by("udp", 0), off, Endian::Big).is_none() {
                return layers;
            }
            let udp = layers.last().expect("just pushed");
            let ports = [udp.num("srcport"), udp.num("dstport")];
            if ports.contains(&Some(53)) {
                push(&mut layers, by("dns", 0), off + 8, Endian::Big);
            } else if ports.contains(&Some(2152)) {
                push(&mut layers, by("gtp", 0), off + 8, Endian::Big);
            }
        }
        Some((1, true)) => {
            push(&mut layers, by("icmp", 0), off, Endian::Big);
        }
        Some((132, _)) => {
            push(&mut layers, by("sctp", 0), off, Endian::Big);
        }
        _ => {}
    }
    layers
}

fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layer_fields")
}

fn fixtures() -> Vec<(String, Table)> {
    let mut out: Vec<(String, Table)> = std::fs::read_dir(fixture_dir())
        .expect("the fixture folder")
        .map(|e| {
            let path = e.expect("a fixture").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let capture = name.strip_suffix(".tsv").expect("NAME.tsv").to_owned();
            (capture, Table::read(&path).expect("a readable fixture"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_layer_field_is_in_the_fixtures_or_listed() {
    let fixtures = fixtures();
    let columns: BTreeSet<&str> = fixtures
        .iter()
        .flat_map(|(_, t)| t.header().iter().map(String::as_str))
        .collect();
    let mut missing = Vec::new();
    for k in kinds() {
        for f in k.fields {
            let full = f.full_name(k.name);
            if !columns.contains(full.as_str()) && !NOT_IN_TSHARK.contains(&full.as_str()) {
                missing.push(full);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fields neither in the tshark fixtures nor in NOT_IN_TSHARK \
         (add them to scripts/tshark_layer_fields.sh and rerun it): {missing:?}"
    );
}

/// Cells compared so far and those that differ.
#[derive(Default)]
struct Comparison {
    compared: usize,
    cut_layers: usize,
    seen_layers: BTreeSet<&'static str>,
    mismatches: Vec<String>,
}

impl Comparison {
    /// Compares the layer fields among `header`'s columns on one frame;
    /// `first` picks the first occurrence out of tshark's cell.
    fn frame(
        &mut self,
        kinds: &[Kind],
        (capture, frame): (&str, u64),
        layers: &[Layer],
        header: &[String],
        row: &corpus::Row<'_>,
        first: fn(&str) -> &str,
    ) {
        self.cut_layers += layers.iter().filter(|l| !l.whole).count();
        let is_query = layers.iter().find(|l| l.name == "dns").is_some_and(|l| {
            l.fields
                .iter()
                .any(|f| f.0 == "dns.flags.response" && f.1 == "0")
        });
        if KNOWN_FRAMES
            .iter()
            .any(|(c, f, _)| *c == capture && *f == frame)
        {
            return;
        }
        for column in header {
            let Some(layer) = layers.iter().find(|l| {
                kinds
                    .iter()
                    .filter(|k| k.name == l.name)
                    .any(|k| k.fields.iter().any(|f| f.full_name(k.name) == *column))
            }) else {
                continue;
            };
            let theirs = first(row.get(column).unwrap_or(""));
            let ours = layer
                .fields
                .iter()
                .find(|f| f.0 == *column)
                .map_or("", |f| f.1.as_str());
            // An 802.3 frame: the field holds a length (tshark's `eth.len`), not a type.
            let ieee_802_3 = column == "eth.type" && layer.num("type").is_some_and(|t| t < 0x0600);
            let known = ieee_802_3
                || KNOWN.iter().any(|(c, _)| c == column)
                || (is_query && theirs.is_empty() && DNS_RESPONSE_ONLY.contains(&column.as_str()))
                || KNOWN_CELLS
                    .iter()
                    .any(|(c, f, col, _)| *c == capture && *f == frame && col == column);
            if known {
                continue;
            }
            self.compared += 1;
            self.seen_layers.insert(layer.name);
            if ours != theirs {
                self.mismatches.push(format!(
                    "{capture} frame {frame} {column}: ours {ours:?}, tshark {theirs:?}"
                ));
            }
        }
    }

    fn assert_none_differ(&self) {
        eprintln!(
            "compared {} cells over layers {:?}; {} layers cut short",
            self.compared, self.seen_layers, self.cut_layers
        );
        assert!(
            self.mismatches.is_empty(),
            "{} cells differ:\n{}",
            self.mismatches.len(),
            self.mismatches.join("\n")
        );
    }
}

#[test]
fn visited_layers_print_as_tshark() {
    let Some(dir) = corpus::find() else { return };
    let kinds = kinds();
    let mut cmp = Comparison::default();
    for (capture, table) in fixtures() {
        let path = dir.join("pcap").join(&capture);
        let Ok(mut reader) = CaptureReader::open(&path) else {
            panic!("{capture}: the corpus capture does not open");
        };
        let rows: Vec<_> = table.rows().collect();
        let mut frame = 0u64;
        while let Ok(Some(rec)) = reader.next_record() {
            frame += 1;
            let Some(row) = rows
                .iter()
                .find(|r| r.num::<u64>("frame.number") == Some(frame))
            else {
                continue;
            };
            let layers = walk(&kinds, rec.linktype, rec.data);
            cmp.frame(
                &kinds,
                (&capture, frame),
                &layers,
                table.header(),
                row,
                |cell| cell,
            );
        }
    }
    cmp.assert_none_differ();
    // The snaplen-cut captures exercise the lax prefix parse.
    assert!(cmp.cut_layers > 0, "no layer was cut short");
    // Every walked layer kind was compared somewhere (SCTP: no capture has it).
    for k in &kinds {
        assert!(
            k.name == "sctp" || cmp.seen_layers.contains(k.name),
            "no fixture frame has a `{}` layer",
            k.name
        );
    }
}

/// The same over every frame of every corpus capture, for the layer fields
/// among the columns of tshark's reference output
/// (`expected/NAME.fields.noreasm.tsv`, all occurrences joined by commas:
/// the first is compared).
#[test]
fn visited_layers_print_as_tshark_over_the_whole_corpus() {
    let Some(dir) = corpus::find() else { return };
    let kinds = kinds();
    let mut cmp = Comparison::default();
    for capture in corpus::captures(&dir) {
        let expected = dir.join(format!("expected/{capture}.fields.noreasm.tsv"));
        let offsets = dir.join(format!("expected/{capture}.offsets.tsv"));
        let (Ok(table), Ok(offsets)) = (Table::read(&expected), Table::read(&offsets)) else {
            continue;
        };
        let frames = corpus::tshark_frames(&offsets);
        let rows = table.keyed_by("frame.number");
        let Ok(mut reader) = CaptureReader::open(dir.join("pcap").join(&capture)) else {
            continue;
        };
        loop {
            let rec = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(_) => continue,
            };
            let Some(frame) = frames.get(&rec.offset) else {
                continue;
            };
            let Some(row) = rows.get(frame) else { continue };
            let layers = walk(&kinds, rec.linktype, rec.data);
            cmp.frame(
                &kinds,
                (&capture, *frame),
                &layers,
                table.header(),
                row,
                |cell| cell.split(',').next().unwrap_or(""),
            );
        }
    }
    cmp.assert_none_differ();
    assert!(
        cmp.compared > 10_000,
        "only {} cells compared",
        cmp.compared
    );
}
