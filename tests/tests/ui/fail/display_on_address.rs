use pcap_core::{Field, Header, MacAddr};

#[derive(Header)]
struct Bad<'a> {
    #[field(display = "hex")]
    mac: Field<'a, MacAddr>,
    #[field(display = "dec", bits = 1)]
    flag: Field<'a, bool>,
    #[field(bits = 7)]
    rest: Field<'a, u8>,
}

fn main() {}
