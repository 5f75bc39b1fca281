"""Normalisation of identifiers before anything is merged.

The loaders (entity resolution) and the document-fraud analyses call these
functions so that the same phone number, document number, name, date or
country written in different ways ends up with the same value.

Principles
----------
* Well-kept libraries do the work where one exists: ``phonenumbers`` for
  phones, ``followthemoney``/``pycountry`` for countries, ICU (through
  ``rigour``/``normality``) for transliteration, ``rapidfuzz`` for name
  similarity and ``python-dateutil`` for free-text dates.
* Nothing here logs, and no exception message repeats the value it was
  given: error messages describe what is wrong, never the personal data.
  Exceptions raised while handling library errors are raised ``from None``
  so that the library's own message (which may quote the input) is not
  chained into a traceback.
* Bad phone numbers are kept and flagged, never dropped; bad dates,
  countries and MRZ shapes raise ``ValueError``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import phonenumbers
import pycountry
from dateutil import parser as _dateparser
from followthemoney.types import registry as _ftm_registry
from rapidfuzz import fuzz

try:  # rigour (a followthemoney dependency) gives passport-style Cyrillic.
    from rigour.text import ascii_text as _ascii_text
except ImportError:  # pragma: no cover - fallback kept for older stacks
    from normality import ascii_text as _ascii_text

__all__ = [
    "MRZ",
    "PhoneResult",
    "country_from_mrz",
    "document_serial",
    "make_td1",
    "make_td3",
    "mrz_check_digit",
    "name_key",
    "name_similarity",
    "normalise_country",
    "normalise_date",
    "normalise_document_number",
    "normalise_name",
    "normalise_phone",
    "parse_mrz",
]

# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------

_PHONE_KINDS: dict[int, str] = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
}


@dataclass(frozen=True)
class PhoneResult:
    """A phone number after normalisation.

    Attributes
    ----------
    e164 : str or None
        The number in E.164 form (``+447400123456``) when valid, else None.
    raw : str
        The input exactly as given.
    valid : bool
        True when ``phonenumbers`` considers the number valid.
    region : str or None
        ISO 3166-1 alpha-2 region of a valid geographic number, else None.
    kind : str or None
        ``mobile``, ``fixed_line``, ``fixed_line_or_mobile``, ``voip``,
        ``toll_free``, ``premium_rate``, ... or None when unknown or invalid.
    key : str
        The merge key: ``e164`` when valid, else ``"raw:"`` followed by the
        digits of the input (or, if it has no digit, its case-folded text).
    """

    e164: str | None
    raw: str
    valid: bool
    region: str | None
    kind: str | None
    key: str


def _raw_phone_key(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    digits = "".join(ch for ch in text if ch in "0123456789")
    if digits:
        return "raw:" + digits
    return "raw:" + " ".join(text.casefold().split())


def normalise_phone(raw: str, default_region: str | None = "GB") -> PhoneResult:
    """Normalise a phone number to E.164 with ``phonenumbers``.

    Parameters
    ----------
    raw : str
        The number as written (any punctuation, ``+``/``00`` prefixes,
        national trunk prefixes, full-width digits).
    default_region : str or None
        ISO 3166-1 alpha-2 region assumed for numbers written without an
        international prefix. None means only international numbers parse.

    Returns
    -------
    PhoneResult
        Never raises for bad input: an unparseable or invalid number is
        returned with ``valid=False``, ``e164=None`` and a ``raw:`` key.

    Examples
    --------
    >>> r = normalise_phone("07400 123456")
    >>> r.e164, r.valid, r.region, r.kind, r.key
    ('+447400123456', True, 'GB', 'mobile', '+447400123456')
    >>> normalise_phone("+84 912 345 678", default_region=None).region
    'VN'
    >>> bad = normalise_phone("12345")
    >>> bad.valid, bad.e164, bad.key
    (False, None, 'raw:12345')
    """
    region = default_region.upper() if default_region else None
    invalid = PhoneResult(
        e164=None,
        raw=raw,
        valid=False,
        region=None,
        kind=None,
        key=_raw_phone_key(raw),
    )
    try:
        number = phonenumbers.parse(unicodedata.normalize("NFKC", raw), region)
    except phonenumbers.NumberParseException:
        return invalid
    if not phonenumbers.is_valid_number(number):
        return invalid
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    number_region = phonenumbers.region_code_for_number(number)
    if number_region in (None, "", "ZZ", "001"):
        number_region = None
    kind = _PHONE_KINDS.get(phonenumbers.number_type(number))
    return PhoneResult(e164=e164, raw=raw, valid=True, region=number_region, kind=kind, key=e164)


# ---------------------------------------------------------------------------
# Document numbers
# ---------------------------------------------------------------------------

# Separators people type inside document numbers; "<" is the MRZ filler.
_DOC_SEPARATORS = frozenset(".-/\\<_")
_SERIAL_RE = re.compile(r"^(.*?)([0-9]+)$")


def normalise_document_number(raw: str) -> str:
    """Normalise a passport/ID/visa/permit number for comparison.

    NFKC (full-width characters become ASCII), upper case, and whitespace,
    dashes (any Unicode dash), dots, slashes, underscores and the MRZ filler
    ``<`` removed. Look-alike characters (letter ``O`` and digit ``0``,
    ``I`` and ``1``) are deliberately *not* changed: they are different
    numbers and telling them apart is part of the fraud analysis.

    Parameters
    ----------
    raw : str
        The document number as written.

    Returns
    -------
    str
        The normalised number (possibly empty).

    Examples
    --------
    >>> normalise_document_number(" c01-234.567/8 ")
    'C012345678'
    >>> normalise_document_number("ＡＢ１２３")
    'AB123'
    >>> normalise_document_number("O0O")
    'O0O'
    """
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(
        ch for ch in text if not ch.isspace() and ch not in _DOC_SEPARATORS and unicodedata.category(ch) != "Pd"
    )


def document_serial(number: str) -> tuple[str, int] | None:
    """Split a document number into a prefix and a trailing serial integer.

    Used to spot runs of consecutive serials (documents from one batch).
    The number is normalised first. Leading zeros of the serial are not
    kept in the integer, so ``C0009`` and ``C0010`` give ``("C", 9)`` and
    ``("C", 10)``; compare lengths as well if that matters.

    Parameters
    ----------
    number : str
        A document number, normalised or not.

    Returns
    -------
    tuple of (str, int) or None
        ``(prefix, serial)``, or None when the number does not end in a
        digit.

    Examples
    --------
    >>> document_serial("C0009")
    ('C', 9)
    >>> document_serial("AB-123-4567")
    ('AB', 1234567)
    >>> document_serial("123456")
    ('', 123456)
    >>> document_serial("12345X") is None
    True
    """
    match = _SERIAL_RE.match(normalise_document_number(number))
    if match is None:
        return None
    return match.group(1), int(match.group(2))


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

# Zero-width joiner/non-joiner carry meaning in some scripts; keep them in
# the display form (they disappear in the key anyway).
_KEEP_FORMAT_CHARS = frozenset("\u200c\u200d")
_APOSTROPHES = frozenset("'`\u2018\u2019\u02bc\u02b9\u00b4")
_DROP_ASCII_APOSTROPHES = str.maketrans("", "", "".join(ch for ch in _APOSTROPHES if ch.isascii()))
_ASCII_WORD = re.compile(r"[0-9a-z]+")
_CJK_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "歐陽",
        "司马",
        "司馬",
        "诸葛",
        "諸葛",
        "上官",
        "司徒",
        "东方",
        "東方",
        "皇甫",
        "令狐",
        "慕容",
        "夏侯",
        "轩辕",
        "軒轅",
        "公孙",
        "公孫",
        "长孙",
        "長孫",
        "尉迟",
        "尉遲",
        "宇文",
        "澹台",
        "端木",
        "西门",
        "西門",
    }
)


def normalise_name(raw: str) -> str:
    """Tidy a name for display, keeping its script and letter case.

    NFKC, control and invisible formatting characters (zero-width spaces,
    BOMs, bidirectional overrides) removed, runs of whitespace collapsed to
    one space, surrounding whitespace stripped. Case is left as written
    (``NGUYEN`` stays upper case: re-casing names such as ``McDonald`` or
    ``van der Berg`` would damage them). Anything else, including markup
    or query syntax, is kept as plain text.

    Parameters
    ----------
    raw : str
        The name as written.

    Returns
    -------
    str
        The tidied name.

    Examples
    --------
    >>> normalise_name("  NGUYEN\\u200b  Thi\\tLan ")
    'NGUYEN Thi Lan'
    >>> normalise_name("Ｊｏｈｎ　Ｓｍｉｔｈ")
    'John Smith'
    """
    if raw.isascii() and raw.isprintable():
        # Plain printable ASCII: NFKC and the character filter change nothing.
        return " ".join(raw.split())
    text = unicodedata.normalize("NFKC", raw)
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if ch in _KEEP_FORMAT_CHARS:
                kept.append(ch)
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


@lru_cache(maxsize=4096)
def _char_ascii(ch: str) -> str:
    """ASCII for one character of a token ICU could not fully transliterate."""
    out = _ascii_text(ch)
    if ch.isascii() or (out and "?" not in out):
        return out
    # ICU has no transliterator for this script (e.g. Khmer, Lao): build a
    # crude but stable romanisation from the Unicode character name, so
    # that different names keep different keys instead of becoming "?".
    name = unicodedata.name(ch, "")
    if " LETTER " in name:
        return name.split(" LETTER ", 1)[1].split()[0].lower()
    for marker in (" VOWEL SIGN ", " INDEPENDENT VOWEL ", " DIGIT "):
        if marker in name:
            return name.split(marker, 1)[1].replace(" ", "").lower()
    if out == "" or unicodedata.category(ch).startswith("M"):
        return ""  # symbols, and signs such as the Khmer coeng
    return f"u{ord(ch):04x}"


@lru_cache(maxsize=100_000)
def _token_ascii(token: str) -> str:
    out = _ascii_text(token)
    if "?" in out and "?" not in token:
        return "".join(_char_ascii(ch) for ch in token)
    return out


def _han_syllables(token: str) -> list[str]:
    return _ascii_text(token).split()


def _ascii_tokens(name: str) -> list[str]:
    """Transliterate a tidy name to lower-case ASCII tokens."""
    if name.isascii():
        # Nothing to transliterate; tokens are cut the same way as below.
        return _ASCII_WORD.findall(name.lower().translate(_DROP_ASCII_APOSTROPHES))
    raw_tokens = name.split()
    han_tokens = [t for t in raw_tokens if all(_is_han(ch) for ch in t)]
    pieces: list[str] = []
    for token in raw_tokens:
        if token in han_tokens:
            syllables = _han_syllables(token)
            if len(han_tokens) == 1 and len(token) >= 2:
                # One unbroken Chinese name: surname, then the given name
                # written as one word, as in pinyin ("Xi Jinping").
                split = 2 if token[:2] in _CJK_COMPOUND_SURNAMES else 1
                pieces.append("".join(syllables[:split]))
                pieces.append("".join(syllables[split:]))
            else:
                pieces.append("".join(syllables))
        else:
            pieces.append(_token_ascii(token))
    text = " ".join(pieces).lower()
    text = "".join(ch for ch in text if ch not in _APOSTROPHES)
    text = "".join(ch if ch.isalnum() and ch.isascii() else " " for ch in text)
    return text.split()


def name_key(raw: str) -> str:
    """A merge key for a person's name, independent of script and order.

    The name is tidied (:func:`normalise_name`), transliterated to ASCII
    with ICU (Vietnamese diacritics dropped, Cyrillic romanised as in
    passports, Chinese to pinyin with the given name joined, Arabic
    consonantal), case-folded, apostrophes dropped, other punctuation
    turned into spaces, and the tokens sorted.

    Parameters
    ----------
    raw : str
        The name as written.

    Returns
    -------
    str
        Space-separated, sorted, lower-case ASCII tokens (empty if the name
        has no letters or digits).

    Examples
    --------
    >>> name_key("NGUYEN Thi Lan") == name_key("Lan Thi Nguyễn")
    True
    >>> name_key("Юлия Тимошенко")
    'timoshenko yuliya'
    >>> name_key("习近平")
    'jinping xi'
    >>> name_key("O'Brien-Smith, Seán")
    'obrien sean smith'
    """
    return tidy_name_key(normalise_name(raw))


def tidy_name_key(tidy: str) -> str:
    """:func:`name_key` of a name already tidied by :func:`normalise_name`.

    >>> tidy_name_key(normalise_name("Lan Thi Nguyễn")) == name_key("Lan Thi Nguyễn")
    True
    """
    return " ".join(sorted(_ascii_tokens(tidy)))


def name_similarity(a: str, b: str) -> float:
    """Similarity of two names in [0, 1], across scripts and word order.

    ``rapidfuzz.fuzz.token_sort_ratio`` on the :func:`name_key` forms.
    Names with no letters or digits score 0.

    Parameters
    ----------
    a, b : str
        Names as written.

    Returns
    -------
    float
        1.0 for the same key, lower for different names.

    Examples
    --------
    >>> name_similarity("Nguyễn Thị Lan", "LAN THI NGUYEN")
    1.0
    >>> name_similarity("Vladimir Putin", "Владимир Путин")
    1.0
    >>> name_similarity("Anna Eriksson", "Ana Ericsson") > 0.8
    True
    >>> name_similarity("Anna Eriksson", "Tran Van Minh") < 0.5
    True
    """
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0
    return float(fuzz.token_sort_ratio(key_a, key_b)) / 100.0


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_ISO_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
# Year-first numeric dates: 2019-03-12, 2019/3/12, 2019.03.12, 20190312,
# optionally followed by a time. dateutil must not see these with
# dayfirst=True: it reads "2019-03-12" as 3 December.
_YEAR_FIRST_RE = re.compile(r"^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2}))(?:[T ].*)?$")
_FOUR_DIGITS_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2001, 2, 2)


def _calendar_date(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueError(f"impossible calendar date: {exc}") from None


def _iso_partial(match: re.Match[str]) -> str:
    year, month = match.group(1), match.group(2)
    if int(year) < 1:
        raise ValueError("impossible date: year 0000")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError("impossible date: month must be in 01..12")
    return match.group(0)


def normalise_date(
    raw: str | date | datetime,
    formats: Sequence[str] | None = None,
    dayfirst: bool = True,
) -> str:
    """Normalise a date to ISO 8601 ``YYYY-MM-DD``.

    Partial ISO dates ``YYYY-MM`` and ``YYYY`` are returned as they are
    (after a range check). ``date``/``datetime`` objects (as read from
    XLSX) give their calendar date. Year-first numeric strings
    (``2019-03-12``, ``2019/03/12``, ``20190312``, with or without a time)
    are always read year-month-day. With ``formats``, only those
    ``strptime`` formats are tried, in order; a format without a day
    (``%Y-%m``) gives ``YYYY-MM``, one without a month gives ``YYYY``.
    Otherwise ``dateutil`` reads the text (``12/03/2019``,
    ``3 March 2019``, ``March 2019``); a missing day gives ``YYYY-MM``.
    Two-digit years are refused as ambiguous (pass ``formats`` with
    ``%y`` to accept them knowingly).

    Parameters
    ----------
    raw : str, date or datetime
        The value to normalise.
    formats : sequence of str, optional
        ``datetime.strptime`` formats to use instead of free parsing.
    dayfirst : bool
        Read ``01/02/2019`` as 1 February (True, the default) or as
        January 2 (False).

    Returns
    -------
    str
        ``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY`` for partial dates.

    Raises
    ------
    ValueError
        For impossible dates (30 February), unparseable text, missing
        year, or two-digit years. The message never repeats the input.
    TypeError
        For values that are neither text nor dates.

    Examples
    --------
    >>> normalise_date("12/03/2019")
    '2019-03-12'
    >>> normalise_date("12/03/2019", dayfirst=False)
    '2019-12-03'
    >>> normalise_date("2019-03-12")
    '2019-03-12'
    >>> normalise_date("1990-05"), normalise_date("1990")
    ('1990-05', '1990')
    >>> normalise_date("3 March 2019")
    '2019-03-03'
    >>> normalise_date("2019-02-30")
    Traceback (most recent call last):
    ...
    ValueError: impossible calendar date: day is out of range for month
    """
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if not isinstance(raw, str):
        raise TypeError(f"expected str, date or datetime, not {type(raw).__name__}")
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        raise ValueError("empty date")

    if formats is not None:
        return _date_from_formats(text, formats)

    partial = _ISO_PARTIAL_RE.match(text)
    if partial:
        return _iso_partial(partial)
    year_first = _YEAR_FIRST_RE.match(text)
    if year_first:
        year, _, month, day, month2, day2 = year_first.groups()
        return _calendar_date(int(year), int(month or month2), int(day or day2))

    try:
        parsed_a = _dateparser.parse(text, dayfirst=dayfirst, default=_DEFAULT_A)
        parsed_b = _dateparser.parse(text, dayfirst=dayfirst, default=_DEFAULT_B)
    except _dateparser.ParserError as exc:
        reason = str(exc).split(":", 1)[0]
        if "out of range" in reason or "must be in" in reason:
            raise ValueError(f"impossible calendar date: {reason}") from None
        raise ValueError("unparseable date") from None
    except (OverflowError, ValueError):
        raise ValueError("unparseable date") from None
    if parsed_a.year != parsed_b.year:
        raise ValueError("date has no year")
    if str(parsed_a.year) not in _FOUR_DIGITS_RE.findall(text):
        raise ValueError("two-digit or missing year is ambiguous; pass formats")
    if parsed_a.month != parsed_b.month:
        if parsed_a.day != parsed_b.day:
            return f"{parsed_a.year:04d}"
        raise ValueError("date has a day but no month")
    if parsed_a.day != parsed_b.day:
        return f"{parsed_a.year:04d}-{parsed_a.month:02d}"
    return parsed_a.date().isoformat()


def _date_from_formats(text: str, formats: Sequence[str]) -> str:
    impossible = False
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError as exc:
            impossible = impossible or "out of range" in str(exc)
            continue
        if not any(d in fmt for d in ("%m", "%b", "%B", "%j")):
            return f"{parsed.year:04d}"
        if not any(d in fmt for d in ("%d", "%j")):
            return f"{parsed.year:04d}-{parsed.month:02d}"
        return parsed.date().isoformat()
    if impossible:
        raise ValueError("impossible calendar date for the given formats")
    raise ValueError(f"date matches none of the {len(formats)} given formats")


# ---------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------

# ISO 3166-1 "exceptionally reserved" codes followthemoney may return, mapped
# to the assigned code of the territory they belong to.
_RESERVED_TO_ISO = {"AC": "SH", "TA": "SH", "DG": "IO", "IC": "ES", "CP": "FR"}
# Names that neither followthemoney nor pycountry recognise.
_COUNTRY_ALIASES = {
    "lao pdr": "LA",
    "lao p.d.r.": "LA",
    "laos pdr": "LA",
}
_BRACKETS_RE = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")

# ICAO Doc 9303 Part 3 codes that are not ISO 3166-1 alpha-3.
_ICAO_STATE_CODES = {
    "D": "DE",  # Germany
    "GBD": "GB",  # British Overseas Territories citizen
    "GBN": "GB",  # British National (Overseas)
    "GBO": "GB",  # British Overseas citizen
    "GBP": "GB",  # British protected person
    "GBS": "GB",  # British subject
    "RKS": "XK",  # Kosovo (not in Doc 9303, used on Kosovo passports)
}
# ICAO codes for organisations, stateless persons, refugees and test
# specimens: valid in an MRZ, but no country.
_ICAO_NON_STATE_CODES = frozenset(
    {
        "EUE",  # European Union
        "UNO",
        "UNA",
        "UNK",  # United Nations and agencies, UNMIK
        "XBA",
        "XIM",
        "XCC",
        "XCE",
        "XCO",
        "XEC",
        "XPO",
        "XES",
        "XMP",
        "XOM",
        "XDC",
        "XAA",
        "XXA",
        "XXB",
        "XXC",
        "XXX",  # stateless, refugees, unspecified
        "UTO",
        "UTS",  # Utopia: ICAO specimen/test state
    }
)


def _iso_alpha2(code: str) -> str | None:
    code = code.upper()
    code = _RESERVED_TO_ISO.get(code, code)
    if code == "XK" or pycountry.countries.get(alpha_2=code) is not None:
        return code
    return None


def _ftm_country(text: str) -> str | None:
    cleaned = _ftm_registry.country.clean(text)
    if cleaned is None:
        return None
    # followthemoney has sub-national codes ("gb-sct" for Scotland): use
    # the ISO code of the state. Historical ones ("suhh") give None.
    return _iso_alpha2(cleaned.split("-", 1)[0])


@lru_cache(maxsize=4096)
def _country_lookup(text: str) -> str | None:
    for candidate in (text, _BRACKETS_RE.sub(" ", text).strip()):
        if not candidate:
            continue
        found = _ftm_country(candidate)
        if found:
            return found
        alias = _COUNTRY_ALIASES.get(candidate.casefold())
        if alias:
            return alias
        try:
            match = pycountry.countries.lookup(candidate)
        except LookupError:
            continue
        return str(match.alpha_2)
    if re.fullmatch(r"[A-Za-z<]{1,3}", text):
        try:
            return country_from_mrz(text.upper())
        except ValueError:
            return None
    return None


def normalise_country(raw: str) -> str:
    """Normalise a country name or code to ISO 3166-1 alpha-2 (upper case).

    Accepts English (and many other languages') names and common variants
    (``Viet Nam``, ``Burma``, ``Lao PDR``, ``PRC``, ``UK``), ISO alpha-2
    and alpha-3 codes, and ICAO MRZ codes (``D`` for Germany). Uses
    ``followthemoney``'s country registry, then ``pycountry``. Parts of the
    United Kingdom and other sub-national codes give the state (``Scotland``
    gives ``GB``); Kosovo gives the user-assigned ``XK``.

    Parameters
    ----------
    raw : str
        A country name or code.

    Returns
    -------
    str
        Upper-case ISO 3166-1 alpha-2 code.

    Raises
    ------
    ValueError
        For text that is no current country (unknown names, historical
        states such as the Soviet Union, regions such as Europe, ICAO codes
        for stateless persons or organisations).

    Examples
    --------
    >>> [normalise_country(c) for c in ("Viet Nam", "VNM", "Burma", "Lao PDR")]
    ['VN', 'VN', 'MM', 'LA']
    >>> normalise_country("PRC"), normalise_country("gbr"), normalise_country("D")
    ('CN', 'GB', 'DE')
    """
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        raise ValueError("empty country")
    found = _country_lookup(text)
    if found is None:
        raise ValueError("not a recognised current country name or ISO 3166-1/ICAO code")
    return found


def country_from_mrz(code: str) -> str | None:
    """Map an ICAO Doc 9303 state code (as in an MRZ) to ISO 3166-1 alpha-2.

    Parameters
    ----------
    code : str
        One to three letters, possibly padded with ``<`` (``D<<``).

    Returns
    -------
    str or None
        The alpha-2 code of the state, or None for codes that name no
        state: ``UTO``/``UTS`` (ICAO specimen "Utopia"), ``XXA`` (stateless),
        ``XXB``/``XXC`` (refugees), ``XXX`` (unspecified), ``UNO``,
        ``EUE`` and other organisations.

    Raises
    ------
    ValueError
        For a code that is not an ICAO state or organisation code.

    Examples
    --------
    >>> country_from_mrz("D<<"), country_from_mrz("GBR"), country_from_mrz("VNM")
    ('DE', 'GB', 'VN')
    >>> country_from_mrz("GBN"), country_from_mrz("RKS")
    ('GB', 'XK')
    >>> country_from_mrz("UTO") is None, country_from_mrz("XXA") is None
    (True, True)
    """
    clean = code.strip().upper().rstrip("<")
    if clean in _ICAO_STATE_CODES:
        return _ICAO_STATE_CODES[clean]
    if clean in _ICAO_NON_STATE_CODES:
        return None
    if re.fullmatch(r"[A-Z]{3}", clean):
        country = pycountry.countries.get(alpha_3=clean)
        if country is not None:
            return str(country.alpha_2)
    raise ValueError("not an ICAO Doc 9303 state or organisation code")


# ---------------------------------------------------------------------------
# MRZ (ICAO Doc 9303)
# ---------------------------------------------------------------------------

_MRZ_WEIGHTS = (7, 3, 1)
_MRZ_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_MRZ_SHAPES = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}


def mrz_check_digit(s: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1; ``<`` = 0, ``A``-``Z`` = 10-35.

    Parameters
    ----------
    s : str
        MRZ characters (``0-9``, ``A-Z``, ``<``).

    Returns
    -------
    str
        One digit.

    Raises
    ------
    ValueError
        For a character outside the MRZ set.

    Examples
    --------
    >>> mrz_check_digit("L898902C3"), mrz_check_digit("740812")
    ('6', '2')
    """
    total = 0
    for i, ch in enumerate(s):
        if ch not in _MRZ_CHARS:
            raise ValueError(f"character at position {i} is not an MRZ character")
        value = 0 if ch == "<" else int(ch, 36)
        total += value * _MRZ_WEIGHTS[i % 3]
    return str(total % 10)


@dataclass(frozen=True)
class MRZ:
    """A parsed machine-readable zone.

    Attributes
    ----------
    layout : str
        ``TD1``, ``TD2``, ``TD3``, ``MRVA`` or ``MRVB``.
    document_type : str
        Document code without filler (``P``, ``I``, ``ID``, ``V``, ...).
    issuing_state, nationality : str
        ICAO codes as printed, without filler (``UTO``, ``D``); see
        :func:`country_from_mrz`.
    surname, given_names : str
        Name fields with ``<`` turned into spaces.
    document_number : str
        Without filler; TD1/TD2 long numbers are re-assembled.
    birth_date, expiry_date : str or None
        ISO dates (``YYYY`` or ``YYYY-MM`` when the MRZ marks parts unknown
        with ``<``), None when not a date.
    sex : str or None
        ``M``, ``F``, ``X``, or None for ``<`` (unspecified).
    optional_data : str
        Optional data (TD3: personal number; TD1: line 1 optional data).
    optional_data_2 : str
        TD1 line 2 optional data; empty for other layouts.
    checks : dict of str to bool
        Each check digit present in the layout: ``document_number``,
        ``birth_date``, ``expiry_date``, ``personal_number`` (TD3) and
        ``composite`` (TD1, TD2, TD3; visas have none).
    valid : bool
        All check digits correct and no ``problems``.
    problems : tuple of str
        Structural problems found (impossible dates, unknown sex code).
    lines : tuple of str
        The MRZ lines as parsed.
    """

    layout: str
    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str | None
    sex: str | None
    expiry_date: str | None
    optional_data: str
    optional_data_2: str
    checks: dict[str, bool] = field(hash=False)
    valid: bool
    problems: tuple[str, ...]
    lines: tuple[str, ...]


def _check(field_text: str, digit: str, filler_ok: bool = False) -> bool:
    if filler_ok and digit == "<" and set(field_text) <= {"<"}:
        return True
    return digit == mrz_check_digit(field_text)


def _mrz_lines(text: str | Sequence[str]) -> list[str]:
    if isinstance(text, str):
        lines = [line.strip() for line in text.splitlines()]
    else:
        lines = [line.strip() for line in text]
    lines = [line.upper() for line in lines if line]
    if len(lines) == 1:
        total = len(lines[0])
        for count, width in _MRZ_SHAPES:
            if total == count * width:
                lines = [lines[0][i : i + width] for i in range(0, total, width)]
                break
    shape = (len(lines), len(lines[0]) if lines else 0)
    if shape not in _MRZ_SHAPES or any(len(line) != shape[1] for line in lines):
        lengths = ", ".join(str(len(line)) for line in lines) or "none"
        raise ValueError(
            "MRZ must be 3 lines of 30 (TD1), 2 of 36 (TD2/MRV-B) or 2 of 44 "
            f"(TD3/MRV-A) characters; got {len(lines)} line(s) of length {lengths}"
        )
    for n, line in enumerate(lines, start=1):
        for i, ch in enumerate(line):
            if ch not in _MRZ_CHARS:
                raise ValueError(f"MRZ line {n} has a character outside A-Z, 0-9 and '<' at position {i + 1}")
    return lines


def _mrz_name(text: str) -> tuple[str, str]:
    surname, _, given = text.partition("<<")
    return (
        " ".join(surname.replace("<", " ").split()),
        " ".join(given.replace("<", " ").split()),
    )


def _mrz_date(yymmdd: str, name: str, today: date, birth: bool, problems: list[str]) -> str | None:
    yy, mm, dd = yymmdd[:2], yymmdd[2:4], yymmdd[4:]
    if not yy.isdigit():
        if yymmdd != "<<<<<<":
            problems.append(f"{name}: not a date")
        return None
    year = 2000 + int(yy)
    if not birth:
        if year > today.year + 50:
            year -= 100
    elif (year, mm.replace("<", "0"), dd.replace("<", "0")) > (
        today.year,
        f"{today.month:02d}",
        f"{today.day:02d}",
    ):
        # A birth date is never in the future (unknown parts count as 00).
        year -= 100
    if mm == "<<" and dd == "<<":
        return f"{year:04d}"
    if not mm.isdigit() or not 1 <= int(mm) <= 12:
        problems.append(f"{name}: not a date")
        return None
    if dd == "<<":
        return f"{year:04d}-{mm}"
    if not dd.isdigit():
        problems.append(f"{name}: not a date")
        return None
    try:
        value = date(year, int(mm), int(dd))
    except ValueError:
        problems.append(f"{name}: impossible calendar date")
        return None
    return value.isoformat()


def _long_number(principal: str, digit: str, optional: str) -> tuple[str, str, str, str]:
    """Re-assemble a TD1/TD2 document number longer than 9 characters.

    Returns (number, checked text, check digit, remaining optional data).
    """
    if digit != "<" or principal.endswith("<"):
        return principal.rstrip("<"), principal, digit, optional.strip("<")
    extension, _, rest = optional.partition("<")
    if not extension:
        return principal, principal, "<", optional.strip("<")
    number = principal + extension[:-1]
    return number, number, extension[-1], rest.strip("<")


def parse_mrz(text: str | Sequence[str], *, today: date | None = None) -> MRZ:
    """Parse an ICAO Doc 9303 machine-readable zone and verify its check digits.

    Layouts: TD1 (3 lines of 30), TD2 (2x36), TD3 passports (2x44), and
    visas MRV-A (2x44) and MRV-B (2x36), told apart by the document code
    (``V``). Lines may be separated by newlines or given as one string of
    the total length, or as a sequence of lines; surrounding whitespace is
    ignored and lower case is upper-cased.

    Two-digit years: a birth date is put in the latest century that does
    not put it after ``today``; an expiry date is in the 2000s unless that
    is more than 50 years after ``today``.

    Parameters
    ----------
    text : str or sequence of str
        The MRZ.
    today : date, optional
        Reference date for resolving centuries (default: today).

    Returns
    -------
    MRZ
        Parsed fields, ``checks`` per check digit, ``valid`` overall.
        Bad check digits do not raise; they show in ``checks``/``valid``.

    Raises
    ------
    ValueError
        When the text does not have an MRZ shape or uses characters outside
        ``A-Z``, ``0-9`` and ``<``. The message gives line counts, lengths
        and positions, never the content.

    Examples
    --------
    >>> m = parse_mrz(
    ...     "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\\n"
    ...     "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    ... )
    >>> m.layout, m.surname, m.given_names, m.document_number
    ('TD3', 'ERIKSSON', 'ANNA MARIA', 'L898902C3')
    >>> m.birth_date, m.expiry_date, m.sex, m.valid
    ('1974-08-12', '2012-04-15', 'F', True)
    """
    lines = _mrz_lines(text)
    today = today or date.today()
    layout = _MRZ_SHAPES[(len(lines), len(lines[0]))]
    checks: dict[str, bool] = {}
    problems: list[str] = []
    optional_2 = ""

    if layout == "TD1":
        l1, l2, l3 = lines
        doc_type, issuing = l1[0:2], l1[2:5]
        number, checked, digit, optional = _long_number(l1[5:14], l1[14], l1[15:30])
        checks["document_number"] = _check(checked, digit)
        birth, birth_digit = l2[0:6], l2[6]
        sex_char = l2[7]
        expiry, expiry_digit = l2[8:14], l2[14]
        nationality = l2[15:18]
        optional_2 = l2[18:29].strip("<")
        composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        composite_digit = l2[29]
        surname, given = _mrz_name(l3)
    else:
        l1, l2 = lines
        if l1[0] == "V":
            layout = "MRVA" if layout == "TD3" else "MRVB"
        doc_type, issuing = l1[0:2], l1[2:5]
        surname, given = _mrz_name(l1[5:])
        nationality = l2[10:13]
        birth, birth_digit = l2[13:19], l2[19]
        sex_char = l2[20]
        expiry, expiry_digit = l2[21:27], l2[27]
        width = len(l2)
        if layout == "TD3":
            number, checked, digit = l2[0:9].rstrip("<"), l2[0:9], l2[9]
            optional = l2[28:42].strip("<")
            checks["document_number"] = _check(checked, digit)
            checks["personal_number"] = _check(l2[28:42], l2[42], filler_ok=True)
        elif layout == "TD2":
            number, checked, digit, optional = _long_number(l2[0:9], l2[9], l2[28:35])
            checks["document_number"] = _check(checked, digit)
        else:  # visas: no composite check digit
            number, checked, digit = l2[0:9].rstrip("<"), l2[0:9], l2[9]
            optional = l2[28:width].strip("<")
            checks["document_number"] = _check(checked, digit)
        composite = l2[0:10] + l2[13:20] + l2[21 : width - 1]
        composite_digit = l2[width - 1]

    checks["birth_date"] = _check(birth, birth_digit)
    checks["expiry_date"] = _check(expiry, expiry_digit)
    if layout in ("TD1", "TD2", "TD3"):
        checks["composite"] = _check(composite, composite_digit)
    # Keep a stable key order for display.
    order = ("document_number", "birth_date", "expiry_date", "personal_number")
    checks = {k: checks[k] for k in (*order, "composite") if k in checks}

    birth_iso = _mrz_date(birth, "birth_date", today, True, problems)
    expiry_iso = _mrz_date(expiry, "expiry_date", today, False, problems)
    if sex_char in ("M", "F", "X"):
        sex: str | None = sex_char
    elif sex_char == "<":
        sex = None
    else:
        sex = None
        problems.append("sex: not M, F, X or <")
    if not number:
        problems.append("document_number: empty")
    if not surname and not given:
        problems.append("name: empty")

    return MRZ(
        layout=layout,
        document_type=doc_type.rstrip("<"),
        issuing_state=issuing.rstrip("<"),
        surname=surname,
        given_names=given,
        document_number=number,
        nationality=nationality.rstrip("<"),
        birth_date=birth_iso,
        sex=sex,
        expiry_date=expiry_iso,
        optional_data=optional,
        optional_data_2=optional_2,
        checks=checks,
        valid=all(checks.values()) and not problems,
        problems=tuple(problems),
        lines=tuple(lines),
    )


# --- builders ---------------------------------------------------------------


def _mrz_field(value: str, width: int, name: str) -> str:
    """Upper-case ASCII, non-alphanumerics as ``<``, padded; too long raises."""
    text = _ascii_text(unicodedata.normalize("NFKC", value)).upper()
    text = "".join(ch for ch in text if ch not in _APOSTROPHES)
    text = "".join(ch if ch in _MRZ_CHARS else "<" for ch in text).strip("<")
    if len(text) > width:
        raise ValueError(f"{name} is longer than {width} MRZ characters")
    return text.ljust(width, "<")


def _mrz_name_field(surname: str, given_names: str, width: int) -> str:
    def part(value: str) -> str:
        text = _ascii_text(normalise_name(value)).upper()
        text = "".join(ch for ch in text if ch not in _APOSTROPHES)
        text = "".join(ch if "A" <= ch <= "Z" else "<" for ch in text)
        return "<".join(t for t in text.split("<") if t)

    primary, secondary = part(surname), part(given_names)
    if not primary and not secondary:
        raise ValueError("name is empty")
    name = f"{primary}<<{secondary}" if secondary else primary
    # Simple truncation; ICAO 9303 Part 3 allows more elaborate schemes.
    return name[:width].ljust(width, "<")


def _mrz_state(code: str, name: str) -> str:
    clean = code.strip().upper().rstrip("<")
    if len(clean) == 2 and clean.isalpha():
        if clean == "DE":
            clean = "D"
        else:
            country = pycountry.countries.get(alpha_2=clean)
            if country is None:
                raise ValueError(f"{name}: unknown ISO 3166-1 alpha-2 code")
            clean = str(country.alpha_3)
    if not re.fullmatch(r"[A-Z]{1,3}", clean):
        raise ValueError(f"{name}: expected an ICAO code of 1 to 3 letters")
    return clean.ljust(3, "<")


def _mrz_yymmdd(value: str | date, name: str) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    try:
        iso = normalise_date(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    if len(iso) == 4:
        return iso[2:4] + "<<<<"
    if len(iso) == 7:
        return iso[2:4] + iso[5:7] + "<<"
    return iso[2:4] + iso[5:7] + iso[8:10]


def _mrz_sex(sex: str | None) -> str:
    clean = (sex or "<").strip().upper()[:1] or "<"
    if clean not in ("M", "F", "X", "<"):
        raise ValueError("sex must be M, F, X, < or None")
    return clean


def make_td3(
    *,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str | date,
    sex: str | None,
    expiry_date: str | date,
    issuing_state: str | None = None,
    document_type: str = "P",
    personal_number: str = "",
) -> tuple[str, str]:
    """Build the two 44-character lines of a valid TD3 (passport) MRZ.

    Names are transliterated to ASCII, upper-cased, apostrophes dropped and
    other separators turned into ``<``; a name too long for the 39-character
    field is cut. States accept ICAO codes (``UTO``, ``D``) or ISO alpha-2
    (``VN``, ``DE``). Dates accept ``date`` objects or ISO text; a partial
    ISO date (``1974``, ``1974-08``) is written with ``<`` for the unknown
    parts. To make a broken MRZ for tests, change a character of the result.

    Parameters
    ----------
    surname, given_names : str
        Primary and secondary identifiers.
    document_number : str
        At most 9 characters after :func:`normalise_document_number`.
    nationality : str
        ICAO or ISO alpha-2 code.
    birth_date, expiry_date : str or date
        Dates.
    sex : str or None
        ``M``, ``F``, ``X``, or ``<``/None for unspecified.
    issuing_state : str, optional
        Defaults to ``nationality``.
    document_type : str
        One or two characters, ``P`` by default.
    personal_number : str
        Optional data, at most 14 characters.

    Returns
    -------
    tuple of (str, str)
        The two lines.

    Raises
    ------
    ValueError
        For fields that cannot be written (too long, unknown state code).

    Examples
    --------
    >>> lines = make_td3(
    ...     surname="Eriksson", given_names="Anna Maria",
    ...     document_number="L898902C3", nationality="UTO",
    ...     birth_date="1974-08-12", sex="F", expiry_date="2012-04-15",
    ...     personal_number="ZE184226B",
    ... )
    >>> lines[1]
    'L898902C36UTO7408122F1204159ZE184226B<<<<<10'
    >>> parse_mrz(lines).valid
    True
    """
    doc_type = _mrz_field(document_type, 2, "document_type")
    state = _mrz_state(issuing_state or nationality, "issuing_state")
    line1 = doc_type + state + _mrz_name_field(surname, given_names, 39)

    number = _mrz_field(normalise_document_number(document_number), 9, "document_number")
    birth = _mrz_yymmdd(birth_date, "birth_date")
    expiry = _mrz_yymmdd(expiry_date, "expiry_date")
    personal = _mrz_field(personal_number, 14, "personal_number")
    personal_digit = "<" if set(personal) == {"<"} else mrz_check_digit(personal)
    body = (
        number
        + mrz_check_digit(number)
        + _mrz_state(nationality, "nationality")
        + birth
        + mrz_check_digit(birth)
        + _mrz_sex(sex)
        + expiry
        + mrz_check_digit(expiry)
        + personal
        + personal_digit
    )
    composite = mrz_check_digit(body[0:10] + body[13:20] + body[21:43])
    return line1, body + composite


def make_td1(
    *,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str | date,
    sex: str | None,
    expiry_date: str | date,
    issuing_state: str | None = None,
    document_type: str = "I",
    optional_data: str = "",
    optional_data_2: str = "",
) -> tuple[str, str, str]:
    """Build the three 30-character lines of a valid TD1 (ID card) MRZ.

    Same field rules as :func:`make_td3`. A document number longer than
    9 characters is written the ICAO way: 9 characters, ``<`` in the check
    digit position, the rest plus the check digit at the start of the
    optional data.

    Parameters
    ----------
    surname, given_names : str
        Primary and secondary identifiers (cut to 30 characters).
    document_number : str
        Document number; up to 9 + 14 characters.
    nationality : str
        ICAO or ISO alpha-2 code.
    birth_date, expiry_date : str or date
        Dates.
    sex : str or None
        ``M``, ``F``, ``X``, or ``<``/None for unspecified.
    issuing_state : str, optional
        Defaults to ``nationality``.
    document_type : str
        One or two characters, ``I`` by default.
    optional_data : str
        Line 1 optional data (15 characters, less any long-number part).
    optional_data_2 : str
        Line 2 optional data (at most 11 characters).

    Returns
    -------
    tuple of (str, str, str)
        The three lines.

    Raises
    ------
    ValueError
        For fields that cannot be written.

    Examples
    --------
    >>> make_td1(
    ...     surname="ERIKSSON", given_names="ANNA MARIA",
    ...     document_number="D23145890", nationality="UTO",
    ...     birth_date="1974-08-12", sex="F", expiry_date="2012-04-15",
    ... )
    ('I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<')
    """
    doc_type = _mrz_field(document_type, 2, "document_type")
    state = _mrz_state(issuing_state or nationality, "issuing_state")
    number = normalise_document_number(document_number)
    if not re.fullmatch(r"[A-Z0-9]+", number):
        raise ValueError("document_number must be letters and digits")
    digit = mrz_check_digit(number)
    if len(number) <= 9:
        number_part = number.ljust(9, "<") + digit
        optional_1 = _mrz_field(optional_data, 15, "optional_data")
    else:
        extension = number[9:] + digit
        free = 15 - len(extension) - 1
        if free < 0:
            raise ValueError("document_number is too long for TD1")
        number_part = number[:9] + "<"
        optional_1 = extension + "<" + _mrz_field(optional_data, free, "optional_data")
    line1 = doc_type + state + number_part + optional_1

    birth = _mrz_yymmdd(birth_date, "birth_date")
    expiry = _mrz_yymmdd(expiry_date, "expiry_date")
    optional_2 = _mrz_field(optional_data_2, 11, "optional_data_2")
    line2 = (
        birth
        + mrz_check_digit(birth)
        + _mrz_sex(sex)
        + expiry
        + mrz_check_digit(expiry)
        + _mrz_state(nationality, "nationality")
        + optional_2
    )
    composite = mrz_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = _mrz_name_field(surname, given_names, 30)
    return line1, line2 + composite, line3
