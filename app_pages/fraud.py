"""Document fraud: findings and clusters, each with its evidence graph."""

from __future__ import annotations

import streamlit as st

from app_pages.common import analyses, case_stamp, draw, md_text, subgraph_of

st.title("Document fraud")
results = analyses(case_stamp())
report = results.fraud
if report is None or not report.findings:
    st.success("No document-fraud findings in this case.")
    st.stop()
checks = sorted({f.check for f in report.findings})
picked = st.multiselect("Checks", checks, default=checks)
findings = [f for f in report.findings if f.check in picked]
st.dataframe(
    [f.row() for f in findings],
    hide_index=True,
    width="stretch",
)
st.subheader("Fraud clusters")
st.dataframe(
    [
        {
            "cluster": c.cluster_id,
            "score": round(c.score, 2),
            "findings": len(c.findings),
            "documents": len(c.documents),
            "people": len(c.people),
            "checks": ", ".join(c.checks),
        }
        for c in report.clusters
    ],
    hide_index=True,
    width="stretch",
)
cluster_id = st.selectbox("Evidence of cluster", [c.cluster_id for c in report.clusters])
cluster = next(c for c in report.clusters if c.cluster_id == cluster_id)
st.markdown(md_text(cluster.reason))
ids = sorted({str(x) for x in (*cluster.documents, *cluster.people, *cluster.others)})
highlight = {str(d): "finding" for d in cluster.documents}
draw(subgraph_of(ids, hops=0), title=f"Evidence of {cluster.cluster_id}", highlight=highlight)
