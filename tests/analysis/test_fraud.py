"""Document fraud checks: each check on small hand-built graphs (hits and look-alikes that
must not hit), determinism, clusters, write-back, and precision/recall on the demo case."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph_tool.analysis import fraud as F
from graph_tool.analysis.fraud import Finding, FraudConfig
from graph_tool.model import Label, Rel
from graph_tool.normalise import make_td1, make_td3, name_key, normalise_document_number
from graph_tool.store.base import GraphStore, NodeRecord

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2024, 6, 30)
CFG = FraudConfig(today=TODAY)


# --- building graphs -------------------------------------------------------------------


def person(g: nx.MultiDiGraph, pid: str, name: str = "", birth: str | None = None, **props: Any) -> str:
    g.add_node(pid, label=Label.PERSON, name=name or None, birth_date=birth, **props)
    return pid


def doc(
    g: nx.MultiDiGraph, did: str, number: str, doc_type: str = "passport", country: str = "VN", **props: Any
) -> str:
    g.add_node(
        did,
        label=Label.DOCUMENT,
        doc_type=doc_type,
        number=number,
        number_norm=normalise_document_number(number),
        issuing_country=country,
        **props,
    )
    return did


def holds(g: nx.MultiDiGraph, p: str, d: str) -> None:
    g.add_edge(p, d, type=Rel.HOLDS)


def checks(findings: list[Finding]) -> list[str]:
    return [f.check for f in findings]


# --- shared_document_number ------------------------------------------------------------


def test_one_number_held_by_people_with_different_names_and_births() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D-0042", "N1234567")
    for pid, name, birth in (
        ("P-0012", "Nguyen Thi Lan", "1990-05-01"),
        ("P-0031", "Tran Thi Mai", "1990-05-01"),
        ("P-0077", "Pham Van Hung", "1984-11-20"),
    ):
        person(g, pid, name, birth)
        holds(g, pid, "D-0042")
    [f] = F.shared_document_number(g, CFG)
    assert f.reason == (
        "Passport N1234567 (D-0042) is held by 3 people with 3 different names and 2 birth dates: "
        "P-0012, P-0031, P-0077"
    )
    assert f.evidence == ("D-0042", "P-0012", "P-0031", "P-0077")
    assert f.severity == "high" and f.score >= 0.85
    assert f.facts["names"] == 3 and f.facts["birth_dates"] == 2
    # names never appear in reasons; on the evidence roles only by their place
    assert "Nguyen" not in f.reason and "name 1 of 3" in f.roles["P-0012"]


def test_one_number_on_several_document_nodes_written_differently() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D1", "N 123-4567", status="stolen")
    doc(g, "D2", "n1234567")
    holds(g, person(g, "P1", "Sok Dara", "1980-01-01"), "D1")
    holds(g, person(g, "P2", "Chan Sreymom", "1999-03-03"), "D2")
    [f] = F.shared_document_number(g, CFG)
    assert f.evidence[:2] == ("D1", "D2")
    assert "D1 is recorded as stolen" in f.reason
    assert f.score == pytest.approx(0.95)


def test_one_person_recorded_twice_is_not_a_shared_number() -> None:
    """The victim in people.csv and the same woman in a partner's border log (a typo in a
    short name, the same birth date): one identity, no finding."""
    g = nx.MultiDiGraph()
    doc(g, "D1", "MB555663", country="MM")
    holds(g, person(g, "P-0832", "Naing Tun", "1974-07-16", nationality="MM"), "D1")
    holds(g, person(g, "X1", "Naing Tnu", "1974-07-16", nationality="MM"), "D1")
    holds(g, person(g, "X2", "Maung Naing Tun", "1974-07-16", nationality="MM"), "D1")
    assert F.shared_document_number(g, CFG) == []


def test_same_number_in_different_countries_or_types_is_not_shared() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D1", "A1234567", country="VN")
    doc(g, "D2", "A1234567", country="KH")
    doc(g, "D3", "A1234567", doc_type="visa", country="VN")
    holds(g, person(g, "P1", "Sok Dara", "1980-01-01"), "D1")
    holds(g, person(g, "P2", "Chan Sreymom", "1999-03-03"), "D2")
    holds(g, person(g, "P3", "Le Van Nam", "1970-03-03"), "D3")
    assert F.shared_document_number(g, CFG) == []


# --- too_many_documents ----------------------------------------------------------------


def test_three_passports_within_two_years() -> None:
    g = nx.MultiDiGraph()
    person(g, "P1", "Tran Van Minh", "1980-01-01")
    for i, day in enumerate(("2021-01-10", "2021-09-01", "2022-06-30")):
        holds(g, "P1", doc(g, f"D{i}", f"C00{i}11{i}", issue_date=day))
    [f] = F.too_many_documents(g, CFG)
    assert f.evidence == ("P1", "D0", "D1", "D2")
    assert f.reason.startswith("P1 holds 3 passports issued within 2 years (2021-01-10 to 2022-06-30)")


def test_a_renewed_passport_is_not_too_many() -> None:
    """Passports renewed every ten years, a replacement for a lost one, an ID card and
    a second nationality's passport: an ordinary life."""
    g = nx.MultiDiGraph()
    person(g, "P1", "Tran Van Minh", "1970-01-01")
    for i, day in enumerate(("2004-03-01", "2014-02-20", "2019-05-05", "2024-02-01")):
        holds(g, "P1", doc(g, f"D{i}", f"C77{i}", issue_date=day))
    holds(g, "P1", doc(g, "ID", "0123456789", doc_type="national_id", issue_date="2023-01-01"))
    holds(g, "P1", doc(g, "GB", "123456789", country="GB", issue_date="2023-06-01"))
    # and the same passport recorded twice (two sources) counts once
    holds(g, "P1", doc(g, "D3bis", "C773", issue_date="2024-02-01"))
    assert F.too_many_documents(g, CFG) == []


def test_identity_documents_from_three_countries_within_the_window() -> None:
    g = nx.MultiDiGraph()
    person(g, "P1", "Aung Kyaw", "1985-01-01")
    holds(g, "P1", doc(g, "D1", "MA123", country="MM", issue_date="2022-01-01"))
    holds(g, "P1", doc(g, "D2", "123456", doc_type="national_id", country="TH", issue_date="2022-08-01"))
    holds(g, "P1", doc(g, "D3", "E999", country="CN", issue_date="2023-03-01"))
    holds(g, "P1", doc(g, "V1", "V777", doc_type="visa", country="GB", issue_date="2023-03-01"))
    [f] = F.too_many_documents(g, CFG)
    assert "identity documents from 3 countries (CN, MM, TH)" in f.reason
    assert "V1" not in f.evidence  # visas are issued by the countries one visits
    assert f.facts["countries"] == ["CN", "MM", "TH"]


# --- mrz_check_failures ----------------------------------------------------------------


def _td3(number: str = "C1234567", birth: str = "1995-04-03", expiry: str = "2029-01-01") -> tuple[str, str]:
    return make_td3(
        surname="Tran",
        given_names="Thi Mai",
        document_number=number,
        nationality="VN",
        birth_date=birth,
        sex="F",
        expiry_date=expiry,
    )


def _kh_td1() -> tuple[str, str, str]:
    """A valid TD1 (ID card) MRZ, number D23145890, issued by KH."""
    return make_td1(
        surname="Sok",
        given_names="Dara",
        document_number="D23145890",
        nationality="KH",
        birth_date="1980-01-01",
        sex="M",
        expiry_date="2030-01-01",
    )


def _cn_visa() -> tuple[str, str]:
    """A valid MRV-A (visa) MRZ, number CNV123456, issued by CN."""
    return make_td3(
        surname="Tran",
        given_names="Thi Mai",
        document_number="CNV123456",
        nationality="VN",
        birth_date="1995-04-03",
        sex="F",
        expiry_date="2025-01-01",
        document_type="V",
        issuing_state="CN",
    )


def _with_digit(line: str, pos: int) -> str:
    return line[:pos] + str((int(line[pos]) + 1) % 10) + line[pos + 1 :]


def test_a_valid_mrz_does_not_fail() -> None:
    g = nx.MultiDiGraph()
    l1, l2 = _td3()
    doc(
        g,
        "D1",
        "C1234567",
        mrz=f"{l1}\n{l2}",
        expiry_date="2029-01-01",
        birth_date_on_document="1995-04-03",
        nationality_on_document="VN",
    )
    t1 = _kh_td1()
    doc(g, "D2", "D23145890", doc_type="national_id", country="KH", mrz="\n".join(t1))
    v1, v2 = _cn_visa()
    doc(g, "V1", "CNV123456", doc_type="visa", country="CN", mrz=f"{v1}\n{v2}")
    # the ICAO 9303 TD2 specimen
    doc(
        g,
        "D3",
        "D23145890",
        doc_type="other",
        country="",
        mrz="I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
    )
    assert F.mrz_check_failures(g, CFG) == []


@pytest.mark.parametrize(
    ("pos", "failed"),
    [
        (9, ["document number", "composite"]),
        (19, ["birth date", "composite"]),
        (27, ["expiry date", "composite"]),
        (43, ["composite"]),
    ],
)
def test_one_changed_check_digit_fails(pos: int, failed: list[str]) -> None:
    g = nx.MultiDiGraph()
    l1, l2 = _td3()
    doc(g, "D1", "C1234567", mrz=f"{l1}\n{_with_digit(l2, pos)}")
    [f] = F.mrz_check_failures(g, CFG)
    assert f.reason.startswith("MRZ of Passport C1234567 (D1, TD3) fails")
    assert f.reason.endswith(": " + ", ".join(failed))
    assert f.score >= 0.65 and f.evidence == ("D1",)


def test_a_changed_data_digit_fails_too() -> None:
    """A forger changing the birth year without recomputing the digits."""
    g = nx.MultiDiGraph()
    l1, l2 = _td3()
    doc(g, "D1", "C1234567", mrz=f"{l1}\n{l2[:13]}93{l2[15:]}")
    [f] = F.mrz_check_failures(g, CFG)
    assert f.facts["failed_checks"] == ["birth_date", "composite"]


def test_td1_and_visa_check_digits() -> None:
    g = nx.MultiDiGraph()
    t1, t2, t3 = _kh_td1()
    doc(g, "ID", "D23145890", doc_type="national_id", country="KH", mrz="\n".join((t1, _with_digit(t2, 6), t3)))
    v1, v2 = _cn_visa()
    doc(g, "V1", "CNV123456", doc_type="visa", country="CN", mrz=f"{v1}\n{_with_digit(v2, 27)}")
    by_doc = {f.evidence[0]: f for f in F.mrz_check_failures(g, CFG)}
    assert "(ID, TD1) fails 2 of 4 check digits: birth date, composite" in by_doc["ID"].reason
    assert "(V1, MRVA) fails 1 of 3 check digits: expiry date" in by_doc["V1"].reason


def test_mrz_contradicting_the_record() -> None:
    g = nx.MultiDiGraph()
    l1, l2 = _td3()
    doc(
        g,
        "D1",
        "C7654321",
        mrz=f"{l1}\n{l2}",
        birth_date_on_document="1997-04-03",
        expiry_date="2029-01-01",
        nationality_on_document="KH",
    )
    [f] = F.mrz_check_failures(g, CFG)
    assert f.facts["failed_checks"] == []
    assert f.facts["contradictions"] == [
        "number C1234567 against the recorded C7654321",
        "birth date 1995-04-03 against the recorded 1997-04-03",
        "nationality VN against the recorded KH",
    ]


def test_an_unreadable_mrz_is_reported() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D1", "C1", mrz="P<VNMTRAN<<MAI\nC1<<<<<<<")
    [f] = F.mrz_check_failures(g, CFG)
    assert "cannot be read" in f.reason and f.severity == "medium"


# --- impossible_dates ------------------------------------------------------------------


def test_issued_before_the_holder_was_born() -> None:
    g = nx.MultiDiGraph()
    holds(g, person(g, "P1", "Le Thi Hoa", "2001-02-03"), doc(g, "D1", "C1", issue_date="1999-05-05"))
    [f] = F.impossible_dates(g, CFG)
    assert f.evidence == ("D1", "P1")
    assert "before the birth of its holder P1 (2001-02-03)" in f.reason and f.severity == "high"


def test_expiry_before_issue_overlong_and_future() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D1", "C1", issue_date="2019-03-01", expiry_date="2019-03-01")
    doc(g, "D2", "C2", issue_date="2010-01-01", expiry_date="2021-06-01")
    doc(g, "D3", "C3", issue_date="2025-01-01", expiry_date="2035-01-01")
    doc(g, "D4", "C4", birth_date_on_document="1990-01-01", issue_date="1989-12-01", expiry_date="1999-12-01")
    found = {f.evidence[0]: f for f in F.impossible_dates(g, CFG)}
    assert found["D1"].facts["problems"] == ["expiry_before_issue"]
    assert "valid for 11.4 years" in found["D2"].reason and "10 years a passport" in found["D2"].reason
    assert found["D3"].facts["problems"] == ["issued_in_future"]
    assert "before the birth date printed on it" in found["D4"].reason


def test_possible_dates_are_not_flagged() -> None:
    g = nx.MultiDiGraph()
    holds(
        g,
        person(g, "P1", "Le Thi Hoa", "1990-05-01"),
        doc(g, "D1", "C1", issue_date="2015-03-01", expiry_date="2025-02-28"),
    )
    doc(g, "D2", "C2", issue_date="2014-01-01", expiry_date="2024-10-01")  # 10 years 9 months: within the margin
    doc(g, "D3", "C3", birth_date_on_document="1990-05", issue_date="1990")  # partial: not comparable
    doc(g, "D4", "M1", doc_type="marriage_certificate", issue_date="1970-01-01", expiry_date="2070-01-01")
    assert F.impossible_dates(g, CFG) == []


# --- serial_numbers --------------------------------------------------------------------


def _serial_graph(numbers: list[str], country: str = "KH") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i, n in enumerate(numbers):
        holds(g, person(g, f"P{i}", f"Holder Number{i}", f"19{80 + i}-01-01"), doc(g, f"D{i}", n, country=country))
    return g


def test_consecutive_serials_across_unrelated_holders() -> None:
    g = _serial_graph(["N45469505", "N45469506", "N45469507"])
    [f] = F.serial_numbers(g, CFG)
    assert f.reason.startswith("3 passports issued by KH carry consecutive numbers N45469505 to N45469507")
    assert f.evidence == ("D0", "D1", "D2", "P0", "P1", "P2")
    assert f.facts["largest_gap"] == 1


def test_near_consecutive_within_the_gap_and_not_beyond() -> None:
    assert checks(F.serial_numbers(_serial_graph(["E100", "E102"]), CFG)) == ["serial_numbers"]
    assert F.serial_numbers(_serial_graph(["E100", "E103"]), CFG) == []
    assert checks(F.serial_numbers(_serial_graph(["E100", "E103"]), FraudConfig(today=TODAY, serial_max_gap=3))) == [
        "serial_numbers"
    ]


@pytest.mark.parametrize("tie", [Rel.FAMILY_OF, Rel.MARRIED_TO])
def test_a_family_with_consecutive_numbers_is_not_a_serial_hit(tie: Rel) -> None:
    g = _serial_graph(["N45469505", "N45469506"])
    g.add_edge("P0", "P1", type=tie)
    assert F.serial_numbers(g, CFG) == []


def test_a_family_and_a_stranger_in_one_run_is_a_hit() -> None:
    g = _serial_graph(["N45469505", "N45469506", "N45469507"])
    g.add_edge("P0", "P1", type=Rel.FAMILY_OF)
    [f] = F.serial_numbers(g, CFG)
    assert f.facts["families"] == 2


def test_a_holder_recorded_twice_does_not_make_a_second_family() -> None:
    g = _serial_graph(["N45469505", "N45469506"])
    g.add_edge("P0", "P1", type=Rel.FAMILY_OF)
    holds(g, person(g, "X0", "HOLDER NUMBER0", "1980-01-01"), "D0")  # the border log's record of P0
    assert F.serial_numbers(g, CFG) == []


def test_serials_of_other_prefixes_countries_or_lengths_are_apart() -> None:
    assert F.serial_numbers(_serial_graph(["N100", "M101"]), CFG) == []
    assert F.serial_numbers(_serial_graph(["N100", "N0101"]), CFG) == []
    g = _serial_graph(["N100"])
    holds(g, person(g, "Q", "Other Holder", "1970-01-01"), doc(g, "DQ", "N101", country="LA"))
    assert F.serial_numbers(g, CFG) == []


# --- shared_sponsor --------------------------------------------------------------------


def _sponsored(n: int, sex: str | list[str] = "female", nats: str | list[str] = "VN") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("O-003", label=Label.ORGANISATION, name="Harmony Marriage Consulting", org_type="marriage_agency")
    for i in range(n):
        s = sex if isinstance(sex, str) else sex[i]
        nat = nats if isinstance(nats, str) else nats[i]
        person(g, f"P{i}", f"Applicant {i}", "1999-01-01", sex=s, nationality=nat)
        holds(g, f"P{i}", doc(g, f"V{i}", f"CNV90{i}", doc_type="visa", country="CN"))
        g.add_edge("O-003", f"V{i}", type=Rel.SPONSORED)
    return g


def test_one_sponsor_for_many_women_of_one_nationality() -> None:
    [f] = F.shared_sponsor(_sponsored(4), CFG)
    assert f.reason.startswith(
        "Marriage agency O-003 (Harmony Marriage Consulting) sponsored 4 visas for 4 applicants, all women, "
        "all of nationality VN"
    )
    assert f.evidence[0] == "O-003" and f.facts["pattern_women_one_nationality"] is True
    assert f.severity == "high"


def test_mixed_applicants_score_lower_and_few_do_not_count() -> None:
    [mixed] = F.shared_sponsor(_sponsored(4, ["male", "female", "male", "female"], ["VN", "KH", "LA", "VN"]), CFG)
    [women] = F.shared_sponsor(_sponsored(4), CFG)
    assert mixed.score < women.score and "women" not in mixed.reason
    assert F.shared_sponsor(_sponsored(2), CFG) == []


def test_a_sponsors_own_family_is_not_counted() -> None:
    """A husband inviting his wife and her two children."""
    g = nx.MultiDiGraph()
    person(g, "H", "Husband", "1970-01-01", sex="male")
    for i in range(3):
        person(g, f"P{i}", f"Family {i}", "1999-01-01", sex="female", nationality="VN")
        holds(g, f"P{i}", doc(g, f"V{i}", f"CNV80{i}", doc_type="visa", country="CN"))
        g.add_edge("H", f"V{i}", type=Rel.SPONSORED)
    g.add_edge("H", "P0", type=Rel.MARRIED_TO)
    g.add_edge("P0", "P1", type=Rel.FAMILY_OF)
    g.add_edge("P2", "P0", type=Rel.FAMILY_OF)
    assert F.shared_sponsor(g, CFG) == []


def test_work_permits_count_only_when_configured() -> None:
    g = _sponsored(3)
    for i in range(3):
        g.nodes[f"V{i}"]["doc_type"] = "work_permit"
    assert F.shared_sponsor(g, CFG) == []
    cfg = FraudConfig(today=TODAY, sponsor_document_types=("visa", "work_permit"))
    assert checks(F.shared_sponsor(g, cfg)) == ["shared_sponsor"]


# --- shared_photo ----------------------------------------------------------------------


def test_one_photo_on_two_identities() -> None:
    g = nx.MultiDiGraph()
    person(g, "P1", "Pich Dara", "1976-04-26")
    holds(
        g,
        "P1",
        doc(g, "D1", "N1", photo_hash="4580175F", name_on_document="PICH DARA", birth_date_on_document="1976-04-26"),
    )
    holds(
        g,
        "P1",
        doc(g, "D2", "N2", photo_hash="4580175f", name_on_document="PRAK SOVANN", birth_date_on_document="1971-05-08"),
    )
    [f] = F.shared_photo(g, CFG)
    assert f.facts["identities"] == 2 and f.evidence == ("D1", "D2", "P1")
    assert "Photo 4580175f appears on 2 documents of 2 different identities (2 names, 2 birth dates)" in f.reason


def test_one_persons_own_documents_with_one_photo_are_fine() -> None:
    g = nx.MultiDiGraph()
    person(g, "P1", "Nguyễn Thị Lan", "1990-05-01", nationality="VN")
    holds(g, "P1", doc(g, "D1", "C1", photo_hash="ab", name_on_document="NGUYEN THI LAN"))
    holds(g, "P1", doc(g, "D2", "0123", doc_type="national_id", photo_hash="ab", name_on_document="Nguyễn Thị Lan"))
    assert F.shared_photo(g, CFG) == []


def test_a_placeholder_photo_hash_is_skipped() -> None:
    g = nx.MultiDiGraph()
    for i in range(3):
        holds(g, person(g, f"P{i}", f"Person {i}", f"19{70 + i}-01-01"), doc(g, f"D{i}", f"C{i}", photo_hash="0000"))
    assert checks(F.shared_photo(g, CFG)) == ["shared_photo"]
    assert F.shared_photo(g, FraudConfig(today=TODAY, photo_max_documents=2)) == []


# --- holder_mismatch -------------------------------------------------------------------


def test_a_minor_made_an_adult() -> None:
    g = nx.MultiDiGraph()
    holds(
        g,
        person(g, "P1", "Nguyễn Thị Lan", "2005-07-15"),
        doc(
            g,
            "D1",
            "C1",
            name_on_document="NGUYEN THI LAN",
            birth_date_on_document="2001-07-15",
            issue_date="2021-09-01",
        ),
    )
    [f] = F.holder_mismatch(g, CFG)
    assert "makes a minor an adult on its issue date 2021-09-01" in f.reason and f.score == pytest.approx(0.8)


def test_name_variants_are_not_a_mismatch_but_an_alias_is() -> None:
    g = nx.MultiDiGraph()
    person(g, "P1", "Nguyễn Thị Lan", "1990-05-01", aliases=["Lan Nguyen"])
    holds(g, "P1", doc(g, "D1", "C1", name_on_document="NGUYEN THI LAN", birth_date_on_document="1990-05-01"))
    holds(g, "P1", doc(g, "D2", "C2", name_on_document="LAN NGUYEN"))
    assert F.holder_mismatch(g, CFG) == []
    holds(g, "P1", doc(g, "D3", "C3", name_on_document="PRAK SOVANN"))
    [f] = F.holder_mismatch(g, CFG)
    assert f.evidence == ("D3", "P1") and "PRAK" not in f.reason


# --- the graph as the store gives it ---------------------------------------------------


def test_merged_people_and_findings_are_ignored() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D1", "N1234567")
    holds(g, person(g, "P1", "Nguyen Thi Lan", "1990-05-01"), "D1")
    holds(g, person(g, "P2", "Tran Thi Mai", "1970-05-01", merged_into="P1"), "D1")
    g.add_node("f0", label=Label.FINDING, check="shared_document_number")
    g.add_edge("f0", "D1", type=Rel.EVIDENCE)
    assert F.shared_document_number(g, CFG) == []


def test_undirected_and_simple_graphs_work() -> None:
    g = nx.MultiDiGraph()
    doc(g, "D1", "N1234567")
    holds(g, person(g, "P1", "Nguyen Thi Lan", "1990-05-01"), "D1")
    holds(g, person(g, "P2", "Tran Van Minh", "1970-05-01"), "D1")
    expected = [f.id for f in F.shared_document_number(g, CFG)]
    assert expected
    assert [f.id for f in F.shared_document_number(nx.Graph(g), CFG)] == expected
    assert [f.id for f in F.shared_document_number(nx.DiGraph(g), CFG)] == expected


def test_config_is_checked() -> None:
    with pytest.raises(ValueError, match="unknown fraud checks"):
        FraudConfig(checks=("no_such_check",))
    with pytest.raises(ValueError, match="unknown document types"):
        FraudConfig(sponsor_document_types=("visas",))
    with pytest.raises(ValueError, match="name_match"):
        FraudConfig(name_match=1.5)


# --- all checks: determinism and clusters ----------------------------------------------


def _case(reverse: bool = False) -> nx.MultiDiGraph:
    """Ring 1: a serial run of three passports, one with a broken MRZ, and visas from one
    agency for two of the holders plus a third woman. Ring 2, unrelated: a visa valid
    before it was issued."""
    g = nx.MultiDiGraph()
    items: list[tuple[str, str, dict[str, Any]]] = []
    g.add_node("O1", label=Label.ORGANISATION, name="Love Bridge Matchmaking", org_type="marriage_agency")
    for i in range(3):
        number = f"MB69740{5 + i}"
        l1, l2 = make_td3(
            surname=f"Khin{i}",
            given_names="Su",
            document_number=number,
            nationality="MM",
            birth_date=f"199{i}-10-06",
            sex="F",
            expiry_date="2028-03-05",
        )
        mrz = f"{l1}\n{_with_digit(l2, 43) if i == 0 else l2}"
        items.append((f"P{i}", f"D{i}", {"number": number, "mrz": mrz, "country": "MM"}))
    people = [("P0", "1990"), ("P1", "1991"), ("P2", "1992"), ("P3", "1993")]
    if reverse:
        people.reverse()
        items.reverse()
    for pid, year in people:
        person(g, pid, f"Khin Su {pid}", f"{year}-10-06", sex="female", nationality="MM")
    for pid, did, props in items:
        holds(g, pid, doc(g, did, props["number"], country=props["country"], mrz=props["mrz"]))
    for i in (0, 1, 3) if not reverse else (3, 1, 0):
        holds(g, f"P{i}", doc(g, f"V{i}", f"CNV{(i + 3) * 1000 + 7}", doc_type="visa", country="CN"))
        g.add_edge("O1", f"V{i}", type=Rel.SPONSORED)
    holds(
        g,
        person(g, "Q1", "Other Person", "1960-01-01"),
        doc(g, "X1", "CNV999", doc_type="visa", country="CN", issue_date="2020-01-01", expiry_date="2019-01-01"),
    )
    return g


def test_same_input_same_findings() -> None:
    a = F.fraud_findings(_case(), CFG)
    b = F.fraud_findings(_case(reverse=True), CFG)
    assert [(f.id, f.reason, f.score, f.cluster_id) for f in a.findings] == [
        (f.id, f.reason, f.score, f.cluster_id) for f in b.findings
    ]
    assert [c.cluster_id for c in a.clusters] == [c.cluster_id for c in b.clusters]
    assert all(f.id.startswith("fraud:") for f in a.findings)
    assert len({f.id for f in a.findings}) == len(a.findings)
    # the id is the check and the evidence: the same check on other evidence differs
    assert F._finding_id("serial_numbers", ["D1", "D2"]) == F._finding_id("serial_numbers", ["D2", "D1"])
    assert F._finding_id("serial_numbers", ["D1", "D2"]) != F._finding_id("shared_photo", ["D1", "D2"])


def test_linked_findings_form_one_cluster() -> None:
    report = F.fraud_findings(_case(), CFG)
    assert sorted(checks(list(report.findings))) == [
        "impossible_dates",
        "mrz_check_failures",
        "serial_numbers",
        "shared_sponsor",
    ]
    assert len(report.clusters) == 2
    ring, other = report.clusters
    assert ring.checks == ("mrz_check_failures", "serial_numbers", "shared_sponsor")
    assert ring.documents == ("D0", "D1", "D2", "V0", "V1", "V3")
    assert ring.people == ("P0", "P1", "P2", "P3") and ring.others == ("O1",)
    scores = [f.score for f in report.findings if f.cluster_id == ring.cluster_id]
    rest = 1.0
    for s in scores:
        rest *= 1 - s
    assert ring.score == pytest.approx(1 - rest, abs=1e-3)
    assert other.documents == ("X1",) and other.people == ("Q1",)
    assert {f.cluster_id for f in report.findings} == {ring.cluster_id, other.cluster_id}
    # a node's fraud score combines the findings naming it
    assert report.scores["D0"] > report.scores["D1"] > 0
    assert report.flagged_documents() == {"D0", "D1", "D2", "V0", "V1", "V3", "X1"}
    assert set(report.by_check()) == set(F.CHECKS)


def test_only_the_configured_checks_run() -> None:
    report = F.fraud_findings(_case(), FraudConfig(today=TODAY, checks=("impossible_dates",)))
    assert checks(list(report.findings)) == ["impossible_dates"]


# --- write-back ------------------------------------------------------------------------


def test_findings_to_records_round_trip(embedded_store: GraphStore) -> None:
    g = _case()
    nodes = [
        NodeRecord(Label(d["label"]), str(n), {k: v for k, v in d.items() if k != "label"}, "test")
        for n, d in g.nodes(data=True)
    ]
    embedded_store.upsert_nodes(nodes)
    report = F.fraud_findings(g, CFG)
    finding_nodes, evidence = F.findings_to_records(report)
    assert {n.label for n in finding_nodes} == {Label.FINDING}
    assert {e.type for e in evidence} == {Rel.EVIDENCE}
    assert len(evidence) == sum(len(f.evidence) for f in report.findings)
    serial = next(f for f in report.findings if f.check == "serial_numbers")
    edge = next(e for e in evidence if e.source_id == serial.id and e.target_id == "D0")
    assert edge.props["reason"] == serial.roles["D0"] and edge.target_label is Label.DOCUMENT
    embedded_store.upsert_nodes(finding_nodes)
    result = embedded_store.upsert_edges(evidence)
    assert not result.rejected and result.created == len(evidence)
    for label, values in F.fraud_properties(report).items():
        embedded_store.set_properties(label, values)
    counts = embedded_store.counts()
    assert counts[Label.FINDING] == len(report.findings)
    assert counts[Rel.EVIDENCE] == len(evidence)
    [d0] = embedded_store.get_nodes(Label.DOCUMENT, ["D0"])
    assert d0.props["fraud_score"] == pytest.approx(report.scores["D0"])
    [stored] = embedded_store.get_nodes(Label.FINDING, [serial.id])
    assert stored.props["reason"] == serial.reason and stored.props["cluster_id"] == serial.cluster_id
    # writing the same report again changes nothing
    again = embedded_store.upsert_edges(F.findings_to_records(report)[1])
    assert again.created == 0 and again.updated == 0


# --- the demo case ---------------------------------------------------------------------


def _graph_from_csv(folder: Path) -> nx.MultiDiGraph:
    """The case files as a graph, for when no case loader is available: one Document per
    row (ids are the rows' doc_ref), holders, sponsors and person-to-person relations."""
    g = nx.MultiDiGraph()

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    for r in rows("people.csv"):
        g.add_node(
            r["person_id"],
            label=Label.PERSON,
            name=r["full_name"],
            name_key=name_key(r["full_name"]),
            birth_date=r["birth_date"] or None,
            sex=r["sex"] or None,
            nationality=r["nationality"] or None,
            aliases=[a for a in r["aliases"].split(";") if a],
        )
    for r in rows("organisations.csv"):
        g.add_node(r["org_id"], label=Label.ORGANISATION, name=r["name"], org_type=r["org_type"])
    for r in rows("documents.csv"):
        props = {
            k: (r[k] or None)
            for k in (
                "doc_type",
                "number",
                "issuing_country",
                "issue_date",
                "expiry_date",
                "mrz",
                "photo_hash",
                "status",
                "name_on_document",
                "birth_date_on_document",
            )
        }
        g.add_node(r["doc_ref"], label=Label.DOCUMENT, number_norm=normalise_document_number(r["number"]), **props)
        if r["holder_id"]:
            g.add_edge(r["holder_id"], r["doc_ref"], type=Rel.HOLDS)
        if r["sponsor_id"]:
            g.add_edge(r["sponsor_id"], r["doc_ref"], type=Rel.SPONSORED)
    for r in rows("relations.csv"):
        rel = Rel(r["relation"].upper())
        if r["from_id"] in g and r["to_id"] in g:
            g.add_edge(r["from_id"], r["to_id"], type=rel)
    return g


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    folder = ROOT / "sample_data" / "demo"
    if (folder / "ground_truth.json").is_file() and (folder / "documents.csv").is_file():
        return folder
    from sample_data.generate import generate_case  # the demo is this case: 200 people, seed 7

    generate_case(tmp_path / "demo", people=200, seed=7)
    return tmp_path / "demo"


@pytest.mark.slow
def test_demo_case_precision_and_recall(demo_folder: Path, embedded_store: GraphStore) -> None:
    try:
        from loaders.case import load_case
    except ImportError:  # no case loader yet: read the CSV files directly
        g = _graph_from_csv(demo_folder)
        how = "CSV files read directly"
    else:
        load_case(embedded_store, demo_folder)
        g = embedded_store.whole_graph().to_networkx()
        how = "loaded with loaders.case.load_case into the embedded store"
    truth = json.loads((demo_folder / "ground_truth.json").read_text(encoding="utf-8"))
    report = F.fraud_findings(g, FraudConfig(today=date.fromisoformat(truth["reference_date"])))

    # ground-truth doc_refs -> the Document nodes they became (the loader keys a document by
    # type, issuing country and normalised number, so two rows of one number are one node)
    nodes_of_key: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for n, d in g.nodes(data=True):
        if d.get("label") == Label.DOCUMENT:
            nodes_of_key[(d.get("doc_type"), d.get("issuing_country"), d.get("number_norm"))].add(str(n))
    with (demo_folder / "documents.csv").open(encoding="utf-8", newline="") as fh:
        key_of = {
            r["doc_ref"]: (r["doc_type"], r["issuing_country"], normalise_document_number(r["number"]))
            for r in csv.DictReader(fh)
        }

    def nodes(refs: set[str]) -> set[str]:
        return set().union(*(nodes_of_key[key_of[r]] for r in refs))

    forged = nodes({d["doc_ref"] for d in truth["forged_documents"]})
    involved = forged | nodes({r for grp in truth["fraud_groups"] for r in grp["doc_refs"]})
    flagged = report.flagged_documents()
    recall = len(flagged & forged) / len(forged)
    precision = len(flagged & forged) / len(flagged)
    precision_involved = len(flagged & involved) / len(flagged)
    print(
        f"\ndemo case ({how}): {len(report.findings)} findings in {len(report.clusters)} clusters; "
        f"{len(flagged)} documents flagged, {len(forged)} forged in the ground truth; "
        f"recall {recall:.3f}, precision {precision:.3f} against the forged documents, "
        f"{precision_involved:.3f} counting every document of a ground-truth fraud group "
        f"(the stolen original of a copied number, the genuine passport whose photo was reused)"
    )
    assert recall >= 0.8
    assert precision >= 0.6
    assert precision_involved >= 0.8
    # every kind of planted fraud is found by its own check
    by_check = report.by_check()
    kinds = {grp["kind"] for grp in truth["fraud_groups"]}
    expected = {
        "shared_number": "shared_document_number",
        "serial": "serial_numbers",
        "bad_mrz": "mrz_check_failures",
        "impossible_dates": "impossible_dates",
        "shared_photo": "shared_photo",
        "shared_sponsor": "shared_sponsor",
    }
    for kind in kinds:
        assert by_check[expected[kind]], f"no {expected[kind]} finding for the planted {kind}"
