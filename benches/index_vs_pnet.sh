#!/bin/sh
# `pcapdig index` against ../shared/perf/rust-baselines' `pnet_flows --reader
# read` (pnet_packet views + a HashMap of every packet's offset: the fastest
# program a Rust user would write) on the reference capture of
# ../shared/perf/README.md, both run alternately in one loop.
# Usage: benches/index_vs_pnet.sh [PACKETS] [FLOWS] [RUNS]
#        (defaults 1540000 5000 7: the 1 GiB reference capture)
#
# Each run of `index` writes a fresh database, default settings (session
# metadata on). Prints each run, then for both programs the median wall
# time with its min–max, peak RSS (GNU time's maximum resident set size),
# the ratio of medians (pnet / pcapdig: above 1, pcapdig is faster) with
# the spread of the per-pair ratios, and the database's bytes per packet.
#
# Needs: cargo, python3, GNU time (/usr/bin/time), awk. The generator and
# the baselines are run from ../shared/perf, never copied: the capture is
# written to $PERF_DIR (default: a temporary directory, deleted at the end;
# give PERF_PCAP=FILE to reuse a capture generated with the same
# arguments), the baselines are built into $BASELINE_TARGET (default
# $DIR/baselines; give a directory to keep the build between runs).
set -eu
cd "$(dirname "$0")/.."
PACKETS=${1:-1540000}
FLOWS=${2:-5000}
RUNS=${3:-7}
SHARED=${SHARED:-../shared/perf}
. benches/common.sh
if [ ! -x /usr/bin/time ]; then
    echo "GNU time (/usr/bin/time) not found: apt-get install -y time" >&2
    exit 1
fi
BASELINE_TARGET=${BASELINE_TARGET:-$DIR/baselines}
CARGO_TARGET_DIR=$BASELINE_TARGET cargo build --release -q \
    --manifest-path "$SHARED/rust-baselines/Cargo.toml" --bin pnet_flows
PNET=$BASELINE_TARGET/release/pnet_flows
PCAP=${PERF_PCAP:-$DIR/perf.pcap}
if [ ! -f "$PCAP" ]; then
    python3 "$SHARED/gen_pcap.py" --out "$PCAP" --packets "$PACKETS" --flows "$FLOWS" --seed 42
fi
# Warm the page cache for both.
"$PNET" "$PCAP" --reader read >/dev/null

# `timed NAME CMD...`: runs CMD, appends "NAME wall rss_kb" to $DIR/runs.
timed() {
    name=$1
    shift
    /usr/bin/time -f "%e %M %U %S" -o "$DIR/t" "$@" >/dev/null 2>"$DIR/err" || {
        cat "$DIR/err" >&2
        exit 1
    }
    read -r wall rss user sys <"$DIR/t"
    echo "$name $wall $rss" >>"$DIR/runs"
    printf '%-8s %6.3f s  user %5.2f  sys %5.2f  peak RSS %4d MiB  (load %s)\n' \
        "$name" "$wall" "$user" "$sys" $((rss / 1024)) "$(load)"
}
i=0
while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    timed pnet "$PNET" "$PCAP" --reader read
    rm -f "$DIR/i.db" "$DIR/i.db-wal" "$DIR/i.db-shm"
    timed pcapdig "$BIN" index --db "$DIR/i.db" "$PCAP"
done
DB_BYTES=$(wc -c <"$DIR/i.db")
awk -v db="$DB_BYTES" -v packets="$PACKETS" '
    function median(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    $1 == "pnet" { np++; pw[np] = $2; pr = ($3 > pr) ? $3 : pr; last = $2 }
    $1 == "pcapdig" { nd++; dw[nd] = $2; dr = ($3 > dr) ? $3 : dr; r[nd] = last / $2 }
    END {
        for (i = 1; i <= np; i++) pc[i] = pw[i]; for (i = 1; i <= nd; i++) dc[i] = dw[i]
        for (i = 1; i <= nd; i++) rc[i] = r[i]
        mp = median(pc, np); md = median(dc, nd); mr = median(rc, nd)
        printf "pnet_flows --reader read: median %.3f s (%.3f-%.3f), peak RSS %d MiB\n", mp, pc[1], pc[np], pr / 1024
        printf "pcapdig index:            median %.3f s (%.3f-%.3f), peak RSS %d MiB\n", md, dc[1], dc[nd], dr / 1024
        printf "pcapdig index is %.2fx pnet_flows (ratio of medians; per-pair ratios median %.2f, %.2f-%.2f, %d pairs)\n", mp / md, mr, rc[1], rc[nd], nd
        printf "database: %d bytes, %.1f bytes per packet\n", db, db / packets
    }' "$DIR/runs"
