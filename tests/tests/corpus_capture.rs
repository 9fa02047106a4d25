//! The capture reader against the shared real-world corpus
//! (`../shared/corpus`, or `$PCAP_CORPUS`).
//!
//! For each of the 78 captures, read three ways (memory map, `Read` in
//! small uneven chunks, bytes in memory), every record is checked against
//! two independent oracles:
//!
//! * `expected/NAME.offsets.tsv` (a Python walker written from the format
//!   documents): record count, byte offset of each record or block, data
//!   offset, captured and original lengths, raw timestamp fields, pcapng
//!   interface ids;
//! * `expected/NAME.fields.noreasm.tsv` (tshark 4.0.17): `frame.len`,
//!   `frame.cap_len` and `frame.time_epoch`, compared as strings with our
//!   formatter. pcapng frames are matched through the `tshark_frame` column,
//!   since tshark 4.0 counts Custom Blocks as frames.
//!
//! Damaged files must end with the documented error, at the documented
//! offset, after delivering every good record; see [`damaged`].

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use pcap_core::Error;
use pcap_core::capture::{CaptureReader, Format, LinkType, Precision, Record};
use pcap_tests::corpus::{self, Row, Table};

/// How a capture's reading must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// All records, then `Ok(None)`.
    Clean,
    /// The constructor refuses the file: error kind, layer, at offset 0.
    Refused(ErrorKind, &'static str),
    /// The good records, then this framing error at the offset of the
    /// first non-`ok` row of `offsets.tsv`, then `Ok(None)`.
    Damaged(ErrorKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    Truncated,
    InvalidLength,
    Malformed,
    Unsupported,
}

fn kind_of(e: &Error) -> ErrorKind {
    match e.root() {
        Error::Truncated { .. } => ErrorKind::Truncated,
        Error::InvalidLength { .. } => ErrorKind::InvalidLength,
        Error::Malformed { .. } => ErrorKind::Malformed,
        Error::Unsupported { .. } => ErrorKind::Unsupported,
        other => panic!("unexpected error kind: {other}"),
    }
}

/// Our documented behaviour for the damaged and refused files.
fn damaged(name: &str) -> Ending {
    use ErrorKind::*;
    match name {
        // Cut inside a record header (7 of 16 bytes) after 1 record.
        "truncated_dns_2.pcap" => Ending::Damaged(Truncated),
        // Cut 717 bytes into the data of record 31.
        "http.cut-mid-record.pcap" => Ending::Damaged(Truncated),
        // caplen 4325376 > max(snaplen 262144, 262144): corrupt header
        // (tshark says the same; the Python walker calls it partial_data
        // because its own limit is 4x larger).
        "tls_DER-incomplete-header.pcap" => Ending::Damaged(InvalidLength),
        // Garbage record headers with caplens of 3925868813 and 1409179648.
        "10.7.29.101_49898-178.63.41.150_25.pcap" => Ending::Damaged(InvalidLength),
        // tshark re-reads this one as an old pcap variant and reports a
        // garbage frame 2; we stop after record 1, like offsets.tsv.
        "suricata_bug-6875-01_fuzz.pcap" => Ending::Damaged(InvalidLength),
        // Refused like tshark: version 1.x pcap, pcapng SHB version 0.1.
        "pcap-invalid-version-1.pcap" => Ending::Refused(Unsupported, "pcap"),
        "pcapng-invalid-vers-1.pcapng" => Ending::Refused(Unsupported, "pcapng"),
        // Refused like tshark, which complains about the SHB option of
        // length 12336 running past the block. The block's trailing length
        // is garbage too ("0000" = 808464432, not 52), and we check the
        // framing first, so that is what we report. (Option overruns alone
        // are tested on synthetic files.)
        "shb-option-too-long.pcapng" => Ending::Refused(InvalidLength, "pcapng"),
        // linktype-reserved-field-not-zero.pcap: tshark refuses it; we
        // ignore the reserved bits and read its (zero) records: Clean.
        _ => Ending::Clean,
    }
}

/// A `Read` that hands out small, uneven chunks, to exercise the
/// streaming buffer's refills across record boundaries.
struct Chunky {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Chunky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 97 + 13;
        let n = buf.len().min(self.step).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A record as compared across sources: offset, `frame.time_epoch`,
/// caplen, origlen, interface, link type, data.
type Summary = (u64, String, u32, u32, u32, LinkType, Vec<u8>);

/// What one reading of a file produced, to compare the three sources.
#[derive(Debug, PartialEq)]
struct Outcome {
    records: Vec<Summary>,
    /// Error kind, layer, offset and message, if reading ended with one.
    error: Option<(ErrorKind, Option<&'static str>, u64, String)>,
    format: Option<Format>,
}

fn offset_of(e: &Error) -> u64 {
    match e {
        Error::At { offset, .. } => *offset,
        other => panic!("error without an offset: {other}"),
    }
}

fn read_all(opened: Result<CaptureReader, Error>, check: &mut dyn FnMut(&Record<'_>)) -> Outcome {
    let mut reader = match opened {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                records: Vec::new(),
                error: Some((kind_of(&e), e.layer(), offset_of(&e), e.to_string())),
                format: None,
            };
        }
    };
    let mut records = Vec::new();
    let mut error = None;
    loop {
        match reader.next_record() {
            Ok(Some(rec)) => {
                check(&rec);
                records.push((
                    rec.offset,
                    rec.timestamp().map(|t| t.to_string()).unwrap_or_default(),
                    rec.caplen,
                    rec.origlen,
                    rec.interface,
                    rec.linktype,
                    rec.data.to_vec(),
                ));
            }
            Ok(None) => break,
            Err(e) => {
                assert!(error.is_none(), "second error: {e}");
                error = Some((kind_of(&e), e.layer(), offset_of(&e), e.to_string()));
                // Every error in this corpus is a framing error: nothing after it.
                assert!(reader.next_record().unwrap().is_none());
                assert!(reader.is_done());
            }
        }
    }
    Outcome {
        records,
        error,
        format: Some(reader.format()),
    }
}

fn check_file(dir: &Path, name: &str, manifest: &HashMap<String, Vec<String>>) {
    let path = dir.join("pcap").join(name);
    let expected = dir.join("expected");
    let offsets = Table::read(expected.join(format!("{name}.offsets.tsv"))).unwrap();
    let pcapng = corpus::is_pcapng(&offsets);
    let tshark_frames = corpus::tshark_frames(&offsets);
    // `frame.number` -> tshark's row; empty if tshark refused the file.
    let fields = Table::read(expected.join(format!("{name}.fields.noreasm.tsv"))).unwrap();
    let fields = fields.keyed_by("frame.number");
    let ending = damaged(name);
    let meta = &manifest[name];
    let (format_col, linktype_col) = (&meta[5], &meta[6]);

    // Packet records (classic: every row; pcapng: packet blocks only).
    let rows: Vec<Row<'_>> = corpus::packet_rows(&offsets).collect();
    let good: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| r.get("status") == Some("ok"))
        .collect();
    let bad: Option<&Row<'_>> = rows.iter().find(|r| r.get("status") != Some("ok"));

    // Per-record checks against both oracles (done on the mmap reading;
    // the other sources must then give the very same outcome).
    let mut index = 0usize;
    let mut check = |rec: &Record<'_>| {
        let want = good
            .get(index)
            .unwrap_or_else(|| panic!("{name}: more records than expected: {rec:?}"));
        let ctx = format!("{name} record {}", index + 1);
        assert_eq!(Some(rec.offset), want.num("offset"), "{ctx}: offset");
        assert_eq!(Some(rec.caplen), want.num("caplen"), "{ctx}: caplen");
        assert_eq!(Some(rec.origlen), want.num("origlen"), "{ctx}: origlen");
        assert_eq!(rec.data.len(), rec.caplen as usize, "{ctx}: data length");
        if pcapng {
            if let Some(iface) = want.num("interface") {
                assert_eq!(rec.interface, iface, "{ctx}: interface");
            }
        } else {
            assert_eq!(
                Some(rec.data_offset()),
                want.num("data_offset"),
                "{ctx}: data offset"
            );
            let nanos = if format_col.contains("nsec") { 1 } else { 1000 };
            assert_eq!(
                Some(rec.ts.secs as u64),
                want.num("ts_sec"),
                "{ctx}: ts_sec"
            );
            assert_eq!(
                Some(u64::from(rec.ts.nanos)),
                want.num::<u64>("ts_frac").map(|f| f * nanos),
                "{ctx}: ts fraction"
            );
        }
        // The linktype column lists the file's (or its interfaces') types.
        let listed = linktype_col
            .split(',')
            .any(|t| t.trim().split(' ').next() == Some(&rec.linktype.0.to_string()));
        assert!(
            listed,
            "{ctx}: linktype {} not in {linktype_col}",
            rec.linktype
        );
        // tshark's view of the same frame (pcapng: tshark_frame, since
        // tshark counts Custom Blocks as frames).
        let frame = tshark_frames[&rec.offset];
        if let Some(theirs) = fields.get(&frame) {
            let ours = rec.timestamp().map(|t| t.to_string()).unwrap_or_default();
            assert_eq!(
                Some(ours.as_str()),
                theirs.get("frame.time_epoch"),
                "{ctx}: frame.time_epoch (tshark frame {frame})"
            );
            assert_eq!(
                Some(rec.origlen.to_string().as_str()),
                theirs.get("frame.len"),
                "{ctx}: frame.len"
            );
            assert_eq!(
                Some(rec.caplen.to_string().as_str()),
                theirs.get("frame.cap_len"),
                "{ctx}: frame.cap_len"
            );
        } else {
            // Only the files tshark refuses have no fields.
            assert!(fields.is_empty(), "{ctx}: tshark has no frame {frame}");
        }
        index += 1;
    };
    let mapped = read_all(CaptureReader::open(&path), &mut check);

    let bytes = fs::read(&path).unwrap();
    let streamed = read_all(
        CaptureReader::from_reader(
            Chunky {
                data: bytes.clone(),
                pos: 0,
                step: name.len(),
            },
            &path.display().to_string(),
        ),
        &mut |_| {},
    );
    let in_memory = read_all(
        CaptureReader::from_bytes(bytes, &path.display().to_string()),
        &mut |_| {},
    );
    assert_eq!(mapped, streamed, "{name}: mmap and Read differ");
    assert_eq!(mapped, in_memory, "{name}: mmap and bytes differ");

    match ending {
        Ending::Clean => {
            assert_eq!(mapped.error, None, "{name}: unexpected error");
            assert_eq!(
                bad.map(|r| r.get("status")),
                None,
                "{name}: oracle says damaged"
            );
            assert_eq!(mapped.records.len(), good.len(), "{name}: record count");
        }
        Ending::Refused(kind, layer) => {
            let (k, l, offset, msg) = mapped.error.clone().expect("refused");
            assert_eq!((k, l, offset), (kind, Some(layer), 0), "{name}: {msg}");
            assert!(msg.contains(name), "{name}: message names the file: {msg}");
            assert!(mapped.records.is_empty());
            // tshark refuses it too (0-byte fields.tsv).
            assert!(fields.is_empty(), "{name}: tshark read it");
            println!("  {name}: refused: {msg}");
        }
        Ending::Damaged(kind) => {
            let (k, l, offset, msg) = mapped.error.clone().expect("damaged");
            let bad = bad.unwrap_or_else(|| panic!("{name}: oracle has no damaged row"));
            assert_eq!(k, kind, "{name}: {msg}");
            assert_eq!(l, Some(if pcapng { "pcapng" } else { "pcap" }));
            assert_eq!(
                Some(offset),
                bad.num("offset"),
                "{name}: error offset: {msg}"
            );
            assert!(
                msg.contains(name) && msg.contains(&format!("byte {offset}")),
                "{msg}"
            );
            assert_eq!(
                mapped.records.len(),
                good.len(),
                "{name}: good records before the damage"
            );
            println!("  {name}: {} records, then: {msg}", good.len());
        }
    }

    // Classic pcap records can be read back directly by their offsets.
    if !pcapng && !matches!(ending, Ending::Refused(..)) {
        let reader = CaptureReader::open(&path).unwrap();
        for (row, rec) in good.iter().zip(&mapped.records) {
            let again = reader.record_at(row.num("offset").unwrap()).unwrap();
            assert_eq!((again.offset, again.data), (rec.0, &rec.6[..]), "{name}");
        }
    }

    // The format matches the manifest's description of the magic number.
    if let Some(format) = mapped.format {
        let desc = match format {
            Format::Pcap(h) if h.modified => "pcap modified/Kuznetzov LE".to_string(),
            Format::Pcap(h) => format!(
                "pcap {} {}",
                if h.encoding.endian == pcap_core::Endian::Little {
                    "LE"
                } else {
                    "BE"
                },
                match h.encoding.precision {
                    Precision::Micro => "usec",
                    Precision::Nano => "nsec",
                }
            ),
            Format::Pcapng(s) => format!(
                "pcapng {}",
                if s.endian == pcap_core::Endian::Little {
                    "LE"
                } else {
                    "BE"
                }
            ),
        };
        assert!(
            format_col.starts_with(&desc),
            "{name}: {desc} vs {format_col}"
        );
    }
}

#[test]
fn every_corpus_capture_matches_the_oracles() {
    let Some(dir) = corpus::find() else { return };
    let manifest: HashMap<String, Vec<String>> = fs::read_to_string(dir.join("MANIFEST.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<String> = l.split('\t').map(String::from).collect();
            (cells[0].clone(), cells)
        })
        .collect();
    let names = corpus::captures(&dir);
    assert_eq!(names.len(), 78, "the corpus has 78 captures");
    for name in &names {
        check_file(&dir, name, &manifest);
    }
}

#[test]
fn reserved_linktype_bits_are_ignored() {
    let Some(dir) = corpus::find() else { return };
    let mut r =
        CaptureReader::open(dir.join("pcap/linktype-reserved-field-not-zero.pcap")).unwrap();
    let Format::Pcap(h) = r.format() else {
        panic!("classic pcap")
    };
    assert_eq!(h.linktype_field, 0x0030_0000);
    assert_eq!(h.linktype(), LinkType::NULL);
    assert!(r.next_record().unwrap().is_none());
}

#[test]
fn modified_format_is_read() {
    let Some(dir) = corpus::find() else { return };
    let mut r = CaptureReader::open(dir.join("pcap/modified-format.pcap")).unwrap();
    assert_eq!(
        r.format().to_string(),
        "pcap modified (little-endian, usec)"
    );
    let rec = r.next_record().unwrap().unwrap();
    assert_eq!((rec.offset, rec.data_offset(), rec.caplen), (24, 48, 98));
    assert_eq!(rec.ts.to_string(), "1712763541.734807000");
}
