use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    kind: u8,
    len: Option<Field<'a, u16>>,
    ok: Field<'a, u16>,
}

fn main() {}
