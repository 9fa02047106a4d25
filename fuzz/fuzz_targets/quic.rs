//! The QUIC layer on arbitrary bytes: the long header, frame and varint
//! parsers on the raw input, and a [`Connection`] fed datagrams cut from
//! the input — some as they are (header protection and AEAD on garbage),
//! most sealed first with the connection's real Initial keys so that the
//! decrypted frames, the CRYPTO stream reassembly (offsets, overlaps,
//! holes, the 64 KiB cap) and the TLS hello parsing behind it are reached.
//! None may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocols::quic::{self, Connection, CryptoStream, Flows, Frames, LongHeader, seal};
use protocols::tls::Columns;

/// The client's first Destination Connection ID: the keys of every sealed
/// datagram.
const DCID: [u8; 8] = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];

fuzz_target!(|data: &[u8]| {
    let _ = quic::looks_like_quic_v1(data);
    let _ = LongHeader::parse(data);
    let _ = Frames::new(data).count();
    let _ = quic::varint::read(data);
    let mut cols = Columns::default();
    quic::message_columns(data, &mut cols);
    // The input as CRYPTO frames of one stream (offsets from the input).
    let mut stream = CryptoStream::new();
    for f in Frames::new(data) {
        if let quic::Frame::Crypto { offset, data } = f {
            stream.insert(offset, data);
            while stream.next_message().is_some() {}
            stream.release_if_idle();
        }
    }
    // Datagrams: a head byte (bit 7: from the server, bit 6: sent as is,
    // bits 0-5 and the next byte: length), then the bytes.
    let mut conn = Connection::new();
    let mut flows = Flows::new();
    let client = ("10.0.0.1".parse().unwrap(), 50000);
    let server = ("10.0.0.2".parse().unwrap(), 443);
    let mut scratch = Vec::new();
    let mut pn = [0u64; 2];
    let mut rest = data;
    while rest.len() >= 2 {
        let (head, len_lo) = (rest[0], rest[1]);
        let after = &rest[2..];
        let len = ((usize::from(head & 0x3f) << 8) | usize::from(len_lo)).min(after.len());
        let (chunk, next) = after.split_at(len);
        rest = next;
        let from_server = head & 0x80 != 0;
        let datagram = if head & 0x40 != 0 {
            chunk.to_vec()
        } else {
            let side = usize::from(from_server);
            pn[side] += 1;
            if from_server {
                seal::server_initial(&DCID, &[1, 2, 3, 4], &[5; 8], pn[side], chunk)
            } else {
                seal::client_initial(&DCID, &[1, 2, 3, 4], pn[side], chunk, 0)
            }
        };
        let mut out = Columns::default();
        conn.datagram(&datagram, !from_server, &mut scratch, &mut out);
        let _ = out.cells();
        let (src, dst) = if from_server { (server, client) } else { (client, server) };
        let mut out = Columns::default();
        flows.datagram(src, dst, &datagram, &mut out);
        assert!(conn.buffered() <= 2 * (quic::MAX_CRYPTO_LEN + 64 * 16));
    }
});
