//! The session metadata extractor on arbitrary packets: the input is cut
//! into packets of one session (each: a control byte choosing direction,
//! transport, port and a sequence jump, a length byte, the payload), each
//! wrapped in IPv4 and TCP or UDP, dissected at application depth and fed
//! to one [`Extractor`] with small limits, so that joining across
//! segments, gaps, cut segments and the caps are all exercised (with
//! `worth_starting`, `udp_datagram` and `release_buffers` on the way).
//! Nothing may panic, and the limits hold.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocols::meta::{Extractor, Limits};
use protocols::{Config, Dissector, LinkType};

/// Ports that switch the extractor's paths: SSH, SMTP, DNS, HTTP, HTTPS,
/// SOCKS, mDNS, an unassigned one.
const PORTS: [u16; 8] = [22, 25, 53, 80, 443, 1080, 5353, 40001];

fuzz_target!(|data: &[u8]| {
    let dissector = Dissector::new(Config::all());
    let limits = Limits {
        per_session_bytes: 512,
        per_value_bytes: 64,
        max_values_per_key: 4,
        per_direction_buffer: 300,
        max_pending_segments: usize::from(data.first().copied().unwrap_or(0) & 3),
        tls_bytes: 2000,
    };
    let mut ex = Extractor::new(&limits);
    let port = PORTS[usize::from(data.get(1).copied().unwrap_or(0) & 7)];
    let mut seq = [1000u32, 9000u32];
    let mut rest = data.get(2..).unwrap_or_default();
    while let Some((&ctl, after)) = rest.split_first() {
        let Some((&len, after)) = after.split_first() else {
            break;
        };
        let len = usize::from(len).min(after.len());
        let (payload, next) = after.split_at(len);
        rest = next;
        let from_client = ctl & 1 == 0;
        let udp = ctl & 2 != 0;
        // Bits 2-4: jump the sequence number (gaps, overlaps); bit 5: say
        // more bytes were on the wire than captured; bit 6: SYN.
        let side = usize::from(!from_client);
        let jump = u32::from((ctl >> 2) & 7);
        let s = seq[side]
            .wrapping_add(jump.wrapping_mul(37))
            .wrapping_sub(40 * u32::from(jump == 7));
        let wire_extra = if ctl & 0x20 != 0 { 100 } else { 0 };
        let flags = if ctl & 0x40 != 0 { 0x02 } else { 0x18 };
        let (sport, dport) = if from_client {
            (40000, port)
        } else {
            (port, 40000)
        };
        let mut l4 = sport.to_be_bytes().to_vec();
        l4.extend_from_slice(&dport.to_be_bytes());
        if udp {
            l4.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            l4.extend_from_slice(&[0, 0]);
        } else {
            l4.extend_from_slice(&s.to_be_bytes());
            l4.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        }
        l4.extend_from_slice(payload);
        let total = (20 + l4.len() + wire_extra) as u16;
        let (a, b) = if from_client { (1, 2) } else { (2, 1) };
        let mut pkt = vec![0x45, 0];
        pkt.extend_from_slice(&total.to_be_bytes());
        pkt.extend_from_slice(&[0, 0, 0, 0, 64, if udp { 17 } else { 6 }, 0, 0]);
        pkt.extend_from_slice(&[10, 0, 0, a, 10, 0, 0, b]);
        pkt.extend_from_slice(&l4);
        let d = dissector.dissect(LinkType::RAW, &pkt);
        // Judging whether to start is total, whatever the packet.
        let _ = Extractor::worth_starting(&d);
        ex.packet(&d, from_client);
        if ctl & 0x80 != 0 {
            // Bit 7: drop the joining state (a caller over its budget).
            ex.release_buffers();
        }
        if !udp {
            seq[side] = s.wrapping_add((payload.len() + wire_extra) as u32);
        } else {
            ex.dns_message(payload);
            ex.udp_datagram(sport, dport, payload);
        }
        assert!(ex.meta().bytes() <= limits.per_session_bytes);
        assert!(ex.buffered() <= 8 * limits.per_direction_buffer + 2 * 65540);
        assert!(ex.memory() <= ex.meta().bytes() + ex.buffered() + 64 * 1024);
    }
    let meta = ex.finish();
    for (_, values) in meta.iter() {
        assert!(values.len() <= limits.max_values_per_key);
        assert!(values.iter().all(|v| v.len() <= limits.per_value_bytes));
    }
});
