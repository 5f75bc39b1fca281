"""The synthetic case generator: determinism, the committed demo, and ground truth that holds.

Every claim in ``ground_truth.json`` is checked against the CSV files it describes: ring
members exist, a "shared number" really is shared by people with different names, a
"serial" run really is consecutive, a "bad MRZ" really fails its check digits, a hub really
is linked to many people, and so on.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph_tool.model import (
    ACCOUNT_TYPES,
    CONTROL_METHODS,
    DOCUMENT_STATUSES,
    DOCUMENT_TYPES,
    EVENT_TYPES,
    ORGANISATION_TYPES,
    PAYMENT_PURPOSES,
    ROLES,
    SEXES,
)
from sample_data.generate import FILES, REF_DATE, RELATIONS, generate_case, mrz_check_digit, mrz_failures

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_data" / "demo"
ALL_FILES = [*FILES, "ground_truth.json"]


def read(case: Path, name: str) -> list[dict[str, str]]:
    with (case / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Case:
    """A generated case folder, read once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.gt: dict[str, Any] = json.loads((path / "ground_truth.json").read_text(encoding="utf-8"))
        self.rows = {name: read(path, name) for name in FILES}
        self.people = {r["person_id"]: r for r in self.rows["people.csv"]}
        self.orgs = {r["org_id"]: r for r in self.rows["organisations.csv"]}
        self.docs = {r["doc_ref"]: r for r in self.rows["documents.csv"]}
        self.docs_by_number: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.docs_by_photo: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.docs_by_sponsor: dict[str, list[dict[str, str]]] = defaultdict(list)
        for d in self.rows["documents.csv"]:
            self.docs_by_number[d["number"]].append(d)
            self.docs_by_photo[d["photo_hash"]].append(d)
            self.docs_by_sponsor[d["sponsor_id"]].append(d)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Case:
    out = tmp_path_factory.mktemp("case")
    generate_case(out, people=700, seed=11)
    return Case(out)


@pytest.fixture(scope="module")
def demo() -> Case:
    return Case(DEMO)


@pytest.fixture(params=["demo", "fresh"])
def case(request: pytest.FixtureRequest) -> Case:
    return request.getfixturevalue(request.param)


def iso(text: str) -> date:
    return date.fromisoformat(text)


def identity(doc: dict[str, str]) -> tuple[str, str]:
    """Who a document says its holder is (two people can share a name, not a name and a birth date)."""
    return doc["name_on_document"], doc["birth_date_on_document"]


# --- determinism and the committed demo ---------------------------------------------------


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate_case(a, people=150, seed=3)
    generate_case(b, people=150, seed=3)
    for name in ALL_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_different_seed_gives_different_case(tmp_path: Path) -> None:
    generate_case(tmp_path / "a", people=150, seed=3)
    generate_case(tmp_path / "b", people=150, seed=4)
    differ = [n for n in ALL_FILES if (tmp_path / "a" / n).read_bytes() != (tmp_path / "b" / n).read_bytes()]
    assert "people.csv" in differ and "payments.csv" in differ and "ground_truth.json" in differ


def test_committed_demo_is_what_the_generator_makes(tmp_path: Path) -> None:
    summary = generate_case(tmp_path, people=200, seed=7)
    assert sorted(p.name for p in DEMO.iterdir() if p.is_file()) == sorted(ALL_FILES)
    for name in ALL_FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), (
            f"sample_data/demo/{name} is stale: run python -m sample_data.generate --out sample_data/demo "
            "--people 200 --seed 7"
        )
    assert summary.counts["people.csv"] == 200


@pytest.mark.parametrize("people", [1, 2, 9, 37, 250])
def test_exact_number_of_people(tmp_path: Path, people: int) -> None:
    summary = generate_case(tmp_path, people=people, seed=5)
    assert len(read(tmp_path, "people.csv")) == people == summary.counts["people.csv"]


def test_command_line(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "-m", "sample_data.generate", "--out", str(out), "--people", "60", "--seed", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "people.csv" in proc.stdout and "total rows" in proc.stdout
    assert "RuntimeWarning" not in proc.stderr
    assert len(read(out, "people.csv")) == 60
    generate_case(tmp_path / "api", people=60, seed=2)
    assert (out / "calls.csv").read_bytes() == (tmp_path / "api" / "calls.csv").read_bytes()


# --- layouts and vocabularies ---------------------------------------------------------------


def test_headers_and_counts(case: Case) -> None:
    for name, header in FILES.items():
        with (case.path / name).open(encoding="utf-8", newline="") as f:
            assert tuple(next(csv.reader(f))) == header, name
        assert case.gt["counts"][name] == len(case.rows[name]), name


def test_ids_are_stable_strings(case: Case) -> None:
    patterns = {
        ("people.csv", "person_id"): r"P-\d{4,}",
        ("organisations.csv", "org_id"): r"O-\d{3,}",
        ("documents.csv", "doc_ref"): r"D-\d{5,}",
        ("payments.csv", "payment_id"): r"PAY-\d{5,}",
        ("events.csv", "event_id"): r"EV-\d{4,}",
        ("calls.csv", "call_id"): r"C-\d{6,}",
        ("border_crossings.csv", "crossing_id"): r"BX-\d{5,}",
    }
    for (name, column), pattern in patterns.items():
        values = [r[column] for r in case.rows[name]]
        assert all(re.fullmatch(pattern, v) for v in values), (name, column)
        if name != "events.csv":  # an event has one row per participant
            assert len(set(values)) == len(values), (name, column)


def test_values_come_from_the_model_vocabularies(case: Case) -> None:
    def split(v: str) -> list[str]:
        return [x for x in v.split(";") if x]

    for p in case.rows["people.csv"]:
        assert set(split(p["roles"])) <= set(ROLES)
        assert set(split(p["indicators"])) <= set(CONTROL_METHODS)
        assert p["sex"] in SEXES
    assert {o["org_type"] for o in case.rows["organisations.csv"]} <= set(ORGANISATION_TYPES)
    assert {d["doc_type"] for d in case.rows["documents.csv"]} <= set(DOCUMENT_TYPES)
    assert {d["status"] for d in case.rows["documents.csv"]} <= set(DOCUMENT_STATUSES)
    assert {a["account_type"] for a in case.rows["accounts.csv"]} <= set(ACCOUNT_TYPES)
    assert {p["purpose"] for p in case.rows["payments.csv"]} <= set(PAYMENT_PURPOSES)
    assert {e["event_type"] for e in case.rows["events.csv"]} <= set(EVENT_TYPES)
    assert {r["relation"] for r in case.rows["relations.csv"]} <= set(RELATIONS)
    assert {a["kind"] for a in case.rows["addresses.csv"]} <= {"home", "workplace", "hotel", "shelter"}
    assert {c["kind"] for c in case.rows["calls.csv"]} <= {"call", "sms"}
    assert {b["direction"] for b in case.rows["border_crossings.csv"]} <= {"entry", "exit"}


def test_references_resolve(case: Case) -> None:
    ids = set(case.people) | set(case.orgs)
    accounts = {a["account_number"] for a in case.rows["accounts.csv"]}
    for name, column in (
        ("phones.csv", "person_id"),
        ("addresses.csv", "person_id"),
        ("events.csv", "person_id"),
        ("documents.csv", "holder_id"),
    ):
        assert {r[column] for r in case.rows[name]} <= set(case.people), name
    assert {a["holder_id"] for a in case.rows["accounts.csv"]} <= ids
    for p in case.rows["payments.csv"]:
        assert p["payer_id"] in ids and p["payee_id"] in ids
        assert {p["payer_account"], p["payee_account"]} - {""} <= accounts
        assert float(p["amount"]) > 0
    for r in case.rows["relations.csv"]:
        assert r["from_id"] in ids and r["to_id"] in ids
    assert {d["sponsor_id"] for d in case.rows["documents.csv"]} - {""} <= ids


def test_dates_are_in_the_declared_formats(case: Case) -> None:
    ref = date.fromisoformat(case.gt["reference_date"])
    for name, columns in (
        ("people.csv", ["birth_date"]),
        ("calls.csv", ["date"]),
        ("payments.csv", ["date"]),
        ("events.csv", ["date"]),
        ("relations.csv", ["date"]),
        ("phones.csv", ["since"]),
        ("documents.csv", ["issue_date", "expiry_date", "birth_date_on_document"]),
    ):
        for r in case.rows[name]:
            for c in columns:
                if r[c]:
                    d = iso(r[c])  # YYYY-MM-DD
                    if c != "expiry_date":
                        assert d <= ref, (name, c, r[c])
    for b in case.rows["border_crossings.csv"]:
        for c in ("birth_date", "date"):
            assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", b[c]), b[c]
            day, month, year = map(int, b[c].split("/"))
            assert date(year, month, day) <= REF_DATE


def test_noise_is_there(case: Case) -> None:
    phones = [p["phone"] for p in case.rows["phones.csv"]]
    assert any(p.startswith("+") for p in phones) and any(p.startswith("0") for p in phones)
    assert any("-" in p for p in phones) and any(" " in p for p in phones)
    assert any(re.fullmatch(r"\d+", p) for p in phones)
    assert any(not p["birth_date"] for p in case.rows["people.csv"]) or len(case.people) < 300
    assert any(not d["mrz"] for d in case.rows["documents.csv"] if d["doc_type"] == "passport")
    assert any(not o["registration_number"] for o in case.rows["organisations.csv"])
    assert any(not a["lat"] for a in case.rows["addresses.csv"])
    assert case.gt["legit"] and case.gt["legit_units"]
    kinds = Counter(v["kind"] for v in case.gt["name_variants"])
    assert {"upper", "typo", "translit"} <= set(kinds)


def test_invalid_phones_are_invalid(case: Case) -> None:
    from graph_tool import normalise

    listed = {(x["person_id"], x["raw"]) for x in case.gt["invalid_phones"]}
    assert listed
    for r in case.rows["phones.csv"]:
        valid = normalise.normalise_phone(r["phone"], r["default_region"]).valid
        assert valid != ((r["person_id"], r["phone"]) in listed), r
    for c in case.rows["calls.csv"][:2000]:
        assert normalise.normalise_phone(c["caller"], None).valid


# --- ground truth against the files -----------------------------------------------------------


def test_people_in_the_ground_truth_exist(case: Case) -> None:
    gt = case.gt
    people, orgs = set(case.people), set(case.orgs)
    for key in (
        "brokers",
        "recruiters",
        "transporters",
        "exploiters",
        "financiers",
        "buyers",
        "forgers",
        "victims",
        "legit",
    ):
        assert set(gt[key]) <= people, key
    assert gt["brokers"] and gt["recruiters"] and gt["forgers"] and gt["victims"]
    assert not set(gt["victims"]) & set(gt["legit"])
    kinds = {r["kind"] for r in gt["rings"]}
    assert kinds == {"marriage", "labour"}
    for ring in gt["rings"]:
        people_keys = ("members", "brokers", "recruiters", "transporters", "victims", "buyers", "forgers")
        for key in people_keys:
            assert set(ring.get(key, [])) <= people, (ring["ring_id"], key)
        assert set(ring["brokers"]) | set(ring["victims"]) <= set(ring["members"])
        assert set(ring["organisations"]) <= orgs
        assert len(ring["victims"]) >= 3
    for unit in gt["legit_units"]:
        assert set(unit["members"]) <= people and set(unit["organisations"]) <= orgs


def test_rings_are_wired_as_claimed(case: Case) -> None:
    pays_by_payer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in case.rows["payments.csv"]:
        pays_by_payer[p["payer_id"]].append(p)
    payments = {p["payment_id"]: p for p in case.rows["payments.csv"]}
    event_types: dict[str, set[str]] = defaultdict(set)
    for e in case.rows["events.csv"]:
        event_types[e["person_id"]].add(e["event_type"])
    rels = {(r["from_id"], r["to_id"], r["relation"]) for r in case.rows["relations.csv"]}
    users: dict[str, set[str]] = defaultdict(set)
    for p in case.rows["phones.csv"]:
        users[re.sub(r"\D", "", p["phone"])[-8:]].add(p["person_id"])
    for ring in case.gt["rings"]:
        members = set(ring["members"])
        for victim in ring["victims"]:
            assert any((r, victim, "recruited") in rels for r in ring["recruiters"])
        if ring["kind"] == "marriage":
            # the husband's side pays the broker (or the broker's agency) a commission
            receivers = set(ring["brokers"]) | set(ring["organisations"])
            commission = [p for b in ring["buyers"] for p in pays_by_payer[b] if p["purpose"] == "commission"]
            assert commission and all(p["payee_id"] in receivers for p in commission)
            seen = set().union(*(event_types[v] for v in ring["victims"]))
            assert {"recruitment", "transit", "border_crossing", "marriage_registration"} <= seen
        else:
            debt = [p for v in ring["victims"] for p in pays_by_payer[v] if p["purpose"] == "debt"]
            assert debt and all(p["payee_id"] in ring["financiers"] for p in debt)
            withheld = [payments[pid] for pid in ring["withheld_wage_payments"]]
            assert withheld and all(p["purpose"] == "wage" and p["payee_id"] in ring["exploiters"] for p in withheld)
        # the ring's own phone is used by more than one of its members
        for e164 in ring["phones"]:
            assert len(users[e164[-8:]] & members) >= 2


def test_forged_documents_have_their_defects(case: Case) -> None:
    forged = case.gt["forged_documents"]
    assert forged
    seen: Counter[str] = Counter()
    for entry in forged:
        d = case.docs[entry["doc_ref"]]
        assert d["holder_id"] == entry["holder_id"] and d["doc_type"] == entry["doc_type"]
        if entry["number"]:
            assert d["number"] == entry["number"]
        for kind in entry["kinds"]:
            seen[kind] += 1
            if kind == "bad_mrz":
                assert mrz_failures(d["mrz"].split("\n")[1]), d
            elif kind == "impossible_dates":
                issue, expiry, born = iso(d["issue_date"]), iso(d["expiry_date"]), iso(d["birth_date_on_document"])
                assert expiry < issue or issue < born, d
            elif kind == "shared_number":
                holders = case.docs_by_number[d["number"]]
                assert len({h["holder_id"] for h in holders}) >= 2
                assert len({identity(h) for h in holders}) >= 2
            elif kind == "shared_photo":
                same = case.docs_by_photo[d["photo_hash"]]
                assert d["photo_hash"] and len({identity(x) for x in same}) >= 2
            elif kind == "shared_sponsor":
                sponsored = case.docs_by_sponsor[d["sponsor_id"]]
                assert d["sponsor_id"] == entry["sponsor_id"] and len(sponsored) >= 3
            elif kind == "altered_birth_date":
                assert d["birth_date_on_document"] != case.people[d["holder_id"]]["birth_date"]
            elif kind == "serial":
                assert any(g.startswith("FG-") for g in entry["group_ids"])
            else:
                raise AssertionError(f"unknown fraud kind {kind}")
    assert {"shared_number", "serial", "bad_mrz", "impossible_dates", "shared_photo", "shared_sponsor"} <= set(seen)


def test_fraud_groups_hold(case: Case) -> None:
    groups = case.gt["fraud_groups"]
    for g in groups:
        docs = [case.docs[ref] for ref in g["doc_refs"]]
        assert len(docs) >= (1 if g["kind"] in ("bad_mrz", "impossible_dates") else 2), g
        if g["kind"] == "serial":
            numbers = [d["number"] for d in docs]
            assert numbers == g["numbers"]
            parsed = [re.fullmatch(r"([A-Z]*)(\d+)", n) for n in numbers]
            assert all(parsed)
            assert len({m.group(1) for m in parsed if m}) == 1
            serials = sorted(int(m.group(2)) for m in parsed if m)
            assert serials == list(range(serials[0], serials[0] + len(serials))), numbers
            assert len({d["holder_id"] for d in docs}) == len(docs)  # unrelated holders, one each
        elif g["kind"] == "shared_number":
            assert len({d["number"] for d in docs}) == 1
            assert len({d["holder_id"] for d in docs}) == len(docs)
            assert len({identity(d) for d in docs}) >= 2
        elif g["kind"] == "shared_photo":
            assert {d["photo_hash"] for d in docs} == {g["photo_hash"]}
            assert len({identity(d) for d in docs}) >= 2
        elif g["kind"] == "shared_sponsor":
            assert {d["sponsor_id"] for d in docs} == {g["sponsor_id"]} and len(docs) >= 3
            assert {d["doc_type"] for d in docs} == {"visa"}
        elif g["kind"] == "bad_mrz":
            assert all(mrz_failures(d["mrz"].split("\n")[1]) for d in docs)
        elif g["kind"] == "impossible_dates":
            for d in docs:
                issue, expiry, born = iso(d["issue_date"]), iso(d["expiry_date"]), iso(d["birth_date_on_document"])
                assert expiry < issue or issue < born, d
        else:
            raise AssertionError(f"unknown group kind {g['kind']}")


def test_genuine_passports_are_consistent(case: Case) -> None:
    flagged = {e["doc_ref"] for e in case.gt["forged_documents"]}
    checked = 0
    for d in case.rows["documents.csv"]:
        if d["doc_ref"] in flagged:
            continue
        if d["issue_date"] and d["expiry_date"]:
            assert iso(d["issue_date"]) <= iso(d["expiry_date"])
        if d["issue_date"] and d["birth_date_on_document"]:
            assert iso(d["birth_date_on_document"]) <= iso(d["issue_date"])
        if d["mrz"]:
            line1, line2 = d["mrz"].split("\n")
            assert len(line1) == len(line2) == 44
            assert not mrz_failures(line2), d
            assert line2[:9].rstrip("<") == d["number"]
            checked += 1
    assert checked


def test_mrz_agrees_with_the_normaliser(case: Case) -> None:
    from graph_tool import normalise

    assert mrz_check_digit("L898902C3") == normalise.mrz_check_digit("L898902C3")
    bad = {e["doc_ref"] for e in case.gt["forged_documents"] if "bad_mrz" in e["kinds"]}
    for d in case.rows["documents.csv"]:
        if d["mrz"]:
            parsed = normalise.parse_mrz(d["mrz"], today=REF_DATE)
            assert parsed.valid == (d["doc_ref"] not in bad), d


def test_hubs_are_linked_to_many_people(case: Case) -> None:
    subscribers: dict[str, set[str]] = defaultdict(set)
    for r in case.rows["phones.csv"]:
        subscribers[r["phone"]].add(r["person_id"])
    by_digits: dict[str, set[str]] = defaultdict(set)  # last 8 digits: enough to tell numbers apart here
    for raw, who in subscribers.items():
        by_digits[re.sub(r"\D", "", raw)[-8:]] |= who
    hubs = case.gt["hubs"]
    assert {h["kind"] for h in hubs} == {"hotel_switchboard", "ngo_hotline"}
    hub_keys = {h["phone"][-8:] for h in hubs}
    busiest_other = max(len(v) for k, v in by_digits.items() if k not in hub_keys)
    for h in hubs:
        assert h["org_id"] in case.orgs and h["reason"]
        linked = set().union(*(subscribers[raw] for raw in h["raw_forms"]))
        assert len(linked) == h["people"]
        assert len(h["raw_forms"]) >= 2 or h["people"] < 5  # written in several formats
        calls = [
            c
            for c in case.rows["calls.csv"]
            if h["phone"] in (re.sub(r"[^\d+]", "", c["caller"]), re.sub(r"[^\d+]", "", c["callee"]))
        ]
        assert h["linked"] >= 8, h
        if h["kind"] == "ngo_hotline" and h["callers"]:
            assert calls
    hotels = [h for h in hubs if h["kind"] == "hotel_switchboard"]
    assert max(h["people"] for h in hotels) > busiest_other


def test_name_variants_appear_where_claimed(case: Case) -> None:
    by_person: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in case.rows["people.csv"]:
        for alias in p["aliases"].split(";"):
            by_person[("people.csv", p["person_id"])].add(alias)
    for d in case.rows["documents.csv"]:
        by_person[("documents.csv", d["holder_id"])].add(d["name_on_document"])
    for r in case.rows["phones.csv"]:
        by_person[("phones.csv", r["person_id"])].add(r["subscriber_name"])
    crossing_names = {b["traveller_name"] for b in case.rows["border_crossings.csv"]}
    subscriber_names = {r["subscriber_name"] for r in case.rows["phones.csv"]}
    variants = case.gt["name_variants"]
    assert variants
    for v in variants:
        assert case.people[v["person_id"]]["full_name"] == v["canonical"] != v["variant"]
        if v["file"] == "border_crossings.csv":
            assert v["variant"] in crossing_names, v
        elif v["file"] == "phones.csv" and v["kind"] == "ascii":
            # a phone registered in this person's name but used by others
            assert v["variant"] in subscriber_names, v
        else:
            assert v["variant"] in by_person[(v["file"], v["person_id"])], v
    # the example from the brief: diacritics dropped, capitals, and typos of the same person
    assert any(v["kind"] == "typo" and v["file"] == "border_crossings.csv" for v in variants)


@pytest.mark.slow
def test_a_larger_case_streams_to_disk(tmp_path: Path) -> None:
    """20,000 people: well over 15 rows a person, exact head count, ground truth still consistent."""
    summary = generate_case(tmp_path, people=20_000, seed=1)
    assert summary.counts["people.csv"] == 20_000
    assert summary.total_rows > 15 * 20_000
    big = Case(tmp_path)
    test_people_in_the_ground_truth_exist(big)
    test_fraud_groups_hold(big)
    test_forged_documents_have_their_defects(big)
