"""ruff and mypy are part of the test run, and the architecture rules are checked."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for p in ("graph_tool", "loaders", "sample_data", "app.py", "app_pages", "bench") if (ROOT / p).exists()]


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *CODE, "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *CODE, "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", *CODE], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def python_files() -> list[Path]:
    return [p for c in CODE for p in ([ROOT / c] if c.endswith(".py") else (ROOT / c).rglob("*.py"))]


DRIVERS = re.compile(r"^\s*(import|from)\s+(neo4j|ladybug|kuzu)\b", re.M)
STORE_MODULES = {"graph_tool/store/embedded.py", "graph_tool/store/neo4j_store.py"}


@pytest.mark.parametrize("rule", ["drivers", "pyvis", "streamlit"])
def test_imports_stay_in_their_modules(rule: str) -> None:
    offenders = []
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if rule == "drivers" and DRIVERS.search(text) and rel not in STORE_MODULES:
            offenders.append(rel)
        if rule == "pyvis" and re.search(r"^\s*(import|from)\s+pyvis\b", text, re.M) and rel != "graph_tool/viz.py":
            offenders.append(rel)
        if rule == "streamlit" and re.search(r"^\s*(import|from)\s+streamlit\b", text, re.M):
            if not (rel == "app.py" or rel.startswith("app_pages/")):
                offenders.append(rel)
    assert not offenders, f"{rule} imported outside its module: {offenders}"


def test_labels_are_spelled_only_in_the_model() -> None:
    """No string constant (outside docstrings and doctests) equals a label or type name."""
    from graph_tool.model import Label, Rel

    names = {lab.value for lab in Label} | {r.value for r in Rel}
    offenders = []
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel == "graph_tool/model.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if node.value in names:
                    offenders.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert not offenders, "label or relationship-type strings outside the model:\n" + "\n".join(offenders)
