"""``graph-tool matches find | list | accept | reject | undo``: identity resolution, reviewed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from graph_tool import match_review, resolve
from graph_tool.cli.common import emit_json, opened, store_option
from graph_tool.model import Label
from graph_tool.store.base import GraphStore

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


def _selection_options(f: Callable[..., None]) -> Callable[..., None]:
    """The options choosing candidates for a decision taken on many at once."""
    options = (
        click.option("--min-score", type=click.FloatRange(0.0, 1.0), help="Only candidates scoring at least this."),
        click.option("--max-score", type=click.FloatRange(0.0, 1.0), help="Only candidates scoring at most this."),
        click.option(
            "--found-by",
            multiple=True,
            metavar="HOW",
            help='Only candidates found this way ("same name", "same birth date", "shared document", ...). Repeatable.',
        ),
        click.option(
            "--evidence",
            multiple=True,
            metavar="PROP:VERDICT",
            help="Only candidates whose explanation says this (birth_date:equal, nationality:conflicting). Repeatable.",
        ),
        click.option("--label", type=click.Choice(_LABELS), help="Only candidates of this entity type."),
        click.option("--dry-run", is_flag=True, help="List the candidates it would decide; change nothing."),
        click.option("--yes", is_flag=True, help="Decide every candidate the filters choose (needed with a filter)."),
    )
    for decorate in reversed(options):
        f = decorate(f)
    return f


def _decision_command(name: str, *examples: str) -> Callable[[Callable[..., None]], click.Command]:
    """A ``matches`` command deciding on candidates: CANDIDATE_ID..., or the selection
    options, with --reason, --analyst and --store; ``examples`` in its help."""

    def make(f: Callable[..., None]) -> click.Command:
        f = _selection_options(f)
        for decorate in (store_option, analyst_option, reason_option, click.argument("candidate_ids", nargs=-1)):
            f = decorate(f)
        shown = "\n  ".join(examples)
        return matches_group.command(name, epilog=f"\b\nExamples:\n  {shown}\n")(f)

    return make


def _decide(decision: str, candidate_id: str, reason: str, analyst: str | None, store: str | None) -> resolve.Candidate:
    """``resolve.decide``: the decision, recorded in the audit log too (the UI takes the same path)."""
    with opened(store) as s:
        return resolve.decide(s, decision, candidate_id, analyst, reason)


def _one_or_many(
    decision: str, ids: tuple[str, ...], opts: dict[str, Any], reason: str, analyst: str | None, store: str | None
) -> resolve.Candidate | None:
    """One named candidate: decide it and return it. Otherwise decide every candidate the
    ids and filters choose (see :mod:`graph_tool.match_review`), print what happened, and
    return None."""
    dry_run, yes = opts.pop("dry_run"), opts.pop("yes")
    selection = match_review.Selection(
        ids=ids,
        min_score=opts["min_score"],
        max_score=opts["max_score"],
        found_by=tuple(opts["found_by"]),
        evidence=tuple(opts["evidence"]),
        label=Label(opts["label"]) if opts["label"] else None,
    )
    filtered = selection != match_review.Selection(ids=ids)
    if len(ids) == 1 and not filtered and not dry_run:
        return _decide(decision, ids[0], reason, analyst, store)
    done_as = match_review.OUTCOME[decision]
    with opened(store) as s:
        try:
            chosen = match_review.select(s, decision, selection)
        except resolve.ResolveError as exc:
            raise click.UsageError(str(exc)) from None
        missing = match_review.missing_ids(selection, chosen)
        for cid in missing:
            click.echo(f"skipped {cid}: no such candidate, or it cannot be {done_as}", err=True)
        if dry_run or not chosen:
            _print_brief(chosen)
            click.echo(f"{len(chosen)} candidates would be {done_as}" if dry_run else "no candidates chosen")
            if chosen:
                mix = match_review.evidence_mix(chosen)
                click.echo("their evidence: " + match_review.describe_mix(mix, len(chosen)))
            return None
        if not (analyst or "").strip():
            raise click.ClickException("a decision needs the analyst's name (--analyst)")
        if filtered and not yes:
            raise click.UsageError(
                f"the filters choose {len(chosen)} candidates: look at them with --dry-run, then add --yes"
            )
        done = _decide_with_progress(s, decision, chosen, analyst, reason)
    click.echo(f"{len(done.decided)} of {len(chosen)} candidates {done_as}")
    for cid, why in done.skipped:
        click.echo(f"skipped {cid}: {why}")
    if missing or (done.skipped and not filtered):
        raise SystemExit(1)  # a candidate named by its id was not decided
    return None


def _print_brief(cands: list[resolve.Candidate]) -> None:
    for c in cands:
        click.echo(f"{c.id}  {c.status:<8}  score {c.score:.2f}  keep {c.left_id} <- merge {c.right_id}  {c.summary}")


def _decide_with_progress(
    s: GraphStore, decision: str, chosen: list[resolve.Candidate], analyst: str | None, reason: str
) -> match_review.BulkResult:
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{decision} {len(chosen)} candidates", total=len(chosen))
        return match_review.decide_all(s, decision, chosen, analyst, reason, lambda: bar.advance(task))


@_decision_command(
    "accept",
    'graph-tool matches accept MC-0123456789abcdef0123 --reason "same passport photo" --analyst j.doe',
    'graph-tool matches accept --min-score 0.95 --evidence birth_date:equal --found-by "shared document" '
    '--reason "border log travellers holding the case file\'s passports" --dry-run',
)
def accept_cmd(
    candidate_ids: tuple[str, ...], reason: str, analyst: str | None, store: str | None, **opts: Any
) -> None:
    """Merge the right entity into the left one (reversibly) and record who, when and why.

    With several ids, or filters and --yes, accepts each chosen candidate best first, each
    recorded and undoable as if accepted alone; one whose entity an earlier merge of the
    run took is skipped, with the reason."""
    c = _one_or_many("accept", candidate_ids, opts, reason, analyst, store)
    if c is None:
        return
    merge = c.record.get("merge", {})
    click.echo(
        f"accepted {c.id}: {c.right_id} merged into {c.left_id}; "
        f"{len(merge.get('relationships_created', []))} relationships re-created, "
        f"{len(merge.get('properties_filled', []))} properties filled, "
        f"{len(merge.get('aliases_added', []))} aliases added (undo with: graph-tool matches undo {c.id})"
    )


@_decision_command(
    "reject",
    'graph-tool matches reject MC-0123456789abcdef0123 --reason "different mothers\' names in statements"',
    'graph-tool matches reject --max-score 0.7 --evidence birth_date:conflicting --reason "birth dates differ" --yes',
)
def reject_cmd(
    candidate_ids: tuple[str, ...], reason: str, analyst: str | None, store: str | None, **opts: Any
) -> None:
    """Record that the two are different; the pair is not proposed again.

    With several ids, or filters and --yes, rejects each chosen candidate."""
    c = _one_or_many("reject", candidate_ids, opts, reason, analyst, store)
    if c is not None:
        click.echo(f"rejected {c.id}: {c.left_id} and {c.right_id} stay separate")


@_decision_command(
    "undo",
    'graph-tool matches undo MC-0123456789abcdef0123 --reason "accepted by mistake"',
    'graph-tool matches undo --found-by "same name" --max-score 0.9 --reason "too loose a rule" --yes',
)
def undo_cmd(candidate_ids: tuple[str, ...], reason: str, analyst: str | None, store: str | None, **opts: Any) -> None:
    """Reverse an accepted merge exactly, as its merge record says.

    With several ids, or filters and --yes, undoes each chosen accepted candidate, the
    latest accepted first."""
    c = _one_or_many("undo", candidate_ids, opts, reason, analyst, store)
    if c is None:
        return
    merge = c.record.get("merge", {})
    click.echo(f"undone {c.id}: {c.right_id} is separate from {c.left_id} again")
    if merge.get("undo_conflicts"):
        click.echo(f"changed since the merge (those later changes were kept): {', '.join(merge['undo_conflicts'])}")


def register(main: click.Group) -> None:
    main.add_command(matches_group)
