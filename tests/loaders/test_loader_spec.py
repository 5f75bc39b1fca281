"""Mapping specs: checked against the model when loaded, errors name the file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graph_tool.cli import main
from loaders.spec import SpecError, builtin_specs, load_spec

BUILTIN = [
    "people",
    "organisations",
    "documents",
    "phones",
    "calls",
    "accounts",
    "payments",
    "addresses",
    "relations",
    "events",
    "border-crossings",
    "ftm",
    "htcds",
    "nodes-edges",
    "covert-networks",
    "adjacency",
]


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_spec_loads(name: str) -> None:
    spec = load_spec(name)
    assert spec.name == name
    assert name in builtin_specs()


def bad(tmp_path: Path, data: object) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(path)
    return str(err.value)


PHONE_NODE = {"alias": "phone", "label": "Phone", "key": ["number"], "properties": {"number": "phone"}}


def test_unknown_property_names_file_and_path(tmp_path: Path) -> None:
    node = {**PHONE_NODE, "properties": {"number": "phone", "birth_date": "dob"}}
    msg = bad(tmp_path, {"name": "x", "nodes": [node]})
    assert "bad.yaml: nodes[0].properties.birth_date: unknown property 'birth_date' for Phone" in msg


def test_unknown_label_and_type(tmp_path: Path) -> None:
    msg = bad(tmp_path, {"name": "x", "nodes": [{**PHONE_NODE, "label": "Telephone"}]})
    assert "nodes[0].label" in msg and "Telephone" in msg
    msg = bad(
        tmp_path,
        {
            "name": "x",
            "nodes": [PHONE_NODE, {**PHONE_NODE, "alias": "b"}],
            "relationships": [{"type": "PHONED", "from": "phone", "to": "b"}],
        },
    )
    assert "relationships[0].type" in msg and "PHONED" in msg


def test_label_pair_checked_against_the_model(tmp_path: Path) -> None:
    person = {"alias": "person", "label": "Person", "id_column": "pid"}
    msg = bad(
        tmp_path,
        {
            "name": "x",
            "nodes": [person, PHONE_NODE],
            "relationships": [{"type": "HOLDS", "from": "person", "to": "phone"}],
        },
    )
    assert "relationships[0].type: HOLDS cannot join Person->Phone" in msg


def test_unknown_keys_alias_and_sources(tmp_path: Path) -> None:
    msg = bad(tmp_path, {"name": "x", "nodes": [{**PHONE_NODE, "colour": "red"}]})
    assert "nodes[0].colour: unknown key" in msg
    msg = bad(tmp_path, {"name": "x", "nodes": [{**PHONE_NODE, "properties": {"number": {"column": "a", "value": 1}}}]})
    assert "nodes[0].properties.number" in msg and "exactly one of" in msg
    msg = bad(
        tmp_path,
        {"name": "x", "nodes": [PHONE_NODE], "relationships": [{"type": "CALLED", "from": "phone", "to": "nobody"}]},
    )
    assert "relationships[0].to: no node with alias 'nobody'" in msg
    msg = bad(tmp_path, {"name": "x", "nodes": [{**PHONE_NODE, "properties": {"sources": "s"}}]})
    assert "nodes[0].properties.sources" in msg


def test_not_yaml_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(SpecError, match=r"broken\.yaml: not valid YAML"):
        load_spec(path)
    with pytest.raises(SpecError, match="not a built-in spec"):
        load_spec("no-such-spec")


def test_specs_cli_list_and_show() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["specs", "list"])
    assert listed.exit_code == 0, listed.output
    for name in BUILTIN:
        assert name in listed.output
    shown = runner.invoke(main, ["specs", "show", "documents"])
    assert shown.exit_code == 0
    assert yaml.safe_load(shown.output)["name"] == "documents"
    missing = runner.invoke(main, ["specs", "show", "nope"])
    assert missing.exit_code != 0 and "not a built-in spec" in missing.output
