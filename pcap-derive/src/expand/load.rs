//! Byte-order selection and unsigned loads: the lowest layer of the
//! emitters, shared by `parse`, `header_len` and the view.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::ast::FieldDef;
use crate::attr::EndianAttr;

/// How a whole-byte field's byte order is chosen in generated code.
#[derive(Clone)]
pub(super) enum Sel {
    Big,
    Little,
    /// The parser's `__E: ByteOrder` type parameter.
    Generic,
    /// A runtime `Endian` value (views).
    Value(TokenStream),
}

impl Sel {
    /// The field's own `endian`, else `default`.
    pub(super) fn for_field(f: &FieldDef, default: &Sel) -> Sel {
        match f.attrs.endian.as_ref().map(|e| e.value) {
            Some(EndianAttr::Big) => Sel::Big,
            Some(EndianAttr::Little) => Sel::Little,
            _ => default.clone(),
        }
    }

    /// The order as a `::pcap_core::Endian` expression.
    pub(super) fn endian_value(&self) -> TokenStream {
        match self {
            Sel::Big => quote!(::pcap_core::Endian::Big),
            Sel::Little => quote!(::pcap_core::Endian::Little),
            Sel::Generic => quote!(<__E as ::pcap_core::ByteOrder>::ENDIAN),
            Sel::Value(v) => v.clone(),
        }
    }

    /// `if big { a } else { b }`, folded at compile time where possible.
    pub(super) fn choose(&self, big: TokenStream, little: TokenStream) -> TokenStream {
        match self {
            Sel::Big => big,
            Sel::Little => little,
            Sel::Generic => {
                quote!(if <__E as ::pcap_core::ByteOrder>::IS_BIG { #big } else { #little })
            }
            Sel::Value(v) => {
                quote!(match #v { ::pcap_core::Endian::Big => #big, ::pcap_core::Endian::Little => #little })
            }
        }
    }
}

/// The smallest unsigned type holding `bytes` bytes.
pub(super) fn word_type(bytes: usize) -> (Ident, usize) {
    let (name, size) = match bytes {
        0..=1 => ("u8", 1),
        2 => ("u16", 2),
        3..=4 => ("u32", 4),
        5..=8 => ("u64", 8),
        _ => ("u128", 16),
    };
    (Ident::new(name, Span::call_site()), size)
}

/// `[a[o + 0], a[o + 1], ...]`: constant indices into an array reference,
/// bounds-checked by the compiler.
pub(super) fn byte_list(a: &TokenStream, off: &TokenStream, n: usize) -> TokenStream {
    let idx = (0..n).map(|k| quote!(#a[#off + #k]));
    quote!([#(#idx),*])
}

/// An unsigned load of `n` bytes at `a[off..]` into the type `ty` of `size` bytes.
pub(super) fn load_uint(
    a: &TokenStream,
    off: &TokenStream,
    n: usize,
    ty: &Ident,
    size: usize,
    sel: &Sel,
) -> TokenStream {
    let bytes = byte_list(a, off, n);
    if n == size {
        sel.choose(
            quote!(#ty::from_be_bytes(#bytes)),
            quote!(#ty::from_le_bytes(#bytes)),
        )
    } else {
        sel.choose(
            quote!((::pcap_core::__private::load_be::<#n>(&#bytes) as #ty)),
            quote!((::pcap_core::__private::load_le::<#n>(&#bytes) as #ty)),
        )
    }
}
