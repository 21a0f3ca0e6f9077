"""The spatial index finds exactly what a brute-force scan finds, and never a confidential place."""
from __future__ import annotations

import random

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench.directory_lookup import generate
from directory import HELP_TYPES, open_directory
from directory.load import load
from directory.models import OrganisationRow
from directory.snapshot import km


def test_nearest_matches_brute_force(tmp_path):
    rng = random.Random(3)
    generate(tmp_path, 600, rng)
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    assert load(tmp_path, url).ok
    engine = create_engine(url, future=True)
    with Session(engine, future=True) as session:
        rows = [(r.id, r.lat, r.lon, r.confidential, {s.service for s in r.services})
                for r in session.scalars(select(OrganisationRow))]
    engine.dispose()
    directory = open_directory(url)
    for _ in range(200):
        help_type = rng.choice([h for h in HELP_TYPES if h != "emergency"])
        lat, lon = rng.uniform(51.3, 56.1), rng.uniform(23.2, 32.7)
        expected = sorted(
            (km(lat, lon, rlat, rlon), rid) for rid, rlat, rlon, secret, services in rows
            if rlat is not None and not secret and help_type in services
        )[:3]
        got = directory.nearest_public(help_type, lat, lon, limit=3)
        assert [c.id for c, _ in got] == [rid for _, rid in expected]
        assert all(not c.confidential and c.address for c, _ in got)
