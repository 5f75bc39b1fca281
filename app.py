"""The investigator's browser UI: ``streamlit run app.py`` (or ``graph-tool ui``).

The store is ``$GRAPH_TOOL_STORE`` (a case folder or a Neo4j URI) unless another is chosen on
the Case page. Pages live in ``app_pages/`` and stay thin over the library.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import md_text, store_location, victim_controls

# An emoji favicon is drawn locally (a data: URL); a ":material/...:" page icon would make every
# browser fetch the icon from fonts.gstatic.com, and the UI must not reach outside the machine.
st.set_page_config(page_title="graph-tool", page_icon="🔗", layout="wide")

PAGES = [
    st.Page("app_pages/case.py", title="Case", icon=":material/folder_open:", default=True),
    st.Page("app_pages/search.py", title="Search", icon=":material/search:"),
    st.Page("app_pages/explore.py", title="Explore", icon=":material/hub:"),
    st.Page("app_pages/rings.py", title="Rings", icon=":material/group_work:"),
    st.Page("app_pages/brokers.py", title="Brokers", icon=":material/share:"),
    st.Page("app_pages/fraud.py", title="Document fraud", icon=":material/badge:"),
    st.Page("app_pages/money.py", title="Money", icon=":material/payments:"),
    st.Page("app_pages/journey.py", title="Journey", icon=":material/route:"),
    st.Page("app_pages/matches.py", title="Matches", icon=":material/join_inner:"),
    st.Page("app_pages/queries.py", title="Saved queries", icon=":material/manage_search:"),
    st.Page("app_pages/load.py", title="Load", icon=":material/upload_file:"),
]

page = st.navigation(PAGES)
with st.sidebar:
    st.caption(f"Store: {md_text(store_location())}")
victim_controls()
page.run()
