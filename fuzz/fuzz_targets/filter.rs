//! Parses arbitrary text as a filter expression. Nothing may panic; an
//! expression that parses must print (`Display`) to text that parses back
//! to the same tree, translate to SQL or refuse with a named primitive,
//! and evaluate on a packet summary and arbitrary frame bytes.
//!
//! The first line of the input is the expression, the rest the frame.
//! Seed with a few expressions: `cargo fuzz run filter`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pcap_core::filter::Filter;
use pcap_core::flow::PacketSummary;
use pcap_core::{EtherType, TcpFlags};

fuzz_target!(|data: &[u8]| {
    let (text, frame) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(filter) = Filter::parse(text) else {
        return;
    };
    let printed = filter.to_string();
    let back = Filter::parse(&printed).expect("Display output parses");
    assert_eq!(back, filter, "{text:?} printed as {printed:?}");
    let _ = pcapdig::store::sql::to_sql(filter.expr());
    let mut pkt = PacketSummary::tcp(
        "10.0.0.1".parse().unwrap(),
        1234,
        "10.0.0.2".parse().unwrap(),
        80,
        TcpFlags::SYN,
    );
    pkt.ethertype = EtherType::IPV4.0;
    pkt.l3_offset = 14;
    pkt.l4_offset = 34;
    pkt.wire_len = frame.len() as u32;
    let _ = filter.matches_packet(&pkt, frame);
    let _ = filter.matches(&PacketSummary::new());
});
