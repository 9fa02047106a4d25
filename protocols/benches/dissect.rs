//! Dissector throughput over generated Ethernet/IPv4/TCP+UDP traffic
//! (`pcap_core::capture::synth::traffic`): the minimal configuration
//! (addresses, ports, protocol: what flows and filters need), everything
//! unpacked, and the bare walk (no layer parsed, summary only).
//!
//! `meta/*`: the cost of the session metadata extractor
//! (`protocols::meta`): the index's dissection plus a per-session table,
//! without and with an `Extractor` per session, over the generated
//! traffic, over every capture of the corpus (`../shared/corpus`, or
//! `$PCAP_CORPUS`, if present) and over the capture named by
//! `$PCAPDIG_BENCH_PCAP` if set (e.g. one written by
//! `shared/perf/gen_pcap.py`).

use std::collections::HashMap;
use std::hint::black_box;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_core::capture::CaptureReader;
use pcap_core::capture::synth::{TrafficSpec, traffic};
use pcap_core::filter::Needs;
use protocols::dissect::LinkType;
use protocols::meta::{Extractor, Limits};
use protocols::{Config, Dissection, Dissector};

fn bench_dissect(c: &mut Criterion) {
    let packets: Vec<Vec<u8>> = traffic(TrafficSpec {
        packets: 10_000,
        ..TrafficSpec::default()
    })
    .map(|p| p.data)
    .collect();
    let bytes: u64 = packets.iter().map(|p| p.len() as u64).sum();

    let mut group = c.benchmark_group("dissect");
    group.throughput(Throughput::Elements(packets.len() as u64));
    for (name, config) in [
        ("minimal", Config::minimal()),
        ("all", Config::all()),
        ("walk_only", Config::none()),
    ] {
        let dissector = Dissector::new(config);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut ports = 0u64;
                for p in &packets {
                    let d = dissector.dissect(LinkType::ETHERNET, black_box(p));
                    ports += u64::from(d.summary.sport);
                }
                ports
            })
        });
    }
    // One Dissection reused for every packet (all borrow `packets`).
    let dissector = Dissector::new(Config::minimal());
    group.bench_function("minimal_reused", |b| {
        let mut d = Dissection::new(LinkType::ETHERNET, &[]);
        b.iter(|| {
            let mut ports = 0u64;
            for p in &packets {
                d.reset(LinkType::ETHERNET, black_box(p));
                dissector.dissect_into(&mut d);
                ports += u64::from(d.summary.sport);
            }
            ports
        })
    });
    group.finish();

    let mut group = c.benchmark_group("dissect_bytes");
    group.throughput(Throughput::Bytes(bytes));
    let dissector = Dissector::new(Config::minimal());
    group.bench_function("minimal", |b| {
        b.iter(|| {
            for p in &packets {
                black_box(dissector.dissect(LinkType::ETHERNET, black_box(p)).summary);
            }
        })
    });
    group.finish();
}

/// The packets of one capture: (link type, bytes).
type Packets = Vec<(LinkType, Vec<u8>)>;

/// Every record of a capture (`None` if it cannot be read).
fn load(path: &Path) -> Option<Packets> {
    let mut reader = CaptureReader::open(path).ok()?;
    let mut out = Vec::new();
    while let Ok(Some(rec)) = reader.next_record() {
        out.push((rec.linktype, rec.data.to_vec()));
    }
    Some(out)
}

/// The captures of the corpus, if present.
fn corpus() -> Vec<Packets> {
    let dir = std::env::var_os("PCAP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let mut out = Vec::new();
    for sub in [dir.join("pcap"), dir.join("app/pcap")] {
        let Ok(entries) = std::fs::read_dir(&sub) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        out.extend(paths.iter().filter_map(|p| load(p)));
    }
    out
}

/// An address and port.
type Endpoint = (IpAddr, u16);

/// A session: protocol and both endpoints, the lower first.
type SessionKey = (u8, Endpoint, Endpoint);

/// A session's initiator, packet count and extractor (when measured).
type SessionEntry = (Endpoint, u64, Option<Extractor>);

/// One pass of the index's loop over some captures: each packet
/// dissected to the transport layer and looked up in a per-capture table
/// of sessions (by protocol and both endpoints); with `meta`, each
/// session's `Extractor` is fed the packet. Returns a checksum.
fn index_pass(captures: &[Packets], dissector: &Dissector, meta: bool) -> usize {
    let limits = Limits::default();
    let mut sum = 0;
    for packets in captures {
        let mut sessions: HashMap<SessionKey, SessionEntry> = HashMap::new();
        for (lt, data) in packets {
            let d = dissector.dissect(*lt, data);
            let s = &d.summary;
            let Some(ip) = s.ip.filter(|_| s.has_l4) else {
                continue;
            };
            let (a, b) = ((ip.src, s.sport), (ip.dst, s.dport));
            let key = if a <= b {
                (s.protocol, a, b)
            } else {
                (s.protocol, b, a)
            };
            let entry = sessions
                .entry(key)
                .or_insert_with(|| (a, 0, meta.then(|| Extractor::new(&limits))));
            entry.1 += 1;
            if let Some(ex) = entry.2.as_mut() {
                ex.packet(&d, a == entry.0);
            }
        }
        sum += sessions.len();
        sum += sessions
            .values()
            .filter_map(|(_, _, ex)| ex.as_ref())
            .map(|ex| ex.meta().bytes())
            .sum::<usize>();
    }
    sum
}

fn bench_meta(c: &mut Criterion) {
    let synth: Packets = traffic(TrafficSpec {
        packets: 10_000,
        ..TrafficSpec::default()
    })
    .map(|p| (LinkType::ETHERNET, p.data))
    .collect();
    let mut inputs: Vec<(&str, Vec<Packets>)> = vec![("synth", vec![synth])];
    let corpus = corpus();
    if corpus.is_empty() {
        eprintln!("meta/corpus: skipped, corpus not found (set PCAP_CORPUS)");
    } else {
        inputs.push(("corpus", corpus));
    }
    if let Some(path) = std::env::var_os("PCAPDIG_BENCH_PCAP") {
        match load(Path::new(&path)) {
            Some(p) => inputs.push(("file", vec![p])),
            None => eprintln!("meta/file: cannot read {}", path.to_string_lossy()),
        }
    }
    let dissector = Dissector::new(Config::for_needs(Needs::FLOW));
    for (name, captures) in &inputs {
        let packets: usize = captures.iter().map(Vec::len).sum();
        let mut group = c.benchmark_group(format!("meta/{name}"));
        group.throughput(Throughput::Elements(packets as u64));
        if packets > 100_000 {
            group.sample_size(10);
        }
        for (variant, meta) in [("sessions", false), ("sessions+meta", true)] {
            group.bench_function(variant, |b| {
                b.iter(|| index_pass(black_box(captures), &dissector, meta))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_dissect, bench_meta);
criterion_main!(benches);
