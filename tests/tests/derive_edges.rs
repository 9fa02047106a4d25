//! Less common schema shapes: a lifetime not named `'a`, crate-private
//! visibility, a single field, field names that match view helpers, custom
//! whole-byte types before bit runs (symbolic offsets), bit runs after a
//! conditional field, decoders with `len`, custom types with `len`, and a
//! header `len` that names a field after a variable one.

use pcap_core::{Error, Field, Header, HeaderView, Raw, Unpack};

/// A 3-byte big-endian counter, as a user type with a fixed width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct U24(pub u32);

impl<'x> Unpack<'x> for U24 {
    const WIRE_BITS: Option<usize> = Some(24);
    fn unpack(raw: &Raw<'x>) -> Self {
        U24(raw.uint() as u32)
    }
}

/// A user type of any length: the number of non-zero bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NonZero(pub usize);

impl<'x> Unpack<'x> for NonZero {
    const WIRE_BITS: Option<usize> = None;
    fn unpack(raw: &Raw<'x>) -> Self {
        NonZero(raw.bytes().iter().filter(|&&b| b != 0).count())
    }
}

fn upper(bytes: &[u8]) -> Result<(String, usize), Error> {
    Ok((String::from_utf8_lossy(bytes).to_uppercase(), bytes.len()))
}

#[derive(Header, Debug, Clone)]
pub(crate) struct Edges<'pkt> {
    pub counter: Field<'pkt, U24>,
    #[field(bits = 4)]
    pub hi: Field<'pkt, u8>,
    #[field(bits = 12)]
    pub lo: Field<'pkt, u16>,
    pub kind: Field<'pkt, u8>,
    #[field(when = kind == 1)]
    pub opt: Field<'pkt, u16>,
    #[field(bits = 1)]
    pub a: Field<'pkt, bool>,
    #[field(bits = 15)]
    pub b: Field<'pkt, u16>,
    pub n: Field<'pkt, u8>,
    #[field(len = n, with = upper)]
    pub word: Field<'pkt, String>,
    #[field(len = n)]
    pub nonzero: Field<'pkt, NonZero>,
    #[field(bytes = 2)]
    pub payload: Field<'pkt, &'pkt [u8]>,
}

#[derive(Header, Debug, Clone)]
struct Single<'b> {
    only: Field<'b, u32>,
}

#[derive(Header, Debug, Clone)]
#[header(len = total)]
struct LateLen<'a> {
    n: Field<'a, u8>,
    #[field(len = n)]
    name: Field<'a, &'a [u8]>,
    total: Field<'a, u8>,
}

fn edges_bytes(kind: u8) -> Vec<u8> {
    let mut b = vec![0, 1, 2, 0xab, 0xcd, kind];
    if kind == 1 {
        b.extend_from_slice(&[0x12, 0x34]);
    }
    b.extend_from_slice(&[0x80, 0x05, 3, b'a', b'b', b'c', 0, 5, 0, 9, 9, 0x77]);
    b
}

#[test]
fn symbolic_offsets_conditional_runs_and_decoders() {
    assert_eq!(Edges::FIXED_LEN, 6);
    assert_eq!(Edges::HI.bit_offset, Some(24));
    assert_eq!(Edges::LO.bit_offset, Some(28));
    assert_eq!(Edges::KIND.byte_offset(), Some(5));
    assert_eq!(Edges::A.bit_offset, None);
    for kind in [0u8, 1] {
        let b = edges_bytes(kind);
        let (e, rest) = Edges::parse(&b, Edges::ALL).unwrap();
        assert_eq!(e.counter.value(), Some(&U24(0x000102)));
        assert_eq!((e.hi.value(), e.lo.value()), (Some(&0xa), Some(&0xbcd)));
        assert_eq!(e.opt.value().copied(), (kind == 1).then_some(0x1234));
        assert_eq!((e.a.value(), e.b.value()), (Some(&true), Some(&5)));
        assert_eq!(e.word.value().map(String::as_str), Some("ABC"));
        assert_eq!((e.n.value(), e.kind.value()), (Some(&3), Some(&kind)));
        assert_eq!(e.nonzero.value(), Some(&NonZero(1)));
        assert_eq!(e.payload.value().copied(), Some(&[9u8, 9][..]));
        assert_eq!(rest, &[0x77]);
        let v = Edges::view(&b).unwrap();
        assert_eq!(v.counter(), U24(0x102));
        assert_eq!(v.b(), 5);
        assert_eq!(v.word().unwrap(), "ABC");
        assert_eq!(v.nonzero(), NonZero(1));
        // A field named `payload` keeps its accessor; the view's own is on the trait.
        assert_eq!(v.payload(), &[9, 9]);
        assert_eq!(HeaderView::payload(&v), &[0x77]);
        for len in 0..b.len() - 1 {
            assert!(Edges::parse(&b[..len], Edges::ALL).is_err(), "len {len}");
        }
    }
}

#[test]
fn single_field_and_late_header_len() {
    let (s, rest) = Single::parse(&[0, 0, 0, 7, 1], Single::ALL).unwrap();
    assert_eq!((s.only.value(), rest), (Some(&7), &[1u8][..]));
    assert_eq!(Single::FIELDS.len(), 1);

    let b = [2, b'h', b'i', 6, 0xaa, 0xbb, 0xcc];
    let (h, rest) = LateLen::parse(&b, LateLen::ALL).unwrap();
    assert_eq!(h.name.value().copied(), Some(&b"hi"[..]));
    assert_eq!((h.n.value(), h.total.value()), (Some(&2), Some(&6)));
    assert_eq!(rest, &[0xcc]);
    assert_eq!(LateLen::header_len(&b).unwrap(), 6);
    // A header length shorter than its fields is an error.
    assert!(matches!(
        LateLen::parse(&[2, b'h', b'i', 3], LateLen::ALL).unwrap_err(),
        Error::InvalidLength { .. }
    ));
}
