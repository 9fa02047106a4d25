::core::compile_error! {
    "unknown `field` attribute `lenght`: did you mean `len`? (valid: `bits`, `bytes`, `len`, `default`, `endian`, `when`, `with`, `name`, `display`, `scale`)"
}
::core::compile_error! {
    "bit field `a` span 3 bits, which does not end on a byte boundary: a run of bit fields must close on a byte boundary (5 more bits needed)"
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BrokenFields(u128);
impl ::core::ops::BitOr for BrokenFields {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        BrokenFields(self.0 | rhs.0)
    }
}
impl ::core::ops::BitAnd for BrokenFields {
    type Output = Self;
    fn bitand(self, rhs: Self) -> Self {
        BrokenFields(self.0 & rhs.0)
    }
}
impl ::core::ops::Not for BrokenFields {
    type Output = Self;
    fn not(self) -> Self {
        BrokenFields(!self.0)
    }
}
pub struct BrokenView<'a>(&'a [u8]);
#[allow(dead_code)]
impl<'a> Broken<'a> {
    pub const PARSE_A: BrokenFields = BrokenFields(0);
    pub const UNPACK_A: BrokenFields = BrokenFields(0);
    pub const A: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "",
        display_name: "",
        bit_offset: ::core::option::Option::None,
        bit_width: ::core::option::Option::None,
        display: ::pcap_core::Display::Default,
    };
    pub const PARSE_B: BrokenFields = BrokenFields(0);
    pub const UNPACK_B: BrokenFields = BrokenFields(0);
    pub const B: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "",
        display_name: "",
        bit_offset: ::core::option::Option::None,
        bit_width: ::core::option::Option::None,
        display: ::pcap_core::Display::Default,
    };
    pub const NAME: &'static str = "";
    pub const NONE: BrokenFields = BrokenFields(0);
    pub const DEFAULT: BrokenFields = BrokenFields(0);
    pub const PARSE_ALL: BrokenFields = BrokenFields(0);
    pub const ALL: BrokenFields = BrokenFields(0);
    pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[];
    pub const FIXED_LEN: usize = 0;
    pub fn parse(
        _: &'a [u8],
        _: BrokenFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        ::core::unimplemented!("schema has errors")
    }
    pub fn parse_endian(
        _: &'a [u8],
        _: BrokenFields,
        _: ::pcap_core::Endian,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        ::core::unimplemented!("schema has errors")
    }
    pub fn header_len(_: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
        ::core::unimplemented!("schema has errors")
    }
    pub fn view(
        _: &'a [u8],
    ) -> ::core::result::Result<BrokenView<'a>, ::pcap_core::Error> {
        ::core::unimplemented!("schema has errors")
    }
    pub fn visit(
        &self,
        _: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) {
        ::core::unimplemented!("schema has errors")
    }
    pub fn parse_prefix(_: &'a [u8], _: BrokenFields, _: ::pcap_core::Endian) -> Self {
        ::core::unimplemented!("schema has errors")
    }
    pub fn visit_bytes(
        _: &[u8],
        _: ::pcap_core::Endian,
        _: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) -> bool {
        ::core::unimplemented!("schema has errors")
    }
}
