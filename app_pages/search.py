"""Search: a name, phone, document or account number as typed; then the entity card."""

from __future__ import annotations

import streamlit as st

from app_pages.common import draw, mask_node, md_text, node_table, props_table, store
from graph_tool.casework import entity_card, search
from graph_tool.store.base import StoreError

st.title("Search")

with st.form("search"):
    text = st.text_input("Name, phone number, document number or account number", max_chars=200)
    region = st.text_input("Default country for local phone numbers (ISO code)", value="GB", max_chars=2)
    submitted = st.form_submit_button("Search")

if submitted:
    with store() as s:
        st.session_state["search_hits"] = search(s, text, default_region=region.upper() or "GB")

hits = st.session_state.get("search_hits", [])
if submitted and not hits:
    st.info("Nothing found.")
if hits:
    rows = [
        {**row, "matched on": h.matched_on, "score": h.score}
        for h, row in zip(hits, node_table([h.node for h in hits]), strict=True)
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    labels = {h.node.id: f"{mask_node(h.node).caption} ({h.node.label} {h.node.id})" for h in hits}
    chosen = st.selectbox("Open the card of", list(labels), format_func=lambda i: labels[i])
    if chosen:
        try:
            with store() as s:
                card = entity_card(s, chosen)
        except StoreError as exc:
            st.error(md_text(exc))
            st.stop()
        node = mask_node(card.node)
        st.subheader(md_text(f"{node.caption} — {node.label} {node.id}"))
        if card.merged_into:
            st.warning(f"Merged into {md_text(card.merged_into)}")
        roles = node.props.get("roles") or []
        if roles:
            st.markdown("**Roles:** " + md_text(", ".join(roles)))
        left, right = st.columns(2)
        with left:
            st.markdown("**Properties**")
            st.dataframe(props_table(card.node), hide_index=True, width="stretch")
            st.markdown("**Provenance**")
            st.dataframe([{"record": r} for r in card.provenance], hide_index=True, width="stretch")
        with right:
            st.markdown("**Findings**")
            if card.findings:
                st.dataframe(card.findings, hide_index=True, width="stretch")
            else:
                st.caption("No findings.")
            st.markdown("**Relationships**")
            st.dataframe([{"type": k, "count": v} for k, v in card.by_type.items()], hide_index=True)
        st.markdown("**Neighbours**")
        draw(card.neighbours, title=f"Neighbours of {node.caption}", highlight={card.node.id: "focus"})
