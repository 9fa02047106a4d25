//! Filter matching tests, and proptests: Display/parse round trip and the
//! compiled predicate against a direct reading of the tree.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;

use super::*;
use crate::flow::{PacketSummary, tcp_flags};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn f(s: &str) -> Filter {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn tcp(src: &str, sport: u16, dst: &str, dport: u16) -> PacketSummary {
    PacketSummary::tcp(ip(src), sport, ip(dst), dport, tcp_flags::ACK)
}

#[test]
fn hosts_nets_and_directions() {
    let p = tcp("10.0.0.1", 40000, "192.168.1.9", 80);
    assert!(f("host 10.0.0.1").matches(&p));
    assert!(f("host 192.168.1.9").matches(&p));
    assert!(f("src host 10.0.0.1").matches(&p));
    assert!(!f("dst host 10.0.0.1").matches(&p));
    assert!(f("dst net 192.168.0.0/16").matches(&p));
    assert!(!f("src net 192.168.0.0/16").matches(&p));
    assert!(!f("src and dst net 192.168.0.0/16").matches(&p));
    assert!(f("src and dst net 0.0.0.0/0").matches(&p));
    assert!(!f("net ::/0").matches(&p), "families never cross");
    assert!(!f("host 10.0.0.1").matches(&PacketSummary::new()));
}

#[test]
fn ports_protocols_and_versions() {
    let p = tcp("10.0.0.1", 40000, "192.168.1.9", 80);
    assert!(f("port 80").matches(&p));
    assert!(f("tcp dst port 80").matches(&p));
    assert!(!f("udp port 80").matches(&p));
    assert!(!f("src port 80").matches(&p));
    assert!(f("portrange 39000-41000").matches(&p));
    assert!(f("ip and tcp and not ip6").matches(&p));
    assert!(f("proto 6").matches(&p));
    let mut frag = p;
    frag.has_l4 = false;
    assert!(!f("port 80").matches(&frag), "no ports in a later fragment");
    assert!(f("tcp").matches(&frag));
    let icmp = PacketSummary::icmp(ip("fe80::1"), ip("ff02::1"), 134, 0);
    assert!(f("icmp6 and ip6").matches(&icmp));
    assert!(!f("icmp").matches(&icmp));
    assert!(!f("port 0").matches(&icmp), "ICMP has no ports");
}

#[test]
fn vlan_tags_are_looked_through() {
    let mut p = PacketSummary::udp(ip("10.0.0.1"), 53, ip("10.0.0.2"), 5353);
    assert!(!f("vlan").matches(&p));
    p.push_vlan(100);
    p.push_vlan(200);
    assert!(f("vlan").matches(&p));
    assert!(f("vlan 200 and host 10.0.0.1").matches(&p));
    assert!(f("host 10.0.0.1").matches(&p));
    assert!(!f("vlan 300").matches(&p));
}

#[test]
fn needs_follow_the_primitives() {
    assert_eq!(f("vlan 5").needs(), Needs::VLAN);
    assert!(
        f("port 80")
            .needs()
            .contains(Needs::PORTS | Needs::IP_PROTO)
    );
    assert!(!f("host ::1").needs().contains(Needs::PORTS));
    assert!(Needs::FLOW.contains(Needs::ICMP | Needs::TCP));
}

#[test]
fn address_list_file() {
    let mut text = String::from("# blocklist\n\n");
    for i in 0..5000u32 {
        text.push_str(&format!("{}\n", Ipv4Addr::from(0x0a00_0000 + i * 7)));
    }
    text.push_str("2001:db8::/32   # documentation\n172.16.5.4/12\n");
    let dir = std::env::temp_dir().join(format!("pcap-core-filter-{}.txt", std::process::id()));
    std::fs::write(&dir, &text).unwrap();
    let list = Filter::from_file(&dir).unwrap();
    std::fs::remove_file(&dir).unwrap();
    let hit = tcp("8.8.8.8", 1, "10.0.0.7", 2);
    let miss = tcp("8.8.8.8", 1, "10.0.0.8", 2);
    assert!(list.matches(&hit));
    assert!(!list.matches(&miss));
    assert!(list.matches(&tcp("172.31.0.1", 1, "8.8.8.8", 2)));
    assert!(list.matches(&PacketSummary::udp(ip("2001:db8::5"), 1, ip("::1"), 2)));
    // Compiled into one set: a single binary search per address.
    assert!(matches!(
        list.node,
        compile::Node::Addr(Dir::Either, compile::AddrMatch::Set(_))
    ));
    let not_list = list.clone().not().and(f("tcp"));
    assert!(not_list.matches(&miss) && !not_list.matches(&hit));

    let err = Filter::from_address_list("10.0.0.1\nbogus # x\n", "list.txt").unwrap_err();
    assert_eq!(
        err.to_string(),
        "list.txt:2: not an IP address or CIDR: `bogus`"
    );
    assert!(matches!(
        Filter::from_address_list("# nothing\n", "e"),
        Err(FilterFileError::Empty { .. })
    ));
}

/// A direct, uncompiled reading of the tree: the oracle for the compiler.
fn naive(e: &Expr, p: &PacketSummary) -> bool {
    let dir = |d: Dir, t: &dyn Fn(bool) -> bool| match d {
        Dir::Either => t(true) || t(false),
        Dir::Src => t(true),
        Dir::Dst => t(false),
        Dir::Both => t(true) && t(false),
    };
    match e {
        Expr::Not(x) => !naive(x, p),
        Expr::And(xs) => xs.iter().all(|x| naive(x, p)),
        Expr::Or(xs) => xs.iter().any(|x| naive(x, p)),
        Expr::Prim(prim) => match prim {
            Primitive::Host { dir: d, addr } => p
                .ip
                .is_some_and(|ips| dir(*d, &|src| (if src { ips.src } else { ips.dst }) == *addr)),
            Primitive::Net { dir: d, net } => p.ip.is_some_and(|ips| {
                dir(*d, &|src| {
                    net.contains(if src { &ips.src } else { &ips.dst })
                })
            }),
            Primitive::Port {
                dir: d,
                first,
                last,
            } => {
                p.has_ports()
                    && dir(*d, &|src| {
                        (*first..=*last).contains(if src { &p.sport } else { &p.dport })
                    })
            }
            Primitive::Proto(n) => p.ip.is_some() && p.protocol == *n,
            Primitive::Ip => p.ip_version() == 4,
            Primitive::Ip6 => p.ip_version() == 6,
            Primitive::Vlan(None) => p.vlan_count > 0,
            Primitive::Vlan(Some(id)) => p.vlans().contains(id),
        },
    }
}

// Small value pools so random packets actually hit random filters.
fn small_v4() -> impl Strategy<Value = IpAddr> {
    (0u8..4, 0u8..4).prop_map(|(a, b)| IpAddr::V4(Ipv4Addr::new(10, a, 0, b)))
}

fn small_v6() -> impl Strategy<Value = IpAddr> {
    (0u16..4).prop_map(|a| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, a, 0, 0, 0, 0, 1)))
}

fn addr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![small_v4(), small_v6()]
}

fn dir() -> impl Strategy<Value = Dir> {
    prop_oneof![
        Just(Dir::Either),
        Just(Dir::Src),
        Just(Dir::Dst),
        Just(Dir::Both)
    ]
}

fn primitive() -> impl Strategy<Value = Primitive> {
    prop_oneof![
        (dir(), addr()).prop_map(|(dir, addr)| Primitive::Host { dir, addr }),
        (dir(), addr(), 0u8..=128).prop_map(|(dir, a, p)| {
            let p = if a.is_ipv4() { p % 33 } else { p };
            Primitive::Net {
                dir,
                net: IpNet::new_truncating(a, p).unwrap(),
            }
        }),
        (dir(), 0u16..6, 0u16..6).prop_map(|(dir, a, b)| Primitive::Port {
            dir,
            first: a.min(b),
            last: a.max(b),
        }),
        prop_oneof![
            Just(1u8),
            Just(6),
            Just(17),
            Just(58),
            Just(132),
            any::<u8>()
        ]
        .prop_map(Primitive::Proto),
        Just(Primitive::Ip),
        Just(Primitive::Ip6),
        proptest::option::of(0u16..4).prop_map(Primitive::Vlan),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    primitive()
        .prop_map(Expr::Prim)
        .prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
                proptest::collection::vec(inner, 2..4).prop_map(Expr::Or),
            ]
        })
}

fn packet() -> impl Strategy<Value = PacketSummary> {
    let v4 = (small_v4(), small_v4()).boxed();
    let v6 = (small_v6(), small_v6()).boxed();
    (
        proptest::option::of(prop_oneof![v4, v6]),
        prop_oneof![Just(1u8), Just(6), Just(17), Just(58), any::<u8>()],
        any::<bool>(),
        0u16..6,
        0u16..6,
        proptest::collection::vec(0u16..4, 0..3),
    )
        .prop_map(|(ips, protocol, has_l4, sport, dport, vlans)| {
            let mut p = PacketSummary::new();
            if let Some((src, dst)) = ips {
                p = PacketSummary::ip(src, dst, protocol);
                p.has_l4 = has_l4;
                p.sport = sport;
                p.dport = dport;
            }
            for v in vlans {
                p.push_vlan(v);
            }
            p
        })
}

proptest! {
    #[test]
    fn display_parse_round_trip(e in expr()) {
        let text = e.to_string();
        let back = parse::parse(&text).map_err(|err| TestCaseError::fail(format!("{err}")))?;
        prop_assert_eq!(back, e, "{}", text);
    }

    #[test]
    fn compiled_predicate_agrees_with_the_tree(e in expr(), pkts in proptest::collection::vec(packet(), 16)) {
        let filter = Filter::from_expr(e.clone());
        for p in &pkts {
            prop_assert_eq!(filter.matches(p), naive(&e, p), "{} on {:?}", e, p);
        }
    }

    #[test]
    fn parser_never_panics(s in "[a-z0-9 ()!&|:./-]{0,40}") {
        let _ = parse::parse(&s);
    }
}
