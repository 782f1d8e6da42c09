"""Engine and session factory.

PostgreSQL: asyncpg with a normal connection pool.

SQLite (the embedded default) is tuned for a bot whose units of work are a few tiny statements:
- WAL, foreign keys, a busy timeout on every connection;
- ONE connection, so units of work queue in asyncio (pool checkout) instead of fighting over
  SQLite's file lock with its sleep-based busy handler;
- statements run inline on the event loop instead of hopping to aiosqlite's worker thread: a
  hop costs ~0.1 ms here, a typical statement ~0.01 ms, and an update runs ~15 hops. This is
  safe because the single connection means a statement never waits for a lock held by another
  coroutine, and because the bot commits before every Telegram call (see handlers/middlewares.py),
  so a unit of work never spans network I/O. Heavy read-only queries (reports) should use
  `create_engine(url, inline=False)`, which keeps aiosqlite's thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_PREFIX = "sqlite+aiosqlite:///"


class DatabaseUnreachable(Exception):
    """The database named by DATABASE_URL cannot be used; the message says why, in a sentence."""


def create_engine(url: str, *, inline: bool = True, **kwargs: Any) -> AsyncEngine:
    # Statement parameters are people's answers: keep them out of error messages and logs.
    kwargs.setdefault("hide_parameters", True)
    if not url.startswith("sqlite"):
        kwargs.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **kwargs)
    path = url.removeprefix(SQLITE_PREFIX)
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # start-up says it in one sentence (bot/__main__.py)
            raise DatabaseUnreachable(
                f"Cannot use the database of DATABASE_URL ({url}): cannot create the folder "
                f"{Path(path).parent}: {error.strerror or error}."
            ) from error
    if inline and path != ":memory:":
        kwargs.setdefault("async_creator", partial(_connect_inline, path))
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rendering after commit must not trigger lazy loads.
    return async_sessionmaker(engine, expire_on_commit=False)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose statements run on the calling thread (the event loop).

    The worker thread still opens and closes the connection; only statement execution skips it.
    """

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


async def _connect_inline(path: str) -> aiosqlite.Connection:
    connector = partial(sqlite3.connect, path, check_same_thread=False)
    return await InlineConnection(connector, iter_chunk_size=64)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run during a write; NORMAL sync in WAL mode survives a process crash
    # (not a power cut) and avoids one fsync per update.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


async def check_reachable(engine: AsyncEngine, url_setting: str = "DATABASE_URL") -> None:
    """One round trip, so that start-up fails with a sentence instead of a traceback later."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # asyncpg, aiosqlite and OS errors alike
        cause = getattr(error, "orig", None) or error
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnreachable(
            f"Cannot use the database of {url_setting} ({where}): "
            f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else 'no detail'}."
        ) from error


class HealthProbe:
    """The database check of /healthz, on its own one-connection engine: a burst of updates
    holding the main pool must not make a busy but healthy instance look dead to the platform
    (which would restart it)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, pool_size=1, max_overflow=0)

    async def ping(self, timeout: float = 3.0) -> None:
        """Raises if the database does not answer within `timeout` seconds."""
        async with asyncio.timeout(timeout), self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()
