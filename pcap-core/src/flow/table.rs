//! [`FlowTable`]: groups packets into bidirectional sessions.
//!
//! Packets are keyed by their canonical 5-tuple ([`FlowKey`], the tuple
//! Community ID hashes, so a session's Community ID is fixed and both
//! directions meet). A session ends:
//!
//! - **TCP**: when a SYN without ACK arrives after the session saw a RST,
//!   or FINs from both sides (port reuse: the SYN starts a new session at
//!   once); [`FlowConfig::tcp_close_linger`] after the last packet of a
//!   session that saw a RST or both FINs (straggling ACKs and retransmitted
//!   FINs still join it within that time); or after
//!   [`FlowConfig::tcp_idle`] without packets.
//! - **UDP, ICMP, other IP protocols**: after their idle timeout.
//!
//! Defaults follow Zeek's: TCP idle 5 minutes (`tcp_inactivity_timeout`),
//! UDP, ICMP and other protocols 1 minute, TCP close linger 5 seconds
//! (`tcp_close_delay`). Time is the packets' own (capture) time: the table
//! never reads the clock.
//!
//! Finished sessions wait in a queue for [`FlowTable::drain_finished`];
//! idle ones are moved there by [`FlowTable::expire`], which
//! [`FlowTable::push`] also runs every [`FlowConfig::sweep_interval`] of
//! capture time. Memory is thus bounded by the live sessions plus the
//! undrained queue. Per packet the table does one hash lookup and appends
//! 2–4 bytes to the session's [`Locations`] (4 more with a record digest);
//! nothing else is allocated, except a session's first distinct VLAN tag
//! stacks and, for IP fragments, the bounded fragment bookkeeping below.
//!
//! **IP fragments**: a non-first fragment (no ports of its own) joins the
//! session of its datagram's first fragment (same source, destination,
//! protocol and identification), within the time and memory bounds of
//! [`FRAGMENT_TIMEOUT`](super::FRAGMENT_TIMEOUT),
//! [`MAX_TRACKED_DATAGRAMS`](super::MAX_TRACKED_DATAGRAMS) and
//! [`MAX_HELD_FRAGMENTS`](super::MAX_HELD_FRAGMENTS). One that arrives
//! before its first fragment is held until the first comes (then it is
//! listed right after it in [`Session::locations`]); if the first never
//! comes, it gets its own address-only session (protocol, no ports) when
//! the wait is over. Unfragmented packets skip all this on one branch.
//!
//! The initiator ("client") is the sender of the first packet, except
//! that a TCP SYN+ACK seen first makes its receiver the client. For ICMP
//! the client "port" is the first packet's type and the server "port" its
//! code (as Zeek's conn.log does).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use super::community_id::{CommunityId, FlowKey, Side};
use super::defrag::DatagramId;
use super::fragments::{Fragments, Held, Learned};
use super::index::Index;
use super::locations::{Location, Locations};
use super::slot_key::{KeySeed, SlotKey};
use super::summary::{IpPair, PacketSummary};
use super::vlan_stacks::VlanStacks;
use crate::capture::Timestamp;
use crate::vocab::{IpProto, TcpFlags};

/// Session tracking settings. `FlowConfig::default()` gives the documented
/// defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowConfig {
    /// A TCP session with no packet for this long ends. Default 5 min.
    pub tcp_idle: Duration,
    /// A UDP session with no packet for this long ends. Default 1 min.
    pub udp_idle: Duration,
    /// An ICMP/ICMPv6 session with no packet for this long ends. Default 1 min.
    pub icmp_idle: Duration,
    /// Any other IP protocol's session with no packet for this long ends.
    /// Default 1 min.
    pub other_idle: Duration,
    /// A TCP session that saw a RST, or FINs both ways, ends this long after
    /// its last packet. Default 5 s.
    pub tcp_close_linger: Duration,
    /// How often (in capture time) [`FlowTable::push`] looks for idle
    /// sessions. Default 10 s.
    pub sweep_interval: Duration,
    /// Community ID seed. Default 0.
    pub community_id_seed: u16,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            tcp_idle: Duration::from_secs(300),
            udp_idle: Duration::from_secs(60),
            icmp_idle: Duration::from_secs(60),
            other_idle: Duration::from_secs(60),
            tcp_close_linger: Duration::from_secs(5),
            sweep_interval: Duration::from_secs(10),
            community_id_seed: 0,
        }
    }
}

impl FlowConfig {
    fn idle_for(&self, proto: u8) -> i128 {
        let d = match IpProto(proto) {
            IpProto::TCP => self.tcp_idle,
            IpProto::UDP => self.udp_idle,
            IpProto::ICMP | IpProto::ICMPV6 => self.icmp_idle,
            _ => self.other_idle,
        };
        d.as_nanos() as i128
    }
}

/// One end of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// IP address.
    pub addr: IpAddr,
    /// TCP/UDP/SCTP port; ICMP type (client) or code (server); 0 otherwise.
    pub port: u16,
}

/// Traffic in one direction of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DirStats {
    /// Packets.
    pub packets: u64,
    /// Sum of the packets' wire lengths.
    pub bytes: u64,
    /// Sum of the transport payload lengths.
    pub payload_bytes: u64,
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// No packet within the idle timeout.
    Idle,
    /// TCP: FINs both ways (or a RST), then the linger time passed.
    TcpClosed,
    /// TCP: a new SYN reused the tuple after a close or reset.
    PortReuse,
    /// [`FlowTable::finish_all`] (end of input).
    Flushed,
}

/// A bidirectional session and what was seen of it.
// `repr(C)` with the fields every packet updates first, so that they share
// two or three cache lines (with the default layout they were spread over
// four of this 288-byte struct); the rest is written once per session.
// `Debug` is written out below to keep the declaration-order output it had.
#[derive(Clone)]
#[repr(C)]
pub struct Session {
    /// Every packet's location, in the order the packets were pushed,
    /// which is capture order except for IP fragments that came before
    /// their datagram's first fragment: they are listed right after that
    /// first fragment, or (if it never came) when the table stopped
    /// waiting for it (see the [module docs](crate::flow::table)). Sort by
    /// [`Location`]'s order (file, then offset) for strict capture order.
    pub locations: Locations,
    /// The packets' whole [`Location::digest`]s folded in the order of
    /// `locations` ([`fold_digest`](super::fold_digest) from
    /// [`FOLD_START`](super::FOLD_START)): `locations` keeps only 16 bits
    /// of each, this keeps what they would miss.
    pub digest: u64,
    /// Sequence number in the table, in order of first packet (from 0).
    pub id: u64,
    /// Time of the first packet.
    pub first_ts: Timestamp,
    /// Time of the last packet.
    pub last_ts: Timestamp,
    /// Client → server traffic.
    pub to_server: DirStats,
    /// Server → client traffic.
    pub to_client: DirStats,
    /// IP protocol number.
    pub protocol: u8,
    /// OR of the TCP flags of all packets (empty for non-TCP).
    pub tcp_flags: TcpFlags,
    /// Why the session ended; `None` while live.
    pub end: Option<EndReason>,
    client_side: Side,
    fin_from_client: bool,
    fin_from_server: bool,
    reset: bool,
    /// Outermost VLAN ID of the first packet, if tagged (every packet's
    /// stack is in [`vlan_stacks`](Self::vlan_stacks)).
    pub vlan: Option<u16>,
    /// The canonical tuple.
    pub key: FlowKey,
    /// Community ID v1 of the tuple.
    pub community_id: CommunityId,
    /// The initiator (see the module docs).
    pub client: Endpoint,
    /// The other end.
    pub server: Endpoint,
    /// The distinct VLAN tag stacks of the packets.
    vlan_stacks: VlanStacks,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("key", &self.key)
            .field("community_id", &self.community_id)
            .field("protocol", &self.protocol)
            .field("client", &self.client)
            .field("server", &self.server)
            .field("vlan", &self.vlan)
            .field("first_ts", &self.first_ts)
            .field("last_ts", &self.last_ts)
            .field("to_server", &self.to_server)
            .field("to_client", &self.to_client)
            .field("tcp_flags", &self.tcp_flags)
            .field("locations", &self.locations)
            .field("digest", &self.digest)
            .field("end", &self.end)
            .field("client_side", &self.client_side)
            .field("fin_from_client", &self.fin_from_client)
            .field("fin_from_server", &self.fin_from_server)
            .field("reset", &self.reset)
            .field("vlan_stacks", &self.vlan_stacks)
            .finish()
    }
}

impl Session {
    /// Packets in both directions.
    pub fn packets(&self) -> u64 {
        self.to_server.packets + self.to_client.packets
    }

    /// Wire bytes in both directions.
    pub fn bytes(&self) -> u64 {
        self.to_server.bytes + self.to_client.bytes
    }

    /// Whether a packet whose source is at `side` of the key comes from
    /// the client.
    pub fn is_from_client(&self, side: Side) -> bool {
        side == self.client_side
    }

    /// The distinct VLAN tag stacks (12-bit IDs, outermost first; at most
    /// [`MAX_VLANS`](super::MAX_VLANS) tags each) the session's packets
    /// carried, in first-seen order; empty for untagged traffic. At most
    /// [`MAX_VLAN_STACKS`](super::MAX_VLAN_STACKS) are kept; later new
    /// stacks are only counted ([`vlan_stacks_dropped`](Self::vlan_stacks_dropped)).
    pub fn vlan_stacks(&self) -> impl Iterator<Item = &[u16]> {
        self.vlan_stacks.iter()
    }

    /// How many distinct VLAN tag stacks were not kept because
    /// [`MAX_VLAN_STACKS`](super::MAX_VLAN_STACKS) already were (0 almost
    /// always).
    pub fn vlan_stacks_dropped(&self) -> u32 {
        self.vlan_stacks.dropped()
    }

    /// TCP: whether the session saw a RST or FINs from both sides.
    pub fn is_closed(&self) -> bool {
        self.reset || (self.fin_from_client && self.fin_from_server)
    }
}

/// Counters over everything pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FlowStats {
    /// Packets pushed.
    pub packets: u64,
    /// Of which non-IP frames (not in any session).
    pub non_ip_packets: u64,
    /// Sessions created.
    pub sessions_started: u64,
    /// Sessions moved to the finished queue.
    pub sessions_finished: u64,
    /// Non-first IP fragments added to the session of their datagram's
    /// first fragment.
    pub fragments_attached: u64,
    /// Non-first IP fragments that got an address-only session of their
    /// own: their first fragment never came within the bounds, or its
    /// session had ended.
    pub fragments_unattached: u64,
}

/// The configuration's durations as nanoseconds, converted once rather
/// than per packet.
#[derive(Clone, Copy, Debug)]
struct Limits {
    tcp_idle: i128,
    udp_idle: i128,
    icmp_idle: i128,
    other_idle: i128,
    /// `min(tcp_close_linger, tcp_idle)`: a closed TCP session ends at
    /// whichever comes first (see [`ended_by_time`]).
    tcp_closed: i128,
    sweep_interval: i128,
}

impl Limits {
    fn new(c: &FlowConfig) -> Limits {
        let ns = |d: Duration| d.as_nanos() as i128;
        Limits {
            tcp_idle: ns(c.tcp_idle),
            udp_idle: ns(c.udp_idle),
            icmp_idle: ns(c.icmp_idle),
            other_idle: ns(c.other_idle),
            tcp_closed: ns(c.tcp_close_linger).min(ns(c.tcp_idle)),
            sweep_interval: ns(c.sweep_interval),
        }
    }

    /// The time (ns since the epoch) after which [`ended_by_time`] says
    /// the session has ended: a packet or sweep at a later time ends it,
    /// one at or before it does not.
    #[inline]
    fn deadline(&self, s: &Session) -> i128 {
        let quiet = match IpProto(s.protocol) {
            IpProto::TCP if s.is_closed() => self.tcp_closed,
            IpProto::TCP => self.tcp_idle,
            IpProto::UDP => self.udp_idle,
            IpProto::ICMP | IpProto::ICMPV6 => self.icmp_idle,
            _ => self.other_idle,
        };
        s.last_ts.as_nanos() + quiet
    }
}

/// Bytes reserved for a new session's locations: room for about ten
/// packets before the first reallocation (most sessions are short; a
/// growing `Vec` would otherwise reallocate at 8, 16 and 32 bytes).
const SESSION_LOCATION_BYTES: usize = 32;

/// A free slot's sweep hint: never passed, so sweeps skip it.
const NO_DEADLINE: i128 = i128::MAX;

/// One entry of the session slab.
// Aligned to a cache line, so that the key and the session's per-packet
// fields (at its start, see `Session`) take three lines.
#[derive(Debug)]
#[repr(C, align(64))]
struct Slot {
    /// The session's key (stale in a free slot).
    key: SlotKey,
    /// The session; `None` for a free slot.
    session: Option<Session>,
}

/// Bidirectional session tracking (see the [module docs](crate::flow::table)
/// for when sessions end and the defaults).
///
/// ```
/// use pcap_core::TcpFlags;
/// use pcap_core::flow::{FlowTable, Location, PacketSummary, Timestamp};
///
/// let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
/// let mut table = FlowTable::new();
/// let syn = PacketSummary::tcp(a, 40000, b, 80, TcpFlags::SYN);
/// let ack = PacketSummary::tcp(b, 80, a, 40000, TcpFlags::SYN | TcpFlags::ACK);
/// let id = table.push(&syn, Timestamp::new(1, 0), Location::new(0, 24));
/// assert_eq!(table.push(&ack, Timestamp::new(1, 5), Location::new(0, 100)), id);
/// table.finish_all();
/// let sessions: Vec<_> = table.drain_finished().collect();
/// assert_eq!(sessions[0].client.addr, a);
/// assert_eq!(sessions[0].locations.len(), 2);
/// ```
// Layout, for speed: sessions live in a slab of cache-line-aligned slots
// (with their compact keys), reused through a free list; a small
// open-addressing index maps key hashes to slot numbers. A packet of a
// known flow thus reads one index entry (usually cached) and its slot's
// first three lines. A dense array of lower bounds of the sessions' end
// times lets a sweep scan 16 bytes per session instead of walking the
// sessions; it is written only when a bound must drop (a new session, a
// TCP close) or a sweep finds it stale, never on an ordinary packet.
#[derive(Debug)]
pub struct FlowTable {
    config: FlowConfig,
    limits: Limits,
    /// Keys the slot hashes.
    seed: KeySeed,
    /// Live session key hash → index into `slots`.
    index: Index,
    /// Live sessions and free slots.
    slots: Vec<Slot>,
    /// Per slot: at most its session's deadline (so a sweep that skips
    /// slots with `now <= hint` misses no ended session), or
    /// [`NO_DEADLINE`] for a free slot.
    hints: Vec<i128>,
    /// Free slot numbers, reused last-freed first (still in cache).
    free: Vec<u32>,
    finished: Vec<Session>,
    next_id: u64,
    /// Latest packet time seen, and it in nanoseconds.
    now: Option<Timestamp>,
    now_ns: i128,
    /// When (ns) [`FlowTable::push`] next runs [`FlowTable::expire`];
    /// `i128::MIN` until the first packet, which always sweeps.
    next_sweep_ns: i128,
    stats: FlowStats,
    /// Datagrams whose first fragment was seen, and fragments waiting for
    /// theirs.
    fragments: Fragments,
}

impl Default for FlowTable {
    fn default() -> Self {
        FlowTable::new()
    }
}

impl FlowTable {
    /// A table with the default configuration.
    pub fn new() -> Self {
        FlowTable::with_config(FlowConfig::default())
    }

    /// A table with the given configuration.
    pub fn with_config(config: FlowConfig) -> Self {
        FlowTable {
            config,
            limits: Limits::new(&config),
            seed: KeySeed::random(),
            index: Index::new(),
            slots: Vec::new(),
            hints: Vec::new(),
            free: Vec::new(),
            finished: Vec::new(),
            next_id: 0,
            now: None,
            now_ns: i128::MIN,
            next_sweep_ns: i128::MIN,
            stats: FlowStats::default(),
            fragments: Fragments::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    /// Counters so far.
    pub fn stats(&self) -> FlowStats {
        self.stats
    }

    /// Number of live sessions.
    pub fn live_len(&self) -> usize {
        self.index.len()
    }

    /// The live sessions, in no particular order.
    pub fn live(&self) -> impl Iterator<Item = &Session> {
        self.slots.iter().filter_map(|slot| slot.session.as_ref())
    }

    /// Adds a packet at time `ts`, stored at `loc`; returns its session's
    /// id, or `None` for a non-IP frame or for a non-first IP fragment
    /// held until its datagram's first fragment arrives (see the
    /// [module docs](crate::flow::table)). The packet's bytes are its
    /// `wire_len`.
    pub fn push(&mut self, pkt: &PacketSummary, ts: Timestamp, loc: Location) -> Option<u64> {
        let keyed = self.key_of(pkt);
        self.push_keyed(pkt, ts, loc, keyed)
    }

    /// Adds packets in order, exactly as [`push`](Self::push) one by one
    /// would, but faster when there are many live sessions: the memory of
    /// each packet's session is requested a few packets ahead, so that the
    /// lookups do not each wait on memory in turn (with 50,000 flows, two
    /// cache misses per packet were three quarters of `push`).
    ///
    /// ```
    /// use pcap_core::flow::{FlowTable, Location, PacketSummary, Pending, Timestamp};
    ///
    /// let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
    /// let packets: Vec<Pending> = (0..100u16)
    ///     .map(|i| Pending {
    ///         // 5 flows, each both ways.
    ///         summary: if i % 2 == 0 {
    ///             PacketSummary::udp(a, 5000 + i % 10, b, 53)
    ///         } else {
    ///             PacketSummary::udp(b, 53, a, 5000 + (i - 1) % 10)
    ///         },
    ///         ts: Timestamp::new(1, u32::from(i)),
    ///         loc: Location::new(0, 24 + 100 * u64::from(i)),
    ///     })
    ///     .collect();
    /// let mut table = FlowTable::new();
    /// table.push_batch(&packets);
    /// assert_eq!(table.live_len(), 5);
    /// table.finish_all();
    /// assert!(table.drain_finished().all(|s| s.packets() == 20));
    /// ```
    pub fn push_batch(&mut self, packets: &[Pending]) {
        self.push_batch_with(packets, |_, _| {});
    }

    /// [`push_batch`](Self::push_batch), calling `pushed(i, id)` right
    /// after the `i`th packet is added, with what [`push`](Self::push)
    /// would have returned for it (its session's id): for work on each
    /// packet's session (such as metadata extraction) without giving up
    /// the batch.
    ///
    /// ```
    /// use pcap_core::flow::{FlowTable, Location, PacketSummary, Pending, Timestamp};
    ///
    /// let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
    /// let packets: Vec<Pending> = (0..4u16)
    ///     .map(|i| Pending {
    ///         summary: PacketSummary::udp(a, 5000 + i % 2, b, 53),
    ///         ts: Timestamp::new(1, u32::from(i)),
    ///         loc: Location::new(0, 24 + 100 * u64::from(i)),
    ///     })
    ///     .collect();
    /// let mut ids = Vec::new();
    /// FlowTable::new().push_batch_with(&packets, |i, id| ids.push((i, id)));
    /// assert_eq!(ids, [(0, Some(0)), (1, Some(1)), (2, Some(0)), (3, Some(1))]);
    /// ```
    #[inline]
    pub fn push_batch_with(
        &mut self,
        packets: &[Pending],
        mut pushed: impl FnMut(usize, Option<u64>),
    ) {
        /// Packets hashed (and their index entries requested) at a time.
        const CHUNK: usize = 64;
        /// How many packets ahead a session's slot is requested.
        const LEAD: usize = 8;
        let mut keyed = [None; CHUNK];
        for (c, chunk) in packets.chunks(CHUNK).enumerate() {
            for (k, p) in keyed.iter_mut().zip(chunk) {
                *k = self.key_of(&p.summary);
                if let Some((_, _, h)) = k {
                    self.index.prefetch(*h);
                }
            }
            for &k in keyed.iter().take(LEAD.min(chunk.len())) {
                self.prefetch_slot(k);
            }
            for (j, p) in chunk.iter().enumerate() {
                if let Some(&ahead) = keyed.get(j + LEAD).filter(|_| j + LEAD < chunk.len()) {
                    self.prefetch_slot(ahead);
                }
                let id = self.push_keyed(&p.summary, p.ts, p.loc, keyed[j]);
                pushed(c * CHUNK + j, id);
            }
        }
    }

    /// Whether [`push_batch`](Self::push_batch) is worth its packets'
    /// copies into a batch: once the live sessions (2,048 of them, about
    /// 800 KiB) no longer stay in the CPU's caches next to the packets
    /// streaming through. Below that, lookups hit the cache anyway, and
    /// [`push`](Self::push) straight from where the packet's summary was
    /// written is cheaper.
    pub fn prefers_batches(&self) -> bool {
        self.live_len() >= 2048
    }

    /// A packet's slot key, which side of it sent the packet, and its
    /// hash; `None` for a non-IP frame.
    #[inline(always)]
    fn key_of(&self, pkt: &PacketSummary) -> Option<(SlotKey, Side, u32)> {
        let ip = pkt.ip?;
        let (key, side) = SlotKey::of_packet(pkt, ip);
        Some((key, side, self.seed.hash(&key)))
    }

    /// Hints the CPU to load the first lines of the slot a key's session is
    /// probably in (the key and the fields a packet updates).
    #[inline(always)]
    fn prefetch_slot(&self, keyed: Option<(SlotKey, Side, u32)>) {
        if let Some(i) = keyed.and_then(|(_, _, h)| self.index.peek(h)) {
            let slot = self.slots.as_ptr().wrapping_add(i).cast::<u8>();
            for line in 0..3 {
                crate::hint::prefetch(slot.wrapping_add(line * 64));
            }
        }
    }

    /// [`push`](Self::push) with the packet's [`key_of`](Self::key_of).
    #[inline(always)]
    fn push_keyed(
        &mut self,
        pkt: &PacketSummary,
        ts: Timestamp,
        loc: Location,
        keyed: Option<(SlotKey, Side, u32)>,
    ) -> Option<u64> {
        // Only the common case is written here: a packet of a live session
        // that goes on. Sweeps, sessions ending and new sessions are in
        // separate functions kept out of line, which keeps this one small
        // (fewer registers to save and spill per packet).
        self.stats.packets += 1;
        let ts_ns = ts.as_nanos();
        if self.now.is_none_or(|n| ts > n) {
            self.now = Some(ts);
            self.now_ns = ts_ns;
        }
        if self.now_ns >= self.next_sweep_ns {
            self.sweep();
        }
        let (Some(ip), Some((key, side, h))) = (pkt.ip, keyed) else {
            self.stats.non_ip_packets += 1;
            return None;
        };
        let a = Arrival {
            pkt,
            ip,
            side,
            ts,
            loc,
        };
        if pkt.is_fragment {
            return self.push_fragment(key, h, &a);
        }
        Some(self.place(key, h, &a))
    }

    /// Adds an IP packet to the session of its own key (hash `h`).
    #[inline(always)]
    fn place(&mut self, key: SlotKey, h: u32, a: &Arrival<'_>) -> u64 {
        let (pkt, ts_ns) = (a.pkt, a.ts.as_nanos());
        let slots = &self.slots;
        let Some((pos, i)) = self
            .index
            .find(h, |i| slots.get(i).is_some_and(|slot| slot.key == key))
        else {
            return self.start(key, h, a);
        };
        if let Some(s) = self.slots[i].session.as_mut() {
            let syn_only = pkt.protocol == IpProto::TCP.0 && pkt.tcp_flags.is_syn_only();
            // Neither a port reuse nor past the session's end (the
            // conditions `end_or_update` tells apart).
            if !(syn_only && s.is_closed()) && ts_ns <= self.limits.deadline(s) {
                return go_on(s, &mut self.hints[i], &self.limits, a);
            }
        }
        self.end_or_update(pos, i, key, h, a)
    }

    /// [`push`](Self::push) for an IP fragment (key `key`, hash `h`): a
    /// first fragment goes to its own session, which its datagram's later
    /// fragments then join; a later one joins the session of its first
    /// fragment, or waits for it.
    #[cold]
    #[inline(never)]
    fn push_fragment(&mut self, key: SlotKey, h: u32, a: &Arrival<'_>) -> Option<u64> {
        let pkt = a.pkt;
        let datagram = DatagramId {
            src: a.ip.src,
            dst: a.ip.dst,
            protocol: pkt.protocol,
            id: pkt.ip_id,
        };
        if pkt.frag_offset == 0 {
            let id = self.place(key, h, a);
            // An IPv6 atomic fragment (offset 0, no more) has no others.
            if pkt.more_fragments {
                let learned = Learned {
                    key,
                    hash: h,
                    side: a.side,
                    session_id: id,
                };
                self.fragments.learn(datagram, learned, a.ts.as_nanos());
                if self.fragments.has_held() {
                    for p in self.fragments.take_held(&datagram) {
                        self.attach_or_place(learned, &p);
                    }
                }
            }
            return Some(id);
        }
        if let Some(learned) = self.fragments.lookup(&datagram, a.ts.as_nanos()) {
            if let Some(id) = self.attach(learned, a) {
                return Some(id);
            }
            self.stats.fragments_unattached += 1;
            return Some(self.place(key, h, a));
        }
        let held = Held {
            datagram,
            packet: Pending {
                summary: *pkt,
                ts: a.ts,
                loc: a.loc,
            },
        };
        if let Some(p) = self.fragments.hold(held) {
            self.place_pending(&p);
        }
        None
    }

    /// Adds a non-first fragment to the session its datagram's first
    /// fragment went to, if that session is still live at the fragment's
    /// time; returns its id.
    fn attach(&mut self, learned: Learned, a: &Arrival<'_>) -> Option<u64> {
        let slots = &self.slots;
        let (_, i) = self.index.find(learned.hash, |i| {
            slots.get(i).is_some_and(|slot| slot.key == learned.key)
        })?;
        let s = self.slots[i].session.as_mut()?;
        if s.id != learned.session_id || a.ts.as_nanos() > self.limits.deadline(s) {
            return None;
        }
        // The fragment's source is its first fragment's.
        let a = Arrival {
            side: learned.side,
            ..*a
        };
        self.stats.fragments_attached += 1;
        Some(go_on(s, &mut self.hints[i], &self.limits, &a))
    }

    /// A held fragment whose first fragment came: into its session, or its
    /// own if that one has ended.
    fn attach_or_place(&mut self, learned: Learned, p: &Pending) {
        let Some((key, side, h)) = self.key_of(&p.summary) else {
            return;
        };
        let Some(ip) = p.summary.ip else { return };
        let a = Arrival {
            pkt: &p.summary,
            ip,
            side,
            ts: p.ts,
            loc: p.loc,
        };
        if self.attach(learned, &a).is_none() {
            self.stats.fragments_unattached += 1;
            self.place(key, h, &a);
        }
    }

    /// A held fragment whose first fragment did not come: into its own
    /// (address-only) session.
    fn place_pending(&mut self, p: &Pending) {
        let (Some((key, side, h)), Some(ip)) = (self.key_of(&p.summary), p.summary.ip) else {
            return;
        };
        self.stats.fragments_unattached += 1;
        let a = Arrival {
            pkt: &p.summary,
            ip,
            side,
            ts: p.ts,
            loc: p.loc,
        };
        self.place(key, h, &a);
    }

    /// [`push`](Self::push) when the packet's session might end: it
    /// either does (and the packet starts a new one) or, if not after all,
    /// takes the packet.
    #[cold]
    #[inline(never)]
    fn end_or_update(
        &mut self,
        pos: usize,
        i: usize,
        key: SlotKey,
        h: u32,
        a: &Arrival<'_>,
    ) -> u64 {
        let Some(s) = self.slots[i].session.as_mut() else {
            // Not reached: indexed slots hold a session. Drop the stale
            // entry and start afresh.
            self.index.remove_at(pos);
            return self.start(key, h, a);
        };
        let pkt = a.pkt;
        let syn_only = pkt.protocol == IpProto::TCP.0 && pkt.tcp_flags.is_syn_only();
        let end = if syn_only && s.is_closed() {
            Some(EndReason::PortReuse)
        } else {
            ended_by_time(&self.config, s, a.ts)
        };
        let Some(reason) = end else {
            return go_on(s, &mut self.hints[i], &self.limits, a);
        };
        if let Some(mut old) = self.release(pos, i) {
            old.end = Some(reason);
            self.stats.sessions_finished += 1;
            self.finished.push(old);
        }
        self.start(key, h, a)
    }

    /// Starts a session with the packet (whose key, with hash `h`, is not
    /// in the index); returns its id.
    #[inline(never)]
    fn start(&mut self, key: SlotKey, h: u32, a: &Arrival<'_>) -> u64 {
        let mut s = self.new_session(a);
        debug_assert_eq!(SlotKey::from_flow_key(&s.key), key, "keys agree");
        update(&mut s, a);
        let id = s.id;
        let deadline = self.limits.deadline(&s);
        let slot = Slot {
            key,
            session: Some(s),
        };
        let i = match self.free.pop() {
            Some(i) => {
                let i = i as usize;
                self.slots[i] = slot;
                self.hints[i] = deadline;
                i
            }
            None => {
                self.slots.push(slot);
                self.hints.push(deadline);
                self.slots.len() - 1
            }
        };
        // Slot numbers stay below the live-session count, far below 2^32
        // (each slot takes hundreds of bytes).
        self.index.insert(h, i as u32);
        id
    }

    /// The periodic sweep of [`push`](Self::push).
    #[cold]
    #[inline(never)]
    fn sweep(&mut self) {
        // `now_ns - last >= interval` as in the docs; i128 cannot overflow.
        self.next_sweep_ns = self.now_ns + self.limits.sweep_interval;
        if let Some(now) = self.now {
            self.expire(now);
        }
    }

    /// Takes the session out of slot `i`, indexed at `pos`, and frees the
    /// slot.
    fn release(&mut self, pos: usize, i: usize) -> Option<Session> {
        self.index.remove_at(pos);
        let s = self.slots.get_mut(i)?.session.take()?;
        self.hints[i] = NO_DEADLINE;
        self.free.push(i as u32);
        Some(s)
    }

    fn new_session(&mut self, a: &Arrival<'_>) -> Session {
        let Arrival {
            pkt, ip, side, ts, ..
        } = *a;
        // Once per session: the public key (the same tuple as the slot
        // key) and its Community ID.
        let key = FlowKey::new(ip.src, ip.dst, pkt.protocol, summary_ports(pkt)).0;
        let syn_ack = pkt.protocol == IpProto::TCP.0 && pkt.tcp_flags.is_syn_ack();
        let (sport, dport) = if pkt.has_icmp() {
            (u16::from(pkt.icmp_type), u16::from(pkt.icmp_code))
        } else if pkt.has_ports() {
            (pkt.sport, pkt.dport)
        } else {
            (0, 0)
        };
        let src = Endpoint {
            addr: ip.src,
            port: sport,
        };
        let dst = Endpoint {
            addr: ip.dst,
            port: dport,
        };
        let other = match side {
            Side::A => Side::B,
            Side::B => Side::A,
        };
        let (client, server, client_side) = if syn_ack {
            (dst, src, other)
        } else {
            (src, dst, side)
        };
        let id = self.next_id;
        self.next_id += 1;
        self.stats.sessions_started += 1;
        Session {
            id,
            key,
            community_id: key.community_id(self.config.community_id_seed),
            protocol: pkt.protocol,
            client,
            server,
            vlan: pkt.vlans().first().copied(),
            first_ts: ts,
            last_ts: ts,
            to_server: DirStats::default(),
            to_client: DirStats::default(),
            tcp_flags: TcpFlags::empty(),
            locations: Locations::with_capacity(SESSION_LOCATION_BYTES),
            digest: super::FOLD_START,
            end: None,
            client_side,
            fin_from_client: false,
            fin_from_server: false,
            reset: false,
            vlan_stacks: VlanStacks::default(),
        }
    }

    /// Moves every session idle at time `now` (or closed and past its
    /// linger time) to the finished queue.
    /// Fragments that waited [`FRAGMENT_TIMEOUT`](super::FRAGMENT_TIMEOUT)
    /// for their datagram's first fragment get their own sessions first.
    pub fn expire(&mut self, now: Timestamp) {
        let config = self.config;
        let now_ns = now.as_nanos();
        for p in self.fragments.expire(now_ns) {
            self.place_pending(&p);
        }
        let start = self.finished.len();
        // Only slots whose hint has passed can have ended; the dense hint
        // array is scanned instead of the sessions themselves.
        let mut ended: Vec<(u64, usize, EndReason)> = Vec::new();
        for (i, hint) in self.hints.iter_mut().enumerate() {
            if now_ns <= *hint {
                continue;
            }
            match &self.slots[i].session {
                Some(s) => match ended_by_time(&config, s, now) {
                    Some(reason) => ended.push((s.id, i, reason)),
                    // Still live: the session saw packets since the hint
                    // was set; catch up to its real deadline.
                    None => *hint = self.limits.deadline(s),
                },
                None => *hint = NO_DEADLINE,
            }
        }
        // Queue them in id order, whatever the slots, to keep the queue
        // deterministic; sorting these small tuples rather than the queued
        // sessions saves moving hundreds of bytes per element.
        ended.sort_unstable_by_key(|&(id, _, _)| id);
        for (_, i, reason) in ended {
            let h = self.seed.hash(&self.slots[i].key);
            let Some((pos, _)) = self.index.find(h, |slot| slot == i) else {
                continue;
            };
            if let Some(mut s) = self.release(pos, i) {
                s.end = Some(reason);
                self.finished.push(s);
            }
        }
        self.stats.sessions_finished += (self.finished.len() - start) as u64;
    }

    /// Moves all live sessions to the finished queue (end of input).
    /// Fragments still waiting for their first fragment get their own
    /// sessions first.
    pub fn finish_all(&mut self) {
        for p in self.fragments.take_all_held() {
            self.place_pending(&p);
        }
        self.fragments = Fragments::default();
        let start = self.finished.len();
        // In id order, sorting (id, slot) pairs rather than the sessions.
        let mut order: Vec<(u64, usize)> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.session.as_ref().map(|s| (s.id, i)))
            .collect();
        order.sort_unstable();
        self.finished.reserve(order.len());
        for (_, i) in order {
            if let Some(mut s) = self.slots[i].session.take() {
                s.end = Some(EndReason::Flushed);
                self.finished.push(s);
            }
        }
        self.slots.clear();
        self.index.clear();
        self.hints.clear();
        self.free.clear();
        self.stats.sessions_finished += (self.finished.len() - start) as u64;
    }

    /// Takes the finished sessions, in the order they ended.
    pub fn drain_finished(&mut self) -> std::vec::Drain<'_, Session> {
        self.finished.drain(..)
    }

    /// Number of finished sessions waiting to be drained.
    pub fn finished_len(&self) -> usize {
        self.finished.len()
    }
}

/// The ports argument [`FlowKey::new`] takes for a packet, as
/// [`FlowKey::from_summary`] derives it.
fn summary_ports(pkt: &PacketSummary) -> Option<(u16, u16)> {
    if !pkt.has_l4 {
        None
    } else if IpProto(pkt.protocol).is_icmp() {
        Some((u16::from(pkt.icmp_type), u16::from(pkt.icmp_code)))
    } else {
        Some((pkt.sport, pkt.dport))
    }
}

/// Whether the session has ended by `now`, and why.
fn ended_by_time(config: &FlowConfig, s: &Session, now: Timestamp) -> Option<EndReason> {
    let quiet = now.as_nanos() - s.last_ts.as_nanos();
    if s.protocol == IpProto::TCP.0
        && s.is_closed()
        && quiet > config.tcp_close_linger.as_nanos() as i128
    {
        return Some(EndReason::TcpClosed);
    }
    (quiet > config.idle_for(s.protocol)).then_some(EndReason::Idle)
}

/// A packet for [`FlowTable::push_batch`]: what [`FlowTable::push`] takes.
#[derive(Clone, Copy, Debug)]
pub struct Pending {
    /// The packet's summary.
    pub summary: PacketSummary,
    /// Its capture time.
    pub ts: Timestamp,
    /// Where it is stored.
    pub loc: Location,
}

/// A packet as the table handles it: its summary and addresses, which
/// side of its key sent it, and when and where it was captured.
#[derive(Clone, Copy)]
struct Arrival<'p> {
    pkt: &'p PacketSummary,
    ip: IpPair,
    side: Side,
    ts: Timestamp,
    loc: Location,
}

/// Adds the packet to its session, which goes on, and keeps the slot's
/// sweep hint right; returns the session's id.
#[inline(always)]
fn go_on(s: &mut Session, hint: &mut i128, limits: &Limits, a: &Arrival<'_>) -> u64 {
    let was_closed = s.is_closed();
    update(s, a);
    // The deadline only moves earlier when a TCP session closes: lower the
    // sweep hint then.
    if s.is_closed() != was_closed {
        *hint = limits.deadline(s);
    }
    s.id
}

#[inline(always)]
fn update(s: &mut Session, a: &Arrival<'_>) {
    let Arrival {
        pkt, side, ts, loc, ..
    } = *a;
    let from_client = s.is_from_client(side);
    let dir = if from_client {
        &mut s.to_server
    } else {
        &mut s.to_client
    };
    dir.packets += 1;
    dir.bytes += u64::from(pkt.wire_len);
    dir.payload_bytes += u64::from(pkt.payload_len);
    if ts > s.last_ts {
        s.last_ts = ts;
    }
    if ts < s.first_ts {
        s.first_ts = ts;
    }
    if pkt.vlan_count != 0 {
        s.vlan_stacks.record(pkt.vlans());
    }
    if pkt.protocol == IpProto::TCP.0 {
        s.tcp_flags |= pkt.tcp_flags;
        if pkt.tcp_flags.contains(TcpFlags::RST) {
            s.reset = true;
        }
        if pkt.tcp_flags.contains(TcpFlags::FIN) {
            if from_client {
                s.fin_from_client = true;
            } else {
                s.fin_from_server = true;
            }
        }
    }
    s.locations.push(loc);
    s.digest = super::fold_digest(s.digest, loc.digest);
}

#[cfg(test)]
mod tests {
    use super::*;
    const ACK: TcpFlags = TcpFlags::ACK;
    const FIN: TcpFlags = TcpFlags::FIN;
    const RST: TcpFlags = TcpFlags::RST;
    const SYN: TcpFlags = TcpFlags::SYN;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn t(secs: i64) -> Timestamp {
        Timestamp::new(secs, 0)
    }

    struct Conn {
        c: IpAddr,
        s: IpAddr,
        cport: u16,
    }

    impl Conn {
        fn to_server(&self, flags: TcpFlags) -> PacketSummary {
            let mut p = PacketSummary::tcp(self.c, self.cport, self.s, 80, flags);
            p.wire_len = 60;
            p
        }
        fn to_client(&self, flags: TcpFlags) -> PacketSummary {
            let mut p = PacketSummary::tcp(self.s, 80, self.c, self.cport, flags);
            p.wire_len = 100;
            p.payload_len = 40;
            p
        }
    }

    // The server has the smaller address so the client is key side B.
    fn conn() -> Conn {
        Conn {
            c: ip("192.168.1.2"),
            s: ip("10.0.0.1"),
            cport: 40000,
        }
    }

    /// `push_batch` leaves a table exactly as `push` one packet at a time
    /// does: more packets than a chunk, many flows, non-IP frames, idle
    /// ends, port reuse after a RST, sweeps.
    #[test]
    fn push_batch_is_push_one_by_one() {
        let mut packets = Vec::new();
        let mut seed = 7u64;
        for n in 0..3000u64 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = seed >> 33;
            let flow = (r % 300) as u16;
            let (c, s) = (
                ip("10.0.0.1"),
                IpAddr::from([10, 1, (flow >> 8) as u8, flow as u8]),
            );
            let summary = match r % 11 {
                0 => PacketSummary::default(),
                1..=3 => PacketSummary::udp(s, 53, c, 1000 + flow),
                4 => PacketSummary::tcp(
                    c,
                    2000 + flow,
                    s,
                    80,
                    [SYN, RST, FIN | ACK][(r % 3) as usize],
                ),
                5 => PacketSummary::icmp(c, s, 8, 0),
                // Fragments of a few datagrams, first ones and later ones
                // in any order.
                6 => fragment(
                    PacketSummary::udp(s, 53, c, 1000 + flow),
                    u32::from(flow % 7),
                    0,
                    true,
                ),
                7 => fragment(
                    PacketSummary::udp(s, 53, c, 1000 + flow),
                    u32::from(flow % 7),
                    (r % 3) as u16,
                    r.is_multiple_of(2),
                ),
                _ => PacketSummary::tcp(s, 80, c, 2000 + flow, ACK),
            };
            packets.push(Pending {
                summary,
                // Gaps past the UDP and ICMP idle time now and then.
                ts: Timestamp::new((n as i64) * if r.is_multiple_of(97) { 90 } else { 1 }, 0),
                loc: Location::new(0, n * 100),
            });
        }
        let mut one = FlowTable::new();
        for p in &packets {
            one.push(&p.summary, p.ts, p.loc);
        }
        let mut batched = FlowTable::new();
        batched.push_batch(&packets[..1000]);
        batched.push_batch(&packets[1000..1001]);
        batched.push_batch(&packets[1001..]);
        for t in [&mut one, &mut batched] {
            t.finish_all();
        }
        let drained = |t: &mut FlowTable| {
            let mut packets = 0;
            let text = t
                .drain_finished()
                .map(|s| {
                    packets += s.packets();
                    format!("{s:?}")
                })
                .collect::<Vec<_>>();
            (text, packets)
        };
        let ((a, in_sessions), (b, _)) = (drained(&mut one), drained(&mut batched));
        assert!(a.len() > 300, "{} sessions", a.len());
        assert_eq!(a, b);
        // Every IP packet is in exactly one session (held fragments too).
        let stats = one.stats();
        assert_eq!(in_sessions, stats.packets - stats.non_ip_packets);
        assert!(stats.fragments_attached > 0 && stats.fragments_unattached > 0);
        assert_eq!(
            format!("{:?}", one.stats()),
            format!("{:?}", batched.stats())
        );
    }

    /// `p` as a fragment of datagram `id` at `offset` (8-byte units): a
    /// non-first one loses its transport header.
    fn fragment(mut p: PacketSummary, id: u32, offset: u16, more: bool) -> PacketSummary {
        p.is_fragment = true;
        p.ip_id = id;
        p.frag_offset = offset;
        p.more_fragments = more;
        if offset != 0 {
            (p.has_l4, p.sport, p.dport, p.tcp_flags, p.payload_len) =
                (false, 0, 0, TcpFlags::empty(), 0);
        }
        p
    }

    fn push(table: &mut FlowTable, p: &PacketSummary, secs: i64) -> u64 {
        let off = table.stats().packets * 100;
        table.push(p, t(secs), Location::new(0, off)).unwrap()
    }

    #[test]
    fn handshake_data_teardown_is_one_session() {
        let c = conn();
        let mut table = FlowTable::new();
        let id = push(&mut table, &c.to_server(SYN), 1);
        assert_eq!(push(&mut table, &c.to_client(SYN | ACK), 1), id);
        assert_eq!(push(&mut table, &c.to_server(ACK), 1), id);
        assert_eq!(push(&mut table, &c.to_client(ACK), 2), id);
        assert_eq!(push(&mut table, &c.to_server(FIN | ACK), 3), id);
        assert_eq!(push(&mut table, &c.to_client(FIN | ACK), 3), id);
        assert_eq!(
            push(&mut table, &c.to_server(ACK), 3),
            id,
            "final ACK lingers in"
        );
        // Linger over: the sweep (every 10 s of capture time) closes it.
        table.expire(t(9));
        let s: Vec<Session> = table.drain_finished().collect();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.end, Some(EndReason::TcpClosed));
        assert_eq!(
            s.client,
            Endpoint {
                addr: c.c,
                port: 40000
            }
        );
        assert_eq!(
            s.server,
            Endpoint {
                addr: c.s,
                port: 80
            }
        );
        assert_eq!(s.to_server.packets, 4);
        assert_eq!(s.to_client.packets, 3);
        assert_eq!(s.to_client.bytes, 300);
        assert_eq!(s.to_client.payload_bytes, 120);
        assert_eq!(s.tcp_flags, SYN | ACK | FIN);
        assert_eq!(s.first_ts, t(1));
        assert_eq!(s.last_ts, t(3));
        assert_eq!(s.locations.len(), 7);
        assert_eq!(s.locations.iter().nth(6), Some(Location::new(0, 600)));
        assert_eq!(s.community_id, s.key.community_id(0));
    }

    #[test]
    fn syn_after_close_or_reset_starts_a_new_session() {
        let c = conn();
        let mut table = FlowTable::new();
        let first = push(&mut table, &c.to_server(SYN), 1);
        push(&mut table, &c.to_client(SYN | ACK), 1);
        push(&mut table, &c.to_server(FIN | ACK), 2);
        push(&mut table, &c.to_client(FIN | ACK), 2);
        let second = push(&mut table, &c.to_server(SYN), 3);
        assert_ne!(first, second);
        let ended: Vec<Session> = table.drain_finished().collect();
        assert_eq!(ended[0].end, Some(EndReason::PortReuse));
        // A retransmitted SYN on a live session stays in it.
        assert_eq!(push(&mut table, &c.to_server(SYN), 4), second);
        push(&mut table, &c.to_client(RST | ACK), 4);
        let third = push(&mut table, &c.to_server(SYN), 4);
        assert_ne!(third, second);
        assert_eq!(table.stats().sessions_started, 3);
    }

    #[test]
    fn syn_ack_seen_first_makes_its_receiver_the_client() {
        let c = conn();
        let mut table = FlowTable::new();
        push(&mut table, &c.to_client(SYN | ACK), 1);
        push(&mut table, &c.to_server(ACK), 1);
        table.finish_all();
        let s = table.drain_finished().next().unwrap();
        assert_eq!(s.client.addr, c.c);
        assert_eq!(s.to_server.packets, 1);
        assert_eq!(s.to_client.packets, 1);
        assert_eq!(s.end, Some(EndReason::Flushed));
    }

    #[test]
    fn udp_splits_after_idle_and_non_ip_is_counted() {
        let mut table = FlowTable::new();
        let q = PacketSummary::udp(ip("10.0.0.9"), 5353, ip("10.0.0.1"), 53);
        let r = PacketSummary::udp(ip("10.0.0.1"), 53, ip("10.0.0.9"), 5353);
        let a = push(&mut table, &q, 0);
        assert_eq!(push(&mut table, &r, 30), a);
        assert_eq!(push(&mut table, &q, 89), a, "59 s quiet: still live");
        let b = push(&mut table, &r, 150);
        assert_ne!(a, b, "61 s quiet: a new session");
        assert_eq!(
            table.push(&PacketSummary::new(), t(150), Location::new(0, 1)),
            None
        );
        assert_eq!(table.stats().non_ip_packets, 1);
        let old: Vec<Session> = table.drain_finished().collect();
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].end, Some(EndReason::Idle));
        assert_eq!(old[0].client.port, 5353);
        assert_eq!(table.live_len(), 1);
    }

    #[test]
    fn push_sweeps_idle_sessions_periodically() {
        let mut table = FlowTable::new();
        for i in 0..100u16 {
            let p = PacketSummary::udp(ip("10.0.0.9"), 1000 + i, ip("10.0.0.1"), 53);
            push(&mut table, &p, 0);
        }
        assert_eq!(table.live_len(), 100);
        let other = PacketSummary::udp(ip("10.0.0.8"), 1, ip("10.0.0.1"), 53);
        push(&mut table, &other, 120);
        assert_eq!(table.live_len(), 1, "idle sessions left the table");
        let ids: Vec<u64> = table.drain_finished().map(|s| s.id).collect();
        assert_eq!(ids, (0..100).collect::<Vec<_>>(), "in id order");
    }

    #[test]
    fn icmp_echo_request_and_reply_share_a_session() {
        let mut table = FlowTable::new();
        let req = PacketSummary::icmp(ip("10.0.0.2"), ip("10.0.0.1"), 8, 0);
        let rep = PacketSummary::icmp(ip("10.0.0.1"), ip("10.0.0.2"), 0, 0);
        let unreach = PacketSummary::icmp(ip("10.0.0.1"), ip("10.0.0.2"), 3, 3);
        let a = push(&mut table, &req, 0);
        assert_eq!(push(&mut table, &rep, 0), a);
        assert_ne!(push(&mut table, &unreach, 0), a);
        table.finish_all();
        let s = table.drain_finished().next().unwrap();
        assert_eq!((s.client.port, s.server.port), (8, 0));
        assert_eq!((s.to_server.packets, s.to_client.packets), (1, 1));
    }

    #[test]
    fn slot_key_matches_the_public_key() {
        let addrs = [
            ip("10.0.0.1"),
            ip("10.0.0.2"),
            ip("::ffff:10.0.0.1"),
            ip("2001:db8::1"),
            ip("2001:db8::2"),
        ];
        let mut seen = Vec::new();
        for &src in &addrs {
            for &dst in &addrs {
                for proto in [
                    IpProto::TCP,
                    IpProto::UDP,
                    IpProto::SCTP,
                    IpProto::GRE,
                    IpProto::ICMP,
                    IpProto::ICMPV6,
                ]
                .map(|p| p.0)
                {
                    for (a, b) in [(1u16, 2u16), (2, 1), (8, 0), (0, 0), (3, 3), (128, 0)] {
                        for has_l4 in [true, false] {
                            let mut p = PacketSummary::ip(src, dst, proto);
                            p.has_l4 = has_l4;
                            (p.sport, p.dport) = (a, b);
                            (p.icmp_type, p.icmp_code) = (a as u8, b as u8);
                            let (k, side) = FlowKey::from_summary(&p).unwrap();
                            let (sk, sside) = SlotKey::of_packet(&p, p.ip.unwrap());
                            assert_eq!(sk, SlotKey::from_flow_key(&k), "{p:?}");
                            assert_eq!(side, sside, "{p:?}");
                            seen.push((k, sk));
                        }
                    }
                }
            }
        }
        // Distinct public keys stay distinct (v4-mapped v6 included).
        for (k1, s1) in &seen {
            for (k2, s2) in &seen {
                assert_eq!(k1 == k2, s1 == s2, "{k1:?} {k2:?}");
            }
        }
    }

    #[test]
    fn keyed_hash_depends_on_seed_and_order() {
        let (k, _) = FlowKey::new(ip("10.0.0.1"), ip("10.0.0.2"), 6, Some((1, 2)));
        let sk = SlotKey::from_flow_key(&k);
        let (s1, s2) = (KeySeed::random(), KeySeed::random());
        assert_ne!(s1.hash(&sk), s2.hash(&sk));
        let mut swapped = sk;
        swapped.0.swap(0, 2);
        assert_ne!(s1.hash(&sk), s1.hash(&swapped));
    }

    #[test]
    fn index_survives_collisions_growth_and_removal() {
        // Few distinct hashes, so probe runs are long and wrap around.
        let mut index = Index::new();
        let mut live: Vec<(u32, u32)> = Vec::new();
        for slot in 0..400u32 {
            let h = (slot.wrapping_mul(0x9e37_79b9) % 7) | ((slot % 3) << 30);
            index.insert(h, slot);
            live.push((h, slot));
            if slot % 3 == 0 {
                let (h, gone) = live.remove(live.len() / 2);
                let (pos, found) = index.find(h, |s| s == gone as usize).unwrap();
                assert_eq!(found, gone as usize);
                index.remove_at(pos);
            }
            for &(h, s) in &live {
                assert!(index.find(h, |x| x == s as usize).is_some(), "{s}");
            }
        }
        assert_eq!(index.len(), live.len());
        assert!(index.find(3, |_| false).is_none());
        index.clear();
        assert!(index.find(live[0].0, |_| true).is_none());
    }

    #[test]
    fn linger_longer_than_idle_ends_at_idle() {
        let config = FlowConfig {
            tcp_idle: Duration::from_secs(5),
            tcp_close_linger: Duration::from_secs(30),
            ..FlowConfig::default()
        };
        let c = conn();
        let mut table = FlowTable::with_config(config);
        let first = push(&mut table, &c.to_server(SYN), 1);
        push(&mut table, &c.to_client(RST | ACK), 1);
        assert_eq!(push(&mut table, &c.to_client(ACK), 6), first, "5 s: live");
        assert_ne!(push(&mut table, &c.to_client(ACK), 12), first, "6 s: over");
        let ended: Vec<Session> = table.drain_finished().collect();
        assert_eq!(ended[0].end, Some(EndReason::Idle));
    }

    #[test]
    fn slots_are_reused_and_live_lists_sessions() {
        let mut table = FlowTable::new();
        for round in 0..3i64 {
            for i in 0..50u16 {
                let p = PacketSummary::udp(ip("10.0.0.9"), 1000 + i, ip("10.0.0.1"), 53);
                push(&mut table, &p, round * 100);
            }
            assert_eq!(table.live_len(), 50);
            assert_eq!(table.live().count(), 50);
        }
        assert_eq!(table.slots.len(), 50, "freed slots were reused");
        assert_eq!(table.hints.len(), 50);
        assert_eq!(table.stats().sessions_finished, 100);
        table.finish_all();
        assert_eq!(table.live().count(), 0);
        assert_eq!(table.finished_len(), 150);
    }

    #[test]
    fn sessions_keep_every_vlan_stack_and_digests() {
        let mut table = FlowTable::new();
        let q = PacketSummary::udp(ip("10.0.0.9"), 5353, ip("10.0.0.1"), 53);
        let tagged = |ids: &[u16]| {
            let mut p = q;
            for &id in ids {
                p.push_vlan(id);
            }
            p
        };
        for (n, p) in [
            q,
            tagged(&[10]),
            tagged(&[20]),
            tagged(&[10]),
            tagged(&[1, 20]),
        ]
        .iter()
        .enumerate()
        {
            table.push(
                p,
                t(1),
                Location::with_digest(
                    0,
                    24 + 100 * n as u64,
                    ((7 + n as u64) << 48) | (7 + n as u64),
                ),
            );
        }
        let plain = PacketSummary::udp(ip("10.0.0.8"), 1, ip("10.0.0.1"), 53);
        push(&mut table, &plain, 1);
        table.finish_all();
        let s: Vec<Session> = table.drain_finished().collect();
        let stacks: Vec<&[u16]> = s[0].vlan_stacks().collect();
        assert_eq!(stacks, vec![&[10][..], &[20], &[1, 20]]);
        assert_eq!(s[0].vlan, None, "first packet untagged");
        assert_eq!(s[0].vlan_stacks_dropped(), 0);
        assert_eq!(s[1].vlan_stacks().count(), 0);
        // The list keeps the low 16 bits; the session folds all 64.
        let digests: Vec<u64> = s[0].locations.iter().map(|l| l.digest).collect();
        assert_eq!(digests, vec![7, 8, 9, 10, 11]);
        let full = (7..12u64).map(|d| d << 48 | d);
        assert_eq!(
            s[0].digest,
            full.fold(crate::flow::FOLD_START, crate::flow::fold_digest)
        );
    }

    fn udp_frags(id: u32) -> (PacketSummary, PacketSummary, PacketSummary) {
        let q = PacketSummary::udp(ip("10.0.0.9"), 5353, ip("10.0.0.1"), 53);
        (
            fragment(q, id, 0, true),
            fragment(q, id, 185, true),
            fragment(q, id, 370, false),
        )
    }

    fn ports_of(s: &Session) -> (u16, u16) {
        (s.client.port, s.server.port)
    }

    #[test]
    fn later_fragments_join_their_first_fragments_session() {
        let mut table = FlowTable::new();
        let (first, mid, last) = udp_frags(77);
        let reply = PacketSummary::udp(ip("10.0.0.1"), 53, ip("10.0.0.9"), 5353);
        let id = push(&mut table, &first, 1);
        assert_eq!(push(&mut table, &mid, 1), id);
        assert_eq!(push(&mut table, &last, 1), id);
        assert_eq!(push(&mut table, &reply, 2), id);
        // Another datagram id between the same hosts: not this session.
        let (_, other, _) = udp_frags(78);
        assert_eq!(
            table.push(&other, t(2), Location::new(0, 400)),
            None,
            "waits"
        );
        table.finish_all();
        let s: Vec<Session> = table.drain_finished().collect();
        assert_eq!(s.len(), 2);
        assert_eq!(ports_of(&s[0]), (5353, 53));
        assert_eq!((s[0].to_server.packets, s[0].to_client.packets), (3, 1));
        let offsets: Vec<u64> = s[0].locations.iter().map(|l| l.offset).collect();
        assert_eq!(offsets, vec![0, 100, 200, 300]);
        assert_eq!(ports_of(&s[1]), (0, 0), "datagram 78's first never came");
        assert_eq!(table.stats().fragments_attached, 2);
        assert_eq!(table.stats().fragments_unattached, 1);
    }

    #[test]
    fn fragments_before_their_first_wait_for_it() {
        let mut table = FlowTable::new();
        let (first, mid, last) = udp_frags(5);
        let loc = |n: u64| Location::new(0, 24 + n * 100);
        assert_eq!(table.push(&last, t(1), loc(0)), None, "held");
        assert_eq!(table.push(&mid, t(1), loc(1)), None, "held");
        let id = table.push(&first, t(2), loc(2)).unwrap();
        table.finish_all();
        let s: Vec<Session> = table.drain_finished().collect();
        assert_eq!(s.len(), 1, "no port-0 session");
        assert_eq!(s[0].id, id);
        assert_eq!(s[0].packets(), 3);
        assert_eq!(s[0].first_ts, t(1));
        // Listed right after the first fragment, in their arrival order.
        let got: Vec<Location> = s[0].locations.iter().collect();
        assert_eq!(got, vec![loc(2), loc(0), loc(1)]);
        assert_eq!(table.stats().packets, 3);
        assert_eq!(table.stats().fragments_attached, 2);
    }

    #[test]
    fn a_fragment_whose_first_never_comes_gets_its_own_session() {
        let mut table = FlowTable::new();
        let (_, mid, _) = udp_frags(9);
        assert_eq!(table.push(&mid, t(1), Location::new(0, 24)), None);
        assert_eq!(table.fragments.held_len(), 1);
        // 30 s is still within the wait; past it the fragment stops waiting.
        table.expire(t(31));
        assert_eq!(table.live_len(), 0);
        table.expire(t(32));
        assert_eq!(table.fragments.held_len(), 0);
        assert_eq!(table.live_len(), 1);
        let s = table.live().next().unwrap();
        assert_eq!((ports_of(s), s.packets()), ((0, 0), 1));
        // A first fragment after the wait does not pull it back.
        let (first, _, _) = udp_frags(9);
        push(&mut table, &first, 33);
        assert_eq!(table.live_len(), 2);
        // Held at the end of input: own session too.
        let (_, mid2, _) = udp_frags(10);
        assert_eq!(table.push(&mid2, t(34), Location::new(0, 99)), None);
        table.finish_all();
        assert_eq!(table.drain_finished().count(), 2);
        assert_eq!(table.stats().fragments_unattached, 2);
    }

    #[test]
    fn datagrams_are_forgotten_after_the_timeout_and_beyond_the_cap() {
        let mut table = FlowTable::new();
        let (first, mid, _) = udp_frags(1);
        push(&mut table, &first, 0);
        assert_eq!(
            table.push(&mid, t(31), Location::new(0, 1)),
            None,
            "31 s later: forgotten, so it waits for a first fragment"
        );
        assert_eq!(table.stats().fragments_attached, 0);
        // The cap: the oldest datagram is forgotten first.
        let mut table = FlowTable::new();
        let first_id = push(&mut table, &udp_frags(0).0, 0);
        for n in 1..=crate::flow::MAX_TRACKED_DATAGRAMS as u32 {
            assert_eq!(push(&mut table, &udp_frags(n).0, 0), first_id);
        }
        assert_eq!(
            table.fragments.tracked(),
            crate::flow::MAX_TRACKED_DATAGRAMS
        );
        assert_eq!(table.push(&udp_frags(0).1, t(0), Location::new(0, 1)), None);
        assert_eq!(push(&mut table, &udp_frags(1).1, 0), first_id);
        // Held fragments beyond their cap: the oldest stops waiting.
        let mut table = FlowTable::new();
        for n in 0..=crate::flow::MAX_HELD_FRAGMENTS as u32 {
            assert_eq!(table.push(&udp_frags(n).1, t(0), Location::new(0, 0)), None);
        }
        assert_eq!(table.fragments.held_len(), crate::flow::MAX_HELD_FRAGMENTS);
        assert_eq!(table.live_len(), 1);
        assert_eq!(table.stats().fragments_unattached, 1);
    }

    #[test]
    fn fragments_of_an_ended_session_do_not_join_it() {
        let c = conn();
        let mut table = FlowTable::new();
        let first = fragment(c.to_server(ACK | FIN), 3, 0, true);
        let id = push(&mut table, &first, 1);
        push(&mut table, &c.to_client(FIN | ACK), 1);
        // Closed: the linger (5 s) is over before the fragment comes.
        let later = fragment(c.to_server(ACK), 3, 10, false);
        assert_ne!(push(&mut table, &later, 8), id);
        // An IPv6 atomic fragment (offset 0, no more) is an ordinary packet.
        let mut atomic = PacketSummary::udp(ip("2001:db8::1"), 1, ip("2001:db8::2"), 2);
        atomic.is_fragment = true;
        let a = push(&mut table, &atomic, 9);
        assert_eq!(push(&mut table, &atomic, 9), a);
        assert_eq!(table.fragments.tracked(), 1);
    }

    #[test]
    fn timestamps_convert() {
        let ts = Timestamp::new(-1, 1_500_000_000);
        assert_eq!(
            ts,
            Timestamp {
                secs: 0,
                nanos: 500_000_000
            }
        );
        assert_eq!(
            Timestamp::from_nanos(-1),
            Timestamp {
                secs: -1,
                nanos: 999_999_999
            }
        );
        assert_eq!(Timestamp::from_nanos(ts.as_nanos()), ts);
    }
}
