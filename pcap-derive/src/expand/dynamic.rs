//! One dynamic field in the walk: read its chunk or slice, decode it,
//! leave what the mode needs, advance; all only `when` its condition holds.
//! The three walks differ only in what a field leaves ([`Mode::output`]).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Ident;

use super::decode::{Place, decoded_or_return};
use super::load::Sel;
use super::plan::{Bytes, FieldPlan, Plan};
use super::walk::Mode;
use crate::ast::Kind;
use crate::expr::{checked_bool, checked_int};

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
    /// A dynamic field: read its bytes, decode them, produce the mode's
    /// output, advance; all only `when` its condition holds.
    pub(super) fn dynamic_field(&self, p: &FieldPlan, mode: Mode) -> TokenStream {
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
    /// slice.
    fn read_bytes(&self, p: &FieldPlan) -> TokenStream {
        match &p.bytes {
            Bytes::Chunk {
                slot,
                width,
                starts: true,
                ..
            } => self.read_chunk(p, slot, width),
            Bytes::Slice { local, .. } => self.read_slice(p, local),
            _ => TokenStream::new(),
        }
    }

    /// The error a dynamic field's read returns when its bytes are missing:
    /// past the header's `len` once it is known, else past the input.
    fn out_of_bounds(&self, p: &FieldPlan, end: TokenStream) -> TokenStream {
        let fname = p.field.name();
        let limit_fn = if self.early_len {
            "past_header_len"
        } else {
            "truncated"
        };
        self.err(limit_fn, quote!(#fname, __pcap_pos, #end, __pcap_buf.len()))
    }

    /// Binds `slot` to the `width`-byte chunk at `__pcap_pos`.
    fn read_chunk(&self, p: &FieldPlan, slot: &Ident, width: &TokenStream) -> TokenStream {
        let lt = &self.input.lifetime;
        let n = width;
        let trunc = self.out_of_bounds(p, quote!(__pcap_pos.saturating_add(#n)));
        quote! {
            let #slot: &#lt [u8; #n] = match __pcap_buf.get(__pcap_pos..).and_then(|r| r.first_chunk::<{ #n }>()) {
                ::core::option::Option::Some(a) => a,
                ::core::option::Option::None => return #trunc,
            };
        }
    }

    /// Binds `__pcap_len` and the slice `local` at `__pcap_pos`.
    fn read_slice(&self, p: &FieldPlan, local: &Ident) -> TokenStream {
        let lt = &self.input.lifetime;
        let (before, len_code) = self.slice_len(p);
        let trunc = self.out_of_bounds(p, quote!(__pcap_pos.saturating_add(__pcap_len)));
        quote! {
            #before
            let __pcap_len: usize = #len_code;
            let #local: &#lt [u8] = match __pcap_pos.checked_add(__pcap_len).and_then(|end| __pcap_buf.get(__pcap_pos..end)) {
                ::core::option::Option::Some(s) => s,
                ::core::option::Option::None => return #trunc,
            };
        }
    }

    /// A variable field's length: its `len`, what its `with` decoder used
    /// (the decoder runs first: the statements returned first), or the rest.
    fn slice_len(&self, p: &FieldPlan) -> (TokenStream, TokenStream) {
        let lt = &self.input.lifetime;
        let f = p.field;
        let ty = &f.ty;
        let fname = f.name();
        if let Some(len) = &f.attrs.len {
            let expr = checked_int(len);
            let invalid = self.err(
                "invalid_len",
                quote!(#fname, __pcap_pos, "`len` is negative or overflows"),
            );
            let len_code = quote! {
                match (#expr).to_len() {
                    ::core::option::Option::Some(n) => n,
                    ::core::option::Option::None => return #invalid,
                }
            };
            (TokenStream::new(), len_code)
        } else if let Some(with) = f.with() {
            let name = self.name_str();
            let with_value = with_value(p);
            let over = self.err("malformed", quote!(#fname, __pcap_pos, "the `with` decoder reported more bytes than it was given"));
            let decode = quote! {
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
            };
            (decode, quote!(__pcap_used))
        } else {
            (
                TokenStream::new(),
                quote!(__pcap_buf.len().saturating_sub(__pcap_pos)),
            )
        }
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
