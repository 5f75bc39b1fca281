"""``graph-tool ui``: the investigator's browser UI."""

from __future__ import annotations

import click

from graph_tool.cli.common import store_option
from graph_tool.config import store_spec


@click.command(
    "ui",
    epilog="""\b
Example:
  graph-tool ui --store demo-case --port 8501
""",
)
@click.option("--port", default=8501, show_default=True, help="Port on 127.0.0.1.")
@store_option
def ui_cmd(port: int, store: str | None) -> None:
    """Open the browser UI on a case (served on 127.0.0.1 only, usage statistics off)."""
    from graph_tool.ui import run_ui

    raise SystemExit(run_ui(str(store_spec(store)), port=port))


def register(main: click.Group) -> None:
    main.add_command(ui_cmd)
