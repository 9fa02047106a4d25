//! The export's three tables as Arrow columns: their schemas and the
//! builders that fill one record batch at a time.
//!
//! Column names are those of `sessions --json` (a metadata key's `.`
//! becomes `_`: `tls.sni` → `tls_sni`). Times are `TIMESTAMP(MICROS)` in
//! UTC, which every engine reads (Spark refuses nanosecond timestamps),
//! each with an `int64` twin in nanoseconds (`first_ts_ns`) that keeps
//! the index's exact time. Unsigned values are written as the next wider
//! signed type (`proto`, ports: `int32`), since engines differ on
//! unsigned Parquet types.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryBuilder, Int32Builder, Int64Builder, ListBuilder, RecordBatch, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::sessions::Row;
use crate::store::FileExport;

/// The column name of a metadata key: `tls.handshake.ja3` →
/// `tls_handshake_ja3`.
pub fn meta_column(key: &str) -> String {
    key.replace('.', "_")
}

fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, true)))
}

/// Microseconds (rounded down) of nanoseconds since the epoch.
pub fn micros(ns: i64) -> i64 {
    ns.div_euclid(1_000)
}

/// The schema of `sessions/`: the `sessions --json` keys, times as
/// timestamps plus nanoseconds, the files' ids, the records' digest fold
/// (for carving), then one list column per metadata key.
pub fn sessions_schema() -> SchemaRef {
    let mut fields = vec![
        Field::new("id", DataType::Int64, false),
        Field::new("community_id", DataType::Utf8, false),
        Field::new("proto", DataType::Int32, false),
        Field::new("proto_name", DataType::Utf8, false),
        Field::new("src", DataType::Utf8, false),
        Field::new("sport", DataType::Int32, false),
        Field::new("dst", DataType::Utf8, false),
        Field::new("dport", DataType::Int32, false),
        Field::new("vlan", DataType::Int32, true),
        Field::new("vlans", list_of(DataType::Int32), true),
        Field::new("first_ts", ts_type(), false),
        Field::new("first_ts_ns", DataType::Int64, false),
        Field::new("last_ts", ts_type(), false),
        Field::new("last_ts_ns", DataType::Int64, false),
        Field::new("packets", DataType::Int64, false),
        Field::new("bytes", DataType::Int64, false),
        Field::new("packets_to_server", DataType::Int64, false),
        Field::new("bytes_to_server", DataType::Int64, false),
        Field::new("packets_to_client", DataType::Int64, false),
        Field::new("bytes_to_client", DataType::Int64, false),
        Field::new("tcp_flags", DataType::Int32, false),
        Field::new("end", DataType::Utf8, true),
        Field::new("files", list_of(DataType::Utf8), false),
        Field::new("file_ids", list_of(DataType::Int64), false),
        Field::new("digest", DataType::Int64, false),
    ];
    for key in protocols::meta::KEYS {
        fields.push(Field::new(meta_column(key), list_of(DataType::Utf8), true));
    }
    Arc::new(Schema::new(fields))
}

/// The schema of `locations/`: one row per packet of each session, in
/// the session's order (`seq` from 0): the file's id (`files.id`), the
/// byte offset of its record or block, and the low 16 bits of the
/// record's digest that carve checks.
pub fn locations_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("session_id", DataType::Int64, false),
        Field::new("seq", DataType::Int64, false),
        Field::new("file_id", DataType::Int64, false),
        Field::new("offset", DataType::Int64, false),
        Field::new("short_digest", DataType::Int32, false),
    ]))
}

/// The schema of `files/`: every column the index keeps of a capture
/// file; paths as text (for reading) and as their exact bytes (for
/// carving a name that is not UTF-8).
pub fn files_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("run_id", DataType::Int64, false),
        Field::new("seq", DataType::Int64, false),
        Field::new("path", DataType::Utf8, false),
        Field::new("path_bytes", DataType::Binary, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("name_bytes", DataType::Binary, false),
        Field::new("size", DataType::Int64, false),
        Field::new("mtime", ts_type(), true),
        Field::new("mtime_ns", DataType::Int64, true),
        Field::new("quick_hash", DataType::Utf8, false),
        Field::new("content_hash", DataType::Utf8, false),
        Field::new("filter", DataType::Utf8, true),
        Field::new("format", DataType::Utf8, false),
        Field::new("linktype", DataType::Int32, true),
        Field::new("precision", DataType::Utf8, false),
        Field::new("endian", DataType::Utf8, false),
        Field::new("first_ts", ts_type(), true),
        Field::new("first_ts_ns", DataType::Int64, true),
        Field::new("last_ts", ts_type(), true),
        Field::new("last_ts_ns", DataType::Int64, true),
        Field::new("packets", DataType::Int64, false),
        Field::new("context", list_of(DataType::Int64), true),
    ]))
}

fn ts_builder() -> TimestampMicrosecondBuilder {
    TimestampMicrosecondBuilder::new().with_timezone("UTC")
}

/// Sessions being gathered into a record batch.
pub struct SessionColumns {
    id: Int64Builder,
    community_id: StringBuilder,
    proto: Int32Builder,
    proto_name: StringBuilder,
    src: StringBuilder,
    sport: Int32Builder,
    dst: StringBuilder,
    dport: Int32Builder,
    vlan: Int32Builder,
    vlans: ListBuilder<Int32Builder>,
    first_ts: TimestampMicrosecondBuilder,
    first_ts_ns: Int64Builder,
    last_ts: TimestampMicrosecondBuilder,
    last_ts_ns: Int64Builder,
    /// packets, bytes, then each direction's packets and bytes.
    counts: [Int64Builder; 6],
    tcp_flags: Int32Builder,
    end: StringBuilder,
    files: ListBuilder<StringBuilder>,
    file_ids: ListBuilder<Int64Builder>,
    digest: Int64Builder,
    meta: Vec<ListBuilder<StringBuilder>>,
    rows: usize,
}

impl Default for SessionColumns {
    fn default() -> Self {
        SessionColumns {
            id: Int64Builder::new(),
            community_id: StringBuilder::new(),
            proto: Int32Builder::new(),
            proto_name: StringBuilder::new(),
            src: StringBuilder::new(),
            sport: Int32Builder::new(),
            dst: StringBuilder::new(),
            dport: Int32Builder::new(),
            vlan: Int32Builder::new(),
            vlans: ListBuilder::new(Int32Builder::new()),
            first_ts: ts_builder(),
            first_ts_ns: Int64Builder::new(),
            last_ts: ts_builder(),
            last_ts_ns: Int64Builder::new(),
            counts: Default::default(),
            tcp_flags: Int32Builder::new(),
            end: StringBuilder::new(),
            files: ListBuilder::new(StringBuilder::new()),
            file_ids: ListBuilder::new(Int64Builder::new()),
            digest: Int64Builder::new(),
            meta: protocols::meta::KEYS
                .iter()
                .map(|_| ListBuilder::new(StringBuilder::new()))
                .collect(),
            rows: 0,
        }
    }
}

impl SessionColumns {
    /// Rows gathered since the last batch.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no row was gathered since the last batch.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Adds one session: `row` is what `sessions --json` prints of it,
    /// `times` its first and last packet times in nanoseconds, `file_ids`
    /// its files' ids, `digest` its records' digest fold.
    pub fn push(&mut self, row: &Row, times: (i64, i64), file_ids: &[i64], digest: u64) {
        self.id.append_value(row.id);
        self.community_id.append_value(&row.community_id);
        self.proto.append_value(i32::from(row.proto));
        self.proto_name.append_value(&row.proto_name);
        self.src.append_value(&row.src);
        self.sport.append_value(i32::from(row.sport));
        self.dst.append_value(&row.dst);
        self.dport.append_value(i32::from(row.dport));
        self.vlan.append_option(row.vlan.map(i32::from));
        if row.vlans.is_empty() {
            self.vlans.append_null();
        } else {
            for &v in &row.vlans {
                self.vlans.values().append_value(i32::from(v));
            }
            self.vlans.append(true);
        }
        self.first_ts.append_value(micros(times.0));
        self.first_ts_ns.append_value(times.0);
        self.last_ts.append_value(micros(times.1));
        self.last_ts_ns.append_value(times.1);
        let counts = [
            row.packets,
            row.bytes,
            row.packets_to_server,
            row.bytes_to_server,
            row.packets_to_client,
            row.bytes_to_client,
        ];
        for (b, v) in self.counts.iter_mut().zip(counts) {
            b.append_value(v);
        }
        self.tcp_flags.append_value(i32::from(row.tcp_flags));
        self.end.append_option(row.end.as_deref());
        for f in &row.files {
            self.files.values().append_value(f);
        }
        self.files.append(true);
        for &f in file_ids {
            self.file_ids.values().append_value(f);
        }
        self.file_ids.append(true);
        // The fold is a u64 kept bit for bit in the signed column, as the
        // index's INTEGER keeps it.
        self.digest.append_value(digest as i64);
        for (key, b) in protocols::meta::KEYS.iter().zip(self.meta.iter_mut()) {
            match row.meta.get(*key) {
                Some(values) if !values.is_empty() => {
                    for v in values {
                        b.values().append_value(v);
                    }
                    b.append(true);
                }
                _ => b.append_null(),
            }
        }
        self.rows += 1;
    }

    /// The gathered rows as a batch of [`sessions_schema`]; the builders
    /// start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, arrow::error::ArrowError> {
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.community_id.finish()),
            Arc::new(self.proto.finish()),
            Arc::new(self.proto_name.finish()),
            Arc::new(self.src.finish()),
            Arc::new(self.sport.finish()),
            Arc::new(self.dst.finish()),
            Arc::new(self.dport.finish()),
            Arc::new(self.vlan.finish()),
            Arc::new(self.vlans.finish()),
            Arc::new(self.first_ts.finish()),
            Arc::new(self.first_ts_ns.finish()),
            Arc::new(self.last_ts.finish()),
            Arc::new(self.last_ts_ns.finish()),
        ];
        for b in &mut self.counts {
            cols.push(Arc::new(b.finish()));
        }
        cols.push(Arc::new(self.tcp_flags.finish()));
        cols.push(Arc::new(self.end.finish()));
        cols.push(Arc::new(self.files.finish()));
        cols.push(Arc::new(self.file_ids.finish()));
        cols.push(Arc::new(self.digest.finish()));
        for b in &mut self.meta {
            cols.push(Arc::new(b.finish()));
        }
        self.rows = 0;
        RecordBatch::try_new(sessions_schema(), cols)
    }
}

/// Packet locations being gathered into a record batch.
#[derive(Default)]
pub struct LocationColumns {
    session_id: Int64Builder,
    seq: Int64Builder,
    file_id: Int64Builder,
    offset: Int64Builder,
    short_digest: Int32Builder,
    rows: usize,
}

impl LocationColumns {
    /// Rows gathered since the last batch.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no row was gathered since the last batch.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Adds every packet location of session `id`, in order.
    pub fn push_session(&mut self, id: i64, locations: &pcap_core::flow::Locations) {
        for (seq, loc) in locations.iter().enumerate() {
            self.session_id.append_value(id);
            self.seq.append_value(seq as i64);
            self.file_id.append_value(i64::from(loc.file_index));
            // Offsets beyond i64 cannot come from a real file.
            self.offset
                .append_value(i64::try_from(loc.offset).unwrap_or(i64::MAX));
            self.short_digest
                .append_value(i32::from(loc.short_digest()));
            self.rows += 1;
        }
    }

    /// The gathered rows as a batch of [`locations_schema`].
    pub fn finish(&mut self) -> Result<RecordBatch, arrow::error::ArrowError> {
        self.rows = 0;
        RecordBatch::try_new(
            locations_schema(),
            vec![
                Arc::new(self.session_id.finish()),
                Arc::new(self.seq.finish()),
                Arc::new(self.file_id.finish()),
                Arc::new(self.offset.finish()),
                Arc::new(self.short_digest.finish()),
            ],
        )
    }
}

/// The `files` table as one batch of [`files_schema`].
pub fn files_batch(files: &[FileExport]) -> Result<RecordBatch, arrow::error::ArrowError> {
    use std::os::unix::ffi::OsStrExt;
    let mut id = Int64Builder::new();
    let mut run_id = Int64Builder::new();
    let mut seq = Int64Builder::new();
    let mut path = StringBuilder::new();
    let mut path_bytes = BinaryBuilder::new();
    let mut name = StringBuilder::new();
    let mut name_bytes = BinaryBuilder::new();
    let mut size = Int64Builder::new();
    let mut mtime = ts_builder();
    let mut mtime_ns = Int64Builder::new();
    let mut quick_hash = StringBuilder::new();
    let mut content_hash = StringBuilder::new();
    let mut filter = StringBuilder::new();
    let mut format = StringBuilder::new();
    let mut linktype = Int32Builder::new();
    let mut precision = StringBuilder::new();
    let mut endian = StringBuilder::new();
    let mut first_ts = ts_builder();
    let mut first_ts_ns = Int64Builder::new();
    let mut last_ts = ts_builder();
    let mut last_ts_ns = Int64Builder::new();
    let mut packets = Int64Builder::new();
    let mut context = ListBuilder::new(Int64Builder::new());
    for f in files {
        let r = &f.row;
        id.append_value(r.id);
        run_id.append_value(f.run_id);
        seq.append_value(f.seq);
        path.append_value(r.path.to_string_lossy());
        path_bytes.append_value(r.path.as_os_str().as_bytes());
        name.append_value(r.name.to_string_lossy());
        name_bytes.append_value(r.name.as_os_str().as_bytes());
        size.append_value(i64::try_from(r.size).unwrap_or(i64::MAX));
        mtime.append_option(f.mtime_ns.map(micros));
        mtime_ns.append_option(f.mtime_ns);
        quick_hash.append_value(&r.quick_hash);
        content_hash.append_value(&f.content_hash);
        filter.append_option(f.filter.as_deref());
        format.append_value(r.format.as_str());
        linktype.append_option(r.linktype.map(|l| i32::from(l.0)));
        precision.append_value(crate::store::rows::precision_text(r.precision));
        endian.append_value(crate::store::rows::endian_text(r.endian));
        first_ts.append_option(f.first_ns.map(micros));
        first_ts_ns.append_option(f.first_ns);
        last_ts.append_option(f.last_ns.map(micros));
        last_ts_ns.append_option(f.last_ns);
        packets.append_value(f.packets);
        match &r.context {
            Some(offsets) => {
                for &o in offsets {
                    context
                        .values()
                        .append_value(i64::try_from(o).unwrap_or(i64::MAX));
                }
                context.append(true);
            }
            None => context.append_null(),
        }
    }
    RecordBatch::try_new(
        files_schema(),
        vec![
            Arc::new(id.finish()),
            Arc::new(run_id.finish()),
            Arc::new(seq.finish()),
            Arc::new(path.finish()),
            Arc::new(path_bytes.finish()),
            Arc::new(name.finish()),
            Arc::new(name_bytes.finish()),
            Arc::new(size.finish()),
            Arc::new(mtime.finish()),
            Arc::new(mtime_ns.finish()),
            Arc::new(quick_hash.finish()),
            Arc::new(content_hash.finish()),
            Arc::new(filter.finish()),
            Arc::new(format.finish()),
            Arc::new(linktype.finish()),
            Arc::new(precision.finish()),
            Arc::new(endian.finish()),
            Arc::new(first_ts.finish()),
            Arc::new(first_ts_ns.finish()),
            Arc::new(last_ts.finish()),
            Arc::new(last_ts_ns.finish()),
            Arc::new(packets.finish()),
            Arc::new(context.finish()),
        ],
    )
}
