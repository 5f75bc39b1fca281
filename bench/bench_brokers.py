"""Benchmark the broker ranking and community detection; prints figures, asserts nothing.

For each size (default 1k, 10k, 100k people) on a synthetic person graph with mean degree
about 6 (networkx ``powerlaw_cluster_graph(n, 3, 0.3)``: heavy-tailed like real contact
networks, with clustering), it times:

- ``broker_ranking`` from the networkx graph, as users call it (conversion, every measure,
  roles and explanations; sampled above 5,000 people), wall clock and the process's CPU
  time,
- networkx's exact betweenness (skipped above ``--networkx-max``, 10k by default: it is
  O(n*m) in Python and takes hours at 100k),
- igraph's own exact betweenness call on the same graph (the conversion not timed),
- sampled betweenness alone, and the top-20 overlap of the sampled ranking with the exact,
- community detection: igraph Louvain and Leiden (through ``rings.communities``),
  networkx Louvain (skipped above ``--networkx-max``), networkit PLM when installed.

A planted-partition graph (flat betweenness, no hubs) is added at 10k to show where
sampling struggles; the sampled result states how many of its top 20 are ambiguous.

The machine may be shared and noisy: up to the exact limit the ranking and igraph's call are
timed ``--repeats`` times, alternating, and the medians (and their ratio) are reported with
the fastest of each; larger sizes are timed once. One untimed ranking of a small graph runs
first, so that one-time costs (imports, first calls) are left out.

    python bench/bench_brokers.py                      # all sizes (about 30 minutes)
    python bench/bench_brokers.py --sizes 1000 10000   # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import networkx as nx

from graph_tool.analysis import brokers, rings
from graph_tool.analysis._graph import to_igraph
from graph_tool.model import Label

NATIONALITIES = ("VN", "LA", "MM", "KH", "TH", "CN")


def person_graph(n: int, kind: str, seed: int = 1) -> nx.Graph:
    """A synthetic person graph with labels and nationalities."""
    if kind == "powerlaw":
        g = nx.powerlaw_cluster_graph(n, 3, 0.3, seed=seed)
    else:
        groups = max(n // 100, 2)
        size = n // groups
        p_in = 5.4 / (size - 1)
        p_out = 0.6 / (n - size)
        g = nx.planted_partition_graph(groups, size, p_in, p_out, seed=seed)
    rnd = random.Random(seed)
    nx.set_node_attributes(g, {v: rnd.choice(NATIONALITIES) for v in g}, "nationality")
    nx.set_node_attributes(g, Label.PERSON, "label")
    return g


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def timed_cpu(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds (all threads of the process) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - start, time.process_time() - cpu, out


def top_ids(values: dict[Any, float], k: int = 20) -> set[Any]:
    return {n for n, _ in sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:k]}


def bench_size(n: int, kind: str, networkx_max: int, igraph_exact_max: int, repeats: int) -> None:
    g = person_graph(n, kind)
    m = g.number_of_edges()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {kind} graph: {n:,} people, {m:,} ties (mean degree {2 * m / n:.1f}); load average {load}", flush=True)

    view = to_igraph(g)
    runs = repeats if n <= brokers.EXACT_LIMIT else 1
    rank_wall: list[float] = []
    rank_cpu: list[float] = []
    ig_wall: list[float] = []
    raw: list[float] = []
    for _ in range(runs):  # alternate the two, so that a noisy spell hits both
        wall, cpu, ranking = timed_cpu(lambda: brokers.broker_ranking(g))
        rank_wall.append(wall)
        rank_cpu.append(cpu)
        if n <= igraph_exact_max:
            wall, raw = timed(lambda: view.graph.betweenness(directed=False))
            ig_wall.append(wall)
    t_rank = statistics.median(rank_wall)
    print(
        f"broker_ranking (all measures, roles, explanations): {t_rank:8.3f} s  "
        f"(median of {runs}, fastest {min(rank_wall):.3f} s; CPU {statistics.median(rank_cpu):.3f} s)  "
        f"[{ranking.betweenness.method}]"
    )
    top = ranking.entries[0]
    print(f"  first: {top.explanation[:160]}")

    exact: dict[Any, float] | None = None
    t_ig: float | None = None
    if ig_wall:
        t_ig = statistics.median(ig_wall)
        scale = 2.0 / ((n - 1) * (n - 2))
        exact = {view.ids[i]: x * scale for i, x in enumerate(raw)}
        print(
            f"igraph exact betweenness (its own call):            {t_ig:8.3f} s  "
            f"(median of {runs}, fastest {min(ig_wall):.3f} s)"
        )
    else:
        print(f"igraph exact betweenness: skipped above {igraph_exact_max:,} people")

    t_nx: float | None = None
    if n <= networkx_max:
        t_nx, ref = timed(lambda: nx.betweenness_centrality(g))
        print(f"networkx exact betweenness:                          {t_nx:8.2f} s")
        exact = exact or ref
    else:
        print(f"networkx exact betweenness: skipped ({n:,} people > --networkx-max {networkx_max:,}; O(n*m) in Python)")

    if t_nx:
        print(f"  broker_ranking is {t_nx / t_rank:.1f}x faster than networkx exact betweenness alone (target >= 20)")
    if t_ig:
        print(
            f"  broker_ranking takes {t_rank / t_ig:.2f}x the time of igraph's exact betweenness (medians; "
            f"fastest against fastest {min(rank_wall) / min(ig_wall):.2f}x; target <= 1.3)"
        )

    k = brokers.auto_samples(n, m)
    if k >= n:  # the automatic sample would cover everyone: show a quarter instead
        k = max(n // 4, 2)
    t_s, sampled = timed(lambda: brokers.betweenness(g, samples=k))
    print(f"sampled betweenness alone ({sampled.samples} sources):        {t_s:8.2f} s")
    if exact is not None:
        overlap = len(top_ids(sampled.values) & top_ids(exact)) / 20
        print(f"  top-20 overlap, sampled vs exact: {overlap:.2f}")
    print(f"  stated error: {sampled.explanation[sampled.explanation.find('the largest standard error') :]}")

    for method in (rings.LOUVAIN, rings.LEIDEN):
        t_c, comm = timed(partial(rings.communities, g, method=method, seed=0))
        found = f"{len(comm.sizes)} communities, Q={comm.modularity:.3f}"
        print(f"communities, igraph {method:8s}: {t_c:8.2f} s  ({found})")
    if n <= networkx_max:
        t_c, parts = timed(lambda: nx.community.louvain_communities(g, seed=0))
        print(f"communities, networkx louvain: {t_c:8.2f} s  ({len(parts)} communities)")
    else:
        print(f"communities, networkx louvain: skipped ({n:,} people > --networkx-max {networkx_max:,})")
    try:
        import networkit as nk
    except ImportError:
        print("communities, networkit PLM: networkit not installed")
    else:
        nkg = nk.graph.Graph(n)
        for a, b in view.graph.get_edgelist():
            nkg.addEdge(a, b)
        plm = nk.community.PLM(nkg, refine=False)
        t_c, _ = timed(plm.run)
        print(f"communities, networkit PLM:    {t_c:8.2f} s  ({plm.getPartition().numberOfSubsets()} communities)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--networkx-max", type=int, default=10_000)
    parser.add_argument("--igraph-exact-max", type=int, default=100_000)
    parser.add_argument("--no-planted", action="store_true", help="skip the planted-partition graph")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs up to the exact limit (medians reported)")
    args = parser.parse_args()
    brokers.broker_ranking(person_graph(200, "powerlaw"))  # one-time imports, untimed
    for n in args.sizes:
        bench_size(n, "powerlaw", args.networkx_max, args.igraph_exact_max, max(args.repeats, 1))
    if not args.no_planted:
        bench_size(10_000, "planted", 0, args.igraph_exact_max, 1)


if __name__ == "__main__":
    main()
