//! The whole `pcapdig` command line plus one layer declared in this file:
//! VXLAN (RFC 7348), registered on UDP port 4789 as carrying Ethernet.
//!
//! Nothing else is needed for `fields`, `show` and `index` to see it:
//!
//! ```text
//! cargo run --release --example pcapdig_vxlan -- fields examples/data/vxlan.pcap \
//!     -e vxlan.vni -e eth.src -e ip.src -e ip.dst -e udp.srcport -e tcp.dstport
//! cargo run --release --example pcapdig_vxlan -- show examples/data/vxlan.pcap
//! ```
//!
//! `fields` prints what tshark 4.0 prints for those names (outer and inner
//! values comma-joined, outermost first); the test below checks it against
//! tshark's output committed in `examples/data/`.

use std::process::ExitCode;

use pcap_core::{Error, Field, Header};
use protocols::{Dispatch, HeaderLayer, Next, Registry};

/// The VXLAN header (RFC 7348 §5; the Group Policy extension's field
/// included, as tshark names it), 8 bytes. Field names are tshark's.
#[derive(Header, Debug, Clone)]
#[header(name = "vxlan", endian = "big")]
pub struct Vxlan<'a> {
    /// Flags: 0x0800 is the I flag (the VNI is valid).
    #[field(display = "hex", default)]
    pub flags: Field<'a, u16>,
    /// Group Policy ID (zero without the GBP extension).
    pub gbp: Field<'a, u16>,
    /// VXLAN Network Identifier.
    #[field(bits = 24, default)]
    pub vni: Field<'a, u32>,
    /// Reserved.
    pub reserved8: Field<'a, u8>,
}

/// The IANA-assigned port.
pub const PORT: u16 = 4789;

/// What follows a VXLAN header: Ethernet. (tshark decodes it whatever
/// the I flag says, and so does this layer: a header it cannot read at all
/// is an error, not a guess.)
fn after_vxlan(header: &[u8]) -> Result<Next, Error> {
    Vxlan::view(header)?;
    Ok(Next::Ethernet)
}

/// The registry: the built-in layers plus VXLAN on UDP 4789.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    registry.register(
        Dispatch::UdpPort(PORT),
        HeaderLayer::<Vxlan<'static>>::new(after_vxlan),
    );
    registry
}

fn main() -> ExitCode {
    pcapdig::main_with(registry())
}

/// The packets of `examples/data/vxlan.pcap`, built in code.
#[cfg(test)]
mod capture {
    use pcap_core::Endian;
    use pcap_core::capture::synth::PcapBuilder;
    use pcap_core::capture::{Precision, Timestamp};

    const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
    const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
    const MAC_C: [u8; 6] = [0x02, 0, 0, 0, 0, 0xaa];
    const MAC_D: [u8; 6] = [0x02, 0, 0, 0, 0, 0xbb];

    fn ethernet(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&dst);
        f.extend_from_slice(&src);
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, payload: &[u8]) -> Vec<u8> {
        let total = u16::try_from(20 + payload.len()).expect("small");
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&total.to_be_bytes());
        p.extend_from_slice(&[0x12, 0x34, 0x40, 0, 64, proto, 0, 0]);
        p.extend_from_slice(&src);
        p.extend_from_slice(&dst);
        let sum = checksum(&p);
        p[10..12].copy_from_slice(&sum.to_be_bytes());
        p.extend_from_slice(payload);
        p
    }

    fn checksum(b: &[u8]) -> u16 {
        let mut sum: u32 = b
            .chunks(2)
            .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
            .sum();
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }

    fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(8 + payload.len()).expect("small");
        let mut p = Vec::new();
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&len.to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(payload);
        p
    }

    fn tcp_syn(sport: u16, dport: u16) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);
        p
    }

    fn vxlan(flags: u16, vni: u32, inner: &[u8]) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&flags.to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(&(vni << 8).to_be_bytes());
        p.extend_from_slice(inner);
        p
    }

    /// Outer Ethernet/IPv4/UDP to `dport` carrying `vxlan_bytes`.
    fn outer(sport: u16, dport: u16, vxlan_bytes: &[u8]) -> Vec<u8> {
        let u = udp(sport, dport, vxlan_bytes);
        ethernet(
            MAC_B,
            MAC_A,
            0x0800,
            &ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, &u),
        )
    }

    fn inner_tcp(dport: u16) -> Vec<u8> {
        let t = tcp_syn(40000, dport);
        ethernet(
            MAC_D,
            MAC_C,
            0x0800,
            &ipv4([192, 168, 0, 1], [192, 168, 0, 2], 6, &t),
        )
    }

    /// The capture: VXLAN carrying TCP and UDP, VXLAN by source port, a
    /// VNI at its limits, a VXLAN header without the I flag, plain UDP and
    /// TCP, and a packet cut inside the inner Ethernet header.
    pub fn build() -> Vec<u8> {
        let mut packets = vec![
            outer(
                54321,
                super::PORT,
                &vxlan(0x0800, 0x123456, &inner_tcp(443)),
            ),
            outer(
                54322,
                super::PORT,
                &vxlan(
                    0x0800,
                    7,
                    &ethernet(
                        MAC_D,
                        MAC_C,
                        0x0800,
                        &ipv4([192, 168, 1, 1], [192, 168, 1, 2], 17, &udp(5000, 53, b"")),
                    ),
                ),
            ),
            outer(super::PORT, 60000, &vxlan(0x0800, 0xffffff, &inner_tcp(80))),
            outer(54323, super::PORT, &vxlan(0x0800, 0, &inner_tcp(22))),
            outer(54324, super::PORT, &vxlan(0x0000, 99, &inner_tcp(25))),
            outer(54325, 9999, b"plain udp"),
            ethernet(
                MAC_B,
                MAC_A,
                0x0800,
                &ipv4([10, 0, 0, 1], [10, 0, 0, 2], 6, &tcp_syn(1234, 8080)),
            ),
        ];
        let cut = outer(54326, super::PORT, &vxlan(0x0800, 42, &inner_tcp(443)));
        packets.push(cut[..14 + 20 + 8 + 8 + 10].to_vec());
        let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
        for (i, p) in packets.iter().enumerate() {
            let full = if i + 1 == packets.len() {
                cut.len()
            } else {
                p.len()
            };
            let secs = 1_700_000_000 + u32::try_from(i).expect("few");
            file.record(Timestamp::new(secs.into(), 0), full as u32, p);
        }
        file.build()
    }
}

#[cfg(test)]
mod tests {
    use pcap_core::capture::CaptureReader;

    use super::*;

    /// The columns of the issue's command, and the VXLAN fields.
    const COLUMNS: &[&str] = &[
        "frame.number",
        "vxlan.vni",
        "eth.src",
        "ip.src",
        "ip.dst",
        "udp.srcport",
        "tcp.dstport",
        "vxlan.flags",
        "vxlan.gbp",
        "eth.dst",
        "eth.type",
        "udp.dstport",
    ];

    fn fields_of(capture: Vec<u8>, names: &[&str]) -> String {
        let reader = CaptureReader::from_bytes(capture, "vxlan.pcap").expect("reader");
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let columns = pcapdig::fields::parse_columns(&names, &registry()).expect("columns");
        let mut out = Vec::new();
        pcapdig::fields::write_fields(reader, &columns, None, &registry(), &mut out)
            .expect("fields");
        String::from_utf8(out).expect("utf-8")
    }

    /// `examples/data/vxlan.pcap` is the capture built here; rewrite it
    /// (and then regenerate tshark's output with `scripts/vxlan_fixture.sh`)
    /// with `PCAPDIG_BLESS=1`.
    #[test]
    fn committed_capture_is_the_one_built_here() {
        let built = capture::build();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/vxlan.pcap");
        if std::env::var_os("PCAPDIG_BLESS").is_some() {
            std::fs::write(path, &built).expect("write the capture");
        }
        let committed = std::fs::read(path).expect("examples/data/vxlan.pcap");
        assert_eq!(committed, built, "run with PCAPDIG_BLESS=1 and regenerate");
    }

    #[test]
    fn fields_print_what_tshark_prints() {
        let expected = include_str!("data/vxlan.fields.tsv");
        let got = fields_of(capture::build(), COLUMNS);
        assert_eq!(got, expected);
    }

    #[test]
    fn unregistered_the_layer_is_unknown() {
        let names = vec!["vxlan.vni".to_string()];
        let err = pcapdig::fields::parse_columns(&names, &Registry::new()).unwrap_err();
        assert!(err.contains("unknown field `vxlan.vni`"), "{err}");
    }

    #[test]
    fn show_prints_the_layer_and_its_fields() {
        let mut reader = CaptureReader::from_bytes(capture::build(), "vxlan.pcap").expect("reader");
        let dissector = protocols::Dissector::with_registry(protocols::Config::all(), registry());
        let rec = reader.next_record().expect("read").expect("a record");
        let d = dissector.dissect_record(&rec);
        let mut text = String::new();
        pcapdig::show::render(&mut text, 1, &rec, &d, &dissector, &Default::default());
        let vxlan = text
            .lines()
            .find(|l| l.trim_start().starts_with("vxlan("))
            .unwrap_or_else(|| panic!("no vxlan line in\n{text}"));
        assert!(
            vxlan.contains("flags=0x0800") && vxlan.contains("vni=1193046"),
            "{vxlan}"
        );
        // The inner Ethernet, IPv4 and TCP headers follow it.
        let after: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("vxlan("))
            .map(str::trim_start)
            .collect();
        assert!(
            after[1].starts_with("eth(") && after[2].starts_with("ip("),
            "{text}"
        );
        assert!(
            after[3].starts_with("tcp(") && after[3].contains("dstport=443"),
            "{text}"
        );
    }
}
