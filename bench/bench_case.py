"""A whole generated case loaded into each store, file by file, then loaded again.

Run: ``python bench/bench_case.py --people 20000`` (add ``--skip-neo4j`` without a server).
It writes a case with :func:`sample_data.generate.generate_case` (people, organisations,
documents, phones, call records, accounts, payments, addresses, relations, events, a
border-crossing log) and, in a fresh child process per store, loads it with
:func:`loaders.load_case` as ``graph-tool load-case --no-matches`` does, then loads it a
second time, in another process (which must change nothing). For each file it prints the
rows, the seconds, rows per second, and each load's peak memory (``ru_maxrss``).

The people benchmark (``bench_load.py``) measures a first load of one plain file; here most
rows make relationships between nodes that exist, to be looked up and merged, and the
stores write into tables that already hold the earlier files: what a real case costs. A
20,000-person case (456,000 rows) once stopped half-way on the embedded store with "the
buffer pool is full", which no single-file benchmark showed.

The anchor, on this shared machine, is the time Python's ``csv`` module takes to read the
same files in the same child (``read only``): each load is also given as a multiple of it.
It prints figures only; nothing here asserts a time. The Neo4j run clears the project's
server's database, before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def read_only(folder: Path) -> float:
    """Seconds to read every case file with Python's csv module (the anchor)."""
    from loaders.case import case_files

    start = time.perf_counter()
    for path, _ in case_files(folder):
        with path.open(encoding="utf-8", newline="") as fh:
            for _ in csv.reader(fh):
                pass
    return time.perf_counter() - start


def child(kind: str, folder: Path, scratch: Path, again: bool) -> dict[str, Any]:
    """Load the case into a new store of ``kind`` (or, ``again``, into the one the first
    run filled); per-file rows and seconds."""
    from graph_tool.config import open_store
    from loaders import load_case

    if kind == "embedded":
        store = open_store(str(scratch / "case"), loading=True)
    else:
        from graph_tool.server.neo4j_server import bolt_uri

        store = open_store(bolt_uri(), loading=True)
        if not again:
            store.clear()
    store.create_schema()
    anchor = read_only(folder)
    try:
        start = time.perf_counter()
        report = load_case(store, folder)
        seconds = time.perf_counter() - start
    finally:
        if kind == "neo4j" and again:
            store.clear()
        store.close()
    return {
        "store": kind,
        "anchor": anchor,
        "seconds": seconds,
        "files": [(f.file, f.rows_read, f.rows_loaded, f.seconds, f.error) for f in report.files],
        "created": report.created,
        "updated": report.updated,
        "failed": report.rows_failed,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(kind: str, folder: Path, scratch: Path) -> dict[str, Any]:
    """The first load and the second, each in a fresh process (as two ``graph-tool
    load-case`` runs would be)."""
    from graph_tool.server.neo4j_server import exclusive_use

    scratch.mkdir(parents=True, exist_ok=True)
    runs = []
    # The Neo4j runs clear the project's one database: wait for any test run using it.
    with exclusive_use() if kind == "neo4j" else contextlib.nullcontext():
        for again in ("", "again"):
            cmd = [sys.executable, __file__, "--child", kind, str(folder), str(scratch), again or "first"]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                shutil.rmtree(scratch, ignore_errors=True)
                return {"store": kind, "error": done.stderr.strip().splitlines()[-1:]}
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    shutil.rmtree(scratch, ignore_errors=True)
    return {"store": kind, "runs": runs}


def show(r: dict[str, Any]) -> None:
    if "error" in r:
        print(f"{r['store']}: error: {r['error']}")
        return
    first, second = r["runs"]
    anchor = first["anchor"]
    print(
        f"\n-- {r['store']} (peak {first['peak_rss_mib']:,.0f} MiB, again {second['peak_rss_mib']:,.0f} MiB; "
        f"csv reads the files in {anchor:.2f} s)"
    )
    print(f"{'file':<22}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'again s':>9}  error")
    for (name, rows, _loaded, secs, error), again in zip(first["files"], second["files"], strict=True):
        rate = rows / secs if secs else float("inf")
        errors = "; ".join(f"{which}: {e}" for which, e in (("first", error), ("again", again[4])) if e)
        print(f"{name:<22}{rows:>9,}{secs:>9.1f}{rate:>9,.0f}{again[3]:>9.1f}  {errors}")
    rows = sum(f[1] for f in first["files"])
    print(
        f"{'whole case':<22}{rows:>9,}{first['seconds']:>9.1f}{rows / first['seconds']:>9,.0f}"
        f"{second['seconds']:>9.1f}  {first['seconds'] / anchor:.0f}x / {second['seconds'] / anchor:.0f}x the csv read"
    )
    print(
        f"first load: created {first['created']:,}, failed rows {first['failed']:,}; "
        f"again: created {second['created']:,}, updated {second['updated']:,}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--skip-neo4j", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "FOLDER", "SCRATCH", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, folder, scratch, run = args.child
        print(json.dumps(child(kind, Path(folder), Path(scratch), again=run == "again")))
        return 0
    from sample_data.generate import generate_case

    with tempfile.TemporaryDirectory(prefix="bench-case-") as tmp:
        folder = Path(tmp) / "case"
        summary = generate_case(folder, people=args.people, seed=args.seed)
        rows = sum(n for name, n in summary.counts.items() if name.endswith(".csv"))
        print(f"== a generated case of {args.people:,} people (seed {args.seed}): {rows:,} rows")
        for kind in ("embedded", "neo4j"):
            if not getattr(args, f"skip_{kind}"):
                show(run_child(kind, folder, Path(tmp) / f"scratch-{kind}"))
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
