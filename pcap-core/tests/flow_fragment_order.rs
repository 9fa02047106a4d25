//! Property: however the fragments of a few datagrams are interleaved
//! (first fragments before, between or after their later fragments), the
//! flow table puts every fragment in the session of its datagram's
//! 5-tuple, leaves no port-less session, and `push_batch` agrees with
//! `push`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use pcap_core::flow::{FlowTable, Location, PacketSummary, Pending, Timestamp};
use proptest::prelude::*;

/// Fragment `index` of `count` of a UDP datagram `id` from host `h` port
/// `port` to a server.
fn fragment(h: u8, port: u16, id: u32, index: u16, count: u16) -> PacketSummary {
    let client = IpAddr::from([10, 0, 0, h]);
    let server = IpAddr::from([10, 9, 9, 9]);
    let mut p = PacketSummary::udp(client, port, server, 53);
    p.wire_len = 100;
    p.is_fragment = count > 1;
    p.ip_id = id;
    p.frag_offset = index * 185;
    p.more_fragments = index + 1 < count;
    if index > 0 {
        (p.has_l4, p.sport, p.dport) = (false, 0, 0);
    }
    p
}

proptest! {
    #[test]
    fn fragments_in_any_order_join_their_session(
        datagrams in proptest::collection::vec((0u8..3, 0u16..2, 1u16..5), 1..12),
        keys in proptest::collection::vec(any::<u32>(), 60),
    ) {
        // (fragment, 5-tuple label) in datagram order, then shuffled.
        let mut packets = Vec::new();
        for (id, &(h, port, count)) in datagrams.iter().enumerate() {
            for index in 0..count {
                let p = fragment(h, 1000 + port, id as u32, index, count);
                packets.push((p, (h, port)));
            }
        }
        let mut order: Vec<usize> = (0..packets.len()).collect();
        order.sort_by_key(|&i| keys[i % keys.len()].wrapping_add(i as u32));
        let pending: Vec<Pending> = order
            .iter()
            .enumerate()
            .map(|(n, &i)| Pending {
                summary: packets[i].0,
                ts: Timestamp::new(1, n as u32 * 1000),
                loc: Location::with_digest(0, 24 + 100 * n as u64, i as u64 + 1),
            })
            .collect();
        let mut want: BTreeMap<(u8, u16), BTreeSet<u64>> = BTreeMap::new();
        for (n, &i) in order.iter().enumerate() {
            want.entry(packets[i].1).or_default().insert(24 + 100 * n as u64);
        }
        let want: BTreeSet<BTreeSet<u64>> = want.into_values().collect();

        let mut one = FlowTable::new();
        for p in &pending {
            one.push(&p.summary, p.ts, p.loc);
        }
        let mut batched = FlowTable::new();
        batched.push_batch(&pending);
        let mut results = Vec::new();
        for table in [&mut one, &mut batched] {
            table.finish_all();
            let sessions: Vec<_> = table.drain_finished().collect();
            for s in &sessions {
                prop_assert!(s.key.has_ports, "a port-less session: {s:?}");
                prop_assert_eq!(s.packets(), s.locations.len());
                // Digests travel with their locations.
                for l in s.locations.iter() {
                    let n = ((l.offset - 24) / 100) as usize;
                    prop_assert_eq!(l.digest, order[n] as u64 + 1);
                }
            }
            let got: BTreeSet<BTreeSet<u64>> = sessions
                .iter()
                .map(|s| s.locations.iter().map(|l| l.offset).collect())
                .collect();
            prop_assert_eq!(&got, &want);
            results.push(format!("{sessions:?}"));
        }
        prop_assert_eq!(&results[0], &results[1]);
    }
}
