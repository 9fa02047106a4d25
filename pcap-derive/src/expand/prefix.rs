//! The lax prefix parse (`parse_prefix`): a header cut short by the snap
//! length still reports every field that fits, as tshark shows it.
//!
//! `__pcap_prefix_parse` runs the strict parser first (so a complete header
//! gives exactly what `parse_endian` gives) and falls back to
//! `__pcap_parse_lax`, a field-by-field walk that cannot fail: a position
//! that may be unknown (`Option<usize>`), each field read only if its bytes
//! are all there, and the values `len`/`when` expressions name kept as
//! `Option`s (`None`: did not fit). An expression naming a missing value
//! cannot be evaluated: the field it governs is skipped, and so is every
//! field after it whose position depended on it.
//!
//! The lax walk decodes through `Unpack` (and `with` decoders), the same
//! decoding `Field::decode` uses; it is the slow path, taken only for
//! headers the strict parser refused.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;
use syn::ext::IdentExt;

use super::load::Sel;
use super::plan::{FieldPlan, Plan};
use crate::ast::Kind;
use crate::expr::{checked_bool, checked_int, referenced_idents};
use crate::layout::Width;

/// How the lax walk finds one field's bytes.
enum Read {
    /// A bit field at bit `at` of its run (`run_bytes` long), which it
    /// advances past if it is the run's last field.
    Bits {
        at: usize,
        width: usize,
        run_bytes: usize,
        ends_run: bool,
    },
    /// A fixed number of whole bytes.
    Fixed(TokenStream),
    /// `len = ...` bytes.
    Len(syn::Expr),
    /// As many bytes as the `with` decoder uses.
    Decoder,
    /// The rest of the header.
    Rest,
}

impl Plan<'_, '_> {
    /// `__pcap_prefix_parse` (strict, then lax) and the inherent `parse_prefix`.
    pub(super) fn prefix_fns(&self) -> TokenStream {
        let ident = self.input.ident;
        let lt = &self.input.lifetime;
        let flags_ty = crate::names::flags_type(ident);
        let lax = if self.input.partial {
            self.lax_fn()
        } else {
            TokenStream::new()
        };
        // `partial = false`: when the strict parse refuses the bytes, no field.
        let fallback = |order: TokenStream| {
            if self.input.partial {
                quote!(Self::__pcap_parse_lax::<#order>(__pcap_bytes, __pcap_flags))
            } else {
                let fields = self.fields.iter().map(|p| {
                    let ident = p.field.ident;
                    quote!(#ident: ::pcap_core::Field::Skipped)
                });
                quote!(#ident { #(#fields),* })
            }
        };
        let big = fallback(quote!(::pcap_core::BigEndian));
        let little = fallback(quote!(::pcap_core::LittleEndian));
        quote! {
            /// Lax prefix parse, for a header cut short: never fails. Every
            /// field (per `flags`) whose bytes are within `bytes` is reported
            /// as the flags say; fields that do not fit, fields after an
            /// unknown length and `when` fields whose condition cannot be
            /// evaluated are `Skipped` (all of them for a header declared
            /// `partial = false`). For a complete header it equals
            /// `parse_endian(bytes, flags, endian)`'s header.
            #[inline]
            pub fn parse_prefix(bytes: &#lt [u8], flags: #flags_ty, endian: ::pcap_core::Endian) -> Self {
                Self::__pcap_prefix_parse(bytes, flags, endian).0
            }

            /// The header and whether the strict parse accepted it.
            fn __pcap_prefix_parse(__pcap_bytes: &#lt [u8], __pcap_flags: #flags_ty, __pcap_endian: ::pcap_core::Endian) -> (Self, bool) {
                match __pcap_endian {
                    ::pcap_core::Endian::Big => match Self::__pcap_parse::<::pcap_core::BigEndian>(__pcap_bytes, __pcap_flags) {
                        ::core::result::Result::Ok((h, _)) => (h, true),
                        ::core::result::Result::Err(_) => (#big, false),
                    },
                    ::pcap_core::Endian::Little => match Self::__pcap_parse::<::pcap_core::LittleEndian>(__pcap_bytes, __pcap_flags) {
                        ::core::result::Result::Ok((h, _)) => (h, true),
                        ::core::result::Result::Err(_) => (#little, false),
                    },
                }
            }

            #lax
        }
    }

    /// `__pcap_parse_lax`: the field-by-field walk that cannot fail.
    fn lax_fn(&self) -> TokenStream {
        let ident = self.input.ident;
        let lt = &self.input.lifetime;
        let flags_ty = crate::names::flags_type(ident);
        let bits_ty = self.bits_type();
        let mut body = TokenStream::new();
        for p in &self.fields {
            if p.index == self.layout.first_dynamic {
                body.extend(self.lax_header_end());
            }
            body.extend(self.lax_field(p));
        }
        let fields = self.fields.iter().map(|p| {
            let ident = p.field.ident;
            let local = &p.local;
            quote!(#ident: #local)
        });
        quote! {
            #[allow(unused_variables, unused_mut, unused_parens, unused_assignments, unreachable_patterns, clippy::all)]
            fn __pcap_parse_lax<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8], __pcap_flags: #flags_ty) -> Self {
                let __pcap_flags: #bits_ty = __pcap_flags.bits();
                // Where fields may be read: the input, or the header once its
                // `len` is known and within the input.
                let mut __pcap_avail: &#lt [u8] = __pcap_bytes;
                let mut __pcap_pos: ::core::option::Option<usize> = ::core::option::Option::Some(0);
                // The header's `len` reaches past the input: a field taking
                // "the rest" of the header does not fit.
                let mut __pcap_cut: bool = false;
                #body
                #ident { #(#fields),* }
            }
        }
    }

    /// The local holding a needed field's value in the lax walk: `Some`
    /// when it was read (for a `when` field: `Some(None)` when absent).
    fn lax_local(p: &FieldPlan) -> Ident {
        format_ident!("__pcap_l_{}", p.field.ident.unraw())
    }

    /// The type a needed field is bound as in `len`/`when` expressions.
    fn bound_type(p: &FieldPlan) -> TokenStream {
        let ty = &p.field.ty;
        if p.field.attrs.when.is_some() {
            quote!(::core::option::Option<#ty>)
        } else {
            quote!(#ty)
        }
    }

    /// Evaluates `body` (an `Option<_>` expression) with the fields `expr`
    /// names bound under their own names; `None` if one of them is missing.
    fn lax_eval(&self, expr: &syn::Expr, body: TokenStream) -> TokenStream {
        let mut refs: Vec<&FieldPlan> = Vec::new();
        for id in referenced_idents(expr) {
            let name = id.unraw().to_string();
            if let Some(p) = self.fields.iter().find(|p| p.field.name() == name)
                && !refs.iter().any(|r| r.index == p.index)
            {
                refs.push(p);
            }
        }
        if refs.is_empty() {
            return body;
        }
        let locals = refs.iter().map(|p| Self::lax_local(p));
        let temps: Vec<Ident> = refs
            .iter()
            .map(|p| format_ident!("__pcap_r_{}", p.field.ident.unraw()))
            .collect();
        let binds = refs.iter().zip(&temps).map(|(p, t)| {
            let v = p.field.ident;
            let ty = Self::bound_type(p);
            quote!(let #v: #ty = ::core::clone::Clone::clone(#t);)
        });
        quote! {
            match (#(&#locals,)*) {
                (#(::core::option::Option::Some(#temps),)*) => {
                    #(#binds)*
                    #body
                }
                _ => ::core::option::Option::None,
            }
        }
    }

    /// Right after the prefix: the header's end from its `len`, when it can
    /// be computed there. Within the input, it bounds the later fields; past
    /// it, a "rest" field is cut; unknown or shorter than the prefix, the
    /// later fields' positions are unknown.
    fn lax_header_end(&self) -> TokenStream {
        let Some(len) = (if self.early_len {
            self.input.len.as_ref()
        } else {
            None
        }) else {
            return TokenStream::new();
        };
        let prefix_len = self.layout.prefix.bytes_expr();
        let expr = checked_int(len);
        let end = self.lax_eval(len, quote!((#expr).to_len()));
        quote! {
            let __pcap_end: ::core::option::Option<usize> = #end;
            match __pcap_end {
                ::core::option::Option::Some(e) if e >= #prefix_len => match __pcap_bytes.get(..e) {
                    ::core::option::Option::Some(h) => __pcap_avail = h,
                    ::core::option::Option::None => __pcap_cut = true,
                },
                _ => __pcap_pos = ::core::option::Option::None,
            }
        }
    }

    /// How field `p`'s bytes are found.
    fn lax_read(&self, p: &FieldPlan) -> Read {
        let f = p.field;
        let lay = &self.layout.fields[p.index];
        if let Some((r, at)) = lay.run {
            let run = &self.layout.runs[r];
            let width = match lay.width {
                Width::Bits(b) => b,
                _ => 0,
            };
            return Read::Bits {
                at,
                width,
                run_bytes: run.bytes(),
                ends_run: run.end == p.index + 1,
            };
        }
        if let Some(len) = &f.attrs.len {
            return Read::Len(len.clone());
        }
        match lay.width {
            Width::Var if f.with().is_some() => Read::Decoder,
            Width::Var => Read::Rest,
            _ => Read::Fixed(self.width_bytes(p.index)),
        }
    }

    /// One field of the lax walk: binds its `Field` (and its value when an
    /// expression names it) and advances the position.
    fn lax_field(&self, p: &FieldPlan) -> TokenStream {
        let f = p.field;
        let lt = &self.input.lifetime;
        let ty = &f.ty;
        let local = &p.local;
        let lax_local = if p.needed {
            let l = Self::lax_local(p);
            quote!(#l)
        } else {
            quote!(_)
        };
        let body = self.lax_body(p);
        let Some(when) = &f.attrs.when else {
            return quote! {
                let (#local, #lax_local): (::pcap_core::Field<#lt, #ty>, ::core::option::Option<#ty>) = #body;
            };
        };
        let cond = checked_bool(when, &quote!(::core::option::Option::None));
        let cond = self.lax_eval(
            when,
            quote! {
                (|| -> ::core::option::Option<bool> { ::core::option::Option::Some(#cond) })()
            },
        );
        quote! {
            let (#local, #lax_local): (::pcap_core::Field<#lt, #ty>, ::core::option::Option<::core::option::Option<#ty>>) = match #cond {
                ::core::option::Option::Some(true) => {
                    let (__pcap_field, __pcap_val): (::pcap_core::Field<#lt, #ty>, ::core::option::Option<#ty>) = #body;
                    (__pcap_field, __pcap_val.map(::core::option::Option::Some))
                }
                ::core::option::Option::Some(false) => (::pcap_core::Field::Skipped, ::core::option::Option::Some(::core::option::Option::None)),
                ::core::option::Option::None => {
                    // Present or not, its length is unknown.
                    __pcap_pos = ::core::option::Option::None;
                    (::pcap_core::Field::Skipped, ::core::option::Option::None)
                }
            };
        }
    }

    /// A block evaluating to the field's `Field` and its value (`None` when
    /// it did not fit or was not decoded), advancing `__pcap_pos`.
    fn lax_body(&self, p: &FieldPlan) -> TokenStream {
        let f = p.field;
        let lt = &self.input.lifetime;
        let ty = &f.ty;
        let endian = Sel::for_field(f, &Sel::Generic).endian_value();
        let whole_raw = quote!(::pcap_core::Raw::new(s, #endian));
        let unpack = quote!(<#ty as ::pcap_core::Unpack>::unpack(&r));
        let with_decode = |with: &syn::Path| {
            quote! {
                match __pcap_span {
                    ::core::option::Option::Some(s) => match #with(s) {
                        ::core::result::Result::Ok((v, _)) => ::core::option::Option::Some(v),
                        ::core::result::Result::Err(_) => ::core::option::Option::None,
                    },
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        };
        let via_raw = quote!(__pcap_raw.map(|r| #unpack));
        // (statements finding `__pcap_span` and advancing, the `Raw` from
        // `s`, the value as an `Option` expression)
        let (read, raw, value) = match self.lax_read(p) {
            Read::Bits {
                at,
                width,
                run_bytes,
                ends_run,
            } => {
                let lo = at / 8;
                let hi = (at + width).div_ceil(8);
                let bit = (at % 8) as u8;
                let w = width as u32;
                let advance = if ends_run {
                    quote!(__pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, #run_bytes);)
                } else {
                    TokenStream::new()
                };
                (
                    quote! {
                        let __pcap_span: ::core::option::Option<&#lt [u8]> = ::pcap_core::__private::lax_span(__pcap_avail, __pcap_pos, #lo, #hi);
                        #advance
                    },
                    quote!(::pcap_core::Raw::bits(s, #bit, #w)),
                    via_raw,
                )
            }
            Read::Fixed(n) => {
                let value = match f.with() {
                    Some(with) => with_decode(with),
                    None => via_raw,
                };
                (
                    quote! {
                        let __pcap_span: ::core::option::Option<&#lt [u8]> = ::pcap_core::__private::lax_span(__pcap_avail, __pcap_pos, 0, #n);
                        __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, #n);
                    },
                    whole_raw,
                    value,
                )
            }
            Read::Len(len) => {
                let expr = checked_int(&len);
                let n = self.lax_eval(&len, quote!((#expr).to_len()));
                let value = match f.with() {
                    Some(with) => with_decode(with),
                    None if f.kind == Kind::Slice => quote!(__pcap_span),
                    None => via_raw,
                };
                (
                    quote! {
                        let __pcap_n: ::core::option::Option<usize> = #n;
                        let __pcap_span: ::core::option::Option<&#lt [u8]> = match __pcap_n {
                            ::core::option::Option::Some(n) => ::pcap_core::__private::lax_span(__pcap_avail, __pcap_pos, 0, n),
                            ::core::option::Option::None => ::core::option::Option::None,
                        };
                        __pcap_pos = match __pcap_n {
                            ::core::option::Option::Some(n) => ::pcap_core::__private::lax_advance(__pcap_pos, n),
                            ::core::option::Option::None => ::core::option::Option::None,
                        };
                    },
                    whole_raw,
                    value,
                )
            }
            Read::Decoder => {
                let with = f.with().cloned();
                (
                    quote! {
                        // The decoder says how many bytes the field takes; if
                        // it refuses them, where the next field starts is unknown.
                        let __pcap_dec: ::core::option::Option<(#ty, &#lt [u8])> = match __pcap_pos.and_then(|p| __pcap_avail.get(p..)) {
                            ::core::option::Option::Some(rest) => match #with(rest) {
                                ::core::result::Result::Ok((v, used)) => rest.get(..used).map(|s| (v, s)),
                                ::core::result::Result::Err(_) => ::core::option::Option::None,
                            },
                            ::core::option::Option::None => ::core::option::Option::None,
                        };
                        let __pcap_span: ::core::option::Option<&#lt [u8]> = __pcap_dec.as_ref().map(|d| d.1);
                        __pcap_pos = match __pcap_span {
                            ::core::option::Option::Some(s) => ::pcap_core::__private::lax_advance(__pcap_pos, s.len()),
                            ::core::option::Option::None => ::core::option::Option::None,
                        };
                    },
                    whole_raw,
                    quote!(__pcap_dec.map(|d| d.0)),
                )
            }
            Read::Rest => (
                quote! {
                    let __pcap_span: ::core::option::Option<&#lt [u8]> = if __pcap_cut {
                        ::core::option::Option::None
                    } else {
                        __pcap_pos.and_then(|p| __pcap_avail.get(p..))
                    };
                    __pcap_pos = match __pcap_span {
                        ::core::option::Option::Some(s) => ::pcap_core::__private::lax_advance(__pcap_pos, s.len()),
                        ::core::option::Option::None => ::core::option::Option::None,
                    };
                },
                whole_raw,
                quote!(__pcap_span),
            ),
        };
        let (pbit, ubit) = self.flag_bits(p.index);
        let (pbit, ubit) = (self.lit(pbit), self.lit(ubit));
        // The value is decoded only when it is reported or an expression needs it.
        let wanted = if p.needed {
            quote!(true)
        } else {
            quote!(__pcap_flags & #ubit != 0)
        };
        let field = if p.needed {
            quote! {
                match &__pcap_val {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(::core::clone::Clone::clone(v)),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            }
        } else {
            quote! {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            }
        };
        quote! {
            {
                #read
                let __pcap_raw: ::core::option::Option<::pcap_core::Raw<#lt>> = __pcap_span.map(|s| #raw);
                let mut __pcap_val: ::core::option::Option<#ty> = if #wanted { #value } else { ::core::option::Option::None };
                let __pcap_field: ::pcap_core::Field<#lt, #ty> = if __pcap_flags & #ubit != 0 {
                    #field
                } else if __pcap_flags & #pbit != 0 {
                    match __pcap_raw {
                        ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                        ::core::option::Option::None => ::pcap_core::Field::Skipped,
                    }
                } else {
                    ::pcap_core::Field::Skipped
                };
                (__pcap_field, __pcap_val)
            }
        }
    }
}
