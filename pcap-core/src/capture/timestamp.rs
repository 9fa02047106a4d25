//! Capture timestamps: [`Timestamp`] (seconds and nanoseconds since the Unix
//! epoch, printed exactly as tshark 4.0 prints `frame.time_epoch`), the
//! classic pcap [`Precision`] (micro- or nanoseconds, chosen by the magic
//! number) and the pcapng [`TsResolution`] (`if_tsresol`: any power of 10 or
//! of 2).
//!
//! Conversions are exact wherever the target can hold the value: a
//! microsecond file read back gives microseconds times 1000, a nanosecond
//! file its nanoseconds. Only resolutions finer than a nanosecond (and
//! binary fractions) are truncated towards the past.

use std::fmt;

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// A capture time: whole seconds since 1970-01-01 UTC plus nanoseconds.
///
/// `nanos` is always below 1 000 000 000 and counts forward from `secs`, so
/// 1.5 seconds before the epoch is `{ secs: -2, nanos: 500_000_000 }`.
/// Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// Whole seconds since the Unix epoch (negative before it).
    pub secs: i64,
    /// Nanoseconds after `secs`, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Timestamp {
    /// The epoch itself, `0.000000000`.
    pub const ZERO: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// A timestamp from seconds and nanoseconds; nanoseconds beyond one
    /// second carry into the seconds (saturating at the `i64` range).
    pub const fn new(secs: i64, nanos: u32) -> Timestamp {
        Timestamp {
            secs: secs.saturating_add((nanos / NANOS_PER_SEC) as i64),
            nanos: nanos % NANOS_PER_SEC,
        }
    }

    /// A timestamp from a signed count of nanoseconds since the epoch.
    pub const fn from_nanos(total: i128) -> Timestamp {
        let secs = total.div_euclid(NANOS_PER_SEC as i128);
        let nanos = total.rem_euclid(NANOS_PER_SEC as i128) as u32;
        let secs = if secs > i64::MAX as i128 {
            i64::MAX
        } else if secs < i64::MIN as i128 {
            i64::MIN
        } else {
            secs as i64
        };
        Timestamp { secs, nanos }
    }

    /// Nanoseconds since the epoch (exact: an `i128` holds every timestamp).
    pub const fn as_nanos(&self) -> i128 {
        self.secs as i128 * NANOS_PER_SEC as i128 + self.nanos as i128
    }

    /// The timestamp of a classic pcap record header: unsigned 32-bit
    /// seconds (as libpcap and tshark read them) and a fraction in the
    /// file's precision. A fraction of a second or more (only seen in
    /// damaged files) carries into the seconds rather than being dropped.
    #[inline]
    pub fn from_pcap(secs: u32, fraction: u32, precision: Precision) -> Timestamp {
        let nanos = match precision {
            Precision::Micro => u64::from(fraction) * 1_000,
            Precision::Nano => u64::from(fraction),
        };
        Timestamp {
            secs: i64::from(secs) + (nanos / u64::from(NANOS_PER_SEC)) as i64,
            nanos: (nanos % u64::from(NANOS_PER_SEC)) as u32,
        }
    }

    /// This timestamp shifted by `offset` whole seconds (pcapng `if_tsoffset`).
    #[inline]
    pub const fn add_secs(self, offset: i64) -> Timestamp {
        Timestamp {
            secs: self.secs.saturating_add(offset),
            nanos: self.nanos,
        }
    }

    /// The epoch time as tshark 4.0 prints `frame.time_epoch`: seconds, a
    /// dot and always 9 decimals (`1084443427.311224000`), with a leading
    /// `-` before the epoch (`-0.500000000`). The same text as `Display`.
    pub fn to_epoch_string(&self) -> String {
        self.to_string()
    }
}

/// Formats like tshark 4.0's `frame.time_epoch`; see
/// [`Timestamp::to_epoch_string`].
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Sign and magnitude of the exact nanosecond count: -2 s + 0.5 s is
        // "-1.500000000". Going through i128 also copes with a hand-built
        // value whose `nanos` is not normalised.
        let total = self.as_nanos();
        let magnitude = total.unsigned_abs();
        let per_sec = u128::from(NANOS_PER_SEC);
        write!(
            f,
            "{}{}.{:09}",
            if total < 0 { "-" } else { "" },
            magnitude / per_sec,
            magnitude % per_sec
        )
    }
}

/// The timestamp precision of a classic pcap file, chosen by its magic number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    /// Microseconds (magic `a1b2c3d4`, and the "modified" `a1b2cd34`).
    #[default]
    Micro,
    /// Nanoseconds (magic `a1b23c4d`).
    Nano,
}

impl Precision {
    /// Fraction units per second: 1 000 000 or 1 000 000 000.
    pub const fn units_per_sec(self) -> u32 {
        match self {
            Precision::Micro => 1_000_000,
            Precision::Nano => NANOS_PER_SEC,
        }
    }

    /// The fraction field for `ts` in this precision (nanoseconds are
    /// truncated to microseconds for [`Precision::Micro`]).
    pub const fn fraction(self, ts: Timestamp) -> u32 {
        match self {
            Precision::Micro => ts.nanos / 1_000,
            Precision::Nano => ts.nanos,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::Micro => "usec",
            Precision::Nano => "nsec",
        })
    }
}

/// A pcapng interface's timestamp resolution (`if_tsresol`): units of
/// 10^-k or 2^-k seconds. The default, when the option is absent, is
/// microseconds.
///
/// Only resolutions whose units-per-second fit in a `u64` are representable
/// (10^0..=10^19, 2^0..=2^63); [`TsResolution::from_option`] refuses others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TsResolution {
    /// The raw `if_tsresol` byte: high bit set for a power of 2, low 7 bits
    /// the (negative) exponent.
    raw: u8,
    units_per_sec: u64,
    /// How a sub-second remainder becomes nanoseconds, precomputed so the
    /// per-record conversion is one multiply, divide or shift.
    scale: Scale,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scale {
    /// Units coarser than or equal to a nanosecond: multiply.
    Mul(u64),
    /// Decimal units finer than a nanosecond: divide (truncates).
    Div(u64),
    /// Binary units 2^-k: `rem * 1e9 >> k` (truncates).
    Shift(u32),
}

impl TsResolution {
    /// Microseconds, the pcapng default (`if_tsresol` = 6).
    pub const MICROS: TsResolution = TsResolution {
        raw: 6,
        units_per_sec: 1_000_000,
        scale: Scale::Mul(1_000),
    };
    /// Nanoseconds (`if_tsresol` = 9).
    pub const NANOS: TsResolution = TsResolution {
        raw: 9,
        units_per_sec: 1_000_000_000,
        scale: Scale::Mul(1),
    };

    /// Decodes an `if_tsresol` byte; `None` if its unit is too fine to count
    /// seconds in a `u64` (10^-20 and finer, 2^-64 and finer).
    pub const fn from_option(raw: u8) -> Option<TsResolution> {
        let exp = (raw & 0x7f) as u32;
        if raw & 0x80 != 0 {
            if exp > 63 {
                return None;
            }
            Some(TsResolution {
                raw,
                units_per_sec: 1u64 << exp,
                scale: Scale::Shift(exp),
            })
        } else {
            if exp > 19 {
                return None;
            }
            let scale = if exp <= 9 {
                Scale::Mul(10u64.pow(9 - exp))
            } else {
                Scale::Div(10u64.pow(exp - 9))
            };
            Some(TsResolution {
                raw,
                units_per_sec: 10u64.pow(exp),
                scale,
            })
        }
    }

    /// The raw `if_tsresol` byte.
    pub const fn raw(&self) -> u8 {
        self.raw
    }

    /// Timestamp units per second.
    pub const fn units_per_sec(&self) -> u64 {
        self.units_per_sec
    }

    /// The time `units` after the epoch (before any `if_tsoffset`).
    #[inline]
    pub fn to_timestamp(&self, units: u64) -> Timestamp {
        let secs = units / self.units_per_sec;
        let rem = units % self.units_per_sec;
        let nanos = match self.scale {
            Scale::Mul(m) => rem * m,
            Scale::Div(d) => rem / d,
            Scale::Shift(k) => ((u128::from(rem) * u128::from(NANOS_PER_SEC)) >> k) as u64,
        };
        Timestamp {
            // Only a resolution of whole seconds can exceed i64::MAX seconds.
            secs: i64::try_from(secs).unwrap_or(i64::MAX),
            nanos: nanos as u32,
        }
    }

    /// The unit count for `ts` (rounded down to this resolution); `None`
    /// before the epoch or past what a `u64` holds.
    pub fn to_units(&self, ts: Timestamp) -> Option<u64> {
        let secs = u64::try_from(ts.secs).ok()?;
        let frac = match self.scale {
            Scale::Mul(m) => u64::from(ts.nanos) / m,
            Scale::Div(d) => u64::from(ts.nanos).checked_mul(d)?,
            Scale::Shift(k) => ((u128::from(ts.nanos) << k) / u128::from(NANOS_PER_SEC)) as u64,
        };
        secs.checked_mul(self.units_per_sec)?.checked_add(frac)
    }
}

impl Default for TsResolution {
    fn default() -> Self {
        TsResolution::MICROS
    }
}

impl fmt::Display for TsResolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.raw & 0x7f;
        if self.raw & 0x80 != 0 {
            write!(f, "2^-{exp} s")
        } else {
            write!(f, "10^-{exp} s")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_string_has_nine_decimals() {
        assert_eq!(
            Timestamp::from_pcap(1084443427, 311224, Precision::Micro).to_string(),
            "1084443427.311224000"
        );
        assert_eq!(
            Timestamp::from_pcap(1, 5, Precision::Nano).to_string(),
            "1.000000005"
        );
        assert_eq!(Timestamp::ZERO.to_epoch_string(), "0.000000000");
    }

    #[test]
    fn epoch_string_before_the_epoch() {
        assert_eq!(Timestamp::from_nanos(-1).to_string(), "-0.000000001");
        assert_eq!(
            Timestamp::from_nanos(-500_000_000).to_string(),
            "-0.500000000"
        );
        assert_eq!(
            Timestamp::from_nanos(-1_500_000_000).to_string(),
            "-1.500000000"
        );
        assert_eq!(Timestamp::new(-3, 0).to_string(), "-3.000000000");
        let min = Timestamp {
            secs: i64::MIN,
            nanos: 1,
        };
        assert_eq!(min.to_string(), "-9223372036854775807.999999999");
        let odd = Timestamp {
            secs: -1,
            nanos: 2_500_000_000,
        };
        assert_eq!(odd.to_string(), "1.500000000");
    }

    #[test]
    fn nanos_round_trip() {
        for n in [0i128, 1, -1, 999_999_999, -1_000_000_000, 1_234_567_890_123] {
            assert_eq!(Timestamp::from_nanos(n).as_nanos(), n);
        }
    }

    #[test]
    fn oversized_fraction_carries() {
        let ts = Timestamp::from_pcap(10, 2_500_000, Precision::Micro);
        assert_eq!((ts.secs, ts.nanos), (12, 500_000_000));
        let ts = Timestamp::from_pcap(u32::MAX, u32::MAX, Precision::Nano);
        assert_eq!((ts.secs, ts.nanos), (4294967299, 294_967_295));
    }

    #[test]
    fn resolutions() {
        let us = TsResolution::from_option(6).unwrap();
        assert_eq!(us, TsResolution::MICROS);
        assert_eq!(us.to_timestamp(1_500_001).to_string(), "1.500001000");
        let ps = TsResolution::from_option(12).unwrap();
        assert_eq!(
            ps.to_timestamp(1_000_000_000_999).to_string(),
            "1.000000000"
        );
        let bin = TsResolution::from_option(0x80 | 10).unwrap();
        assert_eq!(bin.to_timestamp(1024 + 512).to_string(), "1.500000000");
        let secs = TsResolution::from_option(0).unwrap();
        assert_eq!(secs.to_timestamp(u64::MAX).secs, i64::MAX);
        assert!(TsResolution::from_option(20).is_none());
        assert!(TsResolution::from_option(0x80 | 64).is_none());
        assert!(TsResolution::from_option(19).is_some());
        assert!(TsResolution::from_option(0x80 | 63).is_some());
    }

    #[test]
    fn units_round_trip() {
        let ts = Timestamp::new(1_700_000_000, 123_456_789);
        for raw in [0u8, 3, 6, 9, 0x80 | 20, 0x80 | 30] {
            let res = TsResolution::from_option(raw).unwrap();
            let back = res.to_timestamp(res.to_units(ts).unwrap());
            assert!(back <= ts, "{raw}: {back} > {ts}");
        }
        for raw in [9u8, 10] {
            let res = TsResolution::from_option(raw).unwrap();
            assert_eq!(res.to_timestamp(res.to_units(ts).unwrap()), ts);
        }
        assert_eq!(TsResolution::NANOS.to_units(Timestamp::new(-1, 0)), None);
    }
}
