use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 4, endian = "little")]
    a: Field<'a, u8>,
    #[field(bits = 4)]
    b: Field<'a, u8>,
}

fn main() {}
