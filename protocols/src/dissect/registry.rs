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

use super::user::UserLayer;

/// Where a registered layer is hooked into the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dispatch {
    /// Frames of this EtherType (before the built-ins: a registered
    /// EtherType replaces the built-in decoding of it).
    EtherType(u16),
    /// IP payloads of this protocol number.
    IpProto(u8),
    /// UDP datagrams to or from this port.
    UdpPort(u16),
    /// TCP segment data to or from this port.
    TcpPort(u16),
    /// TCP segment data on any port no port entry and no built-in layer
    /// claimed, when the layer's [`UserLayer::accepts`] says the bytes
    /// are its own (a protocol found by its content, where a port is not
    /// enough). Tried in registration order.
    TcpHeuristic,
    /// UDP payloads, as [`Dispatch::TcpHeuristic`].
    UdpHeuristic,
}

/// A set of registered layers, each with the key that selects it.
///
/// Cloning is cheap (the layers are shared).
#[derive(Clone, Default)]
pub struct Registry {
    entries: Vec<(Dispatch, Arc<dyn UserLayer>)>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(k, l)| (k, l.name())))
            .finish()
    }
}

impl Registry {
    /// An empty registry: the built-in layers only.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Hooks `layer` on `on`. A key registered twice keeps its first layer.
    pub fn register(&mut self, on: Dispatch, layer: impl UserLayer + 'static) -> &mut Self {
        self.entries.push((on, Arc::new(layer)));
        self
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The registered layers with their keys, in registration order.
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

    /// The first heuristic layer of `key` (a `*Heuristic` key) that
    /// accepts `bytes`.
    #[inline]
    pub(super) fn heuristic(&self, key: Dispatch, bytes: &[u8]) -> Option<&Arc<dyn UserLayer>> {
        if self.entries.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .find(|(k, l)| *k == key && l.accepts(bytes))
            .map(|(_, l)| l)
    }

    /// The layer hooked on `key`, if any.
    #[inline]
    pub(super) fn lookup(&self, key: Dispatch) -> Option<&Arc<dyn UserLayer>> {
        if self.entries.is_empty() {
            return None;
        }
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, l)| l)
    }
}
