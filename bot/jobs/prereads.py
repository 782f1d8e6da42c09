"""Meeting pre-reads: once per meeting, from PREREAD_DAYS before it until it starts."""

from __future__ import annotations

import logging

from bot.delivery.outbox import Outbox
from bot.delivery.packages import enqueue_package
from bot.i18n import use_locale
from bot.jobs.base import Job
from bot.jobs.outputs import build_preread
from bot.keyboards.callbacks import VoiceSource
from bot.services.preread import preread_due_at, preread_recipients
from storage.models import PrereadRun
from storage.repositories.meetings import MeetingRepo
from storage.unit_of_work import AlreadyClaimed

log = logging.getLogger(__name__)


class PrereadJob(Job):
    """The pre-read of each upcoming meeting, to organisers and admins."""

    async def run(self) -> int:
        """Each meeting's pre-read, once, from PREREAD_DAYS before it until it starts."""
        now = self.clock()
        async with self.session_factory() as session:
            meetings = [
                m
                for m in await MeetingRepo(session).list_without_preread(now)
                if preread_due_at(m, self.settings) <= now
            ]
            recipients = await preread_recipients(session, self.settings)
        sent = 0
        for meeting in meetings:
            try:
                packages = {
                    language: await build_preread(
                        self.settings, self.questionnaire, meeting, now, language
                    )
                    for language in {person.language for person in recipients}
                }
                async with self.session_factory() as session, session.begin():
                    await MeetingRepo(session).claim_preread(
                        PrereadRun(
                            meeting_id=meeting.id,
                            recipients=len(recipients),
                            claimed_by=self.name,
                            created_at=now,
                        )
                    )
                    outbox = Outbox(session, self.clock)
                    # Read again: someone erased or revoked while it was built gets nothing.
                    for person in await preread_recipients(session, self.settings):
                        if person.language not in packages:
                            continue  # joined meanwhile, in another language: next pre-read
                        with use_locale(person.language, self.settings.default_locale):
                            await enqueue_package(
                                outbox,
                                person.id,
                                packages[person.language],
                                group=f"preread:{meeting.id}",
                                voice=(VoiceSource.PREREAD, meeting.id),
                            )
                sent += 1
            except AlreadyClaimed:
                log.info("pre-read of meeting %s already claimed elsewhere", meeting.id)
            except Exception:
                log.exception("pre-read of meeting %s failed; retried next tick", meeting.id)
        return sent
