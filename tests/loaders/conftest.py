"""Helpers for the loader tests: small source files written in a fresh folder."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest


def _root_conftest() -> object:
    spec = importlib.util.spec_from_file_location("_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def datasets() -> Path:
    """The shared real datasets, found by ``tests/conftest.py``'s ``datasets_dir()``."""
    found: Path = _root_conftest().datasets_dir()  # type: ignore[attr-defined]
    return found


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(name, text, encoding="utf-8")`` writes a file in a fresh folder and returns it."""
    folder = tmp_path / "in"
    folder.mkdir()

    def _write(name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding=encoding, newline="")
        return path

    return _write
