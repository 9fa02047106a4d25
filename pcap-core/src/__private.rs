//! Support for the code `#[derive(Header)]` generates. Not public API: the
//! names here may change in any release.

pub use bitflags;

use crate::error::{Error, Limit};
use std::borrow::Cow;

/// Integer arithmetic that cannot overflow or panic, for `len`/`when`
/// expressions: every value is an `i64` or "invalid", and an invalid
/// intermediate poisons the result (reported as a parse error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked(pub Option<i64>);

impl Checked {
    /// A literal.
    #[inline]
    pub const fn lit(v: i64) -> Checked {
        Checked(Some(v))
    }

    /// The result as a length: `None` if invalid, negative or beyond `usize`.
    #[inline]
    pub fn to_len(self) -> Option<usize> {
        self.0.and_then(|v| usize::try_from(v).ok())
    }

    /// Compares two values: `None` if either is invalid.
    #[inline]
    pub fn compare(self, other: Checked) -> Option<core::cmp::Ordering> {
        Some(self.0?.cmp(&other.0?))
    }
}

/// Converts a field value (or any integer) into a [`Checked`].
pub trait IntoChecked {
    /// The conversion.
    fn into_checked(self) -> Checked;
}

impl IntoChecked for Checked {
    #[inline]
    fn into_checked(self) -> Checked {
        self
    }
}

macro_rules! into_checked {
    ($($t:ty),*) => {$(
        impl IntoChecked for $t {
            #[inline]
            fn into_checked(self) -> Checked {
                Checked(i64::try_from(self).ok())
            }
        }
        impl IntoChecked for &$t {
            #[inline]
            fn into_checked(self) -> Checked {
                Checked(i64::try_from(*self).ok())
            }
        }
    )*};
}
into_checked!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

impl IntoChecked for bool {
    #[inline]
    fn into_checked(self) -> Checked {
        Checked(Some(i64::from(self)))
    }
}

impl<T: IntoChecked> IntoChecked for Option<T> {
    #[inline]
    fn into_checked(self) -> Checked {
        match self {
            Some(v) => v.into_checked(),
            None => Checked(None),
        }
    }
}

/// Wraps a value for checked arithmetic.
#[inline]
pub fn checked<T: IntoChecked>(v: T) -> Checked {
    v.into_checked()
}

macro_rules! checked_op {
    ($trait:ident, $method:ident, $op:ident) => {
        impl core::ops::$trait for Checked {
            type Output = Checked;
            #[inline]
            fn $method(self, rhs: Checked) -> Checked {
                Checked(match (self.0, rhs.0) {
                    (Some(a), Some(b)) => a.$op(b),
                    _ => None,
                })
            }
        }
    };
}
checked_op!(Add, add, checked_add);
checked_op!(Sub, sub, checked_sub);
checked_op!(Mul, mul, checked_mul);
checked_op!(Div, div, checked_div);
checked_op!(Rem, rem, checked_rem);

impl core::ops::Shl for Checked {
    type Output = Checked;
    #[inline]
    fn shl(self, rhs: Checked) -> Checked {
        Checked(match (self.0, rhs.0) {
            (Some(a), Some(b)) if (0..63).contains(&b) && a >= 0 => a.checked_mul(1i64 << b),
            _ => None,
        })
    }
}

impl core::ops::Shr for Checked {
    type Output = Checked;
    #[inline]
    fn shr(self, rhs: Checked) -> Checked {
        Checked(match (self.0, rhs.0) {
            (Some(a), Some(b)) if (0..64).contains(&b) => Some(a >> b),
            _ => None,
        })
    }
}

macro_rules! checked_bitop {
    ($trait:ident, $method:ident, $op:tt) => {
        impl core::ops::$trait for Checked {
            type Output = Checked;
            #[inline]
            fn $method(self, rhs: Checked) -> Checked {
                Checked(match (self.0, rhs.0) {
                    (Some(a), Some(b)) => Some(a $op b),
                    _ => None,
                })
            }
        }
    };
}
checked_bitop!(BitAnd, bitand, &);
checked_bitop!(BitOr, bitor, |);
checked_bitop!(BitXor, bitxor, ^);

impl core::ops::Neg for Checked {
    type Output = Checked;
    #[inline]
    fn neg(self) -> Checked {
        Checked(self.0.and_then(i64::checked_neg))
    }
}

/// A short-input error (kept out of line: it is the cold path).
#[cold]
#[inline(never)]
pub fn truncated(
    layer: &'static str,
    field: &'static str,
    offset: usize,
    needed: usize,
    available: usize,
) -> Error {
    Error::Truncated {
        layer,
        field,
        offset,
        needed,
        available,
        limit: Limit::Buffer,
    }
}

/// A field that runs past the header's own length.
#[cold]
#[inline(never)]
pub fn past_header_len(
    layer: &'static str,
    field: &'static str,
    offset: usize,
    needed: usize,
    header_len: usize,
) -> Error {
    Error::Truncated {
        layer,
        field,
        offset,
        needed,
        available: header_len,
        limit: Limit::LengthField,
    }
}

/// The fixed prefix did not fit: names the first field that was cut.
#[cold]
#[inline(never)]
pub fn truncated_prefix(
    layer: &'static str,
    fields: &'static [crate::FieldSpec],
    available: usize,
) -> Error {
    for spec in fields {
        if let (Some(off), Some(width)) = (spec.bit_offset, spec.bit_width) {
            let end = (off + width).div_ceil(8);
            if end > available {
                return truncated(layer, spec.name, off / 8, end, available);
            }
        }
    }
    truncated(layer, "", 0, available.saturating_add(1), available)
}

/// A `len` expression with no valid value.
#[cold]
#[inline(never)]
pub fn invalid_len(
    layer: &'static str,
    field: &'static str,
    offset: usize,
    detail: &'static str,
) -> Error {
    Error::InvalidLength {
        layer,
        field,
        offset,
        detail: Cow::Borrowed(detail),
    }
}

/// A header `len` shorter than the fields before its end.
#[cold]
#[inline(never)]
pub fn header_len_too_short(layer: &'static str, header_len: usize, fields_len: usize) -> Error {
    Error::InvalidLength {
        layer,
        field: "(header)",
        offset: 0,
        detail: Cow::Owned(format!(
            "header length {header_len} is shorter than its {fields_len} bytes of fields"
        )),
    }
}

/// Loads `N` bytes (N ≤ 16) as a big-endian unsigned integer.
#[inline(always)]
pub const fn load_be<const N: usize>(b: &[u8; N]) -> u128 {
    let mut v = 0u128;
    let mut i = 0;
    while i < N {
        v = (v << 8) | b[i] as u128;
        i += 1;
    }
    v
}

/// Loads `N` bytes (N ≤ 16) as a little-endian unsigned integer.
#[inline(always)]
pub const fn load_le<const N: usize>(b: &[u8; N]) -> u128 {
    let mut v = 0u128;
    let mut i = N;
    while i > 0 {
        i -= 1;
        v = (v << 8) | b[i] as u128;
    }
    v
}

/// Copies `bytes` into an `N`-byte array (zero-padded if short; the parser
/// guarantees the length, this only keeps the code free of panics).
#[inline(always)]
pub fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = bytes.len().min(N);
    out[..n].copy_from_slice(&bytes[..n]);
    out
}

/// A user type's wire width in bytes, for layouts (a compile error if the
/// type has no fixed whole-byte width: declare `bits`, `bytes` or `len`).
pub const fn wire_bytes<'a, T: crate::Unpack<'a>>() -> usize {
    match T::WIRE_BITS {
        Some(bits) if bits % 8 == 0 => bits / 8,
        Some(_) => panic!(
            "a field's type is not a whole number of bytes: declare `bits = N` (in a run of bit fields)"
        ),
        None => panic!(
            "a field's type has no fixed width (Unpack::WIRE_BITS is None): declare `len = ...` or `bytes = N`"
        ),
    }
}

/// Offset of `part` inside `whole` (both views of one buffer), for locating
/// errors found by view accessors. Pointer arithmetic only: no unsafe.
#[inline]
pub fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

/// Whether `bits` fits a user type's declared wire width.
pub const fn fits<'a, T: crate::Unpack<'a>>(bits: usize) -> bool {
    match T::WIRE_BITS {
        Some(w) => bits <= w,
        None => true,
    }
}

/// Locates an error from a `with` decoder: fills in the layer and field when
/// the decoder left them empty, and makes its offset header-relative.
#[cold]
#[inline(never)]
pub fn in_field(err: Error, layer: &'static str, field: &'static str, offset: usize) -> Error {
    let mut err = err.shifted(offset);
    match &mut err {
        Error::Truncated {
            layer: l, field: f, ..
        }
        | Error::InvalidLength {
            layer: l, field: f, ..
        }
        | Error::Malformed {
            layer: l, field: f, ..
        } => {
            if l.is_empty() {
                *l = layer;
            }
            if f.is_empty() {
                *f = field;
            }
        }
        _ => {}
    }
    err
}

/// A `with` decoder claiming more bytes than it was given, and other refusals.
#[cold]
#[inline(never)]
pub fn malformed(
    layer: &'static str,
    field: &'static str,
    offset: usize,
    detail: &'static str,
) -> Error {
    Error::Malformed {
        layer,
        field,
        offset,
        detail: Cow::Borrowed(detail),
    }
}

/// A field value on its way to a [`FieldValue`](crate::FieldValue), for the
/// generated visitor: `(&Probe(&v)).__pcap_value()` calls
/// [`Unpack::to_value`](crate::Unpack::to_value) when the field's type
/// implements `Unpack`, and gives `None` otherwise (a `with` field of a type
/// with no `Unpack`), by autoref specialization: the `Unpack` impl is on
/// `Probe`, the fallback on `&Probe`, so method lookup picks the first.
pub struct Probe<'r, T>(pub &'r T);

/// The `Unpack` path of [`Probe`].
pub trait ProbeUnpack<'r> {
    /// The field's value.
    fn __pcap_value(&self) -> Option<crate::FieldValue<'r>>;
}

impl<'r, 'x, T: crate::Unpack<'x>> ProbeUnpack<'r> for Probe<'r, T> {
    #[inline]
    fn __pcap_value(&self) -> Option<crate::FieldValue<'r>> {
        self.0.to_value()
    }
}

/// The fallback of [`Probe`]: no value.
pub trait ProbeNone<'r> {
    /// No value.
    #[inline]
    fn __pcap_value(&self) -> Option<crate::FieldValue<'r>> {
        None
    }
}

impl<'r, T> ProbeNone<'r> for &Probe<'r, T> {}

/// A visited value times a field's `scale` (saturating): `ihl` 5 → 20 bytes.
#[inline]
pub fn scaled(v: Option<crate::FieldValue<'_>>, scale: u64) -> Option<crate::FieldValue<'_>> {
    use crate::FieldValue;
    match v {
        Some(FieldValue::Unsigned(x)) => Some(FieldValue::Unsigned(x.saturating_mul(scale))),
        Some(FieldValue::Signed(x)) => Some(FieldValue::Signed(
            x.saturating_mul(i64::try_from(scale).unwrap_or(i64::MAX)),
        )),
        other => other,
    }
}

/// The lax parse's view of `buf[pos + lo .. pos + hi]`: `None` when the
/// position is unknown or the bytes are not all there (no overflow, no panic).
#[inline]
pub fn lax_span(buf: &[u8], pos: Option<usize>, lo: usize, hi: usize) -> Option<&[u8]> {
    let pos = pos?;
    buf.get(pos.checked_add(lo)?..pos.checked_add(hi)?)
}

/// The lax parse's next position: `pos + n`, `None` if unknown or overflowing.
#[inline]
pub fn lax_advance(pos: Option<usize>, n: usize) -> Option<usize> {
    pos?.checked_add(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_arithmetic_poisons_on_overflow_and_negative() {
        let hlen = checked(3u8);
        assert_eq!((hlen * Checked::lit(4) - Checked::lit(20)).to_len(), None);
        assert_eq!(
            (checked(15u8) * Checked::lit(4) - Checked::lit(20)).to_len(),
            Some(40)
        );
        assert_eq!((checked(u128::MAX) + Checked::lit(1)).0, None);
        assert_eq!((Checked::lit(1) / Checked::lit(0)).0, None);
        assert_eq!((Checked::lit(1) << Checked::lit(200)).0, None);
        assert_eq!(checked(Some(2u16)).to_len(), Some(2));
        assert_eq!(checked(None::<u16>).to_len(), None);
    }

    #[test]
    fn loads() {
        assert_eq!(load_be(&[1, 2, 3]), 0x010203);
        assert_eq!(load_le(&[1, 2, 3]), 0x030201);
    }

    #[test]
    fn scaled_multiplies_integers_only() {
        use crate::FieldValue;
        assert_eq!(
            scaled(Some(FieldValue::Unsigned(5)), 4),
            Some(FieldValue::Unsigned(20))
        );
        assert_eq!(
            scaled(Some(FieldValue::Unsigned(u64::MAX)), 4),
            Some(FieldValue::Unsigned(u64::MAX))
        );
        assert_eq!(
            scaled(Some(FieldValue::Signed(-2)), 8),
            Some(FieldValue::Signed(-16))
        );
        assert_eq!(
            scaled(Some(FieldValue::Bool(true)), 4),
            Some(FieldValue::Bool(true))
        );
        assert_eq!(scaled(None, 4), None);
    }

    #[test]
    fn lax_spans_never_panic() {
        let b = [1u8, 2, 3, 4];
        assert_eq!(lax_span(&b, Some(1), 0, 2), Some(&b[1..3]));
        assert_eq!(lax_span(&b, Some(3), 0, 2), None);
        assert_eq!(lax_span(&b, None, 0, 1), None);
        assert_eq!(lax_span(&b, Some(usize::MAX), 1, 2), None);
        assert_eq!(lax_span(&b, Some(2), 1, 0), None);
        assert_eq!(lax_advance(Some(usize::MAX), 1), None);
        assert_eq!(lax_advance(Some(2), 3), Some(5));
    }

    #[test]
    // The explicit `&` is what the generated code writes: it makes the fallback reachable.
    #[allow(clippy::needless_borrow)]
    fn probe_picks_unpack_or_nothing() {
        use crate::FieldValue;
        struct NoUnpack;
        let v = 7u16;
        assert_eq!((&Probe(&v)).__pcap_value(), Some(FieldValue::Unsigned(7)));
        assert_eq!((&Probe(&NoUnpack)).__pcap_value(), None);
    }

    #[test]
    fn prefix_error_names_first_cut_field() {
        const FIELDS: &[crate::FieldSpec] = &[
            crate::FieldSpec {
                name: "a",
                display_name: "a",
                bit_offset: Some(0),
                bit_width: Some(16),
                display: crate::Display::Default,
            },
            crate::FieldSpec {
                name: "b",
                display_name: "b",
                bit_offset: Some(16),
                bit_width: Some(32),
                display: crate::Display::Default,
            },
        ];
        let e = truncated_prefix("T", FIELDS, 3);
        assert!(matches!(
            e,
            Error::Truncated {
                field: "b",
                offset: 2,
                needed: 6,
                available: 3,
                ..
            }
        ));
    }
}
