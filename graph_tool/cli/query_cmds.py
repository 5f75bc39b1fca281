"""``graph-tool queries list | show | run | export | import``: the saved-query library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from graph_tool import audit, querylib
from graph_tool.cli.case_cmds import plain_value
from graph_tool.cli.common import emit_json, opened, parse_params, store_option


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(
    "queries",
    epilog="""\b
Example:
  graph-tool queries list
  graph-tool queries run shared-phone-with-person -p person_id=P-0001
""",
)
def queries_group() -> None:
    """Saved, typed, read-only Cypher queries (queries/<category>/<id>.cypher)."""


@queries_group.command(
    "list",
    epilog="""\b
Example:
  graph-tool queries list --category money
""",
)
@click.option("--category", default=None, help="Only this category.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_cmd(category: str | None, as_json: bool) -> None:
    """List the saved queries with their parameters."""
    try:
        library = querylib.load_library()
    except querylib.QueryError as exc:
        raise _fail(exc) from None
    items = [q for q in library.values() if category in (None, q.category)]
    if as_json:
        emit_json(
            [
                {
                    "id": q.id,
                    "category": q.category,
                    "title": q.title,
                    "returns": q.header.returns,
                    "params": {k: v.model_dump(exclude_none=True) for k, v in q.header.params.items()},
                }
                for q in items
            ]
        )
        return
    for q in sorted(items, key=lambda q: (q.category, q.id)):
        params = " ".join(f"{k}:{v.type}" for k, v in q.header.params.items())
        click.echo(f"{q.category:<15} {q.id:<38} {q.header.returns:<5} {q.title}" + (f"  [{params}]" if params else ""))


@queries_group.command(
    "show",
    epilog="""\b
Example:
  graph-tool queries show commission-paid-to-broker
""",
)
@click.argument("query_id")
def show_cmd(query_id: str) -> None:
    """Print a saved query: its header and its Cypher."""
    try:
        q = querylib.get(query_id)
    except querylib.QueryError as exc:
        raise _fail(exc) from None
    click.echo(q.text(), nl=False)


@queries_group.command(
    "run",
    epilog="""\b
Example:
  graph-tool queries run payments-in-window -p from_date=2023-01-01 -p to_date=2023-12-31 --format csv
""",
)
@click.argument("query_id")
@click.option("-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--show-cypher", is_flag=True, help="Print the Cypher that runs, before the result.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds before the query is stopped.")
@store_option
def run_cmd(
    query_id: str, params: tuple[str, ...], fmt: str, show_cypher: bool, timeout: float, store: str | None
) -> None:
    """Run a saved query with typed parameters (always read-only)."""
    try:
        q = querylib.get(query_id)
        bound = querylib.bind(q, {k: str(v) if not isinstance(v, str) else v for k, v in parse_params(params).items()})
    except querylib.QueryError as exc:
        raise _fail(exc) from None
    with opened(store) as s:
        body = q.cypher_for(s.kind)
        if show_cypher:
            click.echo(body + "\n", err=True)
        if q.header.returns == "graph":
            sub = s.read_subgraph(body, bound, timeout=timeout)
            rows = [plain_value(n) for n in sub.nodes] + [plain_value(e) for e in sub.edges]
        else:
            rows = [{k: plain_value(v) for k, v in row.items()} for row in s.read(body, bound, timeout=timeout)]
    _print_rows(rows, fmt)
    _audit("query", {"query": q.id, "params": bound}, rows)


def _print_rows(rows: list[Any], fmt: str) -> None:
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        click.echo(querylib.rows_to_csv(rows), nl=False)
    else:
        if not rows:
            click.echo("(no rows)")
            return
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        widths = {c: min(40, max(len(c), *(len(str(r.get(c, ""))) for r in rows))) for c in columns}
        click.echo("  ".join(c.ljust(widths[c]) for c in columns))
        for row in rows:
            click.echo("  ".join(str(row.get(c, ""))[: widths[c]].ljust(widths[c]) for c in columns))
        click.echo(f"({len(rows)} rows)")


def _audit(action: str, details: dict[str, Any], rows: list[Any]) -> None:
    audit.record(action, details, rows)


@queries_group.command(
    "export",
    epilog="""\b
Example:
  graph-tool queries export team-pack.zip --category money
""",
)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--category", default=None, help="Only this category.")
def export_cmd(target: Path, category: str | None) -> None:
    """Write a query pack (zip) that another team can import."""
    library = querylib.load_library()
    n = querylib.export_pack([q for q in library.values() if category in (None, q.category)], target)
    click.echo(f"{n} queries written to {target}")


@queries_group.command(
    "import",
    epilog="""\b
Example:
  graph-tool queries import team-pack.zip
  graph-tool queries import bloodhound-queries.yaml --into my-queries/
""",
)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--into", type=click.Path(file_okay=False, path_type=Path), default=None, help="Library folder (default: queries/)."
)
@click.option("--overwrite", is_flag=True, help="Replace queries with the same id.")
def import_cmd(source: Path, into: Path | None, overwrite: bool) -> None:
    """Import a query pack, a .cypher file, or BloodHound-style YAML/JSON queries (validated)."""
    try:
        result = querylib.read_pack(source)
    except querylib.QueryError as exc:
        raise _fail(exc) from None
    for q in result.imported:
        try:
            path = querylib.write_query(q, into, overwrite=overwrite)
            click.echo(f"imported {q.id} -> {path}")
        except querylib.QueryError as exc:
            click.echo(f"skipped {q.id}: {exc}", err=True)
    for name, reason in result.refused:
        click.echo(f"refused {name}: {reason}", err=True)
    if result.refused and not result.imported:
        raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(queries_group)
