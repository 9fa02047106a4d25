//! Which session a non-first IP fragment belongs to.
//!
//! A non-first fragment has no transport header, so its own key is only
//! `(src, dst, protocol)`. Its datagram's first fragment has the ports:
//! when one passes through the [`FlowTable`](super::FlowTable), the table
//! remembers `(src, dst, protocol, identification)` → that session here,
//! and the datagram's later fragments join the same session.
//!
//! A non-first fragment that arrives before its first fragment is held
//! here and joins the session when the first arrives; if it does not come
//! within [`FRAGMENT_TIMEOUT`] of capture time (or too many fragments are
//! held), the fragment gets its own address-only session as before.
//!
//! Bounds: at most [`MAX_TRACKED_DATAGRAMS`] datagrams are remembered (the
//! oldest forgotten first), each for [`FRAGMENT_TIMEOUT`] after its first
//! fragment; at most [`MAX_HELD_FRAGMENTS`] fragments are held. Nothing
//! here is touched (or allocated) for unfragmented traffic.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use super::community_id::Side;
use super::defrag::DatagramId;
use super::slot_key::SlotKey;
use super::table::Pending;

/// How long (capture time) a datagram's first fragment is remembered for
/// its later fragments, and how long a fragment that came before its first
/// fragment waits for it: 30 seconds, Linux's default `ipfrag_time`.
pub const FRAGMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many datagrams (first fragments) are remembered at once; the
/// oldest is forgotten when a new one would exceed this.
pub const MAX_TRACKED_DATAGRAMS: usize = 4096;

/// How many non-first fragments wait for their first fragment at once;
/// when one more arrives the oldest stops waiting (and gets its own
/// address-only session).
pub const MAX_HELD_FRAGMENTS: usize = 256;

const TIMEOUT_NS: i128 = FRAGMENT_TIMEOUT.as_nanos() as i128;

/// The session a datagram's first fragment went to.
#[derive(Clone, Copy, Debug)]
pub(super) struct Learned {
    /// The session's slot key and its hash.
    pub(super) key: SlotKey,
    pub(super) hash: u32,
    /// Which side of the key the datagram's source is.
    pub(super) side: Side,
    /// The session's id (its slot may hold another session later).
    pub(super) session_id: u64,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    learned: Learned,
    /// When the first fragment came (ns).
    at_ns: i128,
    /// Insertion number, to tell the entry's own place in `order` from
    /// stale ones.
    seq: u64,
}

/// A fragment waiting for its datagram's first fragment.
#[derive(Clone, Copy, Debug)]
pub(super) struct Held {
    pub(super) datagram: DatagramId,
    pub(super) packet: Pending,
}

/// Remembered datagrams and held fragments.
#[derive(Debug, Default)]
pub(super) struct Fragments {
    datagrams: HashMap<DatagramId, Entry>,
    /// `(seq, key)` in insertion order: the oldest first, for eviction.
    /// Entries whose `seq` no longer matches the map's are stale.
    order: VecDeque<(u64, DatagramId)>,
    next_seq: u64,
    /// Fragments waiting, oldest first.
    held: VecDeque<Held>,
}

impl Fragments {
    /// Remembers that the datagram's first fragment, seen at `now_ns`,
    /// went to the session `learned` describes.
    pub(super) fn learn(&mut self, datagram: DatagramId, learned: Learned, now_ns: i128) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.datagrams.insert(
            datagram,
            Entry {
                learned,
                at_ns: now_ns,
                seq,
            },
        );
        self.order.push_back((seq, datagram));
        while self.datagrams.len() > MAX_TRACKED_DATAGRAMS {
            self.pop_oldest();
        }
        // A key learned again leaves its old place in `order` stale: drop
        // those before they outnumber the live ones.
        if self.order.len() > 2 * MAX_TRACKED_DATAGRAMS {
            let datagrams = &self.datagrams;
            self.order
                .retain(|(seq, k)| datagrams.get(k).is_some_and(|e| e.seq == *seq));
        }
    }

    fn pop_oldest(&mut self) {
        if let Some((seq, k)) = self.order.pop_front()
            && self.datagrams.get(&k).is_some_and(|e| e.seq == seq)
        {
            self.datagrams.remove(&k);
        }
    }

    /// The session of the datagram, if its first fragment was seen within
    /// [`FRAGMENT_TIMEOUT`] of `ts_ns`.
    pub(super) fn lookup(&self, datagram: &DatagramId, ts_ns: i128) -> Option<Learned> {
        let e = self.datagrams.get(datagram)?;
        ((ts_ns - e.at_ns).abs() <= TIMEOUT_NS).then_some(e.learned)
    }

    /// Whether any fragment is waiting.
    pub(super) fn has_held(&self) -> bool {
        !self.held.is_empty()
    }

    /// Holds a fragment; returns the one that stops waiting to make room,
    /// if any.
    pub(super) fn hold(&mut self, held: Held) -> Option<Pending> {
        let out = if self.held.len() >= MAX_HELD_FRAGMENTS {
            self.held.pop_front().map(|h| h.packet)
        } else {
            None
        };
        self.held.push_back(held);
        out
    }

    /// Takes the fragments waiting for the datagram, in arrival order.
    pub(super) fn take_held(&mut self, datagram: &DatagramId) -> Vec<Pending> {
        let mut out = Vec::new();
        self.held.retain(|h| {
            let hit = h.datagram == *datagram;
            if hit {
                out.push(h.packet);
            }
            !hit
        });
        out
    }

    /// Forgets datagrams first seen more than [`FRAGMENT_TIMEOUT`] before
    /// `now_ns`, and takes the fragments that waited longer than that.
    pub(super) fn expire(&mut self, now_ns: i128) -> Vec<Pending> {
        while let Some(&(seq, k)) = self.order.front() {
            match self.datagrams.get(&k) {
                Some(e) if e.seq == seq && now_ns - e.at_ns <= TIMEOUT_NS => break,
                _ => self.pop_oldest(),
            }
        }
        let mut out = Vec::new();
        if self.has_held() {
            self.held.retain(|h| {
                let expired = now_ns - h.packet.ts.as_nanos() > TIMEOUT_NS;
                if expired {
                    out.push(h.packet);
                }
                !expired
            });
        }
        out
    }

    /// Takes every waiting fragment (end of input).
    pub(super) fn take_all_held(&mut self) -> Vec<Pending> {
        self.held.drain(..).map(|h| h.packet).collect()
    }

    /// Number of datagrams remembered.
    #[cfg(test)]
    pub(super) fn tracked(&self) -> usize {
        self.datagrams.len()
    }

    /// Number of fragments waiting.
    #[cfg(test)]
    pub(super) fn held_len(&self) -> usize {
        self.held.len()
    }
}
