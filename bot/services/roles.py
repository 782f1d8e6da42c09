"""Who may do what: admins (ADMIN_IDS, or granted from the CLI), organisers (invited or
granted), everyone else.

Invitations are one-time deep links (`https://t.me/<bot>?start=<token>`); only a SHA-256 of the
token is stored, redemption is a compare-and-set, and every role change or refused attempt is
written to the audit log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from storage.base import utcnow
from storage.models import AuditEntry, DigestSubscription, Invitation, User

INVITE_PREFIX = "org_"  # deep-link payloads are [A-Za-z0-9_-]{1,64}
INVITE_TOKEN = re.compile(r"^org_[A-Za-z0-9_-]{24}$")
CONSOLE = "console"  # audit_log.actor for actions taken with `python -m bot ...`


class Role(StrEnum):
    MEMBER = "member"
    ORGANISER = "organiser"
    ADMIN = "admin"


def role_of(user_id: int, user: User | None, settings: Settings) -> Role:
    if user_id in settings.admin_ids or (user is not None and user.is_admin):
        return Role.ADMIN
    if user is not None and user.is_organiser:
        return Role.ORGANISER
    return Role.MEMBER


def can_organise(role: Role) -> bool:
    return role in (Role.ORGANISER, Role.ADMIN)


class Redemption(StrEnum):
    ACCEPTED = "accepted"
    ALREADY = "already"  # already an organiser: nothing to do
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class NewInvitation:
    token: str
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RoleService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def audit(
        self,
        actor: int | None,
        action: str,
        subject: int | None = None,
        *,
        by: str | None = None,
        **details: object,
    ) -> None:
        """`actor`: the person acting; `by`: who else ("console" for `python -m bot ...`)."""
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

    async def create_invitation(self, admin_id: int, now: datetime | None = None) -> NewInvitation:
        now = now or utcnow()
        token = INVITE_PREFIX + secrets.token_urlsafe(18)
        expires = now + timedelta(hours=self.settings.invitation_ttl_hours)
        self.session.add(
            Invitation(
                token_hash=hash_token(token),
                created_by=admin_id,
                created_at=now,
                expires_at=expires,
            )
        )
        await self.audit(admin_id, "invitation_created", expires_at=expires.isoformat())
        return NewInvitation(token, expires)

    async def redeem(self, token: str, user: User, now: datetime | None = None) -> Redemption:
        now = now or utcnow()
        if user.is_organiser:
            return Redemption.ALREADY
        digest = hash_token(token)
        result = await self.session.execute(
            update(Invitation)
            .where(
                Invitation.token_hash == digest,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_at=now, used_by=user.id)
        )
        if result.rowcount != 1:
            invitation = await self.session.scalar(
                select(Invitation).where(Invitation.token_hash == digest)
            )
            reason = (
                Redemption.UNKNOWN
                if invitation is None
                else Redemption.USED
                if invitation.used_at
                else Redemption.EXPIRED
            )
            await self.audit(user.id, "invitation_refused", reason=reason.value)
            return reason
        user.is_organiser = True
        await self.ensure_subscription(user.id)
        await self.audit(user.id, "organiser_added", user.id, via="invitation")
        return Redemption.ACCEPTED

    async def ensure_subscription(self, user_id: int) -> DigestSubscription:
        subscription = await self.session.get(DigestSubscription, user_id)
        if subscription is None:
            hour, minute = self.settings.digest_hour_minute
            subscription = DigestSubscription(
                user_id=user_id, frequency="daily", hour=hour, minute=minute, themes=[], regions=[]
            )
            self.session.add(subscription)
            await self.session.flush()
        return subscription

    async def is_admin(self, user_id: int) -> bool:
        return role_of(user_id, await self.session.get(User, user_id), self.settings) == Role.ADMIN

    async def list_organisers(self) -> list[User]:
        rows = await self.session.scalars(
            select(User).where(User.is_organiser).order_by(User.created_at)
        )
        return list(rows)

    async def revoke(self, admin_id: int, user_id: int) -> bool:
        result = await self.session.execute(
            update(User).where(User.id == user_id, User.is_organiser).values(is_organiser=False)
        )
        if result.rowcount != 1:
            return False
        user = await self.session.get(User, user_id)
        if role_of(user_id, user, self.settings) == Role.MEMBER:  # an admin keeps theirs
            await self._drop_subscription(user_id)
        await self.audit(admin_id, "organiser_revoked", user_id)
        return True

    async def grant(
        self,
        actor: int | None,
        user_id: int,
        role: Role = Role.ORGANISER,
        remove: bool = False,
        *,
        by: str | None = None,
    ) -> bool:
        """Make an existing person an organiser or an admin, or (`remove`) no longer one: the
        CLI's bootstrap (`by="console"`). ADMIN_IDS admins stay admins while they are in the
        setting. Whoever is neither organiser nor admin any more loses their digest settings."""
        user = await self.session.get(User, user_id)
        if user is None:
            return False
        if remove:
            if role == Role.ADMIN and user.is_admin:
                user.is_admin = False
                await self.audit(actor, "admin_removed", user_id, by=by, via="grant")
            elif role == Role.ORGANISER and user.is_organiser:
                user.is_organiser = False
                await self.audit(actor, "organiser_revoked", user_id, by=by, via="grant")
            if role_of(user_id, user, self.settings) == Role.MEMBER:
                await self._drop_subscription(user_id)
            return True
        if role == Role.ADMIN and not user.is_admin:
            user.is_admin = True
            await self.ensure_subscription(user_id)
            await self.audit(actor, "admin_added", user_id, by=by, via="grant")
        elif role == Role.ORGANISER and not user.is_organiser:
            user.is_organiser = True
            await self.ensure_subscription(user_id)
            await self.audit(actor, "organiser_added", user_id, by=by, via="grant")
        return True

    async def _drop_subscription(self, user_id: int) -> None:
        subscription = await self.session.get(DigestSubscription, user_id)
        if subscription is not None:
            await self.session.delete(subscription)
