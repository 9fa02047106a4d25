//! `FlowTable::push` alone: the cost per packet of session tracking, with
//! parsing taken out. The packets are the generated traffic of
//! `capture::synth::traffic` (Ethernet/IPv4, ~80% TCP flows with
//! handshakes, the rest UDP), turned into `PacketSummary`s once up front by
//! a few fixed-offset reads; each iteration pushes all of them into a fresh
//! table (as `pcapdig index` does, draining finished sessions as it goes).
//!
//! ```sh
//! cargo bench -p pcap-core --bench flow -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! `FLOW_BENCH_PACKETS` (default 1000000) sets the number of packets; flow
//! counts are 1000 and 50000 (the `pcapdig` `flow_baseline` bench's). The
//! `*_input_only` entries only walk the prepared packets: the floor to
//! subtract.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_core::capture::synth::{TrafficSpec, traffic};
use pcap_core::flow::{FlowTable, Location, PacketSummary, Timestamp};
use pcap_core::{IpProto, TcpFlags};

/// The summary a dissector would give for one generated frame.
fn summarize(data: &[u8], wire_len: u32) -> PacketSummary {
    let ip = &data[14..];
    let v4 = |b: &[u8]| IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]));
    let (src, dst) = (v4(&ip[12..16]), v4(&ip[16..20]));
    let l4 = &ip[20..];
    let sport = u16::from_be_bytes([l4[0], l4[1]]);
    let dport = u16::from_be_bytes([l4[2], l4[3]]);
    let mut p = if ip[9] == IpProto::TCP.0 {
        let mut p = PacketSummary::tcp(src, sport, dst, dport, TcpFlags::from_byte(l4[13]));
        p.payload_len = (data.len() - 14 - 40) as u32;
        p
    } else {
        let mut p = PacketSummary::udp(src, sport, dst, dport);
        p.payload_len = (data.len() - 14 - 28) as u32;
        p
    };
    p.wire_len = wire_len;
    p
}

fn packets(flows: u32, n: u64) -> Vec<(PacketSummary, Timestamp, Location)> {
    let spec = TrafficSpec {
        packets: n,
        flows,
        ..TrafficSpec::default()
    };
    let mut offset = 24u64;
    traffic(spec)
        .map(|p| {
            let loc = Location::new(1, offset);
            offset += 16 + p.data.len() as u64;
            let ts = p.ts;
            (summarize(&p.data, p.origlen), ts, loc)
        })
        .collect()
}

fn run(pkts: &[(PacketSummary, Timestamp, Location)]) -> u64 {
    let mut table = FlowTable::new();
    let mut sessions = 0u64;
    for (p, ts, loc) in pkts {
        black_box(table.push(p, *ts, *loc));
        if table.finished_len() >= 512 {
            sessions += table.drain_finished().count() as u64;
        }
    }
    table.finish_all();
    sessions + table.drain_finished().count() as u64
}

fn bench(c: &mut Criterion) {
    let n: u64 = std::env::var("FLOW_BENCH_PACKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut g = c.benchmark_group("flow_table_push");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    {
        // Pure compute: one flow, so everything stays in L1.
        let pkts: Vec<_> = packets(1, n.min(100_000));
        g.throughput(Throughput::Elements(pkts.len() as u64));
        g.bench_function("1_flow", |b| b.iter(|| run(black_box(&pkts))));
        g.throughput(Throughput::Elements(n));
    }
    for flows in [1000u32, 50_000] {
        let pkts = packets(flows, n);
        // The floor: reading the prepared packets without a table.
        g.bench_function(format!("{flows}_flows_input_only"), |b| {
            b.iter(|| {
                pkts.iter()
                    .map(|(p, ts, loc)| black_box((p, ts, loc)).0.wire_len as u64)
                    .sum::<u64>()
            })
        });
        g.bench_function(format!("{flows}_flows"), |b| {
            b.iter(|| run(black_box(&pkts)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
