//! Removing the protection of a long-header packet ([RFC 9001 §5.3],
//! [§5.4]): the header protection mask is AES-128-ECB of a 16-byte sample
//! of the ciphertext (taken 4 bytes after the packet number starts); it
//! uncovers the packet number length and the packet number; then the
//! payload is opened with AEAD_AES_128_GCM, the nonce being the IV XOR the
//! full packet number, the unprotected header the associated data.
//!
//! The packet is copied into a caller's scratch buffer (reused from packet
//! to packet: no allocation once it has grown to the largest datagram) and
//! opened in place.
//!
//! [RFC 9001 §5.3]: https://www.rfc-editor.org/rfc/rfc9001#section-5.3
//! [§5.4]: https://www.rfc-editor.org/rfc/rfc9001#section-5.4

use aes::cipher::{BlockEncrypt, generic_array::GenericArray};
use aes_gcm::aead::AeadInPlace;

use super::header::LongHeader;
use super::keys::Keys;

/// Length of the AEAD tag.
pub const TAG_LEN: usize = 16;

/// Length of the header protection sample.
pub const SAMPLE_LEN: usize = 16;

/// Why a packet could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Too short for the sample or the tag.
    TooShort,
    /// The AEAD tag does not match: other keys (or a damaged packet).
    Authentication,
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OpenError::TooShort => "packet too short for its header protection sample or tag",
            OpenError::Authentication => "decryption failed (wrong keys or damaged packet)",
        })
    }
}

/// An opened packet: its number and where its plaintext lies in the
/// scratch buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    /// The full packet number.
    pub packet_number: u64,
    /// The plaintext is `scratch[payload.0..payload.1]`.
    pub payload: (usize, usize),
}

/// The full packet number from its `len`-byte truncation, nearest to the
/// one after `largest` (RFC 9000 Appendix A.3).
pub fn decode_packet_number(largest: Option<u64>, truncated: u64, len: usize) -> u64 {
    let expected = largest.map_or(0, |l| l.saturating_add(1));
    let bits = 8 * len.clamp(1, 4) as u32;
    let win = 1u64 << bits;
    let half = win / 2;
    let mask = win - 1;
    let candidate = (expected & !mask) | truncated;
    if candidate.saturating_add(half) <= expected && candidate < (1u64 << 62) - win {
        candidate + win
    } else if candidate > expected.saturating_add(half) && candidate >= win {
        candidate - win
    } else {
        candidate
    }
}

/// The header protection mask of `sample`.
fn mask(keys: &Keys, sample: &[u8]) -> [u8; 16] {
    let mut block = GenericArray::clone_from_slice(&sample[..SAMPLE_LEN]);
    keys.hp.encrypt_block(&mut block);
    block.into()
}

/// Opens the long-header packet `packet` (whose header is `header`, and
/// whose bytes are `packet[..header.len]`) with `keys`; `largest` is the
/// largest packet number opened so far in its packet number space.
pub fn open(
    packet: &[u8],
    header: &LongHeader<'_>,
    keys: &Keys,
    largest: Option<u64>,
    scratch: &mut Vec<u8>,
) -> Result<Opened, OpenError> {
    let bytes = packet.get(..header.len).ok_or(OpenError::TooShort)?;
    let pn_offset = header.pn_offset;
    let sample_at = pn_offset + 4;
    let sample = bytes
        .get(sample_at..sample_at + SAMPLE_LEN)
        .ok_or(OpenError::TooShort)?;
    let m = mask(keys, sample);
    let first = bytes[0] ^ (m[0] & 0x0f);
    let pn_len = usize::from(first & 3) + 1;
    let payload_at = pn_offset + pn_len;
    if bytes.len() < payload_at + TAG_LEN {
        return Err(OpenError::TooShort);
    }
    scratch.clear();
    scratch.extend_from_slice(bytes);
    scratch[0] = first;
    let mut truncated = 0u64;
    for i in 0..pn_len {
        let b = scratch[pn_offset + i] ^ m[1 + i];
        scratch[pn_offset + i] = b;
        truncated = (truncated << 8) | u64::from(b);
    }
    let pn = decode_packet_number(largest, truncated, pn_len);
    let mut nonce = keys.iv;
    for (n, p) in nonce[4..].iter_mut().zip(pn.to_be_bytes()) {
        *n ^= p;
    }
    let (aad, rest) = scratch.split_at_mut(payload_at);
    let (ciphertext, tag) = rest.split_at_mut(rest.len() - TAG_LEN);
    keys.aead
        .decrypt_in_place_detached(
            GenericArray::from_slice(&nonce),
            aad,
            ciphertext,
            GenericArray::from_slice(tag),
        )
        .map_err(|_| OpenError::Authentication)?;
    Ok(Opened {
        packet_number: pn,
        payload: (payload_at, header.len - TAG_LEN),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9001 Appendix A.2: the client Initial's header protection mask.
    #[test]
    fn test_rfc9001_a2_header_protection_mask() {
        let dcid = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];
        let keys = Keys::initial(&dcid, super::super::Endpoint::Client);
        let sample = [
            0xd1, 0xb1, 0xc9, 0x8d, 0xd7, 0x68, 0x9f, 0xb8, 0xec, 0x11, 0xd2, 0x42, 0xb1, 0x23,
            0xdc, 0x9b,
        ];
        assert_eq!(mask(&keys, &sample)[..5], [0x43, 0x7b, 0x9a, 0xec, 0x36]);
    }

    #[test]
    fn test_rfc9000_a3_packet_number() {
        // RFC 9000 Appendix A.3's example: largest 0xa82f30ea, 0x9b32 in
        // 16 bits is 0xa82f9b32.
        assert_eq!(
            decode_packet_number(Some(0xa82f_30ea), 0x9b32, 2),
            0xa82f_9b32
        );
        assert_eq!(decode_packet_number(None, 0, 1), 0);
        assert_eq!(decode_packet_number(None, 2, 4), 2);
        assert_eq!(decode_packet_number(Some(0xff), 0x01, 1), 0x101);
        assert_eq!(decode_packet_number(Some(0x101), 0xff, 1), 0xff);
        assert_eq!(
            decode_packet_number(Some(u64::MAX), 0xff, 4),
            0xffff_ffff_0000_00ff
        );
    }
}
