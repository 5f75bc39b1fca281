"""Rings: components, communities, k-cores and the explainable ring score."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest

from graph_tool.analysis import rings as R
from graph_tool.model import ROLES, Label, Rel


def _two_rings() -> nx.MultiDiGraph:
    """Ring A: a Vietnamese recruiter, three victims, a forged passport finding, payments
    from three buyers in China to the broker. Ring B: three people sharing an address.
    Both rings also use a hotel switchboard (12 users), which must not join them."""
    g = nx.MultiDiGraph()
    people = {
        "rec": (["recruiter"], "VN"),
        "brk": (["broker"], "VN"),
        "v1": (["victim"], "VN"),
        "v2": (["victim"], "VN"),
        "v3": (["victim"], "LA"),
        "b1": (["buyer"], "CN"),
        "b2": (["buyer"], "CN"),
        "b3": (["buyer"], "CN"),
        "x1": ([], "TH"),
        "x2": ([], "TH"),
        "x3": ([], "TH"),
    }
    for p, (roles, nat) in people.items():
        g.add_node(p, label=Label.PERSON, roles=roles, nationality=nat)
    for v in ("v1", "v2", "v3"):
        g.add_edge("rec", v, type=Rel.RECRUITED)
        g.add_edge("brk", v, type=Rel.INTRODUCED)
    g.add_edge("rec", "brk", type=Rel.ASSOCIATE_OF)
    for i, b in enumerate(("b1", "b2", "b3")):
        g.add_edge("brk", b, type=Rel.INTRODUCED)
        g.add_node(f"pay{i}", label=Label.PAYMENT, amount=3000.0, currency="USD", purpose="commission")
        g.add_edge(b, f"pay{i}", type=Rel.SENT)
        g.add_edge(f"pay{i}", "brk", type=Rel.PAID_TO)
    g.add_node("doc", label=Label.DOCUMENT)
    g.add_edge("v1", "doc", type=Rel.HOLDS)
    g.add_node("f1", label=Label.FINDING)
    g.add_edge("f1", "doc", type=Rel.EVIDENCE)  # rests on a member's document
    g.add_node("f2", label=Label.FINDING)
    g.add_edge("f2", "brk", type=Rel.EVIDENCE)  # rests on a member
    g.add_node("addr", label=Label.ADDRESS, country="TH")
    for x in ("x1", "x2", "x3"):
        g.add_edge(x, "addr", type=Rel.LIVES_AT)
    g.add_node("hotel", label=Label.PHONE)
    for i in range(6):
        g.add_node(f"guest{i}", label=Label.PERSON)
        g.add_edge(f"guest{i}", "hotel", type=Rel.USES)
    for p in ("v1", "v2", "x1", "x2", "b1", "b2"):
        g.add_edge(p, "hotel", type=Rel.USES)
    return g


def test_hub_guard_keeps_rings_apart_and_is_reported() -> None:
    guarded = R.find_rings(_two_rings(), method=R.COMPONENTS)
    assert [len(r.members) for r in guarded.rings] == [8, 3]
    assert {h.node_id for h in guarded.excluded} == {"hotel"}
    assert "hub identifiers were kept out" in guarded.explanation
    unguarded = R.find_rings(_two_rings(), method=R.COMPONENTS, max_people=100)
    assert len(unguarded.rings) == 1


def test_ring_score_is_built_from_visible_parts() -> None:
    ring = R.find_rings(_two_rings(), method=R.COMPONENTS).rings[0]
    assert ring.victims == ("v1", "v2", "v3")
    assert ring.findings == ("f1", "f2")
    assert ring.countries == ("CN", "LA", "VN")
    assert ring.brokers[0] == "brk"
    parts = {p.name: p for p in ring.parts}
    assert parts["victims"].value == 3 and parts["victims"].points == pytest.approx(25 * 3 / 5)
    assert parts["findings"].value == 2 and parts["findings"].points == pytest.approx(20 * 2 / 5)
    assert parts["countries"].value == 2  # three countries: two beyond the first
    assert parts["payment_fan_in"].value == 3  # the broker is paid by three buyers
    assert parts["payment_fan_out"].value == 1
    assert 0 < parts["brokerage_concentration"].value <= 1
    assert ring.score == pytest.approx(sum(p.points for p in ring.parts), abs=0.05)
    assert "3 victims among the members" in ring.explanation
    other = R.find_rings(_two_rings(), method=R.COMPONENTS).rings[1]
    assert other.score < ring.score and other.victims == () and other.countries == ("TH",)


def test_findings_can_be_passed_in_and_scoring_overridden() -> None:
    g = _two_rings()
    extra = R.find_rings(g, method=R.COMPONENTS, findings={"x1": ["audit-7"]})
    small = next(r for r in extra.rings if "x1" in r.members)
    assert small.findings == ("audit-7",)
    only_victims = R.find_rings(g, method=R.COMPONENTS, scoring={"victims": (10.0, 3.0)})
    assert only_victims.rings[0].score == 10.0
    assert [p.name for p in only_victims.rings[0].parts] == ["victims"]


def test_communities_are_deterministic_for_a_seed() -> None:
    g = nx.planted_partition_graph(6, 20, 0.5, 0.02, seed=4)
    for method in (R.LOUVAIN, R.LEIDEN):
        a = R.communities(g, method=method, seed=1)
        b = R.communities(g, method=method, seed=1)
        assert a.community == b.community and a.modularity == b.modularity
        assert a.sizes == [20] * 6
        assert a.modularity > 0.6


def test_communities_do_not_disturb_global_random_state() -> None:
    import random

    random.seed(99)
    expected = random.random()
    random.seed(99)
    R.communities(nx.karate_club_graph(), seed=3)
    assert random.random() == expected


def test_unknown_methods_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown ring method"):
        R.find_rings(nx.path_graph(3), method="magic")
    with pytest.raises(ValueError, match="unknown community method"):
        R.communities(nx.path_graph(3), method="magic")


def test_kcore_rings_and_core_numbers() -> None:
    g = nx.complete_graph(5)
    g.add_edges_from([(4, 5), (5, 6)])
    cores = R.k_cores(g)
    assert cores.max_core == 4 and cores.core[0] == 4 and cores.core[6] == 1
    rings = R.find_rings(g, method=R.KCORE)
    assert [r.members for r in rings.rings] == [(0, 1, 2, 3, 4)]
    assert R.find_rings(g, method=R.KCORE, k=1).rings[0].members == tuple(range(7))
    assert rings.kcore == cores.core


def test_ring_ids_are_stable_and_membership_is_complete() -> None:
    a = R.find_rings(_two_rings(), method=R.LOUVAIN, seed=2)
    b = R.find_rings(_two_rings(), method=R.LOUVAIN, seed=2)
    assert [r.ring_id for r in a.rings] == [r.ring_id for r in b.rings]
    assert all(a.membership[m] == r.ring_id for r in a.rings for m in r.members)
    assert a.seed == 2 and a.modularity is not None


def test_victim_role_is_a_model_role() -> None:
    assert R.VICTIM in ROLES


@pytest.mark.dataset("caviar")
def test_caviar_communities_are_reproducible_and_n1_is_a_ring_broker(
    caviar: Callable[[int], nx.DiGraph],
) -> None:
    g = caviar(6)
    a = R.find_rings(g, method=R.LOUVAIN, seed=0)
    b = R.find_rings(g, method=R.LOUVAIN, seed=0)
    assert a.membership == b.membership
    assert a.modularity is not None and a.modularity > 0.2
    n1_ring = next(r for r in a.rings if "n1" in r.members)
    assert "n1" in n1_ring.brokers
    components = R.find_rings(g, method=R.COMPONENTS)
    assert len(components.rings) == 1 and len(components.rings[0].members) == g.number_of_nodes()
