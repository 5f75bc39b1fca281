"""Signed bundles for a joint investigation team: one archive, several views, one manifest.

A bundle is a ZIP archive (:mod:`graph_tool.share.archive`: stored members, canonical
layout) holding the same redacted subgraph as FollowTheMoney, GraphML, ANX and node-link
JSON, a ``manifest.json`` (SHA-256 and size of every file, sources, creation time, handling
code, redaction profile, recipient, tool version, signing-key fingerprint) and
``manifest.sig``, the Ed25519 signature of the manifest's exact bytes by a key the team
holds. :func:`verify_bundle` checks the signature, every hash and the archive's layout, so
that one changed byte anywhere fails with a reason; :func:`import_bundle` loads only a
bundle that verified, from the very bytes that were verified.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from graph_tool import audit
from graph_tool.model import ANALYSIS, Label
from graph_tool.share import formats
from graph_tool.share.archive import ArchiveError, Member, layout_problem, read_archive, write_archive
from graph_tool.share.errors import BundleError
from graph_tool.share.policy import Profile, load_profile
from graph_tool.share.redact import RedactionResult, redact
from graph_tool.store.base import GraphStore, Node, NodeRecord, Subgraph, WriteResult

log = logging.getLogger(__name__)

BUNDLE_FORMAT = "graph-tool-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
ALGORITHM = "Ed25519"
_HANDLING = re.compile(r"^[\w.:/+ -]{1,64}$")


# --- keys ------------------------------------------------------------------------------


def public_key_path(private_path: Path) -> Path:
    """Where keygen writes the public key of ``private_path``: the same name plus ``.pub``."""
    return private_path.with_name(private_path.name + ".pub")


def generate_keypair(out: Path, passphrase: bytes | None = None) -> tuple[Path, Path]:
    """Write a new Ed25519 private key to ``out`` (mode 0600) and its public key to ``out.pub``.

    Refuses to overwrite either file. With ``passphrase`` the private key is encrypted.
    """
    out = Path(out)
    pub_path = public_key_path(out)
    for path in (out, pub_path):
        if path.exists():
            raise BundleError(f"{path} exists; refusing to overwrite a key")
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(private_pem)
    pub_path.write_bytes(public_pem)
    log.info("bundle signing key pair written")
    return out, pub_path


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``path``; refused when others can read the file."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read the signing key {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise BundleError(f"{path}: the signing key is readable by others; run `chmod 600 {path}`")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError) as exc:
        hint = " (wrong or missing passphrase?)" if "password" in str(exc).lower() or "decrypt" in str(exc) else ""
        raise BundleError(f"{path}: not a usable private key{hint}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in ``path`` (PEM)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read the public key {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise BundleError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError(f"{path}: not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """``sha256:`` and the hex SHA-256 of the raw public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


# --- manifest --------------------------------------------------------------------------


def canonical_json(data: Any) -> bytes:
    """The canonical bytes of a manifest: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def tool_version() -> str:
    """The installed graph-tool version."""
    try:
        return metadata.version("graph-tool")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BundleInfo:
    """What :func:`make_bundle` wrote."""

    path: Path
    manifest: Mapping[str, Any]
    redaction: RedactionResult


def make_bundle(
    subgraph: Subgraph,
    out_path: Path | str,
    *,
    recipient: str,
    profile: Profile | str | Path,
    handling_code: str,
    signing_key_path: Path | str,
    sources: Sequence[str] = (),
    key: bytes | str | None = None,
    unmask_reason: str | None = None,
    views: Sequence[str] = formats.DEFAULT_VIEWS,
    context: Subgraph | None = None,
    passphrase: bytes | None = None,
    strict: bool = False,
) -> BundleInfo:
    """Redact ``subgraph`` for ``recipient``, write every view, the manifest and its signature.

    ``key`` is the team's sharing secret (default ``$GRAPH_TOOL_SHARE_KEY``); ``context``
    helps find protected persons (see :func:`graph_tool.share.redact.redact`). With
    ``strict`` a k-anonymity warning refuses the bundle.
    """
    handling = handling_code.strip()
    if not _HANDLING.match(handling):
        raise BundleError("the handling code must be 1-64 letters, digits, spaces or . : / + - _ (e.g. TLP:AMBER)")
    out = Path(out_path)
    if out.exists():
        raise BundleError(f"{out} exists; refusing to overwrite")
    prof = load_profile(profile)
    signer = load_private_key(Path(signing_key_path), passphrase)
    writers = {name: formats.writer(name) for name in dict.fromkeys(views)}  # fail before any work
    if not writers:
        raise BundleError("a bundle needs at least one format")

    result = redact(subgraph, prof, recipient, key, unmask_reason, context=context)
    if strict and result.warnings:
        raise BundleError("refused (strict): " + "; ".join(w.message for w in result.warnings))
    sub = result.subgraph
    members: list[tuple[str, bytes]] = []
    files = []
    for name, write in writers.items():
        data = write(sub)
        v = formats.view(name)
        members.append((v.member, data))
        files.append({"path": v.member, "format": name, "sha256": _sha256(data), "bytes": len(data)})
    by_label: dict[str, int] = {}
    for n in sub.nodes:
        by_label[n.label] = by_label.get(n.label, 0) + 1
    manifest = {
        "bundle_format": BUNDLE_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": {"name": "graph-tool", "version": tool_version()},
        "recipient": recipient,
        "handling_code": handling,
        "profile": {
            "name": prof.name,
            "sha256": prof.digest,
            "ids": prof.ids,
            "protected_roles": list(prof.protected.roles),
        },
        "redaction": {
            "pseudonym_map_sha256": result.pseudonym_map_hash,
            "unmasked": result.unmasked,
            "warnings": [w.message for w in result.warnings],
        },
        "sources": sorted({result.clean(s) for s in sources}),
        "counts": {"nodes": len(sub.nodes), "edges": len(sub.edges), "by_label": dict(sorted(by_label.items()))},
        "files": sorted(files, key=lambda f: str(f["path"])),
        "signature": {"algorithm": ALGORITHM, "member": SIGNATURE, "public_key": fingerprint(signer.public_key())},
    }
    manifest_bytes = canonical_json(manifest)
    signature = signer.sign(manifest_bytes)
    archive = write_archive([(MANIFEST, manifest_bytes), (SIGNATURE, signature), *sorted(members)])
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(archive)
    audit.record(
        "bundle",
        {
            "path": str(out),
            "recipient": recipient,
            "profile": prof.name,
            "profile_sha256": prof.digest,
            "handling_code": handling,
            "formats": list(writers),
            "sources": manifest["sources"],
            "nodes": len(sub.nodes),
            "edges": len(sub.edges),
            "unmasked": result.unmasked,
            "pseudonym_map_sha256": result.pseudonym_map_hash,
            "manifest_sha256": _sha256(manifest_bytes),
            "warnings": len(result.warnings),
        },
        archive,
    )
    log.info("bundle written: %d nodes, %d relationships, %d files", len(sub.nodes), len(sub.edges), len(members))
    return BundleInfo(out, manifest, result)


def create_bundle(
    subgraph: Subgraph,
    out_path: Path | str,
    *,
    recipient: str,
    profile: Profile | str | Path,
    handling_code: str,
    signing_key_path: Path | str,
    sources: Sequence[str] = (),
    **options: Any,
) -> Path:
    """Write a signed bundle; returns its path (see :func:`make_bundle` for the options)."""
    return make_bundle(
        subgraph,
        out_path,
        recipient=recipient,
        profile=profile,
        handling_code=handling_code,
        signing_key_path=signing_key_path,
        sources=sources,
        **options,
    ).path


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify_bundle`; ``reason`` is the first problem found."""

    ok: bool
    problems: tuple[str, ...] = ()
    manifest: Mapping[str, Any] | None = None
    members: tuple[str, ...] = ()
    contents: Mapping[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    """The members' bytes, only when the bundle verified."""

    @property
    def reason(self) -> str:
        return self.problems[0] if self.problems else ""

    def __bool__(self) -> bool:
        return self.ok


def verify_bundle(path: Path | str, public_key_path: Path | str) -> VerifyResult:
    """Check the signature, every file's hash and size, and the archive's layout."""
    key = load_public_key(Path(public_key_path))
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return VerifyResult(False, (f"cannot read {path}: {exc.strerror}",))
    return verify_bytes(data, key)


def verify_bytes(data: bytes, key: Ed25519PublicKey) -> VerifyResult:
    """:func:`verify_bundle` on the bytes of a bundle."""
    try:
        members: list[Member] = read_archive(data, strict=False)
    except ArchiveError as exc:
        return VerifyResult(False, (f"the archive is damaged: {exc}",))
    contents = {m.name: m.data for m in members}
    names = tuple(m.name for m in members)
    problems: list[str] = []
    manifest_bytes, signature = contents.get(MANIFEST), contents.get(SIGNATURE)
    if manifest_bytes is None or signature is None:
        missing = [n for n in (MANIFEST, SIGNATURE) if n not in contents]
        return VerifyResult(False, (f"not a signed bundle: {', '.join(missing)} missing",), None, names)
    try:
        key.verify(signature, manifest_bytes)
        signed = True
    except InvalidSignature:
        signed = False
    manifest: dict[str, Any] | None = None
    try:
        loaded = json.loads(manifest_bytes.decode("utf-8"))
        manifest = loaded if isinstance(loaded, dict) else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if manifest is None:
        problems.append(f"{MANIFEST} is not a JSON object (it was changed)")
    if not signed:
        named = manifest.get("signature", {}).get("public_key") if manifest is not None else None
        if isinstance(named, str) and named != fingerprint(key):
            problems.append(
                f"{SIGNATURE}: the signature does not verify with this public key ({fingerprint(key)}); "
                f"the manifest names the signing key {named}"
            )
        else:
            problems.append(f"{SIGNATURE}: the signature does not verify: {MANIFEST} or {SIGNATURE} was changed")
    if manifest is not None:
        problems.extend(_check_files(manifest, contents))
        if manifest.get("bundle_format") != BUNDLE_FORMAT:
            problems.append(f"{MANIFEST}: unknown bundle format {manifest.get('bundle_format')!r}")
    expected_order = [MANIFEST, SIGNATURE, *sorted(n for n in names if n not in (MANIFEST, SIGNATURE))]
    if list(names) != expected_order:
        problems.append("the archive's members are not in the canonical order")
    layout = layout_problem(data, members)
    if layout:
        problems.append(layout)
    # Hash mismatches name the member that changed: show them first.
    problems.sort(key=lambda p: 0 if "SHA-256" in p or "size" in p else 1)
    ok = not problems
    return VerifyResult(ok, tuple(problems), manifest, names, contents if ok else {})


def _check_files(manifest: Mapping[str, Any], contents: Mapping[str, bytes]) -> list[str]:
    problems: list[str] = []
    listed = manifest.get("files")
    if not isinstance(listed, list):
        return [f"{MANIFEST}: no list of files"]
    seen: set[str] = set()
    for entry in listed:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            problems.append(f"{MANIFEST}: a malformed file entry")
            continue
        name = entry["path"]
        seen.add(name)
        data = contents.get(name)
        if data is None:
            problems.append(f"{name}: listed in the manifest but missing from the archive")
        elif entry.get("bytes") != len(data):
            problems.append(f"{name}: size {len(data)} does not match the manifest ({entry.get('bytes')})")
        elif entry.get("sha256") != _sha256(data):
            problems.append(f"{name}: SHA-256 does not match the manifest (the file was changed after signing)")
    extra = sorted(set(contents) - seen - {MANIFEST, SIGNATURE})
    problems.extend(f"{name}: in the archive but not in the manifest" for name in extra)
    return problems


# --- import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_bundle` wrote; ``rejected`` are (reference, reason) pairs."""

    source: str
    nodes: WriteResult
    edges: WriteResult
    view: str
    manifest: Mapping[str, Any]
    skipped: Mapping[str, int] = field(default_factory=dict)
    rejected: tuple[tuple[str, str], ...] = ()


# Not imported from a partner: their analysis results (ours are computed here), their
# Source records (the bundle becomes one Source of ours) and their match workflow. Their
# provenance fields are dropped by the importer.
_NOT_IMPORTED_PROPS = frozenset(p.name for p in ANALYSIS)
_NOT_IMPORTED_LABELS = (Label.SOURCE, Label.CANDIDATE)


def partner_subgraph(sub: Subgraph) -> tuple[Subgraph, dict[str, int]]:
    """The part of a partner's subgraph that is imported, and counts of what is left out."""
    skipped: dict[str, int] = {}
    nodes = []
    for n in sub.nodes:
        if n.label in _NOT_IMPORTED_LABELS:
            skipped[n.label] = skipped.get(n.label, 0) + 1
            continue
        nodes.append(Node(n.label, n.id, {k: v for k, v in n.props.items() if k not in _NOT_IMPORTED_PROPS}))
    kept = {n.id for n in nodes}
    edges = [e for e in sub.edges if e.source in kept and e.target in kept]
    if len(edges) < len(sub.edges):
        skipped["relationships to records not imported"] = len(sub.edges) - len(edges)
    return Subgraph(tuple(nodes), tuple(edges)), skipped


def import_bundle(
    store: GraphStore, path: Path | str, public_key_path: Path | str, partner: str, *, merge: bool = False
) -> ImportResult:
    """Verify a bundle and load it into ``store`` as a source of ``partner``; refuse if it does not verify.

    The bytes that verified are the bytes imported. Loading goes through
    :func:`graph_tool.importers.import_subgraph`: by default only what the store does not
    have is added (a bundle of our own data changes nothing); ``merge`` upserts everything.
    """
    from graph_tool.export import ExportError
    from graph_tool.importers import import_subgraph, partner_source

    path = Path(path)
    try:
        source = partner_source(partner, path)
    except ValueError as exc:
        raise BundleError(str(exc)) from None
    key = load_public_key(Path(public_key_path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror}") from None
    result = verify_bytes(data, key)
    if not result.ok or result.manifest is None:
        raise BundleError(f"refused: the bundle did not verify: {result.reason}")
    manifest = result.manifest
    listed = {f["format"]: f["path"] for f in manifest["files"] if isinstance(f, dict) and "format" in f}
    view = next((v for v in formats.IMPORT_PREFERENCE if v in listed and formats.reader(v) is not None), None)
    if view is None:
        raise BundleError(f"no readable view in the bundle (it has {', '.join(listed)}; readers: json, graphml, ftm)")
    read = formats.reader(view)
    assert read is not None
    try:
        parsed = read(result.contents[listed[view]])
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise BundleError(f"{listed[view]}: cannot be read: {type(exc).__name__}") from None
    sub, skipped = partner_subgraph(parsed)
    archive_sha = _sha256(data)
    store.create_schema()
    try:
        report = import_subgraph(
            store, sub, source, fmt=view, file=path.name, sha256=archive_sha, partner=partner, merge=merge
        )
    except ExportError as exc:
        raise BundleError(str(exc)) from None
    if report.source_node:
        about = {
            "bundle": path.name,
            "created_at": manifest.get("created_at"),
            "handling_code": manifest.get("handling_code"),
            "recipient": manifest.get("recipient"),
            "profile": manifest.get("profile", {}).get("name"),
            "signed_by": manifest.get("signature", {}).get("public_key"),
            "sources": manifest.get("sources"),
        }
        store.upsert_nodes(
            [NodeRecord(Label.SOURCE, source, {"notes": json.dumps(about, ensure_ascii=False, sort_keys=True)}, source)]
        )
    audit.record(
        "import",
        {
            "kind": "bundle",
            "path": str(path),
            "partner": partner,
            "source": source,
            "archive_sha256": archive_sha,
            "signed_by": manifest.get("signature", {}).get("public_key"),
            "handling_code": manifest.get("handling_code"),
            "view": view,
            "mode": report.mode,
            "nodes": report.nodes.as_dict(),
            "edges": report.relationships.as_dict(),
            "rejected": len(report.rejected),
            "skipped": skipped,
        },
        data,
    )
    log.info("bundle imported: nodes %s, relationships %s", report.nodes.as_dict(), report.relationships.as_dict())
    return ImportResult(source, report.nodes, report.relationships, view, manifest, skipped, tuple(report.rejected))
