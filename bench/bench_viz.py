"""Benchmark graph drawing in Chromium: time until a graph is painted and usable.

Prints figures, asserts nothing. For each size (default 300 and 3,000 nodes) on a
synthetic ring-like case graph (a ring of people, phones and accounts with a chord every
tenth node), it times:

- ``render``: ``graph_tool.viz.render_html`` on the server (layout included);
- ``ready``: from ``page.goto`` until the page sets ``window.graphReady`` (painted);
- ``ready (in page)``: the same moment by the page's own clock (from navigation start);
- ``usable``: from ``page.goto`` until a click on a node has selected it (``clicks/runs``
  counts the clicks it took: a click lost under load is retried, at most 3 times).

The anchor is pyvis 0.3.2's own default page (physics on, built with ``add_node``) at 300
nodes, measured in the same run: ``ready`` is vis-network's ``stabilizationIterationsDone``,
capped at ``--anchor-timeout`` seconds (60 by default).

Pages are served from 127.0.0.1; every other request is refused and counted (pyvis's page
links bootstrap from a CDN; ours must make no request at all). Debian's Chromium only:

    python bench/bench_viz.py
    python bench/bench_viz.py --sizes 300 1000 3000 --runs 5
"""

from __future__ import annotations

import argparse
import http.server
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from graph_tool.model import Label, Rel
from graph_tool.store.base import Edge, Node, Subgraph
from graph_tool.viz import pyvis_default_page, render_html

# pyvis assigns the global `network`; catch it to learn when stabilisation is done.
PYVIS_PROBE = """
(() => {
  let net;
  Object.defineProperty(window, "network", {
    configurable: true,
    get() { return net; },
    set(value) {
      net = value;
      if (value && value.once) {
        value.once("stabilizationIterationsDone", () => {
          window.graphReadyAt = performance.now();
          window.graphReady = true;
        });
        value.on("click", (p) => { window.gtSelected = p.nodes.length ? p.nodes[0] : null; });
      }
    },
  });
})();
"""


def ring_case(n: int) -> Subgraph:
    """A ring of people, phones and accounts, with a chord every tenth node."""
    kinds = (Label.PERSON, Label.PERSON, Label.PHONE, Label.PERSON, Label.ACCOUNT)
    nodes = []
    for i in range(n):
        label = kinds[i % len(kinds)]
        props = {"name": f"Person {i}"} if label is Label.PERSON else {"number": f"+23480{i:07d}"}
        nodes.append(Node(label, f"n{i}", props))
    edges = [Edge(Rel.ASSOCIATE_OF, f"r{i}", f"n{i}", f"n{(i + 1) % n}") for i in range(n)]
    edges += [Edge(Rel.ASSOCIATE_OF, f"c{i}", f"n{i}", f"n{(i + n // 7) % n}") for i in range(0, n, 10)]
    return Subgraph(tuple(nodes), tuple(edges))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    def handler(*args: Any, **kwargs: Any) -> _Quiet:
        return _Quiet(*args, directory=str(folder), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def measure(browser: Any, origin: str, name: str, node_id: str, timeout_s: float, probe: str = "") -> dict[str, Any]:
    """Open a page fresh; seconds until painted and until a click on ``node_id`` selects it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    refused: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    if probe:
        context.add_init_script(probe)
    page = context.new_page()
    out: dict[str, Any] = {"refused": refused}
    try:
        start = time.perf_counter()
        # "domcontentloaded": a wait started at "commit" can miss the new document's state.
        page.goto(f"{origin}/{name}", wait_until="domcontentloaded")
        try:
            page.wait_for_function("window.graphReady === true", timeout=timeout_s * 1000, polling=20)
        except Exception:
            out["ready"] = out["usable"] = None
            return out
        out["ready"] = time.perf_counter() - start
        out["in_page"] = page.evaluate("window.graphReadyAt") / 1000  # since navigation start
        # Click where node_id is drawn; the node on top there (a neighbour may overlap it at
        # the fitted zoom) must become the selection. A click lost under load is retried.
        x, y, target = page.evaluate(
            """(id) => { const net = window.gtNetwork || window.network;
                 const p = net.canvasToDOM(net.getPosition(id));
                 const box = net.body.container.getBoundingClientRect();
                 return [box.left + p.x, box.top + p.y, net.getNodeAt(p)]; }""",
            node_id,
        )
        out["clicks"] = 0
        while True:
            page.mouse.click(x, y)
            out["clicks"] += 1
            try:
                page.wait_for_function("(id) => window.gtSelected === id", arg=target, timeout=3_000, polling=10)
                break
            except Exception:
                if out["clicks"] == 3:
                    out["usable"] = None
                    return out
        out["usable"] = time.perf_counter() - start
        return out
    finally:
        context.close()


def fmt(values: Sequence[float | None]) -> str:
    if any(v is None for v in values):
        return "timeout"
    nums = [v for v in values if v is not None]
    return f"{statistics.median(nums):6.2f} s (" + ", ".join(f"{v:.2f}" for v in nums) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--anchor-size", type=int, default=300)
    parser.add_argument("--anchor-timeout", type=float, default=60.0)
    parser.add_argument("--no-anchor", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str, str, str, str, str, str, int]] = []
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"Chromium {browser.version}; pages served from {origin}; other hosts refused")
        # Warm up once so that the first measured run does not pay for process start-up.
        (Path(tmp) / "warm.html").write_text(render_html(ring_case(50), title="warm").html, encoding="utf-8")
        measure(browser, origin, "warm.html", "n1", 30)
        for n in args.sizes:
            case = ring_case(n)
            renders, ready, in_page, usable, refused, clicks = [], [], [], [], 0, 0
            result = None
            for run in range(args.runs):
                t = time.perf_counter()
                result = render_html(case, title=f"Ring of {n}", banner="OFFICIAL-SENSITIVE")
                renders.append(time.perf_counter() - t)
                name = f"viz-{n}-{run}.html"
                (Path(tmp) / name).write_text(result.html, encoding="utf-8")
                m = measure(browser, origin, name, "n1", 60)
                ready.append(m["ready"])
                in_page.append(m.get("in_page"))
                usable.append(m["usable"])
                refused += len(m["refused"])
                clicks += m.get("clicks", 0)
            assert result is not None
            size_kb = len(result.html.encode()) // 1024
            label = f"graph_tool.viz {n:,} ({result.layout})"
            times = (fmt(renders), fmt(ready), fmt(in_page), fmt(usable))
            rows.append((label, *times, f"{clicks}/{args.runs}", str(refused), size_kb))
        if not args.no_anchor:
            n = args.anchor_size
            t = time.perf_counter()
            page = pyvis_default_page(ring_case(n))
            build = time.perf_counter() - t
            (Path(tmp) / "pyvis.html").write_text(page, encoding="utf-8")
            m = measure(browser, origin, "pyvis.html", "n1", args.anchor_timeout, probe=PYVIS_PROBE)
            rows.append(
                (
                    f"pyvis 0.3.2 default {n:,} (physics)",
                    fmt([build]),
                    fmt([m["ready"]]) if m["ready"] is not None else f"> {args.anchor_timeout:.0f} s",
                    fmt([m.get("in_page")]) if m["ready"] is not None else "",
                    fmt([m["usable"]])
                    if m["usable"] is not None
                    else (
                        "no selection after 3 clicks" if m["ready"] is not None else f"> {args.anchor_timeout:.0f} s"
                    ),
                    f"{m.get('clicks', 0)}/1",
                    str(len(m["refused"])),
                    len(page.encode()) // 1024,
                )
            )
        browser.close()

    head = ("page", "render (server)", "ready", "ready (in page)", "usable (click)", "clicks/runs", "refused", "KiB")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print("median (each run); targets: ready and usable <= 1 s at 300 nodes, <= 3 s at 3,000")


if __name__ == "__main__":
    main()
