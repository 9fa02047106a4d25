//! [`Unpack`]: how a field type is decoded from its [`Raw`] bytes.
//!
//! The derive decodes the built-in types (integers, `bool`, `[u8; N]`,
//! addresses, `&[u8]`) with inline loads on the hot path; `Unpack` is what
//! [`Field::decode`](crate::Field::decode) uses later, and the only path for
//! user types. Implement it to use your own type as a field:
//!
//! ```
//! use pcap_core::{FieldValue, Raw, Unpack};
//!
//! /// A 16-bit port that displays as `port 80`.
//! #[derive(Debug, Clone, Copy, PartialEq)]
//! pub struct Port(pub u16);
//!
//! impl<'a> Unpack<'a> for Port {
//!     const WIRE_BITS: Option<usize> = Some(16);
//!     fn unpack(raw: &Raw<'a>) -> Self {
//!         Port(raw.uint() as u16)
//!     }
//!     // Optional: what generic consumers (`Header::visit`, `fields`, `show`)
//!     // see; without it, a field of this type is not visited.
//!     fn to_value(&self) -> Option<FieldValue<'_>> {
//!         Some(FieldValue::Unsigned(u64::from(self.0)))
//!     }
//! }
//! assert_eq!(Port(80).to_value(), Some(FieldValue::Unsigned(80)));
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::field::Raw;
use crate::mac::MacAddr;
use crate::value::FieldValue;

/// A type a header field can be decoded into.
///
/// `unpack` is infallible: the parser has already checked that the raw bytes
/// cover [`Unpack::WIRE_BITS`] (or the declared `bits`/`bytes`/`len`), so an
/// implementation only converts. It must not panic on any bytes.
pub trait Unpack<'a>: Sized {
    /// The natural width on the wire in bits, or `None` for a variable-length
    /// type (which then needs `len = ...` or `bytes = N`).
    const WIRE_BITS: Option<usize>;

    /// Decodes the value from its raw bytes.
    fn unpack(raw: &Raw<'a>) -> Self;

    /// The value as generic consumers see it ([`Header::visit`](crate::Header::visit),
    /// `pcapdig fields`/`show`), or `None` if the type has no such form:
    /// then a header's visitor does not report the field. Implemented for
    /// every built-in field type; `u128`/`i128` give a value only when it
    /// fits in 64 bits. Override it for your own types.
    fn to_value(&self) -> Option<FieldValue<'_>> {
        None
    }
}

macro_rules! unpack_unsigned {
    ($($t:ty),*) => {$(
        impl<'a> Unpack<'a> for $t {
            const WIRE_BITS: Option<usize> = Some(<$t>::BITS as usize);
            #[inline]
            fn unpack(raw: &Raw<'a>) -> Self {
                // Truncation is intended: the raw width never exceeds the type's.
                raw.uint() as $t
            }
            #[inline]
            fn to_value(&self) -> Option<FieldValue<'_>> {
                u64::try_from(*self).ok().map(FieldValue::Unsigned)
            }
        }
    )*};
}

macro_rules! unpack_signed {
    ($($t:ty),*) => {$(
        impl<'a> Unpack<'a> for $t {
            const WIRE_BITS: Option<usize> = Some(<$t>::BITS as usize);
            #[inline]
            fn unpack(raw: &Raw<'a>) -> Self {
                raw.int() as $t
            }
            #[inline]
            fn to_value(&self) -> Option<FieldValue<'_>> {
                i64::try_from(*self).ok().map(FieldValue::Signed)
            }
        }
    )*};
}

unpack_unsigned!(u8, u16, u32, u64, u128);
unpack_signed!(i8, i16, i32, i64, i128);

impl<'a> Unpack<'a> for bool {
    const WIRE_BITS: Option<usize> = Some(1);
    #[inline]
    fn unpack(raw: &Raw<'a>) -> Self {
        raw.uint() != 0
    }
    #[inline]
    fn to_value(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Bool(*self))
    }
}

/// Copies `bytes` into a zero-padded array (the parser guarantees the length).
#[inline]
fn to_array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = bytes.len().min(N);
    out[..n].copy_from_slice(&bytes[..n]);
    out
}

impl<'a, const N: usize> Unpack<'a> for [u8; N] {
    const WIRE_BITS: Option<usize> = Some(N * 8);
    #[inline]
    fn unpack(raw: &Raw<'a>) -> Self {
        to_array(raw.bytes())
    }
    #[inline]
    fn to_value(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Bytes(self))
    }
}

impl<'a> Unpack<'a> for Ipv4Addr {
    const WIRE_BITS: Option<usize> = Some(32);
    #[inline]
    fn unpack(raw: &Raw<'a>) -> Self {
        Ipv4Addr::from(to_array::<4>(raw.bytes()))
    }
    #[inline]
    fn to_value(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Ipv4(*self))
    }
}

impl<'a> Unpack<'a> for Ipv6Addr {
    const WIRE_BITS: Option<usize> = Some(128);
    #[inline]
    fn unpack(raw: &Raw<'a>) -> Self {
        Ipv6Addr::from(to_array::<16>(raw.bytes()))
    }
    #[inline]
    fn to_value(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Ipv6(*self))
    }
}

impl<'a> Unpack<'a> for MacAddr {
    const WIRE_BITS: Option<usize> = Some(48);
    #[inline]
    fn unpack(raw: &Raw<'a>) -> Self {
        MacAddr(to_array(raw.bytes()))
    }
    #[inline]
    fn to_value(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Mac(*self))
    }
}

impl<'a> Unpack<'a> for &'a [u8] {
    const WIRE_BITS: Option<usize> = None;
    #[inline]
    fn unpack(raw: &Raw<'a>) -> Self {
        raw.bytes()
    }
    #[inline]
    fn to_value(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Bytes(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Endian;

    #[test]
    fn integers_both_orders() {
        let b = [0x12, 0x34, 0x56, 0x78];
        assert_eq!(u32::unpack(&Raw::new(&b, Endian::Big)), 0x12345678);
        assert_eq!(u32::unpack(&Raw::new(&b, Endian::Little)), 0x78563412);
        assert_eq!(u16::unpack(&Raw::new(&b[..2], Endian::Little)), 0x3412);
        assert_eq!(
            i16::unpack(&Raw::new(&[0xff, 0x7f], Endian::Little)),
            0x7fff
        );
        assert_eq!(i8::unpack(&Raw::new(&[0x80], Endian::Big)), -128);
        // A 24-bit integer in a u32 (`bytes = 3`).
        assert_eq!(u32::unpack(&Raw::new(&b[..3], Endian::Little)), 0x563412);
    }

    #[test]
    fn bits_and_bools() {
        assert!(bool::unpack(&Raw::bits(&[0x80], 0, 1)));
        assert!(!bool::unpack(&Raw::bits(&[0x80], 1, 1)));
        assert_eq!(u8::unpack(&Raw::bits(&[0x45], 4, 4)), 5);
        assert_eq!(i8::unpack(&Raw::bits(&[0x0e], 4, 4)), -2);
    }

    #[test]
    fn addresses_and_arrays() {
        let b: Vec<u8> = (1..=16).collect();
        assert_eq!(
            Ipv4Addr::unpack(&Raw::new(&b[..4], Endian::Little)),
            Ipv4Addr::new(1, 2, 3, 4)
        );
        assert_eq!(
            Ipv6Addr::unpack(&Raw::new(&b, Endian::Big)).octets()[15],
            16
        );
        assert_eq!(
            MacAddr::unpack(&Raw::new(&b[..6], Endian::Big)).to_string(),
            "01:02:03:04:05:06"
        );
        assert_eq!(
            <[u8; 3]>::unpack(&Raw::new(&b[..3], Endian::Big)),
            [1, 2, 3]
        );
        assert_eq!(<&[u8]>::unpack(&Raw::new(&b[..5], Endian::Big)), &b[..5]);
    }

    #[test]
    fn built_in_types_have_values() {
        assert_eq!(7u8.to_value(), Some(FieldValue::Unsigned(7)));
        assert_eq!(u64::MAX.to_value(), Some(FieldValue::Unsigned(u64::MAX)));
        assert_eq!(5u128.to_value(), Some(FieldValue::Unsigned(5)));
        // u128/i128 beyond 64 bits have no value (documented).
        assert_eq!(u128::MAX.to_value(), None);
        assert_eq!((-3i16).to_value(), Some(FieldValue::Signed(-3)));
        assert_eq!(i128::MIN.to_value(), None);
        assert_eq!(true.to_value(), Some(FieldValue::Bool(true)));
        assert_eq!([1u8, 2].to_value(), Some(FieldValue::Bytes(&[1, 2])));
        let s: &[u8] = &[3, 4];
        assert_eq!(s.to_value(), Some(FieldValue::Bytes(&[3, 4])));
        let a = Ipv4Addr::new(1, 2, 3, 4);
        assert_eq!(a.to_value(), Some(FieldValue::Ipv4(a)));
        assert_eq!(
            Ipv6Addr::LOCALHOST.to_value(),
            Some(FieldValue::Ipv6(Ipv6Addr::LOCALHOST))
        );
        assert_eq!(
            MacAddr::BROADCAST.to_value(),
            Some(FieldValue::Mac(MacAddr::BROADCAST))
        );
    }

    #[test]
    fn user_types_have_no_value_by_default() {
        struct Opaque;
        impl<'a> Unpack<'a> for Opaque {
            const WIRE_BITS: Option<usize> = Some(8);
            fn unpack(_: &Raw<'a>) -> Self {
                Opaque
            }
        }
        assert_eq!(Opaque.to_value(), None);
    }
}
