//! The extension table: user layers on EtherTypes and IP protocols, and
//! the walk's bound on layers that never advance. (The examples test a
//! tunnel layer end to end: `cargo test -p pcap-examples`.)

use protocols::dissect::LinkType;
use protocols::{FnLayer, Next, UserStep};

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
    assert!(d.user.len() <= protocols::dissect::MAX_USER);
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

/// A layer found by its content: registered on the TCP heuristic key, it
/// is tried on every port no other layer claimed, and a payload it does
/// not accept is left alone, without an error.
#[test]
fn heuristic_layers_are_found_by_content() {
    use pcap_core::capture::synth::raw_ipv4_tcp;
    use protocols::{Dispatch, Registry, UserLayer};

    struct Magic;
    impl UserLayer for Magic {
        fn name(&self) -> &'static str {
            "magic"
        }
        fn accepts(&self, bytes: &[u8]) -> bool {
            bytes.starts_with(b"MAGIC")
        }
        fn dissect(&self, _: &[u8]) -> Result<UserStep, pcap_core::Error> {
            Ok(UserStep {
                header_len: 5,
                next: Next::Done,
            })
        }
    }
    let mut registry = Registry::new();
    registry.register(Dispatch::TcpHeuristic, Magic);
    let dis = protocols::Dissector::with_registry(protocols::Config::all(), registry);

    let frame = raw_ipv4_tcp(7777, b"MAGIC and more");
    let d = dis.dissect(LinkType::RAW, &frame);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.protocols().collect::<Vec<_>>(), ["ip", "tcp", "magic"]);
    assert_eq!(d.payload, b" and more");

    let frame = raw_ipv4_tcp(7777, b"plain data");
    let d = dis.dissect(LinkType::RAW, &frame);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.protocols().collect::<Vec<_>>(), ["ip", "tcp"]);

    // HTTP on its port stays HTTP: heuristics come after the built-ins.
    let frame = raw_ipv4_tcp(80, b"GET / HTTP/1.1\r\n\r\n");
    let d = dis.dissect(LinkType::RAW, &frame);
    assert_eq!(d.protocols().collect::<Vec<_>>(), ["ip", "tcp", "http"]);
}

/// TLS is a built-in layer on the same registration path: on its ports a
/// segment that starts a record is `tls`, one in the middle of a record is
/// left alone (no error), and off its ports the content finds it.
#[test]
fn tls_is_registered_like_a_user_layer() {
    use pcap_core::capture::synth::raw_ipv4_tcp;
    use protocols::{Dispatch, Registry};

    let dis = protocols::Dissector::new(protocols::Config::all());
    let names = |frame: &[u8]| -> Vec<&'static str> {
        let d = dis.dissect(LinkType::RAW, frame);
        assert!(d.error.is_none(), "{:?}", d.error);
        d.protocols().collect()
    };
    // A handshake record header (ClientHello start) on 443.
    let hello = [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0, 0, 1, 0];
    assert_eq!(names(&raw_ipv4_tcp(443, &hello)), ["ip", "tcp", "tls"]);
    // The middle of a record on 443: not a layer, not an error.
    assert_eq!(names(&raw_ipv4_tcp(443, &[0x9f; 40])), ["ip", "tcp"]);
    // Off the TLS ports, found by content.
    assert_eq!(names(&raw_ipv4_tcp(4433, &hello)), ["ip", "tcp", "tls"]);
    // Not on an empty registry.
    let bare = protocols::Dissector::with_registry(protocols::Config::all(), Registry::empty());
    let frame = raw_ipv4_tcp(443, &hello);
    assert_eq!(
        bare.dissect(LinkType::RAW, &frame)
            .protocols()
            .collect::<Vec<_>>(),
        ["ip", "tcp"]
    );
    // A user's layer on 443 comes first.
    let mut registry = Registry::new();
    registry.register(
        Dispatch::TcpPort(443),
        FnLayer {
            name: "mine",
            dissect: |_| {
                Ok(UserStep {
                    header_len: 1,
                    next: Next::Done,
                })
            },
        },
    );
    let mine = protocols::Dissector::with_registry(protocols::Config::all(), registry);
    assert_eq!(
        mine.dissect(LinkType::RAW, &frame)
            .protocols()
            .collect::<Vec<_>>(),
        ["ip", "tcp", "mine"]
    );
}

/// A link type the walk does not know, read by a registered layer that
/// hands on to another by name, which says an EtherType follows.
#[test]
fn link_types_and_named_layers_are_registered_like_the_rest() {
    use protocols::{Dispatch, Registry};

    fn outer(_: &[u8]) -> Result<UserStep, pcap_core::Error> {
        Ok(UserStep {
            header_len: 2,
            next: Next::Layer("inner"),
        })
    }
    fn inner(b: &[u8]) -> Result<UserStep, pcap_core::Error> {
        let t = b
            .get(..2)
            .ok_or_else(|| pcap_core::Error::malformed("inner", "type", 0, "short"))?;
        Ok(UserStep {
            header_len: 2,
            next: Next::EtherType(u16::from_be_bytes([t[0], t[1]])),
        })
    }
    let mut registry = Registry::new();
    registry
        .register(
            Dispatch::LinkType(LinkType(147)),
            FnLayer {
                name: "outer",
                dissect: outer,
            },
        )
        .register(
            Dispatch::Named,
            FnLayer {
                name: "inner",
                dissect: inner,
            },
        );
    let dis = protocols::Dissector::with_registry(protocols::Config::all(), registry);
    let mut frame = vec![0xaa, 0xbb, 0x08, 0x00];
    frame.extend_from_slice(&pcap_core::capture::synth::raw_ipv4_tcp(80, b""));
    let d = dis.dissect(LinkType(147), &frame);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(
        d.protocols().collect::<Vec<_>>(),
        ["outer", "inner", "ip", "tcp"]
    );
    assert_eq!(d.summary.dport, 80);
    // Without the registration, the link type is unsupported, as before.
    let plain = protocols::Dissector::new(protocols::Config::all());
    let e = plain
        .dissect(LinkType(147), &frame)
        .error
        .expect("unsupported");
    assert!(matches!(e.layer, protocols::LayerKind::Link(LinkType(147))));
}

/// An Ethernet/IPv4/TCP frame from port 40000 to `dport` carrying `payload`.
fn tcp_frame(dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    let total = (20 + 20 + payload.len()) as u16;
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    f.extend_from_slice(&40000u16.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// The walk's own layers are reached through the registry's table: HTTP
/// is found on tshark's ports only, and on one more once hooked there.
#[test]
fn a_builtin_layer_hooked_on_another_port() {
    use protocols::dissect::{Builtin, builtin_keys};
    use protocols::{Dispatch, LayerKind, Registry};
    let get = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let plain = protocols::Dissector::new(protocols::Config::all());
    let on_80 = tcp_frame(80, get);
    let on_8000 = tcp_frame(8000, get);
    assert!(
        plain
            .dissect(LinkType::ETHERNET, &on_80)
            .has(LayerKind::Http)
    );
    assert!(
        !plain
            .dissect(LinkType::ETHERNET, &on_8000)
            .has(LayerKind::Http)
    );
    let mut registry = Registry::new();
    registry.hook(Dispatch::TcpPort(8000), Builtin::Http);
    let hooked = protocols::Dissector::with_registry(protocols::Config::all(), registry.clone());
    let d = hooked.dissect(LinkType::ETHERNET, &on_8000);
    assert!(d.has(LayerKind::Http), "{d}");
    assert_eq!(d.http.as_ref().map(|h| h.offset), Some(54));
    // The registry lists the built-in facts and the hook.
    let keys: Vec<_> = registry.builtin_entries().collect();
    assert!(keys.contains(&(Dispatch::TcpPort(8000), Builtin::Http)));
    for key in builtin_keys() {
        assert!(keys.contains(&key), "{key:?}");
    }
    // Without the IPv4 EtherType's entry, the frame stops at Ethernet.
    let mut no_ip = Registry::empty();
    no_ip.hook(
        Dispatch::EtherType(protocols::EtherType::IPV4),
        Builtin::Ipv6,
    );
    let d = protocols::Dissector::with_registry(protocols::Config::all(), no_ip)
        .dissect(LinkType::ETHERNET, &on_80);
    assert!(!d.has(LayerKind::Ipv4) && d.has(LayerKind::Ipv6));
}
