"""Betweenness and closeness of an unweighted graph in one pass, on both cores.

igraph computes betweenness and closeness in two separate breadth-first sweeps from every
person, each holding the GIL, so a ranking that needs both pays for two sweeps on one core.
Brandes' algorithm already finds every distance from a source on its way to the path
counts; summing those distances gives closeness for free. The kernel below runs that one
sweep for a slice of the sources with the GIL released, so the sources are split over
threads (one per core) and the partial sums added. Weighted graphs stay with igraph
(Dijkstra), as do the tests' references: igraph and networkx.

Compiled by numba on first use and cached beside this file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import njit

# Below this many sources a second thread costs more than it saves.
_PARALLEL_MIN_SOURCES = 64
# At most this many slices of sources, whatever the number of cores (see path_sums).
_SLICES = 8


@dataclass(frozen=True)
class PathSums:
    """Sums over shortest paths from a set of sources.

    ``betweenness`` holds, per node, the pair dependencies from those sources (Brandes; an
    unordered pair is counted from both ends when both are sources, so halve it for the
    usual undirected value); ``distance_sum`` and ``reached``, per source, the sum of
    distances to the nodes it reaches and how many those are (0 for non-sources).
    """

    betweenness: np.ndarray
    distance_sum: np.ndarray
    reached: np.ndarray


def csr(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric compressed adjacency (offsets, neighbours) of an undirected simple graph.

    >>> offsets, nbrs = csr(3, np.array([[0, 1], [1, 2]]))
    >>> offsets.tolist(), nbrs.tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1])
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.lexsort((dst, src))
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=offsets[1:])
    return offsets, dst[order].astype(np.int32)


@njit(nogil=True, cache=True)
def _sweep(
    offsets: np.ndarray,
    nbrs: np.ndarray,
    sources: np.ndarray,
    dependency: np.ndarray,
    distance_sum: np.ndarray,
    reached: np.ndarray,
) -> None:  # pragma: no cover - compiled; checked against igraph in the tests
    n = offsets.size - 1
    dist = np.full(n, -1, np.int32)
    sigma = np.zeros(n, np.float64)
    delta = np.zeros(n, np.float64)
    order = np.empty(n, np.int32)
    # the shortest-path DAG's arcs (from, to) in the order found: walked backwards, each
    # arc's head is final before its tail is updated, and only DAG arcs are visited
    arc_from = np.empty(nbrs.size, np.int32)
    arc_to = np.empty(nbrs.size, np.int32)
    for s in sources:
        dist[s] = 0
        sigma[s] = 1.0
        order[0] = s
        head = 0
        tail = 1
        total = 0
        arcs = 0
        while head < tail:  # breadth first: distances and shortest-path counts
            v = order[head]
            head += 1
            dv = dist[v]
            total += dv
            sv = sigma[v]
            for k in range(offsets[v], offsets[v + 1]):
                w = nbrs[k]
                dw = dist[w]
                if dw < 0:
                    dist[w] = dv + 1
                    order[tail] = w
                    tail += 1
                    sigma[w] = sv
                elif dw == dv + 1:
                    sigma[w] += sv
                else:
                    continue
                arc_from[arcs] = v
                arc_to[arcs] = w
                arcs += 1
        distance_sum[s] = total
        reached[s] = tail - 1
        for i in range(arcs - 1, -1, -1):  # farthest first: accumulate dependencies
            v = arc_from[i]
            w = arc_to[i]
            delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w])
        for i in range(1, tail):
            dependency[order[i]] += delta[order[i]]
        for i in range(tail):  # reset only what this source touched
            w = order[i]
            dist[w] = -1
            sigma[w] = 0.0
            delta[w] = 0.0


def path_sums(offsets: np.ndarray, nbrs: np.ndarray, sources: np.ndarray, threads: int | None = None) -> PathSums:
    """Brandes dependencies and distance sums from ``sources``, the sources split over threads.

    >>> offsets, nbrs = csr(4, np.array([[0, 1], [1, 2], [2, 3]]))   # a path a-b-c-d
    >>> s = path_sums(offsets, nbrs, np.arange(4))
    >>> (s.betweenness / 2).tolist(), s.distance_sum.tolist(), s.reached.tolist()
    ([0.0, 2.0, 2.0, 0.0], [6, 4, 4, 6], [3, 3, 3, 3])
    """
    sources = np.asarray(sources, dtype=np.int64)
    # The sources are cut into a number of slices that depends only on how many there are,
    # and the slices' sums are added in order: the result is the same to the last bit
    # whatever the number of cores (ties in a ranking, and golden results, depend on it).
    # Interleaved slices share out the sources of a heavy region.
    count = max(1, min(_SLICES, len(sources) // _PARALLEL_MIN_SOURCES))
    parts, distance_sum, reached = _sweep_slices(offsets, nbrs, [sources[k::count] for k in range(count)], threads)
    total = np.zeros(offsets.size - 1)
    for row in parts:  # in slice order, never in finishing order
        total += row
    return PathSums(total, distance_sum, reached)


def dependencies_each(
    offsets: np.ndarray, nbrs: np.ndarray, batches: Sequence[Sequence[int]], threads: int | None = None
) -> np.ndarray:
    """Brandes dependencies from each batch of sources on its own (one row per batch, in
    order), the batches shared out over threads: what sampled betweenness estimates from.

    >>> offsets, nbrs = csr(4, np.array([[0, 1], [1, 2], [2, 3]]))
    >>> dependencies_each(offsets, nbrs, [[0], [3]]).tolist()
    [[0.0, 2.0, 1.0, 0.0], [0.0, 1.0, 2.0, 0.0]]
    """
    slices = [np.asarray(b, dtype=np.int64) for b in batches]
    return _sweep_slices(offsets, nbrs, slices, threads)[0]


def _sweep_slices(
    offsets: np.ndarray, nbrs: np.ndarray, slices: Sequence[np.ndarray], threads: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each slice's dependencies (a row per slice) and the distance sums, the slices run on
    up to ``threads`` threads (the machine's cores by default)."""
    n = offsets.size - 1
    distance_sum = np.zeros(n, dtype=np.int64)
    reached = np.zeros(n, dtype=np.int64)
    parts = np.zeros((len(slices), n))
    threads = max(1, min(threads or os.cpu_count() or 1, len(slices)))
    if threads == 1:
        for k, part in enumerate(slices):
            _sweep(offsets, nbrs, part, parts[k], distance_sum, reached)
    else:
        with ThreadPoolExecutor(threads) as pool:  # the kernel releases the GIL
            done = [
                pool.submit(_sweep, offsets, nbrs, part, parts[k], distance_sum, reached)
                for k, part in enumerate(slices)
            ]
            for f in done:
                f.result()
    return parts, distance_sum, reached
