//! Byte order: the runtime [`Endian`] value and the compile-time
//! [`ByteOrder`] markers the derive monomorphizes parsers over.
//!
//! A header declared `endian = "runtime"` picks its byte order once per call
//! (`parse_endian`), and the generated code then runs a copy of the parser
//! specialised for that order: no branch per field.

/// A byte order chosen at run time (for example from a pcap magic number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Endian {
    /// Most significant byte first: network byte order.
    #[default]
    Big,
    /// Least significant byte first.
    Little,
}

impl Endian {
    /// The byte order of the machine this code runs on.
    pub const NATIVE: Endian = if cfg!(target_endian = "big") {
        Endian::Big
    } else {
        Endian::Little
    };

    /// `"<"` for little-endian, `">"` for big-endian, as Python's `struct` module writes them.
    pub const fn symbol(self) -> &'static str {
        match self {
            Endian::Big => ">",
            Endian::Little => "<",
        }
    }

    /// Reads an unsigned integer of `bytes.len()` bytes (at most 16) in this order.
    pub fn read_uint(self, bytes: &[u8]) -> u128 {
        let bytes = &bytes[..bytes.len().min(16)];
        match self {
            Endian::Big => bytes
                .iter()
                .fold(0u128, |acc, &b| (acc << 8) | u128::from(b)),
            Endian::Little => bytes
                .iter()
                .rev()
                .fold(0u128, |acc, &b| (acc << 8) | u128::from(b)),
        }
    }
}

impl std::fmt::Display for Endian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A byte order known at compile time. Generated parsers are generic over it,
/// so a runtime [`Endian`] is matched once and every load is a plain
/// `from_be_bytes`/`from_le_bytes`.
pub trait ByteOrder: Copy + 'static {
    /// The runtime value of this order.
    const ENDIAN: Endian;
    /// Whether this is big-endian (a constant the optimizer folds).
    const IS_BIG: bool;
}

/// Big-endian (network order) marker.
#[derive(Debug, Clone, Copy)]
pub struct BigEndian;

/// Little-endian marker.
#[derive(Debug, Clone, Copy)]
pub struct LittleEndian;

impl ByteOrder for BigEndian {
    const ENDIAN: Endian = Endian::Big;
    const IS_BIG: bool = true;
}

impl ByteOrder for LittleEndian {
    const ENDIAN: Endian = Endian::Little;
    const IS_BIG: bool = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_uint_both_orders() {
        assert_eq!(Endian::Big.read_uint(&[0x12, 0x34, 0x56]), 0x123456);
        assert_eq!(Endian::Little.read_uint(&[0x12, 0x34, 0x56]), 0x563412);
        assert_eq!(Endian::Big.read_uint(&[]), 0);
    }

    #[test]
    fn symbols() {
        assert_eq!(Endian::Little.to_string(), "<");
        assert_eq!(Endian::Big.symbol(), ">");
    }
}
