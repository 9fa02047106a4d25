//! Generated code names nothing from the prelude: it compiles in a module
//! without it, next to user items that shadow common names.
#![no_implicit_prelude]

extern crate pcap_core;
extern crate std;

mod shadows {
    // Items named like what generated code might use unqualified.
    #[allow(dead_code)]
    pub struct Result;
    #[allow(dead_code)]
    pub struct Option;
    #[allow(dead_code)]
    pub struct Some;
    #[allow(dead_code)]
    pub struct Ok;
    #[allow(dead_code)]
    pub struct Vec;
}

#[allow(unused_imports)]
use shadows::*;
use pcap_core::{Field, Header, MacAddr};

#[derive(Header, Clone)]
#[header(endian = "runtime", len = words * 4)]
pub struct Hygienic<'a> {
    #[field(bits = 4)]
    pub kind: Field<'a, u8>,
    #[field(bits = 4, default)]
    pub words: Field<'a, u8>,
    pub id: Field<'a, u16>,
    #[field(bytes = 3, endian = "little")]
    pub small: Field<'a, u32>,
    #[field(bits = 1)]
    pub flag: Field<'a, bool>,
    #[field(bits = 7)]
    pub level: Field<'a, i8>,
    pub mac: Field<'a, MacAddr>,
    pub addr: Field<'a, ::std::net::Ipv4Addr>,
    #[field(when = kind == 1)]
    pub extra: Field<'a, u32>,
    pub rest: Field<'a, &'a [u8]>,
}

fn main() {
    let bytes = [0x16u8, 0, 7, 1, 2, 3, 0x81, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 9, 7, 7, 7];
    let (h, rest) = Hygienic::parse(&bytes, Hygienic::ALL).unwrap();
    ::std::assert_eq!(h.words.value(), ::std::option::Option::Some(&6));
    ::std::assert_eq!(h.rest.value().copied(), ::std::option::Option::Some(&[7u8, 7, 7][..]));
    ::std::assert_eq!(h.extra.value(), ::std::option::Option::Some(&9));
    ::std::assert!(rest.is_empty());
    ::std::assert_eq!(Hygienic::header_len(&bytes).unwrap(), 24);
    let view = Hygienic::view(&bytes).unwrap();
    ::std::assert_eq!(view.small(), 0x030201);
}
