# Shared by the benchmark scripts (sourced, not run): builds pcapdig and the
# capture generator in release mode, and sets
#   BIN    the pcapdig binary
#   SYNTH  the generator (examples/synth_capture.rs: OUT [PACKETS] [FLOWS] [FILES])
#   DIR    a temporary directory, deleted on exit
# and the helpers `now` (seconds, nanosecond precision), `ms A B` and
# `secs A B` (the time from A to B), and `load` (the 1-minute load
# average: other work on the machine skews timings).
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p pcapdig --bin pcapdig --example synth_capture
BIN=$CARGO_TARGET_DIR/release/pcapdig
SYNTH=$CARGO_TARGET_DIR/release/examples/synth_capture
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown; }
