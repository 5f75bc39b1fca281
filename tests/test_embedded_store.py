"""What only the embedded store (LadybugDB) needs: living within its buffer pool, and writes
that survive a killed load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph_tool.model import Label
from graph_tool.store.base import NodeRecord
from graph_tool.store.embedded import EmbeddedStore


def test_many_batches_fit_a_small_buffer_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # LadybugDB holds ~30 MiB of the pool per COPY until the database closes: at 128 MiB,
    # a fifth batch used to fail with "the buffer pool is full".
    monkeypatch.setenv("GRAPH_TOOL_EMBEDDED_BUFFER_MB", "128")
    store = EmbeddedStore(tmp_path / "case")
    try:
        store.create_schema()
        for batch in range(24):
            assert store.upsert_nodes(_people(batch)).created == 200
        assert store.counts()[Label.PERSON] == 24 * 200
        assert [n.props["name"] for n in store.get_nodes(Label.PERSON, ["P-23-199"])] == ["Person 23 199"]
    finally:
        store.close()


def _people(batch: int, n: int = 200) -> list[NodeRecord]:
    return [
        NodeRecord(Label.PERSON, f"P-{batch}-{i}", {"name": f"Person {batch} {i}"}, "s", f"f.csv:{i}") for i in range(n)
    ]


def test_a_load_killed_after_its_writes_loses_none_of_them(tmp_path: Path) -> None:
    """A process killed mid-load, without closing the database: every batch whose writes
    returned is there on the next open. The loader's resume skips such batches, so this
    must hold. (LadybugDB writes a COPY's rows to the data file, not the log: holding its
    automatic checkpoints back makes writes faster but loses them on a kill.)"""
    case = tmp_path / "case"
    child = (
        "import os, sys\n"
        "from graph_tool.model import Label\n"
        "from graph_tool.store.base import NodeRecord\n"
        "from graph_tool.store.embedded import EmbeddedStore\n"
        "store = EmbeddedStore(sys.argv[1]); store.create_schema()\n"
        "with store.pipelined_writes():\n"
        "    for b in range(3):\n"
        "        store.upsert_nodes([NodeRecord(Label.PERSON, f'P-{b}-{i}', {'name': 'x'}, 's', str(i))"
        " for i in range(300)])\n"
        "    store.drain()\n"
        "    os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", child, str(case)], check=False, timeout=300)
    assert done.returncode == 9
    store = EmbeddedStore(case)
    try:
        assert store.counts()[Label.PERSON] == 900
        assert store.upsert_nodes(_people(9, 1)).created == 1  # and it takes more writes
    finally:
        store.close()
