//! The extension point: user layers on the dispatch tables, and [`Next`],
//! what a layer says follows it.

use std::fmt;
use std::marker::PhantomData;

use pcap_core::{Endian, Error, FieldSpec, FieldValue, Header};

/// What comes after a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Next {
    /// An Ethernet II header (e.g. after a tunnel header that carries frames).
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
    /// The registered layer of this name (its [`UserLayer::name`]): how a
    /// layer hands on to one that no number selects (802.11 to LLC).
    /// Nothing follows when no such layer is registered or it does not
    /// accept the bytes.
    Layer(&'static str),
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
    /// A short name, used in [`LayerKind::User`](super::LayerKind::User),
    /// errors, and as the prefix of the layer's field names (`shim.tag`).
    fn name(&self) -> &'static str;
    /// Checks the header at the start of `bytes`; its length and what follows.
    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error>;
    /// Whether `bytes` look like this layer's header: asked before
    /// [`UserLayer::dissect`] wherever the layer is registered. A layer that
    /// says no is passed over (the next layer on the key, or the built-in
    /// walk, or nothing), without an error; on a heuristic key
    /// ([`Dispatch::TcpHeuristic`](super::Dispatch::TcpHeuristic)) this is
    /// what finds the protocol. By default a layer accepts everything, and
    /// a header it cannot read is an error.
    fn accepts(&self, bytes: &[u8]) -> bool {
        let _ = bytes;
        true
    }
    /// The layer's fields, for `fields -e NAME.FIELD` to find them (none
    /// by default: the layer is dissected but has no printable fields).
    fn fields(&self) -> &'static [FieldSpec] {
        &[]
    }
    /// Calls `visit` with each field of the header at the start of `bytes`
    /// (the bytes [`UserLayer::dissect`] accepted; fewer when the walk
    /// stopped inside it), in declaration order; whether the whole header
    /// was there.
    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        let _ = (bytes, visit);
        false
    }
}

/// A [`UserLayer`] for a `#[derive(Header)]` schema: its name, length and
/// fields come from the derive, and a function says what follows it.
///
/// ```
/// use pcap_core::{Error, Field, Header};
/// use protocols::{Dispatch, EtherType, HeaderLayer, Next, Registry};
///
/// /// A 4-byte shim: a tag and the EtherType after it.
/// #[derive(Header, Debug, Clone)]
/// #[header(endian = "big", name = "shim")]
/// pub struct Shim<'a> {
///     #[field(default)]
///     pub tag: Field<'a, u16>,
///     #[field(default)]
///     pub ethertype: Field<'a, u16>,
/// }
///
/// fn after_shim(header: &[u8]) -> Result<Next, Error> {
///     let v = Shim::view(header)?;
///     Ok(Next::EtherType(v.ethertype()))
/// }
///
/// let mut registry = Registry::new();
/// registry.register(Dispatch::EtherType(EtherType(0x88b5)), HeaderLayer::<Shim<'static>>::new(after_shim));
/// assert!(registry.layer("shim").is_some());
/// ```
pub struct HeaderLayer<H> {
    next: fn(&[u8]) -> Result<Next, Error>,
    accepts: Option<fn(&[u8]) -> bool>,
    schema: PhantomData<fn() -> H>,
}

impl<H> HeaderLayer<H> {
    /// The layer of schema `H` (name it with `'static`: `Shim<'static>`);
    /// `next` reads the header (its bytes) and says what follows.
    pub const fn new(next: fn(&[u8]) -> Result<Next, Error>) -> Self {
        HeaderLayer {
            next,
            accepts: None,
            schema: PhantomData,
        }
    }

    /// The same layer, recognised by `accepts` where it is registered on
    /// a heuristic key (see [`UserLayer::accepts`]).
    pub const fn accepting(mut self, accepts: fn(&[u8]) -> bool) -> Self {
        self.accepts = Some(accepts);
        self
    }
}

impl<H> Clone for HeaderLayer<H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H> Copy for HeaderLayer<H> {}

impl<H: Header<'static>> fmt::Debug for HeaderLayer<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderLayer")
            .field("name", &H::NAME)
            .finish()
    }
}

impl<H: Header<'static>> UserLayer for HeaderLayer<H> {
    fn name(&self) -> &'static str {
        H::NAME
    }

    fn dissect(&self, bytes: &[u8]) -> Result<UserStep, Error> {
        let header_len = H::header_len(bytes)?;
        let header = bytes.get(..header_len).unwrap_or(bytes);
        let next = (self.next)(header)?;
        Ok(UserStep { header_len, next })
    }

    fn accepts(&self, bytes: &[u8]) -> bool {
        self.accepts.is_none_or(|f| f(bytes))
    }

    fn fields(&self) -> &'static [FieldSpec] {
        H::FIELDS
    }

    fn visit(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(&'static FieldSpec, FieldValue<'_>),
    ) -> bool {
        H::visit_bytes(bytes, Endian::Big, visit)
    }
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
