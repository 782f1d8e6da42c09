"""Broadcasts and the outbox rows that deliver them (group `broadcast:<id>`).

Every status change is a compare-and-set (`UPDATE ... WHERE status = ...`) that says whether it
won, so a double tap or a second instance cannot confirm, cancel or reopen a broadcast twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import NOT_YET_SENT, Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus

ACTIVE = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)


def group_key(broadcast_id: int) -> str:
    """The outbox group of a broadcast's deliveries."""
    return f"broadcast:{broadcast_id}"


class BroadcastRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_draft(
        self, admin_id: int, body: str, media_kind: str | None, media_file_id: str | None
    ) -> Broadcast:
        broadcast = Broadcast(
            created_by=admin_id,
            status=BroadcastStatus.DRAFT,
            body=body,
            media_kind=media_kind,
            media_file_id=media_file_id,
            audience={},
            urgent=False,
            recipients=0,
        )
        self.session.add(broadcast)
        await self.session.flush()
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id)

    async def refresh(self, broadcast: Broadcast) -> None:
        """Read back what a compare-and-set just wrote."""
        await self.session.refresh(broadcast)

    async def list_active(self) -> list[Broadcast]:
        rows = await self.session.scalars(
            select(Broadcast).where(Broadcast.status.in_(ACTIVE)).order_by(Broadcast.id)
        )
        return list(rows)

    async def schedule_draft(
        self,
        broadcast_id: int,
        admin_id: int,
        *,
        due_at: datetime,
        chat_id: int,
        message_id: int,
        now: datetime,
    ) -> bool:
        """Draft → scheduled; False if it is no longer this admin's draft."""
        result = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.created_by == admin_id,
                Broadcast.status == BroadcastStatus.DRAFT,
            )
            .values(
                status=BroadcastStatus.SCHEDULED,
                due_at=due_at,
                progress_chat_id=chat_id,
                progress_message_id=message_id,
                updated_at=now,
            )
        )
        return result.rowcount == 1

    async def discard_draft(self, broadcast_id: int, admin_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.created_by == admin_id,
                Broadcast.status == BroadcastStatus.DRAFT,
            )
            .values(status=BroadcastStatus.CANCELLED, updated_at=now)
        )
        return result.rowcount == 1

    async def cancel_active(self, broadcast_id: int, now: datetime) -> bool:
        """Scheduled or sending → cancelled; False if it is neither (any more)."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status.in_(ACTIVE))
            .values(
                status=BroadcastStatus.CANCELLED,
                finished_at=now,
                updated_at=now,
                progress_held=False,
            )
        )
        return result.rowcount == 1

    async def withdraw_unsent(self, broadcast_id: int, reason: str) -> int:
        """Cancel the deliveries not yet handed to the Bot API; returns how many."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group_key(broadcast_id),
                OutboxMessage.status.in_(NOT_YET_SENT),
            )
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
        )
        return result.rowcount

    async def hold_progress(self, broadcast_id: int, held: bool) -> None:
        await self.session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(progress_held=held)
        )

    async def reopen_done(
        self, broadcast_id: int, *, chat_id: int, message_id: int, now: datetime
    ) -> bool:
        """Done → sending again, with a new progress message; False if it is not done."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.DONE)
            .values(
                status=BroadcastStatus.SENDING,
                finished_at=None,
                progress_chat_id=chat_id,
                progress_message_id=message_id,
                progress_at=None,
                progress_held=False,  # a new progress message: nothing asked on it yet
                updated_at=now,
            )
        )
        return result.rowcount == 1

    async def close_again(self, broadcast_id: int, now: datetime) -> None:
        """Back to done (a reopened broadcast that had nothing to send after all)."""
        await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(status=BroadcastStatus.DONE, finished_at=now)
        )

    async def start_round(self, broadcast_id: int, now: datetime, finished_before: int) -> None:
        await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(started_at=now, finished_before=finished_before)
        )

    async def requeue(self, broadcast_id: int, status: str, now: datetime) -> int:
        """Deliveries in `status` go back to pending, due now, as if never tried."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group_key(broadcast_id),
                OutboxMessage.status == status,
            )
            .values(
                status=OutboxStatus.PENDING,
                attempts=0,
                due_at=now,
                last_error=None,
                claimed_by=None,
                claimed_at=None,
            )
        )
        return result.rowcount

    async def deliveries_by_status(self, broadcast_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.group_key == group_key(broadcast_id))
            .group_by(OutboxMessage.status)
        )
        return {status: count for status, count in rows}

    # --- What the scheduler does: start due broadcasts, move progress, finish ---------------------

    async def list_due(self, now: datetime) -> list[Broadcast]:
        rows = await self.session.scalars(
            select(Broadcast).where(
                Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.due_at <= now
            )
        )
        return list(rows)

    async def list_sending(self) -> list[Broadcast]:
        rows = await self.session.scalars(
            select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING)
        )
        return list(rows)

    async def start(self, broadcast_id: int, now: datetime) -> bool:
        """Scheduled → sending; False if it was cancelled meanwhile or another instance won."""
        claim = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SCHEDULED)
            .values(status=BroadcastStatus.SENDING, started_at=now, progress_at=None)
        )
        return claim.rowcount == 1

    async def set_recipients(self, broadcast_id: int, count: int) -> None:
        await self.session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=count)
        )

    async def finish(self, broadcast_id: int, now: datetime) -> bool:
        """Sending → done, once (the report is enqueued by whoever wins)."""
        done = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SENDING)
            .values(
                status=BroadcastStatus.DONE, finished_at=now, progress_at=now, progress_held=False
            )
        )
        return done.rowcount == 1

    async def claim_progress_edit(self, broadcast_id: int, now: datetime, every: timedelta) -> bool:
        """Whether this instance may edit the progress message now: not while a cancel question
        is on it, and at most once per `every` across instances."""
        claim = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.status == BroadcastStatus.SENDING,
                Broadcast.progress_held.is_(False),
                or_(Broadcast.progress_at.is_(None), Broadcast.progress_at <= now - every),
            )
            .values(progress_at=now)
        )
        return claim.rowcount == 1
