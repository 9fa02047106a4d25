//! Code generation: the flags type, the layout constants, `parse`,
//! `header_len`, the lazy view and the `Header` impl.
//!
//! Every generated path is absolute (`::core::...`, `::pcap_core::...`) and
//! every generated local starts with `__pcap_` (see `names`), so the output
//! compiles under `#![no_implicit_prelude]` and cannot capture user names.
//! Field values referenced by `len`/`when` expressions are bound under the
//! field's own name, with the field's span, so user expressions see them.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::ext::IdentExt;

use crate::ast::{FieldDef, Input, Kind};
use crate::attr::EndianAttr;
use crate::expr::{checked_bool, checked_int, referenced_idents};
use crate::layout::{Layout, Width};
use crate::names;

/// How a whole-byte field's byte order is chosen in generated code.
#[derive(Clone)]
enum Sel {
    Big,
    Little,
    /// The parser's `__E: ByteOrder` type parameter.
    Generic,
    /// A runtime `Endian` value (views).
    Value(TokenStream),
}

impl Sel {
    fn for_field(f: &FieldDef, default: &Sel) -> Sel {
        match f.attrs.endian.as_ref().map(|e| e.value) {
            Some(EndianAttr::Big) => Sel::Big,
            Some(EndianAttr::Little) => Sel::Little,
            _ => default.clone(),
        }
    }

    fn endian_value(&self) -> TokenStream {
        match self {
            Sel::Big => quote!(::pcap_core::Endian::Big),
            Sel::Little => quote!(::pcap_core::Endian::Little),
            Sel::Generic => quote!(<__E as ::pcap_core::ByteOrder>::ENDIAN),
            Sel::Value(v) => v.clone(),
        }
    }

    /// `if big { a } else { b }`, folded at compile time where possible.
    fn choose(&self, big: TokenStream, little: TokenStream) -> TokenStream {
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
fn word_type(bytes: usize) -> (Ident, usize) {
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
fn byte_list(a: &TokenStream, off: &TokenStream, n: usize) -> TokenStream {
    let idx = (0..n).map(|k| quote!(#a[#off + #k]));
    quote!([#(#idx),*])
}

/// An unsigned load of `n` bytes at `a[off..]` into the type `ty` of `size` bytes.
fn load_uint(
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

/// Where a field's bytes are in generated code.
struct Place {
    /// An expression of type `&'a [u8; N]` holding the field (or its run).
    array: TokenStream,
    /// Byte offset of the field (or of its run) in `array`.
    off: TokenStream,
}

pub struct Gen<'i, 'a> {
    input: &'i Input<'a>,
    layout: &'i Layout,
    /// Indices of fields named by any expression (always decoded).
    needed: BTreeSet<usize>,
    /// The header `len` can be computed right after the prefix.
    early_len: bool,
}

impl<'i, 'a> Gen<'i, 'a> {
    pub fn new(input: &'i Input<'a>, layout: &'i Layout) -> Self {
        let index = |name: &str| input.fields.iter().position(|f| f.name() == name);
        let mut needed = BTreeSet::new();
        for f in &input.fields {
            for e in [&f.attrs.len, &f.attrs.when].into_iter().flatten() {
                needed.extend(
                    referenced_idents(e)
                        .iter()
                        .filter_map(|i| index(&i.unraw().to_string())),
                );
            }
        }
        let mut early_len = true;
        if let Some(len) = &input.len {
            for i in referenced_idents(len)
                .iter()
                .filter_map(|i| index(&i.unraw().to_string()))
            {
                needed.insert(i);
                early_len &= i < layout.first_dynamic;
            }
        }
        Gen {
            input,
            layout,
            needed,
            early_len: early_len && input.len.is_some(),
        }
    }

    fn name_str(&self) -> String {
        self.input.ident.to_string()
    }

    fn flag_bits(&self, i: usize) -> (u128, u128) {
        (1u128 << (2 * i), 1u128 << (2 * i + 1))
    }

    fn bits_type(&self) -> Ident {
        let n = self.input.fields.len() * 2;
        Ident::new(
            match n {
                0..=8 => "u8",
                9..=16 => "u16",
                17..=32 => "u32",
                33..=64 => "u64",
                _ => "u128",
            },
            Span::call_site(),
        )
    }

    fn lit(&self, v: u128) -> TokenStream {
        let ty = self.bits_type();
        let v = proc_macro2::Literal::u128_unsuffixed(v);
        quote!((#v as #ty))
    }

    fn default_sel(&self) -> Sel {
        Sel::Generic
    }

    /// The byte count of field `i` as a constant expression.
    fn width_bytes(&self, i: usize) -> TokenStream {
        self.layout.fields[i]
            .width
            .bytes_expr()
            .unwrap_or_else(|| quote!(0usize))
    }

    /// Code decoding field `i` from `place` into its value type.
    fn decode_fixed(
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
            return match f.kind {
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
            };
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

    /// Code building the `Raw` of field `i` from `place`.
    fn raw_fixed(&self, i: usize, place: &Place, sel: &Sel) -> TokenStream {
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

    /// The offset of field `i` inside its place: its own offset in the
    /// prefix, or 0 in a chunk of its own / its run's chunk.
    fn prefix_place(&self, i: usize) -> Place {
        let lay = &self.layout.fields[i];
        let start = match lay.run {
            Some((r, _)) => self.layout.fields[self.layout.runs[r].first].offset.clone(),
            None => lay.offset.clone(),
        };
        Place {
            array: quote!(__pcap_prefix),
            off: start
                .map(|o| o.bytes_expr())
                .unwrap_or_else(|| quote!(0usize)),
        }
    }

    /// Builds `Field` values: `Value` / `Raw` / `Skipped` per the flags.
    fn field_value(&self, i: usize, value: TokenStream, raw: TokenStream) -> TokenStream {
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

    fn local(f: &FieldDef) -> Ident {
        format_ident!("__pcap_f_{}", f.ident.unraw())
    }

    fn value_ident(f: &FieldDef) -> Ident {
        // The field's own name and span: user expressions refer to it.
        f.ident.clone()
    }

    fn err(&self, kind: &str, args: TokenStream) -> TokenStream {
        let name = self.name_str();
        let func = format_ident!("{}", kind);
        quote!(::core::result::Result::Err(::pcap_core::__private::#func(#name, #args)))
    }

    /// The body of the parser walk. `view` selects what is produced: `Field`
    /// locals for `parse`, slots for the view, nothing but positions for
    /// `header_len`.
    fn walk(&self, mode: Mode) -> TokenStream {
        let lt = &self.input.lifetime;
        let name = self.name_str();
        let sel = self.default_sel();
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

        // Prefix: one load per run, then each field.
        for (r, run) in self.layout.runs.iter().enumerate() {
            if run.first >= self.layout.first_dynamic {
                continue;
            }
            let place = self.prefix_place(run.first);
            let (word_ty, word_size) = word_type(run.bytes());
            let load = load_uint(
                &place.array,
                &place.off,
                run.bytes(),
                &word_ty,
                word_size,
                &Sel::Big,
            );
            let word = format_ident!("__pcap_run{}", r);
            let used =
                mode == Mode::Parse || (run.first..run.end).any(|i| self.needed.contains(&i));
            if used {
                out.extend(quote!(let #word: #word_ty = #load;));
            }
        }
        for i in 0..self.layout.first_dynamic {
            out.extend(self.prefix_field(i, mode, &sel));
        }

        let hlen_code = |at_end: bool| -> TokenStream {
            let Some(len) = &self.input.len else {
                return TokenStream::new();
            };
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
                prefix_len.clone()
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
        };

        let has_dynamic = self.layout.first_dynamic < self.input.fields.len();
        if self.early_len {
            out.extend(hlen_code(false));
            let trunc = self.err(
                "truncated",
                quote!("(header)", 0, __pcap_end, __pcap_bytes.len()),
            );
            out.extend(quote! {
                let (__pcap_buf, __pcap_rest): (&#lt [u8], &#lt [u8]) = match __pcap_bytes.split_at_checked(__pcap_end) {
                    ::core::option::Option::Some(x) => x,
                    ::core::option::Option::None => return #trunc,
                };
            });
        } else {
            out.extend(quote!(let __pcap_buf: &#lt [u8] = __pcap_bytes;));
        }
        if has_dynamic || !self.early_len {
            out.extend(quote!(let mut __pcap_pos: usize = #prefix_len;));
        }
        for i in self.layout.first_dynamic..self.input.fields.len() {
            out.extend(self.dynamic_field(i, mode, &sel));
        }

        if !self.early_len {
            out.extend(hlen_code(true));
            if self.input.len.is_none() {
                out.extend(quote!(let __pcap_end: usize = __pcap_pos;));
            }
            let trunc = self.err(
                "truncated",
                quote!("(header)", 0, __pcap_end, __pcap_bytes.len()),
            );
            out.extend(quote! {
                let (__pcap_buf, __pcap_rest): (&#lt [u8], &#lt [u8]) = match __pcap_bytes.split_at_checked(__pcap_end) {
                    ::core::option::Option::Some(x) => x,
                    ::core::option::Option::None => return #trunc,
                };
            });
        }
        out
    }

    fn prefix_field(&self, i: usize, mode: Mode, sel: &Sel) -> TokenStream {
        let lt = &self.input.lifetime;
        let f = &self.input.fields[i];
        let fsel = Sel::for_field(f, sel);
        let place = self.prefix_place(i);
        let run_word = self.layout.fields[i].run.map(|(r, _)| {
            let w = format_ident!("__pcap_run{}", r);
            quote!(#w)
        });
        let ty = &f.ty;
        let local = Self::local(f);
        let vident = Self::value_ident(f);
        let needed = self.needed.contains(&i);
        let mut out = TokenStream::new();

        if let Some(with) = f.with() {
            // A fixed-size field with a custom decoder: decode when unpacked
            // or needed; the decoder may refuse the bytes.
            let n = self.width_bytes(i);
            let off = &place.off;
            let name = self.name_str();
            let fname = f.name();
            let call = decoded_or_return(
                with,
                quote!(&__pcap_prefix[#off..#off + #n]),
                &name,
                &fname,
                off.clone(),
            );
            if needed {
                out.extend(quote!(let #vident: #ty = #call;));
            }
            if mode == Mode::Parse {
                let value = if needed {
                    quote!(::core::clone::Clone::clone(&#vident))
                } else {
                    call
                };
                let raw = self.raw_fixed(i, &place, &fsel);
                let fv = self.field_value(i, value, raw);
                out.extend(quote!(let #local: ::pcap_core::Field<#lt, #ty> = #fv;));
            }
            return out;
        }

        let value = self.decode_fixed(i, &place, run_word.as_ref(), &fsel);
        if needed {
            out.extend(quote_spanned!(f.ident.span()=> let #vident: #ty = #value;));
        }
        if mode == Mode::Parse {
            let value = if needed {
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

    /// A chunk identifier for dynamic fixed-width fields (a run shares its first field's).
    fn chunk_ident(&self, i: usize) -> Ident {
        let first = match self.layout.fields[i].run {
            Some((r, _)) => self.layout.runs[r].first,
            None => i,
        };
        format_ident!("__pcap_d_{}", self.input.fields[first].ident.unraw())
    }

    fn dynamic_field(&self, i: usize, mode: Mode, sel: &Sel) -> TokenStream {
        let lt = &self.input.lifetime;
        let f = &self.input.fields[i];
        let lay = &self.layout.fields[i];
        let fsel = Sel::for_field(f, sel);
        let ty = &f.ty;
        let local = Self::local(f);
        let needed = self.needed.contains(&i);
        let vident = if needed {
            let v = Self::value_ident(f);
            quote!(#v)
        } else {
            quote!(_)
        };
        let fname = f.name();
        let name = self.name_str();
        let chunk = self.chunk_ident(i);
        let limit_fn = if self.early_len {
            "past_header_len"
        } else {
            "truncated"
        };

        // Read the bytes: a fixed-width chunk (field or whole run) or a slice.
        let run_first = lay.run.map(|(r, _)| self.layout.runs[r].first);
        let starts_chunk = run_first.is_none_or(|first| first == i);
        let mut read = TokenStream::new();
        let fixed_width: Option<TokenStream> = match lay.run {
            Some((r, _)) => {
                let n = self.layout.runs[r].bytes();
                Some(quote!(#n))
            }
            None => lay.width.bytes_expr(),
        };
        let is_variable = fixed_width.is_none();
        let var_slice = format_ident!("__pcap_s_{}", f.ident.unraw());
        let with_value = format_ident!("__pcap_w_{}", f.ident.unraw());

        if let Some(n) = &fixed_width {
            if starts_chunk {
                let trunc = self.err(
                    limit_fn,
                    quote!(#fname, __pcap_pos, __pcap_pos.saturating_add(#n), __pcap_buf.len()),
                );
                read.extend(quote! {
                    let #chunk: &#lt [u8; #n] = match __pcap_buf.get(__pcap_pos..).and_then(|r| r.first_chunk::<{ #n }>()) {
                        ::core::option::Option::Some(a) => a,
                        ::core::option::Option::None => return #trunc,
                    };
                });
            }
        } else {
            // Variable length: `len`, a `with` decoder, or the rest of the header.
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

        // Decode / build the field from the bytes just read.
        let mut use_code = TokenStream::new();
        let advance = match &fixed_width {
            Some(n) => {
                let last_of_chunk = match lay.run {
                    Some((r, _)) => self.layout.runs[r].end == i + 1,
                    None => true,
                };
                if last_of_chunk {
                    quote!(__pcap_pos += #n;)
                } else {
                    TokenStream::new()
                }
            }
            None => quote!(__pcap_pos += __pcap_len;),
        };

        let (value, raw) = if is_variable {
            let endian = fsel.endian_value();
            let raw = quote!(::pcap_core::Raw::new(#var_slice, #endian));
            let value = if let Some(with) = f.with() {
                if f.attrs.len.is_some() {
                    decoded_or_return(with, quote!(#var_slice), &name, &fname, quote!(__pcap_pos))
                } else {
                    quote!(#with_value)
                }
            } else if f.kind == Kind::Slice {
                quote!(#var_slice)
            } else {
                quote!(<#ty as ::pcap_core::Unpack>::unpack(&#raw))
            };
            (value, raw)
        } else {
            let place = Place {
                array: quote!(#chunk),
                off: quote!(0usize),
            };
            let value = if let Some(with) = f.with() {
                let n = self.width_bytes(i);
                decoded_or_return(
                    with,
                    quote!(&#chunk[..#n]),
                    &name,
                    &fname,
                    quote!(__pcap_pos),
                )
            } else {
                self.decode_fixed(i, &place, None, &fsel)
            };
            (value, self.raw_fixed(i, &place, &fsel))
        };

        if needed {
            use_code.extend(quote_spanned!(f.ident.span()=> let __pcap_v: #ty = #value;));
        }
        let value_for_field = if needed {
            quote!(::core::clone::Clone::clone(&__pcap_v))
        } else {
            value
        };
        match mode {
            Mode::Parse => {
                let fv = self.field_value(i, value_for_field, raw);
                use_code.extend(quote!(let __pcap_field: ::pcap_core::Field<#lt, #ty> = #fv;));
            }
            Mode::View => {
                let stored = if is_variable {
                    quote!(#var_slice)
                } else {
                    quote!(#chunk)
                };
                if starts_chunk || is_variable {
                    use_code.extend(quote!(let __pcap_slot = #stored;));
                }
            }
            Mode::Len => {}
        }
        use_code.extend(advance);

        // Present only `when` the condition holds.
        match (&f.attrs.when, mode) {
            (Some(when), _) => {
                let invalid = self.err(
                    "invalid_len",
                    quote!(#fname, __pcap_pos, "the `when` expression overflows"),
                );
                let cond = checked_bool(when, &invalid);
                let (some_field, none_field) = match mode {
                    Mode::Parse => (quote!(__pcap_field), quote!(::pcap_core::Field::Skipped)),
                    Mode::View => (
                        quote!(::core::option::Option::Some(__pcap_slot)),
                        quote!(::core::option::Option::None),
                    ),
                    Mode::Len => (quote!(()), quote!(())),
                };
                let (some_v, none_v) = if needed {
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
            (None, _) => {
                let field_out = match mode {
                    Mode::Parse => quote!(__pcap_field),
                    Mode::View if starts_chunk || is_variable => quote!(__pcap_slot),
                    _ => quote!(()),
                };
                let v_out = if needed { quote!(__pcap_v) } else { quote!(()) };
                quote! {
                    #read
                    let (#local, #vident) = {
                        #use_code
                        (#field_out, #v_out)
                    };
                }
            }
        }
    }

    /// Fields of the struct literal.
    fn struct_fields(&self) -> TokenStream {
        let fields = self.input.fields.iter().map(|f| {
            let ident = f.ident;
            let local = Self::local(f);
            quote!(#ident: #local)
        });
        quote!(#(#fields),*)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Parse,
    View,
    Len,
}

/// Expands a valid schema.
pub fn expand(input: &Input, layout: &Layout) -> TokenStream {
    let g = Gen::new(input, layout);
    let ident = input.ident;
    let vis = input.vis;
    let lt = &input.lifetime;
    let name = ident.to_string();
    let flags_ty = names::flags_type(ident);
    let view_ty = names::view_type(ident);
    let bits_ty = g.bits_type();

    // Flags.
    let mut flag_consts = Vec::new();
    let mut assoc_flag_consts = Vec::new();
    let mut default_bits = 0u128;
    let mut parse_all = 0u128;
    for (i, f) in input.fields.iter().enumerate() {
        let (p, u) = g.flag_bits(i);
        let upper = names::upper(f.ident);
        let parse = format_ident!("PARSE_{}", upper, span = f.ident.span());
        let unpack = format_ident!("UNPACK_{}", upper, span = f.ident.span());
        let pl = g.lit(p);
        let ul = g.lit(p | u);
        let pdoc = format!("PARSE `{}`: read it and keep its raw bytes.", f.ident);
        let udoc = format!("UNPACK `{}`: read and decode it (implies PARSE).", f.ident);
        flag_consts.push(quote! {
            #[doc = #pdoc]
            const #parse = #pl;
            #[doc = #udoc]
            const #unpack = #ul;
        });
        assoc_flag_consts.push(quote! {
            #[doc = #pdoc]
            pub const #parse: #flags_ty = #flags_ty::#parse;
            #[doc = #udoc]
            pub const #unpack: #flags_ty = #flags_ty::#unpack;
        });
        parse_all |= p;
        if f.attrs.default.is_some() {
            default_bits |= p | u;
        }
    }
    let all_bits = if input.fields.len() * 2 >= 128 {
        u128::MAX
    } else {
        (1u128 << (input.fields.len() * 2)) - 1
    };
    let (default_lit, parse_all_lit, all_lit) =
        (g.lit(default_bits), g.lit(parse_all), g.lit(all_bits));

    // Layout constants.
    let spec_consts = input.fields.iter().enumerate().map(|(i, f)| {
        let lay = &layout.fields[i];
        let c = format_ident!("{}", names::upper(f.ident), span = f.ident.span());
        let fname = f.name();
        let display = f.display_name().value;
        let offset = match (&lay.offset, lay.run) {
            (Some(o), Some((r, at))) => {
                let start = layout.fields[layout.runs[r].first].offset.clone().unwrap_or_default().bits_expr();
                let _ = o;
                quote!(::core::option::Option::Some(#start + #at))
            }
            (Some(o), None) => {
                let b = o.bits_expr();
                quote!(::core::option::Option::Some(#b))
            }
            (None, _) => quote!(::core::option::Option::None),
        };
        let width = match lay.width.bits_expr() {
            Some(w) => quote!(::core::option::Option::Some(#w)),
            None => quote!(::core::option::Option::None),
        };
        let doc = format!("Layout of field `{}` (display name `{display}`).", f.ident);
        quote! {
            #[doc = #doc]
            pub const #c: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec { name: #fname, display_name: #display, bit_offset: #offset, bit_width: #width };
        }
    });
    let spec_names = input
        .fields
        .iter()
        .map(|f| format_ident!("{}", names::upper(f.ident)));
    let prefix_len = layout.prefix.bytes_expr();

    // The display name as an inherent constant too, unless a field named
    // `name` already owns `NAME` (its layout); the trait's `NAME` always has it.
    let display = input.display_name().value;
    let name_const = if input.fields.iter().any(|f| names::upper(f.ident) == "NAME") {
        TokenStream::new()
    } else {
        let doc = format!("The header's display name, `{display}` (`Header::NAME`).");
        quote! {
            #[doc = #doc]
            pub const NAME: &'static str = #display;
        }
    };

    // Compile-time checks of user types' widths.
    let type_asserts = input.fields.iter().enumerate().filter_map(|(i, f)| {
        // Checked in a free constant (so `cargo check` reports it), where the
        // struct's lifetime is not in scope: `'static` stands in for it.
        let ty = &static_lifetime(&f.ty, lt);
        if f.kind != Kind::Custom || f.with().is_some() {
            return None;
        }
        let lay = &layout.fields[i];
        let span = f.full_ty;
        match (&f.attrs.bits, &f.attrs.bytes, &lay.width) {
            (Some(b), _, _) => {
                let b = b.value;
                let msg = format!(
                    "field `{}`: `bits = {b}` is wider than the type's Unpack::WIRE_BITS",
                    f.ident
                );
                Some(quote_spanned! {syn::spanned::Spanned::span(span)=>
                    const _: () = ::core::assert!(::pcap_core::__private::fits::<#ty>(#b), #msg);
                })
            }
            (_, Some(b), _) => {
                let bits = b.value * 8;
                let msg = format!(
                    "field `{}`: `bytes = {}` is wider than the type's Unpack::WIRE_BITS",
                    f.ident, b.value
                );
                Some(quote_spanned! {syn::spanned::Spanned::span(span)=>
                    const _: () = ::core::assert!(::pcap_core::__private::fits::<#ty>(#bits), #msg);
                })
            }
            _ => None,
        }
    });

    let parse_walk = g.walk(Mode::Parse);
    let fields_lit = g.struct_fields();
    let len_walk = g.walk(Mode::Len);
    let view_walk = g.walk(Mode::View);

    // View slots and accessors.
    let mut view_fields = Vec::new();
    let mut view_inits = Vec::new();
    let mut accessors = Vec::new();
    let view_sel = Sel::Value(quote!(self.__pcap_endian));
    for (i, f) in input.fields.iter().enumerate() {
        let lay = &layout.fields[i];
        let fident = f.ident;
        let ty = &f.ty;
        let doc = format!("Field `{}`, decoded now.", f.ident);
        let fsel = Sel::for_field(f, &view_sel);
        let local = Gen::local(f);
        let when = f.attrs.when.is_some();
        if lay.in_prefix {
            let place = g.prefix_place(i);
            let place = Place {
                array: quote!(self.__pcap_prefix),
                off: place.off,
            };
            if let Some(with) = f.with() {
                let n = g.width_bytes(i);
                let off = &place.off;
                let fname = f.name();
                let call = decoded_result(
                    with,
                    quote!(&self.__pcap_prefix[#off..#off + #n]),
                    &name,
                    &fname,
                    off.clone(),
                );
                accessors.push(quote! {
                    #[doc = #doc]
                    #[inline]
                    pub fn #fident(&self) -> ::core::result::Result<#ty, ::pcap_core::Error> {
                        #call
                    }
                });
            } else {
                let value = g.decode_fixed(i, &place, None, &fsel);
                accessors.push(quote! {
                    #[doc = #doc]
                    #[inline]
                    pub fn #fident(&self) -> #ty { #value }
                });
            }
            continue;
        }
        // Dynamic: a slot per chunk or slice.
        let chunk = g.chunk_ident(i);
        let is_var = lay.width.bytes_expr().is_none() && lay.run.is_none();
        let starts = lay.run.is_none_or(|(r, _)| layout.runs[r].first == i);
        if starts || is_var {
            let slot_ty = if is_var {
                quote!(&#lt [u8])
            } else {
                let n = match lay.run {
                    Some((r, _)) => {
                        let n = layout.runs[r].bytes();
                        quote!(#n)
                    }
                    None => g.width_bytes(i),
                };
                quote!(&#lt [u8; #n])
            };
            let slot_ty = if when {
                quote!(::core::option::Option<#slot_ty>)
            } else {
                slot_ty
            };
            view_fields.push(quote!(#chunk: #slot_ty));
            view_inits.push(quote!(#chunk: #local));
        }
        let chunk_expr = if when {
            quote!(__pcap_c)
        } else {
            quote!(self.#chunk)
        };
        let body = if is_var {
            let endian = fsel.endian_value();
            if let Some(with) = f.with() {
                let off =
                    quote!(::pcap_core::__private::offset_in(self.__pcap_header, #chunk_expr));
                decoded_result(with, quote!(#chunk_expr), &name, &f.name(), off)
            } else if f.kind == Kind::Slice {
                quote!(#chunk_expr)
            } else {
                quote!(<#ty as ::pcap_core::Unpack>::unpack(&::pcap_core::Raw::new(#chunk_expr, #endian)))
            }
        } else {
            let place = Place {
                array: chunk_expr.clone(),
                off: quote!(0usize),
            };
            if let Some(with) = f.with() {
                let off =
                    quote!(::pcap_core::__private::offset_in(self.__pcap_header, &#chunk_expr[..]));
                decoded_result(with, quote!(&#chunk_expr[..]), &name, &f.name(), off)
            } else {
                g.decode_fixed(i, &place, None, &fsel)
            }
        };
        let ret_ty = if f.with().is_some() {
            quote!(::core::result::Result<#ty, ::pcap_core::Error>)
        } else {
            quote!(#ty)
        };
        if when {
            let slot = quote!(self.#chunk);
            accessors.push(quote! {
                #[doc = #doc]
                #[doc = ""]
                #[doc = "`None` when the field's `when` condition was false."]
                #[inline]
                pub fn #fident(&self) -> ::core::option::Option<#ret_ty> {
                    match #slot {
                        ::core::option::Option::Some(__pcap_c) => ::core::option::Option::Some(#body),
                        ::core::option::Option::None => ::core::option::Option::None,
                    }
                }
            });
        } else {
            accessors.push(quote! {
                #[doc = #doc]
                #[inline]
                pub fn #fident(&self) -> #ret_ty { #body }
            });
        }
    }
    // Let run members after the first share the first member's slot.
    let default_endian = match input.endian {
        EndianAttr::Little => quote!(::pcap_core::Endian::Little),
        _ => quote!(::pcap_core::Endian::Big),
    };
    let default_order = match input.endian {
        EndianAttr::Little => quote!(::pcap_core::LittleEndian),
        _ => quote!(::pcap_core::BigEndian),
    };
    let view_doc = format!(
        "A lazy view of a [`{ident}`]: bounds checked once by `{ident}::view`, fields decoded on access."
    );
    let flags_doc = format!("PARSE and UNPACK flags for the fields of [`{ident}`].");

    quote! {
        ::pcap_core::__private::bitflags::bitflags! {
            #[doc = #flags_doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #vis struct #flags_ty: #bits_ty {
                #(#flag_consts)*
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

        #(#type_asserts)*

        #[allow(dead_code)]
        impl<#lt> #ident<#lt> {

            #(#assoc_flag_consts)*
            /// No field: only what is needed to find the header's end is read.
            pub const NONE: #flags_ty = #flags_ty::NONE;
            /// UNPACK of the fields marked `#[field(default)]`.
            pub const DEFAULT: #flags_ty = #flags_ty::DEFAULT;
            /// PARSE of every field.
            pub const PARSE_ALL: #flags_ty = #flags_ty::PARSE_ALL;
            /// UNPACK of every field.
            pub const ALL: #flags_ty = #flags_ty::ALL;

            #name_const
            #(#spec_consts)*

            /// Every field's layout, in declaration order.
            pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[#(Self::#spec_names),*];
            /// Length in bytes of the constant-layout prefix.
            pub const FIXED_LEN: usize = #prefix_len;

            /// Parses the header in its declared byte order; returns it and the bytes after it.
            #[inline]
            pub fn parse(bytes: &#lt [u8], flags: #flags_ty) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                Self::__pcap_parse::<#default_order>(bytes, flags)
            }

            /// Parses with `endian` for every whole-byte field without an `endian` of its own.
            #[inline]
            pub fn parse_endian(bytes: &#lt [u8], flags: #flags_ty, endian: ::pcap_core::Endian) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                match endian {
                    ::pcap_core::Endian::Big => Self::__pcap_parse::<::pcap_core::BigEndian>(bytes, flags),
                    ::pcap_core::Endian::Little => Self::__pcap_parse::<::pcap_core::LittleEndian>(bytes, flags),
                }
            }

            /// [`Self::parse_endian`] with the byte order as a type: readers
            /// that fix the order once per file call this in their hot loop.
            #[inline]
            pub fn parse_as<__E: ::pcap_core::ByteOrder>(bytes: &#lt [u8], flags: #flags_ty) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                Self::__pcap_parse::<__E>(bytes, flags)
            }

            /// The header's length, reading only what its `len` needs.
            #[inline]
            pub fn header_len(bytes: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
                #ident::__pcap_header_len::<#default_order>(bytes)
            }

            /// [`Self::header_len`] in the given byte order.
            #[inline]
            pub fn header_len_endian(bytes: &[u8], endian: ::pcap_core::Endian) -> ::core::result::Result<usize, ::pcap_core::Error> {
                match endian {
                    ::pcap_core::Endian::Big => #ident::__pcap_header_len::<::pcap_core::BigEndian>(bytes),
                    ::pcap_core::Endian::Little => #ident::__pcap_header_len::<::pcap_core::LittleEndian>(bytes),
                }
            }

            /// A lazy view: bounds are checked once, here.
            #[inline]
            pub fn view(bytes: &#lt [u8]) -> ::core::result::Result<#view_ty<#lt>, ::pcap_core::Error> {
                Self::view_endian(bytes, #default_endian)
            }

            /// A lazy view reading whole-byte fields in `endian`.
            #[inline]
            pub fn view_endian(bytes: &#lt [u8], endian: ::pcap_core::Endian) -> ::core::result::Result<#view_ty<#lt>, ::pcap_core::Error> {
                match endian {
                    ::pcap_core::Endian::Big => Self::__pcap_view::<::pcap_core::BigEndian>(bytes),
                    ::pcap_core::Endian::Little => Self::__pcap_view::<::pcap_core::LittleEndian>(bytes),
                }
            }

            // Inlined into `parse`/`parse_endian`, themselves inlined into
            // callers: with constant flags, the per-field flag tests fold away.
            #[inline]
            #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
            fn __pcap_parse<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8], __pcap_flags: #flags_ty) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                let __pcap_flags: #bits_ty = __pcap_flags.bits();
                #parse_walk
                ::core::result::Result::Ok((#ident { #fields_lit }, __pcap_rest))
            }

            #[inline]
            #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
            fn __pcap_header_len<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
                #len_walk
                ::core::result::Result::Ok(__pcap_buf.len())
            }

            #[inline]
            #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
            fn __pcap_view<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8]) -> ::core::result::Result<#view_ty<#lt>, ::pcap_core::Error> {
                #view_walk
                ::core::result::Result::Ok(#view_ty {
                    __pcap_prefix,
                    __pcap_header: __pcap_buf,
                    __pcap_payload: __pcap_rest,
                    __pcap_endian: <__E as ::pcap_core::ByteOrder>::ENDIAN,
                    #(#view_inits,)*
                })
            }
        }

        #[doc = #view_doc]
        #[derive(Clone, Copy)]
        #vis struct #view_ty<#lt> {
            __pcap_prefix: &#lt [u8; #prefix_len],
            __pcap_header: &#lt [u8],
            __pcap_payload: &#lt [u8],
            __pcap_endian: ::pcap_core::Endian,
            #(#view_fields,)*
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

        impl<#lt> ::pcap_core::Header<#lt> for #ident<#lt> {
            type Flags = #flags_ty;
            type View = #view_ty<#lt>;
            const NAME: &'static str = #display;
            const FIELDS: &'static [::pcap_core::FieldSpec] = #ident::FIELDS;
            const FIXED_LEN: usize = #ident::FIXED_LEN;
            const DEFAULT: #flags_ty = #flags_ty::DEFAULT;

            #[inline]
            fn parse(bytes: &#lt [u8], flags: #flags_ty) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                #ident::parse(bytes, flags)
            }
            #[inline]
            fn parse_endian(bytes: &#lt [u8], flags: #flags_ty, endian: ::pcap_core::Endian) -> ::core::result::Result<(Self, &#lt [u8]), ::pcap_core::Error> {
                #ident::parse_endian(bytes, flags, endian)
            }
            #[inline]
            fn header_len(bytes: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
                #ident::header_len(bytes)
            }
            #[inline]
            fn header_len_endian(bytes: &[u8], endian: ::pcap_core::Endian) -> ::core::result::Result<usize, ::pcap_core::Error> {
                #ident::header_len_endian(bytes, endian)
            }
            #[inline]
            fn view(bytes: &#lt [u8]) -> ::core::result::Result<#view_ty<#lt>, ::pcap_core::Error> {
                #ident::view(bytes)
            }
        }
    }
}

/// `ty` with the struct's lifetime replaced by `'static`.
fn static_lifetime(ty: &syn::Type, lt: &syn::Lifetime) -> syn::Type {
    struct Replace<'l>(&'l syn::Lifetime);
    impl syn::visit_mut::VisitMut for Replace<'_> {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident == self.0.ident {
                *l = syn::Lifetime::new("'static", l.span());
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Replace(lt), &mut ty);
    ty
}

/// `with(bytes)`'s value; a decoder error returns from the parser, located
/// in the field (`off` is the field's offset from the header start).
fn decoded_or_return(
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
fn decoded_result(
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
