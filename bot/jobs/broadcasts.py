"""Broadcasts: start the due ones, edit their progress messages, finish and report.

Every step is a compare-and-set on the broadcast's status (storage/repositories/broadcasts.py), so a
broadcast starts once and reports once across instances (docs/admins.md).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from bot.delivery.outbox import Outbox
from bot.i18n import format_moment, use_locale
from bot.jobs.base import Job
from bot.keyboards.buttons import broadcast_report_keyboard, broadcast_running_keyboard
from bot.services.broadcasts import (
    PROGRESS_EVERY,
    BroadcastService,
    broadcast_payload,
    measure_progress,
)
from bot.views import broadcasts as bv
from storage.models import Broadcast
from storage.repositories.broadcasts import BroadcastRepo, group_key
from storage.repositories.people import UserRepo

log = logging.getLogger(__name__)


class ProgressEdit(NamedTuple):
    text: str
    markup: InlineKeyboardMarkup | None
    finished: bool  # the broadcast is done (its report enqueued)


class BroadcastJob(Job):
    """Runs every couple of seconds, so that "send now" starts within seconds."""

    async def start(self) -> int:
        """Enqueue each due broadcast for its audience as it is now, once (compare-and-set)."""
        now = self.clock()
        async with self.session_factory() as session:
            due = await BroadcastRepo(session).list_due(now)
        started = 0
        for broadcast in due:
            async with self.session_factory() as session, session.begin():
                broadcasts = BroadcastRepo(session)
                if not await broadcasts.start(broadcast.id, now):
                    continue  # cancelled meanwhile, or another instance started it
                people = await BroadcastService(session).recipient_ids(broadcast, now)
                await Outbox(session, self.clock).many(
                    people,
                    broadcast_payload(broadcast),
                    kind="broadcast",
                    group=group_key(broadcast.id),
                    urgent=broadcast.urgent,
                )
                await broadcasts.set_recipients(broadcast.id, len(people))
            started += 1
        return started

    async def track(self) -> int:
        """Edit each running broadcast's progress message (at most every PROGRESS_EVERY);
        when nothing is left to deliver, mark it done and enqueue the report. Returns how many
        finished."""
        now = self.clock()
        async with self.session_factory() as session:
            running = await BroadcastRepo(session).list_sending()
        finished = 0
        for broadcast in running:
            edit = await self._track(broadcast, now)
            if edit is not None:
                finished += edit.finished
                await self._edit_progress(broadcast, edit.text, edit.markup)
        return finished

    async def _track(self, broadcast: Broadcast, now: datetime) -> ProgressEdit | None:
        """The edit of the progress message to make, or None if it is not time yet."""
        async with self.session_factory() as session, session.begin():
            broadcasts = BroadcastRepo(session)
            counts = await BroadcastService(session).delivery_counts(broadcast.id)
            admin = await UserRepo(session).get(broadcast.created_by)
            language = admin.language if admin else self.settings.default_locale
            with use_locale(language, self.settings.default_locale) as i18n:
                locale = i18n.current_locale
                if counts.waiting == 0:
                    if not await broadcasts.finish(broadcast.id, now):
                        return None
                    Outbox(session, self.clock).text(
                        broadcast.created_by,
                        bv.report(
                            broadcast.id, counts, locale, self.settings.small_group_threshold
                        ),
                        kind="report",
                        group=f"broadcast-report:{broadcast.id}",
                        reply_markup=(
                            broadcast_report_keyboard(
                                broadcast.id,
                                counts.failed,
                                uncertain=counts.unknown,
                                exact=counts.total >= self.settings.small_group_threshold,
                            )
                        ),
                        urgent=broadcast.urgent,
                    )
                    return ProgressEdit(
                        bv.finished(broadcast.id, counts, locale), None, finished=True
                    )
                if not await broadcasts.claim_progress_edit(broadcast.id, now, PROGRESS_EVERY):
                    return None  # edited less than PROGRESS_EVERY ago (maybe elsewhere)
                quiet = self.quiet
                paused = quiet is not None and not broadcast.urgent and quiet.is_quiet(now)
                progress = measure_progress(
                    counts, broadcast.started_at or now, now, broadcast.finished_before
                )
                text = bv.progress(
                    broadcast.id,
                    progress,
                    locale,
                    self.settings.small_group_threshold,
                    quiet_until=(
                        format_moment(quiet.next_allowed(now), locale, quiet.tz, format="EEEE")
                        if quiet and paused
                        else None
                    ),
                )
                return ProgressEdit(text, broadcast_running_keyboard(broadcast.id), finished=False)

    async def _edit_progress(self, broadcast: Broadcast, text: str, markup) -> None:
        """A direct edit, not an outbox message: it must not queue behind the broadcast it
        reports on, and one edit every few seconds is far below Telegram's limits."""
        if self.bot is None or not broadcast.progress_message_id:
            return
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=broadcast.progress_chat_id,
                message_id=broadcast.progress_message_id,
                reply_markup=markup,
            )
        except TelegramAPIError as error:  # not modified, deleted, 429: the next one will do
            log.info("progress of broadcast %s not edited: %s", broadcast.id, error)
