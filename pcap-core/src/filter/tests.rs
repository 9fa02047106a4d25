//! Filter matching tests, and proptests: Display/parse round trip and the
//! compiled predicate against a direct reading of the tree.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;

use super::*;
use crate::TcpFlags;
use crate::flow::PacketSummary;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn f(s: &str) -> Filter {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn tcp(src: &str, sport: u16, dst: &str, dport: u16) -> PacketSummary {
    PacketSummary::tcp(ip(src), sport, ip(dst), dport, TcpFlags::ACK)
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
    naive_frame(e, p, &[]).unwrap_or(false)
}

/// An independent reading of byte access: `None` aborts (BPF rejects the
/// packet), `Some(None)` is "no such header".
fn naive_arith(a: &Arith, p: &PacketSummary, frame: &[u8]) -> Option<Option<u32>> {
    Some(Some(match a {
        Arith::Num(n) => *n,
        Arith::Len => p.wire_len,
        Arith::Load {
            layer,
            offset,
            size,
        } => {
            let l4 = |proto: u8| {
                (p.ip.is_some() && p.protocol == proto && p.has_l4 && p.frag_offset == 0)
                    .then_some(p.l4_offset as u64)
            };
            let base = match layer {
                Layer::Ether => Some(0),
                Layer::Ip => (p.ip_version() == 4).then_some(p.l3_offset as u64),
                Layer::Ip6 => (p.ip_version() == 6).then_some(p.l3_offset as u64),
                Layer::Tcp => l4(6),
                Layer::Udp => l4(17),
                Layer::Icmp => l4(1).filter(|_| p.ip_version() == 4),
                Layer::Icmp6 => l4(58).filter(|_| p.ip_version() == 6),
            };
            let Some(base) = base else {
                return Some(None);
            };
            let Some(off) = naive_arith(offset, p, frame)? else {
                return Some(None);
            };
            let mut v = 0u32;
            for k in 0..u64::from(*size) {
                let at = usize::try_from(base + u64::from(off) + k).ok()?;
                v = v << 8 | u32::from(*frame.get(at)?);
            }
            v
        }
        Arith::Neg(x) => match naive_arith(x, p, frame)? {
            Some(v) => 0u32.wrapping_sub(v),
            None => return Some(None),
        },
        Arith::Bin(op, x, y) => {
            let (Some(x), Some(y)) = (naive_arith(x, p, frame)?, naive_arith(y, p, frame)?) else {
                return Some(None);
            };
            match op {
                ArithOp::Add => x.wrapping_add(y),
                ArithOp::Sub => x.wrapping_sub(y),
                ArithOp::Mul => x.wrapping_mul(y),
                ArithOp::Div if y == 0 => return None,
                ArithOp::Div => x / y,
                ArithOp::Mod if y == 0 => return None,
                ArithOp::Mod => x % y,
                ArithOp::And => x & y,
                ArithOp::Or => x | y,
                ArithOp::Xor => x ^ y,
                ArithOp::Shl if y >= 32 => 0,
                ArithOp::Shl => x << y,
                ArithOp::Shr if y >= 32 => 0,
                ArithOp::Shr => x >> y,
            }
        }
    }))
}

fn naive_frame(e: &Expr, p: &PacketSummary, frame: &[u8]) -> Option<bool> {
    let dir = |d: Dir, t: &dyn Fn(bool) -> bool| match d {
        Dir::Either => t(true) || t(false),
        Dir::Src => t(true),
        Dir::Dst => t(false),
        Dir::Both => t(true) && t(false),
    };
    Some(match e {
        Expr::Not(x) => !naive_frame(x, p, frame)?,
        Expr::And(xs) => {
            for x in xs {
                if !naive_frame(x, p, frame)? {
                    return Some(false);
                }
            }
            true
        }
        Expr::Or(xs) => {
            for x in xs {
                if naive_frame(x, p, frame)? {
                    return Some(true);
                }
            }
            false
        }
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
            Primitive::EtherHost { dir: d, mac } => {
                let eth = p.ethertype != 0
                    && frame.len() >= 14
                    && (p.vlan_count > 0 || frame[12..14] == p.ethertype.to_be_bytes());
                eth && dir(*d, &|src| {
                    frame[if src { 6..12 } else { 0..6 }] == mac.octets()
                })
            }
            Primitive::EtherProto(t) => match p.ethertype {
                0 => (*t == 0x0800 && p.ip_version() == 4) || (*t == 0x86dd && p.ip_version() == 6),
                et => et == *t,
            },
            Primitive::Compare { op, lhs, rhs } => {
                let l = naive_arith(lhs, p, frame)?;
                let r = naive_arith(rhs, p, frame)?;
                match (l, r) {
                    (Some(l), Some(r)) => op.holds(l, r),
                    _ => false,
                }
            }
            // No packet carries session metadata.
            Primitive::Field(_) => false,
        },
    })
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
        (dir(), 0u8..3).prop_map(|(dir, b)| Primitive::EtherHost {
            dir,
            mac: crate::mac::MacAddr([b, 0, 0, 0, 0, 1]),
        }),
        prop_oneof![Just(0x0800u16), Just(0x0806), Just(0x86dd), any::<u16>()]
            .prop_map(Primitive::EtherProto),
        (rel_op(), arith(), arith()).prop_map(|(op, lhs, rhs)| Primitive::Compare { op, lhs, rhs }),
    ]
}

fn rel_op() -> impl Strategy<Value = RelOp> {
    prop_oneof![
        Just(RelOp::Gt),
        Just(RelOp::Lt),
        Just(RelOp::Ge),
        Just(RelOp::Le),
        Just(RelOp::Eq),
        Just(RelOp::Ne)
    ]
}

fn layer() -> impl Strategy<Value = Layer> {
    prop_oneof![
        Just(Layer::Ether),
        Just(Layer::Ip),
        Just(Layer::Ip6),
        Just(Layer::Tcp),
        Just(Layer::Udp),
        Just(Layer::Icmp),
        Just(Layer::Icmp6)
    ]
}

fn arith_op() -> impl Strategy<Value = ArithOp> {
    prop_oneof![
        Just(ArithOp::Add),
        Just(ArithOp::Sub),
        Just(ArithOp::Mul),
        Just(ArithOp::Div),
        Just(ArithOp::Mod),
        Just(ArithOp::And),
        Just(ArithOp::Or),
        Just(ArithOp::Xor),
        Just(ArithOp::Shl),
        Just(ArithOp::Shr)
    ]
}

fn arith() -> impl Strategy<Value = Arith> {
    let leaf = prop_oneof![
        prop_oneof![0u32..4, 0u32..40, any::<u32>()].prop_map(Arith::Num),
        Just(Arith::Len),
        (layer(), 0u32..40, prop_oneof![Just(1u8), Just(2), Just(4)]).prop_map(
            |(layer, off, size)| Arith::Load {
                layer,
                offset: Box::new(Arith::Num(off)),
                size,
            }
        ),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| Arith::Neg(Box::new(a))),
            (arith_op(), inner.clone(), inner).prop_map(|(op, a, b)| {
                // The parser refuses a constant zero divisor, as libpcap.
                let b = match (op, b) {
                    (ArithOp::Div | ArithOp::Mod, Arith::Num(0)) => Arith::Num(1),
                    (_, b) => b,
                };
                Arith::Bin(op, Box::new(a), Box::new(b))
            }),
        ]
    })
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

/// A packet with a frame of random bytes and plausible header offsets.
fn packet_with_frame() -> impl Strategy<Value = (PacketSummary, Vec<u8>)> {
    (
        packet(),
        proptest::collection::vec(any::<u8>(), 0..64),
        (0u16..24, 0u16..64),
        prop_oneof![Just(0u16), Just(0x0800), Just(0x0806), Just(0x86dd)],
        (0u32..100, 0u16..2),
    )
        .prop_map(|(mut p, frame, (l3, l4), ethertype, (len, frag))| {
            p.l3_offset = l3;
            p.l4_offset = l4;
            p.ethertype = ethertype;
            p.wire_len = len;
            p.frag_offset = frag;
            (p, frame)
        })
}

proptest! {
    #[test]
    fn compiled_predicate_agrees_on_frames(
        e in expr(),
        pkts in proptest::collection::vec(packet_with_frame(), 16),
    ) {
        let filter = Filter::from_expr(e.clone());
        for (p, frame) in &pkts {
            prop_assert_eq!(
                filter.matches_packet(p, frame),
                naive_frame(&e, p, frame).unwrap_or(false),
                "{} on {:?} {:?}", e, p, frame
            );
        }
    }

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
    fn parser_never_panics(s in "[a-z0-9 ()!&|:./\\\\\\[\\]<>=+*%^-]{0,40}") {
        let _ = parse::parse(&s);
    }

    #[test]
    fn parser_never_panics_on_keywords(words in proptest::collection::vec(prop_oneof![
        Just("tcp"), Just("["), Just("]"), Just(":"), Just("2"), Just("0"), Just("len"),
        Just("&"), Just("-"), Just("("), Just(")"), Just("="), Just("and"), Just("or"),
        Just("not"), Just("ether"), Just("host"), Just("port"), Just("http"), Just("tcp-syn"),
        Just("/"), Just("%"), Just("^"), Just("<<"), Just("!="), Just("greater"), Just("vlan"),
    ], 0..16)) {
        for text in [words.join(" "), words.concat()] {
            if let Ok(e) = parse::parse(&text) {
                // Whatever parses prints back to the same tree.
                let printed = e.to_string();
                let back = parse::parse(&printed)
                    .map_err(|err| TestCaseError::fail(format!("{text:?} -> {printed:?}: {err}")))?;
                prop_assert_eq!(back, e, "{:?} -> {:?}", text, printed);
            }
        }
    }
}

/// An Ethernet + IPv4 + TCP SYN frame and its summary, as the dissector
/// fills it.
fn syn_frame() -> (PacketSummary, Vec<u8>) {
    let mut f = Vec::new();
    f.extend_from_slice(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55]); // dst
    f.extend_from_slice(&[0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc]); // src
    f.extend_from_slice(&[0x08, 0x00]);
    f.extend_from_slice(&[
        0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 63, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    f.extend_from_slice(&[
        0xc3, 0x50, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
    ]);
    let mut p = PacketSummary::tcp(ip("10.0.0.1"), 50000, ip("10.0.0.2"), 80, TcpFlags::SYN);
    p.ethertype = 0x0800;
    p.l3_offset = 14;
    p.l4_offset = 34;
    p.wire_len = 60;
    (p, f)
}

#[test]
fn byte_access_reads_the_frame_at_the_layer_offsets() {
    let (p, frame) = syn_frame();
    let m = |s: &str| f(s).matches_packet(&p, &frame);
    assert!(m("tcp[13] & 2 != 0"));
    assert!(m(
        "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack = 0"
    ));
    assert!(m("tcp[tcpflags] == tcp-syn"));
    assert!(m("tcp[2:2] = 80 and tcp[0:2] = 50000"));
    assert!(m("tcp[4:4] = 1"));
    assert!(m("ip[8] < 64 and ip[9] = 6"));
    assert!(m("ip[6:2] & 0x1fff = 0"));
    assert!(m("ip[0] & 0xf = 5"));
    assert!(m("(tcp[12] & 0xf0) >> 2 = 20"));
    assert!(m("ether[12:2] = 0x0800 and ether[0] & 1 = 0"));
    assert!(m(
        "ether src 02:00:00:aa:bb:cc and ether dst 00:11:22:33:44:55"
    ));
    assert!(m(
        "ether host 02:00:00:aa:bb:cc and not ether dst 02:00:00:aa:bb:cc"
    ));
    assert!(m("ether proto \\ip and not arp"));
    assert!(m("greater 60 and less 60 and len = 60"));
    assert!(!m("greater 61") && !m("less 59"));
    assert!(!m("udp[0] = 0xc3"), "not a UDP datagram: false");
    assert!(m("not udp[0] = 0xc3"));
    assert!(!m("icmp[icmptype] = icmp-echo") && !m("ip6[0] = 0x45"));
    // Without the frame, byte access cannot match.
    assert!(!f("tcp[13] & 2 != 0").matches(&p));
}

#[test]
fn a_load_past_the_captured_bytes_rejects_the_packet() {
    let (p, frame) = syn_frame();
    let m = |s: &str| f(s).matches_packet(&p, &frame);
    assert!(!m("tcp[100] = 1"));
    assert!(!m("not tcp[100] = 1"), "BPF rejects the packet outright");
    assert!(!m("tcp[100] = 1 or tcp"));
    assert!(
        m("tcp or tcp[100] = 1"),
        "evaluation stops at the first true"
    );
    assert!(!m("tcp[tcp[0] * 1000] = 0"));
    assert!(!m("tcp[19:2] = 0"), "the last byte is past the end");
    assert!(m("tcp[18:2] = 0"));
    assert!(!m("len / (len - 60) = 0"), "division by zero rejects");
}

#[test]
fn transport_access_needs_a_first_fragment() {
    let (mut p, frame) = syn_frame();
    p.frag_offset = 185;
    p.is_fragment = true;
    assert!(!f("tcp[13] & 2 != 0").matches_packet(&p, &frame));
    assert!(f("ip[8] = 63").matches_packet(&p, &frame));
}

#[test]
fn ether_primitives_need_an_ethernet_header() {
    let (mut p, frame) = syn_frame();
    // A raw-IP frame: no EtherType, IP at offset 0.
    let raw = &frame[14..];
    p.ethertype = 0;
    p.l3_offset = 0;
    p.l4_offset = 20;
    assert!(!f("ether host 02:00:00:aa:bb:cc").matches_packet(&p, raw));
    assert!(f("ether proto 0x800 and ip").matches_packet(&p, raw));
    assert!(f("tcp[13] = 2 and ip[0] = 0x45").matches_packet(&p, raw));
    assert!(
        f("ether[0] = 0x45").matches_packet(&p, raw),
        "link bytes are frame bytes"
    );
    // VLAN-tagged: the tags are looked through.
    let mut tagged = frame[..12].to_vec();
    tagged.extend_from_slice(&[0x81, 0x00, 0x00, 0x14]);
    tagged.extend_from_slice(&frame[12..]);
    let (mut q, _) = syn_frame();
    q.push_vlan(20);
    q.l3_offset = 18;
    q.l4_offset = 38;
    let m = |s: &str| f(s).matches_packet(&q, &tagged);
    assert!(m(
        "vlan 20 and ether src 02:00:00:aa:bb:cc and tcp[13] = 2 and ip[9] = 6"
    ));
    assert!(m("host 10.0.0.1 and ether proto \\ip"));
}

#[test]
fn needs_cover_what_byte_access_reads() {
    assert!(
        f("tcp[13] & 2 != 0")
            .needs()
            .contains(Needs::FRAME | Needs::PORTS)
    );
    assert!(
        f("icmp[0] = 8")
            .needs()
            .contains(Needs::FRAME | Needs::ICMP)
    );
    assert!(
        f("ip[8] < 64")
            .needs()
            .contains(Needs::FRAME | Needs::IP_VERSION)
    );
    assert!(
        !f("ip[8] < 64")
            .needs()
            .intersects(Needs::PORTS | Needs::ICMP)
    );
    assert_eq!(f("greater 100").needs(), Needs::LENGTH);
    assert!(
        f("ether host 00:11:22:33:44:55")
            .needs()
            .contains(Needs::FRAME | Needs::LINK)
    );
    assert!(f("arp").needs().contains(Needs::LINK));
    assert!(!f("arp").needs().contains(Needs::FRAME));
    assert!(!f("host 10.0.0.1").needs().contains(Needs::FRAME));
}

#[test]
fn named_ports_resolve_from_the_builtin_table() {
    let dns = PacketSummary::udp(ip("10.0.0.1"), 5353, ip("10.0.0.2"), 53);
    assert!(f("port domain").matches(&dns));
    assert!(f("udp dst port domain").matches(&dns));
    assert!(!f("port http").matches(&PacketSummary::udp(ip("10.0.0.1"), 1, ip("10.0.0.2"), 80)));
    assert!(f("port http").matches(&tcp("10.0.0.1", 1, "10.0.0.2", 80)));
    assert!(f("port https or ssh").matches(&tcp("10.0.0.1", 1, "10.0.0.2", 22)));
}

#[test]
fn pasted_tcpdump_precedence() {
    // The example: `host A or host B and udp` is `(A or B) and udp`.
    let filter = f("host 10.0.0.1 or host 10.0.0.2 and udp");
    assert!(!filter.matches(&tcp("10.0.0.1", 1, "10.0.0.9", 2)));
    assert!(filter.matches(&PacketSummary::udp(ip("10.0.0.1"), 1, ip("10.0.0.9"), 2)));
}

/// Found by the `filter` fuzz target: a filter that parses must print as
/// text that parses back to it, also when it is nested close to the limit
/// (brackets everywhere doubled the depth of `1 - 1 - ... - 1` and of
/// `- - ... -1`).
#[test]
fn long_chains_print_as_deep_as_they_were_read() {
    let chain = vec!["1"; 150].join(" - ");
    let negs = format!("{}2", "- ".repeat(150));
    let mixed = "0 << 0 % 1 & 0 | 3 ^ 2 * -len % -(1 + 2)";
    for text in [chain, negs, mixed.to_string()] {
        let e = parse::parse(&format!("len = {text}")).expect("parses");
        let printed = e.to_string();
        assert_eq!(parse::parse(&printed).as_ref(), Ok(&e), "{printed}");
    }
}
