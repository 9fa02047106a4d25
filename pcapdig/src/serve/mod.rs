//! `pcapdig serve`: the analysts' page and its JSON API over one session
//! store, on axum + tokio.
//!
//! * `GET /` — the page ([`page`]): a filter box, a time range, a sortable,
//!   paged sessions table rendered on the server from the URL's query (so
//!   a search is a link), a session's packets and payload, pcap downloads.
//! * `GET /api/sessions`, `/api/sessions/ID`, `/api/sessions/ID/pcap`,
//!   `/api/sessions/ID/payload/SIDE`, `/api/pcap` — the JSON API
//!   ([`api`]); session objects are those of `pcapdig sessions --json`.
//!
//! Safety: the database is opened read-only, once per request, so runs
//! of `index` that complete while serving are seen and one in progress is
//! not; nothing of a request becomes a path or SQL text (expressions go
//! through the filter parser and the store's translation, ids are
//! integers); searches and carves run on blocking threads, each kind
//! behind its own limit, so a long carve does not hold up searches; sizes
//! are capped ([`Limits`]); a pcap is carved and verified before its
//! response starts, into memory when small, else into an unlinked
//! temporary file that closes with the response (a vanished client leaves
//! nothing behind).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::Console;

mod api;
mod carving;
mod detail;
mod error;
mod page;
mod query;

pub use query::Sort;

/// Arguments of `pcapdig serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The index database (opened read-only, per request: sessions of
    /// index runs that complete while serving appear).
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// The address and port to listen on. Loopback by default: anyone
    /// who can reach another address can read the indexed captures.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Refuse (413) a pcap download of more sessions than this.
    #[arg(long, default_value_t = Limits::default().max_carve_sessions)]
    pub max_carve: u64,
    /// Refuse (413) a pcap download, a session's packets or its payload
    /// when the sessions hold more bytes than this (suffixes K, M, G).
    #[arg(long, default_value = "1G", value_parser = parse_size)]
    pub max_carve_bytes: u64,
}

/// The caps a server applies to what one request may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most sessions in one `/api/pcap` download (`--max-carve`).
    pub max_carve_sessions: u64,
    /// Most bytes (the sessions' `bytes`) one carve may read
    /// (`--max-carve-bytes`).
    pub max_carve_bytes: u64,
    /// Most bytes of one session shown in detail (`/api/sessions/ID`
    /// and its payload): its capture is held in memory to be shown.
    pub max_detail_bytes: u64,
    /// Most packets listed by `/api/sessions/ID` (the rest are counted).
    pub max_packets: usize,
    /// Largest `limit` of a search, and the API's default (the page
    /// shows 100 rows unless told).
    pub max_limit: u64,
    /// Largest `offset + limit` of a search sorted by another field than
    /// the first packet's time (those rows are held while sorting).
    pub max_sorted_window: u64,
    /// Longest expression, in bytes.
    pub max_expr: usize,
    /// Searches running at once (more wait).
    pub searches: usize,
    /// Carves running at once (more wait; searches do not).
    pub carves: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_carve_sessions: 10_000,
            max_carve_bytes: 1 << 30,
            max_detail_bytes: 256 << 20,
            max_packets: 10_000,
            max_limit: 10_000,
            max_sorted_window: 20_000,
            max_expr: 16 * 1024,
            searches: 8,
            carves: 4,
        }
    }
}

/// What a server serves: a database, the layers its packets are shown
/// with, its caps.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The index database.
    pub db: PathBuf,
    /// The layers packets are dissected with (as `show` has them).
    pub ctx: crate::Context,
    /// The caps.
    pub limits: Limits,
}

/// What every handler shares.
pub(crate) struct AppState {
    pub(crate) config: ServeConfig,
    searches: Arc<Semaphore>,
    carves: Arc<Semaphore>,
}

/// Which kind of blocking work: each has its own limit.
#[derive(Clone, Copy)]
pub(crate) enum Work {
    Search,
    Carve,
}

impl AppState {
    /// Runs `f` on a blocking thread once a permit of `work`'s kind is
    /// free. The permit goes with the closure: if the client leaves, the
    /// work still counts until it ends.
    pub(crate) async fn blocking<T, F>(&self, work: Work, f: F) -> Result<T, error::ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, error::ApiError> + Send + 'static,
    {
        let sem = match work {
            Work::Search => &self.searches,
            Work::Carve => &self.carves,
        };
        let permit = sem
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| error::ApiError::internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| error::ApiError::internal(format!("request failed: {e}")))?
    }

    /// Opens the store read-only (a fresh view: completed index runs
    /// are seen).
    pub(crate) fn open(&self) -> Result<crate::store::SessionStore, error::ApiError> {
        crate::store::SessionStore::open_read_only(&self.config.db)
            .map_err(|e| error::ApiError::internal(crate::error_text(e.as_ref())))
    }
}

/// The whole application: the page and the API, for `config`. Tests
/// call it in-process (`tower::ServiceExt::oneshot`).
pub fn router(config: ServeConfig) -> axum::Router {
    use axum::routing::get;
    let state = Arc::new(AppState {
        searches: Arc::new(Semaphore::new(config.limits.searches.max(1))),
        carves: Arc::new(Semaphore::new(config.limits.carves.max(1))),
        config,
    });
    axum::Router::new()
        .route("/", get(page::page))
        .route("/api/sessions", get(api::sessions))
        .route("/api/sessions/{id}", get(api::session))
        .route("/api/sessions/{id}/pcap", get(api::session_pcap))
        .route(
            "/api/sessions/{id}/payload/{side}",
            get(api::session_payload),
        )
        .route("/api/pcap", get(api::pcap))
        .fallback(api::not_found)
        // Every route is a GET without a body: refuse any sizeable one.
        .layer(axum::extract::DefaultBodyLimit::max(1024))
        .with_state(state)
}

/// Parses a size: bytes, or with a suffix K, M, G (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => {
            return Err(format!(
                "bad size {text:?}: give bytes, or a number with K, M or G"
            ));
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("bad size {text:?}: give bytes, or a number with K, M or G"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("bad size {text:?}: too large"))
}

/// Runs the subcommand: serves until the process is stopped. Prints the
/// URL on `console`'s output (a script can read the port when `--listen`
/// gave port 0).
pub fn run_to(args: Args, ctx: &crate::Context, console: &mut Console<'_>) -> crate::CliResult {
    // Fail at once on a missing or foreign database, not at the first
    // request.
    drop(crate::store::SessionStore::open_read_only(&args.db)?);
    let config = ServeConfig {
        db: args.db.clone(),
        ctx: ctx.clone(),
        limits: Limits {
            max_carve_sessions: args.max_carve,
            max_carve_bytes: args.max_carve_bytes,
            ..Limits::default()
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            writeln!(
                console.err,
                "pcapdig: listening on {addr}, not loopback: anyone who can reach it can search \
                 and download the indexed captures"
            )?;
        }
        writeln!(
            console.err,
            "pcapdig: serving {} (read-only)",
            args.db.display()
        )?;
        writeln!(console.out, "http://{addr}/")?;
        console.out.flush()?;
        axum::serve(listener, router(config)).await?;
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("3m"), Ok(3 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("1X").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
