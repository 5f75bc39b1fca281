"""Redaction profiles: the built-ins load, and a bad file is refused naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_tool.share.errors import ProfileError
from graph_tool.share.policy import MaskRule, builtin_profiles, load_profile


def test_builtin_profiles_load_and_protect_victims() -> None:
    assert {"default", "jit-partner", "ngo", "internal-full"} <= set(builtin_profiles())
    for name in builtin_profiles():
        prof = load_profile(name)
        assert prof.name == name
        assert "victim" in prof.protected.roles
        assert prof.protected_rule("Person", "name") in ("pseudonymise", "drop")
        assert len(prof.digest) == 64
    assert load_profile("ngo").label_dropped("Address")
    assert isinstance(load_profile("jit-partner").protected_rule("Person", "birth_date"), MaskRule)


def test_a_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "custom.yaml"
    path.write_text("name: custom\nlabels:\n  Account:\n    fields: {number: {mask: last, chars: 4}}\n")
    prof = load_profile(path)
    assert prof.origin == str(path)
    rule = prof.node_rule("Account", "number")
    assert isinstance(rule, MaskRule) and rule.apply("6222020200112233") == "************2233"


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ("name: x\nlabels:\n  Adress: {drop: true}\n", "labels.Adress", "unknown node label"),
        ("name: x\nlabels:\n  Person:\n    fields: {nam: drop}\n", "labels.Person.fields.nam", "not a property"),
        ("name: x\nlabels:\n  Person:\n    fields: {name: hide}\n", "labels.Person.fields.name", "Input should be"),
        ("name: x\nlabels:\n  Payment:\n    fields: {amount: pseudonymise}\n", "amount", "kept or dropped"),
        ("name: x\nlabels:\n  Person:\n    fields: {sex: {mask: year}}\n", "fields.sex", "needs a date"),
        ("name: x\nprotected:\n  roles: [witness]\n", "protected.roles", "must include victim"),
        ("name: x\nprotected:\n  fields:\n    Person: {name: keep}\n", "protected.fields.Person.name", "unmask"),
        ("name: x\nprotected:\n  fields:\n    Person: {sex: drop}\n", "protected.fields.Person.sex", "identifying"),
        ("name: x\nrelationships:\n  KNOWS: {drop: true}\n", "relationships.KNOWS", "unknown relationship"),
        ("name: x\nk_anonymity: {k: 1}\n", "k_anonymity.k", "greater than or equal to 2"),
        ("name: x\nk_anonymity: {quasi_identifiers: [shoe_size]}\n", "k_anonymity.quasi_identifiers", "Input"),
        ("name: x\nlabel: {}\n", "label", "Extra inputs"),
        ("labels: {}\n", "name", "Field required"),
    ],
)
def test_invalid_profiles_name_the_file_and_the_key(tmp_path: Path, body: str, key: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    text = str(err.value)
    line = next((ln for ln in text.splitlines() if key in ln), "")
    assert line.startswith(str(path)), text
    assert message in line, text


def test_unknown_profile_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"no redaction profile 'nope'.*default"):
        load_profile("nope")
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(ProfileError, match=r"broken.yaml: line \d+: not valid YAML"):
        load_profile(path)
