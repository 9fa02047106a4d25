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
//! 2–4 bytes to the session's [`Locations`]; nothing else is allocated.
//!
//! The initiator ("client") is the sender of the first packet, except
//! that a TCP SYN+ACK seen first makes its receiver the client. For ICMP
//! the client "port" is the first packet's type and the server "port" its
//! code (as Zeek's conn.log does).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::time::Duration;

use super::community_id::{CommunityId, FlowKey, Side};
use super::locations::{Location, Locations};
use super::summary::{IpPair, PacketSummary, ip_proto, tcp_flags};

/// A packet timestamp: seconds and nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01 UTC.
    pub secs: i64,
    /// Nanoseconds within the second (below 1e9).
    pub nanos: u32,
}

impl Timestamp {
    /// A timestamp; `nanos` beyond a second carry into `secs`.
    pub const fn new(secs: i64, nanos: u32) -> Self {
        Timestamp {
            secs: secs + (nanos / 1_000_000_000) as i64,
            nanos: nanos % 1_000_000_000,
        }
    }

    /// Nanoseconds since the epoch.
    pub const fn as_nanos(&self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nanos as i128
    }

    /// The timestamp `nanos` nanoseconds after the epoch (saturating).
    pub fn from_nanos(nanos: i128) -> Self {
        let secs = nanos.div_euclid(1_000_000_000);
        let secs = secs.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        Timestamp {
            secs,
            nanos: nanos.rem_euclid(1_000_000_000) as u32,
        }
    }
}

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
        let d = match proto {
            ip_proto::TCP => self.tcp_idle,
            ip_proto::UDP => self.udp_idle,
            ip_proto::ICMP | ip_proto::ICMPV6 => self.icmp_idle,
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
#[derive(Clone, Debug)]
pub struct Session {
    /// Sequence number in the table, in order of first packet (from 0).
    pub id: u64,
    /// The canonical tuple.
    pub key: FlowKey,
    /// Community ID v1 of the tuple.
    pub community_id: CommunityId,
    /// IP protocol number.
    pub protocol: u8,
    /// The initiator (see the module docs).
    pub client: Endpoint,
    /// The other end.
    pub server: Endpoint,
    /// Outermost VLAN ID of the first packet, if tagged.
    pub vlan: Option<u16>,
    /// Time of the first packet.
    pub first_ts: Timestamp,
    /// Time of the last packet.
    pub last_ts: Timestamp,
    /// Client → server traffic.
    pub to_server: DirStats,
    /// Server → client traffic.
    pub to_client: DirStats,
    /// OR of the TCP flags of all packets (0 for non-TCP).
    pub tcp_flags: u8,
    /// Every packet's location, in arrival order.
    pub locations: Locations,
    /// Why the session ended; `None` while live.
    pub end: Option<EndReason>,
    client_side: Side,
    fin_from_client: bool,
    fin_from_server: bool,
    reset: bool,
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
}

/// A fast keyed hasher for [`FlowKey`]s: multiply-rotate mixing (as in
/// FxHash) from a per-table random seed, with a final avalanche. Cheaper
/// than SipHash for these short fixed keys; the random seed keeps an
/// attacker from precomputing colliding tuples, though it is not a
/// cryptographic guarantee.
#[derive(Clone, Copy, Debug)]
struct SeededFx {
    seed: u64,
}

#[derive(Clone, Copy, Debug)]
struct FxState(u64);

const FX_K: u64 = 0x517c_c1b7_2722_0a95;

impl Hasher for FxState {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        if !rest.is_empty() {
            tail[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(tail) ^ (rest.len() as u64) << 59);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(FX_K);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // murmur3's fmix64, so the low bits hashbrown uses depend on all.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl BuildHasher for SeededFx {
    type Hasher = FxState;

    fn build_hasher(&self) -> FxState {
        FxState(self.seed)
    }
}

/// Bidirectional session tracking (see the [module docs](crate::flow::table)
/// for when sessions end and the defaults).
///
/// ```
/// use pcap_core::flow::{FlowTable, Location, PacketSummary, Timestamp, tcp_flags};
///
/// let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
/// let mut table = FlowTable::new();
/// let syn = PacketSummary::tcp(a, 40000, b, 80, tcp_flags::SYN);
/// let ack = PacketSummary::tcp(b, 80, a, 40000, tcp_flags::SYN | tcp_flags::ACK);
/// let id = table.push(&syn, Timestamp::new(1, 0), Location::new(0, 24));
/// assert_eq!(table.push(&ack, Timestamp::new(1, 5), Location::new(0, 100)), id);
/// table.finish_all();
/// let sessions: Vec<_> = table.drain_finished().collect();
/// assert_eq!(sessions[0].client.addr, a);
/// assert_eq!(sessions[0].locations.len(), 2);
/// ```
#[derive(Debug)]
pub struct FlowTable {
    config: FlowConfig,
    live: HashMap<FlowKey, Session, SeededFx>,
    finished: Vec<Session>,
    next_id: u64,
    now: Option<Timestamp>,
    last_sweep: Option<Timestamp>,
    stats: FlowStats,
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
        let seed = std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64);
        FlowTable {
            config,
            live: HashMap::with_hasher(SeededFx { seed }),
            finished: Vec::new(),
            next_id: 0,
            now: None,
            last_sweep: None,
            stats: FlowStats::default(),
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
        self.live.len()
    }

    /// The live sessions, in no particular order.
    pub fn live(&self) -> impl Iterator<Item = &Session> {
        self.live.values()
    }

    /// Adds a packet at time `ts`, stored at `loc`; returns its session's
    /// id, or `None` for a non-IP frame. The packet's bytes are its
    /// `wire_len`.
    pub fn push(&mut self, pkt: &PacketSummary, ts: Timestamp, loc: Location) -> Option<u64> {
        self.stats.packets += 1;
        let now = self.now.map_or(ts, |n| n.max(ts));
        self.now = Some(now);
        let sweep_due = self.last_sweep.is_none_or(|last| {
            now.as_nanos() - last.as_nanos() >= self.config.sweep_interval.as_nanos() as i128
        });
        if sweep_due {
            self.last_sweep = Some(now);
            self.expire(now);
        }

        let (Some(ip), Some((key, side))) = (pkt.ip, FlowKey::from_summary(pkt)) else {
            self.stats.non_ip_packets += 1;
            return None;
        };
        let syn_only = pkt.protocol == ip_proto::TCP
            && pkt.tcp_flags & (tcp_flags::SYN | tcp_flags::ACK) == tcp_flags::SYN;
        if let Some(s) = self.live.get_mut(&key) {
            let end = if syn_only && s.is_closed() {
                Some(EndReason::PortReuse)
            } else {
                ended_by_time(&self.config, s, ts)
            };
            match end {
                None => {
                    update(s, pkt, side, ts, loc);
                    return Some(s.id);
                }
                Some(reason) => {
                    if let Some(mut old) = self.live.remove(&key) {
                        old.end = Some(reason);
                        self.stats.sessions_finished += 1;
                        self.finished.push(old);
                    }
                }
            }
        }
        let mut s = self.new_session(key, side, ip, pkt, ts);
        update(&mut s, pkt, side, ts, loc);
        let id = s.id;
        self.live.insert(key, s);
        Some(id)
    }

    fn new_session(
        &mut self,
        key: FlowKey,
        side: Side,
        ip: IpPair,
        pkt: &PacketSummary,
        ts: Timestamp,
    ) -> Session {
        let syn_ack = pkt.protocol == ip_proto::TCP
            && pkt.tcp_flags & (tcp_flags::SYN | tcp_flags::ACK) == tcp_flags::SYN | tcp_flags::ACK;
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
            tcp_flags: 0,
            locations: Locations::new(),
            end: None,
            client_side,
            fin_from_client: false,
            fin_from_server: false,
            reset: false,
        }
    }

    /// Moves every session idle at time `now` (or closed and past its
    /// linger time) to the finished queue.
    pub fn expire(&mut self, now: Timestamp) {
        let config = self.config;
        let start = self.finished.len();
        let ended: Vec<(FlowKey, EndReason)> = self
            .live
            .iter()
            .filter_map(|(k, s)| ended_by_time(&config, s, now).map(|r| (*k, r)))
            .collect();
        for (key, reason) in ended {
            if let Some(mut s) = self.live.remove(&key) {
                s.end = Some(reason);
                self.finished.push(s);
            }
        }
        // The map iterates in hash order; keep the queue deterministic.
        self.finished[start..].sort_unstable_by_key(|s| s.id);
        self.stats.sessions_finished += (self.finished.len() - start) as u64;
    }

    /// Moves all live sessions to the finished queue (end of input).
    pub fn finish_all(&mut self) {
        let start = self.finished.len();
        self.finished.extend(self.live.drain().map(|(_, mut s)| {
            s.end = Some(EndReason::Flushed);
            s
        }));
        self.finished[start..].sort_unstable_by_key(|s| s.id);
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

/// Whether the session has ended by `now`, and why.
fn ended_by_time(config: &FlowConfig, s: &Session, now: Timestamp) -> Option<EndReason> {
    let quiet = now.as_nanos() - s.last_ts.as_nanos();
    if s.protocol == ip_proto::TCP
        && s.is_closed()
        && quiet > config.tcp_close_linger.as_nanos() as i128
    {
        return Some(EndReason::TcpClosed);
    }
    (quiet > config.idle_for(s.protocol)).then_some(EndReason::Idle)
}

fn update(s: &mut Session, pkt: &PacketSummary, side: Side, ts: Timestamp, loc: Location) {
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
    if pkt.protocol == ip_proto::TCP {
        s.tcp_flags |= pkt.tcp_flags;
        if pkt.tcp_flags & tcp_flags::RST != 0 {
            s.reset = true;
        }
        if pkt.tcp_flags & tcp_flags::FIN != 0 {
            if from_client {
                s.fin_from_client = true;
            } else {
                s.fin_from_server = true;
            }
        }
    }
    s.locations.push(loc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::tcp_flags::{ACK, FIN, RST, SYN};

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
        fn to_server(&self, flags: u8) -> PacketSummary {
            let mut p = PacketSummary::tcp(self.c, self.cport, self.s, 80, flags);
            p.wire_len = 60;
            p
        }
        fn to_client(&self, flags: u8) -> PacketSummary {
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
