//! ClientHello and ServerHello ([RFC 8446 §4.1.2], [§4.1.3]): the fixed
//! parts declared with the derive, the extension list walked by hand, and
//! [`Hello`], what both carry that analysts and fingerprints use.
//!
//! Panic contract: the derived `parse` checks every length field against
//! the body once; the extension walk reads each length before slicing and
//! stops (recording it in [`Hello::malformed`]) at the first one that does
//! not fit. Lists grow one element per element actually present, so no
//! allocation follows an unchecked length.
//!
//! [RFC 8446 §4.1.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//! [§4.1.3]: https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3

use pcap_core::{Error, Field, Header};

use super::handshake::{Handshake, handshake_type};

/// Extension types used here (IANA "TLS ExtensionType Values").
pub mod extension_type {
    /// server_name (SNI).
    pub const SERVER_NAME: u16 = 0;
    /// supported_groups (formerly elliptic_curves).
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// ec_point_formats.
    pub const EC_POINT_FORMATS: u16 = 11;
    /// signature_algorithms.
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// application_layer_protocol_negotiation (ALPN).
    pub const ALPN: u16 = 16;
    /// supported_versions (TLS 1.3).
    pub const SUPPORTED_VERSIONS: u16 = 43;
}

/// The fixed part of a ClientHello body, up to the compression methods.
#[derive(Header, Debug, Clone)]
#[header(name = "tls.handshake", endian = "big")]
pub struct ClientHelloFixed<'a> {
    /// legacy_version (`0x0303` for TLS 1.2 and 1.3).
    #[field(default, name = "version")]
    pub version: Field<'a, u16>,
    /// The client's 32 random bytes.
    #[field(name = "random")]
    pub random: Field<'a, [u8; 32]>,
    /// Length of the session ID.
    #[field(default, name = "session_id_length")]
    pub session_id_len: Field<'a, u8>,
    /// The session ID (0 to 32 bytes).
    #[field(len = session_id_len, name = "session_id")]
    pub session_id: Field<'a, &'a [u8]>,
    /// Length in bytes of the cipher suite list.
    #[field(default, name = "cipher_suites_length")]
    pub cipher_suites_len: Field<'a, u16>,
    /// The cipher suites, two bytes each.
    #[field(len = cipher_suites_len, default, name = "ciphersuites")]
    pub cipher_suites: Field<'a, &'a [u8]>,
    /// Number of compression methods.
    #[field(default, name = "comp_methods_length")]
    pub compression_methods_len: Field<'a, u8>,
    /// The compression methods, one byte each.
    #[field(len = compression_methods_len, name = "comp_methods")]
    pub compression_methods: Field<'a, &'a [u8]>,
}

/// The fixed part of a ServerHello body, up to the compression method.
#[derive(Header, Debug, Clone)]
#[header(name = "tls.handshake", endian = "big")]
pub struct ServerHelloFixed<'a> {
    /// legacy_version.
    #[field(default, name = "version")]
    pub version: Field<'a, u16>,
    /// The server's 32 random bytes (a fixed value in a HelloRetryRequest).
    #[field(name = "random")]
    pub random: Field<'a, [u8; 32]>,
    /// Length of the session ID.
    #[field(default, name = "session_id_length")]
    pub session_id_len: Field<'a, u8>,
    /// The session ID.
    #[field(len = session_id_len, name = "session_id")]
    pub session_id: Field<'a, &'a [u8]>,
    /// The chosen cipher suite.
    #[field(default, name = "ciphersuite")]
    pub cipher_suite: Field<'a, u16>,
    /// The chosen compression method.
    #[field(name = "comp_method")]
    pub compression_method: Field<'a, u8>,
}

/// The `random` of a TLS 1.3 HelloRetryRequest (RFC 8446 §4.1.3): the
/// SHA-256 of "HelloRetryRequest".
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Which hello a [`Hello`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloKind {
    /// A ClientHello.
    Client,
    /// A ServerHello (or a TLS 1.3 HelloRetryRequest).
    Server,
}

/// One extension, raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    /// Extension type: see [`extension_type`].
    pub ext_type: u16,
    /// Its data (after type and length).
    pub data: &'a [u8],
}

/// A parsed ClientHello or ServerHello.
///
/// Lists keep wire order and GREASE values (tshark shows them); the
/// fingerprints drop GREASE themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello<'a> {
    /// Client or server.
    pub kind: HelloKind,
    /// legacy_version (`tls.handshake.version`).
    pub version: u16,
    /// The 32 random bytes.
    pub random: [u8; 32],
    /// The session ID.
    pub session_id: &'a [u8],
    /// Offered cipher suites (client) or the chosen one (server).
    pub cipher_suites: Vec<u16>,
    /// Offered compression methods (client) or the chosen one (server).
    pub compression_methods: Vec<u8>,
    /// Every extension, in wire order.
    pub extensions: Vec<Extension<'a>>,
    /// Host names of the server_name extension.
    pub server_names: Vec<&'a [u8]>,
    /// Protocol names of the ALPN extension.
    pub alpn: Vec<&'a [u8]>,
    /// supported_versions: the client's list, or the server's choice.
    pub supported_versions: Vec<u16>,
    /// supported_groups.
    pub supported_groups: Vec<u16>,
    /// ec_point_formats.
    pub ec_point_formats: Vec<u8>,
    /// signature_algorithms.
    pub signature_algorithms: Vec<u16>,
    /// Whether the extension block ended early or had an extension whose
    /// length ran past it (what came before is kept).
    pub malformed: bool,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let bytes = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The u16 values of a list, two bytes each (an odd last byte ignored).
fn u16_list(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

/// The body of a vector with a `len_bytes`-byte length prefix, cut to what
/// is there; `None` if the prefix itself is missing.
fn vector(data: &[u8], len_bytes: usize) -> Option<&[u8]> {
    let len = match len_bytes {
        1 => usize::from(*data.first()?),
        _ => usize::from(be16(data, 0)?),
    };
    let body = data.get(len_bytes..)?;
    Some(body.get(..len).unwrap_or(body))
}

fn malformed(field: &'static str, offset: usize, detail: &'static str) -> Error {
    Error::malformed("TLS", field, offset, detail)
}

impl<'a> Hello<'a> {
    /// Parses a ClientHello or ServerHello message; an error for any other
    /// type or a body too short for its fixed part.
    pub fn parse(msg: &Handshake<'a>) -> Result<Hello<'a>, Error> {
        match msg.msg_type {
            handshake_type::CLIENT_HELLO => Hello::parse_client(msg.body),
            handshake_type::SERVER_HELLO => Hello::parse_server(msg.body),
            _ => Err(malformed("type", 0, "not a ClientHello or ServerHello")),
        }
    }

    /// Parses a ClientHello body (after the 4-byte handshake header).
    pub fn parse_client(body: &'a [u8]) -> Result<Hello<'a>, Error> {
        let (fixed, rest) = ClientHelloFixed::parse(body, ClientHelloFixed::ALL)?;
        let mut hello = Hello::empty(HelloKind::Client);
        hello.version = fixed.version.value().copied().unwrap_or_default();
        hello.random = fixed.random.value().copied().unwrap_or_default();
        hello.session_id = fixed.session_id.value().copied().unwrap_or_default();
        hello.cipher_suites = u16_list(fixed.cipher_suites.value().copied().unwrap_or_default());
        hello.compression_methods = fixed
            .compression_methods
            .value()
            .map(|m| m.to_vec())
            .unwrap_or_default();
        hello.walk_extensions(rest);
        Ok(hello)
    }

    /// Parses a ServerHello body (after the 4-byte handshake header).
    pub fn parse_server(body: &'a [u8]) -> Result<Hello<'a>, Error> {
        let (fixed, rest) = ServerHelloFixed::parse(body, ServerHelloFixed::ALL)?;
        let mut hello = Hello::empty(HelloKind::Server);
        hello.version = fixed.version.value().copied().unwrap_or_default();
        hello.random = fixed.random.value().copied().unwrap_or_default();
        hello.session_id = fixed.session_id.value().copied().unwrap_or_default();
        hello.cipher_suites = fixed.cipher_suite.value().copied().into_iter().collect();
        hello.compression_methods = fixed
            .compression_method
            .value()
            .copied()
            .into_iter()
            .collect();
        hello.walk_extensions(rest);
        Ok(hello)
    }

    fn empty(kind: HelloKind) -> Hello<'a> {
        Hello {
            kind,
            version: 0,
            random: [0; 32],
            session_id: &[],
            cipher_suites: Vec::new(),
            compression_methods: Vec::new(),
            extensions: Vec::new(),
            server_names: Vec::new(),
            alpn: Vec::new(),
            supported_versions: Vec::new(),
            supported_groups: Vec::new(),
            ec_point_formats: Vec::new(),
            signature_algorithms: Vec::new(),
            malformed: false,
        }
    }

    /// Walks the extension block `rest`: absent in old hellos, else a
    /// 2-byte length and the list.
    fn walk_extensions(&mut self, rest: &'a [u8]) {
        if rest.is_empty() {
            return;
        }
        let Some(block) = vector(rest, 2) else {
            self.malformed = true;
            return;
        };
        if block.len() + 2 != rest.len() {
            self.malformed = true;
        }
        let mut at = 0;
        while at < block.len() {
            let (Some(ext_type), Some(len)) = (be16(block, at), be16(block, at + 2)) else {
                self.malformed = true;
                return;
            };
            let start = at + 4;
            let Some(data) = block.get(start..start + usize::from(len)) else {
                self.malformed = true;
                return;
            };
            self.extensions.push(Extension { ext_type, data });
            self.decode_extension(ext_type, data);
            at = start + usize::from(len);
        }
    }

    fn decode_extension(&mut self, ext_type: u16, data: &'a [u8]) {
        match ext_type {
            extension_type::SERVER_NAME => {
                let mut list = vector(data, 2).unwrap_or_default();
                // Entries: type (1), length (2), name.
                while let (Some(_), Some(len)) = (list.first(), be16(list, 1)) {
                    let end = 3 + usize::from(len);
                    let Some(name) = list.get(3..end) else { break };
                    self.server_names.push(name);
                    list = list.get(end..).unwrap_or_default();
                }
            }
            extension_type::ALPN => {
                let mut list = vector(data, 2).unwrap_or_default();
                while let Some(&len) = list.first() {
                    let end = 1 + usize::from(len);
                    let Some(name) = list.get(1..end) else { break };
                    self.alpn.push(name);
                    list = list.get(end..).unwrap_or_default();
                }
            }
            extension_type::SUPPORTED_VERSIONS => {
                self.supported_versions = match self.kind {
                    HelloKind::Client => u16_list(vector(data, 1).unwrap_or_default()),
                    HelloKind::Server => be16(data, 0).into_iter().collect(),
                };
            }
            extension_type::SUPPORTED_GROUPS => {
                self.supported_groups = u16_list(vector(data, 2).unwrap_or_default());
            }
            extension_type::EC_POINT_FORMATS => {
                self.ec_point_formats = vector(data, 1).unwrap_or_default().to_vec();
            }
            extension_type::SIGNATURE_ALGORITHMS => {
                self.signature_algorithms = u16_list(vector(data, 2).unwrap_or_default());
            }
            _ => {}
        }
    }

    /// The extension types, in wire order.
    pub fn extension_types(&self) -> impl Iterator<Item = u16> + '_ {
        self.extensions.iter().map(|e| e.ext_type)
    }

    /// The first server name, if it is UTF-8.
    pub fn server_name(&self) -> Option<&'a str> {
        self.server_names
            .first()
            .and_then(|n| std::str::from_utf8(n).ok())
    }

    /// Whether this ServerHello is a TLS 1.3 HelloRetryRequest.
    pub fn is_hello_retry_request(&self) -> bool {
        self.kind == HelloKind::Server && self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// The version the hello speaks for: the supported_versions choice of
    /// a ServerHello, else its legacy version (what tshark keeps as the
    /// session's version).
    pub fn negotiated_version(&self) -> u16 {
        match (self.kind, self.supported_versions.first()) {
            (HelloKind::Server, Some(&v)) => v,
            _ => self.version,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a ClientHello body (after the handshake header).
    pub(crate) fn client_hello_body(
        version: u16,
        ciphers: &[u16],
        extensions: &[(u16, Vec<u8>)],
    ) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend_from_slice(&[7; 32]);
        b.push(0); // no session ID
        b.extend_from_slice(&((ciphers.len() * 2) as u16).to_be_bytes());
        for c in ciphers {
            b.extend_from_slice(&c.to_be_bytes());
        }
        b.extend_from_slice(&[1, 0]); // null compression
        if !extensions.is_empty() {
            let mut block = Vec::new();
            for (t, data) in extensions {
                block.extend_from_slice(&t.to_be_bytes());
                block.extend_from_slice(&(data.len() as u16).to_be_bytes());
                block.extend_from_slice(data);
            }
            b.extend_from_slice(&(block.len() as u16).to_be_bytes());
            b.extend_from_slice(&block);
        }
        b
    }

    /// server_name extension data for one host name.
    pub(crate) fn sni(name: &str) -> Vec<u8> {
        let n = name.len() as u16;
        let mut d = (n + 3).to_be_bytes().to_vec();
        d.push(0);
        d.extend_from_slice(&n.to_be_bytes());
        d.extend_from_slice(name.as_bytes());
        d
    }

    /// ALPN extension data.
    pub(crate) fn alpn(names: &[&[u8]]) -> Vec<u8> {
        let mut list = Vec::new();
        for n in names {
            list.push(n.len() as u8);
            list.extend_from_slice(n);
        }
        let mut d = (list.len() as u16).to_be_bytes().to_vec();
        d.extend_from_slice(&list);
        d
    }

    /// A u16 list with a 2-byte (or 1-byte) length prefix.
    pub(crate) fn list16(values: &[u16], prefix: usize) -> Vec<u8> {
        let mut body = Vec::new();
        for v in values {
            body.extend_from_slice(&v.to_be_bytes());
        }
        let mut d = if prefix == 1 {
            vec![body.len() as u8]
        } else {
            (body.len() as u16).to_be_bytes().to_vec()
        };
        d.extend_from_slice(&body);
        d
    }

    /// A Chrome-like ClientHello with GREASE in ciphers, extensions, groups
    /// and versions.
    pub(crate) fn chrome_like() -> Vec<u8> {
        client_hello_body(
            0x0303,
            &[0x2a2a, 0x1301, 0x1302, 0xc02b],
            &[
                (0x4a4a, vec![]),
                (0, sni("example.com")),
                (10, list16(&[0x6a6a, 0x001d, 0x0017], 2)),
                (11, vec![1, 0]),
                (13, list16(&[0x0403, 0x0804], 2)),
                (16, alpn(&[b"h2", b"http/1.1"])),
                (43, list16(&[0x7a7a, 0x0304, 0x0303], 1)),
                (0x1a1a, vec![0]),
            ],
        )
    }

    #[test]
    fn test_parse_client_hello() {
        let body = chrome_like();
        let h = Hello::parse_client(&body).unwrap();
        assert_eq!(h.kind, HelloKind::Client);
        assert_eq!(h.version, 0x0303);
        assert_eq!(h.cipher_suites, [0x2a2a, 0x1301, 0x1302, 0xc02b]);
        assert_eq!(h.compression_methods, [0]);
        assert_eq!(
            h.extension_types().collect::<Vec<_>>(),
            [0x4a4a, 0, 10, 11, 13, 16, 43, 0x1a1a]
        );
        assert_eq!(h.server_name(), Some("example.com"));
        assert_eq!(h.alpn, [&b"h2"[..], b"http/1.1"]);
        assert_eq!(h.supported_versions, [0x7a7a, 0x0304, 0x0303]);
        assert_eq!(h.supported_groups, [0x6a6a, 0x001d, 0x0017]);
        assert_eq!(h.ec_point_formats, [0]);
        assert_eq!(h.signature_algorithms, [0x0403, 0x0804]);
        assert!(!h.malformed);
        assert_eq!(
            ClientHelloFixed::VERSION.full_name(ClientHelloFixed::NAME),
            "tls.handshake.version"
        );
    }

    #[test]
    fn test_parse_server_hello_and_hrr() {
        let mut body = 0x0303u16.to_be_bytes().to_vec();
        body.extend_from_slice(&HELLO_RETRY_REQUEST_RANDOM);
        body.push(0);
        body.extend_from_slice(&[0x13, 0x02, 0]);
        body.extend_from_slice(&[0, 6, 0, 43, 0, 2, 3, 4]);
        let h = Hello::parse(&Handshake {
            msg_type: 2,
            body: &body,
        })
        .unwrap();
        assert_eq!(h.kind, HelloKind::Server);
        assert_eq!(h.cipher_suites, [0x1302]);
        assert_eq!(h.supported_versions, [0x0304]);
        assert_eq!(h.negotiated_version(), 0x0304);
        assert!(h.is_hello_retry_request());
        assert!(
            Hello::parse(&Handshake {
                msg_type: 11,
                body: &body
            })
            .is_err()
        );
    }

    #[test]
    fn test_no_extensions_and_malformed_extensions() {
        let body = client_hello_body(0x0301, &[0x002f], &[]);
        let h = Hello::parse_client(&body).unwrap();
        assert!(h.extensions.is_empty() && !h.malformed);
        // An extension claiming more than the block holds.
        let mut bad = client_hello_body(0x0303, &[0x002f], &[(0, sni("a.b"))]);
        let n = bad.len();
        bad[n - 9] = 0xff; // the SNI extension's length (high byte)
        let h = Hello::parse_client(&bad).unwrap();
        assert!(h.malformed);
        assert!(h.extensions.is_empty());
    }

    #[test]
    fn test_truncated_at_every_length_never_panics() {
        let body = chrome_like();
        let fixed = 2 + 32 + 1 + 2 + 8 + 1 + 1;
        for len in 0..body.len() {
            let r = Hello::parse_client(&body[..len]);
            assert_eq!(r.is_ok(), len >= fixed, "len {len}");
            let _ = Hello::parse_server(&body[..len]);
        }
    }
}
