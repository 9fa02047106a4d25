use pcap_core::{Field, Header};

#[derive(Header)]
#[header(name = "a", name = "b")]
struct Twice<'a> {
    #[field(name = "x")]
    #[field(name = "y")]
    x: Field<'a, u8>,
}

fn main() {}
