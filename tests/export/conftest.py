"""Fixtures for the export tests: the audit log goes to a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(path))
    monkeypatch.setenv("GRAPH_TOOL_SHARE_KEY", "a team secret for the export tests")
    yield path
