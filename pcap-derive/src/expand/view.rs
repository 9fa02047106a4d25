//! The lazy view: `__pcap_view` (the walk in [`Mode::View`], keeping a slot
//! per dynamic chunk or slice), the view struct, and one accessor per field
//! decoding from the prefix or its slot.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use super::decode::{Place, decoded_result};
use super::load::Sel;
use super::plan::{Bytes, FieldPlan, Plan};
use super::walk::Mode;
use crate::ast::Kind;
use crate::names;

impl Plan<'_, '_> {
    /// The slot type of a dynamic field's chunk or slice.
    fn slot_type(&self, p: &FieldPlan) -> TokenStream {
        let lt = &self.input.lifetime;
        let slot_ty = match &p.bytes {
            Bytes::Chunk { width, .. } => quote!(&#lt [u8; #width]),
            _ => quote!(&#lt [u8]),
        };
        if p.field.attrs.when.is_some() {
            quote!(::core::option::Option<#slot_ty>)
        } else {
            slot_ty
        }
    }

    /// The generic view constructor every public `view*` calls.
    pub(super) fn view_fn(&self) -> TokenStream {
        let lt = &self.input.lifetime;
        let view_ty = names::view_type(self.input.ident);
        let walk = self.walk(Mode::View);
        let inits = self.fields.iter().filter(|p| p.has_slot()).map(|p| {
            let slot = p.slot();
            let local = &p.local;
            quote!(#slot: #local)
        });
        quote! {
            #[inline]
            #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
            fn __pcap_view<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8]) -> ::core::result::Result<#view_ty<#lt>, ::pcap_core::Error> {
                #walk
                ::core::result::Result::Ok(#view_ty {
                    __pcap_prefix,
                    __pcap_header: __pcap_buf,
                    __pcap_payload: __pcap_rest,
                    __pcap_endian: <__E as ::pcap_core::ByteOrder>::ENDIAN,
                    #(#inits,)*
                })
            }
        }
    }

    /// The view struct, its accessors and its `Debug`/`HeaderView` impls.
    pub(super) fn view_type(&self) -> TokenStream {
        let ident = self.input.ident;
        let vis = self.input.vis;
        let lt = &self.input.lifetime;
        let name = ident.to_string();
        let view_ty = names::view_type(ident);
        let prefix_len = self.layout.prefix.bytes_expr();
        let slots = self.fields.iter().filter(|p| p.has_slot()).map(|p| {
            let slot = p.slot();
            let ty = self.slot_type(p);
            quote!(#slot: #ty)
        });
        let accessors = self.fields.iter().map(|p| self.accessor(p));
        let view_doc = format!(
            "A lazy view of a [`{ident}`]: bounds checked once by `{ident}::view`, fields decoded on access."
        );
        quote! {
            #[doc = #view_doc]
            #[derive(Clone, Copy)]
            #vis struct #view_ty<#lt> {
                __pcap_prefix: &#lt [u8; #prefix_len],
                __pcap_header: &#lt [u8],
                __pcap_payload: &#lt [u8],
                __pcap_endian: ::pcap_core::Endian,
                #(#slots,)*
            }

            #[allow(dead_code, unused_parens, clippy::all)]
            impl<#lt> #view_ty<#lt> {
                #(#accessors)*
            }

            impl<#lt> ::core::fmt::Debug for #view_ty<#lt> {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(#name).field("header", &self.__pcap_header).finish_non_exhaustive()
                }
            }

            impl<#lt> ::pcap_core::HeaderView<#lt> for #view_ty<#lt> {
                #[inline]
                fn header_bytes(&self) -> &#lt [u8] {
                    self.__pcap_header
                }
                #[inline]
                fn payload(&self) -> &#lt [u8] {
                    self.__pcap_payload
                }
            }
        }
    }

    /// The accessor of one field: decodes it from the prefix or its slot.
    fn accessor(&self, p: &FieldPlan) -> TokenStream {
        match &p.bytes {
            Bytes::Prefix { off, .. } => self.prefix_accessor(p, off),
            Bytes::Chunk { slot, .. } | Bytes::Slice { slot, .. } => self.slot_accessor(p, slot),
        }
    }

    /// The accessor of a prefix field, at `off` in the prefix array.
    fn prefix_accessor(&self, p: &FieldPlan, off: &TokenStream) -> TokenStream {
        let f = p.field;
        let fident = f.ident;
        let ty = &f.ty;
        let doc = format!("Field `{}`, decoded now.", f.ident);
        if let Some(with) = f.with() {
            let n = self.width_bytes(p.index);
            let call = decoded_result(
                with,
                quote!(&self.__pcap_prefix[#off..#off + #n]),
                &self.name_str(),
                &f.name(),
                off.clone(),
            );
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #fident(&self) -> ::core::result::Result<#ty, ::pcap_core::Error> {
                    #call
                }
            }
        } else {
            let place = Place {
                array: quote!(self.__pcap_prefix),
                off: off.clone(),
            };
            let value = self.decode_fixed(p.index, &place, None, &view_sel(p));
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #fident(&self) -> #ty { #value }
            }
        }
    }

    /// The accessor of a dynamic field, from its view slot (an `Option`
    /// unwrapped first for a `when` field).
    fn slot_accessor(&self, p: &FieldPlan, slot: &Ident) -> TokenStream {
        let f = p.field;
        let fident = f.ident;
        let ty = &f.ty;
        let doc = format!("Field `{}`, decoded now.", f.ident);
        let when = f.attrs.when.is_some();
        let bytes = if when {
            quote!(__pcap_c)
        } else {
            quote!(self.#slot)
        };
        let body = self.slot_value(p, bytes);
        let ret_ty = if f.with().is_some() {
            quote!(::core::result::Result<#ty, ::pcap_core::Error>)
        } else {
            quote!(#ty)
        };
        if when {
            quote! {
                #[doc = #doc]
                #[doc = ""]
                #[doc = "`None` when the field's `when` condition was false."]
                #[inline]
                pub fn #fident(&self) -> ::core::option::Option<#ret_ty> {
                    match self.#slot {
                        ::core::option::Option::Some(__pcap_c) => ::core::option::Option::Some(#body),
                        ::core::option::Option::None => ::core::option::Option::None,
                    }
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #fident(&self) -> #ret_ty { #body }
            }
        }
    }

    /// A dynamic field's value from `bytes`, its chunk or slice.
    fn slot_value(&self, p: &FieldPlan, bytes: TokenStream) -> TokenStream {
        let f = p.field;
        let ty = &f.ty;
        let name = self.name_str();
        let fsel = view_sel(p);
        if p.is_variable() {
            let endian = fsel.endian_value();
            if let Some(with) = f.with() {
                let off = quote!(::pcap_core::__private::offset_in(self.__pcap_header, #bytes));
                decoded_result(with, quote!(#bytes), &name, &f.name(), off)
            } else if f.kind == Kind::Slice {
                quote!(#bytes)
            } else {
                quote!(<#ty as ::pcap_core::Unpack>::unpack(&::pcap_core::Raw::new(#bytes, #endian)))
            }
        } else if let Some(with) = f.with() {
            let off = quote!(::pcap_core::__private::offset_in(self.__pcap_header, &#bytes[..]));
            decoded_result(with, quote!(&#bytes[..]), &name, &f.name(), off)
        } else {
            let place = Place {
                array: bytes,
                off: quote!(0usize),
            };
            self.decode_fixed(p.index, &place, None, &fsel)
        }
    }
}

/// A field's byte order in the view: its own, else the view's runtime one.
fn view_sel(p: &FieldPlan) -> Sel {
    Sel::for_field(p.field, &Sel::Value(quote!(self.__pcap_endian)))
}
