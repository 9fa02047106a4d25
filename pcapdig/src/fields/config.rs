//! What each asked field needs from the dissector: the per-layer flags of a
//! [`protocols::Config`] and how deep the walk goes. Layers no asked field
//! names keep `NONE` flags (the walk only skips over them), and with only
//! `frame.*` fields asked nothing is dissected at all.

use pcap_core::filter::Needs;
use protocols::dns::DnsHeader;
use protocols::eth::Ethernet;
use protocols::ipv4::Ipv4;
use protocols::ipv6::Ipv6;
use protocols::tcp::Tcp;
use protocols::udp::Udp;
use protocols::vlan::VlanTag;
use protocols::{Config, Depth};

use super::column::Column;
use super::format::Field;

/// The dissector configuration for these columns (and a filter needing
/// `filter_needs`) with the layers of `registry`, or `None` when nothing
/// needs dissecting.
///
/// With layers registered, Ethernet fields follow the walk to the end:
/// a registered tunnel layer may carry Ethernet again, and tshark lists
/// every occurrence.
pub fn config_for_columns(
    columns: &[Column],
    filter_needs: Option<Needs>,
    registry: &protocols::Registry,
) -> Option<Config> {
    let builtin: Vec<Field> = columns
        .iter()
        .filter_map(|c| match c {
            Column::Builtin(f) => Some(*f),
            Column::Layer(_) | Column::Tls(_) | Column::Wlan(_) => None,
        })
        .collect();
    let mut config = config_for(&builtin, filter_needs);
    for c in columns {
        if let Column::Wlan(_) = c {
            // Radiotap, 802.11 and LLC are read at link depth.
            config.get_or_insert_with(|| {
                let mut c = Config::none();
                c.stop_after = Depth::Link;
                c
            });
        }
        if let Column::Tls(_) = c {
            // The TCP segment of every packet, tunnels included.
            let cfg = config.get_or_insert_with(Config::none);
            cfg.stop_after = Depth::Application;
        }
        if let Column::Layer(l) = c {
            let cfg = config.get_or_insert_with(|| {
                let mut c = Config::none();
                c.stop_after = Depth::Link;
                c
            });
            // A schema field is read from the layer's bytes wherever the
            // walk records the layer: any depth, ICMP quotes included.
            cfg.stop_after = Depth::Application;
            cfg.icmp_quotes = true;
            if l.layer == "dns" {
                cfg.dns |= DnsHeader::UNPACK_ID;
            }
        }
    }
    if let Some(cfg) = &mut config
        && registry.has_user_layers()
        && builtin
            .iter()
            .any(|f| matches!(f, Field::EthSrc | Field::EthDst | Field::EthType))
    {
        cfg.stop_after = Depth::Application;
    }
    config
}

/// The dissector configuration for these fields (and a filter needing
/// `filter_needs`), or `None` when nothing needs dissecting.
pub fn config_for(fields: &[Field], filter_needs: Option<Needs>) -> Option<Config> {
    let mut config = Config::none();
    let mut any = false;
    if let Some(needs) = filter_needs {
        config.stop_after = Config::for_needs(needs).stop_after;
        any = true;
    } else {
        config.stop_after = Depth::Link;
    }
    for f in fields {
        any |= require(*f, &mut config);
    }
    any.then_some(config)
}

/// Adds what `field` needs to `c`; false for the `frame.*` fields, which
/// need no dissection.
fn require(field: Field, c: &mut Config) -> bool {
    // Every occurrence of an IP or transport field counts: tunnels (IP in
    // IP, GTP-U) are followed only at application depth, and headers
    // quoted by ICMP errors only with `icmp_quotes`.
    fn occurrences(c: &mut Config) {
        c.stop_after = Depth::Application;
        c.icmp_quotes = true;
    }
    match field {
        Field::FrameNumber | Field::FrameTimeEpoch | Field::FrameLen | Field::FrameCapLen => {
            return false;
        }
        Field::EthSrc => c.eth |= Ethernet::UNPACK_SRC,
        Field::EthDst => c.eth |= Ethernet::UNPACK_DST,
        Field::EthType => c.eth |= Ethernet::UNPACK_ETHERTYPE,
        // The TPID that tells a C-tag from an S-tag is kept with each tag.
        Field::VlanId | Field::Ieee8021adId => c.vlan |= VlanTag::UNPACK_VID,
        Field::IpSrc => c.ipv4 |= Ipv4::UNPACK_SRC_ADDR,
        // A source route's last hop is tshark's ip.dst.
        Field::IpDst => c.ipv4 |= Ipv4::UNPACK_DST_ADDR | Ipv4::UNPACK_OPTIONS,
        Field::IpProto => c.ipv4 |= Ipv4::UNPACK_PROTOCOL,
        Field::IpHdrLen => c.ipv4 |= Ipv4::UNPACK_IHL,
        Field::IpTtl => c.ipv4 |= Ipv4::UNPACK_TTL,
        Field::IpFlagsMf => c.ipv4 |= Ipv4::UNPACK_MORE_FRAGS,
        Field::IpFragOffset => c.ipv4 |= Ipv4::UNPACK_FRAG_OFFSET,
        Field::Ipv6Src => c.ipv6 |= Ipv6::UNPACK_SRC_ADDR,
        Field::Ipv6Dst => c.ipv6 |= Ipv6::UNPACK_DST_ADDR,
        Field::Ipv6Nxt => c.ipv6 |= Ipv6::UNPACK_NEXT_HEADER,
        Field::TcpSrcPort => c.tcp |= Tcp::UNPACK_SRC_PORT,
        Field::TcpDstPort => c.tcp |= Tcp::UNPACK_DST_PORT,
        Field::TcpSeqRaw => c.tcp |= Tcp::UNPACK_SEQ_NUM,
        Field::TcpAckRaw => c.tcp |= Tcp::UNPACK_ACK_NUM,
        Field::TcpFlags => c.tcp |= Tcp::UNPACK_FLAGS,
        // tcp.len is the hit's payload length: any flag makes the hit.
        Field::TcpHdrLen | Field::TcpLen => c.tcp |= Tcp::UNPACK_DATA_OFFSET,
        Field::UdpSrcPort => c.udp |= Udp::UNPACK_SRC_PORT,
        Field::UdpDstPort => c.udp |= Udp::UNPACK_DST_PORT,
        Field::UdpLength => c.udp |= Udp::UNPACK_LENGTH,
        Field::DnsId => c.dns |= DnsHeader::UNPACK_ID,
        Field::DnsFlagsResponse => c.dns |= DnsHeader::UNPACK_RESPONSE,
        Field::DnsCountAnswers => c.dns |= DnsHeader::UNPACK_ANCOUNT,
        Field::DnsQryName | Field::DnsQryType => c.dns |= DnsHeader::UNPACK_QDCOUNT,
        // The sections are read from the message bytes by `fields::dns`:
        // any flag makes the dissector keep the message.
        Field::DnsA
        | Field::DnsFlagsRcode
        | Field::DnsRespName
        | Field::DnsRespTtl
        | Field::DnsCname
        | Field::DnsAaaa => c.dns |= DnsHeader::DEFAULT | DnsHeader::UNPACK_QDCOUNT,
        Field::HttpRequestMethod
        | Field::HttpRequestUri
        | Field::HttpHost
        | Field::HttpResponseCode
        | Field::HttpUserAgent
        | Field::HttpServer
        | Field::HttpContentType => c.http = true,
        // The summary is filled whatever the flags.
        Field::CommunityId => {}
        Field::FrameProtocols => {
            // Names every layer walked, DNS and HTTP included.
            c.dns |= DnsHeader::UNPACK_ID;
            c.http = true;
        }
    }
    match field {
        Field::EthSrc | Field::EthDst | Field::EthType | Field::VlanId | Field::Ieee8021adId => {}
        _ => occurrences(c),
    }
    true
}
