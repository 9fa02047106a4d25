//! TLS handshakes joined across TCP segments: each direction's records are
//! cut at record boundaries (a record the segment ends inside waits for
//! the next segments, as tshark's reassembly makes it wait), and the whole
//! records are read by [`Session`], which keeps tshark's view of the
//! connection (its version, which records are encrypted, handshake
//! messages split over records). Once a direction has shown application
//! data, an alert or a handshake message other than a hello, nothing more
//! of it is needed: it is no longer read.

use super::limits::Limits;
use super::values::{Key, SessionMeta};
use crate::tls::columns::ascii_text;
use crate::tls::handshake::handshake_type;
use crate::tls::record::{self, content_type};
use crate::tls::{Columns, Session, Side};

/// Where a direction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Reading records.
    #[default]
    Reading,
    /// The hellos are behind: nothing more is read.
    Done,
}

/// One direction.
#[derive(Debug, Default)]
struct Direction {
    state: State,
    /// The start of a record not yet whole.
    partial: Vec<u8>,
    /// Bytes read so far.
    read: usize,
    /// Segments that did not start with a TLS record.
    misses: u8,
}

/// Segments of a direction that may start with something other than a TLS
/// record before it has shown one, before TLS is given up for it (on a
/// TLS port carrying something else).
const MAX_MISSES: u8 = 4;

/// A connection's TLS reader.
#[derive(Debug, Default)]
pub(super) struct Tls {
    session: Session,
    sides: [Direction; 2],
    /// Whether the first ClientHello's JA4 was taken.
    ja4_taken: bool,
}

/// How the start of `bytes` splits into TLS records: the length of the
/// whole records at its start, and whether what follows is the start of a
/// record (else it is not TLS: nothing to wait for).
fn whole_records(bytes: &[u8]) -> (usize, bool) {
    let mut at = 0;
    loop {
        let Some(rest) = bytes.get(at..).filter(|r| !r.is_empty()) else {
            return (at, false);
        };
        if !content_type::is_valid(rest[0]) {
            return (at, false);
        }
        let Some(header) = rest.get(..record::HEADER_LEN) else {
            return (at, true);
        };
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if len > record::MAX_FRAGMENT_LEN {
            return (at, false);
        }
        if rest.len() < record::HEADER_LEN + len {
            return (at, true);
        }
        at += record::HEADER_LEN + len;
    }
}

/// Whether `bytes` (whole records) hold a record after which this
/// direction has nothing more to show: application data or an alert.
fn ends_handshake(bytes: &[u8]) -> bool {
    crate::tls::Records::new(bytes).any(|r| {
        matches!(
            r.content_type,
            content_type::APPLICATION_DATA | content_type::ALERT
        )
    })
}

impl Tls {
    /// Whether both directions are done (the connection needs no more
    /// reading).
    pub(super) fn done(&self) -> bool {
        self.sides.iter().all(|s| s.state == State::Done)
    }

    /// Bytes buffered now.
    pub(super) fn buffered(&self) -> usize {
        self.sides.iter().map(|s| s.partial.capacity()).sum()
    }

    /// Bytes were lost in direction `side`: a record begun is dropped.
    pub(super) fn gap(&mut self, side: usize) {
        if let Some(d) = self.sides.get_mut(side) {
            d.partial = Vec::new();
        }
    }

    /// The next in-order bytes of direction `side` (0: initiator).
    pub(super) fn chunk(
        &mut self,
        side: usize,
        bytes: &[u8],
        meta: &mut SessionMeta,
        limits: &Limits,
    ) {
        let Some(dir) = self.sides.get_mut(side) else {
            return;
        };
        if dir.state == State::Done || bytes.is_empty() {
            return;
        }
        let joined;
        let data: &[u8] = if dir.partial.is_empty() {
            bytes
        } else {
            if dir.partial.len() + bytes.len() > limits.per_direction_buffer {
                // A record this long is no hello worth waiting for.
                dir.partial = Vec::new();
                dir.state = State::Done;
                return;
            }
            let mut p = std::mem::take(&mut dir.partial);
            p.extend_from_slice(bytes);
            joined = p;
            &joined
        };
        let (whole, waits) = whole_records(data);
        let tls_side = if side == 0 {
            Side::Initiator
        } else {
            Side::Responder
        };
        if whole == 0 && !waits {
            // Not TLS records (SSL 2.0 hellos give no metadata either):
            // a direction that does not start with records is given up.
            let dir = &mut self.sides[side];
            dir.misses = dir.misses.saturating_add(1);
            if dir.misses >= MAX_MISSES && dir.read == 0 {
                dir.state = State::Done;
            }
            return;
        }
        let shown = &data[..whole];
        if !shown.is_empty() {
            let cols = self.session.segment(shown, tls_side);
            let ended = ends_handshake(&data[..whole]);
            let other_message = cols
                .handshake_type
                .iter()
                .any(|&t| t != handshake_type::CLIENT_HELLO && t != handshake_type::SERVER_HELLO);
            record(&cols, meta, limits, &mut self.ja4_taken);
            let dir = &mut self.sides[side];
            dir.read += shown.len();
            if ended || other_message || dir.read > limits.tls_bytes {
                dir.state = State::Done;
                return;
            }
        }
        let dir = &mut self.sides[side];
        if waits {
            let rest = &data[whole..];
            if rest.len() <= limits.per_direction_buffer {
                dir.partial = rest.to_vec();
            }
        }
    }
}

/// Adds the values of one read to `meta` (over TCP, or from QUIC).
pub(super) fn record(
    cols: &Columns,
    meta: &mut SessionMeta,
    limits: &Limits,
    ja4_taken: &mut bool,
) {
    for name in &cols.server_name {
        meta.add(Key::TlsSni, &ascii_text(name), limits);
    }
    for name in &cols.alpn {
        meta.add(Key::TlsAlpn, &ascii_text(name), limits);
    }
    for ja3 in &cols.ja3 {
        meta.add(Key::Ja3, ja3, limits);
    }
    for ja3s in &cols.ja3s {
        meta.add(Key::Ja3s, ja3s, limits);
    }
    if let Some(ja4) = cols.ja4.first()
        && !*ja4_taken
    {
        *ja4_taken = true;
        meta.add(Key::Ja4, ja4, limits);
    }
}
