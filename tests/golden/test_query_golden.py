"""Every saved query over the analysed demo case returns its golden result, on both stores.

The golden files were produced by running the queries on the embedded store; the same
answers must come from Neo4j. Set GRAPH_TOOL_UPDATE_GOLDEN=1 to rewrite them after an
intended change (and review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from graph_tool import querylib
from graph_tool.store.base import Edge, GraphStore, Node

HERE = Path(__file__).resolve().parent
PARAMS: dict[str, dict[str, Any]] = json.loads((HERE / "query_params.json").read_text(encoding="utf-8"))
LIBRARY = querylib.load_library()
UPDATE = os.environ.get("GRAPH_TOOL_UPDATE_GOLDEN") == "1"


def test_every_query_has_golden_params() -> None:
    assert set(PARAMS) == set(LIBRARY)


def plain(value: Any) -> Any:
    if isinstance(value, Node):
        return f"{value.label}:{value.id}"
    if isinstance(value, Edge):
        return f"{value.type}:{value.id}"
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):  # collect() order is the engine's own
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


def answer(store: GraphStore, query_id: str) -> Any:
    q = LIBRARY[query_id]
    params = querylib.bind(q, PARAMS[query_id])
    body = q.cypher_for(store.kind)
    if q.header.returns == "graph":
        sub = store.read_subgraph(body, params)
        if query_id == "shortest-path-between-people":  # several shortest paths may exist
            return {"nodes": len(sub.nodes), "relationships": len(sub.edges)}
        return {"nodes": sorted(n.id for n in sub.nodes), "relationships": sorted(e.id for e in sub.edges)}
    rows = [{k: plain(v) for k, v in row.items()} for row in store.read(body, params)]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def check(store: GraphStore) -> None:
    differing = []
    for query_id in sorted(LIBRARY):
        got = answer(store, query_id)
        path = HERE / "queries" / f"{query_id}.json"
        if UPDATE and store.kind == "embedded":
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        expected = json.loads(path.read_text(encoding="utf-8"))
        if json.loads(json.dumps(got, default=str)) != expected:
            differing.append(query_id)
    assert not differing, f"{store.kind}: these saved queries differ from their golden result: {differing}"


def test_golden_results_on_the_embedded_store(demo_case: Path) -> None:
    from graph_tool.store.embedded import EmbeddedStore

    store = EmbeddedStore(demo_case, read_only=True)
    try:
        check(store)
    finally:
        store.close()


def test_golden_results_have_substance() -> None:
    """Most golden answers are not empty: the parameters were chosen to find something."""
    nothing: list[Any] = [[], {"nodes": [], "relationships": []}]
    empty = [p.stem for p in (HERE / "queries").glob("*.json") if json.loads(p.read_text()) in nothing]
    assert len(empty) <= 3, empty


@pytest.mark.neo4j
def test_golden_results_on_neo4j(neo4j_uri: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from graph_tool.analyse import analyse_store
    from loaders import load_case
    from sample_data import demo_folder
    from tests.conftest import _open

    with _open("neo4j", tmp_path, request) as store:
        store.create_schema()
        load_case(store, demo_folder())
        analyse_store(store)
        check(store)
