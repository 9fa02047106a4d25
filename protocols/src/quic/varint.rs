//! QUIC variable-length integers ([RFC 9000 §16]): the two high bits of
//! the first byte give the length (1, 2, 4 or 8 bytes), the rest is the
//! value, big-endian.
//!
//! Panic contract: [`read`] checks the length before reading.
//!
//! [RFC 9000 §16]: https://www.rfc-editor.org/rfc/rfc9000#section-16

/// The integer at the start of `bytes` and its encoded length; `None` if
/// `bytes` ends inside it.
pub fn read(bytes: &[u8]) -> Option<(u64, usize)> {
    let first = *bytes.first()?;
    let len = 1usize << (first >> 6);
    let encoded = bytes.get(..len)?;
    let mut value = u64::from(first & 0x3f);
    for &b in &encoded[1..] {
        value = (value << 8) | u64::from(b);
    }
    Some((value, len))
}

/// A cursor over bytes for the frame and header parsers: every read is
/// checked and returns `None` at the end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Reads `bytes` from the start.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Bytes read so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// One byte.
    pub fn u8(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// A big-endian u32.
    pub fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A variable-length integer.
    pub fn varint(&mut self) -> Option<u64> {
        let (v, len) = read(self.bytes.get(self.pos..)?)?;
        self.pos += len;
        Some(v)
    }

    /// The next `len` bytes (a length read from the wire: checked against
    /// what is left before anything is sliced).
    pub fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len)?;
        let b = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(b)
    }

    /// `len` bytes given as a wire integer.
    pub fn take_u64(&mut self, len: u64) -> Option<&'a [u8]> {
        self.take(usize::try_from(len).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rfc9000_a1_examples() {
        // RFC 9000 Appendix A.1's sample encodings.
        assert_eq!(
            read(&[0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c]),
            Some((151_288_809_941_952_652, 8))
        );
        assert_eq!(read(&[0x9d, 0x7f, 0x3e, 0x7d]), Some((494_878_333, 4)));
        assert_eq!(read(&[0x7b, 0xbd]), Some((15_293, 2)));
        assert_eq!(read(&[0x25]), Some((37, 1)));
        assert_eq!(read(&[0x40, 0x25]), Some((37, 2)));
        assert_eq!(read(&[0x9d, 0x7f, 0x3e]), None);
        assert_eq!(read(&[]), None);
    }

    #[test]
    fn test_reader_checks_every_length() {
        let mut r = Reader::new(&[1, 0, 0, 0, 1, 0x40]);
        assert_eq!(r.u8(), Some(1));
        assert_eq!(r.u32(), Some(1));
        assert_eq!(r.varint(), None);
        assert_eq!(r.take_u64(u64::MAX), None);
        assert_eq!(r.take(1), Some(&[0x40][..]));
        assert!(r.is_empty());
        assert_eq!(r.pos(), 6);
    }
}
