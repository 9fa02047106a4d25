//! [`PcapWriter`]: writes classic pcap files (either byte order, micro- or
//! nanosecond timestamps) to any [`Write`], for carving sessions out of
//! captures and for tests.
//!
//! Records can be encoded from their parts ([`PcapWriter::write_record`]) or
//! copied byte for byte from a source in the same encoding
//! ([`PcapWriter::write_raw_record`], [`PcapWriter::copy_record`]), which
//! keeps a carved packet identical to the captured one.

use std::io::{self, Write};

use crate::endian::Endian;

use super::headers::{
    PCAP_RECORD_HEADER_LEN, PcapEncoding, PcapHeader, PcapRecordHeader, encode_pcap_header,
    encode_pcap_record, pcap_record_caplen,
};
use super::linktype::LinkType;
use super::timestamp::{Precision, Timestamp};
use super::{Record, RecordKind};

/// What a [`PcapWriter`] writes in the file header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriterConfig {
    /// Byte order and timestamp precision of every header.
    pub encoding: PcapEncoding,
    /// Link type of every record.
    pub linktype: LinkType,
    /// The snaplen to announce. The writer does not cut packets to it.
    pub snaplen: u32,
}

impl Default for WriterConfig {
    /// This machine's byte order, microseconds, Ethernet, snaplen 262144.
    fn default() -> Self {
        WriterConfig {
            encoding: PcapEncoding::NATIVE_MICRO,
            linktype: LinkType::ETHERNET,
            snaplen: 262_144,
        }
    }
}

impl WriterConfig {
    /// The config that reproduces a source file's header (byte order,
    /// precision, link type, snaplen), so its records can be copied raw.
    /// For a "modified" source the records will be re-encoded instead.
    pub fn like(header: &PcapHeader) -> WriterConfig {
        WriterConfig {
            encoding: header.encoding,
            linktype: header.linktype(),
            snaplen: header.snaplen,
        }
    }
}

/// Writes a classic pcap file: the 24-byte header at creation, then records.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    config: WriterConfig,
    /// Bytes written so far: the offset of the next record.
    position: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header (version 2.4) and returns the writer.
    pub fn new(mut out: W, config: WriterConfig) -> io::Result<PcapWriter<W>> {
        let header = PcapHeader {
            encoding: config.encoding,
            modified: false,
            version_major: 2,
            version_minor: 4,
            thiszone: 0,
            sigfigs: 0,
            snaplen: config.snaplen,
            linktype_field: u32::from(config.linktype.0),
        };
        let bytes = encode_pcap_header(&header);
        out.write_all(&bytes)?;
        Ok(PcapWriter {
            out,
            config,
            position: bytes.len() as u64,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &WriterConfig {
        &self.config
    }

    /// Byte offset at which the next record will be written.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Encodes and writes one record; returns its offset in the output.
    ///
    /// The timestamp must be between the epoch and 2106 (pcap stores
    /// unsigned 32-bit seconds); a microsecond file drops the last three
    /// digits of the nanoseconds. `data` is written whole, even if longer
    /// than the snaplen.
    pub fn write_record(&mut self, ts: Timestamp, origlen: u32, data: &[u8]) -> io::Result<u64> {
        // A hand-built timestamp may carry whole seconds in `nanos`.
        let ts = Timestamp::new(ts.secs, ts.nanos);
        let ts_sec = u32::try_from(ts.secs).map_err(|_| {
            invalid(format!(
                "timestamp {ts} is outside the range of pcap (1970 to 2106)"
            ))
        })?;
        let caplen = u32::try_from(data.len())
            .map_err(|_| invalid(format!("packet of {} bytes is too long", data.len())))?;
        let header = encode_pcap_record(
            self.config.encoding.endian,
            PcapRecordHeader {
                ts_sec,
                ts_frac: self.config.encoding.precision.fraction(ts),
                caplen,
                origlen,
            },
        );
        let offset = self.position;
        self.out.write_all(&header)?;
        self.out.write_all(data)?;
        self.position += (header.len() + data.len()) as u64;
        Ok(offset)
    }

    /// Writes a record exactly as given: a classic record header in this
    /// writer's encoding followed by its data (a [`Record::raw`] from a
    /// source with the same encoding). Returns its offset in the output.
    ///
    /// The record header's captured length must equal the data that
    /// follows; a record in the other byte order fails this check, a record
    /// in the other precision cannot be detected (use
    /// [`PcapWriter::copy_record`], which knows).
    pub fn write_raw_record(&mut self, raw: &[u8]) -> io::Result<u64> {
        let Some(header) = raw.first_chunk::<PCAP_RECORD_HEADER_LEN>() else {
            return Err(invalid(format!(
                "a raw record has at least {PCAP_RECORD_HEADER_LEN} bytes, not {}",
                raw.len()
            )));
        };
        let caplen = pcap_record_caplen(self.config.encoding.endian, header);
        if caplen as usize != raw.len() - PCAP_RECORD_HEADER_LEN {
            return Err(invalid(format!(
                "raw record header says {caplen} captured bytes, {} follow (wrong byte order?)",
                raw.len() - PCAP_RECORD_HEADER_LEN
            )));
        }
        let offset = self.position;
        self.out.write_all(raw)?;
        self.position += raw.len() as u64;
        Ok(offset)
    }

    /// Copies a record read by a [`super::CaptureReader`]: byte for byte if
    /// it is a classic pcap record in this writer's encoding, re-encoded
    /// otherwise (a pcapng Simple Packet Block, which has no timestamp, gets
    /// the epoch). Fails if its link type is not this file's.
    pub fn copy_record(&mut self, record: &Record<'_>) -> io::Result<u64> {
        if record.linktype != self.config.linktype {
            return Err(invalid(format!(
                "record of link type {} cannot go in a file of link type {}",
                record.linktype, self.config.linktype
            )));
        }
        if record.kind == RecordKind::Pcap(self.config.encoding) {
            self.write_raw_record(record.raw)
        } else {
            self.write_record(record.ts, record.origlen, record.data)
        }
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> PcapWriter<W> {
    /// Shorthand for [`PcapWriter::new`]: Ethernet, snaplen 262144, the
    /// given byte order and precision.
    pub fn ethernet(out: W, endian: Endian, precision: Precision) -> io::Result<PcapWriter<W>> {
        PcapWriter::new(
            out,
            WriterConfig {
                encoding: PcapEncoding { endian, precision },
                ..WriterConfig::default()
            },
        )
    }
}

#[cold]
fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::CaptureReader;

    #[test]
    fn writes_header_and_records_in_each_encoding() {
        for endian in [Endian::Little, Endian::Big] {
            for precision in [Precision::Micro, Precision::Nano] {
                let mut w = PcapWriter::ethernet(Vec::new(), endian, precision).unwrap();
                let ts = Timestamp::new(1_600_000_000, 123_456_789);
                assert_eq!(w.write_record(ts, 100, &[1, 2, 3]).unwrap(), 24);
                assert_eq!(w.position(), 24 + 16 + 3);
                let bytes = w.into_inner().unwrap();
                let mut r = CaptureReader::from_bytes(bytes, "w.pcap").unwrap();
                let rec = r.next_record().unwrap().unwrap();
                let want = match precision {
                    Precision::Micro => Timestamp::new(1_600_000_000, 123_456_000),
                    Precision::Nano => ts,
                };
                assert_eq!(
                    (rec.ts, rec.origlen, rec.data),
                    (want, 100, &[1u8, 2, 3][..])
                );
            }
        }
    }

    #[test]
    fn refuses_unrepresentable_input() {
        let mut w = PcapWriter::new(Vec::new(), WriterConfig::default()).unwrap();
        assert!(w.write_record(Timestamp::new(-1, 0), 1, &[0]).is_err());
        assert!(w.write_record(Timestamp::new(1 << 32, 0), 1, &[0]).is_err());
        assert!(w.write_raw_record(&[0; 5]).is_err());
        // A big-endian record header given to a little-endian writer.
        let mut be = vec![0u8; 16];
        be[11] = 2;
        be.extend_from_slice(&[9, 9]);
        let mut le = PcapWriter::ethernet(Vec::new(), Endian::Little, Precision::Micro).unwrap();
        assert!(le.write_raw_record(&be).is_err());
        let mut bw = PcapWriter::ethernet(Vec::new(), Endian::Big, Precision::Micro).unwrap();
        assert_eq!(bw.write_raw_record(&be).unwrap(), 24);
    }
}
