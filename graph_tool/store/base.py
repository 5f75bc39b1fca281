"""The store contract and the plain value objects that cross the store boundary.

Two real implementations satisfy it: :mod:`graph_tool.store.embedded` (LadybugDB, a case is
a folder, the default) and :mod:`graph_tool.store.neo4j_store` (a Neo4j server over Bolt).
Driver objects never leave those modules: callers get :class:`Node`, :class:`Edge`,
:class:`Subgraph` and plain row dictionaries.
"""

from __future__ import annotations

import hashlib
import json
import threading
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from types import TracebackType
from typing import Any

import networkx as nx

from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store import cypher

Row = dict[str, Any]


class StoreError(Exception):
    """A store refused or failed an operation; the message is safe to show a user."""


class ReadOnlyViolation(StoreError):
    """A write was sent through a read-only path."""


@dataclass(frozen=True)
class Node:
    """A node as plain data: its label, stable id and properties (without ``id``)."""

    label: str
    id: str
    props: Mapping[str, Any] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        """The text a person sees for this node."""
        value = self.props.get(NODE_TYPES[Label(self.label)].display)
        return str(value) if value not in (None, "") else self.id


@dataclass(frozen=True)
class Edge:
    """A relationship as plain data, joining two node ids."""

    type: str
    id: str
    source: str
    target: str
    props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Subgraph:
    """A set of nodes and the relationships among them."""

    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()

    def to_networkx(self) -> nx.MultiDiGraph:
        """Convert to a networkx multigraph; attributes ``label`` / ``type`` plus properties.

        >>> g = Subgraph((Node("Person", "p1", {"name": "A"}), Node("Phone", "t1")),
        ...              (Edge("USES", "e1", "p1", "t1"),)).to_networkx()
        >>> g.nodes["p1"]["label"], g.number_of_edges()
        ('Person', 1)
        """
        g: nx.MultiDiGraph = nx.MultiDiGraph()
        for n in self.nodes:
            g.add_node(n.id, label=n.label, **dict(n.props))
        for e in self.edges:
            g.add_edge(e.source, e.target, key=e.id, type=e.type, **dict(e.props))
        return g

    def merged(self, other: Subgraph) -> Subgraph:
        """Union of two subgraphs, deduplicated by id."""
        nodes = {n.id: n for n in (*self.nodes, *other.nodes)}
        edges = {e.id: e for e in (*self.edges, *other.edges)}
        return Subgraph(tuple(nodes.values()), tuple(edges.values()))


@dataclass(frozen=True)
class NodeRecord:
    """A node to upsert: label, stable id, properties, and where it came from."""

    label: Label
    id: str
    props: Mapping[str, Any]
    source: str
    source_ref: str = ""


@dataclass(frozen=True)
class EdgeRecord:
    """A relationship to upsert between two existing nodes, identified by a stable id."""

    type: Rel
    source_label: Label
    source_id: str
    target_label: Label
    target_id: str
    props: Mapping[str, Any]
    source: str
    source_ref: str = ""
    key: str = ""  # distinguishes several relationships of one type between one pair

    @cached_property
    def id(self) -> str:
        """Stable id: the same endpoints, type and key always give the same id (a hash,
        worked out once: a load asks each record for it several times)."""
        return edge_id(self.type, self.source_id, self.target_id, self.key)


def edge_id(rel: Rel | str, source_id: str, target_id: str, key: str = "") -> str:
    """Stable relationship id from its type, endpoints and key.

    >>> edge_id("USES", "p1", "t1") == edge_id("USES", "p1", "t1")
    True
    """
    digest = hashlib.sha256(f"{rel}\x1f{source_id}\x1f{target_id}\x1f{key}".encode()).hexdigest()
    return f"{rel}:{digest[:20]}"


@dataclass
class WriteResult:
    """What a batch upsert did; ``rejected`` holds (record reference, reason) pairs."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    # Of a node upsert: the ids it created, by label (for upsert_edges' ``new_nodes``).
    new_nodes: dict[Label, set[str]] = field(default_factory=dict)

    def __iadd__(self, other: WriteResult) -> WriteResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected.extend(other.rejected)
        for label, ids in other.new_nodes.items():
            self.new_nodes.setdefault(label, set()).update(ids)
        return self

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


# The types whose values are stored as text: coerce() returns a text value as it is.
TEXT_TYPES = frozenset({PropType.STRING, PropType.DATE, PropType.DATETIME})


def coerce(ptype: PropType, value: Any) -> Any:
    """Coerce a property value to the declared type (``None`` stays ``None``).

    >>> coerce(PropType.FLOAT, "2.5"), coerce(PropType.STRING_LIST, "a")
    (2.5, ['a'])
    """
    if value is None:
        return None
    if value.__class__ is str and ptype in TEXT_TYPES:  # the common case, first
        return value
    if ptype is PropType.STRING_LIST:
        if isinstance(value, str):
            return [value]
        return list(map(str, value))
    if ptype is PropType.INT:
        return int(value)
    if ptype is PropType.FLOAT:
        return float(value)
    if ptype is PropType.BOOL:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "y", "t")
        return bool(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def check_props(declared: Mapping[str, PropType], props: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Validate property names against the model and coerce their values."""
    out: dict[str, Any] = {}
    for name, value in props.items():
        if name not in declared:
            raise _undeclared(what, name)
        out[name] = coerce(declared[name], value)
    return out


def _undeclared(what: str, name: str) -> StoreError:
    return StoreError(f"{what}: property {name!r} is not declared in the model")


def node_prop_types(label: Label) -> dict[str, PropType]:
    """Declared property types of a node label."""
    return {p.name: p.type for p in NODE_TYPES[label].all_properties}


def rel_prop_types(rel: Rel) -> dict[str, PropType]:
    """Declared property types of a relationship type."""
    return {p.name: p.type for p in REL_TYPES[rel].all_properties}


# Endpoint ids carried in relationship rows; not properties.
ENDPOINTS = frozenset({"src", "dst"})
_LABEL_NAMES = frozenset(str(label) for label in Label)

# Properties the store maintains itself; a record never sets them directly.
MANAGED = frozenset({"id", "sources", "source_refs", "loaded_at", "updated_at"})


def merge_props(types: Mapping[str, PropType], current: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a record's properties into the current ones.

    A value the record leaves empty never erases one already known; list properties
    (aliases, roles, indicators) accumulate, other properties take the newest value.

    >>> merge_props({"roles": PropType.STRING_LIST, "name": PropType.STRING},
    ...             {"roles": ["victim"], "name": "A"}, {"roles": ["witness"], "name": None})
    {'roles': ['victim', 'witness'], 'name': 'A'}
    """
    out = dict(current)
    for name, value in new.items():
        if _empty(value):
            continue
        if types.get(name) is PropType.STRING_LIST:
            merged = list(out.get(name) or [])
            merged.extend(v for v in value if v not in merged)
            out[name] = merged
        else:
            out[name] = value
    return out


def _empty(value: Any) -> bool:
    """A value that never erases a known one, nor is stored for a new id."""
    return value is None or value == "" or value == []


def fresh_props(types: Mapping[str, PropType], props: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The properties a record gives an id not stored yet, in one pass.

    The same as ``merge_props(types, {}, check_props(types, props, what))`` without the
    managed properties (the same errors too), which is what most records of a load need.

    >>> fresh_props({"roles": PropType.STRING_LIST, "name": PropType.STRING},
    ...             {"roles": ["victim", "victim"], "name": "", "sources": ["x"]}, "Person")
    {'roles': ['victim']}
    """
    out: dict[str, Any] = {}
    for name, value in props.items():
        if name in MANAGED:
            continue
        ptype = types.get(name)
        if value.__class__ is str and ptype in TEXT_TYPES:  # the common case, as coerce() has it
            if value:
                out[name] = value
            continue
        if ptype is None:
            raise _undeclared(what, name)
        value = coerce(ptype, value)
        if _empty(value):
            continue
        # merge_props() into an empty list keeps each item once, in order (items are text)
        out[name] = list(dict.fromkeys(value)) if ptype is PropType.STRING_LIST else value
    return out


def utc_now() -> str:
    """The current UTC time as ISO 8601 text, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def merge_list(existing: Sequence[str] | None, new: str) -> list[str]:
    """Append ``new`` to a provenance list unless it is already there (order kept)."""
    values = list(existing or [])
    if new and new not in values:
        values.append(new)
    return values


def split_by_source(values: Sequence[Mapping[str, Any]], source: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Ids to delete (only ``source`` supports them) and provenance rows to rewrite."""
    drop: list[str] = []
    keep: list[dict[str, Any]] = []
    prefix = f"{source}:"
    for v in values:
        remaining = [s for s in (v.get("sources") or []) if s != source]
        if remaining:
            refs = [r for r in (v.get("source_refs") or []) if not r.startswith(prefix)]
            keep.append({"id": v["id"], "sources": remaining, "source_refs": refs})
        else:
            drop.append(str(v["id"]))
    return drop, keep


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of at most ``size`` items."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def arrow_batches(nodes: Any, size: int) -> Iterator[Any]:
    """Record batches of at most ``size`` rows of an Arrow table or a Parquet file (its path)."""
    if isinstance(nodes, Path):
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(nodes).iter_batches(batch_size=size)
    else:
        yield from nodes.to_batches(max_chunksize=size)


def arrow_columns(nodes: Any) -> tuple[list[str], int]:
    """The column names and the number of rows of an Arrow table or a Parquet file."""
    if isinstance(nodes, Path):
        import pyarrow.parquet as pq

        meta = pq.read_metadata(nodes)
        return meta.schema.to_arrow_schema().names, meta.num_rows
    return list(nodes.column_names), nodes.num_rows


def _checked(types: Mapping[str, PropType], rec: NodeRecord | EdgeRecord, what: str) -> dict[str, Any]:
    """A record's properties, checked and coerced, without the ones the store manages."""
    return check_props(types, {k: v for k, v in rec.props.items() if k not in MANAGED}, what)


def _with_provenance(planned: dict[str, Any], rec: NodeRecord | EdgeRecord) -> dict[str, Any]:
    """``planned`` with the record's source (and row reference) added to its provenance lists."""
    planned["sources"] = merge_list(planned.get("sources"), rec.source)
    if rec.source_ref:
        planned["source_refs"] = merge_list(planned.get("source_refs"), f"{rec.source}:{rec.source_ref}")
    return planned


WRITER_THREAD = "graph-tool-writer"  # the name of pipelined_writes' thread


class GraphStore(ABC):
    """The contract both stores fulfil.

    Writes are idempotent upserts keyed by stable ids: the same input twice gives the
    same graph. Reads never write: :meth:`read` refuses a query that would.
    """

    kind: str = "abstract"
    _writer: ThreadPoolExecutor | None = None  # set inside pipelined_writes()
    _in_flight: list[Future[None]]

    # -- lifecycle --------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None:
        """Release the connection or database handle."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @abstractmethod
    def describe(self) -> str:
        """Where this store lives (a folder or a URI without credentials)."""

    # -- schema -----------------------------------------------------------------------
    @abstractmethod
    def create_schema(self) -> None:
        """Create tables, constraints and indexes from the model (idempotent)."""

    # -- pipelined writes ---------------------------------------------------------------
    @contextmanager
    def pipelined_writes(self) -> Iterator[None]:
        """Run the creates and updates of upserts on one background thread, in order.

        A loader prepares its next batch in Python while the database writes the last
        one (both drivers release the GIL while the database works). Every upsert first
        waits for the writes queued before it, so what it reads is what was written;
        other reads inside the block must call :meth:`drain` first. Leaving the block
        waits for every write and raises the first failure.
        """
        if self._writer is not None:  # already pipelined: nested blocks share the thread
            yield
            return
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix=WRITER_THREAD)
        self._in_flight = []
        try:
            yield
        finally:
            try:
                self.drain()
            finally:
                self._writer.shutdown(wait=True)
                self._writer = None

    def writes_durable(self) -> bool:
        """Whether every write that has returned would survive the process being killed now.

        True for Neo4j (each transaction is durable when it commits). The embedded store
        says False between a load's checkpoints (see ``EmbeddedStore.pipelined_writes``);
        a loader records a batch as committed only when this is True.
        """
        return True

    def _writing(self) -> bool:
        """Whether a write queued by :meth:`pipelined_writes` is running, or this is its thread."""
        if self._writer is None:
            return False
        return threading.current_thread().name.startswith(WRITER_THREAD) or any(not f.done() for f in self._in_flight)

    def drain(self) -> None:
        """Wait for the writes queued by :meth:`pipelined_writes`; raise the first failure."""
        if self._writer is None:
            return
        in_flight, self._in_flight = self._in_flight, []
        for future in in_flight:
            future.result()

    def _submit(self, write: Callable[..., None], *args: Any) -> None:
        if self._writer is None:
            write(*args)
        else:
            self._in_flight.append(self._writer.submit(write, *args))

    # -- writes -----------------------------------------------------------------------
    def upsert_nodes(self, records: Iterable[NodeRecord], batch_size: int = 10_000) -> WriteResult:
        """Create or update nodes by (label, id), merging provenance lists.

        What is new is decided before writing: a batch reads the existing nodes it
        touches, creates the new ones and rewrites only those that change, so loading the
        same input twice writes nothing the second time.
        """
        result = WriteResult()
        for batch in batched(records, batch_size):
            by_label: dict[Label, list[NodeRecord]] = {}
            for rec in batch:
                label = rec.label if rec.label.__class__ is Label else Label(rec.label)  # Label() is slow
                by_label.setdefault(label, []).append(rec)
            for label, recs in by_label.items():
                result += self._upsert_node_group(label, recs)
        return result

    def _upsert_node_group(self, label: Label, recs: list[NodeRecord]) -> WriteResult:
        self.drain()  # what this group reads must include the writes queued before it
        types = node_prop_types(label)
        existing = self._existing_nodes(label, sorted({r.id for r in recs}))
        planned: dict[str, dict[str, Any]] = {}
        new_ids: set[str] = set()
        what = str(label)
        for rec in recs:
            if not rec.id:
                raise StoreError(f"{label}: a node without an id ({rec.source_ref or rec.source})")
            current = planned.get(rec.id)
            if current is None and rec.id not in existing:  # a new id (most of a first load)
                new_ids.add(rec.id)
                merged = fresh_props(types, rec.props, what)
            else:
                if current is None:
                    current = {k: v for k, v in existing[rec.id].items() if v is not None}
                merged = merge_props(types, current, _checked(types, rec, what))
            planned[rec.id] = _with_provenance(merged, rec)
        result = self._apply_plan(label, planned, new_ids, existing, self._create_nodes, self._update_nodes)
        if new_ids:
            result.new_nodes[label] = new_ids
        return result

    def _apply_plan(
        self,
        what: Any,
        planned: dict[str, dict[str, Any]],
        new_ids: set[str],
        existing: Mapping[str, Mapping[str, Any]],
        create: Any,
        update: Any,
    ) -> WriteResult:
        now = utc_now()
        creates, updates = [], []
        for id_, props in planned.items():  # the planned dicts are this upsert's own: they become the rows
            if id_ in new_ids:
                props.update(id=id_, loaded_at=now, updated_at=now)
                creates.append(props)
            elif any(existing[id_].get(k) != v for k, v in props.items() if k not in ENDPOINTS):
                props.update(id=id_, updated_at=now)
                updates.append(props)
        if creates:
            self._submit(create, what, creates)
        if updates:
            self._submit(update, what, updates)
        unchanged = len(planned) - len(creates) - len(updates)
        return WriteResult(created=len(creates), updated=len(updates), unchanged=unchanged)

    def upsert_edges(
        self,
        records: Iterable[EdgeRecord],
        batch_size: int = 10_000,
        new_nodes: Mapping[Label, AbstractSet[str]] | None = None,
    ) -> WriteResult:
        """Create or update relationships by stable id; both endpoints must exist.

        A record whose endpoint is missing is not written: it is listed in
        ``WriteResult.rejected`` with the reason, so the caller can report it.

        ``new_nodes``: nodes the caller has just created (``WriteResult.new_nodes`` of its
        node upsert) and written no relationship to since. They exist, and no relationship
        touches them yet, so relationships with such an end are neither looked up nor
        checked: a payment's SENT and PAID_TO, created with it, cost no read.
        """
        result = WriteResult()
        for batch in batched(records, batch_size):
            groups: dict[tuple[Rel, Label, Label], list[EdgeRecord]] = {}
            for rec in batch:
                key = (Rel(rec.type), Label(rec.source_label), Label(rec.target_label))
                if (key[1], key[2]) not in REL_TYPES[key[0]].pairs:
                    raise StoreError(f"{rec.type}: the model does not allow {rec.source_label} -> {rec.target_label}")
                groups.setdefault(key, []).append(rec)
            for group, recs in groups.items():
                result += self._upsert_edge_group(group, recs, new_nodes or {})
        return result

    def _upsert_edge_group(
        self, group: tuple[Rel, Label, Label], recs: list[EdgeRecord], new_nodes: Mapping[Label, AbstractSet[str]]
    ) -> WriteResult:
        rel, source_label, target_label = group
        self.drain()
        types = rel_prop_types(rel)
        new_sources = new_nodes.get(source_label, frozenset())
        new_targets = new_nodes.get(target_label, frozenset())
        have_source = self._ends(source_label, {r.source_id for r in recs}, new_sources)
        have_target = self._ends(target_label, {r.target_id for r in recs}, new_targets)
        result = WriteResult()
        ok: list[EdgeRecord] = []
        for rec in recs:
            if rec.source_id not in have_source:
                result.rejected.append((rec.source_ref, f"{rec.type}: no {source_label} with id {rec.source_id!r}"))
            elif rec.target_id not in have_target:
                result.rejected.append((rec.source_ref, f"{rec.type}: no {target_label} with id {rec.target_id!r}"))
            else:
                ok.append(rec)
        keys = {r.id: {"id": r.id, "src": r.source_id, "dst": r.target_id} for r in ok}
        known = [k for k in keys.values() if k["src"] not in new_sources and k["dst"] not in new_targets]
        existing = self._existing_edges(group, sorted(known, key=lambda k: k["id"]))
        planned: dict[str, dict[str, Any]] = {}
        new_ids: set[str] = set()
        what = str(rel)
        for rec in ok:
            eid = rec.id
            current = planned.get(eid)
            if current is None and eid not in existing:
                new_ids.add(eid)
                merged = {"src": rec.source_id, "dst": rec.target_id, **fresh_props(types, rec.props, what)}
            else:
                if current is None:
                    current = {k: v for k, v in existing[eid].items() if v is not None}
                merged = merge_props(types, current, _checked(types, rec, what))
            planned[eid] = _with_provenance(merged, rec)
        for k in planned:  # endpoints travel with every row: updates find edges through them
            planned[k].update(src=keys[k]["src"], dst=keys[k]["dst"])
        result += self._apply_plan(group, planned, new_ids, existing, self._create_edges, self._update_edges)
        return result

    def _ends(self, label: Label, ids: set[str], new: AbstractSet[str]) -> AbstractSet[str]:
        """Which of ``ids`` exist: those in ``new`` (just created) without a read."""
        rest = ids - new if new else ids
        found = self._existing_ids(label, sorted(rest))
        return found | (ids & new) if new else found

    def bulk_rows_limit(self) -> int | None:
        """The most nodes :meth:`create_nodes_bulk` takes at once (None: no limit)."""
        return None

    def create_nodes_bulk(self, label: Label, nodes: Any) -> None:
        """Create nodes of ``label``, none of which exists yet, from an Arrow table or a
        Parquet file (its path) whose columns are their properties (``id`` and the
        provenance ones included; a null is no property).

        For a first load (see :mod:`loaders.bulk`): nothing is read back or merged. This
        default creates them through :meth:`_create_nodes`, 10,000 at a time; a store with
        a bulk import of its own overrides it.
        """
        for batch in arrow_batches(nodes, 10_000):
            rows = [{k: v for k, v in row.items() if v is not None} for row in batch.to_pylist()]
            self.drain()  # one batch written while the next is read: memory stays one batch
            self._submit(self._create_nodes, label, rows)
        self.drain()

    # -- primitives each store implements (plain rows in and out) --------------------
    @abstractmethod
    def _existing_nodes(self, label: Label, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Current properties of the nodes of ``label`` with these ids."""

    @abstractmethod
    def _existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        """Which of these ids exist as nodes of ``label``."""

    @abstractmethod
    def _create_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        """Create nodes from complete property rows (each has ``id``)."""

    @abstractmethod
    def _update_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        """Overwrite the given properties of existing nodes."""

    @abstractmethod
    def _existing_edges(
        self, group: tuple[Rel, Label, Label], keys: Sequence[Mapping[str, str]]
    ) -> dict[str, dict[str, Any]]:
        """Current properties of the relationships in ``group`` with these ``{id, src, dst}`` keys."""

    @abstractmethod
    def _create_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        """Create relationships; each row has ``id``, ``src``, ``dst`` and properties."""

    @abstractmethod
    def _update_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        """Overwrite the given properties of existing relationships."""

    @abstractmethod
    def set_properties(self, label: Label, values: Mapping[str, Mapping[str, Any]]) -> int:
        """Write analysis results: ``{node_id: {prop: value}}``; returns nodes changed."""

    def delete_source(self, source: str) -> dict[str, int]:
        """Remove ``source`` from provenance; delete what no other source supports
        (relationships first, then nodes, whose delete takes their relationships too)."""
        deleted = {"nodes": 0, "relationships": 0, "kept": 0}
        # (what, its query given $source, its variable, delete by ids, provenance rewrite)
        steps: list[tuple[str, str, str, partial[int], str]] = [
            ("relationships", cypher.edges_of_source(rel), "e", partial(self.delete_edges, rel),
             cypher.set_provenance_edges(rel))
            for rel in REL_TYPES
        ] + [
            ("nodes", cypher.nodes_of_source(label), "n", partial(self.delete_nodes, label),
             cypher.set_provenance_nodes(label))
            for label in NODE_TYPES
        ]  # fmt: skip
        for what, query, var, delete, provenance in steps:
            drop, keep = split_by_source(self._props_of_source(query, var, source), source)
            if drop:
                delete(drop)
            if keep:
                self._set_provenance(provenance, keep)
            deleted[what] += len(drop)
            deleted["kept"] += len(keep)
        return deleted

    @abstractmethod
    def _props_of_source(self, query: str, var: str, source: str) -> list[dict[str, Any]]:
        """The properties of each ``var`` that ``query`` (given ``$source``) returns."""

    @abstractmethod
    def _set_provenance(self, query: str, rows: list[dict[str, Any]]) -> None:
        """Write the new provenance ``rows`` with ``query`` (``UNWIND $rows``)."""

    @abstractmethod
    def delete_edges(self, rel: Rel, ids: Sequence[str]) -> int:
        """Delete relationships of type ``rel`` by id; returns how many were deleted."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (the schema stays)."""

    @abstractmethod
    def delete_nodes(self, label: Label, ids: Sequence[str]) -> int:
        """Delete nodes (and their relationships) by id; returns how many were deleted."""

    # -- reads ------------------------------------------------------------------------
    @abstractmethod
    def read(self, cypher: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> list[Row]:
        """Run a parameterised read-only query; refuse any write. Values are plain data."""

    @abstractmethod
    def read_subgraph(self, cypher: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> Subgraph:
        """Run a read-only query and collect every node and relationship it returns."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type (zeros included)."""

    @abstractmethod
    def get_nodes(self, label: Label, ids: Sequence[str]) -> list[Node]:
        """Nodes of ``label`` with the given ids (missing ids are skipped)."""

    # -- subgraphs, built on the read primitives ---------------------------------------
    @abstractmethod
    def _rows(self, query: str, params: Mapping[str, Any] | None = None, anywhere: str | None = None) -> list[Row]:
        """Raw rows of one of the store's own reads; ``anywhere`` names a node variable that
        is looked up by id whatever its label (Neo4j gives it the id-indexed label)."""

    @abstractmethod
    def _node(self, raw: Any) -> Node:
        """A driver's node value as a :class:`Node`."""

    @abstractmethod
    def _edge(self, raw: Any, source: str, target: str) -> Edge:
        """A driver's relationship value as an :class:`Edge` between two ids."""

    def neighbourhood(self, node_id: str, hops: int = 1, limit: int = 5000) -> Subgraph:
        """The entity ``node_id`` and everything within ``hops`` relationships of it (at most ``limit`` nodes)."""
        start = self.nodes_anywhere([node_id])
        if not start:
            raise StoreError(f"no entity with id {node_id!r}")
        nodes = {node_id: start[0]}
        edges: dict[str, Edge] = {}
        frontier = [start[0]]
        for _ in range(max(hops, 0)):
            if not frontier or len(nodes) >= limit:
                break
            found: list[Node] = []
            # A label per query: an unlabelled one reads every node table in LadybugDB.
            by_label: dict[Label | None, list[str]] = defaultdict(list)
            for node in frontier:
                by_label[Label(node.label) if node.label in _LABEL_NAMES else None].append(node.id)
            for label, ids in by_label.items():
                for query in (cypher.outgoing(label), cypher.incoming(label)):
                    for r in self._rows(query, {"ids": ids}, anywhere="a"):
                        far = self._node(r["far"])
                        if far.id not in nodes:
                            if len(nodes) >= limit:
                                continue
                            nodes[far.id] = far
                            found.append(far)
                        edge = self._edge(r["e"], r["src"], r["dst"])
                        edges[edge.id] = edge
            frontier = found
        keep = tuple(e for e in edges.values() if e.source in nodes and e.target in nodes)
        return Subgraph(tuple(nodes.values()), keep)

    def nodes_anywhere(self, ids: Sequence[str]) -> list[Node]:
        """The nodes of any label among ``ids`` (at most one each: ids are unique across labels)."""
        return [self._node(r["n"]) for r in self._rows(cypher.nodes_by_ids(), {"ids": list(ids)}, anywhere="n")]

    def source_subgraph(self, source: str) -> Subgraph:
        """Every node and relationship that ``source`` contributed."""
        nodes = [
            self._node(r["n"])
            for lab in NODE_TYPES
            for r in self._rows(cypher.nodes_of_source(lab), {"source": source})
        ]
        edges = [
            self._edge(r["e"], r["src"], r["dst"])
            for rel in REL_TYPES
            for r in self._rows(cypher.edges_of_source(rel), {"source": source})
        ]
        return Subgraph(tuple(nodes), tuple(edges))

    def whole_graph(self, labels: Sequence[Label] | None = None) -> Subgraph:
        """Every node (optionally of some labels) and the relationships among them."""
        wanted = list(labels) if labels else list(NODE_TYPES)
        nodes = {n.id: n for lab in wanted for n in (self._node(r["n"]) for r in self._rows(cypher.all_nodes(lab)))}
        edges = [
            self._edge(r["e"], r["src"], r["dst"])
            for rel in REL_TYPES
            for r in self._rows(cypher.all_edges(rel))
            if r["src"] in nodes and r["dst"] in nodes
        ]
        return Subgraph(tuple(nodes.values()), tuple(edges))
