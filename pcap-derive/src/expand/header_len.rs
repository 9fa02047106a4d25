//! `__pcap_header_len`: the walk in [`Mode::Len`], which reads only the
//! fields the header's end depends on.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::walk::Mode;

impl Plan<'_, '_> {
    /// The generic skip-ahead every public `header_len*` calls.
    pub(super) fn header_len_fn(&self) -> TokenStream {
        let lt = &self.input.lifetime;
        let walk = self.walk(Mode::Len);
        quote! {
            #[inline]
            #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
            fn __pcap_header_len<__E: ::pcap_core::ByteOrder>(__pcap_bytes: &#lt [u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
                #walk
                ::core::result::Result::Ok(__pcap_buf.len())
            }
        }
    }
}
