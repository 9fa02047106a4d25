use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 4)]
    version: Field<'a, u8>,
    #[field(bits = 3)]
    flags: Field<'a, u8>,
    next: Field<'a, u16>,
}

fn main() {}
