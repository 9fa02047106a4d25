//! IP fragments in the flow table, on the corpus's fragmented captures.
//!
//! Packets are read with the `protocols` dissector configured as `index`
//! configures it, and pushed into a [`FlowTable`]; the sessions are then
//! compared with tshark's TCP/UDP streams (reassembly on): each session
//! holds the frames tshark lists for its stream, plus every fragment of
//! the datagrams those frames complete.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;

use pcap_core::capture::CaptureReader;
use pcap_core::filter::Needs;
use pcap_core::flow::{FlowTable, Location, PacketSummary, Session};
use pcap_tests::corpus::{self, Table};
use protocols::{Config, Dissector};

/// A capture's packets: frame number (1-based) → summary, and the
/// finished sessions with their frames.
struct Indexed {
    summaries: BTreeMap<u64, PacketSummary>,
    sessions: Vec<(Session, BTreeSet<u64>)>,
}

fn index(path: &Path) -> Indexed {
    let dissector = Dissector::new(Config::for_needs(Needs::FLOW));
    let reader = CaptureReader::open(path).unwrap();
    let mut records = reader.records().expect("a file in memory");
    let mut table = FlowTable::new();
    let mut summaries = BTreeMap::new();
    let mut frame_of = BTreeMap::new();
    let mut frame = 0;
    while let Some(rec) = records.next_record().unwrap() {
        frame += 1;
        let mut s = dissector.dissect(rec.linktype, rec.data).summary;
        s.wire_len = rec.origlen;
        let ts = rec.ts;
        table.push(&s, ts, Location::new(0, rec.offset));
        summaries.insert(frame, s);
        frame_of.insert(rec.offset, frame);
    }
    table.finish_all();
    let sessions = table
        .drain_finished()
        .map(|s| {
            let frames = s.locations.iter().map(|l| frame_of[&l.offset]).collect();
            (s, frames)
        })
        .collect();
    Indexed {
        summaries,
        sessions,
    }
}

/// The datagram a fragment belongs to.
fn datagram(s: &PacketSummary) -> Option<(IpAddr, IpAddr, u8, u32)> {
    let ip = s.ip?;
    s.is_fragment
        .then_some((ip.src, ip.dst, s.protocol, s.ip_id))
}

fn frames(list: &str) -> BTreeSet<u64> {
    list.split(',').filter_map(|f| f.parse().ok()).collect()
}

/// Our session for each tshark stream (reassembly on) holds exactly the
/// stream's frames plus the other fragments of the datagrams among them;
/// the only sessions without ports are of fragments whose datagram's
/// first fragment is not in the file.
fn check_against_tshark(dir: &Path, name: &str) -> Indexed {
    let got = index(&dir.join("pcap").join(name));
    let streams = Table::read(dir.join("expected").join(format!("{name}.streams.tsv"))).unwrap();
    let mut members: BTreeMap<(IpAddr, IpAddr, u8, u32), BTreeSet<u64>> = BTreeMap::new();
    for (&f, s) in &got.summaries {
        if let Some(d) = datagram(s) {
            members.entry(d).or_default().insert(f);
        }
    }
    let mut matched = BTreeSet::new();
    for row in streams.rows() {
        let listed = frames(row.get("frames").unwrap());
        let mut want = listed.clone();
        for f in &listed {
            if let Some(d) = datagram(&got.summaries[f]) {
                want.extend(&members[&d]);
            }
        }
        let first = listed.first().unwrap();
        let (i, (session, have)) = got
            .sessions
            .iter()
            .enumerate()
            .find(|(_, (_, have))| have.contains(first))
            .unwrap_or_else(|| panic!("{name}: frame {first} in no session"));
        assert_eq!(have, &want, "{name}: stream {}", row.get("stream").unwrap());
        assert!(session.key.has_ports, "{name}: {session:?}");
        let sport: u16 = row.num("sport").unwrap();
        assert!(
            session.client.port == sport || session.server.port == sport,
            "{name}: {session:?}"
        );
        // Packet counts include the fragments.
        assert_eq!(session.packets(), want.len() as u64);
        matched.insert(i);
    }
    for (i, (session, have)) in got.sessions.iter().enumerate() {
        if matched.contains(&i) || session.key.has_ports {
            continue;
        }
        // A port-less session: only fragments whose first fragment never
        // came.
        for f in have {
            let s = &got.summaries[f];
            assert!(s.is_non_first_fragment(), "{name}: frame {f} {s:?}");
            let d = datagram(s).unwrap();
            assert!(
                members[&d]
                    .iter()
                    .all(|g| got.summaries[g].frag_offset != 0),
                "{name}: frame {f} has a first fragment but was not attached"
            );
        }
    }
    got
}

#[test]
fn socks5_http_fragments_form_one_session() {
    let Some(dir) = corpus::find() else { return };
    let got = check_against_tshark(&dir, "socks5-http-302-frag.pcap");
    // tshark's one stream (14 frames listed, the others fragments of the
    // datagrams they complete): all 72 frames, and nothing else.
    assert_eq!(got.sessions.len(), 1, "no port-0 session remains");
    let (session, have) = &got.sessions[0];
    assert_eq!(have.len(), 72);
    assert_eq!(have, &(1..=72).collect::<BTreeSet<u64>>());
    assert_eq!((session.client.port, session.server.port), (1637, 21477));
    assert_eq!(session.locations.len(), 72);
    // In order here: every fragment came after its first fragment.
    let offsets: Vec<u64> = session.locations.iter().map(|l| l.offset).collect();
    assert!(offsets.is_sorted());
}

#[test]
fn fragmented_captures_match_tshark_streams() {
    let Some(dir) = corpus::find() else { return };
    for name in [
        "fragmented-1.pcap",
        "fragmented-4.pcap",
        "socks5-http-302-frag.pcap",
        "ipv6-fragmented-dns.pcap",
    ] {
        check_against_tshark(&dir, name);
    }
    // fragmented-4: the TCP datagram arrives first fragment, then offsets
    // 6, 9, 3: all in the stream's session.
    let got = index(&dir.join("pcap").join("fragmented-4.pcap"));
    let with_2: Vec<&BTreeSet<u64>> = got
        .sessions
        .iter()
        .map(|(_, f)| f)
        .filter(|f| f.contains(&2))
        .collect();
    assert_eq!(with_2, vec![&frames("2,3,4,5,6")]);
    // ipv6-fragmented-dns: frame 4 is the last fragment of a datagram whose
    // other fragments are not in the file: its own port-less session.
    let got = index(&dir.join("pcap").join("ipv6-fragmented-dns.pcap"));
    let alone: Vec<&Session> = got
        .sessions
        .iter()
        .filter(|(_, f)| f == &frames("4"))
        .map(|(s, _)| s)
        .collect();
    assert_eq!(alone.len(), 1);
    assert!(!alone[0].key.has_ports);
}

/// ICMP (no tshark streams): the echo request's second fragment joins it,
/// and the reply too.
#[test]
fn icmp_fragments_join_the_echo_session() {
    let Some(dir) = corpus::find() else { return };
    let got = index(&dir.join("pcap").join("ipv4frags.pcap"));
    assert_eq!(got.sessions.len(), 1);
    let (session, have) = &got.sessions[0];
    assert_eq!(have, &frames("1,2,3"));
    assert_eq!((session.client.port, session.server.port), (8, 0));
    assert_eq!(
        (session.to_server.packets, session.to_client.packets),
        (2, 1)
    );
}
