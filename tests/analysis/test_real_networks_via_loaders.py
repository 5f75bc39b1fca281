"""The published results on real networks, reproduced through the tool's own loaders and store.

Files are loaded from ``shared/datasets`` with the built-in specs into an embedded case,
taken out with :func:`graph_tool.analyse.case_graph`, and analysed as any case would be.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph_tool.analyse import case_graph
from graph_tool.analysis import brokers as B
from graph_tool.model import Label
from graph_tool.store.embedded import EmbeddedStore
from loaders import load_files
from tests.conftest import datasets_dir


def loaded(tmp_path: Path, files: list[Path], spec: str) -> nx.MultiDiGraph:
    store = EmbeddedStore(tmp_path / "case")
    try:
        report = load_files(store, files, spec)
        assert report.rows_read == report.rows_loaded + report.rows_rejected + report.rows_skipped
        assert report.rows_rejected == 0
        return case_graph(store)
    finally:
        store.close()


@pytest.mark.parametrize("phase", range(1, 9))
def test_caviar_n1_has_the_highest_betweenness_in_phases_1_to_8(tmp_path: Path, phase: int) -> None:
    g = loaded(tmp_path, [datasets_dir() / "caviar" / f"phase{phase}.csv"], "adjacency")
    assert B.betweenness(g).top(1)[0][0] == "n1"


def test_911_atta_ranks_first_on_degree_betweenness_and_closeness(tmp_path: Path) -> None:
    g = loaded(tmp_path, [datasets_dir() / "hijackers_911" / "9_11_edgelist_SNABook.txt"], "edge-list")
    names = {n: d.get("name") for n, d in g.nodes(data=True) if d.get("label") == Label.PERSON}
    people = nx.Graph()
    people.add_nodes_from(names.values())
    people.add_edges_from((names[u], names[v]) for u, v in g.edges() if u in names and v in names and u != v)
    largest = people.subgraph(max(nx.connected_components(people), key=len)).copy()
    largest.remove_node("Nabil Almarabh")
    assert (largest.number_of_nodes(), largest.number_of_edges()) == (62, 153)
    for measure in (B.degree, B.betweenness, B.closeness):
        assert measure(largest).top(1)[0][0] == "Mohamed Atta", measure.__name__
