#!/usr/bin/env bash
# Regenerates pcapdig/tests/data/tshark_2pass_frames.tsv: for the corpus
# captures with IP fragments, the frames tshark exports for each stream
# when it reassembles (two passes, so the fragments a stream's frames were
# rebuilt from are exported too):
#
#   tshark -2 -r FILE -Y 'tcp.stream eq N' -w OUT     (udp.stream for UDP)
#
# OUT's records are matched back to FILE's frame numbers by their bytes
# (in order: OUT keeps FILE's order).
# Needs tshark (Debian 12: 4.0.17) and python3. The corpus is found in
# ../shared/corpus or $PCAP_CORPUS.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${PCAP_CORPUS:-../shared/corpus}
out=pcapdig/tests/data/tshark_2pass_frames.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
    echo "# Made by scripts/tshark_2pass_frames.sh with $(tshark --version 2>/dev/null | sed -n 1p)"
    printf 'capture\tproto\tstream\tframes\n'
    for name in fragmented-1.pcap fragmented-4.pcap socks5-http-302-frag.pcap \
        ipv4frags.pcap ipv6-fragmented-dns.pcap ipv6-http-atomic-frag.pcap; do
        streams="$corpus/expected/$name.streams.tsv"
        [ -f "$streams" ] || continue
        tail -n +2 "$streams" | while IFS=$'\t' read -r proto stream _rest; do
            tshark -2 -r "$corpus/pcap/$name" -Y "$proto.stream eq $stream" -F pcap -w "$tmp/x.pcap" 2>/dev/null
            frames=$(python3 - "$corpus/pcap/$name" "$tmp/x.pcap" <<'PY'
import struct, sys

def records(path):
    data = open(path, 'rb').read()
    magic = data[:4]
    endian = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    off, out = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + 'I', data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return out

original, exported = records(sys.argv[1]), records(sys.argv[2])
frames, i = [], 0
for rec in exported:
    while original[i] != rec:
        i += 1
    i += 1
    frames.append(str(i))
print(','.join(frames))
PY
)
            printf '%s\t%s\t%s\t%s\n' "$name" "$proto" "$stream" "$frames"
        done
    done
} > "$out"
echo "wrote $out"
