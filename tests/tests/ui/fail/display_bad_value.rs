use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(display = "octal")]
    kind: Field<'a, u16>,
}

fn main() {}
