//! The field visitor: `visit` hands each present field to a callback as its
//! `FieldSpec` and `FieldValue`; `visit_bytes` visits what a lax prefix
//! parse of some bytes finds. Generic consumers (`fields`, `show`) print any
//! layer through these, never restating its layout.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::{FieldPlan, Plan};

/// The visitor callback's type, as written in generated signatures.
pub(super) fn visitor_type() -> TokenStream {
    quote!(
        &mut dyn ::core::ops::FnMut(&'static ::pcap_core::FieldSpec, ::pcap_core::FieldValue<'_>)
    )
}

/// `Option<FieldValue>` of the value behind the reference `v`: its
/// `Unpack::to_value`, or `None` for a type without `Unpack` (autoref
/// specialization, see `__private::Probe`).
fn value_of(v: TokenStream) -> TokenStream {
    quote! {
        {
            #[allow(unused_imports)]
            use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
            (&::pcap_core::__private::Probe(#v)).__pcap_value()
        }
    }
}

impl Plan<'_, '_> {
    /// The inherent `visit` and `visit_bytes`.
    pub(super) fn visit_fns(&self) -> TokenStream {
        let ident = self.input.ident;
        let flags_ty = crate::names::flags_type(ident);
        let visitor = visitor_type();
        let fields = self.fields.iter().map(|p| self.visit_field(p));
        quote! {
            /// Calls `visit` with each present field (a `Value`, or a `Raw`
            /// decoded now; `Skipped` fields are not visited), in declaration
            /// order: its `FieldSpec` (one of `Self::FIELDS`) and its value.
            #[allow(unused_variables, clippy::all)]
            pub fn visit(&self, __pcap_visit: #visitor) {
                #(#fields)*
            }

            /// Visits every field that fits in `bytes` (all fields unpacked,
            /// lax prefix parse in `endian`); returns whether the whole header
            /// was present.
            pub fn visit_bytes(__pcap_bytes: &[u8], __pcap_endian: ::pcap_core::Endian, __pcap_visit: #visitor) -> bool {
                let (__pcap_header, __pcap_whole) = #ident::__pcap_prefix_parse(__pcap_bytes, #flags_ty::ALL, __pcap_endian);
                __pcap_header.visit(__pcap_visit);
                __pcap_whole
            }
        }
    }

    /// One field's visit: its value, decoding a `Raw` first.
    fn visit_field(&self, p: &FieldPlan) -> TokenStream {
        let f = p.field;
        let fident = f.ident;
        let ty = &f.ty;
        let i = p.index;
        let report = |v: TokenStream| {
            let mut value = value_of(v);
            // `scale = N`: the visited value is in tshark's unit.
            if let Some(scale) = &f.attrs.scale {
                let n = scale.value;
                value = quote!(::pcap_core::__private::scaled(#value, #n));
            }
            quote! {
                if let ::core::option::Option::Some(__pcap_fv) = #value {
                    __pcap_visit(&Self::FIELDS[#i], __pcap_fv);
                }
            }
        };
        let from_value = report(quote!(__pcap_v));
        let from_decoded = report(quote!(&__pcap_d));
        // A `Raw` is decoded as `Field::decode` would, or by the field's own
        // decoder (which may refuse the bytes: the field is then not visited).
        let decode_raw = match f.with() {
            Some(with) => quote! {
                if let ::core::result::Result::Ok((__pcap_d, _)) = #with(__pcap_r.bytes()) {
                    let __pcap_d: #ty = __pcap_d;
                    #from_decoded
                }
            },
            None => quote! {
                let __pcap_d: #ty = <#ty as ::pcap_core::Unpack>::unpack(__pcap_r);
                #from_decoded
            },
        };
        quote! {
            match &self.#fident {
                ::pcap_core::Field::Skipped => {}
                ::pcap_core::Field::Value(__pcap_v) => {
                    #from_value
                }
                ::pcap_core::Field::Raw(__pcap_r) => {
                    #decode_raw
                }
            }
        }
    }
}
