"""Make the repository root importable when pytest runs as `pytest` instead of `python -m pytest`."""
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
