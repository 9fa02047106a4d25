//! The parsed filter expression: [`Expr`] and its [`Primitive`]s, and
//! their `Display` (which the parser reads back to an equal tree).

use std::fmt;
use std::net::IpAddr;

use super::ipset::IpNet;
use super::meta::FieldTest;
use crate::mac::MacAddr;
use crate::vocab::{EtherType, IpProto};

/// Which end of a packet (or session) an address or port qualifier tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Either end (`host`, `src or dst host`).
    Either,
    /// The source (`src`); for a session, the initiator.
    Src,
    /// The destination (`dst`); for a session, the responder.
    Dst,
    /// Both ends (`src and dst`).
    Both,
}

impl Dir {
    fn prefix(self) -> &'static str {
        match self {
            Dir::Either => "",
            Dir::Src => "src ",
            Dir::Dst => "dst ",
            Dir::Both => "src and dst ",
        }
    }
}

/// One test on a packet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `[src|dst] host ADDR`: an IP address equals `addr`.
    Host {
        /// Which address(es) to test.
        dir: Dir,
        /// The address.
        addr: IpAddr,
    },
    /// `[src|dst] net CIDR`: an IP address is in `net`.
    Net {
        /// Which address(es) to test.
        dir: Dir,
        /// The network.
        net: IpNet,
    },
    /// `[src|dst] port N` / `portrange A-B`: a TCP, UDP or SCTP port is in
    /// `first..=last` (packets without ports never match).
    Port {
        /// Which port(s) to test.
        dir: Dir,
        /// Lowest port of the range.
        first: u16,
        /// Highest port of the range (equal to `first` for `port N`).
        last: u16,
    },
    /// `tcp`, `udp`, `icmp`, `icmp6`, `sctp`, `proto N`: the upper-layer IP
    /// protocol (after IPv6 extension headers) is this number, over IPv4 or
    /// IPv6.
    Proto(u8),
    /// `ip`: an IPv4 packet.
    Ip,
    /// `ip6`: an IPv6 packet.
    Ip6,
    /// `vlan` (any 802.1Q/802.1ad tag) or `vlan ID` (one of the frame's
    /// tags has this ID).
    Vlan(Option<u16>),
    /// `ether [src|dst] host MAC`: an Ethernet address of the frame (only
    /// frames of an Ethernet link match).
    EtherHost {
        /// Which address(es) to test.
        dir: Dir,
        /// The address.
        mac: MacAddr,
    },
    /// `ether proto N`, `arp`, `rarp`: the EtherType the link layer gives
    /// for its payload, after any VLAN tags (on links without one, such as
    /// raw IP, IPv4 and IPv6 packets count as 0x0800 and 0x86dd).
    EtherProto(u16),
    /// `EXPR RELOP EXPR`: a comparison of two arithmetic expressions
    /// (`tcp[13] & 2 != 0`, `len > 100`); `greater N` and `less N` are
    /// `len >= N` and `len <= N`.
    Compare {
        /// The relation.
        op: RelOp,
        /// Left-hand side.
        lhs: Arith,
        /// Right-hand side.
        rhs: Arith,
    },
    /// `KEY OP VALUE` on session metadata (`tls.sni == "x"`): answered by
    /// the session index, never by a packet.
    Field(FieldTest),
}

/// A relational operator of a [`Primitive::Compare`] (unsigned 32-bit
/// comparison, as BPF does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelOp {
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `=` or `==`
    Eq,
    /// `!=`
    Ne,
}

impl RelOp {
    /// The operator's text.
    pub fn symbol(self) -> &'static str {
        match self {
            RelOp::Gt => ">",
            RelOp::Lt => "<",
            RelOp::Ge => ">=",
            RelOp::Le => "<=",
            RelOp::Eq => "=",
            RelOp::Ne => "!=",
        }
    }

    /// Applies the relation.
    pub fn holds(self, a: u32, b: u32) -> bool {
        match self {
            RelOp::Gt => a > b,
            RelOp::Lt => a < b,
            RelOp::Ge => a >= b,
            RelOp::Le => a <= b,
            RelOp::Eq => a == b,
            RelOp::Ne => a != b,
        }
    }
}

/// A binary arithmetic operator (32-bit unsigned, wrapping, as BPF).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (a zero divisor rejects the packet)
    Div,
    /// `%` (a zero divisor rejects the packet)
    Mod,
    /// `&`
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
    /// `<<` (a shift of 32 or more gives 0)
    Shl,
    /// `>>` (a shift of 32 or more gives 0)
    Shr,
}

impl ArithOp {
    /// The operator's text.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
            ArithOp::And => "&",
            ArithOp::Or => "|",
            ArithOp::Xor => "^",
            ArithOp::Shl => "<<",
            ArithOp::Shr => ">>",
        }
    }

    /// Applies the operator; `None` for a division by zero (BPF rejects
    /// the packet).
    pub fn apply(self, a: u32, b: u32) -> Option<u32> {
        Some(match self {
            ArithOp::Add => a.wrapping_add(b),
            ArithOp::Sub => a.wrapping_sub(b),
            ArithOp::Mul => a.wrapping_mul(b),
            ArithOp::Div => a.checked_div(b)?,
            ArithOp::Mod => a.checked_rem(b)?,
            ArithOp::And => a & b,
            ArithOp::Or => a | b,
            ArithOp::Xor => a ^ b,
            ArithOp::Shl => a.checked_shl(b).unwrap_or(0),
            ArithOp::Shr => a.checked_shr(b).unwrap_or(0),
        })
    }
}

/// The header a byte access `proto[offset:size]` is relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// `ether[...]` (also `link[...]`): the start of the frame.
    Ether,
    /// `ip[...]`: the IPv4 header (IPv4 packets only).
    Ip,
    /// `ip6[...]`: the IPv6 header (IPv6 packets only).
    Ip6,
    /// `tcp[...]`: the TCP header.
    Tcp,
    /// `udp[...]`: the UDP header.
    Udp,
    /// `icmp[...]`: the ICMP (IPv4) header.
    Icmp,
    /// `icmp6[...]`: the ICMPv6 header.
    Icmp6,
}

impl Layer {
    /// The keyword before `[`.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Ether => "ether",
            Layer::Ip => "ip",
            Layer::Ip6 => "ip6",
            Layer::Tcp => "tcp",
            Layer::Udp => "udp",
            Layer::Icmp => "icmp",
            Layer::Icmp6 => "icmp6",
        }
    }
}

/// An arithmetic expression of pcap-filter(7): 32-bit unsigned values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Arith {
    /// A constant (decimal, `0x` hex or `0` octal, or a named value such as
    /// `tcp-syn` or `icmp-echo`).
    Num(u32),
    /// `len`: the packet's length on the wire.
    Len,
    /// `proto[offset:size]`: `size` (1, 2 or 4) bytes, big-endian, at
    /// `offset` from the start of `layer`'s header.
    Load {
        /// The header the offset counts from.
        layer: Layer,
        /// The offset.
        offset: Box<Arith>,
        /// 1, 2 or 4.
        size: u8,
    },
    /// Unary minus (two's complement).
    Neg(Box<Arith>),
    /// A binary operation.
    Bin(ArithOp, Box<Arith>, Box<Arith>),
}

/// Where brackets are needed to print an [`Arith`] so that it parses back
/// to the same tree, from the parser's binding powers (`parse::binding`:
/// libpcap's precedence, where `%` and `^` take everything after them).
mod brackets {
    use super::super::parse::{UNARY_MINUS, binding};
    use super::Arith;

    /// The lowest right binding power along the right edge of `a` as
    /// printed: an operator after `a` with a left power at least this
    /// would be taken into `a`.
    pub(super) fn right_edge(a: &Arith) -> u8 {
        match a {
            Arith::Bin(op, _, b) => binding(*op).1.min(if bracket_right(*op, b) {
                u8::MAX
            } else {
                right_edge(b)
            }),
            Arith::Neg(x) => UNARY_MINUS.min(if bracket_neg(x) {
                u8::MAX
            } else {
                right_edge(x)
            }),
            _ => u8::MAX,
        }
    }

    /// The lowest left binding power along the left edge of `a` as
    /// printed: read as the right operand of an operator whose right power
    /// is above this, `a` would be cut short.
    fn left_edge(a: &Arith) -> u8 {
        match a {
            Arith::Bin(op, x, _) => binding(*op).0.min(if bracket_left(*op, x) {
                u8::MAX
            } else {
                left_edge(x)
            }),
            // A leading `-` is read whole by the operand rule.
            _ => u8::MAX,
        }
    }

    /// Whether `x`, the left operand of `op`, needs brackets.
    pub(super) fn bracket_left(op: super::ArithOp, x: &Arith) -> bool {
        binding(op).0 >= right_edge(x)
    }

    /// Whether `y`, the right operand of `op`, needs brackets.
    pub(super) fn bracket_right(op: super::ArithOp, y: &Arith) -> bool {
        matches!(y, Arith::Bin(..)) && left_edge(y) < binding(op).1
    }

    /// Whether the operand of a unary minus needs brackets (`-` takes
    /// only what binds tighter than itself).
    pub(super) fn bracket_neg(x: &Arith) -> bool {
        matches!(x, Arith::Bin(..)) && left_edge(x) < UNARY_MINUS
    }
}

impl fmt::Display for Arith {
    /// Brackets only where the parser needs them ([`brackets`]), so the
    /// text parses back to the same tree and a long chain such as `1 + 1
    /// + ... + 1` prints flat, no deeper than it was read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bracketed = |f: &mut fmt::Formatter<'_>, a: &Arith, yes: bool| {
            if yes {
                write!(f, "({a})")
            } else {
                write!(f, "{a}")
            }
        };
        match self {
            Arith::Num(n) => write!(f, "{n}"),
            Arith::Len => f.write_str("len"),
            Arith::Load {
                layer,
                offset,
                size,
            } => {
                write!(f, "{}[{offset}", layer.name())?;
                if *size != 1 {
                    write!(f, ":{size}")?;
                }
                f.write_str("]")
            }
            // `- -x`: a space, so the two signs stay two tokens.
            Arith::Neg(a) if matches!(**a, Arith::Neg(_)) => write!(f, "- {a}"),
            Arith::Neg(a) => {
                f.write_str("-")?;
                bracketed(f, a, brackets::bracket_neg(a))
            }
            Arith::Bin(op, a, b) => {
                bracketed(f, a, brackets::bracket_left(*op, a))?;
                write!(f, " {} ", op.symbol())?;
                bracketed(f, b, brackets::bracket_right(*op, b))
            }
        }
    }
}

/// A filter expression tree, as parsed.
///
/// `And` and `Or` hold two or more operands (the parser never builds
/// shorter lists). `Display` writes tcpdump syntax with the fewest
/// parentheses that parse back to the same tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A single test.
    Prim(Primitive),
    /// Negation (`not`, `!`).
    Not(Box<Expr>),
    /// Conjunction (`and`, `&&`).
    And(Vec<Expr>),
    /// Disjunction (`or`, `||`).
    Or(Vec<Expr>),
}

impl fmt::Display for Primitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Primitive::Host { dir, addr } => write!(f, "{}host {addr}", dir.prefix()),
            Primitive::Net { dir, net } => write!(f, "{}net {net}", dir.prefix()),
            Primitive::Port { dir, first, last } if first == last => {
                write!(f, "{}port {first}", dir.prefix())
            }
            Primitive::Port { dir, first, last } => {
                write!(f, "{}portrange {first}-{last}", dir.prefix())
            }
            Primitive::Proto(p) => match proto_name(*p) {
                Some(name) => f.write_str(name),
                None => write!(f, "proto {p}"),
            },
            Primitive::Ip => f.write_str("ip"),
            Primitive::Ip6 => f.write_str("ip6"),
            Primitive::Vlan(None) => f.write_str("vlan"),
            Primitive::Vlan(Some(id)) => write!(f, "vlan {id}"),
            Primitive::EtherHost { dir, mac } => write!(f, "ether {}host {mac}", dir.prefix()),
            Primitive::EtherProto(t) if *t == EtherType::ARP.0 => f.write_str("arp"),
            Primitive::EtherProto(t) if *t == EtherType::RARP.0 => f.write_str("rarp"),
            Primitive::EtherProto(n) => write!(f, "ether proto {n}"),
            Primitive::Compare { op, lhs, rhs } => {
                write!(f, "{lhs} {} {rhs}", op.symbol())
            }
            Primitive::Field(test) => write!(f, "{test}"),
        }
    }
}

/// The keyword for a protocol number, if it has one.
pub(crate) fn proto_name(p: u8) -> Option<&'static str> {
    IpProto(p).keyword()
}

fn write_expr(e: &Expr, f: &mut fmt::Formatter<'_>, top: bool) -> fmt::Result {
    let (items, sep) = match e {
        Expr::Prim(p) => return write!(f, "{p}"),
        Expr::Not(inner) => {
            f.write_str("not ")?;
            return write_expr(inner, f, false);
        }
        Expr::And(items) => (items, " and "),
        Expr::Or(items) => (items, " or "),
    };
    // Every nested list is parenthesized: `and` and `or` have equal
    // precedence in pcap-filter(7), and explicit grouping reads the same
    // to anyone, whatever precedence they expect.
    if !top {
        f.write_str("(")?;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(item, f, false)?;
    }
    if !top {
        f.write_str(")")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(self, f, true)
    }
}

impl Expr {
    /// `a and b`, flattening when `self` is already a conjunction.
    #[must_use]
    pub fn and(self, other: Expr) -> Expr {
        match self {
            Expr::And(mut items) => {
                items.push(other);
                Expr::And(items)
            }
            first => Expr::And(vec![first, other]),
        }
    }

    /// `a or b`, flattening when `self` is already a disjunction.
    #[must_use]
    pub fn or(self, other: Expr) -> Expr {
        match self {
            Expr::Or(mut items) => {
                items.push(other);
                Expr::Or(items)
            }
            first => Expr::Or(vec![first, other]),
        }
    }

    /// `not a`.
    #[allow(clippy::should_implement_trait)]
    #[must_use]
    pub fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parenthesizes_nested_lists() {
        let host = |s: &str| {
            Expr::Prim(Primitive::Host {
                dir: Dir::Either,
                addr: s.parse().unwrap(),
            })
        };
        let e = Expr::And(vec![
            Expr::Or(vec![host("1.2.3.4"), host("::1")]),
            Expr::Prim(Primitive::Proto(6)).not(),
            Expr::Prim(Primitive::Port {
                dir: Dir::Src,
                first: 80,
                last: 90,
            }),
        ]);
        assert_eq!(
            e.to_string(),
            "(host 1.2.3.4 or host ::1) and not tcp and src portrange 80-90"
        );
        let nested = Expr::Or(vec![
            Expr::And(vec![host("1.1.1.1"), Expr::Prim(Primitive::Vlan(Some(5)))]),
            Expr::Or(vec![
                Expr::Prim(Primitive::Ip6),
                Expr::Prim(Primitive::Proto(47)),
            ]),
        ]);
        assert_eq!(
            nested.to_string(),
            "(host 1.1.1.1 and vlan 5) or (ip6 or proto 47)"
        );
    }
}
