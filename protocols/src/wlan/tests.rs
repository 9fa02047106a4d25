//! Frames built in code: radiotap with several fields, alignment,
//! namespaces and FCS; 802.11 headers of every shape; LLC/SNAP to IP;
//! and cuts at every length.

use super::*;
use crate::{Config, Dissection, Dissector, LayerKind};

const AP: [u8; 6] = [0x02, 0, 0, 0, 0, 0xaa];
const STA: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const HOST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
const FAR: [u8; 6] = [0x02, 0, 0, 0, 0, 0x03];

/// IPv4/UDP 10.0.0.1:1234 → 10.0.0.2:53, 8 bytes of UDP and no payload.
fn ipv4_udp() -> Vec<u8> {
    let mut ip = vec![
        0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    ip.extend_from_slice(&[0x04, 0xd2, 0, 53, 0, 8, 0, 0]);
    ip
}

/// LLC/SNAP with this EtherType.
fn snap(ethertype: u16) -> Vec<u8> {
    let mut v = vec![0xaa, 0xaa, 0x03, 0, 0, 0];
    v.extend_from_slice(&ethertype.to_be_bytes());
    v
}

/// A MAC header: frame control bytes and the addresses given, a sequence
/// control after the third, and `tail` (QoS, HT control).
fn mac(fc0: u8, fc1: u8, addrs: &[[u8; 6]], tail: &[u8]) -> Vec<u8> {
    let mut v = vec![fc0, fc1, 0x2c, 0x00];
    for (i, a) in addrs.iter().enumerate() {
        if i == 3 {
            // Address 4 comes after the sequence control.
            v.extend_from_slice(&[0x10, 0x00]);
        }
        v.extend_from_slice(a);
    }
    if addrs.len() == 3 {
        v.extend_from_slice(&[0x10, 0x00]);
    }
    v.extend_from_slice(tail);
    v
}

/// A radiotap header: TSFT, flags, channel, two dBm antenna signals (one
/// in a second radiotap namespace, after an antenna field), as
/// 80211http.pcap's: every alignment rule is used.
fn radiotap(flags: u8, freq: u16, signals: (i8, i8)) -> Vec<u8> {
    let present0: u32 = 1 | 1 << 1 | 1 << 3 | 1 << 5 | 1 << 29 | 1 << 31;
    let present1: u32 = 1 << 5 | 1 << 11;
    let mut v = vec![0, 0, 0, 0];
    v.extend_from_slice(&present0.to_le_bytes());
    v.extend_from_slice(&present1.to_le_bytes());
    // 12 → TSFT aligned to 16.
    v.extend_from_slice(&[0xee; 4]);
    v.extend_from_slice(&7u64.to_le_bytes());
    v.push(flags); // 24
    v.push(0xee); // 25: pad for the channel
    v.extend_from_slice(&freq.to_le_bytes()); // 26
    v.extend_from_slice(&0x00a0u16.to_le_bytes());
    v.push(signals.0 as u8); // 30
    v.push(signals.1 as u8); // 31 (second namespace)
    v.push(1); // 32 antenna
    let len = v.len() as u16;
    v[2..4].copy_from_slice(&len.to_le_bytes());
    v
}

fn dissect(link: LinkType, frame: &[u8]) -> Dissection<'_> {
    Dissector::new(Config::all()).dissect(link, frame)
}

fn cells(d: &Dissection<'_>) -> Vec<String> {
    (0..columns::NAMES.len())
        .map(|i| {
            let mut s = String::new();
            columns::write_cell(d, i, &mut s).unwrap();
            s
        })
        .collect()
}

fn names(d: &Dissection<'_>) -> Vec<&'static str> {
    d.layers.iter().map(|r| r.kind.name()).collect()
}

#[test]
fn radiotap_data_frame_to_udp() {
    let mut frame = radiotap(radiotap::flags::FCS_AT_END, 2462, (-70, -71));
    // To DS: BSSID, SA, DA.
    frame.extend(mac(0x08, 0x01, &[AP, STA, HOST], &[]));
    frame.extend(snap(0x0800));
    frame.extend(ipv4_udp());
    frame.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]); // FCS
    let d = dissect(LinkType::IEEE802_11_RADIOTAP, &frame);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(
        names(&d),
        ["radiotap", "wlan_radio", "wlan", "llc", "ip", "udp"]
    );
    assert_eq!((d.summary.sport, d.summary.dport), (1234, 53));
    assert_eq!(
        cells(&d),
        [
            "0x0020",
            "02:00:00:00:00:aa",
            "02:00:00:00:00:01",
            "02:00:00:00:00:02",
            "02:00:00:00:00:01",
            "02:00:00:00:00:aa",
            "0x0800",
            "2462",
            "-70,-71",
        ]
    );
    let rt = d.layers.iter().next().unwrap();
    assert!(radiotap::has_fcs(&frame[..rt.len]));
}

#[test]
fn radiotap_fields_alignment_and_vendor_namespace() {
    // present: flags, channel, vendor namespace (skip 3 bytes), then a
    // radiotap namespace with a dBm antenna signal.
    let p0: u32 = 1 << 1 | 1 << 3 | 1 << 30 | 1 << 31;
    let p1: u32 = 0x1 | 1 << 29 | 1 << 31; // vendor bit 0: skipped
    let p2: u32 = 1 << 5;
    let mut v = vec![0, 0, 0, 0];
    for p in [p0, p1, p2] {
        v.extend_from_slice(&p.to_le_bytes());
    }
    v.push(0); // 16 flags
    v.push(0xee); // pad
    v.extend_from_slice(&5180u16.to_le_bytes()); // 18
    v.extend_from_slice(&0u16.to_le_bytes());
    // 22: vendor header (aligned 2): OUI, sub-namespace, skip length 3.
    v.extend_from_slice(&[0x00, 0x11, 0x22, 0x01, 3, 0]);
    v.extend_from_slice(&[0x99; 3]);
    v.push((-42i8) as u8); // 31
    let fields: Vec<_> = radiotap::Fields::new(&v).collect();
    let bits: Vec<u32> = fields.iter().map(|f| f.bit).collect();
    assert_eq!(bits, [1, 3, 5]);
    // Channel: frequency then flags, both little-endian.
    assert_eq!(fields[1].bytes, &[0x3c, 0x14, 0, 0]);
    assert_eq!(fields[2].bytes, &[(-42i8) as u8]);
    // An undefined bit stops the walk instead of guessing a size.
    let mut odd = vec![0, 0, 12, 0];
    odd.extend_from_slice(&(1u32 << 28 | 1 << 5).to_le_bytes());
    odd.extend_from_slice(&[0xc8, 0, 0, 0]);
    let bits: Vec<u32> = radiotap::Fields::new(&odd).map(|f| f.bit).collect();
    assert_eq!(bits, [5]);
}

#[test]
fn bad_radiotap_is_an_error_not_a_panic() {
    // Length shorter than the fixed part, and a version that is not 0.
    for bad in [[0u8, 0, 4, 0, 0, 0, 0, 0], [1, 0, 8, 0, 0, 0, 0, 0]] {
        let d = dissect(LinkType::IEEE802_11_RADIOTAP, &bad);
        let e = d.error.expect("an error");
        assert_eq!(e.layer, LayerKind::User("radiotap"));
    }
    // A length past the frame's end.
    let d = dissect(LinkType::IEEE802_11_RADIOTAP, &[0, 0, 64, 0, 0, 0, 0, 0]);
    assert!(d.error.is_some());
}

#[test]
fn from_ds_qos_htc_frame_on_link_type_105() {
    // QoS data + Order: QoS control (2) and HT control (4).
    let mut frame = mac(0x88, 0x82, &[HOST, AP, STA], &[0, 0, 1, 2, 3, 4]);
    frame.extend(snap(0x0800));
    frame.extend(ipv4_udp());
    let d = dissect(LinkType::IEEE802_11, &frame);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(names(&d), ["wlan", "llc", "ip", "udp"]);
    let wlan = d.layers.iter().next().unwrap();
    assert_eq!(wlan.len, 24 + 2 + 4);
    let c = cells(&d);
    assert_eq!(c[0], "0x0028");
    // From DS: DA, BSSID, SA.
    assert_eq!(c[1], "02:00:00:00:00:aa"); // bssid
    assert_eq!(c[2], "02:00:00:00:00:01"); // sa
    assert_eq!(c[3], "02:00:00:00:00:02"); // da
    assert_eq!(c[7], "", "no radiotap");
}

#[test]
fn four_address_frame() {
    let mut frame = mac(0x08, 0x03, &[AP, STA, HOST, FAR], &[]);
    frame.extend(snap(0x0800));
    frame.extend(ipv4_udp());
    let d = dissect(LinkType::IEEE802_11, &frame);
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.layers.iter().next().unwrap().len, 30);
    assert_eq!(d.summary.dport, 53);
    let c = cells(&d);
    assert_eq!(
        &c[1..6],
        [
            "",
            "02:00:00:00:00:03",
            "02:00:00:00:00:02",
            "02:00:00:00:00:01",
            "02:00:00:00:00:aa",
        ]
    );
}

#[test]
fn protected_null_and_amsdu_frames_stop_at_the_mac_header() {
    let body: Vec<u8> = snap(0x0800).into_iter().chain(ipv4_udp()).collect();
    for (fc0, fc1, tail) in [
        (0x08, 0x41, &[][..]),        // protected data
        (0x48, 0x01, &[][..]),        // null data
        (0x88, 0x01, &[0x80, 0][..]), // QoS data, A-MSDU present
    ] {
        let mut frame = mac(fc0, fc1, &[AP, STA, HOST], tail);
        frame.extend(&body);
        let d = dissect(LinkType::IEEE802_11, &frame);
        assert!(d.error.is_none(), "{:?}", d.error);
        assert_eq!(names(&d), ["wlan"], "{fc0:#x} {fc1:#x}");
        assert!(d.summary.ip.is_none());
    }
}

#[test]
fn management_and_control_frames() {
    // Beacon: DA, SA, BSSID.
    let mut beacon = mac(0x80, 0x00, &[[0xff; 6], AP, AP], &[]);
    beacon.extend_from_slice(&[0; 12]);
    let d = dissect(LinkType::IEEE802_11, &beacon);
    assert!(d.error.is_none());
    assert_eq!(names(&d), ["wlan"]);
    let c = cells(&d);
    assert_eq!(c[0], "0x0008");
    assert_eq!(c[3], "ff:ff:ff:ff:ff:ff");
    assert_eq!(c[1], "02:00:00:00:00:aa");
    assert_eq!(c[6], "");
    // ACK: 10 bytes, RA only.
    let ack = [0xd4, 0x00, 0, 0, 2, 0, 0, 0, 0, 1];
    let d = dissect(LinkType::IEEE802_11, &ack);
    assert!(d.error.is_none());
    assert_eq!(d.layers.iter().next().unwrap().len, 10);
    let c = cells(&d);
    assert_eq!(
        (c[0].as_str(), c[5].as_str(), c[4].as_str()),
        ("0x001d", "02:00:00:00:00:01", "")
    );
    // RTS: RA and TA.
    let rts = mac(0xb4, 0x00, &[AP, STA], &[]);
    let d = dissect(LinkType::IEEE802_11, &rts);
    assert_eq!(d.layers.iter().next().unwrap().len, 16);
    assert_eq!(cells(&d)[4], "02:00:00:00:00:01");
}

#[test]
fn plain_llc_ends_the_walk_and_has_no_type() {
    let mut frame = mac(0x08, 0x00, &[HOST, STA, AP], &[]);
    frame.extend_from_slice(&[0x42, 0x42, 0x03, 0, 0, 0, 0, 0]); // STP
    let d = dissect(LinkType::IEEE802_11, &frame);
    assert!(d.error.is_none());
    assert_eq!(names(&d), ["wlan", "llc"]);
    assert_eq!(d.layers.iter().nth(1).unwrap().len, 3);
    assert_eq!(cells(&d)[6], "");
    // Its schema visit stops at the LLC fields.
    let dissector = Dissector::new(Config::all());
    let mut seen = Vec::new();
    dissector.visit_layer(LayerKind::User("llc"), &frame[24..], &mut |spec, _| {
        seen.push(spec.display_name)
    });
    assert_eq!(seen, ["dsap", "ssap", "control"]);
}

#[test]
fn schema_fields_are_found_by_name() {
    let dissector = Dissector::new(Config::none());
    for name in [
        "wlan.fc.type",
        "wlan.fc.protected",
        "llc.type",
        "radiotap.length",
    ] {
        assert!(dissector.find_field(name).is_some(), "{name}");
    }
    // wlan.fc.* flags read as on the wire.
    let frame = mac(0x88, 0x42, &[HOST, AP, STA], &[0, 0]);
    let mut got = Vec::new();
    dissector.visit_layer(LayerKind::User("wlan"), &frame, &mut |spec, v| {
        got.push(format!("{}={v:?}", spec.display_name))
    });
    let got = got.join(" ");
    assert!(
        got.contains("fc.subtype=") && got.contains("fc.type="),
        "{got}"
    );
    let mut protected = None;
    let mut tods = None;
    dissector.visit_layer(
        LayerKind::User("wlan"),
        &frame,
        &mut |spec, v| match spec.display_name {
            "fc.protected" => protected = Some(format!("{v:?}")),
            "fc.tods" => tods = Some(format!("{v:?}")),
            _ => {}
        },
    );
    assert!(protected.unwrap().contains("true"));
    assert!(tods.unwrap().contains("false"));
}

#[test]
fn cut_at_every_length_never_panics() {
    let mut frame = radiotap(radiotap::flags::FCS_AT_END, 5180, (-40, -41));
    frame.extend(mac(0x88, 0x83, &[AP, STA, HOST, FAR], &[0, 0, 0, 0, 0, 0]));
    frame.extend(snap(0x0800));
    frame.extend(ipv4_udp());
    for link in [LinkType::IEEE802_11_RADIOTAP, LinkType::IEEE802_11] {
        for len in 0..=frame.len() {
            let d = dissect(link, &frame[..len]);
            let _ = cells(&d);
        }
    }
    for len in 0..frame.len() {
        let _ = radiotap::Fields::new(&frame[..len]).count();
        let _ = frame::MacHeader::read(&frame[len..]);
        let _ = llc::step(&frame[len..]);
    }
}

#[test]
fn the_dissector_decodes_802_11_link_types() {
    let d = Dissector::new(Config::none());
    assert!(d.decodes(LinkType::IEEE802_11_RADIOTAP));
    assert!(d.decodes(LinkType::IEEE802_11));
    assert!(d.decodes(LinkType::ETHERNET));
    assert!(!d.decodes(LinkType::PPP));
    // Without the built-in registered layers, only the hand-written walk.
    let bare = Dissector::with_registry(Config::none(), crate::Registry::empty());
    assert!(!bare.decodes(LinkType::IEEE802_11));
}
