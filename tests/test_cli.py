"""The CLI: every command shows an example in its help and has a line in the README."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graph_tool.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def all_commands(group: click.Group, prefix: str = "graph-tool") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [(prefix, group)]
    for name, cmd in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out.extend(all_commands(cmd, path))
        else:
            out.append((path, cmd))
    return out


COMMANDS = all_commands(main)


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_an_example(path: str, cmd: click.Command) -> None:
    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    heading = re.search(r"^\s*Examples?:$", result.output, re.M)
    assert heading, f"{path} --help shows no example"
    assert re.search(r"^\s+graph-tool ", result.output[heading.end() :], re.M), f"{path}: example is not a command"


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(path: str, cmd: click.Command) -> None:
    assert f"`{path}" in README.read_text(encoding="utf-8"), f"README has no line for `{path}`"


def test_demo_then_info_and_cypher(tmp_path: Path) -> None:
    runner = CliRunner()
    case = str(tmp_path / "case")
    first = runner.invoke(main, ["demo", "--tiny", "--no-ui", "--store", case])
    assert first.exit_code == 0, first.output
    assert "'created': 15" in first.output
    second = runner.invoke(main, ["demo", "--tiny", "--no-ui", "--store", case])
    assert "'unchanged': 15" in second.output and "'unchanged': 22" in second.output
    info = runner.invoke(main, ["info", "--store", case, "--json"])
    assert json.loads(info.output)["counts"]["Person"] == 6
    rows = runner.invoke(
        main, ["cypher", "--store", case, "MATCH (p:Person) WHERE $r IN p.roles RETURN p.id AS id", "-p", "r=victim"]
    )
    assert sorted(r["id"] for r in json.loads(rows.output)) == ["P-T01", "P-T02"]
    refused = runner.invoke(main, ["cypher", "--store", case, "CREATE (n:Person {id: 'x'})"])
    assert refused.exit_code != 0 and "refused" in refused.output
    shown = runner.invoke(main, ["show", "P-T03", "--store", case])
    assert {n["id"] for n in json.loads(shown.output)["nodes"]} >= {"P-T03", "T-T02"}


def test_store_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_STORE", str(tmp_path / "envcase"))
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert (tmp_path / "envcase").is_dir()


def test_demo_loads_the_demo_case_and_analyses_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--no-ui", "--store", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "rows read" in result.output and ", 0 rejected" in result.output
    assert "Top brokers:" in result.output and "Document-fraud findings:" in result.output
    # The border agency's records of the same travellers are proposed for review, not merged.
    proposed = re.search(r"Possible matches to review: (\d+)", result.output)
    assert proposed is not None and int(proposed.group(1)) > 0, result.output
    again = CliRunner().invoke(main, ["demo", "--no-ui", "--store", str(tmp_path / "demo")])
    assert f"Possible matches to review: {proposed.group(1)} " in again.output, again.output
    listed = CliRunner().invoke(main, ["matches", "list", "--store", str(tmp_path / "demo")])
    assert listed.exit_code == 0 and listed.output.count("MC-") == int(proposed.group(1))


def test_load_proposes_matches_only_when_people_change(tmp_path: Path) -> None:
    """A victim's record at another agency, loaded file by file with ``graph-tool load``,
    is tied to her by a proposed match (so every page and export masks it like her)."""
    header = "person_id,full_name,aliases,birth_date,sex,nationality,roles,indicators,notes\n"
    victims = tmp_path / "ngo.csv"
    victims.write_text(header + "V-1,Tran Thi Mai,,1999-03-04,female,VN,victim,,\n", encoding="utf-8")
    border = tmp_path / "border.csv"
    border.write_text(header + "B-7,TRAN THI MAI,,1999-03-04,female,VN,,,\n", encoding="utf-8")
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "call_id,caller,callee,date,time,duration_s,kind\nC-1,+84912345678,+84987654321,2024-01-02,10:00,30,voice\n",
        encoding="utf-8",
    )
    case = str(tmp_path / "case")
    runner = CliRunner()

    def load(path: Path, spec: str, *extra: str) -> str:
        result = runner.invoke(main, ["load", str(path), "--spec", spec, "--store", case, "--no-progress", *extra])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Possible matches to review: 0 " in load(victims, "people")
    proposing = load(border, "people")
    assert "Possible matches to review: 1 " in proposing
    assert "Looking for possible matches of the people loaded" in proposing  # says why it waits
    listed = runner.invoke(main, ["matches", "list", "--store", case, "--format", "json"])
    pairs = [{c["left_id"], c["right_id"]} for c in json.loads(listed.output)]
    assert pairs == [{"V-1", "B-7"}], listed.output
    # Calls change no person, and a reload changes nothing: no proposal step either time.
    assert "ossible matches" not in load(calls, "calls")
    assert "Possible matches" not in load(border, "people")
    assert "Possible matches" not in load(victims, "people", "--dry-run")
    case = str(tmp_path / "quiet")
    load(victims, "people", "--no-matches")
    assert "Possible matches" not in load(border, "people", "--no-matches")
    assert json.loads(runner.invoke(main, ["matches", "list", "--store", case, "--format", "json"]).output) == []
