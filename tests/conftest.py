"""Shared fixtures: both real stores, behind one parameterised ``store`` fixture.

The Neo4j half runs against the server that ``graph-tool neo4j start`` runs. It is never
skipped: when the server cannot be started or reached, the tests that need it fail.
"""

from __future__ import annotations

import fcntl
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


@contextmanager
def neo4j_exclusive() -> Iterator[None]:
    """Hold the one Neo4j database alone: Community has a single user database, and
    several test processes (xdist workers, parallel runs) must not clear it under each other."""
    from graph_tool.server import neo4j_server

    lock_path = neo4j_server.graph_tool_home() / "neo4j" / "tests.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
