"""A first load written column-wise (loaders.bulk) gives what the batched path gives: the
same nodes and provenance, the same report, rejections, warnings and rejects file; and a
file it cannot read exactly as the batched path does goes the batched way."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml

from graph_tool.model import NODE_TYPES, Label
from graph_tool.store.base import GraphStore
from graph_tool.store.embedded import EmbeddedStore, _resident_mib
from loaders.bulk import _give_back_mapping_memory, spec_fits
from loaders.engine import load_files
from loaders.spec import load_spec, parse_spec

HEADER = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"

# One row per way a cell can go: tidy, odd, invalid, hostile. No quote character, so that
# the column-wise path takes the file.
MESSY_ROWS = [
    "P-1,Anna Perera,,1966-02-16,f,VN,victim,,plain note",
    "P-2,  Wei   Tran  ,Wei T;W. Tran,1970,male,Viet Nam,suspect;broker,debt_bondage,  spaced  ",
    "P-3,Nguyễn Thị Lan,Lan Nguyen,16/02/1966,F,VNM,victim,isolation;threats,ghi chú",
    "P-4,,,1980-01-01,female,TH,victim,,no name: rejected",
    ",No Id,,1980-01-01,female,TH,victim,,no id: rejected",
    "   ,Blank Id,,,,,,,a blank id: rejected",
    "P-7,Bad Date,,1980-13-45,female,TH,victim,,",
    "P-8,Bad Country,,1980-01-01,female,Atlantis,victim,,",
    "P-9,Tab\tName,,,,,,,",
    "P-10,O'Brien-Smith Seán,,,,,,,",
    "P-11,<script>alert(1)</script>,,,,,,,'; MATCH (n) DETACH DELETE n //",
    "P-12,Юлия Тимошенко,,,,,,,\x1cedges\x1f",
    "P-13,习近平,,,,,,,\u00a0no-break edges\u00a0",
    "P-14,Big,,,,,,," + "x" * 12_000,
    "P-15,Odd Sex,,,unknown-sex,,,,",
    "P-16,!!!,,,,,,,",
    "P-17,Mai Hoa,,1990-02-30,female,KH,recruiter,no_such_indicator,",
    "P 18,Inner Space Id,,2001,,,,,",
    "P-19,`Backtick` Name,,,x,,victim;victim;,;;,trailing;",
    "P-20,UPPER CASE NAME,NAME ONE;name one,1999-12-31,M,vn,witness,,",
]


def _snapshot(store: GraphStore) -> list[tuple[str, str, str]]:
    """Every node as (label, id, its properties but the load's timestamps)."""
    out = []
    for label in NODE_TYPES:
        for node in store.whole_graph([label]).nodes:
            props = {k: v for k, v in node.props.items() if k not in ("loaded_at", "updated_at") and v is not None}
            out.append((str(label), node.id, json.dumps(props, sort_keys=True, default=str)))
    return sorted(out)


def _report(report: Any) -> list[dict[str, Any]]:
    out = []
    for f in report.files:
        d = f.as_dict()
        for k in ("seconds", "rejects_file", "bulk", "batched_because"):
            d.pop(k)
        out.append(d)
    return out


def _both_ways(
    store: GraphStore, path: Path, spec: Any = "people", **kwargs: Any
) -> tuple[Any, Any, list[Any], list[Any], bytes | None, bytes | None]:
    """Load ``path`` column-wise and batched into ``store`` (emptied in between): both
    reports, both snapshots and both rejects files' text."""
    found = []
    for bulk in (True, False):
        store.clear()
        rejects = path.with_name(f"rejects-{bulk}.csv")
        report = load_files(store, [path], spec, bulk=bulk, rejects=rejects, **kwargs)
        found.append((report, _snapshot(store), rejects.read_bytes() if rejects.exists() else None))
    (rb, sb, jb), (ra, sa, ja) = found
    return rb, ra, sb, sa, jb, ja


def _assert_same(store: GraphStore, path: Path, spec: Any = "people", **kwargs: Any) -> Any:
    bulk, batched, sb, sa, jb, ja = _both_ways(store, path, spec, **kwargs)
    assert _report(bulk) == _report(batched)
    assert sb == sa
    assert jb == ja
    return bulk


def test_a_messy_first_load_is_the_same_either_way(store: GraphStore, write: Callable[..., Path]) -> None:
    path = write("people.csv", HEADER + "\n".join(MESSY_ROWS) + "\n")
    report = _assert_same(store, path, batch_size=7)
    f = report.files[0]
    assert f.bulk, "the column-wise path did not take the file: this test would compare the batched path with itself"
    assert f.rows_rejected >= 4 and f.rows_loaded + f.rows_rejected == len(MESSY_ROWS)
    assert {r.row for r in f.rejected} >= {5, 6, 7}  # no name, no id, a blank id
    p11 = store.get_nodes(Label.PERSON, ["P-11"])[0].props
    assert p11["name"] == "<script>alert(1)</script>" and p11["notes"].startswith("'; MATCH")
    assert store.get_nodes(Label.PERSON, ["P-1"])[0].props["source_refs"] == ["people:people.csv:people.csv:2"]


KEEP_INVALID = """
name: people-keep
reader: {format: csv}
nodes:
  - alias: person
    label: Person
    id_column: person_id
    properties:
      name: {column: full_name, normalise: name, required: true}
      birth_date: {column: birth_date, normalise: date, invalid: keep}
      nationality: {column: nationality, normalise: country, invalid: drop}
      notes: notes
"""


def test_warned_rows_and_absent_columns_are_the_same_either_way(store: GraphStore, write: Callable[..., Path]) -> None:
    spec = parse_spec(yaml.safe_load(KEEP_INVALID), "people-keep", KEEP_INVALID)
    text = "person_id,full_name,birth_date,nationality\n" + "\n".join(
        ["P-1,Anna,1980-13-45,VN", "P-2,Wei,1970,Atlantis", "P-3,,1970,VN", "P-4,Lan,2001-02-03,KH"]
    )
    path = write("people.csv", text + "\n")
    report = _assert_same(store, path, spec)
    f = report.files[0]
    assert f.bulk and f.rows_loaded == 3 and f.rows_rejected == 1
    assert any("no column notes" in w for w in f.warnings)
    assert any(w.startswith("people.csv:2:birth_date") for w in f.warnings)
    assert any(w.startswith("people.csv:3:nationality") for w in f.warnings)


IDS_ONLY = """
name: people-ids
kind: people
nodes:
  - alias: person
    label: Person
    id_column: person_id
    properties:
      notes: {column: notes}
"""


@pytest.mark.parametrize("quote", ["", '"'], ids=["arrow", "python-csv"])
def test_a_one_column_file_with_a_line_of_spaces_is_the_same_either_way(
    embedded_store: GraphStore, write: Callable[..., Path], quote: str
) -> None:
    """The batched path skips a line of spaces; in a file of one column, either reader
    here would read it as a row (with a blank id), so such a file goes the batched way."""
    spec = parse_spec(yaml.safe_load(IDS_ONLY), "people-ids", IDS_ONLY)
    path = write("ids.csv", f"person_id\n{quote}P-1{quote}\n   \nP-2\n")
    report = _assert_same(embedded_store, path, spec)
    f = report.files[0]
    assert not f.bulk and (f.rows_loaded, f.rows_rejected) == (2, 0)


@pytest.mark.parametrize("through", ["memory", "parquet"])
def test_clean_files_of_several_chunks_are_the_same_either_way(
    store: GraphStore, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, through: str
) -> None:
    import loaders.bulk as bulk

    monkeypatch.setattr(bulk, "CHUNK_BYTES", 4096)  # many chunks, mapped two at a time
    if through == "parquet":  # as for a file too large to keep its nodes in memory
        monkeypatch.setattr(bulk, "IN_MEMORY_BYTES", 0)
    rows = [
        f"P-{i},Name{i % 7} Family{i % 11} Given{i},,19{50 + i % 50}-0{1 + i % 9}-1{i % 9},f,VN,victim,,"
        for i in range(3000)
    ]
    rows[1234] = "P-1234,,,,,,,,"  # one rejected row in the middle
    rows[2345] = "P-2345,Bad Date,,1999-02-31,,,,,"  # and an impossible date
    path = write("people.csv", HEADER + "\n".join(rows))  # no newline at the end
    report = _assert_same(store, path, batch_size=500)
    f = report.files[0]
    assert f.bulk and f.rows_loaded == 2998 and [r.row for r in f.rejected] == [1236, 2347]


# Quoting as spreadsheets and scripts write it, and as people type it.
QUOTED_ROWS = [
    'P-30,"Perera, Anna",,1966-02-16,f,VN,"victim;witness",,"said ""no"" twice"',
    'P-31,Wei "Big" Tran,,,,,,,a quote inside a bare value',
    'P-32,"",,,,,,,an empty quoted name: rejected',
    '"P-33","  Hoa  ","",,,"",victim,,"  "',
    'P-34,"<script>alert(\'x\')</script>",,,,,,,"\'; MATCH (n) DETACH DELETE n //"',
    'P-35,"Nguyễn, Thị Lan",,16/02/1966,F,VNM,,,"ghi chú, ""trích"""',
    'P-36,Back\\slash "\\",,,,,,,',
]


@pytest.mark.parametrize("quoting", ["some", "all"])
def test_a_file_with_quoted_values_is_the_same_either_way(
    store: GraphStore, write: Callable[..., Path], quoting: str
) -> None:
    rows = MESSY_ROWS + QUOTED_ROWS
    if quoting == "all":  # as csv.QUOTE_ALL, Excel's "always quote", and many exports write it
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows(csv.reader([HEADER, *rows], strict=True))
        text = out.getvalue()
    else:
        text = HEADER + "\n".join(rows) + "\n"
    report = _assert_same(store, write("people.csv", text), batch_size=7)
    f = report.files[0]
    assert f.bulk, "the column-wise path did not take the file"
    assert f.rows_loaded + f.rows_rejected == len(rows)
    anna = store.get_nodes(Label.PERSON, ["P-30"])[0].props
    assert (anna["name"], anna["notes"], anna["roles"]) == ("Perera, Anna", 'said "no" twice', ["victim", "witness"])


def test_a_windows_1252_file_is_the_same_either_way(store: GraphStore, write: Callable[..., Path]) -> None:
    """A spreadsheet saved as "CSV" on Windows: cp1252 (Latin-1 and €), read by Python's csv."""
    rows = [r for r in MESSY_ROWS + QUOTED_ROWS if _encodes(r, "cp1252")]
    rows += ["P-40,Seán Ó Briain,,,,,,,", 'P-41,"Müller, Jürgen",,,,,,,"owes 3.000 €"', "P-42,Ñuñez,,,,,,,œuvre"]
    path = write("people.csv", (HEADER + "\n".join(rows) + "\n").encode("cp1252"))
    report = _assert_same(store, path, batch_size=7)
    f = report.files[0]
    assert f.bulk and f.encoding == "cp1252" and f.rows_loaded + f.rows_rejected == len(rows)
    assert store.get_nodes(Label.PERSON, ["P-41"])[0].props["notes"] == "owes 3.000 €"


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_random_cells_written_by_a_csv_writer_are_the_same_either_way(
    embedded_store: GraphStore, write: Callable[..., Path]
) -> None:
    """Cells drawn from quotes, delimiters, list separators, spacing and letters, written as
    a csv writer quotes them (only where needed): Python's reader and the batched path's
    line-by-line reading must cut them alike."""
    rng = random.Random(7)
    alphabet = ['"', ",", ";", " ", "\t", "'", "a", "B", "é", "1", "-", "/"]

    def cell() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = [
        [f"P-{i}", "Name " + cell(), cell(), rng.choice(["1990-01-02", cell()]), cell(), cell(), cell(), cell(), cell()]
        for i in range(400)
    ]
    writer.writerows(rows)
    report = _assert_same(embedded_store, write("people.csv", HEADER + out.getvalue()), batch_size=50)
    assert report.files[0].bulk and '"' in out.getvalue()


def test_a_utf8_file_with_a_bom_and_crlf_lines_is_taken(embedded_store: GraphStore, write: Callable[..., Path]) -> None:
    text = (HEADER + "\n".join(MESSY_ROWS[:3]) + "\n").replace("\n", "\r\n")
    path = write("people.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert _assert_same(embedded_store, path).files[0].bulk


@pytest.mark.parametrize(
    ("why", "text"),
    [
        ("a quote never closed", HEADER + 'P-1,"Perera, Anna,,,,,,,\nP-2,Wei,,,,,,,\n'),
        ("text after a closing quote", HEADER + 'P-1,"Perera" Anna,,,,,,,\nP-2,Wei,,,,,,,\n'),
        ("a quoted value over two lines", HEADER + 'P-1,"Perera\nAnna",,,,,,,\nP-2,Wei,,,,,,,\n'),
        ("a quoted ragged row", HEADER + 'P-1,"Anna",,,,,,,\nP-2,"Wei"\n'),
        ("a quoted blank line", HEADER + 'P-1,"Anna",,,,,,,\n\nP-2,Wei,,,,,,,\n'),
        ("a broken quote in the header", HEADER.replace("full_name", '"full_name') + "P-1,Anna,,,,,,,\n"),
        ("blank lines", HEADER + "P-1,Anna,,,,,,,\n\nP-2,Wei,,,,,,,\n"),
        ("repeated ids", HEADER + "P-1,Anna,,,,,,,\nP-1,Anna P,,1970,,,,,\n"),
        ("ragged row", HEADER + "P-1,Anna,,,,,,,\nP-2,Wei\n"),
        ("extra empty cells", HEADER + "P-1,Anna,,,,,,,,,\n"),
        ("a carriage return", HEADER + "P-1,An\rna,,,,,,,\n"),
        ("an id to tidy", HEADER + "P-1,Anna,,,,,,,\n P-2 ,Wei,,,,,,,\n"),
        ("bytes that are neither UTF-8 nor cp1252", (HEADER + "P-1,Se\x81n,,,,,,,\n").encode("latin-1")),
    ],
)
def test_what_the_column_wise_path_cannot_read_alike_goes_the_batched_way(
    embedded_store: GraphStore, write: Callable[..., Path], why: str, text: str | bytes
) -> None:
    path = write("people.csv", text)
    report = _assert_same(embedded_store, path)
    assert not report.files[0].bulk, why
    assert report.files[0].batched_because, f"{why}: the report does not say why it went batch by batch"


def test_only_a_first_load_of_one_file_is_column_wise(embedded_store: GraphStore, write: Callable[..., Path]) -> None:
    a = write("a.csv", HEADER + "P-1,Anna,,,,,,,\n")
    b = write("b.csv", HEADER + "P-2,Wei,,,,,,,\n")
    assert not load_files(embedded_store, [a], "people", dry_run=True).files[0].bulk
    assert [f.bulk for f in load_files(embedded_store, [a, b], "people").files] == [False, False]
    embedded_store.clear()
    first = load_files(embedded_store, [a], "people").files[0]
    again = load_files(embedded_store, [a], "people").files[0]  # Person nodes exist now
    assert first.bulk and not again.bulk
    assert (first.batched_because, again.batched_because) == (None, "the store has Person nodes already")
    assert (again.nodes["Person"].created, again.nodes["Person"].unchanged) == (0, 1)


def test_loading_again_after_a_column_wise_load_changes_nothing(store: GraphStore, write: Callable[..., Path]) -> None:
    path = write("people.csv", HEADER + "\n".join(MESSY_ROWS) + "\n")
    first = load_files(store, [path], "people")
    before = _snapshot(store)
    again = load_files(store, [path], "people")
    assert first.files[0].bulk and not again.files[0].bulk
    counts = again.files[0].nodes["Person"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, first.files[0].nodes["Person"].created)
    assert _snapshot(store) == before


def test_which_built_in_specs_can_be_column_wise() -> None:
    names = ("people", "organisations", "phones", "payments", "ftm", "nodes-edges")
    fits = {name: spec_fits(load_spec(name)) is None for name in names}
    assert fits == dict.fromkeys(names, False) | {"people": True}


def test_the_demo_case_people_file_is_the_same_either_way(embedded_store: GraphStore) -> None:
    demo = Path(__file__).resolve().parents[2] / "sample_data" / "demo" / "people.csv"
    assert isinstance(embedded_store, EmbeddedStore)
    bulk, batched, sb, sa, jb, ja = _both_ways(embedded_store, demo)
    assert _report(bulk) == _report(batched) and sb == sa and jb == ja
    assert bulk.files[0].bulk == (b'"' not in demo.read_bytes())


@pytest.mark.neo4j
def test_neo4j_first_loads_by_load_csv_and_by_bolt_are_the_same(
    neo4j_store: GraphStore, write: Callable[..., Path]
) -> None:
    """On the project's own server a first load goes through LOAD CSV from its import
    folder; on any other, through batches of creates over Bolt: the same graph either way."""
    from graph_tool.store.neo4j_store import Neo4jStore

    assert isinstance(neo4j_store, Neo4jStore)
    assert neo4j_store.import_dir is not None, "the test server's import folder was not found"
    path = write("people.csv", HEADER + "\n".join(MESSY_ROWS) + "\n")
    folder = neo4j_store.import_dir
    snapshots = []
    for import_dir in (folder, None):
        neo4j_store.clear()
        neo4j_store.import_dir = import_dir
        report = load_files(neo4j_store, [path], "people")
        assert report.files[0].bulk
        snapshots.append(_snapshot(neo4j_store))
    assert snapshots[0] == snapshots[1]
    assert not list(folder.glob("graph-tool-*.csv"))  # the file handed to the server is gone


def _layout_table(rows: int) -> pa.Table:
    """People whose columns are, by design: varying, one value everywhere, one value but
    for the last row, empty everywhere, and one-item lists sharing a non-ASCII beginning."""
    return pa.table(
        {
            "id": [f"P-{i}" for i in range(rows)],
            "name": [f"Name {i}" for i in range(rows)],
            "sex": ["female"] * rows,
            "nationality": ["VN"] * (rows - 1) + ["TH"],
            "notes": pa.array([None] * rows, pa.string()),
            "sources": [["people:người.csv"]] * rows,
            "source_refs": [[f"people:người.csv:người.csv:{i + 2}"] for i in range(rows)],
            "roles": [["victim"]] * (rows - 1) + [["victim", "witness"]],
            "aliases": [[f"A:{i}"] for i in range(rows)],
        }
    )


def test_what_load_csv_gets_once_and_what_goes_in_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value on every row goes once as a parameter; a one-item list's shared beginning
    too; a column that varies only in a later part of the file stays in the file."""
    import graph_tool.store.neo4j_store as ns

    monkeypatch.setattr(ns, "_CSV_PART_ROWS", 2)  # the varying rows come in the last part
    layout = ns._csv_layout(Label.PERSON, _layout_table(5))
    assert layout is not None
    assert layout.columns == ["id", "name", "nationality", "source_refs", "roles", "aliases"]
    assert layout.same == {"sex": "female", "sources": ["people:người.csv"]}
    assert layout.prefixes == {"source_refs": "people:người.csv:người.csv:", "aliases": "A:"}
    one = ns._csv_layout(Label.PERSON, _layout_table(1))
    assert one is not None and one.columns == ["id"]  # the id stays, so each row is a line
    assert ns._csv_layout(Label.PERSON, pa.table({"id": ["P-1"], "notes": ['a \\"']})) is None


@pytest.mark.neo4j
@pytest.mark.parametrize("rows", [1, 5])
def test_neo4j_load_csv_with_values_given_once_writes_what_bolt_writes(
    neo4j_store: GraphStore, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    import graph_tool.store.neo4j_store as ns

    assert isinstance(neo4j_store, ns.Neo4jStore) and neo4j_store.import_dir is not None
    monkeypatch.setattr(ns, "_CSV_PART_ROWS", 2)
    statements: list[str] = []
    run = neo4j_store._in_transactions
    monkeypatch.setattr(neo4j_store, "_in_transactions", lambda q, p=None: statements.append(q) or run(q, p))
    folder = neo4j_store.import_dir
    snapshots = []
    for import_dir in (folder, None):
        neo4j_store.clear()
        neo4j_store.import_dir = import_dir
        neo4j_store.create_nodes_bulk(Label.PERSON, _layout_table(rows))
        snapshots.append(_snapshot(neo4j_store))
    loads = [q for q in statements if q.startswith("LOAD CSV")]
    assert len(loads) == 1 and "n.sex = $same.sex" in loads[0]  # not sent over Bolt instead
    assert len(snapshots[0]) == rows and snapshots[0] == snapshots[1]
    assert json.loads(snapshots[0][0][2])["source_refs"] == ["people:người.csv:người.csv:2"]


def test_values_load_csv_could_not_bring_back_alike_go_over_bolt() -> None:

    from graph_tool.store.neo4j_store import _csv_columns

    def table(**columns: Any) -> pa.Table:
        return pa.table({"id": ["P-1"], **columns})

    assert _csv_columns(Label.PERSON, table(roles=pa.array([["victim", "broker"]]))) is not None
    assert _csv_columns(Label.PERSON, table(roles=pa.array([["a\x1fb"]]))) is None
    assert _csv_columns(Label.PERSON, table(roles=pa.array([[""]]))) is None
    assert _csv_columns(Label.PERSON, table(notes=pa.array(['ends with \\"']))) is None
    assert _csv_columns(Label.PERSON, table(broker_score=pa.array([0.1]))) is None
    assert _csv_columns(Label.PERSON, table(broker_score=pa.array([None], pa.float64()))) is not None


def test_arrow_name_keys_and_dates_are_the_normalisers_own() -> None:
    """The column-wise kernels against the functions the batched path calls, on random
    printable names and on date-shaped texts, valid or not."""
    import random

    import numpy as np
    import pyarrow as pa

    import loaders.bulk as bulk
    from graph_tool import normalise as nz
    from loaders.mapping import SpecMapper

    rng = random.Random(7)
    alphabet = "abcXYZ019 '`-.,!<>()/\\_"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(4000)]
    names += ["Anna Perera", "O'Brien-Smith", "!!!", "a  b", " x ", "Nguyen Thi  Lan"]
    plan = SpecMapper(load_spec("people")).nodes[0].plans[Label.PERSON]["name"]
    got = bulk._prop_column(plan, pa.array(names), len(names))
    for i, raw in enumerate(names):
        value = raw.strip()
        if not value:
            assert got.slow[i], repr(raw)  # no name: the batched path rejects the row
            continue
        tidy = nz.normalise_name(value)
        assert got.values[i].as_py() == tidy, repr(raw)
        assert got.sides["name_key"][i].as_py() == (nz.tidy_name_key(tidy) or None), repr(raw)

    digits = "0123456789"
    dates = [f"{''.join(rng.choice(digits) for _ in range(4))}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"]
    dates += [f"{rng.randint(1, 2100):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 31):02d}" for _ in range(3000)]
    dates += ["0000-01-01", "2000-02-29", "1900-02-29", "1990-1-01", " 1990-01-01", "1990"]
    plan = SpecMapper(load_spec("people")).nodes[0].plans[Label.PERSON]["birth_date"]
    got = bulk._prop_column(plan, pa.array(dates), len(dates))
    for i, raw in enumerate(dates):
        try:
            expected = nz.normalise_date(raw.strip())
        except ValueError:
            assert got.slow[i], raw  # the batched path rejects it, row by row
            continue
        assert not got.slow[i] and got.values[i].as_py() == expected, raw
    assert isinstance(got.slow, np.ndarray)


def test_a_file_larger_than_one_bulk_write_goes_the_batched_way(
    embedded_store: GraphStore, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One LadybugDB COPY must fit the buffer pool (a COPY too large fails whole): a file
    with more rows than the store takes at once is loaded batch by batch."""
    import graph_tool.store.embedded as embedded

    path = write("people.csv", HEADER + "\n".join(MESSY_ROWS) + "\n")
    limit = embedded_store.bulk_rows_limit()
    assert limit is not None and limit >= 500_000  # about 1M rows at the loading pool of 256 MiB
    monkeypatch.setattr(embedded, "BULK_ROWS_PER_MIB", 0)
    report = _assert_same(embedded_store, path)
    assert not report.files[0].bulk
    assert "more rows than the store takes in one write" in str(report.files[0].batched_because)


def test_memory_arrow_freed_goes_back_to_the_system_before_the_bulk_write() -> None:
    """Arrow's allocator keeps freed memory for reuse: 240 MiB of arrays, freed, stay in the
    process until released, as the column-wise path does before the store's bulk write."""
    arrays = [pc.add(pa.array(np.arange(100_000)), 1) for _ in range(300)]
    del arrays[:-1]
    before = _resident_mib()
    _give_back_mapping_memory()
    assert _resident_mib() < before - 100, (before, _resident_mib())
    assert len(arrays[0]) == 100_000
