"""The tiny built-in example case (``sample_data/tiny_case.json``), for a first look and tests.

It is a hand-made, fictional ring of 15 entities: enough to see every part of the model.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from graph_tool.model import Label, Rel
from graph_tool.normalise import name_key
from graph_tool.store.base import EdgeRecord, GraphStore, NodeRecord, WriteResult


def example_path() -> Path:
    """Where the example file lives (inside the installed ``sample_data`` package)."""
    return Path(str(resources.files("sample_data") / "tiny_case.json"))


def example_records(path: Path | None = None) -> tuple[list[NodeRecord], list[EdgeRecord], str]:
    """The example as node and edge records, and its source name.

    >>> nodes, edges, source = example_records()
    >>> len(nodes) > 10, source
    (True, 'tiny-example')
    """
    data: dict[str, Any] = json.loads((path or example_path()).read_text(encoding="utf-8"))
    source = str(data["source"])
    file = (path or example_path()).name
    nodes = [
        NodeRecord(Label(n["label"]), n["id"], _with_keys(Label(n["label"]), n["props"]), source, f"{file}:node:{i}")
        for i, n in enumerate(data["nodes"])
    ]
    edges = [
        EdgeRecord(
            Rel(e["type"]),
            Label(e["from"][0]),
            e["from"][1],
            Label(e["to"][0]),
            e["to"][1],
            e["props"],
            source,
            f"{file}:edge:{i}",
        )
        for i, e in enumerate(data["edges"])
    ]
    return nodes, edges, source


def _with_keys(label: Label, props: dict[str, Any]) -> dict[str, Any]:
    """Add the matching keys the loaders would compute (name keys)."""
    if label in (Label.PERSON, Label.ORGANISATION) and props.get("name"):
        return {**props, "name_key": name_key(str(props["name"]))}
    return props


def load_example(store: GraphStore) -> tuple[WriteResult, WriteResult]:
    """Load the example into ``store`` (idempotent); returns node and edge results."""
    nodes, edges, source = example_records()
    store.create_schema()
    store.upsert_nodes([NodeRecord(Label.SOURCE, source, {"name": source, "kind": "example"}, source)])
    return store.upsert_nodes(nodes), store.upsert_edges(edges)
