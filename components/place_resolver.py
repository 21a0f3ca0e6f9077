"""Resolve Belarusian places in free text to canonical ids (no Rasa needed).

    >>> from components.place_resolver import PlaceResolver
    >>> [(m.entity, m.value) for m in PlaceResolver.shared().resolve("нужен юрист в Бобруйске")]
    [('region', 'BY-MA'), ('district', 'BY-MA-27')]

Output entities (see ``docs/ARCHITECTURE.md``):

* ``region``  - ISO 3166-2:BY code;
* ``district`` - ``district_id`` of districts.csv, always together with its ``region``;
* ``foreign_place`` - value = the matched text, for a place outside Belarus;
* ``place_options`` - an ambiguous name: candidate district ids (or region codes where only the
  region is known) joined by ``|``; no region/district is emitted for that mention.

Decisions (documented here because other layers depend on them):

* A city that is a unit of its own (``kind=city`` in districts.csv: the cities of oblast
  subordination Brest, Baranavichy, Pinsk, Vitebsk, Navapolatsk, Gomel, Grodno, Zhodzina,
  Mogilev, Babruysk) yields that unit: «в Гомеле» -> BY-HO-26 «г. Гомель», never the raion
  around it.  Minsk is the region BY-HM (no district: its urban districts are asked).
  Only «Гомельский район» / «Гомель район» give the raion (BY-HO-04).
* Urban districts (``kind=city_district``: Minsk's 9, and those of Brest, Vitebsk, Gomel, Grodno,
  Mogilev, Babruysk, named «Железнодорожный район г. Гомеля» in the data) are matched by their
  name up to the area noun; a name several cities share («Ленинский район», «Железнодорожный
  район», «Центральный») gives ``place_options`` unless the same message names the city
  («Ленинский район Могилёва» -> BY-MA-22, «Ленинский район Минска» -> BY-HM-02; a region alone
  cannot tell Mogilev's from Babruysk's).  The city named beside its urban district then yields no
  raion of its own; an urban district of a city other than the one named is dropped
  («Ленинский район Гомеля» -> the city only).
* A town that is not a raion centre gives its district when ``towns.csv`` names it (sourced:
  «Микашевичи» -> BY-BR-11, «Уручье» -> BY-HM-06), else its region only.
* A name shared by places in different oblasts (in any of its ru/be spellings) gives
  ``place_options``, raion-level candidates first (CSV order), then towns by population:
  «Речица» -> ``BY-HO-17|BY-BR`` (the raion centre, and a village of Brest oblast),
  «Октябрьский район» -> ``BY-HO-15|BY-HM-04|BY-VI-23|BY-HR-19|BY-MA-23``.  Candidates in a single
  oblast of which only one is a raion centre would give the region only (the district is not
  guessed).
* Another unambiguous place in the same message (or ``region_hint``, e.g. the region slot already
  filled in a form) narrows ``place_options``: «Октябрьский район Гомельской области» -> BY-HO-15;
  a named city first, to its own urban districts.  What remains after narrowing is emitted (one
  district, or fewer options).
* A name that is an ordinary word or a personal name («Горки», «Мосты», «Мир», «Лида») is accepted
  only in a place-like context: capitalised inside a sentence, after «г./д./пос./город…», after a
  place preposition (personal-name-like forms only: «в лиде»), or as the whole reply («Горки»).
  Small towns whose name is an ordinary word («Мир», «Победа») need a settlement cue («д. Мир»).
  Once the context makes a word a place, every town of that name is a candidate.
* A bare district/region adjective («Слуцкий», «Брестская») counts only as a whole reply, or in a
  reply of places only («минск, фрунзенский»); inside a sentence it needs an area noun
  («Слуцкий р-н», «Брестской обл.»).
* Typos: one edit (insert/delete/substitute/swap) on Cyrillic names of >= 6 letters, only when the
  typed word is not a Russian dictionary word («городом» is not «Городок»).  Latin text is matched
  exactly (after folding romanisation variants): without an English dictionary «stolen» would
  become Stolin.
* Several places in one message give several entities (each (entity, value) once, in text order).

How matching works: the text is split into word tokens (hyphenated words kept together, with
their parts as a fallback: «Минск-Москва»); each token becomes a key (Cyrillic folded, Latin
skeleton, see :mod:`components.place_text`); unknown Cyrillic tokens may be typo-corrected; the
longest key sequence found in the gazetteer is taken at each position; a following area noun
(«область», «р-н», «раён», «region», …) turns an adjective or an admin centre into a region or
district; the context rules above filter weak readings; candidates are then settled per mention.
"""

import os
import threading
from dataclasses import dataclass
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from .place_gazetteer import (
    MIN_TYPO_LEN,
    NAME,
    STRONG,
    AdjectiveSense,
    ForeignAdjectiveSense,
    ForeignSense,
    Gazetteer,
    RegionNounSense,
    Sense,
    TownSense,
    build_gazetteer,
)
from .place_text import damerau1, deletions, tokenize

REGION, DISTRICT, FOREIGN, OPTIONS = "region", "district", "foreign_place", "place_options"


# A town that is not a raion centre must have at least this many people to make a raion
# centre of the same name ambiguous.
MIN_RIVAL_POPULATION = 1000


@dataclass(frozen=True)
class PlaceMatch:
    entity: str
    value: str
    start: int
    end: int
    text: str
    confidence: float = 1.0

    def to_entity(self, extractor: Optional[str] = None) -> Dict:
        ent = {"entity": self.entity, "start": self.start, "end": self.end, "value": self.value, "confidence": self.confidence}
        if extractor:
            ent["extractor"] = extractor
        return ent


class _Cand(NamedTuple):
    region: str
    district: Optional[str]
    order: Tuple[int, int]
    place: Optional[str] = None  # the town/city (place id) this reading names, if any


class _Span(NamedTuple):
    i: int  # first token
    j: int  # one past the last token
    senses: Tuple[Sense, ...]
    start: int
    end: int
    fuzzy: bool
    part: bool  # a part of a hyphenated token («Минск» in «Минск-Москва»)


@dataclass
class Mention:
    start: int
    end: int
    text: str
    foreign: bool
    cands: List[_Cand]


class PlaceResolver:
    """Gazetteer matcher.  Build once (``PlaceResolver.shared()``), call ``resolve`` per text."""

    _shared: Dict[str, "PlaceResolver"] = {}
    _lock = threading.Lock()

    def __init__(self, data_dir: Optional[os.PathLike] = None, gazetteer: Optional[Gazetteer] = None):
        self.g = gazetteer or build_gazetteer(data_dir)
        self._known_cache: Dict[str, bool] = {}

    @classmethod
    def shared(cls, data_dir: Optional[os.PathLike] = None) -> "PlaceResolver":
        key = str(data_dir or "")
        with cls._lock:
            r = cls._shared.get(key)
            if r is None:
                r = cls._shared[key] = cls(data_dir)
        return r

    # ------------------------------------------------------------------ public

    def resolve(self, text: str, region_hint: Optional[str] = None) -> List[PlaceMatch]:
        """Entities for ``text``.  ``region_hint`` (a region code) may settle an ambiguous name."""
        if not text:
            return []
        mentions = self.mentions(text)
        if not mentions:
            return []
        districts = self.g.districts
        decided = [self._decide(m.cands) if not m.foreign else None for m in mentions]
        known_regions = {d[0] for d in decided if d and d[0] and d[2] is None}
        if region_hint:
            known_regions.add(region_hint)
        # towns and cities the message names without doubt («… района г. Гомеля»)
        known_places = {self._single_place(m) for m, d in zip(mentions, decided, strict=False) if d and d[2] is None} - {None}

        final: List[Optional[Tuple[Optional[str], Optional[str], Optional[str]]]] = []
        for idx, (m, d) in enumerate(zip(mentions, decided, strict=False)):
            if m.foreign:
                final.append(None)
                continue
            region, district, options = d
            if options is not None:
                narrowed = self._narrow(m.cands, known_places, known_regions)
                if narrowed:
                    region, district, options = self._decide(narrowed)
            others = {dd[0] for k, dd in enumerate(decided) if k != idx and dd and dd[0] and dd[2] is None}
            urban = [c.district for c in m.cands] if options is not None else [district]
            if (
                others
                and all(u and districts[u].kind == "city_district" for u in urban)
                and not others & {districts[u].region for u in urban}
            ):
                # «Новобелицкий район» / «Ленинский район» of another region than the city
                # named with it («... Бреста», «... Гомеля»): no such urban district, dropped
                final.append(("", None, None))
                continue
            final.append((region, district, options))
        # A city named beside one of its urban districts names no district of its own:
        # «Железнодорожный район Гомеля» is BY-HO-22, not also the whole city.
        centres = {
            districts[f[1]].centre_gid for f in final if f and f[1] and f[2] is None and districts[f[1]].kind == "city_district"
        }

        out: List[PlaceMatch] = []
        seen = set()

        def emit(entity: str, value: str, m: Mention) -> None:
            if (entity, value) in seen:
                return
            seen.add((entity, value))
            out.append(PlaceMatch(entity, value, m.start, m.end, m.text))

        for m, f in zip(mentions, final, strict=False):
            if f is None:
                emit(FOREIGN, m.text, m)
                continue
            region, district, options = f
            if options is not None:
                emit(OPTIONS, options, m)
            elif region:
                emit(REGION, region, m)
                if district and not (districts[district].kind in ("raion", "city") and self._single_place(m) in centres):
                    emit(DISTRICT, district, m)
        return out

    @staticmethod
    def _single_place(m: Mention) -> Optional[str]:
        """The one town/city a mention names, or None (an adjective, a region, several towns)."""
        places = {c.place for c in m.cands}
        return next(iter(places)) if len(places) == 1 else None

    def _narrow(self, cands: Sequence[_Cand], known_places, known_regions) -> List[_Cand]:
        """Candidates of an ambiguous name that fit the rest of the message: urban districts of a
        city it names («Ленинский район Могилёва»: not Babruysk's, though both are in BY-MA),
        else those in a region it names («Октябрьский район Гомельской области»)."""
        districts = self.g.districts
        by_city = [
            c
            for c in cands
            if c.district and districts[c.district].kind == "city_district" and districts[c.district].centre_gid in known_places
        ]
        if by_city:
            return by_city
        return [c for c in cands if c.region in known_regions]

    def resolve_entities(self, text: str, extractor: Optional[str] = None) -> List[Dict]:
        return [m.to_entity(extractor) for m in self.resolve(text)]

    # ------------------------------------------------------------------ matching

    def mentions(self, text: str) -> List[Mention]:
        g = self.g
        toks = tokenize(text)
        n = len(toks)
        if not n:
            return []
        keys = [t.key for t in toks]
        fuzzy = [False] * n
        for i, k in enumerate(keys):
            if k in g.vocab or k in g.fillers:
                continue
            c = self._correct(k)
            if c is not None:
                keys[i] = c
                fuzzy[i] = True

        spans: List[_Span] = []
        i = 0
        while i < n:
            hit = None
            for L in range(min(g.max_len, n - i), 0, -1):
                s = g.phrases.get(tuple(keys[i : i + L]))
                if s:
                    hit = (L, s)
                    break
            if hit:
                L, s = hit
                spans.append(_Span(i, i + L, s, toks[i].start, toks[i + L - 1].end, any(fuzzy[i : i + L]), False))
                i += L
                continue
            for ps, pe, pk in toks[i].parts:
                s = g.phrases.get((pk,))
                if s:
                    spans.append(_Span(i, i + 1, s, ps, pe, False, True))
            i += 1

        # The reply is nothing but places («минск, фрунзенский»): a bare adjective in it names
        # a place as it would as the whole reply.
        covered = {k for sp in spans if not sp.part for k in range(sp.i, sp.j)}
        only_places = len(spans) > 1 and all(k in covered or keys[k] in g.fillers for k in range(n))
        out: List[Mention] = []
        for sp in spans:
            m = self._mention(text, toks, keys, sp, len(spans), only_places)
            if m is not None:
                out.append(m)
        return out

    def _mention(self, text, toks, keys, sp: _Span, n_spans: int, only_places: bool = False) -> Optional[Mention]:
        g = self.g
        n = len(toks)
        places, districts = g.places, g.districts
        area = None
        if not sp.part and sp.j < n:
            area = g.area.get(keys[sp.j])
        cands: List[_Cand] = []
        foreign = False
        end = sp.end
        if area == "obl":
            for s in sp.senses:
                if isinstance(s, AdjectiveSense) and s.kind == "region":
                    cands.append(_Cand(s.target, None, (2, 0)))
                elif isinstance(s, RegionNounSense):
                    cands.append(_Cand(s.region, None, (2, 0)))
                elif isinstance(s, TownSense) and places[s.place].oblast_of:
                    cands.append(_Cand(places[s.place].oblast_of, None, (2, 0)))
                elif isinstance(s, (ForeignSense, ForeignAdjectiveSense)):
                    foreign = True
        elif area == "raion":
            for s in sp.senses:
                if isinstance(s, AdjectiveSense) and s.kind == "district":
                    d = districts[s.target]
                    cands.append(_Cand(d.region, d.id, (0, d.order)))
                elif isinstance(s, TownSense):
                    p = places[s.place]
                    raions = p.raions + p.separate_raions
                    if len(raions) == 1:
                        d = districts[raions[0]]
                        cands.append(_Cand(d.region, d.id, (0, d.order)))
        if cands or foreign:
            end = toks[sp.j].end
        else:
            first = toks[sp.i]
            if sp.part:
                cap = text[sp.start : sp.start + 1].isupper()
                cap_inside = cap and not (first.sent_initial and sp.start == first.start)
                prev = None
            else:
                cap_inside = first.is_cap and not first.sent_initial
                prev = keys[sp.i - 1] if sp.i > 0 else None
            cue = prev is not None and prev in g.cues
            prep = prev is not None and prev in g.preps
            whole = n_spans == 1 and not sp.part and all(keys[k] in g.fillers for k in range(n) if not sp.i <= k < sp.j)
            # the context decides whether the word is a place at all; once one reading is
            # accepted, every town of that name is a candidate (no silent preference)
            town_senses = [s for s in sp.senses if isinstance(s, TownSense)]
            towns = [places[s.place] for s in town_senses]
            if any(p.district for p in towns):
                # A raion centre and a hamlet of the same name elsewhere (Речица: the Gomel-oblast
                # town of 65,000 and a Brest-oblast village listed with no population) are not
                # two plausible meanings; towns of comparable size still ask.
                towns = [p for p in towns if p.district or p.pop >= MIN_RIVAL_POPULATION]
            if any(self._allowed(s.weak, places[s.place].big, sp.fuzzy, cap_inside, cue, prep, whole) for s in town_senses):
                for p in towns:
                    order = (0, districts[p.district].order) if p.district else (1, p.order)
                    cands.append(_Cand(p.region, p.district, order, p.pid))
            for s in sp.senses:
                if isinstance(s, ForeignSense):
                    if self._allowed(s.weak, True, sp.fuzzy, cap_inside, cue, prep, whole):
                        foreign = True
                elif isinstance(s, RegionNounSense):
                    if self._allowed(s.weak, True, sp.fuzzy, cap_inside, cue, prep, whole):
                        cands.append(_Cand(s.region, None, (2, 0)))
                elif isinstance(s, AdjectiveSense) and (whole or only_places) and s.bare and not sp.fuzzy:
                    if s.kind == "region":
                        cands.append(_Cand(s.target, None, (2, 0)))
                    else:
                        d = districts[s.target]
                        cands.append(_Cand(d.region, d.id, (0, d.order)))
        if not cands and not foreign:
            return None
        return Mention(sp.start, end, text[sp.start : end], foreign, cands)

    @staticmethod
    def _allowed(weak: int, big: bool, fuzzy: bool, cap_inside: bool, cue: bool, prep: bool, whole: bool) -> bool:
        if weak == STRONG:
            return True
        if weak == NAME:
            return cue or prep or cap_inside or whole
        # COMMON: an ordinary word (never typo-corrected)
        if fuzzy:
            return False
        if big:
            return cue or cap_inside or whole
        return cue

    @staticmethod
    def _decide(cands: Sequence[_Cand]):
        """-> (region, district, options): options is None when the place is settled."""
        uniq: Dict[Tuple[str, Optional[str]], _Cand] = {}
        for c in cands:
            k = (c.region, c.district)
            if k not in uniq or c.order < uniq[k].order:
                uniq[k] = c
        cs = sorted(uniq.values(), key=lambda c: c.order)
        if len(cs) == 1:
            return cs[0].region, cs[0].district, None
        regions = {c.region for c in cs}
        dists = {c.district for c in cs if c.district}
        if len(regions) == 1 and len(dists) <= 1:
            # same region; one candidate is a raion centre, another is not: don't guess the raion
            return cs[0].region, None, None
        values: List[str] = []
        for c in cs:
            v = c.district or c.region
            if v not in values:
                values.append(v)
        return None, None, "|".join(values)

    # ------------------------------------------------------------------ typos

    def _correct(self, k: str) -> Optional[str]:
        """Unique gazetteer word at edit distance 1 from an unknown token, else None."""
        g = self.g
        if len(k) < MIN_TYPO_LEN - 1 or k.isascii():
            # Latin text: no dictionary to tell an English word from a misspelt name
            # («stolen» ~ Stolin, «homeless» ~ Homel'): exact romanisations only.
            return None
        idx = g.typo_index
        found = set(idx.get(k, ()))
        for d in deletions(k):
            found.update(idx.get(d, ()))
        for i in range(len(k) - 1):
            sw = k[:i] + k[i + 1] + k[i] + k[i + 2 :]
            if sw in g.typo_words:
                found.add(sw)
        found = {c for c in found if damerau1(k, c)}
        if not found:
            return None
        if len({g.typo_words[c] for c in found}) != 1:
            return None
        known = self._known_cache.get(k)
        if known is None:
            known = bool(g.morph.word_is_known(k)) if g.morph is not None else False
            if len(self._known_cache) < 100000:
                self._known_cache[k] = known
        if known:
            return None  # a real Russian word («городом»), not a misspelt place
        return min(found)


def _main(argv: Sequence[str]) -> int:
    """``python -m components.place_resolver [--bench] TEXT...``: print entities / time them."""
    import time

    bench = "--bench" in argv
    texts = [a for a in argv if a != "--bench"] or [
        "Здравствуйте, мне нужен юрист, я живу в Бобруйске с двумя детьми",
        "муж опять угрожает, я в Марьиной Горке, Пуховичский р-н",
        "где найти психолога в Минске?",
        "Гомельская обл., Речицкий район",
        "I live in Vitebsk region and need a shelter",
        "не знаю что делать, помогите пожалуйста",
    ]
    t0 = time.perf_counter()
    resolver = PlaceResolver.shared()
    print(f"gazetteer: {resolver.g.stats}, built in {time.perf_counter() - t0:.2f}s")
    for text in texts:
        print(repr(text), [(m.entity, m.value, m.text) for m in resolver.resolve(text)])
    if bench:
        n = 2000
        for i in range(n):  # warm-up with distinct texts
            resolver.resolve(texts[i % len(texts)] + f" {i}")
        t0 = time.perf_counter()
        for i in range(n):
            resolver.resolve(texts[i % len(texts)] + f" {n + i}")
        print(f"resolve: {(time.perf_counter() - t0) / n * 1000:.3f} ms per message " f"(mean of {n}, {len(texts)} texts)")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
