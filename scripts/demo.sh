#!/bin/sh
# The main job on a bundled example, from a fresh clone: builds pcapdig,
# writes a synthetic capture (20 000 Ethernet/IPv4 TCP+UDP packets in 200
# flows, generated in code: nothing to download), prints fields as tshark
# would, indexes its sessions into SQLite, searches them with a tcpdump-style
# expression, carves one session back out by offset and shows it.
# Usage: scripts/demo.sh [PACKETS] [FLOWS]
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-20000}
FLOWS=${2:-200}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p pcapdig --bin pcapdig --example synth_capture
BIN=$TARGET/release/pcapdig
OUT=$TARGET/demo
mkdir -p "$OUT"
rm -f "$OUT/demo.db" "$OUT/demo.db-wal" "$OUT/demo.db-shm"

echo "== a capture: $OUT/demo.pcap"
"$TARGET/release/examples/synth_capture" "$OUT/demo.pcap" "$PACKETS" "$FLOWS"

echo
echo "== pcapdig fields (first packets)"
"$BIN" fields "$OUT/demo.pcap" -e frame.number -e frame.time_epoch -e ip.src -e ip.dst \
    -e ip.proto -e tcp.srcport -e tcp.dstport -e udp.dstport -e communityid | head -6

echo
echo "== pcapdig index"
"$BIN" index --db "$OUT/demo.db" "$OUT/demo.pcap"

echo
echo "== pcapdig sessions 'tcp' (first 5)"
"$BIN" sessions --db "$OUT/demo.db" --limit 5 tcp

ID=$("$BIN" sessions --db "$OUT/demo.db" --json --limit 1 tcp | sed 's/^{"id":\([0-9]*\).*/\1/')
echo
echo "== pcapdig carve $ID -o $OUT/session.pcap"
"$BIN" carve --db "$OUT/demo.db" "$ID" -o "$OUT/session.pcap"

echo
echo "== pcapdig show $OUT/session.pcap -c 2"
"$BIN" show "$OUT/session.pcap" -c 2
