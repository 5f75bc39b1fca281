"""What every export and import format shares: property types from the model, value
encoding, safe XML text, and turning a foreign attribute map back into our properties.

Property types come from the domain model only: a format writes each declared property
with its declared type (lists as JSON text where the format has no list type), and a reader
coerces what it reads with the same declarations, so a round trip gives the same values.

>>> encode_text(PropType.STRING_LIST, ["a", "b"])
'["a", "b"]'
>>> decode_text(PropType.STRING_LIST, '["a", "b"]')
['a', 'b']
>>> decode_text(PropType.BOOL, "true"), decode_text(PropType.FLOAT, "2.5")
(True, 2.5)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store.base import MANAGED, Edge, Node, Subgraph, edge_id

# The attribute names that carry our label and relationship type in attribute-map formats
# (GraphML, node-link JSON); GEXF uses other names because its readers take ``label``.
LABEL_KEY = "label"
TYPE_KEY = "type"
ID_KEY = "id"

# Properties that say where a record came from in *this* store; a partner's copy of them
# describes the partner's store, so an import drops them and writes its own provenance.
PROVENANCE_FIELDS = MANAGED


def node_prop_types() -> dict[str, PropType]:
    """Every node property name in the model with its type (one type per name).

    >>> node_prop_types()["birth_date"].value
    'date'
    """
    return _union(t.all_properties for t in NODE_TYPES.values())


def edge_prop_types() -> dict[str, PropType]:
    """Every relationship property name in the model with its type.

    >>> edge_prop_types()["duration_s"].value
    'int'
    """
    return _union(t.all_properties for t in REL_TYPES.values())


def _union(groups: Iterable[Iterable[Any]]) -> dict[str, PropType]:
    out: dict[str, PropType] = {}
    for props in groups:
        for p in props:
            if out.get(p.name, p.type) is not p.type:
                out[p.name] = PropType.STRING  # two declared types for one name: keep text
            else:
                out[p.name] = p.type
    return out


def declared_node_props(label: str) -> dict[str, PropType]:
    """Declared properties of one node label (empty for an unknown label)."""
    try:
        return {p.name: p.type for p in NODE_TYPES[Label(label)].all_properties}
    except ValueError:
        return {}


def declared_edge_props(rel: str) -> dict[str, PropType]:
    """Declared properties of one relationship type (empty for an unknown type)."""
    try:
        return {p.name: p.type for p in REL_TYPES[Rel(rel)].all_properties}
    except ValueError:
        return {}


def is_list(ptype: PropType | None) -> bool:
    return ptype is PropType.STRING_LIST


def encode_text(ptype: PropType | None, value: Any) -> str:
    """A property value as text: lists and maps as JSON, booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)) or is_list(ptype):
        items = list(value) if isinstance(value, tuple) else value
        return json.dumps(items, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def decode_text(ptype: PropType | None, text: str) -> Any:
    """Inverse of :func:`encode_text` for a declared type (``None`` type: text as is)."""
    if ptype is None or ptype in (PropType.STRING, PropType.DATE, PropType.DATETIME):
        return text
    if ptype is PropType.STRING_LIST:
        stripped = text.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                return [text]
            return [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return [part for part in (p.strip() for p in stripped.split("|")) if part] if stripped else []
    if ptype is PropType.INT:
        return int(float(text)) if re.fullmatch(r"-?\d+\.0*", text.strip()) else int(text)
    if ptype is PropType.FLOAT:
        return float(text)
    if ptype is PropType.BOOL:
        return text.strip().lower() in ("1", "true", "yes", "y", "t")
    return text


def coerce_value(ptype: PropType | None, value: Any) -> Any:
    """A value read from a typed format (JSON, a typed XML attribute) as the declared type."""
    if value is None:
        return None
    if isinstance(value, str):
        return decode_text(ptype, value)
    if ptype is PropType.STRING_LIST:
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    if ptype is PropType.INT and not isinstance(value, bool):
        return int(value)
    if ptype is PropType.FLOAT and not isinstance(value, bool):
        return float(value)
    if ptype is PropType.BOOL:
        return bool(value)
    if ptype in (PropType.STRING, PropType.DATE, PropType.DATETIME) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    return value


def split_declared(declared: Mapping[str, PropType], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Coerce declared properties; fold undeclared ones into ``attrs`` (JSON), as loaders do.

    >>> split_declared({"name": PropType.STRING, "attrs": PropType.STRING}, {"name": "A", "eye": "brown"})
    {'name': 'A', 'attrs': '{"eye": "brown"}'}
    """
    out: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or value == "":
            continue
        if name in declared:
            out[name] = coerce_value(declared[name], value)
        else:
            extra[name] = value
    if extra and "attrs" in declared:
        current: dict[str, Any] = {}
        if isinstance(out.get("attrs"), str):
            try:
                loaded = json.loads(out["attrs"])
                current = loaded if isinstance(loaded, dict) else {"attrs": loaded}
            except json.JSONDecodeError:
                current = {"attrs": out["attrs"]}
        current.update(extra)
        out["attrs"] = json.dumps(current, ensure_ascii=False, sort_keys=True, default=str)
    return out


# -- XML text ------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all (not even escaped): most C0 controls, lone
# surrogates, U+FFFE/U+FFFF. They are replaced with U+FFFD in XML exports.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NMTOKEN = re.compile(r"[A-Za-z0-9._:\-]+")


def xml_text(value: str) -> str:
    r"""Text an XML 1.0 document can hold (illegal control characters become U+FFFD).

    >>> xml_text("a\x00b")
    'a\ufffdb'
    """
    return _XML_ILLEGAL.sub("\ufffd", value)


def nmtoken(value: str) -> str:
    """An XML NMTOKEN for an id: kept when valid, else each other character as ``_xHHHH_``.

    >>> nmtoken("P-0001"), nmtoken("a b/+")
    ('P-0001', 'a_x0020_b_x002F__x002B_')
    """
    if _NMTOKEN.fullmatch(value):
        return value
    return "".join(ch if _NMTOKEN.fullmatch(ch) else f"_x{ord(ch):04X}_" for ch in value) or "_x0000_"


def check_xml_input(data: bytes) -> None:
    """Refuse DTDs and entity declarations in a partner's XML (entity-expansion attacks)."""
    head = data[:65536].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ValueError("XML with a DOCTYPE or ENTITY declaration is refused")


# -- subgraph helpers ----------------------------------------------------------------------


def export_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Non-empty properties in a stable (sorted) order."""
    return {k: props[k] for k in sorted(props) if props[k] is not None and props[k] != ""}


def caption(node: Node) -> str:
    """The text shown for a node (its display property, else its id)."""
    try:
        return node.caption
    except (ValueError, KeyError):
        return node.id


def business_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties without this store's provenance bookkeeping (what a round trip keeps)."""
    return {k: v for k, v in props.items() if k not in PROVENANCE_FIELDS and v is not None}


def node_labels(sub: Subgraph) -> dict[str, str]:
    """Node id to label."""
    return {n.id: n.label for n in sub.nodes}


def sorted_subgraph(sub: Subgraph) -> Subgraph:
    """Nodes by (label, id) and relationships by (type, id): exports are deterministic."""
    nodes = tuple(sorted(sub.nodes, key=lambda n: (n.label, n.id)))
    edges = tuple(sorted(sub.edges, key=lambda e: (e.type, e.id)))
    return Subgraph(nodes, edges)


def make_node(label: str, node_id: str, props: Mapping[str, Any]) -> Node:
    """A :class:`Node` from read attributes, typed by the model's declarations."""
    declared = declared_node_props(label)
    clean = {k: v for k, v in props.items() if k != ID_KEY}
    return Node(label, node_id, split_declared(declared, clean) if declared else dict(clean))


def make_edge(rel: str, edge_id: str, source: str, target: str, props: Mapping[str, Any]) -> Edge:
    """An :class:`Edge` from read attributes, typed by the model's declarations."""
    declared = declared_edge_props(rel)
    clean = {k: v for k, v in props.items() if k != ID_KEY}
    return Edge(rel, edge_id, source, target, split_declared(declared, clean) if declared else dict(clean))


class EdgeIds:
    """Stable ids for relationships a file gives none: the first of a (type, ends) pair
    gets :func:`edge_id` with an empty key, parallel ones the keys ``2``, ``3``, ...

    >>> ids = EdgeIds()
    >>> first, second = ids.next("USES", "p", "t"), ids.next("USES", "p", "t")
    >>> first == edge_id("USES", "p", "t"), second == edge_id("USES", "p", "t", "2")
    (True, True)
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], int] = {}

    def next(self, rel: str, source: str, target: str) -> str:
        count = self._seen.get((rel, source, target), 0) + 1
        self._seen[(rel, source, target)] = count
        return edge_id(rel, source, target, "" if count == 1 else str(count))
