"""Deciding many match candidates at once.

A case of 20,000 people gave 15,752 candidates, most of them a border log's travellers
beside the same people in the case file: nobody reviews that many one at a time. A
:class:`Selection` picks candidates by score band, by how they were found and by what
their evidence says; :func:`decide_all` then accepts, rejects or undoes each through
:func:`graph_tool.resolve.decide`, so every one is recorded, logged and undoable exactly
as if it had been decided alone. A candidate that can no longer be decided (one of its
entities was merged by an earlier decision of the same run) is skipped with the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from graph_tool import resolve
from graph_tool.model import Label
from graph_tool.store.base import GraphStore

# Which statuses each decision takes: the others would be refused by resolve.decide.
DECIDABLE: dict[str, tuple[str, ...]] = {
    "accept": (resolve.OPEN, resolve.UNDONE),
    "reject": (resolve.OPEN, resolve.UNDONE),
    "undo": (resolve.ACCEPTED,),
}
# The status each decision leaves a candidate in (also how the CLI and UI say it was done).
OUTCOME: dict[str, str] = {"accept": resolve.ACCEPTED, "reject": resolve.REJECTED, "undo": resolve.UNDONE}


@dataclass(frozen=True)
class Selection:
    """Which candidates a bulk decision takes; every condition given must hold.

    ``evidence`` items are ``prop:verdict`` (``birth_date:equal``, ``shared_document:shared``,
    ``nationality:conflicting``): the candidate's explanation must hold each.

    >>> Selection().is_empty(), Selection(min_score=0.9).is_empty()
    (True, False)
    """

    ids: tuple[str, ...] = ()
    min_score: float | None = None
    max_score: float | None = None
    found_by: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    label: Label | None = None

    def is_empty(self) -> bool:
        """True when nothing narrows the choice (a label alone does not): a bulk decision refuses it."""
        narrowed = (self.ids, self.found_by, self.evidence, self.min_score is not None, self.max_score is not None)
        return not any(narrowed)

    def takes(self, cand: resolve.Candidate) -> bool:
        """Whether ``cand`` meets every condition (its status aside).

        >>> from graph_tool.resolve import Candidate, Evidence
        >>> c = Candidate("MC-1", Label.PERSON, "P-1", "P-2", 0.93,
        ...               (Evidence("birth_date", "equal", 3.0, ""),), "", found_by=("same name",))
        >>> Selection(min_score=0.9, found_by=("same name",), evidence=("birth_date:equal",)).takes(c)
        True
        >>> Selection(max_score=0.9).takes(c), Selection(evidence=("name:exact",)).takes(c)
        (False, False)
        """
        if self.ids and cand.id not in self.ids:
            return False
        if self.label is not None and cand.label != self.label:
            return False
        if self.min_score is not None and cand.score < self.min_score:
            return False
        if self.max_score is not None and cand.score > self.max_score:
            return False
        found = {f.casefold() for f in cand.found_by}
        if any(f.casefold() not in found for f in self.found_by):
            return False
        said = {f"{e.prop}:{e.verdict}".casefold() for e in cand.evidence}
        return all(e.casefold() in said for e in self.evidence)


def select(store: GraphStore, decision: str, selection: Selection) -> list[resolve.Candidate]:
    """The stored candidates ``decision`` would take, in the order it takes them (:func:`choose`)."""
    choose([], decision, selection)  # an unknown decision or an empty selection: refused before reading
    stored = [c for status in DECIDABLE[decision] for c in resolve.list_candidates(store, status, selection.label)]
    return choose(stored, decision, selection)


def choose(cands: Iterable[resolve.Candidate], decision: str, selection: Selection) -> list[resolve.Candidate]:
    """Those of ``cands`` that ``decision`` can take and ``selection`` takes, in the order
    to decide them: best first for accept and reject, latest accepted first for undo (a
    chain of merges comes apart in the reverse of its making).

    >>> from graph_tool.resolve import Candidate
    >>> cands = [Candidate("MC-1", Label.PERSON, "P-1", "P-2", 0.81, (), ""),
    ...          Candidate("MC-2", Label.PERSON, "P-3", "P-4", 0.97, (), ""),
    ...          Candidate("MC-3", Label.PERSON, "P-5", "P-6", 0.99, (), "", status="rejected")]
    >>> [c.id for c in choose(cands, "accept", Selection(min_score=0.8))]
    ['MC-2', 'MC-1']
    """
    if decision not in DECIDABLE:
        raise resolve.ResolveError(f"unknown decision {decision!r} (known: {', '.join(DECIDABLE)})")
    if selection.is_empty():
        raise resolve.ResolveError("say which candidates: their ids, a score band, --found-by or --evidence")
    taken = [c for c in cands if c.status in DECIDABLE[decision] and selection.takes(c)]
    if decision == "undo":
        return sorted(taken, key=_accepted_order, reverse=True)
    return sorted(taken, key=lambda c: (-c.score, c.id))


def _accepted_order(cand: resolve.Candidate) -> tuple[str, int, str]:
    merge = cand.record.get("merge")
    at_ns = merge.get("at_ns", 0) if isinstance(merge, dict) else 0
    return (cand.decided_at or "", int(at_ns or 0), cand.id)


@dataclass
class BulkResult:
    """What a bulk decision did: the candidates decided, and those skipped with why."""

    decision: str
    decided: list[resolve.Candidate] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (candidate id, reason)


def decide_all(
    store: GraphStore,
    decision: str,
    candidates: Iterable[resolve.Candidate],
    analyst: str | None,
    reason: str,
    on_each: Callable[[], object] | None = None,
) -> BulkResult:
    """Decide each candidate in turn with :func:`resolve.decide` (one record and one audit
    entry each). A candidate the decision refuses is skipped with the refusal; the others
    go on. A missing analyst or reason is refused before anything changes."""
    if decision not in DECIDABLE:
        raise resolve.ResolveError(f"unknown decision {decision!r} (known: {', '.join(DECIDABLE)})")
    if not (analyst or "").strip() or not (reason or "").strip():
        raise resolve.ResolveError("a decision needs the analyst's name and a reason")
    result = BulkResult(decision)
    for cand in candidates:
        try:
            result.decided.append(resolve.decide(store, decision, cand.id, analyst, reason))
        except resolve.ResolveError as exc:
            result.skipped.append((cand.id, str(exc)))
        if on_each is not None:
            on_each()
    return result


def evidence_mix(cands: Sequence[resolve.Candidate]) -> list[tuple[str, int]]:
    """What the chosen candidates' evidence says, most common first: each ``prop:verdict``
    (and ``found by: ...``) with how many of them say it. Shown before a bulk decision, so
    that a band of "same name and birth date" pairs with a conflicting nationality among
    them is seen before it is accepted.

    >>> from graph_tool.resolve import Candidate, Evidence
    >>> same = Evidence("birth_date", "equal", 3.0, "")
    >>> cands = [Candidate("MC-1", Label.PERSON, "P-1", "P-2", 0.99, (same,), "", found_by=("same name",)),
    ...          Candidate("MC-2", Label.PERSON, "P-3", "P-4", 0.97,
    ...                    (same, Evidence("nationality", "conflicting", -1.0, "")), "", found_by=("same name",))]
    >>> describe_mix(evidence_mix(cands), len(cands))
    'birth_date:equal 2 of 2, found by: same name 2 of 2, nationality:conflicting 1 of 2'
    """
    counts: Counter[str] = Counter()
    for c in cands:
        said = {f"{e.prop}:{e.verdict}" for e in c.evidence} | {f"found by: {f}" for f in c.found_by}
        counts.update(said)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def describe_mix(mix: Sequence[tuple[str, int]], total: int, most: int = 12) -> str:
    """:func:`evidence_mix` in one line (its ``most`` commonest items)."""
    shown = ", ".join(f"{what} {n} of {total}" for what, n in mix[:most])
    return shown + (f", and {len(mix) - most} more" if len(mix) > most else "")


def missing_ids(selection: Selection, chosen: Sequence[resolve.Candidate]) -> list[str]:
    """Ids the selection names that it did not choose (unknown, or not in a decidable status).

    >>> missing_ids(Selection(ids=("MC-1", "MC-2")), [])
    ['MC-1', 'MC-2']
    """
    have = {c.id for c in chosen}
    return [i for i in selection.ids if i not in have]


__all__ = [
    "DECIDABLE",
    "OUTCOME",
    "BulkResult",
    "Selection",
    "choose",
    "decide_all",
    "describe_mix",
    "evidence_mix",
    "missing_ids",
    "select",
]
