//! Per-session metadata for a session index: what analysts search for
//! (TLS server name, ALPN, JA3/JA3S/JA4; DNS query names and answer
//! addresses; HTTP host, method, URI, User-Agent and status), extracted
//! from every packet of a TCP or UDP session as tshark 4.0 finds it with
//! its default reassembly on.
//!
//! One [`Extractor`] per live session is fed each packet, already
//! dissected (to the transport layer at least: the index's
//! [`Config::minimal`](crate::Config::minimal) is enough), with its
//! direction; [`Extractor::finish`] gives the
//! [`SessionMeta`]: for each of the [`KEYS`], the distinct values in
//! first-seen order. Memory per session is bounded by [`Limits`].
//!
//! | module | what |
//! | --- | --- |
//! | [`limits`] | [`Limits`]: the fixed budget of one session |
//! | [`values`] | [`KEYS`], [`Key`], [`SessionMeta`]: the values found |
//! | `stream` | one direction of a TCP connection joined in sequence order |
//! | `tls` | ClientHello/ServerHello records joined across segments, read by [`tls::Session`](crate::tls::Session) |
//! | `http` | HTTP/1.x heads found by content, joined across segments, bodies skipped |
//! | `dns` | DNS messages over UDP, and length-prefixed over TCP |
//! | `quic` | TLS hellos in QUIC v1 Initial packets (UDP), decrypted by [`quic`](crate::quic) |
//! | [`extractor`] | [`Extractor`]: one session's state |
//!
//! What tshark does and this follows: TCP payloads are joined in sequence
//! order per direction (retransmitted bytes are dropped; as tshark 4.0,
//! a segment after a gap is read at once and the late one that fills the
//! gap is dropped, unless [`Limits::max_pending_segments`] asks to hold
//! segments; a segment cut by the snap length is read as it is); a
//! conversation is TLS on the usual TLS ports, or from the first payload
//! that looks like a TLS record (not on HTTP's ports), STARTTLS included;
//! every ClientHello gives JA3 (also the second after a
//! HelloRetryRequest), every ServerHello JA3S, the first ClientHello JA4;
//! HTTP heads are recognised by their content on any port but SSH's
//! (after a SOCKS handshake too), and a message counts once its head and
//! its Content-Length body are whole. IP fragments must be reassembled by
//! the caller (the index does, before dissecting; [`Extractor::tcp_segment`]
//! and [`Extractor::dns_message`] take a reassembled segment or datagram);
//! TLS inside QUIC v1 Initial packets is read as TLS over TCP (a UDP
//! session is QUIC from its first datagram with a v1 long header).
//!
//! ```
//! use protocols::meta::{Extractor, Key, Limits};
//! use protocols::{Config, Dissector, LinkType};
//!
//! // An IPv4/UDP DNS query for "example.com", link type RAW.
//! let mut dns = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
//! dns.extend_from_slice(b"\x07example\x03com\x00\x00\x01\x00\x01");
//! let udp_len = 8 + dns.len();
//! let mut pkt = vec![0x45, 0, 0, (20 + udp_len) as u8, 0, 0, 0, 0, 64, 17, 0, 0];
//! pkt.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
//! pkt.extend_from_slice(&[0x30, 0x39, 0, 53, 0, udp_len as u8, 0, 0]);
//! pkt.extend_from_slice(&dns);
//!
//! let dissector = Dissector::new(Config::minimal());
//! let d = dissector.dissect(LinkType::RAW, &pkt);
//! let mut session = Extractor::new(&Limits::default());
//! session.packet(&d, true);
//! let meta = session.finish();
//! assert_eq!(meta.get(Key::DnsQueryName), ["example.com"]);
//! ```

pub mod extractor;
pub mod limits;
pub mod values;

mod dns;
mod http;
mod quic;
mod stream;
mod tls;

pub use extractor::{Extractor, TcpSegment};
pub use limits::Limits;
pub use values::{KEYS, Key, SessionMeta};

#[cfg(test)]
mod tests;
