"""The one scheduler loop: claims due work recorded in the database.

It owes organisers their digests and meeting pre-reads, field staff their meeting reminders,
and admins their broadcasts (started when due, progress shown, report at the end). Each job is
a module of its own (bot/jobs/digests.py, reminders.py, prereads.py, broadcasts.py, scrubbing.py,
retention.py); every piece of due work is claimed in the database in the transaction that
enqueues what it produces, so it happens once across restarts and instances. One job failing
never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as time_module
from collections.abc import Awaitable, Callable

from aiogram import Bot

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.domain.quiet import QuietHours
from bot.jobs.broadcasts import BroadcastJob
from bot.jobs.digests import DigestJob
from bot.jobs.prereads import PrereadJob
from bot.jobs.reminders import ReminderJob
from bot.jobs.retention import purge_once_a_day
from bot.jobs.scrubbing import scrub_pending
from storage.base import Clock, instance_name, utcnow
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(
        self,
        session_factory: UnitOfWorkFactory,
        settings: Settings,
        questionnaire: Questionnaire,
        *,
        clock: Clock = utcnow,
        name: str | None = None,
        bot: Bot | None = None,
        quiet: QuietHours | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.questionnaire = questionnaire
        self.clock = clock
        self.name = name or instance_name()
        shared = (session_factory, settings, questionnaire)
        self.digests = DigestJob(*shared, clock=clock, name=self.name)
        self.reminders = ReminderJob(*shared, clock=clock, name=self.name)
        self.prereads = PrereadJob(*shared, clock=clock, name=self.name)
        self.broadcasts = BroadcastJob(*shared, clock=clock, name=self.name, bot=bot, quiet=quiet)

    async def tick(self) -> int:
        """One pass over all due work; returns how many digests, reminder waves, pre-reads and
        broadcasts were enqueued (or finished)."""
        return await self._run(
            ("scrubbing", self.scrub_answers),  # first: digests and pre-reads read what it writes
            ("digests", self.digests.run),
            ("reminders", self.reminders.run),
            ("pre-reads", self.prereads.run),
            ("broadcasts started", self.broadcasts.start),
            ("broadcasts tracked", self.broadcasts.track),
            ("retention", self.purge_expired),
        )

    async def tick_broadcasts(self) -> int:
        """The frequent part: start due broadcasts, refresh progress messages, finish them."""
        return await self._run(
            ("broadcasts started", self.broadcasts.start),
            ("broadcasts tracked", self.broadcasts.track),
        )

    async def scrub_answers(self) -> int:
        """Complete the scrubbing of new answers with the model (bot/jobs/scrubbing.py)."""
        await scrub_pending(self.session_factory, self.questionnaire, self.settings.default_locale)
        return 0

    async def purge_expired(self) -> int:
        """Once a day (the first tick of each local day, claimed in the database): delete what
        is past its retention (bot/jobs/retention.py). Counts as no message enqueued."""
        await purge_once_a_day(self.session_factory, self.settings, self.clock(), self.name)
        return 0

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

    async def _run(self, *jobs: tuple[str, Callable[[], Awaitable[int]]]) -> int:
        done = 0
        for name, job in jobs:
            try:
                done += await job()
            except Exception:  # one broken job must not starve the others
                log.exception("scheduler job %s failed", name)
        return done
