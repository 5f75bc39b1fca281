"""Local Neo4j Community server (no Docker): see :mod:`graph_tool.server.neo4j_server`."""

from graph_tool.server.neo4j_server import (
    NEO4J_VERSION,
    Neo4jServerError,
    Neo4jStatus,
    StartResult,
    bolt_handshake,
    bolt_uri,
    ensure_jars,
    read_password,
    start,
    status,
    stop,
)

__all__ = [
    "NEO4J_VERSION",
    "Neo4jServerError",
    "Neo4jStatus",
    "StartResult",
    "bolt_handshake",
    "bolt_uri",
    "ensure_jars",
    "read_password",
    "start",
    "status",
    "stop",
]
