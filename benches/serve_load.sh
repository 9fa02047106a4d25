#!/bin/sh
# Load test of `pcapdig serve` on loopback: CLIENTS concurrent keep-alive
# clients for SECONDS, two searches for each pcap download; every pcap is
# compared byte for byte with what `pcapdig carve` wrote for that session.
# Prints p50/p99 latencies of each kind, and the server's resident memory
# before, at the end and at its peak (a leak shows as growth).
# Usage: benches/serve_load.sh [SECONDS] [CLIENTS] [PACKETS] [FLOWS]
#        (defaults 20, 200, 200000, 2000)
# Needs: cargo, awk. Installs nothing; its files go to a temporary
# directory deleted at the end.
set -eu
cd "$(dirname "$0")/.."
SECONDS_=${1:-20}
CLIENTS=${2:-200}
PACKETS=${3:-200000}
FLOWS=${4:-2000}
. benches/common.sh
cargo build --release -q -p pcapdig --example serve_load
LOAD=$CARGO_TARGET_DIR/release/examples/serve_load

"$SYNTH" "$DIR/load.pcap" "$PACKETS" "$FLOWS"
"$BIN" index --db "$DIR/load.db" "$DIR/load.pcap" 2>/dev/null
mkdir "$DIR/want"
# 40 sessions spread over the listing, each carved by the command line.
TOTAL=$("$BIN" sessions --db "$DIR/load.db" --count)
STEP=$((TOTAL / 40 + 1))
"$BIN" sessions --db "$DIR/load.db" --json \
    | sed 's/^{"id":\([0-9]*\),.*/\1/' | awk -v s="$STEP" 'NR % s == 1' \
    | while read -r id; do
        "$BIN" carve --db "$DIR/load.db" "$id" -o "$DIR/want/$id.pcap" 2>/dev/null
    done
cat > "$DIR/want/exprs.txt" <<'X'
tcp and port 80
udp
host 10.0.0.7 or host 10.0.1.9
net 192.0.2.0/24 and not port 22
tcp and (port 443 or port 8080)
X
"$BIN" serve --db "$DIR/load.db" --listen 127.0.0.1:0 > "$DIR/url" 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
while [ ! -s "$DIR/url" ]; do sleep 0.1; done
ADDR=$(sed 's|http://||; s|/$||' "$DIR/url")
rss() { awk -v k="$1" '$1 == k ":" { print $2 " kB" }' "/proc/$PID/status"; }
echo "serving $TOTAL sessions at $ADDR; $(ls "$DIR/want" | grep -c pcap) pcaps to verify; load $(load)"
echo "server RSS before: $(rss VmRSS)"
"$LOAD" "$ADDR" "$DIR/want" "$SECONDS_" "$CLIENTS"
echo "server RSS after: $(rss VmRSS), peak $(rss VmHWM)"
