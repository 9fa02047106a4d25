//! Typed rows of the session store: what a search returns
//! ([`SessionRow`]) and what the store knows of an indexed file
//! ([`FileRow`]), decoded from their SQLite columns once, here, so that no
//! caller compares column text (`endian == "big"`) or decodes address
//! blobs itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use pcap_core::Endian;
use pcap_core::capture::{LinkType, Precision};
use pcap_core::flow::EndReason;

use super::schema;

/// An address in the `src_ip`/`dst_ip` column form: IPv6 as is, IPv4 as
/// the IPv4-mapped IPv6 address `::ffff:a.b.c.d` (so that one BLOB column
/// orders and compares both families byte-wise).
pub fn ip_to_blob(addr: IpAddr) -> [u8; 16] {
    match addr {
        IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
        IpAddr::V6(a) => a.octets(),
    }
}

/// The address of a `src_ip`/`dst_ip` column (see [`ip_to_blob`]) of a
/// session of IP version `ip_version`; `None` if the blob is not 16
/// bytes. An IPv4 session whose blob is not IPv4-mapped (a damaged row)
/// reads as `0.0.0.0`.
pub fn ip_from_blob(blob: &[u8], ip_version: i64) -> Option<IpAddr> {
    let b = <[u8; 16]>::try_from(blob).ok()?;
    let v6 = Ipv6Addr::from(b);
    Some(if ip_version == 4 {
        IpAddr::V4(v6.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED))
    } else {
        IpAddr::V6(v6)
    })
}

/// How a session's end is written in `sessions.end_reason`.
pub fn end_reason_text(end: EndReason) -> &'static str {
    match end {
        EndReason::Idle => "idle",
        EndReason::TcpClosed => "tcp-closed",
        EndReason::PortReuse => "port-reuse",
        EndReason::Flushed => "end-of-capture",
    }
}

/// The [`EndReason`] of its `sessions.end_reason` text (see
/// [`end_reason_text`]); `None` for anything else.
pub fn end_reason_from_text(text: &str) -> Option<EndReason> {
    [
        EndReason::Idle,
        EndReason::TcpClosed,
        EndReason::PortReuse,
        EndReason::Flushed,
    ]
    .into_iter()
    .find(|&e| end_reason_text(e) == text)
}

/// How a precision is written in `files.precision`.
pub fn precision_text(p: Precision) -> &'static str {
    match p {
        Precision::Micro => "micro",
        Precision::Nano => "nano",
    }
}

/// The precision of its `files.precision` text: `nano`, or `nsec` as
/// databases written before this store recorded classic pcap files (their
/// carves then lost the nanoseconds of a pcapng output); microseconds
/// otherwise.
pub fn precision_from_text(text: Option<&str>) -> Precision {
    match text {
        Some("nano" | "nsec") => Precision::Nano,
        _ => Precision::Micro,
    }
}

/// How a byte order is written in `files.endian`.
pub fn endian_text(e: Endian) -> &'static str {
    match e {
        Endian::Big => "big",
        Endian::Little => "little",
    }
}

/// The name of an IP protocol number as `sessions` lists it: `tcp`,
/// `udp`, `icmp`, `icmp6`, `sctp`, or the number.
pub fn proto_name(p: u8) -> String {
    match p {
        1 => "icmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        58 => "icmp6".into(),
        132 => "sctp".into(),
        n => n.to_string(),
    }
}

/// One of the files a session's packets are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// The file's id in the store (`files.id`).
    pub id: i64,
    /// Its path when indexed; `None` if the store has no such file (a
    /// damaged index).
    pub path: Option<PathBuf>,
}

/// One indexed session, as a search returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Session id (for [`carve`](super::SessionStore::carve)).
    pub id: i64,
    /// Community ID v1.
    pub community_id: String,
    /// IP protocol number.
    pub proto: u8,
    /// Initiator address (for TCP, the SYN sender).
    pub src: IpAddr,
    /// Initiator port (0 if none).
    pub sport: u16,
    /// Responder address.
    pub dst: IpAddr,
    /// Responder port (0 if none).
    pub dport: u16,
    /// Outermost VLAN ID of the first packet, if tagged.
    pub vlan: Option<u16>,
    /// Every VLAN ID any of its packets carried (any depth), ascending.
    pub vlans: Vec<u16>,
    /// First packet time, nanoseconds since the epoch.
    pub first_ns: i64,
    /// Last packet time, nanoseconds since the epoch.
    pub last_ns: i64,
    /// Packets both ways.
    pub packets: u64,
    /// Bytes (on the wire) both ways.
    pub bytes: u64,
    /// Packets from the initiator.
    pub packets_to_server: u64,
    /// Bytes from the initiator.
    pub bytes_to_server: u64,
    /// Packets from the responder.
    pub packets_to_client: u64,
    /// Bytes from the responder.
    pub bytes_to_client: u64,
    /// TCP flags seen (OR of every segment's flags byte).
    pub tcp_flags: u8,
    /// Why the session ended, if known.
    pub end: Option<EndReason>,
    /// The files holding its packets, in order.
    pub files: Vec<FileRef>,
    /// Its metadata: search name (`tls.sni`, `dns.qry.name`, ...; see
    /// `protocols::meta::KEYS`) → its distinct values, sorted. Empty keys
    /// are absent.
    pub meta: std::collections::BTreeMap<String, Vec<String>>,
}

/// A capture file's format as the store records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Classic pcap.
    Pcap,
    /// pcapng.
    Pcapng,
}

impl FileFormat {
    /// The `files.format` text.
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Pcap => "pcap",
            FileFormat::Pcapng => "pcapng",
        }
    }
}

/// What the store knows of one indexed capture file.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// `files.id`.
    pub id: i64,
    /// Its canonical path when indexed.
    pub path: PathBuf,
    /// Its last component (for finding a moved file by name).
    pub name: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// The cheap fingerprint of its head and tail ([`schema::Fingerprint`]).
    pub quick_hash: String,
    /// pcap or pcapng.
    pub format: FileFormat,
    /// The link type of its first record, if it has one.
    pub linktype: Option<LinkType>,
    /// The precision of its timestamps (for pcapng: nanoseconds if any
    /// timestamp had sub-microsecond digits).
    pub precision: Precision,
    /// Its byte order (for pcapng, that of its first section).
    pub endian: Endian,
    /// pcapng: the offsets of its section headers and interface
    /// descriptions, to read a record at its offset; `None` for classic
    /// pcap, or a pcapng file with too many of them.
    pub context: Option<Vec<u64>>,
}

impl FileRow {
    /// Decodes the columns `id, path, name, size, quick_hash, format,
    /// linktype, precision, endian, context` of a `files` row.
    pub(super) fn from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<FileRow> {
        let format: String = r.get(5)?;
        let precision: Option<String> = r.get(7)?;
        let endian: Option<String> = r.get(8)?;
        let context: Option<Vec<u8>> = r.get(9)?;
        Ok(FileRow {
            id: r.get(0)?,
            path: schema::blob_to_path(&r.get::<_, Vec<u8>>(1)?),
            name: schema::blob_to_path(&r.get::<_, Vec<u8>>(2)?),
            size: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            quick_hash: r.get(4)?,
            format: if format == "pcap" {
                FileFormat::Pcap
            } else {
                FileFormat::Pcapng
            },
            linktype: r
                .get::<_, Option<i64>>(6)?
                .and_then(|l| u16::try_from(l).ok())
                .map(LinkType),
            precision: precision_from_text(precision.as_deref()),
            endian: if endian.as_deref() == Some("big") {
                Endian::Big
            } else {
                Endian::Little
            },
            // A blob of the wrong length (a damaged index) is as if
            // there were none: the file is then walked.
            context: context.as_deref().and_then(schema::decode_offsets),
        })
    }
}

/// The `files` columns [`FileRow::from_sql`] reads.
pub(super) const FILE_COLUMNS: &str =
    "id, path, name, size, quick_hash, format, linktype, precision, endian, context";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_through_blobs() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(ip_from_blob(&ip_to_blob(v4), 4), Some(v4));
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(ip_from_blob(&ip_to_blob(v6), 6), Some(v6));
        assert_eq!(ip_from_blob(&[1, 2], 4), None);
        assert_eq!(
            ip_from_blob(&ip_to_blob(v6), 4),
            Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
        );
    }

    #[test]
    fn end_reasons_round_trip_through_text() {
        for e in [
            EndReason::Idle,
            EndReason::TcpClosed,
            EndReason::PortReuse,
            EndReason::Flushed,
        ] {
            assert_eq!(end_reason_from_text(end_reason_text(e)), Some(e));
        }
        assert_eq!(end_reason_text(EndReason::Flushed), "end-of-capture");
        assert_eq!(end_reason_from_text("flushed"), None);
        assert_eq!(proto_name(6), "tcp");
        assert_eq!(proto_name(47), "47");
    }
}
