"""Synthetic personal names per nationality, and the ways one name gets written.

Built-in lists (no Faker), so that a seed gives the same names on every machine and every
library version. The names are common given and family names combined at random: they
describe no real person.

A :class:`Name` knows its parts, so it can be written the ways real files write it: with or
without diacritics, in MRZ capitals, with the family name last, with a transliteration
variant of one part ("Phommachanh" / "Phommachan"), or with a typo ("Lan" / "Lann").

>>> import random
>>> n = Name("VN", family="Nguyễn", given=("Thị", "Lan"))
>>> n.full
'Nguyễn Thị Lan'
>>> write_name(n, "upper", random.Random(1))
'NGUYEN THI LAN'
>>> write_name(n, "order", random.Random(1))
'Thị Lan Nguyễn'
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# --- name parts per nationality --------------------------------------------------------
# given names: female, male; family names. Vietnamese use a middle name; Burmese have no
# family name; Chinese carry their characters so that aliases can show them.

VN_FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Lò",
    "Giàng",
    "Vàng",
)
VN_MIDDLE_F = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim")
VN_MIDDLE_M = ("Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công")
VN_GIVEN_F = (
    "Lan",
    "Hoa",
    "Mai",
    "Hương",
    "Linh",
    "Trang",
    "Thảo",
    "Ngọc",
    "Hằng",
    "Nhung",
    "Phương",
    "Thủy",
    "Hạnh",
    "Yến",
    "Loan",
    "Dung",
    "Huyền",
    "Vân",
    "Nga",
    "Chi",
)
VN_GIVEN_M = (
    "Hùng",
    "Dũng",
    "Tuấn",
    "Minh",
    "Nam",
    "Long",
    "Hải",
    "Sơn",
    "Thắng",
    "Cường",
    "Phong",
    "Quân",
    "Trung",
    "Hiếu",
    "Tùng",
    "Bình",
)

KH_FAMILY = (
    "Sok",
    "Chan",
    "Keo",
    "Chea",
    "Heng",
    "Sam",
    "Touch",
    "Men",
    "Prak",
    "Seng",
    "Ly",
    "Lim",
    "Oum",
    "Meas",
    "Nhem",
    "Pich",
    "Hun",
    "Kong",
)
KH_GIVEN_F = (
    "Sreymom",
    "Channary",
    "Sokha",
    "Bopha",
    "Chenda",
    "Kunthea",
    "Sophea",
    "Sreyneang",
    "Theary",
    "Vanna",
    "Malis",
    "Rachana",
    "Sreypov",
    "Dalin",
    "Navy",
)
KH_GIVEN_M = (
    "Dara",
    "Vuthy",
    "Rithy",
    "Piseth",
    "Sovann",
    "Veasna",
    "Samnang",
    "Visal",
    "Chanthou",
    "Bunthoeun",
    "Sophal",
    "Makara",
)

LA_FAMILY = (
    "Phommachanh",
    "Sisavath",
    "Vongsa",
    "Keomany",
    "Inthavong",
    "Southavong",
    "Sengdara",
    "Xayasith",
    "Chanthavong",
    "Phengsavanh",
    "Luangrath",
    "Vilaysack",
    "Douangmala",
    "Sayavong",
)
LA_GIVEN_F = (
    "Noy",
    "Manivanh",
    "Souphaphone",
    "Vilayvanh",
    "Chanthala",
    "Latsamy",
    "Bouasone",
    "Daovone",
    "Malaythong",
    "Khamla",
    "Phetsamone",
    "Viengkham",
)
LA_GIVEN_M = (
    "Somphone",
    "Khamphet",
    "Bounmy",
    "Sisouk",
    "Phonesavanh",
    "Vanhxay",
    "Thongsavanh",
    "Outhay",
    "Bounthanh",
    "Khamsay",
)

MM_SYL_F = (
    "Aye",
    "Thida",
    "Hnin",
    "Su",
    "Khin",
    "May",
    "Thandar",
    "Nwe",
    "Phyu",
    "Zin",
    "Moe",
    "Myat",
    "Ei",
    "Wai",
    "Yadanar",
    "Htet",
    "Thu",
    "Nandar",
    "Cho",
    "San",
)
MM_SYL_M = (
    "Aung",
    "Kyaw",
    "Zaw",
    "Min",
    "Htun",
    "Myint",
    "Soe",
    "Thein",
    "Win",
    "Naing",
    "Hlaing",
    "Tun",
    "Oo",
    "Thura",
    "Ye",
    "Lwin",
    "Khaing",
    "Htoo",
)

CN_FAMILY = (
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Ma", "马"),
    ("Zhu", "朱"),
    ("Hu", "胡"),
    ("Guo", "郭"),
    ("He", "何"),
    ("Lin", "林"),
    ("Luo", "罗"),
    ("Gao", "高"),
)
CN_GIVEN_M = (
    (("Wei",), "伟"),
    (("Qiang",), "强"),
    (("Lei",), "磊"),
    (("Jun",), "军"),
    (("Yong",), "勇"),
    (("Jie",), "杰"),
    (("Tao",), "涛"),
    (("Ming",), "明"),
    (("Jian", "hua"), "建华"),
    (("Guo", "qiang"), "国强"),
    (("Zhi", "wei"), "志伟"),
    (("Xiao", "long"), "小龙"),
    (("Dong", "sheng"), "东升"),
    (("Hai", "tao"), "海涛"),
    (("Jian", "guo"), "建国"),
    (("Wen", "bin"), "文斌"),
    (("Chun", "lin"), "春林"),
)
CN_GIVEN_F = (
    (("Fang",), "芳"),
    (("Na",), "娜"),
    (("Min",), "敏"),
    (("Jing",), "静"),
    (("Yan",), "艳"),
    (("Juan",), "娟"),
    (("Xia",), "霞"),
    (("Xiu", "ying"), "秀英"),
    (("Gui", "lan"), "桂兰"),
    (("Hong", "mei"), "红梅"),
    (("Li", "hua"), "丽华"),
    (("Yu", "lan"), "玉兰"),
)

TH_FAMILY = (
    "Srisuk",
    "Saetang",
    "Wongsawat",
    "Chaiyaporn",
    "Rattanakul",
    "Boonmee",
    "Thongdee",
    "Suwannarat",
    "Jaidee",
    "Kaewmanee",
    "Sukjai",
    "Phromma",
)
TH_GIVEN_F = ("Somsri", "Malee", "Siriporn", "Kanya", "Ratana", "Pimchanok", "Wanida", "Supaporn", "Nittaya", "Jintana")
TH_GIVEN_M = ("Somchai", "Somsak", "Anan", "Prasert", "Wichai", "Sombat", "Narong", "Chaiwat", "Kittisak", "Surachai")

NP_FAMILY = (
    "Tamang",
    "Gurung",
    "Rai",
    "Magar",
    "Shrestha",
    "Thapa",
    "Lama",
    "Sherpa",
    "Karki",
    "Adhikari",
    "Basnet",
    "Bhandari",
)
NP_GIVEN_F = (
    "Sita",
    "Gita",
    "Sunita",
    "Anita",
    "Kamala",
    "Laxmi",
    "Sarita",
    "Puja",
    "Radha",
    "Manju",
    "Sabina",
    "Rita",
)
NP_GIVEN_M = ("Ram", "Hari", "Krishna", "Bishnu", "Suresh", "Ramesh", "Dipak", "Bikash", "Santosh", "Kiran")

RO_FAMILY = (
    "Popescu",
    "Ionescu",
    "Popa",
    "Stan",
    "Dumitru",
    "Stoica",
    "Gheorghe",
    "Matei",
    "Ciobanu",
    "Rusu",
    "Munteanu",
    "Constantinescu",
    "Ștefănescu",
    "Lăzărescu",
    "Țurcanu",
)
RO_GIVEN_F = (
    "Ioana",
    "Maria",
    "Elena",
    "Andreea",
    "Alexandra",
    "Mihaela",
    "Cristina",
    "Ana-Maria",
    "Gabriela",
    "Roxana",
    "Larisa",
)
RO_GIVEN_M = (
    "Ion",
    "Andrei",
    "Mihai",
    "Alexandru",
    "Ștefan",
    "Florin",
    "Gheorghe",
    "Constantin",
    "Cătălin",
    "Marius",
    "Vasile",
    "Ionuț",
)

NG_FAMILY = (
    "Okafor",
    "Osagie",
    "Eze",
    "Adeyemi",
    "Okonkwo",
    "Igbinedion",
    "Obi",
    "Omoregie",
    "Nwachukwu",
    "Balogun",
    "Ogbeide",
    "Eghosa",
    "Adebayo",
)
NG_GIVEN_F = (
    "Blessing",
    "Joy",
    "Chioma",
    "Ngozi",
    "Osas",
    "Esohe",
    "Favour",
    "Precious",
    "Adaeze",
    "Funmilayo",
    "Gift",
    "Omosede",
)
NG_GIVEN_M = (
    "Chinedu",
    "Emeka",
    "Osagie",
    "Tunde",
    "Ikechukwu",
    "Uche",
    "Oluwaseun",
    "Efosa",
    "Samuel",
    "Godwin",
    "Friday",
    "Kelvin",
)

GB_FAMILY = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Thompson",
    "Walker",
    "Wright",
    "Robinson",
    "Hughes",
)
GB_GIVEN_F = ("Sarah", "Emma", "Katherine", "Laura", "Rachel", "Hannah", "Claire", "Sophie")
GB_GIVEN_M = ("James", "John", "David", "Michael", "Mark", "Paul", "Daniel", "Thomas", "Stephen")

# Alternative romanisations and spellings of one part, as different clerks write it.
TRANSLIT: dict[str, tuple[str, ...]] = {
    # Vietnamese (ASCII spellings seen in foreign files)
    "Nguyễn": ("Nguyen", "Nguyen", "Ngyuen", "Nguen"),
    "Trần": ("Tran",),
    "Phạm": ("Pham",),
    "Hoàng": ("Hoang", "Huang"),
    "Huỳnh": ("Huynh",),
    "Võ": ("Vo", "Vu"),
    "Vũ": ("Vu", "Vo"),
    "Đặng": ("Dang",),
    "Đỗ": ("Do",),
    "Thị": ("Thi", "T."),
    "Văn": ("Van", "V."),
    "Hương": ("Huong",),
    "Thủy": ("Thuy", "Thuey"),
    "Thảo": ("Thao",),
    "Hằng": ("Hang",),
    "Phương": ("Phuong", "Fuong"),
    "Yến": ("Yen",),
    "Huyền": ("Huyen",),
    "Lý": ("Ly", "Li"),
    "Đinh": ("Dinh",),
    "Dương": ("Duong", "Zuong"),
    "Ngô": ("Ngo",),
    "Bùi": ("Bui",),
    "Giàng": ("Giang", "Zang"),
    "Vàng": ("Vang",),
    "Lò": ("Lo",),
    "Ngọc": ("Ngoc",),
    # Khmer
    "Sreymom": ("Srey Mom", "Sreymorm"),
    "Channary": ("Chanary", "Chan Nary"),
    "Sophea": ("Sophia", "Sopheap"),
    "Chea": ("Chear",),
    "Keo": ("Kaew", "Keu"),
    "Sreyneang": ("Srey Neang", "Sreynieng"),
    "Kunthea": ("Kunthia",),
    "Theary": ("Teary",),
    "Sreypov": ("Srey Pov",),
    "Touch": ("Tuch",),
    "Pich": ("Pech",),
    "Sam": ("Som",),
    "Seng": ("Sen",),
    "Chenda": ("Chanda",),
    "Bopha": ("Bupha",),
    "Piseth": ("Pisith",),
    # Lao
    "Phommachanh": ("Phommachan", "Pommachanh"),
    "Xayasith": ("Sayasith", "Xayasit"),
    "Vongsa": ("Wongsa",),
    "Southavong": ("Soutavong", "Southavongs"),
    "Phengsavanh": ("Phengsavan", "Pengsavanh"),
    "Manivanh": ("Manivan", "Manyvanh"),
    "Souphaphone": ("Souphaphon", "Supaphone"),
    "Vilayvanh": ("Vilayvan", "Wilaywan"),
    "Latsamy": ("Latsamee",),
    "Chanthala": ("Chantala",),
    "Sisavath": ("Sisavat",),
    # Burmese
    "Htun": ("Tun",),
    "Kyaw": ("Kyau", "Kyo"),
    "Myint": ("Myin",),
    "Thandar": ("Than Dar",),
    "Yadanar": ("Yadana",),
    "Hnin": ("Nhin",),
    "Htet": ("Htat",),
    "Phyu": ("Phyo",),
    "Nwe": ("Nway",),
    "Khin": ("Khine",),
    # Chinese (Wade-Giles and Cantonese-style spellings)
    "Zhang": ("Chang", "Cheung"),
    "Chen": ("Chan",),
    "Zhou": ("Chou", "Chow"),
    "Huang": ("Wong", "Hwang"),
    "Xu": ("Hsu", "Hui"),
    "Zhao": ("Chao",),
    "Liu": ("Lau",),
    "Guo": ("Kuo", "Kwok"),
    "Wu": ("Ng", "Woo"),
    "Li": ("Lee", "Lei"),
    "Lin": ("Lam", "Lim"),
    "Yang": ("Yeung",),
    "Gao": ("Kao", "Ko"),
    "Luo": ("Lo", "Law"),
    "He": ("Ho",),
    "Zhu": ("Chu",),
    "Sun": ("Suen",),
    "Ma": ("Mah",),
    # Thai
    "Srisuk": ("Srisook", "Srisukh"),
    "Wongsawat": ("Vongsawat", "Wongsawad"),
    "Chaiwat": ("Chaiwath", "Jaiwat"),
    "Siriporn": ("Siriphon", "Siripon"),
    "Supaporn": ("Suphaphon",),
    "Saetang": ("Sae-tang", "Sae Tang"),
    "Jaidee": ("Chaidee",),
    # Nepali
    "Laxmi": ("Lakshmi", "Laxmee"),
    "Dipak": ("Deepak",),
    "Bikash": ("Vikash", "Bikas"),
    "Shrestha": ("Shrestra", "Sresta"),
    "Sunita": ("Suneeta",),
    # Romanian
    "Ion": ("Ioan",),
    "Ana-Maria": ("Ana Maria", "Anamaria"),
    "Ionuț": ("Ionut",),
    "Ștefan": ("Stefan",),
    "Țurcanu": ("Turcanu",),
    # Nigerian
    "Okonkwo": ("Okonkow",),
    "Oluwaseun": ("Seun", "Oluseun"),
    "Osagie": ("Osaghie",),
    "Igbinedion": ("Igbinendion",),
    "Omosede": ("Omosedeh",),
    # English
    "Katherine": ("Catherine", "Kathryn"),
    "Thompson": ("Thomson",),
    "Stephen": ("Steven",),
    "Claire": ("Clare",),
}

MM_HONORIFIC_F = ("Ma", "Daw")
MM_HONORIFIC_M = ("Ko", "U", "Maung")

NATIONALITIES: tuple[str, ...] = ("VN", "KH", "LA", "MM", "CN", "TH", "NP", "RO", "NG", "GB")


@dataclass(frozen=True)
class Name:
    """A person's name in parts; ``family`` is empty for Burmese names."""

    nationality: str
    family: str = ""
    given: tuple[str, ...] = ()
    hanzi: str = ""  # Chinese characters, for Chinese names
    female: bool = False

    @property
    def family_first(self) -> bool:
        """Whether the family name is written first in the person's own country."""
        return self.nationality in ("VN", "KH", "CN")

    @property
    def full(self) -> str:
        """The name as the person's own country writes it, with diacritics."""
        given = " ".join(self.given)
        if not self.family:
            return given
        return f"{self.family} {given}" if self.family_first else f"{given} {self.family}"

    def mrz_parts(self) -> tuple[str, str]:
        """(primary identifier, secondary identifier) for a machine-readable zone."""
        if not self.family:
            return " ".join(self.given), ""
        return self.family, " ".join(self.given)


def ascii_fold(text: str) -> str:
    """Drop diacritics: 'Nguyễn Thị Đào' -> 'Nguyen Thi Dao'.

    >>> ascii_fold("Ștefănescu Đặng")
    'Stefanescu Dang'
    """
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _cn_given(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Chinese given names are one word in pinyin: ('Xiu', 'ying') -> ('Xiuying',)."""
    return ("".join(parts),)


def make_name(nationality: str, sex: str, rng: random.Random) -> Name:
    """A random name for a person of ``nationality`` ('VN', 'CN', ...) and ``sex``."""
    female = sex == "female"
    c = rng.choice
    if nationality == "VN":
        middle = c(VN_MIDDLE_F if female else VN_MIDDLE_M)
        return Name("VN", c(VN_FAMILY), (middle, c(VN_GIVEN_F if female else VN_GIVEN_M)), female=female)
    if nationality == "KH":
        return Name("KH", c(KH_FAMILY), (c(KH_GIVEN_F if female else KH_GIVEN_M),), female=female)
    if nationality == "LA":
        return Name("LA", c(LA_FAMILY), (c(LA_GIVEN_F if female else LA_GIVEN_M),), female=female)
    if nationality == "MM":
        syl = MM_SYL_F if female else MM_SYL_M
        count = 2 if rng.random() < 0.6 else 3
        parts: list[str] = []
        while len(parts) < count:
            s = c(syl)
            if s not in parts:
                parts.append(s)
        return Name("MM", "", tuple(parts), female=female)
    if nationality == "CN":
        fam, fam_h = c(CN_FAMILY)
        given, given_h = c(CN_GIVEN_F if female else CN_GIVEN_M)
        return Name("CN", fam, _cn_given(given), hanzi=fam_h + given_h, female=female)
    tables = {
        "TH": (TH_FAMILY, TH_GIVEN_F, TH_GIVEN_M),
        "NP": (NP_FAMILY, NP_GIVEN_F, NP_GIVEN_M),
        "RO": (RO_FAMILY, RO_GIVEN_F, RO_GIVEN_M),
        "NG": (NG_FAMILY, NG_GIVEN_F, NG_GIVEN_M),
        "GB": (GB_FAMILY, GB_GIVEN_F, GB_GIVEN_M),
    }
    fams, gf, gm = tables[nationality]
    return Name(nationality, c(fams), (c(gf if female else gm),), female=female)


# --- how a name gets written --------------------------------------------------------------

VARIANT_KINDS: tuple[str, ...] = ("exact", "ascii", "upper", "typo", "translit", "order", "hanzi", "honorific")


def typo(text: str, rng: random.Random) -> str:
    """One keying slip in one word: a doubled, dropped or swapped letter (never the first).

    >>> typo("Nguyen Thi Lan", random.Random(3)) != "Nguyen Thi Lan"
    True
    """
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 3 and w.isalpha()]
    if not candidates:
        return text + text[-1]
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w))
    op = rng.randrange(3)
    if op == 0:
        w = w[:j] + w[j] + w[j:]  # doubled
    elif op == 1 and len(w) > 3:
        w = w[:j] + w[j + 1 :]  # dropped
    elif j < len(w) - 1 and w[j] != w[j + 1]:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # swapped
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _translit(name: Name, rng: random.Random) -> str | None:
    """Swap one part for another romanisation; None when no part has one."""
    parts = [name.family, *name.given] if name.family else list(name.given)
    options = [i for i, p in enumerate(parts) if p in TRANSLIT]
    if not options:
        return None
    i = rng.choice(options)
    parts[i] = rng.choice(TRANSLIT[parts[i]])
    if name.family:
        fam, given = parts[0], parts[1:]
        joined = " ".join(given)
        text = f"{fam} {joined}" if name.family_first else f"{joined} {fam}"
    else:
        text = " ".join(parts)
    return ascii_fold(text)


def write_name(name: Name, kind: str, rng: random.Random) -> str:
    """The name written one way: see :data:`VARIANT_KINDS`.

    >>> n = Name("MM", "", ("Aung", "Kyaw", "Htun"))
    >>> write_name(n, "translit", random.Random(0)) in ("Aung Kyau Htun", "Aung Kyo Htun", "Aung Kyaw Tun")
    True
    """
    return name_variant(name, kind, rng)[0]


def name_variant(name: Name, kind: str, rng: random.Random) -> tuple[str, str]:
    """(the name written one way, the kind of variant it really is).

    The kind can differ from the one asked for: a name with no known alternative spelling
    gets a typo instead, a Burmese name (no family name to move) an honorific.

    >>> name_variant(Name("GB", "Smith", ("Paul",)), "translit", random.Random(2))[1]
    'typo'
    """
    full = name.full
    if kind == "exact":
        return full, kind
    if kind == "ascii":
        return ascii_fold(full), kind
    if kind == "upper":
        return ascii_fold(full).upper(), kind
    if kind == "typo":
        return typo(ascii_fold(full) if rng.random() < 0.7 else full, rng), kind
    if kind == "translit":
        out = _translit(name, rng)
        return (out, kind) if out is not None else (typo(ascii_fold(full), rng), "typo")
    if kind == "order":
        if not name.family:
            return name_variant(name, "honorific", rng)
        given = " ".join(name.given)
        return (f"{given} {name.family}" if name.family_first else f"{name.family} {given}"), kind
    if kind == "hanzi":
        return (name.hanzi, kind) if name.hanzi else (ascii_fold(full), "ascii")
    if kind == "honorific":
        if name.nationality != "MM":
            return ascii_fold(full), "ascii"
        # the honorific depends on age and sex; a clerk may take it for part of the name
        hon = MM_HONORIFIC_F if name.female else MM_HONORIFIC_M
        return f"{rng.choice(hon)} {full}", kind
    raise ValueError(f"unknown name variant kind {kind!r}")


def mrz_name_field(name: Name, width: int = 39) -> str:
    """The TD3 name field: 'NGUYEN<<THI<LAN' padded with '<' to ``width``.

    >>> mrz_name_field(Name("VN", "Nguyễn", ("Thị", "Lan")), 20)
    'NGUYEN<<THI<LAN<<<<<'
    """
    primary, secondary = name.mrz_parts()

    def clean(s: str) -> str:
        s = ascii_fold(s).upper()
        return "".join(ch if "A" <= ch <= "Z" else "<" for ch in s)

    text = clean(primary)
    if secondary:
        text += "<<" + clean(secondary)
    return text[:width].ljust(width, "<")
