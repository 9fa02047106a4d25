#!/usr/bin/env python3
"""Checks a `pcapdig export --parquet` directory with real engines.

DuckDB and Spark (local mode) each read the export and must give the
figures `pcapdig sessions --json` gives on the same database: the row
count, per-protocol packet and byte sums, the ids of a few filtered
selections, and every session's times (the TIMESTAMP(MICROS) column, its
nanosecond twin and the day partition).

    check_export.py PCAPDIG DB DIR [--engines duckdb,spark]

Prints one line per check and, last, `N passed, M failed`; exits 1 if
any failed.
"""

import argparse
import collections
import datetime
import json
import subprocess
import sys

# (pcapdig expression, SQL condition on the export's columns): the same
# selection in both languages.
SELECTIONS = [
    ("tcp", "proto = 6"),
    ("udp", "proto = 17"),
    ("tcp and port 80", "proto = 6 AND (sport = 80 OR dport = 80)"),
    ("port 53", "(sport = 53 OR dport = 53)"),
    ("http.host", "http_host IS NOT NULL"),
    ("dns.qry.name", "dns_qry_name IS NOT NULL"),
    ("tls.sni", "tls_sni IS NOT NULL"),
]


def sessions(pcapdig, db, expr=None):
    """The JSON objects `pcapdig sessions --json` prints."""
    cmd = [pcapdig, "sessions", "--db", db, "--json"]
    if expr:
        cmd.append(expr)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line]


def ns_of(text):
    """Nanoseconds of the `first_ts` text (`1300475168.652003000`)."""
    secs, frac = text.split(".")
    sign = -1 if secs.startswith("-") else 1
    return int(secs) * 1_000_000_000 + sign * int(frac)


def day_of(ns):
    secs = ns // 1_000_000_000
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (epoch + datetime.timedelta(seconds=secs)).date().isoformat()


def expected(pcapdig, db):
    """The figures of the command line."""
    rows = sessions(pcapdig, db)
    by_proto = collections.defaultdict(lambda: [0, 0, 0])
    for r in rows:
        p = by_proto[r["proto"]]
        p[0] += 1
        p[1] += r["packets"]
        p[2] += r["bytes"]
    times = {
        r["id"]: (
            ns_of(r["first_ts"]),
            ns_of(r["last_ts"]),
            day_of(ns_of(r["first_ts"])),
        )
        for r in rows
    }
    selections = {
        expr: sorted(r["id"] for r in sessions(pcapdig, db, expr))
        for expr, _ in SELECTIONS
    }
    return {
        "count": len(rows),
        "by_proto": {k: tuple(v) for k, v in by_proto.items()},
        "times": times,
        "selections": selections,
        "meta": {r["id"]: r.get("meta", {}) for r in rows},
    }


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def equal(self, name, got, want):
        if got == want:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}\n  got:  {str(got)[:500]}\n  want: {str(want)[:500]}")


def check_engine(name, query, want, checks):
    """Runs the checks through `query(sql) -> list of tuples`; the table
    is `s` (the sessions, with the `day` partition column)."""
    checks.equal(f"{name}: row count", query("SELECT count(*) FROM s")[0][0], want["count"])
    got = {
        int(p): (int(n), int(pk), int(b))
        for p, n, pk, b in query(
            "SELECT proto, count(*), sum(packets), sum(bytes) FROM s GROUP BY proto"
        )
    }
    checks.equal(f"{name}: per-protocol sessions, packets, bytes", got, want["by_proto"])
    for expr, cond in SELECTIONS:
        ids = sorted(int(r[0]) for r in query(f"SELECT id FROM s WHERE {cond}"))
        checks.equal(f"{name}: {expr!r} ids", ids, want["selections"][expr])
    times = {}
    for i, f_us, f_ns, l_us, l_ns, day in query(
        "SELECT id, first_us, first_ts_ns, last_us, last_ts_ns, day FROM t"
    ):
        times[int(i)] = (int(f_us), int(f_ns), int(l_us), int(l_ns), str(day))
    want_times = {
        i: (f // 1000, f, l // 1000, l, d) for i, (f, l, d) in want["times"].items()
    }
    checks.equal(f"{name}: every session's timestamps, nanoseconds and day", times, want_times)
    sni = {
        int(i): sorted(v)
        for i, v in query("SELECT id, http_host FROM s WHERE http_host IS NOT NULL")
    }
    want_sni = {
        i: sorted(m["http.host"]) for i, m in want["meta"].items() if "http.host" in m
    }
    checks.equal(f"{name}: http_host lists", sni, want_sni)


def duckdb_engine(export_dir):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE VIEW s AS SELECT * FROM read_parquet("
        f"'{export_dir}/sessions/*/*.parquet', hive_partitioning = true)"
    )
    con.execute(
        "CREATE VIEW t AS SELECT id, epoch_us(first_ts) AS first_us, first_ts_ns, "
        "epoch_us(last_ts) AS last_us, last_ts_ns, CAST(day AS VARCHAR) AS day FROM s"
    )
    return lambda sql: con.execute(sql).fetchall()


def spark_engine(export_dir):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("pcapdig-export-check")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(f"{export_dir}/sessions").createOrReplaceTempView("s")
    spark.sql(
        "SELECT id, unix_micros(first_ts) AS first_us, first_ts_ns, "
        "unix_micros(last_ts) AS last_us, last_ts_ns, CAST(day AS STRING) AS day FROM s"
    ).createOrReplaceTempView("t")
    return lambda sql: [tuple(r) for r in spark.sql(sql).collect()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pcapdig")
    ap.add_argument("db")
    ap.add_argument("dir")
    ap.add_argument("--engines", default="duckdb,spark")
    args = ap.parse_args()
    want = expected(args.pcapdig, args.db)
    checks = Checks()
    engines = {"duckdb": duckdb_engine, "spark": spark_engine}
    for name in args.engines.split(","):
        check_engine(name, engines[name](args.dir), want, checks)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
