//! The field visitor, the lax prefix parse and tshark-style formatting that
//! `#[derive(Header)]` generates.

use pcap_core::{Display, Endian, Field, FieldSpec, FieldValue, Header, MacAddr};

/// The README's tunnel header, with one field printed in hex.
#[derive(Header, Debug, Clone, PartialEq)]
#[header(endian = "big", len = hlen * 4)]
pub struct Tunnel<'a> {
    #[field(bits = 4)]
    pub version: Field<'a, u8>,
    #[field(bits = 4, default)]
    pub hlen: Field<'a, u8>,
    #[field(default, display = "hex")]
    pub next: Field<'a, u16>,
    #[field(bits = 1)]
    pub urgent: Field<'a, bool>,
    #[field(bits = 23)]
    pub session: Field<'a, u32>,
    pub origin: Field<'a, MacAddr>,
    #[field(len = hlen * 4 - 12)]
    pub options: Field<'a, &'a [u8]>,
}

const TUNNEL: [u8; 18] = [
    0x14, 0x08, 0x00, 0x80, 0x00, 0x2a, 2, 0, 0, 0xaa, 0xbb, 0xcc, 1, 2, 3, 4, 0xde, 0xad,
];

fn visited<'a, H: Header<'a>>(h: &H) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    h.visit(&mut |spec, v| out.push((spec.name, v.to_tshark_string(spec))));
    out
}

#[test]
fn visit_reports_present_fields_in_order_with_tshark_text() {
    let (t, _) = Tunnel::parse(&TUNNEL, Tunnel::ALL).unwrap();
    assert_eq!(
        visited(&t),
        [
            ("version", "1".to_string()),
            ("hlen", "4".into()),
            ("next", "0x0800".into()),
            ("urgent", "1".into()),
            ("session", "42".into()),
            ("origin", "02:00:00:aa:bb:cc".into()),
            ("options", "01020304".into()),
        ]
    );
    // Skipped fields are not visited; Raw ones are decoded.
    let (t, _) = Tunnel::parse(&TUNNEL, Tunnel::DEFAULT | Tunnel::PARSE_SESSION).unwrap();
    assert_eq!(
        visited(&t),
        [
            ("hlen", "4".to_string()),
            ("next", "0x0800".into()),
            ("session", "42".into()),
        ]
    );
}

#[test]
fn visit_bytes_reports_what_fits() {
    let mut names = Vec::new();
    let whole = Tunnel::visit_bytes(
        &TUNNEL[..9],
        Endian::Big,
        &mut |spec: &'static FieldSpec, _| names.push(spec.name),
    );
    assert!(!whole);
    assert_eq!(names, ["version", "hlen", "next", "urgent", "session"]);
    let t = Tunnel::parse_prefix(&TUNNEL[..14], Tunnel::ALL, Endian::Big);
    assert_eq!(
        t.origin.value().map(|m| m.to_string()).as_deref(),
        Some("02:00:00:aa:bb:cc")
    );
    assert!(t.options.is_skipped());
    assert_eq!(t.next.value(), Some(&0x0800));
    assert_eq!(Tunnel::NEXT.display, Display::Hex);
    let full = Tunnel::parse_prefix(&TUNNEL, Tunnel::ALL, Endian::Big);
    assert_eq!(full, Tunnel::parse(&TUNNEL, Tunnel::ALL).unwrap().0);
    let _ = FieldValue::Bool(true);
}

/// Fields named like the generated items: `visit`, `visit_bytes` and
/// `parse_prefix` are methods, which never collide with fields.
#[derive(Header, Debug, Clone)]
pub struct Clash<'a> {
    pub visit: Field<'a, u8>,
    #[field(display = "hex")]
    pub visit_bytes: Field<'a, u16>,
    pub parse_prefix: Field<'a, bool>,
    #[field(bits = 7)]
    pub rest: Field<'a, u8>,
}

#[test]
fn fields_may_be_named_like_the_generated_methods() {
    let bytes = [7, 0x12, 0x34, 0x81];
    let c = Clash::parse_prefix(&bytes, Clash::ALL, Endian::Big);
    assert_eq!(c.visit.value(), Some(&7));
    assert_eq!(
        visited(&c),
        [
            ("visit", "7".to_string()),
            ("visit_bytes", "0x1234".into()),
            ("parse_prefix", "1".into()),
            ("rest", "1".into()),
        ]
    );
    let mut n = 0;
    assert!(<Clash as Header>::visit_bytes(
        &bytes,
        Endian::Big,
        &mut |_, _| n += 1
    ));
    assert_eq!(n, 4);
    assert_eq!(Clash::view(&bytes).unwrap().visit(), 7);
}

/// A `with` field of a type without `Unpack` is not visited; a user type
/// that implements `Unpack::to_value` is, with its value.
mod user_types {
    use super::*;
    use pcap_core::{Error, Raw, Unpack};

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Port(pub u16);

    impl<'a> Unpack<'a> for Port {
        const WIRE_BITS: Option<usize> = Some(16);
        fn unpack(raw: &Raw<'a>) -> Self {
            Port(raw.uint() as u16)
        }
        fn to_value(&self) -> Option<FieldValue<'_>> {
            Some(FieldValue::Unsigned(u64::from(self.0)))
        }
    }

    /// No `Unpack`: only a `with` decoder makes it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Word(pub String);

    fn word(bytes: &[u8]) -> Result<(Word, usize), Error> {
        let n = usize::from(
            *bytes
                .first()
                .ok_or_else(|| Error::malformed("", "", 0, "empty"))?,
        );
        let s = bytes
            .get(1..1 + n)
            .ok_or_else(|| Error::malformed("", "", 0, "short"))?;
        Ok((Word(String::from_utf8_lossy(s).into_owned()), 1 + n))
    }

    #[derive(Header, Debug, Clone)]
    pub struct Custom<'a> {
        #[field(display = "hex")]
        pub port: Field<'a, Port>,
        #[field(with = word)]
        pub word: Field<'a, Word>,
        pub after: Field<'a, u8>,
    }

    #[test]
    fn user_values_are_visited_when_the_type_gives_one() {
        let bytes = [0x1f, 0x90, 2, b'h', b'i', 9];
        for flags in [Custom::ALL, Custom::PARSE_ALL] {
            let (c, _) = Custom::parse(&bytes, flags).unwrap();
            assert_eq!(
                visited(&c),
                [("port", "0x1f90".to_string()), ("after", "9".into())]
            );
        }
        // Cut inside the word: its length is unknown, so is `after`'s place.
        let c = Custom::parse_prefix(&bytes[..4], Custom::ALL, Endian::Big);
        assert_eq!(c.port.value(), Some(&Port(8080)));
        assert!(c.word.is_skipped() && c.after.is_skipped());
    }
}

/// `#[header(partial = false)]`: a cut header reports nothing, as tshark's
/// Ethernet shows no field of a header shorter than 14 bytes.
#[derive(Header, Debug, Clone, PartialEq)]
#[header(partial = false)]
pub struct Whole<'a> {
    pub dst: Field<'a, MacAddr>,
    pub src: Field<'a, MacAddr>,
    #[field(display = "hex")]
    pub kind: Field<'a, u16>,
}

#[test]
fn a_header_declared_not_partial_is_all_or_nothing() {
    let bytes = [2, 0, 0, 0xaa, 0xbb, 0xcc, 2, 0, 0, 1, 2, 3, 8, 0];
    let cut = Whole::parse_prefix(&bytes[..8], Whole::ALL, Endian::Big);
    assert!(cut.dst.is_skipped() && cut.src.is_skipped() && cut.kind.is_skipped());
    let mut n = 0;
    assert!(!Whole::visit_bytes(
        &bytes[..13],
        Endian::Big,
        &mut |_, _| n += 1
    ));
    assert_eq!(n, 0);
    let whole = Whole::parse_prefix(&bytes, Whole::ALL, Endian::Big);
    assert_eq!(whole, Whole::parse(&bytes, Whole::ALL).unwrap().0);
    assert_eq!(visited(&whole)[2], ("kind", "0x0800".to_string()));
    // The README's tunnel (partial by default) keeps what fits.
    assert!(
        Tunnel::parse_prefix(&TUNNEL[..8], Tunnel::ALL, Endian::Big)
            .version
            .is_value()
    );
}
