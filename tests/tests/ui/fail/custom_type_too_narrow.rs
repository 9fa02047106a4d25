use pcap_core::{Field, Header, Raw, Unpack};

#[derive(Debug, Clone)]
struct Nibble(u8);

impl<'a> Unpack<'a> for Nibble {
    const WIRE_BITS: Option<usize> = Some(4);
    fn unpack(raw: &Raw<'a>) -> Self {
        Nibble(raw.uint() as u8)
    }
}

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 8)]
    n: Field<'a, Nibble>,
}

fn main() {
    let _ = Bad::parse(&[0], Bad::ALL);
}
