//! Capture files: reading pcap and pcapng, writing pcap. (In progress.)
