"""The unit of work: the one transaction an update, a job or a command-line task runs in.

Services and handlers receive it and hand it to repositories; they never run SQL and never
commit. Whoever opens a unit of work commits or rolls it back: `DbSessionMiddleware` for an
update, each job of the scheduler for its own, each command-line task for its own. Only
`storage/` imports SQLAlchemy (storage/engine.py builds the engine for the entry points):
outside, these names are the whole vocabulary.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

UnitOfWork: TypeAlias = AsyncSession
UnitOfWorkFactory: TypeAlias = async_sessionmaker[AsyncSession]


class AlreadyClaimed(Exception):
    """Another unit of work (maybe another instance) claimed the same piece of work first: its
    claim row has the same unique key."""


async def insert_claim(session: UnitOfWork, row: object) -> None:
    """Stage a claim row and flush it now, so that a concurrent claim fails here, before any work
    is enqueued in this unit of work. The caller's transaction must then be rolled back.

    The flush writes everything pending: call it before staging anything else that could break
    a unique key, or that row's conflict would read as "already claimed"."""
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as error:
        raise AlreadyClaimed(type(row).__name__) from error
