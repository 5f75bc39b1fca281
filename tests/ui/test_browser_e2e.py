"""The real app (``streamlit run app.py``) end to end in Debian's Chromium.

Two app processes are started once for the module, each with ``graph_tool.ui.ui_command``
on a free port of 127.0.0.1: one on a copy of the analysed demo case (a copy, because the
AppTest tests of this session keep the demo case's database open, and an embedded case is
opened by one process at a time), one on a small generated case whose text fields carry
script and markdown payloads. The browser is driven through the sidebar as a person would:
search a known broker and see its card and graph, open Rings and see the first ring drawn,
run a saved query from its form; the same again with every request to another host refused
(none may be attempted); and every page of the payload case, where no dialog may open, no
payload may run in any frame, and the payloads must show as text.

Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright's Python package; Playwright's
own browser downloads are never used. When the browser is missing or cannot start these tests
fail under ``CI=true`` and skip otherwise. Screenshots go to ``screenshots/`` (git-ignored);
``screenshots/ring-view.png`` is the README's picture of a ring.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from graph_tool.model import Label
from graph_tool.ui import ui_command
from graph_tool.viz import LABEL_CHARS
from tests.browser import launch_browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
TRUTH = ROOT / "sample_data" / "demo" / "ground_truth.json"
VIEWPORT = {"width": 1600, "height": 1000}
SHOT = {"width": 1600, "height": 1100}  # the ring's picture: its brokers, victims and whole graph
START_TIMEOUT_S = 90
WAIT_MS = 60_000  # the first visit of an analysis page computes the analyses

# Payloads. Each sets window.__xss (and opens a dialog) if it ever runs, in any frame.
IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
SCRIPT = "<script>window.__xss=2;alert(2)</script>"
SVG = '"><svg onload="window.__xss=3;alert(3)">'
JS_URL = "javascript:window.__xss=4;alert(4)"
MD_LINK = "[click](javascript:window.__xss=5)"
MD_IMAGE = "![pixel](http://xss.invalid/p.png)"  # markdown: an image fetched from another host
PAYLOADS = (IMG, SCRIPT, SVG, JS_URL, MD_LINK, MD_IMAGE)
TARGET_NAME = f"{IMG} Mai {SCRIPT} Thi {MD_IMAGE}"  # the person searched for on the payload case
REASON = f"review {MD_IMAGE} {SVG}"  # the reason typed to unmask victims
UPLOAD_NAME = '<img src=x onerror="window.__xss=7;alert(7)">.csv'

# Runs before any page script in every frame: an assignment to window.__xss is reported on
# the console (Playwright hears the console of every frame) as well as kept in the frame.
XSS_PROBE = """
(() => {
  let value;
  Object.defineProperty(window, "__xss", {
    configurable: true,
    get() { return value; },
    set(v) { value = v; console.warn("__xss=" + v + " in " + location.href); },
  });
})();
"""
IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
                  return !!app && app.dataset.testScriptState === "notRunning"; }"""
# The viewer's srcdoc frame is same-origin with the app (Streamlit's iframe sandbox allows it).
GRAPH_READY = """(index) => { const all = document.querySelectorAll('[data-testid="stIFrame"]');
                          const f = all[index < 0 ? all.length + index : index];
                          return !!f && !!f.contentWindow && f.contentWindow.graphReady === true; }"""
DRAWN = re.compile(r"^(\d+) nodes and (\d+) relationships drawn")


# --- the app and the browser ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_app(store: Path, workdir: Path) -> Iterator[str]:
    """Run the app on ``store`` until the generator is closed; yield its origin."""
    port = _free_port()
    env = {
        **os.environ,
        "GRAPH_TOOL_STORE": str(store),
        "GRAPH_TOOL_AUDIT_LOG": str(workdir / "audit.jsonl"),
        "GRAPH_TOOL_EMBEDDED_BUFFER_MB": "256",
    }
    log_path = workdir / "streamlit.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(ui_command(port, "127.0.0.1"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{origin}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start on {origin}:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield origin
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def demo_app(demo_case: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on (a copy of) the analysed demo case: its origin, http://127.0.0.1:PORT."""
    work = tmp_path_factory.mktemp("demo-app")
    case = work / "case"
    shutil.copytree(demo_case, case)
    yield from _start_app(case, work)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


@dataclass
class Tab:
    """One browser context on the app, recording what a test must check."""

    page: Any
    origin: str
    foreign: list[str] = field(default_factory=list)  # requests to another host (refused if blocking)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    xss: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No dialog, no payload run in any frame, no uncaught error, no other host."""
        self.page.wait_for_timeout(300)  # let a delayed handler fire
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        assert self.xss == [], f"payloads ran: {self.xss}"
        assert self.errors == [], f"page errors: {self.errors}"
        for frame in self.page.frames:
            ran = frame.evaluate("window.__xss === undefined ? null : String(window.__xss)")
            assert ran is None, f"a payload ran in {frame.url[:60]}: {ran}"
            links = frame.evaluate(
                "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
                ".filter(h => /^\\s*javascript:/i.test(h))"
            )
            assert links == [], f"javascript: links in {frame.url[:60]}: {links}"
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"


@pytest.fixture
def open_tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``open_tab(origin, block=..., viewport=...)``: a fresh context on the app's first page.

    When the test fails, each page is saved as ``screenshots/failed-<test>-<n>.png``.
    """
    contexts: list[Any] = []

    def opener(origin: str, *, block: bool, viewport: dict[str, int] = VIEWPORT) -> Tab:
        context = browser.new_context(viewport=viewport, service_workers="block")
        contexts.append(context)
        context.add_init_script(XSS_PROBE)
        page = context.new_page()
        tab = Tab(page, origin)
        host = urlsplit(origin).netloc

        def route(r: Any) -> None:
            if urlsplit(r.request.url).netloc == host:
                r.continue_()
            else:
                tab.foreign.append(r.request.url)
                r.abort()

        def dialog(d: Any) -> None:
            tab.dialogs.append(d.message)
            d.dismiss()

        if block:
            context.route("**/*", route)
        else:
            context.on("request", lambda r: urlsplit(r.url).netloc != host and tab.foreign.append(r.url))
        page.on("websocket", lambda ws: urlsplit(ws.url).netloc != host and tab.foreign.append(ws.url))
        page.on("dialog", dialog)
        page.on("pageerror", lambda e: tab.errors.append(str(e)))
        page.on("console", lambda m: m.text.startswith("__xss") and tab.xss.append(m.text))
        page.goto(origin + "/", wait_until="domcontentloaded")
        wait_for_page(page, "Case")
        return tab

    yield opener
    failed = getattr(request.node, "rep_call", None)
    for n, context in enumerate(contexts):
        if failed is not None and failed.failed:
            for page in context.pages:
                try:
                    screenshot(page, f"failed-{request.node.name}-{n}.png")
                except Exception as exc:  # a crashed page: nothing to see
                    print(f"no screenshot of the failed page: {exc}")
        context.close()


# --- driving the pages ------------------------------------------------------------------


def idle(page: Any) -> None:
    page.wait_for_function(IDLE, timeout=WAIT_MS)


def wait_for_page(page: Any, heading: str) -> None:
    page.locator("h1").filter(has_text=re.compile(f"^{re.escape(heading)}$")).wait_for(timeout=WAIT_MS)
    idle(page)


def go(page: Any, link: str, heading: str | None = None) -> None:
    """Follow a sidebar navigation link and wait until the page has run."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    wait_for_page(page, heading or link)


def choose(scope: Any, page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``.

    A select box whose page is still running may be drawn again under the pointer, its list
    closed or still holding the options of the run before: then it is opened again.
    """
    box = scope.get_by_role("combobox", name=label, exact=True)
    for _ in range(3):
        idle(page)
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"{option!r} could not be chosen in {label!r}")
    page.wait_for_function(
        "([label, option]) => Array.from(document.querySelectorAll('input[role=combobox]'))"
        ".some(i => i.getAttribute('aria-label') === label && i.value === option)",
        arg=[label, option],
        timeout=WAIT_MS,
    )
    idle(page)


def cells(scope: Any) -> list[str]:
    """The text of the cells (those scrolled into view) of the data grids in ``scope``."""
    found = scope.locator("[role=gridcell]")  # glide's cells inside its canvas, for assistive tech
    found.first.wait_for(state="attached", timeout=WAIT_MS)
    return [str(t) for t in found.all_text_contents()]


def graph(page: Any, index: int = -1) -> tuple[Any, Any]:
    """The graph viewer's iframe (a locator) and frame, once the graph is painted.

    Asked of the page, not of a frame handle: an iframe drawn again by a run still going on
    would leave a handle taken too early detached.
    """
    page.wait_for_function(GRAPH_READY, arg=index, timeout=WAIT_MS)
    frames = page.get_by_test_id("stIFrame")
    iframe = frames.nth(index if index >= 0 else frames.count() + index)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    return iframe, frame


def counts(frame: Any) -> dict[str, int]:
    box = frame.locator("#gt-graph")
    return {
        "nodes": int(box.get_attribute("data-node-count")),
        "rendered": int(box.get_attribute("data-rendered-nodes")),
        "edges": int(box.get_attribute("data-edge-count")),
    }


def painted(frame: Any) -> None:
    """Wait two animation frames inside ``frame`` (the canvas has been painted since)."""
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    return path


def search(page: Any, text: str) -> Any:
    """Search for ``text`` on the Search page; the card's subheader (a locator)."""
    go(page, "Search")
    form = page.get_by_test_id("stForm").filter(has_text="Name, phone number")
    form.get_by_label("Name, phone number, document number or account number").fill(text)
    form.get_by_role("button", name="Search").click()
    heading = page.locator("h3").filter(has_text=" — ")
    heading.first.wait_for(timeout=WAIT_MS)
    idle(page)
    return heading.first


def search_broker(page: Any, broker: str) -> Any:
    heading = search(page, broker)
    assert broker in heading.inner_text()
    assert heading.inner_text().endswith(f"— {Label.PERSON} {broker}")
    iframe, frame = graph(page)
    drawn = counts(frame)
    assert drawn["rendered"] == drawn["nodes"] > 1, drawn
    return iframe


def first_ring(page: Any) -> tuple[Any, Any, dict[str, int]]:
    go(page, "Rings")
    ranking = page.get_by_test_id("stDataFrame").first
    ranking.wait_for(timeout=WAIT_MS)
    rows = cells(ranking)
    assert len(rows) >= 3 * 7, rows  # at least three rings of 7 columns
    assert page.get_by_role("combobox", name="Ring", exact=True).input_value() == rows[0]
    iframe, frame = graph(page)
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text=DRAWN)
    match = DRAWN.match(caption.first.inner_text().strip())
    assert match, caption.all_inner_texts()
    drawn = counts(frame)
    assert drawn["nodes"] == drawn["rendered"] == int(match.group(1)) > 1, (drawn, match.group(0))
    assert drawn["edges"] == int(match.group(2))
    return iframe, frame, drawn


def people_by_role(page: Any, role: str) -> list[str]:
    go(page, "Saved queries")
    choose(page, page, "Category", "people")
    choose(page, page, "Query", "People with a role")
    form = page.get_by_test_id("stForm")
    choose(form, page, "role (string)", role)
    form.get_by_role("button", name="Run").click()
    table = page.get_by_test_id("stDataFrame").filter(has=page.locator("[role=gridcell]", has_text=role))
    table.first.wait_for(timeout=WAIT_MS)
    idle(page)
    return cells(table.first)


# --- the demo case ----------------------------------------------------------------------


def known_broker() -> str:
    return str(json.loads(TRUTH.read_text(encoding="utf-8"))["brokers"][0])


def test_search_shows_a_brokers_card_and_graph(demo_app: str, open_tab: Any) -> None:
    tab = open_tab(demo_app, block=False)
    broker = known_broker()
    search_broker(tab.page, broker)
    tab.page.locator("h3").filter(has_text=broker).first.scroll_into_view_if_needed()
    screenshot(tab.page, "app-search.png")
    assert tab.errors == [] and tab.dialogs == []


def test_rings_draw_the_first_ring(demo_app: str, open_tab: Any) -> None:
    tab = open_tab(demo_app, block=False, viewport=SHOT)
    page = tab.page
    iframe, frame, _ = first_ring(page)
    # The README's picture: the ring's brokers and victims, the caption and the whole graph in
    # view (the page scrolls inside Streamlit's main section, under its fixed header), painted.
    brokers = page.get_by_test_id("stMarkdownContainer").filter(has=page.locator("strong", has_text="Brokers:"))
    brokers.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.evaluate(
        """() => { const header = document.querySelector('[data-testid="stHeader"]');
                   const below = header ? header.getBoundingClientRect().bottom : 0;
                   document.querySelector('[data-testid="stMain"]').scrollBy(0, -(below + 8)); }"""
    )
    box = iframe.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SHOT["height"], box
    frame.wait_for_function("window.graphReady === true")
    painted(frame)
    path = screenshot(page, "ring-view.png")
    assert path.stat().st_size > 50_000  # a drawn graph, not an empty page
    assert tab.errors == [] and tab.dialogs == []


def test_saved_query_runs_from_its_form(demo_app: str, open_tab: Any) -> None:
    tab = open_tab(demo_app, block=False)
    rows = people_by_role(tab.page, "broker")
    assert len(rows) >= 4 and known_broker() in rows, rows[:12]
    tab.page.get_by_test_id("stDataFrame").last.scroll_into_view_if_needed()
    screenshot(tab.page, "app-saved-query.png")
    assert tab.errors == [] and tab.dialogs == []


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[str]:
    """The app on a new, empty case folder."""
    yield from _start_app(tmp_path / "case", tmp_path)


def test_load_page_masks_a_victims_record_from_another_agency(empty_app: str, open_tab: Any) -> None:
    """An NGO's file names a victim; the border agency's file has her as a plain traveller.
    Loaded through the Load page, the traveller is proposed as her possible match and is
    pseudonymised on Search like her, though nothing is merged."""
    tab = open_tab(empty_app, block=True)
    page = tab.page
    header = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
    files = [
        {
            "name": "ngo.csv",
            "mimeType": "text/csv",
            "buffer": (header + "V-1,Tran Thi Mai,,1999-03-04,female,VN,victim,,\n").encode(),
        },
        {
            "name": "border.csv",
            "mimeType": "text/csv",
            "buffer": (header + "B-7,TRAN THI MAI,,1999-03-04,female,VN,,,\n").encode(),
        },
    ]
    go(page, "Load")
    form = page.get_by_test_id("stForm").filter(has_text="Mapping spec")
    form.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=files)
    form.get_by_test_id("stFileChipName").nth(1).wait_for(timeout=WAIT_MS)
    choose(form, page, "Mapping spec", "people")
    form.get_by_role("button", name="Load", exact=True).click()
    page.locator("h3").filter(has_text=re.compile("^Loaded$")).wait_for(timeout=WAIT_MS)
    idle(page)
    assert "Possible matches to review: 1" in page.get_by_test_id("stAlert").last.inner_text()
    heading = search(page, "B-7")
    assert heading.inner_text().endswith(f"— {Label.PERSON} B-7")
    shown = [heading.inner_text(), *cells(page)]
    assert not [t for t in shown if "mai" in t.lower()], shown
    tab.assert_clean()


def test_matches_page_accepts_a_score_band_at_once(empty_app: str, open_tab: Any, tmp_path: Path) -> None:
    """Three records of one woman: the Matches page's "Decide many at once" accepts the
    band's three candidates best first, each with its own audit entry; the third, made
    stale by the first two merges, is skipped with the reason, in the browser as in the CLI."""
    tab = open_tab(empty_app, block=True)
    page = tab.page
    header = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
    one_woman = (("B-7", "Tran Thi Mai"), ("B-8", "TRAN THI MAI"), ("W-3", "Trần Thị Mai"))
    rows = "".join(f"{pid},{name},,1999-03-04,female,VN,,,\n" for pid, name in one_woman)
    go(page, "Load")
    form = page.get_by_test_id("stForm").filter(has_text="Mapping spec")
    form.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "registers.csv", "mimeType": "text/csv", "buffer": (header + rows).encode()}]
    )
    form.get_by_test_id("stFileChipName").first.wait_for(timeout=WAIT_MS)
    choose(form, page, "Mapping spec", "people")
    form.get_by_role("button", name="Load", exact=True).click()
    page.locator("h3").filter(has_text=re.compile("^Loaded$")).wait_for(timeout=WAIT_MS)
    idle(page)
    assert "Possible matches to review: 3" in page.get_by_test_id("stAlert").last.inner_text()

    go(page, "Matches", "Possible matches")
    page.get_by_test_id("stExpander").filter(has_text="Decide many at once").locator("summary").click()
    bulk = page.get_by_test_id("stForm").filter(has_text="recorded with each decision")
    bulk.get_by_label("Reason (required, recorded with each decision)").fill("the same woman in three registers")
    bulk.get_by_role("button", name="Accept 3 candidates", exact=True).click()
    done = page.get_by_test_id("stAlert").filter(has_text="candidates accepted by")
    done.wait_for(timeout=WAIT_MS)
    idle(page)
    assert re.search(r"^2 candidates accepted by .+; skipped \S+: .*already merged into", done.inner_text()), (
        done.inner_text()
    )
    entries = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    merges = [e for e in entries if e["action"] == "merge"]
    assert [e["details"]["decision"] for e in merges] == ["accepted", "accepted"]
    assert {e["details"]["reason"] for e in merges} == {"the same woman in three registers"}
    tab.assert_clean()


def test_no_request_leaves_the_machine(demo_app: str, open_tab: Any) -> None:
    """Search, rings and a saved query with every other host refused: none is attempted."""
    tab = open_tab(demo_app, block=True)
    search_broker(tab.page, known_broker())
    first_ring(tab.page)
    assert people_by_role(tab.page, "broker")
    tab.assert_clean()
    assert tab.foreign == []


# --- the payload case -------------------------------------------------------------------


@dataclass(frozen=True)
class PayloadCase:
    folder: Path
    target: str  # a broker of the first ring, named TARGET_NAME
    files: Path  # the generated CSV files


def _payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def build_payload_case(out: Path) -> PayloadCase:
    """A small generated case whose text fields all carry payloads, analysed."""
    from graph_tool.analyse import analyse_store
    from graph_tool.normalise import name_key
    from graph_tool.store.base import NodeRecord
    from graph_tool.store.embedded import EmbeddedStore
    from loaders import load_case
    from sample_data import generate_case

    files = out / "files"
    generate_case(files, people=40, seed=11)
    fields = {
        Label.PERSON: ("name", "notes"),
        Label.ORGANISATION: ("name",),
        Label.DOCUMENT: ("number", "name_on_document"),
        Label.PHONE: ("raw",),
        Label.EVENT: ("place", "description"),
        Label.ADDRESS: ("full",),
        Label.ACCOUNT: ("holder_name", "institution"),
        Label.PAYMENT: ("reference",),
        Label.SOURCE: ("name", "file"),
    }
    store = EmbeddedStore(out / "case")
    try:
        load_case(store, files)
        records = []
        for label, names in fields.items():
            for i, row in enumerate(store.read(f"MATCH (n:{label}) RETURN n ORDER BY n.id")):
                node = row["n"]
                props: dict[str, Any] = {k: f"{_payload(i)} {node.props.get(k) or ''}".strip() for k in names}
                if label is Label.PERSON:
                    props["aliases"] = [_payload(i + 1), _payload(i + 2)]
                    props["name_key"] = name_key(props["name"])
                records.append(NodeRecord(label, node.id, props, "xss-test", f"row {i}"))
        store.upsert_nodes(records)
        results = analyse_store(store)
        assert results.rings is not None and results.rings.rings
        ring = results.rings.rings[0]
        people = {n.id: n for n in store.get_nodes(Label.PERSON, [str(b) for b in ring.brokers])}
        target = next(
            (b for b, n in people.items() if "victim" not in (n.props.get("roles") or [])), next(iter(people))
        )
        roles = sorted({*(people[target].props.get("roles") or []), "broker"})
        store.upsert_nodes(
            [
                NodeRecord(
                    Label.PERSON,
                    target,
                    {"name": TARGET_NAME, "name_key": name_key(TARGET_NAME), "roles": roles},
                    "xss-test",
                )
            ]
        )
    finally:
        store.close()
    return PayloadCase(out / "case", target, files)


@pytest.fixture(scope="module")
def payload_case(tmp_path_factory: pytest.TempPathFactory) -> PayloadCase:
    return build_payload_case(tmp_path_factory.mktemp("payloads"))


@pytest.fixture(scope="module")
def payload_app(payload_case: PayloadCase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _start_app(payload_case.folder, tmp_path_factory.mktemp("payload-app"))


def assert_named_in_graph(frame: Any, node_id: str) -> None:
    """The node's caption (cut to the viewer's length) and tooltip carry TARGET_NAME as text."""
    shown = frame.evaluate(
        "(id) => { const n = window.gtNodes.get(id); return [n.label, n.title.textContent]; }", node_id
    )
    cut = TARGET_NAME if len(TARGET_NAME) <= LABEL_CHARS else TARGET_NAME[: LABEL_CHARS - 1] + "\u2026"
    assert shown[0] == cut and TARGET_NAME in shown[1], shown
    injected = "script:not([nonce]):not([type='application/json']), img, svg, iframe, object, embed"
    assert frame.evaluate("(s) => document.querySelectorAll(s).length", injected) == 0


def assert_only_text(markdown: Any) -> None:
    """Rendered markdown holds no element but text formatting and autolinked web addresses.

    GFM turns a web address in text into a link (never fetched unless clicked); markdown
    escapes cannot stop it, since it works on the text after the escapes are read.
    """
    found = markdown.evaluate(
        "e => Array.from(e.querySelectorAll('*')).map(x => [x.tagName, x.getAttribute('href'), x.textContent])"
    )
    for tag, href, text in found:
        assert tag in {"P", "STRONG", "EM", "CODE", "SPAN"} or (tag == "A" and href == text), found
        assert tag != "A" or re.match(r"^https?://", href), found


def any_payload(texts: list[str]) -> bool:
    return any(p in t for t in texts for p in PAYLOADS)


def test_payloads_stay_text_on_every_page(payload_app: str, payload_case: PayloadCase, open_tab: Any) -> None:
    tab = open_tab(payload_app, block=True)
    page = tab.page
    target = payload_case.target

    # Case: the sources table shows the payload file names as text.
    sources = page.get_by_test_id("stDataFrame").filter(has=page.locator("[role=columnheader]", has_text="loaded"))
    assert any(IMG in c for c in cells(sources)), cells(sources)
    tab.assert_clean()

    # Unmask victims with a payload as the reason: it is shown back as text.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("Reason to show victims' names").fill(REASON)
    sidebar.get_by_role("button", name="Unmask victims").click()
    warning = sidebar.get_by_test_id("stAlertContentWarning")
    warning.wait_for(timeout=WAIT_MS)
    idle(page)
    assert warning.inner_text().strip() == f"Victims shown in clear. Reason: {REASON}"
    assert_only_text(warning.get_by_test_id("stMarkdownContainer"))
    tab.assert_clean()

    # Search: the payload name, the card and its graph.
    heading = search(page, TARGET_NAME)
    assert heading.inner_text() == f"{TARGET_NAME} — {Label.PERSON} {target}"
    assert_only_text(heading.locator("[data-heading-text]"))  # not the heading's own anchor
    assert TARGET_NAME in cells(page.get_by_test_id("stDataFrame").first)
    _, frame = graph(page)
    assert_named_in_graph(frame, target)
    heading.scroll_into_view_if_needed()
    screenshot(page, "app-xss-search.png")
    tab.assert_clean()

    # Explore the same entity.
    go(page, "Explore")
    form = page.get_by_test_id("stForm").filter(has_text="Entity id")
    form.get_by_label("Entity id").fill(target)
    form.get_by_role("button", name="Show").click()
    page.get_by_role("button", name=re.compile(r"^Expand one more hop")).wait_for(timeout=WAIT_MS)
    idle(page)
    _, frame = graph(page)
    assert_named_in_graph(frame, target)
    tab.assert_clean()

    # Rings: the brokers of the first ring are written out by name.
    go(page, "Rings")
    graph(page)
    brokers = page.get_by_test_id("stMarkdownContainer").filter(has=page.locator("strong", has_text="Brokers:"))
    assert f"{TARGET_NAME} ({target})" in brokers.inner_text()
    assert_only_text(brokers)
    tab.assert_clean()

    # Brokers, document fraud, money: tables, explanations, graphs.
    go(page, "Brokers")
    graph(page)
    assert any_payload(cells(page.get_by_test_id("stDataFrame").first))
    tab.assert_clean()
    go(page, "Document fraud")
    graph(page)
    assert any_payload(cells(page.get_by_test_id("stDataFrame").first))  # reasons quote document numbers
    tab.assert_clean()
    go(page, "Money")
    form = page.get_by_test_id("stForm").filter(has_text="Person id")
    form.get_by_label("Person id (or leave empty and choose a ring)").fill(target)
    form.get_by_role("button", name="Show flows").click()
    _, frame = graph(page)
    assert counts(frame)["rendered"] > 1
    tab.assert_clean()

    # Journey: victims in clear (unmasked) carry payload names; places carry payloads.
    go(page, "Journey")
    victim = page.get_by_role("combobox", name="Victim", exact=True).input_value()
    assert any(p in victim for p in PAYLOADS), victim
    assert any_payload(cells(page.get_by_test_id("stDataFrame").first))
    tab.assert_clean()

    # Saved queries: the payload name in a result table.
    assert TARGET_NAME in people_by_role(page, "broker")
    tab.assert_clean()

    # Load: a file whose name and header carry payloads, dry run only.
    go(page, "Load")
    with (payload_case.files / "people.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[:4]
    rows[0].append(MD_IMAGE)  # an unknown column named with a payload
    for row in rows[1:]:
        row.append(SCRIPT)
    rows[1][1] = IMG
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    form = page.get_by_test_id("stForm").filter(has_text="Mapping spec")
    form.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": UPLOAD_NAME, "mimeType": "text/csv", "buffer": text.getvalue().encode()}]
    )
    uploaded = form.get_by_test_id("stFileChipName")
    uploaded.wait_for(timeout=WAIT_MS)
    assert uploaded.get_attribute("title") == UPLOAD_NAME  # shown shortened, in full as its title
    choose(form, page, "Mapping spec", "people")
    form.get_by_role("button", name="Preview (dry run)").click()
    page.locator("h3").filter(has_text="Dry run: nothing was written").wait_for(timeout=WAIT_MS)
    idle(page)
    assert cells(page.get_by_test_id("stDataFrame").first)
    screenshot(page, "app-xss-load.png")
    tab.assert_clean()
    assert tab.foreign == []
