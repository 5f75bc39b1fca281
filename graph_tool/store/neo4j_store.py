"""The Neo4j store: the official driver over Bolt, for a team's shared server.

This and :mod:`graph_tool.store.embedded` are the only modules that import a database
driver. Constraints and indexes come from the model and are created before any write;
writes are batched ``UNWIND $rows`` in managed write transactions; reads run in read
transactions with a timeout and query metadata; ``database_`` is passed on every call.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
from neo4j import GraphDatabase, Query, RoutingControl
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable
from neo4j.graph import Node as NeoNode
from neo4j.graph import Path as NeoPath
from neo4j.graph import Relationship as NeoRel

from graph_tool.model import ENTITY_LABEL, NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store import cypher
from graph_tool.store.base import (
    ENDPOINTS,
    Edge,
    GraphStore,
    Node,
    ReadOnlyViolation,
    Row,
    StoreError,
    Subgraph,
    arrow_batches,
    arrow_columns,
    batched,
    node_prop_types,
)

APP_NAME = "graph-tool"
# Creates go to the server in transactions of this many rows: on this 2-core machine
# 100k people were written in 5.2 s in transactions of 2,000 and 6.8 s in transactions of
# 10,000 (a large transaction's state costs more than its round trips). The loader
# checkpoints a batch only after all of its writes, so a crash between them is resumed
# without duplicates.
CREATE_CHUNK = 2_000
_CSV_PART_ROWS = 50_000  # rows converted and written at a time for LOAD CSV


def schema_statements() -> list[str]:
    """Constraints and indexes for every label and relationship type in the model."""
    out = [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE"]
    for nt in NODE_TYPES.values():
        out.append(
            f"CREATE CONSTRAINT {nt.label.lower()}_id IF NOT EXISTS FOR (n:{nt.label}) REQUIRE n.{nt.key} IS UNIQUE"
        )
        for p in nt.all_properties:
            if p.indexed:
                out.append(f"CREATE INDEX {nt.label.lower()}_{p.name} IF NOT EXISTS FOR (n:{nt.label}) ON (n.{p.name})")
    for rt in REL_TYPES.values():
        out.append(f"CREATE INDEX {rt.type.lower()}_id IF NOT EXISTS FOR ()-[r:{rt.type}]-() ON (r.id)")
    return out


class Neo4jStore(GraphStore):
    """A database on a Neo4j server."""

    kind = "neo4j"

    def __init__(
        self, uri: str, user: str, password: str, database: str = "neo4j", import_dir: Path | None = None
    ) -> None:
        self.uri = uri
        self.database = database
        # The server's import folder, when it is the project's own (for LOAD CSV)
        self.import_dir = import_dir
        try:
            self._driver = GraphDatabase.driver(uri, auth=(user, password), user_agent=APP_NAME)
            self._driver.verify_connectivity()
        except (ServiceUnavailable, Neo4jError, ValueError, OSError) as exc:
            raise StoreError(f"cannot reach Neo4j at {uri}: {type(exc).__name__}: {exc}") from None
        self._schema_ready = False

    def describe(self) -> str:
        return f"neo4j {self.uri} database {self.database}"

    def close(self) -> None:
        self._driver.close()

    # -- execution ----------------------------------------------------------------------
    def _write(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self._ensure_schema()
        return self._execute(query, params, RoutingControl.WRITE)

    def _execute(
        self, query: str | Query, params: Mapping[str, Any] | None, routing: RoutingControl
    ) -> list[dict[str, Any]]:
        try:
            records, _, _ = self._driver.execute_query(
                query, parameters_=dict(params or {}), routing_=routing, database_=self.database
            )
        except ClientError as exc:
            if exc.code and ("AccessMode" in exc.code or "WriteOnReadOnlyAccessDbException" in exc.code):
                raise ReadOnlyViolation(f"refused: {exc.message}") from None
            raise StoreError(f"{exc.code}: {exc.message}") from None
        except Neo4jError as exc:
            raise StoreError(f"{exc.code}: {exc.message}") from None
        return [dict(r.items()) for r in records]

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            self.create_schema()

    def create_schema(self) -> None:
        for stmt in schema_statements():
            self._execute(stmt, None, RoutingControl.WRITE)
        self._execute("CALL db.awaitIndexes(300)", None, RoutingControl.WRITE)
        self._schema_ready = True

    # -- primitives ---------------------------------------------------------------------
    def _existing_nodes(self, label: Label, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        self._ensure_schema()
        rows = self._execute(cypher.existing_nodes(label), {"ids": list(ids)}, RoutingControl.READ)
        return {r["n"]["id"]: _plain_props(r["n"]) for r in rows}

    def _existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        self._ensure_schema()
        return {r["id"] for r in self._execute(cypher.existing_ids(label), {"ids": list(ids)}, RoutingControl.READ)}

    def _create_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        for chunk in batched(rows, CREATE_CHUNK):
            self._write(cypher.create_nodes(label, ENTITY_LABEL), {"rows": chunk})

    def create_nodes_bulk(self, label: Label, nodes: Any) -> None:
        """With the project's own server (``import_dir`` known): the nodes as a CSV in its
        import folder, read by ``LOAD CSV ... CREATE ... IN TRANSACTIONS``, the server's own
        bulk path. Otherwise, or when a value would not survive the trip, as the base class.
        """
        if self.import_dir is None:
            super().create_nodes_bulk(label, nodes)
            return
        self.drain()
        self._ensure_schema()
        target = self.import_dir / f"graph-tool-{uuid.uuid4().hex}.csv"
        try:
            layout = _write_csv_for_load(label, nodes, target)
            if layout is None:  # a value the trip would change
                super().create_nodes_bulk(label, nodes)
                return
            query = cypher.load_csv_create_nodes(
                label, layout.columns, ENTITY_LABEL, same=layout.same, prefixed=layout.prefixes
            )
            params = {"file_url": f"file:///{target.name}", "same": layout.same, "prefix": layout.prefixes}
            self._in_transactions(query, params)
        finally:
            target.unlink(missing_ok=True)

    def _update_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        names = sorted({k for row in rows for k in row})
        self._write(cypher.update_nodes(label, names), {"rows": [{n: r.get(n) for n in names} for r in rows]})

    def _existing_edges(
        self, group: tuple[Rel, Label, Label], keys: Sequence[Mapping[str, str]]
    ) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        self._ensure_schema()
        rows = self._execute(
            cypher.existing_edges(*group, cypher.from_target(keys)),
            {"keys": [dict(k) for k in keys]},
            RoutingControl.READ,
        )
        return {r["e"]["id"]: _plain_props(r["e"]) for r in rows}

    def _create_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        shaped = [{"src": r["src"], "dst": r["dst"], "props": _without(r, ENDPOINTS)} for r in rows]
        for chunk in batched(shaped, CREATE_CHUNK):
            self._write(cypher.create_edges(*group), {"rows": chunk})

    def _update_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        names = sorted({k for row in rows for k in row})
        self._write(
            cypher.update_edges(*group, names, cypher.from_target(rows)),
            {"rows": [{n: r.get(n) for n in names} for r in rows]},
        )

    # -- contract -----------------------------------------------------------------------
    def set_properties(self, label: Label, values: Mapping[str, Mapping[str, Any]]) -> int:
        by_prop: dict[str, list[dict[str, Any]]] = {}
        for node_id, props in values.items():
            for name, value in props.items():
                try:
                    NODE_TYPES[label].prop(name)
                except KeyError:
                    raise StoreError(f"{label}: property {name!r} is not declared in the model") from None
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
        found = {r["id"] for r in self._execute(cypher.existing_edge_ids(rel), {"ids": list(ids)}, RoutingControl.READ)}
        if found:
            self._in_transactions(cypher.delete_edges_in_transactions(rel), {"ids": sorted(found)})
        return len(found)

    def clear(self) -> None:
        for label in NODE_TYPES:
            self._in_transactions(cypher.delete_all_in_transactions(label))

    def delete_nodes(self, label: Label, ids: Sequence[str]) -> int:
        found = self._existing_ids(label, ids)
        if found:
            self._in_transactions(cypher.delete_nodes_in_transactions(label), {"ids": sorted(found)})
        return len(found)

    def _in_transactions(self, query: str, params: Mapping[str, Any] | None = None) -> None:
        """Run ``CALL { } IN TRANSACTIONS``, which needs an auto-commit transaction: a large
        delete committed a part at a time, within the server's transaction memory."""
        self.drain()
        self._ensure_schema()
        try:
            with self._driver.session(database=self.database) as session:
                session.run(query, dict(params or {})).consume()
        except Neo4jError as exc:
            raise StoreError(f"{exc.code}: {exc.message}") from None

    def _props_of_source(self, query: str, var: str, source: str) -> list[dict[str, Any]]:
        self._ensure_schema()
        return [dict(r[var].items()) for r in self._execute(query, {"source": source}, RoutingControl.READ)]

    def _set_provenance(self, query: str, rows: list[dict[str, Any]]) -> None:
        for part in batched(rows, CREATE_CHUNK):
            self._write(query, {"rows": part})

    def _read_raw(self, cypher_text: str, params: Mapping[str, Any] | None, timeout: float) -> list[dict[str, Any]]:
        self._ensure_schema()
        query = Query(cypher_text, timeout=timeout, metadata={"app": APP_NAME, "kind": "read"})
        return self._execute(query, params, RoutingControl.READ)

    def query_type(self, cypher_text: str, params: Mapping[str, Any] | None = None) -> str:
        """Neo4j's own verdict from ``EXPLAIN``: ``r`` read, ``rw``, ``w`` write, ``s`` schema."""
        self._ensure_schema()
        try:
            _, summary, _ = self._driver.execute_query(
                "EXPLAIN " + cypher_text,
                parameters_=dict(params or {}),
                routing_=RoutingControl.READ,
                database_=self.database,
            )
        except Neo4jError as exc:
            raise StoreError(f"{exc.code}: {exc.message}") from None
        return str(summary.query_type)

    def read(self, cypher_text: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> list[Row]:
        return [{k: _plain_value(v) for k, v in row.items()} for row in self._read_raw(cypher_text, params, timeout)]

    def read_subgraph(
        self, cypher_text: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0
    ) -> Subgraph:
        nodes: dict[str, Node] = {}
        edges: dict[str, Edge] = {}
        stack: list[Any] = [
            _plain_value(v) for row in self._read_raw(cypher_text, params, timeout) for v in row.values()
        ]
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
        keep = tuple(e for e in edges.values() if e.source in nodes and e.target in nodes)
        return Subgraph(tuple(nodes.values()), keep)

    def counts(self) -> dict[str, int]:
        self._ensure_schema()
        out = {
            str(lab): self._execute(cypher.count_nodes(lab), None, RoutingControl.READ)[0]["c"] for lab in NODE_TYPES
        }
        out.update(
            {str(rel): self._execute(cypher.count_edges(rel), None, RoutingControl.READ)[0]["c"] for rel in REL_TYPES}
        )
        return out

    def get_nodes(self, label: Label, ids: Sequence[str]) -> list[Node]:
        if not ids:
            return []
        self._ensure_schema()
        return [
            _to_node(r["n"])
            for r in self._execute(cypher.existing_nodes(label), {"ids": list(ids)}, RoutingControl.READ)
        ]

    def _rows(self, query: str, params: Mapping[str, Any] | None = None, anywhere: str | None = None) -> list[Row]:
        self._ensure_schema()
        return self._execute(_entity(query, anywhere) if anywhere else query, params, RoutingControl.READ)

    def _node(self, raw: Any) -> Node:
        return _to_node(raw)

    def _edge(self, raw: Any, source: str, target: str) -> Edge:
        return _to_edge(raw, source, target)


def _without(row: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def _entity(query: str, var: str = "n") -> str:
    """Give an unlabelled lookup the id-indexed Entity label."""
    return query.replace(f"({var})", f"({var}:{ENTITY_LABEL})", 1)


def _plain(value: Any) -> Any:
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return value


@dataclass
class _CsvLayout:
    """What goes in the file for ``LOAD CSV`` and what goes once, as a parameter.

    A value every row has (the source, the load's timestamps) goes once in ``same``, and a
    one-item list whose items share a beginning (the source refs' ``source:file:``) has that
    beginning once in ``prefixes`` and only the rest in the file: for 100,000 people the file
    went from 22.9 to 11.4 MB, and a million were created 5-8 % faster here (28.4-29.3 s
    instead of 29.3-30.9 s).
    """

    columns: list[str]  # written to the file, ``id`` first
    same: dict[str, Any] = field(default_factory=dict)  # property -> every row's value
    prefixes: dict[str, str] = field(default_factory=dict)  # list property -> its items' shared beginning

    def file_part(self, as_text: Any) -> Any:
        """One part of the file: the columns that vary, prefixes cut off."""
        import pyarrow as pa
        import pyarrow.compute as pc

        columns = {}
        for name in self.columns:
            column = as_text.column(name)
            if name in self.prefixes:
                column = pc.utf8_slice_codeunits(column, len(self.prefixes[name]))
            columns[name] = column
        return pa.Table.from_pydict(columns)


def _csv_layout(label: Label, nodes: Any) -> _CsvLayout | None:
    """Which columns of ``nodes`` hold one value on every row and which one-item lists share
    a beginning (up to its last ``:``); None if a value cannot travel (see
    :func:`_csv_columns`). The id always goes in the file, so a one-row file has a column."""
    import pyarrow.compute as pc

    types = node_prop_types(label)
    names = arrow_columns(nodes)[0]
    same: dict[str, Any] = {}  # still candidates: the first row's value
    first_text: dict[str, Any] = {}
    prefixes = {n: "" for n in names if types.get(n) is PropType.STRING_LIST}  # "": not known yet
    for batch in arrow_batches(nodes, _CSV_PART_ROWS):
        as_text = _csv_columns(label, batch)
        if as_text is None:
            return None
        if not first_text:
            first_text = {n: as_text.column(n)[0].as_py() for n in names if n != "id"}
            same = {n: batch.column(n)[0].as_py() for n in first_text}
        for name in list(same):
            column, value = as_text.column(name), first_text[name]
            if value is None:
                keeps = column.null_count == len(column)
            else:
                keeps = column.null_count == 0 and bool(pc.all(pc.equal(column, value)).as_py())
            if not keeps:
                del same[name]
        for name in list(prefixes):
            column = as_text.column(name)
            if not prefixes[name]:
                first = column[0].as_py() or ""
                prefixes[name] = first[: first.rfind(":") + 1]
            one_item = batch.column(name).null_count == 0 and bool(
                pc.all(pc.equal(pc.list_value_length(batch.column(name)), 1)).as_py()
            )
            if not (prefixes[name] and one_item and pc.all(pc.starts_with(column, prefixes[name])).as_py()):
                del prefixes[name]
    # a column with no value on any row is left out; the rest go in the file
    columns = [n for n in names if n not in same]
    return _CsvLayout(
        columns=columns,
        same={n: v for n, v in same.items() if v is not None},
        prefixes={n: p for n, p in prefixes.items() if n in columns},
    )


def _write_csv_for_load(label: Label, nodes: Any, target: Path) -> _CsvLayout | None:
    """The nodes (an Arrow table or a Parquet file) as a CSV for ``LOAD CSV``, a part at a
    time (see :func:`_csv_columns`), and what the statement gets as parameters; None, with
    nothing written, if a value cannot travel. The nodes are read twice: once to find what
    goes once (:func:`_csv_layout`), once to write the file."""
    import pyarrow.csv as pacsv

    layout = _csv_layout(label, nodes)
    if layout is None:
        return None
    writer = None
    try:
        for batch in arrow_batches(nodes, _CSV_PART_ROWS):
            part = layout.file_part(_csv_columns(label, batch))
            if writer is None:
                writer = pacsv.CSVWriter(target, part.schema)
            writer.write(part)
    finally:
        if writer is not None:
            writer.close()
    return layout


def _csv_columns(label: Label, table: Any) -> Any:
    """``table`` (or record batch) with every column as text for ``LOAD CSV`` (lists joined by
    ``cypher.LIST_SEPARATOR``), or None when a value would not come back the same: a list
    item that is empty or holds the separator, a float (its text may round), or a
    backslash before a quote (which the server's CSV reader may take as an escape)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    types = node_prop_types(label)
    out = {}
    for name in table.column_names:
        column = table.column(name)
        ptype = types.get(name, PropType.STRING)
        if ptype is PropType.STRING_LIST:
            items = pc.list_flatten(column)
            if (
                len(items)
                and pc.any(pc.or_(pc.equal(items, ""), pc.match_substring(items, cypher.LIST_SEPARATOR))).as_py()
            ):
                return None
            column = pc.binary_join(column, cypher.LIST_SEPARATOR)
        elif ptype is PropType.FLOAT:
            if column.null_count != len(column):
                return None
            column = pc.cast(column, pa.string())
        elif ptype in (PropType.INT, PropType.BOOL):
            column = pc.cast(column, pa.string())
        if pc.any(pc.match_substring(column, '\\"')).as_py():
            return None
        out[name] = column
    return pa.Table.from_pydict(out)


def _plain_props(entity: NeoNode | NeoRel) -> dict[str, Any]:
    return {k: _plain(v) for k, v in entity.items() if v is not None}


def _label_of(node: NeoNode) -> str:
    labels = sorted(lab for lab in node.labels if lab != ENTITY_LABEL)
    return labels[0] if labels else ""


def _to_node(node: NeoNode) -> Node:
    props = _plain_props(node)
    return Node(_label_of(node), str(props.pop("id", node.element_id)), props)


def _to_edge(rel: NeoRel, source: str, target: str) -> Edge:
    props = _plain_props(rel)
    return Edge(rel.type, str(props.pop("id", rel.element_id)), source, target, props)


def _plain_value(value: Any) -> Any:
    if isinstance(value, NeoNode):
        return _to_node(value)
    if isinstance(value, NeoRel):
        start, end = value.start_node, value.end_node
        return _to_edge(
            value,
            str(start.get("id", "")) if start is not None else "",
            str(end.get("id", "")) if end is not None else "",
        )
    if isinstance(value, NeoPath):
        return [*(_plain_value(n) for n in value.nodes), *(_plain_value(r) for r in value.relationships)]
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_value(v) for k, v in value.items()}
    return _plain(value)


__all__ = ["Neo4jStore", "neo4j", "schema_statements"]
