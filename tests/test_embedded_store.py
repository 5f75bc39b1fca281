"""What only the embedded store (LadybugDB) needs: living within its buffer pool."""

from __future__ import annotations

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
            records = [
                NodeRecord(Label.PERSON, f"P-{batch}-{i}", {"name": f"Person {batch} {i}"}, "s", f"f.csv:{i}")
                for i in range(200)
            ]
            assert store.upsert_nodes(records).created == 200
        assert store.counts()[Label.PERSON] == 24 * 200
        assert [n.props["name"] for n in store.get_nodes(Label.PERSON, ["P-23-199"])] == ["Person 23 199"]
    finally:
        store.close()
