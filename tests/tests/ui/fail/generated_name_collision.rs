use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    all: Field<'a, u8>,
    x: Field<'a, u8>,
    parse_x: Field<'a, u8>,
}

fn main() {}
