//! One session in detail: its packets as `pcapdig show` prints the
//! carved capture, where each is in the indexed files, and its TCP
//! payload reassembled as `pcapdig carve --payload` writes it.

use std::collections::HashMap;

use pcap_core::capture::CaptureReader;
use protocols::{Config, Dissector};

use super::carving::{self, Carved};
use super::error::ApiError;
use crate::sessions::Row;
use crate::store::follow::Follow;
use crate::store::{SessionRow, SessionStore};

/// One packet of a session.
#[derive(Debug, serde::Serialize)]
pub(crate) struct PacketInfo {
    /// 1, 2, ... in the session (as `show` numbers the carved capture).
    pub(crate) number: u64,
    /// Its time, ISO 8601 UTC.
    pub(crate) time: String,
    /// Its time, epoch seconds with 9 decimals.
    pub(crate) ts: String,
    /// Captured bytes.
    pub(crate) caplen: u32,
    /// Bytes on the wire.
    pub(crate) length: u32,
    /// The indexed file it is in.
    pub(crate) file: String,
    /// The offset of its record (pcap) or block (pcapng) in that file.
    pub(crate) offset: u64,
    /// One line: its layers, endpoints, TCP flags and payload length.
    pub(crate) summary: String,
    /// The lines `pcapdig show` prints for it in the carved capture.
    pub(crate) show: String,
}

/// One direction of a TCP session's payload.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Side {
    /// Reassembled bytes.
    pub(crate) bytes: u64,
    /// Missing stretches: `[stream offset, length]`.
    pub(crate) gaps: Vec<[u64; 2]>,
}

/// A TCP session's payload both ways.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Payload {
    /// From the initiator.
    pub(crate) client: Side,
    /// From the responder.
    pub(crate) server: Side,
}

/// The body of `GET /api/sessions/ID`.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Detail {
    /// The `sessions --json` object.
    pub(crate) session: Row,
    /// Its packets (at most the server's cap; see `packets_total`).
    pub(crate) packets: Vec<PacketInfo>,
    /// How many packets the session has.
    pub(crate) packets_total: u64,
    /// The reassembled payload's sizes and gaps (TCP sessions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) payload: Option<Payload>,
}

/// The session `id` and its capture, carved in memory; 404 if unknown,
/// 413 above the byte caps. Classic pcap as `carve -o -` writes it, or
/// pcapng for a session whose packets have several link types (which
/// classic pcap cannot hold).
fn carve_one(
    store: &SessionStore,
    id: i64,
    limits: &super::Limits,
) -> Result<(SessionRow, Vec<u8>), ApiError> {
    let session = store
        .session(id)
        .map_err(ApiError::store)?
        .ok_or_else(|| ApiError::not_found(format!("no session {id}")))?;
    carving::check_caps(limits, 1, session.bytes)?;
    if session.bytes > limits.max_detail_bytes {
        return Err(ApiError::too_large(format!(
            "session {id} holds {} bytes, above the {} the server shows in detail: download \
             its pcap",
            session.bytes, limits.max_detail_bytes
        )));
    }
    let estimate = carving::estimate(session.bytes, session.packets);
    let carved = match carving::carve(store, &[id], None, estimate) {
        Err(e)
            if e.status == axum::http::StatusCode::CONFLICT
                && e.message.contains("--format pcapng") =>
        {
            carving::carve(
                store,
                &[id],
                Some(crate::store::OutFormat::Pcapng),
                estimate,
            )?
        }
        other => other?,
    };
    // Held in memory whatever its size: the caps bound it.
    let bytes = match carved {
        Carved::Memory(b) => b,
        Carved::File(mut f, len) => {
            use std::io::Read;
            let mut b = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            f.read_to_end(&mut b)
                .map_err(|e| ApiError::internal(format!("temporary file: {e}")))?;
            b
        }
    };
    Ok((session, bytes))
}

/// The reassembly of a TCP session (`None` for another protocol).
fn follower(session: &SessionRow) -> Option<Follow> {
    (session.proto == 6).then(|| {
        Follow::new(
            crate::store::rows::ip_to_blob(session.src).to_vec(),
            session.sport,
        )
    })
}

fn reader(id: i64, capture: Vec<u8>) -> Result<CaptureReader, ApiError> {
    CaptureReader::from_bytes(capture, &format!("session-{id}.pcap"))
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// `GET /api/sessions/ID`.
pub(crate) fn detail(
    store: &SessionStore,
    id: i64,
    ctx: &crate::Context,
    limits: &super::Limits,
) -> Result<Detail, ApiError> {
    let (session, capture) = carve_one(store, id, limits)?;
    let locations = store
        .packet_locations(id)
        .map_err(ApiError::store)?
        .unwrap_or_default();
    let mut paths: HashMap<i64, String> = HashMap::new();
    for f in &session.files {
        let path = match &f.path {
            Some(p) => p.to_string_lossy().into_owned(),
            None => format!("#{}", f.id),
        };
        paths.insert(f.id, path);
    }
    // One pass: each packet rendered as `show` prints it and fed to the
    // reassembly as `carve --payload` feeds it (with its own minimal
    // dissection, so the streams are the same).
    let mut follow = follower(&session);
    let minimal = crate::store::index::minimal_dissector();
    let dissector = Dissector::with_registry(Config::all(), ctx.registry.clone());
    let opts = crate::show::Options::default();
    let mut reader = reader(id, capture)?;
    let mut packets = Vec::new();
    let mut number = 0u64;
    while let Some(rec) = reader
        .next_record()
        .map_err(|e| ApiError::internal(e.to_string()))?
    {
        number += 1;
        if let Some(f) = follow.as_mut() {
            f.packet(&minimal, rec.linktype, rec.data);
        }
        if packets.len() >= limits.max_packets {
            continue;
        }
        let d = dissector.dissect_record(&rec);
        let mut show = String::new();
        crate::show::render(&mut show, number, &rec, &d, &dissector, &opts);
        let (file, offset) = match locations.get(packets.len()) {
            Some(&(fid, off)) => (
                paths
                    .get(&fid)
                    .cloned()
                    .unwrap_or_else(|| format!("#{fid}")),
                off,
            ),
            None => (String::new(), 0),
        };
        let ns = crate::store::schema::ts_to_ns(rec.ts.secs, rec.ts.nanos);
        packets.push(PacketInfo {
            number,
            time: crate::sessions::iso8601(ns),
            ts: crate::store::schema::ns_to_string(ns),
            caplen: rec.caplen,
            length: rec.origlen,
            file,
            offset,
            summary: summary(&d),
            show,
        });
    }
    let payload = follow.map(|mut f| {
        f.pair.finish();
        let side = |s: &pcap_core::flow::StreamReassembler| Side {
            bytes: s.data().len() as u64,
            gaps: s.gaps().iter().map(|g| [g.offset, g.len]).collect(),
        };
        Payload {
            client: side(&f.pair.client),
            server: side(&f.pair.server),
        }
    });
    Ok(Detail {
        session: Row::from(session),
        packets,
        packets_total: number,
        payload,
    })
}

/// One side's reassembled TCP payload, as `carve --payload` writes
/// `ID.client` or `ID.server`; 404 if the session is unknown or not TCP.
pub(crate) fn payload(
    store: &SessionStore,
    id: i64,
    client: bool,
    limits: &super::Limits,
) -> Result<Vec<u8>, ApiError> {
    let (session, capture) = carve_one(store, id, limits)?;
    let Some(mut follow) = follower(&session) else {
        return Err(ApiError::not_found(format!(
            "session {id} is not TCP; it has no payload to follow"
        )));
    };
    let dissector = crate::store::index::minimal_dissector();
    let mut reader = reader(id, capture)?;
    while let Some(rec) = reader
        .next_record()
        .map_err(|e| ApiError::internal(e.to_string()))?
    {
        follow.packet(&dissector, rec.linktype, rec.data);
    }
    follow.pair.finish();
    let mut pair = follow.pair;
    Ok(if client {
        pair.client.take_data()
    } else {
        pair.server.take_data()
    })
}

/// A packet in one line: `eth:ip:tcp 10.0.0.1:1234 > 10.0.0.2:80 [SYN] len=0`.
fn summary(d: &protocols::Dissection<'_>) -> String {
    let names: Vec<&str> = d.layers.iter().map(|l| l.kind.name()).collect();
    let mut line = names.join(":");
    let s = &d.summary;
    if let Some(ip) = s.ip {
        let ep = |a: std::net::IpAddr, p: u16| match (a, s.has_l4 && (s.sport | s.dport) != 0) {
            (std::net::IpAddr::V6(_), true) => format!("[{a}]:{p}"),
            (_, true) => format!("{a}:{p}"),
            (_, false) => a.to_string(),
        };
        line.push_str(&format!(
            " {} > {}",
            ep(ip.src, s.sport),
            ep(ip.dst, s.dport)
        ));
        if s.protocol == 6 && s.has_l4 {
            line.push_str(&format!(" [{}]", s.tcp_flags));
        }
        if s.has_l4 {
            line.push_str(&format!(" len={}", s.payload_len));
        }
        if s.is_fragment {
            line.push_str(&format!(
                " fragment offset={}",
                usize::from(s.frag_offset) * 8
            ));
        }
    }
    if let Some(e) = &d.error {
        line.push_str(&format!(" malformed {}: {}", e.layer, e.error));
    }
    line
}
