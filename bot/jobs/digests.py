"""Digests: each organiser's due digest, built on the worker, claimed and enqueued at once.

Each (organiser, period) digest is a `digest_runs` row with a unique (user, period_end):
inserting it *is* the claim. The digest's messages are enqueued in the same transaction, so
either both exist or neither does; a second scheduler (another instance) fails on the unique key
and moves on. If the bot was down at the due time, the next tick finds the period unclaimed and
sends it once. A digest failing MAX_JOB_ATTEMPTS times is given up and the admins are told.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.delivery.outbox import Outbox
from bot.delivery.packages import enqueue_package
from bot.i18n import use_locale
from bot.jobs.base import Job
from bot.jobs.outputs import build_package_in_worker
from bot.keyboards.callbacks import VoiceSource
from bot.logs import redact
from bot.services.digest import latest_due, next_period_start
from bot.services.profile import PRIVACY_VERSION
from bot.views.messages import digest_gave_up
from storage.models import DigestRun, DigestSubscription, User
from storage.reports import Scope
from storage.repositories.jobs import MAX_JOB_ATTEMPTS, DigestRunRepo, JobFailureRepo
from storage.repositories.people import admins_to_tell
from storage.unit_of_work import AlreadyClaimed, insert_claim

log = logging.getLogger(__name__)


class DigestJob(Job):
    """The digests owed to organisers (docs/organisers.md)."""

    async def run(self) -> int:
        now = self.clock()
        async with self.session_factory() as session:
            runs = DigestRunRepo(session)
            rows = await runs.recipients(self.settings.admin_ids, PRIVACY_VERSION)
            last_ends = await runs.last_period_ends()
        enqueued = 0
        for subscription, user in rows:
            due = latest_due(subscription, now, self.settings.tz)
            last_end = last_ends.get(user.id)
            if due is None or (last_end is not None and last_end >= due):
                continue
            if last_end is None and due < subscription.created_at:
                continue  # subscribed after that slot: the first digest is the next one
            async with self.session_factory() as session:
                start = await next_period_start(session, subscription, due, self.settings.tz)
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
            await insert_claim(  # the period is done: the next digest starts after it
                session,
                DigestRun(
                    user_id=user.id,
                    period_start=start,
                    period_end=end,
                    claimed_by=self.name,
                    created_at=self.clock(),
                    trigger="failed",
                ),
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
                await insert_claim(session, run)  # fails here if another scheduler has it
                with use_locale(user.language, self.settings.default_locale):
                    await enqueue_package(
                        Outbox(session, self.clock),
                        user.id,
                        package,
                        group=f"digest:{run.id}",
                        voice=(VoiceSource.DIGEST, run.id),
                    )
            return True
        except AlreadyClaimed:
            log.info("digest for %s ending %s already claimed elsewhere", user.id, end)
            return False
