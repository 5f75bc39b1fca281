"""Benchmark the UI through the real app in Chromium: navigation until a graph is usable.

Prints figures, asserts nothing. It generates a case (``sample_data.generate_case``, 2,000
people by default), loads it (``loaders.load_case``) and analyses it (``analyse_store``) into
a temporary case folder, starts the app on it (``graph_tool.ui.ui_command``, 127.0.0.1), and
for each scenario opens a fresh browser context on the Case page, follows a sidebar link and
times, by the browser's own clocks:

- ``nav->iframe``: from the click on the link until the graph's iframe starts loading
  (the Streamlit script run, the query, ``render_html`` and the transfer);
- ``nav->ready`` / ``iframe->ready``: until the viewer sets ``window.graphReady`` (painted);
- ``nav->usable`` / ``iframe->usable``: until a click on a node on the canvas has selected it.
  The page is polled every 10 ms; the poll that sees the graph ready scrolls it into view and
  returns where a node is drawn, and the mouse clicks there at once (``clicks`` counts the
  clicks it took, at most 3, a click lost under load being retried after 3 s). The figure
  includes that round trip; ``press->selected`` is the part from the button press reaching
  the canvas to the viewer's selection.

Scenarios: the Rings page as it opens (the highest-scoring ring, members only), and, since
rings in generated cases have tens of people (the largest is printed), the Explore page on
the top-ranked broker with the hops and cap that draw about 300 and about 3,000 nodes (set
up once in the session, then measured as a navigation back to Explore). The first visit of
each scenario is a warm-up (cached analyses, Python imports) and is printed apart.

Every request to a host other than the app's is refused and counted. Debian's Chromium only:

    python bench/bench_ui.py
    python bench/bench_ui.py --people 4000 --runs 5 --targets 300 1000 3000
    python bench/bench_ui.py --case /path/to/analysed/case      # reuse a case folder
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from graph_tool.model import Label
from graph_tool.ui import ui_command

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1600, "height": 1000}
TIMEOUT_MS = 180_000
IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
                  return !!app && app.dataset.testScriptState === "notRunning"; }"""
# In every frame before its scripts: when a mouse button press arrives, and when the viewer
# sets ``window.gtSelected`` to a node (its click handler), by the frame's own clock.
PROBES = """
window.addEventListener("pointerdown", () => { window.pressedAt = performance.now(); }, true);
(() => {
  let selected = null;
  Object.defineProperty(window, "gtSelected", {
    configurable: true,
    get() { return selected; },
    set(v) { selected = v; if (v !== null) { window.clickedAt = performance.now(); } },
  });
})();
"""
# Polled in the app's page: once the viewer (same-origin srcdoc iframe) has painted, scroll it
# into view and return where to click, in page coordinates: the node under ``id``'s position
# (a neighbour may be drawn on top of it), else the node nearest the middle of the canvas.
READY_TARGET = """(id) => {
  const iframe = document.querySelector('[data-testid="stIFrame"]');
  const w = iframe && iframe.contentWindow;
  if (!w || w.graphReady !== true) { return null; }
  iframe.scrollIntoView({block: "nearest"});
  const net = w.gtNetwork, outer = iframe.getBoundingClientRect();
  const box = net.body.container.getBoundingClientRect();
  let pick = id !== null && w.gtNodes.get(id) ? id : null;
  if (pick === null) {
    const mid = net.DOMtoCanvas({x: box.width / 2, y: box.height / 2});
    let best = Infinity;
    for (const [key, p] of Object.entries(net.getPositions())) {
      const d = (p.x - mid.x) ** 2 + (p.y - mid.y) ** 2;
      if (d < best) { best = d; pick = key; }
    }
  }
  const p = net.canvasToDOM(net.getPosition(pick));
  return [outer.left + iframe.clientLeft + box.left + p.x, outer.top + iframe.clientTop + box.top + p.y,
          net.getNodeAt(p)];
}"""


@dataclass(frozen=True)
class Scenario:
    """A page to navigate to; for Explore, the entity, hops and cap set up beforehand."""

    name: str
    link: str
    entity: str | None = None
    hops: int = 1
    cap: int = 500


# --- the case and the app -------------------------------------------------------------------


def build_case(folder: Path, people: int, seed: int) -> None:
    from graph_tool.analyse import analyse_store
    from graph_tool.store.embedded import EmbeddedStore
    from loaders import load_case
    from sample_data import generate_case

    t = time.perf_counter()
    generate_case(folder / "files", people=people, seed=seed)
    store = EmbeddedStore(folder / "case")
    try:
        load_case(store, folder / "files")
        loaded = time.perf_counter() - t
        analyse_store(store)
    finally:
        store.close()
    analysed = time.perf_counter() - t - loaded
    print(f"case: {people:,} people (seed {seed}) generated and loaded in {loaded:.1f} s, analysed in {analysed:.1f} s")


def plan(case: Path, targets: Sequence[int]) -> list[Scenario]:
    """The scenarios: Rings as it opens, Explore around the top broker for each target size."""
    from graph_tool.store.embedded import EmbeddedStore

    store = EmbeddedStore(case, read_only=True)
    try:
        rings = store.read(
            f"MATCH (p:{Label.PERSON}) WHERE p.ring_id IS NOT NULL "
            "RETURN p.ring_id AS ring, count(*) AS n ORDER BY n DESC"
        )
        top = store.read(
            f"MATCH (p:{Label.PERSON}) WHERE p.broker_rank IS NOT NULL RETURN p.id AS id ORDER BY p.broker_rank LIMIT 1"
        )
        sizes = [int(r["n"]) for r in rings]
        print(
            f"rings: {len(sizes)}; the largest has {sizes[0] if sizes else 0} people "
            f"(the Rings page opens on the highest-scoring ring, members only)"
        )
        scenarios = [Scenario("Rings: first ring", "Rings")]
        if not top:
            return scenarios
        entity = str(top[0]["id"])
        sizes_by_hops: dict[int, int] = {}
        for target in targets:
            for hops in range(1, 7):
                if hops not in sizes_by_hops:
                    sizes_by_hops[hops] = len(store.neighbourhood(entity, hops=hops, limit=20000).nodes)
                if sizes_by_hops[hops] >= target:
                    break
            scenarios.append(
                Scenario(f"Explore: {entity}, {hops} hops, cap {target:,}", "Explore", entity, hops, target)
            )
        print(f"explore: top-ranked broker {entity}; neighbourhood nodes by hops: {sizes_by_hops}")
        return scenarios
    finally:
        store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(case: Path, workdir: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "GRAPH_TOOL_STORE": str(case), "GRAPH_TOOL_AUDIT_LOG": str(workdir / "audit.jsonl")}
    log = (workdir / "streamlit.log").open("wb")
    proc = subprocess.Popen(ui_command(port, "127.0.0.1"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{origin}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start; see {workdir / 'streamlit.log'}") from None
                time.sleep(0.3)
        yield origin
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# --- the browser ----------------------------------------------------------------------------


def go(page: Any, link: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    page.locator("h1").filter(has_text=re.compile(f"^{re.escape(link)}$")).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(IDLE, timeout=TIMEOUT_MS)


GRAPH_READY = """(title) => {
  const iframe = document.querySelector('[data-testid="stIFrame"]');
  const w = iframe && iframe.contentWindow;  // the viewer's srcdoc frame is same-origin
  return !!w && w.graphReady === true && w.document.title.endsWith(title);
}"""


def drawn_graph(page: Any, title: str) -> None:
    """Wait until the page's (only) graph is painted and titled ``title``."""
    page.wait_for_function(GRAPH_READY, arg=title, timeout=TIMEOUT_MS, polling=10)


def set_up_explore(page: Any, s: Scenario) -> None:
    """Draw ``s.entity`` at ``s.hops`` hops with cap ``s.cap`` once, then leave the page."""
    assert s.entity is not None
    go(page, "Explore")
    form = page.get_by_test_id("stForm")
    form.get_by_label("Entity id").fill(s.entity)
    form.get_by_label("Draw at most this many nodes").fill(str(s.cap))
    form.get_by_role("button", name="Show").click()
    drawn_graph(page, f"1-hop neighbourhood of {s.entity}")
    for hops in range(1, s.hops):
        page.get_by_role("button", name=f"Expand one more hop (now {hops})").click()
        page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
        drawn_graph(page, f"{hops + 1}-hop neighbourhood of {s.entity}")
    go(page, "Case")


def measure(browser: Any, origin: str, s: Scenario) -> dict[str, Any]:
    """One fresh session: navigate to ``s.link`` and time the graph (milliseconds)."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    refused: list[str] = []
    host = urlsplit(origin).netloc

    def route(r: Any) -> None:
        if urlsplit(r.request.url).netloc == host:
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.add_init_script(PROBES)
    page = context.new_page()
    try:
        page.goto(origin + "/", wait_until="domcontentloaded")
        page.locator("h1").filter(has_text=re.compile("^Case$")).wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
        if s.entity is not None:
            set_up_explore(page, s)
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=s.link, exact=True)
        nav_at = link.evaluate("a => { const t = performance.timeOrigin + performance.now(); a.click(); return t; }")
        clicks, selected = 0, False
        while clicks < 3 and not selected:
            # Where to click, asked again on each try (the page may have moved under it).
            x, y, target = page.wait_for_function(
                READY_TARGET, arg=s.entity, timeout=TIMEOUT_MS, polling=10
            ).json_value()
            page.mouse.click(x, y)
            clicks += 1
            try:
                page.wait_for_function(
                    """(id) => document.querySelector('[data-testid="stIFrame"]').contentWindow.gtSelected === id""",
                    arg=target,
                    timeout=3_000,
                    polling=10,
                )
                selected = True
            except Exception:
                continue
        iframe = page.get_by_test_id("stIFrame").first
        frame = iframe.element_handle().content_frame()
        origin_ms, ready, pressed, clicked = frame.evaluate(
            "() => [performance.timeOrigin, window.graphReadyAt, window.pressedAt, window.clickedAt]"
        )
        clicked = clicked if selected else None
        graph = frame.locator("#gt-graph")
        return {
            "nodes": int(graph.get_attribute("data-rendered-nodes")),
            "edges": int(graph.get_attribute("data-edge-count")),
            "nav->iframe": origin_ms - nav_at,
            "nav->ready": origin_ms + ready - nav_at,
            "nav->usable": None if clicked is None else origin_ms + clicked - nav_at,
            "iframe->ready": ready,
            "iframe->usable": clicked,
            "press->selected": None if clicked is None else clicked - pressed,
            "clicks": clicks,
            "refused": len(refused),
            "kib": len((iframe.get_attribute("srcdoc") or "").encode()) // 1024,
        }
    finally:
        context.close()


# --- report ---------------------------------------------------------------------------------

TIMES = ("nav->iframe", "nav->ready", "nav->usable", "iframe->ready", "iframe->usable", "press->selected")


def fmt(values: Sequence[float | None]) -> str:
    if any(v is None for v in values):
        return "no selection"
    nums = [v / 1000 for v in values if v is not None]
    return f"{statistics.median(nums):5.2f} s (" + ", ".join(f"{v:.2f}" for v in nums) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000, help="people in the generated case (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--case", type=Path, help="an analysed case folder to use instead of generating one")
    parser.add_argument("--targets", type=int, nargs="+", default=[300, 3000], help="Explore: nodes to draw")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per scenario (after one warm-up)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        case = args.case
        if case is None:
            build_case(work, args.people, args.seed)
            case = work / "case"
        scenarios = plan(case, args.targets)
        rows: list[list[str]] = []
        with running_app(case, work) as origin, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"Chromium {browser.version}; app at {origin}; viewport {VIEWPORT['width']}x{VIEWPORT['height']}")
            for s in scenarios:
                warm = measure(browser, origin, s)
                runs = [measure(browser, origin, s) for _ in range(args.runs)]
                last = runs[-1] if runs else warm
                rows.append(
                    [
                        s.name,
                        f"{last['nodes']:,}/{last['edges']:,}",
                        *(fmt([r[k] for r in runs]) for k in TIMES),
                        f"{sum(r['clicks'] for r in runs)}/{len(runs)}",
                        str(sum(r["refused"] for r in [warm, *runs])),
                        str(last["kib"]),
                        f"{warm['nav->ready'] / 1000:.2f} s",
                    ]
                )
            browser.close()

    head = ["scenario", "nodes/edges", *TIMES, "clicks/runs", "refused", "KiB", "warm-up nav->ready"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(
        "median (each run), browser clocks; iframe->: from when the graph's iframe starts loading; "
        "targets: iframe->ready and iframe->usable <= 1 s at 300 nodes, <= 3 s at 3,000"
    )


if __name__ == "__main__":
    main()
