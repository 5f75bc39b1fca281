"""GEXF 1.3 (Gephi): valid against the GEXF 1.3 XSD, with typed attributes.

Written by hand, because networkx's GEXF writer does not produce valid 1.3 (a namespace
typo and a ``name`` attribute on ``<graph>``). No ``viz:`` elements: the published 1.3
``viz.xsd`` has no target namespace, so a file using them cannot validate.

A node's GEXF ``label`` is its caption (what Gephi shows); our node label is the
``node_label`` attribute. A relationship's type is its GEXF ``kind`` (new in 1.3), its
``label``, and the ``type`` attribute (networkx reads attributes, not ``kind``). Attribute
types follow the model: ``string``, ``long``, ``double``, ``boolean``; list properties are
JSON text in a ``string`` attribute (GEXF's ``liststring`` syntax differs between readers).
Edges are ``directed``; the ``weight`` property is also the GEXF edge weight.

>>> from graph_tool.store.base import Node, Subgraph
>>> sub = read_gexf(write_gexf(Subgraph((Node("Phone", "t1", {"number": "+1"}),))))
>>> sub.nodes[0].label, sub.nodes[0].props["number"]
('Phone', '+1')
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from graph_tool.export.common import (
    ID_KEY,
    TYPE_KEY,
    EdgeIds,
    caption,
    check_xml_input,
    decode_text,
    edge_prop_types,
    encode_text,
    export_props,
    make_edge,
    make_node,
    node_prop_types,
    sorted_subgraph,
    xml_text,
)
from graph_tool.model import PropType
from graph_tool.store.base import Subgraph

NS = "http://gexf.net/1.3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} http://gexf.net/1.3/gexf.xsd"
NODE_LABEL_ATTR = "node_label"  # not a property name in the model (checked in the tests)

_GEXF_TYPE = {
    PropType.STRING: "string",
    PropType.INT: "long",
    PropType.FLOAT: "double",
    PropType.BOOL: "boolean",
    PropType.DATE: "string",
    PropType.DATETIME: "string",
    PropType.STRING_LIST: "string",
}
_FROM_GEXF = {
    "integer": PropType.INT,
    "long": PropType.INT,
    "short": PropType.INT,
    "byte": PropType.INT,
    "biginteger": PropType.INT,
    "double": PropType.FLOAT,
    "float": PropType.FLOAT,
    "bigdecimal": PropType.FLOAT,
    "boolean": PropType.BOOL,
}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def write_gexf(sub: Subgraph, description: str = "") -> bytes:
    """The subgraph as a GEXF 1.3 document (UTF-8 bytes)."""
    sub = sorted_subgraph(sub)
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(_q("gexf"), {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION, "version": "1.3"})
    meta = ET.SubElement(root, _q("meta"), {"lastmodifieddate": datetime.now(UTC).date().isoformat()})
    ET.SubElement(meta, _q("creator")).text = "graph-tool"
    if description:
        ET.SubElement(meta, _q("description")).text = xml_text(description)
    graph = ET.SubElement(root, _q("graph"), {"defaultedgetype": "directed", "mode": "static", "idtype": "string"})

    node_types, edge_types = node_prop_types(), edge_prop_types()
    node_names = [NODE_LABEL_ATTR, *sorted({k for n in sub.nodes for k, v in n.props.items() if v is not None})]
    edge_names = [TYPE_KEY, *sorted({k for e in sub.edges for k, v in e.props.items() if v is not None})]
    node_ids = _attributes(graph, "node", node_names, node_types)
    edge_ids = _attributes(graph, "edge", edge_names, edge_types)

    nodes = ET.SubElement(graph, _q("nodes"), {"count": str(len(sub.nodes))})
    for n in sub.nodes:
        el = ET.SubElement(nodes, _q("node"), {"id": xml_text(n.id), "label": xml_text(caption(n))})
        values = ET.SubElement(el, _q("attvalues"))
        _value(values, node_ids[NODE_LABEL_ATTR], n.label)
        for name, value in export_props(n.props).items():
            _value(values, node_ids[name], encode_text(node_types.get(name), value))
    edges = ET.SubElement(graph, _q("edges"), {"count": str(len(sub.edges))})
    for e in sub.edges:
        attrs = {
            "id": xml_text(e.id),
            "source": xml_text(e.source),
            "target": xml_text(e.target),
            "type": "directed",
            "label": e.type,
            "kind": e.type,
        }
        weight = e.props.get("weight")
        if isinstance(weight, (int, float)) and not isinstance(weight, bool):
            attrs["weight"] = repr(float(weight))
        el = ET.SubElement(edges, _q("edge"), attrs)
        values = ET.SubElement(el, _q("attvalues"))
        _value(values, edge_ids[TYPE_KEY], e.type)
        for name, value in export_props(e.props).items():
            _value(values, edge_ids[name], encode_text(edge_types.get(name), value))
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _attributes(graph: ET.Element, cls: str, names: list[str], types: dict[str, PropType]) -> dict[str, str]:
    el = ET.SubElement(graph, _q("attributes"), {"class": cls, "mode": "static"})
    ids: dict[str, str] = {}
    for i, name in enumerate(dict.fromkeys(names)):
        ids[name] = f"{cls[0]}{i}"
        gtype = _GEXF_TYPE.get(types[name], "string") if name in types else "string"
        ET.SubElement(el, _q("attribute"), {"id": ids[name], "title": name, "type": gtype})
    return ids


def _value(parent: ET.Element, attr_id: str, text: str) -> None:
    ET.SubElement(parent, _q("attvalue"), {"for": attr_id, "value": xml_text(text)})


def read_gexf(data: bytes) -> Subgraph:
    """Nodes and relationships of a GEXF document (1.3, 1.2draft or 1.1draft), typed by the model."""
    check_xml_input(data)
    root = ET.fromstring(data)  # noqa: S314 - DTDs and entities are refused above
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""

    def q(tag: str) -> str:
        return f"{{{ns}}}{tag}" if ns else tag

    graph = root.find(q("graph"))
    if graph is None:
        raise ValueError("GEXF without a <graph> element")
    titles: dict[str, dict[str, tuple[str, PropType]]] = {"node": {}, "edge": {}}
    for attrs in graph.findall(q("attributes")):
        cls = attrs.get("class", "node")
        for a in attrs.findall(q("attribute")):
            ptype = _FROM_GEXF.get(a.get("type", "string"), PropType.STRING)
            titles.setdefault(cls, {})[a.get("id", "")] = (a.get("title") or a.get("id") or "", ptype)

    def values(el: ET.Element, cls: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        holder = el.find(q("attvalues"))
        for v in holder.findall(q("attvalue")) if holder is not None else ():
            key = v.get("for") or v.get("id") or ""
            name, ptype = titles[cls].get(key, (key, PropType.STRING))
            text = v.get("value", "")
            out[name] = text if ptype is PropType.STRING else decode_text(ptype, text)
        return out

    nodes = []
    node_el = graph.find(q("nodes"))
    for el in node_el.iter(q("node")) if node_el is not None else ():
        props = values(el, "node")
        label = str(props.pop(NODE_LABEL_ATTR, None) or props.pop("label", ""))
        nodes.append(make_node(label, el.get("id", ""), props))
    edges = []
    fallback = EdgeIds()
    edge_el = graph.find(q("edges"))
    for el in edge_el.iter(q("edge")) if edge_el is not None else ():
        props = values(el, "edge")
        rel = str(props.pop(TYPE_KEY, None) or el.get("kind") or el.get("label") or "")
        src, dst = el.get("source", ""), el.get("target", "")
        if "weight" not in props and el.get("weight"):
            props["weight"] = float(el.get("weight", "1"))
        eid = str(props.pop(ID_KEY, None) or el.get("id") or fallback.next(rel, src, dst))
        edges.append(make_edge(rel, eid, src, dst, props))
    return Subgraph(tuple(nodes), tuple(edges))
