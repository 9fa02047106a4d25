//! HTTP/1.x message heads ([RFC 9112]): the request or status line and the
//! header fields, without allocating: header lines are walked in place by
//! [`HeaderLines`], never copied.
//!
//! The head is declared with the derive as two `with` fields (a start line
//! and a header block) because no byte layout describes text lines.
//! Requests are recognised by their method ([`METHODS`]: exactly those
//! tshark 4.0 knows); lines end with CRLF or a bare LF. This module is
//! also the one place that says on which TCP ports tshark dissects HTTP
//! ([`TSHARK_TCP_PORTS`]).
//!
//! Limits, so that endless headers are an error and not a hang:
//! [`MAX_LINE_LEN`] bytes per line, [`MAX_HEADERS`] header lines. A head
//! cut by the end of the segment (no reassembly) is kept with
//! [`HeaderBlock::complete`] false.
//!
//! Panic contract: after [`HttpMessage::parse`] no accessor can panic.
//!
//! [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112#section-2

use std::fmt;

use pcap_core::{Error, Field, Header};

/// The longest start line or header line accepted.
pub const MAX_LINE_LEN: usize = 8192;
/// The most header lines accepted.
pub const MAX_HEADERS: usize = 128;

/// Request methods tshark 4.0 recognises at the start of a request line,
/// case-sensitive. Checked one by one against tshark 4.0.17 (a request on
/// TCP port 80 per method: those listed get `http.request.method`); the
/// WebDAV extensions `ACL`, `BIND`, `REBIND`, `UNBIND`, `ORDERPATCH`,
/// `MKREDIRECTREF`, `UPDATEREDIRECTREF`, `MKCALENDAR` and `LINK`, `UNLINK`,
/// `PURGE`, `CCM_GET`, `SSDP`, `RPC_ECHO_DATA`, `X-MS-ENUMATTS`, `PRI`
/// are not recognised by it and so not here.
pub const METHODS: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"HEAD",
    b"PUT",
    b"DELETE",
    b"OPTIONS",
    b"TRACE",
    b"CONNECT",
    b"PATCH",
    b"POLL",
    b"NOTIFY",
    b"SUBSCRIBE",
    b"UNSUBSCRIBE",
    b"M-SEARCH",
    b"M-POST",
    b"CCM_POST",
    b"RPC_CONNECT",
    b"RPC_IN_DATA",
    b"RPC_OUT_DATA",
    b"SSTP_DUPLEX_POST",
    // WebDAV (RFC 4918) and its versioning extension (RFC 3253).
    b"PROPFIND",
    b"PROPPATCH",
    b"MKCOL",
    b"COPY",
    b"MOVE",
    b"LOCK",
    b"UNLOCK",
    b"SEARCH",
    b"REPORT",
    b"MKACTIVITY",
    b"MKWORKSPACE",
    b"CHECKIN",
    b"CHECKOUT",
    b"UNCHECKOUT",
    b"MERGE",
    b"UPDATE",
    b"LABEL",
    b"VERSION-CONTROL",
    b"BASELINE-CONTROL",
    // Microsoft Exchange's batch WebDAV methods.
    b"BCOPY",
    b"BDELETE",
    b"BMOVE",
    b"BPROPFIND",
    b"BPROPPATCH",
];

/// The TCP ports tshark 4.0 hands to HTTP by default, sorted: the HTTP
/// dissector's own default range (its `tcp.port` preference,
/// `80,3128,3132,5985,8080,8088,11371,1900,2869,2710`) plus 631 and 3689,
/// which IPP and DAAP register for HTTP (`tshark -G decodes` lists all
/// twelve as `tcp.port ... http`). On 631 tshark hands HTTP bodies to IPP.
///
/// tshark also finds HTTP on any port no other dissector claims, by a
/// heuristic (a first line starting with `HTTP/1.` or ending with
/// `HTTP/1.x`). That is not followed here: telling which ports tshark leaves
/// unclaimed needs its whole port table (a `GET` to port 22 is SSH to it).
pub const TSHARK_TCP_PORTS: [u16; 12] = [
    80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371,
];

/// Whether `port` is one of [`TSHARK_TCP_PORTS`] (a `match`: this runs for
/// every TCP segment with a payload).
pub fn is_tshark_tcp_port(port: u16) -> bool {
    matches!(
        port,
        80 | 631 | 1900 | 2710 | 2869 | 3128 | 3132 | 3689 | 5985 | 8080 | 8088 | 11371
    )
}

/// A request line or a status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine<'a> {
    /// `METHOD URI [HTTP/x.y]`.
    Request {
        /// The method.
        method: &'a [u8],
        /// The request target.
        uri: &'a [u8],
        /// The version (empty when the line has none).
        version: &'a [u8],
    },
    /// `HTTP/x.y CODE [REASON]`.
    Response {
        /// The version.
        version: &'a [u8],
        /// The status code.
        code: u16,
        /// The reason phrase.
        reason: &'a [u8],
    },
}

/// The header lines of a head, in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderBlock<'a> {
    /// The header lines, with their line ends (not the blank line).
    pub bytes: &'a [u8],
    /// Number of header lines.
    pub count: usize,
    /// Whether the blank line ending the head was seen.
    pub complete: bool,
}

/// Splits off one line: (line without its end, length consumed), or `None`
/// if `bytes` holds no line end.
fn line(bytes: &[u8]) -> Option<(&[u8], usize)> {
    let lf = bytes
        .iter()
        .take(MAX_LINE_LEN + 2)
        .position(|&b| b == b'\n')?;
    let text = bytes.get(..lf)?;
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    Some((text, lf + 1))
}

fn malformed(field: &'static str, offset: usize, detail: &'static str) -> Error {
    Error::malformed("HTTP", field, offset, detail)
}

/// Whether `bytes` starts like an HTTP/1.x request or response.
pub fn looks_like_http(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"HTTP/") {
        return true;
    }
    let token_end = bytes
        .iter()
        // The longest method, `SSTP_DUPLEX_POST`, is 16 bytes.
        .take(17)
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n'));
    token_end
        .and_then(|n| bytes.get(..n))
        .is_some_and(|m| METHODS.contains(&m))
}

/// The `with` decoder of start lines.
pub fn start_line(bytes: &[u8]) -> Result<(StartLine<'_>, usize), Error> {
    let (text, used) = match line(bytes) {
        Some(l) => l,
        None if bytes.len() > MAX_LINE_LEN => {
            return Err(malformed("start_line", 0, "start line too long"));
        }
        // A start line cut by the segment end: take what is there (a CR
        // at the cut ends the line, as tshark reads it).
        None => (bytes.strip_suffix(b"\r").unwrap_or(bytes), bytes.len()),
    };
    let mut parts = text.splitn(3, |&b| b == b' ');
    let first = parts.next().unwrap_or(&[]);
    let second = parts.next().unwrap_or(&[]);
    let third = parts.next().unwrap_or(&[]);
    if first.starts_with(b"HTTP/") {
        let code = std::str::from_utf8(second)
            .ok()
            .filter(|s| s.len() == 3)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| malformed("start_line", first.len() + 1, "bad status code"))?;
        return Ok((
            StartLine::Response {
                version: first,
                code,
                reason: third,
            },
            used,
        ));
    }
    if !METHODS.contains(&first) {
        return Err(malformed("start_line", 0, "not an HTTP method"));
    }
    Ok((
        StartLine::Request {
            method: first,
            uri: second,
            version: third,
        },
        used,
    ))
}

/// The `with` decoder of header blocks: lines up to the blank line, at most
/// [`MAX_HEADERS`] of at most [`MAX_LINE_LEN`] bytes.
pub fn header_block(bytes: &[u8]) -> Result<(HeaderBlock<'_>, usize), Error> {
    let mut pos = 0;
    let mut count = 0;
    loop {
        let rest = bytes.get(pos..).unwrap_or(&[]);
        let Some((text, used)) = line(rest) else {
            if rest.len() > MAX_LINE_LEN {
                return Err(malformed("headers", pos, "header line too long"));
            }
            // The segment ends inside the head: keep the complete lines.
            let block = HeaderBlock {
                bytes: bytes.get(..pos).unwrap_or(&[]),
                count,
                complete: false,
            };
            return Ok((block, pos));
        };
        if text.is_empty() {
            let block = HeaderBlock {
                bytes: bytes.get(..pos).unwrap_or(&[]),
                count,
                complete: true,
            };
            return Ok((block, pos + used));
        }
        count += 1;
        if count > MAX_HEADERS {
            return Err(malformed("headers", pos, "too many header lines"));
        }
        pos += used;
    }
}

/// An HTTP/1.x head: start line and header block.
#[derive(Header, Debug, Clone)]
#[header(name = "http")]
pub struct HttpHead<'a> {
    /// The request or status line.
    #[field(with = start_line, default)]
    pub start_line: Field<'a, StartLine<'a>>,
    /// The header lines.
    #[field(with = header_block, default)]
    pub headers: Field<'a, HeaderBlock<'a>>,
}

/// Iterator over (name, value) pairs of a [`HeaderBlock`], values trimmed.
/// A line without a colon yields an empty name and the whole line.
#[derive(Debug, Clone)]
pub struct HeaderLines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for HeaderLines<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (text, used) = line(self.rest)?;
        self.rest = self.rest.get(used..).unwrap_or(&[]);
        Some(match text.iter().position(|&b| b == b':') {
            Some(colon) => (
                text.get(..colon).unwrap_or(&[]),
                text.get(colon + 1..).unwrap_or(&[]).trim_ascii(),
            ),
            None => (&[], text),
        })
    }
}

impl<'a> HeaderBlock<'a> {
    /// The (name, value) pairs.
    pub fn iter(&self) -> HeaderLines<'a> {
        HeaderLines { rest: self.bytes }
    }

    /// The first value of the header `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v)
    }
}

/// A parsed HTTP head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpMessage<'a> {
    /// The start line.
    pub start: StartLine<'a>,
    /// The header lines.
    pub headers: HeaderBlock<'a>,
    head_len: usize,
}

impl<'a> HttpMessage<'a> {
    /// Parses the head at the start of `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let (head, rest) = HttpHead::parse(bytes, HttpHead::ALL)?;
        match (head.start_line, head.headers) {
            (Field::Value(start), Field::Value(headers)) => Ok(HttpMessage {
                start,
                headers,
                head_len: bytes.len() - rest.len(),
            }),
            _ => Err(malformed("start_line", 0, "head not decoded")),
        }
    }

    /// Bytes of the head (start line, headers and the blank line if seen).
    pub fn head_len(&self) -> usize {
        self.head_len
    }

    /// The request method (tshark's `http.request.method`).
    pub fn method(&self) -> Option<&'a [u8]> {
        match self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The request target (`http.request.uri`).
    pub fn uri(&self) -> Option<&'a [u8]> {
        match self.start {
            StartLine::Request { uri, .. } => Some(uri),
            StartLine::Response { .. } => None,
        }
    }

    /// The status code (`http.response.code`).
    pub fn status_code(&self) -> Option<u16> {
        match self.start {
            StartLine::Response { code, .. } => Some(code),
            StartLine::Request { .. } => None,
        }
    }

    /// The Host header (`http.host`).
    pub fn host(&self) -> Option<&'a [u8]> {
        self.headers.get("host")
    }
}

impl fmt::Display for HttpMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.start {
            StartLine::Request { method, uri, .. } => write!(
                f,
                "HTTP {} {}",
                String::from_utf8_lossy(method),
                String::from_utf8_lossy(uri)
            ),
            StartLine::Response { code, reason, .. } => {
                write!(f, "HTTP {code} {}", String::from_utf8_lossy(reason))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// http.pcap frame 4: the GET request (head only).
    const GET: &[u8] = b"GET /download.html HTTP/1.1\r\nHost: www.ethereal.com\r\nUser-Agent: Mozilla/5.0\r\nAccept-Encoding: gzip,deflate\r\n\r\n";

    #[test]
    fn test_parse_request() {
        let m = HttpMessage::parse(GET).unwrap();
        assert_eq!(m.method(), Some(&b"GET"[..]));
        assert_eq!(m.uri(), Some(&b"/download.html"[..]));
        assert_eq!(m.host(), Some(&b"www.ethereal.com"[..]));
        assert_eq!(m.headers.count, 3);
        assert!(m.headers.complete);
        assert_eq!(m.head_len(), GET.len());
        assert_eq!(m.to_string(), "HTTP GET /download.html");
        assert!(looks_like_http(GET));
        assert!(!looks_like_http(b"\x16\x03\x01"));
    }

    #[test]
    fn test_parse_response_and_bare_lf() {
        let m = HttpMessage::parse(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 962\r\n\r\nbody",
        )
        .unwrap();
        assert_eq!(m.status_code(), Some(405));
        assert_eq!(m.headers.get("content-length"), Some(&b"962"[..]));
        // methods.pcap frame 4: LF line ends.
        let m = HttpMessage::parse(b"OPTIONS * HTTP/1.1\nHost: www.google.com\n\n").unwrap();
        assert_eq!(
            (m.method(), m.uri()),
            (Some(&b"OPTIONS"[..]), Some(&b"*"[..]))
        );
        assert_eq!(m.host(), Some(&b"www.google.com"[..]));
        // methods.pcap frame 34: a method alone on its line.
        let bare = b"OPTIONS\nHost: www.google.com\n\n";
        assert!(looks_like_http(bare));
        let m = HttpMessage::parse(bare).unwrap();
        assert_eq!(
            (m.method(), m.uri()),
            (Some(&b"OPTIONS"[..]), Some(&b""[..]))
        );
        // methods.pcap frame 329: no version.
        let m = HttpMessage::parse(b"CCM_POST /HTTP/1.1\nHost: www.google.com\n\n").unwrap();
        assert_eq!(m.uri(), Some(&b"/HTTP/1.1"[..]));
    }

    #[test]
    fn test_cut_head_and_every_length() {
        for len in 0..GET.len() {
            // Never panics; a head cut inside is kept, incomplete.
            if let Ok(m) = HttpMessage::parse(&GET[..len]) {
                assert!(!m.headers.complete || len == GET.len());
            }
        }
        let m = HttpMessage::parse(&GET[..40]).unwrap();
        assert!(!m.headers.complete);
        assert_eq!(m.method(), Some(&b"GET"[..]));
    }

    #[test]
    fn test_endless_headers_are_errors() {
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X: y\r\n");
        }
        assert!(HttpMessage::parse(&many).is_err());
        let mut long = b"GET / HTTP/1.1\r\nX: ".to_vec();
        long.extend(std::iter::repeat_n(b'a', MAX_LINE_LEN + 10));
        assert!(HttpMessage::parse(&long).is_err());
        assert!(HttpMessage::parse(b"HTTP/1.1 abc OK\r\n\r\n").is_err());
        assert!(HttpMessage::parse(b"FOO / HTTP/1.1\r\n\r\n").is_err());
    }

    #[test]
    fn test_methods_are_tshark_s() {
        // Recognised by tshark 4.0.17 but missing from one of the two old lists.
        for m in [
            "M-POST",
            "RPC_CONNECT",
            "SSTP_DUPLEX_POST",
            "BCOPY",
            "CHECKIN",
        ] {
            let req = format!("{m} /x HTTP/1.1\r\nHost: a\r\n\r\n");
            assert!(looks_like_http(req.as_bytes()), "{m}");
            assert_eq!(
                HttpMessage::parse(req.as_bytes()).unwrap().method(),
                Some(m.as_bytes())
            );
        }
        // Listed by the old CLI list, but tshark 4.0.17 shows no method.
        for m in ["SSDP", "LINK", "PURGE", "ACL", "CCM_GET", "X-MS-ENUMATTS"] {
            let req = format!("{m} /x HTTP/1.1\r\n\r\n");
            assert!(!looks_like_http(req.as_bytes()), "{m}");
            assert!(start_line(req.as_bytes()).is_err(), "{m}");
        }
        assert!(!looks_like_http(b"get / HTTP/1.1\r\n"), "case-sensitive");
    }

    #[test]
    fn test_tshark_ports_sorted_and_matched() {
        assert!(TSHARK_TCP_PORTS.windows(2).all(|w| w[0] < w[1]));
        for p in 0..=u16::MAX {
            assert_eq!(is_tshark_tcp_port(p), TSHARK_TCP_PORTS.contains(&p), "{p}");
        }
        // 8000 is not an HTTP port to tshark: HTTP there comes from the heuristic.
        assert!(!is_tshark_tcp_port(8000));
        assert!(is_tshark_tcp_port(11371) && is_tshark_tcp_port(631));
    }

    use pcap_core::capture::synth::raw_ipv4_tcp as tcp_frame;

    #[test]
    fn test_dissector_uses_tshark_ports() {
        let dissector = crate::Dissector::new(crate::Config::all());
        for (port, http) in [
            (80, true),
            (11371, true),
            (631, true),
            (1900, true),
            (8000, false),
            (22, false),
        ] {
            let frame = tcp_frame(port, GET);
            let d = dissector.dissect(crate::dissect::LinkType::RAW, &frame);
            assert!(d.error.is_none(), "{port}: {:?}", d.error);
            assert_eq!(d.http.is_some(), http, "port {port}");
        }
    }
}
