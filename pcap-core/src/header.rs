//! The [`Header`] trait every `#[derive(Header)]` struct implements, so code
//! (the dissector, benchmarks, users' generic tools) can drive any header.
//!
//! The derive also emits the same items as inherent associated items, so
//! `Tunnel::parse(..)` works without importing the trait.

use crate::endian::Endian;
use crate::error::Result;
use crate::field::FieldSpec;
use crate::value::FieldValue;

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
    /// UNPACK of every field (what [`Header::visit_bytes`] parses with).
    const ALL: Self::Flags;

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

    /// Calls `visit` with each present field ([`Field::Value`](crate::Field::Value),
    /// or [`Field::Raw`](crate::Field::Raw) decoded now; `Skipped` fields are
    /// not visited), in declaration order, with its [`FieldSpec`] (one of
    /// [`Header::FIELDS`]) and its value
    /// ([`Unpack::to_value`](crate::Unpack::to_value)), in tshark's unit: a
    /// field declared `scale = N` (IPv4 `ihl`, in 4-byte words) reports its
    /// value times N (`ip.hdr_len` 20). A field whose type has no
    /// [`FieldValue`] (a user type that does not implement `to_value`), or a
    /// `Raw` that its `with` decoder refuses, is not visited.
    fn visit(&self, visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>));

    /// Lax prefix parse, for a header cut short (by the snap length): never
    /// fails. Every field (per `flags`) whose bytes are within `bytes` is
    /// reported as the flags say; fields that do not fit, fields after one
    /// whose length is unknown (its `len` names a field that did not fit, its
    /// `with` decoder refused the bytes), fields past the header's own `len`,
    /// and `when` fields whose condition cannot be evaluated are
    /// [`Field::Skipped`](crate::Field::Skipped). For a complete header it
    /// equals `parse_endian(bytes, flags, endian)`'s header.
    fn parse_prefix(bytes: &'a [u8], flags: Self::Flags, endian: Endian) -> Self;

    /// Visits every field that fits in `bytes` (all fields unpacked, lax
    /// prefix parse): what `fields`/`show` print for a layer. Not tied to
    /// `'a`, so it can be called through `<H as Header<'static>>` on bytes of
    /// any lifetime. Returns whether the whole header was present (its full
    /// parse succeeded).
    fn visit_bytes(
        bytes: &[u8],
        endian: Endian,
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool;

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
