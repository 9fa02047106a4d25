//! `pcapdig export --parquet DIR`: the session store as Apache Parquet,
//! which DuckDB, Spark, Trino, ClickHouse and others query in place.
//!
//! ```text
//! DIR/sessions/day=YYYY-MM-DD/part-0.parquet   the sessions --json columns
//! DIR/locations/day=YYYY-MM-DD/part-0.parquet  each session's packets
//! DIR/files/part-0.parquet                     the indexed capture files
//! ```
//!
//! * Sessions are partitioned by the UTC day of their first packet (Hive
//!   style, so engines read `day` as a column and prune by it); each
//!   session's packet locations go to the same day.
//! * Columns ([`columns`]): every key `sessions --json` prints, from the
//!   same [`Row`](crate::sessions::Row), times as `TIMESTAMP(MICROS)` UTC
//!   plus `*_ns` nanoseconds, each metadata key a list-of-strings column
//!   with `_` for `.` (`tls_sni`), null when the session has none.
//! * zstd compression.
//! * Written whole or not at all ([`target`]): into a temporary directory
//!   renamed into place at the end; a non-empty DIR is refused unless
//!   `--overwrite`.
//!
//! `pcapdig carve --parquet DIR ID...` carves from an export ([`read`]),
//! with the same checks as from the database.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use pcap_core::filter::{Expr, Filter};

use crate::Console;
use crate::store::{SearchOptions, SessionStore, StoreError};

pub mod columns;
pub mod read;
pub mod target;

/// Arguments of `pcapdig export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The directory to write (Parquet files partitioned by day).
    #[arg(long, value_name = "DIR")]
    pub parquet: PathBuf,
    /// The index database (opened read-only).
    #[arg(long, default_value_os_t = crate::default_db())]
    pub db: PathBuf,
    /// Replace DIR if it is not empty (whole, once the export is complete).
    #[arg(long)]
    pub overwrite: bool,
    /// A tcpdump-style expression, as `sessions` takes; all sessions when
    /// absent.
    pub expr: Vec<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Sessions written.
    pub sessions: u64,
    /// Packet locations written.
    pub packets: u64,
    /// Files written to the `files` table.
    pub files: u64,
    /// Day partitions.
    pub days: u64,
}

/// Rows per record batch handed to the Parquet writer.
const BATCH_ROWS: usize = 8192;
/// Location rows per record batch.
const LOCATION_BATCH_ROWS: usize = 256 * 1024;

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_created_by(format!("pcapdig {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// One Parquet file being written.
struct Table {
    writer: ArrowWriter<File>,
    path: PathBuf,
}

impl Table {
    fn create(path: PathBuf, schema: arrow::datatypes::SchemaRef) -> Result<Table, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let writer = ArrowWriter::try_new(file, schema, Some(properties()))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Table { writer, path })
    }

    fn write(
        &mut self,
        batch: Result<RecordBatch, arrow::error::ArrowError>,
    ) -> Result<(), StoreError> {
        let batch = batch.map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.writer
            .write(&batch)
            .map_err(|e| format!("{}: {e}", self.path.display()).into())
    }

    fn close(self) -> Result<(), StoreError> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        file.sync_all()
            .map_err(|e| format!("{}: {e}", self.path.display()).into())
    }
}

/// The open partition of one day.
struct Day {
    day: String,
    sessions: Table,
    session_rows: columns::SessionColumns,
    locations: Table,
    location_rows: columns::LocationColumns,
}

impl Day {
    fn open(root: &Path, day: String) -> Result<Day, StoreError> {
        let part = format!("day={day}");
        Ok(Day {
            sessions: Table::create(
                root.join("sessions").join(&part).join("part-0.parquet"),
                columns::sessions_schema(),
            )?,
            locations: Table::create(
                root.join("locations").join(&part).join("part-0.parquet"),
                columns::locations_schema(),
            )?,
            day,
            session_rows: Default::default(),
            location_rows: Default::default(),
        })
    }

    fn flush(&mut self, all: bool) -> Result<(), StoreError> {
        if self.session_rows.len() >= BATCH_ROWS || (all && !self.session_rows.is_empty()) {
            self.sessions.write(self.session_rows.finish())?;
        }
        if self.location_rows.len() >= LOCATION_BATCH_ROWS
            || (all && !self.location_rows.is_empty())
        {
            self.locations.write(self.location_rows.finish())?;
        }
        Ok(())
    }

    fn close(mut self) -> Result<(), StoreError> {
        self.flush(true)?;
        self.sessions.close()?;
        self.locations.close()
    }
}

/// The UTC day (`2011-03-18`) of a time in nanoseconds since the epoch.
pub fn day_of(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    jiff::Timestamp::from_second(secs)
        .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date().to_string())
        .unwrap_or_else(|_| "1970-01-01".into())
}

/// Writes the sessions of `store` matching `expr` (an empty `and` for
/// all), their packet locations and every indexed file as Parquet into
/// `dir`, whole or not at all (see the module documentation).
pub fn export(
    store: &SessionStore,
    expr: &Expr,
    dir: &Path,
    overwrite: bool,
) -> Result<ExportReport, StoreError> {
    let files = store.files_all()?;
    let mut protect: Vec<PathBuf> = files.iter().map(|f| f.row.path.clone()).collect();
    protect.push(store.path().to_path_buf());
    let staged = target::StagedDir::create(dir, overwrite, &protect)?;
    let root = staged.path().to_path_buf();
    let mut report = ExportReport {
        files: files.len() as u64,
        ..Default::default()
    };

    let mut files_table = Table::create(
        root.join("files").join("part-0.parquet"),
        columns::files_schema(),
    )?;
    files_table.write(columns::files_batch(&files))?;
    files_table.close()?;

    // Search rows come in order of first packet, so days only go forward:
    // one partition is open at a time.
    let mut day: Option<Day> = None;
    store.search_each(expr, &SearchOptions::default(), &mut |s| {
        let d = day_of(s.first_ns);
        if day.as_ref().is_none_or(|open| open.day != d) {
            if let Some(done) = day.take() {
                done.close()?;
            }
            day = Some(Day::open(&root, d)?);
            report.days += 1;
        }
        let Some(open) = day.as_mut() else {
            return Ok(());
        };
        let packets = store.session_packets(s.id)?;
        open.location_rows.push_session(s.id, &packets.locations);
        report.packets += packets.locations.len();
        let times = (s.first_ns, s.last_ns);
        let file_ids: Vec<i64> = s.files.iter().map(|f| f.id).collect();
        // The very row `sessions --json` prints, so the columns match it.
        let row = crate::sessions::Row::from(s);
        open.session_rows
            .push(&row, times, &file_ids, packets.digest);
        report.sessions += 1;
        open.flush(false)
    })?;
    if let Some(done) = day.take() {
        done.close()?;
    }
    staged.commit()?;
    Ok(report)
}

/// The expression of EXPR words (all sessions when none).
fn expression(words: &[String]) -> Result<Expr, StoreError> {
    let text = words.join(" ");
    if text.trim().is_empty() {
        return Ok(Expr::And(Vec::new()));
    }
    let f = Filter::parse(&text).map_err(|e| format!("expression: {e}"))?;
    Ok(f.expr().clone())
}

/// Runs the subcommand, printing its summary on `console`.
pub fn run_to(args: Args, console: &mut Console<'_>) -> crate::CliResult {
    let store = SessionStore::open_read_only(&args.db)?;
    if store.writer_active() {
        writeln!(
            console.err,
            "pcapdig: an index run is writing {} now; its sessions are exported once it completes",
            args.db.display()
        )?;
    }
    let expr = expression(&args.expr)?;
    let r = export(&store, &expr, &args.parquet, args.overwrite)?;
    writeln!(
        console.err,
        "pcapdig: exported {} session(s), {} packet locations, {} file(s) in {} day(s) to {}",
        r.sessions,
        r.packets,
        r.files,
        r.days,
        args.parquet.display()
    )?;
    Ok(())
}
