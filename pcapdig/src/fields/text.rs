//! Decimal text for the values `fields` prints most (ports, lengths,
//! addresses), written straight into the output line: `core::fmt`'s
//! machinery was half of the instructions of a 5-field run.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A value `fields` writes as tshark does.
pub trait Text {
    /// Appends the value's text to `out`.
    fn push_to(&self, out: &mut String);
}

/// "00".."99": two digits per division.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `v` in decimal.
#[inline]
pub fn push_u64(out: &mut String, mut v: u64) {
    if v < 10 {
        out.push(char::from(b'0' + v as u8));
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i] = PAIRS[pair];
        buf[i + 1] = PAIRS[pair + 1];
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        buf[i] = PAIRS[pair];
        buf[i + 1] = PAIRS[pair + 1];
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    // ASCII digits: one byte each, no UTF-8 validation needed.
    out.reserve(buf.len() - i);
    for &digit in &buf[i..] {
        out.push(char::from(digit));
    }
}

macro_rules! unsigned_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            #[inline]
            fn push_to(&self, out: &mut String) {
                push_u64(out, u64::from(*self));
            }
        }
    )*};
}
unsigned_text!(u8, u16, u32, u64);

impl Text for usize {
    #[inline]
    fn push_to(&self, out: &mut String) {
        push_u64(out, *self as u64);
    }
}

impl Text for Ipv4Addr {
    #[inline]
    fn push_to(&self, out: &mut String) {
        let [a, b, c, d] = self.octets();
        push_u64(out, a.into());
        out.push('.');
        push_u64(out, b.into());
        out.push('.');
        push_u64(out, c.into());
        out.push('.');
        push_u64(out, d.into());
    }
}

impl Text for Ipv6Addr {
    fn push_to(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{self}");
    }
}

impl Text for pcap_core::MacAddr {
    #[inline]
    fn push_to(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (i, b) in self.octets().into_iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

impl<T: Text + ?Sized> Text for &T {
    #[inline]
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_addresses_match_display() {
        for v in (0u64..1000).chain([9999, 10000, 65535, 1 << 32, u64::MAX]) {
            let mut s = String::new();
            push_u64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        let mut s = String::new();
        Ipv4Addr::new(10, 0, 200, 1).push_to(&mut s);
        assert_eq!(s, "10.0.200.1");
        s.clear();
        Ipv6Addr::LOCALHOST.push_to(&mut s);
        assert_eq!(s, "::1");
        s.clear();
        pcap_core::MacAddr([2, 0, 0, 0xaa, 0xbb, 0x0c]).push_to(&mut s);
        assert_eq!(s, "02:00:00:aa:bb:0c");
    }
}
