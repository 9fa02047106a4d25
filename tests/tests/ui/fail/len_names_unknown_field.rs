use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    count: Field<'a, u8>,
    #[field(len = cuont * 4)]
    items: Field<'a, &'a [u8]>,
}

fn main() {}
