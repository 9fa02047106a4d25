//! [`Defragmenter`]: an IP datagram's payload put back together from its
//! fragments (for `carve --payload`, which follows a session's data).
//!
//! Rules:
//!
//! - A datagram is identified by a [`DatagramId`]: source, destination,
//!   protocol and identification (IPv4's 16-bit Identification, or the
//!   32-bit one of an IPv6 Fragment header).
//! - A fragment gives its offset in bytes within the datagram's payload
//!   (the header's fragment offset × 8), whether more fragments follow,
//!   and its data. The payload is complete, and returned, once the fragment
//!   without "more" has fixed its length and every byte from 0 to that
//!   length has arrived, in whatever order.
//! - **Overlaps: the first copy wins.** A byte already received is never
//!   overwritten by a later fragment (as Windows and BSD "first" policies
//!   do; Linux favours later data in some cases). Only the first fragment
//!   without "more" fixes the length; bytes past it are dropped, and later
//!   fragments claiming another length are ignored for the length.
//! - **Bounds.** A datagram payload is at most [`MAX_DATAGRAM_LEN`] bytes
//!   (what IPv4's 16-bit Total Length, or IPv6's Payload Length without a
//!   jumbogram, can describe); a fragment reaching past it is ignored, so
//!   such a datagram never completes. At most
//!   [`DEFAULT_MAX_DATAGRAMS`] (or the number given to
//!   [`Defragmenter::with_max_datagrams`]) are in progress at once: a new
//!   one beyond that makes the oldest be forgotten. Each datagram in
//!   progress holds its bytes so far plus one bit per byte, so memory stays
//!   below about 72 KiB per datagram in progress.
//!
//! Nothing here panics, whatever the offsets and lengths.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use super::summary::PacketSummary;

/// The largest datagram payload put together: 65,535 bytes.
pub const MAX_DATAGRAM_LEN: usize = 65_535;

/// How many datagrams [`Defragmenter::new`] keeps in progress at once.
pub const DEFAULT_MAX_DATAGRAMS: usize = 256;

/// Which datagram a fragment belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DatagramId {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// The upper-layer protocol (IPv4 Protocol, or the IPv6 Next Header
    /// after the extension headers).
    pub protocol: u8,
    /// IPv4 Identification or the IPv6 Fragment header's Identification.
    pub id: u32,
}

impl DatagramId {
    /// The datagram of a packet, from its summary (`None` for a non-IP
    /// frame).
    pub fn of(pkt: &PacketSummary) -> Option<DatagramId> {
        let ip = pkt.ip?;
        Some(DatagramId {
            src: ip.src,
            dst: ip.dst,
            protocol: pkt.protocol,
            id: pkt.ip_id,
        })
    }
}

/// A datagram in progress.
#[derive(Clone, Debug, Default)]
struct Partial {
    /// The bytes so far (valid where `have` says), as long as the furthest
    /// fragment end seen (or the length, once known).
    data: Vec<u8>,
    /// One bit per byte of `data`: received.
    have: Vec<u64>,
    /// Bits set in `have`.
    received: usize,
    /// The payload length, once the last fragment came.
    len: Option<usize>,
    /// Insertion number (see `Defragmenter::order`).
    seq: u64,
}

impl Partial {
    fn has(&self, i: usize) -> bool {
        self.have
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 != 0)
    }

    /// Grows the buffers to hold `end` bytes.
    fn grow(&mut self, end: usize) {
        if end > self.data.len() {
            self.data.resize(end, 0);
            self.have.resize(end.div_ceil(64), 0);
        }
    }

    /// Fixes the length: drops what lies past it.
    fn set_len(&mut self, len: usize) {
        self.len = Some(len);
        if self.data.len() > len {
            self.data.truncate(len);
            self.have.truncate(len.div_ceil(64));
            if let Some(last) = self.have.last_mut()
                && !len.is_multiple_of(64)
            {
                *last &= (1u64 << (len % 64)) - 1;
            }
            self.received = self.have.iter().map(|w| w.count_ones() as usize).sum();
        }
    }

    /// Copies the bytes of `data` (at `offset`) not received yet.
    fn fill(&mut self, offset: usize, data: &[u8]) {
        let end = offset + data.len();
        let end = self.len.map_or(end, |len| end.min(len));
        if offset >= end {
            return;
        }
        self.grow(end);
        for (i, &b) in (offset..end).zip(data) {
            if !self.has(i) {
                self.data[i] = b;
                self.have[i / 64] |= 1 << (i % 64);
                self.received += 1;
            }
        }
    }

    fn is_complete(&self) -> bool {
        self.len == Some(self.received)
    }
}

/// Puts IP datagram payloads back together from their fragments (see the
/// [module docs](crate::flow::defrag) for the rules and bounds).
///
/// ```
/// use pcap_core::flow::{DatagramId, Defragmenter};
///
/// let id = DatagramId {
///     src: "10.0.0.1".parse().unwrap(),
///     dst: "10.0.0.2".parse().unwrap(),
///     protocol: 17,
///     id: 7,
/// };
/// let mut d = Defragmenter::new();
/// assert_eq!(d.push(id, 8, false, b"world"), None);
/// assert_eq!(d.push(id, 0, true, b"hello, \0"), Some(b"hello, \0world".to_vec()));
/// assert!(d.is_empty());
/// ```
#[derive(Debug)]
pub struct Defragmenter {
    datagrams: HashMap<DatagramId, Partial>,
    /// `(seq, id)` in the order datagrams started: the oldest first, for
    /// eviction. Entries whose `seq` is not their datagram's are stale
    /// (the datagram completed, or started again).
    order: VecDeque<(u64, DatagramId)>,
    next_seq: u64,
    max_datagrams: usize,
}

impl Default for Defragmenter {
    fn default() -> Self {
        Defragmenter::new()
    }
}

impl Defragmenter {
    /// A defragmenter keeping at most [`DEFAULT_MAX_DATAGRAMS`] datagrams
    /// in progress.
    pub fn new() -> Self {
        Defragmenter::with_max_datagrams(DEFAULT_MAX_DATAGRAMS)
    }

    /// A defragmenter keeping at most `max` datagrams in progress (at
    /// least 1).
    pub fn with_max_datagrams(max: usize) -> Self {
        Defragmenter {
            datagrams: HashMap::new(),
            order: VecDeque::new(),
            next_seq: 0,
            max_datagrams: max.max(1),
        }
    }

    /// Adds a fragment of datagram `key`: `data` at byte `offset_bytes` of
    /// its payload, `more` if fragments follow (IPv4 MF, IPv6 M). Returns
    /// the datagram's whole payload once every byte of it is in (the
    /// datagram is then forgotten), else `None`.
    pub fn push(
        &mut self,
        key: DatagramId,
        offset_bytes: usize,
        more: bool,
        data: &[u8],
    ) -> Option<Vec<u8>> {
        let end = offset_bytes.checked_add(data.len())?;
        if end > MAX_DATAGRAM_LEN {
            return None;
        }
        if !self.datagrams.contains_key(&key) {
            self.start(key);
        }
        let p = self.datagrams.get_mut(&key)?;
        if !more && p.len.is_none() {
            p.set_len(end);
        }
        p.fill(offset_bytes, data);
        if !p.is_complete() {
            return None;
        }
        let mut done = self.datagrams.remove(&key)?;
        done.data.truncate(done.len.unwrap_or(0));
        Some(done.data)
    }

    fn start(&mut self, key: DatagramId) {
        while self.datagrams.len() >= self.max_datagrams {
            let Some((seq, old)) = self.order.pop_front() else {
                break;
            };
            if self.datagrams.get(&old).is_some_and(|p| p.seq == seq) {
                self.datagrams.remove(&old);
            }
        }
        // Completed datagrams leave stale entries: drop them before they
        // outnumber the live ones.
        if self.order.len() > 2 * self.max_datagrams + 16 {
            let datagrams = &self.datagrams;
            self.order
                .retain(|(seq, k)| datagrams.get(k).is_some_and(|p| p.seq == *seq));
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.datagrams.insert(
            key,
            Partial {
                seq,
                ..Partial::default()
            },
        );
        self.order.push_back((seq, key));
    }

    /// Number of datagrams in progress.
    pub fn len(&self) -> usize {
        self.datagrams.len()
    }

    /// Whether no datagram is in progress.
    pub fn is_empty(&self) -> bool {
        self.datagrams.is_empty()
    }

    /// Forgets every datagram in progress.
    pub fn clear(&mut self) {
        self.datagrams.clear();
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(id: u32) -> DatagramId {
        DatagramId {
            src: "10.0.0.1".parse().unwrap(),
            dst: "10.0.0.2".parse().unwrap(),
            protocol: 6,
            id,
        }
    }

    #[test]
    fn in_order_and_out_of_order() {
        let mut d = Defragmenter::new();
        let payload: Vec<u8> = (0..40u8).collect();
        assert_eq!(d.push(key(1), 0, true, &payload[..16]), None);
        assert_eq!(d.push(key(1), 16, true, &payload[16..32]), None);
        assert_eq!(
            d.push(key(1), 32, false, &payload[32..]),
            Some(payload.clone())
        );
        assert!(d.is_empty());
        // Last first, middle, then first.
        assert_eq!(d.push(key(2), 32, false, &payload[32..]), None);
        assert_eq!(d.push(key(2), 0, true, &payload[..16]), None);
        assert_eq!(d.len(), 1);
        assert_eq!(d.push(key(2), 16, true, &payload[16..32]), Some(payload));
        // A whole datagram in one piece, and an empty one.
        assert_eq!(d.push(key(3), 0, false, b"abc"), Some(b"abc".to_vec()));
        assert_eq!(d.push(key(4), 0, false, b""), Some(Vec::new()));
    }

    #[test]
    fn overlaps_keep_the_first_copy() {
        let mut d = Defragmenter::new();
        assert_eq!(d.push(key(1), 0, true, b"AAAAAAAA"), None);
        // Overlaps bytes 4..8 (kept as A) and adds 8..16.
        assert_eq!(d.push(key(1), 4, true, b"BBBBBBBBBBBB"), None);
        // A retransmission with other data changes nothing.
        assert_eq!(d.push(key(1), 0, true, b"CCCCCCCCCCCCCCCC"), None);
        assert_eq!(
            d.push(key(1), 16, false, b"DD"),
            Some(b"AAAAAAAABBBBBBBBDD".to_vec())
        );
    }

    #[test]
    fn the_first_last_fragment_fixes_the_length() {
        let mut d = Defragmenter::new();
        assert_eq!(d.push(key(1), 0, true, b"0123456789abcdef"), None);
        // Ends at 8: bytes past it are dropped; the datagram is complete.
        assert_eq!(
            d.push(key(1), 4, false, b"XXXX"),
            Some(b"01234567".to_vec())
        );
        assert_eq!(d.push(key(2), 8, false, b"89"), None);
        // Another length claimed later is ignored; data past 10 too.
        assert_eq!(d.push(key(2), 8, false, b"89abcdef"), None);
        assert_eq!(
            d.push(key(2), 0, true, b"01234567"),
            Some(b"0123456789".to_vec())
        );
    }

    #[test]
    fn absurd_offsets_are_ignored() {
        let mut d = Defragmenter::new();
        assert_eq!(d.push(key(1), usize::MAX, false, b"x"), None);
        assert_eq!(d.push(key(1), MAX_DATAGRAM_LEN, true, b"x"), None);
        assert_eq!(
            d.push(key(1), 65_528, false, &[0; 1480]),
            None,
            "ping of death"
        );
        assert!(d.is_empty(), "nothing was kept for them");
        // The largest datagram completes.
        let big = vec![7u8; MAX_DATAGRAM_LEN];
        assert_eq!(d.push(key(2), 8, false, &big[8..]), None);
        assert_eq!(d.push(key(2), 0, true, &big[..8]), Some(big));
    }

    #[test]
    fn the_oldest_datagram_is_forgotten_beyond_the_cap() {
        let mut d = Defragmenter::with_max_datagrams(3);
        for id in 0..3 {
            assert_eq!(d.push(key(id), 8, false, b"tail"), None);
        }
        // Completing one frees its place.
        assert_eq!(
            d.push(key(1), 0, true, b"head----"),
            Some(b"head----tail".to_vec())
        );
        assert_eq!(d.push(key(3), 8, false, b"tail"), None);
        assert_eq!(d.len(), 3);
        assert_eq!(d.push(key(4), 8, false, b"tail"), None);
        assert_eq!(d.len(), 3);
        // Datagram 0 was the oldest: forgotten, so its head starts afresh.
        assert_eq!(d.push(key(0), 0, true, b"head----"), None);
        assert_eq!(
            d.push(key(3), 0, true, b"head----"),
            Some(b"head----tail".to_vec())
        );
        // Many completed datagrams do not make the order queue grow.
        for id in 10..1000 {
            assert!(d.push(key(id), 0, false, b"x").is_some());
            d.push(key(id + 5000), 8, false, b"y");
        }
        assert!(d.order.len() <= 2 * 3 + 16 + 1, "{}", d.order.len());
        d.clear();
        assert!(d.is_empty());
    }

    proptest! {
        /// A payload cut into 8-byte-aligned pieces (the last any length),
        /// pushed in any order, some twice, comes back whole exactly when
        /// its last missing piece arrives.
        #[test]
        fn random_fragmentation_reassembles(
            payload in proptest::collection::vec(any::<u8>(), 0..4000),
            cuts in proptest::collection::vec(1usize..200, 1..40),
            order in proptest::collection::vec(any::<u32>(), 0..80),
            repeat in proptest::collection::vec(any::<bool>(), 0..80),
        ) {
            let mut pieces = Vec::new();
            let mut at = 0;
            for c in cuts.iter().cycle() {
                let end = (at + c * 8).min(payload.len());
                pieces.push((at, end < payload.len(), &payload[at..end]));
                at = end;
                if at == payload.len() {
                    break;
                }
            }
            // Shuffle by the random keys.
            let mut keyed: Vec<(u32, usize)> = (0..pieces.len())
                .map(|i| (order.get(i).copied().unwrap_or(i as u32), i))
                .collect();
            keyed.sort();
            let mut sent = Vec::new();
            for (n, &(_, i)) in keyed.iter().enumerate() {
                sent.push(i);
                if repeat.get(n).copied().unwrap_or(false) {
                    sent.push(i);
                }
            }
            let mut d = Defragmenter::new();
            let mut seen = vec![false; pieces.len()];
            let mut done = None;
            for i in sent {
                let (off, more, data) = pieces[i];
                let out = d.push(key(9), off, more, data);
                seen[i] = true;
                if seen.iter().all(|&s| s) && done.is_none() {
                    prop_assert_eq!(out.as_deref(), Some(&payload[..]));
                    done = out;
                } else if done.is_none() {
                    prop_assert_eq!(out, None);
                }
            }
            prop_assert!(done.is_some());
        }

        /// Arbitrary fragments never panic, and memory stays bounded.
        #[test]
        fn arbitrary_fragments_never_panic(
            frags in proptest::collection::vec(
                (0u32..4, any::<u16>(), any::<bool>(), proptest::collection::vec(any::<u8>(), 0..2000)),
                0..40,
            ),
        ) {
            let mut d = Defragmenter::with_max_datagrams(2);
            for (id, off, more, data) in frags {
                if let Some(out) = d.push(key(id), usize::from(off), more, &data) {
                    prop_assert!(out.len() <= MAX_DATAGRAM_LEN);
                }
                prop_assert!(d.len() <= 2);
                for p in d.datagrams.values() {
                    prop_assert!(p.data.len() <= MAX_DATAGRAM_LEN);
                    prop_assert_eq!(p.have.len(), p.data.len().div_ceil(64));
                }
            }
        }
    }
}
