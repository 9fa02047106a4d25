//! Walks a classic pcap capture and prints each record header parsed with
//! the default flags, then with PARSE and UNPACK flags, as
//! `PACKET( ts_sec=1374367283, ts_usec=, incl_len=66, orig_len=, endian=<,)`
//! lines: a skipped field prints empty, a parsed-only field prints its raw
//! bytes in hex, an unpacked one its value.
//!
//! ```sh
//! cargo run --example pcap_records              # a capture written here, in code
//! cargo run --example pcap_records -- FILE.pcap
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

use pcap_core::capture::schema::{PcapRecordHeader, PcapRecordHeaderFields};
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{CaptureReader, Format, LinkType, Precision, RecordKind, Timestamp};
use pcap_core::{Endian, Field};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args_os().nth(1) {
        Some(p) => PathBuf::from(p),
        None => write_sample()?,
    };
    let mut reader = CaptureReader::open(&path)?;
    let endian = reader.format().endian();
    println!(
        "# {} ({}, byte order {endian})",
        path.display(),
        kind_of(reader.format())
    );

    let configs: [(&str, PcapRecordHeaderFields); 3] = [
        ("DEFAULT", PcapRecordHeader::DEFAULT),
        (
            "PARSE_TS_USEC | UNPACK_ORIG_LEN",
            PcapRecordHeader::PARSE_TS_USEC | PcapRecordHeader::UNPACK_ORIG_LEN,
        ),
        ("ALL", PcapRecordHeader::ALL),
    ];
    let mut line = String::new();
    while let Some(record) = reader.next_record()? {
        let RecordKind::Pcap(_) = record.kind else {
            println!(
                "# record at byte {}: not a classic pcap record (pcapng block), skipped",
                record.offset
            );
            continue;
        };
        // The record header is the first 16 bytes of the stored record.
        for (name, flags) in configs {
            let (h, _) = PcapRecordHeader::parse_endian(record.raw, flags, endian)?;
            line.clear();
            line.push_str("PACKET( ");
            push("ts_sec", &h.ts_sec, &mut line);
            push("ts_usec", &h.ts_usec, &mut line);
            push("incl_len", &h.incl_len, &mut line);
            push("orig_len", &h.orig_len, &mut line);
            let _ = write!(
                line,
                "endian={},)  # {name}, record at byte {}",
                endian.symbol(),
                record.offset
            );
            println!("{line}");
        }
    }
    Ok(())
}

/// `name=value, `: empty when skipped, hex bytes when only parsed.
fn push(name: &str, field: &Field<'_, u32>, out: &mut String) {
    let _ = match field {
        Field::Skipped => write!(out, "{name}=, "),
        Field::Value(v) => write!(out, "{name}={v}, "),
        Field::Raw(raw) => {
            let _ = write!(out, "{name}=0x");
            for b in raw.bytes() {
                let _ = write!(out, "{b:02x}");
            }
            write!(out, ", ")
        }
    };
}

fn kind_of(format: Format) -> &'static str {
    match format {
        Format::Pcap(_) => "classic pcap",
        Format::Pcapng(_) => "pcapng",
    }
}

/// Writes a small little-endian microsecond capture: three 66-byte
/// Ethernet/IPv4/TCP frames, the first at 1374367283.
fn write_sample() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let mut frame = vec![0u8; 66];
    frame[..12].copy_from_slice(&[0, 0, 1, 0, 0, 0, 0xfe, 0xff, 0x20, 0, 1, 0]);
    frame[12..14].copy_from_slice(&[0x08, 0x00]);
    frame[14] = 0x45;
    frame[23] = 6;
    let mut builder = PcapBuilder::new(Endian::Little, Precision::Micro);
    builder.linktype(LinkType::ETHERNET);
    for i in 0..3u32 {
        builder.record(
            Timestamp {
                secs: 1_374_367_283 + i64::from(i),
                nanos: 311_224_000,
            },
            66,
            &frame,
        );
    }
    let path = std::env::temp_dir().join("pcapdig-example-records.pcap");
    std::fs::write(&path, builder.build())?;
    Ok(path)
}
