//! The intermediate model of a header schema: the struct, its attributes and
//! each field's wire type, every value keeping its span for error messages.

use proc_macro2::Span;
use quote::ToTokens;
use syn::{
    Data, DeriveInput, Expr, Fields, GenericArgument, Ident, Lifetime, Path, PathArguments, Type,
};

use crate::attr::{self, EndianAttr, FieldAttrs, HeaderAttrs};
use crate::ctxt::Ctxt;
use crate::display::{self, DisplayName};

/// A parsed `#[derive(Header)]` struct.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub vis: &'a syn::Visibility,
    pub lifetime: Lifetime,
    pub endian: EndianAttr,
    pub len: Option<Expr>,
    /// `#[header(name = "...")]`, if written.
    pub name_attr: Option<syn::LitStr>,
    /// `#[header(partial = false)]`: a cut header reports no field
    /// (`parse_prefix` is all or nothing), as tshark shows some layers.
    pub partial: bool,
    pub fields: Vec<FieldDef<'a>>,
}

impl Input<'_> {
    /// The header's display name: `name = "..."` or the struct's name in
    /// lower case.
    pub fn display_name(&self) -> DisplayName {
        display::resolve(self.name_attr.as_ref(), self.ident)
    }
}

/// What the wire representation of a field type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `u8`..`u128`: width in bits.
    Unsigned(usize),
    /// `i8`..`i128`: width in bits.
    Signed(usize),
    Bool,
    /// `[u8; N]`.
    ByteArray(usize),
    Ipv4,
    Ipv6,
    Mac,
    /// `&'a [u8]`.
    Slice,
    /// Any other type, decoded through `pcap_core::Unpack`.
    Custom,
}

impl Kind {
    /// The natural width in bits, when the macro knows it.
    pub fn natural_bits(self) -> Option<usize> {
        match self {
            Kind::Unsigned(b) | Kind::Signed(b) => Some(b),
            Kind::Bool => Some(1),
            Kind::ByteArray(n) => Some(n * 8),
            Kind::Ipv4 => Some(32),
            Kind::Ipv6 => Some(128),
            Kind::Mac => Some(48),
            Kind::Slice | Kind::Custom => None,
        }
    }
}

/// One field of the schema.
pub struct FieldDef<'a> {
    pub ident: &'a Ident,
    /// The whole declared type (`Field<'a, T>`), for spans.
    pub full_ty: &'a Type,
    /// `T` in `Field<'a, T>`.
    pub ty: Type,
    pub kind: Kind,
    pub attrs: FieldAttrs,
}

impl FieldDef<'_> {
    /// The field's name as written, without `r#`.
    pub fn name(&self) -> String {
        syn::ext::IdentExt::unraw(self.ident).to_string()
    }

    pub fn span(&self) -> Span {
        self.ident.span()
    }

    /// The field's display name: `name = "..."` or its Rust name (without
    /// `r#`) in lower case.
    pub fn display_name(&self) -> DisplayName {
        display::resolve(self.attrs.name.as_ref(), self.ident)
    }

    pub fn with(&self) -> Option<&Path> {
        self.attrs.with.as_ref()
    }

    /// Whether the field is part of a run of bit fields.
    pub fn is_bit_field(&self) -> bool {
        self.attrs.with.is_none()
            && (self.attrs.bits.is_some()
                || (self.kind == Kind::Bool && self.attrs.bytes.is_none()))
    }

    /// The field's width in bits when the macro knows it as a number.
    pub fn known_bits(&self) -> Option<usize> {
        if let Some(b) = &self.attrs.bits {
            return Some(b.value);
        }
        if let Some(b) = &self.attrs.bytes {
            return Some(b.value * 8);
        }
        if self.attrs.len.is_some() || self.attrs.with.is_some() {
            return None;
        }
        self.kind.natural_bits()
    }
}

/// Builds the model; records errors in `cx` and returns `None` only when the
/// input is not a struct with named fields and one lifetime at all.
pub fn from_input<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<Input<'a>> {
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => &named.named,
            Fields::Unnamed(_) => {
                cx.error_spanned_by(&input.ident, "#[derive(Header)] needs named fields: a tuple struct has no field names to generate flags from");
                return None;
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    &input.ident,
                    "#[derive(Header)] needs named fields: a unit struct has nothing to parse",
                );
                return None;
            }
        },
        Data::Enum(e) => {
            cx.error_spanned_by(
                e.enum_token,
                "#[derive(Header)] only applies to structs, not enums",
            );
            return None;
        }
        Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "#[derive(Header)] only applies to structs, not unions",
            );
            return None;
        }
    };

    let lifetimes: Vec<&Lifetime> = input.generics.lifetimes().map(|l| &l.lifetime).collect();
    if lifetimes.len() != 1 {
        cx.error_spanned_by(
            if lifetimes.is_empty() {
                input.ident.to_token_stream()
            } else {
                input.generics.to_token_stream()
            },
            format!(
                "#[derive(Header)] needs exactly one lifetime parameter for the borrowed packet bytes, \
                 as in `struct {}<'a>`; found {}",
                input.ident,
                lifetimes.len()
            ),
        );
    }
    if let Some(p) = input.generics.type_params().next() {
        cx.error_spanned_by(p, "#[derive(Header)] does not support type parameters");
    }
    if let Some(p) = input.generics.const_params().next() {
        cx.error_spanned_by(p, "#[derive(Header)] does not support const parameters");
    }
    let lifetime = lifetimes
        .first()
        .map(|l| (*l).clone())
        .unwrap_or_else(|| Lifetime::new("'a", Span::call_site()));

    let HeaderAttrs {
        endian,
        len,
        name,
        partial,
    } = attr::header_attrs(cx, &input.attrs);
    let endian = endian.map(|e| e.value).unwrap_or(EndianAttr::Big);

    let mut defs = Vec::new();
    for field in fields {
        let Some(ident) = &field.ident else { continue };
        let attrs = attr::field_attrs(cx, &field.attrs);
        let ty = match field_inner_type(&field.ty) {
            Some(ty) => ty,
            None => {
                cx.error_spanned_by(
                    &field.ty,
                    format!(
                        "field `{ident}` must have type `Field<{lifetime}, T>` (pcap_core::Field): \
                         the derive reports every field as skipped, raw or unpacked"
                    ),
                );
                continue;
            }
        };
        let kind = classify(&ty);
        defs.push(FieldDef {
            ident,
            full_ty: &field.ty,
            ty,
            kind,
            attrs,
        });
    }

    Some(Input {
        ident: &input.ident,
        vis: &input.vis,
        lifetime,
        endian,
        len,
        name_attr: name,
        partial: partial.is_none_or(|p| p.value),
        fields: defs,
    })
}

/// `T` from `Field<'a, T>` (any path ending in `Field`).
fn field_inner_type(ty: &Type) -> Option<Type> {
    let Type::Path(tp) = ty else { return None };
    if tp.qself.is_some() {
        return None;
    }
    let last = tp.path.segments.last()?;
    if last.ident != "Field" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut lifetimes = 0;
    let mut types = Vec::new();
    for arg in &args.args {
        match arg {
            GenericArgument::Lifetime(_) => lifetimes += 1,
            GenericArgument::Type(t) => types.push(t.clone()),
            _ => return None,
        }
    }
    if lifetimes != 1 || types.len() != 1 {
        return None;
    }
    types.pop()
}

/// Classifies a field's value type by its spelling.
fn classify(ty: &Type) -> Kind {
    match ty {
        Type::Path(tp) if tp.qself.is_none() => {
            let Some(last) = tp.path.segments.last() else {
                return Kind::Custom;
            };
            if !last.arguments.is_empty() {
                return Kind::Custom;
            }
            match last.ident.to_string().as_str() {
                "u8" => Kind::Unsigned(8),
                "u16" => Kind::Unsigned(16),
                "u32" => Kind::Unsigned(32),
                "u64" => Kind::Unsigned(64),
                "u128" => Kind::Unsigned(128),
                "i8" => Kind::Signed(8),
                "i16" => Kind::Signed(16),
                "i32" => Kind::Signed(32),
                "i64" => Kind::Signed(64),
                "i128" => Kind::Signed(128),
                "bool" => Kind::Bool,
                "Ipv4Addr" => Kind::Ipv4,
                "Ipv6Addr" => Kind::Ipv6,
                "MacAddr" => Kind::Mac,
                _ => Kind::Custom,
            }
        }
        Type::Array(arr) if is_u8(&arr.elem) => match &arr.len {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) => n
                .base10_parse::<usize>()
                .map(Kind::ByteArray)
                .unwrap_or(Kind::Custom),
            _ => Kind::Custom,
        },
        Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
            Type::Slice(s) if is_u8(&s.elem) => Kind::Slice,
            _ => Kind::Custom,
        },
        Type::Group(g) => classify(&g.elem),
        Type::Paren(p) => classify(&p.elem),
        _ => Kind::Custom,
    }
}

fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(tp) if tp.qself.is_none() && tp.path.is_ident("u8"))
}
