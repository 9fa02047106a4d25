#!/bin/sh
# Benchmark of `pcapdig index` and `pcapdig carve` on a synthetic capture.
# Usage: benches/index.sh [PACKETS] [FLOWS]   (defaults 1000000, 1000)
# With RUNS=N in the environment, `index` runs N times (a new database
# each time) and the median is given too; each run's line carries the
# load average, as other work on the machine skews the times.
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-1000000}
FLOWS=${2:-1000}
RUNS=${RUNS:-1}
. benches/common.sh
"$SYNTH" "$DIR/big.pcap" "$PACKETS" "$FLOWS"
i=0
while [ "$i" -lt "$RUNS" ]; do
  i=$((i + 1))
  rm -f "$DIR/big.db" "$DIR/big.db-wal" "$DIR/big.db-shm"
  t0=$(now)
  "$BIN" index --db "$DIR/big.db" "$DIR/big.pcap"
  t1=$(now)
  echo "$(secs "$t0" "$t1")" >>"$DIR/index-times"
  awk -v p="$PACKETS" -v a="$t0" -v b="$t1" -v l="$(load)" 'BEGIN { printf "index: %d packets in %.3f s: %.0f packets/s (load average %s)\n", p, b - a, p / (b - a), l }'
done
if [ "$RUNS" -gt 1 ]; then
  sort -n "$DIR/index-times" | awk '{ v[NR] = $1; s += $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "index: %d runs: median %.3f s, mean %.3f s, min %.3f s, max %.3f s\n", NR, m, s / NR, v[1], v[NR] }'
fi
# The largest TCP session.
BEST=$("$BIN" sessions --db "$DIR/big.db" --json tcp | sed 's/{"id":\([0-9]*\),.*"packets":\([0-9]*\),.*/\2 \1/' | sort -n | tail -1)
N=${BEST% *}
ID=${BEST#* }
t0=$(now)
"$BIN" carve --db "$DIR/big.db" "$ID" -o "$DIR/one.pcap"
t1=$(now)
echo "carve: session $ID ($N packets) in $(ms "$t0" "$t1") ms"
ls -l "$DIR/big.pcap" "$DIR/big.db" "$DIR/one.pcap"
