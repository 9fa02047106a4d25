//! Field tests on session metadata, in Wireshark's display-filter form:
//! `tls.sni == "example.com"`, `dns.qry.name contains "evil"`,
//! `http.host matches "^www[0-9]+\\."`, `tls.handshake.ja3 in {"a" "b"}`,
//! `http.response.code >= 500`, or a bare `http.user_agent` (the session
//! has one). They combine with the tcpdump primitives (`tcp and tls.sni ==
//! "x"`) and are answered by the session index: a packet does not carry
//! them.

use std::fmt;

use super::RelOp;

/// The metadata a session can carry, by search name (the keys of
/// `sessions --json`'s `"meta"` object).
pub const META_KEYS: [&str; 13] = [
    "tls.sni",
    "tls.alpn",
    "tls.handshake.ja3",
    "tls.handshake.ja3s",
    "tls.handshake.ja4",
    "dns.qry.name",
    "dns.a",
    "dns.aaaa",
    "http.host",
    "http.request.method",
    "http.request.uri",
    "http.user_agent",
    "http.response.code",
];

/// Other names accepted for a key: tshark's field names and short forms.
pub(crate) const ALIASES: &[(&str, &str)] = &[
    ("tls.handshake.extensions_server_name", "tls.sni"),
    ("tls.handshake.extensions_alpn_str", "tls.alpn"),
    ("tls.ja3", "tls.handshake.ja3"),
    ("tls.ja3s", "tls.handshake.ja3s"),
    ("tls.ja4", "tls.handshake.ja4"),
    ("ja3", "tls.handshake.ja3"),
    ("ja3s", "tls.handshake.ja3s"),
    ("ja4", "tls.handshake.ja4"),
];

/// The search name of a metadata field name or alias.
pub fn meta_key(name: &str) -> Option<&'static str> {
    META_KEYS
        .iter()
        .copied()
        .find(|k| *k == name)
        .or_else(|| ALIASES.iter().find(|(a, _)| *a == name).map(|(_, k)| *k))
        .filter(|k| META_KEYS.contains(k))
}

/// Whether values of `key` compare without regard to ASCII case (DNS
/// names, as DNS itself compares them).
pub fn is_case_insensitive(key: &str) -> bool {
    key == "dns.qry.name"
}

/// Whether values of `key` are numbers (`>=` and friends compare them as
/// numbers).
pub fn is_numeric(key: &str) -> bool {
    key == "http.response.code"
}

/// What a field test asks of a session's values of its key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldOp {
    /// A bare field name: the session has a value.
    Exists,
    /// `== "v"`: one of the values equals `v`.
    Eq(String),
    /// `!= "v"`: the session has values and none equals `v` (Wireshark's
    /// `!=` is "not any equal").
    Ne(String),
    /// `contains "v"`: one of the values contains `v`.
    Contains(String),
    /// `matches "re"`: one of the values matches the regular expression
    /// (Rust `regex` syntax, unanchored; case-insensitive for DNS names).
    Matches(String),
    /// `in {"a" "b"}`: one of the values equals one of these.
    In(Vec<String>),
    /// `> N`, `>= N`, `< N`, `<= N` on a numeric key.
    Cmp(RelOp, u64),
}

/// `KEY OP VALUE`: a test on a session's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldTest {
    /// The search name (one of [`META_KEYS`]).
    pub key: &'static str,
    /// The test.
    pub op: FieldOp,
}

/// Writes `s` as a display-filter string literal.
fn quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl fmt::Display for FieldTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        match &self.op {
            FieldOp::Exists => Ok(()),
            FieldOp::Eq(v) => {
                f.write_str(" == ")?;
                quoted(f, v)
            }
            FieldOp::Ne(v) => {
                f.write_str(" != ")?;
                quoted(f, v)
            }
            FieldOp::Contains(v) => {
                f.write_str(" contains ")?;
                quoted(f, v)
            }
            FieldOp::Matches(v) => {
                f.write_str(" matches ")?;
                quoted(f, v)
            }
            FieldOp::In(values) => {
                f.write_str(" in {")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    quoted(f, v)?;
                }
                f.write_str("}")
            }
            FieldOp::Cmp(op, n) => write!(f, " {} {n}", op.symbol()),
        }
    }
}

/// Reads a display-filter string literal (with its quotes): `\\`, `\"`,
/// `\n`, `\t`, `\r`, `\xHH` escapes; `None` if malformed.
pub(crate) fn unquote(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                let b = u8::from_str_radix(&hex, 16).ok()?;
                out.push(char::from(b));
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_aliases() {
        assert_eq!(meta_key("tls.sni"), Some("tls.sni"));
        assert_eq!(
            meta_key("tls.handshake.extensions_server_name"),
            Some("tls.sni")
        );
        assert_eq!(meta_key("tls.ja4"), Some("tls.handshake.ja4"));
        assert_eq!(meta_key("ip.src"), None);
        assert!(is_case_insensitive("dns.qry.name") && !is_case_insensitive("http.host"));
    }

    #[test]
    fn string_literals() {
        assert_eq!(unquote(r#""a\\.b\"c""#).as_deref(), Some(r#"a\.b"c"#));
        assert_eq!(unquote(r#""\x41\n""#).as_deref(), Some("A\n"));
        assert_eq!(unquote(r#""bad\"#), None);
        assert_eq!(unquote(r#""\xZZ""#), None);
        let t = FieldTest {
            key: "http.user_agent",
            op: FieldOp::In(vec!["a\"b".into(), "c\\d".into()]),
        };
        assert_eq!(t.to_string(), r#"http.user_agent in {"a\"b" "c\\d"}"#);
    }

    use crate::filter::{Expr, Filter, Needs, Primitive};

    fn test_of(expr: &str) -> FieldTest {
        let f = Filter::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        // What is printed parses back to the same tree.
        let again = Filter::parse(&f.expr().to_string()).expect("reparse");
        assert_eq!(again.expr(), f.expr(), "{expr}");
        assert!(f.needs().contains(Needs::META));
        match f.expr() {
            Expr::Prim(Primitive::Field(t)) => t.clone(),
            other => panic!("{expr}: {other:?}"),
        }
    }

    #[test]
    fn the_spec_examples_parse() {
        let t = test_of(r#"tls.sni == "google.de""#);
        assert_eq!((t.key, t.op), ("tls.sni", FieldOp::Eq("google.de".into())));
        let t = test_of(r#"tls.handshake.extensions_server_name == "x""#);
        assert_eq!(t.key, "tls.sni");
        let t = test_of(r#"dns.qry.name contains "evil""#);
        assert_eq!(t.op, FieldOp::Contains("evil".into()));
        // The shell passes `\\.`: an escaped backslash, so the regex is `\.`.
        let t = test_of(r#"http.host matches "^www[0-9]+\\.""#);
        assert_eq!(t.op, FieldOp::Matches(r"^www[0-9]+\.".into()));
        let t = test_of(r#"http.user_agent contains "curl""#);
        assert_eq!(t.key, "http.user_agent");
        let t = test_of(r#"tls.handshake.ja3 in {"a607f3a5" "b2"}"#);
        assert_eq!(t.op, FieldOp::In(vec!["a607f3a5".into(), "b2".into()]));
        let t = test_of(r#"tls.handshake.ja3 in {"a", "b"}"#);
        assert_eq!(t.op, FieldOp::In(vec!["a".into(), "b".into()]));
        let t = test_of(r#"tls.ja4 == "t13d1516h2_8daaf6152771_e5627efa2ab1""#);
        assert_eq!(t.key, "tls.handshake.ja4");
        let t = test_of("http.response.code >= 500");
        assert_eq!(t.op, FieldOp::Cmp(RelOp::Ge, 500));
        let t = test_of("http.response.code == 404");
        assert_eq!(t.op, FieldOp::Eq("404".into()));
        assert_eq!(test_of("http.user_agent").op, FieldOp::Exists);
    }

    #[test]
    fn field_tests_combine_with_primitives() {
        let f = Filter::parse(r#"tcp and port 443 and tls.sni == "x" or not dns.qry.name"#)
            .expect("parse");
        // `and`/`or` of equal precedence, left to right, as pcap-filter(7).
        assert_eq!(
            f.expr().to_string(),
            r#"(tcp and port 443 and tls.sni == "x") or not dns.qry.name"#
        );
    }

    #[test]
    fn mistakes_are_explained() {
        let err = |e: &str| Filter::parse(e).expect_err(e).to_string();
        assert!(err("http.host >= 5").contains("is text"));
        assert!(err("http.response.code >= abc").contains("expected a number"));
        assert!(err(r#"http.host matches "(""#).contains("bad regular expression"));
        assert!(err(r#"ip.src contains "x""#).contains("unknown field `ip.src`"));
        assert!(err(r#"tls.sni == "open"#).contains("unterminated"));
        assert!(err("tls.sni in {").contains("expected `}`"));
        assert!(err("tls.sni in {}").contains("at least one value"));
        assert!(err("tls.sni contains x").contains("quoted"));
        let packet = Filter::parse_for_packets(r#"port 443 and tls.sni == "x""#)
            .expect_err("metadata")
            .to_string();
        assert!(packet.contains("pcapdig sessions"), "{packet}");
        assert!(Filter::parse_for_packets("port 443").is_ok());
    }
}
