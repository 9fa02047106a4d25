//! What a dissection holds: [`Dissection`] (the parsed layers, outermost
//! first, and the [`PacketSummary`]), its parts, and [`DissectError`].

use std::fmt;

use pcap_core::Error;
use pcap_core::capture::LinkType;
use pcap_core::flow::{CommunityId, PacketSummary, community_id};

use crate::dns::DnsMessage;
use crate::eth::Ethernet;
use crate::gtp::GtpU;
use crate::http::HttpMessage;
use crate::icmp::Icmp;
use crate::ipv4::Ipv4;
use crate::ipv6::{ExtWalk, Ipv6};
use crate::loopback::Loopback;
use crate::sctp::Sctp;
use crate::sll::{LinuxSll, LinuxSll2};
use crate::stack::Stack;
use crate::tcp::Tcp;
use crate::udp::Udp;
use crate::vlan::VlanTag;

/// Which layer a [`LayerRecord`] or an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Ethernet II.
    Ethernet,
    /// An 802.1Q tag (TPID 0x8100, or the pre-standard 0x9100 that tshark
    /// also dissects as `vlan`).
    Vlan,
    /// An 802.1ad S-tag (TPID 0x88a8).
    QinQ,
    /// Linux cooked v1.
    Sll,
    /// Linux cooked v2.
    Sll2,
    /// BSD loopback.
    Loopback,
    /// IPv4.
    Ipv4,
    /// IPv6 fixed header.
    Ipv6,
    /// An IPv6 extension header, by its Next Header value.
    Ipv6Ext(u8),
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
    /// SCTP.
    Sctp,
    /// GTP-U.
    Gtp,
    /// DNS.
    Dns,
    /// HTTP/1.x.
    Http,
    /// A registered user layer.
    User(&'static str),
    /// The record's link type, which the dissector does not decode.
    Link(LinkType),
}

impl LayerKind {
    /// The name tshark's `frame.protocols` uses for the layer.
    pub fn name(&self) -> &'static str {
        match self {
            LayerKind::Ethernet => "eth",
            LayerKind::Vlan => "vlan",
            LayerKind::QinQ => "ieee8021ad",
            LayerKind::Sll => "sll",
            LayerKind::Sll2 => "sll",
            LayerKind::Loopback => "null",
            LayerKind::Ipv4 => "ip",
            LayerKind::Ipv6 => "ipv6",
            LayerKind::Ipv6Ext(0) => "ipv6.hopopts",
            LayerKind::Ipv6Ext(43) => "ipv6.routing",
            LayerKind::Ipv6Ext(44) => "ipv6.fraghdr",
            LayerKind::Ipv6Ext(60) => "ipv6.dstopts",
            LayerKind::Ipv6Ext(51) => "ah",
            LayerKind::Ipv6Ext(_) => "ipv6.ext",
            LayerKind::Tcp => "tcp",
            LayerKind::Udp => "udp",
            LayerKind::Icmp => "icmp",
            LayerKind::Icmpv6 => "icmpv6",
            LayerKind::Sctp => "sctp",
            LayerKind::Gtp => "gtp",
            LayerKind::Dns => "dns",
            LayerKind::Http => "http",
            LayerKind::User(name) => name,
            LayerKind::Link(_) => "frame",
        }
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayerKind::Link(n) => write!(f, "link type {}", n.0),
            other => f.write_str(other.name()),
        }
    }
}

/// One layer the walk went through, parsed or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerRecord {
    /// Which layer.
    pub kind: LayerKind,
    /// Offset of its first byte in the packet.
    pub offset: usize,
    /// Its header length.
    pub len: usize,
    /// Whether it is inside an ICMP error's quote.
    pub quoted: bool,
}

/// A parsed header and where it was.
#[derive(Debug, Clone)]
pub struct Hit<T> {
    /// The header, parsed with the layer's flags.
    pub header: T,
    /// Offset of its first byte in the packet.
    pub offset: usize,
    /// Whether it is inside an ICMP error's quote (tshark lists those as
    /// further occurrences of the layer's fields).
    pub quoted: bool,
    /// Length of the layer's payload as the length fields declare it,
    /// whether or not it was all captured: for TCP, the IP payload length
    /// minus the TCP header (tshark's `tcp.len`); for IPv4 and IPv6, the IP
    /// payload length after extension headers; for UDP, Length minus 8.
    /// `None` inside ICMP quotes and where no length field says.
    pub payload_len: Option<usize>,
}

/// A VLAN tag and the TPID that introduced it.
#[derive(Debug, Clone)]
pub struct Vlan<'a> {
    /// 0x8100 (C-tag), 0x88a8 (S-tag) or 0x9100 (pre-standard QinQ).
    pub tpid: u16,
    /// The tag.
    pub tag: VlanTag<'a>,
}

impl Vlan<'_> {
    /// Whether this is an 802.1ad service tag, TPID 0x88a8 (tshark's
    /// `ieee8021ad.id` rather than `vlan.id`).
    pub fn is_s_tag(&self) -> bool {
        self.tpid == pcap_core::EtherType::QINQ.0
    }
}

/// An IPv6 header and its extension-header chain.
#[derive(Debug, Clone)]
pub struct Ipv6Layer<'a> {
    /// The fixed header, parsed with the layer's flags.
    pub fixed: Ipv6<'a>,
    /// The extension headers walked to the upper-layer protocol.
    pub ext: ExtWalk,
}

/// A user layer's bytes.
#[derive(Debug, Clone, Copy)]
pub struct UserHit<'a> {
    /// The layer's name.
    pub name: &'static str,
    /// Offset in the packet.
    pub offset: usize,
    /// The header bytes (`header_len` of them): view them with your schema.
    pub header: &'a [u8],
    /// Everything after the header.
    pub payload: &'a [u8],
}

/// A layer that could not be parsed.
#[derive(Debug)]
pub struct DissectError {
    /// The layer.
    pub layer: LayerKind,
    /// Offset of the layer's first byte in the packet.
    pub offset: usize,
    /// What went wrong (offsets inside relative to the layer's start).
    pub error: Error,
}

impl fmt::Display for DissectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}: {}", self.layer, self.offset, self.error)
    }
}

impl std::error::Error for DissectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Capacity for registered layers' hits ([`Dissection::user`]): a
/// radiotap 802.11 frame has four (radiotap, wlan_radio, wlan, llc); more
/// are counted as dropped (every layer is still in [`Dissection::layers`]).
/// Kept small: the dissection is moved by value in `dissect`.
pub const MAX_USER: usize = 4;
/// How many layers [`Dissection::layers`] records.
pub const MAX_LAYERS: usize = 32;
/// Capacity for VLAN tags.
pub const MAX_VLAN_TAGS: usize = 4;
/// Capacity for IP and transport occurrences (tunnels, ICMP quotes).
pub const MAX_OCCURRENCES: usize = 4;
/// Capacity for layers that rarely repeat (ICMP, SCTP, GTP-U, DNS, user
/// layers): an ICMP error inside a tunnel is two.
pub const MAX_RARE: usize = 2;

/// Everything the dissector found in one packet.
#[derive(Debug)]
pub struct Dissection<'a> {
    /// The packet bytes.
    pub data: &'a [u8],
    /// The link type it was decoded as.
    pub link_type: LinkType,
    /// Every layer walked, outermost first (parsed or skipped).
    pub layers: Stack<LayerRecord, MAX_LAYERS>,
    /// Ethernet II.
    pub eth: Option<Ethernet<'a>>,
    /// Linux cooked v1.
    pub sll: Option<LinuxSll<'a>>,
    /// Linux cooked v2.
    pub sll2: Option<LinuxSll2<'a>>,
    /// BSD loopback.
    pub loopback: Option<Loopback<'a>>,
    /// VLAN tags, outermost first (S-tag first in QinQ).
    pub vlans: Stack<Vlan<'a>, MAX_VLAN_TAGS>,
    /// IPv4 headers, outermost first (tunnels and ICMP quotes add more).
    pub ipv4: Stack<Hit<Ipv4<'a>>, MAX_OCCURRENCES>,
    /// IPv6 headers, outermost first.
    pub ipv6: Stack<Hit<Ipv6Layer<'a>>, MAX_OCCURRENCES>,
    /// TCP headers.
    pub tcp: Stack<Hit<Tcp<'a>>, MAX_OCCURRENCES>,
    /// UDP headers.
    pub udp: Stack<Hit<Udp<'a>>, MAX_OCCURRENCES>,
    /// ICMP headers.
    pub icmp: Stack<Hit<Icmp<'a>>, MAX_RARE>,
    /// ICMPv6 headers.
    pub icmpv6: Stack<Hit<Icmp<'a>>, MAX_RARE>,
    /// SCTP common headers.
    pub sctp: Stack<Hit<Sctp<'a>>, MAX_RARE>,
    /// GTP-U headers.
    pub gtp: Stack<Hit<GtpU<'a>>, MAX_RARE>,
    /// DNS messages (over UDP, or TCP without the length prefix).
    pub dns: Stack<Hit<DnsMessage<'a>>, MAX_RARE>,
    /// An HTTP/1.x request or response head.
    pub http: Option<Hit<HttpMessage<'a>>>,
    /// User layers, outermost first.
    pub user: Stack<UserHit<'a>, MAX_USER>,
    /// The bytes after the last layer walked (application data).
    pub payload: &'a [u8],
    /// Layers 2–4 in brief, for flows and filters (`wire_len` is left for
    /// the caller, who knows the record's original length).
    pub summary: PacketSummary,
    /// The layer that stopped the walk with an error, if any.
    pub error: Option<DissectError>,
}

impl<'a> Dissection<'a> {
    /// An empty dissection of `data`.
    pub fn new(link_type: LinkType, data: &'a [u8]) -> Self {
        Dissection {
            data,
            link_type,
            layers: Stack::new(),
            eth: None,
            sll: None,
            sll2: None,
            loopback: None,
            vlans: Stack::new(),
            ipv4: Stack::new(),
            ipv6: Stack::new(),
            tcp: Stack::new(),
            udp: Stack::new(),
            icmp: Stack::new(),
            icmpv6: Stack::new(),
            sctp: Stack::new(),
            gtp: Stack::new(),
            dns: Stack::new(),
            http: None,
            user: Stack::new(),
            payload: &[],
            summary: PacketSummary::new(),
            error: None,
        }
    }

    /// Empties this dissection for another packet of the same lifetime
    /// (e.g. of one memory-mapped file), without rebuilding it: cheaper
    /// than [`Dissection::new`] for a struct of this size.
    #[inline]
    pub fn reset(&mut self, link_type: LinkType, data: &'a [u8]) {
        self.data = data;
        self.link_type = link_type;
        self.layers.clear();
        self.eth = None;
        self.sll = None;
        self.sll2 = None;
        self.loopback = None;
        self.vlans.clear();
        self.ipv4.clear();
        self.ipv6.clear();
        self.tcp.clear();
        self.udp.clear();
        self.icmp.clear();
        self.icmpv6.clear();
        self.sctp.clear();
        self.gtp.clear();
        self.dns.clear();
        self.http = None;
        self.user.clear();
        self.payload = &[];
        self.summary = PacketSummary::new();
        self.error = None;
    }

    /// Whether the walk went through a layer of this kind.
    pub fn has(&self, kind: LayerKind) -> bool {
        self.layers.iter().any(|l| l.kind == kind)
    }

    /// The layer names, colon-separated, as tshark's `frame.protocols`
    /// would start (without tshark's `ethertype`/`data` pseudo-layers).
    pub fn protocols(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.layers.iter().map(|l| l.kind.name())
    }

    /// The packet's Community ID (seed 0) as tshark 4.0 gives it: the
    /// [`community_id()`] of the summary, except that tshark computes none
    /// for an IPv6 packet whose extension-header chain is cut, or ends in
    /// a Fragment header with a non-zero offset (no transport header
    /// follows), while the summary still names its addresses for flows.
    pub fn community_id(&self) -> Option<CommunityId> {
        if self.ipv6_without_transport() {
            return None;
        }
        community_id(&self.summary)
    }

    /// Whether the flow's IP layer (the innermost outside ICMP quotes) is
    /// IPv6 with a cut extension chain or a non-first fragment.
    fn ipv6_without_transport(&self) -> bool {
        let flow_ip = self
            .layers
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.quoted && matches!(l.kind, LayerKind::Ipv4 | LayerKind::Ipv6))
            .map(|(i, l)| (i, l.kind))
            .last();
        let Some((ip, LayerKind::Ipv6)) = flow_ip else {
            return false;
        };
        let after = || self.layers.iter().skip(ip + 1);
        if after().any(|l| matches!(l.kind, LayerKind::Ipv4 | LayerKind::Ipv6)) {
            // An ICMP error's quote: the flow is the outer packet's.
            return false;
        }
        if matches!(&self.error, Some(e) if matches!(e.layer, LayerKind::Ipv6Ext(_))) {
            return true;
        }
        after().any(|l| {
            l.kind == LayerKind::Ipv6Ext(pcap_core::IpProto::IPV6_FRAG.0)
                && self
                    .data
                    .get(l.offset + 2..l.offset + 4)
                    .is_some_and(|b| u16::from_be_bytes([b[0], b[1]]) >> 3 != 0)
        })
    }
}

/// One line per layer walked, outermost first, re-read through each
/// layer's view (`pcapdig show`'s body); quoted layers are marked, and a
/// last line names the error that stopped the walk, if any.
impl fmt::Display for Dissection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::{dns, eth, gtp, http, icmp, ipv4, ipv6, loopback, sctp, sll, tcp, udp, vlan};
        for r in self.layers.iter() {
            let bytes = self.data.get(r.offset..).unwrap_or(&[]);
            let quote = if r.quoted { "  (quoted) " } else { "" };
            // Every view below was checked once by the walk; a layer cut
            // short (a quoted TCP header) prints its name alone.
            let line = match r.kind {
                LayerKind::Ethernet => eth::Ethernet::view(bytes).map(|v| v.to_string()),
                LayerKind::Vlan | LayerKind::QinQ => {
                    vlan::VlanTag::view(bytes).map(|v| v.to_string())
                }
                LayerKind::Sll => sll::LinuxSll::view(bytes).map(|v| v.to_string()),
                LayerKind::Sll2 => sll::LinuxSll2::view(bytes).map(|v| v.to_string()),
                LayerKind::Loopback => loopback::Loopback::view(bytes).map(|v| v.to_string()),
                LayerKind::Ipv4 => ipv4::Ipv4::view(bytes).map(|v| v.to_string()),
                LayerKind::Ipv6 => ipv6::Ipv6::view(bytes).map(|v| v.to_string()),
                LayerKind::Tcp => tcp::Tcp::view(bytes).map(|v| v.to_string()),
                LayerKind::Udp => udp::Udp::view(bytes).map(|v| v.to_string()),
                LayerKind::Icmp => icmp::Icmp::view(bytes).map(|v| v.to_string()),
                LayerKind::Icmpv6 => {
                    icmp::Icmp::view(bytes).map(|v| v.to_string().replacen("ICMP", "ICMPv6", 1))
                }
                LayerKind::Sctp => sctp::Sctp::view(bytes).map(|v| v.to_string()),
                LayerKind::Gtp => gtp::GtpU::view(bytes).map(|v| v.to_string()),
                LayerKind::Dns => {
                    let msg = bytes.get(..r.len).unwrap_or(bytes);
                    dns::DnsMessage::parse_header_only(msg, dns::DnsHeader::NONE)
                        .map(|m| m.to_string())
                }
                LayerKind::Http => http::HttpMessage::parse(bytes).map(|m| m.to_string()),
                LayerKind::Ipv6Ext(_) | LayerKind::User(_) | LayerKind::Link(_) => {
                    Ok(format!("{} ({} bytes)", r.kind, r.len))
                }
            };
            let line = line.unwrap_or_else(|_| format!("{} (cut short)", r.kind));
            writeln!(f, "{quote}{line}")?;
        }
        if let Some(e) = &self.error {
            writeln!(f, "error: {e}")?;
        }
        Ok(())
    }
}
