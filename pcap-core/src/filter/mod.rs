//! tcpdump-style packet filters, evaluated on a
//! [`PacketSummary`].
//!
//! ```
//! use pcap_core::filter::{Filter, Needs};
//! use pcap_core::TcpFlags;
//! use pcap_core::flow::PacketSummary;
//!
//! let f: Filter = "tcp and (dst port 80 or 443) and not net 10.0.0.0/8".parse()?;
//! assert!(f.needs().contains(Needs::PORTS | Needs::IP_ADDRS));
//! let pkt = PacketSummary::tcp(
//!     "192.0.2.1".parse().unwrap(), 50000,
//!     "198.51.100.7".parse().unwrap(), 443,
//!     TcpFlags::SYN,
//! );
//! assert!(f.matches(&pkt));
//! # Ok::<(), pcap_core::filter::ParseError>(())
//! ```
//!
//! # Syntax
//!
//! pcap-filter(7), the language of tcpdump:
//!
//! | primitive | matches |
//! | --- | --- |
//! | `host A`, `src host A`, `dst host A`, `src and dst host A` | IPv4/IPv6 address `A` (either end unless qualified); `src A` / `dst A` / bare `A` imply `host` |
//! | `net CIDR`, `net A mask M`, `net 10.1` | the network (also with `src`/`dst`); host bits must be clear |
//! | `port N`, `port NAME`, `portrange A-B` | a TCP, UDP or SCTP port (also with `src`/`dst`, and `tcp`/`udp`/`sctp` before them); `NAME` from a built-in table of common services (`http`, `domain`, `ssh`...; a name listed for TCP only, such as `http`, means `tcp port 80`, as in tcpdump) |
//! | `tcp`, `udp`, `icmp`, `icmp6`, `sctp`, `igmp`, `pim`, `vrrp`, `ah`, `esp`, `proto N` | the upper-layer IP protocol (after IPv6 extension headers) |
//! | `ip`, `ip6` | IPv4 / IPv6; `ip proto N`, `ip proto \NAME` (`\tcp`, `\gre`...), `ip host A`, `ip6 net N` combine |
//! | `ether host M`, `ether src M`, `ether dst M` | an Ethernet address (`00:11:22:33:44:55`, `00-11-...`, `0011.2233.4455`) |
//! | `ether proto N`, `ether proto \arp` (`\ip`, `\ip6`, `\rarp`), `arp`, `rarp` | the EtherType (after VLAN tags) |
//! | `greater N`, `less N` | the length on the wire is `>= N` / `<= N` |
//! | `EXPR RELOP EXPR` | a comparison (`>`, `<`, `>=`, `<=`, `=`, `==`, `!=`) of arithmetic expressions: numbers (`0x` hex, `0` octal), `len`, byte access `PROTO[OFFSET]` / `PROTO[OFFSET:SIZE]` (size 1, 2 or 4; `PROTO` one of `ether`/`link`, `ip`, `ip6`, `tcp`, `udp`, `icmp`, `icmp6`), `+ - * / % & \| ^ << >>`, unary `-`, parentheses, and the named values `tcpflags`, `tcp-fin` ... `tcp-cwr`, `icmptype`, `icmpcode`, `icmp-echo`, `icmp-echoreply`, `icmp-unreach`... (`tcp[13] & 2 != 0`, `ip[6:2] & 0x1fff != 0`, `tcp[tcpflags] & tcp-syn != 0`) |
//! | `vlan`, `vlan ID` | any VLAN tag / a tag with that ID (any of the frame's tags) |
//!
//! Operators: `not`/`!`, `and`/`&&`, `or`/`||`, parentheses. As in
//! pcap-filter(7), `not` binds tightest and **`and` and `or` have equal
//! precedence, left to right**: `host A or host B and udp` is
//! `(host A or host B) and udp`. A bare value after `and`/`or` repeats the
//! previous qualifiers: `host 10.0.0.1 or 10.0.0.2`, `port 80 or 443`.
//! Keywords of pcap-filter that are not implemented (`ppp`, `wlan`,
//! `mpls`, `ether broadcast`...) are named in the error.
//!
//! Byte access reads the frame: evaluate such filters with
//! [`Filter::matches_packet`]. `ip[...]`/`ip6[...]` count from the IP
//! header, `tcp[...]`/`udp[...]`/`icmp[...]` from the transport header
//! (never in a non-first fragment), `ether[...]` from the frame's first
//! byte. As in tcpdump, a byte access past the captured bytes rejects the
//! packet, and one on a header the packet lacks makes its comparison false.
//!
//! Differences from tcpdump: filters look **through VLAN tags** (tcpdump's
//! `host X` does not match a tagged frame unless the expression says
//! `vlan and host X`), and `vlan N` matches any of the frame's tags, not
//! only the outermost; `icmp` is protocol 1 and `proto N` matches over both
//! IPv4 and IPv6, after IPv6 extension headers; host names are not
//! resolved, and service names come from a built-in table rather than
//! `/etc/services`.
//!
//! # Large address sets
//!
//! [`Filter::from_file`] reads one address or CIDR per line (`#` starts a
//! comment) into a filter matching either end of a packet; combine it
//! with [`Filter::and`] / [`Filter::not`]. Whatever the source, an `or` of
//! many `host`/`net` tests compiles into one sorted range table searched
//! by bisection.
//!
//! # Parsing only what is needed
//!
//! [`Filter::needs`] says which parts of the packet the filter reads; a
//! dissector can stop parsing early (and add [`Needs::FLOW`] when packets
//! also go to the flow table).
//!
//! # Session search
//!
//! [`Filter::expr`] exposes the parsed tree ([`Expr`], [`Primitive`]...):
//! a session store translates it into its own query language (pcapdig's
//! store writes SQL over its columns); [`merge_ports`], [`IpSet`] and
//! [`IpNet`] give it the merged port and address ranges the packet
//! predicate uses.

mod ast;
mod compile;
mod ipset;
pub mod meta;
mod names;
mod parse;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use ast::{Arith, ArithOp, Dir, Expr, Layer, Primitive, RelOp};
pub use compile::{Needs, merge_ports};
pub use ipset::{IpNet, IpNetError, IpSet};
pub use parse::ParseError;

use crate::flow::PacketSummary;

/// A compiled filter: the expression tree and its fast predicate.
#[derive(Clone, Debug)]
pub struct Filter {
    expr: Expr,
    node: compile::Node,
    needs: Needs,
    /// Whether evaluation may reject a packet outright (byte access,
    /// division): then the three-valued evaluation is used.
    aborts: bool,
}

/// An error reading an address list ([`Filter::from_file`]).
#[derive(Debug, thiserror::Error)]
pub enum FilterFileError {
    /// The file could not be read.
    #[error("{source_name}: {error}")]
    Io {
        /// The file name.
        source_name: String,
        /// The I/O error.
        #[source]
        error: std::io::Error,
    },
    /// A line is not an address or CIDR.
    #[error("{source_name}:{line}: {message}: `{entry}`")]
    Entry {
        /// The file name (or the name given to [`Filter::from_address_list`]).
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// The offending entry.
        entry: String,
        /// What is wrong with it.
        message: String,
    },
    /// The list has no entries at all.
    #[error("{source_name}: no address or network in the list")]
    Empty {
        /// The file name.
        source_name: String,
    },
}

impl Filter {
    /// Parses and compiles a tcpdump-style expression.
    pub fn parse(expr: &str) -> Result<Filter, ParseError> {
        Ok(Filter::from_expr(parse::parse(expr)?))
    }

    /// Parses an expression for a packet filter (`fields`, `show`, `index`
    /// `--filter`): as [`Filter::parse`], but a test on session metadata
    /// (`tls.sni == "x"`), which no packet carries, is an error that says
    /// where to use it.
    pub fn parse_for_packets(expr: &str) -> Result<Filter, ParseError> {
        let filter = Filter::parse(expr)?;
        if filter.needs.contains(Needs::META) {
            let field = meta::META_KEYS
                .iter()
                .chain(meta::ALIASES.iter().map(|(a, _)| a))
                .filter_map(|k| expr.find(k).map(|at| (at, k.len())))
                .min()
                .unwrap_or((0, expr.len()));
            return Err(ParseError::new(
                expr,
                field.0,
                field.1,
                "this tests session metadata, which a packet filter cannot see: \
                 search it with `pcapdig sessions`"
                    .to_owned(),
            ));
        }
        Ok(filter)
    }

    /// Compiles an expression tree.
    pub fn from_expr(expr: Expr) -> Filter {
        let node = compile::compile(&expr);
        let needs = expr.needs();
        let aborts = compile::can_abort(&expr);
        Filter {
            expr,
            node,
            needs,
            aborts,
        }
    }

    /// Reads an address list file: one IPv4/IPv6 address or CIDR per line,
    /// `#` to the end of a line is a comment, blank lines are ignored.
    /// The filter matches packets with either address in the list. Bits
    /// after a CIDR's prefix are cleared (`10.1.2.3/8` means `10.0.0.0/8`).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Filter, FilterFileError> {
        let path = path.as_ref();
        let source_name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| FilterFileError::Io {
            source_name: source_name.clone(),
            error,
        })?;
        Filter::from_address_list(&text, &source_name)
    }

    /// [`from_file`](Self::from_file) on text in memory; `source_name`
    /// names it in errors.
    pub fn from_address_list(text: &str, source_name: &str) -> Result<Filter, FilterFileError> {
        let mut items = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            let bad = |message: &str| FilterFileError::Entry {
                source_name: source_name.to_owned(),
                line: i + 1,
                entry: entry.to_owned(),
                message: message.to_owned(),
            };
            let prim = match entry.split_once('/') {
                Some((a, p)) => {
                    let addr = a.parse().map_err(|_| bad("not an IP address"))?;
                    let prefix = p.parse().map_err(|_| bad("not a prefix length"))?;
                    let net =
                        IpNet::new_truncating(addr, prefix).map_err(|e| bad(&e.to_string()))?;
                    Primitive::Net {
                        dir: Dir::Either,
                        net,
                    }
                }
                None => Primitive::Host {
                    dir: Dir::Either,
                    addr: entry
                        .parse()
                        .map_err(|_| bad("not an IP address or CIDR"))?,
                },
            };
            items.push(Expr::Prim(prim));
        }
        let expr = match items.len() {
            0 => {
                return Err(FilterFileError::Empty {
                    source_name: source_name.to_owned(),
                });
            }
            1 => items.pop().expect("one item"),
            _ => Expr::Or(items),
        };
        Ok(Filter::from_expr(expr))
    }

    /// Whether the packet passes the filter, judged on its summary alone:
    /// primitives that read the frame's bytes (`ether host`, `tcp[13]`...;
    /// see [`Needs::FRAME`]) see an empty frame and reject the packet. Use
    /// [`matches_packet`](Self::matches_packet) when the frame is at hand.
    #[inline]
    pub fn matches(&self, pkt: &PacketSummary) -> bool {
        self.matches_packet(pkt, &[])
    }

    /// Whether the packet passes the filter: `frame` is the captured frame
    /// the summary describes (its offsets, `l3_offset` and `l4_offset`,
    /// index into it), read by byte access (`tcp[13] & 2 != 0`) and
    /// `ether host`.
    ///
    /// As in tcpdump, a byte access past the captured bytes (or a division
    /// by zero) rejects the packet whatever the rest of the expression
    /// says, and a byte access on a header the packet does not have
    /// (`tcp[13]` on a UDP datagram, or on a non-first fragment) makes its
    /// comparison false.
    #[inline]
    pub fn matches_packet(&self, pkt: &PacketSummary, frame: &[u8]) -> bool {
        if self.aborts {
            self.node.verdict(pkt, frame).unwrap_or(false)
        } else {
            self.node.eval(pkt, frame)
        }
    }

    /// The packet parts the filter reads.
    pub fn needs(&self) -> Needs {
        self.needs
    }

    /// The parsed expression (for display, or a session store's query).
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Packets passing both filters.
    #[must_use]
    pub fn and(self, other: Filter) -> Filter {
        Filter::from_expr(Expr::And(vec![self.expr, other.expr]))
    }

    /// Packets passing either filter.
    #[must_use]
    pub fn or(self, other: Filter) -> Filter {
        Filter::from_expr(Expr::Or(vec![self.expr, other.expr]))
    }

    /// Packets failing this filter.
    #[allow(clippy::should_implement_trait)]
    #[must_use]
    pub fn not(self) -> Filter {
        Filter::from_expr(self.expr.not())
    }
}

impl FromStr for Filter {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Filter::parse(s)
    }
}

impl fmt::Display for Filter {
    /// The expression in tcpdump syntax (parses back to the same tree).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

impl Eq for Filter {}

#[cfg(test)]
mod tests;
