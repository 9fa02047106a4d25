//! Data safety of `pcapdig index` (issue 9): one writer at a time, runs
//! visible whole or not at all, inputs that are regular files, names as
//! bytes, changed content noticed, read-only opening of the database.

mod common;
use common::pcapdig;

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use pcap_core::Endian;
use pcap_core::capture::synth::PcapBuilder;
use pcap_core::capture::{LinkType, Precision, Timestamp};
use rusqlite::{Connection, OpenFlags};

/// Launches the binary (for runs that are killed, race another process,
/// or must not block the test on a pipe).
fn spawn(args: &[&std::ffi::OsStr]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pcapdig")
}

/// Waits for `child` at most `limit` (then kills it and fails: a hang).
fn finish(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "pcapdig hung for {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn run(args: &[&str]) -> Output {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(|s| os(s)).collect();
    pcapdig(&a)
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "pcapdig {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(!out.status.success(), "pcapdig {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An Ethernet/IPv4/UDP frame, optionally behind 802.1Q tags.
fn udp_frame(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, vlans: &[u16]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
    for v in vlans {
        f.extend_from_slice(&[0x81, 0x00]);
        f.extend_from_slice(&v.to_be_bytes());
    }
    f.extend_from_slice(&[0x08, 0x00]);
    let payload = [0x55u8; 18];
    let total = (20 + 8 + payload.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    f.extend_from_slice(&ip);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(&payload);
    f
}

/// A capture of `flows` UDP flows of `per_flow` packets each, starting at
/// second `t0`; flows differ by source address `tag` and source port.
fn capture(path: &Path, flows: u32, per_flow: u32, t0: i64, tag: u8) {
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    let mut n = 0u64;
    for _ in 0..per_flow {
        for f in 0..flows {
            let ts = Timestamp::new(t0 + (n / 1000) as i64, (n % 1000) as u32 * 1000);
            n += 1;
            let frame = udp_frame([10, tag, 0, 1], 1024 + f as u16, [10, 9, 9, 9], 53, &[]);
            b.record(ts, frame.len() as u32, &frame);
        }
    }
    std::fs::write(path, b.build()).expect("write capture");
}

fn read_only(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open db")
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// The invariants of a database after any mix of runs: no file twice, and
/// every session's files exist.
fn check_consistent(db: &Path) {
    let conn = read_only(db);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM files"),
        count(&conn, "SELECT COUNT(DISTINCT path) FROM files"),
        "a file indexed twice"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS
                (SELECT 1 FROM files f WHERE f.id = s.first_file)
             OR NOT EXISTS (SELECT 1 FROM files f WHERE f.id = s.last_file)"
        ),
        0,
        "sessions pointing at no file"
    );
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM sessions"),
        count(&conn, "SELECT COUNT(*) FROM session_locations"),
    );
}

#[test]
fn concurrent_index_runs_one_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.pcap");
    let b = dir.path().join("b.pcap");
    capture(&a, 300, 10, 1_700_000_000, 1);
    capture(&b, 200, 10, 1_700_000_100, 2);
    let (a, b) = (a.to_str().expect("utf-8"), b.to_str().expect("utf-8"));
    let deadline = Instant::now() + Duration::from_secs(240);
    for round in 0..20 {
        if Instant::now() > deadline {
            eprintln!("stopping after {round} rounds (time budget)");
            break;
        }
        let db_path = dir.path().join(format!("r{round}.db"));
        let db = db_path.to_str().expect("utf-8");
        // Odd rounds: the same file twice; even: two files. Rounds of
        // three or more: without --wait, where one may fail at once.
        let second = if round % 2 == 1 { a } else { b };
        let waits = round % 4 < 2;
        let args = |f: &'static str, file: &str| -> Vec<std::ffi::OsString> {
            let mut v: Vec<std::ffi::OsString> = vec!["index".into(), "--db".into(), db.into()];
            if waits {
                v.push("--wait".into());
                v.push(f.into());
            }
            v.push(file.into());
            v
        };
        let a1 = args("60", a);
        let a2 = args("60", second);
        let c1 = spawn(&a1.iter().map(|s| s.as_os_str()).collect::<Vec<_>>());
        std::thread::sleep(Duration::from_millis(round % 3 * 5));
        let c2 = spawn(&a2.iter().map(|s| s.as_os_str()).collect::<Vec<_>>());
        let o1 = finish(c1, Duration::from_secs(120));
        let o2 = finish(c2, Duration::from_secs(120));
        let mut indexed = Vec::new();
        for (o, file) in [(&o1, a), (&o2, second)] {
            let err = String::from_utf8_lossy(&o.stderr);
            if o.status.success() {
                indexed.push(file);
            } else {
                assert!(!waits, "round {round}: a waiting run failed: {err}");
                assert!(
                    err.contains("another `pcapdig index` is writing") && err.contains("--wait"),
                    "round {round}: {err}"
                );
            }
        }
        assert!(!indexed.is_empty(), "round {round}: both runs failed");
        indexed.sort_unstable();
        indexed.dedup();
        check_consistent(&db_path);
        let conn = read_only(&db_path);
        assert_eq!(
            count(&conn, "SELECT COUNT(*) FROM files") as usize,
            indexed.len(),
            "round {round}"
        );
        let want: i64 = indexed
            .iter()
            .map(|f| if *f == a { 300 } else { 200 })
            .sum();
        assert_eq!(
            count(&conn, "SELECT COUNT(*) FROM sessions"),
            want,
            "round {round}"
        );
    }
}

#[test]
fn killed_runs_leave_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = dir.path().join("small.pcap");
    let big = dir.path().join("big.pcap");
    capture(&small, 5, 4, 1_600_000_000, 1);
    // Big enough for a run (of the test's debug build) to take seconds.
    capture(&big, 20_000, 15, 1_700_000_000, 2);
    let big_s = big.to_str().expect("utf-8");
    for (i, ms) in [50u64, 200, 500].into_iter().enumerate() {
        let db_path = dir.path().join(format!("k{i}.db"));
        let db = db_path.to_str().expect("utf-8");
        ok(&["index", "--db", db, small.to_str().expect("utf-8")]);
        let mut child = spawn(&[os("index"), os("--db"), os(db), os(big_s)]);
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        check_consistent(&db_path);
        let conn = read_only(&db_path);
        let (files, sessions) = (
            count(&conn, "SELECT COUNT(*) FROM files"),
            count(&conn, "SELECT COUNT(*) FROM sessions"),
        );
        eprintln!("killed at {ms} ms: {files} file(s), {sessions} session(s) visible");
        // Either the run had completed (a fast machine), or nothing of it
        // is visible.
        assert!(
            (files, sessions) == (1, 5) || (files, sessions) == (2, 20_005),
            "after a kill at {ms} ms: {files} files, {sessions} sessions"
        );
        drop(conn);
        let out = ok(&["index", "--db", db, big_s]);
        assert!(
            out.contains("already indexed") || out.contains("indexed 1 file"),
            "{out}"
        );
        check_consistent(&db_path);
        let conn = read_only(&db_path);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM files"), 2);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM sessions"), 20_005);
    }
}

#[test]
fn inputs_must_be_regular_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db");
    let db = db.to_str().expect("utf-8");
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        // Nobody writes the pipe: opening it would block forever.
        let out = finish(
            spawn(&[os("index"), os("--db"), os(db), fifo.as_os_str()]),
            Duration::from_secs(30),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains("is a named pipe (FIFO)"), "{err}");
    } else {
        eprintln!("mkfifo not available: FIFO case skipped");
    }
    let err = fails(&["index", "--db", db, "-"]);
    assert!(err.contains("standard input"), "{err}");
    let err = fails(&["index", "--db", db, "/dev/null"]);
    assert!(err.contains("character device"), "{err}");
    // A directory: refused, or walked with --recursive.
    let caps = dir.path().join("caps");
    std::fs::create_dir_all(caps.join("sub")).expect("mkdir");
    capture(&caps.join("b.pcap"), 3, 2, 1_700_000_100, 2);
    capture(&caps.join("a.pcap"), 2, 2, 1_700_000_000, 1);
    capture(&caps.join("sub/c.pcap"), 4, 2, 1_700_000_200, 3);
    std::fs::write(caps.join("notes.txt"), "not a capture").expect("write");
    let caps_s = caps.to_str().expect("utf-8");
    let err = fails(&["index", "--db", db, caps_s]);
    assert!(
        err.contains("is a directory") && err.contains("--recursive"),
        "{err}"
    );
    assert!(
        !Path::new(db).exists(),
        "a refused run created the database"
    );
    let err = ok(&["index", "--db", db, "--recursive", caps_s]);
    assert!(
        err.contains("1 file(s) in the directories given are not captures"),
        "{err}"
    );
    let conn = read_only(Path::new(db));
    let mut stmt = conn
        .prepare("SELECT path FROM files ORDER BY seq")
        .expect("query");
    let paths: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("paths");
    let root = std::fs::canonicalize(&caps).expect("canonical");
    let want: Vec<Vec<u8>> = ["a.pcap", "b.pcap", "sub/c.pcap"]
        .iter()
        .map(|n| root.join(n).as_os_str().as_bytes().to_vec())
        .collect();
    assert_eq!(paths, want);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM sessions"), 9);
}

#[test]
fn non_utf8_names_are_kept_as_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"ab\xffcd.pcap");
    let file = dir.path().join(name);
    capture(&file, 3, 2, 1_700_000_000, 1);
    let db = dir.path().join("x.db");
    let args = [os("index"), os("--db"), db.as_os_str(), file.as_os_str()];
    let out = pcapdig(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = read_only(&db);
    let (path, stored_name): (Vec<u8>, Vec<u8>) = conn
        .query_row("SELECT path, name FROM files", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row");
    let canonical = std::fs::canonicalize(&file).expect("canonical");
    assert_eq!(path, canonical.as_os_str().as_bytes());
    assert_eq!(stored_name, b"ab\xffcd.pcap");
    // Found again by its bytes: the second run knows it.
    let out = pcapdig(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("already indexed"),
        "{err}"
    );
    assert!(err.contains("ab\u{fffd}cd.pcap"), "printed lossily: {err}");
}

#[test]
fn a_changed_middle_byte_is_noticed_and_reindexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("m.pcap");
    // About 500 KB: the byte changed is far from the first and last 64 KiB.
    capture(&file, 100, 68, 1_700_000_000, 1);
    let mut bytes = std::fs::read(&file).expect("read");
    assert!(bytes.len() > 450_000, "{}", bytes.len());
    let db = dir.path().join("x.db");
    let (f, d) = (file.to_str().expect("utf-8"), db.to_str().expect("utf-8"));
    ok(&["index", "--db", d, f]);
    let hash = |db: &Path| -> String {
        read_only(db)
            .query_row("SELECT content_hash FROM files", [], |r| r.get(0))
            .expect("hash")
    };
    let before = hash(&db);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&file, &bytes).expect("write");
    let err = fails(&["index", "--db", d, f]);
    assert!(
        err.contains("has changed since it was indexed")
            && err.contains("content differs")
            && err.contains("--reindex"),
        "{err}"
    );
    assert_eq!(hash(&db), before, "a refused run changed the index");
    ok(&["index", "--db", d, "--reindex", f]);
    check_consistent(&db);
    let conn = read_only(&db);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM files"), 1);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM sessions"), 100);
    assert_ne!(hash(&db), before);
    let err = ok(&["index", "--db", d, f]);
    assert!(err.contains("already indexed"), "{err}");
}

#[test]
fn another_filter_is_not_already_indexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("f.pcap");
    capture(&file, 4, 2, 1_700_000_000, 1);
    let db = dir.path().join("x.db");
    let (f, d) = (file.to_str().expect("utf-8"), db.to_str().expect("utf-8"));
    ok(&["index", "--db", d, "--filter", "tcp", f]);
    let err = fails(&["index", "--db", d, f]);
    assert!(
        err.contains("was indexed into")
            && err.contains("with --filter 'tcp'")
            && err.contains("now given with no filter")
            && err.contains("--reindex"),
        "{err}"
    );
    let err = ok(&["index", "--db", d, "--filter", "tcp", f]);
    assert!(err.contains("already indexed"), "{err}");
    ok(&["index", "--db", d, "--reindex", f]);
    let conn = read_only(&db);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM files WHERE filter IS NULL"),
        1
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM sessions"), 4);
}

#[test]
fn other_files_are_not_indexes_and_stay_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let foreign = dir.path().join("other-app.db");
    {
        let c = Connection::open(&foreign).expect("create");
        c.execute_batch(
            "CREATE TABLE sessions (id INTEGER PRIMARY KEY, who TEXT);
             INSERT INTO sessions (who) VALUES ('alice');",
        )
        .expect("fill");
    }
    let before = std::fs::read(&foreign).expect("read");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("write");
    let cap = dir.path().join("c.pcap");
    capture(&cap, 2, 2, 1_700_000_000, 1);
    for db in [&foreign, &empty] {
        let d = db.to_str().expect("utf-8");
        let err = fails(&["sessions", "--db", d]);
        assert!(err.contains(&format!("not a pcapdig index: {d}")), "{err}");
        if db == &foreign {
            let err = fails(&["index", "--db", d, cap.to_str().expect("utf-8")]);
            assert!(err.contains(&format!("not a pcapdig index: {d}")), "{err}");
        }
    }
    assert_eq!(std::fs::read(&foreign).expect("read"), before);
    assert_eq!(std::fs::metadata(&empty).expect("meta").len(), 0);
    let missing = dir.path().join("missing.db");
    let err = fails(&["sessions", "--db", missing.to_str().expect("utf-8")]);
    assert!(
        err.contains("no index database at") && err.contains("missing.db"),
        "{err}"
    );
    assert!(!missing.exists());
}

#[test]
fn an_index_in_a_read_only_directory_is_readable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    let cap = dir.path().join("c.pcap");
    capture(&cap, 3, 2, 1_700_000_000, 1);
    let db = ro.join("x.db");
    let d = db.to_str().expect("utf-8");
    ok(&["index", "--db", d, cap.to_str().expect("utf-8")]);
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    mode(dir.path(), 0o755);
    mode(&ro, 0o555);
    // Root ignores directory permissions: then the reader runs as
    // `nobody` (with setpriv), or the case is skipped.
    let probe = ro.join("probe");
    let out = if std::fs::write(&probe, b"").is_ok() {
        let _ = std::fs::remove_file(&probe);
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_pcapdig"))
            .args(["sessions", "--db", d])
            .output()
            .ok()
            .filter(|o| o.status.success() || !o.stderr.starts_with(b"setpriv"))
    } else {
        Some(run(&["sessions", "--db", d]))
    };
    match out {
        Some(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            // A header and three sessions.
            assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
            let names: Vec<_> = std::fs::read_dir(&ro).expect("ls").collect();
            assert_eq!(names.len(), 1, "only the database in its directory");
        }
        None => eprintln!(
            "running as root without setpriv (directory permissions not enforced): \
             read-only directory case skipped"
        ),
    }
    mode(&ro, 0o755);
}

#[test]
fn honest_counts_and_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A PPP capture: nothing the dissector reads.
    let wifi = dir.path().join("wifi.pcap");
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    b.linktype(LinkType::PPP);
    for i in 0..3 {
        b.record(Timestamp::new(1_700_000_000 + i, 0), 40, &[0u8; 40]);
    }
    std::fs::write(&wifi, b.build()).expect("write");
    let db = dir.path().join("x.db");
    let d = db.to_str().expect("utf-8");
    let err = ok(&["index", "--db", d, wifi.to_str().expect("utf-8")]);
    assert!(
        err.contains("0 sessions: link type 9 (PPP) is not supported"),
        "{err}"
    );
    assert!(err.contains("3 of unsupported link types"), "{err}");
    // Parts given in the wrong order, and a filter and a non-IP frame.
    let p1 = dir.path().join("p1.pcap");
    let p2 = dir.path().join("p2.pcap");
    capture(&p1, 2, 2, 1_700_000_000, 1);
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    let arp = [
        0xffu8, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1,
    ];
    b.record(Timestamp::new(1_700_000_100, 0), 16, &arp);
    let frame = udp_frame([10, 3, 0, 1], 999, [10, 9, 9, 9], 53, &[]);
    b.record(Timestamp::new(1_700_000_101, 0), frame.len() as u32, &frame);
    std::fs::write(&p2, b.build()).expect("write");
    let err = ok(&[
        "index",
        "--db",
        d,
        "--filter",
        "not src port 999",
        p2.to_str().expect("utf-8"),
        p1.to_str().expect("utf-8"),
    ]);
    assert!(err.contains("parts given in the wrong order?"), "{err}");
    assert!(
        err.contains(
            "6 packets (4 indexed, 1 filtered out, 1 non-IP, 0 of unsupported link types)"
        ),
        "{err}"
    );
}

#[test]
fn every_vlan_a_session_carried_is_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("v.pcap");
    let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
    let stacks: [&[u16]; 4] = [&[], &[20], &[20], &[100, 30]];
    for (i, s) in stacks.iter().enumerate() {
        let frame = udp_frame([10, 1, 0, 1], 5000, [10, 9, 9, 9], 53, s);
        b.record(
            Timestamp::new(1_700_000_000 + i as i64, 0),
            frame.len() as u32,
            &frame,
        );
    }
    std::fs::write(&file, b.build()).expect("write");
    let db = dir.path().join("x.db");
    ok(&[
        "index",
        "--db",
        db.to_str().expect("utf-8"),
        file.to_str().expect("utf-8"),
    ]);
    let conn = read_only(&db);
    let sessions = count(&conn, "SELECT COUNT(*) FROM sessions");
    let mut stmt = conn
        .prepare("SELECT DISTINCT vlan FROM session_vlans ORDER BY vlan")
        .expect("query");
    let vlans: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("vlans");
    assert_eq!(vlans, [20, 30, 100], "{sessions} session(s)");
}

#[test]
fn pcapng_content_hash_is_stable_and_sees_every_block() {
    use pcap_core::capture::synth::PcapngBuilder;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("n.pcapng");
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 65535);
    for i in 0..6u16 {
        let frame = udp_frame([10, 1, 0, 1], 4000 + i % 3, [10, 9, 9, 9], 53, &[]);
        b.epb(
            0,
            Timestamp::new(1_700_000_000 + i64::from(i), 0),
            frame.len() as u32,
            &frame,
        );
    }
    let bytes = b.build();
    std::fs::write(&file, &bytes).expect("write");
    let db = dir.path().join("x.db");
    let (f, d) = (file.to_str().expect("utf-8"), db.to_str().expect("utf-8"));
    ok(&["index", "--db", d, f]);
    let err = ok(&["index", "--db", d, f]);
    assert!(err.contains("already indexed"), "{err}");
    // A byte of the section header block (not a packet) changed.
    let mut changed = bytes.clone();
    changed[12] ^= 0x01;
    std::fs::write(&file, &changed).expect("write");
    let err = fails(&["index", "--db", d, f]);
    assert!(err.contains("content differs"), "{err}");
}

#[test]
fn reindexing_a_part_says_which_other_parts_lost_sessions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p1 = dir.path().join("p1.pcap");
    let p2 = dir.path().join("p2.pcap");
    // One flow across both parts, and one in each part alone.
    let write = |path: &Path, t0: i64, flows: &[u16], marker: u8| {
        let mut b = PcapBuilder::new(Endian::Little, Precision::Micro);
        for (i, port) in flows.iter().enumerate() {
            let mut frame = udp_frame([10, 1, 0, 1], *port, [10, 9, 9, 9], 53, &[]);
            let last = frame.len() - 1;
            frame[last] = marker;
            b.record(Timestamp::new(t0 + i as i64, 0), frame.len() as u32, &frame);
        }
        std::fs::write(path, b.build()).expect("write");
    };
    write(&p1, 1_700_000_000, &[1000, 2000], 1);
    write(&p2, 1_700_000_010, &[1000, 3000], 1);
    let db = dir.path().join("x.db");
    let (a, b, d) = (
        p1.to_str().expect("utf-8"),
        p2.to_str().expect("utf-8"),
        db.to_str().expect("utf-8"),
    );
    ok(&["index", "--db", d, a, b]);
    assert_eq!(count(&read_only(&db), "SELECT COUNT(*) FROM sessions"), 3);
    write(&p2, 1_700_000_010, &[1000, 3000], 2);
    let err = ok(&["index", "--db", d, "--reindex", b]);
    assert!(
        err.contains("sessions replaced also had packets in") && err.contains("p1.pcap"),
        "{err}"
    );
    check_consistent(&db);
    // p1's own flow, and p2's two flows indexed again on their own.
    assert_eq!(count(&read_only(&db), "SELECT COUNT(*) FROM sessions"), 3);
    // Given together again, both parts are redone whole.
    ok(&["index", "--db", d, "--reindex", a, b]);
    check_consistent(&db);
    let conn = read_only(&db);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM sessions"), 3);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM files"), 2);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM sessions WHERE first_file <> last_file"
        ),
        1
    );
}

/// A file large enough to be hashed on a second thread ahead of the
/// indexing walk (`hash_ahead`), with damaged blocks in the middle: the
/// digest recorded for every packet is its record's, as computed inline
/// (both walks stayed in step), and the content hash is the one
/// re-indexing computes.
#[test]
fn digests_hashed_ahead_match_every_record() {
    use pcap_core::capture::CaptureReader;
    use pcap_core::capture::synth::PcapngBuilder;
    use pcap_core::flow::LocationIter;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.pcapng");
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 65535);
    for i in 0..24_000u32 {
        let frame = udp_frame(
            [10, 1, 0, 1],
            4000 + (i % 50) as u16,
            [10, 9, 9, 9],
            53,
            &[],
        );
        let ts = Timestamp::new(1_700_000_000 + i64::from(i / 100), (i % 100) * 1000);
        b.epb(0, ts, frame.len() as u32, &frame);
        if i % 5000 == 2500 {
            // An unknown interface; a captured length beyond the block.
            b.epb_raw(7, 0, 4, 4, b"abcd");
            b.epb_raw(0, 0, 9000, 9000, &frame);
        }
    }
    let bytes = b.build();
    assert!(
        bytes.len() > 2 << 20,
        "{}: too small to hash ahead",
        bytes.len()
    );
    std::fs::write(&file, &bytes).expect("write");
    let db = dir.path().join("x.db");
    let (f, d) = (file.to_str().expect("utf-8"), db.to_str().expect("utf-8"));
    let err = ok(&["index", "--db", d, f]);
    assert!(err.contains("10 damaged records"), "{err}");

    // Every record's digest, read here inline.
    let reader = CaptureReader::from_bytes(bytes.clone(), "big.pcapng").expect("open");
    let mut want = std::collections::BTreeMap::new();
    for rec in reader.records().expect("in memory").filter_map(Result::ok) {
        want.insert(
            rec.offset,
            u64::from(xxhash_rust::xxh3::xxh3_64(rec.raw) as u16),
        );
    }
    assert_eq!(want.len(), 24_000);
    let conn = read_only(&db);
    let mut got = std::collections::BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT locations FROM session_locations")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .expect("query");
    for blob in rows {
        let blob = blob.expect("row");
        let mut it = LocationIter::new(&blob);
        for loc in it.by_ref() {
            got.insert(loc.offset, loc.digest);
        }
        assert_eq!(it.error_position(), None);
    }
    assert_eq!(got, want);
    drop(stmt);
    drop(conn);

    // Re-indexing hashes the file inline: the same content hash.
    let err = ok(&["index", "--db", d, f]);
    assert!(err.contains("already indexed"), "{err}");
    // A byte after the damaged blocks changed is noticed.
    let mut changed = bytes;
    let at = changed.len() * 3 / 4;
    changed[at] ^= 0x01;
    std::fs::write(&file, &changed).expect("write");
    let err = fails(&["index", "--db", d, f]);
    assert!(err.contains("content differs"), "{err}");
}
