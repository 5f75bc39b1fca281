"""Re-import of a partner's export (GraphML, GEXF, node-link JSON, FtM, ANX) into a store.

A file is parsed into a :class:`~graph_tool.store.base.Subgraph` by the format's reader
(:mod:`graph_tool.export`), then into node and relationship records merged by their stable
ids: a round trip adds nothing and loses nothing. The provenance of every record written
names the partner: its source is ``partner:<name>:<file name>``, and a Source node with that
id records the partner, file and SHA-256 (only when the import wrote something).

Two modes:

- default, **add**: only what the store does not have is written. Existing nodes and
  relationships are left exactly as they are (not even their provenance changes), so
  re-importing our own export into the store it came from changes nothing
  (``created == updated == 0``; they are counted as ``unchanged``/``skipped``).
- **merge**: every record is upserted; existing ones gain the partner source in their
  provenance, and a value the partner changed replaces ours (list properties accumulate),
  as for any other source.

The provenance fields of the file (``sources``, ``source_refs``, ``loaded_at``,
``updated_at``) describe the partner's store and are not imported.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_tool.export import READERS, ExportError, read_subgraph
from graph_tool.export.common import PROVENANCE_FIELDS, business_props
from graph_tool.model import NODE_TYPES, REL_TYPES, Label, Rel
from graph_tool.store import cypher
from graph_tool.store.base import EdgeRecord, GraphStore, NodeRecord, StoreError, Subgraph, WriteResult

IMPORT_FORMATS = tuple(READERS)
PARTNER_KIND = "partner export"
_NAME = re.compile(r"^[\w.\-]+$")


@dataclass(frozen=True)
class ImportedEdgeRecord(EdgeRecord):
    """An edge record that keeps the relationship id the file gives (ours, from an export)."""

    fixed_id: str = ""

    @property
    def id(self) -> str:
        return self.fixed_id or super().id


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    format: str
    source: str
    file: str
    sha256: str
    mode: str
    dry_run: bool
    nodes: WriteResult = field(default_factory=WriteResult)
    relationships: WriteResult = field(default_factory=WriteResult)
    skipped_nodes: int = 0
    skipped_relationships: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    source_node: str = ""

    @property
    def changed(self) -> bool:
        n, r = self.nodes, self.relationships
        return bool(n.created or n.updated or r.created or r.updated)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source": self.source,
            "file": self.file,
            "sha256": self.sha256,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "nodes": {**self.nodes.as_dict(), "skipped_existing": self.skipped_nodes},
            "relationships": {**self.relationships.as_dict(), "skipped_existing": self.skipped_relationships},
            "rejected": [{"record": ref, "reason": reason} for ref, reason in self.rejected],
            "source_node": self.source_node,
        }


def partner_source(partner: str, file: str | Path) -> str:
    """The source name of a partner's file.

    >>> partner_source("es-policia", "/tmp/ring 7.graphml")
    'partner:es-policia:ring 7.graphml'
    """
    if not partner or not _NAME.match(partner):
        raise ValueError(f"partner name {partner!r}: use letters, digits, '.', '-' or '_'")
    return f"partner:{partner}:{Path(file).name}"


def detect_format(path: Path, data: bytes) -> str:
    """The format of a file, from its name, else from its first bytes.

    >>> detect_format(Path("x.gexf"), b""), detect_format(Path("x"), b'{"id": "a", "schema": "Person"}')
    ('gexf', 'ftm')
    """
    name = path.name.lower()
    for suffix, fmt in ((".graphml", "graphml"), (".gexf", "gexf"), (".anx", "anx"), (".ftm.json", "ftm")):
        if name.endswith(suffix):
            return fmt
    if name.endswith((".jsonl", ".ijson", ".ftm")):
        return "ftm"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        text = head.decode("utf-8", "replace")
        for marker, fmt in (("<graphml", "graphml"), ("<gexf", "gexf"), ("<Chart", "anx")):
            if marker in text:
                return fmt
        raise ExportError(f"{path.name}: XML that is neither GraphML, GEXF nor ANX")
    first_line = head.split(b"\n", 1)[0]
    if b'"schema"' in first_line and b'"nodes"' not in first_line:
        return "ftm"
    if head.startswith(b"{"):
        return "json"
    raise ExportError(f"{path.name}: cannot tell the format; pass --format ({', '.join(IMPORT_FORMATS)})")


def records(
    sub: Subgraph, source: str, known_labels: Mapping[str, str] | None = None
) -> tuple[list[NodeRecord], list[ImportedEdgeRecord], list[tuple[str, str]]]:
    """Node and relationship records from a parsed file; what cannot be one is rejected.

    ``known_labels`` gives the labels of relationship ends that are not in the file (those
    already in the store).
    """
    rejected: list[tuple[str, str]] = []
    nodes: list[NodeRecord] = []
    labels: dict[str, str] = dict(known_labels or {})
    seen: dict[str, str] = {}
    for n in sub.nodes:
        if n.label not in _LABELS:
            rejected.append((f"node:{n.id}", f"unknown node label {n.label!r}"))
            continue
        if not n.id:
            rejected.append((f"node:{n.label}", "a node without an id"))
            continue
        if seen.get(n.id, n.label) != n.label:
            rejected.append((f"node:{n.id}", f"the id is used for both {seen[n.id]} and {n.label}"))
            continue
        seen[n.id] = n.label
        labels[n.id] = n.label
        declared = {p.name for p in NODE_TYPES[Label(n.label)].all_properties}
        props = {k: v for k, v in business_props(n.props).items() if k in declared}
        nodes.append(NodeRecord(Label(n.label), n.id, props, source, n.id))
    edges: list[ImportedEdgeRecord] = []
    for e in sub.edges:
        ref = f"relationship:{e.id}"
        if e.type not in _RELS:
            rejected.append((ref, f"unknown relationship type {e.type!r}"))
            continue
        rel = Rel(e.type)
        start, end = labels.get(e.source), labels.get(e.target)
        if start is None or end is None:
            missing = e.source if start is None else e.target
            rejected.append((ref, f"{e.type}: no node {missing!r} in the file or the store"))
            continue
        if (Label(start), Label(end)) not in REL_TYPES[rel].pairs:
            rejected.append((ref, f"{e.type}: the model does not allow {start} -> {end}"))
            continue
        declared = {p.name for p in REL_TYPES[rel].all_properties}
        props = {k: v for k, v in business_props(e.props).items() if k in declared and k not in PROVENANCE_FIELDS}
        edges.append(
            ImportedEdgeRecord(rel, Label(start), e.source, Label(end), e.target, props, source, e.id, fixed_id=e.id)
        )
    return nodes, edges, rejected


_LABELS = frozenset(label.value for label in Label)
_RELS = frozenset(rel.value for rel in Rel)


def _existing_node_labels(store: GraphStore, ids: Sequence[str]) -> dict[str, str]:
    """Which of ``ids`` the store has, with their labels."""
    found: dict[str, str] = {}
    if not ids:
        return found
    for node in store.nodes_anywhere(ids):
        found[node.id] = node.label
    return found


def _existing_edge_ids(store: GraphStore, rel: Rel, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    return {str(r["id"]) for r in store.read(cypher.existing_edge_ids(rel), {"ids": list(ids)})}


def import_subgraph(
    store: GraphStore,
    sub: Subgraph,
    source: str,
    *,
    fmt: str = "",
    file: str = "",
    sha256: str = "",
    partner: str = "",
    merge: bool = False,
    dry_run: bool = False,
    source_node: bool = True,
) -> ImportReport:
    """Merge a parsed file into ``store`` by stable ids (see the module docstring)."""
    report = ImportReport(fmt, source, file, sha256, "merge" if merge else "add", dry_run)
    ids = sorted({n.id for n in sub.nodes} | {e.source for e in sub.edges} | {e.target for e in sub.edges})
    existing = _existing_node_labels(store, ids)
    file_labels = {n.id: n.label for n in sub.nodes}
    clash = sorted(i for i, lab in file_labels.items() if i in existing and existing[i] != lab)
    for node_id in clash:
        report.rejected.append((f"node:{node_id}", f"the store has {node_id!r} as {existing[node_id]}"))
    clean = Subgraph(tuple(n for n in sub.nodes if n.id not in clash), sub.edges)
    node_recs, edge_recs, rejected = records(clean, source, existing)
    report.rejected.extend(rejected)

    if merge:
        new_nodes, new_edges = node_recs, edge_recs
    else:
        new_nodes = [r for r in node_recs if r.id not in existing]
        report.skipped_nodes = len(node_recs) - len(new_nodes)
        by_rel: dict[Rel, list[ImportedEdgeRecord]] = {}
        for rec in edge_recs:
            by_rel.setdefault(Rel(rec.type), []).append(rec)
        have: set[str] = set()
        for rel, recs in by_rel.items():
            have |= _existing_edge_ids(store, rel, sorted({r.id for r in recs}))
        new_edges = [r for r in edge_recs if r.id not in have]
        report.skipped_relationships = len(edge_recs) - len(new_edges)

    if dry_run:
        report.nodes.created = len({r.id for r in new_nodes if r.id not in existing})
        report.nodes.unchanged = report.skipped_nodes + len(new_nodes) - report.nodes.created
        report.relationships.created = len(new_edges)
        report.relationships.unchanged = report.skipped_relationships
        return report
    try:
        report.nodes = store.upsert_nodes(new_nodes)
        report.relationships = store.upsert_edges(new_edges)
    except StoreError as exc:
        raise ExportError(f"the store refused the import: {exc}") from None
    report.nodes.unchanged += report.skipped_nodes
    report.relationships.unchanged += report.skipped_relationships
    report.rejected.extend(report.relationships.rejected)
    report.relationships.rejected = []
    if source_node and report.changed:
        props: dict[str, Any] = {"name": source, "kind": PARTNER_KIND, "file": file, "partner": partner}
        props.update(sha256=sha256, rows=len(sub.nodes) + len(sub.edges))
        store.upsert_nodes([NodeRecord(Label.SOURCE, source, props, source)])
        report.source_node = source
    return report


def import_file(
    store: GraphStore,
    path: Path,
    partner: str,
    fmt: str = "auto",
    *,
    merge: bool = False,
    dry_run: bool = False,
    source_node: bool = True,
) -> ImportReport:
    """Read a partner's file and merge it into ``store``; see :func:`import_subgraph`."""
    data = path.read_bytes()
    chosen = detect_format(path, data) if fmt == "auto" else fmt
    if chosen not in READERS:
        raise ExportError(f"cannot import {chosen!r} (importable: {', '.join(IMPORT_FORMATS)})")
    try:
        sub = read_subgraph(data, chosen)
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise ExportError(f"{path.name} is not valid {chosen}: {type(exc).__name__}: {exc}") from None
    source = partner_source(partner, path)
    return import_subgraph(
        store,
        sub,
        source,
        fmt=chosen,
        file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        partner=partner,
        merge=merge,
        dry_run=dry_run,
        source_node=source_node,
    )
