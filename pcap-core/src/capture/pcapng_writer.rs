//! [`PcapngWriter`]: writes pcapng files (one section, this machine's byte
//! order) to any [`Write`].
//!
//! Unlike classic pcap, a pcapng file can hold packets of several link
//! types and timestamp precisions: each distinct (link type, precision)
//! gets an Interface Description Block the first time a packet needs it
//! ([`PcapngWriter::interface`]), and every packet is an Enhanced Packet
//! Block carrying its timestamp, captured and original lengths and bytes.
//! Carving a session that crossed interfaces of different link types is
//! only possible this way.

use std::io::{self, Write};

use crate::endian::Endian;

use super::headers::{BT_EPB, BT_IDB, BT_SHB, IF_TSRESOL, PacketFields, encode};
use super::linktype::LinkType;
use super::timestamp::{Precision, Timestamp, TsResolution};

/// Writes a pcapng file: a Section Header Block at creation, then
/// Interface Description Blocks as needed and Enhanced Packet Blocks.
#[derive(Debug)]
pub struct PcapngWriter<W: Write> {
    out: W,
    endian: Endian,
    /// The interfaces described so far, in id order.
    interfaces: Vec<(LinkType, Precision)>,
    /// Bytes written so far: the offset of the next block.
    position: u64,
    /// Reused for each block, so writing a packet does not allocate.
    block: Vec<u8>,
}

impl<W: Write> PcapngWriter<W> {
    /// Writes the Section Header Block (version 1.0, section length
    /// unknown, in this machine's byte order) and returns the writer.
    pub fn new(out: W) -> io::Result<PcapngWriter<W>> {
        let mut w = PcapngWriter {
            out,
            endian: Endian::NATIVE,
            interfaces: Vec::new(),
            position: 0,
            block: Vec::new(),
        };
        let mut body = encode::shb_body(w.endian, 1, 0);
        encode::end_of_options(&mut body, w.endian);
        w.write_block(BT_SHB, &body)?;
        Ok(w)
    }

    /// The id of the interface for packets of this link type and
    /// precision, writing its Interface Description Block (snaplen 0: no
    /// limit; `if_tsresol` 9 for nanoseconds) the first time.
    pub fn interface(&mut self, linktype: LinkType, precision: Precision) -> io::Result<u32> {
        if let Some(i) = self
            .interfaces
            .iter()
            .position(|&x| x == (linktype, precision))
        {
            return Ok(i as u32);
        }
        let id = u32::try_from(self.interfaces.len())
            .map_err(|_| invalid("too many interfaces".to_string()))?;
        let mut body = encode::idb_body(self.endian, linktype.0, 0);
        if precision == Precision::Nano {
            encode::option(&mut body, self.endian, IF_TSRESOL, &[9]);
        }
        encode::end_of_options(&mut body, self.endian);
        self.write_block(BT_IDB, &body)?;
        self.interfaces.push((linktype, precision));
        Ok(id)
    }

    /// Writes one packet as an Enhanced Packet Block on `interface` (an id
    /// from [`PcapngWriter::interface`]); returns the block's offset.
    ///
    /// The timestamp must not be before the epoch (pcapng stores an
    /// unsigned count of units); a microsecond interface drops the last
    /// three digits of the nanoseconds.
    pub fn write_packet(
        &mut self,
        interface: u32,
        ts: Timestamp,
        origlen: u32,
        data: &[u8],
    ) -> io::Result<u64> {
        let Some(&(_, precision)) = self.interfaces.get(interface as usize) else {
            return Err(invalid(format!("no interface {interface} was described")));
        };
        let resolution = match precision {
            Precision::Micro => TsResolution::MICROS,
            Precision::Nano => TsResolution::NANOS,
        };
        let ts = Timestamp::new(ts.secs, ts.nanos);
        let ts_units = resolution
            .to_units(ts)
            .ok_or_else(|| invalid(format!("timestamp {ts} is before the epoch")))?;
        let caplen = u32::try_from(data.len())
            .ok()
            .filter(|&n| n <= u32::MAX - 64)
            .ok_or_else(|| invalid(format!("packet of {} bytes is too long", data.len())))?;
        let fields = PacketFields {
            interface,
            ts_units,
            caplen,
            origlen,
        };
        let mut body = std::mem::take(&mut self.block);
        body.clear();
        body.extend_from_slice(&encode::epb_fixed(self.endian, fields));
        body.extend_from_slice(data);
        let offset = self.position;
        let result = self.write_block(BT_EPB, &body);
        self.block = body;
        result.map(|()| offset)
    }

    /// Writes a packet, describing its interface first if needed.
    pub fn write_record(
        &mut self,
        linktype: LinkType,
        precision: Precision,
        ts: Timestamp,
        origlen: u32,
        data: &[u8],
    ) -> io::Result<u64> {
        let interface = self.interface(linktype, precision)?;
        self.write_packet(interface, ts, origlen, data)
    }

    /// Bytes written so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn write_block(&mut self, block_type: u32, body: &[u8]) -> io::Result<()> {
        let mut buf = Vec::with_capacity(body.len() + 16);
        encode::block(&mut buf, self.endian, block_type, body);
        self.out.write_all(&buf)?;
        self.position += buf.len() as u64;
        Ok(())
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{CaptureReader, Format};

    #[test]
    fn packets_of_two_link_types_read_back() {
        let mut w = PcapngWriter::new(Vec::new()).unwrap();
        let a = Timestamp::new(1_700_000_000, 123_456_789);
        let b = Timestamp::new(1_700_000_001, 5_000);
        let o1 = w
            .write_record(LinkType::ETHERNET, Precision::Nano, a, 60, &[1; 42])
            .unwrap();
        let o2 = w
            .write_record(LinkType(101), Precision::Micro, b, 20, &[0x45; 20])
            .unwrap();
        let o3 = w
            .write_record(LinkType::ETHERNET, Precision::Nano, b, 3, &[9, 8, 7])
            .unwrap();
        let bytes = w.into_inner().unwrap();

        let mut r = CaptureReader::from_bytes(bytes, "out.pcapng").unwrap();
        assert!(matches!(r.format(), Format::Pcapng(_)));
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            got.push((
                rec.offset,
                rec.linktype,
                rec.ts,
                rec.origlen,
                rec.data.to_vec(),
            ));
        }
        assert_eq!(
            got,
            [
                (o1, LinkType::ETHERNET, a, 60, vec![1; 42]),
                (o2, LinkType(101), b, 20, vec![0x45; 20]),
                (o3, LinkType::ETHERNET, b, 3, vec![9, 8, 7]),
            ]
        );
        // Two interfaces, described once each.
        assert_eq!(r.interfaces().len(), 2);
    }

    proptest::proptest! {
        /// Whatever packets are written come back from the reader as
        /// written (nanoseconds cut to microseconds on microsecond
        /// interfaces).
        #[test]
        fn packets_read_back_as_written(
            packets in proptest::collection::vec(
                (0u8..3, proptest::bool::ANY, 0i64..4_000_000_000, 0u32..1_000_000_000,
                 proptest::collection::vec(proptest::num::u8::ANY, 0..100)),
                0..20,
            )
        ) {
            let linktypes = [LinkType::ETHERNET, LinkType(101), LinkType(113)];
            let mut w = PcapngWriter::new(Vec::new()).unwrap();
            let mut want = Vec::new();
            for (lt, nano, secs, nanos, data) in &packets {
                let precision = if *nano { Precision::Nano } else { Precision::Micro };
                let ts = Timestamp::new(*secs, *nanos);
                let origlen = data.len() as u32 + 7;
                w.write_record(linktypes[usize::from(*lt)], precision, ts, origlen, data).unwrap();
                let stored = if *nano { ts } else { Timestamp::new(*secs, nanos / 1000 * 1000) };
                want.push((linktypes[usize::from(*lt)], stored, origlen, data.clone()));
            }
            let mut r = CaptureReader::from_bytes(w.into_inner().unwrap(), "p.pcapng").unwrap();
            let mut got = Vec::new();
            while let Some(rec) = r.next_record().unwrap() {
                got.push((rec.linktype, rec.ts, rec.origlen, rec.data.to_vec()));
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn bad_packets_are_refused() {
        let mut w = PcapngWriter::new(Vec::new()).unwrap();
        assert!(w.write_packet(0, Timestamp::ZERO, 0, &[]).is_err());
        let before = Timestamp::new(-1, 0);
        assert!(
            w.write_record(LinkType::ETHERNET, Precision::Micro, before, 1, &[0])
                .is_err()
        );
    }
}
