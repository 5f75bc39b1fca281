"""The saved-query library: every file valid, typed, read-only, and runnable on both stores."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from graph_tool import querylib
from graph_tool.example import load_example
from graph_tool.querylib import QueryError, SavedQuery
from graph_tool.store.base import Edge, GraphStore, Node, ReadOnlyViolation, StoreError

LIBRARY = querylib.load_library()
IDS = sorted(LIBRARY)


def test_the_library_has_at_least_25_queries_in_categories() -> None:
    assert len(LIBRARY) >= 25
    assert len({q.category for q in LIBRARY.values()}) >= 6


@pytest.mark.parametrize("query_id", IDS)
def test_every_query_is_valid(query_id: str) -> None:
    q = LIBRARY[query_id]
    assert q.header.read_only
    for body in filter(None, (q.cypher, q.embedded_cypher)):
        assert querylib.used_parameters(body) == set(q.header.params)
    for name, spec in q.header.params.items():
        assert spec.default is not None or spec.example is not None or not spec.is_required, f"{name}: no example"
    again = querylib.parse(q.text(), q.id)  # renders and re-parses to the same query
    assert again.header == q.header and again.cypher == q.cypher


def example_params(q: SavedQuery) -> dict[str, Any]:
    return querylib.bind(q, {n: s.example for n, s in q.header.params.items() if s.example is not None})


def normalised(value: Any) -> Any:
    if isinstance(value, Node):
        return ("node", value.label, value.id)
    if isinstance(value, Edge):
        return ("edge", value.type, value.id)
    if isinstance(value, list):
        return sorted((normalised(v) for v in value), key=repr)
    if isinstance(value, float):
        return round(value, 6)
    return value


def run(store: GraphStore, q: SavedQuery, params: dict[str, Any]) -> Any:
    body = q.cypher_for(store.kind)
    if q.header.returns == "graph":
        sub = store.read_subgraph(body, params)
        return sorted(n.id for n in sub.nodes), sorted(e.id for e in sub.edges)
    return [{k: normalised(v) for k, v in row.items()} for row in store.read(body, params)]


@pytest.mark.parametrize("query_id", IDS)
def test_every_query_runs_on_the_example(store: GraphStore, query_id: str) -> None:
    load_example(store)
    q = LIBRARY[query_id]
    result = run(store, q, example_params(q))
    assert result is not None


TINY_PARAMS = {
    "shared-phone-with-person": {"person_id": "P-T03"},
    "calls-between-people": {"person_a": "P-T04", "person_b": "P-T03"},
    "visa-sponsors-of-women": {"nationality": "VN"},
    "victims-recruited-by": {"recruiter_id": "P-T04"},
    "commission-paid-to-broker": {"broker_id": "P-T03"},
    "shortest-path-between-people": {"person_a": "P-T05", "person_b": "P-T04"},
    "people-by-role": {"role": "victim"},
    "border-crossings-in-window": {"from_date": "2023-01-01", "to_date": "2023-12-31"},
    "introductions-by-broker": {"broker_id": "P-T03"},
}
TINY_EXPECTED: dict[str, Any] = {
    "shared-phone-with-person": ([], []),  # the broker shares his phone with an organisation, not a person
    "calls-between-people": (["P-T03", "P-T04", "T-T01", "T-T02"], 3),
    "visa-sponsors-of-women": (["D-T01", "D-T02", "O-T01", "P-T01", "P-T02"], 4),
    "victims-recruited-by": (["P-T01", "P-T02", "P-T04"], 2),
    "commission-paid-to-broker": [],  # commission went to the broker's account, not to him directly
    "shortest-path-between-people": 4,  # P-T05 -MARRIED- P-T01 -RECRUITED- P-T04: 3 nodes and 2 relationships
    "people-by-role": ["P-T01", "P-T02"],
    "border-crossings-in-window": ["P-T01", "P-T02", "P-T04"],
    "introductions-by-broker": (["P-T01", "P-T02", "P-T03", "P-T05", "P-T06"], 4),
}


@pytest.mark.parametrize("query_id", sorted(TINY_EXPECTED))
def test_known_answers_on_the_example(store: GraphStore, query_id: str) -> None:
    load_example(store)
    q = LIBRARY[query_id]
    result = run(store, q, querylib.bind(q, TINY_PARAMS[query_id]))
    expected = TINY_EXPECTED[query_id]
    if query_id == "shortest-path-between-people":
        nodes, edges = result
        assert (len(nodes), len(edges)) == (3, 2)
        assert {"P-T05", "P-T04"} <= set(nodes)
        return
    if isinstance(expected, tuple) and isinstance(expected[1], int):
        assert result[0] == expected[0] and len(result[1]) == expected[1]
    elif query_id in ("people-by-role",):
        assert [r["person_id"] for r in result] == expected
    elif query_id == "border-crossings-in-window":
        assert sorted(r["person_id"] for r in result) == expected
    else:
        assert result == expected


def test_same_answers_on_both_stores(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from tests.conftest import _open

    results = {}
    for kind in ("embedded", "neo4j"):
        with _open(kind, tmp_path / kind, request) as s:
            s.create_schema()
            load_example(s)
            results[kind] = {qid: run(s, LIBRARY[qid], example_params(LIBRARY[qid])) for qid in IDS}
            results[kind].update(
                {f"tiny:{k}": run(s, LIBRARY[k], querylib.bind(LIBRARY[k], v)) for k, v in TINY_PARAMS.items()}
            )
    differing = [k for k in results["embedded"] if results["embedded"][k] != results["neo4j"][k]]
    assert not differing, {k: (results["embedded"][k], results["neo4j"][k]) for k in differing}


@pytest.mark.neo4j
@pytest.mark.parametrize("query_id", IDS)
def test_neo4j_explain_says_read_only(neo4j_store: GraphStore, query_id: str) -> None:
    q = LIBRARY[query_id]
    assert neo4j_store.query_type(q.cypher, example_params(q)) == "r"  # type: ignore[attr-defined]


def test_the_store_refuses_a_write_from_a_read_only_query(store: GraphStore) -> None:
    q = querylib.parse(
        "// title: Sneaky\n// description: claims to read\n// category: people\n// returns: table\n"
        "// read_only: false\nMATCH (p:Person) SET p.name = 'x' RETURN p.id\n",
        "sneaky",
    )
    with pytest.raises((ReadOnlyViolation, StoreError)):
        store.read(q.cypher)


HEAD = "// title: Test one\n// description: a test\n// category: c\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("// returns: table\nMATCH (p:Person {id: $id}) RETURN p", "not declared ['id']"),
        ("// returns: table\n// params:\n//   x: {type: string}\nMATCH (p) RETURN p", "but not used ['x']"),
        ("// returns: table\nMATCH (p:Victim) RETURN p", "labels not in the model: ['Victim']"),
        ("// returns: table\nMATCH (p)-[:KNOWS]->(q) RETURN p", "relationship types not in the model: ['KNOWS']"),
        ("// returns: table\nMATCH (p:Person) DETACH DELETE p", "writes"),
        ("// returns: chart\nMATCH (p:Person) RETURN p", "returns"),
        ("// returns: table\n// colour: red\nMATCH (p:Person) RETURN p", "colour"),
        ("// returns: table\n// params:\n//   n: {type: integer, default: x}\nMATCH (p) RETURN p LIMIT $n", "params.n"),
    ],
)
def test_the_validator_is_strict(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=None) as info:
        querylib.parse(HEAD + text, "bad")
    assert message in str(info.value)


def test_binding_checks_types_choices_and_ranges() -> None:
    q = LIBRARY["people-by-role"]
    assert querylib.bind(q, {"role": "broker"}) == {"role": "broker", "limit": 200}
    with pytest.raises(QueryError, match="not one of"):
        querylib.bind(q, {"role": "astronaut"})
    with pytest.raises(QueryError, match="above the maximum"):
        querylib.bind(q, {"role": "broker", "limit": "100000"})
    with pytest.raises(QueryError, match="required"):
        querylib.bind(q, {})
    with pytest.raises(QueryError, match="unknown parameters"):
        querylib.bind(q, {"role": "broker", "name": "x"})
    window = LIBRARY["payments-in-window"]
    with pytest.raises(QueryError, match="not a valid date"):
        querylib.bind(window, {"from_date": "2023-02-30", "to_date": "2023-03-01"})


def test_packs_round_trip_and_bloodhound_import(tmp_path: Path) -> None:
    pack = tmp_path / "pack.zip"
    assert querylib.export_pack(LIBRARY.values(), pack) == len(LIBRARY)
    with zipfile.ZipFile(pack) as zf:
        assert json.loads(zf.read("manifest.json"))["queries"] == list(LIBRARY)
    back = querylib.read_pack(pack)
    assert not back.refused and {q.id for q in back.imported} == set(LIBRARY)

    bh_yaml = tmp_path / "bh.yaml"
    bh_yaml.write_text(
        "name: Brokers paid by many\ncategory: Money\ndescription: Commission fan-in\n"
        "query: |-\n  MATCH (x)-[:SENT]->(p:Payment)-[:PAID_TO]->(b:Person) WHERE p.purpose = $purpose RETURN b\n",
        encoding="utf-8",
    )
    got = querylib.read_pack(bh_yaml)
    assert [q.id for q in got.imported] == ["brokers-paid-by-many"] and got.imported[0].category == "money"
    assert set(got.imported[0].header.params) == {"purpose"}

    legacy = tmp_path / "customqueries.json"
    legacy.write_text(
        json.dumps(
            {
                "queries": [
                    {
                        "name": "Domain admins",
                        "category": "AD",
                        "queryList": [{"final": True, "query": "MATCH (g:Group) RETURN g"}],
                    },
                    {
                        "name": "People",
                        "category": "People",
                        "queryList": [{"final": True, "query": "MATCH (p:Person) RETURN p"}],
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    mixed = querylib.read_pack(legacy)
    assert [q.id for q in mixed.imported] == ["people"]
    assert mixed.refused[0][0] == "Domain admins" and "Group" in mixed.refused[0][1]
