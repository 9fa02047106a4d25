//! Synthetic captures, built in memory, so that tests and benchmarks never
//! need external files.
//!
//! * [`PcapBuilder`]: classic pcap in all four variants (either byte order,
//!   micro- or nanoseconds) and the "modified" format, with helpers to
//!   forge damaged files (a record header that lies about its length, raw
//!   trailing bytes).
//! * [`PcapngBuilder`]: pcapng with several sections of either byte order,
//!   several interfaces (any `if_tsresol`, `if_tsoffset`), EPB, SPB,
//!   obsolete PB and arbitrary other blocks.
//! * [`traffic`]: a deterministic stream of realistic Ethernet/IPv4/TCP and
//!   UDP packets over many flows, from a seed (no `rand` needed), and
//!   [`write_traffic_pcap`] to store it.
//!
//! Every builder remembers the byte offset of each packet record it wrote
//! ([`PcapBuilder::offsets`], [`PcapngBuilder::offsets`]), which is what a
//! reader must report.
//!
//! ```
//! use pcap_core::capture::{synth::PcapngBuilder, CaptureReader, LinkType, Timestamp};
//! use pcap_core::Endian;
//!
//! let mut b = PcapngBuilder::new(Endian::Little);
//! b.interface(LinkType::ETHERNET, 0)
//!     .epb(0, Timestamp::new(10, 500), 4, b"abcd")
//!     .section(Endian::Big)
//!     .interface_with(LinkType::RAW, 0, Some(9), Some(-10))
//!     .epb(0, Timestamp::new(10, 123_456_789), 2, b"xy");
//! let offsets = b.offsets().to_vec();
//! let mut r = CaptureReader::from_bytes(b.build(), "synth.pcapng")?;
//! let first = r.next_record()?.unwrap();
//! assert_eq!((first.offset, first.ts), (offsets[0], Timestamp::new(10, 0)));
//! let second = r.next_record()?.unwrap();
//! assert_eq!((second.offset, second.ts), (offsets[1], Timestamp::new(10, 123_456_789)));
//! assert_eq!(second.linktype, LinkType::RAW);
//! # Ok::<(), pcap_core::Error>(())
//! ```

use std::io::{self, Write};

use crate::endian::Endian;
use crate::vocab::{EtherType, IpProto, TcpFlags};

use super::headers::{
    BT_EPB, BT_IDB, BT_PB, BT_SHB, BT_SPB, IF_TSOFFSET, IF_TSRESOL, PCAP_FILE_HEADER_LEN,
    PacketFields, PcapEncoding, PcapHeader, PcapRecordHeader, encode, encode_pcap_header,
    encode_pcap_record,
};
use super::linktype::LinkType;
use super::timestamp::{Precision, Timestamp, TsResolution};
use super::writer::{PcapWriter, WriterConfig};

/// Builds a classic pcap file in memory.
#[derive(Debug, Clone)]
pub struct PcapBuilder {
    header: PcapHeader,
    /// Records after the file header.
    body: Vec<u8>,
    offsets: Vec<u64>,
}

impl PcapBuilder {
    /// A pcap file (version 2.4, Ethernet, snaplen 65535) in this byte order
    /// and precision.
    pub fn new(endian: Endian, precision: Precision) -> PcapBuilder {
        PcapBuilder {
            header: PcapHeader {
                encoding: PcapEncoding { endian, precision },
                modified: false,
                version_major: 2,
                version_minor: 4,
                thiszone: 0,
                sigfigs: 0,
                snaplen: 65535,
                linktype_field: u32::from(LinkType::ETHERNET.0),
            },
            body: Vec::new(),
            offsets: Vec::new(),
        }
    }

    /// A file in the "modified" format (magic `a1b2cd34`, microseconds,
    /// 24-byte record headers).
    pub fn modified(endian: Endian) -> PcapBuilder {
        let mut b = PcapBuilder::new(endian, Precision::Micro);
        b.header.modified = true;
        b
    }

    /// Sets the link type (the whole 32-bit field: see [`Self::linktype_field`]).
    pub fn linktype(&mut self, linktype: LinkType) -> &mut Self {
        self.header.linktype_field = u32::from(linktype.0);
        self
    }

    /// Sets the raw link-type field, reserved high bits included.
    pub fn linktype_field(&mut self, field: u32) -> &mut Self {
        self.header.linktype_field = field;
        self
    }

    /// Sets the snaplen in the file header.
    pub fn snaplen(&mut self, snaplen: u32) -> &mut Self {
        self.header.snaplen = snaplen;
        self
    }

    /// Sets the version in the file header (readers accept only 2.x).
    pub fn version(&mut self, major: u16, minor: u16) -> &mut Self {
        self.header.version_major = major;
        self.header.version_minor = minor;
        self
    }

    /// Appends a record of `data` (its captured length) that was `origlen`
    /// bytes on the wire. Seconds are stored as unsigned 32 bits.
    pub fn record(&mut self, ts: Timestamp, origlen: u32, data: &[u8]) -> &mut Self {
        self.record_claiming(ts, data.len() as u32, origlen, data)
    }

    /// Appends a record whose header claims `caplen` captured bytes,
    /// followed by `data` whatever its length: for forging damaged files.
    pub fn record_claiming(
        &mut self,
        ts: Timestamp,
        caplen: u32,
        origlen: u32,
        data: &[u8],
    ) -> &mut Self {
        self.offsets
            .push((PCAP_FILE_HEADER_LEN + self.body.len()) as u64);
        let endian = self.header.encoding.endian;
        self.body.extend_from_slice(&encode_pcap_record(
            endian,
            PcapRecordHeader {
                ts_sec: ts.secs as u32,
                ts_frac: self.header.encoding.precision.fraction(ts),
                caplen,
                origlen,
            },
        ));
        if self.header.modified {
            self.body
                .extend_from_slice(&encode::modified_extra(endian, 2, 0x0800, 0));
        }
        self.body.extend_from_slice(data);
        self
    }

    /// Appends raw bytes after the records (a cut record, garbage).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.body.extend_from_slice(bytes);
        self
    }

    /// The offset of each record appended with [`Self::record`] or
    /// [`Self::record_claiming`].
    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// The file header this builder writes.
    pub fn header(&self) -> &PcapHeader {
        &self.header
    }

    /// The whole file.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PCAP_FILE_HEADER_LEN + self.body.len());
        out.extend_from_slice(&encode_pcap_header(&self.header));
        out.extend_from_slice(&self.body);
        out
    }
}

/// Option code of `shb_userappl`, written in every SHB this builder makes.
const SHB_USERAPPL: u16 = 4;
/// Option code of `if_name`.
const IF_NAME: u16 = 2;
/// Option code of `epb_flags`.
const EPB_FLAGS: u16 = 2;

/// Builds a pcapng file in memory, block by block.
#[derive(Debug, Clone)]
pub struct PcapngBuilder {
    buf: Vec<u8>,
    endian: Endian,
    /// Resolution and offset of each interface of the current section.
    interfaces: Vec<(TsResolution, i64)>,
    offsets: Vec<u64>,
    packet_options: bool,
}

impl PcapngBuilder {
    /// A file whose first section has this byte order (version 1.0, with
    /// an `shb_userappl` option).
    pub fn new(endian: Endian) -> PcapngBuilder {
        let mut b = PcapngBuilder {
            buf: Vec::new(),
            endian,
            interfaces: Vec::new(),
            offsets: Vec::new(),
            packet_options: false,
        };
        b.section(endian);
        b
    }

    /// Starts a new section (SHB) in this byte order; interfaces start over.
    pub fn section(&mut self, endian: Endian) -> &mut Self {
        self.section_version(endian, 1, 0)
    }

    /// Starts a new section with a given version (readers accept 1.0).
    pub fn section_version(&mut self, endian: Endian, major: u16, minor: u16) -> &mut Self {
        self.endian = endian;
        self.interfaces.clear();
        let mut body = encode::shb_body(endian, major, minor);
        encode::option(&mut body, endian, SHB_USERAPPL, b"pcap-core synth");
        encode::end_of_options(&mut body, endian);
        encode::block(&mut self.buf, endian, BT_SHB, &body);
        self
    }

    /// Adds an interface with microsecond timestamps and no offset.
    pub fn interface(&mut self, linktype: LinkType, snaplen: u32) -> &mut Self {
        self.interface_with(linktype, snaplen, None, None)
    }

    /// Adds an interface with an `if_tsresol` byte (high bit: power of 2)
    /// and an `if_tsoffset` in seconds, each written only if given. An
    /// unrepresentable resolution is written as given, but the builder
    /// then counts in microseconds.
    pub fn interface_with(
        &mut self,
        linktype: LinkType,
        snaplen: u32,
        tsresol: Option<u8>,
        tsoffset: Option<i64>,
    ) -> &mut Self {
        let e = self.endian;
        let mut body = encode::idb_body(e, linktype.0, snaplen);
        encode::option(&mut body, e, IF_NAME, b"synth0");
        if let Some(raw) = tsresol {
            encode::option(&mut body, e, IF_TSRESOL, &[raw]);
        }
        if let Some(off) = tsoffset {
            encode::option(&mut body, e, IF_TSOFFSET, &encode::u64_value(e, off as u64));
        }
        encode::end_of_options(&mut body, e);
        encode::block(&mut self.buf, e, BT_IDB, &body);
        let res = tsresol
            .and_then(TsResolution::from_option)
            .unwrap_or_default();
        self.interfaces.push((res, tsoffset.unwrap_or(0)));
        self
    }

    /// Whether packet blocks get an `epb_flags` option after their data
    /// (readers must skip it).
    pub fn packet_options(&mut self, on: bool) -> &mut Self {
        self.packet_options = on;
        self
    }

    /// The timestamp of `ts` in the units of `interface` (0 if `ts` is
    /// before that interface's offset epoch or the interface is unknown).
    fn units(&self, interface: u32, ts: Timestamp) -> u64 {
        let (res, offset) = self
            .interfaces
            .get(interface as usize)
            .copied()
            .unwrap_or_default();
        res.to_units(ts.add_secs(offset.saturating_neg()))
            .unwrap_or(0)
    }

    fn packet_block(&mut self, block_type: u32, fixed: Vec<u8>, data: &[u8]) -> &mut Self {
        self.offsets.push(self.buf.len() as u64);
        let e = self.endian;
        let mut body = fixed;
        body.extend_from_slice(data);
        body.resize(body.len().next_multiple_of(4), 0);
        if self.packet_options && block_type != BT_SPB {
            encode::option(&mut body, e, EPB_FLAGS, &encode::u32_value(e, 1));
            encode::end_of_options(&mut body, e);
        }
        encode::block(&mut self.buf, e, block_type, &body);
        self
    }

    /// Adds an Enhanced Packet Block. The timestamp is stored in the
    /// interface's resolution (rounded down) after removing its offset.
    pub fn epb(&mut self, interface: u32, ts: Timestamp, origlen: u32, data: &[u8]) -> &mut Self {
        let fields = PacketFields {
            interface,
            ts_units: self.units(interface, ts),
            caplen: data.len() as u32,
            origlen,
        };
        self.packet_block(BT_EPB, encode::epb_fixed(self.endian, fields), data)
    }

    /// Adds an EPB whose fixed fields are given as is (for forging damaged
    /// blocks: a caplen beyond the block, an unknown interface).
    pub fn epb_raw(
        &mut self,
        interface: u32,
        ts_units: u64,
        caplen: u32,
        origlen: u32,
        data: &[u8],
    ) -> &mut Self {
        let fields = PacketFields {
            interface,
            ts_units,
            caplen,
            origlen,
        };
        self.packet_block(BT_EPB, encode::epb_fixed(self.endian, fields), data)
    }

    /// Adds an obsolete Packet Block (type 2).
    pub fn pb(&mut self, interface: u16, ts: Timestamp, origlen: u32, data: &[u8]) -> &mut Self {
        let fields = PacketFields {
            interface: u32::from(interface),
            ts_units: self.units(u32::from(interface), ts),
            caplen: data.len() as u32,
            origlen,
        };
        self.packet_block(BT_PB, encode::pb_fixed(self.endian, fields), data)
    }

    /// Adds a Simple Packet Block (no timestamp, interface 0). A reader
    /// takes its captured length as min(origlen, snaplen of interface 0,
    /// the data stored), so store `data` already cut.
    pub fn spb(&mut self, origlen: u32, data: &[u8]) -> &mut Self {
        self.packet_block(BT_SPB, encode::u32_value(self.endian, origlen), data)
    }

    /// Adds any other block (ISB, NRB, custom, unknown) with this body,
    /// padded to 4 bytes. Readers skip it.
    pub fn block(&mut self, block_type: u32, body: &[u8]) -> &mut Self {
        encode::block(&mut self.buf, self.endian, block_type, body);
        self
    }

    /// Appends raw bytes (a damaged block, garbage).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(bytes);
        self
    }

    /// The offset of each packet block (EPB, SPB, PB) added.
    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// The whole file.
    pub fn build(&self) -> Vec<u8> {
        self.buf.clone()
    }
}

/// A generated packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthPacket {
    /// Capture time (whole microseconds, so every precision stores it exactly).
    pub ts: Timestamp,
    /// Length on the wire (the whole packet is captured).
    pub origlen: u32,
    /// Ethernet frame bytes.
    pub data: Vec<u8>,
}

/// Parameters of [`traffic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrafficSpec {
    /// Seed: the same seed gives the same packets.
    pub seed: u64,
    /// Number of packets.
    pub packets: u64,
    /// Number of concurrent flows (at least 1).
    pub flows: u32,
    /// Time of the first packet.
    pub start: Timestamp,
}

impl Default for TrafficSpec {
    /// 10 000 packets over 100 flows, seed 1, starting 2023-11-14.
    fn default() -> Self {
        TrafficSpec {
            seed: 1,
            packets: 10_000,
            flows: 100,
            start: Timestamp::new(1_700_000_000, 0),
        }
    }
}

/// SplitMix64: tiny, fast, and good enough to make test traffic varied.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone)]
struct Flow {
    client: [u8; 4],
    server: [u8; 4],
    client_port: u16,
    server_port: u16,
    tcp: bool,
    /// Packets sent so far (TCP: 0 = SYN, 1 = SYN-ACK, 2 = ACK).
    sent: u64,
    client_seq: u32,
    server_seq: u32,
}

/// An endless-looking, deterministic stream of Ethernet/IPv4 packets: TCP
/// flows (handshake, then data both ways, ~80%) and UDP flows (DNS-sized
/// datagrams) between 10.0.0.0/8 clients and documentation-range servers.
#[derive(Debug, Clone)]
pub struct Traffic {
    rng: SplitMix64,
    flows: Vec<Flow>,
    remaining: u64,
    ts: Timestamp,
    ip_id: u16,
}

/// The packets described by `spec`.
pub fn traffic(spec: TrafficSpec) -> Traffic {
    let mut rng = SplitMix64(spec.seed);
    let flows = (0..spec.flows.max(1))
        .map(|i| {
            let r = rng.next();
            let tcp = r % 5 >= 1;
            Flow {
                client: [10, (i >> 16) as u8, (i >> 8) as u8, i as u8],
                server: if r & 0x100 == 0 {
                    [192, 0, 2, (r >> 16) as u8]
                } else {
                    [198, 51, 100, (r >> 16) as u8]
                },
                client_port: 1024 + (r >> 24) as u16 % 60000,
                server_port: if tcp {
                    [80, 443, 8080, 22][(r >> 40) as usize % 4]
                } else {
                    53
                },
                tcp,
                sent: 0,
                client_seq: (r >> 32) as u32,
                server_seq: r as u32,
            }
        })
        .collect();
    Traffic {
        rng,
        flows,
        remaining: spec.packets,
        ts: spec.start,
        ip_id: 1,
    }
}

impl Iterator for Traffic {
    type Item = SynthPacket;

    fn next(&mut self) -> Option<SynthPacket> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        self.ts = Timestamp::from_nanos(
            self.ts.as_nanos() + i128::from(1 + self.rng.below(2_000)) * 1_000,
        );
        let pick = self.rng.below(self.flows.len() as u64) as usize;
        let size_roll = self.rng.below(100);
        let dir_roll = self.rng.next();
        let ip_id = self.ip_id;
        self.ip_id = self.ip_id.wrapping_add(1);
        let flow = &mut self.flows[pick];
        let n = flow.sent;
        flow.sent += 1;
        // Direction and payload: handshake first, then a mix of full-size
        // segments, small requests and bare ACKs, like web traffic.
        let (to_server, payload_len, flags) = if flow.tcp {
            match n {
                0 => (true, 0, TcpFlags::SYN),
                1 => (false, 0, TcpFlags::SYN | TcpFlags::ACK),
                2 => (true, 0, TcpFlags::ACK),
                _ => {
                    let to_server = dir_roll % 3 < 1;
                    let len = match size_roll {
                        0..=39 => 1460,
                        40..=69 => 0,
                        _ => 1 + (dir_roll >> 8) as usize % 600,
                    };
                    let flags = if len == 0 {
                        TcpFlags::ACK
                    } else {
                        TcpFlags::ACK | TcpFlags::PSH
                    };
                    (to_server, len, flags)
                }
            }
        } else {
            (
                n & 1 == 0,
                20 + (dir_roll >> 8) as usize % 480,
                TcpFlags::empty(),
            )
        };
        let data = build_frame(flow, to_server, payload_len, flags, ip_id, dir_roll as u8);
        if flow.tcp && n >= 1 {
            let sent = payload_len as u32 + u32::from(n == 1);
            if to_server {
                flow.client_seq = flow.client_seq.wrapping_add(sent);
            } else {
                flow.server_seq = flow.server_seq.wrapping_add(sent);
            }
        } else if flow.tcp {
            flow.client_seq = flow.client_seq.wrapping_add(1); // SYN
        }
        Some(SynthPacket {
            ts: self.ts,
            origlen: data.len() as u32,
            data,
        })
    }
}

/// A raw IPv4 frame (link type 101, no link header): a TCP segment with
/// PSH|ACK from 10.0.0.1:40000 to 10.0.0.2:`dport` carrying `payload`
/// (sequence and acknowledgment numbers 1, checksums 0). For tests of
/// what a dissector makes of a payload on a port.
pub fn raw_ipv4_tcp(dport: u16, payload: &[u8]) -> Vec<u8> {
    let total = u16::try_from(40 + payload.len()).unwrap_or(u16::MAX);
    let mut f = vec![
        0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    f[2..4].copy_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&40000u16.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// Ethernet + IPv4 (+ TCP or UDP) + payload, with a valid IPv4 checksum.
fn build_frame(
    flow: &Flow,
    to_server: bool,
    payload_len: usize,
    tcp_flags: TcpFlags,
    ip_id: u16,
    fill: u8,
) -> Vec<u8> {
    let (src, dst, sport, dport) = if to_server {
        (flow.client, flow.server, flow.client_port, flow.server_port)
    } else {
        (flow.server, flow.client, flow.server_port, flow.client_port)
    };
    let l4_len = if flow.tcp { 20 } else { 8 };
    let ip_len = 20 + l4_len + payload_len;
    let mut f = Vec::with_capacity(14 + ip_len);
    // Ethernet: locally administered MACs derived from the addresses.
    f.extend_from_slice(&[0x02, 0x00, dst[0], dst[1], dst[2], dst[3]]);
    f.extend_from_slice(&[0x02, 0x00, src[0], src[1], src[2], src[3]]);
    f.extend_from_slice(&EtherType::IPV4.0.to_be_bytes());
    // IPv4, DF set, TTL 64.
    let ip_start = f.len();
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&(ip_len as u16).to_be_bytes());
    f.extend_from_slice(&ip_id.to_be_bytes());
    let proto = if flow.tcp { IpProto::TCP } else { IpProto::UDP };
    f.extend_from_slice(&[0x40, 0, 64, proto.0, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    let sum = ipv4_checksum(&f[ip_start..]);
    f[ip_start + 10..ip_start + 12].copy_from_slice(&sum.to_be_bytes());
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    if flow.tcp {
        let (seq, ack) = if to_server {
            (flow.client_seq, flow.server_seq)
        } else {
            (flow.server_seq, flow.client_seq)
        };
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&(if tcp_flags == TcpFlags::SYN { 0 } else { ack }).to_be_bytes());
        f.extend_from_slice(&(0x5000 | tcp_flags.bits()).to_be_bytes());
        f.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0]); // window, checksum, urgent
    } else {
        f.extend_from_slice(&((8 + payload_len) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
    }
    f.resize(f.len() + payload_len, fill);
    f
}

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Writes the packets of `spec` as a classic pcap file; returns the bytes written.
pub fn write_traffic_pcap<W: Write>(
    out: W,
    spec: TrafficSpec,
    encoding: PcapEncoding,
) -> io::Result<u64> {
    let mut w = PcapWriter::new(
        out,
        WriterConfig {
            encoding,
            ..WriterConfig::default()
        },
    )?;
    for p in traffic(spec) {
        w.write_record(p.ts, p.origlen, &p.data)?;
    }
    let written = w.position();
    w.into_inner()?;
    Ok(written)
}

/// The packets of `spec` as a classic pcap file in memory.
pub fn traffic_pcap(spec: TrafficSpec, encoding: PcapEncoding) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and generated timestamps are in range.
    let _ = write_traffic_pcap(&mut out, spec, encoding);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traffic_is_deterministic_and_well_formed() {
        let spec = TrafficSpec {
            packets: 500,
            ..TrafficSpec::default()
        };
        let a: Vec<_> = traffic(spec).collect();
        let b: Vec<_> = traffic(spec).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 500);
        for p in &a {
            assert_eq!(p.data.len(), p.origlen as usize);
            assert_eq!(&p.data[12..14], &[0x08, 0x00]);
            let total = u16::from_be_bytes([p.data[16], p.data[17]]) as usize;
            assert_eq!(total + 14, p.data.len());
            assert_eq!(ipv4_checksum(&p.data[14..34]), 0, "checksum verifies");
            assert_eq!(p.ts.nanos % 1000, 0);
        }
        assert!(a.windows(2).all(|w| w[0].ts < w[1].ts));
        let other: Vec<_> = traffic(TrafficSpec { seed: 2, ..spec }).collect();
        assert_ne!(a, other);
    }
}
