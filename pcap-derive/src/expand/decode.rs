//! Decoding one field's value or `Raw` from bytes already bounds-checked,
//! shared by the walks and the view's accessors.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::load::{Sel, byte_list, load_uint, word_type};
use super::plan::Plan;
use crate::ast::Kind;
use crate::layout::Width;

/// Where a field's bytes are in generated code.
pub(super) struct Place {
    /// An expression of type `&'a [u8; N]` holding the field (or its run).
    pub array: TokenStream,
    /// Byte offset of the field (or of its run) in `array`.
    pub off: TokenStream,
}

impl Plan<'_, '_> {
    /// Code decoding field `i` from `place` into its value type.
    pub(super) fn decode_fixed(
        &self,
        i: usize,
        place: &Place,
        run_word: Option<&TokenStream>,
        sel: &Sel,
    ) -> TokenStream {
        let f = &self.input.fields[i];
        let lay = &self.layout.fields[i];
        let ty = &f.ty;
        let a = &place.array;
        let off = &place.off;
        if let Some((run_idx, at)) = lay.run {
            return self.decode_bits(i, place, run_word, run_idx, at);
        }
        let nbytes = match &lay.width {
            Width::Bits(b) => Some(b / 8),
            _ => None,
        };
        match (f.kind, nbytes) {
            (_, _) if f.with().is_some() => {
                // `with` fields are decoded by their callers (the decoder can
                // fail); reaching this is a bug in the derive itself.
                quote!(::core::compile_error!(
                    "pcap-derive: internal error: `with` field decoded as a layout"
                ))
            }
            (Kind::Unsigned(tw), Some(n)) => {
                load_uint(a, off, n, &format_ident!("u{}", tw), tw / 8, sel)
            }
            (Kind::Signed(tw), Some(n)) => {
                let uty = format_ident!("u{}", tw);
                let load = load_uint(a, off, n, &uty, tw / 8, sel);
                if n * 8 == tw {
                    quote!((#load as #ty))
                } else {
                    let s = 128 - n * 8;
                    quote!(((((#load as u128) << #s) as i128 >> #s) as #ty))
                }
            }
            (Kind::ByteArray(n), _) => {
                quote!(::pcap_core::__private::array::<#n>(&#a[#off..#off + #n]))
            }
            (Kind::Ipv4, _) => {
                let b = byte_list(a, off, 4);
                quote!(<::core::net::Ipv4Addr as ::core::convert::From<[u8; 4]>>::from(#b))
            }
            (Kind::Ipv6, _) => {
                quote!(<::core::net::Ipv6Addr as ::core::convert::From<[u8; 16]>>::from(::pcap_core::__private::array::<16>(&#a[#off..#off + 16])))
            }
            (Kind::Mac, _) => {
                quote!(::pcap_core::MacAddr(::pcap_core::__private::array::<6>(&#a[#off..#off + 6])))
            }
            (Kind::Slice, _) => {
                let n = self.width_bytes(i);
                quote!(&#a[#off..#off + #n])
            }
            _ => {
                let n = self.width_bytes(i);
                let endian = sel.endian_value();
                quote!(<#ty as ::pcap_core::Unpack>::unpack(&::pcap_core::Raw::new(&#a[#off..#off + #n], #endian)))
            }
        }
    }

    /// Code decoding bit field `i`, at bit `at` of run `run_idx`, from its
    /// run's word (`run_word`, or loaded from `place`).
    fn decode_bits(
        &self,
        i: usize,
        place: &Place,
        run_word: Option<&TokenStream>,
        run_idx: usize,
        at: usize,
    ) -> TokenStream {
        let f = &self.input.fields[i];
        let lay = &self.layout.fields[i];
        let ty = &f.ty;
        let a = &place.array;
        let off = &place.off;
        let run = &self.layout.runs[run_idx];
        let w = match lay.width {
            Width::Bits(b) => b,
            _ => 0,
        };
        let (word_ty, word_size) = word_type(run.bytes());
        let shift = (word_size * 8).saturating_sub(at + w + (word_size - run.bytes()) * 8);
        let word = match run_word {
            Some(word) => word.clone(),
            None => load_uint(a, off, run.bytes(), &word_ty, word_size, &Sel::Big),
        };
        let mask = if w >= word_size * 8 {
            quote!(#word_ty::MAX)
        } else {
            let m = proc_macro2::Literal::u128_unsuffixed((1u128 << w) - 1);
            quote!((#m as #word_ty))
        };
        let bits = quote!(((#word >> #shift) & #mask));
        match f.kind {
            Kind::Bool => quote!((#bits != 0)),
            Kind::Unsigned(_) => quote!((#bits as #ty)),
            Kind::Signed(_) => {
                let s = 128 - w;
                quote!(((((#bits as u128) << #s) as i128 >> #s) as #ty))
            }
            _ => {
                let lo = at / 8;
                let hi = (at + w).div_ceil(8);
                let bit = (at % 8) as u8;
                let w32 = w as u32;
                quote!(<#ty as ::pcap_core::Unpack>::unpack(&::pcap_core::Raw::bits(&#a[#off + #lo..#off + #hi], #bit, #w32)))
            }
        }
    }

    /// Code building the `Raw` of field `i` from `place`.
    pub(super) fn raw_fixed(&self, i: usize, place: &Place, sel: &Sel) -> TokenStream {
        let lay = &self.layout.fields[i];
        let a = &place.array;
        let off = &place.off;
        if let Some((_, at)) = lay.run {
            let w = match lay.width {
                Width::Bits(b) => b,
                _ => 0,
            };
            let lo = at / 8;
            let hi = (at + w).div_ceil(8);
            let bit = (at % 8) as u8;
            let w32 = w as u32;
            return quote!(::pcap_core::Raw::bits(&#a[#off + #lo..#off + #hi], #bit, #w32));
        }
        let n = self.width_bytes(i);
        let endian = Sel::for_field(&self.input.fields[i], sel).endian_value();
        quote!(::pcap_core::Raw::new(&#a[#off..#off + #n], #endian))
    }
}

/// `with(bytes)`'s value; a decoder error returns from the parser, located
/// in the field (`off` is the field's offset from the header start).
pub(super) fn decoded_or_return(
    with: &syn::Path,
    bytes: TokenStream,
    layer: &str,
    field: &str,
    off: TokenStream,
) -> TokenStream {
    quote! {
        match #with(#bytes) {
            ::core::result::Result::Ok((v, _)) => v,
            ::core::result::Result::Err(e) => {
                return ::core::result::Result::Err(::pcap_core::__private::in_field(e, #layer, #field, #off));
            }
        }
    }
}

/// `with(bytes)` as a `Result` of the value, for view accessors.
pub(super) fn decoded_result(
    with: &syn::Path,
    bytes: TokenStream,
    layer: &str,
    field: &str,
    off: TokenStream,
) -> TokenStream {
    quote! {
        match #with(#bytes) {
            ::core::result::Result::Ok((v, _)) => ::core::result::Result::Ok(v),
            ::core::result::Result::Err(e) => ::core::result::Result::Err(::pcap_core::__private::in_field(e, #layer, #field, #off)),
        }
    }
}
