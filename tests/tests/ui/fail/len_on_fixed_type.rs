use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    n: Field<'a, u8>,
    #[field(len = n)]
    value: Field<'a, u32>,
}

fn main() {}
