//! Byte sources for the capture readers: a whole file in memory (memory map,
//! owned or static bytes) or any [`Read`] behind a bounded buffer.
//!
//! Both implement [`Input`], a minimal "make `n` bytes visible, then consume
//! them" interface. The format readers are generic over it, so the memory
//! case compiles to plain slice indexing.
//!
//! The streaming buffer grows only when a record needs more room, and never
//! past its `max` ([`super::MAX_BLOCK_LEN`]): the format readers check every
//! length read from the file against that limit *before* asking for the
//! bytes, so no length field can make this module allocate more.

use std::borrow::Cow;
use std::io::{self, Read};

use memmap2::Mmap;

/// "Make bytes visible, then consume them": what the format readers need
/// from a byte source.
pub(crate) trait Input {
    /// Makes at least `n` bytes visible from the current position if the
    /// input has that many left; returns how many are visible (fewer than
    /// `n` only at the end of the input).
    fn fill(&mut self, n: usize) -> io::Result<usize>;

    /// The visible bytes from the current position.
    fn window(&self) -> &[u8];

    /// Consumes `n` visible bytes and returns them; they stay valid until
    /// the next call that takes `&mut self`. Never consumes more than is
    /// visible.
    fn advance(&mut self, n: usize) -> &[u8];

    /// [`advance`](Input::advance) past a record, and a hint that the
    /// records after it are about to be read: `record_len` gives a record's
    /// total length from its first bytes (`None` if they do not say). A
    /// source in memory asks the CPU to load the next two records' first
    /// cache lines; a stream does nothing more than `advance`.
    #[inline(always)]
    fn advance_record(&mut self, n: usize, record_len: impl Fn(&[u8]) -> Option<usize>) -> &[u8] {
        let _ = record_len;
        self.advance(n)
    }

    /// Absolute byte offset of the current position in the file.
    fn position(&self) -> u64;
}

/// The bytes of a file held in memory.
pub(crate) enum Bytes {
    /// A read-only memory map of the file.
    Mapped(Mmap),
    /// Bytes handed over by the caller.
    Owned(Cow<'static, [u8]>),
}

impl Bytes {
    #[inline(always)]
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(b) => b,
        }
    }
}

/// How many bytes of a memory-mapped file [`MapAhead`] maps at a time.
const MAP_AHEAD_WINDOW: usize = 16 << 20;

/// Maps the pages of a memory-mapped file into the process a window ahead
/// of the reader (`MADV_POPULATE_READ`, Linux 5.14+; elsewhere, or on
/// failure, nothing happens and pages are mapped on first touch as usual).
///
/// A walk over a mapped file otherwise takes a page fault every few dozen
/// records (the kernel maps 64 KiB around each fault), and the CPU's
/// prefetches into pages not yet mapped are dropped. One system call per
/// 16 MiB window does the same mapping in bulk (`pcapdig index` of a
/// 650 MB file: 12,800 page faults before, 2,900 after). Windows, not the
/// whole file at open,
/// so a reader that only looks at a few records (carving by offset) or a
/// file larger than memory does not pay for the rest.
///
/// With [`release_behind`](MapAhead::release_behind), it also drops the
/// pages more than a window behind the reader from the process
/// (`MADV_DONTNEED`): the file stays in the page cache, but the process's
/// resident memory stays a few windows instead of growing to the whole
/// file (`pcapdig index` of a 1 GiB capture: 1.1 GB resident before).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MapAhead {
    /// Bytes `..mapped` were asked for.
    mapped: usize,
    /// Whether pages behind the reader are dropped.
    release: bool,
    /// Bytes `..released` were dropped.
    released: usize,
}

impl MapAhead {
    /// Asks for the next window once the reader at `pos` is within half a
    /// window of the end of what was asked for.
    #[inline(always)]
    pub(crate) fn reached(&mut self, bytes: &Bytes, pos: usize) {
        if pos.saturating_add(MAP_AHEAD_WINDOW / 2) >= self.mapped {
            self.map_next(bytes, pos);
        }
    }

    /// From now on, drop the pages more than a window behind the reader.
    pub(crate) fn release_behind(&mut self) {
        self.release = true;
    }

    #[cold]
    #[inline(never)]
    fn map_next(&mut self, bytes: &Bytes, pos: usize) {
        let start = self.mapped.max(pos);
        self.mapped = start.saturating_add(MAP_AHEAD_WINDOW);
        #[cfg(target_os = "linux")]
        if let Bytes::Mapped(map) = bytes {
            let len = MAP_AHEAD_WINDOW.min(map.len().saturating_sub(start));
            if len > 0 {
                // A hint: failure (an older kernel) changes nothing.
                let _ = map.advise_range(memmap2::Advice::PopulateRead, start, len);
            }
        }
        #[cfg(unix)]
        if self.release
            && let Bytes::Mapped(map) = bytes
        {
            // Whole 64 KiB blocks (a multiple of any page size), a window
            // behind: a record read a little earlier may still be looked at.
            let end = pos.saturating_sub(MAP_AHEAD_WINDOW) & !0xffff;
            if end > self.released {
                // SAFETY: the map is a read-only private mapping of a file
                // that is never written through it, so no page of it holds
                // anything but the file's bytes: MADV_DONTNEED only unmaps
                // them from this process, and a later access (a record
                // still borrowed) maps the same bytes back from the page
                // cache. The range is within the map (`end <= pos <= len`).
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        self.released,
                        end - self.released,
                    )
                };
                self.released = end;
            }
        }
        #[cfg(not(unix))]
        let _ = bytes;
    }
}

/// A whole file in memory; reading is slicing.
pub(crate) struct MemorySource {
    bytes: Bytes,
    /// Current position; never past the end.
    pos: usize,
    map_ahead: MapAhead,
}

impl MemorySource {
    pub(crate) fn new(bytes: Bytes) -> Self {
        MemorySource {
            bytes,
            pos: 0,
            map_ahead: MapAhead::default(),
        }
    }

    /// The bytes, for [`MapAhead::reached`].
    #[inline(always)]
    pub(crate) fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The whole file.
    #[inline(always)]
    pub(crate) fn all(&self) -> &[u8] {
        self.bytes.as_slice()
    }
}

impl Input for MemorySource {
    #[inline(always)]
    fn fill(&mut self, _n: usize) -> io::Result<usize> {
        Ok(self.bytes.as_slice().len() - self.pos)
    }

    #[inline(always)]
    fn window(&self) -> &[u8] {
        self.bytes.as_slice().get(self.pos..).unwrap_or_default()
    }

    #[inline(always)]
    fn advance(&mut self, n: usize) -> &[u8] {
        let all = self.bytes.as_slice();
        let start = self.pos;
        let end = start.saturating_add(n).min(all.len());
        self.pos = end;
        prefetch(all, end.saturating_add(PREFETCH_DISTANCE));
        all.get(start..end).unwrap_or_default()
    }

    #[inline(always)]
    fn advance_record(&mut self, n: usize, record_len: impl Fn(&[u8]) -> Option<usize>) -> &[u8] {
        self.map_ahead.reached(&self.bytes, self.pos);
        let all = self.bytes.as_slice();
        let start = self.pos;
        let end = start.saturating_add(n).min(all.len());
        self.pos = end;
        prefetch_records(all, end, record_len);
        all.get(start..end).unwrap_or_default()
    }

    #[inline(always)]
    fn position(&self) -> u64 {
        self.pos as u64
    }
}

/// Hints the CPU to load the record at `next` and the one after it (whose
/// position `record_len` reads from the first), two cache lines each: a
/// record's header and the packet headers behind it.
///
/// Walking records is a chain of dependent loads (each record's length
/// says where the next one is), and records longer than a few cache lines
/// defeat the hardware's stride prefetcher, so without this every record
/// header is a full memory round trip. Reading the next record's length
/// here does not wait on memory in the steady state: it was hinted one
/// record earlier, as "the one after".
#[inline(always)]
fn prefetch_records(all: &[u8], next: usize, record_len: impl Fn(&[u8]) -> Option<usize>) {
    prefetch(all, next.saturating_add(PREFETCH_DISTANCE));
    prefetch(all, next);
    prefetch(all, next.saturating_add(64));
    let after = all
        .get(next..)
        .and_then(record_len)
        .map(|len| next.saturating_add(len));
    if let Some(after) = after {
        prefetch(all, after);
        prefetch(all, after.saturating_add(64));
    }
}

/// How far ahead of the current record [`MemorySource`] asks the CPU to
/// start loading. Walking records is a chain of dependent loads (each
/// record's length says where the next one is), so without a hint every
/// header is a full memory round trip; with it, a walk over a file in the
/// page cache runs about 1.5x faster (measured with `benches/capture.rs`).
const PREFETCH_DISTANCE: usize = 4096;

/// Hints the CPU to load the cache line holding `bytes[at]` (nothing if `at`
/// is past the end).
#[inline(always)]
fn prefetch(bytes: &[u8], at: usize) {
    if at < bytes.len() {
        crate::hint::prefetch(bytes.as_ptr().wrapping_add(at));
    }
}

/// A borrowed slice read from a given position: for going back to one
/// record by its offset without touching the reader's own position.
pub(crate) struct SliceInput<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> SliceInput<'a> {
    /// Reads `bytes` from `pos` (clamped to the end).
    pub(crate) fn at(bytes: &'a [u8], pos: usize) -> Self {
        SliceInput {
            bytes,
            pos: pos.min(bytes.len()),
        }
    }
}

impl Input for SliceInput<'_> {
    #[inline(always)]
    fn fill(&mut self, _n: usize) -> io::Result<usize> {
        Ok(self.bytes.len() - self.pos)
    }

    #[inline(always)]
    fn window(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    #[inline(always)]
    fn advance(&mut self, n: usize) -> &[u8] {
        let start = self.pos;
        let end = start.saturating_add(n).min(self.bytes.len());
        self.pos = end;
        prefetch(self.bytes, end.saturating_add(PREFETCH_DISTANCE));
        self.bytes.get(start..end).unwrap_or_default()
    }

    #[inline(always)]
    fn advance_record(&mut self, n: usize, record_len: impl Fn(&[u8]) -> Option<usize>) -> &[u8] {
        let start = self.pos;
        let end = start.saturating_add(n).min(self.bytes.len());
        self.pos = end;
        prefetch_records(self.bytes, end, record_len);
        self.bytes.get(start..end).unwrap_or_default()
    }

    #[inline(always)]
    fn position(&self) -> u64 {
        self.pos as u64
    }
}

/// Size of the first buffer allocation of a [`StreamSource`]: big enough
/// that reads are large, small enough not to matter for a tiny pipe.
const INITIAL_BUFFER: usize = 256 * 1024;

/// A [`Read`] behind a buffer that holds at least the current record.
pub(crate) struct StreamSource {
    reader: Box<dyn Read + Send>,
    /// `buf[start..end]` is visible and unconsumed; `buf[..start]` was
    /// consumed (the last [`Input::advance`] result lives there until the
    /// next `fill` compacts).
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Absolute file offset of `buf[start]`.
    offset: u64,
    /// The reader returned 0 once; it is not asked again.
    eof: bool,
    /// The buffer never grows past this.
    max: usize,
}

impl StreamSource {
    pub(crate) fn new(reader: Box<dyn Read + Send>, max: usize) -> Self {
        StreamSource {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
            max,
        }
    }
}

impl Input for StreamSource {
    fn fill(&mut self, n: usize) -> io::Result<usize> {
        // Callers check lengths against `max` first; clamp anyway so a bug
        // there cannot turn into a huge allocation.
        let n = n.min(self.max);
        if self.end - self.start >= n || self.eof {
            return Ok(self.end - self.start);
        }
        // Not enough room after `start`: move the unconsumed tail to the
        // front. This copies at most one partial record per buffer's worth.
        if self.buf.len() - self.start < n {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() < n {
            let grown = n.max(self.buf.len() * 2).max(INITIAL_BUFFER).min(self.max);
            self.buf.resize(grown, 0);
        }
        while self.end - self.start < n {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }

    #[inline]
    fn window(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    #[inline]
    fn advance(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.end - self.start);
        let start = self.start;
        self.start += n;
        self.offset += n as u64;
        &self.buf[start..start + n]
    }

    #[inline]
    fn position(&self) -> u64 {
        self.offset
    }
}

/// One of the two kinds of source.
pub(crate) enum Source {
    Memory(MemorySource),
    Stream(StreamSource),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most 3 bytes per call, to exercise the
    /// refill loop.
    struct Trickle(Vec<u8>, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(3).min(self.0.len() - self.1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    #[test]
    fn stream_fills_across_small_reads_and_keeps_offsets() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mut s = StreamSource::new(Box::new(Trickle(data.clone(), 0)), 4096);
        assert!(s.fill(10).unwrap() >= 10);
        assert_eq!(s.advance(10), &data[..10]);
        assert_eq!(s.position(), 10);
        assert_eq!(s.fill(2000).unwrap(), 990);
        assert_eq!(s.advance(5000), &data[10..]);
        assert_eq!(s.position(), 1000);
        assert_eq!(s.fill(1).unwrap(), 0);
    }

    #[test]
    fn stream_never_grows_past_max() {
        let data = vec![7u8; 10_000];
        let mut s = StreamSource::new(Box::new(io::Cursor::new(data)), 100);
        assert_eq!(s.fill(1_000_000).unwrap(), 100);
        assert!(s.buf.len() <= 100);
    }

    #[test]
    fn memory_advance_is_clamped() {
        let mut m = MemorySource::new(Bytes::Owned(Cow::Borrowed(b"abcdef")));
        assert_eq!(m.fill(100).unwrap(), 6);
        assert_eq!(m.advance(4), b"abcd");
        assert_eq!(m.window(), b"ef");
        assert_eq!(m.advance(100), b"ef");
        assert_eq!(m.position(), 6);
        assert_eq!(m.fill(1).unwrap(), 0);
    }
}
