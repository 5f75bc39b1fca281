"""Bad input never crashes a load and never costs the other rows; hostile text stays text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph_tool.model import Label
from graph_tool.store.base import GraphStore
from loaders.engine import load_files
from loaders.report import LoadReport

HEADER = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
SCRIPT = "<script>alert(1)</script>"
CYPHER = "'}) MATCH (n) DETACH DELETE n //"


def load(store: GraphStore, spec: str, *files: Path, **kw: object) -> LoadReport:
    report = load_files(store, list(files), spec, **kw)  # type: ignore[arg-type]
    report.check()  # rows read == loaded + rejected + skipped
    return report


def people(store: GraphStore) -> dict[str, dict[str, object]]:
    return {n.id: dict(n.props) for n in store.whole_graph([Label.PERSON]).nodes}


def test_every_kind_of_bad_row_is_rejected_alone(store: GraphStore, write: Callable[..., Path]) -> None:
    big = "x" * 1_000_000
    path = write(
        "people.csv",
        HEADER
        + "P-1,Good One,,1990-01-01,female,VN,victim,,\n"
        + "P-2,Ragged Row,,1990-01-01\n"  # too few cells
        + 'P-3,"Broken ""quote,,1990-01-01,female,VN,,,\n'  # a quote never closed
        + "P-4,Bad Date,,1990-02-30,female,VN,,,\n"  # impossible date
        + ",No Id,,1990-01-01,female,VN,,,\n"  # missing key
        + f"P-5,Huge Notes,,1990-01-01,female,VN,,,{big}\n"  # a 1 MB field
        + "P-6,Bad Role,,1990-01-01,female,VN,kingpin,,\n"  # outside the vocabulary
        + "P-7,Bad Country,,1990-01-01,female,Atlantis,,,\n"
        + "P-8,Good Two,,1990-01-01,male,VN,suspect,,\n",
    )
    report = load(store, "people", path)
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (9, 2, 7)
    reasons = {r.row: f"{r.field}: {r.reason}" for r in f.rejected}
    assert "ragged row" in reasons[3]
    assert "broken quoting" in reasons[4]
    assert reasons[5].startswith("birth_date: date: impossible calendar date")
    assert reasons[6].startswith("person_id: empty")
    assert reasons[7].startswith("notes: value of 1,000,000 characters")
    assert reasons[8].startswith("roles: 'kingpin' is not a known roles")
    assert reasons[9].startswith("nationality: country:")
    assert str(f.rejected[0]).startswith("people.csv:3:_row: ragged row")
    assert sorted(people(store)) == ["P-1", "P-8"]


def test_a_missing_key_column_refuses_the_file_clearly(store: GraphStore, write: Callable[..., Path]) -> None:
    path = write("people.csv", "id,full_name\nP-1,Someone\n")
    report = load_files(store, [path], "people")
    assert report.errors and "missing column(s)" in report.errors[0] and "person_id" in report.errors[0]
    assert report.rows_read == 0 and not people(store)


def test_latin1_and_bom_files_load(store: GraphStore, write: Callable[..., Path]) -> None:
    latin = write("latin.csv", HEADER + "P-1,José Müller,,,male,ES,,,\n", encoding="latin-1")
    bom = write("bom.csv", b"\xef\xbb\xbf" + (HEADER + "P-2,Nguyễn Thị Lan,,,female,VN,,,\n").encode())
    report = load(store, "people", latin, bom)
    assert report.rows_loaded == 2
    got = people(store)
    assert got["P-1"]["name"] == "José Müller" and got["P-2"]["name"] == "Nguyễn Thị Lan"


def test_wrong_encoding_loses_only_the_bad_rows(store: GraphStore, write: Callable[..., Path]) -> None:
    path = write("bad.csv", HEADER.encode() + b"P-1,Good,,,,,,,\nP-2,Bad\x81\x8d,,,,,,,\nP-3,Good,,,,,,,\n")
    report = load(store, "people", path)
    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    assert "not valid" in report.rejections[0]
    assert any("neither UTF-8" in w for w in report.files[0].warnings)


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_row_with_bytes_that_do_not_decode_goes_to_the_rejects_file_as_it_was(
    store: GraphStore, write: Callable[..., Path], tmp_path: Path, kind: str
) -> None:
    """The rejects file is UTF-8, but the row's own bytes go back into its ``_raw`` unchanged
    (writing it used to fail on them), and loading the file again rejects the row again."""
    path = write("bad.csv", HEADER.encode() + b"P-1,Good,,,,,,,\nP-2,Bad\x81\x8d,,,,,,,\n")
    rejects = tmp_path / f"rejects.{kind}"
    report = load_files(store, [path], "people", rejects=rejects)
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    assert b"P-2,Bad\x81\x8d,,,,,,," in rejects.read_bytes()
    if kind == "csv":
        again = load_files(store, [rejects], "people")
        assert (again.rows_loaded, again.rows_rejected) == (0, 1) and "not valid" in again.rejections[0]


def test_invalid_phones_are_kept_and_flagged(store: GraphStore, write: Callable[..., Path]) -> None:
    load(store, "people", write("people.csv", HEADER + "P-1,A,,,,,,,\n"))
    phones = write(
        "phones.csv", "person_id,phone,subscriber_name,default_region,since\nP-1,123,A,VN,\nP-1,not a number,A,,\n"
    )
    report = load(store, "phones", phones)
    assert report.rows_loaded == 2
    numbers = {n.props["number"]: n.props for n in store.whole_graph([Label.PHONE]).nodes}
    assert numbers["123"]["valid"] is False and numbers["not a number"]["valid"] is False
    assert numbers["123"]["raw"] == "123"


def test_conflicting_values_first_wins_with_a_warning(store: GraphStore, write: Callable[..., Path]) -> None:
    path = write(
        "people.csv",
        HEADER
        + "P-1,Anna Berg,,1990-01-01,female,SE,victim,,\nP-2,Other,,,,,,,\nP-1,Anna Borg,,1991-01-01,,,witness,,late\n",
    )
    report = load(store, "people", path)
    assert report.rows_loaded == 3
    anna = people(store)["P-1"]
    assert anna["name"] == "Anna Berg" and anna["birth_date"] == "1990-01-01"  # the first values
    assert anna["roles"] == ["victim", "witness"] and anna["notes"] == "late"  # lists merge, blanks fill
    conflict = [w for w in report.files[0].warnings if "conflict" in w]
    assert len(conflict) == 1
    assert conflict[0].startswith("people.csv:4: conflict: Person P-1:")
    assert "name" in conflict[0] and "birth_date" in conflict[0] and "people.csv:2" in conflict[0]
    assert "Anna" not in conflict[0]  # no personal data in warnings
    again = load(store, "people", path)
    assert again.created == 0 and again.updated == 0


def test_hostile_text_is_stored_verbatim_and_the_graph_is_intact(store: GraphStore, write: Callable[..., Path]) -> None:
    load(store, "people", write("people.csv", HEADER + "P-0,Bystander,,,,,,,\n"))
    before = store.counts()["Person"]
    rows = []
    for i, evil in enumerate((SCRIPT, CYPHER), start=1):
        # every text column: id, name, aliases, notes (vocabulary columns reject it, as they must)
        rows.append(f'"P-{evil}",{evil},"{evil};x",,,,,,"{evil}"')
        rows.append(f"P-{i},{evil},{evil},,,,,,{evil}")
    report = load(store, "people", write("evil.csv", HEADER + "\n".join(rows) + "\n"))
    assert report.rows_loaded == 4 and report.rows_rejected == 0
    got = people(store)
    assert len(got) == before + 4
    for evil in (SCRIPT, CYPHER):
        node = got[f"P-{evil}"]
        assert node["name"] == evil and node["notes"] == evil and evil in node["aliases"]  # type: ignore[operator]
    assert "P-0" in got  # nothing was deleted
    assert store.get_nodes(Label.SOURCE, ["people:evil.csv"])
    phones = write("phones.csv", f"person_id,phone,subscriber_name,default_region,since\nP-1,{CYPHER},{SCRIPT},VN,\n")
    load(store, "phones", phones)
    assert [n.props["number"] for n in store.whole_graph([Label.PHONE]).nodes] == [CYPHER]
    assert store.counts()["Person"] == before + 4
