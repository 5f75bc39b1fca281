"""Fixtures for the analysis tests: small readers for the real criminal-network datasets.

The readers build the same networkx shapes the store gives (``Subgraph.to_networkx()``:
nodes with ``label``, edges with ``type``). They stand in for the loaders until a loader
spec exists for these files.

Tests marked ``@pytest.mark.dataset("caviar")`` need ``<shared>/datasets/caviar``. When it
is missing they are skipped on a developer's machine and fail under CI (``CI=true``).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import networkx as nx
import pytest

from graph_tool.model import Label, Rel

SHARED = Path(os.environ.get("GRAPH_TOOL_SHARED", Path(__file__).resolve().parents[3] / "shared"))
DATASETS = SHARED / "datasets"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "dataset(name): needs <shared>/datasets/<name>; skipped when missing, failing under CI=true",
    )


@pytest.fixture(autouse=True)
def _require_dataset(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("dataset")
    if marker is not None:
        folder = DATASETS / marker.args[0]
        if not folder.is_dir():
            message = f"dataset folder missing: {folder} (set GRAPH_TOOL_SHARED)"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)
    yield


def caviar_matrix(phase: int) -> dict[tuple[str, str], int]:
    """``{(from, to): communications}`` of one CAVIAR phase, ids as ``n<player>``."""
    with (DATASETS / "caviar" / f"phase{phase}.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    ids = [f"n{x.strip()}" for x in rows[0][1:]]
    cells: dict[tuple[str, str], int] = {}
    for row in rows[1:]:
        src = f"n{row[0].strip()}"
        for dst, cell in zip(ids, row[1:], strict=True):
            count = int(float(cell))
            if count > 0 and src != dst:
                cells[(src, dst)] = count
    for p in ids:
        cells.setdefault((p, p), 0)  # keep every player, even without calls
    return cells


def caviar_people(phase: int) -> nx.DiGraph:
    """One CAVIAR phase as a directed person graph weighted by communications."""
    g: nx.DiGraph = nx.DiGraph()
    for (a, b), count in caviar_matrix(phase).items():
        g.add_node(a, label=Label.PERSON)
        g.add_node(b, label=Label.PERSON)
        if count:
            g.add_edge(a, b, weight=float(count))
    return g


def caviar_domain(phase: int) -> nx.MultiDiGraph:
    """One CAVIAR phase as the store would give it: people, their phones, one CALLED per
    intercepted communication."""
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for (a, b), count in caviar_matrix(phase).items():
        for p in (a, b):
            if p not in g:
                g.add_node(p, label=Label.PERSON)
                g.add_node(f"tel-{p}", label=Label.PHONE)
                g.add_edge(p, f"tel-{p}", key=f"uses-{p}", type=Rel.USES)
        for k in range(count):
            g.add_edge(f"tel-{a}", f"tel-{b}", key=f"call-{a}-{b}-{k}", type=Rel.CALLED)
    return g


def hijackers_people() -> nx.Graph:
    """The 9/11 network (Krebs 2002) as an undirected person graph with ``flight``."""
    g: nx.Graph = nx.Graph()
    with (DATASETS / "hijackers_911" / "9_11_edgelist_SNABook.txt").open(newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 2:
                continue
            a, b = row[0].strip(), row[1].strip()
            g.add_node(a, label=Label.PERSON)
            g.add_node(b, label=Label.PERSON)
            g.add_edge(a, b, strength=int(row[2]), confidence=int(row[3]))
    with (DATASETS / "hijackers_911" / "9_11_attrib_SNABook.txt").open(newline="") as fh:
        for row in csv.reader(fh):
            if len(row) >= 2 and row[0].strip() in g:
                g.nodes[row[0].strip()]["flight"] = row[1].strip()
    return g


def hijackers_domain() -> nx.MultiDiGraph:
    """The 9/11 network as a domain graph: people joined by ASSOCIATE_OF relationships."""
    people = hijackers_people()
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    g.add_nodes_from(people.nodes(data=True))
    for i, (a, b, d) in enumerate(people.edges(data=True)):
        g.add_edge(a, b, key=f"assoc-{i}", type=Rel.ASSOCIATE_OF, weight=float(d["strength"]))
    return g


@pytest.fixture
def caviar() -> Callable[[int], nx.DiGraph]:
    return caviar_people


@pytest.fixture
def caviar_calls() -> Callable[[int], nx.MultiDiGraph]:
    return caviar_domain


@pytest.fixture
def hijackers() -> nx.Graph:
    return hijackers_people()


@pytest.fixture
def hijackers_graph() -> nx.MultiDiGraph:
    return hijackers_domain()


from tests.ui.conftest import demo_case  # noqa: E402  (the analysed demo case, shared)

__all__ = ["demo_case"]
