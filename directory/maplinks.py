"""Map links for public contacts (Yandex Maps, which works well for Belarusian addresses).

Only `directory.public` calls this, and only for non-confidential contacts, so a confidential
location can never reach a link.
"""
from __future__ import annotations

from urllib.parse import quote

__all__ = ["yandex_map_url"]


def yandex_map_url(*, lat: float | None, lon: float | None, address: str | None) -> str | None:
    """Point link when coordinates are known, else an address search, else None."""
    if lat is not None and lon is not None:
        return f"https://yandex.by/maps/?pt={float(lon)},{float(lat)}&z=17&l=map"
    if address and address.strip():
        return "https://yandex.by/maps/?text=" + quote(" ".join(address.split()), safe="")
    return None
