//! The tcpdump-syntax parser: tokens with byte positions → [`Expr`].
//!
//! Grammar (precedence `not` > `and` > `or`, the latter two
//! left-associative):
//!
//! ```text
//! or_expr   := and_expr (("or" | "||") and_expr)*
//! and_expr  := unary (("and" | "&&") unary)*
//! unary     := ("not" | "!") unary | "(" or_expr ")" | primitive
//! primitive := [ip | ip6 | tcp | udp | sctp] [src | dst | src or dst | src and dst]
//!              [host | net | port | portrange] ID
//!            | ip | ip6 | tcp | udp | icmp | icmp6 | sctp
//!            | [ip | ip6] proto (N | tcp | udp | icmp | icmp6 | sctp)
//!            | vlan [ID]
//! ```
//!
//! An ID without qualifiers reuses the previous primitive's qualifiers
//! (`host a or b` is `host a or host b`; `port 80 or 443`), and is a host
//! (or a net, with a `/`) when there is none.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use super::ast::{Dir, Expr, Primitive};
use super::ipset::{IpNet, IpNetError};
use crate::flow::ip_proto;

/// A filter expression that does not parse: where, and why.
///
/// `Display` prints the message, then the expression with carets under
/// the offending token:
///
/// ```text
/// expected a port number (0-65535), found `http`
///   tcp port http
///            ^^^^
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    input: String,
    position: usize,
    len: usize,
    message: String,
}

impl ParseError {
    pub(crate) fn new(input: &str, position: usize, len: usize, message: String) -> Self {
        ParseError {
            input: input.to_owned(),
            position,
            len,
            message,
        }
    }

    /// Byte offset of the offending token in the expression (its length
    /// when the expression ended too early).
    pub fn position(&self) -> usize {
        self.position
    }

    /// Length in bytes of the offending token (0 at the end of input).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the error points past the end of the input.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What is wrong, without the caret display.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The expression that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        writeln!(f, "  {}", self.input)?;
        f.write_str("  ")?;
        // Keep tabs so the caret lines up under tab-indented input.
        for c in self.input[..self.position].chars() {
            f.write_str(if c == '\t' { "\t" } else { " " })?;
        }
        let width = self.input[self.position..self.position + self.len]
            .chars()
            .count()
            .max(1);
        for _ in 0..width {
            f.write_str("^")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    LParen,
    RParen,
    Not,
    And,
    Or,
    Word,
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
}

fn is_word_byte(b: u8) -> bool {
    !b.is_ascii_whitespace() && !matches!(b, b'(' | b')' | b'!' | b'&' | b'|')
}

fn lex(input: &str) -> Result<Vec<Token<'_>>, ParseError> {
    let bytes = input.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let (kind, len) = match b {
            b'(' => (Kind::LParen, 1),
            b')' => (Kind::RParen, 1),
            b'!' => (Kind::Not, 1),
            b'&' if bytes.get(i + 1) == Some(&b'&') => (Kind::And, 2),
            b'|' if bytes.get(i + 1) == Some(&b'|') => (Kind::Or, 2),
            b'&' | b'|' => {
                let msg = format!("`{}` is not an operator; use `{0}{0}`", b as char);
                return Err(ParseError::new(input, i, 1, msg));
            }
            _ => {
                // Word bytes include all non-ASCII bytes, so a word never
                // ends inside a UTF-8 sequence.
                let len = bytes[i..].iter().take_while(|&&b| is_word_byte(b)).count();
                let kind = match &input[i..i + len] {
                    "and" => Kind::And,
                    "or" => Kind::Or,
                    "not" => Kind::Not,
                    _ => Kind::Word,
                };
                (kind, len)
            }
        };
        tokens.push(Token {
            kind,
            text: &input[i..i + len],
            start: i,
        });
        i += len;
    }
    Ok(tokens)
}

/// The kind of ID a qualifier list expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdType {
    Host,
    Net,
    Port,
    PortRange,
}

/// The qualifiers of the last primitive, reused by a bare ID.
#[derive(Clone, Copy, Debug)]
struct Quals {
    proto: Option<u8>,
    /// `ip` (4) or `ip6` (6) qualifier.
    ip: Option<u8>,
    dir: Dir,
    id: Option<IdType>,
}

/// Deepest nesting of parentheses and `not`s accepted (each level is a
/// stack frame in the parser and in every tree walk).
const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token<'a>>,
    pos: usize,
    depth: usize,
    last: Option<Quals>,
}

/// Parses a tcpdump-style expression.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let tokens = lex(input)?;
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
        depth: 0,
        last: None,
    };
    if p.tokens.is_empty() {
        return Err(ParseError::new(
            input,
            0,
            0,
            "empty filter expression".to_owned(),
        ));
    }
    let e = p.or_expr()?;
    if let Some(t) = p.peek() {
        let msg = match t.kind {
            Kind::RParen => "unbalanced `)`".to_owned(),
            _ => format!("expected `and` or `or` before `{}`", t.text),
        };
        return Err(p.error_at(t, msg));
    }
    Ok(e)
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "host"
            | "net"
            | "mask"
            | "port"
            | "portrange"
            | "src"
            | "dst"
            | "ip"
            | "ip6"
            | "tcp"
            | "udp"
            | "icmp"
            | "icmp6"
            | "sctp"
            | "proto"
            | "vlan"
    )
}

fn proto_keyword(w: &str) -> Option<u8> {
    Some(match w.strip_prefix('\\').unwrap_or(w) {
        "tcp" => ip_proto::TCP,
        "udp" => ip_proto::UDP,
        "icmp" => ip_proto::ICMP,
        "icmp6" => ip_proto::ICMPV6,
        "sctp" => ip_proto::SCTP,
        _ => return None,
    })
}

fn parse_u16(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn peek_word(&self, offset: usize) -> Option<&'a str> {
        self.tokens
            .get(self.pos + offset)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text)
    }

    fn eat(&mut self, kind: Kind) -> bool {
        if self.peek().is_some_and(|t| t.kind == kind) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn error_at(&self, t: Token<'_>, message: String) -> ParseError {
        ParseError::new(self.input, t.start, t.text.len(), message)
    }

    fn error_here(&self, message: impl Into<String>) -> ParseError {
        match self.peek() {
            Some(t) => self.error_at(t, message.into()),
            None => ParseError::new(
                self.input,
                self.input.len(),
                0,
                format!("{}, found the end of the expression", message.into()),
            ),
        }
    }

    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and_expr()?];
        while self.eat(Kind::Or) {
            items.push(self.and_expr()?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::Or(items)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        let mut items = Vec::new();
        loop {
            let (e, flatten) = self.unary()?;
            match e {
                // `tcp port 80` is sugar for `tcp and port 80`: splice it in.
                Expr::And(inner) if flatten => items.extend(inner),
                e => items.push(e),
            }
            if !self.eat(Kind::And) {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::And(items)
        })
    }

    /// Returns the expression and whether it is a desugared conjunction
    /// that may be spliced into an enclosing `and` list.
    fn unary(&mut self) -> Result<(Expr, bool), ParseError> {
        let Some(t) = self.peek() else {
            return Err(self.error_here("expected a primitive"));
        };
        match t.kind {
            Kind::Not | Kind::LParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error_at(t, "expression nested too deeply".to_owned()));
                }
                self.pos += 1;
                let e = if t.kind == Kind::Not {
                    Expr::Not(Box::new(self.unary()?.0))
                } else {
                    let e = self.or_expr()?;
                    if !self.eat(Kind::RParen) {
                        return Err(self.error_here("expected `)`"));
                    }
                    e
                };
                self.depth -= 1;
                Ok((e, false))
            }
            Kind::RParen => Err(self.error_at(t, "expected a primitive before `)`".to_owned())),
            Kind::And | Kind::Or => {
                Err(self.error_at(t, format!("expected a primitive before `{}`", t.text)))
            }
            Kind::Word => self.primitive(),
        }
    }

    fn primitive(&mut self) -> Result<(Expr, bool), ParseError> {
        let first = self.peek().expect("checked by caller");
        let w = first.text;
        // Primitives that stand alone.
        match w {
            "vlan" => {
                self.pos += 1;
                let id = match self.peek_word(0) {
                    Some(text) if !is_keyword(text) => {
                        let t = self.peek().expect("peeked");
                        let id = parse_u16(text).filter(|&id| id < 4096).ok_or_else(|| {
                            self.error_at(t, format!("expected a VLAN ID (0-4095), found `{text}`"))
                        })?;
                        self.pos += 1;
                        Some(id)
                    }
                    _ => None,
                };
                return Ok((Expr::Prim(Primitive::Vlan(id)), false));
            }
            "proto" => {
                self.pos += 1;
                return Ok((Expr::Prim(Primitive::Proto(self.proto_number()?)), false));
            }
            "icmp" | "icmp6" => {
                self.pos += 1;
                if let Some(next) = self.peek_word(0).filter(|n| is_keyword(n)) {
                    let t = self.peek().expect("peeked");
                    return Err(self.error_at(t, format!("`{w}` cannot qualify `{next}`")));
                }
                let p = proto_keyword(w).expect("keyword");
                return Ok((Expr::Prim(Primitive::Proto(p)), false));
            }
            _ => {}
        }

        let mut quals = Quals {
            proto: None,
            ip: None,
            dir: Dir::Either,
            id: None,
        };
        let mut explicit = false;
        match w {
            "ip" | "ip6" => {
                self.pos += 1;
                let version = if w == "ip" {
                    Primitive::Ip
                } else {
                    Primitive::Ip6
                };
                match self.peek_word(0) {
                    Some("proto") => {
                        self.pos += 1;
                        let p = self.proto_number()?;
                        let e =
                            Expr::And(vec![Expr::Prim(version), Expr::Prim(Primitive::Proto(p))]);
                        return Ok((e, true));
                    }
                    Some("src" | "dst" | "host" | "net") => {
                        quals.ip = Some(if w == "ip" { 4 } else { 6 });
                        explicit = true;
                    }
                    Some(next @ ("port" | "portrange")) => {
                        let t = self.peek().expect("peeked");
                        return Err(self.error_at(
                            t,
                            format!("`{w}` cannot qualify `{next}`; use tcp, udp or sctp"),
                        ));
                    }
                    _ => return Ok((Expr::Prim(version), false)),
                }
            }
            "tcp" | "udp" | "sctp" => {
                self.pos += 1;
                match self.peek_word(0) {
                    Some("src" | "dst" | "port" | "portrange") => {
                        quals.proto = proto_keyword(w);
                        explicit = true;
                    }
                    Some(next @ ("host" | "net")) => {
                        let t = self.peek().expect("peeked");
                        return Err(self.error_at(
                            t,
                            format!("`{w}` qualifies only `port` and `portrange`, not `{next}`"),
                        ));
                    }
                    _ => {
                        let p = proto_keyword(w).expect("keyword");
                        return Ok((Expr::Prim(Primitive::Proto(p)), false));
                    }
                }
            }
            _ => {}
        }

        // Direction qualifier: src, dst, src or dst, src and dst.
        if let Some(d @ ("src" | "dst")) = self.peek_word(0) {
            self.pos += 1;
            explicit = true;
            quals.dir = if d == "src" { Dir::Src } else { Dir::Dst };
            let other = if d == "src" { "dst" } else { "src" };
            let combined = self
                .peek()
                .filter(|t| matches!(t.kind, Kind::And | Kind::Or))
                .filter(|_| self.peek_word(1) == Some(other));
            if let Some(t) = combined {
                quals.dir = if t.kind == Kind::And {
                    Dir::Both
                } else {
                    Dir::Either
                };
                self.pos += 2;
            }
        }
        // Type qualifier.
        let id_type = match self.peek_word(0) {
            Some("host") => Some(IdType::Host),
            Some("net") => Some(IdType::Net),
            Some("port") => Some(IdType::Port),
            Some("portrange") => Some(IdType::PortRange),
            _ => None,
        };
        if id_type.is_some() {
            self.pos += 1;
            explicit = true;
            quals.id = id_type;
        }
        if quals.proto.is_some() && !matches!(quals.id, Some(IdType::Port | IdType::PortRange)) {
            if id_type.is_some() {
                let t = self.tokens[self.pos - 1];
                return Err(self.error_at(t, "expected `port` or `portrange`".to_owned()));
            }
            return Err(self.error_here("expected `port` or `portrange`"));
        }
        if quals.ip.is_some() && matches!(quals.id, Some(IdType::Port | IdType::PortRange)) {
            let t = self.tokens[self.pos - 1];
            return Err(self.error_at(t, "`ip`/`ip6` cannot qualify ports".to_owned()));
        }
        if !explicit {
            // tcpdump's abbreviation: a bare ID repeats the last qualifiers.
            if let Some(last) = self.last {
                quals = last;
            }
        }

        let Some(id) = self.peek().filter(|t| t.kind == Kind::Word) else {
            return Err(self.error_here(match quals.id {
                Some(IdType::Port) => "expected a port number",
                Some(IdType::PortRange) => "expected a port range such as 1024-2048",
                Some(IdType::Net) => "expected a network such as 10.0.0.0/8",
                _ => "expected an IP address",
            }));
        };
        if is_keyword(id.text) {
            let msg = if explicit {
                format!("expected a value, found the keyword `{}`", id.text)
            } else {
                format!("`{}` cannot start a primitive here", id.text)
            };
            return Err(self.error_at(id, msg));
        }
        self.pos += 1;
        let prim = self.value(id, &quals)?;
        self.last = Some(quals);

        let mut parts = Vec::new();
        if let Some(v) = quals.ip {
            parts.push(Expr::Prim(if v == 4 {
                Primitive::Ip
            } else {
                Primitive::Ip6
            }));
        }
        if let Some(p) = quals.proto {
            parts.push(Expr::Prim(Primitive::Proto(p)));
        }
        if parts.is_empty() {
            Ok((Expr::Prim(prim), false))
        } else {
            parts.push(Expr::Prim(prim));
            Ok((Expr::And(parts), true))
        }
    }

    /// The ID after the qualifiers, as a primitive.
    fn value(&mut self, id: Token<'a>, quals: &Quals) -> Result<Primitive, ParseError> {
        let dir = quals.dir;
        let text = id.text;
        let kind = quals.id.unwrap_or(if text.contains('/') {
            IdType::Net
        } else {
            IdType::Host
        });
        let prim = match kind {
            IdType::Host => {
                if text.contains('/') {
                    return Err(
                        self.error_at(id, format!("`{text}` is a network: use `net {text}`"))
                    );
                }
                let addr: IpAddr = text.parse().map_err(|_| {
                    self.error_at(
                        id,
                        format!(
                            "expected an IP address, found `{text}` (host names are not resolved)"
                        ),
                    )
                })?;
                Primitive::Host { dir, addr }
            }
            IdType::Net => Primitive::Net {
                dir,
                net: self.net(id)?,
            },
            IdType::Port => {
                let port = parse_u16(text).ok_or_else(|| {
                    self.error_at(
                        id,
                        format!("expected a port number (0-65535), found `{text}`"),
                    )
                })?;
                Primitive::Port {
                    dir,
                    first: port,
                    last: port,
                }
            }
            IdType::PortRange => {
                let range = text
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_u16(a)?, parse_u16(b)?)));
                let (a, b) = range.ok_or_else(|| {
                    self.error_at(
                        id,
                        format!("expected a port range such as 1024-2048, found `{text}`"),
                    )
                })?;
                Primitive::Port {
                    dir,
                    first: a.min(b),
                    last: a.max(b),
                }
            }
        };
        // `ip host ::1` can never match.
        let family_ok = match (&quals.ip, &prim) {
            (Some(4), Primitive::Host { addr, .. }) => addr.is_ipv4(),
            (Some(6), Primitive::Host { addr, .. }) => addr.is_ipv6(),
            (Some(4), Primitive::Net { net, .. }) => net.addr().is_ipv4(),
            (Some(6), Primitive::Net { net, .. }) => net.addr().is_ipv6(),
            _ => true,
        };
        if !family_ok {
            return Err(self.error_at(id, "address family does not match `ip`/`ip6`".to_owned()));
        }
        Ok(prim)
    }

    /// `CIDR`, `A.B` (an IPv4 prefix of whole octets), `ADDR`, or
    /// `ADDR mask MASK`.
    fn net(&mut self, id: Token<'a>) -> Result<IpNet, ParseError> {
        let text = id.text;
        let bad = |p: &Self, e: IpNetError| p.error_at(id, format!("`{text}`: {e}"));
        if text.contains('/') {
            return text.parse().map_err(|e| bad(self, e));
        }
        if self.peek_word(0) == Some("mask") {
            let addr: Ipv4Addr = text.parse().map_err(|_| bad(self, IpNetError::Syntax))?;
            self.pos += 1;
            let Some(m) = self.peek().filter(|t| t.kind == Kind::Word) else {
                return Err(self.error_here("expected a netmask such as 255.255.0.0"));
            };
            self.pos += 1;
            let mask = m
                .text
                .parse::<Ipv4Addr>()
                .ok()
                .map(u32::from)
                .filter(|m| m.leading_ones() + m.trailing_zeros() == 32)
                .ok_or_else(|| {
                    self.error_at(m, format!("`{}` is not a contiguous netmask", m.text))
                })?;
            let prefix = mask.leading_ones() as u8;
            return IpNet::new(IpAddr::V4(addr), prefix).map_err(|e| bad(self, e));
        }
        if let Ok(addr) = text.parse::<IpAddr>() {
            return Ok(IpNet::host(addr));
        }
        // tcpdump's `net 10` / `net 192.168`: whole leading octets.
        let octets: Vec<&str> = text.split('.').collect();
        if octets.len() < 4 {
            let mut bytes = [0u8; 4];
            for (i, o) in octets.iter().enumerate() {
                let v = parse_u16(o)
                    .filter(|&v| v < 256)
                    .ok_or_else(|| bad(self, IpNetError::Syntax))?;
                bytes[i] = v as u8;
            }
            let prefix = 8 * octets.len() as u8;
            return IpNet::new(IpAddr::V4(Ipv4Addr::from(bytes)), prefix).map_err(|e| bad(self, e));
        }
        Err(bad(self, IpNetError::Syntax))
    }

    fn proto_number(&mut self) -> Result<u8, ParseError> {
        let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) else {
            return Err(self.error_here("expected a protocol number or name"));
        };
        let p = proto_keyword(t.text)
            .or_else(|| parse_u16(t.text).and_then(|v| u8::try_from(v).ok()))
            .ok_or_else(|| {
                self.error_at(
                    t,
                    format!(
                        "expected a protocol number (0-255) or tcp/udp/icmp/icmp6/sctp, found `{}`",
                        t.text
                    ),
                )
            })?;
        self.pos += 1;
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).unwrap_or_else(|e| panic!("{e}")).to_string()
    }

    fn err(s: &str) -> ParseError {
        parse(s).expect_err(s)
    }

    #[test]
    fn primitives() {
        assert_eq!(p("host 10.0.0.1"), "host 10.0.0.1");
        assert_eq!(p("src host 10.0.0.1"), "src host 10.0.0.1");
        assert_eq!(p("dst 2001:db8::1"), "dst host 2001:db8::1");
        assert_eq!(p("src or dst host 1.2.3.4"), "host 1.2.3.4");
        assert_eq!(
            p("src and dst net 10.0.0.0/8"),
            "src and dst net 10.0.0.0/8"
        );
        assert_eq!(p("net 192.168"), "net 192.168.0.0/16");
        assert_eq!(p("net 10.1.0.0 mask 255.255.0.0"), "net 10.1.0.0/16");
        assert_eq!(p("10.0.0.0/8"), "net 10.0.0.0/8");
        assert_eq!(p("port 53"), "port 53");
        assert_eq!(p("dst portrange 6000-6010"), "dst portrange 6000-6010");
        assert_eq!(p("portrange 90-80"), "portrange 80-90");
        assert_eq!(p("tcp dst port 80"), "tcp and dst port 80");
        assert_eq!(p("ip proto 47"), "ip and proto 47");
        assert_eq!(p("ip6 proto \\udp"), "ip6 and udp");
        assert_eq!(p("proto 6"), "tcp");
        assert_eq!(p("ip6 net 2001:db8::/32"), "ip6 and net 2001:db8::/32");
        assert_eq!(p("vlan"), "vlan");
        assert_eq!(p("vlan 100 and icmp"), "vlan 100 and icmp");
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let e = parse("tcp or udp and not port 53").unwrap();
        assert_eq!(
            e,
            Expr::Or(vec![
                Expr::Prim(Primitive::Proto(6)),
                Expr::And(vec![
                    Expr::Prim(Primitive::Proto(17)),
                    Expr::Not(Box::new(Expr::Prim(Primitive::Port {
                        dir: Dir::Either,
                        first: 53,
                        last: 53
                    }))),
                ]),
            ])
        );
        assert_eq!(p("! (tcp || udp) && ip6"), "not (tcp or udp) and ip6");
    }

    #[test]
    fn abbreviation_repeats_the_last_qualifiers() {
        assert_eq!(p("host 1.2.3.4 or 5.6.7.8"), "host 1.2.3.4 or host 5.6.7.8");
        assert_eq!(p("src port 80 or 443"), "src port 80 or src port 443");
        assert_eq!(
            p("not host 1.1.1.1 and 2.2.2.2"),
            "not host 1.1.1.1 and host 2.2.2.2"
        );
        assert_eq!(p("tcp port 22 or 80"), "tcp and port 22 or tcp and port 80");
    }

    #[test]
    fn errors_point_at_the_token() {
        let e = err("tcp port http");
        assert_eq!(e.position(), 9);
        assert_eq!(
            e.to_string(),
            "expected a port number (0-65535), found `http`\n  tcp port http\n           ^^^^"
        );
        let e = err("host 10.0.0.1 and");
        assert_eq!(e.position(), 17);
        assert!(e.message().contains("end of the expression"), "{e}");
        assert_eq!(err("(tcp").position(), 4);
        assert_eq!(err("tcp)").position(), 3);
        assert_eq!(
            err("net 10.0.0.1/8").message(),
            "`10.0.0.1/8`: non-network bits set in the address"
        );
        assert_eq!(err("host example.com").position(), 5);
        assert_eq!(err("tcp host 1.2.3.4").position(), 4);
        assert_eq!(err("ip host ::1").position(), 8);
        assert_eq!(err("port 80 tcp").position(), 8);
        assert_eq!(err("a & b").position(), 2);
        assert_eq!(err("vlan 5000").position(), 5);
        assert_eq!(err("").position(), 0);
        assert_eq!(err("and").position(), 0);
        assert_eq!(
            err(&"(".repeat(500)).message(),
            "expression nested too deeply"
        );
    }
}
