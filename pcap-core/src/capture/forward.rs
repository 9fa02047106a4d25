//! Going back to records by offset without random access: one walk
//! forward over the file, handing out the records at the offsets asked
//! for (a compressed capture, a pipe). See
//! [`CaptureReader::visit_records_at`].

use std::borrow::Cow;

use super::{CaptureReader, Record};
use crate::error::Error;

impl CaptureReader {
    /// Walks forward from the current position and calls `visit` with
    /// the record at each of `offsets` ([`Record::offset`]s saved
    /// earlier, ascending; a repeated offset is visited once), in one
    /// pass: the way back to saved records when the file cannot be read
    /// at an offset directly (a compressed capture, whose every read
    /// starts a decompression from the beginning; see
    /// [`CaptureReader::compression`]). The records in between are read
    /// (their headers checked) and skipped.
    ///
    /// Stops at the first error of `visit`, and fails (naming the file
    /// and the offset) if an offset is not where a record starts, or lies
    /// behind the current position, past the end of the file, or past a
    /// loss of framing (that error is given too). Damaged records in
    /// between are skipped.
    ///
    /// ```
    /// use pcap_core::capture::{synth, CaptureReader, Precision, Timestamp};
    /// use pcap_core::Endian;
    ///
    /// let mut file = synth::PcapBuilder::new(Endian::Little, Precision::Micro);
    /// for i in 0..4u8 {
    ///     file.record(Timestamp::new(i64::from(i), 0), 1, &[i]);
    /// }
    /// let mut reader = CaptureReader::from_reader(std::io::Cursor::new(file.build()), "x.pcap")?;
    /// let mut seen = Vec::new();
    /// reader.visit_records_at([24 + 17, 24 + 3 * 17], |r| {
    ///     seen.push(r.data[0]);
    ///     Ok::<(), pcap_core::Error>(())
    /// })?;
    /// assert_eq!(seen, [1, 3]);
    /// # Ok::<(), pcap_core::Error>(())
    /// ```
    pub fn visit_records_at<E: From<Error>>(
        &mut self,
        offsets: impl IntoIterator<Item = u64>,
        mut visit: impl FnMut(Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        // The last record error met, and the last offset visited.
        let mut damage: Option<Error> = None;
        let mut previous: Option<u64> = None;
        'wanted: for want in offsets {
            if previous == Some(want) {
                continue;
            }
            if previous.is_some_and(|p| want < p) {
                return Err(self
                    .missing(want, "the offsets are not in ascending order", None)
                    .into());
            }
            previous = Some(want);
            loop {
                let found = match self.next_record() {
                    Ok(Some(rec)) if rec.offset == want => {
                        visit(rec)?;
                        continue 'wanted;
                    }
                    Ok(Some(rec)) => Some(rec.offset),
                    Ok(None) => None,
                    Err(e) => {
                        damage = Some(e);
                        continue;
                    }
                };
                match found {
                    Some(at) if at < want => {}
                    Some(at) => {
                        let why = format!("no record starts there (one starts at byte {at})");
                        return Err(self.missing(want, &why, damage.take()).into());
                    }
                    None => {
                        let why = "the file has no record from there on";
                        return Err(self.missing(want, why, damage.take()).into());
                    }
                }
            }
        }
        Ok(())
    }

    /// The error for offset `want` not found: `why`, and the last damage
    /// met on the way, if any.
    #[cold]
    fn missing(&self, want: u64, why: &str, damage: Option<Error>) -> Error {
        let detail = match damage {
            Some(e) => format!("{why}; last error before it: {e}"),
            None => why.to_string(),
        };
        Error::Malformed {
            layer: "capture",
            field: "record offset",
            offset: 0,
            detail: Cow::Owned(detail),
        }
        .at(Some(self.name()), want)
    }
}
