//! [`Connection`]: what one QUIC connection's Initial packets need read
//! as tshark 4.0 reads them: the Initial keys (from the Destination
//! Connection ID of the client's first Initial packet), each direction's
//! largest packet number and CRYPTO stream, and which side is the client.
//!
//! Datagrams are fed in capture order; each gives the `tls.*` columns of
//! the handshake messages it completes (a ClientHello split over two
//! datagrams shows on the second; a retransmitted one shows nothing).
//!
//! Memory: the keys (boxed, made with the first Initial) and the two
//! CRYPTO streams, each capped at [`MAX_CRYPTO_LEN`](super::MAX_CRYPTO_LEN)
//! and freed whenever all their bytes have been read.

use super::crypto::CryptoStream;
use super::frames::{Frame, Frames};
use super::handshake::message_columns;
use super::header::{LongHeader, packet_type};
use super::keys::{Endpoint, InitialKeys};
use super::packet::open;
use crate::tls::Columns;
use crate::tls::handshake::handshake_type;

/// One QUIC connection (one UDP flow), fed its datagrams.
#[derive(Debug, Default)]
pub struct Connection {
    keys: Option<Box<InitialKeys>>,
    /// The `from_initiator` value of the client's datagrams.
    client_is_initiator: Option<bool>,
    /// A Retry was seen: the client's next Initial has new keys.
    retried: bool,
    /// Largest packet number opened, per endpoint (client, server).
    largest: [Option<u64>; 2],
    crypto: [CryptoStream; 2],
    /// Whether a ClientHello / ServerHello was read.
    hello: [bool; 2],
}

fn index(e: Endpoint) -> usize {
    match e {
        Endpoint::Client => 0,
        Endpoint::Server => 1,
    }
}

impl Connection {
    /// A connection that has seen nothing.
    pub fn new() -> Self {
        Connection::default()
    }

    /// Whether both hellos were read (nothing more is needed for the
    /// metadata; a HelloRetryRequest's second ClientHello may still come).
    pub fn hellos_read(&self) -> bool {
        self.hello[0] && self.hello[1]
    }

    /// Bytes held for joining CRYPTO frames.
    pub fn buffered(&self) -> usize {
        self.crypto.iter().map(CryptoStream::buffered).sum()
    }

    /// Reads one UDP payload sent by the initiator of the flow (or not),
    /// adding the columns of the handshake messages it completes to `out`.
    /// `scratch` is where packets are decrypted (reused: keep one per
    /// caller).
    pub fn datagram(
        &mut self,
        payload: &[u8],
        from_initiator: bool,
        scratch: &mut Vec<u8>,
        out: &mut Columns,
    ) {
        let mut pos = 0;
        let mut first_dcid: Option<&[u8]> = None;
        while let Some(rest) = payload.get(pos..).filter(|r| !r.is_empty()) {
            let Some(header) = LongHeader::parse(rest) else {
                // A short header, or padding after the last packet.
                break;
            };
            // Coalesced packets share the first one's connection ID; other
            // bytes are padding (tshark's check too).
            if *first_dcid.get_or_insert(header.dcid) != header.dcid {
                break;
            }
            match header.packet_type() {
                packet_type::INITIAL => self.initial(rest, &header, from_initiator, scratch, out),
                // A Retry from the server.
                packet_type::RETRY if self.client_is_initiator == Some(!from_initiator) => {
                    self.retried = true;
                }
                _ => {}
            }
            pos += header.len.max(1);
        }
    }

    /// One Initial packet.
    fn initial(
        &mut self,
        packet: &[u8],
        header: &LongHeader<'_>,
        from_initiator: bool,
        scratch: &mut Vec<u8>,
        out: &mut Columns,
    ) {
        let endpoint = match self.client_is_initiator {
            Some(client) if client != from_initiator => Endpoint::Server,
            // The first Initial that opens comes from the client.
            _ => Endpoint::Client,
        };
        let e = index(endpoint);
        // The connection's keys; not for the client's Initial after a
        // Retry, which has new ones.
        let mut opened = None;
        if !(endpoint == Endpoint::Client && self.retried)
            && let Some(keys) = self.keys.as_deref()
        {
            opened = open(packet, header, keys.of(endpoint), self.largest[e], scratch).ok();
        }
        if opened.is_none() && endpoint == Endpoint::Client {
            // Keys from this packet's own DCID: the client's first Initial
            // (a server's Initial seen before it opens with none of these),
            // its Initial after a Retry, or another connection on the same
            // addresses and ports.
            let fresh = Box::new(InitialKeys::new(header.dcid));
            let Ok(o) = open(packet, header, &fresh.client, None, scratch) else {
                return;
            };
            if !self.retried && self.keys.is_some() {
                // A new connection: what the old one held goes (after a
                // Retry the CRYPTO streams go on, as tshark reads them).
                *self = Connection::default();
            }
            self.keys = Some(fresh);
            self.retried = false;
            self.client_is_initiator = Some(from_initiator);
            self.largest = [None; 2];
            opened = Some(o);
        }
        let Some(opened) = opened else { return };
        self.largest[e] =
            Some(self.largest[e].map_or(opened.packet_number, |l| l.max(opened.packet_number)));
        let plaintext = &scratch[opened.payload.0..opened.payload.1];
        for frame in Frames::new(plaintext) {
            let Frame::Crypto { offset, data } = frame else {
                continue;
            };
            let stream = &mut self.crypto[e];
            if !stream.insert(offset, data) {
                continue;
            }
            while let Some(msg) = stream.next_message() {
                match msg.first() {
                    Some(&handshake_type::CLIENT_HELLO) => self.hello[0] = true,
                    Some(&handshake_type::SERVER_HELLO) => self.hello[1] = true,
                    _ => {}
                }
                message_columns(msg, out);
            }
            stream.release_if_idle();
        }
    }
}
