"""Shared fixtures: a migrated database per test, the production dispatcher, a fake Bot API.

Storage tests run on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL too. CI sets
REQUIRE_POSTGRES=1 so that a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import storage.models  # noqa: F401  (register every table)
from bot.app import create_bot, create_dispatcher
from bot.config import Settings, load_settings
from bot.devtools.fake_api import FAKE_TOKEN, ChatDriver, FakeTelegramSession
from storage.base import Base
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
ADMIN_ID = 9001
TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)


def run_in_own_loop(coroutine) -> None:
    """Session fixtures may be first requested from inside a test's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test copies the file (much faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()

    run_in_own_loop(migrate())
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "relais.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


def _postgres_params() -> list[object]:
    if POSTGRES_URL:
        return [pytest.param("postgresql", id="postgresql")]
    if REQUIRE_POSTGRES:
        raise RuntimeError("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
    return [
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.skip("no TEST_POSTGRES_URL"))
    ]


@pytest.fixture
def redis_url() -> str:
    """A real Redis (CI sets TEST_REDIS_URL; REQUIRE_POSTGRES=1 makes its absence a failure)."""
    if not REDIS_URL:
        if REQUIRE_POSTGRES:
            raise RuntimeError("REQUIRE_POSTGRES=1 but TEST_REDIS_URL is not set")
        pytest.skip("no TEST_REDIS_URL")
    return REDIS_URL


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """A fresh schema on the PostgreSQL test database, migrated to head once per run."""
    assert POSTGRES_URL

    async def reset_and_migrate() -> None:
        engine = create_engine(POSTGRES_URL)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await upgrade_to_head(engine)
        await engine.dispose()

    run_in_own_loop(reset_and_migrate())
    return POSTGRES_URL


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"), *_postgres_params()])
async def db_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """Both engines: SQLite (a fresh copy) and PostgreSQL (tables emptied before the test)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    url = request.getfixturevalue("postgres_migrated")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    yield url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(database_url=db_url, bot_token=None, admin_ids=str(ADMIN_ID))


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine) -> AsyncIterator[App]:
    """The whole bot on each engine: every handler test runs on SQLite and PostgreSQL."""
    fake = FakeTelegramSession()
    bot = create_bot(settings, session=fake, token=FAKE_TOKEN)
    factory = create_session_factory(engine)
    dispatcher = create_dispatcher(settings, factory)
    yield App(dispatcher=dispatcher, bot=bot, fake=fake, session_factory=factory)
    await bot.session.close()


class App:
    """The production dispatcher wired to a fake Bot API and a real (SQLite) database."""

    def __init__(self, dispatcher, bot, fake: FakeTelegramSession, session_factory) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.fake = fake
        self.session_factory = session_factory

    def person(self, user_id: int = 1001, **kwargs: object) -> ChatDriver:
        return ChatDriver(self.dispatcher, self.bot, self.fake, user_id=user_id, **kwargs)  # type: ignore[arg-type]
