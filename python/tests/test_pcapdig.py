"""The Python module against dpkt and against the command line."""

import json

import pytest

import pcapdig
from conftest import cli, write_pcap, udp_packet


def classic_pcaps(corpus):
    out = []
    for p in sorted((corpus / "pcap").iterdir()):
        head = p.read_bytes()[:4]
        if head in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
            out.append(p)
    return out


def test_reader_equals_dpkt_on_every_classic_pcap(corpus):
    dpkt = pytest.importorskip("dpkt")
    files = classic_pcaps(corpus)
    assert len(files) > 20
    compared = 0
    for path in files:
        theirs = []
        try:
            with open(path, "rb") as f:
                for rec in dpkt.pcap.Reader(f):
                    theirs.append(rec)
        except Exception:  # dpkt stops at a damaged record; compare up to it
            pass
        ours = []
        try:
            for rec in pcapdig.pcap.Reader(str(path)):
                ours.append(rec)
        except pcapdig.PcapdigError as e:
            assert path.name in str(e), e
        n = min(len(theirs), len(ours))
        assert n == len(theirs) or n == len(ours), path
        for i, ((t1, b1), (t2, b2)) in enumerate(zip(theirs[:n], ours[:n])):
            assert float(t1) == t2, (path.name, i, t1, t2)
            assert bytes(b1) == b2, (path.name, i)
        if len(theirs) == len(ours):
            compared += 1
    assert compared >= len(files) - 5


def test_reader_takes_file_objects_and_nanoseconds(tmp_path):
    pkts = [(1700000000, 123456789, udp_packet("10.0.0.1", "10.0.0.2", 1, 2, b"ab"))]
    p = write_pcap(tmp_path / "n.pcap", pkts, nano=True)
    with open(p, "rb") as f:
        recs = list(pcapdig.pcap.Reader(f))
    assert recs == [(1700000000.123456789, pkts[0][2])]
    r = pcapdig.pcap.Reader(str(p))
    assert r.datalink() == 1 and r.snaplen == 65535


def test_errors_name_the_file_and_offset(tmp_path):
    p = tmp_path / "bad.pcap"
    good = write_pcap(tmp_path / "g.pcap", [(1, 0, udp_packet("10.0.0.1", "10.0.0.2", 1, 2, b""))])
    p.write_bytes(good.read_bytes()[:30])
    with pytest.raises(pcapdig.PcapdigError) as e:
        list(pcapdig.pcap.Reader(str(p)))
    assert "bad.pcap" in str(e.value) and "offset" in str(e.value)
    assert e.value.file.endswith("bad.pcap")
    assert isinstance(e.value.offset, int) and e.value.offset >= 24, e.value
    with pytest.raises(pcapdig.PcapdigError):
        pcapdig.pcap.Reader(str(tmp_path / "missing.pcap"))


def test_open_reads_only_what_is_asked(small_pcap):
    pkts = list(pcapdig.open(small_pcap, unpack={"ipv4": ["ttl", "src"], "udp": ["dstport"]}))
    assert len(pkts) == 12
    for i, p in enumerate(pkts):
        assert p.ipv4.ttl == 60 + i
        assert p.ipv4.src == "10.0.0.1"
        assert p.udp.dstport == 53
        assert p.ipv4.dst is None  # not asked
        assert p.tcp is None  # no such layer
        assert p["ip.ttl"] == str(60 + i)
        assert p["udp.srcport"] == str(5000 + i)
        assert p.ts_ns == (1700000000 + i) * 10**9 + (123456 + i) * 1000
        assert p.file.endswith("small.pcap")
    assert pkts[0].offset == 24
    assert pkts[1].offset == 24 + 16 + len(pkts[0].buf)
    none = list(pcapdig.open(small_pcap))
    assert [p.ipv4 for p in none] == [None] * 12
    assert [p.buf for p in none] == [p.buf for p in pkts]
    picked = list(pcapdig.open(small_pcap, parse=["ipv4.ttl"], filter="dst host 10.0.0.3"))
    assert [p.number for p in picked] == [2, 5, 8, 11]
    with pytest.raises(ValueError):
        pcapdig.open(small_pcap, unpack={"ipv4": ["nope"]})
    with pytest.raises(ValueError):
        pcapdig.open(small_pcap, filter="(((")


NAMES = ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ip.ttl", "tcp.srcport", "udp.dstport", "ip.proto"]


def test_fields_equal_the_command_line(corpus, pcapdig_bin):
    checked = 0
    for name in ["http-simple-get.pcap", "dns-udp.pcap", "bigendian.pcap", "fragmented-1.pcap"]:
        path = corpus / "pcap" / name
        if not path.exists():
            continue
        args = ["fields", str(path)] + sum((["-e", n] for n in NAMES), [])
        lines = cli(pcapdig_bin, *args).decode().splitlines()
        got = pcapdig.fields(str(path), NAMES)
        assert list(got) == NAMES
        rows = [line.split("\t") for line in lines[1:]]
        for j, n in enumerate(NAMES):
            assert got[n] == [r[j] for r in rows], (name, n)
        filt = pcapdig.fields(str(path), NAMES, filter="udp")
        lines = cli(pcapdig_bin, *args, "--filter", "udp").decode().splitlines()
        assert filt["frame.number"] == [line.split("\t")[0] for line in lines[1:]]
        checked += 1
    assert checked >= 2


def test_fields_arrow(small_pcap):
    pa = pytest.importorskip("pyarrow")
    t = pcapdig.fields_arrow(small_pcap, ["ip.ttl", "udp.srcport"])
    assert isinstance(t, pa.Table)
    assert t.column("ip.ttl").to_pylist() == [str(60 + i) for i in range(12)]
    assert hasattr(t, "__arrow_c_stream__")


def test_index_equals_the_command_line(corpus, pcapdig_bin, tmp_path):
    db = tmp_path / "c.db"
    caps = [str(corpus / "pcap" / n) for n in ["http-simple-get.pcap", "dns-udp.pcap"]]
    for c in caps:
        cli(pcapdig_bin, "index", c, "--db", str(db))
    idx = pcapdig.Index(db)
    for expr in [None, "udp", "tcp and port 80", "dns.qry.name"]:
        args = ["sessions", "--db", str(db), "--json"] + ([expr] if expr else [])
        want = [json.loads(line) for line in cli(pcapdig_bin, *args).decode().splitlines()]
        assert idx.sessions(expr) == want, expr
    assert len(idx.sessions(limit=1)) == 1
    all_ids = [s["id"] for s in idx.sessions()]
    out = tmp_path / "o.pcap"
    n = idx.carve(all_ids[:2], out)
    cli(pcapdig_bin, "carve", "--db", str(db), "-o", str(tmp_path / "w.pcap"), *map(str, all_ids[:2]))
    assert out.read_bytes() == (tmp_path / "w.pcap").read_bytes()
    assert n == sum(s["packets"] for s in idx.sessions() if s["id"] in all_ids[:2])
    with pytest.raises(pcapdig.PcapdigError) as e:
        idx.carve([999999], tmp_path / "x.pcap")
    assert "999999" in str(e.value)
    with pytest.raises(pcapdig.PcapdigError):
        idx.sessions("tcp[13] = 2")
