"""Exports of any subgraph, one module per format, and the readers that take them back.

A subgraph is a ring, a saved query's result, an entity's neighbourhood, a source's
contribution or a whole case (:func:`select_subgraph`). :func:`export_subgraph` writes it
in one of :data:`FORMATS`; :mod:`graph_tool.importers` reads GraphML, GEXF, node-link
JSON, FtM and ANX back into a store.

>>> sorted(FORMATS)
['anx', 'cypher', 'ftm', 'gexf', 'graphml', 'html', 'json', 'neo4j-csv']
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_tool.export.anx import read_anx, write_anx
from graph_tool.export.cypher_script import write_cypher
from graph_tool.export.ftm import read_ftm, write_ftm
from graph_tool.export.gexf import read_gexf, write_gexf
from graph_tool.export.graphml import read_graphml, write_graphml
from graph_tool.export.neo4j_csv import write_neo4j_csv
from graph_tool.export.nodelink import read_json, write_json
from graph_tool.store.base import GraphStore, StoreError, Subgraph

Writer = Callable[[Subgraph], bytes]
Reader = Callable[[bytes], Subgraph]


class ExportError(ValueError):
    """An export could not be made; the message is safe to show."""


@dataclass(frozen=True)
class Format:
    """One export format: its name, file extension and what it is for."""

    name: str
    extension: str
    description: str
    writer: Writer | None = None  # None: written by a special path (a folder, or HTML)
    reader: Reader | None = None  # None: not importable


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "graphml", ".graphml", "GraphML 1.0 with typed keys (yEd, Cytoscape, networkx)", write_graphml, read_graphml
        ),
        Format("gexf", ".gexf", "GEXF 1.3 with typed attributes (Gephi)", write_gexf, read_gexf),
        Format("json", ".json", "networkx node-link JSON", write_json, read_json),
        Format("neo4j-csv", "", "a folder of CSV files for neo4j-admin database import full"),
        Format("cypher", ".cypher", "a Cypher script of MERGE statements with literal values", write_cypher),
        Format("ftm", ".ftm.json", "FollowTheMoney entities, JSON lines (Aleph, OpenSanctions)", write_ftm, read_ftm),
        Format("anx", ".anx", "i2 Analyst's Notebook chart exchange XML", write_anx, read_anx),
        Format("html", ".html", "the self-contained offline HTML view (graph_tool.viz)"),
    )
}
READERS: dict[str, Reader] = {name: f.reader for name, f in FORMATS.items() if f.reader is not None}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: where, how many bytes, their SHA-256, and the counts."""

    format: str
    path: Path
    files: tuple[Path, ...]
    size: int
    sha256: str
    nodes: int
    relationships: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": str(self.path),
            "files": [str(p) for p in self.files],
            "bytes": self.size,
            "sha256": self.sha256,
            "nodes": self.nodes,
            "relationships": self.relationships,
        }


def render_html(sub: Subgraph, title: str = "", banner: str | None = None) -> bytes:
    """The offline HTML view, from :mod:`graph_tool.viz` (``render_html``) when it exists."""
    try:
        viz = importlib.import_module("graph_tool.viz")
    except ImportError as exc:
        raise ExportError(f"the HTML view is not available in this version ({exc})") from None
    render = getattr(viz, "render_html", None)
    if render is None:
        raise ExportError("graph_tool.viz has no render_html(subgraph, title=..., banner=...)")
    result = render(sub, title=title or "graph-tool export", banner=banner)
    html = getattr(result, "html", result)  # viz returns a VizResult carrying the page
    return html.encode("utf-8") if isinstance(html, str) else bytes(html)


def export_bytes(sub: Subgraph, fmt: str, title: str = "", banner: str | None = None) -> bytes:
    """The subgraph in a single-file format, as bytes."""
    if fmt == "html":
        return render_html(sub, title=title, banner=banner)
    spec = FORMATS.get(fmt)
    if spec is None or spec.writer is None:
        raise ExportError(f"{fmt!r} is not a single-file format (known: {', '.join(FORMATS)})")
    return spec.writer(sub)


def export_subgraph(sub: Subgraph, fmt: str, out: Path, title: str = "", banner: str | None = None) -> ExportResult:
    """Write the subgraph to ``out`` (a file, or a folder for ``neo4j-csv``)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt == "neo4j-csv":
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} exists and is not a folder (neo4j-csv writes a folder)")
        written = write_neo4j_csv(sub, out)
        digest = hashlib.sha256()
        size = 0
        for path in sorted(written.files):
            data = path.read_bytes()
            size += len(data)
            digest.update(path.name.encode() + b"\0" + data)
        files = tuple(sorted(written.files))
        return ExportResult(fmt, out, files, size, digest.hexdigest(), len(sub.nodes), len(sub.edges))
    data = export_bytes(sub, fmt, title=title, banner=banner)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    digest_hex = hashlib.sha256(data).hexdigest()
    return ExportResult(fmt, out, (out,), len(data), digest_hex, len(sub.nodes), len(sub.edges))


def read_subgraph(data: bytes, fmt: str) -> Subgraph:
    """Parse an export (``graphml``, ``gexf``, ``json``, ``ftm`` or ``anx``) into a subgraph."""
    reader = READERS.get(fmt)
    if reader is None:
        raise ExportError(f"cannot read {fmt!r} (readable: {', '.join(READERS)})")
    return reader(data)


# -- choosing what to export -----------------------------------------------------------------


def ring_subgraph(store: GraphStore, ring_id: str, hops: int = 1, limit: int = 5000) -> Subgraph:
    """The nodes whose ``ring_id`` is ``ring_id`` and everything within ``hops`` of them."""
    rows = store.read("MATCH (n) WHERE n.ring_id = $ring RETURN n.id AS id", {"ring": ring_id})
    members = sorted({str(r["id"]) for r in rows})
    if not members:
        raise ExportError(f"no node has ring_id {ring_id!r} (run the ring analysis first)")
    sub = Subgraph()
    for member in members:
        sub = sub.merged(store.neighbourhood(member, hops=hops, limit=limit))
    ids = {n.id for n in sub.nodes}
    return Subgraph(sub.nodes, tuple(e for e in sub.edges if e.source in ids and e.target in ids))


def query_subgraph(store: GraphStore, query_id: str, params: Mapping[str, Any] | None = None) -> Subgraph:
    """The graph a saved query returns, with typed, bound parameters."""
    from graph_tool import querylib

    try:
        query = querylib.get(query_id)
        values = {k: v if isinstance(v, str) else str(v) for k, v in (params or {}).items()}
        bound = querylib.bind(query, values)
    except querylib.QueryError as exc:
        raise ExportError(str(exc)) from None
    if query.header.returns != "graph":
        raise ExportError(f"saved query {query_id!r} returns a table, not a graph")
    return store.read_subgraph(query.cypher_for(store.kind), bound)


def select_subgraph(
    store: GraphStore,
    *,
    entity: str | None = None,
    hops: int = 1,
    source: str | None = None,
    query: str | None = None,
    params: Mapping[str, Any] | None = None,
    ring: str | None = None,
    everything: bool = False,
    limit: int = 5000,
) -> Subgraph:
    """Exactly one selection: an entity's neighbourhood, a source, a saved query, a ring, or all."""
    chosen = [entity is not None, source is not None, query is not None, ring is not None, everything]
    if sum(chosen) != 1:
        raise ExportError("choose exactly one of: entity, source, query, ring, everything")
    try:
        if entity is not None:
            return store.neighbourhood(entity, hops=hops, limit=limit)
        if source is not None:
            return store.source_subgraph(source)
        if query is not None:
            return query_subgraph(store, query, params)
        if ring is not None:
            return ring_subgraph(store, ring, hops=hops, limit=limit)
        return store.whole_graph()
    except StoreError as exc:
        raise ExportError(str(exc)) from None


__all__ = [
    "FORMATS",
    "READERS",
    "ExportError",
    "ExportResult",
    "Format",
    "export_bytes",
    "export_subgraph",
    "read_subgraph",
    "render_html",
    "ring_subgraph",
    "select_subgraph",
]
