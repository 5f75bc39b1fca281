"""FollowTheMoney export: every line parsed and validated by the ``followthemoney`` package."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from exportkit import load_rich
from followthemoney import model

from graph_tool.export import export_bytes, read_subgraph
from graph_tool.export.ftm import CONTEXT_KEY, EDGE_ENTITIES, ftm_id, read_ftm
from graph_tool.model import Label, Rel
from graph_tool.store.base import GraphStore, Subgraph
from graph_tool.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Subgraph]:
    store: GraphStore = EmbeddedStore(tmp_path_factory.mktemp("rich-ftm") / "case")
    try:
        yield load_rich(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def lines(rich: Subgraph) -> list[dict[str, Any]]:
    return [json.loads(line) for line in export_bytes(rich, "ftm").decode().splitlines()]


@pytest.fixture(scope="module")
def by_id(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {d["id"]: model.get_proxy(d, cleaned=False) for d in lines}


def test_every_line_is_a_valid_ftm_entity(lines: list[dict[str, Any]]) -> None:
    ids = [d["id"] for d in lines]
    assert len(ids) == len(set(ids))
    for data in lines:
        proxy = model.get_proxy(data, cleaned=False)
        assert not proxy.schema.abstract
        proxy.schema.validate(proxy.to_dict())  # raises InvalidData on a bad value
        for prop, values in proxy.properties.items():
            for value in values:
                assert proxy.schema.properties[prop].type.validate(value), (data["id"], prop, value)
        missing = [p for p in proxy.schema.required if not proxy.has(p)]
        if data["id"] == "D-2":  # a visa whose holder is not in the subgraph: FtM has nothing else for it
            assert missing == ["holder"]
            continue
        assert not missing, (data["id"], proxy.schema.name, missing)
        # what FtM keeps: the same dictionary back, our context included
        assert proxy.to_dict() == data
        assert CONTEXT_KEY in data


def test_references_point_at_entities_in_the_file(by_id: dict[str, Any]) -> None:
    for proxy in by_id.values():
        for prop, values in proxy.properties.items():
            if proxy.schema.properties[prop].type.name == "entity":
                for value in values:
                    assert value in by_id, (proxy.id, prop, value)


def test_the_mapping_of_our_model(by_id: dict[str, Any]) -> None:
    assert "Phone" not in {p.schema.name for p in by_id.values()}  # FtM has no Phone entity
    p1, p3, o1 = by_id["P-1"], by_id["P-3"], by_id["O-1"]
    assert p1.schema.name == "Person" and "victim" in " ".join(p1.get("keywords"))
    assert p1.get("phone") == ["+84912345678"] and p3.get("phone") == ["+8613812345678"]
    assert o1.schema.name == "Organization" and o1.get("phone") == ["+8613812345678"]
    assert by_id["T-2"].schema.name == "Note" and set(by_id["T-2"].get("entity")) == {"P-3", "O-1"}
    assert by_id["D-1"].schema.name == "Passport" and set(by_id["D-1"].get("holder")) == {"P-1", "P-2"}
    d2 = by_id["D-2"]
    assert d2.schema.name == "Identification" and d2.get("type") == ["visa"]  # FtM has no Visa schema
    pay1, pay2 = by_id["PAY-1"], by_id["PAY-2"]
    assert pay1.get("payer") == ["P-5"] and pay1.get("beneficiaryAccount") == ["A-1"]
    assert pay2.get("payerAccount") == ["A-2"] and pay2.get("beneficiary") == ["P-3"]
    schemas = {}
    for proxy in by_id.values():
        schemas.setdefault(proxy.schema.name, []).append(proxy)
    (marriage,) = [f for f in schemas["Family"] if f.get("relationship") == ["spouse"]]
    assert marriage.get("person") == ["P-1"] and marriage.get("relative") == ["P-5"]
    (sister,) = [f for f in schemas["Family"] if f.get("relationship") == ["sister"]]
    assert sister.get("relative") == ["P-2"]
    (associate,) = schemas["Associate"]
    assert associate.get("person") == ["P-3"] and associate.get("associate") == ["P-4"]
    (employment,) = schemas["Employment"]
    assert employment.get("employee") == ["P-4"] and employment.get("employer") == ["O-2"]
    assert {(o.first("owner"), o.first("asset")) for o in schemas["Ownership"]} == {("P-3", "A-1"), ("O-1", "A-2")}
    assert len(schemas["Call"]) == 2 and all(c.get("callerNumber") == ["+84912345678"] for c in schemas["Call"])
    roles = {u.first("role") for u in schemas["UnknownLink"]}
    assert roles == {"recruited", "transported", "introduced", "sponsored", "issued", "used_in"}
    assert by_id["P-1"].get("addressEntity") == ["AD-1"] and by_id["EV-1"].get("involved") == ["P-1"]


def test_ids_are_ours(rich: Subgraph, by_id: dict[str, Any]) -> None:
    assert {n.id for n in rich.nodes} <= set(by_id)
    own_entities = {ftm_id(e.id) for e in rich.edges if e.type in EDGE_ENTITIES or e.type == Rel.CALLED}
    assert own_entities <= set(by_id)  # relationships that are FtM entities of their own keep their ids
    assert len(own_entities) == 17


def test_a_partners_ftm_without_our_context_maps_back(rich: Subgraph, lines: list[dict[str, Any]]) -> None:
    """What Aleph would send back: the same entities, no ``graph_tool`` context."""
    plain = "\n".join(json.dumps({k: v for k, v in d.items() if k != CONTEXT_KEY}) for d in lines).encode()
    back = read_ftm(plain)
    assert back == read_ftm(plain, use_context=False)
    ftm_labels = {
        Label.PERSON,
        Label.ORGANISATION,
        Label.DOCUMENT,
        Label.ACCOUNT,
        Label.PAYMENT,
        Label.ADDRESS,
        Label.EVENT,
        Label.PHONE,
    }
    expected_nodes = {(n.label, n.id) for n in rich.nodes if n.label in ftm_labels}
    assert {(n.label, n.id) for n in back.nodes} == expected_nodes
    no_ftm = {Rel.EVIDENCE, Rel.CANDIDATE_FOR}  # their ends are our own Notes (Finding, MatchCandidate)
    expected = {(e.type, e.source, e.target) for e in rich.edges if e.type not in no_ftm}
    assert {(e.type, e.source, e.target) for e in back.edges} == expected
    got = {n.id: n for n in back.nodes}
    assert got["P-1"].props["roles"] == ["victim"] and got["P-1"].props["aliases"] == ["Mai; T.", "M|T", "Mai"]
    assert got["D-1"].props["doc_type"] == "passport" and got["D-2"].props["doc_type"] == "visa"
    assert got["PAY-1"].props["amount"] == 60000.0 and got["T-1"].props["number"] == "+84912345678"
    calls = sorted(e.props["duration_s"] for e in back.edges if e.type == Rel.CALLED)
    assert calls == [45, 312]


def test_read_subgraph_uses_the_context(rich: Subgraph) -> None:
    back = read_subgraph(export_bytes(rich, "ftm"), "ftm")
    assert {n.id: dict(n.props) for n in back.nodes} == {n.id: dict(n.props) for n in rich.nodes}


def test_an_unknown_ftm_schema_is_refused_with_its_line() -> None:
    data = b'{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "b", "schema": "Spaceship"}\n'
    with pytest.raises(ValueError, match="line 2"):
        read_ftm(data)
