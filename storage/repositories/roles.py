"""Roles: organiser invitations, who organises, digest settings, and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models import AuditEntry, DigestSubscription, Invitation, User


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        actor: int | None,
        action: str,
        subject: int | None = None,
        *,
        by: str | None = None,
        **details: object,
    ) -> None:
        self.session.add(
            AuditEntry(
                at=utcnow(),
                actor_id=actor,
                actor=by,
                action=action,
                subject_id=subject,
                details=details or None,
            )
        )


class InvitationRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, token_hash: str, created_by: int, now: datetime, expires_at: datetime) -> None:
        self.session.add(
            Invitation(
                token_hash=token_hash, created_by=created_by, created_at=now, expires_at=expires_at
            )
        )

    async def redeem(self, token_hash: str, user_id: int, now: datetime) -> bool:
        """Compare-and-set: of two people opening the same link at once, one wins."""
        result = await self.session.execute(
            update(Invitation)
            .where(
                Invitation.token_hash == token_hash,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_at=now, used_by=user_id)
        )
        return result.rowcount == 1

    async def get(self, token_hash: str) -> Invitation | None:
        return await self.session.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash)
        )


class OrganiserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_organisers(self) -> list[User]:
        rows = await self.session.scalars(
            select(User).where(User.is_organiser).order_by(User.created_at)
        )
        return list(rows)

    async def staff(self, admin_ids: tuple[int, ...]) -> list[User]:
        """Everyone with a role: organisers, granted admins and the ADMIN_IDS who have a row."""
        rows = await self.session.scalars(
            select(User)
            .where(or_(User.is_organiser, User.is_admin, User.id.in_(admin_ids)))
            .order_by(User.id)
        )
        return list(rows)

    async def with_chat_menu(self) -> list[User]:
        """Everyone whose chat was given a role's menu (see `User.chat_menu`)."""
        return list(await self.session.scalars(select(User).where(User.chat_menu.is_not(None))))

    async def record_chat_menu(self, user_id: int, role: str | None) -> None:
        await self.session.execute(update(User).where(User.id == user_id).values(chat_menu=role))

    async def revoke(self, user_id: int) -> bool:
        """Compare-and-set: False if they were not (or no longer) an organiser."""
        result = await self.session.execute(
            update(User).where(User.id == user_id, User.is_organiser).values(is_organiser=False)
        )
        return result.rowcount == 1


class SubscriptionRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> DigestSubscription | None:
        return await self.session.get(DigestSubscription, user_id)

    async def ensure(self, user_id: int, hour: int, minute: int) -> DigestSubscription:
        """The person's digest settings; new ones (daily at `hour`:`minute`, every theme and
        region) if they had none."""
        subscription = await self.get(user_id)
        if subscription is None:
            subscription = DigestSubscription(
                user_id=user_id, frequency="daily", hour=hour, minute=minute, themes=[], regions=[]
            )
            self.session.add(subscription)
            await self.session.flush()
        return subscription

    async def drop(self, user_id: int) -> None:
        subscription = await self.get(user_id)
        if subscription is not None:
            await self.session.delete(subscription)
