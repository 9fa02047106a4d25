//! Record walking: how fast `CaptureReader` hands out the records of a
//! large classic pcap file, from a memory map and from a `Read`, against a
//! hand-written minimal walk over the same bytes (the floor: read each
//! caplen, jump, nothing else).
//!
//! The capture is generated (`capture::synth::traffic`, Ethernet/IPv4 TCP
//! and UDP over 1000 flows) into the temp directory once: 128 MiB by
//! default, `PCAP_BENCH_MB` to change it.
//!
//! ```sh
//! cargo bench -p pcap-core --bench capture -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! The same packets as pcapng (EPBs) are walked from a memory map too
//! (`mmap_pcapng`), to show the cost of the pcapng block decoding.
//!
//! Each walk is reported twice: in bytes/s (group `capture_bytes`) and in
//! records/s (group `capture_records`).

use std::fs::File;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_core::Endian;
use pcap_core::capture::synth::{PcapngBuilder, TrafficSpec, traffic, traffic_pcap};
use pcap_core::capture::{CaptureReader, LinkType, PcapEncoding, Precision};

/// Writes (or reuses) the benchmark capture; returns its path.
fn capture_file() -> PathBuf {
    let mb: u64 = std::env::var("PCAP_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128);
    let target = mb << 20;
    // Estimate the packet count from a sample of the same traffic.
    let sample = TrafficSpec {
        seed: 42,
        packets: 50_000,
        flows: 1000,
        ..TrafficSpec::default()
    };
    let avg = traffic(sample)
        .map(|p| p.data.len() as u64 + 16)
        .sum::<u64>()
        / sample.packets;
    let spec = TrafficSpec {
        packets: target / avg,
        ..sample
    };
    let path = std::env::temp_dir().join(format!("pcap-core-bench-{mb}mb-{}.pcap", spec.packets));
    if !path.exists() {
        // Written in one go, like the pcapng copy below, so that both files
        // sit in the page cache the same way (this changes how many page
        // faults a fresh memory map takes).
        let encoding = PcapEncoding {
            endian: Endian::Little,
            precision: Precision::Micro,
        };
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, traffic_pcap(spec, encoding)).expect("write bench capture");
        std::fs::rename(&tmp, &path).expect("rename bench capture");
    }
    path
}

/// The same traffic as a little-endian pcapng file (one interface, EPBs).
fn pcapng_file(pcap: &Path) -> PathBuf {
    let path = pcap.with_extension("pcapng");
    if !path.exists() {
        let mut reader = CaptureReader::open(pcap).expect("bench capture");
        let mut b = PcapngBuilder::new(Endian::Little);
        b.interface(LinkType::ETHERNET, 0);
        while let Some(rec) = reader.next_record().expect("valid capture") {
            b.epb(0, rec.ts, rec.origlen, rec.data);
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, b.build()).expect("write bench pcapng");
        std::fs::rename(&tmp, &path).expect("rename bench pcapng");
    }
    path
}

/// What each walk computes, so none can be optimised away: record count and
/// the sum of captured lengths.
fn walk(mut reader: CaptureReader) -> (u64, u64) {
    let (mut n, mut bytes) = (0u64, 0u64);
    while let Some(rec) = reader.next_record().expect("valid capture") {
        n += 1;
        bytes += u64::from(rec.caplen) + u64::from(rec.data.first().copied().unwrap_or(0));
    }
    (n, bytes)
}

/// The floor: a little-endian classic pcap walk with no checks beyond bounds.
fn plain_walk(file: &[u8]) -> (u64, u64) {
    let (mut n, mut bytes) = (0u64, 0u64);
    let mut off = 24;
    while off + 16 <= file.len() {
        let caplen =
            u32::from_le_bytes([file[off + 8], file[off + 9], file[off + 10], file[off + 11]])
                as usize;
        let data = off + 16;
        if data + caplen > file.len() {
            break;
        }
        n += 1;
        bytes += caplen as u64 + u64::from(file.get(data).copied().unwrap_or(0));
        off = data + caplen;
    }
    (n, bytes)
}

fn mapped(path: &Path) -> memmap2::Mmap {
    let file = File::open(path).expect("open bench capture");
    // SAFETY: a private temp file nobody else writes during the benchmark.
    unsafe { memmap2::Mmap::map(&file) }.expect("map bench capture")
}

fn bench(c: &mut Criterion) {
    let path = capture_file();
    let map = mapped(&path);
    let file_len = map.len() as u64;
    let (records, sum) = plain_walk(&map);
    assert_eq!(walk(CaptureReader::open(&path).unwrap()), (records, sum));
    let ng_path = pcapng_file(&path);
    let ng_len = std::fs::metadata(&ng_path).unwrap().len();
    assert_eq!(walk(CaptureReader::open(&ng_path).unwrap()), (records, sum));
    eprintln!(
        "capture: {} ({} bytes, {records} records)",
        path.display(),
        file_len
    );

    for (group_name, throughput, ng_throughput) in [
        (
            "capture_bytes",
            Throughput::Bytes(file_len),
            Throughput::Bytes(ng_len),
        ),
        (
            "capture_records",
            Throughput::Elements(records),
            Throughput::Elements(records),
        ),
    ] {
        let mut group = c.benchmark_group(group_name);
        group.sample_size(10);
        group.throughput(ng_throughput);
        group.bench_function("mmap_pcapng", |b| {
            b.iter(|| black_box(walk(CaptureReader::open(&ng_path).unwrap())))
        });
        group.throughput(throughput);
        group.bench_function("mmap", |b| {
            b.iter(|| black_box(walk(CaptureReader::open(&path).unwrap())))
        });
        group.bench_function("read", |b| {
            b.iter(|| {
                let file = File::open(&path).unwrap();
                black_box(walk(CaptureReader::from_reader(file, "bench").unwrap()))
            })
        });
        group.bench_function("plain", |b| {
            b.iter(|| black_box(plain_walk(black_box(&map))))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
