"""Draw a subgraph as one self-contained, offline, escaped HTML page (vis-network).

This is the only module that draws graphs as HTML, and the only one that imports pyvis. It
uses pyvis for one thing: the vis-network 9.1.2 assets the package ships, which it inlines.
It does not use pyvis's ``Network`` or its template, because pyvis 0.3.2

* writes ``popup.innerHTML = title``, so a name like ``<img src=x onerror=...>`` runs script;
* loads vis-network and bootstrap from CDNs even with ``cdn_resources="local"``, which breaks
  the page on an air-gapped network and leaks that a case is being viewed;
* builds its node list with ``add_node``, which is quadratic in the number of nodes.

What :func:`render_html` produces instead:

* one HTML document with every script and style inline and a Content-Security-Policy that
  forbids every network request (``default-src 'none'``, ``connect-src 'none'``, scripts and
  styles allowed only with a per-render random nonce, images only as ``data:``);
* the graph data as JSON in a ``<script type="application/json">`` block, with ``<``, ``>``,
  ``&``, U+2028 and U+2029 escaped, read with ``JSON.parse``; tooltips are built in the
  browser as ``<div>`` elements filled with ``textContent``; labels are drawn on a canvas;
  every text placed in HTML (title, banner, legend, notes) is HTML-escaped;
* large fan-outs (a hub with more than ``group_threshold`` neighbours of one label that have
  no other link) drawn as one group node ("+312 phones") and reported in
  :attr:`VizResult.groups`, so that a UI can expand them on demand (``expand=``);
* at most ``max_nodes`` nodes (highlighted first, then by score, role and degree); what was
  left out and why is said in :attr:`VizResult.notes` and on the page;
* positions computed on the server with igraph (Fruchterman-Reingold per connected
  component, components packed in rows) and vis-network physics off, so that 3,000 nodes
  draw in about a second; the page sets ``window.graphReady = true`` once it has painted.

>>> from graph_tool.model import Label, Rel
>>> from graph_tool.store.base import Edge, Node, Subgraph
>>> sg = Subgraph((Node(Label.PERSON, "p1", {"name": "<b>Ana</b>"}), Node(Label.PHONE, "t1")),
...               (Edge(Rel.USES, "e1", "p1", "t1"),))
>>> r = render_html(sg, title="Demo")
>>> r.drawn_nodes, r.drawn_edges, r.omitted_nodes
(2, 1, 0)
>>> "<b>Ana</b>" in r.html, "\\\\u003cb\\\\u003eAna" in r.html
(False, True)
"""

from __future__ import annotations

import html
import json
import math
import random
import re
import secrets
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import igraph
import pyvis

from graph_tool.model import NODE_TYPES, REL_TYPES, ROLES, Label, Rel
from graph_tool.store.base import Edge, Node, Subgraph

__all__ = [
    "EDGE_STYLES",
    "NODE_STYLES",
    "PHYSICS_UP_TO",
    "ROLE_COLOURS",
    "NodeStyle",
    "VizGroup",
    "VizResult",
    "pyvis_default_page",
    "render_html",
    "vis_assets",
]

# --- Styles: keyed by the model's enums --------------------------------------------------


@dataclass(frozen=True)
class NodeStyle:
    """How one node label is drawn: fill colour, vis-network shape, base size."""

    colour: str
    shape: str
    size: int = 12


NODE_STYLES: dict[Label, NodeStyle] = {
    Label.PERSON: NodeStyle("#4e79a7", "dot", 13),
    Label.DOCUMENT: NodeStyle("#f28e2b", "square", 10),
    Label.PHONE: NodeStyle("#59a14f", "triangle", 10),
    Label.ACCOUNT: NodeStyle("#edc948", "diamond", 11),
    Label.PAYMENT: NodeStyle("#b07aa1", "triangleDown", 8),
    Label.ADDRESS: NodeStyle("#9c755f", "dot", 9),
    Label.ORGANISATION: NodeStyle("#76b7b2", "hexagon", 14),
    Label.EVENT: NodeStyle("#86bcb6", "square", 9),
    Label.SOURCE: NodeStyle("#bab0ac", "dot", 7),
    Label.FINDING: NodeStyle("#e15759", "star", 14),
    Label.CANDIDATE: NodeStyle("#d4a6c8", "diamond", 8),
}
UNKNOWN_STYLE = NodeStyle("#9d9d9d", "dot", 9)

# Roles are drawn as a thick border. Keys are the model's HTCDS roles plus the extra roles a
# caller may pass in ``highlight`` (a finding); any other highlight role gets HIGHLIGHT_COLOUR.
ROLE_COLOURS: dict[str, str] = {
    "broker": "#ff6f00",
    "recruiter": "#8e24aa",
    "exploiter": "#c2185b",
    "transporter": "#5d4037",
    "document_forger": "#00838f",
    "financier": "#2e7d32",
    "buyer": "#827717",
    "suspect": "#37474f",
    "victim": "#d50000",
    "witness": "#1e88e5",
    "finding": "#b71c1c",
}
HIGHLIGHT_COLOUR = "#000000"
# When a node has several roles, the first of these is drawn (all are in the tooltip).
ROLE_PRIORITY: tuple[str, ...] = tuple(ROLE_COLOURS) + tuple(r for r in ROLES if r not in ROLE_COLOURS)

_MONEY, _CONTROL, _PERSONAL, _COMMS, _DOCS, _META = (
    "#2e7d32",
    "#c62828",
    "#6a1b9a",
    "#1565c0",
    "#ef6c00",
    "#9e9e9e",
)
EDGE_STYLES: dict[Rel, tuple[str, bool]] = {  # colour, dashed
    Rel.HOLDS: (_DOCS, False),
    Rel.SPONSORED: (_DOCS, False),
    Rel.ISSUED: (_DOCS, False),
    Rel.USES: (_COMMS, False),
    Rel.CALLED: (_COMMS, False),
    Rel.OWNS: (_MONEY, False),
    Rel.SENT: (_MONEY, False),
    Rel.PAID_TO: (_MONEY, False),
    Rel.RECRUITED: (_CONTROL, False),
    Rel.TRANSPORTED: (_CONTROL, False),
    Rel.INTRODUCED: (_CONTROL, False),
    Rel.EMPLOYED_BY: (_CONTROL, False),
    Rel.MARRIED_TO: (_PERSONAL, False),
    Rel.FAMILY_OF: (_PERSONAL, False),
    Rel.ASSOCIATE_OF: (_PERSONAL, False),
    Rel.LIVES_AT: (_META, False),
    Rel.LOCATED_AT: (_META, False),
    Rel.PARTICIPATED_IN: (_META, False),
    Rel.USED_IN: (_META, False),
    Rel.EVIDENCE: (_CONTROL, True),
    Rel.CANDIDATE_FOR: (_META, True),
}
UNKNOWN_EDGE_STYLE = ("#b0b0b0", False)

# Tie-break of the cap among nodes equal otherwise: the actors, then their identifiers, then the rest.
_TIER: dict[Label | None, int] = {
    Label.PERSON: 0,
    Label.ORGANISATION: 0,
    Label.FINDING: 0,
    Label.PHONE: 1,
    Label.ACCOUNT: 1,
    Label.DOCUMENT: 1,
}
_PLURALS: dict[Label, str] = {Label.PERSON: "people", Label.CANDIDATE: "match candidates"}

PHYSICS_UP_TO = 100  # layout="auto": up to this many nodes, a short physics stabilisation tidies the layout
LARGE_ABOVE = 200  # above this many nodes: straight edges, edges hidden while dragging or zooming
FR_EXACT_UP_TO = 250  # Fruchterman-Reingold without its grid approximation up to this many nodes
EDGE_LENGTH = 90.0  # median edge length of the server layout, in vis-network canvas pixels
LABEL_CHARS = 40  # node captions longer than this are cut (the tooltip has the full text)
VALUE_CHARS = 300  # tooltip values longer than this are cut
TOOLTIP_PROPS = 40  # at most this many properties per tooltip
GROUP_PREVIEW = 15  # member captions listed in a group's tooltip
SCORE_PROPS = ("broker_score", "betweenness")  # node size follows the first one present
TOOLTIP_SKIP = frozenset({"attrs", "source_refs", "loaded_at", "updated_at", "merge_record"})
LAYOUTS = ("auto", "server", "physics")

_HEIGHT = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|vh|em|rem|%)$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_IGRAPH_RNG = threading.Lock()
_LABELS: dict[str, Label] = {lab.value: lab for lab in Label}
_RELS: dict[str, Rel] = {rel.value: rel for rel in Rel}


# --- Result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VizGroup:
    """A fan-out drawn as one node: ``members`` (of ``label``) linked to ``hub`` only."""

    id: str  # the group node's id in the page
    hub: str  # id of the node the members hang off
    label: str  # the members' node label (a :class:`Label` value)
    members: tuple[str, ...]  # member node ids, sorted
    edge_ids: tuple[str, ...]  # the relationships between hub and members, sorted

    @property
    def size(self) -> int:
        """Number of member nodes."""
        return len(self.members)


@dataclass
class VizResult:
    """A rendered page and an account of what it shows and what it leaves out."""

    html: str
    drawn_nodes: int  # vis-network nodes in the page, group nodes included
    drawn_edges: int  # vis-network edges in the page (parallel relationships merged)
    omitted_nodes: int  # input nodes neither drawn nor inside a drawn group
    omitted_edges: int  # input relationships neither drawn nor inside a drawn group
    groups: list[VizGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layout: str = "server"  # "server" (precomputed, physics off) or "physics"
    grouped_nodes: int = 0  # input nodes represented by group nodes
    frame_height: int | None = None  # suggested iframe height in pixels (px heights only)


# --- Assets ------------------------------------------------------------------------------


def _vis_dir() -> Path:
    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """The vis-network 9.1.2 script and stylesheet shipped inside the pyvis package.

    Made safe to inline: a ``</script`` or ``</style`` inside them (there is none in 9.1.2)
    would end the element early, so it is escaped; the stylesheet must reference no URL but
    ``data:`` images.
    """
    folder = _vis_dir()
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.I).replace("<!--", "<\\!--")
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.I)
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
        if not url.startswith("data:"):
            raise RuntimeError(f"vis-network.css references {url[:60]!r}; only data: URLs can be inlined offline")
    return js, css


# --- Text --------------------------------------------------------------------------------


def _clean(text: object, limit: int | None = None) -> str:
    """Plain text safe to carry anywhere: valid UTF-8, no control characters, cut to ``limit``."""
    s = text if isinstance(text, str) else str(text)
    s = s.encode("utf-8", "replace").decode("utf-8")
    s = _CONTROL_CHARS.sub("\ufffd", s)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def _esc(text: object) -> str:
    """HTML-escape for element content and quoted attributes."""
    return html.escape(_clean(text), quote=True)


def _script_json(obj: object) -> str:
    """JSON that can sit inside ``<script type="application/json">``: nothing in it can end
    the element, start a comment, or break a JavaScript line."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _plural(label: str) -> str:
    try:
        return _PLURALS[Label(label)]
    except (ValueError, KeyError):
        pass
    words = _CAMEL.sub(" ", label).lower()
    return words + ("es" if words.endswith(("s", "x", "ch", "sh")) else "s")


def _label_enum(label: str) -> Label | None:
    return _LABELS.get(label)


def _caption(node: Node) -> str:
    lab = _label_enum(node.label)
    value: Any = None
    if lab is not None:
        value = node.props.get(NODE_TYPES[lab].display)
        if lab is Label.PAYMENT and value not in (None, "") and node.props.get("currency"):
            value = f"{_fmt(value)} {node.props['currency']}"
    text = _fmt(value) if value not in (None, "") else node.id
    return _clean(" ".join(text.split()), LABEL_CHARS)


def _roles(node: Node) -> list[str]:
    raw = node.props.get("roles")
    if raw is None or raw == "":
        return []
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple | set) else [raw]
    return [str(v) for v in values if v not in (None, "")]


def _score(node: Node) -> float | None:
    for name in SCORE_PROPS:
        value = node.props.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def _prop_order(node: Node) -> list[str]:
    lab = _label_enum(node.label)
    declared = [p.name for p in NODE_TYPES[lab].all_properties] if lab is not None else []
    keys = [k for k in declared if k in node.props]
    keys += sorted(k for k in node.props if k not in set(declared))
    return [k for k in keys if k not in TOOLTIP_SKIP and k != "id"]


def _node_tooltip(node: Node, highlight_role: str | None) -> str:
    lines = [f"{node.label} · {node.id}"]
    if highlight_role:
        lines.append(f"highlighted as: {highlight_role}")
    shown = 0
    for key in _prop_order(node):
        value = node.props[key]
        if value is None or value == "" or value == [] or value == ():
            continue
        if shown == TOOLTIP_PROPS:
            lines.append("…")
            break
        lines.append(f"{key}: {_clean(_fmt(value), VALUE_CHARS)}")
        shown += 1
    return _clean("\n".join(lines))


def _edge_tooltip(edges: list[Edge], caption: Callable[[str], str]) -> str:
    first = edges[0]
    head = f"{first.type}" + (f" ×{len(edges)}" if len(edges) > 1 else f" · {first.id}")
    lines = [head, f"{caption(first.source)} → {caption(first.target)}"]
    if len(edges) == 1:
        for key in sorted(k for k in first.props if k not in TOOLTIP_SKIP and k != "id")[:TOOLTIP_PROPS]:
            value = first.props[key]
            if value is None or value == "":
                continue
            lines.append(f"{key}: {_clean(_fmt(value), VALUE_CHARS)}")
    else:
        ids = [e.id for e in edges[:10]]
        lines.append("ids: " + ", ".join(ids) + (", …" if len(edges) > 10 else ""))
    return _clean("\n".join(lines))


# --- Layout ------------------------------------------------------------------------------


def _component_layout(n: int, pairs: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    """Fruchterman-Reingold for one connected component, scaled to EDGE_LENGTH."""
    if n == 1:
        return [(0.0, 0.0)]
    if n == 2:
        return [(0.0, 0.0), (EDGE_LENGTH, 0.0)]
    g = igraph.Graph(n=n, edges=pairs)
    with _IGRAPH_RNG:  # igraph's random generator is global: swap in a seeded one, put it back
        igraph.set_random_number_generator(random.Random(seed))
        try:
            # The exact variant is O(n^2) per iteration (1.8 s at 1,000 nodes); the grid one
            # is near linear (0.1 s) and looks the same at that size.
            coords = g.layout_fruchterman_reingold(niter=500, grid=n > FR_EXACT_UP_TO).coords
        finally:
            igraph.set_random_number_generator(random)
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    median = lengths[len(lengths) // 2] if lengths else 0.0
    factor = EDGE_LENGTH / median if median > 1e-9 else EDGE_LENGTH
    return [(x * factor, y * factor) for x, y in coords]


def _layout(n: int, pairs: Iterable[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    """Positions for ``n`` nodes: each component laid out alone, then packed in rows."""
    adj: list[set[int]] = [set() for _ in range(n)]
    for a, b in pairs:
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    comp = [-1] * n
    components: list[list[int]] = []
    for start in range(n):
        if comp[start] >= 0:
            continue
        members, stack = [], [start]
        comp[start] = len(components)
        while stack:
            v = stack.pop()
            members.append(v)
            for u in adj[v]:
                if comp[u] < 0:
                    comp[u] = len(components)
                    stack.append(u)
        components.append(sorted(members))
    components.sort(key=lambda m: (-len(m), m[0]))
    singles = [m[0] for m in components if len(m) == 1]
    boxes: list[tuple[list[int], list[tuple[float, float]]]] = []
    for k, members in enumerate(m for m in components if len(m) > 1):
        local = {v: i for i, v in enumerate(members)}
        sub = sorted({(min(local[v], local[u]), max(local[v], local[u])) for v in members for u in adj[v]})
        boxes.append((members, _component_layout(len(members), sub, seed + k)))
    if singles:  # isolated nodes: one square grid
        side = math.ceil(math.sqrt(len(singles)))
        grid = [((i % side) * EDGE_LENGTH * 0.8, (i // side) * EDGE_LENGTH * 0.8) for i in range(len(singles))]
        boxes.append((singles, grid))
    gap = EDGE_LENGTH * 1.5
    area = 0.0
    sized = []
    for members, coords in boxes:
        left, top = min(c[0] for c in coords), min(c[1] for c in coords)
        w, h = max(c[0] for c in coords) - left, max(c[1] for c in coords) - top
        sized.append((members, [(x - left, y - top) for x, y in coords], w, h))
        area += (w + gap) * (h + gap)
    row_width = max([math.sqrt(area) * 1.2] + [s[2] for s in sized])
    out: list[tuple[float, float]] = [(0.0, 0.0)] * n
    x0, y0, row_h = 0.0, 0.0, 0.0
    for members, coords, w, h in sized:
        if x0 > 0 and x0 + w > row_width:
            x0, y0, row_h = 0.0, y0 + row_h + gap, 0.0
        for v, (x, y) in zip(members, coords, strict=True):
            out[v] = (x0 + x, y0 + y)
        x0 += w + gap
        row_h = max(row_h, h)
    cx = (max(p[0] for p in out) + min(p[0] for p in out)) / 2 if out else 0.0
    cy = (max(p[1] for p in out) + min(p[1] for p in out)) / 2 if out else 0.0
    return [(round(x - cx, 1), round(y - cy, 1)) for x, y in out]


# --- Rendering ---------------------------------------------------------------------------


def _css_height(height: str | int) -> str:
    value = f"{height}px" if isinstance(height, int) and not isinstance(height, bool) else str(height).strip()
    if not _HEIGHT.match(value):
        raise ValueError(f"height must be a CSS length such as '750px' or '80vh', not {height!r}")
    return value


def _role_colour(role: str) -> str:
    return ROLE_COLOURS.get(role, HIGHLIGHT_COLOUR)


def _pick_role(roles: list[str]) -> str | None:
    known = [r for r in ROLE_PRIORITY if r in roles]
    return known[0] if known else (roles[0] if roles else None)


def render_html(
    subgraph: Subgraph,
    *,
    title: str,
    max_nodes: int = 3000,
    highlight: Mapping[str, str] | None = None,
    group_threshold: int | None = 25,
    banner: str | None = None,
    layout: str = "auto",
    height: str | int = "750px",
    max_edges: int = 20_000,
    expand: Collection[str] = (),
    seed: int = 0,
) -> VizResult:
    """Draw ``subgraph`` as a self-contained HTML page that makes no network request.

    Parameters
    ----------
    subgraph : the nodes and relationships to draw (edges to absent nodes are dropped).
    title : page heading (escaped).
    max_nodes : at most this many nodes are drawn, group nodes included; kept first are the
        highlighted nodes, then nodes by ``broker_score`` (or ``betweenness``), then nodes
        with a role, then by number of neighbours (people and organisations before
        identifiers, identifiers before payments, events and the rest).
    highlight : node id -> role to mark it with (``broker``, ``victim``, ``finding``, ...).
    group_threshold : a hub with more than this many neighbours of one label that link to
        nothing else has them drawn as one group node; ``None`` never groups.
    banner : a handling or classification marking shown above and below the graph.
    layout : ``"auto"`` (server positions; up to ``PHYSICS_UP_TO`` nodes a short physics
        stabilisation then tidies them), ``"server"`` (physics always off) or ``"physics"``
        (the short stabilisation at any size: slow beyond a few hundred nodes).
    height : CSS height of the graph area (``"750px"``, ``"80vh"``, or pixels as an int).
    max_edges : at most this many drawn edges (after merging parallel ones).
    expand : group ids or hub ids whose fan-outs are drawn node by node.
    seed : layout seed; the same input and seed give the same page apart from the nonce.

    Returns
    -------
    VizResult
        the page; counts of what it draws and leaves out; the groups; notes saying why.

    Examples
    --------
    >>> from graph_tool.model import Label, Rel
    >>> hub = Node(Label.PERSON, "p0", {"name": "Hub"})
    >>> phones = [Node(Label.PHONE, f"t{i}") for i in range(30)]
    >>> uses = [Edge(Rel.USES, f"e{i}", "p0", f"t{i}") for i in range(30)]
    >>> r = render_html(Subgraph((hub, *phones), tuple(uses)), title="Fan-out")
    >>> r.drawn_nodes, r.groups[0].size, r.grouped_nodes
    (2, 30, 30)
    >>> render_html(Subgraph((hub, *phones), tuple(uses)), title="Fan-out", expand=[hub.id]).drawn_nodes
    31
    """
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    if max_edges < 0:
        raise ValueError("max_edges must not be negative")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    css_height = _css_height(height)
    marks = {k: _clean(v, 60) for k, v in (highlight or {}).items() if v not in (None, "")}

    g = _Graph.of(subgraph, marks)
    groups = _fan_outs(g, marks, group_threshold, set(expand))
    plan = _cap(g, groups, marks, max_nodes, group_threshold)
    _choose_edges(g, plan, marks, max_edges)
    units = [nid for nid in g.nodes if nid in plan.kept] + [grp.id for grp in plan.groups]
    unit_index = {uid: i for i, uid in enumerate(units)}
    pairs = {(min(unit_index[s], unit_index[t]), max(unit_index[s], unit_index[t])) for (s, t, _type) in plan.edges}
    pairs |= {(unit_index[grp.hub], unit_index[grp.id]) for grp in plan.groups}
    positions = dict(zip(units, _layout(len(units), sorted(pairs), seed), strict=True))
    physics = bool(units) and (layout == "physics" or (layout == "auto" and len(units) <= PHYSICS_UP_TO))

    data = _vis_data(g, plan, marks, positions)
    options = _vis_options(data.groups, physics=physics, large=len(units) > LARGE_ABOVE)
    payload = {"nodes": data.nodes, "edges": data.edges, "options": options, "physics": physics}
    legend, legend_css = _legend(data.labels, data.roles, data.edge_types, plan.groups, has_scores=data.has_scores)
    notes = g.notes + plan.notes
    page = _page(
        title=title,
        banner=banner,
        nonce=secrets.token_urlsafe(18),
        css=_PAGE_CSS.replace("__HEIGHT__", css_height) + legend_css,
        payload=_script_json(payload),
        legend=legend,
        notes=notes,
        drawn_nodes=len(data.nodes),
        drawn_edges=len(data.edges),
    )
    frame_height = None
    if css_height.endswith("px"):
        frame_height = int(float(css_height[:-2])) + 60 + (52 if banner else 0) + 22 * len(notes)
    return VizResult(
        html=page,
        drawn_nodes=len(data.nodes),
        drawn_edges=len(data.edges),
        omitted_nodes=plan.omitted_nodes,
        omitted_edges=plan.omitted_edges + g.dropped_edges,
        groups=plan.groups,
        notes=notes,
        layout="physics" if physics else "server",
        grouped_nodes=sum(grp.size for grp in plan.groups),
        frame_height=frame_height,
    )


# --- Rendering stages --------------------------------------------------------------------


@dataclass
class _Graph:
    """The input, deduplicated, with undirected neighbour sets."""

    nodes: dict[str, Node]
    edges: list[Edge]
    index: dict[str, int]  # node id -> input position (the tie-breaker everywhere)
    neighbours: dict[str, set[str]]
    scores: dict[str, float | None]
    dropped_edges: int = 0  # dangling or duplicate
    notes: list[str] = field(default_factory=list)
    _captions: dict[str, str] = field(default_factory=dict)

    def caption(self, nid: str) -> str:
        """The node's caption, computed once (only drawn nodes ever need one)."""
        text = self._captions.get(nid)
        if text is None:
            text = self._captions[nid] = _caption(self.nodes[nid])
        return text

    @classmethod
    def of(cls, subgraph: Subgraph, marks: Mapping[str, str]) -> _Graph:
        nodes: dict[str, Node] = {}
        for node in subgraph.nodes:
            nodes.setdefault(node.id, node)
        notes = []
        if len(nodes) < len(subgraph.nodes):
            notes.append(f"{len(subgraph.nodes) - len(nodes):,} duplicate node ids were drawn once.")
        edges: list[Edge] = []
        seen: set[str] = set()
        dangling = duplicates = 0
        for edge in subgraph.edges:
            if edge.id in seen:
                duplicates += 1
            elif edge.source not in nodes or edge.target not in nodes:
                dangling += 1
            else:
                seen.add(edge.id)
                edges.append(edge)
        if dangling:
            notes.append(f"Left out {dangling:,} relationships whose end node is not in the subgraph.")
        if duplicates:
            notes.append(f"{duplicates:,} duplicate relationship ids were drawn once.")
        missing = sum(1 for nid in marks if nid not in nodes)
        if missing:
            notes.append(f"{missing:,} highlighted ids are not in the subgraph.")
        neighbours: dict[str, set[str]] = {nid: set() for nid in nodes}
        for edge in edges:
            neighbours[edge.source].add(edge.target)
            neighbours[edge.target].add(edge.source)
        return cls(
            nodes=nodes,
            edges=edges,
            index={nid: i for i, nid in enumerate(nodes)},
            neighbours=neighbours,
            scores={nid: _score(node) for nid, node in nodes.items()},
            dropped_edges=dangling + duplicates,
            notes=notes,
        )


def _fan_outs(g: _Graph, marks: Mapping[str, str], threshold: int | None, expand: set[str]) -> list[VizGroup]:
    """Hubs with more than ``threshold`` neighbours of one label that link to nothing else."""
    if threshold is None:
        return []
    leaves: dict[tuple[str, str], list[str]] = defaultdict(list)
    for nid, node in g.nodes.items():
        nbrs = g.neighbours[nid]  # a self-loop counts as another link
        if len(nbrs) == 1 and nid not in marks and nid not in expand:
            (hub,) = nbrs
            leaves[(hub, str(node.label))].append(nid)
    member_edges: dict[str, list[str]] = defaultdict(list)
    groups: list[VizGroup] = []
    taken = set(g.nodes)
    for (hub, label), members in sorted(leaves.items(), key=lambda kv: (g.index[kv[0][0]], kv[0][1])):
        if len(members) <= threshold or hub in expand:
            continue
        gid = f"group:{hub}:{label}"
        while gid in taken:
            gid += "'"
        if gid in expand:
            continue
        taken.add(gid)
        if not member_edges:
            for edge in g.edges:
                for end in (edge.source, edge.target):
                    if len(g.neighbours[end]) == 1:
                        member_edges[end].append(edge.id)
        edge_ids = sorted({eid for m in members for eid in member_edges[m]})
        groups.append(VizGroup(gid, hub, label, tuple(sorted(members)), tuple(edge_ids)))
    return groups


@dataclass
class _Plan:
    """What is drawn: kept nodes, kept groups, and merged edges between kept nodes."""

    kept: set[str]
    groups: list[VizGroup]
    grouped: dict[str, VizGroup]  # member id -> kept group
    ranked: list[str]
    omitted_nodes: int
    edges: dict[tuple[str, str, str], list[Edge]] = field(default_factory=dict)
    omitted_edges: int = 0
    notes: list[str] = field(default_factory=list)


def _cap(g: _Graph, groups: list[VizGroup], marks: Mapping[str, str], max_nodes: int, threshold: int | None) -> _Plan:
    """Keep at most ``max_nodes``: highlighted first, then by score, then by degree; a kept
    hub brings its group nodes while there is room."""
    in_group = {m for grp in groups for m in grp.members}
    by_hub: dict[str, list[VizGroup]] = defaultdict(list)
    for grp in groups:
        by_hub[grp.hub].append(grp)

    def priority(nid: str) -> tuple[bool, float, bool, int, int, int]:
        node, score = g.nodes[nid], g.scores[nid]
        return (
            nid not in marks,
            -score if score is not None else math.inf,
            not _roles(node),  # a person with an HTCDS role before one without
            -len(g.neighbours[nid]),
            _TIER.get(_label_enum(node.label), 2),  # among equals: people and organisations first
            g.index[nid],
        )

    ranked = sorted((nid for nid in g.nodes if nid not in in_group), key=priority)
    budget = max_nodes
    kept: set[str] = set()
    kept_groups: list[VizGroup] = []
    for nid in ranked:
        if budget == 0:
            break
        kept.add(nid)
        budget -= 1
        for grp in by_hub.get(nid, []):
            if budget > 0:
                kept_groups.append(grp)
                budget -= 1
    kept_groups.sort(key=lambda grp: (g.index[grp.hub], grp.label))
    kept_ids = {grp.id for grp in kept_groups}
    dropped = [grp for grp in groups if grp.id not in kept_ids]
    omitted = [nid for nid in ranked if nid not in kept]
    omitted_nodes = len(omitted) + sum(grp.size for grp in dropped)
    notes = []
    if omitted_nodes:
        by_label: Counter[str] = Counter(str(g.nodes[nid].label) for nid in omitted)
        for grp in dropped:
            by_label[grp.label] += grp.size
        detail = ", ".join(f"{n:,} {lab}" for lab, n in sorted(by_label.items(), key=lambda kv: (-kv[1], kv[0])))
        notes.append(
            f"Left out {omitted_nodes:,} of {len(g.nodes):,} nodes to stay within {max_nodes:,} drawn nodes "
            f"(kept first: highlighted nodes, then by score, people with a role, number of links): {detail}."
        )
    if kept_groups:
        grouped = sum(grp.size for grp in kept_groups)
        notes.append(
            f"{grouped:,} nodes are drawn as {len(kept_groups):,} group nodes (dashed border): fan-outs of more "
            f"than {threshold} nodes of one type that link to one node only. Expand a group to see its members."
        )
    return _Plan(
        kept=kept,
        groups=kept_groups,
        grouped={m: grp for grp in kept_groups for m in grp.members},
        ranked=ranked,
        omitted_nodes=omitted_nodes,
        notes=notes,
    )


def _choose_edges(g: _Graph, plan: _Plan, marks: Mapping[str, str], max_edges: int) -> None:
    """Edges between kept nodes, parallel ones (same type, same ends) merged, at most
    ``max_edges`` drawn in all (one per kept group included)."""
    merged: dict[tuple[str, str, str], list[Edge]] = {}
    lost = 0
    for edge in g.edges:
        if edge.source in plan.grouped or edge.target in plan.grouped:
            continue  # drawn as the group's edge
        if edge.source not in plan.kept or edge.target not in plan.kept:
            lost += 1
            continue
        src, dst, etype = edge.source, edge.target, str(edge.type)
        rel = _rel_enum(etype)
        if rel is not None and REL_TYPES[rel].symmetric and g.index[dst] < g.index[src]:
            src, dst = dst, src
        merged.setdefault((src, dst, etype), []).append(edge)
    if lost:
        plan.notes.append(f"Left out {lost:,} relationships to nodes that are not drawn.")
    rank = {nid: i for i, nid in enumerate(plan.ranked)}
    keys = sorted(
        merged,
        key=lambda k: (
            not (k[0] in marks or k[1] in marks),
            max(rank[k[0]], rank[k[1]]),
            g.index[k[0]],
            g.index[k[1]],
            k[2],
        ),
    )
    room = max(0, max_edges - len(plan.groups))
    if len(keys) > room:
        cut = sum(len(merged[k]) for k in keys[room:])
        lost += cut
        keys = keys[:room]
        plan.notes.append(
            f"Left out {cut:,} relationships to stay within {max_edges:,} drawn edges "
            "(those of highlighted and higher-ranked nodes kept)."
        )
    keys.sort(key=lambda k: (g.index[k[0]], g.index[k[1]], k[2]))
    plan.edges = {k: merged[k] for k in keys}
    plan.omitted_edges = lost
    parallel = sum(len(v) - 1 for v in plan.edges.values())
    if parallel:
        plan.notes.append(f"{parallel:,} parallel relationships (same type, same ends) are merged into thicker lines.")


@dataclass
class _VisData:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    groups: dict[str, Any]  # vis-network node groups, one per label
    labels: Counter[str]
    roles: Counter[str]
    edge_types: Counter[str]
    has_scores: bool


def _vis_data(
    g: _Graph, plan: _Plan, marks: Mapping[str, str], positions: Mapping[str, tuple[float, float]]
) -> _VisData:
    """vis-network node and edge objects: plain strings and numbers only (tooltips become
    text-only elements in the browser)."""
    drawn = [nid for nid in g.nodes if nid in plan.kept]
    scored = [s for nid in drawn if (s := g.scores[nid]) is not None]
    top = max(scored) if scored else 0.0
    labels: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    type_names: list[str] = []

    def type_group(label: str) -> str:
        if label not in type_names:
            type_names.append(label)
        return f"t{type_names.index(label)}"

    nodes: list[dict[str, Any]] = []
    for nid in drawn:
        node = g.nodes[nid]
        label = str(node.label)
        style = _style(label)
        labels[label] += 1
        mark = marks.get(nid)
        role = mark or _pick_role(_roles(node))
        x, y = positions[nid]
        item: dict[str, Any] = {
            "id": nid,
            "label": g.caption(nid),
            "group": type_group(label),
            "title": _node_tooltip(node, mark),
            "x": x,
            "y": y,
        }
        size = float(style.size)
        score = g.scores[nid]
        if score is not None and top > 0:
            size = style.size + 24.0 * math.sqrt(max(score, 0.0) / top)
        if role:
            roles[role] += 1
            colour = _role_colour(role)
            item["color"] = {
                "background": style.colour,
                "border": colour,
                "highlight": {"background": style.colour, "border": colour},
            }
            item["borderWidth"] = 4 if mark else 3
            size = max(size, style.size + 4.0)
        if size != style.size:
            item["size"] = round(size, 1)
        nodes.append(item)
    for grp in plan.groups:
        style = _style(grp.label)
        x, y = positions[grp.id]
        preview = ", ".join(g.caption(m) for m in grp.members[:GROUP_PREVIEW])
        more = f" and {grp.size - GROUP_PREVIEW:,} more" if grp.size > GROUP_PREVIEW else ""
        nodes.append(
            {
                "id": grp.id,
                "label": f"+{grp.size:,} {_plural(grp.label)}",
                "group": type_group(grp.label),
                "title": _clean(
                    f"{grp.size:,} {grp.label} nodes linked only to {g.caption(grp.hub)} ({grp.hub})\n{preview}{more}"
                ),
                "x": x,
                "y": y,
                "size": round(style.size + 4.0 * math.log2(grp.size), 1),
                "borderWidth": 2,
                "shapeProperties": {"borderDashes": [5, 3]},
                "color": {"background": "#ffffff", "border": style.colour},
            }
        )

    edge_types: Counter[str] = Counter()
    edges: list[dict[str, Any]] = []
    for (src, dst, etype), bundle in plan.edges.items():
        colour, dashed = _edge_style(etype)
        rel = _rel_enum(etype)
        edge_types[etype] += len(bundle)
        item = {"id": f"e{len(edges)}", "from": src, "to": dst, "title": _edge_tooltip(bundle, g.caption)}
        item["color"] = colour
        if rel is None or not REL_TYPES[rel].symmetric:
            item["arrows"] = "to"
        if dashed:
            item["dashes"] = True
        if len(bundle) > 1:
            item["width"] = _width(len(bundle))
        edges.append(item)
    by_id = {e.id: e for e in g.edges}
    for grp in plan.groups:
        bundle = [by_id[i] for i in grp.edge_ids]
        types = sorted({str(e.type) for e in bundle})
        for etype in types:
            edge_types[etype] += sum(1 for e in bundle if str(e.type) == etype)
        inward = all(e.target == grp.hub for e in bundle)
        colour, _dashed = _edge_style(types[0]) if len(types) == 1 else UNKNOWN_EDGE_STYLE
        item = {
            "id": f"e{len(edges)}",
            "from": grp.id if inward else grp.hub,
            "to": grp.hub if inward else grp.id,
            "title": _clean(f"{len(bundle):,} relationships ({', '.join(types)}) with {grp.size:,} nodes"),
            "color": colour,
            "width": _width(len(bundle)),
            "dashes": True,
        }
        rel = _rel_enum(types[0]) if len(types) == 1 else None
        one_way = inward or all(e.source == grp.hub for e in bundle)
        if one_way and rel is not None and not REL_TYPES[rel].symmetric:
            item["arrows"] = "to"
        edges.append(item)

    vis_groups: dict[str, Any] = {}
    for i, label in enumerate(type_names):
        style = _style(label)
        vis_groups[f"t{i}"] = {
            "shape": style.shape,
            "size": style.size,
            "color": {
                "background": style.colour,
                "border": _darker(style.colour),
                "highlight": {"background": style.colour, "border": "#000000"},
            },
        }
    return _VisData(nodes, edges, vis_groups, labels, roles, edge_types, bool(scored))


def _rel_enum(name: str) -> Rel | None:
    return _RELS.get(name)


def _width(count: int) -> float:
    """Line width for ``count`` merged relationships: 1 for one, at most 6."""
    return round(min(6.0, 1 + math.log2(max(count, 1))), 1)


def _darker(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _vis_options(groups: dict[str, Any], *, physics: bool, large: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "groups": groups,
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {"size": 12, "face": "sans-serif", "color": "#1a1a1a", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {
            "width": 1,
            "selectionWidth": 2,
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "arrows": {"to": {"scaleFactor": 0.5}},
            "arrowStrikethrough": False,
            "color": {"inherit": False, "opacity": 0.8},
        },
        "physics": (
            {
                "enabled": True,
                "solver": "barnesHut",
                "barnesHut": {"gravitationalConstant": -3000, "springLength": EDGE_LENGTH, "avoidOverlap": 0.2},
                "stabilization": {"enabled": True, "iterations": 120, "updateInterval": 1000, "fit": True},
            }
            if physics
            else {"enabled": False}
        ),
        "interaction": {
            "hover": False,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": True,
            "keyboard": False,
        },
    }


def _legend_item(swatch: str, text: str, count: int) -> str:
    text_html = f'<span class="gt-k">{_esc(text)}</span>'
    return f'<li><span class="{swatch}"></span>{text_html} <span class="gt-n">{count:,}</span></li>'


def _legend(
    labels: Counter[str], roles: Counter[str], edges: Counter[str], groups: list[VizGroup], *, has_scores: bool
) -> tuple[str, str]:
    """The legend as escaped HTML, and the CSS rules for its swatches (the CSP allows no
    inline style attributes, so colours are classes)."""
    parts = ['<details class="gt-legend" open><summary>Legend</summary><ul>']
    rules = []
    for i, (label, count) in enumerate(sorted(labels.items(), key=lambda kv: _legend_order(kv[0]))):
        style = _style(label)
        rules.append(f".gt-lt{i}{{background:{style.colour}}}")
        parts.append(_legend_item(f"gt-sw gt-shape-{style.shape} gt-lt{i}", label, count))
    for label, size in sorted(Counter(g.label for g in groups).items()):
        parts.append(_legend_item("gt-sw gt-group", f"group of {_plural(label)}", size))
    parts.append("</ul>")
    if roles:
        parts.append('<div class="gt-h">Roles (border)</div><ul>')
        for j, (role, count) in enumerate(sorted(roles.items())):
            rules.append(f".gt-lr{j}{{border-color:{_role_colour(role)}}}")
            parts.append(_legend_item(f"gt-sw gt-role gt-lr{j}", role, count))
        parts.append("</ul>")
    if edges:
        parts.append('<div class="gt-h">Relationships</div><ul>')
        for k, (etype, count) in enumerate(sorted(edges.items())):
            colour, dashed = _edge_style(etype)
            rules.append(f".gt-le{k}{{border-top:2px {'dashed' if dashed else 'solid'} {colour}}}")
            parts.append(_legend_item(f"gt-line gt-le{k}", etype, count))
        parts.append("</ul>")
    if has_scores:
        parts.append('<div class="gt-h">Size: broker score (or betweenness)</div>')
    parts.append("</details>")
    return "".join(parts), "\n".join(rules)


def _legend_order(label: str) -> tuple[int, str]:
    order = list(Label)
    lab = _label_enum(label)
    return (order.index(lab) if lab is not None else len(order), label)


def _style(label: str) -> NodeStyle:
    lab = _label_enum(label)
    return NODE_STYLES.get(lab, UNKNOWN_STYLE) if lab is not None else UNKNOWN_STYLE


def _edge_style(etype: str) -> tuple[str, bool]:
    rel = _rel_enum(etype)
    return EDGE_STYLES.get(rel, UNKNOWN_EDGE_STYLE) if rel is not None else UNKNOWN_EDGE_STYLE


_PAGE_CSS = """
html,body{margin:0;padding:0;background:#fff;color:#1a1a1a;
  font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
.gt-banner{background:#fff3cd;color:#5c4400;border:1px solid #e0c36a;text-align:center;font-weight:600;
  padding:3px 8px;letter-spacing:.03em;white-space:pre-wrap;overflow-wrap:anywhere}
.gt-head{display:flex;gap:12px;align-items:baseline;padding:6px 10px;flex-wrap:wrap}
.gt-title{font-size:16px;margin:0;font-weight:600;white-space:pre-wrap;overflow-wrap:anywhere}
.gt-count,.gt-selected{color:#555;white-space:pre-wrap;overflow-wrap:anywhere}
.gt-wrap{position:relative;border-top:1px solid #ddd;border-bottom:1px solid #ddd}
#gt-graph{width:100%;height:__HEIGHT__;background:#fff}
.gt-legend{position:absolute;top:6px;right:6px;max-height:calc(100% - 12px);overflow:auto;
  background:rgba(255,255,255,.92);border:1px solid #ccc;border-radius:4px;padding:4px 8px;font-size:12px;
  z-index:5;max-width:260px}
.gt-legend summary{cursor:pointer;font-weight:600}
.gt-legend ul{list-style:none;margin:2px 0 4px;padding:0}
.gt-legend li{display:flex;align-items:center;gap:6px;white-space:nowrap}
.gt-k{overflow:hidden;text-overflow:ellipsis;max-width:190px}
.gt-h{font-weight:600;margin-top:4px}
.gt-n{color:#777;margin-left:auto;padding-left:8px}
.gt-sw{flex:none;display:inline-block;width:11px;height:11px;border:1px solid #555;box-sizing:border-box}
.gt-shape-dot,.gt-shape-hexagon{border-radius:50%}
.gt-shape-diamond{transform:rotate(45deg) scale(.8)}
.gt-shape-triangle{clip-path:polygon(50% 0,100% 100%,0 100%)}
.gt-shape-triangleDown{clip-path:polygon(0 0,100% 0,50% 100%)}
.gt-shape-star{clip-path:polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)}
.gt-group{border:2px dashed #555;border-radius:50%;background:#fff}
.gt-role{border-width:3px;border-radius:50%;background:#fff}
.gt-line{display:inline-block;width:18px;height:0;flex:none}
.gt-notes{margin:4px 10px;padding-left:18px;color:#5c4400}
.gt-notes li{white-space:pre-wrap;overflow-wrap:anywhere}
.gt-tip{white-space:pre-wrap;max-width:420px;font:12px/1.35 system-ui,sans-serif;overflow-wrap:anywhere}
div.vis-tooltip{white-space:normal;max-width:440px}
"""

_BOOT_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gt-data").textContent);
  var container = document.getElementById("gt-graph");
  var selected = document.getElementById("gt-selected");
  function tip(text) {
    var el = document.createElement("div");
    el.className = "gt-tip";
    el.textContent = text;
    return el;
  }
  function withTips(items) {
    for (var i = 0; i < items.length; i++) {
      if (typeof items[i].title === "string") { items[i].title = tip(items[i].title); }
    }
    return items;
  }
  var nodes = new vis.DataSet(withTips(data.nodes));
  var edges = new vis.DataSet(withTips(data.edges));
  var network = new vis.Network(container, {}, data.options);
  window.gtNetwork = network;
  window.gtNodes = nodes;
  window.gtSelected = null;
  function ready() {
    if (window.graphReady) { return; }
    var drawn = Object.keys(network.getPositions()).length;
    container.setAttribute("data-rendered-nodes", String(drawn));
    container.setAttribute("data-ready", "true");
    window.graphReadyAt = performance.now();
    window.graphReady = true;
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  network.on("click", function (params) {
    var id = params.nodes.length ? params.nodes[0] : null;
    window.gtSelected = id;
    if (id === null) {
      container.removeAttribute("data-selected");
      selected.textContent = "";
      return;
    }
    container.setAttribute("data-selected", String(id));
    var node = nodes.get(id);
    selected.textContent = "Selected: " + (node && node.label ? node.label : "") + " (" + String(id) + ")";
  });
  network.setData({ nodes: nodes, edges: edges });
  if (!data.physics) { network.fit({ animation: false }); }
})();
"""


def pyvis_default_page(subgraph: Subgraph) -> str:
    """The page pyvis 0.3.2 itself writes for ``subgraph``: the benchmark's anchor only.

    Default options (physics on), nodes and edges added with ``add_node``/``add_edge``,
    vis-network inlined (``cdn_resources="in_line"``; the default ``"local"`` loads it from a
    CDN) but bootstrap still linked from its CDN, and tooltips through ``innerHTML``. Never
    show this page to anyone: it is unsafe and not offline.
    """
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    for node in subgraph.nodes:
        net.add_node(node.id, label=_caption(node), title=f"{node.label} {node.id}")
    for edge in subgraph.edges:
        net.add_edge(edge.source, edge.target, title=str(edge.type))
    return str(net.generate_html())


def _csp(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src 'nonce-{nonce}'",
            f"style-src 'nonce-{nonce}'",
            "img-src data:",
            "font-src 'none'",
            "connect-src 'none'",
            "media-src 'none'",
            "object-src 'none'",
            "frame-src 'none'",
            "child-src 'none'",
            "worker-src 'none'",
            "manifest-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def _page(
    *,
    title: str,
    banner: str | None,
    nonce: str,
    css: str,
    payload: str,
    legend: str,
    notes: list[str],
    drawn_nodes: int,
    drawn_edges: int,
) -> str:
    js, vis_css = vis_assets()
    banner_html = f'<div class="gt-banner" role="note">{_esc(banner)}</div>' if banner else ""
    page_title = f"{banner} — {title}" if banner else title
    notes_html = (
        '<ul class="gt-notes" id="gt-notes">' + "".join(f"<li>{_esc(n)}</li>" for n in notes) + "</ul>" if notes else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(nonce)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(page_title)}</title>\n"
        f'<style nonce="{nonce}">{vis_css}</style>\n'
        f'<style nonce="{nonce}">{css}</style>\n'
        "</head>\n<body>\n"
        f"{banner_html}\n"
        '<div class="gt-head">'
        f'<h1 class="gt-title" id="gt-title">{_esc(title)}</h1>'
        f'<span class="gt-count">{drawn_nodes:,} nodes, {drawn_edges:,} edges drawn</span>'
        '<span class="gt-selected" id="gt-selected" aria-live="polite"></span>'
        "</div>\n"
        '<div class="gt-wrap">'
        f'<div id="gt-graph" data-node-count="{drawn_nodes}" data-edge-count="{drawn_edges}"></div>'
        f"{legend}</div>\n"
        f"{notes_html}\n"
        f"{banner_html}\n"
        f'<script type="application/json" id="gt-data">{payload}</script>\n'
        f'<script nonce="{nonce}">{js}</script>\n'
        f'<script nonce="{nonce}">{_BOOT_JS}</script>\n'
        "</body>\n</html>\n"
    )
