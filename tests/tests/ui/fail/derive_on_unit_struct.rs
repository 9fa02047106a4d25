use pcap_core::Header;

#[derive(Header)]
struct Bad;

fn main() {}
