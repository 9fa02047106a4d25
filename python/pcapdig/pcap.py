"""A drop-in for ``dpkt.pcap``: ``Reader(f)`` iterates ``(ts, buf)`` exactly
as ``dpkt.pcap.Reader`` does (``ts`` a float of seconds, ``buf`` the
record's bytes), for pcap and pcapng, so a dpkt script switches by
changing one import."""

from ._native import Reader

__all__ = ["Reader"]
