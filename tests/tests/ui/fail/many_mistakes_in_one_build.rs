use pcap_core::{Field, Header};

#[derive(Header)]
struct Bad<'a> {
    #[field(bits = 3)]
    a: Field<'a, u8>,
    #[field(bits = 12)]
    b: Field<'a, u8>,
    #[field(lenght = 4)]
    c: Field<'a, &'a [u8]>,
    d: u32,
}

fn main() {
    // The stubs keep these from adding errors of their own.
    let _ = Bad::parse(&[], Bad::PARSE_A | Bad::UNPACK_B);
    let _ = Bad::FIXED_LEN;
}
