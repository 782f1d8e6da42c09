"""Run heavy read-only work (spreadsheets, charts) off the bot's event loop.

Exports and digest attachments take from a few hundred milliseconds to tens of seconds of CPU.
Run on the event loop, they would freeze every conversation meanwhile (and SQLite statements run
inline there, see storage/engine.py). `run_in_worker` gives the job its own thread, event loop
and database engine (aiosqlite's threaded mode or asyncpg), and awaits the result: the bot keeps
answering people while it works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import create_engine, create_session_factory

T = TypeVar("T")


async def run_in_worker(
    database_url: str, job: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    def thread_main() -> T:
        async def main() -> T:
            engine = create_engine(database_url, inline=False)
            try:
                return await job(create_session_factory(engine))
            finally:
                await engine.dispose()

        return asyncio.run(main())

    return await asyncio.to_thread(thread_main)
