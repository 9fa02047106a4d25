//! Flow-table throughput: our library path (`CaptureReader` + the
//! `protocols` dissector with `Config::for_needs(Needs::FLOW)`, as
//! `pcapdig index` runs it, + `FlowTable`, no SQLite)
//! against a straightforward flow-table program written with `etherparse`
//! (slice parsing, a `HashMap` of canonical 5-tuples with an Fx-style
//! hasher, per-session stats and a `(file, offset)` list per packet), over
//! the same generated capture bytes, measured in the same run.
//!
//! Each is run on the bytes in memory and again on the same bytes as a
//! file, memory-mapped (then the kernel's cost of mapping the file's pages
//! counts too, as in `pcapdig index`).
//!
//! `cargo bench -p pcapdig --bench flow_baseline` (env `PACKETS`, default
//! 1000000, and `FLOWS`, a comma-separated list, default `1000,50000`).
//! Each figure is the best of 3 runs.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Instant;

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use pcap_core::capture::synth::{TrafficSpec, write_traffic_pcap};
use pcap_core::capture::{CaptureReader, LinkType, PcapEncoding};
use pcap_core::filter::Needs;
use pcap_core::flow::{FlowTable, Location, Pending};
use protocols::{Config, Dissection, Dissector};

/// Our path: what `pcapdig index` does per packet, minus SQLite: records
/// borrowed from the bytes, one `Dissection` refilled per packet, the
/// summary-only configuration.
fn ours(reader: CaptureReader) -> (u64, u64) {
    let dissector = Dissector::new(Config::for_needs(Needs::FLOW));
    let mut table = FlowTable::new();
    let mut packets = 0u64;
    let mut sessions = 0u64;
    let mut records = reader.records().expect("bytes in memory");
    let mut d = Dissection::new(LinkType::NULL, &[]);
    // As index does: with many sessions, packets go to the table 64 at a
    // time (`push_batch` requests their sessions' memory ahead).
    let mut pending = Vec::with_capacity(64);
    let flush = |table: &mut FlowTable, pending: &mut Vec<Pending>, sessions: &mut u64| {
        table.push_batch(pending);
        pending.clear();
        if table.finished_len() >= 512 {
            *sessions += table.drain_finished().count() as u64;
        }
    };
    while let Some(rec) = records.next_record().unwrap() {
        packets += 1;
        d.reset(rec.linktype, rec.data);
        d.summary.wire_len = rec.origlen;
        dissector.dissect_into(&mut d);
        let (ts, loc) = (rec.ts, Location::new(1, rec.offset));
        if pending.is_empty() && !table.prefers_batches() {
            table.push(&d.summary, ts, loc);
            if table.finished_len() >= 512 {
                sessions += table.drain_finished().count() as u64;
            }
            continue;
        }
        pending.push(Pending {
            summary: d.summary,
            ts,
            loc,
        });
        if pending.len() == 64 {
            flush(&mut table, &mut pending, &mut sessions);
        }
    }
    flush(&mut table, &mut pending, &mut sessions);
    table.finish_all();
    sessions += table.drain_finished().count() as u64;
    (packets, sessions)
}

/// FxHash-style hashing (multiply-rotate), as a flow program would use.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A canonical (smaller endpoint first) 5-tuple; IPv4 mapped into 16 bytes.
#[derive(Hash, PartialEq, Eq, Clone, Copy)]
struct Key {
    a: [u8; 16],
    b: [u8; 16],
    pa: u16,
    pb: u16,
    proto: u8,
}

#[derive(Default)]
struct Stats {
    packets_ab: u64,
    packets_ba: u64,
    bytes: u64,
    payload: u64,
    first_us: u64,
    last_us: u64,
    tcp_flags: u8,
    locations: Vec<(u32, u64)>,
}

fn mapped(v4: [u8; 4]) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[10] = 0xff;
    a[11] = 0xff;
    a[12..].copy_from_slice(&v4);
    a
}

/// The etherparse program: reads the classic pcap records itself (native
/// byte order, as generated) and keeps a session per canonical 5-tuple.
fn etherparse_flows(bytes: &[u8]) -> (u64, u64) {
    let mut flows: HashMap<Key, Stats, BuildHasherDefault<Fx>> = HashMap::default();
    let mut at = 24usize;
    let mut packets = 0u64;
    let u32_at = |i: usize| u32::from_ne_bytes(bytes[i..i + 4].try_into().unwrap());
    while at + 16 <= bytes.len() {
        let (secs, usecs, caplen, origlen) = (
            u32_at(at),
            u32_at(at + 4),
            u32_at(at + 8) as usize,
            u32_at(at + 12),
        );
        let offset = at as u64;
        let data = &bytes[at + 16..at + 16 + caplen];
        at += 16 + caplen;
        packets += 1;
        let Ok(p) = SlicedPacket::from_ethernet(data) else {
            continue;
        };
        let (src, dst, proto) = match &p.net {
            Some(NetSlice::Ipv4(ip)) => (
                mapped(ip.header().source()),
                mapped(ip.header().destination()),
                ip.header().protocol().0,
            ),
            Some(NetSlice::Ipv6(ip)) => (
                ip.header().source(),
                ip.header().destination(),
                ip.payload().ip_number.0,
            ),
            None => continue,
        };
        let (sport, dport, flags, payload) = match &p.transport {
            Some(TransportSlice::Tcp(t)) => (
                t.source_port(),
                t.destination_port(),
                u8::from(t.fin()) | u8::from(t.syn()) << 1 | u8::from(t.rst()) << 2,
                t.payload().len(),
            ),
            Some(TransportSlice::Udp(u)) => {
                (u.source_port(), u.destination_port(), 0, u.payload().len())
            }
            _ => (0, 0, 0, 0),
        };
        let forward = (src, sport) <= (dst, dport);
        let key = if forward {
            Key {
                a: src,
                b: dst,
                pa: sport,
                pb: dport,
                proto,
            }
        } else {
            Key {
                a: dst,
                b: src,
                pa: dport,
                pb: sport,
                proto,
            }
        };
        let ts = u64::from(secs) * 1_000_000 + u64::from(usecs);
        let s = flows.entry(key).or_insert_with(|| Stats {
            first_us: ts,
            ..Stats::default()
        });
        if forward {
            s.packets_ab += 1;
        } else {
            s.packets_ba += 1;
        }
        s.bytes += u64::from(origlen);
        s.payload += payload as u64;
        s.last_us = s.last_us.max(ts);
        s.tcp_flags |= flags;
        s.locations.push((1, offset));
    }
    // Every stat is read, so that none is optimised away.
    let sessions = flows
        .values()
        .filter(|s| {
            s.first_us <= s.last_us
                && s.packets_ab + s.packets_ba == s.locations.len() as u64
                && s.bytes >= s.payload
                && s.tcp_flags != 0xff
        })
        .count();
    (packets, sessions as u64)
}

fn best_of_3(mut f: impl FnMut() -> (u64, u64)) -> (f64, u64, u64) {
    let mut best = f64::INFINITY;
    let mut out = (0, 0);
    for _ in 0..3 {
        let t = Instant::now();
        out = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, out.0, out.1)
}

fn main() {
    let packets: u64 = std::env::var("PACKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let flows_list = std::env::var("FLOWS").unwrap_or_else(|_| "1000,50000".into());
    for flows in flows_list
        .split(',')
        .filter_map(|f| f.trim().parse::<u32>().ok())
    {
        let mut buf = Vec::new();
        let spec = TrafficSpec {
            packets,
            flows,
            ..TrafficSpec::default()
        };
        write_traffic_pcap(&mut buf, spec, PcapEncoding::NATIVE_MICRO).unwrap();
        // The same bytes as a file too: read from a file, both programs
        // also pay for the kernel mapping its pages.
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &buf).unwrap();
        let bytes: &'static [u8] = Box::leak(buf.into_boxed_slice());
        let report = |what: &str, (t, n, count): (f64, u64, u64), unit: &str| {
            println!(
                "flows {flows:>6}: {what:<58} {n} packets, {count} {unit}, {t:.3} s, {:.0} packets/s",
                n as f64 / t
            );
        };
        report(
            "ours (CaptureReader + Dissector summary-only + FlowTable)",
            best_of_3(|| {
                ours(CaptureReader::from_bytes(Cow::Borrowed(bytes), "bench.pcap").unwrap())
            }),
            "sessions",
        );
        report(
            "etherparse + HashMap baseline",
            best_of_3(|| etherparse_flows(bytes)),
            "5-tuples",
        );
        report(
            "ours, from the file (memory-mapped)",
            best_of_3(|| ours(CaptureReader::open(file.path()).unwrap())),
            "sessions",
        );
        report(
            "etherparse baseline, from the file (memory-mapped)",
            best_of_3(|| {
                let f = std::fs::File::open(file.path()).unwrap();
                // SAFETY: a private read-only map of a file nobody else
                // writes while the bench runs.
                let map = unsafe { memmap2::Mmap::map(&f) }.unwrap();
                etherparse_flows(&map)
            }),
            "5-tuples",
        );
    }
}
