//! TLS over TCP as tshark 4.0 follows it with reassembly off (and TLS in
//! QUIC Initial packets, handed to [`quic::Flows`](crate::quic::Flows)): which
//! conversations are TLS, and each one's [`Session`] fed with its segments
//! in capture order, so that every packet gets the `tls.*` columns tshark
//! prints for it.
//!
//! A conversation is TLS when one of its ports is a TLS port
//! ([`TLS_TCP_PORTS`]) or, on other ports but HTTP's, from its first
//! payload that passes [`looks_like_tls`] (STARTTLS included: the plain-text
//! prologue does not pass, the first TLS record does). Retransmitted and
//! out-of-order segments are not handed on, as tshark's TCP analysis hands
//! none to the protocol above.

use std::collections::HashMap;
use std::net::IpAddr;

use pcap_core::IpProto;

use super::{Columns, Session, Side, looks_like_tls};
use crate::Dissection;
use crate::http::TSHARK_TCP_PORTS as HTTP_PORTS;

/// tshark 4.0's TCP ports for TLS: the application protocols that
/// register TLS on a port (HTTPS, SMTPS, NNTPS, LDAPS, DNS over TLS, FTPS,
/// TELNETS, IMAPS, IRCS, POP3S, SIPS, HTTPS-alt).
pub const TLS_TCP_PORTS: [u16; 13] = [
    443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443,
];

/// How many conversations are followed at once; past it, the table starts
/// over (a bound on memory for endless captures; tshark keeps them all).
const MAX_CONVERSATIONS: usize = 1 << 20;

/// An address and port.
type Endpoint = (IpAddr, u16);

/// One TCP conversation.
struct Conversation {
    initiator: Endpoint,
    tls: bool,
    session: Session,
    /// Per side (initiator, responder): the sequence number after the
    /// highest data seen.
    next_seq: [Option<u32>; 2],
}

/// Every TCP conversation of a capture, for its `tls.*` columns, and
/// every QUIC connection ([`quic::Flows`](crate::quic::Flows): the TLS
/// hellos of its Initial packets).
#[derive(Default)]
pub struct Conversations {
    table: HashMap<(Endpoint, Endpoint), Conversation>,
    quic: crate::quic::Flows,
}

impl std::fmt::Debug for Conversations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversations")
            .field("conversations", &self.table.len())
            .finish()
    }
}

/// Whether `a` is before `b` in sequence space.
fn seq_before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// The TCP segment of a dissected packet: (source, destination, sequence
/// number, payload as far as the IP length says and the capture holds).
fn segment<'a>(d: &Dissection<'a>) -> Option<(Endpoint, Endpoint, u32, &'a [u8])> {
    let s = &d.summary;
    if !s.has_l4 || s.protocol != IpProto::TCP.0 || s.is_fragment {
        return None;
    }
    let ip = s.ip?;
    let l4 = usize::from(s.l4_offset);
    let hlen = usize::from(d.data.get(l4 + 12)? >> 4) * 4;
    let payload = d.data.get(l4 + hlen..)?;
    let declared = usize::try_from(s.payload_len).unwrap_or(usize::MAX);
    let payload = payload.get(..declared).unwrap_or(payload);
    Some(((ip.src, s.sport), (ip.dst, s.dport), s.tcp_seq, payload))
}

impl Conversations {
    /// No conversation yet.
    pub fn new() -> Self {
        Conversations::default()
    }

    /// The `tls.*` columns of a packet (dissected to the transport layer at
    /// least), fed to its conversation's session; empty for a packet that
    /// carries no TLS (or that tshark would not hand to TLS).
    pub fn packet(&mut self, d: &Dissection<'_>) -> Columns {
        if d.summary.protocol == IpProto::UDP.0 {
            return self.quic.packet(d);
        }
        let Some((src, dst, seq, payload)) = segment(d) else {
            return Columns::default();
        };
        if payload.is_empty() {
            return Columns::default();
        }
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        if self.table.len() >= MAX_CONVERSATIONS && !self.table.contains_key(&key) {
            self.table.clear();
        }
        let ports = [src.1, dst.1];
        let c = self.table.entry(key).or_insert_with(|| Conversation {
            initiator: src,
            tls: ports.iter().any(|p| TLS_TCP_PORTS.contains(p)),
            session: Session::new(),
            next_seq: [None; 2],
        });
        let side = if src == c.initiator {
            Side::Initiator
        } else {
            Side::Responder
        };
        let next = &mut c.next_seq[usize::from(side == Side::Responder)];
        let end = seq.wrapping_add(u32::try_from(payload.len()).unwrap_or(u32::MAX));
        let resent = next.is_some_and(|n| seq_before(seq, n));
        if next.is_none_or(|n| seq_before(n, end)) {
            *next = Some(end);
        }
        // The heuristic runs only where HTTP does not take the
        // conversation first.
        let http = ports.iter().any(|p| HTTP_PORTS.contains(p));
        c.tls |= !http && looks_like_tls(payload);
        if c.tls && !resent {
            c.session.segment(payload, side)
        } else {
            Columns::default()
        }
    }
}
