use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(len = count * 4)]
    items: Field<'a, &'a [u8]>,
    count: Field<'a, u8>,
}

fn main() {}
