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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the test item (``item.rep_call``), for fixtures to read."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
