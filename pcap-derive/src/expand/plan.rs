//! The plan: what each field needs in `parse`, `header_len` and the view,
//! computed once from the model and the layout, then read by every emitter.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;
use syn::ext::IdentExt;

use crate::ast::{FieldDef, Input};
use crate::expr::referenced_idents;
use crate::layout::Layout;

/// Where a field's bytes are found once the header's bounds are checked.
pub(super) enum Bytes {
    /// In the constant-layout prefix.
    Prefix {
        /// Byte offset of the field, or of its run's first byte.
        off: TokenStream,
        /// The local holding its run's loaded word (bit fields).
        run_word: Option<Ident>,
    },
    /// In a fixed-width chunk after the prefix (a whole run shares one).
    Chunk {
        /// The chunk's local in the walk and its slot in the view.
        slot: Ident,
        /// The chunk's byte count.
        width: TokenStream,
        /// This field reads the chunk (first of its run, or not in a run).
        starts: bool,
        /// This field advances past the chunk (last of its run, or not in a run).
        ends: bool,
    },
    /// In a variable-length slice after the prefix.
    Slice {
        /// The slice's slot in the view.
        slot: Ident,
        /// The slice's local in the walk.
        local: Ident,
    },
}

/// What one field needs from every emitter.
pub(super) struct FieldPlan<'i, 'a> {
    /// Position in declaration order (flags bits, layout entry).
    pub index: usize,
    pub field: &'i FieldDef<'a>,
    /// Named by a `len`/`when` expression: always decoded, bound under its name.
    pub needed: bool,
    /// The walk's local holding what the field produces (`Field`, slot or `()`).
    pub local: Ident,
    pub bytes: Bytes,
}

impl FieldPlan<'_, '_> {
    /// The field's bytes are a variable-length slice.
    pub(super) fn is_variable(&self) -> bool {
        matches!(self.bytes, Bytes::Slice { .. })
    }

    /// The view keeps a slot for this field (it starts a chunk or is a slice).
    pub(super) fn has_slot(&self) -> bool {
        match self.bytes {
            Bytes::Prefix { .. } => false,
            Bytes::Chunk { starts, .. } => starts,
            Bytes::Slice { .. } => true,
        }
    }

    /// The view's slot for this field's chunk or slice (dynamic fields only).
    pub(super) fn slot(&self) -> Option<&Ident> {
        match &self.bytes {
            Bytes::Prefix { .. } => None,
            Bytes::Chunk { slot, .. } | Bytes::Slice { slot, .. } => Some(slot),
        }
    }
}

/// The whole header's plan: the model, its layout and one plan per field.
pub(super) struct Plan<'i, 'a> {
    pub input: &'i Input<'a>,
    pub layout: &'i Layout,
    /// The header `len` can be computed right after the prefix.
    pub early_len: bool,
    pub fields: Vec<FieldPlan<'i, 'a>>,
}

impl<'i, 'a> Plan<'i, 'a> {
    /// Plans every field of a valid schema.
    pub(super) fn new(input: &'i Input<'a>, layout: &'i Layout) -> Self {
        let index = |name: &str| input.fields.iter().position(|f| f.name() == name);
        let mut needed = vec![false; input.fields.len()];
        for f in &input.fields {
            for e in [&f.attrs.len, &f.attrs.when].into_iter().flatten() {
                for i in referenced_idents(e)
                    .iter()
                    .filter_map(|i| index(&i.unraw().to_string()))
                {
                    needed[i] = true;
                }
            }
        }
        let mut early_len = true;
        if let Some(len) = &input.len {
            for i in referenced_idents(len)
                .iter()
                .filter_map(|i| index(&i.unraw().to_string()))
            {
                needed[i] = true;
                early_len &= i < layout.first_dynamic;
            }
        }
        let fields = input
            .fields
            .iter()
            .enumerate()
            .map(|(i, field)| FieldPlan {
                index: i,
                field,
                needed: needed[i],
                local: format_ident!("__pcap_f_{}", field.ident.unraw()),
                bytes: bytes_of(input, layout, i),
            })
            .collect();
        Plan {
            input,
            layout,
            early_len: early_len && input.len.is_some(),
            fields,
        }
    }

    /// The struct's name, as error messages give it.
    pub(super) fn name_str(&self) -> String {
        self.input.ident.to_string()
    }

    /// Field `i`'s PARSE and UNPACK bits.
    pub(super) fn flag_bits(&self, i: usize) -> (u128, u128) {
        (1u128 << (2 * i), 1u128 << (2 * i + 1))
    }

    /// The flags' integer type: two bits per field.
    pub(super) fn bits_type(&self) -> Ident {
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

    /// A flags literal of the flags' integer type.
    pub(super) fn lit(&self, v: u128) -> TokenStream {
        let ty = self.bits_type();
        let v = proc_macro2::Literal::u128_unsuffixed(v);
        quote!((#v as #ty))
    }

    /// The byte count of field `i` as a constant expression.
    pub(super) fn width_bytes(&self, i: usize) -> TokenStream {
        self.layout.fields[i]
            .width
            .bytes_expr()
            .unwrap_or_else(|| quote!(0usize))
    }

    /// `Err(__private::kind(name, args))`.
    pub(super) fn err(&self, kind: &str, args: TokenStream) -> TokenStream {
        let name = self.name_str();
        let func = format_ident!("{}", kind);
        quote!(::core::result::Result::Err(::pcap_core::__private::#func(#name, #args)))
    }
}

/// Where field `i`'s bytes are (see [`Bytes`]).
fn bytes_of(input: &Input, layout: &Layout, i: usize) -> Bytes {
    let lay = &layout.fields[i];
    if lay.in_prefix {
        let start = match lay.run {
            Some((r, _)) => layout.fields[layout.runs[r].first].offset.clone(),
            None => lay.offset.clone(),
        };
        return Bytes::Prefix {
            off: start
                .map(|o| o.bytes_expr())
                .unwrap_or_else(|| quote!(0usize)),
            run_word: lay.run.map(|(r, _)| format_ident!("__pcap_run{}", r)),
        };
    }
    // A run's chunk is named after its first field.
    let first = match lay.run {
        Some((r, _)) => layout.runs[r].first,
        None => i,
    };
    let slot = format_ident!("__pcap_d_{}", input.fields[first].ident.unraw());
    let width = match lay.run {
        Some((r, _)) => {
            let n = layout.runs[r].bytes();
            Some(quote!(#n))
        }
        None => lay.width.bytes_expr(),
    };
    match width {
        Some(width) => Bytes::Chunk {
            slot,
            width,
            starts: first == i,
            ends: lay.run.is_none_or(|(r, _)| layout.runs[r].end == i + 1),
        },
        None => Bytes::Slice {
            slot,
            local: format_ident!("__pcap_s_{}", input.fields[i].ident.unraw()),
        },
    }
}
