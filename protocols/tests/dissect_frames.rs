//! The dissector over real packets from the shared corpus, checked against
//! what tshark 4.0 reports for them (`expected/*.fields.noreasm.tsv`), and
//! over every truncation of them (an error, never a panic).

mod common;

use common::frames::*;
use pcap_core::TcpFlags;
use pcap_core::flow::community_id;
use protocols::dissect::LinkType;
use protocols::dns::DnsMessage;
use protocols::{Config, Depth, Dissection, Dissector, LayerKind};

fn all<'a>(link: LinkType, data: &'a [u8]) -> Dissection<'a> {
    Dissector::new(Config::all()).dissect(link, data)
}

fn names(d: &Dissection<'_>) -> String {
    d.protocols().collect::<Vec<_>>().join(":")
}

fn cid(d: &Dissection<'_>) -> String {
    community_id(&d.summary)
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default()
}

fn qname(m: &DnsMessage<'_>) -> String {
    m.first_question()
        .and_then(|q| q.qname().ok())
        .map(|n| n.display(m.msg).to_string())
        .unwrap_or_default()
}

#[test]
fn http_syn() {
    let d = all(LinkType::ETHERNET, HTTP_SYN);
    assert!(d.error.is_none(), "{:?}", d.error);
    let eth = d.eth.as_ref().unwrap();
    assert_eq!(eth.src.value().unwrap().to_string(), "00:00:01:00:00:00");
    assert_eq!(eth.dst.value().unwrap().to_string(), "fe:ff:20:00:01:00");
    assert_eq!(eth.ethertype.value(), Some(&0x0800));
    let ip = &d.ipv4.first().unwrap().header;
    assert_eq!(ip.src_addr.value().unwrap().to_string(), "145.254.160.237");
    assert_eq!(ip.ttl.value(), Some(&128));
    assert_eq!(ip.ihl.value().map(|h| h * 4), Some(20));
    let tcp = d.tcp.first().unwrap();
    assert_eq!(tcp.header.src_port.value(), Some(&3372));
    assert_eq!(tcp.header.seq_num.value(), Some(&951057939));
    assert_eq!(tcp.header.flags.value(), Some(&0x002));
    assert_eq!(tcp.header.data_offset.value().map(|o| o * 4), Some(28));
    assert_eq!(tcp.payload_len, Some(0));
    assert_eq!(names(&d), "eth:ip:tcp");
    assert_eq!(cid(&d), "1:D0Hb5PnRilB52ktTszXCb9PSY8M=");
}

/// The summary's TCP flags are the header's control bits, AE included
/// (the 9th bit, beside the data offset), also from a header cut short.
#[test]
fn summary_tcp_flags_include_ae_and_survive_a_cut() {
    let d = all(LinkType::ETHERNET, HTTP_SYN);
    assert_eq!(d.summary.tcp_flags, TcpFlags::SYN);
    let mut f = HTTP_SYN.to_vec();
    f[14 + 20 + 12] |= 0x01; // AE
    let d = all(LinkType::ETHERNET, &f);
    assert_eq!(d.summary.tcp_flags, TcpFlags::SYN | TcpFlags::AE);
    assert_eq!(d.summary.tcp_flags.byte(), 0x02);
    // Cut after the flags word: the partial header still gives them.
    let d = all(LinkType::ETHERNET, &f[..14 + 20 + 14]);
    assert!(d.error.is_some());
    assert_eq!(d.summary.tcp_flags, TcpFlags::SYN | TcpFlags::AE);
}

#[test]
fn http_get_and_response() {
    let d = all(LinkType::ETHERNET, HTTP_GET);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.tcp.first().unwrap().payload_len, Some(479));
    assert_eq!(d.summary.payload_len, 479);
    let http = &d.http.as_ref().unwrap().header;
    assert_eq!(http.method(), Some(&b"GET"[..]));
    assert_eq!(http.uri(), Some(&b"/download.html"[..]));
    assert_eq!(http.host(), Some(&b"www.ethereal.com"[..]));
    assert_eq!(names(&d), "eth:ip:tcp:http");

    // Cut to 200 bytes by us: tcp.len still follows the IP length.
    let d = all(LinkType::ETHERNET, HTTP_200);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.tcp.first().unwrap().payload_len, Some(1380));
    assert_eq!(d.http.as_ref().unwrap().header.status_code(), Some(200));
}

#[test]
fn qinq_s_tag_and_c_tags() {
    let d = all(LinkType::ETHERNET, DOT1AD);
    assert!(d.error.is_none(), "{:?}", d.error);
    let tags: Vec<_> = d
        .vlans
        .iter()
        .map(|v| (v.is_s_tag(), *v.tag.vid.value().unwrap()))
        .collect();
    assert_eq!(tags, [(true, 1525), (false, 30)]);
    assert!(d.summary.s_tag);
    assert_eq!(d.summary.vlans(), &[1525, 30]);
    assert_eq!(names(&d), "eth:ieee8021ad:vlan:ip:icmp");
    assert_eq!(cid(&d), "1:yz8cAvyz8bjFgU4IVBUues5SuoQ=");

    let d = all(LinkType::ETHERNET, QINQINQ);
    let ids: Vec<_> = d
        .vlans
        .iter()
        .map(|v| *v.tag.vid.value().unwrap())
        .collect();
    assert_eq!(ids, [30, 20, 10]);
    assert_eq!(d.tcp.first().unwrap().header.data_offset.value(), Some(&11));
    assert_eq!(cid(&d), "1:yvyB8h+3dnggTZW0UEITWCst97w=");
}

#[test]
fn icmp_error_quotes_are_further_occurrences() {
    let d = all(LinkType::ETHERNET, ICMP_UNREACH);
    assert!(d.error.is_none(), "{:?}", d.error);
    let ips: Vec<_> = d
        .ipv4
        .iter()
        .map(|h| {
            (
                h.header.src_addr.value().unwrap().to_string(),
                *h.header.protocol.value().unwrap(),
                h.quoted,
            )
        })
        .collect();
    assert_eq!(
        ips,
        [
            ("192.168.1.102".to_string(), 1, false),
            ("192.168.1.1".to_string(), 17, true)
        ]
    );
    let udp = d.udp.first().unwrap();
    assert!(udp.quoted);
    assert_eq!(
        (
            udp.header.src_port.value(),
            udp.header.dst_port.value(),
            udp.header.length.value()
        ),
        (Some(&53), Some(&59207), Some(&143))
    );
    let dns = &d.dns.first().unwrap().header;
    assert_eq!(dns.header.id.value(), Some(&0x98a4));
    assert_eq!(qname(dns), "secure.ed4.net");
    assert_eq!(
        dns.a_records().map(|a| a.to_string()).collect::<Vec<_>>(),
        ["208.94.20.14"]
    );
    assert_eq!(names(&d), "eth:ip:icmp:ip:udp:dns");
    // The summary (and Community ID) describe the outer ICMP packet.
    assert_eq!(
        (d.summary.protocol, d.summary.icmp_type, d.summary.icmp_code),
        (1, 3, 3)
    );
    assert_eq!(cid(&d), "1:GGvyj18dEx42K7edkkcDklsnKqs=");
}

#[test]
fn dns_over_udp_tcp_and_raw_links() {
    let d = all(LinkType::ETHERNET, DNS_PTR);
    let m = &d.dns.first().unwrap().header;
    assert_eq!(qname(m), "8.8.8.8.in-addr.arpa");
    assert_eq!(m.header.response.value(), Some(&true));
    assert_eq!(m.header.ancount.value(), Some(&1));
    assert_eq!(m.first_question().unwrap().qtype(), 12);

    let d = all(LinkType::ETHERNET, DNS_TCP);
    assert!(d.error.is_none(), "{:?}", d.error);
    let m = &d.dns.first().unwrap().header;
    assert_eq!(
        (m.header.id.value(), qname(m).as_str()),
        (Some(&0x5e63), "google.com")
    );
    assert_eq!(d.tcp.first().unwrap().payload_len, Some(30));
    assert_eq!(cid(&d), "1:aiyyBmnGUlby3uK/mWpMfvJm2U4=");

    for (link, frame, cid_expected) in [
        (LinkType::RAW, RAW_V4_DNS, "1:OKbYiGWWAB3wLXxo7KapbynR8Ow="),
        (LinkType::IPV6, RAW_V6_DNS, "1:1FSzoKTN3kdS1kVgew4uLcB0OVI="),
    ] {
        let d = all(link, frame);
        assert!(d.error.is_none(), "{:?}", d.error);
        let m = &d.dns.first().unwrap().header;
        assert_eq!(qname(m), "example.com");
        assert_eq!(m.header.id.value(), Some(&0x1234));
        assert_eq!(cid(&d), cid_expected);
    }
}

#[test]
fn ipv6_extension_headers_walked_to_udp() {
    let d = all(LinkType::ETHERNET, IPV6_EXT);
    assert!(d.error.is_none(), "{:?}", d.error);
    let v6 = &d.ipv6.first().unwrap().header;
    assert_eq!(v6.fixed.next_header.value(), Some(&0));
    assert_eq!(v6.ext.protocol, 17);
    assert!(v6.ext.count > 4);
    let udp = &d.udp.first().unwrap().header;
    assert_eq!(
        (udp.src_port.value(), udp.dst_port.value()),
        (Some(&12345), Some(&54321))
    );
    assert_eq!(udp.length.value(), Some(&18));
    let protos = names(&d);
    assert!(
        protos.starts_with("eth:ipv6:ipv6.hopopts:ipv6.routing:ipv6.fraghdr:ipv6.dstopts"),
        "{protos}"
    );
    assert_eq!(cid(&d), "1:OsoxryFDgvSt1WDFMuA9dgW2Lpg=");
}

#[test]
fn non_first_fragment_has_no_ports() {
    let d = all(LinkType::ETHERNET, FRAG_2ND);
    assert!(d.error.is_none(), "{:?}", d.error);
    let ip = &d.ipv4.first().unwrap().header;
    assert_eq!(
        (ip.frag_offset.value(), ip.more_frags.value()),
        (Some(&6), Some(&false))
    );
    assert!(d.udp.is_empty());
    assert!(d.summary.is_fragment && !d.summary.has_l4);
    assert_eq!(cid(&d), "1:AiBDrMxldi8P32GX0eucSBan8ow=");
    // What fragment grouping and byte-offset filters read.
    let s = &d.summary;
    assert_eq!((s.frag_offset, s.more_fragments), (6, false));
    assert_eq!(s.ip_id, u32::from(*ip.ident.value().unwrap()));
    assert!(s.is_non_first_fragment());
    assert_eq!((s.ethertype, s.l3_offset), (0x0800, 14));
}

#[test]
fn summary_offsets_locate_headers_through_tags() {
    // Three VLAN tags: the IP header starts at 14 + 3 * 4 bytes, TCP after
    // its 20 bytes.
    let d = all(LinkType::ETHERNET, QINQINQ);
    let s = &d.summary;
    assert_eq!((s.ethertype, s.l3_offset, s.l4_offset), (0x0800, 26, 46));
    assert_eq!(QINQINQ[usize::from(s.l3_offset)] >> 4, 4);
    assert_eq!(
        u16::from_be_bytes([
            QINQINQ[usize::from(s.l4_offset)],
            QINQINQ[usize::from(s.l4_offset) + 1]
        ]),
        s.sport
    );
    // Raw IPv6: no link layer, no EtherType.
    let d = all(LinkType::RAW, RAW_V6_DNS);
    assert_eq!(
        (
            d.summary.ethertype,
            d.summary.l3_offset,
            d.summary.l4_offset
        ),
        (0, 0, 40)
    );
}

#[test]
fn gtp_tunnel_inner_flow() {
    let d = all(LinkType::ETHERNET, GTP6);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.vlans.first().unwrap().tag.vid.value(), Some(&2048));
    let srcs: Vec<_> = d
        .ipv6
        .iter()
        .map(|h| h.header.fixed.src_addr.value().unwrap().to_string())
        .collect();
    assert_eq!(
        srcs,
        [
            "1111:2222:3333:4444:5555:6666:0:1",
            "1111:2222:3333:4444:5555:7777::"
        ]
    );
    let ports: Vec<_> = d
        .udp
        .iter()
        .map(|u| *u.header.src_port.value().unwrap())
        .collect();
    assert_eq!(ports, [62301, 53]);
    let m = &d.dns.first().unwrap().header;
    assert_eq!(qname(m), "xxxxxx5.xxxxxxx6.com");
    assert_eq!(m.header.ancount.value(), Some(&17));
    assert_eq!(m.a_records().count(), 15);
    assert_eq!(m.a_records().next().unwrap().to_string(), "10.1.9.182");
    assert_eq!(cid(&d), "1:mNf0yqDrqQxOfOhpjw7hkxjMLNA=");
}

#[test]
fn cooked_loopback_and_raw_links() {
    let d = all(LinkType::NULL, LOOPBACK_V6);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(names(&d), "null:ipv6:tcp:http");
    assert_eq!(d.tcp.first().unwrap().payload_len, Some(484));
    assert_eq!(
        d.http.as_ref().unwrap().header.host(),
        Some(&b"localhost:8080"[..])
    );
    assert_eq!(cid(&d), "1:DrvL6kiQCet+fHyhUo1q/hvD/NI=");

    let d = all(LinkType::LINUX_SLL, SLL_SYN);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.sll.as_ref().unwrap().protocol.value(), Some(&0x0800));
    assert_eq!(d.summary.sport, 46656);
    assert_eq!(cid(&d), "1:2yIc1nOKpII1OaQM5xqRj49LriE=");

    let d = all(LinkType::LINUX_SLL2, SLL2_ICMP);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(names(&d), "sll:ip:icmp");
    assert_eq!(cid(&d), "1:VvzjLzIppyRTdjrTPqO6X5e/Sj8=");
}

#[test]
fn truncated_ip_keeps_outer_layers() {
    let d = all(LinkType::ETHERNET, IP4_TRUNC);
    assert!(d.eth.is_some());
    let e = d.error.as_ref().unwrap();
    assert_eq!((e.layer, e.offset), (LayerKind::Ipv4, 14));
    assert!(e.error.is_truncated());
    assert_eq!(names(&d), "eth");
    assert!(d.summary.ip.is_none());
}

#[test]
fn unsupported_link_type_is_an_error() {
    let d = all(LinkType::PPP, HTTP_SYN);
    let e = d.error.as_ref().unwrap();
    assert_eq!(e.layer, LayerKind::Link(LinkType::PPP));
    assert!(d.layers.is_empty());
    // The message names the number, as before link types were typed.
    assert!(e.to_string().starts_with("link type 9 at byte 0: "), "{e}");
}

#[test]
fn every_decoded_link_type_is_dispatched() {
    // An empty record: each decoded link type fails (if at all) in its own
    // first layer, never with the "not decoded" link error.
    for lt in protocols::dissect::DECODED_LINK_TYPES {
        let d = all(lt, &[]);
        assert_eq!(d.link_type, lt);
        let layer = d.error.as_ref().map(|e| e.layer);
        assert!(
            !matches!(layer, Some(LayerKind::Link(_))),
            "{lt}: {layer:?}"
        );
    }
}

#[test]
fn minimal_config_parses_only_default_fields_and_stops_at_transport() {
    let d = Dissector::new(Config::minimal()).dissect(LinkType::ETHERNET, HTTP_GET);
    assert!(d.eth.is_none());
    let ip = &d.ipv4.first().unwrap().header;
    assert!(ip.ttl.is_skipped() && ip.src_addr.is_value());
    let tcp = &d.tcp.first().unwrap().header;
    assert!(tcp.seq_num.is_skipped() && tcp.src_port.is_value());
    assert!(d.http.is_none());
    // The summary is filled whatever the flags.
    assert_eq!((d.summary.sport, d.summary.dport), (3372, 80));
    assert_eq!(d.summary.tcp_seq, 951057940);
    assert_eq!(cid(&d), "1:D0Hb5PnRilB52ktTszXCb9PSY8M=");

    // A layer with NONE flags is walked through but not stored.
    let d = Dissector::new(Config::none()).dissect(LinkType::ETHERNET, HTTP_GET);
    assert!(d.ipv4.is_empty() && d.tcp.is_empty());
    assert_eq!(names(&d), "eth:ip:tcp");
    assert_eq!(d.summary.dport, 80);

    let cfg = Config {
        stop_after: Depth::Network,
        ..Config::all()
    };
    let d = Dissector::new(cfg).dissect(LinkType::ETHERNET, HTTP_GET);
    assert_eq!(names(&d), "eth:ip");
    assert!(d.tcp.is_empty());
}

#[test]
fn every_truncation_and_corruption_is_an_error_not_a_panic() {
    let frames: [(LinkType, &[u8]); 16] = [
        (LinkType::ETHERNET, HTTP_SYN),
        (LinkType::ETHERNET, HTTP_GET),
        (LinkType::ETHERNET, DOT1AD),
        (LinkType::ETHERNET, QINQINQ),
        (LinkType::ETHERNET, ICMP_UNREACH),
        (LinkType::ETHERNET, DNS_PTR),
        (LinkType::ETHERNET, IPV6_EXT),
        (LinkType::ETHERNET, FRAG_2ND),
        (LinkType::ETHERNET, GTP6),
        (LinkType::NULL, LOOPBACK_V6),
        (LinkType::LINUX_SLL, SLL_SYN),
        (LinkType::LINUX_SLL2, SLL2_ICMP),
        (LinkType::RAW, RAW_V4_DNS),
        (LinkType::IPV6, RAW_V6_DNS),
        (LinkType::ETHERNET, DNS_TCP),
        (LinkType::ETHERNET, IP4_TRUNC),
    ];
    let dissectors = [
        Dissector::new(Config::all()),
        Dissector::new(Config::minimal()),
        Dissector::new(Config::none()),
    ];
    for (link, frame) in frames {
        for len in 0..frame.len() {
            for dis in &dissectors {
                let d = dis.dissect(link, &frame[..len]);
                if let Some(e) = &d.error {
                    assert!(e.offset <= len, "{e}");
                    let _ = e.to_string();
                }
            }
        }
        // Flip every byte to a few values: malformed lengths, pointers, versions.
        let mut copy = frame.to_vec();
        for i in 0..copy.len().min(200) {
            let orig = copy[i];
            for v in [0x00, 0xff, 0xc0, 0x45, orig ^ 0x0f] {
                copy[i] = v;
                let _ = dissectors[0].dissect(link, &copy);
            }
            copy[i] = orig;
        }
    }
}

#[test]
fn display_lists_layers_and_error() {
    let d = all(LinkType::ETHERNET, ICMP_UNREACH);
    let text = d.to_string();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(
        lines[0].starts_with("Ethernet src=00:0b:db:63:58:a6"),
        "{text}"
    );
    assert_eq!(lines[2], "ICMP type=3 code=3");
    assert!(
        lines[3].starts_with("  (quoted) IPv4 192.168.1.1 > 192.168.1.102"),
        "{text}"
    );
    assert!(
        lines[5].starts_with("  (quoted) DNS id=0x98a4 response"),
        "{text}"
    );

    let d = all(LinkType::ETHERNET, IP4_TRUNC);
    let text = d.to_string();
    assert!(
        text.ends_with("\n") && text.contains("error: ip at byte 14: Ipv4: truncated"),
        "{text}"
    );

    let d = all(LinkType::ETHERNET, IPV6_EXT);
    assert!(d.to_string().contains("ipv6.hopopts (8 bytes)"), "{d}");
}

#[test]
fn config_for_needs_stops_early_and_parses_nothing() {
    use pcap_core::filter::Needs;
    let vlan_only =
        Dissector::new(Config::for_needs(Needs::VLAN)).dissect(LinkType::ETHERNET, QINQINQ);
    assert_eq!(vlan_only.summary.vlans(), &[30, 20, 10]);
    assert!(vlan_only.summary.ip.is_none() && vlan_only.vlans.is_empty());
    let addrs = Dissector::new(Config::for_needs(Needs::IP_ADDRS | Needs::IP_PROTO))
        .dissect(LinkType::ETHERNET, IPV6_EXT);
    assert_eq!(addrs.summary.protocol, 17);
    assert!(!addrs.summary.has_l4 && addrs.ipv6.is_empty());
    let flow = Dissector::new(Config::for_needs(Needs::FLOW)).dissect(LinkType::ETHERNET, HTTP_GET);
    assert_eq!(cid(&flow), "1:D0Hb5PnRilB52ktTszXCb9PSY8M=");
    assert!(flow.tcp.is_empty() && flow.http.is_none());
}

/// Ethernet / IPv6 (2001:db8::1 → 2001:db8::2) / `ext` after a fixed header
/// whose Next Header is `next`.
fn ipv6_frame(next: u8, ext: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd];
    let len = u16::try_from(ext.len()).unwrap().to_be_bytes();
    f.extend_from_slice(&[0x60, 0, 0, 0, len[0], len[1], next, 64]);
    for last in [1, 2] {
        f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        f.extend_from_slice(&[0; 11]);
        f.push(last);
    }
    f.extend_from_slice(ext);
    f
}

#[test]
fn ipv6_without_transport_header_has_no_community_id() {
    // A non-first fragment (offset 8 × 1, UDP inside): the summary keeps
    // the addresses for flows, but tshark computes no Community ID.
    let frag = [17, 0, 0, 0x08, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8];
    let f = ipv6_frame(44, &frag);
    let d = all(LinkType::ETHERNET, &f);
    assert!(d.summary.ip.is_some() && d.summary.is_fragment);
    assert!(!cid(&d).is_empty());
    assert!(d.community_id().is_none());
    // The first fragment carries the UDP header: it has one.
    let first = [17, 0, 0, 0x01, 0, 0, 0, 7, 0, 53, 0, 53, 0, 16, 0, 0];
    let f = ipv6_frame(44, &first);
    let d = all(LinkType::ETHERNET, &f);
    assert_eq!(
        d.community_id().map(|c| c.as_str().to_owned()),
        Some(cid(&d))
    );
    // An extension chain cut short (a Hop-by-Hop header of 16 bytes, 8 there).
    let f = ipv6_frame(0, &[17, 1, 0, 0, 0, 0, 0, 0]);
    let d = all(LinkType::ETHERNET, &f);
    assert!(matches!(d.error, Some(ref e) if e.layer == LayerKind::Ipv6Ext(0)));
    assert!(d.community_id().is_none());
    // A complete chain keeps it.
    let d = all(LinkType::ETHERNET, IPV6_EXT);
    assert_eq!(
        d.community_id().map(|c| c.as_str().to_owned()),
        Some(cid(&d))
    );
}
