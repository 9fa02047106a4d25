//! The columns of `pcapdig fields`: a field with a tshark rule of its own
//! ([`Field`], printed by [`format`](super::format)), or any other field of
//! any layer, built-in or registered, found by its full name (`udp.checksum`,
//! `vxlan.vni`) and printed through the layer's schema.

use pcap_core::FieldSpec;
use protocols::{Config, Dissection, Dissector, Registry, tls};

use super::format::{FIELD_NAMES, Field};
use super::text::Line;

/// One output column.
#[derive(Debug, Clone)]
pub enum Column {
    /// A field with its own tshark rule.
    Builtin(Field),
    /// A field of a layer's schema.
    Layer(LayerField),
    /// A `tls.*` column (an index into [`tls::columns::NAMES`]): read from
    /// the packet's TCP conversation, as tshark follows it.
    Tls(usize),
    /// An 802.11 column (an index into [`protocols::wlan::columns::NAMES`]):
    /// see [`wlan`](super::wlan).
    Wlan(usize),
}

/// A field read through its layer's schema.
#[derive(Debug, Clone)]
pub struct LayerField {
    /// The full name asked for (the column's header).
    pub name: String,
    /// The layer's name, as its records are named (`LayerKind::name`).
    pub layer: &'static str,
    /// The field's layout and display.
    pub spec: &'static FieldSpec,
}

impl Column {
    /// The column's header: the name asked for.
    pub fn name(&self) -> &str {
        match self {
            Column::Builtin(f) => f.name(),
            Column::Layer(l) => &l.name,
            Column::Tls(i) => tls::columns::NAMES[*i],
            Column::Wlan(i) => super::wlan::name(*i),
        }
    }
}

/// Parses field names into columns; an unknown name is an error that says
/// what is known.
pub fn parse_columns(names: &[String], registry: &Registry) -> Result<Vec<Column>, String> {
    let finder = Dissector::with_registry(Config::none(), registry.clone());
    names
        .iter()
        .map(|n| {
            if let Some(f) = Field::from_name(n) {
                return Ok(Column::Builtin(f));
            }
            if let Some(i) = tls::columns::NAMES.iter().position(|t| t == n) {
                return Ok(Column::Tls(i));
            }
            if let Some(i) = super::wlan::column(n) {
                return Ok(Column::Wlan(i));
            }
            match finder.find_field(n) {
                Some((layer, spec)) => Ok(Column::Layer(LayerField {
                    name: n.clone(),
                    layer,
                    spec,
                })),
                None => Err(unknown(n, registry)),
            }
        })
        .collect()
}

/// The message for an unknown field name.
fn unknown(name: &str, registry: &Registry) -> String {
    let mut layers: Vec<&str> = protocols::dissect::SCHEMA_LAYERS
        .iter()
        .map(|k| k.name())
        .collect();
    layers.extend(registry.entries().map(|(_, l)| l.name()));
    layers.dedup();
    format!(
        "unknown field `{name}`; supported fields: {} {} {}; and LAYER.FIELD for the fields of the layers {} \
         (e.g. ip.id, udp.checksum)",
        FIELD_NAMES.join(" "),
        tls::columns::NAMES.join(" "),
        protocols::wlan::columns::NAMES.join(" "),
        layers.join(", ")
    )
}

/// Writes a schema field's value for every layer of its kind in the
/// packet, outermost first, comma-separated (tshark's `-E occurrence=a`).
pub fn write_layer_field(
    out: &mut Line,
    col: &LayerField,
    dissector: &Dissector,
    d: &Dissection<'_>,
) {
    let mut first = true;
    for r in d.layers.iter().filter(|r| r.kind.name() == col.layer) {
        let Some(bytes) = d.data.get(r.offset..) else {
            continue;
        };
        let want = col.spec.display_name;
        dissector.visit_layer(r.kind, bytes, &mut |spec, value| {
            if spec.display_name != want {
                return;
            }
            let mark = out.len();
            if !first {
                out.push(',');
            }
            if value.write_tshark(spec, out).is_ok() && out.len() > mark + usize::from(!first) {
                first = false;
            } else {
                out.truncate(mark);
            }
        });
    }
}
