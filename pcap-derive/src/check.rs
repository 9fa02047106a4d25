//! Validation rules, each independent, each error spanned on the field or
//! attribute at fault. All of them run, so one build reports every mistake.

use std::collections::HashMap;

use crate::ast::{FieldDef, Input, Kind};
use crate::ctxt::Ctxt;
use crate::display::{self, DisplayName};
use crate::expr::referenced_idents;
use crate::layout::Layout;

/// Most fields a header can have: two flag bits each in a `u128`.
pub const MAX_FIELDS: usize = 64;

/// Runs every rule.
pub fn check(cx: &Ctxt, input: &Input, layout: &Layout) {
    field_count(cx, input);
    widths_match_types(cx, input);
    bit_runs_close_on_bytes(cx, input, layout);
    attribute_combinations(cx, input);
    expressions_name_earlier_fields(cx, input);
    slices_have_length(cx, input);
    generated_names_do_not_collide(cx, input);
    display_names_are_valid_and_unique(cx, input);
}

fn field_count(cx: &Ctxt, input: &Input) {
    if input.fields.len() > MAX_FIELDS {
        let extra = &input.fields[MAX_FIELDS];
        cx.error_at(
            extra.span(),
            format!(
                "too many fields for the flags type: `{}` has {} fields, at most {MAX_FIELDS} fit \
                 (two flag bits each in a u128); split the header",
                input.ident,
                input.fields.len()
            ),
        );
    }
}

fn type_name(f: &FieldDef) -> String {
    let ty = &f.ty;
    quote::quote!(#ty).to_string().replace(' ', "")
}

fn widths_match_types(cx: &Ctxt, input: &Input) {
    for f in &input.fields {
        let ty = type_name(f);
        if let (Some(bits), Some(bytes)) = (&f.attrs.bits, &f.attrs.bytes) {
            cx.error_at(
                bytes.span,
                format!(
                    "field `{}` sets both `bits = {}` and `bytes = {}`: use one",
                    f.ident, bits.value, bytes.value
                ),
            );
            continue;
        }
        if let Some(bits) = &f.attrs.bits {
            if bits.value == 0 {
                cx.error_at(
                    bits.span,
                    format!(
                        "field `{}` has `bits = 0`: a field is at least 1 bit wide",
                        f.ident
                    ),
                );
                continue;
            }
            match f.kind {
                Kind::Unsigned(w) | Kind::Signed(w) if bits.value > w => cx.error_at(
                    bits.span,
                    format!("field `{}` is `bits = {}`, wider than its type `{ty}` ({w} bits)", f.ident, bits.value),
                ),
                Kind::Bool if bits.value != 1 => cx.error_at(
                    bits.span,
                    format!("field `{}` is a `bool`, which is 1 bit, but says `bits = {}`", f.ident, bits.value),
                ),
                Kind::ByteArray(_) | Kind::Ipv4 | Kind::Ipv6 | Kind::Mac | Kind::Slice => cx.error_at(
                    bits.span,
                    format!("field `{}` of type `{ty}` cannot be a bit field: `bits` applies to integers, `bool` and custom types", f.ident),
                ),
                _ if bits.value > 128 => cx.error_at(
                    bits.span,
                    format!("field `{}` is `bits = {}`: bit fields are at most 128 bits wide", f.ident, bits.value),
                ),
                _ => {}
            }
        }
        if let Some(bytes) = &f.attrs.bytes {
            if bytes.value == 0 {
                cx.error_at(
                    bytes.span,
                    format!(
                        "field `{}` has `bytes = 0`: a fixed-size field is at least 1 byte",
                        f.ident
                    ),
                );
                continue;
            }
            match f.kind {
                Kind::Unsigned(w) | Kind::Signed(w) if bytes.value * 8 > w => cx.error_at(
                    bytes.span,
                    format!(
                        "field `{}` is `bytes = {}`, wider than its type `{ty}` ({} bytes)",
                        f.ident,
                        bytes.value,
                        w / 8
                    ),
                ),
                Kind::Bool => cx.error_at(
                    bytes.span,
                    format!(
                        "field `{}` is a `bool`, a 1-bit field: `bytes` does not apply",
                        f.ident
                    ),
                ),
                Kind::ByteArray(_) | Kind::Ipv4 | Kind::Ipv6 | Kind::Mac => {
                    let natural = f.kind.natural_bits().unwrap_or(0) / 8;
                    if bytes.value != natural {
                        cx.error_at(
                            bytes.span,
                            format!("field `{}` says `bytes = {}` but `{ty}` is {natural} bytes on the wire", f.ident, bytes.value),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn bit_runs_close_on_bytes(cx: &Ctxt, input: &Input, layout: &Layout) {
    for run in &layout.runs {
        let first = &input.fields[run.first];
        let last = &input.fields[run.end - 1];
        if run.bits % 8 != 0 {
            let missing = 8 - run.bits % 8;
            let who = if run.first + 1 == run.end {
                format!("bit field `{}`", first.ident)
            } else {
                format!("bit fields `{}` to `{}`", first.ident, last.ident)
            };
            cx.error_at(
                last.span(),
                format!(
                    "{who} span {} bits, which does not end on a byte boundary: \
                     a run of bit fields must close on a byte boundary ({missing} more bit{} needed)",
                    run.bits,
                    if missing == 1 { "" } else { "s" }
                ),
            );
        } else if run.bits > 128 {
            cx.error_at(
                last.span(),
                format!(
                    "bit fields `{}` to `{}` form one run of {} bits: at most 128 fit in one load",
                    first.ident, last.ident, run.bits
                ),
            );
        }
    }
}

fn attribute_combinations(cx: &Ctxt, input: &Input) {
    for f in &input.fields {
        let a = &f.attrs;
        if let Some(scale) = &a.scale {
            if !matches!(f.kind, Kind::Unsigned(_) | Kind::Signed(_)) {
                cx.error_at(
                    scale.span,
                    format!(
                        "field `{}` has type `{}`: `scale` applies to integer fields",
                        f.ident,
                        type_name(f)
                    ),
                );
            } else if scale.value == 0 {
                cx.error_at(
                    scale.span,
                    format!("field `{}` has `scale = 0`: a scale is at least 1", f.ident),
                );
            }
        }
        // `display` chooses how integers print; other built-in types have one form.
        if let (Some(display), false) = (
            &a.display,
            matches!(f.kind, Kind::Unsigned(_) | Kind::Signed(_) | Kind::Custom),
        ) {
            cx.error_at(
                display.span,
                format!(
                    "field `{}` has type `{}`: `display` applies to integer fields (and custom types)",
                    f.ident,
                    type_name(f)
                ),
            );
        }
        if let (Some(endian), true) = (&a.endian, f.is_bit_field()) {
            cx.error_at(
                endian.span,
                format!("field `{}` is a bit field: `endian` applies to whole-byte fields (bit fields are read most significant bit first)", f.ident),
            );
        }
        if let Some(len) = &a.len {
            if a.bits.is_some() || a.bytes.is_some() {
                cx.error_spanned_by(
                    len,
                    format!(
                        "field `{}` sets `len` and a fixed `bits`/`bytes`: use one",
                        f.ident
                    ),
                );
            } else if !matches!(f.kind, Kind::Slice | Kind::Custom) {
                cx.error_spanned_by(
                    len,
                    format!("field `{}` has a fixed-size type `{}`: `len` applies to `&[u8]` and custom types", f.ident, type_name(f)),
                );
            }
        }
        if let (Some(when), true) = (&a.when, f.is_bit_field()) {
            cx.error_spanned_by(
                when,
                format!(
                    "field `{}` is a bit field: `when` applies to whole-byte fields",
                    f.ident
                ),
            );
        }
        if let (Some(_), Some(bits)) = (&a.with, &a.bits) {
            cx.error_at(
                bits.span,
                format!(
                    "field `{}` has a `with` decoder: it cannot also be a bit field",
                    f.ident
                ),
            );
        }
    }
}

fn expressions_name_earlier_fields(cx: &Ctxt, input: &Input) {
    let index: HashMap<String, usize> = input
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name(), i))
        .collect();
    let check_expr = |expr: &syn::Expr, at: Option<usize>, what: &str, owner: &str| {
        for ident in referenced_idents(expr) {
            let name = syn::ext::IdentExt::unraw(&ident).to_string();
            // Constants (`MAX_OPTIONS`) and other non-field names are plain Rust.
            if name.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
            match (index.get(&name), at) {
                (Some(&j), Some(i)) if j >= i => {
                    let rel = if j == i { "itself" } else { "a later field" };
                    cx.error_spanned_by(
                        &ident,
                        format!(
                            "`{what}` of field `{owner}` names `{name}`, which is {rel}: \
                             expressions may use only fields declared before `{owner}`"
                        ),
                    );
                }
                (Some(_), _) => {}
                (None, _) => {
                    let known: Vec<String> = input
                        .fields
                        .iter()
                        .take(at.unwrap_or(usize::MAX))
                        .map(FieldDef::name)
                        .collect();
                    let hint = if known.is_empty() {
                        String::from("no field is declared before it")
                    } else {
                        format!("fields available: {}", known.join(", "))
                    };
                    cx.error_spanned_by(
                        &ident,
                        format!("`{what}` of `{owner}` names unknown field `{name}` ({hint})"),
                    );
                }
            }
        }
    };
    for (i, f) in input.fields.iter().enumerate() {
        if let Some(len) = &f.attrs.len {
            check_expr(len, Some(i), "len", &f.name());
        }
        if let Some(when) = &f.attrs.when {
            check_expr(when, Some(i), "when", &f.name());
        }
    }
    if let Some(len) = &input.len {
        check_expr(len, None, "len", &format!("header {}", input.ident));
    }
}

fn slices_have_length(cx: &Ctxt, input: &Input) {
    let last = input.fields.len().saturating_sub(1);
    for (i, f) in input.fields.iter().enumerate() {
        let variable = matches!(f.kind, Kind::Slice)
            && f.attrs.len.is_none()
            && f.attrs.bytes.is_none()
            && f.attrs.with.is_none();
        if !variable {
            continue;
        }
        if i == last && input.len.is_some() && f.attrs.when.is_none() {
            continue; // the final field takes the rest of the header
        }
        let why = if i == last {
            "the header has no `len`, so the rest of the header is unknown"
        } else {
            "only the final field of a header with `#[header(len = ...)]` may take the rest of the header"
        };
        cx.error_spanned_by(
            f.full_ty,
            format!("`&[u8]` field `{}` has no length: add `#[field(len = EXPR)]` or `#[field(bytes = N)]` ({why})", f.ident),
        );
    }
}

fn generated_names_do_not_collide(cx: &Ctxt, input: &Input) {
    const RESERVED: &[&str] = &["NONE", "DEFAULT", "PARSE_ALL", "ALL", "FIELDS", "FIXED_LEN"];
    let mut seen: HashMap<String, String> = RESERVED
        .iter()
        .map(|r| (r.to_string(), String::from("the derive itself")))
        .collect();
    for f in &input.fields {
        let name = f.name();
        let upper = name.trim_start_matches("r#").to_uppercase();
        for generated in [
            upper.clone(),
            format!("PARSE_{upper}"),
            format!("UNPACK_{upper}"),
        ] {
            if let Some(owner) = seen.get(&generated) {
                let owner = if owner == "the derive itself" {
                    owner.clone()
                } else {
                    format!("field `{owner}`")
                };
                cx.error_at(
                    f.span(),
                    format!("field `{name}` would generate the constant `{generated}`, which {owner} already defines: rename the field"),
                );
            } else {
                seen.insert(generated, name.clone());
            }
        }
    }
}

/// Display names follow tshark's grammar (see `display`), and no two fields
/// of one header share one: `fields -e ip.ttl` must name exactly one field.
fn display_names_are_valid_and_unique(cx: &Ctxt, input: &Input) {
    let report = |owner: String, name: &DisplayName| {
        let Some(problem) = display::problem(&name.value) else {
            return true;
        };
        let msg = if name.explicit {
            format!(
                "display name {:?} of {owner} is not valid: {problem}; use {}",
                name.value,
                display::GRAMMAR
            )
        } else {
            format!(
                "{owner} has no valid default display name ({:?}: {problem}): \
                 give one with `name = \"...\"` ({})",
                name.value,
                display::GRAMMAR
            )
        };
        cx.error_at(name.span, msg);
        false
    };
    report(format!("header `{}`", input.ident), &input.display_name());
    let mut seen: HashMap<String, String> = HashMap::new();
    for f in &input.fields {
        let name = f.display_name();
        if !report(format!("field `{}`", f.name()), &name) {
            continue;
        }
        match seen.get(&name.value) {
            Some(first) => cx.error_at(
                name.span,
                format!(
                    "field `{}` has the display name {:?}, which field `{first}` already has: \
                     display names within a header must be unique",
                    f.name(),
                    name.value
                ),
            ),
            None => {
                seen.insert(name.value, f.name());
            }
        }
    }
}
