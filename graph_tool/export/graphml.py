"""GraphML 1.0: valid against the GraphML XSD, typed ``<key>``s, readable by networkx.

Each property present in the subgraph gets one typed ``<key>`` per domain (``node`` or
``edge``): ``string``, ``long``, ``double`` or ``boolean`` as the model declares it; list
properties are JSON text in a ``string`` key. ``label`` (node label), ``type``
(relationship type) and ``id`` (the stable id, also when the element id had to be escaped
to an XML NMTOKEN) are keys too. Nodes and relationships are written sorted, so the same
subgraph always gives the same bytes.

>>> from graph_tool.store.base import Node, Subgraph
>>> sub = read_graphml(write_graphml(Subgraph((Node("Phone", "t1", {"number": "+1"}),))))
>>> sub.nodes[0].label, sub.nodes[0].props["number"]
('Phone', '+1')
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from graph_tool.export.common import (
    ID_KEY,
    LABEL_KEY,
    TYPE_KEY,
    EdgeIds,
    check_xml_input,
    decode_text,
    edge_prop_types,
    encode_text,
    export_props,
    make_edge,
    make_node,
    nmtoken,
    node_prop_types,
    sorted_subgraph,
    xml_text,
)
from graph_tool.model import PropType
from graph_tool.store.base import Subgraph

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

_GRAPHML_TYPE = {
    PropType.STRING: "string",
    PropType.INT: "long",
    PropType.FLOAT: "double",
    PropType.BOOL: "boolean",
    PropType.DATE: "string",
    PropType.DATETIME: "string",
    PropType.STRING_LIST: "string",
}
_PY_FROM_GRAPHML = {"boolean": PropType.BOOL, "int": PropType.INT, "long": PropType.INT}
_PY_FROM_GRAPHML.update({"float": PropType.FLOAT, "double": PropType.FLOAT, "string": PropType.STRING})


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def write_graphml(sub: Subgraph) -> bytes:
    """The subgraph as a GraphML document (UTF-8 bytes)."""
    sub = sorted_subgraph(sub)
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(_q("graphml"), {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    root.append(ET.Comment(" written by graph-tool: keys are typed from the domain model; lists are JSON text "))
    node_types, edge_types = node_prop_types(), edge_prop_types()
    node_names = sorted({k for n in sub.nodes for k in n.props if n.props[k] is not None})
    edge_names = sorted({k for e in sub.edges for k in e.props if e.props[k] is not None})
    keys: dict[tuple[str, str], str] = {}

    def key(domain: str, name: str, ptype: PropType | None) -> None:
        key_id = f"{domain[0]}_{nmtoken(name)}"
        keys[(domain, name)] = key_id
        gtype = _GRAPHML_TYPE.get(ptype, "string") if ptype is not None else "string"
        ET.SubElement(root, _q("key"), {"id": key_id, "for": domain, "attr.name": name, "attr.type": gtype})

    key("node", LABEL_KEY, PropType.STRING)
    key("node", ID_KEY, PropType.STRING)
    for name in node_names:
        if name not in (LABEL_KEY, ID_KEY):
            key("node", name, node_types.get(name))
    key("edge", TYPE_KEY, PropType.STRING)
    key("edge", ID_KEY, PropType.STRING)
    for name in edge_names:
        if name not in (TYPE_KEY, ID_KEY):
            key("edge", name, edge_types.get(name))

    graph = ET.SubElement(root, _q("graph"), {"id": "G", "edgedefault": "directed"})
    for n in sub.nodes:
        el = ET.SubElement(graph, _q("node"), {"id": nmtoken(n.id)})
        _data(el, keys[("node", LABEL_KEY)], n.label)
        _data(el, keys[("node", ID_KEY)], n.id)
        for name, value in export_props(n.props).items():
            if name not in (LABEL_KEY, ID_KEY):
                _data(el, keys[("node", name)], encode_text(node_types.get(name), value))
    for e in sub.edges:
        attrs = {"id": nmtoken(e.id), "source": nmtoken(e.source), "target": nmtoken(e.target)}
        el = ET.SubElement(graph, _q("edge"), attrs)
        _data(el, keys[("edge", TYPE_KEY)], e.type)
        _data(el, keys[("edge", ID_KEY)], e.id)
        for name, value in export_props(e.props).items():
            if name not in (TYPE_KEY, ID_KEY):
                _data(el, keys[("edge", name)], encode_text(edge_types.get(name), value))
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _data(parent: ET.Element, key_id: str, text: str) -> None:
    el = ET.SubElement(parent, _q("data"), {"key": key_id})
    el.text = xml_text(text)


def read_graphml(data: bytes) -> Subgraph:
    """Nodes and relationships of a GraphML document, typed by the model.

    Our own files carry ``label``, ``type`` and ``id`` keys; in another tool's file a node
    without ``label`` keeps an empty label (the importer reports it), and a relationship's
    type may also come from a ``label`` key.
    """
    check_xml_input(data)
    root = ET.fromstring(data)  # noqa: S314 - DTDs and entities are refused above
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""

    def q(tag: str) -> str:
        return f"{{{ns}}}{tag}" if ns else tag

    keys: dict[str, tuple[str, PropType]] = {}
    for k in root.iter(q("key")):
        name = k.get("attr.name") or k.get("id") or ""
        keys[k.get("id", "")] = (name, _PY_FROM_GRAPHML.get(k.get("attr.type", "string"), PropType.STRING))
    graph = root.find(q("graph"))
    if graph is None:
        raise ValueError("GraphML without a <graph> element")

    def values(el: ET.Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for d in el.findall(q("data")):
            name, ptype = keys.get(d.get("key", ""), (d.get("key", ""), PropType.STRING))
            text = d.text or ""
            if ptype is PropType.STRING:
                out[name] = text
            elif text.strip():
                out[name] = decode_text(ptype, text.strip())
        return out

    real_id: dict[str, str] = {}
    nodes = []
    for el in graph.iter(q("node")):
        props = values(el)
        node_id = str(props.pop(ID_KEY, None) or el.get("id", ""))
        real_id[el.get("id", "")] = node_id
        label = str(props.pop(LABEL_KEY, ""))
        nodes.append(make_node(label, node_id, props))
    edges = []
    fallback = EdgeIds()
    for el in graph.iter(q("edge")):
        props = values(el)
        rel = str(props.pop(TYPE_KEY, None) or props.pop(LABEL_KEY, ""))
        src = real_id.get(el.get("source", ""), el.get("source", ""))
        dst = real_id.get(el.get("target", ""), el.get("target", ""))
        eid = str(props.pop(ID_KEY, None) or el.get("id") or fallback.next(rel, src, dst))
        edges.append(make_edge(rel, eid, src, dst, props))
    return Subgraph(tuple(nodes), tuple(edges))
