//! The layout pass: each field's width and position, runs of bit fields,
//! and the constant-layout prefix. Positions are known at compile time up to
//! the first field whose length depends on data (`len`, `with`, a final
//! `&[u8]`) or whose presence does (`when`); the prefix before it is read
//! with one bounds check.
//!
//! Widths of user types come from `<T as Unpack>::WIRE_BITS`, which the
//! macro cannot evaluate, so an offset is a number of bits plus a list of
//! symbolic byte counts, emitted as constant expressions.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{FieldDef, Input, Kind};

/// A constant position: `bits` plus the sum of symbolic byte counts.
#[derive(Clone, Default)]
pub struct Offset {
    pub bits: usize,
    pub syms: Vec<TokenStream>,
}

impl Offset {
    /// The position in bytes, as a constant expression (bit positions inside
    /// a run are handled by the run).
    pub fn bytes_expr(&self) -> TokenStream {
        let bytes = self.bits / 8;
        let syms = &self.syms;
        quote!((#bytes #(+ #syms)*))
    }

    /// The position in bits, as a constant expression.
    pub fn bits_expr(&self) -> TokenStream {
        let bits = self.bits;
        let syms = &self.syms;
        quote!((#bits #(+ (#syms) * 8)*))
    }

    fn advance(&mut self, width: &Width) {
        match width {
            Width::Bits(b) => self.bits += b,
            Width::Bytes(e) => self.syms.push(e.clone()),
            Width::Var => {}
        }
    }
}

/// A field's width.
#[derive(Clone)]
pub enum Width {
    /// Known to the macro, in bits.
    Bits(usize),
    /// A constant expression in bytes (a user type's `WIRE_BITS / 8`).
    Bytes(TokenStream),
    /// Depends on data.
    Var,
}

impl Width {
    pub fn bits_expr(&self) -> Option<TokenStream> {
        match self {
            Width::Bits(b) => Some(quote!(#b)),
            Width::Bytes(e) => Some(quote!((#e) * 8)),
            Width::Var => None,
        }
    }

    pub fn bytes_expr(&self) -> Option<TokenStream> {
        match self {
            Width::Bits(b) => {
                let n = b.div_ceil(8);
                Some(quote!(#n))
            }
            Width::Bytes(e) => Some(e.clone()),
            Width::Var => None,
        }
    }
}

/// A run of consecutive bit fields, loaded as one integer.
pub struct Run {
    /// Index of the first field of the run.
    pub first: usize,
    /// One past the last field.
    pub end: usize,
    /// Total width in bits (a multiple of 8 when the schema is valid).
    pub bits: usize,
}

impl Run {
    pub fn bytes(&self) -> usize {
        self.bits.div_ceil(8)
    }
}

/// Where and how wide one field is.
pub struct FieldLayout {
    pub width: Width,
    /// The position for `FieldSpec`, when constant.
    pub offset: Option<Offset>,
    /// The run this bit field belongs to, and its bit position inside the run.
    pub run: Option<(usize, usize)>,
    /// Whether the field lies in the constant prefix.
    pub in_prefix: bool,
}

/// The whole layout.
pub struct Layout {
    pub fields: Vec<FieldLayout>,
    pub runs: Vec<Run>,
    /// Length of the constant prefix.
    pub prefix: Offset,
    /// Index of the first field outside the prefix (`fields.len()` if none).
    pub first_dynamic: usize,
}

/// The width of a field as the layout sees it.
pub fn width_of(field: &FieldDef) -> Width {
    if let Some(bits) = field.known_bits() {
        return Width::Bits(bits);
    }
    if field.attrs.len.is_some() || field.attrs.with.is_some() || field.kind == Kind::Slice {
        return Width::Var;
    }
    let ty = &field.ty;
    Width::Bytes(quote!(::pcap_core::__private::wire_bytes::<#ty>()))
}

/// Computes the layout (assumes nothing about validity: `check` reports the mistakes).
pub fn compute(input: &Input) -> Layout {
    let mut fields = Vec::with_capacity(input.fields.len());
    let mut runs: Vec<Run> = Vec::new();
    let mut pos = Some(Offset::default());
    let mut prefix_open = true;
    let mut prefix = Offset::default();
    let mut first_dynamic = input.fields.len();

    for (i, field) in input.fields.iter().enumerate() {
        let width = width_of(field);
        let run = if field.is_bit_field() {
            let bits = match width {
                Width::Bits(b) => b,
                _ => 0,
            };
            match runs.last_mut() {
                // A run is a maximal sequence of bit fields, split at a byte
                // boundary where it would outgrow one 64-bit load.
                Some(r) if r.end == i && !(r.bits % 8 == 0 && r.bits + bits > 64) => {
                    let at = r.bits;
                    r.end = i + 1;
                    r.bits += bits;
                    Some((runs.len() - 1, at))
                }
                _ => {
                    runs.push(Run {
                        first: i,
                        end: i + 1,
                        bits,
                    });
                    Some((runs.len() - 1, 0))
                }
            }
        } else {
            None
        };

        let dynamic_here = field.attrs.when.is_some() || matches!(width, Width::Var);
        if prefix_open && dynamic_here {
            prefix_open = false;
            first_dynamic = i;
            // A run that started in the prefix must stay whole; `check`
            // forbids `when`/variable fields inside runs, so this is a field
            // boundary on a byte boundary.
        }
        let in_prefix = prefix_open;

        fields.push(FieldLayout {
            width: width.clone(),
            offset: pos.clone(),
            run,
            in_prefix,
        });

        if let Some(p) = pos.as_mut() {
            p.advance(&width);
        }
        if in_prefix {
            prefix = pos.clone().unwrap_or_default();
        }
        if dynamic_here {
            pos = None;
        }
    }

    // A run straddling the prefix end cannot happen for valid schemas; if the
    // prefix ends inside a run (invalid schema), `check` has reported it.
    Layout {
        fields,
        runs,
        prefix,
        first_dynamic,
    }
}
