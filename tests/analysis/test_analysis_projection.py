"""Person networks from shared identifiers, payments, calls and ties, with the hub guard."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest

from graph_tool.analysis.projection import (
    PersonLink,
    Projection,
    hub_identifiers,
    identifier_people,
    person_network,
)
from graph_tool.model import Label, Rel


def _case() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for p in ("p1", "p2", "p3", "p4", "p5"):
        g.add_node(p, label=Label.PERSON)
    g.add_node("tel1", label=Label.PHONE)
    g.add_node("tel2", label=Label.PHONE)
    g.add_node("doc1", label=Label.DOCUMENT)
    g.add_node("addr1", label=Label.ADDRESS)
    g.add_node("acc1", label=Label.ACCOUNT)
    g.add_node("acc2", label=Label.ACCOUNT)
    g.add_node("pay1", label=Label.PAYMENT, amount=300.0)
    g.add_edge("p1", "tel1", key="u1", type=Rel.USES)
    g.add_edge("p2", "tel1", key="u2", type=Rel.USES)  # p1 -- p2 through a phone
    g.add_edge("p2", "doc1", key="h1", type=Rel.HOLDS)
    g.add_edge("p3", "doc1", key="h2", type=Rel.HOLDS)  # one passport, two holders
    g.add_edge("p1", "addr1", key="l1", type=Rel.LIVES_AT)
    g.add_edge("p2", "addr1", key="l2", type=Rel.LIVES_AT)  # p1 -- p2 again, through an address
    g.add_edge("p4", "acc1", key="o1", type=Rel.OWNS)
    g.add_edge("p5", "acc2", key="o2", type=Rel.OWNS)
    g.add_edge("acc1", "pay1", key="s1", type=Rel.SENT)
    g.add_edge("pay1", "acc2", key="t1", type=Rel.PAID_TO)  # p4 -> p5 through their accounts
    g.add_edge("p3", "tel2", key="u3", type=Rel.USES)
    for k in range(3):
        g.add_edge("tel2", "tel1", key=f"call{k}", type=Rel.CALLED)  # p3 calls p1 and p2 three times
    g.add_edge("p5", "p3", key="rec1", type=Rel.RECRUITED)
    g.add_edge("p4", "p5", key="fam1", type=Rel.FAMILY_OF)
    return g


def _link(proj: Projection, a: str, b: str, directed: bool) -> PersonLink:
    for lk in proj.links:
        if lk.directed == directed and {lk.source, lk.target} == {a, b} and (not directed or lk.source == a):
            return lk
    raise AssertionError(f"no link {a} {b}")


def test_links_carry_their_evidence_and_weight() -> None:
    proj = person_network(_case())
    shared = _link(proj, "p1", "p2", directed=False)
    assert set(shared.evidence) == {"tel1", "addr1"}
    assert shared.weight == 2
    assert set(shared.via) == {Label.PHONE, Label.ADDRESS}
    passport = _link(proj, "p2", "p3", directed=False)
    assert passport.evidence == ("doc1",)
    pay = _link(proj, "p4", "p5", directed=True)
    assert pay.evidence == ("pay1",) and pay.via == (Label.PAYMENT,)
    calls = _link(proj, "p3", "p1", directed=True)
    assert calls.weight == 3 and set(calls.evidence) == {"tel2", "tel1"}
    rec = _link(proj, "p5", "p3", directed=True)
    assert rec.evidence == ("rec1",)
    fam = _link(proj, "p4", "p5", directed=False)
    assert fam.evidence == ("fam1",)
    assert "p1 -- p2" in shared.explanation


def test_graph_has_every_person_and_arcs_for_both_kinds_of_link() -> None:
    proj = person_network(_case())
    g = proj.graph
    assert set(g.nodes) == {"p1", "p2", "p3", "p4", "p5"}
    assert g.has_edge("p1", "p2") and g.has_edge("p2", "p1")  # shared phone: both ways
    assert g.has_edge("p3", "p1") and not g.has_edge("p1", "p3")  # calls: caller to callee
    assert g.has_edge("p5", "p3") and not g.has_edge("p3", "p5")
    assert g.edges["p4", "p5"]["weight"] == 2  # the payment and the family tie
    und = proj.undirected()
    assert und.edges["p4", "p5"]["weight"] == 2
    assert und.edges["p1", "p2"]["weight"] == 2


def test_via_restricts_what_links() -> None:
    proj = person_network(_case(), via=[Label.DOCUMENT])
    assert [(lk.source, lk.target) for lk in proj.links] == [("p2", "p3")]


def _hub_case(n_people: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("switchboard", label=Label.PHONE)
    for i in range(n_people):
        g.add_node(f"p{i}", label=Label.PERSON)
        g.add_edge(f"p{i}", "switchboard", type=Rel.USES)
    return g


def test_identifier_linked_to_more_than_n_people_is_excluded_with_reason() -> None:
    g = _hub_case(11)
    proj = person_network(g)
    assert proj.links == ()
    (hub,) = proj.excluded
    assert (hub.node_id, hub.label, hub.people) == ("switchboard", Label.PHONE, 11)
    assert hub.reason == "linked to 11 people (more than 10)"
    assert "kept out of linking" in proj.explanation
    ten = person_network(_hub_case(10))
    assert ten.excluded == () and len(ten.links) == 45
    assert len(person_network(g, max_people=20).links) == 55


def test_generic_flag_and_given_ids_exclude_identifiers() -> None:
    g = _hub_case(3)
    g.nodes["switchboard"]["generic"] = True
    proj = person_network(g)
    assert proj.links == () and proj.excluded[0].reason.startswith("marked generic")
    g.nodes["switchboard"]["generic"] = False
    assert len(person_network(g).links) == 3
    given = person_network(g, generic_ids=["switchboard"])
    assert given.links == () and given.excluded[0].reason == "listed as a known generic identifier"


def test_calls_through_a_hub_phone_and_payments_through_a_hub_account_do_not_link() -> None:
    g = _hub_case(12)
    g.add_node("x", label=Label.PERSON)
    g.add_node("tx", label=Label.PHONE)
    g.add_edge("x", "tx", type=Rel.USES)
    g.add_edge("tx", "switchboard", type=Rel.CALLED)
    g.add_node("agent", label=Label.ACCOUNT)
    for i in range(12):
        g.add_edge(f"p{i}", "agent", type=Rel.OWNS)
    g.add_node("pay", label=Label.PAYMENT)
    g.add_edge("x", "pay", type=Rel.SENT)
    g.add_edge("pay", "agent", type=Rel.PAID_TO)
    proj = person_network(g)
    assert proj.links == ()
    assert {h.node_id for h in proj.excluded} == {"switchboard", "agent"}
    assert "1 payments had no person" in proj.explanation
    assert "1 call records were not mapped" in proj.explanation


def test_hub_identifiers_and_identifier_people() -> None:
    g = _case()
    people = identifier_people(g)
    assert people["tel1"] == {"p1", "p2"} and people["doc1"] == {"p2", "p3"}
    assert hub_identifiers(g, max_people=1) != []
    assert {h.node_id for h in hub_identifiers(g, max_people=1)} == {"tel1", "doc1", "addr1"}


@pytest.mark.dataset("caviar")
def test_caviar_calls_project_onto_the_communication_matrix(
    caviar: Callable[[int], nx.DiGraph], caviar_calls: Callable[[int], nx.MultiDiGraph]
) -> None:
    people = caviar(3)
    proj = person_network(caviar_calls(3))
    assert set(proj.graph.nodes) == set(people.nodes)
    assert {(a, b) for a, b in proj.graph.edges} == set(people.edges)
    for a, b, d in people.edges(data=True):
        assert proj.graph.edges[a, b]["weight"] == d["weight"]
        assert proj.graph.edges[a, b]["evidence"] == [f"tel-{a}", f"tel-{b}"]
