"""Where the directory database lives and how to connect to it.

The bot opens SQLite files read-only (so a running assistant can never alter the directory) and
without a connection pool, so each query sees the file the loader last renamed into place.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"
ENV_VAR = "DIRECTORY_DATABASE_URL"
_DEFAULT_URL = f"sqlite:///{REPO_ROOT / 'var' / 'directory.sqlite'}"  # built once: asked on every reply
LOCK_TIMEOUT_SECONDS = 2.0


def default_database_url() -> str:
    """$DIRECTORY_DATABASE_URL, else the SQLite file var/directory.sqlite in the repository."""
    return os.environ.get(ENV_VAR) or _DEFAULT_URL


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def safe_url(url: str) -> str:
    """URL for messages: password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def read_engine(url: str, timeout: float = LOCK_TIMEOUT_SECONDS) -> Engine:
    """Engine for queries: read-only and never creating a missing SQLite file. `timeout` is how
    long a SQLite read waits for a writer (the usage counters, a loader) to finish."""
    path = sqlite_file(url)
    if path is None:  # a server (PostgreSQL): pooled connections are checked, so a restart heals by itself
        return create_engine(url, future=True, pool_pre_ping=True)
    uri = path.resolve().as_uri() + "?mode=ro"

    def connect() -> sqlite3.Connection:
        # A locked file (a loader mid-write outside the rename path, a stuck process) fails fast:
        # the bot then answers with the safety net instead of keeping a person waiting.
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)

    return create_engine("sqlite://", creator=connect, poolclass=NullPool, future=True)


def write_engine(url: str) -> Engine:
    """Engine for the loader."""
    if sqlite_file(url) is not None:
        return create_engine(url, poolclass=NullPool, future=True)
    return create_engine(url, future=True, pool_pre_ping=True)
