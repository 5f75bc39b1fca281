"""Tests for graph_tool.normalise."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from graph_tool.normalise import (
    MRZ,
    PhoneResult,
    country_from_mrz,
    document_serial,
    make_td1,
    make_td3,
    mrz_check_digit,
    name_key,
    name_similarity,
    normalise_country,
    normalise_date,
    normalise_document_number,
    normalise_name,
    normalise_phone,
    parse_mrz,
)

# ICAO Doc 9303 specimens (Part 4 TD3, Part 5 TD1, Part 6 TD2, Part 7 MRV).
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD2 = (
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
)
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L8988901C4XXX4009078F9612109<<<<<<<<",
)
TODAY = date(2025, 6, 1)


def _replace(line: str, pos: int, char: str) -> str:
    assert line[pos] != char
    return line[:pos] + char + line[pos + 1 :]


# --- phones -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "e164", "country", "kind"),
    [
        ("07400 123456", "GB", "+447400123456", "GB", "mobile"),
        ("+44 (0)7400 123456", None, "+447400123456", "GB", "mobile"),
        ("0044 7400-123-456", "GB", "+447400123456", "GB", "mobile"),
        ("+44 20 7946 0000", "GB", "+442079460000", "GB", "fixed_line"),
        ("0800 123 4567", "GB", "+448001234567", "GB", "toll_free"),
        ("0912 345 678", "VN", "+84912345678", "VN", "mobile"),
        ("+84 912 345 678", None, "+84912345678", "VN", "mobile"),
        ("081-234-5678", "TH", "+66812345678", "TH", "mobile"),
        ("+86 131 2345 6789", "GB", "+8613123456789", "CN", "mobile"),
        ("+40 712 034 567", "GB", "+40712034567", "RO", "mobile"),
        ("+355 67 212 3456", None, "+355672123456", "AL", "mobile"),
        ("+855 91 234 567", None, "+85591234567", "KH", "mobile"),
        ("+234 802 123 4567", None, "+2348021234567", "NG", "mobile"),
        ("(201) 555-0123", "us", "+12015550123", "US", "fixed_line_or_mobile"),
        ("０７４００ １２３４５６", "GB", "+447400123456", "GB", "mobile"),
    ],
)
def test_phone_valid(raw: str, region: str | None, e164: str, country: str, kind: str) -> None:
    result = normalise_phone(raw, default_region=region)
    assert result == PhoneResult(e164=e164, raw=raw, valid=True, region=country, kind=kind, key=e164)


def test_phone_same_number_written_differently_same_key() -> None:
    keys = {normalise_phone(raw).key for raw in ("07400 123456", "+447400123456", "0044 7400 123456", "7400123456")}
    assert keys == {"+447400123456"}


@pytest.mark.parametrize(
    ("raw", "region", "key"),
    [
        ("12345", "GB", "raw:12345"),
        ("+44 1234", None, "raw:441234"),
        ("07400 123456", None, "raw:07400123456"),  # no region to read it in
        ("07700 900123", "GB", "raw:07700900123"),  # Ofcom drama range
        ("call me", "GB", "raw:call me"),
        ("", "GB", "raw:"),
    ],
)
def test_phone_invalid_kept_raw_and_flagged(raw: str, region: str | None, key: str) -> None:
    result = normalise_phone(raw, default_region=region)
    assert result.valid is False
    assert result.e164 is None
    assert result.raw == raw
    assert result.region is None and result.kind is None
    assert result.key == key


def test_phone_result_is_frozen() -> None:
    result = normalise_phone("07400 123456")
    with pytest.raises(AttributeError):
        result.e164 = "x"  # type: ignore[misc]


# --- document numbers -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" c01-234.567/8 ", "C012345678"),
        ("AB 123\u2013456", "AB123456"),  # en dash
        ("ＡＢ１２３", "AB123"),  # full width, NFKC
        ("L898902C3<<", "L898902C3"),
        ("O0O-1I1", "O0O1I1"),  # look-alikes untouched
    ],
)
def test_normalise_document_number(raw: str, expected: str) -> None:
    assert normalise_document_number(raw) == expected


def test_letter_o_and_digit_zero_stay_different() -> None:
    assert normalise_document_number("AO12345") != normalise_document_number("A012345")


def test_document_serial_consecutive() -> None:
    first, second = document_serial("C-0009"), document_serial("c0010")
    assert first == ("C", 9) and second == ("C", 10)
    assert first is not None and second is not None
    assert first[0] == second[0] and second[1] - first[1] == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123456789", ("", 123456789)),
        ("L898902C3", ("L898902C", 3)),
        ("B1234567X", None),
        ("", None),
    ],
)
def test_document_serial(raw: str, expected: tuple[str, int] | None) -> None:
    assert document_serial(raw) == expected


# --- names ------------------------------------------------------------------


def test_normalise_name_tidies_but_keeps_case_and_script() -> None:
    assert normalise_name("  NGUYEN\u200b  Thi\t\nLan ") == "NGUYEN Thi Lan"
    assert normalise_name("Nguyễn\u00a0Thị Lan") == "Nguyễn Thị Lan"
    assert normalise_name("\u202eAnna\ufeff") == "Anna"  # bidi override, BOM


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NGUYEN Thi Lan", "Lan Thi Nguyễn"),
        ("Nguyễn Thị Lan", "NGUYEN, THI LAN"),
        ("Đặng Văn Đức", "Dang Van Duc"),
        ("Владимир Путин", "PUTIN Vladimir"),
        ("Юлия Тимошенко", "Yuliya Timoshenko"),
        ("李小龍", "Li Xiaolong"),
        ("习近平", "XI JINPING"),
        ("欧阳娜娜", "Ouyang Nana"),
        ("O'Brien-Smith, Seán", "Sean OBrien Smith"),
        ("José  Müller", "MULLER Jose"),
    ],
)
def test_transliteration_variants_share_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)
    assert name_similarity(a, b) == 1.0


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Lan",
        "李小龍",
        "Владимир Путин",
        "محمد بن سلمان",
        "ราชา",
        "សុខា ចាន់",  # Khmer: ICU has no transliterator, fallback used
        "ສົມສັກ",  # Lao: same
        "김정은",
    ],
)
def test_name_key_is_ascii_and_not_empty(name: str) -> None:
    key = name_key(name)
    assert key and key.isascii()
    assert key == key.lower()


def test_unsupported_scripts_keep_distinct_keys() -> None:
    assert name_key("សុខា") != name_key("ចាន់")
    assert name_key("សុខា ចាន់") == name_key("ចាន់ សុខា")


def test_arabic_key() -> None:
    assert name_key("محمد بن سلمان") == "bn mhmd slman"
    assert name_similarity("محمد بن سلمان", "Mohammed bin Salman") > 0.75


def test_name_similarity_orders() -> None:
    same = name_similarity("Anna Eriksson", "ERIKSSON Anna")
    close = name_similarity("Anna Eriksson", "Ana Ericsson")
    far = name_similarity("Anna Eriksson", "Tran Van Minh")
    assert same == 1.0
    assert 0.8 < close < 1.0
    assert far < 0.5
    assert 0.0 <= far <= close <= same <= 1.0


def test_name_similarity_empty_is_zero() -> None:
    assert name_similarity("", "") == 0.0
    assert name_similarity("!!!", "Anna") == 0.0


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        (
            "<script>alert(1)</script>",
            "<script>alert(1)</script>",
            "1 alert script script",
        ),
        (
            "'}) DETACH DELETE n //",
            "'}) DETACH DELETE n //",
            "delete detach n",
        ),
        (
            "Robert'); DROP TABLE people;--",
            "Robert'); DROP TABLE people;--",
            "drop people robert table",
        ),
    ],
)
def test_injection_text_is_just_text(raw: str, display: str, key: str) -> None:
    assert normalise_name(raw) == display
    assert name_key(raw) == key
    assert 0.0 <= name_similarity(raw, "Anna") <= 1.0


# --- dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-03-12", "2019-03-12"),  # dateutil+dayfirst would say 3 Dec
        ("2019/03/12", "2019-03-12"),
        ("20190312", "2019-03-12"),
        ("2019-03-12T10:30:00Z", "2019-03-12"),
        ("12/03/2019", "2019-03-12"),
        ("12.03.2019", "2019-03-12"),
        ("12-03-2019", "2019-03-12"),
        ("3 March 2019", "2019-03-03"),
        ("March 3, 2019", "2019-03-03"),
        ("12 mar 2019", "2019-03-12"),
        ("1st of May 1990", "1990-05-01"),
        ("31.12.1999 23:59", "1999-12-31"),
        ("2020-02-29", "2020-02-29"),
        ("1990-05", "1990-05"),
        ("1990", "1990"),
        ("May 1990", "1990-05"),
        (" 2001-01-01 ", "2001-01-01"),
    ],
)
def test_normalise_date(raw: str, expected: str) -> None:
    assert normalise_date(raw) == expected


def test_normalise_date_monthfirst() -> None:
    assert normalise_date("12/03/2019", dayfirst=False) == "2019-12-03"
    assert normalise_date("2019-03-12", dayfirst=False) == "2019-03-12"


def test_normalise_date_objects() -> None:
    assert normalise_date(date(1990, 5, 17)) == "1990-05-17"
    assert normalise_date(datetime(1990, 5, 17, 23, 59)) == "1990-05-17"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2019-02-30", "impossible"),
        ("2019-02-29", "impossible"),
        ("30/02/2019", "impossible"),
        ("31/04/2019", "impossible"),
        ("13/13/2019", "impossible"),
        ("2019-13", "month"),
        ("12/03/95", "two-digit"),
        ("Tuesday", "no year"),
        ("not a date", "unparseable"),
        ("", "empty"),
    ],
)
def test_normalise_date_rejects(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        normalise_date(raw)
    if raw:
        assert raw not in str(info.value)  # no personal data in messages


def test_normalise_date_formats() -> None:
    assert normalise_date("12031995", formats=["%d%m%Y"]) == "1995-03-12"
    assert normalise_date("12/03/95", formats=["%d/%m/%y"]) == "1995-03-12"
    assert normalise_date("03/2019", formats=["%d/%m/%Y", "%m/%Y"]) == "2019-03"
    with pytest.raises(ValueError, match="impossible"):
        normalise_date("30/02/2019", formats=["%d/%m/%Y"])
    with pytest.raises(ValueError, match="none of the 1"):
        normalise_date("2019-03-12", formats=["%d/%m/%Y"])


def test_normalise_date_type_error() -> None:
    with pytest.raises(TypeError):
        normalise_date(20190312)  # type: ignore[arg-type]


# --- countries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Việt Nam", "VN"),
        ("VNM", "VN"),
        ("vn", "VN"),
        ("Burma", "MM"),
        ("Myanmar", "MM"),
        ("Burma (Myanmar)", "MM"),
        ("Lao PDR", "LA"),
        ("Laos", "LA"),
        ("PRC", "CN"),
        ("China", "CN"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("GBR", "GB"),
        ("Scotland", "GB"),
        ("D", "DE"),
        ("Germany", "DE"),
        ("Albania", "AL"),
        ("Romania", "RO"),
        ("Nigeria", "NG"),
        ("Eritrea", "ER"),
        ("Cambodia", "KH"),
        ("Kosovo", "XK"),
        ("Côte d’Ivoire", "CI"),
        ("Republic of Korea", "KR"),
    ],
)
def test_normalise_country(raw: str, expected: str) -> None:
    assert normalise_country(raw) == expected


@pytest.mark.parametrize("raw", ["Atlantis", "UTO", "XXA", "Soviet Union", "Europe", "EU", "ZZ", "XX", ""])
def test_normalise_country_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_country(raw)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("D", "DE"),
        ("D<<", "DE"),
        ("GBR", "GB"),
        ("GBD", "GB"),
        ("GBN", "GB"),
        ("VNM", "VN"),
        ("MMR", "MM"),
        ("RKS", "XK"),
        ("UTO", None),
        ("XXA", None),
        ("XXB", None),
        ("XXX", None),
        ("UNO", None),
        ("EUE", None),
    ],
)
def test_country_from_mrz(code: str, expected: str | None) -> None:
    assert country_from_mrz(code) == expected


@pytest.mark.parametrize("code", ["QQQ", "DE", "12", ""])
def test_country_from_mrz_unknown(code: str) -> None:
    with pytest.raises(ValueError):
        country_from_mrz(code)


# --- MRZ --------------------------------------------------------------------


def test_check_digit_specimen_fields() -> None:
    assert mrz_check_digit("L898902C3") == "6"
    assert mrz_check_digit("740812") == "2"
    assert mrz_check_digit("120415") == "9"
    assert mrz_check_digit("ZE184226B<<<<<") == "1"
    assert mrz_check_digit("D23145890") == "7"
    assert mrz_check_digit("") == "0"
    with pytest.raises(ValueError):
        mrz_check_digit("ab")


def test_td3_specimen() -> None:
    m = parse_mrz("\n".join(TD3), today=TODAY)
    assert isinstance(m, MRZ)
    assert (m.layout, m.document_type, m.issuing_state) == ("TD3", "P", "UTO")
    assert (m.surname, m.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert m.document_number == "L898902C3"
    assert m.nationality == "UTO"
    assert (m.birth_date, m.sex, m.expiry_date) == ("1974-08-12", "F", "2012-04-15")
    assert m.optional_data == "ZE184226B"
    assert m.checks == {
        "document_number": True,
        "birth_date": True,
        "expiry_date": True,
        "personal_number": True,
        "composite": True,
    }
    assert m.valid and m.problems == ()
    assert m.lines == TD3


def test_td1_specimen() -> None:
    m = parse_mrz("\n".join(TD1), today=TODAY)
    assert (m.layout, m.document_type, m.issuing_state) == ("TD1", "I", "UTO")
    assert (m.surname, m.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert m.document_number == "D23145890"
    assert (m.birth_date, m.sex, m.expiry_date) == ("1974-08-12", "F", "2012-04-15")
    assert m.checks == {
        "document_number": True,
        "birth_date": True,
        "expiry_date": True,
        "composite": True,
    }
    assert m.valid


def test_td2_specimen() -> None:
    m = parse_mrz("\n".join(TD2), today=TODAY)
    assert m.layout == "TD2"
    assert m.document_number == "D23145890"
    assert m.surname == "ERIKSSON"
    assert set(m.checks) == {"document_number", "birth_date", "expiry_date", "composite"}
    assert m.valid


@pytest.mark.parametrize(("lines", "layout"), [(MRVA, "MRVA"), (MRVB, "MRVB")])
def test_visa_specimens(lines: tuple[str, str], layout: str) -> None:
    m = parse_mrz(lines, today=TODAY)
    assert m.layout == layout
    assert m.document_type == "V"
    assert m.document_number == "L8988901C"
    assert m.nationality == "XXX"
    assert (m.birth_date, m.expiry_date) == ("1940-09-07", "1996-12-10")
    assert set(m.checks) == {"document_number", "birth_date", "expiry_date"}
    assert m.valid
    if layout == "MRVA":
        assert m.optional_data == "6ZE184226B"


def test_mrz_input_forms() -> None:
    expected = parse_mrz("\n".join(TD3), today=TODAY)
    assert parse_mrz("".join(TD3), today=TODAY) == expected
    assert parse_mrz(f"  \n {TD3[0]}  \r\n\t{TD3[1]}\n\n", today=TODAY) == expected
    assert parse_mrz(list(TD3), today=TODAY) == expected
    assert parse_mrz("\n".join(TD3).lower(), today=TODAY) == expected
    assert parse_mrz("".join(TD1), today=TODAY).layout == "TD1"
    assert parse_mrz("".join(TD2), today=TODAY).layout == "TD2"


@pytest.mark.parametrize(
    ("pos", "char", "failing"),
    [
        (0, "M", {"document_number", "composite"}),  # document number
        (9, "7", {"document_number", "composite"}),  # its check digit
        (14, "5", {"birth_date", "composite"}),  # birth date
        (22, "3", {"expiry_date", "composite"}),  # expiry date
        (30, "X", {"personal_number", "composite"}),  # personal number
        (43, "1", {"composite"}),
    ],
)
def test_td3_one_changed_character_invalid(pos: int, char: str, failing: set[str]) -> None:
    m = parse_mrz([TD3[0], _replace(TD3[1], pos, char)], today=TODAY)
    assert not m.valid
    assert {k for k, ok in m.checks.items() if not ok} == failing


def test_td1_one_changed_digit_invalid() -> None:
    m = parse_mrz([_replace(TD1[0], 7, "4"), TD1[1], TD1[2]], today=TODAY)
    assert not m.valid
    assert m.checks["document_number"] is False
    assert m.checks["composite"] is False
    m = parse_mrz([TD1[0], _replace(TD1[1], 1, "5"), TD1[2]], today=TODAY)
    assert m.checks["birth_date"] is False and not m.valid


def test_mrz_name_change_does_not_affect_check_digits() -> None:
    # Names carry no check digit in ICAO 9303: a forged name passes them.
    m = parse_mrz([TD3[0].replace("ANNA", "ANNE"), TD3[1]], today=TODAY)
    assert m.valid and m.given_names == "ANNE MARIA"


def test_mrz_impossible_date_with_good_check_digit_is_invalid() -> None:
    line2 = make_td3(
        surname="X",
        given_names="Y",
        document_number="123456789",
        nationality="UTO",
        birth_date="1974-08-12",
        sex="F",
        expiry_date="2030-01-01",
    )[1]
    birth = "740230"
    forged = line2[:13] + birth + mrz_check_digit(birth) + line2[20:43]
    forged += mrz_check_digit(forged[0:10] + forged[13:20] + forged[21:43])
    m = parse_mrz([TD3[0], forged], today=TODAY)
    assert all(m.checks.values())
    assert m.birth_date is None
    assert m.problems == ("birth_date: impossible calendar date",)
    assert not m.valid


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TD3[0], "got 1 line"),
        (TD3[0] + "\n" + TD3[1][:-1], "length 44, 43"),
        ("\n".join(TD1[:2]), "got 2 line"),
        ("", "got 0 line"),
        (TD3[0] + "\n" + _replace(TD3[1], 5, "-"), "line 2 .* position 6"),
        (TD3[0].replace("<<ANNA", "< ANNA") + "\n" + TD3[1], "line 1"),
    ],
)
def test_mrz_wrong_shape(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_mrz(text)
    assert "ERIKSSON" not in str(info.value)


def test_mrz_century_resolution() -> None:
    lines = make_td3(
        surname="A",
        given_names="B",
        document_number="1",
        nationality="GBR",
        birth_date="2010-01-01",
        sex="M",
        expiry_date="2034-01-01",
    )
    m = parse_mrz(lines, today=TODAY)
    assert (m.birth_date, m.expiry_date) == ("2010-01-01", "2034-01-01")
    # The same MRZ read in 2005: born 1910.
    assert parse_mrz(lines, today=date(2005, 1, 1)).birth_date == "1910-01-01"


def test_make_td3_rebuilds_specimen() -> None:
    lines = make_td3(
        surname="Eriksson",
        given_names="Anna Maria",
        document_number="L898902C3",
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date="2012-04-15",
        personal_number="ZE184226B",
    )
    assert lines == TD3


def test_make_td1_rebuilds_specimen() -> None:
    lines = make_td1(
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        document_number="D23145890",
        nationality="UTO",
        birth_date="1974-08-12",
        sex="F",
        expiry_date="2012-04-15",
    )
    assert lines == TD1


def test_make_td3_transliterates_and_round_trips() -> None:
    lines = make_td3(
        surname="Nguyễn",
        given_names="Thị Lan",
        document_number="C0123-4567",
        nationality="VN",
        birth_date="1995-02-28",
        sex="F",
        expiry_date="2031-07-09",
        issuing_state="VNM",
    )
    assert lines[0] == "P<VNMNGUYEN<<THI<LAN" + "<" * 24
    assert all(len(line) == 44 for line in lines)
    m = parse_mrz(lines, today=TODAY)
    assert m.valid
    assert m.checks["personal_number"] is True  # empty personal number, "<"
    assert (m.surname, m.given_names) == ("NGUYEN", "THI LAN")
    assert m.document_number == "C01234567"
    assert (m.issuing_state, m.nationality) == ("VNM", "VNM")
    assert country_from_mrz(m.nationality) == "VN"
    assert name_key(f"{m.surname} {m.given_names}") == name_key("Nguyễn Thị Lan")


def test_make_germany_uses_d() -> None:
    lines = make_td3(
        surname="Müller",
        given_names="Jürgen",
        document_number="C01X00T47",
        nationality="DE",
        birth_date="1964-08-12",
        sex="M",
        expiry_date="2027-10-31",
    )
    assert lines[0].startswith("P<D<<MULLER<<JURGEN<")
    m = parse_mrz(lines, today=TODAY)
    assert m.valid and m.issuing_state == "D"
    assert country_from_mrz(m.issuing_state) == "DE"


def test_make_td1_long_document_number_round_trips() -> None:
    lines = make_td1(
        surname="Popescu",
        given_names="Ana",
        document_number="AB1234567890",
        nationality="ROU",
        birth_date="1990-02-28",
        sex="F",
        expiry_date="2030-01-01",
        optional_data_2="X1",
    )
    assert lines[0][14] == "<"
    assert all(len(line) == 30 for line in lines)
    m = parse_mrz(lines, today=TODAY)
    assert m.valid
    assert m.document_number == "AB1234567890"
    assert m.optional_data_2 == "X1"
    # break the extension's check digit
    broken = _replace(lines[0], 18, "0" if lines[0][18] != "0" else "1")
    m2 = parse_mrz([broken, lines[1], lines[2]], today=TODAY)
    assert not m2.checks["document_number"] and not m2.valid


def test_make_partial_birth_date_and_unspecified_sex() -> None:
    lines = make_td3(
        surname="Ahmed",
        given_names="",
        document_number="123456789",
        nationality="XXA",
        issuing_state="GBR",
        birth_date="1974",
        sex=None,
        expiry_date="2030-01-01",
    )
    m = parse_mrz(lines, today=TODAY)
    assert m.valid
    assert m.birth_date == "1974"
    assert m.sex is None
    assert (m.surname, m.given_names) == ("AHMED", "")
    assert country_from_mrz(m.nationality) is None  # stateless


def test_make_rejects_unwritable_fields() -> None:
    kwargs = dict(
        surname="A",
        given_names="B",
        nationality="GBR",
        birth_date="1990-01-01",
        sex="F",
        expiry_date="2030-01-01",
    )
    with pytest.raises(ValueError, match="document_number"):
        make_td3(document_number="1234567890", **kwargs)
    with pytest.raises(ValueError, match="birth_date"):
        make_td3(document_number="1", **{**kwargs, "birth_date": "2019-02-30"})
    with pytest.raises(ValueError, match="sex"):
        make_td3(document_number="1", **{**kwargs, "sex": "Q"})


def test_mrz_is_hashable_and_frozen() -> None:
    m = parse_mrz(TD3, today=TODAY)
    assert hash(m) == hash(parse_mrz(TD3, today=TODAY))
    with pytest.raises(AttributeError):
        m.surname = "X"  # type: ignore[misc]
