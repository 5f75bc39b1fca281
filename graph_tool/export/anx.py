"""i2 Analyst's Notebook chart exchange XML (ANX), what police analysts open today.

The structure follows Analyst's Notebook 9's chart schema (as the ``anxwritter`` package
writes it; the example in ``shared/schemas/anx``): ``<Chart>`` with, in schema order,
``ApplicationVersion``, ``StrengthCollection``, ``AttributeClassCollection``,
``EntityTypeCollection``, ``LinkTypeCollection``, ``ChartItemCollection`` and
``PaletteCollection``.

- Each node is a ``ChartItem`` (``Label`` = its caption) holding ``End/Entity`` with
  ``EntityId`` (a number), ``Identity`` (our stable id) and ``Icon/IconStyle`` whose
  ``Type`` is our label (an ``EntityType`` of that name).
- Each relationship is a ``ChartItem`` (``Label`` = its type) holding a ``Link`` whose
  ``End1Id``/``End2Id`` are the ``EntityId`` of its ends, with ``LinkStyle`` ``Type`` = our
  relationship type, ``ArrowStyle="ArrowOnHead"`` (direction), and ``Strength`` from our
  confidence: Confirmed (0.8 and above), Unconfirmed (0.5 to 0.8), Tentative (below 0.5),
  Default when there is none.
- A node's ``date`` (a relationship's ``date`` or ``start_date``, with ``time`` for
  calls) sets ``DateSet``/``DateTime`` when it is a full date; ``SourceReference`` lists
  the sources.
- Every property is an ``Attribute`` of an ``AttributeClass`` named after it (``AttText``,
  ``AttNumber``, ``AttFlag``; lists as JSON text), and a link's stable id is its ``id``
  attribute, so that reading the chart back loses nothing.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from graph_tool.export.common import (
    ID_KEY,
    EdgeIds,
    caption,
    check_xml_input,
    edge_prop_types,
    encode_text,
    export_props,
    make_edge,
    make_node,
    node_prop_types,
    sorted_subgraph,
    xml_text,
)
from graph_tool.model import Label, PropType, Rel
from graph_tool.store.base import Subgraph

STRENGTHS: tuple[tuple[str, str], ...] = (
    ("Default", "DotStyleSolid"),
    ("Confirmed", "DotStyleSolid"),
    ("Unconfirmed", "DotStyleDashed"),
    ("Tentative", "DotStyleDotted"),
)
_ATT_TYPE = {PropType.INT: "AttNumber", PropType.FLOAT: "AttNumber", PropType.BOOL: "AttFlag"}
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
PALETTE = "graph-tool"
_LABEL_NAMES = frozenset(label.value for label in Label)
_REL_NAMES = frozenset(rel.value for rel in Rel)

# Entity types other charts use for our labels (only when the type is not a label of ours).
TYPE_ALIASES: dict[str, Label] = {
    "telephone": Label.PHONE,
    "mobile phone": Label.PHONE,
    "phone number": Label.PHONE,
    "organization": Label.ORGANISATION,
    "company": Label.ORGANISATION,
    "bank account": Label.ACCOUNT,
    "passport": Label.DOCUMENT,
    "identity document": Label.DOCUMENT,
    "location": Label.ADDRESS,
    "transaction": Label.PAYMENT,
}


def strength(confidence: Any) -> str:
    """The i2 link strength for a confidence between 0 and 1.

    >>> strength(0.9), strength(0.6), strength(0.1), strength(None)
    ('Confirmed', 'Unconfirmed', 'Tentative', 'Default')
    """
    if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) and math.isfinite(confidence):
        if confidence >= 0.8:
            return "Confirmed"
        return "Unconfirmed" if confidence >= 0.5 else "Tentative"
    return "Default"


def _date_time(props: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, bool] | None:
    for key in keys:
        value = props.get(key)
        if isinstance(value, str) and _FULL_DATE.match(value):
            time = props.get("time")
            if isinstance(time, str) and _TIME.match(time):
                return f"{value}T{time if len(time) == 8 else time + ':00'}", True
            return f"{value}T00:00:00", False
    return None


class _Ids:
    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"ID{self.count}"


def write_anx(sub: Subgraph) -> bytes:
    """The subgraph as an ANX chart (UTF-8 bytes)."""
    sub = sorted_subgraph(sub)
    ids = _Ids()
    root = ET.Element("Chart")
    ET.SubElement(root, "ApplicationVersion", {"Major": "9", "Minor": "0", "Point": "0", "Build": "0"})
    strengths = ET.SubElement(root, "StrengthCollection")
    for name, dots in STRENGTHS:
        ET.SubElement(strengths, "Strength", {"Id": ids.next(), "Name": name, "DotStyle": dots})

    types = {**node_prop_types(), **edge_prop_types()}
    names = sorted({k for n in sub.nodes for k in n.props} | {k for e in sub.edges for k in e.props} | {ID_KEY})
    classes: dict[str, str] = {}
    collection = ET.SubElement(root, "AttributeClassCollection")
    for name in names:
        classes[name] = ids.next()
        ET.SubElement(
            collection,
            "AttributeClass",
            {
                "Id": classes[name],
                "Name": name,
                "Type": _ATT_TYPE.get(types.get(name, PropType.STRING), "AttText"),
                "IsUser": "true",
                "UserCanAdd": "true",
                "UserCanRemove": "true",
                "ShowValue": "false",
            },
        )
    entity_types: dict[str, str] = {}
    collection = ET.SubElement(root, "EntityTypeCollection")
    for label in sorted({n.label for n in sub.nodes}):
        entity_types[label] = ids.next()
        ET.SubElement(
            collection,
            "EntityType",
            {"Id": entity_types[label], "Name": label, "PreferredRepresentation": "RepresentAsIcon"},
        )
    link_types: dict[str, str] = {}
    collection = ET.SubElement(root, "LinkTypeCollection")
    for rel in sorted({e.type for e in sub.edges}):
        link_types[rel] = ids.next()
        ET.SubElement(collection, "LinkType", {"Id": link_types[rel], "Name": rel})

    items = ET.SubElement(root, "ChartItemCollection")
    entity_ids: dict[str, str] = {}
    columns: dict[str, int] = {}
    label_order = {label: i for i, label in enumerate(sorted({n.label for n in sub.nodes}))}
    for number, n in enumerate(sub.nodes, 1):
        entity_ids[n.id] = str(number)
        row = columns.get(n.label, 0)
        columns[n.label] = row + 1
        x, y = str(label_order[n.label] * 240), str(row * 120)
        attrs = {"Id": ids.next(), "Label": xml_text(caption(n)), "XPosition": x}
        _item_extras(attrs, n.props, ("date",))
        item = ET.SubElement(items, "ChartItem", attrs)
        end = ET.SubElement(item, "End", {"X": x, "Y": y, "Z": "0"})
        entity = ET.SubElement(
            end, "Entity", {"EntityId": str(number), "Identity": xml_text(n.id), "LabelIsIdentity": "false"}
        )
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", {"Type": n.label, "EntityTypeReference": entity_types[n.label]})
        _attributes(item, export_props(n.props), classes, types)
    for e in sub.edges:
        if e.source not in entity_ids or e.target not in entity_ids:
            raise ValueError(f"relationship {e.id} has an end outside the subgraph")
        attrs = {"Id": ids.next(), "Label": e.type}
        _item_extras(attrs, e.props, ("date", "start_date"))
        item = ET.SubElement(items, "ChartItem", attrs)
        link = ET.SubElement(item, "Link", {"End1Id": entity_ids[e.source], "End2Id": entity_ids[e.target]})
        ET.SubElement(
            link,
            "LinkStyle",
            {
                "Strength": strength(e.props.get("confidence")),
                "Type": e.type,
                "LinkTypeReference": link_types[e.type],
                "ArrowStyle": "ArrowOnHead",
            },
        )
        _attributes(item, {ID_KEY: e.id, **export_props(e.props)}, classes, types)

    palettes = ET.SubElement(root, "PaletteCollection")
    palette = ET.SubElement(palettes, "Palette", {"Name": PALETTE})
    if classes:
        entries = ET.SubElement(palette, "AttributeClassEntryCollection")
        for name, ref in classes.items():
            ET.SubElement(entries, "AttributeClassEntry", {"AttributeClass": name, "AttributeClassReference": ref})
    if entity_types:
        entries = ET.SubElement(palette, "EntityTypeEntryCollection")
        for name, ref in entity_types.items():
            ET.SubElement(entries, "EntityTypeEntry", {"Entity": name, "EntityTypeReference": ref})
    if link_types:
        entries = ET.SubElement(palette, "LinkTypeEntryCollection")
        for name, ref in link_types.items():
            ET.SubElement(entries, "LinkTypeEntry", {"LinkType": name, "LinkTypeReference": ref})
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _item_extras(attrs: dict[str, str], props: Mapping[str, Any], date_keys: tuple[str, ...]) -> None:
    description = props.get("description") or props.get("reason")
    if isinstance(description, str) and description:
        attrs["Description"] = xml_text(description)
    when = _date_time(props, date_keys)
    if when is not None:
        attrs["DateSet"] = "true"
        if when[1]:
            attrs["TimeSet"] = "true"
        attrs["DateTime"] = when[0]
    sources = props.get("sources")
    if isinstance(sources, list) and sources:
        attrs["SourceReference"] = xml_text("; ".join(str(s) for s in sources))


def _attributes(item: ET.Element, props: Mapping[str, Any], classes: Mapping[str, str], types: Any) -> None:
    if not props:
        return
    collection = ET.SubElement(item, "AttributeCollection")
    for name, value in props.items():
        ET.SubElement(
            collection,
            "Attribute",
            {
                "AttributeClass": name,
                "AttributeClassReference": classes[name],
                "Value": xml_text(encode_text(types.get(name), value)),
            },
        )


def read_anx(data: bytes) -> Subgraph:
    """Entities and links of an ANX chart, typed by the model.

    Our own charts give back exactly what was exported. In another chart, an entity
    type that is not one of our labels is looked up in :data:`TYPE_ALIASES` (else the
    importer reports it), and a link type we do not know becomes ASSOCIATE_OF between
    two people.
    """
    check_xml_input(data)
    root = ET.fromstring(data)  # noqa: S314 - DTDs and entities are refused above
    if root.tag != "Chart":
        raise ValueError("not an ANX chart: the root element is not <Chart>")
    type_names = {t.get("Id", ""): t.get("Name", "") for t in root.iter("EntityType")}
    link_names = {t.get("Id", ""): t.get("Name", "") for t in root.iter("LinkType")}
    items = root.find("ChartItemCollection")
    identities: dict[str, str] = {}
    labels: dict[str, str] = {}
    nodes = []
    pending = []
    for item in items if items is not None else ():
        entity = item.find("End/Entity")
        if entity is not None:
            node_id = entity.get("Identity") or item.get("Label") or entity.get("EntityId") or ""
            identities[entity.get("EntityId", "")] = node_id
            style = next((el for el in entity.iter() if el.get("Type") or el.get("EntityTypeReference")), None)
            raw_type = ""
            if style is not None:
                raw_type = style.get("Type") or type_names.get(style.get("EntityTypeReference", ""), "")
            label = _label(raw_type)
            labels[node_id] = label
            nodes.append(make_node(label, node_id, _read_attributes(item)))
        elif item.find("Link") is not None:
            pending.append(item)
    edges = []
    fallback = EdgeIds()
    for item in pending:
        link = item.find("Link")
        assert link is not None
        style = link.find("LinkStyle")
        rel = ""
        if style is not None:
            rel = style.get("Type") or link_names.get(style.get("LinkTypeReference", ""), "")
        rel = rel or item.get("Label", "")
        source = identities.get(link.get("End1Id", ""), "")
        target = identities.get(link.get("End2Id", ""), "")
        props = _read_attributes(item)
        if rel not in _REL_NAMES and labels.get(source) == labels.get(target) == Label.PERSON:
            props.setdefault("relation", rel)
            rel = Rel.ASSOCIATE_OF
        eid = str(props.pop(ID_KEY, "") or fallback.next(rel, source, target))
        edges.append(make_edge(rel, eid, source, target, props))
    return Subgraph(tuple(nodes), tuple(edges))


def _label(raw_type: str) -> str:
    if raw_type in _LABEL_NAMES:
        return raw_type
    alias = TYPE_ALIASES.get(raw_type.strip().lower())
    if alias is not None:
        return str(alias)
    for label in Label:
        if label.value.lower() == raw_type.strip().lower():
            return str(label)
    return raw_type


def _read_attributes(item: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    collection = item.find("AttributeCollection")
    for attribute in collection.findall("Attribute") if collection is not None else ():
        name = attribute.get("AttributeClass") or ""
        if name:
            out[name] = attribute.get("Value", "")
    return out
