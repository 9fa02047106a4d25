//! The spec's example schema compiles and parses.
use pcap_core::{Field, Header, MacAddr};

/// A made-up tunnel header.
#[derive(Header, Debug, Clone)]
#[header(endian = "big", len = hlen * 4)]
pub struct Tunnel<'a> {
    #[field(bits = 4)]              pub version: Field<'a, u8>,
    #[field(bits = 4, default)]     pub hlen: Field<'a, u8>,
    #[field(default)]               pub next: Field<'a, u16>,
    #[field(bits = 1)]              pub urgent: Field<'a, bool>,
    #[field(bits = 23)]             pub session: Field<'a, u32>,
                                    pub origin: Field<'a, MacAddr>,
    #[field(len = hlen * 4 - 12)]   pub options: Field<'a, &'a [u8]>,
}

fn main() {
    let bytes = [0x13, 0x08, 0x00, 0, 0, 1, 2, 0, 0, 0xaa, 0xbb, 0xcc];
    let (t, rest) = Tunnel::parse(&bytes, Tunnel::DEFAULT).unwrap();
    assert_eq!(t.hlen.value(), Some(&3));
    assert!(rest.is_empty());
}
