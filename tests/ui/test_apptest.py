"""Every page of the UI, headless with Streamlit's AppTest, on the demo case (both stores)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["case", "search", "explore", "rings", "brokers", "fraud", "money", "journey", "matches", "queries", "load"]


@pytest.fixture
def app(demo_case: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AppTest]:
    monkeypatch.setenv("GRAPH_TOOL_STORE", str(demo_case))
    monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    yield at


def open_page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app: AppTest, page: str) -> None:
    at = open_page(app, page)
    assert at.title and at.title[0].value


def test_case_page_counts(app: AppTest) -> None:
    at = open_page(app, "case")
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Entities"].replace(",", "")) > 1000


def test_search_finds_a_known_broker(app: AppTest) -> None:
    import json

    truth = json.loads((ROOT / "sample_data" / "demo" / "ground_truth.json").read_text())
    broker = truth["brokers"][0]
    at = open_page(app, "search")
    at.text_input[0].set_value(broker)
    at.button[0].click()
    at.run()
    assert not at.exception
    # Case data reaches markdown escaped (app_pages.common.md_text); read it back as text.
    shown = [re.sub(r"\\(.)", r"\1", s.value) for s in at.subheader]
    assert any(broker in s for s in shown), shown


def test_explore_expands_one_hop_per_click(app: AppTest) -> None:
    """Each click on "Expand one more hop" adds a hop, and the button says how many there are."""
    import json

    truth = json.loads((ROOT / "sample_data" / "demo" / "ground_truth.json").read_text())
    at = open_page(app, "explore")
    at.text_input[0].set_value(truth["brokers"][0])
    at.button[0].click()  # the form's Show button
    at.run()
    for hops in (1, 2, 3):
        expand = [b for b in at.button if b.label.startswith("Expand one more hop")]
        assert [b.label for b in expand] == [f"Expand one more hop (now {hops})"]
        assert at.session_state["explore_hops"] == hops
        expand[0].click()
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["explore_hops"] == 4


def test_rings_page_lists_rings_and_draws_one(app: AppTest) -> None:
    at = open_page(app, "rings")
    assert at.dataframe and len(at.dataframe[0].value) >= 3
    assert any("nodes and" in c.value and "drawn" in c.value for c in at.caption)


def test_victims_are_pseudonymised_until_unmasked_with_a_reason(app: AppTest, tmp_path: Path) -> None:
    import json

    from graph_tool import audit

    at = open_page(app, "journey")
    shown = at.selectbox[0].options
    assert all(o.startswith("Victim ") for o in shown), shown[:3]
    reason_box = next(t for t in at.text_input if "Reason" in t.label)
    reason_box.set_value("case review with the prosecutor")
    next(b for b in at.button if b.label == "Unmask victims").click()
    at.run()
    assert not at.exception
    entries = [e for e in audit.entries(Path(os.environ["GRAPH_TOOL_AUDIT_LOG"])) if e["action"] == "unmask"]
    assert entries and entries[-1]["details"]["reason"] == "case review with the prosecutor"
    assert json.dumps(entries[-1])  # plain JSON


def test_saved_query_runs_from_its_form(app: AppTest) -> None:
    at = open_page(app, "queries")
    at.selectbox[0].select("people")
    at.run()
    at.selectbox[1].select("people-by-role")
    at.run()
    at.button[0].click()  # the form's Run button (role defaults to its first choice)
    at.run()
    assert not at.exception
    assert at.dataframe and len(at.dataframe[-1].value) > 0


@pytest.mark.neo4j
def test_every_page_renders_on_neo4j(
    neo4j_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The same pages over the demo case in Neo4j (loaded and analysed under the test lock)."""
    from graph_tool.analyse import analyse_store
    from loaders import load_case
    from sample_data import demo_folder
    from tests.conftest import _open

    with _open("neo4j", tmp_path, request) as store:
        store.create_schema()
        load_case(store, demo_folder())
        analyse_store(store)
        monkeypatch.setenv("GRAPH_TOOL_STORE", neo4j_uri)
        monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
        at = AppTest.from_file(APP, default_timeout=180)
        at.run()
        assert not at.exception
        for page in PAGES:
            open_page(at, page)
            assert at.title[0].value
        at = open_page(at, "rings")
        assert at.dataframe and len(at.dataframe[0].value) >= 3
