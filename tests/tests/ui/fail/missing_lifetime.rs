use pcap_core::Header;

#[derive(Header)]
struct Bad {
    kind: u8,
}

fn main() {}
