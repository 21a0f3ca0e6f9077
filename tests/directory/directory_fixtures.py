"""Helpers shared by the directory tests: valid organisation rows and throw-away data folders."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from directory.database import DATA_DIR
from directory.source_csv import ORGANISATION_COLUMNS


def org_row(oid: str, **values: str) -> dict[str, str]:
    """A valid organisations.csv row; override any column with keyword arguments.

    It has a (fixture) phone by default: an entry without a phone, website or address is not a
    contact and never reaches an answer (directory.operator); pass phones="" for such a row."""
    row = {column: "" for column in ORGANISATION_COLUMNS}
    row.update(
        id=oid,
        name_ru=f"Организация {oid}",
        name_en=f"Organisation {oid}",
        kind="social_center",
        services="social",
        region="BY-MI",
        confidential="false",
        active="true",
        phones="8 (017) 200-00-00",
        source_url=f"https://example.org/{oid}",
        verified_on="2026-11-28",
        verification="desk",
    )
    row.update(values)
    return row


def write_data_dir(folder: Path, rows: list[dict[str, str]]) -> Path:
    """regions.csv, districts.csv and area_codes.csv copied from the real data, organisations.csv from `rows`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("regions.csv", "districts.csv", "area_codes.csv"):
        shutil.copy(DATA_DIR / name, folder / name)
    with open(folder / "organisations.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ORGANISATION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


# A small directory exercising every search path (Minsk oblast: Slutsk BY-MI-16 has local
# contacts, Maladziečna BY-MI-12 only a social one, Berazino BY-MI-01 nothing).
MINI_ROWS = [
    org_row("nat-112", kind="helpline", services="emergency", region="BY", phones="112; 101"),
    org_row("nat-102", kind="police", services="police;emergency", region="BY", phones="102"),
    org_row("nat-103", kind="ambulance", services="medical;emergency", region="BY", phones="103"),
    org_row(
        "by-dv-hotline-8801",
        kind="helpline",
        services="hotline;psychological",
        region="BY",
        phones="8-801-100-8-801",
        hours="8:00–20:00",
        schedule="daily 08:00-20:00",
        doubtful="true",
        status_note="Статус линии не подтверждён.",
    ),
    org_row(
        "by-dv-hotline-mvd-session",
        kind="helpline",
        services="hotline",
        region="BY",
        phones="8-801-100-8-801",
        schedule="last-thu 14:00-18:00",
    ),
    org_row("nat-psy-closed", kind="psychological", services="psychological", region="BY", phones="133", active="false"),
    org_row("mi-region-psy", kind="psychological", services="psychological", phones="8-017-311-00-99"),
    org_row("mi-slutsk-psy", kind="psychological", services="psychological", district="BY-MI-16", phones="8(01795)3-67-04"),
    org_row("mi-slutsk-psy-closed", kind="psychological", services="psychological", district="BY-MI-16", active="false"),
    org_row("mi-molod-social", district="BY-MI-12", address="г. Молодечно, ул. Примерная, 1"),
    org_row("mi-region-legal-closed", kind="legal", services="legal", active="false"),
    org_row(
        "mi-slutsk-room",
        kind="crisis_room",
        services="shelter",
        district="BY-MI-16",
        confidential="true",
        phones="2-81-22",
        public_contact="Отделение ТЦСОН",
    ),
    org_row("mi-nesvizh-social", district="BY-MI-14", lat="53.22186", lon="26.67679", address="г. Несвиж, ул. Примерная, 2"),
    org_row("br-region-social", region="BY-BR"),
]
