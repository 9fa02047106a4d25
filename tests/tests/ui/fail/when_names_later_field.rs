use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    kind: Field<'a, u8>,
    #[field(when = flags != 0)]
    extra: Field<'a, u32>,
    flags: Field<'a, u8>,
}

fn main() {}
