import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "directory" / "data"


@pytest.fixture(scope="session")
def resolver():
    from components.place_resolver import PlaceResolver

    return PlaceResolver.shared()


@pytest.fixture(scope="session")
def resolve(resolver):
    """text -> sorted list of (entity, value)."""

    def _resolve(text, **kw):
        return sorted((m.entity, m.value) for m in resolver.resolve(text, **kw))

    return _resolve
