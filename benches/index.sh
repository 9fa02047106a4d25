#!/bin/sh
# Benchmark of `pcapdig index` and `pcapdig carve` on a synthetic capture.
# Usage: benches/index.sh [PACKETS] [FLOWS]   (defaults 1000000, 1000)
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-1000000}
FLOWS=${2:-1000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-idx}
cargo build --release -q -p pcapdig --bin pcapdig --example synth_capture
BIN=$CARGO_TARGET_DIR/release/pcapdig
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$CARGO_TARGET_DIR/release/examples/synth_capture" "$DIR/big.pcap" "$PACKETS" "$FLOWS"
t0=$(date +%s.%N)
"$BIN" index --db "$DIR/big.db" "$DIR/big.pcap"
t1=$(date +%s.%N)
echo "index: $PACKETS packets in $(echo "$t1 - $t0" | bc) s: $(echo "$PACKETS / ($t1 - $t0)" | bc) packets/s"
# The largest TCP session.
BEST=$("$BIN" sessions --db "$DIR/big.db" --json tcp | sed 's/{"id":\([0-9]*\),.*"packets":\([0-9]*\),.*/\2 \1/' | sort -n | tail -1)
N=${BEST% *}
ID=${BEST#* }
t0=$(date +%s.%N)
"$BIN" carve --db "$DIR/big.db" "$ID" -o "$DIR/one.pcap"
t1=$(date +%s.%N)
echo "carve: session $ID ($N packets) in $(echo "$t1 - $t0" | bc) s"
ls -l "$DIR/big.pcap" "$DIR/big.db" "$DIR/one.pcap"
