"""The two Neo4j formats, proven by Neo4j itself.

- ``neo4j-csv``: imported with Neo4j's own ``neo4j-admin database import full`` into a
  fresh database of a second, throwaway instance, started and read over Bolt through our
  ``Neo4jStore``.
- ``cypher``: the script's statements run against the project's (emptied) Neo4j.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exportkit import canonical, load_rich
from neo4j_second import imported_instance

from graph_tool.config import open_store
from graph_tool.export import export_bytes, export_subgraph
from graph_tool.export.cypher_script import cypher_literal, script_statements
from graph_tool.export.neo4j_csv import ARGUMENTS, SCRIPT
from graph_tool.model import NODE_TYPES, REL_TYPES
from graph_tool.store.base import GraphStore, Subgraph

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def _counts(sub: Subgraph) -> dict[str, int]:
    out = {str(lab): 0 for lab in NODE_TYPES} | {str(rel): 0 for rel in REL_TYPES}
    for n in sub.nodes:
        out[n.label] += 1
    for e in sub.edges:
        out[e.type] += 1
    return out


def test_neo4j_admin_imports_the_csv_into_a_fresh_database(
    embedded_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = load_rich(embedded_store)
    folder = tmp_path / "csv"
    result = export_subgraph(sub, "neo4j-csv", folder)
    assert (folder / SCRIPT).is_file() and (folder / ARGUMENTS).is_file()
    header = (folder / "nodes_Person_header.csv").read_text()
    assert header.startswith("id:ID(Person),:LABEL,")
    assert "roles:string[]" in header and "broker_rank:long" in header and "ring_score:double" in header
    assert "hub:boolean" in header
    assert (folder / "nodes_Payment_header.csv").read_text().count("amount:double") == 1
    rel_header = (folder / "rels_CALLED_Phone_Phone_header.csv").read_text()
    assert rel_header.startswith(":START_ID(Phone),:END_ID(Phone),:TYPE,id,")
    args = json.loads((folder / ARGUMENTS).read_text())["arguments"]
    assert args[:3] == ["database", "import", "full"]
    assert "--array-delimiter=U+001F" in args  # the aliases hold both ';' and '|'
    assert result.nodes == len(sub.nodes)

    with imported_instance(tmp_path, folder, args) as (uri, password, log):
        assert "IMPORT DONE" in log, log[-3000:]
        monkeypatch.setenv("NEO4J_PASSWORD", password)
        second = open_store(uri)
        try:
            assert second.counts() == _counts(sub)
            back = second.whole_graph()
        finally:
            second.close()
    assert canonical(back, provenance=True) == canonical(sub, provenance=True)


def test_the_cypher_script_rebuilds_the_subgraph(
    embedded_store: GraphStore, neo4j_store: GraphStore, neo4j_uri: str
) -> None:
    sub = load_rich(embedded_store)
    text = export_bytes(sub, "cypher").decode()
    statements = script_statements(text)
    assert all(s.startswith(("CREATE CONSTRAINT", "UNWIND")) for s in statements)
    assert "$" not in "".join(s for s in statements if not s.startswith("CREATE"))  # literals, no parameters
    # TEST ONLY: the store contract has no arbitrary-write method, so the script runs
    # through the official driver here (asked for: GraphStore.run_script).
    import neo4j

    from graph_tool.config import neo4j_password

    assert neo4j_store.counts() == _counts(Subgraph())
    with neo4j.GraphDatabase.driver(neo4j_uri, auth=("neo4j", neo4j_password())) as driver:
        for _ in range(2):  # twice: MERGE on stable ids makes it idempotent
            for statement in statements:
                driver.execute_query(statement, database_="neo4j")
    assert neo4j_store.counts() == _counts(sub)
    assert canonical(neo4j_store.whole_graph(), provenance=True) == canonical(sub, provenance=True)


def test_cypher_literals_escape_what_would_break_a_statement() -> None:
    assert cypher_literal("a'b\\c\nd") == "'a\\'b\\\\c\\nd'"
    assert cypher_literal({"x": [1.5, None, False]}) == "{`x`: [1.5, null, false]}"
    assert cypher_literal("\x01") == "'\\u0001'"
    with pytest.raises(ValueError):
        cypher_literal(float("nan"))
