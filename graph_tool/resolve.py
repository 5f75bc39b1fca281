"""Identity resolution with human review: find, explain, accept, reject and undo matches.

The loaders already give one node to one normalised identifier (the same E.164 phone, the
same normalised document number). What they cannot decide is whether two *different* nodes
are one person: "Nguyễn Thị Lan" born 1990-05-01 and "NGUYEN THI LAN" born 1990-05-01 are
probably one woman recorded twice; two "Nguyen Van Hung" with nothing else in common are
probably two men. This module never merges silently:

1. :func:`find_candidates` proposes pairs, found by *blocking* (same birth date, a shared
   name token with similar names, a shared document, phone or account) and scored property
   by property. Each proposal is stored as a ``MatchCandidate`` node (status ``open``) with
   ``CANDIDATE_FOR`` relationships to both entities, its explanation in JSON.
2. An analyst reads the explanation and calls :func:`accept` or :func:`reject`, with a
   reason; who, when and why are recorded on the candidate.
3. :func:`accept` merges the right entity into the left one without deleting anything: the
   survivor gains the other's name as an alias, the aliases it lacks and the properties it
   has empty; every relationship of the merged node is re-created on the survivor (same
   type, properties and provenance, a new stable id whose key names the merge); the merged
   node keeps its own relationships and gets ``merged_into`` = the survivor's id. What was
   added is written to the candidate's ``merge_record``, so :func:`undo` can take exactly
   that away again.

**Analyses must ignore nodes whose ``merged_into`` is set** (their relationships live on,
copied, on the survivor) and ``MatchCandidate`` nodes: :func:`resolved_view` does both for
a subgraph, :func:`active_clause` gives the Cypher condition.

Scores
------
Each property adds log-odds points (:class:`Evidence.weight`) to a prior; the combined
score is the logistic of the sum (:func:`combine`), in [0, 1]. A name alone, however
exact, never reaches the default threshold of 0.75: a birth date, a shared document, phone
or account must agree as well. A conflicting birth date (or sex) pulls the score down and is
said so in the explanation. Names are compared with :func:`graph_tool.normalise.name_key`
(transliterated, case-folded, token-sorted) and rapidfuzz's ``token_sort_ratio``, exactly as
:func:`graph_tool.normalise.name_similarity` does; a name shared by many people in the case
counts for less.

Privacy: explanations quote names and dates because they are stored in the case for the
analyst; log messages carry only ids and counts.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from graph_tool import audit
from graph_tool.model import NODE_TYPES, Label, PropType, Rel
from graph_tool.normalise import name_key
from graph_tool.store.base import (
    MANAGED,
    EdgeRecord,
    GraphStore,
    Node,
    NodeRecord,
    StoreError,
    Subgraph,
    utc_now,
)

log = logging.getLogger(__name__)

# Provenance of the MatchCandidate nodes and their CANDIDATE_FOR relationships.
RESOLVE_SOURCE = "identity-resolution"

OPEN, ACCEPTED, REJECTED, UNDONE = "open", "accepted", "rejected", "undone"
STATUSES: tuple[str, ...] = NODE_TYPES[Label.CANDIDATE].prop("status").choices
assert set(STATUSES) == {OPEN, ACCEPTED, REJECTED, UNDONE}, "candidate statuses differ from the model"

MERGED_INTO = "merged_into"
ALIASES = "aliases"


class ResolveError(StoreError):
    """A resolution step was refused (unknown candidate, wrong status, ...); safe to show."""


# --- Scoring: pure functions --------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """Log-odds points each kind of evidence adds to the score; ``prior`` is the start.

    The defaults are set so that an exact name alone (+3.0 on a prior of -2.5) scores 0.62,
    under the default threshold, and needs a birth date, document, phone or account to agree.
    """

    prior: float = -2.5
    name_max: float = 3.0  # identical name keys
    name_min: float = -4.0  # unrelated names
    name_pivot: float = 0.80  # similarity worth nothing either way
    name_slope: float = 15.0  # points per unit of similarity around the pivot
    subset_similarity: float = 0.90  # "Tran Mai" inside "Tran Thi Mai"
    common_name_max: float = 2.0  # largest discount for a name many people share
    date_equal: float = 3.0
    date_equal_month: float = 1.0  # equal or compatible to the month
    date_equal_year: float = 0.5  # equal or compatible to the year
    date_swapped: float = 1.0  # day and month swapped
    date_one_part: float = -1.0  # one of year, month, day differs: a typing error or not
    date_conflict: float = -4.0
    nationality_equal: float = 0.3
    nationality_conflict: float = -1.0
    sex_equal: float = 0.0
    sex_conflict: float = -2.0
    shared: Mapping[str, float] = field(
        default_factory=lambda: {"shared_document": 3.0, "shared_account": 2.0, "shared_phone": 1.5}
    )


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Evidence:
    """One property's contribution to a match: what was compared, the verdict, the points."""

    prop: str  # name, birth_date, nationality, sex, name_frequency, shared_document, ...
    verdict: str  # equal, similar, different, compatible, conflicting, shared, ...
    weight: float  # log-odds points added to the score (negative: against a match)
    detail: str  # the plain-language sentence an analyst reads
    left: Any = None
    right: Any = None
    similarity: float | None = None
    items: tuple[str, ...] = ()  # ids of shared documents, phones, accounts

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "prop": self.prop,
            "verdict": self.verdict,
            "weight": round(self.weight, 3),
            "detail": self.detail,
        }
        if self.left is not None:
            out["left"] = self.left
        if self.right is not None:
            out["right"] = self.right
        if self.similarity is not None:
            out["similarity"] = round(self.similarity, 3)
        if self.items:
            out["items"] = list(self.items)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(
            prop=str(data["prop"]),
            verdict=str(data["verdict"]),
            weight=float(data["weight"]),
            detail=str(data.get("detail", "")),
            left=data.get("left"),
            right=data.get("right"),
            similarity=data.get("similarity"),
            items=tuple(data.get("items") or ()),
        )


@dataclass(frozen=True)
class Comparison:
    """The combined score of a pair, its evidence and a plain-language summary."""

    score: float
    evidence: tuple[Evidence, ...]
    summary: str


def combine(weights: Iterable[float], prior: float = DEFAULT_WEIGHTS.prior) -> float:
    """Combine log-odds points into a score in [0, 1] (the logistic of prior + sum).

    >>> combine([])  # no evidence at all
    0.0759
    >>> combine([3.0])  # an exact name, nothing else
    0.6225
    >>> combine([3.0, 3.0])  # an exact name and the same birth date
    0.9707
    """
    total = prior + sum(weights)
    return round(1.0 / (1.0 + math.exp(-total)), 4)


def candidate_id(label: Label | str, a: str, b: str) -> str:
    """Stable candidate id from the label and the *sorted* pair of entity ids.

    >>> candidate_id(Label.PERSON, "P-2", "P-1") == candidate_id(Label.PERSON, "P-1", "P-2")
    True
    >>> candidate_id(Label.PERSON, "P-1", "P-2").startswith("MC-")
    True
    """
    lo, hi = sorted((a, b))
    digest = hashlib.sha256(f"{label}\x1f{lo}\x1f{hi}".encode()).hexdigest()
    return f"MC-{digest[:20]}"


def key_similarity(a: str, b: str) -> float:
    """Similarity of two name keys: ``token_sort_ratio`` as a fraction (as ``name_similarity``).

    >>> key_similarity("lan nguyen thi", "lan nguyen thi")
    1.0
    >>> round(key_similarity("lan nguyen thi", "lann nguyen thi"), 2)
    0.97
    """
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b)) / 100.0


_cached_key = lru_cache(maxsize=100_000)(name_key)


def _is_subset(short: str, long: str) -> bool:
    s, t = short.split(), long.split()
    return len(s) >= 2 and len(s) < len(t) and not (Counter(s) - Counter(t))


def compare_names(
    left: Sequence[str],
    right: Sequence[str],
    name_counts: Mapping[str, int] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Evidence]:
    """Compare every spelling of two entities (name first, then aliases); keep the best pair.

    Returns the name evidence and, when the matching name is shared by three or more
    entities of the case (``name_counts``: name key -> how many entities carry it), a
    ``name_frequency`` discount.

    >>> [e.verdict for e in compare_names(["Nguyễn Thị Lan"], ["NGUYEN THI LAN"])]
    ['equal']
    >>> e = compare_names(["Nguyễn Thị Lan"], ["Nguyen Thi Lann"])[0]
    >>> e.verdict, round(e.similarity, 3), round(e.weight, 2)
    ('similar', 0.966, 2.48)
    >>> compare_names(["Tran Mai"], ["Tran Thi Mai"])[0].verdict
    'shorter form'
    >>> compare_names(["Anna Eriksson"], ["Tran Van Minh"])[0].weight
    -4.0
    >>> [e.prop for e in compare_names(["Nguyen Van Hung"], ["Nguyen Van Hung"], {"hung nguyen van": 5})]
    ['name', 'name_frequency']
    """
    lkeys = [(n, _cached_key(n)) for n in left if n]
    rkeys = [(n, _cached_key(n)) for n in right if n]
    best: tuple[float, str, str, str, str, str] | None = None  # (sim, verdict, lname, rname, lkey, rkey)
    for ln, lk in lkeys:
        for rn, rk in rkeys:
            if not lk or not rk:
                continue
            sim = key_similarity(lk, rk)
            verdict = "equal" if lk == rk else "similar"
            if lk != rk and (_is_subset(lk, rk) or _is_subset(rk, lk)) and sim < weights.subset_similarity:
                sim, verdict = weights.subset_similarity, "shorter form"
            if best is None or sim > best[0]:
                best = (sim, verdict, ln, rn, lk, rk)
    if best is None:
        return []
    sim, verdict, ln, rn, lk, rk = best
    weight = round(max(weights.name_min, min(weights.name_max, weights.name_slope * (sim - weights.name_pivot))), 3)
    if verdict == "similar" and sim < weights.name_pivot:
        verdict = "different"
    phrases = {
        "equal": "names match after transliteration",
        "similar": f"names are similar ({sim:.2f})",
        "shorter form": "one name is the other without a middle name",
        "different": f"names differ ({sim:.2f})",
    }
    detail = f'{phrases[verdict]}: "{ln}" / "{rn}"'
    out = [Evidence("name", verdict, weight, detail, ln, rn, sim)]
    count = (name_counts or {}).get(lk, 0) if lk == rk else 0
    if count >= 3:
        discount = -min(weights.common_name_max, math.log(count - 1))
        out.append(
            Evidence(
                "name_frequency",
                "common",
                discount,
                f"{count} entities in the case carry this name, so it says less",
                similarity=None,
            )
        )
    return out


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def compare_dates(prop: str, a: Any, b: Any, weights: Weights = DEFAULT_WEIGHTS) -> Evidence | None:
    """Compare two ISO dates, possibly partial (``1990``, ``1990-05``); None if one is missing.

    >>> compare_dates("birth_date", "1990-05-01", "1990-05-01").verdict
    'equal'
    >>> compare_dates("birth_date", "1990", "1990-05-01").verdict
    'compatible'
    >>> compare_dates("birth_date", "1990-05-01", "1990-01-05").verdict
    'swapped'
    >>> e = compare_dates("birth_date", "1990-05-01", "1985-11-23")
    >>> e.verdict, e.weight
    ('conflicting', -4.0)
    >>> compare_dates("birth_date", None, "1990") is None
    True
    """
    if a in (None, "") or b in (None, ""):
        return None
    sa, sb = str(a).strip(), str(b).strip()
    what = prop.replace("_", " ")
    ma, mb = _ISO_DATE.match(sa), _ISO_DATE.match(sb)
    if ma is None or mb is None:
        if sa == sb:
            return Evidence(prop, "equal", weights.date_equal_year, f"same {what} ({sa})", sa, sb)
        return Evidence(prop, "unclear", 0.0, f"{what}s are not ISO dates and differ ({sa} / {sb})", sa, sb)
    pa = [p for p in ma.groups() if p]
    pb = [p for p in mb.groups() if p]
    common = min(len(pa), len(pb))
    precision = {1: weights.date_equal_year, 2: weights.date_equal_month, 3: weights.date_equal}
    if pa[:common] == pb[:common]:
        if len(pa) == len(pb):
            verdict, detail = "equal", f"same {what} ({sa})"
        else:
            verdict, detail = "compatible", f"{what}s agree as far as both are known ({sa} / {sb})"
        return Evidence(prop, verdict, precision[common], detail, sa, sb)
    if len(pa) == len(pb) == 3:
        if pa[0] == pb[0] and pa[1] == pb[2] and pa[2] == pb[1]:
            return Evidence(
                prop, "swapped", weights.date_swapped, f"{what}s with day and month swapped ({sa} / {sb})", sa, sb
            )
        if sum(x != y for x, y in zip(pa, pb, strict=True)) == 1:
            return Evidence(
                prop, "one part differs", weights.date_one_part, f"{what}s differ in one part ({sa} / {sb})", sa, sb
            )
    return Evidence(prop, "conflicting", weights.date_conflict, f"{what}s conflict ({sa} / {sb})", sa, sb)


def compare_codes(prop: str, a: Any, b: Any, weights: Weights = DEFAULT_WEIGHTS) -> Evidence | None:
    """Compare a coded property (``nationality``, ``sex``); None if one is missing or unknown.

    >>> compare_codes("nationality", "VN", "vn").verdict
    'equal'
    >>> e = compare_codes("nationality", "VN", "KH")
    >>> e.verdict, e.weight
    ('conflicting', -1.0)
    >>> compare_codes("sex", "female", "unknown") is None
    True
    """
    if a in (None, "") or b in (None, ""):
        return None
    sa, sb = str(a).strip(), str(b).strip()
    if prop == "sex" and ({sa.lower(), sb.lower()} & {"unknown", "other"}):
        return None
    equal_w, conflict_w = {
        "nationality": (weights.nationality_equal, weights.nationality_conflict),
        "sex": (weights.sex_equal, weights.sex_conflict),
    }.get(prop, (0.0, 0.0))
    if sa.casefold() == sb.casefold():
        return Evidence(prop, "equal", equal_w, f"same {prop} ({sa})", sa, sb)
    return Evidence(prop, "conflicting", conflict_w, f"{prop} conflicts ({sa} / {sb})", sa, sb)


_SHARED_WORDS = {
    "shared_document": "document",
    "shared_phone": "phone",
    "shared_account": "account",
}


def compare_shared(kind: str, items: Sequence[str], weights: Weights = DEFAULT_WEIGHTS) -> Evidence | None:
    """Evidence from identifiers both entities are linked to (ids of documents, phones...).

    >>> compare_shared("shared_document", ["D-0001"]).detail
    'both hold document D-0001 (one person recorded twice, or a shared or forged document)'
    >>> compare_shared("shared_phone", []) is None
    True
    """
    if not items:
        return None
    word = _SHARED_WORDS.get(kind, kind.removeprefix("shared_"))
    ids = ", ".join(items)
    if kind == "shared_document":
        detail = f"both hold {word} {ids} (one person recorded twice, or a shared or forged document)"
    elif kind == "shared_phone":
        detail = f"both use {word} {ids}"
    else:
        detail = f"both own {word} {ids}"
    return Evidence(kind, "shared", weights.shared.get(kind, 1.0), detail, items=tuple(items))


def _names_of(props: Mapping[str, Any]) -> list[str]:
    names = [str(props["name"])] if props.get("name") else []
    names.extend(str(a) for a in (props.get(ALIASES) or []) if a and str(a) not in names)
    return names


def summarise(score: float, evidence: Sequence[Evidence], what: str = "person") -> str:
    """One plain-language sentence: the verdict, then what speaks for and against.

    >>> summarise(0.97, [Evidence("birth_date", "equal", 3.0, "same birth date (1990-05-01)")])
    'Very likely the same person (score 0.97): same birth date (1990-05-01).'
    """
    if score >= 0.9:
        head = f"Very likely the same {what}"
    elif score >= 0.75:
        head = f"Possibly the same {what}"
    elif score >= 0.5:
        head = f"Uncertain whether the same {what}"
    else:
        head = f"Probably different {what}s" if what != "person" else "Probably different people"
    pro = [e.detail for e in sorted(evidence, key=lambda e: -e.weight) if e.weight > 0]
    con = [e.detail for e in sorted(evidence, key=lambda e: e.weight) if e.weight < 0]
    text = f"{head} (score {score:.2f})"
    if pro:
        text += ": " + "; ".join(pro)
    if con:
        text += ("; but " if pro else ": ") + "; ".join(con)
    return text + "."


def compare(
    left: Mapping[str, Any],
    right: Mapping[str, Any],
    shared: Mapping[str, Sequence[str]] | None = None,
    name_counts: Mapping[str, int] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    what: str = "person",
) -> Comparison:
    """Score two entities' properties, property by property, with a summary.

    ``shared`` maps ``shared_document`` / ``shared_phone`` / ``shared_account`` to the ids
    both are linked to; ``name_counts`` maps a name key to how many entities carry it.

    >>> lan = {"name": "Nguyễn Thị Lan", "birth_date": "1990-05-01", "nationality": "VN"}
    >>> c = compare(lan, {"name": "NGUYEN THI LAN", "birth_date": "1990-05-01", "nationality": "VN"})
    >>> c.score, [(e.prop, e.verdict) for e in c.evidence]
    (0.9781, [('name', 'equal'), ('birth_date', 'equal'), ('nationality', 'equal')])
    >>> c = compare(lan, {"name": "Nguyen Thi Lan", "birth_date": "1985-11-23"})
    >>> c.score < 0.1, c.summary.split(": ")[0]
    (True, 'Probably different people (score 0.03)')
    >>> compare({"name": "Tran Thi Mai"}, {"name": "Tran Thi Mai"}, {"shared_document": ["D-1"]}).score
    0.9707
    """
    evidence: list[Evidence] = []
    evidence.extend(compare_names(_names_of(left), _names_of(right), name_counts, weights))
    for prop in ("birth_date",):
        e = compare_dates(prop, left.get(prop), right.get(prop), weights)
        if e is not None:
            evidence.append(e)
    for prop in ("nationality", "sex"):
        e = compare_codes(prop, left.get(prop), right.get(prop), weights)
        if e is not None:
            evidence.append(e)
    for kind in sorted(shared or {}):
        e = compare_shared(kind, sorted((shared or {})[kind]), weights)
        if e is not None:
            evidence.append(e)
    score = combine((e.weight for e in evidence), weights.prior)
    return Comparison(score, tuple(evidence), summarise(score, evidence, what))


# --- Candidates as stored ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A possible match between two entities, as stored in a ``MatchCandidate`` node."""

    id: str
    label: Label
    left_id: str
    right_id: str
    score: float
    evidence: tuple[Evidence, ...]
    summary: str
    status: str = OPEN
    found_by: tuple[str, ...] = ()
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    record: Mapping[str, Any] = field(default_factory=dict)  # the parsed merge_record

    def explanation(self) -> dict[str, Any]:
        """The explanation as stored: summary, how the pair was found, the evidence."""
        return {
            "summary": self.summary,
            "found_by": list(self.found_by),
            "evidence": [e.as_dict() for e in self.evidence],
        }

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "id": self.id,
            "label": str(self.label),
            "left_id": self.left_id,
            "right_id": self.right_id,
            "score": self.score,
            "status": self.status,
            **self.explanation(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "reason": self.reason,
            "merge_record": dict(self.record) or None,
        }

    def node_props(self) -> dict[str, Any]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "entity_label": str(self.label),
            "score": self.score,
            "explanation": _dumps(self.explanation()),
            "status": self.status,
        }

    @classmethod
    def from_node(cls, node: Node) -> Candidate:
        p = node.props
        try:
            explanation = json.loads(p.get("explanation") or "{}")
        except json.JSONDecodeError:
            explanation = {}
        try:
            record = json.loads(p.get("merge_record") or "{}")
        except json.JSONDecodeError:
            record = {}
        return cls(
            id=node.id,
            label=Label(p.get("entity_label") or Label.PERSON),
            left_id=str(p.get("left_id", "")),
            right_id=str(p.get("right_id", "")),
            score=float(p.get("score") or 0.0),
            evidence=tuple(Evidence.from_dict(e) for e in explanation.get("evidence", [])),
            summary=str(explanation.get("summary", "")),
            status=str(p.get("status") or OPEN),
            found_by=tuple(explanation.get("found_by", [])),
            decided_by=p.get("decided_by"),
            decided_at=p.get("decided_at"),
            reason=p.get("reason"),
            record=record,
        )


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def resolvable_labels() -> list[Label]:
    """Labels whose nodes can be merged: those the model gives a ``merged_into`` property."""
    return [lab for lab, nt in NODE_TYPES.items() if any(p.name == MERGED_INTO for p in nt.properties)]


def _check_label(label: Label | str) -> Label:
    lab = Label(label)
    if lab not in resolvable_labels():
        known = ", ".join(str(x) for x in resolvable_labels())
        raise ResolveError(f"{lab} nodes cannot be resolved (the model gives them no {MERGED_INTO}); use {known}")
    return lab


# --- Finding candidates ----------------------------------------------------------------


@dataclass(frozen=True)
class SharedLink:
    """An identifier node that, linked to two entities, speaks for them being one."""

    rel: Rel
    target: Label
    evidence: str  # the Evidence.prop it gives


SHARED_LINKS: dict[Label, tuple[SharedLink, ...]] = {
    Label.PERSON: (
        SharedLink(Rel.HOLDS, Label.DOCUMENT, "shared_document"),
        SharedLink(Rel.USES, Label.PHONE, "shared_phone"),
        SharedLink(Rel.OWNS, Label.ACCOUNT, "shared_account"),
    ),
}


def active_clause(var: str = "n") -> str:
    """Cypher condition keeping nodes not merged into another (for both stores).

    >>> active_clause("p")
    'p.merged_into IS NULL'
    """
    return f"{var}.{MERGED_INTO} IS NULL"


def resolved_view(sub: Subgraph) -> Subgraph:
    """A subgraph without merged nodes, ``MatchCandidate`` nodes and their relationships.

    After an accepted merge the survivor carries copies of the merged node's relationships,
    so this view counts each tie once.

    >>> from graph_tool.store.base import Edge
    >>> sub = Subgraph((Node(Label.PERSON, "p1"), Node(Label.PERSON, "p2", {"merged_into": "p1"})),
    ...                (Edge(Rel.ASSOCIATE_OF, "e1", "p1", "p2"),))
    >>> [n.id for n in resolved_view(sub).nodes], resolved_view(sub).edges
    (['p1'], ())
    """
    keep = {n.id: n for n in sub.nodes if not n.props.get(MERGED_INTO) and n.label != Label.CANDIDATE}
    edges = tuple(e for e in sub.edges if e.source in keep and e.target in keep)
    return Subgraph(tuple(keep.values()), edges)


# What :func:`compare` and the blocking read of an entity; reading only these (not whole
# nodes with their provenance lists) halves the time of proposing matches over a big case.
_COMPARED_PROPS = ("name", ALIASES, "birth_date", "nationality", "sex")


def _active_nodes(store: GraphStore, label: Label) -> dict[str, Node]:
    declared = {p.name for p in NODE_TYPES[label].all_properties}
    props = [p for p in _COMPARED_PROPS if p in declared]
    columns = ", ".join(["n.id AS id", *(f"n.{p} AS {p}" for p in props)])
    rows = store.read(f"MATCH (n:{label}) WHERE {active_clause('n')} RETURN {columns}", timeout=600.0)
    return {str(r["id"]): Node(label, str(r["id"]), {p: r[p] for p in props if r[p] is not None}) for r in rows}


def _name_keys(node: Node) -> list[str]:
    keys: list[str] = []
    for name in _names_of(node.props):
        k = _cached_key(name)
        if k and k not in keys:
            keys.append(k)
    return keys


def _pairs_among(ids: Iterable[str]) -> Iterable[tuple[str, str]]:
    ordered = sorted(set(ids))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


def _name_similarity_needed(threshold: float, date_points: float, weights: Weights) -> float:
    """Least name similarity with which a pair can reach ``threshold`` when its birth dates
    add ``date_points`` and its nationality and sex agree (no shared identifier)."""
    if threshold <= 0.0:
        return 0.0
    p = min(threshold, 1.0 - 1e-9)
    others = max(weights.nationality_equal, 0.0) + max(weights.sex_equal, 0.0) + date_points
    need = math.log(p / (1.0 - p)) - weights.prior - others
    return weights.name_pivot + need / weights.name_slope


def _name_only_floor(threshold: float, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """Least name similarity with which a pair that shares only similar names can reach ``threshold``.

    Such a pair has no shared identifier and no equal full birth date (those pairs come from
    other blocks), so at most nationality, sex and a partial or swapped date add to its name.

    >>> round(_name_only_floor(0.75), 3)
    0.953
    >>> _name_only_floor(0.0)
    0.0
    """
    partial = max(weights.date_equal_month, weights.date_swapped, weights.date_equal_year, 0.0)
    return _name_similarity_needed(threshold, partial, weights)


def _least_name_similarity(threshold: float, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """Least name similarity with which a pair without shared identifiers can reach ``threshold``,
    however well its birth date, nationality and sex agree.

    >>> round(_least_name_similarity(0.75), 3)
    0.82
    >>> _least_name_similarity(0.0)
    0.0
    """
    return _name_similarity_needed(threshold, max(weights.date_equal, 0.0), weights)


def _names_could_reach(left: Sequence[str], right: Sequence[str], least: float, weights: Weights) -> bool:
    """Whether any spelling pair is at least ``least`` similar as :func:`compare_names` scores
    it (a shorter form counts as ``subset_similarity``): a cheap test before a full comparison.
    The margin keeps pairs the score's rounding could lift over the threshold.
    """
    if not left or not right:  # no name evidence at all: its weight is 0, the pivot's
        return least <= weights.name_pivot
    cutoff = max(0.0, least - 0.01) * 100
    for lk in left:
        for rk in right:
            if lk == rk or fuzz.token_sort_ratio(lk, rk, score_cutoff=cutoff):
                return True
            if weights.subset_similarity * 100 >= cutoff and (_is_subset(lk, rk) or _is_subset(rk, lk)):
                return True
    return False


def _similar_key_pairs(keys: Sequence[str], cutoff: float) -> list[tuple[int, int]]:
    """Index pairs (i < j) of keys whose similarity is at least ``cutoff``."""
    if len(keys) < 2:
        return []
    scores = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff * 100, dtype=np.uint8)
    ii, jj = np.nonzero(np.triu(scores, 1))
    return [(int(i), int(j)) for i, j in zip(ii, jj, strict=True)]


@dataclass
class _Blocks:
    """Pairs to compare and, for each, which blocks produced it."""

    pairs: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    skipped_blocks: int = 0

    def add(self, a: str, b: str, why: str) -> None:
        if a != b:
            self.pairs[(a, b) if a < b else (b, a)].add(why)


def _block_by_names(blocks: _Blocks, keys: Mapping[str, list[str]], cutoff: float, max_block: int) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for node_id, ks in keys.items():
        for k in ks:
            owners[k].add(node_id)
    for ids in owners.values():  # the same name key (after transliteration)
        if len(ids) > max_block:
            blocks.skipped_blocks += 1
            continue
        for a, b in _pairs_among(ids):
            blocks.add(a, b, "same name")
    by_token: dict[str, set[str]] = defaultdict(set)
    for k in owners:
        for token in set(k.split()):
            by_token[token].add(k)
    seen: set[tuple[str, str]] = set()
    for token in sorted(by_token):
        block = sorted(by_token[token])
        if len(block) > max_block:
            blocks.skipped_blocks += 1  # too common a token to be informative
            continue
        for i, j in _similar_key_pairs(block, cutoff):
            ka, kb = block[i], block[j]
            if (ka, kb) in seen:
                continue
            seen.add((ka, kb))
            for a in owners[ka]:
                for b in owners[kb]:
                    blocks.add(a, b, "similar names")


def _block_by_dates(
    blocks: _Blocks, nodes: Mapping[str, Node], keys: Mapping[str, list[str]], cutoff: float, max_block: int
) -> None:
    by_date: dict[str, list[str]] = defaultdict(list)
    for node_id, node in nodes.items():
        d = str(node.props.get("birth_date") or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            by_date[d].append(node_id)
    for ids in by_date.values():
        if len(ids) <= 50:
            for a, b in _pairs_among(ids):
                blocks.add(a, b, "same birth date")
            continue
        if len(ids) > max_block:
            blocks.skipped_blocks += 1
            continue
        # A crowded date (often a placeholder such as 1 January): only fairly similar names.
        primary = [(node_id, keys[node_id][0]) for node_id in ids if keys.get(node_id)]
        for i, j in _similar_key_pairs([k for _, k in primary], cutoff):
            blocks.add(primary[i][0], primary[j][0], "same birth date")


def _shared_links(
    store: GraphStore, label: Label, active: Mapping[str, Node], max_sharing: int
) -> dict[tuple[str, str], dict[str, list[str]]]:
    """Pairs of entities linked to the same document / phone / account, and which ones."""
    out: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for link in SHARED_LINKS.get(label, ()):
        flags = ["x.hub AS hub"]
        if any(p.name == "generic" for p in NODE_TYPES[link.target].properties):
            flags.append("x.generic AS generic")
        query = f"MATCH (a:{label})-[:{link.rel}]->(x:{link.target}) RETURN a.id AS entity, x.id AS item, "
        rows = store.read(query + ", ".join(flags), timeout=600.0)
        holders: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            if r.get("hub") or r.get("generic") or r["entity"] not in active:
                continue
            holders[r["item"]].add(r["entity"])
        for item, ids in holders.items():
            if len(ids) > max_sharing:  # a hub the analyses flag; not evidence of identity
                continue
            for a, b in _pairs_among(ids):
                out[(a, b)][link.evidence].append(item)
    return out


def _candidates_of(store: GraphStore, label: Label) -> dict[str, Candidate]:
    rows = store.read(
        f"MATCH (c:{Label.CANDIDATE}) WHERE c.entity_label = $label RETURN c", {"label": str(label)}, timeout=600.0
    )
    return {r["c"].id: Candidate.from_node(r["c"]) for r in rows}


def find_candidates(
    store: GraphStore,
    label: Label = Label.PERSON,
    threshold: float = 0.75,
    *,
    name_cutoff: float = 0.80,
    max_block: int = 2000,
    max_sharing: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Candidate]:
    """Propose possible matches between different entities of ``label``; never merge.

    Pairs are found by blocking: the same birth date; a name token in common and names at
    least ``name_cutoff`` similar, and similar enough that the pair can reach ``threshold``
    (tokens shared by more than ``max_block`` names are too common to use); a shared
    Document (HOLDS), Phone (USES) or Account (OWNS) linked to at most ``max_sharing``
    entities and not flagged ``hub`` or ``generic``. Each pair is scored
    by :func:`compare`; pairs scoring at least ``threshold`` are stored as ``open``
    MatchCandidate nodes with CANDIDATE_FOR relationships to both entities.

    Idempotent: the candidate id comes from the sorted pair, so running it again refreshes
    the open candidates and creates no duplicates. Pairs already decided (accepted, rejected,
    undone) are left as they are and not proposed again. Open candidates whose entity has
    since been merged or deleted are removed. Nodes with ``merged_into`` set are ignored.

    Returns the open candidates at or above ``threshold``, best first.
    """
    label = _check_label(label)
    what = "person" if label is Label.PERSON else str(label).lower()
    nodes = _active_nodes(store, label)
    keys = {node_id: _name_keys(node) for node_id, node in nodes.items()}
    name_counts = Counter(k for ks in keys.values() for k in ks)

    blocks = _Blocks()
    # Pairs known only by their names must be similar enough to be able to reach the threshold.
    name_floor = max(name_cutoff, _name_only_floor(threshold, weights))
    if name_floor <= 1.0:
        _block_by_names(blocks, keys, name_floor, max_block)
    _block_by_dates(blocks, nodes, keys, name_cutoff, max_block)
    shared = _shared_links(store, label, nodes, max_sharing)
    for (a, b), kinds in shared.items():
        for kind in kinds:
            blocks.add(a, b, kind.replace("_", " "))

    # Most pairs share only a birth date and have unrelated names: skip comparing them.
    least = _least_name_similarity(threshold, weights)
    existing = _candidates_of(store, label)
    stale = [
        c.id for c in existing.values() if c.status == OPEN and (c.left_id not in nodes or c.right_id not in nodes)
    ]
    to_write: list[Candidate] = []
    proposed: list[Candidate] = []
    for (a, b), why in sorted(blocks.pairs.items()):
        cid = candidate_id(label, a, b)
        before = existing.get(cid)
        if before is not None and before.status != OPEN:
            continue  # decided by an analyst: never proposed again
        if before is None and (a, b) not in shared and not _names_could_reach(keys[a], keys[b], least, weights):
            continue  # could not reach the threshold: compare would drop it too
        cmp = compare(nodes[a].props, nodes[b].props, shared.get((a, b)), name_counts, weights, what)
        if cmp.score < threshold and before is None:
            continue
        cand = Candidate(cid, label, a, b, cmp.score, cmp.evidence, cmp.summary, OPEN, tuple(sorted(why)))
        to_write.append(cand)
        if cmp.score >= threshold:
            proposed.append(cand)

    if stale:
        store.delete_nodes(Label.CANDIDATE, stale)
    if to_write:
        store.upsert_nodes(NodeRecord(Label.CANDIDATE, c.id, c.node_props(), RESOLVE_SOURCE) for c in to_write)
        result = store.upsert_edges(
            EdgeRecord(
                Rel.CANDIDATE_FOR, Label.CANDIDATE, c.id, label, entity, {"side": side}, RESOLVE_SOURCE, key=side
            )
            for c in to_write
            for side, entity in (("left", c.left_id), ("right", c.right_id))
        )
        if result.rejected:
            raise ResolveError(f"{len(result.rejected)} candidate links could not be written")
    log.info(
        "match candidates for %s: %d entities, %d pairs compared, %d proposed, %d stale removed, %d blocks skipped",
        label,
        len(nodes),
        len(blocks.pairs),
        len(proposed),
        len(stale),
        blocks.skipped_blocks,
    )
    return sorted(proposed, key=lambda c: (-c.score, c.id))


def linked_to(pairs: Iterable[tuple[str, str]], seeds: Iterable[str]) -> set[str]:
    """Every id that ``pairs`` join, directly or through other pairs, to one of ``seeds``
    (the seeds themselves included when a pair touches them).

    Used to treat a victim's other records, tied to her by possible-match candidates, as
    hers when pseudonymising.

    >>> sorted(linked_to([("v", "w"), ("w", "x"), ("y", "z")], {"v"}))
    ['v', 'w', 'x']
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    seed_roots = {root(s) for s in seeds if s in parent}
    return {i for i in parent if root(i) in seed_roots}


def list_candidates(store: GraphStore, status: str | None = OPEN, label: Label | None = None) -> list[Candidate]:
    """Stored candidates, best first; ``status`` None lists every status."""
    conditions, params = [], {}
    if status is not None:
        if status not in STATUSES:
            raise ResolveError(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
        conditions.append("c.status = $status")
        params["status"] = status
    if label is not None:
        conditions.append("c.entity_label = $label")
        params["label"] = str(Label(label))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = store.read(f"MATCH (c:{Label.CANDIDATE}){where} RETURN c", params, timeout=600.0)
    return sorted((Candidate.from_node(r["c"]) for r in rows), key=lambda c: (-c.score, c.id))


def get_candidate(store: GraphStore, candidate_id: str) -> Candidate:
    """The stored candidate ``candidate_id`` (ResolveError if there is none)."""
    found = store.get_nodes(Label.CANDIDATE, [candidate_id])
    if not found:
        raise ResolveError(f"no match candidate {candidate_id!r}")
    return Candidate.from_node(found[0])


# --- Decisions -----------------------------------------------------------------------------


def _require(analyst: str, reason: str) -> tuple[str, str]:
    analyst, reason = (analyst or "").strip(), (reason or "").strip()
    if not analyst:
        raise ResolveError("a decision needs the analyst's name")
    if not reason:
        raise ResolveError("a decision needs a reason")
    return analyst, reason


def _set_node_properties(store: GraphStore, label: Label, values: Mapping[str, Mapping[str, Any]]) -> None:
    """``store.set_properties`` (a ``None`` value clears the property on both stores)."""
    store.set_properties(label, values)


def _decide(
    store: GraphStore, cand: Candidate, status: str, analyst: str, reason: str, record: dict[str, Any]
) -> Candidate:
    now = utc_now()
    history = list(record.get("history", []))
    history.append({"action": status, "by": analyst, "at": now, "reason": reason})
    record = {**record, "history": history}
    props = {"status": status, "decided_by": analyst, "decided_at": now, "reason": reason}
    store.set_properties(Label.CANDIDATE, {cand.id: {**props, "merge_record": _dumps(record)}})
    return replace(cand, status=status, decided_by=analyst, decided_at=now, reason=reason, record=record)


def reject(store: GraphStore, candidate_id: str, analyst: str, reason: str) -> Candidate:
    """Record that the two entities are different; the pair is never proposed again."""
    analyst, reason = _require(analyst, reason)
    cand = get_candidate(store, candidate_id)
    if cand.status not in (OPEN, UNDONE):
        raise ResolveError(
            f"candidate {cand.id} is {cand.status}: undo it first"
            if cand.status == ACCEPTED
            else f"candidate {cand.id} is already {cand.status}"
        )
    decided = _decide(store, cand, REJECTED, analyst, reason, dict(cand.record))
    log.info("match candidate %s rejected", cand.id)
    return decided


def _merge_key(candidate: str, edge: str) -> str:
    return f"merge:{candidate}:{edge}"


def _edge_records(
    cand: Candidate, survivor: str, merged: str, sub: Subgraph
) -> tuple[list[EdgeRecord], list[dict[str, Any]], list[dict[str, Any]]]:
    """Re-create every relationship of ``merged`` on ``survivor`` (same type, properties, provenance)."""
    labels = {n.id: Label(n.label) for n in sub.nodes}
    records: list[EdgeRecord] = []
    created: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for e in sorted(sub.edges, key=lambda e: e.id):
        if merged not in (e.source, e.target) or e.type == Rel.CANDIDATE_FOR:
            continue
        other = e.target if e.source == merged else e.source
        if other in (survivor, merged):
            skipped.append({"id": e.id, "type": e.type, "why": "joins the two merged entities"})
            continue
        src, dst = (survivor, other) if e.source == merged else (other, survivor)
        src_label, dst_label = (
            labels[src] if src != survivor else cand.label,
            labels[dst] if dst != survivor else cand.label,
        )
        props = {k: v for k, v in e.props.items() if k not in MANAGED}
        key = _merge_key(cand.id, e.id)
        sources = [str(s) for s in (e.props.get("sources") or [])] or [RESOLVE_SOURCE]
        refs = [str(r) for r in (e.props.get("source_refs") or [])]
        pieces: list[tuple[str, str]] = [(s, "") for s in sources]
        for ref in refs:
            owner = max((s for s in sources if ref.startswith(f"{s}:")), key=len, default=None)
            if owner is not None:
                pieces.append((owner, ref[len(owner) + 1 :]))
        rel = Rel(e.type)
        first = EdgeRecord(rel, src_label, src, dst_label, dst, props, pieces[0][0], pieces[0][1], key=key)
        records.extend(EdgeRecord(rel, src_label, src, dst_label, dst, props, s, ref, key=key) for s, ref in pieces)
        created.append({"id": first.id, "type": str(rel), "source": src, "target": dst, "copy_of": e.id})
    return records, created, skipped


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _plan_properties(
    label: Label, survivor: Node, merged: Node
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Property changes on the survivor ({prop: before, after, added}) and conflicts kept."""
    changes: dict[str, dict[str, Any]] = {}
    conflicts: dict[str, dict[str, Any]] = {}
    own = [p for p in NODE_TYPES[label].properties if p.name != MERGED_INTO]
    own.append(NODE_TYPES[label].prop("attrs"))
    for p in own:
        sv, mv = survivor.props.get(p.name), merged.props.get(p.name)
        if p.type is PropType.STRING_LIST:
            base = [str(v) for v in (sv or [])]
            offered = [str(v) for v in (mv or [])]
            if p.name == ALIASES:  # the other's name and aliases
                offered = [n for n in _names_of(merged.props) if n != survivor.props.get("name")]
            added = list(dict.fromkeys(v for v in offered if v not in base))
            if added:
                changes[p.name] = {"before": sv, "after": base + added, "added": added}
        elif p.name == "name_key" and not _empty(survivor.props.get("name")):
            continue  # the key belongs with the survivor's own name
        elif _empty(sv) and not _empty(mv):
            changes[p.name] = {"before": sv, "after": mv, "filled": True}
        elif not _empty(sv) and not _empty(mv) and sv != mv and p.name != "name":  # a name becomes an alias
            conflicts[p.name] = {"kept": sv, "other": mv}
    # The survivor's name was filled from the merged node: it is not also an alias.
    if "name" in changes and ALIASES in changes:
        aliases = changes[ALIASES]
        aliases["added"] = [a for a in aliases["added"] if a != changes["name"]["after"]]
        aliases["after"] = [str(v) for v in (aliases["before"] or [])] + aliases["added"]
        if not aliases["added"]:
            del changes[ALIASES]
    return changes, conflicts


def accept(store: GraphStore, candidate_id: str, analyst: str, reason: str) -> Candidate:
    """Merge the right entity into the left one, reversibly, and record the decision.

    The survivor (left) gets the other's name and aliases as aliases, the other list values
    it lacks (roles, indicators) and its empty properties filled; every relationship of the
    merged node (but CANDIDATE_FOR, and ties between the two) is re-created on the survivor
    with the same type, properties and provenance and the key ``merge:<candidate>:<edge>``;
    the merged node keeps its relationships and gets ``merged_into``. ``merge_record`` on
    the candidate lists the relationships created, properties filled and aliases added.
    """
    analyst, reason = _require(analyst, reason)
    cand = get_candidate(store, candidate_id)
    if cand.status not in (OPEN, UNDONE):
        raise ResolveError(f"candidate {cand.id} is {cand.status}: only open or undone candidates can be accepted")
    label = cand.label
    nodes = {n.id: n for n in store.get_nodes(label, [cand.left_id, cand.right_id])}
    for node_id in (cand.left_id, cand.right_id):
        if node_id not in nodes:
            raise ResolveError(f"candidate {cand.id}: {label} {node_id} no longer exists")
        if nodes[node_id].props.get(MERGED_INTO):
            raise ResolveError(
                f"candidate {cand.id}: {node_id} was already merged into {nodes[node_id].props[MERGED_INTO]}; "
                "run `graph-tool matches find` again"
            )
    survivor, merged = nodes[cand.left_id], nodes[cand.right_id]

    record = dict(cand.record)
    pending = record.get("merge") if isinstance(record.get("merge"), dict) else None
    changes, conflicts = _plan_properties(label, survivor, merged)
    if pending and pending.get("state") == "applying":
        # A previous accept stopped half-way: its "before" values are the true ones.
        for prop, change in pending.get("properties", {}).items():
            if prop in changes:
                changes[prop]["before"] = change["before"]
            else:
                changes[prop] = change
    sub = store.neighbourhood(merged.id, hops=1, limit=10_000_000)
    edge_records, created, skipped = _edge_records(cand, survivor.id, merged.id, sub)
    plan: dict[str, Any] = {
        "state": "applying",
        "label": str(label),
        "survivor": survivor.id,
        "merged": merged.id,
        "properties": changes,
        "properties_filled": sorted(p for p, c in changes.items() if c.get("filled")),
        "aliases_added": list(changes.get(ALIASES, {}).get("added", [])),
        "conflicts_kept": conflicts,
        "relationships_created": created,
        "relationships_skipped": skipped,
        "by": analyst,
        "at": utc_now(),
        "at_ns": time.time_ns(),  # orders merges made within one second (undone latest first)
    }
    record["merge"] = plan
    store.set_properties(Label.CANDIDATE, {cand.id: {"merge_record": _dumps(record)}})

    if edge_records:
        result = store.upsert_edges(edge_records)
        if result.rejected:
            raise ResolveError(f"candidate {cand.id}: {len(result.rejected)} relationships could not be re-created")
    now = utc_now()
    survivor_props: dict[str, Any] = {p: c["after"] for p, c in changes.items()}
    _set_node_properties(
        store,
        label,
        {survivor.id: {**survivor_props, "updated_at": now}, merged.id: {MERGED_INTO: survivor.id, "updated_at": now}},
    )
    plan["state"] = "applied"
    decided = _decide(store, cand, ACCEPTED, analyst, reason, record)
    log.info(
        "match candidate %s accepted: %s merged into %s, %d relationships re-created, %d properties changed",
        cand.id,
        merged.id,
        survivor.id,
        len(created),
        len(changes),
    )
    return decided


def undo(store: GraphStore, candidate_id: str, analyst: str, reason: str) -> Candidate:
    """Reverse an accepted merge exactly, as its ``merge_record`` says, and record why.

    The relationships the merge created are deleted, the survivor's properties restored
    (list values the merge added are taken out; a filled property is emptied unless it was
    changed since, which is then kept and listed under ``undo_conflicts``), and the merged
    node's ``merged_into`` cleared. The candidate's status becomes ``undone``.
    """
    analyst, reason = _require(analyst, reason)
    cand = get_candidate(store, candidate_id)
    if cand.status != ACCEPTED:
        raise ResolveError(f"candidate {cand.id} is {cand.status}: only an accepted merge can be undone")
    record = dict(cand.record)
    plan = record.get("merge")
    if not isinstance(plan, dict):
        raise ResolveError(f"candidate {cand.id} has no merge record to undo")
    label = Label(plan["label"])
    survivor_id, merged_id = str(plan["survivor"]), str(plan["merged"])

    by_type: dict[Rel, list[str]] = defaultdict(list)
    for rel in plan.get("relationships_created", []):
        by_type[Rel(rel["type"])].append(str(rel["id"]))
    for rel_type, ids in sorted(by_type.items()):
        store.delete_edges(rel_type, ids)

    current = {n.id: n for n in store.get_nodes(label, [survivor_id, merged_id])}
    restore: dict[str, Any] = {}
    undo_conflicts: list[str] = []
    survivor = current.get(survivor_id)
    if survivor is not None:
        for prop, change in plan.get("properties", {}).items():
            now_value = survivor.props.get(prop)
            if "added" in change:
                kept = [v for v in (now_value or []) if v not in change["added"]]
                restore[prop] = kept if (kept or change["before"] is not None) else None
                if kept != list(change["before"] or []):
                    undo_conflicts.append(prop)
            elif now_value == change["after"]:
                restore[prop] = change["before"]
            else:
                undo_conflicts.append(prop)
    now = utc_now()
    values: dict[str, dict[str, Any]] = {}
    if survivor is not None:
        values[survivor_id] = {**restore, "updated_at": now}
    merged = current.get(merged_id)
    if merged is not None and merged.props.get(MERGED_INTO) == survivor_id:
        values[merged_id] = {MERGED_INTO: None, "updated_at": now}
    if values:
        _set_node_properties(store, label, values)
    plan = {**plan, "state": "undone", "undone_at": now, "undo_conflicts": sorted(undo_conflicts)}
    record["merge"] = plan
    decided = _decide(store, cand, UNDONE, analyst, reason, record)
    log.info(
        "match candidate %s undone: %d relationships deleted, %d properties restored, %d left as changed since",
        cand.id,
        sum(len(v) for v in by_type.values()),
        len(restore),
        len(undo_conflicts),
    )
    return decided


# --- Reviewed from the CLI and the UI: one path, one audit record --------------------------

# The lowest score find_candidates proposes unless told otherwise.
DEFAULT_THRESHOLD: float = inspect.signature(find_candidates).parameters["threshold"].default
DECISIONS: Mapping[str, Callable[[GraphStore, str, str, str], Candidate]] = {
    "accept": accept,
    "reject": reject,
    "undo": undo,
}


def propose(store: GraphStore, label: Label = Label.PERSON, threshold: float = DEFAULT_THRESHOLD) -> list[Candidate]:
    """:func:`find_candidates`, recorded in the audit log (``graph-tool matches find`` and the UI)."""
    found = find_candidates(store, label, threshold)
    audit.record(
        "analysis",
        {"analysis": "match candidates", "store": store.describe(), "label": str(label), "threshold": threshold},
        [c.id for c in found],
    )
    return found


def people_changed(node_counts: Mapping[str, Any]) -> bool:
    """Whether a load report's ``nodes`` (label -> counts with ``created`` and ``updated``)
    says people were created or updated: then :func:`propose` should run after the load.

    A victim's records at other agencies carry her name without her role; the proposed
    matches tie them to her, so the UI and exports pseudonymise them like her. A load of
    payments or calls leaves people as they were, and is not made to wait for this.

    >>> from types import SimpleNamespace as C
    >>> people_changed({"Person": C(created=0, updated=2)}), people_changed({"Phone": C(created=5, updated=0)})
    (True, False)
    """
    people = node_counts.get(str(Label.PERSON))
    return people is not None and bool(people.created or people.updated)


def decide(store: GraphStore, decision: str, candidate_id: str, analyst: str | None, reason: str) -> Candidate:
    """Accept, reject or undo ``candidate_id`` and record it in the audit log too.

    The one path of ``graph-tool matches accept|reject|undo`` and of the UI's Matches page:
    the decision (:func:`accept`, :func:`reject` or :func:`undo`), then an audit entry saying
    who, what, why and the hash of the merge record. A missing analyst or reason is refused
    before anything changes.
    """
    if decision not in DECISIONS:
        raise ResolveError(f"unknown decision {decision!r} (known: {', '.join(DECISIONS)})")
    analyst, reason = _require(analyst or "", reason)
    c = DECISIONS[decision](store, candidate_id, analyst, reason)
    details = {
        "store": store.describe(),
        "candidate": c.id,
        "decision": c.status,
        "left_id": c.left_id,
        "right_id": c.right_id,
        "reason": c.reason,
    }
    audit.record("merge", details, dict(c.record), user=c.decided_by)
    return c


__all__ = [
    "ACCEPTED",
    "DECISIONS",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "OPEN",
    "REJECTED",
    "RESOLVE_SOURCE",
    "UNDONE",
    "Candidate",
    "Comparison",
    "Evidence",
    "ResolveError",
    "Weights",
    "accept",
    "active_clause",
    "candidate_id",
    "combine",
    "compare",
    "compare_codes",
    "compare_dates",
    "compare_names",
    "compare_shared",
    "decide",
    "find_candidates",
    "get_candidate",
    "list_candidates",
    "people_changed",
    "propose",
    "reject",
    "resolvable_labels",
    "resolved_view",
    "summarise",
    "undo",
]
