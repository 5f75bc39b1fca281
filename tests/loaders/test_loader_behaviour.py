"""Loads are idempotent, dry runs write nothing, rejected rows can be corrected and reloaded,
and an interrupted load resumes without duplicates."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graph_tool.model import Label
from graph_tool.store.base import GraphStore, StoreError
from loaders.case import load_case
from loaders.engine import LoadInterrupted, load_files
from loaders.report import FileReport

HEADER = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
PHONES = "person_id,phone,subscriber_name,default_region,since\n"
CALLS = "call_id,caller,callee,date,time,duration_s,kind\n"


def many_people(n: int) -> str:
    return HEADER + "".join(f"P-{i:05d},Person {i},,1990-01-01,female,VN,victim,,\n" for i in range(n))


def many_calls(n: int) -> str:
    return CALLS + "".join(
        f"C-{i},+8491234{i % 97:04d},+8491235{i % 89:04d},2021-01-01,10:00:00,{i % 600},call\n" for i in range(n)
    )


def test_loading_twice_changes_nothing(store: GraphStore, write: Callable[..., Path]) -> None:
    people = write("people.csv", many_people(30))
    calls = write("calls.csv", many_calls(200))
    first = [load_files(store, [people], "people"), load_files(store, [calls], "calls", batch_size=50)]
    counts = store.counts()
    second = [load_files(store, [people], "people"), load_files(store, [calls], "calls", batch_size=50)]
    assert store.counts() == counts
    for a, b in zip(first, second, strict=True):
        assert a.rows_loaded == b.rows_loaded and b.created == 0 and b.updated == 0
        assert sum(c.unchanged for c in b.nodes.values()) > 0
    assert first[1].relationships["CALLED"].created == 200


def test_dry_run_writes_nothing_and_predicts_the_load(store: GraphStore, write: Callable[..., Path]) -> None:
    people = write("people.csv", many_people(20))
    phones = write("phones.csv", PHONES + "".join(f"P-{i:05d},09123456{i:02d},x,VN,\n" for i in range(20)))
    empty = store.counts()
    dry = [load_files(store, [people], "people", dry_run=True), load_files(store, [phones], "phones", dry_run=True)]
    assert store.counts() == empty
    assert dry[0].dry_run and dry[0].nodes["Person"].created == 20
    # the phones' person references are not in the store: a dry run of that file alone rejects them
    assert dry[1].rows_rejected == 20
    real = load_files(store, [people], "people")
    assert real.nodes["Person"].created == dry[0].nodes["Person"].created
    dry_again = load_files(store, [people], "people", dry_run=True)
    assert dry_again.nodes["Person"].unchanged == 20 and dry_again.created == 0


def test_dry_run_of_a_case_sees_its_own_earlier_files(store: GraphStore, write: Callable[..., Path]) -> None:
    write("people.csv", many_people(5))
    folder = write("phones.csv", PHONES + "P-00001,0912345678,x,VN,\n").parent
    before = store.counts()
    report = load_case(store, folder, dry_run=True)
    assert store.counts() == before
    assert report.rows_rejected == 0 and report.relationships["USES"].created == 1


def test_rejected_rows_corrected_and_reloaded(store: GraphStore, write: Callable[..., Path], tmp_path: Path) -> None:
    path = write(
        "people.csv",
        HEADER + "P-1,Good,,1990-01-01,female,VN,victim,,\nP-2,Bad Date,,1990-02-30,female,VN,,,\n"
        "P-3,Bad Role,,1990-01-01,female,VN,kingpin,,\nP-4,Ragged\n",
    )
    rejects = tmp_path / "out" / "rejected.csv"
    report = load_files(store, [path], "people", rejects=rejects)
    assert report.rows_rejected == 3 and report.files[0].rejects_file == str(rejects)
    with rejects.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["_row"] for r in rows] == ["3", "4", "5"]
    assert rows[0]["_field"] == "birth_date" and rows[0]["full_name"] == "Bad Date"
    assert rows[2]["_raw"] == "P-4,Ragged"
    # an analyst corrects the file: fix the date and the role, rebuild the ragged row
    rows[0]["birth_date"] = "1990-02-28"
    rows[1]["roles"] = "broker"
    rows[2].update(person_id="P-4", full_name="Ragged", _raw="")
    with rejects.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = load_files(store, [rejects], "people")
    assert again.rows_loaded == 3 and again.rows_rejected == 0
    got = {n.id: n.props for n in store.whole_graph([Label.PERSON]).nodes}
    assert sorted(got) == ["P-1", "P-2", "P-3", "P-4"]
    assert got["P-2"]["birth_date"] == "1990-02-28" and got["P-3"]["roles"] == ["broker"]


def test_a_conflicting_number_keeps_the_first_value_and_a_second_load_changes_nothing(
    store: GraphStore, write: Callable[..., Path]
) -> None:
    # Two rows of one address with latitudes whose float hashes share their low 20 bits:
    # the tracker once missed the conflict, the later value overwrote the first, and
    # loading the file again "updated" the node.
    people = write("people.csv", many_people(3))
    load_files(store, [people], "people")
    rows = ["P-00001,143 Green Lane,Leicester,GB,52.62798,-1.13025,workplace\n"]
    rows += [f"P-00002,{i} Other St,Leicester,GB,52.0,-1.0,home\n" for i in range(5)]
    rows += ["P-00000,143 Green Lane,Leicester,GB,52.65653,-1.13025,workplace\n"]
    addresses = write("addresses.csv", "person_id,address,city,country,lat,lon,kind\n" + "".join(rows))
    first = load_files(store, [addresses], "addresses", batch_size=3)
    assert first.nodes["Address"].updated == 0
    assert any("conflict" in w and "lat differ" in w for w in first.files[0].warnings)
    lats = sorted(n.props["lat"] for n in store.whole_graph([Label.ADDRESS]).nodes)
    assert lats == [52.0] * 5 + [52.62798]  # the first value kept
    again = load_files(store, [addresses], "addresses", batch_size=3)
    assert again.created == 0 and again.updated == 0


@pytest.mark.parametrize("batch_size", [7, 1000])
def test_a_node_in_many_rows_is_referenced_by_its_first_row_whatever_the_batches(
    store: GraphStore, write: Callable[..., Path], batch_size: int
) -> None:
    # Each phone is in two to three calls: its reference is the first of them, and a later
    # batch that mentions it again leaves it unchanged (it used to add that batch's row).
    calls = write("calls.csv", many_calls(200))
    report = load_files(store, [calls], "calls", batch_size=batch_size)
    assert report.nodes["Phone"].updated == 0 and report.nodes["Phone"].created == 186
    first_row: dict[str, int] = {}
    for line, row in enumerate(calls.read_text().splitlines()[1:], start=2):
        for number in row.split(",")[1:3]:
            first_row.setdefault(number, line)
    phones = store.whole_graph([Label.PHONE]).nodes
    assert len(phones) == 186
    for phone in phones:
        assert phone.props["source_refs"] == [f"calls:calls.csv:calls.csv:{first_row[phone.props['number']]}"]
    again = load_files(store, [calls], "calls", batch_size=batch_size)
    assert again.created == 0 and again.updated == 0


@pytest.mark.slow
@pytest.mark.parametrize("refused", ["_create_nodes", "_create_edges"])
def test_a_refused_write_stops_the_file_and_resume_completes_it(
    store: GraphStore, write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    # Writes run on a writer thread while the next batch is mapped: a refusal surfaces one
    # batch later, and neither the count nor the checkpoint may claim the refused batch.
    # The third batch's phones are refused, or its USES relationships, the batch's last
    # write, whose refusal the next batch's first write finds.
    people = write("people.csv", many_people(40))
    load_files(store, [people], "people")
    phones = write("phones.csv", PHONES + "".join(f"P-{i % 40:05d},+84912{i:06d},x,VN,\n" for i in range(1000)))
    checkpoints = tmp_path / "checkpoints"
    original = getattr(store, refused)
    calls = {"n": 0}

    def refuse_the_third(what: object, rows: list[dict[str, object]]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise StoreError("disk full")
        original(what, rows)

    monkeypatch.setattr(store, refused, refuse_the_third)
    report = load_files(store, [phones], "phones", batch_size=100, checkpoint_dir=checkpoints)
    failed = report.files[0]
    assert failed.error is not None and "disk full" in failed.error
    assert failed.rows_loaded == 200 and store.counts()["USES"] == 200
    assert store.counts()["Phone"] == (200 if refused == "_create_nodes" else 300)
    # Every row read is accounted for: the refused batch's rows (and any read after it) failed.
    assert failed.rows_read >= 300 and failed.rows_failed == failed.rows_read - 200
    assert report.rows_failed == failed.rows_failed and report.as_dict()["rows_failed"] == failed.rows_failed
    # The report counts what the batches the store confirmed wrote, not what was queued.
    assert failed.nodes["Phone"].created == 200 and failed.relationships["USES"].created == 200
    assert json.loads(next(checkpoints.glob("*.json")).read_text())["batches"] == 2
    monkeypatch.setattr(store, refused, original)
    resumed = load_files(store, [phones], "phones", batch_size=100, resume=True, checkpoint_dir=checkpoints)
    f = resumed.files[0]
    assert f.error is None and f.batches_resumed == 2 and f.rows_loaded == 1000 and f.rows_failed == 0
    assert store.counts()["Phone"] == 1000 and store.counts()["USES"] == 1000


def test_resume_after_an_interruption_gives_no_duplicates(
    store: GraphStore, write: Callable[..., Path], tmp_path: Path
) -> None:
    people = write("people.csv", many_people(40))
    load_files(store, [people], "people")
    phones = write("phones.csv", PHONES + "".join(f"P-{i % 40:05d},+84912{i:06d},x,VN,\n" for i in range(1000)))
    checkpoints = tmp_path / "checkpoints"

    def stop_after_3(report: FileReport, batch: int) -> None:
        if batch == 3:
            raise KeyboardInterrupt

    with pytest.raises(LoadInterrupted) as stopped:
        load_files(store, [phones], "phones", batch_size=100, on_batch=stop_after_3, checkpoint_dir=checkpoints)
    assert stopped.value.report.interrupted
    assert store.counts()["Phone"] == 300 and store.counts()["USES"] == 300
    saved = json.loads(next(checkpoints.glob("*.json")).read_text())
    assert saved["batches"] == 3 and saved["last_row"] == 301

    resumed = load_files(store, [phones], "phones", batch_size=100, resume=True, checkpoint_dir=checkpoints)
    f = resumed.files[0]
    assert f.batches_resumed == 3 and f.rows_read == 1000 and f.rows_loaded == 1000
    assert resumed.nodes["Phone"].created == 700 and resumed.relationships["USES"].created == 700
    assert store.counts()["Phone"] == 1000 and store.counts()["USES"] == 1000
    assert not list(checkpoints.glob("*.json"))  # the file completed: no checkpoint left
    again = load_files(store, [phones], "phones", batch_size=100, checkpoint_dir=checkpoints)
    assert again.created == 0 and again.updated == 0
