#!/bin/sh
# Benchmark of `pcapdig fields` against tshark 4.0 on a synthetic capture,
# five L2–L4 fields, both tools printing the same text.
# Usage: benches/fields.sh [PACKETS] [RUNS]   (defaults 300000, 10)
#
# SOURCE=shared takes the capture from ../shared/perf/gen_pcap.py (run
# from there, `--flows 5000 --seed 42`: the reference generator; PACKETS
# 1540000 is the 1 GiB reference capture) instead of examples/synth_capture,
# and PCAP=FILE takes FILE as it is. FIELDS overrides the fields (tshark
# `-e` arguments), e.g. FIELDS="-e ip.src -e ip.dst -e ip.proto -e
# tcp.srcport -e tcp.dstport".
#
# Needs: cargo, awk, cmp. Optional: tshark (`apt-get install -y tshark`)
# for the comparison, skipped with a message when absent. This script
# installs nothing. pcapdig's figure is the best of RUNS runs; tshark, ~100
# times slower, runs once. The file is read warm (from the page cache) by
# both: it was just written. The outputs are compared byte for byte.
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-300000}
RUNS=${2:-10}
. benches/common.sh

F=$DIR/f.pcap
if [ -n "${PCAP:-}" ]; then
    F=$PCAP
elif [ "${SOURCE:-synth}" = shared ]; then
    python3 ../shared/perf/gen_pcap.py --out "$F" --packets "$PACKETS" --flows 5000 --seed 42 >/dev/null
else
    "$SYNTH" "$F" "$PACKETS" 1000
fi
FIELDS=${FIELDS:-"-e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport"}

best=
i=0
while [ "$i" -lt "$RUNS" ]; do
    t0=$(now)
    # shellcheck disable=SC2086 # FIELDS is a list of arguments
    "$BIN" fields "$F" $FIELDS >"$DIR/ours.tsv"
    t1=$(now)
    t=$(secs "$t0" "$t1")
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then
        best=$t
    fi
    i=$((i + 1))
done
echo "pcapdig fields: $PACKETS packets in $best s (best of $RUNS)"

if ! command -v tshark >/dev/null 2>&1; then
    echo "tshark not found: comparison skipped (apt-get install -y tshark)"
    exit 0
fi
t0=$(now)
# The flags SPEC gives for `fields` (each packet dissected on its own).
# shellcheck disable=SC2086
tshark -n -r "$F" -o tcp.desegment_tcp_streams:FALSE -o ip.defragment:FALSE \
    -o ipv6.defragment:FALSE -T fields -E header=y -E separator=/t -E occurrence=a \
    -E aggregator=, -E quote=n $FIELDS >"$DIR/tshark.tsv" 2>/dev/null
t1=$(now)
t=$(secs "$t0" "$t1")
echo "tshark: $t s"
awk -v a="$best" -v b="$t" 'BEGIN { printf "pcapdig fields is %.0fx faster\n", b / a }'
if cmp -s "$DIR/ours.tsv" "$DIR/tshark.tsv"; then
    echo "outputs identical"
else
    echo "outputs DIFFER" >&2
    exit 1
fi
