//! IEEE 802.2 LLC and its SNAP extension ([RFC 1042]): how 802.11 data
//! frames carry IP, ARP and the rest, as a 3-byte LLC header (`aa aa 03`)
//! then an OUI and an EtherType.
//!
//! Panic contract: [`Llc::view`] checks 8 bytes; [`step`] checks what it
//! reads.
//!
//! [RFC 1042]: https://www.rfc-editor.org/rfc/rfc1042

use pcap_core::{Error, Field, Header};

/// An LLC header with its SNAP extension (8 bytes). A plain LLC header
/// (other SAPs) has only the first three fields.
#[derive(Header, Debug, Clone)]
#[header(name = "llc", endian = "big")]
pub struct Llc<'a> {
    /// Destination SAP (`0xaa` for SNAP).
    #[field(name = "dsap", display = "hex")]
    pub dsap: Field<'a, u8>,
    /// Source SAP.
    #[field(name = "ssap", display = "hex")]
    pub ssap: Field<'a, u8>,
    /// Control (`0x03`: unnumbered information).
    #[field(name = "control", display = "hex")]
    pub control: Field<'a, u8>,
    /// SNAP organisation code (0 for an EtherType).
    #[field(name = "oui", display = "hex", bits = 24)]
    pub oui: Field<'a, u32>,
    /// SNAP protocol: the EtherType when the OUI is 0 (or 0x0000f8).
    #[field(default, name = "type", display = "hex")]
    pub ethertype: Field<'a, u16>,
}

/// The SAP of SNAP.
pub const SNAP_SAP: u8 = 0xaa;
/// Length of LLC + SNAP.
pub const SNAP_LEN: usize = 8;
/// Length of an LLC header with an unnumbered control field.
pub const LLC_LEN: usize = 3;

/// Whether `bytes` start with an LLC/SNAP header (both SAPs SNAP's).
pub fn is_snap(bytes: &[u8]) -> bool {
    bytes.get(..2) == Some(&[SNAP_SAP, SNAP_SAP][..])
}

/// The header's length and the EtherType it carries, if any (SNAP with
/// an EtherType OUI).
pub fn step(bytes: &[u8]) -> Result<(usize, Option<u16>), Error> {
    if is_snap(bytes) {
        let v = Llc::view(bytes)?;
        let oui = v.oui();
        // RFC 1042 (0) and 802.1H bridge tunnel (0x0000f8) carry EtherTypes.
        let ethertype = (oui == 0 || oui == 0xf8).then(|| v.ethertype());
        return Ok((SNAP_LEN, ethertype));
    }
    // A plain LLC header: 3 bytes with a U-format control field, 4 with
    // an I- or S-format one (its low two bits are not 0b11).
    let control = *bytes.get(2).ok_or_else(|| cut(LLC_LEN, bytes.len()))?;
    let len = if control & 3 == 3 {
        LLC_LEN
    } else {
        LLC_LEN + 1
    };
    if bytes.len() < len {
        return Err(cut(len, bytes.len()));
    }
    Ok((len, None))
}

fn cut(needed: usize, available: usize) -> Error {
    Error::Truncated {
        layer: "llc",
        field: "(header)",
        offset: 0,
        needed,
        available,
        limit: pcap_core::Limit::Buffer,
    }
}
