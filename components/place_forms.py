"""Case forms of place names: rule-based Russian and Belarusian declension.

pymorphy3 knows Russian only, and only the toponyms in its dictionary; Belarusian names
(«у Гомелі», «Магілёўскай вобласці», «у Брэсце») and many small Belarusian towns are outside
it.  These generators produce every case form of a name from its nominative by the ending of
the word (noun classes, adjectives, consonant alternations «Брэст→Брэсце», «Ліда→Лідзе»,
«Ветка→Ветцы», fleeting vowels «Городок→Городке», «Каменец→Каменце»).  Over-generation is
harmless (a non-existent form is simply never typed); the gazetteer additionally merges the
pymorphy3 lexeme of every Russian name that pymorphy3 knows as a toponym (``Geox``).

Returned forms are lower-case surface strings in the original alphabet (``ё`` kept), not keys.
"""

from itertools import product
from typing import Dict, List, Set, Tuple

RU_HUSH = "жшчщц"
RU_VELAR = "гкхжшчщ"
CONS_RU = "бвгджзйклмнпрстфхцчшщ"
CONS_BE = "бвгджзйклмнпрстфхцчшўь'"

# ----------------------------------------------------------------------------- Russian


def _ru_y(stem: str) -> str:
    return "и" if stem[-1:] in RU_VELAR else "ы"


def ru_adj_forms(word: str) -> Dict[str, Set[str]]:
    """Forms of a Russian full adjective by gender: keys 'm', 'f', 'n', 'p'."""
    w = word.lower()
    stem = w[:-2]
    y = _ru_y(stem)
    return {
        "m": {stem + y + "й", stem + "ой", stem + "ого", stem + "ому", stem + y + "м", stem + "ом"},
        "f": {stem + "ая", stem + "ой", stem + "ую", stem + "ою"},
        "n": {stem + "ое", stem + "ого", stem + "ому", stem + y + "м", stem + "ом"},
        "p": {stem + y + "е", stem + y + "х", stem + y + "м", stem + y + "ми"},
    }


def ru_is_adj(word: str) -> bool:
    w = word.lower()
    return len(w) > 4 and w[-2:] in ("ий", "ый", "ой", "ая", "яя", "ое", "ее", "ые", "ие")


def _adj_gender(word: str) -> str:
    end = word.lower()[-2:]
    return {
        "ий": "m",
        "ый": "m",
        "ой": "m",
        "ая": "f",
        "яя": "f",
        "ое": "n",
        "ее": "n",
        "ые": "p",
        "ие": "p",
        "ыя": "p",
        "ія": "p",
        "ае": "n",
    }.get(end, "m")


def ru_noun_forms(word: str) -> Set[str]:
    """All case forms of a Russian (proper) noun in its own number."""
    w = word.lower()
    out = {w}
    if len(w) < 3:
        return out
    last, stem = w[-1], w[:-1]
    if w.endswith("ия"):
        s = w[:-2]
        out |= {s + "ии", s + "ию", s + "ией", s + "иею"}
    elif last == "я":
        out |= {stem + "и", stem + "е", stem + "ю", stem + "ей", stem + "ею"}
    elif last == "а":
        out |= {stem + _ru_y(stem), stem + "е", stem + "у", stem + "ой", stem + "ою"}
        if stem[-1:] in RU_HUSH:
            out |= {stem + "ей", stem + "ею"}
    elif last == "ь":
        out |= {
            stem + "я",
            stem + "ю",
            stem + "ем",
            stem + "ём",
            stem + "е",  # masc
            stem + "и",
            stem + "ью",
        }  # fem
    elif last in "оё":
        out |= {stem + "а", stem + "у", stem + "ом", stem + "е"}
    elif last == "е":  # Ивье, Краснополье
        out |= {stem + "я", stem + "ю", stem + "ем", stem + "и"}
    elif last in "ыи":  # plurale tantum: Барановичи, Пружаны, Горки, Столбцы
        out |= {stem + "ам", stem + "ами", stem + "ах", stem + "ов", stem + "ей", stem}
        if stem[-1:] == "к" and stem[-2:-1] and stem[-2] in CONS_RU:
            out.add(stem[:-1] + "ок")  # Горки -> Горок, Крупки -> Крупок
        if stem[-1:] in RU_HUSH or stem.endswith("ич"):
            out.add(stem + "ей")
    elif last == "й":
        out |= {stem + "я", stem + "ю", stem + "ем", stem + "е"}
    elif last in CONS_RU:
        stems = [w]
        if w.endswith("ок") and len(w) > 4:
            stems.append(w[:-2] + "к")  # Городок -> Городка
        if w.endswith("ец") and len(w) > 4:
            stems.append(w[:-2] + "ц")  # Каменец -> Каменца
        for s in stems:
            out |= {s + "а", s + "у", s + "ом", s + "е"}
            if s[-1] in RU_HUSH:
                out.add(s + "ем")
    return out


# ----------------------------------------------------------------------------- Belarusian


def _be_y(stem: str) -> str:
    return "і" if stem[-1:] in "кгх" else "ы"


def _be_loc_alternation(stem: str) -> str:
    """Dative/locative ending after a hard stem: Брэст→Брэсце, Ліда→Лідзе, Ветка→Ветцы."""
    if stem.endswith("к"):
        return stem[:-1] + "цы"
    if stem.endswith("г"):
        return stem[:-1] + "зе"
    if stem.endswith("х"):
        return stem[:-1] + "се"
    if stem.endswith("д"):
        return stem + "зе"  # д -> дзе
    if stem.endswith("т"):
        return stem[:-1] + "це"
    if stem[-1:] in "жшчцр" or stem.endswith("дж"):
        return stem + "ы"
    return stem + "е"


def be_adj_forms(word: str) -> Dict[str, Set[str]]:
    """Forms of a Belarusian adjective by gender ('m', 'f', 'n', 'p')."""
    w = word.lower()
    if w[-2:] in ("ая", "ае", "ыя", "ія"):
        stem = w[:-2]
    else:  # -і / -ы
        stem = w[:-1]
    y = _be_y(stem)
    return {
        "m": {stem + y, stem + "ага", stem + "аму", stem + y + "м", stem + "ы", stem + "ім"},
        "f": {stem + "ая", stem + "ай", stem + "ую", stem + "аю"},
        "n": {stem + "ае", stem + "ага", stem + "аму", stem + y + "м"},
        "p": {stem + y + "я", stem + y + "х", stem + y + "м", stem + y + "мі"},
    }


def be_is_adj(word: str) -> bool:
    w = word.lower()
    return len(w) > 4 and (w[-2:] in ("ая", "ае", "ыя") or w[-3:] in ("скі", "цкі", "кія", "гія", "хія"))


def be_noun_forms(word: str) -> Set[str]:
    """All case forms of a Belarusian (proper) noun in its own number."""
    w = word.lower()
    out = {w}
    if len(w) < 3:
        return out
    last, stem = w[-1], w[:-1]
    if w.endswith("ія"):
        s = w[:-2]
        out |= {s + "іі", s + "ію", s + "іяй", s + "іяю"}
    elif last == "я":
        out |= {stem + "і", stem + "ю", stem + "яй", stem + "яю", stem + "е"}
    elif last in "ао":
        # feminine (Ліда, Орша) and neuter (Гродна, Маладзечна, Сянно) together
        out |= {
            stem + _be_y(stem),
            stem + "у",
            stem + "ай",
            stem + "аю",
            stem + "ой",
            stem + "ою",
            stem + "а",
            stem + "ам",
            stem + "ом",
            stem + "е",
            _be_loc_alternation(stem),
        }
    elif w.endswith("ае"):  # adjectival neuter: Глыбокае, Круглае
        out |= be_adj_forms(w)["n"]
    elif last == "е":  # Іўе, Краснаполле
        out |= {stem + "я", stem + "ю", stem + "ем", stem + "і"}
    elif last in "ыі":  # plurale tantum: Баранавічы, Горкі, Стоўбцы
        out |= {stem, stem + "аў", stem + "оў", stem + "ам", stem + "амі", stem + "ах"}
        if stem[-1:] == "к" and stem[-2:-1] and stem[-2] in CONS_BE:
            out.add(stem[:-1] + "ак")
    elif last == "ь":
        out |= {stem + "я", stem + "ю", stem + "ем", stem + "ём", stem + "і", stem + stem[-1] + "ю"}  # Любань -> Любанню
    elif last == "ў":
        s = stem + "в"  # Магілёў -> Магілёва, Магілёве
        out |= {s + "а", s + "у", s + "ам", s + "ом", s + "е"}
    elif last == "й":
        out |= {stem + "я", stem + "ю", stem + "ем", stem + "і"}
    elif last in CONS_BE:
        stems = [w]
        if w[-2:] in ("ец", "ок", "ак") and len(w) > 4:
            fleeting = w[:-2] + w[-1]
            stems.append(fleeting)  # Камянец -> Камянца, Гарадок -> Гарадка
            if fleeting[-2:-1] == "в":
                stems.append(fleeting[:-2] + "ў" + fleeting[-1])  # Астравец -> Астраўца
        for s in stems:
            out |= {s + "а", s + "у", s + "ам", s + "ом"}
            if s[-1] in "кгх":
                out.add(s + "у")  # у Віцебску, у Гарадку
            else:
                out.add(_be_loc_alternation(s))
    return out


# ----------------------------------------------------------------------------- phrases


def _decline(word: str, lang: str) -> Set[str]:
    """Forms of one word of a toponym: adjective-like words by their gender, else as nouns."""
    if lang == "be":
        if be_is_adj(word):
            return {word.lower()} | be_adj_forms(word)[_adj_gender(word)]
        return be_noun_forms(word)
    if ru_is_adj(word):
        return {word.lower()} | ru_adj_forms(word)[_adj_gender(word)]
    return ru_noun_forms(word)


def _decline_token(token: str, lang: str) -> Set[str]:
    """«Буда-Кошелёво», «Давид-Городок»: only the last part of a hyphenated word declines."""
    if "-" not in token:
        return _decline(token, lang)
    first, _, rest = token.rpartition("-")
    return {first.lower() + "-" + f for f in _decline(rest, lang)}


def name_forms(name: str, lang: str) -> Set[Tuple[str, ...]]:
    """Case forms of a (possibly multi-word) toponym as tuples of words.

    ``lang`` is "ru" or "be".  Multi-word names combine the forms of each word (adjective +
    noun: «Большая Берестовица» -> «Большой Берестовице»; «Марьина Горка» -> «Марьиной
    Горке»); hyphenated names also yield the spaced variant («Буда Кошелёво»).
    """
    per_word: List[Set[str]] = [_decline_token(w, lang) for w in name.split()]
    out: Set[Tuple[str, ...]] = set(product(*per_word))
    for t in list(out):
        if any("-" in w for w in t):
            out.add(tuple(p for w in t for p in w.split("-")))
    return out


def adjective_forms(adj: str, lang: str) -> Dict[str, Set[str]]:
    """All forms of a (district/region) adjective by gender, in the given language."""
    if "-" in adj:  # «Буда-Кошелёвский»
        first, _, rest = adj.rpartition("-")
        inner = adjective_forms(rest, lang)
        return {g: {first.lower() + "-" + f for f in fs} for g, fs in inner.items()}
    return be_adj_forms(adj) if lang == "be" else ru_adj_forms(adj)
