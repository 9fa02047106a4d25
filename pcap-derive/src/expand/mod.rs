//! Code generation: the flags type, the layout constants, `parse`,
//! `header_len`, the lazy view, the lax prefix parse, the field visitor and
//! the `Header` impl.
//!
//! [`plan::Plan`] is computed once per header (what each field needs in
//! each generated function); each file below emits one part from it:
//!
//! - `flags`: the flags type and its constants;
//! - `asserts`: compile-time width checks of user types;
//! - `specs`: `NAME`, the `FieldSpec` constants, `FIELDS`, `FIXED_LEN`;
//! - `api`: the public `parse*`/`header_len*`/`view*` and the `Header` impl;
//! - `walk` (and `dynamic`, one field after the prefix): the bounds-checking
//!   walk shared by the three generic functions,
//!   `parse` (`__pcap_parse`), `header_len` (`__pcap_header_len`) and
//!   `view` (`__pcap_view`, the view struct and its accessors);
//! - `decode` and `load`: one field's value or `Raw` from checked bytes;
//! - `prefix`: the lax prefix parse (`parse_prefix`), strict parse first,
//!   then a field-by-field walk that cannot fail;
//! - `visit`: the field visitor (`visit`, `visit_bytes`).
//!
//! Every generated path is absolute (`::core::...`, `::pcap_core::...`) and
//! every generated local starts with `__pcap_` (see `names`), so the output
//! compiles under `#![no_implicit_prelude]` and cannot capture user names.
//! Field values referenced by `len`/`when` expressions are bound under the
//! field's own name, with the field's span, so user expressions see them.

mod api;
mod asserts;
mod decode;
mod dynamic;
mod flags;
mod header_len;
mod load;
mod parse;
mod plan;
mod prefix;
mod specs;
mod view;
mod visit;
mod walk;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Input;
use crate::layout::Layout;

/// Expands a valid schema.
pub fn expand(input: &Input, layout: &Layout) -> TokenStream {
    let plan = plan::Plan::new(input, layout);
    let ident = input.ident;
    let lt = &input.lifetime;
    let flags_type = plan.flags_type();
    let type_asserts = plan.type_asserts();
    let assoc_flags = plan.assoc_flags();
    let layout_consts = plan.layout_consts();
    let entry_points = plan.entry_points();
    let parse_fn = plan.parse_fn();
    let header_len_fn = plan.header_len_fn();
    let view_fn = plan.view_fn();
    let prefix_fns = plan.prefix_fns();
    let visit_fns = plan.visit_fns();
    let view_type = plan.view_type();
    let header_impl = plan.header_impl();
    quote! {
        #flags_type

        #type_asserts

        #[allow(dead_code)]
        impl<#lt> #ident<#lt> {
            #assoc_flags
            #layout_consts
            #entry_points
            #parse_fn
            #header_len_fn
            #view_fn
            #prefix_fns
            #visit_fns
        }

        #view_type

        #header_impl
    }
}
