//! Writes a synthetic capture of many short sessions that carry metadata,
//! for the search benchmark (`benches/search.sh`):
//! `cargo run --release -p pcapdig --example synth_sessions -- OUT.pcap [SESSIONS]`.
//!
//! Session `i` (one raw-IPv4 packet, 1 ms after the previous one) is, in
//! turn, a DNS query (UDP 53), a TLS ClientHello with a server name (TCP
//! 443) or an HTTP request with a `Host` (TCP 80), from one of 60,000
//! clients (`10.C.C.C`, sport 1024-65535) to one of 5,000 servers
//! (`172.16.S.S`). Names come from a pool of 100,000 (`hostN.zoneM.test`,
//! every tenth `www.`-prefixed), picked with a skew (a few names are in
//! tens of thousands of sessions, most in a handful), as real traffic is.
//! Everything is derived from a fixed seed: the same command writes the
//! same file, so the benchmark's counts can be checked.
//!
//! Names printed by the benchmark: `host0.zone0.test` (the most common
//! name), `host99999.zone99.test` (in few sessions or none) and the
//! `www.` prefix.

use std::io::BufWriter;

use pcap_core::capture::{LinkType, PcapEncoding, PcapWriter, Timestamp, WriterConfig};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A skewed pick in `0..n`: the fourth power of a uniform fraction,
    /// so low indexes are much more frequent (of 100,000, index 0 is
    /// picked with probability (1/100,000)^(1/4), about 1 in 18).
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u * u) * n as f64) as u64
    }
}

/// Name `n` of the pool.
fn name(n: u64) -> String {
    let www = if n % 10 == 9 { "www." } else { "" };
    format!("{www}host{n}.zone{}.test", n % 100)
}

/// A raw IPv4 packet: TCP (PSH|ACK) or UDP, with `payload`.
fn ipv4(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, tcp: bool, payload: &[u8]) -> Vec<u8> {
    let l4 = if tcp { 20 } else { 8 };
    let total = (20 + l4 + payload.len()) as u16;
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
        p.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[0, 0]);
    }
    p.extend_from_slice(payload);
    p
}

/// A DNS query (type A) for `name`.
fn dns_query(id: u16, name: &str) -> Vec<u8> {
    let mut m = id.to_be_bytes().to_vec();
    m.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.') {
        m.push(label.len() as u8);
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    m
}

/// A TLS record holding a ClientHello with a server_name extension.
fn client_hello(name: &str) -> Vec<u8> {
    let host = name.as_bytes();
    let mut sni = Vec::new();
    sni.extend_from_slice(&((host.len() + 3) as u16).to_be_bytes());
    sni.push(0);
    sni.extend_from_slice(&(host.len() as u16).to_be_bytes());
    sni.extend_from_slice(host);
    let mut ext = vec![0, 0];
    ext.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    ext.extend_from_slice(&sni);
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[7; 32]);
    body.push(0);
    body.extend_from_slice(&[0, 4, 0x13, 0x01, 0xc0, 0x2f, 1, 0]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![1];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: synth_sessions OUT.pcap [SESSIONS]")?;
    let sessions: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let file = BufWriter::with_capacity(4 << 20, std::fs::File::create(&out)?);
    let mut w = PcapWriter::new(
        file,
        WriterConfig {
            encoding: PcapEncoding::NATIVE_MICRO,
            linktype: LinkType::RAW,
            ..WriterConfig::default()
        },
    )?;
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..sessions {
        let c = r.below(60_000) as u32 + 1;
        let client = [10, (c >> 16) as u8, (c >> 8) as u8, c as u8];
        let s = r.below(5_000) as u16 + 1;
        let server = [172, 16, (s >> 8) as u8, s as u8];
        let sport = 1024 + r.below(64_512) as u16;
        let host = name(r.skewed(100_000));
        let packet = match i % 3 {
            0 => ipv4(
                client,
                sport,
                server,
                53,
                false,
                &dns_query(i as u16, &host),
            ),
            1 => ipv4(client, sport, server, 443, true, &client_hello(&host)),
            _ => {
                let req = format!("GET /p{} HTTP/1.1\r\nHost: {host}\r\n\r\n", i % 1000);
                ipv4(client, sport, server, 80, true, req.as_bytes())
            }
        };
        let ts = Timestamp::new(
            1_700_000_000 + (i / 1000) as i64,
            ((i % 1000) * 1_000_000) as u32,
        );
        w.write_record(ts, packet.len() as u32, &packet)?;
    }
    let bytes = w.position();
    w.into_inner()?;
    eprintln!("{out}: {sessions} sessions, {bytes} bytes");
    Ok(())
}
