//! The capture `carve` writes: classic pcap (records copied byte for byte
//! where the encoding allows) or pcapng, into a file, standard output or
//! any writer.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pcap_core::capture::{
    CaptureReader, Format, LinkType, PcapEncoding, PcapWriter, PcapngWriter, Precision,
    WriterConfig,
};

use super::StoreError as Error;
use super::carve::OutFormat;
use super::carve_read::Packet;
use super::rows::{FileFormat, FileRow};
use crate::output::Sink;

/// The output being written and what it goes to.
pub(super) enum Target<'w> {
    Sink(Sink),
    Writer(&'w mut dyn Write),
}

impl Write for Target<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Target::Sink(s) => s.write(buf),
            Target::Writer(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Target::Sink(s) => s.flush(),
            Target::Writer(w) => w.flush(),
        }
    }
}

impl Target<'_> {
    /// Completes the output (see [`Sink::commit`]).
    pub(super) fn commit(self) -> Result<(), Error> {
        match self {
            Target::Sink(s) => s.commit(),
            Target::Writer(w) => Ok(w.flush()?),
        }
    }
}

/// Why a packet could not be written.
pub(super) enum OutError {
    /// A classic pcap output holds one link type.
    LinkType { packet: LinkType, output: LinkType },
    /// Anything else (I/O, an unrepresentable time).
    Other(Error),
}

impl From<std::io::Error> for OutError {
    fn from(e: std::io::Error) -> Self {
        OutError::Other(e.into())
    }
}

/// The carved capture being written.
pub(super) enum PacketOut<'w> {
    /// No packet yet: the pcap header waits for the first packet's link
    /// type when the first source is pcapng.
    Pending {
        sink: BufWriter<Target<'w>>,
        format: OutFormat,
        config: WriterConfig,
        lazy_linktype: bool,
    },
    Pcap(PcapWriter<BufWriter<Target<'w>>>),
    Pcapng(PcapngWriter<BufWriter<Target<'w>>>),
    /// Only after an error.
    Failed,
}

impl<'w> PacketOut<'w> {
    /// An output in `format`; a classic pcap output takes the encoding of
    /// the first file (its very header if it is classic pcap).
    pub(super) fn new(
        sink: Target<'w>,
        format: OutFormat,
        first: Option<&(FileRow, PathBuf)>,
    ) -> PacketOut<'w> {
        let mut config = WriterConfig::default();
        let mut lazy_linktype = false;
        if let Some((f, path)) = first {
            config = WriterConfig {
                encoding: PcapEncoding {
                    endian: f.endian,
                    precision: f.precision,
                },
                linktype: f.linktype.unwrap_or(LinkType(1)),
                snaplen: 262_144,
            };
            if f.format == FileFormat::Pcap {
                if let Ok(r) = CaptureReader::open(path)
                    && let Format::Pcap(h) = r.format()
                {
                    config = WriterConfig::like(&h);
                }
            } else {
                // A pcapng source: the link type of the first packet.
                lazy_linktype = true;
            }
        }
        PacketOut::Pending {
            sink: BufWriter::with_capacity(1 << 16, sink),
            format,
            config,
            lazy_linktype,
        }
    }

    /// Starts the file (its header) if not yet done; `linktype` is the
    /// first packet's, if there is one.
    fn start(&mut self, linktype: Option<LinkType>) -> Result<(), OutError> {
        if let PacketOut::Pending { .. } = self {
            let PacketOut::Pending {
                sink,
                format,
                mut config,
                lazy_linktype,
            } = std::mem::replace(self, PacketOut::Failed)
            else {
                unreachable!("matched above")
            };
            if lazy_linktype && let Some(lt) = linktype {
                config.linktype = lt;
            }
            *self = match format {
                OutFormat::Pcap => PacketOut::Pcap(PcapWriter::new(sink, config)?),
                OutFormat::Pcapng => PacketOut::Pcapng(PcapngWriter::new(sink)?),
            };
        }
        Ok(())
    }

    /// Writes one packet: a classic record byte for byte if its encoding
    /// is the output's, else encoded from its parts.
    pub(super) fn write(&mut self, pkt: &Packet, precision: Precision) -> Result<(), OutError> {
        self.start(Some(pkt.linktype))?;
        let ts = pcap_core::capture::Timestamp::new(pkt.ts_secs, pkt.ts_nanos);
        match self {
            PacketOut::Pcap(w) => {
                let output = w.config().linktype;
                if pkt.linktype != output {
                    return Err(OutError::LinkType {
                        packet: pkt.linktype,
                        output,
                    });
                }
                if pkt.encoding == Some(w.config().encoding) {
                    w.write_raw_record(&pkt.raw)?;
                } else {
                    w.write_record(ts, pkt.origlen, &pkt.data)?;
                }
            }
            PacketOut::Pcapng(w) => {
                w.write_record(pkt.linktype, precision, ts, pkt.origlen, &pkt.data)?;
            }
            PacketOut::Pending { .. } | PacketOut::Failed => {
                return Err(OutError::Other("output not started".into()));
            }
        }
        Ok(())
    }

    /// Completes the file and puts it in place.
    pub(super) fn finish(mut self) -> Result<(), Error> {
        self.start(None).map_err(|e| match e {
            OutError::Other(e) => e,
            OutError::LinkType { .. } => "link type".into(),
        })?;
        let sink = match self {
            PacketOut::Pcap(w) => w.into_inner()?,
            PacketOut::Pcapng(w) => w.into_inner()?,
            PacketOut::Pending { .. } | PacketOut::Failed => {
                return Err("output not started".into());
            }
        };
        sink.into_inner().map_err(|e| e.into_error())?.commit()
    }
}
