//! One direction of a TCP connection joined in sequence order, as
//! tshark's reassembly hands it on: bytes already delivered
//! (retransmissions, the overlapping start of a segment) are dropped, and
//! segments that arrive before the gap ahead of them fills are either read
//! at once after a [`Chunk::Gap`] (tshark 4.0's default) or held back,
//! within [`Limits::max_pending_segments`], until it fills.
//!
//! The joiner copies nothing on the usual in-order path: each segment's
//! new bytes are handed on as a [`Chunk`] borrowed from the packet. Only
//! held-back segments are copied, within [`Limits`].

use super::limits::Limits;

/// What the joiner hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chunk<'a> {
    /// The next bytes of the direction, in order. `seg_start` says they
    /// begin a segment (and not the new tail of an overlapping one):
    /// where a protocol recognised by content can start. `cut` says the
    /// capture cut the segment right after these bytes (a gap follows):
    /// tshark reads such a segment as it is, without waiting for more.
    Data {
        bytes: &'a [u8],
        seg_start: bool,
        cut: bool,
    },
    /// Bytes were lost before the next chunk (a gap never filled): a
    /// parser in the middle of something must start over.
    Gap,
}

/// Whether `a` is before `b` in sequence space.
fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn len32(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.len()).unwrap_or(u32::MAX)
}

/// One direction's joiner.
#[derive(Debug, Default)]
pub(super) struct Stream {
    /// The sequence number of the next byte to hand on, once known.
    next: Option<u32>,
    /// Segments ahead of `next`: (sequence number, bytes).
    held: Vec<(u32, Vec<u8>)>,
    held_bytes: usize,
}

impl Stream {
    /// Bytes held back now.
    pub(super) fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// One segment: its sequence number, whether SYN is set (its data
    /// starts one further), its payload as captured and its length on the
    /// wire (a longer one was cut by the snap length: the bytes missing
    /// are a gap). Hands on what is new, in order, to `out`.
    pub(super) fn segment(
        &mut self,
        seq: u32,
        syn: bool,
        payload: &[u8],
        wire_len: usize,
        limits: &Limits,
        mut out: impl FnMut(Chunk<'_>),
    ) {
        let out: &mut dyn FnMut(Chunk<'_>) = &mut out;
        let seq = if syn { seq.wrapping_add(1) } else { seq };
        if syn && self.next.is_none() {
            self.next = Some(seq);
        }
        let cut = wire_len > payload.len();
        self.data(seq, payload, cut, limits, out);
        if cut && self.next == Some(seq.wrapping_add(len32(payload))) {
            // What the capture lacks never comes: go on after it.
            out(Chunk::Gap);
            let missing = u32::try_from(wire_len - payload.len()).unwrap_or(u32::MAX);
            self.next = self.next.map(|n| n.wrapping_add(missing));
            self.drain(out);
        }
    }

    /// The data of one segment, starting at `seq`.
    fn data(
        &mut self,
        seq: u32,
        payload: &[u8],
        cut: bool,
        limits: &Limits,
        out: &mut dyn FnMut(Chunk<'_>),
    ) {
        if payload.is_empty() {
            return;
        }
        let next = *self.next.get_or_insert(seq);
        let end = seq.wrapping_add(len32(payload));
        if seq == next {
            out(Chunk::Data {
                bytes: payload,
                seg_start: true,
                cut,
            });
            self.next = Some(end);
            self.drain(out);
        } else if before(seq, next) {
            if before(next, end) {
                // A retransmission carrying new bytes after the old ones.
                let skip = next.wrapping_sub(seq) as usize;
                out(Chunk::Data {
                    bytes: payload.get(skip..).unwrap_or_default(),
                    seg_start: false,
                    cut,
                });
                self.next = Some(end);
                self.drain(out);
            }
        } else if self.held.len() < limits.max_pending_segments
            && self.held_bytes + payload.len() <= limits.per_direction_buffer
        {
            self.held_bytes += payload.len();
            self.held.push((seq, payload.to_vec()));
        } else {
            // Too much is missing: give the gap up and go on from here.
            self.held.clear();
            self.held_bytes = 0;
            out(Chunk::Gap);
            out(Chunk::Data {
                bytes: payload,
                seg_start: true,
                cut,
            });
            self.next = Some(end);
        }
    }

    /// Hands on the held segments that the bytes delivered so far reach.
    fn drain(&mut self, out: &mut dyn FnMut(Chunk<'_>)) {
        while !self.held.is_empty() {
            let Some(next) = self.next else { return };
            let Some(i) = self.held.iter().position(|(s, _)| !before(next, *s)) else {
                return;
            };
            let (seq, bytes) = self.held.swap_remove(i);
            self.held_bytes -= bytes.len();
            let end = seq.wrapping_add(len32(&bytes));
            if before(next, end) {
                let skip = next.wrapping_sub(seq) as usize;
                out(Chunk::Data {
                    bytes: bytes.get(skip..).unwrap_or_default(),
                    seg_start: skip == 0,
                    cut: false,
                });
                self.next = Some(end);
            }
        }
    }
}
