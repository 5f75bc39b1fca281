"""Apply a YAML mapping spec to one row: normalise, validate, and make records.

:class:`SpecMapper` turns a :class:`~loaders.readers.Row` into a :class:`Mapped` (the node
and relationship records the row makes, and the nodes it only refers to) or raises
:class:`RowError` naming the field at fault. It never writes: the engine batches, checks
references and writes.

Normalisation (through :mod:`graph_tool.normalise`):

* ``phone``: E.164 with a default region (a value or a column); an invalid number is kept
  as written with ``valid = false``, never dropped; on a ``Phone`` node the number also
  fills ``raw``, ``valid``, ``country`` and ``kind``, and the key is the E.164 number (or
  ``raw:`` and the digits).
* ``name``: tidy text; on a node with ``name_key`` the key is filled too.
* ``date``: ISO 8601 (``date_format`` gives strptime formats; otherwise day-first free text).
  Properties declared as dates are read as dates even without ``normalise: date``.
* ``country``: ISO 3166-1 alpha-2. ``document_number``: upper case without separators.
* ``mrz``: parsed and its check digits verified; on a document it is cross-checked against
  the number, dates, issuing country and name, and what disagrees is recorded in ``attrs``
  (``mrz_valid``, ``mrz_problems``, ``mrz_mismatch``) and as a warning: a forged MRZ is
  evidence, so it never rejects a row.
* ``int``, ``float``, ``bool``: numbers and flags (also implied by the declared type).

A value that fails its normaliser rejects the row (``invalid: reject``, the default), or is
kept as written and flagged in ``attrs.invalid`` (``invalid: keep``), or dropped
(``invalid: drop``). Values of closed vocabularies are compared in lower case with spaces
and hyphens as underscores; any other value rejects the row, naming the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph_tool import normalise as nz
from graph_tool.model import NODE_TYPES, REL_TYPES, Label, PropType, Rel
from graph_tool.store.base import EdgeRecord, NodeRecord
from loaders.readers import FileError, FileInfo, Row
from loaders.spec import VIRTUAL_COLUMNS, NodeMap, PropMap, RelMap, Spec, Where

TRUE = frozenset({"1", "true", "yes", "y", "t", "x", "on"})
FALSE = frozenset({"0", "false", "no", "n", "f", "", "off"})


class RowError(Exception):
    """A row that cannot be loaded: ``field`` is the column (or property) at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Ref:
    """A node a row refers to without making it: it must exist when the row is written."""

    label: Label
    id: str
    field: str
    deferrable: bool = False  # it may come later in the same file (FtM streams)


@dataclass(slots=True)
class Mapped:
    """What one row makes."""

    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- cells --------------------------------------------------------------------------------


def file_stem(name: str) -> str:
    """A file's stem without a ``_nodes`` / ``_edges`` suffix.

    >>> file_stem("SIREN_edges.csv"), file_stem("phase3.csv")
    ('SIREN', 'phase3')
    """
    stem = Path(name).stem
    for suffix in ("_nodes", "_edges", "-nodes", "-edges"):
        if stem.lower().endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def cell(row: Row, column: str) -> Any:
    """A row's value for ``column``; the virtual columns ``_file``, ``_stem``, ``_dir`` and
    ``_row`` come from the row's origin unless the row carries them (a rejects file does,
    so that a corrected row gets the ids it would have had)."""
    value = row.values.get(column)
    if value not in (None, "") or not column.startswith("_"):
        return value
    if column == "_file":
        return row.file
    if column == "_row":
        return str(row.row)
    if column == "_stem":
        return file_stem(str(row.values.get("_file") or row.file))
    if column == "_dir":
        return Path(row.path or row.file).resolve().parent.name
    return value


def text_at(row: Row, column: str) -> str | None:
    """``text(cell(row, column))``; a cell of text is read directly (the usual case)."""
    value = row.values.get(column)
    if value.__class__ is str and value:
        return value.strip() or None
    return text(cell(row, column))


def text(value: Any) -> str | None:
    """Stripped text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, list):
        joined = ";".join(str(v) for v in value if v not in (None, ""))
        return joined.strip() or None
    s = value.strip() if isinstance(value, str) else str(value).strip()
    return s or None


def truthy(value: Any) -> bool:
    s = (text(value) or "").casefold()
    return s in TRUE or (s not in FALSE and _number_true(s))


def _number_true(s: str) -> bool:
    try:
        return float(s) > 0
    except ValueError:
        return False


def canonical_term(value: str) -> str:
    """How a vocabulary value is compared: lower case, spaces and hyphens as underscores.

    >>> canonical_term(" Debt-Bondage "), canonical_term("Document Forger")
    ('debt_bondage', 'document_forger')
    """
    return re.sub(r"[\s\-]+", "_", value.strip().casefold())


def make_id(label: Label | str, parts: Iterable[str]) -> str:
    """A stable node id from the label and normalised key values.

    >>> make_id(Label.PHONE, ["+447400123456"]) == make_id(Label.PHONE, ["+447400123456"])
    True
    >>> make_id(Label.PHONE, ["+447400123456"]).startswith("Phone:")
    True
    """
    digest = hashlib.sha256("\x1f".join([str(label), *parts]).encode()).hexdigest()
    return f"{label}:{digest[:20]}"


def short(value: Any, limit: int = 40) -> str:
    """A value for a rejection reason, cut to ``limit`` characters."""
    s = str(value)
    return repr(s if len(s) <= limit else s[:limit] + "...")


# --- normalisers (cached: the same phone, date or country recurs on many rows) -----------


@lru_cache(maxsize=200_000)
def _phone(raw: str, region: str | None) -> nz.PhoneResult:
    return nz.normalise_phone(raw, region)


@lru_cache(maxsize=100_000)
def _date(raw: str, formats: tuple[str, ...] | None, dayfirst: bool) -> str:
    return nz.normalise_date(raw, list(formats) if formats else None, dayfirst=dayfirst)


@lru_cache(maxsize=10_000)
def _country(raw: str) -> str:
    return nz.normalise_country(raw)


@lru_cache(maxsize=200_000)
def _name_key(raw: str) -> str:
    return nz.name_key(raw)


_tidy_name_key = lru_cache(maxsize=200_000)(nz.tidy_name_key)


@lru_cache(maxsize=10_000)
def _region(raw: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2}", raw):
        return raw.upper()
    try:
        return nz.normalise_country(raw)
    except ValueError:
        return None


def _int(raw: str) -> int:
    s = raw.strip().replace(",", "").replace("_", "")
    try:
        return int(s)
    except ValueError:
        f = float(s)
        if not f.is_integer():
            raise ValueError("not a whole number") from None
        return int(f)


def _float(raw: str) -> float:
    s = raw.strip().replace(",", "").replace("_", "")
    try:
        value = float(s)
    except ValueError:
        raise ValueError("not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value


def _bool(raw: str) -> bool:
    s = raw.strip().casefold()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise ValueError("not a yes/no value")


# --- property plans -----------------------------------------------------------------------


@dataclass
class _Ctx:
    """Per node or relationship, per row: what normalisers learnt besides the value."""

    side: dict[str, Any] = field(default_factory=dict)  # extra properties (phone raw, name_key)
    keys: dict[str, str] = field(default_factory=dict)  # key form of a property (phone key)
    attrs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    mrz: nz.MRZ | None = None


_MEMO_LIMIT = 50_000  # distinct cell texts remembered per property

# In a column of outcomes: this row's cell must be computed row by row (it fails, warns or
# flags something, or is not text), so that its errors and warnings come out as before.
# An outcome like the others, whose value is a marker no cell can produce.
_UNDECIDED: Any = object()
_SLOW = (_UNDECIDED, None, None)

# What a cell text alone decides: the value, side properties (or None), key forms (or None).
_Outcome = tuple[Any, dict[str, Any] | None, dict[str, str] | None]

_IMPLICIT = {PropType.DATE: "date", PropType.INT: "int", PropType.FLOAT: "float", PropType.BOOL: "bool"}


class PropPlan:
    """How one property is computed from a row."""

    def __init__(self, name: str, pm: PropMap, ptype: PropType, choices: tuple[str, ...], owner: str) -> None:
        self.name = name
        self.pm = pm
        self.ptype = ptype
        self.choices = frozenset(choices)
        self.owner = owner  # label or relationship type (for side properties)
        self.field = pm.column or (pm.concat[0] if pm.concat else name)
        self.normaliser = pm.normalise or _IMPLICIT.get(ptype)
        self.formats = tuple(pm.date_format) if pm.date_format else None
        self.stored = pm.column is not None and not pm.column.startswith("_")  # not a virtual column
        # plain text to a text property: nothing to do but read the cell
        self.plain = (
            ptype is PropType.STRING
            and not self.choices
            and pm.split is None
            and pm.map is None
            and self.normaliser in (None, "text")
            and pm.columns is None
        )
        # Results by cell text, for normalisers whose result depends on that text alone
        # (not MRZ, which sets flags, nor a phone whose region comes from another column).
        self.memo: dict[str, tuple[Any, dict[str, Any], dict[str, str]]] | None = (
            {} if self.normaliser != "mrz" and not (self.normaliser == "phone" and pm.default_region_column) else None
        )
        # A whole batch's column at once (see column()): a stored column whose result
        # depends on the cell text alone.
        self.batchable = self.stored and self.memo is not None
        # A single name or date with nothing else to apply: its normaliser alone gives the
        # outcome (names are mostly distinct, so this runs for nearly every row).
        self.direct = (
            self.normaliser in ("name", "date")
            and pm.split is None
            and pm.map is None
            and not self.choices
            and ptype is not PropType.STRING_LIST
        )
        self.outcomes: dict[str | None, _Outcome] = {}
        self.lists = ptype is PropType.STRING_LIST  # the only values computed as lists

    def column(self, rows: Sequence[Row]) -> list[Any]:
        """Each row's outcome (see ``_Outcome``), or ``_SLOW`` where :meth:`compute` must run.

        Only for a ``batchable`` plan. Each distinct cell text is normalised once per
        batch (and remembered across batches, up to ``_MEMO_LIMIT`` texts).
        """
        assert self.pm.column is not None
        column = self.pm.column
        cells = [row.values.get(column) for row in rows]
        cache = self.outcomes
        new = {c for c in cells if (c is None or c.__class__ is str) and c not in cache}
        fresh = {c: self._outcome(c) for c in new}
        if len(cache) < _MEMO_LIMIT:
            cache.update(fresh)
        return [(cache.get(c) or fresh[c]) if c is None or c.__class__ is str else _SLOW for c in cells]

    def _outcome(self, cell: str | None) -> Any:
        """What :meth:`compute` gives for a cell text, when nothing else about the row matters."""
        value = (cell.strip() or None) if cell is not None else None
        if self.plain and value is not None:
            return (value, None, None)
        if self.direct and value is not None:
            return self._direct(value)
        ctx = _Ctx()
        try:
            result = self._compute(value, None, ctx)
        except RowError:
            return _SLOW
        if ctx.warnings or ctx.attrs or ctx.mrz is not None:
            return _SLOW
        return (result, ctx.side or None, ctx.keys or None)

    def _direct(self, value: str) -> Any:
        """:meth:`_outcome` of a ``direct`` plan: what :meth:`_compute` gives, without its layers."""
        try:
            if self.normaliser == "date":
                return (_date(value, self.formats, self.pm.dayfirst), None, None)
            tidy = nz.normalise_name(value)
        except (ValueError, TypeError):
            return _SLOW  # the row-by-row path reports it as its spec says
        side = {"name_key": nz.tidy_name_key(tidy)} if self.name == "name" else None
        return (tidy or None, side, None)

    def raw(self, row: Row) -> Any:
        pm = self.pm
        column = pm.column
        if column is not None:
            v = row.values.get(column) if self.stored else cell(row, column)
            if v.__class__ is str:  # the common case, as text() would do it
                v = v.strip()
                return v or None
            if isinstance(v, list):
                items = [t for t in (text(x) for x in v) if t]
                return items or None
            return text(v)
        if pm.concat is not None:
            parts = [text_at(row, c) for c in pm.concat]
            return pm.separator.join(p for p in parts if p) or None
        if pm.flags is not None:
            terms = [term for col, term in pm.flags.items() if truthy(cell(row, col))]
            return list(dict.fromkeys(terms)) or None
        if pm.columns is not None:
            found = {c: text_at(row, c) for c in pm.columns}
            return {k: v for k, v in found.items() if v} or None
        v = pm.value
        if isinstance(v, (list, dict)) or v is None:
            return v
        return text(v)

    def compute(self, row: Row, ctx: _Ctx) -> Any:
        value = self.raw(row)
        if self.plain and value.__class__ is str:
            return value
        memo = self.memo
        if memo is None or value.__class__ is not str:
            return self._compute(value, row, ctx)
        hit = memo.get(value)
        if hit is not None:
            result, side, keys = hit
            if side:
                ctx.side.update(side)
            if keys:
                ctx.keys.update(keys)
            return result.copy() if result.__class__ is list else result
        side0, keys0, warned = dict(ctx.side), dict(ctx.keys), len(ctx.warnings)
        result = self._compute(value, row, ctx)
        # Remembered only when the value alone decided everything: no warning, no flag.
        if len(ctx.warnings) == warned and len(memo) < _MEMO_LIMIT:
            side = {k: v for k, v in ctx.side.items() if k not in side0 or side0[k] != v}
            keys = {k: v for k, v in ctx.keys.items() if k not in keys0 or keys0[k] != v}
            memo[value] = (result.copy() if result.__class__ is list else result, side, keys)
        return result

    def _compute(self, value: Any, row: Row | None, ctx: _Ctx) -> Any:
        pm = self.pm
        if value is None:
            value = pm.default
            if value is None:
                if pm.required:
                    raise RowError(self.field, "a value is required")
                return None
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        if pm.split and isinstance(value, str):
            value = [s.strip() for s in value.split(pm.split) if s.strip()]
        items = value if isinstance(value, list) else [value]
        out: list[Any] = []
        for item in items:
            item = str(item) if not isinstance(item, str) else item
            if pm.map is not None:
                key = item.strip().casefold()
                if key in pm.map:
                    mapped = pm.map[key]
                    if mapped is None:
                        continue
                    item = mapped
            item_value = self._normalise(item, row, ctx)
            if item_value is None:
                continue
            if self.choices and isinstance(item_value, str):
                term = canonical_term(item_value)
                if term not in self.choices:
                    raise RowError(
                        self.field,
                        f"{short(item_value)} is not a known {self.name} ({', '.join(sorted(self.choices))})",
                    )
                item_value = term
            out.append(item_value)
        if self.ptype is PropType.STRING_LIST:
            return list(dict.fromkeys(str(v) for v in out)) or None
        if not out:
            return None
        if len(out) == 1:
            return out[0]
        if self.ptype is PropType.STRING:
            return "; ".join(str(v) for v in out)
        raise RowError(self.field, f"{len(out)} values for the single-valued property {self.name}")

    def _normalise(self, item: str, row: Row | None, ctx: _Ctx) -> Any:
        kind = self.normaliser
        if kind is None or kind == "text":
            return item
        try:
            return self._apply(kind, item, row, ctx)
        except (ValueError, TypeError) as exc:
            policy = self.pm.invalid
            if policy == "reject":
                raise RowError(self.field, f"{kind}: {exc}") from None
            if policy == "drop":
                ctx.warnings.append(f"{self.field}: {kind}: {exc}; value dropped")
                return None
            ctx.attrs.setdefault("invalid", []).append(self.name)
            ctx.warnings.append(f"{self.field}: {kind}: {exc}; kept as written")
            return item if self.ptype in (PropType.STRING, PropType.DATE, PropType.STRING_LIST) else None

    @property
    def side_names(self) -> tuple[str, ...]:
        """The side properties :meth:`_apply` may give besides the value."""
        if self.normaliser == "name" and self.name == "name":
            return ("name_key",)
        if self.normaliser == "phone" and self.name == "number":
            return ("raw", "valid", "country", "kind")
        return ()

    def _apply(self, kind: str, item: str, row: Row | None, ctx: _Ctx) -> Any:
        if kind == "date":
            return _date(item, self.formats, self.pm.dayfirst)
        if kind == "country":
            return _country(item)
        if kind == "name":
            tidy = nz.normalise_name(item)
            if self.name == "name":
                ctx.side["name_key"] = _tidy_name_key(tidy)
            return tidy or None
        if kind == "document_number":
            return nz.normalise_document_number(item) or None
        if kind == "phone":
            region = self.pm.default_region
            if self.pm.default_region_column:
                assert row is not None  # such a plan is never batchable: its row is always given
                region = _region(text_at(row, self.pm.default_region_column) or "") or region
            result = _phone(item, region.upper() if region else None)
            ctx.keys[self.name] = result.key
            if self.name == "number":
                ctx.side.update(
                    {"raw": result.raw, "valid": result.valid, "country": result.region, "kind": result.kind}
                )
            if not result.valid:
                ctx.warnings.append(f"{self.field}: not a valid phone number; kept as written, valid=false")
            return result.e164 or result.raw
        if kind == "mrz":
            m = nz.parse_mrz(item)
            ctx.mrz = m
            ctx.attrs["mrz_valid"] = m.valid
            problems = [k for k, ok in m.checks.items() if not ok] + list(m.problems)
            if problems:
                ctx.attrs["mrz_problems"] = problems
                ctx.warnings.append(f"{self.field}: MRZ check failed ({', '.join(k for k in problems)})")
            return "\n".join(m.lines)
        if kind == "int":
            return _int(item)
        if kind == "float":
            return _float(item)
        if kind == "bool":
            return _bool(item)
        raise ValueError(f"unknown normaliser {kind}")


def _key_form(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(sorted(str(v) for v in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- node and relationship plans ---------------------------------------------------------


def _prop_plans(props: Mapping[str, PropMap], declared: Mapping[str, Any], owner: str) -> dict[str, PropPlan]:
    out = {}
    for name, pm in props.items():
        decl = declared[name]
        out[name] = PropPlan(name, pm, decl.type, decl.choices, owner)
    return out


def _when(conditions: list[Where], row: Row) -> bool:
    return all(w.test(cell(row, w.column)) for w in conditions)


# A node a row makes: label, id, properties, warnings, and whether the row only refers to it.
_Made = tuple[Label, str, dict[str, Any], Sequence[str], bool]


def _merged(dicts: list[Any]) -> dict[str, Any]:
    """The non-empty dicts merged in order (later values win, as in one row's context)."""
    found = [d for d in dicts if d]
    if len(found) == 1:
        return found[0]
    out: dict[str, Any] = {}
    for d in found:
        out.update(d)
    return out


def _attempt(make: Callable[[Row, str], _Made | None], row: Row, source: str) -> _Made | RowError | None:
    """``make(row, source)``, with the RowError it raises returned instead."""
    try:
        return make(row, source)
    except RowError as exc:
        return exc.with_traceback(None)


class NodePlan:
    """How one node of a row is made."""

    def __init__(self, nm: NodeMap) -> None:
        self.nm = nm
        self.labels = nm.possible_labels()
        self.plans: dict[Label, dict[str, PropPlan]] = {
            label: _prop_plans(nm.properties, {p.name: p for p in NODE_TYPES[label].all_properties}, label)
            for label in self.labels
        }
        self.declared = {label: {p.name for p in NODE_TYPES[label].all_properties} for label in self.labels}
        self.id_field = nm.id_column or (nm.key[0] if nm.key else nm.alias)

    def label_of(self, row: Row) -> Label:
        nm = self.nm
        if nm.label is not None:
            return nm.label
        rule = nm.label_from
        assert rule is not None
        column = rule.column or nm.id_column or ""
        value = text_at(row, column) or ""
        for prefix, label in rule.prefixes.items():
            if value.startswith(prefix):
                return label
        if value.casefold() in rule.values:
            return rule.values[value.casefold()]
        if rule.default is not None:
            return rule.default
        raise RowError(column, f"cannot tell the label from {short(value)}")

    def make(self, row: Row, source: str) -> _Made | None:
        """``(label, id, props, warnings, is_ref)``, or None when an optional node is absent."""
        nm = self.nm
        if nm.when and not _when(nm.when, row):
            return None
        raw_id = None
        if nm.id_column is not None:
            raw_id = text_at(row, nm.id_column)
            if raw_id is None:
                if nm.optional:
                    return None
                raise RowError(nm.id_column, "empty, and an id is needed")
        label = self.label_of(row)
        if nm.optional and any(
            p.pm.required and p.raw(row) is None and p.pm.default is None for p in self.plans[label].values()
        ):
            return None  # an optional node without a required value is absent, not an error
        ctx = _Ctx()
        props: dict[str, Any] = {}
        for name, plan in self.plans[label].items():
            value = plan.compute(row, ctx)
            if value is not None:
                props[name] = value
        self._add_side(label, props, ctx.side)
        node_id = self._node_id(label, row, raw_id, props, ctx.keys)
        if node_id is None:
            return None
        if ctx.mrz is not None:
            _cross_check(ctx, props)
        if ctx.attrs and "attrs" in self.declared[label]:
            base = json.loads(props["attrs"]) if isinstance(props.get("attrs"), str) else {}
            props["attrs"] = json.dumps({**base, **ctx.attrs}, ensure_ascii=False, sort_keys=True)
        return label, node_id, props, ctx.warnings, nm.ref

    def make_batch(self, rows: Sequence[Row], source: str) -> list[_Made | RowError | None]:
        """What :meth:`make` gives for each row (the RowError where it raises), a column at a time.

        A row whose every cell is decided by its text alone is assembled from the columns'
        outcomes; any other row (an error, a warning, a flag) goes through :meth:`make`.
        """
        nm = self.nm
        label = nm.label
        if label is None or nm.optional or not all(p.batchable for p in self.plans[label].values()):
            return [_attempt(self.make, row, source) for row in rows]
        if not rows:
            return []
        plans = self.plans[label]
        names = list(plans)
        values: list[Sequence[Any]] = []  # per property, each row's value
        sides: list[Sequence[dict[str, Any] | None]] = []  # the properties that give side properties
        keys: list[Sequence[dict[str, str] | None]] = []  # and key forms
        for plan in plans.values():
            column_values, column_sides, column_keys = zip(*plan.column(rows), strict=True)
            if plan.lists:  # each record gets its own list, not the one the outcomes remember
                values.append([v.copy() if v.__class__ is list else v for v in column_values])
            else:
                values.append(column_values)
            if any(column_sides):
                sides.append(column_sides)
            if any(column_keys):
                keys.append(column_keys)
        id_column, id_prefix, is_ref, when = nm.id_column, nm.id_prefix, nm.ref, nm.when
        out: list[_Made | RowError | None] = []
        by_row = zip(*values, strict=True) if values else iter([()] * len(rows))  # each row's values
        # (Python 3.11 makes a comprehension a call: the per-row work below uses plain loops.)
        for i, (row, vals) in enumerate(zip(rows, by_row, strict=True)):
            if when and not _when(when, row):
                out.append(None)
                continue
            raw_id = text_at(row, id_column) if id_column is not None else None
            if raw_id is None and id_column is not None:
                out.append(_attempt(self.make, row, source))  # make() rejects it
                continue
            props: dict[str, Any] = {}
            for name, value in zip(names, vals, strict=True):
                if value is not None:
                    if value is _UNDECIDED:
                        break
                    props[name] = value
            else:
                if sides:
                    side = sides[0][i] if len(sides) == 1 else _merged([side[i] for side in sides])
                    if side:
                        self._add_side(label, props, side)
                if raw_id is not None:
                    out.append((label, id_prefix + raw_id, props, (), is_ref))
                    continue
                try:
                    node_id = self._node_id(label, row, raw_id, props, _merged([key[i] for key in keys]))
                except RowError as exc:
                    out.append(exc.with_traceback(None))
                    continue
                assert node_id is not None  # only an optional node may lack its key
                out.append((label, node_id, props, (), is_ref))
                continue
            out.append(_attempt(self.make, row, source))  # its errors and warnings, as ever
        return out

    def _add_side(self, label: Label, props: dict[str, Any], side: Mapping[str, Any]) -> None:
        """Side properties a normaliser learnt (a name's key, a phone's parts) not set otherwise."""
        declared = self.declared[label]
        for name, value in side.items():
            if name in declared and name not in props and value is not None:
                props[name] = value

    def _node_id(
        self, label: Label, row: Row, raw_id: str | None, props: Mapping[str, Any], keys: Mapping[str, str]
    ) -> str | None:
        """The node's id: its id column's, or made from its key; None for an absent optional node."""
        nm = self.nm
        if raw_id is not None:
            return nm.id_prefix + raw_id
        parts = []
        missing = []
        for k in nm.key or []:
            if k in keys:
                part: str | None = keys[k]
            elif k in props:
                part = _key_form(props[k])
            else:
                part = text_at(row, k)
            if not part:
                missing.append(k)
                part = ""
            parts.append(part)
        if len(missing) == len(parts) or (missing and not nm.partial_key):
            if nm.optional and len(missing) == len(parts):
                return None
            fields = ", ".join(self._field_of(k) for k in missing)
            raise RowError(self._field_of(missing[0]), f"empty key ({fields}): the node needs it for its id")
        return nm.id_prefix + make_id(label, parts)

    def _field_of(self, key: str) -> str:
        for plans in self.plans.values():
            if key in plans:
                return plans[key].field
        if key == "name_key":
            for plans in self.plans.values():
                if "name" in plans:
                    return plans["name"].field
        return key


def _cross_check(ctx: _Ctx, props: Mapping[str, Any]) -> None:
    """Compare a parsed MRZ with the document's other fields; record what disagrees."""
    m = ctx.mrz
    assert m is not None
    mismatch = []
    number = props.get("number_norm") or props.get("number")
    if number and nz.normalise_document_number(str(number)) != m.document_number:
        mismatch.append("number")
    for prop, mrz_value in (("birth_date_on_document", m.birth_date), ("expiry_date", m.expiry_date)):
        mine = props.get(prop)
        if mine and mrz_value and not str(mine).startswith(mrz_value) and not mrz_value.startswith(str(mine)):
            mismatch.append(prop)
    country = props.get("issuing_country")
    if country:
        try:
            state = nz.country_from_mrz(m.issuing_state)
        except ValueError:
            state = None
        if state and state != country:
            mismatch.append("issuing_country")
    name = props.get("name_on_document")
    if name and _name_key(f"{m.surname} {m.given_names}") != _name_key(str(name)):
        mismatch.append("name_on_document")
    if mismatch:
        ctx.attrs["mrz_mismatch"] = mismatch
        ctx.warnings.append(f"mrz: the MRZ disagrees with {', '.join(mismatch)}")


class RelPlan:
    """How one relationship of a row is made."""

    def __init__(self, rm: RelMap) -> None:
        self.rm = rm
        self.plans: dict[Rel, dict[str, PropPlan]] = {
            rtype: _prop_plans(
                {k: v for k, v in rm.properties.items() if k in {p.name for p in REL_TYPES[rtype].all_properties}},
                {p.name: p for p in REL_TYPES[rtype].all_properties},
                rtype,
            )
            for rtype in rm.possible_types()
        }

    def type_of(self, row: Row) -> Rel | None:
        rm = self.rm
        if rm.type is not None:
            return rm.type
        rule = rm.type_from
        assert rule is not None
        value = text_at(row, rule.column)
        if value is None:
            if rule.default is not None:
                return rule.default
            raise RowError(rule.column, "empty: the relationship type comes from it")
        key = value.casefold()
        if key in rule.map:
            return rule.map[key]
        if canonical_term(value) in rule.map:
            return rule.map[canonical_term(value)]
        if rule.default is not None:
            return rule.default
        known = ", ".join(sorted(rule.map))
        raise RowError(rule.column, f"{short(value)} is not a known relation ({known})")


# --- the mapper --------------------------------------------------------------------------


class SpecMapper:
    """Map rows with a YAML spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.nodes = [NodePlan(n) for n in spec.nodes]
        self.rels = [RelPlan(r) for r in spec.relationships]
        self.max_chars = spec.max_field_chars
        self.source = ""

    def plan(self, paths: list[Path]) -> list[Path]:
        """The order to load the files in (as given)."""
        return paths

    def start_file(self, source: str, path: Path) -> None:
        self.source = source

    def check_columns(self, info: FileInfo) -> list[str]:
        """Refuse a file without a column the spec needs; warn about absent optional ones."""
        if info.format not in ("csv", "xlsx", "htcds"):
            return []
        have = set(info.columns)
        missing: dict[str, list[str]] = {}
        absent: dict[str, list[str]] = {}
        for column, path, required in self.spec.used_columns():
            if column in have or column in VIRTUAL_COLUMNS:
                continue
            (missing if required else absent).setdefault(column, []).append(path)
        if missing:
            needs = "; ".join(f"{c} (for {', '.join(p)})" for c, p in missing.items())
            raise FileError(f"{info.name}: missing column(s) that spec {self.spec.name} needs: {needs}")
        return [f"{info.name}: no column {c}: {', '.join(p)} left empty" for c, p in absent.items()]

    def map(self, row: Row) -> Mapped | None:
        """The records of one row; None when the spec's ``where`` filters it out."""
        check_sizes(row, self.max_chars)
        if self.spec.where and not _when(self.spec.where, row):
            return None
        return self._records(row, [plan.make(row, self.source) for plan in self.nodes])

    def map_batch(self, rows: Sequence[Row]) -> list[Mapped | RowError | None]:
        """What :meth:`map` gives for each row (the RowError where it raises).

        The same records, warnings and errors, but each node's properties are computed a
        column at a time, every distinct cell text once.
        """
        out: list[Mapped | RowError | None] = [None] * len(rows)
        live: list[int] = []  # rows neither too long nor filtered out
        where = self.spec.where
        for i, row in enumerate(rows):
            try:
                check_sizes(row, self.max_chars)
            except RowError as exc:
                out[i] = exc.with_traceback(None)
                continue
            if not where or _when(where, row):
                live.append(i)
        live_rows = [rows[i] for i in live]
        made = [plan.make_batch(live_rows, self.source) for plan in self.nodes]
        for j, i in enumerate(live):
            nodes: list[_Made | None] = []
            for column in made:  # the first node that fails rejects the row, as in map()
                node = column[j]
                if isinstance(node, RowError):
                    out[i] = node
                    break
                nodes.append(node)
            else:
                try:
                    out[i] = self._records(live_rows[j], nodes)
                except RowError as exc:
                    out[i] = exc.with_traceback(None)
        return out

    def _records(self, row: Row, nodes: Sequence[_Made | None]) -> Mapped:
        """The row's records, from the nodes its node plans made (None: absent)."""
        out = Mapped()
        made: dict[str, tuple[Label, str]] = {}
        ref = row.ref
        rels = self.rels
        for plan, node in zip(self.nodes, nodes, strict=True):
            if node is None:
                continue
            label, node_id, props, warnings, is_ref = node
            if rels:
                made[plan.nm.alias] = (label, node_id)
            if warnings:
                out.warnings.extend(warnings)
            if is_ref:
                out.refs.append(Ref(label, node_id, plan.id_field))
            else:
                out.nodes.append(NodeRecord(label, node_id, props, self.source, ref))
        for rplan in rels:
            rm = rplan.rm
            if rm.from_ not in made or rm.to not in made:
                continue
            if rm.when and not _when(rm.when, row):
                continue
            rtype = rplan.type_of(row)
            if rtype is None:
                continue
            (a_label, a_id), (b_label, b_id) = made[rm.from_], made[rm.to]
            if (a_label, b_label) not in REL_TYPES[rtype].pairs:
                column = rm.type_from.column if rm.type_from else self._id_field(rm.to)
                raise RowError(column, f"{rtype} cannot join {a_label} -> {b_label}")
            ctx = _Ctx()
            props = {}
            for name, pplan in rplan.plans[rtype].items():
                value = pplan.compute(row, ctx)
                if value is not None:
                    props[name] = value
            if ctx.attrs:
                base = json.loads(props["attrs"]) if isinstance(props.get("attrs"), str) else {}
                props["attrs"] = json.dumps({**base, **ctx.attrs}, ensure_ascii=False, sort_keys=True)
            out.warnings.extend(ctx.warnings)
            key = "\x1f".join(text_at(row, k) or "" for k in rm.key)
            out.edges.append(EdgeRecord(rtype, a_label, a_id, b_label, b_id, props, self.source, ref, key))
        return out

    def _id_field(self, alias: str) -> str:
        for plan in self.nodes:
            if plan.nm.alias == alias:
                return plan.id_field
        return alias


def map_each(map_row: Callable[[Row], Mapped | None], rows: Sequence[Row]) -> list[Mapped | RowError | None]:
    """``map_row`` of each row, with the RowError it raises returned instead (for mappers
    whose rows depend on the rows before them)."""
    out: list[Mapped | RowError | None] = []
    for row in rows:
        try:
            out.append(map_row(row))
        except RowError as exc:
            out.append(exc.with_traceback(None))
    return out


def check_sizes(row: Row, limit: int) -> None:
    """Reject a row with a value longer than ``limit`` characters."""
    values = row.values.values()
    try:
        if len("".join(values)) <= limit:  # the whole row is short enough (all text: the usual case)
            return
    except TypeError:  # lists (JSON) or other values
        if sum(map(len, map(str, values))) <= limit:
            return
    for column, value in row.values.items():
        if isinstance(value, str):
            if len(value) > limit:
                raise RowError(column, f"value of {len(value):,} characters (the limit is {limit:,})")
        elif isinstance(value, list):
            if sum(len(str(v)) for v in value) > limit:
                raise RowError(column, f"values longer than {limit:,} characters together")
