"""Formats that map their rows in code: FollowTheMoney entity streams and node/edge CSVs.

**FtM** (``format: ftm``): a JSON-lines stream of FollowTheMoney entities, read with the
``followthemoney`` model (``model.get_proxy``). Entity ids are kept as node ids.

=============================================  =============================================
FtM schema                                     graph
=============================================  =============================================
Person                                         Person (``phone`` values become Phone nodes
                                               and USES; ``addressEntity`` LIVES_AT; an
                                               ``address`` text an Address node)
Organization, Company, LegalEntity, ...        Organisation (phones USES, addresses LOCATED_AT)
Passport, Identification                       Document (``type`` gives visa, permit, ...);
                                               ``holder`` HOLDS
BankAccount                                    Account
Payment                                        Payment; ``payer`` SENT, ``beneficiary``
                                               PAID_TO, and the accounts likewise
Address                                        Address
Family                                         FAMILY_OF (MARRIED_TO for spouses)
Associate                                      ASSOCIATE_OF
Employment, Directorship                       EMPLOYED_BY (``position`` from the role)
Ownership                                      OWNS for an account, EMPLOYED_BY (position
                                               owner) for an organisation
=============================================  =============================================

Entities of other schemas are skipped (counted as skipped rows, with a warning). An entity
may refer to one that comes later in the stream: a first pass over the file learns every
entity's schema, and the engine holds such relationships back until the end of the file.

**nodes-edges** (``format: nodes-edges``): node files ``id,label,...`` and edge files
``source,target,type,...`` (told apart by their header). A missing ``label`` gives the
spec's ``default_label`` (Person), a missing ``type`` its ``default_type``
(ASSOCIATE_OF); columns that are properties of the label or type fill them, the others go
to the JSON ``attrs`` property. Edge ends refer to the nodes' ``id`` column, or to another
column named by ``node_ref``; ``auto`` looks at the files to choose between ``id`` and
``name`` (the covert-network files refer to names). ``id_prefix`` (which may use
``{stem}`` and ``{dir}``) keeps the ids of different datasets apart, and each relationship
is keyed by ``edge_key`` (the file stem by default) so that the relationships of several
files between one pair stay apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph_tool import normalise as nz
from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store.base import EdgeRecord, NodeRecord
from loaders.mapping import (
    Mapped,
    Ref,
    RowError,
    _country,
    _date,
    _float,
    _int,
    _name_key,
    _phone,
    canonical_term,
    check_sizes,
    file_stem,
    make_id,
    map_each,
    short,
    text,
)
from loaders.readers import FileError, Row, open_rows
from loaders.spec import Spec

# --- FollowTheMoney ------------------------------------------------------------------------

_DOC_TYPES = {
    "passport": "passport",
    "visa": "visa",
    "id": "national_id",
    "identity card": "national_id",
    "national id": "national_id",
    "national_id": "national_id",
    "residence permit": "residence_permit",
    "residence_permit": "residence_permit",
    "work permit": "work_permit",
    "work_permit": "work_permit",
    "marriage certificate": "marriage_certificate",
    "ticket": "ticket",
}
_SPOUSE = ("spouse", "wife", "husband", "married", "partner")


def ftm_label(schema: Any) -> Label | None:
    """The node label an FtM schema becomes, or None (an edge schema, or no counterpart)."""
    for label in (Label.PERSON, Label.ACCOUNT, Label.PAYMENT, Label.ADDRESS):
        ftm = NODE_TYPES[label].ftm  # the model names the FtM schema of each label
        if ftm and schema.is_a(ftm):
            return label
    if schema.is_a("Identification"):  # Passport's parent: visas, IDs, permits
        return Label.DOCUMENT
    if schema.is_a("LegalEntity"):  # Organization, Company, PublicBody, ...
        return Label.ORGANISATION
    return None


_EDGE_SCHEMAS = ("Family", "Associate", "Employment", "Directorship", "Ownership")


class FtmMapper:
    """Map FtM entities to nodes and relationships."""

    def __init__(self, spec: Spec) -> None:
        from followthemoney import model

        self.spec = spec
        self.model = model
        self.source = ""
        self.labels: dict[str, Label] = {}

    def plan(self, paths: list[Path]) -> list[Path]:
        return paths

    def check_columns(self, info: Any) -> list[str]:
        return []

    def start_file(self, source: str, path: Path) -> None:
        """First pass: the label of every entity id in the file."""
        self.source = source
        self.labels = {}
        _, rows = open_rows(path, self.spec.reader)
        for row in rows:
            if row.error:
                continue
            schema = self.model.get(str(row.values.get("schema", "")))
            if schema is None or not row.values.get("id"):
                continue
            label = ftm_label(schema)
            if label is not None:
                self.labels[str(row.values["id"])] = label

    def map_batch(self, rows: Sequence[Row]) -> list[Mapped | RowError | None]:
        return map_each(self.map, rows)

    def map(self, row: Row) -> Mapped | None:
        check_sizes(_flat_strings(row.values), self.spec.max_field_chars)
        try:
            proxy = self.model.get_proxy(row.values)
        except Exception as exc:  # followthemoney raises InvalidData and others
            raise RowError("schema", f"not a FollowTheMoney entity ({type(exc).__name__})") from None
        if not proxy.id:
            raise RowError("id", "an entity needs an id")
        out = Mapped()
        label = ftm_label(proxy.schema)
        ref = row.ref
        if label is not None:
            props = self._node_props(label, proxy, out)
            out.nodes.append(NodeRecord(label, str(proxy.id), props, self.source, ref))
            self._node_edges(label, proxy, out, ref)
            return out
        name = next((s for s in _EDGE_SCHEMAS if proxy.schema.is_a(s)), None)
        if name is None:
            return None
        self._edge_entity(name, proxy, out, ref)
        return out

    # -- helpers -------------------------------------------------------------------------
    def _ref(self, entity_id: str, field: str, allowed: tuple[Label, ...]) -> Label:
        label = self.labels.get(entity_id)
        if label is None:
            raise RowError(field, f"refers to {short(entity_id)}, which is no entity of this file")
        if label not in allowed:
            raise RowError(field, f"refers to a {label}, expected {' or '.join(allowed)}")
        return label

    def _node_props(self, label: Label, proxy: Any, out: Mapped) -> dict[str, Any]:
        def first(name: str) -> Any:
            return proxy.first(name, quiet=True)

        attrs: dict[str, Any] = {"ftm_schema": proxy.schema.name}
        props: dict[str, Any] = {}
        if label in (Label.PERSON, Label.ORGANISATION):
            names = [nz.normalise_name(n) for n in proxy.get("name", quiet=True)]
            if names:
                props["name"] = names[0]
                props["name_key"] = _name_key(names[0])
            if label is Label.PERSON:
                aliases = names[1:] + [
                    nz.normalise_name(n) for n in proxy.get("alias", quiet=True) + proxy.get("weakAlias", quiet=True)
                ]
                if aliases:
                    props["aliases"] = list(dict.fromkeys(aliases))
                if first("birthDate"):
                    props["birth_date"] = first("birthDate")
                gender = (first("gender") or "").casefold()
                if gender:
                    props["sex"] = gender if gender in ("female", "male") else "other"
                nationality = first("nationality") or first("citizenship")
                if nationality:
                    props["nationality"] = nationality.upper()
            else:
                country = first("jurisdiction") or first("country")
                if country:
                    props["country"] = country.upper()
                if first("registrationNumber"):
                    props["registration_number"] = first("registrationNumber")
                props["org_type"] = "other"
        elif label is Label.DOCUMENT:
            kind = "passport" if proxy.schema.is_a("Passport") else (first("type") or "")
            props["doc_type"] = _DOC_TYPES.get(kind.casefold().strip(), "other")
            number = first("number") or first("passportNumber")
            if number:
                props["number"] = number
                props["number_norm"] = nz.normalise_document_number(number)
            for ftm_name, ours in (("country", "issuing_country"),):
                if first(ftm_name):
                    props[ours] = first(ftm_name).upper()
            for ftm_name, ours in (("startDate", "issue_date"), ("endDate", "expiry_date")):
                if first(ftm_name):
                    props[ours] = first(ftm_name)
            if proxy.schema.is_a("Passport"):
                name = " ".join(x for x in (first("givenName"), first("surname")) if x)
                if name:
                    props["name_on_document"] = name
                if first("birthDate"):
                    props["birth_date_on_document"] = first("birthDate")
            if first("authority"):
                attrs["authority"] = first("authority")
        elif label is Label.ACCOUNT:
            props["account_type"] = "bank"
            number = first("iban") or first("accountNumber")
            if number:
                props["number"] = nz.normalise_document_number(number)
            for ftm_name, ours in (("bankName", "institution"), ("currency", "currency")):
                if first(ftm_name):
                    props[ours] = first(ftm_name)
            if first("country"):
                props["country"] = first("country").upper()
        elif label is Label.PAYMENT:
            if first("amount"):
                try:
                    props["amount"] = _float(first("amount"))
                except ValueError as exc:
                    raise RowError("amount", str(exc)) from None
            for ftm_name, ours in (("currency", "currency"), ("date", "date"), ("transactionNumber", "reference")):
                if first(ftm_name):
                    props[ours] = first(ftm_name).upper() if ours == "currency" else first(ftm_name)
            purpose = first("purpose")
            if purpose:
                term = canonical_term(purpose)
                props["purpose"] = term if term in NODE_TYPES[Label.PAYMENT].prop("purpose").choices else "other"
                attrs["purpose_text"] = purpose
        elif label is Label.ADDRESS:
            for ftm_name, ours in (
                ("full", "full"),
                ("street", "street"),
                ("city", "city"),
                ("region", "region"),
                ("postalCode", "postal_code"),
            ):
                if first(ftm_name):
                    props[ours] = first(ftm_name)
            if first("country"):
                props["country"] = first("country").upper()
            for ftm_name, ours in (("latitude", "lat"), ("longitude", "lon")):
                if first(ftm_name):
                    props[ours] = _float(first(ftm_name))
        notes = proxy.get("notes", quiet=True) + proxy.get("description", quiet=True) + proxy.get("summary", quiet=True)
        if notes:
            props["notes"] = "\n".join(notes)
        for extra in ("email", "idNumber", "taxNumber", "birthPlace", "website"):
            if proxy.get(extra, quiet=True):
                attrs[extra] = proxy.get(extra, quiet=True)
        props["attrs"] = json.dumps(attrs, ensure_ascii=False, sort_keys=True)
        return props

    def _node_edges(self, label: Label, proxy: Any, out: Mapped, ref: str) -> None:
        src = self.source
        me = str(proxy.id)
        if label in (Label.PERSON, Label.ORGANISATION):
            region = (
                proxy.first("country", quiet=True) or proxy.first("nationality", quiet=True) or ""
            ).upper() or None
            for raw in proxy.get("phone", quiet=True):
                result = _phone(raw, region)
                phone_id = make_id(Label.PHONE, [result.key])
                out.nodes.append(
                    NodeRecord(
                        Label.PHONE,
                        phone_id,
                        {
                            "number": result.e164 or result.raw,
                            "raw": result.raw,
                            "valid": result.valid,
                            "country": result.region,
                            "kind": result.kind,
                        },
                        src,
                        ref,
                    )
                )
                out.edges.append(EdgeRecord(Rel.USES, label, me, Label.PHONE, phone_id, {}, src, ref))
            rel = Rel.LIVES_AT if label is Label.PERSON else Rel.LOCATED_AT
            for addr_id in proxy.get("addressEntity", quiet=True):
                self._ref(addr_id, "addressEntity", (Label.ADDRESS,))
                out.refs.append(Ref(Label.ADDRESS, addr_id, "addressEntity", deferrable=True))
                out.edges.append(EdgeRecord(rel, label, me, Label.ADDRESS, addr_id, {}, src, ref))
            for full in proxy.get("address", quiet=True):
                addr = make_id(Label.ADDRESS, [" ".join(full.casefold().split())])
                out.nodes.append(NodeRecord(Label.ADDRESS, addr, {"full": full}, src, ref))
                out.edges.append(EdgeRecord(rel, label, me, Label.ADDRESS, addr, {}, src, ref))
        elif label is Label.DOCUMENT:
            for holder in proxy.get("holder", quiet=True):
                hl = self._ref(holder, "holder", (Label.PERSON,))
                out.refs.append(Ref(hl, holder, "holder", deferrable=True))
                out.edges.append(EdgeRecord(Rel.HOLDS, hl, holder, Label.DOCUMENT, me, {}, src, ref))
        elif label is Label.PAYMENT:
            for prop, rel, allowed in (
                ("payer", Rel.SENT, (Label.PERSON, Label.ORGANISATION)),
                ("payerAccount", Rel.SENT, (Label.ACCOUNT,)),
                ("beneficiary", Rel.PAID_TO, (Label.PERSON, Label.ORGANISATION)),
                ("beneficiaryAccount", Rel.PAID_TO, (Label.ACCOUNT,)),
            ):
                for other in proxy.get(prop, quiet=True):
                    ol = self._ref(other, prop, allowed)
                    out.refs.append(Ref(ol, other, prop, deferrable=True))
                    if rel is Rel.SENT:
                        out.edges.append(EdgeRecord(rel, ol, other, Label.PAYMENT, me, {}, src, ref))
                    else:
                        out.edges.append(EdgeRecord(rel, Label.PAYMENT, me, ol, other, {}, src, ref))

    def _edge_entity(self, name: str, proxy: Any, out: Mapped, ref: str) -> None:
        def first(name: str) -> Any:
            return proxy.first(name, quiet=True)

        ends = {
            "Family": ("person", "relative"),
            "Associate": ("person", "associate"),
            "Employment": ("employee", "employer"),
            "Directorship": ("director", "organization"),
            "Ownership": ("owner", "asset"),
        }[name]
        a_id, b_id = first(ends[0]), first(ends[1])
        if not a_id or not b_id:
            raise RowError(ends[0] if not a_id else ends[1], "the relationship needs both ends")
        a = self._ref(a_id, ends[0], tuple(Label))
        b = self._ref(b_id, ends[1], tuple(Label))
        props: dict[str, Any] = {}
        relationship = first("relationship") or first("role") or ""
        if name == "Family":
            rel = Rel.MARRIED_TO if any(w in relationship.casefold() for w in _SPOUSE) else Rel.FAMILY_OF
            if rel is Rel.FAMILY_OF and relationship:
                props["relation"] = relationship
        elif name == "Associate":
            rel = Rel.ASSOCIATE_OF
            if relationship:
                props["relation"] = relationship
        elif name == "Ownership" and b is Label.ACCOUNT:
            rel = Rel.OWNS
        else:
            rel = Rel.EMPLOYED_BY
            props["position"] = relationship or {"Directorship": "director", "Ownership": "owner"}.get(name, "")
            if not props["position"]:
                del props["position"]
        if (a, b) not in REL_TYPES[rel].pairs:
            raise RowError(ends[1], f"{name} of a {a} and a {b}: the model has no relationship for it ({rel})")
        for ftm_name, ours in (("startDate", "start_date"), ("endDate", "end_date")):
            if first(ftm_name):
                props[ours] = first(ftm_name)
        props["attrs"] = json.dumps({"ftm_schema": name}, sort_keys=True)
        out.refs.append(Ref(a, a_id, ends[0], deferrable=True))
        out.refs.append(Ref(b, b_id, ends[1], deferrable=True))
        out.edges.append(EdgeRecord(rel, a, a_id, b, b_id, props, self.source, ref, key=str(proxy.id)))


def _flat_strings(values: dict[str, Any]) -> Row:
    """A stand-in row of an entity's property values, for the size check."""
    props = values.get("properties") or {}
    flat: dict[str, Any] = {}
    if isinstance(props, dict):
        for k, v in props.items():
            flat[k] = [str(x) for x in v] if isinstance(v, list) else str(v)
    return Row("", 0, flat)


# --- node and edge CSVs --------------------------------------------------------------------


def _is_edge_file(columns: list[str]) -> bool:
    lower = {c.casefold() for c in columns}
    return {"source", "target"} <= lower


class NodesEdgesMapper:
    """Map generic node and edge CSVs (see the module docstring)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.opts = spec.reader
        self.source = ""
        self.kind = ""  # "nodes" or "edges" for the current file
        self.prefix = ""
        self.key = ""
        self.stem = ""
        self.ref_mode: dict[str, str] = {}  # prefix -> column the edges refer to
        self.index: dict[tuple[str, str], tuple[Label, str]] = {}  # (prefix, ref value) -> node

    def _prefix(self, path: Path) -> str:
        return self.opts.id_prefix.format(stem=file_stem(path.name), dir=path.resolve().parent.name)

    def plan(self, paths: list[Path]) -> list[Path]:
        """Node files first; decide what the edge ends refer to."""
        kinds = {}
        for p in paths:
            try:
                info, rows = open_rows(p, self.opts)
                next(rows, None)
                kinds[p] = "edges" if _is_edge_file(info.columns) else "nodes"
            except FileError:
                kinds[p] = "nodes"
        nodes = [p for p in paths if kinds[p] == "nodes"]
        edges = [p for p in paths if kinds[p] == "edges"]
        for prefix in {self._prefix(p) for p in nodes}:
            mode = self.opts.node_ref
            if mode == "auto":
                mode = self._auto(
                    [p for p in nodes if self._prefix(p) == prefix], [p for p in edges if self._prefix(p) == prefix]
                )
            self.ref_mode[prefix] = mode
        return nodes + edges

    def _auto(self, nodes: list[Path], edges: list[Path]) -> str:
        ids: set[str] = set()
        names: set[str] = set()
        for p in nodes:
            _, rows = open_rows(p, self.opts)
            for row in rows:
                ids.add(text(row.values.get("id")) or "")
                names.add(text(row.values.get("name")) or "")
        if not names - {""}:
            return "id"
        hits_id = hits_name = 0
        for p in edges:
            _, rows = open_rows(p, self.opts)
            for row in rows:
                for end in (row.values.get("source"), row.values.get("target")):
                    value = text(end) or ""
                    hits_id += value in ids
                    hits_name += value in names
        return "name" if hits_name > hits_id else "id"

    def check_columns(self, info: Any) -> list[str]:
        cols = {c.casefold() for c in info.columns}
        if self.kind == "edges":
            return []
        mode = self.ref_mode.get(self.prefix, "id")
        if mode.casefold() not in cols:
            raise FileError(f"{info.name}: a node file needs an {mode!r} column")
        return []

    def start_file(self, source: str, path: Path) -> None:
        self.source = source
        info, rows = open_rows(path, self.opts)
        next(rows, None)
        self.kind = "edges" if _is_edge_file(info.columns) else "nodes"
        self.prefix = self._prefix(path)
        self.stem = file_stem(path.name)
        self.key = self.opts.edge_key.format(stem=self.stem, dir=path.resolve().parent.name)

    def map_batch(self, rows: Sequence[Row]) -> list[Mapped | RowError | None]:
        return map_each(self.map, rows)

    def map(self, row: Row) -> Mapped | None:
        check_sizes(row, self.spec.max_field_chars)
        values = {k: v for k, v in row.values.items() if not k.startswith("_")}
        if self.kind == "nodes":
            return self._node(row, values)
        return self._edge(row, values)

    def _node(self, row: Row, values: dict[str, Any]) -> Mapped:
        mode = self.ref_mode.get(self.prefix, "id")
        ref_value = text(values.get(mode))
        if ref_value is None:
            raise RowError(mode, "empty, and an id is needed")
        label = self._label(values.get("label"), "label", self.opts.default_label, Label)
        node_id = self.prefix + ref_value
        props, attrs = _split_props(values, {p.name: p for p in NODE_TYPES[label].all_properties}, {mode, "label"})
        if mode != "id" and text(values.get("id")):
            attrs["id"] = text(values.get("id"))
        if "name" in props and "name_key" in {p.name for p in NODE_TYPES[label].all_properties}:
            props["name_key"] = _name_key(str(props["name"]))
        if attrs:
            props["attrs"] = json.dumps(attrs, ensure_ascii=False, sort_keys=True)
        self.index[(self.prefix, ref_value)] = (label, node_id)
        return Mapped(nodes=[NodeRecord(label, node_id, props, self.source, row.ref)])

    def _edge(self, row: Row, values: dict[str, Any]) -> Mapped:
        out = Mapped()
        rtype = self._label(values.get("type"), "type", self.opts.default_type, Rel)
        ends = []
        for column in ("source", "target"):
            value = text(values.get(column))
            if value is None:
                raise RowError(column, "empty: a relationship needs both ends")
            found = self.index.get((self.prefix, value))
            if found is None:
                label, node_id = self.opts.default_label, self.prefix + value
                if self.opts.create_missing_nodes:
                    out.nodes.append(NodeRecord(label, node_id, {}, self.source, row.ref))
                else:
                    out.refs.append(Ref(label, node_id, column))
            else:
                label, node_id = found
            ends.append((label, node_id))
        (a, a_id), (b, b_id) = ends
        if (a, b) not in REL_TYPES[rtype].pairs:
            raise RowError("type", f"{rtype} cannot join {a} -> {b}")
        declared = {p.name: p for p in REL_TYPES[rtype].all_properties}
        props, attrs = _split_props(values, declared, {"source", "target", "type"})
        if "relation" in declared and "relation" not in props:
            props["relation"] = self.stem
        if attrs:
            props["attrs"] = json.dumps(attrs, ensure_ascii=False, sort_keys=True)
        out.edges.append(EdgeRecord(rtype, a, a_id, b, b_id, props, self.source, row.ref, key=self.key))
        return out

    @staticmethod
    def _label(value: Any, column: str, default: Any, enum: Any) -> Any:
        t = text(value)
        if t is None:
            return default
        try:
            return enum(t)
        except ValueError:
            known = ", ".join(x.value for x in enum)
            raise RowError(column, f"{short(t)} is not in the model ({known})") from None


_MANAGED = {"id", "sources", "source_refs", "loaded_at", "updated_at", "attrs"}


def _split_props(
    values: dict[str, Any], declared: dict[str, Any], skip: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Declared properties (typed, vocabulary-checked) and the rest for ``attrs``."""
    props: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    for column, raw in values.items():
        if column in skip:
            continue
        value = text(raw)
        if value is None:
            continue
        decl = declared.get(column)
        if decl is None or column in _MANAGED:
            attrs[column] = value
            continue
        props[column] = _typed(column, value, decl)
    return props, attrs


def _typed(column: str, value: str, decl: Any) -> Any:
    try:
        if decl.type is PropType.INT:
            return _int(value)
        if decl.type is PropType.FLOAT:
            return _float(value)
        if decl.type is PropType.BOOL:
            return value.casefold() in ("1", "true", "yes", "y", "t")
        if decl.type is PropType.DATE:
            return _date(value, None, True)
        if decl.type is PropType.STRING_LIST:
            items = [s.strip() for s in value.split(";") if s.strip()]
            return [_term(column, i, decl) for i in items]
        if column in ("country", "nationality", "issuing_country"):
            return _country(value)
    except ValueError as exc:
        raise RowError(column, str(exc)) from None
    return _term(column, value, decl)


def _term(column: str, value: str, decl: Any) -> str:
    if not decl.choices:
        return value
    term = canonical_term(value)
    if term not in decl.choices:
        raise RowError(column, f"{short(value)} is not a known {column} ({', '.join(decl.choices)})")
    return term
