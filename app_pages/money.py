"""Money: flows in and out of a person or a ring, as a table and a picture."""

from __future__ import annotations

import streamlit as st

from app_pages.common import analyses, caption, case_stamp, draw, nodes_by_id, store
from graph_tool.analyse import case_graph
from graph_tool.analysis.money import Flow, payment_flows
from graph_tool.store.base import Edge, Node, Subgraph

st.title("Money")
stamp = case_stamp()
results = analyses(stamp)
money = results.money
if money is None:
    st.info("No payments in this case.")
    st.stop()

st.subheader("Commission patterns")
known = nodes_by_id(stamp, tuple(c.beneficiary for c in money.commission))
st.dataframe(
    [
        {
            "beneficiary": caption(c.beneficiary, known),
            "id": c.beneficiary,
            "payers": len(c.payers),
            "payments": len(c.payments),
            "why": c.explanation,
        }
        for c in money.commission
    ],
    hide_index=True,
    width="stretch",
)
st.subheader("Largest flows")
st.dataframe([{"flow": f.explanation} for f in money.largest], hide_index=True, width="stretch")
if money.cycles:
    st.subheader("Money returning to its origin")
    st.dataframe([{"cycle": c.explanation} for c in money.cycles], hide_index=True, width="stretch")

st.subheader("Flows of a person or a ring")
rings = results.rings.rings if results.rings else ()
with st.form("money-who"):
    who = st.text_input("Person id (or leave empty and choose a ring)")
    ring_id = st.selectbox("Ring", ["", *[r.ring_id for r in rings]])
    go = st.form_submit_button("Show flows")
if go:
    if who.strip():
        parties = {who.strip()}
    else:
        parties = {str(m) for r in rings if r.ring_id == ring_id for m in r.members}
    with store() as s:
        graph = case_graph(s)

    def touches(f: Flow) -> bool:
        sides = {f.payer, f.beneficiary, *f.payer_parties, *f.beneficiary_parties}
        return bool(sides & parties)

    flows = [f for f in payment_flows(graph) if touches(f)]
    balance = [b for b in money.balances if b.node_id in parties]
    st.dataframe(
        [
            {
                "party": b.node_id,
                "currency": b.currency,
                "in": b.received,
                "out": b.sent,
                "net": b.net,
                "why": b.explanation,
            }
            for b in balance
        ],
        hide_index=True,
        width="stretch",
    )
    st.dataframe([vars(f) for f in flows], hide_index=True, width="stretch")
    ids = {f.payment_id for f in flows} | {x for f in flows for x in (f.payer, f.beneficiary) if x}
    nodes = tuple(
        Node(str(graph.nodes[i]["label"]), str(i), {k: v for k, v in graph.nodes[i].items() if k != "label"})
        for i in ids
        if i in graph
    )
    edges = tuple(
        Edge(str(data.get("type")), str(key), str(u), str(v), {})
        for u, v, key, data in graph.edges(keys=True, data=True)
        if u in ids and v in ids
    )
    draw(Subgraph(nodes, edges), title="Money flows", highlight={p: "focus" for p in parties})
