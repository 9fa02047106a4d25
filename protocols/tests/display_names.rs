//! The built-in layers carry tshark's display names: `Ipv4::NAME` is `ip`,
//! its TTL field is `ip.ttl`, and the names the `fields` command accepts
//! (SPEC) resolve to the field that holds them.

use pcap_core::{FieldSpec, Header};
use protocols::dns::{DnsHeader, DnsQuestion, DnsRecord};
use protocols::eth::Ethernet;
use protocols::ipv4::Ipv4;
use protocols::ipv6::{Ipv6, Ipv6Fragment};
use protocols::tcp::Tcp;
use protocols::udp::Udp;
use protocols::vlan::VlanTag;

#[test]
fn layer_names() {
    assert_eq!(Ipv4::NAME, "ip");
    assert_eq!(Ipv6::NAME, "ipv6");
    assert_eq!(Ipv6Fragment::NAME, "ipv6.fraghdr");
    assert_eq!(Ethernet::NAME, "eth");
    assert_eq!(VlanTag::NAME, "vlan");
    assert_eq!(Tcp::NAME, "tcp");
    assert_eq!(Udp::NAME, "udp");
    assert_eq!(DnsHeader::NAME, "dns");
    assert_eq!(<Ipv4 as Header>::NAME, "ip");
}

#[test]
fn ipv4_ttl_is_ip_ttl() {
    assert_eq!(Ipv4::TTL.display_name, "ttl");
    assert_eq!(Ipv4::TTL.full_name(Ipv4::NAME), "ip.ttl");
    assert_eq!(Ipv4::MORE_FRAGS.full_name(Ipv4::NAME), "ip.flags.mf");
    assert_eq!(Ipv4::PROTOCOL.name, "protocol", "the Rust name is kept");
}

/// Each tshark name of SPEC's `fields` list that is a header field maps to
/// the field of the layer that holds it.
#[test]
fn spec_field_names_resolve() {
    fn find<'a, H: Header<'a>>(full: &str) -> &'static FieldSpec {
        H::field_by_full_name(full).unwrap_or_else(|| panic!("{full} not in {}", H::NAME))
    }
    let cases: &[(&str, &FieldSpec)] = &[
        ("eth.src", find::<Ethernet>("eth.src")),
        ("eth.dst", find::<Ethernet>("eth.dst")),
        ("eth.type", find::<Ethernet>("eth.type")),
        ("vlan.id", find::<VlanTag>("vlan.id")),
        ("ip.src", find::<Ipv4>("ip.src")),
        ("ip.dst", find::<Ipv4>("ip.dst")),
        ("ip.proto", find::<Ipv4>("ip.proto")),
        ("ip.hdr_len", find::<Ipv4>("ip.hdr_len")),
        ("ip.ttl", find::<Ipv4>("ip.ttl")),
        ("ip.flags.mf", find::<Ipv4>("ip.flags.mf")),
        ("ip.frag_offset", find::<Ipv4>("ip.frag_offset")),
        ("ipv6.src", find::<Ipv6>("ipv6.src")),
        ("ipv6.dst", find::<Ipv6>("ipv6.dst")),
        ("ipv6.nxt", find::<Ipv6>("ipv6.nxt")),
        ("tcp.srcport", find::<Tcp>("tcp.srcport")),
        ("tcp.dstport", find::<Tcp>("tcp.dstport")),
        ("tcp.seq_raw", find::<Tcp>("tcp.seq_raw")),
        ("tcp.ack_raw", find::<Tcp>("tcp.ack_raw")),
        ("tcp.flags", find::<Tcp>("tcp.flags")),
        ("tcp.hdr_len", find::<Tcp>("tcp.hdr_len")),
        ("udp.srcport", find::<Udp>("udp.srcport")),
        ("udp.dstport", find::<Udp>("udp.dstport")),
        ("udp.length", find::<Udp>("udp.length")),
        ("dns.id", find::<DnsHeader>("dns.id")),
        (
            "dns.flags.response",
            find::<DnsHeader>("dns.flags.response"),
        ),
        ("dns.count.answers", find::<DnsHeader>("dns.count.answers")),
        ("dns.qry.name", find::<DnsQuestion>("dns.qry.name")),
        ("dns.qry.type", find::<DnsQuestion>("dns.qry.type")),
    ];
    let rust: Vec<(&str, &str)> = cases.iter().map(|(full, f)| (*full, f.name)).collect();
    assert_eq!(
        rust,
        [
            ("eth.src", "src"),
            ("eth.dst", "dst"),
            ("eth.type", "ethertype"),
            ("vlan.id", "vid"),
            ("ip.src", "src_addr"),
            ("ip.dst", "dst_addr"),
            ("ip.proto", "protocol"),
            ("ip.hdr_len", "ihl"),
            ("ip.ttl", "ttl"),
            ("ip.flags.mf", "more_frags"),
            ("ip.frag_offset", "frag_offset"),
            ("ipv6.src", "src_addr"),
            ("ipv6.dst", "dst_addr"),
            ("ipv6.nxt", "next_header"),
            ("tcp.srcport", "src_port"),
            ("tcp.dstport", "dst_port"),
            ("tcp.seq_raw", "seq_num"),
            ("tcp.ack_raw", "ack_num"),
            ("tcp.flags", "flags"),
            ("tcp.hdr_len", "data_offset"),
            ("udp.srcport", "src_port"),
            ("udp.dstport", "dst_port"),
            ("udp.length", "length"),
            ("dns.id", "id"),
            ("dns.flags.response", "response"),
            ("dns.count.answers", "ancount"),
            ("dns.qry.name", "qname"),
            ("dns.qry.type", "qtype"),
        ]
    );
    assert_eq!(DnsRecord::TTL.full_name(DnsRecord::NAME), "dns.resp.ttl");
}
