"""Broker measures: checked against networkx, brute force, hand-built graphs and real networks."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import networkx as nx
import pytest

from graph_tool.analysis import brokers as B
from graph_tool.model import Label, Rel

# --- exact measures agree with networkx -------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_exact_measures_match_networkx(seed: int) -> None:
    g = nx.gnm_random_graph(60, 75, seed=seed)  # sparse: several components, leaves, isolates
    bc = B.betweenness(g)
    assert bc.exact and not bc.std_error
    ref = nx.betweenness_centrality(g)
    assert all(bc.values[n] == pytest.approx(ref[n], abs=1e-9) for n in g)
    cl = B.closeness(g).values
    ref = nx.closeness_centrality(g)
    assert all(cl[n] == pytest.approx(ref[n], abs=1e-9) for n in g)
    dg = B.degree(g).values
    ref = nx.degree_centrality(g)
    assert all(dg[n] == pytest.approx(ref[n]) for n in g)
    holes = B.structural_holes(g)
    for name, theirs in (("constraint", nx.constraint(g)), ("effective_size", nx.effective_size(g))):
        ours = getattr(holes, name)
        for n in g:
            if math.isnan(theirs[n]):
                assert math.isnan(ours[n]), (name, n)
            else:
                assert ours[n] == pytest.approx(theirs[n], abs=1e-9), (name, n)


def test_weighted_betweenness_reads_weight_as_tie_strength() -> None:
    # a-b-d is two hops, a-c-d too; strong ties through c make c the only broker
    g = nx.Graph()
    g.add_edge("a", "b", weight=1.0)
    g.add_edge("b", "d", weight=1.0)
    g.add_edge("a", "c", weight=5.0)
    g.add_edge("c", "d", weight=5.0)
    plain = B.betweenness(g).values
    assert plain["b"] == plain["c"] > 0
    strong = B.betweenness(g, weight="weight").values
    assert strong["c"] > 0 and strong["b"] == 0


def test_eigenvector_agrees_with_networkx_ranking_on_connected_graph() -> None:
    g = nx.karate_club_graph()
    ours = B.eigenvector(g)
    ref = nx.eigenvector_centrality(g, max_iter=1000, tol=1e-12)  # power iteration: no scipy needed
    assert max(ours.values.values()) == pytest.approx(1.0)
    top_ours = [n for n, _ in ours.top(5)]
    top_ref = sorted(ref, key=lambda n: -ref[n])[:5]
    assert top_ours == top_ref


def test_eigenvector_is_computed_within_each_part() -> None:
    g = nx.union(nx.star_graph(4), nx.relabel_nodes(nx.star_graph(2), {0: "c", 1: "x", 2: "y"}))
    ev = B.eigenvector(g).values
    assert ev[0] == pytest.approx(1.0) and ev["c"] == pytest.approx(1.0)


# --- cut points -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_cut_points_match_networkx_and_brute_force(seed: int) -> None:
    g = nx.gnm_random_graph(50, 60, seed=seed)
    cuts = B.cut_points(g)
    assert set(cuts.articulation_points) == set(nx.articulation_points(g))
    assert {frozenset(b) for b in cuts.bridges} == {frozenset(b) for b in nx.bridges(g)}
    for a in cuts.articulation_points:
        part = g.subgraph(nx.node_connected_component(g, a)).copy()
        part.remove_node(a)
        sizes = sorted((len(c) for c in nx.connected_components(part)), reverse=True)
        assert cuts.pieces[a] == sizes
        assert cuts.cuts_off(a) == sum(sizes[1:])
    for (u, v), (side_u, side_v) in cuts.bridge_sides.items():
        h = g.copy()
        h.remove_edge(u, v)
        assert (len(nx.node_connected_component(h, u)), len(nx.node_connected_component(h, v))) == (side_u, side_v)


def test_cut_points_on_hand_built_network() -> None:
    # two triangles joined through broker "b": b is the only articulation point, no bridges
    g = nx.Graph([("a1", "a2"), ("a1", "b"), ("a2", "b"), ("b", "c1"), ("b", "c2"), ("c1", "c2")])
    cuts = B.cut_points(g)
    assert cuts.articulation_points == ["b"]
    assert cuts.bridges == []
    assert cuts.pieces["b"] == [2, 2]
    assert "Removing b would cut off 2 people" in cuts.explanation


# --- Gould-Fernandez roles ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (("X", "X", "X"), B.COORDINATOR),
        (("X", "Y", "X"), B.ITINERANT),
        (("X", "X", "Y"), B.REPRESENTATIVE),
        (("X", "Y", "Y"), B.GATEKEEPER),
        (("X", "Y", "Z"), B.LIAISON),
    ],
)
def test_each_brokerage_role(groups: tuple[str, str, str], role: str) -> None:
    g = nx.DiGraph([("a", "b"), ("b", "c")])
    nx.set_node_attributes(g, dict(zip("abc", groups, strict=True)), "nationality")
    result = B.brokerage_roles(g)
    assert result.roles == {"b": {role: 1}}


def test_closed_triad_is_not_brokerage() -> None:
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    nx.set_node_attributes(g, {"a": "X", "b": "Y", "c": "Z"}, "nationality")
    assert B.brokerage_roles(g).roles == {}


def _brute_roles(g: nx.DiGraph, group: dict[int, str | None]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for b in g:
        for a in g.predecessors(b):
            for c in g.successors(b):
                if a == c or g.has_edge(a, c) or None in (group[a], group[b], group[c]):
                    continue
                ga, gb, gc = group[a], group[b], group[c]
                if ga == gb == gc:
                    role = B.COORDINATOR
                elif ga == gc:
                    role = B.ITINERANT
                elif ga == gb:
                    role = B.REPRESENTATIVE
                elif gb == gc:
                    role = B.GATEKEEPER
                else:
                    role = B.LIAISON
                out.setdefault(b, {}).setdefault(role, 0)
                out[b][role] += 1
    return out


@pytest.mark.parametrize("seed", range(3))
def test_brokerage_roles_match_brute_force(seed: int) -> None:
    g = nx.gnm_random_graph(70, 260, seed=seed, directed=True)
    rnd = random.Random(seed)
    group = {n: rnd.choice(["TH", "CN", "MM", None]) for n in g}
    nx.set_node_attributes(g, {n: x for n, x in group.items() if x}, "nationality")
    result = B.brokerage_roles(g)
    assert result.roles == _brute_roles(g, group)
    assert result.skipped > 0  # people without a nationality are counted as skipped, not guessed


def test_brokerage_by_organisation_and_by_role_list() -> None:
    g = nx.MultiDiGraph()
    for p, roles in {"a": ["recruiter"], "b": ["broker"], "c": ["buyer"]}.items():
        g.add_node(p, label=Label.PERSON, roles=roles)
    for o in ("o1", "o2"):
        g.add_node(o, label=Label.ORGANISATION)
    g.add_edge("a", "b", type=Rel.INTRODUCED)
    g.add_edge("b", "c", type=Rel.INTRODUCED)
    g.add_edge("a", "o1", type=Rel.EMPLOYED_BY)
    g.add_edge("b", "o1", type=Rel.EMPLOYED_BY)
    g.add_edge("c", "o2", type=Rel.EMPLOYED_BY)
    assert B.brokerage_roles(g, Label.ORGANISATION).roles == {"b": {B.REPRESENTATIVE: 1}}
    assert B.brokerage_roles(g, "roles").roles == {"b": {B.LIAISON: 1}}


# --- sampling -------------------------------------------------------------------------------


def test_sampled_betweenness_states_its_error_and_finds_the_hubs() -> None:
    g = nx.powerlaw_cluster_graph(3000, 3, 0.3, seed=7)
    exact = B.betweenness(g)
    est = B.betweenness(g, samples=300, seed=1)
    assert not est.exact and est.samples == 300
    assert len(est.std_error) == g.number_of_nodes()
    top = [n for n, _ in exact.top(10)]
    assert all(est.std_error[n] > 0 for n in top)
    assert "standard error" in est.explanation and "300 of 3000" in est.explanation
    # the true value lies within 4 standard errors for nearly all of the top people
    within = sum(abs(est.values[n] - exact.values[n]) <= 4 * est.std_error[n] for n in top)
    assert within >= 9
    overlap = len(set(top) & {n for n, _ in est.top(10)}) / 10
    assert overlap >= 0.8


def test_sampling_is_deterministic_and_switches_on_above_the_limit() -> None:
    g = nx.powerlaw_cluster_graph(3000, 3, 0.2, seed=3)
    a = B.betweenness(g, samples=50, seed=5).values
    b = B.betweenness(g, samples=50, seed=5).values
    assert a == b
    assert B.betweenness(g).exact
    auto = B.betweenness(g, exact_limit=1000)
    assert not auto.exact and auto.samples == B.auto_samples(3000, g.number_of_edges())
    assert B.betweenness(g, exact_limit=1000, samples=0).exact
    sampled_close = B.closeness(g, exact_limit=1000, samples=200)
    exact_close = B.closeness(g).values
    assert not sampled_close.exact
    assert all(abs(sampled_close.values[n] - exact_close[n]) < 0.02 for n in g)
    assert all(
        abs(sampled_close.values[n] - exact_close[n]) <= 5 * sampled_close.std_error[n] + 1e-9 for n in list(g)[:200]
    )


# --- ranking --------------------------------------------------------------------------------


def _two_groups_and_a_broker() -> nx.Graph:
    g = nx.Graph()
    th = [f"th{i}" for i in range(4)]
    cn = [f"cn{i}" for i in range(4)]
    g.add_edges_from((a, b) for i, a in enumerate(th) for b in th[i + 1 :])
    g.add_edges_from((a, b) for i, a in enumerate(cn) for b in cn[i + 1 :])
    g.add_edges_from([("th0", "mm"), ("th1", "mm"), ("mm", "cn0"), ("mm", "cn1")])
    g.add_edge("cn3", "lone")  # a pendant: bridge, no brokerage
    groups = {**dict.fromkeys(th, "TH"), **dict.fromkeys(cn, "CN"), "mm": "MM", "lone": "CN"}
    nx.set_node_attributes(g, groups, "nationality")
    return g


def test_broker_ranking_puts_the_cross_border_broker_first_and_says_why() -> None:
    r = B.broker_ranking(_two_groups_and_a_broker())
    first = r.entries[0]
    assert first.person_id == "mm" and first.rank == 1
    assert first.articulation_point and first.cuts_off == 4
    assert first.roles[B.LIAISON] == 8  # th0/th1 <-> cn0/cn1, both ways
    assert first.parts["betweenness"] == pytest.approx(B.DEFAULT_WEIGHTS["betweenness"])
    assert first.score == pytest.approx(sum(first.parts.values()), abs=1e-5)
    assert any("liaison" in x for x in first.reasons)
    assert any("cuts off 4 people" in x for x in first.reasons)
    assert first.explanation.startswith("mm: rank 1 of 10")
    assert [e.rank for e in r.entries] == list(range(1, 11))
    assert [e.score for e in r.entries] == sorted((e.score for e in r.entries), reverse=True)
    cn3 = r.entry("cn3")
    assert cn3.bridges == ("lone",) and any("bridge" in x for x in cn3.reasons)
    assert r.entry("lone").reasons == ("no brokerage position found",)


def test_broker_ranking_weights_are_visible_and_checked() -> None:
    g = _two_groups_and_a_broker()
    only_degree = B.broker_ranking(g, weights={k: 0.0 for k in B.DEFAULT_WEIGHTS} | {"degree": 1.0})
    assert set(only_degree.entries[0].parts) == {"degree"}
    with pytest.raises(ValueError, match="unknown score components"):
        B.broker_ranking(g, weights={"charisma": 1.0})


def test_broker_ranking_projects_a_domain_graph_onto_people() -> None:
    g = nx.MultiDiGraph()
    for p, nat in {"v1": "VN", "v2": "VN", "br": "VN", "h1": "CN", "h2": "CN"}.items():
        g.add_node(p, label=Label.PERSON, nationality=nat)
    g.add_node("tel", label=Label.PHONE)
    g.add_edge("br", "tel", type=Rel.USES)
    g.add_edge("v1", "tel", type=Rel.USES)  # v1 and br share a phone
    g.add_edge("br", "v2", type=Rel.RECRUITED)
    g.add_edge("br", "h1", type=Rel.INTRODUCED)
    g.add_edge("br", "h2", type=Rel.INTRODUCED)
    r = B.broker_ranking(g)
    assert r.entries[0].person_id == "br"
    assert {e.person_id for e in r.entries} == {"v1", "v2", "br", "h1", "h2"}  # the phone is not ranked


def _marriage_brokerage(roles: dict[str, list[str]] | None = None) -> nx.MultiDiGraph:
    """A recruiter between many victims, and a broker paid commission by three husbands."""
    g = nx.MultiDiGraph()
    people = ["rec", "br", "h1", "h2", "h3", *(f"v{i}" for i in range(5))]
    for p in people:
        g.add_node(p, label=Label.PERSON, nationality="CN" if p in ("br", "h1", "h2", "h3") else "VN")
        if roles and p in roles:
            g.nodes[p]["roles"] = roles[p]
    for i in range(5):
        g.add_edge("rec", f"v{i}", type=Rel.RECRUITED)
    g.add_edge("rec", "br", type=Rel.ASSOCIATE_OF)
    g.add_node("acc", label=Label.ACCOUNT)
    g.add_edge("br", "acc", type=Rel.OWNS)
    for i, h in enumerate(("h1", "h2", "h3", "h3")):
        g.add_node(f"pay{i}", label=Label.PAYMENT, amount=1000.0, currency="CNY", purpose="commission")
        g.add_edge(h, f"pay{i}", type=Rel.SENT)
        g.add_edge(f"pay{i}", "acc", type=Rel.PAID_TO)
    g.add_node("visa", label=Label.DOCUMENT)
    g.add_edge("v0", "visa", type=Rel.HOLDS)
    g.add_edge("br", "visa", type=Rel.SPONSORED)
    g.add_edge("rec", "v1", type=Rel.TRANSPORTED)  # moving people is not brokering them
    for v in ("v0", "v1"):
        g.add_edge("br", v, type=Rel.INTRODUCED)
    return g


def test_broker_evidence_counts_commission_introductions_recruitments_and_sponsorships() -> None:
    ev = B.broker_evidence(_marriage_brokerage())
    br, rec = ev["br"], ev["rec"]
    assert br.commission_payers == ("h1", "h2", "h3") and len(br.commission_payments) == 4
    assert br.commission_received == {"CNY": 4000.0}
    assert br.introduced == ("v0", "v1") and br.sponsored_for == ("v0",)
    assert rec.recruited == tuple(f"v{i}" for i in range(5)) and not rec.commission_payments
    assert set(ev) == {"br", "rec"}  # the husbands and victims did nothing of the kind
    assert B.broker_evidence(nx.karate_club_graph()) == {}


def test_broker_ranking_puts_recorded_evidence_in_the_score_and_the_explanation() -> None:
    r = B.broker_ranking(_marriage_brokerage())
    first = r.entries[0]
    assert first.person_id == "br"
    assert first.parts["commission_payers"] == pytest.approx(B.DEFAULT_WEIGHTS["commission_payers"])
    assert first.score == pytest.approx(sum(first.parts.values()), abs=1e-5)
    assert first.reasons[:3] == (
        "received commission from 3 distinct payers (4 payments: 4,000.00 CNY)",
        "introduced 2 people",
        "sponsored documents for 1 person",
    )
    assert first.measures["commission_payers"] == 3.0 and first.evidence is r.evidence["br"]
    assert "recruited 5 people" in r.entry("rec").explanation
    assert r.entry("h1").evidence is None
    assert "received commission" in r.explanation


def test_broker_ranking_never_reads_the_roles_property() -> None:
    plain = B.broker_ranking(_marriage_brokerage())
    labelled = B.broker_ranking(_marriage_brokerage({"h1": ["broker"], "v2": ["broker", "suspect"]}))
    assert [(e.person_id, e.score) for e in labelled.entries] == [(e.person_id, e.score) for e in plain.entries]


def test_broker_ranking_without_domain_evidence_is_the_structural_ranking() -> None:
    g = nx.karate_club_graph()
    r = B.broker_ranking(g)
    structural = B.broker_ranking(g, weights=dict.fromkeys(B.EVIDENCE_COMPONENTS, 0.0))
    assert [e.person_id for e in r.entries] == [e.person_id for e in structural.entries]
    assert all(e.parts[k] == 0.0 for e in r.entries for k in B.EVIDENCE_COMPONENTS)
    assert "rests on structure alone" in r.explanation
    assert sum(B.DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert set(B.DEFAULT_WEIGHTS) == set(B.STRUCTURAL_COMPONENTS) | set(B.EVIDENCE_COMPONENTS)


# --- real networks --------------------------------------------------------------------------


@pytest.mark.dataset("caviar")
@pytest.mark.parametrize("phase", range(1, 9))
def test_caviar_n1_has_highest_betweenness_in_phases_1_to_8(phase: int, caviar: Callable[[int], nx.DiGraph]) -> None:
    g = caviar(phase)
    bc = B.betweenness(g)
    assert bc.top(1)[0][0] == "n1"
    assert B.broker_ranking(g, group_by={}).entries[0].person_id == "n1"


@pytest.mark.dataset("caviar")
def test_caviar_after_the_seizures_the_lieutenant_leads_phase_9(caviar: Callable[[int], nx.DiGraph]) -> None:
    assert B.betweenness(caviar(9)).top(1)[0][0] == "n3"


@pytest.mark.dataset("caviar")
@pytest.mark.parametrize("phase", [1, 4, 8])
def test_caviar_through_phone_records_gives_the_same_betweenness(
    phase: int, caviar: Callable[[int], nx.DiGraph], caviar_calls: Callable[[int], nx.MultiDiGraph]
) -> None:
    people = B.betweenness(caviar(phase)).values
    via_calls = B.betweenness(caviar_calls(phase)).values
    assert set(people) == set(via_calls)
    assert all(people[n] == pytest.approx(via_calls[n]) for n in people)


@pytest.mark.dataset("hijackers_911")
def test_911_atta_matches_krebs_centrality_table(hijackers: nx.Graph) -> None:
    largest = hijackers.subgraph(max(nx.connected_components(hijackers), key=len)).copy()
    largest.remove_node("Nabil Almarabh")
    assert (largest.number_of_nodes(), largest.number_of_edges()) == (62, 153)
    atta = "Mohamed Atta"
    for measure, expected in ((B.degree, 0.361), (B.betweenness, 0.588), (B.closeness, 0.587)):
        c = measure(largest)
        assert c.values[atta] == pytest.approx(expected, abs=5e-4), c.measure
        assert c.top(1)[0][0] == atta, c.measure


@pytest.mark.dataset("hijackers_911")
def test_911_broker_ranking_and_flight_brokerage(hijackers_graph: nx.MultiDiGraph) -> None:
    r = B.broker_ranking(hijackers_graph, group_by="flight")
    atta = r.entries[0]
    assert atta.person_id == "Mohamed Atta"
    assert atta.articulation_point
    assert sum(atta.roles.get(x, 0) for x in B.CROSS_GROUP_ROLES) > 0
    roles = B.brokerage_roles(hijackers_graph, "flight")
    assert roles.skipped > 0  # associates without a flight are not given one
    assert "50 of 69 people have a flight" not in roles.explanation  # 19 hijackers have a flight
    assert "19 of 69 people have a flight" in roles.explanation
