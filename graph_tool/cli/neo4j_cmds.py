"""``graph-tool neo4j start | stop | status``: the project's own Neo4j server."""

from __future__ import annotations

import click


@click.group(
    "neo4j",
    epilog="""\b
Example:
  graph-tool neo4j start && graph-tool info --store bolt://127.0.0.1:7687
""",
)
def neo4j_group() -> None:
    """Run Neo4j Community 5.26 on this machine (jars from Maven Central, 127.0.0.1 only)."""


@neo4j_group.command(
    "start",
    epilog="""\b
Example:
  graph-tool neo4j start --timeout 300   # password from $NEO4J_PASSWORD or generated
""",
)
@click.option("--timeout", default=240.0, show_default=True, help="Seconds to wait for Bolt to answer.")
def start_cmd(timeout: float) -> None:
    """Fetch the jars if needed, set the password, start the server and wait for Bolt."""
    from graph_tool.server import neo4j_server

    try:
        neo4j_server.start(timeout=timeout)  # prints progress and the URI
    except Exception as exc:  # the server manager's errors carry the log tail
        raise click.ClickException(f"Neo4j did not start: {exc}") from None


@neo4j_group.command(
    "stop",
    epilog="""\b
Example:
  graph-tool neo4j stop
""",
)
def stop_cmd() -> None:
    """Stop the server cleanly."""
    from graph_tool.server import neo4j_server

    neo4j_server.stop()  # says what it did


@neo4j_group.command(
    "status",
    epilog="""\b
Example:
  graph-tool neo4j status
""",
)
def status_cmd() -> None:
    """Say whether the server runs, its process id and Bolt URI."""
    from graph_tool.server import neo4j_server

    st = neo4j_server.status()
    for key, value in vars(st).items():
        click.echo(f"{key}: {value}")
    if not st.running:
        raise SystemExit(3)


def register(main: click.Group) -> None:
    main.add_command(neo4j_group)
