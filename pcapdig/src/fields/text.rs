//! Decimal text for the values `fields` prints most (ports, lengths,
//! addresses), written straight into the output buffer: `core::fmt`'s
//! machinery was half of the instructions of a 5-field run, and `String`'s
//! per-push UTF-8 handling a quarter of what remained.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The output being built: bytes that are always UTF-8 text (only `str`s,
/// `char`s and ASCII are appended), without `String`'s per-append UTF-8
/// work. `fields` writes many lines into one and hands it to the output
/// once it is large.
#[derive(Debug, Default, Clone)]
pub struct Line {
    bytes: Vec<u8>,
}

impl Line {
    /// An empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Line {
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// Appends a string.
    #[inline]
    pub fn push_str(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// Appends a character.
    #[inline]
    pub fn push(&mut self, c: char) {
        if c.is_ascii() {
            self.bytes.push(c as u8);
        } else {
            self.push_str(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// Appends the first `len` bytes of `ascii` (digits, separators),
    /// copying all `N`: a copy of constant size is a few register moves,
    /// where a copy of `len` bytes is a call to `memcpy`.
    #[inline(always)]
    fn push_fixed<const N: usize>(&mut self, ascii: &[u8; N], len: usize) {
        debug_assert!(ascii.is_ascii());
        let keep = self.bytes.len() + len.min(N);
        self.bytes.extend_from_slice(ascii);
        self.bytes.truncate(keep);
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing is written.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Cuts back to `len` bytes: a length this buffer had before (so the
    /// text stays whole characters).
    #[inline]
    pub fn truncate(&mut self, len: usize) {
        self.bytes.truncate(len);
    }

    /// Empties the buffer, keeping its allocation.
    #[inline]
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// The bytes written.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The text written (for tests; validates it).
    #[cfg(test)]
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// Appends `bytes` as tshark 4.0's `format_text` shows text read from a
/// packet (DNS names): printable ASCII as is; `\a \b \f \n \r \t \v`
/// as those escapes; other control bytes as three octal digits (`\001`);
/// valid UTF-8 as is; each invalid UTF-8 sequence as U+FFFD.
pub fn push_format_text(out: &mut Line, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                ' '..='~' => out.push(c),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                '\0'..='\x7f' => {
                    let b = c as u8;
                    out.push('\\');
                    for digit in [b >> 6, (b >> 3) & 7, b & 7] {
                        out.push(char::from(b'0' + digit));
                    }
                }
                _ => out.push(c),
            }
        }
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// Appends an ASCII string field (HTTP's start line and header values) as
/// tshark 4.0's `-T fields` prints it: each byte above 0x7f is U+FFFD, a
/// NUL ends the string, and `\b \t \n \f \r` are written as those
/// escapes (the other control bytes as they are).
pub fn push_ascii_field(out: &mut Line, bytes: &[u8]) {
    for &b in bytes {
        match b {
            0 => return,
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            0x80.. => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from(b)),
        }
    }
}

/// A value `fields` writes as tshark does.
pub trait Text {
    /// Appends the value's text to `out`.
    fn push_to(&self, out: &mut Line);
}

/// "00".."99": two digits per division.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `v` in decimal.
#[inline]
pub fn push_u64(out: &mut Line, mut v: u64) {
    if v < 10 {
        out.push_fixed(&[b'0' + v as u8], 1);
        return;
    }
    // Digits left-aligned in a fixed buffer, so the copy has a constant
    // size (no `memcpy` call per number).
    let digits = decimal_digits(v);
    let mut buf = [0u8; 20];
    let mut i = digits;
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i] = PAIRS[pair];
        buf[i + 1] = PAIRS[pair + 1];
    }
    if v >= 10 {
        let pair = v as usize * 2;
        buf[0] = PAIRS[pair];
        buf[1] = PAIRS[pair + 1];
    } else {
        buf[0] = b'0' + v as u8;
    }
    out.push_fixed(&buf, digits);
}

/// How many decimal digits `v` has (1 to 20).
#[inline]
fn decimal_digits(v: u64) -> usize {
    let mut digits = 1;
    let mut bound = 10u64;
    while digits < 20 && v >= bound {
        digits += 1;
        bound = bound.saturating_mul(10);
    }
    digits
}

macro_rules! unsigned_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            #[inline]
            fn push_to(&self, out: &mut Line) {
                push_u64(out, u64::from(*self));
            }
        }
    )*};
}
unsigned_text!(u8, u16, u32, u64);

impl Text for usize {
    #[inline]
    fn push_to(&self, out: &mut Line) {
        push_u64(out, *self as u64);
    }
}

impl Text for Ipv4Addr {
    #[inline]
    fn push_to(&self, out: &mut Line) {
        // At most 15 bytes ("255.255.255.255"), built then copied once.
        let mut text = [0u8; 16];
        let mut len = 0;
        for (i, octet) in self.octets().into_iter().enumerate() {
            if i > 0 {
                text[len] = b'.';
                len += 1;
            }
            if octet >= 100 {
                text[len] = b'0' + octet / 100;
                len += 1;
            }
            if octet >= 10 {
                text[len] = b'0' + octet / 10 % 10;
                len += 1;
            }
            text[len] = b'0' + octet % 10;
            len += 1;
        }
        out.push_fixed(&text, len);
    }
}

impl Text for Ipv6Addr {
    fn push_to(&self, out: &mut Line) {
        use std::fmt::Write as _;
        let _ = write!(out, "{self}");
    }
}

impl Text for pcap_core::MacAddr {
    #[inline]
    fn push_to(&self, out: &mut Line) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b':'; 17];
        for (i, b) in self.octets().into_iter().enumerate() {
            text[i * 3] = HEX[usize::from(b >> 4)];
            text[i * 3 + 1] = HEX[usize::from(b & 15)];
        }
        out.push_fixed(&text, text.len());
    }
}

impl<T: Text + ?Sized> Text for &T {
    #[inline]
    fn push_to(&self, out: &mut Line) {
        (**self).push_to(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_addresses_match_display() {
        for v in (0u64..1000).chain([9999, 10000, 65535, 1 << 32, u64::MAX]) {
            let mut s = Line::default();
            push_u64(&mut s, v);
            assert_eq!(s.to_text(), v.to_string());
        }
        let text = |v: &dyn Text| {
            let mut s = Line::default();
            v.push_to(&mut s);
            s.to_text()
        };
        for octet in 0..=255u8 {
            for addr in [
                Ipv4Addr::new(octet, 0, 200, 1),
                Ipv4Addr::new(9, octet, 99, octet),
                Ipv4Addr::new(255, 10, octet, 100),
            ] {
                assert_eq!(text(&addr), addr.to_string());
            }
        }
        assert_eq!(text(&Ipv6Addr::LOCALHOST), "::1");
        assert_eq!(
            text(&pcap_core::MacAddr([2, 0, 0, 0xaa, 0xbb, 0x0c])),
            "02:00:00:aa:bb:0c"
        );
        let mut s = Line::default();
        s.push('é');
        s.push(',');
        s.push_str("x");
        assert_eq!(s.to_text(), "é,x");
    }
}
