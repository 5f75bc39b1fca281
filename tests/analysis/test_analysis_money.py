"""Money: flows through accounts, balances, commission patterns, cycles and largest flows."""

from __future__ import annotations

import networkx as nx
import pytest

from graph_tool.analysis import money as M
from graph_tool.model import PAYMENT_PURPOSES, Label, Rel


def _pay(
    g: nx.MultiDiGraph,
    pid: str,
    payer: str,
    bene: str,
    amount: float | None,
    date: str | None = None,
    currency: str = "EUR",
    purpose: str | None = None,
) -> None:
    g.add_node(pid, label=Label.PAYMENT, amount=amount, currency=currency, date=date, purpose=purpose)
    g.add_edge(payer, pid, type=Rel.SENT)
    g.add_edge(pid, bene, type=Rel.PAID_TO)


def _people(g: nx.MultiDiGraph, *ids: str) -> None:
    for p in ids:
        g.add_node(p, label=Label.PERSON)


def _account(g: nx.MultiDiGraph, acc: str, *owners: str) -> None:
    g.add_node(acc, label=Label.ACCOUNT)
    for o in owners:
        g.add_edge(o, acc, type=Rel.OWNS)


def test_flows_resolve_accounts_to_their_owners() -> None:
    g = nx.MultiDiGraph()
    _people(g, "a", "b", "c")
    _account(g, "acc-a", "a")
    _account(g, "acc-joint", "b", "c")
    _account(g, "acc-unknown")
    _pay(g, "p1", "acc-a", "acc-joint", 100.0, "2024-01-02")
    _pay(g, "p2", "acc-unknown", "a", 50.0)
    flows = {f.payment_id: f for f in M.payment_flows(g)}
    assert flows["p1"].payer_parties == ("a",)
    assert flows["p1"].beneficiary_parties == ("b", "c")
    assert flows["p2"].payer_parties == ("acc-unknown",)  # nobody known to own it: the account itself
    assert [f.payment_id for f in M.payment_flows(g)] == ["p1", "p2"]  # dated first


def test_balances_per_person_and_account_per_currency() -> None:
    g = nx.MultiDiGraph()
    _people(g, "a", "b")
    _account(g, "a1", "a")
    _account(g, "a2", "a")
    _pay(g, "p1", "b", "a1", 500.0, currency="USD")
    _pay(g, "p2", "a1", "a2", 400.0, currency="USD")  # between a's own accounts
    _pay(g, "p3", "a2", "b", 100.0, currency="THB")
    _pay(g, "p4", "b", "a", None)  # no amount: not counted
    bal = {(x.node_id, x.currency): x for x in M.balances(g)}
    assert bal[("a", "USD")].received == 500 and bal[("a", "USD")].sent == 0  # internal transfer left out
    assert bal[("a", "THB")].net == -100
    assert bal[("b", "USD")].net == -500 and bal[("b", "USD")].beneficiaries == 1
    assert bal[("a1", "USD")].received == 500 and bal[("a1", "USD")].sent == 400
    assert bal[("a2", "USD")].net == 400
    assert "received 500.00 USD in 1 payments from 1 payers" in bal[("a", "USD")].explanation
    ordered = [(x.node_id, x.currency) for x in M.balances(g)]
    assert ordered[:3] == [("a", "USD"), ("b", "USD"), ("a2", "USD")]  # largest net first
    orgs = M.balances(g, labels=[Label.ORGANISATION])
    assert orgs == []


def test_commission_patterns_find_the_broker_paid_by_many() -> None:
    g = nx.MultiDiGraph()
    _people(g, "broker", "h1", "h2", "h3", "h4", "friend")
    for i, h in enumerate(("h1", "h2", "h3", "h4")):
        _pay(g, f"c{i}", h, "broker", 2000.0, f"2023-0{i + 1}-10", "USD", "commission")
    _pay(g, "gift", "h1", "friend", 20.0)
    _pay(g, "gift2", "h2", "friend", 20.0, purpose="commission")
    patterns = M.commission_patterns(g)
    assert [p.beneficiary for p in patterns] == ["broker"]
    p = patterns[0]
    assert p.payers == ("h1", "h2", "h3", "h4")
    assert p.totals == {"USD": 8000.0}
    assert p.commission_payments == 4
    assert "4 distinct payers" in p.explanation and "4 payments marked commission" in p.explanation
    assert [x.beneficiary for x in M.commission_patterns(g, min_payers=2, min_commission=1)] == ["broker", "friend"]


def _cycle_case(dates: tuple[str, str, str]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    _people(g, "a", "b", "c")
    _account(g, "acc-b", "b")
    _pay(g, "x1", "a", "acc-b", 1000.0, dates[0])
    _pay(g, "x2", "acc-b", "c", 950.0, dates[1])
    _pay(g, "x3", "c", "a", 900.0, dates[2])
    return g


def test_money_cycle_returns_to_origin_with_increasing_dates() -> None:
    cycles = M.money_cycles(_cycle_case(("2024-03-01", "2024-03-05", "2024-03-20")))
    assert len(cycles) == 1
    c = cycles[0]
    assert c.parties == ("a", "b", "c", "a")
    assert c.payments == ("x1", "x2", "x3")
    assert c.days == 19
    assert c.dates == ("2024-03-01", "2024-03-05", "2024-03-20")
    assert "came back within 19 days" in c.explanation


def test_money_cycle_limits() -> None:
    assert M.money_cycles(_cycle_case(("2024-03-01", "2024-03-05", "2024-03-20")), max_days=10) == []
    # the last payment before the second: not a cycle in time
    assert M.money_cycles(_cycle_case(("2024-03-01", "2024-03-05", "2024-03-02"))) == []
    same_day = _cycle_case(("2024-03-01", "2024-03-01", "2024-03-01"))
    assert len(M.money_cycles(same_day)) == 1
    assert M.money_cycles(same_day, strict=True) == []
    assert M.money_cycles(_cycle_case(("2024-03-01", "2024-03-05", "2024-03-20")), max_length=2) == []
    assert M.money_cycles(_cycle_case(("2024-03", "2024-03-05", "2024-03-20"))) == []  # partial date


def test_largest_flows_add_up_per_pair_and_currency() -> None:
    g = nx.MultiDiGraph()
    _people(g, "a", "b", "c")
    _pay(g, "p1", "a", "b", 100.0, "2024-01-01")
    _pay(g, "p2", "a", "b", 300.0, "2024-02-01")
    _pay(g, "p3", "a", "b", 999.0, "2024-02-01", currency="THB")
    _pay(g, "p4", "c", "b", 350.0)
    flows = M.largest_flows(g)
    assert [(f.payer, f.beneficiary, f.currency, f.total) for f in flows] == [
        ("a", "b", "THB", 999.0),
        ("a", "b", "EUR", 400.0),
        ("c", "b", "EUR", 350.0),
    ]
    assert flows[1].first_date == "2024-01-01" and flows[1].last_date == "2024-02-01"
    assert len(M.largest_flows(g, top=1)) == 1


def test_fan_in_out_and_vocabulary() -> None:
    g = nx.MultiDiGraph()
    _people(g, "a", "b", "c")
    _pay(g, "p1", "a", "c", 1.0)
    _pay(g, "p2", "b", "c", 1.0)
    _pay(g, "p3", "b", "c", 1.0)
    assert M.fan_in_out(g) == {"a": (0, 1), "b": (0, 1), "c": (2, 0)}
    assert M.fan_in_out(g, ["c", "zz"]) == {"c": (2, 0), "zz": (0, 0)}
    assert M.COMMISSION in PAYMENT_PURPOSES


@pytest.mark.parametrize("amount", ["12.5", 12.5])
def test_amounts_as_text_are_read(amount: object) -> None:
    g = nx.MultiDiGraph()
    _people(g, "a", "b")
    g.add_node("p", label=Label.PAYMENT, amount=amount, currency="EUR")
    g.add_edge("a", "p", type=Rel.SENT)
    g.add_edge("p", "b", type=Rel.PAID_TO)
    assert M.payment_flows(g)[0].amount == 12.5
