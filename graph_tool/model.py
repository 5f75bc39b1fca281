"""The domain, declared once, as data.

Every node label, relationship type, property and controlled vocabulary the tool knows is
declared here and read everywhere else: the stores generate their schema from it, the
loaders validate mapping specs against it, the saved-query validator checks labels and
relationship types against it. No other module spells a label or a relationship type.

The vocabulary follows IOM's Human Trafficking Case Data Standard (HTCDS) for roles,
methods of control and trafficking stages, and FollowTheMoney (FtM) for entities where it
has one (``ftm`` names the FtM schema a node type maps to).

>>> str(PERSON.label)
'Person'
>>> NODE_TYPES[Label.DOCUMENT].key
'id'
>>> Rel.HOLDS in relationship_types_between(Label.PERSON, Label.DOCUMENT)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Label(StrEnum):
    """Node labels: the only place they are spelled."""

    PERSON = "Person"
    DOCUMENT = "Document"
    PHONE = "Phone"
    ACCOUNT = "Account"
    PAYMENT = "Payment"
    ADDRESS = "Address"
    ORGANISATION = "Organisation"
    EVENT = "Event"
    SOURCE = "Source"
    FINDING = "Finding"
    CANDIDATE = "MatchCandidate"


# Neo4j only: every node also carries this label, so that an entity can be found by its id
# without knowing its label (LadybugDB tables have one label each and need no such thing).
ENTITY_LABEL = "Entity"


class Rel(StrEnum):
    """Relationship types: the only place they are spelled."""

    HOLDS = "HOLDS"  # Person -> Document
    USES = "USES"  # Person|Organisation -> Phone
    LIVES_AT = "LIVES_AT"  # Person -> Address
    LOCATED_AT = "LOCATED_AT"  # Organisation|Event -> Address
    OWNS = "OWNS"  # Person|Organisation -> Account
    SENT = "SENT"  # Person|Organisation|Account -> Payment
    PAID_TO = "PAID_TO"  # Payment -> Person|Organisation|Account
    CALLED = "CALLED"  # Phone -> Phone (one per call record)
    EMPLOYED_BY = "EMPLOYED_BY"  # Person -> Organisation
    RECRUITED = "RECRUITED"  # Person|Organisation -> Person
    TRANSPORTED = "TRANSPORTED"  # Person|Organisation -> Person
    INTRODUCED = "INTRODUCED"  # Person|Organisation -> Person (brokering)
    MARRIED_TO = "MARRIED_TO"  # Person -> Person
    FAMILY_OF = "FAMILY_OF"  # Person -> Person
    ASSOCIATE_OF = "ASSOCIATE_OF"  # Person -> Person (any other tie)
    SPONSORED = "SPONSORED"  # Person|Organisation -> Document (visa, permit)
    ISSUED = "ISSUED"  # Organisation -> Document (issuing agency)
    PARTICIPATED_IN = "PARTICIPATED_IN"  # Person|Organisation -> Event
    USED_IN = "USED_IN"  # Document|Phone|Account -> Event
    EVIDENCE = "EVIDENCE"  # Finding -> anything it rests on
    CANDIDATE_FOR = "CANDIDATE_FOR"  # MatchCandidate -> the two entities it may join


class PropType(StrEnum):
    """Property value types, mapped by each store to its own column types."""

    STRING = "string"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"  # ISO 8601 text, possibly partial (YYYY or YYYY-MM)
    DATETIME = "datetime"  # ISO 8601 text with time, UTC
    STRING_LIST = "string[]"


# --- Controlled vocabularies (HTCDS and FtM terms) -------------------------------------

ROLES: tuple[str, ...] = (
    "victim",
    "suspect",
    "recruiter",
    "broker",  # broker / intermediary
    "transporter",
    "exploiter",
    "buyer",  # buyer or spouse
    "document_forger",
    "financier",
    "witness",
)

CONTROL_METHODS: tuple[str, ...] = (  # HTCDS "means of control"
    "debt_bondage",
    "isolation",
    "threats",
    "violence",
    "threats_against_family",
    "withholding_documents",
    "withholding_wages",
    "confinement",
    "psychological_abuse",
    "sexual_violence",
    "substance_dependency",
    "cultural_practices",  # e.g. curses, oaths
    "false_promises",
    "excessive_working_hours",
)

TRAFFICKING_STAGES: tuple[str, ...] = (  # the five stages of a case
    "recruitment",
    "transportation",
    "exploitation",
    "disposal",
    "proceeds",
)

DOCUMENT_TYPES: tuple[str, ...] = (
    "passport",
    "visa",
    "national_id",
    "residence_permit",
    "work_permit",
    "marriage_certificate",
    "ticket",
    "other",
)

DOCUMENT_STATUSES: tuple[str, ...] = ("valid", "expired", "lost", "stolen", "forged", "revoked", "unknown")

ACCOUNT_TYPES: tuple[str, ...] = ("bank", "mobile_money", "card", "cash_agent", "other")

PAYMENT_PURPOSES: tuple[str, ...] = ("commission", "debt", "wage", "ticket", "proceeds", "fee", "other")

ORGANISATION_TYPES: tuple[str, ...] = (
    "marriage_agency",
    "employer",
    "travel_agency",
    "recruitment_agency",
    "hotel",
    "ngo",
    "shelter",
    "government",
    "other",
)

EVENT_TYPES: tuple[str, ...] = (
    "recruitment",
    "border_crossing",
    "transit",
    "exploitation",
    "marriage_registration",
    "visa_application",
    "arrest",
    "rescue",
    "other",
)

SEXES: tuple[str, ...] = ("female", "male", "other", "unknown")


# --- Declarations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Prop:
    """One property of a node or relationship type."""

    name: str
    type: PropType = PropType.STRING
    description: str = ""
    choices: tuple[str, ...] = ()  # closed vocabulary, checked by the loaders
    indexed: bool = False  # Neo4j creates a range index on it
    identifying: bool = False  # identifies a person: redacted or pseudonymised on export


@dataclass(frozen=True)
class NodeType:
    """A node label with its properties; ``key`` is the stable id property."""

    label: Label
    description: str
    properties: tuple[Prop, ...]
    display: str  # property shown as the node's caption
    ftm: str | None = None  # FollowTheMoney schema
    key: str = "id"

    def prop(self, name: str) -> Prop:
        """Return the declared property ``name`` (KeyError if undeclared)."""
        for p in self.all_properties:
            if p.name == name:
                return p
        raise KeyError(f"{self.label} has no property {name!r}")

    @property
    def all_properties(self) -> tuple[Prop, ...]:
        """Own properties, then provenance and analysis properties common to all nodes."""
        return (Prop(self.key, description="stable id"), *self.properties, *NODE_COMMON)


@dataclass(frozen=True)
class RelType:
    """A relationship type, the label pairs it may join, and its properties."""

    type: Rel
    description: str
    pairs: tuple[tuple[Label, Label], ...]
    properties: tuple[Prop, ...] = ()
    symmetric: bool = False  # direction carries no meaning (marriage, association)
    ftm: str | None = None

    @property
    def all_properties(self) -> tuple[Prop, ...]:
        """Own properties, then provenance properties common to all relationships."""
        return (Prop("id", description="stable id"), *self.properties, *REL_COMMON)

    def prop(self, name: str) -> Prop:
        """Return the declared property ``name`` (KeyError if undeclared)."""
        for p in self.all_properties:
            if p.name == name:
                return p
        raise KeyError(f"{self.type} has no property {name!r}")


PROVENANCE: tuple[Prop, ...] = (
    Prop("sources", PropType.STRING_LIST, "ids of the Source records this came from", indexed=False),
    Prop("source_refs", PropType.STRING_LIST, "record references, source:file:row, the first row of each source"),
    Prop("loaded_at", PropType.DATETIME, "when it was first loaded (UTC)"),
    Prop("updated_at", PropType.DATETIME, "when it was last changed (UTC)"),
    Prop("confidence", PropType.FLOAT, "0..1, how sure the source is"),
    Prop("notes", description="free text from the source"),
)

# Analysis results written back by the analyses; declared so that both stores have columns.
ANALYSIS: tuple[Prop, ...] = (
    Prop("degree", PropType.FLOAT),
    Prop("betweenness", PropType.FLOAT),
    Prop("closeness", PropType.FLOAT),
    Prop("eigenvector", PropType.FLOAT),
    Prop("constraint", PropType.FLOAT),
    Prop("effective_size", PropType.FLOAT),
    Prop("broker_score", PropType.FLOAT),
    Prop("broker_rank", PropType.INT),
    Prop("ring_id", PropType.STRING, indexed=True),
    Prop("ring_score", PropType.FLOAT),
    Prop("community", PropType.INT),
    Prop("kcore", PropType.INT),
    Prop("fraud_score", PropType.FLOAT),
    Prop("hub", PropType.BOOL, "identifier linked to too many people or known generic"),
)

NODE_COMMON: tuple[Prop, ...] = (*PROVENANCE, Prop("attrs", description="other source fields, JSON"), *ANALYSIS)
REL_COMMON: tuple[Prop, ...] = (
    *PROVENANCE,
    Prop("start_date", PropType.DATE),
    Prop("end_date", PropType.DATE),
    Prop("weight", PropType.FLOAT, "strength or count of the tie"),
    Prop("attrs", description="other source fields, JSON"),
)

_S, _I, _F, _B, _D, _L = (
    PropType.STRING,
    PropType.INT,
    PropType.FLOAT,
    PropType.BOOL,
    PropType.DATE,
    PropType.STRING_LIST,
)

PERSON = NodeType(
    Label.PERSON,
    "A person: victim, suspect, witness or anyone else in the case.",
    (
        Prop("name", _S, "full name as recorded", indexed=True, identifying=True),
        Prop("name_key", _S, "transliterated, case-folded matching key", indexed=True, identifying=True),
        Prop("aliases", _L, "other names and spellings", identifying=True),
        Prop("birth_date", _D, identifying=True),
        Prop("sex", _S, choices=SEXES),
        Prop("nationality", _S, "ISO 3166-1 alpha-2"),
        Prop("roles", _L, "HTCDS roles in the process", choices=ROLES),
        Prop("indicators", _L, "HTCDS methods of control seen", choices=CONTROL_METHODS),
        Prop("merged_into", _S, "id of the person this one was merged into"),
    ),
    display="name",
    ftm="Person",
)

DOCUMENT = NodeType(
    Label.DOCUMENT,
    "An identity or travel document: passport, visa, ID, permit, certificate, ticket.",
    (
        Prop("doc_type", _S, choices=DOCUMENT_TYPES, indexed=True),
        Prop("number", _S, "number as printed", identifying=True),
        Prop("number_norm", _S, "normalised number", indexed=True, identifying=True),
        Prop("issuing_country", _S, "ISO 3166-1 alpha-2"),
        Prop("issue_date", _D),
        Prop("expiry_date", _D),
        Prop("mrz", _S, "machine-readable zone lines", identifying=True),
        Prop("photo_hash", _S, "perceptual hash of the photo", indexed=True, identifying=True),
        Prop("status", _S, choices=DOCUMENT_STATUSES),
        Prop("name_on_document", _S, identifying=True),
        Prop("birth_date_on_document", _D, identifying=True),
        Prop("nationality_on_document", _S),
    ),
    display="number",
    ftm="Passport",
)

PHONE = NodeType(
    Label.PHONE,
    "A phone number (E.164 when valid; the raw text kept and flagged otherwise).",
    (
        Prop("number", _S, "E.164, or the raw text when invalid", indexed=True, identifying=True),
        Prop("raw", _S, "as written in the source", identifying=True),
        Prop("valid", _B),
        Prop("country", _S),
        Prop("kind", _S, "mobile, fixed_line, voip, ..."),
        Prop("generic", _B, "a known shared line: hotel switchboard, hotline, shelter"),
    ),
    display="number",
)

ACCOUNT = NodeType(
    Label.ACCOUNT,
    "A bank account, mobile-money wallet or card.",
    (
        Prop("account_type", _S, choices=ACCOUNT_TYPES),
        Prop("number", _S, indexed=True, identifying=True),
        Prop("institution", _S),
        Prop("country", _S),
        Prop("holder_name", _S, identifying=True),
        Prop("currency", _S),
    ),
    display="number",
    ftm="BankAccount",
)

PAYMENT = NodeType(
    Label.PAYMENT,
    "A transfer of money from a payer to a beneficiary.",
    (
        Prop("amount", _F),
        Prop("currency", _S),
        Prop("date", _D, indexed=True),
        Prop("purpose", _S, choices=PAYMENT_PURPOSES),
        Prop("reference", _S),
        Prop("channel", _S, "bank transfer, mobile money, cash, ..."),
    ),
    display="amount",
    ftm="Payment",
)

ADDRESS = NodeType(
    Label.ADDRESS,
    "An address or a place.",
    (
        Prop("full", _S, "full address text", identifying=True),
        Prop("street", _S, identifying=True),
        Prop("city", _S),
        Prop("region", _S),
        Prop("postal_code", _S, identifying=True),
        Prop("country", _S, indexed=True),
        Prop("lat", _F, identifying=True),
        Prop("lon", _F, identifying=True),
        Prop("kind", _S, "home, workplace, hotel, shelter, border post, ..."),
    ),
    display="full",
    ftm="Address",
)

ORGANISATION = NodeType(
    Label.ORGANISATION,
    "A marriage agency, employer, travel or recruitment agency, NGO, hotel, ...",
    (
        Prop("name", _S, indexed=True),
        Prop("name_key", _S, indexed=True),
        Prop("org_type", _S, choices=ORGANISATION_TYPES),
        Prop("country", _S),
        Prop("registration_number", _S),
    ),
    display="name",
    ftm="Organization",
)

EVENT = NodeType(
    Label.EVENT,
    "Something that happened at a time and place: recruitment, crossing, exploitation, ...",
    (
        Prop("event_type", _S, choices=EVENT_TYPES, indexed=True),
        Prop("stage", _S, choices=TRAFFICKING_STAGES),
        Prop("date", _D, indexed=True),
        Prop("end_date", _D),
        Prop("place", _S),
        Prop("country", _S),
        Prop("from_country", _S, "for crossings: the country left"),
        Prop("description", _S),
    ),
    display="event_type",
    ftm="Event",
)

SOURCE = NodeType(
    Label.SOURCE,
    "Where records came from: a file, a partner's export, a statement.",
    (
        Prop("name", _S),
        Prop("kind", _S, "file, partner export, statement, ..."),
        Prop("file", _S),
        Prop("spec", _S, "mapping spec used"),
        Prop("partner", _S, "agency or team that supplied it"),
        Prop("rows", _I),
        Prop("sha256", _S),
    ),
    display="name",
)

FINDING = NodeType(
    Label.FINDING,
    "The result of an analysis check, linked to its evidence.",
    (
        Prop("check", _S, indexed=True),
        Prop("severity", _S),
        Prop("score", _F),
        Prop("reason", _S),
        Prop("cluster_id", _S, indexed=True),
        Prop("analysis", _S),
    ),
    display="check",
)

CANDIDATE = NodeType(
    Label.CANDIDATE,
    "A possible match between two entities, never merged until an analyst accepts it.",
    (
        Prop("left_id", _S, indexed=True),
        Prop("right_id", _S, indexed=True),
        Prop("entity_label", _S, "label of the two entities"),
        Prop("score", _F),
        Prop("explanation", _S, "JSON: property by property, why they may be one"),
        Prop("status", _S, choices=("open", "accepted", "rejected", "undone"), indexed=True),
        Prop("decided_by", _S),
        Prop("decided_at", PropType.DATETIME),
        Prop("reason", _S, "the analyst's reason"),
        Prop("merge_record", _S, "JSON: what the merge changed, so that it can be undone"),
    ),
    display="score",
)

NODE_TYPES: dict[Label, NodeType] = {
    t.label: t
    for t in (PERSON, DOCUMENT, PHONE, ACCOUNT, PAYMENT, ADDRESS, ORGANISATION, EVENT, SOURCE, FINDING, CANDIDATE)
}

_P, _O, _AC = Label.PERSON, Label.ORGANISATION, Label.ACCOUNT
_PERSON_TO_PERSON = ((_P, _P),)

REL_TYPES: dict[Rel, RelType] = {
    t.type: t
    for t in (
        RelType(Rel.HOLDS, "holds a document", ((_P, Label.DOCUMENT),), ftm="Identification"),
        RelType(Rel.USES, "uses a phone", ((_P, Label.PHONE), (_O, Label.PHONE))),
        RelType(Rel.LIVES_AT, "lives or stays at an address", ((_P, Label.ADDRESS),)),
        RelType(Rel.LOCATED_AT, "is located at", ((_O, Label.ADDRESS), (Label.EVENT, Label.ADDRESS))),
        RelType(Rel.OWNS, "owns or controls an account", ((_P, _AC), (_O, _AC))),
        RelType(Rel.SENT, "sent a payment", ((_P, Label.PAYMENT), (_O, Label.PAYMENT), (_AC, Label.PAYMENT))),
        RelType(
            Rel.PAID_TO, "payment to a beneficiary", ((Label.PAYMENT, _P), (Label.PAYMENT, _O), (Label.PAYMENT, _AC))
        ),
        RelType(
            Rel.CALLED,
            "a call or message between phones",
            ((Label.PHONE, Label.PHONE),),
            (Prop("date", _D), Prop("time", _S), Prop("duration_s", _I), Prop("kind", _S, "call, sms, message")),
        ),
        RelType(Rel.EMPLOYED_BY, "works or worked for", ((_P, _O),), (Prop("position", _S),)),
        RelType(Rel.RECRUITED, "recruited a person", ((_P, _P), (_O, _P)), (Prop("date", _D), Prop("promise", _S))),
        RelType(Rel.TRANSPORTED, "moved a person", ((_P, _P), (_O, _P)), (Prop("date", _D), Prop("route", _S))),
        RelType(
            Rel.INTRODUCED,
            "introduced or brokered a person (e.g. to a spouse or employer)",
            ((_P, _P), (_O, _P)),
            (Prop("date", _D), Prop("to_id", _S, "whom the person was introduced to")),
        ),
        RelType(
            Rel.MARRIED_TO, "married or engaged", _PERSON_TO_PERSON, (Prop("date", _D),), symmetric=True, ftm="Family"
        ),
        RelType(Rel.FAMILY_OF, "family tie", _PERSON_TO_PERSON, (Prop("relation", _S),), symmetric=True, ftm="Family"),
        RelType(
            Rel.ASSOCIATE_OF,
            "any other tie",
            _PERSON_TO_PERSON,
            (Prop("relation", _S),),
            symmetric=True,
            ftm="Associate",
        ),
        RelType(Rel.SPONSORED, "sponsored or invited for a document", ((_P, Label.DOCUMENT), (_O, Label.DOCUMENT))),
        RelType(Rel.ISSUED, "issued a document", ((_O, Label.DOCUMENT),)),
        RelType(
            Rel.PARTICIPATED_IN,
            "took part in an event",
            ((_P, Label.EVENT), (_O, Label.EVENT)),
            (Prop("role", _S),),
        ),
        RelType(
            Rel.USED_IN,
            "an identifier used in an event",
            ((Label.DOCUMENT, Label.EVENT), (Label.PHONE, Label.EVENT), (_AC, Label.EVENT)),
        ),
        RelType(
            Rel.EVIDENCE,
            "a finding rests on this",
            tuple((Label.FINDING, lab) for lab in Label if lab is not Label.FINDING),
            (Prop("reason", _S),),
        ),
        RelType(
            Rel.CANDIDATE_FOR,
            "a match candidate concerns this entity",
            tuple((Label.CANDIDATE, lab) for lab in (_P, _O, Label.DOCUMENT, Label.PHONE, _AC, Label.ADDRESS)),
            (Prop("side", _S, "left or right"),),
        ),
    )
}


@dataclass(frozen=True)
class Domain:
    """The whole model, for code that wants it as one value."""

    nodes: dict[Label, NodeType] = field(default_factory=lambda: dict(NODE_TYPES))
    rels: dict[Rel, RelType] = field(default_factory=lambda: dict(REL_TYPES))


def node_type(label: str) -> NodeType:
    """Return the node type for ``label``; ValueError names the known labels.

    >>> node_type("Phone").display
    'number'
    """
    try:
        return NODE_TYPES[Label(label)]
    except ValueError:
        known = ", ".join(lab.value for lab in Label)
        raise ValueError(f"unknown node label {label!r} (known: {known})") from None


def rel_type(name: str) -> RelType:
    """Return the relationship type ``name``; ValueError names the known types.

    >>> rel_type("CALLED").pairs
    ((<Label.PHONE: 'Phone'>, <Label.PHONE: 'Phone'>),)
    """
    try:
        return REL_TYPES[Rel(name)]
    except ValueError:
        known = ", ".join(r.value for r in Rel)
        raise ValueError(f"unknown relationship type {name!r} (known: {known})") from None


def relationship_types_between(source: Label, target: Label) -> list[Rel]:
    """Relationship types the model allows from ``source`` to ``target``.

    >>> relationship_types_between(Label.PHONE, Label.PHONE)
    [<Rel.CALLED: 'CALLED'>]
    """
    return [t.type for t in REL_TYPES.values() if (source, target) in t.pairs]


def identifying_properties(label: Label) -> tuple[str, ...]:
    """Names of the properties that identify a person, for redaction.

    >>> "birth_date" in identifying_properties(Label.PERSON)
    True
    """
    return tuple(p.name for p in NODE_TYPES[label].all_properties if p.identifying)
