"""Rings: ranked by score with the score's parts; one ring drawn with brokers and victims marked."""

from __future__ import annotations

import streamlit as st

from app_pages.common import analyses, caption, case_stamp, draw, md_text, nodes_by_id, subgraph_of

st.title("Rings")
stamp = case_stamp()
results = analyses(stamp)
rings = results.rings.rings if results.rings else ()
if not rings:
    st.info("No rings found in this case.")
    st.stop()
st.caption(md_text(results.rings.explanation) if results.rings else "")
st.dataframe(
    [
        {
            "ring": r.ring_id,
            "score": round(r.score, 1),
            "people": len(r.members),
            "victims": len(r.victims),
            "brokers": len(r.brokers),
            "countries": ", ".join(r.countries),
            "fraud findings": len(r.findings),
        }
        for r in rings
    ],
    hide_index=True,
    width="stretch",
)
chosen = st.selectbox("Ring", [r.ring_id for r in rings])
ring = next(r for r in rings if r.ring_id == chosen)
st.markdown(md_text(ring.explanation))
st.markdown("**Score parts**")
st.dataframe(
    [{"part": p.name, "value": p.value, "points": round(p.points, 2), "why": p.explanation} for p in ring.parts],
    hide_index=True,
    width="stretch",
)
known = nodes_by_id(stamp, tuple(map(str, ring.members)))
brokers = ", ".join(md_text(f"{caption(str(b), known)} ({b})") for b in ring.brokers)
victims = ", ".join(md_text(f"{caption(str(v), known)} ({v})") for v in ring.victims)
left, right = st.columns(2)
left.markdown("**Brokers:** " + (brokers or "none"))
right.markdown("**Victims:** " + (victims or "none"))
highlight = (
    {str(m): "member" for m in ring.members}
    | {str(b): "broker" for b in ring.brokers}
    | {str(v): "victim" for v in ring.victims}
)
with_neighbours = st.checkbox("Include phones, documents, accounts and payments around the members")
sub = subgraph_of([str(m) for m in ring.members], hops=1 if with_neighbours else 0)
draw(sub, title=f"Ring {ring.ring_id}", highlight=highlight)
