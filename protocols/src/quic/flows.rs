//! [`Flows`]: every QUIC connection of a capture, by UDP flow, for the
//! `tls.*` columns of each datagram (what `pcapdig fields` prints).
//!
//! A flow is QUIC from its first datagram that starts with a QUIC v1
//! long header ([`looks_like_quic_v1`]), on any port but those whose own
//! protocol tshark tries first (DNS, mDNS, LLMNR); no entry is made for
//! other UDP flows.

use std::collections::HashMap;
use std::net::IpAddr;

use pcap_core::IpProto;

use super::connection::Connection;
use super::header::looks_like_quic_v1;
use crate::Dissection;
use crate::tls::Columns;

/// UDP ports whose protocol tshark dissects before trying heuristics.
const NOT_QUIC_PORTS: [u16; 3] = [53, 5353, 5355];

/// How many flows are followed at once; past it, the table starts over
/// (a bound on memory for endless captures).
const MAX_FLOWS: usize = 1 << 18;

/// An address and port.
type Endpoint = (IpAddr, u16);

struct Flow {
    initiator: Endpoint,
    connection: Connection,
}

/// The QUIC connections of a capture, fed every packet in capture order.
#[derive(Default)]
pub struct Flows {
    table: HashMap<(Endpoint, Endpoint), Flow>,
    /// Where packets are decrypted, reused.
    scratch: Vec<u8>,
}

impl std::fmt::Debug for Flows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flows")
            .field("flows", &self.table.len())
            .finish()
    }
}

/// The UDP datagram of a dissected packet: (source, destination, payload
/// as far as the UDP length says and the capture holds).
fn datagram<'a>(d: &Dissection<'a>) -> Option<(Endpoint, Endpoint, &'a [u8])> {
    let s = &d.summary;
    if !s.has_l4 || s.protocol != IpProto::UDP.0 || s.is_fragment {
        return None;
    }
    let ip = s.ip?;
    let payload = d.data.get(usize::from(s.l4_offset) + 8..)?;
    let declared = usize::try_from(s.payload_len).unwrap_or(usize::MAX);
    let payload = payload.get(..declared).unwrap_or(payload);
    Some(((ip.src, s.sport), (ip.dst, s.dport), payload))
}

impl Flows {
    /// No flow yet.
    pub fn new() -> Self {
        Flows::default()
    }

    /// The `tls.*` columns of a packet (dissected to the transport layer
    /// at least): those of the handshake messages its QUIC Initial packets
    /// complete; empty for anything else.
    pub fn packet(&mut self, d: &Dissection<'_>) -> Columns {
        let mut out = Columns::default();
        if let Some((src, dst, payload)) = datagram(d) {
            self.datagram(src, dst, payload, &mut out);
        }
        out
    }

    /// One UDP datagram from `src` to `dst`, as [`Flows::packet`].
    pub fn datagram(&mut self, src: Endpoint, dst: Endpoint, payload: &[u8], out: &mut Columns) {
        // Only long headers carry Initial packets (and Retries): a short
        // header is not even looked up.
        if payload.first().is_none_or(|b| b & 0x80 == 0) {
            return;
        }
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let flow = match self.table.get_mut(&key) {
            Some(f) => f,
            None => {
                if !looks_like_quic_v1(payload)
                    || NOT_QUIC_PORTS.contains(&src.1)
                    || NOT_QUIC_PORTS.contains(&dst.1)
                {
                    return;
                }
                if self.table.len() >= MAX_FLOWS {
                    self.table.clear();
                }
                self.table.entry(key).or_insert(Flow {
                    initiator: src,
                    connection: Connection::new(),
                })
            }
        };
        let from_initiator = flow.initiator == src;
        flow.connection
            .datagram(payload, from_initiator, &mut self.scratch, out);
    }
}
