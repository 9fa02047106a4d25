#!/bin/sh
# Benchmark of `pcapdig sessions` searches (and `pcapdig stats`) on an
# index of SESSIONS short sessions carrying metadata (default 1,000,000):
# a capture from examples/synth_sessions.rs (a DNS query, a TLS
# ClientHello or an HTTP request each, names picked with a skew) indexed
# by `pcapdig index`, as an analyst's database would be.
# Usage: benches/search.sh [SESSIONS]
# Environment: RUNS=N times each command N times (default 5) and gives
# the best wall time and the CPU time (user+sys, 10 ms resolution) of
# that run; DB=PATH keeps the database at PATH and reuses it if it is
# there (indexing 1M sessions takes a minute or more). Each line carries
# the load average: other work on the machine skews wall times, not CPU
# times.
set -eu
cd "$(dirname "$0")/.."
SESSIONS=${1:-1000000}
RUNS=${RUNS:-5}
. benches/common.sh
cargo build --release -q -p pcapdig --example synth_sessions
GEN=$CARGO_TARGET_DIR/release/examples/synth_sessions
DB=${DB:-$DIR/search.db}
if [ ! -s "$DB" ]; then
  "$GEN" "$DIR/sessions.pcap" "$SESSIONS"
  t0=$(now)
  "$BIN" index --db "$DB" "$DIR/sessions.pcap"
  t1=$(now)
  echo "index: $SESSIONS sessions in $(secs "$t0" "$t1") s"
  rm -f "$DIR/sessions.pcap"
fi
echo "database: $(ls -l "$DB" | awk '{ print $5 }') bytes; $("$BIN" sessions --db "$DB" --count) sessions"

# time LABEL ARGS...: runs `pcapdig ARGS` RUNS times, prints the best.
time_cmd() {
  label=$1
  shift
  best=""
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    t0=$(now)
    /usr/bin/time -f "%U %S" -o "$DIR/cpu" "$BIN" "$@" >"$DIR/out"
    t1=$(now)
    wall=$(ms "$t0" "$t1")
    cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$DIR/cpu")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      best_cpu=$cpu
    fi
  done
  result=$(tail -1 "$DIR/out" | cut -c1-40)
  [ "$(wc -l <"$DIR/out")" -gt 1 ] && result="$(($(wc -l <"$DIR/out") - 1)) rows"
  printf '%-58s %8s ms wall  %5s ms cpu  -> %s (load %s)\n' "$label" "$best" "$best_cpu" "$result" "$(load)"
}

S="sessions --db $DB"
echo "-- metadata, exact (index lookups on (key, folded))"
time_cmd 'count tls.sni == popular (1 in 18 TLS sessions)' $S --count 'tls.sni == "host0.zone0.test"'
time_cmd 'count tls.sni == rare' $S --count 'tls.sni == "host5000.zone0.test"'
time_cmd 'count tls.sni == absent' $S --count 'tls.sni == "nowhere.test"'
time_cmd 'count dns.qry.name == (other case)' $S --count 'dns.qry.name == "HOST7.ZONE7.TEST"'
time_cmd 'count http.host in {3 names}' $S --count 'http.host in {"host1.zone1.test" "host2.zone2.test" "host3.zone3.test"}'
time_cmd 'count http.request.method == GET (every HTTP session)' $S --count 'http.request.method == "GET"'
time_cmd 'list tls.sni == rare' $S 'tls.sni == "host5000.zone0.test"'
time_cmd 'list http.request.method == GET --limit 20' $S --limit 20 'http.request.method == "GET"'
time_cmd 'list http.request.method == GET --limit 20 --desc' $S --limit 20 --desc 'http.request.method == "GET"'
time_cmd 'list tls.sni == popular --limit 20' $S --limit 20 'tls.sni == "host0.zone0.test"'
time_cmd 'list tls.sni == popular --limit 20 --sort bytes --desc' $S --limit 20 --sort bytes --desc 'tls.sni == "host0.zone0.test"'
echo "-- metadata, prefix (matches \"^literal...\": a range of (key, folded))"
time_cmd 'count dns.qry.name matches ^www\.host1' $S --count 'dns.qry.name matches "^www\\.host1"'
time_cmd 'count http.host matches ^www\.host123' $S --count 'http.host matches "^www\\.host123"'
time_cmd 'list dns.qry.name matches ^www\.host1234 ' $S 'dns.qry.name matches "^www\\.host1234"'
time_cmd 'list dns.qry.name matches ^www\.host1 --limit 20' $S --limit 20 'dns.qry.name matches "^www\\.host1"'
echo "-- metadata, unindexed (for comparison: every value of the key read)"
time_cmd 'count dns.qry.name contains host1234.' $S --count 'dns.qry.name contains "host1234."'
echo "-- addresses and ports"
time_cmd 'count host A' $S --count 'host 10.0.204.187'
time_cmd 'list host A' $S 'host 10.0.204.187'
time_cmd 'count src net /24' $S --count 'src net 10.0.1.0/24'
time_cmd 'list dst host S --limit 20' $S --limit 20 'dst host 172.16.1.1'
time_cmd 'count dst port 443 (a third of the sessions)' $S --count 'dst port 443'
time_cmd 'count tls.sni == popular and dst port 443' $S --count 'tls.sni == "host0.zone0.test" and dst port 443'
time_cmd 'list --limit 20 (first sessions)' $S --limit 20
echo "-- stats"
time_cmd 'stats host A' stats --db "$DB" 'host 10.0.204.187'
time_cmd 'stats --since/--until 1 minute (60,000 sessions)' stats --db "$DB" --since 2023-11-14T22:20:00Z --until 2023-11-14T22:21:00Z
time_cmd 'stats (all sessions)' stats --db "$DB"
