//! The metadata keys ([`KEYS`], [`Key`]) and one session's values
//! ([`SessionMeta`]).

use super::limits::Limits;

/// The search names of the metadata, as SPEC.md lists them (also the keys
/// of `"meta"` in `sessions --json`), in [`Key`] order: the filter's
/// list, so searches and the index name the same keys.
pub const KEYS: [&str; 13] = pcap_core::filter::meta::META_KEYS;

/// One metadata key; `key as usize` indexes [`KEYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// `tls.sni`: server names of the ClientHellos' server_name extension
    /// (tshark's `tls.handshake.extensions_server_name`).
    TlsSni,
    /// `tls.alpn`: protocol names of the ALPN extension of ClientHellos
    /// and ServerHellos (`tls.handshake.extensions_alpn_str`).
    TlsAlpn,
    /// `tls.handshake.ja3`: JA3 (MD5) of every ClientHello.
    Ja3,
    /// `tls.handshake.ja3s`: JA3S (MD5) of every ServerHello.
    Ja3s,
    /// `tls.handshake.ja4`: JA4 of the session's first ClientHello.
    Ja4,
    /// `dns.qry.name`: every question's name, as tshark prints it.
    DnsQueryName,
    /// `dns.a`: the addresses of every A record (any section, as tshark's
    /// `dns.a`).
    DnsA,
    /// `dns.aaaa`: the addresses of every AAAA record.
    DnsAaaa,
    /// `http.host`: the Host header of requests.
    HttpHost,
    /// `http.request.method`.
    HttpMethod,
    /// `http.request.uri`: the request target as sent.
    HttpUri,
    /// `http.user_agent`: the User-Agent header of requests.
    HttpUserAgent,
    /// `http.response.code`: the status code of responses, in decimal.
    HttpResponseCode,
}

impl Key {
    /// Every key, in [`KEYS`] order.
    pub const ALL: [Key; 13] = [
        Key::TlsSni,
        Key::TlsAlpn,
        Key::Ja3,
        Key::Ja3s,
        Key::Ja4,
        Key::DnsQueryName,
        Key::DnsA,
        Key::DnsAaaa,
        Key::HttpHost,
        Key::HttpMethod,
        Key::HttpUri,
        Key::HttpUserAgent,
        Key::HttpResponseCode,
    ];

    /// The search name (`tls.sni`, ...).
    pub fn name(self) -> &'static str {
        KEYS[self as usize]
    }

    /// The key of a search name; also takes tshark's long names
    /// `tls.handshake.extensions_server_name`, `tls.handshake.extensions_alpn_str`
    /// and the short `tls.ja4`.
    pub fn from_name(name: &str) -> Option<Key> {
        match name {
            "tls.handshake.extensions_server_name" => Some(Key::TlsSni),
            "tls.handshake.extensions_alpn_str" => Some(Key::TlsAlpn),
            "tls.ja4" => Some(Key::Ja4),
            _ => KEYS.iter().position(|k| *k == name).map(|i| Key::ALL[i]),
        }
    }
}

/// The metadata of one session: for each key, its distinct values in the
/// order first seen, within the session's [`Limits`].
///
/// Small while empty (most sessions have no metadata): the lists are
/// allocated with the first value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionMeta {
    values: Option<Box<[Vec<String>; 13]>>,
    /// Bytes of all values kept.
    bytes: usize,
    /// Whether some value was dropped or cut by a limit.
    truncated: bool,
}

impl SessionMeta {
    /// No values.
    pub fn new() -> Self {
        SessionMeta::default()
    }

    /// The values of `key`, in first-seen order (empty if none).
    pub fn get(&self, key: Key) -> &[String] {
        self.values.as_ref().map_or(&[], |v| &v[key as usize])
    }

    /// The values of a search name (see [`Key::from_name`]); empty for an
    /// unknown name.
    pub fn get_by_name(&self, name: &str) -> &[String] {
        Key::from_name(name).map_or(&[], |k| self.get(k))
    }

    /// Every key that has values, with them, in [`KEYS`] order (what
    /// `"meta"` of `sessions --json` holds).
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &[String])> + '_ {
        Key::ALL
            .iter()
            .map(|&k| (k.name(), self.get(k)))
            .filter(|(_, v)| !v.is_empty())
    }

    /// Whether no key has a value.
    pub fn is_empty(&self) -> bool {
        self.values
            .as_ref()
            .is_none_or(|v| v.iter().all(Vec::is_empty))
    }

    /// Whether a limit dropped or cut some value.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Bytes of all values kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Adds `value` to `key` unless already there, within `limits`: a
    /// value longer than `per_value_bytes` is cut at a character
    /// boundary; one past `max_values_per_key` or `per_session_bytes` is
    /// dropped. Empty values are ignored.
    pub fn add(&mut self, key: Key, value: &str, limits: &Limits) {
        if value.is_empty() {
            return;
        }
        let mut end = value.len().min(limits.per_value_bytes);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        if end < value.len() {
            self.truncated = true;
        }
        let value = &value[..end];
        let list = &mut self.values.get_or_insert_with(Box::default)[key as usize];
        if list.iter().any(|v| v == value) {
            return;
        }
        if value.is_empty()
            || list.len() >= limits.max_values_per_key
            || self.bytes + value.len() > limits.per_session_bytes
        {
            self.truncated = true;
            return;
        }
        self.bytes += value.len();
        list.push(value.to_owned());
    }
}
