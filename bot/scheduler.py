"""The one scheduler loop: claims due work recorded in the database.

It owes organisers their digests and meeting pre-reads, and field staff their meeting reminders
(scheduled broadcasts join it later). Each
(organiser, period) digest is a `digest_runs` row with a unique (user, period_end): inserting it
*is* the claim. The digest's messages are enqueued in the same transaction, so either both exist
or neither does; a second scheduler (another instance) fails on the unique key and moves on. If
the bot was down at the due time, the next tick finds the period unclaimed and sends it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery import Outbox, instance_name
from bot.i18n import use_locale
from bot.questionnaire import Questionnaire
from bot.services.digest import default_period_start, latest_due
from bot.services.organiser import build_package_in_worker
from bot.services.preread import build_preread, preread_due_at, preread_recipients
from bot.services.reminders import (
    audience,
    due_waves,
    reminder_keyboard,
    reminder_text,
    wave_due_at,
)
from storage.base import utcnow
from storage.models import DigestRun, DigestSubscription, Meeting, PrereadRun, ReminderRun, User
from storage.reports import Scope

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class Scheduler:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
        questionnaire: Questionnaire,
        *,
        clock: Clock = utcnow,
        name: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.questionnaire = questionnaire
        self.clock = clock
        self.name = name or instance_name()

    async def tick(self) -> int:
        """One pass over due work; returns how many digests and reminder waves were enqueued."""
        done = 0
        for job in (self.send_digests, self.send_reminders, self.send_prereads):
            try:
                done += await job()
            except Exception:  # one broken job must not starve the other
                log.exception("scheduler job %s failed", job.__name__)
        return done

    async def send_reminders(self) -> int:
        now = self.clock()
        at = time.fromisoformat(self.settings.reminder_time)
        async with self.session_factory() as session:
            meetings = list(
                await session.scalars(
                    select(Meeting).where(Meeting.status == "scheduled", Meeting.starts_at > now)
                )
            )
            claimed = {
                (r.meeting_id, r.days_before)
                for r in await session.execute(
                    select(ReminderRun.meeting_id, ReminderRun.days_before)
                )
            }
        sent = 0
        for meeting in meetings:
            wave, superseded = due_waves(
                meeting, self.settings.reminder_days, at, self.settings.tz, now
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
                run = ReminderRun(
                    meeting_id=meeting.id,
                    days_before=wave,
                    claimed_by=self.name,
                    due_at=wave_due_at(meeting, wave, at, tz),
                    created_at=now,
                )
                session.add(run)
                for earlier in superseded:
                    if (meeting.id, earlier) not in claimed:
                        session.add(
                            ReminderRun(
                                meeting_id=meeting.id,
                                days_before=earlier,
                                skipped=True,
                                claimed_by=self.name,
                                due_at=wave_due_at(meeting, earlier, at, tz),
                                created_at=now,
                            )
                        )
                await session.flush()  # the claim
                outbox = Outbox(session, self.clock)
                people = await audience(session, meeting)
                for person in people:
                    with use_locale(person.language, self.settings.default_locale):
                        outbox.text(
                            person.user_id,
                            reminder_text(meeting, person, self.questionnaire, tz),
                            kind="reminder",
                            group=f"reminder:{meeting.id}:{wave}",
                            reply_markup=reminder_keyboard(meeting, person),
                        )
                run.recipients = len(people)
            return True
        except IntegrityError:
            log.info("reminder wave %s/%s already claimed elsewhere", meeting.id, wave)
            return False

    async def send_prereads(self) -> int:
        """Each meeting's pre-read, once, from PREREAD_DAYS before it until it starts."""
        now = self.clock()
        async with self.session_factory() as session:
            meetings = [
                m
                for m in await session.scalars(
                    select(Meeting).where(
                        Meeting.status == "scheduled",
                        Meeting.starts_at > now,
                        ~select(PrereadRun.id).where(PrereadRun.meeting_id == Meeting.id).exists(),
                    )
                )
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
                    session.add(
                        PrereadRun(
                            meeting_id=meeting.id,
                            recipients=len(recipients),
                            claimed_by=self.name,
                            created_at=now,
                        )
                    )
                    await session.flush()  # the claim
                    outbox = Outbox(session, self.clock)
                    for person in recipients:
                        with use_locale(person.language, self.settings.default_locale):
                            await enqueue_package(
                                outbox,
                                person.id,
                                packages[person.language],
                                group=f"preread:{meeting.id}",
                                start=None,
                                end=now,
                            )
                sent += 1
            except IntegrityError:
                log.info("pre-read of meeting %s already claimed elsewhere", meeting.id)
            except Exception:
                log.exception("pre-read of meeting %s failed; retried next tick", meeting.id)
        return sent

    async def send_digests(self) -> int:
        now = self.clock()
        async with self.session_factory() as session:
            rows = (
                await session.execute(
                    select(DigestSubscription, User)
                    .join(User, User.id == DigestSubscription.user_id)
                    .where(
                        or_(User.is_organiser, User.id.in_(self.settings.admin_ids)),
                        User.is_active,
                        DigestSubscription.frequency != "off",
                    )
                )
            ).all()
            last_ends = dict(
                (
                    await session.execute(
                        select(DigestRun.user_id, func.max(DigestRun.period_end)).group_by(
                            DigestRun.user_id
                        )
                    )
                ).all()
            )
        enqueued = 0
        for subscription, user in rows:
            due = latest_due(subscription, now, self.settings.tz)
            last_end = last_ends.get(user.id)
            if due is None or (last_end is not None and last_end >= due):
                continue
            if last_end is None and due < subscription.created_at:
                continue  # subscribed after that slot: the first digest is the next one
            start = last_end or default_period_start(subscription, due, self.settings.tz)
            try:
                if await self._send_digest(subscription, user, start, due):
                    enqueued += 1
            except Exception:
                log.exception("digest for %s failed; retried next tick", user.id)
        return enqueued

    async def _send_digest(
        self, subscription: DigestSubscription, user: User, start: datetime, end: datetime
    ) -> bool:
        scope = Scope(
            start=start,
            end=end,
            themes=tuple(subscription.themes or ()),
            regions=tuple(subscription.regions or ()),
        )
        # Build first, off the event loop and outside any transaction (it may take a second);
        # then claim and enqueue in one short transaction. If another scheduler claimed the
        # period meanwhile, the unique key refuses ours and the package is simply dropped.
        package = await build_package_in_worker(
            self.settings, self.questionnaire, scope, user.language
        )
        try:
            async with self.session_factory() as session, session.begin():
                run = DigestRun(
                    user_id=user.id,
                    period_start=start,
                    period_end=end,
                    claimed_by=self.name,
                    created_at=self.clock(),
                    contributions=package.new_contributions,
                )
                session.add(run)
                await session.flush()  # the claim: fails here if another scheduler has it
                with use_locale(user.language, self.settings.default_locale):
                    await enqueue_package(
                        Outbox(session, self.clock),
                        user.id,
                        package,
                        group=f"digest:{run.id}",
                        start=start,
                        end=end,
                    )
            return True
        except IntegrityError:
            log.info("digest for %s ending %s already claimed elsewhere", user.id, end)
            return False

    async def run_forever(self, stop: asyncio.Event, interval: float = 30.0) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)


async def enqueue_package(
    outbox: Outbox, recipient: int, package, *, group: str, start: datetime, end: datetime
) -> None:
    from bot.keyboards import voice_notes_keyboard

    for index, text in enumerate(package.texts):
        last = index == len(package.texts) - 1
        markup = (
            voice_notes_keyboard(start, end, package.voice_notes)
            if last and package.voice_notes
            else None
        )
        outbox.text(recipient, text, kind="digest", group=group, reply_markup=markup)
    if package.xlsx is not None:
        file_id = await outbox.add_file(f"{package.filename_stem}.xlsx", package.xlsx)
        outbox.file(recipient, file_id, kind="digest", group=group)
    if package.chart is not None:
        file_id = await outbox.add_file(f"{package.filename_stem}.png", package.chart)
        outbox.file(recipient, file_id, as_photo=True, kind="digest", group=group)
