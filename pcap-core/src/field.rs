//! What a parsed header holds per field: [`Field`] (skipped, raw or
//! unpacked), the [`Raw`] bytes of a parsed-but-not-unpacked field, and the
//! [`FieldSpec`] layout constants the derive emits.

use crate::endian::Endian;
use crate::unpack::Unpack;
use crate::value::Display;

/// One header field, in the state its flags asked for.
///
/// * [`Field::Skipped`]: neither PARSE nor UNPACK was set (or the field is a
///   `when` field that is absent from this packet). Its bytes were not read.
/// * [`Field::Raw`]: PARSE was set: the field's bytes, not yet decoded.
/// * [`Field::Value`]: UNPACK was set: the decoded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Field<'a, T> {
    /// Not read.
    #[default]
    Skipped,
    /// Read, kept as the bytes that hold it.
    Raw(Raw<'a>),
    /// Read and decoded.
    Value(T),
}

impl<'a, T> Field<'a, T> {
    /// The decoded value, if the field was unpacked.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The raw bytes, if the field was parsed but not unpacked.
    pub fn raw(&self) -> Option<&Raw<'a>> {
        match self {
            Field::Raw(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the field was not read at all.
    pub fn is_skipped(&self) -> bool {
        matches!(self, Field::Skipped)
    }

    /// Whether the field holds a decoded value.
    pub fn is_value(&self) -> bool {
        matches!(self, Field::Value(_))
    }

    /// Takes the decoded value, if any.
    pub fn into_value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<'a, T: Unpack<'a> + Clone> Field<'a, T> {
    /// The value, decoding a [`Raw`] now if the field was only parsed.
    /// `None` for a skipped field.
    pub fn decode(&self) -> Option<T> {
        match self {
            Field::Skipped => None,
            Field::Raw(raw) => Some(T::unpack(raw)),
            Field::Value(v) => Some(v.clone()),
        }
    }
}

/// The bytes of a parsed field, with what is needed to decode it later: the
/// bit position inside those bytes and the byte order.
///
/// For a bit field, `bytes()` are the whole bytes the field touches and
/// [`Raw::bit_offset`] counts from the most significant bit of the first one
/// (RFC diagram order). Bit fields are always read most significant bit first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Raw<'a> {
    bytes: &'a [u8],
    bit_offset: u8,
    bit_width: u32,
    endian: Endian,
}

impl<'a> Raw<'a> {
    /// A whole-byte field.
    pub const fn new(bytes: &'a [u8], endian: Endian) -> Self {
        Raw {
            bytes,
            bit_offset: 0,
            bit_width: (bytes.len() as u32).saturating_mul(8),
            endian,
        }
    }

    /// A bit field of `bit_width` bits starting `bit_offset` bits (0..8) into
    /// `bytes`. `bytes` must cover the field; widths beyond the bytes are clamped.
    pub const fn bits(bytes: &'a [u8], bit_offset: u8, bit_width: u32) -> Self {
        let available = (bytes.len() as u32).saturating_mul(8);
        let bit_offset = if bit_offset > 7 { 7 } else { bit_offset };
        let max = available.saturating_sub(bit_offset as u32);
        Raw {
            bytes,
            bit_offset,
            bit_width: if bit_width > max { max } else { bit_width },
            endian: Endian::Big,
        }
    }

    /// The bytes that hold the field.
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Bits from the most significant bit of `bytes()[0]` to the field's first bit.
    pub const fn bit_offset(&self) -> u8 {
        self.bit_offset
    }

    /// Width of the field in bits.
    pub const fn bit_width(&self) -> u32 {
        self.bit_width
    }

    /// The byte order whole-byte values are read in.
    pub const fn endian(&self) -> Endian {
        self.endian
    }

    /// Whether this is a bit field (not a whole number of aligned bytes).
    pub const fn is_bit_field(&self) -> bool {
        self.bit_offset != 0 || self.bit_width as usize != self.bytes.len() * 8
    }

    /// The field as an unsigned integer: the bit field's value, or the whole
    /// bytes (at most 16) in the field's byte order.
    pub fn uint(&self) -> u128 {
        if self.is_bit_field() {
            let n = self.bytes.len().min(16);
            let word = Endian::Big.read_uint(&self.bytes[..n]);
            let total = (n * 8) as u32;
            let shift = total.saturating_sub(u32::from(self.bit_offset) + self.bit_width);
            let mask = if self.bit_width >= 128 {
                u128::MAX
            } else {
                (1u128 << self.bit_width) - 1
            };
            (word >> shift) & mask
        } else {
            self.endian.read_uint(self.bytes)
        }
    }

    /// The field as a signed integer: [`Raw::uint`] sign-extended from its width.
    pub fn int(&self) -> i128 {
        let width = self.bit_width.clamp(1, 128);
        let shift = 128 - width;
        ((self.uint() << shift) as i128) >> shift
    }

    /// Decodes the field as `T`.
    pub fn decode<T: Unpack<'a>>(&self) -> T {
        T::unpack(self)
    }
}

/// Where a field sits in its header, as the derive computed it at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// The field's name, as declared in Rust (without `r#`).
    pub name: &'static str,
    /// The field's display name: `#[field(name = "...")]`, or by default the
    /// Rust name in lower case. Lower-case ASCII letters, digits and `_` in
    /// segments separated by dots (`ttl`, `flags.mf`), checked at compile
    /// time and unique within its header; see [`FieldSpec::full_name`].
    pub display_name: &'static str,
    /// Offset of the field's first bit from the header start; `None` once
    /// the position depends on data (after a variable-length or `when` field).
    pub bit_offset: Option<usize>,
    /// Width in bits; `None` for a variable-length field.
    pub bit_width: Option<usize>,
    /// How the field prints: `#[field(display = "hex")]` or `"dec"`, else
    /// [`Display::Default`]. See [`FieldValue::write_tshark`](crate::FieldValue::write_tshark).
    pub display: Display,
}

impl FieldSpec {
    /// The byte holding the field's first bit, when the position is constant.
    pub const fn byte_offset(&self) -> Option<usize> {
        match self.bit_offset {
            Some(bits) => Some(bits / 8),
            None => None,
        }
    }

    /// Width in whole bytes (rounded up), when constant.
    pub const fn byte_width(&self) -> Option<usize> {
        match self.bit_width {
            Some(bits) => Some(bits.div_ceil(8)),
            None => None,
        }
    }

    /// The tshark-style full name of the field in a header whose display
    /// name is `header`: `header.display_name`.
    ///
    /// ```
    /// # use pcap_core::{Display, FieldSpec};
    /// let ttl = FieldSpec { name: "ttl", display_name: "ttl", bit_offset: Some(64), bit_width: Some(8),
    ///                       display: Display::Default };
    /// assert_eq!(ttl.full_name("ip"), "ip.ttl");
    /// ```
    ///
    /// With a derived header `H`, `H::FIELDS[i].full_name(H::NAME)`, or
    /// [`Header::full_names`](crate::Header::full_names) for all of them.
    pub fn full_name(&self, header: &str) -> String {
        format!("{header}.{}", self.display_name)
    }

    /// Whether the field is a bit field (not whole aligned bytes).
    pub const fn is_bit_field(&self) -> bool {
        match (self.bit_offset, self.bit_width) {
            (Some(o), Some(w)) => o % 8 != 0 || w % 8 != 0,
            (None, Some(w)) => w % 8 != 0,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bit_field_extracts_msb_first() {
        // 0x45: version 4 (high nibble), ihl 5 (low nibble).
        let bytes = [0x45];
        assert_eq!(Raw::bits(&bytes, 0, 4).uint(), 4);
        assert_eq!(Raw::bits(&bytes, 4, 4).uint(), 5);
        // A field crossing a byte boundary: 3 bits from the end of byte 0 + 5 of byte 1.
        let bytes = [0b0000_0101, 0b1010_0000];
        assert_eq!(Raw::bits(&bytes, 5, 8).uint(), 0b1011_0100);
    }

    #[test]
    fn raw_whole_bytes_follow_endian() {
        let bytes = [0x01, 0x02];
        assert_eq!(Raw::new(&bytes, Endian::Big).uint(), 0x0102);
        assert_eq!(Raw::new(&bytes, Endian::Little).uint(), 0x0201);
        assert!(!Raw::new(&bytes, Endian::Big).is_bit_field());
    }

    #[test]
    fn raw_int_sign_extends() {
        assert_eq!(Raw::bits(&[0xf0], 0, 4).int(), -1);
        assert_eq!(Raw::bits(&[0x70], 0, 4).int(), 7);
        assert_eq!(Raw::new(&[0xff, 0xfe], Endian::Big).int(), -2);
    }

    #[test]
    fn raw_bits_clamps_width_to_bytes() {
        let raw = Raw::bits(&[0xff], 4, 16);
        assert_eq!(raw.bit_width(), 4);
        assert_eq!(raw.uint(), 0xf);
    }

    #[test]
    fn field_accessors() {
        let v: Field<'_, u8> = Field::Value(3);
        assert_eq!(v.value(), Some(&3));
        assert_eq!(v.decode(), Some(3));
        assert!(v.raw().is_none());
        let r: Field<'_, u16> = Field::Raw(Raw::new(&[0, 7], Endian::Big));
        assert_eq!(r.value(), None);
        assert_eq!(r.decode(), Some(7));
        let s: Field<'_, u16> = Field::Skipped;
        assert!(s.is_skipped());
        assert_eq!(s.decode(), None);
    }

    #[test]
    fn field_spec_offsets() {
        let spec = FieldSpec {
            name: "x",
            display_name: "x",
            bit_offset: Some(20),
            bit_width: Some(4),
            display: Display::Default,
        };
        assert_eq!(spec.byte_offset(), Some(2));
        assert_eq!(spec.byte_width(), Some(1));
        assert!(spec.is_bit_field());
        let var = FieldSpec {
            name: "y",
            display_name: "why",
            bit_offset: None,
            bit_width: None,
            display: Display::Hex,
        };
        assert_eq!(var.byte_offset(), None);
        assert!(!var.is_bit_field());
        assert_eq!(spec.full_name("t"), "t.x");
        assert_eq!(var.full_name("t.sub"), "t.sub.why");
    }
}
