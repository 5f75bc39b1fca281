"""Node-link JSON, as networkx's ``node_link_data`` writes it (``edges`` key, multigraph).

``nodes``: ``{"id", "label", ...properties}``; ``edges``: ``{"source", "target", "key"
(the relationship id), "type", ...properties}``. Values keep their JSON types (lists are
lists). ``networkx.node_link_graph(data, edges="edges")`` reads it back into a
``MultiDiGraph`` equal to :meth:`Subgraph.to_networkx`. Files using the older ``links``
key are read too.

>>> from graph_tool.store.base import Node, Subgraph
>>> sub = read_json(write_json(Subgraph((Node("Person", "p1", {"roles": ["victim"]}),))))
>>> sub.nodes[0].props["roles"]
['victim']
"""

from __future__ import annotations

import json
from typing import Any

from graph_tool.export.common import (
    ID_KEY,
    LABEL_KEY,
    TYPE_KEY,
    EdgeIds,
    export_props,
    make_edge,
    make_node,
    sorted_subgraph,
)
from graph_tool.store.base import Subgraph

RESERVED_NODE = (ID_KEY, LABEL_KEY)
RESERVED_EDGE = ("source", "target", "key", TYPE_KEY)


def node_link(sub: Subgraph) -> dict[str, Any]:
    """The subgraph as a node-link dictionary."""
    sub = sorted_subgraph(sub)
    nodes = []
    for n in sub.nodes:
        props = {k: v for k, v in export_props(n.props).items() if k not in RESERVED_NODE}
        nodes.append({LABEL_KEY: n.label, **props, ID_KEY: n.id})
    edges = []
    for e in sub.edges:
        props = {k: v for k, v in export_props(e.props).items() if k not in RESERVED_EDGE}
        edges.append({TYPE_KEY: e.type, **props, "source": e.source, "target": e.target, "key": e.id})
    return {
        "directed": True,
        "multigraph": True,
        "graph": {"generator": "graph-tool"},
        "nodes": nodes,
        "edges": edges,
    }


def write_json(sub: Subgraph) -> bytes:
    """The subgraph as node-link JSON (UTF-8 bytes)."""
    return (json.dumps(node_link(sub), ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def read_json(data: bytes) -> Subgraph:
    """Nodes and relationships of a node-link JSON document, typed by the model."""
    doc = json.loads(data.decode("utf-8-sig"))
    if not isinstance(doc, dict) or "nodes" not in doc:
        raise ValueError("not node-link JSON: no 'nodes'")
    nodes = []
    for item in doc.get("nodes") or []:
        props = dict(item)
        node_id = str(props.pop(ID_KEY))
        label = str(props.pop(LABEL_KEY, "") or "")
        nodes.append(make_node(label, node_id, props))
    edges = []
    fallback = EdgeIds()
    for item in doc.get("edges", doc.get("links")) or []:
        props = dict(item)
        src, dst = str(props.pop("source")), str(props.pop("target"))
        rel = str(props.pop(TYPE_KEY, "") or props.pop(LABEL_KEY, "") or "")
        key = props.pop("key", None)
        explicit = props.pop(ID_KEY, None)
        if explicit:
            eid = str(explicit)
        elif isinstance(key, str) and key:
            eid = key
        else:  # networkx's own integer keys only number parallel edges
            eid = fallback.next(rel, src, dst)
        edges.append(make_edge(rel, eid, src, dst, props))
    return Subgraph(tuple(nodes), tuple(edges))
