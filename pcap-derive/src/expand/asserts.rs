//! Compile-time checks that user types are as wide as their declared
//! `bits`/`bytes` (the derive cannot see a custom type's `WIRE_BITS`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::plan::{FieldPlan, Plan};
use crate::ast::Kind;

impl Plan<'_, '_> {
    /// One `const _: () = assert!(..)` per custom field with a declared width.
    pub(super) fn type_asserts(&self) -> TokenStream {
        let asserts = self.fields.iter().filter_map(|p| self.type_assert(p));
        quote!(#(#asserts)*)
    }

    fn type_assert(&self, p: &FieldPlan) -> Option<TokenStream> {
        let f = p.field;
        // Checked in a free constant (so `cargo check` reports it), where the
        // struct's lifetime is not in scope: `'static` stands in for it.
        let ty = &static_lifetime(&f.ty, &self.input.lifetime);
        if f.kind != Kind::Custom || f.with().is_some() {
            return None;
        }
        let span = syn::spanned::Spanned::span(f.full_ty);
        let (bits, msg) = match (&f.attrs.bits, &f.attrs.bytes) {
            (Some(b), _) => {
                let b = b.value;
                let msg = format!(
                    "field `{}`: `bits = {b}` is wider than the type's Unpack::WIRE_BITS",
                    f.ident
                );
                (b, msg)
            }
            (_, Some(b)) => {
                let msg = format!(
                    "field `{}`: `bytes = {}` is wider than the type's Unpack::WIRE_BITS",
                    f.ident, b.value
                );
                (b.value * 8, msg)
            }
            _ => return None,
        };
        Some(quote_spanned! {span=>
            const _: () = ::core::assert!(::pcap_core::__private::fits::<#ty>(#bits), #msg);
        })
    }
}

/// `ty` with the struct's lifetime replaced by `'static`.
fn static_lifetime(ty: &syn::Type, lt: &syn::Lifetime) -> syn::Type {
    struct Replace<'l>(&'l syn::Lifetime);
    impl syn::visit_mut::VisitMut for Replace<'_> {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident == self.0.ident {
                *l = syn::Lifetime::new("'static", l.span());
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Replace(lt), &mut ty);
    ty
}
