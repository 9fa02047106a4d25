use pcap_core::{Field, Header, MacAddr};

#[derive(Header)]
struct Bad<'a> {
    #[field(bytes = 4)]
    port: Field<'a, u16>,
    #[field(bytes = 4)]
    mac: Field<'a, MacAddr>,
    #[field(bits = 8)]
    addr: Field<'a, std::net::Ipv4Addr>,
}

fn main() {}
