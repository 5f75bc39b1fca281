"""Explore: an entity's neighbourhood, expanded hop by hop, filtered, capped and grouped."""

from __future__ import annotations

import streamlit as st

from app_pages.common import draw, md_text, store
from graph_tool.model import Rel
from graph_tool.store.base import StoreError, Subgraph

st.title("Explore")

with st.form("explore"):
    entity = st.text_input("Entity id", value=st.session_state.get("explore_id", ""), max_chars=200)
    cap = st.number_input("Draw at most this many nodes", min_value=10, max_value=3000, value=500, step=50)
    submitted = st.form_submit_button("Show")
if submitted and entity.strip():
    st.session_state["explore_id"] = entity.strip()
    st.session_state["explore_hops"] = 1
    st.session_state["explore_cap"] = int(cap)

entity_id = st.session_state.get("explore_id")
if not entity_id:
    st.info("Give an entity id (from Search, a saved query or a ring).")
    st.stop()

hops = int(st.session_state.get("explore_hops", 1))
if st.button(f"Expand one more hop (now {hops})"):
    # Run again at once: the button's label (and so its identity) changes with the hops, and a
    # label left stale would swallow the next click.
    st.session_state["explore_hops"] = hops + 1
    st.rerun()

try:
    with store() as s:
        sub = s.neighbourhood(entity_id, hops=hops, limit=20000)
except StoreError as exc:
    st.error(md_text(exc))
    st.stop()

types = sorted({e.type for e in sub.edges})
chosen = st.multiselect(
    "Relationship types", types, default=types, format_func=lambda t: Rel(t).value.replace("_", " ").lower()
)
dates = sorted({str(d) for e in sub.edges for d in (e.props.get("date"), e.props.get("start_date")) if d})
window = None
if len(dates) >= 2:
    window = st.select_slider(
        "Date range (relationships without a date are kept)", options=dates, value=(dates[0], dates[-1])
    )


def keep(edge_props: dict[str, object]) -> bool:
    if window is None:
        return True
    when = edge_props.get("date") or edge_props.get("start_date")
    return when is None or window[0] <= str(when) <= window[1]


edges = tuple(e for e in sub.edges if e.type in chosen and keep(dict(e.props)))
linked = {entity_id} | {e.source for e in edges} | {e.target for e in edges}
filtered = Subgraph(tuple(n for n in sub.nodes if n.id in linked), edges)
groups = st.session_state.get("explore_expand", [])
result = draw(
    filtered,
    title=f"{hops}-hop neighbourhood of {entity_id}",
    highlight={entity_id: "focus"},
    max_nodes=int(st.session_state.get("explore_cap", 500)),
    expand=groups,
)
st.caption(f"{len(sub.nodes) - len(filtered.nodes)} entities hidden by the filters.")
if result.groups:
    options = {g.id: f"+{g.size} {g.label} around {g.hub}" for g in result.groups}
    picked = st.multiselect("Expand grouped fan-outs", list(options), format_func=lambda g: options[g])
    if picked and st.button("Expand"):
        st.session_state["explore_expand"] = [*groups, *picked]
        st.rerun()
