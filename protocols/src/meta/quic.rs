//! TLS inside QUIC: a UDP session whose datagrams carry QUIC v1 Initial
//! packets is read by a [`quic::Connection`](crate::quic::Connection)
//! (packets decrypted, CRYPTO frames joined), and the hellos it completes
//! give the same values as over TCP (server name, ALPN, JA3, JA3S, and
//! the JA4 of the first ClientHello, with its `q` letter).

use super::limits::Limits;
use super::tls::record;
use super::values::SessionMeta;
use crate::quic::Connection;
use crate::tls::Columns;

/// A UDP session's QUIC reader.
#[derive(Debug, Default)]
pub(super) struct Quic {
    connection: Connection,
    /// Where packets are decrypted (freed once the hellos are read).
    scratch: Vec<u8>,
    /// Whether the first ClientHello's JA4 was taken.
    ja4_taken: bool,
}

impl Quic {
    /// One datagram's payload; `from_initiator` as for the extractor.
    pub(super) fn datagram(
        &mut self,
        payload: &[u8],
        from_initiator: bool,
        meta: &mut SessionMeta,
        limits: &Limits,
    ) {
        if self.done() {
            return;
        }
        let mut cols = Columns::default();
        self.connection
            .datagram(payload, from_initiator, &mut self.scratch, &mut cols);
        if !cols.is_empty() {
            record(&cols, meta, limits, &mut self.ja4_taken);
        }
        if self.done() {
            self.scratch = Vec::new();
        }
    }

    /// Whether both hellos were read: nothing more is needed.
    pub(super) fn done(&self) -> bool {
        self.connection.hellos_read()
    }

    /// Bytes held now.
    pub(super) fn buffered(&self) -> usize {
        self.connection.buffered() + self.scratch.capacity()
    }
}

#[cfg(test)]
mod tests {
    use crate::meta::{Extractor, Key, Limits};
    use crate::quic::seal;
    use crate::{Config, Dissector, LinkType};

    /// An IPv4/UDP packet (link type RAW) from 10.0.0.1:`sport` to
    /// 10.0.0.2:`dport`.
    fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
        let udp_len = 8 + payload.len();
        let total = 20 + udp_len;
        let mut p = vec![
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0,
            0,
            64,
            17,
            0,
            0,
        ];
        p.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&[(udp_len >> 8) as u8, udp_len as u8, 0, 0]);
        p.extend_from_slice(payload);
        p
    }

    /// A ClientHello with SNI `quic.example` and ALPN `h3`.
    fn client_hello() -> Vec<u8> {
        let name = b"quic.example";
        let mut ext = vec![0, 0, 0, name.len() as u8 + 5, 0, name.len() as u8 + 3, 0, 0];
        ext.push(name.len() as u8);
        ext.extend_from_slice(name);
        ext.extend_from_slice(&[0, 16, 0, 5, 0, 3, 2, b'h', b'3']);
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0, 0, ext.len() as u8]);
        body.extend_from_slice(&ext);
        let mut msg = vec![1, 0, 0, body.len() as u8];
        msg.extend_from_slice(&body);
        msg
    }

    #[test]
    fn test_quic_session_values() {
        let dissector = Dissector::new(Config::minimal());
        let hello = client_hello();
        let dcid = [1, 2, 3, 4, 5, 6, 7, 8];
        let mut ex = Extractor::new(&Limits::default());
        // The hello in two Initial packets, the second first; any UDP
        // port (found by the long header).
        let a = seal::client_initial(&dcid, &[], 0, &seal::crypto_frame(0, &hello[..20]), 1200);
        let b = seal::client_initial(&dcid, &[], 1, &seal::crypto_frame(20, &hello[20..]), 1200);
        for payload in [&b, &a] {
            let pkt = udp(50000, 4433, payload);
            ex.packet(&dissector.dissect(LinkType::RAW, &pkt), true);
        }
        assert_eq!(ex.meta().get(Key::TlsSni), ["quic.example"]);
        assert_eq!(ex.meta().get(Key::TlsAlpn), ["h3"]);
        assert_eq!(ex.meta().get(Key::Ja3).len(), 1);
        assert!(ex.meta().get(Key::Ja4)[0].starts_with("q12d0102h3_"));
        assert!(!ex.tls_done());
        assert_eq!(ex.buffered(), 1200, "only the decryption buffer is held");
        // DNS's port is not read for QUIC.
        let mut dns = Extractor::new(&Limits::default());
        dns.udp_quic(53, 50000, &a, true);
        dns.udp_quic(53, 50000, &b, true);
        assert!(dns.meta().is_empty());
    }
}
