"""A SQL tracker store that can forget (safety rule 2: conversations can be erased and expire).

Rasa 3.6's ``SQLTrackerStore`` can only add events. This subclass adds ``delete`` (one
conversation, for "erase" in Telegram and the website's quick exit) and ``purge`` (every
conversation silent for longer than a given age, for retention). Configure it in endpoints.yml:

    tracker_store:
      type: safety.tracker_store.PrivateSQLTrackerStore
      dialect: sqlite
      db: var/tracker.sqlite
      retention_hours: 24        # conversations silent longer than this are deleted …
      purge_every_minutes: 60    # … by a task inside the server, this often (0 = never)
      sqlite_synchronous: normal # SQLite only: "normal" (default) or "full"; see below

Per-turn cost (measured with py-spy over served conversations, Rasa 3.6's SQLTrackerStore on
SQLite: 31 % of the Rasa server's CPU time in the tracker store), fixed at the cause:

- Rasa opens SQLite with SQLAlchemy's ``NullPool``: a new database connection for every
  retrieve and every save. Here one engine keeps its connections (``QueuePool``).
- Every save committed with a full ``fsync`` of the rollback journal (9.6 %). SQLite runs in WAL
  mode with ``synchronous=NORMAL``: a commit appends to the write-ahead log and is durable at the
  next checkpoint. A power cut can lose the last moments of conversations; it cannot corrupt the
  database. ``sqlite_synchronous: full`` restores an fsync per commit.
- Every save first counted the conversation's stored events with a query over the latest session
  (7.4 %), only to know which events are new. The count is remembered from the last retrieve or
  save in this process together with the conversation's newest event id; a save checks that id
  with one indexed ``max(id)`` query and falls back to Rasa's count whenever anything else (another
  server process, an erase, a new session) wrote in between.
- On SQLite, retrieve and save run these same statements (compiled once by SQLAlchemy) on the
  pooled DB-API connection directly: SQLAlchemy's session and result machinery per statement
  was over half of the store's remaining cost (py-spy: 18 % of the server's CPU per turn in the
  store before, with 5 % in ``Session.execute`` alone). Stored rows are unchanged (tested
  against Rasa's own store); stored JSON is read with orjson (same values).
- Erasing and purging overwrite the deleted rows (``secure_delete``) and truncate the
  write-ahead log, so an erased conversation does not linger in the database files.

PostgreSQL (several Rasa servers sharing one store, docs/SCALING.md): set ``TRACKER_STORE_URL``
(e.g. ``postgresql://dvhelp:…@127.0.0.1:5432/dvhelp``; it replaces ``dialect``/``db``, and keeps
the password out of endpoints.yml). There:

- A DELETE only marks rows dead, and a plain VACUUM only marks their space free: the text stays
  in the table's pages until overwritten (read with ``pageinspect``'s ``get_raw_page``, tested).
  So erase and purge end with ``VACUUM FULL events``, which writes the live rows into new files
  and drops the old ones. It locks the table for the rewrite (0.2–0.5 s for ~10 000 events on
  a loaded 2-core machine, bench/topology.py; it grows with the table, docs/SCALING.md); erases
  arriving meanwhile share the next one.
  The write-ahead log keeps the text until PostgreSQL recycles its segments (after a checkpoint)
  and backups keep it for as long as they are kept: docs/SCALING.md says how to bound both.
- Connections are checked before use (``pool_pre_ping``), so after a restart of PostgreSQL the
  next turn reconnects instead of failing on a dead pooled connection; while it is down Rasa's
  ``FailSafeTrackerStore`` answers from memory. The pool is small (``SQL_POOL_SIZE``, default 5:
  the store is called synchronously from one event loop, so one connection is busy at a time).
- The remembered count is safe with several servers: the lock store lets one server at a time
  handle a conversation, and a save trusts the count only when the conversation's newest event
  id is still the one this process saw (tested with two stores writing alternately).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import time
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Text, Tuple

import orjson
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import delete, func, select

logger = logging.getLogger(__name__)


def json_loads(text: str) -> Any:
    """``json.loads``'s meaning (NaN and Infinity included: Rasa's ``json.dumps`` writes them),
    orjson's speed."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


SYNCHRONOUS = {"normal": "NORMAL", "full": "FULL"}
URL_ENV = "TRACKER_STORE_URL"  # a full SQLAlchemy URL; replaces dialect/db of endpoints.yml


class _Stored(NamedTuple):
    """What this process last knew was stored for a conversation's latest session."""

    newest_id: Optional[int]  # the newest event id of the conversation, any session
    events: int  # events in the latest session (what Rasa's count query returns)
    session_start: Optional[float]  # timestamp of its latest SessionStarted, if any


class PrivateSQLTrackerStore(SQLTrackerStore):
    REMEMBERED_CONVERSATIONS = 10_000  # a few ints each
    engine: Any  # Rasa's engine, replaced by a pooled one (below)

    def __init__(
        self,
        *args: Any,
        retention_hours: float = 24,
        purge_every_minutes: float = 60,
        sqlite_synchronous: str = "normal",
        **kwargs: Any,
    ) -> None:
        if os.environ.get(URL_ENV):
            kwargs["host"] = os.environ[URL_ENV]  # Rasa uses a host containing "://" as the URL
        super().__init__(*args, **kwargs)
        self._scrub_lock = asyncio.Lock()
        self._deleted, self._scrubbed = 0, 0  # erases/purges so far, and how many a VACUUM FULL covered
        self.retention_seconds = float(retention_hours) * 3600
        self.purge_every_seconds = float(purge_every_minutes) * 60
        self._purging: Optional[asyncio.Task] = None
        self._stored: "OrderedDict[Text, _Stored]" = OrderedDict()
        self._statements()
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            if str(sqlite_synchronous).lower() not in SYNCHRONOUS:
                raise ValueError(f"sqlite_synchronous must be one of {sorted(SYNCHRONOUS)}")
            self._use_sqlite_pool(SYNCHRONOUS[str(sqlite_synchronous).lower()])
            self._raw_sql = {
                name: self._compiled(statement)
                for name, statement in (("latest_session", self._latest_session_query), ("newest_id", self._newest_id_query))
            }
            self._raw_insert = self._compiled(
                self._insert.values(
                    sender_id=sa.bindparam("sender_id"),
                    type_name=sa.bindparam("type_name"),
                    timestamp=sa.bindparam("timestamp"),
                    intent_name=sa.bindparam("intent_name"),
                    action_name=sa.bindparam("action_name"),
                    data=sa.bindparam("data"),
                )
            )
        else:
            self._raw_sql = {}
        if self.engine.dialect.name == "postgresql":
            self._use_postgresql_pool()

    def _use_postgresql_pool(self) -> None:
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        kwargs = {
            **create_engine_kwargs(url),
            "pool_pre_ping": True,
            "pool_size": int(os.environ.get("SQL_POOL_SIZE", 5)),
            "max_overflow": int(os.environ.get("SQL_MAX_OVERFLOW", 10)),
        }
        self.engine = sa.create_engine(url, **kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _use_sqlite_pool(self, synchronous: str) -> None:
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8, connect_args={"check_same_thread": False}
        )

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _statements(self) -> None:
        """Rasa's queries as SQLAlchemy Core statements, built once (the ORM built and compiled a
        query and loaded ORM objects for every retrieve and save: 8 % of the server's CPU)."""
        table = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(table.c.timestamp).label("session_start"))
            .where(table.c.sender_id == sender, table.c.type_name == SessionStarted.type_name)
            .subquery()
        )
        # = SQLTrackerStore._event_query(..., fetch_events_from_all_sessions=False)
        self._latest_session_query = (
            sa.select(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
            .where(
                table.c.sender_id == sender,
                sa.or_(table.c.timestamp >= session_start.c.session_start, session_start.c.session_start.is_(None)),
            )
            .order_by(table.c.id)
        )
        self._newest_id_query = sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sender)
        self._insert = table.insert()

    def _compiled(self, statement: Any) -> Tuple[str, Sequence[str], Dict[str, Any]]:
        """SQL text, the order of its parameters and their fixed values, as SQLAlchemy would
        send them to sqlite3."""
        compiled = statement.compile(dialect=self.engine.dialect)
        return str(compiled), tuple(compiled.positiontup), dict(compiled.params)

    @contextlib.contextmanager
    def _raw_connection(self) -> Iterator[Any]:
        """A pooled DB-API connection; committed by the caller, rolled back on error, returned."""
        connection = self.engine.raw_connection()
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    def _raw(self, connection: Any, name: str, params: Dict[str, Any]) -> List[Any]:
        sql, order, fixed = self._raw_sql[name]
        values = {**fixed, **params}
        return connection.execute(sql, [values[key] for key in order]).fetchall()

    def _truncate_log(self, session: Any) -> None:
        if self.engine.dialect.name == "sqlite":
            session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))

    async def _scrub(self) -> None:
        """PostgreSQL: rewrite the table so deleted rows leave its files (see the module docstring).
        One rewrite covers every delete before it started, so concurrent erases share one."""
        if self.engine.dialect.name != "postgresql":
            return
        self._deleted += 1
        wanted = self._deleted
        async with self._scrub_lock:
            if self._scrubbed >= wanted:
                return  # a rewrite that started after this delete already ran
            covered = self._deleted
            await asyncio.get_running_loop().run_in_executor(None, self._vacuum_full)
            self._scrubbed = covered

    def _vacuum_full(self) -> None:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f"VACUUM FULL {self.SQLEvent.__tablename__}"))

    # --- what this process knows was stored ------------------------------------------------

    def _newest_id(self, session: Any, sender_id: Text) -> Optional[int]:
        if self._raw_sql and not isinstance(session, sa.orm.Session):
            return self._raw(session, "newest_id", {"sender_id": sender_id})[0][0]
        return session.execute(self._newest_id_query, {"sender_id": sender_id}).scalar()

    def _remember(self, sender_id: Text, stored: _Stored) -> None:
        self._stored[sender_id] = stored
        self._stored.move_to_end(sender_id)
        while len(self._stored) > self.REMEMBERED_CONVERSATIONS:
            self._stored.popitem(last=False)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if self._raw_sql:
            with self._raw_connection() as connection:
                rows = self._raw(connection, "latest_session", {"sender_id": sender_id})
                connection.commit()
        else:
            with self.session_scope() as session:
                rows = [tuple(row) for row in session.execute(self._latest_session_query, {"sender_id": sender_id})]
        # rows: (id, type_name, timestamp, data)
        starts = [row[2] for row in rows if row[1] == SessionStarted.type_name]
        self._remember(sender_id, _Stored(rows[-1][0] if rows else None, len(rows), max(starts) if starts else None))
        events = [json_loads(row[3]) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Rasa's, without its count query when this process knows the stored count."""
        known = self._stored.get(tracker.sender_id)
        if known is None or self._newest_id(session, tracker.sender_id) != known.newest_id:
            self._stored.pop(tracker.sender_id, None)
            if not isinstance(session, sa.orm.Session):  # Rasa's count needs an ORM session
                with self.session_scope() as orm_session:
                    return iter(list(super()._additional_events(orm_session, tracker)))
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, known.events, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``SQLTrackerStore.save`` (same rows, one multi-row insert), remembering what it stored."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self._raw_connection() if self._raw_sql else self.session_scope() as session:
            new = list(self._additional_events(session, tracker))
            known = self._stored.get(sender_id)  # dropped by _additional_events if it was stale
            added = []
            for event in new:
                data = event.as_dict()
                added.append(
                    {
                        "sender_id": sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if added and self._raw_sql:
                sql, order, _ = self._raw_insert
                session.executemany(sql, [[row[key] for key in order] for row in added])
                newest = self._newest_id(session, sender_id)
            elif added:
                session.execute(self._insert, added)
                newest = self._newest_id(session, sender_id)
            else:
                newest = known.newest_id if known else None
            session.commit()
        if known is not None and all(
            row["type_name"] != SessionStarted.type_name
            and row["timestamp"] is not None
            and (known.session_start is None or row["timestamp"] >= known.session_start)
            for row in added
        ):
            self._remember(sender_id, _Stored(newest, known.events + len(added), known.session_start))
        else:
            self._stored.pop(sender_id, None)  # the next save counts in the database
        logger.debug("Tracker stored to database")

    def _ensure_purge_task(self) -> None:
        """Start the retention loop inside the server's event loop, on first use."""
        if self._purging is None and self.purge_every_seconds > 0:
            self._purging = asyncio.get_running_loop().create_task(self._purge_forever())

    async def _purge_forever(self) -> None:
        while True:
            try:
                await self.purge(self.retention_seconds)
            except Exception as error:  # a failed purge must never take the server down
                logger.error("retention purge failed: %s", type(error).__name__)
            await asyncio.sleep(self.purge_every_seconds)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._ensure_purge_task()
        return await super().retrieve(sender_id)

    async def delete(self, sender_id: Text) -> int:
        """Delete every event of one conversation; returns how many were deleted."""
        self._stored.pop(sender_id, None)
        with self.session_scope() as session:
            result = session.execute(delete(self.SQLEvent).where(self.SQLEvent.sender_id == sender_id))
            session.commit()
            self._truncate_log(session)
        if result.rowcount:
            await self._scrub()
        # The count only: a conversation id is never logged.
        logger.info("erased one conversation (%d events)", result.rowcount)
        return result.rowcount

    async def purge(self, older_than_seconds: float, now: Optional[float] = None) -> int:
        """Delete conversations whose latest event is older than ``older_than_seconds``;
        returns how many conversations were deleted."""
        cutoff = (now if now is not None else time.time()) - older_than_seconds
        with self.session_scope() as session:
            stale = (
                select(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(func.max(self.SQLEvent.timestamp) < cutoff)
            )
            senders = list(session.scalars(stale))
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                session.execute(delete(self.SQLEvent).where(self.SQLEvent.sender_id.in_(chunk)))
            session.commit()
            if senders:
                self._truncate_log(session)
        if senders:
            await self._scrub()
        for sender in senders:
            self._stored.pop(sender, None)
        logger.info("purged %d conversations older than %.0f s", len(senders), older_than_seconds)
        return len(senders)
