//! The registry: the layers a [`Dissector`](super::Dissector) knows beyond
//! its built-ins, each hooked on a [`Dispatch`] key (a link type, an
//! EtherType, an IP protocol, a UDP or TCP port).
//!
//! A registry is built once and shared: the same one configures every
//! dissector of a program (`pcapdig`'s subcommands each build their own
//! dissector from it), and it is what `fields` and `show` ask for the
//! names and fields of the layers they did not know at compile time.

use std::fmt;
use std::sync::Arc;

use pcap_core::{EtherType, IpProto, LinkType};

use super::builtin::{Builtin, BuiltinTable};
use super::user::UserLayer;

/// Where a registered layer is hooked into the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dispatch {
    /// Records of this link type (when the dissector has no built-in
    /// decoding of it: 802.11, radiotap, a user's link type).
    LinkType(LinkType),
    /// Frames of this EtherType (before the built-ins: a registered
    /// EtherType replaces the built-in decoding of it).
    EtherType(EtherType),
    /// IP payloads of this protocol number.
    IpProto(IpProto),
    /// UDP datagrams to or from this port.
    UdpPort(u16),
    /// TCP segment data to or from this port.
    TcpPort(u16),
    /// TCP segment data on any port no port entry and no built-in layer
    /// claimed, when the layer's [`UserLayer::accepts`] says the bytes
    /// are its own (a protocol found by its content, where a port is not
    /// enough). Tried in registration order, the user's first.
    TcpHeuristic,
    /// UDP payloads, as [`Dispatch::TcpHeuristic`].
    UdpHeuristic,
    /// No key: the layer is reached by its name, from a layer that says
    /// [`Next::Layer`](super::Next::Layer) (LLC after 802.11).
    Named,
}

impl Dispatch {
    /// The key's kind as one bit (ports and numbers not included).
    #[inline(always)]
    fn kind_bit(self) -> u16 {
        1 << match self {
            Dispatch::LinkType(_) => 0,
            Dispatch::EtherType(_) => 1,
            Dispatch::IpProto(_) => 2,
            Dispatch::UdpPort(_) => 3,
            Dispatch::TcpPort(_) => 4,
            Dispatch::TcpHeuristic => 5,
            Dispatch::UdpHeuristic => 6,
            Dispatch::Named => 7,
        }
    }
}

/// A set of 65,536 ports, one bit each: whether any layer is registered on
/// a port is one load, so unregistered ports (nearly every packet) cost
/// nothing more.
#[derive(Clone)]
struct PortSet(Arc<[u64; 1024]>);

impl Default for PortSet {
    fn default() -> Self {
        PortSet(Arc::new([0; 1024]))
    }
}

impl PortSet {
    fn insert(&mut self, port: u16) {
        Arc::make_mut(&mut self.0)[usize::from(port >> 6)] |= 1 << (port & 63);
    }

    #[inline]
    fn contains(&self, port: u16) -> bool {
        self.0[usize::from(port >> 6)] & (1 << (port & 63)) != 0
    }
}

/// The layers a dissector knows beyond its hand-written walk, each with
/// the key that selects it: the built-in ones the `protocols` crate
/// registers itself (TLS), and the user's.
///
/// A user's layer is tried before a built-in one on the same key, so it
/// can stand in for it. Cloning is cheap (the layers are shared).
#[derive(Clone, Default)]
pub struct Registry {
    /// The user's entries first (`user` of them), then the built-ins.
    entries: Vec<(Dispatch, Arc<dyn UserLayer>)>,
    user: usize,
    tcp_ports: PortSet,
    udp_ports: PortSet,
    /// One bit per kind of key that has entries ([`Dispatch::kind_bit`]):
    /// the walk asks at every EtherType and IP protocol, and most kinds
    /// have none, so most asks end at one test.
    kinds: u16,
    /// The layers the walk decodes itself, by key (the facts of
    /// [`builtin_keys`](super::builtin_keys), and any [`Registry::hook`]).
    builtins: BuiltinTable,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(k, l)| (k, l.name())))
            .finish()
    }
}

impl Registry {
    /// The built-in registered layers (TLS on its ports and by content),
    /// ready for the user's: what [`Dissector::new`](super::Dissector::new)
    /// uses.
    pub fn new() -> Self {
        let mut registry = Registry::empty();
        // The built-in layers that hook on a key like a user's would. The
        // next protocol is its module plus one line here.
        crate::tls::register(&mut registry);
        crate::quic::register(&mut registry);
        crate::wlan::register(&mut registry);
        registry
    }

    /// No registered layer at all, not even the built-in ones (the
    /// walk's own layers only: Ethernet to TCP/UDP, DNS, HTTP, GTP-U, on
    /// the keys of [`builtin_keys`](super::builtin_keys)).
    pub fn empty() -> Self {
        Registry::default()
    }

    /// Hooks the user's `layer` on `on`, before the built-in layers and
    /// after the user's earlier ones.
    pub fn register(&mut self, on: Dispatch, layer: impl UserLayer + 'static) -> &mut Self {
        self.note_port(on);
        self.entries.insert(self.user, (on, Arc::new(layer)));
        self.user += 1;
        self
    }

    /// Hooks the walk's own `layer` on `on` as well (DNS on another UDP
    /// port, HTTP on TCP 8000), in place of the built-in layer the key had;
    /// a registered layer on the same key is still tried first. Keys of
    /// link types, heuristics and names are ignored (the walk has no
    /// built-in layer there).
    pub fn hook(&mut self, on: Dispatch, layer: Builtin) -> &mut Self {
        self.builtins.insert(on, layer);
        self
    }

    /// The keys of the walk's own layers ([`builtin_keys`](super::builtin_keys)
    /// and [`Registry::hook`]s).
    pub fn builtin_entries(&self) -> impl Iterator<Item = (Dispatch, Builtin)> + '_ {
        self.builtins.entries()
    }

    /// The walk's own layers by key.
    #[inline(always)]
    pub(super) fn builtins(&self) -> &BuiltinTable {
        &self.builtins
    }

    /// Hooks a built-in layer (the `protocols` crate's own) on `on`.
    pub(crate) fn register_builtin(&mut self, on: Dispatch, layer: Arc<dyn UserLayer>) {
        self.note_port(on);
        self.entries.push((on, layer));
    }

    fn note_port(&mut self, on: Dispatch) {
        self.kinds |= on.kind_bit();
        match on {
            Dispatch::TcpPort(p) => self.tcp_ports.insert(p),
            Dispatch::UdpPort(p) => self.udp_ports.insert(p),
            _ => {}
        }
    }

    /// Whether nothing is registered, built-ins included.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the user registered any layer.
    pub fn has_user_layers(&self) -> bool {
        self.user > 0
    }

    /// The registered layers with their keys, the user's first.
    pub fn entries(&self) -> impl Iterator<Item = (Dispatch, &dyn UserLayer)> {
        self.entries.iter().map(|(k, l)| (*k, l.as_ref()))
    }

    /// The registered layer named `name` (its [`UserLayer::name`]).
    pub fn layer(&self, name: &str) -> Option<&dyn UserLayer> {
        self.entries
            .iter()
            .find(|(_, l)| l.name() == name)
            .map(|(_, l)| l.as_ref())
    }

    /// The registered layer named `name`, shared (for [`Next::Layer`](super::Next::Layer)).
    #[inline]
    pub(super) fn layer_arc(&self, name: &str) -> Option<&Arc<dyn UserLayer>> {
        self.entries
            .iter()
            .find(|(_, l)| l.name() == name)
            .map(|(_, l)| l)
    }

    /// The first heuristic layer of `key` (a `*Heuristic` key) that
    /// accepts `bytes`.
    #[inline]
    pub(super) fn heuristic(&self, key: Dispatch, bytes: &[u8]) -> Option<&Arc<dyn UserLayer>> {
        if self.kinds & key.kind_bit() == 0 {
            return None;
        }
        self.entries
            .iter()
            .find(|(k, l)| *k == key && l.accepts(bytes))
            .map(|(_, l)| l)
    }

    /// The first layer hooked on `key` that accepts `bytes` (see
    /// [`UserLayer::accepts`]), if any.
    #[inline(always)]
    pub(super) fn lookup(&self, key: Dispatch, bytes: &[u8]) -> Option<&Arc<dyn UserLayer>> {
        let registered = match key {
            Dispatch::TcpPort(p) => self.tcp_ports.contains(p),
            Dispatch::UdpPort(p) => self.udp_ports.contains(p),
            _ => self.kinds & key.kind_bit() != 0,
        };
        if !registered {
            return None;
        }
        self.find(key, bytes)
    }

    /// The first layer on `key` that accepts `bytes` (the slow path of
    /// [`Registry::lookup`], out of the walk's way).
    #[inline(never)]
    fn find(&self, key: Dispatch, bytes: &[u8]) -> Option<&Arc<dyn UserLayer>> {
        self.entries
            .iter()
            .find(|(k, l)| *k == key && l.accepts(bytes))
            .map(|(_, l)| l)
    }
}
