//! Writes a synthetic Ethernet/IPv4 TCP+UDP capture for benchmarks:
//! `cargo run --release -p pcapdig --example synth_capture -- OUT.pcap [PACKETS] [FLOWS]`.

use std::io::BufWriter;

use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, write_traffic_pcap};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: synth_capture OUT.pcap [PACKETS] [FLOWS]")?;
    let packets: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let flows: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let spec = TrafficSpec {
        packets,
        flows,
        ..TrafficSpec::default()
    };
    let file = BufWriter::new(std::fs::File::create(&out)?);
    let bytes = write_traffic_pcap(file, spec, PcapEncoding::NATIVE_MICRO)?;
    eprintln!("{out}: {packets} packets, {flows} flows, {bytes} bytes");
    Ok(())
}
