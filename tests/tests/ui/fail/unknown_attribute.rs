use pcap_core::{Field, Header};

#[derive(Header)]
#[header(endain = "big")]
struct Bad<'a> {
    #[field(bit = 4)]
    version: Field<'a, u8>,
    #[field(bits = 4, defualt)]
    ihl: Field<'a, u8>,
}

fn main() {}
