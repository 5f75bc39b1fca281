"""The ``graph-tool`` command: a thin layer over the library.

Every command's help ends with an example; ``tests/test_cli.py`` checks that each one has
an example and a line in the README.
"""

from __future__ import annotations

import click

from graph_tool.cli import case_cmds, neo4j_cmds


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


for module in (case_cmds, neo4j_cmds):
    module.register(main)
