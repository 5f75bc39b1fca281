"""Each built-in spec on small files, into both stores."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graph_tool.model import Label, Rel
from graph_tool.store.base import GraphStore, Node
from loaders.engine import load_files
from loaders.mapping import make_id
from loaders.report import LoadReport

PEOPLE = """person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes
P-0001,  NGUYEN   Thi Lan ,Lan Nguyen;Nguyễn Thị Lan,1999-03-12,F,Viet Nam,victim,debt_bondage;Isolation,rescued 2021
P-0002,Tran Van Minh,,12/03/1980,male,VN,recruiter;broker,,
P-0003,Wang Wei,,1975,M,China,Buyer,,
"""
ORGS = """org_id,name,org_type,country,registration_number,address,phone
O-001,Happy Family Marriage Co.,marriage_agency,CN,91ABC,"Heping Jie 154, Mohan",0770 5103 408
O-002,Bright Jobs,recruitment_agency,VN,,,
"""


def load(store: GraphStore, spec: str, *files: Path, **kw: object) -> LoadReport:
    report = load_files(store, list(files), spec, **kw)  # type: ignore[arg-type]
    report.check()
    assert not report.errors, report.errors
    return report


def get(store: GraphStore, label: Label, node_id: str) -> Node:
    found = store.get_nodes(label, [node_id])
    assert found, f"no {label} {node_id}"
    return found[0]


def edges(store: GraphStore, rel: Rel) -> list[tuple[str, str, dict[str, object]]]:
    found = [(e.source, e.target, dict(e.props)) for e in store.whole_graph().edges if e.type == rel]
    return sorted(found, key=lambda e: (e[0], e[1], json.dumps(e[2], sort_keys=True, default=str)))


@pytest.fixture
def base(store: GraphStore, write: Callable[..., Path]) -> GraphStore:
    load(store, "people", write("people.csv", PEOPLE))
    load(store, "organisations", write("organisations.csv", ORGS))
    return store


def test_people(base: GraphStore) -> None:
    lan = get(base, Label.PERSON, "P-0001")
    assert lan.props["name"] == "NGUYEN Thi Lan"
    assert lan.props["name_key"] == "lan nguyen thi"
    assert lan.props["aliases"] == ["Lan Nguyen", "Nguyễn Thị Lan"]
    assert lan.props["sex"] == "female" and lan.props["nationality"] == "VN"
    assert lan.props["roles"] == ["victim"] and lan.props["indicators"] == ["debt_bondage", "isolation"]
    assert lan.props["sources"] == ["people:people.csv"] and lan.props["source_refs"] == [
        "people:people.csv:people.csv:2"
    ]
    minh = get(base, Label.PERSON, "P-0002")
    assert minh.props["birth_date"] == "1980-03-12" and minh.props["roles"] == ["recruiter", "broker"]
    assert get(base, Label.PERSON, "P-0003").props["birth_date"] == "1975"
    source = get(base, Label.SOURCE, "people:people.csv")
    assert source.props["rows"] == 3 and len(source.props["sha256"]) == 64 and source.props["spec"] == "people"


def test_organisations(base: GraphStore) -> None:
    org = get(base, Label.ORGANISATION, "O-001")
    assert org.props["org_type"] == "marriage_agency" and org.props["name_key"]
    assert [e[0] for e in edges(base, Rel.LOCATED_AT)] == ["O-001"]
    uses = edges(base, Rel.USES)
    phone = get(base, Label.PHONE, uses[0][1])
    assert phone.props["number"] == "+867705103408" and phone.props["valid"] is True
    assert get(base, Label.ORGANISATION, "O-002").props["country"] == "VN"


def test_documents(base: GraphStore, write: Callable[..., Path]) -> None:
    from graph_tool.normalise import make_td3

    line1, line2 = make_td3(
        surname="Nguyen",
        given_names="Thi Lan",
        document_number="C1234567",
        nationality="VN",
        birth_date="1999-03-12",
        sex="F",
        expiry_date="2030-01-01",
    )
    broken = line2[:-1] + ("1" if line2[-1] != "1" else "2")
    docs = write(
        "documents.csv",
        "doc_ref,holder_id,doc_type,number,issuing_country,issue_date,expiry_date,mrz,photo_hash,status,"
        "name_on_document,birth_date_on_document,sponsor_id\n"
        f'D-1,P-0001,passport,C123-4567,VN,2020-01-02,2030-01-01,"{line1}\n{line2}",ab12,valid,'
        "NGUYEN THI LAN,1999-03-12,\n"
        f'D-2,P-0002,passport,C1234567,VN,2019-02-30,2030-01-01,"{line1}\n{broken}",ab12,forged,'
        "Tran Van Minh,1980-03-12,\n"
        "D-3,P-0001,visa,CNV1,CN,2021-01-01,2021-06-01,,,valid,NGUYEN THI LAN,1999-03-12,O-001\n",
    )
    report = load(base, "documents", docs)
    assert report.rows_loaded == 3
    passport_id = make_id(Label.DOCUMENT, ["passport", "VN", "C1234567"])
    passport = get(base, Label.DOCUMENT, passport_id)
    assert passport.props["number"] == "C123-4567"  # the first row's value is kept
    attrs = json.loads(passport.props["attrs"])
    assert attrs["mrz_valid"] is True and attrs["doc_ref"] == "D-1"
    holds = edges(base, Rel.HOLDS)
    assert sorted(h[0] for h in holds if h[1] == passport_id) == ["P-0001", "P-0002"]  # one number, two holders
    conflicts = [w for w in report.files[0].warnings if "conflict" in w]
    assert conflicts[0].startswith("documents.csv:3: conflict: Document") and "documents.csv:2" in conflicts[0]
    assert "number" in conflicts[0] and "status" in conflicts[0]
    sponsored = edges(base, Rel.SPONSORED)
    assert [(s[0]) for s in sponsored] == ["O-001"]


def test_document_with_impossible_date_is_kept_and_flagged(base: GraphStore, write: Callable[..., Path]) -> None:
    docs = write(
        "documents.csv",
        "doc_ref,holder_id,doc_type,number,issuing_country,issue_date,expiry_date,mrz,photo_hash,status,"
        "name_on_document,birth_date_on_document,sponsor_id\n"
        "D-9,P-0002,passport,X999,VN,2019-02-30,2030-01-01,P<NOT AN MRZ,,forged,Tran Van Minh,1980-03-12,\n",
    )
    report = load(base, "documents", docs)
    assert report.rows_loaded == 1
    doc = get(base, Label.DOCUMENT, make_id(Label.DOCUMENT, ["passport", "VN", "X999"]))
    assert doc.props["issue_date"] == "2019-02-30"
    assert sorted(json.loads(doc.props["attrs"])["invalid"]) == ["issue_date", "mrz"]
    assert any("issue_date" in w and "kept as written" in w for w in report.files[0].warnings)


def test_phones_and_calls(base: GraphStore, write: Callable[..., Path]) -> None:
    phones = write(
        "phones.csv",
        "person_id,phone,subscriber_name,default_region,since\n"
        "P-0001,0912 345 678,NGUYEN THI LAN,VN,2020-01-01\n"
        "P-0002,+84 912-345-678,Minh,VN,\n"
        "P-0002,12345,Minh,VN,\n",
    )
    report = load(base, "phones", phones)
    assert report.rows_loaded == 3
    e164 = make_id(Label.PHONE, ["+84912345678"])
    assert sorted(u[0] for u in edges(base, Rel.USES) if u[1] == e164) == ["P-0001", "P-0002"]  # a shared phone
    bad = get(base, Label.PHONE, make_id(Label.PHONE, ["raw:12345"]))
    assert bad.props["valid"] is False and bad.props["number"] == "12345"  # kept, flagged
    calls = write(
        "calls.csv",
        "call_id,caller,callee,date,time,duration_s,kind\n"
        "C-1,+84912345678,12345,2021-01-01,10:00:00,30,call\n"
        "C-2,+84 912 345 678,12345,2021-01-02,10:00:00,0,sms\n",
    )
    load(base, "calls", calls)
    called = edges(base, Rel.CALLED)
    assert len(called) == 2 and {c[2]["duration_s"] for c in called} == {30, 0}


def test_accounts_and_payments(base: GraphStore, write: Callable[..., Path]) -> None:
    accounts = write(
        "accounts.csv",
        "account_number,account_type,institution,country,holder_id\n"
        "GB12 3456,bank,Bank A,GB,P-0003\n8615868712975,mobile_money,PandaWallet,CN,O-001\n",
    )
    load(base, "accounts", accounts)
    assert sorted(o[0] for o in edges(base, Rel.OWNS)) == ["O-001", "P-0003"]
    payments = write(
        "payments.csv",
        "payment_id,payer_id,payer_account,payee_id,payee_account,amount,currency,date,purpose,channel,reference\n"
        "PAY-1,P-0003,GB123456,O-001,8615868712975,1500.50,USD,2021-03-01,commission,bank_transfer,介绍费\n"
        "PAY-2,O-001,,P-0002,,300,USD,2021-03-02,Commission,cash,\n",
    )
    load(base, "payments", payments)
    assert get(base, Label.PAYMENT, "PAY-1").props["amount"] == 1500.5
    assert get(base, Label.PAYMENT, "PAY-1").props["reference"] == "介绍费"
    sent = edges(base, Rel.SENT)
    assert sorted(s[0] for s in sent) == sorted(["P-0003", "O-001", make_id(Label.ACCOUNT, ["GB123456"])])
    paid = edges(base, Rel.PAID_TO)
    assert sorted(p[1] for p in paid) == sorted(["O-001", "P-0002", make_id(Label.ACCOUNT, ["8615868712975"])])


def test_addresses_relations_events(base: GraphStore, write: Callable[..., Path]) -> None:
    addresses = write(
        "addresses.csv",
        "person_id,address,city,country,lat,lon,kind\nP-0001,12 Hang Bac,Hanoi,VN,21.03,105.85,home\n",
    )
    load(base, "addresses", addresses)
    lives = edges(base, Rel.LIVES_AT)
    assert get(base, Label.ADDRESS, lives[0][1]).props["lat"] == 21.03
    relations = write(
        "relations.csv",
        "from_id,to_id,relation,date,notes\n"
        "P-0002,P-0001,recruited,2020-01-01,\nP-0001,P-0003,married_to,2020-06-01,\n"
        "P-0002,O-002,employed_by,,agent\nP-0002,P-0003,introduced,,\nP-0001,P-0002,enemy_of,,\n",
    )
    report = load(base, "relations", relations)
    assert report.rows_loaded == 4 and report.rows_rejected == 1
    assert "relation: 'enemy_of' is not a known relation" in report.rejections[0]
    assert edges(base, Rel.RECRUITED)[0][:2] == ("P-0002", "P-0001")
    assert edges(base, Rel.EMPLOYED_BY)[0][2]["notes"] == "agent"
    events = write(
        "events.csv",
        "event_id,person_id,event_type,date,place,country,from_country,description,role\n"
        "EV-1,P-0001,recruitment,2020-01-01,Hanoi,VN,,promised a job,victim\n"
        "EV-1,P-0002,recruitment,2020-01-01,Hanoi,VN,,promised a job,recruiter\n"
        "EV-2,P-0001,border_crossing,2020-02-01,Mong Cai,CN,VN,,victim\n",
    )
    load(base, "events", events)
    assert get(base, Label.EVENT, "EV-1").props["stage"] == "recruitment"
    assert get(base, Label.EVENT, "EV-2").props["stage"] == "transportation"
    roles = {(p[0], p[1]): p[2].get("role") for p in edges(base, Rel.PARTICIPATED_IN)}
    assert roles[("P-0002", "EV-1")] == "recruiter"


def test_border_crossings_never_merge_people(base: GraphStore, write: Callable[..., Path]) -> None:
    log = write(
        "border_crossings.csv",
        "crossing_id,traveller_name,birth_date,nationality,passport_number,date,border_post,direction,from_country,"
        "to_country\n"
        "BX-1,NGUYEN THI LAN,12/03/1999,VN,C123-4567,01/05/2020,Mong Cai,exit,VN,CN\n"
        "BX-2,Lan Thi Nguyen,12/03/1999,VN,C1234567,01/05/2020,Dongxing,entry,VN,CN\n"
        "BX-3,Someone Else,01/01/1990,VN,,02/05/2020,Dongxing,entry,VN,CN\n",
    )
    report = load(base, "border-crossings", log)
    assert report.rows_loaded == 3
    people = [n for n in base.whole_graph([Label.PERSON]).nodes if n.id.startswith("Person:")]
    assert len(people) == 2  # same name key and birth date: one traveller; P-0001 is not touched
    assert get(base, Label.EVENT, "BX-1").props["date"] == "2020-05-01"
    passports = [d for d in base.whole_graph([Label.DOCUMENT]).nodes]
    assert len(passports) == 1 and len(edges(base, Rel.USED_IN)) == 2


def test_htcds(store: GraphStore, write: Callable[..., Path]) -> None:
    cases = write(
        "ctdc.csv",
        "yearOfRegistration,Datasource,gender,ageBroad,majorityStatus,citizenship,meansOfControlDebtBondage,"
        "meansOfControlThreats,meansOfControlWithholdsDocuments,isForcedLabour,isSexualExploit,CountryOfExploitation\n"
        "2019,Case Management,Female,18--20,Adult,VN,1,0,1,0,1,CN\n"
        "2018,Case Management,Male,-99,Adult,-99,-99,1,0,1,0,TH\n",
    )
    report = load(store, "htcds", cases)
    assert report.rows_loaded == 2
    victims = sorted(store.whole_graph([Label.PERSON]).nodes, key=lambda n: n.props.get("sex", ""))
    assert victims[0].props["indicators"] == ["debt_bondage", "withholding_documents"]
    assert victims[0].props["roles"] == ["victim"] and victims[0].props["nationality"] == "VN"
    assert json.loads(victims[0].props["attrs"])["ageBroad"] == "18--20"
    events = {n.props["country"]: n for n in store.whole_graph([Label.EVENT]).nodes}
    assert events["CN"].props["description"] == "sexual exploitation" and events["TH"].props["stage"] == "exploitation"
    assert len(edges(store, Rel.PARTICIPATED_IN)) == 2


def test_nodes_edges_generic(store: GraphStore, write: Callable[..., Path]) -> None:
    nodes = write(
        "g_nodes.csv", "id,label,name,phone_colour,number\nP1,Person,Anna,red,\nT1,Phone,,,+447400123456\nP2,,Bob,,\n"
    )
    edges_file = write("g_edges.csv", "source,target,type,weight,since\nP1,T1,USES,1,2020\nP1,P2,,2.5,\nP1,P9,,1,\n")
    report = load(store, "nodes-edges", edges_file, nodes)  # node files are loaded first whatever the order
    assert [f.file for f in report.files] == ["g_nodes.csv", "g_edges.csv"]
    assert report.files[1].rows_loaded == 2 and report.files[1].rows_rejected == 1
    anna = get(store, Label.PERSON, "P1")
    assert json.loads(anna.props["attrs"]) == {"phone_colour": "red"}
    assert get(store, Label.PERSON, "P2").props["name"] == "Bob"
    assoc = edges(store, Rel.ASSOCIATE_OF)
    assert assoc[0][2]["weight"] == 2.5
    assert json.loads(str(edges(store, Rel.USES)[0][2]["attrs"])) == {"since": "2020"}
