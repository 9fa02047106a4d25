use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    kind: Field<'a, u8>,
    data: Field<'a, &'a [u8]>,
    checksum: Field<'a, u16>,
}

fn main() {}
