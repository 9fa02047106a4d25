//! The `dns.*` columns as tshark 4.0 prints them, read straight from the
//! message bytes (the dissector parses only the header: nothing else is
//! decoded unless a column asks for it).
//!
//! tshark adds a resource record's fields only once the record's header
//! and its whole RDATA are in the captured message; the first record that
//! is cut (or whose owner name does not resolve) ends the sections, as the
//! exception tshark throws there ends its DNS tree. Names are printed as
//! tshark's `format_text` prints them ([`push_format_text`]).

use std::net::Ipv6Addr;

use protocols::dns::{MAX_NAME_LEN, MAX_POINTER_JUMPS, rtype};

use super::text::{Line, Text, push_format_text};

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Reads a DNS name at `at` into `out` (when given); returns the offset
/// after it in the message, or `None` if it is cut or malformed (then
/// `out` may hold part of it: the caller truncates).
pub fn name(msg: &[u8], mut at: usize, mut out: Option<&mut Line>) -> Option<usize> {
    let mut end = None;
    let mut jumps = 0;
    let mut written = 0usize;
    loop {
        let len = *msg.get(at)?;
        match len & 0xc0 {
            0xc0 => {
                let ptr = usize::from(be16(msg, at)? & 0x3fff);
                end.get_or_insert(at + 2);
                jumps += 1;
                if jumps > MAX_POINTER_JUMPS || ptr >= msg.len() {
                    return None;
                }
                at = ptr;
            }
            0 => {
                if len == 0 {
                    if written == 0
                        && let Some(o) = out.as_deref_mut()
                    {
                        o.push_str("<Root>");
                    }
                    return Some(end.unwrap_or(at + 1));
                }
                let label = msg.get(at + 1..at + 1 + usize::from(len))?;
                written += label.len() + 1;
                if written > MAX_NAME_LEN {
                    return None;
                }
                if let Some(o) = out.as_deref_mut() {
                    if written > label.len() + 1 {
                        o.push('.');
                    }
                    push_format_text(o, label);
                }
                at += 1 + usize::from(len);
            }
            _ => return None,
        }
    }
}

/// Writes one value per item, commas between; `f` returns false (and may
/// leave partial text, which is cut off) when the item has no value.
fn each_value<T>(
    out: &mut Line,
    items: impl IntoIterator<Item = T>,
    mut f: impl FnMut(&mut Line, T) -> bool,
) -> bool {
    let mut any = false;
    for item in items {
        let mark = out.len();
        if any {
            out.push(',');
        }
        if f(out, item) {
            any = true;
        } else {
            out.truncate(mark);
        }
    }
    any
}

/// Writes every question's name (`names`) or type; false if none. tshark
/// reads a question's name, type and class before showing any of them: a
/// question cut short is not shown, and ends the list.
pub fn questions(out: &mut Line, msg: &[u8], names: bool) -> bool {
    let Some(qd) = be16(msg, 4) else { return false };
    let mut at = 12;
    each_value(out, 0..qd, |o, _| {
        let Some(after) = name(msg, at, None).filter(|a| a + 4 <= msg.len()) else {
            at = usize::MAX;
            return false;
        };
        if names {
            name(msg, at, Some(o));
        } else if let Some(ty) = be16(msg, after) {
            ty.push_to(o);
        }
        at = after + 4;
        true
    })
}

/// A resource record whose header and RDATA are all in the message.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Offset of the owner name.
    owner: usize,
    rtype: u16,
    ttl: u32,
    /// Offset of the RDATA.
    rdata: usize,
    rdlen: usize,
}

/// The answer, authority and additional records in wire order, up to the
/// first one cut short or malformed (see the module comment). Lazy: no
/// record is read before it is asked for.
fn records(msg: &[u8]) -> impl Iterator<Item = Record> + '_ {
    let counts = (be16(msg, 4), be16(msg, 6), be16(msg, 8), be16(msg, 10));
    let (qd, total) = match counts {
        (Some(qd), Some(an), Some(ns), Some(ar)) => {
            (qd, u32::from(an) + u32::from(ns) + u32::from(ar))
        }
        _ => (0, 0),
    };
    // The questions are skipped on the first call; `None`: cut.
    let mut at = None;
    let mut skipped = false;
    (0..total).map_while(move |_| {
        if !skipped {
            skipped = true;
            let mut q = 12;
            for _ in 0..qd {
                q = name(msg, q, None)? + 4;
            }
            at = Some(q);
        }
        let owner = at?;
        let after = name(msg, owner, None)?;
        let rtype = be16(msg, after)?;
        let ttl = be32(msg, after + 4)?;
        let rdlen = usize::from(be16(msg, after + 8)?);
        let rdata = after + 10;
        if rdata + rdlen > msg.len() {
            return None;
        }
        at = Some(rdata + rdlen);
        Some(Record {
            owner,
            rtype,
            ttl,
            rdata,
            rdlen,
        })
    })
}

/// `dns.flags.rcode`: a response's RCODE (a query shows none).
pub fn rcode(out: &mut Line, msg: &[u8]) -> bool {
    match msg.get(2..4) {
        Some(&[flags, low]) if flags & 0x80 != 0 => {
            (low & 0x0f).push_to(out);
            true
        }
        _ => false,
    }
}

/// `dns.resp.name`: every record's owner name (`<Root>` for the root), but
/// an SRV record's: tshark splits that into `dns.srv.service`, `.proto`
/// and `.name` instead (RFC 2782's `_Service._Proto.Name`).
pub fn resp_names(out: &mut Line, msg: &[u8]) -> bool {
    each_value(out, records(msg), |o, r| {
        r.rtype != rtype::SRV && name(msg, r.owner, Some(o)).is_some()
    })
}

/// `dns.resp.ttl`: every record's TTL but OPT's (whose TTL field holds the
/// extended RCODE and flags, RFC 6891 §6.1.3).
pub fn resp_ttls(out: &mut Line, msg: &[u8]) -> bool {
    each_value(out, records(msg), |o, r| {
        r.rtype != rtype::OPT && {
            r.ttl.push_to(o);
            true
        }
    })
}

/// `dns.cname`: every CNAME record's target (a target that does not
/// resolve is left out; the records after it still count).
pub fn cnames(out: &mut Line, msg: &[u8]) -> bool {
    each_value(out, records(msg), |o, r| {
        r.rtype == rtype::CNAME && name(msg, r.rdata, Some(o)).is_some()
    })
}

/// `dns.a`: every A record's address (RDATA of exactly 4 bytes).
pub fn a(out: &mut Line, msg: &[u8]) -> bool {
    each_value(out, records(msg), |o, r| {
        match (r.rtype, msg.get(r.rdata..r.rdata + r.rdlen)) {
            (rtype::A, Some(&[a, b, c, d])) => {
                std::net::Ipv4Addr::new(a, b, c, d).push_to(o);
                true
            }
            _ => false,
        }
    })
}

/// `dns.aaaa`: every AAAA record's address (tshark reads the first 16
/// bytes of RDATA of 16 bytes or more).
pub fn aaaa(out: &mut Line, msg: &[u8]) -> bool {
    each_value(out, records(msg), |o, r| {
        let addr = msg
            .get(r.rdata..r.rdata + r.rdlen)
            .and_then(|d| d.get(..16))
            .and_then(|d| <[u8; 16]>::try_from(d).ok());
        match addr {
            Some(a) if r.rtype == rtype::AAAA => {
                Ipv6Addr::from(a).push_to(o);
                true
            }
            _ => false,
        }
    })
}
