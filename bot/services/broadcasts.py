"""Broadcasts: an admin's message, its audience, its schedule, and how its delivery is going.

Life of a broadcast: `draft` (composed, audience being chosen) → `scheduled` (confirmed; due now
or later) → `sending` (the scheduler resolved the audience and enqueued one outbox row per
recipient, group `broadcast:<id>`) → `done` (nothing waiting; the report is enqueued), or
`cancelled` at any point before `done` (rows not yet sent are withdrawn; a message already in a
Bot API call finishes). Every status change is a compare-and-set, so a double tap or a second
instance cannot confirm, start or finish a broadcast twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audience import Audience, count_audience
from bot.services.meetings import parse_date, parse_time
from storage.base import utcnow
from storage.models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus

MAX_SCHEDULE_AHEAD = timedelta(days=90)
PROGRESS_EVERY = timedelta(seconds=3)  # at most one progress edit this often
ACTIVE = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)
WAITING = (OutboxStatus.PENDING, "claimed", OutboxStatus.SENDING)


def group_key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def broadcast_payload(broadcast: Broadcast) -> dict[str, Any]:
    """What the sender (and the preview) sends: the admin's own formatting, their file."""
    if broadcast.media_kind:
        return {
            "method": broadcast.media_kind,
            "media": broadcast.media_file_id,
            "caption": broadcast.body or None,
        }
    return {"method": "message", "text": broadcast.body}


@dataclass(frozen=True)
class DeliveryCounts:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    cancelled: int = 0
    unknown: int = 0  # the call may have delivered it: see OutboxStatus.UNKNOWN
    waiting: int = 0  # pending, claimed or in a Bot API call

    @property
    def finished(self) -> int:
        return self.sent + self.blocked + self.failed + self.cancelled + self.unknown

    @property
    def total(self) -> int:
        return self.finished + self.waiting


async def delivery_counts(session: AsyncSession, broadcast_id: int) -> DeliveryCounts:
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.group_key == group_key(broadcast_id))
        .group_by(OutboxMessage.status)
    )
    by_status = dict(rows.all())
    return DeliveryCounts(
        sent=by_status.get(OutboxStatus.SENT, 0),
        blocked=by_status.get(OutboxStatus.BLOCKED, 0),
        failed=by_status.get(OutboxStatus.FAILED, 0),
        cancelled=by_status.get(OutboxStatus.CANCELLED, 0),
        unknown=by_status.get(OutboxStatus.UNKNOWN, 0),
        waiting=sum(by_status.get(status, 0) for status in WAITING),
    )


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    rate: float | None  # messages handled per second since the start
    seconds_left: float | None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


def measure_progress(
    counts: DeliveryCounts, started_at: datetime, now: datetime, finished_before: int = 0
) -> Progress:
    """`finished_before`: rows already finished when this round started (a retry)."""
    elapsed = (now - started_at).total_seconds()
    handled = counts.finished - finished_before
    rate = handled / elapsed if elapsed > 0 and handled > 0 else None
    left = counts.waiting / rate if rate else None
    return Progress(counts.finished, counts.total, rate, left)


def progress_bar(fraction: float, width: int = 12) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▓" * filled + "░" * (width - filled)


class ScheduleError(ValueError):
    """Why a typed date and time cannot be used (`reason`: format, past, too_far)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_schedule(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """'14/03/2026 09:30' (or 2026-03-14 9h30) in TIMEZONE → UTC, in the future, ≤ 90 days."""
    parts = text.split()
    day = parse_date(parts[0]) if parts else None
    moment = parse_time(parts[1]) if len(parts) == 2 else None
    if day is None or moment is None:
        raise ScheduleError("format")
    due = datetime.combine(day, moment, tzinfo=tz).astimezone(now.tzinfo)
    if due <= now:
        raise ScheduleError("past")
    if due - now > MAX_SCHEDULE_AHEAD:
        raise ScheduleError("too_far")
    return due


class BroadcastService:
    """Use cases behind `/diffuser`; runs in the caller's unit of work (never commits)."""

    def __init__(self, session: AsyncSession, clock=utcnow) -> None:
        self.session = session
        self.clock = clock

    async def create_draft(
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

    async def draft_of(self, broadcast_id: int, admin_id: int) -> Broadcast | None:
        """A draft can only be changed by the admin composing it."""
        broadcast = await self.get(broadcast_id)
        if broadcast is None or broadcast.status != BroadcastStatus.DRAFT:
            return None
        return broadcast if broadcast.created_by == admin_id else None

    async def recipients(self, broadcast: Broadcast) -> int:
        return await count_audience(
            self.session, Audience.from_json(broadcast.audience), self.clock()
        )

    def set_audience(self, broadcast: Broadcast, audience: Audience) -> None:
        broadcast.audience = audience.to_json()

    async def confirm(
        self,
        broadcast_id: int,
        admin_id: int,
        chat_id: int,
        message_id: int,
        due_at: datetime | None = None,
    ) -> bool:
        """Draft → scheduled, at `due_at` (what the admin confirmed) or now. False if already
        confirmed or discarded."""
        now = self.clock()
        result = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.created_by == admin_id,
                Broadcast.status == BroadcastStatus.DRAFT,
            )
            .values(
                status=BroadcastStatus.SCHEDULED,
                due_at=due_at or now,
                progress_chat_id=chat_id,
                progress_message_id=message_id,
                updated_at=now,
            )
        )
        return result.rowcount == 1

    async def discard(self, broadcast_id: int, admin_id: int) -> bool:
        result = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.created_by == admin_id,
                Broadcast.status == BroadcastStatus.DRAFT,
            )
            .values(status=BroadcastStatus.CANCELLED, updated_at=self.clock())
        )
        return result.rowcount == 1

    async def cancel(self, broadcast_id: int) -> DeliveryCounts | None:
        """Stop a scheduled or running broadcast; None if it is neither (any more)."""
        now = self.clock()
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
        if result.rowcount != 1:
            return None
        await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group_key(broadcast_id),
                OutboxMessage.status.in_((OutboxStatus.PENDING, "claimed")),
            )
            .values(status=OutboxStatus.CANCELLED, last_error="broadcast cancelled")
        )
        return await delivery_counts(self.session, broadcast_id)

    async def hold_progress(self, broadcast_id: int, held: bool) -> None:
        """While the admin answers "cancel it?" on the progress message, the scheduler's
        refresh must not overwrite the question (`progress_held`)."""
        await self.session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(progress_held=held)
        )

    async def retry_failed(
        self, broadcast_id: int, chat_id: int, message_id: int, *, uncertain: bool = False
    ) -> int:
        """Send again the messages of a finished broadcast that Telegram refused (`failed`:
        certainly not delivered), or, with `uncertain`, those whose outcome is unknown (the
        admin confirmed that some people may get them twice). Never the blocked ones: those
        people blocked the bot. Returns how many are queued again."""
        again = OutboxStatus.UNKNOWN if uncertain else OutboxStatus.FAILED
        now = self.clock()
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
        if result.rowcount != 1:
            return 0
        retried = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_key == group_key(broadcast_id),
                OutboxMessage.status == again,
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
        if retried.rowcount == 0:  # nothing failed after all: leave it finished
            await self.session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .values(status=BroadcastStatus.DONE, finished_at=now)
            )
            return 0
        counts = await delivery_counts(self.session, broadcast_id)
        await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(started_at=now, finished_before=counts.finished)
        )
        return retried.rowcount

    async def list_active(self) -> list[Broadcast]:
        rows = await self.session.scalars(
            select(Broadcast).where(Broadcast.status.in_(ACTIVE)).order_by(Broadcast.id)
        )
        return list(rows)
