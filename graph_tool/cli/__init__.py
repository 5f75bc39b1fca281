"""The ``graph-tool`` command: a thin layer over the library.

Every command's help ends with an example; ``tests/test_cli.py`` checks that each one has
an example and a line in the README.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

import graph_tool.cli as _cli_package


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Example:
  graph-tool demo                     # load the demo case into ./demo-case and show it
  graph-tool info --store bolt://127.0.0.1:7687
""",
)
@click.version_option(package_name="graph-tool")
def main() -> None:
    """Graph investigation tool for counter-trafficking work.

    The store is a case folder (embedded LadybugDB, the default) or a Neo4j URI: set
    GRAPH_TOOL_STORE, or pass --store to a command.
    """


# Each ``*_cmds`` module in this package registers its commands: adding a module is enough.
for _info in sorted(pkgutil.iter_modules(_cli_package.__path__), key=lambda m: m.name):
    if _info.name.endswith("_cmds"):
        importlib.import_module(f"{__name__}.{_info.name}").register(main)
