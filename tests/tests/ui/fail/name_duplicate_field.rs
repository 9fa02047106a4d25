use pcap_core::{Field, Header};

#[derive(Header)]
#[header(name = "udp")]
struct Udp<'a> {
    #[field(name = "port")]
    src_port: Field<'a, u16>,
    #[field(name = "port")]
    dst_port: Field<'a, u16>,
    // The default (`length`) collides with an explicit name too.
    #[field(name = "length")]
    len: Field<'a, u16>,
    length: Field<'a, u16>,
}

fn main() {}
