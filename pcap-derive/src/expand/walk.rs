//! The parser walk shared by `parse`, `header_len` and `view`: check the
//! prefix, load its runs, walk the dynamic fields, find the header's end.
//! What differs between the three is only what each field produces
//! ([`Mode::output`]).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::decode::{Place, decoded_or_return};
use super::load::{Sel, load_uint, word_type};
use super::plan::{Bytes, FieldPlan, Plan};
use crate::ast::Kind;
use crate::expr::{checked_bool, checked_int};

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

/// What a dynamic field leaves behind in one mode.
struct Output {
    /// Statements binding the product once the bytes are read and decoded.
    bind: TokenStream,
    /// The product of a field without `when`.
    present: TokenStream,
    /// The product of a `when` field whose condition holds, and of one whose
    /// condition is false.
    some: TokenStream,
    none: TokenStream,
}

impl Mode {
    /// The mode's product for field `p`; `value` and `raw` build its `Field`.
    fn output(self, g: &Plan, p: &FieldPlan, value: TokenStream, raw: TokenStream) -> Output {
        let lt = &g.input.lifetime;
        let ty = &p.field.ty;
        match self {
            Mode::Parse => {
                let fv = g.field_value(p.index, value, raw);
                Output {
                    bind: quote!(let __pcap_field: ::pcap_core::Field<#lt, #ty> = #fv;),
                    present: quote!(__pcap_field),
                    some: quote!(__pcap_field),
                    none: quote!(::pcap_core::Field::Skipped),
                }
            }
            Mode::View => {
                let stored = match &p.bytes {
                    Bytes::Slice { local, .. } => quote!(#local),
                    Bytes::Chunk { slot, .. } => quote!(#slot),
                    Bytes::Prefix { .. } => TokenStream::new(),
                };
                let (bind, present) = if p.has_slot() {
                    (quote!(let __pcap_slot = #stored;), quote!(__pcap_slot))
                } else {
                    (TokenStream::new(), quote!(()))
                };
                Output {
                    bind,
                    present,
                    some: quote!(::core::option::Option::Some(__pcap_slot)),
                    none: quote!(::core::option::Option::None),
                }
            }
            Mode::Len => Output {
                bind: TokenStream::new(),
                present: quote!(()),
                some: quote!(()),
                none: quote!(()),
            },
        }
    }
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

    /// A dynamic field: read its bytes, decode them, produce the mode's
    /// output, advance; all only `when` its condition holds.
    fn dynamic_field(&self, p: &FieldPlan, mode: Mode) -> TokenStream {
        let f = p.field;
        let ty = &f.ty;
        let local = &p.local;
        let vident = if p.needed {
            let v = f.ident;
            quote!(#v)
        } else {
            quote!(_)
        };

        let read = self.read_bytes(p);
        let (value, raw) = self.dynamic_value(p);
        let advance = match &p.bytes {
            Bytes::Chunk { width, ends, .. } if *ends => quote!(__pcap_pos += #width;),
            Bytes::Slice { .. } => quote!(__pcap_pos += __pcap_len;),
            _ => TokenStream::new(),
        };

        let mut use_code = TokenStream::new();
        if p.needed {
            use_code.extend(quote_spanned!(f.ident.span()=> let __pcap_v: #ty = #value;));
        }
        let value_for_field = if p.needed {
            quote!(::core::clone::Clone::clone(&__pcap_v))
        } else {
            value
        };
        let output = mode.output(self, p, value_for_field, raw);
        use_code.extend(output.bind);
        use_code.extend(advance);

        let Some(when) = &f.attrs.when else {
            let field_out = output.present;
            let v_out = if p.needed {
                quote!(__pcap_v)
            } else {
                quote!(())
            };
            return quote! {
                #read
                let (#local, #vident) = {
                    #use_code
                    (#field_out, #v_out)
                };
            };
        };
        // Present only `when` the condition holds.
        let fname = f.name();
        let invalid = self.err(
            "invalid_len",
            quote!(#fname, __pcap_pos, "the `when` expression overflows"),
        );
        let cond = checked_bool(when, &invalid);
        let (some_field, none_field) = (output.some, output.none);
        let (some_v, none_v) = if p.needed {
            (
                quote!(::core::option::Option::Some(__pcap_v)),
                quote!(::core::option::Option::None),
            )
        } else {
            (quote!(()), quote!(()))
        };
        quote! {
            let (#local, #vident) = if #cond {
                #read
                #use_code
                (#some_field, #some_v)
            } else {
                (#none_field, #none_v)
            };
        }
    }

    /// Reads a dynamic field's bytes: its chunk (if it starts one) or its
    /// slice (of `len` bytes, as a `with` decoder used, or the rest).
    fn read_bytes(&self, p: &FieldPlan) -> TokenStream {
        let lt = &self.input.lifetime;
        let f = p.field;
        let ty = &f.ty;
        let fname = f.name();
        let limit_fn = if self.early_len {
            "past_header_len"
        } else {
            "truncated"
        };
        let mut read = TokenStream::new();
        match &p.bytes {
            Bytes::Prefix { .. } => {}
            Bytes::Chunk {
                slot,
                width: n,
                starts,
                ..
            } => {
                if *starts {
                    let trunc = self.err(
                        limit_fn,
                        quote!(#fname, __pcap_pos, __pcap_pos.saturating_add(#n), __pcap_buf.len()),
                    );
                    read.extend(quote! {
                        let #slot: &#lt [u8; #n] = match __pcap_buf.get(__pcap_pos..).and_then(|r| r.first_chunk::<{ #n }>()) {
                            ::core::option::Option::Some(a) => a,
                            ::core::option::Option::None => return #trunc,
                        };
                    });
                }
            }
            Bytes::Slice {
                local: var_slice, ..
            } => {
                let len_code = if let Some(len) = &f.attrs.len {
                    let expr = checked_int(len);
                    let invalid = self.err(
                        "invalid_len",
                        quote!(#fname, __pcap_pos, "`len` is negative or overflows"),
                    );
                    quote! {
                        match (#expr).to_len() {
                            ::core::option::Option::Some(n) => n,
                            ::core::option::Option::None => return #invalid,
                        }
                    }
                } else if let Some(with) = f.with() {
                    let name = self.name_str();
                    let with_value = with_value(p);
                    let over = self.err("malformed", quote!(#fname, __pcap_pos, "the `with` decoder reported more bytes than it was given"));
                    read.extend(quote! {
                        let __pcap_avail: &#lt [u8] = match __pcap_buf.get(__pcap_pos..) {
                            ::core::option::Option::Some(r) => r,
                            ::core::option::Option::None => &[],
                        };
                        let (#with_value, __pcap_used): (#ty, usize) = match #with(__pcap_avail) {
                            ::core::result::Result::Ok(x) => x,
                            ::core::result::Result::Err(e) => return ::core::result::Result::Err(::pcap_core::__private::in_field(e, #name, #fname, __pcap_pos)),
                        };
                        if __pcap_used > __pcap_avail.len() {
                            return #over;
                        }
                    });
                    quote!(__pcap_used)
                } else {
                    quote!(__pcap_buf.len().saturating_sub(__pcap_pos))
                };
                let trunc = self.err(
                    limit_fn,
                    quote!(#fname, __pcap_pos, __pcap_pos.saturating_add(__pcap_len), __pcap_buf.len()),
                );
                read.extend(quote! {
                    let __pcap_len: usize = #len_code;
                    let #var_slice: &#lt [u8] = match __pcap_pos.checked_add(__pcap_len).and_then(|end| __pcap_buf.get(__pcap_pos..end)) {
                        ::core::option::Option::Some(s) => s,
                        ::core::option::Option::None => return #trunc,
                    };
                });
            }
        }
        read
    }

    /// A dynamic field's value and `Raw`, from the bytes just read.
    fn dynamic_value(&self, p: &FieldPlan) -> (TokenStream, TokenStream) {
        let f = p.field;
        let ty = &f.ty;
        let name = self.name_str();
        let fname = f.name();
        let fsel = Sel::for_field(f, &Sel::Generic);
        match &p.bytes {
            Bytes::Slice {
                local: var_slice, ..
            } => {
                let endian = fsel.endian_value();
                let raw = quote!(::pcap_core::Raw::new(#var_slice, #endian));
                let value = if let Some(with) = f.with() {
                    if f.attrs.len.is_some() {
                        decoded_or_return(
                            with,
                            quote!(#var_slice),
                            &name,
                            &fname,
                            quote!(__pcap_pos),
                        )
                    } else {
                        let with_value = with_value(p);
                        quote!(#with_value)
                    }
                } else if f.kind == Kind::Slice {
                    quote!(#var_slice)
                } else {
                    quote!(<#ty as ::pcap_core::Unpack>::unpack(&#raw))
                };
                (value, raw)
            }
            Bytes::Chunk { slot: chunk, .. } => {
                let place = Place {
                    array: quote!(#chunk),
                    off: quote!(0usize),
                };
                let value = if let Some(with) = f.with() {
                    let n = self.width_bytes(p.index);
                    decoded_or_return(
                        with,
                        quote!(&#chunk[..#n]),
                        &name,
                        &fname,
                        quote!(__pcap_pos),
                    )
                } else {
                    self.decode_fixed(p.index, &place, None, &fsel)
                };
                (value, self.raw_fixed(p.index, &place, &fsel))
            }
            Bytes::Prefix { .. } => (TokenStream::new(), TokenStream::new()),
        }
    }
}

/// The local holding a variable `with` field's decoded value.
fn with_value(p: &FieldPlan) -> syn::Ident {
    quote::format_ident!("__pcap_w_{}", syn::ext::IdentExt::unraw(p.field.ident))
}
