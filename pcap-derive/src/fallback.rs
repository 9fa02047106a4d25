//! What is emitted next to `compile_error!` when the schema has mistakes
//! (after thiserror's `fallback.rs`): the generated items as stubs, so user
//! code that names `Tunnel::parse`, `Tunnel::PARSE_VERSION` or `TunnelView`
//! does not add a hundred secondary errors to the real ones.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::DeriveInput;

use crate::names;

/// Stubs for a struct whose schema failed to check.
pub fn stubs(input: &DeriveInput) -> TokenStream {
    let syn::Data::Struct(data) = &input.data else {
        return TokenStream::new();
    };
    let ident = &input.ident;
    let vis = &input.vis;
    let flags_ty = names::flags_type(ident);
    let view_ty = names::view_type(ident);
    let Some(lt) = input.generics.lifetimes().next().map(|l| &l.lifetime) else {
        return TokenStream::new();
    };
    if input.generics.params.len() != 1 {
        return TokenStream::new();
    }
    let field_idents: Vec<_> = data
        .fields
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .collect();
    // Each name once, even when fields collide with each other or with the
    // fixed names: a duplicate stub would only add errors.
    let mut seen: std::collections::HashSet<String> =
        ["NONE", "DEFAULT", "PARSE_ALL", "ALL", "FIELDS", "FIXED_LEN"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let mut consts = Vec::new();
    for f in &field_idents {
        let upper = names::upper(f);
        let flag = |name: String| {
            let ident = format_ident!("{}", name);
            quote!(pub const #ident: #flags_ty = #flags_ty(0);)
        };
        for name in [format!("PARSE_{upper}"), format!("UNPACK_{upper}")] {
            if seen.insert(name.clone()) {
                consts.push(flag(name));
            }
        }
        if seen.insert(upper.clone()) {
            let o = format_ident!("{}", upper);
            consts.push(quote! {
                pub const #o: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec { name: "", display_name: "", bit_offset: ::core::option::Option::None, bit_width: ::core::option::Option::None, display: ::pcap_core::Display::Default };
            });
        }
    }
    if seen.insert(String::from("NAME")) {
        consts.push(quote!(
            pub const NAME: &'static str = "";
        ));
    }
    quote! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #vis struct #flags_ty(u128);
        impl ::core::ops::BitOr for #flags_ty {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self { #flags_ty(self.0 | rhs.0) }
        }
        impl ::core::ops::BitAnd for #flags_ty {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self { #flags_ty(self.0 & rhs.0) }
        }
        impl ::core::ops::Not for #flags_ty {
            type Output = Self;
            fn not(self) -> Self { #flags_ty(!self.0) }
        }
        #vis struct #view_ty<#lt>(&#lt [u8]);
        #[allow(dead_code)]
        impl<#lt> #ident<#lt> {
            #(#consts)*
            pub const NONE: #flags_ty = #flags_ty(0);
            pub const DEFAULT: #flags_ty = #flags_ty(0);
            pub const PARSE_ALL: #flags_ty = #flags_ty(0);
            pub const ALL: #flags_ty = #flags_ty(0);
            pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[];
            pub const FIXED_LEN: usize = 0;
            pub fn parse(_: &#lt [u8], _: #flags_ty) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                ::core::unimplemented!("schema has errors")
            }
            pub fn parse_endian(_: &#lt [u8], _: #flags_ty, _: ::pcap_core::Endian) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                ::core::unimplemented!("schema has errors")
            }
            pub fn header_len(_: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
                ::core::unimplemented!("schema has errors")
            }
            pub fn view(_: &#lt [u8]) -> ::core::result::Result<#view_ty<#lt>, ::pcap_core::Error> {
                ::core::unimplemented!("schema has errors")
            }
            pub fn visit(&self, _: &mut dyn ::core::ops::FnMut(&'static ::pcap_core::FieldSpec, ::pcap_core::FieldValue<'_>)) {
                ::core::unimplemented!("schema has errors")
            }
            pub fn parse_prefix(_: &#lt [u8], _: #flags_ty, _: ::pcap_core::Endian) -> Self {
                ::core::unimplemented!("schema has errors")
            }
            pub fn visit_bytes(_: &[u8], _: ::pcap_core::Endian, _: &mut dyn ::core::ops::FnMut(&'static ::pcap_core::FieldSpec, ::pcap_core::FieldValue<'_>)) -> bool {
                ::core::unimplemented!("schema has errors")
            }
        }
    }
}
