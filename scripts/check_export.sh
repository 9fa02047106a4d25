#!/usr/bin/env bash
# The Parquet export read by real engines: the corpus's captures are
# indexed, exported, and DuckDB and Spark (local mode) must give the
# figures `pcapdig sessions --json` gives (scripts/check_export.py).
# Needs python3 (venv) and a Java runtime for Spark (installed from
# Debian's packages when `java` is missing). Skips, saying so, when the
# corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
corpus="${PCAP_CORPUS:-../shared/corpus}"
if [ ! -d "$corpus/pcap" ]; then
    echo "skipping the export check: corpus not found at $corpus (set PCAP_CORPUS)"
    exit 0
fi
if ! command -v java >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
source scripts/py_venv.sh duckdb pyspark
cargo build -q -p pcapdig
bin="$target/debug/pcapdig"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Some corpus files are damaged on purpose: index says so and goes on.
"$bin" index --recursive "$corpus/pcap" --db "$work/c.db" || true
"$bin" export --parquet "$work/export" --db "$work/c.db"
"$PY" scripts/check_export.py "$bin" "$work/c.db" "$work/export"
