"""Which people form one ring? Components, communities, k-cores, and an explainable ring score.

Rings are found on the person network (:func:`graph_tool.analysis.projection.person_network`
for a domain graph, with its hub guard) and scored with visible parts read from the domain
graph: victims among the members, how concentrated the brokerage is in few hands, fraud
findings resting on the members or their identifiers, countries spanned and payment
fan-in/fan-out. Each part shows its value, its cap and the points it gives; the score is
their sum (0 to 100).

Community detection runs in igraph (Louvain or Leiden) with a fixed seed, so the same
graph always gives the same rings.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from graph_tool.analysis._graph import as_list, edge_type, edges_with_keys, is_domain_graph, label_of, to_igraph
from graph_tool.analysis.money import fan_in_out
from graph_tool.analysis.projection import DEFAULT_MAX_PEOPLE, ExcludedIdentifier, person_network
from graph_tool.model import Label, Rel

VICTIM = "victim"  # the ROLES value marking a victim

COMPONENTS = "components"
LOUVAIN = "louvain"
LEIDEN = "leiden"
KCORE = "kcore"
METHODS = (COMPONENTS, LOUVAIN, LEIDEN, KCORE)

#: Points available to each score part and the value at which it saturates.
DEFAULT_SCORING: dict[str, tuple[float, float]] = {
    "victims": (25.0, 5.0),
    "findings": (20.0, 5.0),
    "brokerage_concentration": (15.0, 1.0),
    "countries": (15.0, 3.0),
    "payment_fan_in": (15.0, 10.0),
    "payment_fan_out": (10.0, 10.0),
}


@dataclass(frozen=True)
class ScorePart:
    """One visible part of a ring score: ``points = max_points * min(value / cap, 1)``."""

    name: str
    value: float
    cap: float
    points: float
    max_points: float
    explanation: str


@dataclass(frozen=True)
class Ring:
    """A group of people found together, with its score and the parts of that score."""

    ring_id: str
    members: tuple[Any, ...]
    brokers: tuple[Any, ...]
    victims: tuple[Any, ...]
    countries: tuple[str, ...]
    findings: tuple[str, ...]
    score: float
    parts: tuple[ScorePart, ...]
    explanation: str


@dataclass(frozen=True)
class Rings:
    """Rings found by one method, highest score first.

    ``membership`` maps each person in a ring to its ``ring_id``; ``community`` the
    community number of every person (community methods); ``kcore`` every person's core
    number.
    """

    method: str
    rings: tuple[Ring, ...]
    membership: dict[Any, str]
    community: dict[Any, int]
    kcore: dict[Any, int]
    seed: int | None
    modularity: float | None
    excluded: tuple[ExcludedIdentifier, ...]
    explanation: str


@dataclass(frozen=True)
class Communities:
    """A partition of people into communities (numbered from 0, largest first)."""

    community: dict[Any, int]
    method: str
    seed: int
    modularity: float
    explanation: str
    sizes: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class KCores:
    """Core number of each person: the largest k such that they sit in a k-core."""

    core: dict[Any, int]
    max_core: int
    explanation: str


def _person_graph(g: nx.Graph, max_people: int) -> tuple[nx.Graph, tuple[ExcludedIdentifier, ...]]:
    if is_domain_graph(g):
        proj = person_network(g, max_people=max_people)
        return proj.undirected(), proj.excluded
    return g, ()


def communities(
    g: nx.Graph,
    method: str = LOUVAIN,
    seed: int = 0,
    resolution: float = 1.0,
    weight: str | None = "weight",
    max_people: int = DEFAULT_MAX_PEOPLE,
) -> Communities:
    """Communities of people by Louvain or Leiden (igraph), deterministic for a seed.

    Parameters
    ----------
    g : a person graph or a domain graph (projected onto people first).
    method : ``"louvain"`` or ``"leiden"`` (Leiden optimises modularity too).
    seed : random seed; the same graph and seed give the same communities.
    resolution : larger values give smaller communities.
    weight : tie-strength edge attribute (missing values count 1); None ignores weights.
    max_people : hub guard for the projection of a domain graph.

    Returns
    -------
    Communities

    Examples
    --------
    >>> g = nx.barbell_graph(5, 0)
    >>> c = communities(g)
    >>> c.community[0] == c.community[4], c.community[0] == c.community[5], c.sizes
    (True, False, [5, 5])
    """
    pg, _ = _person_graph(g, max_people)
    v = to_igraph(pg, weight)
    # unit weights change nothing but cost time in igraph: pass them only when they differ
    w = v.weights if weight is not None and any(x != 1.0 for x in v.weights) else None
    state = random.getstate()
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        if method == LOUVAIN:
            cl = v.graph.community_multilevel(weights=w, resolution=resolution)
        elif method == LEIDEN:
            cl = v.graph.community_leiden(
                objective_function="modularity", weights=w, resolution=resolution, n_iterations=-1
            )
        else:
            raise ValueError(f"unknown community method {method!r}; use {LOUVAIN!r} or {LEIDEN!r}")
    finally:
        ig.set_random_number_generator(random)
        random.setstate(state)
    membership = list(cl.membership)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(membership):
        groups[c].append(i)
    ordered = sorted(groups.values(), key=lambda m: (-len(m), min(str(v.ids[i]) for i in m)))
    community = {}
    for k, members in enumerate(ordered):
        for i in members:
            community[v.ids[i]] = k
    q = float(v.graph.modularity(membership, weights=w, resolution=resolution)) if v.m else 0.0
    sizes = [len(m) for m in ordered]
    text = (
        f"{method.capitalize()} found {len(sizes)} communities among {v.n} people "
        f"(modularity {q:.3f}, seed {seed}, resolution {resolution:g}); the largest have "
        f"{', '.join(str(s) for s in sizes[:5])} people."
    )
    return Communities(community, method, seed, q, text, sizes)


def k_cores(g: nx.Graph, max_people: int = DEFAULT_MAX_PEOPLE) -> KCores:
    """Core number of every person (ties read undirected).

    Examples
    --------
    >>> k = k_cores(nx.complete_graph(4))
    >>> k.core[0], k.max_core
    (3, 3)
    """
    pg, _ = _person_graph(g, max_people)
    v = to_igraph(pg)
    core = [int(x) for x in v.graph.coreness()] if v.n else []
    top = max(core, default=0)
    at_top = sum(1 for c in core if c == top)
    text = (
        f"k-cores: {at_top} people sit in the innermost core (k = {top}), each tied to at least "
        f"{top} others of that core."
    )
    return KCores(dict(zip(v.ids, core, strict=True)), top, text)


def _identifiers_of(g: nx.Graph) -> dict[Any, set[Any]]:
    """Identifiers (phones, documents, accounts, addresses) attached to each person."""
    out: dict[Any, set[Any]] = defaultdict(set)
    for u, v, _eid, _d in edges_with_keys(g):
        if label_of(g, u) == Label.PERSON and label_of(g, v) in (
            Label.PHONE,
            Label.DOCUMENT,
            Label.ACCOUNT,
            Label.ADDRESS,
        ):
            out[u].add(v)
    return out


def _findings_of(g: nx.Graph) -> dict[Any, set[str]]:
    """Findings resting (``EVIDENCE``) on each node."""
    out: dict[Any, set[str]] = defaultdict(set)
    for u, v, _eid, d in edges_with_keys(g):
        if edge_type(d) == Rel.EVIDENCE and label_of(g, u) == Label.FINDING:
            out[v].add(str(u))
    return out


def _places_of(g: nx.Graph) -> dict[Any, set[str]]:
    """Countries a person is tied to through addresses and events."""
    out: dict[Any, set[str]] = defaultdict(set)
    for u, v, _eid, d in edges_with_keys(g):
        t = edge_type(d)
        if label_of(g, u) != Label.PERSON:
            continue
        if t in (Rel.LIVES_AT, Rel.PARTICIPATED_IN):
            for key in ("country", "from_country"):
                c = g.nodes[v].get(key)
                if c:
                    out[u].add(str(c))
    return out


class _Scorer:
    """Reads what the ring score needs from the domain graph once."""

    def __init__(
        self,
        g: nx.Graph,
        findings: Mapping[Any, Iterable[str]] | None,
        scoring: Mapping[str, tuple[float, float]],
    ) -> None:
        self.g = g
        self.scoring = scoring
        self.domain = is_domain_graph(g)
        self.idents = _identifiers_of(g) if self.domain else {}
        self.findings: dict[Any, set[str]] = _findings_of(g) if self.domain else defaultdict(set)
        if findings:
            for node, ids in findings.items():
                self.findings.setdefault(node, set()).update(str(x) for x in ids)
        self.places = _places_of(g) if self.domain else {}
        self.fans = fan_in_out(g) if self.domain else {}

    def score(self, pg: nx.Graph, members: Sequence[Any], ring_id: str) -> Ring:
        g = self.g
        victims = tuple(m for m in members if m in g and VICTIM in as_list(g.nodes[m].get("roles")))
        countries: set[str] = set()
        found: set[str] = set()
        for m in members:
            data = g.nodes[m] if m in g else {}
            countries.update(as_list(data.get("nationality")))
            countries.update(self.places.get(m, ()))
            found |= self.findings.get(m, set())
            for ident in self.idents.get(m, ()):
                found |= self.findings.get(ident, set())
        sub = pg.subgraph(members)
        brokers: tuple[Any, ...] = ()
        concentration = 0.0
        if len(members) > 2 and sub.number_of_edges():
            sv = to_igraph(sub)
            bc = np.asarray(sv.graph.betweenness(directed=False), dtype=float)
            total = bc.sum()
            if total > 0:
                concentration = float(bc.max() / total)
                order = np.argsort(-bc, kind="stable")
                brokers = tuple(sv.ids[i] for i in order[:3] if bc[i] > 0 and bc[i] >= 0.5 * bc.max())
        fan_in = max((self.fans.get(str(m), (0, 0))[0] for m in members), default=0)
        fan_out = max((self.fans.get(str(m), (0, 0))[1] for m in members), default=0)
        values = {
            "victims": (float(len(victims)), f"{len(victims)} victims among the members"),
            "findings": (float(len(found)), f"{len(found)} fraud findings rest on members or their identifiers"),
            "brokerage_concentration": (
                concentration,
                f"the top broker carries {concentration:.0%} of the ring's brokerage (betweenness within the ring)",
            ),
            "countries": (
                float(max(len(countries) - 1, 0)),
                f"spans {len(countries)} countries" + (f" ({', '.join(sorted(countries))})" if countries else ""),
            ),
            "payment_fan_in": (float(fan_in), f"one member is paid by {fan_in} distinct payers"),
            "payment_fan_out": (float(fan_out), f"one member pays {fan_out} distinct beneficiaries"),
        }
        parts = []
        for name, (max_points, cap) in self.scoring.items():
            value, why = values[name]
            points = max_points * min(value / cap, 1.0) if cap > 0 else 0.0
            text = f"{why}: {points:.1f} of {max_points:g} points"
            parts.append(ScorePart(name, value, cap, round(points, 2), max_points, text))
        score = round(sum(p.points for p in parts), 2)
        scored = sorted((p for p in parts if p.points > 0), key=lambda p: -p.points)
        why_text = "; ".join(p.explanation for p in scored) or "no victims, findings, brokerage or money seen"
        text = f"Ring {ring_id}: {len(members)} people, score {score:g} of 100 ({why_text})."
        if brokers:
            text += f" Brokers: {', '.join(str(b) for b in brokers)}."
        return Ring(
            ring_id,
            tuple(sorted(members, key=str)),
            brokers,
            tuple(sorted(victims, key=str)),
            tuple(sorted(countries)),
            tuple(sorted(found)),
            score,
            tuple(parts),
            text,
        )


def _ring_id(method: str, members: Iterable[Any]) -> str:
    digest = hashlib.sha1("\x1f".join(sorted(str(m) for m in members)).encode(), usedforsecurity=False).hexdigest()
    return f"{method}-{digest[:10]}"


def find_rings(
    g: nx.Graph,
    method: str = LOUVAIN,
    seed: int = 0,
    resolution: float = 1.0,
    k: int | None = None,
    min_size: int = 3,
    max_people: int = DEFAULT_MAX_PEOPLE,
    findings: Mapping[Any, Iterable[str]] | None = None,
    scoring: Mapping[str, tuple[float, float]] | None = None,
) -> Rings:
    """Find rings of people and score each with visible parts.

    Parameters
    ----------
    g : a domain graph (projected onto people with the hub guard) or a person graph.
    method : ``"components"`` (connected parts), ``"louvain"``, ``"leiden"`` or
        ``"kcore"`` (the connected parts of the k-core).
    seed, resolution : for the community methods.
    k : for ``"kcore"``; default the innermost core.
    min_size : smaller groups are not reported as rings.
    max_people : hub guard for the projection.
    findings : extra findings per node id (``{node_id: [finding ids]}``), added to those
        linked by ``EVIDENCE`` in the graph.
    scoring : ``{part: (max_points, cap)}`` overriding ``DEFAULT_SCORING``.

    Returns
    -------
    Rings

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> people = {"r1": ["recruiter"], "v1": ["victim"], "v2": ["victim"], "x": []}
    >>> for p, roles in people.items():
    ...     g.add_node(p, label=Label.PERSON, roles=roles, nationality="VN")
    >>> for a, b in [("r1", "v1"), ("r1", "v2")]:
    ...     _ = g.add_edge(a, b, type=Rel.RECRUITED)
    >>> rings = find_rings(g, method="components")
    >>> ring = rings.rings[0]
    >>> ring.members, ring.victims, ring.brokers, [(p.name, p.points) for p in ring.parts][:1]
    (('r1', 'v1', 'v2'), ('v1', 'v2'), ('r1',), [('victims', 10.0)])
    """
    if method not in METHODS:
        raise ValueError(f"unknown ring method {method!r}; use one of {METHODS}")
    pg, excluded = _person_graph(g, max_people)
    und = pg.to_undirected(as_view=True) if pg.is_directed() else pg
    cores = k_cores(und)
    comm: Communities | None = None
    groups: list[list[Any]]
    if method == COMPONENTS:
        groups = [list(c) for c in nx.connected_components(und)]
        how = "connected parts of the person network"
    elif method == KCORE:
        kk = cores.max_core if k is None else k
        inner = [n for n, c in cores.core.items() if c >= kk]
        groups = [list(c) for c in nx.connected_components(und.subgraph(inner))]
        how = f"connected parts of the {kk}-core"
    else:
        comm = communities(und, method=method, seed=seed, resolution=resolution)
        by: dict[int, list[Any]] = defaultdict(list)
        for node, c in comm.community.items():
            by[c].append(node)
        groups = list(by.values())
        how = f"{method} communities (seed {seed})"
    scorer = _Scorer(g, findings, dict(scoring or DEFAULT_SCORING))
    rings = []
    for members in groups:
        if len(members) < min_size:
            continue
        rid = _ring_id(method, members)
        rings.append(scorer.score(und, members, rid))
    rings.sort(key=lambda r: (-r.score, -len(r.members), r.ring_id))
    membership = {m: r.ring_id for r in rings for m in r.members}
    text = (
        f"{len(rings)} rings of at least {min_size} people from {how}, scored out of 100 "
        f"(parts: {', '.join(DEFAULT_SCORING if scoring is None else scoring)})."
    )
    if rings:
        text += f" Highest: {rings[0].explanation}"
    if excluded:
        text += f" {len(excluded)} hub identifiers were kept out of linking."
    return Rings(
        method,
        tuple(rings),
        membership,
        comm.community if comm else {},
        cores.core,
        seed if comm else None,
        comm.modularity if comm else None,
        excluded,
        text,
    )
