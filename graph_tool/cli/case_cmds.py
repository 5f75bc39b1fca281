"""Commands about a whole case: ``init``, ``info``, ``demo``, ``cypher``, ``show``, ``delete-source``."""

from __future__ import annotations

import click

from graph_tool.cli.common import emit_json, opened, parse_params, propose_matches, store_option
from graph_tool.store.base import Edge, Node


@click.command(
    "init",
    epilog="""\b
Example:
  graph-tool init --store cases/op-lotus
""",
)
@store_option
def init_cmd(store: str | None) -> None:
    """Create the schema (tables, or constraints and indexes) from the domain model."""
    with opened(store) as s:
        s.create_schema()
        click.echo(f"schema ready in {s.describe()}")


@click.command(
    "info",
    epilog="""\b
Example:
  graph-tool info --store cases/op-lotus --json
""",
)
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def info_cmd(store: str | None, as_json: bool) -> None:
    """Count nodes by label and relationships by type."""
    with opened(store) as s:
        counts = s.counts()
        if as_json:
            emit_json({"store": s.describe(), "counts": counts})
            return
        click.echo(s.describe())
        for name, n in counts.items():
            if n:
                click.echo(f"  {name:<16} {n:>9,}")


@click.command(
    "demo",
    epilog="""\b
Example:
  graph-tool demo                      # load, analyse, open the UI on http://127.0.0.1:8501
  graph-tool demo --no-ui --store /tmp/demo-case
  graph-tool demo --tiny --no-ui       # the 15-entity hand-made example instead
""",
)
@click.option("--store", "store", default="demo-case", show_default=True, metavar="PATH|URI", help="Where to load it.")
@click.option("--tiny", is_flag=True, help="Load the tiny hand-made example instead of the 200-person demo case.")
@click.option("--no-ui", is_flag=True, help="Load and analyse, but do not start the browser UI.")
@click.option("--port", default=8501, show_default=True, help="Port of the UI (on 127.0.0.1).")
def demo_cmd(store: str, tiny: bool, no_ui: bool, port: int) -> None:
    """Load the demo case, run the analyses, print what was found, and open the UI."""
    from graph_tool.analyse import analyse_store
    from graph_tool.example import load_example

    with opened(store) as s:
        if tiny:
            nodes, edges = load_example(s)
            click.echo(
                f"loaded the tiny example into {s.describe()}: nodes {nodes.as_dict()}, relationships {edges.as_dict()}"
            )
        else:
            from loaders import load_case
            from sample_data import demo_folder

            report = load_case(s, demo_folder())
            click.echo(
                f"loaded the demo case into {s.describe()}: {report.rows_read:,} rows read, "
                f"{report.rows_loaded:,} loaded, {report.rows_rejected:,} rejected; "
                f"{report.created:,} created, {report.updated:,} updated"
            )
        for name, n in s.counts().items():
            if n:
                click.echo(f"  {name:<16} {n:>9,}")
        propose_matches(s)
        results = analyse_store(s)
    if results.brokers is not None:
        click.echo("\nTop brokers:")
        for e in results.brokers.entries[:5]:
            click.echo(f"  {e.rank}. {e.person_id}  score {e.score:.3f}")
    if results.rings is not None:
        click.echo(
            f"Rings: {len(results.rings.rings)}; top: "
            + ", ".join(f"{r.ring_id} ({len(r.members)} people, score {r.score:.0f})" for r in results.rings.rings[:3])
        )
    if results.fraud is not None:
        click.echo(f"Document-fraud findings: {len(results.fraud.findings)} in {len(results.fraud.clusters)} clusters")
    if not no_ui:
        from graph_tool.ui import run_ui

        run_ui(store, port=port)


@click.command(
    "cypher",
    epilog="""\b
Example:
  graph-tool cypher 'MATCH (p:Person) WHERE $role IN p.roles RETURN p.id, p.name' -p role=broker
""",
)
@click.argument("query")
@click.option("-p", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds before the query is stopped.")
@store_option
def cypher_cmd(query: str, params: tuple[str, ...], timeout: float, store: str | None) -> None:
    """Run a read-only Cypher query (writes are refused) and print the rows as JSON."""
    with opened(store) as s:
        rows = s.read(query, parse_params(params), timeout=timeout)
    emit_json([{k: plain_value(v) for k, v in row.items()} for row in rows])


def plain_value(value: object) -> object:
    """A node, relationship or list of them as JSON-ready data."""
    if isinstance(value, Node):
        return {"label": value.label, "id": value.id, **value.props}
    if isinstance(value, Edge):
        return {"type": value.type, "id": value.id, "source": value.source, "target": value.target, **value.props}
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    return value


@click.command(
    "show",
    epilog="""\b
Example:
  graph-tool show P-0001 --hops 2
""",
)
@click.argument("entity_id")
@click.option("--hops", default=1, show_default=True, help="How far to go from the entity.")
@click.option("--limit", default=500, show_default=True, help="At most this many nodes.")
@store_option
def show_cmd(entity_id: str, hops: int, limit: int, store: str | None) -> None:
    """Print an entity's neighbourhood as JSON (nodes and relationships)."""
    with opened(store) as s:
        sub = s.neighbourhood(entity_id, hops=hops, limit=limit)
    emit_json({"nodes": [plain_value(n) for n in sub.nodes], "relationships": [plain_value(e) for e in sub.edges]})


@click.command(
    "delete-source",
    epilog="""\b
Example:
  graph-tool delete-source partner-es-2024-03 --yes
""",
)
@click.argument("source")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@store_option
def delete_source_cmd(source: str, yes: bool, store: str | None) -> None:
    """Remove everything one source contributed (what other sources also support is kept)."""
    if not yes:
        click.confirm(f"Delete everything from source {source!r}?", abort=True)
    with opened(store) as s:
        emit_json(s.delete_source(source))


def register(main: click.Group) -> None:
    for cmd in (init_cmd, info_cmd, demo_cmd, cypher_cmd, show_cmd, delete_source_cmd):
        main.add_command(cmd)
