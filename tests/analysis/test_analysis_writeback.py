"""Write-back: results become the model's analysis properties, per label."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graph_tool.analysis import writeback as W
from graph_tool.analysis.brokers import betweenness, broker_ranking, structural_holes
from graph_tool.analysis.projection import person_network
from graph_tool.analysis.rings import communities, find_rings, k_cores
from graph_tool.model import ANALYSIS, NODE_TYPES, Label, PropType, Rel


def _case() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i in range(14):
        g.add_node(f"p{i}", label=Label.PERSON, nationality="VN" if i % 2 else "CN")
    g.add_node("switch", label=Label.PHONE)
    for i in range(12):
        g.add_edge(f"p{i}", "switch", type=Rel.USES)
    for i in range(5):
        g.add_edge(f"p{i}", f"p{i + 1}", type=Rel.ASSOCIATE_OF)
    g.add_edge("p12", "p13", type=Rel.FAMILY_OF)
    g.add_node("lonely", label=Label.PERSON)  # no ties: constraint and effective size undefined
    return g


def _check_against_model(props: W.Properties) -> None:
    types = {p.name: p.type for p in ANALYSIS}
    for label, nodes in props.items():
        declared = {p.name for p in NODE_TYPES[label].all_properties}
        for values in nodes.values():
            for name, value in values.items():
                assert name in declared and name in types, name
                expected = {PropType.FLOAT: float, PropType.INT: int, PropType.BOOL: bool, PropType.STRING: str}
                assert isinstance(value, expected[types[name]]), (name, value)
                if isinstance(value, float):
                    assert not math.isnan(value)


def test_everything_written_is_a_declared_analysis_property() -> None:
    g = _case()
    proj = person_network(g)
    props = W.analysis_properties(
        broker_ranking(g),
        find_rings(g, method="louvain", min_size=2),
        k_cores(g),
        communities(g),
        proj,
        betweenness(g),
        structural_holes(g),
    )
    _check_against_model(props)
    assert set(props) == {Label.PERSON, Label.PHONE}
    assert props[Label.PHONE] == {"switch": {"hub": True}}
    p0 = props[Label.PERSON]["p1"]
    for name in ("broker_score", "broker_rank", "betweenness", "degree", "closeness", "eigenvector", "kcore"):
        assert name in p0
    assert "ring_id" in p0 and "ring_score" in p0 and "community" in p0
    assert "constraint" not in props[Label.PERSON]["lonely"]  # NaN is not written
    ranks = sorted(v["broker_rank"] for v in props[Label.PERSON].values())
    assert ranks == list(range(1, 16))


def test_broker_properties_follow_the_ranking() -> None:
    r = broker_ranking(nx.path_graph(["a", "b", "c", "d"]))
    props = W.broker_properties(r)[Label.PERSON]
    assert props["b"]["broker_rank"] == 1  # b and c tie; ties go by betweenness, then id
    for e in r.entries:
        assert props[str(e.person_id)]["broker_score"] == e.score
        assert props[str(e.person_id)]["betweenness"] == e.measures["betweenness"]


def test_centrality_uses_graph_labels_when_given() -> None:
    g = nx.Graph([("p", "t")])
    g.nodes["p"]["label"] = Label.PERSON
    g.nodes["t"]["label"] = Label.PHONE
    props = W.centrality_properties(betweenness(nx.Graph([("p", "t")])), labels=g)
    assert set(props) == {Label.PERSON, Label.PHONE}


def test_unknown_properties_and_results_are_refused() -> None:
    with pytest.raises(KeyError, match="not an analysis property"):
        W._put({}, Label.PERSON, "p", "charm", 1.0)
    with pytest.raises(TypeError, match="no analysis properties"):
        W.analysis_properties(object())


def test_merge_keeps_later_values() -> None:
    a: W.Properties = {Label.PERSON: {"p": {"kcore": 1, "community": 3}}}
    b: W.Properties = {Label.PERSON: {"p": {"kcore": 2}}, Label.PHONE: {"t": {"hub": True}}}
    assert W.merge_properties(a, b) == {
        Label.PERSON: {"p": {"kcore": 2, "community": 3}},
        Label.PHONE: {"t": {"hub": True}},
    }
