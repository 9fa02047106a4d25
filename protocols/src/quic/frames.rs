//! The frames of a decrypted Initial packet ([RFC 9000 §19]): an Initial
//! may carry only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE
//! (§12.4); the walk stops at any other type, as the packet is then
//! invalid, and at the first frame cut short.
//!
//! Panic contract: every field is read through a checked [`Reader`].
//!
//! [RFC 9000 §19]: https://www.rfc-editor.org/rfc/rfc9000#section-19

use super::varint::Reader;

/// Frame types used here.
pub mod frame_type {
    /// PADDING.
    pub const PADDING: u64 = 0x00;
    /// PING.
    pub const PING: u64 = 0x01;
    /// ACK.
    pub const ACK: u64 = 0x02;
    /// ACK with ECN counts.
    pub const ACK_ECN: u64 = 0x03;
    /// CRYPTO.
    pub const CRYPTO: u64 = 0x06;
    /// CONNECTION_CLOSE (QUIC layer).
    pub const CONNECTION_CLOSE: u64 = 0x1c;
    /// CONNECTION_CLOSE (application).
    pub const CONNECTION_CLOSE_APP: u64 = 0x1d;
}

/// One frame of an Initial packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A run of PADDING bytes.
    Padding,
    /// PING.
    Ping,
    /// ACK (ranges skipped).
    Ack,
    /// CRYPTO: bytes of the TLS handshake at `offset` of the stream.
    Crypto {
        /// Offset in the packet number space's CRYPTO stream.
        offset: u64,
        /// The bytes.
        data: &'a [u8],
    },
    /// CONNECTION_CLOSE.
    ConnectionClose,
}

/// The frames of a plaintext payload, in order.
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    r: Reader<'a>,
    done: bool,
}

impl<'a> Frames<'a> {
    /// Walks `payload` from its first byte.
    pub fn new(payload: &'a [u8]) -> Self {
        Frames {
            r: Reader::new(payload),
            done: false,
        }
    }

    fn frame(&mut self) -> Option<Frame<'a>> {
        let r = &mut self.r;
        match r.varint()? {
            frame_type::PADDING => {
                // Runs of zero bytes are one padding frame.
                while r.clone().u8() == Some(0) {
                    r.u8();
                }
                Some(Frame::Padding)
            }
            frame_type::PING => Some(Frame::Ping),
            t @ (frame_type::ACK | frame_type::ACK_ECN) => {
                let _largest = r.varint()?;
                let _delay = r.varint()?;
                let ranges = r.varint()?;
                let _first = r.varint()?;
                // Each range is two varints of at least one byte: a count
                // larger than what is left cannot be real.
                for _ in 0..ranges {
                    r.varint()?;
                    r.varint()?;
                }
                if t == frame_type::ACK_ECN {
                    for _ in 0..3 {
                        r.varint()?;
                    }
                }
                Some(Frame::Ack)
            }
            frame_type::CRYPTO => {
                let offset = r.varint()?;
                let len = r.varint()?;
                let data = r.take_u64(len)?;
                Some(Frame::Crypto { offset, data })
            }
            t @ (frame_type::CONNECTION_CLOSE | frame_type::CONNECTION_CLOSE_APP) => {
                let _code = r.varint()?;
                if t == frame_type::CONNECTION_CLOSE {
                    let _frame_type = r.varint()?;
                }
                let len = r.varint()?;
                r.take_u64(len)?;
                Some(Frame::ConnectionClose)
            }
            _ => None,
        }
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Frame<'a>;

    fn next(&mut self) -> Option<Frame<'a>> {
        if self.done || self.r.is_empty() {
            return None;
        }
        let f = self.frame();
        self.done = f.is_none();
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_initial_frames() {
        let payload = [
            0x02, 0x05, 0x00, 0x01, 0x00, 0x01, 0x02, // ACK, one more range
            0x00, 0x00, 0x00, // padding
            0x06, 0x40, 0x10, 0x03, b'a', b'b', b'c', // CRYPTO at 16
            0x01, // PING
            0x1c, 0x0a, 0x06, 0x02, b'n', b'o', // CONNECTION_CLOSE
            0x08, 0x00, // STREAM: not in an Initial, the walk stops
            0x01,
        ];
        let frames: Vec<Frame<'_>> = Frames::new(&payload).collect();
        assert_eq!(
            frames,
            [
                Frame::Ack,
                Frame::Padding,
                Frame::Crypto {
                    offset: 16,
                    data: b"abc"
                },
                Frame::Ping,
                Frame::ConnectionClose,
            ]
        );
        for cut in 0..payload.len() {
            let _ = Frames::new(&payload[..cut]).count();
        }
        // A CRYPTO length past the end, an ACK range count of 2^62.
        assert_eq!(Frames::new(&[0x06, 0x00, 0x05, 1]).count(), 0);
        let huge = [
            0x02, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,
        ];
        assert_eq!(Frames::new(&huge).count(), 0);
    }
}
