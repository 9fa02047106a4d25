//! IPv6 ([RFC 8200]): the fixed header, the extension headers (hop-by-hop
//! options 0, routing 43, fragment 44, destination options 60, and the
//! Authentication Header 51 of [RFC 4302] with its own length rule), and
//! [`ExtWalk`], which walks the chain to the upper-layer protocol.
//!
//! Panic contract: `parse`/`view` check the length once (40 bytes for the
//! fixed header, the declared length for extension headers); after that
//! single check no accessor can panic, and [`ExtWalk`] reports a truncated
//! or malformed chain as an error instead of panicking.
//!
//! [RFC 8200]: https://www.rfc-editor.org/rfc/rfc8200#section-3
//! [RFC 4302]: https://www.rfc-editor.org/rfc/rfc4302#section-2

use std::fmt;
use std::net::Ipv6Addr;

use pcap_core::{Error, Field, Header, HeaderView, IpProto};

/// The IPv6 fixed header (40 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "ipv6", endian = "big")]
pub struct Ipv6<'a> {
    /// Version (6).
    #[field(bits = 4, name = "version")]
    pub version: Field<'a, u8>,
    /// Traffic Class (DSCP and ECN).
    #[field(bits = 8, name = "tclass", display = "hex")]
    pub traffic_class: Field<'a, u8>,
    /// Flow Label.
    #[field(bits = 20, name = "flow", display = "hex")]
    pub flow_label: Field<'a, u32>,
    /// Payload Length: bytes after this header, extension headers included.
    #[field(name = "plen")]
    pub payload_len: Field<'a, u16>,
    /// Next Header: the first extension header or the upper-layer protocol.
    #[field(default, name = "nxt")]
    pub next_header: Field<'a, u8>,
    /// Hop Limit.
    #[field(name = "hlim")]
    pub hop_limit: Field<'a, u8>,
    /// Source address.
    #[field(default, name = "src")]
    pub src_addr: Field<'a, Ipv6Addr>,
    /// Destination address.
    #[field(default, name = "dst")]
    pub dst_addr: Field<'a, Ipv6Addr>,
}

/// Length of the fixed header.
pub const HEADER_LEN: usize = 40;

/// A hop-by-hop, routing or destination options header: length in 8-octet
/// units, not counting the first 8.
#[derive(Header, Debug, Clone)]
#[header(endian = "big", len = (hdr_ext_len + 1) * 8)]
pub struct Ipv6ExtHeader<'a> {
    /// Next Header.
    #[field(default)]
    pub next_header: Field<'a, u8>,
    /// Length in 8-octet units, not including the first 8 octets.
    #[field(default)]
    pub hdr_ext_len: Field<'a, u8>,
    /// Options or routing data.
    #[field(len = (hdr_ext_len + 1) * 8 - 2)]
    pub data: Field<'a, &'a [u8]>,
}

/// The Fragment header (8 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "ipv6.fraghdr", endian = "big")]
pub struct Ipv6Fragment<'a> {
    /// Next Header.
    #[field(default, name = "nxt")]
    pub next_header: Field<'a, u8>,
    /// Reserved.
    #[field(name = "reserved_octet", display = "hex")]
    pub reserved: Field<'a, u8>,
    /// Fragment Offset in 8-octet units.
    #[field(bits = 13, default, name = "offset")]
    pub frag_offset: Field<'a, u16>,
    /// Reserved bits.
    #[field(bits = 2, name = "reserved_bits")]
    pub res: Field<'a, u8>,
    /// More Fragments.
    #[field(bits = 1, default, name = "more")]
    pub more_frags: Field<'a, bool>,
    /// Identification.
    #[field(name = "ident", display = "hex")]
    pub ident: Field<'a, u32>,
}

/// The Authentication Header: its length counts 4-octet units, minus 2.
#[derive(Header, Debug, Clone)]
#[header(name = "ah", endian = "big", len = (payload_len + 2) * 4)]
pub struct AuthHeader<'a> {
    /// Next Header.
    #[field(default, name = "next_header")]
    pub next_header: Field<'a, u8>,
    /// Length in 4-octet units, minus 2.
    #[field(default, name = "length")]
    pub payload_len: Field<'a, u8>,
    /// Reserved.
    #[field(name = "reserved")]
    pub reserved: Field<'a, u16>,
    /// Security Parameters Index.
    #[field(name = "spi", display = "hex")]
    pub spi: Field<'a, u32>,
    /// Sequence Number.
    #[field(name = "sequence")]
    pub seq: Field<'a, u32>,
    /// Integrity Check Value.
    #[field(len = (payload_len + 2) * 4 - 12, name = "icv")]
    pub icv: Field<'a, &'a [u8]>,
}

/// How many extension headers an [`ExtWalk`] remembers (it walks any number).
pub const MAX_EXT_RECORDED: usize = 8;

/// Fragment facts found in a Fragment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FragmentInfo {
    /// Fragment Offset in 8-octet units.
    pub offset: u16,
    /// More Fragments.
    pub more: bool,
    /// Identification.
    pub ident: u32,
}

/// The result of walking the extension-header chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtWalk {
    /// The upper-layer protocol (the Next Header that is not an extension
    /// header walked here).
    pub protocol: u8,
    /// Bytes of extension headers, from the end of the fixed header.
    pub len: usize,
    /// The first [`MAX_EXT_RECORDED`] extension headers: (Next Header value
    /// that introduced it, offset from the end of the fixed header).
    pub headers: [(u8, u16); MAX_EXT_RECORDED],
    /// Total number of extension headers walked.
    pub count: usize,
    /// The Fragment header's facts, if there was one.
    pub fragment: Option<FragmentInfo>,
}

impl ExtWalk {
    /// The recorded extension headers.
    pub fn recorded(&self) -> &[(u8, u16)] {
        &self.headers[..self.count.min(MAX_EXT_RECORDED)]
    }

    /// Walks extension headers from `next` over `bytes` (what follows the
    /// fixed header). A non-first fragment stops the walk at the Fragment
    /// header (what follows is not a header). Returns the walk so far and
    /// the error that stopped it, if any (its offset counts from the start
    /// of `bytes`; `protocol` is then the header that failed).
    pub fn walk(mut next: u8, bytes: &[u8]) -> (ExtWalk, Option<Error>) {
        let mut walk = ExtWalk {
            protocol: next,
            len: 0,
            headers: [(0, 0); MAX_EXT_RECORDED],
            count: 0,
            fragment: None,
        };
        // Each header is at least 8 bytes, so the walk ends within
        // bytes.len() / 8 steps whatever the Next Header values say.
        while IpProto(next).is_ipv6_extension() {
            let rest = bytes.get(walk.len..).unwrap_or(&[]);
            let step =
                match IpProto(next) {
                    IpProto::IPV6_FRAG => Ipv6Fragment::view(rest).map(|v| {
                        walk.fragment = Some(FragmentInfo {
                            offset: v.frag_offset(),
                            more: v.more_frags(),
                            ident: v.ident(),
                        });
                        (v.next_header(), HeaderView::header_len(&v))
                    }),
                    IpProto::AH => AuthHeader::view(rest)
                        .map(|v| (v.next_header(), HeaderView::header_len(&v))),
                    _ => Ipv6ExtHeader::view(rest)
                        .map(|v| (v.next_header(), HeaderView::header_len(&v))),
                };
            let (nh, len) = match step {
                Ok(s) => s,
                Err(e) => {
                    walk.protocol = next;
                    let e = e.shifted(walk.len);
                    return (walk, Some(e));
                }
            };
            if let Some(slot) = walk.headers.get_mut(walk.count) {
                *slot = (next, u16::try_from(walk.len).unwrap_or(u16::MAX));
            }
            walk.count += 1;
            walk.len += len;
            next = nh;
            walk.protocol = nh;
            if matches!(walk.fragment, Some(f) if f.offset != 0) {
                break;
            }
        }
        (walk, None)
    }
}

impl<'a> Ipv6View<'a> {
    /// The payload as far as Payload Length says and the capture holds (a
    /// Payload Length of 0, used by jumbograms, means the rest of the capture).
    pub fn payload_within_len(&self) -> &'a [u8] {
        let payload = self.payload();
        match usize::from(self.payload_len()) {
            0 => payload,
            n => payload.get(..n).unwrap_or(payload),
        }
    }
}

impl fmt::Display for Ipv6View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IPv6 {} > {} next={} hlim={} len={}",
            self.src_addr(),
            self.dst_addr(),
            self.next_header(),
            self.hop_limit(),
            self.payload_len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed header built in code: 2001:db8::1 → 2001:db8::2, hop limit 64.
    fn fixed(next: u8, payload_len: u16) -> Vec<u8> {
        let mut b = vec![0x60, 0x00, 0x00, 0x00];
        b.extend_from_slice(&payload_len.to_be_bytes());
        b.extend_from_slice(&[next, 64]);
        b.extend_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
        b.extend_from_slice(&"2001:db8::2".parse::<Ipv6Addr>().unwrap().octets());
        b
    }

    #[test]
    fn test_parse_fixed_header() {
        let b = fixed(6, 0);
        let (ip, rest) = Ipv6::parse(&b, Ipv6::ALL).unwrap();
        assert_eq!(ip.version.value(), Some(&6));
        assert_eq!(ip.next_header.value(), Some(&6));
        assert_eq!(ip.hop_limit.value(), Some(&64));
        assert_eq!(ip.src_addr.value().unwrap().to_string(), "2001:db8::1");
        assert!(rest.is_empty());
        for len in 0..HEADER_LEN {
            assert!(
                Ipv6::parse(&b[..len], Ipv6::ALL)
                    .unwrap_err()
                    .is_truncated()
            );
        }
    }

    #[test]
    fn test_walk_hop_by_hop_routing_fragment_dest_opts() {
        // hop-by-hop (8) → routing (24) → fragment (8, offset 0, MF) → dst opts (8) → UDP
        let mut ext = vec![43, 0, 5, 2, 0, 0, 1, 0];
        ext.extend_from_slice(&[44, 2, 0, 1, 0, 0, 0, 0]);
        ext.extend_from_slice(&[0u8; 16]);
        ext.extend_from_slice(&[60, 0, 0x00, 0x01, 0, 0, 0x12, 0x34]);
        ext.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
        ext.extend_from_slice(&[0x30, 0x39, 0xd4, 0x31]); // UDP ports
        let (w, e) = ExtWalk::walk(IpProto::HOPOPT.0, &ext);
        assert!(e.is_none());
        assert_eq!(w.protocol, 17);
        assert_eq!(w.len, 48);
        assert_eq!(w.count, 4);
        assert_eq!(w.recorded(), &[(0, 0), (43, 8), (44, 32), (60, 40)]);
        assert_eq!(
            w.fragment,
            Some(FragmentInfo {
                offset: 0,
                more: true,
                ident: 0x1234
            })
        );
        // Truncated inside any header: an error with the walk so far.
        for len in 0..48 {
            let (partial, err) = ExtWalk::walk(0, &ext[..len]);
            let err = err.unwrap();
            assert!(err.is_truncated(), "{len}: {err}");
            assert!(partial.len <= len);
        }
    }

    #[test]
    fn test_non_first_fragment_stops_walk() {
        let ext = [6, 0, 0x00, 0xa8, 0, 0, 0, 1, 0xde, 0xad];
        let (w, _) = ExtWalk::walk(IpProto::IPV6_FRAG.0, &ext);
        assert_eq!(w.protocol, 6);
        assert_eq!(w.fragment.unwrap().offset, 21);
        assert_eq!(w.len, 8);
    }

    #[test]
    fn test_auth_header_length_rule() {
        // AH with payload_len 4: (4 + 2) * 4 = 24 bytes.
        let mut ext = vec![6, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        ext.extend_from_slice(&[0xaa; 12]);
        let (w, _) = ExtWalk::walk(IpProto::AH.0, &ext);
        assert_eq!((w.protocol, w.len), (6, 24));
        let (ah, _) = AuthHeader::parse(&ext, AuthHeader::ALL).unwrap();
        assert_eq!(ah.spi.value(), Some(&256));
        assert_eq!(ah.icv.value().map(|i| i.len()), Some(12));
    }

    #[test]
    fn test_ip6_ext_trunc() {
        // ip6-ext-trunc.pcap frame 1: Next Header 0 (hop-by-hop) and
        // Payload Length 20, but the capture ends with the fixed header.
        let ext: [u8; 0] = [];
        let (w, err) = ExtWalk::walk(0, &ext);
        let err = err.unwrap();
        assert_eq!(w.count, 0);
        assert!(err.is_truncated());
    }
}
