"""``graph-tool analyse``, ``path`` and ``journey``: the analyses, from the command line."""

from __future__ import annotations

import csv
import io
import sys
from typing import Any

import click

from graph_tool import audit
from graph_tool.cli.common import emit_json, opened, store_option

FORMATS = ["table", "json", "csv"]


def _rows_out(rows: list[dict[str, Any]], fmt: str, title: str = "") -> None:
    if fmt == "json":
        emit_json(rows)
        return
    if fmt == "csv":
        buffer = io.StringIO()
        columns = list(dict.fromkeys(k for r in rows for k in r))
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
        return
    if title:
        click.echo(click.style(title, bold=True))
    if not rows:
        click.echo("  (nothing)")
        return
    columns = list(dict.fromkeys(k for r in rows for k in r))
    widths = {c: min(70, max(len(c), *(len(str(r.get(c, ""))) for r in rows))) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        click.echo("  ".join(str(r.get(c, ""))[: widths[c]].ljust(widths[c]) for c in columns))


def broker_rows(results: Any, top: int) -> list[dict[str, Any]]:
    return [
        {"rank": e.rank, "person": e.person_id, "score": round(e.score, 3), "why": e.explanation}
        for e in results.brokers.entries[:top]
    ]


def ring_rows(results: Any, top: int) -> list[dict[str, Any]]:
    return [
        {
            "ring": r.ring_id,
            "score": round(r.score, 2),
            "members": len(r.members),
            "victims": len(r.victims),
            "brokers": ", ".join(map(str, r.brokers[:5])),
            "countries": ", ".join(r.countries),
            "why": r.explanation,
        }
        for r in results.rings.rings[:top]
    ]


def fraud_rows(results: Any, top: int) -> list[dict[str, Any]]:
    return [f.row() for f in results.fraud.findings[:top]]


def money_rows(results: Any, top: int) -> list[dict[str, Any]]:
    rows = [
        {"kind": "commission", "who": c.beneficiary if hasattr(c, "beneficiary") else "", "detail": c.explanation}
        for c in results.money.commission
    ]
    rows += [{"kind": "cycle", "who": "", "detail": c.explanation} for c in results.money.cycles]
    rows += [{"kind": "largest flow", "who": "", "detail": f.explanation} for f in results.money.largest[:top]]
    return rows


@click.command(
    "analyse",
    epilog="""\b
Example:
  graph-tool analyse all
  graph-tool analyse brokers --top 20 --format json
  graph-tool analyse fraud --store bolt://127.0.0.1:7687 --format csv
""",
)
@click.argument("what", type=click.Choice(["brokers", "fraud", "rings", "money", "all"]))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--top", default=25, show_default=True, help="Show at most this many entries.")
@click.option("--no-write", is_flag=True, help="Do not write results back to the store.")
@store_option
def analyse_cmd(what: str, fmt: str, top: int, no_write: bool, store: str | None) -> None:
    """Find brokers, document fraud, rings and money flows; write scores and findings back.

    Results go back to the store (scores as properties such as broker_score and ring_id,
    findings as Finding nodes linked to their evidence) so saved queries and the UI use them.
    """
    from graph_tool.analyse import ANALYSES, analyse_store

    which = ANALYSES if what == "all" else (what,)
    with opened(store) as s:
        results = analyse_store(s, which, write=not no_write)
    sections: list[tuple[str, list[dict[str, Any]]]] = []
    if results.brokers is not None:
        sections.append(("Brokers", broker_rows(results, top)))
    if results.rings is not None:
        sections.append(("Rings", ring_rows(results, top)))
    if results.fraud is not None:
        sections.append(("Document fraud", fraud_rows(results, top)))
    if results.money is not None:
        sections.append(("Money", money_rows(results, top)))
    audit.record("analysis", {"analyses": list(which), "written": results.written}, [s for s in sections])
    if fmt == "json":
        emit_json({name.lower().replace(" ", "_"): rows for name, rows in sections} | {"seconds": results.seconds})
        return
    for name, rows in sections:
        _rows_out(rows, fmt, name)
        if fmt == "table":
            click.echo()
    if fmt == "table":
        click.echo(f"took {results.seconds}; written back: {results.written or 'nothing'}")


@click.command(
    "path",
    epilog="""\b
Example:
  graph-tool path P-0001 P-0042
""",
)
@click.argument("source")
@click.argument("target")
@click.option("--via-hubs", is_flag=True, help="Allow paths through generic hubs (hotel switchboards, hotlines).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
def path_cmd(source: str, target: str, via_hubs: bool, fmt: str, store: str | None) -> None:
    """The shortest chain of relationships between two entities, and why each step holds."""
    from graph_tool.analyse import case_graph
    from graph_tool.analysis.paths import shortest_path

    with opened(store) as s:
        g = case_graph(s)
    for node in (source, target):
        if node not in g:
            raise click.ClickException(f"no entity with id {node!r}")
    result = shortest_path(g, source, target, avoid_hubs=not via_hubs)
    audit.record("analysis", {"analysis": "path", "source": source, "target": target}, list(result.nodes))
    if fmt == "json":
        emit_json(
            {
                "found": result.found,
                "nodes": list(result.nodes),
                "explanation": result.explanation,
                "edges": [vars(e) for e in result.edges],
            }
        )
        return
    click.echo(result.explanation)
    if result.found:
        click.echo(" -> ".join(map(str, result.nodes)))


@click.command(
    "journey",
    epilog="""\b
Example:
  graph-tool journey P-0007 --format json
""",
)
@click.argument("person")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@store_option
def journey_cmd(person: str, fmt: str, store: str | None) -> None:
    """A victim's journey: recruitment, documents, crossings, exploitation, payments, in time order."""
    from graph_tool.analyse import case_graph
    from graph_tool.analysis.paths import victim_journey

    with opened(store) as s:
        g = case_graph(s)
    if person not in g:
        raise click.ClickException(f"no entity with id {person!r}")
    journey = victim_journey(g, person)
    audit.record("analysis", {"analysis": "journey", "person": person}, [s.description for s in journey.steps])
    rows = [step.row() for step in journey.steps]
    if fmt == "table":
        click.echo(journey.explanation)
    _rows_out(rows, fmt)


def register(main: click.Group) -> None:
    for cmd in (analyse_cmd, path_cmd, journey_cmd):
        main.add_command(cmd)
