"""Alembic environment, async-aware.

Two ways in: the bot passes an open connection in `config.attributes["connection"]` (so it can
migrate from inside its own event loop); the `alembic` command line gets none and opens its own.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

import storage.models  # noqa: F401  (register every table)
from storage.base import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    from bot.config import load_settings
    from storage.engine import create_engine

    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    engine = create_engine(url or load_settings().database_url)
    async with engine.begin() as connection:
        await connection.run_sync(_configure_and_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run against a database.")

given = config.attributes.get("connection")
if given is not None:
    _configure_and_run(given)
else:
    asyncio.run(_run_with_own_engine())
