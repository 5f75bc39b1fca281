"""FollowTheMoney (FtM) entities as JSON lines: what Aleph, OpenSanctions and partners speak.

Each line is one FtM entity (``{"id", "schema", "properties"}``), built and cleaned by the
``followthemoney`` package itself. Our stable ids are the FtM ids (an id FtM would refuse
as a reference, e.g. a relationship id with ``:``, becomes a slug plus a short hash).

Nodes: Person, Organisation (Organization), Document (Passport when ``doc_type`` is
``passport``, else Identification with ``type``), Account (BankAccount), Payment, Address,
Event. FtM has no Phone entity: a phone becomes the ``phone`` property of the people and
organisations that use it, and, so that the line keeps its own id, a Note with
``phoneMentioned``. Nodes FtM has no schema for (Source, Finding, MatchCandidate) are Notes.

Relationships: HOLDS is the document's ``holder``; SENT / PAID_TO the Payment's ``payer`` /
``beneficiary`` (``payerAccount`` / ``beneficiaryAccount`` for accounts); LIVES_AT and
LOCATED_AT ``addressEntity``; PARTICIPATED_IN the Event's ``involved``; USES the ``phone``
property; EVIDENCE and CANDIDATE_FOR the Note's ``entity``. Others become entities of
their own with the relationship's id: MARRIED_TO and FAMILY_OF a Family, ASSOCIATE_OF an
Associate, EMPLOYED_BY an Employment, OWNS an Ownership, CALLED a Call (numbers, date,
duration), and RECRUITED, TRANSPORTED, INTRODUCED, SPONSORED, ISSUED, USED_IN an
UnknownLink whose ``role`` names the relationship type.

FtM cannot say everything we hold (roles, control indicators, document status, analysis
scores). So each line also carries, under the top-level key ``graph_tool`` (FtM keeps
unknown top-level keys as entity context and tools ignore them), the nodes and
relationships it stands for, exactly. Re-importing our own file uses that and loses
nothing; a partner's FtM without it is mapped back property by property (lossy where FtM
is).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from graph_tool.export.common import EdgeIds, caption, export_props, make_edge, make_node, sorted_subgraph
from graph_tool.model import DOCUMENT_TYPES, NODE_TYPES, REL_TYPES, Label, PropType, Rel, relationship_types_between
from graph_tool.store.base import Edge, Node, Subgraph

CONTEXT_KEY = "graph_tool"
_FTM_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
PASSPORT = "passport"

# Our property -> FtM property, per label (values are cleaned by FtM).
NODE_PROPS: dict[Label, dict[str, str]] = {
    Label.PERSON: {
        "name": "name",
        "aliases": "alias",
        "birth_date": "birthDate",
        "sex": "gender",
        "nationality": "nationality",
        "notes": "notes",
    },
    Label.ORGANISATION: {
        "name": "name",
        "country": "country",
        "registration_number": "registrationNumber",
        "org_type": "classification",
        "notes": "notes",
    },
    Label.DOCUMENT: {
        "number": "number",
        "doc_type": "type",
        "issuing_country": "country",
        "issue_date": "startDate",
        "expiry_date": "endDate",
        "name_on_document": "namesMentioned",
    },
    Label.ACCOUNT: {
        "number": "accountNumber",
        "institution": "bankName",
        "country": "country",
        "currency": "currency",
        "account_type": "accountType",
        "notes": "notes",
    },
    Label.PAYMENT: {
        "amount": "amount",
        "currency": "currency",
        "date": "date",
        "purpose": "purpose",
        "reference": "transactionNumber",
        "channel": "description",
    },
    Label.ADDRESS: {
        "full": "full",
        "street": "street",
        "city": "city",
        "region": "region",
        "postal_code": "postalCode",
        "country": "country",
        "lat": "latitude",
        "lon": "longitude",
        "notes": "notes",
    },
    Label.EVENT: {
        "date": "date",
        "end_date": "endDate",
        "country": "country",
        "place": "location",
        "description": "summary",
        "notes": "notes",
    },
}
# Properties FtM keeps as keyword lists, prefixed so that they can be read back.
KEYWORD_PROPS: dict[Label, tuple[str, ...]] = {
    Label.PERSON: ("roles", "indicators"),
    Label.EVENT: ("event_type", "stage"),
    Label.DOCUMENT: ("status",),
}
PASSPORT_EXTRA = {"birth_date_on_document": "birthDate"}

NOTE = "Note"
CALL = "Call"
PASSPORT_SCHEMA = str(NODE_TYPES[Label.DOCUMENT].ftm)
IDENTIFICATION = "Identification"
UNKNOWN_LINK = "UnknownLink"
FAMILY = "Family"

# Relationships that become an FtM entity of their own: schema, start prop, end prop.
EDGE_ENTITIES: dict[Rel, tuple[str, str, str]] = {
    Rel.OWNS: ("Ownership", "owner", "asset"),
    Rel.EMPLOYED_BY: ("Employment", "employee", "employer"),
    Rel.MARRIED_TO: (FAMILY, "person", "relative"),
    Rel.FAMILY_OF: (FAMILY, "person", "relative"),
    Rel.ASSOCIATE_OF: ("Associate", "person", "associate"),
    Rel.RECRUITED: (UNKNOWN_LINK, "subject", "object"),
    Rel.TRANSPORTED: (UNKNOWN_LINK, "subject", "object"),
    Rel.INTRODUCED: (UNKNOWN_LINK, "subject", "object"),
    Rel.SPONSORED: (UNKNOWN_LINK, "subject", "object"),
    Rel.ISSUED: (UNKNOWN_LINK, "subject", "object"),
    Rel.USED_IN: (UNKNOWN_LINK, "subject", "object"),
}
SPOUSE = "spouse"
SPOUSE_WORDS = frozenset({"spouse", "husband", "wife", "married", "marriage", "partner"})


def ftm_id(our_id: str) -> str:
    """Our id as an FtM entity id (kept when FtM accepts it).

    >>> ftm_id("P-0001"), ftm_id("USES:1a2b")[:7]
    ('P-0001', 'USES-1a')
    """
    if _FTM_ID.match(our_id):
        return our_id
    slug = re.sub(r"[^0-9a-zA-Z.\-]+", "-", our_id).strip("-.")
    digest = hashlib.sha1(our_id.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else f"gt-{digest}"


def _node_context(n: Node) -> dict[str, Any]:
    return {"label": n.label, "id": n.id, "props": export_props(n.props)}


def _edge_context(e: Edge) -> dict[str, Any]:
    return {"type": e.type, "id": e.id, "source": e.source, "target": e.target, "props": export_props(e.props)}


class _Builder:
    def __init__(self, sub: Subgraph) -> None:
        self.sub = sorted_subgraph(sub)
        self.nodes = {n.id: n for n in self.sub.nodes}
        self.proxies: dict[str, EntityProxy] = {}
        self.context: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def proxy(self, schema: str, our_id: str) -> EntityProxy:
        entity = ftm_model.make_entity(schema)
        entity.id = ftm_id(our_id)
        self.proxies[our_id] = entity
        return entity

    def remember(self, owner: str, kind: str, item: dict[str, Any]) -> None:
        self.context.setdefault(owner, {}).setdefault(kind, []).append(item)

    def add(self, entity: EntityProxy, prop: str, value: Any) -> None:
        values = value if isinstance(value, (list, tuple)) else [value]
        entity.add(prop, [v for v in values if v not in (None, "")], quiet=True, fuzzy=False)

    # -- nodes ----------------------------------------------------------------------------
    def node(self, n: Node) -> None:
        label = Label(n.label)
        schema = NODE_TYPES[label].ftm
        if label is Label.DOCUMENT:
            schema = PASSPORT_SCHEMA if n.props.get("doc_type") == PASSPORT else IDENTIFICATION
        if schema is None:
            self.note(n)
            return
        entity = self.proxy(schema, n.id)
        for ours, theirs in NODE_PROPS.get(label, {}).items():
            if n.props.get(ours) not in (None, ""):
                self.add(entity, theirs, n.props[ours])
        if schema == PASSPORT_SCHEMA:
            for ours, theirs in PASSPORT_EXTRA.items():
                self.add(entity, theirs, n.props.get(ours))
        keywords = []
        for prop in KEYWORD_PROPS.get(label, ()):
            value = n.props.get(prop)
            for v in value if isinstance(value, list) else [value] if value else []:
                keywords.append(f"{prop}:{v}")
        if keywords:
            self.add(entity, "keywords" if entity.schema.get("keywords") else "summary", keywords)
        if label is Label.EVENT:
            self.add(entity, "name", str(n.props.get("description") or n.props.get("event_type") or n.id))
        if entity.schema.get("name") and not entity.has("name"):
            self.add(entity, "name", caption(n))
        if schema in (PASSPORT_SCHEMA, IDENTIFICATION) and not entity.has("number"):
            self.add(entity, "number", n.id)
        self.remember(n.id, "nodes", _node_context(n))

    def note(self, n: Node) -> None:
        entity = self.proxy(NOTE, n.id)
        self.add(entity, "name", caption(n))
        self.add(entity, "description", f"{n.label}: {caption(n)}")
        if n.label == Label.PHONE and n.props.get("number"):
            self.add(entity, "phoneMentioned", n.props["number"])
        self.remember(n.id, "nodes", _node_context(n))

    # -- relationships --------------------------------------------------------------------
    def edge(self, e: Edge) -> None:
        rel = Rel(e.type)
        src, dst = self.proxies.get(e.source), self.proxies.get(e.target)
        if src is None or dst is None:
            return
        owner = self.property_edge(rel, e, src, dst)
        if owner is not None:
            self.remember(owner, "edges", _edge_context(e))
            return
        if rel is Rel.CALLED:
            self.call(e)
            return
        schema, start, end = EDGE_ENTITIES[rel]
        entity = self.proxy(schema, e.id)
        self.add(entity, start, src.id)
        self.add(entity, end, dst.id)
        if schema == UNKNOWN_LINK:
            self.add(entity, "role", rel.value.lower())
        elif rel is Rel.MARRIED_TO:
            self.add(entity, "relationship", SPOUSE)
        elif e.props.get("relation"):
            self.add(entity, "relationship", e.props["relation"])
        if rel is Rel.EMPLOYED_BY:
            self.add(entity, "role", e.props.get("position"))
        self._dates(entity, e)
        self.remember(e.id, "edges", _edge_context(e))

    def _dates(self, entity: EntityProxy, e: Edge) -> None:
        self.add(entity, "date", e.props.get("date"))
        self.add(entity, "startDate", e.props.get("start_date"))
        self.add(entity, "endDate", e.props.get("end_date"))

    def property_edge(self, rel: Rel, e: Edge, src: EntityProxy, dst: EntityProxy) -> str | None:
        """Set the property that stands for ``e``; return whose context keeps it."""
        source_label = self.nodes[e.source].label
        if rel is Rel.HOLDS:
            self.add(dst, "holder", src.id)
            return e.target
        if rel is Rel.USES:
            number = self.nodes[e.target].props.get("number")
            if src.schema.get("phone") and number:
                self.add(src, "phone", number)
            self.add(dst, "entity", src.id)
            return e.target
        if rel in (Rel.LIVES_AT, Rel.LOCATED_AT):
            self.add(src, "addressEntity", dst.id)
            return e.source
        if rel is Rel.SENT:
            if source_label == Label.ACCOUNT:  # FtM wants a payer: the account's owners, when known
                self.add(dst, "payerAccount", src.id)
                self.add(dst, "payer", self.owners(e.source))
            else:
                self.add(dst, "payer", src.id)
            return e.target
        if rel is Rel.PAID_TO:
            if self.nodes[e.target].label == Label.ACCOUNT:
                self.add(src, "beneficiaryAccount", dst.id)
                self.add(src, "beneficiary", self.owners(e.target))
            else:
                self.add(src, "beneficiary", dst.id)
            return e.source
        if rel is Rel.PARTICIPATED_IN:
            self.add(dst, "involved", src.id)
            return e.target
        if rel in (Rel.EVIDENCE, Rel.CANDIDATE_FOR):
            self.add(src, "entity", dst.id)
            return e.source
        return None

    def owners(self, account: str) -> list[str]:
        """FtM ids of who OWNS the account in the subgraph."""
        found = [x.source for x in self.sub.edges if x.type == Rel.OWNS and x.target == account]
        return [str(self.proxies[o].id) for o in found if o in self.proxies]

    def call(self, e: Edge) -> None:
        entity = self.proxy(CALL, e.id)
        ends = ((e.source, "callerNumber", "caller"), (e.target, "receiverNumber", "receiver"))
        for end, number_prop, party_prop in ends:
            self.add(entity, number_prop, self.nodes[end].props.get("number"))
            users = [x.source for x in self.sub.edges if x.type == Rel.USES and x.target == end]
            if len(users) == 1 and users[0] in self.proxies:
                self.add(entity, party_prop, self.proxies[users[0]].id)
        self._dates(entity, e)
        self.add(entity, "duration", e.props.get("duration_s"))
        self.remember(e.id, "edges", _edge_context(e))

    def entities(self) -> list[dict[str, Any]]:
        out = []
        for our_id, entity in self.proxies.items():
            data = entity.to_dict()
            data[CONTEXT_KEY] = self.context.get(our_id, {})
            out.append(data)
        return out


def ftm_entities(sub: Subgraph) -> list[dict[str, Any]]:
    """The subgraph as FtM entity dictionaries (each with its ``graph_tool`` context)."""
    builder = _Builder(sub)
    for n in builder.sub.nodes:
        builder.node(n)
    for e in builder.sub.edges:
        builder.edge(e)
    return builder.entities()


def write_ftm(sub: Subgraph) -> bytes:
    """The subgraph as FtM JSON lines (UTF-8 bytes)."""
    lines = [json.dumps(d, ensure_ascii=False, sort_keys=True) for d in ftm_entities(sub)]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


# -- reading ------------------------------------------------------------------------------


def read_ftm(data: bytes, use_context: bool = True) -> Subgraph:
    """Nodes and relationships of an FtM JSON-lines file.

    Entities written by :func:`write_ftm` give back exactly what was exported (from their
    ``graph_tool`` context, unless ``use_context`` is false); any other entity is mapped
    from its FtM schema and properties.
    """
    entities = []
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        if not isinstance(raw, dict) or "schema" not in raw:
            raise ValueError(f"line {number}: not an FtM entity")
        context = raw.get(CONTEXT_KEY) if use_context else None
        try:
            entities.append((ftm_model.get_proxy(raw, cleaned=False), context))
        except InvalidData as exc:
            raise ValueError(f"line {number}: {exc}") from None
    nodes: dict[str, Node] = {}
    edges: dict[str, Edge] = {}
    foreign = []
    for entity, context in entities:
        if isinstance(context, dict) and (context.get("nodes") or context.get("edges")):
            for item in context.get("nodes") or []:
                node = make_node(str(item["label"]), str(item["id"]), item.get("props") or {})
                nodes[node.id] = node
            for item in context.get("edges") or []:
                ends = str(item["source"]), str(item["target"])
                edge = make_edge(str(item["type"]), str(item["id"]), *ends, item.get("props") or {})
                edges[edge.id] = edge
        else:
            foreign.append(entity)
    if foreign:
        mapped = _Mapper(foreign, nodes)
        for node in mapped.nodes:
            nodes.setdefault(node.id, node)
        for edge in mapped.edges:
            edges.setdefault(edge.id, edge)
    return Subgraph(tuple(nodes.values()), tuple(edges.values()))


_FROM_SCHEMA: dict[str, Label] = {
    **{str(t.ftm): t.label for t in NODE_TYPES.values() if t.ftm},
    "Company": Label.ORGANISATION,
    "PublicBody": Label.ORGANISATION,
    "LegalEntity": Label.ORGANISATION,
    IDENTIFICATION: Label.DOCUMENT,
}
PAYMENT_SCHEMA = str(NODE_TYPES[Label.PAYMENT].ftm)


class _Mapper:
    """FtM entities without our context, mapped to our model (what FtM can say)."""

    def __init__(self, entities: Iterable[EntityProxy], known: Mapping[str, Node]) -> None:
        self.entities = list(entities)
        self.labels: dict[str, str] = {k: v.label for k, v in known.items()}
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.ids = EdgeIds()
        self.phones: dict[str, str] = {}  # number -> phone node id
        self.owned: set[tuple[str, str]] = set()  # (owner, asset) from Ownership entities
        for entity in self.entities:
            if entity.schema.name == EDGE_ENTITIES[Rel.OWNS][0]:
                self.owned.update((o, a) for o in entity.get("owner") for a in entity.get("asset"))
        for entity in self.entities:  # Notes that stand for phones give them their ids
            if entity.schema.name == NOTE and entity.first("phoneMentioned") and entity.id:
                self.phones.setdefault(str(entity.first("phoneMentioned")), entity.id)
        for entity in self.entities:
            self.node(entity)
        for entity in self.entities:
            self.links(entity)

    def node(self, entity: EntityProxy) -> None:
        if not entity.id:
            return
        if entity.schema.name == NOTE:
            number = entity.first("phoneMentioned")
            if number:
                self.phone(str(number), entity.id)
            return
        label = _FROM_SCHEMA.get(entity.schema.name)
        if label is None:
            label = next((_FROM_SCHEMA[s.name] for s in entity.schema.schemata if s.name in _FROM_SCHEMA), None)
        if label is None or (entity.schema.edge and label is not Label.PAYMENT):
            return
        props: dict[str, Any] = {}
        for ours, theirs in NODE_PROPS.get(label, {}).items():
            values = entity.get(theirs, quiet=True)
            if values:
                props[ours] = values if ours == "aliases" else values[0]
        if label is Label.DOCUMENT:
            props["doc_type"] = PASSPORT if entity.schema.name == PASSPORT_SCHEMA else _doc_type(entity.first("type"))
            if entity.schema.name == PASSPORT_SCHEMA and entity.first("birthDate", quiet=True):
                props["birth_date_on_document"] = entity.first("birthDate", quiet=True)
        if label is Label.EVENT and entity.first("name"):
            props.setdefault("description", entity.first("name"))
        for key in ("nationality", "country", "issuing_country"):
            if isinstance(props.get(key), str):
                props[key] = props[key].upper()
        for word in entity.get("keywords", quiet=True) + entity.get("summary", quiet=True):
            prop, _, value = str(word).partition(":")
            if prop in KEYWORD_PROPS.get(label, ()) and value:
                if NODE_TYPES[label].prop(prop).type is PropType.STRING_LIST:
                    props.setdefault(prop, []).append(value)
                else:
                    props[prop] = value
        self.add_node(label, entity.id, props)

    def not_owners(self, parties: list[str], accounts: list[str]) -> list[str]:
        return [p for p in parties if not any((p, a) in self.owned for a in accounts)]

    def add_node(self, label: Label, node_id: str, props: Mapping[str, Any]) -> None:
        self.labels[node_id] = label
        self.nodes.append(make_node(label, node_id, props))

    def phone(self, number: str, node_id: str | None = None) -> str:
        if number not in self.phones or node_id:
            self.phones[number] = node_id or self.phones.get(number) or "phone-" + re.sub(r"\D", "", number)
        phone_id = self.phones[number]
        if phone_id not in self.labels:
            self.add_node(Label.PHONE, phone_id, {"number": number})
        return phone_id

    def link(self, rel: Rel, source: str | None, target: str | None, props: Mapping[str, Any], eid: str = "") -> None:
        if not source or not target or source not in self.labels or target not in self.labels:
            return
        pair = (Label(self.labels[source]), Label(self.labels[target]))
        if pair not in REL_TYPES[rel].pairs:
            return
        edge_id = eid or self.ids.next(rel, source, target)
        self.edges.append(make_edge(rel, edge_id, source, target, props))

    def links(self, entity: EntityProxy) -> None:
        name = entity.schema.name
        dates = {"date": entity.first("date", quiet=True), "start_date": entity.first("startDate", quiet=True)}
        dates["end_date"] = entity.first("endDate", quiet=True)
        dates = {k: v for k, v in dates.items() if v}
        if entity.id in self.labels:
            label = self.labels[entity.id]
            for holder in entity.get("holder", quiet=True):
                self.link(Rel.HOLDS, holder, entity.id, {})
            for number in entity.get("phone", quiet=True):
                self.link(Rel.USES, entity.id, self.phone(str(number)), {})
            for address in entity.get("addressEntity", quiet=True):
                self.link(Rel.LIVES_AT if label == Label.PERSON else Rel.LOCATED_AT, entity.id, address, {})
            for party in entity.get("involved", quiet=True):
                self.link(Rel.PARTICIPATED_IN, party, entity.id, {})
            if name == PAYMENT_SCHEMA:  # a party that owns the payment's account is implied by it
                payer_accounts = entity.get("payerAccount", quiet=True)
                for payer in [*payer_accounts, *self.not_owners(entity.get("payer", quiet=True), payer_accounts)]:
                    self.link(Rel.SENT, payer, entity.id, {})
                payee_accounts = entity.get("beneficiaryAccount", quiet=True)
                for payee in [*payee_accounts, *self.not_owners(entity.get("beneficiary", quiet=True), payee_accounts)]:
                    self.link(Rel.PAID_TO, entity.id, payee, {})
            return
        if name == CALL:
            caller = entity.first("callerNumber", quiet=True)
            receiver = entity.first("receiverNumber", quiet=True)
            if caller and receiver:
                props = {**dates, "duration_s": entity.first("duration", quiet=True)}
                self.link(Rel.CALLED, self.phone(str(caller)), self.phone(str(receiver)), props, entity.id or "")
            return
        if name == FAMILY:
            relation = str(entity.first("relationship") or "")
            rel = Rel.MARRIED_TO if relation.lower() in SPOUSE_WORDS else Rel.FAMILY_OF
            props = dates if rel is Rel.MARRIED_TO else {**dates, "relation": relation or None}
            self.link(rel, entity.first("person"), entity.first("relative"), props, entity.id or "")
            return
        for rel, (schema, start, end) in EDGE_ENTITIES.items():
            if schema != name or schema == FAMILY:
                continue
            if schema == UNKNOWN_LINK:
                role = str(entity.first("role") or "").upper()
                if role != rel.value:
                    continue
            props = dict(dates)
            if rel is Rel.ASSOCIATE_OF:
                props["relation"] = entity.first("relationship")
            if rel is Rel.EMPLOYED_BY:
                props["position"] = entity.first("role")
            self.link(rel, entity.first(start), entity.first(end), props, entity.id or "")
            return
        if name == UNKNOWN_LINK:  # a role we do not know: keep the tie when the model allows one
            subject, obj = entity.first("subject"), entity.first("object")
            if subject in self.labels and obj in self.labels:
                allowed = relationship_types_between(Label(self.labels[subject]), Label(self.labels[obj]))
                if Rel.ASSOCIATE_OF in allowed:
                    props = {**dates, "relation": entity.first("role")}
                    self.link(Rel.ASSOCIATE_OF, subject, obj, props, entity.id or "")


def _doc_type(value: Any) -> str:
    text = str(value or "").strip().lower().replace(" ", "_")
    return text if text in DOCUMENT_TYPES else "other"
