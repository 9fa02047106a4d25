//! JA4, the TLS client fingerprint of FoxIO ([its definition], BSD-3-Clause):
//! `a_b_c` where `a` = transport, version, SNI, counts and ALPN, `b` = the
//! truncated SHA-256 of the sorted cipher suites and `c` = that of the
//! sorted extensions (without SNI and ALPN) and the signature algorithms
//! in wire order. GREASE values are ignored everywhere.
//!
//! Only JA4 itself: the other JA4+ methods are under another license.
//!
//! [its definition]: https://github.com/FoxIO-LLC/ja4/blob/main/technical_details/JA4.md

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::grease::is_grease;
use super::hello::{Hello, extension_type};

/// The transport a ClientHello came over (JA4's first character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TLS over TCP: `t`.
    Tcp,
    /// QUIC: `q`.
    Quic,
    /// DTLS: `d`.
    Dtls,
}

impl Transport {
    fn letter(self) -> char {
        match self {
            Transport::Tcp => 't',
            Transport::Quic => 'q',
            Transport::Dtls => 'd',
        }
    }
}

/// JA4's two-character version code.
fn version_code(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// The ALPN characters: the first and last byte of the first protocol,
/// a non-ASCII byte written `9`; `00` without one.
///
/// This is what FoxIO's reference implementations print (and so the
/// `ja4.tsv` oracle: `0xba 0xad` gives `99`); the current text of the
/// definition asks for hex digits of non-alphanumeric bytes instead
/// (`bd`), which no published fingerprint database uses yet.
fn alpn_code(first: Option<&[u8]>) -> String {
    let Some(name) = first.filter(|n| !n.is_empty()) else {
        return "00".to_owned();
    };
    let shown = |b: u8| if b.is_ascii() { char::from(b) } else { '9' };
    format!("{}{}", shown(name[0]), shown(name[name.len() - 1]))
}

fn hex_list(values: &[u16]) -> String {
    let mut s = String::new();
    for v in values {
        if !s.is_empty() {
            s.push(',');
        }
        let _ = write!(s, "{v:04x}");
    }
    s
}

/// The first 12 hex digits of the SHA-256 of `text`, or twelve zeros for an
/// empty list, as the definition asks.
fn hash12(text: &str) -> String {
    if text.is_empty() {
        return "000000000000".to_owned();
    }
    let digest = Sha256::digest(text.as_bytes());
    let mut s = String::with_capacity(12);
    for b in &digest[..6] {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The three parts of a JA4 before hashing (JA4_r is `a_b_c`).
struct Parts {
    a: String,
    ciphers: String,
    extensions: String,
    sigalgs: String,
}

impl Hello<'_> {
    fn ja4_parts(&self, transport: Transport) -> Parts {
        let version = self
            .supported_versions
            .iter()
            .copied()
            .filter(|&v| !is_grease(v))
            .max()
            .unwrap_or(self.version);
        let has_sni = self
            .extension_types()
            .any(|t| t == extension_type::SERVER_NAME);
        let mut ciphers: Vec<u16> = self
            .cipher_suites
            .iter()
            .copied()
            .filter(|&c| !is_grease(c))
            .collect();
        let all_ext: Vec<u16> = self.extension_types().filter(|&t| !is_grease(t)).collect();
        let alpn_first = if all_ext.contains(&extension_type::ALPN) {
            self.alpn.first().copied()
        } else {
            None
        };
        let a = format!(
            "{}{}{}{:02}{:02}{}",
            transport.letter(),
            version_code(version),
            if has_sni { 'd' } else { 'i' },
            ciphers.len().min(99),
            all_ext.len().min(99),
            alpn_code(alpn_first)
        );
        ciphers.sort_unstable();
        let mut ext: Vec<u16> = all_ext
            .into_iter()
            .filter(|&t| t != extension_type::SERVER_NAME && t != extension_type::ALPN)
            .collect();
        ext.sort_unstable();
        let sigalgs: Vec<u16> = self
            .signature_algorithms
            .iter()
            .copied()
            .filter(|&s| !is_grease(s))
            .collect();
        Parts {
            a,
            ciphers: hex_list(&ciphers),
            extensions: hex_list(&ext),
            sigalgs: hex_list(&sigalgs),
        }
    }

    /// JA4 of a ClientHello over TCP (`t13d1516h2_8daaf6152771_e5627efa2ab1`).
    pub fn ja4(&self) -> String {
        self.ja4_for(Transport::Tcp)
    }

    /// JA4 of a ClientHello over the given transport.
    pub fn ja4_for(&self, transport: Transport) -> String {
        let p = self.ja4_parts(transport);
        let c = if p.extensions.is_empty() {
            "000000000000".to_owned()
        } else if p.sigalgs.is_empty() {
            hash12(&p.extensions)
        } else {
            hash12(&format!("{}_{}", p.extensions, p.sigalgs))
        };
        format!("{}_{}_{}", p.a, hash12(&p.ciphers), c)
    }

    /// The raw JA4 (`JA4_r`): the sorted lists instead of their hashes.
    pub fn ja4_raw(&self, transport: Transport) -> String {
        let p = self.ja4_parts(transport);
        if p.sigalgs.is_empty() {
            format!("{}_{}_{}", p.a, p.ciphers, p.extensions)
        } else {
            format!("{}_{}_{}_{}", p.a, p.ciphers, p.extensions, p.sigalgs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::hello::tests::{alpn, chrome_like, client_hello_body, list16, sni};
    use super::*;

    #[test]
    fn test_ja4_of_a_grease_hello() {
        let body = chrome_like();
        let h = Hello::parse_client(&body).unwrap();
        // 3 ciphers and 6 extensions once GREASE is gone; TLS 1.3; h2.
        assert_eq!(
            h.ja4_raw(Transport::Tcp),
            "t13d0306h2_1301,1302,c02b_000a,000b,000d,002b_0403,0804"
        );
        let ja4 = h.ja4();
        assert!(ja4.starts_with("t13d0306h2_"), "{ja4}");
        assert_eq!(&ja4[11..23], &hash12("1301,1302,c02b"));
        assert_eq!(&ja4[24..], &hash12("000a,000b,000d,002b_0403,0804"));
    }

    #[test]
    fn test_ja4_definition_example() {
        // The cipher list of the published example hashes to 8daaf6152771.
        assert_eq!(
            hash12("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"),
            "8daaf6152771"
        );
        assert_eq!(
            hash12(
                "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"
            ),
            "e5627efa2ab1"
        );
    }

    #[test]
    fn test_alpn_codes() {
        assert_eq!(alpn_code(None), "00");
        assert_eq!(alpn_code(Some(b"")), "00");
        assert_eq!(alpn_code(Some(b"http/1.1")), "h1");
        assert_eq!(alpn_code(Some(b"x")), "xx");
        assert_eq!(alpn_code(Some(&[0xab])), "99");
        assert_eq!(alpn_code(Some(&[0xba, 0xad])), "99");
        assert_eq!(alpn_code(Some(&[0x30, 0xab])), "09");
        assert_eq!(alpn_code(Some(&[0x30, 0xab, 0xcd, 0x31])), "01");
    }

    #[test]
    fn test_no_sni_no_extensions_tls10() {
        let body = client_hello_body(0x0301, &[0x002f, 0x0035], &[]);
        let h = Hello::parse_client(&body).unwrap();
        assert_eq!(
            h.ja4(),
            format!("t10i020000_{}_000000000000", hash12("002f,0035"))
        );
        let body = client_hello_body(
            0x0303,
            &[0x002f],
            &[(0, sni("a")), (16, alpn(&[b"h2"])), (10, list16(&[29], 2))],
        );
        let h = Hello::parse_client(&body).unwrap();
        assert_eq!(h.ja4_raw(Transport::Quic), "q12d0103h2_002f_000a");
    }
}
