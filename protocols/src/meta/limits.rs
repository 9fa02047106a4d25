//! [`Limits`]: the fixed memory budget of one session's metadata.

/// How much one session may hold: the values kept and the bytes buffered
/// to join a ClientHello, an HTTP head or a DNS-over-TCP message that
/// spans segments. Past a limit, values are dropped (or cut) and joining
/// gives up; nothing grows without bound. (One more buffer is outside
/// these limits: a handshake message split over several TLS records is
/// joined by [`tls::Session`](crate::tls::Session), capped at its
/// [`MAX_HANDSHAKE_LEN`](crate::tls::session::MAX_HANDSHAKE_LEN), and
/// only while a direction's hellos are being read.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total bytes of all values kept for the session.
    pub per_session_bytes: usize,
    /// Longest value kept, in bytes; a longer one is cut (at a character
    /// boundary), so prefix searches still find it.
    pub per_value_bytes: usize,
    /// Most distinct values kept per key.
    pub max_values_per_key: usize,
    /// Bytes buffered per direction to join one record, head or message
    /// across segments (a post-quantum ClientHello is about 1.8 KiB; a
    /// ClientHello is at most 64 KiB, but real ones fit in 16 KiB).
    pub per_direction_buffer: usize,
    /// Out-of-order segments held per direction until the gap before
    /// them fills (past it, the gap is given up). 0 by default, as tshark
    /// 4.0 (`tcp.reassemble_out_of_order: FALSE`): a segment ahead of a
    /// gap is read at once, and the one that fills the gap later is taken
    /// for a retransmission and dropped.
    pub max_pending_segments: usize,
    /// Bytes of TLS read per direction before the handshake is given up
    /// (the hellos come first; this bounds the work on a connection that
    /// never shows application data).
    pub tls_bytes: usize,
}

impl Limits {
    /// The limits used by default: 16 KiB of values, 2 KiB per value, 32
    /// values per key, 16 KiB buffered per direction, no held segments,
    /// 256 KiB of TLS per direction.
    pub const DEFAULT: Limits = Limits {
        per_session_bytes: 16 * 1024,
        per_value_bytes: 2 * 1024,
        max_values_per_key: 32,
        per_direction_buffer: 16 * 1024,
        max_pending_segments: 0,
        tls_bytes: 256 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
