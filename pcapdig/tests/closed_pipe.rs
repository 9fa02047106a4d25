//! A reader that stops early (`pcapdig ... | head -1`) ends every command
//! quietly with exit status 0.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};

/// Runs pcapdig, reads one line of its output, closes the pipe, and
/// returns its exit status and standard error.
fn head_1(args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pcapdig");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a line");
    assert!(!first.is_empty(), "pcapdig {args:?} printed nothing");
    // The reader is dropped here: the pipe is closed.
    let out = child.wait_with_output().expect("wait");
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_ends_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("many.pcap");
    let spec = TrafficSpec {
        packets: 20_000,
        flows: 3_000,
        ..TrafficSpec::default()
    };
    std::fs::write(&cap, traffic_pcap(spec, PcapEncoding::NATIVE_MICRO)).expect("write");
    let cap = cap.to_str().expect("utf-8");
    let db = dir.path().join("s.db");
    let db = db.to_str().expect("utf-8");
    let index = Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(["index", "--db", db, cap])
        .output()
        .expect("index");
    assert!(index.status.success());

    for args in [
        &["fields", cap, "-e", "frame.number", "-e", "ip.src"][..],
        &["show", cap],
        &["sessions", "--db", db],
        &["sessions", "--db", db, "--json"],
        &["sessions", "--db", db, "--csv"],
    ] {
        let (status, stderr) = head_1(args);
        assert!(status.success(), "pcapdig {args:?}: {status}, {stderr}");
        assert!(
            !stderr.contains("Broken pipe") && !stderr.contains("error"),
            "pcapdig {args:?}: {stderr}"
        );
    }
}
