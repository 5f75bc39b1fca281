"""Privacy-preserving matching: exactly the planted overlaps, no clear values, own records only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from graph_tool import audit
from graph_tool.model import Label
from graph_tool.share.errors import ShareError
from graph_tool.share.hashmatch import export_hashes, match_hashes
from graph_tool.store.base import GraphStore, Node, NodeRecord, Subgraph

KEY = b"key shared by both agencies, 32b"

# Agency A (Viet Nam) and agency B (China) write the same numbers differently.
A_NODES = [
    Node(Label.PHONE, "a-t1", {"number": "+84987654321", "country": "VN"}),  # planted: B has it as 0084 ...
    Node(Label.PHONE, "a-t2", {"number": "0912 345 678", "country": "VN"}),  # planted: national format in A
    Node(Label.PHONE, "a-t3", {"number": "+84901111222", "country": "VN"}),  # only A
    Node(Label.PHONE, "a-t4", {"number": "12345"}),  # invalid: never hashed
    Node(Label.DOCUMENT, "a-d1", {"number": "C77-12345"}),  # planted
    Node(Label.DOCUMENT, "a-d2", {"number": "B4455667"}),  # only A
    Node(Label.DOCUMENT, "a-d3", {"number": "E 990 011 22"}),  # planted, held by two records in A
    Node(Label.DOCUMENT, "a-d4", {"number_norm": "E99001122"}),
    Node(Label.PERSON, "a-p1", {"name": "Nguyen Thi Xuyen"}),  # people are never hashed
]
B_NODES = [
    Node(Label.PHONE, "b-t1", {"number": "0084 98 765 4321", "country": "CN"}),
    Node(Label.PHONE, "b-t2", {"number": "+84912345678"}),
    Node(Label.PHONE, "b-t3", {"number": "+8613912345678"}),  # only B
    Node(Label.DOCUMENT, "b-d1", {"number": "c7712345"}),
    Node(Label.DOCUMENT, "b-d2", {"number": "E99001122"}),
    Node(Label.DOCUMENT, "b-d3", {"number": "G12345678"}),  # only B
]
PLANTED = {("phone", ("a-t1",)), ("phone", ("a-t2",)), ("document", ("a-d1",)), ("document", ("a-d3", "a-d4"))}


def test_hash_matching_finds_exactly_the_planted_overlaps(tmp_path: Path) -> None:
    mine = export_hashes(Subgraph(tuple(A_NODES)), KEY, tmp_path / "a.json")
    theirs = export_hashes(Subgraph(tuple(B_NODES)), KEY, tmp_path / "b" / "b.json")
    assert mine.counts == {"phone": 3, "document": 3}
    result = match_hashes(mine.path, theirs.path)
    assert {(o.kind, o.own_records) for o in result.overlaps} == PLANTED
    # the partner resolves the same overlaps to its own records, and only to those
    other_side = match_hashes(theirs.path, mine.path)
    assert {o.own_records for o in other_side.overlaps} == {("b-t1",), ("b-t2",), ("b-d1",), ("b-d2",)}
    assert {o.hash for o in other_side.overlaps} == {o.hash for o in result.overlaps}


def test_the_hash_file_holds_no_clear_value_and_no_record_id(tmp_path: Path) -> None:
    out = export_hashes(Subgraph(tuple(A_NODES)), KEY, tmp_path / "a.json")
    text = out.path.read_text()
    for value in ("987654321", "912345678", "901111222", "7712345", "4455667", "99001122", "a-t", "a-d", "Xuyen"):
        assert value not in text
    doc = json.loads(text)
    assert set(doc) == {"format", "created_at", "algorithm", "normalisation", "key_check", "counts", "hashes"}
    assert stat.S_IMODE(out.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.lookup_path.stat().st_mode) == 0o600
    assert "a-t1" in out.lookup_path.read_text()  # the lookup stays at home and names own records


def test_files_made_with_different_keys_are_refused(tmp_path: Path) -> None:
    a = export_hashes(Subgraph(tuple(A_NODES)), KEY, tmp_path / "a.json")
    b = export_hashes(Subgraph(tuple(B_NODES)), b"some other key, also long enough", tmp_path / "b.json")
    with pytest.raises(ShareError, match="different keys"):
        match_hashes(a.path, b.path)
    with pytest.raises(ShareError, match="not a match-hashes file"):
        match_hashes(a.path, a.lookup_path)


def test_export_from_a_store_and_audit(
    embedded_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(log))
    embedded_store.upsert_nodes(NodeRecord(Label(n.label), n.id, n.props, "agency-a") for n in A_NODES)
    mine = export_hashes(embedded_store, KEY, tmp_path / "a.json")
    theirs = export_hashes(Subgraph(tuple(B_NODES)), KEY, tmp_path / "b.json")
    assert len(match_hashes(mine.path, theirs.path).overlaps) == 4
    actions = [(e["action"], e["details"].get("kind")) for e in audit.entries(log)]
    assert actions == [("export", "match-hashes"), ("export", "match-hashes"), ("match", "match-hashes")]
