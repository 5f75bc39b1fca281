"""Case: choose the case folder or Neo4j URI; what is in it, its sources and its health."""

from __future__ import annotations

import streamlit as st

from app_pages.common import STORE_KEY, md_text, store, store_location
from graph_tool.casework import case_overview
from graph_tool.config import store_spec
from graph_tool.store.base import StoreError

st.title("Case")

with st.form("choose-store"):
    location = st.text_input(
        "Case folder (embedded store) or Neo4j URI (bolt://..., neo4j://...)", value=store_location()
    )
    if st.form_submit_button("Open"):
        spec = store_spec(location.strip() or None)
        st.session_state[STORE_KEY] = str(spec)
        st.rerun()

try:
    with store() as s:
        overview = case_overview(s)
except StoreError as exc:
    st.error(f"Cannot open the store: {md_text(exc)}")
    st.stop()

st.subheader(md_text(overview.store))
c1, c2, c3 = st.columns(3)
c1.metric("Entities", f"{overview.total_nodes:,}")
c2.metric("Relationships", f"{overview.total_relationships:,}")
c3.metric("Last load", overview.last_load or "never")

left, right = st.columns(2)
with left:
    st.markdown("**Entities by type**")
    st.dataframe(
        [{"type": k, "count": v} for k, v in overview.counts.items() if v and k[0].isupper() and not k.isupper()],
        hide_index=True,
        width="stretch",
    )
with right:
    st.markdown("**Relationships by type**")
    st.dataframe(
        [{"type": k, "count": v} for k, v in overview.counts.items() if v and k.isupper()],
        hide_index=True,
        width="stretch",
    )

st.markdown("**Sources**")
st.dataframe(
    [{"source": x.id, "kind": x.kind, "file": x.file, "rows": x.rows, "loaded": x.loaded_at} for x in overview.sources],
    hide_index=True,
    width="stretch",
)

st.markdown("**Health**")
st.dataframe([{"check": k.replace("_", " "), "count": v} for k, v in overview.health.items()], hide_index=True)
if overview.problems:
    for problem in overview.problems:
        st.warning(md_text(problem))
else:
    st.success("No problems found.")
