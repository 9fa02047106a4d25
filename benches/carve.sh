#!/bin/sh
# Benchmark of `pcapdig carve` against tcpdump on a synthetic capture of
# about 2 GB split into two consecutive files.
# Usage: benches/carve.sh [PACKETS] [FLOWS]   (defaults 3300000, 1000: ~2.1 GB)
#
# Needs: cargo, awk, sed, sort. Optional: tcpdump (`apt-get install -y
# tcpdump`) for the comparison, skipped with a message when absent; mergecap
# (wireshark-common) is not needed: tcpdump runs once per file and the
# times are summed. This script installs nothing. It needs about 2.5x the
# capture size free in $TMPDIR (the files, the index, the outputs); all of
# it is deleted at the end. Files are read warm (from the page cache) by
# both tools: each is run once before it is timed.
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-3300000}
FLOWS=${2:-1000}
. benches/common.sh

"$SYNTH" "$DIR/big.pcap" "$PACKETS" "$FLOWS" 2
F1=$DIR/big-1.pcap
F2=$DIR/big-2.pcap
t0=$(now)
"$BIN" index --db "$DIR/big.db" "$F1" "$F2"
t1=$(now)
awk -v p="$PACKETS" -v a="$t0" -v b="$t1" 'BEGIN { printf "index (2 files): %d packets in %.3f s: %.0f packets/s\n", p, b - a, p / (b - a) }'

# The largest TCP session whose packets are in both files.
LINE=$("$BIN" sessions --db "$DIR/big.db" --json tcp \
    | grep '"files":\["[^"]*","' \
    | sed 's/{"id":\([0-9]*\),.*"src":"\([^"]*\)","sport":\([0-9]*\),"dst":"\([^"]*\)","dport":\([0-9]*\),.*"packets":\([0-9]*\),.*/\6 \1 \2 \3 \4 \5/' \
    | sort -n | tail -1)
if [ -z "$LINE" ]; then
    echo "no session spans both files" >&2
    exit 1
fi
set -- $LINE
N=$1 ID=$2 A=$3 P=$4 B=$5 Q=$6
echo "session $ID: $A:$P <-> $B:$Q, $N packets, in both files"

"$BIN" carve --db "$DIR/big.db" "$ID" -o "$DIR/one.pcap"
rm -f "$DIR/one.pcap"
t0=$(now)
"$BIN" carve --db "$DIR/big.db" "$ID" -o "$DIR/one.pcap"
t1=$(now)
echo "pcapdig carve: $(ms "$t0" "$t1") ms"
CARVE_MS=$(ms "$t0" "$t1")

if command -v tcpdump >/dev/null 2>&1; then
    EXPR="host $A and host $B and port $P and port $Q"
    tcpdump -r "$F1" -w "$DIR/td1.pcap" "$EXPR" 2>/dev/null
    tcpdump -r "$F2" -w "$DIR/td2.pcap" "$EXPR" 2>/dev/null
    t0=$(now)
    tcpdump -r "$F1" -w "$DIR/td1.pcap" "$EXPR" 2>/dev/null
    t1=$(now)
    tcpdump -r "$F2" -w "$DIR/td2.pcap" "$EXPR" 2>/dev/null
    t2=$(now)
    echo "tcpdump -r -w '$EXPR': $(ms "$t0" "$t1") ms + $(ms "$t1" "$t2") ms = $(ms "$t0" "$t2") ms (both files)"
    awk -v c="$CARVE_MS" -v t="$(ms "$t0" "$t2")" 'BEGIN { printf "pcapdig carve is %.0fx faster than the tcpdump rescan\n", t / c }'
    # Same packets: the carved file's size equals the two tcpdump outputs
    # less one file header.
    awk -v a="$(wc -c <"$DIR/one.pcap")" -v b="$(wc -c <"$DIR/td1.pcap")" -v c="$(wc -c <"$DIR/td2.pcap")" \
        'BEGIN { printf "output sizes: carve %d bytes, tcpdump %d + %d - 24 = %d bytes\n", a, b, c, b + c - 24 }'
else
    echo "tcpdump not found: comparison skipped (apt-get install -y tcpdump)"
fi
ls -l "$F1" "$F2" "$DIR/big.db" "$DIR/one.pcap"
