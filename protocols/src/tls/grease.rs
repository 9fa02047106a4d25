//! GREASE values ([RFC 8701]): reserved code points that clients sprinkle
//! into cipher, extension, group and version lists so that servers learn to
//! ignore unknown values. Fingerprints must skip them, or every connection
//! of the same client would hash differently.
//!
//! [RFC 8701]: https://www.rfc-editor.org/rfc/rfc8701

/// Whether a 16-bit code point is a GREASE value: `0x?a?a` with both bytes
/// equal (`0x0a0a`, `0x1a1a`, ... `0xfafa`).
pub fn is_grease(value: u16) -> bool {
    let [hi, lo] = value.to_be_bytes();
    hi == lo && lo & 0x0f == 0x0a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_all_sixteen_grease_values_and_no_others() {
        let found: Vec<u16> = (0..=u16::MAX).filter(|&v| is_grease(v)).collect();
        assert_eq!(found.len(), 16);
        assert_eq!(found[0], 0x0a0a);
        assert_eq!(found[15], 0xfafa);
        assert!(!is_grease(0x0a1a));
        assert!(!is_grease(0x1301));
        assert!(!is_grease(0xaaab));
    }
}
