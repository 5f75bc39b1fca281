"""Load: upload files, pick a spec, preview a dry run with its reject report, then load."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st

from app_pages.common import md_text, store
from graph_tool import resolve
from loaders import LoadReport, SpecError, builtin_specs, load_files

st.title("Load")

specs = builtin_specs()
with st.form("load"):
    uploads = st.file_uploader("Files", accept_multiple_files=True)
    spec_name = st.selectbox("Mapping spec", sorted(specs))
    dry = st.form_submit_button("Preview (dry run)")
    real = st.form_submit_button("Load")


def safe_name(name: str) -> str:
    """An uploaded file's name as a harmless file name (the original is only displayed)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[:120] or "upload"


def show(report: LoadReport) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rows read", f"{report.rows_read:,}")
    c2.metric("Loaded", f"{report.rows_loaded:,}")
    c3.metric("Rejected", f"{report.rows_rejected:,}")
    c4.metric("Skipped", f"{report.rows_skipped:,}")
    st.dataframe(
        [
            {"what": kind, "name": name, "created / read": c[0], "updated / loaded": c[1], "unchanged / rejected": c[2]}
            for kind, name, *c in report.summary_rows()
        ],
        hide_index=True,
        width="stretch",
    )
    if report.rejections:
        st.markdown("**Rejected rows** (`file:row:field: reason`)")
        st.dataframe([{"rejection": r} for r in report.rejections], hide_index=True, width="stretch")
    for warning in report.warnings[:50]:
        st.caption(md_text(warning))


if (dry or real) and uploads:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for up in uploads:
            path = Path(tmp) / safe_name(up.name)
            path.write_bytes(up.getvalue())
            paths.append(path)
        bar = st.progress(0.0, text="loading")
        total = max(1, len(paths))
        done: list[str] = []

        def on_batch(file_report: object, batch: int) -> None:
            name = getattr(file_report, "file", "")
            if name not in done:
                done.append(name)
            bar.progress(min(1.0, len(done) / total), text=f"{name}: batch {batch}")

        try:
            with store() as s:
                report = load_files(s, paths, spec_name, dry_run=dry, on_batch=on_batch)
                # New people may be a victim's records at another agency: proposed matches
                # tie them to her, so every page masks them like her (never merged here).
                proposed = None
                if not dry and resolve.people_changed(report.nodes):
                    bar.progress(1.0, text="looking for possible matches of the people loaded")
                    proposed = resolve.propose(s)
        except SpecError as exc:
            st.error(md_text(exc))
            st.stop()
        bar.progress(1.0, text="done")
    st.subheader("Dry run: nothing was written" if dry else "Loaded")
    show(report)
    if proposed is not None:
        st.info(f"Possible matches to review: {len(proposed)} (Matches page). None is merged until accepted.")
elif dry or real:
    st.warning("Choose at least one file.")
