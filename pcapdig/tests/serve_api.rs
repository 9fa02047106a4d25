//! `pcapdig serve`, in-process (`tower::ServiceExt::oneshot` on the
//! router): every route against the command line's output for the same
//! database (`sessions --json`, `carve -o -`, `carve --payload`, `show` of
//! the carved capture), the error codes (400, 404, 409, 413) and the caps.
//! Captures are built here; the last test also reads `http.pcap` of the
//! shared corpus and skips with a message when it is absent.

mod common;
use common::pcapdig;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};
use pcap_core::capture::{CaptureReader, PcapEncoding, Timestamp};
use pcapdig::serve::{Limits, ServeConfig, router};
use serde_json::Value;
use tower::ServiceExt;

/// A temporary folder with an index of synthetic captures.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Fixture {
    fn new(specs: &[TrafficSpec]) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("s.db");
        let fx = Fixture { dir, db };
        for (i, spec) in specs.iter().enumerate() {
            fx.add(&format!("cap-{i}.pcap"), *spec);
        }
        fx
    }

    /// Writes a capture and indexes it (a run of its own).
    fn add(&self, name: &str, spec: TrafficSpec) -> PathBuf {
        let cap = self.dir.path().join(name);
        std::fs::write(&cap, traffic_pcap(spec, PcapEncoding::NATIVE_MICRO)).expect("write");
        self.cli_ok(&["index", "--db", self.db(), cap.to_str().expect("utf-8")]);
        cap
    }

    fn db(&self) -> &str {
        self.db.to_str().expect("utf-8")
    }

    fn app(&self, limits: Limits) -> axum::Router {
        router(ServeConfig {
            db: self.db.clone(),
            ctx: pcapdig::Context::default(),
            limits,
        })
    }

    /// `pcapdig ARGS`, which must succeed: its standard output.
    fn cli_ok(&self, args: &[&str]) -> Vec<u8> {
        let out = pcapdig(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// `pcapdig sessions --json ARGS`: its lines.
    fn sessions(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["sessions", "--db", self.db(), "--json"];
        all.extend_from_slice(args);
        String::from_utf8(self.cli_ok(&all))
            .expect("utf-8")
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn small() -> TrafficSpec {
    TrafficSpec {
        packets: 2_000,
        flows: 40,
        ..TrafficSpec::default()
    }
}

/// `text` percent-encoded for a query string.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&self.body));
        })
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

fn ids_of(lines: &[String]) -> Vec<i64> {
    lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["id"]
                .as_i64()
                .expect("id")
        })
        .collect()
}

/// The error message the command line prints for `args`, without
/// `pcapdig: ` and the newline.
fn cli_error(args: &[&str]) -> String {
    let out = pcapdig(args);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    err.strip_prefix("pcapdig: ")
        .unwrap_or(&err)
        .trim_end_matches('\n')
        .to_string()
}

#[tokio::test]
async fn sessions_are_the_command_lines_objects() {
    let fx = Fixture::new(&[small()]);
    let app = fx.app(Limits::default());

    // Everything, then an expression and a time range: each object is
    // byte for byte a line of `sessions --json`, in its order.
    let all = fx.sessions(&[]);
    assert!(all.len() > 30, "{}", all.len());
    // No limit: as many as the server's cap.
    let r = get(&app, "/api/sessions").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let body = r.text();
    assert_eq!(
        body,
        format!(
            "{{\"total\":{},\"sessions\":[{}]}}",
            all.len(),
            all.join(",")
        )
    );

    let first: Value = serde_json::from_str(&all[0]).expect("json");
    let host = first["dst"].as_str().expect("dst").to_string();
    let expr = format!("tcp and not host {host}");
    let since = "2023-11-14T22:13:20.5Z";
    let until = "1700000001.25";
    let want = fx.sessions(&[&expr, "--since", since, "--until", until]);
    assert!(!want.is_empty() && want.len() < all.len());
    let r = get(
        &app,
        &format!(
            "/api/sessions?q={}&since={}&until={until}",
            enc(&expr),
            enc(since)
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.text(),
        format!(
            "{{\"total\":{},\"sessions\":[{}]}}",
            want.len(),
            want.join(",")
        )
    );

    // Paging: limit and offset cut the same list; total stays.
    let r = get(&app, "/api/sessions?limit=5&offset=3").await.json();
    assert_eq!(r["total"].as_u64(), Some(all.len() as u64));
    let page: Vec<String> = r["sessions"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v["id"].to_string())
        .collect();
    let want: Vec<String> = ids_of(&all[3..8]).iter().map(i64::to_string).collect();
    assert_eq!(page, want);

    // Sorted: bytes descending, ties in the store's order (first packet,
    // then id), as sorting the command line's list says.
    let mut by_bytes: Vec<Value> = all
        .iter()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    by_bytes.sort_by(|a, b| {
        let n = |v: &Value, k: &str| v[k].as_i64().expect("int");
        let t = |v: &Value| {
            v["first_ts"]
                .as_str()
                .expect("ts")
                .parse::<f64>()
                .expect("f64")
        };
        n(b, "bytes")
            .cmp(&n(a, "bytes"))
            .then(t(a).total_cmp(&t(b)))
            .then(n(a, "id").cmp(&n(b, "id")))
    });
    let r = get(&app, "/api/sessions?sort=-bytes&limit=7&offset=2")
        .await
        .json();
    let got: Vec<&Value> = r["sessions"].as_array().expect("array").iter().collect();
    let want: Vec<&Value> = by_bytes[2..9].iter().collect();
    assert_eq!(got, want);
    let r = get(&app, "/api/sessions?sort=dport&limit=1000")
        .await
        .json();
    let ports: Vec<u64> = r["sessions"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v["dport"].as_u64().expect("port"))
        .collect();
    assert!(ports.windows(2).all(|w| w[0] <= w[1]), "{ports:?}");
    assert_eq!(ports.len(), all.len());
}

#[tokio::test]
async fn bad_requests_say_what_the_command_line_says() {
    let fx = Fixture::new(&[small()]);
    let app = fx.app(Limits::default());
    for (query, args) in [
        ("q=tcp+port+foo", vec!["tcp port foo"]),
        ("q=host+10.0.0.1+and+%28tcp", vec!["host 10.0.0.1 and (tcp"]),
        ("q=tcp%5B13%5D+%26+2+%21%3D+0", vec!["tcp[13] & 2 != 0"]),
        ("since=2014-02-30", vec!["--since", "2014-02-30"]),
    ] {
        let r = get(&app, &format!("/api/sessions?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.text());
        let mut cli = vec!["sessions", "--db", fx.db()];
        cli.extend(args);
        assert_eq!(
            r.json()["error"].as_str(),
            Some(cli_error(&cli).as_str()),
            "{query}"
        );
    }
    // The parser's position, for the page's caret.
    let r = get(&app, "/api/sessions?q=tcp+port+foo").await.json();
    assert_eq!(r["expression"]["position"].as_u64(), Some(9));
    assert_eq!(r["expression"]["len"].as_u64(), Some(3));

    // Caps and parameters.
    for query in [
        "limit=10001",
        "sort=colour",
        "sort=bytes&offset=19999&limit=2",
        "limit=x",
    ] {
        let r = get(&app, &format!("/api/sessions?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.text());
        assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let long = format!("q={}", "host+10.0.0.1+or+".repeat(2_000));
    assert_eq!(
        get(&app, &format!("/api/sessions?{long}")).await.status,
        StatusCode::BAD_REQUEST
    );

    // Unknown ids, ids that are not integers, unknown routes.
    for uri in [
        "/api/sessions/999999",
        "/api/sessions/999999/pcap",
        "/api/sessions/999999/payload/client",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text());
        assert_eq!(r.json()["error"].as_str(), Some("no session 999999"));
    }
    for uri in [
        "/api/sessions/abc",
        "/api/sessions/1x/pcap",
        "/api/sessions/..%2Fetc/pcap",
    ] {
        assert_eq!(
            get(&app, uri).await.status,
            StatusCode::BAD_REQUEST,
            "{uri}"
        );
    }
    assert_eq!(
        get(&app, "/api/nothing").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/sessions/1/payload/both").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/pcap?q=host+203.0.113.99").await.status,
        StatusCode::NOT_FOUND
    );
    // Only GET.
    let post = Request::post("/api/sessions")
        .body(Body::from("x"))
        .expect("request");
    let r = app.clone().oneshot(post).await.expect("infallible");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn pcaps_are_the_bytes_carve_writes() {
    // A big session (carved through a temporary file) and small ones (in
    // memory).
    let fx = Fixture::new(&[
        small(),
        TrafficSpec {
            seed: 7,
            packets: 3_000,
            flows: 1,
            start: Timestamp::new(1_700_100_000, 0),
        },
    ]);
    let app = fx.app(Limits::default());
    let all = ids_of(&fx.sessions(&[]));
    let big = fx.sessions(&["--since", "1700100000"]);
    let big: Value = serde_json::from_str(&big[0]).expect("json");
    assert!(big["bytes"].as_u64().expect("bytes") > 1 << 20, "{big}");
    let big_id = big["id"].as_i64().expect("id");
    for id in [all[0], all[1], all[5], big_id] {
        let r = get(&app, &format!("/api/sessions/{id}/pcap")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(
            r.header(header::CONTENT_TYPE),
            "application/vnd.tcpdump.pcap"
        );
        assert_eq!(
            r.header(header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"session-{id}.pcap\"")
        );
        let want = fx.cli_ok(&["carve", "--db", fx.db(), &id.to_string(), "-o", "-"]);
        assert_eq!(r.body.len(), want.len(), "session {id}");
        assert!(r.body == want, "session {id}");
        assert_eq!(r.header(header::CONTENT_LENGTH), want.len().to_string());
    }
    // pcapng on request, as `carve --format pcapng`.
    let r = get(
        &app,
        &format!("/api/sessions/{}/pcap?format=pcapng", all[0]),
    )
    .await;
    let want = fx.cli_ok(&[
        "carve",
        "--db",
        fx.db(),
        &all[0].to_string(),
        "-o",
        "-",
        "--format",
        "pcapng",
    ]);
    assert!(r.body == want);
    assert_eq!(
        get(&app, "/api/sessions/1/pcap?format=gif").await.status,
        StatusCode::BAD_REQUEST
    );

    // All matching sessions in one capture: `carve` of their ids.
    let expr = "udp or port 22";
    let ids: Vec<String> = ids_of(&fx.sessions(&[expr]))
        .iter()
        .map(i64::to_string)
        .collect();
    assert!(ids.len() > 1);
    let r = get(&app, &format!("/api/pcap?q={}", enc(expr))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"sessions.pcap\""
    );
    let mut args = vec!["carve", "--db", fx.db(), "-o", "-"];
    args.extend(ids.iter().map(String::as_str));
    assert!(r.body == fx.cli_ok(&args));
    // With a time range, and everything (through a temporary file).
    let r = get(&app, "/api/pcap?until=1700050000").await;
    let small_ids: Vec<String> = ids_of(&fx.sessions(&["--until", "1700050000"]))
        .iter()
        .map(i64::to_string)
        .collect();
    let mut args = vec!["carve", "--db", fx.db(), "-o", "-"];
    args.extend(small_ids.iter().map(String::as_str));
    assert!(r.body == fx.cli_ok(&args));
    let r = get(&app, "/api/pcap").await;
    let every: Vec<String> = all.iter().map(i64::to_string).collect();
    let mut args = vec!["carve", "--db", fx.db(), "-o", "-"];
    args.extend(every.iter().map(String::as_str));
    assert!(r.body == fx.cli_ok(&args));
}

#[tokio::test]
async fn carves_above_the_caps_are_refused() {
    let fx = Fixture::new(&[small()]);
    let all = fx.sessions(&[]);
    let app = fx.app(Limits {
        max_carve_sessions: 3,
        ..Limits::default()
    });
    let r = get(&app, "/api/pcap").await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let msg = r.json()["error"].as_str().expect("error").to_string();
    assert!(
        msg.contains(&format!("{} sessions", all.len())) && msg.contains("--max-carve"),
        "{msg}"
    );
    assert_eq!(
        get(&app, "/api/pcap?q=udp+and+port+53&limit=1")
            .await
            .status,
        {
            let n = fx.sessions(&["udp and port 53"]).len();
            if n == 0 {
                StatusCode::NOT_FOUND
            } else if n <= 3 {
                StatusCode::OK
            } else {
                StatusCode::PAYLOAD_TOO_LARGE
            }
        }
    );

    // Bytes: the largest session is above a cap the smallest is under.
    let rows: Vec<Value> = all
        .iter()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let bytes = |v: &Value| v["bytes"].as_u64().expect("bytes");
    let big = rows.iter().max_by_key(|v| bytes(v)).expect("a session");
    let tiny = rows.iter().min_by_key(|v| bytes(v)).expect("a session");
    let cap = bytes(tiny);
    assert!(bytes(big) > cap);
    let app = fx.app(Limits {
        max_carve_bytes: cap,
        ..Limits::default()
    });
    for route in ["pcap", "", "payload/client"] {
        let uri = format!("/api/sessions/{}/{route}", big["id"]);
        let uri = uri.trim_end_matches('/');
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert!(
            r.json()["error"]
                .as_str()
                .expect("error")
                .contains("--max-carve-bytes")
        );
    }
    let r = get(&app, &format!("/api/sessions/{}/pcap", tiny["id"])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        get(&app, "/api/pcap").await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

/// `pcapdig show FILE` (the binary: `show` prints on the process's
/// standard output).
fn show(file: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .arg("show")
        .arg(file)
        .output()
        .expect("run pcapdig");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A session in detail against the command line: its object, its packets
/// as `show` prints the carved capture, each at the file and offset the
/// capture has it, and its payload as `carve --payload` writes it.
async fn check_detail(app: &axum::Router, db: &str, dir: &Path, id: i64) {
    let r = get(app, &format!("/api/sessions/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = r.json();
    let line = pcapdig(&["sessions", "--db", db, "--json"]).stdout;
    let want = String::from_utf8(line)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .find(|v| v["id"].as_i64() == Some(id))
        .expect("listed");
    assert_eq!(d["session"], want);

    let carved = dir.join(format!("carved-{id}.pcap"));
    let out = pcapdig(&[
        "carve",
        "--db",
        db,
        &id.to_string(),
        "-o",
        carved.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    let packets = d["packets"].as_array().expect("packets");
    assert_eq!(packets.len() as u64, want["packets"].as_u64().expect("n"));
    assert_eq!(d["packets_total"].as_u64(), want["packets"].as_u64());
    let text: String = packets
        .iter()
        .map(|p| p["show"].as_str().expect("show"))
        .collect();
    assert_eq!(text, show(&carved));

    // Each packet is the record at its file and offset.
    let mut readers = std::collections::HashMap::new();
    for (i, p) in packets.iter().enumerate() {
        assert_eq!(p["number"].as_u64(), Some(i as u64 + 1));
        let file = p["file"].as_str().expect("file").to_string();
        let reader = readers
            .entry(file.clone())
            .or_insert_with(|| CaptureReader::open(Path::new(&file)).expect("open"));
        let rec = reader
            .record_at(p["offset"].as_u64().expect("offset"))
            .expect("record");
        assert_eq!(u64::from(rec.origlen), p["length"].as_u64().expect("len"));
        assert_eq!(u64::from(rec.caplen), p["caplen"].as_u64().expect("caplen"));
        assert_eq!(rec.ts.to_string(), p["ts"].as_str().expect("ts"));
        assert!(
            p["summary"].as_str().is_some_and(|s| s.starts_with("eth:")),
            "{p}"
        );
        assert!(p["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    }

    // The payload, both ways.
    let pl = dir.join(format!("payload-{id}"));
    let out = pcapdig(&[
        "carve",
        "--db",
        db,
        &id.to_string(),
        "--payload",
        pl.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    if want["proto"].as_u64() == Some(6) {
        for side in ["client", "server"] {
            let r = get(app, &format!("/api/sessions/{id}/payload/{side}")).await;
            assert_eq!(r.status, StatusCode::OK);
            let file = std::fs::read(pl.join(format!("{id}.{side}"))).expect("payload file");
            assert!(r.body == file, "session {id} {side}");
            assert_eq!(
                d["payload"][side]["bytes"].as_u64(),
                Some(file.len() as u64)
            );
        }
    } else {
        assert!(d.get("payload").is_none());
        let r = get(app, &format!("/api/sessions/{id}/payload/client")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_session_in_detail() {
    let fx = Fixture::new(&[small()]);
    let app = fx.app(Limits::default());
    let tcp = ids_of(&fx.sessions(&["tcp"]));
    let udp = ids_of(&fx.sessions(&["udp"]));
    for id in [tcp[0], tcp[tcp.len() - 1], udp[0]] {
        check_detail(&app, fx.db(), fx.dir.path(), id).await;
    }
    // The packet list is capped; the count is not.
    let app = fx.app(Limits {
        max_packets: 2,
        ..Limits::default()
    });
    let d = get(&app, &format!("/api/sessions/{}", tcp[0])).await.json();
    assert_eq!(d["packets"].as_array().map(Vec::len), Some(2));
    assert!(d["packets_total"].as_u64().expect("total") > 2);
}

#[tokio::test]
async fn a_changed_capture_is_a_conflict_with_carves_message() {
    let fx = Fixture::new(&[]);
    let cap = fx.add("changed.pcap", small());
    let app = fx.app(Limits::default());
    let id = ids_of(&fx.sessions(&["tcp"]))[0];
    let d = get(&app, &format!("/api/sessions/{id}")).await.json();
    let offset = d["packets"][1]["offset"].as_u64().expect("offset") as usize;
    // A byte inside the second packet's frame (past its record header).
    let mut bytes = std::fs::read(&cap).expect("read");
    bytes[offset + 16 + 30] ^= 0xff;
    std::fs::write(&cap, &bytes).expect("write");
    let want = cli_error(&["carve", "--db", fx.db(), &id.to_string(), "-o", "-"]);
    for uri in [
        format!("/api/sessions/{id}/pcap"),
        format!("/api/sessions/{id}"),
        "/api/pcap?q=tcp".to_string(),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{uri}: {}", r.text());
        assert_eq!(r.json()["error"].as_str(), Some(want.as_str()), "{uri}");
    }
    // Gone: still carve's message.
    std::fs::remove_file(&cap).expect("remove");
    let want = cli_error(&["carve", "--db", fx.db(), &id.to_string(), "-o", "-"]);
    assert!(want.contains("missing"), "{want}");
    let r = get(&app, &format!("/api/sessions/{id}/pcap")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"].as_str(), Some(want.as_str()));
}

#[tokio::test]
async fn runs_indexed_while_serving_appear() {
    let fx = Fixture::new(&[small()]);
    let app = fx.app(Limits::default());
    let before = get(&app, "/api/sessions?limit=0").await.json()["total"]
        .as_u64()
        .expect("total");
    assert_eq!(before as usize, fx.sessions(&[]).len());
    fx.add(
        "later.pcap",
        TrafficSpec {
            seed: 9,
            start: Timestamp::new(1_700_200_000, 0),
            ..small()
        },
    );
    let after = get(&app, "/api/sessions?limit=0").await.json()["total"]
        .as_u64()
        .expect("total");
    assert_eq!(after as usize, fx.sessions(&[]).len());
    assert!(after > before);
}

/// The ids of the table's rows in a page.
fn row_ids(html: &str) -> Vec<i64> {
    html.match_indices("<tr class=\"session\" data-id=\"")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            rest[..rest.find('"').expect("quote")].parse().expect("id")
        })
        .collect()
}

#[tokio::test]
async fn the_page_renders_the_search_in_its_url() {
    let fx = Fixture::new(&[small()]);
    let app = fx.app(Limits::default());
    let expr = "tcp and port 22";
    let want = ids_of(&fx.sessions(&[expr]));
    assert!(!want.is_empty());
    let r = get(&app, &format!("/?q={}", enc(expr))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = r.text();
    assert_eq!(row_ids(&html), want);
    assert!(
        html.contains("value=\"tcp and port 22\""),
        "the filter box keeps it"
    );
    assert!(html.contains(&format!("{} session", want.len())));
    assert!(html.contains(&format!("href=\"/api/pcap?q={}\"", "tcp+and+port+22")));
    let csp = r.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.starts_with("default-src 'none';") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    // Nothing external: no src= or href= leaves the server.
    for attr in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "<link ",
    ] {
        assert!(!html.contains(attr), "{attr}");
    }
    // Sorted and paged by the URL too, as the API.
    let r = get(&app, "/?sort=-packets&limit=4&offset=4").await;
    let api = get(&app, "/api/sessions?sort=-packets&limit=4&offset=4")
        .await
        .json();
    let api_ids: Vec<i64> = api["sessions"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(row_ids(&r.text()), api_ids);
    assert!(r.text().contains("id=\"prev\"") && r.text().contains("id=\"next\""));

    // A bad expression: the caret message, escaped, and no table.
    let r = get(&app, &format!("/?q={}", enc("host <x>"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    let msg = cli_error(&["sessions", "--db", fx.db(), "host <x>"]);
    let escaped = msg
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    assert!(
        html.contains(&format!(
            "<pre class=\"error\" id=\"error\">{escaped}</pre>"
        )),
        "{html}"
    );
    assert!(msg.contains('^'));
    assert!(!html.contains("<x>"));
    assert!(row_ids(&html).is_empty());
}

#[test]
fn serve_listens_on_loopback_by_default() {
    let out = pcapdig(&["serve", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("[default: 127.0.0.1:8080]"), "{help}");
    // A database that is not there: refused before listening.
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("none.db");
    let out = pcapdig(&[
        "serve",
        "--db",
        missing.to_str().expect("utf-8"),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists(), "nothing created");
}

#[test]
fn serve_prints_its_url_and_answers() {
    use std::io::{BufRead, Read, Write};
    let fx = Fixture::new(&[small()]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(["serve", "--db", fx.db(), "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("url");
    let url = line.trim().to_string();
    let addr = url
        .strip_prefix("http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("{url}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        s,
        "GET /api/sessions?limit=1 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("read");
    let _ = child.kill();
    let _ = child.wait();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let total = fx.sessions(&[]).len();
    assert!(reply.contains(&format!("{{\"total\":{total},")), "{reply}");
}

#[tokio::test]
async fn corpus_http_session_in_detail() {
    let Some(corpus) = pcap_tests::corpus::find() else {
        return;
    };
    let cap = corpus.join("pcap/http.pcap");
    let fx = Fixture::new(&[]);
    fx.cli_ok(&["index", "--db", fx.db(), cap.to_str().expect("utf-8")]);
    let app = fx.app(Limits::default());
    let ids = ids_of(&fx.sessions(&["tcp"]));
    for id in ids {
        check_detail(&app, fx.db(), fx.dir.path(), id).await;
    }
    // The metadata is searchable and carried in the objects.
    let r = get(
        &app,
        &format!(
            "/api/sessions?q={}",
            enc("http.host == \"www.ethereal.com\"")
        ),
    )
    .await
    .json();
    assert_eq!(r["total"].as_u64(), Some(1));
    assert_eq!(
        r["sessions"][0]["meta"]["http.host"][0].as_str(),
        Some("www.ethereal.com")
    );
}
