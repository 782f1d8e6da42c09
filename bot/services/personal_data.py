"""`/mesdonnees`: everything Relais stores about one person, read in one unit of work.

The rows come back as stored; bot/views/personal_data.py turns them into the two files the
person receives (a complete JSON document, a CSV of their answers) in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from storage.base import utcnow
from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    DigestRun,
    DigestSubscription,
    Invitation,
    JobFailure,
    Meeting,
    OutboxMessage,
    User,
)
from storage.repositories.personal_data import PersonalDataRepo
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PersonalData:
    """Every row about one person. Rows of other tables may carry other people's ids (who
    invited them, who acted on them): the view describes those people, never shows their ids."""

    user: User
    roles: tuple[str, ...]  # "organiser", "admin" (granted or in ADMIN_IDS), else "member"
    contributions: list[Contribution]
    answers: list[Answer]  # every revision, the retired ones too
    digest_subscription: DigestSubscription | None
    digest_runs: list[DigestRun]
    messages_received: list[tuple[OutboxMessage, str | None]]  # with the attachment's name
    audit_entries: list[AuditEntry]
    invitations: list[Invitation]
    meetings_created: list[Meeting]
    broadcasts_created: list[Broadcast]
    job_failures: list[JobFailure]
    generated_at: datetime


class PersonalDataService:
    def __init__(self, session: UnitOfWork, settings: Settings) -> None:
        self.rows = PersonalDataRepo(session)
        self.settings = settings

    async def collect(self, user: User) -> PersonalData:
        rows = self.rows
        return PersonalData(
            user=user,
            roles=self._roles(user),
            contributions=await rows.contributions(user.id),
            answers=await rows.answers(user.id),
            digest_subscription=await rows.digest_subscription(user.id),
            digest_runs=await rows.digest_runs(user.id),
            messages_received=await rows.messages_received(user.id),
            audit_entries=await rows.audit_entries(user.id),
            invitations=await rows.invitations(user.id),
            meetings_created=await rows.meetings_created(user.id),
            broadcasts_created=await rows.broadcasts_created(user.id),
            job_failures=await rows.job_failures(user.id),
            generated_at=utcnow(),
        )

    def _roles(self, user: User) -> tuple[str, ...]:
        roles = []
        if user.is_organiser:
            roles.append("organiser")
        if user.is_admin or user.id in self.settings.admin_ids:
            roles.append("admin")
        return tuple(roles) or ("member",)
