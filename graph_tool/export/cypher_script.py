r"""A Cypher script that rebuilds the subgraph in any Neo4j 5 database (``cypher-shell -f``).

No parameters: values are literals, escaped (``\\``, ``\'``, control characters as
``\uXXXX``). One statement per line, each ending with ``;``, after ``//`` comment lines:

- the key constraints the store creates (``IF NOT EXISTS``), so ``MERGE`` is fast;
- per label, ``UNWIND [literal maps] AS row MERGE (n:Label {id: row.id}) SET n += row.props,
  n:Entity`` in batches;
- per (type, start label, end label), ``UNWIND [...] AS row MATCH (a:Start {id: row.src})
  MATCH (b:End {id: row.dst}) MERGE (a)-[r:TYPE {id: row.id}]->(b) SET r += row.props``.

``MERGE`` on the stable ids makes the script idempotent: running it twice changes nothing.

>>> cypher_literal("it's"), cypher_literal(["a", 1, True, 2.5])
("'it\\'s'", "['a', 1, true, 2.5]")
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from graph_tool.export.common import export_props, node_labels, sorted_subgraph
from graph_tool.model import ENTITY_LABEL, NODE_TYPES, Label
from graph_tool.store.base import Subgraph

BATCH = 500
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ch in "\u2028\u2029" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _name(name: str) -> str:
    """A backquoted identifier (property keys come from the model, but quote anyway)."""
    return "`" + name.replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a property value (string, number, boolean, list, map)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Cypher has no literal for {value!r}")
        return repr(value)
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_name(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    return cypher_string(str(value))


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def cypher_statements(sub: Subgraph, batch: int = BATCH, constraints: bool = True) -> list[str]:
    """The script's statements, without the trailing ``;``."""
    sub = sorted_subgraph(sub)
    out: list[str] = []
    if constraints:
        out.append(f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE")
        for label in sorted({n.label for n in sub.nodes}):
            key = NODE_TYPES[Label(label)].key
            out.append(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")
    by_label: dict[str, list[Any]] = {}
    for n in sub.nodes:
        by_label.setdefault(n.label, []).append(n)
    for label, nodes in by_label.items():
        for chunk in _batches(nodes, batch):
            rows = ", ".join(
                cypher_literal({"id": n.id, "props": {k: v for k, v in export_props(n.props).items() if k != "id"}})
                for n in chunk
            )
            out.append(f"UNWIND [{rows}] AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props, n:{ENTITY_LABEL}")
    labels = node_labels(sub)
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for e in sub.edges:
        groups.setdefault((e.type, labels[e.source], labels[e.target]), []).append(e)
    for (rel, src, dst), edges in groups.items():
        for chunk in _batches(edges, batch):
            rows = ", ".join(
                cypher_literal(
                    {
                        "id": e.id,
                        "src": e.source,
                        "dst": e.target,
                        "props": {k: v for k, v in export_props(e.props).items() if k != "id"},
                    }
                )
                for e in chunk
            )
            out.append(
                f"UNWIND [{rows}] AS row MATCH (a:{src} {{id: row.src}}) MATCH (b:{dst} {{id: row.dst}}) "
                f"MERGE (a)-[r:{rel} {{id: row.id}}]->(b) SET r += row.props"
            )
    return out


def write_cypher(sub: Subgraph, batch: int = BATCH) -> bytes:
    """The script as UTF-8 bytes: comment lines, then one statement per line."""
    header = [
        "// graph-tool export: rebuilds a subgraph in Neo4j 5 (cypher-shell -f FILE).",
        f"// {len(sub.nodes)} nodes, {len(sub.edges)} relationships; MERGE on stable ids, safe to run twice.",
        "// One statement per line; every value is a literal.",
    ]
    body = [s + ";" for s in cypher_statements(sub, batch)]
    return ("\n".join([*header, *body]) + "\n").encode("utf-8")


def script_statements(text: str) -> list[str]:
    """The statements of a script written by :func:`write_cypher` (comments dropped).

    >>> script_statements("// c\\nRETURN 1;\\nRETURN 2;\\n")
    ['RETURN 1', 'RETURN 2']
    """
    return [line.rstrip().removesuffix(";") for line in text.splitlines() if line.strip() and not line.startswith("//")]
