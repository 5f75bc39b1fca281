"""Saved queries: pick one, fill a form built from its typed parameters, run, download."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from app_pages.common import draw, mask_node, md_text, store
from graph_tool import audit, querylib
from graph_tool.store.base import Edge, Node, StoreError, Subgraph

st.title("Saved queries")

library = querylib.load_library()
categories = sorted({q.category for q in library.values()})
category = st.selectbox("Category", categories)
ids = sorted(q.id for q in library.values() if q.category == category)
query = library[st.selectbox("Query", ids, format_func=lambda i: library[i].title)]
st.markdown(query.header.description)

with st.form(f"params-{query.id}"):
    values: dict[str, Any] = {}
    for name, spec in query.header.params.items():
        label = f"{name} ({spec.type})" + (f" — {spec.description}" if spec.description else "")
        start = spec.default if spec.default is not None else spec.example
        if spec.choices:
            values[name] = st.selectbox(
                label, spec.choices, index=spec.choices.index(start) if start in spec.choices else 0
            )
        elif spec.type == "integer":
            values[name] = st.number_input(
                label,
                value=int(start or 0),
                step=1,
                min_value=int(spec.min) if spec.min is not None else None,
                max_value=int(spec.max) if spec.max is not None else None,
            )
        elif spec.type == "boolean":
            values[name] = st.checkbox(label, value=bool(start))
        else:
            values[name] = st.text_input(label, value="" if start is None else str(start))
    run = st.form_submit_button("Run")

with st.expander("Cypher"):
    with store() as s:
        kind = s.kind
    st.code(query.cypher_for(kind), language="cypher")

if run:
    try:
        bound = querylib.bind(query, values)
    except querylib.QueryError as exc:
        st.error(md_text(exc))
        st.stop()
    try:
        with store() as s:
            body = query.cypher_for(s.kind)
            sub: Subgraph | None = None
            if query.header.returns == "graph":
                sub = s.read_subgraph(body, bound)
                rows: list[dict[str, Any]] = [{"label": n.label, "id": n.id, **mask_node(n).props} for n in sub.nodes]
            else:
                rows = s.read(body, bound)
    except StoreError as exc:
        st.error(md_text(exc))
        st.stop()

    def plain(v: Any) -> Any:
        if isinstance(v, Node):
            return mask_node(v).caption
        if isinstance(v, Edge):
            return v.type
        return v

    table = [{k: plain(v) for k, v in r.items()} for r in rows]
    audit.record("query", {"query": query.id, "params": bound, "where": "ui"}, table)
    if sub is not None:
        st.caption(f"{len(sub.nodes)} entities, {len(sub.edges)} relationships")
        draw(sub, title=query.title)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", querylib.rows_to_csv(table), file_name=f"{query.id}.csv", mime="text/csv")
    st.download_button(
        "Download JSON", json.dumps(table, default=str, indent=2), file_name=f"{query.id}.json", mime="application/json"
    )
