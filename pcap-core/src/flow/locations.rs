//! [`Locations`]: where a session's packets are, as a compact byte string.
//!
//! Each packet is a `(file_index, offset, digest)` [`Location`] — which
//! file of a consecutive capture, the byte offset of its record (or block)
//! in that file, and a 64-bit digest of the record the caller computed (0
//! when it has none). A session with a million packets would need 24 MB as
//! a `Vec<Location>`; delta-encoded varints need 2–4 bytes a packet, plus
//! 2 for the digest's low 16 bits ([`Location::short_digest`]). The whole
//! digests are not lost: a session folds them, in order, into one 64-bit
//! value ([`fold_digest`], `Session::digest`), so that a reader can check
//! each record cheaply by its short digest and the session as a whole by
//! the fold (a record whose change its 16 bits miss still changes the
//! fold).
//!
//! Encoding, relative to the previous location (initially `(0, 0)`), as
//! unsigned LEB128 varints over up to 128 bits, each entry starting with a
//! head whose two low bits are flags:
//!
//! - bit 0 clear (same file): `zigzag(offset - prev_offset) << 2` (the
//!   difference taken modulo 2^64, read as signed, so backwards moves are
//!   fine too);
//! - bit 0 set (another file): `zigzag(file_index - prev_file_index) << 2
//!   | 1`, followed by the absolute offset as a varint;
//! - bit 1 set: the entry ends with the short digest as 2 little-endian
//!   bytes. A short digest of 0 is not stored (the bit is clear), so lists
//!   without digests cost nothing extra.
//!
//! The bytes can be stored as is (an SQLite BLOB) and decoded later with
//! [`LocationIter::new`] or [`Locations::from_bytes`].

/// Where one packet is: file number within a consecutive capture, the
/// byte offset of its record/block in that file, and a digest of the
/// record for checking later that it has not changed.
///
/// Ordered by file, then offset (then digest): capture order within a
/// consecutive capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// Index of the file in the list of files given together.
    pub file_index: u32,
    /// Byte offset of the packet's record (pcap) or block (pcapng).
    pub offset: u64,
    /// A 64-bit digest of the record's bytes, computed by the caller (the
    /// index uses XXH3-64 of the stored record); 0 when unknown. A
    /// [`Locations`] list keeps only its low 16 bits
    /// ([`Location::short_digest`]): locations read back from one carry
    /// just those.
    pub digest: u64,
}

impl Location {
    /// A location without a digest (digest 0).
    pub const fn new(file_index: u32, offset: u64) -> Self {
        Location {
            file_index,
            offset,
            digest: 0,
        }
    }

    /// A location with the record's digest.
    pub const fn with_digest(file_index: u32, offset: u64, digest: u64) -> Self {
        Location {
            file_index,
            offset,
            digest,
        }
    }

    /// The part of the digest a [`Locations`] list stores: its low 16 bits.
    pub const fn short_digest(&self) -> u16 {
        self.digest as u16
    }
}

/// The starting value of a session's [`fold_digest`].
pub const FOLD_START: u64 = 0x6a09_e667_f3bc_c909;

/// Folds one record's 64-bit digest into a session's running digest:
/// `acc * K + digest` modulo 2^64 with an odd `K`, from [`FOLD_START`].
/// Order matters, and since `K` is odd a change to any one record's
/// digest always changes the result.
#[inline]
pub const fn fold_digest(acc: u64, digest: u64) -> u64 {
    acc.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(digest)
}

/// Head bit 0: the entry changes file (an absolute offset follows).
const FILE_CHANGE: u8 = 1;
/// Head bit 1: 2 short-digest bytes end the entry.
const HAS_DIGEST: u8 = 2;
/// Bits of the head taken by the flags.
const FLAG_BITS: u32 = 2;

/// The delta-encoded locations of a session's packets, in push order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Locations {
    bytes: Vec<u8>,
    count: u64,
    last: Location,
    /// Whether the file index changed between two locations.
    multi_file: bool,
}

/// Encoded bytes that are not a valid location list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed location list: bad entry at byte {position}")]
pub struct LocationDecodeError {
    /// Byte offset of the varint (or digest) that could not be read.
    pub position: usize,
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// [`put_varint`] for the common small values: below 2^56 the (at most
/// eight) bytes are built in a register and written with one 8-byte store,
/// then the vector is trimmed to the real length. Pushing byte by byte is
/// slower: each `push` re-reads the vector's pointer and length, since the
/// byte written could alias them as far as the compiler knows.
#[inline]
fn put_varint64(out: &mut Vec<u8>, mut v: u64) {
    if v >= 1 << 56 {
        put_varint(out, u128::from(v));
        return;
    }
    let mut enc = 0u64;
    let mut n = 0;
    while v >= 0x80 {
        enc |= ((v & 0x7f) | 0x80) << (8 * n);
        v >>= 7;
        n += 1;
    }
    enc |= v << (8 * n);
    let len = out.len();
    out.extend_from_slice(&enc.to_le_bytes());
    out.truncate(len + n + 1);
}

/// Reads a LEB128 varint; `None` if truncated or longer than 128 bits.
fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u128> {
    let mut v: u128 = 0;
    for shift in (0..128).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        let chunk = u128::from(b & 0x7f);
        // The 19th byte may only contribute the top 2 bits.
        if shift == 126 && chunk > 3 {
            return None;
        }
        v |= chunk << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

impl Locations {
    /// An empty list.
    pub const fn new() -> Self {
        Locations {
            bytes: Vec::new(),
            count: 0,
            last: Location::new(0, 0),
            multi_file: false,
        }
    }

    /// An empty list with room for `bytes` encoded bytes.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Locations {
            bytes: Vec::with_capacity(bytes),
            ..Locations::new()
        }
    }

    /// Appends a packet's location.
    #[inline]
    pub fn push(&mut self, loc: Location) {
        let short = loc.short_digest();
        let digest_flag = if short != 0 { HAS_DIGEST } else { 0 };
        if loc.file_index == self.last.file_index {
            let delta = loc.offset.wrapping_sub(self.last.offset) as i64;
            let z = zigzag(delta);
            // The common case (same file, a delta below 2^61 either way)
            // fits a u64 varint: encode it without 128-bit shifts.
            if z >> (64 - FLAG_BITS) == 0 {
                put_varint64(&mut self.bytes, (z << FLAG_BITS) | u64::from(digest_flag));
            } else {
                put_varint(
                    &mut self.bytes,
                    (u128::from(z) << FLAG_BITS) | u128::from(digest_flag),
                );
            }
        } else {
            self.multi_file |= self.count > 0;
            let delta = i64::from(loc.file_index) - i64::from(self.last.file_index);
            put_varint(
                &mut self.bytes,
                (u128::from(zigzag(delta)) << FLAG_BITS) | u128::from(FILE_CHANGE | digest_flag),
            );
            put_varint(&mut self.bytes, u128::from(loc.offset));
        }
        if digest_flag != 0 {
            self.bytes.extend_from_slice(&short.to_le_bytes());
        }
        // As it reads back (a list equals its decoded copy).
        self.last = Location {
            digest: u64::from(short),
            ..loc
        };
        self.count += 1;
    }

    /// Number of locations.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The last location pushed.
    pub fn last(&self) -> Option<Location> {
        (self.count > 0).then_some(self.last)
    }

    /// The one file all locations are in, if they are all in one file
    /// (`None` when empty or spread over several): known without decoding.
    pub fn single_file(&self) -> Option<u32> {
        (self.count > 0 && !self.multi_file).then_some(self.last.file_index)
    }

    /// The encoded bytes (see the module docs).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Decodes the locations in order.
    pub fn iter(&self) -> LocationIter<'_> {
        LocationIter::new(&self.bytes)
    }

    /// Takes encoded bytes back, checking that they decode (damaged bytes
    /// are an error naming where; nothing is allocated).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Locations, LocationDecodeError> {
        let mut it = LocationIter::new(&bytes);
        let mut count = 0;
        let mut last = Location::default();
        let mut multi_file = false;
        for loc in it.by_ref() {
            multi_file |= count > 0 && loc.file_index != last.file_index;
            count += 1;
            last = loc;
        }
        if let Some(position) = it.error_position() {
            return Err(LocationDecodeError { position });
        }
        Ok(Locations {
            bytes,
            count,
            last,
            multi_file,
        })
    }
}

impl<'a> IntoIterator for &'a Locations {
    type Item = Location;
    type IntoIter = LocationIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Decodes a location list. Stops at the end of the bytes, or at the first
/// malformed varint ([`error_position`](Self::error_position) then says
/// where).
#[derive(Clone, Debug)]
pub struct LocationIter<'a> {
    bytes: &'a [u8],
    at: usize,
    prev: Location,
    error: Option<usize>,
}

impl<'a> LocationIter<'a> {
    /// Iterates over encoded bytes (from [`Locations::as_bytes`]).
    pub fn new(bytes: &'a [u8]) -> Self {
        LocationIter {
            bytes,
            at: 0,
            prev: Location::default(),
            error: None,
        }
    }

    /// Where decoding failed, if it did.
    pub fn error_position(&self) -> Option<usize> {
        self.error
    }

    fn fail(&mut self, position: usize) -> Option<Location> {
        self.error = Some(position);
        self.at = self.bytes.len();
        None
    }
}

impl Iterator for LocationIter<'_> {
    type Item = Location;

    fn next(&mut self) -> Option<Location> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let start = self.at;
        let Some(head) = get_varint(self.bytes, &mut self.at) else {
            return self.fail(start);
        };
        let Ok(payload) = u64::try_from(head >> FLAG_BITS) else {
            return self.fail(start);
        };
        let flags = head as u8;
        let mut loc = if flags & FILE_CHANGE == 0 {
            Location::new(
                self.prev.file_index,
                self.prev.offset.wrapping_add(unzigzag(payload) as u64),
            )
        } else {
            let file = i64::from(self.prev.file_index) + unzigzag(payload);
            let offset_at = self.at;
            let offset = get_varint(self.bytes, &mut self.at).and_then(|v| u64::try_from(v).ok());
            match (u32::try_from(file), offset) {
                (Ok(file_index), Some(offset)) => Location::new(file_index, offset),
                (Err(_), _) => return self.fail(start),
                (_, None) => return self.fail(offset_at),
            }
        };
        if flags & HAS_DIGEST != 0 {
            let digest_at = self.at;
            let Some(raw) = self
                .bytes
                .get(digest_at..digest_at.saturating_add(2))
                .and_then(|b| <[u8; 2]>::try_from(b).ok())
            else {
                return self.fail(digest_at);
            };
            self.at += 2;
            loc.digest = u64::from(u16::from_le_bytes(raw));
            // A stored digest of 0 is not how the encoder writes one.
            if loc.digest == 0 {
                return self.fail(digest_at);
            }
        }
        self.prev = loc;
        Some(loc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typical_session_is_compact() {
        let mut l = Locations::new();
        let mut off = 24;
        for _ in 0..1000 {
            l.push(Location::new(0, off));
            off += 1514 + 16;
        }
        l.push(Location::new(1, 24));
        l.push(Location::new(1, 5000));
        assert_eq!(l.len(), 1002);
        assert!(l.as_bytes().len() < 1002 * 3, "{}", l.as_bytes().len());
        assert!(l.iter().all(|loc| loc.digest == 0));
        let v: Vec<Location> = l.iter().collect();
        assert_eq!(v[0], Location::new(0, 24));
        assert_eq!(v[1000], Location::new(1, 24));
        assert_eq!(l.last(), Some(Location::new(1, 5000)));
    }

    #[test]
    fn single_file_is_known_without_decoding() {
        let mut l = Locations::new();
        assert_eq!(l.single_file(), None);
        l.push(Location::new(3, 24));
        l.push(Location::new(3, 100));
        assert_eq!(l.single_file(), Some(3));
        assert_eq!(Locations::from_bytes(l.as_bytes().to_vec()).unwrap(), l);
        l.push(Location::new(4, 24));
        assert_eq!(l.single_file(), None);
        assert_eq!(Locations::from_bytes(l.as_bytes().to_vec()).unwrap(), l);
    }

    #[test]
    fn malformed_bytes_are_reported() {
        assert_eq!(
            Locations::from_bytes(vec![0x80]),
            Err(LocationDecodeError { position: 0 })
        );
        // A file change (head: +1 file, flag 1) with its offset missing.
        assert_eq!(
            Locations::from_bytes(vec![0x08, 0x09]),
            Err(LocationDecodeError { position: 2 })
        );
        // File index going below zero (zigzag 1 = -1).
        let mut it = LocationIter::new(&[0x05, 0x00]);
        assert_eq!(it.next(), None);
        assert_eq!(it.error_position(), Some(0));
        assert_eq!(
            Locations::from_bytes(vec![0xff; 30]).unwrap_err().position,
            0
        );
        // A digest cut short, and a stored digest of 0.
        assert_eq!(
            Locations::from_bytes(vec![0x08, 0x02, 1]),
            Err(LocationDecodeError { position: 2 })
        );
        assert_eq!(
            Locations::from_bytes(vec![0x02, 0, 0]),
            Err(LocationDecodeError { position: 1 })
        );
    }

    #[test]
    fn short_digests_round_trip_and_cost_two_bytes() {
        let mut plain = Locations::new();
        let mut with = Locations::new();
        let mut off = 24;
        for i in 0..100u32 {
            plain.push(Location::new(i / 50, off));
            with.push(Location::with_digest(
                i / 50,
                off,
                u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
            ));
            off += 1530;
        }
        assert_eq!(
            with.as_bytes().len(),
            plain.as_bytes().len() + 2 * 100,
            "2 raw bytes a digest"
        );
        let got: Vec<Location> = with.iter().collect();
        let full = 7u64.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        assert_eq!(
            got[7],
            Location::with_digest(0, 24 + 7 * 1530, u64::from(full as u16))
        );
        assert_eq!(got[7].short_digest(), full as u16);
        assert_eq!(got[50].file_index, 1);
        assert!(plain.iter().all(|l| l.digest == 0));
        assert_eq!(
            Locations::from_bytes(with.as_bytes().to_vec()).unwrap(),
            with
        );
        // A digest of 0 is "unknown" and costs nothing.
        let mut zero = Locations::new();
        zero.push(Location::with_digest(0, 24, 0));
        // zigzag(+8) = 16, shifted past the two flag bits.
        zero.push(Location::with_digest(0, 32, 0x1_0000));
        assert_eq!(zero.as_bytes(), &[0xc0, 0x01, 16 << 2]);
    }

    #[test]
    fn the_fold_sees_any_one_change_and_the_order() {
        let digests = [3u64, 1 << 40, u64::MAX, 0, 77];
        let fold = |d: &[u64]| d.iter().fold(FOLD_START, |acc, &x| fold_digest(acc, x));
        let base = fold(&digests);
        for i in 0..digests.len() {
            for delta in [1u64, 1 << 16, 1 << 63, 0xdead_beef] {
                let mut changed = digests;
                changed[i] = changed[i].wrapping_add(delta);
                assert_ne!(fold(&changed), base, "record {i} changed by {delta:#x}");
            }
        }
        let mut swapped = digests;
        swapped.swap(0, 1);
        assert_ne!(fold(&swapped), base);
    }

    proptest! {
        #[test]
        fn encode_decode_round_trip(locs in proptest::collection::vec((any::<u32>(), any::<u64>(), any::<u64>()), 0..50),
                                    small in proptest::collection::vec((0u32..3, 0u64..100_000, 0u64..3), 0..50)) {
            for list in [locs, small] {
                let mut l = Locations::new();
                let pushed: Vec<Location> = list.iter().map(|&(f, o, d)| Location::with_digest(f, o, d)).collect();
                for &loc in &pushed {
                    l.push(loc);
                }
                // What comes back: the short digests.
                let want: Vec<Location> = pushed
                    .iter()
                    .map(|l| Location::with_digest(l.file_index, l.offset, u64::from(l.short_digest())))
                    .collect();
                let got: Vec<Location> = l.iter().collect();
                prop_assert_eq!(&got, &want);
                let back = Locations::from_bytes(l.as_bytes().to_vec()).unwrap();
                prop_assert_eq!(back, l);
            }
        }

        /// Damaged bytes (random, or a valid list cut or with a byte
        /// changed) never panic: they decode to something or are an error.
        #[test]
        fn damaged_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64),
                                     locs in proptest::collection::vec((0u32..3, 0u64..1_000_000, any::<u64>()), 1..20),
                                     cut in any::<usize>(), flip in any::<(usize, u8)>()) {
            let _ = Locations::from_bytes(bytes);
            let mut l = Locations::new();
            for &(f, o, d) in &locs {
                l.push(Location::with_digest(f, o, d));
            }
            let mut b = l.as_bytes().to_vec();
            let cut_at = cut % b.len();
            if let Ok(short) = Locations::from_bytes(b[..cut_at].to_vec()) {
                prop_assert!(short.len() < l.len());
            }
            let at = flip.0 % b.len();
            b[at] ^= flip.1;
            if let Ok(changed) = Locations::from_bytes(b) {
                prop_assert!(changed.iter().count() as u64 == changed.len());
            }
        }
    }
}
