"""Run the analyses over a store and write their results back.

The analyses themselves are plain functions over networkx graphs (``graph_tool.analysis``);
this module takes the case out of the store (without merged nodes and match candidates),
runs the ones asked for, and writes scores back as properties and findings as ``Finding``
nodes linked to their evidence, so that saved queries and the UI can use them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_tool.analysis import money as money_mod
from graph_tool.analysis.brokers import BrokerRanking, broker_ranking
from graph_tool.analysis.fraud import FraudReport, findings_to_records, fraud_findings, fraud_properties
from graph_tool.analysis.rings import Rings, find_rings
from graph_tool.analysis.writeback import analysis_properties, merge_properties
from graph_tool.model import Label
from graph_tool.resolve import resolved_view
from graph_tool.store.base import GraphStore, Subgraph

ANALYSES = ("brokers", "fraud", "rings", "money")
FRAUD_SOURCE = "analysis:fraud"


@dataclass(frozen=True)
class MoneyReport:
    """Flows per person and account, commission patterns, cycles and the largest flows."""

    balances: list[money_mod.Balance]
    commission: list[money_mod.CommissionPattern]
    cycles: list[money_mod.MoneyCycle]
    largest: list[money_mod.PairFlow]


@dataclass
class AnalysisResults:
    """What one run produced, and how long each part took."""

    brokers: BrokerRanking | None = None
    fraud: FraudReport | None = None
    rings: Rings | None = None
    money: MoneyReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)


def case_graph(store: GraphStore) -> nx.MultiDiGraph:
    """The whole case as a networkx graph, without merged nodes and match candidates.

    Nodes and relationships are added in id order, so that order-sensitive analyses
    (seeded community detection) give the same answer whichever store the case is in.
    """
    view = resolved_view(store.whole_graph())
    ordered = Subgraph(tuple(sorted(view.nodes, key=lambda n: n.id)), tuple(sorted(view.edges, key=lambda e: e.id)))
    return ordered.to_networkx()


def run_analyses(
    g: nx.MultiDiGraph, which: tuple[str, ...] = ANALYSES, group_by: str = "nationality"
) -> AnalysisResults:
    """Run the analyses named in ``which`` over a case graph.

    Fraud runs before rings, so that a ring's score counts the fraud findings of its members.

    >>> from graph_tool.store.embedded import EmbeddedStore
    >>> import tempfile
    >>> from graph_tool.example import load_example
    >>> s = EmbeddedStore(tempfile.mkdtemp()); _ = load_example(s)
    >>> r = run_analyses(case_graph(s))
    >>> r.brokers.entries[0].person_id in {"P-T03", "P-T04", "P-T01", "P-T02"}
    True
    >>> s.close()
    """
    unknown = set(which) - set(ANALYSES)
    if unknown:
        raise ValueError(f"unknown analyses {sorted(unknown)}; choose from {', '.join(ANALYSES)}")
    out = AnalysisResults()

    def timed(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        value = fn()
        out.seconds[name] = round(time.perf_counter() - start, 3)
        return value

    if "brokers" in which:
        out.brokers = timed("brokers", lambda: broker_ranking(g, group_by=group_by))
    if "fraud" in which or "rings" in which:
        out.fraud = timed("fraud", lambda: fraud_findings(g))
    if "rings" in which:
        findings = _findings_by_person(g, out.fraud)
        out.rings = timed("rings", lambda: find_rings(g, findings=findings))
    if "money" in which:
        out.money = timed(
            "money",
            lambda: MoneyReport(
                balances=money_mod.balances(g),
                commission=money_mod.commission_patterns(g),
                cycles=money_mod.money_cycles(g),
                largest=money_mod.largest_flows(g, top=25),
            ),
        )
    if "fraud" not in which:
        out.fraud = None
    return out


def _findings_by_person(g: nx.MultiDiGraph, report: FraudReport | None) -> dict[Any, list[str]]:
    """Finding ids per person: on the person, or on a document the person holds."""
    if report is None:
        return {}
    out: dict[Any, list[str]] = {}
    for finding in report.findings:
        for node in finding.evidence:
            if node not in g:
                continue
            people = (
                [node]
                if g.nodes[node].get("label") == Label.PERSON
                else [p for p in g.predecessors(node) if g.nodes[p].get("label") == Label.PERSON]
            )
            for person in people:
                out.setdefault(person, [])
                if finding.id not in out[person]:
                    out[person].append(finding.id)
    return out


def write_back(store: GraphStore, results: AnalysisResults) -> dict[str, int]:
    """Scores as properties, findings as Finding nodes with EVIDENCE relationships."""
    parts = [r for r in (results.brokers, results.rings) if r is not None]
    props = analysis_properties(*parts) if parts else {}
    if results.fraud is not None:
        props = merge_properties(props, fraud_properties(results.fraud))
        store.delete_source(FRAUD_SOURCE)  # findings are replaced, not accumulated
        nodes, edges = findings_to_records(results.fraud, source=FRAUD_SOURCE)
        store.upsert_nodes(nodes)
        res = store.upsert_edges(edges)
        results.written["findings"] = len(nodes)
        results.written["evidence"] = res.created + res.updated + res.unchanged
    for label, values in props.items():
        results.written[f"{label} scores"] = store.set_properties(Label(label), values)
    return results.written


def analyse_store(store: GraphStore, which: tuple[str, ...] = ANALYSES, write: bool = True) -> AnalysisResults:
    """Take the case out of ``store``, analyse it and (by default) write the results back."""
    results = run_analyses(case_graph(store), which)
    if write:
        write_back(store, results)
    return results
