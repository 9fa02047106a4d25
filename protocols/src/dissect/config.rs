//! [`Config`]: the flags of every layer and how deep the walk goes.

use pcap_core::filter::Needs;

use crate::dns::{DnsHeader, DnsHeaderFields};
use crate::eth::{Ethernet, EthernetFields};
use crate::gtp::{GtpU, GtpUFields};
use crate::icmp::{Icmp, IcmpFields};
use crate::ipv4::{Ipv4, Ipv4Fields};
use crate::ipv6::{Ipv6, Ipv6Fields};
use crate::loopback::{Loopback, LoopbackFields};
use crate::sctp::{Sctp, SctpFields};
use crate::sll::{LinuxSll, LinuxSll2, LinuxSll2Fields, LinuxSllFields};
use crate::tcp::{Tcp, TcpFields};
use crate::udp::{Udp, UdpFields};
use crate::vlan::{VlanTag, VlanTagFields};

/// How deep the walk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Depth {
    /// Link layer only (Ethernet, VLAN tags, cooked headers).
    Link,
    /// Up to the IP layer (and its extension headers).
    Network,
    /// Up to TCP, UDP, ICMP (and headers quoted by ICMP errors).
    Transport,
    /// Everything: DNS, HTTP, tunnels, user layers.
    Application,
}

/// Per-layer flags and walk settings.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Ethernet II fields.
    pub eth: EthernetFields,
    /// 802.1Q/802.1ad tag fields.
    pub vlan: VlanTagFields,
    /// Linux cooked v1 fields.
    pub sll: LinuxSllFields,
    /// Linux cooked v2 fields.
    pub sll2: LinuxSll2Fields,
    /// BSD loopback fields.
    pub loopback: LoopbackFields,
    /// IPv4 fields.
    pub ipv4: Ipv4Fields,
    /// IPv6 fixed-header fields (extension headers are always walked).
    pub ipv6: Ipv6Fields,
    /// TCP fields.
    pub tcp: TcpFields,
    /// UDP fields.
    pub udp: UdpFields,
    /// ICMP fields.
    pub icmp: IcmpFields,
    /// ICMPv6 fields.
    pub icmpv6: IcmpFields,
    /// SCTP common-header fields.
    pub sctp: SctpFields,
    /// GTP-U fields (UDP port 2152; the tunnelled IP packet is dissected).
    pub gtp: GtpUFields,
    /// DNS header fields. Any flag set also validates the whole message
    /// (questions and records), so [`DnsMessage`](crate::dns::DnsMessage) iterators are then known
    /// good; `NONE` skips DNS.
    pub dns: DnsHeaderFields,
    /// Parse HTTP/1.x start lines and headers on the TCP ports tshark 4.0
    /// gives to HTTP ([`crate::http::TSHARK_TCP_PORTS`]) when the payload
    /// starts like HTTP.
    pub http: bool,
    /// Dissect the IP header and transport ports quoted by ICMP errors.
    pub icmp_quotes: bool,
    /// Where to stop.
    pub stop_after: Depth,
}

impl Config {
    /// Addresses, ports, protocol, VLAN IDs and TCP header length: what
    /// flows and filters need. Stops after the transport layer.
    pub fn minimal() -> Config {
        Config {
            eth: Ethernet::NONE,
            vlan: VlanTag::DEFAULT,
            sll: LinuxSll::NONE,
            sll2: LinuxSll2::NONE,
            loopback: Loopback::NONE,
            ipv4: Ipv4::DEFAULT,
            ipv6: Ipv6::DEFAULT,
            tcp: Tcp::DEFAULT,
            udp: Udp::DEFAULT,
            icmp: Icmp::DEFAULT,
            icmpv6: Icmp::DEFAULT,
            sctp: Sctp::DEFAULT,
            gtp: GtpU::NONE,
            dns: DnsHeader::NONE,
            http: false,
            icmp_quotes: false,
            stop_after: Depth::Transport,
        }
    }

    /// Every field of every layer unpacked, all the way down.
    pub fn all() -> Config {
        Config {
            eth: Ethernet::ALL,
            vlan: VlanTag::ALL,
            sll: LinuxSll::ALL,
            sll2: LinuxSll2::ALL,
            loopback: Loopback::ALL,
            ipv4: Ipv4::ALL,
            ipv6: Ipv6::ALL,
            tcp: Tcp::ALL,
            udp: Udp::ALL,
            icmp: Icmp::ALL,
            icmpv6: Icmp::ALL,
            sctp: Sctp::ALL,
            gtp: GtpU::ALL,
            dns: DnsHeader::ALL,
            http: true,
            icmp_quotes: true,
            stop_after: Depth::Application,
        }
    }

    /// No layer parsed (only the walk and the summary).
    pub fn none() -> Config {
        Config {
            eth: Ethernet::NONE,
            vlan: VlanTag::NONE,
            sll: LinuxSll::NONE,
            sll2: LinuxSll2::NONE,
            loopback: Loopback::NONE,
            ipv4: Ipv4::NONE,
            ipv6: Ipv6::NONE,
            tcp: Tcp::NONE,
            udp: Udp::NONE,
            icmp: Icmp::NONE,
            icmpv6: Icmp::NONE,
            sctp: Sctp::NONE,
            gtp: GtpU::NONE,
            dns: DnsHeader::NONE,
            http: false,
            icmp_quotes: false,
            stop_after: Depth::Transport,
        }
    }
}

impl Config {
    /// The cheapest configuration that fills what a consumer of the
    /// [`PacketSummary`](pcap_core::flow::PacketSummary) reads (a filter's
    /// or the flow table's [`Needs`]): no layer is parsed (the summary is
    /// filled from the layers' views) and the walk stops as early as the
    /// needs allow.
    pub fn for_needs(needs: Needs) -> Config {
        let stop_after = if needs.intersects(Needs::PORTS | Needs::ICMP | Needs::TCP) {
            Depth::Transport
        } else if needs
            .intersects(Needs::IP_VERSION | Needs::IP_ADDRS | Needs::IP_PROTO | Needs::FRAGMENT)
        {
            Depth::Network
        } else {
            Depth::Link
        };
        Config {
            stop_after,
            ..Config::none()
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::minimal()
    }
}
