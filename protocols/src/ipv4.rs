//! IPv4 ([RFC 791]): the header with its options and fragment fields, and
//! an options iterator.
//!
//! Panic contract: `parse`/`view` check once that the buffer holds
//! `ihl * 4` bytes and that `ihl >= 5`; after that single length check no
//! accessor can panic, and [`Ipv4Options`] never panics on malformed option
//! lengths (it reports them and stops).
//!
//! [RFC 791]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

use std::fmt;
use std::net::Ipv4Addr;

use pcap_core::{Error, Field, Header};

/// IPv4 option kinds (RFC 791 §3.1, IANA "IP Option Numbers").
pub mod option_kind {
    /// End of Option List.
    pub const EOL: u8 = 0;
    /// No Operation.
    pub const NOP: u8 = 1;
    /// Record Route.
    pub const RR: u8 = 7;
    /// Timestamp.
    pub const TS: u8 = 68;
    /// Security (RFC 1108).
    pub const SEC: u8 = 130;
    /// Loose Source and Record Route.
    pub const LSRR: u8 = 131;
    /// Stream ID.
    pub const SID: u8 = 136;
    /// Strict Source and Record Route.
    pub const SSRR: u8 = 137;
    /// Router Alert (RFC 2113).
    pub const RA: u8 = 148;
}

/// The IPv4 header (20 to 60 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "ip", endian = "big", len = ihl * 4)]
pub struct Ipv4<'a> {
    /// Version (4).
    #[field(bits = 4, name = "version")]
    pub version: Field<'a, u8>,
    /// Internet Header Length in 32-bit words (5..15).
    #[field(bits = 4, default, name = "hdr_len", scale = 4)]
    pub ihl: Field<'a, u8>,
    /// Differentiated Services Code Point (RFC 2474).
    #[field(bits = 6, name = "dsfield.dscp")]
    pub dscp: Field<'a, u8>,
    /// Explicit Congestion Notification (RFC 3168).
    #[field(bits = 2, name = "dsfield.ecn")]
    pub ecn: Field<'a, u8>,
    /// Total Length of the datagram (header and data) in bytes.
    #[field(name = "len")]
    pub total_len: Field<'a, u16>,
    /// Identification, for reassembly.
    #[field(name = "id", display = "hex")]
    pub ident: Field<'a, u16>,
    /// Reserved flag bit (must be zero; the "evil bit" of RFC 3514).
    #[field(bits = 1, name = "flags.rb")]
    pub reserved: Field<'a, bool>,
    /// Don't Fragment.
    #[field(bits = 1, name = "flags.df")]
    pub dont_frag: Field<'a, bool>,
    /// More Fragments.
    #[field(bits = 1, name = "flags.mf")]
    pub more_frags: Field<'a, bool>,
    /// Fragment Offset in units of 8 bytes.
    #[field(bits = 13, name = "frag_offset")]
    pub frag_offset: Field<'a, u16>,
    /// Time To Live.
    #[field(name = "ttl")]
    pub ttl: Field<'a, u8>,
    /// Protocol of the payload (IANA protocol number).
    #[field(default, name = "proto")]
    pub protocol: Field<'a, u8>,
    /// Header checksum.
    #[field(name = "checksum", display = "hex")]
    pub checksum: Field<'a, u16>,
    /// Source address.
    #[field(default, name = "src")]
    pub src_addr: Field<'a, Ipv4Addr>,
    /// Destination address.
    #[field(default, name = "dst")]
    pub dst_addr: Field<'a, Ipv4Addr>,
    /// Options (`ihl * 4 - 20` bytes), walk them with [`Ipv4Options`].
    #[field(len = ihl * 4 - 20)]
    pub options: Field<'a, &'a [u8]>,
}

/// Length of an IPv4 header without options.
pub const MIN_HEADER_LEN: usize = 20;

impl<'a> Ipv4View<'a> {
    /// Whether this datagram is a fragment (MF set or a non-zero offset).
    pub fn is_fragment(&self) -> bool {
        self.more_frags() || self.frag_offset() != 0
    }

    /// The datagram's payload as far as Total Length says and the capture
    /// holds. A Total Length of 0 (TCP segmentation offload) or shorter than
    /// the header is taken as "the rest of the capture", as tshark does for
    /// 0.
    pub fn payload_within_total_len(&self) -> &'a [u8] {
        use pcap_core::HeaderView;
        let payload = self.payload();
        let total = usize::from(self.total_len());
        let hlen = self.header_bytes().len();
        if total < hlen {
            return payload;
        }
        payload.get(..total - hlen).unwrap_or(payload)
    }

    /// The options, as an iterator.
    pub fn options_iter(&self) -> Ipv4Options<'a> {
        Ipv4Options::new(self.options())
    }

    /// The destination the packet is finally headed for: the last address
    /// of a Loose or Strict Source Route option if there is one (as tshark
    /// reports `ip.dst` and hashes the Community ID), else Destination
    /// Address.
    pub fn final_dst(&self) -> Ipv4Addr {
        source_route_final_dst(self.options()).unwrap_or_else(|| self.dst_addr())
    }
}

/// The last address of a Loose (131) or Strict (137) Source and Record
/// Route option in `options`, if any (RFC 791 §3.1).
pub fn source_route_final_dst(options: &[u8]) -> Option<Ipv4Addr> {
    Ipv4Options::new(options)
        .map_while(Result::ok)
        .find(|o| matches!(o.kind, option_kind::LSRR | option_kind::SSRR))
        .and_then(|o| {
            // data: pointer, then the route's addresses.
            let route = o.data.get(1..)?;
            let last = route.len().checked_sub(4).map(|n| n - n % 4)?;
            let a = route.get(last..last + 4)?;
            Some(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
        })
}

/// One IPv4 option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Option<'a> {
    /// The option type octet (copied flag, class and number).
    pub kind: u8,
    /// The option data after kind and length (empty for EOL and NOP).
    pub data: &'a [u8],
}

/// Iterator over IPv4 options. Stops after End of Option List; yields one
/// `Err` and stops on an option whose length is < 2 or runs past the
/// options.
#[derive(Debug, Clone)]
pub struct Ipv4Options<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Ipv4Options<'a> {
    /// Walks `options` (the bytes after the 20-byte fixed header).
    pub fn new(options: &'a [u8]) -> Self {
        Ipv4Options {
            rest: options,
            offset: MIN_HEADER_LEN,
        }
    }
}

impl<'a> Iterator for Ipv4Options<'a> {
    type Item = Result<Ipv4Option<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&kind, after) = self.rest.split_first()?;
        if kind == option_kind::EOL || kind == option_kind::NOP {
            self.rest = if kind == option_kind::EOL { &[] } else { after };
            self.offset += 1;
            return Some(Ok(Ipv4Option { kind, data: &[] }));
        }
        let len = after.first().map(|&l| usize::from(l));
        let result = match len {
            Some(len) if len >= 2 && len <= self.rest.len() => {
                let data = self.rest.get(2..len).unwrap_or(&[]);
                self.rest = self.rest.get(len..).unwrap_or(&[]);
                self.offset += len;
                return Some(Ok(Ipv4Option { kind, data }));
            }
            Some(len) => Error::malformed(
                "IPv4",
                "options",
                self.offset,
                format!(
                    "option {kind} has length {len}, {} bytes left",
                    self.rest.len()
                ),
            ),
            None => Error::malformed("IPv4", "options", self.offset, "option length missing"),
        };
        self.rest = &[];
        Some(Err(result))
    }
}

impl fmt::Display for Ipv4View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IPv4 {} > {} proto={} ttl={} len={}",
            self.src_addr(),
            self.dst_addr(),
            self.protocol(),
            self.ttl(),
            self.total_len()
        )?;
        if self.is_fragment() {
            write!(
                f,
                " frag(off={} mf={})",
                self.frag_offset(),
                u8::from(self.more_frags())
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_core::HeaderView;

    /// http.pcap frame 1: IPv4 header of a TCP SYN (145.254.160.237 → 65.208.228.223).
    const SYN: [u8; 20] = [
        0x45, 0x00, 0x00, 0x30, 0x0f, 0x41, 0x40, 0x00, 0x80, 0x06, 0x91, 0xeb, 0x91, 0xfe, 0xa0,
        0xed, 0x41, 0xd0, 0xe4, 0xdf,
    ];

    #[test]
    fn test_parse_ipv4() {
        let (ip, rest) = Ipv4::parse(&SYN, Ipv4::ALL).unwrap();
        assert_eq!(ip.version.value(), Some(&4));
        assert_eq!(ip.ihl.value(), Some(&5));
        assert_eq!(ip.total_len.value(), Some(&48));
        assert_eq!(ip.ident.value(), Some(&0x0f41));
        assert_eq!(ip.dont_frag.value(), Some(&true));
        assert_eq!(ip.more_frags.value(), Some(&false));
        assert_eq!(ip.frag_offset.value(), Some(&0));
        assert_eq!(ip.ttl.value(), Some(&128));
        assert_eq!(ip.protocol.value(), Some(&6));
        assert_eq!(ip.checksum.value(), Some(&0x91eb));
        assert_eq!(
            ip.src_addr.value(),
            Some(&Ipv4Addr::new(145, 254, 160, 237))
        );
        assert_eq!(ip.dst_addr.value(), Some(&Ipv4Addr::new(65, 208, 228, 223)));
        assert_eq!(ip.options.value().map(|o| o.len()), Some(0));
        assert!(rest.is_empty());
        let v = Ipv4::view(&SYN).unwrap();
        assert_eq!(
            v.to_string(),
            "IPv4 145.254.160.237 > 65.208.228.223 proto=6 ttl=128 len=48"
        );
    }

    #[test]
    fn test_default_flags() {
        let (ip, _) = Ipv4::parse(&SYN, Ipv4::DEFAULT).unwrap();
        assert!(ip.ttl.is_skipped() && ip.total_len.is_skipped());
        assert_eq!(ip.protocol.value(), Some(&6));
        assert!(ip.src_addr.is_value() && ip.dst_addr.is_value());
    }

    #[test]
    fn test_parse_small_ihl() {
        let mut b = SYN;
        b[0] = 0x44;
        let err = Ipv4::parse(&b, Ipv4::ALL).unwrap_err();
        assert!(matches!(err, Error::InvalidLength { .. }), "{err}");
        assert!(Ipv4::view(&b).is_err());
    }

    #[test]
    fn test_truncated_at_every_length() {
        for len in 0..SYN.len() {
            assert!(
                Ipv4::parse(&SYN[..len], Ipv4::ALL)
                    .unwrap_err()
                    .is_truncated()
            );
            assert!(Ipv4::header_len(&SYN[..len]).is_err());
        }
    }

    /// A Router Alert option (as in mdns.pcap's IGMP), NOP, a Record Route
    /// and End of Option List.
    #[test]
    fn test_options_iterator() {
        let opts = [0x94, 0x04, 0x00, 0x00, 0x01, 0x07, 0x03, 0x04, 0x00];
        let mut it = Ipv4Options::new(&opts);
        assert_eq!(
            it.next().unwrap().unwrap(),
            Ipv4Option {
                kind: option_kind::RA,
                data: &[0, 0]
            }
        );
        assert_eq!(it.next().unwrap().unwrap().kind, option_kind::NOP);
        assert_eq!(
            it.next().unwrap().unwrap(),
            Ipv4Option {
                kind: option_kind::RR,
                data: &[4]
            }
        );
        assert_eq!(it.next().unwrap().unwrap().kind, option_kind::EOL);
        assert!(it.next().is_none());
        // Malformed lengths: 0, 1 and past the end.
        for bad in [&[7u8, 0][..], &[7, 1], &[7, 9, 0], &[7]] {
            let mut it = Ipv4Options::new(bad);
            assert!(it.next().unwrap().is_err());
            assert!(it.next().is_none());
        }
    }

    /// suricata_detect-ipopts_input.pcap frame 2 (raw IPv4): a Loose Source
    /// Route via 1.2.3.4 to 5.6.7.8; tshark's ip.dst is 5.6.7.8.
    #[test]
    fn test_loose_source_route_final_dst() {
        let b = [
            0x48, 0x00, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0xac, 0x74, 0x09, 0x0a,
            0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x83, 0x0b, 0x04, 0x01, 0x02, 0x03, 0x04, 0x05,
            0x06, 0x07, 0x08, 0x00,
        ];
        let v = Ipv4::view(&b).unwrap();
        assert_eq!(v.dst_addr(), Ipv4Addr::new(13, 14, 15, 16));
        assert_eq!(v.final_dst(), Ipv4Addr::new(5, 6, 7, 8));
        assert_eq!(
            Ipv4::view(&SYN).unwrap().final_dst(),
            Ipv4Addr::new(65, 208, 228, 223)
        );
        assert_eq!(source_route_final_dst(&[0x83, 3, 4]), None);
    }

    #[test]
    fn test_total_len_clamps_payload() {
        let mut b = SYN.to_vec();
        b.extend_from_slice(&[0u8; 40]); // 28 bytes of TCP + 12 bytes of Ethernet padding
        let v = Ipv4::view(&b).unwrap();
        assert_eq!(v.payload().len(), 40);
        assert_eq!(v.payload_within_total_len().len(), 28);
        // Total length 0 (segmentation offload): the whole capture.
        b[2] = 0;
        b[3] = 0;
        assert_eq!(Ipv4::view(&b).unwrap().payload_within_total_len().len(), 40);
    }
}
