"""The views a bundle carries, and where their writers and readers come from.

The writers and readers live in :mod:`graph_tool.export` (one module per format, each with
``write_<name>(Subgraph) -> bytes`` and, where the format can be read back,
``read_<name>(bytes) -> Subgraph``). This registry names them once; a format whose module
is not there makes :func:`writer` raise a clear error rather than a bundle silently lacking
a view.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from graph_tool.share.errors import BundleError
from graph_tool.store.base import Subgraph

Writer = Callable[[Subgraph], bytes]
Reader = Callable[[bytes], Subgraph]


@dataclass(frozen=True)
class View:
    """One format a bundle can carry: its member path and its export module's functions."""

    name: str
    member: str
    module: str
    write: str
    read: str | None
    description: str


VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View("ftm", "data/graph.ftm.json", "ftm", "write_ftm", "read_ftm", "FollowTheMoney entities, one per line"),
        View("graphml", "data/graph.graphml", "graphml", "write_graphml", "read_graphml", "GraphML 1.0"),
        View("anx", "data/graph.anx", "anx", "write_anx", "read_anx", "i2 Analyst's Notebook chart exchange"),
        View("json", "data/graph.json", "nodelink", "write_json", "read_json", "node-link JSON (networkx)"),
    )
}

# What a bundle carries unless told otherwise, and which view an import reads first.
DEFAULT_VIEWS: tuple[str, ...] = ("ftm", "graphml", "anx", "json")
IMPORT_PREFERENCE: tuple[str, ...] = ("json", "graphml", "ftm")


def _function(view: View, attr: str | None) -> Callable[..., object] | None:
    if attr is None:
        return None
    try:
        module = importlib.import_module(f"graph_tool.export.{view.module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("graph_tool.export"):
            return None
        raise
    fn = getattr(module, attr, None)
    return fn if callable(fn) else None


def view(name: str) -> View:
    """The view called ``name``."""
    try:
        return VIEWS[name]
    except KeyError:
        raise BundleError(f"unknown bundle format {name!r} (known: {', '.join(VIEWS)})") from None


def writer(name: str) -> Writer:
    """The writer of a view; :class:`BundleError` when its export module is missing."""
    v = view(name)
    fn = _function(v, v.write)
    if fn is None:
        raise BundleError(f"no writer for {name} (graph_tool.export.{v.module}.{v.write} is not available)")
    return fn  # type: ignore[return-value]


def reader(name: str) -> Reader | None:
    """The reader of a view, or None when the format cannot be read back here."""
    v = view(name)
    fn = _function(v, v.read)
    return fn  # type: ignore[return-value]


def available() -> list[str]:
    """Views whose writer is available now."""
    return [name for name, v in VIEWS.items() if _function(v, v.write) is not None]
