//! The flags type (`{Name}Flags`, two bits per field: PARSE and UNPACK) and
//! its constants, also re-exported as associated constants of the header.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use super::plan::Plan;
use crate::names;

impl Plan<'_, '_> {
    /// The `PARSE_X`/`UNPACK_X` constant names of field `i`, with their docs.
    fn flag_names(&self, i: usize) -> (Ident, Ident, String, String) {
        let f = &self.input.fields[i];
        let upper = names::upper(f.ident);
        let parse = format_ident!("PARSE_{}", upper, span = f.ident.span());
        let unpack = format_ident!("UNPACK_{}", upper, span = f.ident.span());
        let pdoc = format!("PARSE `{}`: read it and keep its raw bytes.", f.ident);
        let udoc = format!("UNPACK `{}`: read and decode it (implies PARSE).", f.ident);
        (parse, unpack, pdoc, udoc)
    }

    /// The bitflags type, its named sets and its `Default`.
    pub(super) fn flags_type(&self) -> TokenStream {
        let ident = self.input.ident;
        let vis = self.input.vis;
        let flags_ty = names::flags_type(ident);
        let bits_ty = self.bits_type();
        let mut consts = Vec::new();
        let mut default_bits = 0u128;
        let mut parse_all = 0u128;
        for p in &self.fields {
            let (pb, ub) = self.flag_bits(p.index);
            let (parse, unpack, pdoc, udoc) = self.flag_names(p.index);
            let pl = self.lit(pb);
            let ul = self.lit(pb | ub);
            consts.push(quote! {
                #[doc = #pdoc]
                const #parse = #pl;
                #[doc = #udoc]
                const #unpack = #ul;
            });
            parse_all |= pb;
            if p.field.attrs.default.is_some() {
                default_bits |= pb | ub;
            }
        }
        let n = self.input.fields.len();
        let all_bits = if n * 2 >= 128 {
            u128::MAX
        } else {
            (1u128 << (n * 2)) - 1
        };
        let (default_lit, parse_all_lit, all_lit) = (
            self.lit(default_bits),
            self.lit(parse_all),
            self.lit(all_bits),
        );
        let flags_doc = format!("PARSE and UNPACK flags for the fields of [`{ident}`].");
        quote! {
            ::pcap_core::__private::bitflags::bitflags! {
                #[doc = #flags_doc]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                #vis struct #flags_ty: #bits_ty {
                    #(#consts)*
                }
            }

            impl #flags_ty {
                /// No field: only what is needed to find the header's end is read.
                pub const NONE: Self = Self::empty();
                /// UNPACK of the fields marked `#[field(default)]`.
                pub const DEFAULT: Self = Self::from_bits_retain(#default_lit);
                /// PARSE of every field.
                pub const PARSE_ALL: Self = Self::from_bits_retain(#parse_all_lit);
                /// UNPACK of every field.
                pub const ALL: Self = Self::from_bits_retain(#all_lit);
            }

            impl ::core::default::Default for #flags_ty {
                fn default() -> Self {
                    Self::DEFAULT
                }
            }
        }
    }

    /// The flags as associated constants of the header struct.
    pub(super) fn assoc_flags(&self) -> TokenStream {
        let flags_ty = names::flags_type(self.input.ident);
        let consts = self.fields.iter().map(|p| {
            let (parse, unpack, pdoc, udoc) = self.flag_names(p.index);
            quote! {
                #[doc = #pdoc]
                pub const #parse: #flags_ty = #flags_ty::#parse;
                #[doc = #udoc]
                pub const #unpack: #flags_ty = #flags_ty::#unpack;
            }
        });
        quote! {
            #(#consts)*
            /// No field: only what is needed to find the header's end is read.
            pub const NONE: #flags_ty = #flags_ty::NONE;
            /// UNPACK of the fields marked `#[field(default)]`.
            pub const DEFAULT: #flags_ty = #flags_ty::DEFAULT;
            /// PARSE of every field.
            pub const PARSE_ALL: #flags_ty = #flags_ty::PARSE_ALL;
            /// UNPACK of every field.
            pub const ALL: #flags_ty = #flags_ty::ALL;
        }
    }
}
