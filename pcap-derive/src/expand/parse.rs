//! `__pcap_parse`: the walk in [`Mode::Parse`], then the struct literal of
//! the fields' `Field` values.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::walk::Mode;

impl Plan<'_, '_> {
    /// The generic parser every public `parse*` calls.
    pub(super) fn parse_fn(&self) -> TokenStream {
        let ident = self.input.ident;
        let lt = &self.input.lifetime;
        let flags_ty = crate::names::flags_type(ident);
        let bits_ty = self.bits_type();
        let walk = self.walk(Mode::Parse);
        let fields = self.fields.iter().map(|p| {
            let ident = p.field.ident;
            let local = &p.local;
            quote!(#ident: #local)
        });
        quote! {
            // Inlined into `parse`/`parse_endian`, themselves inlined into
            // callers: with constant flags, the per-field flag tests fold away.
            #[inline]
            #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
            fn __pcap_parse<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8], __pcap_flags: #flags_ty) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                let __pcap_flags: #bits_ty = __pcap_flags.bits();
                #walk
                ::core::result::Result::Ok((#ident { #(#fields),* }, __pcap_rest))
            }
        }
    }

    /// Builds field `i`'s `Field`: `Value` / `Raw` / `Skipped` per the flags.
    pub(super) fn field_value(
        &self,
        i: usize,
        value: TokenStream,
        raw: TokenStream,
    ) -> TokenStream {
        let (p, u) = self.flag_bits(i);
        let (p, u) = (self.lit(p), self.lit(u));
        quote! {
            if __pcap_flags & #u != 0 {
                ::pcap_core::Field::Value(#value)
            } else if __pcap_flags & #p != 0 {
                ::pcap_core::Field::Raw(#raw)
            } else {
                ::pcap_core::Field::Skipped
            }
        }
    }
}
