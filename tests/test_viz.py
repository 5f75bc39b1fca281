"""graph_tool.viz: the page is offline, escaped, capped and grouped as it says (no browser)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from graph_tool import viz
from graph_tool.model import Label, Rel
from graph_tool.store.base import Edge, Node, Subgraph
from graph_tool.viz import render_html

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
SVG = '"><svg onload=alert(1)>'
PAYLOADS = (IMG, SCRIPT, SVG, "\u2028</style><!--", "&lt;b&gt;")


class Page(HTMLParser):
    """Every tag, its attributes, and the text of each script and style element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[0] == tag:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is None:
            self.text.append(data)
        elif self._open[0] == "script":
            self.scripts.append((self._open[1], data))
        else:
            self.styles.append(data)

    def data(self) -> dict:
        [(_, text)] = [(a, t) for a, t in self.scripts if a.get("type") == "application/json"]
        return json.loads(text)


def person(i: int | str, **props: object) -> Node:
    return Node(Label.PERSON, str(i), {"name": f"Person {i}", **props})


def ring(n: int) -> Subgraph:
    nodes = tuple(person(f"p{i}") for i in range(n))
    edges = tuple(Edge(Rel.ASSOCIATE_OF, f"r{i}", f"p{i}", f"p{(i + 1) % n}") for i in range(n))
    return Subgraph(nodes, edges)


def fan(hub: str, n: int, label: Label = Label.PHONE, rel: Rel = Rel.USES) -> tuple[list[Node], list[Edge]]:
    nodes = [Node(label, f"{hub}-{label}-{i}", {"number": f"+44700{i:06d}"}) for i in range(n)]
    edges = [Edge(rel, f"{hub}-{rel}-{label}-{i}", hub, node.id) for i, node in enumerate(nodes)]
    return nodes, edges


def xss_subgraph() -> Subgraph:
    nodes = [
        person("a", name=IMG, roles=["broker"], notes=SCRIPT),
        person("b", name=SCRIPT, aliases=[SVG, IMG]),
        person("c", name="\u2028</style><!--", nationality=SVG),
        Node(Label.PHONE, "d", {"number": "&lt;b&gt;", "raw": IMG}),
        Node(SVG, "e", {"x": IMG}),  # an unknown label reaches the legend
    ]
    edges = [
        Edge(Rel.USES, "e1", "a", "d", {"notes": IMG}),
        Edge(Rel.ASSOCIATE_OF, "e2", "a", "b"),
        Edge(Rel.ASSOCIATE_OF, "e3", "b", "c"),
        Edge(IMG, "e4", "c", "e"),  # an unknown type reaches the legend and a tooltip
    ]
    return Subgraph(tuple(nodes), tuple(edges))


def render_xss() -> viz.VizResult:
    return render_html(xss_subgraph(), title=SVG, banner=SCRIPT, highlight={"b": IMG, "c": "victim"})


# --- offline --------------------------------------------------------------------------


def test_no_resource_is_loaded_from_anywhere() -> None:
    page = Page(render_xss().html)
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "formaction", "data", "poster", "srcset", "background"):
            assert name not in attrs, f"<{tag} {name}=...>"
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form", "svg")
    for _, text in page.scripts:
        assert not re.search(r"<script[^>]*\ssrc\s*=", text)
    css = "".join(page.styles)
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    assert urls, "the vis-network stylesheet and its data: images are inlined"
    assert all(u.startswith("data:") for u in urls)
    assert "@import" not in css


def test_no_http_url_in_any_src_or_href_even_with_urls_in_the_data() -> None:
    sg = Subgraph((person("p", name="https://evil.example/x.js", website="http://evil.example/"),), ())
    html = render_html(sg, title="http://evil.example/").html
    page = Page(html)
    for _, attrs in page.tags:
        for value in attrs.values():
            assert not (value or "").lower().startswith(("http://", "https://", "//"))


def test_vis_network_from_the_pyvis_package_is_inlined() -> None:
    js, css = viz.vis_assets()
    assert "vis-network" in js[:200] and "@version 9.1.2" in js[:300]
    assert ".vis-network" in css
    page = Page(render_html(ring(3), title="t").html)
    assert any(js[1000:1200] in text for _, text in page.scripts)
    assert "cdnjs" not in render_html(ring(3), title="t").html
    assert "bootstrap" not in render_html(ring(3), title="t").html


def test_content_security_policy_forbids_every_request() -> None:
    html = render_html(ring(3), title="t").html
    page = Page(html)
    first = page.tags[0:4]
    metas = [a for t, a in first if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert metas, "the CSP meta comes before any script or style"
    policy = {
        d.split()[0]: d.split()[1:] for d in (part.strip() for part in (metas[0]["content"] or "").split(";")) if d
    }
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    for name in ("font-src", "object-src", "frame-src", "worker-src", "base-uri", "form-action", "media-src"):
        assert policy[name] == ["'none'"], name
    [nonce_source] = policy["script-src"]
    assert policy["style-src"] == [nonce_source]
    nonce = re.fullmatch(r"'nonce-([A-Za-z0-9_\-+/=]{22,})'", nonce_source)
    assert nonce
    content = metas[0]["content"] or ""
    assert "unsafe-eval" not in content and "unsafe-inline" not in content
    for tag, attrs in page.tags:
        if tag == "script" and attrs.get("type") != "application/json":
            assert attrs.get("nonce") == nonce.group(1)
        if tag == "style":
            assert attrs.get("nonce") == nonce.group(1)
        assert "style" not in attrs, f"an inline style attribute on <{tag}> would need 'unsafe-inline'"
        assert not any(name.startswith("on") for name in attrs), f"an event handler attribute on <{tag}>"


def test_nonce_differs_per_render() -> None:
    a, b = render_html(ring(3), title="t").html, render_html(ring(3), title="t").html
    nonce = re.compile(r"nonce-([^']+)'")
    assert nonce.search(a).group(1) != nonce.search(b).group(1)  # type: ignore[union-attr]


# --- escaping --------------------------------------------------------------------------


def test_payloads_appear_only_escaped() -> None:
    html = render_xss().html
    for payload in (IMG, SCRIPT, SVG, "<svg", "<img", "\u2028", "</style><!--"):
        assert payload not in html, payload
    page = Page(html)
    assert [t for t, _ in page.tags].count("script") == 3  # the data block, vis-network, the boot script
    assert sum(1 for t, _ in page.tags if t == "style") == 2
    assert not any(t in ("img", "svg") for t, _ in page.tags)
    visible = "".join(page.text)
    assert SVG in visible  # the title, as text
    assert SCRIPT in visible  # the banner, as text
    assert IMG in visible  # the highlight role, in the legend


def test_escaped_json_round_trips_to_the_original_text() -> None:
    page = Page(render_xss().html)
    data = page.data()
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["a"] == IMG
    assert labels["b"] == SCRIPT
    assert labels["c"] == "</style><!--"  # U+2028 is whitespace: a caption is one line
    tips = {n["id"]: n["title"] for n in data["nodes"]}
    assert IMG in tips["d"] and SCRIPT in tips["a"] and SVG in tips["b"]
    assert "highlighted as: " + IMG in tips["b"]
    edge_tips = [e["title"] for e in data["edges"]]
    assert any(t.startswith(IMG) for t in edge_tips)
    assert any(f"notes: {IMG}" in t for t in edge_tips)


def test_title_banner_and_legend_are_html_escaped() -> None:
    html = render_xss().html
    assert "<title>" + "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; — &quot;&gt;&lt;svg" in html
    assert '<h1 class="gt-title" id="gt-title">&quot;&gt;&lt;svg onload=alert(1)&gt;</h1>' in html
    assert '<div class="gt-banner" role="note">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</div>' in html
    assert "&lt;img src=x onerror=alert(1)&gt;</span> <span" in html  # the role in the legend
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;</span> <span" in html  # the unknown label in the legend


def test_control_characters_and_lone_surrogates_are_replaced() -> None:
    sg = Subgraph((person("p", name="a\x00b\x1bc\ud800d"),), ())
    data = Page(render_html(sg, title="t\x07").html).data()
    assert data["nodes"][0]["label"] == "a\ufffdb\ufffdc?d"


def test_height_is_validated() -> None:
    with pytest.raises(ValueError, match="height"):
        render_html(ring(3), title="t", height="1px;}</style><script>alert(1)</script>")
    assert "height:80vh" in render_html(ring(3), title="t", height="80vh").html
    assert "height:600px" in render_html(ring(3), title="t", height=600).html


# --- caps, grouping, counts ----------------------------------------------------------------


def test_cap_keeps_highlighted_then_scored_then_best_connected() -> None:
    ring_sg = ring(50)
    star_nodes, star_edges = [person("hub")], []
    for i in range(5):  # hub of degree 5, no score
        star_nodes.append(person(f"s{i}"))
        star_edges.append(Edge(Rel.ASSOCIATE_OF, f"se{i}", "hub", f"s{i}"))
    scored = person("scored", broker_score=0.9)  # isolated but scored
    lonely = person("lonely")  # isolated, highlighted
    sg = Subgraph(
        (*ring_sg.nodes, *star_nodes, scored, lonely),
        (*ring_sg.edges, *star_edges),
    )
    r = render_html(sg, title="t", max_nodes=10, highlight={"lonely": "victim"})
    ids = [n["id"] for n in Page(r.html).data()["nodes"]]
    assert r.drawn_nodes == len(ids) == 10
    assert {"lonely", "scored", "hub"} <= set(ids)
    assert r.omitted_nodes == len(sg.nodes) - 10
    assert any(n.startswith("Left out 48 of 58 nodes") and n.endswith("48 Person.") for n in r.notes)
    assert r.omitted_edges == len(sg.edges) - r.drawn_edges
    page = Page(r.html)
    assert "Left out 48 of 58 nodes" in "".join(page.text)


def test_a_fan_out_becomes_one_group_node() -> None:
    phones, uses = fan("boss", 312)
    shared = Node(Label.PHONE, "shared", {"number": "+1"})  # linked to two people: stays
    people = [person("boss", roles=["broker"]), person("other")]
    edges = [*uses, Edge(Rel.USES, "s1", "boss", "shared"), Edge(Rel.USES, "s2", "other", "shared")]
    docs, holds = fan("boss", 3, Label.DOCUMENT, Rel.HOLDS)  # too few to group
    sg = Subgraph((*people, shared, *phones, *docs), (*edges, *holds))
    r = render_html(sg, title="t")
    assert len(r.groups) == 1
    group = r.groups[0]
    assert (group.hub, group.label, group.size) == ("boss", Label.PHONE, 312)
    assert group.members == tuple(sorted(p.id for p in phones))
    assert group.edge_ids == tuple(sorted(e.id for e in uses))
    assert r.grouped_nodes == 312
    assert r.drawn_nodes == 2 + 1 + 3 + 1  # people, shared phone, documents, the group
    assert r.omitted_nodes == 0 and r.omitted_edges == 0
    data = Page(r.html).data()
    node = next(n for n in data["nodes"] if n["id"] == group.id)
    assert node["label"] == "+312 phones"
    assert r.drawn_edges == len(data["edges"]) == 2 + 3 + 1
    assert any("312 nodes are drawn as 1 group nodes" in n for n in r.notes)


def test_group_threshold_boundary_highlight_and_expand() -> None:
    phones, uses = fan("h", 25)
    sg = Subgraph((person("h"), *phones), tuple(uses))
    assert render_html(sg, title="t").groups == []  # 25 is not more than 25
    phones, uses = fan("h", 26)
    sg = Subgraph((person("h"), *phones), tuple(uses))
    r = render_html(sg, title="t")
    assert [g.size for g in r.groups] == [26] and r.drawn_nodes == 2
    r = render_html(sg, title="t", highlight={phones[0].id: "finding"})
    assert r.groups == [] and r.drawn_nodes == 27  # 25 left: no group; the highlighted phone stays
    assert render_html(sg, title="t", expand=["h"]).drawn_nodes == 27
    gid = render_html(sg, title="t").groups[0].id
    assert render_html(sg, title="t", expand=[gid]).drawn_nodes == 27
    assert render_html(sg, title="t", group_threshold=None).drawn_nodes == 27


def test_groups_are_per_label_and_count_against_the_cap() -> None:
    phones, uses = fan("h", 40)
    accounts = [Node(Label.ACCOUNT, f"a{i}", {"number": str(i)}) for i in range(30)]
    owns = [Edge(Rel.OWNS, f"o{i}", "h", f"a{i}") for i in range(30)]
    ring_sg = ring(20)
    sg = Subgraph((person("h"), *phones, *accounts, *ring_sg.nodes), (*uses, *owns, *ring_sg.edges))
    r = render_html(sg, title="t")
    assert sorted((g.label, g.size) for g in r.groups) == [(Label.ACCOUNT, 30), (Label.PHONE, 40)]
    assert r.drawn_nodes == 1 + 2 + 20
    labels = {n["label"] for n in Page(r.html).data()["nodes"]}
    assert {"+40 phones", "+30 accounts"} <= labels
    capped = render_html(sg, title="t", max_nodes=2)  # the hub ranks first and brings one group
    assert capped.drawn_nodes == 2 and len(capped.groups) == 1
    assert capped.omitted_nodes == len(sg.nodes) - 1 - capped.groups[0].size


def test_members_of_a_dropped_group_count_as_omitted() -> None:
    phones, uses = fan("h", 30)
    big = ring(10)
    sg = Subgraph((*big.nodes, person("h"), *phones), (*big.edges, *uses))
    r = render_html(sg, title="t", max_nodes=10, highlight={f"p{i}": "victim" for i in range(10)})
    assert r.groups == []
    assert r.omitted_nodes == 31
    assert any(n.endswith(": 30 Phone, 1 Person.") for n in r.notes)
    assert r.omitted_edges == 30


def test_dangling_and_parallel_edges() -> None:
    a, b = person("a"), person("b")
    calls = [Edge(Rel.ASSOCIATE_OF, f"c{i}", "a", "b") for i in range(4)]
    back = Edge(Rel.ASSOCIATE_OF, "c9", "b", "a")  # symmetric: merged with the others
    sent = Edge(Rel.RECRUITED, "r1", "a", "b")
    dangling = Edge(Rel.RECRUITED, "x", "a", "nobody")
    r = render_html(Subgraph((a, b), (*calls, back, sent, dangling)), title="t")
    assert r.drawn_edges == 2
    assert r.omitted_edges == 1
    assert any("not in the subgraph" in n for n in r.notes)
    edges = Page(r.html).data()["edges"]
    merged = next(e for e in edges if "×5" in e["title"])
    assert "arrows" not in merged and merged["width"] > 1
    assert next(e for e in edges if e is not merged)["arrows"] == "to"


def test_edge_cap() -> None:
    r = render_html(ring(100), title="t", max_edges=10)
    assert r.drawn_edges == 10 and r.omitted_edges == 90
    assert any("within 10 drawn edges" in n for n in r.notes)


def test_styles_roles_scores_and_legend() -> None:
    nodes = (
        person("v", roles=["victim"]),
        person("b", roles=["victim", "broker"], broker_score=1.0),
        person("s", broker_score=0.25),
        Node(Label.FINDING, "f", {"check": "shared_passport"}),
    )
    edges = (Edge(Rel.EVIDENCE, "ev", "f", "b"), Edge(Rel.RECRUITED, "re", "b", "v"))
    r = render_html(Subgraph(nodes, edges), title="t", highlight={"f": "finding"})
    data = Page(r.html).data()
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id["b"]["color"]["border"] == viz.ROLE_COLOURS["broker"]  # broker outranks victim
    assert by_id["v"]["color"]["border"] == viz.ROLE_COLOURS["victim"]
    assert by_id["f"]["color"]["border"] == viz.ROLE_COLOURS["finding"] and by_id["f"]["borderWidth"] == 4
    assert by_id["b"]["size"] > by_id["s"]["size"] > viz.NODE_STYLES[Label.PERSON].size
    groups = data["options"]["groups"]
    assert groups[by_id["f"]["group"]]["shape"] == viz.NODE_STYLES[Label.FINDING].shape
    assert set(viz.NODE_STYLES) == set(Label)
    assert set(viz.EDGE_STYLES) == set(Rel)
    legend = r.html[r.html.index('<details class="gt-legend"') :]
    for text in (Label.PERSON, Label.FINDING, "broker", "victim", "finding", Rel.EVIDENCE, Rel.RECRUITED):
        assert f"{text}</span> <span" in legend, text


def test_layouts() -> None:
    small = Page(render_html(ring(20), title="t").html).data()
    assert small["physics"] is True and small["options"]["physics"]["enabled"] is True
    big = render_html(ring(300), title="t")
    data = Page(big.html).data()
    assert big.layout == "server" and data["physics"] is False and data["options"]["physics"] == {"enabled": False}
    xs = [n["x"] for n in data["nodes"]]
    ys = [n["y"] for n in data["nodes"]]
    assert len(set(zip(xs, ys, strict=True))) == 300  # precomputed, distinct
    assert Page(render_html(ring(20), title="t", layout="server").html).data()["physics"] is False
    assert Page(render_html(ring(300), title="t", layout="physics").html).data()["physics"] is True
    with pytest.raises(ValueError, match="layout"):
        render_html(ring(3), title="t", layout="circle")


def test_disconnected_components_are_packed_without_overlap() -> None:
    pairs = [
        (Node(Label.PERSON, f"a{i}"), Node(Label.PHONE, f"b{i}"), Edge(Rel.USES, f"e{i}", f"a{i}", f"b{i}"))
        for i in range(30)
    ]
    isolated = [Node(Label.ADDRESS, f"z{i}") for i in range(20)]
    sg = Subgraph(tuple(n for a, b, _ in pairs for n in (a, b)) + tuple(isolated), tuple(e for *_, e in pairs))
    nodes = Page(render_html(sg, title="t", layout="server").html).data()["nodes"]
    points = [(n["x"], n["y"]) for n in nodes]
    assert len(set(points)) == len(points) == 80


def test_deterministic_apart_from_the_nonce() -> None:
    phones, uses = fan("hub", 40)
    big = ring(400)
    sg = Subgraph((*big.nodes, person("hub"), *phones), (*big.edges, *uses, Edge(Rel.USES, "x", "p0", "hub")))
    a = render_html(sg, title="t", banner="OFFICIAL", highlight={"p3": "broker"}).html
    b = render_html(sg, title="t", banner="OFFICIAL", highlight={"p3": "broker"}).html
    nonce = re.compile(r"nonce-[^']+'|nonce=\"[^\"]+\"")
    assert a != b
    assert nonce.sub("N", a) == nonce.sub("N", b)
    c = render_html(sg, title="t", banner="OFFICIAL", highlight={"p3": "broker"}, seed=7).html
    assert nonce.sub("N", a) != nonce.sub("N", c)


def test_counts_are_readable_from_the_page() -> None:
    r = render_html(ring(12), title="t")
    assert f'data-node-count="{r.drawn_nodes}"' in r.html
    assert f'data-edge-count="{r.drawn_edges}"' in r.html
    assert "window.graphReady = true" in r.html


def test_empty_subgraph_and_bad_arguments() -> None:
    r = render_html(Subgraph(), title="nothing")
    assert (r.drawn_nodes, r.drawn_edges, r.omitted_nodes, r.omitted_edges) == (0, 0, 0, 0)
    assert 'data-node-count="0"' in r.html
    with pytest.raises(ValueError):
        render_html(ring(3), title="t", max_nodes=0)


def test_frame_height_for_pixel_heights() -> None:
    assert render_html(ring(3), title="t", height="500px").frame_height == 560
    assert render_html(ring(3), title="t", height="500px", banner="B").frame_height == 612
    assert render_html(ring(3), title="t", height="80vh").frame_height is None
