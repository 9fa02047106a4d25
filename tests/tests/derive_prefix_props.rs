//! Property tests of the lax prefix parse and the visitor the derive
//! generates, on random headers of two schemas: `Mixed` (the schema of
//! `derive_props.rs`: bit runs across bytes, signed bits, 3-byte integers, a
//! per-field byte order, a `len` field and a fixed field after it, runtime
//! byte order) and `Opt` (the fuzz target's shape: a header `len`, a `len`
//! expression, a `when` field, a `with` decoder and a final "rest" field).
//!
//! For every prefix of a valid header, `parse_prefix` reports exactly the
//! fields whose bytes are in the prefix, each equal to what `parse` gives
//! for the whole header (same flags), and the rest `Skipped`; on the whole
//! header it equals `parse`. `visit` visits exactly the non-skipped fields,
//! in order, with their decoded values. Nothing panics on any bytes.

use pcap_core::{Endian, Error, Field, FieldValue, Header, Raw};
use proptest::prelude::*;

#[derive(Header, Debug, Clone, PartialEq)]
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

/// A length-prefixed label: self-delimiting, so a prefix that holds it
/// decodes it exactly as the whole header does.
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

#[derive(Header, Debug, Clone, PartialEq)]
#[header(endian = "runtime", len = words * 4)]
pub struct Opt<'a> {
    #[field(bits = 4)]
    pub kind: Field<'a, u8>,
    #[field(bits = 4, scale = 4)]
    pub words: Field<'a, u8>,
    #[field(bits = 3)]
    pub a: Field<'a, u8>,
    #[field(bits = 13, display = "hex")]
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

/// A field's end in `whole`, from a PARSE_ALL parse (`None`: absent).
fn end_of(whole: &[u8], f: &Field<'_, impl Sized>) -> Option<usize> {
    f.raw().map(|r: &Raw<'_>| {
        (r.bytes().as_ptr() as usize - whole.as_ptr() as usize) + r.bytes().len()
    })
}

/// Asserts that `prefix` (lax parse of `cut` bytes) has, for each listed
/// field, the whole parse's field if it ends within `cut`, else `Skipped`.
macro_rules! assert_prefix_fields {
    ($prefix:expr, $full:expr, $ends:expr, $cut:expr, [$($f:ident),*]) => {{
        $(
            let expected = match $ends.$f {
                Some(end) if end <= $cut => $full.$f.clone(),
                _ => Field::Skipped,
            };
            prop_assert_eq!(&$prefix.$f, &expected, "field `{}` with {} bytes", stringify!($f), $cut);
        )*
    }};
}

/// The names of the non-skipped listed fields, in order.
macro_rules! present {
    ($h:expr, [$($f:ident),*]) => {{
        let mut names: Vec<&'static str> = Vec::new();
        $(
            if !$h.$f.is_skipped() {
                names.push(stringify!($f));
            }
        )*
        names
    }};
}

/// Field ends of `Mixed`, by name.
struct MixedEnds {
    a: Option<usize>,
    b: Option<usize>,
    c: Option<usize>,
    d: Option<usize>,
    e: Option<usize>,
    f: Option<usize>,
    g: Option<usize>,
    h: Option<usize>,
    i: Option<usize>,
    n: Option<usize>,
    data: Option<usize>,
    tail: Option<usize>,
}

struct OptEnds {
    kind: Option<usize>,
    words: Option<usize>,
    a: Option<usize>,
    b: Option<usize>,
    n: Option<usize>,
    list: Option<usize>,
    extra: Option<usize>,
    label: Option<usize>,
    rest: Option<usize>,
}

fn mixed_flags() -> impl Strategy<Value = MixedFields> {
    any::<u32>().prop_map(MixedFields::from_bits_truncate)
}

fn opt_flags() -> impl Strategy<Value = OptFields> {
    any::<u32>().prop_map(OptFields::from_bits_truncate)
}

fn endian() -> impl Strategy<Value = Endian> {
    any::<bool>().prop_map(|l| if l { Endian::Little } else { Endian::Big })
}

/// A valid `Mixed` header in `endian`: random fixed fields, then `n`, `n`
/// data bytes and the tail (the byte order does not matter for a random
/// encoding: every field reads back whatever it holds).
fn mixed_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(any::<u8>(), 22),
        proptest::collection::vec(any::<u8>(), 0..20),
        any::<u16>(),
    )
        .prop_map(|(fixed, data, tail)| {
            let mut b = fixed;
            b.push(data.len() as u8);
            b.extend_from_slice(&data);
            b.extend_from_slice(&tail.to_be_bytes());
            b
        })
}

/// A valid `Opt` header: `words * 4` bytes holding every field.
fn opt_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        0u8..16,
        any::<u16>(),
        2u8..7,
        proptest::collection::vec(any::<u8>(), 18),
        proptest::collection::vec(any::<u8>(), 0..6),
        0usize..3,
    )
        .prop_map(|(kind, ab, n, pool, label, extra_words)| {
            let list = usize::from(n) * 3 - 6;
            let mut body = vec![0u8];
            body.extend_from_slice(&ab.to_be_bytes());
            body.push(n);
            body.extend_from_slice(&pool[..list]);
            if kind & 1 != 0 {
                body.extend_from_slice(&pool[..4]);
            }
            body.push(label.len() as u8);
            body.extend_from_slice(&label);
            // The rest: padding to a whole number of words, then more words.
            let len = body.len().div_ceil(4) * 4 + extra_words * 4;
            body.resize(len, 0xee);
            body[0] = (kind << 4) | (len / 4) as u8;
            body
        })
}

fn mixed_ends(bytes: &[u8], endian: Endian) -> MixedEnds {
    let (r, _) = Mixed::parse_endian(bytes, Mixed::PARSE_ALL, endian).unwrap();
    MixedEnds {
        a: end_of(bytes, &r.a),
        b: end_of(bytes, &r.b),
        c: end_of(bytes, &r.c),
        d: end_of(bytes, &r.d),
        e: end_of(bytes, &r.e),
        f: end_of(bytes, &r.f),
        g: end_of(bytes, &r.g),
        h: end_of(bytes, &r.h),
        i: end_of(bytes, &r.i),
        n: end_of(bytes, &r.n),
        data: end_of(bytes, &r.data),
        tail: end_of(bytes, &r.tail),
    }
}

fn opt_ends(bytes: &[u8], endian: Endian) -> OptEnds {
    let (r, _) = Opt::parse_endian(bytes, Opt::PARSE_ALL, endian).unwrap();
    OptEnds {
        kind: end_of(bytes, &r.kind),
        words: end_of(bytes, &r.words),
        a: end_of(bytes, &r.a),
        b: end_of(bytes, &r.b),
        n: end_of(bytes, &r.n),
        list: end_of(bytes, &r.list),
        extra: end_of(bytes, &r.extra),
        label: end_of(bytes, &r.label),
        rest: end_of(bytes, &r.rest),
    }
}

/// What `visit` reports: (field name, value as text).
fn visited<'a, H: Header<'a>>(h: &H) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    h.visit(&mut |spec, v| out.push((spec.name, format!("{v:?}"))));
    out
}

proptest! {
    #[test]
    fn mixed_prefixes_report_exactly_the_fields_that_fit(
        bytes in mixed_bytes(), flags in mixed_flags(), endian in endian(),
        payload in proptest::collection::vec(any::<u8>(), 0..4),
    ) {
        let ends = mixed_ends(&bytes, endian);
        let (full, _) = Mixed::parse_endian(&bytes, flags, endian).unwrap();
        let mut whole = bytes.clone();
        whole.extend_from_slice(&payload);
        prop_assert_eq!(&Mixed::parse_prefix(&whole, flags, endian), &full);
        for cut in 0..bytes.len() {
            let p = Mixed::parse_prefix(&bytes[..cut], flags, endian);
            assert_prefix_fields!(p, full, ends, cut, [a, b, c, d, e, f, g, h, i, n, data, tail]);
        }
    }

    #[test]
    fn opt_prefixes_report_exactly_the_fields_that_fit(
        bytes in opt_bytes(), flags in opt_flags(), endian in endian(),
    ) {
        let ends = opt_ends(&bytes, endian);
        let (full, rest) = Opt::parse_endian(&bytes, flags, endian).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&Opt::parse_prefix(&bytes, flags, endian), &full);
        for cut in 0..bytes.len() {
            let p = Opt::parse_prefix(&bytes[..cut], flags, endian);
            assert_prefix_fields!(p, full, ends, cut, [kind, words, a, b, n, list, extra, label, rest]);
        }
    }

    #[test]
    fn visit_visits_exactly_the_present_fields(
        m in mixed_bytes(), mflags in mixed_flags(),
        o in opt_bytes(), oflags in opt_flags(), endian in endian(), cut in 0usize..64,
    ) {
        let mixed = Mixed::parse_prefix(&m[..cut.min(m.len())], mflags, endian);
        let names: Vec<&str> = visited(&mixed).into_iter().map(|v| v.0).collect();
        prop_assert_eq!(names, present!(mixed, [a, b, c, d, e, f, g, h, i, n, data, tail]));
        let opt = Opt::parse_prefix(&o[..cut.min(o.len())], oflags, endian);
        let names: Vec<&str> = visited(&opt).into_iter().map(|v| v.0).collect();
        prop_assert_eq!(names, present!(opt, [kind, words, a, b, n, list, extra, label, rest]));

        // A Raw is visited with the value UNPACK would give (scaled, for `words`).
        let (raw, _) = Opt::parse_endian(&o, Opt::PARSE_ALL, endian).unwrap();
        let (unpacked, _) = Opt::parse_endian(&o, Opt::ALL, endian).unwrap();
        prop_assert_eq!(visited(&raw), visited(&unpacked));
        let words = visited(&unpacked).into_iter().find(|v| v.0 == "words").unwrap().1;
        prop_assert_eq!(words, format!("{:?}", FieldValue::Unsigned(o.len() as u64)));
    }

    #[test]
    fn visit_bytes_is_parse_prefix_then_visit(
        o in opt_bytes(), endian in endian(), cut in 0usize..64,
    ) {
        let bytes = &o[..cut.min(o.len())];
        let mut seen = Vec::new();
        let whole = Opt::visit_bytes(bytes, endian, &mut |spec, v| seen.push((spec.name, format!("{v:?}"))));
        prop_assert_eq!(whole, cut >= o.len());
        prop_assert_eq!(seen, visited(&Opt::parse_prefix(bytes, Opt::ALL, endian)));
    }

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64), endian in endian()) {
        for cut in 0..=bytes.len() {
            let b = &bytes[..cut];
            for flags in [Opt::NONE, Opt::DEFAULT, Opt::PARSE_ALL, Opt::ALL] {
                let h = Opt::parse_prefix(b, flags, endian);
                let _ = visited(&h);
            }
            Opt::visit_bytes(b, endian, &mut |_, _| {});
            Mixed::visit_bytes(b, endian, &mut |_, _| {});
            let _ = visited(&Mixed::parse_prefix(b, Mixed::PARSE_ALL, endian));
        }
    }
}

#[test]
fn a_cut_header_keeps_the_fields_before_the_cut() {
    // kind 1 (extra present), 3 words; a = 0, b = 0x123; n = 2 (empty list);
    // extra; label "hi"; rest 1 byte.
    let bytes = [
        0x13, 0x01, 0x23, 2, 0xde, 0xad, 0xbe, 0xef, 2, b'h', b'i', 0xee,
    ];
    let full = Opt::parse_prefix(&bytes, Opt::ALL, Endian::Big);
    assert_eq!(full.rest.value(), Some(&&[0xee][..]));
    assert_eq!(full.words.value(), Some(&3));
    let cut = Opt::parse_prefix(&bytes[..10], Opt::ALL, Endian::Big);
    assert_eq!(cut.extra.value(), Some(&0xdead_beef));
    assert_eq!(cut.list.value(), Some(&&[][..]));
    // The label's length byte is there but not its body; the rest is past the cut.
    assert!(cut.label.is_skipped());
    assert!(cut.rest.is_skipped());
    // The condition of `extra` is unknown without `kind`: nothing after it is known.
    let none = Opt::parse_prefix(&bytes[..0], Opt::ALL, Endian::Big);
    assert!(none.kind.is_skipped() && none.extra.is_skipped());
    // A header `len` shorter than its prefix: the fixed fields, nothing after.
    let mut short = bytes;
    short[0] = 0x10;
    let bad = Opt::parse_prefix(&short, Opt::ALL, Endian::Big);
    assert!(Opt::parse(&short, Opt::ALL).is_err());
    assert_eq!(bad.n.value(), Some(&2));
    assert!(bad.list.is_skipped() && bad.label.is_skipped());
}

#[test]
fn tshark_text_of_visited_fields() {
    let bytes = [
        0x13, 0x01, 0x23, 2, 0xde, 0xad, 0xbe, 0xef, 2, b'h', b'i', 0xee,
    ];
    let mut out = Vec::new();
    Opt::visit_bytes(&bytes, Endian::Big, &mut |spec, v| {
        out.push(format!(
            "{}={}",
            spec.full_name("opt"),
            v.to_tshark_string(spec)
        ))
    });
    assert_eq!(
        out,
        [
            "opt.kind=1",
            "opt.words=12",
            "opt.a=0",
            "opt.b=0x0123",
            "opt.n=2",
            "opt.list=",
            "opt.extra=3735928559",
            "opt.label=6869",
            "opt.rest=ee",
        ]
    );
}
