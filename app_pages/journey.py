"""Journey: a victim's time-ordered journey as a timeline, and on a map with no tile server."""

from __future__ import annotations

import html

import streamlit as st

from app_pages.common import case_stamp, mask_node, md_text, nodes_by_id, store
from graph_tool.analyse import case_graph
from graph_tool.analysis.paths import victim_journey
from graph_tool.journey_map import journey_map_svg

st.title("Journey")
stamp = case_stamp()
with store() as s:
    victims = s.read(
        "MATCH (p:Person) WHERE 'victim' IN p.roles AND p.merged_into IS NULL RETURN p.id AS id ORDER BY id LIMIT 5000"
    )
ids = [r["id"] for r in victims]
if not ids:
    st.info("No person recorded as a victim in this case.")
    st.stop()
known = nodes_by_id(stamp, tuple(ids))
person = st.selectbox("Victim", ids, format_func=lambda i: f"{mask_node(known[i]).caption} ({i})" if i in known else i)
with store() as s:
    graph = case_graph(s)
journey = victim_journey(graph, person)
st.markdown(md_text(journey.explanation))
rows = [x.row() for x in journey.steps]
for row in rows:
    row["check"] = row.pop("flags")  # the page's name for the column
st.dataframe(
    rows,
    hide_index=True,
    width="stretch",
)
svg = journey_map_svg(graph, journey)
if svg:
    st.markdown("**On the map** (drawn locally from the coordinates in the case; no map tiles are fetched)")
    st.html(svg)
else:
    st.caption("No coordinates recorded for the places of this journey.")
st.caption(html.escape(f"{len(journey.flagged)} steps need checking (missing or backward dates)."))
