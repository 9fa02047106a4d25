//! The binary end to end (the other tests run command lines in-process):
//! help, exit codes, what goes to standard output and standard error, and
//! that an in-process run (`pcapdig::run_args`) says exactly what the
//! binary says.

use std::process::{Command, Output, Stdio};

use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};

mod common;

fn binary(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run pcapdig")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_usage_errors_and_failures() {
    let help = binary(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let out = text(&help.stdout);
    for sub in ["fields", "show", "index", "sessions", "carve"] {
        assert!(out.contains(sub), "{sub} missing from help: {out}");
    }
    assert!(help.stderr.is_empty());

    let usage = binary(&["no-such-subcommand"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(usage.stdout.is_empty());
    assert!(text(&usage.stderr).contains("error:"));

    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("missing.db");
    let failed = binary(&["sessions", "--db", db.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(failed.stdout.is_empty());
    assert_eq!(
        text(&failed.stderr),
        format!(
            "pcapdig: no index database at {} (run `pcapdig index` first, or give --db)\n",
            db.display()
        )
    );
    assert!(!db.exists(), "a reader created the database");

    // The same command lines in-process: the same status and streams.
    for args in [
        &["--help"][..],
        &["no-such-subcommand"],
        &["sessions", "--db", db.to_str().unwrap()],
        &["carve", "--db", db.to_str().unwrap(), "1"],
    ] {
        let a = binary(args);
        let b = common::pcapdig(args);
        assert_eq!(a.status.code(), b.status.code(), "{args:?}");
        assert_eq!(text(&a.stdout), text(&b.stdout), "{args:?}");
        assert_eq!(text(&a.stderr), text(&b.stderr), "{args:?}");
    }
}

#[test]
fn listings_and_carved_bytes_go_to_standard_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("t.pcap");
    let spec = TrafficSpec {
        packets: 500,
        flows: 5,
        ..TrafficSpec::default()
    };
    std::fs::write(&cap, traffic_pcap(spec, PcapEncoding::NATIVE_MICRO)).expect("write");
    let db = dir.path().join("s.db");
    let db = db.to_str().expect("utf-8");
    let index = binary(&["index", "--db", db, cap.to_str().unwrap()]);
    assert!(index.status.success(), "{}", text(&index.stderr));
    assert!(index.stdout.is_empty(), "index prints only messages");
    assert!(text(&index.stderr).starts_with("pcapdig: indexed 1 file(s)"));

    for args in [
        &["sessions", "--db", db][..],
        &["sessions", "--db", db, "--json", "tcp"],
        &["carve", "--db", db, "1", "2", "-o", "-"],
    ] {
        let a = binary(args);
        let b = common::pcapdig(args);
        assert!(a.status.success(), "{args:?}: {}", text(&a.stderr));
        assert!(!a.stdout.is_empty(), "{args:?}");
        assert_eq!(a.stdout, b.stdout, "{args:?}");
        assert_eq!(text(&a.stderr), text(&b.stderr), "{args:?}");
    }
}
