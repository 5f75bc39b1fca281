"""Export, then re-import, on both stores: into an empty store it gives the same graph; into
the store it came from it changes nothing; ``--merge`` only adds the partner's provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from exportkit import canonical, load_rich, without

from graph_tool.export import FORMATS, export_subgraph
from graph_tool.importers import IMPORT_FORMATS, import_file, partner_source
from graph_tool.model import Label
from graph_tool.store.base import GraphStore

EXTENSIONS = {name: FORMATS[name].extension for name in IMPORT_FORMATS}


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_round_trip_on_both_stores(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    original = load_rich(store)
    path = tmp_path / f"case{EXTENSIONS[fmt]}"
    export_subgraph(original, fmt, path)
    source = partner_source("es-policia", path)

    # 1. into the store it came from (default mode): nothing changes, not even provenance
    counts = store.counts()
    report = import_file(store, path, "es-policia")
    assert report.format == fmt
    assert (report.nodes.created, report.nodes.updated) == (0, 0)
    assert (report.relationships.created, report.relationships.updated) == (0, 0)
    assert report.nodes.unchanged == len(original.nodes) and report.skipped_nodes == len(original.nodes)
    assert report.relationships.unchanged == len(original.edges)
    assert report.rejected == [] and report.source_node == ""
    assert store.counts() == counts
    assert canonical(store.whole_graph(), provenance=True) == canonical(original, provenance=True)

    # 2. a dry run into an empty store writes nothing and says what it would create
    store.clear()
    dry = import_file(store, path, "es-policia", dry_run=True)
    assert dry.nodes.created == len(original.nodes) and dry.relationships.created == len(original.edges)
    assert sum(store.counts().values()) == 0

    # 3. into an empty store: the same nodes and relationships, with the partner's provenance
    report = import_file(store, path, "es-policia")
    assert report.nodes.created == len(original.nodes)
    assert report.relationships.created == len(original.edges) and report.rejected == []
    back = store.whole_graph()
    assert report.source_node == source
    assert canonical(without(back, {source})) == canonical(original)
    (partner,) = store.get_nodes(Label.SOURCE, [source])
    assert partner.props["partner"] == "es-policia" and partner.props["file"] == path.name
    assert len(partner.props["sha256"]) == 64
    for item in (*without(back, {source}).nodes, *back.edges):
        assert item.props["sources"] == [source]

    # 4. the same file again: nothing new
    again = import_file(store, path, "es-policia")
    assert (again.nodes.created, again.nodes.updated, again.relationships.created) == (0, 0, 0)


def test_merge_adds_the_partner_to_provenance_only(store: GraphStore, tmp_path: Path) -> None:
    original = load_rich(store)
    path = tmp_path / "case.graphml"
    export_subgraph(original, "graphml", path)
    report = import_file(store, path, "nl-kmar", merge=True)
    assert report.nodes.created == 0 and report.relationships.created == 0
    assert report.nodes.updated == len(original.nodes) and report.relationships.updated == len(original.edges)
    after = store.whole_graph()
    source = partner_source("nl-kmar", path)
    assert canonical(without(after, {source})) == canonical(original)  # business properties untouched
    for item in (*without(after, {source}).nodes, *after.edges):
        assert item.props["sources"][-1] == source
    assert store.get_nodes(Label.SOURCE, [source])


def test_partner_changes_are_taken_in_merge_mode_only(store: GraphStore, tmp_path: Path) -> None:
    original = load_rich(store)
    path = tmp_path / "case.json"
    export_subgraph(original, "json", path)
    text = path.read_text(encoding="utf-8").replace('"Wang Jun"', '"WANG Jun"')
    path.write_text(text, encoding="utf-8")
    import_file(store, path, "es")
    assert store.get_nodes(Label.PERSON, ["P-3"])[0].props["name"] == "Wang Jun"
    import_file(store, path, "es", merge=True)
    assert store.get_nodes(Label.PERSON, ["P-3"])[0].props["name"] == "WANG Jun"


def test_what_cannot_be_imported_is_reported(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(
        """{"directed": true, "multigraph": true, "graph": {}, "nodes": [
          {"id": "x1", "label": "Spaceship"}, {"id": "p1", "label": "Person", "name": "A", "eyes": "brown"},
          {"id": "t1", "label": "Phone", "number": "+1"}],
         "edges": [{"source": "p1", "target": "t1", "type": "USES"},
                   {"source": "t1", "target": "p1", "type": "USES"},
                   {"source": "p1", "target": "zz", "type": "USES"},
                   {"source": "p1", "target": "t1", "type": "TELEPORTED"}]}""",
        encoding="utf-8",
    )
    report = import_file(store, path, "test")
    reasons = " | ".join(reason for _, reason in report.rejected)
    assert "unknown node label 'Spaceship'" in reasons
    assert "does not allow Phone -> Person" in reasons
    assert "no node 'zz'" in reasons and "unknown relationship type 'TELEPORTED'" in reasons
    assert report.nodes.created == 2 and report.relationships.created == 1
    (p1,) = store.get_nodes(Label.PERSON, ["p1"])
    assert p1.props["attrs"] == '{"eyes": "brown"}'  # undeclared fields kept, as loaders keep them
