"""Loader throughput and memory, against each store's own bulk import, on the same files.

Run: ``python bench/bench_load.py --rows 10000 100000`` (add ``--skip-neo4j`` without a
server, ``--quote-all`` for a file with every value quoted). For each size it writes a
``people`` file (the layout of ``people.csv``) and loads it four ways, each in a fresh
child process, so that peak memory (``ru_maxrss``) is the run's own:

* ``loader/embedded``: :func:`loaders.engine.load_files` into a new case folder (a first
  load of a plain file: the column-wise path of :mod:`loaders.bulk`);
* ``batched/embedded``: the same, made to write batch by batch (``bulk=False``), the path
  every load that is not a first load of a plain file takes;
* ``COPY FROM/embedded``: LadybugDB's ``COPY Person(...) FROM (LOAD FROM file RETURN ...)``;
* ``loader/neo4j``, ``batched/neo4j``: the same into the project's Neo4j server (the
  database is cleared);
* ``LOAD CSV/neo4j``: ``LOAD CSV ... CALL { MERGE ... } IN TRANSACTIONS OF 10000 ROWS``
  from the server's import folder;
* ``LOAD CSV, 12 props/neo4j``: the same, but creating what the loader writes: the name
  key (here ``toLower`` of the name), the provenance lists (the row from ``linenumber()``)
  and the two timestamps, ``CREATE`` as the loader's first load does;
* ``writes only``: the nodes the loader created (captured once, with their provenance,
  name keys and timestamps: more columns than the file has), written again through the
  store's own create path in the loader's batches, with nothing else to do. It is the
  floor under the loader's time that writing those nodes sets, whatever the Python side
  costs.

The loader runs also say where the time went: the store's writes, which run on a writer
thread while the next batch is read and mapped (:meth:`GraphStore.pipelined_writes`), and
how long the loader waited for them; reading what exists; and the rest of the loader's own
work (reading, normalising names, dates and countries, checking vocabularies, reconciling,
planning). It prints figures only; nothing here asserts a time. Before the first size, each
Neo4j method runs twice, untimed, on another 10,000 rows, and before each size one untimed
``LOAD CSV`` of its file grows the store files (``--no-warmup`` skips both): a server just
started runs its first queries cold, and the first write of a million rows grows the files,
which cost whichever method came first a third more time. ``--repeat N`` runs each method N
times, each round starting with the next method, and shows the fastest run of each: on this
shared machine one run of the same load took 3.2 s and the next 5.3 s.

The bulk imports need statements the store contract does not offer (``COPY``, and
``CALL {} IN TRANSACTIONS``, which Neo4j runs only in an auto-commit transaction), so this
benchmark reaches into the stores' private members; no driver is imported here.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import random
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

FIRST = ("Lan", "Minh", "Anna", "Wei", "Hnin", "Tun", "Mai", "Hoa", "Sokha", "Nimal", "Thu", "Bopha")
LAST = ("Nguyen", "Tran", "Wang", "Li", "Aung", "Soe", "Pham", "Kim", "Chan", "Perera", "Le", "Sok")
METHODS = ("loader", "batched", "bulk", "same", "writes")
HEADER = ("person_id", "full_name", "aliases", "birth_date", "sex", "nationality", "roles", "indicators", "notes")


from graph_tool.model import Label  # noqa: E402


def write_people(path: Path, n: int, seed: int = 1, quote_all: bool = False) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow(
                (
                    f"P-{i:07d}",
                    f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(FIRST)}{i % 1000}",
                    "",
                    f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(("female", "male")),
                    rng.choice(("VN", "MM", "KH", "CN", "TH")),
                    rng.choice(("victim", "suspect", "broker;recruiter")),
                    rng.choice(("", "debt_bondage", "isolation;threats")),
                    "",
                )
            )


# --- the child runs ------------------------------------------------------------------------


def _open(kind: str, case: Path, loading: bool) -> Any:
    from graph_tool.config import open_store

    if kind == "embedded":
        shutil.rmtree(case, ignore_errors=True)
        return open_store(str(case), loading=loading)  # the buffer pool `graph-tool load` uses
    from graph_tool.server.neo4j_server import bolt_uri

    return open_store(bolt_uri())


def _autocommit(store: Any, query: str, params: dict[str, Any] | None = None) -> None:
    """Neo4j only: a query in an auto-commit transaction (needed by IN TRANSACTIONS)."""
    with store._driver.session(database=store.database) as session:
        session.run(query, params or {}).consume()


def _clear_neo4j(store: Any) -> None:
    _autocommit(store, "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


class _Timer:
    """Wraps a store's methods to add up the seconds spent in each."""

    def __init__(self, store: Any, names: tuple[str, ...]) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(names, 0.0)
        for name in names:
            original = getattr(store, name)

            def timed(*args: Any, _f: Any = original, _n: str = name, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return _f(*args, **kwargs)
                finally:
                    self.seconds[_n] += time.perf_counter() - start

            setattr(store, name, timed)


def capture_created(path: Path, case: Path, batch: int) -> Path:
    """Load ``path`` into a scratch embedded case, saving each batch of Person rows it
    creates as one JSON line."""
    from loaders.engine import load_files

    store = _open("embedded", case, loading=True)
    out = case.with_suffix(".created.jsonl")
    original = store._create_nodes
    with out.open("w", encoding="utf-8") as fh:

        def create(label: Any, rows: list[dict[str, Any]]) -> None:
            if label == Label.PERSON:
                fh.write(json.dumps(rows, ensure_ascii=False) + "\n")
            original(label, rows)

        store._create_nodes = create
        load_files(store, [path], "people", batch_size=batch, bulk=False)
    store.close()
    shutil.rmtree(case, ignore_errors=True)
    return out


def writes_only(store: Any, created: Path) -> tuple[int, float]:
    """Create the captured rows through the store's create path, in the batches they came in;
    the rows and the seconds spent creating them (decoding the saved batches not counted)."""
    rows, seconds = 0, 0.0
    with created.open(encoding="utf-8") as fh:
        for line in fh:
            chunk = json.loads(line)
            start = time.perf_counter()
            store._create_nodes(Label.PERSON, chunk)
            seconds += time.perf_counter() - start
            rows += len(chunk)
    return rows, seconds


def child(method: str, kind: str, path: Path, case: Path, batch: int) -> dict[str, Any]:
    created = capture_created(path, case, batch) if method == "writes" else None
    store = _open(kind, case, loading=method in ("loader", "batched", "writes"))
    if kind == "neo4j":
        _clear_neo4j(store)
    store.create_schema()
    out: dict[str, Any] = {"method": method, "store": kind}
    # Imported before the clock starts: the loader, and pandas, which pyarrow imports at its
    # first array made from Python values (0.2 s, once a process; the embedded store
    # imported it itself when this benchmark's figures began).
    import pandas  # noqa: F401

    from loaders.engine import load_files

    start = time.perf_counter()
    if method in ("loader", "batched"):
        timer = _Timer(store, ("drain", "_existing_nodes", "_create_nodes", "_update_nodes", "create_nodes_bulk"))
        report = load_files(store, [path], "people", batch_size=batch, bulk=method == "loader")
        out["rows"] = report.rows_loaded
        out["rejected"] = report.rows_rejected
        out["phases"] = {k: round(v, 2) for k, v in timer.seconds.items()}
    elif created is not None:
        out["rows"], out["writing"] = writes_only(store, created)
    elif kind == "embedded":
        query = (
            "COPY Person(id, name, birth_date, sex, nationality, roles, indicators, notes) FROM "
            f"(LOAD FROM '{path}' (header=true) RETURN person_id, full_name, birth_date, sex, nationality, "
            "string_split(roles, ';'), string_split(indicators, ';'), notes)"
        )
        store._write(query)
    else:
        from graph_tool.server.neo4j_server import instance_dir

        target = instance_dir() / "import" / path.name
        shutil.copyfile(path, target)
        query = (
            f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS r CALL (r) {{ "
            "MERGE (n:Person {id: r.person_id}) SET n:Entity, n.name = r.full_name, "
            "n.birth_date = r.birth_date, n.sex = r.sex, n.nationality = r.nationality, "
            "n.roles = split(r.roles, ';'), "
            "n.indicators = CASE r.indicators WHEN '' THEN null ELSE split(r.indicators, ';') END "
            "} IN TRANSACTIONS OF 10000 ROWS"
        )
        if method == "same":  # what the loader writes: a name key, provenance, timestamps
            query = query.replace("MERGE (n:Person {id: r.person_id}) SET n:Entity,", "CREATE (n:Person:Entity) SET")
            query = query.replace("n.name = r.full_name,", "n.id = r.person_id, n.name = r.full_name,")
            query = query.replace(
                "} IN TRANSACTIONS",
                ", n.name_key = toLower(r.full_name), n.sources = [$source], "
                "n.source_refs = [$source + ':' + $file + ':' + toString(linenumber())], "
                "n.loaded_at = $now, n.updated_at = $now } IN TRANSACTIONS",
            )
        params = {"source": f"people:{path.name}", "file": path.name, "now": "2026-11-29T00:00:00+00:00"}
        try:
            _autocommit(store, query, params if method == "same" else None)
        finally:
            target.unlink(missing_ok=True)
    out["seconds"] = round(out.pop("writing", time.perf_counter() - start), 3)
    out["persons"] = store.counts()[Label.PERSON]
    out["rows"] = out.get("rows", out["persons"])
    if created is not None:
        created.unlink()
    if kind == "neo4j":
        _clear_neo4j(store)
    store.close()
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


# --- the parent ------------------------------------------------------------------------------


def run_child(method: str, kind: str, path: Path, case: Path, batch: int) -> dict[str, Any]:
    from graph_tool.server.neo4j_server import exclusive_use

    cmd = [sys.executable, __file__, "--child", method, kind, str(path), str(case), str(batch)]
    # Neo4j runs clear the project's one database: wait for any test run using it.
    with exclusive_use() if kind == "neo4j" else contextlib.nullcontext():
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"method": method, "store": kind, "error": done.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _print_runs(kind: str, bulk: str, runs: dict[str, list[dict[str, Any]]]) -> dict[str, float]:
    """One line per method: its fastest run (with the others' seconds when repeated); the
    rates of those fastest runs."""
    rates: dict[str, float] = {}
    for method, results in runs.items():
        label = {"loader": "loader", "batched": "batched", "bulk": bulk, "same": f"{bulk}, 12 props"}.get(
            method, "writes only"
        )
        name = f"{label}/{kind}"
        done = [r for r in results if "error" not in r]
        if not done:
            print(f"{name:<26} error: {results[0]['error']}")
            continue
        r = min(done, key=lambda x: x["seconds"])
        rate = r["rows"] / r["seconds"] if r["seconds"] else float("inf")
        rates[method] = rate
        notes = ""
        if "phases" in r and r["phases"]["create_nodes_bulk"]:
            ph = r["phases"]
            notes = (
                f"column-wise: the store's bulk create {ph['create_nodes_bulk']:.1f}s, "
                f"read+check+map {r['seconds'] - ph['create_nodes_bulk']:.1f}s"
            )
        elif "phases" in r:
            ph = r["phases"]
            notes = (
                f"writes {ph['_create_nodes'] + ph['_update_nodes']:.1f}s on the writer thread, "
                f"waited for {ph['drain']:.1f}s; read existing {ph['_existing_nodes']:.1f}s; "
                f"read+map+reconcile+plan {r['seconds'] - ph['drain'] - ph['_existing_nodes']:.1f}s"
            )
        if len(done) > 1:
            seconds = ", ".join(f"{x['seconds']:.2f}" for x in done)
            notes = f"best of {seconds} s" + (f"; {notes}" if notes else "")
        print(f"{name:<26}{r['seconds']:>9.3f}{rate:>10,.0f}{r['peak_rss_mib']:>10,.0f}  {notes}")
        sys.stdout.flush()
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--skip-neo4j", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument(
        "--only",
        choices=METHODS,
        help="run only the loader, the loader made to write batch by batch, the bulk imports or the writes",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="run each method N times, in rotated order; show the fastest"
    )
    parser.add_argument("--no-warmup", action="store_true", help="time Neo4j's first runs cold")
    parser.add_argument(
        "--quote-all", action="store_true", help="write every value quoted, as many exports do (read by Python's csv)"
    )
    parser.add_argument("--child", nargs=5, metavar=("METHOD", "KIND", "FILE", "CASE", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        method, kind, file, case, batch = args.child
        print(json.dumps(child(method, kind, Path(file), Path(case), int(batch))))
        return 0
    kinds = [k for k in ("embedded", "neo4j") if not getattr(args, f"skip_{k}")]
    methods = [m for m in METHODS if args.only in (None, m)]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        if "neo4j" in kinds and not args.no_warmup:
            # A server just started runs its first queries interpreted (2,900 rows/s for the
            # loader at 10k, 10,000 once warm): the first size would pay for it.
            warm = Path(tmp) / "warm-up.csv"
            write_people(warm, 10_000, seed=2)
            for _ in range(2):  # once is not enough for its JIT
                for method in methods:
                    run_child(method, "neo4j", warm, Path(tmp) / f"warm-up-{method}", args.batch)
            print("(Neo4j warmed up: each method run twice, untimed, on 10,000 other rows)")
        grown = 0
        for n in args.rows:
            path = Path(tmp) / f"people_{n}.csv"
            write_people(path, n, quote_all=args.quote_all)
            size = path.stat().st_size / 2**20
            quoted = ", every value quoted" if args.quote_all else ""
            print(f"\n== {n:,} rows ({size:.1f} MiB{quoted}), batch {args.batch:,}")
            if "neo4j" in kinds and not args.no_warmup and n > grown:
                # The first write of this many rows after a start grows the store files: 40.5 s
                # for the loader's LOAD CSV at 1M where the same statement took 30.3 s next.
                # Whichever method came first paid for it (the loader, every time).
                run_child("bulk", "neo4j", path, Path(tmp) / f"grow-{n}", args.batch)
                grown = n
                print(f"(Neo4j's store files grown first: an untimed LOAD CSV of these {n:,} rows, cleared)")
            print(f"{'method':<26}{'seconds':>9}{'rows/s':>10}{'peak MiB':>10}  notes")
            for kind in kinds:
                bulk = "COPY FROM" if kind == "embedded" else "LOAD CSV"
                # LadybugDB's LOAD FROM has no line number for the provenance: no "same" there.
                chosen = [m for m in methods if not (m == "same" and kind == "embedded")]
                runs: dict[str, list[dict[str, Any]]] = {m: [] for m in chosen}
                for round_no in range(args.repeat):
                    # Each round starts one method later, so no method always comes first.
                    start = round_no % len(chosen)
                    for method in chosen[start:] + chosen[:start]:
                        case_dir = Path(tmp) / f"case-{kind}-{method}-{n}-{round_no}"
                        runs[method].append(run_child(method, kind, path, case_dir, args.batch))
                rates = _print_runs(kind, bulk, runs)
                if "loader" in rates and "bulk" in rates:
                    print(f"{'':<26}loader / {bulk}: {rates['loader'] / rates['bulk']:.2f} of its rate")
                if "loader" in rates and "same" in rates:
                    print(f"{'':<26}loader / {bulk} of the same properties: {rates['loader'] / rates['same']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
