"""The embedded store: LadybugDB (the maintained Kùzu fork), a case is a folder on disk.

This and :mod:`graph_tool.store.neo4j_store` are the only modules that import a database
driver. Node and relationship tables are generated from the model.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa
import pyarrow.parquet as pq

from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store import cypher
from graph_tool.store.arrow_types import ARROW_TYPES
from graph_tool.store.base import (
    Edge,
    GraphStore,
    Node,
    ReadOnlyViolation,
    Row,
    StoreError,
    Subgraph,
    arrow_columns,
    node_prop_types,
    rel_prop_types,
)

_COLUMN = {
    PropType.STRING: "STRING",
    PropType.INT: "INT64",
    PropType.FLOAT: "DOUBLE",
    PropType.BOOL: "BOOLEAN",
    PropType.DATE: "STRING",  # partial dates (YYYY, YYYY-MM) are allowed, so text
    PropType.DATETIME: "STRING",
    PropType.STRING_LIST: "STRING[]",
}

DB_FILE = "graph.lbdb"

# Statements a read must never contain; the engine's read-only transaction is the real
# guard, this only gives a clearer message and stops multi-statement tricks early.
_WRITE_WORDS = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|ALTER|COPY|INSTALL|LOAD|ATTACH|DETACH|CHECKPOINT|IMPORT|EXPORT|BEGIN|COMMIT|ROLLBACK)\b",
    re.I,
)


_POOL_FULL = "The buffer pool is full"  # in LadybugDB's message when a query finds no room
# LadybugDB keeps about this much of its buffer pool for every COPY from memory (a DataFrame
# or an Arrow table) until the database closes (kuzudb/kuzu#5779): see _copy.
_COPY_HELD_BYTES = 32 * 1024 * 1024
_REOPEN_AFTER_ROWS = 100_000  # a bulk COPY at least this large is followed by a reopen
BULK_ROWS_PER_MIB = 4_000  # rows one bulk COPY may take per MiB of buffer pool (see bulk_rows_limit)
# During a load, a checkpoint at least every this many COPYs or rows COPYed (see _copy):
# what a killed load loses, and its resume writes again. The rows wait in memory for it
# (calls took 150 MiB more at 60,000 than at 20,000), and each checkpoint costs about a
# second more, growing with the relationship tables (docs/benchmarks.md).
CHECKPOINT_EVERY = 16
CHECKPOINT_ROWS = 40_000
# Fewer rows than this are created by UNWIND ... CREATE, not a COPY (see _by_statement).
SMALL_CREATE = 256
# Node updates held back while a checkpoint is owed (see _update_nodes): at most this many.
HOLD_ROWS = 50_000
FEW_KEYS = 1_000  # up to this many, existing relationships are found by id lists (cypher.edges_by_ids_from_ends)
# After a load's checkpoint, a process holding more than this closes and opens the
# database: LadybugDB keeps memory until it closes (a 20,000-person case grew to 1.4 GiB).
LOAD_MEMORY_MIB = 512
TRIM_ABOVE_MIB = 640  # at a reopen, freed memory goes back to the system above this (see _give_back_freed_memory)


def _buffer_pool_bytes(default_mb: int = 2048) -> int:
    """LadybugDB's page cache: ``$GRAPH_TOOL_EMBEDDED_BUFFER_MB``, else ``default_mb`` (2 GiB).

    Its own default is a large share of the machine's memory, which a laptop running the
    UI and a browser cannot spare.
    """
    return int(os.environ.get("GRAPH_TOOL_EMBEDDED_BUFFER_MB") or default_mb) * 1024 * 1024


def schema_statements() -> list[str]:
    """DDL for every node and relationship table in the model."""
    out = []
    for nt in NODE_TYPES.values():
        cols = [f"{nt.key} STRING PRIMARY KEY"] + [
            f"{p.name} {_COLUMN[p.type]}" for p in nt.all_properties if p.name != nt.key
        ]
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {nt.label}({', '.join(cols)})")
    for rt in REL_TYPES.values():
        pairs = [f"FROM {a} TO {b}" for a, b in rt.pairs]
        cols = [f"{p.name} {_COLUMN[p.type]}" for p in rt.all_properties]
        out.append(f"CREATE REL TABLE IF NOT EXISTS {rt.type}({', '.join(pairs + cols)})")
    return out


def _strip_comments(cypher_text: str) -> str:
    no_block = re.sub(r"/\*.*?\*/", " ", cypher_text, flags=re.S)
    no_line = re.sub(r"//[^\n]*", " ", no_block)
    return re.sub(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", "''", no_line)


class EmbeddedStore(GraphStore):
    """A case folder holding a LadybugDB database."""

    kind = "embedded"

    def __init__(self, folder: str | Path, read_only: bool = False, buffer_pool_mb: int = 2048) -> None:
        """Open (or create) the case at ``folder``; ``buffer_pool_mb`` applies unless
        ``$GRAPH_TOOL_EMBEDDED_BUFFER_MB`` says otherwise."""
        self.folder = Path(folder).expanduser()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.read_only = read_only
        self._pool = _buffer_pool_bytes(buffer_pool_mb)
        self._loading = False  # inside pipelined_writes(): checkpoints are the store's to make
        self._unsaved = 0  # COPYs since the last checkpoint, while loading
        self._unsaved_rows = 0  # the rows they copied
        self._copies_from_memory = 0  # COPYs from an Arrow table since the database was opened
        self._held: dict[Label, dict[str, dict[str, Any]]] = {}  # node updates waiting for it, by id
        self._open()
        self._schema_ready = read_only  # a read-only handle cannot (and need not) create tables
        if not read_only:  # files a killed load left behind (see _copy); the lock is ours now
            for stale in self.folder.glob(".copy-*.parquet"):
                stale.unlink(missing_ok=True)

    def _open(self) -> None:
        try:
            self._db = ladybug.Database(
                str(self.folder / DB_FILE), read_only=self.read_only, buffer_pool_size=self._pool
            )
        except RuntimeError as exc:
            raise StoreError(f"cannot open the case at {self.folder}: {exc}") from None
        self._conn = ladybug.Connection(self._db)
        self._copies_from_memory = 0
        if self._loading:
            self._run("CALL auto_checkpoint=false", held_ok=True)

    @contextmanager
    def pipelined_writes(self) -> Iterator[None]:
        """As :meth:`GraphStore.pipelined_writes`, with LadybugDB's checkpoints made by the
        store every ``CHECKPOINT_EVERY`` COPYs instead of after each one.

        A checkpoint folds the write-ahead log into the database file, and its cost grows
        with the tables: after every COPY (LadybugDB's own choice), a 10,000-row COPY into
        a table of a million rows cost three times one into an empty table, and 1M people
        took 36 s to write instead of 21 s. But a COPY writes its rows to the data file,
        not the log: until the next checkpoint, a killed process loses them (the database
        opens cleanly without them). So :meth:`writes_durable` says whether a checkpoint
        has followed the last COPY, other writes are made only after one (the log never
        refers to rows a crash could lose), and leaving the block makes one.
        """
        if self._loading or self.read_only:
            with super().pipelined_writes():
                yield
            return
        self._loading = True
        self._run("CALL auto_checkpoint=false")
        try:
            with super().pipelined_writes():
                yield
        finally:
            self._loading = False
            self._checkpoint()
            self._run("CALL auto_checkpoint=true")

    def writes_durable(self) -> bool:
        return self._unsaved == 0 and not self._held

    def _checkpoint(self) -> None:
        """Fold the COPYs into the database file, then make the node updates held for it."""
        if self._unsaved:
            self._run("CHECKPOINT", held_ok=True)
            self._unsaved = self._unsaved_rows = 0
            if _resident_mib() > LOAD_MEMORY_MIB:
                self._close_and_open()
        for label in list(self._held):  # each label's rows stay held until they are written
            rows = list(self._held[label].values())
            names = _columns(rows, cypher.node_prop_names(label))
            self._run(cypher.update_nodes(label, names), {"rows": _complete(rows, names)}, held_ok=True)
            del self._held[label]

    def describe(self) -> str:
        return f"embedded case {self.folder}"

    def close(self) -> None:
        if self._held:
            try:
                self._checkpoint()
            except StoreError:
                pass  # already raised where it failed; not durable, so a resume makes them again
        self._conn.close()
        self._db.close()

    # -- execution ----------------------------------------------------------------------
    def _run(self, query: str, params: Mapping[str, Any] | None = None, held_ok: bool = False) -> list[dict[str, Any]]:
        """Run one statement; ``held_ok``: it need not see the node updates held back
        (see _update_nodes), which are otherwise made first."""
        if self._held and not held_ok:
            self._checkpoint()
        try:
            res = self._conn.execute(query, dict(params or {}))
        except RuntimeError as exc:
            if not (_POOL_FULL in str(exc) and self._reads_again(query)):
                raise StoreError(str(exc)) from None
            try:  # the same read, with the buffer pool given back
                res = self._conn.execute(query, dict(params or {}))
            except RuntimeError as again:
                raise StoreError(str(again)) from None
        if isinstance(res, list):  # several statements: never produced by our own code
            raise StoreError("one statement at a time")
        names = res.get_column_names()
        rows = [dict(zip(names, values, strict=True)) for values in res.get_all()]
        res.close()
        return rows

    def _reads_again(self, query: str) -> bool:
        """Whether a read the buffer pool had no room for may run again: then reopen first.

        Loading a 20,000-person case a second time in one process (six files read back,
        nothing written) ended in "the buffer pool is full" at the first batch of its calls,
        and every file after them failed too; in a new process the same calls load. What
        holds the pool is LadybugDB's to say (nothing of ours is open); a reopen gives it
        back. Only a read, which changed nothing, is run again, and only once.
        """
        if _WRITE_WORDS.search(query) or self.read_only:
            return False
        if self._writing():
            return False  # a write is running: the database cannot close under it
        self._reopen()
        return True

    def _write(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self._ensure_schema()
        self._checkpoint()  # logged writes follow only rows that are in the data file for good
        return self._run(query, params)

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            self.create_schema()

    def create_schema(self) -> None:
        for stmt in schema_statements():
            self._run(stmt)
        self._schema_ready = True

    # -- primitives ---------------------------------------------------------------------
    def _existing_nodes(self, label: Label, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {n["id"]: _plain_props(n) for n in self._node_values(label, ids)}

    def _node_values(self, label: Label, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The nodes of ``label`` among ``ids``, as LadybugDB gives them, with the updates
        held back for the next checkpoint applied."""
        if not ids:
            return []
        self._ensure_schema()
        values = [r["n"] for r in self._run(cypher.existing_nodes(label), {"ids": list(ids)}, held_ok=True)]
        held = self._held.get(label)
        if held:
            for value in values:
                if value["id"] in held:
                    value.update(held[value["id"]])
        return values

    def _existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        self._ensure_schema()  # an update held back changes no id
        return {r["id"] for r in self._run(cypher.existing_ids(label), {"ids": list(ids)}, held_ok=True)}

    def _create_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        # A COPY (see _copy): what is new was decided before, and for a batch it is many
        # times faster than UNWIND ... CREATE (whose cost is parameter type inference).
        names = _columns(rows, cypher.node_prop_names(label))
        if self._by_statement(rows):
            self._write(cypher.create_nodes_listed(label, names), {"rows": _complete(rows, names)})
            return
        self._copy(str(label), names, rows, node_prop_types(label))

    def _by_statement(self, rows: list[dict[str, Any]]) -> bool:
        """Whether to create these rows with a statement rather than a COPY.

        A COPY costs about 30 ms whatever its size; UNWIND ... CREATE takes 2 ms for 10
        rows and 7 ms for 100, and overtakes the COPY near 500. But a CREATE is logged,
        and a logged write must wait for a checkpoint after a COPY (see _write): so only
        when no checkpoint is owed.
        """
        return len(rows) < SMALL_CREATE and not self._unsaved

    def bulk_rows_limit(self) -> int:
        # One COPY must fit the buffer pool: 1M people rows fit 192 MiB, not 128; 3M do
        # not fit 192 MiB (and a COPY that fails leaves the pool full).
        return (self._pool >> 20) * BULK_ROWS_PER_MIB

    def create_nodes_bulk(self, label: Label, nodes: Any) -> None:
        # One COPY, LadybugDB's own bulk import, from the table or the file. One: a second
        # COPY into the table, now not empty, needs far more of the buffer pool (two of
        # 100,000 rows do not fit in 256 MiB, one of 1,000,000 does).
        names, rows = arrow_columns(nodes)
        declared = {"id", *cypher.node_prop_names(label)}
        if not set(names) <= declared:
            raise StoreError(f"{label}: cannot COPY undeclared columns {sorted(set(names) - declared)}")
        self.drain()
        self._ensure_schema()
        statement = f"COPY {label}({', '.join(names)})"
        if isinstance(nodes, Path):
            if "'" in str(nodes):
                raise StoreError(f"{label}: cannot COPY from a path with a quote in it")
            self._run(f"{statement} FROM '{nodes}'")
        else:  # from memory: it holds pool, but a 10,000-row load took 0.19 s, not 0.36 through a file
            self._run(f"{statement} FROM $df", {"df": nodes})
            self._copies_from_memory += 1
        if not self._loading:
            return  # LadybugDB made its own checkpoint
        # The load's one COPY: its checkpoint now, not when the writes end, so the few
        # writes after it (the Source node) can be statements (see _by_statement).
        self._unsaved += 1
        if rows >= _REOPEN_AFTER_ROWS or self._copies_from_memory * _COPY_HELD_BYTES * 2 >= self._pool:
            self._reopen()
        else:
            self._checkpoint()

    def _reopen(self) -> None:
        """Checkpoint, close and open again (see _close_and_open)."""
        self._checkpoint()
        self._close_and_open()

    def _close_and_open(self) -> None:
        """Give back the buffer pool and the memory LadybugDB holds until the database
        closes, and what that freed to the system. Nothing may be owed a checkpoint."""
        self._conn.close()
        self._db.close()
        _give_back_freed_memory()
        self._open()

    def _update_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        """Update nodes; while a checkpoint is owed, hold the rows for it instead.

        An update is logged, so it must wait for a checkpoint after a COPY (see _write).
        Making one for it cost a payments load a checkpoint every batch, for the accounts
        its payments touch: 9 of its 12 checkpoints, 15 of its 49 s. A held row is the
        node's whole new state (later ones replace it), reads of nodes see it, and any
        other statement, or HOLD_ROWS held, makes the checkpoint and the updates first.
        """
        if self._unsaved:
            held = self._held.setdefault(label, {})
            held.update((row["id"], row) for row in rows)
            if sum(map(len, self._held.values())) >= HOLD_ROWS:
                self._checkpoint()
            return
        names = _columns(rows, cypher.node_prop_names(label))
        self._write(cypher.update_nodes(label, names), {"rows": _complete(rows, names)})

    def _existing_edges(
        self, group: tuple[Rel, Label, Label], keys: Sequence[Mapping[str, str]]
    ) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        self._ensure_schema()  # node updates held back change no relationship
        from_target = cypher.from_target(keys)
        if len(keys) > FEW_KEYS:
            rows = self._run(
                cypher.existing_edges(*group, from_target), {"keys": [dict(k) for k in keys]}, held_ok=True
            )
            return {r["e"]["id"]: _plain_props(r["e"]) for r in rows}
        wanted = {(k["id"], k["src"], k["dst"]) for k in keys}
        ends = sorted({k["dst" if from_target else "src"] for k in keys})
        rows = self._run(
            cypher.edges_by_ids_from_ends(*group, from_target),
            {"end_ids": ends, "ids": sorted({k["id"] for k in keys})},
            held_ok=True,
        )
        return {r["e"]["id"]: _plain_props(r["e"]) for r in rows if (r["e"]["id"], r["src"], r["dst"]) in wanted}

    def _create_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        rel, source, target = group
        names = _columns(rows, cypher.rel_prop_names(rel))
        if self._by_statement(rows):
            # As a COPY would, refuse the whole batch if an end is missing (MATCH skips it).
            srcs, dsts = {r["src"] for r in rows}, {r["dst"] for r in rows}
            missing = len(srcs - self._existing_ids(source, list(srcs))) + len(
                dsts - self._existing_ids(target, list(dsts))
            )
            if missing:
                raise StoreError(f"{rel}: {missing} end(s) of {len(rows)} edges do not exist")
            self._write(
                cypher.create_edges_listed(rel, source, target, names),
                {"rows": _complete(rows, [*names, "src", "dst"])},
            )
            return
        self._copy(str(rel), names, rows, rel_prop_types(rel), (source, target))

    def _update_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        names = _columns(rows, cypher.rel_prop_names(group[0]))
        self._write(
            cypher.update_edges(*group, names, cypher.from_target(rows)),
            {"rows": _complete(rows, [*names, "src", "dst"])},
        )

    def _copy(
        self,
        table: str,
        names: list[str],
        rows: list[dict[str, Any]],
        types: Mapping[str, PropType],
        ends: tuple[Label, Label] | None = None,
    ) -> None:
        """COPY ``rows`` into ``table`` through a Parquet file in the case folder (or the
        system's temporary folder, if the case's path has a quote), removed after; for a
        relationship table, ``ends`` gives its end labels and each row's ``src`` and
        ``dst`` lead.

        From a file, not a DataFrame: LadybugDB keeps about 30 MiB of its buffer pool for
        every COPY from memory (a DataFrame or an Arrow table) until the database closes
        (kuzudb/kuzu#5779, open upstream), and none for a COPY from a file: 40 of them
        into 256 MiB left it free, where the ninth from memory found it full. The store
        had to reopen, and so checkpoint, every four COPYs at 256 MiB; and a checkpoint
        after a COPY into a relationship table costs about a second whatever the COPY's
        size (docs/benchmarks.md, "Where payments.csv spends its time").
        """
        self._ensure_schema()
        data = _arrow_table(rows, ["src", "dst"] if ends else [], names, types)
        options = f" (from='{ends[0]}', to='{ends[1]}')" if ends else ""
        folder = self.folder if "'" not in str(self.folder) else None
        fd, name = tempfile.mkstemp(prefix=".copy-", suffix=".parquet", dir=folder)
        os.close(fd)
        path = Path(name)
        try:
            if "'" in name:
                raise StoreError(f"cannot COPY from a path with a quote in it: {name}")
            pq.write_table(data, path)
            self._run(f"COPY {table}({', '.join(names)}) FROM '{path}'{options}", held_ok=True)
        finally:
            path.unlink(missing_ok=True)
        if self._loading:
            self._unsaved += 1
            self._unsaved_rows += len(rows)
            if self._unsaved >= CHECKPOINT_EVERY or self._unsaved_rows >= CHECKPOINT_ROWS:
                self._checkpoint()

    # -- contract -----------------------------------------------------------------------
    def set_properties(self, label: Label, values: Mapping[str, Mapping[str, Any]]) -> int:
        types = {p.name: p.type for p in NODE_TYPES[label].all_properties}
        by_prop: dict[str, list[dict[str, Any]]] = {}
        for node_id, props in values.items():
            for name, value in props.items():
                if name not in types:
                    raise StoreError(f"{label}: property {name!r} is not declared in the model")
                by_prop.setdefault(name, []).append({"id": node_id, "value": value})
        for name, rows in by_prop.items():
            # A null has no type to infer, so clearing is its own statement.
            cleared = [r["id"] for r in rows if r["value"] is None]
            given = [r for r in rows if r["value"] is not None]
            if given:
                self._write(cypher.set_property(label, name), {"rows": given})
            if cleared:
                self._write(cypher.clear_property(label, name), {"ids": cleared})
        return len(self._existing_ids(label, list(values)))

    def delete_edges(self, rel: Rel, ids: Sequence[str]) -> int:
        self._ensure_schema()
        found = {r["id"] for r in self._run(cypher.existing_edge_ids(rel), {"ids": list(ids)})}
        if found:
            self._write(cypher.delete_edges(rel), {"ids": sorted(found)})
        return len(found)

    def clear(self) -> None:
        for label in NODE_TYPES:
            self._write(cypher.delete_all(label))

    def delete_nodes(self, label: Label, ids: Sequence[str]) -> int:
        found = self._existing_ids(label, ids)
        if found:
            self._write(cypher.delete_nodes(label), {"ids": sorted(found)})
        return len(found)

    def _props_of_source(self, query: str, var: str, source: str) -> list[dict[str, Any]]:
        self._ensure_schema()
        return [r[var] for r in self._run(query, {"source": source})]

    def _set_provenance(self, query: str, rows: list[dict[str, Any]]) -> None:
        self._write(query, {"rows": rows})

    def read(self, cypher_text: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> list[Row]:
        rows = self._read_raw(cypher_text, params, timeout)
        ids = _internal_ids(rows)
        return [{k: _plain_value(v, ids) for k, v in row.items()} for row in rows]

    def _read_raw(self, cypher_text: str, params: Mapping[str, Any] | None, timeout: float) -> list[dict[str, Any]]:
        self._ensure_schema()
        body = _strip_comments(cypher_text).strip().rstrip(";")
        if ";" in body:
            raise ReadOnlyViolation("a read runs one statement")
        word = _WRITE_WORDS.search(body)
        if word:
            raise ReadOnlyViolation(f"refused: {word.group(1).upper()} is a write and this is a read")
        if self._held:
            self._checkpoint()  # before the timeout is set: it may open the database again
        self._conn.set_query_timeout(int(timeout * 1000))
        self._run("BEGIN TRANSACTION READ ONLY")
        try:
            rows = self._run(cypher_text, params)
        except StoreError as exc:
            if "read-only" in str(exc):
                raise ReadOnlyViolation(f"refused: {exc}") from None
            raise
        finally:
            try:
                self._run("ROLLBACK")
            except StoreError:
                pass  # the engine already ended a failed transaction
            self._conn.set_query_timeout(0)
        return rows

    def read_subgraph(
        self, cypher_text: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0
    ) -> Subgraph:
        rows = self._read_raw(cypher_text, params, timeout)
        ids = _internal_ids(rows)
        nodes: dict[str, Node] = {}
        edges: dict[str, Edge] = {}
        for row in rows:
            for value in row.values():
                _collect(value, ids, nodes, edges)
        keep = {e.id: e for e in edges.values() if e.source in nodes and e.target in nodes}
        return Subgraph(tuple(nodes.values()), tuple(keep.values()))

    def counts(self) -> dict[str, int]:
        self._ensure_schema()
        out = {str(lab): self._run(cypher.count_nodes(lab))[0]["c"] for lab in NODE_TYPES}
        out.update({str(rel): self._run(cypher.count_edges(rel))[0]["c"] for rel in REL_TYPES})
        return out

    def get_nodes(self, label: Label, ids: Sequence[str]) -> list[Node]:
        return [_to_node(n) for n in self._node_values(label, ids)]

    def nodes_anywhere(self, ids: Sequence[str]) -> list[Node]:
        # A key lookup per label: "MATCH (n) WHERE n.id IN $ids" reads every node table
        # (108 ms for one id in a 20,000-person case; 0.2 ms a label this way).
        found: list[Node] = []
        for label in NODE_TYPES:
            found += self.get_nodes(label, [i for i in ids if i not in {n.id for n in found}])
            if len(found) == len(ids):
                break
        return found

    def _rows(self, query: str, params: Mapping[str, Any] | None = None, anywhere: str | None = None) -> list[Row]:
        self._ensure_schema()
        return self._run(query, params)

    def _node(self, raw: Any) -> Node:
        return _to_node(raw)

    def _edge(self, raw: Any, source: str, target: str) -> Edge:
        return _to_edge(raw, source, target)


# -- conversion of LadybugDB values to plain data -----------------------------------------


def _key(internal: Any) -> tuple[int, int]:
    return (int(internal["table"]), int(internal["offset"]))


def _is_node(value: Any) -> bool:
    return isinstance(value, dict) and "_ID" in value and "_LABEL" in value and "_SRC" not in value


def _is_rel(value: Any) -> bool:
    return isinstance(value, dict) and "_SRC" in value and "_DST" in value


def _plain_props(value: Mapping[str, Any]) -> dict[str, Any]:
    """Declared, non-empty properties of a node or relationship value."""
    label = value.get("_LABEL")
    declared: set[str] | None = None
    if label in NODE_TYPES:
        declared = {p.name for p in NODE_TYPES[Label(label)].all_properties}
    elif label in REL_TYPES:
        declared = {p.name for p in REL_TYPES[Rel(label)].all_properties}
    return {
        k: v
        for k, v in value.items()
        if not k.startswith("_") and v is not None and (declared is None or k in declared)
    }


def _to_node(value: Mapping[str, Any]) -> Node:
    props = _plain_props(value)
    node_id = str(props.pop("id"))
    return Node(str(value["_LABEL"]), node_id, props)


def _to_edge(value: Mapping[str, Any], source: str, target: str) -> Edge:
    props = _plain_props(value)
    return Edge(str(value["_LABEL"]), str(props.pop("id")), source, target, props)


def _internal_ids(rows: list[dict[str, Any]]) -> dict[tuple[int, int], str]:
    """Map LadybugDB internal node ids to stable ids for every node in a result."""
    ids: dict[tuple[int, int], str] = {}

    def visit(value: Any) -> None:
        if _is_node(value):
            ids[_key(value["_ID"])] = str(value.get("id"))
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    for row in rows:
        visit(row)
    return ids


def _plain_value(value: Any, ids: Mapping[tuple[int, int], str]) -> Any:
    if _is_node(value):
        return _to_node(value)
    if _is_rel(value):
        return _to_edge(value, ids.get(_key(value["_SRC"]), ""), ids.get(_key(value["_DST"]), ""))
    if isinstance(value, dict) and "_nodes" in value:
        return [_plain_value(v, ids) for v in [*value["_nodes"], *value["_rels"]]]
    if isinstance(value, list):
        return [_plain_value(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _plain_value(v, ids) for k, v in value.items()}
    return value


def _collect(value: Any, ids: Mapping[tuple[int, int], str], nodes: dict[str, Node], edges: dict[str, Edge]) -> None:
    plain = _plain_value(value, ids)
    stack = [plain]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            nodes[item.id] = item
        elif isinstance(item, Edge):
            edges[item.id] = item
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _columns(rows: list[dict[str, Any]], names: Sequence[str]) -> list[str]:
    """The declared columns that some row fills (an all-empty column has no type to infer)."""
    present = set().union(*rows)  # the names no row has are passed over without a scan of the rows
    return [n for n in names if n in present and any(row.get(n) is not None for row in rows)]


def _libc() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_LIBC = _libc()


def _give_back_freed_memory() -> None:
    """Return the memory a closed database freed to the system (glibc's ``malloc_trim``),
    once the process holds more than ``TRIM_ABOVE_MIB``.

    glibc keeps what the database's COPYs freed for reuse, in pieces it rarely hands back:
    a batched load of 1M people rows, reopening the database every few batches, grew from
    480 MiB to 890 MiB between reopens and peaked at 951-1,031 MiB. Trimmed at every
    reopen it fell back to about 490 MiB each time and peaked at 846-876 MiB, but took
    6-11 % longer (the pages given back are taken again); trimmed only above 640 MiB it
    peaked at 858-863 MiB and took 1-2 % longer. Elsewhere than glibc, nothing is done.
    """
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None and _resident_mib() > TRIM_ABOVE_MIB:
        trim(0)


def _resident_mib() -> int:
    """This process's resident memory in MiB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20
    except (OSError, ValueError, IndexError):
        return 0


def _arrow_table(
    rows: list[dict[str, Any]], ends: list[str], names: list[str], types: Mapping[str, PropType]
) -> pa.Table:
    """Rows as an Arrow table: the ``ends`` and ``id`` as text, each property as its
    declared type (None for missing)."""
    columns: dict[str, pa.Array] = {}
    for name in [*ends, *names]:
        kind = pa.string() if name in ends or name == "id" else ARROW_TYPES[types[name]]
        try:
            columns[name] = pa.array([row.get(name) for row in rows], kind)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise StoreError(f"{name}: a value is not of its declared type ({exc})") from None
    return pa.table(columns)


def _complete(rows: list[dict[str, Any]], names: Sequence[str]) -> list[dict[str, Any]]:
    """Give every row the same columns, so the engine infers one type per column."""
    return [{n: row.get(n) for n in names} for row in rows]
