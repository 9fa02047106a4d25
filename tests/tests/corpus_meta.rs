//! The per-session metadata extractor (`protocols::meta`) against both
//! corpora (`../shared/corpus` and its `app/` part, or `$PCAP_CORPUS`):
//! every capture's packets are grouped into TCP/UDP sessions as tshark
//! groups them into streams (by Community ID; a new SYN after the end of
//! a connection, or with another initial sequence number, starts a new
//! one), IP fragments are reassembled first, and each session's values
//! are compared with `app/expected/NAME.meta.tsv` by Community ID, cell
//! by cell (each cell the sorted, comma-joined set of a field's values).
//! Each session's JA4 is compared with `app/expected/NAME.ja4.tsv`.
//! Packets are dissected as the index dissects them,
//! `Config::for_needs(Needs::FLOW)` (to the transport layer, no header
//! parsed): the extractor needs no more.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use pcap_core::capture::CaptureReader;
use pcap_core::filter::Needs;
use pcap_core::flow::{DatagramId, Defragmenter};
use pcap_core::{IpProto, TcpFlags};
use pcap_tests::corpus;
use protocols::meta::{Extractor, Key, Limits, SessionMeta};
use protocols::{Config, Dissection, Dissector, LinkType};

/// The oracle's columns and the keys they hold.
const COLUMNS: [(&str, Key); 10] = [
    ("tls.handshake.extensions_server_name", Key::TlsSni),
    ("tls.handshake.ja3", Key::Ja3),
    ("tls.handshake.ja3s", Key::Ja3s),
    ("tls.handshake.extensions_alpn_str", Key::TlsAlpn),
    ("dns.qry.name", Key::DnsQueryName),
    ("http.host", Key::HttpHost),
    ("http.user_agent", Key::HttpUserAgent),
    ("http.request.uri", Key::HttpUri),
    ("http.request.method", Key::HttpMethod),
    ("http.response.code", Key::HttpResponseCode),
];

/// (capture, Community ID or `*`, column or `*`, why): cells we knowingly
/// find differently from tshark.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    (
        "ipv6-gtp6.pcap",
        "1:mNf0yqDrqQxOfOhpjw7hkxjMLNA=",
        "dns.qry.name",
        "a DNS query inside a GTP-U tunnel: the index dissects to the transport \
         layer and does not enter tunnels, so its session is the outer GTP-U \
         flow; tshark's udp.stream is the inner one (a dissector reaching into \
         GTP-U, e.g. Config::all(), finds it)",
    ),
    (
        "icmp-destunreach-udp.pcap",
        "1:GGvyj18dEx42K7edkkcDklsnKqs=",
        "dns.qry.name",
        "tshark gives the UDP header quoted in an ICMP error a udp.stream of \
         its own (keyed by the ICMP packet's Community ID) and shows the quoted \
         DNS query there; an ICMP error is no part of a UDP session here",
    ),
];

fn known(name: &str, proto: &str, cid: &str, column: &str) -> Option<&'static str> {
    KNOWN.iter().find_map(|(c, id, col, why)| {
        let id_ok = *id == "*" || *id == cid || (*id == "*udp*" && proto == "udp");
        (*c == name && id_ok && (*col == "*" || *col == column)).then_some(*why)
    })
}

/// The dissector `pcapdig index` uses.
fn index_dissector() -> Dissector {
    Dissector::new(Config::for_needs(Needs::FLOW))
}

/// An address and port.
type Endpoint = (IpAddr, u16);

/// One session as the test groups them.
struct Session {
    proto: &'static str,
    initiator: Endpoint,
    responder: Endpoint,
    /// The initiator's SYN sequence number, if seen.
    syn_seq: Option<u32>,
    /// Whether FIN or RST was seen.
    closed: bool,
    extractor: Extractor,
}

/// Every session of one capture, by Community ID, in order.
#[derive(Default)]
struct Sessions {
    by_cid: HashMap<String, Vec<Session>>,
    order: Vec<(String, usize)>,
}

impl Sessions {
    fn packet(&mut self, d: &Dissection<'_>, limits: &Limits) {
        let s = &d.summary;
        let proto = match IpProto(s.protocol) {
            IpProto::TCP => "tcp",
            IpProto::UDP => "udp",
            _ => return,
        };
        let (Some(ip), true, false) = (s.ip, s.has_l4, s.is_fragment) else {
            return;
        };
        let Some(cid) = d.community_id() else { return };
        let cid = cid.as_str().to_owned();
        let src = (ip.src, s.sport);
        let dst = (ip.dst, s.dport);
        let syn = proto == "tcp" && s.tcp_flags & (TcpFlags::SYN | TcpFlags::ACK) == TcpFlags::SYN;
        let list = self.by_cid.entry(cid.clone()).or_default();
        let new = match list.last() {
            None => true,
            Some(last) => syn && (last.closed || last.syn_seq.is_some_and(|q| q != s.tcp_seq)),
        };
        if new {
            let synack = proto == "tcp"
                && s.tcp_flags & (TcpFlags::SYN | TcpFlags::ACK) == TcpFlags::SYN | TcpFlags::ACK;
            let (initiator, responder) = if synack { (dst, src) } else { (src, dst) };
            self.order.push((cid.clone(), list.len()));
            list.push(Session {
                proto,
                initiator,
                responder,
                syn_seq: None,
                closed: false,
                extractor: Extractor::new(limits),
            });
        }
        let Some(sess) = list.last_mut() else { return };
        if syn {
            sess.syn_seq = Some(s.tcp_seq);
        }
        if proto == "tcp" && s.tcp_flags.intersects(TcpFlags::FIN | TcpFlags::RST) {
            sess.closed = true;
        }
        let from_initiator =
            src == sess.initiator || (src != sess.responder && dst != sess.initiator);
        sess.extractor.packet(d, from_initiator);
    }
}

/// The IP fragments of a capture, rebuilt into whole packets (a raw IPv4
/// or IPv6 header before the reassembled payload) for the dissector.
#[derive(Default)]
struct Fragments {
    defrag: Defragmenter,
}

impl Fragments {
    /// The whole packet once `d` (a fragment) completes its datagram.
    fn push(&mut self, d: &Dissection<'_>) -> Option<Vec<u8>> {
        let s = &d.summary;
        let ip = s.ip?;
        let start_payload = (d.payload.as_ptr() as usize).checked_sub(d.data.as_ptr() as usize)?;
        let end = start_payload + d.payload.len();
        let start = if s.frag_offset == 0 {
            if !s.has_l4 {
                return None;
            }
            usize::from(s.l4_offset)
        } else {
            start_payload
        };
        let share = d.data.get(start..end)?;
        let key = DatagramId::of(s)?;
        let whole =
            self.defrag
                .push(key, usize::from(s.frag_offset) * 8, s.more_fragments, share)?;
        let mut pkt = Vec::with_capacity(whole.len() + 40);
        match (ip.src, ip.dst) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let total = u16::try_from(20 + whole.len()).ok()?;
                pkt.extend_from_slice(&[0x45, 0]);
                pkt.extend_from_slice(&total.to_be_bytes());
                pkt.extend_from_slice(&[0, 0, 0, 0, 64, s.protocol, 0, 0]);
                pkt.extend_from_slice(&a.octets());
                pkt.extend_from_slice(&b.octets());
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let len = u16::try_from(whole.len()).ok()?;
                pkt.extend_from_slice(&[0x60, 0, 0, 0]);
                pkt.extend_from_slice(&len.to_be_bytes());
                pkt.extend_from_slice(&[s.protocol, 64]);
                pkt.extend_from_slice(&a.octets());
                pkt.extend_from_slice(&b.octets());
            }
            _ => return None,
        }
        pkt.extend_from_slice(&whole);
        Some(pkt)
    }
}

/// Every session of a capture with its values (in the order they
/// started), or `None` if the capture cannot be opened.
fn sessions_of(path: &Path, dissector: &Dissector) -> Option<Vec<(String, Session)>> {
    let mut reader = CaptureReader::open(path).ok()?;
    let limits = Limits::default();
    let mut sessions = Sessions::default();
    let mut fragments = Fragments::default();
    loop {
        let rec = match reader.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(_) => continue,
        };
        let d = dissector.dissect_record(&rec);
        if d.summary.is_fragment {
            if let Some(pkt) = fragments.push(&d) {
                let whole = dissector.dissect(LinkType::RAW, &pkt);
                sessions.packet(&whole, &limits);
            }
            continue;
        }
        sessions.packet(&d, &limits);
    }
    let Sessions {
        mut by_cid, order, ..
    } = sessions;
    let mut out: Vec<(String, Option<Session>)> = Vec::new();
    let mut taken: HashMap<String, std::vec::IntoIter<Session>> = HashMap::new();
    for (cid, _) in &order {
        if !taken.contains_key(cid) {
            let list = by_cid.remove(cid).unwrap_or_default();
            taken.insert(cid.clone(), list.into_iter());
        }
        let sess = taken.get_mut(cid).and_then(Iterator::next);
        out.push((cid.clone(), sess));
    }
    Some(
        out.into_iter()
            .filter_map(|(c, s)| s.map(|s| (c, s)))
            .collect(),
    )
}

/// The text of one cell: the sorted, comma-joined set of values.
fn cell(meta: &SessionMeta, key: Key) -> String {
    let mut v: Vec<&str> = meta.get(key).iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v.join(",")
}

/// Every capture of both corpora: (path, name).
fn all_captures(dir: &Path, app: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for base in [app, dir] {
        for name in corpus::captures(base) {
            out.push((base.join("pcap").join(&name), name));
        }
    }
    out
}

#[test]
fn session_meta_matches_tshark() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        return;
    };
    let dissector = index_dissector();
    let (mut valued, mut valued_same, mut known_cells) = (0, 0, 0);
    let mut captures = 0;
    let mut mismatches = Vec::new();
    let mut reasons = std::collections::BTreeSet::new();
    for (path, name) in all_captures(&dir, &app) {
        let Some(sessions) = sessions_of(&path, &dissector) else {
            continue;
        };
        captures += 1;
        let expected = corpus::app_meta(&app, &name).unwrap_or_default();
        // The oracle's rows by Community ID, in stream order.
        let mut rows: HashMap<String, Vec<corpus::Row<'_>>> = HashMap::new();
        for row in expected.rows() {
            let cid = row.get("communityid").unwrap_or_default().to_owned();
            rows.entry(cid).or_default().push(row);
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut compare =
            |proto: &str, cid: &str, ours: Option<&SessionMeta>, row: Option<&corpus::Row<'_>>| {
                for (col, key) in COLUMNS {
                    let mine = ours.map(|m| cell(m, key)).unwrap_or_default();
                    let theirs = row.and_then(|r| r.get(col)).unwrap_or_default();
                    if mine.is_empty() && theirs.is_empty() {
                        continue;
                    }
                    valued += 1;
                    if mine == theirs {
                        valued_same += 1;
                    } else if let Some(why) = known(&name, proto, cid, col) {
                        known_cells += 1;
                        reasons.insert(format!("{name}: {why}"));
                    } else {
                        mismatches.push(format!(
                            "{name} {proto} {cid} {col}: ours {mine:?} tshark {theirs:?}"
                        ));
                    }
                }
            };
        for (cid, sess) in &sessions {
            let i = seen.entry(cid.as_str()).or_default();
            let row = rows.get(cid).and_then(|r| r.get(*i));
            *i += 1;
            let meta = sess.extractor.meta();
            compare(sess.proto, cid, Some(meta), row);
        }
        for (cid, list) in &rows {
            let used = seen.get(cid.as_str()).copied().unwrap_or(0);
            for row in list.iter().skip(used) {
                let proto = row.get("proto").unwrap_or_default();
                compare(proto, cid, None, Some(row));
            }
        }
    }
    // Every (session, column) cell where either side has a value.
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    eprintln!(
        "session meta: {captures} captures; {valued_same}/{valued} (session, column) cells \
         with a value on either side identical ({:.2}%); outside the known list \
         {valued_same}/{} ({:.2}%); {known_cells} in the known list; {} unexplained",
        pct(valued_same, valued),
        valued - known_cells,
        pct(valued_same, valued - known_cells),
        mismatches.len()
    );
    for r in &reasons {
        eprintln!("  known: {r}");
    }
    for m in mismatches.iter().take(80) {
        eprintln!("    {m}");
    }
    assert!(captures > 90, "only {captures} captures read");
    assert!(valued_same > 600, "only {valued_same} cells compared equal");
    assert!(
        mismatches.is_empty(),
        "session metadata differs from tshark (see above)"
    );
}

#[test]
fn ja4_of_each_session_matches_the_ja4_authors() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        return;
    };
    let dissector = index_dissector();
    let (mut compared, mut failures) = (0, Vec::new());
    for name in corpus::captures(&app) {
        let Some(expected) = corpus::app_ja4(&app, &name) else {
            continue;
        };
        let sessions = sessions_of(&app.join("pcap").join(&name), &dissector)
            .unwrap_or_else(|| panic!("cannot read {name}"));
        let by_tuple: HashMap<String, &Session> = sessions
            .iter()
            .filter(|(_, s)| s.proto == "tcp")
            .map(|(_, s)| {
                let key = format!(
                    "{}\t{}\t{}\t{}",
                    s.initiator.0, s.initiator.1, s.responder.0, s.responder.1
                );
                (key, s)
            })
            .collect();
        for row in expected.rows() {
            let c = |n: &str| row.get(n).unwrap_or_default().to_owned();
            let key = [c("src"), c("sport"), c("dst"), c("dport")].join("\t");
            compared += 1;
            let ours = by_tuple
                .get(&key)
                .map(|s| s.extractor.meta().get(Key::Ja4).join(","))
                .unwrap_or_default();
            if ours != c("ja4") {
                failures.push(format!(
                    "{name} stream {}: ours {ours:?} theirs {:?}",
                    c("stream"),
                    c("ja4")
                ));
            }
        }
    }
    eprintln!(
        "ja4 per session: {}/{compared} identical to NAME.ja4.tsv",
        compared - failures.len()
    );
    for f in &failures {
        eprintln!("    {f}");
    }
    assert!(compared >= 60, "only {compared} JA4 rows compared");
    assert!(failures.is_empty(), "JA4 differs (see above)");
}
