//! `pcapdig sessions` output and ordering (`--csv`, `--sort`/`--desc`,
//! `--count`, `--since`/`--until` with offsets and relative times),
//! prefix searches answered from the `(key, folded)` index, and `pcapdig
//! stats`; on captures built here.

mod common;
use common::pcapdig;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{LinkType, Precision, Timestamp};

/// A raw IPv4 packet: TCP (PSH|ACK) or UDP, with `payload`.
fn ipv4(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, tcp: bool, payload: &[u8]) -> Vec<u8> {
    let l4 = if tcp { 20 } else { 8 };
    let total = u16::try_from(20 + l4 + payload.len()).expect("small");
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, if tcp { 6 } else { 17 }, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    if tcp {
        p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    } else {
        let len = u16::try_from(8 + payload.len()).expect("small");
        p.extend_from_slice(&len.to_be_bytes());
        p.extend_from_slice(&[0, 0]);
    }
    p.extend_from_slice(payload);
    p
}

/// A DNS query (type A) for `name`.
fn dns_query(name: &str) -> Vec<u8> {
    let mut m = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        m.push(u8::try_from(label.len()).expect("short label"));
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    m
}

/// A TLS record with a ClientHello naming `host` (server_name).
fn client_hello(host: &str) -> Vec<u8> {
    let h = host.as_bytes();
    let len = |n: usize| u16::try_from(n).expect("small").to_be_bytes();
    let mut sni = len(h.len() + 3).to_vec();
    sni.push(0);
    sni.extend_from_slice(&len(h.len()));
    sni.extend_from_slice(h);
    let mut ext = vec![0, 0];
    ext.extend_from_slice(&len(sni.len()));
    ext.extend_from_slice(&sni);
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[7; 32]);
    body.extend_from_slice(&[0, 0, 4, 0x13, 0x01, 0xc0, 0x2f, 1, 0]);
    body.extend_from_slice(&len(ext.len()));
    body.extend_from_slice(&ext);
    let mut hs = vec![1, 0];
    hs.extend_from_slice(&len(body.len()));
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01];
    rec.extend_from_slice(&len(hs.len()));
    rec.extend_from_slice(&hs);
    rec
}

/// 2023-11-14T22:13:20Z.
const T0: i64 = 1_700_000_000;

/// Six sessions with known metadata, times and sizes, indexed into
/// `DIR/s.db` (returned with the directory).
fn indexed() -> (tempfile::TempDir, String) {
    const A: [u8; 4] = [10, 0, 0, 1];
    const B: [u8; 4] = [10, 0, 0, 2];
    const C: [u8; 4] = [10, 0, 0, 3];
    const D: [u8; 4] = [10, 0, 0, 4];
    const E: [u8; 4] = [10, 0, 0, 5];
    const NS: [u8; 4] = [10, 0, 0, 53];
    let http = |host: &str| format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes();
    let packets: Vec<(i64, Vec<u8>)> = vec![
        // 1: a DNS query, its name in mixed case.
        (
            0,
            ipv4(A, 5000, NS, 53, false, &dns_query("WWW.Example.COM")),
        ),
        // 2: TLS to www.example.com, three packets (the biggest session).
        (
            10,
            ipv4(A, 40001, B, 443, true, &client_hello("www.example.com")),
        ),
        (11, ipv4(B, 443, A, 40001, true, &[0x17; 900])),
        (12, ipv4(A, 40001, B, 443, true, &[0x17; 300])),
        // 3: HTTP to www.example.com, two packets.
        (20, ipv4(C, 40002, B, 80, true, &http("www.example.com"))),
        (25, ipv4(B, 80, C, 40002, true, &[b'x'; 500])),
        // 4: TLS to mail.example.org.
        (
            30,
            ipv4(C, 40003, D, 443, true, &client_hello("mail.example.org")),
        ),
        // 5: a DNS name that starts with `www` but not `www.`.
        (
            40,
            ipv4(C, 5001, NS, 53, false, &dns_query("wwwx.example.net")),
        ),
        // 6: an hour later, an HTTP host in upper case (hosts keep case).
        (3600, ipv4(E, 40004, B, 80, true, &http("WWW.example.com"))),
    ];
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    file.linktype(LinkType::RAW);
    for (t, p) in &packets {
        let len = u32::try_from(p.len()).expect("small");
        file.record(Timestamp::new(T0 + t, 0), len, p);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("m.pcap");
    std::fs::write(&cap, file.build()).expect("write");
    let db = dir.path().join("s.db").to_str().expect("utf-8").to_owned();
    let out = pcapdig(&["index", "--db", &db, cap.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The `sessions --json` rows of `args` (after `--db DB`).
fn json_rows(db: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["sessions", "--db", db, "--json"];
    all.extend_from_slice(args);
    ok(pcapdig(&all))
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn ids_of(rows: &[serde_json::Value]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().expect("id")).collect()
}

fn ids(db: &str, args: &[&str]) -> Vec<i64> {
    ids_of(&json_rows(db, args))
}

#[test]
fn prefix_searches_agree_with_the_regex_over_every_value() {
    let (_dir, db) = indexed();
    let all = json_rows(&db, &[]);
    assert_eq!(all.len(), 6);
    // The oracle: every session whose values of KEY match, by the regex
    // crate directly (case-insensitively for DNS names).
    let expect = |key: &str, re: &str| -> Vec<i64> {
        let re = if key == "dns.qry.name" {
            format!("(?i){re}")
        } else {
            re.to_owned()
        };
        let re = regex::Regex::new(&re).expect("regex");
        all.iter()
            .filter(|r| {
                r["meta"][key]
                    .as_array()
                    .is_some_and(|v| v.iter().any(|v| re.is_match(v.as_str().expect("text"))))
            })
            .map(|r| r["id"].as_i64().expect("id"))
            .collect()
    };
    for (key, re) in [
        ("dns.qry.name", r"^www\."),
        ("dns.qry.name", r"^WWW"),
        ("dns.qry.name", r"^wwwx\.example\.net$"),
        ("dns.qry.name", r"^w+x"),
        ("dns.qry.name", r"^example"),
        ("http.host", r"^www\."),
        ("http.host", r"^WWW\."),
        ("http.host", r"^[wW]"),
        ("tls.sni", r"^mail\.ex"),
        ("tls.sni", r"^(www|mail)\."),
        ("tls.sni", r"^ww?w\.example\.com"),
        ("tls.sni", r"^www\.example\.com|mail"),
    ] {
        let literal = re.replace('\\', "\\\\");
        let got = ids(&db, &[&format!("{key} matches \"{literal}\"")]);
        let want = expect(key, re);
        assert_eq!(got, want, "{key} matches {re}");
    }
    // Spot checks of the oracle itself.
    assert_eq!(expect("dns.qry.name", r"^www\."), vec![1]);
    assert_eq!(expect("dns.qry.name", r"^WWW"), vec![1, 5]);
    assert_eq!(expect("http.host", r"^WWW\."), vec![6]);
}

#[test]
fn sort_orders_by_the_field_then_id() {
    let (_dir, db) = indexed();
    let rows = json_rows(&db, &[]);
    let num = |r: &serde_json::Value, k: &str| r[k].as_i64().expect(k);
    let mut by_bytes: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (num(r, "bytes"), num(r, "id")))
        .collect();
    by_bytes.sort_by(|a, b| b.cmp(a));
    let want: Vec<i64> = by_bytes.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids(&db, &["--sort", "bytes", "--desc"]), want);
    assert_eq!(want[0], 2, "the TLS session with 1,200 bytes of data");
    assert_eq!(
        ids(&db, &["--sort", "bytes", "--desc", "--limit", "2"]),
        want[..2]
    );
    // Default: first packet time; `first_ts` names the same.
    assert_eq!(ids(&db, &[]), [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        ids(&db, &["--sort", "first_ts", "--desc"]),
        [6, 5, 4, 3, 2, 1]
    );
    // Ties (one-packet sessions) in id order.
    assert_eq!(ids(&db, &["--sort", "packets"]), [1, 4, 5, 6, 3, 2]);
    assert_eq!(
        ids(&db, &["--sort", "duration", "--desc"]),
        [3, 2, 6, 5, 4, 1]
    );
    assert_eq!(ids(&db, &["--sort", "dport"]), [1, 5, 3, 6, 2, 4]);
    assert_eq!(ids(&db, &["--sort", "src"]), [1, 2, 3, 4, 5, 6]);
    assert_eq!(ids(&db, &["--sort", "dst", "--desc"]), [5, 1, 4, 6, 3, 2]);
    let bad = pcapdig(&["sessions", "--db", &db, "--sort", "colour"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("colour") && err.contains("bytes"), "{err}");
}

#[test]
fn count_since_and_until_with_offsets_and_relative_times() {
    let (_dir, db) = indexed();
    let count = |args: &[&str]| -> u64 {
        let mut all = vec!["sessions", "--db", &db, "--count"];
        all.extend_from_slice(args);
        ok(pcapdig(&all)).trim().parse().expect("a number")
    };
    assert_eq!(count(&[]), 6);
    assert_eq!(count(&["tls.sni"]), 2);
    assert_eq!(count(&["tls.sni", "--limit", "1"]), 1);
    assert_eq!(count(&["dns.qry.name == \"www.example.com\""]), 1);
    // 22:13:40Z (T0 + 20 s) written at +02:00: sessions 1 to 3 start by
    // then.
    assert_eq!(
        ids(&db, &["--until", "2023-11-15T00:13:40+02:00"]),
        [1, 2, 3]
    );
    // 22:13:25Z (T0 + 5 s) written at -05:00: the sessions whose last
    // packet is then or later (all but session 1, over at T0).
    assert_eq!(
        ids(&db, &["--since", "2023-11-14T17:13:25-05:00"]),
        [2, 3, 4, 5, 6]
    );
    // Relative to now: these sessions are from 2023.
    assert_eq!(count(&["--since", "-1h"]), 0);
    assert_eq!(count(&["--until", "-1h"]), 6);
    assert_eq!(count(&["--since", "-100000d"]), 6);
    let bad = pcapdig(&["sessions", "--db", &db, "--since", "-1y"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("-1y"));
}

#[test]
fn csv_has_the_table_columns_and_one_per_metadata_key() {
    let (_dir, db) = indexed();
    let text = ok(pcapdig(&["sessions", "--db", &db, "--csv"]));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header[..13],
        [
            "id",
            "proto",
            "src",
            "sport",
            "dst",
            "dport",
            "first",
            "last",
            "duration",
            "packets",
            "bytes",
            "community_id",
            "info"
        ]
    );
    assert_eq!(header.len(), 13 + pcap_core::filter::meta::META_KEYS.len());
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let records: Vec<csv::StringRecord> = r.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), 6);
    let json = json_rows(&db, &[]);
    for (rec, js) in records.iter().zip(&json) {
        assert_eq!(rec[col("id")], js["id"].to_string());
        assert_eq!(rec[col("bytes")], js["bytes"].to_string());
        assert_eq!(
            &rec[col("community_id")],
            js["community_id"].as_str().unwrap()
        );
        for key in pcap_core::filter::meta::META_KEYS {
            let want = js["meta"][key]
                .as_array()
                .map(|v| {
                    v.iter()
                        .map(|v| v.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            assert_eq!(rec[col(key)], want, "{key}");
        }
    }
    let tls = &records[1];
    assert_eq!(&tls[col("proto")], "tcp");
    assert_eq!(&tls[col("src")], "10.0.0.1");
    assert_eq!(&tls[col("dport")], "443");
    assert_eq!(&tls[col("first")], "2023-11-14T22:13:30Z");
    assert_eq!(&tls[col("last")], "2023-11-14T22:13:32Z");
    assert_eq!(&tls[col("duration")], "2.000000000");
    assert_eq!(&tls[col("info")], "tls www.example.com");
    assert_eq!(&tls[col("tls.sni")], "www.example.com");
    // --epoch: seconds.
    let text = ok(pcapdig(&[
        "sessions", "--db", &db, "--csv", "--epoch", "--limit", "1",
    ]));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let first = r.records().next().expect("a row").expect("record");
    assert_eq!(&first[6], "1700000000.000000000");
    // One output form at a time.
    assert!(
        pcapdig(&["sessions", "--db", &db, "--csv", "--json"])
            .status
            .code()
            != Some(0)
    );
}

#[test]
fn stats_counts_talkers_and_metadata_values() {
    let (_dir, db) = indexed();
    let stats = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["stats", "--db", &db, "--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&ok(pcapdig(&all))).expect("json")
    };
    let rows = json_rows(&db, &[]);
    let s = stats(&[]);
    assert_eq!(s["sessions"], 6);
    let total: i64 = rows.iter().map(|r| r["bytes"].as_i64().unwrap()).sum();
    assert_eq!(s["bytes"], total);
    // Talkers, computed here from the listed sessions: both ends count.
    let mut by_addr: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for r in &rows {
        let mut ends = BTreeSet::new();
        ends.insert(r["src"].as_str().unwrap().to_owned());
        ends.insert(r["dst"].as_str().unwrap().to_owned());
        for a in ends {
            let e = by_addr.entry(a).or_default();
            e.0 += r["bytes"].as_i64().unwrap();
            e.1 += r["packets"].as_i64().unwrap();
            e.2 += 1;
        }
    }
    let mut want: Vec<(i64, i64, i64, String)> = by_addr
        .into_iter()
        .map(|(a, (b, p, n))| (b, p, n, a))
        .collect();
    want.sort_by(|x, y| (y.0, y.1, y.2).cmp(&(x.0, x.1, x.2)).then(x.3.cmp(&y.3)));
    let got: Vec<(i64, i64, i64, String)> = s["talkers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["bytes"].as_i64().unwrap(),
                t["packets"].as_i64().unwrap(),
                t["sessions"].as_i64().unwrap(),
                t["address"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(got[0].3, "10.0.0.2", "the server of three sessions");
    // Metadata values: DNS names counted without regard to case, HTTP
    // hosts as written; most sessions first, then by value.
    let top = |s: &serde_json::Value, key: &str| -> Vec<(String, i64)> {
        let k = s["meta"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key"] == key)
            .unwrap_or_else(|| panic!("{key}"));
        k["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["value"].as_str().unwrap().to_owned(),
                    v["sessions"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(a, n)| (a.to_string(), *n)).collect()
    };
    assert_eq!(
        top(&s, "tls.sni"),
        pairs(&[("mail.example.org", 1), ("www.example.com", 1)])
    );
    assert_eq!(
        top(&s, "dns.qry.name"),
        pairs(&[("WWW.Example.COM", 1), ("wwwx.example.net", 1)])
    );
    assert_eq!(
        top(&s, "http.host"),
        pairs(&[("WWW.example.com", 1), ("www.example.com", 1)])
    );
    // The expression, --top and --by narrow it; --key takes aliases.
    let c = stats(&[
        "--top",
        "1",
        "--by",
        "sessions",
        "--key",
        "tls.handshake.extensions_server_name",
        "host 10.0.0.3",
    ]);
    assert_eq!(c["sessions"], 3);
    assert_eq!(c["talkers_by"], "sessions");
    assert_eq!(c["talkers"].as_array().unwrap().len(), 1);
    assert_eq!(c["talkers"][0]["address"], "10.0.0.3");
    assert_eq!(c["talkers"][0]["sessions"], 3);
    assert_eq!(top(&c, "tls.sni"), pairs(&[("mail.example.org", 1)]));
    assert_eq!(c["meta"].as_array().unwrap().len(), 1);
    let late = stats(&["--since", "2023-11-14T23:00:00Z"]);
    assert_eq!(late["sessions"], 1);
    assert_eq!(top(&late, "http.host"), pairs(&[("WWW.example.com", 1)]));
    // The text report says the same.
    let text = ok(pcapdig(&["stats", "--db", &db]));
    assert!(
        text.starts_with(&format!(
            "6 sessions, {} packets, {total} bytes",
            s["packets"]
        )),
        "{text}"
    );
    assert!(text.contains("top tls.sni (2 sessions have one)"), "{text}");
    let bad = pcapdig(&["stats", "--db", &db, "--key", "tls.colour"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("tls.colour"));
}

/// A capture of `n` one-packet DNS sessions from 10.1.X.Y, session `i`
/// asking for name `i % 7` (`N7.test`, its case changed every other time).
fn many_dns(n: u32) -> (tempfile::TempDir, String) {
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    file.linktype(LinkType::RAW);
    for i in 0..n {
        let src = [10, 1, (i >> 8) as u8, i as u8];
        let name = if i % 2 == 0 {
            format!("n{}.test", i % 7)
        } else {
            format!("N{}.TEST", i % 7)
        };
        let p = ipv4(src, 5000, [10, 0, 0, 53], 53, false, &dns_query(&name));
        let len = u32::try_from(p.len()).expect("small");
        file.record(Timestamp::new(T0 + i64::from(i), 0), len, &p);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("dns.pcap");
    std::fs::write(&cap, file.build()).expect("write");
    let db = dir.path().join("s.db").to_str().expect("utf-8").to_owned();
    ok(pcapdig(&[
        "index",
        "--db",
        &db,
        cap.to_str().expect("utf-8"),
    ]));
    (dir, db)
}

#[test]
fn stats_of_many_sessions_and_of_few_agree_with_the_counts() {
    // Above 10,000 matching sessions the values are read key by key,
    // below they are looked up session by session: both counted here.
    let n = 10_500u32;
    let (_dir, db) = many_dns(n);
    for (expr, sessions) in [("", n), ("src net 10.1.0.0/20", 4096)] {
        let mut args = vec![
            "stats",
            "--db",
            &db,
            "--json",
            "--key",
            "dns.qry.name",
            "--top",
            "3",
        ];
        if !expr.is_empty() {
            args.push(expr);
        }
        let s: serde_json::Value = serde_json::from_str(&ok(pcapdig(&args))).expect("json");
        assert_eq!(s["sessions"], sessions, "{expr}");
        let k = &s["meta"][0];
        assert_eq!(k["sessions"], sessions, "{expr}");
        // By sessions, then by value (of a name's two spellings, the
        // smaller is shown).
        let per = |j: u32| (0..sessions).filter(|i| i % 7 == j).count();
        let mut want: Vec<(usize, String)> =
            (0..7).map(|j| (per(j), format!("N{j}.TEST"))).collect();
        want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let got: Vec<(usize, String)> = k["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["sessions"].as_u64().unwrap() as usize,
                    v["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(got, want[..3], "{expr}");
        assert_eq!(s["talkers"][0]["address"], "10.0.0.53");
        assert_eq!(s["talkers"][0]["sessions"], sessions);
    }
}

#[test]
fn vlans_are_listed_alike_with_and_without_their_session_index() {
    // Ethernet frames, session `i` tagged (i % 3) times: none, [10 + i]
    // or [10 + i, 200] (a QinQ stack).
    let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
    file.linktype(LinkType::ETHERNET);
    for i in 0..9u8 {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        let tags: Vec<u16> = match i % 3 {
            0 => vec![],
            1 => vec![10 + u16::from(i)],
            _ => vec![10 + u16::from(i), 200],
        };
        for t in &tags {
            f.extend_from_slice(&[0x81, 0x00]);
            f.extend_from_slice(&t.to_be_bytes());
        }
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&ipv4([10, 0, 0, i], 5000, [10, 0, 0, 53], 53, false, b"x"));
        let len = u32::try_from(f.len()).expect("small");
        file.record(Timestamp::new(T0 + i64::from(i), 0), len, &f);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("vlan.pcap");
    std::fs::write(&cap, file.build()).expect("write");
    let db = dir.path().join("s.db").to_str().expect("utf-8").to_owned();
    ok(pcapdig(&[
        "index",
        "--db",
        &db,
        cap.to_str().expect("utf-8"),
    ]));
    let listed = |args: &[&str]| -> Vec<(String, serde_json::Value)> {
        json_rows(&db, args)
            .iter()
            .map(|r| (r["src"].as_str().unwrap().to_owned(), r["vlans"].clone()))
            .collect()
    };
    let with_index = listed(&[]);
    let none = serde_json::Value::Null;
    let want: Vec<(String, serde_json::Value)> = (0..9u8)
        .map(|i| {
            let vlans = match i % 3 {
                0 => none.clone(),
                1 => serde_json::json!([10 + u16::from(i)]),
                _ => serde_json::json!([10 + u16::from(i), 200]),
            };
            (format!("10.0.0.{i}"), vlans)
        })
        .collect();
    assert_eq!(with_index, want);
    assert_eq!(listed(&["vlan 200"]).len(), 3);
    // A database written before the index existed is listed the same.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch("DROP INDEX session_vlans_session")
        .expect("drop");
    drop(conn);
    assert_eq!(listed(&[]), want);
    assert_eq!(
        listed(&["--sort", "id", "--desc", "--limit", "2"]),
        [want[8].clone(), want[7].clone()]
    );
}

#[test]
fn reindexing_a_changed_file_drops_its_sessions_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("q.pcap");
    let db = dir.path().join("s.db").to_str().expect("utf-8").to_owned();
    let write = |name: &str| {
        let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
        file.linktype(LinkType::RAW);
        let p = ipv4(
            [10, 0, 0, 1],
            5000,
            [10, 0, 0, 53],
            53,
            false,
            &dns_query(name),
        );
        file.record(
            Timestamp::new(T0, 0),
            u32::try_from(p.len()).expect("small"),
            &p,
        );
        std::fs::write(&cap, file.build()).expect("write");
    };
    let count = |expr: &str| -> u64 {
        ok(pcapdig(&["sessions", "--db", &db, "--count", expr]))
            .trim()
            .parse()
            .expect("a number")
    };
    write("first.test");
    ok(pcapdig(&[
        "index",
        "--db",
        &db,
        cap.to_str().expect("utf-8"),
    ]));
    assert_eq!(count("dns.qry.name == \"first.test\""), 1);
    write("other.test");
    ok(pcapdig(&[
        "index",
        "--db",
        &db,
        "--reindex",
        cap.to_str().expect("utf-8"),
    ]));
    // The new session may get the old one's id: it must not get its
    // metadata too.
    assert_eq!(count("dns.qry.name == \"first.test\""), 0);
    assert_eq!(count("dns.qry.name == \"other.test\""), 1);
    let rows = json_rows(&db, &[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["meta"]["dns.qry.name"],
        serde_json::json!(["other.test"])
    );
}

#[test]
fn small_limits_list_the_same_first_sessions_whichever_way_found() {
    // 10,500 sessions: a limit of a few is answered from the first
    // thousands in order when they hold enough matches (a common name),
    // else by the whole search (a range of late sources): the same rows
    // as the unlimited listing's first ones, either way.
    let (_dir, db) = many_dns(10_500);
    for expr in [
        "dns.qry.name == \"n1.test\"",
        "dns.qry.name in {\"N2.TEST\" \"n3.test\"}",
        "dns.qry.name matches \"^n4\\\\.\"",
        "src net 10.1.40.0/24",
        "src host 10.1.0.7 or src net 10.1.41.0/24",
        "not dns.qry.name == \"n5.test\"",
        "dns.qry.name != \"n5.test\"",
    ] {
        for order in [&[][..], &["--sort", "id", "--desc"]] {
            let mut args = vec![expr];
            args.extend_from_slice(order);
            let all = ids(&db, &args);
            assert!(!all.is_empty(), "{expr}");
            for limit in ["1", "3", "50"] {
                let mut limited = args.clone();
                limited.extend_from_slice(&["--limit", limit]);
                let n: usize = limit.parse().unwrap();
                assert_eq!(
                    ids(&db, &limited),
                    all[..n.min(all.len())],
                    "{expr} {order:?} --limit {limit}"
                );
            }
            let count: usize = ok(pcapdig(&["sessions", "--db", &db, "--count", expr]))
                .trim()
                .parse()
                .unwrap();
            assert_eq!(count, all.len(), "{expr}");
        }
    }
    // With time bounds too.
    let bounded = [
        "--since",
        "2023-11-14T22:30:00Z",
        "dns.qry.name == \"n6.test\"",
    ];
    let all = ids(&db, &bounded);
    let mut limited = bounded.to_vec();
    limited.extend_from_slice(&["--limit", "2"]);
    assert_eq!(ids(&db, &limited), all[..2]);
}
