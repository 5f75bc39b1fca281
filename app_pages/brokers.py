"""Brokers: the ranking, with the explanation and brokerage roles of each person."""

from __future__ import annotations

import streamlit as st

from app_pages.common import analyses, caption, case_stamp, draw, md_text, nodes_by_id, subgraph_of

st.title("Brokers")
stamp = case_stamp()
results = analyses(stamp)
if results.brokers is None or not results.brokers.entries:
    st.info("No people to rank in this case.")
    st.stop()
ranking = results.brokers
st.caption(md_text(ranking.explanation))
top = st.slider(
    "Show the top", min_value=5, max_value=min(200, len(ranking.entries)), value=min(20, len(ranking.entries))
)
entries = ranking.entries[:top]
known = nodes_by_id(stamp, tuple(str(e.person_id) for e in entries))
st.dataframe(
    [
        {
            "rank": e.rank,
            "person": caption(str(e.person_id), known),
            "id": str(e.person_id),
            "score": round(e.score, 3),
            "roles (Gould-Fernandez)": ", ".join(f"{k} x{v}" for k, v in e.roles.items() if v),
            "articulation point": e.articulation_point,
            "cuts off": e.cuts_off,
        }
        for e in entries
    ],
    hide_index=True,
    width="stretch",
)
chosen = st.selectbox(
    "Why does this person rank here?",
    [str(e.person_id) for e in entries],
    format_func=lambda i: f"{caption(i, known)} ({i})",
)
entry = next(e for e in entries if str(e.person_id) == chosen)
st.markdown(md_text(entry.explanation))
st.dataframe(
    [
        {"measure": k, "value": round(v, 4), "contribution": round(entry.parts.get(k, 0.0), 4)}
        for k, v in entry.measures.items()
    ],
    hide_index=True,
)
for reason in entry.reasons:
    st.markdown(f"- {md_text(reason)}")
draw(subgraph_of([chosen], hops=1), title=f"Around {caption(chosen, known)}", highlight={chosen: "broker"})
