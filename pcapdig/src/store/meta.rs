//! Session metadata in the index: one [`Extractor`] per live session that
//! carried application data, fed during the single `index` pass, its
//! values written to `session_meta` when the session is written; and read
//! back for `sessions --json`.
//!
//! Only packets with a TCP or UDP payload are looked at, and a session
//! gets an extractor only with its first packet worth reading
//! ([`Extractor::worth_starting`]: a TLS record, an HTTP head, DNS): bulk
//! data costs one lookup in a small table per packet. IP fragments of TCP
//! and UDP datagrams are put back together first (an HTTP request or a DNS
//! answer too big for one packet), and the whole datagram is read. Memory
//! is bounded: each extractor by [`Limits::DEFAULT`], all of them together
//! by [`TOTAL_BUDGET`] (plus one packet's growth: once past it, sessions
//! are read no further, keeping the values found, until ended sessions
//! give memory back), the datagrams being put together by
//! [`MAX_DATAGRAMS`]; an extractor is dropped when its session ends.
//! (Beyond these, each session with data has a fixed record of some 170
//! bytes here, as it has one in the flow table.)

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;

use pcap_core::IpProto;
use pcap_core::flow::{DatagramId, Defragmenter, PacketSummary};
use protocols::Dissection;
use protocols::meta::{Extractor, Limits, SessionMeta, TcpSegment};
use rusqlite::{Connection, params};

/// The extractors of the live sessions, by flow-table session id.
pub(crate) struct LiveMeta {
    limits: Limits,
    /// Only the sessions that showed something worth reading
    /// ([`Extractor::worth_starting`]): few, so the lookup every data
    /// packet makes is cheap.
    live: HashMap<u64, Live, BuildHasherDefault<IdHasher>>,
    /// The [`tuple_key`]s of the sessions in `live` still read, counted
    /// (a key may be shared: port reuse, or a hash collision): a packet
    /// whose key is not here and that is not worth starting an extractor
    /// needs no session id, so the caller may batch it.
    reading: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    /// The [`tuple_key`]s of packets [`LiveMeta::wants`] said yes to whose
    /// extractor has not seen them yet (the caller holds them in a batch):
    /// the packets after them in the same session are wanted too, as if
    /// each had been read at once. Cleared by [`LiveMeta::batch_read`].
    held: HashSet<u64, BuildHasherDefault<IdHasher>>,
    /// What the live extractors hold, as [`Extractor::memory`] counts it.
    total: usize,
    /// The budget for `total` (see [`TOTAL_BUDGET`]).
    budget: usize,
    /// IP fragments of TCP and UDP datagrams being put together.
    defrag: Defragmenter,
}

/// One live session's extractor and the endpoint that sent its first
/// data (the side called the initiator: the extractor needs the two
/// directions told apart, consistently).
struct Live {
    initiator: (IpAddr, u16),
    extractor: Extractor,
    /// Data packets handed to the extractor so far.
    packets: u32,
    /// What this extractor was last counted for in [`LiveMeta::total`].
    charged: usize,
    /// Its [`tuple_key`] while it is counted in [`LiveMeta::reading`].
    key: Option<u64>,
    /// Nothing more is expected: later packets are not read.
    done: bool,
}

/// Data packets after which a session that showed nothing (no value, no
/// partial head or hello held) is no longer read: the metadata comes at
/// the start of a conversation (a STARTTLS prologue is a few lines), and
/// reading every packet of a bulk transfer costs a third of the index's
/// time.
const GIVE_UP_AFTER: u32 = 32;

/// The memory all live extractors may hold together (values, join
/// buffers and their fixed state): 256 MiB, some 16,000 sessions each at
/// its [`Limits::DEFAULT`] cap at once, far more than real traffic holds
/// (most sessions hold a few hundred bytes).
pub(crate) const TOTAL_BUDGET: usize = 256 * 1024 * 1024;

/// IP datagrams put together at once for metadata (each at most 64 KiB
/// plus a bit per byte): 64, about 4.6 MiB at worst. Fragmented
/// datagrams are rare and each completes within a few packets.
pub(crate) const MAX_DATAGRAMS: usize = 64;

impl LiveMeta {
    /// No live session yet; memory within [`TOTAL_BUDGET`].
    pub(crate) fn new() -> Self {
        LiveMeta::with_budget(TOTAL_BUDGET)
    }

    /// No live session yet; all extractors together within `budget`
    /// bytes.
    pub(crate) fn with_budget(budget: usize) -> Self {
        LiveMeta {
            limits: Limits::DEFAULT,
            live: HashMap::default(),
            reading: HashMap::default(),
            held: HashSet::default(),
            total: 0,
            budget,
            defrag: Defragmenter::with_max_datagrams(MAX_DATAGRAMS),
        }
    }

    /// Whether packet `d` may matter here: then the caller hands it to
    /// [`LiveMeta::packet`] with its session id; otherwise it need not (a
    /// packet of bulk data in a session without an extractor, or whose
    /// extractor is done). Cheap: no session lookup.
    /// `held` says whether the caller will hold the packet back (batched)
    /// before [`LiveMeta::packet`]: the packets after it in its session
    /// are then wanted too, until [`LiveMeta::batch_read`].
    #[inline]
    pub(crate) fn wants(&mut self, d: &Dissection<'_>, held: bool) -> bool {
        let s = &d.summary;
        if !carries_metadata(s) {
            return false;
        }
        let key = || tuple_key(s);
        if s.is_fragment || Extractor::worth_starting(d) {
            if held && let Some(k) = key() {
                self.held.insert(k);
            }
            return true;
        }
        (!self.reading.is_empty() || !self.held.is_empty())
            && key().is_some_and(|k| self.reading.contains_key(&k) || self.held.contains(&k))
    }

    /// The packets held back since the last call have all been read
    /// ([`LiveMeta::wants`] with `held`).
    pub(crate) fn batch_read(&mut self) {
        self.held.clear();
    }

    /// One packet that [`carries_metadata`], of session `id` (what the
    /// flow table returned for it: `None` for an IP fragment it holds
    /// until its datagram's first fragment comes).
    pub(crate) fn packet(&mut self, id: Option<u64>, d: &Dissection<'_>) {
        let s = &d.summary;
        if s.is_fragment {
            self.fragment(id, d);
            return;
        }
        let (Some(id), Some(ip)) = (id, s.ip) else {
            return;
        };
        if !self.live.contains_key(&id) && !Extractor::worth_starting(d) {
            // Nothing to read yet (bulk data): no extractor is made.
            return;
        }
        let key = tuple_key(s);
        self.feed(id, (ip.src, s.sport), key, |ex, from_initiator| {
            ex.packet(d, from_initiator);
        });
    }

    /// An IP fragment of a TCP or UDP datagram: its share of the IP
    /// payload joins the others'; once the datagram is whole, its segment
    /// or datagram is read (in the session of the fragment that completed
    /// it: every fragment of a datagram goes to its first one's session).
    fn fragment(&mut self, id: Option<u64>, d: &Dissection<'_>) {
        let s = &d.summary;
        let Some(ip) = s.ip else { return };
        let Some(rest) = within(d.data, d.payload) else {
            return;
        };
        // The fragment's share of the IP payload: from the transport
        // header (a first fragment), else everything after the IP headers.
        let start = if s.has_l4 {
            usize::from(s.l4_offset)
        } else {
            rest.start
        };
        let (Some(share), Some(key)) = (d.data.get(start..rest.end), DatagramId::of(s)) else {
            return;
        };
        let offset = usize::from(s.frag_offset) * 8;
        let Some(whole) = self.defrag.push(key, offset, s.more_fragments, share) else {
            return;
        };
        let Some(id) = id else { return };
        match IpProto(s.protocol) {
            IpProto::TCP => {
                let Some(seg) = tcp_segment_of(&whole) else {
                    return;
                };
                let key = key_of(ip.src, seg.sport, ip.dst, seg.dport, s.protocol);
                self.feed(id, (ip.src, seg.sport), Some(key), |ex, from_initiator| {
                    ex.tcp_segment(&seg, from_initiator);
                });
            }
            IpProto::UDP => {
                let Some((sport, dport, payload)) = udp_datagram_of(&whole) else {
                    return;
                };
                let key = key_of(ip.src, sport, ip.dst, dport, s.protocol);
                self.feed(id, (ip.src, sport), Some(key), |ex, _| {
                    ex.udp_datagram(sport, dport, payload);
                });
            }
            _ => {}
        }
    }

    /// Hands one packet of session `id`, sent by `src`, to its extractor
    /// (made with the session's first data worth reading; `key` its
    /// [`tuple_key`], if known, is then counted in `reading`) with `read`,
    /// unless the session is done; then decides whether it is done, and
    /// keeps the memory count.
    fn feed(
        &mut self,
        id: u64,
        src: (IpAddr, u16),
        key: Option<u64>,
        read: impl FnOnce(&mut Extractor, bool),
    ) {
        let limits = &self.limits;
        let reading = &mut self.reading;
        let live = self.live.entry(id).or_insert_with(|| {
            if let Some(k) = key {
                *reading.entry(k).or_default() += 1;
            }
            Live {
                initiator: src,
                extractor: Extractor::new(limits),
                packets: 0,
                charged: 0,
                key,
                done: false,
            }
        });
        if live.done {
            return;
        }
        let ex = &mut live.extractor;
        if self.total > self.budget {
            // Past the budget: nothing more is read until sessions end.
            live.done = true;
            unread(reading, live.key.take());
            ex.release_buffers();
            let now = ex.memory();
            self.total = self.total - live.charged + now;
            live.charged = now;
            return;
        }
        read(ex, live.initiator == src);
        live.packets += 1;
        // A TLS session whose hellos were read has nothing more to give;
        // nor has one that showed nothing for a while.
        let empty = ex.meta().is_empty();
        let tls_read = !empty && ex.tls_done();
        let silent = empty && live.packets >= GIVE_UP_AFTER && ex.buffered() == 0;
        live.done = tls_read || silent;
        if live.done {
            // Nothing more is read: what joins segments can go.
            unread(reading, live.key.take());
            ex.release_buffers();
        }
        let now = ex.memory();
        self.total = self.total - live.charged + now;
        live.charged = now;
    }

    /// The metadata of session `id`, which ended (`None` if it had none).
    pub(crate) fn finish(&mut self, id: u64) -> Option<SessionMeta> {
        let live = self.live.remove(&id)?;
        self.total -= live.charged;
        unread(&mut self.reading, live.key);
        let meta = live.extractor.finish();
        (!meta.is_empty()).then_some(meta)
    }

    /// What the live extractors hold now (bytes, as
    /// [`Extractor::memory`] counts them).
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.total
    }
}

/// Takes one count of `key` off `reading`.
fn unread(reading: &mut HashMap<u64, u32, BuildHasherDefault<IdHasher>>, key: Option<u64>) {
    let Some(k) = key else { return };
    if let Some(n) = reading.get_mut(&k) {
        *n -= 1;
        if *n == 0 {
            reading.remove(&k);
        }
    }
}

/// A hash of a packet's protocol, addresses and ports, the same in both
/// directions (`None` for a non-IP packet).
#[inline]
fn tuple_key(s: &PacketSummary) -> Option<u64> {
    let ip = s.ip?;
    Some(key_of(ip.src, s.sport, ip.dst, s.dport, s.protocol))
}

/// [`tuple_key`] of its parts.
#[inline]
fn key_of(src: IpAddr, sport: u16, dst: IpAddr, dport: u16, protocol: u8) -> u64 {
    let end = |addr: IpAddr, port: u16| -> u64 {
        let a = match addr {
            IpAddr::V4(v4) => u128::from(v4.to_bits()),
            IpAddr::V6(v6) => v6.to_bits(),
        };
        let folded = (a as u64) ^ ((a >> 64) as u64).rotate_left(17) ^ (u64::from(port) << 48);
        folded.wrapping_mul(MIX)
    };
    let (a, b) = (end(src, sport), end(dst, dport));
    // Symmetric: the same whichever side sent the packet.
    (a.wrapping_add(b) ^ u64::from(protocol)).wrapping_mul(MIX)
}

/// Hashes session ids with one multiplication: SipHash, the default,
/// costs more than the rest of a lookup, and the ids (numbered in order
/// by the flow table) are not chosen by whoever made the capture.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

/// An odd constant with well-spread bits (2^64 / the golden ratio).
const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(MIX);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(MIX);
    }
}

/// Where `part` (a slice of `frame`, possibly empty) is in `frame`.
fn within(frame: &[u8], part: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(frame.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= frame.len()).then_some(start..end)
}

/// The TCP segment of a reassembled datagram payload (header and data).
fn tcp_segment_of(whole: &[u8]) -> Option<TcpSegment<'_>> {
    let fixed = whole.get(..20)?;
    let hlen = usize::from(fixed[12] >> 4) * 4;
    let payload = whole.get(hlen.max(20)..)?;
    Some(TcpSegment {
        sport: u16::from_be_bytes([fixed[0], fixed[1]]),
        dport: u16::from_be_bytes([fixed[2], fixed[3]]),
        seq: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
        flags: fixed[13],
        payload,
        wire_len: payload.len(),
    })
}

/// The ports and payload of a reassembled UDP datagram (as far as its
/// length field says).
fn udp_datagram_of(whole: &[u8]) -> Option<(u16, u16, &[u8])> {
    let header = whole.get(..8)?;
    let len = usize::from(u16::from_be_bytes([header[4], header[5]]));
    let payload = &whole[8..];
    let payload = payload.get(..len.saturating_sub(8)).unwrap_or(payload);
    Some((
        u16::from_be_bytes([header[0], header[1]]),
        u16::from_be_bytes([header[2], header[3]]),
        payload,
    ))
}

/// Whether a packet may carry metadata: a TCP or UDP packet with payload,
/// or an IP fragment of a TCP or UDP datagram.
#[inline]
pub(crate) fn carries_metadata(s: &PacketSummary) -> bool {
    (s.protocol == IpProto::TCP.0 || s.protocol == IpProto::UDP.0)
        && (s.is_fragment || (s.has_l4 && s.payload_len > 0))
}

/// The value searches compare (`folded`): DNS names in lower case (DNS
/// compares them so, and so do searches), others as they are.
pub(crate) fn folded(key: &str, value: &str) -> String {
    if key == "dns.qry.name" {
        value.to_ascii_lowercase()
    } else {
        value.to_owned()
    }
}

/// Writes a session's metadata rows.
pub(crate) fn write(tx: &Connection, session_id: i64, meta: &SessionMeta) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO session_meta (key, folded, value, session_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (key, values) in meta.iter() {
        for v in values {
            stmt.execute(params![key, folded(key, v), v, session_id])?;
        }
    }
    Ok(())
}

/// A session's metadata as stored: key → its distinct values, sorted.
pub(crate) fn read(
    conn: &Connection,
    session_id: i64,
) -> rusqlite::Result<BTreeMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, value FROM session_meta WHERE session_id = ?1 ORDER BY key, value",
    )?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = stmt.query_map([session_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (k, v) = row?;
        out.entry(k).or_default().push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocols::{Dissector, LinkType};

    /// A raw IPv4/TCP packet from 10.0.0.1:`sport` to 10.0.0.2:80.
    fn tcp(sport: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
        let total = u16::try_from(40 + payload.len()).expect("small");
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&total.to_be_bytes());
        p.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&80u16.to_be_bytes());
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        p.extend_from_slice(payload);
        p
    }

    /// Sessions that each start an HTTP head and never end it: the
    /// extractors together stay within the budget, those past it stop
    /// being read, and a session's memory is given back when it ends.
    #[test]
    fn live_extractors_stay_within_the_total_budget() {
        let dissector = Dissector::new(protocols::Config::minimal());
        let head = format!(
            "GET / HTTP/1.1\r\nHost: a.example\r\nX: {}",
            "y".repeat(4000)
        );
        let budget = 64 * 1024;
        // What one session grows by with one such packet: the most the
        // budget may be passed by.
        let one = {
            let mut alone = LiveMeta::new();
            let pkt = tcp(999, 1, head.as_bytes());
            alone.packet(Some(0), &dissector.dissect(LinkType::RAW, &pkt));
            alone.memory()
        };
        assert!(one > head.len(), "the head is held: {one}");
        let mut live = LiveMeta::with_budget(budget);
        let mut peak = 0;
        for id in 0..100u64 {
            let pkt = tcp(1000 + id as u16, 1, head.as_bytes());
            let d = dissector.dissect(LinkType::RAW, &pkt);
            assert!(carries_metadata(&d.summary));
            live.packet(Some(id), &d);
            peak = peak.max(live.memory());
        }
        assert!(peak <= budget + one, "{peak} > {budget} + {one}");
        let holding = live.live.values().filter(|l| !l.done).count();
        assert!((5..100).contains(&holding), "{holding} sessions still read");
        for id in 0..100u64 {
            assert!(live.finish(id).is_none(), "no head ended");
        }
        assert_eq!(live.memory(), 0);
        assert!(live.live.is_empty());
        assert!(live.reading.is_empty(), "every count taken back");
    }
}
