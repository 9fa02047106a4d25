//! Access to the shared real-world corpus (`../shared/corpus` next to the
//! workspace, see its README) for the integration tests of every crate.
//!
//! * [`find`] locates the corpus, or says on stderr that the calling test
//!   skips because it is absent;
//! * [`Table`] reads a tab-separated file of `expected/` (`NAME.*.tsv`);
//! * [`packet_rows`], [`is_pcapng`] and [`tshark_frames`] interpret
//!   `expected/NAME.offsets.tsv`, our own walker's list of records and
//!   blocks, in particular which tshark frame number each record has.
//!
//! ```no_run
//! use pcap_tests::corpus::{self, Table};
//!
//! let Some(dir) = corpus::find() else { return };
//! let offsets = Table::read(dir.join("expected/http.pcap.offsets.tsv")).unwrap();
//! for (offset, frame) in corpus::tshark_frames(&offsets) {
//!     println!("record at byte {offset} is tshark's frame {frame}");
//! }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The environment variable that overrides the corpus location.
const ENV: &str = "PCAP_CORPUS";

/// Where the corpus should be: `$PCAP_CORPUS` if set, else
/// `<workspace>/../shared/corpus`. It may not exist.
fn location() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(dir) => PathBuf::from(dir),
        // This crate lives at `<workspace>/tests`.
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace folder")
            .join("../shared/corpus"),
    }
}

/// The corpus folder, if it is there (it has `pcap/` and `expected/`):
/// `$PCAP_CORPUS` if set, else `<workspace>/../shared/corpus`.
///
/// Otherwise prints `skipping: corpus not found at DIR (set PCAP_CORPUS)`
/// to stderr and returns `None`: the calling test should then return
/// without failing.
pub fn find() -> Option<PathBuf> {
    let dir = location();
    if dir.join("pcap").is_dir() && dir.join("expected").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: corpus not found at {} (set {ENV})",
            dir.display()
        );
        None
    }
}

/// The file names of all captures in `dir/pcap`, sorted.
///
/// # Panics
///
/// If the folder cannot be listed or a name is not UTF-8.
pub fn captures(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("pcap"))
        .expect("list the corpus's pcap folder")
        .map(|e| {
            let name = e.expect("read the corpus's pcap folder").file_name();
            name.into_string().expect("UTF-8 capture name")
        })
        .collect();
    names.sort();
    names
}

/// The application-layer corpus (`<corpus>/app`, see its README: TLS,
/// 802.11, JA4 captures and the per-frame `app.noreasm.tsv` oracles of
/// both corpora), if it is there; otherwise says on stderr that the caller
/// skips it.
pub fn app_dir(dir: &Path) -> Option<PathBuf> {
    let app = dir.join("app");
    if app.join("pcap").is_dir() && app.join("expected").is_dir() {
        Some(app)
    } else {
        eprintln!(
            "skipping: application corpus not found at {}",
            app.display()
        );
        None
    }
}

/// `expected/NAME.app.noreasm.tsv` of the application corpus `app` for a
/// capture of either corpus (tshark writes it only when some cell is
/// non-empty: `None` means every cell is empty), or `None` if unreadable.
pub fn app_noreasm(app: &Path, name: &str) -> Option<Table> {
    Table::read(app.join("expected").join(format!("{name}.app.noreasm.tsv"))).ok()
}

/// `expected/NAME.ja4.tsv` of the application corpus, if the capture has
/// one (`stream src sport dst dport domain ja4 ja4_r`).
pub fn app_ja4(app: &Path, name: &str) -> Option<Table> {
    Table::read(app.join("expected").join(format!("{name}.ja4.tsv"))).ok()
}

/// `expected/NAME.meta.tsv` of the application corpus `app` for a capture
/// of either corpus: one row per TCP/UDP session (tshark's stream) with
/// metadata (`proto stream first_frame communityid`, then one column per
/// field, each the sorted comma-joined set of values). `None` if the file
/// is absent (tshark found no metadata in the capture).
pub fn app_meta(app: &Path, name: &str) -> Option<Table> {
    Table::read(app.join("expected").join(format!("{name}.meta.tsv"))).ok()
}

/// Every capture of both corpora (`app`'s first, then `dir`'s): its path,
/// its name, and for `dir`'s captures tshark's frame number of each record
/// by record offset (from `expected/NAME.offsets.tsv`; empty when absent).
pub fn all_captures(dir: &Path, app: &Path) -> Vec<(PathBuf, String, BTreeMap<u64, u64>)> {
    let mut out = Vec::new();
    for name in captures(app) {
        out.push((app.join("pcap").join(&name), name, BTreeMap::new()));
    }
    for name in captures(dir) {
        let frames = Table::read(dir.join("expected").join(format!("{name}.offsets.tsv")))
            .map(|t| tshark_frames(&t))
            .unwrap_or_default();
        out.push((dir.join("pcap").join(&name), name, frames));
    }
    out
}

/// A tab-separated file: a header line naming the columns, one row per
/// line, and `#` summary lines (the last line of `offsets.tsv`).
///
/// Cells are kept as text; [`Row::num`] parses numbers. An empty file (tshark
/// refused the capture: 0-byte `fields.tsv`) gives an empty header and no
/// rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    summary: Vec<String>,
}

impl Table {
    /// Parses the text of a tab-separated file. The first line that does
    /// not start with `#` is the header; every other line is a row, or a
    /// summary line if it starts with `#`.
    pub fn parse(text: &str) -> Table {
        let mut table = Table::default();
        let mut header = None;
        for line in text.lines() {
            let cells = || line.split('\t').map(String::from).collect();
            if line.starts_with('#') {
                table.summary.push(line.to_owned());
            } else if header.is_none() {
                header = Some(cells());
            } else {
                table.rows.push(cells());
            }
        }
        table.header = header.unwrap_or_default();
        table
    }

    /// Reads and parses a file; see [`Table::parse`].
    pub fn read(path: impl AsRef<Path>) -> io::Result<Table> {
        std::fs::read_to_string(path).map(|text| Table::parse(&text))
    }

    /// The column names, in order; empty for an empty file.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The index of column `name`, if the table has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The number of rows (header and summary lines not counted).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + Clone {
        self.rows.iter().map(|cells| Row { table: self, cells })
    }

    /// The rows keyed by the number in `column` (e.g. `frame.number`);
    /// rows where that cell is empty are left out, and a later row with
    /// the same number replaces an earlier one.
    ///
    /// # Panics
    ///
    /// As [`Row::num`], if a cell of `column` is not a number.
    pub fn keyed_by(&self, column: &str) -> HashMap<u64, Row<'_>> {
        self.rows()
            .filter_map(|row| Some((row.num(column)?, row)))
            .collect()
    }

    /// The `#` lines (whole, with the `#`), in file order.
    pub fn summary(&self) -> &[String] {
        &self.summary
    }
}

/// One row of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    /// The cells in column order (a row may have fewer cells than the
    /// header has columns).
    pub fn cells(&self) -> &'a [String] {
        self.cells
    }

    /// The cell of column `name`; `None` if the table has no such column
    /// or this row is shorter. An empty cell is `Some("")`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.cells.get(self.table.column(name)?).map(String::as_str)
    }

    /// The cell of column `name` as a number; `None` if it is missing or
    /// empty (see [`Row::get`]).
    ///
    /// # Panics
    ///
    /// If the cell is not empty and does not parse as a `T`: the expected
    /// files are generated, so that is a broken file or a wrong column.
    pub fn num<T: FromStr>(&self, name: &str) -> Option<T> {
        let cell = self.get(name).filter(|c| !c.is_empty())?;
        match cell.parse() {
            Ok(v) => Some(v),
            Err(_) => panic!(
                "column {name}: {cell:?} is not a {}",
                std::any::type_name::<T>()
            ),
        }
    }
}

/// Whether an `offsets.tsv` table describes a pcapng file (one row per
/// block: `block offset type name length frame tshark_frame ...`) rather
/// than a classic pcap (one row per record: `record offset data_offset ...`).
pub fn is_pcapng(offsets: &Table) -> bool {
    offsets.column("block").is_some()
}

/// The rows of an `offsets.tsv` table that are packet records, in file
/// order: every row of a classic pcap (the last one may have a non-`ok`
/// `status`), the packet blocks of a pcapng (EPB, SPB, obsolete PB: the rows
/// with a `frame` number; not the SHB, IDB, Custom Blocks and so on).
pub fn packet_rows(offsets: &Table) -> impl Iterator<Item = Row<'_>> {
    let pcapng = is_pcapng(offsets);
    offsets
        .rows()
        .filter(move |row| !pcapng || row.get("frame").is_some_and(|f| !f.is_empty()))
}

/// Byte offset of each packet record → tshark's `frame.number` for it,
/// from an `offsets.tsv` table.
///
/// For classic pcap that is the `record` column. For pcapng it is the
/// `tshark_frame` column, not `frame`: tshark 4.0 counts Custom Blocks as
/// frames too, so its numbers run ahead of ours after one. The map is
/// ordered by offset, i.e. in file order: its n-th value is the tshark
/// frame of the n-th packet.
pub fn tshark_frames(offsets: &Table) -> BTreeMap<u64, u64> {
    let column = if is_pcapng(offsets) {
        "tshark_frame"
    } else {
        "record"
    };
    packet_rows(offsets)
        .filter_map(|row| Some((row.num("offset")?, row.num(column)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joins rows of cells into tab-separated text.
    fn tsv(lines: &[&[&str]]) -> String {
        lines.iter().map(|l| l.join("\t") + "\n").collect()
    }

    fn classic() -> Table {
        Table::parse(&tsv(&[
            &[
                "record",
                "offset",
                "data_offset",
                "caplen",
                "origlen",
                "status",
            ],
            &["1", "24", "40", "62", "62", "ok"],
            &["2", "102", "118", "4325376", "0", "partial_data"],
            &["# format=pcap endian=little complete_records=1"],
        ]))
    }

    fn pcapng() -> Table {
        let empty = "";
        Table::parse(&tsv(&[
            &[
                "block",
                "offset",
                "type",
                "name",
                "length",
                "frame",
                "tshark_frame",
                "status",
            ],
            &["1", "0", "0x0a0d0d0a", "SHB", "28", empty, empty, "ok"],
            &["2", "28", "0x00000001", "IDB", "20", empty, empty, "ok"],
            &["3", "48", "0x00000006", "EPB", "100", "1", "1", "ok"],
            &["4", "148", "0x00000bad", "CB", "40", empty, "2", "ok"],
            &["5", "188", "0x00000006", "EPB", "100", "2", "3", "ok"],
            &["# format=pcapng blocks=5 packet_blocks=2 tshark_frames=3"],
        ]))
    }

    #[test]
    fn header_rows_and_summary() {
        let t = classic();
        assert_eq!(t.header()[0], "record");
        assert_eq!(t.header().len(), 6);
        assert_eq!(t.column("caplen"), Some(3));
        assert_eq!(t.column("tshark_frame"), None);
        assert_eq!((t.len(), t.is_empty()), (2, false));
        assert_eq!(
            t.summary(),
            ["# format=pcap endian=little complete_records=1"]
        );
        let rows: Vec<Row<'_>> = t.rows().collect();
        assert_eq!(rows[1].get("status"), Some("partial_data"));
        assert_eq!(rows[1].cells()[0], "2");
        assert_eq!(rows[0].get("nonexistent"), None);
    }

    #[test]
    fn numbers_and_empty_cells() {
        let t = pcapng();
        let shb = t.rows().next().unwrap();
        assert_eq!(shb.get("frame"), Some(""));
        assert_eq!(shb.num::<u64>("frame"), None);
        assert_eq!(shb.num::<u64>("nonexistent"), None);
        assert_eq!(shb.num::<u64>("length"), Some(28));
        assert_eq!(
            classic().rows().nth(1).unwrap().num("caplen"),
            Some(4_325_376u32)
        );
    }

    #[test]
    #[should_panic(expected = "column name: \"SHB\" is not a u64")]
    fn a_text_cell_is_not_a_number() {
        pcapng().rows().next().unwrap().num::<u64>("name");
    }

    #[test]
    fn short_rows_and_no_trailing_newline() {
        let t = Table::parse("a\tb\tc\n1\t2\n3\t4\t");
        let rows: Vec<Row<'_>> = t.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("c"), None);
        assert_eq!(rows[1].get("c"), Some(""));
        assert_eq!(rows[1].num::<i32>("a"), Some(3));
    }

    #[test]
    fn summary_lines_anywhere_and_before_the_header() {
        let t = Table::parse("# first\nx\n1\n# middle\n2\n");
        assert_eq!(t.header(), ["x"]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.summary(), ["# first", "# middle"]);
    }

    #[test]
    fn an_empty_file_is_an_empty_table() {
        let t = Table::parse("");
        assert!(t.header().is_empty());
        assert!(t.is_empty());
        assert!(t.summary().is_empty());
        assert_eq!(t.column("frame.number"), None);
        // A header alone: columns, no rows.
        let t = Table::parse("frame.number\tframe.len\n");
        assert_eq!(t.header().len(), 2);
        assert!(t.is_empty());
    }

    #[test]
    fn keyed_by_a_numeric_column() {
        let t = Table::parse(&tsv(&[
            &["frame.number", "ip.src"],
            &["2", "10.0.0.2"],
            &["1", "10.0.0.1"],
            &["", "no number"],
        ]));
        let by = t.keyed_by("frame.number");
        assert_eq!(by.len(), 2);
        assert_eq!(by[&1].get("ip.src"), Some("10.0.0.1"));
        assert_eq!(by[&2].get("ip.src"), Some("10.0.0.2"));
    }

    #[test]
    fn classic_pcap_frames_are_record_numbers() {
        let t = classic();
        assert!(!is_pcapng(&t));
        assert_eq!(packet_rows(&t).count(), 2);
        assert_eq!(
            tshark_frames(&t).into_iter().collect::<Vec<_>>(),
            [(24, 1), (102, 2)]
        );
    }

    #[test]
    fn pcapng_frames_count_custom_blocks_like_tshark() {
        let t = pcapng();
        assert!(is_pcapng(&t));
        let packets: Vec<Option<&str>> = packet_rows(&t).map(|r| r.get("name")).collect();
        assert_eq!(packets, [Some("EPB"), Some("EPB")]);
        // Our second packet is tshark's frame 3: the Custom Block is its 2.
        assert_eq!(
            tshark_frames(&t).into_iter().collect::<Vec<_>>(),
            [(48, 1), (188, 3)]
        );
    }
}
