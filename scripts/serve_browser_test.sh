#!/bin/sh
# Browser test of `pcapdig serve` (run by .ci/run): indexes a synthetic
# capture, serves it on 127.0.0.1 (a free port), and loads the page in
# headless Chromium twice:
#   1. `/?q=EXPR`: the rendered DOM must hold exactly the session rows
#      `pcapdig sessions EXPR` lists, in its order;
#   2. `/?q=EXPR&session=ID`: the script must have fetched the session and
#      shown its packets as `show` prints them (`PACKET( number=1`).
# Usage: scripts/serve_browser_test.sh [SCREENSHOT.png]  (also saves a
# screenshot of the second page when given one: the README's).
# Needs: cargo, chromium (Debian's `chromium` package).
set -eu
cd "$(dirname "$0")/.."
SHOT=${1:-}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build -q -p pcapdig --bin pcapdig --example synth_capture
BIN=$CARGO_TARGET_DIR/debug/pcapdig
DIR=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "serve_browser_test: chromium not found (apt-get install chromium)" >&2
    exit 1
fi

"$CARGO_TARGET_DIR/debug/examples/synth_capture" "$DIR/t.pcap" 3000 60
"$BIN" index --db "$DIR/t.db" "$DIR/t.pcap" 2>/dev/null
"$BIN" serve --db "$DIR/t.db" --listen 127.0.0.1:0 > "$DIR/url" 2>"$DIR/serve.err" &
PID=$!
i=0
while [ ! -s "$DIR/url" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "serve did not start: $(cat "$DIR/serve.err")" >&2; exit 1; fi
    sleep 0.1
done
URL=$(head -1 "$DIR/url")

browse() { # browse URL [more chromium flags]: the DOM after the scripts ran
    u=$1; shift
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --user-data-dir="$DIR/profile" --virtual-time-budget=15000 \
        "$@" "$u" 2>/dev/null
}
ids() { grep -o '<tr class="session" data-id="[0-9]*"' | sed 's/.*data-id="\([0-9]*\)"/\1/'; }

EXPR='tcp and port 22'
Q='tcp+and+port+22'
"$BIN" sessions --db "$DIR/t.db" --json "$EXPR" | sed 's/^{"id":\([0-9]*\),.*/\1/' > "$DIR/want"
[ -s "$DIR/want" ] || { echo "no session matches $EXPR" >&2; exit 1; }
browse "$URL?q=$Q" --dump-dom > "$DIR/page.html"
ids < "$DIR/page.html" > "$DIR/got"
if ! cmp -s "$DIR/want" "$DIR/got"; then
    echo "FAIL: rows rendered for ?q=$Q differ from pcapdig sessions" >&2
    diff "$DIR/want" "$DIR/got" >&2 || true
    exit 1
fi
echo "ok: ?q=$Q renders the $(wc -l < "$DIR/got") sessions pcapdig sessions lists"

ID=$(head -1 "$DIR/want")
browse "$URL?q=$Q&session=$ID" --dump-dom > "$DIR/detail.html"
for want in "Session $ID:" "PACKET( number=1," "Download pcap" "client → server"; do
    if ! grep -qF "$want" "$DIR/detail.html"; then
        echo "FAIL: the session's detail lacks \"$want\"" >&2
        exit 1
    fi
done
echo "ok: ?session=$ID shows its packets as show prints them, and its payload"

if [ -n "$SHOT" ]; then
    browse "$URL?q=$Q&session=$ID" --window-size=1400,1000 --hide-scrollbars --screenshot="$DIR/shot.png" >/dev/null
    cp "$DIR/shot.png" "$SHOT"
    echo "screenshot: $SHOT"
fi
