"""The analysed demo case (shared with the UI tests)."""

from tests.ui.conftest import demo_case

__all__ = ["demo_case"]
