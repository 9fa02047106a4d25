use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 16, bytes = 2)]
    both: Field<'a, u16>,
}

fn main() {}
