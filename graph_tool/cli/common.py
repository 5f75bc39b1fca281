"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from graph_tool.config import open_store
from graph_tool.store.base import GraphStore, StoreError

F = TypeVar("F", bound=Callable[..., Any])

store_option = click.option(
    "--store",
    "store",
    envvar="GRAPH_TOOL_STORE",
    default=None,
    metavar="PATH|URI",
    help="Case folder (embedded store) or neo4j:// / bolt:// URI. Default: $GRAPH_TOOL_STORE or ./case.",
)


@contextmanager
def opened(store: str | None, read_only: bool = False, loading: bool = False) -> Iterator[GraphStore]:
    """Open a store for one command; a store error becomes a clean CLI error."""
    try:
        s = open_store(store, read_only=read_only, loading=loading)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield s
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        s.close()


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``-p name=value`` pairs; values are JSON when they parse as JSON, else text.

    >>> parse_params(("limit=5", "name=Lan"))
    {'limit': 5, 'name': 'Lan'}
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r}: expected name=value", param_hint="-p")
        name, value = pair.split("=", 1)
        try:
            out[name] = json.loads(value)
        except json.JSONDecodeError:
            out[name] = value
    return out


def emit_json(data: Any) -> None:
    """Print JSON to stdout."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def propose_matches(store: GraphStore, node_counts: Mapping[str, Any] | None = None) -> None:
    """Propose possible matches of people and say how many (never merges).

    After a load (``node_counts``, the report's ``nodes``), only if it created or updated
    people: see :func:`graph_tool.resolve.people_changed`.
    """
    from graph_tool import resolve
    from graph_tool.model import Label

    if node_counts is not None:
        if not resolve.people_changed(node_counts):
            return
        # on a large case this takes a while (about 7 s per 100,000 people): say what it is
        click.echo("Looking for possible matches of the people loaded (--no-matches skips this) ...", err=True)
    found = resolve.propose(store, Label.PERSON)
    click.echo(f"Possible matches to review: {len(found)} (graph-tool matches list); none is merged until accepted")
