//! [`Session`]: the per-connection state tshark 4.0 keeps to read each TCP
//! segment of a TLS (or SSL 2.0) conversation with TCP reassembly off, and
//! the [`Columns`] it shows for the segment.
//!
//! tshark reads one segment at a time, but what it shows depends on what it
//! saw before: the session's version (from the first non-ClientHello
//! record, then the ServerHello: TLS 1.3 application-data records are shown
//! as opaque, SSL 2.0 sessions read every record as SSL 2.0), whether a
//! side has sent ChangeCipherSpec in an earlier segment (its handshake
//! records are then encrypted), and handshake messages split over records,
//! which it joins per direction. No TCP reassembly happens here: a record
//! cut by the segment end is not shown, as with tshark's
//! `tcp.desegment_tcp_streams:FALSE`.
//!
//! Panic contract: every read is checked; the only buffer is the partial
//! handshake message of each side, capped at [`MAX_HANDSHAKE_LEN`].

use super::columns::Columns;
use super::handshake::handshake_type;
use super::hello::Hello;
use super::ja4::Transport;
use super::record::content_type;
use super::sslv2;

/// TLS 1.3's version.
const TLS13: u16 = 0x0304;

/// Largest handshake message joined across records: tshark takes a
/// message announcing 64 KiB or more for encrypted data.
pub const MAX_HANDSHAKE_LEN: usize = 0x1_0000 + 4;

/// Which side of the connection sent a segment. Any consistent labeling
/// works (the state is kept per side); [`Side::Initiator`] is natural for
/// the TCP client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The side that opened the connection.
    Initiator,
    /// The other side.
    Responder,
}

/// What tshark remembers of one direction.
#[derive(Debug, Clone, Default)]
struct Direction {
    /// Segment number of this side's first ChangeCipherSpec.
    ccs_segment: Option<u64>,
    /// A handshake message begun in an earlier record, being joined.
    partial: Option<Vec<u8>>,
}

/// The state of one TLS conversation, fed its TCP payloads in capture
/// order (both directions).
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The session's version once known: `0x0002` for SSL 2.0,
    /// `0x0300..=0x0304` (TLS 1.3 drafts count as `0x0304`).
    version: Option<u16>,
    /// Number of segments seen, the current one included.
    segments: u64,
    sides: [Direction; 2],
}

/// tshark gives up on the rest of a segment (an exception, or nothing it
/// can read): no more columns from it.
struct Stop;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be24(b: &[u8], at: usize) -> Option<usize> {
    Some(
        (usize::from(*b.get(at)?) << 16)
            | (usize::from(*b.get(at + 1)?) << 8)
            | usize::from(*b.get(at + 2)?),
    )
}

/// The session version a message's `version` stands for, if any.
fn session_version(version: u16) -> Option<u16> {
    match version {
        0x0300..=0x0304 | 0x0101 => Some(version),
        0x7f00..=0x7fff | 0xfb17 | 0xfb1a => Some(TLS13),
        _ => None,
    }
}

/// Whether `bytes` looks like a record header tshark accepts when it does
/// not know the session version yet: a valid content type and a known
/// version.
fn looks_like_sslv3(bytes: &[u8]) -> bool {
    match (bytes.first(), be16(bytes, 1)) {
        (Some(&ct), Some(v)) => content_type::is_valid(ct) && matches!(v, 0x0300..=0x0304 | 0x0101),
        _ => false,
    }
}

impl Session {
    /// A session that has seen nothing yet.
    pub fn new() -> Self {
        Session::default()
    }

    /// The session's version once a record or hello settled it (`0x0002`
    /// for SSL 2.0, `0x0304` for TLS 1.3 and its drafts).
    pub fn version(&self) -> Option<u16> {
        self.version
    }

    /// Reads one TCP segment's payload sent by `side` and returns the
    /// `tls.*` columns tshark shows for it.
    pub fn segment(&mut self, payload: &[u8], side: Side) -> Columns {
        self.segments += 1;
        let mut out = Columns::default();
        // tshark refuses a segment that starts with four printable
        // characters: it is a plain-text protocol, not TLS.
        if payload.len() > 4 && payload[..4].iter().all(|&b| (0x20..0x7f).contains(&b)) {
            return out;
        }
        let mut pos = 0;
        while pos < payload.len() {
            let step = match self.version {
                Some(sslv2::RECORD_VERSION) => self.sslv2_record(payload, pos, &mut out),
                Some(0x0300..=0x0303 | 0x0101) => {
                    if payload.len() - pos < 5 {
                        break;
                    }
                    if sslv2::is_v2_client_hello(&payload[pos..]) {
                        self.sslv2_record(payload, pos, &mut out)
                    } else {
                        self.tls_record(payload, pos, side, &mut out)
                    }
                }
                _ => {
                    if payload.len() - pos < 5 {
                        break;
                    }
                    let rest = &payload[pos..];
                    if sslv2::looks_like_sslv2(rest) {
                        self.sslv2_record(payload, pos, &mut out)
                    } else if looks_like_sslv3(rest) {
                        self.tls_record(payload, pos, side, &mut out)
                    } else {
                        break;
                    }
                }
            };
            match step {
                Ok(next) => pos = next,
                Err(Stop) => break,
            }
        }
        out
    }

    /// One SSL 3.0/TLS record at `pos`; the offset after it.
    fn tls_record(
        &mut self,
        payload: &[u8],
        pos: usize,
        side: Side,
        out: &mut Columns,
    ) -> Result<usize, Stop> {
        let rest = &payload[pos..];
        let ct = *rest.first().ok_or(Stop)?;
        // TLS 1.0 to 1.2 ignore a record of unknown type, and so the rest.
        if matches!(self.version, Some(0x0301..=0x0303 | 0x0101)) && !content_type::is_valid(ct) {
            return Err(Stop);
        }
        let version = be16(rest, 1).ok_or(Stop)?;
        let len = usize::from(be16(rest, 3).ok_or(Stop)?);
        if !content_type::is_valid(ct) {
            return Ok(pos + 5 + len);
        }
        // A record cut by the segment end is not shown (no reassembly).
        let fragment = rest.get(5..5 + len).ok_or(Stop)?;
        if !(self.version == Some(TLS13) && ct == content_type::APPLICATION_DATA) {
            out.content_type.push(ct);
        }
        out.record_version.push(version);
        if self.version.is_none() {
            // The byte after the header: the next record's when this one
            // is empty, and an exception at the end of the segment.
            let next = *rest.get(5).ok_or(Stop)?;
            self.try_set_version(ct, next, version);
        }
        match ct {
            // A dummy in TLS 1.3; it starts encryption before that.
            content_type::CHANGE_CIPHER_SPEC if self.version != Some(TLS13) => {
                let segments = self.segments;
                self.side(side).ccs_segment.get_or_insert(segments);
            }
            content_type::HANDSHAKE => self.handshake_record(fragment, side, out),
            _ => {}
        }
        Ok(pos + 5 + len)
    }

    fn side(&mut self, side: Side) -> &mut Direction {
        &mut self.sides[match side {
            Side::Initiator => 0,
            Side::Responder => 1,
        }]
    }

    /// tshark's `ssl_try_set_version`: every message but a ClientHello
    /// (which only offers) settles the session's version.
    fn try_set_version(&mut self, ct: u8, hs_type: u8, version: u16) {
        let authoritative = if ct == content_type::HANDSHAKE {
            handshake_type::is_known(hs_type) && hs_type != handshake_type::CLIENT_HELLO
        } else {
            content_type::is_valid(ct)
        };
        if authoritative && let Some(v) = session_version(version) {
            self.version = Some(v);
        }
    }

    /// Whether a handshake record's fragment looks encrypted (tshark's
    /// heuristics, as it holds no keys).
    fn is_encrypted(&self, fragment: &[u8], side: Side) -> bool {
        if fragment.len() < 16 {
            return false;
        }
        // An explicit GCM/CCM nonce often starts with zeros.
        if fragment[..5].iter().all(|&b| b == 0) {
            return true;
        }
        let dir = &self.sides[usize::from(side == Side::Responder)];
        if dir.ccs_segment.is_some_and(|s| s < self.segments) {
            return true;
        }
        if !handshake_type::is_known(fragment[0]) {
            return true;
        }
        be24(fragment, 1).is_some_and(|len| len >= 0x1_0000)
    }

    /// The handshake messages of one record.
    fn handshake_record(&mut self, fragment: &[u8], side: Side, out: &mut Columns) {
        let mut at = 0;
        let mut first = true;
        if let Some(mut partial) = self.side(side).partial.take() {
            // Join this record to the message begun before.
            let mut wanted = fragment.len();
            // The message length: its bytes 1..4, from the part kept and
            // this fragment.
            let head: Vec<u8> = partial.iter().chain(fragment).take(4).copied().collect();
            if let Some(body) = be24(&head, 1) {
                let total = body + 4;
                wanted = wanted.min(total.saturating_sub(partial.len()));
                partial.extend_from_slice(&fragment[..wanted]);
                if partial.len() == total {
                    self.message(&partial, true, out);
                    at = wanted;
                    first = false;
                } else {
                    self.keep_partial(side, partial);
                    return;
                }
            } else {
                partial.extend_from_slice(fragment);
                self.keep_partial(side, partial);
                return;
            }
        } else if self.is_encrypted(fragment, side) {
            return;
        }
        while at < fragment.len() {
            let rest = &fragment[at..];
            let total = be24(rest, 1).map(|l| l + 4);
            match total {
                Some(total) if total <= rest.len() => {
                    self.message(&rest[..total], first, out);
                    at += total;
                    first = false;
                }
                _ => {
                    self.keep_partial(side, rest.to_vec());
                    break;
                }
            }
        }
    }

    fn keep_partial(&mut self, side: Side, partial: Vec<u8>) {
        if partial.len() <= MAX_HANDSHAKE_LEN {
            self.side(side).partial = Some(partial);
        }
    }

    /// One whole handshake message (header included).
    fn message(&mut self, msg: &[u8], first: bool, out: &mut Columns) {
        let Some(&t) = msg.first() else { return };
        let known = handshake_type::is_known(t);
        if !known && !first {
            return;
        }
        let body = msg.get(4..).unwrap_or(&[]);
        if first && t == handshake_type::SERVER_HELLO && body.len() > 2 {
            let version = Hello::parse_server(body)
                .map(|h| h.negotiated_version())
                .ok()
                .or_else(|| be16(body, 0));
            if let Some(v) = version {
                self.try_set_version(content_type::HANDSHAKE, t, v);
            }
        }
        if !known {
            return;
        }
        hello_columns(t, body, Transport::Tcp, out);
    }

    /// One SSL 2.0 record at `pos`; the offset after it.
    fn sslv2_record(
        &mut self,
        payload: &[u8],
        pos: usize,
        out: &mut Columns,
    ) -> Result<usize, Stop> {
        let (header_len, len) = sslv2::Sslv2Record::header(&payload[pos..]).ok_or(Stop)?;
        let end = pos + header_len + len;
        if end > payload.len() {
            return Err(Stop);
        }
        let at = pos + header_len;
        let t = *payload.get(at).ok_or(Stop)?;
        if self.version.is_none() && (2..=sslv2::msg_type::CLIENT_CERTIFICATE).contains(&t) {
            self.version = Some(sslv2::RECORD_VERSION);
        }
        let valid = t <= sslv2::msg_type::CLIENT_CERTIFICATE
            && sslv2::looks_like_valid_handshake(payload, at, len).ok_or(Stop)?;
        out.record_version.push(sslv2::RECORD_VERSION);
        if !valid {
            return Ok(end);
        }
        out.handshake_type.push(t);
        let version = match t {
            sslv2::msg_type::CLIENT_HELLO => be16(payload, at + 1),
            sslv2::msg_type::SERVER_HELLO => be16(payload, at + 3),
            _ => None,
        };
        if let Some(v) = version.filter(|&v| sslv2::is_known_version(v)) {
            out.handshake_version.push(v);
        }
        Ok(end)
    }
}

/// The columns of one known handshake message of type `t` (`body` after
/// its 4-byte header): its type, and for a ClientHello or ServerHello its
/// version, suites, names, ALPN, versions and fingerprints (JA4 with
/// `transport`'s letter). Shared by TLS records and QUIC CRYPTO frames.
pub(crate) fn hello_columns(t: u8, body: &[u8], transport: Transport, out: &mut Columns) {
    out.handshake_type.push(t);
    if t != handshake_type::CLIENT_HELLO && t != handshake_type::SERVER_HELLO {
        return;
    }
    if let Some(v) = be16(body, 0) {
        out.handshake_version.push(v);
    }
    let parsed = if t == handshake_type::CLIENT_HELLO {
        Hello::parse_client(body)
    } else {
        Hello::parse_server(body)
    };
    let Ok(hello) = parsed else { return };
    out.cipher_suite.extend_from_slice(&hello.cipher_suites);
    out.server_name
        .extend(hello.server_names.iter().map(|n| n.to_vec()));
    out.alpn.extend(hello.alpn.iter().map(|n| n.to_vec()));
    out.supported_version
        .extend_from_slice(&hello.supported_versions);
    if hello.malformed {
        return;
    }
    if t == handshake_type::CLIENT_HELLO {
        out.ja3.push(hello.ja3());
        out.ja4.push(hello.ja4_for(transport));
    } else {
        out.ja3s.push(hello.ja3s());
    }
}
