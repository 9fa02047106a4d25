//! The layout constants: the display `NAME`, one `FieldSpec` per field
//! (bit offset and width), `FIELDS` and `FIXED_LEN`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::plan::{FieldPlan, Plan};
use crate::attr::DisplayAttr;
use crate::names;

impl Plan<'_, '_> {
    /// The header's layout constants, as associated items.
    pub(super) fn layout_consts(&self) -> TokenStream {
        // The display name as an inherent constant too, unless a field named
        // `name` already owns `NAME` (its layout); the trait's `NAME` always has it.
        let display = self.input.display_name().value;
        let name_const = if self
            .input
            .fields
            .iter()
            .any(|f| names::upper(f.ident) == "NAME")
        {
            TokenStream::new()
        } else {
            let doc = format!("The header's display name, `{display}` (`Header::NAME`).");
            quote! {
                #[doc = #doc]
                pub const NAME: &'static str = #display;
            }
        };
        let specs = self.fields.iter().map(|p| self.field_spec(p));
        let spec_names = self
            .input
            .fields
            .iter()
            .map(|f| format_ident!("{}", names::upper(f.ident)));
        let prefix_len = self.layout.prefix.bytes_expr();
        quote! {
            #name_const
            #(#specs)*

            /// Every field's layout, in declaration order.
            pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[#(Self::#spec_names),*];
            /// Length in bytes of the constant-layout prefix.
            pub const FIXED_LEN: usize = #prefix_len;
        }
    }

    /// The `FieldSpec` constant of one field.
    fn field_spec(&self, p: &FieldPlan) -> TokenStream {
        let f = p.field;
        let layout = self.layout;
        let lay = &layout.fields[p.index];
        let c = format_ident!("{}", names::upper(f.ident), span = f.ident.span());
        let fname = f.name();
        let display = f.display_name().value;
        let offset = match (&lay.offset, lay.run) {
            (Some(_), Some((r, at))) => {
                let start = layout.fields[layout.runs[r].first]
                    .offset
                    .clone()
                    .unwrap_or_default()
                    .bits_expr();
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
        let shown = match f.attrs.display.as_ref().map(|d| d.value) {
            None => quote!(::pcap_core::Display::Default),
            Some(DisplayAttr::Dec) => quote!(::pcap_core::Display::Dec),
            Some(DisplayAttr::Hex) => quote!(::pcap_core::Display::Hex),
        };
        quote! {
            #[doc = #doc]
            pub const #c: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec { name: #fname, display_name: #display, bit_offset: #offset, bit_width: #width, display: #shown };
        }
    }
}
