"""The sharing commands, end to end on a case folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from share_case import leaks, load_case, victim_secrets

from graph_tool import audit
from graph_tool.cli import main
from graph_tool.store.embedded import EmbeddedStore


@pytest.fixture
def case_dir(tmp_path: Path) -> str:
    folder = tmp_path / "case"
    store = EmbeddedStore(folder)
    try:
        load_case(store)
    finally:
        store.close()
    return str(folder)


def _run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(main, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0, result.output
    return result.output


def test_keygen_create_verify_import(case_dir: str, tmp_path: Path, audit_log: Path) -> None:
    key = str(tmp_path / "team.key")
    assert "fingerprint: sha256:" in _run("bundle", "keygen", "--out", key)
    out = str(tmp_path / "lotus.zip")
    created = _run(
        "bundle",
        "create",
        "--recipient",
        "JIT Lotus",
        "--profile",
        "jit-partner",
        "--handling",
        "TLP:AMBER",
        "--key",
        key,
        "--entity",
        "P-S1",
        "--hops",
        "2",
        "--out",
        out,
        "--store",
        case_dir,
    )
    assert "bundle written" in created and "pseudonymised" in created
    assert "warning: k-anonymity" in created
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            assert not leaks(z.read(name), victim_secrets()), name
    verified = _run("bundle", "verify", out, "--public-key", key + ".pub")
    assert verified.startswith("OK:") and "JIT Lotus" in verified
    report = json.loads(_run("bundle", "verify", out, "--public-key", key + ".pub", "--json"))
    assert report["ok"] and report["manifest"]["profile"]["name"] == "jit-partner"

    data = bytearray(Path(out).read_bytes())
    data[len(data) // 2] ^= 0x20
    Path(tmp_path / "bad.zip").write_bytes(bytes(data))
    failed = _run("bundle", "verify", str(tmp_path / "bad.zip"), "--public-key", key + ".pub", ok=False)
    assert "FAILED" in failed and "SHA-256 does not match" in failed
    refused = _run(
        "bundle",
        "import",
        str(tmp_path / "bad.zip"),
        "--public-key",
        key + ".pub",
        "--partner",
        "X",
        "--store",
        str(tmp_path / "other"),
        ok=False,
    )
    assert "did not verify" in refused

    imported = _run(
        "bundle",
        "import",
        out,
        "--public-key",
        key + ".pub",
        "--partner",
        "vn-police",
        "--store",
        str(tmp_path / "partner-case"),
    )
    assert "'created': " in imported
    actions = [e["action"] for e in audit.entries(audit_log)]
    assert actions.count("bundle") == 1 and actions.count("import") == 1


def test_unmask_needs_a_reason(case_dir: str, tmp_path: Path, audit_log: Path) -> None:
    key = str(tmp_path / "k")
    _run("bundle", "keygen", "--out", key)
    common = [
        "bundle",
        "create",
        "--recipient",
        "Unit",
        "--profile",
        "internal-full",
        "--handling",
        "INTERNAL",
        "--key",
        key,
        "--all",
        "--store",
        case_dir,
    ]
    assert "--unmask needs --reason" in _run(*common, "--out", str(tmp_path / "a.zip"), "--unmask", ok=False)
    assert "--unmask needs --reason" in _run(
        *common, "--out", str(tmp_path / "a.zip"), "--unmask", "--reason", " ", ok=False
    )
    assert "--reason is for --unmask" in _run(*common, "--out", str(tmp_path / "a.zip"), "--reason", "x", ok=False)
    assert not (tmp_path / "a.zip").exists()
    out = _run(*common, "--out", str(tmp_path / "b.zip"), "--unmask", "--reason", "court order 17/2024")
    assert "UNMASKED, audited" in out
    unmasks = [e for e in audit.entries(audit_log) if e["action"] == "unmask"]
    assert len(unmasks) == 1 and unmasks[0]["details"]["reason"] == "court order 17/2024"
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        assert "Nguyễn Thị Xuyến" in z.read("data/graph.json").decode()


def test_create_needs_exactly_one_selection(case_dir: str, tmp_path: Path) -> None:
    key = str(tmp_path / "k")
    _run("bundle", "keygen", "--out", key)
    base = [
        "bundle",
        "create",
        "--recipient",
        "R",
        "--profile",
        "default",
        "--handling",
        "H",
        "--key",
        key,
        "--out",
        str(tmp_path / "x.zip"),
        "--store",
        case_dir,
    ]
    assert "exactly one of" in _run(*base, ok=False)
    assert "exactly one of" in _run(*base, "--all", "--entity", "P-S1", ok=False)
    assert "no redaction profile" in _run(*[a if a != "default" else "nope" for a in base], "--all", ok=False)


def test_match_hashes_commands(case_dir: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIT_MATCH_KEY", "key shared by both agencies, 32b")
    mine, theirs = str(tmp_path / "ours.json"), str(tmp_path / "theirs.json")
    assert "send this file" in _run(
        "match-hashes", "export", "--key-env", "JIT_MATCH_KEY", "--out", mine, "--store", case_dir
    )
    partner = EmbeddedStore(tmp_path / "partner")
    try:
        from graph_tool.model import Label
        from graph_tool.store.base import NodeRecord

        partner.create_schema()
        partner.upsert_nodes(
            [
                NodeRecord(Label.PHONE, "x1", {"number": "+86 139 1234 5678"}, "p"),
                NodeRecord(Label.DOCUMENT, "x2", {"number": "C 771 2345"}, "p"),
                NodeRecord(Label.DOCUMENT, "x3", {"number": "Z0000001"}, "p"),
            ]
        )
    finally:
        partner.close()
    _run("match-hashes", "export", "--key-env", "JIT_MATCH_KEY", "--out", theirs, "--store", str(tmp_path / "partner"))
    found = json.loads(_run("match-hashes", "compare", mine, theirs, "--json"))
    assert sorted(tuple(o["own_records"]) for o in found["overlaps"]) == [("D-V1",), ("T-S1",)]
    assert "2 shared identifiers" in _run("match-hashes", "compare", mine, theirs)
    assert "JIT_NOPE" in _run("match-hashes", "export", "--key-env", "JIT_NOPE", "--out", mine, ok=False)


def test_redact_profiles_commands(tmp_path: Path) -> None:
    listed = _run("redact-profiles", "list")
    for name in ("default", "jit-partner", "ngo", "internal-full"):
        assert name in listed
    shown = _run("redact-profiles", "show", "ngo")
    assert "Address" in shown and "drop: true" in shown
    data = json.loads(_run("redact-profiles", "show", "default", "--json"))
    assert "victim" in data["protected"]["roles"] and len(data["sha256"]) == 64
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nlabels:\n  Adress: {drop: true}\n")
    assert f"{bad}: labels.Adress: unknown node label" in _run("redact-profiles", "show", str(bad), ok=False)
