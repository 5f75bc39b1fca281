"""Debian's Chromium as the benchmarks and the browser tests launch it (no pytest here)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("GRAPH_TOOL_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's hosts at start.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
