//! What a layer of a dissection holds, read generically: each layer kind's
//! fields (the derive's [`FieldSpec`]s) and a visit of their values in a
//! packet, for built-in and registered layers alike. This is what
//! `pcapdig fields` uses for `LAYER.FIELD` names it has no special rule
//! for, and what `pcapdig show` prints.

use pcap_core::{Endian, FieldSpec, FieldValue, Header};

use super::{Dissector, LayerKind};
use crate::dns::DnsHeader;
use crate::eth::Ethernet;
use crate::gtp::GtpU;
use crate::icmp::Icmp;
use crate::ipv4::Ipv4;
use crate::ipv6::Ipv6;
use crate::loopback::Loopback;
use crate::sctp::Sctp;
use crate::sll::{LinuxSll, LinuxSll2};
use crate::tcp::Tcp;
use crate::udp::Udp;
use crate::vlan::VlanTag;

/// The built-in layer kinds that have a schema, in walk order: the ones
/// whose fields [`Dissector::find_field`] can name.
pub const SCHEMA_LAYERS: &[LayerKind] = &[
    LayerKind::Sll,
    LayerKind::Sll2,
    LayerKind::Loopback,
    LayerKind::Ethernet,
    LayerKind::QinQ,
    LayerKind::Vlan,
    LayerKind::Ipv4,
    LayerKind::Ipv6,
    LayerKind::Tcp,
    LayerKind::Udp,
    LayerKind::Icmp,
    LayerKind::Icmpv6,
    LayerKind::Sctp,
    LayerKind::Gtp,
    LayerKind::Dns,
];

/// The visitor every describe function takes.
pub type Visit<'v> = dyn FnMut(&'static FieldSpec, FieldValue<'_>) + 'v;

/// Calls `H::visit_bytes` (the lax prefix visit) in big-endian order.
fn visit_schema<H: Header<'static>>(bytes: &[u8], visit: &mut Visit<'_>) -> bool {
    H::visit_bytes(bytes, Endian::Big, visit)
}

impl LayerKind {
    /// The fields of a built-in layer of this kind (empty for layers with
    /// no fixed schema: HTTP, IPv6 extension headers, user layers, which
    /// the [`Dissector`] describes).
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            LayerKind::Ethernet => Ethernet::FIELDS,
            LayerKind::Vlan | LayerKind::QinQ => VlanTag::FIELDS,
            LayerKind::Sll => LinuxSll::FIELDS,
            LayerKind::Sll2 => LinuxSll2::FIELDS,
            LayerKind::Loopback => Loopback::FIELDS,
            LayerKind::Ipv4 => Ipv4::FIELDS,
            LayerKind::Ipv6 => Ipv6::FIELDS,
            LayerKind::Tcp => Tcp::FIELDS,
            LayerKind::Udp => Udp::FIELDS,
            LayerKind::Icmp | LayerKind::Icmpv6 => Icmp::FIELDS,
            LayerKind::Sctp => Sctp::FIELDS,
            LayerKind::Gtp => GtpU::FIELDS,
            LayerKind::Dns => DnsHeader::FIELDS,
            LayerKind::Ipv6Ext(_) | LayerKind::Http | LayerKind::User(_) | LayerKind::Link(_) => {
                &[]
            }
        }
    }

    /// Visits the fields of a built-in layer of this kind at the start of
    /// `bytes` (every field that fits: a header cut short reports its
    /// prefix); whether the whole header was there. Nothing is visited for
    /// kinds without a schema.
    pub fn visit_fields(self, bytes: &[u8], visit: &mut Visit<'_>) -> bool {
        match self {
            LayerKind::Ethernet => visit_schema::<Ethernet<'static>>(bytes, visit),
            LayerKind::Vlan | LayerKind::QinQ => visit_schema::<VlanTag<'static>>(bytes, visit),
            LayerKind::Sll => visit_schema::<LinuxSll<'static>>(bytes, visit),
            LayerKind::Sll2 => visit_schema::<LinuxSll2<'static>>(bytes, visit),
            LayerKind::Loopback => visit_schema::<Loopback<'static>>(bytes, visit),
            LayerKind::Ipv4 => visit_schema::<Ipv4<'static>>(bytes, visit),
            LayerKind::Ipv6 => visit_schema::<Ipv6<'static>>(bytes, visit),
            LayerKind::Tcp => visit_schema::<Tcp<'static>>(bytes, visit),
            LayerKind::Udp => visit_schema::<Udp<'static>>(bytes, visit),
            LayerKind::Icmp | LayerKind::Icmpv6 => visit_schema::<Icmp<'static>>(bytes, visit),
            LayerKind::Sctp => visit_schema::<Sctp<'static>>(bytes, visit),
            LayerKind::Gtp => visit_schema::<GtpU<'static>>(bytes, visit),
            LayerKind::Dns => visit_schema::<DnsHeader<'static>>(bytes, visit),
            LayerKind::Ipv6Ext(_) | LayerKind::Http | LayerKind::User(_) | LayerKind::Link(_) => {
                false
            }
        }
    }
}

impl Dissector {
    /// The fields of layers of `kind`: the built-in schema's, or the
    /// registered layer's for [`LayerKind::User`].
    pub fn layer_fields(&self, kind: LayerKind) -> &'static [FieldSpec] {
        match kind {
            LayerKind::User(name) => self.registry().layer(name).map_or(&[], |l| l.fields()),
            other => other.fields(),
        }
    }

    /// Visits the fields of a layer of `kind` at the start of `bytes` (a
    /// [`LayerRecord`](super::LayerRecord)'s bytes: `&data[record.offset..]`);
    /// whether the whole header was there.
    pub fn visit_layer(&self, kind: LayerKind, bytes: &[u8], visit: &mut Visit<'_>) -> bool {
        match kind {
            LayerKind::User(name) => self
                .registry()
                .layer(name)
                .is_some_and(|l| l.visit(bytes, visit)),
            other => other.visit_fields(bytes, visit),
        }
    }

    /// The layer name and field of a full field name (`ip.ttl`,
    /// `vxlan.vni`): a built-in layer's (named as tshark's
    /// `frame.protocols` names it) or a registered layer's. Registered
    /// layers come first, so a user layer may stand in for a built-in one.
    pub fn find_field(&self, full_name: &str) -> Option<(&'static str, &'static FieldSpec)> {
        let in_layer = |layer: &'static str, fields: &'static [FieldSpec]| {
            let rest = full_name.strip_prefix(layer)?.strip_prefix('.')?;
            let spec = fields.iter().find(|f| f.display_name == rest)?;
            Some((layer, spec))
        };
        self.registry()
            .entries()
            .find_map(|(_, l)| in_layer(l.name(), l.fields()))
            .or_else(|| {
                SCHEMA_LAYERS
                    .iter()
                    .find_map(|k| in_layer(k.name(), k.fields()))
            })
    }
}
