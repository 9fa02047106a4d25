//! 802.11 captures on arbitrary bytes: the dissector with link types 127
//! (radiotap) and 105 (802.11), every 802.11 column read from the result,
//! and the radiotap, MAC header and LLC readers on their own. None may
//! panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocols::wlan::{columns, frame::MacHeader, llc, radiotap};
use protocols::{Config, Dissector, LinkType};

fuzz_target!(|data: &[u8]| {
    let dissector = Dissector::new(Config::all());
    for link in [LinkType::IEEE802_11_RADIOTAP, LinkType::IEEE802_11] {
        let d = dissector.dissect(link, data);
        let mut cell = String::new();
        for i in 0..columns::NAMES.len() {
            cell.clear();
            let _ = columns::write_cell(&d, i, &mut cell);
        }
        for r in &d.layers {
            if let Some(bytes) = data.get(r.offset..) {
                dissector.visit_layer(r.kind, bytes, &mut |_, _| {});
            }
        }
    }
    let _ = radiotap::Fields::new(data).count();
    let _ = radiotap::has_fcs(data);
    if let Ok(h) = MacHeader::read(data) {
        let _ = (h.type_subtype(), h.is_amsdu(data), h.carries_data());
    }
    let _ = llc::step(data);
});
