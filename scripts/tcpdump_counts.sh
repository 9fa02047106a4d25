#!/usr/bin/env bash
# Counts the packets tcpdump selects for a table of (capture, expression)
# pairs over the shared corpus, and writes tests/data/tcpdump_counts.tsv:
# the reference the test tests/tests/corpus_tcpdump.rs compares pcapdig's
# packet filter with (and, where tcpdump is installed, checks is current).
#
# Usage: scripts/tcpdump_counts.sh [CORPUS_DIR]   (default: ../shared/corpus,
# or $PCAP_CORPUS). Needs tcpdump (apt-get install tcpdump).
#
# pcapdig's filters look through VLAN tags on purpose (`host X` matches a
# tagged frame), where tcpdump needs `vlan and host X`: rows on tagged
# captures spell `vlan and ...` as tcpdump needs (which means the same in
# pcapdig); all other rows use captures without tags.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-${PCAP_CORPUS:-$here/../shared/corpus}}"
out="$here/tests/data/tcpdump_counts.tsv"
command -v tcpdump >/dev/null || { echo "tcpdump not found (apt-get install tcpdump)" >&2; exit 1; }

# capture <TAB> expression
read -r -d '' TABLE <<'ROWS' || true
http.pcap	tcp
http.pcap	udp
http.pcap	host 145.254.160.237 or host 145.253.2.203 and udp
http.pcap	udp or host 65.208.228.223 and tcp
http.pcap	tcp and port 80 or udp and port 53
http.pcap	not tcp or port 3371
http.pcap	src host 145.254.160.237 and dst port 80
http.pcap	tcp[13] & 2 != 0
http.pcap	tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack != 0
http.pcap	tcp[tcpflags] & (tcp-fin|tcp-rst) != 0
http.pcap	tcp[tcpflags] & tcp-push != 0
http.pcap	tcp[tcpflags] == tcp-ack
http.pcap	(tcp[12] & 0xf0) >> 2 > 20
http.pcap	ip[8] < 64
http.pcap	ip[8] >= 64 and ip[8] <= 128
http.pcap	ip[6:2] & 0x1fff != 0
http.pcap	tcp and ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) > 0
http.pcap	greater 500
http.pcap	less 60
http.pcap	len > 1000 and len % 2 = 0
http.pcap	len * 2 >= 3000 or len / 100 == 0
http.pcap	ether src 00:00:01:00:00:00
http.pcap	ether dst fe:ff:20:00:01:00 and tcp
http.pcap	ether host fe:ff:20:00:01:00
http.pcap	ether[0] & 1 = 0
http.pcap	ether[12:2] = 0x0800
http.pcap	ether proto 0x0800
http.pcap	ip proto \tcp
http.pcap	ip proto 17
http.pcap	port http
http.pcap	port domain
http.pcap	src port http or dst port domain
http.pcap	udp[0:2] = 3009 or udp[2:2] = 3009
http.pcap	udp[4:2] > 100
http.pcap	tcp[0:4] ^ tcp[0:4] = 0 and tcp[2:2] | 0 = 80
http.pcap	tcp[4:4] != 0 and -len < 0
wikipedia.pcap	arp
wikipedia.pcap	not arp
wikipedia.pcap	rarp
wikipedia.pcap	ether proto \arp or udp
wikipedia.pcap	ether dst ff:ff:ff:ff:ff:ff
wikipedia.pcap	ether[0] & 1 != 0
wikipedia.pcap	port 137 or arp and ether src f0:4d:a2:47:ba:25
wikipedia.pcap	port netbios-ns
cooper-grill-dvwa.pcapng	arp
cooper-grill-dvwa.pcapng	arp or tcp[tcpflags] & tcp-syn != 0
cooper-grill-dvwa.pcapng	ether src 00:0c:29:62:8f:31 and tcp
combined.pcap	ip6
combined.pcap	ip
combined.pcap	arp
combined.pcap	ip6 and tcp
combined.pcap	ip6 proto 6
combined.pcap	ip6[6] = 6
combined.pcap	port smtp or port 25
combined.pcap	ip proto \udp or ip6 proto \tcp
5-pings.pcap	icmp
5-pings.pcap	icmp[icmptype] = icmp-echo
5-pings.pcap	icmp[icmptype] == icmp-echoreply
5-pings.pcap	icmp[icmpcode] = 0 and icmp[icmptype] != icmp-unreach
5-pings.pcap	ip[8] > 100
icmp-destunreach-udp.pcap	icmp[icmptype] = icmp-unreach
icmp-destunreach-udp.pcap	icmp[0] = 3 and icmp[1] = 3
icmp6-ping.pcap	icmp6
icmp6-ping.pcap	icmp6[icmp6type] = icmp6-echo
icmp6-ping.pcap	icmp6[0] = 129
icmp6-ping.pcap	ip6[7] < 64
ipv4frags.pcap	ip[6:2] & 0x1fff != 0
ipv4frags.pcap	icmp
ipv4frags.pcap	icmp[icmptype] = icmp-echo
fragmented-1.pcap	udp
fragmented-1.pcap	udp[0:2] > 0
fragmented-1.pcap	ip[6] & 0x20 != 0
fragmented-4.pcap	tcp[13] & 2 != 0
fragmented-4.pcap	tcp[0:2] > 0
dns-wiresharkrepo.pcap	udp dst port domain
dns-wiresharkrepo.pcap	udp[8:2] = 0x0000 or udp[10] & 0x80 != 0
dns-wiresharkrepo.pcap	greater 100 and less 200
methods.pcap	tcp[tcpflags] & tcp-syn != 0
methods.pcap	tcp[13] = 0x18
methods.pcap	host 128.2.6.136 or host 173.194.75.103 and port 80 and tcp[13] & 1 = 1
methods.pcap	greater 1000
methods.pcap	tcp[tcp[12] >> 4 << 2:4] = 0x47455420
bro.org.pcap	tcp[tcpflags] & (tcp-syn|tcp-fin) != 0
bro.org.pcap	less 100 or greater 1400
LINKTYPE_RAW_ipv4.pcap	ip
LINKTYPE_RAW_ipv4.pcap	ip[0] = 0x45
LINKTYPE_RAW_ipv4.pcap	ether[0] = 0x45
tcp-fast-open.pcap	tcp[tcpflags] & tcp-syn != 0 and len > 80
tcp-fast-open.pcap	tcp[tcpflags] & (tcp-ece|tcp-cwr) != 0
http-vlan-0.pcap	vlan
http-vlan-0.pcap	vlan 0
http-vlan-0.pcap	vlan and tcp
http-vlan-0.pcap	vlan and tcp[13] & 2 != 0
http-qinq-0.pcap	vlan and vlan and tcp
vlan-pcp-dei.pcapng	vlan
linux_dlt_sll2.pcap	arp
tcp-handshake-nano.pcap	tcp[13] & 2 != 0
tcp-handshake-nano.pcap	ip[8] = 64
mptcp-v1.pcap	tcp[tcpflags] & tcp-syn != 0
LINKTYPE_RAW_ipv6.pcap	ip6[6] = 17
pfcp.pcap	udp[0:2] = 8805
ROWS

tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
{
    echo "# Packet counts of tcpdump $(tcpdump --version 2>&1 | head -1 | awk '{print $3}') ($(tcpdump --version 2>&1 | sed -n 2p)) on the shared corpus; regenerate with scripts/tcpdump_counts.sh."
    echo "# Counted with: tcpdump -n -r CAPTURE --count EXPRESSION"
    echo "# Deliberate differences from tcpdump, avoided by the rows below:"
    echo "#   - pcapdig looks through VLAN tags (host/port/proto/ip[...]/tcp[...] apply to the packet inside the tags); tcpdump needs 'vlan and ...'. Rows on tagged captures say 'vlan and ...'."
    echo "#   - 'vlan N' matches any of a frame's tags in pcapdig; in tcpdump it tests the outermost tag (a further 'vlan' the next one): 'vlan 20' on vlan-pcp-dei.pcapng is 6 packets in pcapdig, 3 in tcpdump."
    echo "#   - tcp[...], udp[...] read IPv6 packets' transport headers too in pcapdig; libpcap 1.10 reads them for IPv4 only (on test_loopback.pcap, IPv6 over BSD loopback, 'tcp[tcpflags] & tcp-syn != 0' is 2 packets in pcapdig, 0 in tcpdump). Rows here use IPv4 for them."
    echo "#   - ip6 proto, tcp/udp/icmp6 and tcp[...] on IPv6 follow all extension headers in pcapdig; tcpdump only the fixed header (and one fragment header). No capture here has IPv6 extension headers."
    echo "#   - 'ip'/'ip6' in pcapdig need an IP header that parses; tcpdump only checks the EtherType. Malformed IP headers are not in these captures."
    echo "#   - a transport byte access on a packet whose transport header is cut before its 4th byte is false in pcapdig; tcpdump reads the bytes that are there."
    echo "#   - libpcap 1.10 drops the protocol test of the right operand of an arithmetic operator: 'ip[2:2] - tcp[12] > 0' also matches UDP packets in tcpdump (reading their bytes as if TCP), while in pcapdig any byte access on a missing header makes the comparison false. Rows here add 'tcp and' where this matters."
    echo "#   - named ports come from a built-in table (Debian netbase's /etc/services for the common names), not from the machine's /etc/services."
    printf 'capture\texpression\tcount\n'
    while IFS=$'\t' read -r capture expr; do
        [ -n "$capture" ] || continue
        file="$corpus/pcap/$capture"
        count="$(tcpdump -n -r "$file" --count "$expr" 2>/dev/null | awk '/packets?$/ {print $1}')"
        [ -n "$count" ] || { echo "tcpdump failed: $capture: $expr" >&2; exit 1; }
        printf '%s\t%s\t%s\n' "$capture" "$expr" "$count"
    done <<< "$TABLE"
} > "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out ($(grep -vc '^#' "$out") lines)"
