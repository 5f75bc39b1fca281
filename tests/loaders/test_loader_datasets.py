"""Real criminal-network datasets (CAVIAR, covert networks) and a FollowTheMoney stream."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph_tool.model import Label, Rel
from graph_tool.store.base import GraphStore
from loaders.engine import load_files


@pytest.mark.slow
def test_caviar_phases(store: GraphStore, datasets: Path) -> None:
    phases = sorted((datasets / "caviar").glob("phase*.csv"), key=lambda p: int(p.stem[5:]))
    assert len(phases) == 11
    report = load_files(store, phases, "adjacency")
    report.check()
    assert report.rows_rejected == 0 and not report.errors
    cells = 0
    for path in phases:
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        cells += sum(1 for r in rows[1:] for c in r[1:] if float(c) != 0)
    assert report.rows_read == cells == store.counts()["ASSOCIATE_OF"]
    n1 = store.get_nodes(Label.PERSON, ["n1"])
    assert n1, "the organiser n1 is a Person shared by every phase"
    phase_edges = [e for e in store.neighbourhood("n1").edges if e.type == Rel.ASSOCIATE_OF]
    assert {json.loads(e.props["attrs"])["_stem"] for e in phase_edges} >= {"phase1", "phase11"}
    again = load_files(store, phases, "adjacency")
    assert again.created == 0 and again.updated == 0


@pytest.mark.slow
@pytest.mark.parametrize("dataset", ["Siren", "Togo", "Noordin_top"])
def test_covert_networks(store: GraphStore, datasets: Path, dataset: str) -> None:
    folder = datasets / "covert_networks" / dataset
    files = sorted(folder.glob("*.csv"))
    report = load_files(store, files, "covert-networks")
    report.check()
    assert report.rows_rejected == 0 and not report.errors
    nodes = [f for f in report.files if f.file.endswith("_nodes.csv")]
    edges = [f for f in report.files if f.file.endswith("_edges.csv")]
    assert report.files[: len(nodes)] == nodes  # node files first
    names = set()
    for f in nodes:
        with Path(f.path).open(encoding="utf-8") as fh:
            names |= {r["name"] for r in csv.DictReader(fh)}
    assert store.counts()["Person"] == len(names)
    assert store.counts()["ASSOCIATE_OF"] == sum(f.rows_loaded for f in edges)
    assert all(n.id.startswith(f"{dataset}:") for n in store.whole_graph([Label.PERSON]).nodes)


@pytest.mark.slow
def test_two_covert_networks_stay_apart(store: GraphStore, datasets: Path) -> None:
    root = datasets / "covert_networks"
    files = sorted((root / "Siren").glob("*.csv")) + sorted((root / "Togo").glob("*.csv"))
    report = load_files(store, files, "covert-networks")
    assert report.rows_rejected == 0
    assert store.counts()["Person"] == 44 + 33  # Siren's "1" and Togo's "1" are different people


def test_ftm_stream(store: GraphStore, write: Callable[..., Path]) -> None:
    from followthemoney import model

    def entity(schema: str, eid: str, **props: Any) -> dict[str, Any]:
        proxy = model.make_entity(schema)
        proxy.id = eid
        for name, value in props.items():
            proxy.add(name, value)
        return proxy.to_dict()

    entities = [
        # the passport comes before its holder: the holder is resolved at the end of the file
        entity(
            "Passport",
            "doc-1",
            holder="p-1",
            number="C123 4567",
            country="vn",
            type="passport",
            startDate="2019-01-01",
            endDate="2029-01-01",
            givenName="Lan",
            surname="Nguyen",
        ),
        entity(
            "Person",
            "p-1",
            name=["Nguyen Thi Lan", "Lan Nguyen"],
            phone="+84912345678",
            gender="female",
            nationality="vn",
            birthDate="1999-03-12",
        ),
        entity("Person", "p-2", name="Wang Wei", phone="+8613800138000", nationality="cn"),
        entity("Company", "c-1", name="Happy Family Co", jurisdiction="cn", registrationNumber="91ABC"),
        entity("BankAccount", "a-1", accountNumber="GB12 3456", bankName="Bank A"),
        entity(
            "Payment",
            "pay-1",
            payer="p-2",
            beneficiary="c-1",
            payerAccount="a-1",
            amount="1500.5",
            currency="USD",
            date="2021-03-01",
            purpose="commission",
        ),
        entity("Family", "f-1", person="p-1", relative="p-2", relationship="wife"),
        entity("Associate", "as-1", person="p-1", associate="p-2", relationship="neighbour"),
        entity("Employment", "e-1", employee="p-2", employer="c-1", role="agent"),
        entity("Ownership", "o-1", owner="p-2", asset="a-1"),
        entity("Identification", "id-2", holder="p-2", number="V-77", type="visa", country="cn"),
        entity("Vessel", "v-1", name="Sea Star"),
        entity("Family", "f-2", person="p-1", relative="nobody"),
    ]
    entities[2]["properties"]["phone"].append("12")  # FtM would clean it away
    path = write("case.ftm.jsonl", "\n".join(json.dumps(e) for e in entities) + "\n")
    report = load_files(store, [path], "ftm")
    report.check()
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_skipped) == (13, 11, 1, 1)
    assert "relative: refers to 'nobody'" in report.rejections[0]
    lan = store.get_nodes(Label.PERSON, ["p-1"])[0]
    assert lan.props["name"] == "Nguyen Thi Lan" and lan.props["aliases"] == ["Lan Nguyen"]
    assert lan.props["sex"] == "female" and lan.props["nationality"] == "VN"
    graph = store.whole_graph()
    types = sorted(e.type for e in graph.edges)
    assert types.count(Rel.USES) == 3 and Rel.MARRIED_TO in types and Rel.ASSOCIATE_OF in types
    assert types.count(Rel.HOLDS) == 2 and Rel.OWNS in types and Rel.EMPLOYED_BY in types
    assert types.count(Rel.SENT) == 2 and types.count(Rel.PAID_TO) == 1
    doc = store.get_nodes(Label.DOCUMENT, ["doc-1"])[0]
    assert doc.props["number_norm"] == "C1234567" and doc.props["issuing_country"] == "VN"
    assert store.get_nodes(Label.DOCUMENT, ["id-2"])[0].props["doc_type"] == "visa"
    invalid = [n for n in graph.nodes if n.label == Label.PHONE and n.props.get("valid") is False]
    assert len(invalid) == 1
    again = load_files(store, [path], "ftm")
    assert again.created == 0 and again.updated == 0
