//! # pcap-core
//!
//! The runtime of a packet-parsing framework for people who inspect packets
//! at scale. Headers are declared as structs with `#[derive(Header)]`; each
//! field has two flags, PARSE (read it, keep its raw bytes) and UNPACK (also
//! decode it), and a field with neither flag is never read.
//!
//! ```
//! use pcap_core::{Field, Header, MacAddr};
//!
//! /// A made-up tunnel header.
//! #[derive(Header, Debug, Clone)]
//! #[header(endian = "big", len = hlen * 4)]
//! pub struct Tunnel<'a> {
//!     #[field(bits = 4)]              pub version: Field<'a, u8>,
//!     #[field(bits = 4, default)]     pub hlen: Field<'a, u8>,
//!     #[field(default)]               pub next: Field<'a, u16>,
//!     #[field(bits = 1)]              pub urgent: Field<'a, bool>,
//!     #[field(bits = 23)]             pub session: Field<'a, u32>,
//!                                     pub origin: Field<'a, MacAddr>,
//!     #[field(len = hlen * 4 - 12)]   pub options: Field<'a, &'a [u8]>,
//! }
//!
//! let bytes = [0x14, 0x08, 0x00, 0x80, 0x00, 0x2a, 2, 0, 0, 0xaa, 0xbb, 0xcc,
//!              1, 2, 3, 4, /* payload: */ 0xde, 0xad];
//! let (tunnel, payload) = Tunnel::parse(&bytes, Tunnel::DEFAULT | Tunnel::PARSE_SESSION)?;
//! assert_eq!(tunnel.hlen.value(), Some(&4));
//! assert!(tunnel.version.is_skipped());
//! assert_eq!(tunnel.session.decode(), Some(42));
//! assert!(tunnel.urgent.is_skipped());
//! assert_eq!(payload, &[0xde, 0xad]);
//! assert_eq!(Tunnel::NEXT.byte_offset(), Some(1));
//! assert_eq!(Tunnel::FIXED_LEN, 12);
//! // Display names: `#[header(name = "...")]`, `#[field(name = "...")]`,
//! // by default the Rust names in lower case.
//! assert_eq!(Tunnel::NAME, "tunnel");
//! assert_eq!(Tunnel::SESSION.full_name(Tunnel::NAME), "tunnel.session");
//! assert_eq!(Tunnel::header_len(&bytes)?, 16);
//! let view = Tunnel::view(&bytes)?;
//! assert_eq!(view.origin().to_string(), "02:00:00:aa:bb:cc");
//! assert_eq!(view.options(), &[1, 2, 3, 4]);
//! // Generic consumers: every present field as a `FieldValue`, printed as
//! // tshark does; a header cut short still reports the fields that fit.
//! let mut shown = Vec::new();
//! Tunnel::visit_bytes(&bytes[..9], pcap_core::Endian::Big, &mut |spec, v| {
//!     shown.push(format!("{}={}", spec.full_name(Tunnel::NAME), v.to_tshark_string(spec)))
//! });
//! assert_eq!(shown, ["tunnel.version=1", "tunnel.hlen=4", "tunnel.next=2048",
//!                    "tunnel.urgent=1", "tunnel.session=42"]);
//! # Ok::<(), pcap_core::Error>(())
//! ```
//!
//! What the derive generates, besides the struct's `parse`: the flags type
//! and constants, one [`FieldSpec`] per field (offset, width, display name,
//! [`Display`]), `FIELDS`, `FIXED_LEN`, `header_len` (skip-ahead), a lazy
//! view, the lax prefix parse `parse_prefix`, the field visitor `visit` and
//! `visit_bytes`, and the [`Header`] impl that offers all of them to generic
//! code. Values reach generic code as [`FieldValue`]s
//! ([`Unpack::to_value`]), printed by [`FieldValue::write_tshark`].

#![warn(missing_docs)]

// Lets the derive's `::pcap_core::...` paths resolve inside this crate too.
extern crate self as pcap_core;

pub mod capture;
pub mod endian;
pub mod error;
pub mod field;
pub mod filter;
pub mod flow;
pub mod header;
mod hint;
pub mod mac;
pub mod unpack;
pub mod value;
pub mod vocab;

#[doc(hidden)]
pub mod __private;

pub use endian::{BigEndian, ByteOrder, Endian, LittleEndian};
pub use error::{Error, Limit, Result};
pub use field::{Field, FieldSpec, Raw};
pub use header::{Header, HeaderView};
pub use mac::MacAddr;
pub use unpack::Unpack;
pub use value::{Display, FieldValue};
pub use vocab::{EtherType, IpProto, LinkType, TcpFlags};

/// `#[derive(Header)]`: see the crate docs and the README's schema tutorial.
pub use pcap_derive::Header;
