//! The dissector against the shared real-world corpus (`../shared/corpus`,
//! or `$PCAP_CORPUS`): every packet of every readable capture is dissected
//! with `Config::all()` and the fields tshark 4.0 reports
//! (`expected/NAME.fields.noreasm.tsv`) are rebuilt from the `Dissection`
//! and compared column by column.
//!
//! This is the dissector's side of `pcapdig fields`: the formatting here is
//! minimal and only serves the comparison. Columns listed in [`EXACT`]
//! must match on every frame of every capture except the documented
//! divergences in [`KNOWN`]; the others are reported.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use pcap_core::EtherType;
use pcap_core::capture::CaptureReader;
use pcap_tests::corpus::{self, Table};
use protocols::ipv4::source_route_final_dst;
use protocols::{Config, DissectError, Dissection, Dissector, LayerKind};

/// Columns that must match tshark exactly.
const EXACT: &[&str] = &[
    "eth.src",
    "eth.dst",
    "eth.type",
    "vlan.id",
    "ieee8021ad.id",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ip.hdr_len",
    "ip.ttl",
    "ip.flags.mf",
    "ip.frag_offset",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.nxt",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.flags",
    "tcp.hdr_len",
    "tcp.len",
    "udp.srcport",
    "udp.dstport",
    "udp.length",
    "dns.id",
    "dns.flags.response",
    "dns.qry.name",
    "dns.qry.type",
    "dns.a",
    "dns.count.answers",
    "http.request.method",
    "http.request.uri",
    "http.host",
    "http.response.code",
    "communityid",
];

/// (capture, column prefix) pairs where we knowingly differ from tshark, and why.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "suricata_bug-6875-01_fuzz.pcap",
        "",
        "tshark re-reads this corrupt file in another pcap variant and dissects garbage",
    ),
    (
        "http-post-upload.pcap",
        "http.",
        "tshark's TCP analysis does not hand retransmitted segments to HTTP (stateful)",
    ),
    (
        "80211http.pcap",
        "http.",
        "frame 14 repeats frame 13's segment: a retransmission tshark does not hand to HTTP",
    ),
    (
        "ip4-trunc.pcap",
        "ip.",
        "tshark prints the fields of an IPv4 header cut short; we report the layer truncated",
    ),
];

fn join<I: IntoIterator<Item = String>>(it: I) -> String {
    it.into_iter().collect::<Vec<_>>().join(",")
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The tshark columns rebuilt from a dissection.
fn fields(d: &Dissection<'_>) -> HashMap<&'static str, String> {
    let mut f = HashMap::new();
    if let Some(eth) = &d.eth {
        f.insert(
            "eth.src",
            eth.src.value().map(|m| m.to_string()).unwrap_or_default(),
        );
        f.insert(
            "eth.dst",
            eth.dst.value().map(|m| m.to_string()).unwrap_or_default(),
        );
        // An 802.3 length is not an EtherType: tshark prints none.
        let t = eth
            .ethertype
            .value()
            .copied()
            .filter(|&t| !EtherType(t).is_length());
        f.insert(
            "eth.type",
            t.map(|t| format!("0x{t:04x}")).unwrap_or_default(),
        );
    }
    let vid = |v: &protocols::dissect::Vlan<'_>| {
        v.tag.vid.value().map(|x| x.to_string()).unwrap_or_default()
    };
    f.insert(
        "vlan.id",
        join(d.vlans.iter().filter(|v| !v.is_s_tag()).map(vid)),
    );
    f.insert(
        "ieee8021ad.id",
        join(d.vlans.iter().filter(|v| v.is_s_tag()).map(vid)),
    );
    let v4 =
        |g: fn(&protocols::ipv4::Ipv4<'_>) -> String| join(d.ipv4.iter().map(|h| g(&h.header)));
    f.insert("ip.src", v4(|h| h.src_addr.value().unwrap().to_string()));
    // tshark's ip.dst is a source route's final destination.
    f.insert(
        "ip.dst",
        v4(|h| {
            let dst = *h.dst_addr.value().unwrap();
            let opts = h.options.value().copied().unwrap_or_default();
            source_route_final_dst(opts).unwrap_or(dst).to_string()
        }),
    );
    f.insert("ip.proto", v4(|h| h.protocol.value().unwrap().to_string()));
    f.insert(
        "ip.hdr_len",
        v4(|h| (h.ihl.value().unwrap() * 4).to_string()),
    );
    f.insert("ip.ttl", v4(|h| h.ttl.value().unwrap().to_string()));
    f.insert(
        "ip.flags.mf",
        v4(|h| u8::from(*h.more_frags.value().unwrap()).to_string()),
    );
    f.insert(
        "ip.frag_offset",
        v4(|h| h.frag_offset.value().unwrap().to_string()),
    );
    f.insert(
        "ipv6.src",
        join(
            d.ipv6
                .iter()
                .map(|h| h.header.fixed.src_addr.value().unwrap().to_string()),
        ),
    );
    f.insert(
        "ipv6.dst",
        join(
            d.ipv6
                .iter()
                .map(|h| h.header.fixed.dst_addr.value().unwrap().to_string()),
        ),
    );
    f.insert(
        "ipv6.nxt",
        join(
            d.ipv6
                .iter()
                .map(|h| h.header.fixed.next_header.value().unwrap().to_string()),
        ),
    );
    let opt = |v: Option<&u16>| v.map(|x| x.to_string()).unwrap_or_default();
    f.insert(
        "tcp.srcport",
        join(d.tcp.iter().map(|h| opt(h.header.src_port.value()))),
    );
    f.insert(
        "tcp.dstport",
        join(d.tcp.iter().map(|h| opt(h.header.dst_port.value()))),
    );
    f.insert(
        "tcp.seq_raw",
        join(
            d.tcp
                .iter()
                .filter_map(|h| h.header.seq_num.value().map(u32::to_string)),
        ),
    );
    f.insert(
        "tcp.ack_raw",
        join(
            d.tcp
                .iter()
                .filter_map(|h| h.header.ack_num.value().map(u32::to_string)),
        ),
    );
    f.insert(
        "tcp.flags",
        join(
            d.tcp
                .iter()
                .filter_map(|h| h.header.flags.value().map(|x| format!("0x{x:04x}"))),
        ),
    );
    f.insert(
        "tcp.hdr_len",
        join(
            d.tcp
                .iter()
                .filter_map(|h| h.header.data_offset.value().map(|x| (x * 4).to_string())),
        ),
    );
    f.insert(
        "tcp.len",
        join(
            d.tcp
                .iter()
                .filter_map(|h| h.payload_len.map(|x| x.to_string())),
        ),
    );
    f.insert(
        "udp.srcport",
        join(d.udp.iter().map(|h| opt(h.header.src_port.value()))),
    );
    f.insert(
        "udp.dstport",
        join(d.udp.iter().map(|h| opt(h.header.dst_port.value()))),
    );
    f.insert(
        "udp.length",
        join(d.udp.iter().map(|h| opt(h.header.length.value()))),
    );
    let dns = || d.dns.iter().map(|h| &h.header);
    f.insert(
        "dns.id",
        join(dns().map(|m| format!("0x{:04x}", m.header.id.value().unwrap()))),
    );
    f.insert(
        "dns.flags.response",
        join(dns().map(|m| u8::from(*m.header.response.value().unwrap()).to_string())),
    );
    f.insert(
        "dns.qry.name",
        join(dns().flat_map(|m| {
            m.questions()
                .filter_map(|q| q.qname().ok().map(|n| n.display(m.msg).to_string()))
                .collect::<Vec<_>>()
        })),
    );
    f.insert(
        "dns.qry.type",
        join(dns().flat_map(|m| {
            m.questions()
                .map(|q| q.qtype().to_string())
                .collect::<Vec<_>>()
        })),
    );
    f.insert(
        "dns.a",
        join(dns().flat_map(|m| m.a_records().map(|a| a.to_string()).collect::<Vec<_>>())),
    );
    f.insert(
        "dns.count.answers",
        join(dns().map(|m| m.header.ancount.value().unwrap().to_string())),
    );
    let http = d.http.as_ref().map(|h| h.header);
    f.insert(
        "http.request.method",
        http.and_then(|h| h.method()).map(lossy).unwrap_or_default(),
    );
    f.insert(
        "http.request.uri",
        http.and_then(|h| h.uri()).map(lossy).unwrap_or_default(),
    );
    f.insert(
        "http.host",
        http.and_then(|h| h.host()).map(lossy).unwrap_or_default(),
    );
    f.insert(
        "http.response.code",
        http.and_then(|h| h.status_code())
            .map(|c| c.to_string())
            .unwrap_or_default(),
    );
    f.insert(
        "communityid",
        // Dissection::community_id applies tshark's IPv6 rule to the summary.
        d.community_id()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    );
    f
}

#[test]
fn dissection_matches_tshark_fields() {
    let Some(dir) = corpus::find() else { return };
    let dissector = Dissector::new(Config::all());
    let mut mismatches: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut compared = 0usize;
    for name in corpus::captures(&dir) {
        let path = dir.join("pcap").join(&name);
        let expected_path = dir
            .join("expected")
            .join(format!("{name}.fields.noreasm.tsv"));
        let Ok(expected) = Table::read(&expected_path) else {
            continue;
        };
        let frames = Table::read(dir.join("expected").join(format!("{name}.offsets.tsv")))
            .map(|offsets| corpus::tshark_frames(&offsets))
            .unwrap_or_default();
        let header = expected.header();
        if header.is_empty() {
            continue;
        }
        let rows = expected.keyed_by("frame.number");
        let Ok(mut reader) = CaptureReader::open(&path) else {
            continue;
        };
        let mut n = 0;
        loop {
            let rec = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(_) => continue,
            };
            n += 1;
            let frame = frames.get(&rec.offset).copied().unwrap_or(n);
            let Some(row) = rows.get(&frame) else {
                continue;
            };
            let d = dissector.dissect_record(&rec);
            if matches!(
                d.error,
                Some(DissectError {
                    layer: LayerKind::Link(_),
                    ..
                })
            ) {
                // Link types the dissector reports as unsupported (none
                // in the corpus since 802.11 is read).
                continue;
            }
            let got = fields(&d);
            compared += 1;
            for (i, col) in header.iter().enumerate() {
                let Some(ours) = got.get(col.as_str()) else {
                    continue;
                };
                let theirs = row.cells().get(i).map(String::as_str).unwrap_or("");
                if ours != theirs
                    && !KNOWN
                        .iter()
                        .any(|(f, c, _)| *f == name && col.starts_with(c))
                {
                    let mut s = String::new();
                    let _ = write!(s, "{name} frame {frame}: ours {ours:?} tshark {theirs:?}");
                    if let Some(e) = &d.error {
                        let _ = write!(s, " (error: {e})");
                    }
                    mismatches.entry(col.to_string()).or_default().push(s);
                }
            }
        }
    }
    let mut failed = false;
    for (col, list) in &mismatches {
        let exact = EXACT.contains(&col.as_str());
        failed |= exact;
        eprintln!(
            "{col}: {} mismatches{}",
            list.len(),
            if exact { "" } else { " (reported only)" }
        );
        for m in list.iter().take(12) {
            eprintln!("    {m}");
        }
    }
    eprintln!("{compared} frames compared");
    assert!(compared > 1000, "only {compared} frames compared");
    assert!(!failed, "columns differ from tshark (see above)");
}
