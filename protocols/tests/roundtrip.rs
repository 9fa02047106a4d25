//! Property tests: a header built from random field values parses back to
//! exactly those values, through `parse` (ALL and PARSE_ALL + decode) and
//! through the view, and any truncation of it is an error.

use std::net::Ipv4Addr;

use pcap_core::HeaderView;
use proptest::prelude::*;
use protocols::ipv4::Ipv4;
use protocols::tcp::Tcp;
use protocols::udp::Udp;

#[derive(Debug, Clone)]
struct Ip4 {
    ihl: u8,
    dscp: u8,
    ecn: u8,
    total_len: u16,
    ident: u16,
    reserved: bool,
    dont_frag: bool,
    more_frags: bool,
    frag_offset: u16,
    ttl: u8,
    protocol: u8,
    checksum: u16,
    src: [u8; 4],
    dst: [u8; 4],
    options: Vec<u8>,
}

fn ip4() -> impl Strategy<Value = Ip4> {
    (
        (5u8..=15, 0u8..64, 0u8..4, any::<u16>(), any::<u16>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), 0u16..8192),
        (
            any::<u8>(),
            any::<u8>(),
            any::<u16>(),
            any::<[u8; 4]>(),
            any::<[u8; 4]>(),
        ),
        proptest::collection::vec(any::<u8>(), 40),
    )
        .prop_map(
            |((ihl, dscp, ecn, total_len, ident), (r, df, mf, fo), (ttl, p, c, s, d), o)| Ip4 {
                ihl,
                dscp,
                ecn,
                total_len,
                ident,
                reserved: r,
                dont_frag: df,
                more_frags: mf,
                frag_offset: fo,
                ttl,
                protocol: p,
                checksum: c,
                src: s,
                dst: d,
                options: o[..usize::from(ihl - 5) * 4].to_vec(),
            },
        )
}

impl Ip4 {
    fn bytes(&self) -> Vec<u8> {
        let mut b = vec![0x40 | self.ihl, (self.dscp << 2) | self.ecn];
        b.extend_from_slice(&self.total_len.to_be_bytes());
        b.extend_from_slice(&self.ident.to_be_bytes());
        let flags = (u16::from(self.reserved) << 15)
            | (u16::from(self.dont_frag) << 14)
            | (u16::from(self.more_frags) << 13)
            | self.frag_offset;
        b.extend_from_slice(&flags.to_be_bytes());
        b.extend_from_slice(&[self.ttl, self.protocol]);
        b.extend_from_slice(&self.checksum.to_be_bytes());
        b.extend_from_slice(&self.src);
        b.extend_from_slice(&self.dst);
        b.extend_from_slice(&self.options);
        b
    }
}

proptest! {
    #[test]
    fn ipv4_roundtrip(h in ip4(), payload in proptest::collection::vec(any::<u8>(), 0..8)) {
        let mut bytes = h.bytes();
        let hlen = bytes.len();
        bytes.extend_from_slice(&payload);
        let (ip, rest) = Ipv4::parse(&bytes, Ipv4::ALL).unwrap();
        prop_assert_eq!(rest, &payload[..]);
        prop_assert_eq!(ip.version.value(), Some(&4));
        prop_assert_eq!(ip.ihl.value(), Some(&h.ihl));
        prop_assert_eq!(ip.dscp.value(), Some(&h.dscp));
        prop_assert_eq!(ip.ecn.value(), Some(&h.ecn));
        prop_assert_eq!(ip.total_len.value(), Some(&h.total_len));
        prop_assert_eq!(ip.ident.value(), Some(&h.ident));
        prop_assert_eq!(ip.reserved.value(), Some(&h.reserved));
        prop_assert_eq!(ip.dont_frag.value(), Some(&h.dont_frag));
        prop_assert_eq!(ip.more_frags.value(), Some(&h.more_frags));
        prop_assert_eq!(ip.frag_offset.value(), Some(&h.frag_offset));
        prop_assert_eq!(ip.ttl.value(), Some(&h.ttl));
        prop_assert_eq!(ip.protocol.value(), Some(&h.protocol));
        prop_assert_eq!(ip.checksum.value(), Some(&h.checksum));
        prop_assert_eq!(ip.src_addr.value(), Some(&Ipv4Addr::from(h.src)));
        prop_assert_eq!(ip.dst_addr.value(), Some(&Ipv4Addr::from(h.dst)));
        prop_assert_eq!(ip.options.value().copied(), Some(&h.options[..]));

        // Parsed raw, decoded later: the same values.
        let (raw, _) = Ipv4::parse(&bytes, Ipv4::PARSE_ALL).unwrap();
        prop_assert_eq!(raw.frag_offset.decode(), Some(h.frag_offset));
        prop_assert_eq!(raw.dscp.decode(), Some(h.dscp));
        prop_assert_eq!(raw.more_frags.decode(), Some(h.more_frags));

        let v = Ipv4::view(&bytes).unwrap();
        prop_assert_eq!((v.ttl(), v.frag_offset(), v.total_len()), (h.ttl, h.frag_offset, h.total_len));
        prop_assert_eq!(v.header_len(), hlen);
        prop_assert_eq!(Ipv4::header_len(&bytes).unwrap(), hlen);
        for len in 0..hlen {
            prop_assert!(Ipv4::parse(&bytes[..len], Ipv4::ALL).is_err());
        }
    }

    #[test]
    fn tcp_roundtrip(
        ports in any::<(u16, u16)>(),
        seq_ack in any::<(u32, u32)>(),
        data_offset in 5u8..=15,
        flags in 0u16..4096,
        rest in any::<(u16, u16, u16)>(),
        options in proptest::collection::vec(any::<u8>(), 40),
    ) {
        let opts = &options[..usize::from(data_offset - 5) * 4];
        let mut b = Vec::new();
        b.extend_from_slice(&ports.0.to_be_bytes());
        b.extend_from_slice(&ports.1.to_be_bytes());
        b.extend_from_slice(&seq_ack.0.to_be_bytes());
        b.extend_from_slice(&seq_ack.1.to_be_bytes());
        b.extend_from_slice(&((u16::from(data_offset) << 12) | flags).to_be_bytes());
        b.extend_from_slice(&rest.0.to_be_bytes());
        b.extend_from_slice(&rest.1.to_be_bytes());
        b.extend_from_slice(&rest.2.to_be_bytes());
        b.extend_from_slice(opts);
        b.push(0xaa);
        let (t, payload) = Tcp::parse(&b, Tcp::ALL).unwrap();
        prop_assert_eq!(payload, &[0xaa][..]);
        prop_assert_eq!(t.src_port.value(), Some(&ports.0));
        prop_assert_eq!(t.dst_port.value(), Some(&ports.1));
        prop_assert_eq!(t.seq_num.value(), Some(&seq_ack.0));
        prop_assert_eq!(t.ack_num.value(), Some(&seq_ack.1));
        prop_assert_eq!(t.data_offset.value(), Some(&data_offset));
        prop_assert_eq!(t.flags.value(), Some(&flags));
        prop_assert_eq!(t.window.value(), Some(&rest.0));
        prop_assert_eq!(t.checksum.value(), Some(&rest.1));
        prop_assert_eq!(t.urgent_ptr.value(), Some(&rest.2));
        prop_assert_eq!(t.options.value().copied(), Some(opts));
        let v = Tcp::view(&b).unwrap();
        prop_assert_eq!((v.flags(), v.seq_num()), (flags, seq_ack.0));
        // The options iterator never panics on random bytes and always ends.
        prop_assert!(v.options_iter().count() <= opts.len());
        for len in 0..b.len() - 1 {
            prop_assert!(Tcp::parse(&b[..len], Tcp::DEFAULT).is_err());
        }
    }

    #[test]
    fn udp_roundtrip(fields in any::<(u16, u16, u16, u16)>(), payload in proptest::collection::vec(any::<u8>(), 0..16)) {
        let mut b = Vec::new();
        for f in [fields.0, fields.1, fields.2, fields.3] {
            b.extend_from_slice(&f.to_be_bytes());
        }
        b.extend_from_slice(&payload);
        let (u, rest) = Udp::parse(&b, Udp::ALL).unwrap();
        prop_assert_eq!(rest, &payload[..]);
        prop_assert_eq!(
            (u.src_port.value(), u.dst_port.value(), u.length.value(), u.checksum.value()),
            (Some(&fields.0), Some(&fields.1), Some(&fields.2), Some(&fields.3))
        );
        let v = Udp::view(&b).unwrap();
        prop_assert!(v.payload_within_len().len() <= payload.len());
    }

    /// Random bytes through the whole dissector, every link type: no panic,
    /// and an error offset never past the packet.
    #[test]
    fn dissector_never_panics(link in proptest::sample::select(protocols::dissect::DECODED_LINK_TYPES.to_vec()),
                              bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let d = protocols::Dissector::new(protocols::Config::all()).dissect(link, &bytes);
        if let Some(e) = &d.error {
            prop_assert!(e.offset <= bytes.len());
        }
    }
}
