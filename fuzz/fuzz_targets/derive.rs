//! Fuzzes derive-generated parsers: arbitrary bytes through a schema with
//! bit runs, a `len` expression, a `when` field, a `with` decoder and a
//! header `len`, in both byte orders and every flag mode, and through the
//! view and `header_len`. Nothing may panic, and on success the header and
//! the rest must partition the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcap_core::{Endian, Error, Field, Header, HeaderView};

fn counted(bytes: &[u8]) -> Result<(&[u8], usize), Error> {
    let n = usize::from(
        *bytes
            .first()
            .ok_or_else(|| Error::malformed("", "", 0, "empty"))?,
    );
    let body = bytes
        .get(1..1 + n)
        .ok_or_else(|| Error::malformed("", "", 0, "short"))?;
    Ok((body, n + 1))
}

#[derive(Header, Debug, Clone)]
#[header(endian = "runtime", len = words * 4)]
pub struct Fuzzed<'a> {
    #[field(bits = 4)]
    pub kind: Field<'a, u8>,
    #[field(bits = 4)]
    pub words: Field<'a, u8>,
    #[field(bits = 3)]
    pub a: Field<'a, u8>,
    #[field(bits = 13)]
    pub b: Field<'a, i16>,
    pub n: Field<'a, u8>,
    #[field(len = n * 3 - 6)]
    pub list: Field<'a, &'a [u8]>,
    #[field(when = kind & 1 != 0)]
    pub extra: Field<'a, u32>,
    #[field(with = counted)]
    pub label: Field<'a, &'a [u8]>,
    pub rest: Field<'a, &'a [u8]>,
}

fuzz_target!(|data: &[u8]| {
    for endian in [Endian::Big, Endian::Little] {
        for flags in [
            Fuzzed::NONE,
            Fuzzed::DEFAULT,
            Fuzzed::PARSE_ALL,
            Fuzzed::ALL,
        ] {
            if let Ok((h, rest)) = Fuzzed::parse_endian(data, flags, endian) {
                let len =
                    Fuzzed::header_len_endian(data, endian).expect("header_len agrees with parse");
                assert_eq!(len + rest.len(), data.len());
                let _ = (h.b.decode(), h.list.decode(), h.extra.decode());
            }
        }
        if let Ok(v) = Fuzzed::view_endian(data, endian) {
            let _ = (v.b(), v.list(), v.extra(), v.label(), v.rest(), v.payload());
        }
    }
});
