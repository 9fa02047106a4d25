//! Schemas declared with `#[derive(Header)]`, dissected from literal bytes:
//! every field type, both byte orders, bit runs across bytes, variable and
//! conditional fields, custom types and decoders, flags, views, skip-ahead
//! and truncation.

use std::net::{Ipv4Addr, Ipv6Addr};

use pcap_core::{Endian, Error, Field, FieldSpec, Header, HeaderView, Limit, MacAddr, Raw, Unpack};

/// The made-up tunnel header of the spec.
#[derive(Header, Debug, Clone)]
#[header(endian = "big", len = hlen * 4)]
pub struct Tunnel<'a> {
    #[field(bits = 4)]
    pub version: Field<'a, u8>,
    #[field(bits = 4, default)]
    pub hlen: Field<'a, u8>,
    #[field(default)]
    pub next: Field<'a, u16>,
    #[field(bits = 1)]
    pub urgent: Field<'a, bool>,
    #[field(bits = 23)]
    pub session: Field<'a, u32>,
    pub origin: Field<'a, MacAddr>,
    #[field(len = hlen * 4 - 12)]
    pub options: Field<'a, &'a [u8]>,
}

/// version 1, hlen 4 (16 bytes), next 0x0800, urgent, session 42,
/// origin 02:00:00:aa:bb:cc, 4 bytes of options, 2 bytes of payload.
const TUNNEL: [u8; 18] = [
    0x14, 0x08, 0x00, 0x80, 0x00, 0x2a, 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc, 1, 2, 3, 4, 0xde, 0xad,
];

#[test]
fn tunnel_unpack_all() {
    let (t, rest) = Tunnel::parse(&TUNNEL, Tunnel::ALL).unwrap();
    assert_eq!(t.version.value(), Some(&1));
    assert_eq!(t.hlen.value(), Some(&4));
    assert_eq!(t.next.value(), Some(&0x0800));
    assert_eq!(t.urgent.value(), Some(&true));
    assert_eq!(t.session.value(), Some(&42));
    assert_eq!(t.origin.value().unwrap().to_string(), "02:00:00:aa:bb:cc");
    assert_eq!(t.options.value().copied(), Some(&[1u8, 2, 3, 4][..]));
    assert_eq!(rest, &[0xde, 0xad]);
}

#[test]
fn tunnel_default_flags_unpack_only_default_fields() {
    let (t, rest) = Tunnel::parse(&TUNNEL, Tunnel::DEFAULT).unwrap();
    assert!(t.version.is_skipped());
    assert_eq!(t.hlen.value(), Some(&4));
    assert_eq!(t.next.value(), Some(&0x0800));
    assert!(t.urgent.is_skipped() && t.session.is_skipped() && t.origin.is_skipped());
    // `options` is needed to find the end, but is reported as flagged: skipped.
    assert!(t.options.is_skipped());
    assert_eq!(rest, &[0xde, 0xad]);
    assert_eq!(Tunnel::DEFAULT, Tunnel::UNPACK_HLEN | Tunnel::UNPACK_NEXT);
    assert_eq!(TunnelFields::default(), Tunnel::DEFAULT);
}

#[test]
fn tunnel_parse_only_keeps_raw_bytes_with_bit_positions() {
    let (t, _) = Tunnel::parse(&TUNNEL, Tunnel::PARSE_ALL).unwrap();
    let hlen = t.hlen.raw().unwrap();
    assert_eq!(hlen.bytes(), &[0x14]);
    assert_eq!((hlen.bit_offset(), hlen.bit_width()), (4, 4));
    assert_eq!(t.hlen.decode(), Some(4));
    let session = t.session.raw().unwrap();
    assert_eq!(session.bytes(), &[0x80, 0x00, 0x2a]);
    assert_eq!((session.bit_offset(), session.bit_width()), (1, 23));
    assert_eq!(t.session.decode(), Some(42));
    assert_eq!(t.next.raw().unwrap().bytes(), &[0x08, 0x00]);
    assert_eq!(t.next.raw().unwrap().endian(), Endian::Big);
    assert_eq!(
        t.origin.decode(),
        Some(MacAddr([2, 0, 0, 0xaa, 0xbb, 0xcc]))
    );
    assert_eq!(t.options.raw().unwrap().bytes(), &[1, 2, 3, 4]);
    assert_eq!(t.urgent.decode(), Some(true));
}

#[test]
fn tunnel_every_flag_combination_reports_exactly_what_was_asked() {
    let per_field = [
        (Tunnel::PARSE_VERSION, Tunnel::UNPACK_VERSION),
        (Tunnel::PARSE_HLEN, Tunnel::UNPACK_HLEN),
        (Tunnel::PARSE_NEXT, Tunnel::UNPACK_NEXT),
        (Tunnel::PARSE_URGENT, Tunnel::UNPACK_URGENT),
        (Tunnel::PARSE_SESSION, Tunnel::UNPACK_SESSION),
        (Tunnel::PARSE_ORIGIN, Tunnel::UNPACK_ORIGIN),
        (Tunnel::PARSE_OPTIONS, Tunnel::UNPACK_OPTIONS),
    ];
    // 3 states per field: none, parse, unpack.
    for combo in 0..3usize.pow(per_field.len() as u32) {
        let mut flags = Tunnel::NONE;
        let mut states = Vec::new();
        let mut c = combo;
        for (parse, unpack) in per_field {
            let state = c % 3;
            c /= 3;
            flags |= match state {
                0 => Tunnel::NONE,
                1 => parse,
                _ => unpack,
            };
            states.push(state);
        }
        let (t, rest) = Tunnel::parse(&TUNNEL, flags).unwrap();
        assert_eq!(rest, &[0xde, 0xad]);
        let got = [
            state(&t.version),
            state(&t.hlen),
            state(&t.next),
            state(&t.urgent),
            state(&t.session),
            state(&t.origin),
            state(&t.options),
        ];
        assert_eq!(got.to_vec(), states, "flags {flags:?}");
        // Whatever was read decodes to the same value.
        if !t.session.is_skipped() {
            assert_eq!(t.session.decode(), Some(42));
        }
    }
}

fn state<T>(f: &Field<'_, T>) -> usize {
    match f {
        Field::Skipped => 0,
        Field::Raw(_) => 1,
        Field::Value(_) => 2,
    }
}

#[test]
fn tunnel_constants() {
    assert_eq!(Tunnel::FIXED_LEN, 12);
    assert_eq!(
        Tunnel::VERSION,
        FieldSpec {
            name: "version",
            display_name: "version",
            bit_offset: Some(0),
            bit_width: Some(4),
            display: pcap_core::Display::Default
        }
    );
    assert_eq!(Tunnel::HLEN.bit_offset, Some(4));
    assert_eq!(Tunnel::NEXT.byte_offset(), Some(1));
    assert_eq!(Tunnel::URGENT.bit_offset, Some(24));
    assert_eq!(
        Tunnel::SESSION,
        FieldSpec {
            name: "session",
            display_name: "session",
            bit_offset: Some(25),
            bit_width: Some(23),
            display: pcap_core::Display::Default
        }
    );
    assert_eq!(Tunnel::ORIGIN.byte_offset(), Some(6));
    assert_eq!(
        Tunnel::OPTIONS,
        FieldSpec {
            name: "options",
            display_name: "options",
            bit_offset: Some(96),
            bit_width: None,
            display: pcap_core::Display::Default
        }
    );
    let names: Vec<&str> = Tunnel::FIELDS.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "version", "hlen", "next", "urgent", "session", "origin", "options"
        ]
    );
    assert_eq!(<Tunnel as Header>::NAME, "tunnel");
    // UNPACK implies PARSE; flags combine as bitflags do.
    assert!(Tunnel::UNPACK_NEXT.contains(Tunnel::PARSE_NEXT));
    assert_eq!(
        Tunnel::ALL & !Tunnel::PARSE_ALL & Tunnel::UNPACK_NEXT,
        Tunnel::UNPACK_NEXT ^ Tunnel::PARSE_NEXT
    );
    assert!(Tunnel::PARSE_ALL.contains(Tunnel::PARSE_OPTIONS));
    assert!(!Tunnel::PARSE_ALL.contains(Tunnel::UNPACK_OPTIONS));
}

#[test]
fn tunnel_header_len_and_view() {
    assert_eq!(Tunnel::header_len(&TUNNEL).unwrap(), 16);
    let view = Tunnel::view(&TUNNEL).unwrap();
    assert_eq!(view.version(), 1);
    assert_eq!(view.hlen(), 4);
    assert_eq!(view.next(), 0x0800);
    assert!(view.urgent());
    assert_eq!(view.session(), 42);
    assert_eq!(view.origin(), MacAddr([2, 0, 0, 0xaa, 0xbb, 0xcc]));
    assert_eq!(view.options(), &[1, 2, 3, 4]);
    assert_eq!(view.header_bytes(), &TUNNEL[..16]);
    assert_eq!(view.payload(), &[0xde, 0xad]);
    assert_eq!(HeaderView::header_len(&view), 16);
}

#[test]
fn tunnel_impossible_lengths_are_errors() {
    // hlen = 2: header 8 bytes, shorter than the 12 fixed bytes.
    let mut b = TUNNEL;
    b[0] = 0x12;
    for res in [
        Tunnel::parse(&b, Tunnel::ALL).map(|_| ()),
        Tunnel::header_len(&b).map(|_| ()),
        Tunnel::view(&b).map(|_| ()),
    ] {
        let err = res.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidLength {
                    layer: "Tunnel",
                    ..
                }
            ),
            "{err}"
        );
    }
    // hlen = 15: 60 bytes claimed, 18 there.
    b[0] = 0x1f;
    let err = Tunnel::parse(&b, Tunnel::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                layer: "Tunnel",
                needed: 60,
                available: 18,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn tunnel_truncation_at_every_length_is_an_error_naming_the_field() {
    for len in 0..16 {
        let bytes = &TUNNEL[..len];
        let err = Tunnel::parse(bytes, Tunnel::ALL).unwrap_err();
        assert!(err.is_truncated(), "len {len}: {err}");
        assert_eq!(err.layer(), Some("Tunnel"));
        assert!(Tunnel::header_len(bytes).is_err());
        assert!(Tunnel::view(bytes).is_err());
        if len < 12 {
            // The first field that does not fit is named, with its offset.
            let Error::Truncated {
                field,
                offset,
                needed,
                available,
                limit,
                ..
            } = err
            else {
                unreachable!()
            };
            let spec = Tunnel::FIELDS.iter().find(|s| s.name == field).unwrap();
            assert_eq!(spec.byte_offset(), Some(offset));
            assert!(
                needed > len && available == len,
                "{field} {needed} {available}"
            );
            assert_eq!(limit, Limit::Buffer);
        }
    }
    assert!(Tunnel::parse(&TUNNEL[..16], Tunnel::ALL).is_ok());
}

/// An IPv4-shaped header with options.
#[derive(Header, Debug, Clone)]
#[header(len = ihl * 4)]
pub struct Ipv4<'a> {
    #[field(bits = 4)]
    pub version: Field<'a, u8>,
    #[field(bits = 4, default)]
    pub ihl: Field<'a, u8>,
    #[field(bits = 6)]
    pub dscp: Field<'a, u8>,
    #[field(bits = 2)]
    pub ecn: Field<'a, u8>,
    pub total_len: Field<'a, u16>,
    pub ident: Field<'a, u16>,
    #[field(bits = 1)]
    pub reserved: Field<'a, bool>,
    #[field(bits = 1)]
    pub dont_frag: Field<'a, bool>,
    #[field(bits = 1)]
    pub more_frags: Field<'a, bool>,
    #[field(bits = 13)]
    pub frag_offset: Field<'a, u16>,
    pub ttl: Field<'a, u8>,
    #[field(default)]
    pub protocol: Field<'a, u8>,
    pub checksum: Field<'a, u16>,
    #[field(default)]
    pub src: Field<'a, Ipv4Addr>,
    #[field(default)]
    pub dst: Field<'a, Ipv4Addr>,
    #[field(len = ihl * 4 - 20)]
    pub options: Field<'a, &'a [u8]>,
}

/// A real IPv4 header with a Router Alert option (from an MLD/IGMP capture).
const IPV4_RA: [u8; 28] = [
    0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x41, 0x7c, 0xc0, 0xa8, 0x01, 0x01,
    0xe0, 0x00, 0x00, 0x16, 0x94, 0x04, 0x00, 0x00, 0x22, 0x00, 0xf9, 0x02,
];

#[test]
fn test_parse_ipv4_with_router_alert() {
    let (ip, payload) = Ipv4::parse(&IPV4_RA, Ipv4::ALL).unwrap();
    assert_eq!(ip.version.value(), Some(&4));
    assert_eq!(ip.ihl.value(), Some(&6));
    assert_eq!(ip.dscp.value(), Some(&0x30));
    assert_eq!(ip.ecn.value(), Some(&0));
    assert_eq!(ip.total_len.value(), Some(&32));
    assert_eq!(ip.dont_frag.value(), Some(&true));
    assert_eq!(ip.more_frags.value(), Some(&false));
    assert_eq!(ip.frag_offset.value(), Some(&0));
    assert_eq!(ip.ttl.value(), Some(&1));
    assert_eq!(ip.protocol.value(), Some(&2));
    assert_eq!(ip.src.value(), Some(&Ipv4Addr::new(192, 168, 1, 1)));
    assert_eq!(ip.dst.value(), Some(&Ipv4Addr::new(224, 0, 0, 22)));
    assert_eq!(
        ip.options.value().copied(),
        Some(&[0x94, 0x04, 0x00, 0x00][..])
    );
    assert_eq!(payload, &[0x22, 0x00, 0xf9, 0x02]);
    assert_eq!(Ipv4::FIXED_LEN, 20);
    assert_eq!(Ipv4::FRAG_OFFSET.bit_offset, Some(51));
    assert_eq!(Ipv4::SRC.byte_offset(), Some(12));
}

#[test]
fn test_parse_small_ihl() {
    let mut b = IPV4_RA;
    b[0] = 0x43; // ihl 3: 12 bytes, shorter than the 20-byte fixed part
    let err = Ipv4::parse(&b, Ipv4::DEFAULT).unwrap_err();
    assert!(
        matches!(err, Error::InvalidLength { layer: "Ipv4", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("Ipv4"), "{err}");
}

#[test]
fn test_ipv4_view_matches_parse() {
    let v = Ipv4::view(&IPV4_RA).unwrap();
    assert_eq!((v.version(), v.ihl(), v.ttl(), v.protocol()), (4, 6, 1, 2));
    assert_eq!(v.frag_offset(), 0);
    assert!(v.dont_frag());
    assert_eq!(v.dst(), Ipv4Addr::new(224, 0, 0, 22));
    assert_eq!(v.options(), &[0x94, 0x04, 0x00, 0x00]);
    assert_eq!(v.payload(), &IPV4_RA[24..]);
}

/// A little-endian header (pcap-record-like) with a per-field override.
#[derive(Header, Debug, Clone)]
#[header(endian = "little")]
pub struct LittleRecord<'a> {
    pub ts_sec: Field<'a, u32>,
    pub ts_usec: Field<'a, u32>,
    #[field(endian = "big")]
    pub magic: Field<'a, u16>,
    #[field(bytes = 3)]
    pub small: Field<'a, u32>,
    pub signed: Field<'a, i16>,
}

#[test]
fn little_endian_header_and_override() {
    let b = [
        1, 0, 0, 0, 2, 0, 0, 0, 0x12, 0x34, 0x01, 0x02, 0x03, 0xfe, 0xff,
    ];
    let (r, rest) = LittleRecord::parse(&b, LittleRecord::ALL).unwrap();
    assert_eq!(r.ts_sec.value(), Some(&1));
    assert_eq!(r.ts_usec.value(), Some(&2));
    assert_eq!(r.magic.value(), Some(&0x1234));
    assert_eq!(r.small.value(), Some(&0x030201));
    assert_eq!(r.signed.value(), Some(&-2));
    assert!(rest.is_empty());
    assert_eq!(LittleRecord::FIXED_LEN, 15);
    // Parsing as big-endian overrides the header, not the field's own `endian`.
    let (r, _) = LittleRecord::parse_endian(&b, LittleRecord::ALL, Endian::Big).unwrap();
    assert_eq!(r.ts_sec.value(), Some(&0x01000000));
    assert_eq!(r.magic.value(), Some(&0x1234));
    assert_eq!(r.small.value(), Some(&0x010203));
    let (r, _) = LittleRecord::parse(&b, LittleRecord::PARSE_ALL).unwrap();
    assert_eq!(r.ts_sec.raw().unwrap().endian(), Endian::Little);
    assert_eq!(r.ts_sec.decode(), Some(1));
    assert_eq!(r.magic.raw().unwrap().endian(), Endian::Big);
    assert_eq!(r.small.decode(), Some(0x030201));
    let v = LittleRecord::view(&b).unwrap();
    assert_eq!(
        (v.ts_sec(), v.magic(), v.small(), v.signed()),
        (1, 0x1234, 0x030201, -2)
    );
    let v = LittleRecord::view_endian(&b, Endian::Big).unwrap();
    assert_eq!(
        (v.ts_usec(), v.magic(), v.small()),
        (0x02000000, 0x1234, 0x010203)
    );
}

/// A runtime-endian header: the byte order is chosen per call.
#[derive(Header, Debug, Clone)]
#[header(endian = "runtime")]
pub struct FileHeader<'a> {
    pub magic: Field<'a, u32>,
    #[field(default)]
    pub version_major: Field<'a, u16>,
    pub version_minor: Field<'a, u16>,
    pub thiszone: Field<'a, i32>,
    pub sigfigs: Field<'a, u32>,
    pub snaplen: Field<'a, u32>,
    pub linktype: Field<'a, u32>,
}

#[test]
fn runtime_endian_header() {
    let le = [
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ];
    let (h, _) = FileHeader::parse_endian(&le, FileHeader::ALL, Endian::Little).unwrap();
    assert_eq!(h.magic.value(), Some(&0xa1b2c3d4));
    assert_eq!(h.version_major.value(), Some(&2));
    assert_eq!(h.version_minor.value(), Some(&4));
    assert_eq!(h.snaplen.value(), Some(&65535));
    assert_eq!(h.linktype.value(), Some(&1));
    let be: Vec<u8> = le
        .chunks(4)
        .flat_map(|c| {
            let mut c = c.to_vec();
            c.reverse();
            c
        })
        .collect();
    // The two u16 halves of the version word swap places when the word is reversed.
    let (h, _) = FileHeader::parse_endian(&be, FileHeader::ALL, Endian::Big).unwrap();
    assert_eq!(h.magic.value(), Some(&0xa1b2c3d4));
    assert_eq!(h.version_major.value(), Some(&4));
    assert_eq!(h.snaplen.value(), Some(&65535));
    // `parse` of a runtime header is big-endian (network order).
    let (h, _) = FileHeader::parse(&be, FileHeader::DEFAULT).unwrap();
    assert_eq!(h.version_major.value(), Some(&4));
    assert!(h.magic.is_skipped());
    assert_eq!(
        FileHeader::header_len_endian(&le, Endian::Little).unwrap(),
        24
    );
}

/// A user type decoded through `Unpack`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Port(pub u16);

impl<'a> Unpack<'a> for Port {
    const WIRE_BITS: Option<usize> = Some(16);
    fn unpack(raw: &Raw<'a>) -> Self {
        Port(raw.uint() as u16)
    }
}

/// A 3-bit user type used as a bit field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Priority(pub u8);

impl<'a> Unpack<'a> for Priority {
    const WIRE_BITS: Option<usize> = Some(3);
    fn unpack(raw: &Raw<'a>) -> Self {
        Priority(raw.uint() as u8)
    }
}

/// A length-prefixed string decoded by a `with` function.
pub fn pascal_string(bytes: &[u8]) -> Result<(String, usize), Error> {
    let Some((&n, rest)) = bytes.split_first() else {
        return Err(Error::malformed("", "", 0, "missing length byte"));
    };
    let n = usize::from(n);
    let s = rest
        .get(..n)
        .ok_or_else(|| Error::malformed("", "", 1, "string runs past the header"))?;
    Ok((String::from_utf8_lossy(s).into_owned(), n + 1))
}

/// A fixed 4-byte tag decoded by a `with` function that can refuse bytes.
pub fn ascii_tag(bytes: &[u8]) -> Result<([u8; 4], usize), Error> {
    match bytes {
        [a, b, c, d, ..] if [a, b, c, d].iter().all(|x| x.is_ascii_alphanumeric()) => {
            Ok(([*a, *b, *c, *d], 4))
        }
        _ => Err(Error::malformed("", "", 0, "tag is not ASCII")),
    }
}

/// Every other field type, conditional fields and decoders.
#[derive(Header, Debug, Clone)]
pub struct Zoo<'a> {
    #[field(bits = 3)]
    pub prio: Field<'a, Priority>,
    #[field(bits = 1)]
    pub has_v6: Field<'a, bool>,
    #[field(bits = 4)]
    pub delta: Field<'a, i8>,
    pub port: Field<'a, Port>,
    pub wide: Field<'a, u64>,
    pub huge: Field<'a, u128>,
    pub neg: Field<'a, i32>,
    pub tag: Field<'a, [u8; 3]>,
    #[field(with = ascii_tag, bytes = 4)]
    pub code: Field<'a, [u8; 4]>,
    pub mac: Field<'a, MacAddr>,
    #[field(when = has_v6)]
    pub v6: Field<'a, Ipv6Addr>,
    #[field(with = pascal_string)]
    pub label: Field<'a, String>,
    pub count: Field<'a, u8>,
    #[field(len = count * 2)]
    pub words: Field<'a, &'a [u8]>,
    #[field(bits = 12)]
    pub after_a: Field<'a, u16>,
    #[field(bits = 4)]
    pub after_b: Field<'a, u8>,
    #[field(when = count > 1 && delta < 0)]
    pub extra: Field<'a, u16>,
}

fn zoo_bytes(v6: bool) -> Vec<u8> {
    // prio 5 (101), has_v6, delta -2 (1110)
    let mut b = vec![if v6 { 0b1011_1110 } else { 0b1010_1110 }];
    b.extend_from_slice(&80u16.to_be_bytes());
    b.extend_from_slice(&u64::MAX.to_be_bytes());
    b.extend_from_slice(&(1u128 << 100).to_be_bytes());
    b.extend_from_slice(&(-5i32).to_be_bytes());
    b.extend_from_slice(b"abc");
    b.extend_from_slice(b"GET1");
    b.extend_from_slice(&[2, 0, 0, 0xaa, 0xbb, 0xcc]);
    if v6 {
        b.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
    }
    b.extend_from_slice(&[5, b'h', b'e', b'l', b'l', b'o']);
    b.push(2);
    b.extend_from_slice(&[9, 8, 7, 6]);
    b.extend_from_slice(&[0xab, 0xc7]); // after_a 0xabc, after_b 7
    b.extend_from_slice(&[0x12, 0x34]); // extra (count 2 > 1 and delta -2 < 0)
    b.push(0xee); // payload
    b
}

#[test]
fn zoo_every_type() {
    for v6 in [false, true] {
        let b = zoo_bytes(v6);
        let (z, rest) = Zoo::parse(&b, Zoo::ALL).unwrap();
        assert_eq!(z.prio.value(), Some(&Priority(5)));
        assert_eq!(z.has_v6.value(), Some(&v6));
        assert_eq!(z.delta.value(), Some(&-2));
        assert_eq!(z.port.value(), Some(&Port(80)));
        assert_eq!(z.wide.value(), Some(&u64::MAX));
        assert_eq!(z.huge.value(), Some(&(1u128 << 100)));
        assert_eq!(z.neg.value(), Some(&-5));
        assert_eq!(z.tag.value(), Some(b"abc"));
        assert_eq!(z.code.value(), Some(b"GET1"));
        assert_eq!(z.mac.value(), Some(&MacAddr([2, 0, 0, 0xaa, 0xbb, 0xcc])));
        if v6 {
            assert_eq!(z.v6.value(), Some(&Ipv6Addr::LOCALHOST));
        } else {
            assert!(z.v6.is_skipped());
        }
        assert_eq!(z.label.value().map(String::as_str), Some("hello"));
        assert_eq!(z.count.value(), Some(&2));
        assert_eq!(z.words.value().copied(), Some(&[9u8, 8, 7, 6][..]));
        assert_eq!(z.after_a.value(), Some(&0xabc));
        assert_eq!(z.after_b.value(), Some(&7));
        assert_eq!(z.extra.value(), Some(&0x1234));
        assert_eq!(rest, &[0xee]);

        let v = Zoo::view(&b).unwrap();
        assert_eq!(v.prio(), Priority(5));
        assert_eq!(v.delta(), -2);
        assert_eq!(v.port(), Port(80));
        assert_eq!(v.huge(), 1u128 << 100);
        assert_eq!(v.code().unwrap(), *b"GET1");
        assert_eq!(v.v6(), v6.then_some(Ipv6Addr::LOCALHOST));
        assert_eq!(v.label().unwrap(), "hello");
        assert_eq!(v.words(), &[9, 8, 7, 6]);
        assert_eq!((v.after_a(), v.after_b()), (0xabc, 7));
        assert_eq!(v.extra(), Some(0x1234));
        assert_eq!(v.payload(), &[0xee]);
        assert_eq!(Zoo::header_len(&b).unwrap(), b.len() - 1);

        // Parse-only: raw bytes that decode later to the same values.
        let (z, _) = Zoo::parse(&b, Zoo::PARSE_ALL).unwrap();
        assert_eq!(z.prio.decode(), Some(Priority(5)));
        assert_eq!(z.delta.decode(), Some(-2));
        assert_eq!(z.huge.decode(), Some(1u128 << 100));
        assert_eq!(z.label.raw().unwrap().bytes(), b"\x05hello");
        assert_eq!(z.after_a.decode(), Some(0xabc));
    }
}

#[test]
fn zoo_layout_constants_stop_at_the_first_conditional_field() {
    assert_eq!(Zoo::FIXED_LEN, 1 + 2 + 8 + 16 + 4 + 3 + 4 + 6);
    assert_eq!(Zoo::PORT.byte_offset(), Some(1));
    assert_eq!(Zoo::MAC.byte_offset(), Some(38));
    assert_eq!(Zoo::V6.byte_offset(), Some(44));
    assert_eq!(Zoo::V6.bit_width, Some(128));
    assert_eq!(Zoo::LABEL.bit_offset, None);
    assert_eq!(
        Zoo::WORDS,
        FieldSpec {
            name: "words",
            display_name: "words",
            bit_offset: None,
            bit_width: None,
            display: pcap_core::Display::Default
        }
    );
    assert_eq!(Zoo::AFTER_B.bit_width, Some(4));
}

#[test]
fn zoo_decoder_errors_name_the_field_and_offset() {
    let mut b = zoo_bytes(false);
    b[35] = b'!'; // inside `code`
    let err = Zoo::parse(&b, Zoo::ALL).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed {
                layer: "Zoo",
                field: "code",
                offset: 34,
                ..
            }
        ),
        "{err}"
    );
    // Not unpacked: the decoder is not run, the raw bytes are kept.
    assert!(Zoo::parse(&b, Zoo::PARSE_ALL).is_ok());
    let v = Zoo::view(&b).unwrap();
    assert!(v.code().is_err());

    let mut b = zoo_bytes(false);
    b[44] = 200; // label length past the end
    let err = Zoo::parse(&b, Zoo::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed {
                layer: "Zoo",
                field: "label",
                offset: 45,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn zoo_truncation_at_every_length_never_panics() {
    for v6 in [false, true] {
        let b = zoo_bytes(v6);
        let full = b.len() - 1;
        for len in 0..full {
            assert!(Zoo::parse(&b[..len], Zoo::ALL).is_err(), "len {len}");
            assert!(Zoo::parse(&b[..len], Zoo::NONE).is_err(), "len {len}");
            assert!(Zoo::view(&b[..len]).is_err(), "len {len}");
            assert!(Zoo::header_len(&b[..len]).is_err(), "len {len}");
        }
        assert!(Zoo::parse(&b[..full], Zoo::ALL).is_ok());
    }
}

/// A final `&[u8]` takes the rest of the header when the header has a `len`.
#[derive(Header, Debug, Clone)]
#[header(len = words * 4)]
pub struct Rest<'a> {
    pub words: Field<'a, u8>,
    pub kind: Field<'a, u8>,
    pub body: Field<'a, &'a [u8]>,
}

#[test]
fn final_slice_takes_rest_of_header() {
    let b = [2, 7, 1, 2, 3, 4, 5, 6, 99];
    let (r, rest) = Rest::parse(&b, Rest::ALL).unwrap();
    assert_eq!(r.body.value().copied(), Some(&[1u8, 2, 3, 4, 5, 6][..]));
    assert_eq!(rest, &[99]);
    assert_eq!(Rest::view(&b).unwrap().body(), &[1, 2, 3, 4, 5, 6]);
    // A header length overflowing u8 arithmetic is computed without wrapping.
    let big = [255u8, 0];
    assert!(matches!(
        Rest::parse(&big, Rest::ALL).unwrap_err(),
        Error::Truncated { needed: 1020, .. }
    ));
    // Shorter than the fixed fields: invalid.
    assert!(matches!(
        Rest::parse(&[0, 0, 0], Rest::ALL).unwrap_err(),
        Error::InvalidLength { .. }
    ));
}

/// A `len` that can go negative or overflow.
#[derive(Header, Debug, Clone)]
pub struct Risky<'a> {
    pub a: Field<'a, u8>,
    pub b: Field<'a, u8>,
    #[field(len = a * b * 1000 - 30)]
    pub data: Field<'a, &'a [u8]>,
}

#[test]
fn length_arithmetic_never_wraps_or_panics() {
    // 0 * 0 * 1000 - 30 < 0
    assert!(matches!(
        Risky::parse(&[0, 0, 1], Risky::ALL).unwrap_err(),
        Error::InvalidLength {
            field: "data",
            offset: 2,
            ..
        }
    ));
    // 255 * 255 * 1000 - 30: fine arithmetically, longer than the buffer
    assert!(matches!(
        Risky::parse(&[255, 255, 1], Risky::ALL).unwrap_err(),
        Error::Truncated { field: "data", .. }
    ));
    let mut b = vec![0u8, 1];
    b[0] = 1;
    b.extend(std::iter::repeat_n(7, 970));
    let (r, rest) = Risky::parse(&b, Risky::ALL).unwrap();
    assert_eq!(r.data.value().map(|d| d.len()), Some(970));
    assert!(rest.is_empty());
}

/// Raw identifiers (`r#type`) name fields like any other.
#[derive(Header, Debug, Clone)]
pub struct RawIdent<'a> {
    pub r#type: Field<'a, u8>,
    #[field(when = r#type == 1)]
    pub r#match: Field<'a, u16>,
}

#[test]
fn raw_identifiers_are_fields_too() {
    let (h, rest) = RawIdent::parse(&[1, 0, 7, 9], RawIdent::ALL).unwrap();
    assert_eq!(h.r#type.value(), Some(&1));
    assert_eq!(h.r#match.value(), Some(&7));
    assert_eq!(rest, &[9]);
    assert_eq!(RawIdent::TYPE.name, "type");
    assert!(RawIdent::PARSE_MATCH.contains(RawIdent::PARSE_MATCH));
    assert_eq!(RawIdent::view(&[2, 9]).unwrap().r#match(), None);
}

/// Casts in expressions are part of the checked arithmetic.
#[derive(Header, Debug, Clone)]
#[header(len = (words as usize) * 4)]
pub struct Casts<'a> {
    pub words: Field<'a, u8>,
    pub count: Field<'a, u8>,
    #[field(len = (count as u64) * 2)]
    pub items: Field<'a, &'a [u8]>,
    #[field(when = (count as u16) * 100 > 150)]
    pub flag: Field<'a, u8>,
}

#[test]
fn casts_in_expressions_stay_checked() {
    let b = [2, 2, 1, 2, 3, 4, 9, 0, 0xee];
    let (c, rest) = Casts::parse(&b, Casts::ALL).unwrap();
    assert_eq!(c.items.value().copied(), Some(&[1u8, 2, 3, 4][..]));
    assert_eq!(c.flag.value(), Some(&9));
    assert_eq!(rest, &[0xee]);
    // 200 words: 800 bytes claimed, computed without u8 overflow.
    assert!(matches!(
        Casts::parse(&[200, 0], Casts::ALL).unwrap_err(),
        Error::Truncated { .. }
    ));
}

/// A `when` whose arithmetic overflows is an error, not a wrapped value.
#[derive(Header, Debug, Clone)]
pub struct WhenOverflow<'a> {
    pub big: Field<'a, u64>,
    #[field(when = big * 1000 > 5)]
    pub extra: Field<'a, u8>,
}

#[test]
fn overflowing_when_is_an_error() {
    let mut b = u64::MAX.to_be_bytes().to_vec();
    b.push(1);
    let err = WhenOverflow::parse(&b, WhenOverflow::ALL).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidLength {
                field: "extra",
                offset: 8,
                ..
            }
        ),
        "{err}"
    );
    let mut ok = 1u64.to_be_bytes().to_vec();
    ok.push(7);
    assert_eq!(
        WhenOverflow::parse(&ok, WhenOverflow::ALL)
            .unwrap()
            .0
            .extra
            .value(),
        Some(&7)
    );
}
