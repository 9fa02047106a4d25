//! placeholder
use proc_macro::TokenStream;
#[proc_macro_derive(Header, attributes(header, field))]
pub fn derive_header(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
