"""``graph-tool matches find | list | accept | reject | undo``: identity resolution, reviewed."""

from __future__ import annotations

from collections.abc import Callable

import click

from graph_tool import resolve
from graph_tool.cli.common import emit_json, opened, store_option
from graph_tool.model import Label

_LABELS = [str(lab) for lab in resolve.resolvable_labels()]

analyst_option = click.option(
    "--analyst",
    envvar="USER",
    default=None,
    metavar="NAME",
    help="Who decides (recorded on the candidate). Default: $USER.",
)
reason_option = click.option("--reason", required=True, metavar="TEXT", help="Why (recorded on the candidate).")


@click.group(
    "matches",
    epilog="""\b
Example:
  graph-tool matches find && graph-tool matches list
""",
)
def matches_group() -> None:
    """Possible duplicates, found and explained; merged only when an analyst accepts."""


@matches_group.command(
    "find",
    epilog="""\b
Example:
  graph-tool matches find --threshold 0.8 --store cases/op-lotus
""",
)
@click.option(
    "--threshold",
    default=resolve.DEFAULT_THRESHOLD,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Lowest score.",
)
@click.option("--label", default=str(Label.PERSON), show_default=True, type=click.Choice(_LABELS), help="Entity type.")
@store_option
def find_cmd(threshold: float, label: str, store: str | None) -> None:
    """Find and score possible matches; store them as open candidates (never merges)."""
    with opened(store) as s:
        found = resolve.propose(s, Label(label), threshold)
    click.echo(f"{len(found)} open candidates at or above {threshold:.2f}")
    for c in found:
        click.echo(f"  {c.id}  {c.score:.2f}  {c.left_id} <-> {c.right_id}")
    if found:
        click.echo("review them with: graph-tool matches list")


def _print_table(cands: list[resolve.Candidate]) -> None:
    if not cands:
        click.echo("no candidates")
        return
    for c in cands:
        click.echo(f"{c.id}  {c.status:<8}  score {c.score:.2f}  {c.label}  keep {c.left_id} <- merge {c.right_id}")
        click.echo(f"  {c.summary}")
        for e in c.evidence:
            sign = "+" if e.weight > 0 else ("-" if e.weight < 0 else " ")
            click.echo(f"  {sign} {e.prop:<16} {e.verdict:<16} {e.weight:+.2f}  {e.detail}")
        if c.found_by:
            click.echo(f"    found by: {', '.join(c.found_by)}")
        if c.decided_by:
            click.echo(f"    {c.status} by {c.decided_by} at {c.decided_at}: {c.reason}")
        click.echo("")


@matches_group.command(
    "list",
    epilog="""\b
Example:
  graph-tool matches list --status all --format json > matches.json
""",
)
@click.option(
    "--status",
    default=resolve.OPEN,
    show_default=True,
    type=click.Choice([*resolve.STATUSES, "all"]),
    help="Which candidates.",
)
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@store_option
def list_cmd(status: str, fmt: str, store: str | None) -> None:
    """List candidates, best first, with the explanation of each score."""
    with opened(store) as s:
        cands = resolve.list_candidates(s, None if status == "all" else status)
    if fmt == "json":
        emit_json([c.as_dict() for c in cands])
    else:
        _print_table(cands)


def _decision_command(name: str, example: str) -> Callable[[Callable[..., None]], click.Command]:
    """A ``matches`` command deciding on one candidate: CANDIDATE_ID, --reason, --analyst and
    --store, with ``example`` as the Example of its help."""

    def make(f: Callable[..., None]) -> click.Command:
        for decorate in (store_option, analyst_option, reason_option, click.argument("candidate_id")):
            f = decorate(f)
        return matches_group.command(name, epilog=f"\b\nExample:\n  {example}\n")(f)

    return make


def _decide(decision: str, candidate_id: str, reason: str, analyst: str | None, store: str | None) -> resolve.Candidate:
    """``resolve.decide``: the decision, recorded in the audit log too (the UI takes the same path)."""
    with opened(store) as s:
        return resolve.decide(s, decision, candidate_id, analyst, reason)


@_decision_command(
    "accept", 'graph-tool matches accept MC-0123456789abcdef0123 --reason "same passport photo" --analyst j.doe'
)
def accept_cmd(candidate_id: str, reason: str, analyst: str | None, store: str | None) -> None:
    """Merge the right entity into the left one (reversibly) and record who, when and why."""
    c = _decide("accept", candidate_id, reason, analyst, store)
    merge = c.record.get("merge", {})
    click.echo(
        f"accepted {c.id}: {c.right_id} merged into {c.left_id}; "
        f"{len(merge.get('relationships_created', []))} relationships re-created, "
        f"{len(merge.get('properties_filled', []))} properties filled, "
        f"{len(merge.get('aliases_added', []))} aliases added (undo with: graph-tool matches undo {c.id})"
    )


@_decision_command(
    "reject", 'graph-tool matches reject MC-0123456789abcdef0123 --reason "different mothers\' names in statements"'
)
def reject_cmd(candidate_id: str, reason: str, analyst: str | None, store: str | None) -> None:
    """Record that the two are different; the pair is not proposed again."""
    c = _decide("reject", candidate_id, reason, analyst, store)
    click.echo(f"rejected {c.id}: {c.left_id} and {c.right_id} stay separate")


@_decision_command("undo", 'graph-tool matches undo MC-0123456789abcdef0123 --reason "accepted by mistake"')
def undo_cmd(candidate_id: str, reason: str, analyst: str | None, store: str | None) -> None:
    """Reverse an accepted merge exactly, as its merge record says."""
    c = _decide("undo", candidate_id, reason, analyst, store)
    merge = c.record.get("merge", {})
    click.echo(f"undone {c.id}: {c.right_id} is separate from {c.left_id} again")
    if merge.get("undo_conflicts"):
        click.echo(f"changed since the merge (those later changes were kept): {', '.join(merge['undo_conflicts'])}")


def register(main: click.Group) -> None:
    main.add_command(matches_group)
