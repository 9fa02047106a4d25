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
