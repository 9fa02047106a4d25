//! The parsed filter expression: [`Expr`] and its [`Primitive`]s, and
//! their `Display` (which the parser reads back to an equal tree).

use std::fmt;
use std::net::IpAddr;

use super::ipset::IpNet;
use crate::flow::ip_proto;

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
        }
    }
}

/// The keyword for a protocol number, if it has one.
pub(crate) fn proto_name(p: u8) -> Option<&'static str> {
    Some(match p {
        ip_proto::TCP => "tcp",
        ip_proto::UDP => "udp",
        ip_proto::ICMP => "icmp",
        ip_proto::ICMPV6 => "icmp6",
        ip_proto::SCTP => "sctp",
        _ => return None,
    })
}

/// Where an expression is printed, to decide on parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    InOr,
    InAnd,
    InNot,
}

fn write_expr(e: &Expr, f: &mut fmt::Formatter<'_>, ctx: Ctx) -> fmt::Result {
    let (items, sep, parens) = match e {
        Expr::Prim(p) => return write!(f, "{p}"),
        Expr::Not(inner) => {
            f.write_str("not ")?;
            return write_expr(inner, f, Ctx::InNot);
        }
        // A nested list of the same kind needs parentheses, or it would
        // parse back flattened into its parent.
        Expr::And(items) => (items, " and ", matches!(ctx, Ctx::InAnd | Ctx::InNot)),
        Expr::Or(items) => (items, " or ", ctx != Ctx::Top),
    };
    let inner = if sep == " and " {
        Ctx::InAnd
    } else {
        Ctx::InOr
    };
    if parens {
        f.write_str("(")?;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(item, f, inner)?;
    }
    if parens {
        f.write_str(")")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(self, f, Ctx::Top)
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
    fn display_uses_minimal_parentheses() {
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
            "host 1.1.1.1 and vlan 5 or (ip6 or proto 47)"
        );
    }
}
