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

from bot.config import Settings
from storage.base import utcnow
from storage.models import DigestSubscription, User
from storage.repositories.people import UserRepo
from storage.repositories.roles import AuditLog, InvitationRepo, OrganiserRepo, SubscriptionRepo
from storage.unit_of_work import UnitOfWork

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
class MenuHolder:
    """Whose command menu depends on their role: the chat, the role, the profile's language
    (None: no profile, e.g. an ADMIN_IDS admin who has not accepted the notice yet)."""

    user_id: int
    role: Role
    language: str | None = None


NAME_LIMIT = 64  # Telegram's own limit for a first name
USERNAME_LIMIT = 32


@dataclass(frozen=True)
class NewInvitation:
    token: str
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RoleService:
    def __init__(self, session: UnitOfWork, settings: Settings) -> None:
        self.settings = settings
        self.users = UserRepo(session)
        self.invitations = InvitationRepo(session)
        self.organisers = OrganiserRepo(session)
        self.subscriptions = SubscriptionRepo(session)
        self.audit_log = AuditLog(session)

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
        self.audit_log.add(actor, action, subject, by=by, **details)

    async def create_invitation(self, admin_id: int, now: datetime | None = None) -> NewInvitation:
        now = now or utcnow()
        token = INVITE_PREFIX + secrets.token_urlsafe(18)
        expires = now + timedelta(hours=self.settings.invitation_ttl_hours)
        self.invitations.add(hash_token(token), admin_id, now, expires)
        await self.audit(admin_id, "invitation_created", expires_at=expires.isoformat())
        return NewInvitation(token, expires)

    async def redeem(self, token: str, user: User, now: datetime | None = None) -> Redemption:
        now = now or utcnow()
        if user.is_organiser:
            return Redemption.ALREADY
        digest = hash_token(token)
        if not await self.invitations.redeem(digest, user.id, now):
            invitation = await self.invitations.get(digest)
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
        hour, minute = self.settings.digest_hour_minute
        return await self.subscriptions.ensure(user_id, hour, minute)

    async def is_admin(self, user_id: int) -> bool:
        return role_of(user_id, await self.users.get(user_id), self.settings) == Role.ADMIN

    async def list_organisers(self) -> list[User]:
        return await self.organisers.list_organisers()

    async def menu_of(self, user_id: int) -> MenuHolder:
        user = await self.users.get(user_id)
        role = role_of(user_id, user, self.settings)
        return MenuHolder(user_id, role, user.language if user is not None else None)

    async def menu_holders(self) -> list[MenuHolder]:
        """Everyone whose menu is not the field staff's: organisers and admins, with a profile
        or (ADMIN_IDS) without one yet."""
        users = await self.organisers.staff(self.settings.admin_ids)
        holders = [MenuHolder(u.id, role_of(u.id, u, self.settings), u.language) for u in users]
        known = {u.id for u in users}
        holders += [MenuHolder(i, Role.ADMIN) for i in self.settings.admin_ids if i not in known]
        # A role's menu left on a chat whose role went while Telegram could not be told (a
        # console revoke without a token, a refused call, an id out of ADMIN_IDS): removed.
        holders += [
            MenuHolder(u.id, Role.MEMBER, u.language)
            for u in await self.organisers.with_chat_menu()
            if u.id not in known
        ]
        return sorted(holders, key=lambda holder: holder.user_id)

    async def menu_applied(self, holder: MenuHolder) -> None:
        """Telegram took this chat's menu: remember which, so that a stale one can be found."""
        role = None if holder.role == Role.MEMBER else holder.role.value
        await self.organisers.record_chat_menu(holder.user_id, role)

    def remember_name(self, user: User, first_name: str | None, username: str | None) -> None:
        """An organiser's or admin's Telegram first name and @username, as Telegram gives them
        now (the notice at invitation says so); no one else's is kept."""
        if role_of(user.id, user, self.settings) == Role.MEMBER:
            return
        name = (first_name or "").strip()[:NAME_LIMIT] or None
        handle = (username or "").strip().lstrip("@")[:USERNAME_LIMIT] or None
        if (user.display_name, user.username) != (name, handle):
            user.display_name, user.username = name, handle

    @staticmethod
    def forget_name(user: User | None) -> None:
        """Someone who no longer has a role: their name is no longer needed."""
        if user is not None:
            user.display_name = user.username = None

    async def revoke(self, admin_id: int, user_id: int) -> bool:
        if not await self.organisers.revoke(user_id):
            return False
        user = await self.users.get(user_id)
        if role_of(user_id, user, self.settings) == Role.MEMBER:  # an admin keeps theirs
            await self.subscriptions.drop(user_id)
            self.forget_name(user)
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
        user = await self.users.get(user_id)
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
                await self.subscriptions.drop(user_id)
                self.forget_name(user)
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
