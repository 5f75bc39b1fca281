"""``graph-tool export`` and ``graph-tool import`` on the embedded store, with the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from exportkit import load_rich

from graph_tool import audit
from graph_tool.cli import main
from graph_tool.export import FORMATS
from graph_tool.store.embedded import EmbeddedStore


@pytest.fixture
def case(tmp_path: Path) -> str:
    folder = tmp_path / "case"
    store = EmbeddedStore(folder)
    try:
        load_rich(store)
    finally:
        store.close()
    return str(folder)


# These tests are about selections and formats, so victims are written in clear (audited);
# test_default_export_is_victim_safe checks the default.
UNMASK = ("--profile", "internal-full", "--unmask", "--reason", "export mechanics test")


def _run(*args: str) -> str:
    if args and args[0] == "export":
        args = (*args, *UNMASK)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "html"])
def test_export_every_format_and_audit_it(case: str, tmp_path: Path, fmt: str, _audit_log: Path) -> None:
    out = tmp_path / f"out{FORMATS[fmt].extension}" if fmt != "neo4j-csv" else tmp_path / "csv"
    output = _run("export", "--format", fmt, "--all", "--out", str(out), "--store", case)
    assert "wrote 20 nodes and 34 relationships" in output
    assert out.exists()
    unmask, entry = list(audit.entries(_audit_log))
    assert unmask["action"] == "unmask" and unmask["details"]["reason"] == "export mechanics test"
    assert entry["action"] == "export" and entry["details"]["format"] == fmt
    assert entry["details"]["selection"] == {"all": True} and entry["details"]["nodes"] == 20
    if fmt != "neo4j-csv":
        assert entry["output_sha256"] == entry["details"]["sha256"] == audit.output_hash(out.read_bytes())


@pytest.mark.parametrize(
    ("selection", "nodes"),
    [
        (["--entity", "P-4", "--hops", "1"], {"P-4", "O-2", "P-1", "P-3"}),
        (["--source", "rich-case"], None),
        (["--ring", "R-1", "--hops", "0"], {"P-1", "P-2", "P-3"}),
        (["--query", "ring-members", "-p", "ring_id=R-1"], {"P-1", "P-2", "P-3"}),
    ],
)
def test_export_selections(case: str, tmp_path: Path, selection: list[str], nodes: set[str] | None) -> None:
    out = tmp_path / "sel.json"
    _run("export", "--format", "json", *selection, "--out", str(out), "--store", case)
    got = {n["id"] for n in json.loads(out.read_text())["nodes"]}
    if nodes is None:
        assert len(got) == 20
    else:
        assert got == nodes


def test_ring_export_includes_the_members_neighbours(case: str, tmp_path: Path) -> None:
    out = tmp_path / "ring.json"
    _run("export", "--format", "json", "--ring", "R-1", "--out", str(out), "--store", case)
    got = {n["id"] for n in json.loads(out.read_text())["nodes"]}
    assert {"P-1", "P-2", "P-3", "D-1", "T-1", "A-1"} <= got


def test_export_refuses_two_selections_or_none(case: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = ["--out", str(tmp_path / "x"), "--store", case]
    for args in (["--all", "--entity", "P-1"], []):
        result = runner.invoke(main, ["export", "--format", "json", *args, *out, *UNMASK])
        assert result.exit_code != 0 and "exactly one" in result.output
    missing = runner.invoke(main, ["export", "--format", "json", "--entity", "nobody", *out, *UNMASK])
    assert missing.exit_code != 0 and "nobody" in missing.output


def test_html_export_uses_the_viz_module_or_says_it_is_missing(case: str, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    result = CliRunner().invoke(
        main,
        ["export", "--format", "html", "--all", "--banner", "RESTRICTED", "--out", str(out), "--store", case, *UNMASK],
    )
    try:
        import graph_tool.viz  # noqa: F401
    except ImportError:
        assert result.exit_code != 0 and "not available" in result.output
        assert not out.exists()
    else:
        assert result.exit_code == 0, result.output
        assert "RESTRICTED" in out.read_text(encoding="utf-8")


def test_import_dry_run_then_import_and_audit(case: str, tmp_path: Path, _audit_log: Path) -> None:
    exported = tmp_path / "ring.graphml"
    _run("export", "--format", "graphml", "--all", "--out", str(exported), "--store", case)
    empty = str(tmp_path / "empty")
    dry = _run("import", str(exported), "--partner", "es-policia", "--dry-run", "--store", empty)
    assert "would write 20 new" in dry
    info = json.loads(_run("info", "--json", "--store", empty))
    assert sum(info["counts"].values()) == 0
    report = json.loads(_run("import", str(exported), "--partner", "es-policia", "--json", "--store", empty))
    assert report["format"] == "graphml" and report["nodes"]["created"] == 20
    assert report["relationships"]["created"] == 34 and report["source"] == "partner:es-policia:ring.graphml"
    back_home = json.loads(_run("import", str(exported), "--partner", "es-policia", "--json", "--store", case))
    assert back_home["nodes"]["created"] == back_home["nodes"]["updated"] == 0
    assert back_home["relationships"]["created"] == back_home["relationships"]["updated"] == 0
    actions = [e["action"] for e in audit.entries(_audit_log)]
    assert actions == ["unmask", "export", "import", "import", "import"]
    last = list(audit.entries(_audit_log))[-1]
    assert last["details"]["source"] == "partner:es-policia:ring.graphml"
    assert last["output_sha256"] == audit.output_hash(exported.read_bytes())


def test_import_refuses_a_bad_partner_name_and_a_bad_file(case: str, tmp_path: Path) -> None:
    bad = tmp_path / "x.graphml"
    bad.write_text("<graphml><unclosed></graphml>")
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(bad), "--partner", "a b", "--store", case])
    assert result.exit_code != 0 and "--partner" in result.output
    result = runner.invoke(main, ["import", str(bad), "--partner", "es", "--store", case])
    assert result.exit_code != 0 and "not valid graphml" in result.output
    entity = tmp_path / "evil.graphml"
    entity.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><graphml>&a;</graphml>')
    result = runner.invoke(main, ["import", str(entity), "--partner", "es", "--store", case])
    assert result.exit_code != 0 and "DOCTYPE" in result.output


@pytest.mark.parametrize("fmt", ["json", "graphml", "ftm", "anx", "html"])
def test_default_export_is_victim_safe(case: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"safe.{fmt}"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--all", "--out", str(out), "--store", case])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for clear in ("Trần Thị Mai", "Lê Thị Hoa", "Tran Thi Mai", "Le Thi Hoa"):
        assert clear not in text, f"victim name in clear in the {fmt} export"
    refused = CliRunner().invoke(
        main, ["export", "--format", fmt, "--all", "--out", str(out), "--store", case, "--unmask"]
    )
    assert refused.exit_code != 0 and "--reason" in refused.output
