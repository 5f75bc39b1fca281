"""Who are the brokers? Centrality, cut points, structural holes, brokerage roles, and
what the case records people doing as intermediaries.

Every function takes a networkx graph: either a person graph (every node a person, or no
labels at all) or a domain graph (``Subgraph.to_networkx()``), which is first projected
onto people with :func:`graph_tool.analysis.projection.person_network`. Ties are read
undirected for the path-based measures; the Gould-Fernandez roles use the direction.

A position in the network is circumstantial: a neighbour who phoned people in three rings
sits between them too. On a domain graph :func:`broker_ranking` also reads the acts of an
intermediary the case records (:func:`broker_evidence`): commission received from distinct
payers, people introduced and recruited, documents sponsored for others. The recorded
``roles`` of a person are not read (unless asked for as the grouping of the brokerage
roles): they are what an analyst has already concluded, not evidence.

The work is done in igraph (C) behind the networkx boundary. Above ``exact_limit`` people,
betweenness and closeness are estimated from a random sample of source people
(Brandes and Pich 2007; Eppstein and Wang 2004) and every value carries its standard error,
measured from the spread between batches of sources.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from graph_tool.analysis._graph import IGraphView, as_list, edge_type, edges_with_keys, label_of, to_igraph
from graph_tool.analysis.money import COMMISSION, payment_flows
from graph_tool.analysis.projection import as_person_graph
from graph_tool.model import Label, Rel

if TYPE_CHECKING:
    from graph_tool.analysis._paths import PathSums

#: Above this many people, betweenness and closeness are sampled unless told otherwise.
EXACT_LIMIT = 5000

COORDINATOR = "coordinator"
ITINERANT = "itinerant"
REPRESENTATIVE = "representative"
GATEKEEPER = "gatekeeper"
LIAISON = "liaison"
#: Gould-Fernandez roles in the order of their codes.
ROLES: tuple[str, ...] = (COORDINATOR, ITINERANT, REPRESENTATIVE, GATEKEEPER, LIAISON)
ROLE_MEANING: dict[str, str] = {
    COORDINATOR: "links two people of their own group",
    ITINERANT: "links two people of another group (consultant)",
    REPRESENTATIVE: "passes from their own group to another group",
    GATEKEEPER: "lets another group into their own group",
    LIAISON: "links two different groups, neither their own",
}
CROSS_GROUP_ROLES = (ITINERANT, REPRESENTATIVE, GATEKEEPER, LIAISON)

#: Score components read from the network's structure.
STRUCTURAL_COMPONENTS: tuple[str, ...] = (
    "betweenness",
    "brokerage",
    "cut",
    "effective_size",
    "low_constraint",
    "degree",
    "closeness",
    "eigenvector",
)
#: Score components read from what the case records people doing (see :class:`BrokerEvidence`).
EVIDENCE_COMPONENTS: tuple[str, ...] = (
    "commission_payers",
    "commission",
    "introductions",
    "recruitments",
    "sponsorships",
)

#: Default weights of the broker score components (they sum to 1). The recorded acts of an
#: intermediary weigh 0.7 together, the network position 0.3 (in the proportions the
#: structural ranking has on its own); on a graph that records no such acts, the
#: evidence components are 0 for everyone and the ranking is the structural one.
DEFAULT_WEIGHTS: dict[str, float] = {
    "betweenness": 0.105,
    "brokerage": 0.06,
    "cut": 0.045,
    "effective_size": 0.03,
    "low_constraint": 0.03,
    "degree": 0.03,
    "closeness": 0.0,
    "eigenvector": 0.0,
    "commission_payers": 0.25,
    "commission": 0.15,
    "introductions": 0.12,
    "recruitments": 0.12,
    "sponsorships": 0.06,
}


# --- result types ----------------------------------------------------------------------


@dataclass(frozen=True)
class Centrality:
    """One centrality measure for every person.

    ``std_error`` is empty for exact values; for sampled ones it gives each person's
    standard error, and ``explanation`` states the error of the top of the ranking.
    """

    measure: str
    values: dict[Any, float]
    method: str
    exact: bool
    samples: int = 0
    std_error: dict[Any, float] = field(default_factory=dict)
    explanation: str = ""

    def top(self, k: int = 10) -> list[tuple[Any, float]]:
        """The ``k`` highest values, ties broken by id."""
        vals = [(n, v) for n, v in self.values.items() if not math.isnan(v)]
        vals.sort(key=lambda x: (-x[1], str(x[0])))
        return vals[:k]


@dataclass(frozen=True)
class CutPoints:
    """Articulation points (people whose removal splits the network) and bridges.

    ``pieces`` gives, for each articulation point, the sizes of the parts left when they
    are removed (largest first); ``bridge_sides`` the sizes of the two sides of each bridge.
    """

    articulation_points: list[Any]
    bridges: list[tuple[Any, Any]]
    pieces: dict[Any, list[int]]
    bridge_sides: dict[tuple[Any, Any], tuple[int, int]]
    explanation: str

    def cuts_off(self, node: Hashable) -> int:
        """People separated from the largest remaining part when ``node`` is removed."""
        parts = self.pieces.get(node)
        return sum(parts[1:]) if parts else 0


@dataclass(frozen=True)
class StructuralHoles:
    """Burt's constraint (low: contacts who do not know each other) and effective size."""

    constraint: dict[Any, float]
    effective_size: dict[Any, float]
    explanation: str


@dataclass(frozen=True)
class Brokerage:
    """Gould-Fernandez brokerage role counts per person across a grouping.

    ``roles[person][role]`` counts the open two-steps ``a -> person -> c`` (with no tie
    ``a -> c``) of each kind; only non-zero counts are kept.
    """

    group_by: str
    roles: dict[Any, dict[str, int]]
    groups: dict[Any, str | None]
    skipped: int
    explanation: str

    def total(self, node: Hashable, cross_group_only: bool = False) -> int:
        """Number of brokered two-steps through ``node`` (optionally only across groups)."""
        counts = self.roles.get(node, {})
        roles = CROSS_GROUP_ROLES if cross_group_only else ROLES
        return sum(counts.get(r, 0) for r in roles)


@dataclass(frozen=True)
class BrokerEvidence:
    """What the case records one person doing as an intermediary.

    ``commission_payers`` paid them money marked as commission (directly or into an account
    they own) in ``commission_payments``, totalling ``commission_received`` per currency;
    ``introduced`` and ``recruited`` are the people they introduced or recruited;
    ``sponsored_for`` the people holding documents (visas, permits) they sponsored.
    """

    person_id: Any
    commission_payers: tuple[str, ...] = ()
    commission_payments: tuple[str, ...] = ()
    commission_received: dict[str, float] = field(default_factory=dict)
    introduced: tuple[str, ...] = ()
    recruited: tuple[str, ...] = ()
    sponsored_for: tuple[str, ...] = ()

    def counts(self) -> dict[str, float]:
        """The evidence score components: how many payers, payments, people."""
        return {
            "commission_payers": float(len(self.commission_payers)),
            "commission": float(len(self.commission_payments)),
            "introductions": float(len(self.introduced)),
            "recruitments": float(len(self.recruited)),
            "sponsorships": float(len(self.sponsored_for)),
        }

    def reasons(self) -> list[str]:
        """The evidence in plain language, one sentence part per kind."""
        out = []
        if self.commission_payments:
            money = ", ".join(f"{v:,.2f} {k}" for k, v in sorted(self.commission_received.items()))
            payers = _count(len(self.commission_payers), "distinct payer")
            pays = _count(len(self.commission_payments), "payment")
            out.append(f"received commission from {payers} ({pays}" + (f": {money})" if money else ")"))
        if self.introduced:
            out.append(f"introduced {_people(len(self.introduced))}")
        if self.recruited:
            out.append(f"recruited {_people(len(self.recruited))}")
        if self.sponsored_for:
            out.append(f"sponsored documents for {_people(len(self.sponsored_for))}")
        return out


@dataclass(frozen=True)
class BrokerEntry:
    """One person's place in the broker ranking and why.

    ``measures`` holds the raw measures (the structural ones and the evidence counts),
    ``parts`` each component's contribution to ``score`` (weight times the measure scaled
    to the network's maximum), ``reasons`` the notable facts in plain language, evidence
    first; ``evidence`` what the case records the person doing (None when nothing).
    """

    person_id: Any
    rank: int
    score: float
    parts: dict[str, float]
    measures: dict[str, float]
    roles: dict[str, int]
    articulation_point: bool
    cuts_off: int
    bridges: tuple[Any, ...]
    reasons: tuple[str, ...]
    explanation: str
    evidence: BrokerEvidence | None = None


@dataclass(frozen=True)
class BrokerRanking:
    """People ranked by a broker score built from visible parts.

    ``evidence`` holds, for every person with any, what the case records them doing as an
    intermediary (:func:`broker_evidence`).
    """

    entries: list[BrokerEntry]
    weights: dict[str, float]
    group_by: str
    betweenness: Centrality
    closeness: Centrality
    explanation: str
    evidence: dict[Any, BrokerEvidence] = field(default_factory=dict)

    def top(self, k: int = 10) -> list[BrokerEntry]:
        """The first ``k`` entries."""
        return self.entries[:k]

    def entry(self, person_id: Hashable) -> BrokerEntry:
        """The entry of one person (KeyError if absent)."""
        for e in self.entries:
            if e.person_id == person_id:
                return e
        raise KeyError(person_id)


# --- internals -------------------------------------------------------------------------


def _prepare(g: nx.Graph, weight: str | None = None) -> tuple[nx.Graph, IGraphView]:
    pg = as_person_graph(g)
    return pg, to_igraph(pg, weight)


def auto_samples(n: int, m: int) -> int:
    """Number of sampled sources used above the exact limit: about 2e7 edge visits.

    >>> auto_samples(10_000, 30_000), auto_samples(100_000, 300_000)
    (666, 256)
    """
    return int(min(n, max(256, min(2048, 2e7 // max(m, 1)))))


def _adjacency(v: IGraphView) -> tuple[np.ndarray, np.ndarray]:
    """The view's compressed adjacency for the sweep, built once per view."""
    # imported here: loading numba and its compiled kernel costs about 0.5 s once per process,
    # which commands that never rank should not pay
    from graph_tool.analysis._paths import csr

    if "csr" not in v.memo:
        v.memo["csr"] = csr(v.n, np.array(v.graph.get_edgelist(), dtype=np.int64))
    found: tuple[np.ndarray, np.ndarray] = v.memo["csr"]
    return found


def _sweep(v: IGraphView) -> PathSums:
    """Unweighted shortest-path sums from everyone, kept on the view: the exact betweenness
    and closeness of a ranking share one sweep."""
    from graph_tool.analysis._paths import path_sums  # numba: see _adjacency

    if "all_pairs" not in v.memo:
        v.memo["all_pairs"] = path_sums(*_adjacency(v), np.arange(v.n))
    found: PathSums = v.memo["all_pairs"]
    return found


def _batches(n: int, samples: int, seed: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    chosen = rng.choice(n, size=samples, replace=False)
    return [b.tolist() for b in np.array_split(chosen, min(16, samples)) if len(b)]


def _top_error(values: np.ndarray, se: np.ndarray, k: int = 20) -> tuple[float, float, int]:
    """Largest standard error among the top ``k``, relative to its value, and how many of
    them cannot be told apart from the (k+1)-th at 95 %."""
    order = np.argsort(-values, kind="stable")
    top = order[:k]
    if len(top) == 0:
        return 0.0, 0.0, 0
    worst = int(top[np.argmax(se[top])])
    rel = float(se[worst] / values[worst]) if values[worst] > 0 else 0.0
    ambiguous = 0
    if len(order) > k:
        nxt = order[k]
        ceiling = values[nxt] + 1.96 * se[nxt]
        ambiguous = int(np.sum(values[top] - 1.96 * se[top] <= ceiling))
    return float(se[worst]), rel, ambiguous


def _betweenness_sources(n: int, m: int, samples: int | None, exact_limit: int) -> int:
    """How many sampled path sources betweenness uses; 0 means exact (every person)."""
    if samples is None:
        samples = 0 if n <= exact_limit else auto_samples(n, m)
    return 0 if samples <= 0 or samples >= n else samples


def _betweenness(
    v: IGraphView, normalized: bool, weighted: bool, samples: int | None, exact_limit: int, seed: int
) -> Centrality:
    n = v.n
    w = [1.0 / x if x > 0 else 1e12 for x in v.weights] if weighted else None
    samples = _betweenness_sources(n, v.m, samples, exact_limit)
    scale = 2.0 / ((n - 1) * (n - 2)) if normalized and n > 2 else 1.0
    what = "weighted (tie strength as closeness)" if weighted else "unweighted"
    if samples == 0:
        if weighted:
            raw = np.asarray(v.graph.betweenness(directed=False, weights=w), dtype=float) * scale
        else:
            raw = _sweep(v).betweenness * (scale / 2)  # each pair was counted from both ends
        values = dict(zip(v.ids, raw.tolist(), strict=True))
        text = (
            f"Betweenness ({what}): the share of shortest paths between other people that pass "
            f"through each person; exact (Brandes) over {n} people."
        )
        method = "exact (Brandes, igraph)" if weighted else "exact (Brandes)"
        return Centrality("betweenness", values, method, True, 0, {}, text)
    batches = _batches(n, samples, seed)
    ests = np.zeros((len(batches), n))
    if weighted:
        parts = [np.asarray(v.graph.betweenness(directed=False, weights=w, sources=b), dtype=float) for b in batches]
    else:
        from graph_tool.analysis._paths import dependencies_each  # numba: see _adjacency

        parts = list(dependencies_each(*_adjacency(v), batches) / 2)  # batches on both cores
    for i, (b, part) in enumerate(zip(batches, parts, strict=True)):
        ests[i] = part * n / len(b) * scale
    sizes = np.array([len(b) for b in batches], dtype=float)
    est = (ests * sizes[:, None]).sum(axis=0) / sizes.sum()
    fpc = math.sqrt(max(0.0, 1.0 - samples / n))
    se = ests.std(axis=0, ddof=1) / math.sqrt(len(batches)) * fpc if len(batches) > 1 else np.zeros(n)
    worst, rel, ambiguous = _top_error(est, se)
    text = (
        f"Betweenness ({what}): the share of shortest paths between other people that pass "
        f"through each person. Estimated from {samples} of {n} people as path sources "
        f"(Brandes-Pich, {len(batches)} batches, seed {seed}): the largest standard error "
        f"among the top 20 is {worst:.2g} ({rel:.0%} of that value); {ambiguous} of the top "
        f"20 cannot be told apart from the 21st at 95 %."
    )
    return Centrality(
        "betweenness",
        dict(zip(v.ids, est.tolist(), strict=True)),
        f"sampled (Brandes-Pich, {samples} sources{', igraph' if weighted else ''})",
        False,
        samples,
        dict(zip(v.ids, se.tolist(), strict=True)),
        text,
    )


def _closeness(v: IGraphView, weighted: bool, samples: int | None, exact_limit: int, seed: int) -> Centrality:
    n = v.n
    w = [1.0 / x if x > 0 else 1e12 for x in v.weights] if weighted else None
    comps = v.graph.connected_components()
    comp_size = np.array(comps.sizes(), dtype=float)[np.array(comps.membership, dtype=int)] if n else np.zeros(0)
    if samples is None:
        samples = 0 if n <= exact_limit else max(64, auto_samples(n, v.m) // 2)
    factor = (comp_size - 1) / (n - 1) if n > 1 else np.zeros(n)
    text_head = (
        "Closeness: how near each person is to everyone they can reach (inverse mean distance, "
        "scaled by the share of the network they can reach)"
    )
    if samples <= 0 or samples >= n:
        if weighted:
            inv = np.nan_to_num(np.asarray(v.graph.closeness(weights=w, normalized=True), dtype=float), nan=0.0)
        else:  # the distances found by the exact betweenness sweep
            sums = _sweep(v)
            inv = np.divide(sums.reached, sums.distance_sum, out=np.zeros(n), where=sums.distance_sum > 0)
        vals = inv * factor
        return Centrality(
            "closeness",
            dict(zip(v.ids, vals.tolist(), strict=True)),
            "exact (igraph)" if weighted else "exact (with the betweenness sweep)",
            True,
            0,
            {},
            f"{text_head}; exact over {n} people.",
        )
    batches = _batches(n, samples, seed)
    total = np.zeros(n)
    total_sq = np.zeros(n)
    count = np.zeros(n)
    for b in batches:
        d = np.asarray(v.graph.distances(source=b, weights=w), dtype=float)
        d[np.arange(len(b)), b] = np.inf  # a source's distance to itself is not a sample
        finite = np.isfinite(d)
        d[~finite] = 0.0
        total += d.sum(axis=0)
        total_sq += (d * d).sum(axis=0)
        count += finite.sum(axis=0)
    vals = np.zeros(n)
    se = np.zeros(n)
    have = count > 0
    mean = np.divide(total, count, out=np.zeros(n), where=have)
    var = np.divide(total_sq, count, out=np.zeros(n), where=have) - mean**2
    ok = have & (mean > 0)
    vals[ok] = factor[ok] / mean[ok]
    fpc = math.sqrt(max(0.0, 1.0 - samples / n))
    se[ok] = vals[ok] * np.sqrt(np.maximum(var[ok], 0.0) / count[ok]) / mean[ok] * fpc
    missing = np.flatnonzero(~have & (comp_size > 1))
    if len(missing):
        exact = np.asarray(v.graph.closeness(vertices=missing.tolist(), weights=w, normalized=True), dtype=float)
        vals[missing] = np.nan_to_num(exact, nan=0.0) * factor[missing]
    worst, rel, ambiguous = _top_error(vals, se)
    text = (
        f"{text_head}. Estimated from distances to {samples} sampled people (seed {seed}); "
        f"{len(missing)} people in parts of the network no sample reached were computed exactly. "
        f"Largest standard error among the top 20: {worst:.2g} ({rel:.0%}); {ambiguous} of the "
        f"top 20 cannot be told apart from the 21st at 95 %."
    )
    return Centrality(
        "closeness",
        dict(zip(v.ids, vals.tolist(), strict=True)),
        f"sampled ({samples} sources, igraph)",
        False,
        samples,
        dict(zip(v.ids, se.tolist(), strict=True)),
        text,
    )


def _degree(v: IGraphView) -> Centrality:
    n = v.n
    deg = np.asarray(v.graph.degree(), dtype=float)
    vals = deg / (n - 1) if n > 1 else np.zeros(n)
    return Centrality(
        "degree",
        dict(zip(v.ids, vals.tolist(), strict=True)),
        "exact",
        True,
        explanation=f"Degree: the share of the other {max(n - 1, 0)} people each person is directly tied to.",
    )


def _eigenvector(v: IGraphView, weighted: bool) -> Centrality:
    vals = np.zeros(v.n)
    comps = v.graph.connected_components()
    for members in comps:
        if len(members) < 2:
            continue
        sub = v.graph.induced_subgraph(members)
        w = sub.es["weight"] if weighted else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sub_vals = np.asarray(sub.eigenvector_centrality(weights=w), dtype=float)
        peak = sub_vals.max() if len(sub_vals) else 0.0
        vals[members] = sub_vals / peak if peak > 0 else 0.0
    return Centrality(
        "eigenvector",
        dict(zip(v.ids, vals.tolist(), strict=True)),
        "exact (igraph, per connected part)",
        True,
        explanation=(
            "Eigenvector centrality: ties to well-connected people count more. Computed within "
            "each connected part of the network and scaled so its most central person is 1; "
            "compare people within one part."
        ),
    )


def _cut_points(v: IGraphView) -> CutPoints:
    graph = v.graph
    n = v.n
    aps = sorted(graph.articulation_points())
    ap_set = set(aps)
    comps = graph.connected_components()
    comp_of = comps.membership
    comp_sizes = comps.sizes()
    blocks = list(graph.biconnected_components(return_articulation_points=False)) if graph.ecount() else []
    # block-cut tree: nodes 0..B-1 are blocks, B + k the k-th articulation point
    b_count = len(blocks)
    ap_node = {a: b_count + k for k, a in enumerate(aps)}
    weight = [sum(1 for x in blk if x not in ap_set) for blk in blocks] + [1] * len(aps)
    adj: list[list[int]] = [[] for _ in range(b_count + len(aps))]
    for bi, blk in enumerate(blocks):
        for x in blk:
            if x in ap_set:
                adj[bi].append(ap_node[x])
                adj[ap_node[x]].append(bi)
    parent = [-2] * len(adj)
    subtree = list(weight)
    for root in range(len(adj)):
        if parent[root] != -2:
            continue
        parent[root] = -1
        order = [root]
        stack = [root]
        while stack:
            x = stack.pop()
            for y in adj[x]:
                if parent[y] == -2:
                    parent[y] = x
                    order.append(y)
                    stack.append(y)
        for x in reversed(order):
            if parent[x] >= 0:
                subtree[parent[x]] += subtree[x]
    pieces: dict[Any, list[int]] = {}
    for a in aps:
        node = ap_node[a]
        kids = [subtree[y] for y in adj[node] if parent[y] == node]
        total = comp_sizes[comp_of[a]]
        rest = total - 1 - sum(kids)
        parts = sorted([*kids, *([rest] if rest > 0 else [])], reverse=True)
        pieces[v.ids[a]] = parts
    bridges = []
    sides: dict[tuple[Any, Any], tuple[int, int]] = {}
    block_of_pair: dict[tuple[int, int], int] = {}
    for bi, blk in enumerate(blocks):
        if len(blk) == 2:
            block_of_pair[(min(blk), max(blk))] = bi
    for eid in graph.bridges():
        s, t = graph.es[eid].tuple
        total = comp_sizes[comp_of[s]]
        found = block_of_pair.get((min(s, t), max(s, t)))
        side_t = 1
        if found is not None:
            par = parent[found]
            if par >= 0:
                below = subtree[found]
                upper_end = s if par == ap_node.get(s) else t
                side_t = below if upper_end == s else total - below
            else:
                side_t = subtree[ap_node[t]] if t in ap_node else 1
        pair = (v.ids[s], v.ids[t])
        bridges.append(pair)
        sides[pair] = (total - side_t, side_t)
    if aps or bridges:
        worst = max(pieces.items(), key=lambda kv: sum(kv[1][1:]), default=None)
        text = f"{len(aps)} people hold the network together (articulation points) and {len(bridges)} ties are bridges."
        if worst is not None:
            text += f" Removing {worst[0]} would cut off {_people(sum(worst[1][1:]))} from the rest of their part."
    else:
        text = f"No single person or tie holds any part of the {n}-person network together."
    return CutPoints([v.ids[a] for a in aps], bridges, pieces, sides, text)


def _structural_holes(v: IGraphView, weighted: bool) -> StructuralHoles:
    n = v.n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cons = np.asarray(v.graph.constraint(weights=v.weights if weighted else None), dtype=float)
    deg = np.asarray(v.graph.degree(), dtype=float)
    trans = np.asarray(v.graph.transitivity_local_undirected(mode="zero"), dtype=float)
    ties_among = trans * deg * (deg - 1) / 2
    eff = np.full(n, np.nan)
    has = deg > 0
    eff[has] = deg[has] - 2 * ties_among[has] / deg[has]
    cons[~has] = np.nan
    return StructuralHoles(
        dict(zip(v.ids, cons.tolist(), strict=True)),
        dict(zip(v.ids, eff.tolist(), strict=True)),
        (
            "Constraint (Burt): near 1 when a person's contacts all know each other or depend on "
            "one contact; low when they span structural holes. Effective size: contacts minus "
            "their redundancy (Borgatti's form: degree - 2 x ties among contacts / degree); "
            "undefined (NaN) for people with no ties."
        ),
    )


def employer_groups(g: nx.Graph) -> dict[Any, str]:
    """Each person's organisation through ``EMPLOYED_BY`` (the first by id when several).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p1", label=Label.PERSON); g.add_node("o1", label=Label.ORGANISATION)
    >>> _ = g.add_edge("p1", "o1", type=Rel.EMPLOYED_BY)
    >>> employer_groups(g)
    {'p1': 'o1'}
    """
    out: dict[Any, str] = {}
    for u, org, _eid, d in edges_with_keys(g):
        if edge_type(d) == Rel.EMPLOYED_BY and label_of(g, org) == Label.ORGANISATION:
            if u not in out or str(org) < out[u]:
                out[u] = str(org)
    return out


#: Characters that make :func:`as_list` split or unquote a text value.
_LIST_MARKS = frozenset("[],'\"")


def _group_values(g: nx.Graph, pg: nx.Graph, group_by: str | Label | Mapping[Any, str]) -> tuple[str, list[Any]]:
    if isinstance(group_by, Mapping):
        mapping: Mapping[Any, Any] = group_by
        name = "given groups"
    elif group_by == Label.ORGANISATION:
        mapping = employer_groups(g)
        name = "organisation (employer)"
    else:
        name = str(group_by)
        mapping = {}
        for n, value in pg.nodes(data=name):
            if type(value) is str and not _LIST_MARKS.intersection(value):
                if value.strip():  # a plain value, as as_list would read it, without the cost
                    mapping[n] = value.strip()
                continue
            parts = as_list(value)
            if parts:
                mapping[n] = "/".join(sorted(parts))
    return name, [None if mapping.get(n) is None else str(mapping[n]) for n in pg.nodes]


#: Above this many triangles, the closed two-steps are found by listing every two-step
#: instead of every triangle (a list of triangles takes about 100 bytes each).
TRIANGLE_LIMIT = 2_000_000


def _brokerage(v: IGraphView, groups: list[Any], triangle_limit: int = TRIANGLE_LIMIT) -> tuple[np.ndarray, int]:
    """Role counts (n x 5) of open two-steps a -> b -> c, counted at b, and the skipped count.

    The two-steps are counted, not listed: at each b the pairs of an in-neighbour a and an
    out-neighbour c come from b's neighbour counts per group, and the closed ones (a -> c
    exists) all lie on triangles, which are far fewer than two-steps and are listed and
    subtracted. A graph with more than ``triangle_limit`` triangles lists its two-steps
    instead (:func:`_brokerage_by_listing`); both give the same counts:

    >>> g = nx.gnm_random_graph(40, 160, seed=3, directed=True)
    >>> grp = [None if i % 7 == 0 else "ABC"[i % 3] for i in g]
    >>> a, b = _brokerage(to_igraph(g), grp), _brokerage(to_igraph(g), grp, triangle_limit=0)
    >>> bool((a[0] == b[0]).all()), a[1] == b[1], int(a[0].sum()) > 0
    (True, True, True)
    """
    n = v.n
    codes_map: dict[str, int] = {}
    code = np.array([-1 if x is None else codes_map.setdefault(x, len(codes_map)) for x in groups], dtype=np.int64)
    src, dst = v.arc_src, v.arc_dst
    if len(src) == 0:
        return np.zeros((n, len(ROLES)), dtype=np.int64), 0
    graph = v.graph
    if triangle_limit <= 0:
        return _brokerage_by_listing(v, code)
    # the number of triangles, from each person's local transitivity, before listing them
    deg = np.asarray(graph.degree(), dtype=float)
    trans = np.asarray(graph.transitivity_local_undirected(mode="zero"), dtype=float)
    if float(np.sum(trans * deg * (deg - 1))) / 6 > triangle_limit:
        return _brokerage_by_listing(v, code)
    arc_keys = np.sort(src * n + dst)
    rec = _contains(arc_keys, dst * n + src)  # arc x -> b with b -> x too: a = c possible
    k = max(len(codes_map), 1)
    cs, cd = code[src], code[dst]
    known_s, known_d = cs >= 0, cd >= 0
    same = known_s & (cs == cd)
    # per b: in-arcs x -> b are (src, dst=b); out-arcs b -> y are (src=b, dst)
    indeg = np.bincount(dst, minlength=n)
    outdeg = np.bincount(src, minlength=n)
    recip = np.bincount(dst[rec], minlength=n)
    i_kn = np.bincount(dst[known_s], minlength=n)  # in-neighbours with a group
    o_kn = np.bincount(src[known_d], minlength=n)
    r_kn = np.bincount(dst[rec & known_s], minlength=n)
    i_own = np.bincount(dst[same], minlength=n)  # in-neighbours in b's own group
    o_own = np.bincount(src[same], minlength=n)
    r_own = np.bincount(dst[rec & same], minlength=n)
    # pairs (a, c) with a and c in one group, per b: sum over groups of in x out counts
    in_keys, in_cnt = np.unique(dst[known_s] * k + cs[known_s], return_counts=True)
    out_keys, out_cnt = np.unique(src[known_d] * k + cd[known_d], return_counts=True)
    both, at_in, at_out = np.intersect1d(in_keys, out_keys, assume_unique=True, return_indices=True)
    same_pairs = _sum_at(both // k, in_cnt[at_in] * out_cnt[at_out], n) - r_kn
    coordinator = i_own * o_own - r_own
    representative = i_own * (o_kn - o_own)
    gatekeeper = (i_kn - i_own) * o_own
    raw = np.stack(
        [
            coordinator,
            same_pairs - coordinator,
            representative,
            gatekeeper,
            i_kn * o_kn - r_kn - same_pairs - representative - gatekeeper,
        ],
        axis=1,
    )
    raw[code < 0] = 0
    closed, closed_all, closed_known = _closed_two_steps(graph, arc_keys, n, code)
    counts = raw - closed
    open_all = indeg * outdeg - recip - closed_all
    open_known = np.where(code >= 0, i_kn * o_kn - r_kn - closed_known, 0)
    return counts, int(open_all.sum() - open_known.sum())


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which ``keys`` are in ``sorted_keys``."""
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return np.asarray(sorted_keys[pos] == keys)


def _sum_at(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Integer sums of ``values`` per ``index`` (exact below 2**53)."""
    return np.rint(np.bincount(index, weights=values.astype(float), minlength=n)).astype(np.int64)


def _role_codes(ga: np.ndarray, gb: np.ndarray, gc: np.ndarray) -> np.ndarray:
    """The Gould-Fernandez role (index into ROLES) of each two-step by the groups of a, b, c."""
    return np.where(ga == gb, np.where(gb == gc, 0, 2), np.where(gb == gc, 3, np.where(ga == gc, 1, 4)))


def _closed_two_steps(graph: Any, arc_keys: np.ndarray, n: int, code: np.ndarray) -> tuple[np.ndarray, ...]:
    """Closed two-steps a -> b -> c (with a -> c) per b: by role when all three have a group
    (n x 5), in all, and with all three grouped."""
    closed = np.zeros(n * len(ROLES), dtype=np.int64)
    closed_all = np.zeros(n, dtype=np.int64)
    closed_known = np.zeros(n, dtype=np.int64)
    tri = np.asarray(graph.list_triangles(), dtype=np.int64).reshape(-1, 3)
    if len(tri) == 0:
        return closed.reshape(n, len(ROLES)), closed_all, closed_known
    for ia, ib, ic in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        a, b, c = tri[:, ia], tri[:, ib], tri[:, ic]
        ok = _contains(arc_keys, a * n + b) & _contains(arc_keys, b * n + c) & _contains(arc_keys, a * n + c)
        a, b, c = a[ok], b[ok], c[ok]
        closed_all += np.bincount(b, minlength=n)
        ga, gb, gc = code[a], code[b], code[c]
        known = (ga >= 0) & (gb >= 0) & (gc >= 0)
        closed_known += np.bincount(b[known], minlength=n)
        role = _role_codes(ga[known], gb[known], gc[known])
        closed += np.bincount(b[known] * len(ROLES) + role, minlength=n * len(ROLES))
    return closed.reshape(n, len(ROLES)), closed_all, closed_known


def _brokerage_by_listing(v: IGraphView, code: np.ndarray, chunk: int = 4_000_000) -> tuple[np.ndarray, int]:
    """:func:`_brokerage` by listing every two-step, in chunks: for graphs dense in triangles."""
    n = v.n
    counts = np.zeros(n * len(ROLES), dtype=np.int64)
    src, dst = v.arc_src, v.arc_dst
    arc_keys = np.sort(src * n + dst)
    order = np.argsort(src, kind="stable")
    out_dst = dst[order]
    out_ptr = np.searchsorted(src[order], np.arange(n + 1))
    outdeg = np.diff(out_ptr)
    per_arc = outdeg[dst]
    cum = np.cumsum(per_arc)
    skipped = 0
    start = 0
    while start < len(src):
        base = cum[start - 1] if start else 0
        stop = int(np.searchsorted(cum, base + chunk, side="right"))
        stop = max(stop, start + 1)
        a = src[start:stop]
        b = dst[start:stop]
        k = per_arc[start:stop]
        total = int(k.sum())
        start = stop
        if total == 0:
            continue
        a_rep = np.repeat(a, k)
        b_rep = np.repeat(b, k)
        offsets = np.arange(total) - np.repeat(np.cumsum(k) - k, k)
        c = out_dst[np.repeat(out_ptr[b], k) + offsets]
        keys = a_rep * n + c
        pos = np.searchsorted(arc_keys, keys)
        pos[pos >= len(arc_keys)] = len(arc_keys) - 1
        mask = (a_rep != c) & (arc_keys[pos] != keys)
        ga, gb, gc = code[a_rep], code[b_rep], code[c]
        known = (ga >= 0) & (gb >= 0) & (gc >= 0)
        skipped += int(np.sum(mask & ~known))
        mask &= known
        role = _role_codes(ga, gb, gc)
        counts += np.bincount(b_rep[mask] * len(ROLES) + role[mask], minlength=n * len(ROLES))
    return counts.reshape(n, len(ROLES)), skipped


def _brokerage_result(
    v: IGraphView,
    name: str,
    groups: list[Any],
    directed_input: bool,
    counts: np.ndarray | None = None,
    skipped: int = 0,
) -> Brokerage:
    if counts is None:
        counts, skipped = _brokerage(v, groups)
    roles: dict[Any, dict[str, int]] = {}
    have = np.flatnonzero(counts.sum(axis=1))
    for i, row in zip(have.tolist(), counts[have].tolist(), strict=True):
        roles[v.ids[i]] = {ROLES[r]: c for r, c in enumerate(row) if c}
    known = sum(1 for x in groups if x is not None)
    totals = counts.sum(axis=0)
    text = (
        f"Gould-Fernandez brokerage across {name}: for every open two-step a -> b -> c (no "
        f"direct tie a -> c), b is counted as coordinator (all one group), itinerant (a and c "
        f"share a group, b does not), representative (a and b share a group), gatekeeper (b and "
        f"c share a group) or liaison (three groups). Totals: "
        + ", ".join(f"{r} {int(t)}" for r, t in zip(ROLES, totals, strict=True))
        + f". {known} of {v.n} people have a {name}; {skipped} two-steps touching someone without one were not counted."
    )
    if not directed_input:
        text += " The ties are undirected, so each two-step counts both ways."
    return Brokerage(name, roles, dict(zip(v.ids, groups, strict=True)), skipped, text)


# --- public API ------------------------------------------------------------------------


def betweenness(
    g: nx.Graph,
    normalized: bool = True,
    weight: str | None = None,
    samples: int | None = None,
    exact_limit: int = EXACT_LIMIT,
    seed: int = 0,
) -> Centrality:
    """Betweenness centrality, exact or (for large networks) sampled with its error.

    Parameters
    ----------
    g : a person graph or a domain graph (projected onto people first).
    normalized : scale as networkx does, by 2 / ((n-1)(n-2)).
    weight : edge attribute holding tie strength (distance = 1 / strength); None counts hops.
    samples : number of sampled source people; None means exact up to ``exact_limit``
        people and :func:`auto_samples` above; 0 forces the exact computation.
    exact_limit : size up to which ``samples=None`` computes exactly.
    seed : random seed of the sample.

    Returns
    -------
    Centrality
        ``values`` per person; ``std_error`` per person when sampled.

    Examples
    --------
    >>> c = betweenness(nx.path_graph(["a", "b", "c"]))
    >>> c.values["b"], c.exact
    (1.0, True)
    >>> s = betweenness(nx.karate_club_graph(), samples=20, seed=1)
    >>> s.top(1)[0][0], s.exact, len(s.std_error)
    (0, False, 34)
    """
    _, v = _prepare(g, weight)
    return _betweenness(v, normalized, weight is not None, samples, exact_limit, seed)


def closeness(
    g: nx.Graph,
    weight: str | None = None,
    samples: int | None = None,
    exact_limit: int = EXACT_LIMIT,
    seed: int = 0,
) -> Centrality:
    """Closeness centrality (networkx's Wasserman-Faust form), sampled for large networks.

    Parameters
    ----------
    g : a person graph or a domain graph.
    weight : tie-strength attribute (distance = 1 / strength); None counts hops.
    samples, exact_limit, seed : as for :func:`betweenness`, except that the automatic
        sample is half as large: a mean distance settles faster than a count of paths.

    Returns
    -------
    Centrality

    Examples
    --------
    >>> c = closeness(nx.star_graph(3))
    >>> round(c.values[0], 3), c.method
    (1.0, 'exact (with the betweenness sweep)')
    """
    _, v = _prepare(g, weight)
    return _closeness(v, weight is not None, samples, exact_limit, seed)


def degree(g: nx.Graph) -> Centrality:
    """Degree centrality: the share of the others a person is directly tied to.

    Examples
    --------
    >>> degree(nx.star_graph(4)).values[0]
    1.0
    """
    _, v = _prepare(g)
    return _degree(v)


def eigenvector(g: nx.Graph, weight: str | None = None) -> Centrality:
    """Eigenvector centrality within each connected part, the top person of a part at 1.

    Examples
    --------
    >>> eigenvector(nx.star_graph(3)).top(1)
    [(0, 1.0)]
    """
    _, v = _prepare(g, weight)
    return _eigenvector(v, weight is not None)


def cut_points(g: nx.Graph) -> CutPoints:
    """Articulation points and bridges, with the sizes of the parts they hold together.

    Examples
    --------
    >>> c = cut_points(nx.path_graph(["a", "b", "c", "d"]))
    >>> c.articulation_points, c.pieces["b"], c.cuts_off("b")
    (['b', 'c'], [2, 1], 1)
    >>> c.bridge_sides[("a", "b")]
    (1, 3)
    """
    _, v = _prepare(g)
    return _cut_points(v)


def structural_holes(g: nx.Graph, weight: str | None = None) -> StructuralHoles:
    """Burt's constraint and effective size of every person.

    Examples
    --------
    >>> h = structural_holes(nx.star_graph(3))
    >>> round(h.constraint[0], 3), h.effective_size[0]
    (0.333, 3.0)
    """
    _, v = _prepare(g, weight)
    return _structural_holes(v, weight is not None)


def brokerage_roles(g: nx.Graph, group_by: str | Label | Mapping[Any, str] = "nationality") -> Brokerage:
    """Gould-Fernandez brokerage roles of each person across a grouping.

    Parameters
    ----------
    g : a directed person graph (undirected ties count both ways) or a domain graph.
    group_by : a person property (``"nationality"``, ``"roles"``), ``Label.ORGANISATION``
        (employer through ``EMPLOYED_BY``), or a mapping person -> group.

    Returns
    -------
    Brokerage

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(g, {"a": "TH", "b": "TH", "c": "CN"}, "nationality")
    >>> brokerage_roles(g).roles
    {'b': {'representative': 1}}
    """
    pg, v = _prepare(g)
    name, groups = _group_values(g, pg, group_by)
    return _brokerage_result(v, name, groups, pg.is_directed())


def broker_evidence(g: nx.Graph) -> dict[Any, BrokerEvidence]:
    """What the case records each person doing as an intermediary, read from a domain graph.

    - commission: payments whose ``purpose`` is ``commission`` received by the person or an
      account they own, with the distinct payers (people, organisations, or an account's
      owners; the person themself not counted) and the total per currency;
    - introductions and recruitments: the distinct people they ``INTRODUCED`` or
      ``RECRUITED``;
    - sponsorships: the distinct people holding documents they ``SPONSORED`` (a document
      nobody is known to hold counts for itself).

    Transporting people is not counted (it moves people, it does not broker them), nor is
    the ``roles`` property (an analyst's conclusion, not evidence). A graph without labels
    counts every node as a person; a person graph with no payments or typed ties gives
    nothing.

    Returns
    -------
    dict person id -> BrokerEvidence, for the people with any evidence.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for p in ("br", "h1", "h2", "v1", "v2"):
    ...     g.add_node(p, label=Label.PERSON)
    >>> g.add_node("acc", label=Label.ACCOUNT); _ = g.add_edge("br", "acc", type=Rel.OWNS)
    >>> for i, h in enumerate(("h1", "h2", "h2")):
    ...     g.add_node(f"pay{i}", label=Label.PAYMENT, amount=1000, currency="CNY", purpose="commission")
    ...     _ = g.add_edge(h, f"pay{i}", type=Rel.SENT); _ = g.add_edge(f"pay{i}", "acc", type=Rel.PAID_TO)
    >>> _ = g.add_edge("br", "v1", type=Rel.INTRODUCED); _ = g.add_edge("br", "v2", type=Rel.INTRODUCED)
    >>> g.add_node("visa", label=Label.DOCUMENT); _ = g.add_edge("v1", "visa", type=Rel.HOLDS)
    >>> _ = g.add_edge("br", "visa", type=Rel.SPONSORED)
    >>> e = broker_evidence(g)["br"]
    >>> e.commission_payers, len(e.commission_payments), e.introduced, e.sponsored_for
    (('h1', 'h2'), 3, ('v1', 'v2'), ('v1',))
    >>> e.reasons()[0]
    'received commission from 2 distinct payers (3 payments: 3,000.00 CNY)'
    """

    # every kind of evidence hangs on one of these relationships: most person graphs have none
    wanted = {str(Rel.PAID_TO), str(Rel.INTRODUCED), str(Rel.RECRUITED), str(Rel.SPONSORED)}
    if not wanted.intersection(str(t) for t in {t for _, _, t in g.edges(data="type")} if t is not None):
        return {}

    def is_person(node: Any) -> bool:
        return node in g and label_of(g, node) in (None, Label.PERSON)

    payers: dict[Any, set[str]] = {}
    payments: dict[Any, list[str]] = {}
    received: dict[Any, dict[str, float]] = {}
    for f in payment_flows(g):
        if f.purpose != COMMISSION:
            continue
        for b in f.beneficiary_parties:
            if not is_person(b):
                continue
            payers.setdefault(b, set()).update(p for p in f.payer_parties if p != b)
            payments.setdefault(b, []).append(f.payment_id)
            if f.amount is not None:
                totals = received.setdefault(b, {})
                totals[f.currency] = totals.get(f.currency, 0.0) + f.amount
    ties: dict[str, dict[Any, set[str]]] = {str(Rel.INTRODUCED): {}, str(Rel.RECRUITED): {}}
    holders: dict[Any, set[str]] = {}
    sponsored: dict[Any, set[Any]] = {}
    for u, v, _eid, d in edges_with_keys(g):
        t = edge_type(d)
        if t in ties and is_person(u) and is_person(v) and u != v:
            ties[t].setdefault(u, set()).add(str(v))
        elif t == Rel.HOLDS and is_person(u):
            holders.setdefault(v, set()).add(str(u))
        elif t == Rel.SPONSORED and is_person(u):
            sponsored.setdefault(u, set()).add(v)
    sponsored_for = {
        p: {h for doc in docs for h in (holders.get(doc) or {str(doc)}) if h != str(p)} for p, docs in sponsored.items()
    }
    people = set(payments) | set(sponsored_for) | {p for by in ties.values() for p in by}
    out: dict[Any, BrokerEvidence] = {}
    for p in sorted(people, key=str):
        e = BrokerEvidence(
            p,
            tuple(sorted(payers.get(p, ()))),
            tuple(payments.get(p, ())),
            {k: round(v, 2) for k, v in sorted(received.get(p, {}).items())},
            tuple(sorted(ties[str(Rel.INTRODUCED)].get(p, ()))),
            tuple(sorted(ties[str(Rel.RECRUITED)].get(p, ()))),
            tuple(sorted(sponsored_for.get(p, ()))),
        )
        if any(e.counts().values()):
            out[p] = e
    return out


def _column(values: Mapping[Any, float], n: int) -> np.ndarray:
    """A measure's values as an array, in the order its dict was built (the view's order)."""
    return np.fromiter(values.values(), dtype=float, count=n)


def _scaled(values: np.ndarray) -> np.ndarray:
    clean = np.nan_to_num(values, nan=0.0)
    peak = clean.max() if len(clean) else 0.0
    return clean / peak if peak > 0 else np.zeros_like(clean)


def broker_ranking(
    g: nx.Graph,
    group_by: str | Label | Mapping[Any, str] = "nationality",
    weights: Mapping[str, float] | None = None,
    weight: str | None = None,
    samples: int | None = None,
    exact_limit: int = EXACT_LIMIT,
    seed: int = 0,
) -> BrokerRanking:
    """Rank people as brokers, each entry saying which evidence, measures, roles and bridges put them there.

    The score is a weighted sum of named components, each scaled so the network's maximum
    is 1. Structure: betweenness, cross-group brokerage roles, people cut off when removed
    (articulation points), effective size, low constraint (1 - constraint), degree, and, if
    weighted, closeness and eigenvector centrality (0 by default). Evidence, on a domain
    graph (:func:`broker_evidence`): distinct payers of commission, commission payments
    received, people introduced, people recruited, people whose documents they sponsored.
    See ``DEFAULT_WEIGHTS``. The ``roles`` property is not read (unless ``group_by="roles"``).

    Parameters
    ----------
    g : a person graph or a domain graph (projected onto people first).
    group_by : grouping for the brokerage roles, as in :func:`brokerage_roles`.
    weights : component weights overriding ``DEFAULT_WEIGHTS``.
    weight : tie-strength edge attribute for the path measures; None counts hops.
    samples, exact_limit, seed : as for :func:`betweenness`.

    Returns
    -------
    BrokerRanking

    Examples
    --------
    >>> g = nx.Graph([("a1", "a2"), ("a1", "b"), ("a2", "b"), ("b", "c1"), ("c1", "c2")])
    >>> nx.set_node_attributes(g, {"a1": "TH", "a2": "TH", "b": "MM", "c1": "CN", "c2": "CN"},
    ...                        "nationality")
    >>> r = broker_ranking(g)
    >>> top = r.entries[0]
    >>> top.person_id, top.rank, top.articulation_point, top.roles["liaison"]
    ('b', 1, True, 4)
    >>> print(top.reasons[0])
    betweenness 0.667 (1st of 5)

    On a domain graph, what the case records outweighs the position: the broker paid
    commission by two husbands ranks above the recruiter who sits between more people.

    >>> d = nx.MultiDiGraph()
    >>> for p in ("rec", "br", "v1", "v2", "v3", "h1", "h2"):
    ...     d.add_node(p, label=Label.PERSON)
    >>> for v in ("v1", "v2", "v3"):
    ...     _ = d.add_edge("rec", v, type=Rel.RECRUITED)
    >>> _ = d.add_edge("rec", "br", type=Rel.ASSOCIATE_OF)
    >>> for i, h in enumerate(("h1", "h2")):
    ...     d.add_node(f"pay{i}", label=Label.PAYMENT, amount=5000, currency="CNY", purpose="commission")
    ...     _ = d.add_edge(h, f"pay{i}", type=Rel.SENT); _ = d.add_edge(f"pay{i}", "br", type=Rel.PAID_TO)
    >>> _ = d.add_edge("br", "v1", type=Rel.INTRODUCED)
    >>> r = broker_ranking(d)
    >>> [e.person_id for e in r.entries[:2]]
    ['br', 'rec']
    >>> print(r.entries[0].reasons[0])
    received commission from 2 distinct payers (2 payments: 10,000.00 CNY)
    """
    w = dict(DEFAULT_WEIGHTS)
    if weights:
        unknown = set(weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown score components {sorted(unknown)}; known: {sorted(DEFAULT_WEIGHTS)}")
        w.update(weights)
    pg, v = _prepare(g, weight)
    n = v.n
    weighted = weight is not None
    with ThreadPoolExecutor(1) as pool:
        # the exact sweep releases the GIL: the other measures are made while it runs
        sweeping = None
        if not weighted and _betweenness_sources(n, v.m, samples, exact_limit) == 0:
            sweeping = pool.submit(_sweep, v)
        dg = _degree(v)
        ev = _eigenvector(v, weighted)
        cuts = _cut_points(v)
        holes = _structural_holes(v, weighted)
        name, groups = _group_values(g, pg, group_by)
        role_counts, skipped = _brokerage(v, groups)
        brk = _brokerage_result(v, name, groups, pg.is_directed(), role_counts, skipped)
        evidence = broker_evidence(g)
        if sweeping is not None:
            sweeping.result()
    bc = _betweenness(v, True, weighted, samples, exact_limit, seed)
    cl = _closeness(v, weighted, samples, exact_limit, seed)

    ids = v.ids
    index = v.index
    # the measures' dicts are built in the view's order: read them as columns
    arr = {
        "betweenness": _column(bc.values, n),
        "closeness": _column(cl.values, n),
        "degree": _column(dg.values, n),
        "eigenvector": _column(ev.values, n),
        "constraint": _column(holes.constraint, n),
        "effective_size": _column(holes.effective_size, n),
    }
    cross = role_counts[:, [ROLES.index(r) for r in CROSS_GROUP_ROLES]].sum(axis=1).astype(float)
    cut_list = [0] * n
    for pid in cuts.pieces:
        cut_list[index[pid]] = cuts.cuts_off(pid)
    cut_arr = np.array(cut_list, dtype=float)
    evidence_arr = np.zeros((n, len(EVIDENCE_COMPONENTS)))
    for pid, recorded in evidence.items():
        if pid in index:
            evidence_arr[index[pid]] = list(recorded.counts().values())
    for j, k in enumerate(EVIDENCE_COMPONENTS):
        arr[k] = evidence_arr[:, j]
    comp = {
        "betweenness": _scaled(arr["betweenness"]),
        "brokerage": _scaled(cross),
        "cut": _scaled(cut_arr),
        "effective_size": _scaled(arr["effective_size"]),
        "low_constraint": np.where(np.isnan(arr["constraint"]), 0.0, 1.0 - np.clip(arr["constraint"], 0, 1)),
        "degree": _scaled(arr["degree"]),
        "closeness": _scaled(arr["closeness"]),
        "eigenvector": _scaled(arr["eigenvector"]),
        **{k: _scaled(arr[k]) for k in EVIDENCE_COMPONENTS},
    }
    used = [k for k, x in w.items() if x]
    contrib = {k: comp[k] * w[k] for k in used}
    score = np.zeros(n)
    for x in contrib.values():
        score += x
    name_rank = np.empty(n, dtype=np.int64)
    name_rank[np.argsort(np.array([str(x) for x in ids], dtype=object), kind="stable")] = np.arange(n)
    order = np.lexsort((name_rank, -arr["betweenness"], -score)).tolist() if n else []
    bc_rank = np.empty(n, dtype=np.int64)
    bc_rank[np.argsort(-arr["betweenness"], kind="stable")] = np.arange(1, n + 1)
    bridges_at: dict[Any, list[Any]] = {}
    bridge_reach: dict[Any, list[tuple[Any, int]]] = {}  # (other end, people beyond) when own side > 1
    for a, b in cuts.bridges:
        bridges_at.setdefault(a, []).append(b)
        bridges_at.setdefault(b, []).append(a)
        side_a, side_b = cuts.bridge_sides[(a, b)]
        if side_a > 1:
            bridge_reach.setdefault(a, []).append((b, side_b))
        if side_b > 1:
            bridge_reach.setdefault(b, []).append((a, side_a))
    # Each part of the explanations is made for everyone at once, from plain lists (indexing
    # them is much faster than reading numpy items one at a time); the loop only assembles.
    measure_keys = [*arr, "contacts"]
    contacts_arr = np.asarray(v.graph.degree(), dtype=float)
    measure_rows = np.column_stack([*arr.values(), contacts_arr]).tolist() if n else []
    part_matrix = np.round(np.column_stack([contrib[k] for k in used]), 6) if used else np.zeros((n, 0))
    part_rows = part_matrix.tolist()
    parts_of = list(map(dict, map(zip, repeat(used), part_rows)))
    measures_of = list(map(dict, map(zip, repeat(measure_keys), measure_rows)))
    score_list = np.round(score, 6).tolist()
    eff_list, deg_list = arr["effective_size"].tolist(), contacts_arr.tolist()
    from_text = []  # the three largest positive parts, largest first, ties in weight order
    for row, top in zip(part_rows, np.argsort(-part_matrix, axis=1, kind="stable")[:, :3].tolist(), strict=True):
        largest = [f"{used[j]} {row[j]:.2f}" for j in top if row[j] > 0]
        from_text.append(", ".join(largest) if largest else "nothing")
    bc_text = [
        None if not b_val > 0 else f"betweenness {b_val:.3g}{err} ({_ordinal(r)} of {n})"
        for b_val, r, err in zip(
            arr["betweenness"].tolist(),
            bc_rank.tolist(),
            (f" +/- {bc.std_error[p]:.2g}" for p in ids) if bc.std_error else repeat(""),
            strict=False,
        )
    ]
    cross_at = [ROLES.index(r) for r in CROSS_GROUP_ROLES]
    coordinator_at = ROLES.index(COORDINATOR)
    role_text: list[str | None] = []
    for row in role_counts.tolist():
        cross_roles = [f"{ROLES[r]} x{row[r]}" for r in cross_at if row[r]]
        if cross_roles:
            role_text.append(f"brokers across {name}: " + ", ".join(cross_roles))
        elif row[coordinator_at]:
            role_text.append(f"coordinator x{row[coordinator_at]} within their own {name}")
        else:
            role_text.append(None)
    eff_text = [
        f"effective size {eff:.3g} of {int(contacts)} contacts: few of their contacts know each other"
        if contacts >= 2 and not math.isnan(eff) and eff >= 0.75 * contacts
        else None
        for eff, contacts in zip(eff_list, deg_list, strict=True)
    ]
    roles_of = brk.roles
    no_roles: dict[str, int] = {}

    entries: list[BrokerEntry] = []
    for rank, i in enumerate(order, start=1):
        pid = ids[i]
        found = evidence.get(pid)
        reasons: list[str] = found.reasons() if found is not None else []
        for said in (bc_text[i], role_text[i]):
            if said is not None:
                reasons.append(said)
        cut_off = cut_list[i]
        is_ap = pid in cuts.pieces
        if is_ap:
            reasons.append(f"articulation point: removing them cuts off {_people(cut_off)}")
        if pid in bridge_reach:
            ends = sorted(bridge_reach[pid], key=lambda x: str(x[0]))
            shown = ", ".join(f"{x} ({_people(k)} beyond)" for x, k in ends[:5]) + (" ..." if len(ends) > 5 else "")
            reasons.append(f"sole tie (bridge) to {shown}")
        said = eff_text[i]
        if said is not None:
            reasons.append(said)
        if not reasons:
            reasons.append("no brokerage position found" if deg_list[i] else "no ties in this network")
        explanation = (
            f"{pid}: rank {rank} of {n}, score {score_list[i]:.3f} (from {from_text[i]}): " + "; ".join(reasons) + "."
        )
        entries.append(
            BrokerEntry(
                pid,
                rank,
                score_list[i],
                parts_of[i],
                measures_of[i],
                dict(roles_of.get(pid, no_roles)),
                is_ap,
                cut_off,
                tuple(bridges_at.get(pid, ())),
                tuple(reasons),
                explanation,
                found,
            )
        )
    weights_text = ", ".join(f"{k} {x:g}" for k, x in w.items() if x)
    text = (
        f"{n} people ranked by a broker score (weights: {weights_text}; each component scaled to "
        f"the network's maximum). {_evidence_summary(arr, n)} {bc.explanation} {cuts.explanation}"
    )
    return BrokerRanking(entries, w, name, bc, cl, text, {i: evidence[i] for i in ids if i in evidence})


def _evidence_summary(arr: Mapping[str, np.ndarray], n: int) -> str:
    """How many people each kind of recorded evidence concerns, for the ranking's explanation."""
    what = {
        "commission_payers": "received commission",
        "introductions": "introduced people",
        "recruitments": "recruited people",
        "sponsorships": "sponsored others' documents",
    }
    seen = [f"{int(np.count_nonzero(arr[k]))} {v}" for k, v in what.items() if np.any(arr[k] > 0)]
    if not seen:
        return (
            "The network records no commission, introductions, recruitments or sponsorships: "
            "the ranking rests on structure alone."
        )
    return f"Recorded evidence: of {n} people, " + ", ".join(seen) + "."


def _people(k: int) -> str:
    return "1 person" if k == 1 else f"{k} people"


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _ordinal(k: int) -> str:
    if 10 <= k % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"
