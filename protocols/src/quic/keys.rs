//! Initial packet protection keys ([RFC 9001 §5.2]): derived from the
//! Destination Connection ID of the client's first Initial packet, so that
//! anyone on the path can read the Initial packets (and the TLS hellos
//! they carry), which is what this crate does.
//!
//! `initial_secret = HKDF-Extract(initial_salt, client_dcid)`, then
//! `client in` / `server in` secrets, and from each, with
//! HKDF-Expand-Label (TLS 1.3, [RFC 8446 §7.1]), the AEAD key (`quic key`),
//! IV (`quic iv`) and header protection key (`quic hp`). QUIC v1 uses
//! AES-128-GCM and SHA-256 for Initial packets.
//!
//! [RFC 9001 §5.2]: https://www.rfc-editor.org/rfc/rfc9001#section-5.2
//! [RFC 8446 §7.1]: https://www.rfc-editor.org/rfc/rfc8446#section-7.1

use aes::Aes128;
use aes_gcm::Aes128Gcm;
use aes_gcm::aead::KeyInit;
use hkdf::Hkdf;
use sha2::Sha256;

/// QUIC version 1 ([RFC 9000]).
///
/// [RFC 9000]: https://www.rfc-editor.org/rfc/rfc9000
pub const VERSION_1: u32 = 1;

/// The salt of QUIC v1's initial secret (RFC 9001 §5.2).
pub const INITIAL_SALT_V1: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
    0xcc, 0xbb, 0x7f, 0x0a,
];

/// Longest connection ID QUIC v1 allows (RFC 9000 §17.2).
pub const MAX_CID_LEN: usize = 20;

/// The key material of one direction's Initial packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secrets {
    /// The direction's secret (`client in` or `server in`).
    pub secret: [u8; 32],
    /// AEAD_AES_128_GCM key.
    pub key: [u8; 16],
    /// AEAD IV; the nonce is it XOR the packet number.
    pub iv: [u8; 12],
    /// Header protection key (AES-128-ECB).
    pub hp: [u8; 16],
}

/// Which endpoint sent a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// The client (it sent the first Initial).
    Client,
    /// The server.
    Server,
}

/// HKDF-Expand-Label with an empty context, into `out` (at most 255
/// bytes; the labels here are short and fixed).
fn expand_label(prk: &Hkdf<Sha256>, label: &str, out: &mut [u8]) {
    const PREFIX: &[u8] = b"tls13 ";
    // struct { uint16 length; opaque label<7..255>; opaque context<0..255> }
    let mut info = [0u8; 2 + 1 + 6 + 32 + 1];
    let len = u16::try_from(out.len()).unwrap_or(u16::MAX).to_be_bytes();
    let label_len = PREFIX.len() + label.len();
    info[..2].copy_from_slice(&len);
    info[2] = label_len as u8;
    info[3..3 + PREFIX.len()].copy_from_slice(PREFIX);
    info[3 + PREFIX.len()..3 + label_len].copy_from_slice(label.as_bytes());
    // The empty context: its length byte, zero, is already there.
    let info = &info[..3 + label_len + 1];
    // Cannot fail: `out` is far below 255 * 32 bytes.
    let _ = prk.expand(info, out);
}

impl Secrets {
    /// The Initial secrets of `endpoint` for a connection whose client
    /// chose `client_dcid` as the Destination Connection ID of its first
    /// Initial packet.
    pub fn initial(client_dcid: &[u8], endpoint: Endpoint) -> Secrets {
        let (_, initial) = Hkdf::<Sha256>::extract(Some(&INITIAL_SALT_V1), client_dcid);
        let mut secret = [0u8; 32];
        let label = match endpoint {
            Endpoint::Client => "client in",
            Endpoint::Server => "server in",
        };
        expand_label(&initial, label, &mut secret);
        let prk = Hkdf::<Sha256>::from_prk(&secret).expect("a SHA-256 PRK is 32 bytes");
        let mut s = Secrets {
            secret,
            key: [0; 16],
            iv: [0; 12],
            hp: [0; 16],
        };
        expand_label(&prk, "quic key", &mut s.key);
        expand_label(&prk, "quic iv", &mut s.iv);
        expand_label(&prk, "quic hp", &mut s.hp);
        s
    }
}

/// The ciphers of one direction, made once per connection.
#[derive(Clone)]
pub struct Keys {
    /// Payload protection.
    pub aead: Aes128Gcm,
    /// The AEAD IV.
    pub iv: [u8; 12],
    /// Header protection.
    pub hp: Aes128,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").finish_non_exhaustive()
    }
}

impl Keys {
    /// The ciphers of `secrets`.
    pub fn new(secrets: &Secrets) -> Keys {
        Keys {
            aead: Aes128Gcm::new(&secrets.key.into()),
            iv: secrets.iv,
            hp: Aes128::new(&secrets.hp.into()),
        }
    }

    /// The Initial ciphers of `endpoint` for `client_dcid`.
    pub fn initial(client_dcid: &[u8], endpoint: Endpoint) -> Keys {
        Keys::new(&Secrets::initial(client_dcid, endpoint))
    }
}

/// Both directions' Initial ciphers of a connection, and the connection ID
/// they come from.
#[derive(Debug, Clone)]
pub struct InitialKeys {
    /// The client's first Destination Connection ID.
    pub dcid: ([u8; MAX_CID_LEN], u8),
    /// For the client's packets.
    pub client: Keys,
    /// For the server's packets.
    pub server: Keys,
}

impl InitialKeys {
    /// The keys of a connection whose client's first Initial packet had
    /// `client_dcid` (at most [`MAX_CID_LEN`] bytes; longer is cut).
    pub fn new(client_dcid: &[u8]) -> InitialKeys {
        let cid = &client_dcid[..client_dcid.len().min(MAX_CID_LEN)];
        let mut dcid = [0u8; MAX_CID_LEN];
        dcid[..cid.len()].copy_from_slice(cid);
        InitialKeys {
            dcid: (dcid, cid.len() as u8),
            client: Keys::initial(cid, Endpoint::Client),
            server: Keys::initial(cid, Endpoint::Server),
        }
    }

    /// The connection ID the keys come from.
    pub fn dcid(&self) -> &[u8] {
        &self.dcid.0[..usize::from(self.dcid.1)]
    }

    /// The keys of `endpoint`'s packets.
    pub fn of(&self, endpoint: Endpoint) -> &Keys {
        match endpoint {
            Endpoint::Client => &self.client,
            Endpoint::Server => &self.server,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 9001 Appendix A.1: the keys of Destination Connection ID
    /// 0x8394c8f03e515708.
    #[test]
    fn test_rfc9001_a1_initial_keys() {
        let dcid = hex("8394c8f03e515708");
        let c = Secrets::initial(&dcid, Endpoint::Client);
        assert_eq!(
            c.secret.to_vec(),
            hex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea")
        );
        assert_eq!(c.key.to_vec(), hex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(c.iv.to_vec(), hex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(c.hp.to_vec(), hex("9f50449e04a0e810283a1e9933adedd2"));
        let s = Secrets::initial(&dcid, Endpoint::Server);
        assert_eq!(
            s.secret.to_vec(),
            hex("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b")
        );
        assert_eq!(s.key.to_vec(), hex("cf3a5331653c364c88f0f379b6067e37"));
        assert_eq!(s.iv.to_vec(), hex("0ac1493ca1905853b0bba03e"));
        assert_eq!(s.hp.to_vec(), hex("c206b8d9b9f0f37644430b490eeaa314"));
    }

    #[test]
    fn test_keys_of_long_and_empty_cids() {
        let k = InitialKeys::new(&[7; 30]);
        assert_eq!(k.dcid(), &[7; MAX_CID_LEN]);
        let e = InitialKeys::new(&[]);
        assert!(e.dcid().is_empty());
        assert_ne!(
            Secrets::initial(&[], Endpoint::Client),
            Secrets::initial(&[0], Endpoint::Client)
        );
    }
}
