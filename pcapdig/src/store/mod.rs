//! The session store: index, search and carve as a library.
//!
//! A [`SessionStore`] is one SQLite index database (schema and locking in
//! [`schema`]). Writers index capture files into it
//! ([`SessionStore::index`]); readers search it with a filter expression
//! ([`SessionStore::search`], typed [`SessionRow`]s) and write sessions
//! back out, reading only their records ([`SessionStore::carve`], with the
//! TCP payload follow of [`follow`]). The `pcapdig` subcommands `index`,
//! `sessions` and `carve` parse their arguments, call these and print.
//!
//! ```no_run
//! use pcapdig::store::{IndexOptions, SearchOptions, SessionStore};
//! use pcap_core::filter::Filter;
//! # fn main() -> Result<(), pcapdig::store::StoreError> {
//! let mut store = SessionStore::open("cases.db".as_ref())?;
//! let report = store.index(&[vec!["day1.pcap".into()]], &IndexOptions::default())?;
//! println!("{} sessions", report.sessions);
//! let web = Filter::parse("tcp and port 80")?;
//! for s in store.search(web.expr(), &SearchOptions::default())? {
//!     println!("{} {}:{} -> {}:{}", s.id, s.src, s.sport, s.dst, s.dport);
//! }
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use rusqlite::Connection;

mod capture_out;
pub mod carve;
mod carve_read;
mod content_hash;
pub mod export_rows;
pub mod follow;
mod hash_ahead;
pub mod index;
mod meta;
pub mod notice;
mod packets;
mod pipeline;
pub mod rows;
pub mod schema;
pub mod search;
pub mod sql;
pub mod stats;
mod walk;

pub use carve::CarveNotice;
pub use carve::{CarveOptions, CarveOutput, CarveReport, CarveSession, OutFormat, carve_sessions};
pub use export_rows::{FileExport, SessionPackets};
pub use index::{IndexEvents, IndexOptions, IndexReport};
pub use notice::Notice;
pub use rows::{FileFormat, FileRef, FileRow, SessionRow};
pub use search::{SearchOptions, SortKey};

/// The error type of the store (messages name the database or file).
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// One session index database, open for writing ([`open`](Self::open))
/// or reading ([`open_read_only`](Self::open_read_only)).
#[derive(Debug)]
pub struct SessionStore {
    conn: Connection,
    path: PathBuf,
    writable: bool,
}

/// Adds the SQL functions searches use to a store connection:
/// `regexp(pattern, text)` (Rust `regex` syntax, unanchored), for
/// `matches`; each pattern is compiled once per statement.
fn with_functions(conn: rusqlite::Connection) -> Result<rusqlite::Connection, StoreError> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "regexp",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let re: std::sync::Arc<regex::Regex> = ctx.get_or_create_aux(0, |v| {
                regex::Regex::new(v.as_str()?)
                    .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
            })?;
            Ok(ctx.get_raw(1).as_str().is_ok_and(|t| re.is_match(t)))
        },
    )?;
    Ok(conn)
}

impl SessionStore {
    /// Opens the store at `path` for indexing, creating it if missing. A
    /// file that is not a pcapdig index (another program's SQLite
    /// database, or not SQLite at all) is refused before anything is
    /// written to it. See [`schema::open`].
    pub fn open(path: &Path) -> Result<SessionStore, StoreError> {
        Ok(SessionStore {
            conn: with_functions(schema::open(path, true)?)?,
            path: path.to_path_buf(),
            writable: true,
        })
    }

    /// Opens the store at `path` for searching and carving only: nothing
    /// is created, converted or written. See [`schema::open_read_only`].
    pub fn open_read_only(path: &Path) -> Result<SessionStore, StoreError> {
        Ok(SessionStore {
            conn: with_functions(schema::open_read_only(path)?)?,
            path: path.to_path_buf(),
            writable: false,
        })
    }

    /// The database's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether an index run is writing the database now (its sessions are
    /// not seen until it commits). See [`schema::writer_active`].
    pub fn writer_active(&self) -> bool {
        schema::writer_active(&self.path)
    }

    /// The indexed file `id` (`FileRef::id`), if the store has it.
    pub fn file(&self, id: i64) -> Result<Option<FileRow>, StoreError> {
        let sql = format!("SELECT {} FROM files WHERE id = ?1", rows::FILE_COLUMNS);
        match self.conn.query_row(&sql, [id], FileRow::from_sql) {
            Ok(f) => Ok(Some(f)),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(format!("file #{id} of the index: {e}").into()),
        }
    }
}
