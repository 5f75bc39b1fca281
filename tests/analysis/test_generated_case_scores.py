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
    jaccards, precisions, recalls = [], [], []
    found = [set(map(str, r.members)) for r in results.rings.rings]
    for ring in TRUTH["rings"]:
        members = set(ring["members"])
        best = max(found, key=lambda f: len(members & f) / len(members | f))
        jaccards.append(len(members & best) / len(members | best))
        precisions.append(len(members & best) / len(best))  # how much of the found ring is the planted one
        recalls.append(len(members & best) / len(members))  # how much of the planted ring was found
    mean_jaccard = sum(jaccards) / len(jaccards)
    mean_precision = sum(precisions) / len(precisions)
    mean_recall = sum(recalls) / len(recalls)
    k = len(planted)
    print(
        f"\nbrokers: {found_9}/{k} in the top {k}, {found_20}/{k} in the top 20 "
        f"(precision@{k} {found_9 / k:.2f}, recall@20 {found_20 / k:.2f}); "
        f"rings: mean best Jaccard {mean_jaccard:.2f} over {len(jaccards)} planted rings, "
        f"membership precision {mean_precision:.3f}, recall {mean_recall:.3f} (best-matching found ring)"
    )
    assert found_9 >= 9
    assert found_20 >= 9
    assert round(mean_jaccard, 2) >= 0.46
    assert mean_precision >= 0.45
    assert mean_recall >= 1.0
