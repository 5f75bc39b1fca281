"""Privacy-preserving matching of phone and document numbers between two agencies.

Each agency normalises its numbers (phones to E.164, document numbers with
:func:`graph_tool.normalise.normalise_document_number`) and hashes them with HMAC-SHA256
under a key the two agencies share. Only the hashes travel: a file of sorted, deduplicated
hashes with no clear value and no record id. Comparing two such files gives the hashes both
hold; each side resolves an overlap to its own records with its own lookup file (hash to
node ids), which never leaves it.

Limitation, stated plainly: a keyed hash hides values from anyone without the key, but the
partner holding the key can hash guesses (phone numbers are few enough to enumerate). Share
the key only with the agency you match with, use a fresh key per exchange, and destroy it
afterwards.

>>> from graph_tool.store.base import Node, Subgraph
>>> key = b"a shared key of 32 bytes or more"
>>> a = hash_entries(Subgraph((Node("Phone", "t1", {"number": "+84912345678"}),)), key)
>>> b = hash_entries(Subgraph((Node("Phone", "x9", {"number": "0912 345 678", "country": "VN"}),)), key)
>>> a[0].hash == b[0].hash, a[0].kind
(True, 'phone')
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph_tool import audit
from graph_tool.model import Label
from graph_tool.normalise import normalise_document_number, normalise_phone
from graph_tool.share.errors import ShareError
from graph_tool.share.keys import secret_bytes, token
from graph_tool.store.base import GraphStore, Subgraph

log = logging.getLogger(__name__)

HASHES_FORMAT = "graph-tool-match-hashes/1"
LOOKUP_FORMAT = "graph-tool-match-lookup/1"
KINDS: dict[str, Label] = {"phone": Label.PHONE, "document": Label.DOCUMENT, "account": Label.ACCOUNT}
DEFAULT_KINDS: tuple[str, ...] = ("phone", "document")
MIN_DOCUMENT_LENGTH = 5
MIN_ACCOUNT_LENGTH = 6


@dataclass(frozen=True)
class HashEntry:
    """One keyed hash and the own record it came from (the record never leaves)."""

    kind: str
    hash: str
    node_id: str


@dataclass(frozen=True)
class HashExport:
    """What :func:`export_hashes` wrote: the file to send and the lookup to keep."""

    path: Path
    lookup_path: Path
    counts: dict[str, int]


@dataclass(frozen=True)
class Overlap:
    """A hash both sides hold, resolved to this side's own records when a lookup is given."""

    kind: str
    hash: str
    own_records: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    """The overlaps between two hash files, and how many each side offered."""

    overlaps: tuple[Overlap, ...]
    mine: dict[str, int] = field(default_factory=dict)
    theirs: dict[str, int] = field(default_factory=dict)


def normalised_values(label: str, props: dict[str, Any] | Any) -> list[str]:
    """The normalised identifiers of a Phone, Document or Account node (empty if none).

    >>> normalised_values("Document", {"number": "cn-v 0041877"})
    ['CNV0041877']
    >>> normalised_values("Phone", {"number": "12345"})
    []
    """
    if label == Label.PHONE:
        raw = props.get("number") or props.get("raw")
        if not raw:
            return []
        result = normalise_phone(str(raw), default_region=str(props.get("country") or "") or None)
        return [result.e164] if result.valid and result.e164 else []
    if label == Label.DOCUMENT:
        values = {normalise_document_number(str(v)) for v in (props.get("number"), props.get("number_norm")) if v}
        return sorted(v for v in values if len(v) >= MIN_DOCUMENT_LENGTH)
    if label == Label.ACCOUNT:
        raw = props.get("number")
        norm = "".join(ch for ch in str(raw or "").upper() if ch.isalnum())
        return [norm] if len(norm) >= MIN_ACCOUNT_LENGTH else []
    return []


def hash_entries(sub: Subgraph, key: bytes | str, kinds: Sequence[str] = DEFAULT_KINDS) -> list[HashEntry]:
    """Keyed hashes of the phone and document numbers in ``sub`` (sorted, one per record and value)."""
    secret = secret_bytes(key, "the matching key")
    wanted = {KINDS[k]: k for k in kinds}
    out: set[HashEntry] = set()
    for n in sub.nodes:
        kind = wanted.get(n.label)  # type: ignore[call-overload]
        if kind is None:
            continue
        for value in normalised_values(n.label, n.props):
            out.add(HashEntry(kind, token(secret, kind, value, length=64), n.id))
    return sorted(out, key=lambda e: (e.kind, e.hash, e.node_id))


def key_check(key: bytes | str) -> str:
    """A short value that shows whether two files were made with the same key (reveals nothing else)."""
    return token(secret_bytes(key, "the matching key"), "key-check", HASHES_FORMAT, length=16)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(data)


def lookup_path_for(path: Path) -> Path:
    """Where the own lookup of a hash file is kept: beside it, ``.lookup.json`` (never sent)."""
    return path.with_name(path.name + ".lookup.json")


def export_hashes(
    source: GraphStore | Subgraph,
    key: bytes | str,
    out: Path | str,
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> HashExport:
    """Write the hash file to send (``out``) and the own lookup to keep (``out.lookup.json``)."""
    for k in kinds:
        if k not in KINDS:
            raise ShareError(f"unknown identifier kind {k!r} (known: {', '.join(KINDS)})")
    if isinstance(source, Subgraph):
        sub = source
    else:
        sub = source.whole_graph([KINDS[k] for k in kinds])
    entries = hash_entries(sub, key, kinds)
    by_kind: dict[str, list[str]] = {k: sorted({e.hash for e in entries if e.kind == k}) for k in kinds}
    counts = {k: len(v) for k, v in by_kind.items()}
    doc = {
        "format": HASHES_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "algorithm": "HMAC-SHA256",
        "normalisation": {"phone": "E.164", "document": "normalise_document_number", "account": "alphanumeric"},
        "key_check": key_check(key),
        "counts": counts,
        "hashes": by_kind,
    }
    path = Path(out)
    data = (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()
    _write_private(path, data)
    lookup: dict[str, list[str]] = {}
    for e in entries:
        lookup.setdefault(f"{e.kind}:{e.hash}", []).append(e.node_id)
    lookup_doc = {"format": LOOKUP_FORMAT, "for": path.name, "records": lookup}
    lookup_path = lookup_path_for(path)
    _write_private(lookup_path, (json.dumps(lookup_doc, indent=1, sort_keys=True) + "\n").encode())
    audit.record("export", {"kind": "match-hashes", "path": str(path), "counts": counts}, data)
    log.info("match hashes written: %s", counts)
    return HashExport(path, lookup_path, counts)


def _load(path: Path, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ShareError(f"{path}: cannot read the {what}: {exc.__class__.__name__}") from None
    if not isinstance(doc, dict) or doc.get("format") != HASHES_FORMAT or not isinstance(doc.get("hashes"), dict):
        raise ShareError(f"{path}: not a match-hashes file ({HASHES_FORMAT})")
    return doc


def match_hashes(mine: Path | str, theirs: Path | str, lookup: Path | str | None = None) -> MatchResult:
    """Hashes present in both files; resolved to own records with ``lookup`` (default: beside ``mine``).

    Only the overlap is computed: neither file holds a clear value, and the partner's other
    hashes stay meaningless without the partner's own lookup.
    """
    a, b = _load(Path(mine), "own hash file"), _load(Path(theirs), "partner's hash file")
    if a.get("key_check") != b.get("key_check"):
        raise ShareError("the two files were made with different keys: no overlap can be found")
    lookup_file = Path(lookup) if lookup is not None else lookup_path_for(Path(mine))
    records: dict[str, list[str]] = {}
    if lookup_file.is_file():
        try:
            records = json.loads(lookup_file.read_text(encoding="utf-8")).get("records", {})
        except (OSError, json.JSONDecodeError):
            raise ShareError(f"{lookup_file}: not a readable lookup file") from None
    overlaps: list[Overlap] = []
    for kind in sorted(set(a["hashes"]) & set(b["hashes"])):
        common = set(a["hashes"][kind]) & set(b["hashes"][kind])
        for h in sorted(common):
            overlaps.append(Overlap(kind, h, tuple(sorted(records.get(f"{kind}:{h}", [])))))
    result = MatchResult(
        tuple(overlaps),
        {k: len(v) for k, v in a["hashes"].items()},
        {k: len(v) for k, v in b["hashes"].items()},
    )
    audit.record(
        "match",
        {
            "kind": "match-hashes",
            "mine": str(mine),
            "theirs": str(theirs),
            "overlaps": len(overlaps),
            "mine_counts": result.mine,
            "theirs_counts": result.theirs,
        },
        [[o.kind, o.hash] for o in overlaps],
    )
    log.info("match hashes compared: %d overlaps", len(overlaps))
    return result


def overlap_records(result: MatchResult) -> Iterable[tuple[str, str]]:
    """(kind, own node id) pairs of the overlaps, for following them up in the own store."""
    for o in result.overlaps:
        for rec in o.own_records:
            yield o.kind, rec
