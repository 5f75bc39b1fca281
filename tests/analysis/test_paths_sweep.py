"""The one-sweep betweenness and closeness kernel agrees with igraph's own calls."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from graph_tool.analysis import brokers as B
from graph_tool.analysis._paths import csr, path_sums


def _shapes() -> list[tuple[str, ig.Graph]]:
    """Graphs with the cases that break a BFS kernel: several parts, isolates, ties in path
    counts (grids), hubs, a tree, a single edge, no edges."""
    two_parts = nx.disjoint_union(nx.powerlaw_cluster_graph(300, 3, 0.3, seed=1), nx.gnm_random_graph(200, 260, seed=2))
    two_parts.add_nodes_from(range(500, 520))  # isolates
    graphs = {
        "parts and isolates": two_parts,
        "grid (many equal paths)": nx.convert_node_labels_to_integers(nx.grid_2d_graph(15, 12)),
        "star": nx.star_graph(150),
        "tree": nx.random_labeled_tree(200, seed=3),
        "one edge": nx.Graph([(0, 1)]),
        "no edges": nx.empty_graph(5),
    }
    return [(name, ig.Graph.from_networkx(g)) for name, g in graphs.items()]


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize(("name", "graph"), _shapes(), ids=[n for n, _ in _shapes()])
def test_sweep_matches_igraph_betweenness_and_closeness(name: str, graph: ig.Graph, threads: int) -> None:
    n = graph.vcount()
    offsets, nbrs = csr(n, np.array(graph.get_edgelist(), dtype=np.int64))
    sums = path_sums(offsets, nbrs, np.arange(n), threads=threads)
    assert np.allclose(sums.betweenness / 2, graph.betweenness(directed=False), rtol=1e-9, atol=1e-9), name
    closeness = np.divide(sums.reached, sums.distance_sum, out=np.zeros(n), where=sums.distance_sum > 0)
    assert np.allclose(closeness, np.nan_to_num(graph.closeness(normalized=True)), atol=1e-12), name
    sources = list(range(0, n, 3))  # a subset, as sampling uses
    part = path_sums(offsets, nbrs, np.array(sources), threads=threads).betweenness / 2
    assert np.allclose(part, graph.betweenness(directed=False, sources=sources), rtol=1e-9, atol=1e-9), name


def test_ranking_measures_equal_igraph_whether_exact_or_sampled() -> None:
    """The unweighted path (the sweep) and the weighted path (igraph) give the same values
    when every tie weighs 1, exact and sampled alike."""
    g = nx.powerlaw_cluster_graph(400, 3, 0.3, seed=5)
    g.add_nodes_from([1000, 1001])
    g.add_edge(1000, 1001)  # a second part
    nx.set_edge_attributes(g, 1.0, "strength")
    for samples in (None, 120):
        plain, weighted = B.betweenness(g, samples=samples), B.betweenness(g, weight="strength", samples=samples)
        assert plain.method != weighted.method  # the two paths really ran
        assert all(plain.values[p] == pytest.approx(weighted.values[p], abs=1e-12) for p in g)
        assert plain.std_error.keys() == weighted.std_error.keys()
    plain_cl, weighted_cl = B.closeness(g), B.closeness(g, weight="strength")
    assert all(plain_cl.values[p] == pytest.approx(weighted_cl.values[p], abs=1e-12) for p in g)
    ranking = B.broker_ranking(g)
    assert ranking.betweenness.values == pytest.approx(B.betweenness(g, weight="strength").values, abs=1e-12)
    assert ranking.closeness.values == pytest.approx(weighted_cl.values, abs=1e-12)


def test_sweep_gives_the_same_bits_on_any_number_of_cores() -> None:
    """Ties in the ranking (and golden results) must not depend on the machine's cores."""
    g = ig.Graph.from_networkx(nx.powerlaw_cluster_graph(700, 3, 0.3, seed=9))
    offsets, nbrs = csr(g.vcount(), np.array(g.get_edgelist(), dtype=np.int64))
    runs = [path_sums(offsets, nbrs, np.arange(g.vcount()), threads=t) for t in (1, 2, 3, 8, 16)]
    for other in runs[1:]:
        assert np.array_equal(other.betweenness, runs[0].betweenness)
        assert np.array_equal(other.distance_sum, runs[0].distance_sum)
        assert np.array_equal(other.reached, runs[0].reached)
