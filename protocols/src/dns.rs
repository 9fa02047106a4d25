//! DNS messages ([RFC 1035] §4.1): the header, questions and resource
//! records, with names that keep their wire bytes ([`DnsName`]) and resolve
//! compression pointers lazily against the message.
//!
//! Over UDP the message is the datagram; over TCP it follows a 2-byte
//! length prefix (RFC 1035 §4.2.2, stripped by the dissector).
//!
//! Panic contract: [`DnsMessage::parse`] checks the header length and, with
//! any flag set, walks every question and record once and resolves every
//! owner name; after that no accessor can panic. Name resolution never
//! hangs: at most [`MAX_POINTER_JUMPS`] compression pointers are followed
//! and a name longer than 255 bytes is an error.
//!
//! [RFC 1035]: https://www.rfc-editor.org/rfc/rfc1035#section-4.1

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use pcap_core::{Error, Field, Header, HeaderView};

/// Resource record types handled by [`RData`] (IANA "DNS Parameters").
pub mod rtype {
    /// IPv4 address.
    pub const A: u16 = 1;
    /// Name server.
    pub const NS: u16 = 2;
    /// Canonical name.
    pub const CNAME: u16 = 5;
    /// Start of authority.
    pub const SOA: u16 = 6;
    /// Domain name pointer.
    pub const PTR: u16 = 12;
    /// Mail exchange.
    pub const MX: u16 = 15;
    /// Text strings.
    pub const TXT: u16 = 16;
    /// IPv6 address (RFC 3596).
    pub const AAAA: u16 = 28;
    /// Service locator (RFC 2782).
    pub const SRV: u16 = 33;
    /// EDNS(0) pseudo-record (RFC 6891).
    pub const OPT: u16 = 41;
}

/// The most compression pointers followed while resolving one name.
pub const MAX_POINTER_JUMPS: usize = 64;
/// The longest name on the wire (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;
/// DNS header length.
pub const HEADER_LEN: usize = 12;

/// The DNS header.
#[derive(Header, Debug, Clone)]
#[header(name = "dns", endian = "big")]
pub struct DnsHeader<'a> {
    /// Transaction ID.
    #[field(default, name = "id", display = "hex")]
    pub id: Field<'a, u16>,
    /// QR: this is a response.
    #[field(bits = 1, default, name = "flags.response")]
    pub response: Field<'a, bool>,
    /// Kind of query (0 = standard query).
    #[field(bits = 4, name = "flags.opcode")]
    pub opcode: Field<'a, u8>,
    /// Authoritative Answer.
    #[field(bits = 1, name = "flags.authoritative")]
    pub authoritative: Field<'a, bool>,
    /// TrunCation.
    #[field(bits = 1, name = "flags.truncated")]
    pub truncated: Field<'a, bool>,
    /// Recursion Desired.
    #[field(bits = 1, name = "flags.recdesired")]
    pub recursion_desired: Field<'a, bool>,
    /// Recursion Available.
    #[field(bits = 1, name = "flags.recavail")]
    pub recursion_available: Field<'a, bool>,
    /// Reserved (Z).
    #[field(bits = 1, name = "flags.z")]
    pub z: Field<'a, bool>,
    /// Authentic Data (RFC 4035).
    #[field(bits = 1, name = "flags.authenticated")]
    pub authentic_data: Field<'a, bool>,
    /// Checking Disabled (RFC 4035).
    #[field(bits = 1, name = "flags.checkdisable")]
    pub checking_disabled: Field<'a, bool>,
    /// Response code.
    #[field(bits = 4, name = "flags.rcode")]
    pub rcode: Field<'a, u8>,
    /// Number of questions.
    #[field(name = "count.queries")]
    pub qdcount: Field<'a, u16>,
    /// Number of answer records.
    #[field(default, name = "count.answers")]
    pub ancount: Field<'a, u16>,
    /// Number of authority records.
    #[field(name = "count.auth_rr")]
    pub nscount: Field<'a, u16>,
    /// Number of additional records.
    #[field(name = "count.add_rr")]
    pub arcount: Field<'a, u16>,
}

/// A name as it sits in the message: its labels up to the root label or a
/// compression pointer. Resolve it with [`DnsName::labels`] or print it
/// with [`DnsName::display`], giving the whole message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DnsName<'a> {
    wire: &'a [u8],
}

/// The `with` decoder of names: finds where the name ends in place (a root
/// label or a pointer), checking label types and the 255-byte limit.
pub fn dns_name(bytes: &[u8]) -> Result<(DnsName<'_>, usize), Error> {
    let mut pos = 0;
    loop {
        let len = *bytes
            .get(pos)
            .ok_or_else(|| name_error(pos, "name runs past the end of the message"))?;
        match len & 0xc0 {
            0x00 if len == 0 => {
                pos += 1;
                break;
            }
            0x00 => pos += 1 + usize::from(len),
            0xc0 => {
                if bytes.get(pos + 1).is_none() {
                    return Err(name_error(pos, "compression pointer cut short"));
                }
                pos += 2;
                break;
            }
            _ => return Err(name_error(pos, "reserved label type")),
        }
        if pos > MAX_NAME_LEN {
            return Err(name_error(pos, "name longer than 255 bytes"));
        }
    }
    let wire = bytes
        .get(..pos)
        .ok_or_else(|| name_error(pos, "name runs past the end"))?;
    Ok((DnsName { wire }, pos))
}

fn name_error(offset: usize, detail: &'static str) -> Error {
    Error::malformed("DNS", "name", offset, detail)
}

impl<'a> DnsName<'a> {
    /// The name's bytes in place (labels, then a root label or a pointer).
    pub fn wire(&self) -> &'a [u8] {
        self.wire
    }

    /// The labels, following compression pointers into `msg` (the whole
    /// DNS message). Yields one error and stops on a pointer loop, a
    /// pointer out of the message, or a name over 255 bytes.
    pub fn labels(&self, msg: &'a [u8]) -> Labels<'a> {
        Labels {
            msg,
            cur: self.wire,
            jumps: 0,
            total: 0,
            done: false,
        }
    }

    /// Checks that the name resolves.
    pub fn validate(&self, msg: &'a [u8]) -> Result<(), Error> {
        for label in self.labels(msg) {
            label?;
        }
        Ok(())
    }

    /// Displays the name dotted (`www.example.com`, `<Root>` for the root
    /// as tshark prints it), non-printable bytes as `\DDD`.
    pub fn display(&self, msg: &'a [u8]) -> NameDisplay<'a> {
        NameDisplay { name: *self, msg }
    }
}

/// Iterator over a name's labels (see [`DnsName::labels`]).
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    msg: &'a [u8],
    cur: &'a [u8],
    jumps: usize,
    total: usize,
    done: bool,
}

impl<'a> Labels<'a> {
    fn fail(&mut self, detail: &'static str) -> Option<Result<&'a [u8], Error>> {
        self.done = true;
        Some(Err(name_error(self.total, detail)))
    }
}

impl<'a> Iterator for Labels<'a> {
    type Item = Result<&'a [u8], Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let Some(&len) = self.cur.first() else {
                return self.fail("name runs past the end of the message");
            };
            match len & 0xc0 {
                0x00 if len == 0 => {
                    self.done = true;
                    return None;
                }
                0x00 => {
                    let n = usize::from(len);
                    self.total += n + 1;
                    if self.total > MAX_NAME_LEN {
                        return self.fail("name longer than 255 bytes");
                    }
                    let Some(label) = self.cur.get(1..1 + n) else {
                        return self.fail("label runs past the end of the message");
                    };
                    self.cur = self.cur.get(1 + n..).unwrap_or(&[]);
                    return Some(Ok(label));
                }
                0xc0 => {
                    let Some(&low) = self.cur.get(1) else {
                        return self.fail("compression pointer cut short");
                    };
                    self.jumps += 1;
                    // Bounds the work on pointer loops (a → b → a ...).
                    if self.jumps > MAX_POINTER_JUMPS {
                        return self.fail("too many compression pointers (a loop?)");
                    }
                    let target = usize::from(u16::from_be_bytes([len & 0x3f, low]));
                    let Some(rest) = self.msg.get(target..) else {
                        return self.fail("compression pointer past the end of the message");
                    };
                    self.cur = rest;
                }
                _ => return self.fail("reserved label type"),
            }
        }
    }
}

/// Displays a [`DnsName`] (see [`DnsName::display`]).
#[derive(Debug, Clone, Copy)]
pub struct NameDisplay<'a> {
    name: DnsName<'a>,
    msg: &'a [u8],
}

impl fmt::Display for NameDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for label in self.name.labels(self.msg) {
            let Ok(label) = label else {
                return f.write_str("<malformed>");
            };
            if !first {
                f.write_str(".")?;
            }
            first = false;
            for &b in label {
                if b.is_ascii_graphic() && b != b'.' && b != b'\\' {
                    fmt::Write::write_char(f, char::from(b))?;
                } else {
                    write!(f, "\\{b:03}")?;
                }
            }
        }
        if first {
            f.write_str("<Root>")?;
        }
        Ok(())
    }
}

/// A question.
#[derive(Header, Debug, Clone)]
#[header(name = "dns.qry", endian = "big")]
pub struct DnsQuestion<'a> {
    /// QNAME.
    #[field(with = dns_name, default, name = "name")]
    pub qname: Field<'a, DnsName<'a>>,
    /// QTYPE.
    #[field(default, name = "type")]
    pub qtype: Field<'a, u16>,
    /// QCLASS (top bit: mDNS unicast-response).
    #[field(name = "class", display = "hex")]
    pub qclass: Field<'a, u16>,
}

/// A resource record.
#[derive(Header, Debug, Clone)]
#[header(name = "dns.resp", endian = "big")]
pub struct DnsRecord<'a> {
    /// Owner name (NAME).
    #[field(with = dns_name, default, name = "name")]
    pub owner: Field<'a, DnsName<'a>>,
    /// TYPE.
    #[field(default, name = "type")]
    pub rtype: Field<'a, u16>,
    /// CLASS (the UDP payload size for OPT).
    #[field(name = "class", display = "hex")]
    pub rclass: Field<'a, u16>,
    /// TTL (extended RCODE and flags for OPT).
    #[field(name = "ttl")]
    pub ttl: Field<'a, u32>,
    /// Length of RDATA.
    #[field(name = "len")]
    pub rdlength: Field<'a, u16>,
    /// RDATA.
    #[field(len = rdlength, default)]
    pub rdata: Field<'a, &'a [u8]>,
}

/// Decoded RDATA of the common types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RData<'a> {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A canonical name.
    Cname(DnsName<'a>),
    /// A name server.
    Ns(DnsName<'a>),
    /// A pointer.
    Ptr(DnsName<'a>),
    /// A mail exchange.
    Mx {
        /// Preference.
        preference: u16,
        /// Exchange host.
        exchange: DnsName<'a>,
    },
    /// Character-strings: iterate with [`txt_strings`].
    Txt(&'a [u8]),
    /// Start of authority.
    Soa {
        /// Primary name server.
        mname: DnsName<'a>,
        /// Responsible mailbox.
        rname: DnsName<'a>,
        /// Serial.
        serial: u32,
        /// Refresh interval.
        refresh: u32,
        /// Retry interval.
        retry: u32,
        /// Expire limit.
        expire: u32,
        /// Minimum TTL.
        minimum: u32,
    },
    /// A service locator.
    Srv {
        /// Priority.
        priority: u16,
        /// Weight.
        weight: u16,
        /// Port.
        port: u16,
        /// Target host.
        target: DnsName<'a>,
    },
    /// EDNS(0) options, raw.
    Opt(&'a [u8]),
    /// Any other type, raw.
    Other(&'a [u8]),
}

/// The character-strings of TXT RDATA (a string whose length runs past
/// the end ends the iteration).
pub fn txt_strings(data: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    let mut rest = data;
    std::iter::from_fn(move || {
        let (&n, after) = rest.split_first()?;
        let s = after.get(..usize::from(n))?;
        rest = after.get(usize::from(n)..).unwrap_or(&[]);
        Some(s)
    })
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn rdata_error(detail: &'static str) -> Error {
    Error::malformed("DNS", "rdata", 0, detail)
}

/// Decodes RDATA of type `rtype`; names in it resolve against the message.
pub fn decode_rdata(rtype: u16, data: &[u8]) -> Result<RData<'_>, Error> {
    let name_at = |at: usize| -> Result<(DnsName<'_>, usize), Error> {
        dns_name(data.get(at..).unwrap_or(&[]))
    };
    let short = || rdata_error("RDATA too short for its type");
    Ok(match rtype {
        rtype::A => RData::A(Ipv4Addr::from(
            <[u8; 4]>::try_from(data).map_err(|_| rdata_error("A record is not 4 bytes"))?,
        )),
        rtype::AAAA => RData::Aaaa(Ipv6Addr::from(
            <[u8; 16]>::try_from(data).map_err(|_| rdata_error("AAAA record is not 16 bytes"))?,
        )),
        rtype::CNAME => RData::Cname(name_at(0)?.0),
        rtype::NS => RData::Ns(name_at(0)?.0),
        rtype::PTR => RData::Ptr(name_at(0)?.0),
        rtype::MX => RData::Mx {
            preference: be16(data, 0).ok_or_else(short)?,
            exchange: name_at(2)?.0,
        },
        rtype::TXT => RData::Txt(data),
        rtype::SOA => {
            let (mname, a) = name_at(0)?;
            let (rname, b) = name_at(a)?;
            let at = a + b;
            RData::Soa {
                mname,
                rname,
                serial: be32(data, at).ok_or_else(short)?,
                refresh: be32(data, at + 4).ok_or_else(short)?,
                retry: be32(data, at + 8).ok_or_else(short)?,
                expire: be32(data, at + 12).ok_or_else(short)?,
                minimum: be32(data, at + 16).ok_or_else(short)?,
            }
        }
        rtype::SRV => RData::Srv {
            priority: be16(data, 0).ok_or_else(short)?,
            weight: be16(data, 2).ok_or_else(short)?,
            port: be16(data, 4).ok_or_else(short)?,
            target: name_at(6)?.0,
        },
        rtype::OPT => RData::Opt(data),
        _ => RData::Other(data),
    })
}

/// The section a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Answer.
    Answer,
    /// Authority.
    Authority,
    /// Additional.
    Additional,
}

/// A DNS message: its header, parsed with the dissector's flags, and lazy
/// iterators over its sections.
#[derive(Debug, Clone)]
pub struct DnsMessage<'a> {
    /// The whole message (names resolve against it).
    pub msg: &'a [u8],
    /// The header, as flagged.
    pub header: DnsHeader<'a>,
    view: DnsHeaderView<'a>,
}

impl<'a> DnsMessage<'a> {
    /// Parses the header with `flags` and, unless `flags` is `NONE`, walks
    /// every question and record once (resolving owner and RDATA names)
    /// so that errors are reported here.
    pub fn parse(msg: &'a [u8], flags: DnsHeaderFields) -> Result<Self, Error> {
        let view = DnsHeader::view(msg)?;
        let (header, _) = DnsHeader::parse(msg, flags)?;
        let m = DnsMessage { msg, header, view };
        if flags != DnsHeader::NONE {
            m.validate()?;
        }
        Ok(m)
    }

    /// Parses the header only: the section iterators then stop quietly at
    /// the first malformed or missing item. For messages known to be cut,
    /// such as those quoted by ICMP errors.
    pub fn parse_header_only(msg: &'a [u8], flags: DnsHeaderFields) -> Result<Self, Error> {
        let view = DnsHeader::view(msg)?;
        let (header, _) = DnsHeader::parse(msg, flags)?;
        Ok(DnsMessage { msg, header, view })
    }

    /// The header's lazy view (every field, decoded on demand).
    pub fn view(&self) -> &DnsHeaderView<'a> {
        &self.view
    }

    /// Walks every question and record once, resolving every name: the
    /// first malformed or missing item is an error.
    pub fn validate(&self) -> Result<(), Error> {
        let mut off = HEADER_LEN;
        for _ in 0..self.view.qdcount() {
            let rest = self.msg.get(off..).unwrap_or(&[]);
            let q = DnsQuestion::view(rest).map_err(|e| e.shifted(off))?;
            q.qname()?.validate(self.msg).map_err(|e| e.shifted(off))?;
            off += q.header_len();
        }
        let records = usize::from(self.view.ancount())
            + usize::from(self.view.nscount())
            + usize::from(self.view.arcount());
        for _ in 0..records {
            let rest = self.msg.get(off..).unwrap_or(&[]);
            let r = DnsRecord::view(rest).map_err(|e| e.shifted(off))?;
            r.owner()?.validate(self.msg).map_err(|e| e.shifted(off))?;
            let rdata_off = off + r.header_len() - r.rdata().len();
            match decode_rdata(r.rtype(), r.rdata()).map_err(|e| e.shifted(rdata_off))? {
                RData::Cname(n) | RData::Ns(n) | RData::Ptr(n) => n.validate(self.msg)?,
                RData::Mx { exchange: n, .. } | RData::Srv { target: n, .. } => {
                    n.validate(self.msg)?
                }
                RData::Soa { mname, rname, .. } => {
                    mname.validate(self.msg)?;
                    rname.validate(self.msg)?;
                }
                _ => {}
            }
            off += r.header_len();
        }
        Ok(())
    }

    /// The questions (stops at the first malformed one).
    pub fn questions(&self) -> impl Iterator<Item = DnsQuestionView<'a>> + 'a {
        let msg = self.msg;
        let mut off = HEADER_LEN;
        (0..self.view.qdcount()).map_while(move |_| {
            let q = DnsQuestion::view(msg.get(off..)?).ok()?;
            off += q.header_len();
            Some(q)
        })
    }

    /// The answer, authority and additional records with their section
    /// (stops at the first malformed one).
    pub fn records(&self) -> impl Iterator<Item = (Section, DnsRecordView<'a>)> + 'a {
        let msg = self.msg;
        let v = self.view;
        let mut off = HEADER_LEN;
        let questions = v.qdcount();
        let mut skipped = false;
        let an = usize::from(v.ancount());
        let ns = usize::from(v.nscount());
        let total = an + ns + usize::from(v.arcount());
        (0..total).map_while(move |i| {
            if !skipped {
                skipped = true;
                for _ in 0..questions {
                    off += DnsQuestion::header_len(msg.get(off..)?).ok()?;
                }
            }
            let r = DnsRecord::view(msg.get(off..)?).ok()?;
            off += r.header_len();
            let section = if i < an {
                Section::Answer
            } else if i < an + ns {
                Section::Authority
            } else {
                Section::Additional
            };
            Some((section, r))
        })
    }

    /// The first question's name, if any (tshark's `dns.qry.name`).
    pub fn first_question(&self) -> Option<DnsQuestionView<'a>> {
        self.questions().next()
    }

    /// Every A record's address, in message order (tshark's `dns.a`).
    pub fn a_records(&self) -> impl Iterator<Item = Ipv4Addr> + 'a {
        self.records().filter_map(|(_, r)| match r.rtype() {
            rtype::A => <[u8; 4]>::try_from(r.rdata()).ok().map(Ipv4Addr::from),
            _ => None,
        })
    }
}

impl fmt::Display for DnsMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.view;
        write!(
            f,
            "DNS id=0x{:04x} {} qd={} an={} ns={} ar={}",
            v.id(),
            if v.response() { "response" } else { "query" },
            v.qdcount(),
            v.ancount(),
            v.nscount(),
            v.arcount()
        )?;
        if let Some(q) = self.first_question()
            && let Ok(name) = q.qname()
        {
            write!(f, " {} type {}", name.display(self.msg), q.qtype())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dns_icmp.pcap frame 2: the response for PTR 8.8.8.8.in-addr.arpa
    /// (one answer, `google-public-dns-a.google.com`, with a pointer to the
    /// question name).
    const PTR_RESPONSE: &[u8] = &[
        0x52, 0x8e, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x38, 0x01,
        0x38, 0x01, 0x38, 0x01, 0x38, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0x04, 0x61,
        0x72, 0x70, 0x61, 0x00, 0x00, 0x0c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00,
        0x00, 0xac, 0xb7, 0x00, 0x20, 0x13, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x2d, 0x70, 0x75,
        0x62, 0x6c, 0x69, 0x63, 0x2d, 0x64, 0x6e, 0x73, 0x2d, 0x61, 0x06, 0x67, 0x6f, 0x6f, 0x67,
        0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
    ];

    #[test]
    fn test_parse_ptr_response() {
        let m = DnsMessage::parse(PTR_RESPONSE, DnsHeader::ALL).unwrap();
        assert_eq!(m.header.id.value(), Some(&0x528e));
        assert_eq!(m.header.response.value(), Some(&true));
        assert_eq!(m.header.recursion_desired.value(), Some(&true));
        assert_eq!(m.header.ancount.value(), Some(&1));
        let q = m.first_question().unwrap();
        assert_eq!(
            q.qname().unwrap().display(m.msg).to_string(),
            "8.8.8.8.in-addr.arpa"
        );
        assert_eq!(q.qtype(), rtype::PTR);
        let records: Vec<_> = m.records().collect();
        assert_eq!(records.len(), 1);
        let (section, r) = records[0];
        assert_eq!(section, Section::Answer);
        // The owner name is a pointer to the question's name.
        assert_eq!(r.owner().unwrap().wire(), &[0xc0, 0x0c]);
        assert_eq!(
            r.owner().unwrap().display(m.msg).to_string(),
            "8.8.8.8.in-addr.arpa"
        );
        let RData::Ptr(target) = decode_rdata(r.rtype(), r.rdata()).unwrap() else {
            panic!()
        };
        assert_eq!(
            target.display(m.msg).to_string(),
            "google-public-dns-a.google.com"
        );
        assert_eq!(
            m.to_string(),
            "DNS id=0x528e response qd=1 an=1 ns=0 ar=0 8.8.8.8.in-addr.arpa type 12"
        );
    }

    #[test]
    fn test_truncated_at_every_length() {
        for len in 0..PTR_RESPONSE.len() {
            assert!(
                DnsMessage::parse(&PTR_RESPONSE[..len], DnsHeader::ALL).is_err(),
                "{len}"
            );
        }
        // With NONE only the header is checked.
        assert!(DnsMessage::parse(&PTR_RESPONSE[..12], DnsHeader::NONE).is_ok());
    }

    #[test]
    fn test_pointer_loop_is_an_error() {
        let mut m = PTR_RESPONSE.to_vec();
        // The answer's owner pointer now points at itself (offset 38).
        m[39] = 38;
        let err = DnsMessage::parse(&m, DnsHeader::ALL).unwrap_err();
        assert!(err.to_string().contains("compression pointers"), "{err}");
        // Two pointers pointing at each other.
        let msg = [0xc0, 0x02, 0xc0, 0x00];
        let (name, _) = dns_name(&msg).unwrap();
        assert!(name.validate(&msg).is_err());
        // Past the end.
        let msg = [0xc0, 0x40];
        assert!(dns_name(&msg).unwrap().0.validate(&msg).is_err());
    }

    #[test]
    fn test_overlong_name() {
        // 5 labels of 63 bytes: 320 bytes > 255.
        let mut msg = Vec::new();
        for _ in 0..5 {
            msg.push(63);
            msg.extend_from_slice(&[b'a'; 63]);
        }
        msg.push(0);
        assert!(dns_name(&msg).is_err());
        // The same through pointers: 3 labels in place then a pointer to them.
        let mut msg = Vec::new();
        for _ in 0..3 {
            msg.push(63);
            msg.extend_from_slice(&[b'a'; 63]);
        }
        msg.extend_from_slice(&[0xc0, 0x00]);
        let (name, _) = dns_name(&msg).unwrap();
        assert!(name.validate(&msg).unwrap_err().to_string().contains("255"));
    }

    #[test]
    fn test_rdata_types() {
        let msg = [3, b'f', b'o', b'o', 0];
        assert_eq!(
            decode_rdata(rtype::A, &[10, 0, 0, 1]).unwrap(),
            RData::A(Ipv4Addr::new(10, 0, 0, 1))
        );
        assert!(decode_rdata(rtype::A, &[10, 0, 0]).is_err());
        let RData::Mx {
            preference,
            exchange,
        } = decode_rdata(rtype::MX, &[0, 10, 0xc0, 0]).unwrap()
        else {
            panic!()
        };
        assert_eq!(preference, 10);
        assert_eq!(exchange.display(&msg).to_string(), "foo");
        let srv = [0, 1, 0, 2, 0x13, 0xc4, 0];
        assert!(matches!(
            decode_rdata(rtype::SRV, &srv).unwrap(),
            RData::Srv { port: 5060, .. }
        ));
        let mut soa = vec![0, 0];
        soa.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5]);
        assert!(matches!(
            decode_rdata(rtype::SOA, &soa).unwrap(),
            RData::Soa {
                serial: 1,
                minimum: 5,
                ..
            }
        ));
        assert!(decode_rdata(rtype::SOA, &soa[..10]).is_err());
        let txt = [2, b'h', b'i', 1, b'!', 9];
        assert_eq!(txt_strings(&txt).collect::<Vec<_>>(), [&b"hi"[..], b"!"]);
        assert_eq!(decode_rdata(99, &[1, 2]).unwrap(), RData::Other(&[1, 2]));
        let (root, n) = dns_name(&[0]).unwrap();
        assert_eq!(
            (root.display(&[0]).to_string(), n),
            ("<Root>".to_string(), 1)
        );
    }
}
