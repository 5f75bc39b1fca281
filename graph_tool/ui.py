"""Start the browser UI (``streamlit run app.py``) on this machine, offline.

Streamlit runs bound to 127.0.0.1 with usage statistics off, so that nothing leaves the
machine; the store is passed through ``GRAPH_TOOL_STORE``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"


def ui_command(port: int = 8501, address: str = "127.0.0.1") -> list[str]:
    """The command line that starts the UI.

    >>> "--browser.gatherUsageStats=false" in ui_command()
    True
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]


def run_ui(store: str, port: int = 8501, address: str = "127.0.0.1") -> int:
    """Run the UI in the foreground until interrupted; prints its address first."""
    if not APP.exists():
        raise FileNotFoundError(f"{APP} is missing: the UI runs from a checkout of the project")
    env = {**os.environ, "GRAPH_TOOL_STORE": store}
    print(f"graph-tool UI on http://{address}:{port}  (store: {store}; Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(ui_command(port, address), env=env)
    except KeyboardInterrupt:
        return 0
