//! Names of generated items, in one place: the `{Name}Fields` flags type,
//! the `{Name}View` type and the upper-case constant for a field.

use proc_macro2::Ident;
use quote::format_ident;

/// `Tunnel` → `TunnelFields`.
pub fn flags_type(ident: &Ident) -> Ident {
    format_ident!("{}Fields", ident)
}

/// `Tunnel` → `TunnelView`.
pub fn view_type(ident: &Ident) -> Ident {
    format_ident!("{}View", ident)
}

/// `hop_limit` → `HOP_LIMIT` (raw identifiers lose their `r#`).
pub fn upper(ident: &Ident) -> String {
    syn::ext::IdentExt::unraw(ident).to_string().to_uppercase()
}
