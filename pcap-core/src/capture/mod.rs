//! Capture files: reading classic pcap and pcapng, writing classic pcap,
//! and generating synthetic captures for tests and benchmarks.
//!
//! # Reading
//!
//! [`CaptureReader`] reads every classic pcap variant (magic `a1b2c3d4`
//! microseconds, `a1b23c4d` nanoseconds, either byte order, and the old
//! "modified" `a1b2cd34` format with 24-byte record headers) and pcapng
//! (several sections of either byte order, several interfaces with their
//! timestamp resolution and offset, Enhanced, Simple and obsolete Packet
//! Blocks; other blocks are skipped). The format is recognised by its magic
//! number, not by the file name.
//!
//! It reads from two kinds of source through one API:
//!
//! * a memory map ([`CaptureReader::open`], the default for files) or bytes
//!   already in memory ([`CaptureReader::from_bytes`]): records are slices
//!   of the file, nothing is copied;
//! * any [`Read`] ([`CaptureReader::from_reader`]: stdin, pipes, sockets),
//!   through an internal buffer that grows only as far as the largest
//!   record needs and never past [`MAX_BLOCK_LEN`].
//!
//! Compressed captures (gzip, zstd; recognised by their first bytes) are
//! decompressed as a stream by [`CaptureReader::open`] and
//! [`CaptureReader::from_reader`], with bounded memory; their offsets are
//! offsets in the uncompressed stream, and damaged compressed data is
//! reported as a [`DecompressError`] (see [`Compression`]).
//!
//! [`CaptureReader::next_record`] is a lending iterator: the [`Record`] it
//! returns borrows the reader until the next call, and carries its byte
//! offset in the file, its timestamp at full precision, captured and
//! original lengths, interface and link type.
//!
//! For a file in memory, [`CaptureReader::records`] walks the same records
//! as a [`Records`] iterator whose records borrow the file itself, for as
//! long as the reader lives: a loop can keep per-packet state that points
//! into the file (say, one reused dissection) across iterations. Both walks
//! share one record loop, so records and errors are the same.
//!
//! ```
//! use pcap_core::capture::{synth, CaptureReader, LinkType, Precision, Timestamp};
//! use pcap_core::Endian;
//!
//! // A two-packet nanosecond big-endian capture, made in memory.
//! let mut file = synth::PcapBuilder::new(Endian::Big, Precision::Nano);
//! file.record(Timestamp::new(1_700_000_000, 123_456_789), 60, &[0xaa; 60]);
//! file.record(Timestamp::new(1_700_000_001, 5), 1514, &[0xbb; 100]);
//! let mut reader = CaptureReader::from_bytes(file.build(), "example.pcap")?;
//!
//! let first = reader.next_record()?.expect("a record");
//! assert_eq!(first.offset, 24);
//! assert_eq!(first.ts.to_string(), "1700000000.123456789");
//! assert_eq!(first.linktype, LinkType::ETHERNET);
//! let second = reader.next_record()?.expect("a record");
//! assert_eq!((second.offset, second.caplen, second.origlen), (24 + 16 + 60, 100, 1514));
//! assert!(reader.next_record()?.is_none());
//! # Ok::<(), pcap_core::Error>(())
//! ```
//!
//! # Errors and damaged files
//!
//! Every error names the file, the byte offset of the record or block at
//! fault (an [`Error::At`] around the cause) and the layer (`pcap`,
//! `pcapng`, or `capture` for an unknown magic). Errors come in two kinds:
//!
//! * **Framing errors** (the file is cut, a length is impossible, a header
//!   is unreadable): the position of the next record is unknown.
//!   `next_record` returns the error once and `Ok(None)` after it. Every
//!   record before the damage has been delivered.
//! * **Record errors** (pcapng only: a packet block whose captured length
//!   does not fit its block, or which names an unknown interface): the block
//!   is skipped, and the next call goes on with the following block.
//!
//! So `while let Some(record) = reader.next_record()? { ... }` stops at the
//! first error, and a loop that reports errors and calls again until
//! `Ok(None)` reads everything that can be read. [`Records`] follows the
//! same rules: `for record in records { ... }` sees each error as an `Err`
//! item and reads everything that can be read. A header that cannot be read at all
//! (unknown magic, pcap version other than 2.x, pcapng section version other
//! than 1.0) makes the constructor fail, with offset 0.
//!
//! Limits, so that no length field sizes an allocation:
//!
//! * classic pcap: a record's captured length must be at most
//!   [`caplen_limit`]`(snaplen)` = max(snaplen, 262 144), capped at
//!   [`MAX_CAPLEN`] (16 MiB). Anything larger is taken as a corrupt header.
//!   (tshark's limit is 262 144 for Ethernet whatever the snaplen.)
//! * pcapng: a block must be at most [`MAX_BLOCK_LEN`] long.
//!
//! Where our policy differs from tshark 4.0:
//!
//! * the reserved high bits of the classic pcap link-type field are ignored
//!   (tshark refuses such files); [`PcapHeader::linktype_field`] keeps them;
//! * a pcapng section version 1.2 is accepted as well as 1.0;
//! * a classic record longer than 262 144 bytes is read if the snaplen
//!   allows it (tshark's Ethernet limit is 262 144 whatever the snaplen).
//!
//! As in tshark, SHB and IDB options that run past their block are a
//! framing error, and so is an `if_tsresol` too fine to count in 64 bits.
//!
//! # Going back to a record
//!
//! [`CaptureReader::record_at`] reads the classic pcap record at a saved
//! offset directly (memory sources), and [`CaptureReader::bytes`] gives the
//! whole mapped file.
//!
//! # Writing
//!
//! [`PcapWriter`] writes classic pcap in either byte order and precision,
//! and copies records byte for byte when the source encoding matches (for
//! carving sessions out of a capture).

mod compressed;
mod forward;
mod headers;
mod linktype;
mod pcap;
mod pcapng;
mod pcapng_writer;
pub mod schema;
mod source;
pub mod synth;
mod timestamp;
mod writer;

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use crate::endian::Endian;
use crate::error::{Error, Limit};

pub use compressed::{
    Compression, DecompressError, Decompressed, READ_CHUNK, ZSTD_WINDOW_LOG_MAX, peek_capture_head,
};
pub use headers::{
    MODIFIED_RECORD_HEADER_LEN, PCAP_FILE_HEADER_LEN, PCAP_RECORD_HEADER_LEN, PcapEncoding,
    PcapHeader,
};
pub use linktype::LinkType;
pub use pcapng_writer::PcapngWriter;
pub use timestamp::{Precision, Timestamp, TsResolution};
pub use writer::{PcapWriter, WriterConfig};

use headers::{Magic, sniff_magic};
use source::{Bytes, Input, MapAhead, MemorySource, SliceInput, Source, StreamSource};

/// The largest captured length accepted in any record (16 MiB).
pub const MAX_CAPLEN: u32 = 16 << 20;

/// The largest pcapng block accepted: [`MAX_CAPLEN`] of packet data plus
/// 64 KiB for block headers and options. Also the most a streaming reader
/// ever buffers.
pub const MAX_BLOCK_LEN: usize = MAX_CAPLEN as usize + (64 << 10);

/// The largest captured length accepted in a classic pcap file with this
/// snaplen: max(snaplen, 262 144), at most [`MAX_CAPLEN`].
///
/// Records longer than the snaplen exist (`trunc-hdr.pcap` has snaplen 1
/// and 8-byte records; many writers put 65535 and then store jumbo
/// frames), hence the 262 144 floor: the largest snaplen libpcap uses.
pub const fn caplen_limit(snaplen: u32) -> u32 {
    let floor = if snaplen > 262_144 { snaplen } else { 262_144 };
    if floor > MAX_CAPLEN {
        MAX_CAPLEN
    } else {
        floor
    }
}

/// One packet record of a capture, borrowed from the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Byte offset in the file of the record header (classic pcap) or of
    /// the packet block (pcapng).
    pub offset: u64,
    /// Capture time, at the file's full precision. Zero for a pcapng Simple
    /// Packet Block, which has none (see [`Record::timestamp`]).
    pub ts: Timestamp,
    /// Captured length: `data.len()`.
    pub caplen: u32,
    /// The packet's length on the wire (more than `caplen` if the capture
    /// cut it).
    pub origlen: u32,
    /// pcapng interface id (0 for classic pcap and for Simple Packet Blocks).
    pub interface: u32,
    /// Link type of the record's interface.
    pub linktype: LinkType,
    /// The captured packet bytes.
    pub data: &'a [u8],
    /// The whole record as stored: the classic record header and data, or
    /// the whole pcapng block. For byte-exact copies.
    pub raw: &'a [u8],
    /// Which kind of record this was and in which encoding.
    pub kind: RecordKind,
}

impl Record<'_> {
    /// The capture time, or `None` for a pcapng Simple Packet Block.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.kind.has_timestamp().then_some(self.ts)
    }

    /// Whether the capture kept fewer bytes than were on the wire.
    pub fn is_truncated(&self) -> bool {
        self.caplen < self.origlen
    }

    /// Byte offset in the file of the first packet byte.
    pub fn data_offset(&self) -> u64 {
        let header = (self.data.as_ptr() as usize).wrapping_sub(self.raw.as_ptr() as usize);
        self.offset + header as u64
    }
}

/// What kind of record a [`Record`] came from, and its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A classic pcap record.
    Pcap(PcapEncoding),
    /// A record of the "modified" pcap format (microseconds, 24-byte header).
    PcapModified(Endian),
    /// A pcapng Enhanced Packet Block, in a section of this byte order.
    Epb(Endian),
    /// A pcapng Simple Packet Block (no timestamp, interface 0).
    Spb(Endian),
    /// An obsolete pcapng Packet Block.
    Pb(Endian),
}

impl RecordKind {
    /// Whether records of this kind carry a timestamp (all but SPB).
    pub const fn has_timestamp(self) -> bool {
        !matches!(self, RecordKind::Spb(_))
    }
}

/// A pcapng section: its byte order and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Section {
    /// Byte order of every block in the section.
    pub endian: Endian,
    /// Major version (1).
    pub version_major: u16,
    /// Minor version (0).
    pub version_minor: u16,
    /// Byte offset of the Section Header Block.
    pub offset: u64,
}

/// The format of a capture being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Classic pcap (including the modified format), with its file header.
    Pcap(PcapHeader),
    /// pcapng; the section being read (each section has its own byte order).
    Pcapng(Section),
}

impl Format {
    /// Byte order of the file (pcapng: of the current section).
    pub fn endian(&self) -> Endian {
        match self {
            Format::Pcap(h) => h.encoding.endian,
            Format::Pcapng(s) => s.endian,
        }
    }

    /// Timestamp precision of a classic pcap file (pcapng: per interface,
    /// see [`CaptureReader::interfaces`]).
    pub fn precision(&self) -> Option<Precision> {
        match self {
            Format::Pcap(h) => Some(h.encoding.precision),
            Format::Pcapng(_) => None,
        }
    }
}

/// `pcap (little-endian, usec)`, `pcap modified (big-endian, usec)`,
/// `pcapng (big-endian)`.
impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = |e: Endian| match e {
            Endian::Big => "big-endian",
            Endian::Little => "little-endian",
        };
        match self {
            Format::Pcap(h) => write!(
                f,
                "pcap{} ({}, {})",
                if h.modified { " modified" } else { "" },
                order(h.encoding.endian),
                h.encoding.precision
            ),
            Format::Pcapng(s) => write!(f, "pcapng ({})", order(s.endian)),
        }
    }
}

/// A capture interface: a pcapng IDB, or the single implicit interface of a
/// classic pcap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interface {
    /// Link type of its packets.
    pub linktype: LinkType,
    /// Maximum captured length (0: none).
    pub snaplen: u32,
    /// Unit of its timestamps.
    pub ts_resolution: TsResolution,
    /// Seconds added to every timestamp (`if_tsoffset`).
    pub ts_offset: i64,
}

/// Why a format reader stopped: the error, where, and whether the framing
/// survived.
pub(crate) struct Fail {
    offset: u64,
    fatal: bool,
    problem: Problem,
}

enum Problem {
    Format(Error),
    Io(io::Error),
}

impl Fail {
    /// A framing error: reading stops.
    #[cold]
    pub(crate) fn fatal(offset: u64, error: Error) -> Fail {
        Fail {
            offset,
            fatal: true,
            problem: Problem::Format(error),
        }
    }

    /// A damaged record inside intact framing: reading can go on.
    #[cold]
    pub(crate) fn record(offset: u64, error: Error) -> Fail {
        Fail {
            offset,
            fatal: false,
            problem: Problem::Format(error),
        }
    }

    /// A read error of the underlying source (treated as fatal).
    #[cold]
    pub(crate) fn io(error: io::Error) -> Fail {
        Fail {
            offset: 0,
            fatal: true,
            problem: Problem::Io(error),
        }
    }

    #[cold]
    fn into_error(self, name: &Path) -> Error {
        match self.problem {
            Problem::Format(e) => e.at(Some(name), self.offset),
            Problem::Io(e) => Error::io(name, e),
        }
    }
}

#[derive(Clone)]
enum State {
    Pcap(pcap::PcapState),
    Pcapng(pcapng::PcapngState),
}

/// Reads the records of a pcap or pcapng capture, from a memory map, bytes
/// in memory or any [`Read`]. See the [module docs](self).
pub struct CaptureReader {
    name: PathBuf,
    source: Source,
    state: State,
    /// Set at the end of input and after a framing error.
    done: bool,
    /// The file's compression, if it is decompressed on the fly.
    compression: Option<Compression>,
}

impl fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureReader")
            .field("name", &self.name)
            .field("format", &self.format())
            .field("position", &self.position())
            .field("done", &self.done)
            .finish()
    }
}

impl CaptureReader {
    /// Opens a capture file by memory-mapping it. Files that cannot be
    /// mapped (pipes, character devices such as `/dev/stdin`) are read as
    /// streams instead, and so are compressed files (gzip, zstd: known by
    /// their first bytes), decompressed on the fly with offsets in the
    /// uncompressed stream.
    ///
    /// The map assumes nobody truncates the file while it is read (as every
    /// memory-mapping reader does): a file shrunk under the map can crash
    /// the process with SIGBUS.
    pub fn open(path: impl AsRef<Path>) -> Result<CaptureReader, Error> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Self::stream(Box::new(file), path.to_path_buf());
        }
        if compressed::sniff_file(&file)
            .map_err(|e| Error::io(path, e))?
            .is_some()
        {
            return Self::stream(Box::new(file), path.to_path_buf());
        }
        // SAFETY: the map is read-only and private to this reader. The one
        // hazard, another process truncating the file meanwhile, is
        // documented above; it is inherent to memory-mapped reading.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        #[cfg(unix)]
        {
            // Only a hint for the kernel's read-ahead; failure is harmless.
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        Self::with_source(
            Source::Memory(MemorySource::new(Bytes::Mapped(map))),
            path.to_path_buf(),
        )
    }

    /// Reads a capture from any [`Read`] (standard input, a pipe, a
    /// decompressor), buffering at most one record (at most
    /// [`MAX_BLOCK_LEN`] bytes) beyond what the reader hands out. A gzip
    /// or zstd stream (known by its first bytes) is decompressed on the
    /// fly. `name` appears in error messages (`-` is customary for stdin).
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        name: &str,
    ) -> Result<CaptureReader, Error> {
        Self::stream(Box::new(reader), PathBuf::from(name))
    }

    /// A streaming reader of `reader`, decompressed if it is compressed.
    fn stream(reader: Box<dyn Read + Send>, name: PathBuf) -> Result<CaptureReader, Error> {
        let (reader, compression) =
            compressed::maybe_decompress(reader).map_err(|e| Error::io(&name, e))?;
        let mut capture = Self::with_source(
            Source::Stream(StreamSource::new(reader, MAX_BLOCK_LEN)),
            name,
        )?;
        capture.compression = compression;
        Ok(capture)
    }

    /// Reads a capture already in memory (`Vec<u8>` or `&'static [u8]`).
    /// `name` appears in error messages.
    pub fn from_bytes(
        bytes: impl Into<Cow<'static, [u8]>>,
        name: &str,
    ) -> Result<CaptureReader, Error> {
        Self::with_source(
            Source::Memory(MemorySource::new(Bytes::Owned(bytes.into()))),
            PathBuf::from(name),
        )
    }

    fn with_source(mut source: Source, name: PathBuf) -> Result<CaptureReader, Error> {
        let state = match &mut source {
            Source::Memory(s) => Self::open_format(s),
            Source::Stream(s) => Self::open_format(s),
        }
        .map_err(|f| f.into_error(&name))?;
        Ok(CaptureReader {
            name,
            source,
            state,
            done: false,
            compression: None,
        })
    }

    fn open_format<I: Input>(src: &mut I) -> Result<State, Fail> {
        let avail = src.fill(4).map_err(Fail::io)?;
        let Some(&magic) = src.window().first_chunk::<4>() else {
            return Err(Fail::fatal(
                0,
                Error::Truncated {
                    layer: "capture",
                    field: "magic number",
                    offset: 0,
                    needed: 4,
                    available: avail,
                    limit: Limit::Buffer,
                },
            ));
        };
        match sniff_magic(magic) {
            Some(Magic::Pcap { .. }) => pcap::open(src).map(State::Pcap),
            Some(Magic::Pcapng) => pcapng::open(src).map(State::Pcapng),
            None => Err(Fail::fatal(
                0,
                Error::Unsupported {
                    layer: "capture",
                    detail: Cow::Owned(format!(
                        "unknown magic number {:02x?}: not a pcap or pcapng file",
                        magic
                    )),
                },
            )),
        }
    }

    /// The next record; `Ok(None)` at the end of the file and after a
    /// framing error. See the [module docs](self#errors-and-damaged-files)
    /// for which errors can be followed by more records.
    #[inline]
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, Error> {
        if self.done {
            return Ok(None);
        }
        let result = match &mut self.source {
            Source::Memory(s) => step(s, &mut self.state),
            Source::Stream(s) => step(s, &mut self.state),
        };
        settle(result, &mut self.done, &self.name)
    }

    /// The records from the current position on, as an iterator whose
    /// records borrow the file for as long as the reader lives (not just
    /// until the next call, as with [`CaptureReader::next_record`]); `None`
    /// for a streaming source ([`CaptureReader::from_reader`], or a file
    /// that could not be mapped), whose bytes do not outlive its buffer.
    ///
    /// The walk does not move this reader; it yields exactly what calls to
    /// `next_record` from the same point would, errors included (see the
    /// [module docs](self#errors-and-damaged-files)).
    ///
    /// ```
    /// use pcap_core::capture::{synth, CaptureReader, Precision, Record, Timestamp};
    /// use pcap_core::Endian;
    ///
    /// let mut file = synth::PcapBuilder::new(Endian::Little, Precision::Micro);
    /// file.record(Timestamp::new(1, 0), 4, b"abcd");
    /// file.record(Timestamp::new(2, 0), 2, b"ef");
    /// let reader = CaptureReader::from_bytes(file.build(), "example.pcap")?;
    /// // The records outlive the loop that read them.
    /// let records: Vec<Record<'_>> = reader.records().expect("in memory").collect::<Result<_, _>>()?;
    /// assert_eq!(records.iter().map(|r| r.data).collect::<Vec<_>>(), [&b"abcd"[..], b"ef"]);
    /// # Ok::<(), pcap_core::Error>(())
    /// ```
    pub fn records(&self) -> Option<Records<'_>> {
        let Source::Memory(mem) = &self.source else {
            return None;
        };
        let all = mem.all();
        let start = usize::try_from(mem.position()).unwrap_or(all.len());
        Some(Records {
            name: &self.name,
            all,
            bytes: mem.bytes(),
            map_ahead: MapAhead::default(),
            input: SliceInput::at(all, start),
            state: self.state.clone(),
            done: self.done,
        })
    }

    /// The record at byte `offset` (a [`Record::offset`] saved earlier),
    /// read directly, for pcapng too: `context` is the file's
    /// [`pcapng_context`](CaptureReader::pcapng_context) saved after a walk
    /// (ignored for classic pcap, which needs none; see
    /// [`CaptureReader::record_at`]). The last section header before
    /// `offset` and the interface descriptions after it are read again
    /// from there, then the block at `offset`, which must be a packet
    /// block.
    ///
    /// ```
    /// use pcap_core::Endian;
    /// use pcap_core::capture::{CaptureReader, LinkType, Timestamp};
    /// use pcap_core::capture::synth::PcapngBuilder;
    ///
    /// let mut b = PcapngBuilder::new(Endian::Little);
    /// b.interface(LinkType::ETHERNET, 0).epb(0, Timestamp::new(1, 0), 4, b"abcd");
    /// b.section(Endian::Big).interface(LinkType::RAW, 0).epb(0, Timestamp::new(2, 0), 2, b"ef");
    /// let reader = CaptureReader::from_bytes(b.build(), "two-sections.pcapng")?;
    /// let mut records = reader.records().expect("in memory");
    /// let mut offsets = Vec::new();
    /// while let Some(r) = records.next_record()? {
    ///     offsets.push(r.offset);
    /// }
    /// let context = records.pcapng_context().expect("pcapng").to_vec();
    /// let second = reader.record_at_with(offsets[1], &context)?;
    /// assert_eq!((second.data, second.linktype), (&b"ef"[..], LinkType::RAW));
    /// # Ok::<(), pcap_core::Error>(())
    /// ```
    pub fn record_at_with(&self, offset: u64, context: &[u64]) -> Result<Record<'_>, Error> {
        if let State::Pcap(_) = &self.state {
            return self.record_at(offset);
        }
        let located = |e: Error| e.at(Some(&self.name), offset);
        let Source::Memory(mem) = &self.source else {
            return Err(located(Error::Unsupported {
                layer: "capture",
                detail: Cow::Borrowed("reading a record by offset needs the file in memory"),
            }));
        };
        let all = mem.all();
        let start_of = |at: u64| {
            usize::try_from(at)
                .ok()
                .filter(|&o| o < all.len())
                .ok_or_else(|| {
                    located(Error::InvalidLength {
                        layer: "pcapng",
                        field: "offset",
                        offset: 0,
                        detail: Cow::Owned(format!(
                            "no block can start at byte {at} of a {}-byte file",
                            all.len()
                        )),
                    })
                })
        };
        // Only the blocks from the last section header before `offset` on
        // matter (a section header forgets the interfaces before it).
        let before = &context[..context.partition_point(|&at| at < offset)];
        let is_shb = |at: u64| {
            let start = usize::try_from(at).unwrap_or(usize::MAX);
            all.get(start..)
                .is_some_and(|b| b.starts_with(&headers::PCAPNG_SHB_BYTES))
        };
        let section = before.iter().rposition(|&at| is_shb(at)).unwrap_or(0);
        let mut st = pcapng::PcapngState::empty();
        for &at in &before[section..] {
            let mut input = SliceInput::at(all, start_of(at)?);
            pcapng::absorb_context(&mut input, &mut st, at)
                .map_err(|f| f.into_error(&self.name))?;
        }
        if st.context.as_ref().is_none_or(|c| c.is_empty()) {
            return Err(located(Error::Malformed {
                layer: "pcapng",
                field: "context",
                offset: 0,
                detail: Cow::Borrowed("no section header before this offset in the context given"),
            }));
        }
        let mut input = SliceInput::at(all, start_of(offset)?);
        match pcapng::next(&mut input, &mut st) {
            Ok(Some(r)) if r.offset == offset => Ok(rebase(all, r)),
            Ok(_) => Err(located(Error::Malformed {
                layer: "pcapng",
                field: "block type",
                offset: 0,
                detail: Cow::Borrowed("no packet block at this offset"),
            })),
            Err(fail) => Err(fail.into_error(&self.name)),
        }
    }

    /// The classic pcap record at byte `offset` (a [`Record::offset`] saved
    /// earlier), read directly, without walking the file or moving this
    /// reader: for pulling back the packets of one session.
    ///
    /// Needs the file in memory ([`CaptureReader::open`] on a regular file,
    /// or [`CaptureReader::from_bytes`]) and a classic pcap file; pcapng
    /// records depend on the section and interfaces before them and are
    /// refused here (walk with [`CaptureReader::next_record`] instead). The
    /// record is checked like any other; an offset that is not a record
    /// boundary usually fails those checks, but this cannot be guaranteed:
    /// compare the result with what was saved.
    pub fn record_at(&self, offset: u64) -> Result<Record<'_>, Error> {
        let located = |e: Error| e.at(Some(&self.name), offset);
        let (Source::Memory(mem), State::Pcap(st)) = (&self.source, &self.state) else {
            return Err(located(Error::Unsupported {
                layer: "capture",
                detail: Cow::Borrowed(
                    "reading a record by offset needs a classic pcap file in memory (not pcapng, not a stream)",
                ),
            }));
        };
        let all = mem.all();
        let start = usize::try_from(offset)
            .ok()
            .filter(|o| *o >= PCAP_FILE_HEADER_LEN && *o < all.len());
        let Some(start) = start else {
            return Err(located(Error::InvalidLength {
                layer: "pcap",
                field: "offset",
                offset: 0,
                detail: Cow::Owned(format!(
                    "no record can start at byte {offset} of a {}-byte file",
                    all.len()
                )),
            }));
        };
        let mut input = SliceInput::at(all, start);
        match pcap::next(&mut input, st) {
            // Re-borrow the slices from the file itself: `input` is local.
            Ok(Some(r)) => Ok(rebase(all, r)),
            Ok(None) => Err(located(Error::Truncated {
                layer: "pcap",
                field: "record header",
                offset: 0,
                needed: PCAP_RECORD_HEADER_LEN,
                available: 0,
                limit: Limit::Buffer,
            })),
            Err(fail) => Err(fail.into_error(&self.name)),
        }
    }

    /// The file's format: classic pcap with its header, or pcapng with the
    /// section being read.
    pub fn format(&self) -> Format {
        match &self.state {
            State::Pcap(st) => Format::Pcap(st.header),
            State::Pcapng(st) => Format::Pcapng(st.section),
        }
    }

    /// The interfaces of the current pcapng section (as far as read), or the
    /// single implicit interface of a classic pcap file.
    pub fn interfaces(&self) -> &[Interface] {
        match &self.state {
            State::Pcap(st) => &st.interfaces,
            State::Pcapng(st) => &st.interfaces,
        }
    }

    /// For pcapng: the byte offsets of every section header (SHB) and
    /// interface description (IDB) read so far, in file order. After a
    /// walk over the whole file, kept with a record's offset, they are
    /// what [`CaptureReader::record_at_with`] needs to read that record
    /// again directly. `None` for classic pcap, and for a file with more
    /// than 65,536 of these blocks.
    pub fn pcapng_context(&self) -> Option<&[u64]> {
        pcapng_context(&self.state)
    }

    /// The name used in error messages (the path for [`CaptureReader::open`]).
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// Byte offset of the next record or block to read.
    pub fn position(&self) -> u64 {
        match &self.source {
            Source::Memory(s) => s.position(),
            Source::Stream(s) => s.position(),
        }
    }

    /// The whole file, when it is in memory (memory map or bytes): for
    /// going back to a record by its offset without re-reading.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Memory(s) => Some(s.all()),
            Source::Stream(_) => None,
        }
    }

    /// Whether the end of the file or a framing error has been reached.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The compression of the file, decompressed on the fly (`None` for a
    /// plain capture). A compressed capture is a stream: no
    /// [`bytes`](CaptureReader::bytes), no [`records`](CaptureReader::records),
    /// no [`record_at`](CaptureReader::record_at); go back to records by
    /// walking forward ([`CaptureReader::visit_records_at`]).
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }
}

/// One step of the format reader for `state` over `src`: the shared record
/// loop of [`CaptureReader::next_record`] and [`Records`].
#[inline(always)]
fn step<'s, I: Input>(src: &'s mut I, state: &mut State) -> Result<Option<Record<'s>>, Fail> {
    match state {
        State::Pcap(st) => pcap::next(src, st),
        State::Pcapng(st) => pcapng::next(src, st),
    }
}

/// Turns a step's outcome into the public result, and sets `done` at the
/// end of the input and after a framing error (a record error leaves the
/// walk going).
#[inline(always)]
fn settle<'r>(
    result: Result<Option<Record<'r>>, Fail>,
    done: &mut bool,
    name: &Path,
) -> Result<Option<Record<'r>>, Error> {
    match result {
        Ok(Some(record)) => Ok(Some(record)),
        Ok(None) => {
            *done = true;
            Ok(None)
        }
        Err(fail) => {
            *done |= fail.fatal;
            Err(fail.into_error(name))
        }
    }
}

/// `record`, read through a [`SliceInput`] over `all` (so its offset is a
/// position in `all`), with its slices borrowed from `all` itself rather
/// than from the input.
#[inline(always)]
/// The context of a pcapng state (see [`CaptureReader::pcapng_context`]).
fn pcapng_context(state: &State) -> Option<&[u64]> {
    match state {
        State::Pcap(_) => None,
        State::Pcapng(st) => st.context.as_deref(),
    }
}

fn rebase<'a>(all: &'a [u8], record: Record<'_>) -> Record<'a> {
    let start = usize::try_from(record.offset).unwrap_or(usize::MAX);
    let raw = start
        .checked_add(record.raw.len())
        .and_then(|end| all.get(start..end))
        .unwrap_or_default();
    // Where the packet bytes start inside the stored record.
    let head = (record.data.as_ptr() as usize).wrapping_sub(record.raw.as_ptr() as usize);
    let data = head
        .checked_add(record.data.len())
        .and_then(|end| raw.get(head..end))
        .unwrap_or_default();
    Record {
        data,
        raw,
        ..record
    }
}

/// The records of a capture in memory, borrowing the file: see
/// [`CaptureReader::records`].
///
/// As an [`Iterator`], it yields a record error as an `Err` item and goes
/// on with the next block, and ends after a framing error (yielded once).
pub struct Records<'a> {
    name: &'a Path,
    all: &'a [u8],
    /// The file's bytes (its map), for mapping pages ahead.
    bytes: &'a Bytes,
    map_ahead: MapAhead,
    input: SliceInput<'a>,
    /// A copy of the reader's state: pcapng sections and interfaces change
    /// as the walk goes.
    state: State,
    /// Set at the end of input and after a framing error.
    done: bool,
}

impl fmt::Debug for Records<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Records")
            .field("name", &self.name)
            .field("position", &self.position())
            .field("done", &self.done)
            .finish()
    }
}

impl<'a> Records<'a> {
    /// The next record; `Ok(None)` at the end of the file and after a
    /// framing error, as [`CaptureReader::next_record`].
    #[inline]
    pub fn next_record(&mut self) -> Result<Option<Record<'a>>, Error> {
        if self.done {
            return Ok(None);
        }
        let pos = usize::try_from(self.input.position()).unwrap_or(usize::MAX);
        self.map_ahead.reached(self.bytes, pos);
        let result = step(&mut self.input, &mut self.state);
        let all = self.all;
        settle(result, &mut self.done, self.name).map(|r| r.map(|r| rebase(all, r)))
    }

    /// Byte offset of the next record or block to read.
    pub fn position(&self) -> u64 {
        self.input.position()
    }

    /// Drops the pages of a memory-mapped file more than 16 MiB behind
    /// this walk from the process as it goes (`MADV_DONTNEED`; Unix), so
    /// that walking a large file keeps a few MiB of it resident instead of
    /// all of it. The records already returned stay valid: their pages are
    /// mapped back from the page cache if they are read again (at the cost
    /// of a page fault). For a walk that goes through a file once, and that
    /// is the last to read its pages (another walk ahead of it keeps its
    /// own pages).
    pub fn release_behind(mut self) -> Self {
        self.map_ahead.release_behind();
        self
    }

    /// See [`CaptureReader::pcapng_context`].
    pub fn pcapng_context(&self) -> Option<&[u64]> {
        pcapng_context(&self.state)
    }

    /// Whether the end of the file or a framing error has been reached.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The interfaces of the current pcapng section (as far as read), or the
    /// single implicit interface of a classic pcap file.
    pub fn interfaces(&self) -> &[Interface] {
        match &self.state {
            State::Pcap(st) => &st.interfaces,
            State::Pcapng(st) => &st.interfaces,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}
