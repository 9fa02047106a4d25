//! `files.content_hash`: a hash of every byte of a capture file, computed
//! in the same pass that digests its records (on the thread that hashes
//! records ahead of the indexing walk, see [`super::hash_ahead`]).
//!
//! Indexing already hashes every record as stored (XXH3-64 of
//! `Record::raw`, [`db::record_hash`]: what `carve` checks, 16 bits per
//! record and all 64 folded per session). Hashing the file's bytes again would read
//! all of them a second time: on `benches/index.sh` (1,000,000 records,
//! 650 MB), record digests plus a whole-file XXH3 took index time to
//! 0.76 s (0.40 s without either); record digests alone, 0.65 s. So the
//! file's hash is built from the records' hashes instead: XXH3-128 (hex)
//! over the file's bytes in order, where each record's bytes are replaced
//! by the 8 bytes (little-endian) of its XXH3-64. The bytes between
//! records (file header, pcapng section and interface blocks, damaged
//! records, anything after the last record) go in as they are. Every
//! byte of the file is covered: a change anywhere changes the hash
//! (barring a hash collision).
//!
//! The same value is computed for a file alone by [`file_content_hash`]
//! (re-indexing checks), which walks its records without dissecting them.
//!
//! A compressed capture (gzip, zstd) is not in memory to take the bytes
//! between records from: its hash is the XXH3-128 of its stored bytes
//! ([`stored_bytes_hash`]), which also covers every byte.

use std::path::Path;

use pcap_core::capture::CaptureReader;
use xxhash_rust::xxh3::Xxh3;

use super::schema as db;

/// Builds a file's content hash while its records are walked in order.
pub struct ContentHasher<'a> {
    /// The whole file.
    file: &'a [u8],
    hasher: Xxh3,
    /// Bytes of `file` before this offset are in the hash.
    done: usize,
}

impl<'a> ContentHasher<'a> {
    /// A hasher over `file` (the whole file, as mapped).
    pub fn new(file: &'a [u8]) -> Self {
        ContentHasher {
            file,
            hasher: Xxh3::new(),
            done: 0,
        }
    }

    /// Adds the record at `offset` of `len` bytes whose XXH3-64 is `hash`
    /// (and the bytes between the previous record and this one). A record
    /// that is not past the previous one (never, from a reader walking
    /// forward) only adds its hash.
    #[inline]
    pub fn record(&mut self, offset: u64, len: usize, hash: u64) {
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        if let Some(gap) = self.file.get(self.done..start) {
            self.hasher.update(gap);
            self.done = start.saturating_add(len).min(self.file.len());
        }
        self.hasher.update(&hash.to_le_bytes());
    }

    /// Adds the bytes after the last record and returns the hash.
    pub fn finish(mut self) -> String {
        if let Some(rest) = self.file.get(self.done..) {
            self.hasher.update(rest);
        }
        format!("{:032x}", self.hasher.digest128())
    }
}

/// The content hash of the file at `path`, as indexing computes it.
pub fn file_content_hash(path: &Path) -> Result<String, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let reader = match CaptureReader::open(path) {
        Ok(r) => r,
        // Not a capture (any more): its bytes, as they are.
        Err(_) => {
            let bytes = std::fs::read(path).map_err(|e| at(&e))?;
            return Ok(ContentHasher::new(&bytes).finish());
        }
    };
    if reader.compression().is_some() {
        return stored_bytes_hash(path).map_err(|e| at(&e));
    }
    let owned;
    let reader = if reader.bytes().is_some() {
        reader
    } else {
        // Not mappable: read into memory (not a case `index` accepts).
        owned = std::fs::read(path).map_err(|e| at(&e))?;
        CaptureReader::from_bytes(owned, &path.to_string_lossy()).map_err(|e| at(&e))?
    };
    let (Some(bytes), Some(mut records)) = (reader.bytes(), reader.records()) else {
        return Err(at(&"cannot read the file into memory"));
    };
    let mut h = ContentHasher::new(bytes);
    loop {
        match records.next_record() {
            Ok(Some(rec)) => h.record(rec.offset, rec.raw.len(), db::record_hash(rec.raw)),
            Ok(None) => break,
            Err(_) if records.is_done() => break,
            Err(_) => {}
        }
    }
    Ok(h.finish())
}

/// The XXH3-128 (hex) of the bytes of the file at `path` as stored,
/// read a chunk at a time: the content hash of a compressed capture.
pub fn stored_bytes_hash(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(format!("{:032x}", hasher.digest128()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_counts() {
        let file: Vec<u8> = (0..200u8).collect();
        let hash = |f: &[u8]| {
            let mut h = ContentHasher::new(f);
            h.record(10, 50, db::record_hash(&f[10..60]));
            h.record(70, 100, db::record_hash(&f[70..170]));
            h.finish()
        };
        let base = hash(&file);
        for i in [0, 5, 10, 40, 59, 60, 65, 70, 120, 169, 170, 199] {
            let mut f = file.clone();
            f[i] ^= 1;
            assert_ne!(hash(&f), base, "byte {i}");
        }
    }
}
