#!/bin/sh
# Regenerates examples/data/vxlan.pcap (the capture the pcapdig_vxlan
# example's tests build in code) and tshark's output for it,
# examples/data/vxlan.fields.tsv, which those tests compare with.
# Needs tshark 4.0 (the version the fixture was made with: see the header
# of this script's output in git history).
set -eu
cd "$(dirname "$0")/.."
PCAPDIG_BLESS=1 cargo test -q -p pcap-examples --example pcapdig_vxlan committed_capture
# The same columns as COLUMNS in examples/pcapdig_vxlan.rs.
tshark -n -r examples/data/vxlan.pcap \
    -o tcp.desegment_tcp_streams:FALSE -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
    -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, -E quote=n \
    -e frame.number -e vxlan.vni -e eth.src -e ip.src -e ip.dst -e udp.srcport \
    -e tcp.dstport -e vxlan.flags -e vxlan.gbp -e eth.dst -e eth.type -e udp.dstport \
    > examples/data/vxlan.fields.tsv
echo "wrote examples/data/vxlan.pcap and examples/data/vxlan.fields.tsv ($(tshark --version | head -1))"
