//! TCP stream reassembly: segments in, the contiguous byte stream out.
//!
//! A [`StreamReassembler`] handles one direction; [`TcpStreamPair`] both
//! directions of a session (client = initiator).
//!
//! Rules:
//!
//! - The stream starts after the SYN's sequence number, or — when no SYN
//!   was seen — at the first segment's sequence number. Data before the
//!   start is ignored.
//! - Sequence numbers are unwrapped to 64-bit stream offsets relative to
//!   the next expected byte, so streams longer than 4 GiB and segments
//!   around the 2^32 wrap work.
//! - **First copy wins**: a byte, once received (delivered or held out of
//!   order), is never replaced by a later segment covering it —
//!   retransmissions and overlaps with different content are ignored.
//! - Out-of-order segments wait in a buffer capped at `max_buffered` bytes
//!   (default [`DEFAULT_MAX_BUFFERED`], 1 MiB, per direction). When the cap
//!   is exceeded, or at [`finish`](StreamReassembler::finish), the missing
//!   bytes in front of the buffered data are declared a [`Gap`] and
//!   skipped: gaps are recorded, never filled with zeros.
//! - Data after the FIN's sequence number is ignored.
//!
//! Delivered bytes accumulate until taken with
//! [`take_data`](StreamReassembler::take_data) (or read with
//! [`data`](StreamReassembler::data)); take them as you go to keep memory
//! bounded.

use std::collections::BTreeMap;

use crate::vocab::TcpFlags;

/// Default cap on out-of-order bytes held per direction: 1 MiB.
pub const DEFAULT_MAX_BUFFERED: usize = 1 << 20;

/// Bytes of a stream that never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// Stream offset of the first missing byte (bytes since the stream's
    /// start, counting gaps).
    pub offset: u64,
    /// Number of missing bytes.
    pub len: u64,
    /// Position in the delivered output where the bytes are missing (the
    /// number of bytes delivered before the gap).
    pub at: u64,
}

/// Reassembles one direction of a TCP connection.
#[derive(Clone, Debug)]
pub struct StreamReassembler {
    /// Sequence number of stream offset 0, once known.
    base: Option<u32>,
    /// Stream offset of the next byte to deliver.
    next: u64,
    /// Delivered bytes not yet taken.
    out: Vec<u8>,
    /// Total bytes delivered (the output position).
    delivered: u64,
    /// Out-of-order data by stream offset: non-overlapping, all after `next`.
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    max_buffered: usize,
    gaps: Vec<Gap>,
    /// Stream offset of the FIN, once seen.
    fin: Option<u64>,
}

impl Default for StreamReassembler {
    fn default() -> Self {
        StreamReassembler::new()
    }
}

impl StreamReassembler {
    /// A reassembler with the default out-of-order cap.
    pub fn new() -> Self {
        StreamReassembler::with_max_buffered(DEFAULT_MAX_BUFFERED)
    }

    /// A reassembler holding at most `max_buffered` out-of-order bytes.
    pub fn with_max_buffered(max_buffered: usize) -> Self {
        StreamReassembler {
            base: None,
            next: 0,
            out: Vec::new(),
            delivered: 0,
            pending: BTreeMap::new(),
            pending_bytes: 0,
            max_buffered,
            gaps: Vec::new(),
            fin: None,
        }
    }

    /// Adds a segment: its sequence number, payload, and whether it carries
    /// SYN (its data then starts at `seq + 1`) and FIN.
    pub fn segment(&mut self, seq: u32, payload: &[u8], syn: bool, fin: bool) {
        let data_seq = if syn { seq.wrapping_add(1) } else { seq };
        if self.base.is_none() {
            if !syn && payload.is_empty() && !fin {
                // A bare ACK says nothing about where the data starts.
                return;
            }
            self.base = Some(data_seq);
        }
        let start = self.unwrap(data_seq);
        let end = start + payload.len() as i128;
        if fin && self.fin.is_none() && end >= 0 {
            self.fin = Some(end as u64);
        }
        // Trim what precedes the stream start or was already delivered.
        let lo = start.max(self.next as i128);
        let mut hi = end;
        if let Some(f) = self.fin {
            hi = hi.min(f as i128);
        }
        if lo >= hi {
            return;
        }
        let skip = (lo - start) as usize;
        let take = (hi - lo) as usize;
        self.insert(lo as u64, &payload[skip..skip + take]);
        self.flush();
        while self.pending_bytes > self.max_buffered {
            self.skip_to_pending();
        }
    }

    /// The stream offset of `seq`, taken as the value within 2^31 of the
    /// next expected byte.
    fn unwrap(&self, seq: u32) -> i128 {
        let base = self.base.unwrap_or(seq);
        let next_seq = base.wrapping_add(self.next as u32);
        let diff = seq.wrapping_sub(next_seq) as i32;
        self.next as i128 + i128::from(diff)
    }

    /// Holds `data` at stream offset `at`, keeping only the bytes no
    /// earlier segment covered.
    fn insert(&mut self, at: u64, data: &[u8]) {
        let end = at + data.len() as u64;
        // Covered intervals overlapping [at, end), in order.
        let before = self
            .pending
            .range(..at)
            .next_back()
            .map(|(&k, v)| (k, k + v.len() as u64))
            .filter(|&(_, e)| e > at);
        let covered: Vec<(u64, u64)> = before
            .into_iter()
            .chain(
                self.pending
                    .range(at..end)
                    .map(|(&k, v)| (k, k + v.len() as u64)),
            )
            .collect();
        let mut cursor = at;
        for (s, e) in covered.into_iter().chain([(end, end)]) {
            if s > cursor {
                let piece = &data[(cursor - at) as usize..(s.min(end) - at) as usize];
                self.pending_bytes += piece.len();
                self.pending.insert(cursor, piece.to_vec());
            }
            cursor = cursor.max(e);
            if cursor >= end {
                break;
            }
        }
    }

    /// Delivers pending data that starts at `next`.
    fn flush(&mut self) {
        while let Some(entry) = self.pending.first_entry() {
            if *entry.key() != self.next {
                break;
            }
            let data = entry.remove();
            self.pending_bytes -= data.len();
            self.next += data.len() as u64;
            self.delivered += data.len() as u64;
            self.out.extend_from_slice(&data);
        }
    }

    /// Declares the hole before the first pending segment a gap and
    /// delivers from there.
    fn skip_to_pending(&mut self) {
        let Some((&k, _)) = self.pending.first_key_value() else {
            return;
        };
        self.gaps.push(Gap {
            offset: self.next,
            len: k - self.next,
            at: self.delivered,
        });
        self.next = k;
        self.flush();
    }

    /// End of input: delivers all held data, recording the holes before it
    /// (and before the FIN, if one was seen) as gaps.
    pub fn finish(&mut self) {
        while !self.pending.is_empty() {
            self.skip_to_pending();
        }
        if let Some(f) = self.fin.filter(|&f| f > self.next) {
            self.gaps.push(Gap {
                offset: self.next,
                len: f - self.next,
                at: self.delivered,
            });
            self.next = f;
        }
    }

    /// Delivered bytes not yet taken.
    pub fn data(&self) -> &[u8] {
        &self.out
    }

    /// Takes the delivered bytes.
    pub fn take_data(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Total bytes delivered so far (taken or not).
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// The holes so far, in stream order.
    pub fn gaps(&self) -> &[Gap] {
        &self.gaps
    }

    /// Out-of-order bytes currently held.
    pub fn buffered(&self) -> usize {
        self.pending_bytes
    }

    /// Whether a FIN was seen and every byte before it was delivered or
    /// declared a gap.
    pub fn is_complete(&self) -> bool {
        self.fin.is_some_and(|f| self.next >= f)
    }
}

/// Both directions of a TCP session.
#[derive(Clone, Debug, Default)]
pub struct TcpStreamPair {
    /// Bytes sent by the client (the session's initiator).
    pub client: StreamReassembler,
    /// Bytes sent by the server.
    pub server: StreamReassembler,
}

impl TcpStreamPair {
    /// Both directions with the default out-of-order cap.
    pub fn new() -> Self {
        TcpStreamPair::default()
    }

    /// Both directions holding at most `max_buffered` out-of-order bytes each.
    pub fn with_max_buffered(max_buffered: usize) -> Self {
        TcpStreamPair {
            client: StreamReassembler::with_max_buffered(max_buffered),
            server: StreamReassembler::with_max_buffered(max_buffered),
        }
    }

    /// Adds a segment sent by the client (`from_client`) or the server,
    /// with its TCP flags (SYN and FIN are used; RST is not special).
    pub fn segment(&mut self, from_client: bool, seq: u32, payload: &[u8], flags: TcpFlags) {
        let dir = if from_client {
            &mut self.client
        } else {
            &mut self.server
        };
        dir.segment(
            seq,
            payload,
            flags.contains(TcpFlags::SYN),
            flags.contains(TcpFlags::FIN),
        );
    }

    /// End of input for both directions (see [`StreamReassembler::finish`]).
    pub fn finish(&mut self) {
        self.client.finish();
        self.server.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ISN: u32 = 1000;

    fn seg(r: &mut StreamReassembler, off: u32, data: &[u8]) {
        r.segment(ISN + 1 + off, data, false, false);
    }

    fn started() -> StreamReassembler {
        let mut r = StreamReassembler::new();
        r.segment(ISN, b"", true, false);
        r
    }

    #[test]
    fn in_order() {
        let mut r = started();
        seg(&mut r, 0, b"GET / ");
        seg(&mut r, 6, b"HTTP/1.1\r\n");
        assert_eq!(r.data(), b"GET / HTTP/1.1\r\n");
        r.segment(ISN + 17, b"", false, true);
        assert!(r.is_complete());
        assert!(r.gaps().is_empty());
    }

    #[test]
    fn out_of_order_is_held_then_delivered() {
        let mut r = started();
        seg(&mut r, 5, b"world");
        assert_eq!(r.data(), b"");
        assert_eq!(r.buffered(), 5);
        seg(&mut r, 0, b"hello");
        assert_eq!(r.data(), b"helloworld");
        assert_eq!(r.buffered(), 0);
    }

    #[test]
    fn overlaps_keep_the_first_copy() {
        let mut r = started();
        seg(&mut r, 4, b"EFGH");
        // Overlaps the held segment on both sides: only the new bytes count.
        seg(&mut r, 2, b"cdefghij");
        seg(&mut r, 0, b"ab");
        assert_eq!(r.data(), b"abcdEFGHij");
        // A delivered byte is never rewritten.
        seg(&mut r, 0, b"XXXXXXXXXXk");
        assert_eq!(r.data(), b"abcdEFGHijk");
    }

    #[test]
    fn retransmission_is_ignored() {
        let mut r = started();
        seg(&mut r, 0, b"abc");
        seg(&mut r, 0, b"abc");
        seg(&mut r, 1, b"b");
        seg(&mut r, 3, b"d");
        assert_eq!(r.take_data(), b"abcd");
        assert_eq!(r.delivered(), 4);
        seg(&mut r, 2, b"cde");
        assert_eq!(r.data(), b"e");
    }

    #[test]
    fn gaps_are_recorded_at_finish() {
        let mut r = started();
        seg(&mut r, 0, b"ab");
        seg(&mut r, 5, b"fg");
        r.segment(ISN + 1 + 10, b"", false, true);
        r.finish();
        assert_eq!(r.data(), b"abfg");
        assert_eq!(
            r.gaps(),
            &[
                Gap {
                    offset: 2,
                    len: 3,
                    at: 2
                },
                Gap {
                    offset: 7,
                    len: 3,
                    at: 4
                }
            ]
        );
        assert!(r.is_complete());
    }

    #[test]
    fn buffer_cap_forces_a_gap() {
        let mut r = StreamReassembler::with_max_buffered(8);
        r.segment(ISN, b"", true, false);
        seg(&mut r, 10, b"0123");
        seg(&mut r, 20, b"4567");
        assert_eq!(r.buffered(), 8);
        seg(&mut r, 30, b"89");
        // Over the cap: the hole [0, 10) is given up.
        assert_eq!(
            r.gaps()[0],
            Gap {
                offset: 0,
                len: 10,
                at: 0
            }
        );
        assert_eq!(r.data(), b"0123");
        assert!(r.buffered() <= 8);
    }

    #[test]
    fn sequence_wraparound() {
        let mut r = StreamReassembler::new();
        let isn = u32::MAX - 3;
        r.segment(isn, b"", true, false);
        r.segment(isn.wrapping_add(5), b"cd", false, false); // past the wrap
        r.segment(isn.wrapping_add(1), b"ab..", false, false);
        r.segment(isn.wrapping_add(7), b"ef", false, true);
        assert_eq!(r.data(), b"ab..cdef");
        assert!(r.is_complete());
    }

    #[test]
    fn syn_data_mid_stream_start_and_bytes_after_fin() {
        let mut r = StreamReassembler::new();
        r.segment(ISN, b"tfo", true, false);
        r.segment(ISN + 4, b"!", false, true);
        r.segment(ISN + 5, b"ignored", false, false);
        assert_eq!(r.data(), b"tfo!");
        // No SYN seen: the first data segment starts the stream.
        let mut m = StreamReassembler::new();
        m.segment(500, b"", false, false);
        m.segment(600, b"xy", false, false);
        m.segment(598, b"vw", false, false);
        assert_eq!(m.data(), b"xy");
    }

    #[test]
    fn pair_routes_by_direction() {
        let mut p = TcpStreamPair::new();
        p.segment(true, 10, b"", TcpFlags::SYN);
        p.segment(false, 90, b"", TcpFlags::SYN | TcpFlags::ACK);
        p.segment(true, 11, b"ping", TcpFlags::ACK | TcpFlags::PSH);
        p.segment(false, 91, b"pong", TcpFlags::ACK | TcpFlags::FIN);
        p.finish();
        assert_eq!(p.client.data(), b"ping");
        assert_eq!(p.server.data(), b"pong");
        assert!(p.server.is_complete());
    }

    proptest! {
        #[test]
        fn any_order_with_duplicates_reassembles(
            data in proptest::collection::vec(any::<u8>(), 1..400),
            cuts in proptest::collection::vec(0usize..400, 0..20),
            order in proptest::collection::vec(any::<u32>(), 0..60),
            isn in any::<u32>(),
        ) {
            // Split into segments, then send them (plus duplicates and
            // overlapping re-cuts of the same bytes) in a random order.
            let mut points: Vec<usize> = cuts.into_iter().map(|c| c % data.len()).collect();
            points.push(0);
            points.push(data.len());
            points.sort_unstable();
            points.dedup();
            let mut segs: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
            for (i, o) in order.iter().enumerate() {
                let a = (*o as usize) % data.len();
                let b = (a + 1 + i % 50).min(data.len());
                segs.push((a, b));
            }
            let n = segs.len();
            for (i, o) in order.iter().enumerate() {
                segs.swap(i % n, (*o as usize) % n);
            }
            let mut r = StreamReassembler::new();
            r.segment(isn, b"", true, false);
            for (a, b) in segs {
                r.segment(isn.wrapping_add(1 + a as u32), &data[a..b], false, false);
            }
            prop_assert_eq!(r.data(), &data[..]);
            prop_assert!(r.gaps().is_empty());
            prop_assert_eq!(r.buffered(), 0);
        }
    }
}
