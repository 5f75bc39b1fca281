"""Deciding many match candidates at once: chosen by filters, each decided, logged and undoable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_tool import audit, match_review, resolve
from graph_tool.cli import main
from graph_tool.model import Label
from graph_tool.store.base import GraphStore
from tests.test_resolve import build_case, by_pair, snapshot


@pytest.fixture
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(log))
    return log


def test_a_band_is_accepted_best_first_and_undone_in_reverse(store: GraphStore, audit_log: Path) -> None:
    build_case(store)
    cands = resolve.find_candidates(store)
    before = snapshot(store)
    lan12, lan23, lan13 = (by_pair(cands, *p) for p in (("P-001", "P-002"), ("P-002", "P-003"), ("P-001", "P-003")))
    mai = by_pair(cands, "P-004", "P-005")

    band = match_review.Selection(min_score=0.95, evidence=("birth_date:equal",))
    chosen = match_review.select(store, "accept", band)
    assert [c.id for c in chosen] == [lan12.id, *sorted([lan23.id, lan13.id])]  # best first, then by id
    assert mai.id not in {c.id for c in chosen}  # 0.88, and no birth date in common
    assert snapshot(store) == before  # choosing changes nothing

    done = match_review.decide_all(store, "accept", chosen, "analyst.b", "same woman in three registers")
    # P-002 went into P-001 first, so the pair P-002/P-003 can no longer be accepted.
    assert [c.id for c in done.decided] == [lan12.id, lan13.id]
    assert [cid for cid, _ in done.skipped] == [lan23.id]
    assert "already merged into P-001" in done.skipped[0][1]
    merged = {n.id: n.props.get("merged_into") for n in store.get_nodes(Label.PERSON, ["P-002", "P-003"])}
    assert merged == {"P-002": "P-001", "P-003": "P-001"}
    assert resolve.get_candidate(store, lan23.id).status == resolve.OPEN
    assert resolve.get_candidate(store, mai.id).status == resolve.OPEN
    decisions = [(e["details"]["candidate"], e["details"]["decision"], e["who"]) for e in audit.entries()]
    assert decisions == [(lan12.id, "accepted", "analyst.b"), (lan13.id, "accepted", "analyst.b")]

    # Undo takes the accepted ones, the latest first, and the graph is as it was.
    undo = match_review.select(store, "undo", match_review.Selection(found_by=("same birth date",)))
    assert [c.id for c in undo] == [lan13.id, lan12.id]
    undone = match_review.decide_all(store, "undo", undo, "analyst.c", "the statements disagree")
    assert not undone.skipped and {c.status for c in undone.decided} == {resolve.UNDONE}
    assert snapshot(store) == before

    # A reject by band leaves the rest open.
    low = match_review.select(store, "reject", match_review.Selection(max_score=0.9))
    assert [c.id for c in low] == [mai.id]
    match_review.decide_all(store, "reject", low, "analyst.c", "different people")
    assert [c.id for c in resolve.list_candidates(store, resolve.REJECTED)] == [mai.id]


def test_a_bulk_decision_needs_a_choice_an_analyst_and_a_reason(store: GraphStore, audit_log: Path) -> None:
    build_case(store)
    cands = resolve.find_candidates(store)
    with pytest.raises(resolve.ResolveError, match="say which candidates"):
        match_review.select(store, "accept", match_review.Selection(label=Label.PERSON))
    with pytest.raises(resolve.ResolveError, match="unknown decision"):
        match_review.select(store, "merge", match_review.Selection(min_score=0.5))
    with pytest.raises(resolve.ResolveError, match="reason"):
        match_review.decide_all(store, "reject", cands, "analyst.a", "  ")
    with pytest.raises(resolve.ResolveError, match="analyst"):
        match_review.decide_all(store, "reject", cands, None, "why")
    assert {c.status for c in resolve.list_candidates(store, None)} == {resolve.OPEN}
    assert not audit_log.exists() or not [e for e in audit.entries() if e["action"] == "merge"]


def test_matches_commands_decide_many(tmp_path: Path, audit_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph_tool.store.embedded import EmbeddedStore

    case = tmp_path / "case"
    s = EmbeddedStore(case)
    s.create_schema()
    build_case(s)
    cands = resolve.find_candidates(s)
    s.close()
    monkeypatch.setenv("USER", "analyst.env")
    runner = CliRunner()
    at = ["--store", str(case)]

    def statuses() -> dict[str, str]:
        listed = runner.invoke(main, ["matches", "list", "--status", "all", "--format", "json", *at])
        return {r["id"]: r["status"] for r in json.loads(listed.output)}

    preview = runner.invoke(main, ["matches", "accept", "--min-score", "0.95", "--reason", "r", "--dry-run", *at])
    assert preview.exit_code == 0, preview.output
    assert "3 candidates would be accepted" in preview.output
    # what the band's evidence says, counted over the three: all share a birth date, two
    # have similar names and one the same name
    mix = preview.output.split("their evidence: ")[1]
    assert mix.startswith("birth_date:equal 3 of 3, found by: same birth date 3 of 3, "), mix
    assert "name:similar 2 of 3" in mix and "name:equal 1 of 3" in mix
    assert set(statuses().values()) == {"open"}
    nobody = runner.invoke(
        main, ["matches", "reject", "--max-score", "0.9", "--reason", "r", "--dry-run", *at], env={"USER": None}
    )
    assert nobody.exit_code == 0 and "1 candidates would be rejected" in nobody.output, nobody.output  # no analyst
    undecided = runner.invoke(
        main, ["matches", "reject", "--max-score", "0.9", "--reason", "r", *at], env={"USER": None}
    )
    assert undecided.exit_code == 1 and "analyst" in undecided.output

    refused = runner.invoke(main, ["matches", "accept", "--min-score", "0.95", "--reason", "r", *at])
    assert refused.exit_code == 2 and "--yes" in refused.output
    nothing = runner.invoke(main, ["matches", "accept", "--reason", "r", "--yes", *at])
    assert nothing.exit_code == 2 and "say which candidates" in nothing.output
    assert set(statuses().values()) == {"open"}

    accepted = runner.invoke(main, ["matches", "accept", "--min-score", "0.95", "--reason", "same woman", "--yes", *at])
    assert accepted.exit_code == 0, accepted.output
    assert "2 of 3 candidates accepted" in accepted.output
    lan23 = by_pair(cands, "P-002", "P-003")
    assert f"skipped {lan23.id}: " in accepted.output and "already merged" in accepted.output

    # Several ids: each decided; an id that cannot be decided makes the command fail.
    mai = by_pair(cands, "P-004", "P-005")
    rejected = runner.invoke(main, ["matches", "reject", mai.id, lan23.id, "MC-nope", "--reason", "no", *at])
    assert rejected.exit_code == 1, rejected.output
    assert "2 of 2 candidates rejected" in rejected.output and "skipped MC-nope" in rejected.output
    assert statuses()[mai.id] == statuses()[lan23.id] == "rejected"

    undone = runner.invoke(main, ["matches", "undo", "--found-by", "same name", "--reason", "check", "--yes", *at])
    assert undone.exit_code == 0 and "1 of 1 candidates undone" in undone.output, undone.output
    assert sorted(statuses().values()) == ["accepted", "rejected", "rejected", "undone"]
    assert [e["details"]["decision"] for e in audit.entries() if e["action"] == "merge"] == [
        "accepted",
        "accepted",
        "rejected",
        "rejected",
        "undone",
    ]
