"""The one scheduler loop: claims due work recorded in the database.

It owes organisers their digests and meeting pre-reads, field staff their meeting reminders,
and admins their broadcasts (started when due, progress shown, report at the end). Each
(organiser, period) digest is a `digest_runs` row with a unique (user, period_end): inserting it
*is* the claim. The digest's messages are enqueued in the same transaction, so either both exist
or neither does; a second scheduler (another instance) fails on the unique key and moves on. If
the bot was down at the due time, the next tick finds the period unclaimed and sends it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as time_module
from collections.abc import Callable
from datetime import datetime, time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from babel.dates import format_datetime
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery.outbox import Outbox, instance_name
from bot.domain.questionnaire import Questionnaire
from bot.domain.quiet import QuietHours
from bot.i18n import use_locale
from bot.keyboards.buttons import voice_notes_keyboard
from bot.keyboards.callbacks import VoiceSource
from bot.logs import redact
from bot.services.audience import Audience, select_audience
from bot.services.broadcasts import (
    PROGRESS_EVERY,
    broadcast_payload,
    delivery_counts,
    group_key,
    measure_progress,
)
from bot.services.digest import DigestPackage, default_period_start, latest_due
from bot.services.organiser import build_package_in_worker
from bot.services.preread import build_preread, preread_due_at, preread_recipients
from bot.services.profile import PRIVACY_VERSION
from bot.services.reminders import (
    audience,
    due_waves,
    reminder_keyboard,
    reminder_text,
    wave_due_at,
)
from bot.services.retention import purge_once_a_day
from bot.services.scrubbing import scrub_pending
from bot.views.messages import digest_gave_up
from storage.base import utcnow
from storage.jobs import MAX_JOB_ATTEMPTS, DigestRunRepo, JobFailureRepo
from storage.models import (
    Broadcast,
    BroadcastStatus,
    DigestRun,
    DigestSubscription,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    PrereadRun,
    ReminderRun,
    User,
)
from storage.people import admins_to_tell
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
        bot: Bot | None = None,
        quiet: QuietHours | None = None,
    ) -> None:
        self.bot = bot  # edits broadcast progress messages; without it they stay as they are
        self.quiet = quiet  # the sender's quiet hours, to say so on progress messages
        # Reminders and pre-reads are planned before quiet hours, never after (a setting).
        self.planning = QuietHours.from_settings(settings)
        self.session_factory = session_factory
        self.settings = settings
        self.questionnaire = questionnaire
        self.clock = clock
        self.name = name or instance_name()
        # Never stored in an error message (job_failures.last_error).
        self.secrets = tuple(
            secret.get_secret_value()
            for secret in (settings.bot_token, settings.webhook_secret)
            if secret is not None
        )

    async def tick(self) -> int:
        """One pass over all due work; returns how many digests, reminder waves, pre-reads and
        broadcasts were enqueued (or finished)."""
        return await self._run(
            self.scrub_answers,  # first: digests and pre-reads read what it writes
            self.send_digests,
            self.send_reminders,
            self.send_prereads,
            self.start_broadcasts,
            self.track_broadcasts,
            self.purge_expired,
        )

    async def scrub_answers(self) -> int:
        """Complete the scrubbing of new answers with the model (services/scrubbing.py)."""
        await scrub_pending(self.session_factory, self.questionnaire, self.settings.default_locale)
        return 0

    async def purge_expired(self) -> int:
        """Once a day (the first tick of each local day, claimed in the database): delete what
        is past its retention (services/retention.py). Counts as no message enqueued."""
        await purge_once_a_day(self.session_factory, self.settings, self.clock(), self.name)
        return 0

    async def tick_broadcasts(self) -> int:
        """The frequent part: start due broadcasts, refresh progress messages, finish them."""
        return await self._run(self.start_broadcasts, self.track_broadcasts)

    async def _run(self, *jobs) -> int:
        done = 0
        for job in jobs:
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
                # Read the meeting again, locked (PostgreSQL): an edit or a cancellation that
                # committed since the list was read wins, and one in progress waits for us.
                fresh = await session.scalar(
                    select(Meeting)
                    .where(Meeting.id == meeting.id, Meeting.status == "scheduled")
                    .with_for_update()
                )
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
                session.add(run)
                for earlier in superseded:
                    if (meeting.id, earlier) not in claimed:
                        session.add(
                            ReminderRun(
                                meeting_id=meeting.id,
                                days_before=earlier,
                                skipped=True,
                                claimed_by=self.name,
                                due_at=wave_due_at(fresh, earlier, at, tz, self.planning),
                                created_at=now,
                            )
                        )
                await session.flush()  # the claim
                outbox = Outbox(session, self.clock)
                group = f"reminder:{meeting.id}:{wave}"
                # A wave planned again after an edit goes only to those it had not reached.
                reached = set(
                    await session.scalars(
                        select(OutboxMessage.recipient_id).where(
                            OutboxMessage.group_key == group,
                            OutboxMessage.status != OutboxStatus.CANCELLED,
                        )
                    )
                )
                people = [p for p in await audience(session, fresh) if p.user_id not in reached]
                for person in people:
                    with use_locale(person.language, self.settings.default_locale):
                        outbox.text(
                            person.user_id,
                            reminder_text(fresh, person, self.questionnaire, tz),
                            kind="reminder",
                            group=group,
                            reply_markup=reminder_keyboard(fresh, person),
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
            except IntegrityError:
                log.info("pre-read of meeting %s already claimed elsewhere", meeting.id)
            except Exception:
                log.exception("pre-read of meeting %s failed; retried next tick", meeting.id)
        return sent

    async def send_digests(self) -> int:
        now = self.clock()
        async with self.session_factory() as session:
            rows = await DigestRunRepo(session).recipients(self.settings.admin_ids, PRIVACY_VERSION)
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
            async with self.session_factory() as session:
                has_runs, start = await DigestRunRepo(session).next_start(user.id)
            if not has_runs:
                start = default_period_start(subscription, due, self.settings.tz)
            try:
                if await self._send_digest(subscription, user, start, due):
                    enqueued += 1
            except Exception as error:
                log.exception("digest for %s failed", user.id)
                await self._digest_failed(user, start, due, error)
        return enqueued

    async def _digest_failed(
        self, user: User, start: datetime | None, end: datetime, error: Exception
    ) -> None:
        """Count the failure; after MAX_JOB_ATTEMPTS, give the period up (a run marks it done,
        so the next digest starts after it) and tell the admins once."""
        async with self.session_factory() as session, session.begin():
            failure = await JobFailureRepo(session).record(
                "digest", f"{user.id}:{end.isoformat()}", redact(repr(error), self.secrets)
            )
            if failure.attempts < MAX_JOB_ATTEMPTS or failure.gave_up:
                return
            failure.gave_up = True
            session.add(
                DigestRun(
                    user_id=user.id,
                    period_start=start,
                    period_end=end,
                    claimed_by=self.name,
                    created_at=self.clock(),
                    trigger="failed",
                )
            )
            outbox = Outbox(session, self.clock)
            for admin in await admins_to_tell(session, self.settings):
                with use_locale(admin.language, self.settings.default_locale):
                    outbox.text(
                        admin.id,
                        digest_gave_up(failure.attempts, failure.last_error or ""),
                        kind="notice",
                        group="notice:digest",
                    )

    async def _send_digest(
        self, subscription: DigestSubscription, user: User, start: datetime | None, end: datetime
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
                    themes=list(scope.themes),
                    regions=list(scope.regions),
                    withheld=package.withheld,
                )
                session.add(run)
                await session.flush()  # the claim: fails here if another scheduler has it
                with use_locale(user.language, self.settings.default_locale):
                    await enqueue_package(
                        Outbox(session, self.clock),
                        user.id,
                        package,
                        group=f"digest:{run.id}",
                        voice=(VoiceSource.DIGEST, run.id),
                    )
            return True
        except IntegrityError:
            log.info("digest for %s ending %s already claimed elsewhere", user.id, end)
            return False

    async def run_forever(
        self, stop: asyncio.Event, interval: float = 30.0, broadcast_interval: float = 2.0
    ) -> None:
        """Everything every `interval`; broadcasts every `broadcast_interval`, so that "send
        now" starts within seconds and progress messages move."""
        last_full = -interval
        while not stop.is_set():
            try:
                if time_module.monotonic() - last_full >= interval:
                    last_full = time_module.monotonic()
                    await self.tick()
                else:
                    await self.tick_broadcasts()
            except Exception:
                log.exception("scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=broadcast_interval)

    async def start_broadcasts(self) -> int:
        """Enqueue each due broadcast for its audience as it is now, once (compare-and-set)."""
        now = self.clock()
        async with self.session_factory() as session:
            due = list(
                await session.scalars(
                    select(Broadcast).where(
                        Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.due_at <= now
                    )
                )
            )
        started = 0
        for broadcast in due:
            async with self.session_factory() as session, session.begin():
                claim = await session.execute(
                    update(Broadcast)
                    .where(
                        Broadcast.id == broadcast.id,
                        Broadcast.status == BroadcastStatus.SCHEDULED,
                    )
                    .values(status=BroadcastStatus.SENDING, started_at=now, progress_at=None)
                )
                if claim.rowcount != 1:
                    continue  # cancelled meanwhile, or another instance started it
                people = await select_audience(session, Audience.from_json(broadcast.audience), now)
                await Outbox(session, self.clock).many(
                    [user_id for user_id, _ in people],
                    broadcast_payload(broadcast),
                    kind="broadcast",
                    group=group_key(broadcast.id),
                    urgent=broadcast.urgent,
                )
                await session.execute(
                    update(Broadcast)
                    .where(Broadcast.id == broadcast.id)
                    .values(recipients=len(people))
                )
            started += 1
        return started

    async def track_broadcasts(self) -> int:
        """Edit each running broadcast's progress message (at most every PROGRESS_EVERY);
        when nothing is left to deliver, mark it done and enqueue the report. Returns how many
        finished."""
        now = self.clock()
        async with self.session_factory() as session:
            running = list(
                await session.scalars(
                    select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING)
                )
            )
        finished = 0
        for broadcast in running:
            edit = await self._track(broadcast, now)
            if edit is not None:
                finished += edit[2]
                await self._edit_progress(broadcast, edit[0], edit[1])
        return finished

    async def _track(self, broadcast: Broadcast, now: datetime):
        """(progress text, keyboard, finished?) to show, or None if it is not time yet."""
        from bot.keyboards.buttons import broadcast_report_keyboard, broadcast_running_keyboard
        from bot.views import broadcasts as bv

        async with self.session_factory() as session, session.begin():
            counts = await delivery_counts(session, broadcast.id)
            admin = await session.get(User, broadcast.created_by)
            language = admin.language if admin else self.settings.default_locale
            with use_locale(language, self.settings.default_locale) as i18n:
                locale = i18n.current_locale
                if counts.waiting == 0:
                    done = await session.execute(
                        update(Broadcast)
                        .where(
                            Broadcast.id == broadcast.id,
                            Broadcast.status == BroadcastStatus.SENDING,
                        )
                        .values(
                            status=BroadcastStatus.DONE,
                            finished_at=now,
                            progress_at=now,
                            progress_held=False,
                        )
                    )
                    if done.rowcount != 1:
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
                    return bv.finished(broadcast.id, counts, locale), None, 1
                due = now - PROGRESS_EVERY
                claim = await session.execute(
                    update(Broadcast)
                    .where(
                        Broadcast.id == broadcast.id,
                        Broadcast.status == BroadcastStatus.SENDING,
                        Broadcast.progress_held.is_(False),  # a cancel question is on it
                        or_(Broadcast.progress_at.is_(None), Broadcast.progress_at <= due),
                    )
                    .values(progress_at=now)
                )
                if claim.rowcount != 1:
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
                        format_datetime(
                            quiet.next_allowed(now), "EEEE HH:mm", tzinfo=quiet.tz, locale=locale
                        )
                        if quiet and paused
                        else None
                    ),
                )
                return text, broadcast_running_keyboard(broadcast.id), 0

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


async def enqueue_package(
    outbox: Outbox,
    recipient: int,
    package: DigestPackage,
    *,
    group: str,
    voice: tuple[VoiceSource, int],
) -> None:
    """A digest or pre-read into the outbox: its texts (the voice-note button on the last),
    then the spreadsheet and the chart. Each row carries the ledger mark its content saw."""
    mark = package.ledger_mark
    for index, text in enumerate(package.texts):
        last = index == len(package.texts) - 1
        markup = (
            voice_notes_keyboard(*voice, package.voice_notes)
            if last and package.voice_notes
            else None
        )
        outbox.text(
            recipient, text, kind="digest", group=group, reply_markup=markup, ledger_mark=mark
        )
    if package.xlsx is not None:
        file_id = await outbox.add_file(f"{package.filename_stem}.xlsx", package.xlsx)
        outbox.file(recipient, file_id, kind="digest", group=group, ledger_mark=mark)
    if package.chart is not None:
        file_id = await outbox.add_file(f"{package.filename_stem}.png", package.chart)
        outbox.file(recipient, file_id, as_photo=True, kind="digest", group=group, ledger_mark=mark)
