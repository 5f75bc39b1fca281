"""The load commands, and a whole generated case loaded twice."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_tool.cli import main
from graph_tool.store.base import GraphStore
from loaders.case import CASE_FILES, load_case

HEADER = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"


def test_load_command(write: Callable[..., Path], tmp_path: Path) -> None:
    people = write("people.csv", HEADER + "P-1,A,,,,,victim,,\nP-2,B,,1990-02-30,,,,,\n")
    case = str(tmp_path / "case")
    report_path = tmp_path / "report.json"
    rejects = tmp_path / "rejects.csv"
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "load",
            str(people),
            "--spec",
            "people",
            "--store",
            case,
            "--report",
            str(report_path),
            "--rejects",
            str(rejects),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "rows read 2 = loaded 1 + rejected 1 + skipped 0" in result.output
    report = json.loads(report_path.read_text())
    assert report["rows_loaded"] == 1 and report["nodes"]["Person"]["created"] == 1
    assert report["files"][0]["rejected"] == [
        "people.csv:3:birth_date: date: impossible calendar date: day is out of range for month"
    ]
    assert rejects.read_text().startswith("person_id,full_name")
    dry = runner.invoke(main, ["load", str(people), "--spec", "people", "--store", case, "--dry-run"])
    assert dry.exit_code == 0 and "Dry run" in dry.output
    bad_spec = runner.invoke(main, ["load", str(people), "--spec", "nope", "--store", case])
    assert bad_spec.exit_code != 0 and "not a built-in spec" in bad_spec.output
    missing = runner.invoke(main, ["load", str(people), "--spec", "phones", "--store", case])
    assert missing.exit_code == 2 and "missing column" in missing.output


def test_load_command_writes_a_first_load_column_wise_unless_asked_to_batch(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    people = write("people.csv", HEADER + "P-1,A,,,,,victim,,\nP-2,B,,1990-02-30,,,,,\n")
    runner = CliRunner()
    said = {}
    for flags in ([], ["--batched"]):
        report_path = tmp_path / f"report{len(flags)}.json"
        args = ["load", str(people), "--spec", "people", "--store", str(tmp_path / f"case{len(flags)}")]
        result = runner.invoke(main, [*args, "--report", str(report_path), "--no-progress", *flags])
        assert result.exit_code == 0, result.output
        said[bool(flags)] = "written column-wise" in result.output
        report = json.loads(report_path.read_text())
        assert report["files"][0]["bulk"] is not bool(flags) and report["rows_loaded"] == 1
    assert said == {False: True, True: False}
    again = runner.invoke(main, ["load", str(people), "--spec", "people", "--store", str(tmp_path / "case0")])
    assert "people.csv: loaded batch by batch (the store has Person nodes already)" in again.output, again.output


@pytest.mark.slow
def test_generated_case_loads_and_reloads(store: GraphStore, tmp_path: Path) -> None:
    from sample_data import generate

    folder = tmp_path / "gen"
    generate.generate_case(folder, people=80, seed=5)
    assert {p.name for p in folder.glob("*.csv")} == {name for name, _ in CASE_FILES}
    first = load_case(store, folder)
    first.check()
    assert not first.errors
    assert first.rows_rejected == 0, first.rejections[:5]
    assert [f.file for f in first.files] == [name for name, _ in CASE_FILES]
    counts = store.counts()
    second = load_case(store, folder)
    assert second.created == 0 and second.updated == 0 and store.counts() == counts


def test_load_case_command(tmp_path: Path, write: Callable[..., Path]) -> None:
    folder = write("people.csv", HEADER + "P-1,A,,,,,,,\n").parent
    write("relations.csv", "from_id,to_id,relation,date,notes\nP-1,P-9,recruited,,\n")
    result = CliRunner().invoke(main, ["load-case", str(folder), "--store", str(tmp_path / "c"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "relations.csv:2:to_id: no Person with id 'P-9'" in result.output


def test_load_case_proposes_matches_for_review(tmp_path: Path) -> None:
    from sample_data import demo_folder

    case = str(tmp_path / "c")
    result = CliRunner().invoke(main, ["load-case", str(demo_folder()), "--store", case, "--no-progress"])
    assert result.exit_code == 0, result.output
    proposed = re.search(r"Possible matches to review: (\d+)", result.output)
    assert proposed is not None and int(proposed.group(1)) > 0, result.output
    listed = CliRunner().invoke(main, ["matches", "list", "--store", case])
    assert listed.output.count("MC-") == int(proposed.group(1))
    quiet = CliRunner().invoke(
        main, ["load-case", str(demo_folder()), "--store", str(tmp_path / "d"), "--no-progress", "--no-matches"]
    )
    assert quiet.exit_code == 0 and "Possible matches" not in quiet.output


def test_load_command_accounts_for_the_rows_of_a_file_the_store_refused(
    write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The embedded store refuses the second batch's relationships (as a full buffer pool
    # or disk would): the summary still adds up, with the rows not written as failed.
    from graph_tool.store.base import StoreError
    from graph_tool.store.embedded import EmbeddedStore

    people = write("people.csv", HEADER + "".join(f"P-{i},Person {i},,,,,,,\n" for i in range(10)))
    phones = write(
        "phones.csv",
        "person_id,phone,subscriber_name,default_region,since\n"
        + "".join(f"P-{i % 10},+84912{i:06d},x,VN,\n" for i in range(250)),
    )
    case = str(tmp_path / "case")
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(people), "--spec", "people", "--store", case]).exit_code == 0
    create_edges = EmbeddedStore._create_edges
    calls = {"n": 0}

    def refuse_the_second(self: EmbeddedStore, group: object, rows: list[dict[str, object]]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError("Buffer manager exception: [the buffer pool is full]")
        create_edges(self, group, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(EmbeddedStore, "_create_edges", refuse_the_second)
    report_path = tmp_path / "report.json"
    args = ["load", str(phones), "--spec", "phones", "--store", case, "--batch-size", "100", "--no-progress"]
    result = runner.invoke(main, [*args, "--report", str(report_path)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())  # rich wraps long lines
    report = json.loads(report_path.read_text())
    f = report["files"][0]
    assert (f["rows_read"], f["rows_loaded"], f["rows_failed"]) == (250, 100, 150)
    assert report["rows_failed"] == 150 and report["relationships"]["USES"]["created"] == 100
    assert "rows read 250 = loaded 100 + rejected 0 + skipped 0 + failed 150" in said
    # the store's message is shown as written (brackets are not taken as markup)
    assert "phones.csv: the store refused a write: Buffer manager exception: [the buffer pool is full]" in said
    assert "150 rows of phones.csv read but not written" in said
    monkeypatch.setattr(EmbeddedStore, "_create_edges", create_edges)
    again = runner.invoke(main, [*args, "--report", str(report_path)])
    assert again.exit_code == 0, again.output
    f = json.loads(report_path.read_text())["files"][0]
    assert (f["rows_loaded"], f["rows_failed"]) == (250, 0)
    assert json.loads(report_path.read_text())["relationships"]["USES"]["created"] == 150
