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

from bot.domain.dates import MomentError, parse_typed_moment
from storage.base import utcnow
from storage.models import IN_QUEUE, Broadcast, BroadcastStatus, OutboxStatus
from storage.repositories.audience import Audience, AudienceRepo
from storage.repositories.broadcasts import BroadcastRepo
from storage.unit_of_work import UnitOfWork

MAX_SCHEDULE_AHEAD = timedelta(days=90)
PROGRESS_EVERY = timedelta(seconds=3)  # at most one progress edit this often
WAITING = IN_QUEUE  # a broadcast is finished when none of its messages is


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

    @classmethod
    def from_statuses(cls, by_status: dict[str, int]) -> DeliveryCounts:
        """From the number of a broadcast's outbox rows in each status."""
        return cls(
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


class ScheduleError(ValueError):
    """Why a typed date and time cannot be used (`reason`: format, past, too_far)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_schedule(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A moment typed as the meeting form takes it ('5 mars 9h30', '14/03/2026 09:30',
    '2026-03-14 9h30'; without a year, its next occurrence: bot/domain/dates.py) in TIMEZONE
    → UTC, in the future, ≤ 90 days."""
    try:
        due = parse_typed_moment(text, now.astimezone(tz)).astimezone(now.tzinfo)
    except MomentError as error:
        raise ScheduleError("past" if error.reason == "past" else "format") from None
    if due <= now:
        raise ScheduleError("past")
    if due - now > MAX_SCHEDULE_AHEAD:
        raise ScheduleError("too_far")
    return due


class BroadcastService:
    """Use cases behind `/diffuser` and the scheduler's broadcast jobs; runs in the caller's unit
    of work (never commits)."""

    def __init__(self, session: UnitOfWork, clock=utcnow) -> None:
        self.broadcasts = BroadcastRepo(session)
        self.audiences = AudienceRepo(session)
        self.clock = clock

    async def create_draft(
        self, admin_id: int, body: str, media_kind: str | None, media_file_id: str | None
    ) -> Broadcast:
        return await self.broadcasts.add_draft(admin_id, body, media_kind, media_file_id)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.broadcasts.get(broadcast_id)

    async def draft_of(self, broadcast_id: int, admin_id: int) -> Broadcast | None:
        """A draft can only be changed by the admin composing it."""
        broadcast = await self.get(broadcast_id)
        if broadcast is None or broadcast.status != BroadcastStatus.DRAFT:
            return None
        return broadcast if broadcast.created_by == admin_id else None

    async def list_active(self) -> list[Broadcast]:
        return await self.broadcasts.list_active()

    def audience_of(self, broadcast: Broadcast) -> Audience:
        return Audience.from_json(broadcast.audience)

    def set_audience(self, broadcast: Broadcast, audience: Audience) -> None:
        broadcast.audience = audience.to_json()

    async def count_recipients(self, broadcast: Broadcast) -> int:
        """How many its audience holds now (it is resolved again when the broadcast starts)."""
        return await self.audiences.count(self.audience_of(broadcast), self.clock())

    async def recipient_ids(self, broadcast: Broadcast, now: datetime) -> list[int]:
        """Who it reaches when it starts, in id order."""
        members = await self.audiences.members(self.audience_of(broadcast), now)
        return [user_id for user_id, _language in members]

    def toggle_urgent(self, draft: Broadcast) -> None:
        draft.urgent = not draft.urgent

    def set_due(self, draft: Broadcast, due_at: datetime | None) -> None:
        """What the next confirmation confirms: `due_at`, or now (None)."""
        draft.due_at = due_at

    def move_progress(self, broadcast: Broadcast, message_id: int) -> None:
        """Progress is now shown on another message (the old one could not be edited)."""
        broadcast.progress_message_id = message_id

    async def confirm(
        self,
        broadcast_id: int,
        admin_id: int,
        chat_id: int,
        message_id: int,
        due_at: datetime | None = None,
    ) -> Broadcast | None:
        """Draft → scheduled, at `due_at` (what the admin confirmed) or now; progress is shown on
        (chat_id, message_id). None if already confirmed or discarded."""
        now = self.clock()
        confirmed = await self.broadcasts.schedule_draft(
            broadcast_id,
            admin_id,
            due_at=due_at or now,
            chat_id=chat_id,
            message_id=message_id,
            now=now,
        )
        if not confirmed:
            return None
        broadcast = await self.get(broadcast_id)
        assert broadcast is not None
        await self.broadcasts.refresh(broadcast)
        return broadcast

    async def discard(self, broadcast_id: int, admin_id: int) -> bool:
        return await self.broadcasts.discard_draft(broadcast_id, admin_id, self.clock())

    async def cancel(self, broadcast_id: int) -> DeliveryCounts | None:
        """Stop a scheduled or running broadcast; None if it is neither (any more)."""
        if not await self.broadcasts.cancel_active(broadcast_id, self.clock()):
            return None
        await self.broadcasts.withdraw_unsent(broadcast_id, "broadcast cancelled")
        return await self.delivery_counts(broadcast_id)

    async def hold_progress(self, broadcast_id: int, held: bool) -> None:
        """While the admin answers "cancel it?" on the progress message, the scheduler's
        refresh must not overwrite the question (`progress_held`)."""
        await self.broadcasts.hold_progress(broadcast_id, held)

    async def retry_failed(
        self, broadcast_id: int, chat_id: int, message_id: int, *, uncertain: bool = False
    ) -> int:
        """Send again the messages of a finished broadcast that Telegram refused (`failed`:
        certainly not delivered), or, with `uncertain`, those whose outcome is unknown (the
        admin confirmed that some people may get them twice). Never the blocked ones: those
        people blocked the bot. Returns how many are queued again."""
        again = OutboxStatus.UNKNOWN if uncertain else OutboxStatus.FAILED
        now = self.clock()
        reopened = await self.broadcasts.reopen_done(
            broadcast_id, chat_id=chat_id, message_id=message_id, now=now
        )
        if not reopened:
            return 0
        retried = await self.broadcasts.requeue(broadcast_id, again, now)
        if retried == 0:  # nothing failed after all: leave it finished
            await self.broadcasts.close_again(broadcast_id, now)
            return 0
        counts = await self.delivery_counts(broadcast_id)
        await self.broadcasts.start_round(broadcast_id, now, finished_before=counts.finished)
        return retried

    async def delivery_counts(self, broadcast_id: int) -> DeliveryCounts:
        return DeliveryCounts.from_statuses(
            await self.broadcasts.deliveries_by_status(broadcast_id)
        )
