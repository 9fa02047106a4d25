use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 0)]
    nothing: Field<'a, u8>,
    next: Field<'a, u16>,
}

fn main() {}
