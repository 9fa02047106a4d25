use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(scale = 4)]
    tag: Field<'a, [u8; 2]>,
    #[field(scale = 0)]
    words: Field<'a, u8>,
}

fn main() {}
