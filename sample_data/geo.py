"""Countries, places, phone and document number formats for the synthetic cases.

Places are real towns (the routes in the seed report run through them); streets, numbers,
banks and wallets are made up. Phone numbers follow each country's numbering plan so that a
normaliser can parse them, and are written the ways people write them locally.

>>> import random
>>> vn = COUNTRIES["VN"]
>>> p = PhoneNumber("VN", "912345678")
>>> p.e164
'+84912345678'
>>> p.write("national")
'0912 345 678'
>>> p.write("intl_dash")
'+84 912-345-678'
>>> PhoneNumber("GB", "2079460958", fixed=True).write("national_paren")
'(020) 7946 0958'
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """A town with its coordinates."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Country:
    """What the generator needs to know about one country."""

    code: str  # ISO 3166-1 alpha-2
    alpha3: str  # for MRZ lines
    currency: str
    dial: str  # country calling code
    trunk: str  # national trunk prefix for mobiles ("" where mobiles are dialled without)
    mobile_prefixes: tuple[str, ...]
    mobile_len: int  # national significant number length
    nat_groups: tuple[int, ...]  # grouping of trunk + number in national writing
    intl_groups: tuple[int, ...]  # grouping of the number after +cc
    fixed_area: str  # an area code for landlines (hotels, NGOs)
    fixed_len: int
    fixed_groups: tuple[int, ...]  # grouping of the subscriber part after the area code
    passport_prefix: str
    passport_digits: int
    id_digits: int  # national id number length
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    banks: tuple[str, ...]
    wallets: tuple[str, ...]
    address_style: str  # "num_street" | "street_num"
    idd: str = "00"  # international call prefix dialled from this country
    fixed_sub: str = ""  # first digits of a landline subscriber number in the sample area


def _c(name: str, lat: float, lon: float) -> City:
    return City(name, lat, lon)


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "VN",
            "VNM",
            "VND",
            "84",
            "0",
            (
                "91",
                "94",
                "98",
                "97",
                "96",
                "86",
                "88",
                "90",
                "93",
                "70",
                "79",
                "77",
                "76",
                "78",
                "83",
                "84",
                "85",
                "81",
                "82",
                "32",
                "33",
                "34",
                "35",
                "36",
                "37",
                "38",
                "39",
            ),
            9,
            (4, 3, 3),
            (3, 3, 3),
            "24",
            10,
            (4, 4),
            "C",
            7,
            12,
            (
                _c("Hà Nội", 21.0278, 105.8342),
                _c("Lào Cai", 22.4856, 103.9707),
                _c("Hải Phòng", 20.8449, 106.6881),
                _c("Vinh", 18.6796, 105.6813),
                _c("Thanh Hóa", 19.8067, 105.7852),
                _c("Hà Giang", 22.8233, 104.9836),
                _c("Móng Cái", 21.5247, 107.9661),
                _c("Cần Thơ", 10.0452, 105.7469),
                _c("Điện Biên Phủ", 21.3860, 103.0230),
                _c("Quảng Ninh", 21.0064, 107.2925),
            ),
            (
                "Đường Trần Hưng Đạo",
                "Phố Lê Lợi",
                "Đường Hoàng Liên",
                "Phố Huế",
                "Thôn Bản Phiệt",
                "Đường Nguyễn Trãi",
                "Xóm Đông",
                "Đường Lý Thường Kiệt",
            ),
            ("Mekong Commercial Bank", "Red River Savings Bank", "Saigon Rural Credit"),
            ("LotusPay", "ViWallet"),
            "num_street",
            idd="00",
            fixed_sub="3",
        ),
        Country(
            "KH",
            "KHM",
            "KHR",
            "855",
            "0",
            (
                "12",
                "17",
                "77",
                "89",
                "92",
                "11",
                "61",
                "85",
                "95",
                "99",
                "10",
                "15",
                "16",
                "69",
                "70",
                "81",
                "93",
                "98",
            ),
            8,
            (3, 3, 3),
            (2, 3, 3),
            "23",
            8,
            (3, 3),
            "N",
            8,
            9,
            (
                _c("Phnom Penh", 11.5564, 104.9282),
                _c("Siem Reap", 13.3671, 103.8448),
                _c("Battambang", 13.0957, 103.2022),
                _c("Kampong Cham", 11.9934, 105.4635),
                _c("Prey Veng", 11.4868, 105.3253),
                _c("Poipet", 13.6586, 102.5628),
                _c("Svay Rieng", 11.0879, 105.7993),
            ),
            (
                "Street 271",
                "Preah Sihanouk Blvd",
                "Phum Trapeang Veng",
                "Street 598",
                "Phum Prek Leap",
                "National Road 5",
            ),
            ("Angkor Rural Bank", "Tonle Commercial Bank"),
            ("KhmerPay", "Wing-o Wallet"),
            "num_street",
            idd="001",
            fixed_sub="2",
        ),
        Country(
            "LA",
            "LAO",
            "LAK",
            "856",
            "0",
            ("202", "205", "207", "209"),
            10,
            (3, 4, 4),
            (2, 4, 4),
            "21",
            8,
            (3, 3),
            "P",
            7,
            10,
            (
                _c("Vientiane", 17.9757, 102.6331),
                _c("Luang Prabang", 19.8856, 102.1347),
                _c("Oudomxay", 20.6922, 101.9870),
                _c("Savannakhet", 16.5563, 104.7522),
                _c("Boten", 21.1850, 101.6770),
                _c("Pakse", 15.1202, 105.7990),
                _c("Luang Namtha", 20.9486, 101.4019),
            ),
            ("Ban Sisavath", "Ban Nongduang", "Thanon Samsenthai", "Ban Phonxay", "Thanon Kaysone Phomvihane"),
            ("Lane Xang Bank", "Champa Development Bank"),
            ("LaoWallet",),
            "street_num",
            fixed_sub="2",
        ),
        Country(
            "MM",
            "MMR",
            "MMK",
            "95",
            "0",
            (
                "96",
                "925",
                "926",
                "942",
                "944",
                "945",
                "960",
                "967",
                "969",
                "975",
                "976",
                "977",
                "978",
                "979",
                "988",
                "989",
                "995",
                "996",
                "997",
                "998",
            ),
            10,
            (2, 3, 3, 3),
            (1, 3, 3, 3),
            "1",
            7,
            (3, 4),
            "MB",
            6,
            12,
            (
                _c("Yangon", 16.8409, 96.1735),
                _c("Mandalay", 21.9588, 96.0891),
                _c("Muse", 23.9906, 97.9051),
                _c("Lashio", 22.9359, 97.7498),
                _c("Myawaddy", 16.6886, 98.5083),
                _c("Mawlamyine", 16.4905, 97.6283),
                _c("Bhamo", 24.2667, 97.2333),
            ),
            ("Bo Aung Kyaw Street", "Anawrahta Road", "Ward 5", "Strand Road", "Kyaikkasan Road"),
            ("Irrawaddy Trust Bank", "Golden Land Bank"),
            ("MyaPay", "Shwe Wallet"),
            "num_street",
            fixed_sub="2",
        ),
        Country(
            "CN",
            "CHN",
            "CNY",
            "86",
            "",
            (
                "138",
                "139",
                "135",
                "136",
                "137",
                "150",
                "151",
                "152",
                "157",
                "158",
                "159",
                "182",
                "183",
                "187",
                "188",
                "130",
                "131",
                "132",
                "155",
                "156",
                "185",
                "186",
                "133",
                "153",
                "180",
                "181",
                "189",
            ),
            11,
            (3, 4, 4),
            (3, 4, 4),
            "770",
            10,
            (4, 3),
            "E",
            8,
            18,
            (
                _c("Poyang", 29.0045, 116.6979),
                _c("Leping", 28.9676, 117.1289),
                _c("Hekou", 22.5290, 103.9395),
                _c("Dongxing", 21.5475, 107.9722),
                _c("Ruili", 24.0128, 97.8517),
                _c("Mohan", 21.1830, 101.6950),
                _c("Nanning", 22.8170, 108.3665),
                _c("Kunming", 25.0406, 102.7125),
                _c("Zhoukou", 33.6250, 114.6490),
                _c("Fuyang", 32.8900, 115.8140),
                _c("Linyi", 35.1040, 118.3560),
                _c("Guiyang", 26.6470, 106.6300),
                _c("Guangzhou", 23.1291, 113.2644),
                _c("Dongguan", 23.0205, 113.7518),
            ),
            (
                "Renmin Lu",
                "Jiefang Lu",
                "Zhongshan Lu",
                "Xinhua Cun",
                "Binjiang Dadao",
                "Heping Jie",
                "Nanhuan Lu",
                "Dongfeng Cun",
            ),
            ("Southern Rural Bank", "Yellow River Commercial Bank", "Pearl Delta Bank"),
            ("QuickPay", "PandaWallet"),
            "street_num",
        ),
        Country(
            "TH",
            "THA",
            "THB",
            "66",
            "0",
            (
                "81",
                "82",
                "83",
                "84",
                "85",
                "86",
                "87",
                "89",
                "61",
                "62",
                "63",
                "64",
                "65",
                "91",
                "92",
                "93",
                "94",
                "95",
                "96",
                "97",
                "98",
            ),
            9,
            (3, 3, 4),
            (2, 3, 4),
            "2",
            8,
            (3, 4),
            "AA",
            7,
            13,
            (
                _c("Bangkok", 13.7563, 100.5018),
                _c("Mae Sot", 16.7131, 98.5747),
                _c("Samut Sakhon", 13.5475, 100.2744),
                _c("Songkhla", 7.1898, 100.5954),
                _c("Chiang Mai", 18.7883, 98.9853),
                _c("Aranyaprathet", 13.6929, 102.5010),
                _c("Nong Khai", 17.8783, 102.7420),
                _c("Ranong", 9.9658, 98.6348),
            ),
            ("Soi Sukhumvit 11", "Thanon Intharakiri", "Moo 3 Tambon Tha Sai", "Thanon Ekachai", "Soi Ramkhamhaeng 24"),
            ("Siam Provincial Bank", "Chao Phraya Bank"),
            ("ThaiWallet",),
            "num_street",
            idd="001",
        ),
        Country(
            "NP",
            "NPL",
            "NPR",
            "977",
            "",
            ("984", "985", "986", "980", "981", "982", "974", "976"),
            10,
            (3, 7),
            (3, 7),
            "1",
            8,
            (7,),
            "PA",
            7,
            11,
            (
                _c("Kathmandu", 27.7172, 85.3240),
                _c("Chautara", 27.7764, 85.7183),
                _c("Pokhara", 28.2096, 83.9856),
                _c("Bidur", 27.9000, 85.1500),
                _c("Hetauda", 27.4287, 85.0322),
            ),
            ("Thamel Marg", "Ward 4", "Ward 7", "Durbar Marg", "Ring Road"),
            ("Himalaya Savings Bank", "Everest Rural Bank"),
            ("NepaPay",),
            "street_num",
            fixed_sub="4",
        ),
        Country(
            "RO",
            "ROU",
            "RON",
            "40",
            "0",
            (
                "722",
                "723",
                "724",
                "726",
                "727",
                "728",
                "744",
                "745",
                "746",
                "747",
                "766",
                "767",
                "768",
                "770",
                "771",
                "772",
                "773",
                "787",
                "788",
            ),
            9,
            (4, 3, 3),
            (3, 3, 3),
            "21",
            9,
            (3, 2, 2),
            "05",
            6,
            13,
            (
                _c("București", 44.4268, 26.1025),
                _c("Iași", 47.1585, 27.6014),
                _c("Craiova", 44.3302, 23.7949),
                _c("Bacău", 46.5670, 26.9146),
                _c("Constanța", 44.1598, 28.6348),
                _c("Botoșani", 47.7487, 26.6694),
            ),
            ("Strada Mihai Eminescu", "Bulevardul Unirii", "Strada Gării", "Strada Florilor", "Calea Victoriei"),
            ("Carpathia Bank", "Danube Savings"),
            ("RoPay",),
            "street_num",
        ),
        Country(
            "NG",
            "NGA",
            "NGN",
            "234",
            "0",
            (
                "803",
                "806",
                "703",
                "706",
                "813",
                "816",
                "810",
                "814",
                "903",
                "906",
                "805",
                "807",
                "815",
                "811",
                "905",
                "802",
                "808",
                "708",
                "812",
                "701",
                "902",
            ),
            10,
            (4, 3, 4),
            (3, 3, 4),
            "201",
            10,
            (3, 4),
            "A",
            8,
            11,
            (
                _c("Benin City", 6.3350, 5.6037),
                _c("Lagos", 6.5244, 3.3792),
                _c("Enugu", 6.4584, 7.5464),
                _c("Abuja", 9.0765, 7.3986),
                _c("Owerri", 5.4850, 7.0350),
            ),
            ("Airport Road", "Sapele Road", "Upper Sakponba Road", "Ikorodu Road", "Ogui Road"),
            ("Niger Delta Bank", "Lagoon Trust Bank"),
            ("NairaWallet",),
            "num_street",
            idd="009",
        ),
        Country(
            "GB",
            "GBR",
            "GBP",
            "44",
            "0",
            (
                "740",
                "741",
                "742",
                "743",
                "744",
                "745",
                "746",
                "747",
                "748",
                "749",
                "750",
                "751",
                "752",
                "753",
                "754",
                "756",
                "757",
                "758",
                "759",
                "771",
                "772",
                "773",
                "774",
                "775",
                "776",
                "777",
                "778",
                "779",
                "780",
                "781",
                "782",
                "783",
                "784",
                "785",
                "786",
                "787",
                "788",
                "789",
                "790",
                "792",
                "793",
                "794",
                "795",
                "796",
                "797",
                "798",
                "799",
            ),
            10,
            (5, 6),
            (4, 6),
            "20",
            10,
            (4, 4),
            "5",
            8,
            9,
            (
                _c("London", 51.5074, -0.1278),
                _c("Birmingham", 52.4862, -1.8904),
                _c("Manchester", 53.4808, -2.2426),
                _c("Glasgow", 55.8642, -4.2518),
                _c("Leicester", 52.6369, -1.1398),
                _c("Bradford", 53.7960, -1.7594),
            ),
            ("High Street", "Station Road", "Green Lane", "Church Road", "Victoria Road", "Park Avenue"),
            ("Albion Bank", "Northern Mutual"),
            ("PocketPay",),
            "num_street",
        ),
    )
}


def _group(digits: str, groups: tuple[int, ...], sep: str) -> str:
    """'0912345678', (4, 3, 3) -> '0912 345 678' (any rest is appended to the last group)."""
    out: list[str] = []
    i = 0
    for n in groups:
        if i >= len(digits):
            break
        out.append(digits[i : i + n])
        i += n
    if i < len(digits):
        out[-1] += digits[i:]
    return sep.join(out)


PHONE_STYLES: tuple[str, ...] = (
    "national",  # 0912 345 678
    "national_compact",  # 0912345678
    "national_dash",  # 0912-345-678
    "national_dot",  # 0912.345.678
    "intl",  # +84 912 345 678
    "intl_dash",  # +84 912-345-678
    "e164",  # +84912345678
    "idd",  # 0084 912 345 678
    "national_paren",  # (020) 7946 0958 (landlines)
)


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as country + national significant number."""

    country: str
    nsn: str
    fixed: bool = False  # a landline (area code + subscriber number)

    @property
    def e164(self) -> str:
        """'+84912345678'."""
        return "+" + COUNTRIES[self.country].dial + self.nsn

    def write(self, style: str) -> str:
        """The number written in one of :data:`PHONE_STYLES`."""
        c = COUNTRIES[self.country]
        if self.fixed:
            area = c.fixed_area
            sub = self.nsn[len(area) :]
            sub_g = _group(sub, c.fixed_groups, " ")
            if style == "national_paren":
                return f"(0{area}) {sub_g}"
            if style in ("national", "national_dash", "national_dot"):
                sep = {"national": " ", "national_dash": "-", "national_dot": "."}[style]
                return f"0{area}{sep}{_group(sub, c.fixed_groups, sep)}"
            if style == "national_compact":
                return "0" + self.nsn
            if style == "e164":
                return self.e164
            if style == "idd":
                return f"{c.idd}{c.dial} {area} {sub_g}"
            sep = "-" if style == "intl_dash" else " "
            return f"+{c.dial} {area} {_group(sub, c.fixed_groups, sep)}"
        national = c.trunk + self.nsn
        if style == "national" or style == "national_paren":
            return _group(national, c.nat_groups, " ")
        if style == "national_compact":
            return national
        if style == "national_dash":
            return _group(national, c.nat_groups, "-")
        if style == "national_dot":
            return _group(national, c.nat_groups, ".")
        if style == "intl":
            return f"+{c.dial} " + _group(self.nsn, c.intl_groups, " ")
        if style == "intl_dash":
            return f"+{c.dial} " + _group(self.nsn, c.intl_groups, "-")
        if style == "e164":
            return self.e164
        if style == "idd":
            return f"{c.idd}{c.dial} " + _group(self.nsn, c.intl_groups, " ")
        raise ValueError(f"unknown phone style {style!r}")


def random_mobile(country: str, rng: random.Random) -> PhoneNumber:
    """A random mobile number on the country's plan (may repeat: the caller dedupes)."""
    c = COUNTRIES[country]
    prefix = rng.choice(c.mobile_prefixes)
    rest = c.mobile_len - len(prefix)
    return PhoneNumber(country, prefix + str(rng.randrange(10 ** (rest - 1), 10**rest)))


def random_fixed(country: str, rng: random.Random) -> PhoneNumber:
    """A random landline in the country's sample area."""
    c = COUNTRIES[country]
    rest = c.fixed_len - len(c.fixed_area)
    if country == "GB":  # Ofcom's range reserved for drama: 020 7946 0000-0999
        return PhoneNumber(country, "207946" + f"{rng.randrange(1000):04d}", fixed=True)
    rest -= len(c.fixed_sub)
    digits = str(rng.randrange(2 * 10 ** (rest - 1), 10**rest))
    return PhoneNumber(country, c.fixed_area + c.fixed_sub + digits, fixed=True)


# Border posts between two countries: (exit post, entry post). Air routes name airports.
BORDER_POSTS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("VN", "CN"): (("Lào Cai", "Hekou"), ("Móng Cái", "Dongxing"), ("Hữu Nghị", "Youyiguan")),
    ("LA", "CN"): (("Boten", "Mohan"),),
    ("MM", "CN"): (("Muse", "Ruili"), ("Lweje", "Zhangfeng")),
    ("KH", "CN"): (("Phnom Penh International Airport", "Guangzhou Baiyun Airport"),),
    ("NP", "CN"): (("Rasuwagadhi", "Gyirong"), ("Tatopani", "Zhangmu")),
    ("MM", "TH"): (("Myawaddy", "Mae Sot"), ("Kawthaung", "Ranong")),
    ("KH", "TH"): (("Poipet", "Aranyaprathet"),),
    ("LA", "TH"): (("Vientiane Friendship Bridge", "Nong Khai"),),
    ("VN", "GB"): (("Nội Bài Airport", "London Heathrow Airport"),),
    ("RO", "GB"): (("București Otopeni Airport", "London Luton Airport"),),
    ("NG", "GB"): (("Lagos Murtala Muhammed Airport", "London Heathrow Airport"),),
    ("CN", "GB"): (("Beijing Capital Airport", "London Heathrow Airport"),),
    ("TH", "GB"): (("Suvarnabhumi Airport", "London Heathrow Airport"),),
    ("GB", "TH"): (("London Heathrow Airport", "Suvarnabhumi Airport"),),
    ("CN", "VN"): (("Hekou", "Lào Cai"), ("Dongxing", "Móng Cái")),
    ("TH", "KH"): (("Aranyaprathet", "Poipet"),),
    ("TH", "LA"): (("Nong Khai", "Vientiane Friendship Bridge"),),
    ("TH", "MM"): (("Mae Sot", "Myawaddy"),),
    ("CN", "TH"): (("Kunming Changshui Airport", "Suvarnabhumi Airport"),),
    ("GB", "RO"): (("London Luton Airport", "București Otopeni Airport"),),
}


def border_post(src: str, dst: str, rng: random.Random) -> tuple[str, str]:
    """(exit post, entry post) for a crossing from ``src`` to ``dst``."""
    posts = BORDER_POSTS.get((src, dst))
    if posts:
        return rng.choice(posts)
    back = BORDER_POSTS.get((dst, src))
    if back:  # the same posts, crossed the other way
        entry, exit_ = rng.choice(back)
        return exit_, entry
    return (f"{src} international airport", f"{dst} international airport")


# Towns where crossings happen and transit hotels stand, per destination.
BORDER_TOWNS: dict[str, tuple[str, ...]] = {
    "CN": ("Hekou", "Dongxing", "Ruili", "Mohan"),
    "TH": ("Mae Sot", "Aranyaprathet", "Nong Khai", "Ranong"),
    "GB": ("London",),
}

INLAND: dict[str, tuple[str, ...]] = {  # where husbands and employers are
    "CN": ("Poyang", "Leping", "Zhoukou", "Fuyang", "Linyi", "Guiyang", "Nanning", "Dongguan", "Guangzhou", "Kunming"),
    "TH": ("Samut Sakhon", "Songkhla", "Bangkok", "Chiang Mai", "Ranong"),
    "GB": ("London", "Birmingham", "Manchester", "Glasgow", "Leicester", "Bradford"),
}


def city(country: str, name: str) -> City:
    """The named town of ``country``."""
    for c in COUNTRIES[country].cities:
        if c.name == name:
            return c
    raise KeyError(f"{country} has no town {name!r}")
