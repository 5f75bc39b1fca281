"""The demo case, loaded and analysed once per test session, in both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_tool.analyse import analyse_store
from graph_tool.store.embedded import EmbeddedStore


@pytest.fixture(scope="session")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A case folder holding the committed demo case, analysed."""
    from loaders import load_case
    from sample_data import demo_folder

    folder = tmp_path_factory.mktemp("demo") / "case"
    store = EmbeddedStore(folder)
    try:
        load_case(store, demo_folder())
        analyse_store(store)
    finally:
        store.close()
    yield folder
