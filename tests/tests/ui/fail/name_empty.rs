use pcap_core::{Field, Header};

#[derive(Header)]
#[header(name = "")]
struct Blank<'a> {
    #[field(name = "")]
    a: Field<'a, u8>,
}

fn main() {}
