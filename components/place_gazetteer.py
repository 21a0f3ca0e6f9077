"""Build the place gazetteer from the project's data files.

Sources (all under ``directory/data``; no Belarusian name is typed in this code; the three
CSV files of places are read and validated by the directory's own reader,
``directory.source_csv.read_places``, the one the loader uses):

* ``regions.csv``  - ru/be/en/ISO names of the 6 oblasts and Minsk city, their admin centres;
* ``districts.csv`` - ru/be names of the 118 raions, of the city units (``kind=city``: the cities of
  oblast subordination, «г. Гомель», «г. Новополоцк») and of the urban districts of Minsk and of
  those cities («Железнодорожный район г. Гомеля»), English name, the centre (ru/be/en, GeoNames
  id) and ``centre_is_separate_unit``;
* ``towns.csv`` - towns that are not district centres and the district each lies in (sourced per
  row: «Микашевичи» -> Лунинецкий район, «Уручье» -> Первомайский район г. Минска);
* ``sources/geonames_cities500_BY.csv`` - 314 towns with oblast (admin1) and Cyrillic alt names;
* ``sources/kufar_area_labels.json`` - ru/be labels of towns per oblast.

What the builder makes:

* ``places``: one record per town (GeoNames id, or a Kufar-only town), with its region and - only
  when the data say so unambiguously - its district: a city unit's city is that unit («Гомель»
  -> «г. Гомель», never the raion around it); otherwise the centre of exactly one raion that is
  not administratively separate from it gets that raion; a town of ``towns.csv`` its district.
* ``phrases``: key tuple -> senses.  Keys are produced by :mod:`components.place_text` from
  every case form (:mod:`components.place_forms`, plus the pymorphy3 lexeme for names pymorphy3
  knows as toponyms), in Cyrillic and in Latin transliteration.
* a weakness class per (key, place): names that are also ordinary words («Горки», «Мосты», «Мир»)
  or personal names («Лида») are only accepted in a place-like context (see resolver).
* a deletion index for edit-distance-1 typo correction of names of >= 6 letters.

* Latin keys (romanisations from the data + transliterations of every Cyrillic form) only for
  raion centres, region centres and towns of >= 10 000 people: short Latin names of villages
  collide with English words («Snow» is a village near Minsk).

The only hand-written word lists here are grammatical/function words (area nouns «область»,
«р-н»; settlement cues «г.», «д.»; prepositions) and the short list of FOREIGN places.

Why pymorphy3 at build time and not spaCy's lemmatizer + PhraseMatcher at run time: on the
blank ``ru`` pipeline (no tagger, so no POS) the ``pymorphy3`` lemmatizer leaves many toponyms
unlemmatised («Барановичах», «Минском», «Горках» come back unchanged) and costs ~1.9 ms per
message by itself; the gazetteer instead holds every case form, so a message needs only dict
lookups (~0.1 ms).  pymorphy3 (the analyser behind that lemmatizer) supplies the Russian lexemes
of known toponyms and tells ordinary words from names.  The build takes ~2 s, once per process.
"""

import csv
import json
import logging
import os
import time
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple, Union

from directory.source_csv import DistrictRecord, RegionRecord, Rejection, TownRecord, read_places

from .place_forms import adjective_forms, be_noun_forms, name_forms, ru_noun_forms
from .place_text import cyr_key, deletions, iter_words, latin_keys_of_cyrillic, normalise_label, token_key

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "directory" / "data"

STRONG, NAME, COMMON = 0, 1, 2
BIG_TOWN_POPULATION = 10000  # towns from this size also get Latin keys and typo tolerance
MIN_TYPO_LEN = 6  # edit distance 1 only on names of >= 6 letters

# ---------------------------------------------------------------- hand lists (not BY names)

# A place clearly outside Belarus -> entity ``foreign_place``.  Countries and big cities of the
# neighbours (+ a few frequent destinations).  Russian / Belarusian / Ukrainian / Latin.
FOREIGN_PLACES: Dict[str, List[str]] = {
    "ru": [
        "Россия",
        "Российская Федерация",
        "Москва",
        "Смоленск",
        "Брянск",
        "Псков",
        "Санкт-Петербург",
        "Петербург",
        "Питер",
        "Калининград",
        "Польша",
        "Варшава",
        "Белосток",
        "Гданьск",
        "Краков",
        "Вроцлав",
        "Литва",
        "Вильнюс",
        "Каунас",
        "Латвия",
        "Рига",
        "Даугавпилс",
        "Украина",
        "Киев",
        "Чернигов",
        "Житомир",
        "Луцк",
        "Львов",
        "Германия",
        "Берлин",
        "Чехия",
        "Прага",
        "Эстония",
        "Таллин",
        "Грузия",
        "Тбилиси",
        "Казахстан",
        "Франция",
        "Италия",
        "Испания",
        "Англия",
        "Великобритания",
        "Нидерланды",
        "Финляндия",
        "Швеция",
        "Норвегия",
        "Турция",
        "Израиль",
        "Канада",
        "США",
        "Америка",
    ],
    "be": [
        "Расія",
        "Масква",
        "Смаленск",
        "Бранск",
        "Пскоў",
        "Пецярбург",
        "Польшча",
        "Варшава",
        "Беласток",
        "Літва",
        "Вільнюс",
        "Вільня",
        "Латвія",
        "Рыга",
        "Украіна",
        "Кіеў",
        "Чарнігаў",
        "Германія",
        "Нямеччына",
        "Берлін",
        "Чэхія",
        "Прага",
        "Эстонія",
        "Грузія",
        "Францыя",
        "Італія",
        "Іспанія",
        "Англія",
        "Фінляндыя",
        "Швецыя",
        "Нарвегія",
    ],
    "uk": [
        "Україна",
        "України",
        "Україні",
        "Київ",
        "Києва",
        "Києві",
        "Польща",
        "Польщі",
        "Чернігів",
        "Чернігові",
        "Львів",
        "Львові",
    ],  # literal forms, not declined
    "en": [
        "Russia",
        "Moscow",
        "Smolensk",
        "Bryansk",
        "Pskov",
        "Saint Petersburg",
        "St Petersburg",
        "Poland",
        "Warsaw",
        "Bialystok",
        "Białystok",
        "Gdansk",
        "Krakow",
        "Lithuania",
        "Vilnius",
        "Kaunas",
        "Latvia",
        "Riga",
        "Daugavpils",
        "Ukraine",
        "Kyiv",
        "Kiev",
        "Chernihiv",
        "Lviv",
        "Germany",
        "Berlin",
        "Czechia",
        "Czech Republic",
        "Prague",
        "Estonia",
        "Tallinn",
        "Georgia",
        "Tbilisi",
        "Kazakhstan",
        "France",
        "Italy",
        "Spain",
        "England",
        "UK",
        "Netherlands",
        "Finland",
        "Sweden",
        "Norway",
        "Turkey",
        "Israel",
        "Canada",
        "USA",
    ],
}
# «<X>ская область» of neighbouring countries: a foreign place, never a Belarusian region.
FOREIGN_REGION_ADJ = [
    "Смоленская",
    "Брянская",
    "Псковская",
    "Московская",
    "Ленинградская",
    "Калининградская",
    "Черниговская",
    "Киевская",
    "Волынская",
    "Ровенская",
    "Житомирская",
    "Подляшская",
    "Люблинская",
]

# Grammatical words (not place names).
# area nouns: full words are declined, abbreviations are kept as they are
OBL_WORDS_RU = ["область", "обл", "обл-ть", "обл-ти", "облась"]
OBL_WORDS_BE = ["вобласць", "вобл"]
OBL_WORDS_LAT = ["region", "regions", "oblast", "oblasti", "oblast'", "voblasts", "voblast", "voblasć", "obl", "province"]
RAION_WORDS_RU = ["район", "р-н", "р-на", "р-не", "р-ну", "р-ном", "р-он", "р-оне", "рн", "р", "рай", "рна", "рне"]
RAION_WORDS_BE = ["раён", "р-н"]
RAION_WORDS_LAT = ["rayon", "raion", "rajon", "district", "r-n", "rn", "raen", "rayona", "raiona", "rayone", "raione"]
DECLINED_AREA_WORDS = {"область", "район", "вобласць", "раён"}
CUE_WORDS_RU = [
    "г",
    "гор",
    "город",
    "гп",
    "г-п",
    "пгт",
    "п",
    "пос",
    "посёлок",
    "д",
    "дер",
    "деревня",
    "аг",
    "агрогородок",
    "село",
    "райцентр",
    "гор-д",
]
CUE_WORDS_BE = ["горад", "вёска", "мястэчка", "пасёлак", "аграгарадок"]
CUE_WORDS_LAT = ["city", "town", "village", "g", "gorod", "horad", "derevnya", "pos", "ag"]
# before a name, these make a personal-name-like form («Лида», «Ленин») read as a place
PLACE_PREPS = [
    "в",
    "во",
    "из",
    "изо",
    "под",
    "около",
    "возле",
    "близ",
    "до",
    "з",
    "са",
    "ля",
    "каля",
    "пад",
    "ва",
    "ў",
    "in",
    "near",
    "from",
    "v",
    "iz",
    "pod",
    "okolo",
    "vo",
]
# words that may surround a place in a reply that is "just the place" («я из Горок», «Глубокое»)
FILLER_WORDS = [
    "я",
    "мы",
    "живу",
    "живём",
    "живем",
    "жыву",
    "жывём",
    "нахожусь",
    "знаходжуся",
    "сейчас",
    "зараз",
    "это",
    "у",
    "i",
    "live",
    "im",
    "am",
    "we",
    "we're",
    "in",
    "my",
    "town",
    "city",
    "is",
    "from",
    "ok",
    "да",
    "так",
]

REGION_ADJ_EXTRA_GENDERS = ("f",)  # bare region adjective counts only in feminine («Брестская»)
DISTRICT_ADJ_GENDERS = ("m",)  # bare district adjective only in masculine («Слуцкий»)


# ---------------------------------------------------------------- records


@dataclass
class District:
    """A district as the resolver needs it (from the directory's validated ``DistrictRecord``)."""

    id: str
    region: str
    kind: str  # raion | city | city_district
    name_ru: str
    name_be: str
    name_en: str
    centre_gid: str
    centre_ru: str
    centre_be: str
    centre_en: str
    separate: bool
    order: int
    city: Optional[str] = None  # an urban district's city unit

    @classmethod
    def from_record(cls, record: DistrictRecord, order: int) -> "District":
        return cls(
            id=record.id,
            region=record.region_code,
            kind=record.kind,
            name_ru=record.name_ru,
            name_be=record.name_be,
            name_en=record.name_en,
            centre_gid=record.centre_gid,
            centre_ru=record.centre_ru,
            centre_be=record.centre_be,
            centre_en=record.centre_en,
            separate=record.centre_separate,
            order=order,
            city=record.city_id,
        )


@dataclass
class Place:
    pid: str
    region: str
    pop: int
    order: int
    names_ru: Set[str] = field(default_factory=set)
    names_be: Set[str] = field(default_factory=set)
    names_lat: Set[str] = field(default_factory=set)
    raions: List[str] = field(default_factory=list)  # raion ids it is the centre of
    separate_raions: List[str] = field(default_factory=list)
    oblast_of: Optional[str] = None  # oblast it is the admin centre of
    capital_of: Optional[str] = None  # BY-HM for Minsk
    city_unit: Optional[str] = None  # its own district (kind=city)
    town_district: Optional[str] = None  # towns.csv: the district it lies in
    district: Optional[str] = None  # effective district (_settle_districts)
    common: bool = False  # canonical name is an ordinary word
    canonical: str = ""

    @property
    def is_centre(self) -> bool:
        return bool(self.raions or self.separate_raions or self.oblast_of or self.capital_of or self.city_unit)

    @property
    def big(self) -> bool:
        return self.is_centre or self.pop >= BIG_TOWN_POPULATION or self.town_district is not None


# What a phrase can mean. Small named tuples: hashable and cheap (the resolver reads one per
# matched phrase), the tag first so that a sense is still told by ``sense[0]``; build them with
# keywords (``TownSense(place=pid, weak=w)``).


class TownSense(NamedTuple):
    """A town or city (``place``: its id in ``Gazetteer.places``)."""

    tag: str = "P"
    place: str = ""
    weak: int = STRONG


class AdjectiveSense(NamedTuple):
    """A region / district adjective («Брестская», «Слуцкий»): a place only with an area noun,
    or as a reply that is only this word in one of the ``bare`` genders."""

    tag: str = "A"
    kind: str = "district"  # "region" | "district"
    target: str = ""  # region code or district id
    bare: FrozenSet[str] = frozenset()


class RegionNounSense(NamedTuple):
    """A colloquial region noun («Гомельщина»)."""

    tag: str = "R"
    region: str = ""
    weak: int = STRONG


class ForeignSense(NamedTuple):
    """A place outside Belarus."""

    tag: str = "F"
    weak: int = STRONG


class ForeignAdjectiveSense(NamedTuple):
    """The adjective of a foreign region («Смоленская»): foreign only with «область»."""

    tag: str = "FA"


Sense = Union[TownSense, AdjectiveSense, RegionNounSense, ForeignSense, ForeignAdjectiveSense]


class DistrictLabel(NamedTuple):
    """A Kufar label that names a district, not a town («Центральный» in Minsk)."""

    district: District
    ru: str
    be: str


class GrammarWords(NamedTuple):
    """The function words around place names (keys, as the resolver looks them up)."""

    area: Dict[str, str]  # key -> "obl" | "raion"
    cues: Set[str]  # settlement cues («г.», «деревня»)
    preps: Set[str]  # prepositions that make a name-like word a place
    fillers: Set[str]  # words of a reply that is "just the place"


@dataclass
class Gazetteer:
    regions: Dict[str, RegionRecord]
    districts: Dict[str, District]
    places: Dict[str, Place]
    phrases: Dict[Tuple[str, ...], Tuple[Sense, ...]]
    max_len: int
    area: Dict[str, str]  # key -> "obl" | "raion"
    cues: FrozenSet[str]
    preps: FrozenSet[str]
    fillers: FrozenSet[str]
    vocab: FrozenSet[str]  # every single key known to the gazetteer
    typo_words: Dict[str, str]  # typo-correctable key -> signature (same signature = same target)
    typo_index: Dict[str, Tuple[str, ...]]
    build_seconds: float = 0.0
    stats: Dict[str, int] = field(default_factory=dict)
    morph: object = None  # the pymorphy3 analyzer (typo guard: "is this a real word?")
    collisions: List[str] = field(default_factory=list)  # keys both foreign and Belarusian


# ---------------------------------------------------------------- weakness via pymorphy3

_SKIP_TAGS = frozenset({"Slng", "Arch", "Erro", "Dist", "Infr", "Abbr", "Init", "Litr"})
_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Poss", "Orgn", "Trad"})


class WordClassifier:
    """Is a key an ordinary Russian word (COMMON), a personal-name form (NAME) or neither?"""

    def __init__(self, morph=None):
        if morph is None:
            import pymorphy3

            morph = pymorphy3.MorphAnalyzer()
        self.morph = morph
        self._cache: Dict[str, int] = {}

    def __call__(self, key: str) -> int:
        """COMMON if the word is mostly an ordinary word (the toponym reading, ``Geox``, has less
        than half of pymorphy3's probability mass); NAME if it has a personal-name or a minor
        ordinary reading («Лида», «Чаусы»); STRONG if pymorphy3 knows it only as a toponym or not
        at all («Брест», «Ганцевичи»)."""
        res = self._cache.get(key)
        if res is not None:
            return res
        res = STRONG
        if key and not key.isascii() and self.morph.word_is_known(key):
            geo = total = 0.0
            name = common = False
            for p in self.morph.parse(key):
                if not p.is_known:
                    continue
                g = p.tag.grammemes
                if g & _SKIP_TAGS:
                    continue
                total += p.score
                if "Geox" in g:
                    geo += p.score
                elif g & _NAME_TAGS:
                    name = True
                else:
                    common = True
            if common and (total <= 0 or geo / total < 0.5):
                res = COMMON
            elif common or name:
                res = NAME
        self._cache[key] = res
        return res


# ---------------------------------------------------------------- loading data


class Sources(NamedTuple):
    """What the gazetteer is built from: the directory's validated places, plus the GeoNames
    and Kufar name lists (sources the directory does not load)."""

    regions: Dict[str, RegionRecord]
    admin1: Dict[str, str]  # GeoNames admin1 code -> region code
    districts: Dict[str, District]
    cities: List[Dict[str, str]]  # rows of geonames_cities500_BY.csv
    kufar: Dict[str, List[Dict[str, str]]]  # region code -> Kufar labels of its towns
    towns: List[TownRecord]


def _read_csv(path: Path) -> List[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


_UKR_OR_OTHER = set("їєґљњђћџѣѳѵ")


def _script_lang(name: str) -> Optional[str]:
    """'ru', 'be', 'both' for an East-Slavic Cyrillic name, None for other scripts/junk."""
    low = name.lower()
    if any(ch in _UKR_OR_OTHER for ch in low) or any(ord(ch) > 0x04FF and ch not in "’ʼ" for ch in low):
        return None
    if not all(ch.isalpha() or ch in " -'’ʼ" for ch in low):
        return None
    be = any(ch in "іў'’ʼ" for ch in low)
    ru = any(ch in "иъщ" for ch in low)
    if be and ru:
        return None
    return "be" if be else ("ru" if ru else "both")


_AREA_NOUNS = frozenset({"район", "раён"})


def _up_to_area_noun(name: str) -> str:
    """«Ленинский район г. Бреста» -> «Ленинский район»; a name without an area noun as it is."""
    words = name.split()
    for i, w in enumerate(words):
        if w.lower() in _AREA_NOUNS:
            return " ".join(words[: i + 1])
    return name


def load_data(data_dir: Path) -> Sources:
    """Regions, districts and towns through the directory's validated reader (one reading of
    those files for the loader and the gazetteer); a rejected row is logged and left out, as
    ``python -m directory.load`` refuses it, naming file and line."""
    rejections: List[Rejection] = []
    places = read_places(data_dir, rejections)
    for rejection in rejections:
        logger.warning("place data row left out of the gazetteer: %s", rejection)
    regions = {r.code: r for r in places.regions}
    admin1 = {r.admin1_code: r.code for r in places.regions}
    districts = {d.id: District.from_record(d, i) for i, d in enumerate(places.districts)}
    cities = _read_csv(data_dir / "sources" / "geonames_cities500_BY.csv")
    kufar_path = data_dir / "sources" / "kufar_area_labels.json"
    kufar = json.loads(kufar_path.read_text(encoding="utf-8")) if kufar_path.exists() else {}
    return Sources(regions, admin1, districts, cities, kufar.get("areas", {}), places.towns)


# ---------------------------------------------------------------- builder


class _Builder:
    """Builds a :class:`Gazetteer` in named steps (``build`` lists them in order). The order
    matters: later steps read what earlier ones settled (a place's district, its weakness), and
    the order senses are added in is the order the resolver meets them."""

    def __init__(self, data_dir: Path, classifier: WordClassifier):
        self.data_dir = data_dir
        self.cls = classifier
        self.phr: Dict[Tuple[str, ...], Dict[Sense, None]] = {}
        self.place_weak: Dict[Tuple[Tuple[str, ...], str], int] = {}
        self.typo_sig: Dict[str, Set[str]] = {}

    # -- helpers
    def _add(self, key: Tuple[str, ...], sense: Sense) -> None:
        if not key or any(not k for k in key):
            return
        if len(key) == 1 and len(key[0].replace("-", "")) < 3:
            return  # never a 1-2 letter place name («он», «мы», abbreviations)
        self.phr.setdefault(key, {})[sense] = None

    def _typo(self, key: Tuple[str, ...], signature: str) -> None:
        for k in key:
            if len(k.replace("-", "")) >= MIN_TYPO_LEN and not k.isascii():
                self.typo_sig.setdefault(k, set()).add(signature)

    def _weak_of_form(self, words: Tuple[str, ...]) -> int:
        classes = [self.cls(cyr_key(w)) for w in words]
        if len(classes) == 1:
            return classes[0]
        return COMMON if all(c == COMMON for c in classes) else STRONG

    def _place_form(self, place: Place, words: Tuple[str, ...], latin: bool, belarusian: bool = False) -> None:
        weak = self._weak_of_form(words)
        if belarusian and place.common:
            # pymorphy3 cannot tell a Belarusian ordinary word («Гарадок», «Глыбокае»): a
            # Belarusian name of a place whose Russian name is an ordinary word is weak too
            weak = COMMON
        keys = [tuple(cyr_key(w) for w in words)]
        if latin:
            lat_per_word = [[k for k in latin_keys_of_cyrillic(w) if len(k) >= 4 or len(words) > 1] for w in words]
            if all(lat_per_word):
                for combo in product(*lat_per_word):
                    keys.append(tuple(combo))
        for key in keys:
            pk = (key, place.pid)
            self.place_weak[pk] = max(self.place_weak.get(pk, STRONG), weak)
            if weak != COMMON and place.big:
                self._typo(key, "P:" + place.pid)

    # -- main
    def build(self) -> Gazetteer:
        t0 = time.perf_counter()
        src = load_data(self.data_dir)
        places = self._geonames_towns(src.cities, src.admin1)
        self._fold_city_unit_rows(places, src.districts)
        self._district_centres(places, src.districts)
        self._region_centres(places, src.regions)
        district_labels = self._kufar_labels(places, src.districts, src.kufar)
        self._listed_towns(places, src.towns)
        self._settle_districts(places)
        self._order_places(places, src.districts)
        self._place_names(places)
        self._district_adjectives(src.districts, district_labels)
        self._region_names(src.regions, places)
        self._foreign_places()
        words = self._grammar_words()
        g = self._finish(src, places, words)
        g.build_seconds = time.perf_counter() - t0
        logger.debug("place gazetteer built in %.2fs: %s", g.build_seconds, g.stats)
        return g

    # -- the places: which towns there are, their names, region and district

    @staticmethod
    def _geonames_towns(cities: List[Dict[str, str]], admin1: Dict[str, str]) -> Dict[str, Place]:
        """One place per GeoNames town of a known oblast, its Cyrillic alternate names sorted
        into Russian and Belarusian by script (GeoNames does not say which is which)."""
        places: Dict[str, Place] = {}
        for r in cities:
            region = admin1.get(r["admin1code"].zfill(2))
            if not region:
                continue
            p = Place(pid=r["geonameid"], region=region, pop=int(r["population"] or 0), order=0)
            p.names_lat.add(r["name"])
            be_look = {n for n in r["belarusian_looking_names"].split("|") if n}
            for n in r["cyrillic_alternatenames"].split("|"):
                n = n.replace("\u0301", "").strip()
                lang = _script_lang(n) if n else None
                if lang is None:
                    continue
                if lang == "be" or (n in be_look and lang != "ru"):
                    p.names_be.add(n)
                elif lang == "ru":
                    p.names_ru.add(n)
                else:
                    p.names_ru.add(n)
                    p.names_be.add(n)
            places[p.pid] = p
        return places

    @staticmethod
    def _fold_city_unit_rows(places: Dict[str, Place], districts: Dict[str, District]) -> None:
        """GeoNames "Horad X" rows are the city unit of a town that has its own row as well
        («Horad Krychaw» = «Кричев»): fold them into that town when exactly one matches, so a
        name does not stand for two places."""
        for pid in [q.pid for q in places.values()]:
            q = places[pid]
            if not any(n.startswith("Horad ") for n in q.names_lat):
                continue
            keys = {cyr_key(n) for n in q.names_ru | q.names_be}
            same = [
                o
                for o in places.values()
                if o.pid != pid and o.region == q.region and keys & {cyr_key(n) for n in o.names_ru | o.names_be}
            ]
            centres = {d.centre_gid for d in districts.values()}
            same = [o for o in same if o.pid in centres] or same
            if len(same) == 1:
                same[0].names_ru |= {n for n in q.names_ru if not n.startswith("Горад")}
                same[0].names_be |= {n for n in q.names_be if not n.startswith("Горад")}
                del places[pid]

    @staticmethod
    def _district_centres(places: Dict[str, Place], districts: Dict[str, District]) -> None:
        """Each district's centre (by GeoNames id; added when GeoNames lacks it) learns the
        district's ru/be/en centre names and which raion or city unit it is the centre of."""
        for d in districts.values():
            p = places.get(d.centre_gid)
            if p is None:
                p = Place(pid=d.centre_gid, region=d.region, pop=0, order=0)
                places[p.pid] = p
            p.names_ru.add(d.centre_ru)
            p.names_be.add(d.centre_be)
            p.names_lat.add(d.centre_en)
            if not p.canonical:
                p.canonical = d.centre_ru
            if d.kind == "raion":
                (p.separate_raions if d.separate else p.raions).append(d.id)
            elif d.kind == "city":
                p.city_unit = d.id

    @staticmethod
    def _region_centres(places: Dict[str, Place], regions: Dict[str, RegionRecord]) -> None:
        """An oblast's admin centre names the oblast when it stands with «область»; Minsk is
        the capital region BY-HM itself."""
        for code, r in regions.items():
            p = places.get(r.centre_gid)
            if p is None:
                continue
            p.names_ru.add(r.centre_ru)
            p.names_be.add(r.centre_be)
            p.names_lat.add(r.centre_en)
            if r.kind == "oblast":
                p.oblast_of = code
            else:
                p.capital_of = code
                p.region = code

    def _kufar_labels(
        self, places: Dict[str, Place], districts: Dict[str, District], kufar: Dict[str, List[Dict[str, str]]]
    ) -> List[DistrictLabel]:
        """Kufar's ru/be labels of towns per oblast: names added to the GeoNames town of that
        name in the oblast (or a new place); a label that names a district is returned, for
        its adjectives."""
        district_by_name: Dict[Tuple[str, str], District] = {}
        for d in districts.values():
            district_by_name[(d.region, cyr_key(d.name_ru))] = d
            district_by_name[(d.region, cyr_key(d.name_be))] = d
        labels_of_districts: List[DistrictLabel] = []
        for region, labels in kufar.items():
            for lab in labels:
                ru = normalise_label(lab.get("ru", "")) or ""
                be = normalise_label(lab.get("be", "")) or ""
                if not ru or ru.lower().startswith("друг"):
                    continue  # the «Другие города» (other towns) bucket
                for prefix in ("г.п. ", "г. п. ", "г. ", "гп "):
                    ru = ru[len(prefix) :] if ru.startswith(prefix) else ru
                    be = be[len(prefix) :] if be.startswith(prefix) else be
                d = district_by_name.get((region, cyr_key(ru)))
                if d is None and region == "BY-HM":
                    # bare adjective labels of Minsk's urban districts («Центральный»)
                    for dd in districts.values():
                        if dd.region == region and cyr_key(dd.name_ru.split()[0]) == cyr_key(ru):
                            d = dd
                if d is not None:
                    labels_of_districts.append(DistrictLabel(d, ru, be))
                    continue
                self._link_kufar_town(places, region, ru, be)
        return labels_of_districts

    @staticmethod
    def _listed_towns(places: Dict[str, Place], towns: List[TownRecord]) -> None:
        """towns.csv: towns that are not district centres, with the district each lies in (a
        sourced row), linked by GeoNames id or added."""
        for t in towns:
            p = places.get(t.geonameid) if t.geonameid else None
            if p is None:
                p = places.setdefault(
                    "town:" + t.region_code + ":" + t.name_ru,
                    Place(pid="town:" + t.region_code + ":" + t.name_ru, region=t.region_code, pop=0, order=0),
                )
            p.names_ru.add(t.name_ru)
            if t.name_be:
                p.names_be.add(t.name_be)
            if t.name_en:
                p.names_lat.add(t.name_en)
            p.canonical = p.canonical or t.name_ru
            p.town_district = t.district_id

    def _settle_districts(self, places: Dict[str, Place]) -> None:
        """Each place's district, only where the data say so unambiguously, its canonical name
        and whether it is, as a whole, an ordinary word."""
        for p in places.values():
            if p.city_unit:
                p.district = p.city_unit  # «Гомель» is the city, not «Гомельский район»
            elif len(p.raions) == 1 and not p.separate_raions:
                p.district = p.raions[0]
            elif p.town_district and not p.is_centre:
                p.district = p.town_district
            if not p.canonical:
                ru_names = sorted(p.names_ru, key=lambda n: (not all(c not in "іў" for c in n), n))
                p.canonical = ru_names[0] if ru_names else (sorted(p.names_be) or [p.pid])[0]
            canon_words = tuple(p.canonical.split())
            p.common = self._weak_of_form(canon_words) == COMMON
            if not p.is_centre:
                # a small town with an ordinary-word alias («Победа») is weak as a whole
                p.common = p.common or any(self._weak_of_form(tuple(n.split())) == COMMON for n in p.names_ru)

    @staticmethod
    def _order_places(places: Dict[str, Place], districts: Dict[str, District]) -> None:
        """Ties between places are broken by this order: district centres in the order of
        districts.csv, then the other towns, biggest first."""
        order = 0
        centres = sorted(
            (p for p in places.values() if p.is_centre),
            key=lambda p: min([districts[d].order for d in p.raions + p.separate_raions] or [-1]),
        )
        for p in centres:
            p.order = order
            order += 1
        for p in sorted((p for p in places.values() if not p.is_centre), key=lambda p: -p.pop):
            p.order = order
            order += 1

    # -- the phrases: every form of every name, and what it means

    def _place_names(self, places: Dict[str, Place]) -> None:
        """Every case form of every name of a place (Latin keys only for big places), each
        with its weakness; the weakest reading of a key for a place wins."""
        for p in places.values():
            latin = p.big
            for n in p.names_ru:
                for words in name_forms(n, "ru") | self._pymorphy_forms(n):
                    self._place_form(p, words, latin)
            for n in p.names_be:
                only_be = n not in p.names_ru
                for words in name_forms(n, "be"):
                    self._place_form(p, words, latin, belarusian=only_be)
            for n in p.names_lat:
                if not latin and not p.is_centre:
                    continue
                key = tuple(token_key(w) for w in iter_words(n))
                base = self.cls(cyr_key(p.canonical)) if " " not in p.canonical else STRONG
                weak = COMMON if p.common else base
                pk = (key, p.pid)
                self.place_weak[pk] = max(self.place_weak.get(pk, STRONG), weak)
                if weak == STRONG:
                    self._typo(key, "P:" + p.pid)
        for (key, pid), weak in self.place_weak.items():
            self._add(key, TownSense(place=pid, weak=weak))

    def _district_adjectives(self, districts: Dict[str, District], labels: List[DistrictLabel]) -> None:
        """«Слуцкий район», «Slutski Rayon»: district adjectives. An urban district's name
        carries its city («Ленинский район г. Бреста», «Lyeninski Rayon (Brest)»): only the part
        up to the area noun is the adjective; the city itself is a separate mention that settles
        which «Ленинский район» is meant (see resolver)."""
        for d in districts.values():
            self._adjectives(_up_to_area_noun(d.name_ru), "ru", "district", d.id)
            self._adjectives(_up_to_area_noun(d.name_be), "be", "district", d.id)
            en_words = d.name_en.split()
            en_area = [i for i, w in enumerate(en_words) if w.lower() in ("rayon", "raion")]
            en_adj = " ".join(en_words[: en_area[0]]) if en_area else ""
            if en_adj:
                key = tuple(token_key(w) for w in iter_words(en_adj))
                self._add(key, AdjectiveSense(kind="district", target=d.id, bare=frozenset({"m", "f", "n", "p"})))
        for label in labels:
            self._adjectives(label.ru, "ru", "district", label.district.id)
            self._adjectives(label.be, "be", "district", label.district.id)

    def _region_names(self, regions: Dict[str, RegionRecord], places: Dict[str, Place]) -> None:
        """«Брестская область», «Гомельщина», «Brest Region», «Homieĺskaja voblasć»."""
        for code, r in regions.items():
            if r.kind != "oblast":
                continue
            self._adjectives(r.name_ru, "ru", "region", code)
            self._adjectives(r.name_be, "be", "region", code)
            self._region_nouns(r.name_ru, r.name_be, code)
            for lat in (r.name_iso, r.admin1_name, r.name_en):
                words = [w for w in iter_words(lat)]
                if words and words[-1].lower() in ("region", "oblast", "voblasć", "voblasts"):
                    words = words[:-1]
                if len(words) == 1 and words[0].lower().endswith(("kaja", "kaya", "kiy")):
                    key = (token_key(words[0]),)
                    self._add(key, AdjectiveSense(kind="region", target=code, bare=frozenset({"f"})))
                    self._typo(key, "A:" + code)
                elif words:
                    # "Brest Region", "Gomel Oblast": the city part + area noun works through the
                    # admin-centre rule; add the English city word as an alias of the centre.
                    p = places.get(r.centre_gid)
                    if p is not None:
                        key = tuple(token_key(w) for w in words)
                        self._add(key, TownSense(place=p.pid, weak=STRONG))

    def _foreign_places(self) -> None:
        """FOREIGN_PLACES in every case form (Latin transliterations too) and the adjectives of
        foreign regions, so «Смоленск» is never read as a Belarusian place nor ignored."""
        for lang, names in FOREIGN_PLACES.items():
            for n in names:
                if lang == "en" or n.isupper():
                    forms = {tuple(iter_words(n))}
                elif lang == "uk":
                    forms = {(n,)}
                else:
                    forms = name_forms(n, lang)
                for words in forms:
                    weak = self._weak_of_form(words) if lang != "en" else STRONG
                    keys = [tuple(token_key(w) for w in words)]
                    if lang in ("ru", "be"):
                        lat = [latin_keys_of_cyrillic(w) for w in words]
                        if all(len(x) == 1 for x in lat):
                            keys.append(tuple(x[0] for x in lat))
                    for key in keys:
                        self._add(key, ForeignSense(weak=weak))
                        if weak == STRONG:
                            self._typo(key, "F")
        for adj in FOREIGN_REGION_ADJ:
            for forms in adjective_forms(adj, "ru").values():
                for f in forms:
                    self._add((cyr_key(f),), ForeignAdjectiveSense())

    # -- the words around places, and the finished lookup tables

    def _grammar_words(self) -> GrammarWords:
        """Area nouns (declined where they decline), settlement cues, prepositions, fillers;
        long area nouns are typo-correctable («облость»)."""
        area: Dict[str, str] = {}
        for kind, ru_words, be_words, lat_words in (
            ("obl", OBL_WORDS_RU, OBL_WORDS_BE, OBL_WORDS_LAT),
            ("raion", RAION_WORDS_RU, RAION_WORDS_BE, RAION_WORDS_LAT),
        ):
            for w in ru_words:
                forms = ru_noun_forms(w) if w in DECLINED_AREA_WORDS else {w}
                for f in forms:
                    area[token_key(f)] = kind
                    for lk in latin_keys_of_cyrillic(f):
                        area.setdefault(lk, kind)
            for w in be_words:
                forms = be_noun_forms(w) if w in DECLINED_AREA_WORDS else {w}
                for f in forms:
                    area[token_key(f)] = kind
                    for lk in latin_keys_of_cyrillic(f):
                        area.setdefault(lk, kind)
            for w in lat_words:
                area[token_key(w)] = kind
        for k, kind in area.items():
            if len(k) >= MIN_TYPO_LEN and not k.isascii():
                self.typo_sig.setdefault(k, set()).add("AREA:" + kind)
        cues: Set[str] = set()
        for w in CUE_WORDS_RU:
            cues |= {token_key(f) for f in (ru_noun_forms(w) if len(w) > 3 else {w})}
        for w in CUE_WORDS_BE:
            cues |= {token_key(f) for f in (be_noun_forms(w) if len(w) > 3 else {w})}
        cues |= {token_key(w) for w in CUE_WORDS_LAT}
        preps = {token_key(w) for w in PLACE_PREPS}
        fillers = {token_key(w) for w in FILLER_WORDS} | preps | cues | set(area)
        return GrammarWords(area, cues, preps, fillers)

    def _finish(self, src: Sources, places: Dict[str, Place], words: GrammarWords) -> Gazetteer:
        """The lookup tables: phrases without the grammatical words (never a place by
        themselves), the vocabulary, the deletion index for edit-distance-1 typos."""
        area, cues, preps = words.area, words.cues, words.preps
        for k in list(self.phr):
            if len(k) == 1 and (k[0] in area or k[0] in cues or k[0] in preps):
                del self.phr[k]
        phrases = {k: tuple(v) for k, v in self.phr.items()}
        vocab = {k for key in phrases for k in key} | set(area) | cues
        typo_words = {k: "|".join(sorted(s)) for k, s in self.typo_sig.items()}
        typo_index: Dict[str, Set[str]] = {}
        for w in typo_words:
            typo_index.setdefault(w, set()).add(w)
            for d in deletions(w):
                typo_index.setdefault(d, set()).add(w)
        g = Gazetteer(
            regions=src.regions,
            districts=src.districts,
            places=places,
            phrases=phrases,
            max_len=max(len(k) for k in phrases),
            area=area,
            cues=frozenset(cues),
            preps=frozenset(preps),
            fillers=frozenset(words.fillers),
            vocab=frozenset(vocab),
            typo_words=typo_words,
            typo_index={k: tuple(sorted(v)) for k, v in typo_index.items()},
        )
        g.morph = self.cls.morph
        g.collisions = sorted(
            " ".join(k)
            for k, v in phrases.items()
            if any(isinstance(x, (ForeignSense, ForeignAdjectiveSense)) for x in v)
            and any(isinstance(x, (TownSense, AdjectiveSense)) for x in v)
        )
        g.stats = {"places": len(places), "phrases": len(phrases), "typo_words": len(typo_words)}
        return g

    def _link_kufar_town(self, places: Dict[str, Place], region: str, ru: str, be: str) -> None:
        key = cyr_key(ru)
        same = [p for p in places.values() if p.region == region and any(cyr_key(n) == key for n in p.names_ru | p.names_be)]
        if not same:
            # «Берестовица» for «Большая Берестовица»: the last word of exactly one town's name
            same = [
                p
                for p in places.values()
                if p.region == region and any(" " in n and cyr_key(n.split()[-1]) == key for n in p.names_ru)
            ]
        if len(same) == 1:
            same[0].names_ru.add(ru)
            if be:
                same[0].names_be.add(be)
            return
        if len(same) > 1:
            return  # several towns of that name in the oblast: the GeoNames rows cover them
        pid = "kufar:" + region + ":" + ru
        p = Place(pid=pid, region=region, pop=0, order=0)
        p.names_ru.add(ru)
        if be:
            p.names_be.add(be)
        places[pid] = p

    def _pymorphy_forms(self, name: str) -> Set[Tuple[str, ...]]:
        """Lexeme of a one-word Russian name that pymorphy3 knows as a toponym (Geox)."""
        if " " in name or "-" in name or _script_lang(name) not in ("ru", "both"):
            return set()
        out: Set[Tuple[str, ...]] = set()
        for p in self.cls.morph.parse(name.lower()):
            if not p.is_known or "Geox" not in p.tag.grammemes or p.tag.case != "nomn":
                continue
            if p.normal_form.replace("ё", "е") != name.lower().replace("ё", "е"):
                continue
            for f in p.lexeme:
                if f.tag.number == p.tag.number or p.tag.number is None:
                    out.add((f.word,))
        return out

    def _region_nouns(self, name_ru: str, name_be: str, code: str) -> None:
        """Colloquial region nouns derived from the adjective: «Гомельская» -> «Гомельщина»,
        «Брестская» -> «Брестчина»/«Брестщина»; «Гомельская» (be) -> «Гомельшчына»."""
        nouns: Set[Tuple[str, str]] = set()
        adj_ru = name_ru.split()[0].lower()
        if adj_ru.endswith("ская"):
            stem = adj_ru[:-4]
            nouns.add((stem + "щина", "ru"))
            if stem.endswith("т"):
                nouns.add((stem + "чина", "ru"))
        adj_be = name_be.split()[0].lower()
        if adj_be.endswith("ская"):
            nouns.add((adj_be[:-4] + "шчына", "be"))
        elif adj_be.endswith("цкая"):
            nouns.add((adj_be[:-5] + "тчына", "be"))  # Брэсцкая -> Брэстчына
        for noun, lang in nouns:
            for words in name_forms(noun, lang):
                key = tuple(cyr_key(w) for w in words)
                self._add(key, RegionNounSense(region=code, weak=self._weak_of_form(words)))
                self._typo(key, "R:" + code)

    def _adjectives(self, name: str, lang: str, kind: str, target: str) -> None:
        """«Брестская область» / «Слуцкі раён» / «Центральный» -> adjective senses."""
        words = name.split()
        if len(words) >= 2:
            words = words[:-1]  # drop «район» / «область» / «раён» / «вобласць»
        if len(words) != 1:
            return
        adj = words[0]
        low = adj.lower()
        if not low.endswith(("ий", "ый", "ой", "ая", "і", "ы", "ая")):
            return
        bare_genders = REGION_ADJ_EXTRA_GENDERS if kind == "region" else DISTRICT_ADJ_GENDERS
        forms = adjective_forms(adj, lang)
        by_form: Dict[str, Set[str]] = {}
        for g, fs in forms.items():
            for f in fs:
                by_form.setdefault(f, set()).add(g)
        sig = "A:" + target
        for f, genders in by_form.items():
            bare = frozenset(g for g in genders if g in bare_genders)
            keys = [(token_key(f),)]
            if "-" in f:
                keys.append(tuple(token_key(x) for x in f.split("-")))
            keys += [(lk,) for lk in latin_keys_of_cyrillic(f) if len(lk) >= 4]
            for key in keys:
                self._add(key, AdjectiveSense(kind=kind, target=target, bare=bare))
                self._typo(key, sig)


_CACHE: Dict[str, Gazetteer] = {}


def build_gazetteer(data_dir: Optional[os.PathLike] = None, classifier: Optional[WordClassifier] = None) -> Gazetteer:
    """Build (once per process and option set) the gazetteer from the data directory."""
    path = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    ck = str(path.resolve())
    g = _CACHE.get(ck)
    if g is None:
        g = _Builder(path, classifier or WordClassifier()).build()
        _CACHE[ck] = g
    return g
