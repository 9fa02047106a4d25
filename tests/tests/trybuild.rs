//! The schema suite: one compile-fail case per schema mistake, named after
//! it, with the compiler's messages as `.stderr` snapshots; and schemas that
//! must compile, including one under `#![no_implicit_prelude]`.
//!
//! Regenerate the snapshots after an intended change with
//! `TRYBUILD=overwrite cargo test -p pcap-tests --test trybuild`.

#[test]
fn schema_mistakes_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
}

#[test]
fn valid_schemas_compile() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
}
