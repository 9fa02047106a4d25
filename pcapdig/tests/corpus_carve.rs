//! Corpus check: for classic-pcap Ethernet captures, every tcp/udp stream
//! tshark lists in `expected/NAME.streams.tsv` is carved as exactly its
//! frames (frame numbers mapped to offsets through `NAME.offsets.tsv`).
//!
//! Known differences from tshark, hence the choice of files: tshark's
//! `udp.stream` never times out (pcapdig ends a UDP flow after 60 s idle),
//! tshark puts ICMP errors quoting a UDP/TCP header into that stream
//! (pcapdig counts them as ICMP sessions), and IP fragments after the first
//! have no ports (tshark's reassembly assigns them to the stream).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pcap_core::capture::CaptureReader;

const FILES: &[&str] = &[
    "http-simple-get.pcap",
    "dns-udp.pcap",
    "dns-tcp.pcap",
    "get-to-ssh-server.pcap",
    "get-to-ssh-server.be-nsec.pcap",
    "http-vlan-0.pcap",
    "http-qinq-0.pcap",
    "http_chunk.pcap",
    "option-sack.pcap",
    "10.7.29.101_49898-178.63.41.150_25.pcap",
];

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PCAP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    dir.join("expected").is_dir().then_some(dir)
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapdig"))
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "pcapdig {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn records(path: &Path) -> HashMap<u64, Vec<u8>> {
    let mut r = CaptureReader::open(path).expect("open");
    let mut map = HashMap::new();
    loop {
        match r.next_record() {
            Ok(Some(rec)) => {
                map.insert(rec.offset, rec.raw.to_vec());
            }
            Ok(None) => break,
            Err(_) => continue,
        }
    }
    map
}

fn ordered(path: &Path) -> Vec<Vec<u8>> {
    let mut r = CaptureReader::open(path).expect("open");
    let mut v = Vec::new();
    while let Some(rec) = r.next_record().expect("record") {
        v.push(rec.raw.to_vec());
    }
    v
}

#[test]
fn carved_streams_match_tshark() {
    let Some(dir) = corpus() else {
        eprintln!("corpus not found (set PCAP_CORPUS); skipping");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut checked = 0;
    for name in FILES {
        let pcap = dir.join("pcap").join(name);
        let streams = dir.join("expected").join(format!("{name}.streams.tsv"));
        let offsets = dir.join("expected").join(format!("{name}.offsets.tsv"));
        let (Ok(streams), Ok(offsets)) = (
            std::fs::read_to_string(&streams),
            std::fs::read_to_string(&offsets),
        ) else {
            eprintln!("{name}: no expected files, skipped");
            continue;
        };
        let frame_offset: HashMap<u64, u64> = offsets
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
            })
            .collect();
        let db = tmp.path().join(format!("{name}.db"));
        let db = db.to_str().expect("utf-8");
        run(&["index", "--db", db, pcap.to_str().expect("utf-8")]);
        let sessions: Vec<serde_json::Value> = run(&["sessions", "--db", db, "--json"])
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let originals = records(&pcap);
        for line in streams.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (proto, src, sport, dst, dport, frames) =
                (cols[0], cols[3], cols[4], cols[5], cols[6], cols[12]);
            let want: Vec<Vec<u8>> = frames
                .split(',')
                .map(|f| {
                    let n: u64 = f.parse().expect("frame number");
                    originals[&frame_offset[&n]].clone()
                })
                .collect();
            let ends = |s: &serde_json::Value, a: &str, p: &str| {
                (s["src"] == a && s["sport"].as_u64() == p.parse().ok())
                    || (s["dst"] == a && s["dport"].as_u64() == p.parse().ok())
            };
            let cands: Vec<&serde_json::Value> = sessions
                .iter()
                .filter(|s| s["proto_name"] == proto && ends(s, src, sport) && ends(s, dst, dport))
                .collect();
            let mut found = false;
            for s in &cands {
                let id = s["id"].to_string();
                let out = tmp.path().join(format!("{name}.{id}.pcap"));
                run(&["carve", "--db", db, &id, "-o", out.to_str().expect("utf-8")]);
                let got = ordered(&out);
                if got.first() == want.first() {
                    assert_eq!(
                        got.len(),
                        want.len(),
                        "{name}: {line}: session {id} has other frames"
                    );
                    assert!(got == want, "{name}: {line}: session {id} differs");
                    found = true;
                    checked += 1;
                    break;
                }
            }
            assert!(found, "{name}: no session for stream {line}");
        }
    }
    eprintln!("checked {checked} streams");
    assert!(checked > 0);
}
