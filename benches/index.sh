#!/bin/sh
# Benchmark of `pcapdig index` and `pcapdig carve` on a synthetic capture.
# Usage: benches/index.sh [PACKETS] [FLOWS]   (defaults 1000000, 1000)
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-1000000}
FLOWS=${2:-1000}
. benches/common.sh
"$SYNTH" "$DIR/big.pcap" "$PACKETS" "$FLOWS"
t0=$(date +%s.%N)
"$BIN" index --db "$DIR/big.db" "$DIR/big.pcap"
t1=$(date +%s.%N)
awk -v p="$PACKETS" -v a="$t0" -v b="$t1" 'BEGIN { printf "index: %d packets in %.3f s: %.0f packets/s\n", p, b - a, p / (b - a) }'
# The largest TCP session.
BEST=$("$BIN" sessions --db "$DIR/big.db" --json tcp | sed 's/{"id":\([0-9]*\),.*"packets":\([0-9]*\),.*/\2 \1/' | sort -n | tail -1)
N=${BEST% *}
ID=${BEST#* }
t0=$(date +%s.%N)
"$BIN" carve --db "$DIR/big.db" "$ID" -o "$DIR/one.pcap"
t1=$(date +%s.%N)
awk -v n="$N" -v id="$ID" -v a="$t0" -v b="$t1" 'BEGIN { printf "carve: session %s (%d packets) in %.1f ms\n", id, n, (b - a) * 1000 }'
ls -l "$DIR/big.pcap" "$DIR/big.db" "$DIR/one.pcap"
