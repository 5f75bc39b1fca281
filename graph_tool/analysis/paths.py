"""How are people connected, and how did a victim travel? Paths, connecting networks, journeys.

Paths run over every relationship, read undirected, in the domain graph. Generic
identifiers (a hotel switchboard, a shelter's hotline, anything linked to more than
``max_people`` people, or marked ``generic``/``hub``) are not walked through by default:
a path through them says nothing about the people.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from networkx.algorithms.approximation import steiner_tree

from graph_tool.analysis._graph import (
    date_key,
    date_text,
    edge_type,
    edges_with_keys,
    label_of,
    truthy,
)
from graph_tool.analysis.projection import DEFAULT_MAX_PEOPLE, hub_identifiers
from graph_tool.model import TRAFFICKING_STAGES, Label, Rel

#: Trafficking stage implied by an event type when the event does not state its stage.
#: Keys are ``EVENT_TYPES`` values, values ``TRAFFICKING_STAGES`` values (checked in the tests).
EVENT_STAGE: dict[str, str] = {
    "recruitment": "recruitment",
    "visa_application": "transportation",
    "border_crossing": "transportation",
    "transit": "transportation",
    "exploitation": "exploitation",
    "marriage_registration": "exploitation",
}
#: Stage implied by a person-to-person relationship.
TIE_STAGE: dict[str, str] = {Rel.RECRUITED: "recruitment", Rel.TRANSPORTED: "transportation"}

MISSING_DATE = "date missing"
BACKWARDS = "goes backwards"
UNREADABLE_DATE = "date unreadable"


@dataclass(frozen=True)
class PathEdge:
    """One relationship on a path, in the direction it was walked."""

    source: Any
    target: Any
    type: str | None
    edge_id: str
    forward: bool  # walked in the relationship's own direction


@dataclass(frozen=True)
class PathResult:
    """The shortest path between two nodes (``found`` False when there is none)."""

    source: Any
    target: Any
    found: bool
    nodes: tuple[Any, ...]
    edges: tuple[PathEdge, ...]
    avoided: tuple[Any, ...]
    explanation: str

    @property
    def length(self) -> int:
        """Number of relationships on the path (-1 when there is none)."""
        return len(self.edges) if self.found else -1


@dataclass(frozen=True)
class ConnectingNetwork:
    """A small network joining several required people (Steiner-tree approximation)."""

    terminals: tuple[Any, ...]
    nodes: tuple[Any, ...]
    edges: tuple[PathEdge, ...]
    missing: tuple[Any, ...]
    groups: tuple[tuple[Any, ...], ...]
    explanation: str


@dataclass(frozen=True)
class JourneyStep:
    """One dated (or undated) step of a person's journey."""

    index: int
    date: str | None
    kind: str
    stage: str | None
    description: str
    node_id: Any
    edge_id: str | None
    counterparts: tuple[Any, ...]
    place: str | None
    flags: tuple[str, ...]

    def row(self) -> dict[str, Any]:
        """The step as one table row (CLI and UI).

        >>> JourneyStep(1, None, "crossed", "movement", "crossed at Lao Cai", "E-1", None, (), None, ()).row()["date"]
        '?'
        """
        return {
            "#": self.index,
            "date": self.date or "?",
            "stage": self.stage or "",
            "step": self.kind,
            "what": self.description,
            "place": self.place or "",
            "flags": ", ".join(self.flags),
        }


@dataclass(frozen=True)
class Journey:
    """A person's time-ordered steps, with the steps whose dates need checking."""

    person_id: Any
    steps: tuple[JourneyStep, ...]
    flagged: tuple[int, ...]
    explanation: str


# --- paths -----------------------------------------------------------------------------


def _hubs(g: nx.Graph, max_people: int) -> set[Any]:
    hubs = {h.node_id for h in hub_identifiers(g, max_people)}
    hubs |= {n for n, d in g.nodes(data=True) if truthy(d.get("hub")) or truthy(d.get("generic"))}
    return hubs


#: Labels a path may walk through: the case's entities. Findings, sources and match
#: candidates join whatever they concern, so a path through them says nothing.
WALKABLE: frozenset[str] = frozenset(
    {
        Label.PERSON,
        Label.DOCUMENT,
        Label.PHONE,
        Label.ACCOUNT,
        Label.PAYMENT,
        Label.ADDRESS,
        Label.ORGANISATION,
        Label.EVENT,
    }
)


def _undirected(g: nx.Graph, avoid: set[Any], keep: set[Any]) -> nx.Graph:
    """Simple undirected view: one edge per pair, remembering one relationship behind it."""
    u: nx.Graph = nx.Graph()
    for n, lab in g.nodes(data="label"):
        if n in keep or (n not in avoid and (lab is None or lab in WALKABLE)):
            u.add_node(n)
    for a, b, eid, d in edges_with_keys(g):
        if a == b or not (u.has_node(a) and u.has_node(b)):
            continue
        if not u.has_edge(a, b):
            u.add_edge(a, b, rel=(a, b, edge_type(d), eid), cost=1)
    return u


def _path_edges(u: nx.Graph, nodes: Sequence[Any]) -> tuple[PathEdge, ...]:
    out = []
    for a, b in itertools.pairwise(nodes):
        s, _t, typ, eid = u.edges[a, b]["rel"]
        out.append(PathEdge(a, b, typ, eid, s == a))
    return tuple(out)


def _describe(g: nx.Graph, edges: Sequence[PathEdge]) -> str:
    if not edges:
        return ""
    parts = [str(edges[0].source)]
    for e in edges:
        arrow = f"-[{e.type}]->" if e.forward else f"<-[{e.type}]-"
        parts.append(f"{arrow} {e.target}")
    return " ".join(parts)


def shortest_path(
    g: nx.Graph,
    source: Any,
    target: Any,
    avoid: Iterable[Any] = (),
    avoid_hubs: bool = True,
    max_people: int = DEFAULT_MAX_PEOPLE,
) -> PathResult:
    """Shortest path between two nodes over any relationship, read undirected.

    Parameters
    ----------
    g : the domain graph.
    source, target : node ids (usually two people).
    avoid : node ids not to walk through.
    avoid_hubs : do not walk through generic identifiers (see :mod:`projection`).
        Findings, sources and match candidates are never walked through (``WALKABLE``).
    max_people : hub threshold.

    Returns
    -------
    PathResult

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p1", label=Label.PERSON); g.add_node("p2", label=Label.PERSON)
    >>> g.add_node("t1", label=Label.PHONE)
    >>> _ = g.add_edge("p1", "t1", type=Rel.USES); _ = g.add_edge("p2", "t1", type=Rel.USES)
    >>> r = shortest_path(g, "p1", "p2")
    >>> r.nodes, r.length
    (('p1', 't1', 'p2'), 2)
    >>> print(r.explanation)
    p1 -[USES]-> t1 <-[USES]- p2 (2 steps).
    """
    for n in (source, target):
        if n not in g:
            return PathResult(source, target, False, (), (), (), f"{n} is not in the graph.")
    avoided = set(avoid) | (_hubs(g, max_people) if avoid_hubs else set())
    u = _undirected(g, avoided, {source, target})
    skipped = tuple(sorted((x for x in avoided if x in g and x not in (source, target)), key=str))
    try:
        nodes = nx.shortest_path(u, source, target)
    except nx.NetworkXNoPath:
        extra = f" (not walking through {len(skipped)} generic or avoided nodes)" if skipped else ""
        return PathResult(source, target, False, (), (), skipped, f"No path joins {source} and {target}{extra}.")
    edges = _path_edges(u, nodes)
    text = f"{_describe(g, edges)} ({len(edges)} steps)." if edges else f"{source} is {target}."
    return PathResult(source, target, True, tuple(nodes), edges, skipped, text)


def connecting_network(
    g: nx.Graph,
    people: Iterable[Any],
    avoid_hubs: bool = True,
    max_people: int = DEFAULT_MAX_PEOPLE,
) -> ConnectingNetwork:
    """The small network that connects several required people (Steiner tree, Mehlhorn).

    The approximation is within a factor ``2 - 2/l`` of the fewest relationships. People
    in different connected parts cannot be joined: each part is connected separately and
    ``groups`` lists which required people ended up together.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for p in ("a", "b", "c", "d", "e"):
    ...     g.add_node(p, label=Label.PERSON)
    >>> for s, t in [("a", "b"), ("b", "c"), ("c", "d"), ("b", "e")]:
    ...     _ = g.add_edge(s, t, type=Rel.ASSOCIATE_OF)
    >>> net = connecting_network(g, ["a", "d", "e"])
    >>> sorted(net.nodes), len(net.edges), net.groups
    (['a', 'b', 'c', 'd', 'e'], 4, (('a', 'd', 'e'),))
    """
    wanted = list(dict.fromkeys(people))
    missing = tuple(p for p in wanted if p not in g)
    terminals = [p for p in wanted if p in g]
    avoided = _hubs(g, max_people) if avoid_hubs else set()
    u = _undirected(g, avoided, set(terminals))
    nodes: set[Any] = set()
    edges: list[PathEdge] = []
    groups = []
    for comp in nx.connected_components(u):
        inside = [t for t in terminals if t in comp]
        if not inside:
            continue
        groups.append(tuple(sorted(inside, key=str)))
        nodes.update(inside)
        if len(inside) < 2:
            continue
        tree = steiner_tree(u.subgraph(comp), inside, weight="cost", method="mehlhorn")
        nodes.update(tree.nodes)
        for a, b in tree.edges:
            s, t, typ, eid = u.edges[a, b]["rel"]
            edges.append(PathEdge(s, t, typ, eid, True))
    groups.sort(key=lambda grp: (-len(grp), str(grp)))
    extra = len(nodes) - len(terminals)
    text = (
        f"{len(terminals)} required people joined through {extra} other nodes and {len(edges)} "
        f"relationships (Steiner tree approximation)."
    )
    if len(groups) > 1:
        text += " They fall into separate parts: " + " | ".join(", ".join(map(str, grp)) for grp in groups) + "."
    if missing:
        text += f" Not in the graph: {', '.join(map(str, missing))}."
    return ConnectingNetwork(
        tuple(terminals), tuple(sorted(nodes, key=str)), tuple(edges), missing, tuple(groups), text
    )


# --- journeys --------------------------------------------------------------------------


def victim_journey(g: nx.Graph, person_id: Any) -> Journey:
    """A person's journey as time-ordered steps, flagging missing and backward dates.

    Steps come from the events the person took part in (``PARTICIPATED_IN``: event type,
    date, place), the documents they hold (``HOLDS``: issue date, sponsor, issuer), the
    payments they or their accounts sent or received (``SENT``/``PAID_TO``) and the
    recruitment, transport and introduction ties to them (``RECRUITED``,
    ``TRANSPORTED``, ``INTRODUCED``: by whom, when).

    Steps are sorted by date. A step without a readable date is flagged and placed after
    the last dated step of the same or an earlier trafficking stage (at the end when it
    has no stage). A step *goes backwards* when it belongs to an earlier stage of the
    process (recruitment, transportation, exploitation, disposal, proceeds) than a step
    dated before it: a recruitment dated after the exploitation began.

    Parameters
    ----------
    g : the domain graph.
    person_id : the person whose journey to build.

    Returns
    -------
    Journey

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("v", label=Label.PERSON); g.add_node("r", label=Label.PERSON)
    >>> g.add_node("e1", label=Label.EVENT, event_type="border_crossing", date="2023-03-02",
    ...            place="Lao Cai")
    >>> g.add_node("e2", label=Label.EVENT, event_type="exploitation", date="2023-02-01")
    >>> _ = g.add_edge("r", "v", type=Rel.RECRUITED, date="2023-01-10")
    >>> _ = g.add_edge("v", "e1", type=Rel.PARTICIPATED_IN)
    >>> _ = g.add_edge("v", "e2", type=Rel.PARTICIPATED_IN)
    >>> j = victim_journey(g, "v")
    >>> for s in j.steps:
    ...     print(s.date, s.stage, s.description, s.flags)
    2023-01-10 recruitment recruited by r ()
    2023-02-01 exploitation exploitation ()
    2023-03-02 transportation border_crossing at Lao Cai ('goes backwards',)
    """
    if person_id not in g:
        return Journey(person_id, (), (), f"{person_id} is not in the graph.")
    raw: list[_RawStep] = []
    accounts = {person_id}
    incoming: dict[Any, list[tuple[Any, str, dict[str, Any]]]] = {}
    outgoing: dict[Any, list[tuple[Any, str, dict[str, Any]]]] = {}
    for a, b, eid, d in edges_with_keys(g):
        outgoing.setdefault(a, []).append((b, eid, d))
        incoming.setdefault(b, []).append((a, eid, d))
    for b, _eid, d in outgoing.get(person_id, []):
        if edge_type(d) == Rel.OWNS:
            accounts.add(b)

    def others(node: Any, rel: str, exclude: Any) -> tuple[Any, ...]:
        found = [a for a, _e, d in incoming.get(node, []) if edge_type(d) == rel and a != exclude]
        return tuple(sorted(set(found), key=str))

    for node, eid, d in outgoing.get(person_id, []):
        t = edge_type(d)
        nd = g.nodes[node]
        if t == Rel.PARTICIPATED_IN:
            etype = nd.get("event_type")
            place = ", ".join(str(x) for x in (nd.get("place"), nd.get("country")) if x) or None
            role = f" as {d['role']}" if d.get("role") else ""
            raw.append(
                _RawStep(
                    nd.get("date"),
                    str(Label.EVENT),
                    nd.get("stage") or EVENT_STAGE.get(str(etype)),
                    f"{etype or 'event'}{role}" + (f" at {place}" if place else ""),
                    node,
                    eid,
                    others(node, Rel.PARTICIPATED_IN, person_id),
                    place,
                )
            )
        elif t == Rel.HOLDS:
            sponsors = others(node, Rel.SPONSORED, person_id)
            issuers = others(node, Rel.ISSUED, person_id)
            country = nd.get("issuing_country")
            text = f"{nd.get('doc_type') or 'document'} {node} issued" + (f" in {country}" if country else "")
            if sponsors:
                text += f", sponsored by {', '.join(map(str, sponsors))}"
            if issuers:
                text += f", issued by {', '.join(map(str, issuers))}"
            raw.append(
                _RawStep(nd.get("issue_date"), str(Label.DOCUMENT), None, text, node, eid, sponsors + issuers, country)
            )
        elif t in JOURNEY_TIES:
            text = f"{person_id} {str(t).lower()} {node}"
            raw.append(_RawStep(d.get("date") or d.get("start_date"), str(t), None, text, node, eid, (node,)))
    for acct in accounts:
        for pay, _eid, d in outgoing.get(acct, []):
            if edge_type(d) == Rel.SENT and label_of(g, pay) == Label.PAYMENT:
                to = [b for b, _e, dd in outgoing.get(pay, []) if edge_type(dd) == Rel.PAID_TO]
                raw.append(_payment_step(g, pay, acct, person_id, to, sent=True))
        for pay, _eid, d in incoming.get(acct, []):
            if edge_type(d) == Rel.PAID_TO and label_of(g, pay) == Label.PAYMENT:
                frm = [a for a, _e, dd in incoming.get(pay, []) if edge_type(dd) == Rel.SENT]
                raw.append(_payment_step(g, pay, acct, person_id, frm, sent=False))
    for other, eid, d in incoming.get(person_id, []):
        t = edge_type(d)
        if t in JOURNEY_TIES:
            to_whom = f" to {d['to_id']}" if d.get("to_id") else ""
            route = f" ({d['route']})" if d.get("route") else ""
            raw.append(
                _RawStep(
                    d.get("date") or d.get("start_date"),
                    str(t),
                    TIE_STAGE.get(str(t)),
                    f"{str(t).lower()} by {other}{to_whom}{route}",
                    other,
                    eid,
                    (other,),
                )
            )
    return _order_journey(person_id, raw)


JOURNEY_TIES = (Rel.RECRUITED, Rel.TRANSPORTED, Rel.INTRODUCED)


@dataclass
class _RawStep:
    date: Any
    kind: str
    stage: str | None
    description: str
    node: Any
    edge: str | None
    counterparts: tuple[Any, ...] = ()
    place: str | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def stage_index(self) -> int | None:
        return TRAFFICKING_STAGES.index(self.stage) if self.stage in TRAFFICKING_STAGES else None


def _payment_step(g: nx.Graph, pay: Any, acct: Any, person: Any, others: list[Any], sent: bool) -> _RawStep:
    nd = g.nodes[pay]
    amount = nd.get("amount")
    money = f"{amount} {nd.get('currency') or ''}".strip() if amount is not None else "an unknown amount"
    via = ""
    if acct != person:
        via = f" from account {acct}" if sent else f" into account {acct}"
    who = ", ".join(map(str, others)) or "unknown"
    purpose = f" ({nd['purpose']})" if nd.get("purpose") else ""
    text = f"paid {money} to {who}{via}{purpose}" if sent else f"received {money} from {who}{via}{purpose}"
    return _RawStep(nd.get("date"), str(Label.PAYMENT), None, text, pay, None, tuple(others))


def _order_journey(person_id: Any, raw: list[_RawStep]) -> Journey:
    dated: list[tuple[tuple[int, int, int], _RawStep]] = []
    undated: list[_RawStep] = []
    for step in raw:
        key = date_key(step.date)
        if key is None:
            step.flags.append(MISSING_DATE if step.date in (None, "") else UNREADABLE_DATE)
            undated.append(step)
        else:
            dated.append((key, step))
    dated.sort(key=lambda x: (x[0], x[1].stage_index or 0, str(x[1].node)))
    ordered: list[tuple[tuple[int, int, int] | None, _RawStep]] = [(k, st) for k, st in dated]
    for step in sorted(undated, key=lambda st: (99 if st.stage_index is None else st.stage_index, str(st.node))):
        si = step.stage_index
        pos = len(ordered)
        if si is not None:
            pos = 0
            for i, (_k, other) in enumerate(ordered):
                sj = other.stage_index
                if sj is not None and sj <= si:
                    pos = i + 1
        ordered.insert(pos, (None, step))
    furthest: int | None = None  # the latest stage reached by a dated step so far
    for key, step in ordered:
        si = step.stage_index
        if key is None or si is None:
            continue
        if furthest is not None and si < furthest:
            step.flags.append(BACKWARDS)
        else:
            furthest = si
    steps = tuple(
        JourneyStep(
            i,
            date_text(key),
            st.kind,
            st.stage,
            st.description,
            st.node,
            st.edge,
            tuple(st.counterparts),
            st.place,
            tuple(st.flags),
        )
        for i, (key, st) in enumerate(ordered)
    )
    flagged = tuple(s.index for s in steps if s.flags)
    missing = sum(1 for s in steps if MISSING_DATE in s.flags or UNREADABLE_DATE in s.flags)
    back = sum(1 for s in steps if BACKWARDS in s.flags)
    text = f"{len(steps)} steps for {person_id}"
    dates = [s.date for s in steps if s.date]
    if dates:
        text += f", from {dates[0]} to {dates[-1]}"
    stages = [s.stage for s in steps if s.stage]
    if stages:
        text += f"; stages seen: {', '.join(dict.fromkeys(stages))}"
    text += f". {missing} without a usable date, {back} going backwards against the stages of the process."
    return Journey(person_id, steps, flagged, text)
