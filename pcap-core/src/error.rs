//! [`Error`]: every failure says which layer, which field, where, and (for
//! short input) how many bytes were needed against how many there were.
//!
//! Offsets in the per-header variants count from the start of the header
//! being parsed. Callers that know more (the record's byte offset in its
//! file, the file's name) wrap the error with [`Error::at`], so a message
//! reads `http.pcap: byte 1234: IPv4: field `options` at offset 20 ...`.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Where a short input's limit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The buffer (captured bytes) ended.
    Buffer,
    /// A length field or `len` expression of the header ended it.
    LengthField,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Buffer => "available",
            Limit::LengthField => "allowed by the header's length",
        })
    }
}

/// The error type of the whole framework.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before a field.
    #[error(
        "{layer}: truncated at field `{field}` (offset {offset}): need {needed} bytes, {available} {limit}"
    )]
    Truncated {
        /// The header (layer) being parsed.
        layer: &'static str,
        /// The first field that did not fit.
        field: &'static str,
        /// Byte offset of that field from the header start.
        offset: usize,
        /// Bytes needed from the header start to hold the field.
        needed: usize,
        /// Bytes there were.
        available: usize,
        /// Whether the buffer or a length field set `available`.
        limit: Limit,
    },
    /// A `len` expression (or a length field) gave an impossible value:
    /// negative, overflowing, or shorter than the fields it must hold.
    #[error("{layer}: invalid length for `{field}` (offset {offset}): {detail}")]
    InvalidLength {
        /// The header (layer) being parsed.
        layer: &'static str,
        /// The field whose length (or the header whose total length) is wrong.
        field: &'static str,
        /// Byte offset of that field from the header start.
        offset: usize,
        /// What was wrong.
        detail: Cow<'static, str>,
    },
    /// A field's content is invalid (a custom decoder refused it, a DNS name
    /// loops, a header line is too long...).
    #[error("{layer}: malformed `{field}` (offset {offset}): {detail}")]
    Malformed {
        /// The header (layer) being parsed.
        layer: &'static str,
        /// The field at fault.
        field: &'static str,
        /// Byte offset of that field from the header start.
        offset: usize,
        /// What was wrong.
        detail: Cow<'static, str>,
    },
    /// Input this version does not handle (a link type, a format variant).
    #[error("{layer}: unsupported: {detail}")]
    Unsupported {
        /// The layer or format.
        layer: &'static str,
        /// What is not supported.
        detail: Cow<'static, str>,
    },
    /// Another error, located in a file (or stream) at an absolute byte offset.
    #[error("{}byte {offset}: {source}", file.as_deref().map(|f| format!("{f}: ")).unwrap_or_default())]
    At {
        /// The file's path, if known.
        file: Option<Arc<str>>,
        /// Absolute byte offset in the file of the record or block at fault.
        offset: u64,
        /// What went wrong there.
        #[source]
        source: Box<Error>,
    },
    /// An I/O error reading or writing a file.
    #[error("{file}: {source}")]
    Io {
        /// The file's path (or `-` for standard input).
        file: Arc<str>,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Locates this error in `file` at absolute byte `offset`.
    #[cold]
    pub fn at(self, file: Option<&Path>, offset: u64) -> Error {
        Error::At {
            file: file.map(|p| Arc::from(p.display().to_string())),
            offset,
            source: Box::new(self),
        }
    }

    /// An I/O error on `file`.
    #[cold]
    pub fn io(file: &Path, source: std::io::Error) -> Error {
        Error::Io {
            file: Arc::from(file.display().to_string()),
            source,
        }
    }

    /// The innermost error, past any [`Error::At`] wrappers.
    pub fn root(&self) -> &Error {
        match self {
            Error::At { source, .. } => source.root(),
            other => other,
        }
    }

    /// The layer this error is about, if it names one.
    pub fn layer(&self) -> Option<&'static str> {
        match self.root() {
            Error::Truncated { layer, .. }
            | Error::InvalidLength { layer, .. }
            | Error::Malformed { layer, .. }
            | Error::Unsupported { layer, .. } => Some(layer),
            _ => None,
        }
    }

    /// Whether the input simply ended too early (as opposed to being invalid).
    pub fn is_truncated(&self) -> bool {
        matches!(self.root(), Error::Truncated { .. })
    }

    /// Adds `base` to the header-relative offset, for a header found `base`
    /// bytes into a larger buffer.
    #[must_use]
    pub fn shifted(mut self, base: usize) -> Error {
        match &mut self {
            Error::Truncated {
                offset,
                needed,
                available,
                ..
            } => {
                *offset = offset.saturating_add(base);
                *needed = needed.saturating_add(base);
                *available = available.saturating_add(base);
            }
            Error::InvalidLength { offset, .. } | Error::Malformed { offset, .. } => {
                *offset = offset.saturating_add(base);
            }
            _ => {}
        }
        self
    }

    /// A malformed field (for custom decoders).
    #[cold]
    pub fn malformed(
        layer: &'static str,
        field: &'static str,
        offset: usize,
        detail: impl Into<Cow<'static, str>>,
    ) -> Error {
        Error::Malformed {
            layer,
            field,
            offset,
            detail: detail.into(),
        }
    }
}

/// The framework's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_message_names_layer_field_offset_and_lengths() {
        let e = Error::Truncated {
            layer: "IPv4",
            field: "options",
            offset: 20,
            needed: 24,
            available: 22,
            limit: Limit::Buffer,
        };
        assert_eq!(
            e.to_string(),
            "IPv4: truncated at field `options` (offset 20): need 24 bytes, 22 available"
        );
        let located = e.at(Some(Path::new("x.pcap")), 1234);
        assert_eq!(
            located.to_string(),
            "x.pcap: byte 1234: IPv4: truncated at field `options` (offset 20): need 24 bytes, 22 available"
        );
        assert_eq!(located.layer(), Some("IPv4"));
        assert!(located.is_truncated());
    }

    #[test]
    fn shifted_moves_offsets() {
        let e = Error::malformed("DNS", "qname", 12, "pointer loop").shifted(42);
        assert!(matches!(e, Error::Malformed { offset: 54, .. }));
    }
}
