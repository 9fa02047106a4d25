use pcap_core::{Field, Header};

#[derive(Header)]
#[header(name = "My-Proto")]
struct Proto<'a> {
    #[field(name = "Src Port")]
    src_port: Field<'a, u16>,
    #[field(name = "flags..mf")]
    flags: Field<'a, u8>,
    #[field(name = ".ttl")]
    ttl: Field<'a, u8>,
}

/// The default display name is the Rust name in lower case: a non-ASCII
/// name has none, and must be given.
#[derive(Header)]
struct Überschrift<'a> {
    größe: Field<'a, u8>,
}

fn main() {}
