"""The figures /metrics reads from the database at scrape time (the same for every instance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from storage.models import IN_QUEUE, DigestRun, OutboxMessage
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class OperationalFigures:
    outbox_by_status: dict[str, int]
    backlog: int  # due now and not yet delivered
    digest_runs: int


async def operational_figures(session: UnitOfWork, now: datetime) -> OperationalFigures:
    by_status = dict(
        (
            await session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
        ).all()
    )
    backlog = await session.scalar(
        select(func.count()).where(OutboxMessage.status.in_(IN_QUEUE), OutboxMessage.due_at <= now)
    )
    digests = await session.scalar(select(func.count()).select_from(DigestRun))
    return OperationalFigures(by_status, backlog or 0, digests or 0)
