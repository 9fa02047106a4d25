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
//!   user layers ([`Dissector::register_udp_port`] and friends). The keys
//!   of the walk's own layers are stated once, in [`builtin_keys`], and
//!   held by the [`Registry`] with the registered layers' (a built-in
//!   layer can be hooked on one more key with [`Registry::hook`]).
//! * Nothing is allocated per packet: repeated layers go to fixed-capacity
//!   [`Stack`](crate::Stack)s.
//! * A truncated or malformed layer stops the walk there: the error, its
//!   layer and its offset are in [`Dissection::error`], and the layers
//!   before it are kept.
//!
//! Panic contract: no input bytes can make [`Dissector::dissect`] panic (a
//! fuzz target checks it); every offset into the packet is checked.

mod builtin;
mod config;
mod describe;
mod registry;
mod result;
mod user;
mod walk;

use std::fmt;

pub use builtin::{Builtin, DNS_UDP_PORTS, builtin_keys};
pub use config::{Config, Depth};
pub use describe::{SCHEMA_LAYERS, Visit};
pub use registry::{Dispatch, Registry};
pub use result::{
    DissectError, Dissection, Hit, Ipv6Layer, LayerKind, LayerRecord, MAX_LAYERS, MAX_OCCURRENCES,
    MAX_RARE, MAX_USER, MAX_VLAN_TAGS, UserHit, Vlan,
};
pub use user::{FnLayer, HeaderLayer, Next, UserLayer, UserStep};

pub use pcap_core::capture::LinkType;
use pcap_core::{EtherType, IpProto};

/// The link types the dissector decodes, in registry order; a record of any
/// other link type gets a [`LayerKind::Link`] error and no layers.
pub const DECODED_LINK_TYPES: [LinkType; 8] = [
    LinkType::NULL,
    LinkType::ETHERNET,
    LinkType::RAW,
    LinkType::LOOP,
    LinkType::LINUX_SLL,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL2,
];

/// The dissector: a [`Config`] and the dispatch tables.
#[derive(Clone)]
pub struct Dissector {
    /// The per-layer configuration.
    pub config: Config,
    registry: Registry,
}

impl fmt::Debug for Dissector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dissector")
            .field("config", &self.config)
            .field("registry", &self.registry)
            .finish()
    }
}

impl Default for Dissector {
    /// The default configuration and the built-in layers.
    fn default() -> Self {
        Dissector::new(Config::default())
    }
}

impl Dissector {
    /// A dissector with this configuration and the built-in tables.
    pub fn new(config: Config) -> Self {
        Dissector {
            config,
            registry: Registry::new(),
        }
    }

    /// A dissector with this configuration, the built-in layers and the
    /// layers of `registry`.
    pub fn with_registry(config: Config, registry: Registry) -> Self {
        Dissector { config, registry }
    }

    /// The registered (non-built-in) layers.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Decodes frames of this EtherType with `layer` (before the built-ins).
    pub fn register_ethertype(&mut self, ethertype: EtherType, layer: impl UserLayer + 'static) {
        self.registry
            .register(Dispatch::EtherType(ethertype), layer);
    }

    /// Decodes IP payloads of this protocol with `layer`.
    pub fn register_ip_proto(&mut self, proto: IpProto, layer: impl UserLayer + 'static) {
        self.registry.register(Dispatch::IpProto(proto), layer);
    }

    /// Decodes UDP datagrams to or from this port with `layer`.
    pub fn register_udp_port(&mut self, port: u16, layer: impl UserLayer + 'static) {
        self.registry.register(Dispatch::UdpPort(port), layer);
    }

    /// Decodes TCP segment data to or from this port with `layer`.
    pub fn register_tcp_port(&mut self, port: u16, layer: impl UserLayer + 'static) {
        self.registry.register(Dispatch::TcpPort(port), layer);
    }

    /// Whether records of link type `lt` are decoded: one of
    /// [`DECODED_LINK_TYPES`], or a link type a registered layer reads
    /// (radiotap and 802.11 among the built-ins, or the user's). Records
    /// of other link types get a [`LayerKind::Link`] error and no layers.
    pub fn decodes(&self, lt: LinkType) -> bool {
        DECODED_LINK_TYPES.contains(&lt)
            || self
                .registry
                .entries()
                .any(|(k, _)| k == Dispatch::LinkType(lt))
    }

    #[inline(always)]
    fn lookup(&self, key: Dispatch, bytes: &[u8]) -> Option<&std::sync::Arc<dyn UserLayer>> {
        self.registry.lookup(key, bytes)
    }

    /// Dissects one packet captured with `link_type` (see
    /// [`DECODED_LINK_TYPES`]).
    pub fn dissect<'a>(&self, link_type: LinkType, data: &'a [u8]) -> Dissection<'a> {
        let mut d = Dissection::new(link_type, data);
        self.dissect_into(&mut d);
        d
    }

    /// Dissects a capture record: its link type, its bytes, and its
    /// original length (into [`PacketSummary::wire_len`](pcap_core::flow::PacketSummary::wire_len)).
    ///
    /// The [`Dissection`] is returned by value: several KB moved per call.
    /// In a per-packet loop, build it in place with [`Dissection::new`] and
    /// fill it with [`Dissector::dissect_into`] instead.
    pub fn dissect_record<'a>(&self, record: &pcap_core::capture::Record<'a>) -> Dissection<'a> {
        let mut d = Dissection::new(record.linktype, record.data);
        d.summary.wire_len = record.origlen;
        self.dissect_into(&mut d);
        d
    }

    /// Dissects `d.data` into `d` (fresh from [`Dissection::new`] or
    /// [`Dissection::reset`]; set `d.summary.wire_len` before if known).
    pub fn dissect_into<'a>(&self, d: &mut Dissection<'a>) {
        self.run(d);
    }
}
