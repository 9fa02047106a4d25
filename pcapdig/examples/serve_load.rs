//! A bounded load test of `pcapdig serve` on loopback:
//! `serve_load ADDR DIR [SECONDS] [CLIENTS]`.
//!
//! `CLIENTS` concurrent clients (default 200), each on its own keep-alive
//! HTTP/1.1 connection, for `SECONDS` (default 20): a mix of searches
//! (`/api/sessions?q=` with the lines of `DIR/exprs.txt`) and pcap
//! downloads (`/api/sessions/ID/pcap` for each `DIR/ID.pcap`, which
//! `pcapdig carve ID -o DIR/ID.pcap` wrote; every downloaded byte is
//! compared with it). Prints the count, errors and latency percentiles of
//! each kind; exits 1 on any error or difference.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One response: status and body.
async fn request(
    conn: &mut BufReader<TcpStream>,
    addr: &str,
    path: &str,
) -> Result<(u16, Vec<u8>), Error> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    conn.get_mut().write_all(req.as_bytes()).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut len = None;
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = Some(v.trim().parse::<usize>()?);
        }
    }
    let len = len.ok_or("no content-length")?;
    let mut body = vec![0; len];
    conn.read_exact(&mut body).await?;
    Ok((status, body))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    search: Vec<Duration>,
    pcap: Vec<Duration>,
    pcap_bytes: u64,
    errors: Vec<String>,
}

async fn client(
    n: u64,
    addr: Arc<String>,
    exprs: Arc<Vec<String>>,
    pcaps: Arc<Vec<(i64, Vec<u8>)>>,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut rng = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut conn = None;
    while Instant::now() < until {
        if conn.is_none() {
            match TcpStream::connect(addr.as_str()).await {
                Ok(s) => conn = Some(BufReader::new(s)),
                Err(e) => {
                    tally.errors.push(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
        }
        let c = conn.as_mut().expect("connected");
        // Two searches for one download.
        let r = next();
        let start = Instant::now();
        if r % 3 != 0 {
            let e = &exprs[(r / 3) as usize % exprs.len()];
            let path = format!("/api/sessions?q={}&limit=50", encode(e));
            match request(c, &addr, &path).await {
                Ok((200, body)) if body.starts_with(b"{\"total\":") => {
                    tally.search.push(start.elapsed())
                }
                Ok((s, body)) => tally.errors.push(format!(
                    "{path}: {s} {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                )),
                Err(e) => {
                    tally.errors.push(format!("{path}: {e}"));
                    conn = None;
                }
            }
        } else {
            let (id, want) = &pcaps[(r / 3) as usize % pcaps.len()];
            let path = format!("/api/sessions/{id}/pcap");
            match request(c, &addr, &path).await {
                Ok((200, body)) if body == *want => {
                    tally.pcap.push(start.elapsed());
                    tally.pcap_bytes += body.len() as u64;
                }
                Ok((200, body)) => tally.errors.push(format!(
                    "{path}: {} bytes differ from carve's {}",
                    body.len(),
                    want.len()
                )),
                Ok((s, _)) => tally.errors.push(format!("{path}: status {s}")),
                Err(e) => {
                    tally.errors.push(format!("{path}: {e}"));
                    conn = None;
                }
            }
        }
    }
    tally
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: serve_load ADDR DIR [SECONDS] [CLIENTS]".into());
    }
    let addr = Arc::new(args[1].clone());
    let dir = std::path::PathBuf::from(&args[2]);
    let seconds: u64 = args.get(3).map_or(Ok(20), |s| s.parse())?;
    let clients: u64 = args.get(4).map_or(Ok(200), |s| s.parse())?;
    let exprs: Vec<String> = std::fs::read_to_string(dir.join("exprs.txt"))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let mut pcaps = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "pcap")
            && let Some(id) = p.file_stem().and_then(|s| s.to_str()?.parse::<i64>().ok())
        {
            pcaps.push((id, std::fs::read(&p)?));
        }
    }
    if exprs.is_empty() || pcaps.is_empty() {
        return Err("DIR needs exprs.txt and ID.pcap files".into());
    }
    let (exprs, pcaps) = (Arc::new(exprs), Arc::new(pcaps));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            tokio::spawn(client(
                n,
                Arc::clone(&addr),
                Arc::clone(&exprs),
                Arc::clone(&pcaps),
                until,
            ))
        })
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        all.search.extend(t.search);
        all.pcap.extend(t.pcap);
        all.pcap_bytes += t.pcap_bytes;
        all.errors.extend(t.errors);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut by_kind: HashMap<&str, Vec<Duration>> = HashMap::new();
    by_kind.insert("search", all.search);
    by_kind.insert("pcap", all.pcap);
    println!(
        "{clients} clients, {elapsed:.1} s, {} pcap bytes verified",
        all.pcap_bytes
    );
    for kind in ["search", "pcap"] {
        let mut l = by_kind.remove(kind).unwrap_or_default();
        l.sort();
        println!(
            "{kind:>6}: {:>7} ok ({:.0}/s)  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            l.len(),
            l.len() as f64 / elapsed,
            percentile(&l, 0.50).as_secs_f64() * 1e3,
            percentile(&l, 0.99).as_secs_f64() * 1e3,
            l.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
    }
    println!("errors: {}", all.errors.len());
    for e in all.errors.iter().take(10) {
        println!("  {e}");
    }
    if all.errors.is_empty() {
        Ok(())
    } else {
        std::process::exit(1)
    }
}
