"""The audit log: every query run, analysis, export, import, hash match and unmasking, as JSON lines.

Each line says when, who, what, with which parameters, and the SHA-256 of the output, so
that a result shown or shared can later be matched to the action that produced it. The
audit log is evidence, kept apart from application logs (which carry no personal data).
The file is ``$GRAPH_TOOL_AUDIT_LOG``, else ``$GRAPH_TOOL_HOME/audit.jsonl``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ACTIONS = ("query", "analysis", "export", "import", "unmask", "load", "merge", "bundle", "match")


def log_path() -> Path:
    """Where the audit log is written."""
    explicit = os.environ.get("GRAPH_TOOL_AUDIT_LOG")
    if explicit:
        return Path(explicit).expanduser()
    home = Path(os.environ.get("GRAPH_TOOL_HOME", "~/.cache/graph-tool")).expanduser()
    return home / "audit.jsonl"


def who() -> str:
    """The analyst: ``$GRAPH_TOOL_USER``, else the login name."""
    return os.environ.get("GRAPH_TOOL_USER") or getpass.getuser()


def output_hash(output: Any) -> str:
    """SHA-256 of an output in canonical JSON (bytes are hashed as they are).

    >>> output_hash([{"a": 1}]) == output_hash([{"a": 1}])
    True
    """
    if isinstance(output, bytes):
        data = output
    else:
        data = json.dumps(output, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def record(action: str, details: Mapping[str, Any], output: Any = None, user: str | None = None) -> dict[str, Any]:
    """Append one entry; returns it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r} (known: {', '.join(ACTIONS)})")
    entry = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": user or who(),
        "action": action,
        "details": dict(details),
        "output_sha256": output_hash(output) if output is not None else None,
    }
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
    return entry


def entries(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """Read the audit log back."""
    target = path or log_path()
    if not target.exists():
        return
    with target.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
