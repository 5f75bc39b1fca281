"""What Neo4j's node creates cost with and without the project's indexes, on one file.

Run: ``python bench/bench_neo4j_indexes.py --rows 1000000`` (the project's server must be
up: ``graph-tool neo4j start``); ``--ways serial concurrent`` runs only those. It writes
``bench_load``'s people file once and has the server create its rows as ``Person:Entity``
nodes several ways, the database cleared before each, every way ``--repeat`` times in
rotated order:

* ``serial``: ``LOAD CSV ... CALL { CREATE ... } IN TRANSACTIONS OF 10000 ROWS``, 8
  properties (the name key too), the project's schema (five indexes on ``Person``);
* ``no-csv``: the same creates from ``UNWIND range(...)`` with constant values, no file;
* ``concurrent``: ``IN 2 CONCURRENT TRANSACTIONS OF 5000 ROWS``, the project's schema;
* ``no-index``: the same with every constraint and index but the lookup indexes dropped;
* ``indexes-after``: as ``no-index``, then the schema created and populated, both timed;
* ``without-<index>``: ``concurrent`` with one of ``Person``'s indexes dropped.

It answers one question: how fast this server can create nodes at all, and what its
indexes cost, beside the 50,000 rows/s the load target asks for. It prints figures only.
Like ``bench_load``, it reaches into the store's private members for the statements the
store contract does not offer (``IN TRANSACTIONS``, dropping the schema).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_load import _autocommit, _clear_neo4j, write_people  # noqa: E402
from graph_tool.model import ENTITY_LABEL, Label  # noqa: E402
from graph_tool.store.neo4j_store import schema_statements  # noqa: E402

PROPS = (
    "n.id = r.person_id, n.name = r.full_name, n.birth_date = r.birth_date, n.sex = r.sex, "
    "n.nationality = r.nationality, n.roles = split(r.roles, ';'), "
    "n.indicators = CASE r.indicators WHEN '' THEN null ELSE split(r.indicators, ';') END, "
    "n.name_key = toLower(r.full_name)"
)


def person_indexes() -> list[str]:
    """The schema's constraints and indexes on a Person's properties that these creates write."""
    written = set(re.findall(r"n\.(\w+) =", PROPS))
    nodes = (f"(n:{Label.PERSON})", f"(n:{ENTITY_LABEL})")
    return [
        stmt.split()[2]  # CREATE CONSTRAINT|INDEX <name> IF NOT EXISTS ...
        for stmt in schema_statements()
        if any(n in stmt for n in nodes) and set(re.findall(r"n\.(\w+)", stmt)) <= written
    ]


def _load_csv(file: str, batching: str) -> str:
    return (
        f"LOAD CSV WITH HEADERS FROM 'file:///{file}' AS r CALL (r) {{ "
        f"CREATE (n:{Label.PERSON}:{ENTITY_LABEL}) SET {PROPS} }} IN {batching}"
    )


def _no_csv(n: int) -> str:
    return (
        f"UNWIND range(0, {n - 1}) AS i CALL (i) {{ CREATE (n:{Label.PERSON}:{ENTITY_LABEL} {{id: 'P-' + toString(i), "
        "name: 'Lan Tran Minh' + toString(i % 1000), birth_date: '1970-01-01', sex: 'female', "
        "nationality: 'VN', roles: ['victim'], name_key: 'lan tran minh' + toString(i % 1000)}) } "
        "IN TRANSACTIONS OF 10000 ROWS"
    )


def _drop_schema(store: Any, only: str | None = None) -> None:
    """Drop one named constraint or index, or every one but the lookup indexes."""
    with store._driver.session(database=store.database) as session:
        constraints = [r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")]
        indexes = [r["name"] for r in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")]
        for name in constraints:
            if only in (None, name):
                session.run(f"DROP CONSTRAINT {name}").consume()
        for name in indexes:
            if only in (None, name) and name not in constraints:  # a constraint's index goes with it
                session.run(f"DROP INDEX {name}").consume()


def ways(store: Any, file: str, n: int) -> dict[str, Callable[[], tuple[float, str]]]:
    """Each way: set the schema up, then run and time the creates (and any rebuild)."""
    serial = _load_csv(file, "TRANSACTIONS OF 10000 ROWS")
    concurrent = _load_csv(file, "2 CONCURRENT TRANSACTIONS OF 5000 ROWS")

    def run(query: str, drop: str | None = "", rebuild: bool = False) -> Callable[[], tuple[float, str]]:
        def go() -> tuple[float, str]:
            if drop != "":
                _drop_schema(store, drop)
            start = time.perf_counter()
            _autocommit(store, query)
            created = time.perf_counter() - start
            if not rebuild:
                return created, ""
            store.create_schema()  # creates the indexes and waits for them to be populated
            total = time.perf_counter() - start
            return total, f"creates {created:.1f} s, indexes {total - created:.1f} s"

        return go

    out = {
        "serial": run(serial),
        "no-csv": run(_no_csv(n)),
        "concurrent": run(concurrent),
        "no-index": run(concurrent, drop=None),
        "indexes-after": run(concurrent, drop=None, rebuild=True),
    }
    out.update({f"without-{name}": run(concurrent, drop=name) for name in person_indexes()})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, metavar="N", help="run each way N times, in rotated order")
    parser.add_argument("--ways", nargs="+", metavar="WAY", help="run only these ways, e.g. serial concurrent")
    args = parser.parse_args(argv)

    from graph_tool.config import open_store
    from graph_tool.server.neo4j_server import bolt_uri, exclusive_use, instance_dir

    with tempfile.TemporaryDirectory(prefix="bench-indexes-") as tmp, exclusive_use():
        path = Path(tmp) / f"people_{args.rows}.csv"
        write_people(path, args.rows)
        target = instance_dir() / "import" / path.name
        shutil.copyfile(path, target)
        store = open_store(bolt_uri())
        try:
            todo = ways(store, path.name, args.rows)
            names = [name for name in todo if not args.ways or name in args.ways]
            if not names:
                parser.error(f"--ways: none of {args.ways} is a way (ways: {', '.join(todo)})")
            _clear_neo4j(store)
            store.create_schema()
            todo["concurrent"]()  # untimed: warms the server and grows its store files
            print(f"{args.rows:,} people rows, {args.repeat} round(s)")
            print(f"{'way':<28}{'seconds':>9}{'rows/s':>10}  notes")
            for round_no in range(args.repeat):
                start = round_no % len(names)
                for name in names[start:] + names[:start]:
                    _clear_neo4j(store)
                    store.create_schema()
                    seconds, note = todo[name]()
                    persons = store.counts()[Label.PERSON]
                    if persons != args.rows:
                        note += f" ({persons:,} created!)"
                    print(f"{name:<28}{seconds:>9.1f}{args.rows / seconds:>10,.0f}  {note}", flush=True)
        finally:
            _clear_neo4j(store)
            store.create_schema()
            store.close()
            target.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
