"""Shared fixtures: both real stores, behind one parameterised ``store`` fixture.

The Neo4j half runs against the server that ``graph-tool neo4j start`` runs. It is never
skipped: when the server cannot be started or reached, the tests that need it fail.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph_tool.store.base import GraphStore

SHARED = Path(os.environ.get("GRAPH_TOOL_SHARED", Path(__file__).resolve().parents[2] / "shared"))
DATASETS = SHARED / "datasets"


def datasets_dir() -> Path:
    """The real criminal-network datasets; missing data is a failure, not a skip."""
    if not DATASETS.is_dir():
        pytest.fail(f"the shared datasets are missing at {DATASETS} (set GRAPH_TOOL_SHARED)")
    return DATASETS


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """Start (or reuse) the project's Neo4j server; stop it afterwards if we started it."""
    from graph_tool.server import neo4j_server

    try:
        result = neo4j_server.start(timeout=float(os.environ.get("GRAPH_TOOL_NEO4J_TIMEOUT", "300")), quiet=True)
    except Exception as exc:
        pytest.fail(f"Neo4j could not be started by `graph-tool neo4j start`: {exc}")
    yield str(result)
    if getattr(result, "started", False) and not os.environ.get("GRAPH_TOOL_KEEP_NEO4J"):
        neo4j_server.stop(quiet=True)


def neo4j_exclusive() -> contextlib.AbstractContextManager[None]:
    """Hold the one Neo4j database alone: several test processes (xdist workers, parallel
    runs, a benchmark) must not clear it under each other."""
    from graph_tool.server import neo4j_server

    return neo4j_server.exclusive_use()


@contextmanager
def _open(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    if kind == "embedded":
        from graph_tool.store.embedded import EmbeddedStore

        s: GraphStore = EmbeddedStore(tmp_path / "case")
        try:
            yield s
        finally:
            s.close()
        return
    uri = request.getfixturevalue("neo4j_uri")
    from graph_tool.config import open_store

    with neo4j_exclusive():
        s = open_store(uri)
        try:
            s.clear()
            yield s
        finally:
            s.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind, with its schema."""
    with _open(request.param, tmp_path, request) as s:
        s.create_schema()
        yield s


@pytest.fixture
def embedded_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    with _open("embedded", tmp_path, request) as s:
        s.create_schema()
        yield s


@pytest.fixture
def neo4j_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    with _open("neo4j", tmp_path, request) as s:
        s.create_schema()
        yield s
