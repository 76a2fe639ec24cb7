#!/usr/bin/env python3
"""The issue's yardstick, measured on this machine: DuckDB turning one national registry
snapshot into pseudonymised Parquet (sha256 of the id, the two dates parsed), on two
threads. A simpler job than treem's ingest (no row rules, no org-unit resolution, no HMAC,
no duplicate check), for comparison with `scripts/bench.sh 1`.

    pip install duckdb
    python3 scripts/duckdb_reference.py [~/.cache/treem-bench/national-1]
"""
import os
import sys
import time

import duckdb

data = os.path.expanduser(sys.argv[1] if len(sys.argv) > 1 else "~/.cache/treem-bench/national-1")
out = "/tmp/duckdb_reference.parquet"
start = time.time()
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute(
    f"""COPY (
        SELECT sha256("Mã trẻ em") AS child_key,
               * EXCLUDE ("Mã trẻ em", "Họ và tên", "Ngày sinh", "Ngày cập nhật"),
               strptime("Ngày sinh", '%d/%m/%Y') AS birth,
               strptime("Ngày cập nhật", '%d/%m/%Y') AS updated
        FROM read_csv('{data}/child_registry/*/*.csv', all_varchar = true)
    ) TO '{out}' (FORMAT parquet)"""
)
rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
print(f"duckdb {duckdb.__version__}: {rows} rows in {time.time() - start:.2f} s")
os.remove(out)
