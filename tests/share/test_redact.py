"""Redaction: victim safety by default, consistent pseudonyms per recipient, unmasking, k-anonymity."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from share_case import SHARE_KEY, VICTIMS, case_subgraph, leaks, load_case, victim_secrets

from graph_tool import audit
from graph_tool.model import Label, Rel
from graph_tool.share import formats
from graph_tool.share.errors import ShareError, ShareKeyError
from graph_tool.share.redact import k_anonymity_warnings, protection_context, redact
from graph_tool.store.base import GraphStore, Node, Subgraph


def _by_id(sub: Subgraph) -> dict[str, Node]:
    return {n.id: n for n in sub.nodes}


def _victim_ids(sub: Subgraph) -> list[str]:
    return sorted(n.id for n in sub.nodes if n.label == Label.PERSON and "victim" in (n.props.get("roles") or []))


@pytest.mark.parametrize("profile", ["default", "jit-partner", "ngo", "internal-full"])
def test_no_victim_value_in_clear_in_any_view(case: Subgraph, profile: str) -> None:
    result = redact(case, profile, "JIT Lotus", SHARE_KEY)
    secrets = victim_secrets()
    for name in formats.DEFAULT_VIEWS:
        data = formats.writer(name)(result.subgraph)
        assert not leaks(data, secrets), f"{profile} {name}: {leaks(data, secrets)}"
    # the structure survives: victims are still victims, still linked to their recruiter
    assert len(_victim_ids(result.subgraph)) == 3
    assert all(v.startswith("ps-person-") for v in _victim_ids(result.subgraph))


def test_suspects_stay_in_clear_for_a_partner(case: Subgraph) -> None:
    out = _by_id(redact(case, "jit-partner", "JIT Lotus", SHARE_KEY).subgraph)
    assert out["P-S1"].props["name"] == "Trương Văn Bảo"
    assert out["D-S1"].props["number"] == "E99001122"
    # a suspect's free text keeps what is not the victim's
    notes = out["P-S1"].props["notes"]
    assert "recruited" in notes and "2023" in notes
    assert "Xuy" not in notes and "C7712345" not in notes
    # the victim's birth year is released to this partner (profile), the rest of the date is not
    victim = next(n for n in out.values() if n.label == Label.PERSON and "victim" in n.props["roles"])
    assert len(victim.props["birth_date"]) == 4


def test_references_to_victim_ids_follow_the_pseudonyms(case: Subgraph) -> None:
    result = redact(case, "jit-partner", "JIT Lotus", SHARE_KEY)
    nodes = _by_id(result.subgraph)
    v1 = next(e.target for e in result.subgraph.edges if e.type == Rel.MARRIED_TO and e.source == "P-S2")
    assert v1.startswith("ps-person-")
    reason = nodes["F-1"].props["reason"]
    assert "P-V1" not in reason and v1 in reason and "P-S1" in reason
    assert all(e.source in nodes and e.target in nodes for e in result.subgraph.edges)


def test_same_pseudonyms_for_one_partner_and_different_for_another(case: Subgraph) -> None:
    first = redact(case, "default", "JIT Lotus", SHARE_KEY).subgraph
    # a second, smaller export to the same partner, weeks later
    keep = ("P-V1", "D-V1", "P-S1")
    smaller = Subgraph(
        tuple(n for n in case.nodes if n.id in keep),
        tuple(e for e in case.edges if e.source in keep and e.target in keep),
    )
    second = redact(smaller, "default", " jit lotus ", SHARE_KEY).subgraph
    other = redact(case, "default", "NGO Shelter", SHARE_KEY).subgraph

    def victim(sub: Subgraph) -> Node:
        return next(n for n in sub.nodes if n.label == Label.PERSON and n.props.get("birth_date", "").startswith("ps-"))

    def passport(sub: Subgraph, pseudonym: str) -> Node:
        return next(n for n in sub.nodes if n.label == Label.DOCUMENT and n.props["number"] == pseudonym)

    a = [n for n in first.nodes if n.label == Label.PERSON and n.id in {victim(second).id}]
    assert a, "the same victim has the same pseudonymous id in both exports to one partner"
    assert a[0].props["name"] == victim(second).props["name"]
    v1_in_other = {n.id for n in other.nodes}
    assert victim(second).id not in v1_in_other, "another partner gets other pseudonyms"
    names_first = {n.props["name"] for n in first.nodes if n.label == Label.PERSON}
    names_other = {n.props["name"] for n in other.nodes if n.label == Label.PERSON}
    assert {x for x in names_first if x.startswith("ps-")}.isdisjoint(names_other)
    # the document number pseudonym is shared by number and number_norm, and stable
    doc = next(n for n in second.nodes if n.label == Label.DOCUMENT)
    assert doc.props["number"] == doc.props["number_norm"]
    assert passport(first, doc.props["number"]).id == doc.id


def test_another_team_secret_gives_other_pseudonyms(case: Subgraph) -> None:
    a = redact(case, "default", "JIT Lotus", SHARE_KEY).subgraph
    b = redact(case, "default", "JIT Lotus", b"another secret, also 32 bytes.!!").subgraph
    assert set(_victim_ids(a)).isdisjoint(_victim_ids(b))


def test_the_team_secret_is_required(case: Subgraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAPH_TOOL_SHARE_KEY")
    with pytest.raises(ShareKeyError, match="GRAPH_TOOL_SHARE_KEY"):
        redact(case, "default", "JIT Lotus")
    with pytest.raises(ShareKeyError, match="too short"):
        redact(case, "default", "JIT Lotus", b"short")


def test_unmask_needs_a_reason_and_is_audited(case: Subgraph, audit_log: Path) -> None:
    for empty in ("", "   "):
        with pytest.raises(ShareError, match="reason"):
            redact(case, "internal-full", "Unit", SHARE_KEY, unmask_reason=empty)
    assert not audit_log.exists() or not [e for e in audit.entries(audit_log) if e["action"] == "unmask"]

    result = redact(case, "internal-full", "Unit", SHARE_KEY, unmask_reason="prosecutor's request 2024/17")
    nodes = _by_id(result.subgraph)
    assert result.unmasked
    assert nodes["P-V1"].props["name"] == "Nguyễn Thị Xuyến"
    assert nodes["D-V1"].props["number"] == "C7712345"
    entries = [e for e in audit.entries(audit_log) if e["action"] == "unmask"]
    assert len(entries) == 1
    assert entries[0]["details"]["reason"] == "prosecutor's request 2024/17"
    assert entries[0]["details"]["ids"] == sorted(VICTIMS)


def test_k_anonymity_warns_on_a_unique_victim_naming_attributes_not_people(case: Subgraph) -> None:
    result = redact(case, "jit-partner", "JIT Lotus", SHARE_KEY)
    nationality = [w for w in result.warnings if w.attributes == ("nationality",)]
    assert nationality and nationality[0].smallest_group == 1  # the only Turkish victim
    assert {("city",), ("birth_year",)} <= {w.attributes for w in result.warnings}
    text = " ".join(str(w) for w in result.warnings)
    assert "TR" not in text.split() and "Ayşe" not in text and "Izmir" not in text and "P-V3" not in text


def test_k_anonymity_is_quiet_when_every_group_is_large_enough() -> None:
    people = tuple(
        Node("Person", f"v{i}", {"nationality": "VN", "sex": "female", "birth_date": "1999", "roles": ["victim"]})
        for i in range(4)
    )
    assert not k_anonymity_warnings(Subgraph(people), [p.id for p in people], ["nationality", "sex", "birth_year"])
    assert k_anonymity_warnings(Subgraph(people), [p.id for p in people], ["sex"], k=5)
    result = redact(Subgraph(people), "jit-partner", "JIT Lotus", SHARE_KEY)
    assert not result.warnings


def test_profile_drops_whole_node_types_and_relationships(case: Subgraph) -> None:
    result = redact(case, "ngo", "Shelter", SHARE_KEY)
    labels = {n.label for n in result.subgraph.nodes}
    assert not labels & {Label.ADDRESS, Label.ACCOUNT, Label.FINDING, Label.SOURCE}
    assert Rel.CALLED not in {e.type for e in result.subgraph.edges}
    assert all(n.id.startswith("ps-") for n in result.subgraph.nodes)  # ids: all
    suspect = next(n for n in result.subgraph.nodes if "broker" in (n.props.get("roles") or []))
    assert suspect.props["name"].startswith("ps-name-") and suspect.props["birth_date"] == "1980"
    numbers = {n.props.get("number") for n in result.subgraph.nodes if n.label == Label.DOCUMENT}
    assert "*******22" in numbers  # the suspect's passport, last two characters


def test_victim_phone_is_protected_when_the_victim_is_outside_the_export(store: GraphStore) -> None:
    load_case(store)
    # the suspect's phone and the phone he called, but not the victim who uses it
    sub = store.read_subgraph(
        f"MATCH (a:{Label.PHONE})-[r]->(b:{Label.PHONE}) WHERE a.id = $id RETURN a, r, b", {"id": "T-S1"}
    )
    assert {n.id for n in sub.nodes} == {"T-S1", "T-V1"}
    bare = _by_id(redact(sub, "default", "JIT Lotus", SHARE_KEY).subgraph)
    assert bare["T-V1"].props["number"] == "+84987654321"  # without context nothing says whose it is
    context = protection_context(store, sub)
    assert {n.id for n in context.nodes} >= {"P-V1", "T-V1"}
    protected = redact(sub, "default", "JIT Lotus", SHARE_KEY, context=context).subgraph
    ids = {n.id for n in protected.nodes}
    assert "T-S1" in ids and "T-V1" not in ids and len(ids) == 2
    assert not any(n.label == Label.PERSON for n in protected.nodes)  # the context is never released
    assert "+84987654321" not in json.dumps([dict(n.props) for n in protected.nodes])


def test_logs_carry_no_personal_data(case: Subgraph, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    from graph_tool.share.bundle import generate_keypair, make_bundle

    key, _ = generate_keypair(tmp_path / "k")
    with caplog.at_level(logging.DEBUG):
        redact(case, "jit-partner", "JIT Lotus", SHARE_KEY)
        make_bundle(
            case_subgraph(),
            tmp_path / "b.zip",
            recipient="JIT Lotus",
            profile="default",
            handling_code="TLP:AMBER",
            signing_key_path=key,
            sources=["statement of Nguyen Thi Xuyen"],
            key=SHARE_KEY,
        )
    assert caplog.records, "the sharing code logs what it does"
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records).encode()
    assert not leaks(logged, victim_secrets())


def test_a_victims_record_at_another_agency_is_protected_once_a_candidate_ties_it_to_her(
    store: GraphStore,
) -> None:
    from graph_tool import resolve
    from tests.test_resolve import build_case

    build_case(store)  # P-001 is a victim; P-002, "NGUYEN THI LAN", is her record as a witness
    assert resolve.find_candidates(store, Label.PERSON)
    sub = store.read_subgraph(f"MATCH (p:{Label.PERSON}) WHERE p.id = $id RETURN p", {"id": "P-002"})
    bare = redact(sub, "jit-partner", "JIT Lotus", SHARE_KEY).subgraph
    assert [n.props.get("name") for n in bare.nodes] == ["NGUYEN THI LAN"]  # her role alone says nothing
    context = protection_context(store, sub)
    assert {"P-001", "P-002"} <= {n.id for n in context.nodes}  # the victim, through the candidate
    protected = redact(sub, "jit-partner", "JIT Lotus", SHARE_KEY, context=context).subgraph
    assert [n.id.startswith("ps-person-") for n in protected.nodes] == [True]
    assert "THI LAN" not in json.dumps([dict(n.props) for n in protected.nodes]).upper()
