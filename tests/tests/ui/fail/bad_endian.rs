use pcap_core::{Field, Header};

#[derive(Header)]
#[header(endian = "network")]
struct Bad<'a> {
    #[field(endian = "runtime")]
    a: Field<'a, u16>,
    #[field(endian = "LE")]
    b: Field<'a, u16>,
}

fn main() {}
