"""The unit of work: the one transaction an update, a job or a command-line task runs in.

Services and handlers receive it and hand it to repositories; they never run SQL and never
commit. Whoever opens a unit of work commits or rolls it back: `DbSessionMiddleware` for an
update, each job of the scheduler for its own, each command-line task for its own. Only
`storage/` (and the composition root, which builds the engine) imports SQLAlchemy: outside,
these names are the whole vocabulary.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

UnitOfWork: TypeAlias = AsyncSession
UnitOfWorkFactory: TypeAlias = async_sessionmaker[AsyncSession]
