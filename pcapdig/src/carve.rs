//! `pcapdig carve`: write indexed sessions back out as classic pcap,
//! reading only their records.
//!
//! * Packets of all given sessions are merged in capture order: file order
//!   (the order files were indexed), then offset; a packet in two given
//!   sessions is written once.
//! * Classic pcap sources: each record is read at its stored offset (the
//!   file header, then just that record, from the memory map, with
//!   `CaptureReader::record_at`) and copied byte for byte (`Record::raw`). The output has the link
//!   type, snaplen, byte order and timestamp precision of the first file;
//!   a record from a file of another encoding is re-encoded (same
//!   timestamp, lengths and bytes).
//! * pcapng sources: written as classic pcap records (in the byte order
//!   of the file's first section), with the link type of the first packet
//!   written and the file's precision (nanoseconds if any timestamp in the
//!   file had sub-microsecond digits, else microseconds): same timestamp,
//!   lengths and packet bytes, not the pcapng block. A pcapng block's
//!   interface is known only from the blocks before it, so the index keeps
//!   where each file's section headers and interface descriptions are
//!   (`files.context`); carve reads those few blocks again, then each
//!   record at its offset (`CaptureReader::record_at_with`). A file with
//!   more than 65,536 of them has no saved context and is walked block by
//!   block through the memory map instead, without dissecting anything.
//! * Checks: before reading a file, its size and content hash must match
//!   the index (else carve refuses, naming the file); each record at a
//!   stored offset must parse, have the file's link type, and a timestamp
//!   inside the session's first..last time. A file that moved can be found
//!   by name in `--search-path` directories.
//! * `--payload DIR`: instead of (or besides, with `-o`) the pcap, writes
//!   `DIR/ID.client` and `DIR/ID.server`, the reassembled TCP byte streams
//!   of each TCP session, and reports gaps on stderr.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pcap_core::Endian;
use pcap_core::capture::{
    CaptureReader, Format, LinkType, PcapEncoding, PcapWriter, Precision, Record, WriterConfig,
};
use pcap_core::flow::{Locations, TcpStreamPair};

use crate::db;

/// Arguments of `pcapdig carve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The index database.
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// Session ids (from `pcapdig sessions`).
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// Output pcap file.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Directories where to look for moved capture files, by file name.
    #[arg(long = "search-path")]
    pub search_path: Vec<PathBuf>,
    /// Write the reassembled TCP streams of each session into this
    /// directory (ID.client, ID.server).
    #[arg(long)]
    pub payload: Option<PathBuf>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

struct FileInfo {
    path: String,
    name: String,
    size: i64,
    hash: String,
    format: String,
    linktype: Option<i64>,
    precision: Option<String>,
    endian: Option<String>,
    /// pcapng: the `files.context` blob (see [`db`]).
    context: Option<Vec<u8>>,
}

struct SessionInfo {
    id: i64,
    proto: u8,
    first_ts: i64,
    last_ts: i64,
    src_ip: Vec<u8>,
    sport: u16,
    locations: Locations,
}

/// A record read back, owned.
struct Packet {
    ts_secs: i64,
    ts_nanos: u32,
    origlen: u32,
    linktype: LinkType,
    data: Vec<u8>,
    raw: Vec<u8>,
    /// Classic pcap encoding of `raw`, if it is a classic record.
    encoding: Option<PcapEncoding>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> crate::CliResult {
    if args.output.is_none() && args.payload.is_none() {
        return Err("give -o OUT.pcap and/or --payload DIR".into());
    }
    let conn = db::open(&args.db, false)?;
    let mut sessions = Vec::new();
    for &id in &args.ids {
        let row = conn.query_row(
            "SELECT s.proto, s.first_ts, s.last_ts, s.src_ip, s.sport, l.locations
             FROM sessions s JOIN session_locations l ON l.session_id = s.id WHERE s.id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, u8>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, u16>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                ))
            },
        );
        let (proto, first_ts, last_ts, src_ip, sport, locs) = match row {
            Ok(r) => r,
            Err(rusqlite::Error::QueryReturnedNoRows) => {
                return Err(format!("no session {id} in {}", args.db.display()).into());
            }
            Err(e) => return Err(e.into()),
        };
        let locations = Locations::from_bytes(locs)
            .map_err(|e| format!("session {id}: damaged location list in the index: {e}"))?;
        sessions.push(SessionInfo {
            id,
            proto,
            first_ts,
            last_ts,
            src_ip,
            sport,
            locations,
        });
    }

    // Wanted (file id -> offset -> sessions it belongs to).
    let mut wanted: BTreeMap<u32, BTreeMap<u64, Vec<usize>>> = BTreeMap::new();
    for (i, s) in sessions.iter().enumerate() {
        for loc in s.locations.iter() {
            wanted
                .entry(loc.file_index)
                .or_default()
                .entry(loc.offset)
                .or_default()
                .push(i);
        }
    }

    let mut files = HashMap::new();
    for &fid in wanted.keys() {
        let info = conn
            .query_row(
                "SELECT path, name, size, content_hash, format, linktype, precision, endian, context
                 FROM files WHERE id = ?1",
                [fid],
                |r| {
                    Ok(FileInfo {
                        path: r.get(0)?,
                        name: r.get(1)?,
                        size: r.get(2)?,
                        hash: r.get(3)?,
                        format: r.get(4)?,
                        linktype: r.get(5)?,
                        precision: r.get(6)?,
                        endian: r.get(7)?,
                        context: r.get(8)?,
                    })
                },
            )
            .map_err(|e| format!("file #{fid} of the index: {e}"))?;
        files.insert(fid, info);
    }

    // Output configuration from the first file.
    let mut writer = None;
    if let Some(out) = &args.output {
        let first = wanted.keys().next().and_then(|f| files.get(f));
        let config = match first {
            Some(f) => WriterConfig {
                encoding: PcapEncoding {
                    endian: if f.endian.as_deref() == Some("big") {
                        Endian::Big
                    } else {
                        Endian::Little
                    },
                    precision: if f.precision.as_deref() == Some("nano") {
                        Precision::Nano
                    } else {
                        Precision::Micro
                    },
                },
                linktype: LinkType(f.linktype.and_then(|l| u16::try_from(l).ok()).unwrap_or(1)),
                snaplen: 262_144,
            },
            None => WriterConfig::default(),
        };
        // A classic pcap first file: its own header fields (snaplen too).
        let config = match first.filter(|f| f.format == "pcap") {
            Some(f) => match locate(f, &args.search_path).map(CaptureReader::open) {
                Ok(Ok(r)) => match r.format() {
                    Format::Pcap(h) => WriterConfig::like(&h),
                    Format::Pcapng(_) => config,
                },
                _ => config,
            },
            None => config,
        };
        // A pcapng source: the link type of the first packet written.
        let lazy_linktype = first.is_some_and(|f| f.format != "pcap");
        writer = Some((None, config, lazy_linktype, out.clone()));
    }
    let mut streams: Vec<Option<TcpStreamPair>> = sessions
        .iter()
        .map(|s| (args.payload.is_some() && s.proto == 6).then(TcpStreamPair::new))
        .collect();

    let mut written = 0u64;
    let dissector = crate::index::minimal_dissector();
    for (fid, offsets) in &wanted {
        let info = &files[fid];
        let path = locate(info, &args.search_path)?;
        let mut each = |offset: u64, pkt: Packet| -> Result<(), Error> {
            let owners = &offsets[&offset];
            for &i in owners {
                let s = &sessions[i];
                let ns = db::ts_to_ns(pkt.ts_secs, pkt.ts_nanos);
                if ns < s.first_ts || ns > s.last_ts {
                    return Err(format!(
                        "{}: the record at offset {offset} has time {} outside session {} ({}..{}): \
                         the file does not match the index",
                        path.display(),
                        db::ns_to_string(ns),
                        s.id,
                        db::ns_to_string(s.first_ts),
                        db::ns_to_string(s.last_ts)
                    )
                    .into());
                }
                if info.format == "pcap"
                    && let Some(lt) = info.linktype
                    && i64::from(pkt.linktype.0) != lt
                {
                    return Err(format!(
                        "{}: the record at offset {offset} has link type {} instead of {lt}",
                        path.display(),
                        pkt.linktype.0
                    )
                    .into());
                }
                if let Some(pair) = streams[i].as_mut() {
                    let (summary, bytes) =
                        crate::index::summarize(&dissector, pkt.linktype.0, &pkt.data);
                    if summary.protocol == 6 && summary.has_l4 {
                        let from_client = summary.ip.is_some_and(|ip| {
                            pcap_core::filter::ip_to_blob(ip.src)[..] == s.src_ip[..]
                        }) && summary.sport == s.sport;
                        pair.segment(from_client, summary.tcp_seq, bytes, summary.tcp_flags);
                    }
                }
            }
            if let Some((w, config, lazy, out)) = writer.as_mut() {
                if *lazy {
                    config.linktype = pkt.linktype;
                    *lazy = false;
                }
                let w = match w {
                    Some(w) => w,
                    None => w.insert(create(out, *config)?),
                };
                if pkt.linktype != config.linktype {
                    return Err(format!(
                        "{}: link type {} differs from the output's {}; carve these sessions separately",
                        path.display(),
                        pkt.linktype,
                        config.linktype
                    )
                    .into());
                }
                if pkt.encoding == Some(config.encoding) {
                    w.write_raw_record(&pkt.raw)?;
                } else {
                    w.write_record(
                        pcap_core::capture::Timestamp::new(pkt.ts_secs, pkt.ts_nanos),
                        pkt.origlen,
                        &pkt.data,
                    )?;
                }
            }
            written += 1;
            Ok(())
        };
        if info.format == "pcap" {
            let reader = CaptureReader::open(&path)?;
            let Format::Pcap(header) = reader.format() else {
                return Err(format!("{}: not a classic pcap file any more", path.display()).into());
            };
            let encoding = (!header.modified).then_some(header.encoding);
            for &offset in offsets.keys() {
                let rec = reader
                    .record_at(offset)
                    .map_err(|e| format!("{e}; {} does not match the index", path.display()))?;
                each(offset, owned(&rec, encoding))?;
            }
        } else if let Some(context) = info.context.as_deref().and_then(db::decode_offsets) {
            // pcapng, with its section headers and interface descriptions
            // located at indexing time: each record read at its offset.
            let reader = CaptureReader::open(&path)?;
            for &offset in offsets.keys() {
                let rec = reader
                    .record_at_with(offset, &context)
                    .map_err(|e| format!("{e}; {} does not match the index", path.display()))?;
                each(offset, owned(&rec, None))?;
            }
        } else {
            // pcapng without a saved context (more than 65,536 section
            // headers and interface descriptions): walked block by block.
            eprintln!(
                "pcapdig: {}: no saved pcapng context in the index; walking the file",
                path.display()
            );
            let mut reader = CaptureReader::open(&path)?;
            let mut found = 0usize;
            let mut last_error = None;
            loop {
                let rec = match reader.next_record() {
                    Ok(Some(r)) => r,
                    Ok(None) => break,
                    Err(e) => {
                        // Damaged records are skipped; a framing error ends
                        // the walk (the next call returns `Ok(None)`).
                        last_error = Some(e);
                        continue;
                    }
                };
                if offsets.contains_key(&rec.offset) {
                    let pkt = owned(&rec, None);
                    each(rec.offset, pkt)?;
                    found += 1;
                    if found == offsets.len() {
                        break;
                    }
                }
            }
            if found != offsets.len() {
                return Err(format!(
                    "{}: {} of the indexed records were not found; the file does not match the index{}",
                    path.display(),
                    offsets.len() - found,
                    last_error.map(|e| format!(" ({e})")).unwrap_or_default()
                )
                .into());
            }
        }
    }
    if let Some((w, config, _, out)) = writer {
        let w = match w {
            Some(w) => w,
            None => create(&out, config)?,
        };
        w.into_inner()?.flush()?;
    }
    if let Some(dir) = &args.payload {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (s, pair) in sessions.iter().zip(streams.iter_mut()) {
            let Some(pair) = pair.as_mut() else {
                eprintln!("pcapdig: session {} is not TCP; no payload written", s.id);
                continue;
            };
            pair.finish();
            for (side, stream) in [("client", &pair.client), ("server", &pair.server)] {
                let p = dir.join(format!("{}.{side}", s.id));
                std::fs::write(&p, stream.data()).map_err(|e| format!("{}: {e}", p.display()))?;
                for g in stream.gaps() {
                    eprintln!(
                        "pcapdig: session {} {side}: gap of {} bytes at stream offset {}",
                        s.id, g.len, g.offset
                    );
                }
            }
        }
    }
    eprintln!(
        "pcapdig: carved {} session(s), {written} packets",
        sessions.len()
    );
    Ok(())
}

/// Creates the output file and writes its header.
fn create(
    out: &std::path::Path,
    config: WriterConfig,
) -> Result<PcapWriter<BufWriter<File>>, Error> {
    let file = File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(PcapWriter::new(BufWriter::new(file), config)?)
}

fn owned(rec: &Record<'_>, encoding: Option<PcapEncoding>) -> Packet {
    Packet {
        ts_secs: rec.ts.secs,
        ts_nanos: rec.ts.nanos,
        origlen: rec.origlen,
        linktype: rec.linktype,
        data: rec.data.to_vec(),
        raw: rec.raw.to_vec(),
        encoding,
    }
}

/// Finds the indexed file, at its path or by name in the search path, and
/// checks its fingerprint.
fn locate(info: &FileInfo, search: &[PathBuf]) -> Result<PathBuf, Error> {
    let mut candidates = vec![PathBuf::from(&info.path)];
    candidates.extend(search.iter().map(|d| d.join(&info.name)));
    let mut problems = Vec::new();
    for c in candidates {
        if !c.exists() {
            continue;
        }
        match db::fingerprint(&c) {
            Ok(fp) if fp.size as i64 == info.size && fp.content_hash == info.hash => return Ok(c),
            Ok(fp) => problems.push(format!(
                "{} has changed since it was indexed (size {} vs {}, content hash {} vs {})",
                c.display(),
                fp.size,
                info.size,
                fp.content_hash,
                info.hash
            )),
            Err(e) => problems.push(format!("{}: {e}", c.display())),
        }
    }
    if problems.is_empty() {
        Err(format!(
            "indexed file {} is missing (moved? give --search-path DIR to find {} elsewhere)",
            info.path, info.name
        )
        .into())
    } else {
        Err(format!("refusing to carve: {}", problems.join("; ")).into())
    }
}
