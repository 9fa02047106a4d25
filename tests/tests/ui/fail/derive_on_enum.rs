use pcap_core::Header;

#[derive(Header)]
enum Bad {
    A,
    B,
}

fn main() {}
