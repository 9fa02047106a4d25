//! `carve --payload`: a TCP session's two byte streams, from its packets
//! as carved, with IP fragments put back together first.
//!
//! A segment that travelled in fragments has its TCP header in the first
//! fragment only; the rest of its bytes are in the others. Each fragment's
//! share of the IP payload goes to a [`Defragmenter`]; once a datagram is
//! whole, its TCP header is read from the reassembled payload and the
//! segment joins the stream like any other.

use super::rows::ip_to_blob;
use pcap_core::flow::{DatagramId, Defragmenter, TcpStreamPair};
use protocols::{Dissector, LinkType};

/// The reassembly state of one TCP session.
#[derive(Debug)]
pub struct Follow {
    /// The two streams.
    pub pair: TcpStreamPair,
    defrag: Defragmenter,
    /// The initiator's address (16-byte column form) and port.
    client: Vec<u8>,
    client_port: u16,
}

impl Follow {
    /// A session whose initiator is `client` (16-byte form) port `port`.
    pub fn new(client: Vec<u8>, port: u16) -> Follow {
        Follow {
            pair: TcpStreamPair::new(),
            defrag: Defragmenter::new(),
            client,
            client_port: port,
        }
    }

    /// Adds one of the session's packets (`data` captured with
    /// `linktype`).
    pub fn packet(&mut self, dissector: &Dissector, linktype: LinkType, data: &[u8]) {
        let d = dissector.dissect(linktype, data);
        let s = &d.summary;
        let Some(ip) = s.ip else { return };
        if s.protocol != pcap_core::IpProto::TCP.0 {
            return;
        }
        if !s.is_fragment {
            if s.has_l4 {
                let from_client = self.is_client(ip.src, s.sport);
                self.pair
                    .segment(from_client, s.tcp_seq, d.payload, s.tcp_flags);
            }
            return;
        }
        // This fragment's share of the IP payload: for the first, from the
        // TCP header on; for the others, everything after the IP header(s).
        let Some(rest) = within(data, d.payload) else {
            return;
        };
        let start = if s.frag_offset == 0 {
            if !s.has_l4 {
                return;
            }
            usize::from(s.l4_offset)
        } else {
            rest.start
        };
        let end = rest.end;
        let Some(share) = data.get(start..end) else {
            return;
        };
        let Some(key) = DatagramId::of(s) else {
            return;
        };
        let offset = usize::from(s.frag_offset) * 8;
        if let Some(whole) = self.defrag.push(key, offset, s.more_fragments, share) {
            self.segment_from(ip.src, &whole);
        }
    }

    /// A reassembled TCP segment (header and data).
    fn segment_from(&mut self, src: std::net::IpAddr, segment: &[u8]) {
        let Some(fixed) = segment.get(..20) else {
            return;
        };
        let sport = u16::from_be_bytes([fixed[0], fixed[1]]);
        let seq = u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
        let hlen = usize::from(fixed[12] >> 4) * 4;
        let flags = pcap_core::TcpFlags::from_word(u16::from_be_bytes([fixed[12], fixed[13]]));
        let Some(payload) = segment.get(hlen.max(20)..) else {
            return;
        };
        let from_client = self.is_client(src, sport);
        self.pair.segment(from_client, seq, payload, flags);
    }

    fn is_client(&self, src: std::net::IpAddr, port: u16) -> bool {
        ip_to_blob(src)[..] == self.client[..] && port == self.client_port
    }
}

/// Where `part` (a slice of `frame`, possibly empty) is in `frame`.
fn within(frame: &[u8], part: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(frame.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= frame.len()).then_some(start..end)
}
