//! [`Extractor`]: the metadata state of one live session, fed its packets.

use pcap_core::{IpProto, TcpFlags};

use super::dns::{self, TcpDns};
use super::http::Http;
use super::limits::Limits;
use super::quic::Quic;
use super::stream::{Chunk, Stream};
use super::tls::Tls;
use super::values::SessionMeta;
use crate::Dissection;
use crate::http::{is_tshark_tcp_port, looks_like_http};
use crate::tls::{TLS_TCP_PORTS, looks_like_tls};

/// The DNS port: a TCP connection to or from it carries length-prefixed
/// DNS messages and nothing else is looked for.
const DNS_PORT: u16 = 53;

/// The UDP ports the dissector reads DNS on (DNS, mDNS, LLMNR), for
/// packets dissected without it.
const DNS_UDP_PORTS: [u16; 3] = [53, 5353, 5355];

/// Ports whose own protocol tshark gives a connection before any content
/// heuristic: no HTTP is looked for there (a `GET` sent to an SSH server
/// is SSH to tshark).
const NOT_HTTP_PORTS: [u16; 1] = [22];

/// One TCP segment, for callers that hold the segment rather than a
/// [`Dissection`] (e.g. one rebuilt from IP fragments).
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number (raw).
    pub seq: u32,
    /// The flags byte (SYN = 0x02, see [`TcpFlags::byte`](pcap_core::TcpFlags::byte)).
    pub flags: u8,
    /// The payload, as far as it was captured.
    pub payload: &'a [u8],
    /// The payload's length on the wire (the IP length less the headers):
    /// more than `payload.len()` when the capture cut the packet.
    pub wire_len: usize,
}

/// What a TCP session needs beyond its values.
#[derive(Debug, Default)]
struct TcpState {
    /// Per direction (initiator first).
    streams: [Stream; 2],
    tls: Tls,
    /// Whether the connection is read as TLS.
    tls_on: bool,
    http: Http,
    dns: [TcpDns; 2],
    /// Ports fixed from the first segment: (TLS port, HTTP port, DNS).
    ports_seen: bool,
    tls_port: bool,
    http_port: bool,
    dns_port: bool,
    /// Whether HTTP may be found here (see [`NOT_HTTP_PORTS`]).
    http_allowed: bool,
}

/// The metadata state of one live session (one per TCP connection or UDP
/// flow); see the [module](super) for what it finds.
///
/// Feed it every packet of the session with [`Extractor::packet`] (or the
/// lower-level [`Extractor::tcp_segment`] and [`Extractor::dns_message`]),
/// then take the values with [`Extractor::finish`] (or look at them on the
/// way with [`Extractor::meta`]). Memory stays within the [`Limits`] given.
#[derive(Debug)]
pub struct Extractor {
    limits: Limits,
    meta: SessionMeta,
    /// Boxed, and made with the first TCP payload, so that a session
    /// without one costs only the values.
    tcp: Option<Box<TcpState>>,
    /// Made with a UDP session's first QUIC v1 long header.
    quic: Option<Box<Quic>>,
    /// Each side's SYN sequence number, seen before `tcp` was made.
    syn_seq: [Option<u32>; 2],
    /// Where values are formatted before they are compared with those
    /// kept (allocated with the first).
    scratch: String,
}

impl Extractor {
    /// A session that has seen nothing yet.
    pub fn new(limits: &Limits) -> Self {
        Extractor {
            limits: *limits,
            meta: SessionMeta::new(),
            tcp: None,
            quic: None,
            syn_seq: [None; 2],
            scratch: String::new(),
        }
    }

    /// One packet of the session, dissected by
    /// [`Dissector`](crate::Dissector) to the transport layer at least
    /// (any [`Config`](crate::Config): [`Config::minimal`](crate::Config::minimal)
    /// is enough and the cheapest; DNS messages the dissector parsed are
    /// used, else UDP payloads on the DNS ports are parsed here, and TCP
    /// payloads are always read here); `from_initiator` says whether it
    /// was sent by the side that opened the session.
    ///
    /// TCP segments are joined per direction; UDP datagrams give their DNS
    /// messages. IP fragments are skipped: pass the reassembled datagram
    /// instead (dissected, or through [`Extractor::tcp_segment`] /
    /// [`Extractor::dns_message`]).
    pub fn packet(&mut self, d: &Dissection<'_>, from_initiator: bool) {
        let s = &d.summary;
        if !s.has_l4 || s.is_fragment || s.ip.is_none() {
            return;
        }
        match IpProto(s.protocol) {
            IpProto::TCP => {
                if let Some(seg) = tcp_segment(d) {
                    self.tcp_segment(&seg, from_initiator);
                }
            }
            IpProto::UDP => {
                let mut parsed = false;
                for hit in d.dns.iter().filter(|h| !h.quoted) {
                    dns::message(&hit.header, &mut self.meta, &self.limits, &mut self.scratch);
                    parsed = true;
                }
                if !parsed
                    && (DNS_UDP_PORTS.contains(&s.sport) || DNS_UDP_PORTS.contains(&s.dport))
                    && let Some(msg) = udp_payload(d)
                {
                    // Dissected without DNS (a transport-depth config).
                    dns::raw_message(msg, &mut self.meta, &self.limits, &mut self.scratch);
                }
                if !parsed && let Some(payload) = udp_payload(d) {
                    self.udp_quic(s.sport, s.dport, payload, from_initiator);
                }
            }
            _ => {}
        }
    }

    /// Whether `d`, a packet of a session that has no extractor yet, is
    /// worth making one for: whether an extractor would do anything with
    /// it. Until such a packet comes, a caller may leave a session without
    /// an extractor (most sessions of bulk traffic never need one) and
    /// start it with that packet: the values found are the same as if it
    /// had been fed every packet (what it skips would have been dropped:
    /// a segment that starts neither a TLS record nor an HTTP head, on a
    /// port that is neither TLS's nor DNS's; a UDP datagram with neither
    /// DNS nor a QUIC v1 long header).
    /// IP fragments are not judged here (their datagram is, once whole).
    pub fn worth_starting(d: &Dissection<'_>) -> bool {
        let s = &d.summary;
        if !s.has_l4 || s.is_fragment || s.ip.is_none() {
            return false;
        }
        let ports = [s.sport, s.dport];
        match IpProto(s.protocol) {
            IpProto::UDP => {
                d.dns.iter().any(|h| !h.quoted)
                    || ports.iter().any(|p| DNS_UDP_PORTS.contains(p))
                    || udp_payload(d).is_some_and(crate::quic::looks_like_quic_v1)
            }
            IpProto::TCP => {
                if ports.contains(&DNS_PORT) || ports.iter().any(|p| TLS_TCP_PORTS.contains(p)) {
                    return true;
                }
                let Some(seg) = tcp_segment(d) else {
                    return false;
                };
                segment_worth_starting(&seg)
            }
            _ => false,
        }
    }

    /// [`Extractor::worth_starting`] for a TCP segment held by the caller
    /// (one put together from IP fragments).
    pub fn segment_worth_starting(seg: &TcpSegment<'_>) -> bool {
        segment_worth_starting(seg)
    }

    /// One DNS message (a UDP datagram's payload) of the session.
    pub fn dns_message(&mut self, msg: &[u8]) {
        dns::raw_message(msg, &mut self.meta, &self.limits, &mut self.scratch);
    }

    /// One UDP datagram's payload of the session, read for QUIC v1
    /// Initial packets (from the first datagram with a v1 long header on
    /// a port other than DNS's); `from_initiator` as for
    /// [`Extractor::packet`].
    pub fn udp_quic(&mut self, sport: u16, dport: u16, payload: &[u8], from_initiator: bool) {
        if self.quic.is_none() {
            let dns_port = DNS_UDP_PORTS.contains(&sport) || DNS_UDP_PORTS.contains(&dport);
            if dns_port || !crate::quic::looks_like_quic_v1(payload) {
                return;
            }
            self.quic = Some(Box::default());
        }
        if let Some(q) = self.quic.as_mut() {
            q.datagram(payload, from_initiator, &mut self.meta, &self.limits);
        }
    }

    /// One UDP datagram of the session, from port `sport` to `dport`,
    /// held by the caller rather than dissected (e.g. one put together
    /// from IP fragments): its DNS message, on the DNS ports, as
    /// [`Extractor::packet`] reads it.
    pub fn udp_datagram(&mut self, sport: u16, dport: u16, payload: &[u8]) {
        if DNS_UDP_PORTS.contains(&sport) || DNS_UDP_PORTS.contains(&dport) {
            self.dns_message(payload);
        }
    }

    /// One TCP segment of the session; `from_initiator` as for
    /// [`Extractor::packet`].
    pub fn tcp_segment(&mut self, seg: &TcpSegment<'_>, from_initiator: bool) {
        let side = usize::from(!from_initiator);
        let syn = seg.flags & TcpFlags::SYN.byte() != 0;
        if seg.payload.is_empty() && seg.wire_len == 0 {
            // Nothing to read (a handshake, an ACK): the state is not even
            // touched (it is likely out of the cache), but for where each
            // side's data starts.
            if syn {
                match self.tcp.as_mut() {
                    None => self.syn_seq[side] = Some(seg.seq),
                    Some(st) => {
                        st.streams[side].segment(seg.seq, true, &[], 0, &self.limits, |_| {})
                    }
                }
            }
            return;
        }
        let limits = &self.limits;
        let meta = &mut self.meta;
        let scratch = &mut self.scratch;
        let syn_seq = self.syn_seq;
        let st = self.tcp.get_or_insert_with(|| {
            let mut st = Box::<TcpState>::default();
            for (stream, seq) in st.streams.iter_mut().zip(syn_seq) {
                if let Some(seq) = seq {
                    stream.segment(seq, true, &[], 0, limits, |_| {});
                }
            }
            st
        });
        if !st.ports_seen {
            st.ports_seen = true;
            let ports = [seg.sport, seg.dport];
            st.tls_port = ports.iter().any(|p| TLS_TCP_PORTS.contains(p));
            st.http_port = ports.iter().any(|&p| is_tshark_tcp_port(p));
            st.dns_port = ports.contains(&DNS_PORT);
            st.http_allowed = !ports.iter().any(|p| NOT_HTTP_PORTS.contains(p));
            st.tls_on = st.tls_port;
        }
        let TcpState {
            streams,
            tls,
            tls_on,
            http,
            dns,
            http_port,
            dns_port,
            http_allowed,
            ..
        } = &mut **st;
        streams[side].segment(
            seg.seq,
            syn,
            seg.payload,
            seg.wire_len,
            limits,
            |chunk| match chunk {
                Chunk::Gap => {
                    tls.gap(side);
                    http.gap(side);
                    dns[side].gap();
                }
                Chunk::Data {
                    bytes,
                    seg_start,
                    cut,
                } => {
                    if *dns_port {
                        dns[side].chunk(bytes, seg_start, meta, limits, scratch);
                        return;
                    }
                    if !*tls_on && seg_start && !*http_port && looks_like_tls(bytes) {
                        *tls_on = true;
                    }
                    if *tls_on {
                        tls.chunk(side, bytes, meta, limits);
                    }
                    if *http_allowed {
                        http.chunk(side, bytes, seg_start, cut, meta, limits);
                    }
                }
            },
        );
    }

    /// The values found so far.
    pub fn meta(&self) -> &SessionMeta {
        &self.meta
    }

    /// Bytes held now to join segments (within the [`Limits`]; the values
    /// are counted by [`SessionMeta::bytes`]).
    pub fn buffered(&self) -> usize {
        self.tcp.as_ref().map_or(0, |st| {
            st.streams.iter().map(Stream::held_bytes).sum::<usize>()
                + st.tls.buffered()
                + st.http.buffered()
                + st.dns.iter().map(TcpDns::buffered).sum::<usize>()
        }) + self.quic.as_ref().map_or(0, |q| q.buffered())
    }

    /// Whether the TLS handshake of this TCP session has been read through
    /// in both directions, or both hellos of this QUIC session were read
    /// (nothing more of TLS is needed).
    pub fn tls_done(&self) -> bool {
        self.tcp.as_ref().is_some_and(|st| st.tls.done())
            || self.quic.as_ref().is_some_and(|q| q.done())
    }

    /// The bytes this session holds beyond its own fixed size (some 120
    /// bytes): the values kept, the TCP reading state once made and what
    /// it buffers to join segments (what a caller adds up to keep many
    /// sessions within a total budget).
    pub fn memory(&self) -> usize {
        self.scratch.capacity()
            + self.meta.bytes()
            + self
                .tcp
                .as_ref()
                .map_or(0, |_| std::mem::size_of::<TcpState>() + self.buffered())
    }

    /// Drops what joins TCP segments (buffers, hello and head readers),
    /// keeping the values found: for a caller that reads no more of the
    /// session, or is over its memory budget. A later segment would start
    /// the session's TCP reading afresh.
    pub fn release_buffers(&mut self) {
        self.tcp = None;
        self.scratch = String::new();
    }

    /// The session's values.
    pub fn finish(self) -> SessionMeta {
        self.meta
    }
}

/// Whether a TCP segment of a session with no state yet starts
/// something read here: on the DNS or a TLS port anything; elsewhere a TLS
/// record (not on HTTP's ports) or an HTTP head (not on SSH's), as
/// [`Extractor::tcp_segment`] finds them at a segment start.
fn segment_worth_starting(seg: &TcpSegment<'_>) -> bool {
    let ports = [seg.sport, seg.dport];
    if ports.contains(&DNS_PORT) || ports.iter().any(|p| TLS_TCP_PORTS.contains(p)) {
        return true;
    }
    let bytes = seg.payload;
    let Some(&first) = bytes.first() else {
        return false;
    };
    // A cheap first look: TLS records start with 0x14..=0x17 (or an
    // SSL 2.0 hello's length byte, high bit set), HTTP with a capital.
    let tls = (matches!(first, 0x14..=0x17) || first & 0x80 != 0)
        && !ports.iter().any(|&p| is_tshark_tcp_port(p))
        && looks_like_tls(bytes);
    tls || (first.is_ascii_uppercase()
        && !ports.iter().any(|p| NOT_HTTP_PORTS.contains(p))
        && looks_like_http(bytes))
}

/// The payload of a dissected UDP datagram, as far as its length says
/// and the capture holds.
fn udp_payload<'a>(d: &Dissection<'a>) -> Option<&'a [u8]> {
    let s = &d.summary;
    let start = usize::from(s.l4_offset) + 8;
    let payload = d.data.get(start..)?;
    let declared = usize::try_from(s.payload_len).unwrap_or(usize::MAX);
    Some(payload.get(..declared).unwrap_or(payload))
}

/// The TCP segment of a dissected packet: ports, sequence number, flags
/// and payload as far as the IP length says and the capture holds.
fn tcp_segment<'a>(d: &Dissection<'a>) -> Option<TcpSegment<'a>> {
    let s = &d.summary;
    let l4 = usize::from(s.l4_offset);
    let hlen = usize::from(d.data.get(l4 + 12)? >> 4) * 4;
    let payload = d.data.get(l4 + hlen..).unwrap_or_default();
    let declared = usize::try_from(s.payload_len).unwrap_or(usize::MAX);
    let payload = payload.get(..declared).unwrap_or(payload);
    Some(TcpSegment {
        wire_len: declared.max(payload.len()),
        sport: s.sport,
        dport: s.dport,
        seq: s.tcp_seq,
        flags: s.tcp_flags.byte(),
        payload,
    })
}
