//! The JSON API: sessions as `pcapdig sessions --json` prints them, one
//! session's packets, pcaps as `pcapdig carve` writes them.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::carving;
use super::error::ApiError;
use super::query::{self, SearchParams};
use super::{AppState, Work};
use crate::sessions::Row;
use crate::store::OutFormat;

/// The body of `GET /api/sessions`.
#[derive(serde::Serialize)]
pub(crate) struct Page {
    /// How many sessions match in all.
    pub(crate) total: u64,
    /// The page asked, each as `sessions --json` prints it.
    pub(crate) sessions: Vec<Row>,
}

/// Runs a search on a blocking thread: the total and the page.
pub(crate) async fn run_search(
    state: &Arc<AppState>,
    params: SearchParams,
    default_limit: u64,
) -> Result<(query::Search, Page), ApiError> {
    let search = params.check(&state.config.limits, default_limit)?;
    let st = Arc::clone(state);
    let s = search.clone();
    let (total, rows) = state
        .blocking(Work::Search, move || {
            let store = st.open()?;
            query::search_page(&store, &s).map_err(ApiError::store)
        })
        .await?;
    let sessions = rows.into_iter().map(Row::from).collect();
    Ok((search, Page { total, sessions }))
}

/// `GET /api/sessions?q=&since=&until=&limit=&offset=&sort=`.
pub(crate) async fn sessions(
    State(state): State<Arc<AppState>>,
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (_, page) = run_search(&state, params, state.config.limits.max_limit).await?;
    Ok(Json(page))
}

/// A session id from the path: an integer, else 400.
fn session_id(
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<i64, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|_| ApiError::bad_request("a session id is an integer"))
}

/// `GET /api/sessions/ID` → `{"session", "packets", ...}`.
pub(crate) async fn session(
    State(state): State<Arc<AppState>>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let id = session_id(id)?;
    let st = Arc::clone(&state);
    let detail = state
        .blocking(Work::Carve, move || {
            let store = st.open()?;
            super::detail::detail(&store, id, &st.config.ctx, &st.config.limits)
        })
        .await?;
    Ok(Json(detail).into_response())
}

/// `?format=pcapng` on pcap downloads.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct FormatParam {
    format: Option<String>,
}

fn out_format(f: Option<&str>) -> Result<Option<OutFormat>, ApiError> {
    match f {
        None | Some("") | Some("pcap") => Ok(None),
        Some("pcapng") => Ok(Some(OutFormat::Pcapng)),
        Some(other) => Err(ApiError::bad_request(format!(
            "bad format {other:?}: give pcap or pcapng"
        ))),
    }
}

fn file_name(stem: &str, format: Option<OutFormat>) -> String {
    match format {
        Some(OutFormat::Pcapng) => format!("{stem}.pcapng"),
        _ => format!("{stem}.pcap"),
    }
}

/// `GET /api/sessions/ID/pcap`: the bytes of `pcapdig carve ID -o -`.
pub(crate) async fn session_pcap(
    State(state): State<Arc<AppState>>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Query(fp): Query<FormatParam>,
) -> Result<Response, ApiError> {
    let id = session_id(id)?;
    let format = out_format(fp.format.as_deref())?;
    let st = Arc::clone(&state);
    let carved = state
        .blocking(Work::Carve, move || {
            let store = st.open()?;
            let s = store
                .session(id)
                .map_err(ApiError::store)?
                .ok_or_else(|| ApiError::not_found(format!("no session {id}")))?;
            carving::check_caps(&st.config.limits, 1, s.bytes)?;
            carving::carve(&store, &[id], format, carving::estimate(s.bytes, s.packets))
        })
        .await?;
    Ok(carved.into_response(&file_name(&format!("session-{id}"), format), format))
}

/// `GET /api/sessions/ID/payload/client` (or `server`): the bytes
/// `pcapdig carve ID --payload DIR` writes to `DIR/ID.client`.
pub(crate) async fn session_payload(
    State(state): State<Arc<AppState>>,
    path: Result<Path<(i64, String)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, side)) = path.map_err(|_| ApiError::bad_request("a session id is an integer"))?;
    let client = match side.as_str() {
        "client" => true,
        "server" => false,
        _ => {
            return Err(ApiError::not_found(
                "the payload sides are client and server",
            ));
        }
    };
    let st = Arc::clone(&state);
    let bytes = state
        .blocking(Work::Carve, move || {
            let store = st.open()?;
            super::detail::payload(&store, id, client, &st.config.limits)
        })
        .await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    let name = format!(
        "attachment; filename=\"{id}.{}\"",
        if client { "client" } else { "server" }
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The query of `GET /api/pcap`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct PcapParams {
    q: Option<String>,
    since: Option<String>,
    until: Option<String>,
    format: Option<String>,
}

/// `GET /api/pcap?q=&since=&until=`: every matching session in one
/// capture, as `pcapdig carve` of their ids writes it; 413 above the
/// caps, 404 when nothing matches.
pub(crate) async fn pcap(
    State(state): State<Arc<AppState>>,
    params: Result<Query<PcapParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let limits = state.config.limits;
    let expr = query::expression(p.q.as_deref(), &limits)?;
    let opts = query::time_bounds(p.since.as_deref(), p.until.as_deref())?;
    let format = out_format(p.format.as_deref())?;
    let st = Arc::clone(&state);
    let carved = state
        .blocking(Work::Carve, move || {
            let store = st.open()?;
            let (mut ids, mut bytes, mut packets) = (Vec::new(), 0u64, 0u64);
            let mut count = 0u64;
            store
                .search_each(&expr, &opts, &mut |s| {
                    count += 1;
                    bytes = bytes.saturating_add(s.bytes);
                    packets = packets.saturating_add(s.packets);
                    // Past the caps only the count goes on, for the message.
                    if count <= limits.max_carve_sessions && bytes <= limits.max_carve_bytes {
                        ids.push(s.id);
                    }
                    Ok(())
                })
                .map_err(ApiError::store)?;
            carving::check_caps(&limits, count, bytes)?;
            if ids.is_empty() {
                return Err(ApiError::not_found("no session matches"));
            }
            carving::carve(&store, &ids, format, carving::estimate(bytes, packets))
        })
        .await?;
    Ok(carved.into_response(&file_name("sessions", format), format))
}

/// Any other path.
pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such page: see / for the page, /api/sessions for the API")
}
