//! Session metadata in the index: one [`Extractor`] per live session that
//! carried application data, fed during the single `index` pass, its
//! values written to `session_meta` when the session is written; and read
//! back for `sessions --json`.
//!
//! Only packets with a TCP or UDP payload are handed to an extractor (a
//! session that never carries data costs nothing); each extractor is
//! bounded by [`Limits::DEFAULT`], and it is dropped when its session
//! ends.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use pcap_core::IpProto;
use pcap_core::flow::PacketSummary;
use protocols::Dissection;
use protocols::meta::{Extractor, Limits, SessionMeta};
use rusqlite::{Connection, params};

/// The extractors of the live sessions, by flow-table session id.
pub(crate) struct LiveMeta {
    limits: Limits,
    live: HashMap<u64, Live>,
}

/// One live session's extractor and the endpoint that sent its first
/// data (the side called the initiator: the extractor needs the two
/// directions told apart, consistently).
struct Live {
    initiator: (IpAddr, u16),
    extractor: Extractor,
    /// Data packets handed to the extractor so far.
    packets: u32,
    /// Nothing more is expected: later packets are not read.
    done: bool,
}

/// Data packets after which a session that showed nothing (no value, no
/// partial head or hello held) is no longer read: the metadata comes at
/// the start of a conversation (a STARTTLS prologue is a few lines), and
/// reading every packet of a bulk transfer costs a third of the index's
/// time.
const GIVE_UP_AFTER: u32 = 32;

impl LiveMeta {
    /// No live session yet.
    pub(crate) fn new() -> Self {
        LiveMeta {
            limits: Limits::DEFAULT,
            live: HashMap::new(),
        }
    }

    /// One packet of session `id` (one that [`carries_metadata`]).
    pub(crate) fn packet(&mut self, id: u64, d: &Dissection<'_>) {
        let s = &d.summary;
        let Some(ip) = s.ip else { return };
        let src = (ip.src, s.sport);
        let limits = &self.limits;
        let live = self.live.entry(id).or_insert_with(|| Live {
            initiator: src,
            extractor: Extractor::new(limits),
            packets: 0,
            done: false,
        });
        if live.done {
            return;
        }
        let from_initiator = live.initiator == src;
        let ex = &mut live.extractor;
        ex.packet(d, from_initiator);
        live.packets += 1;
        // A TLS session whose hellos were read has nothing more to give;
        // nor has one that showed nothing for a while.
        let tls_read = ex.tls_done() && !ex.meta().is_empty();
        let silent = live.packets >= GIVE_UP_AFTER && ex.meta().is_empty() && ex.buffered() == 0;
        live.done = tls_read || silent;
    }

    /// The metadata of session `id`, which ended (`None` if it had none).
    pub(crate) fn finish(&mut self, id: u64) -> Option<SessionMeta> {
        let live = self.live.remove(&id)?;
        let meta = live.extractor.finish();
        (!meta.is_empty()).then_some(meta)
    }
}

/// Whether a packet may carry metadata: a whole (unfragmented) TCP or UDP
/// packet with payload.
#[inline]
pub(crate) fn carries_metadata(s: &PacketSummary) -> bool {
    s.has_l4
        && !s.is_fragment
        && s.payload_len > 0
        && (s.protocol == IpProto::TCP.0 || s.protocol == IpProto::UDP.0)
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
