"""Where the store is, read from the environment (secrets never from code).

``GRAPH_TOOL_STORE`` names the default store for every command and the app: a case folder
for the embedded store, or a ``neo4j://`` / ``bolt://`` URI (the word ``neo4j`` alone means
``NEO4J_URI``). ``--store`` overrides it on the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph_tool.store.base import GraphStore

DEFAULT_CASE = "case"
DEFAULT_NEO4J_URI = "bolt://127.0.0.1:7687"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


@dataclass(frozen=True)
class StoreSpec:
    """A parsed store location: ``kind`` is ``embedded`` or ``neo4j``."""

    kind: str
    location: str

    def __str__(self) -> str:
        return self.location


def store_spec(value: str | None = None) -> StoreSpec:
    """Parse ``--store`` (or ``GRAPH_TOOL_STORE``, or the default case folder).

    >>> store_spec("bolt://127.0.0.1:7687").kind
    'neo4j'
    >>> store_spec("cases/demo").kind
    'embedded'
    """
    raw = value or os.environ.get("GRAPH_TOOL_STORE") or DEFAULT_CASE
    if raw == "neo4j":
        raw = os.environ.get("NEO4J_URI") or DEFAULT_NEO4J_URI
    if raw.startswith(NEO4J_SCHEMES):
        return StoreSpec("neo4j", raw)
    return StoreSpec("embedded", str(Path(raw).expanduser()))


def neo4j_password() -> str:
    """``NEO4J_PASSWORD``, else the password kept by ``graph-tool neo4j start``."""
    from_env = os.environ.get("NEO4J_PASSWORD")
    if from_env:
        return from_env
    from graph_tool.server.neo4j_server import read_password

    return read_password()


#: The embedded store's buffer pool for a load, unless $GRAPH_TOOL_EMBEDDED_BUFFER_MB is set:
#: a load streams, and 1M rows load as fast with 256 MiB as with 2 GiB (bench/bench_load.py),
#: keeping the whole load under 1 GiB.
LOADING_BUFFER_MB = 256


def open_store(value: str | None = None, read_only: bool = False, loading: bool = False) -> GraphStore:
    """Open the store named by ``value`` / ``GRAPH_TOOL_STORE`` (``loading``: for a load)."""
    spec = store_spec(value)
    if spec.kind == "neo4j":
        from graph_tool.server.neo4j_server import import_dir_for
        from graph_tool.store.neo4j_store import Neo4jStore

        return Neo4jStore(
            spec.location,
            os.environ.get("NEO4J_USER", "neo4j"),
            neo4j_password(),
            os.environ.get("NEO4J_DATABASE", "neo4j"),
            import_dir=import_dir_for(spec.location),
        )
    from graph_tool.store.embedded import EmbeddedStore

    if loading:
        return EmbeddedStore(spec.location, read_only=read_only, buffer_pool_mb=LOADING_BUFFER_MB)
    return EmbeddedStore(spec.location, read_only=read_only)
