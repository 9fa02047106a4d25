//! Protecting Initial packets, the reverse of [`packet::open`](super::packet::open):
//! for tests, examples and fuzz seeds that need QUIC traffic built in
//! code. Not used when reading captures.

use aes::cipher::{BlockEncrypt, generic_array::GenericArray};
use aes_gcm::aead::AeadInPlace;

use super::header::packet_type;
use super::keys::{Endpoint, Keys, VERSION_1};
use super::packet::{SAMPLE_LEN, TAG_LEN};

/// The variable-length encoding of `v` (below 2^62) in its shortest form.
pub fn varint(v: u64) -> Vec<u8> {
    match v {
        0..=0x3f => vec![v as u8],
        0x40..=0x3fff => (0x4000 | v as u16).to_be_bytes().to_vec(),
        0x4000..=0x3fff_ffff => (0x8000_0000 | v as u32).to_be_bytes().to_vec(),
        _ => (0xc000_0000_0000_0000 | v).to_be_bytes().to_vec(),
    }
}

/// A CRYPTO frame carrying `data` at `offset`.
pub fn crypto_frame(offset: u64, data: &[u8]) -> Vec<u8> {
    let mut f = vec![0x06];
    f.extend(varint(offset));
    f.extend(varint(data.len() as u64));
    f.extend_from_slice(data);
    f
}

/// What goes into one long-header packet.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// Long packet type (see [`packet_type`]).
    pub packet_type: u8,
    /// Destination Connection ID.
    pub dcid: &'a [u8],
    /// Source Connection ID.
    pub scid: &'a [u8],
    /// Packet number (sent in 2 bytes).
    pub packet_number: u64,
    /// The frames.
    pub payload: &'a [u8],
    /// PADDING frames are added until the packet is this long (clients
    /// pad Initial datagrams to 1200 bytes).
    pub pad_to: usize,
}

/// Protects `p` with `keys`: the whole packet, ready to be sent.
pub fn seal(keys: &Keys, p: &Packet<'_>) -> Vec<u8> {
    const PN_LEN: usize = 2;
    let mut header = vec![0xc0 | ((p.packet_type & 3) << 4) | (PN_LEN as u8 - 1)];
    header.extend_from_slice(&VERSION_1.to_be_bytes());
    header.push(p.dcid.len() as u8);
    header.extend_from_slice(p.dcid);
    header.push(p.scid.len() as u8);
    header.extend_from_slice(p.scid);
    if p.packet_type == packet_type::INITIAL {
        header.push(0); // no token
    }
    let mut payload = p.payload.to_vec();
    // The length field takes 2 bytes below 16 KiB, 4 above.
    let largest = p
        .pad_to
        .max(header.len() + 4 + PN_LEN + payload.len() + TAG_LEN);
    let length_len = if largest < 0x4000 { 2 } else { 4 };
    let fixed = header.len() + length_len + PN_LEN + TAG_LEN;
    // The sample needs 4 + 16 bytes after the packet number starts.
    let min = p.pad_to.max(header.len() + length_len + 4 + SAMPLE_LEN);
    if fixed + payload.len() < min {
        payload.resize(min - fixed, 0);
    }
    let length = (PN_LEN + payload.len() + TAG_LEN) as u64;
    if length_len == 2 {
        header.extend_from_slice(&(0x4000 | length as u16).to_be_bytes());
    } else {
        header.extend_from_slice(&(0x8000_0000 | length as u32).to_be_bytes());
    }
    let pn_offset = header.len();
    header.extend_from_slice(&(p.packet_number as u16).to_be_bytes());
    let mut nonce = keys.iv;
    for (n, b) in nonce[4..].iter_mut().zip(p.packet_number.to_be_bytes()) {
        *n ^= b;
    }
    let tag = keys
        .aead
        .encrypt_in_place_detached(GenericArray::from_slice(&nonce), &header, &mut payload)
        .expect("a payload below 64 KiB always seals");
    let mut packet = header;
    packet.extend_from_slice(&payload);
    packet.extend_from_slice(&tag);
    let at = pn_offset + 4;
    let mut mask = GenericArray::clone_from_slice(&packet[at..at + SAMPLE_LEN]);
    keys.hp.encrypt_block(&mut mask);
    packet[0] ^= mask[0] & 0x0f;
    for i in 0..PN_LEN {
        packet[pn_offset + i] ^= mask[1 + i];
    }
    packet
}

/// A client's Initial packet to `dcid` (keys from `dcid`), padded to
/// `pad_to` bytes.
pub fn client_initial(
    dcid: &[u8],
    scid: &[u8],
    packet_number: u64,
    payload: &[u8],
    pad_to: usize,
) -> Vec<u8> {
    seal(
        &Keys::initial(dcid, Endpoint::Client),
        &Packet {
            packet_type: packet_type::INITIAL,
            dcid,
            scid,
            packet_number,
            payload,
            pad_to,
        },
    )
}

/// A server's Initial packet of the connection whose client's first
/// Destination Connection ID was `original_dcid`.
pub fn server_initial(
    original_dcid: &[u8],
    dcid: &[u8],
    scid: &[u8],
    packet_number: u64,
    payload: &[u8],
) -> Vec<u8> {
    seal(
        &Keys::initial(original_dcid, Endpoint::Server),
        &Packet {
            packet_type: packet_type::INITIAL,
            dcid,
            scid,
            packet_number,
            payload,
            pad_to: 0,
        },
    )
}
