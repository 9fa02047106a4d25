use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a>(Field<'a, u8>);

fn main() {}
