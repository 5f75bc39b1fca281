"""The store contract, run against both real stores: LadybugDB and a Neo4j server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import graph_tool.store.embedded as embedded
from graph_tool.example import example_records, load_example
from graph_tool.model import NODE_TYPES, REL_TYPES, Label, Rel
from graph_tool.store.base import (
    Edge,
    EdgeRecord,
    GraphStore,
    Node,
    NodeRecord,
    ReadOnlyViolation,
    StoreError,
    Subgraph,
)
from tests.conftest import _open

PLAIN = (str, int, float, bool, type(None), Node, Edge)


@pytest.fixture(params=["embedded", "embedded-copies", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphStore]:
    """As conftest's, and the embedded store once more with every create a COPY: it creates
    a few rows by statement, a batch by COPY (``SMALL_CREATE``), and both keep the contract."""
    if request.param == "embedded-copies":
        monkeypatch.setattr(embedded, "SMALL_CREATE", 0)
    with _open(request.param.removesuffix("-copies"), tmp_path, request) as s:
        s.create_schema()
        yield s


def assert_plain(value: Any) -> None:
    """Nothing from a driver crosses the store boundary."""
    if isinstance(value, dict):
        for v in value.values():
            assert_plain(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            assert_plain(v)
    else:
        assert isinstance(value, PLAIN), f"driver object leaked: {type(value)!r}"
        if isinstance(value, (Node, Edge)):
            assert_plain(dict(value.props))


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def test_schema_is_idempotent(store: GraphStore) -> None:
    store.create_schema()
    store.create_schema()
    counts = store.counts()
    assert set(counts) == {str(lab) for lab in NODE_TYPES} | {str(r) for r in REL_TYPES}
    assert not nonzero(counts)


def test_same_batch_twice_gives_same_graph(store: GraphStore) -> None:
    nodes, edges = load_example(store)
    first = store.counts()
    assert nodes.created == 15 and edges.created == 22
    again_nodes, again_edges = load_example(store)
    assert store.counts() == first
    assert (again_nodes.created, again_nodes.updated, again_nodes.unchanged) == (0, 0, 15)
    assert (again_edges.created, again_edges.updated, again_edges.unchanged) == (0, 0, 22)
    assert first[Label.PERSON] == 6 and first[Rel.USES] == 3 and first[Label.SOURCE] == 1


def test_duplicates_within_one_batch_merge(store: GraphStore) -> None:
    recs = [
        NodeRecord(Label.PERSON, "P-1", {"name": "Lan", "roles": ["victim"]}, "s1", "a.csv:2"),
        NodeRecord(Label.PERSON, "P-1", {"birth_date": "2000-01-02", "roles": ["witness"]}, "s1", "a.csv:3"),
    ]
    res = store.upsert_nodes(recs)
    assert res.created == 1
    (node,) = store.get_nodes(Label.PERSON, ["P-1"])
    assert node.props["name"] == "Lan" and node.props["birth_date"] == "2000-01-02"
    assert node.props["roles"] == ["victim", "witness"]
    assert node.props["source_refs"] == ["s1:a.csv:2", "s1:a.csv:3"]


def test_provenance_on_every_node_and_relationship(store: GraphStore) -> None:
    load_example(store)
    sub = store.whole_graph()
    assert sub.nodes and sub.edges
    for item in (*sub.nodes, *sub.edges):
        assert item.props["sources"] == ["tiny-example"] or item.props["sources"][0] == "tiny-example"
        assert item.props["loaded_at"].endswith("+00:00")
    for item in (*[n for n in sub.nodes if n.label != Label.SOURCE], *sub.edges):
        assert item.props["source_refs"][0].startswith("tiny-example:tiny_case.json:")


def test_update_changes_only_what_changed(store: GraphStore) -> None:
    load_example(store)
    res = store.upsert_nodes([NodeRecord(Label.PERSON, "P-T03", {"aliases": ["Lao Wang"]}, "partner-x", "x.csv:9")])
    assert (res.created, res.updated, res.unchanged) == (0, 1, 0)
    (broker,) = store.get_nodes(Label.PERSON, ["P-T03"])
    assert broker.props["aliases"] == ["Lao Wang"]
    assert broker.props["name"] == "Wang Jun"  # an absent value never erases a known one
    assert broker.props["sources"] == ["tiny-example", "partner-x"]


@pytest.mark.parametrize("shape", ["fan-out", "fan-in"])
def test_relationships_are_found_again_from_either_end(
    store: GraphStore, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An upsert finds existing relationships from the end with more distinct ids in the
    # batch (cypher.from_target): one phone calling five, and five calling one, with two
    # calls (keys) between each pair; a second upsert updates them, a third changes nothing.
    hub, others = "+10000000000", [f"+1000000000{i}" for i in range(1, 6)]
    store.upsert_nodes([NodeRecord(Label.PHONE, n, {}, "t") for n in (hub, *others)])

    def calls(duration: int) -> list[EdgeRecord]:
        pairs = [(hub, o) if shape == "fan-out" else (o, hub) for o in others]
        return [
            EdgeRecord(Rel.CALLED, Label.PHONE, a, Label.PHONE, b, {"duration_s": duration + k}, "t", key=f"c{k}")
            for a, b in pairs
            for k in range(2)
        ]

    assert store.upsert_edges(calls(10)).created == 10
    again = store.upsert_edges(calls(20))
    assert (again.created, again.updated, again.unchanged) == (0, 10, 0)
    assert store.upsert_edges(calls(20)).unchanged == 10
    got = sorted(e.props["duration_s"] for e in store.whole_graph([Label.PHONE]).edges)
    assert got == [20] * 5 + [21] * 5 and store.counts()["CALLED"] == 10
    if store.kind == "embedded":  # its other lookup, for more than FEW_KEYS keys, finds them too
        import graph_tool.store.embedded as embedded

        monkeypatch.setattr(embedded, "FEW_KEYS", 0)
        third = store.upsert_edges(calls(30))
        assert (third.created, third.updated, third.unchanged) == (0, 10, 0)
        assert store.upsert_edges(calls(30)).unchanged == 10 and store.counts()["CALLED"] == 10


def test_relationships_of_nodes_just_created_are_not_looked_up(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = store.upsert_nodes(
        [NodeRecord(Label.ACCOUNT, "A-1", {}, "t")] + [NodeRecord(Label.PAYMENT, f"PAY-{i}", {}, "t") for i in range(3)]
    )
    assert made.new_nodes == {Label.ACCOUNT: {"A-1"}, Label.PAYMENT: {"PAY-0", "PAY-1", "PAY-2"}}
    looked_up: list[list[str]] = []
    lookup = store._existing_edges
    monkeypatch.setattr(
        store, "_existing_edges", lambda g, keys: looked_up.append([k["id"] for k in keys]) or lookup(g, keys)
    )
    sent = [EdgeRecord(Rel.SENT, Label.ACCOUNT, "A-1", Label.PAYMENT, f"PAY-{i}", {}, "t") for i in range(3)]
    assert store.upsert_edges(sent, new_nodes={Label.PAYMENT: {"PAY-0", "PAY-1"}}).created == 3
    assert looked_up == [[sent[2].id]]  # only the relationship whose ends both existed before
    again = store.upsert_edges(sent)
    assert (again.created, again.unchanged) == (0, 3) and store.counts()["SENT"] == 3
    # A missing end is still refused, whatever is said to be new.
    stray = EdgeRecord(Rel.SENT, Label.ACCOUNT, "A-404", Label.PAYMENT, "PAY-0", {}, "t", "x.csv:2")
    assert store.upsert_edges([stray], new_nodes=made.new_nodes).rejected == [
        ("x.csv:2", "SENT: no Account with id 'A-404'")
    ]


def test_parameterised_read_returns_plain_values(store: GraphStore) -> None:
    load_example(store)
    rows = store.read(
        "MATCH (p:Person)-[u:USES]->(t:Phone) WHERE $role IN p.roles RETURN p, u, t, p.name AS name",
        {"role": "broker"},
    )
    assert len(rows) == 1
    assert_plain(rows)
    row = rows[0]
    assert row["name"] == "Wang Jun"
    assert isinstance(row["p"], Node) and row["p"].label == "Person" and row["p"].id == "P-T03"
    assert isinstance(row["u"], Edge) and (row["u"].source, row["u"].target) == ("P-T03", "T-T02")


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Person {id: 'intruder'})",
        "create (n:Person {id: 'intruder'}) RETURN n",
        "MATCH (p:Person {id: 'P-T01'}) SET p.name = 'x' RETURN p",
        "MATCH (p:Person {id: 'P-T01'}) DETACH DELETE p",
        "MERGE (n:Person {id: 'intruder'}) RETURN n",
        "MATCH (p:Person) RETURN p; CREATE (n:Person {id: 'intruder'})",
    ],
)
def test_a_write_sent_as_a_read_is_refused(store: GraphStore, query: str) -> None:
    load_example(store)
    before = store.counts()
    with pytest.raises((ReadOnlyViolation, StoreError)):
        store.read(query)
    assert store.counts() == before
    assert store.get_nodes(Label.PERSON, ["intruder"]) == []
    (victim,) = store.get_nodes(Label.PERSON, ["P-T01"])
    assert victim.props["name"] == "Trần Thị Mai"


def test_create_as_read_is_a_read_only_violation(store: GraphStore) -> None:
    with pytest.raises(ReadOnlyViolation):
        store.read("CREATE (n:Person {id: 'intruder'})")
    assert store.counts()[Label.PERSON] == 0


def test_injection_text_is_data(store: GraphStore) -> None:
    nasty = "x'}) MATCH (n) DETACH DELETE n //<script>alert(1)</script>"
    store.upsert_nodes(
        [NodeRecord(Label.PERSON, "P-9", {"name": nasty, "notes": "'; DROP TABLE Person; --"}, "s", "r:1")]
    )
    rows = store.read("MATCH (p:Person) WHERE p.name = $name RETURN p.id AS id", {"name": nasty})
    assert rows == [{"id": "P-9"}]


def test_neighbourhood_and_networkx(store: GraphStore) -> None:
    load_example(store)
    one = store.neighbourhood("P-T03", hops=1)
    assert {n.id for n in one.nodes} == {"P-T03", "P-T01", "P-T02", "T-T02", "A-T01"}
    two = store.neighbourhood("P-T03", hops=2)
    assert {"O-T01", "PAY-T01", "P-T05", "D-T01"} <= {n.id for n in two.nodes}
    g = two.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.nodes["P-T03"]["label"] == "Person" and g.nodes["P-T03"]["name"] == "Wang Jun"
    assert g.has_edge("P-T03", "T-T02")
    capped = store.neighbourhood("P-T03", hops=3, limit=4)
    assert len(capped.nodes) == 4
    with pytest.raises(StoreError):
        store.neighbourhood("no-such-id")


def test_read_subgraph_collects_nodes_and_paths(store: GraphStore) -> None:
    load_example(store)
    sub = store.read_subgraph(
        "MATCH (a:Person)-[r:RECRUITED]->(v:Person) WHERE a.id = $id RETURN a, r, v", {"id": "P-T04"}
    )
    assert isinstance(sub, Subgraph)
    assert {n.id for n in sub.nodes} == {"P-T04", "P-T01", "P-T02"}
    assert {(e.source, e.target) for e in sub.edges} == {("P-T04", "P-T01"), ("P-T04", "P-T02")}


def test_source_subgraph_and_delete_source(store: GraphStore) -> None:
    load_example(store)
    total = store.counts()
    store.upsert_nodes(
        [
            NodeRecord(Label.PERSON, "P-T03", {"aliases": ["Lao Wang"]}, "partner-x", "x.csv:2"),
            NodeRecord(Label.PERSON, "P-X1", {"name": "Only partner"}, "partner-x", "x.csv:3"),
        ]
    )
    store.upsert_edges(
        [EdgeRecord(Rel.ASSOCIATE_OF, Label.PERSON, "P-X1", Label.PERSON, "P-T03", {}, "partner-x", "x.csv:3")]
    )
    sub = store.source_subgraph("partner-x")
    assert {n.id for n in sub.nodes} == {"P-T03", "P-X1"} and len(sub.edges) == 1
    result = store.delete_source("partner-x")
    assert result == {"nodes": 1, "relationships": 1, "kept": 1}
    assert store.counts() == total
    (broker,) = store.get_nodes(Label.PERSON, ["P-T03"])
    assert broker.props["sources"] == ["tiny-example"]
    assert all(not r.startswith("partner-x:") for r in broker.props["source_refs"])


def test_write_back_analysis_results(store: GraphStore) -> None:
    load_example(store)
    changed = store.set_properties(
        Label.PERSON, {"P-T03": {"betweenness": 0.75, "broker_rank": 1}, "P-T04": {"betweenness": 0.5}}
    )
    assert changed == 2
    rows = store.read("MATCH (p:Person) WHERE p.betweenness > 0 RETURN p.id AS id ORDER BY p.betweenness DESC")
    assert [r["id"] for r in rows] == ["P-T03", "P-T04"]
    with pytest.raises(StoreError):
        store.set_properties(Label.PERSON, {"P-T03": {"not_in_model": 1}})
    store.set_properties(Label.PERSON, {"P-T03": {"aliases": ["Lao Wang"]}, "P-T04": {"betweenness": None}})
    store.set_properties(Label.PERSON, {"P-T03": {"aliases": None}})
    (broker,) = store.get_nodes(Label.PERSON, ["P-T03"])
    (recruiter,) = store.get_nodes(Label.PERSON, ["P-T04"])
    assert "aliases" not in broker.props and "betweenness" not in recruiter.props


def test_model_is_enforced_on_write(store: GraphStore) -> None:
    with pytest.raises(StoreError):
        store.upsert_nodes([NodeRecord(Label.PERSON, "P-1", {"favourite_colour": "red"}, "s")])
    store.upsert_nodes([NodeRecord(Label.PHONE, "T-1", {"number": "+441632960000"}, "s")])
    with pytest.raises(StoreError):  # the model has no Phone -HOLDS-> Phone
        store.upsert_edges([EdgeRecord(Rel.HOLDS, Label.PHONE, "T-1", Label.PHONE, "T-1", {}, "s")])


def test_missing_endpoint_is_rejected_with_reason(store: GraphStore) -> None:
    store.upsert_nodes([NodeRecord(Label.PHONE, "T-1", {"number": "+441632960000"}, "s")])
    res = store.upsert_edges(
        [EdgeRecord(Rel.USES, Label.PERSON, "P-missing", Label.PHONE, "T-1", {}, "s", "calls.csv:7")]
    )
    assert res.created == 0
    assert res.rejected == [("calls.csv:7", "USES: no Person with id 'P-missing'")]
    assert store.counts()[Rel.USES] == 0


def test_counts_by_label_and_type(store: GraphStore) -> None:
    nodes, edges, _ = example_records()
    load_example(store)
    counts = store.counts()
    for label in Label:
        expected = sum(1 for n in nodes if n.label == label) + (1 if label == Label.SOURCE else 0)
        assert counts[label] == expected
    for rel in Rel:
        assert counts[rel] == sum(1 for e in edges if e.type == rel)


def test_many_rows_in_batches(store: GraphStore) -> None:
    people = [
        NodeRecord(Label.PERSON, f"P-{i:05d}", {"name": f"Person {i}"}, "bulk", f"bulk.csv:{i}") for i in range(2500)
    ]
    phones = [
        NodeRecord(Label.PHONE, f"T-{i % 100:03d}", {"number": f"+44163296{i % 100:04d}"}, "bulk", f"bulk.csv:{i}")
        for i in range(2500)
    ]
    uses = [
        EdgeRecord(Rel.USES, Label.PERSON, f"P-{i:05d}", Label.PHONE, f"T-{i % 100:03d}", {}, "bulk", f"bulk.csv:{i}")
        for i in range(2500)
    ]
    res = store.upsert_nodes(people + phones, batch_size=700)
    assert res.created == 2600 and res.unchanged == 0
    assert store.upsert_edges(uses, batch_size=700).created == 2500
    again = store.upsert_edges(uses, batch_size=900)
    assert again.unchanged == 2500
    counts = store.counts()
    assert (counts[Label.PERSON], counts[Label.PHONE], counts[Rel.USES]) == (2500, 100, 2500)


def test_delete_nodes_and_edges_by_id(store: GraphStore) -> None:
    load_example(store)
    before = store.counts()
    assert (
        store.delete_edges(
            Rel.USES, ["USES:nope", *[e.id for e in store.whole_graph().edges if e.type == Rel.USES][:2]]
        )
        == 2
    )
    assert store.counts()[Rel.USES] == before[Rel.USES] - 2
    assert store.delete_nodes(Label.PHONE, ["T-T01", "T-nope"]) == 1
    after = store.counts()
    assert after[Label.PHONE] == before[Label.PHONE] - 1
    assert after[Rel.CALLED] == 0  # the phone's relationships went with it


def test_updating_a_relationship_keeps_its_endpoints_out_of_its_properties(store: GraphStore) -> None:
    load_example(store)
    again = EdgeRecord(
        Rel.CALLED, Label.PHONE, "T-T01", Label.PHONE, "T-T02", {"duration_s": 400}, "partner-x", "c.csv:2"
    )
    assert store.upsert_edges([again]).updated == 1
    (call,) = [e for e in store.whole_graph().edges if e.type == Rel.CALLED]
    assert call.props["duration_s"] == 400 and call.props["sources"] == ["tiny-example", "partner-x"]
    assert "src" not in call.props and "dst" not in call.props


def test_pipelined_writes_give_the_same_graph(store: GraphStore) -> None:
    people = [NodeRecord(Label.PERSON, f"P-{i:04d}", {"name": f"Person {i}"}, "bulk", f"b.csv:{i}") for i in range(900)]
    phones = [NodeRecord(Label.PHONE, f"T-{i:03d}", {"number": f"+4416329{i:05d}"}, "bulk", f"b{i}") for i in range(50)]
    uses = [
        EdgeRecord(Rel.USES, Label.PERSON, f"P-{i:04d}", Label.PHONE, f"T-{i % 50:03d}", {}, "bulk", f"b.csv:{i}")
        for i in range(900)
    ]
    with store.pipelined_writes():
        for i in range(0, 900, 300):  # the loader's pattern: nodes, then edges needing them, per batch
            created = store.upsert_nodes(people[i : i + 300] + phones, batch_size=1000).created
            assert created == 300 + (50 if i == 0 else 0)
            assert store.upsert_edges(uses[i : i + 300]).created == 300
    counts = store.counts()
    assert (counts[Label.PERSON], counts[Label.PHONE], counts[Rel.USES]) == (900, 50, 900)
    with store.pipelined_writes():
        assert store.upsert_nodes(people + phones).unchanged == 950
        assert store.upsert_edges(uses).unchanged == 900
    assert store.counts() == counts


def test_a_failed_pipelined_write_is_raised(store: GraphStore) -> None:
    def refused(*_: object) -> None:
        raise StoreError("the database refused the batch")

    with pytest.raises(StoreError, match="refused the batch"), store.pipelined_writes():
        store._submit(refused)
        store.upsert_nodes([NodeRecord(Label.PHONE, "T-1", {"number": "+441632960000"}, "s")])
    # the upsert queued behind the failure never ran; the store writes directly again
    store.upsert_nodes([NodeRecord(Label.PHONE, "T-2", {"number": "+441632960001"}, "s")])
    assert [n.id for n in store.get_nodes(Label.PHONE, ["T-1", "T-2"])] == ["T-2"]
