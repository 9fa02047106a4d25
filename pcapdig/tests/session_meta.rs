//! Session metadata in the store: extracted during `index` (on by
//! default), listed under `meta` in `sessions --json`, and searched with
//! Wireshark-style field tests; checked on captures built in code, and
//! against tshark's per-session metadata (`app/expected/NAME.meta.tsv`)
//! for every capture of both corpora (skipped with a message when the
//! corpus is absent).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{LinkType, Precision, Timestamp};
use pcap_core::filter::{Expr, Filter};
use pcap_tests::corpus;
use pcapdig::store::{IndexOptions, SearchOptions, SessionRow, SessionStore};

/// A raw IPv4 packet: TCP (`tcp_flags` Some) or UDP, with `payload`.
fn ipv4(
    src: [u8; 4],
    sport: u16,
    dst: [u8; 4],
    dport: u16,
    tcp: Option<(u32, u8)>,
    payload: &[u8],
) -> Vec<u8> {
    let l4_len = if tcp.is_some() { 20 } else { 8 };
    let total = u16::try_from(20 + l4_len + payload.len()).expect("small");
    let proto = if tcp.is_some() { 6 } else { 17 };
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    match tcp {
        Some((seq, flags)) => {
            p.extend_from_slice(&seq.to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, 1, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        }
        None => {
            let len = u16::try_from(8 + payload.len()).expect("small");
            p.extend_from_slice(&len.to_be_bytes());
            p.extend_from_slice(&[0, 0]);
        }
    }
    p.extend_from_slice(payload);
    p
}

/// A DNS query for `name` (type A).
fn dns_query(name: &str) -> Vec<u8> {
    let mut m = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        m.push(u8::try_from(label.len()).expect("short label"));
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    m
}

/// An HTTP exchange (client 10.0.0.1:40000 → 10.0.0.2:80, a 503 back)
/// and a DNS query over UDP, indexed (`meta` as given) into a new store.
fn store_of(meta: bool) -> (tempfile::TempDir, SessionStore) {
    const C: [u8; 4] = [10, 0, 0, 1];
    const S: [u8; 4] = [10, 0, 0, 2];
    let request =
        b"GET /login?next=/ HTTP/1.1\r\nHost: Example.COM\r\nUser-Agent: curl/8.4.0\r\n\r\n";
    let response = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
    let packets = [
        ipv4(C, 40000, S, 80, Some((100, 0x02)), b""),
        ipv4(S, 80, C, 40000, Some((500, 0x12)), b""),
        ipv4(C, 40000, S, 80, Some((101, 0x18)), request),
        ipv4(S, 80, C, 40000, Some((501, 0x18)), response),
        ipv4(
            C,
            5353,
            [10, 0, 0, 53],
            53,
            None,
            &dns_query("WWW.Evil.example"),
        ),
    ];
    index_packets(&packets, meta)
}

/// `packets` (raw IPv4, one a second) indexed (`meta` as given) into a
/// new store.
fn index_packets(packets: &[Vec<u8>], meta: bool) -> (tempfile::TempDir, SessionStore) {
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    file.linktype(LinkType::RAW);
    for (i, p) in packets.iter().enumerate() {
        let len = u32::try_from(p.len()).expect("small");
        file.record(Timestamp::new(1_700_000_000 + i as i64, 0), len, p);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("meta.pcap");
    std::fs::write(&cap, file.build()).expect("write");
    let mut store = SessionStore::open(&dir.path().join("s.db")).expect("open");
    let opts = IndexOptions {
        meta,
        ..IndexOptions::default()
    };
    store.index(&[vec![cap]], &opts).expect("index");
    (dir, store)
}

/// `datagram` (an IPv4 packet as [`ipv4`] builds it) cut into IPv4
/// fragments of identification `id`, each carrying at most `max` bytes
/// of its payload (`max` a multiple of 8).
fn fragments(datagram: &[u8], id: u16, max: usize) -> Vec<Vec<u8>> {
    let (header, payload) = datagram.split_at(20);
    let mut out = Vec::new();
    for (i, share) in payload.chunks(max).enumerate() {
        let offset = i * max;
        let more = offset + share.len() < payload.len();
        let mut p = header.to_vec();
        let total = u16::try_from(20 + share.len()).expect("small");
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p[4..6].copy_from_slice(&id.to_be_bytes());
        let field = u16::try_from(offset / 8).expect("small") | if more { 0x2000 } else { 0 };
        p[6..8].copy_from_slice(&field.to_be_bytes());
        p.extend_from_slice(share);
        out.push(p);
    }
    out
}

#[test]
fn metadata_is_read_from_ip_fragments_and_after_socks5() {
    const C: [u8; 4] = [10, 0, 0, 1];
    const PROXY: [u8; 4] = [10, 0, 0, 9];
    let (c, s) = (40001, 1080);
    let request = format!(
        "GET /index.html HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: {}\r\n\r\n",
        "x".repeat(300)
    );
    let connect = b"\x05\x01\x00\x03\x0fwww.example.org\x00\x50";
    let mut packets = vec![
        ipv4(C, c, PROXY, s, Some((100, 0x02)), b""),
        ipv4(PROXY, s, C, c, Some((900, 0x12)), b""),
        ipv4(C, c, PROXY, s, Some((101, 0x18)), b"\x05\x01\x00"),
        ipv4(PROXY, s, C, c, Some((901, 0x18)), b"\x05\x00"),
        ipv4(C, c, PROXY, s, Some((104, 0x18)), connect),
        ipv4(
            PROXY,
            s,
            C,
            c,
            Some((903, 0x18)),
            b"\x05\x00\x00\x01\x0a\x00\x00\x09\x00\x50",
        ),
    ];
    // The request in three fragments, the first (with the TCP header)
    // last: the flow table holds the others until it comes.
    let seq = 104 + u32::try_from(connect.len()).expect("small");
    let whole = ipv4(C, c, PROXY, s, Some((seq, 0x18)), request.as_bytes());
    let mut frags = fragments(&whole, 77, 152);
    assert_eq!(frags.len(), 3);
    frags.rotate_left(1);
    packets.extend(frags);
    let response = b"HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n";
    packets.push(ipv4(PROXY, s, C, c, Some((913, 0x18)), response));
    // A DNS query over UDP in two fragments, in order.
    let query = ipv4(
        C,
        5300,
        [10, 0, 0, 53],
        53,
        None,
        &dns_query(&format!("{}.example", "a".repeat(60))),
    );
    packets.extend(fragments(&query, 78, 48));

    let (_dir, store) = index_packets(&packets, true);
    let all = store
        .search(&Expr::And(vec![]), &SearchOptions::default())
        .expect("all");
    let values = |k: &str| -> Vec<String> {
        all.iter()
            .flat_map(|r| r.meta.get(k).cloned().unwrap_or_default())
            .collect()
    };
    assert_eq!(values("http.host"), ["www.example.org"], "{all:?}");
    assert_eq!(values("http.request.uri"), ["/index.html"]);
    assert_eq!(values("http.user_agent"), ["x".repeat(300)]);
    assert_eq!(values("http.response.code"), ["302"]);
    assert_eq!(
        values("dns.qry.name"),
        [format!("{}.example", "a".repeat(60))]
    );
    let http = search(&store, r#"http.host == "www.example.org""#);
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].dport, s, "the SOCKS session itself");
}

fn search(store: &SessionStore, expr: &str) -> Vec<SessionRow> {
    let filter = Filter::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    store
        .search(filter.expr(), &SearchOptions::default())
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

#[test]
fn metadata_is_extracted_listed_and_searched() {
    let (_dir, store) = store_of(true);
    let all = store
        .search(&Expr::And(vec![]), &SearchOptions::default())
        .expect("all");
    assert_eq!(all.len(), 2, "{all:?}");
    let http = &all[0];
    let values = |row: &SessionRow, k: &str| row.meta.get(k).cloned().unwrap_or_default();
    assert_eq!(values(http, "http.host"), ["Example.COM"]);
    assert_eq!(values(http, "http.request.method"), ["GET"]);
    assert_eq!(values(http, "http.request.uri"), ["/login?next=/"]);
    assert_eq!(values(http, "http.user_agent"), ["curl/8.4.0"]);
    assert_eq!(values(http, "http.response.code"), ["503"]);
    // As seen: the DNS name keeps its case (tshark's too).
    assert_eq!(values(&all[1], "dns.qry.name"), ["WWW.Evil.example"]);

    let count = |e: &str| search(&store, e).len();
    assert_eq!(count(r#"http.host == "Example.COM""#), 1);
    assert_eq!(
        count(r#"http.host == "example.com""#),
        0,
        "HTTP hosts compare as written"
    );
    assert_eq!(count(r#"http.user_agent contains "curl""#), 1);
    assert_eq!(count(r#"http.user_agent contains "Mozilla""#), 0);
    assert_eq!(count("http.response.code >= 500"), 1);
    assert_eq!(count("http.response.code > 503"), 0);
    assert_eq!(count(r#"http.host in {"a.example" "Example.COM"}"#), 1);
    assert_eq!(count(r#"http.host != "Example.COM""#), 0);
    assert_eq!(count(r#"http.host != "other""#), 1);
    assert_eq!(count(r#"http.request.uri matches "^/login\\?""#), 1);
    // DNS names without regard to case, in every form of test.
    assert_eq!(count(r#"dns.qry.name == "www.evil.example""#), 1);
    assert_eq!(count(r#"dns.qry.name contains "EVIL""#), 1);
    assert_eq!(count(r#"dns.qry.name matches "^www\\.evil""#), 1);
    assert_eq!(count(r#"dns.qry.name in {"WWW.EVIL.EXAMPLE"}"#), 1);
    // Combined with the tcpdump primitives.
    assert_eq!(count("tcp and port 80 and http.host"), 1);
    assert_eq!(count("udp and http.host"), 0);
    assert_eq!(count("http.host or dns.qry.name"), 2);
    assert_eq!(count("not tls.sni"), 2);
}

#[test]
fn without_metadata_nothing_is_kept() {
    let (_dir, store) = store_of(false);
    let all = store
        .search(&Expr::And(vec![]), &SearchOptions::default())
        .expect("all");
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|r| r.meta.is_empty()), "{all:?}");
    assert!(search(&store, "http.host").is_empty());
}

#[test]
fn sessions_json_carries_meta_under_its_search_names() {
    let (dir, _store) = store_of(true);
    let db = dir.path().join("s.db");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let args = ["sessions", "--db", db.to_str().expect("utf-8"), "--json"];
    let code = pcapdig::run_args(
        args.iter().map(|s| s.to_string()),
        &Default::default(),
        &mut out,
        &mut err,
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let text = String::from_utf8(out).expect("utf-8");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("json");
    assert!(text.starts_with("{\"id\":"), "{text}");
    assert_eq!(
        first["meta"]["http.host"],
        serde_json::json!(["Example.COM"])
    );
    assert_eq!(
        first["meta"]["http.response.code"],
        serde_json::json!(["503"])
    );
    assert!(
        first["meta"].get("tls.sni").is_none(),
        "empty keys are absent"
    );
    assert!(first["proto"].is_u64() && first["sport"].is_u64() && first["packets"].is_u64());
}

/// tshark's metadata column → our search name.
const COLUMNS: [(&str, &str); 10] = [
    ("tls.handshake.extensions_server_name", "tls.sni"),
    ("tls.handshake.ja3", "tls.handshake.ja3"),
    ("tls.handshake.ja3s", "tls.handshake.ja3s"),
    ("tls.handshake.extensions_alpn_str", "tls.alpn"),
    ("dns.qry.name", "dns.qry.name"),
    ("http.host", "http.host"),
    ("http.user_agent", "http.user_agent"),
    ("http.request.uri", "http.request.uri"),
    ("http.request.method", "http.request.method"),
    ("http.response.code", "http.response.code"),
];

/// (capture, Community ID or `*`, why): cells allowed to differ.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "ipv6-gtp6.pcap",
        "1:mNf0yqDrqQxOfOhpjw7hkxjMLNA=",
        "a DNS query inside a GTP-U tunnel: the index's session is the outer GTP-U flow",
    ),
    (
        "icmp-destunreach-udp.pcap",
        "1:GGvyj18dEx42K7edkkcDklsnKqs=",
        "tshark gives the UDP header quoted in an ICMP error a stream of its own",
    ),
];

fn known(name: &str, cid: &str) -> bool {
    KNOWN
        .iter()
        .any(|(n, id, _)| *n == name && (*id == "*" || *id == cid))
}

/// Every capture of both corpora with its path.
fn captures(dir: &Path, app: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for name in corpus::captures(app) {
        out.push((app.join("pcap").join(&name), name));
    }
    for name in corpus::captures(dir) {
        out.push((dir.join("pcap").join(&name), name));
    }
    out
}

#[test]
fn metadata_matches_tshark_per_session() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        eprintln!("no app/ part in the corpus: session metadata not compared");
        return;
    };
    let (mut cells, mut same, mut known_cells) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    for (i, (path, name)) in captures(&dir, &app).into_iter().enumerate() {
        let mut store = SessionStore::open(&tmp.path().join(format!("{i}.db"))).expect("open");
        if store
            .index(&[vec![path]], &IndexOptions::default())
            .is_err()
        {
            continue;
        }
        // Ours: Community ID → key → values (sessions sharing an ID joined).
        let mut ours: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        let rows = store
            .search(&Expr::And(vec![]), &SearchOptions::default())
            .expect("search");
        for row in rows {
            let entry = ours.entry(row.community_id.clone()).or_default();
            for (k, vs) in row.meta {
                entry.entry(k).or_default().extend(vs);
            }
        }
        // tshark's cells are comma-joined sets (values may hold commas:
        // User-Agents), so ours are compared joined the same way.
        let mut theirs: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        if let Some(table) = corpus::app_meta(&app, &name) {
            for row in table.rows() {
                let cid = row.get("communityid").unwrap_or_default().to_owned();
                let entry = theirs.entry(cid).or_default();
                for (col, key) in COLUMNS {
                    let cell = row.get(col).unwrap_or_default();
                    if !cell.is_empty() {
                        entry
                            .entry(key.to_owned())
                            .or_default()
                            .push(cell.to_owned());
                    }
                }
            }
        }
        let ids: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
        for cid in ids {
            for (_, key) in COLUMNS {
                let o = ours
                    .get(cid)
                    .and_then(|m| m.get(key))
                    .map(|set| set.iter().cloned().collect::<Vec<_>>().join(","))
                    .unwrap_or_default();
                // One stream's cell as it is; several streams of one
                // Community ID (port reuse) joined as a set.
                let t = match theirs.get(cid).and_then(|m| m.get(key)) {
                    None => String::new(),
                    Some(cells) if cells.len() == 1 => cells[0].clone(),
                    Some(cells) => cells
                        .iter()
                        .flat_map(|c| c.split(','))
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(","),
                };
                if o.is_empty() && t.is_empty() {
                    continue;
                }
                cells += 1;
                if o == t {
                    same += 1;
                } else if known(&name, cid) {
                    known_cells += 1;
                } else {
                    wrong.push(format!("{name} {cid} {key}: ours {o:?} tshark {t:?}"));
                }
            }
        }
    }
    eprintln!(
        "session metadata: {same}/{cells} (session, key) cells identical; {known_cells} known; {} unexplained",
        wrong.len()
    );
    for w in wrong.iter().take(30) {
        eprintln!("    {w}");
    }
    assert!(cells > 300, "only {cells} cells compared");
    assert!(wrong.is_empty(), "{} cells differ from tshark", wrong.len());
}

#[test]
fn sessions_count_and_times() {
    let (dir, _store) = store_of(true);
    let db = dir.path().join("s.db");
    let db = db.to_str().expect("utf-8");
    let run = |args: &[&str]| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = pcapdig::run_args(
            args.iter().map(|s| s.to_string()),
            &Default::default(),
            &mut out,
            &mut err,
        );
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
        String::from_utf8(out).expect("utf-8")
    };
    assert_eq!(run(&["sessions", "--db", db, "--count"]), "2\n");
    assert_eq!(
        run(&["sessions", "--db", db, "--count", "http.host"]),
        "1\n"
    );
    let table = run(&["sessions", "--db", db, "http.host"]);
    assert!(table.contains("  2023-11-14T22:13:20Z  "), "{table}");
    assert!(table.contains("http Example.COM/login?next=/"), "{table}");
    let epoch = run(&["sessions", "--db", db, "--epoch", "http.host"]);
    assert!(epoch.contains("  1700000000.000000000  "), "{epoch}");
}

/// With thousands of live sessions the walk hands packets to the flow
/// table in batches; an HTTP head split over two segments (the second
/// starting mid-value, so nothing in it starts a head) must still be read
/// whole.
#[test]
fn metadata_of_a_split_head_is_read_when_packets_are_batched() {
    let mut packets = Vec::new();
    for i in 0..3000u32 {
        let [_, _, hi, lo] = i.to_be_bytes();
        packets.push(ipv4(
            [10, 1, hi, lo],
            50000,
            [10, 0, 0, 22],
            22,
            Some((1, 0x02)),
            b"",
        ));
    }
    const C: [u8; 4] = [10, 2, 0, 1];
    const S: [u8; 4] = [10, 2, 0, 2];
    let first = b"GET /split HTTP/1.1\r\nHost: batch";
    packets.push(ipv4(C, 41000, S, 80, Some((100, 0x02)), b""));
    packets.push(ipv4(S, 80, C, 41000, Some((500, 0x12)), b""));
    packets.push(ipv4(C, 41000, S, 80, Some((101, 0x18)), first));
    let seq = 101 + u32::try_from(first.len()).expect("small");
    packets.push(ipv4(
        C,
        41000,
        S,
        80,
        Some((seq, 0x18)),
        b"ed.example\r\nUser-Agent: split/1\r\n\r\n",
    ));
    let (_dir, store) = index_packets(&packets, true);
    let http = search(&store, r#"http.host == "batched.example""#);
    assert_eq!(http.len(), 1, "the split head's host is found");
    assert_eq!(http[0].meta["http.user_agent"], ["split/1"]);
    assert_eq!(http[0].meta["http.request.uri"], ["/split"]);
}
