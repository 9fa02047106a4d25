//! `len` and `when` expressions: which fields they name, and their rewrite
//! into arithmetic that cannot overflow or panic.
//!
//! An expression is plain Rust over earlier fields' unpacked values. The
//! integer parts are rewritten so each operand becomes a
//! `pcap_core::__private::Checked` (an `i64` or "invalid"): `hlen * 4 - 12`
//! with `hlen = 2` is then an invalid length (a parse error), never a wrapped
//! `u8` or a debug-build panic. Sub-expressions the rewrite does not know
//! (method calls, `if`, blocks) are evaluated as written and then wrapped.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{BinOp, Expr, ExprPath, Ident, UnOp};

/// Single-identifier paths in value position (candidate field references).
pub fn referenced_idents(expr: &Expr) -> Vec<Ident> {
    struct Refs(Vec<Ident>);
    impl<'ast> Visit<'ast> for Refs {
        fn visit_expr_path(&mut self, p: &'ast ExprPath) {
            if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
                let seg = &p.path.segments[0];
                if seg.arguments.is_empty() {
                    self.0.push(seg.ident.clone());
                }
            }
        }
        // `f(x)`: the function name is not a field; its arguments may be.
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            for arg in &c.args {
                self.visit_expr(arg);
            }
        }
        // Closures and blocks bind their own names; they are not fields.
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut refs = Refs(Vec::new());
    refs.visit_expr(expr);
    refs.0
}

fn is_overflowing_op(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Add(_)
            | BinOp::Sub(_)
            | BinOp::Mul(_)
            | BinOp::Div(_)
            | BinOp::Rem(_)
            | BinOp::Shl(_)
            | BinOp::Shr(_)
    )
}

fn is_int_op(op: &BinOp) -> bool {
    is_overflowing_op(op) || matches!(op, BinOp::BitAnd(_) | BinOp::BitOr(_) | BinOp::BitXor(_))
}

fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq(_) | BinOp::Ne(_) | BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_)
    )
}

/// Whether `expr` contains arithmetic that could overflow or panic.
fn has_overflowing_arith(expr: &Expr) -> bool {
    match expr {
        Expr::Cast(c) => has_overflowing_arith(&c.expr),
        Expr::Binary(b) => {
            is_overflowing_op(&b.op)
                || has_overflowing_arith(&b.left)
                || has_overflowing_arith(&b.right)
        }
        Expr::Paren(p) => has_overflowing_arith(&p.expr),
        Expr::Group(g) => has_overflowing_arith(&g.expr),
        Expr::Unary(u) => matches!(u.op, UnOp::Neg(_)) || has_overflowing_arith(&u.expr),
        _ => false,
    }
}

/// Rewrites an integer expression into code evaluating to a `Checked`.
pub fn checked_int(expr: &Expr) -> TokenStream {
    let private = quote!(::pcap_core::__private);
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(lit),
            ..
        }) => match lit.base10_parse::<i64>() {
            Ok(v) => quote_spanned!(lit.span()=> #private::Checked::lit(#v)),
            Err(_) => quote_spanned!(lit.span()=> #private::Checked(::core::option::Option::None)),
        },
        Expr::Binary(b) if is_int_op(&b.op) => {
            let l = checked_int(&b.left);
            let r = checked_int(&b.right);
            let op = &b.op;
            quote_spanned!(b.op.span()=> (#l #op #r))
        }
        Expr::Paren(p) => checked_int(&p.expr),
        Expr::Group(g) => checked_int(&g.expr),
        // `hlen as usize`: the checked value is already wide enough; a cast
        // to a narrower type would only hide an overflow.
        Expr::Cast(c) => checked_int(&c.expr),
        Expr::Unary(syn::ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => {
            let inner = checked_int(inner);
            quote!((-#inner))
        }
        other => quote_spanned!(other.span()=> #private::checked(#other)),
    }
}

/// Rewrites a boolean expression: comparisons whose sides contain
/// overflowing arithmetic are done on `Checked` values, and an invalid
/// operand makes the whole parse return `on_invalid` (an `Err(...)`
/// expression of the parser's result type).
pub fn checked_bool(expr: &Expr, on_invalid: &TokenStream) -> TokenStream {
    match expr {
        Expr::Binary(b)
            if is_comparison(&b.op)
                && (has_overflowing_arith(&b.left) || has_overflowing_arith(&b.right)) =>
        {
            let l = checked_int(&b.left);
            let r = checked_int(&b.right);
            let test = match b.op {
                BinOp::Eq(_) => quote!(o.is_eq()),
                BinOp::Ne(_) => quote!(o.is_ne()),
                BinOp::Lt(_) => quote!(o.is_lt()),
                BinOp::Le(_) => quote!(o.is_le()),
                BinOp::Gt(_) => quote!(o.is_gt()),
                _ => quote!(o.is_ge()),
            };
            quote! {
                match ::pcap_core::__private::Checked::compare(#l, #r) {
                    ::core::option::Option::Some(o) => #test,
                    ::core::option::Option::None => return #on_invalid,
                }
            }
        }
        Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
            let l = checked_bool(&b.left, on_invalid);
            let r = checked_bool(&b.right, on_invalid);
            let op = &b.op;
            quote!(((#l) #op (#r)))
        }
        Expr::Unary(syn::ExprUnary {
            op: UnOp::Not(_),
            expr: inner,
            ..
        }) => {
            let inner = checked_bool(inner, on_invalid);
            quote!((!(#inner)))
        }
        Expr::Paren(p) => checked_bool(&p.expr, on_invalid),
        Expr::Group(g) => checked_bool(&g.expr, on_invalid),
        other => quote!((#other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_field_references_not_function_names() {
        let e: Expr = syn::parse_quote!(hlen * 4 - MIN.max(len_of(extra)) + Self::X);
        let names: Vec<String> = referenced_idents(&e)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, ["hlen", "MIN", "extra"]);
    }

    #[test]
    fn rewrites_arithmetic_to_checked() {
        let e: Expr = syn::parse_quote!((hlen * 4) - 12);
        let code = checked_int(&e).to_string();
        assert!(code.contains("checked (hlen)"), "{code}");
        assert!(code.contains("Checked :: lit (4i64)"), "{code}");
        assert!(code.contains("Checked :: lit (12i64)"), "{code}");
    }

    #[test]
    fn comparisons_with_arithmetic_are_checked() {
        let e: Expr = syn::parse_quote!(hlen * 4 > 20 && flag);
        let code = checked_bool(&e, &quote!(err)).to_string();
        assert!(code.contains("Checked :: compare"), "{code}");
        let plain: Expr = syn::parse_quote!(version == 6);
        assert_eq!(
            checked_bool(&plain, &quote!(err)).to_string(),
            "(version == 6)"
        );
    }
}
