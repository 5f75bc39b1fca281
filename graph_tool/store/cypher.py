"""Write and lookup Cypher shared by both stores, generated from the model.

Only names declared in the model are ever spliced into query text (labels, relationship
types, property names); every value travels as a ``$parameter`` (or, for Neo4j's
``LOAD CSV``, in a file the server reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel


def _sets(names: Iterable[str], target: str, var: str = "r") -> str:
    return ", ".join(f"{target}.{n} = {var}.{n}" for n in names if n != "id")


def node_prop_names(label: Label) -> list[str]:
    """Declared property names of ``label``, key first."""
    return [p.name for p in NODE_TYPES[label].all_properties]


def rel_prop_names(rel: Rel) -> list[str]:
    """Declared property names of ``rel``, ``id`` first."""
    return [p.name for p in REL_TYPES[rel].all_properties]


def create_nodes(label: Label, *extra_labels: str) -> str:
    """``UNWIND $rows`` creating nodes from property maps that hold only the values set.

    Neo4j only: a row names its properties as map keys (validated against the model
    before they get here), so the server stores what is there instead of evaluating
    every declared property, most of them null, for every node.
    """
    labels = ":".join((str(label), *extra_labels))
    return f"UNWIND $rows AS r CREATE (n:{labels}) SET n = r"


def create_nodes_listed(label: Label, names: Iterable[str]) -> str:
    """``UNWIND $rows`` creating nodes with the given properties (every row has each name,
    null where unset).

    >>> create_nodes_listed(Label.PERSON, ["id", "name"])
    'UNWIND $rows AS r CREATE (n:Person {id: r.id}) SET n.name = r.name'
    """
    sets = _sets(names, "n")
    return f"UNWIND $rows AS r CREATE (n:{label} {{id: r.id}})" + (f" SET {sets}" if sets else "")


def create_edges_listed(rel: Rel, source: Label, target: Label, names: Iterable[str]) -> str:
    """``UNWIND $rows`` of ``src``, ``dst`` and the given properties creating relationships
    between existing nodes (a missing end creates none: check the ends first).

    >>> q = create_edges_listed(Rel.USES, Label.PERSON, Label.PHONE, ["id", "since"])
    >>> q.split(" CREATE ")[1]
    '(a)-[e:USES {id: r.id}]->(b) SET e.since = r.since'
    """
    sets = _sets(names, "e")
    return (
        f"UNWIND $rows AS r MATCH (a:{source} {{id: r.src}}) MATCH (b:{target} {{id: r.dst}}) "
        f"CREATE (a)-[e:{rel} {{id: r.id}}]->(b)" + (f" SET {sets}" if sets else "")
    )


_FROM_TEXT = {
    PropType.INT: "toInteger({})",
    PropType.FLOAT: "toFloat({})",
    PropType.BOOL: "toBoolean({})",
    PropType.STRING_LIST: "split({}, '\\u001f')",
}
LIST_SEPARATOR = "\x1f"  # between the items of a list property in a file for LOAD CSV


def load_csv_create_nodes(
    label: Label,
    names: Iterable[str],
    *extra_labels: str,
    same: Iterable[str] = (),
    prefixed: Iterable[str] = (),
) -> str:
    r"""Neo4j only: ``LOAD CSV`` creating a node per row of the file at ``$file_url`` (in the
    server's import folder), ``IN TRANSACTIONS`` (run it in an auto-commit transaction).

    Columns are the given declared properties, as text: list items are joined by
    ``LIST_SEPARATOR``; an empty field is no property. Properties in ``same`` hold one value
    on every row, given once in the map ``$same``; the one-item lists in ``prefixed`` have
    in the file only what follows their items' shared beginning, given in the map
    ``$prefix``. The file comes as a parameter, like every value: no name is spliced into
    the text, and the text (so the server's cached plan) is the same for every file of one
    layout.

    >>> q = load_csv_create_nodes(Label.PERSON, ["id", "roles", "source_refs"], "Entity",
    ...                           same=["sources"], prefixed=["source_refs"])
    >>> q.startswith("LOAD CSV WITH HEADERS FROM $file_url AS r CALL (r) { CREATE (n:Person:Entity)")
    True
    >>> print(q.split("SET ")[1].replace(", n.", ",\nn."))
    n.id = r.id,
    n.roles = split(r.roles, '\u001f'),
    n.source_refs = [$prefix.source_refs + r.source_refs],
    n.sources = $same.sources } IN 4 CONCURRENT TRANSACTIONS OF 2500 ROWS
    """
    types = {p.name: p.type for p in NODE_TYPES[label].all_properties}
    cut = set(prefixed)

    def value(n: str) -> str:
        return f"[$prefix.{n} + r.{n}]" if n in cut else _FROM_TEXT.get(types[n], "{}").format(f"r.{n}")

    sets = [f"n.{n} = {value(n)}" for n in names]
    sets += [f"n.{n} = $same.{n}" for n in same if n in types]
    labels = ":".join((str(label), *extra_labels))
    # Four transactions at a time, of 2,500 rows: here 12 % faster than two of 5,000 at 100k
    # and 1M rows (which were 12-18 % faster than one of 10,000); eight of 1,250 or four
    # of 5,000 were slower.
    return (
        f"LOAD CSV WITH HEADERS FROM $file_url AS r CALL (r) {{ CREATE (n:{labels}) SET {', '.join(sets)} }} "
        "IN 4 CONCURRENT TRANSACTIONS OF 2500 ROWS"
    )


def update_nodes(label: Label, names: Iterable[str]) -> str:
    """``UNWIND $rows`` setting the given properties on existing nodes."""
    return f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) SET {_sets(names, 'n')}"


def existing_nodes(label: Label) -> str:
    """Nodes of ``label`` among ``$ids``.

    One key lookup per id (``UNWIND``): ``WHERE n.id IN $ids`` scans the whole table in
    LadybugDB, which made loading quadratic.
    """
    return f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n"


def existing_ids(label: Label) -> str:
    """Ids of ``label`` among ``$ids``."""
    return f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id"


def create_edges(rel: Rel, source: Label, target: Label) -> str:
    """``UNWIND $rows`` of ``{src, dst, props}`` creating relationships (Neo4j only, as above)."""
    return (
        f"UNWIND $rows AS r MATCH (a:{source} {{id: r.src}}) MATCH (b:{target} {{id: r.dst}}) "
        f"CREATE (a)-[e:{rel}]->(b) SET e = r.props"
    )


def update_edges(rel: Rel, source: Label, target: Label, names: Iterable[str], from_target: bool = False) -> str:
    """``UNWIND $rows`` setting properties on existing relationships, found through their
    endpoints (see :func:`edge_by_key`).

    ``src`` and ``dst`` in the rows are the endpoint ids, never properties.
    """
    props = [n for n in names if n not in ("src", "dst")]
    return f"UNWIND $rows AS r {edge_by_key(rel, source, target, 'r', from_target)} SET {_sets(props, 'e')}"


def existing_edges(rel: Rel, source: Label, target: Label, from_target: bool = False) -> str:
    """Relationships of one type and label pair among ``$keys`` (``{id, src, dst}`` rows)."""
    return f"UNWIND $keys AS k {edge_by_key(rel, source, target, 'k', from_target)} RETURN e"


def edge_by_key(rel: Rel, source: Label, target: Label, var: str, from_target: bool = False) -> str:
    """``MATCH`` binding ``e``, the relationship with id ``{var}.id`` from the node with id
    ``{var}.src`` to the one with ``{var}.dst``: one end found by its key, then its
    relationships walked, from the target's end when ``from_target``.

    In one pattern, ``(:A {id: k.src})-[e]->(:B {id: k.dst})``, LadybugDB joined every
    relationship of the type against the keys: 10,000 keys took 6.5 s among 96,000 payments
    and ate the buffer pool of a load; walked from one end, 0.9 s, and from the end with
    fewer relationships each (the payment, not the account that sent it), 0.4 s.

    >>> edge_by_key(Rel.SENT, Label.ACCOUNT, Label.PAYMENT, "k", from_target=True)
    'MATCH (b:Payment {id: k.dst}) MATCH (a:Account)-[e:SENT]->(b) WHERE a.id = k.src AND e.id = k.id'
    """
    if from_target:
        return (
            f"MATCH (b:{target} {{id: {var}.dst}}) MATCH (a:{source})-[e:{rel}]->(b) "
            f"WHERE a.id = {var}.src AND e.id = {var}.id"
        )
    return (
        f"MATCH (a:{source} {{id: {var}.src}}) MATCH (a)-[e:{rel}]->(b:{target}) "
        f"WHERE b.id = {var}.dst AND e.id = {var}.id"
    )


def edges_by_ids_from_ends(rel: Rel, source: Label, target: Label, from_target: bool = False) -> str:
    """Relationships of one type and label pair with an id among ``$ids`` and the source
    (the target, when ``from_target``) among ``$end_ids``; with their end ids, to check.

    LadybugDB only, for a few keys: :func:`existing_edges` costs 70-100 ms however few the
    keys (its plan reads the whole relationship table of a 20,000-person case); this, 2-5 ms
    for up to 100 keys and 35 ms for 1,000, but more than it for 10,000.

    >>> edges_by_ids_from_ends(Rel.SENT, Label.ACCOUNT, Label.PAYMENT)
    'MATCH (a:Account)-[e:SENT]->(b:Payment) WHERE a.id IN $end_ids AND e.id IN $ids RETURN e, a.id AS src, b.id AS dst'
    """
    end = "b" if from_target else "a"
    return (
        f"MATCH (a:{source})-[e:{rel}]->(b:{target}) WHERE {end}.id IN $end_ids AND e.id IN $ids "
        "RETURN e, a.id AS src, b.id AS dst"
    )


def from_target(rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether to find these relationships (rows of ``src`` and ``dst``) from their target
    ends: when the rows name more distinct targets than sources, each target likely has
    fewer relationships to walk (one payment, many per account).

    >>> from_target([{"src": "a1", "dst": "p1"}, {"src": "a1", "dst": "p2"}])
    True
    """
    srcs, dsts = set(), set()
    for row in rows:
        srcs.add(row["src"])
        dsts.add(row["dst"])
    return len(dsts) > len(srcs)


def set_property(label: Label, name: str) -> str:
    """Write one analysis property: rows of ``{id, value}``."""
    NODE_TYPES[label].prop(name)  # KeyError for an undeclared property
    return f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) SET n.{name} = r.value"


def clear_property(label: Label, name: str) -> str:
    """Remove one property from the nodes with ``$ids``."""
    NODE_TYPES[label].prop(name)
    return f"MATCH (n:{label}) WHERE n.id IN $ids SET n.{name} = NULL"


def count_nodes(label: Label) -> str:
    return f"MATCH (n:{label}) RETURN count(n) AS c"


def count_edges(rel: Rel) -> str:
    return f"MATCH ()-[e:{rel}]->() RETURN count(e) AS c"


def nodes_of_source(label: Label) -> str:
    """Nodes of ``label`` that ``$source`` contributed to."""
    return f"MATCH (n:{label}) WHERE $source IN n.sources RETURN n"


def edges_of_source(rel: Rel) -> str:
    """Relationships of ``rel`` that ``$source`` contributed to, with endpoint ids."""
    return f"MATCH (a)-[e:{rel}]->(b) WHERE $source IN e.sources RETURN a.id AS src, b.id AS dst, e"


def all_nodes(label: Label) -> str:
    return f"MATCH (n:{label}) RETURN n"


def all_edges(rel: Rel) -> str:
    return f"MATCH (a)-[e:{rel}]->(b) RETURN a.id AS src, b.id AS dst, e"


def set_provenance_nodes(label: Label) -> str:
    """Rewrite provenance lists of nodes: rows of ``{id, sources, source_refs}``."""
    return f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) SET n.sources = r.sources, n.source_refs = r.source_refs"


def set_provenance_edges(rel: Rel) -> str:
    return (
        f"UNWIND $rows AS r MATCH ()-[e:{rel}]->() WHERE e.id = r.id "
        "SET e.sources = r.sources, e.source_refs = r.source_refs"
    )


def delete_nodes(label: Label) -> str:
    return f"MATCH (n:{label}) WHERE n.id IN $ids DETACH DELETE n"


def existing_edge_ids(rel: Rel) -> str:
    """Ids of ``rel`` relationships among ``$ids``."""
    return f"MATCH ()-[e:{rel}]->() WHERE e.id IN $ids RETURN e.id AS id"


def delete_edges(rel: Rel) -> str:
    return f"MATCH ()-[e:{rel}]->() WHERE e.id IN $ids DELETE e"


def outgoing(label: Label | None = None) -> str:
    """Relationships leaving ``$ids`` (of ``label``, if given), with endpoint ids and the far node.

    With the label, LadybugDB reads one node table instead of all of them (9 ms instead of
    20 for one person of a 20,000-person case), and Neo4j uses that label's id index.

    >>> outgoing(Label.PERSON)
    'MATCH (a:Person)-[e]->(b) WHERE a.id IN $ids RETURN a.id AS src, b.id AS dst, e, b AS far'
    """
    return f"MATCH {_var('a', label)}-[e]->(b) WHERE a.id IN $ids RETURN a.id AS src, b.id AS dst, e, b AS far"


def incoming(label: Label | None = None) -> str:
    """Relationships arriving at ``$ids`` (of ``label``, if given), with endpoint ids and the far node."""
    return f"MATCH (b)-[e]->{_var('a', label)} WHERE a.id IN $ids RETURN b.id AS src, a.id AS dst, e, b AS far"


def _var(name: str, label: Label | None) -> str:
    return f"({name}:{label})" if label is not None else f"({name})"


def nodes_by_ids() -> str:
    """Nodes of any label among ``$ids``."""
    return "MATCH (n) WHERE n.id IN $ids RETURN n"


def delete_all(label: Label) -> str:
    return f"MATCH (n:{label}) DETACH DELETE n"


# Neo4j only, in an auto-commit transaction: deletes committed a part at a time. Deleting a
# 20,000-person case's nodes 10,000 to a transaction (with their relationships) went over
# the server's transaction memory limit (70 % of a 1 GiB heap).
_DELETE_ROWS = 1_000


def delete_all_in_transactions(label: Label) -> str:
    """Every node of ``label`` and its relationships, ``IN TRANSACTIONS`` (Neo4j)."""
    return f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {_DELETE_ROWS} ROWS"


def delete_nodes_in_transactions(label: Label) -> str:
    """The nodes of ``label`` with ``$ids`` and their relationships, ``IN TRANSACTIONS`` (Neo4j)."""
    return (
        f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) "
        f"CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {_DELETE_ROWS} ROWS"
    )


def delete_edges_in_transactions(rel: Rel) -> str:
    """The ``rel`` relationships with ``$ids``, ``IN TRANSACTIONS`` (Neo4j, by its id index)."""
    return (
        f"UNWIND $ids AS i MATCH ()-[e:{rel} {{id: i}}]->() "
        f"CALL (e) {{ DELETE e }} IN TRANSACTIONS OF {5 * _DELETE_ROWS} ROWS"
    )
