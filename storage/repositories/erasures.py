"""The erasure ledger: keyed hashes of erased people, replayed after a backup restore."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models import ErasureLedger
from storage.repositories.outbox import OutboxRepo


class LedgerRepo:
    """The erasure ledger: what was erased or withdrawn, without personal data."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, kind: str, ref: str, at: datetime | None = None) -> None:
        """Record an erasure or a withdrawal. On PostgreSQL the table is locked until commit, so
        entries commit in id order: a package that saw entry N saw every entry before it."""
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(
                text("LOCK TABLE erasure_ledger IN SHARE ROW EXCLUSIVE MODE")
            )
        entry = ErasureLedger(kind=kind, ref=ref, at=at or utcnow())
        self.session.add(entry)
        await self.session.flush()
        await OutboxRepo(self.session).withdraw_stale_packages(entry.id)

    async def latest_id(self) -> int:
        """The newest entry's id (0 when empty): what a digest's content had seen."""
        return int(await self.session.scalar(select(func.max(ErasureLedger.id))) or 0)

    async def all(self) -> list[ErasureLedger]:
        return list(await self.session.scalars(select(ErasureLedger).order_by(ErasureLedger.id)))

    async def refs(self, kind: str) -> set[str]:
        return set(
            await self.session.scalars(select(ErasureLedger.ref).where(ErasureLedger.kind == kind))
        )
