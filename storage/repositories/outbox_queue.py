"""The outbox as the paced sender sees it: enqueue, claim, start, finish, release, recover.

The rules (pacing, retries, what a refusal means) live in bot/delivery; this module only knows
how a row moves between statuses, each move a compare-and-set so that two senders (instances)
never deliver the same row. docs/delivery.md has the guarantees. The features that own rows
withdraw their own (a cancelled broadcast or meeting, a stale digest): see broadcasts.py,
meetings.py and outbox.py next to this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import aliased

from storage.models import OutboxFile, OutboxMessage, OutboxStatus
from storage.unit_of_work import UnitOfWork

CLAIMED = OutboxStatus.CLAIMED
BULK_ROWS = 5000  # rows per INSERT of a bulk enqueue


def is_single_sender(session: UnitOfWork) -> bool:
    """On SQLite only one process can send (the embedded default): any claim found at start
    belongs to a dead process."""
    return session.bind.dialect.name == "sqlite"


class OutboxQueueRepo:
    def __init__(self, session: UnitOfWork) -> None:
        self.session = session

    # --- Enqueueing (in the caller's unit of work) ----------------------------------------------

    def add(self, message: OutboxMessage) -> None:
        self.session.add(message)

    async def add_many(self, rows: list[dict[str, Any]]) -> None:
        """Many rows as bulk inserts (a 10k broadcast: ~0.3 s)."""
        for start in range(0, len(rows), BULK_ROWS):
            await self.session.execute(insert(OutboxMessage), rows[start : start + BULK_ROWS])

    async def add_file(self, filename: str, content: bytes, now: datetime) -> int:
        file = OutboxFile(filename=filename, content=content, created_at=now)
        self.session.add(file)
        await self.session.flush()
        return file.id

    async def file(self, file_id: int) -> OutboxFile | None:
        return await self.session.get(OutboxFile, file_id)

    # --- Claiming and delivering -----------------------------------------------------------------

    async def claim(
        self, now: datetime, limit: int, sender: str, *, urgent_only: bool
    ) -> list[OutboxMessage]:
        """Due rows, in id order, that no earlier row to the same chat is holding back (in
        flight or waiting for its retry); marked claimed by `sender` and detached."""
        earlier = aliased(OutboxMessage)
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.due_at <= now,
                ~select(earlier.id)
                .where(
                    earlier.recipient_id == OutboxMessage.recipient_id,
                    earlier.id < OutboxMessage.id,
                    or_(
                        earlier.status.in_((CLAIMED, OutboxStatus.SENDING)),
                        and_(earlier.status == OutboxStatus.PENDING, earlier.due_at > now),
                    ),
                )
                .exists(),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if urgent_only:
            query = query.where(OutboxMessage.urgent)
        if self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(await self.session.scalars(query))
        if not rows:
            return []
        await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_([row.id for row in rows]),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(status=CLAIMED, claimed_by=sender, claimed_at=now)
        )
        for row in rows:
            self.session.expunge(row)
        return rows

    async def start_sending(self, message_id: int, sender: str) -> bool:
        """Claimed → sending, if it is still ours (a cancellation may have withdrawn it)."""
        started = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == CLAIMED,
                OutboxMessage.claimed_by == sender,
            )
            .values(status=OutboxStatus.SENDING)
        )
        return started.rowcount == 1

    async def delete(self, message_id: int) -> None:
        await self.session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))

    async def cancel(self, message_id: int, reason: str) -> None:
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
        )

    async def finish(
        self,
        message_id: int,
        status: str,
        error: str | None,
        *,
        count_attempt: bool,
        due_at: datetime | None = None,
        sent_at: datetime | None = None,
        maybe_delivered: bool = False,
        strip_content: bool = False,
    ) -> None:
        """Sending → `status`. `due_at`: back to the queue for a retry at that time;
        `strip_content`: a digest's or pre-read's content goes once it is finished."""
        values: dict[str, Any] = {"status": status, "last_error": error}
        if maybe_delivered:
            values["maybe_delivered"] = True
        if sent_at is not None:
            values["sent_at"] = sent_at
        if due_at is not None:
            values.update(due_at=due_at, claimed_by=None, claimed_at=None)
        if count_attempt:
            values["attempts"] = OutboxMessage.attempts + 1
        if strip_content:
            values.update(payload={"method": "removed"}, file_id=None, ledger_mark=None)
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING)
            .values(**values)
        )

    async def release(self, message_ids: list[int], status: str, error: str | None) -> None:
        """Claimed rows not started go to `status` (not the ones cancelled meanwhile)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == CLAIMED)
            .values(status=status, last_error=error, claimed_by=None, claimed_at=None)
        )

    async def release_claims_of(self, sender: str) -> int:
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == CLAIMED, OutboxMessage.claimed_by == sender)
            .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
        )
        return result.rowcount

    async def recover(self, claimed_before: datetime, interrupted_error: str) -> None:
        """Claims older than `claimed_before` go back to pending; rows left in a Bot API call
        become `unknown` (they may have been delivered: never sent again)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == CLAIMED, OutboxMessage.claimed_at < claimed_before)
            .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
        )
        await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_at < claimed_before,
            )
            .values(status=OutboxStatus.UNKNOWN, last_error=interrupted_error, maybe_delivered=True)
        )

    async def anything_waiting(self) -> bool:
        """Rows pending or claimed, due or not (waiting for a retry or a backoff)."""
        waiting = await self.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.status.in_((OutboxStatus.PENDING, CLAIMED)))
            .limit(1)
        )
        return waiting is not None
