#!/usr/bin/env bash
# The Python module as a user gets it: `pip install ./python` in a fresh
# virtual environment (maturin builds the extension from PyPI alone), then
# python/README.md's doctests and python/tests (against dpkt from PyPI and
# the `pcapdig` command line). Also formats and lints the module's own
# Cargo workspace, which `cargo ... --workspace` at the root leaves out.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac

echo "== python: cargo fmt --check, cargo clippy"
cargo fmt --manifest-path python/Cargo.toml -- --check
CARGO_TARGET_DIR="$target/python" cargo clippy -q --manifest-path python/Cargo.toml -- -D warnings

echo "== python: pip install ./python in a fresh virtual environment"
venv="$target/py-module-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q pytest dpkt pyarrow
CARGO_TARGET_DIR="$target/python" "$venv/bin/python" -m pip install -q ./python

echo "== python: doctests and pytest"
cargo build -q -p pcapdig
# From outside the source tree, so that `import pcapdig` is the installed
# package, not python/pcapdig without its extension.
cd "$(mktemp -d)"
PCAPDIG_BIN="$target/debug/pcapdig" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
    --doctest-glob=README.md "$root/python/README.md" "$root/python/tests"
