//! Feeds arbitrary fragments to `Defragmenter` and checks each answer
//! against a plain model of its documented rules (first copy wins, the
//! first last fragment fixes the length, 65,535-byte payloads at most, the
//! oldest datagram forgotten beyond the cap). Nothing may panic.
//!
//! Input: records of a 5-byte header — flags (bits 0–2 datagram id, bit 3
//! "more", bit 4 a small offset: `(offset % 64) * 8`), offset (u16 LE),
//! length (u16 LE) — then that many data bytes (fewer at the end).
//!
//! `cargo fuzz run defrag --sanitizer none -- -max_total_time=60`

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use pcap_core::flow::{DatagramId, Defragmenter, MAX_DATAGRAM_LEN};

/// Datagrams in progress at once, small so eviction happens.
const MAX: usize = 4;

/// The rules written out plainly: per datagram, in start order, its bytes
/// by position and its length once known.
#[derive(Default)]
struct Model {
    parts: Vec<(u32, BTreeMap<usize, u8>, Option<usize>)>,
}

impl Model {
    fn push(&mut self, id: u32, offset: usize, more: bool, data: &[u8]) -> Option<Vec<u8>> {
        let end = offset.checked_add(data.len())?;
        if end > MAX_DATAGRAM_LEN {
            return None;
        }
        if !self.parts.iter().any(|p| p.0 == id) {
            while self.parts.len() >= MAX {
                self.parts.remove(0);
            }
            self.parts.push((id, BTreeMap::new(), None));
        }
        let at = self.parts.iter().position(|p| p.0 == id)?;
        let (_, bytes, len) = &mut self.parts[at];
        if !more && len.is_none() {
            *len = Some(end);
            bytes.retain(|&i, _| i < end);
        }
        let stop = len.map_or(end, |l| end.min(l));
        for (i, &b) in (offset..stop).zip(data) {
            bytes.entry(i).or_insert(b);
        }
        if *len != Some(bytes.len()) {
            return None;
        }
        let (_, bytes, _) = self.parts.remove(at);
        Some(bytes.into_values().collect())
    }
}

fuzz_target!(|input: &[u8]| {
    let mut d = Defragmenter::with_max_datagrams(MAX);
    let mut model = Model::default();
    let mut rest = input;
    while rest.len() >= 5 {
        let flags = rest[0];
        let raw_offset = u16::from_le_bytes([rest[1], rest[2]]);
        let len = usize::from(u16::from_le_bytes([rest[3], rest[4]]));
        rest = &rest[5..];
        let data = &rest[..len.min(rest.len())];
        rest = &rest[data.len()..];
        let id = u32::from(flags & 7);
        let more = flags & 8 != 0;
        let offset = if flags & 16 != 0 {
            usize::from(raw_offset % 64) * 8
        } else {
            usize::from(raw_offset)
        };
        let key = DatagramId {
            src: [10, 0, 0, 1].into(),
            dst: [10, 0, 0, 2].into(),
            protocol: 17,
            id,
        };
        let got = d.push(key, offset, more, data);
        let want = model.push(id, offset, more, data);
        assert_eq!(
            got,
            want,
            "fragment {id} at {offset} more={more} len {}",
            data.len()
        );
        assert_eq!(d.len(), model.parts.len());
    }
});
