"""Shared fixtures: the corpus (skipped when absent), the pcapdig binary
(``PCAPDIG_BIN``), and small captures built here."""

import os
import pathlib
import shutil
import struct
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def corpus_dir():
    d = pathlib.Path(os.environ.get("PCAP_CORPUS", ROOT.parent / "shared" / "corpus"))
    return d if (d / "pcap").is_dir() else None


@pytest.fixture(scope="session")
def corpus():
    d = corpus_dir()
    if d is None:
        pytest.skip("corpus not found (set PCAP_CORPUS)")
    return d


@pytest.fixture(scope="session")
def pcapdig_bin():
    b = os.environ.get("PCAPDIG_BIN") or shutil.which("pcapdig")
    if not b:
        pytest.skip("PCAPDIG_BIN not set: the command line to compare with")
    return b


def cli(pcapdig_bin, *args):
    return subprocess.run([pcapdig_bin, *args], check=True, capture_output=True).stdout


def udp_packet(src, dst, sport, dport, payload, ttl=64):
    """An Ethernet/IPv4/UDP frame."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, ttl, 17, 0,
        bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))),
    )
    eth = b"\x00\x11\x22\x33\x44\x55" + b"\x66\x77\x88\x99\xaa\xbb" + b"\x08\x00"
    return eth + ip + udp


def write_pcap(path, packets, nano=False):
    """A little-endian classic pcap of ``(secs, frac, frame)`` records."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, 1)]
    for secs, frac, frame in packets:
        out.append(struct.pack("<IIII", secs, frac, len(frame), len(frame)) + frame)
    pathlib.Path(path).write_bytes(b"".join(out))
    return path


@pytest.fixture
def small_pcap(tmp_path):
    pkts = [
        (1700000000 + i, 123456 + i, udp_packet("10.0.0.1", "10.0.0.%d" % (2 + i % 3), 5000 + i, 53, b"x" * i, ttl=60 + i))
        for i in range(12)
    ]
    return write_pcap(tmp_path / "small.pcap", pkts)
