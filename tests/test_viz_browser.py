"""graph_tool.viz pages in Debian's Chromium with the network blocked.

Every request to a host other than the local test server is refused and recorded; the pages
must make none. XSS payloads go into every text field (labels, tooltips, title, banner,
legend, roles, edge types); no dialog may open, no injected script may run, and the text
must show as text. Screenshots go to ``screenshots/`` (git-ignored).

Chromium is Debian's ``/usr/bin/chromium`` (``apt-get install chromium``), driven by
Playwright's Python package; Playwright's own browser downloads are never used. When the
browser is missing or cannot start, these tests fail under ``CI=true`` and skip otherwise.
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from graph_tool.model import Label, Rel
from graph_tool.store.base import Edge, Node, Subgraph
from graph_tool.viz import VizResult, render_html
from tests.browser import launch_browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "screenshots"
# Records Content-Security-Policy violations in every frame, before any page script runs.
CSP_PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""

IMG = "<img src=x onerror=alert(1)>"
PWN = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "</script><script>alert(2)</script>"
SVG = '"><svg onload=alert(3)>'
STYLE = "</style><script>alert(4)</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A static file server on 127.0.0.1 serving a temporary folder: (origin, folder)."""
    folder = tmp_path_factory.mktemp("pages")

    def handler(*args: Any, **kwargs: Any) -> _Quiet:
        return _Quiet(*args, directory=str(folder), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Visit:
    """A page opened with every request to another origin refused and recorded."""

    page: Any
    origin: str
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.refused == [], f"requests to other hosts: {self.refused}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        assert self.errors == [], f"page errors: {self.errors}"
        assert [m for m in self.console if m.startswith(("error", "warning"))] == [], self.console
        for frame in self.page.frames:
            violations = frame.evaluate("window.__csp || []")
            assert violations == [], f"CSP violations in {frame.url[:60]}: {violations}"


def visit(browser: Any, origin: str, path: str, *, wait_ready: bool = True) -> Visit:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(CSP_PROBE)
    page = context.new_page()
    v = Visit(page, origin)

    def route(route: Any) -> None:
        url = route.request.url
        v.requested.append(url)
        if url.startswith(origin + "/"):
            route.continue_()
        else:
            v.refused.append(url)
            route.abort()

    def dialog(d: Any) -> None:
        v.dialogs.append(d.message)
        d.dismiss()

    context.route("**/*", route)
    page.on("dialog", dialog)
    page.on("console", lambda m: v.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.goto(f"{origin}/{path}")
    if wait_ready:
        page.wait_for_function("window.graphReady === true", timeout=30_000)
    return v


def publish(server: tuple[str, Path], name: str, result: VizResult) -> str:
    (server[1] / name).write_text(result.html, encoding="utf-8")
    return name


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    return path


def focus(page: Any, node_id: str, scale: float = 1.5) -> tuple[float, float]:
    """Centre the view on a node; return its position in page coordinates."""
    return tuple(
        page.evaluate(
            """([id, scale]) => {
              const net = window.gtNetwork;
              net.moveTo({position: net.getPosition(id), scale: scale, animation: false});
              net.redraw();
              const p = net.canvasToDOM(net.getPosition(id));
              const box = document.getElementById("gt-graph").getBoundingClientRect();
              return [box.left + p.x, box.top + p.y];
            }""",
            [node_id, scale],
        )
    )


def tooltip_at(page: Any, x: float, y: float) -> dict[str, Any]:
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    page.wait_for_function(
        "() => { const t = document.querySelector('div.vis-tooltip');"
        " return t && t.style.visibility !== 'hidden' && t.textContent.length > 0; }",
        timeout=5_000,
    )
    return dict(
        page.evaluate(
            """() => { const t = document.querySelector('div.vis-tooltip');
                 return {text: t.textContent, elements: t.querySelectorAll('*').length,
                         tags: Array.from(t.querySelectorAll('*')).map(e => e.tagName)}; }"""
        )
    )


# --- graphs -----------------------------------------------------------------------------


def ring(n: int) -> Subgraph:
    nodes = tuple(
        Node(Label.PERSON, f"p{i}", {"name": f"Person {i}"})
        if i % 3
        else Node(Label.PHONE, f"p{i}", {"number": f"+44700{i:06d}"})
        for i in range(n)
    )
    edges = tuple(Edge(Rel.ASSOCIATE_OF, f"r{i}", f"p{i}", f"p{(i + 1) % n}") for i in range(n))
    chords = tuple(Edge(Rel.ASSOCIATE_OF, f"c{i}", f"p{i}", f"p{(i + n // 5) % n}") for i in range(0, n, 25))
    return Subgraph(nodes, edges + chords)


def xss_case() -> tuple[Subgraph, dict[str, str]]:
    nodes = (
        Node(Label.PERSON, "a", {"name": IMG, "roles": ["broker"], "notes": SCRIPT}),
        Node(Label.PERSON, "b", {"name": SCRIPT, "aliases": [SVG, PWN]}),
        Node(Label.PERSON, "c", {"name": PWN, "nationality": STYLE}),
        Node(Label.PHONE, "d", {"number": STYLE, "raw": IMG}),
        Node(SVG, "e", {"note": PWN}),  # an unknown label: its name reaches the legend
        Node(Label.ACCOUNT, "f", {"number": "&lt;b&gt;bold?&lt;/b&gt;"}),
    )
    edges = (
        Edge(Rel.USES, "e1", "a", "d", {"notes": IMG}),
        Edge(Rel.ASSOCIATE_OF, "e2", "a", "b", {"relation": SVG}),
        Edge(Rel.ASSOCIATE_OF, "e3", "b", "c"),
        Edge(PWN, "e4", "c", "e"),  # an unknown type: legend and tooltip
        Edge(Rel.OWNS, "e5", "a", "f"),
    )
    return Subgraph(nodes, edges), {"b": IMG, "c": "victim"}


# --- tests -------------------------------------------------------------------------------


def test_xss_payloads_stay_text(browser: Any, server: tuple[str, Path]) -> None:
    subgraph, marks = xss_case()
    result = render_html(subgraph, title=SVG, banner=SCRIPT, highlight=marks)
    v = visit(browser, server[0], publish(server, "xss.html", result))
    page = v.page
    assert page.evaluate("window.__pwned") is None
    assert page.inner_text("#gt-title") == SVG
    assert page.title() == f"{SCRIPT} — {SVG}"
    assert page.locator(".gt-banner").first.inner_text() == SCRIPT
    legend = page.inner_text(".gt-legend")
    assert IMG in legend and SVG in legend and PWN in legend
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed, link').length") == 0
    labels = page.evaluate("window.gtNodes.get().map(n => n.label)")
    assert {IMG, SCRIPT, PWN, STYLE} <= set(labels)

    x, y = focus(page, "a")
    tip = tooltip_at(page, x, y)
    assert IMG in tip["text"] and SCRIPT in tip["text"]
    assert tip["tags"] == ["DIV"], "the tooltip is one text-only element"
    x, y = focus(page, "b")
    tip = tooltip_at(page, x, y)
    assert "highlighted as: " + IMG in tip["text"] and PWN in tip["text"] and tip["tags"] == ["DIV"]

    x, y = focus(page, "a")
    page.mouse.click(x, y)
    page.wait_for_function("window.gtSelected === 'a'")
    assert page.inner_text("#gt-selected") == f"Selected: {IMG} (a)"

    # Edge tooltip: hover the middle of c -> e (unknown type PWN).
    mid = page.evaluate(
        """() => { const net = window.gtNetwork; const a = net.getPosition('c'), b = net.getPosition('e');
                   const m = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
                   net.moveTo({position: m, scale: 1.0, animation: false}); net.redraw();
                   const p = net.canvasToDOM(m);
                   const box = document.getElementById('gt-graph').getBoundingClientRect();
                   return [box.left + p.x, box.top + p.y]; }"""
    )
    tip = tooltip_at(page, mid[0], mid[1])
    assert tip["text"].startswith(PWN) and tip["tags"] == ["DIV"]

    page.wait_for_timeout(300)  # let any delayed handler fire
    assert page.evaluate("window.__pwned") is None
    screenshot(page, "viz-xss.png")
    v.assert_clean()


def test_csp_blocks_requests_and_injected_scripts(browser: Any, server: tuple[str, Path]) -> None:
    result = render_html(ring(30), title="CSP")
    v = visit(browser, server[0], publish(server, "csp.html", result))
    outcome = v.page.evaluate(
        """async (origin) => {
             const s = document.createElement("script");
             s.textContent = "window.__injected = 1";
             document.body.appendChild(s);
             let fetched = "no";
             try { await fetch(origin + "/csp.html"); fetched = "yes"; } catch (e) { fetched = "blocked"; }
             const img = new Image(); img.src = origin + "/pixel.png";
             await new Promise(r => setTimeout(r, 200));
             return {injected: window.__injected === 1, fetched: fetched, csp: window.__csp.slice()};
           }""",
        server[0],
    )
    assert outcome["injected"] is False
    assert outcome["fetched"] == "blocked"
    directives = " ".join(outcome["csp"])
    assert "script-src" in directives and "connect-src" in directives and "img-src" in directives
    assert v.requested == [f"{server[0]}/csp.html"]


@pytest.mark.parametrize("n", [300, 3000])
def test_drawn_node_count_and_screenshot(browser: Any, server: tuple[str, Path], n: int) -> None:
    result = render_html(
        ring(n), title=f"Ring of {n}", banner="OFFICIAL-SENSITIVE — JIT Lotus", highlight={"p1": "broker"}
    )
    assert result.drawn_nodes == n
    v = visit(browser, server[0], publish(server, f"ring{n}.html", result))
    graph = v.page.locator("#gt-graph")
    assert graph.get_attribute("data-node-count") == str(result.drawn_nodes)
    assert graph.get_attribute("data-rendered-nodes") == str(result.drawn_nodes)
    assert v.page.evaluate("window.gtNetwork.body.data.edges.length") == result.drawn_edges
    path = screenshot(v.page, f"viz-ring-{n}.png")
    assert path.stat().st_size > 20_000  # something was painted
    v.assert_clean()


def test_groups_and_cap_in_the_browser(browser: Any, server: tuple[str, Path]) -> None:
    hub = Node(Label.PERSON, "boss", {"name": "Broker B", "roles": ["broker"], "broker_score": 0.9})
    phones = [Node(Label.PHONE, f"t{i}", {"number": f"+2340800{i:05d}"}) for i in range(312)]
    uses = [Edge(Rel.USES, f"u{i}", "boss", f"t{i}") for i in range(312)]
    victims = [Node(Label.PERSON, f"v{i}", {"name": f"Victim {i}", "roles": ["victim"]}) for i in range(40)]
    recruited = [Edge(Rel.RECRUITED, f"rc{i}", "boss", f"v{i}") for i in range(40)]
    linked = [Edge(Rel.ASSOCIATE_OF, f"as{i}", f"v{i}", f"v{(i + 1) % 40}") for i in range(40)]
    sg = Subgraph((hub, *phones, *victims), (*uses, *recruited, *linked))
    result = render_html(sg, title="Fan-out", max_nodes=30, highlight={"v7": "victim"})
    assert [g.size for g in result.groups] == [312]
    assert result.drawn_nodes == 30 and result.omitted_nodes == 353 - 1 - 312 - 28
    v = visit(browser, server[0], publish(server, "groups.html", result))
    page = v.page
    group_id = result.groups[0].id
    assert page.evaluate("(id) => window.gtNodes.get(id).label", group_id) == "+312 phones"
    assert page.get_attribute("#gt-graph", "data-rendered-nodes") == "30"
    notes = page.inner_text("#gt-notes")
    assert "Left out 12 of 353 nodes" in notes and "312 nodes are drawn as 1 group nodes" in notes
    screenshot(page, "viz-groups.png")
    v.assert_clean()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_page_inside_streamlit_components_html(browser: Any, tmp_path: Path) -> None:
    """Streamlit puts the page in an iframe (srcdoc); the page's CSP meta applies there."""
    result = render_html(ring(400), title="In Streamlit", banner="OFFICIAL-SENSITIVE", height="600px")
    (tmp_path / "page.html").write_text(result.html, encoding="utf-8")
    (tmp_path / "app.py").write_text(
        "from pathlib import Path\n"
        "import streamlit.components.v1 as components\n"
        "html = (Path(__file__).parent / 'page.html').read_text(encoding='utf-8')\n"
        f"components.html(html, height={result.frame_height}, scrolling=True)\n",
        encoding="utf-8",
    )
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(tmp_path / "app.py"), "--server.address=127.0.0.1",
         f"--server.port={port}", "--server.headless=true", "--global.developmentMode=false"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{origin}/_stcore/health", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("streamlit did not start")
                time.sleep(0.3)
        v = visit(browser, origin, "", wait_ready=False)
        page = v.page
        page.wait_for_selector("iframe", timeout=30_000)
        deadline = time.monotonic() + 30
        frame = None
        while frame is None and time.monotonic() < deadline:
            for f in page.frames:
                if f is not page.main_frame and f.evaluate("window.graphReady === true"):
                    frame = f
            page.wait_for_timeout(100)
        assert frame is not None, "the graph did not draw inside Streamlit's iframe"
        assert frame.get_attribute("#gt-graph", "data-rendered-nodes") == str(result.drawn_nodes)
        probe = frame.evaluate(
            """async (origin) => {
                 const s = document.createElement("script");
                 s.textContent = "window.__injected = 1";
                 document.body.appendChild(s);
                 let fetched = "no";
                 try { await fetch(origin + "/_stcore/health"); fetched = "yes"; } catch (e) { fetched = "blocked"; }
                 await new Promise(r => setTimeout(r, 200));  // violation events are queued
                 return {injected: window.__injected === 1, fetched: fetched, csp: window.__csp.slice()};
               }""",
            origin,
        )
        assert probe["injected"] is False and probe["fetched"] == "blocked", probe
        assert any(c.startswith("connect-src") for c in probe["csp"]), probe
        assert any(c.startswith("script-src") for c in probe["csp"]), probe
        screenshot(page, "viz-streamlit.png")
        assert v.refused == [], v.refused
        assert v.dialogs == [] and v.errors == []
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
