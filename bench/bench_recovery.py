"""How well the analyses recover a generated case's ground truth, on cases other than the demo.

Run: ``python bench/bench_recovery.py`` (seeds 11 23 42, sizes 200 and 600 people; about a
minute), or ``python bench/bench_recovery.py --seeds 5 --sizes 2000``.

The broker weights were tuned while looking at the committed demo case (200 people, seed
7); this shows whether they hold on cases they were not tuned on. For each size and seed it
writes a case with :func:`sample_data.generate.generate_case` into a temporary folder,
loads it with :func:`loaders.load_case` into a new embedded store, runs the broker ranking,
ring detection and fraud checks (:func:`graph_tool.analyse.run_analyses`) and compares them
with the case's ``ground_truth.json``:

* brokers: precision@k, the planted brokers among the top k of the ranking with k the number
  planted, and recall@20, the planted brokers among the top 20;
* rings: for each planted ring the found ring that best matches it (Jaccard of the person
  sets); the mean of those Jaccards, and of ``|found & planted| / |found|`` (membership
  precision) and ``|found & planted| / |planted|`` (membership recall); and the membership
  precision again with the border agency's records of a person counted as that person
  (``memP*``): the border-crossing log has no person ids, so its travellers are Person nodes
  of their own until an analyst accepts their proposed matches, and a ring that holds a
  victim's traveller record has found her, not a stranger (the record is told by its name
  key among the ground truth's ``name_variants`` from that file; an ambiguous key stays);
* fraud: the documents the fraud checks flag against the forged documents of the ground
  truth, as ``tests/analysis/test_fraud.py`` counts them on the demo case (a ground-truth
  ``doc_ref`` becomes the Document node its type, country and normalised number key).

It prints one row a case and the mean over cases; nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph_tool.analyse import AnalysisResults, case_graph, run_analyses  # noqa: E402
from graph_tool.model import Label  # noqa: E402
from graph_tool.normalise import name_key, normalise_document_number  # noqa: E402
from graph_tool.store.embedded import EmbeddedStore  # noqa: E402
from loaders import load_case  # noqa: E402
from sample_data.generate import generate_case  # noqa: E402


@dataclass(frozen=True)
class Scores:
    """One case's counts, and its figures (fractions in [0, 1]; :data:`RATES` names them)."""

    brokers: int
    rings_planted: int
    rings_found: int
    forged: int
    flagged: int
    broker_precision_at_k: float
    broker_recall_at_20: float
    ring_jaccard: float
    ring_precision: float
    ring_recall: float
    ring_precision_resolved: float
    fraud_recall: float
    fraud_precision: float


RATES = tuple(f.name for f in fields(Scores) if f.type == "float")


def broker_scores(planted: set[str], ranked: Sequence[str]) -> tuple[int, int]:
    """Planted brokers in the top k (k = how many were planted) and in the top 20."""
    return len(planted & set(ranked[: len(planted)])), len(planted & set(ranked[:20]))


def ring_scores(planted: Sequence[set[str]], found: Sequence[set[str]]) -> tuple[float, float, float]:
    """Mean over planted rings of the best-matching found ring's Jaccard, precision, recall."""
    jaccard = precision = recall = 0.0
    for members in planted:
        best = max(found, key=lambda f: len(members & f) / len(members | f), default=set())
        both = len(members & best)
        jaccard += both / len(members | best)
        precision += both / len(best) if best else 0.0
        recall += both / len(members)
    n = max(len(planted), 1)
    return jaccard / n, precision / n, recall / n


def border_records(g: nx.MultiDiGraph, truth: dict[str, Any]) -> dict[str, str]:
    """Person nodes made from the border-crossing log -> the person they record."""
    owners: dict[str, set[str]] = defaultdict(set)
    for v in truth.get("name_variants", []):
        if v["file"] == "border_crossings.csv":
            owners[name_key(v["variant"])].add(v["person_id"])
    out: dict[str, str] = {}
    for n, d in g.nodes(data=True):
        if d.get("label") == Label.PERSON and any("border_crossings.csv" in s for s in d.get("sources") or ()):
            who = owners.get(name_key(str(d.get("name") or "")), set())
            if len(who) == 1:
                out[str(n)] = next(iter(who))
    return out


def forged_nodes(g: nx.MultiDiGraph, folder: Path, refs: set[str]) -> set[str]:
    """The Document nodes the ground truth's ``doc_ref``s became (keyed by type, country, number)."""
    by_key: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for n, d in g.nodes(data=True):
        if d.get("label") == Label.DOCUMENT:
            by_key[(d.get("doc_type"), d.get("issuing_country"), d.get("number_norm"))].add(str(n))
    out: set[str] = set()
    with (folder / "documents.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["doc_ref"] in refs:
                out |= by_key[(row["doc_type"], row["issuing_country"], normalise_document_number(row["number"]))]
    return out


def score(g: nx.MultiDiGraph, results: AnalysisResults, folder: Path, truth: dict[str, Any]) -> Scores:
    """Compare one case's analysis results with its ground truth."""
    assert results.brokers is not None and results.rings is not None and results.fraud is not None
    planted = set(truth["brokers"])
    at_k, at_20 = broker_scores(planted, [str(e.person_id) for e in results.brokers.entries])
    planted_rings = [set(r["members"]) for r in truth["rings"]]
    found_rings = [set(map(str, r.members)) for r in results.rings.rings]
    jaccard, ring_p, ring_r = ring_scores(planted_rings, found_rings)
    records = border_records(g, truth)
    _, ring_p_resolved, _ = ring_scores(planted_rings, [{records.get(m, m) for m in f} for f in found_rings])
    forged = forged_nodes(g, folder, {d["doc_ref"] for d in truth["forged_documents"]})
    flagged = {str(n) for n in results.fraud.flagged_documents()}
    return Scores(
        brokers=len(planted),
        rings_planted=len(truth["rings"]),
        rings_found=len(results.rings.rings),
        forged=len(forged),
        flagged=len(flagged),
        broker_precision_at_k=at_k / max(len(planted), 1),
        broker_recall_at_20=at_20 / max(len(planted), 1),
        ring_jaccard=jaccard,
        ring_precision=ring_p,
        ring_recall=ring_r,
        ring_precision_resolved=ring_p_resolved,
        fraud_recall=len(flagged & forged) / max(len(forged), 1),
        fraud_precision=len(flagged & forged) / max(len(flagged), 1),
    )


HEADER = (
    f"{'people':>6} {'seed':>4} | {'brokers':>7} {'P@k':>5} {'R@20':>5} | {'rings':>5} {'Jacc':>5} {'memP':>5} "
    f"{'memR':>5} {'memP*':>5} | {'forged':>6} {'flag':>4} {'R':>5} {'P':>5} | {'s':>5}"
)


def run_case(people: int, seed: int, tmp: Path) -> Scores:
    src = tmp / f"src-{people}-{seed}"
    generate_case(src, people=people, seed=seed)
    truth = json.loads((src / "ground_truth.json").read_text(encoding="utf-8"))
    store = EmbeddedStore(tmp / f"case-{people}-{seed}")
    try:
        load_case(store, src)
        g = case_graph(store)
    finally:
        store.close()
    start = time.perf_counter()
    results = run_analyses(g, ("brokers", "rings", "fraud"))
    seconds = time.perf_counter() - start
    s = score(g, results, src, truth)
    print(
        f"{people:>6} {seed:>4} | {s.brokers:>7} {s.broker_precision_at_k:5.2f} {s.broker_recall_at_20:5.2f} | "
        f"{s.rings_planted:>2}/{s.rings_found:<2} {s.ring_jaccard:5.2f} {s.ring_precision:5.2f} "
        f"{s.ring_recall:5.2f} {s.ring_precision_resolved:5.2f} | "
        f"{s.forged:>6} {s.flagged:>4} {s.fraud_recall:5.2f} {s.fraud_precision:5.2f} | "
        f"{seconds:5.1f}",
        flush=True,
    )
    return s


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 23, 42])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 600], help="people per case")
    args = parser.parse_args(argv)
    print("brokers: planted, precision@k (k = planted), recall@20 (at most 20/planted); rings: planted/found,")
    print("mean best Jaccard, membership precision and recall, memP* with border records resolved;")
    print("fraud: forged Document nodes, flagged documents,")
    print("recall, precision; s: seconds for the three analyses\n")
    print(HEADER)
    all_scores: list[Scores] = []
    with tempfile.TemporaryDirectory(prefix="bench-recovery-") as tmp:
        for people in args.sizes:
            for seed in args.seeds:
                all_scores.append(run_case(people, seed, Path(tmp)))
    means = [sum(getattr(s, name) for s in all_scores) / len(all_scores) for name in RATES]
    print(
        f"{'mean':>11} | {'':>7} {means[0]:5.2f} {means[1]:5.2f} | {'':>5} {means[2]:5.2f} {means[3]:5.2f} "
        f"{means[4]:5.2f} {means[5]:5.2f} | {'':>6} {'':>4} {means[6]:5.2f} {means[7]:5.2f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
