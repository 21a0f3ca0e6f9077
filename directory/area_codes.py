"""Belarusian telephone area codes per district: `directory/data/area_codes.csv`.

Sources print local numbers without their code ("2-81-22" in Slutsk). A mobile phone cannot dial
those, so the loader completes them with the code of the entry's district — only from this table,
whose every row names its source, and only when libphonenumber's Belarus metadata accepts both the
code (`phones.valid_area_code`) and the completed number. A district missing here simply gets no
code: its local numbers stay undialable and the loader lists them for the operator.

Keyed by `district_id` of districts.csv. A new city unit (an urban district, a city of oblast
subordination split from its raion) gets a row with the code of the city — the code the city shares
with the raion named after it (Brest's urban districts: 162, like BY-BR-03) — and the same source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .phones import valid_area_code
from .source_csv import Rejection, read_rows

__all__ = ["AREA_CODE_COLUMNS", "AreaCode", "read_area_codes"]

AREA_CODE_COLUMNS = ("district_id", "area_code", "place_in_source", "source_url", "note")


@dataclass(frozen=True)
class AreaCode:
    district_id: str
    code: str  # without the trunk 0: "1795" for Slutsk (dialled 8 01795 … or +375 1795 …)
    place_in_source: str
    source_url: str


def read_area_codes(path: Path, district_ids: set[str], rejections: list[Rejection]) -> dict[str, AreaCode]:
    """district_id → AreaCode; a missing file means no codes (every local number is reported)."""
    if not path.exists():
        return {}
    codes: dict[str, AreaCode] = {}

    def check(row: dict[str, str]) -> list[str]:
        did, code = row["district_id"], row["area_code"]
        problems = []
        if did not in district_ids:
            problems.append(f"unknown district {did!r}")
        elif did in codes:
            problems.append(f"duplicate district {did!r}")
        if not valid_area_code(code):
            problems.append(f"area code {code!r} is not a Belarusian fixed-line code (libphonenumber)")
        if not re.match(r"https?://\S+$", row["source_url"]):
            problems.append("source_url must be a single http(s) URL")
        if not row["place_in_source"]:
            problems.append("missing place_in_source")
        return problems

    for _line, row in read_rows(path, AREA_CODE_COLUMNS, rejections, check, exact=True):
        codes[row["district_id"]] = AreaCode(row["district_id"], row["area_code"], row["place_in_source"], row["source_url"])
    return codes
