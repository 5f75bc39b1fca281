"""A small case with planted victims, for the sharing tests (data and helpers).

Three victims with distinctive names (no token of a victim's name appears in anyone
else's structured data), their documents, phone, account and home; suspects whose free
text mentions a victim; a source named after a victim's statement; a finding quoting a
victim's passport number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph_tool.model import Label, Rel
from graph_tool.normalise import name_key, normalise_document_number
from graph_tool.store.base import Edge, EdgeRecord, GraphStore, Node, NodeRecord, Subgraph

SHARE_KEY = b"test team secret: 32 bytes long!"
SOURCE = "S-LOTUS"

P, D, T, A, AD, ORG, EV, S, F = (
    Label.PERSON,
    Label.DOCUMENT,
    Label.PHONE,
    Label.ACCOUNT,
    Label.ADDRESS,
    Label.ORGANISATION,
    Label.EVENT,
    Label.SOURCE,
    Label.FINDING,
)

MRZ_V1 = "P<VNMNGUYEN<<THI<XUYEN<<<<<<<<<<<<<<<<<<<<<<<\nC7712345<4VNM9811237F2801012<<<<<<<<<<<<<<02"

NODES: list[tuple[Label, str, dict[str, Any]]] = [
    # victims
    (
        P,
        "P-V1",
        {
            "name": "Nguyễn Thị Xuyến",
            "name_key": name_key("Nguyễn Thị Xuyến"),
            "aliases": ["Xuyen Nguyen", "Bé Xuyến"],
            "birth_date": "1998-11-23",
            "sex": "female",
            "nationality": "VN",
            "roles": ["victim"],
            "notes": "Xuyến told the shelter she was beaten",
        },
    ),
    (
        P,
        "P-V2",
        {
            "name": "Đặng Thùy Quỳnh",
            "name_key": name_key("Đặng Thùy Quỳnh"),
            "birth_date": "2000-02-14",
            "sex": "female",
            "nationality": "VN",
            "roles": ["victim", "witness"],
        },
    ),
    (
        P,
        "P-V3",
        {
            "name": "Ayşe Kaplanoğlu",
            "name_key": name_key("Ayşe Kaplanoğlu"),
            "birth_date": "1995-07-07",
            "sex": "female",
            "nationality": "TR",
            "roles": ["victim"],
        },
    ),
    (
        D,
        "D-V1",
        {
            "doc_type": "passport",
            "number": "C7712345",
            "number_norm": "C7712345",
            "issuing_country": "VN",
            "mrz": MRZ_V1,
            "name_on_document": "NGUYEN THI XUYEN",
            "birth_date_on_document": "1998-11-23",
            "photo_hash": "ph:9f3e2a11",
        },
    ),
    (D, "D-V2", {"doc_type": "passport", "number": "B-445 5667", "number_norm": "B4455667", "issuing_country": "VN"}),
    (D, "D-V3", {"doc_type": "visa", "number": "TRV-0098812", "number_norm": "TRV0098812", "issuing_country": "CN"}),
    (T, "T-V1", {"number": "+84987654321", "raw": "0987 654 321", "valid": True, "country": "VN"}),
    (
        A,
        "A-V1",
        {"account_type": "bank", "number": "VN0011223344556677", "holder_name": "Nguyen Thi Xuyen", "country": "VN"},
    ),
    (
        AD,
        "AD-V1",
        {"full": "12 Hang Bac, Hoan Kiem, Ha Noi", "street": "12 Hang Bac", "city": "Ha Noi", "country": "VN"},
    ),
    (AD, "AD-V3", {"full": "Kordon 5, Izmir", "street": "Kordon 5", "city": "Izmir", "country": "TR"}),
    # suspects and the rest
    (
        P,
        "P-S1",
        {
            "name": "Trương Văn Bảo",
            "birth_date": "1980-05-05",
            "sex": "male",
            "nationality": "VN",
            "roles": ["broker", "suspect"],
            "notes": "recruited Nguyễn Thị Xuyến in 2023; kept her passport C7712345",
        },
    ),
    (
        P,
        "P-S2",
        {"name": "Zhao Gang", "birth_date": "1975-01-01", "sex": "male", "nationality": "CN", "roles": ["buyer"]},
    ),
    (T, "T-S1", {"number": "+8613912345678", "raw": "139 1234 5678", "valid": True, "country": "CN"}),
    (D, "D-S1", {"doc_type": "passport", "number": "E99001122", "number_norm": "E99001122", "issuing_country": "CN"}),
    (ORG, "O-1", {"name": "Golden Bridge Matchmaking", "org_type": "marriage_agency", "country": "CN"}),
    (EV, "EV-1", {"event_type": "border_crossing", "date": "2023-04-01", "country": "CN", "from_country": "VN"}),
    (
        F,
        "F-1",
        {"check": "shared_document", "severity": "high", "reason": "passport C77-12345 was seen with P-V1 and P-S1"},
    ),
    (S, SOURCE, {"name": "statement of Nguyen Thi Xuyen", "kind": "statement", "file": "/cases/lotus/xuyen.pdf"}),
]

EDGES: list[tuple[Rel, str, str, dict[str, Any]]] = [
    (Rel.HOLDS, "P-V1", "D-V1", {}),
    (Rel.HOLDS, "P-V2", "D-V2", {}),
    (Rel.HOLDS, "P-V3", "D-V3", {}),
    (Rel.USES, "P-V1", "T-V1", {}),
    (Rel.OWNS, "P-V1", "A-V1", {}),
    (Rel.LIVES_AT, "P-V1", "AD-V1", {}),
    (Rel.LIVES_AT, "P-V3", "AD-V3", {}),
    (Rel.USES, "P-S1", "T-S1", {}),
    (Rel.HOLDS, "P-S2", "D-S1", {}),
    (Rel.CALLED, "T-S1", "T-V1", {"date": "2023-03-30", "duration_s": 95}),
    (Rel.RECRUITED, "P-S1", "P-V1", {"date": "2023-01-10", "promise": "a restaurant job for Xuyến in Guangzhou"}),
    (Rel.RECRUITED, "P-S1", "P-V2", {"date": "2023-01-12"}),
    (Rel.RECRUITED, "P-S1", "P-V3", {"date": "2023-02-02"}),
    (Rel.INTRODUCED, "P-S1", "P-V1", {"to_id": "P-S2"}),
    (Rel.MARRIED_TO, "P-S2", "P-V1", {"date": "2023-05-01"}),
    (Rel.EMPLOYED_BY, "P-S1", "O-1", {}),
    (Rel.SPONSORED, "O-1", "D-V3", {}),
    (Rel.PARTICIPATED_IN, "P-V1", "EV-1", {"role": "traveller"}),
    (Rel.PARTICIPATED_IN, "P-S1", "EV-1", {"role": "escort"}),
    (Rel.EVIDENCE, "F-1", "D-V1", {"reason": "same number"}),
    (Rel.EVIDENCE, "F-1", "P-S1", {}),
]

VICTIMS = ("P-V1", "P-V2", "P-V3")


def _labels() -> dict[str, Label]:
    return {node_id: label for label, node_id, _ in NODES}


def case_records() -> tuple[list[NodeRecord], list[EdgeRecord]]:
    labels = _labels()
    nodes = [NodeRecord(S, SOURCE, {"name": "statement of Nguyen Thi Xuyen", "kind": "statement"}, SOURCE)]
    nodes += [NodeRecord(label, i, props, SOURCE, f"row:{n}") for n, (label, i, props) in enumerate(NODES)]
    edges = [
        EdgeRecord(rel, labels[a], a, labels[b], b, props, SOURCE, f"edge:{n}")
        for n, (rel, a, b, props) in enumerate(EDGES)
    ]
    return nodes, edges


def case_subgraph() -> Subgraph:
    """The case as a subgraph, without a store."""
    _, edges = case_records()
    nodes = tuple(Node(str(label), i, {**props, "sources": [SOURCE]}) for label, i, props in NODES)
    return Subgraph(nodes, tuple(Edge(str(e.type), e.id, e.source_id, e.target_id, dict(e.props)) for e in edges))


def load_case(store: GraphStore) -> None:
    nodes, edges = case_records()
    store.create_schema()
    store.upsert_nodes(nodes)
    result = store.upsert_edges(edges)
    assert not result.rejected, result.rejected


@dataclass(frozen=True)
class Secret:
    """The clear values of a victim that must never leave in a default export."""

    what: str
    value: str
    word: bool = False  # search as a whole word, case-insensitively


def victim_secrets() -> list[Secret]:
    """Every victim's name, aliases, name-key tokens, birth date, document numbers, MRZ, phone, account, address."""
    by_id = {i: (label, props) for label, i, props in NODES}
    out: list[Secret] = []
    linked = {b for rel, a, b, _ in EDGES if a in VICTIMS and rel in (Rel.HOLDS, Rel.USES, Rel.OWNS, Rel.LIVES_AT)}
    for vid in VICTIMS:
        props = by_id[vid][1]
        for name in [props["name"], *props.get("aliases", [])]:
            out.append(Secret("name", name))
            out.extend(Secret("name word", w, True) for w in name.split() if len(w) >= 3)
            out.extend(Secret("name_key token", t, True) for t in name_key(name).split() if len(t) >= 3)
        out.append(Secret("birth date", props["birth_date"]))
        out.append(Secret("id", vid, True))
    for item in sorted(linked):
        label, props = by_id[item]
        out.append(Secret("id", item, True))
        if label == D:
            out.append(Secret("document number", props["number"]))
            out.append(Secret("document number", normalise_document_number(props["number"])))
            if "mrz" in props:
                out.extend(Secret("mrz", line) for line in props["mrz"].split("\n"))
            if "name_on_document" in props:
                out.append(Secret("name on document", props["name_on_document"]))
        if label == T:
            out.append(Secret("phone", props["number"]))
            out.append(Secret("phone", props["raw"]))
            out.append(Secret("phone digits", props["raw"].replace(" ", "")))
        if label == A:
            out.append(Secret("account", props["number"]))
            out.append(Secret("account holder", props["holder_name"]))
        if label == AD:
            out.append(Secret("street", props["street"]))
    return out


def leaks(data: bytes, secrets: list[Secret]) -> list[str]:
    """Which secrets appear in ``data`` (raw UTF-8, JSON-escaped or XML character references)."""
    text = data.decode("utf-8", errors="replace")
    found = []
    for s in secrets:
        forms = {s.value, s.value.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")}
        forms.add("".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in s.value))
        forms.add("".join(ch if ord(ch) < 128 else f"&#x{ord(ch):x};" for ch in s.value))
        for form in forms:
            if s.word:
                pattern = r"(?<![\w-])" + re.escape(form) + r"(?![\w-])"
                if re.search(pattern, text, re.IGNORECASE):
                    found.append(f"{s.what}: {s.value!r}")
            elif form.casefold() in text.casefold():
                found.append(f"{s.what}: {s.value!r}")
    return sorted(set(found))
