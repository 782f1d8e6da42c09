"""Regional meetings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Meeting,
)


class MeetingRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        return meeting

    async def list_upcoming(self, now: datetime, include_cancelled: bool = False) -> list[Meeting]:
        query = select(Meeting).where(Meeting.starts_at >= now).order_by(Meeting.starts_at)
        if not include_cancelled:
            query = query.where(Meeting.status == "scheduled")
        return list(await self.session.scalars(query))

    async def get_scheduled(self, meeting_id: int) -> Meeting | None:
        return await self.session.scalar(
            select(Meeting).where(Meeting.id == meeting_id, Meeting.status == "scheduled")
        )
