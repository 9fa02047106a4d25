//! DNS messages: the question names and the A/AAAA addresses of each, over
//! UDP (one message per datagram, as the dissector parsed it) and over TCP
//! (each message after its 2-byte length, RFC 1035 §4.2.2, joined across
//! segments).

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::limits::Limits;
use super::values::{Key, SessionMeta};
use crate::dns::{DnsHeader, DnsMessage, DnsName, rtype};

/// Writes `name` as tshark prints it (and as
/// [`NameDisplay`](crate::dns::NameDisplay) does: graphic ASCII as is but
/// `.` and `\`, other bytes as `\ddd`, `<Root>` for the root,
/// `<malformed>` where a name stops being readable), without the formatting
/// machinery: this runs for every question of every message.
pub(super) fn write_name(out: &mut String, name: &DnsName<'_>, msg: &[u8]) {
    let mut first = true;
    for label in name.labels(msg) {
        let Ok(label) = label else {
            // After the labels read so far, as NameDisplay writes it.
            out.push_str("<malformed>");
            return;
        };
        if !first {
            out.push('.');
        }
        first = false;
        for &b in label {
            if b.is_ascii_graphic() && b != b'.' && b != b'\\' {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "\\{b:03}");
            }
        }
    }
    if first {
        out.push_str("<Root>");
    }
}

/// Adds the values of one message to `meta`, formatting each in `scratch`
/// (so that a value already kept costs no allocation). Items after a
/// malformed one are not read (the iterators stop there).
pub(super) fn message(
    msg: &DnsMessage<'_>,
    meta: &mut SessionMeta,
    limits: &Limits,
    scratch: &mut String,
) {
    for q in msg.questions() {
        if let Ok(name) = q.qname() {
            scratch.clear();
            write_name(scratch, &name, msg.msg);
            meta.add(Key::DnsQueryName, scratch, limits);
        }
    }
    let v = msg.view();
    if v.ancount() == 0 && v.nscount() == 0 && v.arcount() == 0 {
        return;
    }
    for (_, r) in msg.records() {
        scratch.clear();
        match r.rtype() {
            rtype::A => {
                if let Ok(a) = <[u8; 4]>::try_from(r.rdata()) {
                    let _ = write!(scratch, "{}", Ipv4Addr::from(a));
                    meta.add(Key::DnsA, scratch, limits);
                }
            }
            rtype::AAAA => {
                if let Ok(a) = <[u8; 16]>::try_from(r.rdata()) {
                    let _ = write!(scratch, "{}", Ipv6Addr::from(a));
                    meta.add(Key::DnsAaaa, scratch, limits);
                }
            }
            _ => {}
        }
    }
}

/// Parses `bytes` as one DNS message and adds its values; nothing if its
/// header is cut.
pub(super) fn raw_message(
    bytes: &[u8],
    meta: &mut SessionMeta,
    limits: &Limits,
    scratch: &mut String,
) {
    if let Ok(msg) = DnsMessage::parse_header_only(bytes, DnsHeader::NONE) {
        message(&msg, meta, limits, scratch);
    }
}

/// One direction of DNS over TCP.
#[derive(Debug, Default)]
pub(super) struct TcpDns {
    /// The start of a message (with its length) not yet whole.
    partial: Vec<u8>,
    /// Bytes of a message too long to keep, still to pass over.
    skip: usize,
    /// Bytes were lost: wait for a segment start to read lengths again.
    lost: bool,
}

impl TcpDns {
    /// Bytes buffered now.
    pub(super) fn buffered(&self) -> usize {
        self.partial.capacity()
    }

    /// Bytes were lost before the next chunk.
    pub(super) fn gap(&mut self) {
        self.partial = Vec::new();
        self.skip = 0;
        self.lost = true;
    }

    /// The next in-order bytes of the direction.
    pub(super) fn chunk(
        &mut self,
        bytes: &[u8],
        seg_start: bool,
        meta: &mut SessionMeta,
        limits: &Limits,
        scratch: &mut String,
    ) {
        if self.lost {
            if !seg_start {
                return;
            }
            self.lost = false;
        }
        let mut bytes = bytes;
        if self.skip > 0 {
            let k = self.skip.min(bytes.len());
            self.skip -= k;
            bytes = &bytes[k..];
        }
        let joined;
        let mut data: &[u8] = if self.partial.is_empty() {
            bytes
        } else {
            let mut p = std::mem::take(&mut self.partial);
            p.extend_from_slice(bytes);
            joined = p;
            &joined
        };
        while let Some(len) = data
            .get(..2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        {
            match data.get(2..2 + len) {
                Some(msg) => {
                    raw_message(msg, meta, limits, scratch);
                    data = &data[2 + len..];
                }
                None if 2 + len > limits.per_direction_buffer => {
                    // Too long to join (a zone transfer): pass over it.
                    self.skip = 2 + len - data.len();
                    return;
                }
                None => break,
            }
        }
        self.partial = data.to_vec();
    }
}
