"""Synthetic trafficking cases with known ground truth, for demos, tests and benchmarks.

``python -m sample_data.generate --out DIR --people N --seed S`` writes one; the committed
``sample_data/demo/`` is the case for 200 people and seed 7.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sample_data.generate import CaseSummary, generate_case

__all__ = ["CaseSummary", "generate_case"]


def __getattr__(name: str) -> Any:
    # imported on first use, so that `python -m sample_data.generate` runs the module only once
    if name in __all__:
        from sample_data import generate

        return getattr(generate, name)
    raise AttributeError(f"module 'sample_data' has no attribute {name!r}")
