//! Built-in name tables: service names for `port NAME`, protocol names for
//! `ip proto \NAME`, EtherType names for `ether proto \NAME`, the named
//! values of byte-access expressions (`tcp-syn`, `icmp-echo`...), and the
//! pcap-filter(7) keywords this filter does not implement (so they are
//! named in the error instead of being taken for a host name).
//!
//! tcpdump resolves service and protocol names through the system's
//! `/etc/services` and `/etc/protocols`; a filter here must mean the same
//! thing on every machine, so the common names are built in. The service
//! table follows Debian's `netbase` (the transport protocols each name is
//! listed for matter: tcpdump's `port http` is `tcp port 80` because
//! `http` is listed for TCP only).

use crate::vocab::{EtherType, IpProto, TcpFlags};

/// The transport protocols a service name is registered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transport {
    /// TCP only.
    Tcp,
    /// UDP only.
    Udp,
    /// Both (then `port NAME` also matches SCTP, as `port N` does).
    Both,
}

impl Transport {
    /// The IP protocol a `port NAME` is restricted to, if one.
    pub(crate) fn proto(self) -> Option<u8> {
        match self {
            Transport::Tcp => Some(IpProto::TCP.0),
            Transport::Udp => Some(IpProto::UDP.0),
            Transport::Both => None,
        }
    }
}

use Transport::{Both, Tcp, Udp};

/// Service names (and aliases) analysts use, with their port and the
/// transports `/etc/services` lists them for.
const SERVICES: &[(&str, u16, Transport)] = &[
    ("tcpmux", 1, Tcp),
    ("echo", 7, Both),
    ("discard", 9, Both),
    ("daytime", 13, Both),
    ("chargen", 19, Both),
    ("ftp-data", 20, Tcp),
    ("ftp", 21, Tcp),
    ("ssh", 22, Tcp),
    ("telnet", 23, Tcp),
    ("smtp", 25, Tcp),
    ("mail", 25, Tcp),
    ("time", 37, Both),
    ("whois", 43, Tcp),
    ("tacacs", 49, Both),
    ("domain", 53, Both),
    ("bootps", 67, Udp),
    ("bootpc", 68, Udp),
    ("tftp", 69, Udp),
    ("gopher", 70, Tcp),
    ("finger", 79, Tcp),
    ("http", 80, Tcp),
    ("www", 80, Tcp),
    ("kerberos", 88, Both),
    ("kerberos5", 88, Both),
    ("krb5", 88, Both),
    ("pop3", 110, Tcp),
    ("pop-3", 110, Tcp),
    ("sunrpc", 111, Both),
    ("auth", 113, Tcp),
    ("nntp", 119, Tcp),
    ("ntp", 123, Udp),
    ("epmap", 135, Tcp),
    ("netbios-ns", 137, Udp),
    ("netbios-dgm", 138, Udp),
    ("netbios-ssn", 139, Tcp),
    ("imap2", 143, Tcp),
    ("imap", 143, Tcp),
    ("snmp", 161, Both),
    ("snmp-trap", 162, Both),
    ("snmptrap", 162, Both),
    ("bgp", 179, Tcp),
    ("ldap", 389, Both),
    ("https", 443, Both),
    ("microsoft-ds", 445, Tcp),
    ("kpasswd", 464, Both),
    ("submissions", 465, Tcp),
    ("isakmp", 500, Udp),
    ("exec", 512, Tcp),
    ("biff", 512, Udp),
    ("login", 513, Tcp),
    ("who", 513, Udp),
    ("shell", 514, Tcp),
    ("syslog", 514, Udp),
    ("printer", 515, Tcp),
    ("route", 520, Udp),
    ("rtsp", 554, Both),
    ("dhcpv6-client", 546, Udp),
    ("dhcpv6-server", 547, Udp),
    ("submission", 587, Tcp),
    ("ipp", 631, Tcp),
    ("ldaps", 636, Both),
    ("domain-s", 853, Both),
    ("rsync", 873, Tcp),
    ("ftps-data", 989, Tcp),
    ("ftps", 990, Tcp),
    ("telnets", 992, Tcp),
    ("imaps", 993, Tcp),
    ("pop3s", 995, Tcp),
    ("socks", 1080, Tcp),
    ("openvpn", 1194, Both),
    ("ms-sql-s", 1433, Tcp),
    ("ms-sql-m", 1434, Udp),
    ("l2f", 1701, Udp),
    ("radius", 1812, Both),
    ("radius-acct", 1813, Both),
    ("nfs", 2049, Both),
    ("mysql", 3306, Tcp),
    ("ms-wbt-server", 3389, Tcp),
    ("sip", 5060, Both),
    ("sip-tls", 5061, Both),
    ("xmpp-client", 5222, Tcp),
    ("postgresql", 5432, Tcp),
    ("mdns", 5353, Udp),
    ("x11", 6000, Tcp),
    ("http-alt", 8080, Tcp),
    ("webcache", 8080, Tcp),
];

/// The port and transports of a service name.
pub(crate) fn service(name: &str) -> Option<(u16, Transport)> {
    SERVICES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, port, t)| (port, t))
}

/// IP protocol names (as in `/etc/protocols`) for `ip proto \NAME`,
/// `ip6 proto \NAME` and `proto \NAME`.
const PROTOCOLS: &[(&str, u8)] = &[
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ipencap", 4),
    ("tcp", 6),
    ("egp", 8),
    ("igp", 9),
    ("pup", 12),
    ("udp", 17),
    ("dccp", 33),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("icmp6", 58),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("eigrp", 88),
    ("ospf", 89),
    ("ipip", 94),
    ("etherip", 97),
    ("pim", 103),
    ("ipcomp", 108),
    ("vrrp", 112),
    ("l2tp", 115),
    ("sctp", 132),
    ("udplite", 136),
];

/// The number of an IP protocol name.
pub(crate) fn protocol(name: &str) -> Option<u8> {
    PROTOCOLS.iter().find(|(n, _)| *n == name).map(|&(_, p)| p)
}

/// IP protocols that are primitives of their own (`igmp` is `proto 2`).
pub(crate) fn protocol_keyword(word: &str) -> Option<u8> {
    Some(match word {
        "igmp" => 2,
        "igrp" => 9,
        "esp" => 50,
        "ah" => 51,
        "pim" => 103,
        "vrrp" => 112,
        _ => return None,
    })
}

/// EtherType names for `ether proto \NAME`.
pub(crate) fn ethertype(name: &str) -> Option<u16> {
    let t = match name {
        "ip" => EtherType::IPV4,
        "arp" => EtherType::ARP,
        "rarp" => EtherType::RARP,
        "ip6" => EtherType::IPV6,
        _ => return None,
    };
    Some(t.0)
}

/// Named values of pcap-filter(7) usable in arithmetic expressions:
/// header offsets (`tcpflags`, `icmptype`...), TCP flag bits and ICMP /
/// ICMPv6 message types.
const VALUES: &[(&str, u32)] = &[
    ("tcpflags", 13),
    ("tcp-fin", TcpFlags::FIN.bits() as u32),
    ("tcp-syn", TcpFlags::SYN.bits() as u32),
    ("tcp-rst", TcpFlags::RST.bits() as u32),
    ("tcp-push", TcpFlags::PSH.bits() as u32),
    ("tcp-ack", TcpFlags::ACK.bits() as u32),
    ("tcp-urg", TcpFlags::URG.bits() as u32),
    ("tcp-ece", TcpFlags::ECE.bits() as u32),
    ("tcp-cwr", TcpFlags::CWR.bits() as u32),
    ("icmptype", 0),
    ("icmpcode", 1),
    ("icmp-echoreply", 0),
    ("icmp-unreach", 3),
    ("icmp-sourcequench", 4),
    ("icmp-redirect", 5),
    ("icmp-echo", 8),
    ("icmp-routeradvert", 9),
    ("icmp-routersolicit", 10),
    ("icmp-timxceed", 11),
    ("icmp-paramprob", 12),
    ("icmp-tstamp", 13),
    ("icmp-tstampreply", 14),
    ("icmp-ireq", 15),
    ("icmp-ireqreply", 16),
    ("icmp-maskreq", 17),
    ("icmp-maskreply", 18),
    ("icmp6type", 0),
    ("icmp6code", 1),
    ("icmp6-destinationunreach", 1),
    ("icmp6-packettoobig", 2),
    ("icmp6-timeexceeded", 3),
    ("icmp6-parameterproblem", 4),
    ("icmp6-echo", 128),
    ("icmp6-echoreply", 129),
    ("icmp6-multicastlistenerquery", 130),
    ("icmp6-multicastlistenerreportv1", 131),
    ("icmp6-multicastlistenerdone", 132),
    ("icmp6-routersolicit", 133),
    ("icmp6-routeradvert", 134),
    ("icmp6-neighborsolicit", 135),
    ("icmp6-neighboradvert", 136),
    ("icmp6-redirect", 137),
    ("icmp6-routerrenum", 138),
    ("icmp6-nodeinformationquery", 139),
    ("icmp6-nodeinformationresponse", 140),
    ("icmp6-ineighbordiscoverysolicit", 141),
    ("icmp6-ineighbordiscoveryadvert", 142),
    ("icmp6-multicastlistenerreportv2", 143),
    ("icmp6-homeagentdiscoveryrequest", 144),
    ("icmp6-homeagentdiscoveryreply", 145),
    ("icmp6-mobileprefixsolicit", 146),
    ("icmp6-mobileprefixadvert", 147),
    ("icmp6-certpathsolicit", 148),
    ("icmp6-certpathadvert", 149),
    ("icmp6-multicastrouteradvert", 151),
    ("icmp6-multicastroutersolicit", 152),
    ("icmp6-multicastrouterterm", 153),
];

/// The value of a named constant.
pub(crate) fn value(name: &str) -> Option<u32> {
    VALUES.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// pcap-filter(7) keywords that are not implemented here: an expression
/// using one gets "`KEYWORD` is not supported".
const UNSUPPORTED: &[&str] = &[
    "ppp",
    "slip",
    "fddi",
    "tr",
    "wlan",
    "radio",
    "decnet",
    "atalk",
    "aarp",
    "iso",
    "stp",
    "ipx",
    "netbeui",
    "lat",
    "moprc",
    "mopdl",
    "sca",
    "clnp",
    "esis",
    "isis",
    "l1",
    "l2",
    "iih",
    "lsp",
    "snp",
    "csnp",
    "psnp",
    "mpls",
    "pppoed",
    "pppoes",
    "geneve",
    "llc",
    "ifname",
    "on",
    "rnr",
    "rulenum",
    "reason",
    "rset",
    "ruleset",
    "srnr",
    "subrulenum",
    "action",
    "type",
    "subtype",
    "dir",
    "addr1",
    "addr2",
    "addr3",
    "addr4",
    "ra",
    "ta",
    "gateway",
    "broadcast",
    "multicast",
    "inbound",
    "outbound",
    "protochain",
    "lane",
    "oamf4",
    "oamf4s",
    "oamf4e",
    "oam",
    "metac",
    "bcc",
    "sc",
    "ilmic",
    "metaconnect",
    "connectmsg",
    "vpi",
    "vci",
    "fisu",
    "lssu",
    "msu",
    "hfisu",
    "hlssu",
    "hmsu",
    "sio",
    "opc",
    "dpc",
    "sls",
    "hsio",
    "hopc",
    "hdpc",
    "hsls",
    "carp",
    "byte",
];

/// Whether `word` is a pcap-filter keyword this filter does not implement.
pub(crate) fn unsupported(word: &str) -> bool {
    UNSUPPORTED.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_no_duplicate_names() {
        let mut names: Vec<&str> = SERVICES.iter().map(|s| s.0).collect();
        names.extend(PROTOCOLS.iter().map(|p| p.0));
        names.extend(VALUES.iter().map(|v| v.0));
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        // `icmp6`/`tcp`/`udp`... are both protocols and nothing else.
        assert_eq!(names.len(), before);
        assert_eq!(service("domain"), Some((53, Both)));
        assert_eq!(service("http"), Some((80, Tcp)));
        assert_eq!(protocol("gre"), Some(47));
        assert_eq!(value("tcp-syn"), Some(2));
        assert!(unsupported("ppp") && !unsupported("tcp"));
    }
}
