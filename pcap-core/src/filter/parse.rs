//! The tcpdump-syntax parser: tokens with byte positions → [`Expr`].
//!
//! Grammar, as pcap-filter(7): `not` binds tightest; `and` and `or` have
//! **equal precedence and associate left to right** (`a or b and c` is
//! `(a or b) and c`).
//!
//! ```text
//! expr      := unary (("and" | "&&" | "or" | "||") unary)*
//! unary     := ("not" | "!") unary | "(" expr ")" | primitive
//! primitive := [ip | ip6 | tcp | udp | sctp] [src | dst | src or dst | src and dst]
//!              [host | net | port | portrange] ID
//!            | ip | ip6 | tcp | udp | icmp | icmp6 | sctp | igmp | pim | vrrp | ah | esp
//!            | [ip | ip6] proto (N | \NAME)
//!            | ether [src | dst | src or dst | src and dst] [host] MAC
//!            | ether proto (N | \ip | \ip6 | \arp | \rarp) | arp | rarp
//!            | greater N | less N | vlan [ID]
//!            | arith relop arith
//! relop     := > | < | >= | <= | = | == | !=
//! arith     := N | NAME | len | PROTO "[" arith [":" (1 | 2 | 4)] "]"
//!            | "-" arith | "(" arith ")" | arith OP arith
//! OP        := + - * / % & | ^ << >>
//! PROTO     := ether | link | ip | ip6 | tcp | udp | icmp | icmp6
//! ```
//!
//! Arithmetic precedence is libpcap 1.10's: `|` < `&` < `<<` `>>` < `+`
//! `-` < `*` `/` < unary `-`, left-associative; `%` and `^` take the
//! operand just before them and everything after them as the other
//! (`7 % 4 + 1` is `7 % 5`), as tcpdump parses them.
//!
//! An ID without qualifiers reuses the previous primitive's qualifiers
//! (`host a or b` is `host a or host b`; `port 80 or 443`), and is a host
//! (or a net, with a `/`) when there is none.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use super::ast::{Arith, ArithOp, Dir, Expr, Layer, Primitive, RelOp};
use super::ipset::{IpNet, IpNetError};
use super::meta::{self, FieldOp, FieldTest};
use super::names;
use crate::mac::MacAddr;
use crate::vocab::IpProto;

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
    LBracket,
    RBracket,
    Not,
    And,
    Or,
    /// A relational operator.
    Rel(RelOp),
    /// An arithmetic operator that is never part of a word (`-` and `/`
    /// are, as in `10.0.0.0/8` and `tcp-syn`; they are split out of words
    /// in arithmetic).
    Op(ArithOp),
    Word,
    /// A `"..."` string literal (quotes included in the text; unterminated
    /// when it does not end in `"`).
    Str,
    LBrace,
    RBrace,
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
}

fn is_word_byte(b: u8) -> bool {
    !b.is_ascii_whitespace()
        && !matches!(
            b,
            b'(' | b')'
                | b'['
                | b']'
                | b'!'
                | b'&'
                | b'|'
                | b'^'
                | b'+'
                | b'*'
                | b'%'
                | b'<'
                | b'>'
                | b'='
                | b'"'
                | b'{'
                | b'}'
        )
}

fn lex(input: &str) -> Vec<Token<'_>> {
    let bytes = input.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (kind, len) = match (b, next) {
            (b'(', _) => (Kind::LParen, 1),
            (b')', _) => (Kind::RParen, 1),
            (b'[', _) => (Kind::LBracket, 1),
            (b']', _) => (Kind::RBracket, 1),
            (b'!', Some(b'=')) => (Kind::Rel(RelOp::Ne), 2),
            (b'!', _) => (Kind::Not, 1),
            (b'&', Some(b'&')) => (Kind::And, 2),
            (b'&', _) => (Kind::Op(ArithOp::And), 1),
            (b'|', Some(b'|')) => (Kind::Or, 2),
            (b'|', _) => (Kind::Op(ArithOp::Or), 1),
            (b'^', _) => (Kind::Op(ArithOp::Xor), 1),
            (b'+', _) => (Kind::Op(ArithOp::Add), 1),
            (b'*', _) => (Kind::Op(ArithOp::Mul), 1),
            (b'%', _) => (Kind::Op(ArithOp::Mod), 1),
            (b'<', Some(b'<')) => (Kind::Op(ArithOp::Shl), 2),
            (b'<', Some(b'=')) => (Kind::Rel(RelOp::Le), 2),
            (b'<', _) => (Kind::Rel(RelOp::Lt), 1),
            (b'>', Some(b'>')) => (Kind::Op(ArithOp::Shr), 2),
            (b'>', Some(b'=')) => (Kind::Rel(RelOp::Ge), 2),
            (b'>', _) => (Kind::Rel(RelOp::Gt), 1),
            (b'=', Some(b'=')) => (Kind::Rel(RelOp::Eq), 2),
            (b'=', _) => (Kind::Rel(RelOp::Eq), 1),
            (b'{', _) => (Kind::LBrace, 1),
            (b'}', _) => (Kind::RBrace, 1),
            (b'"', _) => {
                // To the closing quote; `\` escapes the next character.
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                (Kind::Str, (j + 1).min(bytes.len()) - i)
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
    tokens
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
    /// `ether` qualifier (the ID is a MAC address).
    ether: bool,
    dir: Dir,
    id: Option<IdType>,
}

/// Deepest nesting accepted: parentheses, `not`s, changes between `and`
/// and `or` in a chain, and arithmetic nesting (each level is a stack
/// frame in the parser and in every tree walk).
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
    let tokens = lex(input);
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
    let e = p.expr()?;
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
            | "ether"
            | "arp"
            | "rarp"
            | "greater"
            | "less"
            | "len"
            | "link"
    ) || names::protocol_keyword(w).is_some()
}

fn proto_keyword(w: &str) -> Option<u8> {
    IpProto::from_keyword(w).map(|p| p.0)
}

fn parse_u16(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A number as libpcap reads one: decimal, `0x` hexadecimal, or octal
/// with a leading `0`.
fn parse_number(s: &str) -> Option<u32> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        return u32::from_str_radix(hex, 16).ok();
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') {
        return u32::from_str_radix(&s[1..], 8).ok();
    }
    s.parse().ok()
}

/// A byte-access keyword (`tcp` in `tcp[13]`).
fn layer_keyword(w: &str) -> Option<Layer> {
    Some(match w {
        "ether" | "link" => Layer::Ether,
        "ip" => Layer::Ip,
        "ip6" => Layer::Ip6,
        "tcp" => Layer::Tcp,
        "udp" => Layer::Udp,
        "icmp" => Layer::Icmp,
        "icmp6" => Layer::Icmp6,
        _ => return None,
    })
}

/// A token of an arithmetic expression: the main tokens, with words split
/// into numbers, names, `-`, `/` and `:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AKind {
    Num(u32),
    Name,
    Colon,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Rel(RelOp),
    Op(ArithOp),
}

#[derive(Clone, Copy, Debug)]
struct ATok<'a> {
    kind: AKind,
    text: &'a str,
    start: usize,
}

/// Splits a word of an arithmetic expression (`13:2`, `len-1`, `tcp-syn`,
/// `/4`) into tokens.
fn split_word<'a>(input: &str, t: Token<'a>, out: &mut Vec<ATok<'a>>) -> Result<(), ParseError> {
    let text = t.text;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (kind, len) = match b {
            b'-' => (AKind::Op(ArithOp::Sub), 1),
            b'/' => (AKind::Op(ArithOp::Div), 1),
            b':' => (AKind::Colon, 1),
            b'0'..=b'9' => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let s = &text[i..i + len];
                let n = parse_number(s).ok_or_else(|| {
                    ParseError::new(input, t.start + i, len, format!("`{s}` is not a number"))
                })?;
                (AKind::Num(n), len)
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let run = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
                    .count();
                let whole = text[i..i + run].trim_end_matches('-');
                // A hyphenated name (`tcp-syn`) is one token; otherwise
                // `-` is a minus (`len-1`).
                let len = if names::value(whole).is_some() {
                    whole.len()
                } else {
                    bytes[i..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                        .count()
                };
                (AKind::Name, len)
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or('?');
                return Err(ParseError::new(
                    input,
                    t.start + i,
                    c.len_utf8(),
                    format!("unexpected `{c}` in an arithmetic expression"),
                ));
            }
        };
        out.push(ATok {
            kind,
            text: &text[i..i + len],
            start: t.start + i,
        });
        i += len;
    }
    Ok(())
}

/// Binding powers (left, right) of a binary arithmetic operator. `%` and
/// `^` bind their left operand tighter than anything and take everything
/// after them as the right one: libpcap 1.10's grammar gives them no
/// precedence, so its parser always shifts them.
pub(crate) fn binding(op: ArithOp) -> (u8, u8) {
    match op {
        ArithOp::Or => (1, 2),
        ArithOp::And => (3, 4),
        ArithOp::Shl | ArithOp::Shr => (5, 6),
        ArithOp::Add | ArithOp::Sub => (7, 8),
        ArithOp::Mul | ArithOp::Div => (9, 10),
        ArithOp::Mod | ArithOp::Xor => (100, 0),
    }
}

/// The binding power of unary minus' operand.
pub(crate) const UNARY_MINUS: u8 = 11;

/// The arithmetic part of a comparison, as tokens.
struct ArithParser<'a, 'p> {
    input: &'p str,
    toks: Vec<ATok<'a>>,
    pos: usize,
    depth: usize,
    /// Where the comparison's text ends (for errors at its end).
    end: usize,
}

impl<'a> ArithParser<'a, '_> {
    fn peek(&self) -> Option<ATok<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn error_at(&self, t: ATok<'_>, message: String) -> ParseError {
        ParseError::new(self.input, t.start, t.text.len(), message)
    }

    fn error_here(&self, message: &str) -> ParseError {
        match self.peek() {
            Some(t) => self.error_at(t, format!("{message}, found `{}`", t.text)),
            None => ParseError::new(
                self.input,
                self.end,
                0,
                format!("{message}, found the end of the expression"),
            ),
        }
    }

    fn enter(&mut self, t: ATok<'_>) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(t, "expression nested too deeply".to_owned()));
        }
        Ok(())
    }

    fn expect(&mut self, kind: AKind, what: &str) -> Result<(), ParseError> {
        if self.peek().is_some_and(|t| t.kind == kind) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error_here(&format!("expected {what}")))
        }
    }

    fn arith(&mut self, min_bp: u8) -> Result<Arith, ParseError> {
        let mut lhs = self.operand()?;
        // Each operator of a chain (`1 + 1 + 1 ...`) nests the tree one
        // level deeper, though the parser does not recurse for it.
        let before = self.depth;
        while let Some(t) = self.peek() {
            let AKind::Op(op) = t.kind else { break };
            let (l, r) = binding(op);
            if l < min_bp {
                break;
            }
            self.pos += 1;
            self.enter(t)?;
            let rhs = self.arith(r)?;
            if matches!(op, ArithOp::Div | ArithOp::Mod) && rhs == Arith::Num(0) {
                return Err(self.error_at(t, "division by zero".to_owned()));
            }
            lhs = Arith::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        self.depth = before;
        Ok(lhs)
    }

    fn operand(&mut self) -> Result<Arith, ParseError> {
        let Some(t) = self.peek() else {
            return Err(self.error_here("expected a value"));
        };
        self.pos += 1;
        match t.kind {
            AKind::Num(n) => Ok(Arith::Num(n)),
            AKind::Op(ArithOp::Sub) => {
                self.enter(t)?;
                let a = self.arith(UNARY_MINUS)?;
                self.depth -= 1;
                Ok(Arith::Neg(Box::new(a)))
            }
            AKind::LParen => {
                self.enter(t)?;
                let a = self.arith(0)?;
                self.expect(AKind::RParen, "`)`")?;
                self.depth -= 1;
                Ok(a)
            }
            AKind::Name => self.name(t),
            _ => {
                self.pos -= 1;
                Err(self.error_here("expected a value"))
            }
        }
    }

    fn name(&mut self, t: ATok<'a>) -> Result<Arith, ParseError> {
        let w = t.text;
        let bracket = self.peek().is_some_and(|n| n.kind == AKind::LBracket);
        if w == "len" {
            return Ok(Arith::Len);
        }
        if let Some(v) = names::value(w) {
            return Ok(Arith::Num(v));
        }
        let Some(layer) = layer_keyword(w) else {
            let msg = if bracket {
                format!(
                    "`{w}[...]` is not supported (byte access works on ether, ip, ip6, tcp, udp, icmp, icmp6)"
                )
            } else if names::unsupported(w) {
                format!("`{w}` is not supported")
            } else {
                format!(
                    "`{w}` is not a value (a number, `len`, a named value such as `tcp-syn`, or a byte access such as `tcp[13]`)"
                )
            };
            return Err(self.error_at(t, msg));
        };
        if !bracket {
            return Err(self.error_at(
                t,
                format!("expected `[` after `{w}` (a byte access such as `{w}[0]`)"),
            ));
        }
        self.pos += 1;
        self.enter(t)?;
        let offset = self.arith(0)?;
        let mut size = 1;
        if self.peek().is_some_and(|n| n.kind == AKind::Colon) {
            self.pos += 1;
            let s = self.peek();
            size = match s.map(|s| s.kind) {
                Some(AKind::Num(n @ (1 | 2 | 4))) => n as u8,
                Some(_) => {
                    let s = s.expect("peeked");
                    return Err(self.error_at(s, "data size must be 1, 2 or 4".to_owned()));
                }
                None => return Err(self.error_here("expected a data size (1, 2 or 4)")),
            };
            self.pos += 1;
        }
        self.expect(AKind::RBracket, "`]`")?;
        self.depth -= 1;
        Ok(Arith::Load {
            layer,
            offset: Box::new(offset),
            size,
        })
    }
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

    /// A chain of primitives joined by `and`/`or`, left to right with equal
    /// precedence: `a or b and c` is `(a or b) and c`.
    fn expr(&mut self) -> Result<Expr, ParseError> {
        let (mut acc, mut sugar) = self.unary()?;
        // The operator of the list `acc` is, when this chain built it.
        let mut acc_op: Option<Kind> = None;
        let depth_before = self.depth;
        while let Some(t) = self
            .peek()
            .filter(|t| matches!(t.kind, Kind::And | Kind::Or))
        {
            self.pos += 1;
            let (rhs, rhs_sugar) = self.unary()?;
            let and = t.kind == Kind::And;
            // `tcp port 80` is sugar for `tcp and port 80`: its parts join
            // an enclosing `and` list.
            let continues = acc_op == Some(t.kind) || (and && sugar);
            if !continues {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error_at(t, "expression nested too deeply".to_owned()));
                }
                acc = if and {
                    Expr::And(vec![acc])
                } else {
                    Expr::Or(vec![acc])
                };
            }
            sugar = false;
            acc_op = Some(t.kind);
            match (&mut acc, rhs) {
                (Expr::And(items), Expr::And(inner)) if rhs_sugar => items.extend(inner),
                (Expr::And(items) | Expr::Or(items), rhs) => items.push(rhs),
                _ => unreachable!("acc is a list here"),
            }
        }
        self.depth = depth_before;
        Ok(acc)
    }

    /// Returns the expression and whether it is a desugared conjunction
    /// that may be spliced into an enclosing `and` list.
    fn unary(&mut self) -> Result<(Expr, bool), ParseError> {
        let Some(t) = self.peek() else {
            return Err(self.error_here("expected a primitive"));
        };
        match t.kind {
            Kind::LParen if self.paren_is_arith() => self.comparison(),
            Kind::Not | Kind::LParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error_at(t, "expression nested too deeply".to_owned()));
                }
                self.pos += 1;
                let e = if t.kind == Kind::Not {
                    Expr::Not(Box::new(self.unary()?.0))
                } else {
                    let e = self.expr()?;
                    if self.peek().is_some_and(|t| t.kind == Kind::RParen) {
                        self.pos += 1;
                    } else {
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
            Kind::Word if meta::meta_key(t.text).is_some() => self.field_test(),
            Kind::Word if self.word_is_field_test() => Err(self.error_at(
                t,
                format!(
                    "unknown field `{}`; the searchable fields are {}",
                    t.text,
                    meta::META_KEYS.join(", ")
                ),
            )),
            Kind::Word if self.word_is_arith() => self.comparison(),
            Kind::Word => self.primitive(),
            Kind::LBracket
            | Kind::RBracket
            | Kind::Rel(_)
            | Kind::Op(_)
            | Kind::Str
            | Kind::LBrace
            | Kind::RBrace => {
                Err(self.error_at(t, format!("expected a primitive, found `{}`", t.text)))
            }
        }
    }

    /// Whether the word here is a field name in a display-filter test
    /// (`name contains "x"`, `name == "x"`), known or not.
    fn word_is_field_test(&self) -> bool {
        let t = self.tokens[self.pos];
        let dotted = t.text.contains('.') && t.text.starts_with(|c: char| c.is_ascii_alphabetic());
        let next = self.tokens.get(self.pos + 1);
        let after = self.tokens.get(self.pos + 2).map(|n| n.kind);
        dotted
            && match next {
                Some(n) if n.kind == Kind::Word => matches!(n.text, "contains" | "matches" | "in"),
                Some(n) if matches!(n.kind, Kind::Rel(_)) => after == Some(Kind::Str),
                _ => false,
            }
    }

    /// A string literal here: its value.
    fn string(&mut self, what: &str) -> Result<String, ParseError> {
        match self.peek() {
            Some(t) if t.kind == Kind::Str => {
                let value = meta::unquote(t.text).ok_or_else(|| {
                    self.error_at(t, "unterminated or malformed string".to_owned())
                })?;
                self.pos += 1;
                Ok(value)
            }
            _ => Err(self.error_here(format!("expected {what} (a \"quoted\" string)"))),
        }
    }

    /// A value of a field test: a string literal, or a bare word (a number,
    /// a hash).
    fn field_value(&mut self) -> Result<(String, Token<'a>), ParseError> {
        let Some(t) = self.peek() else {
            return Err(self.error_here("expected a value"));
        };
        match t.kind {
            Kind::Str => Ok((self.string("a value")?, t)),
            Kind::Word => {
                self.pos += 1;
                Ok((t.text.to_owned(), t))
            }
            _ => Err(self.error_at(t, format!("expected a value, found `{}`", t.text))),
        }
    }

    /// `KEY`, `KEY == V`, `KEY != V`, `KEY contains V`, `KEY matches RE`,
    /// `KEY in {V ...}`, `KEY >= N`: a test on session metadata.
    fn field_test(&mut self) -> Result<(Expr, bool), ParseError> {
        let name = self.peek().expect("checked by caller");
        let key = meta::meta_key(name.text).expect("checked by caller");
        self.pos += 1;
        let numeric = meta::is_numeric(key);
        let op = match self.peek() {
            Some(t) if matches!(t.kind, Kind::Rel(_)) => {
                let Kind::Rel(rel) = t.kind else {
                    unreachable!("matched above")
                };
                self.pos += 1;
                let (value, at) = self.field_value()?;
                match rel {
                    RelOp::Eq => FieldOp::Eq(value),
                    RelOp::Ne => FieldOp::Ne(value),
                    _ if !numeric => {
                        return Err(self.error_at(
                            t,
                            format!(
                                "`{key}` is text: compare it with ==, !=, contains, matches or in"
                            ),
                        ));
                    }
                    _ => {
                        let n = value.parse::<u64>().map_err(|_| {
                            self.error_at(at, format!("expected a number, found `{value}`"))
                        })?;
                        FieldOp::Cmp(rel, n)
                    }
                }
            }
            Some(t) if t.kind == Kind::Word && t.text == "contains" => {
                self.pos += 1;
                FieldOp::Contains(self.string("the text to look for")?)
            }
            Some(t) if t.kind == Kind::Word && t.text == "matches" => {
                self.pos += 1;
                let at = self.peek();
                let re = self.string("a regular expression")?;
                if let Err(e) = regex::Regex::new(&re) {
                    let at = at.expect("a string was read");
                    return Err(self.error_at(at, format!("bad regular expression: {e}")));
                }
                FieldOp::Matches(re)
            }
            Some(t) if t.kind == Kind::Word && t.text == "in" => {
                self.pos += 1;
                if !self.peek().is_some_and(|t| t.kind == Kind::LBrace) {
                    return Err(self.error_here("expected `{` after `in`"));
                }
                self.pos += 1;
                let mut values = Vec::new();
                loop {
                    match self.peek() {
                        Some(t) if t.kind == Kind::RBrace => {
                            self.pos += 1;
                            break;
                        }
                        // Commas between values are optional.
                        Some(t) if t.kind == Kind::Word && t.text == "," => self.pos += 1,
                        Some(_) => {
                            let (mut v, _) = self.field_value()?;
                            if let Some(stripped) = v.strip_suffix(',') {
                                v = stripped.to_owned();
                            }
                            values.push(v);
                        }
                        None => return Err(self.error_here("expected `}`")),
                    }
                }
                if values.is_empty() {
                    return Err(self.error_here("expected at least one value in `{...}`"));
                }
                FieldOp::In(values)
            }
            _ => FieldOp::Exists,
        };
        Ok((Expr::Prim(Primitive::Field(FieldTest { key, op })), false))
    }

    /// Whether the token after the `)` matching the `(` here continues an
    /// arithmetic expression: `(tcp[12] & 0xf0) >> 2 > 20`.
    fn paren_is_arith(&self) -> bool {
        let mut depth = 0usize;
        for (i, t) in self.tokens[self.pos..].iter().enumerate() {
            match t.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return match self.tokens.get(self.pos + i + 1) {
                            Some(n) => match n.kind {
                                Kind::Rel(_) | Kind::Op(_) => true,
                                Kind::Word => n.text.starts_with(['-', '/']),
                                _ => false,
                            },
                            None => false,
                        };
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Whether the word here starts a comparison rather than a primitive.
    fn word_is_arith(&self) -> bool {
        let t = self.tokens[self.pos];
        let next = self.tokens.get(self.pos + 1).map(|n| n.kind);
        if t.text.starts_with('-') || next == Some(Kind::LBracket) {
            return true;
        }
        let first = t
            .text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .next()
            .unwrap_or("");
        let name = if names::value(first).is_some() {
            first
        } else {
            first.split('-').next().unwrap_or("")
        };
        if name == "len" || names::value(name).is_some() {
            return true;
        }
        let operator_next = match self.tokens.get(self.pos + 1) {
            Some(n) => match n.kind {
                Kind::Rel(_) | Kind::Op(_) => true,
                // `-` and `/` are word bytes: `len - 1`, `0 / 2`.
                Kind::Word => n.text.starts_with(['-', '/']),
                _ => false,
            },
            None => false,
        };
        // `tcp = 1`: a byte access missing its brackets.
        (operator_next && layer_keyword(t.text).is_some())
            || (operator_next
                && t.text.starts_with(|c: char| c.is_ascii_digit())
                && !t.text.contains(['.', ':']))
    }

    /// `arith relop arith`: the tokens up to the next `and`, `or`, `not`
    /// or unbalanced `)`.
    fn comparison(&mut self) -> Result<(Expr, bool), ParseError> {
        let begin = self.pos;
        let mut end = self.pos;
        let mut parens = 0usize;
        while let Some(t) = self.tokens.get(end) {
            match t.kind {
                Kind::And | Kind::Or | Kind::Not => break,
                Kind::LParen => parens += 1,
                Kind::RParen if parens == 0 => break,
                Kind::RParen => parens -= 1,
                _ => {}
            }
            end += 1;
        }
        let mut toks = Vec::new();
        for &t in &self.tokens[begin..end] {
            let kind = match t.kind {
                Kind::LParen => AKind::LParen,
                Kind::RParen => AKind::RParen,
                Kind::LBracket => AKind::LBracket,
                Kind::RBracket => AKind::RBracket,
                Kind::Rel(r) => AKind::Rel(r),
                Kind::Op(o) => AKind::Op(o),
                Kind::Word => {
                    split_word(self.input, t, &mut toks)?;
                    continue;
                }
                Kind::Not | Kind::And | Kind::Or => unreachable!("ends the comparison"),
                Kind::Str | Kind::LBrace | Kind::RBrace => {
                    return Err(self.error_at(
                        t,
                        format!("`{}` cannot be part of an arithmetic comparison", t.text),
                    ));
                }
            };
            toks.push(ATok {
                kind,
                text: t.text,
                start: t.start,
            });
        }
        let text_end = self.tokens[..end]
            .last()
            .map_or(self.input.len(), |t| t.start + t.text.len());
        let mut a = ArithParser {
            input: self.input,
            toks,
            pos: 0,
            depth: self.depth,
            end: text_end,
        };
        let lhs = a.arith(0)?;
        let op = match a.peek().map(|t| t.kind) {
            Some(AKind::Rel(op)) => op,
            _ => {
                // The value as written (`tcp-syn`, not its number).
                let from = self.tokens[begin].start;
                let to = a.peek().map_or(text_end, |t| t.start);
                let shown = self.input[from..to].trim();
                let msg = format!(
                    "expected a comparison (`=`, `!=`, `<`, `>`, `<=`, `>=`) after `{shown}`: \
                     a value is not a test (write `{shown} != 0` for \"any bit set\")"
                );
                return Err(match a.peek() {
                    Some(t) => a.error_at(t, msg),
                    None => ParseError::new(self.input, text_end, 0, msg),
                });
            }
        };
        a.pos += 1;
        let rhs = a.arith(0)?;
        if let Some(t) = a.peek() {
            let msg = match t.kind {
                AKind::Rel(_) => "comparisons do not chain; join them with `and`".to_owned(),
                _ => format!("expected `and` or `or` before `{}`", t.text),
            };
            return Err(a.error_at(t, msg));
        }
        self.pos = end;
        self.last = None;
        Ok((Expr::Prim(Primitive::Compare { op, lhs, rhs }), false))
    }

    /// `greater N` / `less N`: the number after them.
    fn length(&mut self, keyword: &str) -> Result<u32, ParseError> {
        let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) else {
            return Err(self.error_here(format!("expected a length after `{keyword}`")));
        };
        let n = parse_number(t.text).ok_or_else(|| {
            self.error_at(
                t,
                format!("expected a length after `{keyword}`, found `{}`", t.text),
            )
        })?;
        self.pos += 1;
        Ok(n)
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
            "greater" | "less" => {
                self.pos += 1;
                let n = self.length(w)?;
                let op = if w == "greater" { RelOp::Ge } else { RelOp::Le };
                let prim = Primitive::Compare {
                    op,
                    lhs: Arith::Len,
                    rhs: Arith::Num(n),
                };
                return Ok((Expr::Prim(prim), false));
            }
            "arp" | "rarp" => {
                self.pos += 1;
                if let Some(next) = self.peek_word(0).filter(|n| is_keyword(n)) {
                    let t = self.peek().expect("peeked");
                    return Err(self.error_at(t, format!("`{w} {next}` is not supported")));
                }
                let ty = names::ethertype(w).expect("arp and rarp are named");
                return Ok((Expr::Prim(Primitive::EtherProto(ty)), false));
            }
            _ => {}
        }
        if let Some(p) = names::protocol_keyword(w) {
            self.pos += 1;
            return Ok((Expr::Prim(Primitive::Proto(p)), false));
        }
        if names::unsupported(w) {
            return Err(self.error_at(first, format!("`{w}` is not supported")));
        }

        let mut quals = Quals {
            proto: None,
            ip: None,
            ether: false,
            dir: Dir::Either,
            id: None,
        };
        let mut explicit = false;
        match w {
            "ether" => {
                self.pos += 1;
                match self.peek_word(0) {
                    Some("proto") => {
                        self.pos += 1;
                        let ty = self.ether_proto()?;
                        return Ok((Expr::Prim(Primitive::EtherProto(ty)), false));
                    }
                    Some("src" | "dst" | "host") => {
                        quals.ether = true;
                        explicit = true;
                    }
                    Some(next @ ("broadcast" | "multicast")) => {
                        let t = self.peek().expect("peeked");
                        return Err(self.error_at(t, format!("`ether {next}` is not supported")));
                    }
                    _ => {
                        return Err(self.error_here(
                            "expected `host`, `src`, `dst`, `proto` or `[` after `ether`",
                        ));
                    }
                }
            }
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
                    Some(next) if names::unsupported(next) => {
                        let t = self.peek().expect("peeked");
                        return Err(self.error_at(t, format!("`{w} {next}` is not supported")));
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
        if quals.ether && !matches!(quals.id, None | Some(IdType::Host)) {
            let t = self.tokens[self.pos - 1];
            return Err(self.error_at(t, "`ether` qualifies only `host`".to_owned()));
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
                _ if quals.ether => "expected a MAC address such as 00:11:22:33:44:55",
                Some(IdType::Port) => "expected a port number or name",
                Some(IdType::PortRange) => "expected a port range such as 1024-2048",
                Some(IdType::Net) => "expected a network such as 10.0.0.0/8",
                Some(IdType::Host) => "expected an IP address",
                None => "expected a primitive",
            }));
        };
        if is_keyword(id.text) || names::unsupported(id.text) {
            let msg = if explicit {
                format!("expected a value, found the keyword `{}`", id.text)
            } else if names::unsupported(id.text) {
                format!("`{}` is not supported", id.text)
            } else {
                format!("`{}` cannot start a primitive here", id.text)
            };
            return Err(self.error_at(id, msg));
        }
        if !explicit && self.last.is_none() && !looks_like_address(id.text) {
            return Err(self.error_at(
                id,
                format!(
                    "unknown primitive `{}` (not a pcap-filter keyword, and not an IP address)",
                    id.text
                ),
            ));
        }
        self.pos += 1;
        let (prim, named_proto) = self.value(id, &quals)?;
        self.last = Some(quals);

        let mut parts = Vec::new();
        if let Some(v) = quals.ip {
            parts.push(Expr::Prim(if v == 4 {
                Primitive::Ip
            } else {
                Primitive::Ip6
            }));
        }
        if let Some(p) = quals.proto.or(named_proto) {
            parts.push(Expr::Prim(Primitive::Proto(p)));
        }
        if parts.is_empty() {
            Ok((Expr::Prim(prim), false))
        } else {
            parts.push(Expr::Prim(prim));
            Ok((Expr::And(parts), true))
        }
    }

    /// The ID after the qualifiers, as a primitive, and the transport a
    /// named port is restricted to.
    fn value(
        &mut self,
        id: Token<'a>,
        quals: &Quals,
    ) -> Result<(Primitive, Option<u8>), ParseError> {
        let dir = quals.dir;
        let text = id.text;
        if quals.ether {
            let mac = parse_mac(text).ok_or_else(|| {
                self.error_at(
                    id,
                    format!("expected a MAC address such as 00:11:22:33:44:55, found `{text}`"),
                )
            })?;
            return Ok((Primitive::EtherHost { dir, mac }, None));
        }
        let kind = quals.id.unwrap_or(if text.contains('/') {
            IdType::Net
        } else {
            IdType::Host
        });
        let mut named_proto = None;
        let prim = match kind {
            IdType::Host => {
                if text.contains('/') {
                    return Err(
                        self.error_at(id, format!("`{text}` is a network: use `net {text}`"))
                    );
                }
                let addr: IpAddr = text.parse().map_err(|_| {
                    let msg = if parse_mac(text).is_some() {
                        format!("`{text}` is a MAC address: use `ether host {text}`")
                    } else {
                        format!(
                            "expected an IP address, found `{text}` (host names are not resolved)"
                        )
                    };
                    self.error_at(id, msg)
                })?;
                Primitive::Host { dir, addr }
            }
            IdType::Net => Primitive::Net {
                dir,
                net: self.net(id)?,
            },
            IdType::Port => {
                let port = match parse_u16(text) {
                    Some(p) => p,
                    None => {
                        let (port, transport) = names::service(text).ok_or_else(|| {
                            self.error_at(
                                id,
                                format!(
                                    "expected a port number (0-65535) or a known service name, found `{text}`"
                                ),
                            )
                        })?;
                        named_proto = transport.proto();
                        if let (Some(q), Some(n)) = (quals.proto, named_proto)
                            && q != n
                        {
                            let only = if n == IpProto::TCP.0 { "tcp" } else { "udp" };
                            return Err(
                                self.error_at(id, format!("port `{text}` is a {only} port"))
                            );
                        }
                        port
                    }
                };
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
        Ok((prim, named_proto))
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

    /// After `proto`, `ip proto` or `ip6 proto`: a number or a protocol
    /// name (`\tcp`, `\gre`; the backslash is optional).
    fn proto_number(&mut self) -> Result<u8, ParseError> {
        let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) else {
            return Err(self.error_here("expected a protocol number or name"));
        };
        let name = t.text.strip_prefix('\\').unwrap_or(t.text);
        let p = names::protocol(name)
            .or_else(|| parse_number(t.text).and_then(|v| u8::try_from(v).ok()))
            .ok_or_else(|| {
                self.error_at(
                    t,
                    format!(
                        "expected a protocol number (0-255) or a name such as \\tcp, \\udp, \\icmp, \\gre, found `{}`",
                        t.text
                    ),
                )
            })?;
        self.pos += 1;
        Ok(p)
    }

    /// After `ether proto`: a number or `\ip`, `\ip6`, `\arp`, `\rarp`.
    fn ether_proto(&mut self) -> Result<u16, ParseError> {
        let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) else {
            return Err(self.error_here("expected an EtherType number or name"));
        };
        let name = t.text.strip_prefix('\\').unwrap_or(t.text);
        let ty = names::ethertype(name)
            .or_else(|| parse_number(t.text).and_then(|v| u16::try_from(v).ok()));
        let Some(ty) = ty else {
            let msg = if names::unsupported(name) {
                format!("`ether proto {}` is not supported", t.text)
            } else {
                format!(
                    "expected an EtherType (0-65535, or \\ip, \\ip6, \\arp, \\rarp), found `{}`",
                    t.text
                )
            };
            return Err(self.error_at(t, msg));
        };
        self.pos += 1;
        Ok(ty)
    }
}

/// Whether a bare word could be an address or network (so an unknown
/// word is named as such rather than taken for a malformed address).
fn looks_like_address(text: &str) -> bool {
    text.contains('.')
        || text.starts_with(|c: char| c.is_ascii_hexdigit() || c == ':')
            && text
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b':' | b'/'))
}

/// A MAC address in the forms libpcap reads: `00:11:22:33:44:55`,
/// `00-11-22-33-44-55`, `0011.2233.4455`, `001122334455`.
fn parse_mac(text: &str) -> Option<MacAddr> {
    if let Ok(mac) = text.parse::<MacAddr>() {
        return Some(mac);
    }
    let hex: String =
        if text.len() == 14 && text.as_bytes()[4] == b'.' && text.as_bytes()[9] == b'.' {
            text.split('.').collect()
        } else {
            text.to_owned()
        };
    if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut octets = [0u8; 6];
    for (i, o) in octets.iter_mut().enumerate() {
        *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(MacAddr(octets))
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
    fn and_or_have_equal_precedence_left_to_right() {
        // pcap-filter(7): `tcp or udp and not port 53` is
        // `(tcp or udp) and not port 53`.
        let e = parse("tcp or udp and not port 53").unwrap();
        assert_eq!(
            e,
            Expr::And(vec![
                Expr::Or(vec![
                    Expr::Prim(Primitive::Proto(6)),
                    Expr::Prim(Primitive::Proto(17)),
                ]),
                Expr::Not(Box::new(Expr::Prim(Primitive::Port {
                    dir: Dir::Either,
                    first: 53,
                    last: 53
                }))),
            ])
        );
        assert_eq!(
            p("host 10.0.0.1 or host 10.0.0.2 and udp"),
            "(host 10.0.0.1 or host 10.0.0.2) and udp"
        );
        assert_eq!(
            p("tcp and port 80 or udp and port 53"),
            "((tcp and port 80) or udp) and port 53"
        );
        assert_eq!(
            p("a or b".replace('a', "tcp").replace('b', "udp").as_str()),
            "tcp or udp"
        );
        assert_eq!(p("tcp and udp and icmp"), "tcp and udp and icmp");
        assert_eq!(p("! (tcp || udp) && ip6"), "not (tcp or udp) and ip6");
        assert_eq!(p("not tcp or udp"), "not tcp or udp");
        // `tcp port 80` stays one unit inside an `or`.
        assert_eq!(
            p("host ::1 or tcp port 80"),
            "host ::1 or (tcp and port 80)"
        );
        assert_eq!(
            p("tcp port 80 and host ::1"),
            "tcp and port 80 and host ::1"
        );
        // Alternating chains nest one level per change: bounded.
        let long = (0..300)
            .map(|i| format!("port {i}"))
            .collect::<Vec<_>>()
            .join(" or tcp and ");
        assert_eq!(err(&long).message(), "expression nested too deeply");
    }

    #[test]
    fn pcap_filter_primitives() {
        assert_eq!(
            p("ether host 00:11:22:33:44:55"),
            "ether host 00:11:22:33:44:55"
        );
        assert_eq!(
            p("ether src 0011.2233.4455"),
            "ether src host 00:11:22:33:44:55"
        );
        assert_eq!(
            p("ether dst 00-11-22-33-44-AA"),
            "ether dst host 00:11:22:33:44:aa"
        );
        assert_eq!(
            p("ether host 00:11:22:33:44:55 or 66:77:88:99:aa:bb"),
            "ether host 00:11:22:33:44:55 or ether host 66:77:88:99:aa:bb"
        );
        assert_eq!(p("ether proto \\arp"), "arp");
        assert_eq!(p("ether proto 0x88cc"), "ether proto 35020");
        assert_eq!(p("arp or rarp"), "arp or rarp");
        assert_eq!(p("greater 100"), "len >= 100");
        assert_eq!(p("less 0x40"), "len <= 64");
        assert_eq!(p("ip proto \\tcp"), "ip and tcp");
        assert_eq!(p("ip6 proto \\gre"), "ip6 and proto 47");
        assert_eq!(p("igmp or pim"), "proto 2 or proto 103");
        assert_eq!(p("tcp[13] & 2 != 0"), "tcp[13] & 2 != 0");
        assert_eq!(p("tcp[13]&2!=0"), "tcp[13] & 2 != 0");
        assert_eq!(p("ip[6:2] & 0x1fff != 0"), "ip[6:2] & 8191 != 0");
        assert_eq!(p("ip[8] < 64"), "ip[8] < 64");
        assert_eq!(
            p("tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"),
            "tcp[13] & (2 | 16) = 2"
        );
        assert_eq!(
            p("icmp[icmptype] = icmp-echo or icmp[icmptype] = icmp-echoreply"),
            "icmp[0] = 8 or icmp[0] = 0"
        );
        assert_eq!(p("icmp6[icmp6type] = icmp6-echo"), "icmp6[0] = 128");
        assert_eq!(p("ether[0] & 1 = 1"), "ether[0] & 1 = 1");
        assert_eq!(p("link[12:2] = 0x800"), "ether[12:2] = 2048");
        assert_eq!(p("udp[4:2] >= 100"), "udp[4:2] >= 100");
        assert_eq!(p("len - 1 > 5"), "len - 1 > 5");
        assert_eq!(p("len-1 > 5"), "len - 1 > 5");
        assert_eq!(p("(tcp[12] & 0xf0) >> 2 > 20"), "(tcp[12] & 240) >> 2 > 20");
        assert_eq!(p("(len > 100) and tcp"), "len > 100 and tcp");
        assert_eq!(p("-len < 5"), "-len < 5");
        assert_eq!(p("010 = len"), "8 = len");
        assert_eq!(p("not 0 - 0 > 0"), "not 0 - 0 > 0");
        assert_eq!(p("4 /2 = 2"), "4 / 2 = 2");
        assert_eq!(p("tcp[tcp[0] % 4:2] = 1"), "tcp[tcp[0] % 4:2] = 1");
        assert_eq!(p("port http"), "tcp and port 80");
        assert_eq!(p("port domain or 443"), "port 53 or port 443");
        assert_eq!(p("udp port domain"), "udp and port 53");
        assert_eq!(p("src port ssh"), "tcp and src port 22");
    }

    #[test]
    fn arithmetic_precedence_is_libpcaps() {
        // Checked against `tcpdump -d` (libpcap 1.10): the constants it
        // folds these to.
        let value = |s: &str| match parse(&format!("len = {s}")).unwrap() {
            Expr::Prim(Primitive::Compare { rhs, .. }) => {
                crate::filter::compile::eval_const(&rhs).unwrap()
            }
            e => panic!("{e:?}"),
        };
        assert_eq!(value("2 ^ 3 & 1"), 3);
        assert_eq!(value("1 | 2 ^ 3"), 1);
        assert_eq!(value("1 ^ 2 | 3"), 2);
        assert_eq!(value("2 + 3 << 1"), 10);
        assert_eq!(value("2 & 3 ^ 1"), 2);
        assert_eq!(value("2 * 3 ^ 1"), 4);
        assert_eq!(value("2 ^ 1 + 1"), 0);
        assert_eq!(value("0 - 2 ^ 1"), 0xffff_fffd);
        assert_eq!(value("7 % 4 + 1"), 2);
        assert_eq!(value("1 + 7 % 4"), 4);
        assert_eq!(value("6 % 4 * 2"), 6);
        assert_eq!(value("2 >> 1"), 1);
        assert_eq!(value("10 - 2 - 3"), 5);
        assert_eq!(value("1 << 40"), 0);
        assert_eq!(value("-(1)"), u32::MAX);
    }

    #[test]
    fn abbreviation_repeats_the_last_qualifiers() {
        assert_eq!(p("host 1.2.3.4 or 5.6.7.8"), "host 1.2.3.4 or host 5.6.7.8");
        assert_eq!(p("src port 80 or 443"), "src port 80 or src port 443");
        assert_eq!(
            p("not host 1.1.1.1 and 2.2.2.2"),
            "not host 1.1.1.1 and host 2.2.2.2"
        );
        assert_eq!(
            p("tcp port 22 or 80"),
            "(tcp and port 22) or (tcp and port 80)"
        );
    }

    #[test]
    fn errors_point_at_the_token() {
        let e = err("tcp port nosuchservice");
        assert_eq!(e.position(), 9);
        assert_eq!(
            e.to_string(),
            "expected a port number (0-65535) or a known service name, found `nosuchservice`\n  tcp port nosuchservice\n           ^^^^^^^^^^^^^"
        );
        assert_eq!(err("udp port http").message(), "port `http` is a tcp port");
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
        assert_eq!(err("10.0.0.1 & b").position(), 9);
        assert_eq!(err("vlan 5000").position(), 5);
        assert_eq!(err("").position(), 0);
        assert_eq!(err("and").position(), 0);
        assert_eq!(
            err(&"(".repeat(500)).message(),
            "expression nested too deeply"
        );
        assert_eq!(
            err(&format!("{}1{} = 1", "(".repeat(300), ")".repeat(300))).message(),
            "expression nested too deeply"
        );
        assert_eq!(
            err(&format!("len = 1{}", " + 1".repeat(5000))).message(),
            "expression nested too deeply"
        );
        assert_eq!(
            err(&format!("len = 1{}", " ^ 1".repeat(5000))).message(),
            "expression nested too deeply"
        );
    }

    #[test]
    fn unsupported_things_are_named() {
        assert_eq!(err("ppp").message(), "`ppp` is not supported");
        assert_eq!(
            err("host 10.0.0.1 or wlan").message(),
            "`wlan` is not supported"
        );
        assert_eq!(
            err("ether broadcast").message(),
            "`ether broadcast` is not supported"
        );
        assert_eq!(
            err("ip multicast").message(),
            "`ip multicast` is not supported"
        );
        assert_eq!(
            err("ether proto \\ipx").message(),
            "`ether proto \\ipx` is not supported"
        );
        assert!(
            err("arp[0] = 1")
                .message()
                .starts_with("`arp[...]` is not supported")
        );
        assert_eq!(
            err("foo").message(),
            "unknown primitive `foo` (not a pcap-filter keyword, and not an IP address)"
        );
        // A value alone is not a test, and `&` is an operator.
        let e = err("tcp[13] & 2");
        assert!(e.message().starts_with("expected a comparison"), "{e}");
        assert!(!e.message().contains("&&"), "{e}");
        assert_eq!(err("tcp[0:3] = 1").message(), "data size must be 1, 2 or 4");
        assert_eq!(err("len / 0 = 1").message(), "division by zero");
        assert_eq!(
            err("len > 1 > 0").message(),
            "comparisons do not chain; join them with `and`"
        );
        assert!(err("tcp[0 = 1").message().starts_with("expected `]`"));
        assert!(
            err("tcp = 1")
                .message()
                .starts_with("expected `[` after `tcp`")
        );
        assert!(
            err("ether host 10.0.0.1")
                .message()
                .starts_with("expected a MAC address")
        );
        assert_eq!(
            err("host 00:11:22:33:44:55").message(),
            "`00:11:22:33:44:55` is a MAC address: use `ether host 00:11:22:33:44:55`"
        );
        for s in [
            "ether host 00:11:22:33:44:55",
            "greater 1",
            "tcp[13] & 2 != 0",
            "arp",
            "port http",
        ] {
            assert!(
                !err(&format!("{s} and")).message().contains("IP address"),
                "{s}"
            );
        }
        assert!(err("greater").message().starts_with("expected a length"));
    }
}
