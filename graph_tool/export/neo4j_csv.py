"""CSV files for Neo4j's offline bulk loader, ``neo4j-admin database import full``.

One folder: per label a header file and a data file (``nodes_Person_header.csv``,
``nodes_Person.csv``), per (type, start label, end label) the same for relationships,
and ``neo4j-admin-import.sh`` with the exact command. Headers use per-label id spaces
(``id:ID(Person)``, ``:START_ID(Person)``, ``:END_ID(Document)``), ``:LABEL`` (the label
and ``Entity``, as our Neo4j store keeps them) and ``:TYPE``; properties are typed from the
model: ``roles:string[]``, ``amount:double`` (Neo4j's ``float`` is 32-bit and would round
money), ``duration_s:long``, ``valid:boolean``; dates stay text (they may be partial).
Lists are joined with the array delimiter, ``;`` unless a value contains one.

>>> from graph_tool.store.base import Node, Subgraph
>>> files = neo4j_csv_files(Subgraph((Node("Person", "p1", {"roles": ["victim", "witness"]}),)))
>>> files["nodes_Person_header.csv"].strip()
'id:ID(Person),:LABEL,roles:string[]'
>>> files["nodes_Person.csv"].strip()
'p1,Person;Entity,victim;witness'
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_tool.export.common import edge_prop_types, node_labels, node_prop_types, sorted_subgraph
from graph_tool.model import ENTITY_LABEL, PropType
from graph_tool.store.base import Subgraph

_CSV_TYPE = {
    PropType.STRING: "",
    PropType.INT: "long",
    PropType.FLOAT: "double",
    PropType.BOOL: "boolean",
    PropType.DATE: "",
    PropType.DATETIME: "",
    PropType.STRING_LIST: "string[]",
}
_DELIMITERS = (";", "|", "\u001f")
SCRIPT = "neo4j-admin-import.sh"
ARGUMENTS = "neo4j-admin-import.json"


@dataclass(frozen=True)
class Neo4jCsvExport:
    """What was written: the folder, its files, and the ``neo4j-admin`` arguments."""

    folder: Path
    files: tuple[Path, ...]
    arguments: tuple[str, ...] = field(default=())


def _array_delimiter(sub: Subgraph) -> str:
    values: list[str] = [n.label for n in sub.nodes]
    for props in [n.props for n in sub.nodes] + [e.props for e in sub.edges]:
        for v in props.values():
            if isinstance(v, (list, tuple)):
                values.extend(str(x) for x in v)
    for candidate in _DELIMITERS:
        if not any(candidate in v for v in values):
            return candidate
    raise ValueError("every array delimiter Neo4j's importer accepts here occurs in a list value")


def _delimiter_arg(delimiter: str) -> str:
    return delimiter if delimiter.isprintable() else f"U+{ord(delimiter):04X}"


def _cell(ptype: PropType | None, value: Any, delimiter: str) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return delimiter.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _column(name: str, ptype: PropType | None) -> str:
    suffix = _CSV_TYPE.get(ptype, "") if ptype is not None else ""
    return f"{name}:{suffix}" if suffix else name


def _csv(rows: Iterable[Sequence[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, doublequote=True)
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def neo4j_csv_files(sub: Subgraph) -> dict[str, str]:
    """File name to text, for every file of the export (the script included)."""
    sub = sorted_subgraph(sub)
    delimiter = _array_delimiter(sub)
    node_types, edge_types = node_prop_types(), edge_prop_types()
    files: dict[str, str] = {}
    node_args: list[str] = []
    rel_args: list[str] = []

    by_label: dict[str, list[Any]] = {}
    for n in sub.nodes:
        by_label.setdefault(n.label, []).append(n)
    for label, nodes in by_label.items():
        names = sorted({k for n in nodes for k, v in n.props.items() if v is not None and k != "id"})
        header = [f"id:ID({label})", ":LABEL", *(_column(k, node_types.get(k)) for k in names)]
        both = delimiter.join((label, ENTITY_LABEL))
        rows = [[n.id, both, *(_cell(node_types.get(k), n.props.get(k), delimiter) for k in names)] for n in nodes]
        files[f"nodes_{label}_header.csv"] = _csv([header])
        files[f"nodes_{label}.csv"] = _csv(rows)
        node_args.append(f"--nodes=nodes_{label}_header.csv,nodes_{label}.csv")

    labels = node_labels(sub)
    missing = [e.id for e in sub.edges if e.source not in labels or e.target not in labels]
    if missing:
        raise ValueError(f"relationships whose ends are not in the subgraph: {missing[:5]}")
    by_group: dict[tuple[str, str, str], list[Any]] = {}
    for e in sub.edges:
        by_group.setdefault((e.type, labels[e.source], labels[e.target]), []).append(e)
    for (rel, src, dst), edges in by_group.items():
        names = sorted({k for e in edges for k, v in e.props.items() if v is not None and k != "id"})
        columns = (_column(k, edge_types.get(k)) for k in names)
        header = [f":START_ID({src})", f":END_ID({dst})", ":TYPE", "id", *columns]
        rows = [
            [e.source, e.target, rel, e.id, *(_cell(edge_types.get(k), e.props.get(k), delimiter) for k in names)]
            for e in edges
        ]
        stem = f"rels_{rel}_{src}_{dst}"
        files[f"{stem}_header.csv"] = _csv([header])
        files[f"{stem}.csv"] = _csv(rows)
        rel_args.append(f"--relationships={stem}_header.csv,{stem}.csv")

    arguments = admin_arguments(node_args, rel_args, delimiter)
    files[ARGUMENTS] = json.dumps({"arguments": arguments}, indent=1) + "\n"
    files[SCRIPT] = (
        "#!/bin/sh\n"
        "# Load this folder into a NEW, EMPTY database with Neo4j's offline bulk loader (server stopped).\n"
        "# Usage: sh neo4j-admin-import.sh [DATABASE]   (needs neo4j-admin on PATH; default database neo4j)\n"
        'set -e\ncd "$(dirname "$0")"\n'
        f'neo4j-admin database import full "${{1:-neo4j}}" {" ".join(shlex.quote(a) for a in arguments[4:])}\n'
    )
    return files


def admin_arguments(
    node_args: Sequence[str], rel_args: Sequence[str], delimiter: str = ";", database: str = "neo4j"
) -> list[str]:
    """``neo4j-admin`` arguments (after the program name) importing the given files."""
    return [
        "database",
        "import",
        "full",
        database,  # before the options: --nodes and --relationships take several values
        f"--array-delimiter={_delimiter_arg(delimiter)}",
        "--multiline-fields=true",
        "--id-type=string",
        *node_args,
        *rel_args,
    ]


def write_neo4j_csv(sub: Subgraph, folder: Path) -> Neo4jCsvExport:
    """Write the export into ``folder`` (created; existing export files are replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = neo4j_csv_files(sub)
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    (folder / SCRIPT).chmod(0o755)
    arguments = json.loads(files[ARGUMENTS])["arguments"]
    return Neo4jCsvExport(folder, tuple(written), tuple(arguments))
