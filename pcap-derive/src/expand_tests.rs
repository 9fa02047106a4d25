//! Expansion snapshots (after zerocopy's `output_tests`): what the derive
//! emits for a few schemas, formatted with prettyplease, compared with
//! `tests/expand/*.expanded.rs`. After an intended change to the output,
//! regenerate them with `PCAP_BLESS=1 cargo test -p pcap-derive`.

use std::path::PathBuf;

fn check(name: &str, input: syn::DeriveInput) {
    let tokens = crate::derive(&input);
    let file: syn::File = syn::parse2(tokens)
        .unwrap_or_else(|e| panic!("{name}: expansion does not parse as Rust: {e}"));
    let pretty = prettyplease::unparse(&file);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expand")
        .join(format!("{name}.expanded.rs"));
    if std::env::var_os("PCAP_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with PCAP_BLESS=1 to create it)",
            path.display()
        )
    });
    if expected != pretty {
        let first = expected
            .lines()
            .zip(pretty.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name}: expansion changed (first difference at line {}):\n  expected: {:?}\n  got:      {:?}\nrun with PCAP_BLESS=1 to accept",
            first + 1,
            expected.lines().nth(first),
            pretty.lines().nth(first)
        );
    }
}

#[test]
fn expand_tunnel() {
    check(
        "tunnel",
        syn::parse_quote! {
            #[header(endian = "big", len = hlen * 4)]
            pub struct Tunnel<'a> {
                #[field(bits = 4)] pub version: Field<'a, u8>,
                #[field(bits = 4, default)] pub hlen: Field<'a, u8>,
                #[field(default)] pub next: Field<'a, u16>,
                #[field(bits = 1)] pub urgent: Field<'a, bool>,
                #[field(bits = 23)] pub session: Field<'a, u32>,
                pub origin: Field<'a, MacAddr>,
                #[field(len = hlen * 4 - 12)] pub options: Field<'a, &'a [u8]>,
            }
        },
    );
}

#[test]
fn expand_runtime_endian_record() {
    check(
        "record",
        syn::parse_quote! {
            #[header(endian = "runtime", name = "pcap.record")]
            pub struct Record<'a> {
                #[field(name = "ts.sec")] pub ts_sec: Field<'a, u32>,
                pub ts_frac: Field<'a, u32>,
                #[field(default)] pub incl_len: Field<'a, u32>,
                #[field(bytes = 3, endian = "little")] pub small: Field<'a, u32>,
            }
        },
    );
}

#[test]
fn expand_conditional_and_decoder() {
    check(
        "conditional",
        syn::parse_quote! {
            pub struct Message<'a> {
                pub flags: Field<'a, u8>,
                #[field(when = flags & 1 != 0)] pub extra: Field<'a, u16>,
                #[field(with = decode_name)] pub name: Field<'a, Name<'a>>,
                pub tail: Field<'a, u8>,
            }
        },
    );
}

#[test]
fn expand_schema_errors_emit_stubs() {
    check(
        "errors",
        syn::parse_quote! {
            pub struct Broken<'a> {
                #[field(bits = 3)] pub a: Field<'a, u8>,
                #[field(lenght = 4)] pub b: Field<'a, u16>,
            }
        },
    );
}
