//! The TLS layer on arbitrary bytes: the record and handshake walkers, the
//! hello parsers with their fingerprints, SSL 2.0 records, and a
//! [`Session`] fed the input cut into segments of both sides (so that its
//! state — session version, ChangeCipherSpec, handshake messages joined
//! across records — is exercised too). None may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocols::tls::{self, Handshakes, Hello, Records, Session, Side, Transport, sslv2};

fuzz_target!(|data: &[u8]| {
    let _ = tls::looks_like_tls(data);
    let _ = tls::segment_columns(data).cells();
    if let Some(msg) = tls::first_handshake_message(data) {
        let _ = Handshakes::new(&msg).count();
    }
    for record in Records::new(data) {
        for msg in Handshakes::new(record.fragment) {
            if let Ok(h) = Hello::parse(&msg) {
                let _ = (h.ja3(), h.ja3s(), h.ja4(), h.ja4_raw(Transport::Quic));
                let _ = (h.server_name(), h.is_hello_retry_request(), h.negotiated_version());
            }
        }
    }
    // The input as a hello body, both ways.
    for h in [Hello::parse_client(data), Hello::parse_server(data)]
        .into_iter()
        .flatten()
    {
        let _ = (h.ja3_string(), h.ja4());
    }
    let _ = sslv2::Sslv2Record::parse(data);
    let _ = sslv2::looks_like_valid_handshake(data, 2, data.len());
    // Segments: each starts with a length byte and a side bit.
    let mut session = Session::new();
    let mut rest = data;
    while let Some((&head, after)) = rest.split_first() {
        let len = usize::from(head & 0x7f).min(after.len());
        let side = if head & 0x80 == 0 {
            Side::Initiator
        } else {
            Side::Responder
        };
        let cols = session.segment(&after[..len], side);
        let _ = cols.cells();
        rest = &after[len..];
    }
});
