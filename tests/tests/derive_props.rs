//! Property tests of the derive: a header encoded by hand from random
//! values parses back to exactly those values, in both byte orders, through
//! `parse` (UNPACK and PARSE-then-decode), the view and `header_len`; and no
//! input of any length makes a parser panic.

use pcap_core::{Endian, Field, Header, HeaderView};
use proptest::prelude::*;

/// Bit runs across bytes, signed bits, 3-byte integers, a per-field byte
/// order, a variable field and a fixed field after it.
#[derive(Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct Mixed<'a> {
    #[field(bits = 3)]
    pub a: Field<'a, u8>,
    #[field(bits = 13)]
    pub b: Field<'a, u16>,
    pub c: Field<'a, u32>,
    #[field(bytes = 3)]
    pub d: Field<'a, u32>,
    #[field(bits = 1)]
    pub e: Field<'a, bool>,
    #[field(bits = 7)]
    pub f: Field<'a, i8>,
    pub g: Field<'a, i16>,
    pub h: Field<'a, u64>,
    #[field(endian = "little")]
    pub i: Field<'a, u16>,
    pub n: Field<'a, u8>,
    #[field(len = n)]
    pub data: Field<'a, &'a [u8]>,
    pub tail: Field<'a, u16>,
}

#[derive(Debug, Clone)]
struct Values {
    a: u8,
    b: u16,
    c: u32,
    d: u32,
    e: bool,
    f: i8,
    g: i16,
    h: u64,
    i: u16,
    data: Vec<u8>,
    tail: u16,
}

fn values() -> impl Strategy<Value = Values> {
    (
        (
            0u8..8,
            0u16..8192,
            any::<u32>(),
            0u32..0x100_0000,
            any::<bool>(),
            -64i8..64,
        ),
        (
            any::<i16>(),
            any::<u64>(),
            any::<u16>(),
            proptest::collection::vec(any::<u8>(), 0..40),
            any::<u16>(),
        ),
    )
        .prop_map(|((a, b, c, d, e, f), (g, h, i, data, tail))| Values {
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
            i,
            data,
            tail,
        })
}

fn encode(v: &Values, endian: Endian) -> Vec<u8> {
    let big = endian == Endian::Big;
    let mut out = Vec::new();
    out.extend_from_slice(&((u16::from(v.a) << 13) | v.b).to_be_bytes());
    out.extend_from_slice(&if big {
        v.c.to_be_bytes()
    } else {
        v.c.to_le_bytes()
    });
    let d = if big {
        v.d.to_be_bytes()
    } else {
        v.d.to_le_bytes()
    };
    out.extend_from_slice(if big { &d[1..] } else { &d[..3] });
    out.push((u8::from(v.e) << 7) | (v.f as u8 & 0x7f));
    out.extend_from_slice(&if big {
        v.g.to_be_bytes()
    } else {
        v.g.to_le_bytes()
    });
    out.extend_from_slice(&if big {
        v.h.to_be_bytes()
    } else {
        v.h.to_le_bytes()
    });
    out.extend_from_slice(&v.i.to_le_bytes());
    out.push(v.data.len() as u8);
    out.extend_from_slice(&v.data);
    out.extend_from_slice(&if big {
        v.tail.to_be_bytes()
    } else {
        v.tail.to_le_bytes()
    });
    out
}

proptest! {
    #[test]
    fn encoded_values_parse_back(v in values(), little in any::<bool>(), payload in proptest::collection::vec(any::<u8>(), 0..8)) {
        let endian = if little { Endian::Little } else { Endian::Big };
        let mut bytes = encode(&v, endian);
        let header_len = bytes.len();
        bytes.extend_from_slice(&payload);

        let (m, rest) = Mixed::parse_endian(&bytes, Mixed::ALL, endian).unwrap();
        prop_assert_eq!(rest, &payload[..]);
        prop_assert_eq!(m.a.value(), Some(&v.a));
        prop_assert_eq!(m.b.value(), Some(&v.b));
        prop_assert_eq!(m.c.value(), Some(&v.c));
        prop_assert_eq!(m.d.value(), Some(&v.d));
        prop_assert_eq!(m.e.value(), Some(&v.e));
        prop_assert_eq!(m.f.value(), Some(&v.f));
        prop_assert_eq!(m.g.value(), Some(&v.g));
        prop_assert_eq!(m.h.value(), Some(&v.h));
        prop_assert_eq!(m.i.value(), Some(&v.i));
        prop_assert_eq!(m.data.value().copied(), Some(&v.data[..]));
        prop_assert_eq!(m.tail.value(), Some(&v.tail));

        // PARSE only, decoded later: the same values.
        let (p, _) = Mixed::parse_endian(&bytes, Mixed::PARSE_ALL, endian).unwrap();
        prop_assert_eq!(p.b.decode(), Some(v.b));
        prop_assert_eq!(p.d.decode(), Some(v.d));
        prop_assert_eq!(p.f.decode(), Some(v.f));
        prop_assert_eq!(p.h.decode(), Some(v.h));
        prop_assert_eq!(p.i.decode(), Some(v.i));
        prop_assert_eq!(p.tail.decode(), Some(v.tail));

        let view = Mixed::view_endian(&bytes, endian).unwrap();
        prop_assert_eq!((view.a(), view.b(), view.c(), view.d()), (v.a, v.b, v.c, v.d));
        prop_assert_eq!((view.e(), view.f(), view.g(), view.h(), view.i()), (v.e, v.f, v.g, v.h, v.i));
        prop_assert_eq!(view.data(), &v.data[..]);
        prop_assert_eq!(view.tail(), v.tail);
        prop_assert_eq!(view.payload(), &payload[..]);
        prop_assert_eq!(Mixed::header_len_endian(&bytes, endian).unwrap(), header_len);
    }

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64), little in any::<bool>()) {
        let endian = if little { Endian::Little } else { Endian::Big };
        for flags in [Mixed::NONE, Mixed::DEFAULT, Mixed::PARSE_ALL, Mixed::ALL] {
            if let Ok((m, rest)) = Mixed::parse_endian(&bytes, flags, endian) {
                // On success the header and the rest partition the input.
                let hl = Mixed::header_len_endian(&bytes, endian).unwrap();
                prop_assert_eq!(hl + rest.len(), bytes.len());
                let _ = m.data.decode();
            }
        }
        let _ = Mixed::view_endian(&bytes, endian).map(|v| (v.tail(), v.data().len()));
    }
}
