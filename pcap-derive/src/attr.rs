//! Attribute parsing: `#[header(...)]` on the struct and `#[field(...)]` on
//! fields. Every keyword is a named constant here; values are real Rust
//! expressions and paths (never code in strings), so mistakes are spanned
//! where they are written.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Expr, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

pub const HEADER: &str = "header";
pub const FIELD: &str = "field";

pub const BITS: &str = "bits";
pub const BYTES: &str = "bytes";
pub const LEN: &str = "len";
pub const DEFAULT: &str = "default";
pub const ENDIAN: &str = "endian";
pub const WHEN: &str = "when";
pub const WITH: &str = "with";
pub const NAME: &str = "name";
pub const DISPLAY: &str = "display";
pub const SCALE: &str = "scale";
pub const PARTIAL: &str = "partial";

const HEADER_KEYS: &[&str] = &[ENDIAN, LEN, NAME, PARTIAL];
const FIELD_KEYS: &[&str] = &[
    BITS, BYTES, LEN, DEFAULT, ENDIAN, WHEN, WITH, NAME, DISPLAY, SCALE,
];

/// A byte order as written in an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndianAttr {
    Big,
    Little,
    Runtime,
}

/// How a field prints, as written in `display = "..."`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayAttr {
    Dec,
    Hex,
}

/// A value with the span of the attribute that set it.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `#[header(...)]`.
#[derive(Default)]
pub struct HeaderAttrs {
    pub endian: Option<Spanned<EndianAttr>>,
    pub len: Option<Expr>,
    /// `name = "..."`: the display name (checked in `check`).
    pub name: Option<LitStr>,
    /// `partial = false`: a cut header reports no field at all.
    pub partial: Option<syn::LitBool>,
}

/// `#[field(...)]`.
#[derive(Default)]
pub struct FieldAttrs {
    pub bits: Option<Spanned<usize>>,
    pub bytes: Option<Spanned<usize>>,
    pub len: Option<Expr>,
    pub default: Option<Span>,
    pub endian: Option<Spanned<EndianAttr>>,
    pub when: Option<Expr>,
    pub with: Option<Path>,
    /// `name = "..."`: the display name (checked in `check`).
    pub name: Option<LitStr>,
    /// `display = "hex" | "dec"`: how the field prints.
    pub display: Option<Spanned<DisplayAttr>>,
    /// `scale = N`: the field counts units of N (IPv4 `ihl`: 4-byte words);
    /// its visited value is the value times N, as tshark reports it.
    pub scale: Option<Spanned<u64>>,
}

/// Parses every `#[header(...)]` attribute of the struct.
pub fn header_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> HeaderAttrs {
    let mut out = HeaderAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(HEADER)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            match key.as_str() {
                ENDIAN => {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(
                        cx,
                        &mut out.endian,
                        parse_endian(cx, &lit, true),
                        &meta,
                        ENDIAN,
                    );
                }
                LEN => {
                    let expr: Expr = meta.value()?.parse()?;
                    set_once(cx, &mut out.len, expr, &meta, LEN);
                }
                NAME => {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(cx, &mut out.name, lit, &meta, NAME);
                }
                PARTIAL => {
                    let lit: syn::LitBool = meta.value()?.parse()?;
                    set_once(cx, &mut out.partial, lit, &meta, PARTIAL);
                }
                _ => {
                    unknown_key(cx, &meta, &key, HEADER_KEYS, HEADER);
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// Parses every `#[field(...)]` attribute of one field.
pub fn field_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(FIELD)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            match key.as_str() {
                BITS => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = Spanned {
                        value: lit.base10_parse()?,
                        span: lit.span(),
                    };
                    set_once(cx, &mut out.bits, v, &meta, BITS);
                }
                BYTES => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = Spanned {
                        value: lit.base10_parse()?,
                        span: lit.span(),
                    };
                    set_once(cx, &mut out.bytes, v, &meta, BYTES);
                }
                LEN => {
                    let expr: Expr = meta.value()?.parse()?;
                    set_once(cx, &mut out.len, expr, &meta, LEN);
                }
                DEFAULT => {
                    if meta.input.peek(syn::Token![=]) {
                        return Err(
                            meta.error("`default` takes no value: write `#[field(default)]`")
                        );
                    }
                    set_once(
                        cx,
                        &mut out.default,
                        meta.path.segments[0].ident.span(),
                        &meta,
                        DEFAULT,
                    );
                }
                ENDIAN => {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(
                        cx,
                        &mut out.endian,
                        parse_endian(cx, &lit, false),
                        &meta,
                        ENDIAN,
                    );
                }
                WHEN => {
                    let expr: Expr = meta.value()?.parse()?;
                    set_once(cx, &mut out.when, expr, &meta, WHEN);
                }
                WITH => {
                    let path: Path = meta.value()?.parse()?;
                    set_once(cx, &mut out.with, path, &meta, WITH);
                }
                NAME => {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(cx, &mut out.name, lit, &meta, NAME);
                }
                SCALE => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let v = Spanned {
                        value: lit.base10_parse()?,
                        span: lit.span(),
                    };
                    set_once(cx, &mut out.scale, v, &meta, SCALE);
                }
                DISPLAY => {
                    let lit: LitStr = meta.value()?.parse()?;
                    if let Some(d) = parse_display(cx, &lit) {
                        set_once(cx, &mut out.display, d, &meta, DISPLAY);
                    }
                }
                _ => {
                    unknown_key(cx, &meta, &key, FIELD_KEYS, FIELD);
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

fn key_of(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, meta: &ParseNestedMeta, key: &str) {
    if slot.is_some() {
        cx.error_spanned_by(&meta.path, format!("duplicate `{key}` attribute"));
    } else {
        *slot = Some(value);
    }
}

fn parse_endian(cx: &Ctxt, lit: &LitStr, runtime_allowed: bool) -> Spanned<EndianAttr> {
    let value = match lit.value().as_str() {
        "big" => EndianAttr::Big,
        "little" => EndianAttr::Little,
        "runtime" if runtime_allowed => EndianAttr::Runtime,
        other => {
            let expected = if runtime_allowed {
                "\"big\", \"little\" or \"runtime\""
            } else {
                "\"big\" or \"little\" (a field cannot be \"runtime\": set it on the header)"
            };
            cx.error_spanned_by(
                lit,
                format!("unknown endian {other:?}: expected {expected}"),
            );
            EndianAttr::Big
        }
    };
    Spanned {
        value,
        span: lit.span(),
    }
}

fn parse_display(cx: &Ctxt, lit: &LitStr) -> Option<Spanned<DisplayAttr>> {
    let value = match lit.value().as_str() {
        "hex" => DisplayAttr::Hex,
        "dec" => DisplayAttr::Dec,
        other => {
            cx.error_spanned_by(
                lit,
                format!("unknown display {other:?}: expected \"hex\" or \"dec\""),
            );
            return None;
        }
    };
    Some(Spanned {
        value,
        span: lit.span(),
    })
}

fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta, key: &str, valid: &[&str], attr: &str) {
    let list = valid
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let msg = match closest(key, valid) {
        Some(best) => {
            format!("unknown `{attr}` attribute `{key}`: did you mean `{best}`? (valid: {list})")
        }
        None => format!("unknown `{attr}` attribute `{key}` (valid: {list})"),
    };
    cx.error_spanned_by(&meta.path, msg);
}

/// Consumes `= value` (any tokens up to the next comma) after an unknown key,
/// so parsing continues with the next key.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

/// The valid key closest to `key` by edit distance, if close enough to be a typo.
fn closest<'k>(key: &str, valid: &[&'k str]) -> Option<&'k str> {
    valid
        .iter()
        .map(|v| {
            // A key that extends a valid one (`lenght`, `bitsize`) is a typo of it.
            let d = if key.starts_with(v) {
                1
            } else {
                edit_distance(key, v)
            };
            (d, *v)
        })
        .filter(|(d, v)| *d <= 2.max(v.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys() {
        assert_eq!(closest("bit", FIELD_KEYS), Some("bits"));
        assert_eq!(closest("lenght", FIELD_KEYS), Some("len"));
        assert_eq!(closest("endianness", FIELD_KEYS), Some("endian"));
        assert_eq!(closest("offset", FIELD_KEYS), None);
        assert_eq!(closest("defualt", FIELD_KEYS), Some("default"));
    }
}
