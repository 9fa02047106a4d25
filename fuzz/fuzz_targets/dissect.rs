//! The dissector on arbitrary bytes: every link type, the minimal and the
//! full configuration, and every lazy accessor a consumer would call
//! afterwards (DNS sections and names, HTTP headers, TCP and IPv4 options).
//! None may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocols::dissect::DECODED_LINK_TYPES as LINKS;
use protocols::{Config, Dissector};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, packet)) = data.split_first() else {
        return;
    };
    let link = LINKS[usize::from(selector) % LINKS.len()];
    let _ = Dissector::new(Config::minimal()).dissect(link, packet);
    let d = Dissector::new(Config::all()).dissect(link, packet);
    if let Some(e) = &d.error {
        assert!(e.offset <= packet.len());
        let _ = e.to_string();
    }
    for m in d.dns.iter() {
        let m = &m.header;
        let _ = m.to_string();
        for q in m.questions() {
            if let Ok(name) = q.qname() {
                let _ = name.display(m.msg).to_string();
            }
        }
        for (_, r) in m.records() {
            let _ = protocols::dns::decode_rdata(r.rtype(), r.rdata());
        }
        let _ = m.a_records().count();
    }
    if let Some(h) = &d.http {
        let _ = (
            h.header.method(),
            h.header.host(),
            h.header.headers.iter().count(),
        );
    }
    for t in d.tcp.iter() {
        if let Some(opts) = t.header.options.value() {
            let _ = protocols::tcp::TcpOptions::new(opts).count();
        }
    }
    for ip in d.ipv4.iter() {
        if let Some(opts) = ip.header.options.value() {
            let _ = protocols::ipv4::Ipv4Options::new(opts).count();
            let _ = protocols::ipv4::source_route_final_dst(opts);
        }
    }
    let _ = pcap_core::flow::community_id(&d.summary);
});
