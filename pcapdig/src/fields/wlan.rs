//! The 802.11 columns of `pcapdig fields` (`wlan.bssid`, `wlan.sa`...,
//! `llc.type`, `radiotap.channel.freq`, `radiotap.dbm_antsignal`,
//! `wlan.fc.type_subtype`): computed from the frame's radiotap, 802.11 and
//! LLC layers by [`protocols::wlan::columns`], as tshark prints them.

use protocols::Dissection;
use protocols::wlan::columns;

use super::text::Line;

/// The column index of a field name, if it is one of the 802.11 columns.
pub fn column(name: &str) -> Option<usize> {
    columns::index(name)
}

/// The name of column `index`.
pub fn name(index: usize) -> &'static str {
    columns::NAMES.get(index).copied().unwrap_or("")
}

/// Writes the cell of column `index` for the dissected frame `d`.
pub fn write(out: &mut Line, index: usize, d: &Dissection<'_>) {
    // Writing to a `Line` cannot fail.
    let _ = columns::write_cell(d, index, out);
}

#[cfg(test)]
mod tests {
    use pcap_core::Endian;
    use pcap_core::capture::synth::PcapBuilder;
    use pcap_core::capture::{CaptureReader, LinkType, Precision, Timestamp};
    use protocols::Registry;

    use super::super::{parse_fields, write_fields};

    /// radiotap.pcap's third frame, shortened: radiotap (flags with FCS,
    /// rate, channel 5540, -58 dBm, antenna), an 802.11 data frame from
    /// the DS, LLC/SNAP, and the first bytes of an IPv6 header.
    fn frame() -> Vec<u8> {
        let mut f = vec![
            0x00, 0x00, 0x19, 0x00, 0x6f, 0x08, 0x00, 0x00, // header, present
            0x88, 0x67, 0xce, 0x5f, 0x00, 0x00, 0x00, 0x00, // TSFT
            0x12, 0x0c, 0xa4, 0x15, 0x40, 0x01, 0xc6, 0xa3, 0x01, // flags..antenna
            0x08, 0x02, 0x00, 0x00, // data, From DS
            0x33, 0x33, 0x00, 0x00, 0x00, 0xfb, // DA
            0x8a, 0x15, 0x14, 0x9b, 0x5a, 0xe0, // BSSID
            0xa4, 0x67, 0x06, 0xf7, 0xec, 0x54, // SA
            0xb0, 0xad, // sequence
            0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd, // LLC/SNAP IPv6
        ];
        f.extend_from_slice(&[0x60, 0, 0, 0]);
        f
    }

    fn run(link: LinkType, data: &[u8], names: &[&str]) -> String {
        let mut file = PcapBuilder::new(Endian::Little, Precision::Micro);
        file.linktype(link);
        file.record(Timestamp::new(1, 0), data.len() as u32, data);
        let reader = CaptureReader::from_bytes(file.build(), "w.pcap").expect("reader");
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let fields = parse_fields(&names).expect("fields");
        let mut out = Vec::new();
        write_fields(reader, &fields, None, &Registry::new(), &mut out).expect("write");
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn wlan_columns_are_printed_as_tshark_prints_them() {
        let out = run(
            LinkType::IEEE802_11_RADIOTAP,
            &frame(),
            &[
                "wlan.fc.type_subtype",
                "wlan.bssid",
                "wlan.sa",
                "wlan.da",
                "wlan.ta",
                "wlan.ra",
                "llc.type",
                "radiotap.channel.freq",
                "radiotap.dbm_antsignal",
                "frame.protocols",
            ],
        );
        let line = out.lines().nth(1).expect("a record line");
        assert_eq!(
            line,
            "0x0020\t8a:15:14:9b:5a:e0\ta4:67:06:f7:ec:54\t33:33:00:00:00:fb\t\
             8a:15:14:9b:5a:e0\t33:33:00:00:00:fb\t0x86dd\t5540\t-58\t\
             radiotap:wlan_radio:wlan:llc:ipv6"
        );
    }

    #[test]
    fn unknown_field_message_names_the_wlan_columns() {
        let err = parse_fields(&["wlan.nope".to_string()]).unwrap_err();
        assert!(
            err.contains("wlan.bssid") && err.contains("radiotap.dbm_antsignal"),
            "{err}"
        );
    }

    #[test]
    fn wlan_columns_alone_and_without_radiotap() {
        // Only 802.11 columns asked: the dissector still runs.
        let out = run(LinkType::IEEE802_11_RADIOTAP, &frame(), &["wlan.sa"]);
        assert_eq!(out, "wlan.sa\na4:67:06:f7:ec:54\n");
        // Link type 105: no radiotap cells.
        let f = frame();
        let out = run(
            LinkType::IEEE802_11,
            &f[25..],
            &["radiotap.channel.freq", "wlan.da", "llc.type"],
        );
        assert_eq!(out.lines().nth(1), Some("\t33:33:00:00:00:fb\t0x86dd"));
        // An Ethernet capture has none of them.
        let mut eth = vec![0xff; 12];
        eth.extend_from_slice(&[0x08, 0x00]);
        let out = run(LinkType::ETHERNET, &eth, &["wlan.sa", "llc.type"]);
        assert_eq!(out.lines().nth(1), Some("\t"));
    }
}
