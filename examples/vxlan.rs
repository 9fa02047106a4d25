//! A user layer: VXLAN (RFC 7348) declared with the derive, registered on
//! UDP port 4789 as carrying Ethernet again, and a packet built in code
//! dissected through both Ethernet layers.
//!
//! Run with `cargo run -p pcap-examples --example vxlan`.

use pcap_core::{Error, Field, Header, HeaderView};
use protocols::dissect::LinkType;
use protocols::{Config, Dissector, FnLayer, Next, UserStep};

/// The VXLAN header (RFC 7348 §5), 8 bytes.
#[derive(Header, Debug, Clone)]
#[header(endian = "big")]
pub struct Vxlan<'a> {
    /// Reserved flag bits.
    #[field(bits = 4)]
    pub flags_hi: Field<'a, u8>,
    /// I flag: the VNI is valid (must be set).
    #[field(bits = 1, default)]
    pub vni_valid: Field<'a, bool>,
    /// Reserved flag bits.
    #[field(bits = 3)]
    pub flags_lo: Field<'a, u8>,
    /// Reserved.
    #[field(bytes = 3)]
    pub reserved1: Field<'a, u32>,
    /// VXLAN Network Identifier.
    #[field(bits = 24, default)]
    pub vni: Field<'a, u32>,
    /// Reserved.
    pub reserved2: Field<'a, u8>,
}

/// The IANA-assigned VXLAN port.
pub const VXLAN_PORT: u16 = 4789;

/// VXLAN as a dissector layer: checks the I flag, says Ethernet follows.
pub fn vxlan_step(bytes: &[u8]) -> Result<UserStep, Error> {
    let v = Vxlan::view(bytes)?;
    if !v.vni_valid() {
        return Err(Error::malformed("VXLAN", "vni_valid", 0, "I flag not set"));
    }
    Ok(UserStep {
        header_len: v.header_len(),
        next: Next::Ethernet,
    })
}

/// A dissector with VXLAN registered on UDP 4789.
pub fn vxlan_dissector() -> Dissector {
    let mut dissector = Dissector::new(Config::all());
    dissector.register_udp_port(
        VXLAN_PORT,
        FnLayer {
            name: "vxlan",
            dissect: vxlan_step,
        },
    );
    dissector
}

/// Outer Ethernet/IPv4/UDP 4789, VXLAN VNI 0x123456, inner Ethernet/IPv4/
/// TCP 40000 → 443 SYN from 192.168.0.1 to 192.168.0.2.
pub fn build_packet() -> Vec<u8> {
    let mut inner = Vec::new();
    inner.extend_from_slice(&[0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x00]);
    inner.extend_from_slice(&[
        0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 168, 0, 1, 192, 168, 0, 2,
    ]);
    inner.extend_from_slice(&40000u16.to_be_bytes());
    inner.extend_from_slice(&443u16.to_be_bytes());
    inner.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);

    let vxlan = [0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0];
    let udp_len = (8 + vxlan.len() + inner.len()) as u16;
    let ip_len = 20 + udp_len;

    let mut p = Vec::new();
    p.extend_from_slice(&[0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
    p.extend_from_slice(&[
        0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    p[16..18].copy_from_slice(&ip_len.to_be_bytes());
    p.extend_from_slice(&54321u16.to_be_bytes());
    p.extend_from_slice(&VXLAN_PORT.to_be_bytes());
    p.extend_from_slice(&udp_len.to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(&vxlan);
    p.extend_from_slice(&inner);
    p
}

fn main() {
    let packet = build_packet();
    let d = vxlan_dissector().dissect(LinkType::ETHERNET, &packet);
    if let Some(e) = &d.error {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    println!("layers: {}", d.protocols().collect::<Vec<_>>().join(":"));
    for hit in d.user.iter() {
        let v = Vxlan::view(hit.header).expect("checked by the dissector");
        println!("{} at byte {}: VNI 0x{:06x}", hit.name, hit.offset, v.vni());
    }
    for ip in d.ipv4.iter() {
        let h = &ip.header;
        println!(
            "IPv4 {} > {}",
            h.src_addr.value().expect("unpacked"),
            h.dst_addr.value().expect("unpacked")
        );
    }
    let s = &d.summary;
    println!("flow (inner): {:?} ports {} > {}", s.ip, s.sport, s.dport);
}

#[cfg(test)]
mod tests {
    use pcap_core::flow::PacketSummary;
    use protocols::LayerKind;

    use super::*;

    #[test]
    fn vxlan_fields_and_inner_layers_come_out() {
        let packet = build_packet();
        let d = vxlan_dissector().dissect(LinkType::ETHERNET, &packet);
        assert!(d.error.is_none(), "{:?}", d.error);
        assert_eq!(
            d.protocols().collect::<Vec<_>>(),
            ["eth", "ip", "udp", "vxlan", "eth", "ip", "tcp"]
        );
        let hit = d.user.first().unwrap();
        assert_eq!((hit.name, hit.offset), ("vxlan", 42));
        let (vx, rest) = Vxlan::parse(hit.header, Vxlan::ALL).unwrap();
        assert_eq!(vx.vni.value(), Some(&0x123456));
        assert_eq!(vx.vni_valid.value(), Some(&true));
        assert!(rest.is_empty());
        // Both IPv4 layers, outermost first; the summary describes the inner flow.
        let srcs: Vec<_> = d
            .ipv4
            .iter()
            .map(|h| h.header.src_addr.value().unwrap().to_string())
            .collect();
        assert_eq!(srcs, ["10.0.0.1", "192.168.0.1"]);
        let s: &PacketSummary = &d.summary;
        assert_eq!((s.sport, s.dport, s.protocol), (40000, 443, 6));
        // The outer Ethernet is the one kept in `eth`; both are in `layers`.
        assert_eq!(
            d.layers
                .iter()
                .filter(|l| l.kind == LayerKind::Ethernet)
                .count(),
            2
        );
    }

    #[test]
    fn vxlan_without_i_flag_is_an_error_after_the_outer_layers() {
        let mut packet = build_packet();
        packet[42] = 0;
        let d = vxlan_dissector().dissect(LinkType::ETHERNET, &packet);
        let e = d.error.as_ref().unwrap();
        assert_eq!((e.layer, e.offset), (LayerKind::User("vxlan"), 42));
        assert_eq!(d.udp.len(), 1);
        for len in 0..packet.len() {
            let _ = vxlan_dissector().dissect(LinkType::ETHERNET, &packet[..len]);
        }
    }
}
