//! Carving for a response: the capture is written and verified in full
//! before the response starts (so a changed capture is a 409, never a cut
//! download), into memory when small, else into a temporary file that is
//! unlinked at once and streamed from its open handle: whatever happens to
//! the client, closing the body frees it.

use std::io::{Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::store::{CarveOptions, CarveOutput, OutFormat, SessionStore};

/// Carves of at most this many (estimated) bytes are kept in memory.
const IN_MEMORY: u64 = 1 << 20;

/// A carved capture, complete and verified.
pub(crate) enum Carved {
    /// Small: the bytes.
    Memory(Vec<u8>),
    /// Large: an unlinked temporary file, at its start, and its length.
    File(std::fs::File, u64),
}

/// A temporary file beside no input: in the system's temporary folder,
/// removed from it as soon as it is open.
fn anonymous_file() -> std::io::Result<std::fs::File> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".pcapdig-serve-{}-{n}.pcap", std::process::id()));
        match std::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => {
                std::fs::remove_file(&path)?;
                return Ok(f);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Carves sessions `ids` as `pcapdig carve IDS -o -` does (classic pcap
/// unless `format` says pcapng); `estimate` is their size in bytes (it
/// picks memory or a temporary file).
pub(crate) fn carve(
    store: &SessionStore,
    ids: &[i64],
    format: Option<OutFormat>,
    estimate: u64,
) -> Result<Carved, ApiError> {
    let opts = CarveOptions {
        format,
        ..CarveOptions::default()
    };
    if estimate <= IN_MEMORY {
        let mut bytes = Vec::new();
        store
            .carve(ids, Some(CarveOutput::Writer(&mut bytes)), &opts)
            .map_err(ApiError::carve)?;
        return Ok(Carved::Memory(bytes));
    }
    let tmp = |e: std::io::Error| ApiError::internal(format!("temporary file: {e}"));
    let mut file = anonymous_file().map_err(tmp)?;
    store
        .carve(ids, Some(CarveOutput::Writer(&mut file)), &opts)
        .map_err(ApiError::carve)?;
    file.flush().map_err(tmp)?;
    let len = file.seek(SeekFrom::End(0)).map_err(tmp)?;
    file.seek(SeekFrom::Start(0)).map_err(tmp)?;
    Ok(Carved::File(file, len))
}

impl Carved {
    /// The capture as a download named `name`.
    pub(crate) fn into_response(self, name: &str, format: Option<OutFormat>) -> Response {
        let (body, len) = match self {
            Carved::Memory(bytes) => {
                let len = bytes.len() as u64;
                (Body::from(bytes), len)
            }
            Carved::File(file, len) => {
                let file = tokio::fs::File::from_std(file);
                let stream = tokio_util::io::ReaderStream::with_capacity(file, 1 << 16);
                (Body::from_stream(stream), len)
            }
        };
        let content_type = match format {
            Some(OutFormat::Pcapng) => "application/x-pcapng",
            _ => "application/vnd.tcpdump.pcap",
        };
        let mut response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        response
    }
}

/// Refuses (413) a carve above the caps: `sessions` sessions of `bytes`
/// bytes in all.
pub(crate) fn check_caps(
    limits: &super::Limits,
    sessions: u64,
    bytes: u64,
) -> Result<(), ApiError> {
    if sessions > limits.max_carve_sessions {
        return Err(ApiError::too_large(format!(
            "{sessions} sessions match, above the server's --max-carve of {}: narrow the search",
            limits.max_carve_sessions
        )));
    }
    if bytes > limits.max_carve_bytes {
        return Err(ApiError::too_large(format!(
            "the sessions hold {bytes} bytes, above the server's --max-carve-bytes of {}: narrow \
             the search, or carve with `pcapdig carve`",
            limits.max_carve_bytes
        )));
    }
    Ok(())
}

/// An estimate of a carve's size: the sessions' bytes and a record
/// header for each packet.
pub(crate) fn estimate(bytes: u64, packets: u64) -> u64 {
    bytes
        .saturating_add(packets.saturating_mul(16))
        .saturating_add(24)
}
