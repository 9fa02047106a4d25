"""pcapdig: packet captures from Python over pcapdig's Rust core.

* ``pcapdig.pcap.Reader(f)`` iterates ``(ts, buf)`` as ``dpkt.pcap.Reader``
  does (pcap and pcapng).
* ``pcapdig.open(path, parse=..., unpack=..., filter=EXPR)`` iterates packets
  with ``ts``, ``ts_ns``, ``file``, ``offset``, ``buf``, the layers' fields
  asked for (``pkt.ipv4.ttl``) and ``pkt["ip.ttl"]`` as ``pcapdig fields``
  prints it.
* ``pcapdig.fields(path, names, filter=None)``: the columns ``pcapdig fields``
  prints, as a dict of name -> list of strings; ``fields_arrow`` the same as
  an Arrow table.
* ``pcapdig.Index(db)``: ``sessions(expr)`` as ``pcapdig sessions --json``,
  ``carve(ids, out)`` as ``pcapdig carve``.

Errors are :class:`PcapdigError`, whose message names the file and byte
offset.
"""

import json as _json
import os as _os

from . import _native
from ._native import Layer, Packet, PcapdigError, fields
from . import pcap

__all__ = [
    "pcap",
    "open",
    "fields",
    "fields_arrow",
    "Index",
    "Packet",
    "Layer",
    "PcapdigError",
]


def open(path, parse=None, unpack=None, filter=None):
    """The packets of the capture at ``path`` (a path or a binary file object).

    ``parse`` and ``unpack`` name the fields to read, per layer:
    ``{"ipv4": ["ttl", "src"], "tcp": ["flags"]}`` (or ``["ipv4.ttl", ...]``);
    they set the schema's PARSE/UNPACK flags, so the dissector reads only
    those. A layer attribute (``pkt.tcp``) is ``None`` when the packet has no
    such layer or nothing was asked of it; a field not asked for is ``None``.
    ``filter`` is a tcpdump-style expression.
    """
    return _native.open(path, parse, unpack, filter)


def fields_arrow(path, names, filter=None):
    """:func:`fields` as a ``pyarrow.Table`` (string columns), which
    implements the Arrow PyCapsule interface (``__arrow_c_stream__``);
    ``.to_pandas()`` gives a DataFrame. Needs ``pyarrow``."""
    import pyarrow

    return pyarrow.table(fields(path, names, filter))


class Index:
    """A pcapdig session index (``pcapdig index --db DB``), read-only."""

    def __init__(self, db):
        self.db = _os.fspath(db)

    def _run(self, args):
        status, out, err = _native.run(args)
        if status != 0:
            raise PcapdigError(err.strip().removeprefix("pcapdig: "))
        return out

    def sessions(self, expr=None, since=None, until=None, limit=None):
        """The sessions matching ``expr`` (all when ``None``): a list of
        dicts equal to ``json.loads`` of each line ``pcapdig sessions --json``
        prints."""
        args = ["sessions", "--db", self.db, "--json"]
        if since is not None:
            args += ["--since", str(since)]
        if until is not None:
            args += ["--until", str(until)]
        if limit is not None:
            args += ["--limit", str(int(limit))]
        if expr:
            args.append(str(expr))
        out = self._run(args)
        return [_json.loads(line) for line in out.decode().splitlines() if line]

    def carve(self, ids, out):
        """Writes the packets of sessions ``ids`` (ids or Community IDs) to
        the file ``out``, as ``pcapdig carve --db DB IDS -o OUT`` does (pcapng
        when ``out`` ends in ``.pcapng``); returns the number of packets."""
        if isinstance(ids, (int, str)):
            ids = [ids]
        args = ["carve", "--db", self.db, "-o", _os.fspath(out)] + [str(i) for i in ids]
        status, _, err = _native.run(args)
        if status != 0:
            raise PcapdigError(err.strip().removeprefix("pcapdig: "))
        last = err.strip().splitlines()[-1] if err.strip() else ""
        # "pcapdig: carved N session(s), M packets"
        words = last.split()
        return int(words[-2]) if len(words) >= 2 and words[-2].isdigit() else None
