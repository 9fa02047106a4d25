//! Display names: `#[header(name = "ip")]` and `#[field(name = "ttl")]`,
//! which combine into tshark-style full names (`ip.ttl`).
//!
//! One grammar for both, tshark's: one or more segments of lower-case ASCII
//! letters, digits and `_`, separated by single dots (`ip`, `ttl`,
//! `flags.mf`, `count.answers`). A field's name may have dots because
//! tshark's do (`ip.flags.mf` is the `flags.mf` field of layer `ip`).

use proc_macro2::Span;

/// A resolved display name, with where it came from for error messages.
pub struct DisplayName {
    pub value: String,
    pub span: Span,
    /// Whether it was written as `name = "..."` (else it is the default
    /// from the Rust name).
    pub explicit: bool,
}

/// The name from the attribute, or the Rust name in lower case.
pub fn resolve(attr: Option<&syn::LitStr>, ident: &syn::Ident) -> DisplayName {
    match attr {
        Some(lit) => DisplayName {
            value: lit.value(),
            span: lit.span(),
            explicit: true,
        },
        None => DisplayName {
            value: syn::ext::IdentExt::unraw(ident).to_string().to_lowercase(),
            span: ident.span(),
            explicit: false,
        },
    }
}

/// Why `name` is not a valid display name, if it is not.
pub fn problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some(String::from("it is empty"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '_' | '.'))
    {
        return Some(format!("{c:?} is not allowed"));
    }
    if name.split('.').any(str::is_empty) {
        return Some(String::from(
            "a dot must stand between two non-empty segments",
        ));
    }
    None
}

/// What a valid display name looks like, for error messages.
pub const GRAMMAR: &str = "lower-case ASCII letters, digits and `_`, \
     in segments separated by single dots, as tshark's `ip.flags.mf`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_tshark_names() {
        for ok in [
            "ip",
            "ipv6",
            "ttl",
            "flags.mf",
            "count.answers",
            "seq_raw",
            "6lowpan",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn rejects_bad_names() {
        assert_eq!(problem("").as_deref(), Some("it is empty"));
        assert_eq!(problem("Ip").as_deref(), Some("'I' is not allowed"));
        assert_eq!(problem("src port").as_deref(), Some("' ' is not allowed"));
        assert_eq!(problem("ip-v4").as_deref(), Some("'-' is not allowed"));
        for dots in [".ttl", "ttl.", "flags..mf", "."] {
            assert_eq!(
                problem(dots).as_deref(),
                Some("a dot must stand between two non-empty segments"),
                "{dots}"
            );
        }
    }

    #[test]
    fn defaults_are_the_lower_case_rust_name() {
        let id: syn::Ident = syn::parse_quote!(Tunnel);
        assert_eq!(resolve(None, &id).value, "tunnel");
        let raw: syn::Ident = syn::parse_quote!(r#type);
        assert_eq!(resolve(None, &raw).value, "type");
        let lit: syn::LitStr = syn::parse_quote!("vni");
        let named = resolve(Some(&lit), &raw);
        assert_eq!((named.value.as_str(), named.explicit), ("vni", true));
    }
}
