"""Person-to-person networks derived from what people share and exchange.

Two people are linked when they share an identifier (a phone, a document, an address, an
account), when one paid the other (payer -> beneficiary, through accounts they own), when
their phones called each other, or when a person-to-person relationship joins them
(recruited, transported, introduced, family, marriage, associate). Every link carries its
evidence: the ids of the identifiers, payments, phones or relationships behind it.

The hub guard keeps generic identifiers out of linking: a hotel switchboard, a shelter's
hotline or an agent's cash account used by dozens of people would otherwise join them all
into one "ring". An identifier linked to more than ``max_people`` people, or marked
``generic``, or passed in ``generic_ids``, is excluded, and the result says which and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_tool.analysis._graph import (
    PERSON_TIES,
    edge_type,
    edges_with_keys,
    is_domain_graph,
    label_of,
    truthy,
)
from graph_tool.model import REL_TYPES, Label, Rel, relationship_types_between

#: Identifiers that link the people who share them.
SHARED_IDENTIFIERS: tuple[Label, ...] = (Label.PHONE, Label.DOCUMENT, Label.ADDRESS, Label.ACCOUNT)

#: Everything a projection uses by default: shared identifiers, payments, calls and ties.
DEFAULT_VIA: tuple[Label | Rel, ...] = (*SHARED_IDENTIFIERS, Label.PAYMENT, Rel.CALLED, *PERSON_TIES)

#: Default hub threshold: an identifier linked to more people than this is not a link.
DEFAULT_MAX_PEOPLE = 10


@dataclass(frozen=True)
class ExcludedIdentifier:
    """An identifier kept out of linking, with the reason."""

    node_id: str
    label: str
    people: int
    reason: str


@dataclass(frozen=True)
class PersonLink:
    """Why two people are linked: the evidence ids, what kind, and a weight.

    ``directed`` links run from ``source`` to ``target`` (a payment, a call, a
    recruitment); undirected ones (a shared phone) join the two either way.
    ``weight`` counts the evidence: shared identifiers, payments, calls and ties.
    """

    source: str
    target: str
    directed: bool
    weight: float
    evidence: tuple[str, ...]
    via: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Projection:
    """A person network: ``graph`` has Person nodes and arcs carrying ``weight``,
    ``evidence`` and ``via``; an undirected link appears as two arcs."""

    graph: nx.DiGraph
    links: tuple[PersonLink, ...]
    excluded: tuple[ExcludedIdentifier, ...]
    explanation: str
    identifier_people: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def undirected(self) -> nx.Graph:
        """The links as a simple undirected graph; each pair's weight and evidence summed once."""
        u: nx.Graph = nx.Graph()
        u.add_nodes_from(self.graph.nodes(data=True))
        for link in self.links:
            a, b = link.source, link.target
            if u.has_edge(a, b):
                data = u.edges[a, b]
                data["weight"] += link.weight
                data["evidence"] = sorted(set(data["evidence"]) | set(link.evidence))
                data["via"] = sorted(set(data["via"]) | set(link.via))
            else:
                u.add_edge(a, b, weight=link.weight, evidence=list(link.evidence), via=list(link.via))
        return u


def _owner_rels() -> dict[Label, tuple[str, ...]]:
    """For each shared identifier, the Person->identifier relationship types (from the model)."""
    return {lab: tuple(str(r) for r in relationship_types_between(Label.PERSON, lab)) for lab in SHARED_IDENTIFIERS}


def identifier_people(g: nx.Graph) -> dict[str, set[str]]:
    """People attached to each shared identifier (phone, document, address, account).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p1", label=Label.PERSON); g.add_node("t1", label=Label.PHONE)
    >>> _ = g.add_edge("p1", "t1", type=Rel.USES)
    >>> identifier_people(g)
    {'t1': {'p1'}}
    """
    rels = _owner_rels()
    out: dict[str, set[str]] = defaultdict(set)
    for u, v, _eid, d in edges_with_keys(g):
        lab_v = label_of(g, v)
        if lab_v is None or label_of(g, u) != Label.PERSON:
            continue
        try:
            ident = Label(lab_v)
        except ValueError:
            continue
        if ident in rels and edge_type(d) in rels[ident]:
            out[v].add(u)
    return dict(out)


def hub_identifiers(
    g: nx.Graph,
    max_people: int = DEFAULT_MAX_PEOPLE,
    generic_ids: Iterable[str] = (),
) -> list[ExcludedIdentifier]:
    """Identifiers too widely shared, or known to be generic, to link people.

    Parameters
    ----------
    g : networkx graph of the domain (nodes with ``label``, edges with ``type``).
    max_people : an identifier linked to more people than this is a hub.
    generic_ids : ids known to be generic (a hotel switchboard, a shelter's hotline).

    Returns
    -------
    list of ExcludedIdentifier, each with the reason.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("t1", label=Label.PHONE, generic=True)
    >>> for p in ("p1", "p2"):
    ...     g.add_node(p, label=Label.PERSON)
    ...     _ = g.add_edge(p, "t1", type=Rel.USES)
    >>> [(h.node_id, h.reason) for h in hub_identifiers(g)]
    [('t1', 'marked generic (a known shared line or place)')]
    """
    attached = identifier_people(g)
    given = set(generic_ids)
    out: list[ExcludedIdentifier] = []
    for n, data in g.nodes(data=True):
        lab = data.get("label")
        if lab is None or lab not in SHARED_IDENTIFIERS:
            continue
        count = len(attached.get(n, ()))
        if n in given:
            reason = "listed as a known generic identifier"
        elif truthy(data.get("generic")):
            reason = "marked generic (a known shared line or place)"
        elif count > max_people:
            reason = f"linked to {count} people (more than {max_people})"
        else:
            continue
        out.append(ExcludedIdentifier(str(n), str(lab), count, reason))
    out.sort(key=lambda h: (-h.people, h.node_id))
    return out


class _Links:
    """Accumulates evidence per person pair before it becomes PersonLinks."""

    def __init__(self) -> None:
        self.undirected: dict[tuple[str, str], dict[str, Any]] = {}
        self.directed: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, a: str, b: str, directed: bool, evidence: str, via: str, weight: float = 1.0) -> None:
        if a == b:
            return
        key = (a, b) if directed or a < b else (b, a)
        table = self.directed if directed else self.undirected
        entry = table.setdefault(key, {"weight": 0.0, "evidence": {}, "via": {}})
        entry["weight"] += weight
        entry["evidence"].setdefault(evidence, None)
        entry["via"].setdefault(via, None)

    def links(self) -> list[PersonLink]:
        out = []
        for directed, table in ((False, self.undirected), (True, self.directed)):
            for (a, b), e in table.items():
                evidence = tuple(e["evidence"])
                via = tuple(e["via"])
                arrow = "->" if directed else "--"
                shown = ", ".join(evidence[:5]) + (f" and {len(evidence) - 5} more" if len(evidence) > 5 else "")
                text = f"{a} {arrow} {b} through {'/'.join(via)}: {shown} (weight {e['weight']:g})"
                out.append(PersonLink(a, b, directed, float(e["weight"]), evidence, via, text))
        out.sort(key=lambda lk: (-lk.weight, lk.source, lk.target))
        return out


def person_network(
    g: nx.Graph,
    via: Iterable[Label | Rel] = DEFAULT_VIA,
    max_people: int = DEFAULT_MAX_PEOPLE,
    generic_ids: Iterable[str] = (),
) -> Projection:
    """Project the domain graph onto people, linking them by what they share and exchange.

    Parameters
    ----------
    g : networkx graph of the domain (``Subgraph.to_networkx()``).
    via : what may link people: identifier labels (``Label.PHONE``, ``Label.DOCUMENT``,
        ``Label.ADDRESS``, ``Label.ACCOUNT``), ``Label.PAYMENT`` (payer -> beneficiary,
        accounts mapped to their owners), ``Rel.CALLED`` (phone -> phone mapped to their
        users) and person-to-person relationship types (``Rel.RECRUITED``, ...).
    max_people : hub guard; identifiers linked to more people are excluded.
    generic_ids : identifier ids known to be generic, excluded whatever their count.

    Returns
    -------
    Projection
        ``graph`` (a DiGraph over every Person), ``links`` with their evidence, and
        ``excluded`` identifiers with their reasons.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for p in ("p1", "p2", "p3"):
    ...     g.add_node(p, label=Label.PERSON)
    >>> g.add_node("t1", label=Label.PHONE); g.add_node("pay1", label=Label.PAYMENT, amount=50.0)
    >>> _ = g.add_edge("p1", "t1", type=Rel.USES); _ = g.add_edge("p2", "t1", type=Rel.USES)
    >>> _ = g.add_edge("p3", "pay1", type=Rel.SENT); _ = g.add_edge("pay1", "p1", type=Rel.PAID_TO)
    >>> proj = person_network(g)
    >>> [(lk.source, lk.target, lk.evidence) for lk in proj.links]
    [('p1', 'p2', ('t1',)), ('p3', 'p1', ('pay1',))]
    >>> proj.graph.has_edge("p2", "p1"), proj.graph.has_edge("p1", "p3")
    (True, False)
    """
    wanted = set(via)
    hubs = hub_identifiers(g, max_people, generic_ids)
    hub_ids = {h.node_id for h in hubs}
    attached = identifier_people(g)
    links = _Links()
    persons = [n for n, lab in g.nodes(data="label") if lab == Label.PERSON]
    person_set = set(persons)
    skipped_payments = 0
    skipped_calls = 0

    # shared identifiers
    for ident, owners in attached.items():
        lab = label_of(g, ident)
        if ident in hub_ids or lab is None or Label(lab) not in wanted:
            continue
        ordered = sorted(owners)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                links.add(a, b, False, str(ident), lab)

    def parties(node: Any) -> list[str]:
        if node in person_set:
            return [node]
        if label_of(g, node) == Label.ACCOUNT and node not in hub_ids:
            return sorted(attached.get(node, ()))
        return []

    tie_types = {str(r) for r in PERSON_TIES if r in wanted}
    symmetric = {str(r) for r in PERSON_TIES if REL_TYPES[r].symmetric}
    sent: dict[Any, list[Any]] = defaultdict(list)
    paid: dict[Any, list[Any]] = defaultdict(list)
    calls: list[tuple[Any, Any, str]] = []
    for u, v, eid, d in edges_with_keys(g):
        t = edge_type(d)
        if t in tie_types and u in person_set and v in person_set:
            links.add(u, v, t not in symmetric, eid, t)
        elif t == Rel.SENT:
            sent[v].append(u)
        elif t == Rel.PAID_TO:
            paid[u].append(v)
        elif t == Rel.CALLED and Rel.CALLED in wanted:
            calls.append((u, v, eid))

    if Label.PAYMENT in wanted:
        for pay, lab in g.nodes(data="label"):
            if lab != Label.PAYMENT:
                continue
            payers = [p for s in sent.get(pay, ()) for p in parties(s)]
            benes = [p for b in paid.get(pay, ()) for p in parties(b)]
            if not payers or not benes:
                skipped_payments += 1
                continue
            for a in payers:
                for b in benes:
                    links.add(a, b, True, str(pay), str(Label.PAYMENT))

    for a_phone, b_phone, _eid in calls:
        if a_phone in hub_ids or b_phone in hub_ids:
            skipped_calls += 1
            continue
        callers = attached.get(a_phone, ())
        callees = attached.get(b_phone, ())
        if not callers or not callees:
            skipped_calls += 1
            continue
        for a in callers:
            for b in callees:
                # evidence: the two phones; weight: one per call record
                links.add(a, b, True, f"{a_phone}", str(Rel.CALLED))
                links.add(a, b, True, f"{b_phone}", str(Rel.CALLED), weight=0.0)

    all_links = links.links()
    graph: nx.DiGraph = nx.DiGraph()
    for p in persons:
        graph.add_node(p, **g.nodes[p])
    for lk in all_links:
        ends = [(lk.source, lk.target)] if lk.directed else [(lk.source, lk.target), (lk.target, lk.source)]
        for a, b in ends:
            if graph.has_edge(a, b):
                data = graph.edges[a, b]
                data["weight"] += lk.weight
                data["evidence"] = list(dict.fromkeys([*data["evidence"], *lk.evidence]))
                data["via"] = list(dict.fromkeys([*data["via"], *lk.via]))
            else:
                graph.add_edge(a, b, weight=lk.weight, evidence=list(lk.evidence), via=list(lk.via))

    parts = [f"{len(persons)} people, {len(all_links)} links (through {', '.join(sorted(str(x) for x in wanted))})."]
    if hubs:
        shown = "; ".join(f"{h.node_id} ({h.label}): {h.reason}" for h in hubs[:5])
        more = f" and {len(hubs) - 5} more" if len(hubs) > 5 else ""
        parts.append(f"{len(hubs)} identifiers kept out of linking: {shown}{more}.")
    else:
        parts.append(f"No identifier was linked to more than {max_people} people or marked generic.")
    if skipped_payments:
        parts.append(f"{skipped_payments} payments had no person on one side (or only a hub account).")
    if skipped_calls:
        parts.append(f"{skipped_calls} call records were not mapped (a hub phone, or a phone with no known user).")
    return Projection(
        graph,
        tuple(all_links),
        tuple(hubs),
        " ".join(parts),
        {k: tuple(sorted(v)) for k, v in attached.items()},
    )


def as_person_graph(g: nx.Graph, max_people: int = DEFAULT_MAX_PEOPLE) -> nx.Graph:
    """``g`` itself when it is already a person graph, else its :func:`person_network`.

    A graph is a person graph when no node carries a label other than Person.

    >>> as_person_graph(nx.path_graph(3)).number_of_nodes()
    3
    """
    return person_network(g, max_people=max_people).graph if is_domain_graph(g) else g
