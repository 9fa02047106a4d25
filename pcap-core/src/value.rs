//! [`FieldValue`]: a decoded field as generic consumers see it (`fields`,
//! `show`, users' tools), and [`FieldValue::write_tshark`], which prints it
//! as tshark 4.0 `-T fields` does.
//!
//! Headers hand their present fields to a visitor
//! ([`Header::visit`](crate::Header::visit)) as `(&FieldSpec, FieldValue)`
//! pairs, so a consumer can print any layer without knowing its Rust types.

use core::fmt::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::field::FieldSpec;
use crate::mac::MacAddr;

/// A decoded field value, for generic consumers.
///
/// Built by [`Unpack::to_value`](crate::Unpack::to_value) from a field's
/// Rust value: unsigned integers and `bool` bit fields become
/// [`FieldValue::Unsigned`] / [`FieldValue::Bool`], `[u8; N]` and `&[u8]`
/// become [`FieldValue::Bytes`], addresses keep their type.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum FieldValue<'a> {
    /// An unsigned integer (`u8`..`u64`, and `u128` values that fit).
    Unsigned(u64),
    /// A signed integer (`i8`..`i64`, and `i128` values that fit).
    Signed(i64),
    /// A one-bit flag.
    Bool(bool),
    /// Raw bytes: byte arrays, variable-length fields.
    Bytes(&'a [u8]),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// An Ethernet address.
    Mac(MacAddr),
}

/// How a field prints (tshark `-T fields` style), set per field with
/// `#[field(display = "hex")]` or `#[field(display = "dec")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Display {
    /// The type's usual form: integers in decimal, addresses as addresses.
    #[default]
    Default,
    /// Integers in decimal (the same as `Default` today; says so explicitly).
    Dec,
    /// Integers as `0x` and zero-padded lower-case hex, two digits per byte
    /// of the field's width (a 12-bit field prints `0x0012`), as tshark
    /// prints its `BASE_HEX` fields.
    Hex,
}

impl Display {
    /// The attribute spelling: `"default"`, `"dec"` or `"hex"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Display::Default => "default",
            Display::Dec => "dec",
            Display::Hex => "hex",
        }
    }
}

impl FieldValue<'_> {
    /// Writes the value as tshark 4.0 `-T fields` prints a field of this
    /// layout:
    ///
    /// - integers in decimal ([`Display::Default`], [`Display::Dec`]), or
    ///   with [`Display::Hex`] as `0x` and lower-case hex zero-padded to two
    ///   digits per byte of `ceil(bit_width / 8)` (a 12-bit field prints
    ///   `0x0012`; a variable-width field as many digits as its value needs,
    ///   at least two); a negative integer in hex is its two's complement in
    ///   that width;
    /// - `bool` as `1` or `0`;
    /// - MAC addresses `02:00:00:aa:bb:cc`, IPv4 dotted, IPv6 compressed
    ///   (RFC 5952, as tshark);
    /// - bytes as plain lower-case hex without separators (tshark 4.0's
    ///   `FT_BYTES` in `-T fields`: `tcp.options` prints `020405b401010402`),
    ///   nothing for empty bytes.
    ///
    /// ```
    /// use pcap_core::{Display, FieldSpec, FieldValue};
    /// let flags = FieldSpec { name: "flags", display_name: "flags", bit_offset: Some(100),
    ///                         bit_width: Some(12), display: Display::Hex };
    /// let mut out = String::new();
    /// FieldValue::Unsigned(0x12).write_tshark(&flags, &mut out).unwrap();
    /// assert_eq!(out, "0x0012");
    /// ```
    pub fn write_tshark(&self, spec: &FieldSpec, out: &mut dyn Write) -> fmt::Result {
        let hex = spec.display == Display::Hex;
        // Hex digits: two per byte of the declared width.
        let digits = spec.bit_width.map_or(2, |bits| bits.div_ceil(8).max(1) * 2);
        match *self {
            FieldValue::Unsigned(v) if hex => write!(out, "0x{v:0digits$x}"),
            FieldValue::Unsigned(v) => write!(out, "{v}"),
            FieldValue::Signed(v) if hex => {
                let bits = spec.bit_width.unwrap_or(64).clamp(1, 64);
                let mask = if bits >= 64 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                };
                write!(out, "0x{:0digits$x}", (v as u64) & mask)
            }
            FieldValue::Signed(v) => write!(out, "{v}"),
            FieldValue::Bool(b) => out.write_str(if b { "1" } else { "0" }),
            FieldValue::Bytes(bytes) => {
                for b in bytes {
                    write!(out, "{b:02x}")?;
                }
                Ok(())
            }
            FieldValue::Ipv4(a) => write!(out, "{a}"),
            FieldValue::Ipv6(a) => write!(out, "{a}"),
            FieldValue::Mac(m) => write!(out, "{m}"),
        }
    }

    /// [`FieldValue::write_tshark`] into a new `String`.
    pub fn to_tshark_string(&self, spec: &FieldSpec) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_tshark(spec, &mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(bits: Option<usize>, display: Display) -> FieldSpec {
        FieldSpec {
            name: "x",
            display_name: "x",
            bit_offset: Some(0),
            bit_width: bits,
            display,
        }
    }

    fn show(v: FieldValue<'_>, s: &FieldSpec) -> String {
        v.to_tshark_string(s)
    }

    #[test]
    fn integers_decimal_and_hex_widths() {
        let dec = spec(Some(16), Display::Default);
        assert_eq!(show(FieldValue::Unsigned(2048), &dec), "2048");
        assert_eq!(
            show(FieldValue::Unsigned(2048), &spec(Some(16), Display::Dec)),
            "2048"
        );
        assert_eq!(show(FieldValue::Signed(-5), &dec), "-5");
        assert_eq!(
            show(FieldValue::Unsigned(0x800), &spec(Some(16), Display::Hex)),
            "0x0800"
        );
        // 12 bits: two bytes, four digits (tcp.flags).
        assert_eq!(
            show(FieldValue::Unsigned(0x12), &spec(Some(12), Display::Hex)),
            "0x0012"
        );
        // 3 bits: one byte (ip.flags).
        assert_eq!(
            show(FieldValue::Unsigned(2), &spec(Some(3), Display::Hex)),
            "0x02"
        );
        // 20 bits: three bytes (ipv6.flow).
        assert_eq!(
            show(FieldValue::Unsigned(0xabcde), &spec(Some(20), Display::Hex)),
            "0x0abcde"
        );
        assert_eq!(
            show(
                FieldValue::Unsigned(0xdead_beef),
                &spec(Some(32), Display::Hex)
            ),
            "0xdeadbeef"
        );
        // A value wider than its declared width is not cut.
        assert_eq!(
            show(FieldValue::Unsigned(0x1234), &spec(Some(8), Display::Hex)),
            "0x1234"
        );
        assert_eq!(
            show(FieldValue::Unsigned(5), &spec(None, Display::Hex)),
            "0x05"
        );
        assert_eq!(
            show(FieldValue::Signed(-2), &spec(Some(16), Display::Hex)),
            "0xfffe"
        );
    }

    #[test]
    fn bools_addresses_and_bytes() {
        let s = spec(Some(1), Display::Default);
        assert_eq!(show(FieldValue::Bool(true), &s), "1");
        assert_eq!(show(FieldValue::Bool(false), &s), "0");
        assert_eq!(
            show(FieldValue::Bool(true), &spec(Some(1), Display::Hex)),
            "1"
        );
        let mac = MacAddr([0x02, 0, 0, 0xaa, 0xbb, 0xcc]);
        assert_eq!(show(FieldValue::Mac(mac), &s), "02:00:00:aa:bb:cc");
        assert_eq!(
            show(FieldValue::Ipv4(Ipv4Addr::new(192, 168, 0, 1)), &s),
            "192.168.0.1"
        );
        let v6: Ipv6Addr = "2001:db8:0:0:0:0:0:1".parse().unwrap();
        assert_eq!(show(FieldValue::Ipv6(v6), &s), "2001:db8::1");
        assert_eq!(show(FieldValue::Ipv6(Ipv6Addr::UNSPECIFIED), &s), "::");
        assert_eq!(
            show(FieldValue::Bytes(&[0x02, 0x04, 0x05, 0xb4, 0x01]), &s),
            "020405b401"
        );
        assert_eq!(show(FieldValue::Bytes(&[]), &s), "");
    }
}
