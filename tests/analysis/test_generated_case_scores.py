"""Precision and recall of the analyses against the generated demo case's ground truth.

The figures are printed (``-s``) and kept in docs/benchmarks.md; the floors are the values
measured when this test was written, so a change that makes the analyses worse fails.
"""

from __future__ import annotations

import json
from pathlib import Path

from graph_tool.analyse import case_graph, run_analyses
from graph_tool.store.embedded import EmbeddedStore

TRUTH = json.loads((Path(__file__).resolve().parents[2] / "sample_data" / "demo" / "ground_truth.json").read_text())


def test_brokers_and_rings_against_the_ground_truth(demo_case: Path) -> None:
    store = EmbeddedStore(demo_case, read_only=True)
    try:
        results = run_analyses(case_graph(store), ("brokers", "rings"))
    finally:
        store.close()
    assert results.brokers is not None and results.rings is not None
    planted = set(TRUTH["brokers"])
    ranked = [str(e.person_id) for e in results.brokers.entries]
    found_9 = len(planted & set(ranked[: len(planted)]))
    found_20 = len(planted & set(ranked[:20]))
    jaccards = []
    for ring in TRUTH["rings"]:
        members = set(ring["members"])
        jaccards.append(
            max(
                len(members & set(map(str, r.members))) / len(members | set(map(str, r.members)))
                for r in results.rings.rings
            )
        )
    mean_jaccard = sum(jaccards) / len(jaccards)
    k = len(planted)
    print(
        f"\nbrokers: {found_9}/{k} in the top {k}, {found_20}/{k} in the top 20 "
        f"(precision@{k} {found_9 / k:.2f}, recall@20 {found_20 / k:.2f}); "
        f"rings: mean best Jaccard {mean_jaccard:.2f} over {len(jaccards)} planted rings"
    )
    assert found_9 >= 9
    assert found_20 >= 9
    assert round(mean_jaccard, 2) >= 0.46
