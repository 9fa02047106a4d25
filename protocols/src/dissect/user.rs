//! The extension point: user layers on the dispatch tables, and [`Next`],
//! what a layer says follows it.

use std::fmt;

use pcap_core::Error;

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
/// dissector records the layer's bytes in [`Dissection::user`](super::Dissection::user) (re-view
/// them with your header's `view` to read fields) and goes on.
pub trait UserLayer: Send + Sync {
    /// A short name, used in [`LayerKind::User`](super::LayerKind::User) and errors.
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
