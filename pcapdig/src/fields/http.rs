//! The HTTP header columns (`http.host`, `http.user_agent`, `http.server`,
//! `http.content_type`) as tshark 4.0 prints them with TCP reassembly off.
//!
//! The dissector has found the head's start line; the header lines are
//! read here, lazily, only for the header a column asks for, the way
//! tshark's HTTP dissector reads them:
//!
//! - a line ends at CR LF, LF or a lone CR; the last line of a segment
//!   needs no end (a segment or a capture cut inside a header line shows
//!   that line as far as it goes: a partial `Host`);
//! - the blank line ends the head; so does a line starting with a space or
//!   a tab (a continuation) and a line without a colon;
//! - a header's name is matched case-insensitively and exactly (no space
//!   before the colon); its value starts after the colon's spaces and tabs
//!   and keeps its trailing ones;
//! - every occurrence is shown, an empty one too.

use super::text::{Line, push_ascii_field};

/// Splits off one line: (line without its end, bytes consumed). Without a
/// line end the line runs to the end of `bytes`.
fn line(bytes: &[u8]) -> (&[u8], usize) {
    match bytes.iter().position(|&b| b == b'\r' || b == b'\n') {
        Some(i) => {
            let crlf = bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n');
            (&bytes[..i], i + 1 + usize::from(crlf))
        }
        None => (bytes, bytes.len()),
    }
}

/// The header lines of the head at the start of `segment` (after its start
/// line), as (name, value) pairs, up to the end of the head.
fn header_lines(segment: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let (_, start) = line(segment);
    let mut rest = segment.get(start..).unwrap_or(&[]);
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (text, used) = line(rest);
        rest = rest.get(used..).unwrap_or(&[]);
        if matches!(text.first(), None | Some(b' ' | b'\t')) {
            rest = &[];
            return None;
        }
        let Some(colon) = text.iter().position(|&b| b == b':') else {
            rest = &[];
            return None;
        };
        let value = &text[colon + 1..];
        let skip = value
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        Some((&text[..colon], &value[skip..]))
    })
}

/// Writes every value of the header `name` (lowercase) in the head at the
/// start of `segment`, commas between; false if it has none.
pub fn write_header(out: &mut Line, segment: &[u8], name: &str) -> bool {
    let mut any = false;
    for (n, value) in header_lines(segment) {
        if n.eq_ignore_ascii_case(name.as_bytes()) {
            if any {
                out.push(',');
            }
            push_ascii_field(out, value);
            any = true;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(segment: &[u8], name: &str) -> String {
        let mut out = Line::default();
        write_header(&mut out, segment, name);
        out.to_text()
    }

    /// Each expected value is what tshark 4.0.17 printed for the same
    /// segment sent to TCP port 80 (reassembly off).
    #[test]
    fn header_values_are_tshark_s() {
        let two =
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nUser-Agent: x1 \r\nUser-Agent:  x2\r\n\r\n";
        assert_eq!(header(two, "host"), "a,b");
        assert_eq!(header(two, "user-agent"), "x1 ,x2");
        // Cut inside the value: the part that is there.
        assert_eq!(header(b"GET / HTTP/1.1\r\nHost: part", "host"), "part");
        assert_eq!(
            header(b"GET / HTTP/1.1\r\nUser-Agent: curl\r\nHo", "host"),
            ""
        );
        // A continuation line or a line without a colon ends the head.
        let cont = b"GET / HTTP/1.1\r\nUser-Agent: a\r\n continued\r\nHost: h\r\n\r\n";
        assert_eq!(header(cont, "user-agent"), "a");
        assert_eq!(header(cont, "host"), "");
        let bad = b"GET / HTTP/1.1\r\nHost\r\nUser-Agent: after\r\n\r\n";
        assert_eq!(header(bad, "user-agent"), "");
        // A space before the colon: not that header, but the head goes on.
        let spaced = b"GET / HTTP/1.1\r\nUser-Agent : s\r\nHost: after\r\n\r\n";
        assert_eq!(header(spaced, "user-agent"), "");
        assert_eq!(header(spaced, "host"), "after");
        // Empty values count; a lone CR ends a line; names are caseless.
        assert_eq!(
            header(b"GET / HTTP/1.1\r\nHost: \r\nhost: b\r\n\r\n", "host"),
            ",b"
        );
        let cr = b"GET / HTTP/1.1\r\nUSER-AGENT: cr-only\rHost: z\r\n\r\n";
        assert_eq!(header(cr, "user-agent"), "cr-only");
        assert_eq!(header(cr, "host"), "z");
        // The body is not read as headers.
        let body = b"HTTP/1.1 200 OK\nContent-type: text/html; charset=x\n\nServer: no";
        assert_eq!(header(body, "content-type"), "text/html; charset=x");
        assert_eq!(header(body, "server"), "");
        // ASCII: a tab is escaped, bytes above 0x7f are U+FFFD, NUL ends.
        let odd = b"GET / HTTP/1.1\r\nUser-Agent:\tq\tcaf\xc3\xa9\x00rest\r\n\r\n";
        assert_eq!(header(odd, "user-agent"), "q\\tcaf\u{fffd}\u{fffd}");
    }
}
