"""The fast paths of a load give what the general paths give: the store's planning of ids
not stored yet, and a batch whose every row a spec's ``where`` filters out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph_tool.model import Label
from graph_tool.store.base import (
    MANAGED,
    GraphStore,
    NodeRecord,
    StoreError,
    check_props,
    fresh_props,
    merge_props,
    node_prop_types,
)
from loaders.engine import load_files
from loaders.spec import parse_spec

VALUES: list[Any] = [
    None,
    "",
    "a",
    " b ",
    "2020-01-01",
    ["x", "x", "y"],
    [],
    ["", "a"],
    [1, "1"],
    ("t", "t"),
    0,
    2.5,
    True,
    {"k": 1},
]


def _general(props: dict[str, Any]) -> dict[str, Any]:
    """What an id not stored yet got before the fast path: checked, then merged into nothing."""
    types = node_prop_types(Label.PERSON)
    return merge_props(types, {}, check_props(types, {k: v for k, v in props.items() if k not in MANAGED}, "Person"))


@pytest.mark.parametrize(
    "name", ["notes", "aliases", "birth_date", "confidence", "broker_rank", "hub", "sources", "loaded_at"]
)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_fresh_props_is_a_merge_into_nothing(name: str, value: Any) -> None:
    props = {"name": "A", name: value, "roles": ["victim", "victim"]}
    types = node_prop_types(Label.PERSON)
    try:
        expected = _general(props)
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)):
            fresh_props(types, props, "Person")
        return
    got = fresh_props(types, props, "Person")
    assert list(got.items()) == list(expected.items())
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_fresh_props_refuses_an_undeclared_property_as_check_props_does() -> None:
    types = node_prop_types(Label.PERSON)
    with pytest.raises(StoreError) as general:
        check_props(types, {"name": "A", "shoe_size": 42}, "Person")
    with pytest.raises(StoreError) as fast:
        fresh_props(types, {"name": "A", "shoe_size": 42}, "Person")
    assert str(fast.value) == str(general.value)


def test_new_ids_repeated_in_a_batch_merge_as_before(store: GraphStore) -> None:
    first_props = {"name": "A", "roles": ["victim", "victim"], "aliases": [], "notes": ""}
    records = [
        NodeRecord(Label.PERSON, "p1", first_props, "s", "1"),
        NodeRecord(Label.PERSON, "p1", {"name": "B", "roles": ["witness", "victim"], "notes": None}, "s", "2"),
        NodeRecord(Label.PERSON, "p2", {"name": "C", "birth_date": "1990"}, "t"),
    ]
    first = store.upsert_nodes(records)
    assert first.as_dict() == {"created": 2, "updated": 0, "unchanged": 0}
    nodes = {n.id: n.props for n in store.get_nodes(Label.PERSON, ["p1", "p2"])}
    assert (nodes["p1"]["name"], nodes["p1"]["roles"]) == ("B", ["victim", "witness"])
    assert (nodes["p1"]["sources"], nodes["p1"]["source_refs"]) == (["s"], ["s:1", "s:2"])
    assert not nodes["p1"].get("aliases") and not nodes["p1"].get("notes")
    assert (nodes["p2"]["birth_date"], nodes["p2"]["sources"]) == ("1990", ["t"])
    assert not nodes["p2"].get("source_refs")
    assert nodes["p1"]["loaded_at"] == nodes["p1"]["updated_at"]
    assert store.upsert_nodes(records).as_dict() == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_batch_whose_rows_are_all_filtered_out(store: GraphStore, write: Callable[..., Path]) -> None:
    text = """
name: victims-only
reader: {format: csv}
where:
  - {column: role, equals: victim}
nodes:
  - alias: person
    label: Person
    id_column: person_id
    properties:
      name: {column: full_name, normalise: name}
      roles: {column: role, split: ";"}
"""
    spec = parse_spec(yaml.safe_load(text), "victims-only", text)
    rows = "".join(f"P-{i},Person {i},{'victim' if i >= 6 else 'suspect'}\n" for i in range(8))
    path = write("people.csv", "person_id,full_name,role\n" + rows)
    report = load_files(store, [path], spec, batch_size=3)  # the first two batches keep no row
    assert (report.rows_read, report.rows_skipped, report.rows_loaded) == (8, 6, 2)
    nodes = store.get_nodes(Label.PERSON, ["P-5", "P-6", "P-7"])
    assert sorted((n.id, n.props["name"], n.props["roles"]) for n in nodes) == [
        ("P-6", "Person 6", ["victim"]),
        ("P-7", "Person 7", ["victim"]),
    ]
