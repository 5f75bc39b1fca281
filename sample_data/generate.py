"""Generate a realistic synthetic trafficking case, with the ground truth planted in it.

Run ``python -m sample_data.generate --out DIR --people N --seed S``, or call
:func:`generate_case`. The files it writes are the fragments an investigation holds (people,
organisations, documents, phone subscribers, call records, accounts, payments, addresses,
relations, events, a partner agency's border-crossing log); ``ground_truth.json`` says what
is really in them.

What is planted:

- marriage-broker rings: a recruiter in Vietnam, Cambodia, Laos, Myanmar or Nepal, a
  transporter, one or two brokers on the Chinese side, women moved across the border with
  visas sponsored by a few sponsors (the broker or a front marriage agency), commission paid
  by the husband's side to the broker, marriage registrations, border crossings;
- labour-exploitation rings: a recruiter and a recruitment agency in the source country, an
  employer and an exploiter in the destination, a financier, loans repaid as debt payments,
  wages withheld (paid to the exploiter instead of the worker);
- document forgers: shared passport numbers, serial numbers across unrelated holders, bad
  MRZ check digits, impossible dates, one photo on several identities, altered birth dates;
- phones shared inside a ring, calls between ring phones;
- noise: legitimate marriages through licensed agencies and legitimate employment that look
  alike, a hotel switchboard and an NGO hotline used by many people (hubs), names written
  differently across files, phone numbers in local formats, a few invalid numbers, blank
  optional fields.

The files (CSV, UTF-8, a header row, ``\n`` line ends; columns in :data:`FILES`): dates are
ISO ``YYYY-MM-DD`` everywhere except ``border_crossings.csv``, the partner agency's log,
which writes ``DD/MM/YYYY``, carries no person ids and spells names as its officers read
them. ``events.csv`` has one row per participant (an ``event_id`` repeats) and a ``role``
column; ``mrz`` holds the two TD3 lines joined by a newline; ``phones.csv`` writes numbers as
people do, with ``default_region`` to read local formats; ``calls.csv`` as a carrier does
(E.164, sometimes spaced). ``roles`` in ``people.csv`` are what the investigation has
recorded, often less than the truth; the truth is in ``ground_truth.json``.

Everything is synthetic: names are drawn from lists of common name parts, numbers at random.
The output depends only on ``people`` and ``seed``: the same pair gives byte-identical files.
Rows are written as they are made, one small unit (a ring, a couple, a household) at a
time, so 100,000 people stream to disk in bounded memory; only the ground truth (ids) and the
sets that keep numbers unique grow with the case.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate_case(Path(tmp), people=60, seed=1)
...     (Path(tmp) / "people.csv").read_text(encoding="utf-8").count("\\n") - 1
60
>>> summary.counts["people.csv"], summary.rings >= 1
(60, True)
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from graph_tool.model import CONTROL_METHODS, ROLES
from sample_data.geo import (
    BORDER_TOWNS,
    COUNTRIES,
    INLAND,
    PhoneNumber,
    border_post,
    city,
    random_fixed,
    random_mobile,
)
from sample_data.names import Name, ascii_fold, make_name, mrz_name_field, name_variant, write_name

REF_DATE = date(2024, 6, 30)  # "today" in the case: nothing happens after it
RELATIONS: tuple[str, ...] = (
    "recruited",
    "transported",
    "introduced",
    "married_to",
    "family_of",
    "associate_of",
    "employed_by",
)

FILES: dict[str, tuple[str, ...]] = {
    "people.csv": (
        "person_id",
        "full_name",
        "aliases",
        "birth_date",
        "sex",
        "nationality",
        "roles",
        "indicators",
        "notes",
    ),
    "organisations.csv": ("org_id", "name", "org_type", "country", "registration_number", "address", "phone"),
    "documents.csv": (
        "doc_ref",
        "holder_id",
        "doc_type",
        "number",
        "issuing_country",
        "issue_date",
        "expiry_date",
        "mrz",
        "photo_hash",
        "status",
        "name_on_document",
        "birth_date_on_document",
        "sponsor_id",
    ),
    "phones.csv": ("person_id", "phone", "subscriber_name", "default_region", "since"),
    "calls.csv": ("call_id", "caller", "callee", "date", "time", "duration_s", "kind"),
    "accounts.csv": ("account_number", "account_type", "institution", "country", "holder_id"),
    "payments.csv": (
        "payment_id",
        "payer_id",
        "payer_account",
        "payee_id",
        "payee_account",
        "amount",
        "currency",
        "date",
        "purpose",
        "channel",
        "reference",
    ),
    "addresses.csv": ("person_id", "address", "city", "country", "lat", "lon", "kind"),
    "relations.csv": ("from_id", "to_id", "relation", "date", "notes"),
    "events.csv": (
        "event_id",
        "person_id",
        "event_type",
        "date",
        "place",
        "country",
        "from_country",
        "description",
        "role",
    ),
    "border_crossings.csv": (
        "crossing_id",
        "traveller_name",
        "birth_date",
        "nationality",
        "passport_number",
        "date",
        "border_post",
        "direction",
        "from_country",
        "to_country",
    ),
}

# Rough exchange rates (units per US dollar) to write amounts in local currency.
FX: dict[str, float] = {
    "VND": 24000,
    "KHR": 4100,
    "LAK": 20000,
    "MMK": 2100,
    "CNY": 7.1,
    "THB": 35,
    "NPR": 133,
    "RON": 4.6,
    "NGN": 1500,
    "GBP": 0.79,
    "USD": 1,
}

MARRIAGE_SOURCES = (("VN", 40), ("KH", 20), ("LA", 14), ("MM", 20), ("NP", 6))
LABOUR_ROUTES: tuple[tuple[str, str, str, int], ...] = (  # source, destination, workplace, weight
    ("MM", "TH", "fishing vessel", 14),
    ("MM", "TH", "seafood processing plant", 10),
    ("KH", "TH", "construction site", 10),
    ("KH", "TH", "fishing vessel", 6),
    ("LA", "TH", "garment factory", 8),
    ("VN", "GB", "nail bar", 8),
    ("VN", "GB", "cannabis farm", 6),
    ("RO", "GB", "car wash", 7),
    ("RO", "GB", "farm", 5),
    ("NG", "GB", "domestic work", 6),
    ("CN", "GB", "restaurant", 5),
    ("VN", "CN", "electronics factory", 8),
    ("MM", "CN", "textile factory", 7),
)
MALE_WORK = ("fishing vessel", "construction site", "car wash", "cannabis farm", "farm")
WORKPLACE_NAMES: dict[str, tuple[str, ...]] = {
    "fishing vessel": ("Golden Sea Fishery Co., Ltd.", "Andaman Star Fishing", "Blue Ocean Marine Products"),
    "seafood processing plant": ("Siam Seafood Processing Co.", "Gulf Frozen Foods", "Golden Shrimp Peeling"),
    "construction site": ("Siam Build Contractors", "Eastern Star Construction", "Rattana Civil Works"),
    "garment factory": ("Lanna Garment Co.", "Silk Road Apparel", "Northern Textile Export"),
    "nail bar": ("Perfect Nails Ltd", "Lotus Nail & Beauty", "Glamour Nails Studio"),
    "cannabis farm": ("Greenline Property Services Ltd", "Northside Lettings Ltd", "Oak Farm Storage Ltd"),
    "car wash": ("Sparkle Hand Car Wash Ltd", "Blue Wave Valeting", "Express Auto Wash"),
    "farm": ("Fenland Fresh Produce Ltd", "Meadow Field Growers", "Valley Harvest Ltd"),
    "domestic work": ("Bright Home Services Ltd", "Kensington Household Staff", "Homecare Plus Ltd"),
    "restaurant": ("Golden Dragon Restaurant Ltd", "Jade Garden Catering", "Lucky Star Takeaway"),
    "electronics factory": ("Pearl River Electronics Co., Ltd.", "Bright Circuit Factory", "Star Components Co., Ltd."),
    "textile factory": ("Southern Textile Co., Ltd.", "Silk Mill No. 3", "Border Knitwear Factory"),
}
PROMISES_MARRIAGE = (
    "promised a job in a garment factory in China",
    "promised a well-paid restaurant job across the border",
    "promised marriage to a rich man in China",
    "offered work in a beauty salon in Guangxi",
    "told she would visit relatives and come back in a week",
)
ROLES_USED = (
    "victim",
    "suspect",
    "recruiter",
    "broker",
    "transporter",
    "exploiter",
    "buyer",
    "document_forger",
    "financier",
    "witness",
)
MARRIAGE_INDICATORS = (
    "isolation",
    "confinement",
    "threats",
    "false_promises",
    "sexual_violence",
    "withholding_documents",
    "psychological_abuse",
    "violence",
)
LABOUR_INDICATORS = (
    "debt_bondage",
    "withholding_wages",
    "withholding_documents",
    "excessive_working_hours",
    "threats",
    "confinement",
    "threats_against_family",
    "violence",
    "isolation",
    "false_promises",
)
FRAUD_KINDS = ("shared_number", "serial", "bad_mrz", "impossible_dates", "shared_photo", "shared_sponsor")
PASSPORT_FLAWS = frozenset(("serial", "bad_mrz", "impossible_dates"))

PHONE_STYLE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("national", 30),
    ("national_compact", 15),
    ("national_dash", 7),
    ("national_dot", 5),
    ("intl", 15),
    ("intl_dash", 10),
    ("e164", 12),
    ("idd", 6),
)


# --- ICAO 9303 machine-readable zone --------------------------------------------------


def mrz_check_digit(text: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1; '<' = 0, 'A' = 10 ... 'Z' = 35).

    >>> mrz_check_digit("L898902C3"), mrz_check_digit("740812")
    ('6', '2')
    """
    total = sum((0 if ch == "<" else int(ch, 36)) * (7, 3, 1)[i % 3] for i, ch in enumerate(text))
    return str(total % 10)


def make_td3(
    name: Name, number: str, issuer: str, nationality: str, birth: date, sex: str, expiry: date
) -> tuple[str, str]:
    """The two 44-character lines of a passport MRZ with correct check digits.

    >>> n = Name("VN", "Nguyễn", ("Thị", "Lan"), female=True)
    >>> l1, l2 = make_td3(n, "C1234567", "VN", "VN", date(1998, 3, 4), "female", date(2029, 1, 2))
    >>> l1
    'P<VNMNGUYEN<<THI<LAN<<<<<<<<<<<<<<<<<<<<<<<<'
    >>> l2
    'C1234567<0VNM9803042F2901020<<<<<<<<<<<<<<<0'
    """
    a3 = COUNTRIES[issuer].alpha3
    line1 = "P<" + a3 + mrz_name_field(name, 39)
    num = number[:9].ljust(9, "<")
    dob = birth.strftime("%y%m%d")
    exp = expiry.strftime("%y%m%d")
    personal = "<" * 14
    body = (
        num
        + mrz_check_digit(num)
        + COUNTRIES[nationality].alpha3
        + dob
        + mrz_check_digit(dob)
        + ("F" if sex == "female" else "M")
        + exp
        + mrz_check_digit(exp)
        + personal
        + "<"
    )
    composite = mrz_check_digit(body[0:10] + body[13:20] + body[21:43])
    return line1, body + composite


def mrz_failures(line2: str) -> list[str]:
    """Names of the TD3 check digits that do not verify ([] for a good line).

    >>> mrz_failures("C1234567<0VNM9803042F2901020<<<<<<<<<<<<<<<0")
    []
    >>> mrz_failures("C1234567<1VNM9803042F2901020<<<<<<<<<<<<<<<0")
    ['number', 'composite']
    """
    out = []
    for label, field_text, digit in (
        ("number", line2[0:9], line2[9]),
        ("birth_date", line2[13:19], line2[19]),
        ("expiry_date", line2[21:27], line2[27]),
    ):
        if mrz_check_digit(field_text) != digit:
            out.append(label)
    if mrz_check_digit(line2[0:10] + line2[13:20] + line2[21:43]) != line2[43]:
        out.append("composite")
    return out


def cn_resident_id(region: str, birth: date, seq: int) -> str:
    """An 18-character PRC resident identity number with its ISO 7064 MOD 11-2 check.

    >>> cn_resident_id("110105", date(1949, 12, 31), 2)
    '11010519491231002X'
    """
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


# --- value objects ------------------------------------------------------------------------


@dataclass(slots=True)
class Passport:
    """A passport as far as later records need it."""

    doc_ref: str
    number: str
    name: Name  # the name printed on it (an alias identity for some)
    birth: date  # the birth date printed on it
    issuer: str


@dataclass(slots=True)
class Person:
    """A person being generated; the people.csv row is written when the unit ends."""

    pid: str
    name: Name
    sex: str
    birth: date
    nat: str
    country: str  # where the person lives at the start
    city: str
    roles: list[str] = field(default_factory=list)  # as recorded by the investigation
    indicators: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    notes: str = ""
    blank_birth: bool = False
    phones: list[PhoneNumber] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    passport: Passport | None = None


@dataclass(slots=True)
class Org:
    """An organisation row and what later rows need of it."""

    oid: str
    name: str
    country: str
    city: str
    address: str
    phone: PhoneNumber | None
    account: str = ""


@dataclass(slots=True)
class Forger:
    """A document forger and the state of their serial runs."""

    person: Person
    country: str  # the passports they make
    next_serial: int = 0
    block_end: int = 0
    runs: list[list[tuple[str, str, str]]] = field(default_factory=list)  # (doc_ref, number, holder)


@dataclass(slots=True)
class Hub:
    """A phone linked to many people: a hotel switchboard or an NGO hotline."""

    kind: str  # hotel_switchboard | ngo_hotline
    org: Org
    phone: PhoneNumber
    raw_forms: list[str] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # give it as their number in phones.csv
    callers: set[str] = field(default_factory=set)  # called it or were called from it


@dataclass(frozen=True)
class CaseSummary:
    """What :func:`generate_case` wrote."""

    out_dir: Path
    people: int
    seed: int
    counts: dict[str, int]
    rings: int
    marriage_rings: int
    labour_rings: int
    victims: int
    brokers: int
    forgers: int
    forged_documents: int
    hubs: int
    seconds: float

    @property
    def total_rows(self) -> int:
        """Data rows over all CSV files."""
        return sum(self.counts.values())

    def format(self) -> str:
        """A short human-readable report."""
        lines = [f"wrote {self.out_dir} (people={self.people}, seed={self.seed}) in {self.seconds:.1f} s"]
        width = max(len(k) for k in self.counts)
        lines += [f"  {k:<{width}} {v:>10,}" for k, v in self.counts.items()]
        lines.append(f"  {'total rows':<{width}} {self.total_rows:>10,}")
        lines.append(
            f"  rings: {self.rings} ({self.marriage_rings} marriage, {self.labour_rings} labour); "
            f"victims: {self.victims}; brokers: {self.brokers}; forgers: {self.forgers}; "
            f"forged/fraudulent documents: {self.forged_documents}; hubs: {self.hubs}"
        )
        return "\n".join(lines)


# --- the generator ------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    total = sum(w for _, w in weighted)
    x = rng.randrange(total)
    for value, w in weighted:
        if x < w:
            return value
        x -= w
    return weighted[-1][0]


def _days(d: date, lo: int, hi: int, rng: random.Random) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _roles(rng: random.Random, *options: tuple[str, int]) -> list[str]:
    """What the investigation has recorded for a person: often less than the truth."""
    chosen = _pick(rng, options)
    return [r for r in chosen.split(";") if r]


class _Case:
    """One generation run: open writers, counters, ground truth accumulators."""

    def __init__(self, out_dir: Path, people: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.out_dir = out_dir
        self.target = people
        self.seed = seed
        self.emitted = 0
        self.counts: dict[str, int] = dict.fromkeys(FILES, 0)
        self.seq: dict[str, int] = {}
        self._files: list[IO[str]] = []
        self._w: dict[str, Any] = {}
        self._unit_people: list[Person] = []
        self._unit_variants: set[tuple[str, str, str]] = set()
        self._number_of: dict[str, str] = {}  # doc_ref -> number, for the current unit
        self._photos: dict[str, str] = {}  # doc_ref -> photo hash, for the current unit
        # uniqueness of generated identifiers
        self._used_phones: set[str] = set()
        self._used_numbers: set[str] = set()
        self._used_blocks: set[tuple[str, int]] = set()
        self._reserved_blocks: set[tuple[str, int]] = set()
        self._used_accounts: dict[str, str] = {}  # number -> account type
        # noise pools, bounded
        self._recent_phones: list[PhoneNumber] = []
        self._recent_suspects: list[str] = []
        self._recent_accounts: list[tuple[str, str, str]] = []  # (holder, account, currency)
        self.forgers: dict[str, list[Forger]] = {}
        self.legit_marriage_agencies: list[Org] = []
        self.legit_employers: dict[tuple[str, str], list[Org]] = {}
        self.legit_recruiters: dict[str, list[Org]] = {}
        self.hubs: list[Hub] = []
        self._needed_fraud = set(FRAUD_KINDS)
        self._invalid_budget = 0
        # ground truth
        self.gt_roles: dict[str, list[str]] = {
            k: []
            for k in (
                "brokers",
                "recruiters",
                "transporters",
                "exploiters",
                "financiers",
                "buyers",
                "forgers",
                "victims",
                "sponsors",
                "legit",
            )
        }
        self.gt_rings: list[dict[str, Any]] = []
        self.gt_legit_units: list[dict[str, Any]] = []
        self.gt_forged: dict[str, dict[str, Any]] = {}
        self.gt_groups: dict[tuple[str, str], dict[str, Any]] = {}
        self.gt_variants: list[dict[str, str]] = []
        self.gt_invalid_phones: list[dict[str, str]] = []

    # -- ids and writers

    def _id(self, kind: str, fmt: str) -> str:
        n = self.seq.get(kind, 0) + 1
        self.seq[kind] = n
        return fmt.format(n)

    def open(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, header in FILES.items():
            f = (self.out_dir / name).open("w", encoding="utf-8", newline="", buffering=1 << 20)
            self._files.append(f)
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            self._w[name] = w

    def close(self) -> None:
        for f in self._files:
            f.close()

    def row(self, file: str, values: Sequence[object]) -> None:
        self._w[file].writerow(values)
        self.counts[file] += 1

    # -- people

    def person(
        self,
        nat: str,
        sex: str,
        age: tuple[int, int],
        at: date,
        country: str | None = None,
        town: str | None = None,
        roles: Sequence[str] = (),
    ) -> Person:
        rng = self.rng
        years = rng.randint(*age)
        birth = at - timedelta(days=365 * years + rng.randrange(365))
        name = make_name(nat, sex, rng)
        country = country or nat
        town = town or rng.choice(COUNTRIES[country].cities).name
        p = Person(self._id("person", "P-{:04d}"), name, sex, birth, nat, country, town, roles=list(roles))
        if nat == "CN" and rng.random() < 0.7:
            p.aliases.append(name.hanzi)
            self.variant(p, name.hanzi, "people.csv", "hanzi")
        self._unit_people.append(p)
        self.emitted += 1
        return p

    def variant(self, p: Person, text: str, file: str, kind: str) -> None:
        if text and text != p.name.full and (p.pid, text, file) not in self._unit_variants:
            self._unit_variants.add((p.pid, text, file))
            self.gt_variants.append(
                {"person_id": p.pid, "canonical": p.name.full, "variant": text, "file": file, "kind": kind}
            )

    def written_name(self, p: Person, file: str, weights: Sequence[tuple[str, int]]) -> str:
        text, kind = name_variant(p.name, _pick(self.rng, weights), self.rng)
        self.variant(p, text, file, kind)
        return text

    def flush(self) -> None:
        """Write the unit's people rows, in id order."""
        for p in self._unit_people:
            self.row(
                "people.csv",
                (
                    p.pid,
                    p.name.full,
                    ";".join(p.aliases),
                    "" if p.blank_birth else p.birth.isoformat(),
                    p.sex,
                    p.nat,
                    ";".join(dict.fromkeys(p.roles)),
                    ";".join(dict.fromkeys(p.indicators)),
                    p.notes,
                ),
            )
        self._unit_people = []
        self._unit_variants = set()
        self._number_of = {}
        self._photos = {}

    # -- phones and calls

    def new_number(self, country: str, fixed: bool = False) -> PhoneNumber:
        while True:
            num = random_fixed(country, self.rng) if fixed else random_mobile(country, self.rng)
            if num.e164 not in self._used_phones:
                self._used_phones.add(num.e164)
                return num

    def style(self, num: PhoneNumber) -> str:
        if num.fixed and self.rng.random() < 0.3:
            return "national_paren"
        return _pick(self.rng, PHONE_STYLE_WEIGHTS)

    def phone_row(self, p: Person, num: PhoneNumber, subscriber: str, since: date | None) -> str:
        raw = num.write(self.style(num))
        self.row("phones.csv", (p.pid, raw, subscriber, num.country, since.isoformat() if since else ""))
        return raw

    def give_phone(
        self, p: Person, country: str | None = None, since: date | None = None, subscriber: str | None = None
    ) -> PhoneNumber:
        """A new number for ``p`` with its subscriber row."""
        rng = self.rng
        num = self.new_number(country or p.country)
        if subscriber is None:
            subscriber = (
                ""
                if rng.random() < 0.05
                else self.written_name(
                    p, "phones.csv", (("exact", 60), ("ascii", 15), ("upper", 10), ("typo", 10), ("translit", 5))
                )
            )
        if since is None and rng.random() < 0.9:
            since = date(rng.randint(2010, 2022), rng.randint(1, 12), rng.randint(1, 28))
        self.phone_row(p, num, subscriber, since)
        p.phones.append(num)
        self._remember_phone(num)
        return num

    def share_phone(self, p: Person, num: PhoneNumber, subscriber: str, since: date | None) -> None:
        self.phone_row(p, num, subscriber, since)
        p.phones.append(num)

    def invalid_phone(self, p: Person) -> None:
        """A number written down wrong: too short, or with a letter for a digit."""
        num = random_mobile(p.country, self.rng)
        good = num.write("national")
        spots = [i for i, ch in enumerate(good) if ch in "0158" and i >= 3]  # not the trunk or the prefix
        if self.rng.random() < 0.5 or not spots:
            raw, reason = good[: max(4, len(good) - 4)].rstrip(" -."), "too few digits"
        else:
            i = spots[-1]
            raw = good[:i] + {"0": "O", "1": "l", "5": "S", "8": "B"}[good[i]] + good[i + 1 :]
            reason = "letter for digit"
        self.row("phones.csv", (p.pid, raw, self.written_name(p, "phones.csv", (("exact", 1),)), p.country, ""))
        self.gt_invalid_phones.append({"person_id": p.pid, "raw": raw, "default_region": p.country, "reason": reason})

    def _remember_phone(self, num: PhoneNumber) -> None:
        if len(self._recent_phones) < 3000:
            self._recent_phones.append(num)
        else:
            self._recent_phones[self.rng.randrange(3000)] = num

    def calls(self, a: PhoneNumber, b: PhoneNumber, n: int, start: date, end: date, sms: float = 0.3) -> None:
        rng = self.rng
        span = max(0, (min(end, REF_DATE) - start).days)
        for _ in range(n):
            when = start + timedelta(days=rng.randint(0, span))
            if when > REF_DATE:
                continue
            x, y = (a, b) if rng.random() < 0.55 else (b, a)
            kind = "sms" if rng.random() < sms else "call"
            duration = 0 if kind == "sms" else int(rng.expovariate(1 / 150)) + rng.randint(0, 20)
            hour = rng.choice((7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1))
            self.row(
                "calls.csv",
                (
                    self._id("call", "C-{:06d}"),
                    self.telco(x),
                    self.telco(y),
                    when.isoformat(),
                    f"{hour:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
                    duration,
                    kind,
                ),
            )

    def telco(self, num: PhoneNumber) -> str:
        return num.e164 if self.rng.random() < 0.85 else num.write("intl")

    # -- accounts and payments

    def account(self, holder_id: str, country: str, kind: str = "bank", phone: PhoneNumber | None = None) -> str:
        rng = self.rng
        c = COUNTRIES[country]
        while True:
            if kind == "mobile_money" and phone is not None and phone.e164[1:] not in self._used_accounts:
                number = phone.e164[1:]
            elif kind == "card":
                number = "9" + "".join(str(rng.randrange(10)) for _ in range(15))
            else:
                length = {"CN": 19, "GB": 8, "RO": 16, "NG": 10}.get(country, 12)
                number = str(rng.randrange(10 ** (length - 1), 10**length))
                if country == "RO":
                    number = "RO" + f"{rng.randrange(10, 99)}" + "CRPT" + number
                elif country == "GB":
                    number = f"{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)} {number}"
            if number not in self._used_accounts:
                break
        self._used_accounts[number] = kind
        institution = rng.choice(c.wallets if kind == "mobile_money" else c.banks)
        self.row("accounts.csv", (number, kind, institution, country, holder_id))
        cur = c.currency
        if len(self._recent_accounts) < 2000:
            self._recent_accounts.append((holder_id, number, cur))
        else:
            self._recent_accounts[rng.randrange(2000)] = (holder_id, number, cur)
        return number

    def person_account(self, p: Person, country: str | None = None, kind: str | None = None) -> str:
        country = country or p.country
        if kind is None:
            kind = "mobile_money" if self.rng.random() < 0.4 else "bank"
        phone = next((ph for ph in p.phones if ph.country == country), None)
        acc = self.account(p.pid, country, kind, phone)
        p.accounts.append(acc)
        return acc

    def pay(
        self,
        payer: str,
        payer_acc: str,
        payee: str,
        payee_acc: str,
        usd: float,
        currency: str,
        when: date,
        purpose: str,
        reference: str = "",
        channel: str | None = None,
    ) -> str | None:
        if when > REF_DATE:
            return None
        rng = self.rng
        if channel is None:
            kinds = {self._used_accounts.get(payer_acc), self._used_accounts.get(payee_acc)}
            if not payer_acc and not payee_acc:
                channel = "cash"
            elif "mobile_money" in kinds:
                channel = "mobile_money"
            elif "card" in kinds:
                channel = "card"
            else:
                channel = "bank_transfer"
        if channel == "cash":
            payer_acc = payee_acc = ""
        amount = usd * FX[currency] * rng.uniform(0.9, 1.1)
        if FX[currency] >= 1000:
            amount = round(amount, -3)
        elif FX[currency] >= 100:
            amount = round(amount, -2)
        pid = self._id("payment", "PAY-{:05d}")
        ref = "" if rng.random() < 0.15 else reference
        self.row(
            "payments.csv",
            (
                pid,
                payer,
                payer_acc,
                payee,
                payee_acc,
                f"{max(amount, 1):.2f}",
                currency,
                when.isoformat(),
                purpose,
                channel,
                ref,
            ),
        )
        return pid

    # -- places, relations, events

    def street(self, country: str, town: str) -> str:
        c = COUNTRIES[country]
        n = self.rng.randint(1, 240)
        s = self.rng.choice(c.streets)
        return f"{n} {s}" if c.address_style == "num_street" else f"{s} {n}"

    def address(self, p: Person, country: str, town: str, kind: str, text: str | None = None) -> None:
        rng = self.rng
        c = city(country, town)
        text = text or self.street(country, town)
        if rng.random() < 0.05:
            lat = lon = ""
        else:
            lat = f"{c.lat + rng.uniform(-0.03, 0.03):.5f}"
            lon = f"{c.lon + rng.uniform(-0.03, 0.03):.5f}"
        self.row("addresses.csv", (p.pid, text, town, country, lat, lon, kind))

    def rel(self, a: str, b: str, relation: str, when: date | None, notes: str = "") -> None:
        if when is not None and when > REF_DATE:
            return
        self.row("relations.csv", (a, b, relation, when.isoformat() if when else "", notes))

    def event(
        self,
        etype: str,
        when: date,
        place: str,
        country: str,
        from_country: str,
        description: str,
        parts: Sequence[tuple[Person, str]],
    ) -> str | None:
        if when > REF_DATE:
            return None
        eid = self._id("event", "EV-{:04d}")
        for p, role in parts:
            self.row(
                "events.csv", (eid, p.pid, etype, when.isoformat(), place, country, from_country, description, role)
            )
        return eid

    def org(
        self,
        org_type: str,
        name: str,
        country: str,
        town: str,
        phone: PhoneNumber | None = None,
        with_phone: bool = True,
    ) -> Org:
        rng = self.rng
        if phone is None and with_phone and rng.random() < 0.85:
            phone = self.new_number(country, fixed=rng.random() < 0.5)
        addr = f"{self.street(country, town)}, {town}"
        o = Org(self._id("org", "O-{:03d}"), name, country, town, addr, phone)
        reg = ""
        if rng.random() < 0.8:
            if country == "CN":
                reg = "91" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(16))
            elif country == "GB":
                reg = f"{rng.randrange(10**7):08d}"
            else:
                reg = str(rng.randrange(10**9, 10**10))
        self.row(
            "organisations.csv",
            (o.oid, name, org_type, country, reg, addr, phone.write(self.style(phone)) if phone else ""),
        )
        return o

    # -- documents

    def doc(
        self,
        holder: str,
        doc_type: str,
        number: str,
        issuer: str,
        issue: date | None,
        expiry: date | None,
        mrz: str = "",
        photo: str = "",
        status: str = "",
        name_on: str = "",
        birth_on: date | None = None,
        sponsor: str = "",
    ) -> str:
        ref = self._id("doc", "D-{:05d}")
        self._number_of[ref] = number
        if photo:
            self._photos[ref] = photo
        if not status:
            status = "expired" if expiry is not None and expiry < REF_DATE else "valid"
        self.row(
            "documents.csv",
            (
                ref,
                holder,
                doc_type,
                number,
                issuer,
                issue.isoformat() if issue else "",
                expiry.isoformat() if expiry else "",
                mrz,
                photo,
                status,
                name_on,
                birth_on.isoformat() if birth_on else "",
                sponsor,
            ),
        )
        return ref

    def photo(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    def fresh_number(self, prefix: str, digits: int) -> str:
        rng = self.rng
        while True:
            n = rng.randrange(10 ** (digits - 1), 10**digits)
            if (prefix, n // 100) in self._reserved_blocks:
                continue
            s = f"{prefix}{n}"
            if s not in self._used_numbers:
                self._used_numbers.add(s)
                self._used_blocks.add((prefix, n // 100))
                return s

    def passport(self, p: Person, before: date, mrz: bool = True) -> Passport:
        """A genuine passport of ``p``, issued some time before ``before``."""
        rng = self.rng
        c = COUNTRIES[p.nat]
        number = self.fresh_number(c.passport_prefix, c.passport_digits)
        earliest = _add_years(p.birth, 14)
        issue = max(before - timedelta(days=rng.randint(20, 3000)), earliest)
        expiry = _add_years(issue, 10) - timedelta(days=1)
        lines = make_td3(p.name, number, p.nat, p.nat, p.birth, p.sex, expiry)
        name_on = ascii_fold(p.name.full).upper()
        self.variant(p, name_on, "documents.csv", "upper")
        has_mrz = mrz and rng.random() < 0.9
        ref = self.doc(
            p.pid,
            "passport",
            number,
            p.nat,
            issue,
            expiry,
            "\n".join(lines) if has_mrz else "",
            self.photo() if rng.random() < 0.95 else "",
            name_on=name_on,
            birth_on=p.birth,
        )
        pp = Passport(ref, number, p.name, p.birth, p.nat)
        if p.passport is None:
            p.passport = pp
        return pp

    def national_id(self, p: Person, before: date) -> None:
        rng = self.rng
        c = COUNTRIES[p.nat]
        if p.nat == "CN":
            region = rng.choice(("360428", "360281", "411600", "341200", "371300", "520100", "450100", "530100"))
            while True:
                number = cn_resident_id(region, p.birth, rng.randrange(1000))
                if number not in self._used_numbers:
                    break
        else:
            while True:
                number = str(rng.randrange(10 ** (c.id_digits - 1), 10**c.id_digits))
                if number not in self._used_numbers:
                    break
        self._used_numbers.add(number)
        issue = max(before - timedelta(days=rng.randint(100, 4000)), _add_years(p.birth, 14))
        expiry = None if rng.random() < 0.3 else _add_years(issue, 15)
        self.doc(
            p.pid,
            "national_id",
            number,
            p.nat,
            issue,
            expiry,
            photo=self.photo(),
            name_on=p.name.full,
            birth_on=p.birth,
        )

    def permit(
        self,
        p: Person,
        doc_type: str,
        country: str,
        when: date,
        sponsor: str,
        months: int,
        name_on: str | None = None,
        kind: str = "upper",
    ) -> str:
        """A visa, permit or certificate; ``sponsor`` is a person or organisation id."""
        prefix = {"visa": "V", "residence_permit": "R", "work_permit": "W", "marriage_certificate": "M"}[doc_type]
        number = self.fresh_number(country + prefix, 7)
        expiry = None if doc_type == "marriage_certificate" else when + timedelta(days=30 * months)
        if name_on is None:
            name_on = ascii_fold(p.name.full).upper()
        self.variant(p, name_on, "documents.csv", kind)
        return self.doc(
            p.pid, doc_type, number, country, when, expiry, name_on=name_on, birth_on=p.birth, sponsor=sponsor
        )

    # -- forgers and forged documents

    def forger_for(self, country: str, at: date, create: bool) -> Forger | None:
        """An active forger for ``country``'s passports; a new one when ``create``."""
        rng = self.rng
        pool = self.forgers.setdefault(country, [])
        total = sum(len(v) for v in self.forgers.values())
        if create and (not pool or total < self.forger_target):
            town = rng.choice(COUNTRIES[country].cities).name
            fp = self.person(
                country,
                "male" if rng.random() < 0.7 else "female",
                (30, 60),
                at,
                country,
                town,
                roles=_roles(rng, ("document_forger;suspect", 40), ("suspect", 30), ("", 30)),
            )
            self.give_phone(fp)
            self.address(fp, country, town, "home")
            self.person_account(fp)
            f = Forger(fp, country)
            pool.append(f)
            self.gt_roles["forgers"].append(fp.pid)
            fp.notes = rng.choice(("", "", "runs a photocopy and printing shop", "known for 'travel services'"))
            return f
        if pool:
            return rng.choice(pool)
        return None

    @property
    def forger_target(self) -> int:
        """About one forger for every 500 people (each serves several rings)."""
        return max(2 if self.target >= 100 else 1, self.target // 500)

    def want_forger(self, current: Forger | None, p_new_country: float) -> bool:
        """Whether a ring brings a new forger into the case."""
        total = sum(len(v) for v in self.forgers.values())
        if total == 0:
            return True
        if total >= self.forger_target:
            return False
        if current is None:
            return self.rng.random() < max(p_new_country, 0.6 if total < 2 else 0.0)
        return self.rng.random() < 0.1

    def _serial_number(self, f: Forger) -> str:
        c = COUNTRIES[f.country]
        if not f.runs or f.next_serial >= f.block_end:
            rng = self.rng
            lo, hi = 10 ** (c.passport_digits - 1) // 100, 10**c.passport_digits // 100
            while True:
                block = rng.randrange(lo, hi)
                key = (c.passport_prefix, block)
                if key not in self._used_blocks and key not in self._reserved_blocks:
                    self._reserved_blocks.add(key)
                    break
            f.next_serial = block * 100 + rng.randrange(0, 40)
            f.block_end = block * 100 + 100
            f.runs.append([])
        n = f.next_serial
        f.next_serial += 1
        number = f"{c.passport_prefix}{n}"
        self._used_numbers.add(number)
        return number

    def group(self, kind: str, key: str, **extra: Any) -> dict[str, Any]:
        g = self.gt_groups.get((kind, key))
        if g is None:
            g = {"kind": kind, **extra, "doc_refs": [], "numbers": []}
            self.gt_groups[(kind, key)] = g
        return g

    def forged_passport(
        self,
        holder: Person,
        f: Forger,
        when: date,
        kinds: set[str],
        *,
        number: str | None = None,
        name: Name | None = None,
        birth: date | None = None,
        photo: str | None = None,
        group_key: str = "",
    ) -> Passport:
        """A passport made by forger ``f``; ``kinds`` are the defects to plant in it."""
        rng = self.rng
        serial = number is None
        if number is None:
            number = self._serial_number(f)
        name = name or holder.name
        birth = birth or holder.birth
        issue = when - timedelta(days=rng.randint(20, 300))
        expiry = _add_years(issue, 10) - timedelta(days=1)
        flaw = ""
        if "impossible_dates" in kinds:
            if rng.random() < 0.5:
                expiry = issue - timedelta(days=rng.randint(30, 2000))
                flaw = "expiry before issue"
            else:
                issue = birth - timedelta(days=rng.randint(30, 3000))
                expiry = _add_years(issue, 10)
                flaw = "issued before birth"
        line1, line2 = make_td3(name, number, f.country, f.country, birth, holder.sex, expiry)
        if "bad_mrz" in kinds:
            pos = rng.choice((9, 19, 27, 43))
            wrong = str((int(line2[pos]) + rng.randint(1, 9)) % 10)
            line2 = line2[:pos] + wrong + line2[pos + 1 :]
        mrz = line1 + "\n" + line2
        photo = photo or self.photo()
        status = "forged" if rng.random() < 0.15 else "valid"
        name_on = ascii_fold(name.full).upper()
        if name is holder.name:
            self.variant(holder, name_on, "documents.csv", "upper")
        else:
            self.variant(holder, name_on, "documents.csv", "alias_identity")
        ref = self.doc(holder.pid, "passport", number, f.country, issue, expiry, mrz, photo, status, name_on, birth)
        entry = {
            "doc_ref": ref,
            "number": number,
            "doc_type": "passport",
            "holder_id": holder.pid,
            "forger_id": f.person.pid,
            "kinds": sorted(k for k in kinds if k not in ("serial",)),
        }
        if flaw:
            entry["flaw"] = flaw
        if birth != holder.birth:
            entry["kinds"] = sorted({*entry["kinds"], "altered_birth_date"})
        self.gt_forged[ref] = entry
        if serial:
            f.runs[-1].append((ref, number, holder.pid))
        for k in ("bad_mrz", "impossible_dates"):
            if k in kinds:
                g = self.group(k, f.person.pid, forger_id=f.person.pid)
                g["doc_refs"].append(ref)
                g["numbers"].append(number)
                self._needed_fraud.discard(k)
        if "shared_number" in kinds:
            g = self.group("shared_number", group_key or number, forger_id=f.person.pid)
            g["doc_refs"].append(ref)
            if number not in g["numbers"]:
                g["numbers"].append(number)
        if "shared_photo" in kinds:
            g = self.group("shared_photo", photo, forger_id=f.person.pid, photo_hash=photo)
            g["doc_refs"].append(ref)
            g["numbers"].append(number)
        self._remember_suspect(f.person.pid)
        pp = Passport(ref, number, name, birth, f.country)
        if holder.passport is None:
            holder.passport = pp
        return pp

    def _remember_suspect(self, pid: str) -> None:
        if len(self._recent_suspects) < 500:
            self._recent_suspects.append(pid)
        else:
            self._recent_suspects[self.rng.randrange(500)] = pid

    def flaws(self, p: float = 1.0) -> set[str]:
        """Defects for one forged passport: those still missing from the case first."""
        rng = self.rng
        out: set[str] = set()
        for k in ("bad_mrz", "impossible_dates"):
            if k in self._needed_fraud or rng.random() < {"bad_mrz": 0.2, "impossible_dates": 0.1}[k] * p:
                out.add(k)
        return out

    # -- border crossings (the partner agency's log: names as they read them, no ids)

    def crossing(
        self,
        p: Person,
        pp: Passport | None,
        when: date,
        src: str,
        dst: str,
        both: bool,
        parts: Sequence[tuple[Person, str]] = (),
        description: str = "",
        posts: tuple[str, str] | None = None,
    ) -> None:
        rng = self.rng
        exit_post, entry_post = posts or border_post(src, dst, rng)
        self.event(
            "border_crossing",
            when,
            entry_post,
            dst,
            src,
            description or f"crossed {src} to {dst}",
            parts or [(p, "traveller")],
        )
        if pp is None or when > REF_DATE:
            return
        rows = [("exit", exit_post), ("entry", entry_post)] if both else [("entry", entry_post)]
        for direction, post in rows:
            text, kind = name_variant(
                pp.name,
                _pick(rng, (("upper", 45), ("ascii", 15), ("typo", 15), ("translit", 15), ("order", 5), ("exact", 5))),
                rng,
            )
            if pp.name is p.name:
                self.variant(p, text, "border_crossings.csv", kind)
            else:
                self.variant(p, text, "border_crossings.csv", "alias_identity")
            number = pp.number
            r = rng.random()
            if r < 0.12:
                number = f"{number[:1]} {number[1:5]} {number[5:]}"
            elif r < 0.24:
                number = f"{number[:-4]}-{number[-4:]}"
            self.row(
                "border_crossings.csv",
                (
                    self._id("crossing", "BX-{:05d}"),
                    text,
                    pp.birth.strftime("%d/%m/%Y"),
                    pp.issuer,
                    number,
                    when.strftime("%d/%m/%Y"),
                    post,
                    direction,
                    src,
                    dst,
                ),
            )

    # -- hubs

    def make_hubs(self) -> None:
        rng = self.rng
        n_hotels = max(1, self.target // 2500)
        n_ngos = max(1, self.target // 5000)
        hotel_countries = ("CN", "TH", "CN", "GB", "CN", "TH")
        ngo_countries = ("CN", "TH", "GB", "CN", "VN")
        for i in range(n_hotels):
            country = hotel_countries[i % len(hotel_countries)]
            town = rng.choice(BORDER_TOWNS[country])
            name = rng.choice(
                ("{} Border Trade Hotel", "Golden Gate Hotel {}", "{} Friendship Hotel", "Grand Mekong Hotel {}")
            ).format(town)
            phone = self.new_number(country, fixed=True)
            o = self.org("hotel", name, country, town, phone)
            self.hubs.append(Hub("hotel_switchboard", o, phone))
        for i in range(n_ngos):
            country = ngo_countries[i % len(ngo_countries)]
            town = rng.choice(INLAND.get(country) or tuple(c.name for c in COUNTRIES[country].cities))
            name = rng.choice(
                ("Safe Passage Foundation ({})", "Women's Shelter Network {}", "Open Door Migrant Support {}")
            ).format(town)
            phone = self.new_number(country, fixed=True)
            o = self.org("ngo", name, country, town, phone)
            self.hubs.append(Hub("ngo_hotline", o, phone))

    def hub_calls(self, p: Person, h: Hub, n: int, start: date, end: date) -> None:
        if p.phones and start <= REF_DATE:
            self.calls(p.phones[-1], h.phone, n, start, end, sms=0.1)
            h.callers.add(p.pid)

    def hub(self, kind: str, country: str) -> Hub | None:
        options = [h for h in self.hubs if h.kind == kind and h.org.country == country]
        return self.rng.choice(options) if options else None

    def use_hub(self, p: Person, h: Hub, when: date) -> None:
        """``p`` gives the hub's number as theirs (a hotel guest, a shelter resident)."""
        raw = self.phone_row(p, h.phone, h.org.name, when if when <= REF_DATE else None)
        if raw not in h.raw_forms:
            h.raw_forms.append(raw)
        h.people.add(p.pid)
        kind = "hotel" if h.kind == "hotel_switchboard" else "shelter"
        self.address(p, h.org.country, h.org.city, kind, h.org.address.rsplit(", ", 1)[0])

    # -- units -----------------------------------------------------------------------

    def marriage_ring(self, cap: int) -> bool:
        rng = self.rng
        so_far = sum(1 for r in self.gt_rings if r["kind"] == "marriage")
        # the first rings come from each of the four countries named in the seed report, then at random
        src = ("VN", "KH", "LA", "MM")[so_far] if so_far < 4 else _pick(rng, MARRIAGE_SOURCES)
        dst = "CN"
        two_brokers = rng.random() < 0.4
        base = 3 + (1 if two_brokers else 0)
        forger = self.forger_for(src, REF_DATE, create=False)
        need_forger = self.want_forger(forger, 0.4)
        extras = 1 if need_forger else 0
        v = rng.randint(3, 7)
        v = min(v, (cap - base - extras) // 2)
        if v < 3:
            return False
        start = REF_DATE - timedelta(days=rng.randint(700, 3300))
        ring_id = self._id("ring", "R-{:03d}")
        home_town = rng.choice(COUNTRIES[src].cities).name
        border_town = rng.choice(BORDER_TOWNS[dst])
        recruiter = self.person(
            src,
            "female" if rng.random() < 0.6 else "male",
            (25, 55),
            start,
            src,
            home_town,
            _roles(rng, ("recruiter;suspect", 55), ("suspect", 30), ("", 15)),
        )
        transporter = self.person(
            src,
            "male" if rng.random() < 0.8 else "female",
            (22, 45),
            start,
            src,
            rng.choice(COUNTRIES[src].cities).name,
            _roles(rng, ("transporter;suspect", 45), ("suspect", 30), ("", 25)),
        )
        brokers = []
        broker_nat = src if rng.random() < 0.5 else "CN"  # often a woman from the source country married in China
        b1 = self.person(
            broker_nat,
            "female" if broker_nat == src else rng.choice(("male", "female")),
            (30, 60),
            start,
            dst,
            border_town,
            _roles(rng, ("broker;suspect", 45), ("suspect", 35), ("", 20)),
        )
        brokers.append(b1)
        if two_brokers:
            inland = rng.choice(INLAND[dst])
            b2 = self.person(
                "CN",
                rng.choice(("male", "female")),
                (30, 62),
                start,
                dst,
                inland,
                _roles(rng, ("broker;suspect", 35), ("suspect", 30), ("", 35)),
            )
            brokers.append(b2)
        if need_forger:
            forger = self.forger_for(src, start, create=True)
        elif forger is None and rng.random() < 0.5:
            forger = self.forger_for(src, start, create=False)
        members = [recruiter, transporter, *brokers]
        for m in members:
            self.address(m, m.country, m.city, "home")
            m.notes = rng.choice(("", "", "", "named in two victim statements", "seen at the border post often"))
        # phones: own numbers, and one ring phone shared by the broker and the transporter
        self.give_phone(recruiter)
        self.give_phone(transporter)
        for b in brokers:
            self.give_phone(b, "CN")
            if b.nat != "CN" and rng.random() < 0.7:
                self.give_phone(b, b.nat)
        ring_phone = self.new_number(dst)
        self._remember_phone(ring_phone)
        if rng.random() < 0.5:
            ring_sub = write_name(b1.name, "ascii", rng)
            self.variant(b1, ring_sub, "phones.csv", "ascii")
        else:  # registered to someone who is not in the case
            ring_sub = make_name("CN", "male", rng).full
        since = start - timedelta(days=rng.randint(10, 200))
        for m in (b1, transporter, *(brokers[1:] if rng.random() < 0.5 else [])):
            self.share_phone(m, ring_phone, ring_sub, since)
        if rng.random() < 0.3:
            self.share_phone(recruiter, ring_phone, ring_sub, since)
        # money: accounts
        for b in brokers:
            self.person_account(b, "CN", "bank")
            self.person_account(b, "CN", "mobile_money")
        self.person_account(recruiter)
        self.person_account(transporter, kind="mobile_money")
        # sponsors: a front marriage agency and/or the broker
        agency: Org | None = None
        sponsors: list[str] = []
        if rng.random() < 0.6:
            agency = self.org(
                "marriage_agency",
                rng.choice(
                    (
                        "{} Happy Family Marriage Service Co.",
                        "{} Love Bridge Matchmaking",
                        "Golden Phoenix International Marriage Agency ({})",
                        "{} Harmony Cross-border Marriage Consulting",
                    )
                ).format(b1.city),
                dst,
                b1.city,
                ring_phone if rng.random() < 0.5 else None,
            )
            agency.account = self.account(agency.oid, dst, "bank")
            sponsors.append(agency.oid)
            self.rel(
                b1.pid,
                agency.oid,
                "employed_by",
                start - timedelta(days=rng.randint(30, 900)),
                rng.choice(("manager", "agent", "")),
            )
        if agency is None or rng.random() < 0.4:
            sponsors.append(b1.pid)
        # ties among the ring's members
        self.rel(
            recruiter.pid,
            b1.pid,
            "associate_of",
            start - timedelta(days=rng.randint(30, 700)),
            rng.choice(("business partner", "cousin", "", "introduced by a neighbour")),
        )
        self.rel(transporter.pid, b1.pid, "associate_of", None, rng.choice(("driver", "", "works for")))
        if two_brokers:
            self.rel(b1.pid, brokers[1].pid, "associate_of", None, "passes clients inland")
        # the victims
        victims: list[Person] = []
        buyers: list[Person] = []
        visa_by_sponsor: dict[str, list[tuple[str, str]]] = {}
        force_visa = "shared_sponsor" in self._needed_fraud
        shared_number_done = False
        shared_photo_done = False
        serial_count = 0
        family_budget = cap - base - extras - 2 * v
        t_recruit = start
        for i in range(v):
            t_recruit = _days(t_recruit, 0, 40, rng)
            vt = home_town if rng.random() < 0.6 else rng.choice(COUNTRIES[src].cities).name
            minor = rng.random() < 0.15
            victim = self.person(
                src,
                "female",
                (15, 17) if minor else (18, 29),
                t_recruit,
                src,
                vt,
                _roles(rng, ("victim", 75), ("", 20), ("witness", 5)),
            )
            victim.indicators = rng.sample(MARRIAGE_INDICATORS, rng.randint(0, 3))
            if "false_promises" not in victim.indicators and rng.random() < 0.5:
                victim.indicators.append("false_promises")
            victims.append(victim)
            self.address(victim, src, vt, "home")
            self.give_phone(victim, src)
            self.event(
                "recruitment",
                t_recruit,
                vt,
                src,
                "",
                rng.choice(PROMISES_MARRIAGE),
                [(victim, "victim"), (recruiter, "recruiter")],
            )
            self.rel(recruiter.pid, victim.pid, "recruited", t_recruit, rng.choice(PROMISES_MARRIAGE))
            self.calls(
                victim.phones[0], recruiter.phones[0], rng.randint(1, 4), t_recruit - timedelta(days=30), t_recruit
            )
            # family left at home
            family: Person | None = None
            if family_budget > 0 and rng.random() < 0.35:
                family_budget -= 1
                family = self.person(src, "female", (40, 65), t_recruit, src, vt, ())
                self.give_phone(family)
                self.address(family, src, vt, "home")
                self.rel(family.pid, victim.pid, "family_of", None, rng.choice(("mother", "aunt", "sister")))
            # documents and travel
            regular = force_visa or i == 0 or rng.random() < 0.7
            t_move = _days(t_recruit, 20, 60, rng)
            pp: Passport | None = None
            if regular:
                use_forger = forger is not None and (minor or rng.random() < 0.5 or bool(self._needed_fraud))
                if use_forger and forger is not None:
                    kinds = self.flaws()
                    birth = None
                    if minor:
                        birth = victim.birth - timedelta(days=365 * rng.randint(2, 5))
                    photo = None
                    if (
                        not shared_photo_done
                        and ("shared_photo" in self._needed_fraud or rng.random() < 0.15)
                        and victims[:-1]
                        and victims[-2].passport is not None
                        and victims[-2].passport.doc_ref in self.gt_forged
                    ):
                        prev = victims[-2].passport
                        photo = self._photo_of(prev.doc_ref)
                        if photo:
                            kinds.add("shared_photo")
                            self._mark_shared_photo(prev.doc_ref, photo, forger.person.pid)
                            shared_photo_done = True
                            self._needed_fraud.discard("shared_photo")
                    number = None
                    if (
                        not shared_number_done
                        and i >= 1
                        and ("shared_number" in self._needed_fraud or rng.random() < 0.3)
                    ):
                        number, key, owner = self._shared_number(victims[:-1], src, t_move, forger, family_budget > 0)
                        family_budget -= owner
                        if number:
                            kinds.add("shared_number")
                            shared_number_done = True
                            self._needed_fraud.discard("shared_number")
                            pp = self.forged_passport(
                                victim, forger, t_move, kinds, number=number, birth=birth, photo=photo, group_key=key
                            )
                    if pp is None:
                        pp = self.forged_passport(victim, forger, t_move, kinds, birth=birth, photo=photo)
                        serial_count += 1
                        if serial_count >= 2:
                            self._needed_fraud.discard("serial")
                else:
                    pp = self.passport(victim, t_move)
                sponsor = sponsors[i % len(sponsors)] if not force_visa else sponsors[0]
                t_visa = _days(t_recruit, 7, 18, rng)
                vref = self.permit(
                    victim,
                    "visa",
                    dst,
                    t_visa,
                    sponsor,
                    rng.choice((3, 6, 12)),
                    name_on=ascii_fold(pp.name.full).upper(),
                )
                visa_by_sponsor.setdefault(sponsor, []).append((vref, victim.pid))
                capital = COUNTRIES[src].cities[0].name
                self.event(
                    "visa_application",
                    t_visa,
                    f"Chinese consulate, {capital}",
                    src,
                    "",
                    "tourist visa application, invitation letter attached",
                    [(victim, "applicant")],
                )
                if rng.random() < 0.3:
                    self.national_id(victim, t_recruit)
            posts = border_post(src, dst, rng)
            self.event(
                "transit",
                t_move,
                posts[0],
                src,
                "",
                f"taken by {rng.choice(('car', 'minibus', 'motorbike', 'bus'))} from {vt} towards the border",
                [(victim, "victim"), (transporter, "transporter")],
            )
            self.rel(transporter.pid, victim.pid, "transported", t_move, f"{vt} - {posts[0]} - {posts[1]}")
            t_cross = t_move + timedelta(days=rng.randint(0, 2))
            if regular:
                self.crossing(
                    victim,
                    pp,
                    t_cross,
                    src,
                    dst,
                    rng.random() < 0.4,
                    [(victim, "victim"), (transporter, "transporter")],
                    "crossed with the transporter",
                    posts,
                )
            else:
                self.event(
                    "border_crossing",
                    t_cross,
                    f"near {border_town}",
                    dst,
                    src,
                    "crossed on foot at night, avoiding the checkpoint",
                    [(victim, "victim"), (transporter, "transporter")],
                )
            hotel = self.hub("hotel_switchboard", dst)
            if hotel is not None and rng.random() < 0.6:
                self.use_hub(victim, hotel, t_cross)
            # the husband and the broker's commission
            husband_town = rng.choice(INLAND[dst])
            husband = self.person(
                "CN",
                "male",
                (28, 55),
                t_cross,
                dst,
                husband_town,
                _roles(rng, ("buyer", 45), ("suspect", 15), ("", 40)),
            )
            buyers.append(husband)
            hphone = self.give_phone(husband)
            husband_addr = self.street(dst, husband_town)
            self.address(husband, dst, husband_town, "home", husband_addr)
            if rng.random() < 0.4:
                self.national_id(husband, t_cross)
            hacc = self.person_account(husband, "CN", "bank")
            broker = brokers[-1] if two_brokers and rng.random() < 0.5 else b1
            t_intro = _days(t_cross, 2, 20, rng)
            introducer = agency.oid if agency is not None and rng.random() < 0.3 else broker.pid
            self.rel(introducer, victim.pid, "introduced", t_intro, f"introduced to {husband.pid} for marriage")
            self.calls(hphone, broker.phones[0], rng.randint(2, 6), t_intro - timedelta(days=20), t_intro)
            t_marry = _days(t_intro, 3, 30, rng)
            total_usd = rng.uniform(4000, 21000)
            deposit = rng.uniform(0.2, 0.5)
            bacc = broker.accounts[0] if broker.accounts else ""
            ref = rng.choice(("介绍费", "intro fee", "hongbao", "wedding service", "deposit", "balance", "gift"))
            for share, when in ((deposit, t_intro), (1 - deposit, t_marry)):
                payee, payee_acc = broker.pid, bacc
                if agency is not None and broker is b1 and rng.random() < 0.3:
                    payee, payee_acc = agency.oid, agency.account
                self.pay(
                    husband.pid,
                    hacc,
                    payee,
                    payee_acc,
                    total_usd * share,
                    "CNY",
                    when,
                    "commission",
                    ref,
                    "cash" if rng.random() < 0.15 else None,
                )
            if family is not None and rng.random() < 0.6:
                facc = self.person_account(family, kind="mobile_money")
                self.pay(
                    husband.pid,
                    hacc,
                    family.pid,
                    facc,
                    rng.uniform(300, 1500),
                    COUNTRIES[src].currency,
                    t_marry,
                    "other",
                    "bride price",
                )
            if rng.random() < 0.5 and len(victim.phones) < 3:
                sub = write_name(broker.name, "ascii", rng)
                self.variant(broker, sub, "phones.csv", "ascii")
                cn_phone = self.give_phone(victim, dst, t_cross, subscriber=sub)
                self.calls(cn_phone, broker.phones[0], rng.randint(1, 5), t_cross, t_marry)
            if family is not None:
                self.calls(victim.phones[-1], family.phones[0], rng.randint(2, 8), t_cross, t_marry + timedelta(400))
            if regular:
                self.event(
                    "marriage_registration",
                    t_marry,
                    f"Civil Affairs Bureau, {husband_town}",
                    dst,
                    "",
                    "marriage registered with a foreign bride",
                    [(victim, "bride"), (husband, "groom"), (broker, "witness")],
                )
                self.permit(
                    victim,
                    "marriage_certificate",
                    dst,
                    t_marry,
                    "",
                    0,
                    name_on=write_name(victim.name, "ascii", rng),
                    kind="ascii",
                )
                if rng.random() < 0.3:
                    self.permit(victim, "residence_permit", dst, _days(t_marry, 20, 90, rng), husband.pid, 12)
            else:
                self.event(
                    "exploitation",
                    t_marry,
                    husband_town,
                    dst,
                    "",
                    "married without registration",
                    [(victim, "victim"), (husband, "buyer")],
                )
            self.rel(husband.pid, victim.pid, "married_to", t_marry, "" if regular else "not registered")
            self.address(victim, dst, husband_town, "home", husband_addr)
            t_exp = _days(t_marry, 10, 200, rng)
            self.event(
                "exploitation",
                t_exp,
                husband_town,
                dst,
                "",
                rng.choice(
                    (
                        "not allowed to leave the house; phone taken away",
                        "forced to work in the fields and at home; beaten when she asked to go home",
                        "documents kept by the husband's mother",
                        "husband's family say they paid for her and she owes them",
                    )
                ),
                [(victim, "victim")],
            )
            if rng.random() < 0.45:
                t_rescue = _days(t_exp, 30, 700, rng)
                self._rescue(victim, dst, src, husband_town, t_rescue, pp)
        # the broker pays the recruiter and the transporter
        t_end = t_recruit + timedelta(days=90)
        for b in brokers[:1]:
            bacc = b.accounts[0] if b.accounts else ""
            for _ in range(rng.randint(1, 3)):
                when = _days(start, 30, max(31, (t_end - start).days), rng)
                self.pay(
                    b.pid,
                    b.accounts[-1],
                    recruiter.pid,
                    recruiter.accounts[0],
                    rng.uniform(400, 2500),
                    "CNY",
                    when,
                    "commission",
                    rng.choice(("share", "for the girls", "", "goods")),
                )
                self.pay(
                    b.pid,
                    bacc,
                    transporter.pid,
                    transporter.accounts[0],
                    rng.uniform(150, 700),
                    "CNY",
                    when,
                    "fee",
                    rng.choice(("petrol", "transport", "")),
                )
        if two_brokers:
            self.pay(
                brokers[1].pid,
                brokers[1].accounts[0],
                b1.pid,
                b1.accounts[0],
                rng.uniform(1000, 5000),
                "CNY",
                _days(start, 60, 200, rng),
                "commission",
                "",
            )
        # the ring's own calls
        self.calls(recruiter.phones[0], b1.phones[0], rng.randint(8, 25), start, t_end)
        self.calls(transporter.phones[0], ring_phone, rng.randint(5, 15), start, t_end)
        self.calls(ring_phone, recruiter.phones[0], rng.randint(3, 10), start, t_end)
        self.calls(transporter.phones[0], recruiter.phones[0], rng.randint(3, 8), start, t_end)
        if two_brokers:
            self.calls(b1.phones[0], brokers[1].phones[0], rng.randint(4, 12), start, t_end)
        if rng.random() < 0.3:
            when = _days(t_end, 30, 500, rng)
            self.event("arrest", when, b1.city, dst, "", "arrested in a joint operation", [(b1, "suspect")])
        if rng.random() < 0.2:
            when = _days(t_end, 30, 500, rng)
            self.event("arrest", when, recruiter.city, src, "", "arrested", [(recruiter, "suspect")])
        # the transporter travels too, sometimes on an alias passport with his own photo
        tpp = self.passport(transporter, start)
        if forger is not None and ("shared_photo" in self._needed_fraud or rng.random() < 0.25):
            alias = make_name(src, transporter.sex, rng)
            photo = self._photo_of(tpp.doc_ref)
            if photo:
                self._mark_shared_photo(tpp.doc_ref, photo, forger.person.pid)
                apass = self.forged_passport(
                    transporter,
                    forger,
                    start,
                    {"shared_photo"},
                    name=alias,
                    birth=transporter.birth - timedelta(days=rng.randint(200, 3000)),
                    photo=photo,
                )
                self._needed_fraud.discard("shared_photo")
                if rng.random() < 0.3:
                    transporter.aliases.append(alias.full)
                    self.variant(transporter, alias.full, "people.csv", "alias_identity")
                self.crossing(transporter, apass, _days(start, 60, 200, rng), src, dst, True)
        self.crossing(transporter, tpp, _days(start, 10, 300, rng), src, dst, rng.random() < 0.5)
        # sponsors of many visas
        for sponsor, visas in visa_by_sponsor.items():
            if len(visas) >= 3:
                g = self.group("shared_sponsor", sponsor, sponsor_id=sponsor)
                for vref, holder in visas:
                    g["doc_refs"].append(vref)
                    entry = self.gt_forged.setdefault(
                        vref, {"doc_ref": vref, "number": "", "doc_type": "visa", "holder_id": holder, "kinds": []}
                    )
                    entry["kinds"] = sorted({*entry["kinds"], "shared_sponsor"})
                    entry["sponsor_id"] = sponsor
                self._needed_fraud.discard("shared_sponsor")
        for vlist in visa_by_sponsor.values():
            for vref, _ in vlist:
                if vref in self.gt_forged:
                    self.gt_forged[vref]["number"] = self._number_of.get(vref, "")
        for m in members:
            self._remember_suspect(m.pid)
        self.gt_roles["recruiters"].append(recruiter.pid)
        self.gt_roles["transporters"].append(transporter.pid)
        self.gt_roles["brokers"] += [b.pid for b in brokers]
        self.gt_roles["victims"] += [x.pid for x in victims]
        self.gt_roles["buyers"] += [x.pid for x in buyers]
        self.gt_roles["sponsors"] += [s for s in sponsors if s.startswith("P-")]
        ring: dict[str, Any] = {
            "ring_id": ring_id,
            "kind": "marriage",
            "route": f"{src}->{dst}",
            "members": [m.pid for m in (recruiter, transporter, *brokers, *victims, *buyers)],
            "brokers": [b.pid for b in brokers],
            "recruiters": [recruiter.pid],
            "transporters": [transporter.pid],
            "buyers": [x.pid for x in buyers],
            "victims": [x.pid for x in victims],
            "forgers": [forger.person.pid] if forger is not None else [],
            "sponsors": sponsors,
            "organisations": [agency.oid] if agency else [],
            "phones": [ring_phone.e164],
            "start": start.isoformat(),
        }
        self.gt_rings.append(ring)
        return True

    def _photo_of(self, doc_ref: str) -> str:
        return self._photos.get(doc_ref, "")

    def _mark_shared_photo(self, doc_ref: str, photo: str, forger_id: str = "") -> None:
        g = self.group("shared_photo", photo, forger_id=forger_id, photo_hash=photo)
        if doc_ref not in g["doc_refs"]:
            g["doc_refs"].insert(0, doc_ref)
            g["numbers"].insert(0, self._number_of.get(doc_ref, ""))
        if doc_ref in self.gt_forged:
            e = self.gt_forged[doc_ref]
            e["kinds"] = sorted({*e["kinds"], "shared_photo"})

    def _shared_number(
        self, earlier: list[Person], src: str, when: date, forger: Forger, stranger: bool
    ) -> tuple[str | None, str, int]:
        """A number to reuse: a stolen genuine passport's, or an earlier victim's forged one.

        Returns the number, the group key and how many people were added (the stranger).
        """
        rng = self.rng
        if stranger and rng.random() < 0.5:
            # a stranger's passport, reported stolen, copied for a victim
            owner = self.person(src, rng.choice(("male", "female")), (20, 60), when, src, None, ())
            owner.notes = "reported her passport stolen" if owner.sex == "female" else "reported his passport stolen"
            self.give_phone(owner)
            self.address(owner, src, owner.city, "home")
            c = COUNTRIES[src]
            number = self.fresh_number(c.passport_prefix, c.passport_digits)
            issue = when - timedelta(days=rng.randint(300, 2500))
            expiry = _add_years(issue, 10) - timedelta(days=1)
            mrz = "\n".join(make_td3(owner.name, number, src, src, owner.birth, owner.sex, expiry))
            name_on = ascii_fold(owner.name.full).upper()
            self.variant(owner, name_on, "documents.csv", "upper")
            ref = self.doc(
                owner.pid, "passport", number, src, issue, expiry, mrz, self.photo(), "stolen", name_on, owner.birth
            )
            self._number_of[ref] = number
            g = self.group("shared_number", number, forger_id=forger.person.pid, original_doc_ref=ref)
            g["doc_refs"].append(ref)
            g["numbers"].append(number)
            return number, number, 1
        for prev in reversed(earlier):
            if prev.passport is not None and prev.passport.doc_ref in self.gt_forged and prev.passport.issuer == src:
                number = prev.passport.number
                g = self.group("shared_number", number, forger_id=forger.person.pid)
                if prev.passport.doc_ref not in g["doc_refs"]:
                    g["doc_refs"].append(prev.passport.doc_ref)
                    g["numbers"].append(number)
                    e = self.gt_forged[prev.passport.doc_ref]
                    e["kinds"] = sorted({*e["kinds"], "shared_number"})
                return number, number, 0
        return None, "", 0

    def _rescue(self, victim: Person, country: str, home: str, town: str, when: date, pp: Passport | None) -> None:
        rng = self.rng
        if when > REF_DATE:
            return
        ngo = self.hub("ngo_hotline", country)
        if ngo is not None:
            self.hub_calls(victim, ngo, rng.randint(1, 3), when - timedelta(days=20), when)
            if rng.random() < 0.9:
                self.use_hub(victim, ngo, when)
        self.event(
            "rescue",
            when,
            town,
            country,
            "",
            rng.choice(
                (
                    "escaped and went to the police",
                    "rescued in a police operation",
                    "reported by a neighbour",
                    "called the hotline and was collected",
                )
            ),
            [(victim, "victim")],
        )
        if pp is not None and rng.random() < 0.6:
            back = _days(when, 10, 60, rng)
            self.crossing(victim, pp, back, country, home, True, [(victim, "returnee")], "repatriated")
            support = self.hub("ngo_hotline", home)
            if support is not None and back <= REF_DATE and rng.random() < 0.6:  # reintegration support at home
                self.use_hub(victim, support, back)

    def labour_ring(self, cap: int) -> bool:
        rng = self.rng
        src, dst, work = LABOUR_ROUTES[0][:3]
        total = sum(r[3] for r in LABOUR_ROUTES)
        x = rng.randrange(total)
        for r in LABOUR_ROUTES:
            if x < r[3]:
                src, dst, work = r[:3]
                break
            x -= r[3]
        separate_financier = rng.random() < 0.6
        base = 3 + (1 if separate_financier else 0)
        forger = self.forger_for(src, REF_DATE, create=False)
        need_forger = self.want_forger(forger, 0.3)
        extras = 1 if need_forger else 0
        v = min(rng.randint(4, 12), cap - base - extras)
        if v < 3:
            return False
        start = REF_DATE - timedelta(days=rng.randint(600, 3300))
        ring_id = self._id("ring", "R-{:03d}")
        home_town = rng.choice(COUNTRIES[src].cities).name
        work_town = rng.choice(INLAND[dst])
        male_work = work in MALE_WORK
        recruiter = self.person(
            src,
            rng.choice(("male", "female")),
            (25, 55),
            start,
            src,
            home_town,
            _roles(rng, ("recruiter;suspect", 50), ("suspect", 25), ("", 25)),
        )
        transporter = self.person(
            src, "male", (22, 45), start, src, None, _roles(rng, ("transporter", 40), ("suspect", 30), ("", 30))
        )
        exploiter_nat = src if rng.random() < 0.4 else dst
        exploiter = self.person(
            exploiter_nat,
            "male" if rng.random() < 0.75 else "female",
            (30, 60),
            start,
            dst,
            work_town,
            _roles(rng, ("exploiter;suspect", 50), ("suspect", 30), ("", 20)),
        )
        financier = exploiter
        if separate_financier:
            financier = self.person(
                src,
                rng.choice(("male", "female")),
                (35, 65),
                start,
                src,
                home_town,
                _roles(rng, ("financier;suspect", 35), ("suspect", 25), ("", 40)),
            )
        if need_forger:
            forger = self.forger_for(src, start, create=True)
        core = [recruiter, transporter, exploiter, *([financier] if separate_financier else [])]
        for m in core:
            self.address(m, m.country, m.city, "home")
            self.give_phone(m)
            self.person_account(m, kind="bank" if m is financier else None)
        if exploiter.nat != exploiter.country:
            self.give_phone(exploiter, exploiter.nat)
        agency = self.org(
            "recruitment_agency",
            rng.choice(
                (
                    "{} Overseas Manpower Co., Ltd",
                    "{} Labour Export Services",
                    "Bright Future Recruitment ({})",
                    "{} International Job Placement",
                )
            ).format(home_town),
            src,
            home_town,
        )
        agency.account = self.account(agency.oid, src, "bank")
        employer = self.org("employer", rng.choice(WORKPLACE_NAMES[work]), dst, work_town)
        employer.account = self.account(employer.oid, dst, "bank")
        self.rel(recruiter.pid, agency.oid, "employed_by", start - timedelta(days=rng.randint(100, 2000)), "agent")
        self.rel(
            exploiter.pid,
            employer.oid,
            "employed_by",
            start - timedelta(days=rng.randint(100, 3000)),
            rng.choice(("manager", "supervisor", "labour contractor")),
        )
        self.rel(recruiter.pid, exploiter.pid, "associate_of", None, rng.choice(("", "supplies workers", "friend")))
        if separate_financier:
            self.rel(financier.pid, recruiter.pid, "associate_of", None, rng.choice(("", "relative", "lender")))
        # the house phone: the exploiter's number, given to workers as theirs
        house = self.new_number(dst)
        self._remember_phone(house)
        house_sub = write_name(exploiter.name, "ascii", rng)
        self.variant(exploiter, house_sub, "phones.csv", "ascii")
        self.share_phone(exploiter, house, house_sub, start)
        cur_dst, cur_src = COUNTRIES[dst].currency, COUNTRIES[src].currency
        victims: list[Person] = []
        withheld: list[str] = []
        family_budget = cap - base - extras - v
        t_recruit = start
        serial_count = 0
        for _ in range(v):
            t_recruit = _days(t_recruit, 0, 25, rng)
            sex = "male" if male_work or rng.random() < 0.4 else "female"
            vt = home_town if rng.random() < 0.5 else rng.choice(COUNTRIES[src].cities).name
            victim = self.person(
                src, sex, (16, 40), t_recruit, src, vt, _roles(rng, ("victim", 60), ("", 35), ("witness", 5))
            )
            victim.indicators = rng.sample(LABOUR_INDICATORS, rng.randint(1, 4))
            if src == "NG" and rng.random() < 0.6:
                victim.indicators.append("cultural_practices")  # an oath sworn before a shrine
            if rng.random() < 0.05:
                victim.indicators.append("substance_dependency")
            victims.append(victim)
            self.address(victim, src, vt, "home")
            self.give_phone(victim, src)
            vacc = self.person_account(victim, src, "mobile_money")
            salary = rng.choice((300, 400, 500, 600, 800, 1200)) * (3 if dst == "GB" else 1)
            self.event(
                "recruitment",
                t_recruit,
                vt,
                src,
                "",
                f"offered work at a {work} in {dst} for {salary} USD a month",
                [(victim, "victim"), (recruiter, "recruiter")],
            )
            self.rel(recruiter.pid, victim.pid, "recruited", t_recruit, f"job at a {work}")
            self.calls(
                victim.phones[0], recruiter.phones[0], rng.randint(1, 5), t_recruit - timedelta(days=20), t_recruit
            )
            # the fee, lent by the financier: the start of the debt
            loan = rng.uniform(1500, 6000) * (2 if dst == "GB" else 1)
            self.pay(
                financier.pid,
                financier.accounts[0],
                victim.pid,
                vacc,
                loan,
                cur_src,
                t_recruit,
                "debt",
                "loan for placement fee",
            )
            self.pay(
                victim.pid,
                vacc,
                agency.oid,
                agency.account,
                loan * 0.9,
                cur_src,
                t_recruit + timedelta(days=rng.randint(0, 5)),
                "fee",
                "placement fee",
            )
            family: Person | None = None
            if family_budget > 0 and rng.random() < 0.3:
                family_budget -= 1
                family = self.person(src, rng.choice(("male", "female")), (40, 68), t_recruit, src, vt, ())
                self.give_phone(family)
                self.address(family, src, vt, "home")
                self.rel(family.pid, victim.pid, "family_of", None, rng.choice(("mother", "father", "brother")))
            # documents and travel
            t_move = _days(t_recruit, 15, 60, rng)
            pp: Passport
            if forger is not None and (rng.random() < 0.4 or bool(self._needed_fraud & PASSPORT_FLAWS)):
                kinds = self.flaws(0.8)
                pp = self.forged_passport(victim, forger, t_move, kinds)
                serial_count += 1
                if serial_count >= 2:
                    self._needed_fraud.discard("serial")
            else:
                pp = self.passport(victim, t_move)
            permit_type = "work_permit" if rng.random() < 0.7 else "visa"
            sponsor = employer.oid if rng.random() < 0.7 else agency.oid
            self.permit(
                victim,
                permit_type,
                dst,
                _days(t_recruit, 5, 15, rng),
                sponsor,
                rng.choice((6, 12, 24)),
                name_on=ascii_fold(pp.name.full).upper(),
            )
            self.event(
                "transit",
                t_move,
                home_town,
                src,
                "",
                "travelled with the group",
                [(victim, "victim"), (transporter, "transporter")],
            )
            self.rel(transporter.pid, victim.pid, "transported", t_move, f"{home_town} - {work_town}")
            t_cross = t_move + timedelta(days=rng.randint(0, 3))
            self.crossing(
                victim,
                pp,
                t_cross,
                src,
                dst,
                rng.random() < 0.4,
                [(victim, "victim"), (transporter, "transporter")],
                "crossed in a group",
            )
            hotel = self.hub("hotel_switchboard", dst)
            if hotel is not None and rng.random() < 0.5:
                self.use_hub(victim, hotel, t_cross)
            t_work = _days(t_cross, 1, 10, rng)
            self.rel(victim.pid, employer.oid, "employed_by", t_work, work)
            if len(victims) == 1 or rng.random() < 0.5:
                self.share_phone(victim, house, house_sub, t_work)
            self.address(victim, dst, work_town, "workplace", employer.address.rsplit(", ", 1)[0])
            self.event(
                "exploitation",
                _days(t_work, 10, 90, rng),
                employer.name,
                dst,
                "",
                rng.choice(
                    (
                        "worked 16 hours a day, 7 days a week",
                        "passport kept by the boss 'for safekeeping'",
                        "told the debt grows every month for food and lodging",
                        "locked in the dormitory at night",
                        "threatened that his family would be harmed if he left",
                    )
                ),
                [(victim, "victim"), (exploiter, "exploiter")],
            )
            # wages: little or nothing to the worker, the rest to the exploiter; debt repaid every month
            months = rng.randint(3, 12)
            withhold_all = rng.random() < 0.5
            for month in range(1, months + 1):
                when = t_work + timedelta(days=30 * month)
                if not withhold_all:
                    self.pay(
                        employer.oid,
                        employer.account,
                        victim.pid,
                        vacc,
                        salary * rng.uniform(0.1, 0.3),
                        cur_dst,
                        when,
                        "wage",
                        f"salary month {month}",
                    )
                pid = self.pay(
                    employer.oid,
                    employer.account,
                    exploiter.pid,
                    exploiter.accounts[0],
                    salary * rng.uniform(0.7, 1.0),
                    cur_dst,
                    when,
                    "wage",
                    f"wages {victim.name.given[0]}",
                )
                if pid:
                    withheld.append(pid)
                self.pay(
                    victim.pid,
                    vacc,
                    financier.pid,
                    financier.accounts[0],
                    loan / months * 1.3,
                    cur_src,
                    when + timedelta(days=rng.randint(0, 3)),
                    "debt",
                    rng.choice(("repay", f"no {month}", "")),
                )
            if family is not None:
                self.calls(victim.phones[0], family.phones[0], rng.randint(2, 10), t_cross, t_work + timedelta(300))
            if rng.random() < 0.3:
                self._rescue(victim, dst, src, work_town, _days(t_work, 60, 500, rng), pp)
        # proceeds and commissions
        for month in range(rng.randint(2, 8)):
            when = _days(start, 60 + 30 * month, 90 + 30 * month, rng)
            if separate_financier:
                self.pay(
                    exploiter.pid,
                    exploiter.accounts[0],
                    financier.pid,
                    financier.accounts[0],
                    rng.uniform(1000, 6000),
                    cur_dst,
                    when,
                    "proceeds",
                    "",
                )
            self.pay(
                exploiter.pid,
                exploiter.accounts[0],
                recruiter.pid,
                recruiter.accounts[0],
                rng.uniform(200, 800) * len(victims) / 4,
                cur_dst,
                when,
                "commission",
                "per head",
            )
        self.pay(
            exploiter.pid,
            exploiter.accounts[0],
            transporter.pid,
            transporter.accounts[0],
            rng.uniform(300, 1500),
            cur_dst,
            _days(start, 30, 90, rng),
            "fee",
            "transport",
        )
        t_end = t_recruit + timedelta(days=200)
        self.calls(recruiter.phones[0], exploiter.phones[0], rng.randint(6, 20), start, t_end)
        self.calls(transporter.phones[0], recruiter.phones[0], rng.randint(4, 12), start, t_end)
        self.calls(house, recruiter.phones[0], rng.randint(2, 8), start, t_end)
        if separate_financier:
            self.calls(financier.phones[0], exploiter.phones[-1], rng.randint(4, 15), start, t_end)
            self.calls(financier.phones[0], recruiter.phones[0], rng.randint(3, 10), start, t_end)
        tpp = self.passport(transporter, start)
        self.crossing(transporter, tpp, _days(start, 10, 200, rng), src, dst, True)
        if rng.random() < 0.3:
            self.event(
                "arrest",
                _days(t_end, 30, 400, rng),
                work_town,
                dst,
                "",
                "arrested after a labour inspection",
                [(exploiter, "suspect")],
            )
        for m in core:
            self._remember_suspect(m.pid)
        self.gt_roles["recruiters"].append(recruiter.pid)
        self.gt_roles["brokers"].append(recruiter.pid)  # paid per head by the exploiter: the intermediary
        self.gt_roles["transporters"].append(transporter.pid)
        self.gt_roles["exploiters"].append(exploiter.pid)
        self.gt_roles["financiers"].append(financier.pid)
        self.gt_roles["victims"] += [x.pid for x in victims]
        self.gt_rings.append(
            {
                "ring_id": ring_id,
                "kind": "labour",
                "route": f"{src}->{dst}",
                "work": work,
                "members": [m.pid for m in (*core, *victims)],
                "brokers": [recruiter.pid],
                "recruiters": [recruiter.pid],
                "transporters": [transporter.pid],
                "exploiters": [exploiter.pid],
                "financiers": [financier.pid],
                "victims": [x.pid for x in victims],
                "forgers": [forger.person.pid] if forger is not None else [],
                "organisations": [agency.oid, employer.oid],
                "phones": [house.e164],
                "withheld_wage_payments": withheld,
                "start": start.isoformat(),
            }
        )
        return True

    def legit_marriage(self, cap: int) -> bool:
        rng = self.rng
        if cap < 2:
            return False
        src = _pick(rng, MARRIAGE_SOURCES)
        dst = "CN"
        t_meet = REF_DATE - timedelta(days=rng.randint(400, 3300))
        husband_town = rng.choice(INLAND[dst])
        wife = self.person(src, "female", (20, 35), t_meet, src, None, ())
        husband = self.person("CN", "male", (24, 45), t_meet, dst, husband_town, ())
        agency: Org | None = None
        if rng.random() < 0.6:
            pool = self.legit_marriage_agencies
            if not pool or (len(pool) < max(1, self.target // 400) and rng.random() < 0.2):
                town = rng.choice(INLAND[dst])
                pool.append(
                    self.org(
                        "marriage_agency",
                        rng.choice(
                            (
                                "{} Harmony Cross-border Marriage Consulting",
                                "{} Sincere Heart Marriage Service Co.",
                                "{} Golden Thread International Matchmaking",
                            )
                        ).format(town),
                        dst,
                        town,
                    )
                )
                pool[-1].account = self.account(pool[-1].oid, dst, "bank")
            agency = rng.choice(pool)
        self.address(wife, src, wife.city, "home")
        haddr = self.street(dst, husband_town)
        self.address(husband, dst, husband_town, "home", haddr)
        wph = self.give_phone(wife)
        hph = self.give_phone(husband)
        hacc = self.person_account(husband, "CN", "bank")
        if rng.random() < 0.5:
            self.person_account(wife)
        if agency is not None:
            self.rel(agency.oid, wife.pid, "introduced", t_meet, f"introduced to {husband.pid} for marriage")
            self.pay(
                husband.pid,
                hacc,
                agency.oid,
                agency.account,
                rng.uniform(700, 4000),
                "CNY",
                _days(t_meet, 0, 20, rng),
                "fee",
                rng.choice(("service fee", "membership", "介绍费")),
            )
        else:
            self.rel(husband.pid, wife.pid, "associate_of", t_meet, rng.choice(("met at work", "met online")))
        self.calls(wph, hph, rng.randint(5, 30), t_meet, t_meet + timedelta(days=300))
        t_visa = _days(t_meet, 30, 120, rng)
        pp = self.passport(wife, t_visa)
        self.permit(wife, "visa", dst, t_visa, husband.pid, 6)
        self.event(
            "visa_application",
            t_visa,
            f"Chinese consulate, {COUNTRIES[src].cities[0].name}",
            src,
            "",
            "visit visa, invitation from fiancé",
            [(wife, "applicant")],
        )
        t_cross = _days(t_visa, 10, 40, rng)
        self.crossing(wife, pp, t_cross, src, dst, rng.random() < 0.5)
        hotel = self.hub("hotel_switchboard", dst)
        if hotel is not None and rng.random() < 0.3:
            self.use_hub(wife, hotel, t_cross)
        t_marry = _days(t_cross, 10, 60, rng)
        self.event(
            "marriage_registration",
            t_marry,
            f"Civil Affairs Bureau, {husband_town}",
            dst,
            "",
            "marriage registered with a foreign bride",
            [(wife, "bride"), (husband, "groom")],
        )
        self.rel(husband.pid, wife.pid, "married_to", t_marry)
        self.permit(
            wife, "marriage_certificate", dst, t_marry, "", 0, name_on=write_name(wife.name, "ascii", rng), kind="ascii"
        )
        if rng.random() < 0.6:
            self.permit(wife, "residence_permit", dst, _days(t_marry, 20, 90, rng), husband.pid, 12)
        self.address(wife, dst, husband_town, "home", haddr)
        if rng.random() < 0.4:
            self.national_id(husband, t_meet)
        ngo = self.hub("ngo_hotline", dst)
        if ngo is not None and rng.random() < 0.25:  # migrant brides ask the NGO for advice too
            when = _days(t_marry, 30, 900, rng)
            self.hub_calls(wife, ngo, rng.randint(1, 3), when, when + timedelta(days=60))
            if rng.random() < 0.5 and when <= REF_DATE:
                self.use_hub(wife, ngo, when)
        members = [wife, husband]
        if cap >= 3 and rng.random() < 0.4:
            fam = self.person(src, "female", (40, 65), t_meet, src, wife.city, ())
            fph = self.give_phone(fam)
            self.address(fam, src, wife.city, "home")
            self.rel(fam.pid, wife.pid, "family_of", None, "mother")
            self.calls(wph, fph, rng.randint(3, 15), t_cross, REF_DATE)
            if rng.random() < 0.5:
                facc = self.person_account(fam, kind="mobile_money")
                self.pay(
                    husband.pid,
                    hacc,
                    fam.pid,
                    facc,
                    rng.uniform(300, 1500),
                    COUNTRIES[src].currency,
                    t_marry,
                    "other",
                    "wedding gift",
                )
            members.append(fam)
        if rng.random() < 0.2:  # home visits
            self.crossing(wife, pp, _days(t_marry, 200, 600, rng), dst, src, True)
        self.gt_roles["legit"] += [wife.pid, husband.pid]
        self.gt_legit_units.append(
            {"kind": "marriage", "members": [m.pid for m in members], "organisations": [agency.oid] if agency else []}
        )
        return True

    def legit_employment(self, cap: int) -> bool:
        rng = self.rng
        if cap < 1:
            return False
        src, dst, work = LABOUR_ROUTES[rng.randrange(len(LABOUR_ROUTES))][:3]
        key = (dst, work)
        employers = self.legit_employers.setdefault(key, [])
        if not employers or (len(employers) < 3 and rng.random() < 0.2):
            town = rng.choice(INLAND[dst])
            employers.append(
                self.org("employer", rng.choice(WORKPLACE_NAMES[work]).replace("Ltd", "Group Ltd"), dst, town)
            )
            employers[-1].account = self.account(employers[-1].oid, dst, "bank")
        employer = rng.choice(employers)
        agencies = self.legit_recruiters.setdefault(src, [])
        if not agencies or (len(agencies) < 3 and rng.random() < 0.2):
            town = rng.choice(COUNTRIES[src].cities).name
            agencies.append(
                self.org(
                    "recruitment_agency",
                    rng.choice(
                        ("{} Licensed Overseas Employment Co.", "{} Manpower Supply JSC", "{} Workers Abroad Agency")
                    ).format(town),
                    src,
                    town,
                )
            )
            agencies[-1].account = self.account(agencies[-1].oid, src, "bank")
        agency = rng.choice(agencies)
        start = REF_DATE - timedelta(days=rng.randint(300, 3000))
        n = min(cap, rng.randint(2, 6))
        cur_dst = COUNTRIES[dst].currency
        workers = []
        for _ in range(n):
            sex = "male" if work in MALE_WORK or rng.random() < 0.5 else "female"
            w = self.person(src, sex, (19, 45), start, src, None, ())
            workers.append(w)
            self.address(w, src, w.city, "home")
            ph = self.give_phone(w)
            acc = self.person_account(w, src, "bank")
            t_rec = _days(start, 0, 60, rng)
            self.event(
                "recruitment", t_rec, agency.city, src, "", "licensed recruitment, contract signed", [(w, "worker")]
            )
            self.rel(agency.oid, w.pid, "recruited", t_rec, f"job at a {work}")
            self.pay(
                w.pid,
                acc,
                agency.oid,
                agency.account,
                rng.uniform(100, 600),
                COUNTRIES[src].currency,
                t_rec,
                "fee",
                "service fee",
            )
            t_move = _days(t_rec, 20, 60, rng)
            pp = self.passport(w, t_move)
            self.permit(w, "work_permit", dst, _days(t_rec, 5, 20, rng), employer.oid, 24)
            self.crossing(w, pp, t_move, src, dst, rng.random() < 0.5)
            hotel = self.hub("hotel_switchboard", dst)
            if hotel is not None and rng.random() < 0.25:
                self.use_hub(w, hotel, t_move)
            self.rel(w.pid, employer.oid, "employed_by", t_move + timedelta(days=2), work)
            self.address(w, dst, employer.city, "workplace", employer.address.rsplit(", ", 1)[0])
            local = self.give_phone(w, dst, t_move) if rng.random() < 0.6 else ph
            if rng.random() < 0.5:
                acc = self.person_account(w, dst, "bank")
            salary = rng.choice((400, 500, 600, 800, 1000)) * (3 if dst == "GB" else 1)
            for m in range(rng.randint(3, 12)):
                when = t_move + timedelta(days=30 * (m + 1))
                self.pay(
                    employer.oid, employer.account, w.pid, acc, salary, cur_dst, when, "wage", f"salary {when:%Y-%m}"
                )
                if rng.random() < 0.5:
                    self.pay(
                        w.pid,
                        acc,
                        w.pid,
                        w.accounts[0],
                        salary * 0.4,
                        cur_dst,
                        when + timedelta(days=2),
                        "other",
                        "savings",
                    )
            if len(workers) > 1:
                self.calls(local, workers[-2].phones[-1], rng.randint(2, 10), t_move, t_move + timedelta(days=300))
        self.gt_roles["legit"] += [w.pid for w in workers]
        self.gt_legit_units.append(
            {"kind": "employment", "members": [w.pid for w in workers], "organisations": [agency.oid, employer.oid]}
        )
        return True

    def background(self, n: int) -> None:
        """A household of ``n`` people with nothing to do with trafficking, and its noise."""
        rng = self.rng
        country = _pick(
            rng,
            (
                ("CN", 25),
                ("VN", 15),
                ("TH", 12),
                ("GB", 12),
                ("KH", 8),
                ("LA", 6),
                ("MM", 8),
                ("NP", 4),
                ("RO", 5),
                ("NG", 5),
            ),
        )
        town = rng.choice(COUNTRIES[country].cities).name
        street = self.street(country, town)
        at = REF_DATE - timedelta(days=rng.randint(0, 2000))
        people: list[Person] = []
        for i in range(n):
            sex = rng.choice(("male", "female"))
            p = self.person(country, sex, (18, 75), at, country, town, ())
            people.append(p)
            if rng.random() < 0.05:
                p.blank_birth = True
            self.address(p, country, town, "home", street if i else None)
            if i and rng.random() < 0.7:
                self.rel(people[0].pid, p.pid, "family_of", None, rng.choice(("spouse", "son", "daughter", "sibling")))
            if self._invalid_budget < 2 or rng.random() < 0.02:
                self._invalid_budget += 1
                self.invalid_phone(p)
            else:
                self.give_phone(p)
            if rng.random() < 0.6:
                self.person_account(p)
            if rng.random() < 0.06 and self._recent_suspects:
                p.roles = ["witness"]
                other = rng.choice(self._recent_suspects)
                self.rel(
                    p.pid,
                    other,
                    "associate_of",
                    None,
                    rng.choice(("neighbour", "customer", "landlord", "former colleague")),
                )
            # calls and payments to people met anywhere in the case
            if p.phones:
                for _ in range(rng.randint(2, 6)):
                    if self._recent_phones:
                        self.calls(
                            p.phones[0],
                            rng.choice(self._recent_phones),
                            rng.randint(1, 3),
                            at - timedelta(days=700),
                            at,
                        )
                ngo = self.hub("ngo_hotline", country)
                if ngo is not None and rng.random() < 0.1:
                    self.hub_calls(p, ngo, 1, at - timedelta(days=300), at)
                hotel = self.hub("hotel_switchboard", country)
                if hotel is not None and rng.random() < 0.1:
                    self.hub_calls(p, hotel, 1, at - timedelta(days=300), at)
            if p.accounts and self._recent_accounts and rng.random() < 0.5:
                for _ in range(rng.randint(1, 4)):
                    other, oacc, _cur = rng.choice(self._recent_accounts)
                    self.pay(
                        p.pid,
                        p.accounts[0],
                        other,
                        oacc,
                        rng.uniform(10, 400),
                        COUNTRIES[country].currency,
                        at - timedelta(days=rng.randint(0, 700)),
                        rng.choice(("other", "other", "fee", "ticket")),
                        rng.choice(("", "rent", "loan", "goods", "school fees")),
                    )
            # travel: tourists, traders; some on a forged passport bought from a forger
            r = rng.random()
            if r < 0.25:
                forger = self.forger_for(country, at, create=False)
                dest = rng.choice(
                    [
                        d
                        for s, d in (
                            ("VN", "CN"),
                            ("CN", "VN"),
                            ("CN", "TH"),
                            ("TH", "KH"),
                            ("MM", "TH"),
                            ("LA", "TH"),
                            ("GB", "TH"),
                            ("RO", "GB"),
                            ("NG", "GB"),
                            ("KH", "TH"),
                            ("TH", "GB"),
                            ("NP", "CN"),
                        )
                        if s == country
                    ]
                    or ["TH" if country != "TH" else "CN"]
                )
                if forger is not None and rng.random() < 0.25:
                    pp = self.forged_passport(p, forger, at, self.flaws(0.5))
                    p.notes = "overstayed; passport bought from an agent"
                else:
                    pp = self.passport(p, at)
                t = at - timedelta(days=rng.randint(0, 700))
                self.crossing(
                    p,
                    pp,
                    t,
                    country,
                    dest,
                    rng.random() < 0.5,
                    description="tourism" if dest != "CN" else "border trade",
                )
                if rng.random() < 0.7:
                    self.crossing(
                        p,
                        pp,
                        t + timedelta(days=rng.randint(2, 30)),
                        dest,
                        country,
                        rng.random() < 0.5,
                        description="return",
                    )
            elif r < 0.35:
                self.national_id(p, at)

    # -- the whole case

    def run(self) -> None:
        self.make_hubs()
        shares = {
            "marriage": 0.30,
            "labour": 0.25,
            "legit_marriage": 0.12,
            "legit_employment": 0.10,
            "background": 0.23,
        }
        done = dict.fromkeys(shares, 0)
        rng = self.rng
        while self.emitted < self.target:
            remaining = self.target - self.emitted
            before = self.emitted
            deficit = {k: shares[k] * (before + 10) - done[k] for k in shares}
            kind = max(deficit, key=deficit.__getitem__)
            ok = False
            if kind == "marriage":
                ok = self.marriage_ring(remaining)
            elif kind == "labour":
                ok = self.labour_ring(remaining)
            elif kind == "legit_marriage":
                ok = self.legit_marriage(remaining)
            elif kind == "legit_employment":
                ok = self.legit_employment(remaining)
            if not ok:
                self.background(min(remaining, rng.randint(1, 6)))
                kind = "background"
            done[kind] += self.emitted - before
            self.flush()

    def ground_truth(self) -> dict[str, Any]:
        groups: list[dict[str, Any]] = []
        # serial runs: consecutive numbers from one forger, two or more holders
        for forgers in self.forgers.values():
            for f in forgers:
                for run in f.runs:
                    if len(run) < 2:
                        continue
                    groups.append(
                        {
                            "kind": "serial",
                            "forger_id": f.person.pid,
                            "doc_refs": [r[0] for r in run],
                            "numbers": [r[1] for r in run],
                        }
                    )
                    for ref, _, _ in run:
                        e = self.gt_forged[ref]
                        e["kinds"] = sorted({*e["kinds"], "serial"})
        for (kind, _key), g in self.gt_groups.items():
            if kind == "shared_number" and len(g["doc_refs"]) < 2:
                continue
            if kind == "shared_photo" and len(g["doc_refs"]) < 2:
                continue
            groups.append(g)
        order = {k: i for i, k in enumerate(FRAUD_KINDS)}
        groups.sort(key=lambda g: order[g["kind"]])
        out_groups = []
        for i, g in enumerate(groups, 1):
            out_groups.append({"group_id": f"FG-{i:03d}", **g})
            for ref in g["doc_refs"]:
                forged = self.gt_forged.get(ref)
                if forged is not None:
                    forged.setdefault("group_ids", []).append(f"FG-{i:03d}")
        hubs = [
            {
                "phone": h.phone.e164,
                "raw_forms": h.raw_forms,
                "org_id": h.org.oid,
                "kind": h.kind,
                "reason": (
                    "hotel switchboard given as their number by guests"
                    if h.kind == "hotel_switchboard"
                    else "NGO hotline given as their contact by people in its shelter, and called by many"
                ),
                "people": len(h.people),
                "callers": len(h.callers),
                "linked": len(h.people | h.callers),
            }
            for h in self.hubs
        ]
        dedup = {k: list(dict.fromkeys(v)) for k, v in self.gt_roles.items()}
        return {
            "generator": "sample_data.generate",
            "seed": self.seed,
            "people": self.target,
            "reference_date": REF_DATE.isoformat(),
            "counts": dict(self.counts),
            **dedup,
            "rings": self.gt_rings,
            "legit_units": self.gt_legit_units,
            "forged_documents": list(self.gt_forged.values()),
            "fraud_groups": out_groups,
            "hubs": hubs,
            "invalid_phones": self.gt_invalid_phones,
            "name_variants": self.gt_variants,
        }


def _check_vocabularies() -> None:
    """The generator writes the model's terms; fail loudly if the model stops knowing one."""
    used_indicators = {*MARRIAGE_INDICATORS, *LABOUR_INDICATORS, "cultural_practices", "substance_dependency"}
    unknown = sorted((set(ROLES_USED) - set(ROLES)) | (used_indicators - set(CONTROL_METHODS)))
    if unknown:
        raise ValueError(f"graph_tool.model no longer knows these terms the generator writes: {unknown}")


def generate_case(out_dir: Path, people: int = 200, seed: int = 7) -> CaseSummary:
    """Write a synthetic case of ``people`` people into ``out_dir``; return what was written.

    The same ``people`` and ``seed`` always give byte-identical files.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    _check_vocabularies()
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    case = _Case(out_dir, people, seed)
    case.open()
    try:
        case.run()
    finally:
        case.close()
    gt = case.ground_truth()
    with (out_dir / "ground_truth.json").open("w", encoding="utf-8", newline="\n") as f:
        json.dump(gt, f, ensure_ascii=False, indent=1)
        f.write("\n")
    rings = case.gt_rings
    return CaseSummary(
        out_dir=out_dir,
        people=people,
        seed=seed,
        counts=dict(case.counts),
        rings=len(rings),
        marriage_rings=sum(1 for r in rings if r["kind"] == "marriage"),
        labour_rings=sum(1 for r in rings if r["kind"] == "labour"),
        victims=len(gt["victims"]),
        brokers=len(gt["brokers"]),
        forgers=len(gt["forgers"]),
        forged_documents=len(gt["forged_documents"]),
        hubs=len(gt["hubs"]),
        seconds=time.perf_counter() - t0,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m sample_data.generate --out DIR --people N --seed S``."""
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate",
        description="Write a synthetic trafficking case (CSV files and ground_truth.json).",
        epilog="example: python -m sample_data.generate --out /tmp/case --people 200 --seed 7",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument("--people", type=int, default=200, help="number of people (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    summary = generate_case(args.out, args.people, args.seed)
    print(summary.format())
    return 0


if __name__ == "__main__":
    sys.exit(main())
