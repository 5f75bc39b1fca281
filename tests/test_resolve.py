"""Identity resolution: candidates found and explained, accepted, rejected and undone, on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graph_tool import resolve
from graph_tool.cli import main
from graph_tool.model import Label, Rel
from graph_tool.store.base import EdgeRecord, GraphStore, NodeRecord, Subgraph

SRC = "case-files"
SRC2 = "partner-vn"


def person(pid: str, **props: Any) -> NodeRecord:
    return NodeRecord(Label.PERSON, pid, props, SRC, f"people.csv:{pid}")


def build_case(store: GraphStore) -> None:
    """Transliteration variants, a passport held twice, a forged-passport pair, common names."""
    store.upsert_nodes(
        [
            # One woman recorded three times.
            person("P-001", name="Nguyễn Thị Lan", birth_date="1990-05-01", nationality="VN", roles=["victim"]),
            person(
                "P-002",
                name="NGUYEN THI LAN",
                birth_date="1990-05-01",
                nationality="VN",
                sex="female",
                roles=["witness"],
            ),
            person("P-003", name="Nguyen Thi Lann", birth_date="1990-05-01"),
            # One passport held by two person nodes: the same woman, the middle name dropped.
            person("P-004", name="Tran Thi Mai", birth_date="1995-02-03"),
            person("P-005", name="Tran Mai"),
            # One passport held by two clearly different people: document fraud, not identity.
            person("P-006", name="Le Thi Hoa", birth_date="1988-09-09"),
            person("P-007", name="Pham Van Duc", birth_date="1975-12-30"),
            # The same name, different birth dates.
            person("P-008", name="Nguyen Van Hung", birth_date="1980-01-01", nationality="VN"),
            person("P-009", name="Nguyen Van Hung", birth_date="1992-07-15", nationality="VN"),
            # A common name and nothing else in common.
            person("P-011", name="Nguyen Van Minh", nationality="VN", sex="male"),
            person("P-012", name="Nguyen Van Minh", nationality="VN", sex="male"),
            person("P-013", name="Nguyen Van Nam", nationality="VN"),
            # A recruiter linked to the duplicates.
            person("P-010", name="Wong Kar Fai", roles=["recruiter"]),
            NodeRecord(Label.DOCUMENT, "D-001", {"doc_type": "passport", "number": "C1234567"}, SRC),
            NodeRecord(Label.DOCUMENT, "D-002", {"doc_type": "passport", "number": "C7654321"}, SRC),
            NodeRecord(Label.DOCUMENT, "D-003", {"doc_type": "passport", "number": "B0000001"}, SRC),
            NodeRecord(Label.PHONE, "T-001", {"number": "+84912345678"}, SRC),
            NodeRecord(Label.ADDRESS, "A-001", {"full": "12 Hang Bac, Hanoi", "city": "Hanoi"}, SRC),
        ]
    )
    res = store.upsert_edges(
        [
            EdgeRecord(Rel.HOLDS, Label.PERSON, "P-001", Label.DOCUMENT, "D-001", {}, SRC, "docs.csv:1"),
            EdgeRecord(Rel.HOLDS, Label.PERSON, "P-004", Label.DOCUMENT, "D-002", {}, SRC, "docs.csv:2"),
            EdgeRecord(Rel.HOLDS, Label.PERSON, "P-005", Label.DOCUMENT, "D-002", {}, SRC, "docs.csv:3"),
            EdgeRecord(Rel.HOLDS, Label.PERSON, "P-006", Label.DOCUMENT, "D-003", {}, SRC, "docs.csv:4"),
            EdgeRecord(Rel.HOLDS, Label.PERSON, "P-007", Label.DOCUMENT, "D-003", {}, SRC, "docs.csv:5"),
            # P-002's ties, which a merge into P-001 must copy (two sources on one of them).
            EdgeRecord(Rel.USES, Label.PERSON, "P-002", Label.PHONE, "T-001", {"start_date": "2019"}, SRC, "ph.csv:7"),
            EdgeRecord(Rel.USES, Label.PERSON, "P-002", Label.PHONE, "T-001", {"weight": 2.0}, SRC2, "sub.xlsx:3"),
            EdgeRecord(Rel.LIVES_AT, Label.PERSON, "P-002", Label.ADDRESS, "A-001", {}, SRC, "addr.csv:1"),
            EdgeRecord(
                Rel.RECRUITED,
                Label.PERSON,
                "P-010",
                Label.PERSON,
                "P-002",
                {"date": "2019-03", "promise": "factory job"},
                SRC,
                "stmt.csv:2",
            ),
            EdgeRecord(Rel.ASSOCIATE_OF, Label.PERSON, "P-001", Label.PERSON, "P-002", {}, SRC, "x.csv:1"),
        ]
    )
    assert not res.rejected


def pair_ids(cands: list[resolve.Candidate]) -> set[tuple[str, str]]:
    return {(c.left_id, c.right_id) for c in cands}


def snapshot(store: GraphStore) -> tuple[set[Any], set[Any]]:
    """Nodes and relationships without MatchCandidate nodes, ignoring ``updated_at``."""
    sub: Subgraph = store.whole_graph([lab for lab in Label if lab is not Label.CANDIDATE])

    def frozen(props: Any) -> str:
        return json.dumps({k: v for k, v in props.items() if k != "updated_at"}, sort_keys=True, default=str)

    nodes = {(n.label, n.id, frozen(n.props)) for n in sub.nodes}
    edges = {(e.type, e.id, e.source, e.target, frozen(e.props)) for e in sub.edges}
    return nodes, edges


def by_pair(cands: list[resolve.Candidate], a: str, b: str) -> resolve.Candidate:
    return next(c for c in cands if (c.left_id, c.right_id) == (a, b))


# -- finding and explaining ------------------------------------------------------------------


def test_candidates_are_found_and_explained(store: GraphStore) -> None:
    build_case(store)
    cands = resolve.find_candidates(store)
    assert pair_ids(cands) == {("P-001", "P-002"), ("P-001", "P-003"), ("P-002", "P-003"), ("P-004", "P-005")}
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)

    lan = by_pair(cands, "P-001", "P-002")
    assert lan.id == resolve.candidate_id(Label.PERSON, "P-002", "P-001")
    ev = {e.prop: e for e in lan.evidence}
    assert (
        ev["name"].verdict == "equal" and ev["name"].left == "Nguyễn Thị Lan" and ev["name"].right == "NGUYEN THI LAN"
    )
    assert ev["birth_date"].verdict == "equal" and ev["nationality"].verdict == "equal"
    assert lan.score > 0.95 and lan.summary.startswith("Very likely the same person")
    assert "same birth date" in lan.found_by

    lann = by_pair(cands, "P-001", "P-003")
    assert {e.prop: e.verdict for e in lann.evidence}["name"] == "similar"
    assert 0.9 < {e.prop: e for e in lann.evidence}["name"].similarity < 1.0  # type: ignore[operator]

    mai = by_pair(cands, "P-004", "P-005")
    shared = {e.prop: e for e in mai.evidence}["shared_document"]
    assert shared.items == ("D-002",) and "D-002" in mai.summary
    assert "shared document" in mai.found_by

    # Stored: open MatchCandidate nodes with CANDIDATE_FOR relationships, side left/right.
    stored = resolve.list_candidates(store)
    assert {c.id for c in stored} == {c.id for c in cands}
    assert all(c.status == resolve.OPEN for c in stored)
    node = store.get_nodes(Label.CANDIDATE, [lan.id])[0]
    assert json.loads(node.props["explanation"])["evidence"][0]["prop"] == "name"
    links = [e for e in store.neighbourhood(lan.id).edges if e.type == Rel.CANDIDATE_FOR]
    assert {(e.target, e.props["side"]) for e in links} == {("P-001", "left"), ("P-002", "right")}


def test_conflicts_and_common_names_are_not_proposed(store: GraphStore) -> None:
    build_case(store)
    proposed = pair_ids(resolve.find_candidates(store))
    assert ("P-006", "P-007") not in proposed  # a shared passport, different people
    assert ("P-008", "P-009") not in proposed  # same name, conflicting birth dates
    assert ("P-011", "P-012") not in proposed  # a common name and nothing else
    assert ("P-011", "P-013") not in proposed and ("P-012", "P-013") not in proposed

    nodes = {n.id: n for n in store.get_nodes(Label.PERSON, ["P-006", "P-007", "P-008", "P-009"])}
    hung = resolve.compare(nodes["P-008"].props, nodes["P-009"].props)
    assert hung.score < 0.1
    assert {e.prop: e.verdict for e in hung.evidence}["birth_date"] == "conflicting"
    assert "birth dates conflict (1980-01-01 / 1992-07-15)" in hung.summary
    fraud = resolve.compare(nodes["P-006"].props, nodes["P-007"].props, {"shared_document": ["D-003"]})
    assert fraud.score < 0.5 and "D-003" in fraud.summary

    # Everything compared, even below the threshold, is explained the same way.
    low = pair_ids(resolve.find_candidates(store, threshold=0.0))
    assert {("P-006", "P-007"), ("P-008", "P-009"), ("P-011", "P-012")} <= low


def test_find_twice_creates_no_duplicates(store: GraphStore) -> None:
    build_case(store)
    first = resolve.find_candidates(store)
    counts = store.counts()
    second = resolve.find_candidates(store)
    assert [c.id for c in first] == [c.id for c in second]
    again = store.counts()
    assert again[Label.CANDIDATE] == counts[Label.CANDIDATE] == len(first)
    assert again[Rel.CANDIDATE_FOR] == counts[Rel.CANDIDATE_FOR] == 2 * len(first)


def test_rejected_stays_rejected(store: GraphStore) -> None:
    build_case(store)
    cands = resolve.find_candidates(store)
    target = by_pair(cands, "P-004", "P-005")
    decided = resolve.reject(store, target.id, "analyst.a", "different mothers in the statements")
    assert decided.status == resolve.REJECTED
    stored = resolve.get_candidate(store, target.id)
    assert (stored.status, stored.decided_by, stored.reason) == (
        resolve.REJECTED,
        "analyst.a",
        "different mothers in the statements",
    )
    assert stored.decided_at and stored.record["history"][0]["action"] == resolve.REJECTED

    again = resolve.find_candidates(store)
    assert target.id not in {c.id for c in again}
    assert resolve.get_candidate(store, target.id).status == resolve.REJECTED
    assert store.counts()[Label.CANDIDATE] == len(cands)
    with pytest.raises(resolve.ResolveError, match="already rejected"):
        resolve.reject(store, target.id, "analyst.a", "again")
    with pytest.raises(resolve.ResolveError, match="only open or undone"):
        resolve.accept(store, target.id, "analyst.a", "changed my mind")


# -- accepting and undoing -------------------------------------------------------------------


def test_accept_moves_relationships_and_undo_restores_the_graph(store: GraphStore) -> None:
    build_case(store)
    cands = resolve.find_candidates(store)
    lan = by_pair(cands, "P-001", "P-002")
    before = snapshot(store)

    accepted = resolve.accept(store, lan.id, "analyst.b", "same photo on both records")
    assert accepted.status == resolve.ACCEPTED and accepted.decided_by == "analyst.b"
    record = accepted.record["merge"]
    assert record["state"] == "applied" and record["survivor"] == "P-001" and record["merged"] == "P-002"

    people = {n.id: n for n in store.get_nodes(Label.PERSON, ["P-001", "P-002"])}
    survivor, merged = people["P-001"], people["P-002"]
    assert merged.props["merged_into"] == "P-001"
    assert survivor.props["name"] == "Nguyễn Thị Lan"
    assert survivor.props["aliases"] == ["NGUYEN THI LAN"]
    assert survivor.props["sex"] == "female"  # filled
    assert survivor.props["roles"] == ["victim", "witness"]  # union
    assert record["aliases_added"] == ["NGUYEN THI LAN"] and record["properties_filled"] == ["sex"]

    # Every relationship of the merged node is re-created on the survivor.
    sub = store.neighbourhood("P-001")
    edges = {(e.type, e.source, e.target): e for e in sub.edges}
    uses = edges[(Rel.USES, "P-001", "T-001")]
    original = next(e for e in store.neighbourhood("P-002").edges if e.type == Rel.USES)
    assert uses.id != original.id
    assert uses.props["sources"] == original.props["sources"] == [SRC, SRC2]
    assert uses.props["source_refs"] == original.props["source_refs"]
    assert (uses.props["start_date"], uses.props["weight"]) == ("2019", 2.0)
    assert (Rel.LIVES_AT, "P-001", "A-001") in edges
    recruited = edges[(Rel.RECRUITED, "P-010", "P-001")]
    assert (recruited.props["date"], recruited.props["promise"]) == ("2019-03", "factory job")
    created = {r["id"] for r in record["relationships_created"]}
    assert created == {uses.id, edges[(Rel.LIVES_AT, "P-001", "A-001")].id, recruited.id}
    assert [r["type"] for r in record["relationships_skipped"]] == [Rel.ASSOCIATE_OF]  # between the two
    # The merged node keeps its own relationships, so the merge can be undone.
    assert original.source == "P-002"

    # The resolved view shows each tie once, on the survivor.
    view = resolve.resolved_view(store.whole_graph())
    assert "P-002" not in {n.id for n in view.nodes}
    assert not any(n.label == Label.CANDIDATE for n in view.nodes)

    # Candidates touching the merged node cannot be accepted any more, and a new find drops them.
    stale = by_pair(cands, "P-002", "P-003")
    with pytest.raises(resolve.ResolveError, match="already merged"):
        resolve.accept(store, stale.id, "analyst.b", "same woman")
    refreshed = resolve.find_candidates(store)
    assert stale.id not in {c.id for c in resolve.list_candidates(store, status=None)}
    assert lan.id not in {c.id for c in refreshed}  # decided
    assert resolve.get_candidate(store, lan.id).status == resolve.ACCEPTED

    undone = resolve.undo(store, lan.id, "analyst.c", "the photos differ after all")
    assert undone.status == resolve.UNDONE and undone.decided_by == "analyst.c"
    assert [h["action"] for h in undone.record["history"]] == [resolve.ACCEPTED, resolve.UNDONE]
    after = snapshot(store)
    assert after[0] == before[0]
    assert after[1] == before[1]

    # Undone stays undone when candidates are regenerated; it may be accepted again.
    resolve.find_candidates(store)
    assert resolve.get_candidate(store, lan.id).status == resolve.UNDONE
    resolve.accept(store, lan.id, "analyst.b", "new evidence")
    resolve.undo(store, lan.id, "analyst.b", "test")
    assert snapshot(store) == before


def test_decisions_need_analyst_reason_and_a_known_candidate(store: GraphStore) -> None:
    build_case(store)
    cand = resolve.find_candidates(store)[0]
    with pytest.raises(resolve.ResolveError, match="reason"):
        resolve.accept(store, cand.id, "analyst.a", " ")
    with pytest.raises(resolve.ResolveError, match="analyst"):
        resolve.reject(store, cand.id, "", "why")
    with pytest.raises(resolve.ResolveError, match="no match candidate"):
        resolve.reject(store, "MC-nope", "analyst.a", "why")
    with pytest.raises(resolve.ResolveError, match="only an accepted merge"):
        resolve.undo(store, cand.id, "analyst.a", "why")
    with pytest.raises(resolve.ResolveError, match="cannot be resolved"):
        resolve.find_candidates(store, Label.PHONE)


# -- the CLI ---------------------------------------------------------------------------------


def test_matches_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph_tool.store.embedded import EmbeddedStore

    case = tmp_path / "case"
    s = EmbeddedStore(case)
    s.create_schema()
    build_case(s)
    s.close()
    monkeypatch.setenv("USER", "analyst.env")
    monkeypatch.setenv("GRAPH_TOOL_USER", "analyst.env")  # the audit log's user for `find`
    monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    runner = CliRunner()

    found = runner.invoke(main, ["matches", "find", "--store", str(case)])
    assert found.exit_code == 0, found.output
    assert "4 open candidates" in found.output

    listed = runner.invoke(main, ["matches", "list", "--store", str(case), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    lan = next(r for r in rows if (r["left_id"], r["right_id"]) == ("P-001", "P-002"))
    assert lan["status"] == "open" and lan["evidence"][0]["prop"] == "name"

    table = runner.invoke(main, ["matches", "list", "--store", str(case)])
    assert "NGUYEN THI LAN" in table.output and "birth_date" in table.output and lan["id"] in table.output

    accepted = runner.invoke(main, ["matches", "accept", lan["id"], "--reason", "same photo", "--store", str(case)])
    assert accepted.exit_code == 0, accepted.output
    assert "P-002 merged into P-001" in accepted.output
    done = json.loads(
        runner.invoke(
            main, ["matches", "list", "--status", "accepted", "--format", "json", "--store", str(case)]
        ).output
    )
    assert [(r["id"], r["decided_by"], r["reason"]) for r in done] == [(lan["id"], "analyst.env", "same photo")]

    undone = runner.invoke(main, ["matches", "undo", lan["id"], "--reason", "mistake", "--store", str(case)])
    assert undone.exit_code == 0, undone.output
    rejected = runner.invoke(
        main, ["matches", "reject", lan["id"], "--reason", "not her", "--analyst", "j.doe", "--store", str(case)]
    )
    assert rejected.exit_code == 0, rejected.output
    again = runner.invoke(main, ["matches", "reject", lan["id"], "--reason", "x", "--store", str(case)])
    assert again.exit_code != 0 and "already rejected" in again.output
    missing = runner.invoke(main, ["matches", "accept", lan["id"], "--store", str(case)])
    assert missing.exit_code != 0 and "--reason" in missing.output

    from graph_tool import audit

    logged = [(e["action"], e["who"], e["details"].get("decision")) for e in audit.entries()]
    assert logged == [
        ("analysis", "analyst.env", None),
        ("merge", "analyst.env", "accepted"),
        ("merge", "analyst.env", "undone"),
        ("merge", "j.doe", "rejected"),
    ]


@pytest.mark.parametrize("threshold", [0.3, 0.6, 0.75, 0.9])
def test_the_quick_name_test_drops_only_pairs_that_cannot_reach_the_threshold(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch, threshold: float
) -> None:
    """Skipping pairs whose names are too far apart proposes exactly what comparing every
    pair proposes, at low and high thresholds, on a case crowded with shared birth dates."""
    import random

    rng = random.Random(3)
    first = ("Lan", "Mai", "Hoa", "Thu", "Minh", "Anna", "Wei")
    last = ("Nguyen", "Tran", "Le", "Pham", "Wang", "Li")
    records = [
        person(
            f"P-{i:03d}",
            **{
                k: v
                for k, v in {
                    "name": f"{rng.choice(last)} {rng.choice(('Thi', 'Van', ''))} {rng.choice(first)}".strip()
                    if i % 17
                    else None,
                    "aliases": [f"{rng.choice(first)} {rng.choice(last)}"] if i % 5 == 0 else None,
                    "birth_date": rng.choice(("1990-05-01", "1990-01-05", "1991-05-01", "1990", "1990-05")),
                    "nationality": rng.choice(("VN", "CN", None)),
                    "sex": rng.choice(("female", "male", None)),
                }.items()
                if v is not None
            },
        )
        for i in range(120)
    ]
    store.upsert_nodes(records)

    def proposed() -> list[dict[str, Any]]:
        found = resolve.find_candidates(store, Label.PERSON, threshold)
        return [c.as_dict() for c in found]

    quick = proposed()
    store.delete_nodes(Label.CANDIDATE, [c["id"] for c in quick])
    monkeypatch.setattr(resolve, "_names_could_reach", lambda *args: True)
    assert proposed() == quick
    assert quick, "the case proposes something at this threshold"
