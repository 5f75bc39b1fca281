"""Bundles: signed, verified byte for byte, imported only when they verify."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from share_case import SHARE_KEY, VICTIMS, case_subgraph, leaks, load_case, victim_secrets

from graph_tool import audit
from graph_tool.model import Label
from graph_tool.share.archive import read_archive
from graph_tool.share.bundle import (
    MANIFEST,
    SIGNATURE,
    create_bundle,
    generate_keypair,
    import_bundle,
    load_private_key,
    make_bundle,
    verify_bundle,
)
from graph_tool.share.errors import BundleError
from graph_tool.store.base import GraphStore, Subgraph


def _bundle(sub: Subgraph, out: Path, key: Path, **options: Any) -> Path:
    return create_bundle(
        sub,
        out,
        recipient="JIT Lotus",
        profile="default",
        handling_code="TLP:AMBER",
        signing_key_path=key,
        sources=["statement of Nguyen Thi Xuyen"],
        **{"key": SHARE_KEY, **options},
    )


@pytest.fixture
def bundle_path(tmp_path: Path, keypair: tuple[Path, Path]) -> Path:
    return _bundle(case_subgraph(), tmp_path / "lotus.zip", keypair[0])


def test_a_bundle_holds_every_view_and_a_signed_manifest(bundle_path: Path, keypair: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(bundle_path) as z:  # any unzip tool opens it
        names = z.namelist()
        assert z.testzip() is None
        manifest = json.loads(z.read(MANIFEST))
    assert names[:2] == [MANIFEST, SIGNATURE]
    assert {"data/graph.ftm.json", "data/graph.graphml", "data/graph.anx", "data/graph.json"} <= set(names)
    assert manifest["recipient"] == "JIT Lotus" and manifest["handling_code"] == "TLP:AMBER"
    assert manifest["profile"]["name"] == "default" and len(manifest["profile"]["sha256"]) == 64
    assert manifest["tool"]["name"] == "graph-tool" and manifest["tool"]["version"]
    assert manifest["created_at"].endswith("+00:00")
    assert {f["format"] for f in manifest["files"]} == {"ftm", "graphml", "anx", "json"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    assert manifest["sources"] and "Xuyen" not in json.dumps(manifest["sources"])
    result = verify_bundle(bundle_path, keypair[1])
    assert result.ok and not result.problems, result.problems


def test_no_victim_value_in_any_byte_of_the_bundle(bundle_path: Path) -> None:
    secrets = victim_secrets()
    assert not leaks(bundle_path.read_bytes(), secrets)
    with zipfile.ZipFile(bundle_path) as z:
        for name in z.namelist():
            assert not leaks(z.read(name), secrets), f"{name}: {leaks(z.read(name), secrets)}"


def _flipped(path: Path, offset: int, tmp: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    out = tmp / f"flip-{offset}.zip"
    out.write_bytes(bytes(data))
    return out


def test_one_changed_byte_in_any_member_fails_with_a_reason(
    bundle_path: Path, keypair: tuple[Path, Path], tmp_path: Path
) -> None:
    members = read_archive(bundle_path.read_bytes())
    assert len(members) == 6
    for m in members:
        for offset in {m.offset, m.offset + len(m.data) // 2, m.offset + len(m.data) - 1}:
            result = verify_bundle(_flipped(bundle_path, offset, tmp_path), keypair[1])
            assert not result.ok, f"a changed byte in {m.name} at {offset} was not noticed"
            if m.name == SIGNATURE:
                assert result.reason.startswith(f"{SIGNATURE}: the signature does not verify")
            elif m.name == MANIFEST:
                assert "signature does not verify" in " ".join(result.problems) or MANIFEST in result.reason
            else:
                assert result.reason.startswith(f"{m.name}: SHA-256 does not match"), result.problems


def test_one_changed_byte_in_any_header_fails(bundle_path: Path, keypair: tuple[Path, Path], tmp_path: Path) -> None:
    data = bundle_path.read_bytes()
    inside: set[int] = set()
    for m in read_archive(data):
        inside.update(range(m.offset, m.offset + len(m.data)))
    outside = [i for i in range(len(data)) if i not in inside]
    assert 500 < len(outside) < 2000
    for offset in outside:
        result = verify_bundle(_flipped(bundle_path, offset, tmp_path), keypair[1])
        assert not result.ok and result.reason, f"byte {offset} changed and still verified"
        os.unlink(tmp_path / f"flip-{offset}.zip")


def test_truncated_extended_and_wrong_key(bundle_path: Path, keypair: tuple[Path, Path], tmp_path: Path) -> None:
    data = bundle_path.read_bytes()
    (tmp_path / "short.zip").write_bytes(data[:-1])
    (tmp_path / "long.zip").write_bytes(data + b"\0")
    for name in ("short.zip", "long.zip"):
        result = verify_bundle(tmp_path / name, keypair[1])
        assert not result.ok and "archive" in result.reason
    _, other_pub = generate_keypair(tmp_path / "other.key")
    result = verify_bundle(bundle_path, other_pub)
    assert not result.ok and "does not verify with this public key" in result.reason


def test_keygen_writes_a_private_key_only_the_owner_reads(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "k" / "team.key")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.name == "team.key.pub" and b"PUBLIC KEY" in public.read_bytes()
    with pytest.raises(BundleError, match="refusing to overwrite"):
        generate_keypair(private)
    private.chmod(0o644)
    with pytest.raises(BundleError, match="chmod 600"):
        load_private_key(private)


def test_an_encrypted_signing_key(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "enc.key", passphrase=b"correct horse")
    with pytest.raises(BundleError, match="passphrase"):
        load_private_key(private)
    out = _bundle(case_subgraph(), tmp_path / "b.zip", private, passphrase=b"correct horse")
    assert verify_bundle(out, public).ok


def test_bundles_are_audited(bundle_path: Path, audit_log: Path) -> None:
    entries = [e for e in audit.entries(audit_log) if e["action"] == "bundle"]
    assert len(entries) == 1
    details = entries[0]["details"]
    assert details["recipient"] == "JIT Lotus" and details["profile"] == "default"
    assert entries[0]["output_sha256"] and not leaks(json.dumps(entries[0]).encode(), victim_secrets())


def test_strict_refuses_a_bundle_that_singles_out_a_victim(tmp_path: Path, keypair: tuple[Path, Path]) -> None:
    with pytest.raises(BundleError, match="k-anonymity"):
        _bundle(case_subgraph(), tmp_path / "s.zip", keypair[0], strict=True)
    assert not (tmp_path / "s.zip").exists()


def test_import_into_an_empty_store(store: GraphStore, bundle_path: Path, keypair: tuple[Path, Path]) -> None:
    store.create_schema()
    result = import_bundle(store, bundle_path, keypair[1], "police-lotus")
    assert result.view == "json" and not result.rejected
    counts = store.counts()
    sub = case_subgraph()
    released = [n for n in sub.nodes if n.label not in (Label.SOURCE,)]
    assert counts[Label.PERSON] == 5 and counts[Label.SOURCE] == 1
    assert result.nodes.created == len(released) and result.edges.created == len(sub.edges)
    victims = store.read(
        f"MATCH (p:{Label.PERSON}) WHERE $r IN p.roles RETURN p.id AS id, p.name AS name", {"r": "victim"}
    )
    assert len(victims) == 3 and all(v["id"].startswith("ps-") and v["name"].startswith("ps-") for v in victims)
    again = import_bundle(store, bundle_path, keypair[1], "police-lotus")
    assert again.nodes.created == 0 and again.edges.created == 0
    source = store.get_nodes(Label.SOURCE, [result.source])[0]
    assert source.props["partner"] == "police-lotus" and source.props["kind"] == "partner export"
    assert json.loads(source.props["notes"])["handling_code"] == "TLP:AMBER"
    assert result.source == "partner:police-lotus:lotus.zip"
    with pytest.raises(BundleError, match="partner name"):
        import_bundle(store, bundle_path, keypair[1], "Police Lotus")


def test_import_into_the_original_store_adds_nothing(
    store: GraphStore, tmp_path: Path, keypair: tuple[Path, Path]
) -> None:
    load_case(store)
    before = store.counts()
    out = make_bundle(
        store.whole_graph(),
        tmp_path / "full.zip",
        recipient="Unit",
        profile="internal-full",
        handling_code="INTERNAL",
        signing_key_path=keypair[0],
        key=SHARE_KEY,
        unmask_reason="re-import test",
    ).path
    result = import_bundle(store, out, keypair[1], "ourselves")
    after = store.counts()
    assert result.nodes.created == 0 and result.edges.created == 0, (result.nodes, result.edges)
    assert after == before and not result.rejected
    assert result.nodes.unchanged == len(store.whole_graph().nodes) - 1  # all but our own Source node


def test_a_tampered_bundle_is_not_imported(
    embedded_store: GraphStore, bundle_path: Path, keypair: tuple[Path, Path], tmp_path: Path
) -> None:
    member = read_archive(bundle_path.read_bytes())[-1]
    bad = _flipped(bundle_path, member.offset + 10, tmp_path)
    with pytest.raises(BundleError, match="refused: the bundle did not verify"):
        import_bundle(embedded_store, bad, keypair[1], "police-lotus")
    assert sum(embedded_store.counts().values()) == 0


def test_victims_stay_unlinkable_across_partners(tmp_path: Path, keypair: tuple[Path, Path]) -> None:
    a = make_bundle(
        case_subgraph(),
        tmp_path / "a.zip",
        recipient="A",
        profile="default",
        handling_code="X",
        signing_key_path=keypair[0],
        key=SHARE_KEY,
    )
    b = make_bundle(
        case_subgraph(),
        tmp_path / "b.zip",
        recipient="B",
        profile="default",
        handling_code="X",
        signing_key_path=keypair[0],
        key=SHARE_KEY,
    )
    ids_a = {n.id for n in a.redaction.subgraph.nodes if n.id.startswith("ps-")}
    ids_b = {n.id for n in b.redaction.subgraph.nodes if n.id.startswith("ps-")}
    assert len(ids_a) >= len(VICTIMS) and ids_a.isdisjoint(ids_b)
