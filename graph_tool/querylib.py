"""The saved-query library: one query per file, a typed YAML header, then Cypher.

A file ``queries/<category>/<id>.cypher`` looks like this::

    // title: People who share a phone with a given person
    // description: Everyone who uses a phone that the person uses.
    // category: communications
    // returns: graph
    // params:
    //   person_id: {type: string, example: P-0001}
    //   limit: {type: integer, default: 100, min: 1, max: 1000}
    MATCH (a:Person {id: $person_id})-[:USES]->(ph:Phone)<-[:USES]-(b:Person)
    WHERE a <> b
    RETURN a, ph, b LIMIT $limit
    // embedded:
    ...an optional second body for the embedded store, where its Cypher differs...

The header is validated strictly (unknown keys are errors), the declared parameters must
equal the ``$parameters`` the Cypher uses, every label and relationship type must exist in
the model, and a query is read-only unless its header says ``read_only: false``. User input
only ever becomes a ``$parameter``, bound and checked against its declared type.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graph_tool.model import ENTITY_LABEL, Label, Rel

QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"
EMBEDDED_MARKER = re.compile(r"^//\s*embedded:\s*$", re.M)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

ParamType = Literal["string", "integer", "float", "boolean", "date", "string_list"]


class QueryError(ValueError):
    """A saved query or its parameters are invalid; the message names file and key."""


class ParamSpec(BaseModel):
    """One typed parameter of a saved query."""

    model_config = ConfigDict(extra="forbid")

    type: ParamType
    description: str = ""
    default: Any = None
    example: Any = None
    choices: list[Any] | None = None
    min: float | None = None
    max: float | None = None
    required: bool | None = None

    @property
    def is_required(self) -> bool:
        """Required unless it has a default (or says otherwise)."""
        return self.required if self.required is not None else self.default is None


class Header(BaseModel):
    """The YAML header of a saved query."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3)
    description: str = Field(min_length=3)
    category: str
    returns: Literal["graph", "table"]
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    read_only: bool = True
    tags: list[str] = Field(default_factory=list)
    author: str = ""
    version: int = 1

    @model_validator(mode="after")
    def _check_names(self) -> Header:
        for name in self.params:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(f"parameter name {name!r} is not a Cypher identifier")
        return self


@dataclass(frozen=True)
class SavedQuery:
    """A parsed, validated saved query."""

    id: str
    header: Header
    cypher: str
    embedded_cypher: str | None
    path: Path | None = None

    @property
    def title(self) -> str:
        return self.header.title

    @property
    def category(self) -> str:
        return self.header.category

    def cypher_for(self, store_kind: str) -> str:
        """The body to run on a store of this kind (``embedded`` or ``neo4j``)."""
        if store_kind == "embedded" and self.embedded_cypher:
            return self.embedded_cypher
        return self.cypher

    def text(self) -> str:
        """The file's text, as it would be written."""
        return render(self.header, self.cypher, self.embedded_cypher)


# -- parsing ------------------------------------------------------------------------------


def parse(text: str, query_id: str, path: Path | None = None) -> SavedQuery:
    """Parse and validate one saved query.

    >>> q = parse('''// title: Everyone
    ... // description: All people, capped.
    ... // category: people
    ... // returns: table
    ... // params:
    ... //   limit: {type: integer, default: 10, min: 1}
    ... MATCH (p:Person) RETURN p.id AS id LIMIT $limit
    ... ''', "everyone")
    >>> q.header.params["limit"].default, q.header.read_only
    (10, True)
    """
    where = str(path) if path else query_id
    if not ID_PATTERN.match(query_id):
        raise QueryError(f"{where}: id {query_id!r} must be lower-case letters, digits, - or _")
    lines = text.splitlines()
    header_lines: list[str] = []
    body_start = 0
    for i, line in enumerate(lines):
        if line.startswith("//"):
            if EMBEDDED_MARKER.match(line):
                body_start = i
                break
            header_lines.append(line[2:].removeprefix(" "))
            body_start = i + 1
        elif line.strip() == "" and not header_lines:
            body_start = i + 1
        else:
            break
    try:
        raw = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{where}: header is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise QueryError(f"{where}: header must be YAML key: value lines")
    try:
        header = Header.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise QueryError(f"{where}: header: {problems}") from None
    rest = "\n".join(lines[body_start:])
    parts = EMBEDDED_MARKER.split(rest, maxsplit=1)
    cypher = parts[0].strip()
    embedded = parts[1].strip() if len(parts) > 1 else None
    if not cypher:
        raise QueryError(f"{where}: no Cypher after the header")
    query = SavedQuery(query_id, header, cypher, embedded or None, path)
    validate(query)
    return query


def render(header: Header, cypher: str, embedded: str | None = None) -> str:
    """Write a saved query's text from its parts."""
    data = header.model_dump(exclude_defaults=True)
    data.setdefault("returns", header.returns)
    data["params"] = {
        k: v.model_dump(exclude_none=True, exclude_defaults=True) | {"type": v.type} for k, v in header.params.items()
    }
    if not data["params"]:
        del data["params"]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    out = "".join(f"// {line}\n" for line in text.splitlines()) + cypher.strip() + "\n"
    if embedded:
        out += "// embedded:\n" + embedded.strip() + "\n"
    return out


# -- validation ---------------------------------------------------------------------------

_STRINGS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_NODE_LABELS = re.compile(r"\(\s*[A-Za-z_0-9]*\s*((?::\s*[A-Za-z_][A-Za-z0-9_]*\s*)+)")
_REL_TYPES = re.compile(r"\[\s*[A-Za-z_0-9]*\s*:\s*([A-Za-z_][A-Za-z0-9_|:\s]*)")
_WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|LOAD\s+CSV|COPY|FOREACH)\b", re.I)


def _code(cypher: str) -> str:
    """Cypher without comments and string literals (so words in them are not read)."""
    return _COMMENTS.sub(" ", _STRINGS.sub("''", cypher))


def used_parameters(cypher: str) -> set[str]:
    """``$parameters`` a Cypher text uses.

    >>> sorted(used_parameters("MATCH (p {id: $id}) WHERE p.x = '$no' RETURN p LIMIT $limit"))
    ['id', 'limit']
    """
    return set(_PARAM.findall(_code(cypher)))


def used_labels(cypher: str) -> set[str]:
    """Node labels a Cypher text names.

    >>> sorted(used_labels("MATCH (a:Person)-[:USES]->(:Phone) RETURN a"))
    ['Person', 'Phone']
    """
    code = _code(cypher)
    out: set[str] = set()
    for group in _NODE_LABELS.findall(code):
        out.update(x.strip() for x in group.split(":") if x.strip())
    out.update(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\s*:\s*([A-Z][A-Za-z0-9_]*)\b(?=\s*(?:\)|AND|OR|$))", code))
    return out


def used_relationship_types(cypher: str) -> set[str]:
    """Relationship types a Cypher text names.

    >>> sorted(used_relationship_types("MATCH (a)-[r:SENT|PAID_TO*1..2]->(b) RETURN a"))
    ['PAID_TO', 'SENT']
    """
    out: set[str] = set()
    for group in _REL_TYPES.findall(_code(cypher)):
        spec = re.split(r"[*{\]]", group)[0]
        out.update(x.strip().lstrip(":") for x in spec.split("|") if x.strip())
    return out


def validate(query: SavedQuery) -> None:
    """Check parameters, labels and relationship types against the header and the model."""
    where = str(query.path) if query.path else query.id
    declared = set(query.header.params)
    known_labels = {lab.value for lab in Label}
    known_types = {r.value for r in Rel}
    for name, body in (("cypher", query.cypher), ("embedded", query.embedded_cypher)):
        if body is None:
            continue
        used = used_parameters(body)
        if used != declared:
            missing = sorted(used - declared)
            unused = sorted(declared - used)
            raise QueryError(
                f"{where}: {name}: parameters used but not declared {missing}, declared but not used {unused}"
            )
        labels = used_labels(body) - known_labels - {ENTITY_LABEL}
        if labels:
            raise QueryError(f"{where}: {name}: labels not in the model: {sorted(labels)}")
        types = used_relationship_types(body) - known_types
        if types:
            raise QueryError(f"{where}: {name}: relationship types not in the model: {sorted(types)}")
        if query.header.read_only and _WRITES.search(_code(body)):
            raise QueryError(f"{where}: {name}: writes, but the header does not say read_only: false")
    for pname, spec in query.header.params.items():
        for value in (spec.default, spec.example):
            if value is not None:
                try:
                    coerce_param(pname, spec, value)
                except QueryError as exc:
                    raise QueryError(f"{where}: params.{pname}: {exc}") from None


# -- parameters ---------------------------------------------------------------------------


def coerce_param(name: str, spec: ParamSpec, value: Any) -> Any:
    """Coerce one value (often text from a form or ``-p``) to its declared type.

    >>> coerce_param("limit", ParamSpec(type="integer", min=1, max=10), "5")
    5
    >>> coerce_param("limit", ParamSpec(type="integer", min=1, max=10), "50")
    Traceback (most recent call last):
    ...
    graph_tool.querylib.QueryError: limit: 50 is above the maximum 10
    """
    try:
        if spec.type == "integer":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            out: Any = int(value)
        elif spec.type == "float":
            out = float(value)
        elif spec.type == "boolean":
            if isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError
                out = value.lower() in ("true", "1", "yes")
            else:
                out = bool(value)
        elif spec.type == "date":
            out = date.fromisoformat(str(value)).isoformat()
        elif spec.type == "string_list":
            if isinstance(value, str):
                out = [v.strip() for v in value.split(",") if v.strip()]
            else:
                out = [str(v) for v in value]
        else:
            out = str(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name}: {value!r} is not a valid {spec.type}") from None
    if spec.choices is not None:
        items = out if isinstance(out, list) else [out]
        bad = [v for v in items if v not in spec.choices]
        if bad:
            raise QueryError(f"{name}: {bad[0]!r} is not one of {spec.choices}")
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        if spec.min is not None and out < spec.min:
            raise QueryError(f"{name}: {out} is below the minimum {spec.min:g}")
        if spec.max is not None and out > spec.max:
            raise QueryError(f"{name}: {out} is above the maximum {spec.max:g}")
    return out


def bind(query: SavedQuery, values: Mapping[str, Any]) -> dict[str, Any]:
    """Bind user values to a query's declared parameters (defaults filled, types checked)."""
    unknown = sorted(set(values) - set(query.header.params))
    if unknown:
        raise QueryError(f"{query.id}: unknown parameters {unknown}; it takes {sorted(query.header.params)}")
    out: dict[str, Any] = {}
    for name, spec in query.header.params.items():
        if name in values and values[name] is not None and (values[name] != "" or spec.default == ""):
            out[name] = coerce_param(name, spec, values[name])
        elif spec.default is not None:
            out[name] = coerce_param(name, spec, spec.default)
        elif spec.is_required:
            raise QueryError(f"{query.id}: parameter {name!r} is required ({spec.type})")
        else:
            out[name] = None
    return out


# -- the library ---------------------------------------------------------------------------


def load_file(path: Path) -> SavedQuery:
    """Parse one ``.cypher`` file; its category must be its folder's name."""
    query = parse(path.read_text(encoding="utf-8"), path.stem, path)
    if path.parent.name != query.category:
        raise QueryError(f"{path}: category {query.category!r} differs from its folder {path.parent.name!r}")
    return query


def load_library(folder: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query under ``folder`` (default: the project's ``queries/``), by id."""
    root = folder or QUERIES_DIR
    out: dict[str, SavedQuery] = {}
    for path in sorted(root.glob("*/*.cypher")):
        query = load_file(path)
        if query.id in out:
            raise QueryError(f"{path}: id {query.id!r} also used by {out[query.id].path}")
        out[query.id] = query
    return out


def get(query_id: str, folder: Path | None = None) -> SavedQuery:
    """One saved query by id; the error lists the known ids."""
    library = load_library(folder)
    if query_id not in library:
        raise QueryError(f"no saved query {query_id!r}; known: {', '.join(sorted(library))}")
    return library[query_id]


# -- packs ---------------------------------------------------------------------------------


def export_pack(queries: Iterable[SavedQuery], target: Path) -> int:
    """Write a query pack: a zip of ``<category>/<id>.cypher`` files plus a manifest."""
    items = list(queries)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for q in items:
            zf.writestr(f"{q.category}/{q.id}.cypher", q.text())
        manifest = {"format": "graph-tool-query-pack", "version": 1, "queries": [q.id for q in items]}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
    return len(items)


@dataclass(frozen=True)
class ImportResult:
    """Queries taken from a pack, and those refused with their reasons."""

    imported: list[SavedQuery]
    refused: list[tuple[str, str]]


def read_pack(source: Path) -> ImportResult:
    """Read a pack: our zip, a single ``.cypher``, or BloodHound-style YAML/JSON queries.

    BloodHound formats: the Query Library YAML (``name``, ``category``, ``description``,
    ``query``) and legacy ``customqueries.json`` (``queries[].queryList[].query``). Each
    imported query is validated against our model; those that name unknown labels are refused.
    """
    imported: list[SavedQuery] = []
    refused: list[tuple[str, str]] = []

    def take(name: str, make: Any) -> None:
        try:
            imported.append(make())
        except QueryError as exc:
            refused.append((name, str(exc)))

    if source.suffix == ".zip":
        with zipfile.ZipFile(source) as zf:
            for member in sorted(zf.namelist()):
                if member.endswith(".cypher"):
                    text = zf.read(member).decode("utf-8")
                    take(member, lambda t=text, m=member: _checked(parse(t, Path(m).stem), Path(m).parent.name, m))
        return ImportResult(imported, refused)
    if source.suffix == ".cypher":
        take(source.name, lambda: parse(source.read_text(encoding="utf-8"), source.stem))
        return ImportResult(imported, refused)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QueryError(f"{source}: not YAML or JSON: {exc}") from None
    for i, item in enumerate(_bloodhound_items(data)):
        name = str(item.get("name") or f"query-{i + 1}")
        take(name, lambda item=item, name=name: _from_bloodhound(item, name))
    return ImportResult(imported, refused)


def _checked(query: SavedQuery, folder: str, member: str) -> SavedQuery:
    if folder != query.category:
        raise QueryError(f"{member}: category {query.category!r} differs from its folder {folder!r}")
    return query


def _bloodhound_items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("queries"), list):
        return [q for q in data["queries"] if isinstance(q, dict)]
    if isinstance(data, list):
        return [q for q in data if isinstance(q, dict)]
    if isinstance(data, dict):
        return [data]
    return []


def slug(text: str) -> str:
    """A query id from a title.

    >>> slug("Brokers: who paid them?")
    'brokers-who-paid-them'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "query"


def _from_bloodhound(item: Mapping[str, Any], name: str) -> SavedQuery:
    query = item.get("query")
    if not query and isinstance(item.get("queryList"), list):
        finals = [q.get("query") for q in item["queryList"] if isinstance(q, dict) and q.get("final", True)]
        query = finals[-1] if finals else None
    if not isinstance(query, str) or not query.strip():
        raise QueryError(f"{name}: no query text")
    params = {p: ParamSpec(type="string") for p in sorted(used_parameters(query))}
    header = Header(
        title=name,
        description=str(item.get("description") or name),
        category=slug(str(item.get("category") or "imported")),
        returns="graph",
        params=params,
    )
    return parse(render(header, query), slug(name))


def write_query(query: SavedQuery, folder: Path | None = None, overwrite: bool = False) -> Path:
    """Save a query into the library folder (``<category>/<id>.cypher``)."""
    target = (folder or QUERIES_DIR) / query.category / f"{query.id}.cypher"
    if target.exists() and not overwrite:
        raise QueryError(f"{target} exists (use overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(query.text(), encoding="utf-8")
    return target


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text (nested values as JSON)."""
    import csv

    buffer = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, default=str)
                for k, v in row.items()
            }
        )
    return buffer.getvalue()
