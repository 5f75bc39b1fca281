"""Turn analysis results into the model's analysis properties, ready for the store.

Every function returns ``{Label: {node_id: {property: value}}}``; the store writes each
label's part with ``store.set_properties(label, values)``. Property names are checked
against the model (``graph_tool.model.ANALYSIS``) and values coerced to their declared
types; undefined values (NaN) are left out rather than written.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

from graph_tool.analysis.brokers import BrokerRanking, Centrality, StructuralHoles
from graph_tool.analysis.projection import ExcludedIdentifier, Projection
from graph_tool.analysis.rings import Communities, KCores, Rings
from graph_tool.model import ANALYSIS, Label, PropType

Properties = dict[Label, dict[str, dict[str, Any]]]

_TYPES: dict[str, PropType] = {p.name: p.type for p in ANALYSIS}


def _value(name: str, value: Any) -> Any:
    if name not in _TYPES:
        raise KeyError(f"{name!r} is not an analysis property of the model ({', '.join(sorted(_TYPES))})")
    if value is None:
        return None
    kind = _TYPES[name]
    if kind is PropType.FLOAT:
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if kind is PropType.INT:
        return int(value)
    if kind is PropType.BOOL:
        return bool(value)
    return str(value)


def _put(out: Properties, label: Label, node: Hashable, name: str, value: Any) -> None:
    v = _value(name, value)
    if v is None:
        return
    out.setdefault(label, {}).setdefault(str(node), {})[name] = v


def _label_lookup(labels: nx.Graph | Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    if labels is None:
        return {}
    if isinstance(labels, nx.Graph):
        return {n: lab for n, lab in labels.nodes(data="label") if lab is not None}
    return labels


def _label(lookup: Mapping[Any, Any], node: Hashable, default: Label) -> Label:
    lab = lookup.get(node)
    return Label(lab) if lab is not None else default


def centrality_properties(
    c: Centrality, labels: nx.Graph | Mapping[Any, Any] | None = None, default: Label = Label.PERSON
) -> Properties:
    """One centrality measure as properties (``betweenness``, ``degree``, ``closeness``, ...).

    Examples
    --------
    >>> from graph_tool.analysis.brokers import betweenness
    >>> centrality_properties(betweenness(nx.path_graph(["a", "b", "c"])))[Label.PERSON]["b"]
    {'betweenness': 1.0}
    """
    out: Properties = {}
    lookup = _label_lookup(labels)
    for node, value in c.values.items():
        _put(out, _label(lookup, node, default), node, c.measure, value)
    return out


def holes_properties(h: StructuralHoles, labels: nx.Graph | Mapping[Any, Any] | None = None) -> Properties:
    """Constraint and effective size as properties (NaN for people without ties is left out).

    >>> from graph_tool.analysis.brokers import structural_holes
    >>> holes_properties(structural_holes(nx.star_graph(2)))[Label.PERSON]["0"]
    {'constraint': 0.5, 'effective_size': 2.0}
    """
    out: Properties = {}
    lookup = _label_lookup(labels)
    for node, value in h.constraint.items():
        _put(out, _label(lookup, node, Label.PERSON), node, "constraint", value)
    for node, value in h.effective_size.items():
        _put(out, _label(lookup, node, Label.PERSON), node, "effective_size", value)
    return out


def broker_properties(r: BrokerRanking) -> Properties:
    """A broker ranking as Person properties: score, rank and the measures behind them.

    Examples
    --------
    >>> from graph_tool.analysis.brokers import broker_ranking
    >>> props = broker_properties(broker_ranking(nx.path_graph(["a", "b", "c"])))
    >>> props[Label.PERSON]["b"]["broker_rank"], sorted(props[Label.PERSON]["b"])[:3]
    (1, ['betweenness', 'broker_rank', 'broker_score'])
    """
    out: Properties = {}
    for e in r.entries:
        _put(out, Label.PERSON, e.person_id, "broker_score", e.score)
        _put(out, Label.PERSON, e.person_id, "broker_rank", e.rank)
        for name in ("betweenness", "degree", "closeness", "eigenvector", "constraint", "effective_size"):
            _put(out, Label.PERSON, e.person_id, name, e.measures.get(name))
    return out


def ring_properties(rings: Rings) -> Properties:
    """Rings as Person properties: ``ring_id``, ``ring_score``, ``community``, ``kcore``.

    Examples
    --------
    >>> from graph_tool.analysis.rings import find_rings
    >>> props = ring_properties(find_rings(nx.barbell_graph(4, 0)))[Label.PERSON]
    >>> sorted(props["0"]), props["0"]["ring_score"]
    (['community', 'kcore', 'ring_id', 'ring_score'], 0.0)
    """
    out: Properties = {}
    for ring in rings.rings:
        for m in ring.members:
            _put(out, Label.PERSON, m, "ring_id", ring.ring_id)
            _put(out, Label.PERSON, m, "ring_score", ring.score)
    for node, c in rings.community.items():
        _put(out, Label.PERSON, node, "community", c)
    for node, k in rings.kcore.items():
        _put(out, Label.PERSON, node, "kcore", k)
    return out


def community_properties(c: Communities) -> Properties:
    """Community numbers as Person properties.

    >>> from graph_tool.analysis.rings import communities
    >>> community_properties(communities(nx.complete_graph(3)))[Label.PERSON]["0"]
    {'community': 0}
    """
    out: Properties = {}
    for node, k in c.community.items():
        _put(out, Label.PERSON, node, "community", k)
    return out


def kcore_properties(k: KCores) -> Properties:
    """Core numbers as Person properties.

    >>> from graph_tool.analysis.rings import k_cores
    >>> kcore_properties(k_cores(nx.complete_graph(3)))[Label.PERSON]["0"]
    {'kcore': 2}
    """
    out: Properties = {}
    for node, c in k.core.items():
        _put(out, Label.PERSON, node, "kcore", c)
    return out


def hub_properties(hubs: Projection | Iterable[ExcludedIdentifier]) -> Properties:
    """Identifiers kept out of linking as ``hub = True`` on their own label.

    Examples
    --------
    >>> hub_properties([ExcludedIdentifier("t1", "Phone", 40, "linked to 40 people")])
    {<Label.PHONE: 'Phone'>: {'t1': {'hub': True}}}
    """
    items = hubs.excluded if isinstance(hubs, Projection) else hubs
    out: Properties = {}
    for h in items:
        _put(out, Label(h.label), h.node_id, "hub", True)
    return out


def merge_properties(*parts: Properties) -> Properties:
    """Merge several property sets; later values win for the same node and property.

    >>> a = {Label.PERSON: {"p1": {"kcore": 2}}}
    >>> b = {Label.PERSON: {"p1": {"community": 0}}}
    >>> merge_properties(a, b)
    {<Label.PERSON: 'Person'>: {'p1': {'kcore': 2, 'community': 0}}}
    """
    out: Properties = {}
    for part in parts:
        for label, nodes in part.items():
            target = out.setdefault(label, {})
            for node, props in nodes.items():
                target.setdefault(node, {}).update(props)
    return out


def analysis_properties(*results: Any, labels: nx.Graph | Mapping[Any, Any] | None = None) -> Properties:
    """Properties for any mix of results (rankings, rings, communities, k-cores, projections,
    centralities, structural holes), merged in the order given.

    Examples
    --------
    >>> from graph_tool.analysis.brokers import broker_ranking
    >>> from graph_tool.analysis.rings import find_rings
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> props = analysis_properties(broker_ranking(g), find_rings(g, method="components"))
    >>> props[Label.PERSON]["b"]["broker_rank"], props[Label.PERSON]["b"]["kcore"]
    (1, 1)
    """
    parts: list[Properties] = []
    for r in results:
        if isinstance(r, BrokerRanking):
            parts.append(broker_properties(r))
        elif isinstance(r, Rings):
            parts.append(ring_properties(r))
        elif isinstance(r, Communities):
            parts.append(community_properties(r))
        elif isinstance(r, KCores):
            parts.append(kcore_properties(r))
        elif isinstance(r, Projection):
            parts.append(hub_properties(r))
        elif isinstance(r, Centrality):
            parts.append(centrality_properties(r, labels))
        elif isinstance(r, StructuralHoles):
            parts.append(holes_properties(r, labels))
        else:
            raise TypeError(f"no analysis properties for {type(r).__name__}")
    return merge_properties(*parts)
