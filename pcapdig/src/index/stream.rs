//! Indexing a compressed capture (gzip, zstd): its records come out of a
//! streamed decompression one at a time, so they are walked once, in
//! order, hashed inline, each dissected on its own (a record lives only
//! until the next is read). Offsets are in the uncompressed stream, as
//! `carve` reads them back ([`CaptureReader::visit_records_at`]).
//!
//! The file's `content_hash` is the XXH3-128 of its stored (compressed)
//! bytes ([`content_hash::stored_bytes_hash`]): what re-indexing compares.

use std::path::Path;

use pcap_core::capture::CaptureReader;
use protocols::Dissection;

use super::FileWalk;
use crate::{content_hash, db};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Walks every record of `reader` (a compressed capture) into `walk`;
/// returns the file's size (`stored_size`, as fingerprinted), its content
/// hash and, for pcapng, its context (see [`db`]).
pub(super) fn walk(
    mut reader: CaptureReader,
    walk: &mut FileWalk<'_>,
    path: &Path,
    bar: &indicatif::ProgressBar,
    stored_size: u64,
) -> Result<(u64, String, Option<Vec<u64>>), Error> {
    let at = |e: &dyn std::fmt::Display| -> Error { format!("{}: {e}", path.display()).into() };
    loop {
        match reader.next_record() {
            Ok(Some(rec)) => {
                let hash = db::record_hash(rec.raw);
                let mut d = Dissection::new(rec.linktype, rec.data);
                walk.record(&rec, &mut d, hash).map_err(|e| at(&e))?;
            }
            Ok(None) => break,
            Err(e) => {
                walk.damaged(bar, &e);
                if reader.is_done() {
                    bar.suspend(|| {
                        eprintln!(
                            "pcapdig: {}: framing lost, rest of the file skipped",
                            path.display()
                        )
                    });
                    break;
                }
            }
        }
    }
    let context = reader.pcapng_context().map(<[u64]>::to_vec);
    let hash = content_hash::stored_bytes_hash(path).map_err(|e| at(&e))?;
    Ok((stored_size, hash, context))
}
