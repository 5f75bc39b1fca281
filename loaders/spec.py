"""Mapping specs: one YAML file per source layout, checked against the model when loaded.

A spec says how to read a file (``reader``), which rows to keep (``where``), which nodes
each row makes (``nodes``: a label, how the stable id is made, properties from columns)
and which relationships join the nodes of one row (``relationships``). In the spirit of
i2 import specifications and FollowTheMoney mappings, the spec is data: every label,
relationship type, label pair and property it names is checked against
:mod:`graph_tool.model` when the spec is loaded, and a mistake is reported with the spec
file and the key path::

    loaders/specs/people.yaml: nodes[0].properties.birth_date: unknown property 'birth_date' for Phone

Closed vocabularies (roles, document types, ...) are checked row by row by the engine.

>>> spec = load_spec("phones")
>>> [n.alias for n in spec.nodes], spec.relationships[0].type.value
(['person', 'phone'], 'USES')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store.base import MANAGED

FORMATS = ("csv", "xlsx", "json", "jsonl", "ftm", "htcds", "nodes-edges", "adjacency")
"""Reader formats. ``ftm`` and ``nodes-edges`` map rows in code (the spec gives options)."""

CODED_FORMATS = ("ftm", "nodes-edges")
"""Formats whose rows map themselves: their specs declare no nodes or relationships."""

NORMALISERS = ("phone", "name", "date", "country", "document_number", "mrz", "float", "int", "bool", "text")

VIRTUAL_COLUMNS = ("_file", "_stem", "_dir", "_row")
"""Columns every row has besides its own: file name, file stem, parent folder, row number."""

DEFAULT_MAX_FIELD = 10_000


class SpecError(ValueError):
    """A spec that cannot be used; ``problems`` holds ``(key path, message)`` pairs."""

    def __init__(self, where: str, problems: Sequence[tuple[str, str]]) -> None:
        self.where = where
        self.problems = list(problems)
        lines = [f"{where}: {path}: {msg}" if path else f"{where}: {msg}" for path, msg in self.problems]
        super().__init__("\n".join(lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _as_str(value: Any) -> str:
    """YAML reads ``yes``/``no``/``1`` as bool/int: map keys and values are compared as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Where(_Strict):
    """A row condition: one of ``equals``, ``in``, ``not_empty``, ``matches``; ``negate`` inverts it."""

    column: str
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_empty: bool | None = None
    matches: str | None = None
    negate: bool = False

    @field_validator("equals", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return None if v is None else _as_str(v)

    @field_validator("in_", mode="before")
    @classmethod
    def _texts(cls, v: Any) -> Any:
        return None if v is None else [_as_str(x) for x in v]

    @model_validator(mode="after")
    def _one_test(self) -> Where:
        tests = [t for t in (self.equals, self.in_, self.not_empty, self.matches) if t is not None]
        if len(tests) != 1:
            raise ValueError("give exactly one of equals, in, not_empty, matches")
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as exc:
                raise ValueError(f"matches: not a regular expression ({exc})") from None
        return self

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        return re.compile(self.matches) if self.matches is not None else None

    def test(self, value: Any) -> bool:
        """Whether a cell value passes."""
        text = "" if value is None else (value if isinstance(value, str) else _as_str(value)).strip()
        if self.equals is not None:
            ok = text == self.equals
        elif self.in_ is not None:
            ok = text in self.in_
        elif self.not_empty is not None:
            ok = bool(text) == self.not_empty
        else:
            assert self._regex is not None
            ok = self._regex.search(text) is not None
        return ok != self.negate


class PropMap(_Strict):
    """Where one property's value comes from and how it is cleaned.

    Exactly one source: ``column``, ``concat`` (columns joined by ``separator``),
    ``value`` (a fixed value), ``flags`` (a list of vocabulary terms, one per column whose
    cell is true) or ``columns`` (a JSON object of these columns, for ``attrs``). A plain
    string in YAML is short for ``{column: ...}``.
    """

    column: str | None = None
    concat: list[str] | None = None
    separator: str = " "
    value: Any = None
    flags: dict[str, str] | None = None
    columns: list[str] | None = None
    split: str | None = None
    map: dict[str, str | None] | None = None
    default: Any = None
    normalise: Literal[NORMALISERS] | None = None  # type: ignore[valid-type]
    date_format: list[str] | None = None
    dayfirst: bool = True
    default_region: str | None = None
    default_region_column: str | None = None
    required: bool = False
    invalid: Literal["reject", "keep", "drop"] = "reject"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"column": data}
        if isinstance(data, dict) and isinstance(data.get("date_format"), str):
            return {**data, "date_format": [data["date_format"]]}
        return data

    @field_validator("map", mode="before")
    @classmethod
    def _map_keys(cls, v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, dict):
            raise ValueError("map must be a mapping of source value to value")
        return {_as_str(k).strip().casefold(): (None if x is None else _as_str(x)) for k, x in v.items()}

    @field_validator("flags", mode="before")
    @classmethod
    def _flag_values(cls, v: Any) -> Any:
        if v is None:
            return None
        return {str(k): _as_str(x) for k, x in v.items()}

    @model_validator(mode="after")
    def _one_source(self) -> PropMap:
        sources = [s for s in ("column", "concat", "flags", "columns") if getattr(self, s) is not None] + (
            ["value"] if self.value is not None else []
        )
        if len(sources) != 1:
            raise ValueError("give exactly one of column, concat, value, flags, columns")
        return self

    def source_columns(self) -> list[str]:
        """The columns this property reads."""
        cols = [self.column] if self.column else []
        cols += list(self.concat or []) + list(self.flags or {}) + list(self.columns or [])
        if self.default_region_column:
            cols.append(self.default_region_column)
        return cols


class LabelRule(_Strict):
    """Choose a node's label per row: by the prefix of a column's value, or by its value."""

    column: str | None = None  # default: the node's id column
    prefixes: dict[str, Label] = {}
    values: dict[str, Label] = {}
    default: Label | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys(cls, v: Any) -> Any:
        return {_as_str(k).strip().casefold(): x for k, x in (v or {}).items()}

    def labels(self) -> list[Label]:
        """Every label the rule can give."""
        out = [*self.prefixes.values(), *self.values.values()] + ([self.default] if self.default else [])
        return list(dict.fromkeys(out))


class NodeMap(_Strict):
    """One node made from each row.

    The id is ``id_prefix`` plus the ``id_column`` cell as it is, or, with ``key``, a hash
    of the label and the normalised values of the key properties (or columns); every key
    part must have a value unless ``partial_key`` is set. ``ref`` nodes are only referred
    to: they must exist already (from this load or an earlier one) and are not written.
    ``optional`` nodes (and their relationships) are skipped when their id or key is
    empty, or a ``required`` property has no value; ``when`` conditions skip them too.
    """

    alias: str = ""
    label: Label | None = None
    label_from: LabelRule | None = None
    id_column: str | None = None
    id_prefix: str = ""
    key: list[str] | None = None
    partial_key: bool = False
    properties: dict[str, PropMap] = {}
    optional: bool = False
    ref: bool = False
    when: list[Where] = []

    @model_validator(mode="after")
    def _checks(self) -> NodeMap:
        if (self.id_column is None) == (self.key is None):
            raise ValueError("give exactly one of id_column, key")
        if self.key is not None and not self.key:
            raise ValueError("key: give at least one property or column")
        if (self.label is None) == (self.label_from is None):
            raise ValueError("give exactly one of label, label_from")
        if self.ref and self.properties:
            raise ValueError("a ref node is not written: it takes no properties")
        if self.ref and self.id_column is None:
            raise ValueError("a ref node needs id_column")
        return self

    def derived_properties(self) -> set[str]:
        """Properties a normaliser fills besides its own (``name_key`` from ``name``, ...)."""
        out: set[str] = set()
        name = self.properties.get("name")
        if name is not None and name.normalise == "name":
            out.add("name_key")
        number = self.properties.get("number")
        if number is not None and number.normalise == "phone":
            out.update(("raw", "valid", "country", "kind"))
        return out

    def possible_labels(self) -> list[Label]:
        if self.label is not None:
            return [self.label]
        assert self.label_from is not None
        return self.label_from.labels()


class RelTypeRule(_Strict):
    """Choose a relationship type per row from a column, through a value map."""

    column: str
    map: dict[str, Rel | None]
    default: Rel | None = None

    @field_validator("map", mode="before")
    @classmethod
    def _keys(cls, v: Any) -> Any:
        return {_as_str(k).strip().casefold(): x for k, x in (v or {}).items()}


class RelMap(_Strict):
    """One relationship between two nodes of the same row, keyed by ``key`` columns."""

    type: Rel | None = None
    type_from: RelTypeRule | None = None
    from_: str = Field(alias="from")
    to: str
    key: list[str] = []
    properties: dict[str, PropMap] = {}
    when: list[Where] = []

    @model_validator(mode="after")
    def _checks(self) -> RelMap:
        if (self.type is None) == (self.type_from is None):
            raise ValueError("give exactly one of type, type_from")
        return self

    def possible_types(self) -> list[Rel]:
        if self.type is not None:
            return [self.type]
        assert self.type_from is not None
        out = [t for t in self.type_from.map.values() if t is not None]
        if self.type_from.default:
            out.append(self.type_from.default)
        return list(dict.fromkeys(out))


class ReaderOptions(_Strict):
    """How to read the files: format and format options."""

    format: Literal[FORMATS] = "csv"  # type: ignore[valid-type]
    delimiter: str | None = None  # sniffed when absent
    encoding: str = "auto"  # auto: UTF-8 (with or without BOM), else cp1252/Latin-1
    sheet: str | int | None = None  # xlsx: sheet name or 0-based index (default: the first)
    json_path: str | None = None  # json: dotted path to the list of records
    null_values: list[str] = []  # cells that mean "no value", e.g. "-99", "NA"
    ragged: Literal["reject", "pad"] = "reject"  # rows with too few cells
    columns: list[str] | None = None  # csv without a header row: the names of its columns
    # nodes-edges and adjacency
    id_prefix: str = ""  # placed before every node id; may use {stem} and {dir}
    node_ref: str = "auto"  # nodes-edges: node column the edge ends refer to (auto: id or name)
    default_label: Label = Label.PERSON
    default_type: Rel = Rel.ASSOCIATE_OF
    edge_key: str = "{stem}"  # nodes-edges: key of each relationship, so files stay apart
    create_missing_nodes: bool = False  # nodes-edges: edge ends not in a node file become nodes

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError("delimiter must be one character (use '\\t' for tab)")
        return v

    @field_validator("null_values", mode="before")
    @classmethod
    def _null_text(cls, v: Any) -> Any:
        return [_as_str(x) for x in (v or [])]


class Spec(_Strict):
    """A mapping spec."""

    name: str
    description: str = ""
    kind: str = "file"  # Source.kind of what it loads
    reader: ReaderOptions = ReaderOptions()
    where: list[Where] = []
    nodes: list[NodeMap] = []
    relationships: list[RelMap] = []
    max_field_chars: int = DEFAULT_MAX_FIELD
    confidence: float | None = None
    partner: str | None = None
    path: str = ""  # where it was read from (set by the loader, not in YAML)
    text: str = ""  # the YAML text (set by the loader)

    def node(self, alias: str) -> NodeMap:
        for n in self.nodes:
            if n.alias == alias:
                return n
        raise KeyError(alias)

    def used_columns(self) -> Iterator[tuple[str, str, bool]]:
        """``(column, key path, required)`` for every column the spec reads."""
        for i, w in enumerate(self.where):
            yield w.column, f"where[{i}].column", True
        for i, n in enumerate(self.nodes):
            base = f"nodes[{i}]"
            if n.id_column:
                yield n.id_column, f"{base}.id_column", not n.optional
            if n.label_from and n.label_from.column:
                yield n.label_from.column, f"{base}.label_from.column", not n.optional
            for name, pm in n.properties.items():
                key_part = bool(n.key and name in n.key)
                for col in pm.source_columns():
                    yield col, f"{base}.properties.{name}", (pm.required or key_part) and not n.optional
            derived = n.derived_properties()
            for j, k in enumerate(n.key or []):
                if k not in n.properties and k not in derived:
                    yield k, f"{base}.key[{j}]", not n.optional
            for j, w in enumerate(n.when):
                yield w.column, f"{base}.when[{j}].column", False
        for i, r in enumerate(self.relationships):
            base = f"relationships[{i}]"
            if r.type_from:
                yield r.type_from.column, f"{base}.type_from.column", True
            for j, k in enumerate(r.key):
                yield k, f"{base}.key[{j}]", True
            for name, pm in r.properties.items():
                for col in pm.source_columns():
                    yield col, f"{base}.properties.{name}", pm.required
            for j, w in enumerate(r.when):
                yield w.column, f"{base}.when[{j}].column", False


# --- loading and model checks ---------------------------------------------------------------


def specs_dir() -> Path:
    """The folder of the built-in specs."""
    return Path(str(resources.files("loaders") / "specs"))


def builtin_specs() -> dict[str, Path]:
    """Built-in spec names and their files."""
    return {p.stem: p for p in sorted(specs_dir().glob("*.yaml"))}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        try:
            return str(path.resolve().relative_to(specs_dir().resolve().parents[1]))
        except ValueError:
            return str(path)


def spec_path(name_or_path: str | Path) -> Path:
    """The file of a built-in spec name, or the given path."""
    text = str(name_or_path)
    builtins = builtin_specs()
    if text in builtins:
        return builtins[text]
    path = Path(text).expanduser()
    if path.is_file():
        return path
    known = ", ".join(builtins)
    raise SpecError(text, [("", f"no such spec file, and not a built-in spec (built-in: {known})")])


def load_spec(name_or_path: str | Path) -> Spec:
    """Read and check a spec by built-in name or path; :class:`SpecError` on any mistake."""
    path = spec_path(name_or_path)
    where = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(where, [("", f"cannot read: {exc}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError(where, [("", f"not valid YAML: {exc}")]) from None
    return parse_spec(data, where, text)


def parse_spec(data: Any, where: str = "<spec>", text: str = "") -> Spec:
    """Check a spec given as plain data (as read from YAML)."""
    if not isinstance(data, dict):
        raise SpecError(where, [("", "a spec is a mapping with name, reader, nodes, relationships")])
    data = dict(data)
    for i, node in enumerate(data.get("nodes") or []):
        if isinstance(node, dict) and not node.get("alias"):
            label = node.get("label") or f"node{i}"
            data["nodes"][i] = {**node, "alias": str(label).lower()}
    try:
        spec = Spec.model_validate({**data, "path": where, "text": text})
    except ValidationError as exc:
        raise SpecError(where, [(_loc(e["loc"]), _msg(e)) for e in exc.errors()]) from None
    problems = list(check_against_model(spec))
    if problems:
        raise SpecError(where, problems)
    return spec


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = str(part)
        elif str(part).startswith(("function-", "literal[", "str", "dict[")):
            continue  # pydantic's union branch names say nothing to a spec author
        else:
            out += f".{part}"
    return out


def _msg(err: Any) -> str:
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        return "unknown key"
    if err.get("type") == "enum":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"unknown value {err.get('input')!r} (expected {allowed})"
    return msg.removeprefix("Value error, ")


def _prop_type(label: Label, name: str) -> PropType | None:
    try:
        return NODE_TYPES[label].prop(name).type
    except KeyError:
        return None


def check_against_model(spec: Spec) -> Iterator[tuple[str, str]]:
    """Every label, type, label pair and property named by ``spec``, against the model."""
    coded = spec.reader.format in CODED_FORMATS
    if coded and (spec.nodes or spec.relationships):
        yield "nodes", f"format {spec.reader.format} maps rows itself: give no nodes or relationships"
    if not coded and not spec.nodes:
        yield "nodes", "a spec needs at least one node mapping"
    aliases: dict[str, NodeMap] = {}
    for i, node in enumerate(spec.nodes):
        base = f"nodes[{i}]"
        if node.alias in aliases:
            yield f"{base}.alias", f"duplicate alias {node.alias!r}"
        aliases[node.alias] = node
        labels = node.possible_labels()
        if not labels:
            yield f"{base}.label_from", "the rule gives no label"
        for name, pm in node.properties.items():
            path = f"{base}.properties.{name}"
            if name in MANAGED:
                yield path, f"{name!r} is set by the loader and the store, not by a spec"
                continue
            for label in labels:
                if _prop_type(label, name) is None:
                    yield path, f"unknown property {name!r} for {label}"
            yield from _check_prop_map(pm, path)
        for j, k in enumerate(node.key or []):
            if k in MANAGED:
                yield f"{base}.key[{j}]", f"{k!r} cannot be part of a key"
    for i, rel in enumerate(spec.relationships):
        base = f"relationships[{i}]"
        ends = []
        for end, alias in (("from", rel.from_), ("to", rel.to)):
            if alias not in aliases:
                yield f"{base}.{end}", f"no node with alias {alias!r} (aliases: {', '.join(aliases) or 'none'})"
            ends.append(aliases.get(alias))
        types = rel.possible_types()
        if not types:
            yield f"{base}.type_from", "the value map gives no relationship type"
        src, dst = ends
        for rtype in types:
            rt = REL_TYPES[rtype]
            if src is not None and dst is not None:
                pairs = [(a, b) for a in src.possible_labels() for b in dst.possible_labels()]
                if not any(p in rt.pairs for p in pairs):
                    allowed = ", ".join(f"{a}->{b}" for a, b in rt.pairs)
                    got = ", ".join(f"{a}->{b}" for a, b in pairs)
                    yield f"{base}.type", f"{rtype} cannot join {got} (the model allows {allowed})"
        for name, pm in rel.properties.items():
            path = f"{base}.properties.{name}"
            if name in MANAGED:
                yield path, f"{name!r} is set by the loader and the store, not by a spec"
            elif types and not any(name in {p.name for p in REL_TYPES[t].all_properties} for t in types):
                yield path, f"unknown property {name!r} for {' or '.join(types)}"
            yield from _check_prop_map(pm, path)


def _check_prop_map(pm: PropMap, path: str) -> Iterator[tuple[str, str]]:
    if pm.default_region and not re.fullmatch(r"[A-Za-z]{2}", pm.default_region):
        yield f"{path}.default_region", "expected an ISO 3166-1 alpha-2 code"
    if (pm.default_region or pm.default_region_column) and pm.normalise != "phone":
        yield f"{path}.default_region", "only used with normalise: phone"
    if pm.date_format and pm.normalise not in (None, "date"):
        yield f"{path}.date_format", "only used with normalise: date"
