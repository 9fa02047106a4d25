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
//! Each walk is reported twice: in bytes/s (group `capture_bytes`) and in
//! records/s (group `capture_records`).

use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_core::Endian;
use pcap_core::capture::synth::{TrafficSpec, traffic, write_traffic_pcap};
use pcap_core::capture::{CaptureReader, PcapEncoding, Precision};

/// Writes (or reuses) the benchmark capture; returns its path.
fn capture_file() -> PathBuf {
    let mb: u64 = std::env::var("PCAP_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128);
    let target = mb << 20;
    // Packets average ~700 bytes; count them to land near the target size.
    let avg = traffic(TrafficSpec {
        packets: 10_000,
        flows: 1000,
        ..TrafficSpec::default()
    })
    .map(|p| p.data.len() as u64 + 16)
    .sum::<u64>()
        / 10_000;
    let spec = TrafficSpec {
        seed: 42,
        packets: target / avg,
        flows: 1000,
        ..TrafficSpec::default()
    };
    let path = std::env::temp_dir().join(format!("pcap-core-bench-{mb}mb-{}.pcap", spec.packets));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let out = BufWriter::new(File::create(&tmp).expect("create bench capture"));
        let encoding = PcapEncoding {
            endian: Endian::Little,
            precision: Precision::Micro,
        };
        write_traffic_pcap(out, spec, encoding).expect("write bench capture");
        std::fs::rename(&tmp, &path).expect("rename bench capture");
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
    eprintln!(
        "capture: {} ({} bytes, {records} records)",
        path.display(),
        file_len
    );

    for (group_name, throughput) in [
        ("capture_bytes", Throughput::Bytes(file_len)),
        ("capture_records", Throughput::Elements(records)),
    ] {
        let mut group = c.benchmark_group(group_name);
        group.throughput(throughput).sample_size(10);
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
