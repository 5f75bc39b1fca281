"""Test data and helpers for the export tests: a case that uses every label, every
relationship type, every property type, and text that breaks naive writers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from graph_tool.export.common import business_props
from graph_tool.model import Label, Rel
from graph_tool.store.base import EdgeRecord, GraphStore, NodeRecord, Subgraph

SHARED = Path(os.environ.get("GRAPH_TOOL_SHARED", Path(__file__).resolve().parents[3] / "shared"))
SCHEMAS = SHARED / "schemas"
GRAPHML_XSD = SCHEMAS / "graphml-1.0" / "graphml.xsd"
GEXF_XSD = SCHEMAS / "gexf-1.3" / "gexf.xsd"
ANX_EXAMPLE = SCHEMAS / "anx" / "example_generated_by_anxwritter_1.25.0.anx"

SOURCE = "rich-case"
NASTY = 'Trần "Mai" O\'Neil, <img src=x onerror=alert(1)> & back\\slash; pipe | tab\tnew\nline 🙂'

L, R = Label, Rel


def _n(label: Label, node_id: str, **props: Any) -> NodeRecord:
    return NodeRecord(label, node_id, props, SOURCE, f"rich.json:{node_id}")


def _e(rel: Rel, a: tuple[Label, str], b: tuple[Label, str], key: str = "", **props: Any) -> EdgeRecord:
    return EdgeRecord(rel, a[0], a[1], b[0], b[1], props, SOURCE, f"rich.json:{rel}:{a[1]}:{b[1]}:{key}", key)


P1, P2, P3, P4, P5 = ((L.PERSON, f"P-{i}") for i in range(1, 6))
O1, O2 = (L.ORGANISATION, "O-1"), (L.ORGANISATION, "O-2")
T1, T2 = (L.PHONE, "T-1"), (L.PHONE, "T-2")
D1, D2 = (L.DOCUMENT, "D-1"), (L.DOCUMENT, "D-2")
A1, A2 = (L.ACCOUNT, "A-1"), (L.ACCOUNT, "A-2")
PAY1, PAY2 = (L.PAYMENT, "PAY-1"), (L.PAYMENT, "PAY-2")
AD1 = (L.ADDRESS, "AD-1")
EV1 = (L.EVENT, "EV-1")
F1 = (L.FINDING, "F-1")
C1 = (L.CANDIDATE, "C-1")
S1 = (L.SOURCE, "S-rich")


def rich_records() -> tuple[list[NodeRecord], list[EdgeRecord]]:
    nodes = [
        _n(
            L.PERSON,
            "P-1",
            name=NASTY,
            aliases=["Mai; T.", "M|T", "Mai"],
            birth_date="1999-04-02",
            sex="female",
            nationality="VN",
            roles=["victim"],
            indicators=["withholding_documents", "isolation"],
            ring_id="R-1",
            ring_score=87.5,
            broker_rank=3,
            hub=False,
            confidence=0.9,
            notes="line one\nline two",
            attrs=json.dumps({"eye": "brown", "height_cm": 160}),
        ),
        _n(
            L.PERSON,
            "P-2",
            name="Lê Thị Hoa",
            birth_date="2001",
            sex="female",
            nationality="VN",
            roles=["victim"],
            ring_id="R-1",
        ),
        _n(
            L.PERSON,
            "P-3",
            name="Wang Jun",
            birth_date="1978-01",
            sex="male",
            nationality="CN",
            roles=["broker", "suspect"],
            betweenness=0.4321,
            ring_id="R-1",
        ),
        _n(L.PERSON, "P-4", name="Phạm Văn Long", sex="male", nationality="VN", roles=["recruiter"]),
        _n(L.PERSON, "P-5", sex="male", nationality="CN", roles=["buyer"]),
        _n(
            L.ORGANISATION,
            "O-1",
            name="Happy Union Marriage Service",
            org_type="marriage_agency",
            country="CN",
            registration_number="91-440300",
        ),
        _n(L.ORGANISATION, "O-2", name="Red River Labour Co.", org_type="employer", country="VN"),
        _n(L.PHONE, "T-1", number="+84912345678", raw="0912 345 678", valid=True, country="VN", kind="mobile"),
        _n(
            L.PHONE,
            "T-2",
            number="+8613812345678",
            raw="138 1234 5678",
            valid=True,
            country="CN",
            kind="mobile",
            generic=False,
        ),
        _n(
            L.DOCUMENT,
            "D-1",
            doc_type="passport",
            number="C1234567",
            number_norm="C1234567",
            issuing_country="VN",
            issue_date="2019-05-01",
            expiry_date="2029-04-30",
            status="forged",
            name_on_document="TRAN THI MAI",
            birth_date_on_document="1999-04-02",
            mrz="P<VNMTRAN<<THI<MAI<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        ),
        _n(
            L.DOCUMENT,
            "D-2",
            doc_type="visa",
            number="CN-V 0041877",
            issuing_country="CN",
            issue_date="2023-02-01",
            expiry_date="2023-05-01",
            status="valid",
        ),
        _n(
            L.ACCOUNT,
            "A-1",
            account_type="bank",
            number="6222020200112233",
            institution="Example Bank",
            country="CN",
            currency="CNY",
            holder_name="WANG JUN",
        ),
        _n(L.ACCOUNT, "A-2", account_type="mobile_money", number="0912345678", institution="MoMo", country="VN"),
        _n(
            L.PAYMENT,
            "PAY-1",
            amount=60000.0,
            currency="CNY",
            date="2023-03-02",
            purpose="commission",
            reference="REF/001",
            channel="bank transfer",
        ),
        _n(L.PAYMENT, "PAY-2", amount=1234.56, currency="VND", date="2023-03", purpose="debt"),
        _n(
            L.ADDRESS,
            "AD-1",
            full="12 Hàng Bạc, Hà Nội",
            street="12 Hàng Bạc",
            city="Hà Nội",
            country="VN",
            lat=21.0341,
            lon=105.8516,
            kind="home",
        ),
        _n(
            L.EVENT,
            "EV-1",
            event_type="border_crossing",
            stage="transportation",
            date="2023-02-20",
            place="Mong Cai / Dongxing",
            country="CN",
            from_country="VN",
            description="crossed at night",
        ),
        _n(
            L.FINDING,
            "F-1",
            check="shared_document",
            severity="high",
            score=0.95,
            reason="passport C1234567 held by two people",
            analysis="fraud",
        ),
        _n(
            L.CANDIDATE,
            "C-1",
            left_id="P-1",
            right_id="P-2",
            entity_label=str(L.PERSON),
            score=0.41,
            explanation=json.dumps({"name": 0.2}),
            status="open",
            decided_at="2024-01-02T03:04:05+00:00",
        ),
        _n(L.SOURCE, "S-rich", name="rich case", kind="file", file="rich.json", rows=42),
    ]
    edges = [
        _e(R.HOLDS, P1, D1, confidence=0.9),
        _e(R.HOLDS, P2, D1, confidence=0.3),
        _e(R.USES, P1, T1),
        _e(R.USES, P3, T2),
        _e(R.USES, O1, T2, start_date="2022-01-01", end_date="2023-12"),
        _e(R.LIVES_AT, P1, AD1),
        _e(R.LOCATED_AT, O1, AD1),
        _e(R.LOCATED_AT, EV1, AD1),
        _e(R.OWNS, P3, A1),
        _e(R.OWNS, O1, A2),
        _e(R.SENT, P5, PAY1),
        _e(R.SENT, A2, PAY2),
        _e(R.PAID_TO, PAY1, A1),
        _e(R.PAID_TO, PAY2, P3),
        _e(R.CALLED, T1, T2, "cdr:1", date="2023-01-15", time="21:05", duration_s=312, kind="call"),
        _e(R.CALLED, T1, T2, "cdr:2", date="2023-01-16", duration_s=45, kind="call", weight=2.0),
        _e(R.EMPLOYED_BY, P4, O2, position="driver"),
        _e(R.RECRUITED, P4, P1, date="2023-01-10", promise="factory job, 'good pay'", confidence=0.6),
        _e(R.RECRUITED, O1, P2, date="2023-01-12"),
        _e(R.TRANSPORTED, P4, P1, date="2023-02-20", route="Lạng Sơn → Mong Cai"),
        _e(R.INTRODUCED, P3, P1, date="2023-03-01", to_id="P-5"),
        _e(R.MARRIED_TO, P1, P5, date="2023-03-05"),
        _e(R.FAMILY_OF, P1, P2, relation="sister"),
        _e(R.ASSOCIATE_OF, P3, P4, relation="business partner", attrs=json.dumps({"met": "2019"})),
        _e(R.SPONSORED, O1, D2),
        _e(R.ISSUED, O2, D2),
        _e(R.PARTICIPATED_IN, P1, EV1, role="victim"),
        _e(R.USED_IN, D1, EV1),
        _e(R.USED_IN, T1, EV1),
        _e(R.USED_IN, A1, EV1),
        _e(R.EVIDENCE, F1, D1, reason="the shared document"),
        _e(R.EVIDENCE, F1, P1),
        _e(R.CANDIDATE_FOR, C1, P1, side="left"),
        _e(R.CANDIDATE_FOR, C1, P2, side="right"),
    ]
    return nodes, edges


def load_rich(store: GraphStore) -> Subgraph:
    """Load the rich case into ``store``; return the whole graph as the store gives it."""
    nodes, edges = rich_records()
    store.create_schema()
    created = store.upsert_nodes(nodes)
    linked = store.upsert_edges(edges)
    assert created.created == len(nodes) and linked.created == len(edges), (created, linked)
    return store.whole_graph()


def canonical(sub: Subgraph, provenance: bool = False) -> dict[str, Any]:
    """Nodes and relationships by id, with their properties (provenance left out unless asked)."""

    def props(p: Any) -> dict[str, Any]:
        kept = dict(p) if provenance else business_props(p)
        return {k: _norm(v) for k, v in sorted(kept.items()) if v is not None}

    return {
        "nodes": {n.id: (n.label, props(n.props)) for n in sub.nodes},
        "edges": {e.id: (e.type, e.source, e.target, props(e.props)) for e in sub.edges},
    }


def _norm(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def without(sub: Subgraph, ids: set[str]) -> Subgraph:
    """The subgraph without some nodes (and their relationships)."""
    nodes = tuple(n for n in sub.nodes if n.id not in ids)
    keep = {n.id for n in nodes}
    return Subgraph(nodes, tuple(e for e in sub.edges if e.source in keep and e.target in keep))
