use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a, 'b> {
    a: Field<'a, u8>,
    b: Field<'b, u8>,
}

fn main() {}
