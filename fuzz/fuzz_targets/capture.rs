//! Reads arbitrary bytes as a capture and walks every record, from memory
//! and from a `Read` fed in small chunks; both must agree, nothing may
//! panic, and every call must make progress. From memory, every record is
//! read again by its offset (`record_at_with` and the pcapng context) and
//! must be the same; offsets that are not records must be refused.
//!
//! Seed the corpus with `../shared/corpus/pcap/*` for a quick start:
//! `cargo fuzz run capture fuzz/corpus/capture ../shared/corpus/pcap`.

#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use pcap_core::capture::{CaptureReader, Format, PcapWriter, WriterConfig};

/// Hands the input out a few bytes at a time, to split headers across reads.
struct Chunky {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Chunky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 13 + 1;
        let n = buf.len().min(self.step).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// (offset, caplen, origlen, data) of each record, and each error's text.
type Walk = (Vec<(u64, u32, u32, Vec<u8>)>, Vec<String>);

fn walk(mut reader: CaptureReader, input_len: usize, in_memory: bool) -> Walk {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut writer = PcapWriter::new(io::sink(), WriterConfig::default()).unwrap();
    let mut last = reader.position();
    loop {
        match reader.next_record() {
            Ok(Some(rec)) => {
                assert_eq!(rec.data.len(), rec.caplen as usize);
                assert!(rec.raw.len() >= rec.data.len());
                assert!(rec.offset as usize + rec.raw.len() <= input_len);
                assert!(rec.data_offset() >= rec.offset);
                let _ = rec.ts.to_string();
                let _ = writer.copy_record(&rec);
                records.push((rec.offset, rec.caplen, rec.origlen, rec.data.to_vec()));
            }
            Ok(None) => break,
            Err(e) => errors.push(e.to_string()),
        }
        // Every call consumes at least one block, or ends the walk.
        assert!(reader.position() > last || reader.is_done());
        last = reader.position();
    }
    assert!(reader.next_record().unwrap().is_none());
    let context = reader.pcapng_context().map(<[u64]>::to_vec);
    // A pcapng file past 65,536 context blocks has none (and no random
    // access); not reachable with inputs this small, but not assumed.
    let pcapng_without_context = matches!(reader.format(), Format::Pcapng(_)) && context.is_none();
    if in_memory && !pcapng_without_context {
        let context = context.unwrap_or_default();
        for (offset, caplen, origlen, data) in &records {
            let again = reader
                .record_at_with(*offset, &context)
                .expect("a walked record reads back by offset");
            assert_eq!((again.caplen, again.origlen), (*caplen, *origlen));
            assert_eq!(again.data, &data[..]);
            // Not a record boundary: an error or, by chance, a record that
            // is all inside the file; never a panic.
            if let Ok(r) = reader.record_at_with(offset + 1, &context) {
                assert!(r.offset as usize + r.raw.len() <= input_len);
            }
        }
    }
    (records, errors)
}

fuzz_target!(|data: &[u8]| {
    let from_memory =
        CaptureReader::from_bytes(data.to_vec(), "fuzz").map(|r| walk(r, data.len(), true));
    let chunky = Chunky {
        data: data.to_vec(),
        pos: 0,
        step: 0,
    };
    let from_stream =
        CaptureReader::from_reader(chunky, "fuzz").map(|r| walk(r, data.len(), false));
    match (from_memory, from_stream) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("memory {:?} vs stream {:?}", a.err(), b.err()),
    }
});
