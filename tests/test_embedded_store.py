"""What only the embedded store (LadybugDB) needs: living within its buffer pool, and loads
that checkpoint every few batches (or write a first load in one COPY) yet come back to every
row after a kill."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import graph_tool.store.embedded as embedded
from graph_tool.model import Label, Rel
from graph_tool.store.base import NodeRecord, StoreError
from graph_tool.store.embedded import CHECKPOINT_EVERY, EmbeddedStore
from loaders.engine import load_files


def test_many_batches_fit_a_small_buffer_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # LadybugDB holds ~30 MiB of the pool per COPY from memory until the database closes:
    # at 128 MiB, a fifth batch used to fail with "the buffer pool is full", and then the
    # store reopened itself every few COPYs. Its COPYs now read a file, which holds none.
    monkeypatch.setenv("GRAPH_TOOL_EMBEDDED_BUFFER_MB", "64")
    monkeypatch.setattr(embedded, "LOAD_MEMORY_MIB", 1 << 20)  # no reopen for memory's sake
    reopened: list[int] = []
    monkeypatch.setattr(EmbeddedStore, "_close_and_open", lambda self: reopened.append(1))
    store = EmbeddedStore(tmp_path / "case")
    try:
        store.create_schema()
        with store.pipelined_writes():
            for batch in range(24):
                assert store.upsert_nodes(_people(batch, 300)).created == 300
        for batch in range(24, 30):  # and outside a load, where LadybugDB checkpoints each
            assert store.upsert_nodes(_people(batch, 300)).created == 300
        assert store.counts()[Label.PERSON] == 30 * 300
        assert [n.props["name"] for n in store.get_nodes(Label.PERSON, ["P-23-299"])] == ["Person 23 299"]
        assert reopened == []
        assert not list((tmp_path / "case").glob(".copy-*"))  # the files COPYed from are gone
    finally:
        store.close()


def test_first_loads_from_memory_give_the_pool_back_before_it_fills(tmp_path: Path) -> None:
    """A first load's one COPY reads an Arrow table when the file is small, and such a COPY
    holds pool until the database closes: eight of them at 128 MiB must still fit."""
    import pyarrow as pa

    store = EmbeddedStore(tmp_path / "case", buffer_pool_mb=128)
    labels = [Label.PERSON, Label.ORGANISATION, Label.PHONE, Label.DOCUMENT, Label.ACCOUNT, Label.ADDRESS]
    labels += [Label.PAYMENT, Label.EVENT]
    try:
        with store.pipelined_writes():
            for label in labels:
                store.create_nodes_bulk(label, pa.table({"id": [f"{label}-{i}" for i in range(5_000)]}))
        assert all(store.counts()[label] == 5_000 for label in labels)
    finally:
        store.close()


def test_updates_wait_for_the_checkpoint_a_copy_owes_and_every_read_sees_them(tmp_path: Path) -> None:
    """A logged update may not follow a COPY that no checkpoint has made durable: during a
    load the store holds it until the next checkpoint, rather than make one for it. Reads
    of the nodes see it meanwhile, any other statement makes it first, and the loader is
    told the writes are not durable until it is made."""
    store = EmbeddedStore(tmp_path / "case")
    try:
        store.create_schema()
        store.upsert_nodes(_people(0, 3))
        with store.pipelined_writes():
            store.upsert_nodes(_people(1, embedded.SMALL_CREATE))  # a COPY: a checkpoint is owed
            store.drain()
            renamed = [NodeRecord(Label.PERSON, "P-0-1", {"aliases": ["Anna"]}, "t", "g.csv:2")]
            assert store.upsert_nodes(renamed).updated == 1
            store.drain()
            assert store._held and not store.writes_durable()
            seen = store.get_nodes(Label.PERSON, ["P-0-0", "P-0-1"])
            assert {n.id: n.props.get("aliases") for n in seen} == {"P-0-0": None, "P-0-1": ["Anna"]}
            assert store.upsert_nodes(renamed).unchanged == 1  # the held update is read back
            store.drain()
            assert store._held  # still held: nothing made it yet
            rows = store.read("MATCH (p:Person {id: 'P-0-1'}) RETURN p.sources AS s, p.aliases AS a")
            assert rows == [{"s": ["s", "t"], "a": ["Anna"]}]
            assert not store._held and store.writes_durable()
        assert store.counts()[Label.PERSON] == 3 + embedded.SMALL_CREATE
    finally:
        store.close()
    again = EmbeddedStore(tmp_path / "case", read_only=True)
    try:
        assert again.get_nodes(Label.PERSON, ["P-0-1"])[0].props["source_refs"] == ["s:f.csv:1", "t:g.csv:2"]
    finally:
        again.close()


@pytest.mark.parametrize("small_create", [embedded.SMALL_CREATE, 0], ids=["statement", "copy"])
def test_an_edge_whose_end_is_missing_is_refused_by_either_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_create: int
) -> None:
    """The engine checks ends before it writes; if one still went missing, a COPY fails and
    so must the statement that stands in for it on small batches (MATCH would skip it)."""
    monkeypatch.setattr(embedded, "SMALL_CREATE", small_create)
    store = EmbeddedStore(tmp_path / "case")
    try:
        store.create_schema()
        store.upsert_nodes(_people(0, 2))
        edges = [{"id": "e-1", "src": "P-0-0", "dst": "P-0-1"}, {"id": "e-2", "src": "P-0-0", "dst": "P-gone"}]
        with pytest.raises(StoreError):
            store._create_edges((Rel.ASSOCIATE_OF, Label.PERSON, Label.PERSON), edges)
        assert store.counts().get(Rel.ASSOCIATE_OF, 0) == 0  # nor the one whose ends exist
    finally:
        store.close()


def _people(batch: int, n: int = 200) -> list[NodeRecord]:
    return [
        NodeRecord(Label.PERSON, f"P-{batch}-{i}", {"name": f"Person {batch} {i}"}, "s", f"f.csv:{i}") for i in range(n)
    ]


_KILLED_LOAD = """
import os, sys
from pathlib import Path
import graph_tool.store.embedded as embedded
from graph_tool.store.embedded import EmbeddedStore
from loaders.engine import load_files

embedded.SMALL_CREATE = int(sys.argv[5])
store = EmbeddedStore(sys.argv[1])
saved = Path(sys.argv[3])

def kill_after(report, batch):
    if batch == int(sys.argv[4]):
        os._exit(9)  # no close, no checkpoint: as a kill would leave it

load_files(
    store, [Path(sys.argv[2])], "people", batch_size=100, on_batch=kill_after, checkpoint_dir=saved, bulk=False
)
"""


@pytest.mark.parametrize(
    ("killed_at", "small_create"),
    [(3, 0), (CHECKPOINT_EVERY + 5, 0), (3, 1_000)],
    ids=["copies-before-a-checkpoint", "copies-after-a-checkpoint", "statements"],
)
def test_a_killed_load_resumes_to_every_row_without_skipping_any(
    tmp_path: Path, killed_at: int, small_create: int
) -> None:
    """During a load the store checkpoints only every few COPYs (a COPY's rows are lost to a
    kill until then): the loader must record as committed only what a kill cannot take, so
    that resuming writes everything again that the kill took. Batches small enough to be
    created by statements (``SMALL_CREATE``) are logged: each is committed for good."""
    people, rows = tmp_path / "people.csv", 100 * (CHECKPOINT_EVERY + 10)
    header = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
    people.write_text(header + "".join(f"P-{i:05d},Person {i},,1990-01-01,female,VN,victim,,\n" for i in range(rows)))
    case, saved = tmp_path / "case", tmp_path / "checkpoints"
    args = [str(case), str(people), str(saved), str(killed_at), str(small_create)]
    done = subprocess.run([sys.executable, "-c", _KILLED_LOAD, *args], check=False, timeout=300)
    assert done.returncode == 9
    recorded = [json.loads(f.read_text())["batches"] for f in saved.glob("*.json")]
    store = EmbeddedStore(case)
    try:
        survived = store.counts()[Label.PERSON]
        assert all(survived >= 100 * b for b in recorded)  # what the record claims is there
        if small_create:
            assert recorded == [killed_at] and survived == 100 * killed_at
        else:
            assert recorded == [CHECKPOINT_EVERY] if killed_at > CHECKPOINT_EVERY else recorded == []
        resumed = load_files(store, [people], "people", batch_size=100, resume=True, checkpoint_dir=saved)
        f = resumed.files[0]
        assert f.batches_resumed == sum(recorded) and f.rows_loaded == f.rows_read == rows
        assert store.counts()[Label.PERSON] == rows
        assert resumed.nodes["Person"].created == rows - survived
        assert not list(saved.glob("*.json"))
    finally:
        store.close()


def test_held_updates_that_fail_stay_held_and_the_writes_not_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If making the held updates fails, the loader must not be told the writes are durable
    (it would record the batch for --resume without them)."""
    store = EmbeddedStore(tmp_path / "case")
    try:
        store.create_schema()
        store.upsert_nodes(_people(0, 3))
        with store.pipelined_writes():
            store.upsert_nodes(_people(1, embedded.SMALL_CREATE))
            store.upsert_nodes([NodeRecord(Label.PERSON, "P-0-2", {"aliases": ["Bo"]}, "t", "g.csv:3")])
            store.drain()
            with monkeypatch.context() as m:
                m.setattr(embedded.cypher, "update_nodes", lambda label, names: "RETURN nonsense(")
                with pytest.raises(StoreError):
                    store._checkpoint()
            assert store._held and not store.writes_durable()
        assert store.writes_durable()  # leaving the block made them
        assert store.get_nodes(Label.PERSON, ["P-0-2"])[0].props["aliases"] == ["Bo"]
    finally:
        store.close()


def test_a_load_killed_while_updates_are_held_resumes_to_every_update(tmp_path: Path) -> None:
    """Each batch creates people (a COPY) and updates people an earlier file loaded: the
    updates are held for the checkpoint the COPY owes. Killed before it, neither is
    recorded as committed, and resuming makes both."""
    header = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(header + "".join(f"P-{i:05d},Person {i},,1990-01-01,female,VN,victim,,\n" for i in range(500)))
    mixed = [f"P-{i:05d},Person {i},,1990-01-01,female,VN,victim,,\n" for i in range(500)]
    mixed += [f"N-{i:05d},New {i},,1991-01-01,female,VN,victim,,\n" for i in range(500)]
    second.write_text(header + "".join(mixed[i // 2 + (i % 2) * 500] for i in range(1000)))  # old, new, old, ...
    case, saved = tmp_path / "case", tmp_path / "checkpoints"
    store = EmbeddedStore(case)
    try:
        assert load_files(store, [first], "people", bulk=False, checkpoint_dir=saved).files[0].rows_loaded == 500
    finally:
        store.close()
    args = [str(case), str(second), str(saved), "3", "0"]
    (case / ".copy-left-by-a-kill.parquet").write_bytes(b"PAR1")
    done = subprocess.run([sys.executable, "-c", _KILLED_LOAD, *args], check=False, timeout=300)
    assert done.returncode == 9
    assert not list(saved.glob("*.json"))  # nothing of the second file recorded as committed
    store = EmbeddedStore(case)
    assert not list(case.glob(".copy-*"))  # what a killed COPY leaves goes at the next open
    try:
        both = "MATCH (p:Person) WHERE size(p.sources) = 2 RETURN count(p) AS n"
        assert store.read(both) == [{"n": 0}]  # the kill took the held updates with the COPYs
        resumed = load_files(store, [second], "people", batch_size=100, resume=True, checkpoint_dir=saved)
        f = resumed.files[0]
        assert f.batches_resumed == 0 and f.rows_loaded == f.rows_read == 1000
        assert store.counts()[Label.PERSON] == 1000
        assert store.read(both) == [{"n": 500}]
    finally:
        store.close()


_KILLED_BULK_LOAD = """
import os, sys
from pathlib import Path
import graph_tool.store.embedded as embedded
from loaders.engine import load_files

embedded._REOPEN_AFTER_ROWS = int(sys.argv[3])
original = embedded.EmbeddedStore.create_nodes_bulk

def create_then_die(self, label, nodes):
    if sys.argv[4] == "before":
        self._checkpoint = lambda: os._exit(9)  # the COPY is done, its checkpoint never comes
    original(self, label, nodes)
    os._exit(9)  # the COPY and its checkpoint are done, the Source node never comes

embedded.EmbeddedStore.create_nodes_bulk = create_then_die
load_files(embedded.EmbeddedStore(sys.argv[1]), [Path(sys.argv[2])], "people")
"""


@pytest.mark.parametrize(
    ("reopen_after", "kill"),
    [(1_000, "after"), (10**9, "after"), (1_000, "before"), (10**9, "before")],
    ids=["reopened", "checkpointed", "killed-before-reopen", "killed-before-checkpoint"],
)
def test_a_first_load_killed_after_its_copy_is_whole_or_absent_and_loads_again(
    tmp_path: Path, reopen_after: int, kill: str
) -> None:
    """A first load writes its nodes in one COPY (loaders.bulk), checkpointed (or, when
    large, reopened) at once: a kill between the COPY and its checkpoint leaves none of
    them, a kill after it all of them, never part; loading again brings every row in once."""
    people = tmp_path / "people.csv"
    header = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
    people.write_text(header + "".join(f"P-{i:05d},Person {i},,1990-01-01,female,VN,victim,,\n" for i in range(2000)))
    case = tmp_path / "case"
    args = [str(case), str(people), str(reopen_after), kill]
    done = subprocess.run([sys.executable, "-c", _KILLED_BULK_LOAD, *args], check=False, timeout=300)
    assert done.returncode == 9
    store = EmbeddedStore(case)
    try:
        survived = store.counts()[Label.PERSON]
        assert survived == (2000 if kill == "after" else 0)
        again = load_files(store, [people], "people")
        f = again.files[0]
        assert f.bulk == (survived == 0) and f.rows_loaded == f.rows_read == 2000
        assert store.counts()[Label.PERSON] == 2000
        assert (again.nodes["Person"].created, again.nodes["Person"].unchanged) == (2000 - survived, survived)
    finally:
        store.close()


def test_memory_freed_in_small_pieces_goes_back_to_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a reopen does once the database has closed: glibc keeps freed pieces for reuse
    (200 MiB of 4 KiB blocks, freed but for the last, which pins the heap's top), and gives
    them back when trimmed, which happens over the threshold only."""
    blocks = [bytearray(4096) for _ in range(51_200)]
    del blocks[:-1]
    before = embedded._resident_mib()
    monkeypatch.setattr(embedded, "TRIM_ABOVE_MIB", before + 1)  # under it: nothing is done
    embedded._give_back_freed_memory()
    assert embedded._resident_mib() > before - 50
    monkeypatch.setattr(embedded, "TRIM_ABOVE_MIB", 0)
    embedded._give_back_freed_memory()
    assert embedded._resident_mib() < before - 100, (before, embedded._resident_mib())
    assert len(blocks) == 1


def test_a_read_the_buffer_pool_has_no_room_for_runs_again_after_a_reopen(tmp_path: Path) -> None:
    # Two COPYs hold about 64 MiB of a 96 MiB pool until the database closes (kuzu#5779):
    # a read that needs more fails as it is, and the store reads it again after a reopen.
    # A write that fails so is not run again.
    import pandas as pd

    store = EmbeddedStore(tmp_path / "case", buffer_pool_mb=96)
    store.create_schema()
    for k in range(2):
        people = pd.DataFrame({"id": [f"P{k}-{i}" for i in range(2000)], "name": ["x"] * 2000})
        store._conn.execute("COPY Person(id, name) FROM $df", {"df": people})
    big = "UNWIND range(1, 1000000) AS x RETURN count(DISTINCT cast(x, 'STRING')) AS c"
    with pytest.raises(RuntimeError, match="buffer pool is full"):
        store._conn.execute(big)
    assert store.read(big) == [{"c": 1_000_000}]
    assert store.counts()["Person"] == 4000  # the reopen kept what was written
    for k in range(2, 4):
        people = pd.DataFrame({"id": [f"P{k}-{i}" for i in range(2000)], "name": ["x"] * 2000})
        store._conn.execute("COPY Person(id, name) FROM $df", {"df": people})
    with pytest.raises(StoreError, match="buffer pool is full"):
        store._run(big.replace("RETURN", "CREATE (:Person {id: cast(x, 'STRING')}) RETURN"))
    store.close()
