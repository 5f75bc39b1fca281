"""Redaction of a subgraph for one recipient, under a profile, victim-safe by default.

Protected persons are the Person nodes whose roles meet the profile's protected roles
(always ``victim``). For them, and for the documents, phones, accounts and addresses linked
to them (``HOLDS``, ``USES``, ``OWNS``, ``LIVES_AT``), every identifying property is
pseudonymised with HMAC-SHA256 under a key derived from the team secret and the recipient
(:mod:`graph_tool.share.keys`); their ids are pseudonymised too, consistently, so that the
recipient can match repeated exports but a second recipient gets other pseudonyms. Their
free text is dropped, and any copy of their identifying values elsewhere in the subgraph
(a name in someone else's notes, a source id made from a file name) is replaced.

Unmasking (victims in clear) needs a reason and is recorded in the audit log.

>>> from graph_tool.store.base import Node, Subgraph
>>> sub = Subgraph((Node("Person", "P1", {"name": "Trần Thị Mai", "roles": ["victim"], "sex": "female"}),))
>>> out = redact(sub, "default", "JIT Lotus", b"0123456789abcdef0123456789abcdef")
>>> victim = out.subgraph.nodes[0]
>>> victim.id.startswith("ps-person-"), victim.props["name"].startswith("ps-name-"), victim.props["sex"]
(True, True, 'female')
>>> [w.attributes for w in out.warnings]
[('sex',)]
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph_tool import audit
from graph_tool.model import Label, PropType, Rel, node_type
from graph_tool.normalise import name_key, normalise_document_number, normalise_phone
from graph_tool.resolve import linked_to
from graph_tool.share.errors import ShareError
from graph_tool.share.keys import recipient_key, secret_bytes, team_key, token
from graph_tool.share.policy import (
    FREE_TEXT,
    FieldRule,
    MaskRule,
    Profile,
    QuasiIdentifier,
    load_profile,
    sensitive_properties,
)
from graph_tool.store.base import Edge, GraphStore, Node, Subgraph

log = logging.getLogger(__name__)

# Identifiers linked to a person that identify her in turn.
PROTECTED_LINKS: dict[Rel, Label] = {
    Rel.HOLDS: Label.DOCUMENT,
    Rel.USES: Label.PHONE,
    Rel.OWNS: Label.ACCOUNT,
    Rel.LIVES_AT: Label.ADDRESS,
}
# Properties holding the id of another node of the same label.
ID_REFERENCES: dict[Label, tuple[str, ...]] = {Label.PERSON: ("merged_into",)}
EDGE_FREE_TEXT: tuple[str, ...] = ("notes", "attrs")
REDACTED_TEXT = "[redacted]"
MIN_SCRUB_LENGTH = 4

# What kind of value a sensitive property holds, and so how it is normalised before
# hashing: the same name written two ways gets one pseudonym.
_NAME_PROPS = {
    (Label.PERSON, "name"),
    (Label.PERSON, "aliases"),
    (Label.PERSON, "name_key"),
    (Label.DOCUMENT, "name_on_document"),
    (Label.ACCOUNT, "holder_name"),
}
_DOCUMENT_PROPS = {(Label.DOCUMENT, "number"), (Label.DOCUMENT, "number_norm")}
_PHONE_PROPS = {(Label.PHONE, "number"), (Label.PHONE, "raw")}
_ACCOUNT_PROPS = {(Label.ACCOUNT, "number")}
_ADDRESS_PROPS = {(Label.ADDRESS, "full"), (Label.ADDRESS, "street")}

_DROP = object()


@dataclass(frozen=True)
class ShareWarning:
    """Something the person sharing should know; never names a person or a value."""

    kind: str
    message: str
    attributes: tuple[str, ...] = ()
    smallest_group: int = 0
    affected: int = 0

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RedactionResult:
    """A redacted subgraph, the warnings about it, and a hash of the pseudonym map used."""

    subgraph: Subgraph
    warnings: tuple[ShareWarning, ...]
    pseudonym_map_hash: str
    recipient: str = ""
    profile: str = ""
    unmasked: bool = False
    stats: Mapping[str, int] = field(default_factory=dict)
    clean: Callable[[str], str] = field(default=str, compare=False, repr=False)
    """Apply the same id replacement and scrubbing to other text (e.g. a bundle's source names)."""


def value_kind(label: str, prop: str, value: str) -> tuple[str, str]:
    """The kind of a sensitive value and its normalised form (what the hash is taken of).

    >>> value_kind("Person", "name", "Trần Thị Mai")
    ('name', 'mai thi tran')
    >>> value_kind("Document", "number", "CN-V 0041877")
    ('document', 'CNV0041877')
    """
    key = (str(label), prop)
    text = str(value)
    if key in _NAME_PROPS:
        return "name", name_key(text) or text.strip()
    if key in _DOCUMENT_PROPS:
        return "document", normalise_document_number(text)
    if key in _PHONE_PROPS:
        return "phone", normalise_phone(text, default_region=None).key
    if key in _ACCOUNT_PROPS:
        return "account", _alnum(text)
    if key in _ADDRESS_PROPS:
        return "address", " ".join(text.casefold().split())
    if prop == "mrz":
        return "mrz", "".join(text.split()).upper()
    ptype = node_type(label).prop(prop).type if _declared(label, prop) else PropType.STRING
    if ptype in (PropType.DATE, PropType.DATETIME):
        return "date", text.strip()
    return "text", text.strip()


def _declared(label: str, prop: str) -> bool:
    try:
        node_type(label).prop(prop)
    except (KeyError, ValueError):
        return False
    return True


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


class Pseudonymiser:
    """Keyed, consistent pseudonyms for node ids and values, for one recipient key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def node_id(self, label: str, node_id: str) -> str:
        """The pseudonym of a node id: ``ps-<label>-<20 hex>``."""
        digest = token(self._key, "id", str(label) + "\x1f" + node_id)
        return f"ps-{str(label).lower()}-{digest}"

    def edge_id(self, rel: str, edge_id: str) -> str:
        """The pseudonym of a relationship id (keeps the ``TYPE:`` prefix)."""
        return f"{rel}:{token(self._key, 'edge', edge_id)}"

    def value(self, label: str, prop: str, value: Any) -> str:
        """The pseudonym of one value: ``ps-<kind>-<20 hex>``."""
        kind, norm = value_kind(label, prop, str(value))
        return f"ps-{kind}-{token(self._key, kind, norm)}"


# --- the scrubber: copies of protected values anywhere else ------------------------------


@lru_cache(maxsize=65536)
def _name_tokens(text: str) -> frozenset[str]:
    return frozenset(name_key(text).split())


_WORD = re.compile(r"\w+")
_SEPARATORS = r"[\s.\-/\\<_()+]*"  # what people type inside a number
_NON_ALNUM = re.compile(r"[\W_]+")
MIN_NUMBER_LENGTH = 6
MIN_WORD_LENGTH = 3
# Properties holding free text, where a single word of a protected person's name is
# replaced (in other properties only a full name, or a whole value, is).
TEXT_PROPS = frozenset({*FREE_TEXT, "promise", "route", "relation", "place", "position", "role"})
TEXT_LABELS = frozenset({Label.SOURCE, Label.FINDING, Label.CANDIDATE})


def is_free_text(owner: str, prop: str) -> bool:
    """True when ``prop`` of a node label or relationship type ``owner`` holds free text."""
    return prop in TEXT_PROPS or owner in TEXT_LABELS


class _Scrubber:
    """Finds protected persons' values (names, numbers, dates) inside other strings.

    Built for graphs of many strings and many protected values: exact values are found
    from their first word, names by token sets, numbers by windows over the alphanumeric
    form of a string, each a dictionary lookup rather than a scan over every value.
    """

    def __init__(self) -> None:
        self._exact: dict[str, str] = {}  # casefolded value -> pseudonym
        self._by_first: dict[str, list[tuple[int, str]]] = {}  # first word -> (its offset, value)
        self._names: dict[str, list[frozenset[str]]] = {}  # token -> full names (token sets) holding it
        self._words: set[str] = set()  # single name tokens, replaced in free text
        self._numbers: dict[str, str] = {}  # alphanumeric form -> pseudonym
        self._lengths: tuple[int, ...] = ()
        self.hits = 0

    def add(self, kind: str, value: str, pseudonym: str) -> None:
        text = value.strip()
        folded = text.casefold()
        if len(text) >= MIN_SCRUB_LENGTH and folded not in self._exact:
            self._exact[folded] = pseudonym
            first = _WORD.search(folded)
            if first:
                self._by_first.setdefault(first.group(0), []).append((first.start(), folded))
        if kind == "name":
            tokens = _name_tokens(text)
            if tokens and (len(tokens) >= 2 or min(len(t) for t in tokens) >= MIN_WORD_LENGTH):
                for t in tokens:
                    self._names.setdefault(t, []).append(tokens)
            self._words.update(t for t in tokens if len(t) >= MIN_WORD_LENGTH)
        elif kind in ("document", "phone", "account", "mrz"):
            flat = _flat(text)
            for form in {flat, flat.lstrip("0")}:
                if len(form) >= MIN_NUMBER_LENGTH:
                    self._numbers.setdefault(form, pseudonym)
                    if len(form) not in self._lengths:
                        self._lengths = tuple(sorted({*self._lengths, len(form)}))

    def __bool__(self) -> bool:
        return bool(self._exact or self._names or self._numbers)

    def _replace_exact(self, text: str) -> str:
        folded = text.casefold()
        if folded in self._exact:
            return self._exact[folded]
        if len(folded) != len(text):  # casefolding changed the length (e.g. ß): positions would not line up
            text = folded
        found: list[tuple[int, int, str]] = []
        for m in _WORD.finditer(folded):
            for offset, value in self._by_first.get(m.group(0), ()):
                begin = m.start() - offset
                if begin >= 0 and folded.startswith(value, begin):
                    found.append((begin, begin + len(value), value))
        if not found:
            return text
        out, pos = [], 0
        for begin, end, value in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
            if begin >= pos:
                out.append(text[pos:begin])
                out.append(self._exact[value])
                pos = end
        out.append(text[pos:])
        return "".join(out)

    def _numbers_in(self, text: str) -> list[str]:
        flat = _flat(text)
        hits = []
        for n in self._lengths:
            for i in range(len(flat) - n + 1):
                if flat[i : i + n] in self._numbers:
                    hits.append(flat[i : i + n])
        return hits

    def _is_name_word(self, word: str) -> bool:
        return bool(_name_tokens(word) & self._words)

    def _has_full_name(self, text: str) -> bool:
        tokens = _name_tokens(text)
        return any(name <= tokens for t in tokens for name in self._names.get(t, ()))

    def scrub(self, text: str, free_text: bool = False) -> str:
        """``text`` with protected values replaced.

        An exact copy of a value becomes its pseudonym. Otherwise a full name written
        another way makes the whole value ``[redacted]``, except in free text, where each
        word of a protected person's name is replaced instead; a protected number written
        with other punctuation is replaced in free text, and redacts the value elsewhere.
        """
        if not self or not text:
            return text
        out = self._replace_exact(text) if self._exact else text
        if out != text:
            self.hits += 1
        if self._names:
            if free_text:
                words = _WORD.sub(lambda m: REDACTED_TEXT if self._is_name_word(m.group(0)) else m.group(0), out)
                if words != out:
                    self.hits += 1
                    out = words
            elif self._has_full_name(out):
                self.hits += 1
                return REDACTED_TEXT
        if self._numbers and len(out) >= MIN_NUMBER_LENGTH:
            numbers = self._numbers_in(out)
            if numbers and free_text:
                self.hits += 1
                for num in sorted(set(numbers), key=len, reverse=True):
                    out = _number_pattern(num).sub(self._numbers[num], out)
                numbers = self._numbers_in(out)
            if numbers:
                self.hits += 1
                return REDACTED_TEXT
        return out


@lru_cache(maxsize=4096)
def _number_pattern(number: str) -> re.Pattern[str]:
    return re.compile(_SEPARATORS.join(re.escape(ch) for ch in number), re.IGNORECASE)


def _flat(text: str) -> str:
    return _NON_ALNUM.sub("", text).upper()


# --- redaction ----------------------------------------------------------------------------


def protected_persons(sub: Subgraph, roles: Iterable[str]) -> tuple[set[str], set[str]]:
    """Ids of protected persons in ``sub`` and of the identifiers linked to them.

    >>> from graph_tool.store.base import Edge, Node, Subgraph
    >>> s = Subgraph((Node("Person", "v", {"roles": ["victim"]}), Node("Phone", "t")),
    ...              (Edge("USES", "e", "v", "t"),))
    >>> protected_persons(s, ["victim"])
    ({'v'}, {'t'})
    """
    wanted = set(roles)
    people = {n.id for n in sub.nodes if n.label == Label.PERSON and wanted.intersection(n.props.get("roles") or [])}
    labels = {n.id: n.label for n in sub.nodes}
    people |= _same_person_records(sub, people, labels)
    linked: set[str] = set()
    for e in sub.edges:
        target_label = PROTECTED_LINKS.get(e.type)  # type: ignore[call-overload]
        if target_label is None or e.source not in people:
            continue
        if labels.get(e.target, target_label) == target_label:
            linked.add(e.target)
    return people, linked


def _same_person_records(sub: Subgraph, people: set[str], labels: Mapping[str, str]) -> set[str]:
    """Persons that possible-match candidates in ``sub`` tie, directly or through other
    candidates, to one of ``people``: a victim's record at another agency (a border crossing,
    a witness statement) carries her name without her role, and is protected like her.

    >>> from graph_tool.store.base import Edge, Node, Subgraph
    >>> s = Subgraph((Node("Person", "v"), Node("Person", "w"), Node("MatchCandidate", "m")),
    ...              (Edge("CANDIDATE_FOR", "a", "m", "v"), Edge("CANDIDATE_FOR", "b", "m", "w")))
    >>> sorted(_same_person_records(s, {"v"}, {n.id: n.label for n in s.nodes}))
    ['w']
    """
    pairs = ((e.source, e.target) for e in sub.edges if e.type == Rel.CANDIDATE_FOR)
    return {i for i in linked_to(pairs, people) if labels.get(i) == Label.PERSON} - people


def protection_context(store: GraphStore, sub: Subgraph, timeout: float = 60.0) -> Subgraph:
    """The persons linked to the identifiers of ``sub`` (documents, phones, accounts,
    addresses), and the possible matches of the persons in ``sub`` with both their sides.

    Pass it as ``context`` to :func:`redact`, so that a victim's phone is protected even
    when the victim herself is outside the exported subgraph, and so is her record at
    another agency when a candidate ties it to her.
    """
    out = Subgraph()
    for rel, label in PROTECTED_LINKS.items():
        ids = sorted({n.id for n in sub.nodes if n.label == label})
        if ids:
            query = f"MATCH (p:{Label.PERSON})-[r:{rel}]->(x:{label}) WHERE x.id IN $ids RETURN p, r, x"
            out = out.merged(store.read_subgraph(query, {"ids": ids}, timeout=timeout))
    people = sorted({n.id for n in sub.nodes if n.label == Label.PERSON})
    if people:
        query = (
            f"MATCH (p:{Label.PERSON})<-[r1:{Rel.CANDIDATE_FOR}]-(m:{Label.CANDIDATE})-[r2:{Rel.CANDIDATE_FOR}]->"
            f"(q:{Label.PERSON}) WHERE p.id IN $ids RETURN p, r1, m, r2, q"
        )
        out = out.merged(store.read_subgraph(query, {"ids": people}, timeout=timeout))
    return out


def _apply(rule: FieldRule, label: str, prop: str, value: Any, ps: Pseudonymiser) -> Any:
    if rule == "drop":
        return _DROP
    if rule == "keep":
        return value
    if isinstance(value, (bool, int, float)):
        return _DROP  # numbers cannot hold a pseudonym or a mask: dropped
    if rule == "pseudonymise":
        if isinstance(value, (list, tuple)):
            return sorted({ps.value(label, prop, v) for v in value})
        return ps.value(label, prop, value)
    assert isinstance(rule, MaskRule)
    if isinstance(value, (list, tuple)):
        return [rule.apply(str(v)) for v in value]
    return rule.apply(str(value))


class _Rewriter:
    """Replaces pseudonymised ids (whole values or tokens in text) and scrubs protected values."""

    _TOKEN = re.compile(r"[^\s,;\"'()\[\]{}<>|]+")

    def __init__(self, id_map: Mapping[str, str], scrubber: _Scrubber) -> None:
        self.id_map = id_map
        self.scrubber = scrubber

    def text(self, value: str, free_text: bool = True) -> str:
        if value in self.id_map:
            return self.id_map[value]
        if self.id_map:
            value = self._TOKEN.sub(lambda m: self._token(m.group(0)), value)
        return self.scrubber.scrub(value, free_text)

    def _token(self, tok: str) -> str:
        if tok in self.id_map:
            return self.id_map[tok]
        stripped = tok.rstrip(".:")
        if stripped in self.id_map:
            return self.id_map[stripped] + tok[len(stripped) :]
        return tok

    def value(self, value: Any, free_text: bool = False) -> Any:
        if isinstance(value, str):
            return self.text(value, free_text)
        if isinstance(value, (list, tuple)):
            return [self.text(v, free_text) if isinstance(v, str) else v for v in value]
        return value


def redact(
    subgraph: Subgraph,
    profile: Profile | str | Path,
    recipient: str,
    key: bytes | str | None = None,
    unmask_reason: str | None = None,
    *,
    context: Subgraph | None = None,
) -> RedactionResult:
    """Redact ``subgraph`` for ``recipient`` under ``profile``.

    Parameters
    ----------
    subgraph : Subgraph
        What is to be shared.
    profile : Profile or str or Path
        A profile, a built-in profile name or a YAML path.
    recipient : str
        Who receives it; the pseudonym key is derived from the team secret and this name.
    key : bytes or str, optional
        The team secret; default ``$GRAPH_TOOL_SHARE_KEY``.
    unmask_reason : str, optional
        Release protected persons in clear, for this reason (audited). Empty is refused.
    context : Subgraph, optional
        More of the graph (e.g. the persons linked to the subgraph's phones and documents),
        used only to find out which nodes belong to protected persons; never released.

    Returns
    -------
    RedactionResult
        The redacted subgraph, k-anonymity warnings and the hash of the pseudonym map.
    """
    prof = load_profile(profile)
    if unmask_reason is not None and not unmask_reason.strip():
        raise ShareError("unmasking needs a reason (it is recorded in the audit log)")
    secret = team_key() if key is None else secret_bytes(key)
    ps = Pseudonymiser(recipient_key(secret, recipient))
    unmask = unmask_reason is not None

    scope = subgraph.merged(context) if context is not None else subgraph
    people, linked = protected_persons(scope, prof.protected.roles)
    present = {n.id for n in subgraph.nodes}
    shielded = set() if unmask else (people | linked)

    # Values of protected persons to find elsewhere (from every one in scope, even dropped).
    scrubber = _Scrubber()
    if not unmask:
        for n in scope.nodes:
            if n.id not in shielded:
                continue
            for prop in sensitive_properties(n.label):
                raw = n.props.get(prop)
                for v in raw if isinstance(raw, (list, tuple)) else [raw]:
                    if isinstance(v, str) and v.strip():
                        kind, _ = value_kind(n.label, prop, v)
                        scrubber.add(kind, v, ps.value(n.label, prop, v))

    kept = [n for n in subgraph.nodes if not prof.label_dropped(n.label)]
    kept_ids = {n.id for n in kept}
    id_map: dict[str, str] = {}
    for n in kept:
        if prof.ids == "all" or n.id in shielded or (scrubber and scrubber.scrub(n.id, True) != n.id):
            id_map[n.id] = ps.node_id(n.label, n.id)
    rewriter = _Rewriter(id_map, scrubber)

    nodes: list[Node] = []
    for n in kept:
        shield = n.id in shielded
        sensitive = set(sensitive_properties(n.label)) if shield else set()
        refs = ID_REFERENCES.get(n.label, ()) if shield else ()  # type: ignore[call-overload]
        props: dict[str, Any] = {}
        for prop, value in n.props.items():
            if value is None:
                continue
            if prop in refs and isinstance(value, str):
                props[prop] = id_map.get(value) or ps.node_id(n.label, value)
                continue
            if prop in sensitive:
                rule = prof.protected_rule(n.label, prop)
            elif shield and prop in FREE_TEXT:
                rule = "drop"
            else:
                rule = prof.node_rule(n.label, prop)
            new = _apply(rule, n.label, prop, value, ps)
            if new is _DROP:
                continue
            props[prop] = new if rule == "pseudonymise" else rewriter.value(new, is_free_text(n.label, prop))
        nodes.append(Node(n.label, id_map.get(n.id, n.id), props))

    edges: list[Edge] = []
    dropped_edges = 0
    for e in subgraph.edges:
        if prof.relationship_dropped(e.type) or e.source not in kept_ids or e.target not in kept_ids:
            dropped_edges += 1
            continue
        shield = e.source in shielded or e.target in shielded
        props = {}
        for prop, value in e.props.items():
            if value is None:
                continue
            rule = "drop" if shield and prop in EDGE_FREE_TEXT else prof.edge_rule(e.type, prop)
            new = _apply(rule, e.type, prop, value, ps)
            if new is _DROP:
                continue
            props[prop] = new if rule == "pseudonymise" else rewriter.value(new, is_free_text(e.type, prop))
        renamed = e.source in id_map or e.target in id_map or rewriter.text(e.id, True) != e.id
        edge_id = ps.edge_id(e.type, e.id) if renamed else e.id
        edges.append(Edge(e.type, edge_id, id_map.get(e.source, e.source), id_map.get(e.target, e.target), props))

    out = Subgraph(tuple(nodes), tuple(edges))
    released_people = {id_map.get(p, p) for p in people if p in kept_ids}
    warnings = k_anonymity_warnings(out, released_people, prof.k_anonymity.quasi_identifiers, prof.k_anonymity.k)
    map_hash = hashlib.sha256(json.dumps(sorted(id_map.items()), separators=(",", ":")).encode()).hexdigest()
    stats = {
        "nodes": len(nodes),
        "edges": len(edges),
        "nodes_dropped": len(subgraph.nodes) - len(nodes),
        "edges_dropped": dropped_edges,
        "protected_persons": len(people & present),
        "protected_identifiers": len(linked & present),
        "ids_pseudonymised": len(id_map),
        "values_scrubbed": scrubber.hits,
    }
    if unmask:
        unmasked = sorted(people & kept_ids)
        audit.record(
            "unmask",
            {
                "reason": unmask_reason,
                "recipient": recipient,
                "profile": prof.name,
                "protected_persons": len(unmasked),
                "ids": unmasked,
            },
        )
        log.info("redaction for a recipient: unmasked %d protected persons (audited)", len(unmasked))
    log.debug("redaction done under profile %s: %s, %d warnings", prof.name, stats, len(warnings))
    return RedactionResult(out, tuple(warnings), map_hash, recipient, prof.name, unmask, stats, rewriter.text)


# --- k-anonymity ----------------------------------------------------------------------


def quasi_identifiers(sub: Subgraph, person_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The released quasi-identifiers of each person: ``{person id: {attribute: value}}``.

    Only values released in clear count (a pseudonym or a dropped value is not linkable);
    ``city``, ``region`` and ``country`` come from the addresses a person lives at.
    """
    wanted = set(person_ids)
    by_id = {n.id: n for n in sub.nodes}
    homes: dict[str, list[Node]] = {}
    for e in sub.edges:
        if e.type == Rel.LIVES_AT and e.source in wanted and e.target in by_id:
            homes.setdefault(e.source, []).append(by_id[e.target])
    out: dict[str, dict[str, Any]] = {}
    for pid in wanted:
        node = by_id.get(pid)
        if node is None:
            continue
        values: dict[str, Any] = {}
        for attr in ("nationality", "sex"):
            v = node.props.get(attr)
            if isinstance(v, str) and v and not v.startswith("ps-"):
                values[attr] = v
        birth = node.props.get("birth_date")
        if isinstance(birth, str) and re.match(r"^\d{4}", birth):
            values["birth_year"] = birth[:4]
        for attr in ("city", "region", "country"):
            places = sorted(
                {
                    str(h.props[attr])
                    for h in homes.get(pid, [])
                    if h.props.get(attr) and not str(h.props[attr]).startswith("ps-")
                }
            )
            if places:
                values[attr] = tuple(places)
        out[pid] = values
    return out


def k_anonymity_warnings(
    sub: Subgraph, person_ids: Iterable[str], attributes: Iterable[QuasiIdentifier | str], k: int = 3
) -> list[ShareWarning]:
    """Warn about each smallest combination of released attributes shared by fewer than ``k`` persons.

    The warning names the attributes, never a person or a value.

    >>> from graph_tool.store.base import Node, Subgraph
    >>> s = Subgraph(tuple(Node("Person", f"v{i}", {"nationality": "VN", "sex": sx})
    ...                    for i, sx in enumerate(["female"] * 3 + ["male"])))
    >>> [w.attributes for w in k_anonymity_warnings(s, ["v0", "v1", "v2", "v3"], ["nationality", "sex"])]
    [('sex',)]
    """
    qi = quasi_identifiers(sub, person_ids)
    attrs = [a for a in attributes if any(a in v for v in qi.values())]
    found: list[ShareWarning] = []
    minimal: list[frozenset[str]] = []
    for size in range(1, len(attrs) + 1):
        for combo in itertools.combinations(attrs, size):
            if any(m <= set(combo) for m in minimal):
                continue
            groups = Counter(tuple(v[a] for a in combo) for v in qi.values() if all(a in v for a in combo))
            small = {g: c for g, c in groups.items() if c < k}
            if not small:
                continue
            minimal.append(frozenset(combo))
            affected = sum(small.values())
            smallest = min(small.values())
            found.append(
                ShareWarning(
                    "k-anonymity",
                    f"k-anonymity: the released combination ({', '.join(combo)}) leaves {affected} protected "
                    f"person(s) in groups smaller than k={k} (smallest: {smallest}); "
                    "generalise or drop one of these attributes",
                    tuple(combo),
                    smallest,
                    affected,
                )
            )
    return found
