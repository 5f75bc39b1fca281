"""Synthetic trafficking cases with known ground truth, for demos, tests and benchmarks.

``python -m sample_data.generate --out DIR --people N --seed S`` writes one; the committed
``sample_data/demo/`` is the case for 200 people and seed 7.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sample_data.generate import CaseSummary, generate_case

__all__ = ["CaseSummary", "generate_case"]


def demo_folder() -> Path:
    """The committed demo case (200 people, seed 7)."""
    return Path(str(resources.files("sample_data") / "demo"))


def __getattr__(name: str) -> Any:
    # imported on first use, so that `python -m sample_data.generate` runs the module only once
    if name in ("CaseSummary", "generate_case"):
        from sample_data import generate

        return getattr(generate, name)
    raise AttributeError(f"module 'sample_data' has no attribute {name!r}")
