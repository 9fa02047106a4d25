//! Compressed captures: gzip (`.gz`, several concatenated members too) and
//! zstd (`.zst`, several frames too), recognised by their first bytes, not
//! by the file's name, and decompressed as a stream.
//!
//! A compressed capture is read like a pipe: [`CaptureReader::open`]
//! (and [`CaptureReader::from_reader`]) put the decompressor in front of
//! the streaming source, so records come out one at a time and nothing
//! holds the expanded file. Memory stays bounded whatever the expanded
//! size: the reader's buffer (at most [`MAX_BLOCK_LEN`]), gzip's 32 KiB
//! window, and a zstd window of at most 2^[`ZSTD_WINDOW_LOG_MAX`] bytes
//! (128 MiB, the limit zstd itself applies by default; frames that ask for
//! more, written with `zstd --long=31`, are refused with an error).
//!
//! Offsets ([`Record::offset`], error offsets) count bytes of the
//! *uncompressed* stream: an index built from `x.pcap.gz` names the same
//! offsets as one built from `x.pcap`.
//!
//! Damage in the compressed data (a bad block, a checksum mismatch, a
//! stream cut short) is an I/O error of the source whose cause is a
//! [`DecompressError`] naming the codec and the uncompressed offset where
//! decoding stopped; the capture reader reports it with the file's name
//! after every record it could decode before. Decoders report damage only
//! at the end of a call that may have produced some bytes already, so the
//! decompressor is asked for at most [`READ_CHUNK`] bytes at a time: at most
//! that much decoded data just before the damage is lost with it.
//!
//! [`CaptureReader::open`]: super::CaptureReader::open
//! [`CaptureReader::from_reader`]: super::CaptureReader::from_reader
//! [`MAX_BLOCK_LEN`]: super::MAX_BLOCK_LEN
//! [`Record::offset`]: super::Record::offset

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// The largest zstd window accepted, as a power of two (2^27 = 128 MiB):
/// zstd's own default limit for decoding.
pub const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// The most decompressed bytes asked of a decoder in one call (see the
/// [module docs](self)).
pub const READ_CHUNK: usize = 32 << 10;

/// Bytes of compressed input read from the file at a time.
const INPUT_BUFFER: usize = 64 << 10;

/// A compression format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// gzip (RFC 1952): magic `1f 8b`, deflate.
    Gzip,
    /// Zstandard (RFC 8878): magic `28 b5 2f fd`, or a skippable frame.
    Zstd,
}

impl Compression {
    /// The compression `head` (a file's first bytes, at least 4 to be
    /// sure) starts with, if any.
    ///
    /// ```
    /// use pcap_core::capture::Compression;
    /// assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8, 0]), Some(Compression::Gzip));
    /// assert_eq!(Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd]), Some(Compression::Zstd));
    /// assert_eq!(Compression::sniff(&[0xd4, 0xc3, 0xb2, 0xa1]), None);
    /// ```
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        match head {
            // gzip with deflate, the only method gzip defines.
            [0x1f, 0x8b, 0x08, ..] => Some(Compression::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
            // A zstd skippable frame (0x184D2A50..=0x184D2A5F, little-endian)
            // may come first: `zstd` itself accepts such files.
            [b, 0x2a, 0x4d, 0x18, ..] if b & 0xf0 == 0x50 => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// `gzip` or `zstd`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Damaged compressed data: the cause of the I/O error a compressed
/// capture's reader reports (reach it with
/// [`io::Error::get_ref`] and `downcast_ref`).
#[derive(Debug)]
pub struct DecompressError {
    /// The codec.
    pub compression: Compression,
    /// Uncompressed bytes decoded before the damage: the offset in the
    /// uncompressed stream where decoding stopped (up to [`READ_CHUNK`]
    /// bytes after the last byte delivered).
    pub offset: u64,
    /// The decoder's own error.
    pub source: io::Error,
}

impl fmt::Display for DecompressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.window_too_large() {
            return write!(
                f,
                "zstd data refused at uncompressed byte {}: {} (a window over 2^{ZSTD_WINDOW_LOG_MAX} \
                 bytes, written with `zstd --long`; decompress it with `zstd -d --long=31` first)",
                self.offset, self.source
            );
        }
        let what = if self.source.kind() == io::ErrorKind::UnexpectedEof {
            "cut short"
        } else {
            "damaged"
        };
        write!(
            f,
            "{} data {what} at uncompressed byte {}: {}",
            self.compression, self.offset, self.source
        )
    }
}

impl DecompressError {
    /// Whether zstd refused a frame for its window size (over
    /// 2^[`ZSTD_WINDOW_LOG_MAX`] bytes): not damage, but memory this reader
    /// will not spend. zstd says so only in its message.
    pub fn window_too_large(&self) -> bool {
        self.compression == Compression::Zstd && self.source.to_string().contains("too much memory")
    }
}

impl std::error::Error for DecompressError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A decompressing [`Read`]: the uncompressed bytes of a gzip or zstd
/// stream, asked of the decoder [`READ_CHUNK`] bytes at most at a time,
/// with errors turned into [`DecompressError`]s.
pub struct Decompressed {
    decoder: Box<dyn Read + Send>,
    compression: Compression,
    /// Uncompressed bytes handed out so far.
    produced: u64,
}

impl fmt::Debug for Decompressed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decompressed")
            .field("compression", &self.compression)
            .field("produced", &self.produced)
            .finish()
    }
}

impl Decompressed {
    /// Decompresses `compressed`, data in the format `compression`.
    /// Fails only if the decoder cannot be set up (zstd's context).
    pub fn new(
        compression: Compression,
        compressed: impl Read + Send + 'static,
    ) -> io::Result<Decompressed> {
        let input = BufReader::with_capacity(INPUT_BUFFER, compressed);
        let decoder: Box<dyn Read + Send> = match compression {
            // Multi-member: `cat a.gz b.gz` (and bgzf) is one stream.
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
            Compression::Zstd => {
                let mut d = zstd::stream::read::Decoder::with_buffer(input)?;
                d.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
                Box::new(d)
            }
        };
        Ok(Decompressed {
            decoder,
            compression,
            produced: 0,
        })
    }

    /// The codec.
    pub fn compression(&self) -> Compression {
        self.compression
    }
}

impl Read for Decompressed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(READ_CHUNK);
        loop {
            match self.decoder.read(&mut buf[..len]) {
                Ok(n) => {
                    self.produced += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        DecompressError {
                            compression: self.compression,
                            offset: self.produced,
                            source: e,
                        },
                    ));
                }
            }
        }
    }
}

/// Bytes a compression magic needs.
const MAGIC_LEN: usize = 4;

/// Reads from `reader` into `buf` until at least [`MAGIC_LEN`] bytes are
/// in (or the end); returns how many. The reads are as large as `buf`
/// allows, so a stream sees the same reads it would without the peek.
fn read_head(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < MAGIC_LEN.min(buf.len()) {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The compression of the regular file `file`, from its first bytes; the
/// file is left at its start.
pub(crate) fn sniff_file(mut file: &File) -> io::Result<Option<Compression>> {
    let mut head = [0u8; MAGIC_LEN];
    let got = read_head(&mut file, &mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Compression::sniff(&head[..got]))
}

/// `reader` as it is, or decompressed if its first bytes say it is
/// compressed (those bytes are read here and handed on, so this works on
/// pipes too), with the compression found.
pub(crate) fn maybe_decompress(
    mut reader: Box<dyn Read + Send>,
) -> io::Result<(Box<dyn Read + Send>, Option<Compression>)> {
    let mut head = vec![0u8; INPUT_BUFFER];
    let got = read_head(&mut reader, &mut head)?;
    head.truncate(got);
    let compression = Compression::sniff(&head);
    let whole = Box::new(io::Cursor::new(head).chain(reader));
    match compression {
        Some(c) => Ok((Box::new(Decompressed::new(c, whole)?), Some(c))),
        None => Ok((whole, None)),
    }
}

/// The first 4 bytes of the capture in the file at `path`, decompressed
/// if the file is gzip or zstd (fewer if it is shorter), and its
/// compression: for telling capture files from others by content.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// # let dir = std::env::temp_dir().join(format!("peek-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # let path = dir.join("x.pcap");
/// std::fs::write(&path, [0xd4, 0xc3, 0xb2, 0xa1, 2, 0])?;
/// let (head, compression) = pcap_core::capture::peek_capture_head(&path)?;
/// assert_eq!((&head[..], compression), (&[0xd4, 0xc3, 0xb2, 0xa1][..], None));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
pub fn peek_capture_head(path: &Path) -> io::Result<(Vec<u8>, Option<Compression>)> {
    let file = File::open(path)?;
    let (mut reader, compression) = maybe_decompress(Box::new(file))?;
    let mut head = [0u8; MAGIC_LEN];
    let got = read_head(&mut reader, &mut head)?;
    Ok((head[..got].to_vec(), compression))
}
