//! JA3 and JA3S ([Salesforce's definition]): the decimal values of a hello,
//! GREASE left out, joined into a string and hashed with MD5, as tshark 4.0
//! prints them in `tls.handshake.ja3` and `tls.handshake.ja3s`.
//!
//! JA3 = `version,ciphers,extensions,groups,point_formats` (lists joined
//! with `-`); JA3S = `version,cipher,extensions`.
//!
//! [Salesforce's definition]: https://github.com/salesforce/ja3

use std::fmt::Write as _;

use md5::{Digest, Md5};

use super::grease::is_grease;
use super::hello::Hello;

fn dashed<I: IntoIterator<Item = u16>>(values: I) -> String {
    let mut s = String::new();
    for v in values.into_iter().filter(|&v| !is_grease(v)) {
        if !s.is_empty() {
            s.push('-');
        }
        let _ = write!(s, "{v}");
    }
    s
}

/// Lower-case hex MD5 of `text`.
pub fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    let mut s = String::with_capacity(32);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Hello<'_> {
    /// The JA3 string of a ClientHello (before hashing).
    pub fn ja3_string(&self) -> String {
        let points = self
            .ec_point_formats
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("-");
        format!(
            "{},{},{},{},{}",
            self.version,
            dashed(self.cipher_suites.iter().copied()),
            dashed(self.extension_types()),
            dashed(self.supported_groups.iter().copied()),
            points
        )
    }

    /// JA3 of a ClientHello: the MD5 hex of [`Hello::ja3_string`]
    /// (`tls.handshake.ja3`).
    pub fn ja3(&self) -> String {
        md5_hex(&self.ja3_string())
    }

    /// The JA3S string of a ServerHello (before hashing).
    pub fn ja3s_string(&self) -> String {
        format!(
            "{},{},{}",
            self.version,
            dashed(self.cipher_suites.iter().copied()),
            dashed(self.extension_types())
        )
    }

    /// JA3S of a ServerHello: the MD5 hex of [`Hello::ja3s_string`]
    /// (`tls.handshake.ja3s`).
    pub fn ja3s(&self) -> String {
        md5_hex(&self.ja3s_string())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hello::tests::chrome_like;
    use super::*;

    #[test]
    fn test_ja3_skips_grease() {
        let body = chrome_like();
        let h = Hello::parse_client(&body).unwrap();
        assert_eq!(
            h.ja3_string(),
            "771,4865-4866-49195,0-10-11-13-16-43,29-23,0"
        );
        assert_eq!(
            h.ja3(),
            md5_hex("771,4865-4866-49195,0-10-11-13-16-43,29-23,0")
        );
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn test_ja3s() {
        let mut body = 0x0303u16.to_be_bytes().to_vec();
        body.extend_from_slice(&[1; 32]);
        body.push(0);
        body.extend_from_slice(&[0xc0, 0x2f, 0]);
        body.extend_from_slice(&[0, 9, 0xff, 0x01, 0, 1, 0, 0, 11, 0, 0]);
        let h = Hello::parse_server(&body).unwrap();
        assert_eq!(h.ja3s_string(), "771,49199,65281-11");
    }
}
