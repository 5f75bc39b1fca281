"""Matches: possible duplicates, found, explained property by property, and decided with a reason.

Decisions go through ``resolve.decide``, the path of ``graph-tool matches accept|reject|undo``,
so the store and the audit log change exactly as they do from the CLI. A victim's possible
duplicates carry the victim's name: while victims are pseudonymised, every entity a candidate
ties (directly or through other candidates) to a victim is pseudonymised here too, and the
evidence that would show a name or birth date is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from app_pages.common import mask_node, md_text, pseudonym, store, unmasked, victim_linked_ids
from graph_tool import audit, match_review, resolve
from graph_tool.model import Label, identifying_properties
from graph_tool.store.base import Node, StoreError

FLASH_KEY = "matches_flash"
ALL = "all"
BUTTONS = {"accept": "Accept (merge)", "reject": "Reject", "undo": "Undo the merge"}
# The decisions a candidate in each status can take (match_review.DECIDABLE, turned round).
ALLOWED = {
    status: tuple(d for d, takes in match_review.DECIDABLE.items() if status in takes) for status in resolve.STATUSES
}


def _masked_ids(cands: Iterable[resolve.Candidate], nodes: Mapping[str, Node]) -> set[str]:
    """Ids to pseudonymise: every entity linked by candidates (of any status) to a victim."""
    return set() if unmasked() else victim_linked_ids(cands, nodes)


def _shown(node_id: str, nodes: Mapping[str, Node], masked: set[str]) -> str:
    if node_id in masked:
        return pseudonym(node_id)
    node = nodes.get(node_id)
    return mask_node(node).caption if node else node_id


def _evidence(c: resolve.Candidate, masked: set[str]) -> tuple[resolve.Evidence, ...]:
    """The evidence as shown: names and birth dates hidden when the pair is pseudonymised."""
    if c.left_id not in masked and c.right_id not in masked:
        return c.evidence
    hidden = set(identifying_properties(Label.PERSON))
    return tuple(
        resolve.Evidence(
            e.prop,
            e.verdict,
            e.weight,
            f"{e.prop}: {e.verdict} (hidden while victims are pseudonymised)",
            similarity=e.similarity,
        )
        if e.prop in hidden
        else e
        for e in c.evidence
    )


def _summary(c: resolve.Candidate, masked: set[str]) -> str:
    if c.left_id not in masked and c.right_id not in masked:
        return c.summary
    what = "person" if c.label is Label.PERSON else str(c.label).lower()
    return resolve.summarise(c.score, _evidence(c, masked), what)


def _decide_many(every: list[resolve.Candidate]) -> None:
    """Accept, reject or undo every candidate a score band and evidence choose, each through
    ``resolve.decide`` as if decided alone (``graph_tool.match_review``)."""
    with st.expander("Decide many at once"):
        decision = st.radio("Decision", list(match_review.DECIDABLE), horizontal=True, key="bulk_decision")
        band = st.slider("Score between", 0.0, 1.0, (0.95, 1.0), 0.01, key="bulk_band")
        ways = sorted({f for c in every for f in c.found_by})
        found_by = st.multiselect("Found by (all of)", ways, key="bulk_found_by")
        said = sorted({f"{e.prop}:{e.verdict}" for c in every for e in c.evidence})
        evidence = st.multiselect("Evidence (all of)", said, key="bulk_evidence")
        selection = match_review.Selection(
            min_score=band[0], max_score=band[1], found_by=tuple(found_by), evidence=tuple(evidence)
        )
        chosen = match_review.choose(every, decision, selection)
        st.markdown(
            md_text(
                f"{len(chosen)} candidates would be {match_review.OUTCOME[decision]}, in this order: "
                + (", ".join(c.id for c in chosen[:5]) + (" ..." if len(chosen) > 5 else ""))
            )
        )
        if chosen:  # what the band's evidence says, before anyone decides it
            st.caption(
                md_text("Their evidence: " + match_review.describe_mix(match_review.evidence_mix(chosen), len(chosen)))
            )
        with st.form("decide_many"):
            reason = st.text_input("Reason (required, recorded with each decision)", max_chars=500, key="bulk_reason")
            analyst = st.text_input("Analyst", value=audit.who(), max_chars=100, key="bulk_analyst")
            pressed = st.form_submit_button(f"{decision.capitalize()} {len(chosen)} candidates", disabled=not chosen)
        if not pressed:
            return
        if not reason.strip() or not analyst.strip():
            st.error("Give a reason and the analyst's name: each decision is recorded with both. Nothing was changed.")
            return
        bar = st.progress(0.0)
        ticks = iter(range(1, len(chosen) + 1))
        try:
            with store() as s:
                done = match_review.decide_all(
                    s, decision, chosen, analyst, reason, lambda: bar.progress(next(ticks) / len(chosen))
                )
        except StoreError as exc:
            st.error(md_text(exc))
            return
        skipped = "".join(f"; skipped {cid}: {why}" for cid, why in done.skipped[:3])
        skipped += f"; {len(done.skipped) - 3} more skipped" if len(done.skipped) > 3 else ""
        done_as = match_review.OUTCOME[decision]
        st.session_state[FLASH_KEY] = f"{len(done.decided)} candidates {done_as} by {analyst}{skipped}."
        del st.session_state["bulk_reason"]
        st.rerun()


st.title("Possible matches")
st.caption(
    "Possible duplicates, scored and explained; nothing is merged until an analyst accepts, "
    "with a reason. Every decision is recorded and can be undone."
)

with st.form("find_matches"):
    labels = [str(lab) for lab in resolve.resolvable_labels()]
    label = st.selectbox("Entity type", labels)
    threshold = st.slider("Lowest score", 0.0, 1.0, resolve.DEFAULT_THRESHOLD, 0.05)
    if st.form_submit_button("Find possible matches"):
        try:
            with store() as s:
                found = resolve.propose(s, Label(label), threshold)
            st.session_state[FLASH_KEY] = f"{len(found)} open candidates at or above {threshold:.2f}."
        except StoreError as exc:
            st.error(md_text(exc))

if FLASH_KEY in st.session_state:
    st.success(md_text(st.session_state.pop(FLASH_KEY)))

status = st.selectbox("Status", [*resolve.STATUSES, ALL], key="matches_status")
try:
    with store() as s:
        every = resolve.list_candidates(s, None)
        ids = sorted({i for c in every for i in (c.left_id, c.right_id)})
        nodes = {n.id: n for lab in {c.label for c in every} for n in s.get_nodes(lab, ids)}
except StoreError as exc:
    st.error(md_text(exc))
    st.stop()
cands = [c for c in every if status == ALL or c.status == status]  # best first, as listed
_decide_many(every)
if not cands:
    st.info("No candidates with this status. Find possible matches above.")
    st.stop()

masked = _masked_ids(every, nodes)
st.dataframe(
    [
        {
            "candidate": c.id,
            "status": c.status,
            "score": round(c.score, 2),
            "keep": f"{_shown(c.left_id, nodes, masked)} ({c.left_id})",
            "merge": f"{_shown(c.right_id, nodes, masked)} ({c.right_id})",
            "summary": _summary(c, masked),
        }
        for c in cands
    ],
    hide_index=True,
    width="stretch",
)

by_id = {c.id: c for c in cands}
chosen = st.selectbox(
    "Review",
    list(by_id),
    key="matches_pick",
    format_func=lambda i: (
        f"{by_id[i].score:.2f}  {_shown(by_id[i].left_id, nodes, masked)} / "
        f"{_shown(by_id[i].right_id, nodes, masked)}  ({i})"
    ),
)
cand = by_id[chosen]
left, right = (_shown(i, nodes, masked) for i in (cand.left_id, cand.right_id))
st.subheader(md_text(f"{left} ({cand.left_id}) and {right} ({cand.right_id})"))
st.markdown(md_text(f"Score {cand.score:.2f}, {cand.status}. {_summary(cand, masked)}"))
st.dataframe(
    [
        {
            "property": e.prop,
            "verdict": e.verdict,
            "points": round(e.weight, 2),
            "similarity": None if e.similarity is None else round(e.similarity, 2),
            "detail": e.detail,
        }
        for e in _evidence(cand, masked)
    ],
    hide_index=True,
    width="stretch",
)
if cand.found_by:
    st.caption("Found by: " + md_text(", ".join(cand.found_by)))
if cand.decided_by:
    st.caption(md_text(f"{cand.status} by {cand.decided_by} at {cand.decided_at}: {cand.reason}"))

decisions = ALLOWED.get(cand.status, ())
if not decisions:
    st.caption("A rejected pair stays separate and is not proposed again.")
    st.stop()
with st.form("decide_match"):
    reason = st.text_input("Reason (required, recorded with the decision)", max_chars=500, key="matches_reason")
    analyst = st.text_input("Analyst", value=audit.who(), max_chars=100, key="matches_analyst")
    pressed = [d for d in decisions if st.form_submit_button(BUTTONS[d])]
if pressed:
    if not reason.strip():
        st.error("Give a reason: every decision is recorded with why it was taken. Nothing was changed.")
    elif not analyst.strip():
        st.error("Give the analyst's name: every decision is recorded with who took it. Nothing was changed.")
    else:
        try:
            with store() as s:
                done = resolve.decide(s, pressed[0], cand.id, analyst, reason)
        except StoreError as exc:
            st.error(md_text(exc))
        else:
            changed = {
                resolve.ACCEPTED: f": {done.right_id} merged into {done.left_id}",
                resolve.UNDONE: f": {done.right_id} is separate from {done.left_id} again",
            }.get(done.status, "")
            st.session_state[FLASH_KEY] = f"{done.id} {done.status} by {done.decided_by}{changed}."
            del st.session_state["matches_reason"]  # the next decision needs its own reason
            st.rerun()
