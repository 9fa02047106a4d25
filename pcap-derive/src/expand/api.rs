//! The public surface over the generic functions: `parse*`, `header_len*`
//! and `view*` as inherent methods, and the `Header` impl forwarding to them
//! (and to the inherent `visit`, `parse_prefix` and `visit_bytes`).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::attr::EndianAttr;
use crate::names;

impl Plan<'_, '_> {
    /// The inherent `parse*`, `header_len*` and `view*` methods.
    pub(super) fn entry_points(&self) -> TokenStream {
        let ident = self.input.ident;
        let lt = &self.input.lifetime;
        let flags_ty = names::flags_type(ident);
        let view_ty = names::view_type(ident);
        let default_endian = match self.input.endian {
            EndianAttr::Little => quote!(::pcap_core::Endian::Little),
            _ => quote!(::pcap_core::Endian::Big),
        };
        let default_order = match self.input.endian {
            EndianAttr::Little => quote!(::pcap_core::LittleEndian),
            _ => quote!(::pcap_core::BigEndian),
        };
        quote! {
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
        }
    }

    /// `impl Header for Name`, forwarding to the inherent items.
    pub(super) fn header_impl(&self) -> TokenStream {
        let ident = self.input.ident;
        let lt = &self.input.lifetime;
        let flags_ty = names::flags_type(ident);
        let view_ty = names::view_type(ident);
        let display = self.input.display_name().value;
        let visitor = super::visit::visitor_type();
        quote! {
            impl<#lt> ::pcap_core::Header<#lt> for #ident<#lt> {
                type Flags = #flags_ty;
                type View = #view_ty<#lt>;
                const NAME: &'static str = #display;
                const FIELDS: &'static [::pcap_core::FieldSpec] = #ident::FIELDS;
                const FIXED_LEN: usize = #ident::FIXED_LEN;
                const DEFAULT: #flags_ty = #flags_ty::DEFAULT;
                const ALL: #flags_ty = #flags_ty::ALL;

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
                #[inline]
                fn visit(&self, visit: #visitor) {
                    #ident::visit(self, visit)
                }
                #[inline]
                fn parse_prefix(bytes: &#lt [u8], flags: #flags_ty, endian: ::pcap_core::Endian) -> Self {
                    #ident::parse_prefix(bytes, flags, endian)
                }
                #[inline]
                fn visit_bytes(bytes: &[u8], endian: ::pcap_core::Endian, visit: #visitor) -> bool {
                    #ident::visit_bytes(bytes, endian, visit)
                }
            }
        }
    }
}
