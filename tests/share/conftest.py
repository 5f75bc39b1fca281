"""Fixtures for the sharing tests; the case itself is in ``share_case.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from share_case import SHARE_KEY, case_subgraph

from graph_tool.share.bundle import generate_keypair
from graph_tool.store.base import Subgraph


@pytest.fixture(autouse=True)
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every sharing test writes its own audit log, and has the team secret set."""
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("GRAPH_TOOL_AUDIT_LOG", str(path))
    monkeypatch.setenv("GRAPH_TOOL_SHARE_KEY", SHARE_KEY.decode())
    return path


@pytest.fixture
def case() -> Subgraph:
    return case_subgraph()


@pytest.fixture
def keypair(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    yield generate_keypair(tmp_path / "keys" / "team.key")
