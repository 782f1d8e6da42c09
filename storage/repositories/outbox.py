"""Outbox queries that are about privacy and housekeeping (the sender's own are in bot/delivery)."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    IN_QUEUE,
    NOT_YET_SENT,
    DigestRun,
    OutboxFile,
    OutboxMessage,
    OutboxStatus,
    PrereadRun,
)

PACKAGE_KINDS = ("digest", "preread")  # outbox kinds whose content is read from contributions
FINISHED = ("sent", "failed", "blocked", "cancelled", "unknown")


class OutboxRepo:
    """Outbox queries that are about privacy rather than pacing (bot/delivery/ has those)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def withdraw_package(self, group: str, reason: str) -> int:
        """Withdraw what is left of a digest or pre-read whose content went stale, and give its
        period back to the scheduler (so it is built again) unless part of it was delivered."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group,
                OutboxMessage.status.in_(IN_QUEUE),
            )
            .values(
                status="cancelled",
                last_error=reason,
                claimed_by=None,
                payload={"method": "removed"},
                file_id=None,
                ledger_mark=None,
            )
        )
        delivered = await self.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.group_key == group, OutboxMessage.status == "sent")
            .limit(1)
        )
        if delivered is None:
            kind, _, ref = group.partition(":")
            if kind == "digest" and ref.isdigit():
                await self.session.execute(delete(DigestRun).where(DigestRun.id == int(ref)))
            elif kind == "preread" and ref.isdigit():
                await self.session.execute(
                    delete(PrereadRun).where(PrereadRun.meeting_id == int(ref))
                )
        await self.delete_unused_files()
        return result.rowcount

    async def withdraw_stale_packages(self, mark: int) -> int:
        """Every digest or pre-read not yet delivered whose content was read before ledger
        entry `mark`: withdrawn now (and built again by the scheduler), in the erasure's own
        transaction, so no copy of the erased content waits in the outbox."""
        groups = set(
            await self.session.scalars(
                select(OutboxMessage.group_key).where(
                    OutboxMessage.kind.in_(PACKAGE_KINDS),
                    OutboxMessage.status.in_(NOT_YET_SENT),
                    OutboxMessage.ledger_mark < mark,
                )
            )
        )
        for group in groups:
            await self.withdraw_package(group or "", "content erased or withdrawn; rebuilt")
        return len(groups)

    async def strip_finished_packages(self) -> int:
        """Digests and pre-reads keep their content only until delivered (or given up on)."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.kind.in_(PACKAGE_KINDS),
                OutboxMessage.status.in_(FINISHED),
                or_(OutboxMessage.file_id.is_not(None), OutboxMessage.ledger_mark.is_not(None)),
            )
            .values(payload={"method": "removed"}, file_id=None, ledger_mark=None)
        )
        await self.delete_unused_files()
        return result.rowcount

    async def recipients_of(self, group: str) -> set[int]:
        """Who a group of messages (e.g. a reminder wave) reached or still will: every
        recipient whose message was not withdrawn."""
        return set(
            await self.session.scalars(
                select(OutboxMessage.recipient_id).where(
                    OutboxMessage.group_key == group,
                    OutboxMessage.status != OutboxStatus.CANCELLED,
                )
            )
        )

    async def delete_unused_files(self) -> int:
        used = select(OutboxMessage.id).where(OutboxMessage.file_id == OutboxFile.id).exists()
        result = await self.session.execute(delete(OutboxFile).where(~used))
        return result.rowcount
