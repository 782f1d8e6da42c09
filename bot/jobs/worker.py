"""Run heavy read-only work (spreadsheets, charts, pre-reads) off the bot's event loop.

Exports and digest attachments take from a few hundred milliseconds to tens of seconds of CPU.
Run on the event loop, they would freeze every conversation meanwhile (and SQLite statements run
inline there, see storage/engine.py). `run_on_worker` gives the work its own thread, event loop
and database engine (aiosqlite's threaded mode or asyncpg), opens one unit of work on it, and
awaits the result: the bot keeps answering people while it works.

The caller must not hold a transaction of its own while it waits (on SQLite the bot's engine
has one connection): the scheduler calls it between its units of work; a handler goes through
handlers/heavy_builds.py, which commits the update's first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.config import Settings
from bot.i18n import use_locale
from storage.engine import create_engine, create_session_factory
from storage.unit_of_work import UnitOfWork

T = TypeVar("T")
Build = Callable[[UnitOfWork], Awaitable[T]]


async def run_on_worker(settings: Settings, locale: str, build: Build[T]) -> T:
    """What `build` makes of one read-only unit of work on the worker's own engine, translated
    in `locale`."""

    async def main() -> T:
        engine = create_engine(settings.database_url, inline=False)
        try:
            async with create_session_factory(engine)() as uow:
                with use_locale(locale, settings.default_locale):
                    return await build(uow)
        finally:
            await engine.dispose()

    def thread_main() -> T:
        return asyncio.run(main())

    return await asyncio.to_thread(thread_main)
