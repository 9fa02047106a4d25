//! TCP ([RFC 9293]): the header with its options, and [`TcpOptions`], an
//! iterator over MSS, window scale, SACK-permitted, SACK and timestamps
//! (other kinds kept raw).
//!
//! Panic contract: `parse`/`view` check once that `data_offset >= 5` and
//! that the buffer holds `data_offset * 4` bytes; after that single length
//! check no accessor can panic, and [`TcpOptions`] never panics on
//! malformed option lengths (it yields one error and stops).
//!
//! [RFC 9293]: https://www.rfc-editor.org/rfc/rfc9293#section-3.1

use std::fmt;

use pcap_core::{Error, Field, Header, TcpFlags};

/// TCP option kinds (IANA "TCP Option Kind Numbers").
pub mod option_kind {
    /// End of Option List.
    pub const EOL: u8 = 0;
    /// No-Operation.
    pub const NOP: u8 = 1;
    /// Maximum Segment Size (RFC 9293).
    pub const MSS: u8 = 2;
    /// Window Scale (RFC 7323).
    pub const WINDOW_SCALE: u8 = 3;
    /// SACK Permitted (RFC 2018).
    pub const SACK_PERMITTED: u8 = 4;
    /// SACK (RFC 2018).
    pub const SACK: u8 = 5;
    /// Timestamps (RFC 7323).
    pub const TIMESTAMPS: u8 = 8;
}

/// The TCP header (20 to 60 bytes).
#[derive(Header, Debug, Clone)]
#[header(name = "tcp", endian = "big", len = data_offset * 4)]
pub struct Tcp<'a> {
    /// Source port.
    #[field(default, name = "srcport")]
    pub src_port: Field<'a, u16>,
    /// Destination port.
    #[field(default, name = "dstport")]
    pub dst_port: Field<'a, u16>,
    /// Sequence number.
    #[field(name = "seq_raw")]
    pub seq_num: Field<'a, u32>,
    /// Acknowledgment number.
    #[field(name = "ack_raw")]
    pub ack_num: Field<'a, u32>,
    /// Data Offset: header length in 32-bit words (5..15).
    #[field(bits = 4, default, name = "hdr_len", scale = 4)]
    pub data_offset: Field<'a, u8>,
    /// Reserved bits (3) and the control bits (AE, CWR, ECE, URG, ACK,
    /// PSH, RST, SYN, FIN): see [`TcpFlags`] and [`TcpView::tcp_flags`].
    #[field(bits = 12, name = "flags", display = "hex")]
    pub flags: Field<'a, u16>,
    /// Window.
    #[field(name = "window_size_value")]
    pub window: Field<'a, u16>,
    /// Checksum.
    #[field(name = "checksum", display = "hex")]
    pub checksum: Field<'a, u16>,
    /// Urgent Pointer.
    #[field(name = "urgent_pointer")]
    pub urgent_ptr: Field<'a, u16>,
    /// Options (`data_offset * 4 - 20` bytes): walk them with [`TcpOptions`].
    #[field(len = data_offset * 4 - 20)]
    pub options: Field<'a, &'a [u8]>,
}

/// Length of a TCP header without options.
pub const MIN_HEADER_LEN: usize = 20;

/// One TCP option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// End of Option List (the walk stops after it).
    End,
    /// No-Operation.
    Nop,
    /// Maximum Segment Size.
    Mss(u16),
    /// Window scale shift count.
    WindowScale(u8),
    /// SACK permitted.
    SackPermitted,
    /// SACK blocks, 8 bytes each (left edge, right edge): see [`sack_blocks`].
    Sack(&'a [u8]),
    /// Timestamps: TSval and TSecr.
    Timestamps {
        /// Timestamp value.
        value: u32,
        /// Timestamp echo reply.
        echo: u32,
    },
    /// Any other kind (or a known kind with an unexpected length), raw.
    Unknown {
        /// The option kind.
        kind: u8,
        /// The data after kind and length.
        data: &'a [u8],
    },
}

/// The (left, right) edges of a SACK option's blocks.
pub fn sack_blocks(data: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    data.chunks_exact(8).map(|c| {
        let mut l = [0u8; 4];
        let mut r = [0u8; 4];
        l.copy_from_slice(&c[..4]);
        r.copy_from_slice(&c[4..]);
        (u32::from_be_bytes(l), u32::from_be_bytes(r))
    })
}

/// Iterator over TCP options. Stops after End of Option List; yields one
/// `Err` and stops on a length < 2 or past the options.
#[derive(Debug, Clone)]
pub struct TcpOptions<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> TcpOptions<'a> {
    /// Walks `options` (the bytes after the 20-byte fixed header).
    pub fn new(options: &'a [u8]) -> Self {
        TcpOptions {
            rest: options,
            offset: MIN_HEADER_LEN,
        }
    }
}

fn be16(b: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(b.try_into().ok()?))
}

fn be32(b: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(b.try_into().ok()?))
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = Result<TcpOption<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&kind, after) = self.rest.split_first()?;
        match kind {
            option_kind::EOL => {
                self.rest = &[];
                return Some(Ok(TcpOption::End));
            }
            option_kind::NOP => {
                self.rest = after;
                self.offset += 1;
                return Some(Ok(TcpOption::Nop));
            }
            _ => {}
        }
        let len = match after.first() {
            Some(&l) if usize::from(l) >= 2 && usize::from(l) <= self.rest.len() => usize::from(l),
            other => {
                let detail = match other {
                    Some(l) => format!(
                        "option {kind} has length {l}, {} bytes left",
                        self.rest.len()
                    ),
                    None => format!("option {kind} has no length byte"),
                };
                let err = Error::malformed("TCP", "options", self.offset, detail);
                self.rest = &[];
                return Some(Err(err));
            }
        };
        let data = self.rest.get(2..len).unwrap_or(&[]);
        self.rest = self.rest.get(len..).unwrap_or(&[]);
        self.offset += len;
        let opt = match (kind, data.len()) {
            (option_kind::MSS, 2) => be16(data).map(TcpOption::Mss),
            (option_kind::WINDOW_SCALE, 1) => data.first().copied().map(TcpOption::WindowScale),
            (option_kind::SACK_PERMITTED, 0) => Some(TcpOption::SackPermitted),
            (option_kind::SACK, n) if n % 8 == 0 => Some(TcpOption::Sack(data)),
            (option_kind::TIMESTAMPS, 8) => match (be32(&data[..4]), be32(&data[4..])) {
                (Some(value), Some(echo)) => Some(TcpOption::Timestamps { value, echo }),
                _ => None,
            },
            _ => None,
        };
        Some(Ok(opt.unwrap_or(TcpOption::Unknown { kind, data })))
    }
}

impl<'a> TcpView<'a> {
    /// The options, as an iterator.
    pub fn options_iter(&self) -> TcpOptions<'a> {
        TcpOptions::new(self.options())
    }

    /// The control bits (AE, CWR..FIN) of [`flags`](Self::flags).
    pub fn tcp_flags(&self) -> TcpFlags {
        TcpFlags::from_word(self.flags())
    }
}

impl fmt::Display for TcpView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TCP {} > {} seq={} ack={} flags=0x{:03x} win={}",
            self.src_port(),
            self.dst_port(),
            self.seq_num(),
            self.ack_num(),
            self.flags(),
            self.window()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_core::HeaderView;

    /// http.pcap frame 1: TCP SYN 3372 → 80 with MSS 1460, NOP, NOP,
    /// SACK permitted.
    const SYN: [u8; 28] = [
        0x0d, 0x2c, 0x00, 0x50, 0x38, 0xaf, 0xfe, 0x13, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0x22,
        0x38, 0xc3, 0x0c, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
    ];

    #[test]
    fn test_parse_syn() {
        let (tcp, rest) = Tcp::parse(&SYN, Tcp::ALL).unwrap();
        assert_eq!(tcp.src_port.value(), Some(&3372));
        assert_eq!(tcp.dst_port.value(), Some(&80));
        assert_eq!(tcp.seq_num.value(), Some(&0x38affe13));
        assert_eq!(tcp.ack_num.value(), Some(&0));
        assert_eq!(tcp.data_offset.value(), Some(&7));
        assert_eq!(tcp.flags.value(), Some(&TcpFlags::SYN.bits()));
        assert_eq!(Tcp::view(&SYN).unwrap().tcp_flags(), TcpFlags::SYN);
        assert_eq!(tcp.window.value(), Some(&8760));
        assert!(rest.is_empty());
        let v = Tcp::view(&SYN).unwrap();
        let opts: Vec<_> = v.options_iter().map(Result::unwrap).collect();
        assert_eq!(
            opts,
            [
                TcpOption::Mss(1460),
                TcpOption::Nop,
                TcpOption::Nop,
                TcpOption::SackPermitted
            ]
        );
        assert_eq!(v.header_len(), 28);
        assert_eq!(
            v.to_string(),
            "TCP 3372 > 80 seq=951057939 ack=0 flags=0x002 win=8760"
        );
    }

    #[test]
    fn test_truncated_at_every_length() {
        for len in 0..SYN.len() {
            assert!(
                Tcp::parse(&SYN[..len], Tcp::ALL)
                    .unwrap_err()
                    .is_truncated()
            );
            assert!(Tcp::view(&SYN[..len]).is_err());
        }
    }

    #[test]
    fn test_small_data_offset() {
        let mut b = SYN;
        b[12] = 0x40;
        assert!(matches!(
            Tcp::parse(&b, Tcp::NONE).unwrap_err(),
            Error::InvalidLength { .. }
        ));
    }

    #[test]
    fn test_timestamps_sack_wscale_unknown() {
        let opts = [
            8, 10, 0, 0, 0, 1, 0, 0, 0, 2, // timestamps
            3, 3, 7, // window scale 7
            5, 10, 0, 0, 0, 1, 0, 0, 0, 9, // SACK 1..9
            30, 4, 0xab, 0xcd, // MPTCP, kept raw
            2, 3, 1, // MSS with a wrong length: raw
        ];
        let got: Vec<_> = TcpOptions::new(&opts).map(Result::unwrap).collect();
        assert_eq!(got[0], TcpOption::Timestamps { value: 1, echo: 2 });
        assert_eq!(got[1], TcpOption::WindowScale(7));
        let TcpOption::Sack(blocks) = got[2] else {
            panic!("{:?}", got[2])
        };
        assert_eq!(sack_blocks(blocks).collect::<Vec<_>>(), [(1, 9)]);
        assert_eq!(
            got[3],
            TcpOption::Unknown {
                kind: 30,
                data: &[0xab, 0xcd]
            }
        );
        assert_eq!(
            got[4],
            TcpOption::Unknown {
                kind: 2,
                data: &[1]
            }
        );
    }

    #[test]
    fn test_malformed_option_lengths() {
        for bad in [&[2u8][..], &[2, 0], &[2, 1, 0, 0], &[8, 40, 0]] {
            let mut it = TcpOptions::new(bad);
            assert!(it.next().unwrap().is_err(), "{bad:?}");
            assert!(it.next().is_none());
        }
    }
}
