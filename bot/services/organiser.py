"""Organiser use cases behind the handlers: the digest on demand, and voice-note replays.

The digest itself is built on the worker (bot/jobs/outputs.py); this service says what it covers
and records it once sent, so the next one starts where it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.services.disclosure import voice_scope
from bot.services.preread import preread_scope
from bot.services.roles import RoleService
from bot.services.subscriptions import SubscriptionService
from storage.base import utcnow
from storage.models import DigestRun
from storage.reports import ReportRepo, Scope, VoiceRow
from storage.repositories.erasures import LedgerRepo
from storage.repositories.jobs import DigestRunRepo, PrereadRunRepo
from storage.repositories.meetings import MeetingRepo
from storage.unit_of_work import UnitOfWork

VOICE_NOTES_PER_TAP = 20


@dataclass(frozen=True)
class VoiceReplay:
    notes: list[VoiceRow]
    allowed: bool  # False: fewer than the threshold behind it (nothing is sent)


class OrganiserService:
    def __init__(
        self, session: UnitOfWork, settings: Settings, questionnaire: Questionnaire
    ) -> None:
        self.session = session
        self.settings = settings
        self.questionnaire = questionnaire
        self.runs = DigestRunRepo(session)
        self.reports = ReportRepo(session)

    async def digest_scope(self, user_id: int) -> Scope:
        """What this organiser has not received yet: since their last digest (on demand or
        scheduled), up to now, through their subscription's themes and regions."""
        subscription = await SubscriptionService(
            self.session, self.settings, self.questionnaire
        ).get(user_id)
        _, start = await self.runs.next_start(user_id)
        return Scope(
            start=start,
            end=utcnow(),
            themes=tuple(subscription.themes or ()),
            regions=tuple(subscription.regions or ()),
        )

    async def is_stale(self, ledger_mark: int) -> bool:
        """Was something erased or withdrawn since a package read at `ledger_mark`?"""
        return await LedgerRepo(self.session).latest_id() > ledger_mark

    async def record_digest(
        self, user_id: int, scope: Scope, *, contributions: int, withheld: bool, claimed_by: str
    ) -> int:
        """Record a digest sent on demand as a run, so the next one starts where it ends;
        returns the run's id (its voice-note button names it). `claimed_by`: this instance."""
        run = await self.runs.add(
            DigestRun(
                user_id=user_id,
                period_start=scope.start,
                period_end=scope.end,
                claimed_by=claimed_by,
                created_at=utcnow(),
                contributions=contributions,
                themes=list(scope.themes),
                regions=list(scope.regions),
                trigger="on_demand",
                withheld=withheld,
            )
        )
        return run.id

    async def digest_voice_notes(self, user_id: int, run_id: int) -> VoiceReplay | None:
        """The voice notes of one digest this organiser received; None for a digest that is
        not theirs. The window is the server's, never the button's."""
        run = await self.runs.get(run_id)
        if run is None or run.user_id != user_id:
            return None
        scope = Scope(
            start=run.period_start,
            end=run.period_end,
            themes=tuple(run.themes or ()),
            regions=tuple(run.regions or ()),
        )
        return await self._replay(scope)

    async def preread_voice_notes(self, user_id: int, meeting_id: int) -> VoiceReplay | None:
        """The voice notes of a pre-read this person could have received: sent by the
        scheduler to organisers and admins (the window ends when it was built), or asked for
        by an admin in /reunions (until now); None otherwise."""
        meeting = await MeetingRepo(self.session).get(meeting_id)
        run = await PrereadRunRepo(self.session).get_for_meeting(meeting_id)
        is_admin = await RoleService(self.session, self.settings).is_admin(user_id)
        if meeting is None or (run is None and not is_admin):
            return None
        return await self._replay(preread_scope(meeting, run.created_at if run else utcnow()))

    async def _replay(self, scope: Scope) -> VoiceReplay:
        """The small-group rule applies to a replay like to the digest itself."""
        heard = await voice_scope(self.reports, scope, self.settings.small_group_threshold)
        if heard is None:
            return VoiceReplay([], allowed=False)
        notes = await self.reports.voice_notes(heard, limit=VOICE_NOTES_PER_TAP)
        return VoiceReplay(notes, allowed=True)
