"""``graph-tool export`` and ``graph-tool import``: exchange subgraphs with partners."""

from __future__ import annotations

from pathlib import Path

import click

from graph_tool import audit
from graph_tool.cli.common import emit_json, opened, parse_params, store_option

EXPORT_FORMATS = ["graphml", "gexf", "json", "neo4j-csv", "cypher", "ftm", "anx", "html"]
IMPORT_FORMATS = ["auto", "graphml", "gexf", "json", "ftm", "anx"]


@click.command(
    "export",
    epilog="""\b
Example:
  graph-tool export --format graphml --entity P-0001 --hops 2 --out p1.graphml
  graph-tool export --format ftm --source partner-es-2024-03 --out es.ftm.json
  graph-tool export --format neo4j-csv --all --out case-csv/
  graph-tool export --format html --ring R-001 --banner "RESTRICTED" --out ring.html
""",
)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="Output format.")
@click.option("--entity", default=None, metavar="ID", help="An entity and its neighbourhood.")
@click.option("--hops", default=1, show_default=True, type=click.IntRange(0, 10), help="How far from --entity/--ring.")
@click.option("--source", "source_name", default=None, metavar="NAME", help="Everything one source contributed.")
@click.option("--query", "query_id", default=None, metavar="ID", help="The graph a saved query returns.")
@click.option("-p", "params", multiple=True, metavar="NAME=VALUE", help="A --query parameter (repeatable).")
@click.option("--ring", default=None, metavar="RING_ID", help="A ring's members (ring_id) and their neighbours.")
@click.option("--all", "everything", is_flag=True, help="The whole case.")
@click.option("--limit", default=5000, show_default=True, help="At most this many nodes for --entity/--ring.")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="File (a folder for neo4j-csv).")
@click.option("--title", default="", help="Title (HTML, GEXF description).")
@click.option("--banner", default=None, metavar="TEXT", help="Handling banner for the HTML view.")
@click.option("--recipient", default="internal", show_default=True, help="Who receives it (pseudonyms differ).")
@click.option("--profile", default="default", show_default=True, help="Redaction profile (redact-profiles list).")
@click.option("--unmask", is_flag=True, help="Write victims in clear (needs --reason; audited).")
@click.option("--reason", default=None, help="Why victims are unmasked.")
@store_option
def export_cmd(
    fmt: str,
    entity: str | None,
    hops: int,
    source_name: str | None,
    query_id: str | None,
    params: tuple[str, ...],
    ring: str | None,
    everything: bool,
    limit: int,
    out: Path,
    title: str,
    banner: str | None,
    recipient: str,
    profile: str,
    unmask: bool,
    reason: str | None,
    store: str | None,
) -> None:
    """Export a subgraph (an entity's neighbourhood, a source, a saved query, a ring, or all).

    Formats: graphml, gexf (1.3), json (networkx node-link), neo4j-csv (a folder for
    neo4j-admin database import full), cypher (a MERGE script), ftm (FollowTheMoney JSON
    lines), anx (i2 Analyst's Notebook), html (the offline view). The export is recorded in
    the audit log with the SHA-256 of what was written.

    Victim-safe by default: the redaction profile applies and victims' identifying fields
    are pseudonymised with a key per recipient (from $GRAPH_TOOL_SHARE_KEY). Only --unmask
    with a --reason writes them in clear, and that is audited.
    """
    from graph_tool.export import ExportError, export_subgraph, select_subgraph
    from graph_tool.share import ShareError, protection_context, redact

    chosen = [entity, source_name, query_id, ring]
    if sum(x is not None for x in chosen) + int(everything) != 1:
        raise click.UsageError("choose exactly one of --entity, --source, --query, --ring, --all")
    if params and query_id is None:
        raise click.UsageError("-p is for --query")
    if unmask != bool(reason and reason.strip()):
        raise click.UsageError("--unmask needs --reason, and --reason is only for --unmask")
    query_params = parse_params(params)
    with opened(store) as s:
        try:
            sub = select_subgraph(
                s,
                entity=entity,
                hops=hops,
                source=source_name,
                query=query_id,
                params=query_params,
                ring=ring,
                everything=everything,
                limit=limit,
            )
            redacted = redact(
                sub,
                profile,
                recipient,
                unmask_reason=reason.strip() if unmask and reason else None,
                context=protection_context(s, sub),
            )
            for warning in redacted.warnings:
                click.echo(f"warning: {warning}", err=True)
            result = export_subgraph(redacted.subgraph, fmt, out, title=title, banner=banner)
        except (ExportError, ShareError) as exc:
            raise click.ClickException(str(exc)) from None
        where = s.describe()
    selection = {
        "entity": entity,
        "hops": hops if entity or ring else None,
        "source": source_name,
        "query": query_id,
        "params": query_params or None,
        "ring": ring,
        "all": everything or None,
    }
    details = {
        "format": fmt,
        "recipient": recipient,
        "profile": profile,
        "unmasked": unmask,
        "store": where,
        "selection": {k: v for k, v in selection.items() if v is not None},
        "path": str(out),
        "nodes": result.nodes,
        "relationships": result.relationships,
        "bytes": result.size,
        "sha256": result.sha256,
    }
    audit.record("export", details, _written(result.files))
    click.echo(f"wrote {result.nodes} nodes and {result.relationships} relationships as {fmt} to {out}")
    click.echo(f"  {result.size:,} bytes, sha256 {result.sha256}")


def _written(files: tuple[Path, ...]) -> bytes:
    """The bytes written (a folder's files in name order), hashed into the audit entry."""
    if len(files) == 1:
        return files[0].read_bytes()
    return b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in sorted(files))


@click.command(
    "import",
    epilog="""\b
Example:
  graph-tool import es-ring.graphml --partner es-policia --dry-run
  graph-tool import ring.ftm.json --format ftm --partner ocrp --store cases/op-lotus
""",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS), default="auto", show_default=True)
@click.option("--partner", required=True, metavar="NAME", help="Who sent it (recorded as partner:NAME:FILE).")
@click.option("--merge", is_flag=True, help="Also update what the store already has (default: only add what is new).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@store_option
def import_cmd(
    file: Path, fmt: str, partner: str, merge: bool, dry_run: bool, as_json: bool, store: str | None
) -> None:
    """Import a partner's GraphML, GEXF, node-link JSON, FtM or ANX file, merged by stable ids.

    By default only what the store lacks is added: re-importing an export into the store
    it came from changes nothing. --merge also updates existing entities and adds the
    partner to their provenance. Every import is recorded in the audit log.
    """
    from graph_tool.export import ExportError
    from graph_tool.importers import import_file, partner_source

    try:
        partner_source(partner, file)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--partner") from None
    with opened(store) as s:
        try:
            report = import_file(s, file, partner, fmt, merge=merge, dry_run=dry_run)
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
        where = s.describe()
    data = report.as_dict()
    audit.record("import", {**data, "store": where, "path": str(file)}, file.read_bytes())
    if as_json:
        emit_json(data)
        return
    verb = "would write" if dry_run else "wrote"
    nodes, rels = data["nodes"], data["relationships"]
    click.echo(f"{file.name} ({report.format}) from {report.source} into {where} [{report.mode}]")
    for what, counts in (("nodes", nodes), ("relationships", rels)):
        click.echo(
            f"  {what}: {verb} {counts['created']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
    for item in data["rejected"][:20]:
        click.echo(f"  rejected {item['record']}: {item['reason']}")
    if len(data["rejected"]) > 20:
        click.echo(f"  ... and {len(data['rejected']) - 20} more rejected (use --json)")


def register(main: click.Group) -> None:
    main.add_command(export_cmd)
    main.add_command(import_cmd)
