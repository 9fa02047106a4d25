//! The per-frame `tls.*` columns tshark 4.0 prints for one TCP segment
//! (`-T fields -E occurrence=a -E aggregator=,`), as values and as text.

use std::fmt::Write as _;

/// The tshark field names of [`Columns`], in [`Columns::cells`] order.
pub const NAMES: [&str; 11] = [
    "tls.record.content_type",
    "tls.record.version",
    "tls.handshake.type",
    "tls.handshake.version",
    "tls.handshake.extensions_server_name",
    "tls.handshake.ciphersuite",
    "tls.handshake.extensions_alpn_str",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.ja3",
    "tls.handshake.ja3s",
    "tls.handshake.ja4",
];

/// Every occurrence of each column in one segment, in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// `tls.record.content_type`: one per record except the opaque
    /// application-data records of TLS 1.3 and SSL 2.0 records.
    pub content_type: Vec<u8>,
    /// `tls.record.version`: one per record (`0x0002` for SSL 2.0).
    pub record_version: Vec<u16>,
    /// `tls.handshake.type`: one per clear handshake message.
    pub handshake_type: Vec<u8>,
    /// `tls.handshake.version`: the legacy version of each hello.
    pub handshake_version: Vec<u16>,
    /// `tls.handshake.extensions_server_name`: SNI host names.
    pub server_name: Vec<Vec<u8>>,
    /// `tls.handshake.ciphersuite`: offered (client) or chosen (server).
    pub cipher_suite: Vec<u16>,
    /// `tls.handshake.extensions_alpn_str`: ALPN protocol names.
    pub alpn: Vec<Vec<u8>>,
    /// `tls.handshake.extensions.supported_version`.
    pub supported_version: Vec<u16>,
    /// `tls.handshake.ja3`: JA3 of each ClientHello.
    pub ja3: Vec<String>,
    /// `tls.handshake.ja3s`: JA3S of each ServerHello.
    pub ja3s: Vec<String>,
    /// `tls.handshake.ja4`: JA4 of each ClientHello (not in tshark 4.0).
    pub ja4: Vec<String>,
}

fn hex16(values: &[u16]) -> String {
    let mut s = String::new();
    for v in values {
        if !s.is_empty() {
            s.push(',');
        }
        let _ = write!(s, "0x{v:04x}");
    }
    s
}

fn dec8(values: &[u8]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// tshark's text of an ASCII string field: every byte above 0x7f becomes
/// U+FFFD.
pub fn ascii_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' })
        .collect()
}

fn texts(values: &[Vec<u8>]) -> String {
    values
        .iter()
        .map(|v| ascii_text(v))
        .collect::<Vec<_>>()
        .join(",")
}

impl Columns {
    /// Whether no column has a value (tshark saw no TLS here).
    pub fn is_empty(&self) -> bool {
        self.record_version.is_empty() && self.handshake_type.is_empty()
    }

    /// The text of each column, in [`NAMES`] order, as tshark prints it:
    /// several occurrences joined with `,`, integers in decimal or `0x%04x`.
    pub fn cells(&self) -> [String; 11] {
        [
            dec8(&self.content_type),
            hex16(&self.record_version),
            dec8(&self.handshake_type),
            hex16(&self.handshake_version),
            texts(&self.server_name),
            hex16(&self.cipher_suite),
            texts(&self.alpn),
            hex16(&self.supported_version),
            self.ja3.join(","),
            self.ja3s.join(","),
            self.ja4.join(","),
        ]
    }

    /// The text of the column named `name` (one of [`NAMES`]).
    pub fn get(&self, name: &str) -> Option<String> {
        let i = NAMES.iter().position(|n| *n == name)?;
        self.cells().into_iter().nth(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cells_formats() {
        let c = Columns {
            content_type: vec![22, 20],
            record_version: vec![0x0303, 0x0303],
            handshake_type: vec![2],
            alpn: vec![vec![0xc3, 0xa9], b"h2".to_vec()],
            ..Columns::default()
        };
        let cells = c.cells();
        assert_eq!(cells[0], "22,20");
        assert_eq!(cells[1], "0x0303,0x0303");
        assert_eq!(cells[6], "\u{fffd}\u{fffd},h2");
        assert_eq!(c.get("tls.handshake.type").as_deref(), Some("2"));
        assert_eq!(c.get("tls.handshake.ja3").as_deref(), Some(""));
        assert_eq!(c.get("nope"), None);
        assert!(!c.is_empty());
        assert!(Columns::default().is_empty());
    }
}
