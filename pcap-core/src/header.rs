//! The [`Header`] trait every `#[derive(Header)]` struct implements, so code
//! (the dissector, benchmarks, users' generic tools) can drive any header.
//!
//! The derive also emits the same items as inherent associated items, so
//! `Tunnel::parse(..)` works without importing the trait.

use crate::endian::Endian;
use crate::error::Result;
use crate::field::FieldSpec;

/// A packet header schema compiled by `#[derive(Header)]`.
pub trait Header<'a>: Sized {
    /// The `{Name}Fields` bitflags type: PARSE and UNPACK bits per field.
    type Flags: bitflags::Flags + Copy + core::fmt::Debug;
    /// The lazy `{Name}View` type.
    type View: HeaderView<'a>;

    /// The header's display name: `#[header(name = "...")]`, or by default
    /// the struct's name in lower case (`Tunnel` → `tunnel`). tshark's for the
    /// built-in layers (`ip`, `tcp`, `eth`...). Errors name the header by its
    /// Rust name instead, as before.
    const NAME: &'static str;
    /// Every field's layout, in declaration order.
    const FIELDS: &'static [FieldSpec];
    /// Length in bytes of the constant-layout prefix (the minimal header).
    const FIXED_LEN: usize;
    /// The minimal configuration: UNPACK of the fields marked `default`.
    const DEFAULT: Self::Flags;

    /// Parses the header in its declared byte order (big-endian for
    /// `endian = "runtime"`), returning it and the bytes after it.
    fn parse(bytes: &'a [u8], flags: Self::Flags) -> Result<(Self, &'a [u8])>;

    /// Parses with the given byte order for every whole-byte field that has
    /// no `endian` of its own.
    fn parse_endian(
        bytes: &'a [u8],
        flags: Self::Flags,
        endian: Endian,
    ) -> Result<(Self, &'a [u8])>;

    /// The header's length in bytes, reading only what the header's `len`
    /// needs; an error if `bytes` is shorter than that.
    fn header_len(bytes: &[u8]) -> Result<usize>;

    /// Same as [`Header::header_len`] in the given byte order.
    fn header_len_endian(bytes: &[u8], endian: Endian) -> Result<usize>;

    /// A lazy view: bounds are checked once, here; accessors then decode on demand.
    fn view(bytes: &'a [u8]) -> Result<Self::View>;

    /// Every field's tshark-style full name (`ip.ttl`, `ip.flags.mf`), in
    /// declaration order: [`FieldSpec::full_name`] of each of
    /// [`Header::FIELDS`] under [`Header::NAME`].
    fn full_names() -> Vec<String> {
        Self::FIELDS
            .iter()
            .map(|f| f.full_name(Self::NAME))
            .collect()
    }

    /// The field whose full name is `full_name` (`"ip.ttl"`), if the header
    /// has one: how a `-e ip.ttl` style name finds its field.
    fn field_by_full_name(full_name: &str) -> Option<&'static FieldSpec> {
        let rest = full_name.strip_prefix(Self::NAME)?.strip_prefix('.')?;
        Self::FIELDS.iter().find(|f| f.display_name == rest)
    }
}

/// What every generated `{Name}View` offers besides its field accessors.
///
/// These are trait methods, not inherent ones, so a field may be named
/// `payload` or `header_bytes` without colliding with them.
pub trait HeaderView<'a> {
    /// The bytes of the header itself.
    fn header_bytes(&self) -> &'a [u8];
    /// The bytes after the header.
    fn payload(&self) -> &'a [u8];
    /// The header's length in bytes.
    fn header_len(&self) -> usize {
        self.header_bytes().len()
    }
}
