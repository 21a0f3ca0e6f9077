"""What a load would change: the rows of two directory databases compared by id.

Used by `python -m directory.load` to show the operator the change before (or instead of, with
`--dry-run`) applying it. Addresses of confidential rows are not printed (they cannot be in a
valid database anyway); changed fields are named, with old → new values for short fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine

from .models import DistrictRow, OrganisationPhoneRow, OrganisationRow, OrganisationServiceRow, RegionRow

SKIP = {"position"}


@dataclass
class Diff:
    added: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    changed: List[Tuple[str, List[str]]] = field(default_factory=list)
    place_names_changed: bool = False
    notes: List[str] = field(default_factory=list)  # e.g. columns the old database did not have yet

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> List[str]:
        out = [f"+ {key}" for key in self.added] + [f"- {key}" for key in self.removed]
        out += [f"~ {key}: {'; '.join(fields)}" for key, fields in self.changed]
        return out or ["no changes"]


def _snapshot(engine: Engine, missing: List[str]) -> Dict[str, Dict[str, dict]]:
    """Rows by kind and key. Columns the database lacks (built by an older loader) are left out
    and named in `missing`."""
    if not inspect(engine).has_table("organisations"):
        return {"region": {}, "district": {}, "organisation": {}}
    with engine.connect() as connection:

        def rows(model: Any) -> Dict[str, dict]:  # a table class of directory.models
            key = "code" if model is RegionRow else "id"
            table = model.__table__
            present = {c["name"] for c in inspect(connection).get_columns(table.name)}
            missing.extend(f"{table.name}.{c.name}" for c in table.columns if c.name not in present)
            columns = [c for c in table.columns if c.name in present]
            return {
                r[key]: {k: v for k, v in r.items() if k not in SKIP}
                for r in (dict(m) for m in connection.execute(select(*columns)).mappings())
            }

        organisations = rows(OrganisationRow)
        for r in connection.execute(select(OrganisationServiceRow.__table__)).mappings():
            organisations[r["organisation_id"]].setdefault("services", []).append(r["service"])
        for r in connection.execute(select(OrganisationPhoneRow.__table__).order_by("position")).mappings():
            organisations[r["organisation_id"]].setdefault("phones", []).append(r["display"])
        return {"region": rows(RegionRow), "district": rows(DistrictRow), "organisation": organisations}


def _short(value: object) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def diff(old: Engine, new: Engine) -> Diff:
    missing: List[str] = []
    before, after = _snapshot(old, missing), _snapshot(new, [])
    result = Diff()
    if missing:
        result.notes.append(
            f"New column(s) the current database does not have yet: {', '.join(missing)} "
            "(the load adds them; not listed per row)."
        )
    for kind in ("region", "district", "organisation"):
        a, b = before[kind], after[kind]
        result.added += [f"{kind} {k}" for k in sorted(b.keys() - a.keys())]
        result.removed += [f"{kind} {k}" for k in sorted(a.keys() - b.keys())]
        for key in sorted(a.keys() & b.keys()):
            fields = []
            for name in sorted(set(a[key]) | set(b[key])):
                if a[key] and name not in a[key] and f"{kind}s.{name}" in missing:
                    continue
                old_value, new_value = a[key].get(name), b[key].get(name)
                if isinstance(old_value, list):
                    old_value, new_value = sorted(old_value), sorted(new_value or [])
                if old_value != new_value:
                    fields.append(f"{name}: {_short(old_value)} → {_short(new_value)}")
                    if kind != "organisation" and name.startswith(("name_", "centre_")):
                        result.place_names_changed = True
            if fields:
                result.changed.append((f"{kind} {key}", fields))
        if kind != "organisation" and (a.keys() ^ b.keys()):
            result.place_names_changed = True
    return result
