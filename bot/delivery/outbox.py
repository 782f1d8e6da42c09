"""The one delivery engine, first half: the outbox.

Everything that is not a direct reply (digests, reminders, pre-reads, broadcasts and their
reports) is enqueued with `Outbox` in the caller's unit of work, so a message exists if and only
if the work that produced it was committed. `PacedSender` (bot/delivery/sender.py) delivers it;
docs/delivery.md has the guarantees.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram.exceptions import TelegramNetworkError
from aiogram.types import InlineKeyboardMarkup
from aiohttp import ClientError

from storage.base import Clock, utcnow
from storage.models import OutboxMessage, OutboxStatus
from storage.repositories.outbox_queue import OutboxQueueRepo
from storage.unit_of_work import UnitOfWork

MAX_ATTEMPTS = 5
ADMIN_KINDS = ("report", "notice")
# No answer came back: Telegram may have delivered the message (see docs/delivery.md).
NO_ANSWER = (TelegramNetworkError, TimeoutError, ClientError, OSError)
RECIPIENT_ERASED = "recipient erased"  # broadcast reports, notices of failed jobs
CLAIM_LEASE = timedelta(minutes=5)


class Outbox:
    """Enqueue messages in the caller's unit of work (never commits)."""

    def __init__(self, session: UnitOfWork, clock: Clock = utcnow) -> None:
        self.queue = OutboxQueueRepo(session)
        self.clock = clock

    async def add_file(self, filename: str, content: bytes) -> int:
        return await self.queue.add_file(filename, content, self.clock())

    def text(
        self,
        recipient: int,
        text: str,
        *,
        kind: str,
        group: str | None = None,
        reply_markup: InlineKeyboardMarkup | None = None,
        due_at: datetime | None = None,
        urgent: bool = False,
        ledger_mark: int | None = None,
    ) -> None:
        """`ledger_mark`: for digests and pre-reads, the last erasure-ledger entry their content
        had seen (the sender withdraws them if a later entry exists)."""
        payload: dict[str, Any] = {"method": "message", "text": text}
        if reply_markup is not None:
            payload["reply_markup"] = reply_markup.model_dump(exclude_none=True)
        self._add(recipient, payload, kind, group, None, due_at, urgent, ledger_mark)

    def file(
        self,
        recipient: int,
        file_id: int,
        *,
        as_photo: bool = False,
        caption: str | None = None,
        kind: str,
        group: str | None = None,
        due_at: datetime | None = None,
        ledger_mark: int | None = None,
    ) -> None:
        payload = {"method": "photo" if as_photo else "document", "caption": caption}
        self._add(recipient, payload, kind, group, file_id, due_at, ledger_mark=ledger_mark)

    async def many(
        self,
        recipients: list[int],
        payload: dict[str, Any],
        *,
        kind: str,
        group: str,
        urgent: bool = False,
    ) -> None:
        """The same payload to many people, as bulk inserts (a 10k broadcast: ~0.3 s)."""
        now = self.clock()
        rows = [
            {
                "recipient_id": recipient,
                "kind": kind,
                "group_key": group,
                "payload": payload,
                "due_at": now,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "urgent": urgent,
                "created_at": now,
            }
            for recipient in recipients
        ]
        await self.queue.add_many(rows)

    def _add(
        self,
        recipient: int,
        payload: dict[str, Any],
        kind: str,
        group: str | None,
        file_id: int | None,
        due_at: datetime | None,
        urgent: bool = False,
        ledger_mark: int | None = None,
    ) -> None:
        now = self.clock()
        self.queue.add(
            OutboxMessage(
                ledger_mark=ledger_mark,
                recipient_id=recipient,
                kind=kind,
                group_key=group,
                payload=payload,
                file_id=file_id,
                due_at=due_at or now,
                status=OutboxStatus.PENDING,
                attempts=0,
                urgent=urgent,
                created_at=now,
            )
        )
