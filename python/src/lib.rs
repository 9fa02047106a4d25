//! `pcapdig._native`: the Rust side of the Python module `pcapdig`
//! (the package in `pcapdig/` re-exports it; see `README.md`).
//!
//! * [`Reader`]: `(ts, buf)` per record, as `dpkt.pcap.Reader` gives them.
//! * [`PacketIter`] (`pcapdig.open`): packets with the layers' fields
//!   asked for by PARSE/UNPACK flags, and `pkt["ip.ttl"]` as `pcapdig
//!   fields` prints it.
//! * [`fields`]: the columns `pcapdig fields` prints.
//! * [`run`]: a `pcapdig` command line in-process (`Index`).

use std::collections::HashMap;
use std::io::Cursor;
use std::path::PathBuf;

use bitflags::Flags;
use pcap_core::FieldValue;
use pcap_core::capture::{CaptureReader, Format, LinkType, Precision};
use pcap_core::filter::Filter;
use pcapdig::fields::column::{Column, write_layer_field};
use pcapdig::fields::format::{Frame, write_field};
use pcapdig::fields::packet::Packet as FieldsPacket;
use pcapdig::fields::text::Line;
use protocols::dissect::SCHEMA_LAYERS;
use protocols::{Config, Depth, Dissection, Dissector, LayerKind, Registry};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

create_exception!(
    pcapdig,
    PcapdigError,
    PyException,
    "An error of pcapdig: the message names the file, byte offset and layer."
);

fn err(e: impl std::fmt::Display) -> PyErr {
    PcapdigError::new_err(e.to_string())
}

/// A [`PcapdigError`] about the capture `file`, with attributes `file`
/// and `offset` (the file's byte offset the message names, else `None`).
fn err_at(py: Python<'_>, file: &str, e: impl std::fmt::Display) -> PyErr {
    let text = e.to_string();
    // The file's byte offset: `byte N` in capture errors, else the
    // first `offset N`.
    let number_after = |pat: &str| {
        text.match_indices(pat).find_map(|(i, m)| {
            let digits: String = text[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<u64>().ok()
        })
    };
    let offset = number_after("byte ").or_else(|| number_after("offset "));
    let text = if text.contains(file) {
        text
    } else {
        format!("{file}: {text}")
    };
    let e = PcapdigError::new_err(text);
    let value = e.value(py);
    let _ = value.setattr("file", file);
    let _ = value.setattr("offset", offset);
    e
}

/// A path from a `str` or `os.PathLike`, or `None` for anything else.
fn as_path(obj: &Bound<'_, PyAny>) -> PyResult<Option<PathBuf>> {
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        let os = obj.py().import("os")?;
        let p: String = os.call_method1("fspath", (obj,))?.extract()?;
        return Ok(Some(PathBuf::from(p)));
    }
    Ok(None)
}

/// Opens a path, or reads a binary file object whole.
fn open_capture(f: &Bound<'_, PyAny>) -> PyResult<CaptureReader> {
    match as_path(f)? {
        Some(path) => CaptureReader::open(&path).map_err(err),
        None => {
            let data: Vec<u8> = f.call_method0("read")?.extract()?;
            let name = f
                .getattr("name")
                .and_then(|n| n.extract::<String>())
                .unwrap_or_else(|_| "<file object>".into());
            CaptureReader::from_reader(Cursor::new(data), &name).map_err(err)
        }
    }
}

/// Iterates `(ts, buf)` over the records of a pcap or pcapng capture, as
/// `dpkt.pcap.Reader` does: `ts` a float of seconds (for a classic
/// microsecond file `sec + usec / 1e6`, computed as dpkt computes it),
/// `buf` the record's captured bytes.
#[pyclass(unsendable, module = "pcapdig.pcap")]
pub struct Reader {
    reader: CaptureReader,
    micro: bool,
    /// The link type of the file (of its first interface for pcapng).
    linktype: u16,
    /// The snap length of a classic file (0 for pcapng).
    #[pyo3(get)]
    snaplen: u32,
}

#[pymethods]
impl Reader {
    /// `Reader(f)`: `f` a path or a binary file object.
    #[new]
    fn new(f: &Bound<'_, PyAny>) -> PyResult<Reader> {
        let reader = open_capture(f)?;
        let (micro, linktype, snaplen) = match reader.format() {
            Format::Pcap(h) => (
                h.encoding.precision == Precision::Micro,
                h.linktype().0,
                h.snaplen,
            ),
            _ => (false, 0, 0),
        };
        Ok(Reader {
            reader,
            micro,
            linktype,
            snaplen,
        })
    }

    /// The link type (dpkt's `datalink()`).
    fn datalink(&self) -> u16 {
        self.linktype
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<(f64, Py<PyBytes>)>> {
        let micro = self.micro;
        match self.reader.next_record() {
            Ok(Some(rec)) => {
                let ts = rec.ts;
                let secs = if micro {
                    // dpkt: tv_sec + tv_usec / 1E6 (float division, then add).
                    ts.secs as f64 + f64::from(ts.nanos / 1000) / 1e6
                } else {
                    // dpkt gives Decimal(tv_sec) + tv_nsec / Decimal(1E9):
                    // its float is the correctly rounded value.
                    format!("{}.{:09}", ts.secs, ts.nanos)
                        .parse::<f64>()
                        .unwrap_or(ts.secs as f64)
                };
                if self.linktype == 0 {
                    self.linktype = rec.linktype.0;
                }
                Ok(Some((secs, PyBytes::new(py, rec.data).unbind())))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(err_at(py, &self.reader.name().display().to_string(), e)),
        }
    }
}

/// A layer's attribute name in Python (`ipv4`, `tcp`, `eth`) and the
/// record name the dissector gives it (`ip`, `tcp`, `eth`).
fn layer_kind(py_name: &str) -> Option<LayerKind> {
    let name = match py_name {
        "ipv4" => "ip",
        other => other,
    };
    SCHEMA_LAYERS.iter().copied().find(|k| k.name() == name)
}

/// Sets the flag `PREFIX_FIELD` of layer `kind` in `config`; false if the
/// layer has no such flag.
fn set_flag(config: &mut Config, kind: LayerKind, flag: &str) -> bool {
    fn set<F: Flags>(bits: &mut F, flag: &str) -> bool {
        match F::from_name(flag) {
            Some(f) => {
                bits.insert(f);
                true
            }
            None => false,
        }
    }
    match kind {
        LayerKind::Ethernet => set(&mut config.eth, flag),
        LayerKind::Vlan | LayerKind::QinQ => set(&mut config.vlan, flag),
        LayerKind::Sll => set(&mut config.sll, flag),
        LayerKind::Sll2 => set(&mut config.sll2, flag),
        LayerKind::Loopback => set(&mut config.loopback, flag),
        LayerKind::Ipv4 => set(&mut config.ipv4, flag),
        LayerKind::Ipv6 => set(&mut config.ipv6, flag),
        LayerKind::Tcp => set(&mut config.tcp, flag),
        LayerKind::Udp => set(&mut config.udp, flag),
        LayerKind::Icmp => set(&mut config.icmp, flag),
        LayerKind::Icmpv6 => set(&mut config.icmpv6, flag),
        LayerKind::Sctp => set(&mut config.sctp, flag),
        LayerKind::Gtp => set(&mut config.gtp, flag),
        LayerKind::Dns => set(&mut config.dns, flag),
        _ => false,
    }
}

/// How deep the walk must go for a layer.
fn depth_of(kind: LayerKind) -> Depth {
    match kind {
        LayerKind::Ethernet
        | LayerKind::Vlan
        | LayerKind::QinQ
        | LayerKind::Sll
        | LayerKind::Sll2
        | LayerKind::Loopback => Depth::Link,
        LayerKind::Ipv4 | LayerKind::Ipv6 => Depth::Network,
        LayerKind::Tcp | LayerKind::Udp | LayerKind::Icmp | LayerKind::Icmpv6 | LayerKind::Sctp => {
            Depth::Transport
        }
        _ => Depth::Application,
    }
}

/// The fields asked of one layer.
struct Wanted {
    attr: String,
    kind: LayerKind,
    fields: Vec<&'static pcap_core::FieldSpec>,
}

/// Adds `spec` (layer → field names, or `"layer.field"` names) with flag
/// prefix `prefix` (`PARSE` or `UNPACK`) to `config` and `wanted`.
fn add_flags(
    spec: &Bound<'_, PyAny>,
    prefix: &str,
    config: &mut Config,
    wanted: &mut Vec<Wanted>,
) -> PyResult<()> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Ok(d) = spec.downcast::<PyDict>() {
        for (k, v) in d.iter() {
            let layer: String = k.extract()?;
            let names: Vec<String> = if v.is_instance_of::<PyString>() {
                vec![v.extract()?]
            } else {
                v.extract()?
            };
            pairs.extend(names.into_iter().map(|n| (layer.clone(), n)));
        }
    } else {
        let names: Vec<String> = spec.extract()?;
        for n in names {
            let (l, f) = n
                .split_once('.')
                .ok_or_else(|| PyValueError::new_err(format!("{n:?}: give LAYER.FIELD")))?;
            pairs.push((l.to_string(), f.to_string()));
        }
    }
    for (layer, field) in pairs {
        let kind = layer_kind(&layer).ok_or_else(|| {
            let known: Vec<&str> = SCHEMA_LAYERS.iter().map(|k| k.name()).collect();
            PyValueError::new_err(format!(
                "unknown layer {layer:?}; layers: ipv4 (or ip), {}",
                known.join(", ")
            ))
        })?;
        let fields = kind.fields();
        let f = fields
            .iter()
            .find(|f| f.name == field || f.display_name == field)
            .ok_or_else(|| {
                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                PyValueError::new_err(format!(
                    "layer {layer:?} has no field {field:?}; its fields: {}",
                    names.join(", ")
                ))
            })?;
        let flag = format!("{prefix}_{}", f.name.to_ascii_uppercase());
        if !set_flag(config, kind, &flag) {
            return Err(PyValueError::new_err(format!(
                "layer {layer:?} takes no flags for {field:?}"
            )));
        }
        config.stop_after = config.stop_after.max(depth_of(kind));
        match wanted.iter_mut().find(|w| w.attr == layer) {
            Some(w) => {
                if !w.fields.iter().any(|x| x.name == f.name) {
                    w.fields.push(f);
                }
            }
            None => wanted.push(Wanted {
                attr: layer,
                kind,
                fields: vec![f],
            }),
        }
    }
    Ok(())
}

/// A field's value in Python: `int`, `bool`, `bytes`, or `str` for
/// addresses.
fn to_py(py: Python<'_>, v: FieldValue<'_>) -> PyResult<PyObject> {
    Ok(match v {
        FieldValue::Unsigned(n) => n.into_pyobject(py)?.into_any().unbind(),
        FieldValue::Signed(n) => n.into_pyobject(py)?.into_any().unbind(),
        FieldValue::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
        FieldValue::Bytes(b) => PyBytes::new(py, b).into_any().unbind(),
        FieldValue::Ipv4(a) => a.to_string().into_pyobject(py)?.into_any().unbind(),
        FieldValue::Ipv6(a) => a.to_string().into_pyobject(py)?.into_any().unbind(),
        FieldValue::Mac(m) => m.to_string().into_pyobject(py)?.into_any().unbind(),
        // A kind of value added later: its printed form.
        other => format!("{other:?}").into_pyobject(py)?.into_any().unbind(),
    })
}

/// One layer of a packet: the fields asked for as attributes (`None`
/// for a field of the layer not asked for).
#[pyclass(module = "pcapdig")]
pub struct Layer {
    name: String,
    kind: LayerKind,
    values: Py<PyDict>,
}

#[pymethods]
impl Layer {
    fn __getattr__(&self, py: Python<'_>, name: &str) -> PyResult<PyObject> {
        if let Some(v) = self.values.bind(py).get_item(name)? {
            return Ok(v.unbind());
        }
        if self
            .kind
            .fields()
            .iter()
            .any(|f| f.name == name || f.display_name == name)
        {
            return Ok(py.None());
        }
        Err(pyo3::exceptions::PyAttributeError::new_err(format!(
            "layer {} has no field {name:?}",
            self.name
        )))
    }

    /// The fields read, as a dict.
    fn asdict(&self, py: Python<'_>) -> PyResult<Py<PyDict>> {
        Ok(self.values.bind(py).copy()?.unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<{} {}>", self.name, self.values.bind(py).repr()?))
    }
}

/// One packet of [`PacketIter`].
#[pyclass(module = "pcapdig")]
pub struct Packet {
    /// Seconds since the epoch, as a float.
    #[pyo3(get)]
    ts: f64,
    /// Nanoseconds since the epoch.
    #[pyo3(get)]
    ts_ns: i64,
    /// The capture's path.
    #[pyo3(get)]
    file: String,
    /// Byte offset of the record (pcap) or block (pcapng) in the file.
    #[pyo3(get)]
    offset: u64,
    /// The captured bytes.
    #[pyo3(get)]
    buf: Py<PyBytes>,
    /// 1-based record number (`frame.number`).
    #[pyo3(get)]
    number: u64,
    /// Original length on the wire.
    #[pyo3(get)]
    wirelen: u32,
    linktype: u16,
    timestamp: Option<pcap_core::capture::Timestamp>,
    layers: HashMap<String, Option<Py<Layer>>>,
}

#[pymethods]
impl Packet {
    fn __getattr__(&self, py: Python<'_>, name: &str) -> PyResult<PyObject> {
        if let Some(l) = self.layers.get(name) {
            return Ok(match l {
                Some(l) => l.clone_ref(py).into_any(),
                None => py.None(),
            });
        }
        if layer_kind(name).is_some() {
            // A layer nothing was asked of is not parsed.
            return Ok(py.None());
        }
        Err(pyo3::exceptions::PyAttributeError::new_err(format!(
            "a packet has no attribute {name:?}"
        )))
    }

    /// `pkt["ip.ttl"]`: the text `pcapdig fields -e ip.ttl` prints for
    /// this packet (`""` when absent).
    fn __getitem__(&self, py: Python<'_>, name: &str) -> PyResult<String> {
        let registry = Registry::new();
        let cols = pcapdig::fields::parse_columns(&[name.to_string()], &registry)
            .map_err(PyKeyError::new_err)?;
        let col = &cols[0];
        if matches!(col, Column::Tls(_)) {
            return Err(PyKeyError::new_err(format!(
                "{name}: tls.* columns follow the TCP conversation; use pcapdig.fields()"
            )));
        }
        let config = pcapdig::fields::config::config_for_columns(&cols, None, &registry);
        let buf = self.buf.bind(py).as_bytes();
        let mut d = Dissection::new(LinkType(self.linktype), buf);
        d.summary.wire_len = self.wirelen;
        let dissector = config.map(|c| Dissector::with_registry(c, registry.clone()));
        if let Some(dis) = &dissector {
            dis.dissect_into(&mut d);
        }
        let frame = Frame {
            number: self.number,
            ts: self.timestamp,
            len: self.wirelen,
            caplen: u32::try_from(buf.len()).unwrap_or(u32::MAX),
        };
        let pkt = dissector.is_some().then(|| FieldsPacket::new(&d));
        let mut line = Line::with_capacity(64);
        match col {
            Column::Builtin(f) => write_field(&mut line, *f, &frame, pkt.as_ref()),
            Column::Layer(l) => {
                if let Some(dis) = &dissector {
                    write_layer_field(&mut line, l, dis, &d);
                }
            }
            Column::Wlan(i) => pcapdig::fields::wlan::write(&mut line, *i, &d),
            Column::Tls(_) => {}
        }
        Ok(String::from_utf8_lossy(line.as_bytes()).into_owned())
    }

    fn __repr__(&self) -> String {
        format!(
            "<Packet {} offset={} ts={} len={}>",
            self.number, self.offset, self.ts, self.wirelen
        )
    }
}

/// `pcapdig.open(...)`: the packets of a capture.
#[pyclass(unsendable, module = "pcapdig")]
pub struct PacketIter {
    reader: CaptureReader,
    file: String,
    dissector: Option<Dissector>,
    filter: Option<Filter>,
    wanted: Vec<Wanted>,
    number: u64,
}

#[pymethods]
impl PacketIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Packet>> {
        loop {
            let rec = match self.reader.next_record() {
                Ok(Some(rec)) => rec,
                Ok(None) => return Ok(None),
                Err(e) => return Err(err_at(py, &self.file, e)),
            };
            self.number += 1;
            let mut d = Dissection::new(rec.linktype, rec.data);
            d.summary.wire_len = rec.origlen;
            if let Some(dis) = &self.dissector {
                dis.dissect_into(&mut d);
            }
            if let Some(f) = &self.filter
                && !f.matches_packet(&d.summary, rec.data)
            {
                continue;
            }
            let mut layers = HashMap::new();
            for w in &self.wanted {
                let record = d.layers.iter().find(|r| r.kind == w.kind);
                let layer = match (record, &self.dissector) {
                    (Some(r), Some(dis)) => {
                        let values = PyDict::new(py);
                        let mut failed = None;
                        if let Some(bytes) = d.data.get(r.offset..) {
                            dis.visit_layer(r.kind, bytes, &mut |spec, value| {
                                if failed.is_none() && w.fields.iter().any(|f| f.name == spec.name)
                                {
                                    // By its Rust name and its display name
                                    // (`src_addr`, `src`).
                                    let set = to_py(py, value).and_then(|v| {
                                        values.set_item(spec.display_name, &v)?;
                                        values.set_item(spec.name, v)
                                    });
                                    if let Err(e) = set {
                                        failed = Some(e);
                                    }
                                }
                            });
                        }
                        if let Some(e) = failed {
                            return Err(e);
                        }
                        Some(Py::new(
                            py,
                            Layer {
                                name: w.attr.clone(),
                                kind: w.kind,
                                values: values.unbind(),
                            },
                        )?)
                    }
                    _ => None,
                };
                layers.insert(w.attr.clone(), layer);
            }
            let ts_ns = rec.ts.secs.saturating_mul(1_000_000_000) + i64::from(rec.ts.nanos);
            return Ok(Some(Packet {
                ts: rec.ts.secs as f64 + f64::from(rec.ts.nanos) / 1e9,
                ts_ns,
                file: self.file.clone(),
                offset: rec.offset,
                buf: PyBytes::new(py, rec.data).unbind(),
                number: self.number,
                wirelen: rec.origlen,
                linktype: rec.linktype.0,
                timestamp: rec.timestamp(),
                layers,
            }));
        }
    }
}

/// `open(path, parse=None, unpack=None, filter=None)`.
#[pyfunction]
#[pyo3(signature = (path, parse=None, unpack=None, filter=None))]
fn open(
    path: &Bound<'_, PyAny>,
    parse: Option<&Bound<'_, PyAny>>,
    unpack: Option<&Bound<'_, PyAny>>,
    filter: Option<&str>,
) -> PyResult<PacketIter> {
    let filter = filter
        .map(Filter::parse_for_packets)
        .transpose()
        .map_err(|e| PyValueError::new_err(format!("filter: {e}")))?;
    let mut config = match &filter {
        Some(f) => Config::for_needs(f.needs()),
        None => {
            let mut c = Config::none();
            c.stop_after = Depth::Link;
            c
        }
    };
    let mut wanted = Vec::new();
    if let Some(p) = parse {
        add_flags(p, "PARSE", &mut config, &mut wanted)?;
    }
    if let Some(u) = unpack {
        add_flags(u, "UNPACK", &mut config, &mut wanted)?;
    }
    let dissector = (filter.is_some() || !wanted.is_empty())
        .then(|| Dissector::with_registry(config, Registry::new()));
    let reader = open_capture(path)?;
    Ok(PacketIter {
        file: reader.name().display().to_string(),
        reader,
        dissector,
        filter,
        wanted,
        number: 0,
    })
}

/// `fields(path, names, filter=None)`: name → the cells `pcapdig fields`
/// prints.
#[pyfunction]
#[pyo3(signature = (path, names, filter=None))]
fn fields<'py>(
    py: Python<'py>,
    path: &Bound<'py, PyAny>,
    names: Vec<String>,
    filter: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let registry = Registry::new();
    let cols = pcapdig::fields::parse_columns(&names, &registry).map_err(PyValueError::new_err)?;
    let filter = filter
        .map(Filter::parse_for_packets)
        .transpose()
        .map_err(|e| PyValueError::new_err(format!("filter: {e}")))?;
    let reader = open_capture(path)?;
    let mut out = Vec::new();
    pcapdig::fields::write_fields(reader, &cols, filter.as_ref(), &registry, &mut out)
        .map_err(err)?;
    let text = String::from_utf8_lossy(&out);
    let mut columns: Vec<Vec<&str>> = vec![Vec::new(); names.len()];
    for line in text.lines().skip(1) {
        let mut cells = line.split('\t');
        for col in &mut columns {
            col.push(cells.next().unwrap_or(""));
        }
    }
    let dict = PyDict::new(py);
    for (name, col) in names.iter().zip(columns) {
        dict.set_item(name, PyList::new(py, col)?)?;
    }
    Ok(dict)
}

/// `run(args)`: a `pcapdig` command line in-process (without the program
/// name): `(status, stdout bytes, stderr text)`.
#[pyfunction]
fn run(py: Python<'_>, args: Vec<String>) -> (i32, Py<PyBytes>, String) {
    let (mut out, mut errs) = (Vec::new(), Vec::new());
    let ctx = pcapdig::Context::default();
    let status = py.allow_threads(|| pcapdig::run_args(args, &ctx, &mut out, &mut errs));
    (
        status,
        PyBytes::new(py, &out).unbind(),
        String::from_utf8_lossy(&errs).into_owned(),
    )
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Reader>()?;
    m.add_class::<PacketIter>()?;
    m.add_class::<Packet>()?;
    m.add_class::<Layer>()?;
    m.add_function(wrap_pyfunction!(open, m)?)?;
    m.add_function(wrap_pyfunction!(fields, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add("PcapdigError", m.py().get_type::<PcapdigError>())?;
    Ok(())
}
