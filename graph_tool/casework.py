"""What an investigator asks of a case, as plain functions over the store contract.

The UI pages and the CLI call these: what is in the case and whether it is healthy,
search by whatever a person types (a name, a phone number, a document or account number,
normalised the way the loaders normalise), and an entity card (properties, roles,
provenance, findings, neighbours). Values go to Cypher only as ``$parameters``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph_tool.model import Label
from graph_tool.normalise import name_key, name_similarity, normalise_document_number, normalise_phone
from graph_tool.store.base import GraphStore, Node, Subgraph


@dataclass(frozen=True)
class SourceInfo:
    """One loaded source and what it contributed."""

    id: str
    name: str
    kind: str
    file: str
    rows: int | None
    loaded_at: str


@dataclass(frozen=True)
class CaseOverview:
    """What is in a case and its health."""

    store: str
    counts: dict[str, int]
    sources: list[SourceInfo]
    last_load: str | None
    health: dict[str, int]
    problems: list[str] = field(default_factory=list)

    @property
    def total_nodes(self) -> int:
        return sum(self.counts.get(lab.value, 0) for lab in Label)

    @property
    def total_relationships(self) -> int:
        return sum(v for k, v in self.counts.items() if k not in {lab.value for lab in Label})


def case_overview(store: GraphStore) -> CaseOverview:
    """Counts, sources, last load and health checks of a case.

    >>> from graph_tool.store.embedded import EmbeddedStore
    >>> import tempfile
    >>> from graph_tool.example import load_example
    >>> s = EmbeddedStore(tempfile.mkdtemp()); _ = load_example(s)
    >>> o = case_overview(s)
    >>> o.counts["Person"], [x.id for x in o.sources], o.health["invalid_phones"]
    (6, ['tiny-example'], 0)
    >>> s.close()
    """
    counts = store.counts()
    rows = store.read(
        f"MATCH (s:{Label.SOURCE}) RETURN s.id AS id, s.name AS name, s.kind AS kind, s.file AS file, "
        "s.rows AS rows, s.loaded_at AS loaded_at ORDER BY loaded_at, id"
    )
    sources = [
        SourceInfo(r["id"], r["name"] or r["id"], r["kind"] or "", r["file"] or "", r["rows"], r["loaded_at"] or "")
        for r in rows
    ]
    last = max((s.loaded_at for s in sources if s.loaded_at), default=None)
    health = {
        "invalid_phones": _count(store, f"MATCH (n:{Label.PHONE}) WHERE n.valid = false RETURN count(n) AS c"),
        "generic_phones": _count(store, f"MATCH (n:{Label.PHONE}) WHERE n.generic = true RETURN count(n) AS c"),
        "people_without_links": _count(store, f"MATCH (n:{Label.PERSON}) WHERE NOT (n)--() RETURN count(n) AS c"),
        "open_match_candidates": _count(
            store, f"MATCH (n:{Label.CANDIDATE}) WHERE n.status = 'open' RETURN count(n) AS c"
        ),
        "merged_people": _count(
            store, f"MATCH (n:{Label.PERSON}) WHERE n.merged_into IS NOT NULL RETURN count(n) AS c"
        ),
        "findings": counts.get(Label.FINDING.value, 0),
    }
    problems = []
    if not sources and any(counts.values()):
        problems.append("nodes without any Source record: provenance cannot be shown per file")
    if health["invalid_phones"]:
        problems.append(f"{health['invalid_phones']} phone numbers could not be normalised (kept raw, flagged)")
    if health["open_match_candidates"]:
        problems.append(
            f"{health['open_match_candidates']} possible duplicates wait for review (graph-tool matches list)"
        )
    return CaseOverview(store.describe(), counts, sources, last, health, problems)


def _count(store: GraphStore, cypher: str) -> int:
    rows = store.read(cypher)
    return int(rows[0]["c"]) if rows else 0


# -- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A search result: the entity, how it matched, and how well."""

    node: Node
    matched_on: str
    score: float


_PHONE_LIKE = re.compile(r"^[+(]?[\d\s().\-/]{6,}$")


def search(store: GraphStore, text: str, default_region: str = "GB", limit: int = 25) -> list[Hit]:
    """Find entities by what a person types: a name, phone, document or account number.

    The text is normalised the way the loaders normalise (E.164 for phones, separators
    and case for document numbers, transliterated keys for names), then looked up.

    >>> from graph_tool.store.embedded import EmbeddedStore
    >>> import tempfile
    >>> from graph_tool.example import load_example
    >>> s = EmbeddedStore(tempfile.mkdtemp()); _ = load_example(s)
    >>> [h.node.id for h in search(s, "wang jun")][:1]
    ['P-T03']
    >>> [h.node.id for h in search(s, "0912 345 678", default_region="VN")]
    ['T-T01']
    >>> [h.node.id for h in search(s, "cn-v0041877")]
    ['D-T01']
    >>> s.close()
    """
    text = text.strip()
    if not text:
        return []
    hits: dict[str, Hit] = {}

    def add(node: Node, how: str, score: float) -> None:
        if node.id not in hits or hits[node.id].score < score:
            hits[node.id] = Hit(node, how, score)

    for node in _exact_id(store, text):
        add(node, "id", 1.0)
    if _PHONE_LIKE.match(text):
        phone = normalise_phone(text, default_region)
        values = [v for v in {phone.e164, text} if v]
        for r in store.read(f"MATCH (n:{Label.PHONE}) WHERE n.number IN $v OR n.raw IN $v RETURN n", {"v": values}):
            add(r["n"], "phone number", 1.0 if phone.valid else 0.9)
    number = normalise_document_number(text)
    if len(number) >= 4:
        for r in store.read(f"MATCH (n:{Label.DOCUMENT}) WHERE n.number_norm = $v RETURN n", {"v": number}):
            add(r["n"], "document number", 1.0)
        digits = re.sub(r"\D", "", text)
        for r in store.read(
            f"MATCH (n:{Label.ACCOUNT}) WHERE n.number = $v OR n.number = $d RETURN n", {"v": text, "d": digits}
        ):
            add(r["n"], "account number", 1.0)
    key = name_key(text)
    if key:
        tokens = sorted(key.split(), key=len, reverse=True)
        for label in (Label.PERSON, Label.ORGANISATION):
            rows = store.read(f"MATCH (n:{label}) WHERE n.name_key CONTAINS $t RETURN n LIMIT 2000", {"t": tokens[0]})
            for r in rows:
                found: Node = r["n"]
                names = [str(found.props.get("name") or "")] + [str(a) for a in found.props.get("aliases") or []]
                best = max(name_similarity(text, n) for n in names if n) if any(names) else 0.0
                if best >= 0.6:
                    add(found, "name", round(best, 3))
    ranked = sorted(hits.values(), key=lambda h: (-h.score, h.node.label, h.node.id))
    return ranked[:limit]


def _exact_id(store: GraphStore, text: str) -> list[Node]:
    return store.nodes_anywhere([text])


# -- entity card ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityCard:
    """Everything about one entity that fits on a card."""

    node: Node
    neighbours: Subgraph
    by_type: dict[str, int]
    findings: list[dict[str, Any]]
    provenance: list[str]
    merged_into: str | None


def entity_card(store: GraphStore, entity_id: str, limit: int = 500) -> EntityCard:
    """The entity, its direct neighbours, its findings and where it came from.

    >>> from graph_tool.store.embedded import EmbeddedStore
    >>> import tempfile
    >>> from graph_tool.example import load_example
    >>> s = EmbeddedStore(tempfile.mkdtemp()); _ = load_example(s)
    >>> card = entity_card(s, "P-T03")
    >>> card.node.props["name"], card.by_type["INTRODUCED"], card.provenance[0].startswith("tiny-example:")
    ('Wang Jun', 2, True)
    >>> s.close()
    """
    sub = store.neighbourhood(entity_id, hops=1, limit=limit)
    node = next(n for n in sub.nodes if n.id == entity_id)
    by_type = Counter(e.type for e in sub.edges)
    findings = [
        {
            "id": n.id,
            "check": n.props.get("check"),
            "severity": n.props.get("severity"),
            "score": n.props.get("score"),
            "reason": n.props.get("reason"),
        }
        for n in sub.nodes
        if n.label == Label.FINDING
    ]
    findings.sort(key=lambda f: -float(f["score"] or 0))
    return EntityCard(
        node=node,
        neighbours=sub,
        by_type=dict(sorted(by_type.items())),
        findings=findings,
        provenance=[str(r) for r in node.props.get("source_refs") or []],
        merged_into=node.props.get("merged_into"),
    )
