//! The records' hashes for `pcapdig index`, computed on a second thread
//! that walks the file ahead of the indexing walk.
//!
//! Every record's XXH3-64 ([`db::record_hash`]: its digest for `carve`)
//! and the file's content hash ([`super::content_hash`]) cover every byte
//! of the file. Computed inline, on the indexing thread, they added
//! 40–50% to `index` time on `benches/index.sh` (650 MB: the indexing
//! walk reads only the headers of each packet, the hash reads all of it).
//! So a second thread walks the same records of the same mapped file with
//! its own [`Records`], hashes them and builds the content hash, and
//! hands the hashes over in batches of [`BATCH`] through a bounded
//! channel: no synchronisation per packet, and at most [`AHEAD`] batches
//! ahead (memory stays bounded, and the bytes it read are still in the
//! cache when the indexing walk gets there).
//!
//! Both walks start from the same reader state over the same bytes, so
//! they see the same records, damaged ones and a loss of framing
//! included. Each hash travels with its record's offset, and the indexing
//! walk checks it against its own record ([`RecordHashes::hash`]): if they
//! ever differ (only if the file is rewritten while it is mapped), the
//! file fails with an error instead of recording a wrong digest.
//!
//! Small files, and machines with one CPU, hash inline
//! ([`Mode::Inline`]): the same values, without a thread.
//!
//! Measured on `benches/index.sh` (2 cores, otherwise idle; medians of
//! alternated runs against a build that records no digest): the indexing
//! walk takes as long as without hashing (about 0.2 s; it waits a few ms
//! for the first batch, and gains the pages the hashing thread mapped
//! ahead), where inline hashing added 0.12–0.16 s (+55–60% of index
//! time). What remains of the cost of digests is storing them: 4 bytes a
//! packet (an 8.6 MB database instead of 4.5 MB), +7% of index time with
//! the database on tmpfs, +13–17% on this machine's disk, mostly the
//! `fsync`s of the final checkpoint. On a machine whose cores are all
//! busy the second thread has no core to itself and hashing costs about
//! what it costs inline.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use pcap_core::capture::{Record, Records};

use super::content_hash::ContentHasher;
use super::schema as db;

/// `(offset, hash)` of consecutive records, as the hashing thread sends them.
type Batch = Vec<(u64, u64)>;

/// Records per batch sent by the hashing thread.
const BATCH: usize = 4096;

/// Records in the first batch: batches double from this size up to
/// [`BATCH`], so that the indexing walk waits little at the start.
const FIRST_BATCH: usize = 64;

/// Batches the hashing thread may have sent and the indexing walk not yet
/// taken (about 5 MB of the benchmark's file ahead).
const AHEAD: usize = 2;

/// Files smaller than this are hashed inline: starting a thread costs more
/// than hashing them.
const THREAD_MIN_BYTES: usize = 1 << 20;

/// How the records of a file are hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// On the indexing thread, as each record is reached.
    Inline,
    /// On a second thread running ahead.
    Ahead,
}

impl Mode {
    /// The mode for a file of `len` bytes: [`Mode::Ahead`] for a file of at
    /// least 1 MiB when more than one CPU is available.
    pub fn for_file(len: usize) -> Mode {
        if len >= THREAD_MIN_BYTES
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
        {
            Mode::Ahead
        } else {
            Mode::Inline
        }
    }
}

/// The two walks disagreed: the file changed while it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfStep {
    /// The offset of the record the indexing walk read.
    pub offset: u64,
    /// The offset of the record the hashing walk read there (`None`: it
    /// had no more records).
    pub hashed: Option<u64>,
}

impl std::fmt::Display for OutOfStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.hashed {
            Some(h) => write!(
                f,
                "the file changed while it was read: two reads disagree at offset {} (record at {h} in the other)",
                self.offset
            ),
            None => write!(
                f,
                "the file changed while it was read: two reads disagree at offset {} (no record there in the other)",
                self.offset
            ),
        }
    }
}

impl std::error::Error for OutOfStep {}

/// The source of the records' hashes for the indexing walk.
pub struct RecordHashes<'a> {
    kind: Kind<'a>,
}

// One per file walked, on the stack: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Kind<'a> {
    Inline(ContentHasher<'a>),
    Ahead {
        /// `None` once the walk is over.
        rx: Option<Receiver<Batch>>,
        /// The current batch, taken from the end (it is sent reversed).
        batch: Batch,
    },
}

impl RecordHashes<'_> {
    /// The XXH3-64 of `rec`, the record the indexing walk has just read
    /// (records are given in the order read, every one of them).
    #[inline]
    pub fn hash(&mut self, rec: &Record<'_>) -> Result<u64, OutOfStep> {
        match &mut self.kind {
            Kind::Inline(content) => {
                let hash = db::record_hash(rec.raw);
                content.record(rec.offset, rec.raw.len(), hash);
                Ok(hash)
            }
            Kind::Ahead { rx, batch } => {
                if batch.is_empty() {
                    next_batch(rx, batch);
                }
                match batch.pop() {
                    Some((offset, hash)) if offset == rec.offset => Ok(hash),
                    other => Err(OutOfStep {
                        offset: rec.offset,
                        hashed: other.map(|(o, _)| o),
                    }),
                }
            }
        }
    }
}

/// Replaces the empty `batch` by the next one from `rx` (left empty when
/// the hashing thread is done).
#[cold]
fn next_batch(rx: &Option<Receiver<Batch>>, batch: &mut Batch) {
    if let Some(next) = rx.as_ref().and_then(|rx| rx.recv().ok()) {
        *batch = next;
    }
}

/// Runs `walk`, the indexing walk over the records of `file` (the whole
/// file as mapped), with a [`RecordHashes`] giving each record's hash.
/// `records` is a second walker over the same records from the same
/// start (`CaptureReader::records`), used by the hashing thread in
/// [`Mode::Ahead`] (unused inline).
///
/// Returns what `walk` returned, and the file's content hash, or
/// [`OutOfStep`] if the hashing walk had records the indexing walk did
/// not read (or the hashing thread failed).
pub fn with_hashes<'a, T>(
    file: &'a [u8],
    records: Records<'a>,
    mode: Mode,
    walk: impl FnOnce(&mut RecordHashes<'a>) -> T,
) -> (T, Result<String, OutOfStep>) {
    match mode {
        Mode::Inline => {
            let mut hashes = RecordHashes {
                kind: Kind::Inline(ContentHasher::new(file)),
            };
            let out = walk(&mut hashes);
            let Kind::Inline(content) = hashes.kind else {
                unreachable!("inline hashes stay inline")
            };
            (out, Ok(content.finish()))
        }
        Mode::Ahead => std::thread::scope(|s| {
            let (tx, rx) = sync_channel(AHEAD);
            let hasher = s.spawn(move || hash_records(file, records, tx));
            let mut hashes = RecordHashes {
                kind: Kind::Ahead {
                    rx: Some(rx),
                    batch: Vec::new(),
                },
            };
            let out = walk(&mut hashes);
            let Kind::Ahead { rx, batch } = &mut hashes.kind else {
                unreachable!("hashes ahead stay ahead")
            };
            // Anything the hashing walk read that the indexing walk did
            // not is a disagreement too.
            if batch.is_empty() {
                next_batch(rx, batch);
            }
            let extra = batch.last().map(|&(offset, _)| offset);
            // Dropping the receiver ends a hashing thread still sending
            // (the indexing walk stopped early, on an error).
            drop(rx.take());
            // A panic there is a bug: it goes on as a panic here.
            let content = hasher
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let content = match (extra, content) {
                (None, Some(hash)) => Ok(hash),
                (Some(offset), _) => Err(OutOfStep {
                    offset,
                    hashed: Some(offset),
                }),
                (None, None) => Err(OutOfStep {
                    offset: file.len() as u64,
                    hashed: None,
                }),
            };
            (out, content)
        }),
    }
}

/// The hashing thread: hashes every record of `records` in order, sends
/// `(offset, hash)` in batches (each reversed, for `pop`), and returns the
/// file's content hash (`None` if the receiver went away first).
fn hash_records(file: &[u8], mut records: Records<'_>, tx: SyncSender<Batch>) -> Option<String> {
    let mut content = ContentHasher::new(file);
    let mut size = FIRST_BATCH;
    let mut batch = Vec::with_capacity(size);
    let send = |batch: &mut Batch, size: usize| {
        batch.reverse();
        tx.send(std::mem::replace(batch, Vec::with_capacity(size)))
            .is_ok()
    };
    loop {
        match records.next_record() {
            Ok(Some(rec)) => {
                let hash = db::record_hash(rec.raw);
                content.record(rec.offset, rec.raw.len(), hash);
                batch.push((rec.offset, hash));
                if batch.len() >= size {
                    size = (size * 2).min(BATCH);
                    if !send(&mut batch, size) {
                        return None;
                    }
                }
            }
            Ok(None) => break,
            // The indexing walk reports damaged records; both walks go on
            // (or stop, framing lost) alike.
            Err(_) if records.is_done() => break,
            Err(_) => {}
        }
    }
    if !batch.is_empty() && !send(&mut batch, 0) {
        return None;
    }
    Some(content.finish())
}

#[cfg(test)]
mod tests {
    use pcap_core::Endian;
    use pcap_core::capture::synth::PcapngBuilder;
    use pcap_core::capture::{CaptureReader, LinkType, Timestamp};

    use super::*;

    /// A pcapng file of several batches of records, with damaged blocks
    /// (unknown interface, caplen beyond the block) in the middle, a
    /// second section, and lost framing at the end (a block length that
    /// is not a multiple of 4).
    fn damaged_file() -> Vec<u8> {
        let mut b = PcapngBuilder::new(Endian::Little);
        b.interface(LinkType::ETHERNET, 0);
        let packet = |i: u32| -> Vec<u8> { (0..60 + i % 7).map(|j| (i + j) as u8).collect() };
        for i in 0..3 * BATCH as u32 {
            let data = packet(i);
            b.epb(0, Timestamp::new(i64::from(i), 0), data.len() as u32, &data);
            if i % 1500 == 700 {
                b.epb_raw(9, 0, 4, 4, b"abcd");
                b.epb_raw(0, 0, 4000, 4000, b"cut");
            }
        }
        b.section(Endian::Big).interface(LinkType::RAW, 0);
        for i in 0..BATCH as u32 {
            let data = packet(i);
            b.epb(0, Timestamp::new(i64::from(i), 1), data.len() as u32, &data);
        }
        b.raw(&[6, 0, 0, 0, 13, 0, 0, 0, 1, 2, 3, 4, 5]);
        b.build()
    }

    /// Every record's `(offset, hash)`, and the number of damaged records.
    type Walked = (Batch, usize);

    /// The indexing walk as `index` does it: every record's offset and
    /// hash, and the number of damaged records.
    fn walk_all(
        records: &mut Records<'_>,
        hashes: &mut RecordHashes<'_>,
    ) -> Result<Walked, OutOfStep> {
        let mut seen = Vec::new();
        let mut damaged = 0;
        loop {
            match records.next_record() {
                Ok(Some(rec)) => seen.push((rec.offset, hashes.hash(&rec)?)),
                Ok(None) => break,
                Err(_) => {
                    damaged += 1;
                    if records.is_done() {
                        break;
                    }
                }
            }
        }
        Ok((seen, damaged))
    }

    fn hashed(reader: &CaptureReader, mode: Mode) -> (Result<Walked, OutOfStep>, String) {
        let (bytes, mut records, ahead) = (
            reader.bytes().expect("in memory"),
            reader.records().expect("in memory"),
            reader.records().expect("in memory"),
        );
        let (out, content) = with_hashes(bytes, ahead, mode, |h| walk_all(&mut records, h));
        (out, content.expect("in step"))
    }

    #[test]
    fn ahead_equals_inline_through_damaged_records() {
        let reader = CaptureReader::from_bytes(damaged_file(), "d.pcapng").expect("open");
        let (inline, inline_hash) = hashed(&reader, Mode::Inline);
        let (ahead, ahead_hash) = hashed(&reader, Mode::Ahead);
        let (inline, ahead) = (inline.expect("inline"), ahead.expect("ahead"));
        // The records read, damaged ones and the loss of framing included.
        assert_eq!(inline.0.len(), 4 * BATCH);
        let forged = (0..3 * BATCH).filter(|i| i % 1500 == 700).count();
        assert_eq!(inline.1, 2 * forged + 1);
        assert_eq!(ahead, inline);
        assert_eq!(ahead_hash, inline_hash);
        let mut records = reader.records().expect("in memory");
        for &(offset, hash) in &inline.0 {
            let rec = records.find_map(Result::ok).expect("a record");
            assert_eq!((offset, hash), (rec.offset, db::record_hash(rec.raw)));
        }
        // And the content hash is `super::content_hash`'s.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.pcapng");
        std::fs::write(&path, damaged_file()).expect("write");
        assert_eq!(
            crate::store::content_hash::file_content_hash(&path).expect("hash"),
            inline_hash
        );
    }

    #[test]
    fn walks_out_of_step_fail() {
        let reader = CaptureReader::from_bytes(damaged_file(), "d.pcapng").expect("open");
        let bytes = reader.bytes().expect("in memory");
        // The indexing walk skips a record: its next one is not the
        // hashing walk's next.
        let mut records = reader.records().expect("in memory");
        let (out, content) = with_hashes(
            bytes,
            reader.records().expect("in memory"),
            Mode::Ahead,
            |h| {
                let first = records.next_record().expect("ok").expect("a record");
                h.hash(&first)?;
                let _skipped = records.next_record();
                let third = records.next_record().expect("ok").expect("a record");
                h.hash(&third)
            },
        );
        let err = out.expect_err("out of step");
        assert!(err.hashed.is_some_and(|o| o < err.offset), "{err}");
        assert!(err.to_string().contains("changed while it was read"));
        // The hashing thread is not left waiting, and has more records than
        // were taken.
        assert!(content.is_err());
        // The indexing walk stops early: the hashing walk had more.
        let (out, content) = with_hashes(
            bytes,
            reader.records().expect("in memory"),
            Mode::Ahead,
            |_| (),
        );
        assert_eq!(out, ());
        let err = content.expect_err("records left");
        assert!(err.hashed.is_some(), "{err}");
    }
}
