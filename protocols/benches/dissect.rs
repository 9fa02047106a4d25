//! Dissector throughput over generated Ethernet/IPv4/TCP+UDP traffic
//! (`pcap_core::capture::synth::traffic`): the minimal configuration
//! (addresses, ports, protocol: what flows and filters need), everything
//! unpacked, and the bare walk (no layer parsed, summary only).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_core::capture::synth::{TrafficSpec, traffic};
use protocols::dissect::LinkType;
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

criterion_group!(benches, bench_dissect);
criterion_main!(benches);
