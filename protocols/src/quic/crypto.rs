//! One CRYPTO stream ([RFC 9000 §19.6]): the TLS handshake bytes of a
//! packet number space and direction, sent as CRYPTO frames at offsets,
//! possibly out of order (browsers shuffle them within a packet), split
//! over packets and datagrams, and retransmitted. They are joined in a
//! buffer capped at [`MAX_CRYPTO_LEN`], and whole handshake messages are
//! taken from the contiguous start as they complete.
//!
//! Panic contract: offsets are checked against the cap before any copy;
//! the list of received ranges is bounded ([`MAX_RANGES`]).
//!
//! [RFC 9000 §19.6]: https://www.rfc-editor.org/rfc/rfc9000#section-19.6

/// Largest CRYPTO stream kept per direction: 64 KiB, enough for any
/// ClientHello (post-quantum key shares included) or ServerHello; bytes
/// beyond it are dropped.
pub const MAX_CRYPTO_LEN: usize = 64 * 1024;

/// Largest number of separate received ranges (holes between them) kept
/// at once; a frame that would make more is dropped.
pub const MAX_RANGES: usize = 64;

/// Length of a TLS handshake message header.
const HANDSHAKE_HEADER_LEN: usize = 4;

/// The joined bytes of one CRYPTO stream.
#[derive(Debug, Clone, Default)]
pub struct CryptoStream {
    /// The stream's bytes from offset 0 (holes are zeros until filled).
    buf: Vec<u8>,
    /// The end of the bytes received contiguously from offset 0.
    prefix: usize,
    /// The ranges received beyond a hole after `prefix`: sorted, disjoint
    /// and not adjacent (empty unless frames came out of order).
    ranges: Vec<(usize, usize)>,
    /// Bytes already handed out as whole messages.
    consumed: usize,
    /// The stream went past what is kept: nothing more is read.
    overflowed: bool,
}

impl CryptoStream {
    /// An empty stream.
    pub fn new() -> Self {
        CryptoStream::default()
    }

    /// Bytes held.
    pub fn buffered(&self) -> usize {
        self.buf.capacity() + self.ranges.capacity() * std::mem::size_of::<(usize, usize)>()
    }

    /// Frees the buffer (the stream is no longer read).
    pub fn clear(&mut self) {
        *self = CryptoStream {
            consumed: self.consumed,
            overflowed: self.overflowed,
            ..CryptoStream::default()
        };
    }

    /// Frees the buffer when every byte received has been handed out (the
    /// usual case once a hello is read: nothing is held between them).
    pub fn release_if_idle(&mut self) {
        if self.ranges.is_empty() && self.prefix == self.consumed {
            self.buf = Vec::new();
            self.ranges = Vec::new();
        }
    }

    /// The end of the bytes received contiguously from offset 0.
    pub fn contiguous(&self) -> usize {
        self.prefix
    }

    /// Adds the bytes of one CRYPTO frame; returns whether the contiguous
    /// start grew (a message may have completed).
    pub fn insert(&mut self, offset: u64, data: &[u8]) -> bool {
        if self.overflowed || data.is_empty() {
            return false;
        }
        let Ok(start) = usize::try_from(offset) else {
            self.overflowed = true;
            return false;
        };
        let Some(end) = start.checked_add(data.len()) else {
            self.overflowed = true;
            return false;
        };
        if end > MAX_CRYPTO_LEN {
            self.overflowed = true;
            return false;
        }
        if end <= self.consumed {
            // A retransmission of bytes already read.
            return false;
        }
        let before = self.contiguous();
        if !self.add_range(start, end) {
            return false;
        }
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        // Bytes before `consumed` may have been freed: only later ones are
        // kept (the buffer still spans offsets from 0, zeros before).
        let keep = start.max(self.consumed);
        self.buf[keep..end].copy_from_slice(&data[keep - start..]);
        self.contiguous() > before
    }

    /// Records `start..end` as received, merged with its neighbours;
    /// `false` if that would make too many ranges.
    fn add_range(&mut self, mut start: usize, mut end: usize) -> bool {
        if start <= self.prefix {
            self.prefix = self.prefix.max(end);
            // The ranges the prefix now reaches join it.
            let joined = self.ranges.partition_point(|&(s, _)| s <= self.prefix);
            if let Some(&(_, e)) = self.ranges.get(joined.wrapping_sub(1)) {
                self.prefix = self.prefix.max(e);
            }
            self.ranges.drain(..joined);
            return true;
        }
        // The ranges that touch or overlap the new one.
        let first = self.ranges.partition_point(|&(_, e)| e < start);
        let last = self.ranges.partition_point(|&(s, _)| s <= end);
        if first == last {
            if self.ranges.len() >= MAX_RANGES {
                return false;
            }
            self.ranges.insert(first, (start, end));
            return true;
        }
        start = start.min(self.ranges[first].0);
        end = end.max(self.ranges[last - 1].1);
        self.ranges.drain(first + 1..last);
        self.ranges[first] = (start, end);
        true
    }

    /// The next whole handshake message (header included) from the
    /// contiguous start, if one has completed since the last call.
    pub fn next_message(&mut self) -> Option<&[u8]> {
        let avail = self.contiguous();
        let at = self.consumed;
        let header = self.buf.get(at..at + HANDSHAKE_HEADER_LEN)?;
        if at + HANDSHAKE_HEADER_LEN > avail {
            return None;
        }
        let body =
            (usize::from(header[1]) << 16) | (usize::from(header[2]) << 8) | usize::from(header[3]);
        let end = at + HANDSHAKE_HEADER_LEN + body;
        if end > MAX_CRYPTO_LEN {
            // A message this long is no hello: give the stream up.
            self.overflowed = true;
            return None;
        }
        if end > avail {
            return None;
        }
        self.consumed = end;
        Some(&self.buf[at..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handshake message of type `t` with `len` body bytes `fill`.
    fn msg(t: u8, len: usize, fill: u8) -> Vec<u8> {
        let mut m = vec![t, 0, (len >> 8) as u8, len as u8];
        m.resize(4 + len, fill);
        m
    }

    #[test]
    fn test_out_of_order_frames_join() {
        let m = msg(1, 300, 7);
        let mut s = CryptoStream::new();
        // Shuffled, overlapping, with a duplicate.
        assert!(!s.insert(150, &m[150..200]));
        assert!(!s.insert(10, &m[10..160]));
        assert!(!s.insert(10, &m[10..20]));
        assert!(s.next_message().is_none());
        assert!(s.insert(0, &m[..12]));
        assert!(s.next_message().is_none());
        assert!(s.insert(200, &m[200..]));
        assert_eq!(s.next_message(), Some(&m[..]));
        assert!(s.next_message().is_none());
        // A retransmission of read bytes changes nothing.
        assert!(!s.insert(0, &m));
        s.release_if_idle();
        assert_eq!(s.buffered(), 0);
        let m2 = msg(2, 10, 1);
        assert!(s.insert(m.len() as u64 - 2, &[m[m.len() - 2], m[m.len() - 1], m2[0]]));
        assert!(s.insert(m.len() as u64 + 1, &m2[1..]));
        assert_eq!(s.next_message(), Some(&m2[..]));
    }

    #[test]
    fn test_bounds() {
        let mut s = CryptoStream::new();
        assert!(!s.insert(u64::MAX, &[1]));
        assert!(s.buffered() == 0);
        let mut s = CryptoStream::new();
        assert!(!s.insert(MAX_CRYPTO_LEN as u64, &[1]));
        // Too many holes: the 65th separate range is dropped.
        let mut s = CryptoStream::new();
        for i in 0..MAX_RANGES + 5 {
            s.insert(10 + 2 * i as u64, &[1]);
        }
        assert_eq!(s.ranges.len(), MAX_RANGES);
        // A message announcing more than the cap is given up.
        let mut s = CryptoStream::new();
        s.insert(0, &[1, 0xff, 0xff, 0xff]);
        assert!(s.next_message().is_none());
        assert!(!s.insert(4, &[0; 10]));
        s.clear();
        assert_eq!(s.buffered(), 0);
    }
}
