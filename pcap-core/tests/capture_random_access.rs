//! Reading records back by their offsets: classic pcap with
//! `record_at`, pcapng with `record_at_with` and the context saved after a
//! walk. Captures are built in code.

use pcap_core::Endian;
use pcap_core::capture::synth::{PcapBuilder, PcapngBuilder};
use pcap_core::capture::{CaptureReader, LinkType, Precision, Record, Timestamp};

/// What identifies a record, owned.
#[derive(Debug, PartialEq)]
struct Seen {
    offset: u64,
    ts: Timestamp,
    caplen: u32,
    origlen: u32,
    interface: u32,
    linktype: LinkType,
    data: Vec<u8>,
    raw: Vec<u8>,
}

fn seen(r: &Record<'_>) -> Seen {
    Seen {
        offset: r.offset,
        ts: r.ts,
        caplen: r.caplen,
        origlen: r.origlen,
        interface: r.interface,
        linktype: r.linktype,
        data: r.data.to_vec(),
        raw: r.raw.to_vec(),
    }
}

/// Every record of a walk, and the pcapng context at its end.
fn walk(reader: &CaptureReader) -> (Vec<Seen>, Option<Vec<u64>>) {
    let mut records = reader.records().expect("in memory");
    let mut all = Vec::new();
    while let Some(r) = records.next_record().expect("a good capture") {
        all.push(seen(&r));
    }
    (all, records.pcapng_context().map(<[u64]>::to_vec))
}

/// Two sections of opposite byte orders; interfaces described before and
/// after packets; EPB, SPB and PB records; a skipped custom block.
fn tricky_pcapng() -> Vec<u8> {
    let mut b = PcapngBuilder::new(Endian::Little);
    b.interface(LinkType::ETHERNET, 0)
        .epb(0, Timestamp::new(10, 0), 60, b"first-ethernet")
        .interface_with(LinkType::RAW, 0, Some(9), Some(100))
        .epb(1, Timestamp::new(11, 5), 3, b"raw")
        .block(0x0000_0bad, b"skip")
        .spb(5, b"simpl")
        .epb(0, Timestamp::new(12, 0), 2, b"e2");
    b.section(Endian::Big)
        .interface(LinkType::LINUX_SLL, 128)
        .pb(0, Timestamp::new(20, 7), 4, b"sll!")
        .interface(LinkType::ETHERNET, 0)
        .epb(1, Timestamp::new(21, 0), 5, b"eth-b");
    b.build()
}

#[test]
fn pcapng_records_read_back_by_offset_match_the_walk() {
    let reader = CaptureReader::from_bytes(tricky_pcapng(), "tricky.pcapng").expect("open");
    let (walked, context) = walk(&reader);
    assert_eq!(walked.len(), 6);
    let context = context.expect("pcapng has a context");
    // 2 SHBs and 4 IDBs, in file order.
    assert_eq!(context.len(), 6);
    assert!(context.windows(2).all(|w| w[0] < w[1]));
    for w in &walked {
        let again = reader
            .record_at_with(w.offset, &context)
            .expect("read back");
        assert_eq!(&seen(&again), w);
    }
    // The interfaces of the second section, not the first's.
    let last = reader
        .record_at_with(walked[5].offset, &context)
        .expect("read back");
    assert_eq!(last.linktype, LinkType::ETHERNET);
    assert_eq!(last.interface, 1);
}

#[test]
fn pcapng_offsets_that_are_not_packets_are_refused() {
    let reader = CaptureReader::from_bytes(tricky_pcapng(), "tricky.pcapng").expect("open");
    let (walked, context) = walk(&reader);
    let context = context.expect("context");
    // An IDB, the custom block, the middle of a record, past the end.
    let idb = context[1];
    let custom = walked[1].offset + walked[1].raw.len() as u64;
    for bad in [idb, custom, walked[0].offset + 4, 1 << 40] {
        let e = reader
            .record_at_with(bad, &context)
            .expect_err("not a packet block");
        let text = e.to_string();
        assert!(text.contains("tricky.pcapng"), "{text}");
    }
    // Without the context, nothing says what the block's interface is.
    assert!(reader.record_at_with(walked[0].offset, &[]).is_err());
    // A context that names a packet block is refused, not replayed.
    assert!(
        reader
            .record_at_with(walked[2].offset, &[0, walked[0].offset])
            .is_err()
    );
}

#[test]
fn classic_pcap_needs_no_context() {
    let mut b = PcapBuilder::new(Endian::Big, Precision::Nano);
    b.record(Timestamp::new(1, 2), 3, b"abc")
        .record(Timestamp::new(4, 5), 60, b"defg");
    let reader = CaptureReader::from_bytes(b.build(), "two.pcap").expect("open");
    let (walked, context) = walk(&reader);
    assert_eq!(context, None);
    for w in &walked {
        let a = reader.record_at_with(w.offset, &[]).expect("read back");
        let b = reader.record_at(w.offset).expect("read back");
        assert_eq!(seen(&a), *w);
        assert_eq!(seen(&b), *w);
    }
}
