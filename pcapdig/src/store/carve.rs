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
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use pcap_core::flow::Locations;

use super::capture_out::{OutError, PacketOut, Target};
use super::carve_read::{Packet, read_records};
use super::follow::Follow;
use super::rows::{FILE_COLUMNS, FileFormat, FileRow};
use super::schema as db;
use super::{SessionStore, StoreError};
use crate::output::{Inputs, Sink};

/// Where carved packets go.
pub enum CarveOutput<'w> {
    /// A capture file, written to a temporary file beside it and renamed
    /// into place only when complete; refused if it is one of the
    /// captures read or the database (also through a link).
    File(PathBuf),
    /// Standard output; refused if it is a terminal or redirected into
    /// one of the inputs.
    Stdout,
    /// Any writer (a test's buffer, another program's stream).
    Writer(&'w mut dyn Write),
}

/// How sessions are carved.
#[derive(Debug, Clone, Default)]
pub struct CarveOptions {
    /// The output format; default: pcapng for a file named `*.pcapng`,
    /// else classic pcap.
    pub format: Option<OutFormat>,
    /// Directories where to look for moved capture files, by file name.
    pub search_path: Vec<PathBuf>,
    /// Write the reassembled TCP streams of each session into this
    /// directory (`ID.client`, `ID.server`).
    pub payload: Option<PathBuf>,
}

/// Something a carve says as it goes; its `Display` is the message
/// `pcapdig carve` prints after `pcapdig: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CarveNotice {
    /// A pcapng file without saved context: walked block by block.
    Walking(PathBuf),
    /// A session asked for with `payload` is not TCP.
    NotTcp(i64),
    /// A gap in a reassembled stream.
    Gap {
        /// The session.
        session: i64,
        /// `client` or `server`.
        side: &'static str,
        /// Missing bytes.
        len: u64,
        /// Where in the stream.
        offset: u64,
    },
}

impl fmt::Display for CarveNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CarveNotice::Walking(p) => write!(
                f,
                "{}: no saved pcapng context in the index; walking the file",
                p.display()
            ),
            CarveNotice::NotTcp(id) => write!(f, "session {id} is not TCP; no payload written"),
            CarveNotice::Gap {
                session,
                side,
                len,
                offset,
            } => write!(
                f,
                "session {session} {side}: gap of {len} bytes at stream offset {offset}"
            ),
        }
    }
}

/// What a carve did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarveReport {
    /// Sessions carved.
    pub sessions: usize,
    /// Packets written (each once, even if in two sessions).
    pub packets: u64,
    /// Everything said along the way, in order.
    pub notices: Vec<CarveNotice>,
}

/// The capture format `carve` writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// Classic pcap: records copied byte for byte where the encoding allows.
    Pcap,
    /// pcapng: an interface per link type and precision, one EPB a packet.
    Pcapng,
}

impl OutFormat {
    /// The format asked for, or the one the output's name suggests.
    fn choose(asked: Option<OutFormat>, output: Option<&Path>) -> OutFormat {
        asked.unwrap_or_else(|| {
            let pcapng = output
                .and_then(Path::extension)
                .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"));
            if pcapng {
                OutFormat::Pcapng
            } else {
                OutFormat::Pcap
            }
        })
    }
}

type Error = StoreError;

/// One session as carve needs it, read from the index or from a Parquet
/// export ([`carve_sessions`]).
#[derive(Debug, Clone)]
pub struct CarveSession {
    /// Session id.
    pub id: i64,
    /// IP protocol number (6: its TCP streams can be followed).
    pub proto: u8,
    /// First packet time, nanoseconds since the epoch.
    pub first_ts: i64,
    /// Last packet time, nanoseconds since the epoch.
    pub last_ts: i64,
    /// Initiator address in the index's 16-byte form
    /// ([`ip_to_blob`](super::rows::ip_to_blob)).
    pub src_ip: Vec<u8>,
    /// Initiator port.
    pub sport: u16,
    /// Where its packets are: `file_index` is the file's id in the store.
    pub locations: Locations,
    /// Its records' whole digests folded in location order
    /// (`sessions.digest`).
    pub digest: u64,
}

type SessionInfo = CarveSession;

/// What is wanted of one record: the sessions it belongs to and the
/// digest the index recorded for it.
pub(super) struct Wanted {
    pub(super) owners: Vec<usize>,
    /// The low 16 bits of the record's XXH3-64 ([`db::record_hash`]).
    pub(super) digest: u16,
}

impl SessionStore {
    /// Writes the packets of sessions `ids` to `output` (merged in
    /// capture order, each once), reading only their records, and with
    /// [`CarveOptions::payload`] their reassembled TCP streams; at least
    /// one of the two must be asked for. Every file is found (at its path
    /// or by name in [`CarveOptions::search_path`]) and checked against
    /// the index before anything is written, and every record read is
    /// checked against the digest the index recorded for it: a changed
    /// file is refused, naming the file and offset. Nothing is ever
    /// written over a capture read or the database.
    pub fn carve(
        &self,
        ids: &[i64],
        output: Option<CarveOutput<'_>>,
        opts: &CarveOptions,
    ) -> Result<CarveReport, StoreError> {
        self.carve_with(ids, output, opts, &mut |_| {})
    }

    /// [`carve`](Self::carve), handing each notice to `notice` as it
    /// comes.
    pub fn carve_with(
        &self,
        ids: &[i64],
        output: Option<CarveOutput<'_>>,
        opts: &CarveOptions,
        notice: &mut dyn FnMut(&CarveNotice),
    ) -> Result<CarveReport, StoreError> {
        if output.is_none() && opts.payload.is_none() {
            return Err(
                "give -o OUT.pcap (or -o - for standard output) and/or --payload DIR".into(),
            );
        }
        let sessions = load_sessions(&self.conn, ids, &self.path)?;
        let mut inputs = Inputs::new();
        inputs.add_database(&self.path);
        carve_sessions(
            sessions,
            &mut |fid| load_file(&self.conn, fid),
            inputs,
            output,
            opts,
            notice,
        )
    }
}

/// The work of [`SessionStore::carve_with`] on sessions already read
/// (from the index, or from a Parquet export): `file` gives the indexed
/// row of a file id, `inputs` the files that are read besides the
/// captures (the database, the export's files), which no output may land
/// on. The same checks and outputs as a carve from the database.
pub fn carve_sessions(
    sessions: Vec<CarveSession>,
    file: &mut dyn FnMut(u32) -> Result<FileRow, StoreError>,
    mut inputs: Inputs,
    output: Option<CarveOutput<'_>>,
    opts: &CarveOptions,
    notice: &mut dyn FnMut(&CarveNotice),
) -> Result<CarveReport, StoreError> {
    if output.is_none() && opts.payload.is_none() {
        return Err("give -o OUT.pcap (or -o - for standard output) and/or --payload DIR".into());
    }
    let mut say = Notices {
        notice,
        all: Vec::new(),
    };
    let wanted = wanted_records(&sessions);

    // Every file is found and checked before anything is written, and
    // becomes an input no output may land on.
    let mut files = HashMap::new();
    for &fid in wanted.keys() {
        let info = file(fid)?;
        let path = locate(&info, &opts.search_path)?;
        inputs.add(&path);
        files.insert(fid, (info, path));
    }

    let first = wanted.keys().next().and_then(|f| files.get(f));
    let mut out = match output {
        Some(output) => Some(open_output(output, opts.format, &inputs, first)?),
        None => None,
    };
    if let Some(dir) = &opts.payload {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut streams: Vec<Option<Follow>> = sessions
        .iter()
        .map(|s| {
            (opts.payload.is_some() && s.proto == 6).then(|| Follow::new(s.src_ip.clone(), s.sport))
        })
        .collect();

    let mut written = 0u64;
    // Every record's whole digest, for checking each session's fold.
    let mut hashes: HashMap<(u32, u64), u64> = HashMap::new();
    let dissector = super::index::minimal_dissector();
    for (fid, offsets) in &wanted {
        let (info, path) = &files[fid];
        let mut each = |offset: u64, pkt: Packet| -> Result<(), Error> {
            let want = &offsets[&offset];
            let hash = db::record_hash(&pkt.raw);
            check_record(info, path, offset, &pkt, hash, want, &sessions)?;
            hashes.insert((*fid, offset), hash);
            for &i in &want.owners {
                if let Some(follow) = streams[i].as_mut() {
                    follow.packet(&dissector, pkt.linktype, &pkt.data);
                }
            }
            if let Some(out) = out.as_mut() {
                out.write(&pkt, info.precision).map_err(|e| match e {
                    OutError::LinkType { packet, output } => format!(
                        "{}: the record at offset {offset} has link type {packet}, the pcap output \
                         has {output}; give --format pcapng (or -o NAME.pcapng) to carve both",
                        path.display()
                    )
                    .into(),
                    OutError::Other(e) => e,
                })?;
            }
            written += 1;
            Ok(())
        };
        if info.format == FileFormat::Pcapng && info.context.is_none() {
            say.say(CarveNotice::Walking(path.clone()));
        }
        read_records(info, path, offsets, &mut each)?;
    }
    check_sessions(&sessions, &hashes, &files)?;
    if let Some(out) = out {
        out.finish()?;
    }
    if let Some(dir) = &opts.payload {
        write_payloads(&sessions, &mut streams, dir, &inputs, &mut say)?;
    }
    Ok(CarveReport {
        sessions: sessions.len(),
        packets: written,
        notices: say.all,
    })
}

/// Hands notices to the caller as they come, and keeps them for the
/// report.
struct Notices<'n> {
    notice: &'n mut dyn FnMut(&CarveNotice),
    all: Vec<CarveNotice>,
}

impl Notices<'_> {
    fn say(&mut self, n: CarveNotice) {
        (self.notice)(&n);
        self.all.push(n);
    }
}

/// The records to read: file id -> offset -> the sessions (indexes into
/// `sessions`) each belongs to, and its indexed digest.
type WantedRecords = BTreeMap<u32, BTreeMap<u64, Wanted>>;

fn wanted_records(sessions: &[SessionInfo]) -> WantedRecords {
    let mut wanted = WantedRecords::new();
    for (i, s) in sessions.iter().enumerate() {
        for loc in s.locations.iter() {
            let w = wanted
                .entry(loc.file_index)
                .or_default()
                .entry(loc.offset)
                .or_insert(Wanted {
                    owners: Vec::new(),
                    digest: loc.short_digest(),
                });
            w.owners.push(i);
        }
    }
    wanted
}

/// Opens the carved capture (checked against `inputs`) in the format asked
/// or named; `first` is the first file read, whose encoding a classic
/// pcap output takes.
fn open_output<'w>(
    output: CarveOutput<'w>,
    format: Option<OutFormat>,
    inputs: &Inputs,
    first: Option<&(FileRow, PathBuf)>,
) -> Result<PacketOut<'w>, Error> {
    let (target, name) = match output {
        CarveOutput::File(path) => {
            let sink = Sink::open(&path, inputs)?;
            (Target::Sink(sink), Some(path))
        }
        CarveOutput::Stdout => (Target::Sink(Sink::open(Path::new("-"), inputs)?), None),
        CarveOutput::Writer(w) => (Target::Writer(w), None),
    };
    let format = OutFormat::choose(format, name.as_deref());
    Ok(PacketOut::new(target, format, first))
}

/// Writes each TCP session's two reassembled streams into `dir`
/// (`ID.client`, `ID.server`, never over an input) and says where they
/// have gaps; a session that is not TCP is said to have none.
fn write_payloads(
    sessions: &[SessionInfo],
    streams: &mut [Option<Follow>],
    dir: &Path,
    inputs: &Inputs,
    say: &mut Notices<'_>,
) -> Result<(), Error> {
    for (s, follow) in sessions.iter().zip(streams.iter_mut()) {
        let Some(pair) = follow.as_mut().map(|f| &mut f.pair) else {
            say.say(CarveNotice::NotTcp(s.id));
            continue;
        };
        pair.finish();
        for (side, stream) in [("client", &pair.client), ("server", &pair.server)] {
            let p = dir.join(format!("{}.{side}", s.id));
            let mut sink = Sink::open(&p, inputs)?;
            sink.write_all(stream.data())
                .map_err(|e| format!("{}: {e}", p.display()))?;
            sink.commit()?;
            for g in stream.gaps() {
                say.say(CarveNotice::Gap {
                    session: s.id,
                    side,
                    len: g.len,
                    offset: g.offset,
                });
            }
        }
    }
    Ok(())
}

/// The asked sessions, in the order given.
fn load_sessions(
    conn: &rusqlite::Connection,
    ids: &[i64],
    db_path: &Path,
) -> Result<Vec<SessionInfo>, Error> {
    let mut sessions = Vec::new();
    for &id in ids {
        let row = conn.query_row(
            "SELECT s.proto, s.first_ts, s.last_ts, s.src_ip, s.sport, l.locations, s.digest
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
                    r.get::<_, i64>(6)?,
                ))
            },
        );
        let (proto, first_ts, last_ts, src_ip, sport, locs, digest) = match row {
            Ok(r) => r,
            Err(rusqlite::Error::QueryReturnedNoRows) => {
                return Err(format!("no session {id} in {}", db_path.display()).into());
            }
            Err(e) => return Err(format!("{}: {e}", db_path.display()).into()),
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
            digest: digest as u64,
        });
    }
    Ok(sessions)
}

/// The index's row for file `fid`.
fn load_file(conn: &rusqlite::Connection, fid: u32) -> Result<FileRow, Error> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM files WHERE id = ?1");
    let info = conn
        .query_row(&sql, [fid], FileRow::from_sql)
        .map_err(|e| format!("file #{fid} of the index: {e}"))?;
    Ok(info)
}

/// Checks a record read back against the index: its stored bytes (time,
/// lengths and data) by the 16 bits of `hash` (its [`db::record_hash`])
/// the index kept, its link type, its time within each owning session.
fn check_record(
    info: &FileRow,
    path: &std::path::Path,
    offset: u64,
    pkt: &Packet,
    hash: u64,
    want: &Wanted,
    sessions: &[SessionInfo],
) -> Result<(), Error> {
    let digest = hash as u16;
    if digest != want.digest {
        return Err(format!(
            "{}: the record at offset {offset} is not the one indexed (its bytes, length or time \
             changed: digest {digest:04x}, indexed {:04x}); refusing to carve",
            path.display(),
            want.digest
        )
        .into());
    }
    if info.format == FileFormat::Pcap
        && let Some(lt) = info.linktype
        && pkt.linktype != lt
    {
        return Err(format!(
            "{}: the record at offset {offset} has link type {} instead of {}",
            path.display(),
            pkt.linktype.0,
            lt.0
        )
        .into());
    }
    let ns = db::ts_to_ns(pkt.ts_secs, pkt.ts_nanos);
    for &i in &want.owners {
        let s = &sessions[i];
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
    }
    Ok(())
}

/// Checks each session's records as a whole: their digests folded in
/// location order must give the session's indexed digest. This catches a
/// changed record whose 16-bit digest happened to stay the same.
fn check_sessions(
    sessions: &[SessionInfo],
    hashes: &HashMap<(u32, u64), u64>,
    files: &HashMap<u32, (FileRow, PathBuf)>,
) -> Result<(), Error> {
    for s in sessions {
        let mut acc = pcap_core::flow::FOLD_START;
        for loc in s.locations.iter() {
            let hash = hashes
                .get(&(loc.file_index, loc.offset))
                .copied()
                .ok_or_else(|| format!("session {}: a record was not read", s.id))?;
            acc = pcap_core::flow::fold_digest(acc, hash);
        }
        if acc != s.digest {
            let mut names: Vec<String> = Vec::new();
            for loc in s.locations.iter() {
                if let Some((_, path)) = files.get(&loc.file_index) {
                    let name = path.display().to_string();
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            return Err(format!(
                "session {}: its records in {} are not the ones indexed (every record's 16-bit \
                 digest matched, the session's 64-bit digest does not); refusing to carve",
                s.id,
                names.join(", ")
            )
            .into());
        }
    }
    Ok(())
}

/// Finds the indexed file, at its path or by name in the search path,
/// with the indexed size and quick hash (each record is then checked by
/// its digest as it is read).
fn locate(info: &FileRow, search: &[PathBuf]) -> Result<PathBuf, Error> {
    let mut candidates = vec![info.path.clone()];
    candidates.extend(search.iter().map(|d| d.join(&info.name)));
    let mut problems = Vec::new();
    for c in candidates {
        if !c.exists() {
            continue;
        }
        match db::fingerprint(&c) {
            Ok(fp) if fp.size == info.size && fp.quick_hash == info.quick_hash => {
                return Ok(c);
            }
            Ok(fp) => problems.push(format!(
                "{} has changed since it was indexed (size {} vs {}, quick hash {} vs {})",
                c.display(),
                fp.size,
                info.size,
                fp.quick_hash,
                info.quick_hash
            )),
            Err(e) => problems.push(format!("{}: {e}", c.display())),
        }
    }
    if problems.is_empty() {
        Err(format!(
            "indexed file {} is missing (moved? give --search-path DIR to find {} elsewhere)",
            info.path.display(),
            info.name.display()
        )
        .into())
    } else {
        Err(format!("refusing to carve: {}", problems.join("; ")).into())
    }
}
