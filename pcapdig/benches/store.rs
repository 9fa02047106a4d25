//! The session store in-process, as a program embedding it would call it:
//! index a generated capture, search it, carve its largest TCP session
//! into memory. No process is launched and nothing is printed per packet,
//! so these are the store's own costs (`benches/index.sh` times the
//! command line on the same kind of capture).
//!
//! `cargo bench -p pcapdig --bench store` (env `PACKETS`, default
//! 1000000, and `FLOWS`, default 1000). Each figure is the best of 3 runs.

use std::time::Instant;

use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, write_traffic_pcap};
use pcap_core::filter::Filter;
use pcapdig::store::{CarveOptions, CarveOutput, IndexOptions, SearchOptions, SessionStore};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let packets = env("PACKETS", 1_000_000);
    let flows = u32::try_from(env("FLOWS", 1000)).unwrap_or(1000);
    let dir = tempfile::tempdir()?;
    let cap = dir.path().join("big.pcap");
    let spec = TrafficSpec {
        packets,
        flows,
        ..TrafficSpec::default()
    };
    write_traffic_pcap(
        std::io::BufWriter::new(std::fs::File::create(&cap)?),
        spec,
        PcapEncoding::NATIVE_MICRO,
    )?;
    let groups = [vec![cap.canonicalize()?]];
    let tcp = Filter::parse("tcp")?;
    let (mut index_s, mut search_s, mut carve_s) = (f64::MAX, f64::MAX, f64::MAX);
    let (mut sessions, mut carved) = (0, 0);
    for run in 0..3 {
        let db = dir.path().join(format!("run{run}.db"));
        let mut store = SessionStore::open(&db)?;
        let t = Instant::now();
        let report = store.index(&groups, &IndexOptions::default())?;
        index_s = index_s.min(t.elapsed().as_secs_f64());
        sessions = report.sessions;

        let t = Instant::now();
        let rows = store.search(tcp.expr(), &SearchOptions::default())?;
        search_s = search_s.min(t.elapsed().as_secs_f64());

        let Some(big) = rows.iter().max_by_key(|r| r.packets) else {
            return Err("no TCP session".into());
        };
        let mut out = Vec::new();
        let t = Instant::now();
        let c = store.carve(
            &[big.id],
            Some(CarveOutput::Writer(&mut out)),
            &CarveOptions::default(),
        )?;
        carve_s = carve_s.min(t.elapsed().as_secs_f64());
        carved = c.packets;
    }
    println!(
        "store index: {packets} packets, {sessions} sessions in {index_s:.3} s ({:.0} packets/s)",
        packets as f64 / index_s
    );
    println!("store search `tcp`: {:.1} ms", search_s * 1e3);
    println!(
        "store carve: largest TCP session ({carved} packets) in {:.1} ms",
        carve_s * 1e3
    );
    Ok(())
}
