//! Protocol layers declared with `#[derive(Header)]`, and the dissector that
//! chains them.
//!
//! One module per protocol, each in the same order: constants → the header
//! schema → helpers → `Display` → tests. Every module states its panic
//! contract: after the single length check of `parse`/`view`, no accessor
//! can panic.
//!
//! | module | layer |
//! | --- | --- |
//! | [`eth`], [`vlan`] | Ethernet II, 802.1Q / 802.1ad tags |
//! | [`sll`], [`loopback`] | Linux cooked v1/v2, BSD loopback |
//! | [`ipv4`], [`ipv6`] | IPv4 with options, IPv6 with extension headers |
//! | [`tcp`], [`udp`], [`sctp`], [`icmp`] | transport (TCP options, SCTP ports, ICMP/ICMPv6) |
//! | [`gtp`] | GTP-U tunnels (UDP 2152) |
//! | [`dns`], [`http`] | DNS messages (UDP, TCP), HTTP/1.x heads |
//! | [`quic`] | QUIC v1 Initial packets decrypted: the TLS hellos inside, as `tls.*` columns and metadata; a registered layer on UDP 443 and by its long header |
//! | [`tls`] | TLS/SSL 2.0 handshakes, JA3/JA3S/JA4, tshark's `tls.*` columns per TCP conversation; a registered layer on the TLS ports and by content |
//! | [`wlan`] | radiotap, IEEE 802.11 and LLC/SNAP (link types 127 and 105), registered on their link types |
//! | [`meta`] | per-session metadata (TLS names and fingerprints, DNS queries and answers, HTTP heads) for the index |
//! | [`dissect`] | [`Dissector`], [`Config`], [`Dissection`] |
//!
//! The dissector walks a packet from its link type with one flag set per
//! layer, stops at the asked-for [`Depth`], and fills a [`Dissection`] (the
//! parsed layers, several occurrences outermost first) and a
//! [`PacketSummary`](pcap_core::flow::PacketSummary). Users add layers to
//! its dispatch tables ([`Dissector::register_udp_port`], ...): see
//! the examples (`cargo run -p pcap-examples --example ...`).
//!
//! ```
//! use protocols::{Config, Dissector, dissect::LinkType};
//!
//! // Ethernet / IPv4 / UDP 1234 → 53, no payload.
//! let mut frame = vec![0xff; 12];
//! frame.extend_from_slice(&[0x08, 0x00]);
//! frame.extend_from_slice(&[0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
//! frame.extend_from_slice(&[0x04, 0xd2, 0, 53, 0, 8, 0, 0]);
//! let d = Dissector::new(Config::minimal()).dissect(LinkType::ETHERNET, &frame);
//! assert!(d.error.is_none());
//! assert_eq!((d.summary.sport, d.summary.dport, d.summary.protocol), (1234, 53, 17));
//! assert_eq!(d.ipv4.first().unwrap().header.src_addr.value().unwrap().to_string(), "10.0.0.1");
//! ```

#![warn(missing_docs)]

pub mod dissect;
pub mod dns;
pub mod eth;
pub mod gtp;
pub mod http;
pub mod icmp;
pub mod ipv4;
pub mod ipv6;
pub mod loopback;
pub mod meta;
pub mod quic;
pub mod sctp;
pub mod sll;
pub mod stack;
pub mod tcp;
pub mod tls;
pub mod udp;
pub mod vlan;
pub mod wlan;

pub use dissect::{
    Config, Depth, Dispatch, DissectError, Dissection, Dissector, FnLayer, HeaderLayer, Hit,
    LayerKind, Next, Registry, UserLayer, UserStep,
};
pub use pcap_core::vocab::{EtherType, IpProto, LinkType};
pub use stack::Stack;
