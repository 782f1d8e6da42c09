from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.devtools.fake_api import ChatDriver
from bot.i18n import pick_locale
from bot.keyboards.callbacks import ConsentCB, LanguageCB, RoleCB, StructureTypeCB
from storage.models import Answer, Contribution, User


async def onboard(person: ChatDriver, language: str = "fr") -> None:
    """Go through /start and the profile questions the way a person would: the language is
    Telegram's (`language_code`), switched in one tap when `language` is another one."""
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    if language != pick_locale(person.language_code):
        await person.click_data(LanguageCB(code=language).pack())
    await person.click_data(StructureTypeCB(key="ai").pack())
    await person.send("  AI du Grésivaudan  ")
    await person.send("38")
    await person.click_data(RoleCB(key="cip").pack())


@pytest.fixture
async def member(app) -> ChatDriver:
    person = app.person()
    await onboard(person)
    return person


class Db:
    """Read what is stored, for assertions (each call in its own session)."""

    def __init__(self, session_factory) -> None:
        self.session_factory = session_factory

    async def user(self, user_id: int = 1001) -> User | None:
        async with self.session_factory() as session:
            return await session.get(User, user_id)

    async def count(self, model) -> int:
        async with self.session_factory() as session:
            return await session.scalar(select(func.count()).select_from(model))

    async def contributions(self, user_id: int = 1001) -> list[Contribution]:
        async with self.session_factory() as session:
            rows = await session.scalars(
                select(Contribution)
                .where(Contribution.user_id == user_id)
                .order_by(Contribution.id)
            )
            return list(rows)

    async def answers(self, contribution_id: int, current_only: bool = True) -> list[Answer]:
        async with self.session_factory() as session:
            query = select(Answer).where(Answer.contribution_id == contribution_id)
            if current_only:
                query = query.where(Answer.is_current)
            rows = await session.scalars(query.order_by(Answer.question_key, Answer.revision))
            return list(rows)

    async def answer_map(self, contribution_id: int) -> dict[str, Answer]:
        return {a.question_key: a for a in await self.answers(contribution_id)}


@pytest.fixture
def db(app) -> Db:
    return Db(app.session_factory)
