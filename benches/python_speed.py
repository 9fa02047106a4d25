#!/usr/bin/env python3
"""Packets/s of the Python module against dpkt on the same capture (a
benchmark, not a test: it prints figures and asserts nothing but that
both sides saw the same packets).

    python benches/python_speed.py FILE.pcap [--repeat 3]

Needs `pcapdig` (pip install ./python) and `dpkt`. Each row is the best
of --repeat runs, warm cache, one core:

* read: `pcapdig.pcap.Reader` vs `dpkt.pcap.Reader`, iterating (ts, buf);
* Ethernet→IP→TCP: the TCP destination port of every packet, with
  `pcapdig.open(unpack={"tcp": ["dstport"]})` (the minimal flag set) vs
  `dpkt.ethernet.Ethernet(buf)` and its `.data.data.dport`;
* fields: `pcapdig.fields(path, ["ip.src", "tcp.dstport"])` (one call
  for the whole file) vs dpkt's loop building the same two columns.
"""

import argparse
import socket
import time

import dpkt

import pcapdig


def best(fn, repeat):
    out, t = None, float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - start)
    return out, t


def dpkt_read(path):
    n = 0
    with open(path, "rb") as f:
        for _ts, _buf in dpkt.pcap.Reader(f):
            n += 1
    return n


def ours_read(path):
    n = 0
    for _ts, _buf in pcapdig.pcap.Reader(path):
        n += 1
    return n


def dpkt_tcp(path):
    ports = []
    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            tcp = getattr(ip, "data", None)
            ports.append(tcp.dport if isinstance(tcp, dpkt.tcp.TCP) else None)
    return ports


def ours_tcp(path):
    ports = []
    for pkt in pcapdig.open(path, unpack={"tcp": ["dstport"]}):
        tcp = pkt.tcp
        ports.append(tcp.dstport if tcp is not None else None)
    return ports


def dpkt_fields(path):
    src, dport = [], []
    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            if isinstance(ip, dpkt.ip.IP):
                src.append(socket.inet_ntoa(ip.src))
            else:
                src.append("")
            tcp = getattr(ip, "data", None)
            dport.append(str(tcp.dport) if isinstance(tcp, dpkt.tcp.TCP) else "")
    return src, dport


def ours_fields(path):
    cols = pcapdig.fields(path, ["ip.src", "tcp.dstport"])
    return cols["ip.src"], cols["tcp.dstport"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n, _ = best(lambda: ours_read(args.file), 1)
    print(f"{args.file}: {n} packets, best of {args.repeat}")
    print(f"{'what':<22} {'pcapdig pkt/s':>14} {'dpkt pkt/s':>12} {'ratio':>7}")
    for name, ours, theirs in [
        ("read (ts, buf)", ours_read, dpkt_read),
        ("Ethernet→IP→TCP port", ours_tcp, dpkt_tcp),
        ("fields ip.src,dport", ours_fields, dpkt_fields),
    ]:
        a, ta = best(lambda: ours(args.file), args.repeat)
        b, tb = best(lambda: theirs(args.file), args.repeat)
        if name == "read (ts, buf)":
            assert a == b, (a, b)
        print(f"{name:<22} {n / ta:>14,.0f} {n / tb:>12,.0f} {tb / ta:>6.1f}x")


if __name__ == "__main__":
    main()
