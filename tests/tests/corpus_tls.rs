//! The TLS layer (`protocols::tls`) against both corpora (`../shared/corpus`
//! and its `app/` part, or `$PCAP_CORPUS`): every TCP payload of every
//! capture is read with a per-connection [`Session`], as tshark 4.0 reads
//! it with TCP reassembly off, and its `tls.*` columns are compared with
//! `app/expected/NAME.app.noreasm.tsv`; the JA4 of each session's first
//! ClientHello is compared with `app/expected/NAME.ja4.tsv`.
//!
//! Which conversations are TLS is decided by [`tls::Conversations`] as
//! tshark decides it: the usual TLS ports, or from the first payload that
//! passes its heuristic ([`tls::looks_like_tls`]; STARTTLS too). UDP
//! datagrams go to its QUIC flows: the ClientHello/ServerHello of QUIC v1
//! Initial packets, decrypted, give the same columns.

use std::collections::HashMap;
use std::net::IpAddr;

use pcap_core::capture::CaptureReader;
use pcap_tests::corpus;
use protocols::tls::{self, Handshake, Hello, Transport};
use protocols::{Config, Dissection, Dissector};

/// The columns compared (tshark 4.0 has no `tls.handshake.ja4`).
const COLUMNS: usize = 10;

/// (capture, reason): captures whose frames without a TCP segment we
/// knowingly show differently from tshark (every TCP frame must match).
/// (QUIC Initial packets, e.g. `tls-sni.pcapng`'s 20 sessions, are read
/// by [`tls::Conversations`] too, and match.)
const KNOWN_NON_TCP: &[(&str, &str)] = &[];

fn known(name: &str, tcp: bool) -> bool {
    !tcp && KNOWN_NON_TCP.iter().any(|(c, _)| *c == name)
}

/// tshark's cells of `names` in `row` (empty when the frame has no row).
fn row_cells(row: Option<&corpus::Row<'_>>, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| row.and_then(|r| r.get(n)).unwrap_or("").to_owned())
        .collect()
}

#[test]
fn tls_columns_match_tshark() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        return;
    };
    let dissector = Dissector::new(Config::all());
    let names = &tls::columns::NAMES[..COLUMNS];
    let (mut cells, mut same, mut tls_cells, mut tls_same) = (0usize, 0usize, 0usize, 0usize);
    let mut known_cells = 0usize;
    // UDP frames whose handshake columns tshark fills and we match (QUIC).
    let mut quic_hellos = 0usize;
    let mut mismatches: Vec<String> = Vec::new();
    let mut captures = 0;
    let mut read_gz = false;
    for (path, name, frames) in corpus::all_captures(&dir, &app) {
        let Some(mut reader) = CaptureReader::open(&path).ok() else {
            continue;
        };
        captures += 1;
        read_gz |= name.ends_with(".gz");
        let expected = corpus::app_noreasm(&app, &name).unwrap_or_default();
        let rows = expected.keyed_by("frame.number");
        let mut conversations = tls::Conversations::new();
        let mut n = 0;
        loop {
            let rec = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(_) => continue,
            };
            n += 1;
            let frame = frames.get(&rec.offset).copied().unwrap_or(n);
            let d = dissector.dissect_record(&rec);
            let tcp = d.summary.protocol == 6 && d.summary.has_l4;
            let ours = conversations.packet(&d);
            let got = ours.cells();
            let row = rows.get(&frame);
            let udp = d.summary.protocol == 17 && d.summary.has_l4;
            let theirs_type = row.and_then(|r| r.get("tls.handshake.type")).unwrap_or("");
            if udp && !theirs_type.is_empty() && got[..COLUMNS] == *row_cells(row, names) {
                quic_hellos += 1;
            }
            for (i, col) in names.iter().enumerate() {
                let theirs = row.and_then(|r| r.get(col)).unwrap_or("");
                let mine = got[i].as_str();
                cells += 1;
                if !theirs.is_empty() || !mine.is_empty() {
                    tls_cells += 1;
                }
                if mine == theirs {
                    same += 1;
                    if !theirs.is_empty() {
                        tls_same += 1;
                    }
                } else if known(&name, tcp) {
                    known_cells += 1;
                } else {
                    mismatches.push(format!(
                        "{name} frame {frame} {col}: ours {mine:?} tshark {theirs:?}"
                    ));
                }
            }
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    eprintln!(
        "tls columns: {captures} captures, {same}/{cells} cells identical ({:.3}%); \
         cells where either side has a value: {tls_same}/{tls_cells} identical ({:.3}%); \
         {known_cells} cells in the known list; {} unexplained",
        pct(same, cells),
        pct(tls_same, tls_cells),
        mismatches.len()
    );
    for m in mismatches.iter().take(60) {
        eprintln!("    {m}");
    }
    assert!(captures > 90, "only {captures} captures read");
    eprintln!("QUIC Initial packets with a TLS hello, every column identical: {quic_hellos}");
    assert!(
        quic_hellos >= 20,
        "tls-sni.pcapng's 20 QUIC ClientHellos were not all read"
    );
    assert!(read_gz, "the .pcap.gz capture was not read");
    assert!(
        mismatches.is_empty(),
        "tls.* cells differ from tshark (see above)"
    );
}

/// An address and port.
type Endpoint = (IpAddr, u16);

/// A TCP segment: addresses, ports, sequence number, payload (as far as
/// the IP length says and the capture holds).
struct Segment<'a> {
    src: Endpoint,
    dst: Endpoint,
    seq: u32,
    payload: &'a [u8],
}

fn segment<'a>(data: &'a [u8], d: &Dissection<'a>) -> Option<Segment<'a>> {
    let hit = d.tcp.last().filter(|h| !h.quoted)?;
    let ip = d.summary.ip?;
    let hlen = usize::from(*hit.header.data_offset.value()?) * 4;
    let mut payload = data.get(hit.offset + hlen..)?;
    if let Some(n) = hit.payload_len {
        payload = payload.get(..n).unwrap_or(payload);
    }
    Some(Segment {
        src: (ip.src, d.summary.sport),
        dst: (ip.dst, d.summary.dport),
        seq: *hit.header.seq_num.value()?,
        payload,
    })
}

/// One direction of a TCP connection, joined in sequence order (enough to
/// hold the first ClientHello; retransmissions and out-of-order segments
/// are skipped).
#[derive(Default)]
struct Stream {
    next: Option<u32>,
    bytes: Vec<u8>,
}

#[test]
fn ja4_matches_the_ja4_authors() {
    let Some(dir) = corpus::find() else { return };
    let Some(app) = corpus::app_dir(&dir) else {
        return;
    };
    let dissector = Dissector::new(Config::all());
    let (mut compared, mut failures) = (0, Vec::new());
    for name in corpus::captures(&app) {
        let Some(expected) = corpus::app_ja4(&app, &name) else {
            continue;
        };
        let Some(mut reader) = CaptureReader::open(app.join("pcap").join(&name)).ok() else {
            panic!("cannot read {name}");
        };
        let mut streams: HashMap<String, Stream> = HashMap::new();
        while let Ok(Some(rec)) = reader.next_record() {
            let d = dissector.dissect_record(&rec);
            let Some(s) = segment(rec.data, &d).filter(|s| !s.payload.is_empty()) else {
                continue;
            };
            let key = format!("{}\t{}\t{}\t{}", s.src.0, s.src.1, s.dst.0, s.dst.1);
            let st = streams.entry(key).or_default();
            if st.next.is_none_or(|n| n == s.seq) && st.bytes.len() < 1 << 18 {
                st.bytes.extend_from_slice(s.payload);
                st.next = Some(s.seq.wrapping_add(s.payload.len() as u32));
            }
        }
        for row in expected.rows() {
            let cell = |c: &str| row.get(c).unwrap_or_default().to_owned();
            let key = [cell("src"), cell("sport"), cell("dst"), cell("dport")].join("\t");
            let msg = streams
                .get(&key)
                .and_then(|st| tls::first_handshake_message(&st.bytes));
            let hello = msg.as_deref().and_then(|m| {
                let (h, _) = Handshake::parse(m)?;
                Hello::parse(&h).ok()
            });
            compared += 1;
            let (ja4, raw) = hello
                .map(|h| (h.ja4(), h.ja4_raw(Transport::Tcp)))
                .unwrap_or_default();
            if ja4 != cell("ja4") || raw != cell("ja4_r") {
                failures.push(format!(
                    "{name} stream {}: ours {ja4} {raw}\n      theirs {} {}",
                    cell("stream"),
                    cell("ja4"),
                    cell("ja4_r")
                ));
            }
        }
    }
    eprintln!(
        "ja4: {}/{compared} sessions identical to NAME.ja4.tsv",
        compared - failures.len()
    );
    for f in &failures {
        eprintln!("    {f}");
    }
    assert!(compared >= 60, "only {compared} JA4 rows compared");
    assert!(failures.is_empty(), "JA4 differs (see above)");
}
