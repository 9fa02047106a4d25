//! The parser walk shared by `parse`, `header_len` and `view`: check the
//! prefix, load its runs, walk the dynamic fields (`dynamic`), find the
//! header's end.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::decode::{Place, decoded_or_return};
use super::load::{Sel, load_uint, word_type};
use super::plan::{Bytes, FieldPlan, Plan};
use crate::expr::checked_int;

/// Which generated function the walk is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `__pcap_parse`: a `Field` per field, per the flags.
    Parse,
    /// `__pcap_view`: a slot per dynamic chunk or slice.
    View,
    /// `__pcap_header_len`: positions only.
    Len,
}

impl Plan<'_, '_> {
    /// The body of the parser walk for `mode`.
    pub(super) fn walk(&self, mode: Mode) -> TokenStream {
        let lt = &self.input.lifetime;
        let name = self.name_str();
        let mut out = TokenStream::new();
        let prefix_len = self.layout.prefix.bytes_expr();

        out.extend(quote! {
            let __pcap_prefix: &#lt [u8; #prefix_len] = match __pcap_bytes.first_chunk::<{ #prefix_len }>() {
                ::core::option::Option::Some(p) => p,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(::pcap_core::__private::truncated_prefix(#name, Self::FIELDS, __pcap_bytes.len()));
                }
            };
        });
        out.extend(self.prefix_runs(mode));
        for p in &self.fields[..self.layout.first_dynamic] {
            out.extend(self.prefix_field(p, mode));
        }

        let has_dynamic = self.layout.first_dynamic < self.input.fields.len();
        if self.early_len {
            out.extend(self.header_end(false));
            out.extend(self.split_at_end());
        } else {
            out.extend(quote!(let __pcap_buf: &#lt [u8] = __pcap_bytes;));
        }
        if has_dynamic || !self.early_len {
            out.extend(quote!(let mut __pcap_pos: usize = #prefix_len;));
        }
        for p in &self.fields[self.layout.first_dynamic..] {
            out.extend(self.dynamic_field(p, mode));
        }

        if !self.early_len {
            out.extend(self.header_end(true));
            if self.input.len.is_none() {
                out.extend(quote!(let __pcap_end: usize = __pcap_pos;));
            }
            out.extend(self.split_at_end());
        }
        out
    }

    /// One load per bit run of the prefix that the mode uses.
    fn prefix_runs(&self, mode: Mode) -> TokenStream {
        let mut out = TokenStream::new();
        for run in &self.layout.runs {
            if run.first >= self.layout.first_dynamic {
                continue;
            }
            let Bytes::Prefix {
                off,
                run_word: Some(word),
            } = &self.fields[run.first].bytes
            else {
                continue;
            };
            let (word_ty, word_size) = word_type(run.bytes());
            let load = load_uint(
                &quote!(__pcap_prefix),
                off,
                run.bytes(),
                &word_ty,
                word_size,
                &Sel::Big,
            );
            let used =
                mode == Mode::Parse || self.fields[run.first..run.end].iter().any(|p| p.needed);
            if used {
                out.extend(quote!(let #word: #word_ty = #load;));
            }
        }
        out
    }

    /// `__pcap_end` from the header `len` (checked against `__pcap_pos` at
    /// the end of the walk, or the prefix length right after it).
    fn header_end(&self, at_end: bool) -> TokenStream {
        let Some(len) = &self.input.len else {
            return TokenStream::new();
        };
        let name = self.name_str();
        let expr = checked_int(len);
        let invalid = self.err(
            "invalid_len",
            quote!(
                "(header)",
                0,
                "the header `len` expression is negative or overflows"
            ),
        );
        let min = if at_end {
            quote!(__pcap_pos)
        } else {
            self.layout.prefix.bytes_expr()
        };
        quote! {
            let __pcap_end: usize = match (#expr).to_len() {
                ::core::option::Option::Some(n) => n,
                ::core::option::Option::None => return #invalid,
            };
            if __pcap_end < #min {
                return ::core::result::Result::Err(::pcap_core::__private::header_len_too_short(#name, __pcap_end, #min));
            }
        }
    }

    /// Splits the input at `__pcap_end` into the header and the rest.
    fn split_at_end(&self) -> TokenStream {
        let lt = &self.input.lifetime;
        let trunc = self.err(
            "truncated",
            quote!("(header)", 0, __pcap_end, __pcap_bytes.len()),
        );
        quote! {
            let (__pcap_buf, __pcap_rest): (&#lt [u8], &#lt [u8]) = match __pcap_bytes.split_at_checked(__pcap_end) {
                ::core::option::Option::Some(x) => x,
                ::core::option::Option::None => return #trunc,
            };
        }
    }

    /// A prefix field: its value when needed, its `Field` when parsing.
    fn prefix_field(&self, p: &FieldPlan, mode: Mode) -> TokenStream {
        let lt = &self.input.lifetime;
        let f = p.field;
        let i = p.index;
        let Bytes::Prefix { off, run_word } = &p.bytes else {
            return TokenStream::new();
        };
        let fsel = Sel::for_field(f, &Sel::Generic);
        let place = Place {
            array: quote!(__pcap_prefix),
            off: off.clone(),
        };
        let ty = &f.ty;
        let local = &p.local;
        // The field's own name and span: user expressions refer to it.
        let vident = f.ident;

        let (value, bind) = if let Some(with) = f.with() {
            // A fixed-size field with a custom decoder: decode when unpacked
            // or needed; the decoder may refuse the bytes.
            let n = self.width_bytes(i);
            let call = decoded_or_return(
                with,
                quote!(&__pcap_prefix[#off..#off + #n]),
                &self.name_str(),
                &f.name(),
                off.clone(),
            );
            let bind = quote!(let #vident: #ty = #call;);
            (call, bind)
        } else {
            let run_word = run_word.as_ref().map(|w| quote!(#w));
            let value = self.decode_fixed(i, &place, run_word.as_ref(), &fsel);
            let bind = quote_spanned!(f.ident.span()=> let #vident: #ty = #value;);
            (value, bind)
        };
        let mut out = TokenStream::new();
        if p.needed {
            out.extend(bind);
        }
        if mode == Mode::Parse {
            let value = if p.needed {
                quote!(::core::clone::Clone::clone(&#vident))
            } else {
                value
            };
            let raw = self.raw_fixed(i, &place, &fsel);
            let fv = self.field_value(i, value, raw);
            out.extend(quote!(let #local: ::pcap_core::Field<#lt, #ty> = #fv;));
        }
        out
    }
}
