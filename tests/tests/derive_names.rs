//! Display names of a user schema: `#[header(name = ...)]`,
//! `#[field(name = ...)]`, their defaults from the Rust names, and the
//! tshark-style full names they combine into.

use pcap_core::{Field, Header};

/// Named explicitly, with a dotted field name and a raw identifier.
#[derive(Header, Debug, Clone)]
#[header(name = "vxlan", endian = "big")]
pub struct Vxlan<'a> {
    #[field(bits = 4, name = "flags.reserved")]
    pub reserved_hi: Field<'a, u8>,
    #[field(bits = 1, name = "flags.vni")]
    pub i: Field<'a, bool>,
    #[field(bits = 3)]
    pub reserved_lo: Field<'a, u8>,
    #[field(bytes = 3)]
    pub reserved2: Field<'a, u32>,
    #[field(bytes = 3, name = "vni")]
    pub vni: Field<'a, u32>,
    pub r#type: Field<'a, u8>,
}

/// Every name by default: the struct's name in lower case, the fields' own
/// in lower case (`Kind` is not snake case, hence the module's `allow`,
/// which also covers the code the derive generates from it).
mod shouty {
    #![allow(non_snake_case, dead_code)]
    use pcap_core::{Field, Header};

    #[derive(Header, Debug, Clone)]
    pub struct MyTunnel<'a> {
        pub Kind: Field<'a, u8>,
        pub hop_count: Field<'a, u8>,
    }
}
use shouty::MyTunnel;

/// A field called `name` owns the inherent `NAME` (its layout); the header's
/// display name is then reached through the trait.
#[derive(Header, Debug, Clone)]
#[header(name = "tagged")]
pub struct Tagged<'a> {
    #[field(bytes = 4)]
    pub name: Field<'a, [u8; 4]>,
}

#[test]
fn explicit_names() {
    assert_eq!(Vxlan::NAME, "vxlan");
    assert_eq!(<Vxlan as Header>::NAME, "vxlan");
    assert_eq!(Vxlan::VNI.display_name, "vni");
    assert_eq!(Vxlan::VNI.full_name(Vxlan::NAME), "vxlan.vni");
    assert_eq!(Vxlan::I.name, "i", "the Rust name is kept");
    assert_eq!(Vxlan::I.display_name, "flags.vni");
    assert_eq!(
        <Vxlan as Header>::full_names(),
        [
            "vxlan.flags.reserved",
            "vxlan.flags.vni",
            "vxlan.reserved_lo",
            "vxlan.reserved2",
            "vxlan.vni",
            "vxlan.type",
        ]
    );
}

#[test]
fn default_names_are_the_rust_names_in_lower_case() {
    assert_eq!(MyTunnel::NAME, "mytunnel");
    let shown: Vec<&str> = MyTunnel::FIELDS.iter().map(|f| f.display_name).collect();
    assert_eq!(shown, ["kind", "hop_count"]);
    assert_eq!(MyTunnel::KIND.name, "Kind");
    assert_eq!(
        Vxlan::TYPE.display_name,
        "type",
        "raw identifiers lose `r#`"
    );
}

#[test]
fn field_called_name_keeps_its_layout_constant() {
    assert_eq!(Tagged::NAME.name, "name");
    assert_eq!(Tagged::NAME.bit_width, Some(32));
    assert_eq!(<Tagged as Header>::NAME, "tagged");
    assert_eq!(
        <Tagged as Header>::field_by_full_name("tagged.name"),
        Some(&Tagged::NAME)
    );
}

#[test]
fn fields_found_by_full_name() {
    assert_eq!(
        <Vxlan as Header>::field_by_full_name("vxlan.vni"),
        Some(&Vxlan::VNI)
    );
    assert_eq!(
        <Vxlan as Header>::field_by_full_name("vxlan.flags.vni"),
        Some(&Vxlan::I)
    );
    for missing in [
        "vxlan",
        "vxlan.",
        "vxlanvni",
        "vxlan.i",
        "ip.vni",
        "vxlan.vni.x",
        "",
    ] {
        assert_eq!(
            <Vxlan as Header>::field_by_full_name(missing),
            None,
            "{missing}"
        );
    }
}
