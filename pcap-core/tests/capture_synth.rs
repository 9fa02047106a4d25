//! The capture reader and writer on generated captures: every format
//! variant, through every source, at full timestamp precision; damaged
//! files; truncation at every byte; property-based round trips.

use std::borrow::Cow;
use std::io::{self, Read};

use pcap_core::capture::synth::{self, PcapBuilder, PcapngBuilder, TrafficSpec};
use pcap_core::capture::{
    CaptureReader, Format, LinkType, MAX_BLOCK_LEN, PcapEncoding, PcapWriter, Precision,
    RecordKind, Timestamp, WriterConfig,
};
use pcap_core::{Endian, Error};
use proptest::prelude::*;

/// A `Read` handing out chunks of 1..=`max` bytes, to split every header.
struct Chunky {
    data: Vec<u8>,
    pos: usize,
    max: usize,
    step: usize,
}

impl Chunky {
    fn new(data: Vec<u8>, max: usize) -> Chunky {
        Chunky {
            data,
            pos: 0,
            max,
            step: 0,
        }
    }
}

impl Read for Chunky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % self.max + 1;
        let n = buf.len().min(self.step).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Everything a reading produced, comparable across sources.
#[derive(Debug, Clone, PartialEq)]
struct Got {
    offset: u64,
    ts: Option<Timestamp>,
    caplen: u32,
    origlen: u32,
    interface: u32,
    linktype: LinkType,
    kind: RecordKind,
    data: Vec<u8>,
}

#[derive(Debug, PartialEq)]
struct Reading {
    records: Vec<Got>,
    /// Errors met, as (offset, message), and whether reading went on after each.
    errors: Vec<(u64, String)>,
}

fn offset_of(e: &Error) -> u64 {
    match e {
        Error::At { offset, .. } => *offset,
        other => panic!("error without offset: {other}"),
    }
}

/// Reads every record, going on after record-level errors (bounded, so a
/// reader bug cannot hang the test).
fn read_all(mut r: CaptureReader) -> Reading {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for _ in 0..100_000 {
        match r.next_record() {
            Ok(Some(rec)) => {
                assert_eq!(rec.data.len(), rec.caplen as usize);
                records.push(Got {
                    offset: rec.offset,
                    ts: rec.timestamp(),
                    caplen: rec.caplen,
                    origlen: rec.origlen,
                    interface: rec.interface,
                    linktype: rec.linktype,
                    kind: rec.kind,
                    data: rec.data.to_vec(),
                })
            }
            Ok(None) => {
                assert!(r.is_done());
                assert!(r.next_record().unwrap().is_none(), "None stays None");
                return Reading { records, errors };
            }
            Err(e) => errors.push((offset_of(&e), e.to_string())),
        }
    }
    panic!("reader did not finish");
}

/// Reads every record through [`CaptureReader::records`], the iterator
/// borrowing the file: the records are collected first and looked at after
/// the walk, which `next_record` cannot do.
fn read_records(r: CaptureReader) -> Reading {
    let mut walk = r.records().expect("a reader over bytes walks them");
    let all: Vec<_> = walk.by_ref().take(100_000).collect();
    assert!(walk.is_done(), "records() did not finish");
    assert!(walk.next().is_none(), "None stays None");
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for item in all {
        match item {
            Ok(rec) => {
                assert_eq!(rec.data.len(), rec.caplen as usize);
                records.push(Got {
                    offset: rec.offset,
                    ts: rec.timestamp(),
                    caplen: rec.caplen,
                    origlen: rec.origlen,
                    interface: rec.interface,
                    linktype: rec.linktype,
                    kind: rec.kind,
                    data: rec.data.to_vec(),
                })
            }
            Err(e) => errors.push((offset_of(&e), e.to_string())),
        }
    }
    Reading { records, errors }
}

/// Reads `bytes` from memory (with `next_record` and with the `records`
/// iterator), from a chunked stream and from a file (memory map); all must
/// agree. Returns the reading, or the constructor's error.
fn read_everywhere(bytes: &[u8]) -> Result<Reading, Error> {
    let mem = CaptureReader::from_bytes(bytes.to_vec(), "mem.pcap").map(read_all);
    if let Ok(walked) = CaptureReader::from_bytes(bytes.to_vec(), "mem.pcap").map(read_records) {
        assert_eq!(
            mem.as_ref().ok(),
            Some(&walked),
            "next_record and records() differ"
        );
    }
    let stream =
        CaptureReader::from_reader(Chunky::new(bytes.to_vec(), 7), "mem.pcap").map(read_all);
    if let Ok(r) = CaptureReader::from_reader(Chunky::new(bytes.to_vec(), 7), "mem.pcap") {
        assert!(r.records().is_none(), "a stream has no records()");
    }
    match (&mem, &stream) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "memory and stream readings differ"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!(
            "memory {:?} vs stream {:?}",
            mem.as_ref().err(),
            stream.as_ref().err()
        ),
    }
    mem
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pcap-core-capture-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn packet(i: usize, len: usize) -> Vec<u8> {
    (0..len).map(|j| (i * 31 + j) as u8).collect()
}

const ENCODINGS: [PcapEncoding; 4] = [
    PcapEncoding {
        endian: Endian::Little,
        precision: Precision::Micro,
    },
    PcapEncoding {
        endian: Endian::Big,
        precision: Precision::Micro,
    },
    PcapEncoding {
        endian: Endian::Little,
        precision: Precision::Nano,
    },
    PcapEncoding {
        endian: Endian::Big,
        precision: Precision::Nano,
    },
];

/// Timestamps exercising the extremes: the epoch, the last pcap second, and
/// nanosecond digits that a microsecond file must drop.
fn test_times() -> Vec<Timestamp> {
    vec![
        Timestamp::ZERO,
        Timestamp::new(1, 999_999_999),
        Timestamp::new(1_084_443_427, 311_224_123),
        Timestamp::new(u32::MAX as i64, 1),
        Timestamp::new(1_700_000_000, 0),
    ]
}

#[test]
fn classic_pcap_every_variant_every_source() {
    for enc in ENCODINGS {
        let mut b = PcapBuilder::new(enc.endian, enc.precision);
        b.linktype(LinkType::LINUX_SLL2).snaplen(200);
        let times = test_times();
        for (i, ts) in times.iter().enumerate() {
            b.record(*ts, 60 + i as u32 * 100, &packet(i, 10 + i * 37));
        }
        let bytes = b.build();
        let reading = read_everywhere(&bytes).unwrap();
        assert!(reading.errors.is_empty());
        assert_eq!(reading.records.len(), times.len());
        let mut expected_offset = 24u64;
        for (i, got) in reading.records.iter().enumerate() {
            let want_ts = match enc.precision {
                Precision::Nano => times[i],
                Precision::Micro => Timestamp::new(times[i].secs, times[i].nanos / 1000 * 1000),
            };
            assert_eq!(got.offset, b.offsets()[i]);
            assert_eq!(got.offset, expected_offset);
            assert_eq!(got.ts, Some(want_ts));
            assert_eq!(got.origlen, 60 + i as u32 * 100);
            assert_eq!(got.data, packet(i, 10 + i * 37));
            assert_eq!(got.linktype, LinkType::LINUX_SLL2);
            assert_eq!(got.kind, RecordKind::Pcap(enc));
            expected_offset += 16 + got.caplen as u64;
        }
        // And from a real file, memory-mapped.
        let path = temp_file(
            &format!("variant-{:?}-{}.pcap", enc.endian, enc.precision),
            &bytes,
        );
        let r = CaptureReader::open(&path).unwrap();
        assert_eq!(r.format(), Format::Pcap(*b.header()));
        assert!(r.bytes().is_some());
        assert_eq!(r.interfaces()[0].linktype, LinkType::LINUX_SLL2);
        assert_eq!(read_all(r), reading);
    }
}

#[test]
fn full_precision_timestamps_print_like_tshark() {
    let mut b = PcapBuilder::new(Endian::Big, Precision::Nano);
    b.record(Timestamp::new(1_084_443_427, 311_224_001), 1, &[0]);
    let mut r = CaptureReader::from_bytes(b.build(), "ns.pcap").unwrap();
    assert_eq!(
        r.next_record().unwrap().unwrap().ts.to_string(),
        "1084443427.311224001"
    );
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    b.record(Timestamp::new(1_084_443_427, 311_224_001), 1, &[0]);
    let mut r = CaptureReader::from_bytes(b.build(), "us.pcap").unwrap();
    assert_eq!(
        r.next_record().unwrap().unwrap().ts.to_string(),
        "1084443427.311224000"
    );
}

#[test]
fn modified_format_both_orders() {
    for endian in [Endian::Little, Endian::Big] {
        let mut b = PcapBuilder::modified(endian);
        b.record(Timestamp::new(5, 6000), 100, &packet(1, 40))
            .record(Timestamp::new(7, 8000), 50, &packet(2, 50));
        let reading = read_everywhere(&b.build()).unwrap();
        assert_eq!(reading.records.len(), 2);
        assert_eq!(reading.records[0].offset, 24);
        assert_eq!(reading.records[1].offset, 24 + 24 + 40);
        assert_eq!(reading.records[1].ts, Some(Timestamp::new(7, 8000)));
        assert_eq!(reading.records[1].data, packet(2, 50));
        assert_eq!(reading.records[0].kind, RecordKind::PcapModified(endian));
    }
}

/// A pcapng file with every block kind: two sections of different byte
/// orders, interfaces with several resolutions and offsets, EPB, SPB, PB,
/// skipped blocks. Returns the file and what must be read from it.
fn rich_pcapng(first: Endian) -> (Vec<u8>, Vec<Got>) {
    let second = match first {
        Endian::Little => Endian::Big,
        Endian::Big => Endian::Little,
    };
    let mut b = PcapngBuilder::new(first);
    let mut want = Vec::new();
    let t = Timestamp::new(1_340_954_905, 298_858_123);
    let mut add = |b: &PcapngBuilder, ts, caplen: usize, origlen, interface, linktype, kind, i| {
        want.push(Got {
            offset: *b.offsets().last().unwrap(),
            ts,
            caplen: caplen as u32,
            origlen,
            interface,
            linktype,
            kind,
            data: packet(i, caplen),
        });
    };
    b.interface(LinkType::ETHERNET, 0) // µs
        .interface_with(LinkType::NULL, 65535, Some(9), None) // ns
        .interface_with(LinkType::RAW, 0, Some(3), Some(-3600)) // ms, offset
        .interface_with(LinkType::IPV6, 0, Some(0x80 | 20), Some(1_000_000_000)) // 2^-20 s
        .block(5, &[0; 28]) // ISB
        .block(0x0000_0bad, b"custom!!") // custom block
        .block(4, &[0; 4]) // NRB (just an end-of-records)
        .packet_options(true);
    b.epb(0, t, 100, &packet(0, 60));
    add(
        &b,
        Some(Timestamp::new(t.secs, 298_858_000)),
        60,
        100,
        0,
        LinkType::ETHERNET,
        RecordKind::Epb(first),
        0,
    );
    b.epb(1, t, 61, &packet(1, 61));
    add(
        &b,
        Some(t),
        61,
        61,
        1,
        LinkType::NULL,
        RecordKind::Epb(first),
        1,
    );
    b.epb(2, t, 62, &packet(2, 62));
    add(
        &b,
        Some(Timestamp::new(t.secs, 298_000_000)),
        62,
        62,
        2,
        LinkType::RAW,
        RecordKind::Epb(first),
        2,
    );
    b.epb(3, t, 63, &packet(3, 63));
    // 2^-20 s units: 298_858_123 ns is 313_375.2 units, stored as 313_375,
    // which reads back as 313_375 * 1e9 / 2^20 = 298_857_688.9 -> 298_857_688.
    add(
        &b,
        Some(Timestamp::new(t.secs, 298_857_688)),
        63,
        63,
        3,
        LinkType::IPV6,
        RecordKind::Epb(first),
        3,
    );
    b.pb(1, t, 64, &packet(4, 64));
    add(
        &b,
        Some(t),
        64,
        64,
        1,
        LinkType::NULL,
        RecordKind::Pb(first),
        4,
    );
    b.spb(65, &packet(5, 65));
    add(
        &b,
        None,
        65,
        65,
        0,
        LinkType::ETHERNET,
        RecordKind::Spb(first),
        5,
    );
    b.block(0x4000_0bad, &[1, 2, 3]); // custom, copyable
    b.block(0x1234_5678, &[9; 13]); // unknown
    b.packet_options(false);
    // Second section: other byte order, interfaces start over.
    b.section(second)
        .interface(LinkType::LINUX_SLL, 40) // snaplen 40 cuts SPBs
        .interface_with(LinkType::ETHERNET, 0, Some(9), Some(10));
    b.spb(100, &packet(6, 40));
    add(
        &b,
        None,
        40,
        100,
        0,
        LinkType::LINUX_SLL,
        RecordKind::Spb(second),
        6,
    );
    b.epb(1, t, 70, &packet(7, 70));
    add(
        &b,
        Some(t),
        70,
        70,
        1,
        LinkType::ETHERNET,
        RecordKind::Epb(second),
        7,
    );
    b.epb(0, t, 0, &[]);
    add(
        &b,
        Some(Timestamp::new(t.secs, 298_858_000)),
        0,
        0,
        0,
        LinkType::LINUX_SLL,
        RecordKind::Epb(second),
        8,
    );
    (b.build(), want)
}

#[test]
fn pcapng_sections_interfaces_and_every_packet_block() {
    for first in [Endian::Little, Endian::Big] {
        let (bytes, want) = rich_pcapng(first);
        let reading = read_everywhere(&bytes).unwrap();
        assert_eq!(reading.errors, vec![]);
        assert_eq!(reading.records, want);
        let path = temp_file(&format!("rich-{first:?}.pcapng"), &bytes);
        let mut r = CaptureReader::open(&path).unwrap();
        assert!(matches!(r.format(), Format::Pcapng(s) if s.endian == first && s.offset == 0));
        while r.next_record().unwrap().is_some() {}
        // After the walk: the second section and its two interfaces.
        let Format::Pcapng(section) = r.format() else {
            panic!()
        };
        assert_ne!(section.endian, first);
        assert!(section.offset > 0);
        assert_eq!(r.interfaces().len(), 2);
        assert_eq!(r.interfaces()[1].ts_offset, 10);
    }
}

/// Every prefix of a valid file: no panic, every complete record, then a
/// truncation error at the cut record (or a clean end at a boundary).
fn check_every_cut(bytes: &[u8], offsets: &[u64], header_len: usize) {
    let full = read_everywhere(bytes).unwrap();
    for cut in 0..bytes.len() {
        let prefix = &bytes[..cut];
        let reading = match read_everywhere(prefix) {
            Err(e) => {
                assert!(cut < header_len, "cut {cut}: constructor failed: {e}");
                assert!(e.is_truncated(), "cut {cut}: {e}");
                assert_eq!(offset_of(&e), 0);
                continue;
            }
            Ok(r) => r,
        };
        assert!(cut >= header_len, "cut {cut}: header accepted");
        // Records entirely inside the prefix are all delivered.
        let complete: Vec<_> = full
            .records
            .iter()
            .zip(offsets.iter().skip(1).chain([&(bytes.len() as u64)]))
            .filter(|(_, end)| **end as usize <= cut)
            .map(|(g, _)| g.clone())
            .collect();
        assert_eq!(reading.records, complete, "cut {cut}");
        let at_boundary = cut as u64 == header_len as u64 || offsets.contains(&(cut as u64));
        if at_boundary {
            assert!(reading.errors.is_empty(), "cut {cut}: {:?}", reading.errors);
        } else {
            assert_eq!(reading.errors.len(), 1, "cut {cut}");
            let (offset, msg) = &reading.errors[0];
            assert!(msg.contains("truncated"), "cut {cut}: {msg}");
            let cut_record = offsets.iter().rev().find(|o| **o < cut as u64).copied();
            assert_eq!(
                Some(*offset),
                cut_record.or(Some(header_len as u64)),
                "cut {cut}: {msg}"
            );
        }
    }
}

#[test]
fn pcap_truncated_at_every_byte() {
    for enc in ENCODINGS {
        let mut b = PcapBuilder::new(enc.endian, enc.precision);
        for i in 0..4 {
            b.record(
                Timestamp::new(i, 1000),
                30,
                &packet(i as usize, 5 + i as usize * 7),
            );
        }
        check_every_cut(&b.build(), b.offsets(), 24);
    }
    let mut b = PcapBuilder::modified(Endian::Big);
    b.record(Timestamp::new(1, 0), 9, &packet(0, 9))
        .record(Timestamp::new(2, 0), 3, &packet(1, 3));
    check_every_cut(&b.build(), b.offsets(), 24);
}

#[test]
fn pcapng_truncated_at_every_byte() {
    for endian in [Endian::Little, Endian::Big] {
        let mut b = PcapngBuilder::new(endian);
        b.interface(LinkType::ETHERNET, 0)
            .epb(0, Timestamp::new(1, 0), 9, &packet(0, 9));
        b.block(5, &[0; 8])
            .spb(5, &packet(1, 5))
            .pb(0, Timestamp::new(2, 0), 3, &packet(2, 3));
        let bytes = b.build();
        // Non-packet blocks are boundaries too; list every block start.
        let mut starts = vec![];
        let mut at = 0usize;
        while at < bytes.len() {
            starts.push(at as u64);
            let len = match endian {
                Endian::Little => u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()),
                Endian::Big => u32::from_be_bytes(bytes[at + 4..at + 8].try_into().unwrap()),
            };
            at += len as usize;
        }
        let shb_len = starts[1] as usize;
        let full = read_everywhere(&bytes).unwrap();
        for cut in 0..bytes.len() {
            match read_everywhere(&bytes[..cut]) {
                Err(e) => {
                    assert!(cut < shb_len, "cut {cut}: {e}");
                    assert!(e.is_truncated(), "{e}");
                }
                Ok(reading) => {
                    assert!(cut >= shb_len);
                    let complete: Vec<_> = full
                        .records
                        .iter()
                        .filter(|g| {
                            let next = starts.iter().find(|s| **s > g.offset).copied();
                            next.unwrap_or(bytes.len() as u64) as usize <= cut
                        })
                        .cloned()
                        .collect();
                    assert_eq!(reading.records, complete, "cut {cut}");
                    if starts.contains(&(cut as u64)) {
                        assert!(reading.errors.is_empty(), "cut {cut}");
                    } else {
                        let block = starts.iter().rev().find(|s| **s < cut as u64).unwrap();
                        assert_eq!(reading.errors.len(), 1);
                        assert_eq!(reading.errors[0].0, *block, "cut {cut}");
                        assert!(
                            reading.errors[0].1.contains("truncated"),
                            "{:?}",
                            reading.errors
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn absurd_caplen_stops_the_walk_without_allocating() {
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    b.snaplen(65535)
        .record(Timestamp::new(1, 0), 4, &[1, 2, 3, 4])
        // 262145 > max(65535, 262144): a corrupt header, framing lost.
        .record_claiming(Timestamp::new(2, 0), 262_145, 10, &[0; 64])
        .record(Timestamp::new(3, 0), 4, &[1, 2, 3, 4]);
    let reading = read_everywhere(&b.build()).unwrap();
    assert_eq!(reading.records.len(), 1);
    assert_eq!(reading.errors.len(), 1);
    assert_eq!(reading.errors[0].0, b.offsets()[1]);
    assert!(
        reading.errors[0].1.contains("caplen"),
        "{}",
        reading.errors[0].1
    );

    // A big snaplen raises the limit, up to 16 MiB: a 1 MiB record is fine
    // through the bounded stream buffer too.
    let mut b = PcapBuilder::new(Endian::Big, Precision::Nano);
    b.snaplen(u32::MAX)
        .record(Timestamp::new(1, 0), 1 << 20, &vec![7; 1 << 20]);
    b.record_claiming(Timestamp::new(2, 0), u32::MAX, 1, &[]);
    let reading = read_everywhere(&b.build()).unwrap();
    assert_eq!(reading.records.len(), 1);
    assert!(reading.errors[0].1.contains("16 MiB"));
}

#[test]
fn refused_headers() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            PcapBuilder::new(Endian::Little, Precision::Micro)
                .version(1, 0)
                .build(),
            "version 1.0",
        ),
        (
            PcapBuilder::new(Endian::Big, Precision::Nano)
                .version(3, 0)
                .build(),
            "version 3.0",
        ),
        (
            PcapngBuilder::new(Endian::Little).build()[..0].to_vec(),
            "magic number",
        ),
        (b"GIF89a and more".to_vec(), "unknown magic"),
    ];
    for (bytes, needle) in cases {
        let e = CaptureReader::from_bytes(bytes, "bad").unwrap_err();
        assert!(e.to_string().contains(needle), "{e}");
        assert!(e.to_string().starts_with("bad: byte 0: "), "{e}");
        assert_eq!(offset_of(&e), 0);
    }
    let mut b = PcapngBuilder::new(Endian::Big);
    let shb_len = b.build().len();
    b.section_version(Endian::Little, 0, 1);
    let bytes = b.build()[shb_len..].to_vec();
    let e = CaptureReader::from_bytes(bytes, "v01.pcapng").unwrap_err();
    assert!(
        matches!(
            e.root(),
            Error::Unsupported {
                layer: "pcapng",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("version 0.1"), "{e}");

    // Reserved link-type bits are ignored (tshark refuses such files).
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    b.linktype_field(0x0030_0000 | 229)
        .record(Timestamp::ZERO, 1, &[0x60]);
    let reading = read_everywhere(&b.build()).unwrap();
    assert_eq!(reading.records[0].linktype, LinkType::IPV6);
}

/// A little-endian pcapng with one interface; `tail` is appended raw.
fn pcapng_with(tail: &[u8]) -> (Vec<u8>, u64) {
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 0)
        .epb(0, Timestamp::new(1, 0), 4, b"good");
    let at = b.build().len() as u64;
    b.raw(tail);
    (b.build(), at)
}

fn le_block(block_type: u32, total: u32, body: &[u8], trailer: u32) -> Vec<u8> {
    let mut v = block_type.to_le_bytes().to_vec();
    v.extend_from_slice(&total.to_le_bytes());
    v.extend_from_slice(body);
    v.extend_from_slice(&trailer.to_le_bytes());
    v
}

#[test]
fn pcapng_framing_errors() {
    let epb_body = |caplen: u32, iface: u32| {
        let mut v = vec![];
        for x in [iface, 0, 0, caplen, caplen] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&[0xee; 4]);
        v
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (le_block(6, 8, &[], 8)[..12].to_vec(), "at least 12"),
        (le_block(6, 14, &[0, 0], 14), "multiple of 4"),
        (le_block(6, 36, &epb_body(4, 0), 40), "trailing length 40"),
        (le_block(6, 0xffff_fff0, &[], 0), "exceeds the limit"),
        (
            le_block(6, (MAX_BLOCK_LEN + 4) as u32, &[], 0),
            "exceeds the limit",
        ),
        (le_block(6, 64, &epb_body(4, 0), 64), "truncated"),
        // An IDB whose option claims more bytes than the block has.
        (
            le_block(
                1,
                28,
                &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 40, 0, 6, 0, 0, 0],
                28,
            ),
            "runs past the end",
        ),
        // An IDB with a 2-byte if_tsresol.
        (
            le_block(1, 28, &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 0, 6, 6, 0, 0], 28),
            "if_tsresol",
        ),
        // An IDB with a resolution of 10^-30 s.
        (
            le_block(
                1,
                28,
                &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 30, 0, 0, 0],
                28,
            ),
            "if_tsresol",
        ),
        // An SHB with a bad byte-order magic.
        (
            le_block(
                0x0a0d_0d0a,
                28,
                &[1, 2, 3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                28,
            ),
            "byte-order magic",
        ),
        // An SHB whose option runs past the block.
        (
            le_block(
                0x0a0d_0d0a,
                36,
                &[
                    0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                    0xff, 3, 0, 0x39, 0x30, 0, 0, 0, 0,
                ],
                36,
            ),
            "option 3 of length 12345 runs past the end of the block",
        ),
    ];
    for (tail, needle) in cases {
        let (bytes, at) = pcapng_with(&tail);
        let reading = read_everywhere(&bytes).unwrap();
        assert_eq!(reading.records.len(), 1, "{needle}: the good record first");
        assert_eq!(reading.errors.len(), 1, "{needle}: one error, then the end");
        let (offset, msg) = &reading.errors[0];
        assert_eq!(*offset, at, "{msg}");
        assert!(msg.contains(needle), "{needle}: {msg}");
        assert!(
            msg.contains("mem.pcap: byte") && msg.contains("pcapng"),
            "{msg}"
        );
    }
}

#[test]
fn pcapng_record_errors_skip_only_that_block() {
    let mut b = PcapngBuilder::new(Endian::Big);
    b.interface(LinkType::ETHERNET, 0)
        .epb(0, Timestamp::new(1, 0), 4, b"one!");
    b.epb_raw(0, 0, 9, 9, b"four"); // caplen 9 in a block with room for 4
    b.epb_raw(7, 0, 4, 4, b"iface"); // no interface 7
    b.epb(0, Timestamp::new(2, 0), 4, b"two!");
    let bad = [b.offsets()[1], b.offsets()[2]];
    let reading = read_everywhere(&b.build()).unwrap();
    assert_eq!(reading.records.len(), 2);
    assert_eq!(reading.records[1].data, b"two!");
    assert_eq!(reading.errors.len(), 2);
    assert_eq!(reading.errors[0].0, bad[0]);
    assert!(
        reading.errors[0].1.contains("does not fit"),
        "{}",
        reading.errors[0].1
    );
    assert_eq!(reading.errors[1].0, bad[1]);
    assert!(
        reading.errors[1].1.contains("interface 7"),
        "{}",
        reading.errors[1].1
    );

    // Packet blocks too short for their fixed fields (whose "fixed fields"
    // would overlap the trailer): record errors, the walk goes on.
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 0);
    let short_epb = b.build().len() as u64;
    b.raw(&le_block(6, 28, &[0; 16], 28));
    let short_spb = b.build().len() as u64;
    b.raw(&le_block(3, 12, &[], 12));
    b.raw(&le_block(2, 16, &[0; 4], 16));
    b.epb(0, Timestamp::new(3, 0), 4, b"last");
    let reading = read_everywhere(&b.build()).unwrap();
    assert_eq!(reading.records.len(), 1);
    assert_eq!(reading.records[0].data, b"last");
    assert_eq!(reading.errors.len(), 3, "{:?}", reading.errors);
    assert_eq!(reading.errors[0].0, short_epb);
    assert_eq!(reading.errors[1].0, short_spb);
    assert!(
        reading.errors[0]
            .1
            .contains("shorter than its fixed fields")
    );

    // An SPB before any IDB.
    let mut b = PcapngBuilder::new(Endian::Little);
    b.spb(4, b"lost")
        .interface(LinkType::RAW, 0)
        .spb(4, b"kept");
    let reading = read_everywhere(&b.build()).unwrap();
    assert_eq!(reading.records.len(), 1);
    assert_eq!(reading.errors.len(), 1);
}

#[test]
fn writer_round_trip_is_byte_exact_for_every_variant() {
    for enc in ENCODINGS {
        let mut b = PcapBuilder::new(enc.endian, enc.precision);
        b.snaplen(1000).linktype(LinkType::RAW);
        for (i, ts) in test_times().into_iter().enumerate() {
            b.record(ts, 500 + i as u32, &packet(i, 3 * i));
        }
        let original = b.build();
        let mut r = CaptureReader::from_bytes(original.clone(), "in.pcap").unwrap();
        let Format::Pcap(header) = r.format() else {
            panic!()
        };
        let mut w = PcapWriter::new(Vec::new(), WriterConfig::like(&header)).unwrap();
        let mut offsets = vec![];
        while let Some(rec) = r.next_record().unwrap() {
            offsets.push(w.copy_record(&rec).unwrap());
        }
        assert_eq!(w.into_inner().unwrap(), original, "{enc:?}");
        assert_eq!(offsets, b.offsets());

        // Re-encoding from parts gives the same bytes too.
        let mut r = CaptureReader::from_bytes(original.clone(), "in.pcap").unwrap();
        let mut w = PcapWriter::new(Vec::new(), WriterConfig::like(&header)).unwrap();
        while let Some(rec) = r.next_record().unwrap() {
            w.write_record(rec.ts, rec.origlen, rec.data).unwrap();
        }
        assert_eq!(w.into_inner().unwrap(), original);
    }
}

#[test]
fn writer_converts_between_encodings_and_from_pcapng() {
    // Nanosecond big-endian to microsecond little-endian: re-encoded.
    let mut b = PcapBuilder::new(Endian::Big, Precision::Nano);
    b.record(Timestamp::new(10, 123_456_789), 20, &packet(0, 20));
    let mut r = CaptureReader::from_bytes(b.build(), "ns.pcap").unwrap();
    let mut w = PcapWriter::ethernet(Vec::new(), Endian::Little, Precision::Micro).unwrap();
    w.copy_record(&r.next_record().unwrap().unwrap()).unwrap();
    let mut back = CaptureReader::from_bytes(w.into_inner().unwrap(), "us.pcap").unwrap();
    let rec = back.next_record().unwrap().unwrap();
    assert_eq!(rec.ts, Timestamp::new(10, 123_456_000));
    assert_eq!(rec.data, &packet(0, 20)[..]);

    // pcapng records are re-encoded; a different link type is refused.
    let (bytes, want) = rich_pcapng(Endian::Big);
    let mut r = CaptureReader::from_bytes(bytes, "rich.pcapng").unwrap();
    let mut w = PcapWriter::ethernet(Vec::new(), Endian::Big, Precision::Nano).unwrap();
    let mut copied = vec![];
    while let Some(rec) = r.next_record().unwrap() {
        match w.copy_record(&rec) {
            Ok(_) => copied.push((rec.ts, rec.data.to_vec())),
            Err(e) => assert!(e.to_string().contains("link type"), "{e}"),
        }
    }
    let mut back = CaptureReader::from_bytes(w.into_inner().unwrap(), "out.pcap").unwrap();
    let mut n = 0;
    while let Some(rec) = back.next_record().unwrap() {
        assert_eq!((rec.ts, rec.data.to_vec()), copied[n]);
        n += 1;
    }
    assert_eq!(
        n,
        want.iter()
            .filter(|g| g.linktype == LinkType::ETHERNET)
            .count()
    );
}

#[test]
fn generated_traffic_reads_back_through_every_source() {
    let spec = TrafficSpec {
        packets: 3000,
        flows: 50,
        ..TrafficSpec::default()
    };
    let packets: Vec<_> = synth::traffic(spec).collect();
    for enc in ENCODINGS {
        let bytes = synth::traffic_pcap(spec, enc);
        let reading = read_everywhere(&bytes).unwrap();
        assert_eq!(reading.records.len(), packets.len());
        for (got, p) in reading.records.iter().zip(&packets) {
            assert_eq!((got.ts, &got.data), (Some(p.ts), &p.data));
        }
    }
}

#[test]
fn a_read_error_is_reported_with_the_file_name() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("disk on fire"));
            }
            let header = PcapBuilder::new(Endian::Little, Precision::Micro).build();
            let n = buf.len().min(self.0).min(header.len());
            buf[..n].copy_from_slice(&header[..n]);
            self.0 = 0;
            Ok(n)
        }
    }
    let mut r = CaptureReader::from_reader(Failing(24), "-").unwrap();
    let e = r.next_record().unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(e.to_string().contains("disk on fire"));
    assert!(r.next_record().unwrap().is_none());
}

fn arb_encoding() -> impl Strategy<Value = PcapEncoding> {
    (any::<bool>(), any::<bool>()).prop_map(|(big, nano)| PcapEncoding {
        endian: if big { Endian::Big } else { Endian::Little },
        precision: if nano {
            Precision::Nano
        } else {
            Precision::Micro
        },
    })
}

fn arb_records() -> impl Strategy<Value = Vec<(u32, u32, u32, Vec<u8>)>> {
    prop::collection::vec(
        (
            any::<u32>(),
            0u32..1_000_000_000,
            any::<u32>(),
            prop::collection::vec(any::<u8>(), 0..200),
        ),
        0..20,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn pcap_round_trip(enc in arb_encoding(), records in arb_records()) {
        let mut w = PcapWriter::new(Vec::new(), WriterConfig { encoding: enc, ..WriterConfig::default() }).unwrap();
        let mut want = vec![];
        for (secs, nanos, origlen, data) in &records {
            let ts = Timestamp::new(i64::from(*secs), *nanos);
            let offset = w.write_record(ts, *origlen, data).unwrap();
            let kept = Timestamp::new(ts.secs, enc.precision.fraction(ts) * (1_000_000_000 / enc.precision.units_per_sec()));
            want.push((offset, kept, *origlen, data.clone()));
        }
        let bytes = w.into_inner().unwrap();
        let reading = read_everywhere(&bytes).unwrap();
        prop_assert!(reading.errors.is_empty());
        let got: Vec<_> = reading.records.into_iter().map(|g| (g.offset, g.ts.unwrap(), g.origlen, g.data)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn pcapng_round_trip(big in any::<bool>(), resol in prop::sample::select(vec![3u8, 6, 9, 0x80 | 10, 0x80 | 24]),
                         records in arb_records()) {
        let endian = if big { Endian::Big } else { Endian::Little };
        let mut b = PcapngBuilder::new(endian);
        b.interface_with(LinkType::ETHERNET, 0, Some(resol), None);
        let res = pcap_core::capture::TsResolution::from_option(resol).unwrap();
        let mut want = vec![];
        for (secs, nanos, origlen, data) in &records {
            let ts = Timestamp::new(i64::from(*secs), *nanos);
            b.epb(0, ts, *origlen, data);
            want.push((*b.offsets().last().unwrap(), res.to_timestamp(res.to_units(ts).unwrap()), *origlen, data.clone()));
        }
        let reading = read_everywhere(&b.build()).unwrap();
        prop_assert!(reading.errors.is_empty());
        let got: Vec<_> = reading.records.into_iter().map(|g| (g.offset, g.ts.unwrap(), g.origlen, g.data)).collect();
        prop_assert_eq!(got, want);
    }

    /// Arbitrary bytes after a valid magic: never a panic, always an end.
    #[test]
    fn arbitrary_bytes_never_panic(magic in prop::sample::select(vec![
            [0xd4u8, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d], [0x34, 0xcd, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a]]),
        tail in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        let _ = read_everywhere(&bytes);
    }

    /// Well-framed pcapng blocks (lengths and trailers agree) of every
    /// type with random bodies: the decoders past the framing checks must
    /// never panic, and every block is either read or reported.
    #[test]
    fn framed_random_blocks_never_panic(big in any::<bool>(), blocks in prop::collection::vec(
        (prop::sample::select(vec![1u32, 2, 3, 5, 6, 0x0bad, 77]), prop::collection::vec(any::<u8>(), 0..48)), 0..12)) {
        let endian = if big { Endian::Big } else { Endian::Little };
        let mut b = PcapngBuilder::new(endian);
        for (block_type, mut body) in blocks {
            body.truncate(body.len() / 4 * 4);
            let total = (12 + body.len()) as u32;
            let word = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
            let mut raw = word(block_type).to_vec();
            raw.extend_from_slice(&word(total));
            raw.extend_from_slice(&body);
            raw.extend_from_slice(&word(total));
            b.raw(&raw);
        }
        if let Ok(reading) = read_everywhere(&b.build()) {
            for g in &reading.records {
                prop_assert!(g.data.len() <= 48);
            }
        }
    }

    /// A valid file with a few bytes overwritten: never a panic, and the
    /// records before the first damaged byte are still read.
    #[test]
    fn damaged_files_keep_the_records_before_the_damage(
        big in any::<bool>(), ng in any::<bool>(),
        hits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let endian = if big { Endian::Big } else { Endian::Little };
        let (mut bytes, offsets) = if ng {
            let (bytes, want) = rich_pcapng(endian);
            (bytes, want.iter().map(|g| g.offset).collect::<Vec<_>>())
        } else {
            let mut b = PcapBuilder::new(endian, Precision::Nano);
            for i in 0..8 { b.record(Timestamp::new(i, 1), 9, &packet(i as usize, 9 + i as usize)); }
            (b.build(), b.offsets().to_vec())
        };
        let before = read_everywhere(&bytes).unwrap().records;
        let first = hits.iter().map(|(i, _)| i.index(bytes.len())).min().unwrap();
        for (i, v) in &hits {
            let at = i.index(bytes.len());
            bytes[at] = *v;
        }
        if let Ok(reading) = read_everywhere(&bytes) {
            // Records that end before the first damaged byte are intact.
            let safe = before.iter().zip(offsets.iter().skip(1)).filter(|(_, next)| (**next as usize) <= first).count();
            // pcapng: a damaged IDB or SHB could precede them; only
            // compare when the damage is after the first packet block.
            if !ng || first as u64 >= offsets[0] {
                prop_assert!(reading.records.len() >= safe);
                prop_assert_eq!(&reading.records[..safe], &before[..safe]);
            }
        }
    }
}

#[test]
fn record_at_reads_saved_offsets_directly() {
    let mut b = PcapBuilder::new(Endian::Big, Precision::Nano);
    for i in 0..5 {
        b.record(
            Timestamp::new(i, 7),
            100,
            &packet(i as usize, 20 + i as usize),
        );
    }
    let bytes = b.build();
    let path = temp_file("record-at.pcap", &bytes);
    for r in [
        CaptureReader::open(&path).unwrap(),
        CaptureReader::from_bytes(bytes.clone(), "mem.pcap").unwrap(),
    ] {
        for (i, offset) in b.offsets().iter().enumerate().rev() {
            let rec = r.record_at(*offset).unwrap();
            assert_eq!((rec.offset, rec.ts), (*offset, Timestamp::new(i as i64, 7)));
            assert_eq!(rec.data, &packet(i, 20 + i)[..]);
        }
        assert_eq!(r.position(), 24, "the reader did not move");
        for bad in [0, 23, bytes.len() as u64, u64::MAX] {
            let e = r.record_at(bad).unwrap_err();
            assert_eq!(offset_of(&e), bad, "{e}");
        }
        // Not a boundary: the "record" found there fails the caplen check.
        assert!(r.record_at(b.offsets()[1] + 3).is_err());
    }
    let stream = CaptureReader::from_reader(Chunky::new(bytes, 5), "-").unwrap();
    assert!(stream.record_at(24).is_err());
    let (ng, _) = rich_pcapng(Endian::Little);
    let ng = CaptureReader::from_bytes(ng, "ng").unwrap();
    assert!(
        ng.record_at(28)
            .unwrap_err()
            .to_string()
            .contains("classic pcap")
    );
}

#[test]
fn readers_and_writers_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<CaptureReader>();
    send::<PcapWriter<std::fs::File>>();
}

#[test]
fn borrowed_static_bytes_work() {
    static FILE: &[u8] = &[
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0,
        0, //
        1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0xab,
    ];
    let mut r = CaptureReader::from_bytes(Cow::Borrowed(FILE), "static").unwrap();
    let rec = r.next_record().unwrap().unwrap();
    assert_eq!(
        (rec.ts.to_string(), rec.data),
        ("1.000002000".to_string(), &[0xab][..])
    );
    assert_eq!(rec.data_offset(), 40);
    assert!(r.next_record().unwrap().is_none());
}

#[test]
fn records_start_at_the_reader_position_and_outlive_the_walk() {
    let (bytes, want) = rich_pcapng(Endian::Big);
    let mut r = CaptureReader::from_bytes(bytes, "rich.pcapng").unwrap();
    let first = r.next_record().unwrap().unwrap().offset;
    assert_eq!(first, want[0].offset);
    let position = r.position();
    let rest: Vec<_> = r.records().unwrap().map(Result::unwrap).collect();
    // The reader itself has not moved.
    assert_eq!(r.position(), position);
    let offsets: Vec<u64> = rest.iter().map(|rec| rec.offset).collect();
    let expected: Vec<u64> = want[1..].iter().map(|g| g.offset).collect();
    assert_eq!(offsets, expected);
    let rest: Vec<Vec<u8>> = rest.iter().map(|rec| rec.data.to_vec()).collect();
    let mut again = Vec::new();
    while let Some(rec) = r.next_record().unwrap() {
        again.push(rec.data.to_vec());
    }
    assert_eq!(again, rest);
}
