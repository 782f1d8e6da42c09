"""Heavy builds asked for inside an update (a digest, an export): commit, then the worker.

The build runs on the worker's own engine (bot/jobs/worker.py) for seconds. On SQLite the bot's
engine has one connection, and the update's unit of work holds it until it commits: every
other person would wait behind the build. So what the update did so far is committed first.

Why here, in the handler layer: the update's unit of work is opened and owned by
`DbSessionMiddleware`, and services never commit (the same use case runs inside the
scheduler's units of work too). The middleware cannot commit in the middle of a handler, and
only the handler knows it is about to wait. Handing the build to `build_on_worker` is that
moment made explicit, as `CommitBeforeTelegram` does before a Bot API call; whatever the
handler writes afterwards (the digest run, the audit entry) is a second, short transaction,
committed by the middleware.
"""

from __future__ import annotations

from typing import TypeVar

from bot.jobs.worker import Build, run_on_worker
from bot.services.container import Services
from bot.views.digest import DigestPackage

T = TypeVar("T")
STALE_REBUILDS = 2


async def build_on_worker(services: Services, locale: str, build: Build[T]) -> T:
    await services.session.commit()
    return await run_on_worker(services.settings, locale, build)


async def build_fresh_package(
    services: Services, locale: str, build: Build[DigestPackage]
) -> DigestPackage:
    """A package no erasure or withdrawal overtook while it was built (built again, at most
    twice, if one did: it is sent as a direct reply, which the sender's check never sees)."""
    package = await build_on_worker(services, locale, build)
    for _ in range(STALE_REBUILDS):
        if not await services.organiser.is_stale(package.ledger_mark):
            break
        package = await build_on_worker(services, locale, build)
    return package
