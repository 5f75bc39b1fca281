"""Shared pieces of the Streamlit pages: the cached store, masking of victims, drawing.

Only ``app.py`` and the modules in ``app_pages/`` import streamlit. Everything here is a
thin layer over the library: the store is cached with ``st.cache_resource``, results with
bounded ``st.cache_data``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

import streamlit as st

from graph_tool import audit, resolve
from graph_tool.analyse import AnalysisResults, case_graph, run_analyses
from graph_tool.config import open_store, store_spec
from graph_tool.model import Label, identifying_properties
from graph_tool.store.base import GraphStore, Node, StoreError, Subgraph
from graph_tool.viz import VizResult, render_html

T = TypeVar("T")

STORE_KEY = "store_location"
UNMASK_KEY = "unmask_reason"
VICTIM_RECORDS_KEY = "victim_records"

_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(text: object) -> str:
    r"""Plain text (names, ids, reasons from the case) made literal for ``st.markdown``.

    Streamlit renders markdown in ``st.markdown``, headings, captions and alerts: a name
    like ``![x](http://host/p.png)`` would otherwise fetch an image from another host, and
    ``[x](http://host)`` would become a link. Every ASCII punctuation character is
    backslash-escaped (CommonMark then shows it as it is) and line breaks become spaces.

    >>> print(md_text("![x](http://h/p.png) *a_b*"))
    \!\[x\]\(http\:\/\/h\/p\.png\) \*a\_b\*
    """
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(str(text).splitlines()))


def store_location() -> str:
    """The store the pages use: chosen on the Case page, else ``$GRAPH_TOOL_STORE``."""
    if STORE_KEY not in st.session_state:
        st.session_state[STORE_KEY] = str(store_spec(None))
    return str(st.session_state[STORE_KEY])


@st.cache_resource(show_spinner=False)
def _cached_store(location: str) -> tuple[GraphStore, threading.Lock]:
    # One store (and one database handle) per location for the whole server; the lock
    # serialises use across sessions, since an embedded database handle is not re-entrant.
    return open_store(location), threading.Lock()


@contextmanager
def store() -> Iterator[GraphStore]:
    """The cached store for the current location, used under its lock."""
    s, lock = _cached_store(store_location())
    with lock:
        yield s


def with_store(fn: Callable[[GraphStore], T]) -> T:
    """Run ``fn`` with the store (for cached computations)."""
    with store() as s:
        return fn(s)


# -- victims are pseudonymised unless an analyst unmasks them, with a reason ----------------


def _ui_key() -> bytes:
    return os.environ.get("GRAPH_TOOL_SHARE_KEY", "graph-tool-ui").encode()


def pseudonym(node_id: str) -> str:
    """A stable pseudonym for a victim, shown instead of the name."""
    digest = hmac.new(_ui_key(), node_id.encode(), hashlib.sha256).hexdigest()[:6].upper()
    return f"Victim {digest}"


def _has_victim_role(node: Node) -> bool:
    return node.label == Label.PERSON and "victim" in (node.props.get("roles") or [])


def victim_linked_ids(cands: Iterable[resolve.Candidate], nodes: Mapping[str, Node]) -> set[str]:
    """Ids that possible-match candidates (of any status) tie, directly or through other
    candidates, to a person recorded as a victim.

    A victim's second record (a border agency's traveller, a transliterated name) carries
    her name without her role; it is pseudonymised like her.
    """
    victims = {i for i, n in nodes.items() if _has_victim_role(n)}
    return resolve.linked_to(((c.left_id, c.right_id) for c in cands), victims)


@st.cache_data(max_entries=8, show_spinner=False)
def _victim_records(stamp: str) -> frozenset[str]:
    with store() as s:
        cands = resolve.list_candidates(s, None, Label.PERSON)
        ids = sorted({i for c in cands for i in (c.left_id, c.right_id)})
        nodes = {n.id: n for n in s.get_nodes(Label.PERSON, ids)} if ids else {}
    return frozenset(victim_linked_ids(cands, nodes))


def is_victim(node: Node) -> bool:
    """A person recorded as a victim, or one of her other records (see victim_controls)."""
    if node.label != Label.PERSON:
        return False
    return _has_victim_role(node) or node.id in st.session_state.get(VICTIM_RECORDS_KEY, ())


def unmasked() -> bool:
    return bool(st.session_state.get(UNMASK_KEY))


def mask_node(node: Node) -> Node:
    """The node as shown: victims' identifying fields replaced unless unmasked."""
    if unmasked() or not is_victim(node):
        return node
    hidden = set(identifying_properties(Label.PERSON)) | {"name_key", "source_refs", "notes", "attrs"}
    props = {k: v for k, v in node.props.items() if k not in hidden}
    props["name"] = pseudonym(node.id)
    return replace(node, props=props)


def mask_subgraph(sub: Subgraph) -> Subgraph:
    return Subgraph(tuple(mask_node(n) for n in sub.nodes), sub.edges)


def victim_controls() -> None:
    """Sidebar: victims are pseudonymised; unmasking needs a reason and is audited.

    Once per run, before any page draws, it also notes which people are victims' other
    records (possible matches of a victim), so every page pseudonymises them too.
    """
    try:
        st.session_state[VICTIM_RECORDS_KEY] = _victim_records(case_stamp())
    except StoreError:
        st.session_state[VICTIM_RECORDS_KEY] = frozenset()
    with st.sidebar:
        if unmasked():
            st.warning(f"Victims shown in clear. Reason: {md_text(st.session_state[UNMASK_KEY])}")
            if st.button("Pseudonymise victims again"):
                st.session_state[UNMASK_KEY] = ""
                st.rerun()
            return
        st.caption("Victims are shown pseudonymised.")
        with st.form("unmask"):
            reason = st.text_input("Reason to show victims' names", max_chars=300)
            if st.form_submit_button("Unmask victims") and reason.strip():
                audit.record("unmask", {"where": "ui", "store": store_location(), "reason": reason.strip()})
                st.session_state[UNMASK_KEY] = reason.strip()
                st.rerun()


# -- drawing -------------------------------------------------------------------------------


def draw(sub: Subgraph, title: str, highlight: Mapping[str, str] | None = None, **kwargs: Any) -> VizResult:
    """Draw a subgraph with the safe offline viewer, and say what was left out."""
    result = render_html(mask_subgraph(sub), title=title, highlight=highlight, **kwargs)
    st.caption(
        f"{result.drawn_nodes} nodes and {result.drawn_edges} relationships drawn"
        + (
            f"; {result.omitted_nodes} nodes and {result.omitted_edges} relationships left out"
            if result.omitted_nodes or result.omitted_edges
            else ""
        )
    )
    for note in result.notes:
        st.caption(md_text(note))
    # The page is self-contained and carries its own CSP; every value in it is escaped.
    st.iframe(result.html, height=result.frame_height or 780)
    return result


def node_table(nodes: list[Node]) -> list[dict[str, Any]]:
    """Rows for a table of nodes (masked)."""
    out = []
    for n in nodes:
        m = mask_node(n)
        out.append({"id": m.id, "type": m.label, "caption": m.caption, "roles": ", ".join(m.props.get("roles") or [])})
    return out


def props_table(node: Node) -> list[dict[str, str]]:
    m = mask_node(node)
    return [
        {"property": k, "value": ", ".join(map(str, v)) if isinstance(v, list) else str(v)}
        for k, v in sorted(m.props.items())
    ]


# -- analyses, computed once per case state ------------------------------------------------


def case_stamp() -> str:
    """Changes whenever the case's counts change, so cached analyses are recomputed."""
    with store() as s:
        counts = s.counts()
    return store_location() + "|" + ",".join(f"{k}={v}" for k, v in sorted(counts.items()))


@st.cache_data(max_entries=4, show_spinner="Analysing the case ...")
def analyses(stamp: str) -> AnalysisResults:
    """All analyses of the current case (cached by case state)."""
    with store() as s:
        graph = case_graph(s)
    return run_analyses(graph)


@st.cache_data(max_entries=8, show_spinner=False)
def nodes_by_id(stamp: str, ids: tuple[str, ...]) -> dict[str, Node]:
    """Nodes of any label by id (for captions)."""
    with store() as s:
        out: dict[str, Node] = {}
        for label in Label:
            for n in s.get_nodes(label, list(ids)):
                out[n.id] = n
    return out


def caption(node_id: str, known: Mapping[str, Node]) -> str:
    """What a person sees for an id (a victim's pseudonym unless unmasked)."""
    node = known.get(node_id)
    return mask_node(node).caption if node else node_id


def subgraph_of(ids: list[str], hops: int = 0) -> Subgraph:
    """The given entities and the relationships among them (plus ``hops`` around them)."""
    with store() as s:
        sub = Subgraph()
        for i in ids:
            try:
                sub = sub.merged(s.neighbourhood(i, hops=max(hops, 1), limit=2000))
            except StoreError:  # an id that vanished since the analysis ran
                pass
    if hops:
        return sub
    wanted = set(ids)
    return Subgraph(
        tuple(n for n in sub.nodes if n.id in wanted),
        tuple(e for e in sub.edges if e.source in wanted and e.target in wanted),
    )
