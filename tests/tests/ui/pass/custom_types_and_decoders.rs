//! User types through `Unpack`, `with` decoders and `when` fields compile.
use pcap_core::{Error, Field, Header, Raw, Unpack};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Code(u16);

impl<'a> Unpack<'a> for Code {
    const WIRE_BITS: Option<usize> = Some(16);
    fn unpack(raw: &Raw<'a>) -> Self {
        Code(raw.uint() as u16)
    }
}

fn zero_terminated(bytes: &[u8]) -> Result<(&[u8], usize), Error> {
    match bytes.iter().position(|&b| b == 0) {
        Some(end) => Ok((&bytes[..end], end + 1)),
        None => Err(Error::malformed("", "", 0, "no terminating zero")),
    }
}

#[derive(Header, Debug, Clone)]
pub struct Message<'a> {
    pub code: Field<'a, Code>,
    #[field(with = zero_terminated)]
    pub name: Field<'a, &'a [u8]>,
    pub more: Field<'a, u8>,
    #[field(when = more != 0)]
    pub extra: Field<'a, Code>,
}

fn main() {
    let bytes = [0, 7, b'h', b'i', 0, 1, 0, 9];
    let (m, rest) = Message::parse(&bytes, Message::ALL).unwrap();
    assert_eq!(m.code.value(), Some(&Code(7)));
    assert_eq!(m.name.value().copied(), Some(&b"hi"[..]));
    assert_eq!(m.extra.value(), Some(&Code(9)));
    assert!(rest.is_empty());
}
