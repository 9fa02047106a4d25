//! Carving from a Parquet export: the asked sessions, their packet
//! locations and their files read back from `DIR`, then handed to the
//! store's carve ([`carve_sessions`]), which checks every file and record
//! as a carve from the database does.
//!
//! An export is read as untrusted input: a missing column, a column of
//! another type, a null where a value must be, a negative offset or a
//! session whose locations do not run `seq` 0, 1, 2, ... is refused,
//! naming the Parquet file (and column).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{
    Array, BinaryArray, Int32Array, Int64Array, ListArray, RecordBatch, StringArray,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use pcap_core::Endian;
use pcap_core::capture::LinkType;
use pcap_core::flow::{Location, Locations};

use crate::output::Inputs;
use crate::store::rows::{FileFormat, FileRow, ip_to_blob, precision_from_text};
use crate::store::{
    CarveNotice, CarveOptions, CarveOutput, CarveReport, CarveSession, StoreError, carve_sessions,
};

type Error = StoreError;

/// A session asked for: by id, or by Community ID (every session of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionKey {
    /// A session id.
    Id(i64),
    /// A Community ID (`1:...=`).
    Community(String),
}

impl SessionKey {
    /// An id if `text` is an integer, else a Community ID.
    pub fn parse(text: &str) -> SessionKey {
        match text.trim().parse::<i64>() {
            Ok(id) => SessionKey::Id(id),
            Err(_) => SessionKey::Community(text.trim().to_string()),
        }
    }
}

/// The `.parquet` files under `dir` (partition directories included), in
/// name order.
pub fn parquet_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if kind.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every record batch of one Parquet file.
fn batches(path: &Path) -> Result<Vec<RecordBatch>, Error> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    reader
        .map(|b| b.map_err(|e| format!("{}: {e}", path.display()).into()))
        .collect()
}

/// One column of a batch, of the expected array type.
fn column<'b, A: Array + 'static>(
    batch: &'b RecordBatch,
    name: &str,
    path: &Path,
) -> Result<&'b A, Error> {
    batch
        .column_by_name(name)
        .ok_or_else(|| format!("{}: no column {name}", path.display()))?
        .as_any()
        .downcast_ref::<A>()
        .ok_or_else(|| format!("{}: column {name} has an unexpected type", path.display()).into())
}

/// The value at `i` of a column that must have one.
fn value<T>(path: &Path, name: &str, i: usize, is_null: bool, v: T) -> Result<T, Error> {
    if is_null {
        return Err(format!("{}: column {name} is null in row {i}", path.display()).into());
    }
    Ok(v)
}

fn int64(a: &Int64Array, path: &Path, name: &str, i: usize) -> Result<i64, Error> {
    value(path, name, i, a.is_null(i), a.value(i))
}

fn int32(a: &Int32Array, path: &Path, name: &str, i: usize) -> Result<i32, Error> {
    value(path, name, i, a.is_null(i), a.value(i))
}

fn text<'a>(a: &'a StringArray, path: &Path, name: &str, i: usize) -> Result<&'a str, Error> {
    value(path, name, i, a.is_null(i), a.value(i))
}

fn in_range<T: TryFrom<i64>>(v: i64, path: &Path, name: &str, i: usize) -> Result<T, Error> {
    T::try_from(v).map_err(|_| {
        format!(
            "{}: column {name} is out of range ({v}) in row {i}",
            path.display()
        )
        .into()
    })
}

/// The asked sessions of the export in `dir`, in the order asked (a
/// Community ID's sessions in id order), without their locations.
fn read_sessions(
    dir: &Path,
    keys: &[SessionKey],
    inputs: &mut Inputs,
) -> Result<Vec<CarveSession>, Error> {
    let ids: HashSet<i64> = keys
        .iter()
        .filter_map(|k| match k {
            SessionKey::Id(id) => Some(*id),
            SessionKey::Community(_) => None,
        })
        .collect();
    let cids: HashSet<&str> = keys
        .iter()
        .filter_map(|k| match k {
            SessionKey::Community(c) => Some(c.as_str()),
            SessionKey::Id(_) => None,
        })
        .collect();
    let mut found: BTreeMap<i64, (String, CarveSession)> = BTreeMap::new();
    for path in parquet_files(&dir.join("sessions"))? {
        inputs.add(&path);
        for batch in batches(&path)? {
            let p = path.as_path();
            let id = column::<Int64Array>(&batch, "id", p)?;
            let cid = column::<StringArray>(&batch, "community_id", p)?;
            let proto = column::<Int32Array>(&batch, "proto", p)?;
            let src = column::<StringArray>(&batch, "src", p)?;
            let sport = column::<Int32Array>(&batch, "sport", p)?;
            let first = column::<Int64Array>(&batch, "first_ts_ns", p)?;
            let last = column::<Int64Array>(&batch, "last_ts_ns", p)?;
            let digest = column::<Int64Array>(&batch, "digest", p)?;
            for i in 0..batch.num_rows() {
                let sid = int64(id, p, "id", i)?;
                let c = value(p, "community_id", i, cid.is_null(i), cid.value(i))?;
                if !ids.contains(&sid) && !cids.contains(c) {
                    continue;
                }
                let addr: std::net::IpAddr = value(p, "src", i, src.is_null(i), src.value(i))?
                    .parse()
                    .map_err(|_| {
                        format!("{}: column src is not an address in row {i}", p.display())
                    })?;
                let session = CarveSession {
                    id: sid,
                    proto: in_range(i64::from(int32(proto, p, "proto", i)?), p, "proto", i)?,
                    first_ts: int64(first, p, "first_ts_ns", i)?,
                    last_ts: int64(last, p, "last_ts_ns", i)?,
                    src_ip: ip_to_blob(addr).to_vec(),
                    sport: in_range(i64::from(int32(sport, p, "sport", i)?), p, "sport", i)?,
                    locations: Locations::new(),
                    digest: int64(digest, p, "digest", i)? as u64,
                };
                found.insert(sid, (c.to_string(), session));
            }
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for key in keys {
        let matching: Vec<&CarveSession> = match key {
            SessionKey::Id(id) => found.get(id).map(|(_, s)| s).into_iter().collect(),
            SessionKey::Community(c) => found
                .values()
                .filter(|(cid, _)| cid == c)
                .map(|(_, s)| s)
                .collect(),
        };
        if matching.is_empty() {
            return Err(match key {
                SessionKey::Id(id) => format!("no session {id} in the export {}", dir.display()),
                SessionKey::Community(c) => {
                    format!(
                        "no session with Community ID {c} in the export {}",
                        dir.display()
                    )
                }
            }
            .into());
        }
        for s in matching {
            if seen.insert(s.id) {
                out.push(s.clone());
            }
        }
    }
    Ok(out)
}

/// Fills each session's locations from `DIR/locations`.
fn read_locations(
    dir: &Path,
    sessions: &mut [CarveSession],
    inputs: &mut Inputs,
) -> Result<(), Error> {
    let index: HashMap<i64, usize> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    let mut rows: Vec<Vec<(i64, Location)>> = vec![Vec::new(); sessions.len()];
    for path in parquet_files(&dir.join("locations"))? {
        inputs.add(&path);
        for batch in batches(&path)? {
            let p = path.as_path();
            let sid = column::<Int64Array>(&batch, "session_id", p)?;
            let seq = column::<Int64Array>(&batch, "seq", p)?;
            let file = column::<Int64Array>(&batch, "file_id", p)?;
            let offset = column::<Int64Array>(&batch, "offset", p)?;
            let digest = column::<Int32Array>(&batch, "short_digest", p)?;
            for i in 0..batch.num_rows() {
                let Some(&k) = index.get(&int64(sid, p, "session_id", i)?) else {
                    continue;
                };
                let loc = Location::with_digest(
                    in_range(int64(file, p, "file_id", i)?, p, "file_id", i)?,
                    in_range(int64(offset, p, "offset", i)?, p, "offset", i)?,
                    u64::from(in_range::<u16>(
                        i64::from(int32(digest, p, "short_digest", i)?),
                        p,
                        "short_digest",
                        i,
                    )?),
                );
                rows[k].push((int64(seq, p, "seq", i)?, loc));
            }
        }
    }
    for (s, mut locs) in sessions.iter_mut().zip(rows) {
        locs.sort_unstable_by_key(|(seq, _)| *seq);
        let mut list = Locations::new();
        for (n, (seq, loc)) in locs.into_iter().enumerate() {
            if seq != n as i64 {
                return Err(format!(
                    "session {}: its packet locations in {} do not run seq 0, 1, 2, ... \
                     (position {n} has seq {seq}); the export is damaged",
                    s.id,
                    dir.join("locations").display()
                )
                .into());
            }
            list.push(loc);
        }
        s.locations = list;
    }
    Ok(())
}

/// The files of the export in `dir`, by id.
fn read_files(dir: &Path, inputs: &mut Inputs) -> Result<HashMap<u32, FileRow>, Error> {
    use std::os::unix::ffi::OsStrExt;
    let mut files = HashMap::new();
    for path in parquet_files(&dir.join("files"))? {
        inputs.add(&path);
        for batch in batches(&path)? {
            let p = path.as_path();
            let id = column::<Int64Array>(&batch, "id", p)?;
            let path_bytes = column::<BinaryArray>(&batch, "path_bytes", p)?;
            let name_bytes = column::<BinaryArray>(&batch, "name_bytes", p)?;
            let size = column::<Int64Array>(&batch, "size", p)?;
            let quick = column::<StringArray>(&batch, "quick_hash", p)?;
            let format = column::<StringArray>(&batch, "format", p)?;
            let linktype = column::<Int32Array>(&batch, "linktype", p)?;
            let precision = column::<StringArray>(&batch, "precision", p)?;
            let endian = column::<StringArray>(&batch, "endian", p)?;
            let context = column::<ListArray>(&batch, "context", p)?;
            for i in 0..batch.num_rows() {
                let fid = int64(id, p, "id", i)?;
                let bytes = |a: &BinaryArray, name: &str| {
                    value(p, name, i, a.is_null(i), a.value(i))
                        .map(|b| PathBuf::from(std::ffi::OsStr::from_bytes(b)))
                };
                let context = if context.is_null(i) {
                    None
                } else {
                    let list = context.value(i);
                    let offsets = list.as_any().downcast_ref::<Int64Array>().ok_or_else(|| {
                        format!("{}: column context has an unexpected type", p.display())
                    })?;
                    let mut v = Vec::with_capacity(offsets.len());
                    for j in 0..offsets.len() {
                        let o = int64(offsets, p, "context", j)?;
                        v.push(in_range::<u64>(o, p, "context", i)?);
                    }
                    Some(v)
                };
                let row = FileRow {
                    id: fid,
                    path: bytes(path_bytes, "path_bytes")?,
                    name: bytes(name_bytes, "name_bytes")?,
                    size: in_range(int64(size, p, "size", i)?, p, "size", i)?,
                    quick_hash: text(quick, p, "quick_hash", i)?.to_string(),
                    format: match text(format, p, "format", i)? {
                        "pcap" => FileFormat::Pcap,
                        "pcapng" => FileFormat::Pcapng,
                        other => {
                            return Err(format!(
                                "{}: column format is {other:?} in row {i} (pcap or pcapng)",
                                p.display()
                            )
                            .into());
                        }
                    },
                    linktype: if linktype.is_null(i) {
                        None
                    } else {
                        Some(LinkType(in_range(
                            i64::from(linktype.value(i)),
                            p,
                            "linktype",
                            i,
                        )?))
                    },
                    precision: precision_from_text(Some(text(precision, p, "precision", i)?)),
                    endian: if text(endian, p, "endian", i)? == "big" {
                        Endian::Big
                    } else {
                        Endian::Little
                    },
                    context,
                };
                files.insert(in_range::<u32>(fid, p, "id", i)?, row);
            }
        }
    }
    Ok(files)
}

/// Carves the sessions `keys` of the export in `dir` to `output` (and
/// `opts.payload`), as [`SessionStore::carve_with`](crate::store::SessionStore::carve_with)
/// does from the database: the same checks of every file and record,
/// nothing written over a capture or the export's own files.
pub fn carve(
    dir: &Path,
    keys: &[SessionKey],
    output: Option<CarveOutput<'_>>,
    opts: &CarveOptions,
    notice: &mut dyn FnMut(&CarveNotice),
) -> Result<CarveReport, Error> {
    if !dir.join("sessions").is_dir() {
        return Err(format!(
            "{}: not a pcapdig export (no sessions/ directory)",
            dir.display()
        )
        .into());
    }
    let mut inputs = Inputs::new();
    let mut sessions = read_sessions(dir, keys, &mut inputs)?;
    read_locations(dir, &mut sessions, &mut inputs)?;
    let files = read_files(dir, &mut inputs)?;
    carve_sessions(
        sessions,
        &mut |fid| {
            files.get(&fid).cloned().ok_or_else(|| {
                format!(
                    "file #{fid} is not in the export's files table ({})",
                    dir.display()
                )
                .into()
            })
        },
        inputs,
        output,
        opts,
        notice,
    )
}
