"""Short map links for public contacts (Yandex Maps, which knows Belarusian addresses well).

Only `directory.public` calls this, and only for non-confidential contacts, so a confidential
location can never reach a link.

A link must fit on a phone screen: a point link when coordinates are known
(`https://yandex.by/maps/?pt=30.798448,51.950037&z=17`, ~55 characters), otherwise a search for
the address without what Yandex does not need (postcode, country, oblast), its letters left as
letters (`https://yandex.by/maps/?text=г.+Мозырь,+пл.+Горького,+7`): percent-encoding every
Cyrillic letter made 200-character links. Browsers, Telegram and the website's link builder
(web/chat.js) accept such a link and encode it when it is opened.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["yandex_map_url", "map_query"]

_POSTCODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
_DROP = re.compile(r"(?i)(?:республика\s+беларусь|беларусь|[а-яё-]+\s+обл(?:асть|\.))")


def map_query(address: str) -> str:
    """The part of an address a map search needs: no postcode, country or oblast."""
    text = _DROP.sub("", _POSTCODE.sub("", address))
    parts = [" ".join(p.split()) for p in text.split(",")]
    return ", ".join(p for p in parts if p)


def _keep_letters(text: str) -> str:
    """Percent-encode what a URL query cannot hold; keep letters, digits and , . - readable."""
    out = []
    for char in text:
        if char == " ":
            out.append("+")
        elif char.isalnum() or char in ",.-":
            out.append(char)
        else:
            out.append(quote(char, safe=""))
    return "".join(out)


def yandex_map_url(*, lat: float | None, lon: float | None, address: str | None) -> str | None:
    """Point link when coordinates are known, else a short address search, else None."""
    if lat is not None and lon is not None:
        return f"https://yandex.by/maps/?pt={float(lon)},{float(lat)}&z=17"
    if address and address.strip():
        query = map_query(address)
        if query:
            return "https://yandex.by/maps/?text=" + _keep_letters(query)
    return None
