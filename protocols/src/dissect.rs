//! The dissector: walks a record's bytes from its link type through the
//! layers, parsing each with its own flags, and fills a [`Dissection`]
//! (the parsed layers, outermost first) and a
//! [`PacketSummary`](pcap_core::flow::PacketSummary) (for flows and filters).
//!
//! * One [`Config`] field per layer holds that layer's flags. A layer whose
//!   flags are `NONE` is not parsed: the walk reads only what it needs to go
//!   on (its length and next-protocol field, through the layer's lazy view).
//! * [`Config::stop_after`] ends the walk once the asked-for depth is reached.
//! * Dispatch by EtherType, IP protocol and UDP/TCP port can be extended with
//!   user layers ([`Dissector::register_udp_port`] and friends).
//! * Nothing is allocated per packet: repeated layers go to fixed-capacity
//!   [`Stack`]s.
//! * A truncated or malformed layer stops the walk there: the error, its
//!   layer and its offset are in [`Dissection::error`], and the layers
//!   before it are kept.
//!
//! Panic contract: no input bytes can make [`Dissector::dissect`] panic (a
//! fuzz target checks it); every offset into the packet is checked.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use pcap_core::flow::{IpPair, PacketSummary, ip_proto};
use pcap_core::{Error, Field, HeaderView};

use crate::dns::{DnsHeader, DnsHeaderFields, DnsMessage};
use crate::eth::{Ethernet, EthernetFields, ethertype};
use crate::gtp::{GtpU, GtpUFields};
use crate::http::HttpMessage;
use crate::icmp::{Icmp, IcmpFields, icmp_type, icmpv6_type};
use crate::ipv4::{Ipv4, Ipv4Fields};
use crate::ipv6::{ExtWalk, Ipv6, Ipv6Fields};
use crate::loopback::{Loopback, LoopbackFields, family, normalize_family};
use crate::sctp::{Sctp, SctpFields};
use crate::sll::{LinuxSll, LinuxSll2, LinuxSll2Fields, LinuxSllFields};
use crate::stack::Stack;
use crate::tcp::{Tcp, TcpFields};
use crate::udp::{Udp, UdpFields};
use crate::vlan::{VlanTag, VlanTagFields};

/// `LINKTYPE_*` values the dissector decodes.
pub mod linktype {
    /// BSD loopback (family in host byte order).
    pub const NULL: u16 = 0;
    /// Ethernet.
    pub const ETHERNET: u16 = 1;
    /// Raw IP (version nibble decides).
    pub const RAW: u16 = 101;
    /// OpenBSD loopback (family in network byte order).
    pub const LOOP: u16 = 108;
    /// Linux cooked v1.
    pub const LINUX_SLL: u16 = 113;
    /// Raw IPv4.
    pub const IPV4: u16 = 228;
    /// Raw IPv6.
    pub const IPV6: u16 = 229;
    /// Linux cooked v2.
    pub const LINUX_SLL2: u16 = 276;
}

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
    /// (questions and records), so [`DnsMessage`] iterators are then known
    /// good; `NONE` skips DNS.
    pub dns: DnsHeaderFields,
    /// Parse HTTP/1.x start lines and headers on TCP ports 80, 8080, 8000,
    /// 3128 and 8088 (when the payload starts like HTTP).
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

impl Default for Config {
    fn default() -> Self {
        Config::minimal()
    }
}

/// What comes after a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Next {
    /// An Ethernet II header (e.g. after VXLAN).
    Ethernet,
    /// Whatever this EtherType says.
    EtherType(u16),
    /// IPv4 or IPv6, by the version nibble.
    Ip,
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
    /// Whatever this IP protocol number says (TCP, UDP, ICMP...).
    IpProto(u8),
    /// Nothing the dissector should decode: the rest is payload.
    Done,
}

/// What a user layer found: its length and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserStep {
    /// Length of the user's header in bytes (the next layer starts there).
    pub header_len: usize,
    /// What follows.
    pub next: Next,
}

/// A layer users add to the dispatch tables.
///
/// Parse with your own `#[derive(Header)]` struct and say what follows; the
/// dissector records the layer's bytes in [`Dissection::user`] (re-view
/// them with your header's `view` to read fields) and goes on.
pub trait UserLayer: Send + Sync {
    /// A short name, used in [`LayerKind::User`] and errors.
    fn name(&self) -> &'static str;
    /// Checks the header at the start of `bytes`; its length and what follows.
    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error>;
}

/// A [`UserLayer`] made of a name and a function.
#[derive(Clone, Copy)]
pub struct FnLayer {
    /// The layer's name.
    pub name: &'static str,
    /// The parse function.
    pub dissect: fn(&[u8]) -> Result<UserStep, Error>,
}

impl fmt::Debug for FnLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnLayer").field("name", &self.name).finish()
    }
}

impl UserLayer for FnLayer {
    fn name(&self) -> &'static str {
        self.name
    }
    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        (self.dissect)(bytes)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Key {
    EtherType(u16),
    IpProto(u8),
    UdpPort(u16),
    TcpPort(u16),
}

/// Which layer a [`LayerRecord`] or an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Ethernet II.
    Ethernet,
    /// An 802.1Q C-tag (TPID 0x8100).
    Vlan,
    /// An 802.1ad S-tag (TPID 0x88a8 or 0x9100).
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
    Link(u16),
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
        f.write_str(self.name())
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
    /// 0x8100 (C-tag), 0x88a8 or 0x9100 (S-tag).
    pub tpid: u16,
    /// The tag.
    pub tag: VlanTag<'a>,
}

impl Vlan<'_> {
    /// Whether this is an 802.1ad service tag (tshark's `ieee8021ad.id`
    /// rather than `vlan.id`).
    pub fn is_s_tag(&self) -> bool {
        self.tpid != ethertype::VLAN
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
    pub link_type: u16,
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
    pub user: Stack<UserHit<'a>, MAX_RARE>,
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
    pub fn new(link_type: u16, data: &'a [u8]) -> Self {
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
    pub fn reset(&mut self, link_type: u16, data: &'a [u8]) {
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
}

/// The walk's state between layers.
struct Walk<'a> {
    /// Bytes from the current layer on.
    bytes: &'a [u8],
    /// Offset of `bytes` in the packet.
    offset: usize,
    /// Inside an ICMP error quote.
    quoted: bool,
    /// The IP payload length the innermost IP header declares (after
    /// extension headers), for `tcp.len`.
    ip_payload_len: Option<usize>,
    /// Inside a non-first fragment: no transport header.
    non_first_fragment: bool,
    /// Inside a fragment: the transport payload length is unknown.
    fragment: bool,
}

/// The dissector: a [`Config`] and the dispatch tables.
#[derive(Clone, Default)]
pub struct Dissector {
    /// The per-layer configuration.
    pub config: Config,
    user: Vec<(Key, Arc<dyn UserLayer>)>,
}

impl fmt::Debug for Dissector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.user.iter().map(|(k, l)| (*k, l.name())).collect();
        f.debug_struct("Dissector")
            .field("config", &self.config)
            .field("user", &names)
            .finish()
    }
}

/// The most layers one packet may have before the walk gives up (a guard
/// against user layers that do not advance, and against endless tunnels).
const MAX_STEPS: usize = 64;

/// UDP ports DNS is looked for on: DNS, mDNS (RFC 6762), LLMNR (RFC 4795).
const DNS_UDP_PORTS: [u16; 3] = [53, 5353, 5355];

/// TCP ports HTTP is looked for on (tshark's defaults, in part).
const HTTP_PORTS: [u16; 5] = [80, 8080, 8000, 3128, 8088];

impl Dissector {
    /// A dissector with this configuration and the built-in tables.
    pub fn new(config: Config) -> Self {
        Dissector {
            config,
            user: Vec::new(),
        }
    }

    /// Decodes frames of this EtherType with `layer` (before the built-ins).
    pub fn register_ethertype(&mut self, ethertype: u16, layer: impl UserLayer + 'static) {
        self.user.push((Key::EtherType(ethertype), Arc::new(layer)));
    }

    /// Decodes IP payloads of this protocol with `layer`.
    pub fn register_ip_proto(&mut self, proto: u8, layer: impl UserLayer + 'static) {
        self.user.push((Key::IpProto(proto), Arc::new(layer)));
    }

    /// Decodes UDP datagrams to or from this port with `layer`.
    pub fn register_udp_port(&mut self, port: u16, layer: impl UserLayer + 'static) {
        self.user.push((Key::UdpPort(port), Arc::new(layer)));
    }

    /// Decodes TCP segment data to or from this port with `layer`.
    pub fn register_tcp_port(&mut self, port: u16, layer: impl UserLayer + 'static) {
        self.user.push((Key::TcpPort(port), Arc::new(layer)));
    }

    fn lookup(&self, key: Key) -> Option<&Arc<dyn UserLayer>> {
        if self.user.is_empty() {
            return None;
        }
        self.user.iter().find(|(k, _)| *k == key).map(|(_, l)| l)
    }

    /// Dissects one packet captured with `link_type` (a `LINKTYPE_*` value,
    /// see [`linktype`]).
    pub fn dissect<'a>(&self, link_type: u16, data: &'a [u8]) -> Dissection<'a> {
        let mut d = Dissection::new(link_type, data);
        self.dissect_into(&mut d);
        d
    }

    /// Dissects a capture record: its link type, its bytes, and its
    /// original length (into [`PacketSummary::wire_len`]).
    pub fn dissect_record<'a>(&self, record: &pcap_core::capture::Record<'a>) -> Dissection<'a> {
        let mut d = Dissection::new(record.linktype.0, record.data);
        d.summary.wire_len = record.origlen;
        self.dissect_into(&mut d);
        d
    }

    /// Dissects `d.data` into `d` (fresh from [`Dissection::new`] or
    /// [`Dissection::reset`]; set `d.summary.wire_len` before if known).
    pub fn dissect_into<'a>(&self, d: &mut Dissection<'a>) {
        let mut w = Walk {
            bytes: d.data,
            offset: 0,
            quoted: false,
            ip_payload_len: None,
            non_first_fragment: false,
            fragment: false,
        };
        let first = match self.link(d, &mut w) {
            Ok(next) => next,
            Err(e) => {
                d.error = Some(e);
                return;
            }
        };
        if let Err(e) = self.walk_from(d, &mut w, first) {
            d.error = Some(e);
        }
        d.payload = w.bytes;
    }

    /// The link-layer header; what follows it.
    fn link<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let cfg = &self.config;
        match d.link_type {
            linktype::ETHERNET => Ok(Next::Ethernet),
            linktype::RAW => Ok(Next::Ip),
            linktype::IPV4 => Ok(Next::Ipv4),
            linktype::IPV6 => Ok(Next::Ipv6),
            linktype::LINUX_SLL => {
                let v = LinuxSll::view(w.bytes).map_err(|e| err(LayerKind::Sll, 0, e))?;
                if cfg.sll != LinuxSll::NONE {
                    d.sll = parse(LinuxSll::parse(w.bytes, cfg.sll), LayerKind::Sll, 0)?;
                }
                advance(d, w, LayerKind::Sll, v.header_len());
                Ok(Next::EtherType(v.protocol()))
            }
            linktype::LINUX_SLL2 => {
                let v = LinuxSll2::view(w.bytes).map_err(|e| err(LayerKind::Sll2, 0, e))?;
                if cfg.sll2 != LinuxSll2::NONE {
                    d.sll2 = parse(LinuxSll2::parse(w.bytes, cfg.sll2), LayerKind::Sll2, 0)?;
                }
                advance(d, w, LayerKind::Sll2, v.header_len());
                Ok(Next::EtherType(v.protocol()))
            }
            linktype::NULL | linktype::LOOP => {
                let v = Loopback::view(w.bytes).map_err(|e| err(LayerKind::Loopback, 0, e))?;
                let fam = if d.link_type == linktype::LOOP {
                    v.family()
                } else {
                    normalize_family(v.family())
                };
                if cfg.loopback != Loopback::NONE {
                    // Parse in the byte order that gives a small family.
                    let endian = if fam == v.family() {
                        pcap_core::Endian::Big
                    } else {
                        pcap_core::Endian::Little
                    };
                    d.loopback = parse(
                        Loopback::parse_endian(w.bytes, cfg.loopback, endian),
                        LayerKind::Loopback,
                        0,
                    )?;
                }
                advance(d, w, LayerKind::Loopback, v.header_len());
                Ok(match fam {
                    family::INET => Next::Ipv4,
                    f if family::is_inet6(f) => Next::Ipv6,
                    _ => Next::Done,
                })
            }
            other => {
                let e = Error::Unsupported {
                    layer: "link",
                    detail: format!("link type {other}").into(),
                };
                Err(err(LayerKind::Link(other), 0, e))
            }
        }
    }

    fn walk_from<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        mut next: Next,
    ) -> Result<(), DissectError> {
        let cfg = &self.config;
        for _ in 0..MAX_STEPS {
            next = match next {
                Next::Done => return Ok(()),
                Next::Ethernet => self.ethernet(d, w)?,
                Next::EtherType(t) => {
                    if let Some(layer) = self.lookup(Key::EtherType(t)) {
                        self.user_layer(d, w, layer.as_ref())?
                    } else if ethertype::is_vlan(t) {
                        self.vlan(d, w, t)?
                    } else if t == ethertype::IPV4 {
                        Next::Ipv4
                    } else if t == ethertype::IPV6 {
                        Next::Ipv6
                    } else {
                        Next::Done
                    }
                }
                Next::Ip => match w.bytes.first().map(|b| b >> 4) {
                    Some(4) => Next::Ipv4,
                    Some(6) => Next::Ipv6,
                    Some(v) => {
                        let e = Error::malformed("IP", "version", 0, format!("IP version {v}"));
                        return Err(err(LayerKind::Ipv4, w.offset, e));
                    }
                    None => {
                        let e = short("IP", "version", 1, 0);
                        return Err(err(LayerKind::Ipv4, w.offset, e));
                    }
                },
                Next::Ipv4 | Next::Ipv6 if cfg.stop_after < Depth::Network => return Ok(()),
                Next::Ipv4 => self.ipv4(d, w)?,
                Next::Ipv6 => self.ipv6(d, w)?,
                Next::IpProto(_) if cfg.stop_after < Depth::Transport => return Ok(()),
                Next::IpProto(_) if w.non_first_fragment => return Ok(()),
                Next::IpProto(p) => {
                    if let Some(layer) = self.lookup(Key::IpProto(p)) {
                        self.user_layer(d, w, layer.as_ref())?
                    } else {
                        match p {
                            ip_proto::TCP => self.tcp(d, w)?,
                            ip_proto::UDP => self.udp(d, w)?,
                            ip_proto::ICMP => self.icmp(d, w, false)?,
                            ip_proto::ICMPV6 => self.icmp(d, w, true)?,
                            ip_proto::SCTP => self.sctp(d, w)?,
                            4 if !w.quoted && cfg.stop_after >= Depth::Application => Next::Ipv4,
                            41 if !w.quoted && cfg.stop_after >= Depth::Application => Next::Ipv6,
                            _ => Next::Done,
                        }
                    }
                }
            };
        }
        Ok(())
    }

    fn ethernet<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let v = Ethernet::view(w.bytes).map_err(|e| err(LayerKind::Ethernet, w.offset, e))?;
        if self.config.eth != Ethernet::NONE && d.eth.is_none() {
            d.eth = parse(
                Ethernet::parse(w.bytes, self.config.eth),
                LayerKind::Ethernet,
                w.offset,
            )?;
        }
        advance(d, w, LayerKind::Ethernet, v.header_len());
        Ok(Next::EtherType(v.ethertype()))
    }

    fn vlan<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        tpid: u16,
    ) -> Result<Next, DissectError> {
        let kind = if tpid == ethertype::VLAN {
            LayerKind::Vlan
        } else {
            LayerKind::QinQ
        };
        let v = VlanTag::view(w.bytes).map_err(|e| err(kind, w.offset, e))?;
        if self.config.vlan != VlanTag::NONE
            && let Some(tag) = parse(VlanTag::parse(w.bytes, self.config.vlan), kind, w.offset)?
        {
            d.vlans.push(Vlan { tpid, tag });
        }
        if !w.quoted {
            if d.summary.vlan_count == 0 && kind == LayerKind::QinQ {
                d.summary.s_tag = true;
            }
            d.summary.push_vlan(v.vid());
        }
        advance(d, w, kind, v.header_len());
        Ok(Next::EtherType(v.ethertype()))
    }

    fn ipv4<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Ipv4::view(w.bytes).map_err(|e| err(LayerKind::Ipv4, start, e))?;
        let hlen = v.header_len();
        let payload = v.payload_within_total_len();
        // Total Length 0 (segmentation offload): the captured length.
        let declared = usize::from(v.total_len())
            .checked_sub(hlen)
            .filter(|_| v.total_len() != 0);
        if self.config.ipv4 != Ipv4::NONE
            && let Some(header) = parse(
                Ipv4::parse(w.bytes, self.config.ipv4),
                LayerKind::Ipv4,
                start,
            )?
        {
            d.ipv4.push(Hit {
                header,
                offset: start,
                quoted: w.quoted,
                payload_len: if w.quoted { None } else { declared },
            });
        }
        let fragment = v.is_fragment();
        w.non_first_fragment = v.frag_offset() != 0;
        w.fragment = fragment;
        w.ip_payload_len = declared.or(Some(payload.len()));
        if !w.quoted {
            d.summary = PacketSummary {
                ip: Some(IpPair {
                    src: IpAddr::V4(v.src_addr()),
                    // A source-routed packet's flow ends at the route's end.
                    dst: IpAddr::V4(if v.ihl() > 5 {
                        v.final_dst()
                    } else {
                        v.dst_addr()
                    }),
                }),
                protocol: v.protocol(),
                is_fragment: fragment,
                ..reset_l3(&d.summary)
            };
        }
        record(d, LayerKind::Ipv4, start, hlen, w.quoted);
        w.bytes = payload;
        w.offset = start + hlen;
        Ok(Next::IpProto(v.protocol()))
    }

    fn ipv6<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Ipv6::view(w.bytes).map_err(|e| err(LayerKind::Ipv6, start, e))?;
        let fixed = if self.config.ipv6 != Ipv6::NONE {
            parse(
                Ipv6::parse(w.bytes, self.config.ipv6),
                LayerKind::Ipv6,
                start,
            )?
        } else {
            None
        };
        let payload = v.payload_within_len();
        record(d, LayerKind::Ipv6, start, ipv6::HEADER_LEN, w.quoted);
        if !w.quoted {
            d.summary = PacketSummary {
                ip: Some(IpPair {
                    src: IpAddr::V6(v.src_addr()),
                    dst: IpAddr::V6(v.dst_addr()),
                }),
                protocol: v.next_header(),
                ..reset_l3(&d.summary)
            };
        }
        let ext_start = start + ipv6::HEADER_LEN;
        let (walk, failure) = ExtWalk::walk(v.next_header(), payload);
        for &(nh, off) in walk.recorded() {
            record(
                d,
                LayerKind::Ipv6Ext(nh),
                ext_start + usize::from(off),
                0,
                w.quoted,
            );
        }
        if !w.quoted {
            d.summary.protocol = walk.protocol;
            d.summary.is_fragment = walk.fragment.is_some();
        }
        if let Some(e) = failure {
            if let Some(fixed) = fixed {
                d.ipv6.push(Hit {
                    header: Ipv6Layer { fixed, ext: walk },
                    offset: start,
                    quoted: w.quoted,
                    payload_len: None,
                });
            }
            // The error offset counts from the first extension header.
            return Err(err(LayerKind::Ipv6Ext(walk.protocol), ext_start, e));
        }
        let declared = match v.payload_len() {
            0 => payload.len(),
            n => usize::from(n),
        };
        let upper_len = declared.saturating_sub(walk.len);
        if let Some(fixed) = fixed {
            d.ipv6.push(Hit {
                header: Ipv6Layer { fixed, ext: walk },
                offset: start,
                quoted: w.quoted,
                payload_len: (!w.quoted).then_some(upper_len),
            });
        }
        w.ip_payload_len = Some(upper_len);
        w.non_first_fragment = matches!(walk.fragment, Some(f) if f.offset != 0);
        w.fragment = walk.fragment.is_some_and(|f| f.more || f.offset != 0);
        w.bytes = payload.get(walk.len..).unwrap_or(&[]);
        w.offset = ext_start + walk.len;
        Ok(Next::IpProto(walk.protocol))
    }

    fn tcp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = match Tcp::view(w.bytes) {
            Ok(v) => v,
            Err(e) => {
                // ICMP errors quote as little as 8 bytes of the segment, and
                // captures cut headers: keep the fixed fields that are there
                // (as tshark does), then report the cut unless quoted.
                if self.config.tcp != Tcp::NONE
                    && let Some(header) = partial_tcp(w.bytes, self.config.tcp)
                {
                    let hlen = w.bytes.get(12).map(|b| usize::from(b >> 4) * 4);
                    let payload_len = match (w.quoted || w.fragment, hlen, w.ip_payload_len) {
                        (false, Some(h), Some(n)) => Some(n.saturating_sub(h)),
                        _ => None,
                    };
                    d.tcp.push(Hit {
                        header,
                        offset: start,
                        quoted: w.quoted,
                        payload_len,
                    });
                }
                if !w.quoted {
                    self.partial_tcp_summary(d, w);
                } else if w.bytes.len() >= 4 {
                    record(d, LayerKind::Tcp, start, w.bytes.len(), true);
                    w.bytes = &[];
                    return Ok(Next::Done);
                }
                return Err(err(LayerKind::Tcp, start, e));
            }
        };
        let hlen = v.header_len();
        // tshark gives no tcp.len for a segment in a fragment.
        let payload_len = w
            .ip_payload_len
            .filter(|_| !w.fragment)
            .map(|n| n.saturating_sub(hlen));
        if self.config.tcp != Tcp::NONE
            && let Some(header) =
                parse(Tcp::parse(w.bytes, self.config.tcp), LayerKind::Tcp, start)?
        {
            d.tcp.push(Hit {
                header,
                offset: start,
                quoted: w.quoted,
                payload_len: if w.quoted { None } else { payload_len },
            });
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.sport = v.src_port();
            s.dport = v.dst_port();
            s.tcp_flags = v.flags_byte();
            s.tcp_seq = v.seq_num();
            s.tcp_ack = v.ack_num();
            s.payload_len = payload_len
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                .unwrap_or(0);
        }
        advance(d, w, LayerKind::Tcp, hlen);
        if w.quoted || self.config.stop_after < Depth::Application || w.bytes.is_empty() {
            return Ok(Next::Done);
        }
        let (sport, dport) = (v.src_port(), v.dst_port());
        for port in [dport, sport] {
            if let Some(layer) = self.lookup(Key::TcpPort(port)) {
                return self.user_layer(d, w, layer.as_ref());
            }
        }
        if (sport == 53 || dport == 53) && self.config.dns != DnsHeader::NONE {
            // DNS over TCP: a 2-byte length prefix (RFC 1035 §4.2.2).
            let body = w.bytes.get(2..).unwrap_or(&[]);
            let len = w
                .bytes
                .get(..2)
                .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
            if let Some(len) = len {
                let msg = body.get(..len).unwrap_or(body);
                self.dns(d, msg, w.offset + 2, w.quoted)?;
            }
            return Ok(Next::Done);
        }
        if self.config.http
            && (HTTP_PORTS.contains(&sport) || HTTP_PORTS.contains(&dport))
            && http::looks_like_http(w.bytes)
        {
            let msg = HttpMessage::parse(w.bytes).map_err(|e| err(LayerKind::Http, w.offset, e))?;
            record(d, LayerKind::Http, w.offset, msg.head_len(), w.quoted);
            d.http = Some(Hit {
                header: msg,
                offset: w.offset,
                quoted: w.quoted,
                payload_len: None,
            });
        }
        Ok(Next::Done)
    }

    /// Fills the summary from a TCP header cut short (ports, flags,
    /// sequence numbers, as far as they fit), so flows still see it.
    fn partial_tcp_summary(&self, d: &mut Dissection<'_>, w: &Walk<'_>) {
        let b = w.bytes;
        let be16 = |o: usize| b.get(o..o + 2).map(|x| u16::from_be_bytes([x[0], x[1]]));
        let be32 = |o: usize| {
            b.get(o..o + 4)
                .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
        };
        let (Some(sport), Some(dport)) = (be16(0), be16(2)) else {
            return;
        };
        let s = &mut d.summary;
        s.has_l4 = true;
        s.sport = sport;
        s.dport = dport;
        s.tcp_seq = be32(4).unwrap_or(0);
        s.tcp_ack = be32(8).unwrap_or(0);
        s.tcp_flags = b.get(13).copied().unwrap_or(0);
    }

    fn udp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Udp::view(w.bytes).map_err(|e| err(LayerKind::Udp, start, e))?;
        if self.config.udp != Udp::NONE
            && let Some(header) =
                parse(Udp::parse(w.bytes, self.config.udp), LayerKind::Udp, start)?
        {
            d.udp.push(Hit {
                header,
                offset: start,
                quoted: w.quoted,
                payload_len: if w.quoted {
                    None
                } else {
                    usize::from(v.length()).checked_sub(udp::HEADER_LEN)
                },
            });
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.sport = v.src_port();
            s.dport = v.dst_port();
            s.payload_len = u32::from(v.length().saturating_sub(8));
        }
        record(d, LayerKind::Udp, start, udp::HEADER_LEN, w.quoted);
        w.bytes = v.payload_within_len();
        w.offset = start + udp::HEADER_LEN;
        if self.config.stop_after < Depth::Application || w.bytes.is_empty() {
            return Ok(Next::Done);
        }
        let (sport, dport) = (v.src_port(), v.dst_port());
        for port in [dport, sport] {
            if let Some(layer) = self.lookup(Key::UdpPort(port)) {
                return self.user_layer(d, w, layer.as_ref());
            }
        }
        if (dport == gtp::PORT || sport == gtp::PORT) && !w.quoted {
            return self.gtp(d, w);
        }
        if (DNS_UDP_PORTS.contains(&sport) || DNS_UDP_PORTS.contains(&dport))
            && self.config.dns != DnsHeader::NONE
        {
            self.dns(d, w.bytes, w.offset, w.quoted)?;
        }
        Ok(Next::Done)
    }

    fn icmp<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        v6: bool,
    ) -> Result<Next, DissectError> {
        let start = w.offset;
        let kind = if v6 {
            LayerKind::Icmpv6
        } else {
            LayerKind::Icmp
        };
        let v = Icmp::view(w.bytes).map_err(|e| err(kind, start, e))?;
        let flags = if v6 {
            self.config.icmpv6
        } else {
            self.config.icmp
        };
        if flags != Icmp::NONE
            && let Some(header) = parse(Icmp::parse(w.bytes, flags), kind, start)?
        {
            let hit = Hit {
                header,
                offset: start,
                quoted: w.quoted,
                payload_len: None,
            };
            if v6 {
                d.icmpv6.push(hit);
            } else {
                d.icmp.push(hit);
            }
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.icmp_type = v.msg_type();
            s.icmp_code = v.code();
        }
        advance(d, w, kind, icmp::HEADER_LEN);
        let is_error = if v6 {
            icmpv6_type::is_error(v.msg_type())
        } else {
            icmp_type::is_error(v.msg_type())
        };
        if is_error && !w.quoted && self.config.icmp_quotes && !w.bytes.is_empty() {
            // The quote is dissected as further occurrences; an error inside
            // it is tolerated (quotes are cut by design) but reported.
            w.quoted = true;
            w.ip_payload_len = None;
            w.non_first_fragment = false;
            w.fragment = false;
            return Ok(if v6 { Next::Ipv6 } else { Next::Ipv4 });
        }
        Ok(Next::Done)
    }

    fn sctp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = Sctp::view(w.bytes).map_err(|e| err(LayerKind::Sctp, start, e))?;
        if self.config.sctp != Sctp::NONE
            && let Some(header) = parse(
                Sctp::parse(w.bytes, self.config.sctp),
                LayerKind::Sctp,
                start,
            )?
        {
            d.sctp.push(Hit {
                header,
                offset: start,
                quoted: w.quoted,
                payload_len: None,
            });
        }
        if !w.quoted {
            let s = &mut d.summary;
            s.has_l4 = true;
            s.sport = v.src_port();
            s.dport = v.dst_port();
        }
        advance(d, w, LayerKind::Sctp, sctp::HEADER_LEN);
        Ok(Next::Done)
    }

    fn gtp<'a>(&self, d: &mut Dissection<'a>, w: &mut Walk<'a>) -> Result<Next, DissectError> {
        let start = w.offset;
        let v = GtpU::view(w.bytes).map_err(|e| err(LayerKind::Gtp, start, e))?;
        if self.config.gtp != GtpU::NONE
            && let Some(header) =
                parse(GtpU::parse(w.bytes, self.config.gtp), LayerKind::Gtp, start)?
        {
            d.gtp.push(Hit {
                header,
                offset: start,
                quoted: w.quoted,
                payload_len: None,
            });
        }
        let hlen = gtp::full_header_len(w.bytes).map_err(|e| err(LayerKind::Gtp, start, e))?;
        advance(d, w, LayerKind::Gtp, hlen);
        Ok(if v.msg_type() == gtp::G_PDU {
            Next::Ip
        } else {
            Next::Done
        })
    }

    fn dns<'a>(
        &self,
        d: &mut Dissection<'a>,
        msg: &'a [u8],
        offset: usize,
        quoted: bool,
    ) -> Result<(), DissectError> {
        let m = DnsMessage::parse_header_only(msg, self.config.dns)
            .map_err(|e| err(LayerKind::Dns, offset, e))?;
        record(d, LayerKind::Dns, offset, msg.len(), quoted);
        // A malformed or cut message is kept (its header and the items
        // before the damage, as tshark shows them) and the damage reported;
        // a quoted message is cut by design and not checked.
        let checked = if quoted { Ok(()) } else { m.validate() };
        d.dns.push(Hit {
            header: m,
            offset,
            quoted,
            payload_len: None,
        });
        checked.map_err(|e| err(LayerKind::Dns, offset, e))
    }

    fn user_layer<'a>(
        &self,
        d: &mut Dissection<'a>,
        w: &mut Walk<'a>,
        layer: &dyn UserLayer,
    ) -> Result<Next, DissectError> {
        let kind = LayerKind::User(layer.name());
        let step = layer.dissect(w.bytes).map_err(|e| err(kind, w.offset, e))?;
        let Some((header, payload)) = w.bytes.split_at_checked(step.header_len) else {
            let e = short(layer.name(), "(header)", step.header_len, w.bytes.len());
            return Err(err(kind, w.offset, e));
        };
        d.user.push(UserHit {
            name: layer.name(),
            offset: w.offset,
            header,
            payload,
        });
        advance(d, w, kind, step.header_len);
        // A user layer that does not advance can only go on to a
        // different kind of layer; MAX_STEPS bounds the rest.
        Ok(step.next)
    }
}

use crate::{gtp, http, icmp, ipv6, sctp, udp};

/// The summary with everything from layer 3 down cleared (for a new IP
/// layer: an inner tunnelled packet replaces the outer one).
fn reset_l3(s: &PacketSummary) -> PacketSummary {
    PacketSummary {
        vlan_ids: s.vlan_ids,
        vlan_count: s.vlan_count,
        s_tag: s.s_tag,
        wire_len: s.wire_len,
        ..PacketSummary::new()
    }
}

/// A TCP header cut before its end (by an ICMP quote or the capture): the
/// fixed fields that fit, as flagged, or `None` if not even the ports are
/// there.
fn partial_tcp<'a>(bytes: &'a [u8], flags: TcpFields) -> Option<Tcp<'a>> {
    use pcap_core::{Endian, Raw};
    let u16_at = |off: usize, parse: TcpFields, unpack: TcpFields| -> Field<'a, u16> {
        match bytes.get(off..off + 2) {
            Some(b) if flags.contains(unpack) => Field::Value(u16::from_be_bytes([b[0], b[1]])),
            Some(b) if flags.contains(parse) => Field::Raw(Raw::new(b, Endian::Big)),
            _ => Field::Skipped,
        }
    };
    let u32_at = |off: usize, parse: TcpFields, unpack: TcpFields| -> Field<'a, u32> {
        match bytes.get(off..off + 4) {
            Some(b) if flags.contains(unpack) => {
                Field::Value(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            }
            Some(b) if flags.contains(parse) => Field::Raw(Raw::new(b, Endian::Big)),
            _ => Field::Skipped,
        }
    };
    let word = bytes.get(12..14);
    let data_offset = match word {
        Some(b) if flags.contains(Tcp::UNPACK_DATA_OFFSET) => Field::Value(b[0] >> 4),
        Some(b) if flags.contains(Tcp::PARSE_DATA_OFFSET) => Field::Raw(Raw::bits(&b[..1], 0, 4)),
        _ => Field::Skipped,
    };
    let tcp_flags = match word {
        Some(b) if flags.contains(Tcp::UNPACK_FLAGS) => {
            Field::Value(u16::from_be_bytes([b[0], b[1]]) & 0x0fff)
        }
        Some(b) if flags.contains(Tcp::PARSE_FLAGS) => Field::Raw(Raw::bits(b, 4, 12)),
        _ => Field::Skipped,
    };
    bytes.get(..4)?;
    Some(Tcp {
        src_port: u16_at(0, Tcp::PARSE_SRC_PORT, Tcp::UNPACK_SRC_PORT),
        dst_port: u16_at(2, Tcp::PARSE_DST_PORT, Tcp::UNPACK_DST_PORT),
        seq_num: u32_at(4, Tcp::PARSE_SEQ_NUM, Tcp::UNPACK_SEQ_NUM),
        ack_num: u32_at(8, Tcp::PARSE_ACK_NUM, Tcp::UNPACK_ACK_NUM),
        data_offset,
        flags: tcp_flags,
        window: u16_at(14, Tcp::PARSE_WINDOW, Tcp::UNPACK_WINDOW),
        checksum: u16_at(16, Tcp::PARSE_CHECKSUM, Tcp::UNPACK_CHECKSUM),
        urgent_ptr: u16_at(18, Tcp::PARSE_URGENT_PTR, Tcp::UNPACK_URGENT_PTR),
        options: Field::Skipped,
    })
}

/// A buffer too short for `needed` bytes.
fn short(layer: &'static str, field: &'static str, needed: usize, available: usize) -> Error {
    Error::Truncated {
        layer,
        field,
        offset: 0,
        needed,
        available,
        limit: pcap_core::Limit::Buffer,
    }
}

fn err(layer: LayerKind, offset: usize, error: Error) -> DissectError {
    DissectError {
        layer,
        offset,
        error,
    }
}

/// A layer's parse result, with the layer located on error.
fn parse<T>(
    r: Result<(T, &[u8]), Error>,
    layer: LayerKind,
    offset: usize,
) -> Result<Option<T>, DissectError> {
    match r {
        Ok((h, _)) => Ok(Some(h)),
        Err(e) => Err(err(layer, offset, e)),
    }
}

fn record(d: &mut Dissection<'_>, kind: LayerKind, offset: usize, len: usize, quoted: bool) {
    d.layers.push(LayerRecord {
        kind,
        offset,
        len,
        quoted,
    });
}

/// Records the layer and moves past its `len` header bytes (checked by the
/// layer's view before this is called).
fn advance<'a>(d: &mut Dissection<'a>, w: &mut Walk<'a>, kind: LayerKind, len: usize) {
    record(d, kind, w.offset, len, w.quoted);
    w.bytes = w.bytes.get(len..).unwrap_or(&[]);
    w.offset += len;
}
