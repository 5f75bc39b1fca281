"""Sharing with partners: ``bundle``, ``match-hashes`` and ``redact-profiles``.

Every bundle is redacted under a profile for one recipient, victim-safe unless
``--unmask --reason TEXT`` (audited); every bundle, import, hash export and comparison is
recorded in the audit log.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import yaml

from graph_tool.cli.common import emit_json, opened, store_option
from graph_tool.model import Label
from graph_tool.share import bundle as bundles
from graph_tool.share import formats, hashmatch, policy
from graph_tool.share.errors import ShareError
from graph_tool.share.keys import SHARE_KEY_ENV, team_key
from graph_tool.share.redact import protection_context
from graph_tool.store.base import GraphStore, Subgraph


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _passphrase(env_var: str | None) -> bytes | None:
    if not env_var:
        return None
    value = os.environ.get(env_var)
    if not value:
        raise click.UsageError(f"--passphrase-env {env_var}: the variable is not set")
    return value.encode("utf-8")


@click.group(
    "bundle",
    epilog="""\b
Example:
  graph-tool bundle keygen --out ~/.graph-tool/team.key
  graph-tool bundle create --recipient "JIT Lotus" --profile jit-partner --handling TLP:AMBER \\
      --key ~/.graph-tool/team.key --entity P-T03 --hops 2 --out lotus-2024-05.zip
""",
)
def bundle_group() -> None:
    """Signed, redacted bundles for a joint investigation team (FtM, GraphML, ANX, JSON)."""


@bundle_group.command(
    "keygen",
    epilog="""\b
Example:
  graph-tool bundle keygen --out ~/.graph-tool/team.key   # also writes team.key.pub
""",
)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Private key file.")
@click.option("--passphrase-env", metavar="VAR", help="Encrypt the private key with the passphrase in $VAR.")
def keygen_cmd(out: Path, passphrase_env: str | None) -> None:
    """Create an Ed25519 signing key (mode 0600) and its public key (KEYFILE.pub)."""
    try:
        private, public = bundles.generate_keypair(out, _passphrase(passphrase_env))
    except ShareError as exc:
        raise _fail(exc) from None
    key = bundles.load_public_key(public)
    click.echo(f"private key: {private} (mode 0600; keep it within the team)")
    click.echo(f"public key:  {public} (give it to every partner who verifies your bundles)")
    click.echo(f"fingerprint: {bundles.fingerprint(key)}")


def _selection(s: GraphStore, entity: str | None, hops: int, source: str | None, everything: bool) -> Subgraph:
    chosen = [name for name, on in (("--entity", entity), ("--source", source), ("--all", everything)) if on]
    if len(chosen) != 1:
        raise click.UsageError("choose what to share with exactly one of --entity ID, --source NAME or --all")
    if entity:
        return s.neighbourhood(entity, hops=hops)
    if source:
        return s.source_subgraph(source)
    return s.whole_graph()


@bundle_group.command(
    "create",
    epilog="""\b
Example:
  graph-tool bundle create --recipient "JIT Lotus" --profile jit-partner --handling TLP:AMBER \\
      --key team.key --entity P-T03 --hops 2 --out lotus.zip --store cases/op-lotus
""",
)
@click.option("--recipient", required=True, metavar="NAME", help="Who receives it (pseudonyms are per recipient).")
@click.option("--profile", "profile_name", required=True, metavar="NAME|PATH", help="Redaction profile.")
@click.option("--handling", "handling", required=True, metavar="CODE", help="Handling code, e.g. TLP:AMBER.")
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The team's private signing key (from bundle keygen).",
)
@click.option("--entity", metavar="ID", help="Share this entity's neighbourhood...")
@click.option("--hops", default=2, show_default=True, type=click.IntRange(0, 6), help="...this many hops deep.")
@click.option("--source", metavar="NAME", help="Share what one source contributed.")
@click.option("--all", "everything", is_flag=True, help="Share the whole case.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Bundle file.")
@click.option(
    "--format",
    "views",
    multiple=True,
    type=click.Choice(list(formats.VIEWS)),
    help="Views to include (repeatable). Default: all.",
)
@click.option("--share-key-env", default=SHARE_KEY_ENV, show_default=True, metavar="VAR", help="Team secret.")
@click.option("--passphrase-env", metavar="VAR", help="Passphrase of an encrypted signing key.")
@click.option("--unmask", is_flag=True, help="Release protected persons in clear (needs --reason; audited).")
@click.option("--reason", metavar="TEXT", help="Why the bundle is unmasked (recorded in the audit log).")
@click.option("--strict", is_flag=True, help="Refuse to write the bundle when the k-anonymity check warns.")
@store_option
def create_cmd(
    recipient: str,
    profile_name: str,
    handling: str,
    key_path: Path,
    entity: str | None,
    hops: int,
    source: str | None,
    everything: bool,
    out: Path,
    views: tuple[str, ...],
    share_key_env: str,
    passphrase_env: str | None,
    unmask: bool,
    reason: str | None,
    strict: bool,
    store: str | None,
) -> None:
    """Redact a subgraph for one recipient and write a signed bundle."""
    if unmask and not (reason and reason.strip()):
        raise click.UsageError("--unmask needs --reason TEXT (it is recorded in the audit log)")
    if reason and not unmask:
        raise click.UsageError("--reason is for --unmask")
    try:
        prof = policy.load_profile(profile_name)
        secret = team_key(share_key_env)
    except ShareError as exc:
        raise _fail(exc) from None
    with opened(store) as s:
        sub = _selection(s, entity, hops, source, everything)
        context = protection_context(s, sub)
    sources = sorted({str(n.props.get("name") or n.id) for n in sub.nodes if n.label == Label.SOURCE})
    try:
        info = bundles.make_bundle(
            sub,
            out,
            recipient=recipient,
            profile=prof,
            handling_code=handling,
            signing_key_path=key_path,
            sources=sources,
            key=secret,
            unmask_reason=reason if unmask else None,
            views=views or formats.DEFAULT_VIEWS,
            context=context,
            passphrase=_passphrase(passphrase_env),
            strict=strict,
        )
    except ShareError as exc:
        raise _fail(exc) from None
    stats = info.redaction.stats
    click.echo(
        f"bundle written: {info.path} ({stats.get('nodes', 0)} nodes, {stats.get('edges', 0)} relationships, "
        f"{len(info.manifest['files'])} views) for {recipient} under profile {prof.name}"
    )
    click.echo(
        f"protected persons: {stats.get('protected_persons', 0)} "
        f"({'UNMASKED, audited' if info.redaction.unmasked else 'pseudonymised'}); "
        f"ids pseudonymised: {stats.get('ids_pseudonymised', 0)}"
    )
    for w in info.redaction.warnings:
        click.echo(f"warning: {w}", err=True)


@bundle_group.command(
    "verify",
    epilog="""\b
Example:
  graph-tool bundle verify lotus.zip --public-key partner-team.key.pub
""",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", "public_key", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result and the manifest as JSON.")
def verify_cmd(path: Path, public_key: Path, as_json: bool) -> None:
    """Check a bundle's signature, every file's SHA-256 and its layout; exit 1 if anything changed."""
    try:
        result = bundles.verify_bundle(path, public_key)
    except ShareError as exc:
        raise _fail(exc) from None
    if as_json:
        emit_json({"ok": result.ok, "problems": list(result.problems), "manifest": result.manifest})
    elif result.ok and result.manifest is not None:
        m = result.manifest
        click.echo(f"OK: {path} verifies (signed by {m['signature']['public_key']})")
        click.echo(f"  created {m['created_at']} for {m['recipient']}, handling {m['handling_code']}")
        click.echo(
            f"  profile {m['profile']['name']}, {m['counts']['nodes']} nodes, {m['counts']['edges']} relationships"
        )
        for f in m["files"]:
            click.echo(f"  {f['path']:<24} {f['bytes']:>10,} bytes  sha256 {f['sha256'][:16]}...")
    else:
        click.echo(f"FAILED: {path} does not verify", err=True)
        for p in result.problems:
            click.echo(f"  - {p}", err=True)
    if not result.ok:
        raise SystemExit(1)


@bundle_group.command(
    "import",
    epilog="""\b
Example:
  graph-tool bundle import lotus.zip --public-key partner-team.key.pub --partner vn-police --store cases/op-lotus
""",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", "public_key", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partner", required=True, metavar="NAME", help="Who sent it (letters, digits, . - _).")
@click.option("--merge", is_flag=True, help="Upsert everything (default: add only what the store lacks).")
@store_option
def import_cmd(path: Path, public_key: Path, partner: str, merge: bool, store: str | None) -> None:
    """Verify a partner's bundle and, only if it verifies, load it as a source of that partner."""
    with opened(store) as s:
        try:
            result = bundles.import_bundle(s, path, public_key, partner, merge=merge)
        except ShareError as exc:
            raise _fail(exc) from None
    click.echo(f"imported {path} as source {result.source} (read from {result.view})")
    click.echo(f"  nodes {result.nodes.as_dict()}, relationships {result.edges.as_dict()}")
    for ref, why in result.rejected[:20]:
        click.echo(f"  rejected {ref}: {why}", err=True)
    if result.skipped:
        click.echo(f"  not imported: {dict(result.skipped)}")


@click.group(
    "match-hashes",
    epilog="""\b
Example:
  graph-tool match-hashes export --key-env JIT_MATCH_KEY --out ours.hashes.json
  graph-tool match-hashes compare ours.hashes.json theirs.hashes.json
""",
)
def match_hashes_group() -> None:
    """Find shared phone and document numbers with a partner without revealing the rest."""


@match_hashes_group.command(
    "export",
    epilog="""\b
Example:
  graph-tool match-hashes export --key-env JIT_MATCH_KEY --out ours.hashes.json --store cases/op-lotus
""",
)
@click.option(
    "--key-env", "key_env", required=True, metavar="VAR", help="Variable holding the key shared with the partner."
)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Hash file to send.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(hashmatch.KINDS)),
    help="Identifier kinds (repeatable). Default: phone and document.",
)
@store_option
def hashes_export_cmd(key_env: str, out: Path, kinds: tuple[str, ...], store: str | None) -> None:
    """Write keyed hashes of the case's phone and document numbers (no clear values) and a local lookup."""
    try:
        key = team_key(key_env)
    except ShareError as exc:
        raise _fail(exc) from None
    with opened(store) as s:
        try:
            result = hashmatch.export_hashes(s, key, out, kinds or hashmatch.DEFAULT_KINDS)
        except ShareError as exc:
            raise _fail(exc) from None
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    click.echo(f"wrote {result.path} ({counts}): send this file")
    click.echo(f"kept  {result.lookup_path}: your own lookup; never send it")


@match_hashes_group.command(
    "compare",
    epilog="""\b
Example:
  graph-tool match-hashes compare ours.hashes.json theirs.hashes.json --json
""",
)
@click.argument("mine", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lookup", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Own lookup file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def hashes_compare_cmd(mine: Path, theirs: Path, lookup: Path | None, as_json: bool) -> None:
    """List the hashes both files hold, resolved to your own records (never to the partner's)."""
    try:
        result = hashmatch.match_hashes(mine, theirs, lookup)
    except ShareError as exc:
        raise _fail(exc) from None
    if as_json:
        emit_json(
            {
                "overlaps": [
                    {"kind": o.kind, "hash": o.hash, "own_records": list(o.own_records)} for o in result.overlaps
                ],
                "mine": result.mine,
                "theirs": result.theirs,
            }
        )
        return
    click.echo(f"{len(result.overlaps)} shared identifiers (mine: {result.mine}; theirs: {result.theirs})")
    for o in result.overlaps:
        own = ", ".join(o.own_records) or "(no own lookup)"
        click.echo(f"  {o.kind:<9} {o.hash[:16]}...  {own}")


@click.group(
    "redact-profiles",
    epilog="""\b
Example:
  graph-tool redact-profiles list
""",
)
def profiles_group() -> None:
    """Redaction profiles: what each kind of recipient may see."""


@profiles_group.command(
    "list",
    epilog="""\b
Example:
  graph-tool redact-profiles list
""",
)
def profiles_list_cmd() -> None:
    """List the built-in redaction profiles."""
    for name in policy.builtin_profiles():
        prof = policy.load_profile(name)
        click.echo(f"{name:<16} {prof.description}")


@profiles_group.command(
    "show",
    epilog="""\b
Example:
  graph-tool redact-profiles show ngo
""",
)
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the validated profile as JSON.")
def profiles_show_cmd(name: str, as_json: bool) -> None:
    """Show a profile (built-in name or YAML path), validated."""
    try:
        prof = policy.load_profile(name)
    except ShareError as exc:
        raise _fail(exc) from None
    data = prof.model_dump(mode="json", exclude_defaults=False)
    if as_json:
        emit_json({**data, "origin": prof.origin, "sha256": prof.digest})
        return
    click.echo(f"# {prof.origin}  (sha256 {prof.digest[:16]})")
    click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip())


def register(main: click.Group) -> None:
    main.add_command(bundle_group)
    main.add_command(match_hashes_group)
    main.add_command(profiles_group)
