"""Readers: streaming, encodings, broken quoting, ragged rows, XLSX, JSON, adjacency matrices."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from loaders.readers import FileError, open_rows
from loaders.spec import ReaderOptions


def rows(path: Path, **opts: object) -> list[tuple[int, dict[str, object], tuple[str, str] | None]]:
    _, it = open_rows(path, ReaderOptions.model_validate(opts))
    return [(r.row, r.values, r.error) for r in it]


def test_csv_rows_are_numbered_like_a_spreadsheet(write: Callable[..., Path]) -> None:
    path = write("a.csv", 'id,note\nP1,"two\nlines"\n\nP2,plain\n')
    got = rows(path)
    assert got == [
        (2, {"id": "P1", "note": "two\nlines"}, None),
        (4, {"id": "P2", "note": "plain"}, None),
    ]


@pytest.mark.parametrize(("text", "delimiter"), [("a;b\n1;2\n", ";"), ("a\tb\n1\t2\n", "\t"), ("a|b\n1|2\n", "|")])
def test_delimiter_is_sniffed(write: Callable[..., Path], text: str, delimiter: str) -> None:
    assert rows(write("d.csv", text)) == [(2, {"a": "1", "b": "2"}, None)]


def test_encodings(write: Callable[..., Path]) -> None:
    text = "id,name\nP1,Nguyễn Thị Lan\n"
    bom = write("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    info, it = open_rows(bom, ReaderOptions())
    assert [r.values for r in it] == [{"id": "P1", "name": "Nguyễn Thị Lan"}]
    assert info.encoding == "utf-8-sig"
    latin = write("latin.csv", "id,name\nP1,José Müller\n", encoding="latin-1")
    info, it = open_rows(latin, ReaderOptions())
    assert [r.values["name"] for r in it] == ["José Müller"]
    assert info.encoding == "cp1252" and any("not UTF-8" in w for w in info.warnings)
    cp = write("cp.csv", "id,name\nP1,“quoted” – dash\n", encoding="cp1252")
    assert [r[1]["name"] for r in rows(cp)] == ["“quoted” – dash"]


def test_a_file_in_neither_encoding_rejects_only_its_bad_rows(write: Callable[..., Path]) -> None:
    # 0x81 is undefined in cp1252 and invalid in UTF-8: neither encoding.
    path = write("bad.csv", b"id,name\nP1,good\nP2,bad\x81\x8d\nP3,also good\n")
    info, it = open_rows(path, ReaderOptions())
    got = list(it)
    assert [r.values.get("id") for r in got if r.error is None] == ["P1", "P3"]
    bad = [r for r in got if r.error]
    assert len(bad) == 1 and bad[0].row == 3 and "not valid" in str(bad[0].error)
    assert any("neither UTF-8 nor cp1252" in w for w in info.warnings)


def test_wrong_encoding_given_in_the_spec(write: Callable[..., Path]) -> None:
    path = write("latin.csv", "id,name\nP1,José\nP2,Ana\n", encoding="latin-1")
    got = rows(path, encoding="utf-8")
    assert got[1] == (3, {"id": "P2", "name": "Ana"}, None)
    assert got[0][2] is not None and "not valid utf-8" in str(got[0][2])


def test_utf16_is_refused_clearly(write: Callable[..., Path]) -> None:
    path = write("u16.csv", "id\nP1\n".encode("utf-16"))
    with pytest.raises(FileError, match="UTF-16"):
        rows(path)


def test_broken_quoting_rejects_the_row_and_reading_goes_on(write: Callable[..., Path]) -> None:
    path = write("q.csv", 'id,name\nP1,"never closed\nP2,fine\nP3,"bad"quote\nP4,fine too\n')
    got = rows(path)
    assert [(n, v.get("id"), e is not None) for n, v, e in got] == [
        (2, None, True),
        (3, "P2", False),
        (4, None, True),
        (5, "P4", False),
    ]
    assert "never closed" in str(got[0][2]) and "broken quoting" in str(got[2][2])


def test_ragged_rows(write: Callable[..., Path]) -> None:
    path = write("r.csv", "a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2,3,,\n")
    got = rows(path)
    assert got[0][2] is None
    assert got[1][2] is not None and "2 cells, the header has 3" in str(got[1][2])
    assert got[2][2] is not None and "4 cells" in str(got[2][2])
    assert got[3] == (5, {"a": "1", "b": "2", "c": "3"}, None)  # trailing empty cells are fine
    padded = rows(path, ragged="pad")
    assert padded[1] == (3, {"a": "1", "b": "2", "c": ""}, None)


def test_null_values_and_duplicate_headers(write: Callable[..., Path]) -> None:
    path = write("n.csv", "a,a,b\n-99,x,NA\n")
    info, it = open_rows(path, ReaderOptions(null_values=["-99", "NA"]))
    assert [r.values for r in it] == [{"a": "", "a_2": "x", "b": ""}]
    assert any("duplicate column" in w for w in info.warnings)


def test_xlsx(tmp_path: Path) -> None:
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "phone", "born"])
    ws.append(["P1", 447400123456, datetime.datetime(1990, 5, 1)])
    ws.append([None, None, None])
    ws.append(["P2", "07400 123456", "1991-02-03"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    got = rows(path, format="xlsx")
    assert got == [
        (2, {"id": "P1", "phone": "447400123456", "born": "1990-05-01"}, None),
        (4, {"id": "P2", "phone": "07400 123456", "born": "1991-02-03"}, None),
    ]


def test_json_list_at_a_path_and_json_lines(write: Callable[..., Path]) -> None:
    data = {"meta": {"n": 2}, "data": {"people": [{"id": "P1", "name": {"full": "A"}, "tags": ["x", "y"]}, {"id": 7}]}}
    path = write("p.json", json.dumps(data))
    assert rows(path, format="json", json_path="data.people") == [
        (1, {"id": "P1", "name.full": "A", "tags": ["x", "y"]}, None),
        (2, {"id": "7"}, None),
    ]
    lines = write("p.jsonl", '{"id": "P1"}\n\nnot json\n{"id": "P2"}\n')
    got = rows(lines, format="jsonl")
    assert [(n, v.get("id"), e is not None) for n, v, e in got] == [(1, "P1", False), (3, None, True), (4, "P2", False)]


def test_json_that_breaks_midway(write: Callable[..., Path]) -> None:
    path = write("b.json", '[{"id": "P1"}, {"id": "P2"}, {"id": ')
    got = rows(path, format="json")
    assert [v.get("id") for _, v, e in got if e is None] == ["P1", "P2"]
    assert got[-1][2] is not None


def test_adjacency_matrix(write: Callable[..., Path]) -> None:
    path = write("phase1.csv", '"players","1","3"\n"1",0,2\n"3",1,0\n')
    assert rows(path, format="adjacency") == [
        (2, {"from": "1", "to": "3", "weight": "2"}, None),
        (3, {"from": "3", "to": "1", "weight": "1"}, None),
    ]


def test_reading_streams(write: Callable[..., Path]) -> None:
    """The reader is a generator: it reads the first row without reading the rest."""
    path = write("big.csv", "id\n" + "".join(f"P{i}\n" for i in range(50_000)))
    info, it = open_rows(path, ReaderOptions())
    first = next(iter(it))
    assert first.values == {"id": "P0"}
    assert info.size > 100_000
