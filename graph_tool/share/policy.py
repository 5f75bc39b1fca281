"""Redaction profiles: what one recipient may see, declared in YAML and validated.

A profile says, per node label (and relationship type) and per property, whether a value is
kept, dropped, masked (last or first characters, year of a date) or pseudonymised (keyed
hash), and which node labels or relationship types are dropped whole. Built-in profiles
live in ``graph_tool/share/profiles/``; a path to any YAML file works too.

Victim safety does not depend on the profile: the identifying properties of protected
persons (whose roles include ``victim``, and any other roles the profile adds) and of the
documents, phones, accounts and addresses linked to them are pseudonymised whatever the
profile says for other people. A profile may only make that stricter (``drop``) or
generalise a value (``mask``) under ``protected.fields``; never ``keep`` it.

>>> p = load_profile("default")
>>> p.name, "victim" in p.protected.roles
('default', True)
>>> p.label_dropped("MatchCandidate")
True
"""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graph_tool.model import (
    NODE_COMMON,
    NODE_TYPES,
    REL_COMMON,
    REL_TYPES,
    ROLES,
    Label,
    PropType,
    Rel,
    identifying_properties,
)
from graph_tool.share.errors import ProfileError

# Properties that identify a protected person although the model does not flag them (the
# matching key derived from a name, the number of a phone she uses, a photo hash, precise
# coordinates of her home). Proposed for ``identifying=True`` in the model.
EXTRA_SENSITIVE: dict[Label, tuple[str, ...]] = {
    Label.PERSON: ("name_key",),
    Label.PHONE: ("number", "raw"),
    Label.DOCUMENT: ("photo_hash",),
    Label.ADDRESS: ("postal_code", "lat", "lon"),
}

# Free text on a protected node may say anything about her: dropped unless unmasked.
FREE_TEXT: tuple[str, ...] = ("notes", "attrs", "description", "reason", "explanation")

# Released quasi-identifiers the k-anonymity check knows.
QuasiIdentifier = Literal["nationality", "sex", "birth_year", "city", "region", "country"]

SimpleAction = Literal["keep", "drop", "pseudonymise"]


def sensitive_properties(label: Label | str) -> tuple[str, ...]:
    """Properties of a node of ``label`` that are pseudonymised when it belongs to a protected person.

    >>> "name_key" in sensitive_properties("Person"), "number" in sensitive_properties("Phone")
    (True, True)
    """
    lab = Label(label)
    return (*identifying_properties(lab), *EXTRA_SENSITIVE.get(lab, ()))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MaskRule(_Strict):
    """Show part of a value: ``last``/``first`` ``chars`` characters, or the ``year``/``year_month`` of a date."""

    mask: Literal["last", "first", "year", "year_month"]
    chars: int = Field(2, ge=0, le=8)

    def apply(self, value: str) -> str:
        """Mask one value.

        >>> MaskRule(mask="last", chars=2).apply("6222020200112233")
        '**************33'
        >>> MaskRule(mask="year").apply("1999-04-02")
        '1999'
        """
        if self.mask == "year":
            return value[:4]
        if self.mask == "year_month":
            return value[:7]
        n = min(self.chars, len(value))
        hidden = "*" * (len(value) - n)
        if self.mask == "last":
            return hidden + (value[len(value) - n :] if n else "")
        return value[:n] + hidden


FieldRule = SimpleAction | MaskRule


def rule_strength(rule: FieldRule) -> int:
    """How much a rule hides: keep 0, mask 1, pseudonymise 2, drop 3."""
    if isinstance(rule, MaskRule):
        return 1
    return {"keep": 0, "pseudonymise": 2, "drop": 3}[rule]


class LabelRule(_Strict):
    """What to do with the nodes of one label."""

    drop: bool = False
    default: Literal["keep", "drop"] = "keep"
    fields: dict[str, FieldRule] = Field(default_factory=dict)


class RelRule(_Strict):
    """What to do with the relationships of one type."""

    drop: bool = False
    default: Literal["keep", "drop"] = "keep"
    fields: dict[str, FieldRule] = Field(default_factory=dict)


class ProtectedRule(_Strict):
    """Who is protected, and any stricter or generalising rules for their identifying fields."""

    roles: tuple[str, ...] = ("victim",)
    fields: dict[str, dict[str, FieldRule]] = Field(default_factory=dict)


class KAnonymityRule(_Strict):
    """The k-anonymity check on the released quasi-identifiers of protected persons."""

    k: int = Field(3, ge=2, le=100)
    quasi_identifiers: tuple[QuasiIdentifier, ...] = ("nationality", "sex", "birth_year", "city")


class Profile(_Strict):
    """A redaction profile (see the module docstring)."""

    name: str = Field(min_length=1)
    description: str = ""
    ids: Literal["protected", "all"] = "protected"
    common_fields: dict[str, FieldRule] = Field(default_factory=dict)
    labels: dict[str, LabelRule] = Field(default_factory=dict)
    relationships: dict[str, RelRule] = Field(default_factory=dict)
    protected: ProtectedRule = Field(default_factory=lambda: ProtectedRule.model_validate({}))
    k_anonymity: KAnonymityRule = Field(default_factory=lambda: KAnonymityRule.model_validate({}))
    origin: str = Field("", exclude=True)  # where it was loaded from (not part of the YAML)

    @model_validator(mode="after")
    def _check_against_model(self) -> Profile:
        problems: list[str] = []
        common = {p.name: p.type for p in (*NODE_COMMON, *REL_COMMON)}
        problems += _check_fields("common_fields", self.common_fields, common)
        for lab, rule in self.labels.items():
            if lab not in NODE_TYPES:
                problems.append(f"labels.{lab}: unknown node label (known: {', '.join(NODE_TYPES)})")
                continue
            types = {p.name: p.type for p in NODE_TYPES[Label(lab)].all_properties}
            problems += _check_fields(f"labels.{lab}.fields", rule.fields, types)
        for rel, rrule in self.relationships.items():
            if rel not in REL_TYPES:
                problems.append(f"relationships.{rel}: unknown relationship type (known: {', '.join(REL_TYPES)})")
                continue
            types = {p.name: p.type for p in REL_TYPES[Rel(rel)].all_properties}
            problems += _check_fields(f"relationships.{rel}.fields", rrule.fields, types)
        if "victim" not in self.protected.roles:
            problems.append("protected.roles: must include victim (victim safety cannot be switched off)")
        for role in self.protected.roles:
            if role not in ROLES:
                problems.append(f"protected.roles: unknown role {role!r} (known: {', '.join(ROLES)})")
        for lab, fields in self.protected.fields.items():
            if lab not in NODE_TYPES:
                problems.append(f"protected.fields.{lab}: unknown node label")
                continue
            sensitive = sensitive_properties(lab)
            types = {p.name: p.type for p in NODE_TYPES[Label(lab)].all_properties}
            for prop, frule in fields.items():
                key = f"protected.fields.{lab}.{prop}"
                if prop not in sensitive:
                    problems.append(f"{key}: not an identifying property of {lab} (those are: {', '.join(sensitive)})")
                elif frule == "keep":
                    problems.append(f"{key}: 'keep' would release a protected person's data in clear (unmask instead)")
                else:
                    problems += _check_fields(f"protected.fields.{lab}", {prop: frule}, types)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # -- lookups used by the redaction ------------------------------------------------
    def label_dropped(self, label: str) -> bool:
        """True when nodes of ``label`` are left out entirely."""
        rule = self.labels.get(str(label))
        return bool(rule and rule.drop)

    def relationship_dropped(self, rel: str) -> bool:
        """True when relationships of type ``rel`` are left out entirely."""
        rule = self.relationships.get(str(rel))
        return bool(rule and rule.drop)

    def node_rule(self, label: str, prop: str) -> FieldRule:
        """The profile's rule for ``prop`` of a node of ``label`` (before victim safety)."""
        rule = self.labels.get(str(label))
        if rule is not None and prop in rule.fields:
            return rule.fields[prop]
        if prop in self.common_fields:
            return self.common_fields[prop]
        return rule.default if rule is not None else "keep"

    def edge_rule(self, rel: str, prop: str) -> FieldRule:
        """The profile's rule for ``prop`` of a relationship of type ``rel``."""
        rule = self.relationships.get(str(rel))
        if rule is not None and prop in rule.fields:
            return rule.fields[prop]
        if prop in self.common_fields:
            return self.common_fields[prop]
        return rule.default if rule is not None else "keep"

    def protected_rule(self, label: str, prop: str) -> FieldRule:
        """The rule for an identifying ``prop`` of a protected node: pseudonymise unless stricter."""
        if self.node_rule(label, prop) == "drop":
            return "drop"
        override = self.protected.fields.get(str(label), {}).get(prop)
        return override if override is not None else "pseudonymise"

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the profile's canonical JSON, to name the exact rules in a manifest."""
        import hashlib
        import json

        data = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(data.encode()).hexdigest()


def _check_fields(where: str, fields: dict[str, FieldRule], types: dict[str, PropType]) -> list[str]:
    problems = []
    for prop, rule in fields.items():
        if prop not in types:
            problems.append(f"{where}.{prop}: not a property in the model (known: {', '.join(types)})")
            continue
        ptype = types[prop]
        if prop == "id" and rule != "keep":
            problems.append(f"{where}.id: ids are pseudonymised with `ids: all`, not per field")
        elif ptype in (PropType.INT, PropType.FLOAT, PropType.BOOL) and rule not in ("keep", "drop"):
            problems.append(f"{where}.{prop}: a {ptype} can only be kept or dropped")
        elif (
            isinstance(rule, MaskRule)
            and rule.mask in ("year", "year_month")
            and ptype
            not in (
                PropType.DATE,
                PropType.DATETIME,
            )
        ):
            problems.append(f"{where}.{prop}: mask {rule.mask} needs a date property, this one is {ptype}")
    return problems


# --- loading ---------------------------------------------------------------------------


def builtin_dir() -> Path:
    """The folder of built-in profiles."""
    return Path(str(resources.files("graph_tool.share") / "profiles"))


def builtin_profiles() -> list[str]:
    """Names of the built-in profiles.

    >>> {"default", "jit-partner", "ngo", "internal-full"} <= set(builtin_profiles())
    True
    """
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def profile_path(name_or_path: str | Path) -> Path:
    """The YAML file of a built-in profile name, or the given path."""
    text = str(name_or_path)
    candidate = builtin_dir() / f"{text}.yaml"
    if "/" not in text and not text.endswith((".yaml", ".yml")) and candidate.is_file():
        return candidate
    path = Path(text).expanduser()
    if path.is_file():
        return path
    raise ProfileError(f"no redaction profile {text!r} (built-in: {', '.join(builtin_profiles())}; or give a path)")


def load_profile(name_or_path: str | Path | Profile) -> Profile:
    """Load and validate a profile by built-in name or path; errors name the file and key."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    path = profile_path(name_or_path)
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise ProfileError(f"{path}:{where} not valid YAML") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping with at least `name:`")
    try:
        return Profile.model_validate({**data, "origin": str(path)})
    except ValidationError as exc:
        raise ProfileError(_format_errors(path, exc)) from None


def _format_errors(path: Path, exc: ValidationError) -> str:
    lines: list[str] = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("function-", "literal[")))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not loc:
            lines.extend(f"{path}: {m}" for m in msg.split("\n"))
        else:
            lines.append(f"{path}: {loc}: {msg}")
    return "invalid redaction profile\n" + "\n".join(dict.fromkeys(lines))
