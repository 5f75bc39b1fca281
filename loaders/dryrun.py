"""A store wrapper for dry runs: reads go to the real store, writes go nowhere.

The wrapper runs the store's own upsert planning (:meth:`GraphStore.upsert_nodes` and
:meth:`GraphStore.upsert_edges` of the base class), so the created / updated / unchanged
counts of a dry run are the ones a real load would report. What a dry run "writes" is kept
in memory so that later batches see it, as they would see the real writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph_tool.model import Label, Rel
from graph_tool.store.base import Edge, GraphStore, Node, Row, Subgraph


class DryRunStore(GraphStore):
    """Plans upserts against ``inner`` and never writes to it."""

    kind = "dry-run"

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self._nodes: dict[tuple[Label, str], dict[str, Any]] = {}
        self._edges: dict[tuple[tuple[Rel, Label, Label], str], dict[str, Any]] = {}

    def close(self) -> None:  # the caller owns the inner store
        pass

    def describe(self) -> str:
        return f"dry run on {self.inner.describe()}"

    def create_schema(self) -> None:
        pass

    # -- the planning primitives: the real store, overlaid with what this run "wrote" ----
    def _existing_nodes(self, label: Label, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found = self.inner._existing_nodes(label, ids)
        for i in ids:
            mine = self._nodes.get((label, i))
            if mine is not None:
                found[i] = {**found.get(i, {}), **mine}
        return found

    def _existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        found = self.inner._existing_ids(label, ids)
        return found | {i for i in ids if (label, i) in self._nodes}

    def _create_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            self._nodes[(label, r["id"])] = {k: v for k, v in r.items() if v is not None}

    def _update_nodes(self, label: Label, rows: list[dict[str, Any]]) -> None:
        self._create_nodes(label, rows)

    def _existing_edges(
        self, group: tuple[Rel, Label, Label], keys: Sequence[Mapping[str, str]]
    ) -> dict[str, dict[str, Any]]:
        found = self.inner._existing_edges(group, keys)
        for key in keys:
            i = key["id"]
            mine = self._edges.get((group, i))
            if mine is not None:
                found[i] = {**found.get(i, {}), **mine}
        return found

    def _create_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        for r in rows:
            self._edges[(group, r["id"])] = {k: v for k, v in r.items() if v is not None and k not in ("src", "dst")}

    def _update_edges(self, group: tuple[Rel, Label, Label], rows: list[dict[str, Any]]) -> None:
        self._create_edges(group, rows)

    # -- reads used by the loader ------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Sequence[str]) -> list[Node]:
        found = {n.id: n for n in self.inner.get_nodes(label, ids)}
        for i in ids:
            mine = self._nodes.get((label, i))
            if mine is not None:
                found[i] = Node(str(label), i, {k: v for k, v in mine.items() if k != "id"})
        return list(found.values())

    def counts(self) -> dict[str, int]:
        return self.inner.counts()

    # -- everything else is refused: a dry run only plans a load ----------------------------
    def _refuse(self, *_: Any, **__: Any) -> Any:
        raise NotImplementedError("a dry-run store only plans upserts")

    def set_properties(self, label: Label, values: Mapping[str, Mapping[str, Any]]) -> int:
        return int(self._refuse())

    def delete_source(self, source: str) -> dict[str, int]:
        return dict(self._refuse())

    def _props_of_source(self, query: str, var: str, source: str) -> list[dict[str, Any]]:
        return list(self._refuse())

    def _set_provenance(self, query: str, rows: list[dict[str, Any]]) -> None:
        self._refuse()

    def delete_edges(self, rel: Rel, ids: Sequence[str]) -> int:
        return int(self._refuse())

    def clear(self) -> None:
        self._refuse()

    def delete_nodes(self, label: Label, ids: Sequence[str]) -> int:
        return int(self._refuse())

    def read(self, cypher: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> list[Row]:
        return self.inner.read(cypher, params, timeout)

    def read_subgraph(self, cypher: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> Subgraph:
        return self.inner.read_subgraph(cypher, params, timeout)

    def neighbourhood(self, node_id: str, hops: int = 1, limit: int = 5000) -> Subgraph:
        return self.inner.neighbourhood(node_id, hops, limit)

    def source_subgraph(self, source: str) -> Subgraph:
        return self.inner.source_subgraph(source)

    def whole_graph(self, labels: Sequence[Label] | None = None) -> Subgraph:
        return self.inner.whole_graph(labels)

    # the read primitives behind the subgraph methods: the inner store's own
    def _rows(self, query: str, params: Mapping[str, Any] | None = None, anywhere: str | None = None) -> list[Row]:
        return self.inner._rows(query, params, anywhere)

    def _node(self, raw: Any) -> Node:
        return self.inner._node(raw)

    def _edge(self, raw: Any, source: str, target: str) -> Edge:
        return self.inner._edge(raw, source, target)
