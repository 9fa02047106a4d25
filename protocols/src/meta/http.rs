//! HTTP/1.x heads found by their content, on any port (but SSH's): a
//! segment that starts like a request or a status line starts a head,
//! which is joined across segments until its blank line. The body is then
//! skipped by its Content-Length, so that the next head of a keep-alive or
//! pipelined connection is found where it starts, even inside a segment; a
//! body whose end cannot be told that way (chunked, or until the
//! connection closes) is followed by looking for a head at each segment
//! start again.
//!
//! As tshark (which reads a message once its head and its Content-Length
//! body are whole): a head that never ends gives nothing, and a message
//! whose body never completes gives nothing; but a segment cut by the
//! capture's snap length is read as it is, its head however short.

use std::collections::VecDeque;

use super::limits::Limits;
use super::values::{Key, SessionMeta};
use crate::http::{HttpMessage, StartLine, looks_like_http};
use crate::tls::columns::ascii_text;

/// Requests whose responses are not yet seen, remembered to know that a
/// response to HEAD has no body.
const MAX_OUTSTANDING: usize = 32;

/// Where a direction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Not inside anything known: a head may start at a segment start.
    #[default]
    Seek,
    /// Right after a message: the next bytes start the next head, if any.
    Boundary,
    /// Inside a head (its start is in `partial`).
    Head,
    /// Inside a body with this many bytes to go.
    Body(u64),
}

/// One direction.
#[derive(Debug, Default)]
struct Direction {
    state: State,
    partial: Vec<u8>,
    /// The values of a message whose body is being skipped: they count
    /// once the body is whole.
    pending: Vec<(Key, String)>,
}

impl Direction {
    fn commit(&mut self, meta: &mut SessionMeta, limits: &Limits) {
        for (key, value) in self.pending.drain(..) {
            meta.add(key, &value, limits);
        }
    }
}

/// A connection's HTTP reader.
#[derive(Debug, Default)]
pub(super) struct Http {
    sides: [Direction; 2],
    /// For each request not yet answered: whether it was HEAD.
    outstanding: VecDeque<bool>,
}

/// The length of the head at the start of `bytes` (through its blank
/// line), looking for the blank line from `from` on.
fn head_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = bytes.get(i..)?.iter().position(|&b| b == b'\n') {
        let lf = i + off;
        match bytes.get(lf + 1..lf + 3) {
            Some([b'\n', _]) => return Some(lf + 2),
            Some([b'\r', b'\n']) => return Some(lf + 3),
            _ if bytes.get(lf + 1) == Some(&b'\n') => return Some(lf + 2),
            _ => {}
        }
        i = lf + 1;
    }
    None
}

impl Http {
    /// Bytes buffered now.
    pub(super) fn buffered(&self) -> usize {
        self.sides.iter().map(|s| s.partial.capacity()).sum()
    }

    /// Bytes were lost in direction `side`: whatever was being read is
    /// dropped.
    pub(super) fn gap(&mut self, side: usize) {
        if let Some(d) = self.sides.get_mut(side) {
            d.state = State::Seek;
            d.partial = Vec::new();
            d.pending = Vec::new();
        }
    }

    /// The next in-order bytes of direction `side`; `seg_start` if they
    /// start a segment, `cut` if the capture cut the segment after them.
    pub(super) fn chunk(
        &mut self,
        side: usize,
        bytes: &[u8],
        seg_start: bool,
        cut: bool,
        meta: &mut SessionMeta,
        limits: &Limits,
    ) {
        if side > 1 {
            return;
        }
        let mut rest = bytes;
        let mut at_start = seg_start;
        loop {
            let state = self.sides[side].state;
            match state {
                State::Seek => {
                    if !(at_start && looks_like_http(rest)) {
                        return;
                    }
                    self.sides[side].state = State::Head;
                }
                State::Boundary => {
                    if rest.is_empty() {
                        return;
                    }
                    self.sides[side].state = if looks_like_http(rest) {
                        State::Head
                    } else {
                        State::Seek
                    };
                }
                State::Body(n) => {
                    let k = usize::try_from(n).unwrap_or(usize::MAX).min(rest.len());
                    rest = &rest[k..];
                    let left = n - k as u64;
                    let dir = &mut self.sides[side];
                    if left > 0 {
                        dir.state = State::Body(left);
                        return;
                    }
                    dir.state = State::Boundary;
                    dir.commit(meta, limits);
                }
                State::Head => {
                    let dir = &mut self.sides[side];
                    if dir.partial.is_empty() {
                        match head_end(rest, 0) {
                            Some(end) => {
                                self.head(side, &rest[..end], meta, limits);
                                rest = &rest[end..];
                            }
                            None if cut => {
                                // Never to be whole: read as it is.
                                self.head(side, rest, meta, limits);
                                self.sides[side].commit(meta, limits);
                                return;
                            }
                            None => {
                                if rest.len() <= limits.per_direction_buffer {
                                    dir.partial = rest.to_vec();
                                } else {
                                    dir.state = State::Seek;
                                }
                                return;
                            }
                        }
                    } else {
                        let old = dir.partial.len();
                        if old + rest.len() > limits.per_direction_buffer {
                            // No head is this long: give it up.
                            dir.partial = Vec::new();
                            dir.state = State::Seek;
                            return;
                        }
                        dir.partial.extend_from_slice(rest);
                        let Some(end) = head_end(&dir.partial, old.saturating_sub(2)) else {
                            if cut {
                                let head = std::mem::take(&mut dir.partial);
                                self.head(side, &head, meta, limits);
                                self.sides[side].commit(meta, limits);
                            }
                            return;
                        };
                        let head = std::mem::take(&mut dir.partial);
                        self.head(side, &head[..end], meta, limits);
                        rest = &rest[end - old..];
                    }
                }
            }
            at_start = false;
        }
    }

    /// One whole head: its values, and where its body ends.
    fn head(&mut self, side: usize, head: &[u8], meta: &mut SessionMeta, limits: &Limits) {
        let Ok(msg) = HttpMessage::parse(head) else {
            self.sides[side].state = State::Seek;
            return;
        };
        let chunked = msg
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(b"transfer-encoding") && contains_chunked(v));
        let length = msg
            .headers
            .get("content-length")
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let pending = &mut self.sides[side].pending;
        pending.clear();
        let next = match msg.start {
            StartLine::Request { method, uri, .. } => {
                pending.push((Key::HttpMethod, ascii_text(method)));
                pending.push((Key::HttpUri, ascii_text(uri)));
                for (name, value) in msg.headers.iter() {
                    if name.eq_ignore_ascii_case(b"host") {
                        pending.push((Key::HttpHost, ascii_text(value)));
                    } else if name.eq_ignore_ascii_case(b"user-agent") {
                        pending.push((Key::HttpUserAgent, ascii_text(value)));
                    }
                }
                if self.outstanding.len() >= MAX_OUTSTANDING {
                    self.outstanding.pop_front();
                }
                self.outstanding.push_back(method == b"HEAD");
                if chunked {
                    State::Seek
                } else {
                    body(length.unwrap_or(0))
                }
            }
            StartLine::Response { code, .. } => {
                pending.push((Key::HttpResponseCode, code.to_string()));
                if (100..200).contains(&code) {
                    // Interim: the request is still waiting for its answer.
                    if code == 101 {
                        State::Seek
                    } else {
                        State::Boundary
                    }
                } else {
                    let to_head = self.outstanding.pop_front().unwrap_or(false);
                    if to_head || code == 204 || code == 304 {
                        State::Boundary
                    } else if chunked {
                        State::Seek
                    } else {
                        length.map_or(State::Seek, body)
                    }
                }
            }
        };
        let dir = &mut self.sides[side];
        dir.state = next;
        if !matches!(next, State::Body(_)) {
            dir.commit(meta, limits);
        }
    }
}

fn body(len: u64) -> State {
    if len == 0 {
        State::Boundary
    } else {
        State::Body(len)
    }
}

fn contains_chunked(value: &[u8]) -> bool {
    value.windows(7).any(|w| w.eq_ignore_ascii_case(b"chunked"))
}
