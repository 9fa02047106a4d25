//! The extension table: the VXLAN example (`examples/vxlan.rs`) registered
//! on UDP 4789 yields its own fields and the inner Ethernet/IPv4/TCP.

#[path = "../../examples/vxlan.rs"]
#[allow(dead_code)]
mod vxlan_example;

use pcap_core::flow::PacketSummary;
use protocols::dissect::LinkType;
use protocols::{FnLayer, LayerKind, Next, UserStep};
use vxlan_example::{Vxlan, build_packet, vxlan_dissector};

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

/// A user layer that claims a zero-length header and loops back to itself
/// cannot hang the dissector.
#[test]
fn a_layer_that_never_advances_is_bounded() {
    fn stuck(_: &[u8]) -> Result<UserStep, pcap_core::Error> {
        Ok(UserStep {
            header_len: 0,
            next: Next::EtherType(0x88b5),
        })
    }
    let mut dis = protocols::Dissector::new(protocols::Config::all());
    dis.register_ethertype(
        protocols::EtherType(0x88b5),
        FnLayer {
            name: "stuck",
            dissect: stuck,
        },
    );
    let mut frame = vec![0u8; 12];
    frame.extend_from_slice(&[0x88, 0xb5, 1, 2, 3]);
    let d = dis.dissect(LinkType::ETHERNET, &frame);
    assert!(d.user.len() <= protocols::dissect::MAX_RARE);
    assert!(d.layers.len() <= protocols::dissect::MAX_LAYERS);
}

/// A registered IP protocol and TCP port.
#[test]
fn register_ip_proto_and_tcp_port() {
    fn gre(b: &[u8]) -> Result<UserStep, pcap_core::Error> {
        let proto = b
            .get(2..4)
            .ok_or_else(|| pcap_core::Error::malformed("GRE", "protocol", 2, "short"))?;
        Ok(UserStep {
            header_len: 4,
            next: Next::EtherType(u16::from_be_bytes([proto[0], proto[1]])),
        })
    }
    let mut dis = protocols::Dissector::new(protocols::Config::all());
    dis.register_ip_proto(
        protocols::IpProto::GRE,
        FnLayer {
            name: "gre",
            dissect: gre,
        },
    );
    // IPv4 (proto 47) / GRE (IPv4) / IPv4 (proto 17) / UDP
    let mut p = vec![
        0x45, 0, 0, 52, 0, 0, 0, 0, 64, 47, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    ];
    p.extend_from_slice(&[0, 0, 0x08, 0x00]);
    p.extend_from_slice(&[
        0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 3, 3, 3, 3, 4, 4, 4, 4,
    ]);
    p.extend_from_slice(&[0, 7, 0, 9, 0, 8, 0, 0]);
    let d = dis.dissect(LinkType::RAW, &p);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(
        d.protocols().collect::<Vec<_>>(),
        ["ip", "gre", "ip", "udp"]
    );
    assert_eq!((d.summary.sport, d.summary.dport), (7, 9));
}
