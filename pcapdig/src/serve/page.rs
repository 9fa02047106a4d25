//! The page (`GET /?q=EXPR&since=&until=&sort=&offset=&limit=`): the
//! sessions table is rendered here from the URL's query (the same search
//! as `/api/sessions`), so a search is a link and the table shows without
//! script; the script ([`JS`]) adds a session's packets, payload and
//! downloads. Everything is in the binary: no external assets.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::query::{SearchParams, Sort};
use crate::sessions::Row;

/// Rows a page shows unless `limit` says.
const PAGE_ROWS: u64 = 100;

const TEMPLATE: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
/// The page's script.
const JS: &str = include_str!("page.js");

/// `text` for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` percent-encoded for a query string value.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The template with its `{{NAME}}` markers filled, in one pass (a value
/// that contains a marker is not filled again).
fn fill(parts: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(TEMPLATE.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut rest = TEMPLATE;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        match parts.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// A link to the page with this search (empty parameters left out).
fn link(p: &SearchParams, sort: Option<&str>, offset: Option<u64>) -> String {
    let mut q = Vec::new();
    let mut add = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            q.push(format!("{k}={}", encode(v)));
        }
    };
    add("q", p.q.as_deref());
    add("since", p.since.as_deref());
    add("until", p.until.as_deref());
    add("sort", sort);
    let limit = p.limit.map(|l| l.to_string());
    add("limit", limit.as_deref());
    let offset = offset.filter(|&o| o > 0).map(|o| o.to_string());
    add("offset", offset.as_deref());
    if q.is_empty() {
        "/".into()
    } else {
        format!("/?{}", q.join("&"))
    }
}

/// The sortable columns: heading, `sort=` name.
const COLUMNS: &[(&str, Option<&str>)] = &[
    ("id", Some("id")),
    ("first (UTC)", Some("first")),
    ("duration", Some("duration")),
    ("proto", Some("proto")),
    ("src", Some("src")),
    ("dst", Some("dst")),
    ("info", None),
    ("packets \u{2192}/\u{2190}", Some("packets")),
    ("bytes \u{2192}/\u{2190}", Some("bytes")),
    ("end", Some("end")),
    ("Community ID", Some("community_id")),
    ("", None),
];

fn endpoint(addr: &str, port: u16, proto: u8) -> String {
    let has_ports = matches!(proto, 6 | 17 | 132);
    match (addr.contains(':'), has_ports) {
        (true, true) => format!("[{addr}]:{port}"),
        (false, true) => format!("{addr}:{port}"),
        (_, false) => addr.to_string(),
    }
}

/// One table row.
/// One table row; `here` is the link to this page, which the id's link
/// extends with `session=ID` (the script opens it).
fn row_html(out: &mut String, r: &Row, here: &str) {
    let ns = |t: &str| crate::sessions::parse_time(t).unwrap_or(0);
    let (first, last) = (ns(&r.first_ts), ns(&r.last_ts));
    let meta: Vec<String> = r
        .meta
        .iter()
        .map(|(k, v)| format!("{k}: {}", v.join(", ")))
        .collect();
    let open = format!(
        "{here}{}session={}",
        if here.contains('?') { "&" } else { "?" },
        r.id
    );
    let _ = writeln!(
        out,
        "<tr class=\"session\" data-id=\"{id}\">\
         <td class=\"num\"><a class=\"open\" href=\"{open}\">{id}</a></td>\
         <td class=\"time\">{first}</td>\
         <td class=\"num\">{dur:.3}s</td>\
         <td>{proto}</td>\
         <td class=\"mono\">{src}</td>\
         <td class=\"mono\">{dst}</td>\
         <td class=\"info\" title=\"{meta}\">{info}</td>\
         <td class=\"num\">{p} <span class=\"muted\">({ps}/{pc})</span></td>\
         <td class=\"num\">{b} <span class=\"muted\">({bs}/{bc})</span></td>\
         <td>{end}</td>\
         <td class=\"mono\">{cid}</td>\
         <td><a href=\"/api/sessions/{id}/pcap\">pcap</a></td></tr>",
        id = r.id,
        open = escape(&open),
        first = escape(&crate::sessions::iso8601(first)),
        dur = last.saturating_sub(first) as f64 / 1e9,
        proto = escape(&r.proto_name),
        src = escape(&endpoint(&r.src, r.sport, r.proto)),
        dst = escape(&endpoint(&r.dst, r.dport, r.proto)),
        p = r.packets,
        ps = r.packets_to_server,
        pc = r.packets_to_client,
        b = r.bytes,
        bs = r.bytes_to_server,
        bc = r.bytes_to_client,
        end = escape(r.end.as_deref().unwrap_or("")),
        cid = escape(&r.community_id),
        meta = escape(&meta.join("\n")),
        info = escape(&r.info()),
    );
}

/// `GET /`: the page with the URL's search.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    // `session=ID` (the script opens it) is not a search parameter:
    // ignored here.
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (p, query_error) = match params {
        Ok(Query(p)) => (p, None),
        Err(e) => (SearchParams::default(), Some(e.body_text())),
    };
    let db = state.config.db.display().to_string();
    let mut body = String::new();
    let _ = write!(
        body,
        "<header><h1>pcapdig</h1><span class=\"db\">{}</span></header>\n\
         <form id=\"search\" method=\"get\" action=\"/\">\
         <input name=\"q\" value=\"{}\" placeholder=\"tcpdump-style expression: host 10.0.0.1 and port 80, tls.sni == &quot;x&quot;\" autofocus spellcheck=\"false\">\
         <label>since <input name=\"since\" value=\"{}\" placeholder=\"epoch or ISO 8601\" size=\"22\"></label>\
         <label>until <input name=\"until\" value=\"{}\" placeholder=\"epoch or ISO 8601\" size=\"22\"></label>",
        escape(&db),
        escape(p.q.as_deref().unwrap_or("")),
        escape(p.since.as_deref().unwrap_or("")),
        escape(p.until.as_deref().unwrap_or("")),
    );
    for (name, v) in [
        ("sort", p.sort.clone()),
        ("limit", p.limit.map(|l| l.to_string())),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            let _ = write!(
                body,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(&v)
            );
        }
    }
    body.push_str("<button type=\"submit\">Search</button></form>\n");

    let result = match query_error {
        Some(e) => Err(super::error::ApiError::bad_request(e)),
        None => super::api::run_search(&state, p.clone(), PAGE_ROWS).await,
    };
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) => e.status,
    };
    match result {
        Err(e) => {
            let _ = writeln!(
                body,
                "<pre class=\"error\" id=\"error\">{}</pre>",
                escape(&e.message)
            );
        }
        Ok((search, page)) => {
            let shown = page.sessions.len() as u64;
            let from = if shown == 0 { 0 } else { search.offset + 1 };
            let _ = write!(
                body,
                "<p class=\"status\"><span id=\"total\" data-total=\"{total}\">{total} {what}</span>\
                 <span>showing {from}\u{2013}{to}</span>",
                total = page.total,
                what = if page.total == 1 {
                    "session matches"
                } else {
                    "sessions match"
                },
                to = search.offset + shown,
            );
            if page.total > 0 {
                let mut q = Vec::new();
                for (k, v) in [("q", &p.q), ("since", &p.since), ("until", &p.until)] {
                    if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                        q.push(format!("{k}={}", encode(v)));
                    }
                }
                let _ = write!(
                    body,
                    "<a class=\"button\" id=\"download-all\" href=\"/api/pcap{}{}\">Download all as pcap</a>",
                    if q.is_empty() { "" } else { "?" },
                    escape(&q.join("&"))
                );
            }
            body.push_str("</p>\n<div class=\"table-wrap\"><table id=\"sessions\"><thead><tr>");
            let current = search.sort;
            for (head, name) in COLUMNS {
                match name {
                    Some(name) => {
                        let here = Sort::parse(name)
                            .map(|s| s.field == current.field)
                            .unwrap_or(false);
                        let next = if here && !current.descending {
                            format!("-{name}")
                        } else {
                            name.to_string()
                        };
                        let class = match (here, current.descending) {
                            (true, true) => " class=\"sorted desc\"",
                            (true, false) => " class=\"sorted\"",
                            _ => "",
                        };
                        let _ = write!(
                            body,
                            "<th><a{class} href=\"{}\">{}</a></th>",
                            escape(&link(&p, Some(&next), None)),
                            escape(head)
                        );
                    }
                    None => {
                        let _ = write!(body, "<th>{}</th>", escape(head));
                    }
                }
            }
            body.push_str("</tr></thead>\n<tbody>\n");
            let here = link(&p, p.sort.as_deref(), Some(search.offset));
            for r in &page.sessions {
                row_html(&mut body, r, &here);
            }
            body.push_str("</tbody></table></div>\n<nav class=\"pages\">");
            let sort = p.sort.as_deref();
            if search.offset > 0 {
                let prev = search.offset.saturating_sub(search.limit);
                let _ = write!(
                    body,
                    "<a id=\"prev\" href=\"{}\">\u{2190} previous</a>",
                    escape(&link(&p, sort, Some(prev)))
                );
            }
            if search.offset + shown < page.total {
                let _ = write!(
                    body,
                    "<a id=\"next\" href=\"{}\">next \u{2192}</a>",
                    escape(&link(&p, sort, Some(search.offset + shown)))
                );
            }
            body.push_str("</nav>\n");
        }
    }
    body.push_str("<section id=\"detail\" hidden></section>");
    let title = match p.q.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(q) => format!("pcapdig: {}", escape(q)),
        None => "pcapdig".to_string(),
    };
    let html = fill(&[("TITLE", &title), ("CSS", CSS), ("JS", JS), ("BODY", &body)]);
    let mut response = (status, Html(html)).into_response();
    // Nothing but this page's own script and style, and requests to this
    // server: no external asset can load, even from a crafted link.
    response.headers_mut().insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(CSP),
    );
    response
}

/// The page's Content-Security-Policy.
const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                   connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_values_encoded() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            encode("host 10.0.0.1 & port=80"),
            "host+10.0.0.1+%26+port%3D80"
        );
        assert_eq!(encode("tls.sni == \"é\""), "tls.sni+%3D%3D+%22%C3%A9%22");
    }

    #[test]
    fn markers_are_filled_once() {
        let html = fill(&[
            ("TITLE", "{{BODY}}"),
            ("CSS", ""),
            ("JS", ""),
            ("BODY", "b"),
        ]);
        assert!(html.contains("<title>{{BODY}}</title>"), "{html}");
        assert_eq!(
            html.matches(">b\n").count() + html.matches("\nb\n").count(),
            1,
            "{html}"
        );
    }
}
