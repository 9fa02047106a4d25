//! Summaries of the sessions a search matches ([`SessionStore::stats`]):
//! their totals, the top talkers (addresses by bytes, packets or
//! sessions) and the most frequent values of metadata keys (server names,
//! query names, HTTP hosts), each counted in SQLite over the matching
//! sessions only.

use std::net::IpAddr;

use pcap_core::filter::Expr;

use super::rows::ip_from_blob;
use super::search::where_clause;
use super::{SearchOptions, SessionStore, StoreError};

/// What the top talkers are ranked by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TalkerOrder {
    /// Bytes both ways, summed over the address's sessions (the default).
    #[default]
    Bytes,
    /// Packets both ways.
    Packets,
    /// Number of sessions.
    Sessions,
}

impl TalkerOrder {
    /// The order named `name` (`bytes`, `packets`, `sessions`).
    pub fn from_name(name: &str) -> Option<TalkerOrder> {
        match name {
            "bytes" => Some(TalkerOrder::Bytes),
            "packets" => Some(TalkerOrder::Packets),
            "sessions" => Some(TalkerOrder::Sessions),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            TalkerOrder::Bytes => "bytes",
            TalkerOrder::Packets => "packets",
            TalkerOrder::Sessions => "sessions",
        }
    }
}

/// The metadata keys summarised when none are asked for: server names,
/// DNS query names and HTTP hosts.
pub const DEFAULT_KEYS: [&str; 3] = ["tls.sni", "dns.qry.name", "http.host"];

/// What [`SessionStore::stats`] summarises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    /// How many talkers and values of each key to list.
    pub top: u64,
    /// What talkers are ranked by.
    pub by: TalkerOrder,
    /// The metadata keys (search names, `tls.sni`) whose values to count.
    pub keys: Vec<String>,
}

impl Default for StatsOptions {
    /// The top 10 by bytes, of [`DEFAULT_KEYS`].
    fn default() -> Self {
        StatsOptions {
            top: 10,
            by: TalkerOrder::Bytes,
            keys: DEFAULT_KEYS.iter().map(|k| k.to_string()).collect(),
        }
    }
}

/// One address and the traffic of the matching sessions it is an end of.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Talker {
    /// The address.
    pub address: IpAddr,
    /// Sessions it initiated or answered.
    pub sessions: u64,
    /// Packets of those sessions, both ways.
    pub packets: u64,
    /// Bytes of those sessions, both ways.
    pub bytes: u64,
}

/// One metadata value and how many matching sessions carried it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValueCount {
    /// The value as seen (of values that compare equal, such as DNS names
    /// differing in case only, the smallest).
    pub value: String,
    /// Sessions that carried it.
    pub sessions: u64,
}

/// The most frequent values of one metadata key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyTop {
    /// The key's search name.
    pub key: String,
    /// Matching sessions with at least one value of the key.
    pub sessions: u64,
    /// Its most frequent values, most sessions first (then by value).
    pub values: Vec<ValueCount>,
}

/// A summary of the sessions a search matches.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Matching sessions.
    pub sessions: u64,
    /// Their packets, both ways.
    pub packets: u64,
    /// Their bytes, both ways.
    pub bytes: u64,
    /// What `talkers` is ranked by.
    pub talkers_by: &'static str,
    /// The addresses with the most traffic, most first (then by address).
    /// A session counts once for each of its two ends (once if both are
    /// the same address).
    pub talkers: Vec<Talker>,
    /// For each key asked for, in the order asked, its top values.
    pub meta: Vec<KeyTop>,
}

/// The columns of the matching sessions read.
const MATCHED: &str = "SELECT s.id, s.ip_version, s.src_ip, s.dst_ip, s.packets, s.bytes \
                       FROM sessions s WHERE 1";

/// Fewer matching sessions than this have their metadata looked up
/// session by session (the `session_id` index); more, and each key's
/// values are read whole (in `(key, folded)` order) and kept if their
/// session matched: one sequential read instead of many lookups.
const LOOKUP_SESSIONS: u64 = 10_000;

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A set of session ids (positive integers, dense from 1), one bit each.
struct IdSet(Vec<u64>);

impl IdSet {
    fn insert(&mut self, id: i64) {
        if let Ok(i) = usize::try_from(id) {
            if self.0.len() <= i / 64 {
                self.0.resize(i / 64 + 1, 0);
            }
            self.0[i / 64] |= 1 << (i % 64);
        }
    }

    fn contains(&self, id: i64) -> bool {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.0.get(i / 64).map(|w| w & (1 << (i % 64)) != 0))
            .unwrap_or(false)
    }
}

/// One address's sums while counting.
#[derive(Default)]
struct Sums {
    sessions: u64,
    packets: u64,
    bytes: u64,
}

/// Values of one key while counting: by folded value, the smallest value
/// seen and the sessions (a session may show two values that fold alike).
#[derive(Default)]
struct KeyCounts {
    values: std::collections::HashMap<String, (String, Vec<i64>)>,
}

impl KeyCounts {
    fn add(&mut self, folded: String, value: String, session: i64) {
        let e = self
            .values
            .entry(folded)
            .or_insert_with(|| (value.clone(), Vec::new()));
        if value < e.0 {
            e.0 = value;
        }
        e.1.push(session);
    }

    fn top(self, key: &str, top: u64) -> KeyTop {
        let mut all: Vec<i64> = Vec::new();
        let mut values: Vec<ValueCount> = self
            .values
            .into_values()
            .map(|(value, mut ids)| {
                ids.sort_unstable();
                ids.dedup();
                all.extend_from_slice(&ids);
                ValueCount {
                    value,
                    sessions: ids.len() as u64,
                }
            })
            .collect();
        all.sort_unstable();
        all.dedup();
        values.sort_by(|a, b| {
            b.sessions
                .cmp(&a.sessions)
                .then_with(|| a.value.cmp(&b.value))
        });
        values.truncate(usize::try_from(top).unwrap_or(usize::MAX));
        KeyTop {
            key: key.to_owned(),
            sessions: all.len() as u64,
            values,
        }
    }
}

impl SessionStore {
    /// Summarises the sessions matching `expr` and the time bounds of
    /// `search` (its limit and order do not apply): totals, the top
    /// talkers and the top values of `opts.keys`. A key that is not a
    /// metadata search name is an error naming it.
    ///
    /// The matching sessions are read once (totals and talkers summed in
    /// a hash table as they come); their metadata is then looked up per
    /// session when they are few, else read key by key.
    pub fn stats(
        &self,
        expr: &Expr,
        search: &SearchOptions,
        opts: &StatsOptions,
    ) -> Result<Stats, StoreError> {
        for key in &opts.keys {
            if pcap_core::filter::meta::meta_key(key) != Some(key.as_str()) {
                return Err(format!(
                    "no metadata key {key:?} (one of: {})",
                    pcap_core::filter::meta::META_KEYS.join(", ")
                )
                .into());
            }
        }
        let (sql, values) = where_clause(MATCHED, expr, search)?;
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&values))?;
        let mut ids = IdSet(Vec::new());
        let mut few: Vec<i64> = Vec::new();
        let (mut sessions, mut packets, mut bytes) = (0u64, 0u64, 0u64);
        let mut by_addr: std::collections::HashMap<(i64, [u8; 16]), Sums> = Default::default();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let v: i64 = r.get(1)?;
            let (p, b) = (count(r.get(4)?), count(r.get(5)?));
            sessions += 1;
            packets = packets.saturating_add(p);
            bytes = bytes.saturating_add(b);
            let src = r.get_ref(2)?.as_blob()?;
            let dst = r.get_ref(3)?.as_blob()?;
            let (Ok(src), Ok(dst)) = (<[u8; 16]>::try_from(src), <[u8; 16]>::try_from(dst)) else {
                return Err(format!("session {id}: damaged address in the index").into());
            };
            for (i, a) in [src, dst].into_iter().enumerate() {
                if i == 1 && a == src {
                    break;
                }
                let e = by_addr.entry((v, a)).or_default();
                e.sessions += 1;
                e.packets = e.packets.saturating_add(p);
                e.bytes = e.bytes.saturating_add(b);
            }
            ids.insert(id);
            if sessions <= LOOKUP_SESSIONS {
                few.push(id);
            }
        }

        let mut talkers: Vec<Talker> = Vec::with_capacity(by_addr.len());
        for ((v, blob), sums) in by_addr {
            let address = ip_from_blob(&blob, v)
                .ok_or_else(|| format!("damaged address in the index: {blob:02x?}"))?;
            talkers.push(Talker {
                address,
                sessions: sums.sessions,
                packets: sums.packets,
                bytes: sums.bytes,
            });
        }
        let rank = |t: &Talker| match opts.by {
            TalkerOrder::Bytes => (t.bytes, t.packets, t.sessions),
            TalkerOrder::Packets => (t.packets, t.bytes, t.sessions),
            TalkerOrder::Sessions => (t.sessions, t.bytes, t.packets),
        };
        talkers.sort_by(|a, b| {
            rank(b)
                .cmp(&rank(a))
                .then_with(|| a.address.cmp(&b.address))
        });
        talkers.truncate(usize::try_from(opts.top).unwrap_or(usize::MAX));

        let mut counts: Vec<KeyCounts> = opts.keys.iter().map(|_| KeyCounts::default()).collect();
        if sessions <= LOOKUP_SESSIONS {
            let mut st = self
                .conn
                .prepare("SELECT key, folded, value FROM session_meta WHERE session_id = ?1")?;
            for id in few {
                let mut rows = st.query([id])?;
                while let Some(r) = rows.next()? {
                    let key: String = r.get(0)?;
                    if let Some(i) = opts.keys.iter().position(|k| *k == key) {
                        counts[i].add(r.get(1)?, r.get(2)?, id);
                    }
                }
            }
        } else {
            let mut st = self
                .conn
                .prepare("SELECT folded, value, session_id FROM session_meta WHERE key = ?1")?;
            for (i, key) in opts.keys.iter().enumerate() {
                let mut rows = st.query([key])?;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(2)?;
                    if ids.contains(id) {
                        counts[i].add(r.get(0)?, r.get(1)?, id);
                    }
                }
            }
        }
        let meta = counts
            .into_iter()
            .zip(&opts.keys)
            .map(|(c, key)| c.top(key, opts.top))
            .collect();
        Ok(Stats {
            sessions,
            packets,
            bytes,
            talkers_by: opts.by.name(),
            talkers,
            meta,
        })
    }
}
