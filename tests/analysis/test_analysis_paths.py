"""Paths between people, connecting networks and victims' journeys."""

from __future__ import annotations

import networkx as nx
import pytest

from graph_tool.analysis import paths as P
from graph_tool.model import EVENT_TYPES, TRAFFICKING_STAGES, Label, Rel


def _network() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for p in ("a", "b", "c", "d", "far"):
        g.add_node(p, label=Label.PERSON)
    g.add_node("tel", label=Label.PHONE)
    g.add_node("hotline", label=Label.PHONE, generic=True)
    g.add_node("acc", label=Label.ACCOUNT)
    g.add_node("f", label=Label.FINDING)
    g.add_edge("a", "tel", key="e1", type=Rel.USES)
    g.add_edge("b", "tel", key="e2", type=Rel.USES)
    g.add_edge("b", "acc", key="e3", type=Rel.OWNS)
    g.add_edge("c", "acc", key="e4", type=Rel.OWNS)
    g.add_edge("c", "d", key="e5", type=Rel.RECRUITED)
    g.add_edge("a", "hotline", key="e6", type=Rel.USES)
    g.add_edge("d", "hotline", key="e7", type=Rel.USES)
    g.add_edge("f", "a", key="e8", type=Rel.EVIDENCE)
    g.add_edge("f", "d", key="e9", type=Rel.EVIDENCE)
    return g


def test_shortest_path_walks_any_relationship_both_ways() -> None:
    r = P.shortest_path(_network(), "a", "d")
    assert r.found and r.nodes == ("a", "tel", "b", "acc", "c", "d")
    assert [e.type for e in r.edges] == [Rel.USES, Rel.USES, Rel.OWNS, Rel.OWNS, Rel.RECRUITED]
    assert [e.forward for e in r.edges] == [True, False, True, False, True]
    assert r.edges[0].edge_id == "e1"
    assert r.length == 5
    assert r.explanation.startswith("a -[USES]-> tel <-[USES]- b")
    assert "hotline" in r.avoided


def test_shortest_path_through_a_generic_phone_only_when_asked() -> None:
    r = P.shortest_path(_network(), "a", "d", avoid_hubs=False)
    assert r.nodes == ("a", "hotline", "d")
    assert P.shortest_path(_network(), "a", "d", avoid=["acc"]).found is False


def test_findings_never_join_people() -> None:
    g = _network()
    g.remove_node("tel")
    r = P.shortest_path(g, "a", "d")
    assert not r.found and r.length == -1
    assert "No path joins a and d" in r.explanation


def test_missing_people_are_reported() -> None:
    r = P.shortest_path(_network(), "a", "nobody")
    assert not r.found and "nobody is not in the graph" in r.explanation


def test_connecting_network_joins_required_people_and_reports_separate_parts() -> None:
    net = P.connecting_network(_network(), ["a", "c", "far", "ghost"])
    assert set(net.nodes) == {"a", "tel", "b", "acc", "c", "far"}
    assert len(net.edges) == 4
    assert net.groups == (("a", "c"), ("far",))
    assert net.missing == ("ghost",)
    assert "separate parts" in net.explanation and "Not in the graph: ghost" in net.explanation


def test_connecting_network_is_small() -> None:
    g = nx.MultiDiGraph()
    # a long way round (6 hops) and a short way through hub h
    for i in range(7):
        g.add_node(f"r{i}", label=Label.PERSON)
    for i in range(6):
        g.add_edge(f"r{i}", f"r{i + 1}", type=Rel.ASSOCIATE_OF)
    g.add_node("h", label=Label.PERSON)
    for t in ("r0", "r6", "r3"):
        g.add_edge("h", t, type=Rel.ASSOCIATE_OF)
    net = P.connecting_network(g, ["r0", "r3", "r6"])
    assert set(net.nodes) == {"r0", "r3", "r6", "h"} and len(net.edges) == 3


def _victim() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for p in ("v", "rec", "drv", "agent", "husband"):
        g.add_node(p, label=Label.PERSON)
    g.add_node("org", label=Label.ORGANISATION)
    g.add_edge("rec", "v", key="r1", type=Rel.RECRUITED, date="2022-05-03")
    g.add_edge("drv", "v", key="t1", type=Rel.TRANSPORTED, date="2022-06-10", route="Lao Cai - Hekou")
    g.add_edge("agent", "v", key="i1", type=Rel.INTRODUCED, date="2022-07-01", to_id="husband")
    g.add_node("cross", label=Label.EVENT, event_type="border_crossing", date="2022-06-11", place="Hekou", country="CN")
    g.add_node("wed", label=Label.EVENT, event_type="marriage_registration", date="2022-07-20")
    g.add_node("rescue", label=Label.EVENT, event_type="rescue")
    g.add_edge("v", "cross", key="p1", type=Rel.PARTICIPATED_IN, role="traveller")
    g.add_edge("drv", "cross", key="p2", type=Rel.PARTICIPATED_IN)
    g.add_edge("v", "wed", key="p3", type=Rel.PARTICIPATED_IN)
    g.add_edge("v", "rescue", key="p4", type=Rel.PARTICIPATED_IN)
    g.add_node("visa", label=Label.DOCUMENT, doc_type="visa", issue_date="2022-06-01", issuing_country="CN")
    g.add_edge("v", "visa", key="h1", type=Rel.HOLDS)
    g.add_edge("org", "visa", key="s1", type=Rel.SPONSORED)
    g.add_node("acc", label=Label.ACCOUNT)
    g.add_edge("v", "acc", key="o1", type=Rel.OWNS)
    g.add_node("debt", label=Label.PAYMENT, amount=800, currency="USD", date="2022-08-01", purpose="debt")
    g.add_edge("acc", "debt", key="x1", type=Rel.SENT)
    g.add_edge("debt", "agent", key="x2", type=Rel.PAID_TO)
    return g


def test_journey_is_time_ordered_with_counterparts() -> None:
    j = P.victim_journey(_victim(), "v")
    assert [s.date for s in j.steps] == [
        "2022-05-03",
        "2022-06-01",
        "2022-06-10",
        "2022-06-11",
        "2022-07-01",
        "2022-07-20",
        "2022-08-01",
        None,
    ]
    by_node = {s.node_id: s for s in j.steps}
    assert by_node["rec"].stage == "recruitment" and by_node["rec"].description == "recruited by rec"
    assert by_node["drv"].description == "transported by drv (Lao Cai - Hekou)"
    assert by_node["agent"].description == "introduced by agent to husband"
    assert by_node["cross"].counterparts == ("drv",) and by_node["cross"].place == "Hekou, CN"
    assert by_node["cross"].stage == "transportation"
    assert by_node["visa"].counterparts == ("org",) and "sponsored by org" in by_node["visa"].description
    assert by_node["debt"].description == "paid 800 USD to agent from account acc (debt)"
    assert by_node["rescue"].flags == (P.MISSING_DATE,)
    assert j.flagged == (7,)
    assert [s.index for s in j.steps] == list(range(8))
    assert "8 steps for v, from 2022-05-03 to 2022-08-01" in j.explanation


def test_journey_flags_steps_going_backwards_and_places_undated_steps_by_stage() -> None:
    g = _victim()
    g.nodes["wed"]["date"] = "2022-04-01"  # exploitation before recruitment
    g.remove_edge("drv", "v", key="t1")
    g.add_edge("drv", "v", key="t1", type=Rel.TRANSPORTED)  # undated transport
    j = P.victim_journey(g, "v")
    by_node = {s.node_id: s for s in j.steps}
    assert P.BACKWARDS in by_node["rec"].flags  # recruitment dated after exploitation began
    assert P.BACKWARDS in by_node["cross"].flags
    assert by_node["drv"].flags == (P.MISSING_DATE,)
    order = [s.node_id for s in j.steps]
    assert order.index("drv") == order.index("cross") + 1  # after the last transportation step
    assert "going backwards" in j.explanation


def test_journey_reads_partial_and_unreadable_dates() -> None:
    g = _victim()
    g.nodes["wed"]["date"] = "2022-07"
    g.nodes["visa"]["issue_date"] = "sometime"
    j = P.victim_journey(g, "v")
    by_node = {s.node_id: s for s in j.steps}
    assert by_node["wed"].date == "2022-07" and by_node["wed"].flags == ()
    assert by_node["visa"].flags == (P.UNREADABLE_DATE,)


def test_journey_of_unknown_person() -> None:
    j = P.victim_journey(_victim(), "nobody")
    assert j.steps == () and "not in the graph" in j.explanation


def test_stage_vocabulary_comes_from_the_model() -> None:
    assert set(P.EVENT_STAGE) <= set(EVENT_TYPES)
    assert set(P.EVENT_STAGE.values()) | set(P.TIE_STAGE.values()) <= set(TRAFFICKING_STAGES)


@pytest.mark.dataset("hijackers_911")
def test_911_path_and_connecting_network(hijackers_graph: nx.MultiDiGraph) -> None:
    pilots = ["Mohamed Atta", "Marwan Al-Shehhi", "Hani Hanjour", "Ziad Jarrah"]
    r = P.shortest_path(hijackers_graph, "Hani Hanjour", "Ziad Jarrah")
    assert r.found
    expected = nx.shortest_path_length(hijackers_graph.to_undirected(), "Hani Hanjour", "Ziad Jarrah")
    assert r.length == expected
    net = P.connecting_network(hijackers_graph, pilots)
    assert set(pilots) <= set(net.nodes) and net.groups == (tuple(sorted(pilots)),)
    assert len(net.edges) == len(net.nodes) - 1  # a tree
