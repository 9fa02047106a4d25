use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 9)]
    small: Field<'a, u8>,
    #[field(bits = 7)]
    rest: Field<'a, u8>,
}

fn main() {}
