"""Meeting reminder waves: one personalised message per person of the meeting's regions.

A wave is claimed by inserting its `reminder_runs` row (unique on meeting and days before) in
the transaction that enqueues its messages. A meeting edited after a wave was written is read
again, locked, before the next wave (docs/admins.md).
"""

from __future__ import annotations

import logging
from datetime import time

from bot.delivery.outbox import Outbox
from bot.i18n import use_locale
from bot.jobs.base import Job
from bot.keyboards.buttons import reminder_keyboard
from bot.services.reminders import due_waves, wave_due_at
from bot.views.reminders import reminder_text
from storage.models import Meeting, ReminderRun
from storage.repositories.meetings import MeetingRepo, reminder_group
from storage.repositories.outbox import OutboxRepo
from storage.unit_of_work import AlreadyClaimed

log = logging.getLogger(__name__)


class ReminderJob(Job):
    """The reminder waves due before each meeting."""

    async def run(self) -> int:
        now = self.clock()
        at = time.fromisoformat(self.settings.reminder_time)
        async with self.session_factory() as session:
            meetings_repo = MeetingRepo(session)
            meetings = await meetings_repo.list_scheduled_after(now)
            claimed = await meetings_repo.list_claimed_waves()
        sent = 0
        for meeting in meetings:
            wave, superseded = due_waves(
                meeting, self.settings.reminder_days, at, self.settings.tz, now, self.planning
            )
            if wave is None or (meeting.id, wave) in claimed:
                continue
            try:
                if await self._send_wave(meeting, wave, superseded, claimed):
                    sent += 1
            except Exception:
                log.exception("reminder wave %s/%s failed; retried next tick", meeting.id, wave)
        return sent

    async def _send_wave(
        self, meeting: Meeting, wave: int, superseded: list[int], claimed: set[tuple[int, int]]
    ) -> bool:
        """Claim the wave and enqueue one personalised message per recipient, atomically."""
        now = self.clock()
        at = time.fromisoformat(self.settings.reminder_time)
        tz = self.settings.tz
        try:
            async with self.session_factory() as session, session.begin():
                meetings_repo = MeetingRepo(session)
                fresh = await meetings_repo.lock_scheduled(meeting.id)
                days = self.settings.reminder_days
                if fresh is None or due_waves(fresh, days, at, tz, now, self.planning)[0] != wave:
                    return False
                run = ReminderRun(
                    meeting_id=meeting.id,
                    days_before=wave,
                    claimed_by=self.name,
                    due_at=wave_due_at(fresh, wave, at, tz, self.planning),
                    created_at=now,
                )
                skipped = [
                    ReminderRun(
                        meeting_id=meeting.id,
                        days_before=earlier,
                        skipped=True,
                        claimed_by=self.name,
                        due_at=wave_due_at(fresh, earlier, at, tz, self.planning),
                        created_at=now,
                    )
                    for earlier in superseded
                    if (meeting.id, earlier) not in claimed
                ]
                await meetings_repo.claim_wave(run, skipped)
                outbox = Outbox(session, self.clock)
                group = reminder_group(meeting.id, wave)
                # A wave planned again after an edit goes only to those it had not reached.
                reached = await OutboxRepo(session).recipients_of(group)
                audience = await MeetingRepo(session).reminder_recipients(fresh)
                people = [p for p in audience if p.user_id not in reached]
                for person in people:
                    with use_locale(person.language, self.settings.default_locale):
                        outbox.text(
                            person.user_id,
                            reminder_text(fresh, person, self.questionnaire, tz),
                            kind="reminder",
                            group=group,
                            reply_markup=reminder_keyboard(fresh.theme_key, person.contributed),
                        )
                run.recipients = len(people)
            return True
        except AlreadyClaimed:
            log.info("reminder wave %s/%s already claimed elsewhere", meeting.id, wave)
            return False
