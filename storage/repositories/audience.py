"""Who a broadcast reaches: an audience is a conjunction of optional criteria.

No criterion means everyone who can be reached (consented, and has not blocked the bot). Each
criterion narrows it: regions, departments, roles, "has not submitted on theme X", "inactive
for N days". Inactive means no answer saved in the last N days (counted from joining for people
who never answered): what an organiser means by "has not contributed lately", and it needs no
write on every update.

`Audience` is plain data (stored as JSON on the broadcast); it lives next to the query that
reads it, as `storage.reports.Scope` does, because storage imports nothing from the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Contribution, ContributionStatus, User


@dataclass(frozen=True)
class Audience:
    regions: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    missing_theme: str | None = None  # has not submitted a contribution on this theme
    inactive_days: int | None = None

    @property
    def is_everyone(self) -> bool:
        return self == Audience()

    def toggled(self, field: str, value: str) -> Audience:
        """Add or remove one region, department or role."""
        current: tuple[str, ...] = getattr(self, field)
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        return replace(self, **{field: values})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "regions": list(self.regions),
            "departments": list(self.departments),
            "roles": list(self.roles),
        }
        if self.missing_theme:
            data["missing_theme"] = self.missing_theme
        if self.inactive_days:
            data["inactive_days"] = self.inactive_days
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Audience:
        data = data or {}
        return cls(
            regions=tuple(data.get("regions") or ()),
            departments=tuple(data.get("departments") or ()),
            roles=tuple(data.get("roles") or ()),
            missing_theme=data.get("missing_theme") or None,
            inactive_days=data.get("inactive_days") or None,
        )


class AudienceRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, audience: Audience, now: datetime) -> int:
        subquery = _members_query(audience, now).order_by(None).subquery()
        return await self.session.scalar(select(func.count()).select_from(subquery)) or 0

    async def members(self, audience: Audience, now: datetime) -> list[tuple[int, str]]:
        """(user id, language) of every recipient, in id order."""
        rows = await self.session.execute(_members_query(audience, now))
        return [(user_id, language) for user_id, language in rows]


def _members_query(audience: Audience, now: datetime) -> Select[tuple[int, str]]:
    query = select(User.id, User.language).where(User.is_active)
    if audience.regions:
        query = query.where(User.region_code.in_(audience.regions))
    if audience.departments:
        query = query.where(User.department_code.in_(audience.departments))
    if audience.roles:
        query = query.where(User.role.in_(audience.roles))
    if audience.missing_theme:
        query = query.where(
            ~exists().where(
                Contribution.user_id == User.id,
                Contribution.theme_key == audience.missing_theme,
                Contribution.status == ContributionStatus.SUBMITTED,
            )
        )
    if audience.inactive_days:
        cutoff = now - timedelta(days=audience.inactive_days)
        recent_answer = (
            exists()
            .where(Contribution.user_id == User.id, Answer.contribution_id == Contribution.id)
            .where(Answer.created_at >= cutoff)
        )
        query = query.where(User.consented_at < cutoff, ~recent_answer)
    return query.order_by(User.id)
