//! The derive's hot path against a hand-written parser of the same header.
//!
//! An IPv4-shaped schema (bit fields, whole-byte fields, addresses, options
//! sized by `ihl`) is parsed with `DEFAULT` (ihl, protocol, addresses) and
//! with `ALL`, through the lazy view, and skipped with `header_len`; each
//! against a smoltcp-style hand-written equivalent doing the same work.
//! Run: `cargo bench -p pcap-core --bench derive`.

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_core::{Field, Header};

#[derive(Header, Debug, Clone)]
#[header(len = ihl * 4)]
pub struct Ipv4<'a> {
    #[field(bits = 4)]
    pub version: Field<'a, u8>,
    #[field(bits = 4, default)]
    pub ihl: Field<'a, u8>,
    #[field(bits = 6)]
    pub dscp: Field<'a, u8>,
    #[field(bits = 2)]
    pub ecn: Field<'a, u8>,
    pub total_len: Field<'a, u16>,
    pub ident: Field<'a, u16>,
    #[field(bits = 1)]
    pub reserved: Field<'a, bool>,
    #[field(bits = 1)]
    pub dont_frag: Field<'a, bool>,
    #[field(bits = 1)]
    pub more_frags: Field<'a, bool>,
    #[field(bits = 13)]
    pub frag_offset: Field<'a, u16>,
    pub ttl: Field<'a, u8>,
    #[field(default)]
    pub protocol: Field<'a, u8>,
    pub checksum: Field<'a, u16>,
    #[field(default)]
    pub src: Field<'a, Ipv4Addr>,
    #[field(default)]
    pub dst: Field<'a, Ipv4Addr>,
    #[field(len = ihl * 4 - 20)]
    pub options: Field<'a, &'a [u8]>,
}

/// The hand-written reference, in the style of smoltcp's `wire`: a checked
/// constructor, then accessors reading at constant offsets.
mod hand {
    use std::net::Ipv4Addr;

    pub struct Packet<'a>(&'a [u8]);

    #[derive(Debug)]
    pub enum Error {
        Truncated,
        BadIhl,
    }

    impl<'a> Packet<'a> {
        #[inline]
        pub fn new_checked(b: &'a [u8]) -> Result<Self, Error> {
            if b.len() < 20 {
                return Err(Error::Truncated);
            }
            let hl = usize::from(b[0] & 0x0f) * 4;
            if hl < 20 {
                return Err(Error::BadIhl);
            }
            if b.len() < hl {
                return Err(Error::Truncated);
            }
            Ok(Packet(b))
        }
        #[inline]
        pub fn version(&self) -> u8 {
            self.0[0] >> 4
        }
        #[inline]
        pub fn header_len(&self) -> usize {
            usize::from(self.0[0] & 0x0f) * 4
        }
        #[inline]
        pub fn dscp(&self) -> u8 {
            self.0[1] >> 2
        }
        #[inline]
        pub fn ecn(&self) -> u8 {
            self.0[1] & 3
        }
        #[inline]
        pub fn total_len(&self) -> u16 {
            u16::from_be_bytes([self.0[2], self.0[3]])
        }
        #[inline]
        pub fn ident(&self) -> u16 {
            u16::from_be_bytes([self.0[4], self.0[5]])
        }
        #[inline]
        pub fn flags_frag(&self) -> u16 {
            u16::from_be_bytes([self.0[6], self.0[7]])
        }
        #[inline]
        pub fn ttl(&self) -> u8 {
            self.0[8]
        }
        #[inline]
        pub fn protocol(&self) -> u8 {
            self.0[9]
        }
        #[inline]
        pub fn checksum(&self) -> u16 {
            u16::from_be_bytes([self.0[10], self.0[11]])
        }
        #[inline]
        pub fn src(&self) -> Ipv4Addr {
            Ipv4Addr::new(self.0[12], self.0[13], self.0[14], self.0[15])
        }
        #[inline]
        pub fn dst(&self) -> Ipv4Addr {
            Ipv4Addr::new(self.0[16], self.0[17], self.0[18], self.0[19])
        }
        #[inline]
        pub fn options(&self) -> &'a [u8] {
            &self.0[20..self.header_len()]
        }
        #[inline]
        pub fn payload(&self) -> &'a [u8] {
            &self.0[self.header_len()..]
        }
    }

    /// Every field decoded, as `ALL` does.
    #[derive(Debug, Clone)]
    #[allow(dead_code)] // read through `black_box` only
    pub struct Repr<'a> {
        pub version: u8,
        pub ihl: u8,
        pub dscp: u8,
        pub ecn: u8,
        pub total_len: u16,
        pub ident: u16,
        pub reserved: bool,
        pub dont_frag: bool,
        pub more_frags: bool,
        pub frag_offset: u16,
        pub ttl: u8,
        pub protocol: u8,
        pub checksum: u16,
        pub src: Ipv4Addr,
        pub dst: Ipv4Addr,
        pub options: &'a [u8],
    }

    #[inline]
    pub fn parse_all(b: &[u8]) -> Result<(Repr<'_>, &[u8]), Error> {
        let p = Packet::new_checked(b)?;
        let ff = p.flags_frag();
        Ok((
            Repr {
                version: p.version(),
                ihl: (p.header_len() / 4) as u8,
                dscp: p.dscp(),
                ecn: p.ecn(),
                total_len: p.total_len(),
                ident: p.ident(),
                reserved: ff & 0x8000 != 0,
                dont_frag: ff & 0x4000 != 0,
                more_frags: ff & 0x2000 != 0,
                frag_offset: ff & 0x1fff,
                ttl: p.ttl(),
                protocol: p.protocol(),
                checksum: p.checksum(),
                src: p.src(),
                dst: p.dst(),
                options: p.options(),
            },
            p.payload(),
        ))
    }
}

/// 1024 headers with varied addresses, protocols and option lengths.
fn headers() -> Vec<Vec<u8>> {
    (0..1024u32)
        .map(|i| {
            let opt_words = (i % 3) as u8; // 0, 4 or 8 bytes of options
            let ihl = 5 + opt_words;
            let mut b = vec![
                0x40 | ihl,
                0,
                0,
                60,
                (i >> 8) as u8,
                i as u8,
                0x40,
                0,
                64,
                [6, 17, 1][i as usize % 3],
                0,
                0,
            ];
            b.extend_from_slice(&(0x0a00_0000 | i).to_be_bytes());
            b.extend_from_slice(&(0xc0a8_0000 | (i * 7)).to_be_bytes());
            b.extend(std::iter::repeat_n(1u8, usize::from(opt_words) * 4));
            b.extend_from_slice(&[0u8; 20]); // payload
            b
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let pkts = headers();
    let mut g = c.benchmark_group("ipv4_header");
    g.throughput(Throughput::Elements(pkts.len() as u64));

    g.bench_function("derive_parse_default", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for p in &pkts {
                let (h, rest) = Ipv4::parse(black_box(p), Ipv4::DEFAULT).unwrap();
                acc += u64::from(*h.protocol.value().unwrap())
                    + u64::from(h.src.value().unwrap().to_bits())
                    + rest.len() as u64;
                acc ^= u64::from(h.dst.value().unwrap().to_bits());
            }
            acc
        })
    });
    g.bench_function("hand_parse_default", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for p in &pkts {
                let h = hand::Packet::new_checked(black_box(p)).unwrap();
                acc += u64::from(h.protocol())
                    + u64::from(h.src().to_bits())
                    + h.payload().len() as u64;
                acc ^= u64::from(h.dst().to_bits());
            }
            acc
        })
    });
    g.bench_function("derive_parse_all", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for p in &pkts {
                let r = Ipv4::parse(black_box(p), Ipv4::ALL).unwrap();
                n += black_box(&r).1.len();
            }
            n
        })
    });
    g.bench_function("hand_parse_all", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for p in &pkts {
                let r = hand::parse_all(black_box(p)).unwrap();
                n += black_box(&r).1.len();
            }
            n
        })
    });
    // The same, using the fields rather than handing the whole struct to
    // `black_box`: what a caller reading its values sees.
    g.bench_function("derive_parse_all_use", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for p in &pkts {
                let (h, rest) = Ipv4::parse(black_box(p), Ipv4::ALL).unwrap();
                acc +=
                    u64::from(*h.ttl.value().unwrap()) + u64::from(*h.total_len.value().unwrap());
                acc += u64::from(*h.frag_offset.value().unwrap())
                    + u64::from(*h.dont_frag.value().unwrap());
                acc ^= u64::from(h.src.value().unwrap().to_bits())
                    + h.options.value().unwrap().len() as u64;
                acc += rest.len() as u64;
            }
            acc
        })
    });
    g.bench_function("hand_parse_all_use", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for p in &pkts {
                let (h, rest) = hand::parse_all(black_box(p)).unwrap();
                acc += u64::from(h.ttl) + u64::from(h.total_len);
                acc += u64::from(h.frag_offset) + u64::from(h.dont_frag);
                acc ^= u64::from(h.src.to_bits()) + h.options.len() as u64;
                acc += rest.len() as u64;
            }
            acc
        })
    });
    g.bench_function("derive_view_default", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for p in &pkts {
                let v = Ipv4::view(black_box(p)).unwrap();
                acc += u64::from(v.protocol())
                    + u64::from(v.src().to_bits())
                    + v.options().len() as u64;
                acc ^= u64::from(v.dst().to_bits());
            }
            acc
        })
    });
    g.bench_function("hand_view_default", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for p in &pkts {
                let v = hand::Packet::new_checked(black_box(p)).unwrap();
                acc += u64::from(v.protocol())
                    + u64::from(v.src().to_bits())
                    + v.options().len() as u64;
                acc ^= u64::from(v.dst().to_bits());
            }
            acc
        })
    });
    g.bench_function("derive_header_len", |b| {
        b.iter(|| {
            pkts.iter()
                .map(|p| Ipv4::header_len(black_box(p)).unwrap())
                .sum::<usize>()
        })
    });
    g.bench_function("hand_header_len", |b| {
        b.iter(|| {
            pkts.iter()
                .map(|p| {
                    hand::Packet::new_checked(black_box(p))
                        .unwrap()
                        .header_len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
