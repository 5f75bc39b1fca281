"""Debian's Chromium driven by Playwright, shared by the browser tests.

Under ``CI=true`` a missing or failing browser fails the test; elsewhere it skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.chromium import CHROMIUM, CHROMIUM_ARGS


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


def launch_browser() -> Iterator[Any]:
    """Start Chromium (the body of each module's ``browser`` fixture)."""
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(f"playwright is not installed: {exc}")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        pw.stop()
        unavailable(f"Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    pw.stop()
