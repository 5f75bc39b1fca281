"""Document fraud: named, explainable checks over the case graph.

Each check is a plain function: a networkx graph in (as :meth:`Subgraph.to_networkx` gives
it: nodes with ``label``, edges with ``type``), a list of :class:`Finding` out. A finding
names its check, carries a score in [0, 1] and a severity, and says in plain language what
was found, naming every document, person and organisation it rests on by id.

The checks
----------
``shared_document_number``
    One document number (same normalised number, type and issuing country) held by several
    people whose names, birth dates or nationalities conflict.
``too_many_documents``
    One person with too many passports, or identity documents from too many countries,
    issued within a short window.
``mrz_check_failures``
    ICAO 9303 MRZ check digits that fail (TD1, TD2, TD3, MRV-A, MRV-B), MRZs that cannot
    be read, and MRZ fields contradicting the recorded number, birth date, expiry date,
    nationality or issuing state.
``impossible_dates``
    Issued before the holder's birth, expiring on or before issue, valid longer than the
    type allows, issued (or born) in the future.
``serial_numbers``
    Near-consecutive serial numbers (same type, issuing country and prefix) held by people
    not linked by family or marriage: a batch of blank stolen or forged documents.
``shared_sponsor``
    One sponsor or inviter of visas and permits for many applicants, scored higher when the
    applicants are women of one nationality.
``shared_photo``
    The same photo hash on documents of different identities.
``holder_mismatch``
    A document whose recorded name or birth date contradicts its holder's record (an age
    altered to make a minor an adult, an alias identity).

:func:`fraud_findings` runs them all and joins findings that share evidence (directly or
through the documents' holders) into fraud clusters; :func:`findings_to_records` and
:func:`fraud_properties` turn the report into Finding nodes, EVIDENCE relationships and
``fraud_score`` values for the store.

Nodes whose ``merged_into`` is set (merged by identity resolution), Finding, Source and
MatchCandidate nodes are ignored. Nothing here logs. Reasons quote document numbers, dates
and country codes, never people's names (a name is referred to by its place among the
names found, as in "name 2 of 3"); document numbers and birth dates are identifying, so an
export that redacts identifying properties must redact Finding and EVIDENCE reasons too.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar

import networkx as nx
from rapidfuzz import fuzz

from graph_tool.analysis._graph import as_list, date_text
from graph_tool.model import DOCUMENT_TYPES, Label, Rel
from graph_tool.normalise import (
    country_from_mrz,
    document_serial,
    name_key,
    normalise_country,
    normalise_document_number,
    parse_mrz,
)
from graph_tool.store.base import EdgeRecord, NodeRecord

#: The checks :func:`fraud_findings` runs, in order.
CHECKS: tuple[str, ...] = (
    "shared_document_number",
    "too_many_documents",
    "mrz_check_failures",
    "impossible_dates",
    "serial_numbers",
    "shared_sponsor",
    "shared_photo",
    "holder_mismatch",
)

#: Severity from score: ``high`` at or above the first bound, ``medium`` at or above the second.
SEVERITY_BOUNDS: tuple[float, float] = (0.7, 0.4)

_IGNORED_LABELS = frozenset({Label.FINDING, Label.SOURCE, Label.CANDIDATE})
_SPONSOR_LABELS = frozenset({Label.PERSON, Label.ORGANISATION})
_DOC_NAMES = {
    "passport": "Passport",
    "visa": "Visa",
    "national_id": "National ID",
    "residence_permit": "Residence permit",
    "work_permit": "Work permit",
    "marriage_certificate": "Marriage certificate",
    "ticket": "Ticket",
    "other": Label.DOCUMENT.value,  # the word, as the model spells it
}
_FEMALE = frozenset({"female", "f", "woman"})
_BAD_STATUS = ("stolen", "lost", "forged", "revoked")
_LIST_LIMIT = 12  # ids listed in a reason before "and N more"
_SCORE_CAP = 0.95  # the highest score one finding gets: no single check is proof


# --- configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class FraudConfig:
    """Thresholds of the fraud checks; every default is stated and can be changed.

    Attributes
    ----------
    today : date or None
        Reference date for "in the future" (default: the day the checks run). Pass one for
        reproducible results on old cases.
    checks : tuple of str
        Which checks :func:`fraud_findings` runs (default: all of :data:`CHECKS`).
    name_match : float
        Two names with :func:`~graph_tool.normalise.name_similarity` at or above this are
        one name written two ways (0.85: transliteration, order and case do not matter,
        one typo in a short name still matches).
    many_window_days : int
        Window for ``too_many_documents`` (730 days, two years).
    many_documents : int
        That many documents of one type in ``many_document_types`` issued to one person
        within the window is too many (3: a renewal and one replacement stay below it).
    many_countries : int
        Identity documents from that many issuing countries within the window is too many
        (3: dual nationals stay below it).
    many_document_types : tuple of str
        Types counted for ``many_documents`` (passports).
    identity_document_types : tuple of str
        Types whose issuing countries are counted (passports and national IDs; visas and
        permits are issued by the countries one travels to, so they are not counted).
    max_validity_years : tuple of (str, int)
        Longest validity per document type: passport 10, visa 10, national ID 20, residence
        and work permit 10 years. Types not listed have no limit.
    validity_margin_days : int
        Allowed on top of the longest validity (366 days: some states add the unexpired
        months of the previous passport).
    future_margin_days : int
        Days after ``today`` before an issue or birth date counts as in the future (1: time
        zones and data entered on the day).
    serial_max_gap : int
        Two serial numbers whose difference is at most this are near-consecutive (2).
    serial_min_documents : int
        Distinct numbers a run needs before it is reported (2).
    serial_document_types : tuple of str
        Types checked for serial runs (passports, national IDs, visas, permits).
    kin_relationships : tuple of Rel
        Relationships that make holders one family (FAMILY_OF and MARRIED_TO): documents of
        one family applied for together may be consecutive, so they never make a serial run
        on their own, and a sponsor's own family are not counted among its applicants.
    sponsor_min_applicants : int
        Applicants (outside the sponsor's family) one sponsor must have (3).
    sponsor_document_types : tuple of str
        Types counted for ``shared_sponsor`` (visas and residence permits; work permits
        are what employers sponsor in the ordinary course of business).
    sponsor_pattern_share : float
        Share of women, and share of the commonest nationality, among the applicants at or
        above which the "women of one nationality" pattern is reported (0.8).
    photo_max_documents : int
        A photo hash on more documents than this is taken for a placeholder value, not a
        photo, and skipped (50).
    holder_name_match : float
        ``holder_mismatch`` reports a name on a document whose similarity to every name of
        its holder (name and aliases) is below this (0.6; lower than ``name_match`` because
        names on documents are often spelled differently from other records).
    """

    today: date | None = None
    checks: tuple[str, ...] = CHECKS
    name_match: float = 0.85
    many_window_days: int = 730
    many_documents: int = 3
    many_countries: int = 3
    many_document_types: tuple[str, ...] = ("passport",)
    identity_document_types: tuple[str, ...] = ("passport", "national_id")
    max_validity_years: tuple[tuple[str, int], ...] = (
        ("passport", 10),
        ("visa", 10),
        ("national_id", 20),
        ("residence_permit", 10),
        ("work_permit", 10),
    )
    validity_margin_days: int = 366
    future_margin_days: int = 1
    serial_max_gap: int = 2
    serial_min_documents: int = 2
    serial_document_types: tuple[str, ...] = ("passport", "national_id", "visa", "residence_permit", "work_permit")
    kin_relationships: tuple[Rel, ...] = (Rel.FAMILY_OF, Rel.MARRIED_TO)
    sponsor_min_applicants: int = 3
    sponsor_document_types: tuple[str, ...] = ("visa", "residence_permit")
    sponsor_pattern_share: float = 0.8
    photo_max_documents: int = 50
    holder_name_match: float = 0.6

    def __post_init__(self) -> None:
        unknown = [c for c in self.checks if c not in CHECKS]
        if unknown:
            raise ValueError(f"unknown fraud checks: {', '.join(unknown)} (known: {', '.join(CHECKS)})")
        for name in ("name_match", "sponsor_pattern_share", "holder_name_match"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]")
        for name in ("many_documents", "many_countries", "serial_min_documents", "sponsor_min_applicants"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2")
        for name in ("many_window_days", "serial_max_gap", "photo_max_documents"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        bad_types = [
            t
            for t in (
                *self.many_document_types,
                *self.identity_document_types,
                *self.serial_document_types,
                *self.sponsor_document_types,
                *(t for t, _ in self.max_validity_years),
            )
            if t not in DOCUMENT_TYPES
        ]
        if bad_types:
            raise ValueError(f"unknown document types: {', '.join(sorted(set(bad_types)))}")

    def reference_date(self) -> date:
        """``today``, or the current date when it is not set."""
        return self.today or date.today()

    def max_validity(self, doc_type: str) -> int | None:
        """Longest validity in years for ``doc_type`` (None: no limit)."""
        return dict(self.max_validity_years).get(doc_type)


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One hit of one check.

    Attributes
    ----------
    id : str
        Stable: the same check on the same evidence always gives the same id.
    check : str
        The check's name (one of :data:`CHECKS`).
    severity : str
        ``high``, ``medium`` or ``low``, from the score (:data:`SEVERITY_BOUNDS`).
    score : float
        How strongly this points to fraud, in [0, 1].
    reason : str
        What was found, in plain language, naming the evidence by id.
    evidence : tuple of str
        Ids of the nodes the finding rests on.
    roles : mapping of str to str
        For each evidence id, what it is in this finding (written on the EVIDENCE
        relationship).
    facts : mapping of str to Any
        The figures behind the reason, as plain data.
    cluster_id : str
        The fraud cluster it belongs to (set by :func:`fraud_findings`).
    """

    id: str
    check: str
    severity: str
    score: float
    reason: str
    evidence: tuple[str, ...]
    roles: Mapping[str, str] = field(default_factory=dict, compare=False)
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)
    cluster_id: str = ""

    def row(self) -> dict[str, Any]:
        """The finding as one table row (CLI and UI).

        >>> Finding("F-1", "serial_numbers", "high", 0.812, "consecutive numbers", ("D-1",)).row()["score"]
        0.81
        """
        return {
            "finding": self.id,
            "check": self.check,
            "severity": self.severity,
            "score": round(self.score, 2),
            "cluster": self.cluster_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class FraudCluster:
    """Findings linked by shared evidence or by the holders of their documents."""

    cluster_id: str
    findings: tuple[str, ...]
    checks: tuple[str, ...]
    documents: tuple[str, ...]
    people: tuple[str, ...]
    others: tuple[str, ...]
    score: float
    reason: str


@dataclass(frozen=True)
class FraudReport:
    """Everything :func:`fraud_findings` found.

    ``scores`` is each evidence node's ``fraud_score`` (the findings naming it combined as
    independent signals: ``1 - prod(1 - score)``); ``labels`` gives the label of every node
    the report names. A person's score marks their place on a fraudulent document trail
    (a victim given a forged passport scores too), not guilt.
    """

    findings: tuple[Finding, ...]
    clusters: tuple[FraudCluster, ...]
    scores: Mapping[str, float]
    labels: Mapping[str, str]
    config: FraudConfig

    def by_check(self) -> dict[str, list[Finding]]:
        """Findings grouped by check name (every check of the config present, maybe empty)."""
        out: dict[str, list[Finding]] = {c: [] for c in self.config.checks}
        for f in self.findings:
            out.setdefault(f.check, []).append(f)
        return out

    def flagged_documents(self) -> set[str]:
        """Ids of the Document nodes named by at least one finding."""
        return {n for f in self.findings for n in f.evidence if self.labels.get(n) == Label.DOCUMENT}


# --- reading the graph -----------------------------------------------------------------


@dataclass
class _Case:
    """The parts of the graph the checks read, indexed once."""

    labels: dict[str, str]
    attrs: dict[str, Mapping[str, Any]]
    docs: list[str]
    holders: dict[str, list[str]]
    documents_of: dict[str, list[str]]
    sponsors: dict[str, list[str]]
    kin: dict[str, set[str]]
    family: dict[str, str]  # person -> family unit id (smallest member id of the kin component)

    def text(self, node: str, prop: str) -> str:
        value = self.attrs[node].get(prop)
        return "" if value is None else str(value).strip()

    def date_key(self, node: str, prop: str) -> DateKey | None:
        """``prop`` of ``node`` as a :func:`_date_key`."""
        return _date_key(self.attrs[node].get(prop))

    def full_date(self, node: str, prop: str) -> date | None:
        """``prop`` of ``node`` as a calendar date (None unless known to the day)."""
        return _full_date(self.date_key(node, prop))

    def country(self, node: str, prop: str) -> str:
        """``prop`` of ``node`` as a country code (:func:`_country`)."""
        return _country(self.attrs[node].get(prop))


def _read(g: nx.Graph, config: FraudConfig) -> _Case:
    labels: dict[str, str] = {}
    attrs: dict[str, Mapping[str, Any]] = {}
    for n, d in g.nodes(data=True):
        lab = d.get("label")
        if lab is None or lab in _IGNORED_LABELS or d.get("merged_into"):
            continue
        labels[str(n)] = str(lab)
        attrs[str(n)] = d
    holders: dict[str, set[str]] = defaultdict(set)
    sponsors: dict[str, set[str]] = defaultdict(set)
    kin: dict[str, set[str]] = defaultdict(set)
    kin_types = set(config.kin_relationships)
    for u, v, d in g.edges(data=True):
        a, b = str(u), str(v)
        if a not in labels or b not in labels or a == b:
            continue
        t = d.get("type")
        la, lb = labels[a], labels[b]
        if t == Rel.HOLDS:
            if la == Label.PERSON and lb == Label.DOCUMENT:
                holders[b].add(a)
            elif lb == Label.PERSON and la == Label.DOCUMENT:
                holders[a].add(b)
        elif t == Rel.SPONSORED:
            if la in _SPONSOR_LABELS and lb == Label.DOCUMENT:
                sponsors[b].add(a)
            elif lb in _SPONSOR_LABELS and la == Label.DOCUMENT:
                sponsors[a].add(b)
        elif t in kin_types and la == Label.PERSON and lb == Label.PERSON:
            kin[a].add(b)
            kin[b].add(a)
    documents_of: dict[str, set[str]] = defaultdict(set)
    for doc, people in holders.items():
        for p in people:
            documents_of[p].add(doc)
    return _Case(
        labels=labels,
        attrs=attrs,
        docs=sorted(n for n, lab in labels.items() if lab == Label.DOCUMENT),
        holders={k: sorted(v) for k, v in holders.items()},
        documents_of={k: sorted(v) for k, v in documents_of.items()},
        sponsors={k: sorted(v) for k, v in sponsors.items()},
        kin=dict(kin),
        family=_kin_units(kin),
    )


def _kin_units(kin: Mapping[str, set[str]]) -> dict[str, str]:
    unit: dict[str, str] = {}
    for start in sorted(kin):
        if start in unit:
            continue
        seen, stack = {start}, [start]
        while stack:
            for nxt in kin.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        root = min(seen)
        for p in seen:
            unit[p] = root
    return unit


# --- small helpers ---------------------------------------------------------------------

DateKey = tuple[int, int, int]


def _date_key(value: Any) -> DateKey | None:
    """``(year, month, day)`` of an ISO date or date object; 0 for unknown parts."""
    if value is None:
        return None
    if isinstance(value, date):
        return (value.year, value.month, value.day)
    text = str(value).strip()
    if len(text) < 4 or not text[:4].isdigit():
        return None
    parts = text[:10].split("-")
    try:
        nums = [int(p) for p in parts[:3]]
    except ValueError:
        return None
    year, month, day = [*nums, 0, 0][:3]
    if not 1 <= year <= 9999 or not 0 <= month <= 12 or not 0 <= day <= 31:
        return None
    return (year, month, day)


def _full_date(key: DateKey | None) -> date | None:
    if key is None or 0 in key:
        return None
    try:
        return date(*key)
    except ValueError:
        return None


def _add_years(d: date, years: int) -> date:
    """``d`` moved by whole years (29 February becomes 1 March)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return date(d.year + years, 3, 1)


def _years_text(days: int) -> str:
    """``2 years`` for 730 days, else ``400 days``."""
    years = days / 365.25
    return _plural(round(years), "year") if round(years) and abs(days - round(years) * 365.25) <= 1 else f"{days} days"


def _compare(a: DateKey, b: DateKey) -> int:
    """-1, 0 or 1 at the precision both dates have (0 also when one is unknown)."""
    for x, y in zip(a, b, strict=True):
        if x == 0 or y == 0:
            return 0
        if x != y:
            return -1 if x < y else 1
    return 0


def _country(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return _country_code(text) if text else ""


@lru_cache(maxsize=4096)
def _country_code(text: str) -> str:
    try:
        return normalise_country(text)
    except ValueError:
        return text.upper()


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return name_key(name)


def _similarity(a: str, b: str) -> float:
    """:func:`graph_tool.normalise.name_similarity`, with the name keys cached."""
    key_a, key_b = _name_key(a), _name_key(b)
    if not key_a or not key_b:
        return 0.0
    return float(fuzz.token_sort_ratio(key_a, key_b)) / 100.0


def _number(case: _Case, doc: str) -> str:
    norm = case.text(doc, "number_norm")
    if norm:
        return norm
    raw = case.text(doc, "number")
    return normalise_document_number(raw) if raw else ""


def _doc_type(case: _Case, doc: str) -> str:
    return case.text(doc, "doc_type").lower()


def _kind_name(doc_type: str) -> str:
    """A document type in words, lower case (``residence permit``)."""
    return _DOC_NAMES.get(doc_type, doc_type).lower()


def _describe(case: _Case, doc: str) -> str:
    """``Passport MB697405 (D-00001)``."""
    kind = _DOC_NAMES.get(_doc_type(case, doc), Label.DOCUMENT.value)
    number = case.text(doc, "number") or _number(case, doc)
    return f"{kind} {number} ({doc})" if number else f"{kind} without a number ({doc})"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _listing(ids: Sequence[str]) -> str:
    if len(ids) <= _LIST_LIMIT:
        return ", ".join(ids)
    return ", ".join(ids[:_LIST_LIMIT]) + f" and {len(ids) - _LIST_LIMIT} more"


def _finding_id(check: str, evidence: Iterable[str]) -> str:
    digest = hashlib.sha256("\x1f".join([check, *sorted(set(evidence))]).encode()).hexdigest()
    return f"fraud:{check}:{digest[:16]}"


def _severity(score: float) -> str:
    high, medium = SEVERITY_BOUNDS
    return "high" if score >= high else "medium" if score >= medium else "low"


def _finding(
    check: str,
    score: float,
    reason: str,
    evidence: Sequence[str],
    roles: Mapping[str, str],
    facts: Mapping[str, Any],
    cap: float = _SCORE_CAP,
) -> Finding:
    """A finding of ``check``; ``score`` is kept in [0, ``cap``], duplicate evidence dropped."""
    ev = tuple(dict.fromkeys(evidence))
    s = round(min(max(score, 0.0), cap), 3)
    return Finding(
        id=_finding_id(check, ev),
        check=check,
        severity=_severity(s),
        score=s,
        reason=reason,
        evidence=ev,
        roles=dict(roles),
        facts=dict(facts),
    )


def _noisy_or(scores: Iterable[float]) -> float:
    rest = 1.0
    for s in scores:
        rest *= 1.0 - s
    return round(1.0 - rest, 3)


@dataclass(frozen=True)
class _Identity:
    """Who a document says (or its holder's record says) someone is."""

    doc: str
    person: str
    name: str
    birth: DateKey | None
    nationality: str

    def label(self, names: Sequence[str], threshold: float) -> str:
        """``name 2 of 3, born 1990-05-01, nationality VN`` (the name by its place in
        ``names``, never spelled out)."""
        if not self.name:
            parts = ["no name recorded"]
        else:
            index = next((i for i, n in enumerate(names, 1) if _similarity(self.name, n) >= threshold), 0)
            parts = [f"name {index} of {len(names)}" if index else "a name"]
        if self.birth:
            parts.append(f"born {date_text(self.birth)}")
        if self.nationality:
            parts.append(f"nationality {self.nationality}")
        return ", ".join(parts)


def _identity(case: _Case, doc: str, person: str) -> _Identity:
    """The identity of one holding (a document and one holder).

    The document's own fields come first when it has one holder (they describe that
    holder), the person's record first when several people hold it; each falls back to
    the other.
    """
    doc_fields = (doc, "name_on_document", "birth_date_on_document", "nationality_on_document")
    order = [doc_fields]
    if person:
        person_fields = (person, "name", "birth_date", "nationality")
        order = [doc_fields, person_fields] if len(case.holders.get(doc, ())) <= 1 else [person_fields, doc_fields]
    name, birth, nationality = "", None, ""
    for node, name_prop, birth_prop, nat_prop in order:
        name = name or case.text(node, name_prop)
        birth = birth or case.date_key(node, birth_prop)
        nationality = nationality or case.country(node, nat_prop)
    return _Identity(doc, person, name, birth, nationality)


def _distinct_names(names: Iterable[str], threshold: float) -> list[str]:
    reps: list[str] = []
    for n in sorted({x for x in names if x}):
        if all(_similarity(n, r) < threshold for r in reps):
            reps.append(n)
    return reps


def _distinct_dates(keys: Iterable[DateKey | None]) -> list[DateKey]:
    """Dates that conflict with each other where both are known (``1990`` and
    ``1990-05-01`` are one date)."""
    reps: list[DateKey] = []
    for k in sorted({k for k in keys if k is not None}, key=lambda k: (-sum(1 for x in k if x), k)):
        if all(_conflicting_precision(k, r) for r in reps):
            reps.append(k)
    return sorted(reps)


def _conflicting_precision(a: DateKey, b: DateKey) -> bool:
    """True when two dates differ where both are known."""
    return any(x and y and x != y for x, y in zip(a, b, strict=True))


def _loose_similarity(a: str, b: str) -> float:
    """Like :func:`_similarity`, but one name contained in the other also counts
    (``Maung Myint Win`` and ``Myint Win``)."""
    key_a, key_b = _name_key(a), _name_key(b)
    if not key_a or not key_b:
        return 0.0
    return max(fuzz.token_sort_ratio(key_a, key_b), fuzz.token_set_ratio(key_a, key_b)) / 100.0


def _same_identity(a: _Identity, b: _Identity, cfg: FraudConfig) -> bool:
    """Whether two holdings describe one person written two ways.

    Never when birth dates or nationalities conflict. Otherwise the names must be similar
    (``name_match``), or, when both give the same full birth date, only loosely similar
    (``holder_name_match``, one name inside the other counting): a border guard's typo in
    a short name must not make a second identity.
    """
    if a.birth and b.birth and _conflicting_precision(a.birth, b.birth):
        return False
    if a.nationality and b.nationality and a.nationality != b.nationality:
        return False
    if not a.name or not b.name:
        return True
    if _similarity(a.name, b.name) >= cfg.name_match:
        return True
    same_birth = a.birth is not None and 0 not in a.birth and a.birth == b.birth
    return same_birth and _loose_similarity(a.name, b.name) >= cfg.holder_name_match


def _distinct_identities(ids: Sequence[_Identity], cfg: FraudConfig) -> list[list[_Identity]]:
    """Group holdings into identities: a holding joins a group when it is the same identity
    as one of its members (:func:`_same_identity`) and conflicts with none on birth date
    or nationality."""
    groups: list[list[_Identity]] = []
    for ident in sorted(ids, key=lambda i: (i.doc, i.person)):
        for grp in groups:
            if any(_same_identity(ident, m, cfg) for m in grp) and all(
                not (ident.birth and m.birth and _conflicting_precision(ident.birth, m.birth))
                and not (ident.nationality and m.nationality and ident.nationality != m.nationality)
                for m in grp
            ):
                grp.append(ident)
                break
        else:
            groups.append([ident])
    return groups


class _Identities(NamedTuple):
    """Holdings grouped into identities, and the distinct names, birth dates and
    nationalities of their representatives."""

    groups: list[list[_Identity]]
    names: list[str]
    births: list[DateKey]
    nationalities: list[str]


def _several_identities(idents: Sequence[_Identity], cfg: FraudConfig) -> _Identities | None:
    """The identities among ``idents`` (:func:`_distinct_identities`), or None when there
    are fewer than two."""
    groups = _distinct_identities(idents, cfg)
    if len(groups) < 2:
        return None
    reps = [_representative(grp) for grp in groups]
    return _Identities(
        groups,
        _distinct_names((r.name for r in reps), cfg.name_match),
        _distinct_dates(r.birth for r in reps),
        sorted({r.nationality for r in reps if r.nationality}),
    )


def _representative(group: Sequence[_Identity]) -> _Identity:
    """One identity for a group: its first name, its most precise birth date, a nationality."""
    births = [i.birth for i in group if i.birth]
    return _Identity(
        group[0].doc,
        group[0].person,
        next((i.name for i in group if i.name), ""),
        max(births, key=lambda k: sum(1 for x in k if x)) if births else None,
        next((i.nationality for i in group if i.nationality), ""),
    )


class _UnionFind:
    """Disjoint sets of strings; the root of a set is its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def roots(self) -> set[str]:
        return {self.find(x) for x in list(self.parent)}


_K = TypeVar("_K", bound=Hashable)


def _documents_by(case: _Case, key: Callable[[str], _K | None]) -> dict[_K, list[str]]:
    """The documents grouped by ``key`` (each group in id order); a document whose key is
    None is left out."""
    groups: dict[_K, list[str]] = defaultdict(list)
    for doc in case.docs:
        k = key(doc)
        if k is not None:
            groups[k].append(doc)
    return groups


def _config(config: FraudConfig | None) -> FraudConfig:
    return config if config is not None else FraudConfig()


_Check = Callable[[_Case, FraudConfig], list[Finding]]


def _run_check(check: _Check, g: nx.Graph, config: FraudConfig | None) -> list[Finding]:
    """One check on ``g`` alone (what each public check function does)."""
    cfg = _config(config)
    return check(_read(g, cfg), cfg)


# --- the checks ------------------------------------------------------------------------


def shared_document_number(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """One document number held by several people with conflicting identities.

    Documents are grouped by normalised number, type and issuing country (so several
    Document nodes with one number count together, as does one node with several holders).
    A group is reported when at least two people hold it and their names differ (similarity
    below ``config.name_match``), or their birth dates or nationalities conflict. A number
    recorded as stolen, lost, forged or revoked is said so and scores higher.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds (defaults: :class:`FraudConfig`).

    Returns
    -------
    list of Finding
        One per shared number, evidence: the documents, then their holders.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="passport", number="N1234567",
    ...            number_norm="N1234567", issuing_country="VN")
    >>> g.add_node("P1", label=Label.PERSON, name="Nguyen Thi Lan", birth_date="1990-05-01")
    >>> g.add_node("P2", label=Label.PERSON, name="Tran Van Minh", birth_date="1985-02-03")
    >>> g.add_edge("P1", "D1", type=Rel.HOLDS); g.add_edge("P2", "D1", type=Rel.HOLDS)
    0
    0
    >>> [f.reason for f in shared_document_number(g)]
    ['Passport N1234567 (D1) is held by 2 people with 2 different names and 2 birth dates: P1, P2']
    """
    return _run_check(_shared_document_number, g, config)


def _shared_document_number(case: _Case, cfg: FraudConfig) -> list[Finding]:
    def number_key(doc: str) -> tuple[str, str, str] | None:
        number = _number(case, doc)
        return (number, _doc_type(case, doc), case.country(doc, "issuing_country")) if number else None

    groups = _documents_by(case, number_key)
    out: list[Finding] = []
    for key in sorted(groups):
        docs = groups[key]
        holdings = [(d, p) for d in docs for p in case.holders.get(d, ())]
        people = sorted({p for _, p in holdings})
        if len(people) < 2:
            continue
        idents = [_identity(case, d, p) for d, p in holdings]
        found = _several_identities(idents, cfg)
        if found is None:
            continue
        identities, names, births, nats = found
        conflicts: list[str] = []
        score = 0.0
        if len(names) > 1:
            conflicts.append(f"{len(names)} different names")
            score = 0.75
        if len(births) > 1:
            conflicts.append(f"{len(births)} birth dates")
            score = score + 0.1 if score else 0.55
        if len(nats) > 1:
            conflicts.append(f"{len(nats)} nationalities ({', '.join(nats)})")
            score = score + 0.05 if score else 0.45
        if not conflicts:  # identities apart only by a name close to both: not worth a finding
            continue
        score += 0.05 * (len(identities) - 2)
        who = f"{len(people)} people"
        if len(identities) < len(people):
            who += f" of {len(identities)} different identities"
        bad = [d for d in docs if case.text(d, "status").lower() in _BAD_STATUS]
        what = _describe(case, docs[0]).rsplit(" (", 1)[0]
        reason = (
            f"{what} ({', '.join(docs)}) is held by {who} with "
            f"{' and '.join([', '.join(conflicts[:-1]), conflicts[-1]] if len(conflicts) > 1 else conflicts)}: "
            f"{_listing(people)}"
        )
        if bad:
            score += 0.1
            reason += "; " + ", ".join(f"{d} is recorded as {case.text(d, 'status').lower()}" for d in bad)
        roles = {d: f"carries the shared number {key[0]}" for d in docs}
        for ident in idents:
            roles[ident.person] = f"holds {ident.doc}: {ident.label(names, cfg.name_match)}"
        facts = {
            "number": key[0],
            "doc_type": key[1],
            "issuing_country": key[2],
            "documents": docs,
            "people": people,
            "identities": len(identities),
            "names": len(names),
            "birth_dates": len(births),
            "nationalities": nats,
            "recorded_status": {d: case.text(d, "status").lower() for d in bad},
        }
        out.append(_finding("shared_document_number", score, reason, [*docs, *people], roles, facts))
    return out


def too_many_documents(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """People with too many documents, or documents from too many countries, in a window.

    Counts distinct documents (by number, type and country) with an issue date: at least
    ``config.many_documents`` of one type in ``many_document_types`` (passports), or
    identity documents (``identity_document_types``) from at least ``many_countries``
    issuing countries, issued within ``many_window_days``. A passport renewed every ten
    years never comes near it; documents without an issue date are not counted.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds.

    Returns
    -------
    list of Finding
        One per person, evidence: the person, then the documents in the window(s).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("P1", label=Label.PERSON)
    >>> for i, (c, day) in enumerate([("VN", "2020-01-05"), ("KH", "2020-06-01"), ("LA", "2021-03-01")]):
    ...     g.add_node(f"D{i}", label=Label.DOCUMENT, doc_type="passport", number=f"X{i}",
    ...                issuing_country=c, issue_date=day)
    ...     _ = g.add_edge("P1", f"D{i}", type=Rel.HOLDS)
    >>> print(too_many_documents(g)[0].reason)  # doctest: +NORMALIZE_WHITESPACE
    P1 holds 3 passports issued within 2 years (2020-01-05 to 2021-03-01): D0, D1, D2; identity documents
    from 3 countries (KH, LA, VN) issued within 2 years (2020-01-05 to 2021-03-01): D0, D1, D2
    """
    return _run_check(_too_many_documents, g, config)


_Dated = tuple[date, str, str]  # (issue date, document, type)


def _window(items: Sequence[_Dated], days: int, measure: Callable[[list[_Dated]], int]) -> tuple[int, list[_Dated]]:
    """Best window of ``items`` (sorted by date) by ``measure(list of items)``, and its items."""
    best, best_items = 0, []
    lo = 0
    for hi in range(len(items)):
        while (items[hi][0] - items[lo][0]).days > days:
            lo += 1
        chunk = list(items[lo : hi + 1])
        value = measure(chunk)
        if value > best:
            best, best_items = value, chunk
    return best, best_items


def _issued_within(chosen: Sequence[_Dated], span_text: str) -> str:
    """``issued within 2 years (2020-01-05 to 2021-03-01): D0, D1, D2``."""
    first, last = chosen[0][0].isoformat(), chosen[-1][0].isoformat()
    return f"issued within {span_text} ({first} to {last}): {_listing([c[1] for c in chosen])}"


def _too_many_documents(case: _Case, cfg: FraudConfig) -> list[Finding]:
    out: list[Finding] = []
    span_text = _years_text(cfg.many_window_days)
    for person in sorted(case.documents_of):
        seen: dict[tuple[str, str, str], _Dated] = {}
        for doc in case.documents_of[person]:
            issued = case.full_date(doc, "issue_date")
            if issued is None:
                continue
            t = _doc_type(case, doc)
            key = (_number(case, doc) or doc, t, case.country(doc, "issuing_country"))
            if key not in seen or (issued, doc) < seen[key][:2]:
                seen[key] = (issued, doc, t)
        dated = sorted(seen.values())
        facts: dict[str, Any] = {"person": person}
        parts: list[str] = []
        docs_cited: list[str] = []
        score = 0.0
        for t in cfg.many_document_types:
            items = [x for x in dated if x[2] == t]
            count, chosen = _window(items, cfg.many_window_days, len)
            if count >= cfg.many_documents:
                parts.append(f"{count} {_kind_name(t)}s {_issued_within(chosen, span_text)}")
                docs_cited += [c[1] for c in chosen]
                facts[f"{t}_count"] = count
                score = max(score, 0.5 + 0.1 * (count - cfg.many_documents))
        ident = [x for x in dated if x[2] in cfg.identity_document_types]

        def countries(chunk: list[_Dated]) -> int:
            return len({case.country(c[1], "issuing_country") for c in chunk} - {""})

        n_countries, chosen = _window(ident, cfg.many_window_days, countries)
        if n_countries >= cfg.many_countries:
            codes = sorted({case.country(c[1], "issuing_country") for c in chosen} - {""})
            parts.append(
                f"identity documents from {n_countries} countries ({', '.join(codes)}) "
                f"{_issued_within(chosen, span_text)}"
            )
            docs_cited += [c[1] for c in chosen]
            facts["countries"] = codes
            score = max(score, 0.6 + 0.1 * (n_countries - cfg.many_countries))
        if not parts:
            continue
        if len(parts) > 1:
            score += 0.1
        docs = sorted(set(docs_cited))
        roles = {person: "holder of the documents"} | {d: f"issued to {person} within the window" for d in docs}
        facts["documents"] = docs
        out.append(
            _finding(
                "too_many_documents",
                score,
                f"{person} holds " + "; ".join(parts),
                [person, *docs],
                roles,
                facts,
                cap=0.9,
            )
        )
    return out


_MRZ_FIELDS = {
    "document_number": "document number",
    "birth_date": "birth date",
    "expiry_date": "expiry date",
    "personal_number": "personal number",
    "composite": "composite",
}


def mrz_check_failures(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """MRZs whose ICAO 9303 check digits fail, that cannot be read, or that contradict the
    document's recorded fields.

    Every layout :func:`~graph_tool.normalise.parse_mrz` reads is checked: TD1 ID cards,
    TD2, TD3 passports and MRV-A/MRV-B visas (no composite digit). The MRZ's number,
    birth date, expiry date, nationality and issuing state are compared with the
    document's ``number``, ``birth_date_on_document``, ``expiry_date``,
    ``nationality_on_document`` and ``issuing_country`` (dates by their two-digit year,
    month and day, as the MRZ holds them; a TD3 or visa number field holds 9 characters).

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        ``today`` resolves the centuries of MRZ dates.

    Returns
    -------
    list of Finding
        One per document, evidence: the document.

    Examples
    --------
    >>> from graph_tool.normalise import make_td3
    >>> l1, l2 = make_td3(surname="Eriksson", given_names="Anna", document_number="L898902C3",
    ...                   nationality="UTO", birth_date="1974-08-12", sex="F", expiry_date="2012-04-15")
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="passport", number="L898902C3",
    ...            mrz=l1 + "\\n" + l2, expiry_date="2012-04-15")
    >>> mrz_check_failures(g)
    []
    >>> g.nodes["D1"]["mrz"] = l1 + "\\n" + l2[:27] + "0" + l2[28:]   # expiry check digit 9 -> 0
    >>> print(mrz_check_failures(g)[0].reason)
    MRZ of Passport L898902C3 (D1, TD3) fails 2 of 5 check digits: expiry date, composite
    """
    return _run_check(_mrz_check_failures, g, config)


def _mrz_check_failures(case: _Case, cfg: FraudConfig) -> list[Finding]:
    out: list[Finding] = []
    today = cfg.reference_date()
    for doc in case.docs:
        text = case.text(doc, "mrz")
        if not text:
            continue
        what = _describe(case, doc)
        try:
            m = parse_mrz(text, today=today)
        except ValueError as exc:
            reason = f"MRZ of {what} cannot be read: {exc}"
            out.append(
                _finding(
                    "mrz_check_failures", 0.45, reason, [doc], {doc: "its MRZ cannot be read"}, {"unreadable": True}
                )
            )
            continue
        failed = [k for k, ok in m.checks.items() if not ok]
        contradictions: list[str] = []
        limit = 9 if m.layout in ("TD3", "MRVA", "MRVB") else None
        recorded = _number(case, doc)
        if recorded and m.document_number:
            want = recorded[:limit] if limit else recorded
            if want != m.document_number:
                contradictions.append(f"number {m.document_number} against the recorded {recorded}")
        for label, mrz_value, prop in (
            ("birth date", m.birth_date, "birth_date_on_document"),
            ("expiry date", m.expiry_date, "expiry_date"),
        ):
            rec = case.date_key(doc, prop)
            got = _date_key(mrz_value)
            if rec and got and _conflicting_precision((rec[0] % 100, rec[1], rec[2]), (got[0] % 100, got[1], got[2])):
                contradictions.append(f"{label} {date_text(got)} against the recorded {date_text(rec)}")
        for label, code, prop in (
            ("nationality", m.nationality, "nationality_on_document"),
            ("issuing state", m.issuing_state, "issuing_country"),
        ):
            rec_country = case.country(doc, prop)
            try:
                mrz_country = country_from_mrz(code) if code else None
            except ValueError:
                contradictions.append(f"{label} code {code} is no ICAO code")
                continue
            if rec_country and mrz_country and rec_country != mrz_country:
                contradictions.append(f"{label} {mrz_country} against the recorded {rec_country}")
        problems = list(m.problems)
        if not failed and not contradictions and not problems:
            continue
        parts: list[str] = []
        score = 0.0
        if failed:
            names = ", ".join(_MRZ_FIELDS.get(k, k) for k in failed)
            parts.append(f"fails {len(failed)} of {len(m.checks)} check digits: {names}")
            score = 0.65 + 0.05 * (len(failed) - 1)
        if problems:
            parts.append("has " + "; ".join(problems))
            score = max(score, 0.5) + (0.05 if score else 0)
        if contradictions:
            parts.append("contradicts the record: " + "; ".join(contradictions))
            score = max(score, 0.5 + 0.1 * (len(contradictions) - 1)) + (0.1 if failed else 0)
        reason = f"MRZ of {what[: -len(doc) - 2]}({doc}, {m.layout}) " + "; ".join(parts)
        facts = {
            "layout": m.layout,
            "failed_checks": failed,
            "problems": problems,
            "contradictions": contradictions,
        }
        out.append(_finding("mrz_check_failures", score, reason, [doc], {doc: reason}, facts))
    return out


def impossible_dates(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """Documents whose dates cannot be true.

    Issued before the holder was born (the birth date on the document, or a holder's
    recorded birth date), expiring on or before the issue date, valid longer than
    ``config.max_validity`` for the type plus ``validity_margin_days``, or issued (or its
    holder born) after ``config.today``. Partial dates (``1990``, ``1990-05``) are compared
    only where they are known.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds and the reference date.

    Returns
    -------
    list of Finding
        One per document, evidence: the document, then the holders whose birth dates
        were used.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="passport", number="N1",
    ...            issue_date="2019-03-01", expiry_date="2018-03-01")
    >>> g.add_node("D2", label=Label.DOCUMENT, doc_type="visa", number="V1",
    ...            issue_date="2010-01-01", expiry_date="2025-01-01")
    >>> for f in impossible_dates(g, FraudConfig(today=date(2024, 6, 30))):
    ...     print(f.reason)
    Passport N1 (D1) expires on 2018-03-01, before it was issued on 2019-03-01
    Visa V1 (D2) is valid for 15.0 years (2010-01-01 to 2025-01-01), longer than the 10 years a visa is issued for
    """
    return _run_check(_impossible_dates, g, config)


def _impossible_dates(case: _Case, cfg: FraudConfig) -> list[Finding]:
    out: list[Finding] = []
    horizon = cfg.reference_date() + timedelta(days=cfg.future_margin_days)
    horizon_key = (horizon.year, horizon.month, horizon.day)
    for doc in case.docs:
        issue = case.date_key(doc, "issue_date")
        expiry = case.date_key(doc, "expiry_date")
        t = _doc_type(case, doc)
        what = _describe(case, doc)
        facts: list[tuple[float, str, str]] = []  # (score, kind, text)
        holders_used: list[str] = []
        if issue and _compare(issue, horizon_key) > 0:
            facts.append((0.6, "issued_in_future", f"was issued on {date_text(issue)}, in the future"))
        if issue and expiry:
            fi, fe = _full_date(issue), _full_date(expiry)
            if (fi and fe and fe <= fi) or _compare(expiry, issue) < 0:
                facts.append(
                    (
                        0.85,
                        "expiry_before_issue",
                        f"expires on {date_text(expiry)}, before it was issued on {date_text(issue)}",
                    )
                )
            elif fi and fe:
                limit = cfg.max_validity(t)
                if limit is not None:
                    allowed = _add_years(fi, limit)
                    if fe > allowed + timedelta(days=cfg.validity_margin_days):
                        span = (fe - fi).days / 365.25
                        kind = _kind_name(t)
                        article = "an" if kind[:1] in "aeiou" else "a"
                        facts.append(
                            (
                                0.5 + min(0.3, 0.05 * (span - limit)),
                                "validity_too_long",
                                f"is valid for {span:.1f} years ({date_text(issue)} to {date_text(expiry)}), "
                                f"longer than the {limit} years {article} {kind} is issued for",
                            )
                        )
        birth_sources: list[tuple[str, DateKey, str]] = []
        own = case.date_key(doc, "birth_date_on_document")
        if own:
            birth_sources.append(("", own, "the birth date printed on it"))
        for p in case.holders.get(doc, ()):
            b = case.date_key(p, "birth_date")
            if b and (not own or _conflicting_precision(b, own)):
                birth_sources.append((p, b, f"the birth of its holder {p}"))
        for person, birth, whose in birth_sources:
            if issue and _compare(issue, birth) < 0:
                facts.append(
                    (
                        0.9,
                        "issued_before_birth",
                        f"was issued on {date_text(issue)}, before {whose} ({date_text(birth)})",
                    )
                )
                if person:
                    holders_used.append(person)
            if _compare(birth, horizon_key) > 0:
                facts.append((0.6, "born_in_future", f"gives a birth date in the future ({date_text(birth)})"))
                if person:
                    holders_used.append(person)
        if not facts:
            continue
        score = max(s for s, _, _ in facts) + 0.05 * (len(facts) - 1)
        reason = f"{what} " + "; ".join(text for _, _, text in facts)
        roles = {doc: reason} | {p: f"holder of {doc}; birth date compared" for p in holders_used}
        out.append(
            _finding(
                "impossible_dates",
                score,
                reason,
                [doc, *holders_used],
                roles,
                {"problems": [k for _, k, _ in facts]},
            )
        )
    return out


def serial_numbers(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """Near-consecutive serial numbers held by people who are not one family.

    Numbers are split by :func:`~graph_tool.normalise.document_serial` into a prefix and a
    serial; documents of one type, issuing country, prefix and number length whose serials
    are at most ``config.serial_max_gap`` apart form a run. A run of at least
    ``serial_min_documents`` distinct numbers is reported when its holders belong to at
    least two families (people joined by ``kin_relationships``; a holderless document is a
    family of its own). Genuine consecutive numbers are issued together; a run whose issue
    dates lie months apart scores higher.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds.

    Returns
    -------
    list of Finding
        One per run, evidence: the documents in number order, then their holders.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for i, n in enumerate(["C4501", "C4502", "C4503"]):
    ...     g.add_node(f"D{i}", label=Label.DOCUMENT, doc_type="passport", number=n, issuing_country="KH")
    ...     g.add_node(f"P{i}", label=Label.PERSON)
    ...     _ = g.add_edge(f"P{i}", f"D{i}", type=Rel.HOLDS)
    >>> print(serial_numbers(g)[0].reason)  # doctest: +NORMALIZE_WHITESPACE
    3 passports issued by KH carry consecutive numbers C4501 to C4503 and are held by 3 people not linked by
    family or marriage: D0 (P0), D1 (P1), D2 (P2)
    """
    return _run_check(_serial_numbers, g, config)


def _serial_numbers(case: _Case, cfg: FraudConfig) -> list[Finding]:
    buckets: dict[tuple[str, str, str, int], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    types = set(cfg.serial_document_types)
    for doc in case.docs:
        t = _doc_type(case, doc)
        if t not in types:
            continue
        number = _number(case, doc)
        split = document_serial(number) if number else None
        if split is None:
            continue
        prefix, serial = split
        key = (t, case.country(doc, "issuing_country"), prefix, len(number) - len(prefix))
        buckets[key][serial].append(doc)
    out: list[Finding] = []
    for key in sorted(buckets):
        by_serial = buckets[key]
        serials = sorted(by_serial)
        runs: list[list[int]] = [[serials[0]]]
        for s in serials[1:]:
            if s - runs[-1][-1] <= cfg.serial_max_gap:
                runs[-1].append(s)
            else:
                runs.append([s])
        for run in runs:
            if len(run) < cfg.serial_min_documents:
                continue
            docs = [d for s in run for d in sorted(by_serial[s])]
            families = _UnionFind()
            people: list[str] = []
            for d in docs:
                hs = case.holders.get(d, ())
                if not hs:
                    families.find(f"doc:{d}")
                for p in hs:
                    families.find(case.family.get(p, p))
                    if p not in people:
                        people.append(p)
                if len(hs) > 1:  # one person recorded twice (a partner's log) is one family
                    for grp in _distinct_identities([_identity(case, d, p) for p in hs], cfg):
                        for m in grp[1:]:
                            families.union(
                                case.family.get(grp[0].person, grp[0].person), case.family.get(m.person, m.person)
                            )
            units = families.roots()
            if len(units) < 2:
                continue
            largest_gap = max(b - a for a, b in pairwise(run))
            t, country, _prefix, _ = key
            kind = _kind_name(t)
            first, last = _number(case, docs[0]), _number(case, by_serial[run[-1]][0])
            adjective = "consecutive" if largest_gap == 1 else f"near-consecutive (gaps up to {largest_gap})"
            issued = sorted(x for x in (case.full_date(d, "issue_date") for d in docs) if x)
            spread = (issued[-1] - issued[0]).days if len(issued) >= 2 else 0
            score = 0.45 + 0.1 * (len(units) - 2) + 0.05 * (len(run) - 2) + (0.1 if largest_gap == 1 else 0)
            listed = [f"{d} ({', '.join(case.holders.get(d, ())) or 'no holder'})" for d in docs]
            numbers = f"{adjective} numbers" if len(docs) == len(run) else f"{len(run)} {adjective} numbers"
            holders = f"{len(units)} people not linked by family or marriage"
            if len(people) != len(units):
                holders = f"{len(units)} holders not linked by family or marriage ({len(people)} person records)"
            reason = (
                f"{len(docs)} {kind}s issued by {country or 'an unknown country'} carry {numbers} "
                f"{first} to {last} and are held by {holders}: {_listing(listed)}"
            )
            if spread > 90:
                score += 0.1
                reason += f"; their issue dates lie {spread} days apart, which numbers issued together rarely do"
            roles = {d: f"serial {s} of the run {first} to {last}" for s in run for d in by_serial[s]}
            roles |= {p: "holds a document of the run" for p in people}
            facts = {
                "doc_type": t,
                "issuing_country": country,
                "first": first,
                "last": last,
                "serials": run,
                "families": len(units),
                "largest_gap": largest_gap,
                "issue_spread_days": spread,
            }
            out.append(_finding("serial_numbers", score, reason, [*docs, *people], roles, facts))
    return out


def shared_sponsor(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """One sponsor or inviter behind the visas or permits of many applicants.

    Counts the holders of the documents a Person or Organisation ``SPONSORED`` (types in
    ``config.sponsor_document_types``), leaving out the sponsor and its own family (a
    husband inviting his wife). At least ``sponsor_min_applicants`` applicants is
    reported; when at least ``sponsor_pattern_share`` of them are women and as large a
    share have one nationality, the pattern of marriage brokering is named and scores
    higher, as does a private person sponsoring strangers.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds.

    Returns
    -------
    list of Finding
        One per sponsor, evidence: the sponsor, the documents, then the applicants.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("O1", label=Label.ORGANISATION, name="Harmony Marriage Co.", org_type="marriage_agency")
    >>> for i in range(3):
    ...     g.add_node(f"V{i}", label=Label.DOCUMENT, doc_type="visa", number=f"CNV{i}")
    ...     g.add_node(f"P{i}", label=Label.PERSON, sex="female", nationality="VN")
    ...     _ = g.add_edge(f"P{i}", f"V{i}", type=Rel.HOLDS)
    ...     _ = g.add_edge("O1", f"V{i}", type=Rel.SPONSORED)
    >>> print(shared_sponsor(g)[0].reason)  # doctest: +NORMALIZE_WHITESPACE
    Marriage agency O1 (Harmony Marriage Co.) sponsored 3 visas for 3 applicants, all women, all of
    nationality VN: V0 (P0), V1 (P1), V2 (P2)
    """
    return _run_check(_shared_sponsor, g, config)


def _shared_sponsor(case: _Case, cfg: FraudConfig) -> list[Finding]:
    types = set(cfg.sponsor_document_types)
    by_sponsor: dict[str, list[str]] = defaultdict(list)
    for doc, sponsors in case.sponsors.items():
        if _doc_type(case, doc) in types:
            for s in sponsors:
                by_sponsor[s].append(doc)
    families: dict[str, set[str]] = defaultdict(set)
    for p, unit in case.family.items():
        families[unit].add(p)
    out: list[Finding] = []
    for sponsor in sorted(by_sponsor):
        excluded = {sponsor} | families.get(case.family.get(sponsor, ""), set())
        docs: list[str] = []
        applicants: list[str] = []
        for doc in sorted(by_sponsor[sponsor]):
            hs = [p for p in case.holders.get(doc, ()) if p not in excluded]
            if hs:
                docs.append(doc)
                applicants += [p for p in hs if p not in applicants]
        n = len(applicants)
        if n < cfg.sponsor_min_applicants:
            continue
        women = sum(1 for p in applicants if case.text(p, "sex").lower() in _FEMALE)
        nats = Counter(case.country(p, "nationality") for p in applicants)
        nats.pop("", None)
        top_nat, top_count = sorted(nats.items(), key=lambda kv: (-kv[1], kv[0]))[0] if nats else ("", 0)
        pattern = women / n >= cfg.sponsor_pattern_share and top_count / n >= cfg.sponsor_pattern_share
        is_person = case.labels[sponsor] == Label.PERSON
        kinds = Counter(_doc_type(case, d) for d in docs)
        doc_text = ", ".join(
            _plural(c, _kind_name(t)) for t, c in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        if is_person:
            who = f"{sponsor}, a private person,"
        else:
            org_type = case.text(sponsor, "org_type").replace("_", " ")
            name = case.text(sponsor, "name")
            who = f"{(org_type or 'organisation').capitalize()} {sponsor}" + (f" ({name})" if name else "")
        reason = f"{who} sponsored {doc_text} for {n} applicants"
        score = 0.35 + 0.05 * (n - cfg.sponsor_min_applicants)
        if pattern:
            score += 0.3
            women_text = "all women" if women == n else f"{women} of them women"
            nat_text = f"all of nationality {top_nat}" if top_count == n else f"{top_count} of nationality {top_nat}"
            reason += f", {women_text}, {nat_text}"
        if is_person:
            score += 0.1
        listed = [f"{d} ({', '.join(p for p in case.holders.get(d, ()) if p not in excluded)})" for d in docs]
        reason += f": {_listing(listed)}"
        roles = {sponsor: f"sponsored {doc_text} for {n} applicants"}
        roles |= {d: f"sponsored by {sponsor}" for d in docs}
        roles |= {p: f"applicant sponsored by {sponsor}" for p in applicants}
        facts = {
            "sponsor": sponsor,
            "applicants": n,
            "women": women,
            "top_nationality": top_nat,
            "top_nationality_count": top_count,
            "pattern_women_one_nationality": pattern,
            "documents": docs,
        }
        out.append(_finding("shared_sponsor", score, reason, [sponsor, *docs, *applicants], roles, facts))
    return out


def shared_photo(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """The same photo hash on documents of different identities.

    Documents are grouped by ``photo_hash``. Each holding (a document and its holder) is an
    identity: name, birth date and nationality (the document's own fields when it has one
    holder). Holdings with similar names and no conflicting birth date or nationality are
    one identity; two or more identities on one photo are reported. One person's own
    passport and ID card with one photo are not.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds.

    Returns
    -------
    list of Finding
        One per photo hash, evidence: the documents, then their holders.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="passport", number="N1", photo_hash="ab12",
    ...            name_on_document="ZAW HTOO", birth_date_on_document="1983-09-29")
    >>> g.add_node("D2", label=Label.DOCUMENT, doc_type="passport", number="N2", photo_hash="ab12",
    ...            name_on_document="AUNG KYAW", birth_date_on_document="1980-01-02")
    >>> g.add_node("P1", label=Label.PERSON, name="Zaw Htoo")
    >>> g.add_edge("P1", "D1", type=Rel.HOLDS); g.add_edge("P1", "D2", type=Rel.HOLDS)
    0
    0
    >>> print(shared_photo(g)[0].reason)  # doctest: +NORMALIZE_WHITESPACE
    Photo ab12 appears on 2 documents of 2 different identities (2 names, 2 birth dates): D1 (P1: identity 1),
    D2 (P1: identity 2)
    """
    return _run_check(_shared_photo, g, config)


def _shared_photo(case: _Case, cfg: FraudConfig) -> list[Finding]:
    groups = _documents_by(case, lambda doc: case.text(doc, "photo_hash").lower() or None)
    out: list[Finding] = []
    for h in sorted(groups):
        docs = groups[h]
        if len(docs) < 2 or len(docs) > cfg.photo_max_documents:
            continue
        idents = [_identity(case, d, p) for d in docs for p in (case.holders.get(d) or [""])]
        found = _several_identities(idents, cfg)
        if found is None:
            continue
        groups_of, names, births, _ = found
        people = sorted({i.person for i in idents if i.person})
        number_of = {(i.doc, i.person): k for k, grp in enumerate(groups_of, 1) for i in grp}
        listed = []
        for d in docs:
            mine = [i for i in idents if i.doc == d]
            numbers = sorted({number_of[(i.doc, i.person)] for i in mine})
            holders = ", ".join(i.person for i in mine if i.person) or "no holder"
            listed.append(f"{d} ({holders}: identity {', '.join(str(k) for k in numbers)})")
        reason = (
            f"Photo {h} appears on {len(docs)} documents of {len(groups_of)} different identities "
            f"({_plural(len(names), 'name')}, {_plural(len(births), 'birth date')}): {_listing(listed)}"
        )
        score = 0.8 + 0.05 * (len(groups_of) - 2)
        roles = {d: f"carries photo {h}" for d in docs}
        roles |= {
            i.person: f"holds {i.doc} as identity {number_of[(i.doc, i.person)]}: {i.label(names, cfg.name_match)}"
            for i in idents
            if i.person
        }
        facts = {"photo_hash": h, "documents": docs, "identities": len(groups_of), "people": people}
        out.append(_finding("shared_photo", score, reason, [*docs, *people], roles, facts))
    return out


def holder_mismatch(g: nx.Graph, config: FraudConfig | None = None) -> list[Finding]:
    """Documents whose recorded name or birth date contradicts their holder's record.

    For a document with exactly one holder: a full ``birth_date_on_document`` that differs
    from the holder's full ``birth_date`` (a minor made an adult, an alias identity), or a
    ``name_on_document`` whose similarity to each of the holder's names (``name`` and
    ``aliases``) is below ``config.holder_name_match``. Documents held by several people
    are the business of :func:`shared_document_number`.

    Parameters
    ----------
    g : networkx graph
        The case graph.
    config : FraudConfig, optional
        Thresholds.

    Returns
    -------
    list of Finding
        One per document, evidence: the document, then its holder.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="passport", number="N1",
    ...            name_on_document="LAN NGUYEN THI", birth_date_on_document="2001-04-03")
    >>> g.add_node("P1", label=Label.PERSON, name="Nguyễn Thị Lan", birth_date="2007-04-03")
    >>> _ = g.add_edge("P1", "D1", type=Rel.HOLDS)
    >>> print(holder_mismatch(g)[0].reason)
    Passport N1 (D1) gives the birth date 2001-04-03, but its holder P1 was born on 2007-04-03 (6.0 years apart)
    """
    return _run_check(_holder_mismatch, g, config)


def _holder_mismatch(case: _Case, cfg: FraudConfig) -> list[Finding]:
    out: list[Finding] = []
    for doc in case.docs:
        hs = case.holders.get(doc, ())
        if len(hs) != 1:
            continue
        person = hs[0]
        parts: list[str] = []
        score = 0.0
        on_doc = case.full_date(doc, "birth_date_on_document")
        recorded = case.full_date(person, "birth_date")
        if on_doc and recorded and on_doc != recorded:
            years = abs((recorded - on_doc).days) / 365.25
            parts.append(
                f"gives the birth date {on_doc.isoformat()}, but its holder {person} was born on "
                f"{recorded.isoformat()} ({years:.1f} years apart)"
            )
            score = 0.6
            issued = case.full_date(doc, "issue_date")
            when = issued or cfg.reference_date()
            if on_doc < recorded and _add_years(on_doc, 18) <= when < _add_years(recorded, 18):
                at = f"on its issue date {when.isoformat()}" if issued else "today"
                parts[-1] += f"; it makes a minor an adult {at}"
                score = 0.8
        name_on = case.text(doc, "name_on_document")
        names = [case.text(person, "name"), *as_list(case.attrs[person].get("aliases"), semicolons=True)]
        names = [n for n in names if n]
        if name_on and names:
            best = max(_loose_similarity(name_on, n) for n in names)
            if best < cfg.holder_name_match:
                parts.append(f"is in a name unlike any recorded for its holder {person} (similarity {best:.2f})")
                score = score + 0.2 if score else 0.55
        if not parts:
            continue
        reason = f"{_describe(case, doc)} " + "; ".join(parts)
        out.append(
            _finding(
                "holder_mismatch",
                score,
                reason,
                [doc, person],
                {doc: reason, person: f"holder of {doc}"},
                {"person": person},
            )
        )
    return out


_RUNNERS: dict[str, _Check] = {
    "shared_document_number": _shared_document_number,
    "too_many_documents": _too_many_documents,
    "mrz_check_failures": _mrz_check_failures,
    "impossible_dates": _impossible_dates,
    "serial_numbers": _serial_numbers,
    "shared_sponsor": _shared_sponsor,
    "shared_photo": _shared_photo,
    "holder_mismatch": _holder_mismatch,
}


# --- all checks, clusters --------------------------------------------------------------


def fraud_findings(g: nx.Graph, config: FraudConfig | None = None) -> FraudReport:
    """Run the fraud checks and join linked findings into fraud clusters.

    Two findings are linked when they name a common node, or when a document one names is
    held by a person the other names or who holds a document it names (so a forged
    passport and the visa sponsored for its holder fall into one cluster). Each cluster
    gets a stable id from its findings, the documents and people involved, and a score
    combining its findings' scores (``1 - prod(1 - score)``).

    Parameters
    ----------
    g : networkx graph
        The case graph (``store.whole_graph().to_networkx()``).
    config : FraudConfig, optional
        Thresholds and the checks to run.

    Returns
    -------
    FraudReport
        Findings ordered by score (highest first) then id, each with its ``cluster_id``;
        clusters ordered the same way; per-node ``fraud_score``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("P1", label=Label.PERSON, name="Tran Thi Mai", birth_date="1995-01-01")
    >>> g.add_node("P2", label=Label.PERSON, name="Le Van Nam", birth_date="1980-07-07")
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="passport", number="N1", issuing_country="VN",
    ...            issue_date="2020-01-01", expiry_date="2019-01-01")
    >>> g.add_node("D2", label=Label.DOCUMENT, doc_type="passport", number="N1", issuing_country="VN")
    >>> g.add_edge("P1", "D1", type=Rel.HOLDS); g.add_edge("P2", "D2", type=Rel.HOLDS)
    0
    0
    >>> report = fraud_findings(g, FraudConfig(today=date(2024, 6, 30)))
    >>> [f.check for f in report.findings]
    ['impossible_dates', 'shared_document_number']
    >>> len(report.clusters), report.clusters[0].documents, report.scores["D1"]
    (1, ('D1', 'D2'), 0.978)
    """
    cfg = _config(config)
    case = _read(g, cfg)
    found: list[Finding] = []
    for check in cfg.checks:
        found += _RUNNERS[check](case, cfg)
    unique = {f.id: f for f in found}
    ordered = sorted(unique.values(), key=lambda f: (-f.score, f.id))
    clusters, member_of = _clusters(case, ordered)
    findings = tuple(replace(f, cluster_id=member_of[f.id]) for f in ordered)
    scores: dict[str, list[float]] = defaultdict(list)
    for f in findings:
        for n in f.evidence:
            scores[n].append(f.score)
    named = {n for f in findings for n in f.evidence}
    for c in clusters:
        named |= set(c.documents) | set(c.people) | set(c.others)
    return FraudReport(
        findings=findings,
        clusters=tuple(clusters),
        scores={n: _noisy_or(s) for n, s in sorted(scores.items())},
        labels={n: case.labels[n] for n in sorted(named) if n in case.labels},
        config=cfg,
    )


def _clusters(case: _Case, findings: Sequence[Finding]) -> tuple[list[FraudCluster], dict[str, str]]:
    uf = _UnionFind()
    find, union = uf.find, uf.union

    touched: dict[str, set[str]] = {}
    for f in findings:
        nodes = set(f.evidence)
        for n in f.evidence:
            if case.labels.get(n) == Label.DOCUMENT:
                nodes.update(case.holders.get(n, ()))
        touched[f.id] = nodes
        key = f"finding\x1f{f.id}"
        find(key)
        for n in nodes:
            union(key, f"node\x1f{n}")
    members: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        members[find(f"finding\x1f{f.id}")].append(f)
    clusters: list[FraudCluster] = []
    member_of: dict[str, str] = {}
    for group in members.values():
        ids = sorted(f.id for f in group)
        cid = "fraud-cluster:" + hashlib.sha256("\x1f".join(ids).encode()).hexdigest()[:16]
        nodes = set().union(*(touched[f.id] for f in group))
        docs = tuple(sorted(n for n in nodes if case.labels.get(n) == Label.DOCUMENT))
        people = tuple(sorted(n for n in nodes if case.labels.get(n) == Label.PERSON))
        others = tuple(sorted(n for n in nodes if n not in docs and n not in people))
        checks = tuple(c for c in CHECKS if any(f.check == c for f in group))
        score = _noisy_or(f.score for f in group)
        reason = (
            f"{_plural(len(group), 'finding')} ({', '.join(checks)}) on {_plural(len(docs), 'document')} "
            f"held by or linked to {_plural(len(people), 'person', 'people')}"
        )
        if others:
            reason += f" and {_plural(len(others), 'sponsor')}"
        clusters.append(FraudCluster(cid, tuple(ids), checks, docs, people, others, score, reason))
        for f in group:
            member_of[f.id] = cid
    clusters.sort(key=lambda c: (-c.score, c.cluster_id))
    return clusters, member_of


# --- writing back ----------------------------------------------------------------------


def findings_to_records(
    report: FraudReport, source: str = "analysis:fraud"
) -> tuple[list[NodeRecord], list[EdgeRecord]]:
    """Finding nodes and their EVIDENCE relationships, ready for ``upsert_nodes``/``upsert_edges``.

    Each finding becomes a Finding node (``check``, ``severity``, ``score``, ``reason``,
    ``cluster_id``, ``analysis = "fraud"``) with one EVIDENCE relationship to each evidence
    node, carrying what that node is in the finding as its ``reason``. Ids are stable, so
    writing the same report twice changes nothing; to replace earlier results, delete
    ``source`` first (``store.delete_source(source)``). Node scores:
    :func:`fraud_properties`.

    Parameters
    ----------
    report : FraudReport
        From :func:`fraud_findings`.
    source : str
        Provenance recorded on every node and relationship.

    Returns
    -------
    tuple of (list of NodeRecord, list of EdgeRecord)

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="visa", number="V1",
    ...            issue_date="2020-01-01", expiry_date="2019-01-01")
    >>> nodes, edges = findings_to_records(fraud_findings(g))
    >>> nodes[0].props["check"], edges[0].type is Rel.EVIDENCE, edges[0].target_id
    ('impossible_dates', True, 'D1')
    """
    nodes: list[NodeRecord] = []
    edges: list[EdgeRecord] = []
    for f in report.findings:
        props = {
            "check": f.check,
            "severity": f.severity,
            "score": f.score,
            "reason": f.reason,
            "cluster_id": f.cluster_id,
            "analysis": "fraud",
        }
        nodes.append(NodeRecord(Label.FINDING, f.id, props, source, f.check))
        for n in f.evidence:
            label = report.labels.get(n)
            if label is None:
                continue
            edges.append(
                EdgeRecord(
                    Rel.EVIDENCE,
                    Label.FINDING,
                    f.id,
                    Label(label),
                    n,
                    {"reason": f.roles.get(n) or f.reason},
                    source,
                    f.check,
                )
            )
    return nodes, edges


def fraud_properties(report: FraudReport) -> dict[Label, dict[str, dict[str, float]]]:
    """Each evidence node's ``fraud_score``, by label, for ``store.set_properties(label, values)``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("D1", label=Label.DOCUMENT, doc_type="visa", number="V1",
    ...            issue_date="2020-01-01", expiry_date="2019-01-01")
    >>> fraud_properties(fraud_findings(g))
    {<Label.DOCUMENT: 'Document'>: {'D1': {'fraud_score': 0.85}}}
    """
    out: dict[Label, dict[str, dict[str, float]]] = {}
    for node, score in report.scores.items():
        label = report.labels.get(node)
        if label is None or math.isnan(score):
            continue
        out.setdefault(Label(label), {})[node] = {"fraud_score": score}
    return out
