"""Where does the money go? Value-weighted flows, commission patterns, cycles, largest flows.

Payments are nodes: ``payer -[SENT]-> Payment -[PAID_TO]-> beneficiary``, where payer and
beneficiary are people, organisations or accounts, and ``Person -[OWNS]-> Account``. Each
payment is read once into a :class:`Flow` naming the raw payer and beneficiary and the
*parties* behind them: a person or organisation stands for itself, an account for its
owners (or for itself when nobody is known to own it).

Amounts are never added across currencies: every total is per currency.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph_tool.analysis._graph import date_key, date_text, edge_type, edges_with_keys, full_date, label_of
from graph_tool.model import Label, Rel

COMMISSION = "commission"  # the PAYMENT_PURPOSES value for a broker's commission


@dataclass(frozen=True)
class Flow:
    """One payment, read from the graph, with the parties behind each side."""

    payment_id: str
    payer: str | None
    beneficiary: str | None
    payer_parties: tuple[str, ...]
    beneficiary_parties: tuple[str, ...]
    amount: float | None
    currency: str
    date: str | None
    purpose: str | None


@dataclass(frozen=True)
class Balance:
    """Money in, out and net for one person, organisation or account, in one currency."""

    node_id: str
    label: str
    currency: str
    received: float
    sent: float
    net: float
    payments_in: int
    payments_out: int
    payers: int
    beneficiaries: int
    explanation: str


@dataclass(frozen=True)
class CommissionPattern:
    """Many distinct payers paying one party, or payments marked as commission."""

    beneficiary: str
    payers: tuple[str, ...]
    payments: tuple[str, ...]
    totals: dict[str, float]
    commission_payments: int
    explanation: str


@dataclass(frozen=True)
class MoneyCycle:
    """Payments that return to the party they started from, dates not going backwards."""

    parties: tuple[str, ...]
    payments: tuple[str, ...]
    dates: tuple[str, ...]
    amounts: tuple[float | None, ...]
    currencies: tuple[str, ...]
    days: int
    explanation: str


@dataclass(frozen=True)
class PairFlow:
    """All the money one party paid another, in one currency."""

    payer: str
    beneficiary: str
    currency: str
    total: float
    payments: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    explanation: str


def _float(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def payment_flows(g: nx.Graph) -> list[Flow]:
    """Every Payment node as a :class:`Flow`, sorted by date (undated last), then id.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p1", label=Label.PERSON); g.add_node("a1", label=Label.ACCOUNT)
    >>> g.add_node("p2", label=Label.PERSON)
    >>> g.add_node("pay1", label=Label.PAYMENT, amount=100, currency="EUR", date="2023-01-05")
    >>> _ = g.add_edge("p1", "a1", type=Rel.OWNS)
    >>> _ = g.add_edge("a1", "pay1", type=Rel.SENT); _ = g.add_edge("pay1", "p2", type=Rel.PAID_TO)
    >>> f = payment_flows(g)[0]
    >>> f.payer, f.payer_parties, f.beneficiary_parties, f.amount
    ('a1', ('p1',), ('p2',), 100.0)
    """
    owners: dict[Any, set[str]] = defaultdict(set)
    sent: dict[Any, list[Any]] = defaultdict(list)
    paid: dict[Any, list[Any]] = defaultdict(list)
    for u, v, _eid, d in edges_with_keys(g):
        t = edge_type(d)
        if t == Rel.OWNS and label_of(g, v) == Label.ACCOUNT:
            owners[v].add(str(u))
        elif t == Rel.SENT and label_of(g, v) == Label.PAYMENT:
            sent[v].append(u)
        elif t == Rel.PAID_TO and label_of(g, u) == Label.PAYMENT:
            paid[u].append(v)

    def parties(node: Any) -> tuple[str, ...]:
        if node is None:
            return ()
        if label_of(g, node) == Label.ACCOUNT and owners.get(node):
            return tuple(sorted(owners[node]))
        return (str(node),)

    flows = []
    for pay, data in g.nodes(data=True):
        if data.get("label") != Label.PAYMENT:
            continue
        payer = sorted(sent.get(pay, []), key=str)
        bene = sorted(paid.get(pay, []), key=str)
        p = payer[0] if payer else None
        b = bene[0] if bene else None
        flows.append(
            Flow(
                str(pay),
                None if p is None else str(p),
                None if b is None else str(b),
                parties(p),
                parties(b),
                _float(data.get("amount")),
                str(data.get("currency") or "?"),
                date_text(date_key(data.get("date"))),
                data.get("purpose"),
            )
        )
    flows.sort(key=lambda f: (date_key(f.date) or (9999, 99, 99), f.payment_id))
    return flows


def balances(g: nx.Graph, labels: Iterable[Label] = (Label.PERSON, Label.ACCOUNT)) -> list[Balance]:
    """Value-weighted money in, out and net per person and per account, per currency.

    A person's figures include payments through the accounts they own; a joint account
    counts in full for each owner. Transfers between a person's own accounts are left out
    of the person's figures (they stay in the accounts'). Sorted by the size of the net.

    Parameters
    ----------
    g : the domain graph.
    labels : which kinds of party to report (``Label.ORGANISATION`` may be added).

    Returns
    -------
    list of Balance

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for p in ("p1", "p2"):
    ...     g.add_node(p, label=Label.PERSON)
    >>> g.add_node("pay1", label=Label.PAYMENT, amount=100, currency="EUR")
    >>> _ = g.add_edge("p1", "pay1", type=Rel.SENT); _ = g.add_edge("pay1", "p2", type=Rel.PAID_TO)
    >>> [(b.node_id, b.net) for b in balances(g)]
    [('p1', -100.0), ('p2', 100.0)]
    """
    wanted = {str(x) for x in labels}
    acc: dict[tuple[str, str], dict[str, Any]] = {}

    def book(node: str, currency: str, amount: float, incoming: bool, other: Iterable[str]) -> None:
        lab = label_of(g, node) if node in g else None
        if lab is None or lab not in wanted:
            return
        e = acc.setdefault(
            (node, currency),
            {"in": 0.0, "out": 0.0, "n_in": 0, "n_out": 0, "payers": set(), "benes": set(), "label": lab},
        )
        if incoming:
            e["in"] += amount
            e["n_in"] += 1
            e["payers"].update(other)
        else:
            e["out"] += amount
            e["n_out"] += 1
            e["benes"].update(other)

    for f in payment_flows(g):
        if f.amount is None:
            continue
        for node, incoming, other in (
            (f.payer, False, f.beneficiary_parties),
            (f.beneficiary, True, f.payer_parties),
        ):
            if node is not None and label_of(g, node) == Label.ACCOUNT:
                book(node, f.currency, f.amount, incoming, other)
        internal = set(f.payer_parties) & set(f.beneficiary_parties)
        for p in f.payer_parties:
            if p not in internal:
                book(p, f.currency, f.amount, False, f.beneficiary_parties)
        for p in f.beneficiary_parties:
            if p not in internal:
                book(p, f.currency, f.amount, True, f.payer_parties)
    out = []
    for (node, cur), e in acc.items():
        net = e["in"] - e["out"]
        text = (
            f"{node} received {e['in']:,.2f} {cur} in {e['n_in']} payments from {len(e['payers'])} "
            f"payers and sent {e['out']:,.2f} {cur} in {e['n_out']} payments to {len(e['benes'])} "
            f"beneficiaries: net {net:+,.2f} {cur}."
        )
        out.append(
            Balance(
                node,
                e["label"],
                cur,
                e["in"],
                e["out"],
                net,
                e["n_in"],
                e["n_out"],
                len(e["payers"]),
                len(e["benes"]),
                text,
            )
        )
    out.sort(key=lambda b: (-abs(b.net), b.node_id, b.currency))
    return out


def commission_patterns(g: nx.Graph, min_payers: int = 3, min_commission: int = 2) -> list[CommissionPattern]:
    """Parties paid by many distinct payers, or paid several times as commission.

    In marriage brokerage the husband's side pays the agent: one broker receives from
    many unrelated payers, often with the purpose ``commission``.

    Parameters
    ----------
    g : the domain graph.
    min_payers : flag a beneficiary paid by at least this many distinct payers.
    min_commission : also flag one paid at least this many times with purpose commission.

    Returns
    -------
    list of CommissionPattern, most payers first.

    Examples
    --------
    >>> g = nx.MultiDiGraph(); g.add_node("b", label=Label.PERSON)
    >>> for i in range(3):
    ...     g.add_node(f"h{i}", label=Label.PERSON)
    ...     g.add_node(f"pay{i}", label=Label.PAYMENT, amount=500, currency="USD",
    ...                purpose="commission")
    ...     _ = g.add_edge(f"h{i}", f"pay{i}", type=Rel.SENT)
    ...     _ = g.add_edge(f"pay{i}", "b", type=Rel.PAID_TO)
    >>> p = commission_patterns(g)[0]
    >>> p.beneficiary, len(p.payers), p.totals, p.commission_payments
    ('b', 3, {'USD': 1500.0}, 3)
    """
    by_bene: dict[str, dict[str, Any]] = {}
    for f in payment_flows(g):
        for b in f.beneficiary_parties:
            e = by_bene.setdefault(b, {"payers": set(), "payments": [], "totals": defaultdict(float), "comm": 0})
            e["payers"].update(p for p in f.payer_parties if p != b)
            e["payments"].append(f.payment_id)
            if f.amount is not None:
                e["totals"][f.currency] += f.amount
            if f.purpose == COMMISSION:
                e["comm"] += 1
    out = []
    for b, e in by_bene.items():
        if len(e["payers"]) < min_payers and e["comm"] < min_commission:
            continue
        totals = {k: round(v, 2) for k, v in sorted(e["totals"].items())}
        money = ", ".join(f"{v:,.2f} {k}" for k, v in totals.items()) or "no amounts"
        reasons = []
        if len(e["payers"]) >= min_payers:
            reasons.append(f"{len(e['payers'])} distinct payers (at least {min_payers})")
        if e["comm"]:
            reasons.append(f"{e['comm']} payments marked commission")
        text = f"{b} received {money} in {len(e['payments'])} payments: " + "; ".join(reasons) + "."
        out.append(CommissionPattern(b, tuple(sorted(e["payers"])), tuple(e["payments"]), totals, e["comm"], text))
    out.sort(key=lambda p: (-len(p.payers), -p.commission_payments, p.beneficiary))
    return out


def money_cycles(
    g: nx.Graph,
    max_days: int = 30,
    max_length: int = 6,
    strict: bool = False,
    limit: int = 1000,
) -> list[MoneyCycle]:
    """Chains of payments that return to the party they started from within ``max_days``.

    Each payment is on or after the one before it (strictly after with ``strict=True``),
    and the chain visits no party twice before returning. Payments need a full date
    (YYYY-MM-DD); others are left out.

    Parameters
    ----------
    g : the domain graph.
    max_days : longest time from the first to the last payment of a cycle.
    max_length : most payments in a cycle.
    strict : require each payment strictly after the previous one.
    limit : stop after this many cycles.

    Returns
    -------
    list of MoneyCycle, shortest time first.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for p in ("a", "b", "c"):
    ...     g.add_node(p, label=Label.PERSON)
    >>> for i, (s, t, d) in enumerate([("a", "b", "2024-01-01"), ("b", "c", "2024-01-03"),
    ...                                ("c", "a", "2024-01-09")]):
    ...     g.add_node(f"pay{i}", label=Label.PAYMENT, amount=900, currency="EUR", date=d)
    ...     _ = g.add_edge(s, f"pay{i}", type=Rel.SENT); _ = g.add_edge(f"pay{i}", t, type=Rel.PAID_TO)
    >>> c = money_cycles(g)[0]
    >>> c.parties, c.days
    (('a', 'b', 'c', 'a'), 8)
    >>> money_cycles(g, max_days=5)
    []
    """
    arcs: dict[str, list[tuple[Any, str, str, Flow]]] = defaultdict(list)  # payer -> (date, bene, id, flow)
    for f in payment_flows(g):
        d = full_date(f.date)
        if d is None:
            continue
        for p in f.payer_parties:
            for b in f.beneficiary_parties:
                if p != b:
                    arcs[p].append((d, b, f.payment_id, f))
    for lst in arcs.values():
        lst.sort(key=lambda x: (x[0], x[2]))
    dates_of = {p: [x[0] for x in lst] for p, lst in arcs.items()}
    found: dict[tuple[str, ...], MoneyCycle] = {}

    def record(origin: str, path: list[tuple[Any, str, str, Flow]]) -> None:
        key = tuple(sorted(x[2] for x in path))
        if key in found:
            return
        parties = (origin, *(x[1] for x in path))
        days = (path[-1][0] - path[0][0]).days
        dates = tuple(x[0].isoformat() for x in path)
        amounts = tuple(x[3].amount for x in path)
        currencies = tuple(x[3].currency for x in path)
        steps = "; ".join(
            f"{a} -> {b} {'' if amt is None else f'{amt:,.2f} '}{cur} on {d}"
            for a, b, amt, cur, d in zip(parties, parties[1:], amounts, currencies, dates, strict=False)
        )
        text = f"Money left {origin} and came back within {days} days through {len(path)} payments: {steps}."
        found[key] = MoneyCycle(parties, tuple(x[2] for x in path), dates, amounts, currencies, days, text)

    for origin in sorted(arcs):
        for first in arcs[origin]:
            if len(found) >= limit:
                break
            start = first[0]
            stack: list[tuple[list[tuple[Any, str, str, Flow]], set[str]]] = [([first], {origin, first[1]})]
            while stack and len(found) < limit:
                path, seen = stack.pop()
                last_date, here = path[-1][0], path[-1][1]
                if here == origin:
                    record(origin, path)
                    continue
                if len(path) >= max_length:
                    continue
                nexts = arcs.get(here, [])
                when = dates_of.get(here, [])
                lo = bisect.bisect_right(when, last_date) if strict else bisect.bisect_left(when, last_date)
                for arc in nexts[lo:]:
                    if (arc[0] - start).days > max_days:
                        break
                    if arc[2] in {x[2] for x in path}:
                        continue
                    target = arc[1]
                    if target == origin or target not in seen:
                        stack.append(([*path, arc], seen | {target}))
    out = list(found.values())
    out.sort(key=lambda c: (c.days, len(c.payments), c.payments))
    return out


def largest_flows(g: nx.Graph, top: int = 10) -> list[PairFlow]:
    """The largest sums paid from one party to another, per currency.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for p in ("a", "b"):
    ...     g.add_node(p, label=Label.PERSON)
    >>> for i, amt in enumerate([100, 250]):
    ...     g.add_node(f"pay{i}", label=Label.PAYMENT, amount=amt, currency="EUR",
    ...                date=f"2024-02-0{i + 1}")
    ...     _ = g.add_edge("a", f"pay{i}", type=Rel.SENT); _ = g.add_edge(f"pay{i}", "b", type=Rel.PAID_TO)
    >>> f = largest_flows(g)[0]
    >>> f.payer, f.beneficiary, f.total, f.payments, f.last_date
    ('a', 'b', 350.0, ('pay0', 'pay1'), '2024-02-02')
    """
    pairs: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in payment_flows(g):
        if f.amount is None:
            continue
        for p in f.payer_parties:
            for b in f.beneficiary_parties:
                if p == b:
                    continue
                e = pairs.setdefault((p, b, f.currency), {"total": 0.0, "payments": [], "dates": []})
                e["total"] += f.amount
                e["payments"].append(f.payment_id)
                if f.date:
                    e["dates"].append(f.date)
    out = []
    for (p, b, cur), e in pairs.items():
        dates = sorted(e["dates"], key=lambda x: date_key(x) or (0, 0, 0))
        first, last = (dates[0], dates[-1]) if dates else (None, None)
        span = f" between {first} and {last}" if first else ""
        text = f"{p} paid {b} {e['total']:,.2f} {cur} in {len(e['payments'])} payments{span}."
        out.append(PairFlow(p, b, cur, round(e["total"], 2), tuple(e["payments"]), first, last, text))
    out.sort(key=lambda x: (-x.total, x.payer, x.beneficiary))
    return out[:top]


def fan_in_out(g: nx.Graph, parties: Iterable[str] | None = None) -> dict[str, tuple[int, int]]:
    """Distinct payers into and beneficiaries out of each party: ``{party: (fan_in, fan_out)}``.

    >>> g = nx.MultiDiGraph(); g.add_node("a", label=Label.PERSON); g.add_node("b", label=Label.PERSON)
    >>> g.add_node("pay", label=Label.PAYMENT, amount=1)
    >>> _ = g.add_edge("a", "pay", type=Rel.SENT); _ = g.add_edge("pay", "b", type=Rel.PAID_TO)
    >>> fan_in_out(g)
    {'a': (0, 1), 'b': (1, 0)}
    """
    fin: dict[str, set[str]] = defaultdict(set)
    fout: dict[str, set[str]] = defaultdict(set)
    for f in payment_flows(g):
        for p in f.payer_parties:
            for b in f.beneficiary_parties:
                if p != b:
                    fout[p].add(b)
                    fin[b].add(p)
    keys = set(fin) | set(fout) if parties is None else set(parties)
    return {k: (len(fin.get(k, ())), len(fout.get(k, ()))) for k in sorted(keys)}
