//! # pcap-derive
//!
//! `#[derive(Header)]` turns an annotated struct of `Field<'a, T>` into a
//! packet-header parser with per-field PARSE and UNPACK flags, constant
//! field offsets, skip-ahead (`header_len`), a lazy view, and compile errors
//! for bad schemas. Use it through `pcap_core`, which re-exports it and holds
//! the runtime types the generated code names; see `pcap_core`'s docs and
//! the README's schema tutorial.
//!
//! The pipeline, one file per stage (after serde_derive): `attr` parses the
//! attributes, `ast` builds the spanned model (`display` resolves display names), `layout` computes positions
//! and bit runs, `check` validates (all rules, all errors), `expand` emits
//! code (a per-field plan, then one small emitter per generated part), and `fallback` emits stubs next to the errors.

mod ast;
mod attr;
mod check;
mod ctxt;
mod display;
mod expand;
mod expr;
mod fallback;
mod layout;
mod names;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use syn::{DeriveInput, parse_macro_input};

/// Derives a packet-header parser. See `pcap_core` for the attributes and
/// for what is generated.
#[proc_macro_derive(Header, attributes(header, field))]
pub fn derive_header(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

/// The derive on `proc_macro2` tokens (testable outside a compiler run).
fn derive(input: &DeriveInput) -> TokenStream2 {
    let cx = ctxt::Ctxt::default();
    let expanded = ast::from_input(&cx, input).map(|model| {
        let layout = layout::compute(&model);
        check::check(&cx, &model, &layout);
        if cx.has_errors() {
            TokenStream2::new()
        } else {
            expand::expand(&model, &layout)
        }
    });
    match cx.check() {
        Ok(()) => expanded.unwrap_or_default(),
        Err(errors) => {
            let compile_errors = errors.to_compile_error();
            let stubs = fallback::stubs(input);
            quote::quote!(#compile_errors #stubs)
        }
    }
}

#[cfg(test)]
mod expand_tests;
