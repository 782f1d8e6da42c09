"""People: profiles, and every trace of a person outside their profile (for erasure)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    PERSON_SUBJECT_ACTIONS,
    AuditEntry,
    Broadcast,
    Invitation,
    JobFailure,
    Meeting,
    OutboxMessage,
    User,
)


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def add(self, user: User) -> User:
        """Stage a new person's row and flush it: what the update does next refers to it."""
        self.session.add(user)
        await self.session.flush()
        return user

    async def delete(self, user_id: int) -> bool:
        # Contributions and answers follow through ON DELETE CASCADE.
        result = await self.session.execute(delete(User).where(User.id == user_id))
        return bool(result.rowcount)

    async def consent_times(self) -> list[tuple[int, datetime]]:
        """Everyone's id and when they (last) accepted the notice."""
        rows = await self.session.execute(select(User.id, User.consented_at))
        return [(user_id, consented_at) for user_id, consented_at in rows]

    async def set_active(self, user_id: int, active: bool) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id, User.is_active != active)
            .values(is_active=active)
        )


class PersonTraces:
    """Everything outside the person's own rows that names them, for `/oubli`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remove(self, user_id: int) -> None:
        """Delete every message queued for (or sent to) them, and unlink their id from what
        is kept for accountability (audit log, invitations, meetings, broadcasts)."""
        session = self.session
        await session.execute(delete(OutboxMessage).where(OutboxMessage.recipient_id == user_id))
        await session.execute(
            update(AuditEntry)
            .where(
                AuditEntry.subject_id == user_id,
                AuditEntry.action.in_(PERSON_SUBJECT_ACTIONS),  # others name a meeting...
            )
            .values(subject_id=None)
        )
        unlink = (
            (AuditEntry, AuditEntry.actor_id, "actor_id"),
            (Invitation, Invitation.used_by, "used_by"),
            (Invitation, Invitation.created_by, "created_by"),
            (Meeting, Meeting.created_by, "created_by"),
            (Broadcast, Broadcast.created_by, "created_by"),
        )
        for table, column, name in unlink:
            await session.execute(update(table).where(column == user_id).values({name: None}))
        await session.execute(
            update(Broadcast)
            .where(Broadcast.progress_chat_id == user_id)
            .values(progress_chat_id=None, progress_message_id=None)
        )
        await session.execute(delete(JobFailure).where(JobFailure.key.like(f"{int(user_id)}:%")))


async def admins_to_tell(session: AsyncSession, settings) -> list[User]:
    """Admins who can be reached (ADMIN_IDS who accepted the notice, and granted admins)."""
    rows = await session.scalars(
        select(User)
        .where(or_(User.is_admin, User.id.in_(settings.admin_ids)), User.is_active)
        .order_by(User.id)
    )
    return list(rows)
