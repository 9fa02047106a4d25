#!/usr/bin/env bash
# Regenerates tests/tests/fixtures/layer_fields/*.tsv: what tshark 4.0 prints
# (-T fields, first occurrence) for every field of the built-in layer headers
# that tshark also has, on the first frames of a few corpus captures.
# tests/tests/layer_fields_tshark.rs compares the derive's visitor
# (`Header::visit_bytes` + `FieldValue::write_tshark`) with these files.
#
# Usage: scripts/tshark_layer_fields.sh [CORPUS_DIR]   (default ../shared/corpus)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-${PCAP_CORPUS:-$here/../shared/corpus}}
out=$here/tests/tests/fixtures/layer_fields
frames=12

# Captures: one or two per layer, plus snaplen-cut and malformed headers.
captures=(
  http.pcap dns-udp.pcap http-vlan-0.pcap dot1ad.pcap 5-pings.pcap v6-http.pcap
  fragmented-1.pcap tcp-handshake-nano.pcap linux_dlt_sll2.pcap test_loopback.pcap
  ipv6-gtp6.pcap ip4-trunc.pcap ip-bogus-header-len.pcap truncated_dns_2.pcap
)

# Every field of the layer headers in protocols/src/*.rs whose full name
# tshark knows (the test checks this list against the headers' FIELDS).
fields=(
  eth.dst eth.src eth.type
  vlan.priority vlan.dei vlan.id vlan.etype
  ip.version ip.hdr_len ip.dsfield.dscp ip.dsfield.ecn ip.len ip.id
  ip.flags.rb ip.flags.df ip.flags.mf ip.frag_offset ip.ttl ip.proto
  ip.checksum ip.src ip.dst
  ipv6.version ipv6.tclass ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim ipv6.src ipv6.dst
  tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.hdr_len tcp.flags
  tcp.window_size_value tcp.checksum tcp.urgent_pointer tcp.options
  udp.srcport udp.dstport udp.length udp.checksum
  icmp.type icmp.code icmp.checksum
  dns.id dns.flags.response dns.flags.opcode dns.flags.authoritative
  dns.flags.truncated dns.flags.recdesired dns.flags.recavail dns.flags.z
  dns.flags.authenticated dns.flags.checkdisable dns.flags.rcode
  dns.count.queries dns.count.answers dns.count.auth_rr dns.count.add_rr
  sll.pkttype sll.hatype sll.halen sll.etype sll.ifindex
  null.family
  gtp.flags.version gtp.flags.payload gtp.flags.reserved gtp.flags.e
  gtp.flags.s gtp.flags.pn gtp.message gtp.length gtp.teid gtp.seq_number
  gtp.npdu_number gtp.ext_hdr.next
  sctp.srcport sctp.dstport sctp.verification_tag sctp.checksum
)

args=()
for f in frame.number "${fields[@]}"; do args+=(-e "$f"); done

mkdir -p "$out"
for c in "${captures[@]}"; do
  tshark -n -r "$corpus/pcap/$c" -c "$frames" \
    -o tcp.desegment_tcp_streams:FALSE -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
    -T fields -E header=y -E separator=/t -E occurrence=f -E quote=n \
    "${args[@]}" 2>/dev/null > "$out/$c.tsv" || true  # a cut file: tshark prints what it read, then fails
  echo "$c: $(($(wc -l < "$out/$c.tsv") - 1)) frames"
done
