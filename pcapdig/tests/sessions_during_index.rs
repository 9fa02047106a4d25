//! While `pcapdig index` is writing, `sessions` keeps answering from the
//! last completed state and says that a run is in progress; the new run's
//! sessions appear all at once when it completes. The test stops by itself
//! (the index run is waited for). The writer is another process (the
//! binary); the readers run in this one.

mod common;
use common::pcapdig;

use std::process::{Command, Stdio};

use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};

#[test]
fn readers_see_completed_runs_and_are_told_of_one_in_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = dir.path().join("small.pcap");
    let big = dir.path().join("big.pcap");
    let spec = |seed, packets| TrafficSpec {
        seed,
        packets,
        flows: 500,
        ..TrafficSpec::default()
    };
    std::fs::write(
        &small,
        traffic_pcap(spec(1, 2_000), PcapEncoding::NATIVE_MICRO),
    )
    .expect("write");
    std::fs::write(
        &big,
        traffic_pcap(spec(2, 150_000), PcapEncoding::NATIVE_MICRO),
    )
    .expect("write");
    let db = dir.path().join("s.db");
    let db = db.to_str().expect("utf-8");
    let out = pcapdig(&["index", "--db", db, small.to_str().unwrap()]);
    assert!(out.status.success());
    let count = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).lines().count();
    let before = count(&pcapdig(&["sessions", "--db", db, "--json"]));
    assert!(before > 0);

    let mut writer = Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(["index", "--db", db, big.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("index");
    let mut told = 0;
    let mut looked = 0;
    let mut seen = Vec::new();
    while writer.try_wait().expect("wait").is_none() && looked < 200 {
        let out = pcapdig(&["sessions", "--db", db, "--json"]);
        let running = writer.try_wait().expect("wait").is_none();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if running {
            looked += 1;
            seen.push(count(&out));
            if String::from_utf8_lossy(&out.stderr).contains("index run is writing") {
                told += 1;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(writer.wait().expect("wait").success());
    if looked == 0 {
        eprintln!("the index run ended before sessions could look; nothing to check");
        return;
    }
    assert!(told > 0, "{looked} looks during the run, never told of it");
    let after = count(&pcapdig(&["sessions", "--db", db, "--json"]));
    assert!(after > before);
    // Only completed runs, never part of the one in progress (it may have
    // committed just before its process ended).
    assert!(
        seen.iter().all(|&n| n == before || n == after),
        "counts seen during the run: {seen:?} (before {before}, after {after})"
    );
}
