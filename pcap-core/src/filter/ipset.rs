//! [`IpNet`] (an address prefix) and [`IpSet`] (a large set of prefixes
//! with logarithmic lookup).
//!
//! An `IpSet` keeps, per family, the prefixes turned into sorted, merged,
//! non-overlapping `[first, last]` integer ranges; a lookup is one binary
//! search (`partition_point`), so a set of tens of thousands of entries
//! costs about 15 comparisons per address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IP network: an address and a prefix length, with no bits set after
/// the prefix (`10.0.0.0/8`, `2001:db8::/32`; a host is `/32` or `/128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

/// Why a string or an (address, prefix) pair is not an [`IpNet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IpNetError {
    /// Not an IPv4/IPv6 address (with an optional `/len`).
    #[error("not an IP address or CIDR")]
    Syntax,
    /// The prefix length exceeds 32 (IPv4) or 128 (IPv6).
    #[error("prefix length too long")]
    PrefixTooLong,
    /// Bits are set after the prefix (`10.0.0.1/8`).
    #[error("non-network bits set in the address")]
    HostBitsSet,
}

const fn max_prefix(addr: &IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

fn mask128(prefix: u8, width: u8) -> u128 {
    // All-ones over the first `prefix` bits of a `width`-bit value
    // (`prefix <= width <= 128`); shifts stay below 128.
    let full = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    if prefix == 0 {
        0
    } else if prefix >= width {
        full
    } else {
        full & !(full >> prefix)
    }
}

fn to_bits(addr: &IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(*a)),
        IpAddr::V6(a) => u128::from(*a),
    }
}

impl IpNet {
    /// The network `addr/prefix`; refuses a prefix longer than the address
    /// and an address with bits set after the prefix.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<IpNet, IpNetError> {
        let net = IpNet::new_truncating(addr, prefix)?;
        if net.addr != addr {
            return Err(IpNetError::HostBitsSet);
        }
        Ok(net)
    }

    /// The network `addr/prefix`, clearing any bits after the prefix.
    pub fn new_truncating(addr: IpAddr, prefix: u8) -> Result<IpNet, IpNetError> {
        let width = max_prefix(&addr);
        if prefix > width {
            return Err(IpNetError::PrefixTooLong);
        }
        let bits = to_bits(&addr) & mask128(prefix, width);
        let addr = match addr {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(bits as u32)),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(bits)),
        };
        Ok(IpNet { addr, prefix })
    }

    /// A single host (`/32` or `/128`).
    pub fn host(addr: IpAddr) -> IpNet {
        IpNet {
            addr,
            prefix: max_prefix(&addr),
        }
    }

    /// The network address (first address).
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether this is a single host.
    pub fn is_host(&self) -> bool {
        self.prefix == max_prefix(&self.addr)
    }

    /// The last address of the network.
    pub fn last(&self) -> IpAddr {
        let width = max_prefix(&self.addr);
        let bits = to_bits(&self.addr) | !mask128(self.prefix, width) & mask128(width, width);
        match self.addr {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(bits as u32)),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(bits)),
        }
    }

    /// Whether `ip` (of the same family) is in the network.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let width = max_prefix(&self.addr);
        ip.is_ipv4() == self.addr.is_ipv4()
            && to_bits(ip) & mask128(self.prefix, width) == to_bits(&self.addr)
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for IpNet {
    type Err = IpNetError;

    /// `ADDR/LEN` (host bits must be clear) or a bare `ADDR` (a host).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('/') {
            Some((a, p)) => {
                let addr = a.parse().map_err(|_| IpNetError::Syntax)?;
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IpNetError::Syntax);
                }
                let prefix = p.parse().map_err(|_| IpNetError::PrefixTooLong)?;
                IpNet::new(addr, prefix)
            }
            None => Ok(IpNet::host(s.parse().map_err(|_| IpNetError::Syntax)?)),
        }
    }
}

/// A set of IP networks (both families) with `O(log n)` membership tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpSet {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
    nets: Vec<IpNet>,
}

fn merge<T: Copy + Ord>(mut ranges: Vec<(T, T)>, succ: impl Fn(T) -> Option<T>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        if let Some(last) = out.last_mut() {
            // Overlapping or adjacent (last.1 + 1 == lo) ranges fuse.
            if lo <= last.1 || succ(last.1) == Some(lo) {
                last.1 = last.1.max(hi);
                continue;
            }
        }
        out.push((lo, hi));
    }
    out.shrink_to_fit();
    out
}

fn find<T: Copy + Ord>(ranges: &[(T, T)], x: T) -> bool {
    let i = ranges.partition_point(|r| r.0 <= x);
    i > 0 && ranges[i - 1].1 >= x
}

impl IpSet {
    /// The set of the given networks (duplicates and overlaps are fine).
    pub fn from_nets(nets: impl IntoIterator<Item = IpNet>) -> IpSet {
        let mut nets: Vec<IpNet> = nets.into_iter().collect();
        nets.sort_unstable();
        nets.dedup();
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for net in &nets {
            match (net.addr(), net.last()) {
                (IpAddr::V4(a), IpAddr::V4(b)) => v4.push((u32::from(a), u32::from(b))),
                (IpAddr::V6(a), IpAddr::V6(b)) => v6.push((u128::from(a), u128::from(b))),
                _ => unreachable!("a network's first and last address share a family"),
            }
        }
        IpSet {
            v4: merge(v4, |x| x.checked_add(1)),
            v6: merge(v6, |x| x.checked_add(1)),
            nets,
        }
    }

    /// Whether `addr` is in one of the networks.
    #[inline]
    pub fn contains(&self, addr: &IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => find(&self.v4, u32::from(*a)),
            IpAddr::V6(a) => find(&self.v6, u128::from(*a)),
        }
    }

    /// The networks, sorted and deduplicated (as given, not merged).
    pub fn nets(&self) -> &[IpNet] {
        &self.nets
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// The merged IPv4 ranges, `(first, last)` inclusive, sorted.
    pub fn v4_ranges(&self) -> &[(u32, u32)] {
        &self.v4
    }

    /// The merged IPv6 ranges, `(first, last)` inclusive, sorted.
    pub fn v6_ranges(&self) -> &[(u128, u128)] {
        &self.v6
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parse_and_display_nets() {
        let n: IpNet = "10.1.0.0/16".parse().unwrap();
        assert_eq!(n.to_string(), "10.1.0.0/16");
        assert_eq!(n.last(), ip("10.1.255.255"));
        assert!(n.contains(&ip("10.1.2.3")));
        assert!(!n.contains(&ip("10.2.0.0")));
        assert!(!n.contains(&ip("::a01:203")));
        assert_eq!("10.1.0.1/16".parse::<IpNet>(), Err(IpNetError::HostBitsSet));
        assert_eq!(
            "10.0.0.0/33".parse::<IpNet>(),
            Err(IpNetError::PrefixTooLong)
        );
        assert_eq!("10.0.0/8".parse::<IpNet>(), Err(IpNetError::Syntax));
        let all: IpNet = "::/0".parse().unwrap();
        assert_eq!(all.last(), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assert!(all.contains(&ip("2001:db8::1")));
        let t = IpNet::new_truncating(ip("192.168.1.77"), 24).unwrap();
        assert_eq!(t.to_string(), "192.168.1.0/24");
        assert!(IpNet::host(ip("::1")).is_host());
    }

    #[test]
    fn set_merges_and_finds() {
        let set = IpSet::from_nets(
            [
                "10.0.0.0/9",
                "10.128.0.0/9",
                "10.0.0.5/32",
                "192.168.0.0/24",
                "2001:db8::/32",
            ]
            .iter()
            .map(|s| s.parse().unwrap()),
        );
        assert_eq!(set.v4_ranges().len(), 2, "adjacent /9s fuse into one /8");
        assert!(set.contains(&ip("10.200.1.1")));
        assert!(set.contains(&ip("192.168.0.255")));
        assert!(!set.contains(&ip("192.168.1.0")));
        assert!(!set.contains(&ip("9.255.255.255")));
        assert!(set.contains(&ip("2001:db8:ffff::1")));
        assert!(!set.contains(&ip("2001:db9::")));
        assert_eq!(set.nets().len(), 5);
    }

    proptest! {
        #[test]
        fn set_agrees_with_linear_scan(
            nets in proptest::collection::vec((any::<u32>(), 0u8..=32), 0..40),
            probes in proptest::collection::vec(any::<u32>(), 0..40),
        ) {
            let nets: Vec<IpNet> = nets
                .into_iter()
                .map(|(a, p)| IpNet::new_truncating(IpAddr::V4(Ipv4Addr::from(a)), p).unwrap())
                .collect();
            let set = IpSet::from_nets(nets.clone());
            let mut probes: Vec<IpAddr> =
                probes.into_iter().map(|a| IpAddr::V4(Ipv4Addr::from(a))).collect();
            // Also probe the edges of every network.
            for n in &nets {
                probes.push(n.addr());
                probes.push(n.last());
            }
            for p in probes {
                prop_assert_eq!(set.contains(&p), nets.iter().any(|n| n.contains(&p)));
            }
        }
    }
}
