//! Compressed captures (gzip, zstd) read through `CaptureReader` as
//! streams: the same records at the same (uncompressed) offsets as the
//! plain file, damage reported after the records before it, memory
//! bounded whatever the expanded size, and records visited by offset in
//! one forward pass.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use pcap_core::Endian;
use pcap_core::capture::synth::{self, PcapngBuilder, TrafficSpec};
use pcap_core::capture::{
    CaptureReader, Compression, DecompressError, LinkType, PcapEncoding, Precision, Timestamp,
};

/// Counts the bytes of the Rust heap each thread holds, and its peak: the
/// bomb test's proof that reading does not allocate by expanded size.
/// (zstd's own buffers come from C's `malloc` and are not seen here; they
/// are bounded by the window limit, `ZSTD_WINDOW_LOG_MAX`.)
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call goes to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result and the most heap this thread held
/// meanwhile beyond what it held before.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    let peak = PEAK.with(Cell::get) - start;
    (out, peak.max(0) as usize)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 1).unwrap()
}

fn compress(codec: Compression, data: &[u8]) -> Vec<u8> {
    match codec {
        Compression::Gzip => gzip(data),
        Compression::Zstd => zstd(data),
    }
}

/// `data` compressed in pieces cut at `cuts`, the pieces concatenated:
/// several gzip members or zstd frames, one stream.
fn compress_in_pieces(codec: Compression, data: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&data.len()]) {
        out.extend(compress(codec, &data[start..end]));
        start = end;
    }
    out
}

/// A record as read, owned: offset, time, lengths, interface, link type,
/// stored bytes.
type Seen = (u64, Timestamp, u32, u32, u32, LinkType, Vec<u8>);

/// Every record of `reader`, and the errors met (reading on after record
/// errors, as the module docs say).
fn walk(mut reader: CaptureReader) -> (Vec<Seen>, Vec<pcap_core::Error>) {
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    loop {
        match reader.next_record() {
            Ok(Some(r)) => seen.push((
                r.offset,
                r.ts,
                r.caplen,
                r.origlen,
                r.interface,
                r.linktype,
                r.raw.to_vec(),
            )),
            Ok(None) => break,
            Err(e) => errors.push(e),
        }
    }
    (seen, errors)
}

/// A classic pcap of generated traffic (nanosecond, big-endian: not the
/// default encoding).
fn pcap_file() -> Vec<u8> {
    let spec = TrafficSpec {
        packets: 3000,
        flows: 40,
        ..TrafficSpec::default()
    };
    synth::traffic_pcap(
        spec,
        PcapEncoding {
            endian: Endian::Big,
            precision: Precision::Nano,
        },
    )
}

/// A pcapng of generated traffic: two sections of either byte order,
/// several interfaces, EPBs and SPBs.
fn pcapng_file() -> Vec<u8> {
    let spec = TrafficSpec {
        packets: 2000,
        flows: 30,
        ..TrafficSpec::default()
    };
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 0)
        .interface(LinkType::ETHERNET, 128);
    for (i, p) in synth::traffic(spec).enumerate() {
        if i == 1200 {
            b.section(Endian::Big).interface(LinkType::ETHERNET, 0);
        }
        if i % 50 == 7 && i < 1200 {
            b.spb(p.origlen, &p.data);
        } else {
            let iface = if i < 1200 { (i % 2) as u32 } else { 0 };
            b.epb(iface, p.ts, p.origlen, &p.data);
        }
    }
    b.build()
}

/// `data` as BGZF-like gzip: members of at most 64 KiB of input, each with
/// a `BC` extra field (as `bgzip` writes), then the empty end-of-file
/// member.
fn bgzf_like(data: &[u8]) -> Vec<u8> {
    let member = |chunk: &[u8]| {
        let mut e = flate2::GzBuilder::new()
            .extra(vec![b'B', b'C', 2, 0, 0, 0])
            .write(Vec::new(), flate2::Compression::fast());
        e.write_all(chunk).unwrap();
        e.finish().unwrap()
    };
    let mut out: Vec<u8> = data.chunks(65280).flat_map(member).collect();
    out.extend(member(b""));
    out
}

/// A fresh directory for this test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pcap-core-compressed-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const CODECS: [Compression; 2] = [Compression::Gzip, Compression::Zstd];

#[test]
fn compressed_captures_read_like_the_plain_file() {
    let dir = temp_dir("same");
    for (kind, plain) in [("pcap", pcap_file()), ("pcapng", pcapng_file())] {
        let (expected, errors) = walk(CaptureReader::from_bytes(plain.clone(), "plain").unwrap());
        assert!(errors.is_empty() && expected.len() >= 2000, "{kind}");
        let cuts = [3, plain.len() / 3, plain.len() / 3 + 1, plain.len() / 2];
        for codec in CODECS {
            let mut ways = vec![
                ("one stream", compress(codec, &plain)),
                ("pieces", compress_in_pieces(codec, &plain, &cuts)),
            ];
            if codec == Compression::Gzip {
                ways.push(("bgzf", bgzf_like(&plain)));
            }
            for (how, packed) in ways {
                let what = format!("{kind}, {codec}, {how}");
                assert_ne!(packed, plain, "{what}");
                // From a file: opened by content (the name says nothing).
                let path = dir.join(format!("capture-{kind}-{codec}-{}", packed.len()));
                std::fs::write(&path, &packed).unwrap();
                let reader = CaptureReader::open(&path).unwrap();
                assert_eq!(reader.compression(), Some(codec), "{what}");
                assert!(reader.bytes().is_none() && reader.records().is_none());
                let (seen, errors) = walk(reader);
                assert!(errors.is_empty(), "{what}: {errors:?}");
                assert_eq!(seen, expected, "{what}: from a file");
                // From any reader (a pipe).
                let reader = CaptureReader::from_reader(Cursor::new(packed), "-").unwrap();
                assert_eq!(reader.compression(), Some(codec));
                assert_eq!(walk(reader).0, expected, "{what}: from a reader");
            }
        }
        // A plain file is still mapped, not streamed.
        let path = dir.join(format!("plain-{kind}"));
        std::fs::write(&path, &plain).unwrap();
        let reader = CaptureReader::open(&path).unwrap();
        assert_eq!(reader.compression(), None);
        assert!(reader.bytes().is_some());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn records_are_visited_by_offset_in_one_forward_pass() {
    for (kind, plain) in [("pcap", pcap_file()), ("pcapng", pcapng_file())] {
        let (all, _) = walk(CaptureReader::from_bytes(plain.clone(), "plain").unwrap());
        let wanted: Vec<&Seen> = all.iter().skip(3).step_by(97).collect();
        for codec in CODECS {
            let packed = compress(codec, &plain);
            let mut reader = CaptureReader::from_reader(Cursor::new(packed), "x").unwrap();
            let mut got = Vec::new();
            // A repeated offset is visited once.
            let offsets = wanted.iter().flat_map(|w| [w.0, w.0]);
            reader
                .visit_records_at(offsets, |r| {
                    got.push((r.offset, r.ts, r.raw.to_vec()));
                    Ok::<(), pcap_core::Error>(())
                })
                .unwrap();
            let expected: Vec<_> = wanted.iter().map(|w| (w.0, w.1, w.6.clone())).collect();
            assert_eq!(got, expected, "{kind}, {codec}");
        }
        // An offset inside a record, or past the end, is refused by name.
        let mut reader = CaptureReader::from_reader(Cursor::new(gzip(&plain)), "x.gz").unwrap();
        let inside = all[5].0 + 1;
        let e = reader
            .visit_records_at([all[2].0, inside], |_| Ok::<(), pcap_core::Error>(()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.gz") && e.contains(&format!("byte {inside}")) && e.contains("no record"),
            "{e}"
        );
        let mut reader = CaptureReader::from_reader(Cursor::new(zstd(&plain)), "x.zst").unwrap();
        let past = plain.len() as u64 + 10;
        let e = reader
            .visit_records_at([past], |_| Ok::<(), pcap_core::Error>(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no record from there on"), "{e}");
    }
}

/// The decompression error among `errors` (there must be one, the last).
fn decompress_error(errors: &[pcap_core::Error]) -> &DecompressError {
    let last = errors.last().expect("an error");
    let pcap_core::Error::Io { source, .. } = last.root() else {
        panic!("not an I/O error: {last}");
    };
    source
        .get_ref()
        .and_then(|e| e.downcast_ref::<DecompressError>())
        .unwrap_or_else(|| panic!("not a decompression error: {last}"))
}

#[test]
fn a_cut_stream_keeps_the_records_before_and_says_where() {
    for (kind, plain) in [("pcap", pcap_file()), ("pcapng", pcapng_file())] {
        let (all, _) = walk(CaptureReader::from_bytes(plain.clone(), "plain").unwrap());
        for codec in CODECS {
            let packed = compress(codec, &plain);
            let cut = &packed[..packed.len() * 3 / 5];
            let reader = CaptureReader::from_reader(Cursor::new(cut.to_vec()), "cut.bin").unwrap();
            let (seen, errors) = walk(reader);
            let what = format!("{kind}, {codec}");
            // A prefix of the records, most of those before the cut.
            assert!(!seen.is_empty() && seen.len() < all.len(), "{what}");
            assert_eq!(seen[..], all[..seen.len()], "{what}");
            assert_eq!(errors.len(), 1, "{what}: {errors:?}");
            let message = errors[0].to_string();
            let e = decompress_error(&errors);
            assert_eq!(e.compression, codec);
            // Decoding stopped after the last record delivered, and lost
            // at most one chunk before the cut.
            let (last_offset, .., last_raw) = seen.last().unwrap();
            let delivered_end = last_offset + last_raw.len() as u64;
            assert!(e.offset >= delivered_end, "{what}: {e}");
            assert!(
                message.contains("cut.bin")
                    && message.contains(&format!("uncompressed byte {}", e.offset)),
                "{what}: {message}"
            );
        }
    }
}

#[test]
fn damaged_compressed_data_is_an_error_not_a_panic() {
    let plain = pcap_file();
    let (all, _) = walk(CaptureReader::from_bytes(plain.clone(), "plain").unwrap());
    for codec in CODECS {
        let packed = compress(codec, &plain);
        for at in [packed.len() / 4, packed.len() / 2, packed.len() - 6] {
            let mut bad = packed.clone();
            for b in &mut bad[at..at + 4] {
                *b ^= 0x5a;
            }
            let reader = CaptureReader::from_reader(Cursor::new(bad), "bad.bin").unwrap();
            let (seen, errors) = walk(reader);
            // Records before the damage are those of the plain file; the
            // damage is reported (as bad compressed data, or as records
            // that make no sense if the decoder could not tell).
            let same = seen.iter().zip(&all).take_while(|(a, b)| a == b).count();
            assert!(same > 0, "{codec} at {at}");
            assert!(!errors.is_empty(), "{codec} at {at}: no error");
            assert!(errors[0].to_string().contains("bad.bin"), "{}", errors[0]);
        }
    }
    // Not compressed data after a compression magic: an error at open.
    let mut junk = vec![0x1f, 0x8b, 0x08, 0];
    junk.extend([0xff; 100]);
    let e = CaptureReader::from_reader(Cursor::new(junk), "junk.gz").unwrap_err();
    assert!(e.to_string().contains("junk.gz"), "{e}");
    // A compressed file that is not a capture.
    let e = CaptureReader::from_reader(Cursor::new(gzip(b"hello, world")), "text.gz").unwrap_err();
    assert!(e.to_string().contains("magic"), "{e}");
}

#[test]
fn a_zstd_window_over_the_limit_is_refused_by_name() {
    let plain = pcap_file();
    // A streamed frame (no content size) declares the window it was
    // written with: 2^30 here, over the 2^27 limit.
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    e.window_log(30).unwrap();
    e.long_distance_matching(true).unwrap();
    e.write_all(&plain[..4096]).unwrap();
    let packed = e.finish().unwrap();
    let error = CaptureReader::from_reader(Cursor::new(packed), "long.zst").unwrap_err();
    let d = decompress_error(std::slice::from_ref(&error));
    assert!(d.window_too_large(), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("long.zst") && message.contains("zstd -d --long=31"),
        "{message}"
    );
    // Within the limit, the same kind of frame is read.
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    e.window_log(27).unwrap();
    e.long_distance_matching(true).unwrap();
    e.write_all(&plain).unwrap();
    let reader = CaptureReader::from_reader(Cursor::new(e.finish().unwrap()), "ok.zst").unwrap();
    let (expected, _) = walk(CaptureReader::from_bytes(plain, "plain").unwrap());
    assert_eq!(walk(reader).0, expected);
}

/// Expanded size of the bombs: far more than the reader may hold.
const BOMB_BYTES: usize = 256 << 20;

/// A capture that expands to [`BOMB_BYTES`] from a few hundred KB: a
/// pcap header, then the same compressed piece (16 records of 64 KiB of
/// zeros) repeated, as gzip members or zstd frames.
fn bomb(codec: Compression) -> (Vec<u8>, usize) {
    let mut records = synth::PcapBuilder::new(Endian::Little, Precision::Micro);
    records.snaplen(65535);
    let header = records.build();
    let zeros = vec![0u8; 65535];
    for _ in 0..16 {
        records.record(Timestamp::new(1, 0), 65535, &zeros);
    }
    let piece = records.build()[header.len()..].to_vec();
    let copies = BOMB_BYTES / piece.len();
    let packed_piece = compress(codec, &piece);
    let mut out = compress(codec, &header);
    for _ in 0..copies {
        out.extend_from_slice(&packed_piece);
    }
    (out, copies * 16)
}

#[test]
fn a_bomb_is_read_with_bounded_memory() {
    for codec in CODECS {
        let (packed, records) = bomb(codec);
        assert!(packed.len() < BOMB_BYTES / 100, "{codec}: {}", packed.len());
        let (count, peak) = peak_heap(|| {
            let mut reader = CaptureReader::from_reader(Cursor::new(packed), "bomb").unwrap();
            let mut count = 0usize;
            let mut last = 0;
            while let Some(r) = reader.next_record().unwrap() {
                assert_eq!(r.caplen, 65535);
                count += 1;
                last = r.offset;
            }
            assert_eq!(last, 24 + (count as u64 - 1) * (16 + 65535));
            count
        });
        assert_eq!(count, records, "{codec}");
        eprintln!("{codec} bomb: {count} records, {peak} bytes of heap at the peak");
        // The compressed input was moved in (counted before); reading
        // holds a few buffers of at most one record each, nothing that
        // grows with the expanded size.
        assert!(peak < 8 << 20, "{codec}: {peak} bytes of heap at the peak");
    }
}

#[test]
fn the_first_bytes_of_a_compressed_capture_can_be_peeked() {
    let dir = temp_dir("peek");
    let plain = pcapng_file();
    for codec in CODECS {
        let path = dir.join("c");
        std::fs::write(&path, compress(codec, &plain)).unwrap();
        let (head, found) = pcap_core::capture::peek_capture_head(&path).unwrap();
        assert_eq!((head.as_slice(), found), (&plain[..4], Some(codec)));
    }
    std::fs::write(dir.join("short"), [0x1f]).unwrap();
    let (head, found) = pcap_core::capture::peek_capture_head(&dir.join("short")).unwrap();
    assert_eq!((head.as_slice(), found), (&[0x1f][..], None));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The corpus's gzip capture.
fn corpus_gz() -> Option<PathBuf> {
    let dir = pcap_tests::corpus::find()?;
    let path = dir.join("app/pcap/tls-fragmented-handshake.pcap.gz");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipping: {} not found", path.display());
        None
    }
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn corpus_gzip_capture_reads_like_its_decompressed_bytes() {
    let Some(path) = corpus_gz() else { return };
    let plain = gunzip(&path);
    let (expected, errors) = walk(CaptureReader::from_bytes(plain, "plain").unwrap());
    assert!(errors.is_empty() && !expected.is_empty());
    let reader = CaptureReader::open(&path).unwrap();
    assert_eq!(reader.compression(), Some(Compression::Gzip));
    let (seen, errors) = walk(reader);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(seen, expected);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Whatever bytes are changed or cut in a compressed capture, reading
    /// it never panics and comes to an end.
    #[test]
    fn mangled_compressed_captures_never_panic(
        zstd_codec in proptest::bool::ANY,
        flips in proptest::collection::vec((0.0f64..1.0, 1u8..=255), 0..6),
        keep in 0.0f64..=1.0,
    ) {
        let codec = if zstd_codec { Compression::Zstd } else { Compression::Gzip };
        let mut packed = compress(codec, &small_capture());
        for (at, mask) in flips {
            let i = ((packed.len() as f64 * at) as usize).min(packed.len() - 1);
            packed[i] ^= mask;
        }
        packed.truncate((packed.len() as f64 * keep) as usize);
        if let Ok(mut reader) = CaptureReader::from_reader(Cursor::new(packed), "m") {
            let mut calls = 0;
            while !matches!(reader.next_record(), Ok(None)) {
                calls += 1;
                proptest::prop_assert!(calls < 100_000, "the walk does not end");
            }
        }
    }
}

/// A small capture for the property test (built once).
fn small_capture() -> Vec<u8> {
    use std::sync::OnceLock;
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        let spec = TrafficSpec {
            packets: 300,
            flows: 10,
            ..TrafficSpec::default()
        };
        synth::traffic_pcap(spec, PcapEncoding::default())
    })
    .clone()
}
